//! Continuous batching: one thread per loaded model runs a step for every active sequence at
//! once. A new request joins between steps (its prompt in chunks, beside the others' decoding);
//! a finished, cancelled or abandoned one leaves at once and frees its cache.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use super::{Adapter, Decoding, Engine, Row, SeqCache, Want};
use crate::export::Generated;
use crate::sampler::SamplingParams;
use crate::tokenizer::ChatTokenizer;

/// What a request hears about, in order: pieces of text, then one `Done` or `Failed`.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Text(String),
    Done(Generated),
    Failed(String),
}

/// Receives events; returns false when nobody listens any more (the request is then dropped).
pub type Listener = Box<dyn FnMut(Event) -> bool + Send>;

pub struct Request {
    pub prompt: Vec<u32>,
    pub params: SamplingParams,
    pub adapter: Option<Arc<Adapter>>,
    /// Set to stop the request between steps.
    pub cancel: Arc<AtomicBool>,
    pub listener: Listener,
}

/// Counters the owner can read while the batcher runs.
#[derive(Debug, Default)]
pub struct Stats {
    pub active: AtomicUsize,
    pub waiting: AtomicUsize,
    pub steps: AtomicU64,
    pub finished: AtomicU64,
    pub cancelled: AtomicU64,
    /// Bytes of key/value cache held by active sequences.
    pub cache_bytes: AtomicUsize,
}

pub struct Batcher {
    /// None when the thread could not be started: every request is then given back.
    tx: Option<mpsc::Sender<Request>>,
    pub stats: Arc<Stats>,
}

struct Seq {
    req: Request,
    dec: Decoding,
    cache: SeqCache,
    /// Prompt tokens already run.
    fed: usize,
}

impl Batcher {
    /// Starts the batching thread: at most `max_active` sequences at once, at most `step_tokens`
    /// prompt tokens per step (decoding tokens always run).
    pub fn start(engine: Arc<Engine>, tok: Arc<ChatTokenizer>, max_active: usize, step_tokens: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Request>();
        let stats = Arc::new(Stats::default());
        let s = stats.clone();
        // Dropping the batcher closes the channel; the thread ends once its sequences are done.
        let started = std::thread::Builder::new()
            .name("polytune-batcher".into())
            .spawn(move || run(&engine, &tok, &rx, &s, max_active.max(1), step_tokens.max(1)));
        Batcher { tx: started.ok().map(|_| tx), stats }
    }

    /// Queues a request; gives it back when the batcher has stopped.
    pub fn submit(&self, r: Request) -> Result<(), Request> {
        match &self.tx {
            Some(tx) => tx.send(r).map_err(|e| e.0),
            None => Err(r),
        }
    }
}

fn run(
    engine: &Engine,
    tok: &ChatTokenizer,
    rx: &mpsc::Receiver<Request>,
    stats: &Stats,
    max_active: usize,
    step_tokens: usize,
) {
    let mut waiting: VecDeque<Request> = VecDeque::new();
    let mut active: Vec<Seq> = Vec::new();
    loop {
        if active.is_empty() && waiting.is_empty() {
            match rx.recv() {
                Ok(r) => waiting.push_back(r),
                Err(_) => return,
            }
        }
        while let Ok(r) = rx.try_recv() {
            waiting.push_back(r);
        }
        while active.len() < max_active {
            let Some(mut req) = waiting.pop_front() else { break };
            if req.cancel.load(Ordering::Relaxed) {
                stats.cancelled.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            match Decoding::new(&req.prompt, &req.params, engine.max_context()) {
                Ok(dec) if req.params.max_new_tokens > 0 => {
                    active.push(Seq { req, dec, cache: SeqCache::new(), fed: 0 });
                }
                Ok(_) => {
                    (req.listener)(Event::Done(Generated {
                        text: String::new(),
                        tokens: 0,
                        finish_reason: "length".into(),
                    }));
                    stats.finished.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    (req.listener)(Event::Failed(e.to_string()));
                    stats.finished.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let (gone, kept): (Vec<Seq>, Vec<Seq>) = active.drain(..).partition(|s| s.req.cancel.load(Ordering::Relaxed));
        active = kept;
        // Counted before the requests are dropped: whoever waits on a listener sees the counts.
        stats.cancelled.fetch_add(gone.len() as u64, Ordering::Relaxed);
        stats.waiting.store(waiting.len(), Ordering::Relaxed);
        stats.active.store(active.len(), Ordering::Relaxed);
        stats.cache_bytes.store(active.iter().map(|s| s.cache.bytes()).sum(), Ordering::Relaxed);
        drop(gone);
        if active.is_empty() {
            continue;
        }
        // Every decoding sequence feeds its last token; prompts share the rest of the budget.
        let mut budget = step_tokens;
        let mut inputs: Vec<Option<(Vec<u32>, Want)>> = Vec::with_capacity(active.len());
        for s in &active {
            let left = s.req.prompt.len() - s.fed;
            if left == 0 {
                inputs.push(Some((vec![s.dec.last()], Want::Last)));
            } else if budget > 0 {
                let n = left.min(budget);
                budget -= n;
                let want = if n == left { Want::Last } else { Want::Nothing };
                inputs.push(Some((s.req.prompt[s.fed..s.fed + n].to_vec(), want)));
            } else {
                inputs.push(None);
            }
        }
        let result = {
            let mut rows: Vec<Row> = active
                .iter_mut()
                .zip(&inputs)
                .filter_map(|(s, i)| {
                    i.as_ref().map(|(t, w)| Row {
                        cache: &mut s.cache,
                        tokens: t,
                        want: *w,
                        adapter: s.req.adapter.as_deref(),
                    })
                })
                .collect();
            engine.step(&mut rows)
        };
        stats.steps.fetch_add(1, Ordering::Relaxed);
        let logits = match result {
            Ok(l) => l,
            Err(e) => {
                for mut s in active.drain(..) {
                    (s.req.listener)(Event::Failed(e.to_string()));
                }
                continue;
            }
        };
        let mut logits = logits.into_iter();
        let mut keep = Vec::with_capacity(active.len());
        let mut leaving = Vec::new();
        for (mut s, input) in active.drain(..).zip(inputs) {
            let Some((tokens, _)) = input else {
                keep.push(s);
                continue;
            };
            let l = logits.next().flatten();
            if s.fed < s.req.prompt.len() {
                s.fed += tokens.len();
            }
            let Some(l) = l else {
                keep.push(s);
                continue;
            };
            let mut listening = true;
            let listener = &mut s.req.listener;
            let outcome = s.dec.push(&l, tok, &mut |t| listening &= listener(Event::Text(t.to_string())));
            let last = match outcome {
                Ok(Some(done)) => {
                    stats.finished.fetch_add(1, Ordering::Relaxed);
                    Some(Event::Done(done))
                }
                Ok(None) if listening => {
                    keep.push(s);
                    continue;
                }
                Ok(None) => {
                    stats.cancelled.fetch_add(1, Ordering::Relaxed);
                    None
                }
                Err(e) => {
                    stats.finished.fetch_add(1, Ordering::Relaxed);
                    Some(Event::Failed(e.to_string()))
                }
            };
            leaving.push((s, last));
        }
        active = keep;
        stats.active.store(active.len(), Ordering::Relaxed);
        stats.cache_bytes.store(active.iter().map(|s| s.cache.bytes()).sum(), Ordering::Relaxed);
        // The last event goes out after the counters are right.
        for (mut s, last) in leaving {
            if let Some(e) = last {
                (s.req.listener)(e);
            }
        }
    }
}
