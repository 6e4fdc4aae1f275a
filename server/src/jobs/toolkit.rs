//! What every job kind shares: failure helpers, a throttled progress reporter for blocking code,
//! and panic containment for blocking work.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use polytune_api::{Counters, Phase};

use super::{JobContext, JobError};
use crate::db::DbError;

/// A failure in words a person can act on.
pub fn failed(e: impl std::fmt::Display) -> JobError {
    JobError::failed(e.to_string())
}

/// The database refused to record what the job made.
pub fn db_failed(e: DbError) -> JobError {
    JobError::failed(format!("the database refused the result: {e}"))
}

/// Stored data the job needs cannot be read.
pub fn failed_storage(e: crate::storage::StorageError) -> JobError {
    JobError::failed(format!("stored data cannot be read: {e}"))
}

/// A dataset version of the job's workspace that the job needs; `gone` says which, when it was
/// deleted meanwhile.
pub async fn version(
    ctx: &JobContext,
    id: &polytune_api::VersionId,
    gone: &str,
) -> Result<polytune_api::DatasetVersion, JobError> {
    ctx.db().version(id).await.map_err(db_failed)?.ok_or_else(|| failed(gone))
}

/// How often a job writes its progress at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Reports progress from blocking code at most twice a second; `report` returns `Break` when the
/// job must stop, and `stop` then says why.
pub struct Reporter<'a> {
    ctx: &'a JobContext,
    handle: tokio::runtime::Handle,
    last: Instant,
    pub stop: Option<JobError>,
}

impl<'a> Reporter<'a> {
    /// Must be made on a runtime thread (the blocking work runs under `block_in_place`).
    pub fn new(ctx: &'a JobContext) -> Self {
        Reporter { ctx, handle: tokio::runtime::Handle::current(), last: Instant::now() - PROGRESS_EVERY, stop: None }
    }

    pub fn report(&mut self, fraction: f64, phase: Phase, counters: Counters) -> ControlFlow<()> {
        self.report_when(false, fraction, phase, counters)
    }

    /// Like [`Reporter::report`], but written even within the throttle when `now` (a last step).
    pub fn report_when(&mut self, now: bool, fraction: f64, phase: Phase, counters: Counters) -> ControlFlow<()> {
        if let Err(e) = self.ctx.check() {
            self.stop.get_or_insert(e);
            return ControlFlow::Break(());
        }
        if !now && self.last.elapsed() < PROGRESS_EVERY {
            return ControlFlow::Continue(());
        }
        self.last = Instant::now();
        match self.handle.block_on(self.ctx.progress(fraction, phase, counters)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.stop.get_or_insert(e);
                ControlFlow::Break(())
            }
        }
    }

    /// Writes a log line from blocking code.
    pub fn log(&self, line: &str) {
        self.handle.block_on(self.ctx.log(line));
    }
}

/// A data-pipeline error as a failure that keeps its code and arguments.
pub fn failed_data(e: polytune_data::DataError) -> JobError {
    JobError::Failed(e.into())
}

/// Runs blocking work on this worker thread; a panic (a bug, or a library choking on a hostile
/// file) becomes a failed job with `what` as its reason instead of a lost worker slot. An error
/// keeps its code where it has one (a [`polytune_data::DataError`]).
pub fn contained<T, E: Into<super::Failure>>(what: &str, f: impl FnOnce() -> Result<T, E>) -> Result<T, JobError> {
    tokio::task::block_in_place(|| match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| JobError::Failed(e.into())),
        Err(_) => Err(JobError::failed(what.to_string())),
    })
}

/// The panic message of [`contained`] work that reads a stored file.
pub const READER_STOPPED: &str = "the file could not be processed (the reader stopped unexpectedly)";
