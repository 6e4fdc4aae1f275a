//! `polytune`: the studio server.

mod auth;
mod cli;
mod config;
mod db;
mod error;
mod evaluation;
mod http;
mod inference;
mod jobs;
mod state;
mod storage;

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::config::{Cli, Command, LogFormat, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The engine's commands need no studio settings (for `train`, --config names the run file).
    match cli.command {
        Some(Command::Model { command }) => return cli::model(command),
        Some(Command::Train) => {
            let run = cli.settings.config.context("polytune train needs --config run.toml")?;
            return cli::train(&run).await;
        }
        Some(Command::Generate(args)) => return cli::generate(&args),
        Some(Command::Export(args)) => return cli::export(&args),
        Some(Command::Langid(args)) => return cli::langid(&args),
        _ => {}
    }
    let settings = Settings::load(&cli.settings)?;
    init_logging(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Settings => {
            println!("{settings:#?}");
            Ok(())
        }
        Command::Serve => serve(settings).await,
        Command::Worker => worker(settings).await,
        Command::Model { .. } | Command::Train | Command::Generate(_) | Command::Export(_) | Command::Langid(_) => {
            unreachable!("handled above")
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_env("POLYTUNE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // stderr: stdout is for command output, and the test harnesses keep stderr as server.log.
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
    }
}

/// Opens the database and the blob store: what both the studio and a lone worker need.
async fn job_env(settings: &Settings) -> anyhow::Result<jobs::JobEnv> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    let url = settings.database_url();
    tracing::info!(database = %config::redact_url(&url), "connecting to the database");
    let db = db::Database::connect(&url, settings.db_max_connections).await.context("opening the database")?;
    let store = storage::BlobStore::open(settings.storage_dir()).context("opening the storage folder")?;
    Ok(jobs::JobEnv {
        db,
        store,
        max_upload_bytes: settings.max_upload_bytes,
        import_dirs: settings.import_dirs.clone(),
        models: std::sync::Arc::new(inference::ModelCache::new(settings.model_cache_bytes)),
    })
}

fn worker_config(settings: &Settings) -> jobs::worker::WorkerConfig {
    let mut config = jobs::worker::WorkerConfig::sized_to_machine(std::time::Duration::from_secs(settings.lease_secs));
    if let Some(n) = settings.workers {
        config.slots = n;
    }
    config
}

async fn worker(settings: Settings) -> anyhow::Result<()> {
    let env = job_env(&settings).await?;
    let mut config = worker_config(&settings);
    config.slots = config.slots.max(1);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let db = env.db.clone();
    let run = tokio::spawn(jobs::worker::run(env, config, stopped));
    shutdown_signal().await;
    let _ = stop.send(true);
    run.await?;
    db.close().await;
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let env = job_env(&settings).await?;
    let db = env.db.clone();
    let config = worker_config(&settings);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pool = (config.slots > 0).then(|| tokio::spawn(jobs::worker::run(env.clone(), config, stopped)));
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let state = state::AppState::new(env, settings);
    let app = http::router(state);
    tracing::info!("Polytune is ready at http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // Running jobs checkpoint and go back to the queue.
    let _ = stop.send(true);
    if let Some(pool) = pool {
        pool.await?;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
