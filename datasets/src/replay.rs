//! Continual tuning with replay: the new data followed by a share of the earlier run's data,
//! drawn evenly (the same draw for the same seed), so a continued run does not forget.

use crate::error::{DataError, Result, Written};

/// The new data followed by `want` examples drawn evenly from the earlier run's data (written
/// once, atomically; a resumed job finds it).
pub fn write_replay(
    new: &std::path::Path,
    old: &std::path::Path,
    old_count: u64,
    want: u64,
    seed: u64,
    target: &std::path::Path,
) -> Result<()> {
    use std::io::{BufRead, Write};
    if target.exists() {
        return Ok(());
    }
    let fail = |e: std::io::Error| DataError::write(Written::ReplayData, e);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = target.with_extension("tmp");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(fail)?);
    let mut input = std::fs::File::open(new).map_err(fail)?;
    let copied = std::io::copy(&mut input, &mut out).map_err(fail)?;
    // The earlier run's lines must start on a line of their own.
    let mut last = [0u8];
    if copied > 0 {
        use std::io::{Read, Seek};
        input.seek(std::io::SeekFrom::End(-1)).map_err(fail)?;
        input.read_exact(&mut last).map_err(fail)?;
        if last[0] != b'\n' {
            out.write_all(b"\n").map_err(fail)?;
        }
    }
    let mut pick = crate::mixture::Selection::new(want, old_count, seed, "replay".into());
    for line in std::io::BufReader::new(std::fs::File::open(old).map_err(fail)?).lines() {
        let line = line.map_err(fail)?;
        if !line.trim().is_empty() && pick.take() {
            out.write_all(line.as_bytes()).map_err(fail)?;
            out.write_all(b"\n").map_err(fail)?;
        }
    }
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, target).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The new lines come first, then exactly `want` earlier lines (on lines of their own, even
    /// when the new file lacks a final newline); the same seed draws the same lines; a second
    /// call keeps the file it finds.
    #[test]
    fn replays_a_share() {
        let dir = tempfile::tempdir().unwrap();
        let (new, old) = (dir.path().join("new.jsonl"), dir.path().join("old.jsonl"));
        std::fs::write(&new, "n1\nn2").unwrap();
        let old_lines: Vec<String> = (0..20).map(|i| format!("o{i}")).collect();
        std::fs::write(&old, old_lines.join("\n") + "\n").unwrap();
        let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
        write_replay(&new, &old, 20, 5, 7, &a).unwrap();
        write_replay(&new, &old, 20, 5, 7, &b).unwrap();
        let text = std::fs::read_to_string(&a).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(&lines[..2], &["n1", "n2"]);
        assert_eq!(lines.len(), 7, "{lines:?}");
        assert!(lines[2..].iter().all(|l| l.starts_with('o')));
        assert_eq!(text, std::fs::read_to_string(&b).unwrap());
        std::fs::write(&a, "kept").unwrap();
        write_replay(&new, &old, 20, 5, 7, &a).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "kept");
    }
}
