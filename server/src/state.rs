//! The state every handler can reach: `AppState(Arc<App>)`.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::rate_limit::SignInLimiter;
use crate::config::Settings;
use crate::db::Database;
use crate::jobs::JobEnv;

pub struct App {
    pub db: Database,
    pub settings: Settings,
    pub signin_limiter: SignInLimiter,
    pub jobs: JobEnv,
    /// Loaded models, shared by generation, log-likelihoods and (later) chat and the API.
    pub models: Arc<crate::inference::ModelCache>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    pub fn new(jobs: JobEnv, settings: Settings) -> Self {
        let db = jobs.db.clone();
        let signin_limiter = SignInLimiter::new(
            Duration::from_secs(settings.signin_window_secs),
            settings.signin_max_per_account,
            settings.signin_max_per_address,
        );
        let models = jobs.models.clone();
        AppState(Arc::new(App { db, settings, signin_limiter, jobs, models }))
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.settings.secure_cookies() { "__Host-polytune_session" } else { "polytune_session" }
    }
}
