//! API integration tests: each test starts a real `polytune` process on a free port with its own
//! database — a fresh SQLite file, and again a fresh PostgreSQL database — and talks to it over
//! HTTP like any client. Files mirror the routes.

// Fault-test helpers (workers, data folder) are unused here.
#[allow(dead_code)]
mod util;

mod authz;
mod bad_input;
mod datasets;
mod eval_tasks;
mod evaluations;
mod identifiers;
mod inference;
mod invitations;
mod jobs;
mod langid;
mod members;
mod mixtures;
mod models;
mod openapi;
mod session;
mod setup;
mod upgrade;
mod workspaces;
