//! Deriving a new version from a profiled one: filters by language, length and flags, then
//! duplicates resolved (keep the first or the longest of each group among what the filters kept).

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::ops::ControlFlow;

use polytune_api::{Annotation, Dedup, DeriveSpec, lang};

use crate::error::{DataError, Result, Stored, Written};
use crate::minhash::Groups;
use crate::profile::DuplicateGroups;

pub use polytune_api::DeriveReport;

fn annotations(input: impl BufRead) -> impl Iterator<Item = Result<Annotation>> {
    input.lines().enumerate().map(|(i, l)| {
        let l = l.map_err(|source| DataError::StoredFileUnreadable { file: Stored::Annotations, source })?;
        serde_json::from_str(&l).map_err(|source| DataError::StoredFileDamaged {
            file: Stored::Annotations,
            index: i as u64,
            source,
        })
    })
}

/// Why `a` does not pass the filters, if it does not.
fn reason(a: &Annotation, spec: &DeriveSpec, langs: &[String]) -> Option<String> {
    // Languages compare by their base code (`zho` matches `zho-Hant`), as browsing does.
    if !langs.is_empty() {
        let code = a.li.as_deref().map(|l| l.split('-').next().unwrap_or(l).to_string());
        if !code.is_some_and(|c| langs.contains(&c)) {
            return Some("language".into());
        }
    }
    let chars = a.ci + a.cr;
    if spec.min_chars.is_some_and(|m| chars < m) {
        return Some("too short".into());
    }
    if spec.max_chars.is_some_and(|m| chars > m) {
        return Some("too long".into());
    }
    a.f.iter().find(|f| spec.exclude_flags.contains(f)).map(|f| f.label().to_string())
}

/// Streams `examples` (canonical lines) with their `annotations` (same order) into `out`.
pub fn derive(
    examples: impl BufRead,
    annotations_for_keepers: impl BufRead,
    annotations_in_order: impl BufRead,
    groups: &DuplicateGroups,
    spec: &DeriveSpec,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<DeriveReport> {
    let langs: Vec<String> =
        spec.languages.iter().filter_map(|l| lang::parse(l)).map(|t| t.code().to_string()).collect();
    // Pass 1 (annotations only): which group members survive the filters, and who keeps each group.
    let mut drop_as_dup: Vec<bool> = Vec::new();
    if spec.dedup != Dedup::None {
        let mut member: HashMap<u64, Option<u32>> = HashMap::new();
        let mut n = 0u64;
        for g in groups.exact.iter().chain(&groups.near) {
            for i in g {
                member.insert(*i, None);
            }
        }
        for (i, a) in annotations(annotations_for_keepers).enumerate() {
            let a = a?;
            n = i as u64 + 1;
            if let Some(slot) = member.get_mut(&(i as u64)) {
                if reason(&a, spec, &langs).is_none() {
                    *slot = Some(a.ci + a.cr);
                }
            }
        }
        let mut g = Groups::new(n as usize);
        for grp in groups.exact.iter().chain(&groups.near) {
            for w in grp.windows(2) {
                if w[0] < n && w[1] < n {
                    g.union(w[0] as u32, w[1] as u32);
                }
            }
        }
        drop_as_dup = vec![false; n as usize];
        for grp in g.multi() {
            let survivors: Vec<(u64, u32)> =
                grp.iter().filter_map(|i| member.get(i).copied().flatten().map(|c| (*i, c))).collect();
            let keeper = match spec.dedup {
                Dedup::KeepLongest => survivors.iter().max_by_key(|(i, c)| (*c, std::cmp::Reverse(*i))).map(|x| x.0),
                _ => survivors.first().map(|x| x.0),
            };
            for (i, _) in survivors {
                if Some(i) != keeper {
                    drop_as_dup[i as usize] = true;
                }
            }
        }
    }
    // Pass 2: stream examples and annotations together.
    let mut report = DeriveReport::default();
    let mut anns = annotations(annotations_in_order);
    for (i, line) in examples.lines().enumerate() {
        let line = line.map_err(|source| DataError::StoredFileUnreadable { file: Stored::Examples, source })?;
        let a = anns.next().ok_or(DataError::AnnotationMissing { example: i as u64 })??;
        report.examples += 1;
        let why = reason(&a, spec, &langs)
            .or_else(|| drop_as_dup.get(i).copied().unwrap_or(false).then(|| "duplicate".to_string()));
        match why {
            Some(r) => *report.dropped.entry(r).or_default() += 1,
            None => {
                report.kept += 1;
                out.write_all(line.as_bytes())
                    .and_then(|_| out.write_all(b"\n"))
                    .map_err(|e| DataError::write(Written::DerivedExamples, e))?;
            }
        }
        if report.examples % 4096 == 0 && progress(report.examples).is_break() {
            return Err(DataError::Stopped);
        }
    }
    Ok(report)
}
