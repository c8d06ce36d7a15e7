//! GitHub for regops: approvals evidence from GitHub and from git, and the
//! verdicts published as check runs.
//!
//! - [`fetch_change`]: a pull request's author and co-authors, changed
//!   files, linked issues and reviews (as [`regops_evidence::Approval`]s),
//!   from the REST API at `GITHUB_API_URL` (github.com or a GitHub
//!   Enterprise Server) with `GITHUB_TOKEN`, for the pull request of the
//!   workflow event ([`GitHubContext::from_env`]).
//! - [`approvals_from_git`]: `Approved-by:` commit trailers, with signature
//!   verification, for SOPs that record approvals as (signed) commits.
//! - [`RoleMap`]: the `[roles]` table, logins and `@org/team`s to roles.
//! - [`publish_check_runs`]: one check run per gate on the commit the run
//!   judged, with annotations, idempotent within a workflow run attempt
//!   ([`CheckTarget::from_env`] says which commit and attempt).
//!
//! The API is synchronous: each call runs its own current-thread runtime,
//! so it must not be called from inside async code.
//!
//! Fail closed: every failure is an [`Error`] saying what failed, where, and
//! what to do ([`Error::exit_code`] is 2); an answer that is not shaped as
//! GitHub documents is an error, never an empty list. Server errors and
//! network failures are retried with backoff, rate limits waited out when
//! they reset soon ([`RetryPolicy`]).
//!
//! Secrets: the token is held in a type whose `Debug` redacts it, is sent
//! only in the `Authorization` header to the API host (never to a pagination
//! link pointing elsewhere, never over plain http except to loopback), and
//! text from outside is scrubbed of it before it goes into an error.

mod api;
mod change;
mod checks;
mod context;
mod error;
mod git;
mod issues;
mod roles;
mod trailers;

pub use api::{API_VERSION, ENDPOINTS};
pub use change::{Change, fetch_change, linked_issues};
pub use checks::{
    ANNOTATIONS_PER_REQUEST, Annotation, AnnotationLevel, CheckTarget, Conclusion, GateCheck,
    MAX_ANNOTATIONS, OUTPUT_LIMIT_BYTES, PublishReport, PublishedCheckRun, TITLE_LIMIT_CHARS,
    external_id, publish_check_runs,
};
pub use context::{DEFAULT_API_URL, GitHubContext, RetryPolicy};
pub use error::Error;
pub use git::approvals_from_git;
pub use issues::fetch_labelled_issues;
pub use roles::{Member, RoleMap};
