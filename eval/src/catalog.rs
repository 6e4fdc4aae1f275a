//! A task the studio can evaluate on: built in, or made from a workspace's file.

use std::sync::Arc;

use polytune_api::{EvalTask, EvalTaskKind};

use crate::EvalError;
use crate::tasks::{Item, Task};

#[derive(Debug, Clone)]
pub enum TaskRef {
    Builtin(Task),
    /// A task made from a file: its catalog entry and every item, in file order.
    File {
        info: Box<EvalTask>,
        items: Arc<Vec<Item>>,
    },
}

impl TaskRef {
    pub fn id(&self) -> &str {
        match self {
            TaskRef::Builtin(t) => t.id(),
            TaskRef::File { info, .. } => &info.id,
        }
    }

    pub fn kind(&self) -> EvalTaskKind {
        match self {
            TaskRef::Builtin(t) => t.kind(),
            TaskRef::File { info, .. } => info.kind,
        }
    }

    /// The first `limit` items (all when None) in `language` (a canonical code).
    pub fn items(&self, language: &str, limit: Option<usize>) -> Result<Vec<Item>, EvalError> {
        match self {
            TaskRef::Builtin(t) => t.items(language, limit),
            TaskRef::File { info, items } => {
                let chosen: Vec<Item> = items
                    .iter()
                    .filter(|i| i.language == language)
                    .take(limit.unwrap_or(usize::MAX))
                    .cloned()
                    .collect();
                if chosen.is_empty() {
                    return Err(EvalError::NoLanguage { task: info.id.clone(), language: language.into() });
                }
                Ok(chosen)
            }
        }
    }
}
