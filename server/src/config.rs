//! Settings, layered: built-in defaults → a TOML file → `POLYTUNE_*` environment variables →
//! command-line flags. Secrets can come from a file named by a `*_FILE` variable and are redacted
//! whenever settings are printed or logged. `polytune --help` lists every setting.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A string that never shows up in `Debug` output or logs.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Parser)]
#[command(name = "polytune", version, about = "Polytune: a studio for multilingual instruction tuning.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the studio: HTTP server, in-process workers (the default).
    Serve,
    /// Run only a worker: claim jobs from the database given by --database-url, with files
    /// under --storage (on several machines, point all at the same database and storage).
    Worker,
    /// Print the effective settings (secrets redacted) and exit.
    Settings,
    /// Make a tiny random model, or import a GGUF file as a Hugging Face directory.
    Model {
        #[command(subcommand)]
        command: crate::cli::ModelCommand,
    },
    /// Train without a server: `polytune train --config run.toml` (see README); an output folder
    /// that holds checkpoints of the same run is resumed. Ctrl-C saves a checkpoint and stops.
    Train,
    /// Answer a prompt with a model directory, optionally with a run's checkpoint applied.
    Generate(crate::cli::GenerateArgs),
    /// Export a run's checkpoint: merged weights, or the LoRA adapter alone (`--adapter`).
    Export(crate::cli::ExportArgs),
    /// Identify the language of each line of stdin: `<FLORES label> <probability>`, `und` when unknown.
    Langid(crate::cli::LangidArgs),
}

/// Every setting. Each can also be set in the config file (same name, snake_case) or as
/// `POLYTUNE_<NAME>` in the environment.
#[derive(Debug, Default, Clone, Args, Serialize)]
pub struct SettingsArgs {
    /// TOML file with settings [default: polytune.toml if it exists]
    #[arg(long, env = "POLYTUNE_CONFIG", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "POLYTUNE_LISTEN", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Folder for the SQLite database and stored files [default: data]
    #[arg(long, env = "POLYTUNE_DATA_DIR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Database: sqlite:PATH or postgres://… (secret) [default: sqlite:<data_dir>/polytune.db; DATABASE_URL is read too]
    #[arg(long, env = "POLYTUNE_DATABASE_URL", hide_env_values = true, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<Secret>,
    /// File holding the database URL (for secrets mounted as files)
    #[arg(long, env = "POLYTUNE_DATABASE_URL_FILE", global = true)]
    #[serde(skip)]
    pub database_url_file: Option<PathBuf>,
    /// Most database connections in the pool [default: 16]
    #[arg(long, env = "POLYTUNE_DB_MAX_CONNECTIONS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_max_connections: Option<u32>,
    /// Public address people use, e.g. https://studio.example.org; https turns on Secure __Host- cookies [default: none]
    #[arg(long, env = "POLYTUNE_PUBLIC_URL", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Folder with the built web app (Trunk's dist) [default: dist]
    #[arg(long, env = "POLYTUNE_DIST_DIR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dist_dir: Option<PathBuf>,
    /// A session ends after this many seconds without a request [default: 43200 = 12 h]
    #[arg(long, env = "POLYTUNE_SESSION_IDLE_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_idle_secs: Option<u64>,
    /// A session ends this many seconds after sign-in, used or not [default: 1209600 = 14 days]
    #[arg(long, env = "POLYTUNE_SESSION_MAX_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_max_secs: Option<u64>,
    /// Invitation links expire after this many hours [default: 168 = 7 days]
    #[arg(long, env = "POLYTUNE_INVITATION_HOURS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_hours: Option<u64>,
    /// Failed sign-ins are counted over this many seconds [default: 900]
    #[arg(long, env = "POLYTUNE_SIGNIN_WINDOW_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signin_window_secs: Option<u64>,
    /// Failed sign-ins allowed per account in the window [default: 5]
    #[arg(long, env = "POLYTUNE_SIGNIN_MAX_PER_ACCOUNT", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signin_max_per_account: Option<usize>,
    /// Failed sign-ins allowed per client address in the window [default: 30]
    #[arg(long, env = "POLYTUNE_SIGNIN_MAX_PER_ADDRESS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signin_max_per_address: Option<usize>,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy) [default: false]
    #[arg(long, env = "POLYTUNE_TRUST_FORWARDED_FOR", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_forwarded_for: Option<bool>,
    /// Requests taking longer are answered 408 [default: 30]
    #[arg(long, env = "POLYTUNE_REQUEST_TIMEOUT_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_timeout_secs: Option<u64>,
    /// Folder for stored files (content-addressed blobs) [default: <data_dir>/storage]
    #[arg(long, env = "POLYTUNE_STORAGE", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<PathBuf>,
    /// Jobs this process runs at once; 0 runs none (use `polytune worker` elsewhere) [default: number of CPUs]
    #[arg(long, env = "POLYTUNE_WORKERS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// A job whose worker stops renewing its lease for this long goes to another worker [default: 30]
    #[arg(long, env = "POLYTUNE_LEASE_SECS", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_secs: Option<u64>,
    /// Largest uploaded file, in bytes [default: 21474836480 = 20 GiB]
    #[arg(long, env = "POLYTUNE_MAX_UPLOAD_BYTES", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_upload_bytes: Option<u64>,
    /// A folder on this server that administrators may import data files from (may be repeated;
    /// none by default, which turns server imports off)
    #[arg(long = "import-dir", env = "POLYTUNE_IMPORT_DIRS", value_delimiter = ',', global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_dirs: Option<Vec<PathBuf>>,
    /// Largest JSON body accepted, in bytes [default: 1048576]
    #[arg(long, env = "POLYTUNE_MAX_BODY_BYTES", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_body_bytes: Option<usize>,
    /// Memory for loaded models (weights), in bytes; the least recently used unused model is
    /// unloaded beyond it [default: 8589934592 = 8 GiB]
    #[arg(long, env = "POLYTUNE_MODEL_CACHE_BYTES", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_cache_bytes: Option<usize>,
    /// Log format: pretty or json [default: pretty]
    #[arg(long, env = "POLYTUNE_LOG_FORMAT", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The effective settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<Secret>,
    pub db_max_connections: u32,
    pub public_url: Option<String>,
    pub dist_dir: PathBuf,
    pub session_idle_secs: u64,
    pub session_max_secs: u64,
    pub invitation_hours: u64,
    pub signin_window_secs: u64,
    pub signin_max_per_account: usize,
    pub signin_max_per_address: usize,
    pub trust_forwarded_for: bool,
    pub request_timeout_secs: u64,
    pub max_body_bytes: usize,
    pub storage: Option<PathBuf>,
    pub workers: Option<usize>,
    pub lease_secs: u64,
    pub max_upload_bytes: u64,
    pub import_dirs: Vec<PathBuf>,
    pub model_cache_bytes: usize,
    pub log_format: LogFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            db_max_connections: 16,
            public_url: None,
            dist_dir: PathBuf::from("dist"),
            session_idle_secs: 12 * 3600,
            session_max_secs: 14 * 24 * 3600,
            invitation_hours: 7 * 24,
            signin_window_secs: 900,
            signin_max_per_account: 5,
            signin_max_per_address: 30,
            trust_forwarded_for: false,
            request_timeout_secs: 30,
            max_body_bytes: 1 << 20,
            storage: None,
            workers: None,
            lease_secs: 30,
            max_upload_bytes: 20 << 30,
            import_dirs: Vec::new(),
            model_cache_bytes: 8 << 30,
            log_format: LogFormat::Pretty,
        }
    }
}

impl Settings {
    /// Layers defaults, the config file, and the arguments (which clap already filled from
    /// `POLYTUNE_*` variables where a flag was not given).
    pub fn load(args: &SettingsArgs) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match &args.config {
            Some(path) if !path.exists() => {
                anyhow::bail!("config file {} does not exist", path.display())
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if std::path::Path::new("polytune.toml").exists() => {
                figment = figment.merge(Toml::file_exact("polytune.toml"))
            }
            None => {}
        }
        let mut settings: Settings = figment.merge(Serialized::defaults(args)).extract()?;
        if let Some(path) = &args.database_url_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("reading POLYTUNE_DATABASE_URL_FILE {}: {e}", path.display()))?;
            settings.database_url = Some(Secret(text.trim().to_owned()));
        }
        if settings.database_url.is_none() {
            // The conventional variable, below every Polytune-specific way of setting it.
            if let Ok(url) = std::env::var("DATABASE_URL") {
                settings.database_url = Some(Secret(url));
            }
        }
        if settings.lease_secs < 2 {
            anyhow::bail!("lease_secs must be at least 2");
        }
        if settings.session_idle_secs == 0 || settings.session_max_secs == 0 {
            anyhow::bail!("session_idle_secs and session_max_secs must be greater than 0");
        }
        Ok(settings)
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(s) => s.expose().to_owned(),
            None => format!("sqlite:{}", self.data_dir.join("polytune.db").display()),
        }
    }

    pub fn storage_dir(&self) -> PathBuf {
        self.storage.clone().unwrap_or_else(|| self.data_dir.join("storage"))
    }

    /// Cookies get `Secure` and the `__Host-` prefix when people reach the studio over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// The database URL with any password removed, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://[redacted]@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let s = Settings { database_url: Some(Secret("postgres://u:hunter2@db/x".into())), ..Settings::default() };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(redact_url("postgres://u:hunter2@db/x"), "postgres://[redacted]@db/x");
    }

    #[test]
    fn flags_override_file_override_defaults() {
        let dir = std::env::temp_dir().join(format!("polytune-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("p.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9999\"\nsession_idle_secs = 60\n").unwrap();
        let args = SettingsArgs { config: Some(file.clone()), session_idle_secs: Some(5), ..Default::default() };
        let s = Settings::load(&args).unwrap();
        assert_eq!(s.listen.port(), 9999, "file beats default");
        assert_eq!(s.session_idle_secs, 5, "flag/env beats file");
        assert_eq!(s.max_body_bytes, 1 << 20, "default stays");
        std::fs::write(&file, "no_such_setting = 1\n").unwrap();
        assert!(Settings::load(&SettingsArgs { config: Some(file), ..Default::default() }).is_err());
    }
}
