//! A worker: claims jobs it can run, keeps their leases alive, runs them, records the outcome.
//! The studio runs one in-process (slots sized to the machine); `polytune worker` runs one on
//! another machine against the same database and storage.
//!
//! Each worker also re-queues jobs whose lease expired (their worker died), so the queue heals
//! as long as any worker is alive. While the database is unreachable a worker claims nothing,
//! keeps its jobs running, and retries its writes until the lease would have expired.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use polytune_api::{Capabilities, GpuInfo, JobPayload};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::context::{Flags, JobContext, JobError, JobScope};
use super::{Cause, JobEnv, Stage};
use crate::db::jobs::{Capacity, Claimed, Outcome};

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at once.
    pub slots: usize,
    /// A job whose lease is not renewed for this long is given to another worker.
    pub lease: Duration,
    /// How often to look for work when idle.
    pub poll: Duration,
}

impl WorkerConfig {
    pub fn sized_to_machine(lease: Duration) -> Self {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        WorkerConfig { slots: cpus, lease, poll: Duration::from_millis(100) }
    }
}

/// What this machine offers: CPUs, memory, and NVIDIA GPUs (from `nvidia-smi` when present).
pub fn capabilities() -> (Capabilities, Capacity) {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let memory_mb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<i64>().ok())
        })
        .map(|kb| kb / 1024)
        .unwrap_or(0);
    let gpus: Vec<GpuInfo> = std::process::Command::new("nvidia-smi")
        .args(["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| {
                    let (name, mem) = l.rsplit_once(',')?;
                    Some(GpuInfo { name: name.trim().to_string(), memory_mb: mem.trim().parse::<i64>().unwrap_or(0) })
                })
                .collect()
        })
        .unwrap_or_default();
    let has_gpu = !gpus.is_empty();
    let device = if has_gpu { "cuda" } else { "cpu" };
    (Capabilities { device: device.into(), cpus: cpus as i64, memory_mb, gpus }, Capacity { has_gpu, memory_mb })
}

/// Runs until `shutdown` turns true, then stops claiming, asks running jobs to checkpoint and
/// release, and waits for them.
pub async fn run(env: JobEnv, config: WorkerConfig, mut shutdown: watch::Receiver<bool>) {
    let id = format!("{}-{}", hostname(), &uuid::Uuid::now_v7().to_string()[24..]);
    let (caps, capacity) = capabilities();
    while let Err(e) = env.db.register_worker(&id, &hostname(), &caps, config.slots as i64).await {
        tracing::warn!(error = %e, "cannot register the worker yet; retrying");
        if wait_or_stop(&mut shutdown, Duration::from_secs(1)).await {
            return;
        }
    }
    tracing::info!(worker = %id, slots = config.slots, "worker started");
    let mut running: JoinSet<String> = JoinSet::new();
    // A finished job frees a slot: look for the next one at once instead of at the next poll.
    let slot_freed = Arc::new(tokio::sync::Notify::new());
    let mut current: Vec<(String, Arc<Flags>)> = Vec::new();
    let mut last_housekeeping = std::time::Instant::now() - Duration::from_secs(10);
    loop {
        while let Some(done) = running.try_join_next() {
            if let Ok(job_id) = done {
                current.retain(|(j, _)| *j != job_id);
            }
        }
        if *shutdown.borrow() {
            break;
        }
        if last_housekeeping.elapsed() >= Duration::from_secs(1) {
            last_housekeeping = std::time::Instant::now();
            let ids: Vec<String> = current.iter().map(|(j, _)| j.clone()).collect();
            if let Err(e) = env.db.worker_heartbeat(&id, &ids, false).await {
                tracing::warn!(error = %e, "worker heartbeat failed");
            }
            match env.db.requeue_expired().await {
                Ok(n) if n > 0 => tracing::info!(count = n, "re-queued jobs whose lease expired"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not check for expired leases"),
            }
        }
        let mut claimed_any = false;
        if current.len() < config.slots {
            match env.db.claim_job(&id, capacity, config.lease.as_millis() as i64).await {
                Ok(Some(job)) => {
                    claimed_any = true;
                    let flags = Arc::new(Flags::default());
                    current.push((job.id.clone(), flags.clone()));
                    let freed = slot_freed.clone();
                    let run = run_one(env.clone(), id.clone(), job, flags, config.lease);
                    running.spawn(async move {
                        let job_id = run.await;
                        freed.notify_one();
                        job_id
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "claiming failed (database unreachable?); pausing");
                    if wait_or_stop(&mut shutdown, Duration::from_secs(1)).await {
                        break;
                    }
                }
            }
        }
        if !claimed_any {
            let full = current.len() >= config.slots;
            tokio::select! {
                _ = slot_freed.notified(), if full => {}
                stop = wait_or_stop(&mut shutdown, if full { config.lease } else { config.poll }) => if stop { break },
            }
        }
    }
    tracing::info!(worker = %id, running = current.len(), "worker stopping: asking jobs to checkpoint");
    for (_, flags) in &current {
        flags.stopping.store(true, Ordering::SeqCst);
    }
    while running.join_next().await.is_some() {}
    let _ = env.db.worker_heartbeat(&id, &[], true).await;
    tracing::info!(worker = %id, "worker stopped");
}

async fn wait_or_stop(shutdown: &mut watch::Receiver<bool>, d: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => *shutdown.borrow(),
        r = shutdown.changed() => r.is_err() || *shutdown.borrow(),
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Runs one claimed job with a lease keeper beside it; returns the job id when done.
async fn run_one(env: JobEnv, worker_id: String, job: Claimed, flags: Arc<Flags>, lease: Duration) -> String {
    let Claimed { id, workspace_id, kind, payload, attempt, checkpoint } = job;
    let keeper = tokio::spawn(keep_lease(env.clone(), id.clone(), worker_id.clone(), attempt, flags.clone(), lease));
    let ctx = JobContext {
        env: env.clone(),
        scope: JobScope { job_id: id.clone().into(), workspace_id: workspace_id.clone().into() },
        worker_id: worker_id.clone(),
        attempt,
        checkpoint,
        flags: flags.clone(),
        lease,
    };
    let stored = serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null);
    // A kind that panics fails its job (the lease keeper stops with it) instead of leaving it
    // "running" with a lease renewed forever.
    let outcome = match JobPayload::parse(&kind, stored) {
        Ok(p) => match futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(super::run(&ctx, p))).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::error!(job = %id, kind = %kind, "the job panicked");
                Err(Cause::Stopped { stage: Stage::Job }.into())
            }
        },
        Err(e) => Err(Cause::JobUnreadable { error: e.to_string() }.into()),
    };
    keeper.abort();
    let owner = (id.as_str(), worker_id.as_str(), attempt);
    let result_text;
    let finish = match &outcome {
        Ok(result) => {
            result_text = serde_json::to_string(result).unwrap_or_default();
            Some(Outcome::Succeeded(&result_text))
        }
        Err(JobError::Cancelled) => Some(Outcome::Cancelled),
        Err(JobError::Failed(failure)) => Some(Outcome::Failed(&failure.message, failure.detail.as_ref())),
        Err(JobError::Released) => Some(Outcome::Released),
        Err(JobError::LeaseLost) => None,
    };
    match finish {
        Some(o) => {
            // Keep trying while the database is away; give up once the lease would be gone.
            let start = std::time::Instant::now();
            loop {
                match env.db.finish_job(owner, &workspace_id, o).await {
                    Ok(_) => break,
                    Err(e) if start.elapsed() < lease => {
                        tracing::warn!(job = %id, error = %e, "could not record the outcome; retrying");
                        tokio::time::sleep(Duration::from_millis(250)).await;
                    }
                    Err(e) => {
                        tracing::error!(job = %id, error = %e, "outcome not recorded; the lease will expire and the job re-run");
                        break;
                    }
                }
            }
        }
        None => tracing::warn!(job = %id, "lease lost: another worker owns this job now"),
    }
    id
}

/// Renews the lease every third of its length; notes cancellation requests and lost leases.
async fn keep_lease(env: JobEnv, job_id: String, worker_id: String, attempt: i64, flags: Arc<Flags>, lease: Duration) {
    let every = lease / 3;
    let mut last_ok = std::time::Instant::now();
    loop {
        tokio::time::sleep(every).await;
        match env.db.renew_lease(&job_id, &worker_id, attempt, lease.as_millis() as i64).await {
            Ok(Some(cancel)) => {
                last_ok = std::time::Instant::now();
                if cancel {
                    flags.cancel.store(true, Ordering::SeqCst);
                }
            }
            Ok(None) => {
                flags.lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(e) => {
                tracing::warn!(job = %job_id, error = %e, "lease renewal failed");
                if last_ok.elapsed() >= lease {
                    flags.lost.store(true, Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}
