//! Reads the English catalog (`locales/en/*.ftl`) and generates `Msg`: one variant per Fluent
//! message, so a page that names a message the catalog lacks does not compile. A catalog file
//! that Fluent cannot parse fails the build, naming the file and the text it could not read.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use fluent_syntax::ast::Entry;

fn camel(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut c = part.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales/en");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    files.sort();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut sources = String::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let resource = match fluent_syntax::parser::parse(text.as_str()) {
            Ok(r) => r,
            Err((_, errors)) => {
                let first = &errors[0];
                let line = text[..first.pos.start.min(text.len())].lines().count();
                panic!("{} line {line}: Fluent cannot read this: {:?}", file.display(), first.kind);
            }
        };
        for entry in resource.body {
            if let Entry::Message(m) = entry {
                let id = m.id.name.to_string();
                assert!(m.value.is_some(), "{}: message {id} has no text", file.display());
                if let Some((_, other)) = ids.iter().find(|(i, _)| *i == id) {
                    panic!("{}: message {id} is also in {other}", file.display());
                }
                ids.push((id, file.display().to_string()));
            }
        }
        writeln!(sources, "    include_str!({:?}),", file.display().to_string()).unwrap();
    }
    let mut out = String::new();
    out.push_str("/// A message of the catalog (generated from `locales/en/*.ftl` by `build.rs`).\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Msg {\n");
    for (id, _) in &ids {
        writeln!(out, "    {},", camel(id)).unwrap();
    }
    out.push_str("}\n\nimpl Msg {\n    /// The Fluent message id.\n    pub fn id(self) -> &'static str {\n        match self {\n");
    for (id, _) in &ids {
        writeln!(out, "            Msg::{} => {id:?},", camel(id)).unwrap();
    }
    out.push_str(
        "        }\n    }\n}\n\n/// The English catalog files, in file-name order.\npub const EN: &[&str] = &[\n",
    );
    out.push_str(&sources);
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).unwrap();
}
