//! The HTTP layer: octocrab for transport, authentication and the API root;
//! status handling, retries, rate limits and pagination here, because they
//! need the status and headers that octocrab's typed calls hide.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{ACCEPT, HeaderMap, HeaderName, RETRY_AFTER};
use octocrab::Octocrab;
use serde::de::DeserializeOwned;

use crate::context::GitHubContext;
use crate::error::Error;

/// The GitHub REST API version the payload shapes are pinned to.
pub const API_VERSION: &str = "2022-11-28";

/// Every request this crate sends, as (method, path template) exactly as the
/// GitHub OpenAPI description names it.
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("GET", "/orgs/{org}/teams/{team_slug}/members"),
    ("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs"),
    ("GET", "/repos/{owner}/{repo}/issues"),
    ("POST", "/repos/{owner}/{repo}/check-runs"),
    ("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
];

/// Results per page for list endpoints (GitHub's maximum).
const PER_PAGE: u32 = 100;
/// Pages followed before giving up on a list (10 000 items).
const MAX_PAGES: usize = 100;

/// Where a pull request's resources are named, for 404 messages.
pub(crate) const CHECK_PULL: &str =
    "GITHUB_REPOSITORY and the pull request number (GITHUB_EVENT_PATH)";
/// Where a team is named, for 404 messages.
pub(crate) const CHECK_TEAM: &str =
    "the `@org/team-slug` in [roles] (the slug as in the team's URL)";

/// Permission texts for error messages.
pub(crate) const PERM_PULLS: &str = "`pull-requests: read` (workflow `permissions:`; for a fine-grained token, \"Pull requests\" read)";
pub(crate) const PERM_PULLS_CONTENTS: &str = "`pull-requests: read` and `contents: read` (workflow `permissions:`; for a fine-grained token, \"Pull requests\" and \"Contents\" read)";
pub(crate) const PERM_MEMBERS: &str = "`members: read` on the organisation (a GitHub App installation token with \"Members\" read, or a personal access token with `read:org`; the workflow's own GITHUB_TOKEN cannot read teams)";

/// One API operation: its method, its path (no host, no query) and what it
/// needs.
pub(crate) struct Endpoint {
    /// `GET`, `POST` or `PATCH`.
    pub method: &'static str,
    /// Path below the API root, e.g. `/repos/o/r/pulls/5`.
    pub path: String,
    /// What it is, for 404 messages ("pull request #5 of o/r").
    pub what: String,
    /// Which setting names it, for 404 messages.
    pub check: &'static str,
    /// The permission a token needs for it.
    pub permission: &'static str,
}

/// Runs `future` on a fresh current-thread runtime: the public API is
/// synchronous. It must not be called from inside an async runtime.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Client {
            detail: format!("cannot start an async runtime: {e}"),
        })?;
    Ok(runtime.block_on(future))
}

/// A client for one context. Create it inside the runtime (octocrab spawns
/// its worker on the current runtime).
pub(crate) struct Api<'a> {
    ctx: &'a GitHubContext,
    crab: Octocrab,
    /// `scheme://authority` of the API root.
    origin: String,
    /// The API root's path ("" for api.github.com, "/api/v3" for GHES).
    base_path: String,
}

/// What to do after one attempt.
enum Next {
    Done(HeaderMap, String),
    Fail(Error),
    /// Retry after `delay`; if no attempt is left, fail with the error.
    Retry(Duration, Error),
    /// The request may or may not have taken effect (a 5xx, a lost
    /// connection, a timeout): retry like `Retry` only when repeating it is
    /// harmless ([`Replay::Safe`]).
    Ambiguous(Duration, Error),
}

/// Whether the HTTP layer may send a request again after an answer that
/// leaves open whether it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, and writes that set the same state again: retried on 5xx and
    /// network failures.
    Safe,
    /// Writes that add something (a check run, a batch of annotations):
    /// a 5xx or network failure is returned at once ([`Error::Server`],
    /// [`Error::Network`]) so the caller can look at what exists before
    /// trying again. Rate limits (the request was refused, not done) are
    /// still waited out and retried.
    Never,
}

impl<'a> Api<'a> {
    pub(crate) fn new(ctx: &'a GitHubContext) -> Result<Api<'a>, Error> {
        let uri: http::Uri = ctx.api_url().parse().map_err(|e| Error::Client {
            detail: format!("GITHUB_API_URL is not a URL: {e}"),
        })?;
        let origin = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or("https"),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let base_path = uri.path().trim_end_matches('/').to_string();
        let client_error = |e: octocrab::Error| Error::Client {
            detail: ctx.scrub(&e.to_string()),
        };
        let crab = Octocrab::builder()
            .base_uri(ctx.api_url())
            .map_err(client_error)?
            // Authenticate uploads against the same host, never uploads.github.com.
            .upload_uri(ctx.api_url())
            .map_err(client_error)?
            .personal_token(ctx.token().to_string())
            .add_header(ACCEPT, "application/vnd.github+json".to_string())
            .add_header(
                HeaderName::from_static("x-github-api-version"),
                API_VERSION.to_string(),
            )
            .build()
            .map_err(client_error)?;
        Ok(Api {
            ctx,
            crab,
            origin,
            base_path,
        })
    }

    /// GET one resource and parse it.
    pub(crate) async fn get<T: DeserializeOwned>(&self, endpoint: &Endpoint) -> Result<T, Error> {
        let (_, body) = self
            .send(&endpoint.path, endpoint, None, Replay::Safe)
            .await?;
        self.parse(&body, endpoint)
    }

    /// Send `body` as JSON with the endpoint's method and parse the answer.
    pub(crate) async fn write<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        body: &serde_json::Value,
        replay: Replay,
    ) -> Result<T, Error> {
        let (_, answer) = self
            .send(&endpoint.path, endpoint, Some(body), replay)
            .await?;
        self.parse(&answer, endpoint)
    }

    /// GET every page of a list, following `Link: <...>; rel="next"`.
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
    ) -> Result<Vec<T>, Error> {
        self.get_all_pages(endpoint, "", |page: Vec<T>| page).await
    }

    /// GET every page of a list whose pages are `P`s (an array, or an object
    /// wrapping one, as the check-runs list is), `items` taking each page's
    /// items out. `query` is extra query parameters (`&`-joined, encoded).
    pub(crate) async fn get_all_pages<P: DeserializeOwned, T>(
        &self,
        endpoint: &Endpoint,
        query: &str,
        items_of: impl Fn(P) -> Vec<T>,
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut uri = if query.is_empty() {
            format!("{}?per_page={PER_PAGE}", endpoint.path)
        } else {
            format!("{}?{query}&per_page={PER_PAGE}", endpoint.path)
        };
        let mut seen = Vec::new();
        for _ in 0..MAX_PAGES {
            let (headers, body) = self.send(&uri, endpoint, None, Replay::Safe).await?;
            let page: P = self.parse(&body, endpoint)?;
            items.extend(items_of(page));
            match self.next_link(&headers, endpoint)? {
                None => return Ok(items),
                Some(next) => {
                    if seen.contains(&next) {
                        return Err(Error::UnexpectedResponse {
                            method: endpoint.method,
                            endpoint: endpoint.path.clone(),
                            detail: "the `Link` header's next page repeats a page already read"
                                .to_string(),
                        });
                    }
                    seen.push(next.clone());
                    uri = next;
                }
            }
        }
        Err(Error::Inconsistent {
            endpoint: endpoint.path.clone(),
            detail: format!(
                "the list has more than {MAX_PAGES} pages of {PER_PAGE}; regops stops rather than \
                 collect part of it: split the change into smaller pull requests"
            ),
        })
    }

    fn parse<T: DeserializeOwned>(&self, body: &str, endpoint: &Endpoint) -> Result<T, Error> {
        serde_json::from_str(body).map_err(|e| Error::UnexpectedResponse {
            method: endpoint.method,
            endpoint: endpoint.path.clone(),
            detail: self.ctx.scrub(&e.to_string()),
        })
    }

    /// The next page's URL, checked to stay below the API root.
    fn next_link(&self, headers: &HeaderMap, endpoint: &Endpoint) -> Result<Option<String>, Error> {
        let mut next = None;
        for value in headers.get_all(http::header::LINK) {
            let value = value.to_str().map_err(|_| Error::UnexpectedResponse {
                method: endpoint.method,
                endpoint: endpoint.path.clone(),
                detail: "the `Link` header is not ASCII".to_string(),
            })?;
            for (url, rels) in parse_link_header(value) {
                if rels
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
                {
                    next = Some(url);
                }
            }
        }
        let Some(next) = next else {
            return Ok(None);
        };
        let prefix = format!("{}{}/", self.origin, self.base_path);
        if !next.starts_with(&prefix) {
            return Err(Error::UnexpectedResponse {
                method: endpoint.method,
                endpoint: endpoint.path.clone(),
                detail: format!(
                    "the next page link points outside GITHUB_API_URL ({}); regops does not \
                     follow it, so the token is not sent elsewhere",
                    self.ctx.scrub(&next)
                ),
            });
        }
        Ok(Some(next))
    }

    /// One request with retries. `uri` is a path below the API root (with
    /// query) or an absolute URL below it; `body`, when given, is sent as
    /// JSON with the endpoint's method.
    async fn send(
        &self,
        uri: &str,
        endpoint: &Endpoint,
        body: Option<&serde_json::Value>,
        replay: Replay,
    ) -> Result<(HeaderMap, String), Error> {
        let policy = self.ctx.retry_policy();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let once = self.once(endpoint.method, uri, body);
            let next = match tokio::time::timeout(policy.request_timeout, once).await {
                Err(_) => Next::Ambiguous(
                    policy.backoff(attempt),
                    Error::Network {
                        method: endpoint.method,
                        endpoint: endpoint.path.clone(),
                        attempts: attempt,
                        detail: format!(
                            "no complete answer within {} s",
                            policy.request_timeout.as_secs_f64()
                        ),
                    },
                ),
                Ok(Err(detail)) => Next::Ambiguous(
                    policy.backoff(attempt),
                    Error::Network {
                        method: endpoint.method,
                        endpoint: endpoint.path.clone(),
                        attempts: attempt,
                        detail,
                    },
                ),
                Ok(Ok((status, headers, body))) => {
                    self.classify(status, headers, body, endpoint, attempt)
                }
            };
            match next {
                Next::Done(headers, body) => return Ok((headers, body)),
                Next::Fail(error) => return Err(error),
                Next::Ambiguous(_, error) if replay == Replay::Never => return Err(error),
                Next::Retry(delay, error) | Next::Ambiguous(delay, error) => {
                    if attempt >= policy.max_attempts {
                        return Err(error);
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One request: status, headers and body, or why there is none.
    async fn once(
        &self,
        method: &str,
        uri: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, HeaderMap, String), String> {
        let response = match method {
            "POST" => self.crab._post(uri, body).await,
            "PATCH" => self.crab._patch(uri, body).await,
            _ => self.crab._get(uri).await,
        }
        .map_err(|e| self.ctx.scrub(&error_chain(&e)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = self
            .crab
            .body_to_string(response)
            .await
            .map_err(|e| self.ctx.scrub(&error_chain(&e)))?;
        Ok((status, headers, body))
    }

    fn classify(
        &self,
        status: u16,
        headers: HeaderMap,
        body: String,
        endpoint: &Endpoint,
        attempt: u32,
    ) -> Next {
        let policy = self.ctx.retry_policy();
        let method = endpoint.method;
        let path = || endpoint.path.clone();
        let message = || self.github_message(&body);
        let retry_after =
            header(&headers, RETRY_AFTER.as_str()).and_then(|v| v.parse::<u64>().ok());
        match status {
            200..=299 => Next::Done(headers, body),
            401 => Next::Fail(Error::Unauthorized {
                method,
                endpoint: path(),
            }),
            403 | 429 => {
                let remaining = header(&headers, "x-ratelimit-remaining");
                let reset =
                    header(&headers, "x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
                let limited = |resets_at: Option<u64>| Error::RateLimited {
                    method,
                    endpoint: path(),
                    status,
                    resets_at: resets_at.map(rfc3339_utc),
                };
                let now = unix_now();
                if remaining.as_deref() == Some("0") {
                    // Primary rate limit: wait for the reset if it is near.
                    match reset {
                        Some(reset) => {
                            let wait = Duration::from_secs(reset.saturating_sub(now) + 1);
                            if wait <= policy.max_rate_limit_wait {
                                Next::Retry(wait, limited(Some(reset)))
                            } else {
                                Next::Fail(limited(Some(reset)))
                            }
                        }
                        None => Next::Fail(limited(None)),
                    }
                } else if let Some(seconds) = retry_after {
                    // Secondary rate limit: GitHub says how long to wait.
                    let wait = Duration::from_secs(seconds);
                    if wait <= policy.max_rate_limit_wait {
                        Next::Retry(wait, limited(Some(now + seconds)))
                    } else {
                        Next::Fail(limited(Some(now + seconds)))
                    }
                } else if status == 429
                    || message().is_some_and(|m| m.to_ascii_lowercase().contains("rate limit"))
                {
                    Next::Retry(policy.backoff(attempt), limited(None))
                } else {
                    Next::Fail(Error::Forbidden {
                        method,
                        endpoint: path(),
                        permission: endpoint.permission,
                        message: message(),
                    })
                }
            }
            404 => Next::Fail(Error::NotFound {
                method,
                endpoint: path(),
                what: endpoint.what.clone(),
                check: endpoint.check,
                permission: endpoint.permission,
            }),
            500..=599 => {
                let delay = match retry_after {
                    Some(seconds) if Duration::from_secs(seconds) <= policy.max_rate_limit_wait => {
                        Duration::from_secs(seconds)
                    }
                    _ => policy.backoff(attempt),
                };
                Next::Ambiguous(
                    delay,
                    Error::Server {
                        method,
                        endpoint: path(),
                        status,
                        attempts: attempt,
                    },
                )
            }
            _ => Next::Fail(Error::UnexpectedStatus {
                method,
                endpoint: path(),
                status,
                message: message(),
            }),
        }
    }

    /// GitHub's error `message` (basic-error schema), scrubbed.
    fn github_message(&self, body: &str) -> Option<String> {
        let json: serde_json::Value = serde_json::from_str(body).ok()?;
        let message = json.get("message")?.as_str()?;
        Some(self.ctx.scrub(message))
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// An error and its sources, one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

/// `(url, rel)` pairs of an RFC 8288 `Link` header as GitHub writes it.
pub(crate) fn parse_link_header(value: &str) -> Vec<(String, String)> {
    static LINK: OnceLock<regex::Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        regex::Regex::new(r#"<([^>]*)>((?:\s*;\s*[A-Za-z-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)"#)
            .expect("valid regex")
    });
    static REL: OnceLock<regex::Regex> = OnceLock::new();
    let rel = REL.get_or_init(|| {
        regex::Regex::new(r#"(?i);\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))"#).expect("valid regex")
    });
    link.captures_iter(value)
        .map(|c| {
            let rels = rel
                .captures(&c[2])
                .and_then(|r| r.get(1).or_else(|| r.get(2)))
                .map(|m| m.as_str().to_string())
                .unwrap_or_default();
            (c[1].to_string(), rels)
        })
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Seconds since the epoch as RFC 3339 UTC (`2024-05-01T12:00:00Z`).
pub(crate) fn rfc3339_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_as_github_writes_it() {
        let value = r#"<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first""#;
        let links = parse_link_header(value);
        assert_eq!(links.len(), 4);
        assert_eq!(
            links[1],
            (
                "https://api.github.com/repositories/1300192/issues?page=4".to_string(),
                "next".to_string()
            )
        );
    }

    #[test]
    fn epoch_seconds_format_as_rfc3339() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_714_564_800), "2024-05-01T12:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = crate::RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..crate::RetryPolicy::default()
        };
        assert_eq!(policy.backoff(1), Duration::from_millis(100));
        assert_eq!(policy.backoff(2), Duration::from_millis(200));
        assert_eq!(policy.backoff(3), Duration::from_millis(350));
        assert_eq!(policy.backoff(40), Duration::from_millis(350));
    }
}
