//! How a file is read, as the import card edits it: the format and the mapping of its fields.

use leptos::prelude::*;
use polytune_api::{FileFormat, Mapping};

fn mapping_kind(m: &Mapping) -> &'static str {
    match m {
        Mapping::Fields { .. } => "fields",
        Mapping::Messages { .. } => "messages",
        Mapping::Turns { .. } => "turns",
    }
}

/// Editable copy of a mapping: every path as a signal.
#[derive(Clone, Copy)]
pub(super) struct MappingForm {
    pub(super) kind: RwSignal<String>,
    pub(super) a: RwSignal<String>,
    pub(super) b: RwSignal<String>,
    pub(super) c: RwSignal<String>,
    pub(super) d: RwSignal<String>,
    pub(super) id: RwSignal<String>,
    pub(super) language: RwSignal<String>,
}

impl MappingForm {
    pub(super) fn new() -> Self {
        let s = || RwSignal::new(String::new());
        MappingForm { kind: RwSignal::new("fields".into()), a: s(), b: s(), c: s(), d: s(), id: s(), language: s() }
    }

    pub(super) fn load(&self, m: &Mapping) {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        self.kind.set(mapping_kind(m).into());
        match m {
            Mapping::Fields { system, instruction, input, output, id, language } => {
                self.a.set(instruction.clone());
                self.b.set(o(input));
                self.c.set(o(output));
                self.d.set(o(system));
                self.id.set(o(id));
                self.language.set(o(language));
            }
            Mapping::Messages { messages, role_key, text_key, id, language } => {
                self.a.set(messages.clone());
                self.b.set(role_key.clone());
                self.c.set(text_key.clone());
                self.id.set(o(id));
                self.language.set(o(language));
            }
            Mapping::Turns { turns, answers, id, language } => {
                self.a.set(turns.clone());
                self.b.set(o(answers));
                self.id.set(o(id));
                self.language.set(o(language));
            }
        }
    }

    pub(super) fn get(&self) -> Mapping {
        let opt = |s: RwSignal<String>| Some(s.get()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        match self.kind.get().as_str() {
            "messages" => Mapping::Messages {
                messages: self.a.get(),
                role_key: self.b.get(),
                text_key: self.c.get(),
                id: opt(self.id),
                language: opt(self.language),
            },
            "turns" => Mapping::Turns {
                turns: self.a.get(),
                answers: opt(self.b),
                id: opt(self.id),
                language: opt(self.language),
            },
            _ => Mapping::Fields {
                system: opt(self.d),
                instruction: self.a.get(),
                input: opt(self.b),
                output: opt(self.c),
                id: opt(self.id),
                language: opt(self.language),
            },
        }
    }
}

pub(super) fn format_key(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Jsonl => "jsonl",
        FileFormat::JsonArray => "json_array",
        FileFormat::JsonObject => "json_object",
        FileFormat::Csv => "csv",
        FileFormat::Tsv => "tsv",
        FileFormat::Parquet => "parquet",
        FileFormat::Lines => "lines",
    }
}

pub(super) fn parse_format(s: &str) -> FileFormat {
    match s {
        "json_array" => FileFormat::JsonArray,
        "json_object" => FileFormat::JsonObject,
        "csv" => FileFormat::Csv,
        "tsv" => FileFormat::Tsv,
        "parquet" => FileFormat::Parquet,
        "lines" => FileFormat::Lines,
        _ => FileFormat::Jsonl,
    }
}
