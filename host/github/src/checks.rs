//! Check runs: one per gate, on the commit the run judged, with the gate's
//! verdict as its conclusion, its report as the summary and its findings as
//! annotations.
//!
//! The host renders each gate ([`GateCheck`]); this module owns everything
//! GitHub's Checks API imposes:
//!
//! - **Conclusion.** `success` only for a gate that passed (warnings
//!   allowed), `failure` otherwise. [`Conclusion`] has no other value, so a
//!   gate that failed or could not be evaluated is never `neutral` or
//!   `skipped`, which branch protection would treat as green.
//! - **Idempotency.** Each check run carries an `external_id` made of the
//!   gate, the commit and the workflow run attempt ([`external_id`]). Before
//!   creating one, the publisher lists the commit's check runs of that name
//!   and updates the one with that id instead, so running the step again in
//!   the same attempt replaces the verdict rather than adding a second check
//!   run.
//! - **Limits.** Annotations go 50 per request (the first batch with the
//!   create, the rest appended by updates), most severe first, at most
//!   [`MAX_ANNOTATIONS`] per check run; how many were not sent is said in
//!   the summary. `summary` and `text` stay under 65,535 bytes, cut on a
//!   character boundary with a visible marker; titles stay under 255
//!   characters.
//! - **Failures.** A 5xx or lost connection on a write leaves open whether
//!   it took effect, so it is not blindly repeated: the publisher looks the
//!   check run up again and resumes from the annotations GitHub already has.
//!   A token that may not write check runs (a pull request from a fork) is
//!   [`Error::ChecksNotPermitted`]; every other failure is an error too
//!   (fail closed).
//! - **Secrets.** The token is removed from every text sent.

use std::fmt::Write;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Api, Endpoint, Replay, block_on};
use crate::context::{GitHubContext, check_sha, nonempty};
use crate::error::Error;

/// Annotations GitHub accepts per create or update request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;

/// Annotations sent per check run at most (10 requests). GitHub appends
/// annotations without limit, but every request counts against its
/// secondary rate limit for content-creating requests; the rest are counted
/// in the summary and remain in the job summary and the JSON report.
pub const MAX_ANNOTATIONS: usize = 500;

/// GitHub's limit on `output.summary` and `output.text` (and an annotation's
/// message); regops keeps each strictly below it, in bytes.
pub const OUTPUT_LIMIT_BYTES: usize = 65_535;

/// GitHub's limit on a title (the check run's and an annotation's); regops
/// keeps each strictly below it, in characters.
pub const TITLE_LIMIT_CHARS: usize = 255;

/// One gate, rendered for its check run by the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateCheck {
    /// The gate's id, e.g. `G1`; part of the check run's `external_id`.
    pub gate_id: String,
    /// The check run's name, stable across runs so branch protection can
    /// require it, e.g. `regops / G1 Continuous integration`.
    pub name: String,
    /// Whether the gate passed (`pass` or `warn`). Anything else (`fail`,
    /// `error`) is published as `failure`.
    pub passed: bool,
    /// One line: the outcome and why, e.g. `fail: line coverage 61% < 70%`.
    pub title: String,
    /// Markdown: the outcome, each check with its clause, measured against
    /// threshold, and what to do.
    pub summary: String,
    /// Optional further markdown (evidence files and their digests, ...).
    pub text: Option<String>,
    /// Findings to show on the lines they are about, in any order.
    pub annotations: Vec<Annotation>,
}

/// A finding on lines of a file in the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// The file, relative to the repository root (`src/main.rs`).
    pub path: String,
    /// First line, from 1.
    pub start_line: u64,
    /// Last line (at least `start_line`).
    pub end_line: u64,
    /// How severe it is.
    pub level: AnnotationLevel,
    /// A short title (the check or rule).
    pub title: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// An annotation's severity, most severe first (the order they are sent in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnnotationLevel {
    /// A failed check.
    Failure,
    /// An advisory check that was not met.
    Warning,
    /// Information.
    Notice,
}

impl AnnotationLevel {
    /// GitHub's `annotation_level`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationLevel::Failure => "failure",
            AnnotationLevel::Warning => "warning",
            AnnotationLevel::Notice => "notice",
        }
    }
}

/// A check run's conclusion. Only these two: a gate that did not pass is a
/// `failure`, never `neutral` or `skipped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conclusion {
    /// The gate passed (warnings allowed).
    Success,
    /// The gate failed or could not be evaluated.
    Failure,
}

impl Conclusion {
    /// `Success` exactly when `passed`.
    pub fn of(passed: bool) -> Conclusion {
        if passed {
            Conclusion::Success
        } else {
            Conclusion::Failure
        }
    }

    /// GitHub's `conclusion`.
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Success => "success",
            Conclusion::Failure => "failure",
        }
    }
}

/// What was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReport {
    /// One per [`GateCheck`], in the same order.
    pub check_runs: Vec<PublishedCheckRun>,
}

/// One check run as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCheckRun {
    /// The gate's id.
    pub gate_id: String,
    /// The check run's name.
    pub name: String,
    /// GitHub's id of the check run.
    pub id: u64,
    /// Its web page, when GitHub gave one.
    pub html_url: Option<String>,
    /// Its conclusion.
    pub conclusion: Conclusion,
    /// Its `external_id`.
    pub external_id: String,
    /// Whether a check run with this `external_id` already existed (the step
    /// ran again in the same attempt) and was updated rather than created.
    pub updated_existing: bool,
    /// Annotations the check run has (sent now or by an earlier try).
    pub annotations_sent: usize,
    /// Annotations not sent: over [`MAX_ANNOTATIONS`], or without a path.
    pub annotations_not_sent: usize,
    /// Whether the summary was cut to fit.
    pub summary_truncated: bool,
    /// Whether the text was cut to fit.
    pub text_truncated: bool,
}

/// The commit to publish on and the workflow run attempt, from the
/// environment of a GitHub Actions job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckTarget {
    /// The commit the verdicts are about.
    pub head_sha: String,
    /// `RUN_ID-ATTEMPT` of the workflow run that judged it.
    pub run_attempt_key: String,
}

impl CheckTarget {
    /// Reads the commit and run attempt the check runs belong to:
    ///
    /// - a `pull_request` or `pull_request_target` event: the pull request's
    ///   head (`pull_request.head.sha`; `GITHUB_SHA` is a merge commit no
    ///   one looks at) and `GITHUB_RUN_ID`-`GITHUB_RUN_ATTEMPT`;
    /// - a `workflow_run` event (the publishing half of the fork recipe in
    ///   `docs/action.md`): the triggering run's `head_sha`, `id` and
    ///   `run_attempt`, from the event payload, never from the artifact;
    /// - anything else (push, schedule, ...): `GITHUB_SHA` and
    ///   `GITHUB_RUN_ID`-`GITHUB_RUN_ATTEMPT`.
    pub fn from_env() -> Result<CheckTarget, Error> {
        CheckTarget::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`CheckTarget::from_env`] with the variables looked up by `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<CheckTarget, Error> {
        let event = match nonempty(&lookup, "GITHUB_EVENT_PATH") {
            Some(path) => {
                let fail = |reason: String| Error::EventFile {
                    path: path.clone().into(),
                    reason,
                };
                let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
                serde_json::from_str::<Value>(&text)
                    .map_err(|e| fail(format!("not valid JSON: {e}")))?
            }
            None => Value::Null,
        };
        if let Some(sha) = event
            .pointer("/pull_request/head/sha")
            .and_then(Value::as_str)
        {
            return Ok(CheckTarget {
                head_sha: check_sha(sha, "pull_request.head.sha in the event payload")?,
                run_attempt_key: run_attempt_key(&lookup)?,
            });
        }
        if nonempty(&lookup, "GITHUB_EVENT_NAME").as_deref() == Some("workflow_run") {
            let run = &event["workflow_run"];
            let invalid = |field: &str| Error::EventFile {
                path: nonempty(&lookup, "GITHUB_EVENT_PATH")
                    .unwrap_or_default()
                    .into(),
                reason: format!("`workflow_run.{field}` is missing or malformed"),
            };
            let sha = run["head_sha"]
                .as_str()
                .ok_or_else(|| invalid("head_sha"))?;
            let id = run["id"].as_u64().ok_or_else(|| invalid("id"))?;
            let attempt = run["run_attempt"].as_u64().unwrap_or(1);
            return Ok(CheckTarget {
                head_sha: check_sha(sha, "workflow_run.head_sha in the event payload")?,
                run_attempt_key: format!("{id}-{attempt}"),
            });
        }
        let sha = nonempty(&lookup, "GITHUB_SHA").ok_or(Error::MissingEnv {
            name: "GITHUB_SHA",
            hint: "check runs are published on the commit the workflow run is about; \
                   run regops inside a GitHub Actions job (which sets GITHUB_SHA)",
        })?;
        Ok(CheckTarget {
            head_sha: check_sha(&sha, "GITHUB_SHA")?,
            run_attempt_key: run_attempt_key(&lookup)?,
        })
    }
}

fn run_attempt_key(lookup: &impl Fn(&str) -> Option<String>) -> Result<String, Error> {
    let id = nonempty(lookup, "GITHUB_RUN_ID").ok_or(Error::MissingEnv {
        name: "GITHUB_RUN_ID",
        hint: "check runs are keyed by the workflow run; run regops inside a GitHub Actions job \
               (which sets GITHUB_RUN_ID)",
    })?;
    let attempt = nonempty(lookup, "GITHUB_RUN_ATTEMPT").unwrap_or_else(|| "1".to_string());
    Ok(format!("{id}-{attempt}"))
}

/// The `external_id` of a gate's check run: the same for every try within
/// one workflow run attempt on one commit, different otherwise.
pub fn external_id(gate_id: &str, head_sha: &str, run_attempt_key: &str) -> String {
    format!("regops/{gate_id}/{head_sha}/{run_attempt_key}")
}

/// Publishes one check run per gate on `head_sha`, creating it or, when one
/// with the same `external_id` exists (the step ran again in the same
/// attempt, `run_attempt_key`), updating it; see the module docs for the
/// rules. Gates are published in order; the first failure stops and is
/// returned.
///
/// Errors: [`Error::ChecksNotPermitted`] when the token may not read or
/// write check runs (a pull request from a fork): say that check runs were
/// not published and gate by the exit status. Anything else (after retries)
/// means publishing failed: fail the step, after the verdicts are written
/// locally.
pub fn publish_check_runs(
    ctx: &GitHubContext,
    head_sha: &str,
    run_attempt_key: &str,
    checks: &[GateCheck],
) -> Result<PublishReport, Error> {
    let head_sha = check_sha(head_sha, "head_sha")?;
    let key = run_attempt_key.trim();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidSetting {
            name: "run_attempt_key",
            reason: format!("`{key}` is empty or has spaces or non-ASCII characters"),
            hint: "pass GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT (CheckTarget::from_env)",
        });
    }
    let plans = checks
        .iter()
        .map(|check| CheckRunPlan::new(ctx, check, &head_sha, key))
        .collect::<Result<Vec<_>, Error>>()?;
    block_on(async {
        let api = Api::new(ctx)?;
        let mut check_runs = Vec::with_capacity(plans.len());
        for plan in &plans {
            check_runs.push(publish(&api, ctx, plan).await.map_err(not_permitted)?);
        }
        Ok(PublishReport { check_runs })
    })?
}

/// A 403 that is not a rate limit, on a check-run request, is the token's
/// lack of `checks: write`.
fn not_permitted(error: Error) -> Error {
    match error {
        Error::Forbidden {
            method,
            endpoint,
            message,
            ..
        } => Error::ChecksNotPermitted {
            method,
            endpoint,
            message,
        },
        other => other,
    }
}

const PERM_CHECKS: &str = "`checks: write` (workflow `permissions:`; a fine-grained token needs \"Checks\" read and write); \
a pull request from a fork gets a read-only token, see docs/action.md";
const CHECK_COMMIT: &str = "the commit (the pull request's head, or GITHUB_SHA)";

/// Everything sent for one gate, computed before the first request.
#[derive(Debug)]
struct CheckRunPlan {
    gate_id: String,
    name: String,
    head_sha: String,
    external_id: String,
    conclusion: Conclusion,
    title: String,
    summary: String,
    text: Option<String>,
    /// Ranked and capped: exactly what is sent, in order.
    annotations: Vec<Value>,
    not_sent: usize,
    summary_truncated: bool,
    text_truncated: bool,
}

impl CheckRunPlan {
    fn new(
        ctx: &GitHubContext,
        check: &GateCheck,
        head_sha: &str,
        key: &str,
    ) -> Result<CheckRunPlan, Error> {
        let gate_id = check.gate_id.trim();
        if gate_id.is_empty() || !gate_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidSetting {
                name: "GateCheck::gate_id",
                reason: format!("`{gate_id}` is empty or has spaces or non-ASCII characters"),
                hint: "use the gate's id, e.g. `G1`",
            });
        }
        if check.name.trim().is_empty() {
            return Err(Error::InvalidSetting {
                name: "GateCheck::name",
                reason: format!("gate {gate_id} has an empty check run name"),
                hint: "name it stably, e.g. `regops / G1 Continuous integration`",
            });
        }

        // Most severe first; equal ones keep the host's order (stable), so a
        // retry resumes the same sequence.
        let mut ranked: Vec<&Annotation> = check
            .annotations
            .iter()
            .filter(|a| !a.path.trim().is_empty())
            .collect();
        let without_path = check.annotations.len() - ranked.len();
        ranked.sort_by_key(|a| a.level);
        let over_cap = ranked.len().saturating_sub(MAX_ANNOTATIONS);
        ranked.truncate(MAX_ANNOTATIONS);
        let annotations = ranked
            .into_iter()
            .map(|a| annotation_json(ctx, a))
            .collect();

        let mut note = String::new();
        if over_cap + without_path > 0 {
            let total = check.annotations.len();
            let _ = write!(
                note,
                "\n\n> [!NOTE]\n> {} of {total} annotations not sent",
                over_cap + without_path
            );
            let mut why = Vec::new();
            if over_cap > 0 {
                why.push(format!(
                    "{over_cap} over regops' limit of {MAX_ANNOTATIONS} per check run \
                     (the most severe were sent)"
                ));
            }
            if without_path > 0 {
                why.push(format!("{without_path} not about a file in the repository"));
            }
            let _ = write!(
                note,
                ": {}. Every finding is in the job summary and the JSON report.",
                why.join("; ")
            );
        }
        let (summary, summary_truncated) = fit(
            &ctx.redact(&check.summary),
            OUTPUT_LIMIT_BYTES - 1 - note.len(),
            "summary",
        );
        let (text, text_truncated) = match &check.text {
            Some(text) => {
                let (text, cut) = fit(&ctx.redact(text), OUTPUT_LIMIT_BYTES - 1, "text");
                (Some(text), cut)
            }
            None => (None, false),
        };
        Ok(CheckRunPlan {
            gate_id: gate_id.to_string(),
            name: check.name.trim().to_string(),
            head_sha: head_sha.to_string(),
            external_id: external_id(gate_id, head_sha, key),
            conclusion: Conclusion::of(check.passed),
            title: title(&ctx.redact(&check.title)),
            summary: summary + &note,
            text,
            annotations,
            not_sent: over_cap + without_path,
            summary_truncated,
            text_truncated,
        })
    }

    /// `output` with the annotations `batch`.
    fn output(&self, batch: &[Value]) -> Value {
        let mut output = Map::new();
        output.insert("title".into(), json!(self.title));
        output.insert("summary".into(), json!(self.summary));
        if let Some(text) = &self.text {
            output.insert("text".into(), json!(text));
        }
        if !batch.is_empty() {
            output.insert("annotations".into(), json!(batch));
        }
        Value::Object(output)
    }

    /// The create request: the first batch, and the conclusion when it is
    /// also the last (else the check run stays `in_progress`, which branch
    /// protection does not count as passed, until the last update).
    fn create(&self, batch: &[Value], last: bool) -> Value {
        let mut body = json!({
            "name": self.name,
            "head_sha": self.head_sha,
            "external_id": self.external_id,
            "output": self.output(batch),
        });
        if last {
            body["status"] = json!("completed");
            body["conclusion"] = json!(self.conclusion.as_str());
        } else {
            body["status"] = json!("in_progress");
        }
        body
    }

    /// An update request: the next batch (appended by GitHub), the
    /// conclusion with the last.
    fn update(&self, batch: &[Value], last: bool) -> Value {
        let mut body = json!({
            "name": self.name,
            "external_id": self.external_id,
            "output": self.output(batch),
        });
        if last {
            body["status"] = json!("completed");
            body["conclusion"] = json!(self.conclusion.as_str());
        }
        body
    }
}

fn annotation_json(ctx: &GitHubContext, annotation: &Annotation) -> Value {
    let path = annotation.path.trim().replace('\\', "/");
    let path = path.trim_start_matches("./");
    let start = annotation.start_line.max(1);
    let end = annotation.end_line.max(start);
    let message = ctx.redact(annotation.message.trim());
    let message = if message.is_empty() {
        annotation
            .title
            .clone()
            .unwrap_or_else(|| "(no message)".into())
    } else {
        message
    };
    let (message, _) = fit(&message, OUTPUT_LIMIT_BYTES - 1, "message");
    let mut value = json!({
        "path": path,
        "start_line": start,
        "end_line": end,
        "annotation_level": annotation.level.as_str(),
        "message": message,
    });
    if let Some(t) = annotation.title.as_deref().filter(|t| !t.trim().is_empty()) {
        value["title"] = json!(title(&ctx.redact(t)));
    }
    value
}

/// `text` on one line, under [`TITLE_LIMIT_CHARS`] characters.
fn title(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let max = TITLE_LIMIT_CHARS - 1;
    if line.chars().count() <= max {
        line
    } else {
        let mut cut: String = line.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// `text` in at most `max` bytes: cut on a character boundary (at a line
/// end when there is one close by), a code fence left open closed, and a
/// marker saying so. Returns whether it was cut.
fn fit(text: &str, max: usize, field: &str) -> (String, bool) {
    if text.len() <= max {
        return (text.to_string(), false);
    }
    let marker = format!(
        "\n\n---\n✂️ **Truncated by regops**: GitHub limits a check run's {field} to \
         {OUTPUT_LIMIT_BYTES} characters. The complete report is in the job summary and the \
         JSON report (the step's `report` output)."
    );
    // Room for the marker and a closing fence.
    let budget = max.saturating_sub(marker.len() + 5);
    let mut end = budget.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Prefer a whole line when one ends in the last 2 KB.
    if let Some(newline) = text[..end].rfind('\n')
        && end - newline < 2048
    {
        end = newline;
    }
    let mut cut = text[..end].to_string();
    let fences = cut
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    if fences % 2 == 1 {
        cut.push_str("\n```");
    }
    cut.push_str(&marker);
    debug_assert!(cut.len() <= max);
    (cut, true)
}

/// A check run in GitHub's answers (the `check-run` schema): the fields
/// regops reads.
#[derive(Debug, Deserialize)]
struct CheckRun {
    id: u64,
    name: String,
    external_id: Option<String>,
    html_url: Option<String>,
    output: CheckRunOutput,
}

#[derive(Debug, Deserialize)]
struct CheckRunOutput {
    annotations_count: usize,
}

/// A page of `GET .../commits/{ref}/check-runs`.
#[derive(Debug, Deserialize)]
struct CheckRunPage {
    check_runs: Vec<CheckRun>,
}

/// Where publishing one check run stands.
struct Published {
    id: u64,
    html_url: Option<String>,
    /// Annotations of the plan GitHub already has.
    sent: usize,
}

async fn publish(
    api: &Api<'_>,
    ctx: &GitHubContext,
    plan: &CheckRunPlan,
) -> Result<PublishedCheckRun, Error> {
    let repo = format!("/repos/{}/{}", ctx.owner(), ctx.repo());
    let list = Endpoint {
        method: "GET",
        path: format!("{repo}/commits/{}/check-runs", plan.head_sha),
        what: format!("commit {} of {}", plan.head_sha, ctx.repository()),
        check: CHECK_COMMIT,
        permission: PERM_CHECKS,
    };
    let create = Endpoint {
        method: "POST",
        path: format!("{repo}/check-runs"),
        what: format!("repository {}", ctx.repository()),
        check: "GITHUB_REPOSITORY",
        permission: PERM_CHECKS,
    };
    let update = |id: u64| Endpoint {
        method: "PATCH",
        path: format!("{repo}/check-runs/{id}"),
        what: format!("check run {id} of {}", ctx.repository()),
        check: CHECK_COMMIT,
        permission: PERM_CHECKS,
    };
    let query = format!("check_name={}&filter=all", percent_encode(&plan.name));
    let total = plan.annotations.len();
    let policy = ctx.retry_policy();

    let mut state: Option<Published> = None;
    let mut looked_up = false;
    let mut updated_existing = false;
    let mut ambiguous = 0;
    loop {
        let step: Result<bool, Error> = async {
            if !looked_up {
                let runs: Vec<CheckRun> = api
                    .get_all_pages(&list, &query, |page: CheckRunPage| page.check_runs)
                    .await?;
                looked_up = true;
                if let Some(run) = runs
                    .into_iter()
                    .filter(|r| {
                        r.name == plan.name && r.external_id.as_deref() == Some(&plan.external_id)
                    })
                    .max_by_key(|r| r.id)
                {
                    // Found by the first lookup: made by an earlier try of
                    // this attempt. Found later: made by a write of ours
                    // whose answer was lost.
                    if ambiguous == 0 {
                        updated_existing = true;
                    }
                    state = Some(Published {
                        id: run.id,
                        html_url: run.html_url,
                        sent: run.output.annotations_count.min(total),
                    });
                }
            }
            match &mut state {
                None => {
                    let end = total.min(ANNOTATIONS_PER_REQUEST);
                    let last = end == total;
                    let body = plan.create(&plan.annotations[..end], last);
                    let run: CheckRun = api.write(&create, &body, Replay::Never).await?;
                    state = Some(Published {
                        id: run.id,
                        html_url: run.html_url,
                        sent: end,
                    });
                    Ok(last)
                }
                Some(published) => {
                    let end = total.min(published.sent + ANNOTATIONS_PER_REQUEST);
                    let last = end == total;
                    let body = plan.update(&plan.annotations[published.sent..end], last);
                    let run: CheckRun = api
                        .write(&update(published.id), &body, Replay::Never)
                        .await?;
                    published.sent = end;
                    if run.html_url.is_some() {
                        published.html_url = run.html_url;
                    }
                    Ok(last)
                }
            }
        }
        .await;
        match step {
            Ok(false) => {}
            Ok(true) => break,
            Err(error) if left_open(&error) && ambiguous + 1 < policy.max_attempts => {
                // The write may have taken effect: look again before the next.
                ambiguous += 1;
                looked_up = false;
                tokio::time::sleep(policy.backoff(ambiguous)).await;
            }
            Err(mut error) => {
                if let Error::Server { attempts, .. } | Error::Network { attempts, .. } = &mut error
                {
                    *attempts += ambiguous;
                }
                return Err(error);
            }
        }
    }
    let published = state.expect("a check run exists once the last request succeeded");
    Ok(PublishedCheckRun {
        gate_id: plan.gate_id.clone(),
        name: plan.name.clone(),
        id: published.id,
        html_url: published.html_url,
        conclusion: plan.conclusion,
        external_id: plan.external_id.clone(),
        updated_existing,
        annotations_sent: published.sent,
        annotations_not_sent: plan.not_sent,
        summary_truncated: plan.summary_truncated,
        text_truncated: plan.text_truncated,
    })
}

/// Whether a failed write may have taken effect (a 5xx, a lost connection
/// or a timeout): the HTTP layer does not repeat those ([`Replay::Never`]).
fn left_open(error: &Error) -> bool {
    matches!(
        error,
        Error::Server { method, .. } | Error::Network { method, .. } if *method != "GET"
    )
}

/// `text` as a query parameter value (RFC 3986 unreserved characters kept).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_on_a_character_boundary_with_a_marker() {
        let text = "é".repeat(40_000); // 80 000 bytes
        let (cut, truncated) = fit(&text, OUTPUT_LIMIT_BYTES - 1, "summary");
        assert!(truncated);
        assert!(cut.len() < OUTPUT_LIMIT_BYTES, "{}", cut.len());
        assert!(cut.contains("Truncated by regops"));
        assert!(cut.starts_with("éé"));
        let (same, truncated) = fit("short", 100, "summary");
        assert_eq!((same.as_str(), truncated), ("short", false));
    }

    #[test]
    fn fit_closes_a_code_fence_it_cut_open() {
        let text = format!("intro\n```text\n{}\n```\n", "line\n".repeat(20_000));
        let (cut, _) = fit(&text, 10_000, "text");
        let fences = cut.lines().filter(|l| l.starts_with("```")).count();
        assert_eq!(fences % 2, 0, "{}", &cut[cut.len() - 300..]);
        assert!(cut.len() <= 10_000);
    }

    #[test]
    fn titles_are_one_line_under_255_characters() {
        let long = "ü".repeat(600);
        let t = title(&long);
        assert_eq!(t.chars().count(), TITLE_LIMIT_CHARS - 1);
        assert!(t.ends_with('…'));
        assert_eq!(title("fail:\n two  checks"), "fail: two checks");
    }

    #[test]
    fn only_a_pass_is_success() {
        assert_eq!(Conclusion::of(true).as_str(), "success");
        assert_eq!(Conclusion::of(false).as_str(), "failure");
    }

    #[test]
    fn check_names_are_encoded_for_the_query() {
        assert_eq!(
            percent_encode("regops / G1 Continuous integration"),
            "regops%20%2F%20G1%20Continuous%20integration"
        );
    }

    #[test]
    fn external_ids_are_stable_per_gate_commit_and_attempt() {
        let sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
        assert_eq!(
            external_id("G1", sha, "42-1"),
            format!("regops/G1/{sha}/42-1")
        );
        assert_ne!(
            external_id("G1", sha, "42-1"),
            external_id("G1", sha, "42-2")
        );
        assert_ne!(
            external_id("G1", sha, "42-1"),
            external_id("G2", sha, "42-1")
        );
    }
}
