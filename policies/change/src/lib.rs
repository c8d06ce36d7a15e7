//! G2 Change review and approval: enough people who did not write the
//! change approved the commit under review, SOUP it adds or updates was
//! approved by a SOUP reviewer, and it resolves a change request.
//!
//! "Independent" (class C) means an approver who holds the configured
//! independent-reviewer role and did not author any of the change: 62304
//! leaves independence to the manufacturer's process, so the process names
//! who is independent through `[roles]`.

use regops_kit::*;

/// The built-in G2 gate.
pub struct ChangeGate;

regops_kit::gate!(ChangeGate);

const APPROVAL: &[&str] = &["IEC 62304 8.2.1", "IEC 62304 8.2.3", "IEC 62304 5.5.5"];
const SOUP: &[&str] = &["IEC 62304 8.1.2", "IEC 62304 8.2.1"];
const TRACE: &[&str] = &["IEC 62304 8.2.4", "IEC 62304 8.2.1"];

/// Files whose change means the change may add or update SOUP, when no
/// base-branch SBOM or register is given to compare with: the lockfiles and
/// manifests of common ecosystems.
const DEPENDENCY_FILES: &str = "Cargo.toml, Cargo.lock, package.json, package-lock.json, npm-shrinkwrap.json, \
     yarn.lock, pnpm-lock.yaml, requirements*.txt, pyproject.toml, poetry.lock, uv.lock, Pipfile, Pipfile.lock, \
     setup.py, setup.cfg, go.mod, go.sum, pom.xml, build.gradle, build.gradle.kts, gradle.lockfile, \
     Gemfile, Gemfile.lock, composer.json, composer.lock, packages.lock.json, *.csproj, conanfile.txt, \
     conanfile.py, conan.lock, vcpkg.json, CMakeLists.txt, west.yml";

impl Gate for ChangeGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "change".into(),
            name: "G2 Change review and approval".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "The change was approved on its head commit by enough reviewers who did not write it, \
                      new or updated SOUP was approved by a SOUP reviewer, and the change resolves a \
                      change request."
                .into(),
            clauses: vec![
                clause("IEC 62304 5.5.5", "Software unit verification"),
                clause("IEC 62304 8.1.2", "Identify SOUP"),
                clause("IEC 62304 8.2.1", "Approve change requests"),
                clause("IEC 62304 8.2.3", "Verify changes"),
                clause("IEC 62304 8.2.4", "Provide means for traceability of change"),
            ],
            needs: vec![EvidenceKind::Change],
            uses: vec![EvidenceKind::Approvals, EvidenceKind::Soup],
            params: vec![
                param_spec(
                    "min-approvals",
                    "Approvals of the head commit by people who did not author the change",
                    ValueType::Count,
                    Some("approvals"),
                    [Value::Count(1), Value::Count(1), Value::Count(2)],
                ),
                param_spec(
                    "min-independent-approvals",
                    "Of those, approvals by holders of the independent-reviewer role",
                    ValueType::Count,
                    Some("approvals"),
                    [Value::Count(0), Value::Count(0), Value::Count(1)],
                ),
                param_spec(
                    "independent-role",
                    "The [roles] role whose holders count as independent reviewers",
                    ValueType::Text,
                    None,
                    [
                        Value::Text("independent-reviewer".into()),
                        Value::Text("independent-reviewer".into()),
                        Value::Text("independent-reviewer".into()),
                    ],
                ),
                param_spec(
                    "require-soup-approval",
                    "SOUP the change adds, updates or removes needs a SOUP reviewer's approval (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "soup-reviewer-role",
                    "The [roles] role that approves SOUP",
                    ValueType::Text,
                    None,
                    [
                        Value::Text("soup-reviewer".into()),
                        Value::Text("soup-reviewer".into()),
                        Value::Text("soup-reviewer".into()),
                    ],
                ),
                param_spec(
                    "dependency-files",
                    "Comma-separated file names (`*` wildcards) whose change may change SOUP, \
                     used when no base-branch SBOM or SOUP register is compared",
                    ValueType::Text,
                    None,
                    [
                        Value::Text(DEPENDENCY_FILES.into()),
                        Value::Text(DEPENDENCY_FILES.into()),
                        Value::Text(DEPENDENCY_FILES.into()),
                    ],
                ),
                param_spec(
                    "require-linked-issue",
                    "The change resolves an issue or change request (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(true)],
                ),
            ],
            checks: vec![
                check_spec(
                    "approvals",
                    "Enough people who did not author the change approved its head commit",
                    APPROVAL,
                ),
                check_spec(
                    "independent-approval",
                    "Enough of those approvers are independent reviewers",
                    APPROVAL,
                ),
                check_spec(
                    "changes-requested",
                    "No reviewer's latest review asks for changes",
                    &["IEC 62304 8.2.1"],
                ),
                check_spec(
                    "soup-approved",
                    "SOUP the change adds, updates or removes was approved by a SOUP reviewer",
                    SOUP,
                ),
                check_spec(
                    "change-linked",
                    "The change resolves an issue or change request",
                    TRACE,
                ),
            ],
        }
    }

    fn evaluate(
        _ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        let Some(change) = evidence.change() else {
            return Ok(vec![CheckBuilder::new("approvals", APPROVAL).error(
                "No change under review: run on a pull request, or list a regops.change/v1 file \
                 under `change` in [evidence].",
            )]);
        };
        let review = Review::new(&change, evidence.approvals());
        let soup_files: Vec<String> = evidence.soup().into_iter().map(|s| s.source.file).collect();
        Ok(vec![
            review.approvals(params.count("min-approvals")?),
            review.independent(
                params.count("min-independent-approvals")?,
                params.text("independent-role")?,
            ),
            review.changes_requested(),
            review.soup_approved(
                params.flag("require-soup-approval")?,
                params.text("soup-reviewer-role")?,
                params.text("dependency-files")?,
                &soup_files,
            ),
            review.linked(params.flag("require-linked-issue")?),
        ])
    }
}

/// The change and its reviewers' latest decisions.
struct Review<'a> {
    change: &'a ChangeRequest,
    /// One approval per person: their latest, in evidence order.
    latest: Vec<Approval>,
}

impl<'a> Review<'a> {
    fn new(change: &'a ChangeRequest, approvals: Vec<Approval>) -> Review<'a> {
        let mut latest: Vec<Approval> = Vec::new();
        for approval in approvals {
            // A comment does not withdraw an earlier decision.
            if approval.decision == Decision::Commented {
                continue;
            }
            match latest
                .iter_mut()
                .find(|a| same_person(&a.who, &approval.who))
            {
                Some(earlier) => *earlier = approval,
                None => latest.push(approval),
            }
        }
        Review { change, latest }
    }

    fn is_author(&self, who: &str) -> bool {
        same_person(&self.change.author, who)
            || self.change.co_authors.iter().any(|c| same_person(c, who))
    }

    fn on_head(&self, approval: &Approval) -> bool {
        approval
            .commit
            .as_deref()
            .is_some_and(|c| same_commit(c, &self.change.head_commit))
    }

    /// Approvals that count: approved, on the head commit, not by an author.
    fn counted(&self) -> Vec<&Approval> {
        self.latest
            .iter()
            .filter(|a| {
                a.decision == Decision::Approved && self.on_head(a) && !self.is_author(&a.who)
            })
            .collect()
    }

    fn approvals(&self, min: u64) -> Check {
        let counted = self.counted();
        let check = CheckBuilder::new("approvals", APPROVAL)
            .measured(Value::Count(counted.len() as u64))
            .threshold(Value::Count(min))
            .subjects(counted.iter().map(|a| a.who.clone()));
        let names: Vec<String> = counted.iter().map(|a| a.who.clone()).collect();
        if names.is_empty() && min == 0 {
            return check.pass("No approval is required (`min-approvals` is 0).");
        }
        if counted.len() as u64 >= min {
            return check.pass(format!(
                "{} approved head commit {} of {}, which they did not author.",
                quoted(&names),
                short(&self.change.head_commit),
                self.change.id,
            ));
        }
        let mut notes = Vec::new();
        let approved = |a: &&Approval| a.decision == Decision::Approved;
        let own: Vec<String> = self
            .latest
            .iter()
            .filter(approved)
            .filter(|a| self.is_author(&a.who))
            .map(|a| a.who.clone())
            .collect();
        if !own.is_empty() {
            notes.push(format!(
                "{} authored the change, so their approval does not count",
                quoted(&own)
            ));
        }
        let stale: Vec<String> = self
            .latest
            .iter()
            .filter(approved)
            .filter(|a| !self.is_author(&a.who) && a.commit.is_some() && !self.on_head(a))
            .map(|a| {
                format!(
                    "{} (on {})",
                    a.who,
                    short(a.commit.as_deref().unwrap_or_default())
                )
            })
            .collect();
        if !stale.is_empty() {
            notes.push(format!(
                "{} approved an earlier commit; the change was pushed to since, so they must approve again",
                stale.join(", ")
            ));
        }
        let unpinned: Vec<String> = self
            .latest
            .iter()
            .filter(approved)
            .filter(|a| !self.is_author(&a.who) && a.commit.is_none())
            .map(|a| a.who.clone())
            .collect();
        if !unpinned.is_empty() {
            notes.push(format!(
                "{} approved without naming the commit, which cannot count",
                quoted(&unpinned)
            ));
        }
        check.fail(format!(
            "{} of {} needed approvals of head commit {} by people who did not author {}.{} \
             Ask a reviewer who did not write the change to approve its latest commit.",
            counted.len(),
            min,
            short(&self.change.head_commit),
            self.change.id,
            if notes.is_empty() {
                String::new()
            } else {
                format!(" {}.", notes.join("; "))
            }
        ))
    }

    fn independent(&self, min: u64, role: &str) -> Check {
        let independent: Vec<String> = self
            .counted()
            .into_iter()
            .filter(|a| a.roles.iter().any(|r| r == role))
            .map(|a| a.who.clone())
            .collect();
        let check = CheckBuilder::new("independent-approval", APPROVAL)
            .measured(Value::Count(independent.len() as u64))
            .threshold(Value::Count(min))
            .subjects(independent.iter().cloned());
        if min == 0 {
            return check.pass("An independent review is not required at this safety class.");
        }
        if independent.len() as u64 >= min {
            return check.pass(format!(
                "{} approved as independent reviewer (role `{role}`).",
                quoted(&independent)
            ));
        }
        check.fail(format!(
            "{} of {min} needed approvals of the head commit by an independent reviewer (role `{role}` in \
             [roles], not an author of the change). Ask one to review it.",
            independent.len()
        ))
    }

    fn changes_requested(&self) -> Check {
        let blocking: Vec<String> = self
            .latest
            .iter()
            .filter(|a| a.decision == Decision::ChangesRequested)
            .map(|a| a.who.clone())
            .collect();
        let check = CheckBuilder::new("changes-requested", &["IEC 62304 8.2.1"])
            .measured(Value::Count(blocking.len() as u64))
            .threshold(Value::Count(0))
            .subjects(blocking.iter().cloned());
        if blocking.is_empty() {
            return check.pass("No reviewer's latest review asks for changes.");
        }
        check.fail(format!(
            "{} asked for changes and has not approved since. Address the review, then ask for a re-review.",
            quoted(&blocking)
        ))
    }

    fn soup_approved(
        &self,
        required: bool,
        role: &str,
        dependency_files: &str,
        soup_files: &[String],
    ) -> Check {
        let check = CheckBuilder::new("soup-approved", SOUP);
        let (what, subjects): (String, Vec<String>) = match &self.change.soup_changes {
            Some(changes) if changes.is_empty() => {
                return check.measured(Value::Count(0)).pass(
                    "The change adds, updates and removes no SOUP (SBOM and register compared with the base branch).",
                );
            }
            Some(changes) => (
                format!(
                    "The change adds, updates or removes SOUP: {}",
                    soup_list(changes)
                ),
                changes.iter().map(|c| c.name.clone()).collect(),
            ),
            // Neither a diff nor a file list: whether SOUP changed is unknown.
            None if self.change.changed_files.is_empty() => {
                return check.error(
                    "Cannot tell whether the change adds or updates SOUP: it lists no changed files and no \
                     base-branch SBOM or SOUP register was compared. List `changed-files` in the change \
                     record, or set `base-sbom` / `base-soup` under [change].",
                );
            }
            None => {
                let patterns: Vec<&str> = dependency_files
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                let touched: Vec<String> = self
                    .change
                    .changed_files
                    .iter()
                    .filter(|path| {
                        let name = path.rsplit('/').next().unwrap_or(path);
                        patterns.iter().any(|p| glob_match(p, name))
                            || soup_files.iter().any(|s| s == *path)
                    })
                    .cloned()
                    .collect();
                if touched.is_empty() {
                    return check.measured(Value::Count(0)).pass(
                        "The change touches no dependency manifest, lockfile or SOUP register.",
                    );
                }
                (
                    format!(
                        "The change touches {} and may add or update SOUP (no base-branch SBOM was compared; \
                         set `base-sbom` under [change] to list exactly what changed)",
                        quoted(&touched)
                    ),
                    touched,
                )
            }
        };
        let approvers: Vec<String> = self
            .counted()
            .into_iter()
            .filter(|a| a.roles.iter().any(|r| r == role))
            .map(|a| a.who.clone())
            .collect();
        let check = check
            .measured(Value::Count(approvers.len() as u64))
            .threshold(Value::Count(1))
            .subjects(subjects);
        if !approvers.is_empty() {
            return check.pass(format!(
                "{what}; {} approved it as SOUP reviewer.",
                quoted(&approvers)
            ));
        }
        let message = format!(
            "{what}, and no SOUP reviewer (role `{role}` in [roles]) approved the head commit. \
             Ask one to review the SOUP change and update the SOUP register."
        );
        if required {
            check.fail(message)
        } else {
            check.warn(message)
        }
    }

    fn linked(&self, required: bool) -> Check {
        let issues = &self.change.linked_issues;
        let check = CheckBuilder::new("change-linked", TRACE)
            .measured(Value::Count(issues.len() as u64))
            .threshold(Value::Count(1))
            .subjects(issues.iter().cloned());
        if !issues.is_empty() {
            return check.pass(format!("{} resolves {}.", self.change.id, quoted(issues)));
        }
        let message = format!(
            "{} names no issue or change request it resolves; add `Fixes #N` (or `Closes`/`Resolves`) \
             to its description so the change is traceable to its request.",
            self.change.id
        );
        if required {
            check.fail(message)
        } else {
            check.warn(message)
        }
    }
}

/// `*` matches any run of characters; everything else literally.
fn glob_match(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn soup_list(changes: &[SoupChange]) -> String {
    let items: Vec<String> = changes
        .iter()
        .map(|c| match (&c.before, &c.after) {
            (None, Some(after)) => format!("{} {after} (new)", c.name),
            (Some(before), Some(after)) => format!("{} {before} → {after}", c.name),
            (Some(before), None) => format!("{} {before} (removed)", c.name),
            (None, None) => c.name.clone(),
        })
        .collect();
    first_five(&items)
}

#[cfg(test)]
mod tests;
