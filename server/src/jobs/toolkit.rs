//! What every job kind shares: failure helpers, a throttled progress reporter for blocking code,
//! and panic containment for blocking work.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use polytune_api::{Counters, Phase};

use super::{Cause, JobContext, JobError, Recorded, Stage};
use crate::db::DbError;

/// The database refused to read or record what the job needs or made.
pub fn db_failed(e: DbError) -> JobError {
    Cause::Database { what: Recorded::Result, error: e.to_string() }.into()
}

/// Stored data the job needs cannot be read.
pub fn failed_storage(e: crate::storage::StorageError) -> JobError {
    Cause::StorageRead { error: e.to_string() }.into()
}

/// What the job made cannot be stored.
pub fn failed_write(e: impl std::fmt::Display) -> JobError {
    Cause::StorageWrite { error: e.to_string() }.into()
}

/// A dataset version of the job's workspace that the job needs (`VersionGone` when it was
/// deleted).
pub async fn version(ctx: &JobContext, id: &polytune_api::VersionId) -> Result<polytune_api::DatasetVersion, JobError> {
    ctx.db().version(id).await.map_err(db_failed)?.ok_or_else(|| Cause::VersionGone { version: id.to_string() }.into())
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
/// file) becomes a failed job stopped at `stage` instead of a lost worker slot. An error keeps
/// its code ([`Cause`] or [`polytune_data::DataError`]).
pub fn contained<T, E: Into<super::Failure>>(stage: Stage, f: impl FnOnce() -> Result<T, E>) -> Result<T, JobError> {
    tokio::task::block_in_place(|| match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| JobError::Failed(e.into())),
        Err(_) => Err(Cause::Stopped { stage }.into()),
    })
}
