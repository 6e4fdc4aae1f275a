//! Evaluation as the studio plans it: which tasks, languages and items a request means, what
//! makes two evaluations comparable (their fingerprint), and how long one will take.

use polytune_api::{
    CreateEvaluation, EvalPreset, EvalSpec, EvalTask, EvalTaskKind, EvalTaskRun, FieldError, ModelInfo,
};
use polytune_eval::{Task, TaskRef};
use sha2::{Digest, Sha256};

use crate::db::{DbResult, Scoped};

/// The canonical code of the identified language of a text (None when unsure).
pub use polytune_data::langid::detect_canonical as detect;

/// Every task a workspace can evaluate on: the built-in ones, then those made from its files.
pub async fn catalog(db: &Scoped) -> DbResult<Vec<EvalTask>> {
    let mut tasks: Vec<EvalTask> = Task::ALL.iter().map(|t| t.info()).collect();
    tasks.extend(db.eval_tasks().await?.into_iter().map(|f| f.task));
    Ok(tasks)
}

/// Adds every evaluation task's texts (built in and made from the workspace's files) to the index
/// training data is checked against, so that no task set is trained on.
pub async fn index_tasks(db: &Scoped, index: &mut polytune_data::mixture::EvalIndex) -> DbResult<()> {
    for task in Task::ALL {
        let texts = task.texts();
        index.add_texts(&format!("built-in task {}", task.id()), texts.iter().map(String::as_str));
    }
    for (name, items) in db.eval_task_items().await? {
        let texts = items.iter().flat_map(|i| {
            let answers = match &i.gold {
                Some(polytune_eval::Gold::Answers(a)) => a.as_slice(),
                _ => &[],
            };
            std::iter::once(&i.prompt).chain(&i.choices).chain(answers)
        });
        index.add_texts(&format!("task {name}"), texts.map(String::as_str));
    }
    Ok(())
}

/// A task by id, with its items: built in, or made from one of the workspace's files.
pub async fn resolve(db: &Scoped, id: &str) -> DbResult<Option<TaskRef>> {
    match Task::parse(id) {
        Ok(t) => Ok(Some(TaskRef::Builtin(t))),
        Err(_) => db.eval_task(id).await,
    }
}

/// Seconds per item for a 135M-parameter model on this 2-core machine (release build, f32
/// arithmetic), from `eval/bench/quick_time.sh` with SmolLM2 (BENCHMARKS.md): a multiple-choice item
/// costs about 0.29 s plus 0.005 s per choice (XCOPA 0.30 s, SIB-200 0.32 s); an answer about 0.6 s
/// (1.9 s through the chat template, whose prompts are longer) plus its tokens at 80 per second
/// across a batch (counted at the most an answer may have). Other sizes scale with their
/// parameters. Rough by design: it tells minutes from hours before launch.
const MC_ITEM_SECONDS: f64 = 0.29;
const MC_CHOICE_SECONDS: f64 = 0.005;
const ANSWER_SECONDS: f64 = 0.6;
const CHAT_ANSWER_SECONDS: f64 = 1.9;
const TOKENS_PER_SECOND: f64 = 80.0;
const REFERENCE_PARAMETERS: f64 = 135e6;

/// Turns a request into the exact tasks, languages and item counts that will run, from the
/// workspace's `catalog` (see [`catalog`]).
pub fn plan(req: &CreateEvaluation, info: &ModelInfo, catalog: &[EvalTask]) -> Result<EvalSpec, Vec<FieldError>> {
    let mut errors = Vec::new();
    let tasks: Vec<&EvalTask> = if req.tasks.is_empty() {
        catalog.iter().filter(|t| !t.from_file).collect()
    } else {
        let mut tasks: Vec<&EvalTask> = Vec::new();
        for (i, id) in req.tasks.iter().enumerate() {
            match catalog.iter().find(|t| t.id == id.trim()) {
                Some(t) if !tasks.iter().any(|c| c.id == t.id) => tasks.push(t),
                Some(_) => errors.push(FieldError::err(
                    format!("tasks[{i}]"),
                    "duplicate",
                    &[("value", id.clone())],
                    format!("'{id}' is listed twice"),
                )),
                None => errors.push(FieldError::err(
                    format!("tasks[{i}]"),
                    "unknown_value",
                    &[
                        ("value", id.clone()),
                        ("allowed", catalog.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")),
                    ],
                    format!("no task '{id}' in this workspace"),
                )),
            }
        }
        tasks
    };
    let wanted: Vec<String> = req
        .languages
        .iter()
        .map(|l| polytune_api::lang::parse(l).map_or_else(|| l.clone(), |t| t.code().to_string()))
        .collect();
    for (i, l) in wanted.iter().enumerate() {
        if !tasks.iter().any(|t| t.languages.contains_key(l)) {
            errors.push(FieldError::err(
                format!("languages[{i}]"),
                "language_not_in_tasks",
                &[("value", l.clone())],
                format!("none of the chosen tasks has items in '{l}'"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let quick = req.preset == EvalPreset::Quick;
    let mut runs = Vec::new();
    let mut items = 0;
    let mut seconds = 0.0;
    let scale = (info.parameters as f64 / REFERENCE_PARAMETERS).max(0.01);
    for task in tasks {
        let languages: Vec<String> =
            task.languages.keys().filter(|l| wanted.is_empty() || wanted.contains(l)).cloned().collect();
        if languages.is_empty() {
            continue;
        }
        let limit = req.limit.or(if quick { Some(task.quick_limit) } else { None });
        let n: usize = languages
            .iter()
            .map(|l| task.languages.get(l).copied().unwrap_or(0).min(limit.unwrap_or(usize::MAX)))
            .sum();
        let max_new_tokens = if quick { task.max_new_tokens } else { task.full_max_new_tokens };
        items += n;
        seconds += n as f64
            * scale
            * match task.kind {
                EvalTaskKind::MultipleChoice => MC_ITEM_SECONDS + MC_CHOICE_SECONDS * task.choices as f64,
                _ => {
                    let start = if task.chat_template { CHAT_ANSWER_SECONDS } else { ANSWER_SECONDS };
                    start + max_new_tokens as f64 / TOKENS_PER_SECOND
                }
            };
        runs.push(EvalTaskRun {
            task: task.id.clone(),
            version: task.version,
            languages,
            limit,
            shots: 0,
            chat_template: task.chat_template,
            max_new_tokens,
        });
    }
    if runs.is_empty() {
        return Err(vec![FieldError::err(
            "languages",
            "no_task_in_languages",
            &[],
            "the chosen tasks have none of the chosen languages",
        )]);
    }
    Ok(EvalSpec { preset: req.preset, tasks: runs, items, estimated_seconds: seconds.ceil() })
}

/// Equal for two evaluations exactly when their scores are comparable item by item and one can
/// stand in for the other: same model, run checkpoint, tasks and their versions, languages,
/// item limits, shots, templates and decoding.
pub fn fingerprint(model_id: &str, run_id: Option<&str>, checkpoint_step: Option<i64>, spec: &EvalSpec) -> String {
    let key = serde_json::json!({
        "model": model_id,
        "run": run_id,
        "step": checkpoint_step,
        "tasks": spec.tasks,
        "decoding": "greedy",
        // Log-likelihoods in f32 (not on 8-bit-rounded activations); generation on the shared model.
        "arithmetic": "f32-loglikelihood",
    });
    let digest = Sha256::digest(key.to_string().as_bytes());
    crate::storage::hex(&digest[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ModelInfo {
        serde_json::from_value(serde_json::json!({
            "architecture": "llama", "parameters": 135_000_000u64, "hidden_size": 576, "intermediate_size": 1536,
            "layers": 30, "attention_heads": 9, "kv_heads": 3, "head_dim": 64, "vocab_size": 49152,
            "context_length": 8192, "tied_embeddings": true, "rope_theta": 100000.0, "chat_template": "",
            "template_is_fallback": true, "template_preview": ""
        }))
        .unwrap()
    }

    fn builtin() -> Vec<EvalTask> {
        Task::ALL.iter().map(|t| t.info()).collect()
    }

    fn req(tasks: &[&str], languages: &[&str]) -> CreateEvaluation {
        CreateEvaluation {
            model_id: "m".into(),
            run_id: None,
            checkpoint_step: None,
            preset: EvalPreset::Quick,
            tasks: tasks.iter().map(|s| s.to_string()).collect(),
            languages: languages.iter().map(|s| s.to_string()).collect(),
            limit: None,
            with_base: false,
        }
    }

    #[test]
    fn quick_plan_limits_items_and_keeps_chosen_languages() {
        let spec = plan(&req(&["xcopa", "mgsm"], &["sw", "tha"]), &info(), &builtin()).unwrap();
        assert_eq!(spec.tasks.len(), 2);
        assert_eq!(spec.tasks[0].languages, ["swa", "tha"]);
        // XCOPA: 30 per language; MGSM: 6 per language.
        assert_eq!(spec.items, 2 * 30 + 2 * 6);
        assert!(spec.estimated_seconds > 0.0);
    }

    #[test]
    fn unknown_tasks_and_languages_are_named() {
        let e = plan(&req(&["mmlu"], &[]), &info(), &builtin()).unwrap_err();
        assert_eq!(e[0].path, "tasks[0]");
        let e = plan(&req(&["xcopa"], &["deu"]), &info(), &builtin()).unwrap_err();
        assert_eq!(e[0].path, "languages[0]");
    }

    #[test]
    fn fingerprints_differ_by_what_changes_scores() {
        let spec = plan(&req(&["xcopa"], &[]), &info(), &builtin()).unwrap();
        let base = fingerprint("m", None, None, &spec);
        assert_eq!(base, fingerprint("m", None, None, &spec));
        assert_ne!(base, fingerprint("m", Some("r"), Some(10), &spec));
        let mut more = spec.clone();
        more.tasks[0].limit = Some(100);
        assert_ne!(base, fingerprint("m", None, None, &more));
    }
}
