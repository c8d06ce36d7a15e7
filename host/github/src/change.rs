//! A pull request as change-review evidence: who wrote it, what it touches,
//! which issues it resolves, and who approved it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use regops_evidence::{Approval, Decision};
use serde::{Deserialize, Deserializer, Serialize};

use crate::api::{Api, CHECK_PULL, Endpoint, PERM_PULLS, PERM_PULLS_CONTENTS, block_on};
use crate::context::GitHubContext;
use crate::error::Error;
use crate::roles::{RoleMap, identity_of_email};
use crate::trailers;

/// One pull request, as evidence for change review and approval (gate G2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The pull request number.
    pub number: u64,
    /// Its title.
    pub title: String,
    /// Its web page (`html_url`).
    pub url: String,
    /// The login of the person who opened it.
    pub author: String,
    /// Everyone else who authored part of it, sorted, without the author:
    /// the GitHub login of each commit's author (or, when GitHub could not
    /// match the commit's email to an account, that email), and each
    /// `Co-authored-by: Name <email>` trailer of its commits as the login of
    /// a GitHub noreply address or else the lowercased email.
    pub co_authors: Vec<String>,
    /// The head commit the evidence describes (the one the run checked).
    pub head_sha: String,
    /// The branch it merges into.
    pub base_ref: String,
    /// Every path it adds, modifies, removes or renames (for a rename, the
    /// old path as well as the new), sorted.
    pub changed_files: Vec<String>,
    /// Issues it resolves, as `owner/repo#N`, sorted; see [`linked_issues`]
    /// for the rule.
    pub linked_issues: Vec<String>,
    /// One entry per reviewer: their effective review (see
    /// [`fetch_change`]), sorted by login.
    pub approvals: Vec<Approval>,
}

/// `Option<T>` that must be present (it may be `null`): GitHub documents
/// these fields as required and nullable.
fn required<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

#[derive(Deserialize)]
struct User {
    login: String,
}

#[derive(Deserialize)]
struct Branch {
    #[serde(rename = "ref")]
    name: String,
    sha: String,
}

#[derive(Deserialize)]
struct Pull {
    number: u64,
    title: String,
    html_url: String,
    #[serde(deserialize_with = "required")]
    body: Option<String>,
    user: User,
    head: Branch,
    base: Branch,
    commits: u64,
    changed_files: u64,
}

#[derive(Deserialize)]
struct Review {
    id: u64,
    #[serde(deserialize_with = "required")]
    user: Option<User>,
    state: String,
    html_url: String,
    #[serde(deserialize_with = "required")]
    commit_id: Option<String>,
    #[serde(default)]
    submitted_at: Option<String>,
}

/// The `author` of a commit item: a user, `{}` or `null`.
#[derive(Deserialize)]
struct MaybeUser {
    #[serde(default)]
    login: Option<String>,
}

#[derive(Deserialize)]
struct GitPerson {
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct GitCommit {
    message: String,
    #[serde(deserialize_with = "required")]
    author: Option<GitPerson>,
}

#[derive(Deserialize)]
struct CommitItem {
    sha: String,
    commit: GitCommit,
    #[serde(deserialize_with = "required")]
    author: Option<MaybeUser>,
}

#[derive(Deserialize)]
struct DiffEntry {
    filename: String,
    #[serde(default)]
    previous_filename: Option<String>,
}

/// Collects the change evidence of the context's pull request:
///
/// - `GET /repos/{owner}/{repo}/pulls/{pull_number}`: number, title, URL,
///   author, head, base, body (for [`linked_issues`]);
/// - `GET .../pulls/{pull_number}/reviews` (all pages): the approvals;
/// - `GET .../pulls/{pull_number}/commits` (all pages): co-authors;
/// - `GET .../pulls/{pull_number}/files` (all pages): changed files.
///
/// Reviews become approvals as follows. GitHub keeps every review; a
/// reviewer's effective state is their latest review that is not
/// `COMMENTED` (a comment after an approval does not undo it; a later
/// `CHANGES_REQUESTED` does; a dismissed approval reads `DISMISSED`), or
/// `COMMENTED` when they only commented. `PENDING` (unsubmitted) reviews are
/// ignored. One [`Approval`] per reviewer: `who` = login (`ghost` for a
/// deleted account), `decision` from the state (`APPROVED` → approved,
/// `CHANGES_REQUESTED` → changes requested, `COMMENTED` → commented,
/// `DISMISSED` → dismissed), `commit` = the reviewed commit (`commit_id`),
/// `timestamp` = `submitted_at`, `source` = `github-review:<html_url>`,
/// `roles` from `roles`, `signature_verified` = false (reviews are not
/// signed).
///
/// Fails closed: any answer not shaped as GitHub documents, an unknown
/// review state, or lists that disagree with the pull request's own counts
/// (GitHub lists at most 250 commits and 3000 files) are errors, never a
/// shorter list. When the context knows the head commit the run checked and
/// the pull request has moved on since, that is an error too: the reviews
/// would describe another commit.
///
/// `roles` must have its teams expanded ([`RoleMap::resolve`]). Blocks on
/// its own runtime: do not call it from async code.
pub fn fetch_change(ctx: &GitHubContext, roles: &RoleMap) -> Result<Change, Error> {
    roles.ensure_resolved()?;
    let pull_ref = ctx.pull().ok_or(Error::InvalidSetting {
        name: "pull request",
        reason: "the GitHub context names no pull request".to_string(),
        hint: "run on a pull_request event (GitHubContext::from_env) or give the number \
               (GitHubContext::new)",
    })?;
    let number = pull_ref.number;
    let repository = ctx.repository();
    let base = format!("/repos/{}/{}/pulls/{number}", ctx.owner(), ctx.repo());
    let endpoint = |suffix: &str, what: &str, permission| Endpoint {
        method: "GET",
        path: format!("{base}{suffix}"),
        what: format!("{what} of pull request #{number} of {repository}"),
        check: CHECK_PULL,
        permission,
    };
    let pull_endpoint = Endpoint {
        method: "GET",
        path: base.clone(),
        what: format!("pull request #{number} of {repository}"),
        check: CHECK_PULL,
        permission: PERM_PULLS,
    };
    let reviews_endpoint = endpoint("/reviews", "the reviews", PERM_PULLS);
    let commits_endpoint = endpoint("/commits", "the commits", PERM_PULLS_CONTENTS);
    let files_endpoint = endpoint("/files", "the files", PERM_PULLS_CONTENTS);

    let (pull, reviews, commits, files) = block_on(async {
        let api = Api::new(ctx)?;
        let pull: Pull = api.get(&pull_endpoint).await?;
        let reviews: Vec<Review> = api.get_all(&reviews_endpoint).await?;
        let commits: Vec<CommitItem> = api.get_all(&commits_endpoint).await?;
        let files: Vec<DiffEntry> = api.get_all(&files_endpoint).await?;
        Ok::<_, Error>((pull, reviews, commits, files))
    })??;

    let inconsistent = |endpoint: &Endpoint, detail: String| Error::Inconsistent {
        endpoint: endpoint.path.clone(),
        detail,
    };
    if pull.number != number {
        return Err(inconsistent(
            &pull_endpoint,
            format!(
                "GitHub answered with pull request #{} instead of #{number}; check GITHUB_API_URL",
                pull.number
            ),
        ));
    }
    let head_sha = pull.head.sha.to_ascii_lowercase();
    if let Some(checked) = &pull_ref.head_sha
        && *checked != head_sha
    {
        return Err(inconsistent(
            &pull_endpoint,
            format!(
                "the pull request's head is now {head_sha}, but this run checked {checked}: \
                 its reviews, commits and files no longer describe the checked commit. \
                 The run for the new head evaluates it; re-run this job to refresh"
            ),
        ));
    }
    if commits.len() as u64 != pull.commits {
        return Err(inconsistent(
            &commits_endpoint,
            format!(
                "the pull request has {} commits but GitHub listed {} (the list stops at 250, \
                 or the pull request changed while regops read it): its authors cannot be \
                 established completely; re-run the job, or split the pull request",
                pull.commits,
                commits.len()
            ),
        ));
    }
    if let Some(last) = commits.last()
        && !last.sha.eq_ignore_ascii_case(&head_sha)
    {
        return Err(inconsistent(
            &commits_endpoint,
            format!(
                "the last listed commit is {} but the head is {head_sha}: the pull request \
                 changed while regops read it; re-run the job",
                last.sha
            ),
        ));
    }
    if files.len() as u64 != pull.changed_files {
        return Err(inconsistent(
            &files_endpoint,
            format!(
                "the pull request changes {} files but GitHub listed {} (the list stops at 3000, \
                 or the pull request changed while regops read it); re-run the job, or split \
                 the pull request",
                pull.changed_files,
                files.len()
            ),
        ));
    }

    let author = pull.user.login;
    let approvals = fold_reviews(reviews, roles, &reviews_endpoint)?;
    let co_authors = co_authors(&commits, &author, &commits_endpoint)?;
    let changed_files: BTreeSet<String> = files
        .into_iter()
        .flat_map(|f| std::iter::once(f.filename).chain(f.previous_filename))
        .collect();
    let web_host = http_host(&pull.html_url);
    let linked_issues = linked_issues(
        pull.body.as_deref().unwrap_or_default(),
        &repository,
        web_host.as_deref(),
    );
    Ok(Change {
        number,
        title: pull.title,
        url: pull.html_url,
        author,
        co_authors,
        head_sha,
        base_ref: pull.base.name,
        changed_files: changed_files.into_iter().collect(),
        linked_issues,
        approvals,
    })
}

/// One approval per reviewer: their effective review.
fn fold_reviews(
    mut reviews: Vec<Review>,
    roles: &RoleMap,
    endpoint: &Endpoint,
) -> Result<Vec<Approval>, Error> {
    // GitHub lists reviews oldest first; sort by submission time to be sure
    // (stable, so equal times keep GitHub's order, then by id).
    reviews.sort_by(|a, b| {
        a.submitted_at
            .cmp(&b.submitted_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut effective: BTreeMap<String, (String, Decision, Review)> = BTreeMap::new();
    for review in reviews {
        let decision = match review.state.as_str() {
            "APPROVED" => Decision::Approved,
            "CHANGES_REQUESTED" => Decision::ChangesRequested,
            "COMMENTED" => Decision::Commented,
            "DISMISSED" => Decision::Dismissed,
            "PENDING" => continue,
            other => {
                return Err(Error::UnexpectedResponse {
                    method: endpoint.method,
                    endpoint: endpoint.path.clone(),
                    detail: format!(
                        "review {} has the state `{other}`, which regops does not know",
                        review.id
                    ),
                });
            }
        };
        if review.submitted_at.is_none() {
            return Err(Error::UnexpectedResponse {
                method: endpoint.method,
                endpoint: endpoint.path.clone(),
                detail: format!("submitted review {} has no `submitted_at`", review.id),
            });
        }
        let login = review
            .user
            .as_ref()
            .map(|u| u.login.clone())
            .unwrap_or_else(|| "ghost".to_string());
        let key = login.to_ascii_lowercase();
        // A comment never replaces a decision; it replaces an earlier comment.
        let keep_earlier = decision == Decision::Commented
            && effective
                .get(&key)
                .is_some_and(|(_, earlier, _)| *earlier != Decision::Commented);
        if !keep_earlier {
            effective.insert(key, (login, decision, review));
        }
    }
    Ok(effective
        .into_values()
        .map(|(login, decision, review)| Approval {
            roles: if review.user.is_some() {
                roles.roles_of(&login)
            } else {
                Vec::new()
            },
            who: login,
            decision,
            commit: review.commit_id.map(|c| c.to_ascii_lowercase()),
            timestamp: review.submitted_at,
            source: format!("github-review:{}", review.html_url),
            signature_verified: false,
        })
        .collect())
}

/// Commit authors and `Co-authored-by:` people other than the PR author.
fn co_authors(
    commits: &[CommitItem],
    author: &str,
    endpoint: &Endpoint,
) -> Result<Vec<String>, Error> {
    let mut people = BTreeSet::new();
    for item in commits {
        let login = item.author.as_ref().and_then(|a| a.login.clone());
        let email = item.commit.author.as_ref().and_then(|a| a.email.clone());
        match (login, email) {
            (Some(login), _) => people.insert(login.to_ascii_lowercase()),
            (None, Some(email)) if !email.trim().is_empty() => {
                people.insert(identity_of_email(&email))
            }
            _ => {
                return Err(Error::UnexpectedResponse {
                    method: endpoint.method,
                    endpoint: endpoint.path.clone(),
                    detail: format!("commit {} has no author login or email", item.sha),
                });
            }
        };
        let trailers = trailers::trailers(&item.commit.message);
        for value in trailers::values(&trailers, "Co-authored-by") {
            let (_, email, _) = trailers::person(value).ok_or_else(|| Error::Inconsistent {
                endpoint: endpoint.path.clone(),
                detail: format!(
                    "commit {}: trailer `Co-authored-by: {value}` has no `<email>`, so the \
                     co-author cannot be identified; reword the commit as \
                     `Co-authored-by: Full Name <email>`",
                    item.sha
                ),
            })?;
            people.insert(identity_of_email(&email));
        }
    }
    people.remove(&author.to_ascii_lowercase());
    Ok(people.into_iter().collect())
}

/// The host of an http(s) URL.
fn http_host(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    uri.host().map(str::to_ascii_lowercase)
}

/// The issues a pull request body says it resolves.
///
/// The REST API has no "linked issues" endpoint (issues linked by hand in
/// the Development sidebar are visible only through GraphQL), so regops
/// applies GitHub's closing-keyword rule to the body: one of `close`,
/// `closes`, `closed`, `fix`, `fixes`, `fixed`, `resolve`, `resolves`,
/// `resolved` (any case, a whole word, optionally followed by a colon), then
/// whitespace, then one reference:
///
/// - `#N`: issue N of this repository;
/// - `owner/repo#N`: issue N of another repository;
/// - `https://HOST/owner/repo/issues/N`, where HOST is the pull request's
///   own web host (`web_host`; any host when `None`).
///
/// Each issue needs its own keyword (`Fixes #1, fixes #2`). Text inside
/// fenced code blocks, inline code and HTML comments (pull request
/// templates) is ignored. Results are `owner/repo#N` (bare `#N` gets
/// `repository`), deduplicated case-insensitively, sorted.
pub fn linked_issues(body: &str, repository: &str, web_host: Option<&str>) -> Vec<String> {
    static KEYWORD: OnceLock<Regex> = OnceLock::new();
    let re = KEYWORD.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?[ \t]+(?:#(\d+)\b|([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)#(\d+)\b|https?://([^/\s]+)/([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)/issues/(\d+)\b)",
        )
        .expect("valid regex")
    });
    let text = strip_code_and_comments(body);
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for c in re.captures_iter(&text) {
        let issue = if let Some(n) = c.get(1) {
            format!("{repository}#{}", n.as_str())
        } else if let (Some(repo), Some(n)) = (c.get(2), c.get(3)) {
            format!("{}#{}", repo.as_str(), n.as_str())
        } else if let (Some(host), Some(repo), Some(n)) = (c.get(4), c.get(5), c.get(6)) {
            if web_host.is_some_and(|h| !h.eq_ignore_ascii_case(host.as_str())) {
                continue;
            }
            format!("{}#{}", repo.as_str(), n.as_str())
        } else {
            continue;
        };
        found.entry(issue.to_ascii_lowercase()).or_insert(issue);
    }
    found.into_values().collect()
}

/// `text` without fenced code blocks, inline code spans and HTML comments.
fn strip_code_and_comments(text: &str) -> String {
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    static INLINE: OnceLock<Regex> = OnceLock::new();
    let comment = COMMENT.get_or_init(|| Regex::new(r"(?s)<!--.*?(?:-->|$)").expect("valid regex"));
    let inline = INLINE.get_or_init(|| Regex::new(r"`[^`\n]*`").expect("valid regex"));
    let text = comment.replace_all(text, " ");
    let mut kept = String::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m => fence = None,
            (None, None) => {
                kept.push_str(&inline.replace_all(line, " "));
                kept.push('\n');
            }
            _ => {}
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_keywords() {
        let body = "Fixes #12, resolves: acme/other#3\n\
                    Closed https://github.com/acme/app/issues/7 and CLOSES #12\n\
                    prefixes #99 is not a keyword; fix #5abc is not a reference\n\
                    see #8 (no keyword); Fixes https://evil.example/acme/app/issues/9\n\
                    <!-- Fixes #100 -->\n```\nfixes #101\n```\n`fixes #102` resolved #13";
        assert_eq!(
            linked_issues(body, "acme/app", Some("github.com")),
            vec!["acme/app#12", "acme/app#13", "acme/app#7", "acme/other#3"]
        );
    }

    #[test]
    fn no_keywords_no_issues() {
        assert!(linked_issues("Please pull these awesome changes in!", "o/r", None).is_empty());
    }
}
