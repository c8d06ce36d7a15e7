//! The release side of the evidence: what identifies the build being
//! released (`[release]`, git and the CI environment), the budgets
//! `[capacity]` sets on capacity measurements, and the git commits that
//! signed approvals tables.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;
use regops_evidence::{self as ev, Artifact, Location, Measurement, ReleaseInfo};

use crate::config::Config;
use crate::digest::sha256_hex;

/// Lockfiles looked for in the config's directory when `[release]
/// lockfiles` is not set.
const LOCKFILES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "go.sum",
    "Gemfile.lock",
    "composer.lock",
    "gradle.lockfile",
    "packages.lock.json",
];

/// Runs git in `dir`; `None` when git is missing, `dir` is no repository or
/// the command fails (the caller decides whether that matters).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The commit being judged: `[release] commit` (set from `--commit`), the
/// CI's `GITHUB_SHA`, else git's `HEAD`; `None` outside a repository.
pub fn commit(config: &Config) -> Option<String> {
    if let Some(commit) = &config.release.commit {
        return Some(commit.clone());
    }
    if let Some(sha) = std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()) {
        return Some(sha);
    }
    match head_from_files(&config.dir) {
        Head::Commit(sha) => Some(sha),
        Head::NoRepository => None,
        Head::AskGit => git(&config.dir, &["rev-parse", "HEAD"]),
    }
}

/// What `.git` says about `HEAD` when read directly. Every run asks, and a
/// git process costs a few milliseconds, more than the small benchmark's
/// whole evaluation.
#[derive(Debug, PartialEq)]
enum Head {
    Commit(String),
    /// No `.git` in the directory or above it, and no `GIT_DIR`.
    NoRepository,
    /// Something only git reads reliably: a worktree's `.git` file,
    /// `GIT_DIR`, an unborn or symbolic ref.
    AskGit,
}

fn head_from_files(dir: &Path) -> Head {
    if std::env::var_os("GIT_DIR").is_some() {
        return Head::AskGit;
    }
    let Ok(dir) = dir.canonicalize() else {
        return Head::AskGit;
    };
    let Some(dot_git) = dir.ancestors().map(|d| d.join(".git")).find(|g| g.exists()) else {
        return Head::NoRepository;
    };
    if !dot_git.is_dir() {
        return Head::AskGit;
    }
    let is_sha = |s: &str| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let Ok(head) = std::fs::read_to_string(dot_git.join("HEAD")) else {
        return Head::AskGit;
    };
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return if is_sha(head) {
            Head::Commit(head.to_string())
        } else {
            Head::AskGit
        };
    };
    // A loose ref wins over a packed one (git writes loose refs on update).
    let loose = std::fs::read_to_string(dot_git.join(reference)).ok();
    let packed = || {
        let packed = std::fs::read_to_string(dot_git.join("packed-refs")).ok()?;
        packed.lines().find_map(|line| {
            let (sha, name) = line.split_once(' ')?;
            (name == reference).then(|| sha.to_string())
        })
    };
    match loose.map(|s| s.trim().to_string()).or_else(packed) {
        Some(sha) if is_sha(&sha) => Head::Commit(sha),
        _ => Head::AskGit,
    }
}

/// The tag being released: `[release] tag`, the tag a GitHub workflow runs
/// for, else a tag pointing exactly at the commit.
fn tag(config: &Config, commit: Option<&str>) -> Option<String> {
    if let Some(tag) = &config.release.tag {
        return Some(tag.clone());
    }
    if std::env::var("GITHUB_REF_TYPE").is_ok_and(|t| t == "tag")
        && let Ok(name) = std::env::var("GITHUB_REF_NAME")
    {
        return Some(name);
    }
    let commit = commit?;
    git(
        &config.dir,
        &["describe", "--tags", "--exact-match", commit],
    )
    .filter(|t| !t.is_empty())
}

/// Identifies the release. Artefacts and lockfiles are read and hashed; a
/// configured artefact pattern that matches nothing is an error (a release
/// whose artefact is missing must not look like one with none).
pub fn info(config: &Config) -> anyhow::Result<ReleaseInfo> {
    let r = &config.release;
    let commit = commit(config);
    let tag = tag(config, commit.as_deref());
    let version = r.version.clone().or_else(|| {
        tag.as_deref()
            .map(|t| t.trim_start_matches('v').to_string())
    });
    // The commit's own time: the same on every re-run of the same build.
    let timestamp = commit
        .as_deref()
        .and_then(|c| git(&config.dir, &["show", "-s", "--format=%cI", c]));
    let mut artifacts = Vec::new();
    for pattern in &r.artifacts {
        let files = crate::collect::resolve_pattern(&config.dir, pattern)
            .map_err(|e| anyhow::anyhow!("[release] artifacts: {e}"))?;
        if files.is_empty() {
            anyhow::bail!(
                "[release] artifacts: `{pattern}` matches no file under {}; build the artefact \
                 before judging the release, or fix the pattern",
                config.dir.display()
            );
        }
        for file in files {
            artifacts.push(hashed(&config.dir, &file)?);
        }
    }
    let mut lockfiles = Vec::new();
    match &r.lockfiles {
        Some(names) => {
            for name in names {
                let path = config.dir.join(name);
                lockfiles.push(hashed(&config.dir, &path).with_context(|| {
                    format!("[release] lockfiles names `{name}`, which cannot be read")
                })?);
            }
        }
        None => {
            for name in LOCKFILES {
                let path = config.dir.join(name);
                if path.is_file() {
                    lockfiles.push(hashed(&config.dir, &path)?);
                }
            }
        }
    }
    Ok(ReleaseInfo {
        product: config.product.clone(),
        version,
        tag,
        commit,
        timestamp,
        udi_di: r.udi_di.clone(),
        artifacts,
        lockfiles,
        cited_documents: r.documents.clone(),
    })
}

fn hashed(dir: &Path, path: &Path) -> anyhow::Result<Artifact> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(Artifact {
        name: crate::collect::relative_display(dir, path),
        sha256: sha256_hex(&bytes),
    })
}

/// The repository's open issues labelled `label` (the GitHub API) as
/// anomalies, listed in the report like a file with the digest of what the
/// API answered.
pub fn anomalies_from_github(label: &str, evidence: &mut ev::Evidence) -> anyhow::Result<()> {
    let ctx = regops_github::GitHubContext::repository_from_env().with_context(|| {
        format!("[anomalies] github-label = \"{label}\" reads the issues with the GitHub API")
    })?;
    let issues = regops_github::fetch_labelled_issues(&ctx, label)?;
    let bytes = serde_json::to_vec(&issues).context("serialising the issue list")?;
    let source = format!("github:{}/issues?labels={label}", ctx.repository());
    let options = ev::Options::default();
    let mut parse = ev::formats::ParseContext {
        evidence_path: &source,
        options: &options,
        warnings: Vec::new(),
    };
    ev::formats::anomalies::parse_github(
        &mut bytes.as_slice(),
        &mut parse,
        &mut evidence.anomalies,
    )
    .map_err(|e| anyhow::anyhow!("{source}: {}", e.message))?;
    let warnings = parse.warnings;
    evidence.files.push(ev::EvidenceFile {
        path: source,
        kind: ev::EvidenceKind::Anomalies,
        format: ev::Format::GithubIssues,
        sha256: sha256_hex(&bytes),
        warnings,
    });
    Ok(())
}

/// Attaches `[capacity]` budgets to the measurements they name; a budget
/// no result matches becomes a measurement without a value, so the gate
/// sees the capacity test that did not run.
pub fn apply_budgets(config: &Config, measurements: &mut Vec<Measurement>) {
    for budget in &config.capacity {
        let mut found = false;
        for m in measurements.iter_mut() {
            let named = m.name == budget.name || m.name.ends_with(&format!("::{}", budget.name));
            if named && m.statistic == budget.statistic {
                m.budget_max = budget.max;
                m.budget_min = budget.min;
                found = true;
            }
        }
        if !found {
            measurements.push(Measurement {
                name: budget.name.clone(),
                statistic: budget.statistic.clone(),
                value: None,
                unit: if budget.min.is_some() && budget.max.is_none() {
                    "ops/s".to_string()
                } else {
                    "s".to_string()
                },
                budget_max: budget.max,
                budget_min: budget.min,
                source: Location {
                    file: budget.file.clone(),
                    line: budget.line.map(|l| l as u32),
                    column: None,
                },
            });
        }
    }
}

/// Who signed each approvals-table row: `git blame` finds the commit that
/// added the row; the approval is signature-verified when git verifies that
/// commit's signature (`%G?` is `G`) and its author is the person the row
/// names (email or name). Outside git, or for a row not committed yet,
/// nothing is verified. The row's name stays the approver: `[roles]`
/// decides what they may approve.
pub fn sign_offs(config: &Config, evidence: &mut ev::Evidence) {
    let signed_files: Vec<String> = evidence
        .files
        .iter()
        .filter(|f| {
            matches!(
                f.format,
                ev::Format::ApprovalsMarkdown | ev::Format::MarkdownDocument
            )
        })
        .map(|f| f.path.clone())
        .collect();
    if signed_files.is_empty() {
        return;
    }
    let rows = evidence.approvals.iter_mut().chain(
        evidence
            .documents
            .iter_mut()
            .flat_map(|d| d.signoffs.iter_mut()),
    );
    for approval in rows {
        let Some((file, line)) = table_row(&approval.source, &signed_files) else {
            continue;
        };
        let Some(signer) = blame(&config.dir, &file, line) else {
            continue;
        };
        let by_them = signer.email.eq_ignore_ascii_case(approval.who.trim())
            || signer.name.eq_ignore_ascii_case(approval.who.trim());
        approval.signature_verified = signer.status == "G" && by_them;
        let how = match (signer.status.as_str(), by_them) {
            ("G", true) => "signed",
            ("G", false) => "signed by someone else",
            _ => "unsigned",
        };
        approval.source = format!(
            "{} (added in {} by {}, {how})",
            approval.source,
            &signer.sha[..signer.sha.len().min(12)],
            signer.email
        );
    }
}

struct Signer {
    sha: String,
    name: String,
    email: String,
    /// git's `%G?`: `G` good, `N` none, `E` cannot check, …
    status: String,
}

/// `path:line (as Role)` of a row in one of `files`.
fn table_row(source: &str, files: &[String]) -> Option<(String, usize)> {
    let location = source.split(" (").next()?;
    let (file, line) = location.rsplit_once(':')?;
    files
        .iter()
        .any(|f| f == file)
        .then(|| Some((file.to_string(), line.parse().ok()?)))?
}

/// The commit that last changed `line` of `file`, its author and git's
/// signature status.
fn blame(dir: &Path, file: &str, line: usize) -> Option<Signer> {
    let range = format!("{line},{line}");
    let porcelain = git(dir, &["blame", "--porcelain", "-L", &range, "--", file])?;
    let sha = porcelain.split_whitespace().next()?.to_string();
    if sha.bytes().all(|b| b == b'0') {
        return None; // not committed yet
    }
    let field = |key: &str| {
        porcelain
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().trim_matches(['<', '>']).to_string())
    };
    let status = git(dir, &["log", "-1", "--format=%G?", &sha]).unwrap_or_default();
    Some(Signer {
        name: field("author ")?,
        email: field("author-mail ")?,
        sha,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "8d3f5a2c9e1b7d4f6a0c3e5b8d2f4a6c1e9b7d3f";

    fn repo(head: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git/refs/heads")).unwrap();
        std::fs::write(dir.path().join(".git/HEAD"), head).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        dir
    }

    #[test]
    fn head_is_read_from_a_loose_ref_from_a_subdirectory() {
        let dir = repo("ref: refs/heads/main\n");
        std::fs::write(dir.path().join(".git/refs/heads/main"), format!("{SHA}\n")).unwrap();
        assert_eq!(
            head_from_files(&dir.path().join("sub")),
            Head::Commit(SHA.into())
        );
    }

    #[test]
    fn head_is_read_from_packed_refs_and_a_detached_head() {
        let dir = repo("ref: refs/heads/main\n");
        let other = "1111111111111111111111111111111111111111";
        std::fs::write(
            dir.path().join(".git/packed-refs"),
            format!("# pack-refs with: peeled fully-peeled sorted\n{other} refs/heads/dev\n{SHA} refs/heads/main\n"),
        )
        .unwrap();
        assert_eq!(head_from_files(dir.path()), Head::Commit(SHA.into()));
        std::fs::write(dir.path().join(".git/HEAD"), format!("{other}\n")).unwrap();
        assert_eq!(head_from_files(dir.path()), Head::Commit(other.into()));
    }

    #[test]
    fn an_unborn_branch_or_a_worktree_is_left_to_git() {
        let dir = repo("ref: refs/heads/main\n");
        assert_eq!(head_from_files(dir.path()), Head::AskGit);
        let worktree = tempfile::tempdir().unwrap();
        std::fs::write(worktree.path().join(".git"), "gitdir: /elsewhere\n").unwrap();
        assert_eq!(head_from_files(worktree.path()), Head::AskGit);
    }

    #[test]
    fn outside_a_repository_git_is_not_asked() {
        let dir = tempfile::tempdir().unwrap();
        if dir.path().ancestors().any(|d| d.join(".git").exists()) {
            return; // the temporary directory lives inside a repository here
        }
        assert_eq!(head_from_files(dir.path()), Head::NoRepository);
    }
}
