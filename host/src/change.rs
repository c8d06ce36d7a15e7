//! The change under review, for gate G2: the pull request and its reviews
//! from the GitHub API (or a `regops.change/v1` file), `Approved-by:`
//! commit trailers, every approver's roles from `[roles]`, and the SOUP the
//! change adds or updates compared with the base branch.

use std::collections::BTreeMap;

use anyhow::Context as _;
use regops_evidence::{self as ev, ChangeRequest, EvidenceFile, EvidenceKind, Format, SoupChange};
use regops_github::GitHubContext;

use crate::config::{ChangeOptions, Config, GitHubMode};

/// Adds the change-review evidence `[change]` and `[roles]` ask for to
/// `evidence` (which holds the files `[evidence]` names, a change file
/// among them perhaps).
pub fn gather(config: &Config, evidence: &mut ev::Evidence) -> anyhow::Result<()> {
    let mut roles = config.roles.clone();
    let from_github = match config.change.github {
        GitHubMode::Always => true,
        GitHubMode::Never => false,
        // A pull_request or pull_request_target event carries the PR.
        GitHubMode::Auto => {
            std::env::var("GITHUB_EVENT_NAME").is_ok_and(|name| name.starts_with("pull_request"))
        }
    };
    if !roles.unresolved_teams().is_empty() {
        let ctx = GitHubContext::repository_from_env().with_context(|| {
            format!(
                "[roles] names teams ({}); regops expands them with the GitHub API",
                roles.unresolved_teams().join(", ")
            )
        })?;
        roles.resolve(&ctx)?;
    }

    if from_github {
        if let Some(file) = &evidence.change {
            anyhow::bail!(
                "the change under review comes both from {} and from the GitHub API; \
                 remove `change` from [evidence] or set `github = false` under [change]",
                file.source
            );
        }
        let ctx = GitHubContext::from_env()?;
        let change = regops_github::fetch_change(&ctx, &roles)?;
        let source = format!("github:{}#{}", ctx.repository(), change.number);
        // What the API said, as the record the evidence bundle carries; its
        // digest stands in for a file's in the report.
        let record = serde_json::to_vec(&change).context("serialising the pull request")?;
        evidence.files.push(EvidenceFile {
            path: source.clone(),
            kind: EvidenceKind::Change,
            format: Format::ChangeJson,
            sha256: crate::digest::sha256_hex(&record),
            warnings: Vec::new(),
        });
        evidence.approvals.extend(change.approvals);
        evidence.change = Some(ChangeRequest {
            id: format!("{}#{}", ctx.repository(), change.number),
            title: change.title,
            url: Some(change.url),
            author: change.author,
            co_authors: change.co_authors,
            head_commit: change.head_sha,
            base_ref: Some(change.base_ref),
            changed_files: change.changed_files,
            linked_issues: change.linked_issues,
            soup_changes: None,
            source,
        });
    }

    if let Some(range) = &config.change.git_approvals {
        let approvals = regops_github::approvals_from_git(&config.dir, range.get_ref(), &roles)?;
        evidence.approvals.extend(approvals);
    }

    assign_roles(&roles, evidence.approvals.iter_mut());

    if evidence.change.is_some() {
        let soup_changes = soup_changes(config, &config.change, evidence)?;
        if let Some(change) = &mut evidence.change {
            change.soup_changes = soup_changes;
        }
    }
    Ok(())
}

/// Approvals read from files carry no roles: `[roles]` decides them.
pub fn assign_roles<'a>(
    roles: &regops_github::RoleMap,
    approvals: impl Iterator<Item = &'a mut ev::Approval>,
) {
    for approval in approvals {
        if approval.roles.is_empty() {
            approval.roles = if approval.who.contains('@') {
                roles.roles_of_email(&approval.who)
            } else {
                roles.roles_of(&approval.who)
            };
        }
    }
}

/// SOUP added, updated or removed: the current SBOM and SOUP register
/// against the base branch's (`[change] base-sbom`, `base-soup`). `None`
/// when no base is configured.
fn soup_changes(
    config: &Config,
    options: &ChangeOptions,
    evidence: &ev::Evidence,
) -> anyhow::Result<Option<Vec<SoupChange>>> {
    let groups: Vec<_> = [&options.base_sbom, &options.base_soup]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    let collected = crate::collect::inputs_of(config, &groups)?;
    let base = ev::load(&collected.inputs, &config.evidence_options())?;
    let mut changes = Vec::new();
    if options.base_sbom.is_some() {
        changes.extend(diff(
            versions(base.components.iter().map(component_version)),
            versions(evidence.components.iter().map(component_version)),
        ));
    }
    if options.base_soup.is_some() {
        changes.extend(diff(
            versions(
                base.soup
                    .iter()
                    .map(|s| (s.package.as_str(), s.version.as_str())),
            ),
            versions(
                evidence
                    .soup
                    .iter()
                    .map(|s| (s.package.as_str(), s.version.as_str())),
            ),
        ));
    }
    changes.sort();
    changes.dedup();
    Ok(Some(changes))
}

fn component_version(c: &ev::Component) -> (&str, &str) {
    (&c.name, c.version.as_deref().unwrap_or(""))
}

/// Name → versions (a package can be present at several versions).
fn versions<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, version) in items {
        let versions = map.entry(name.to_ascii_lowercase()).or_default();
        if !versions.iter().any(|v| v == version) {
            versions.push(version.to_string());
        }
    }
    for versions in map.values_mut() {
        versions.sort();
    }
    map
}

fn diff(
    before: BTreeMap<String, Vec<String>>,
    after: BTreeMap<String, Vec<String>>,
) -> Vec<SoupChange> {
    let mut changes = Vec::new();
    for (name, old) in &before {
        match after.get(name) {
            None => changes.push(SoupChange {
                name: name.clone(),
                before: Some(old.join(", ")),
                after: None,
            }),
            Some(new) if new != old => changes.push(SoupChange {
                name: name.clone(),
                before: Some(old.join(", ")),
                after: Some(new.join(", ")),
            }),
            Some(_) => {}
        }
    }
    for (name, new) in &after {
        if !before.contains_key(name) {
            changes.push(SoupChange {
                name: name.clone(),
                before: None,
                after: Some(new.join(", ")),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let owned: Vec<(String, String)> = entries
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        versions(owned.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    #[test]
    fn a_diff_names_added_updated_and_removed_packages_only() {
        let changes = diff(
            map(&[("numpy", "2.1.0"), ("scipy", "1.14.0"), ("Flask", "3.0.0")]),
            map(&[
                ("numpy", "2.1.0"),
                ("scipy", "1.15.1"),
                ("pydantic", "2.9.0"),
            ]),
        );
        let change = |name: &str, before: Option<&str>, after: Option<&str>| SoupChange {
            name: name.to_string(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        };
        assert_eq!(
            changes,
            vec![
                change("flask", Some("3.0.0"), None),
                change("scipy", Some("1.14.0"), Some("1.15.1")),
                change("pydantic", None, Some("2.9.0")),
            ]
        );
    }

    #[test]
    fn a_package_at_two_versions_changes_when_either_does() {
        let changes = diff(
            map(&[("idna", "3.7"), ("idna", "2.10")]),
            map(&[("idna", "3.7")]),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].before.as_deref(), Some("2.10, 3.7"));
        assert_eq!(changes[0].after.as_deref(), Some("3.7"));
    }
}
