//! Browsing a version's examples: which examples a person's filters keep (language, length,
//! quality flag, duplicates, text), a page of them, and one example by its index. The examples
//! and their profile annotations (one JSON line per example, in the same order) are read as
//! streams; nothing is loaded whole.

use std::io::BufRead;
use std::ops::ControlFlow;

use polytune_api::{Annotation, DupFilter, Example, ExampleItem, ExamplePage, Flag};

use crate::import::read_examples;
use crate::profile::DuplicateGroups;

/// What a person asked to see. Empty means every example.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExampleFilter {
    /// A language code (`swa`, `und`, or with a script, `srp-Cyrl`: its language part is compared).
    pub language: Option<String>,
    pub flag: Option<Flag>,
    pub duplicates: Option<DupFilter>,
    /// Characters of instruction and response together.
    pub min_chars: Option<u32>,
    pub max_chars: Option<u32>,
    /// Text searched for, case-insensitively, in the turns and the id.
    pub text: Option<String>,
}

/// A group index per duplicate kind (exact, near) for one example.
type GroupsOf = (Option<usize>, Option<usize>);

impl ExampleFilter {
    /// Whether the filter reads the profile's annotations (language, length, flag, duplicates).
    pub fn needs_profile(&self) -> bool {
        self.language.is_some()
            || self.flag.is_some()
            || self.duplicates.is_some()
            || self.min_chars.is_some()
            || self.max_chars.is_some()
    }

    fn keeps(&self, ann: Option<&Annotation>, groups: GroupsOf, e: &Example) -> bool {
        if let Some(a) = ann {
            let code = a.li.as_deref().map(|l| l.split('-').next().unwrap_or(l)).unwrap_or("und");
            if self.language.as_deref().is_some_and(|l| l.split('-').next() != Some(code)) {
                return false;
            }
            let chars = a.ci + a.cr;
            if self.min_chars.is_some_and(|m| chars < m) || self.max_chars.is_some_and(|m| chars > m) {
                return false;
            }
            if self.flag.is_some_and(|f| !a.f.contains(&f)) {
                return false;
            }
        }
        let in_dup = match self.duplicates {
            None => true,
            Some(DupFilter::Exact) => groups.0.is_some(),
            Some(DupFilter::Near) => groups.1.is_some(),
            Some(DupFilter::Any) => groups.0.is_some() || groups.1.is_some(),
        };
        if !in_dup {
            return false;
        }
        match self.text.as_deref().map(str::to_lowercase) {
            Some(n) => e.turns.iter().any(|t| t.text.to_lowercase().contains(&n)) || e.id.to_lowercase().contains(&n),
            None => true,
        }
    }
}

/// The other members of an example's duplicate groups, sorted.
fn members(groups: &DuplicateGroups, at: GroupsOf, me: u64) -> Vec<u64> {
    let mut out: Vec<u64> =
        at.0.map(|g| groups.exact[g].clone())
            .into_iter()
            .chain(at.1.map(|g| groups.near[g].clone()))
            .flatten()
            .filter(|i| *i != me)
            .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The `limit` examples the filter keeps from the `offset`-th on, with how many there are in all
/// and how many match.
pub fn page(
    examples: impl BufRead,
    annotations: Option<impl BufRead>,
    groups: &DuplicateGroups,
    filter: &ExampleFilter,
    offset: u64,
    limit: u64,
) -> crate::error::Result<ExamplePage> {
    let dup_index = groups.index();
    let mut anns = annotations.map(|a| a.lines());
    let mut page = ExamplePage { total: 0, matched: 0, offset, items: Vec::new() };
    read_examples(examples, |i, e| {
        page.total += 1;
        let ann: Option<Annotation> =
            anns.as_mut().and_then(|a| a.next()).and_then(|l| l.ok()).and_then(|l| serde_json::from_str(&l).ok());
        let at = dup_index.get(&i).copied().unwrap_or((None, None));
        if !filter.keeps(ann.as_ref(), at, &e) {
            return ControlFlow::Continue(());
        }
        if page.matched >= offset && (page.items.len() as u64) < limit {
            page.items.push(ExampleItem { index: i, example: e, annotation: ann, duplicates: members(groups, at, i) });
        }
        page.matched += 1;
        ControlFlow::Continue(())
    })?;
    Ok(page)
}

/// One example by its index (0-based), or `None` past the end.
pub fn item(
    examples: impl BufRead,
    annotations: Option<impl BufRead>,
    groups: &DuplicateGroups,
    index: u64,
) -> crate::error::Result<Option<ExampleItem>> {
    let ann = annotations
        .and_then(|a| a.lines().nth(index as usize))
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok());
    let mut found = None;
    read_examples(examples, |i, e| {
        if i == index {
            found = Some(e);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    let at = groups.index().get(&index).copied().unwrap_or((None, None));
    Ok(found.map(|example| ExampleItem { index, example, annotation: ann, duplicates: members(groups, at, index) }))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn line(id: &str, text: &str) -> String {
        format!(
            r#"{{"id":"{id}","source":"t","turns":[{{"role":"user","text":"{text}"}},{{"role":"assistant","text":"ok"}}]}}"#
        )
    }

    fn ann(lang: &str, chars: u32, flags: &str) -> String {
        format!(r#"{{"li":"{lang}","si":null,"lr":null,"sr":null,"ci":{chars},"cr":0,"t":0,"f":[{flags}]}}"#)
    }

    fn data() -> (String, String, DuplicateGroups) {
        let examples =
            [line("a", "Habari ya asubuhi"), line("b", "Good morning"), line("c", "Habari ya jioni")].join("\n");
        let anns = [ann("swa", 17, ""), ann("eng", 12, ""), ann("swa", 15, "\"wrong_script\"")].join("\n");
        let groups = DuplicateGroups { exact: vec![], near: vec![vec![0, 2]] };
        (examples, anns, groups)
    }

    /// Each filter keeps exactly the examples it names; paging counts every match.
    #[test]
    fn filters_and_pages() {
        let (ex, an, g) = data();
        let run = |f: ExampleFilter, offset, limit| {
            page(Cursor::new(ex.clone()), Some(Cursor::new(an.clone())), &g, &f, offset, limit).unwrap()
        };
        let all = run(ExampleFilter::default(), 0, 10);
        assert_eq!((all.total, all.matched, all.items.len()), (3, 3, 3));
        let swa = run(ExampleFilter { language: Some("swa".into()), ..Default::default() }, 0, 10);
        assert_eq!(swa.items.iter().map(|i| i.index).collect::<Vec<_>>(), vec![0, 2]);
        let long = run(ExampleFilter { min_chars: Some(16), ..Default::default() }, 0, 10);
        assert_eq!(long.items.iter().map(|i| i.example.id.as_str()).collect::<Vec<_>>(), vec!["a"]);
        let near = run(ExampleFilter { duplicates: Some(DupFilter::Near), ..Default::default() }, 0, 10);
        assert_eq!(near.items[0].duplicates, vec![2]);
        let exact = run(ExampleFilter { duplicates: Some(DupFilter::Exact), ..Default::default() }, 0, 10);
        assert_eq!(exact.matched, 0);
        let flagged = run(ExampleFilter { flag: Some(Flag::WrongScript), ..Default::default() }, 0, 10);
        assert_eq!(flagged.items.iter().map(|i| i.index).collect::<Vec<_>>(), vec![2]);
        let text = run(ExampleFilter { text: Some("JIONI".into()), ..Default::default() }, 0, 10);
        assert_eq!(text.items.iter().map(|i| i.index).collect::<Vec<_>>(), vec![2]);
        let second = run(ExampleFilter::default(), 1, 1);
        assert_eq!((second.matched, second.items[0].index), (3, 1));
        assert!(ExampleFilter { flag: Some(Flag::ALL[0]), ..Default::default() }.needs_profile());
        assert!(!ExampleFilter { text: Some("x".into()), ..Default::default() }.needs_profile());
    }

    /// One example by index comes with its annotation and duplicates; past the end is `None`.
    #[test]
    fn one_item() {
        let (ex, an, g) = data();
        let it = item(Cursor::new(ex.clone()), Some(Cursor::new(an.clone())), &g, 2).unwrap().unwrap();
        assert_eq!((it.example.id.as_str(), it.duplicates.clone()), ("c", vec![0]));
        assert_eq!(it.annotation.unwrap().li.as_deref(), Some("swa"));
        assert!(item(Cursor::new(ex), None::<Cursor<String>>, &g, 9).unwrap().is_none());
    }
}
