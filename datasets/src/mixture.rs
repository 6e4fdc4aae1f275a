//! Materializing a mixture: draws each language's examples from the chosen versions, holds out a
//! validation split per language, adds augmented examples, and flags (or leaves out) examples found
//! in evaluation sets. Streams twice over the inputs and keeps only per-language counters, so memory
//! does not grow with the data; the output depends only on the inputs and the seed.
//!
//! Drawing is sequential selection sampling (Knuth's Algorithm S): the i-th of `n` candidates is
//! taken with probability `(k − taken) / (n − i)`, which takes exactly `k`, each subset equally
//! likely. Over-sampling repeats every example ⌊k / n⌋ times and draws the remaining `k mod n`
//! without replacement, so no example is repeated more than once beyond the others.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::time::Instant;

use polytune_api::{
    AlignedRow, Annotation, Augmentation, Example, MixtureLanguageReport, MixtureReport, MixtureSpec, Turn, TurnRole,
    render_augmented, validation_count,
};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{DataError, Result, Stored, Written};
use crate::minhash;

/// One version the mixture draws from: its canonical examples and its profile's annotations.
pub struct Source {
    pub version_id: String,
    pub examples: Opener,
    pub annotations: Opener,
}

/// Opens a stream again (materializing reads every source twice).
pub type Opener = Box<dyn Fn() -> std::io::Result<Box<dyn BufRead + Send>> + Send + Sync>;

/// One input of an augmentation: a version read line by line, in its main language.
pub struct AugmentInput {
    pub role: String,
    pub version_id: String,
    pub language: String,
    pub examples: Box<dyn BufRead + Send>,
}

/// Texts of registered evaluation sets, by the hash of their normalized form.
#[derive(Default)]
pub struct EvalIndex {
    texts: HashMap<u64, u32>,
    names: Vec<String>,
}

/// Texts shorter than this (normalized) are not compared: answers like "18" or "B" would match
/// everything.
const MIN_COMPARED_CHARS: usize = 20;

fn text_keys(e: &Example) -> impl Iterator<Item = u64> + '_ {
    [e.instruction_text(), e.response_text()].into_iter().filter_map(|t| {
        let n = minhash::normalize(&t);
        (n.chars().count() >= MIN_COMPARED_CHARS).then(|| minhash::exact_key(&n))
    })
}

impl EvalIndex {
    /// Adds every example of an evaluation set called `name`.
    pub fn add(&mut self, name: &str, examples: impl BufRead) -> Result<u64> {
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        let mut n = 0;
        for (i, line) in examples.lines().enumerate() {
            let file = || Stored::EvaluationSet(name.to_string());
            let line = line.map_err(|source| DataError::StoredFileUnreadable { file: file(), source })?;
            if line.trim().is_empty() {
                continue;
            }
            let e: Example = serde_json::from_str(&line).map_err(|source| DataError::StoredFileDamaged {
                file: file(),
                index: i as u64,
                source,
            })?;
            for k in text_keys(&e) {
                self.texts.entry(k).or_insert(id);
            }
            n += 1;
        }
        Ok(n)
    }

    /// Adds texts of an evaluation set called `name` that is not a dataset version (a built-in
    /// task, a task made from a file): each compared as an instruction or answer would be.
    pub fn add_texts<'a>(&mut self, name: &str, texts: impl IntoIterator<Item = &'a str>) -> u64 {
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        let mut n = 0;
        for t in texts {
            let norm = minhash::normalize(t);
            if norm.chars().count() >= MIN_COMPARED_CHARS {
                self.texts.entry(minhash::exact_key(&norm)).or_insert(id);
                n += 1;
            }
        }
        n
    }

    /// The evaluation set an example's instruction or answer is found in, if any.
    pub fn find_example(&self, e: &Example) -> Option<&str> {
        self.find(std::iter::once(e))
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The evaluation set one of `examples` is found in, if any.
    fn find<'a>(&self, examples: impl IntoIterator<Item = &'a Example>) -> Option<&str> {
        if self.texts.is_empty() {
            return None;
        }
        examples
            .into_iter()
            .flat_map(text_keys)
            .find_map(|k| self.texts.get(&k))
            .map(|id| self.names[*id as usize].as_str())
    }
}

/// A uniform number in [0, 1) for the `i`-th draw of stream `stream` under `seed`: stateless, so
/// a language's draws do not depend on how the languages interleave in the files.
fn uniform(seed: u64, stream: &str, i: u64) -> f64 {
    let s = xxh3_64_with_seed(stream.as_bytes(), seed);
    (xxh3_64_with_seed(&i.to_le_bytes(), s) >> 11) as f64 / (1u64 << 53) as f64
}

/// Sequential selection of `k` out of `n` (Algorithm S).
#[derive(Debug, Clone)]
pub struct Selection {
    pub k: u64,
    pub n: u64,
    seen: u64,
    taken: u64,
    stream: String,
    seed: u64,
}

impl Selection {
    pub fn new(k: u64, n: u64, seed: u64, stream: String) -> Self {
        Selection { k: k.min(n), n, seen: 0, taken: 0, stream, seed }
    }

    /// Whether the next candidate is taken.
    pub fn take(&mut self) -> bool {
        if self.seen >= self.n {
            return false;
        }
        let left = self.n - self.seen;
        let need = self.k - self.taken;
        let take = need > 0 && (uniform(self.seed, &self.stream, self.seen) * left as f64) < need as f64;
        self.seen += 1;
        self.taken += take as u64;
        take
    }
}

struct LanguageDraw {
    validation: Selection,
    /// Copies every training candidate gets, and the selection of the remainder.
    base: u64,
    extra: Selection,
}

/// Reads examples and their annotations in step, with the language key the profile used.
fn zipped(source: &Source) -> Result<impl Iterator<Item = Result<(u64, Example, String)>> + use<>> {
    let version = || Stored::Version(source.version_id.clone());
    let profile = || Stored::VersionProfile(source.version_id.clone());
    let examples = (source.examples)().map_err(|e| DataError::StoredFileUnopenable { file: version(), source: e })?;
    let annotations =
        (source.annotations)().map_err(|e| DataError::StoredFileUnopenable { file: profile(), source: e })?;
    let vid = source.version_id.clone();
    let mut ann = annotations.lines();
    Ok(examples.lines().filter(|l| !l.as_ref().is_ok_and(|l| l.trim().is_empty())).enumerate().map(move |(i, line)| {
        let version = || Stored::Version(vid.clone());
        let profile = || Stored::VersionProfile(vid.clone());
        let index = i as u64;
        let line = line.map_err(|source| DataError::StoredFileUnreadable { file: version(), source })?;
        let e: Example = serde_json::from_str(&line).map_err(|source| DataError::StoredFileDamaged {
            file: version(),
            index,
            source,
        })?;
        let a = ann
            .next()
            .ok_or_else(|| DataError::ProfileTooShort { version: vid.clone() })?
            .map_err(|source| DataError::StoredFileUnreadable { file: profile(), source })?;
        let a: Annotation = serde_json::from_str(&a).map_err(|source| DataError::StoredFileDamaged {
            file: profile(),
            index,
            source,
        })?;
        Ok((index, e, a.li.unwrap_or_else(|| "und".into())))
    }))
}

fn write_line(out: &mut dyn Write, e: &Example) -> Result<()> {
    serde_json::to_writer(&mut *out, e).map_err(|err| DataError::write(Written::Mixture, err))?;
    out.write_all(b"\n").map_err(|err| DataError::write(Written::Mixture, err))
}

/// Everything materializing needs besides the spec.
pub struct Inputs {
    pub sources: Vec<Source>,
    /// Training examples wanted per language (the plan's numbers).
    pub targets: BTreeMap<String, u64>,
    /// Per augmentation of the spec: its number of aligned rows and its inputs (one per role).
    pub augmentations: Vec<(u64, Vec<AugmentInput>)>,
    pub eval: EvalIndex,
    /// Examples in all sources together (for progress; 0 when unknown).
    pub expected: u64,
}

/// Writes the training examples to `train` and the validation examples to `validation`.
/// `progress` gets the fraction done (0–1) and may stop the work.
pub fn materialize(
    spec: &MixtureSpec,
    inputs: Inputs,
    train: &mut dyn Write,
    validation: &mut dyn Write,
    progress: &mut dyn FnMut(f64) -> ControlFlow<()>,
) -> Result<MixtureReport> {
    let started = Instant::now();
    let mut report = MixtureReport::default();
    let stopped = || DataError::Stopped;
    let Inputs { sources, targets, augmentations, eval, expected } = inputs;
    // Pass 1: candidates per language (examples of a wanted language not found in an evaluation set).
    let mut candidates: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0u64;
    for s in &sources {
        for r in zipped(s)? {
            let (_, e, lang) = r?;
            total += 1;
            if !targets.contains_key(&lang) {
                continue;
            }
            if let Some(set) = eval.find([&e]) {
                let l = report.languages.entry(lang.clone()).or_default();
                l.contaminated += 1;
                report.contaminated += 1;
                if report.contaminated_examples.len() < 50 {
                    report.contaminated_examples.push(format!("{}:{} (in {set})", s.version_id, e.id));
                }
                if spec.drop_contaminated {
                    continue;
                }
            }
            *candidates.entry(lang).or_default() += 1;
            if total.is_multiple_of(4096) && progress(0.45 * (total as f64 / expected.max(total) as f64)).is_break() {
                return Err(stopped());
            }
        }
    }
    let mut draws: BTreeMap<String, LanguageDraw> = BTreeMap::new();
    for (lang, &n) in &candidates {
        let v = validation_count(n, spec.validation_fraction, spec.validation_max_per_language);
        let m = n - v;
        let want = targets[lang];
        let k = if spec.oversample { want } else { want.min(m) };
        let (base, extra) = (k.checked_div(m).unwrap_or(0), k.checked_rem(m).unwrap_or(0));
        draws.insert(
            lang.clone(),
            LanguageDraw {
                validation: Selection::new(v, n, spec.seed, format!("validation/{lang}")),
                base,
                extra: Selection::new(extra, m, spec.seed, format!("train/{lang}")),
            },
        );
    }
    // Pass 2: draw.
    let mut done = 0u64;
    for s in &sources {
        for r in zipped(s)? {
            let (_, mut e, lang) = r?;
            done += 1;
            if done.is_multiple_of(4096) && progress(0.45 + 0.45 * done as f64 / total.max(1) as f64).is_break() {
                return Err(stopped());
            }
            let Some(d) = draws.get_mut(&lang) else { continue };
            if let Some(set) = eval.find([&e]) {
                if spec.drop_contaminated {
                    continue;
                }
                e.meta.insert("contaminated".into(), serde_json::Value::String(set.to_string()));
            }
            e.meta.insert("from_version".into(), serde_json::Value::String(s.version_id.clone()));
            // The profile's language (declared or detected) travels with the example, so the
            // trainer reports it per language.
            if e.language.is_none() && lang != "und" {
                e.language = Some(lang.clone());
            }
            let l = report.languages.entry(lang).or_default();
            if d.validation.take() {
                write_line(validation, &e)?;
                l.validation += 1;
                report.validation_examples += 1;
                continue;
            }
            let copies = d.base + d.extra.take() as u64;
            let id = e.id.clone();
            for c in 0..copies {
                if c > 0 {
                    e.id = format!("{id}~{c}");
                }
                write_line(train, &e)?;
            }
            l.examples += copies;
            l.repeats += copies.saturating_sub(1);
            report.train_examples += copies;
        }
    }
    // Augmentations.
    for (i, (a, (rows_total, inputs))) in spec.augmentations.iter().zip(augmentations).enumerate() {
        if progress(0.9 + 0.1 * i as f64 / spec.augmentations.len() as f64).is_break() {
            return Err(stopped());
        }
        augment(i, a, rows_total, inputs, spec, &eval, train, &mut report)?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Reads the inputs of one augmentation in step: one example per role per row.
fn rows(inputs: Vec<AugmentInput>) -> impl Iterator<Item = Result<Vec<Example>>> {
    let mut readers: Vec<(String, std::io::Lines<Box<dyn BufRead + Send>>)> =
        inputs.into_iter().map(|i| (i.version_id, i.examples.lines())).collect();
    let mut row = 0usize;
    std::iter::from_fn(move || {
        let mut out = Vec::with_capacity(readers.len());
        let mut ended = 0;
        for (vid, lines) in readers.iter_mut() {
            let next = loop {
                match lines.next() {
                    Some(Ok(l)) if l.trim().is_empty() => continue,
                    other => break other,
                }
            };
            match next {
                None => ended += 1,
                Some(Err(source)) => {
                    return Some(Err(DataError::StoredFileUnreadable { file: Stored::Version(vid.clone()), source }));
                }
                Some(Ok(l)) => match serde_json::from_str::<Example>(&l) {
                    Ok(e) => out.push(e),
                    Err(source) => {
                        let file = Stored::Version(vid.clone());
                        return Some(Err(DataError::StoredFileDamaged { file, index: row as u64, source }));
                    }
                },
            }
        }
        row += 1;
        match ended {
            0 => Some(Ok(out)),
            n if n == readers.len() => None,
            _ => Some(Err(DataError::InputsNotAligned { row })),
        }
    })
}

fn aligned_row<'a>(roles: &'a [(String, String)], row: &'a [Example]) -> AlignedRow<'a> {
    roles.iter().zip(row).map(|((role, l), e)| (role.as_str(), e, l.as_str())).collect()
}

#[allow(clippy::too_many_arguments)]
fn augment(
    index: usize,
    a: &Augmentation,
    rows_total: u64,
    inputs: Vec<AugmentInput>,
    spec: &MixtureSpec,
    eval: &EvalIndex,
    train: &mut dyn Write,
    report: &mut MixtureReport,
) -> Result<()> {
    // Roles in the order of the inputs given, with their languages.
    let roles: Vec<(String, String)> = inputs.iter().map(|i| (i.role.clone(), i.language.clone())).collect();
    let answer_lang = roles
        .iter()
        .find(|(r, _)| *r == a.template.answer_role)
        .map(|(_, l)| l.clone())
        .ok_or(DataError::AnswerInputMissing { augmentation: index + 1 })?;
    let mut pending = rows(inputs);
    // The row being rendered and the `shots` rows after it; at the end, the first rows again.
    let mut window: VecDeque<Vec<Example>> = VecDeque::new();
    for r in pending.by_ref().take(a.shots + 1) {
        window.push_back(r?);
    }
    let first: Vec<Vec<Example>> = window.iter().take(a.shots).cloned().collect();
    let mut selection =
        Selection::new(a.limit.unwrap_or(rows_total), rows_total, spec.seed, format!("augmentation/{index}"));
    let (mut made, mut row_no) = (0u64, 0u64);
    while let Some(row) = window.pop_front() {
        if let Some(next) = pending.next() {
            window.push_back(next?);
        }
        row_no += 1;
        if !selection.take() {
            continue;
        }
        // Worked examples never come from an evaluation set either.
        let usable = |r: &&Vec<Example>| !spec.drop_contaminated || eval.find(r.iter()).is_none();
        let mut shots: Vec<&Vec<Example>> = window.iter().filter(usable).take(a.shots).collect();
        let mut wrap = first.iter().filter(usable);
        while shots.len() < a.shots {
            match wrap.next() {
                Some(r) => shots.push(r),
                None => break,
            }
        }
        if let Some(set) = eval.find(row.iter()) {
            report.contaminated += 1;
            report.languages.entry(answer_lang.clone()).or_default().contaminated += 1;
            if report.contaminated_examples.len() < 50 {
                report.contaminated_examples.push(format!("augmentation {} row {row_no} (in {set})", index + 1));
            }
            if spec.drop_contaminated {
                continue;
            }
        }
        let main = aligned_row(&roles, &row);
        let shot_rows: Vec<AlignedRow<'_>> = shots.into_iter().map(|r| aligned_row(&roles, r)).collect();
        let (user, assistant) =
            render_augmented(&a.template, &main, &shot_rows).map_err(|message| DataError::AugmentationFailed {
                augmentation: index + 1,
                template: a.template.name.clone(),
                row: row_no,
                message,
            })?;
        let ids: serde_json::Map<String, serde_json::Value> =
            main.iter().map(|(role, e, _)| (role.to_string(), serde_json::Value::String(e.id.clone()))).collect();
        let mut meta = BTreeMap::new();
        meta.insert("augmentation".into(), serde_json::Value::String(a.template.name.clone()));
        meta.insert("inputs".into(), serde_json::Value::Object(ids));
        let e = Example {
            id: format!("aug{}-{row_no}", index + 1),
            source: format!("augmentation {} ({}) row {row_no}", index + 1, a.template.name),
            language: Some(answer_lang.clone()),
            turns: vec![Turn { role: TurnRole::User, text: user }, Turn { role: TurnRole::Assistant, text: assistant }],
            meta,
        };
        write_line(train, &e)?;
        made += 1;
    }
    let l: &mut MixtureLanguageReport = report.languages.entry(answer_lang).or_default();
    l.augmented += made;
    report.train_examples += made;
    Ok(())
}
