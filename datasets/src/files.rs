//! Finding data files in a folder on the server (administrators' server imports).

use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};

const DATA_EXTENSIONS: &[&str] = &[".jsonl", ".json", ".csv", ".tsv", ".parquet", ".txt", ".gz"];

/// `path` resolved (links followed) when it lies inside one of `roots`: `Ok(None)` when it lies
/// outside them all, an error naming it when it cannot be opened.
pub fn inside(path: &str, roots: &[PathBuf]) -> Result<Option<PathBuf>> {
    let wanted = std::fs::canonicalize(path.trim())
        .map_err(|source| DataError::PathUnopenable { path: path.to_string(), source })?;
    let allowed = roots.iter().filter_map(|d| std::fs::canonicalize(d).ok()).any(|root| wanted.starts_with(&root));
    Ok(allowed.then_some(wanted))
}

/// Data files under `root` (recursively, at most 2,000), named relative to it.
pub fn data_files(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|source| DataError::FolderUnreadable { path: dir.display().to_string(), source })?;
        for entry in entries.flatten() {
            let path = entry.path();
            // Links are not followed: they could lead out of the allowed folder.
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.file_type().is_symlink() {
                continue;
            }
            if meta.is_dir() {
                stack.push(path);
            } else if DATA_EXTENSIONS.iter().any(|x| path.to_string_lossy().to_ascii_lowercase().ends_with(x)) {
                let base = root.parent().unwrap_or(root);
                let name = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().to_string();
                out.push((path, name));
                if out.len() >= 2000 {
                    return Ok(out);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data files are found recursively and named from the folder's own name; links and other
    /// files are left out; a missing folder is an error naming it.
    #[test]
    fn walks_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.jsonl"), "{}\n").unwrap();
        std::fs::write(root.join("sub/b.CSV"), "x\n").unwrap();
        std::fs::write(root.join("notes.md"), "no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("link.txt")).unwrap();
        let names: Vec<String> = data_files(&root).unwrap().into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, vec!["corpus/a.jsonl".to_string(), "corpus/sub/b.CSV".to_string()]);
        let err = data_files(&root.join("missing")).unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
    }
}

/// The studio's cache of downloaded files (models, the fastText language-ID model):
/// `$POLYTUNE_CACHE` (the setup script's), else `$XDG_CACHE_HOME/polytune` or `~/.cache/polytune`.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("POLYTUNE_CACHE").map(PathBuf::from).or_else(|| {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("polytune"))
    })
}
