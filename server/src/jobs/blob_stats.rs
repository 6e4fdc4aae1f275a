//! `blob_stats`: reads a stored file in chunks and reports its size, its number of rows (lines)
//! and a chunked SHA-256 digest, with progress and a checkpoint after every chunk. The first real
//! job kind; it exercises the whole machinery (progress, logs, checkpoints, resume, cancel).
//!
//! The digest is `sha256(sha256(chunk_1) ‖ … ‖ sha256(chunk_n))` over fixed `chunk_bytes` chunks:
//! unlike a whole-file SHA-256 it can be resumed from a checkpoint (32 bytes of state).

use std::io::SeekFrom;
use std::time::Instant;

use polytune_api::{BlobStatsJob, BlobStatsOutput, Counters, FieldError, Phase};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{Cause, JobContext, JobError, ReadStep, Resources};
use crate::db::Scoped;
use crate::storage::{hex, is_sha256};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Checkpoint {
    chunks_done: u64,
    offset: u64,
    rows: u64,
    /// Running digest over the chunk digests so far (hex).
    chain: String,
}

pub async fn validate(db: &Scoped, p: &BlobStatsJob) -> Result<Resources, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !is_sha256(&p.blob) {
        errors.push(FieldError::err(
            "payload.blob",
            "not_sha256",
            &[],
            "must be the SHA-256 of an uploaded file (64 lowercase hex digits)",
        ));
    } else {
        match db.blob(&p.blob).await {
            Ok(Some(_)) => {}
            Ok(None) => errors.push(FieldError::err(
                "payload.blob",
                "not_uploaded",
                &[],
                "no file with this SHA-256 was uploaded to this workspace",
            )),
            Err(e) => errors.push(FieldError::err(
                "payload.blob",
                "blob_check_failed",
                &[("error", e.to_string())],
                format!("could not be checked: {e}"),
            )),
        }
    }
    if !(4096..=(256 << 20)).contains(&p.chunk_bytes) {
        errors.push(FieldError::err(
            "payload.chunk_bytes",
            "out_of_range",
            &[("min", "4096".into()), ("max", "268435456".into())],
            "must be between 4096 and 268435456",
        ));
    }
    if p.throttle_ms > 10_000 {
        errors.push(FieldError::err(
            "payload.throttle_ms",
            "too_large",
            &[("max", "10000".into())],
            "must be at most 10000",
        ));
    }
    if errors.is_empty() { Ok(Resources::default()) } else { Err(errors) }
}

fn read(step: ReadStep, e: impl std::fmt::Display) -> Cause {
    Cause::FileRead { step, error: e.to_string() }
}

pub async fn run(ctx: &JobContext, p: BlobStatsJob) -> Result<BlobStatsOutput, JobError> {
    let mut file = ctx.env().store.open_async(&p.blob).await.map_err(|e| read(ReadStep::Opening, e))?;
    let total = file.metadata().await.map_err(|e| read(ReadStep::Size, e))?.len();
    let mut state: Checkpoint = match ctx.checkpoint::<Checkpoint>() {
        Some(cp) => {
            ctx.log(&format!("resuming at chunk {} (byte {})", cp.chunks_done, cp.offset)).await;
            cp
        }
        None => Checkpoint::default(),
    };
    file.seek(SeekFrom::Start(state.offset)).await.map_err(|e| read(ReadStep::Seeking, e))?;
    let started = Instant::now();
    let start_offset = state.offset;
    let mut buf = vec![0u8; p.chunk_bytes as usize];
    loop {
        ctx.check()?;
        let n = read_full(&mut file, &mut buf).await.map_err(|e| read(ReadStep::Reading, e))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        state.rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        let mut chain = Sha256::new();
        chain.update(state.chain.as_bytes());
        chain.update(Sha256::digest(chunk));
        state.chain = hex(&chain.finalize());
        state.offset += n as u64;
        state.chunks_done += 1;
        ctx.log(&format!("chunk {} done", state.chunks_done)).await;
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        let counters = Counters {
            bytes: Some(state.offset),
            total_bytes: Some(total),
            rows: Some(state.rows),
            chunks: Some(state.chunks_done),
            bytes_per_sec: Some(((state.offset - start_offset) as f64 / secs).round()),
            ..Counters::default()
        };
        let fraction = if total == 0 { 1.0 } else { state.offset as f64 / total as f64 };
        ctx.progress(fraction, Phase::Reading, counters).await?;
        ctx.save_checkpoint(&state).await?;
        if p.throttle_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(p.throttle_ms)).await;
        }
    }
    let digest = hex(&Sha256::digest(state.chain.as_bytes()));
    Ok(BlobStatsOutput {
        bytes: state.offset,
        rows: state.rows,
        chunks: state.chunks_done,
        chunk_bytes: p.chunk_bytes,
        chunked_sha256: digest,
    })
}

async fn read_full(file: &mut tokio::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}
