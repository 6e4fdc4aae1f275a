//! The workers serving the queue: capabilities, heartbeat age, current jobs.

use axum::Json;
use axum::extract::State;
use polytune_api::Worker;

use crate::auth::SignedIn;
use crate::error::ApiResult;
use crate::state::AppState;

/// Workers seen in the last hour (any signed-in person).
#[utoipa::path(get, path = "/workers", tag = "jobs",
    security(("session" = []), ("api_token" = [])),
    responses((status = 200, body = Vec<Worker>)))]
pub async fn list(State(state): State<AppState>, _who: SignedIn) -> ApiResult<Json<Vec<Worker>>> {
    Ok(Json(state.db.workers().await?))
}
