//! Exporting a version as Parquet (JSON lines is the stored form itself).
//!
//! Schema: `id`, `source`, `language` (optional), `messages` as a standard Parquet LIST of
//! `{role, content}`, and `meta` as a JSON string (optional). Importing the file again maps it
//! back to the same examples (see the round-trip property test).

use std::io::{BufRead, Write};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use polytune_api::{Example, TurnRole};

use crate::error::{DataError, Result, Written};

const SCHEMA: &str = "message example {
  required binary id (STRING);
  required binary source (STRING);
  optional binary language (STRING);
  required group messages (LIST) {
    repeated group list {
      required group element {
        required binary role (STRING);
        required binary content (STRING);
      }
    }
  }
  optional binary meta (STRING);
}";

const ROW_GROUP: usize = 8192;

fn role_name(r: TurnRole) -> &'static str {
    match r {
        TurnRole::System => "system",
        TurnRole::User => "user",
        TurnRole::Assistant => "assistant",
    }
}

/// Streams canonical JSON lines into a Parquet file, a row group at a time.
pub fn to_parquet<W: Write + Send>(examples: impl BufRead, out: W) -> Result<u64> {
    let file_err = |e: parquet::errors::ParquetError| DataError::write(Written::ParquetFile, e);
    let schema = Arc::new(parse_message_type(SCHEMA).map_err(file_err)?);
    let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
    let mut writer = SerializedFileWriter::new(out, schema, props).map_err(file_err)?;
    let mut batch: Vec<Example> = Vec::with_capacity(ROW_GROUP);
    let mut total = 0u64;
    let mut failure = None;
    crate::import::read_examples(examples, |_, e| {
        batch.push(e);
        if batch.len() == ROW_GROUP {
            if let Err(e) = write_group(&mut writer, &batch) {
                failure = Some(e);
                return std::ops::ControlFlow::Break(());
            }
            total += batch.len() as u64;
            batch.clear();
        }
        std::ops::ControlFlow::Continue(())
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    if !batch.is_empty() || total == 0 {
        write_group(&mut writer, &batch)?;
        total += batch.len() as u64;
    }
    writer.close().map_err(file_err)?;
    Ok(total)
}

fn write_group<W: Write + Send>(writer: &mut SerializedFileWriter<W>, batch: &[Example]) -> Result<()> {
    let err = |e: parquet::errors::ParquetError| DataError::write(Written::Parquet, e);
    let s = |v: &str| ByteArray::from(v.as_bytes().to_vec());
    let ids: Vec<ByteArray> = batch.iter().map(|e| s(&e.id)).collect();
    let sources: Vec<ByteArray> = batch.iter().map(|e| s(&e.source)).collect();
    let langs: Vec<ByteArray> = batch.iter().filter_map(|e| e.language.as_deref().map(s)).collect();
    let lang_def: Vec<i16> = batch.iter().map(|e| e.language.is_some() as i16).collect();
    let (mut roles, mut texts, mut def, mut rep) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in batch {
        if e.turns.is_empty() {
            def.push(0);
            rep.push(0);
        }
        for (j, t) in e.turns.iter().enumerate() {
            roles.push(s(role_name(t.role)));
            texts.push(s(&t.text));
            def.push(1);
            rep.push((j > 0) as i16);
        }
    }
    let metas: Vec<ByteArray> = batch
        .iter()
        .filter(|e| !e.meta.is_empty())
        .map(|e| s(&serde_json::to_string(&e.meta).unwrap_or_default()))
        .collect();
    let meta_def: Vec<i16> = batch.iter().map(|e| !e.meta.is_empty() as i16).collect();
    let mut rg = writer.next_row_group().map_err(err)?;
    let mut column = 0;
    while let Some(mut col) = rg.next_column().map_err(err)? {
        let w = col.typed::<ByteArrayType>();
        match column {
            0 => w.write_batch(&ids, None, None),
            1 => w.write_batch(&sources, None, None),
            2 => w.write_batch(&langs, Some(&lang_def), None),
            3 => w.write_batch(&roles, Some(&def), Some(&rep)),
            4 => w.write_batch(&texts, Some(&def), Some(&rep)),
            _ => w.write_batch(&metas, Some(&meta_def), None),
        }
        .map_err(err)?;
        col.close().map_err(err)?;
        column += 1;
    }
    rg.close().map_err(err)?;
    Ok(())
}
