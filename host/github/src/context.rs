//! Where to fetch from: the API root, the token, the repository and the pull
//! request, read from the GitHub Actions environment or given explicitly.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::error::Error;

/// The API root used when `GITHUB_API_URL` is unset (github.com).
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The token. Its `Debug` never shows it and nothing in this crate formats
/// it except the `Authorization` header octocrab builds.
#[derive(Clone)]
pub(crate) struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How hard the client tries before it gives up (fail closed).
///
/// Server errors (5xx), 429s and network failures are retried with
/// exponential backoff: `base_delay`, then twice that, and so on, capped at
/// `max_delay`; a `Retry-After` header (seconds) replaces the computed delay.
/// A primary rate limit (`x-ratelimit-remaining: 0`) is waited out when
/// `x-ratelimit-reset` is at most `max_rate_limit_wait` away, otherwise the
/// call fails at once, saying when the limit resets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included (at least 1).
    pub max_attempts: u32,
    /// Delay before the second attempt.
    pub base_delay: Duration,
    /// Longest delay between two attempts, `Retry-After` excepted.
    pub max_delay: Duration,
    /// Longest wait for a rate limit to reset (or a `Retry-After`).
    pub max_rate_limit_wait: Duration,
    /// Time allowed for one request, connection and body included.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 1 s doubling to at most 30 s, rate-limit waits of up to
    /// 60 s, 30 s per request: at most a couple of minutes before failing.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_rate_limit_wait: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The delay before attempt `attempt + 1`, `attempt` counting from 1.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// The pull request the evidence is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullRef {
    pub number: u64,
    pub head_sha: Option<String>,
}

/// Everything needed to talk to GitHub about one repository (and usually one
/// pull request). Its `Debug` output redacts the token.
#[derive(Debug, Clone)]
pub struct GitHubContext {
    api_url: String,
    token: Token,
    owner: String,
    repo: String,
    pull: Option<PullRef>,
    retry: RetryPolicy,
}

impl GitHubContext {
    /// Reads the GitHub Actions environment:
    ///
    /// - `GITHUB_TOKEN` (required; unset or empty: [`Error::MissingToken`],
    ///   whose message says how to pass it and which permissions it needs),
    /// - `GITHUB_API_URL` (default <https://api.github.com>; a GitHub
    ///   Enterprise Server's is `https://HOST/api/v3`),
    /// - `GITHUB_REPOSITORY` (`owner/repo`),
    /// - `GITHUB_EVENT_PATH`, the event payload: its `pull_request.number`
    ///   and `pull_request.head.sha` name the pull request. Any event without
    ///   a `pull_request` object (push, schedule, ...) is
    ///   [`Error::NotPullRequest`].
    pub fn from_env() -> Result<GitHubContext, Error> {
        GitHubContext::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`GitHubContext::from_env`] with the variables looked up by `lookup`
    /// instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<GitHubContext, Error> {
        let mut context = GitHubContext::repository_from_lookup(&lookup)?;
        let path = nonempty(&lookup, "GITHUB_EVENT_PATH").ok_or(Error::MissingEnv {
            name: "GITHUB_EVENT_PATH",
            hint: "regops reads the pull request number and head commit from the workflow \
                   event payload: run it inside a GitHub Actions job triggered by a pull request",
        })?;
        let event = nonempty(&lookup, "GITHUB_EVENT_NAME");
        context.pull = Some(read_event(Path::new(&path), event)?);
        Ok(context)
    }

    /// Reads `GITHUB_TOKEN`, `GITHUB_API_URL` and `GITHUB_REPOSITORY` only,
    /// for runs with no pull request (a release on a tag push) that still
    /// need the API, e.g. to expand `@org/team` roles for commit-trailer
    /// approvals. [`crate::fetch_change`] refuses such a context.
    pub fn repository_from_env() -> Result<GitHubContext, Error> {
        GitHubContext::repository_from_lookup(|name| std::env::var(name).ok())
    }

    fn repository_from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<GitHubContext, Error> {
        let token = nonempty(&lookup, "GITHUB_TOKEN").ok_or(Error::MissingToken)?;
        let api_url =
            nonempty(&lookup, "GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let repository = nonempty(&lookup, "GITHUB_REPOSITORY").ok_or(Error::MissingEnv {
            name: "GITHUB_REPOSITORY",
            hint: "set it to `owner/repo` (GitHub Actions sets it in every job)",
        })?;
        GitHubContext::build(&api_url, &token, &repository, None)
    }

    /// A context from explicit values (tests, or a CLI given `--pr`).
    ///
    /// `api_url` is the REST API root (`https://api.github.com`, or
    /// `https://HOST/api/v3` for GitHub Enterprise Server); plain `http` is
    /// accepted only for loopback hosts, so the token never crosses a
    /// network unencrypted. `repository` is `owner/repo`. `head_sha`, when
    /// given, is the commit the run checked: [`crate::fetch_change`] fails if
    /// the pull request's head has moved on since.
    pub fn new(
        api_url: &str,
        token: &str,
        repository: &str,
        pull_number: u64,
        head_sha: Option<&str>,
    ) -> Result<GitHubContext, Error> {
        let head_sha = match head_sha {
            Some(sha) => Some(check_sha(sha, "head_sha")?),
            None => None,
        };
        let pull = PullRef {
            number: pull_number,
            head_sha,
        };
        GitHubContext::build(api_url, token, repository, Some(pull))
    }

    fn build(
        api_url: &str,
        token: &str,
        repository: &str,
        pull: Option<PullRef>,
    ) -> Result<GitHubContext, Error> {
        let token = check_token(token)?;
        let api_url = check_api_url(api_url)?;
        let (owner, repo) = check_repository(repository)?;
        if let Some(pull) = &pull
            && pull.number == 0
        {
            return Err(Error::InvalidSetting {
                name: "pull request number",
                reason: "0 is not a pull request number".to_string(),
                hint: "give the number shown in the pull request's URL",
            });
        }
        Ok(GitHubContext {
            api_url,
            token: Token(token),
            owner,
            repo,
            pull,
            retry: RetryPolicy::default(),
        })
    }

    /// The same context with another retry policy (tests use short delays).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> GitHubContext {
        self.retry = RetryPolicy {
            max_attempts: retry.max_attempts.max(1),
            ..retry
        };
        self
    }

    /// The REST API root, without a trailing slash.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The repository's owner.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The repository's name.
    pub fn repo(&self) -> &str {
        &self.repo
    }

    /// `owner/repo`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }

    /// The pull request number, when the context has one.
    pub fn pull_number(&self) -> Option<u64> {
        self.pull.as_ref().map(|p| p.number)
    }

    /// The head commit the run checked, when known.
    pub fn head_sha(&self) -> Option<&str> {
        self.pull.as_ref().and_then(|p| p.head_sha.as_deref())
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn pull(&self) -> Option<&PullRef> {
        self.pull.as_ref()
    }

    pub(crate) fn token(&self) -> &str {
        &self.token.0
    }

    /// `text` with every occurrence of the token replaced, for anything that
    /// came from outside (GitHub's messages, transport errors) before it is
    /// kept in an [`Error`].
    pub(crate) fn scrub(&self, text: &str) -> String {
        truncate(&self.redact(text), 300)
    }

    /// `text` with every occurrence of the token replaced, untruncated: for
    /// text regops sends to GitHub (a check run's summary), which must never
    /// publish the token even if evidence quoted it.
    pub(crate) fn redact(&self, text: &str) -> String {
        if self.token.0.is_empty() || !text.contains(&self.token.0) {
            text.to_string()
        } else {
            text.replace(&self.token.0, "<redacted>")
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

pub(crate) fn nonempty(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn check_token(token: &str) -> Result<String, Error> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::MissingToken);
    }
    // It goes into an HTTP header: anything but visible ASCII would make the
    // header invalid. The message must not quote it.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidSetting {
            name: "GITHUB_TOKEN",
            reason: "it contains spaces, control or non-ASCII characters".to_string(),
            hint: "pass the token itself, e.g. `env: GITHUB_TOKEN: ${{ github.token }}`",
        });
    }
    Ok(token.to_string())
}

const API_URL_HINT: &str = "set GITHUB_API_URL to the REST API root: https://api.github.com, \
                            or https://HOST/api/v3 for GitHub Enterprise Server";

fn check_api_url(api_url: &str) -> Result<String, Error> {
    let invalid = |reason: String| Error::InvalidSetting {
        name: "GITHUB_API_URL",
        reason,
        hint: API_URL_HINT,
    };
    let trimmed = api_url.trim().trim_end_matches('/');
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|e| invalid(format!("`{trimmed}` is not a URL: {e}")))?;
    let host = uri
        .host()
        .ok_or_else(|| invalid(format!("`{trimmed}` has no host")))?;
    if uri.query().is_some() {
        return Err(invalid(format!("`{trimmed}` has a query string")));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        Some("http") => {
            return Err(invalid(format!(
                "`{trimmed}` is plain http to a non-loopback host, which would send the token unencrypted"
            )));
        }
        _ => return Err(invalid(format!("`{trimmed}` is not an http(s) URL"))),
    }
    Ok(trimmed.to_string())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_repository(repository: &str) -> Result<(String, String), Error> {
    let invalid = || Error::InvalidSetting {
        name: "GITHUB_REPOSITORY",
        reason: format!("`{repository}` is not `owner/repo`"),
        hint: "set it to `owner/repo` (GitHub Actions sets it in every job)",
    };
    let (owner, repo) = repository.trim().split_once('/').ok_or_else(invalid)?;
    let ok = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !ok(owner) || !ok(repo) {
        return Err(invalid());
    }
    Ok((owner.to_string(), repo.to_string()))
}

pub(crate) fn check_sha(sha: &str, name: &'static str) -> Result<String, Error> {
    let sha = sha.trim();
    if (sha.len() == 40 || sha.len() == 64) && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha.to_ascii_lowercase())
    } else {
        Err(Error::InvalidSetting {
            name,
            reason: format!("`{sha}` is not a full commit SHA"),
            hint: "give the full 40-hex-digit commit id",
        })
    }
}

/// The pull request named by a workflow event payload.
fn read_event(path: &Path, event: Option<String>) -> Result<PullRef, Error> {
    let fail = |reason: String| Error::EventFile {
        path: PathBuf::from(path),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let pull = match json.get("pull_request") {
        Some(pull) if pull.is_object() => pull,
        _ => {
            return Err(Error::NotPullRequest {
                event,
                path: PathBuf::from(path),
            });
        }
    };
    let number = pull
        .get("number")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .ok_or_else(|| fail("`pull_request.number` is missing or not a number".to_string()))?;
    let sha = pull
        .pointer("/head/sha")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("`pull_request.head.sha` is missing".to_string()))?;
    let head_sha = check_sha(sha, "pull_request.head.sha in the event payload")?;
    Ok(PullRef {
        number,
        head_sha: Some(head_sha),
    })
}
