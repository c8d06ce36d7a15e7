//! Errors. Every message says what failed, where (an environment variable, a
//! file, or an API path without host or query) and what to do about it.
//!
//! No variant ever holds the token: the values it carries are paths, names,
//! counts and text GitHub or git sent back, and text from outside is passed
//! through [`crate::context`]'s scrubber before it is stored, in case it
//! echoes the token.

use std::path::PathBuf;

/// How to give regops a token, shared by the messages that need it.
pub(crate) const TOKEN_HOWTO: &str = "pass it to the step with `env: GITHUB_TOKEN: ${{ github.token }}` \
and give the job `permissions: { pull-requests: read, contents: read }`; \
`@org/team` roles also need a token that can read organisation teams \
(`members: read` on the organisation, e.g. a GitHub App installation token or a \
personal access token with `read:org`: the workflow's own GITHUB_TOKEN cannot read teams)";

/// Everything that can go wrong while collecting approvals evidence.
///
/// Any of these means the evidence could not be collected: the gate that
/// needs it is `error` and the step fails (fail closed). [`Error::exit_code`]
/// gives the CLI's exit status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `GITHUB_TOKEN` is unset or empty.
    #[error(
        "GITHUB_TOKEN is not set (or is empty), so regops cannot read the pull request's reviews: {TOKEN_HOWTO}"
    )]
    MissingToken,

    /// A required environment variable is unset or empty.
    #[error("{name} is not set: {hint}")]
    MissingEnv {
        /// The variable.
        name: &'static str,
        /// What to do.
        hint: &'static str,
    },

    /// An environment variable or constructor argument has an unusable value.
    #[error("{name} is not usable ({reason}): {hint}")]
    InvalidSetting {
        /// The variable or argument.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
        /// What to do.
        hint: &'static str,
    },

    /// The event payload named by `GITHUB_EVENT_PATH` could not be read or parsed.
    #[error(
        "cannot read the workflow event payload {path}: {reason}; regops reads the pull request number and head commit from it, so run it inside a GitHub Actions job"
    )]
    EventFile {
        /// The payload file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },

    /// The workflow was not triggered by a pull request.
    #[error("the workflow event{} in {path} is not about a pull request (it has no `pull_request` object), so there are no reviews to collect: run the approvals check on `pull_request` or `pull_request_target` events, or give the pull request explicitly", event.as_deref().map(|e| format!(" `{e}`")).unwrap_or_default())]
    NotPullRequest {
        /// `GITHUB_EVENT_NAME`, when set.
        event: Option<String>,
        /// The payload file.
        path: PathBuf,
    },

    /// The `[roles]` table is malformed.
    #[error("[roles] {role}: {reason}")]
    RoleConfig {
        /// The role whose entry is wrong.
        role: String,
        /// What is wrong and the accepted forms.
        reason: String,
    },

    /// The role map names teams that were never expanded.
    #[error(
        "[roles] names the teams {teams}, whose members have not been fetched: call RoleMap::resolve with a GitHub context first (or name logins only)"
    )]
    UnresolvedTeams {
        /// The teams, `@org/slug`, comma separated.
        teams: String,
    },

    /// 401: the token was rejected.
    #[error(
        "GitHub rejected the token (401 Unauthorized) for {method} {endpoint}: it is invalid or expired; {TOKEN_HOWTO}"
    )]
    Unauthorized {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
    },

    /// 403 without rate-limit signs: the token lacks a permission.
    #[error("the token lacks permission for {method} {endpoint} (403 Forbidden{}): it needs {permission}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Forbidden {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// The permission the endpoint needs, and how to grant it.
        permission: &'static str,
        /// GitHub's `message`, when it sent one.
        message: Option<String>,
    },

    /// 403 without rate-limit signs on a check-run request: the token may
    /// not write check runs. This is what a pull request from a fork gets
    /// (its token is read-only whatever the workflow asks), so the caller
    /// should say that the check runs were not published and keep gating
    /// by its exit status and job summary; see `docs/action.md`.
    #[error("check runs were not published: the token may not write check runs ({method} {endpoint} answered 403 Forbidden{}). The verdicts still decide the step's exit status and are in the job summary. Give the job `permissions: {{ checks: write }}`; a pull request from a fork gets a read-only token whatever the workflow asks, so publish from a separate `workflow_run` workflow instead (docs/action.md, \"Pull requests from forks\")", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    ChecksNotPermitted {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// GitHub's `message` ("Resource not accessible by integration").
        message: Option<String>,
    },

    /// A rate limit was hit and does not reset soon enough to wait for.
    #[error("GitHub's API rate limit is exhausted for {method} {endpoint} ({status}){}: re-run the job after that, or use a token with a larger limit (a GitHub App installation token)", resets_at.as_deref().map(|t| format!(" and resets at {t}")).unwrap_or_else(|| " and GitHub gave no reset time".to_string()))]
    RateLimited {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// 403 or 429.
        status: u16,
        /// When the limit resets, RFC 3339 UTC, when GitHub said.
        resets_at: Option<String>,
    },

    /// 404.
    #[error(
        "GitHub answered 404 Not Found for {method} {endpoint}: {what} does not exist or the token cannot see it (GitHub answers 404, not 403, for private resources a token cannot read); check {check}, and that the token has {permission}"
    )]
    NotFound {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// What was asked for ("pull request #5 of o/r").
        what: String,
        /// Which setting names it.
        check: &'static str,
        /// The permission the endpoint needs.
        permission: &'static str,
    },

    /// 5xx, still failing after every retry.
    #[error(
        "GitHub answered {status} for {method} {endpoint} on all {attempts} attempts: GitHub or the Enterprise Server is failing; re-run the job later"
    )]
    Server {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// Last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },

    /// The request could not be sent or answered (connection, TLS, timeout),
    /// still failing after every retry.
    #[error(
        "{method} {endpoint} failed on all {attempts} attempts: {detail}; check GITHUB_API_URL and that the runner can reach it"
    )]
    Network {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        detail: String,
    },

    /// A status the client has no rule for (3xx, 422, ...).
    #[error("GitHub answered {status} for {method} {endpoint}{}: regops cannot use this answer; check GITHUB_API_URL points at the REST API root and GITHUB_REPOSITORY names the repository as it is now (a 3xx follows a rename or transfer)", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    UnexpectedStatus {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// The status.
        status: u16,
        /// GitHub's `message`, when it sent one.
        message: Option<String>,
    },

    /// A 2xx answer whose body is not what GitHub documents.
    #[error(
        "GitHub's answer to {method} {endpoint} is not the documented shape ({detail}): regops refuses to guess; check GITHUB_API_URL points at a GitHub REST API"
    )]
    UnexpectedResponse {
        /// HTTP method.
        method: &'static str,
        /// API path.
        endpoint: String,
        /// What did not fit.
        detail: String,
    },

    /// The answers are inconsistent with each other (the pull request moved,
    /// or a list was truncated by GitHub).
    #[error("{endpoint}: {detail}")]
    Inconsistent {
        /// API path.
        endpoint: String,
        /// What disagrees and what to do.
        detail: String,
    },

    /// The HTTP client or its async runtime could not be started.
    #[error("cannot start the GitHub client: {detail}")]
    Client {
        /// What failed.
        detail: String,
    },

    /// `git log` could not be run or failed.
    #[error("git log {range} in {repo} failed: {detail}")]
    Git {
        /// Repository directory.
        repo: PathBuf,
        /// Revision range.
        range: String,
        /// What failed (git's stderr, trimmed).
        detail: String,
    },

    /// An `Approved-by:` trailer that does not follow the accepted syntax.
    #[error(
        "commit {commit}: trailer `{trailer}` is not an approval regops can read: {reason}; write `Approved-by: Full Name <email> (role)` (roles optional, comma-separated)"
    )]
    Trailer {
        /// The commit.
        commit: String,
        /// The trailer line as written.
        trailer: String,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// The CLI's exit status for this error: always 2, "usage, config or
    /// evidence error" (SPEC §6). Approvals that were collected but do not
    /// satisfy a gate are the gate's `fail` (exit 1), never an error here.
    pub fn exit_code(&self) -> i32 {
        2
    }
}
