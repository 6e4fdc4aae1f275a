//! Fault and concurrency tests for the job queue: a worker killed with SIGKILL mid-job, the
//! database unreachable for a while, many workers racing for many jobs. They start several
//! processes each, so they run one at a time (a lock) in their own test binary.

#[path = "../api/util.rs"]
#[allow(dead_code)]
mod util;

mod concurrency;
mod kill_trainer;
mod kill_worker;
mod lifecycle;
mod outage;

/// One fault test at a time: they measure timing-sensitive things (leases) on 2 cores.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
