//! The workspace boundary of [`Scoped`]: a handle for one workspace reads and changes nothing of
//! another, whatever ids it is handed (on SQLite; the SQL is the same on PostgreSQL, where the
//! API's authorization matrix covers it end to end).

use polytune_api::{
    DatasetState, EvalPreset, EvalSpec, EvaluationId, ImportOperation, ImportReport, JobId, ModelId, ModelInfo,
    OnError, RunId, TrainSpec, VersionOperation, WorkspaceId,
};

use super::datasets::NewVersion;
use super::evaluations::NewEvaluation;
use super::models::NewModel;
use super::{Database, DbError, Scoped, WorkspaceProof};

/// A proof made up for the test: in the server only a checked capability or a claimed job's
/// scope proves a workspace.
struct Proven(WorkspaceId);

impl WorkspaceProof for Proven {
    fn proven_workspace(&self) -> &WorkspaceId {
        &self.0
    }
}

async fn database() -> (Database, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("polytune-scoped-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Database::connect(&format!("sqlite:{}", dir.join("studio.db").display()), 4).await.unwrap();
    (db, dir)
}

async fn workspace(db: &Database, name: &str) -> Scoped {
    let owner = db.create_first_admin(&format!("{name}@example.org"), name, "x").await;
    let owner_id = match owner {
        Ok(u) => u.id.into_string(),
        Err(_) => db.user_by_email("a@example.org").await.unwrap().unwrap().id,
    };
    let ws = db.create_workspace(name, &owner_id).await.unwrap();
    db.scoped(&Proven(ws.id))
}

fn evaluation_row<'a>(
    id: &'a EvaluationId,
    model: &'a ModelId,
    spec: &'a EvalSpec,
    user: &'a str,
) -> NewEvaluation<'a> {
    NewEvaluation {
        id,
        model_id: model,
        run_id: None,
        checkpoint_step: None,
        label: "e",
        spec,
        fingerprint: "f",
        created_by: user,
    }
}

#[tokio::test]
async fn a_workspace_handle_cannot_reach_another_workspace() {
    let (db, dir) = database().await;
    let a = workspace(&db, "a").await;
    let b = workspace(&db, "b").await;
    let user = db.user_by_email("a@example.org").await.unwrap().unwrap().id;

    // A's dataset with one version, a model, a run and an evaluation.
    let spec = crate::jobs::mixtures::canonical_spec();
    let dataset = a.insert_dataset("d", "", "d.jsonl", "00", &spec, &user).await.unwrap();
    let dataset = &dataset;
    let report = ImportReport { records: 1, imported: 1, ..ImportReport::default() };
    let op = VersionOperation::Import(ImportOperation {
        file: "d.jsonl".into(),
        source_blob: "00".into(),
        spec: spec.clone(),
        on_error: OnError::Ask,
        skipped: 0,
    });
    let (j1, j3, j4) = (JobId::from("j1"), JobId::from("j3"), JobId::from("j4"));
    let new_version = |job_id| NewVersion {
        dataset_id: dataset,
        parent_id: None,
        operation: &op,
        blob: "00",
        examples: 1,
        bytes: 1,
        created_by: &user,
        job_id,
    };
    let version = a.finish_import(new_version(&j1), &report).await.unwrap();
    let info: ModelInfo = serde_json::from_value(serde_json::json!({
        "architecture": "llama", "parameters": 1, "hidden_size": 1, "intermediate_size": 1, "layers": 1,
        "attention_heads": 1, "kv_heads": 1, "head_dim": 1, "vocab_size": 1, "context_length": 1,
        "tied_embeddings": false, "rope_theta": 1.0, "chat_template": "", "template_is_fallback": true,
        "template_preview": ""
    }))
    .unwrap();
    let model = ModelId::from("m1");
    let m = NewModel { id: &model, name: "m", source: "tiny", origin: "", path: "/x", info: &info, user_id: &user };
    a.insert_model(m).await.unwrap();
    let run = RunId::from("r1");
    let job = JobId::from("j2");
    a.insert_run(&run, "r", &model, &version, &TrainSpec::default(), &job, None, None, &user).await.unwrap();
    let evaluation = EvaluationId::from("e1");
    let spec = EvalSpec { preset: EvalPreset::Quick, tasks: Vec::new(), items: 0, estimated_seconds: 0.0 };
    a.insert_evaluation(evaluation_row(&evaluation, &model, &spec, &user)).await.unwrap();

    // A sees its own rows.
    assert!(a.dataset(dataset).await.unwrap().is_some());
    assert!(a.version(&version).await.unwrap().is_some());
    assert!(a.run(&run).await.unwrap().is_some());
    a.put_run_point(&run, 1, "step", &serde_json::json!({"loss": 1.0})).await.unwrap();

    // B, handed A's ids, reads nothing...
    assert!(b.dataset(dataset).await.unwrap().is_none());
    assert!(b.datasets().await.unwrap().is_empty());
    assert!(b.version(&version).await.unwrap().is_none());
    assert!(b.latest_profile(&version).await.unwrap().is_none());
    assert!(b.model(&model).await.unwrap().is_none());
    assert!(b.run(&run).await.unwrap().is_none());
    assert!(b.run_points(&run).await.unwrap().is_empty());
    assert!(b.checkpoints(&run).await.unwrap().is_empty());
    assert!(b.evaluation(&evaluation).await.unwrap().is_none());
    assert!(matches!(b.item_scores(&evaluation).await, Err(DbError::NotFound)));
    assert!(b.version_of_job(&j1).await.unwrap().is_none());

    // ...and changes nothing.
    assert!(!b.delete_dataset(dataset).await.unwrap());
    b.set_dataset_import(dataset, DatasetState::Failed, None, None).await.unwrap();
    assert_eq!(a.dataset(dataset).await.unwrap().unwrap().state, DatasetState::Ready);
    assert!(matches!(b.add_version(new_version(&j3)).await, Err(DbError::NotFound)));
    assert!(matches!(b.finish_import(new_version(&j4), &report).await, Err(DbError::NotFound)));
    assert_eq!(a.dataset(dataset).await.unwrap().unwrap().versions.len(), 1);
    let profile = polytune_api::ProfileId::from("p1");
    assert!(matches!(b.insert_profile_with_id(&profile, &version, &job, None).await, Err(DbError::NotFound)));
    assert!(matches!(b.put_run_point(&run, 2, "step", &serde_json::json!({})).await, Err(DbError::NotFound)));
    assert!(matches!(b.put_checkpoint(&run, 2, "/x", None, &[]).await, Err(DbError::NotFound)));
    b.set_run_job(&run, &JobId::from("stolen")).await.unwrap();
    assert_eq!(a.run(&run).await.unwrap().unwrap().job_id, "j2");
    assert_eq!(a.run_points(&run).await.unwrap().len(), 1);
    assert!(matches!(b.insert_eval_items(&evaluation, &[]).await, Err(DbError::NotFound)));

    // Nor can B make a row of its own that points at A's: a run of A's model or data, an
    // identifier or an evaluation set of A's version, an evaluation of A's model.
    let b_run = RunId::from("r2");
    let stolen = b.insert_run(&b_run, "r", &model, &version, &TrainSpec::default(), &job, None, None, &user).await;
    assert!(matches!(stolen, Err(DbError::NotFound)));
    let id = polytune_api::IdentifierId::from("i1");
    assert!(matches!(b.insert_identifier(&id, "i", &version, &user).await, Err(DbError::NotFound)));
    assert!(matches!(b.add_evaluation_set(&version, &user).await, Err(DbError::NotFound)));
    let b_eval = EvaluationId::from("e2");
    let stolen = b.insert_evaluation(evaluation_row(&b_eval, &model, &spec, &user)).await;
    assert!(matches!(stolen, Err(DbError::NotFound)));
    assert!(b.runs().await.unwrap().is_empty() && b.evaluations().await.unwrap().is_empty());

    drop((a, b, db));
    let _ = std::fs::remove_dir_all(dir);
}
