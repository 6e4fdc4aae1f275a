//! Generation for one sequence (prompt in chunks, streaming, cancellable) and log-likelihoods of
//! continuations with their context run once.

use candle_core::{D, Result, Tensor};

use super::{Adapter, Engine, EngineError, Row, SeqCache, Want};
use crate::export::Generated;
use crate::sampler::{Sampler, SamplingParams, find_stop};
use crate::tokenizer::ChatTokenizer;

/// Prompt tokens run per step: long prompts go through in chunks of this many.
pub const PROMPT_CHUNK: usize = 256;

/// The text side of one generating sequence: sampling, stop tokens and sequences, and the text
/// handed out so far (held back while it ends in a partial UTF-8 character).
pub struct Decoding {
    sampler: Sampler,
    pub all: Vec<u32>,
    pub new: Vec<u32>,
    text: String,
    max_ctx: usize,
}

impl Decoding {
    pub fn new(prompt: &[u32], params: &SamplingParams, max_ctx: usize) -> std::result::Result<Self, EngineError> {
        if let Some(e) = polytune_api::Validate::validate(params).into_iter().next() {
            return Err(EngineError::Input(format!("{}: {}", e.path, e.message)));
        }
        if prompt.is_empty() {
            return Err(EngineError::Input("the prompt is empty".into()));
        }
        if prompt.len() >= max_ctx {
            return Err(EngineError::Input(format!(
                "the prompt has {} tokens; the model's context is {max_ctx}",
                prompt.len()
            )));
        }
        Ok(Decoding {
            sampler: Sampler::new(params.clone()),
            all: prompt.to_vec(),
            new: Vec::new(),
            text: String::new(),
            max_ctx,
        })
    }

    /// Picks the next token from `logits` (`[vocab]`), hands new text to `on_text`, and says
    /// whether the sequence has finished (and why).
    pub fn push(
        &mut self,
        logits: &Tensor,
        tok: &ChatTokenizer,
        on_text: &mut dyn FnMut(&str),
    ) -> std::result::Result<Option<Generated>, EngineError> {
        let mut last: Vec<f32> = logits.flatten_all()?.to_vec1()?;
        let next = self.sampler.sample(&mut last, &self.all);
        if tok.stop_ids.contains(&next) {
            return Ok(Some(self.finish(tok, "stop", on_text)?));
        }
        self.all.push(next);
        self.new.push(next);
        let decoded = tok.decode(&self.new).map_err(|e| EngineError::Input(e.to_string()))?;
        if let Some(cut) = find_stop(&decoded, &self.sampler.params().stop) {
            let piece = &decoded[self.text.len().min(cut)..cut];
            on_text(piece);
            self.text = decoded[..cut].to_string();
            return Ok(Some(Generated {
                text: self.text.clone(),
                tokens: self.new.len(),
                finish_reason: "stop".into(),
            }));
        }
        if !decoded.ends_with('\u{FFFD}') && decoded.len() > self.text.len() && decoded.starts_with(&self.text) {
            on_text(&decoded[self.text.len()..]);
            self.text = decoded;
        }
        if self.new.len() >= self.sampler.params().max_new_tokens || self.all.len() >= self.max_ctx {
            return Ok(Some(self.finish(tok, "length", on_text)?));
        }
        Ok(None)
    }

    fn finish(
        &mut self,
        tok: &ChatTokenizer,
        reason: &str,
        on_text: &mut dyn FnMut(&str),
    ) -> std::result::Result<Generated, EngineError> {
        if reason == "length" {
            let decoded = tok.decode(&self.new).map_err(|e| EngineError::Input(e.to_string()))?;
            if decoded.len() > self.text.len() && decoded.starts_with(&self.text) {
                on_text(&decoded[self.text.len()..]);
            }
            self.text = decoded;
        }
        Ok(Generated { text: self.text.clone(), tokens: self.new.len(), finish_reason: reason.into() })
    }

    /// The token the next step feeds (the last one sampled).
    pub fn last(&self) -> u32 {
        *self.all.last().unwrap_or(&0)
    }
}

/// Continues `prompt`: the prompt in chunks of [`PROMPT_CHUNK`], then one token per step;
/// `on_text` gets each new piece of text; `cancel` is asked between steps.
pub fn generate(
    engine: &Engine,
    adapter: Option<&Adapter>,
    tok: &ChatTokenizer,
    prompt: &[u32],
    params: &SamplingParams,
    on_text: &mut dyn FnMut(&str),
    cancel: &dyn Fn() -> bool,
) -> std::result::Result<Generated, EngineError> {
    let mut dec = Decoding::new(prompt, params, engine.max_context())?;
    if params.max_new_tokens == 0 {
        return Ok(Generated { text: String::new(), tokens: 0, finish_reason: "length".into() });
    }
    let mut cache = SeqCache::new();
    let chunks: Vec<&[u32]> = prompt.chunks(PROMPT_CHUNK).collect();
    let mut logits = None;
    for (i, chunk) in chunks.iter().enumerate() {
        if cancel() {
            return Err(EngineError::Cancelled);
        }
        let want = if i + 1 == chunks.len() { Want::Last } else { Want::Nothing };
        let mut rows = [Row { cache: &mut cache, tokens: chunk, want, adapter }];
        logits = engine.step(&mut rows)?.pop().flatten();
    }
    loop {
        let l = logits.take().ok_or_else(|| EngineError::Model("no logits for the last token".into()))?;
        if let Some(done) = dec.push(&l, tok, on_text)? {
            return Ok(done);
        }
        if cancel() {
            return Err(EngineError::Cancelled);
        }
        let next = [dec.last()];
        let mut rows = [Row { cache: &mut cache, tokens: &next, want: Want::Last, adapter }];
        logits = engine.step(&mut rows)?.pop().flatten();
    }
}

/// Renders `messages` with the model's chat template and generates the assistant's answer.
pub fn chat(
    engine: &Engine,
    adapter: Option<&Adapter>,
    tok: &ChatTokenizer,
    messages: &[crate::template::Message],
    params: &SamplingParams,
    on_text: &mut dyn FnMut(&str),
    cancel: &dyn Fn() -> bool,
) -> std::result::Result<Generated, EngineError> {
    let prompt = tok.encode_prompt(messages).map_err(|e| EngineError::Input(e.to_string()))?;
    generate(engine, adapter, tok, &prompt, params, on_text, cancel)
}

/// Several continuations of one context.
#[derive(Debug, Clone)]
pub struct LoglikRequest {
    pub context: Vec<u32>,
    pub continuations: Vec<Vec<u32>>,
}

/// One continuation token: its log-probability and whether it was the most likely token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenLogprob {
    pub logprob: f32,
    pub greedy: bool,
}

fn score(logits: &Tensor, targets: &[u32]) -> Result<Vec<TokenLogprob>> {
    let logp = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let best: Vec<u32> = logp.argmax(D::Minus1)?.to_vec1()?;
    let rows: Vec<Vec<f32>> = logp.to_vec2()?;
    Ok(targets
        .iter()
        .zip(rows.iter().zip(best))
        .map(|(&t, (row, b))| TokenLogprob { logprob: row[t as usize], greedy: b == t })
        .collect())
}

fn check(engine: &Engine, r: &LoglikRequest) -> std::result::Result<(), EngineError> {
    let vocab = engine.cfg.vocab_size;
    if r.context.is_empty() {
        return Err(EngineError::Input("a log-likelihood request has an empty context".into()));
    }
    if r.continuations.is_empty() || r.continuations.iter().any(|c| c.is_empty()) {
        return Err(EngineError::Input("a log-likelihood request has an empty continuation".into()));
    }
    let longest = r.continuations.iter().map(|c| c.len()).max().unwrap_or(0);
    if r.context.len() + longest > engine.max_context() {
        return Err(EngineError::Input(format!(
            "a request of {} tokens does not fit the model's context of {}",
            r.context.len() + longest,
            engine.max_context()
        )));
    }
    if r.context.iter().chain(r.continuations.iter().flatten()).any(|&t| t as usize >= vocab) {
        return Err(EngineError::Input(format!("a token id is outside the vocabulary of {vocab}")));
    }
    Ok(())
}

/// Log-probabilities of every continuation token, per request, per continuation. Requests are
/// taken in order of length and run together up to `batch_tokens` new tokens per step; each
/// context runs once and its keys and values are copied to its continuations.
pub fn loglikelihood(
    engine: &Engine,
    adapter: Option<&Adapter>,
    requests: &[LoglikRequest],
    batch_tokens: usize,
    cancel: &dyn Fn() -> bool,
) -> std::result::Result<Vec<Vec<Vec<TokenLogprob>>>, EngineError> {
    for r in requests {
        check(engine, r)?;
    }
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| requests[i].context.len() + requests[i].continuations.iter().map(Vec::len).sum::<usize>());
    let mut out: Vec<Vec<Vec<TokenLogprob>>> = vec![Vec::new(); requests.len()];
    let mut at = 0;
    while at < order.len() {
        if cancel() {
            return Err(EngineError::Cancelled);
        }
        // A group of requests whose contexts fit the budget together (at least one).
        let mut group = vec![order[at]];
        let mut used = requests[order[at]].context.len();
        at += 1;
        while at < order.len() && used + requests[order[at]].context.len() <= batch_tokens {
            used += requests[order[at]].context.len();
            group.push(order[at]);
            at += 1;
        }
        // Contexts, once each: the last position's logits score every continuation's first token.
        let mut caches: Vec<SeqCache> = group.iter().map(|_| SeqCache::new()).collect();
        let mut first: Vec<Tensor> = Vec::with_capacity(group.len());
        {
            let mut rows: Vec<Row> = caches
                .iter_mut()
                .zip(&group)
                .map(|(c, &i)| Row { cache: c, tokens: &requests[i].context, want: Want::Last, adapter })
                .collect();
            for l in engine.step(&mut rows)? {
                first.push(l.ok_or_else(|| EngineError::Model("no logits for a context".into()))?);
            }
        }
        // Continuations: each on its own copy of its context's cache, batched up to the budget.
        let mut jobs: Vec<(usize, usize)> = Vec::new(); // (position in group, continuation)
        for (g, &i) in group.iter().enumerate() {
            for c in 0..requests[i].continuations.len() {
                jobs.push((g, c));
            }
        }
        let mut j = 0;
        while j < jobs.len() {
            if cancel() {
                return Err(EngineError::Cancelled);
            }
            let mut batch = Vec::new();
            let mut tokens = 0;
            while j < jobs.len() {
                let (g, c) = jobs[j];
                let n = requests[group[g]].continuations[c].len();
                if !batch.is_empty() && tokens + n > batch_tokens {
                    break;
                }
                tokens += n;
                batch.push(jobs[j]);
                j += 1;
            }
            let mut forks: Vec<SeqCache> = Vec::new();
            let mut inputs: Vec<&[u32]> = Vec::new();
            let mut ran: Vec<(usize, usize)> = Vec::new();
            for &(g, c) in &batch {
                let cont = &requests[group[g]].continuations[c];
                if cont.len() > 1 {
                    forks.push(caches[g].fork()?);
                    inputs.push(&cont[..cont.len() - 1]);
                    ran.push((g, c));
                }
            }
            let mut logits_of: std::collections::HashMap<(usize, usize), Tensor> = std::collections::HashMap::new();
            if !ran.is_empty() {
                let mut rows: Vec<Row> = forks
                    .iter_mut()
                    .zip(&inputs)
                    .map(|(f, t)| Row { cache: f, tokens: t, want: Want::All, adapter })
                    .collect();
                for (key, l) in ran.iter().zip(engine.step(&mut rows)?) {
                    logits_of.insert(*key, l.ok_or_else(|| EngineError::Model("no logits for a continuation".into()))?);
                }
            }
            for &(g, c) in &batch {
                let i = group[g];
                let cont = &requests[i].continuations[c];
                let all = match logits_of.remove(&(g, c)) {
                    Some(rest) => Tensor::cat(&[&first[g], &rest], 0)?,
                    None => first[g].clone(),
                };
                let scored = score(&all, cont)?;
                let slot = &mut out[i];
                if slot.len() <= c {
                    slot.resize(requests[i].continuations.len(), Vec::new());
                }
                slot[c] = scored;
            }
        }
    }
    Ok(out)
}

/// The same numbers one continuation at a time, context and continuation in one sequence, no
/// sharing: the reference the batched path is checked against.
pub fn loglikelihood_unbatched(
    engine: &Engine,
    adapter: Option<&Adapter>,
    context: &[u32],
    continuation: &[u32],
) -> std::result::Result<Vec<TokenLogprob>, EngineError> {
    check(engine, &LoglikRequest { context: context.to_vec(), continuations: vec![continuation.to_vec()] })?;
    let mut input = context.to_vec();
    input.extend_from_slice(&continuation[..continuation.len() - 1]);
    let mut cache = SeqCache::new();
    let mut rows = [Row { cache: &mut cache, tokens: &input, want: Want::All, adapter }];
    let logits = engine.step(&mut rows)?.pop().flatten().ok_or_else(|| EngineError::Model("no logits".into()))?;
    let n = continuation.len();
    Ok(score(&logits.narrow(0, context.len() - 1, n)?, continuation)?)
}
