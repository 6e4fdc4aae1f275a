//! Content-addressed blob storage on the local filesystem (DESIGN.md decision 3).
//!
//! A blob is written to `tmp/` while its SHA-256 is computed, fsynced, then renamed to
//! `blobs/<first two hex>/<sha256>` and the folder fsynced: a crash leaves either nothing or a
//! complete blob, never half of one. Identical content is stored once. Bodies are streamed: a
//! blob is never held in memory whole.

use std::path::{Path, PathBuf};

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage I/O at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("upload interrupted: {0}")]
    Interrupted(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| StorageError::Io { path: path.to_owned(), source }
}

/// A blob as a file on the local disk (see [`BlobStore::local_copy`]); read it, never write it.
#[derive(Debug, Clone)]
pub struct LocalCopy {
    path: PathBuf,
}

impl LocalCopy {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn into_path(self) -> PathBuf {
        self.path
    }
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let root = root.into();
        for sub in ["blobs", "tmp", "uploads"] {
            let p = root.join(sub);
            std::fs::create_dir_all(&p).map_err(io(&p))?;
        }
        Ok(BlobStore { root })
    }

    /// A folder for a training run's checkpoints (beside the blobs, so every worker sharing this
    /// storage finds them).
    pub fn run_dir(&self, run_id: &str) -> PathBuf {
        self.root.join("runs").join(run_id)
    }

    /// A folder for a model the studio made or imported.
    pub fn model_dir(&self, model_id: &str) -> PathBuf {
        self.root.join("models").join(model_id)
    }

    /// Where a blob lives on this filesystem. Private: readers go through [`BlobStore::reader`],
    /// [`BlobStore::open_async`] or [`BlobStore::local_copy`], so another implementation (object
    /// storage) can serve them.
    fn path(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.root.join("blobs").join(prefix).join(sha256)
    }

    /// Streams a blob from blocking code.
    pub fn reader(&self, sha256: &str) -> Result<std::fs::File, StorageError> {
        let path = self.path(sha256);
        std::fs::File::open(&path).map_err(io(&path))
    }

    /// A buffered reader of a blob (1 MiB buffer), for line-by-line work.
    pub fn buffered(&self, sha256: &str) -> Result<std::io::BufReader<std::fs::File>, StorageError> {
        Ok(std::io::BufReader::with_capacity(1 << 20, self.reader(sha256)?))
    }

    /// Streams a blob from async code.
    pub async fn open_async(&self, sha256: &str) -> Result<tokio::fs::File, StorageError> {
        let path = self.path(sha256);
        tokio::fs::File::open(&path).await.map_err(io(&path))
    }

    /// A blob's size in bytes.
    pub fn size(&self, sha256: &str) -> Result<u64, StorageError> {
        let path = self.path(sha256);
        std::fs::metadata(&path).map(|m| m.len()).map_err(io(&path))
    }

    /// A file on the local disk holding the blob, for code that needs a path (the engine, file
    /// readers that seek). On the local filesystem it is the blob itself; a remote store would
    /// download it into a local cache.
    pub fn local_copy(&self, sha256: &str) -> Result<LocalCopy, StorageError> {
        let path = self.path(sha256);
        if !path.is_file() {
            return Err(StorageError::Io {
                path,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such blob"),
            });
        }
        Ok(LocalCopy { path })
    }

    /// Streams `body` into the store; returns its SHA-256 (hex) and size.
    pub async fn put<S, E>(&self, mut body: S, limit: u64) -> Result<(String, u64), StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.root.join("tmp").join(uuid::Uuid::now_v7().to_string());
        let mut file = tokio::fs::File::create(&tmp).await.map_err(io(&tmp))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let result: Result<(), StorageError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| StorageError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(StorageError::TooLarge { limit });
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await.map_err(io(&tmp))?;
            }
            file.sync_all().await.map_err(io(&tmp))?;
            Ok(())
        }
        .await;
        drop(file);
        if let Err(e) = result {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        let sha = hex(&hasher.finalize());
        let dest = self.path(&sha);
        let dir = dest.parent().map(Path::to_owned).unwrap_or_else(|| self.root.clone());
        tokio::fs::create_dir_all(&dir).await.map_err(io(&dir))?;
        tokio::fs::rename(&tmp, &dest).await.map_err(io(&dest))?;
        if let Ok(d) = tokio::fs::File::open(&dir).await {
            let _ = d.sync_all().await;
        }
        Ok((sha, size))
    }
}

impl BlobStore {
    /// A blob written from blocking code (a job): hashed as it is written, stored by [`BlobWriter::finish`].
    pub fn writer(&self) -> Result<BlobWriter, StorageError> {
        let tmp = self.root.join("tmp").join(uuid::Uuid::now_v7().to_string());
        let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        Ok(BlobWriter {
            store: self.clone(),
            tmp,
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Where the bytes of a resumable upload collect until they are complete.
    pub fn upload_path(&self, id: &str) -> PathBuf {
        self.root.join("uploads").join(id)
    }

    /// A temp file path for work in progress (removed by the caller).
    pub fn temp_path(&self) -> PathBuf {
        self.root.join("tmp").join(uuid::Uuid::now_v7().to_string())
    }

    /// Moves a finished file into the store under its SHA-256 (hashing it first).
    pub fn adopt(&self, path: &Path) -> Result<(String, u64), StorageError> {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(io(path))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(io(path))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        f.sync_all().map_err(io(path))?;
        let sha = hex(&hasher.finalize());
        self.place(path, &sha)?;
        Ok((sha, size))
    }

    fn place(&self, tmp: &Path, sha: &str) -> Result<(), StorageError> {
        let dest = self.path(sha);
        let dir = dest.parent().map(Path::to_owned).unwrap_or_else(|| self.root.clone());
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        std::fs::rename(tmp, &dest).map_err(io(&dest))?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// See [`BlobStore::writer`]. Dropped without `finish`, it leaves nothing behind.
pub struct BlobWriter {
    store: BlobStore,
    tmp: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    hasher: Sha256,
    size: u64,
}

impl std::io::Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl BlobWriter {
    /// fsyncs, renames into place, and returns (SHA-256, size).
    pub fn finish(mut self) -> Result<(String, u64), StorageError> {
        use std::io::Write as _;
        self.file.flush().map_err(io(&self.tmp))?;
        self.file.get_ref().sync_all().map_err(io(&self.tmp))?;
        let sha = hex(&std::mem::take(&mut self.hasher).finalize());
        self.store.place(&self.tmp, &sha)?;
        self.tmp = PathBuf::new();
        Ok((sha, self.size))
    }
}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same content → same name; the temp folder is left empty; over-limit uploads leave nothing.
    #[tokio::test]
    async fn content_addressed_and_atomic() {
        let dir = std::env::temp_dir().join(format!("polytune-store-{}", uuid::Uuid::now_v7()));
        let store = BlobStore::open(&dir).unwrap();
        let chunks = || {
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from("hello ")), Ok(Bytes::from("world\n"))])
        };
        let (a, n) = store.put(chunks(), 1 << 20).await.unwrap();
        let (b, _) = store.put(chunks(), 1 << 20).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(n, 12);
        // printf 'hello world\n' | sha256sum
        assert_eq!(a, "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
        assert_eq!(std::fs::read(store.path(&a)).unwrap(), b"hello world\n");
        assert!(matches!(store.put(chunks(), 5).await, Err(StorageError::TooLarge { .. })));
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
