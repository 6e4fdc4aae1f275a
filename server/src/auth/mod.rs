//! Authentication: password hashing, secret tokens, sign-in rate limits, and the extractors that
//! turn a request into a signed-in person ([`Session`]) or a capability to act on a workspace
//! ([`capability`]).

pub mod capability;
pub mod password;
pub mod rate_limit;
pub mod secret;
pub mod session;

pub use capability::{Admin, BrowserSession, WorkspaceEditor, WorkspaceOwner, WorkspaceViewer};
pub use session::{ClientIp, Session, SignedIn};
