//! The one identification path: the script decides where only one known language writes it;
//! otherwise the n-gram model scores the candidates (all its languages, or those a dataset or
//! task declares), and a fastText model, where one is loaded, speaks when the n-gram model is not
//! confident. Below the confidence threshold the answer is "unknown" (`und`), never a guess
//! presented as fact.

use std::sync::Arc;

use crate::fasttext;
use crate::ngram::NgramModel;
use crate::script;

/// What the identifier says about one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    /// The FLORES label (`swh_Latn`), or `None` for unknown.
    pub label: Option<String>,
    /// How sure the identifier is, 0–1.
    pub probability: f32,
    /// The dominant script (ISO 15924), when the text has letters.
    pub script: Option<&'static str>,
    /// Which part decided: `script`, `ngram` or `fasttext`.
    pub by: &'static str,
    /// The most likely label even when it is not confident enough to be the answer.
    pub candidate: Option<String>,
    /// The probability of the candidate's whole language group (the labels that fold into one
    /// canonical language, such as the Arabic varieties), when groups are set.
    pub group_probability: f32,
}

impl Guess {
    fn unknown(script: Option<&'static str>, probability: f32) -> Guess {
        Guess { label: None, probability, script, by: "none", candidate: None, group_probability: probability }
    }

    fn sure(label: &str, probability: f32, script: Option<&'static str>, by: &'static str) -> Guess {
        Guess {
            label: Some(label.to_string()),
            probability,
            script,
            by,
            candidate: Some(label.to_string()),
            group_probability: probability,
        }
    }

    /// The label, or `und`.
    pub fn code(&self) -> &str {
        self.label.as_deref().unwrap_or("und")
    }
}

/// A fastText model whose labels were mapped to FLORES labels by the caller (`__label__sw` →
/// `swh_Latn`); labels without a mapping are never answered. Shared: one loaded model serves
/// every identifier that asks it.
#[derive(Clone)]
pub struct FastTextPart {
    pub model: Arc<fasttext::Model>,
    pub flores: Vec<Option<String>>,
}

pub struct Identifier {
    ngram: Option<NgramModel>,
    fasttext: Option<FastTextPart>,
    /// The FLORES labels this identifier can answer.
    labels: Vec<String>,
    /// Below this probability the answer is unknown.
    pub threshold: f32,
    /// Script → the labels written in it (the script half of each label).
    scripts: Vec<(String, Vec<usize>)>,
    /// For each fastText label, the identifier's label it answers (if any).
    fasttext_labels: Vec<Option<usize>>,
    /// A group number per label (labels of one canonical language share it), if set.
    groups: Option<Vec<usize>>,
}

/// Below this share of the unrestricted probability, a candidate set says "not any of these".
const MIN_CANDIDATE_MASS: f32 = 0.05;

/// The languages a text may be in, as a mask over the identifier's labels.
pub struct Candidates {
    mask: Vec<bool>,
}

impl Identifier {
    /// The n-gram model, with a fastText model to ask where it is unsure.
    pub fn new(ngram: NgramModel, fasttext: Option<FastTextPart>) -> Identifier {
        let labels = ngram.labels().to_vec();
        Self::build(Some(ngram), fasttext, labels)
    }

    /// A fastText model alone (for example GlotLID or lid.176 registered by an administrator).
    pub fn fasttext_only(fasttext: FastTextPart) -> Identifier {
        let mut labels: Vec<String> = fasttext.flores.iter().flatten().cloned().collect();
        labels.sort();
        labels.dedup();
        Self::build(None, Some(fasttext), labels)
    }

    fn build(ngram: Option<NgramModel>, fasttext: Option<FastTextPart>, labels: Vec<String>) -> Identifier {
        let mut scripts: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, l) in labels.iter().enumerate() {
            let s = l.rsplit_once('_').map_or("", |(_, s)| s).to_string();
            match scripts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, v)) => v.push(i),
                None => scripts.push((s, vec![i])),
            }
        }
        let fasttext_labels = fasttext
            .as_ref()
            .map(|ft| ft.flores.iter().map(|f| f.as_ref().and_then(|f| labels.iter().position(|l| l == f))).collect())
            .unwrap_or_default();
        Identifier { ngram, fasttext, labels, threshold: 0.5, scripts, fasttext_labels, groups: None }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Groups labels that mean one language to the caller (`group(label)` gives its key, for
    /// example its canonical code): an unsure label whose group is sure then says so in
    /// [`Guess::group_probability`].
    pub fn with_groups(mut self, group: impl Fn(&str) -> String) -> Identifier {
        let keys: Vec<String> = self.labels.iter().map(|l| group(l)).collect();
        let mut uniq: Vec<&String> = keys.iter().collect();
        uniq.sort();
        uniq.dedup();
        self.groups = Some(keys.iter().map(|k| uniq.binary_search(&k).unwrap_or(0)).collect());
        self
    }

    pub fn ngram(&self) -> Option<&NgramModel> {
        self.ngram.as_ref()
    }

    /// A candidate set from labels; labels the identifier does not know are returned as the error.
    pub fn candidates<'a>(&self, labels: impl IntoIterator<Item = &'a str>) -> Result<Candidates, Vec<String>> {
        let mut mask = vec![false; self.labels().len()];
        let mut unknown = Vec::new();
        for l in labels {
            match self.labels().iter().position(|k| k == l) {
                Some(i) => mask[i] = true,
                None => unknown.push(l.to_string()),
            }
        }
        if unknown.is_empty() { Ok(Candidates { mask }) } else { Err(unknown) }
    }

    pub fn identify(&self, text: &str, candidates: Option<&Candidates>) -> Guess {
        let mut scratch = Vec::new();
        self.identify_with(text, candidates, &mut scratch)
    }

    /// [`identify`](Self::identify) with a reusable buffer (the profile calls this per text).
    pub fn identify_with(&self, text: &str, candidates: Option<&Candidates>, scratch: &mut Vec<u64>) -> Guess {
        self.identify_at(text, candidates, self.threshold, scratch)
    }

    /// [`identify_with`](Self::identify_with) with another confidence threshold.
    pub fn identify_at(
        &self,
        text: &str,
        candidates: Option<&Candidates>,
        threshold: f32,
        scratch: &mut Vec<u64>,
    ) -> Guess {
        let script = script::dominant(text);
        let Some(s) = script else { return Guess::unknown(None, 0.0) };
        let allowed = candidates.map(|c| c.mask.as_slice());
        let ok = |i: usize| allowed.is_none_or(|a| a[i]);
        // One known language writes this script: no model needed. Writers are counted among all
        // labels (a candidate set must not turn "some Latin-script language" into "Spanish"), and
        // a label without a script (a language a workspace taught, `qaa`) writes every script.
        let writers = || {
            self.scripts
                .iter()
                .filter(|(k, _)| k.is_empty() || script::label_fits(k, s))
                .flat_map(|(_, v)| v.iter().copied())
        };
        let mut some = writers();
        if let (Some(only), None) = (some.next(), some.next()) {
            return if ok(only) {
                Guess::sure(&self.labels[only], 1.0, script, "script")
            } else {
                Guess::unknown(script, 0.0)
            };
        }
        if allowed.is_some() && !writers().any(ok) {
            return Guess::unknown(script, 0.0);
        }
        let mut unsure = Guess::unknown(script, 0.0);
        if let Some(ngram) = &self.ngram {
            let Some(scores) = ngram.scores(text, scratch) else { return Guess::unknown(script, 0.0) };
            // Restricted to candidates, the answer is the best candidate — but only when the
            // candidates together are plausible at all (a Thai text is not "English" because
            // English was the only candidate).
            if allowed.is_some() {
                let all = ngram.probabilities(&scores, None);
                let mass: f32 = all.iter().enumerate().filter(|&(i, _)| ok(i)).map(|(_, &p)| p).sum();
                if mass < MIN_CANDIDATE_MASS {
                    return Guess::unknown(script, 0.0);
                }
            }
            let Some((best, q)) = ngram.best(&scores, allowed) else { return Guess::unknown(script, 0.0) };
            if q >= threshold {
                return Guess::sure(&self.labels[best], q, script, "ngram");
            }
            unsure.probability = q;
            unsure.candidate = Some(self.labels[best].clone());
            unsure.group_probability = match &self.groups {
                Some(g) => {
                    let p = ngram.probabilities(&scores, allowed);
                    p.iter().enumerate().filter(|&(i, _)| g[i] == g[best]).map(|(_, &x)| x).sum()
                }
                None => q,
            };
        }
        if let Some(ft) = &self.fasttext {
            // What the n-gram model reads: the first characters, on one line.
            let head: String =
                text.chars().take(script::MAX_CHARS).map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
            // Candidates may be far down fastText's list: look at all of it, and renormalize
            // over the allowed labels (when they are plausible at all).
            let k = if allowed.is_some() { ft.model.labels().len() } else { 3 };
            let mut best: Option<(usize, f32)> = None;
            let mut total = 0.0f32;
            for (i, p) in ft.model.predict_indices(&head, k) {
                let Some(j) = self.fasttext_labels[i] else { continue };
                if ok(j) {
                    total += p;
                    best = best.or(Some((j, p)));
                }
            }
            if let Some((j, q)) = best.filter(|_| allowed.is_none() || total >= MIN_CANDIDATE_MASS) {
                let q = if allowed.is_some() { q / total } else { q };
                if q >= threshold {
                    return Guess::sure(&self.labels[j], q, script, "fasttext");
                }
            }
        }
        unsure
    }
}
