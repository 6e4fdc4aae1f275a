//! Identifiers as types. Every row the studio stores is named by a random text id; on the wire an
//! id is a plain JSON string (`serde(transparent)`), inside the program it is a type of its own,
//! so a dataset id cannot be passed where a run id is expected, and a database function that
//! takes a `&RunId` says what it reads.
//!
//! Ids are opaque: nothing parses them. `Deref<Target = str>` lets an id go wherever text is
//! read (`format!`, `&str` parameters, URL building); making one from text is explicit
//! (`RunId::from(s)`), which is where a path segment or a stored column becomes an id.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                Self(s.clone())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )*};
}

id_types! {
    /// A workspace: the unit of sharing and of authorization.
    WorkspaceId,
    /// A person's account.
    UserId,
    /// A dataset (its versions share it).
    DatasetId,
    /// One immutable version of a dataset.
    VersionId,
    /// A profile of a dataset version.
    ProfileId,
    /// A resumable upload.
    UploadId,
    /// A mixture recipe.
    MixtureId,
    /// A saved augmentation template.
    TemplateId,
    /// A registered model (base, imported or a run's result).
    ModelId,
    /// A training run.
    RunId,
    /// An evaluation of one model.
    EvaluationId,
    /// A trained language identifier.
    IdentifierId,
    /// A queued, running or finished job.
    JobId,
    /// A worker process that claims jobs.
    WorkerId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_plain_string_on_the_wire() {
        let id = RunId::from("r_abc");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"r_abc\"");
        let back: RunId = serde_json::from_str("\"r_abc\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(format!("/runs/{id}"), "/runs/r_abc");
        assert!(id == "r_abc");
        assert_eq!(id.len(), 5, "reads as text through Deref");
    }
}
