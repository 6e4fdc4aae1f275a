//! Model jobs: `register_model` (a Hugging Face folder or a GGUF file from an allowed server
//! folder becomes a model; a GGUF is dequantized into storage) and `export_run` (a run's
//! checkpoint as a tar of a Hugging Face folder, stored as a blob for download). Both run the
//! engine on a blocking thread; nothing is recorded until the work is complete.

use polytune_api::{ExportRunJob, ExportRunOutput, FieldError, ModelInfo, RegisterModelJob, RegisterModelOutput};
use polytune_gpu::files::{ModelDir, import_gguf};
use polytune_gpu::template::Message;

use super::toolkit::{contained, db_failed, failed_write};
use super::{Cause, JobContext, JobError, Needed, Resources, Stage};
use crate::db::Scoped;
use crate::db::models::NewModel;

/// What the model page shows, read from a model directory.
pub fn model_info(dir: &ModelDir) -> ModelInfo {
    let c = &dir.config;
    let t = &dir.tokenizer.template;
    let sample = [Message::new("user", "Hvad er hovedstaden i Frankrig?"), Message::new("assistant", "Paris.")];
    let template_preview = t.render(&sample, false).unwrap_or_else(|e| format!("(the template fails: {e})"));
    ModelInfo {
        architecture: c.model_type.clone(),
        parameters: c.parameter_count(),
        hidden_size: c.hidden_size,
        intermediate_size: c.intermediate_size,
        layers: c.num_hidden_layers,
        attention_heads: c.num_attention_heads,
        kv_heads: c.kv_heads(),
        head_dim: c.head_dim(),
        vocab_size: c.vocab_size,
        context_length: c.max_position_embeddings,
        tied_embeddings: c.tie_word_embeddings,
        rope_theta: c.rope_theta,
        chat_template: t.source.clone(),
        template_is_fallback: t.is_fallback,
        template_preview,
    }
}

pub async fn validate_register(db: &Scoped, p: &RegisterModelJob) -> Result<Resources, Vec<FieldError>> {
    if matches!(db.model(&p.model_id).await, Ok(Some(_))) {
        return Err(vec![FieldError::err("payload.model_id", "model_exists", &[], "a model with this id exists")]);
    }
    // Reading a model again gives the same answer: a failure is reported, not repeated.
    Ok(Resources { max_attempts: 1, ..Resources::default() })
}

pub async fn run_register(ctx: &JobContext, p: RegisterModelJob) -> Result<RegisterModelOutput, JobError> {
    let env = ctx.env();
    // A later attempt finds the model an earlier one recorded.
    if ctx.db().model(&p.model_id).await.map_err(db_failed)?.is_some() {
        return Ok(RegisterModelOutput { model_id: p.model_id });
    }
    let wanted = env.allowed_import(&p.path)?;
    register_file(ctx, &p.model_id, &p.name, &p.path, &p.user_id, wanted).await?;
    Ok(RegisterModelOutput { model_id: p.model_id })
}

/// Reads a model folder or GGUF file (`wanted`, already checked) into the workspace's models;
/// `origin` is what the model page says it came from.
pub async fn register_file(
    ctx: &JobContext,
    model_id: &polytune_api::ModelId,
    name: &str,
    origin: &str,
    user_id: &str,
    wanted: std::path::PathBuf,
) -> Result<(), JobError> {
    let env = ctx.env();
    ctx.check()?;
    let is_gguf = wanted.extension().is_some_and(|x| x.eq_ignore_ascii_case("gguf"));
    let target = env.store.model_dir(model_id);
    let (source, dir_path) = if is_gguf { ("gguf", target.clone()) } else { ("directory", wanted.clone()) };
    if is_gguf {
        ctx.log("copying the GGUF file into the studio's storage (it stays quantized)").await;
    }
    let opened = contained(Stage::ModelReader, || {
        let unreadable = |e: polytune_gpu::files::ModelFileError| Cause::ModelUnreadable { error: e.to_string() };
        if is_gguf {
            import_gguf(&wanted, &target).map_err(unreadable)?;
        }
        let dir = ModelDir::open(&dir_path).map_err(unreadable)?;
        dir.weight_files().map_err(unreadable)?;
        Ok::<_, Cause>(dir)
    });
    let dir = match opened {
        Ok(d) => d,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&target);
            return Err(e);
        }
    };
    let info = model_info(&dir);
    let path = dir.path.to_string_lossy().to_string();
    ctx.db()
        .insert_model(NewModel { id: model_id, name, source, origin, path: &path, info: &info, user_id })
        .await
        .map_err(db_failed)?;
    Ok(())
}

pub async fn validate_export(db: &Scoped, p: &ExportRunJob) -> Result<Resources, Vec<FieldError>> {
    if !matches!(db.run(&p.run_id).await, Ok(Some(_))) {
        return Err(vec![FieldError::err("payload.run_id", "run_not_found", &[], "no such run in this workspace")]);
    }
    Ok(Resources { max_attempts: 1, ..Resources::default() })
}

pub async fn run_export(ctx: &JobContext, p: ExportRunJob) -> Result<ExportRunOutput, JobError> {
    let env = ctx.env();
    let run = ctx.db().run(&p.run_id).await.map_err(db_failed)?.ok_or_else(|| Cause::Gone { what: Needed::Run })?;
    let (model, model_path) =
        ctx.db().model(&run.model_id).await.map_err(db_failed)?.ok_or_else(|| Cause::Gone { what: Needed::Model })?;
    let checkpoints = ctx.db().checkpoints(&run.id).await.map_err(db_failed)?;
    let (ck, ck_path) = checkpoints
        .into_iter()
        .find(|(c, _)| c.step == p.step)
        .ok_or(Cause::CheckpointGone { step: p.step.max(0) as u64 })?;
    let folder = format!(
        "{}-{}-step{}",
        run.name.replace(|c: char| !c.is_alphanumeric(), "-"),
        if p.adapter { "adapter" } else { "merged" },
        ck.step
    );
    let work = env.store.temp_path();
    let mut tar = env.store.writer().map_err(failed_write)?;
    ctx.log(&format!("writing {folder}.tar")).await;
    let made = contained(Stage::Export, || {
        let export = |e: &dyn std::fmt::Display| Cause::ExportFailed { error: e.to_string() };
        let dir = ModelDir::open(std::path::Path::new(&model_path)).map_err(|e| export(&e))?;
        let ck = std::path::Path::new(&ck_path);
        if p.adapter {
            polytune_gpu::export::export_adapter(&dir, ck, &model.name, &work).map_err(|e| export(&e))?;
        } else {
            let m = polytune_gpu::export::load_with_checkpoint(&dir, Some(ck), &polytune_gpu::candle::Device::Cpu)
                .map_err(|e| export(&e))?;
            polytune_gpu::export::export_merged(&dir, &m, &work).map_err(|e| export(&e))?;
        }
        let mut builder = tar::Builder::new(&mut tar);
        builder.append_dir_all(&folder, &work).map_err(|e| export(&e))?;
        builder.finish().map_err(|e| export(&e))
    });
    let _ = std::fs::remove_dir_all(&work);
    made?;
    // A cancel asked for while the archive was written: nothing is recorded.
    ctx.check()?;
    let (blob, bytes) = tokio::task::block_in_place(|| tar.finish()).map_err(failed_write)?;
    let file_name = format!("{folder}.tar");
    ctx.db().insert_blob(&blob, bytes as i64, &file_name, &p.user_id).await.map_err(db_failed)?;
    Ok(ExportRunOutput { blob, file_name, bytes })
}
