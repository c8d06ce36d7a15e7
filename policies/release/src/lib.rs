//! G5 Manufacturer release approval: the release boundary. G1–G4 passed on
//! the commit being released (read from the reports those runs saved),
//! every known anomaly is evaluated, the version is semver and is the
//! tag's, the product carries its UDI-DI (B, C), the artefacts are hashed,
//! every controlled document the release cites is approved, and the named
//! roles authorised the release.

use regops_kit::*;

/// The built-in G5 gate.
pub struct ReleaseGate;

regops_kit::gate!(ReleaseGate);

const VERIFIED: &[&str] = &[
    "IEC 62304 5.8.1",
    "IEC 62304 5.8.6",
    "IEC 62304 5.7.4",
    "IEC 82304-1 6.3",
];
const ANOMALIES: &[&str] = &["IEC 62304 5.8.2", "IEC 62304 5.8.3", "IEC 62304 9.8"];
const IDENTIFIED: &[&str] = &["IEC 62304 5.8.4", "IEC 82304-1 7.1"];
const UDI: &[&str] = &["IEC 82304-1 7.1", "EU MDR Article 27"];
const ARCHIVED: &[&str] = &["IEC 62304 5.8.5", "IEC 62304 5.8.7", "IEC 62304 8.1.3"];
const DOCUMENTS: &[&str] = &["ISO 13485 4.2.4"];
const AUTHORISED: &[&str] = &["ISO 13485 8.2.6", "IEC 82304-1 6.2"];

const GATES: &str = "ci,change,deployment,integration";

impl Gate for ReleaseGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "release".into(),
            name: "G5 Manufacturer release approval".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "G1–G4 passed on the commit being released, every known anomaly is evaluated, the \
                      release is identified (semver version matching its tag, UDI-DI, hashed artefacts), \
                      the documents it cites are approved, and the release is authorised by the named roles."
                .into(),
            clauses: vec![
                clause("IEC 62304 5.7.4", "Evaluate software system testing"),
                clause("IEC 62304 5.8.1", "Ensure software verification is complete"),
                clause("IEC 62304 5.8.2", "Document known residual anomalies"),
                clause("IEC 62304 5.8.3", "Evaluate known residual anomalies"),
                clause("IEC 62304 5.8.4", "Document released versions"),
                clause("IEC 62304 5.8.5", "Document how released software was created"),
                clause("IEC 62304 5.8.6", "Ensure activities and tasks are complete"),
                clause("IEC 62304 5.8.7", "Archive software"),
                clause("IEC 62304 8.1.3", "Identify system configuration documentation"),
                clause("IEC 62304 9.8", "Test documentation contents"),
                clause("IEC 82304-1 6.2", "Health software product validation"),
                clause("IEC 82304-1 6.3", "Validation report"),
                clause("IEC 82304-1 7.1", "Identification"),
                clause("EU MDR Article 27", "Unique Device Identification system"),
                clause("ISO 13485 4.2.4", "Control of documents"),
                clause("ISO 13485 8.2.6", "Monitoring and measurement of product (release authorisation)"),
            ],
            needs: vec![EvidenceKind::Release, EvidenceKind::GateResults],
            uses: vec![
                EvidenceKind::Anomalies,
                EvidenceKind::Approvals,
                EvidenceKind::Documents,
            ],
            params: vec![
                param_spec(
                    "required-gates",
                    "Comma-separated gates that must have passed on the released commit",
                    ValueType::Text,
                    None,
                    [
                        Value::Text(GATES.into()),
                        Value::Text(GATES.into()),
                        Value::Text(GATES.into()),
                    ],
                ),
                param_spec(
                    "require-anomaly-evaluation",
                    "Every known anomaly has a severity and an evaluation (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "require-tag",
                    "The release is built from a tag naming its version (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "require-udi-di",
                    "The release names its UDI-DI (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "release-role",
                    "The [roles] role that authorises releases",
                    ValueType::Text,
                    None,
                    [
                        Value::Text("release-authority".into()),
                        Value::Text("release-authority".into()),
                        Value::Text("release-authority".into()),
                    ],
                ),
                param_spec(
                    "min-release-approvals",
                    "Distinct holders of the release role who authorised the release",
                    ValueType::Count,
                    Some("approvals"),
                    [Value::Count(1), Value::Count(2), Value::Count(2)],
                ),
                param_spec(
                    "regulatory-role",
                    "The [roles] role of regulatory affairs",
                    ValueType::Text,
                    None,
                    [
                        Value::Text("regulatory".into()),
                        Value::Text("regulatory".into()),
                        Value::Text("regulatory".into()),
                    ],
                ),
                param_spec(
                    "min-regulatory-approvals",
                    "Of the authorisations, those by holders of the regulatory role",
                    ValueType::Count,
                    Some("approvals"),
                    [Value::Count(0), Value::Count(0), Value::Count(1)],
                ),
                param_spec(
                    "require-signed-approvals",
                    "Only approvals whose signed commit git verified count",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(false), Value::Flag(false)],
                ),
            ],
            checks: vec![
                check_spec(
                    "gates-passed",
                    "The required gates passed on the commit being released",
                    VERIFIED,
                ),
                check_spec(
                    "anomalies-evaluated",
                    "Every known residual anomaly has a severity and an evaluation",
                    ANOMALIES,
                ),
                check_spec(
                    "version",
                    "The version is semantic (MAJOR.MINOR.PATCH) and is the release tag's",
                    IDENTIFIED,
                ),
                check_spec("udi-di", "The release names its UDI device identifier", UDI),
                check_spec(
                    "artifacts-hashed",
                    "The released artefacts and dependency lockfiles are identified by SHA-256",
                    ARCHIVED,
                ),
                check_spec(
                    "documents-approved",
                    "Every controlled document the release cites is approved",
                    DOCUMENTS,
                ),
                check_spec(
                    "release-authorised",
                    "The release is authorised by enough holders of the named roles",
                    AUTHORISED,
                ),
            ],
        }
    }

    fn evaluate(
        ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        let Some(release) = evidence.release() else {
            return Ok(vec![CheckBuilder::new("version", IDENTIFIED).error(
                "The release is not identified: run in the repository (git) or set [release] in regops.toml.",
            )]);
        };
        let available = |k: EvidenceKind| ctx.available.contains(&k);
        Ok(vec![
            gates_passed(
                &release,
                &evidence.gate_results(),
                params.text("required-gates")?,
            ),
            anomalies(
                available(EvidenceKind::Anomalies).then(|| evidence.anomalies()),
                params.flag("require-anomaly-evaluation")?,
            ),
            version(&release, params.flag("require-tag")?),
            udi_di(&release, params.flag("require-udi-di")?),
            artifacts_hashed(&release),
            documents(&release, &evidence.documents()),
            authorised(
                &release,
                &evidence.approvals(),
                Authority {
                    role: params.text("release-role")?,
                    min: params.count("min-release-approvals")?,
                    regulatory_role: params.text("regulatory-role")?,
                    min_regulatory: params.count("min-regulatory-approvals")?,
                    signed_only: params.flag("require-signed-approvals")?,
                },
            ),
        ])
    }
}

fn advisory(check: CheckBuilder, required: bool, message: String) -> Check {
    if required {
        check.fail(message)
    } else {
        check.warn(message)
    }
}

fn gates_passed(release: &ReleaseInfo, results: &[GateResult], required: &str) -> Check {
    let check = CheckBuilder::new("gates-passed", VERIFIED);
    let Some(commit) = release.commit.as_deref() else {
        return check
            .error("The commit being released is unknown (no git, no GITHUB_SHA); pass --commit.");
    };
    let required: Vec<&str> = required
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect();
    if required.is_empty() {
        // Nothing to have passed is no evidence that verification is complete.
        return check.error(
            "`required-gates` names no gate; list the gates that must pass before a release \
             (default: ci,change,deployment,integration).",
        );
    }
    let mut passed = Vec::new();
    let mut problems = Vec::new();
    let mut locations = Vec::new();
    for gate in &required {
        let on_commit: Vec<&GateResult> = results
            .iter()
            .filter(|r| r.gate == *gate)
            .filter(|r| r.commit.as_deref().is_some_and(|c| same_commit(c, commit)))
            .collect();
        // The latest report decides (dates compare as RFC 3339 text; the
        // order listed breaks ties), so a re-run that passed counts.
        let latest = on_commit
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| a.timestamp.cmp(&b.timestamp).then(i.cmp(j)))
            .map(|(_, r)| *r);
        match latest {
            Some(r) if matches!(r.outcome, Outcome::Pass | Outcome::Warn) => {
                passed.push(gate.to_string())
            }
            Some(r) => {
                problems.push(format!(
                    "`{gate}` was `{}` in {}",
                    outcome_name(r.outcome),
                    r.report
                ));
                locations.push(Location {
                    file: r.report.clone(),
                    line: None,
                    column: None,
                });
            }
            None => {
                let elsewhere: Vec<String> = results
                    .iter()
                    .filter(|r| r.gate == *gate)
                    .map(|r| match &r.commit {
                        Some(c) => format!("{} (commit {})", r.report, short(c)),
                        None => format!("{} (no commit)", r.report),
                    })
                    .collect();
                problems.push(if elsewhere.is_empty() {
                    format!("no report shows `{gate}`")
                } else {
                    format!(
                        "`{gate}` was only judged on other commits: {}",
                        elsewhere.join(", ")
                    )
                });
            }
        }
    }
    let check = check
        .measured(Value::Count(passed.len() as u64))
        .threshold(Value::Count(required.len() as u64))
        .locations(locations);
    if problems.is_empty() {
        return check.pass(format!(
            "{} passed on commit {}.",
            quoted(&passed),
            short(commit)
        ));
    }
    check
        .subjects(
            required
                .iter()
                .filter(|g| !passed.iter().any(|p| p == *g))
                .map(|g| g.to_string()),
        )
        .fail(format!(
            "Not every required gate passed on commit {}: {}. Run them on this commit and list the \
             saved reports under `reports` in [evidence].",
            short(commit),
            problems.join("; ")
        ))
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Warn => "warn",
        Outcome::Error => "error",
    }
}

fn anomalies(anomalies: Option<Vec<Anomaly>>, required: bool) -> Check {
    let check = CheckBuilder::new("anomalies-evaluated", ANOMALIES);
    let Some(anomalies) = anomalies else {
        return advisory(
            check,
            required,
            "No anomaly list: list the known anomalies (an issue export or anomaly file) under \
             `anomalies` in [evidence], even when it is empty, so the release shows it looked."
                .to_string(),
        );
    };
    let open: Vec<&Anomaly> = anomalies
        .iter()
        .filter(|a| a.severity.is_none() || a.evaluation.is_none())
        .collect();
    let check = check
        .measured(Value::Count((anomalies.len() - open.len()) as u64))
        .threshold(Value::Count(anomalies.len() as u64))
        .subjects(open.iter().map(|a| a.id.clone()));
    if open.is_empty() {
        return check.pass(if anomalies.is_empty() {
            "No known residual anomaly.".to_string()
        } else {
            format!(
                "All {} known anomalies are evaluated (severity and rationale).",
                anomalies.len()
            )
        });
    }
    let listed: Vec<String> = open
        .iter()
        .map(|a| {
            let missing = match (&a.severity, &a.evaluation) {
                (None, None) => "severity and evaluation",
                (None, Some(_)) => "severity",
                _ => "evaluation",
            };
            format!("{} \"{}\" (no {missing})", a.id, a.title)
        })
        .collect();
    advisory(
        check,
        required,
        format!(
            "{} of {} known anomalies are not evaluated: {}. Give each a `severity:` label and an \
             `## Evaluation` section saying why releasing with it is acceptable.",
            open.len(),
            anomalies.len(),
            first_five(&listed)
        ),
    )
}

/// `MAJOR.MINOR.PATCH[-pre][+build]` with numeric parts without leading zeros.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    let rest_ok = v[core.len()..]
        .split(['-', '+', '.'])
        .all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    parts.len() == 3 && parts.iter().all(numeric) && rest_ok && !v.ends_with(['-', '+', '.'])
}

fn version(release: &ReleaseInfo, require_tag: bool) -> Check {
    let check = CheckBuilder::new("version", IDENTIFIED);
    let Some(version) = release.version.as_deref() else {
        return check.fail(
            "The release has no version: pass --version, set [release] version, or run on a release tag.",
        );
    };
    let bare = version.strip_prefix('v').unwrap_or(version);
    if !is_semver(bare) {
        return check.fail(format!(
            "`{version}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 2.1.0)."
        ));
    }
    let check = check.measured(Value::Text(bare.to_string()));
    match release.tag.as_deref() {
        Some(tag) if tag.strip_prefix('v').unwrap_or(tag) == bare => {
            check.pass(format!("Version {bare}, built from tag `{tag}`."))
        }
        Some(tag) => check.fail(format!(
            "Version {bare} does not match the tag `{tag}` being built; tag the release commit \
             `v{bare}` or release the tag's version."
        )),
        None => advisory(
            check,
            require_tag,
            format!(
                "Version {bare}, but the commit carries no tag: tag it `v{bare}` so the released \
                 version is found in the repository."
            ),
        ),
    }
}

/// GS1 GTIN check digit (mod 10, weights 3 and 1 from the right).
fn gs1_check_digit_ok(digits: &str) -> bool {
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let Some((&check, body)) = d.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, v)| if i % 2 == 0 { v * 3 } else { *v })
        .sum();
    (10 - sum % 10) % 10 == check
}

fn udi_di(release: &ReleaseInfo, required: bool) -> Check {
    let check = CheckBuilder::new("udi-di", UDI);
    let Some(udi) = release
        .udi_di
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    else {
        return advisory(
            check,
            required,
            "The release names no UDI-DI: set [release] udi-di (or pass --udi-di) to the device \
             identifier assigned at registration."
                .to_string(),
        );
    };
    let check = check.measured(Value::Text(udi.to_string()));
    // A GS1 DI is a GTIN: 8, 12, 13 or 14 digits with a check digit.
    // HIBCC (`+…`) and ICCBBA (`=…`) identifiers are accepted as written.
    if udi.bytes().all(|b| b.is_ascii_digit())
        && [8, 12, 13, 14].contains(&udi.len())
        && !gs1_check_digit_ok(udi)
    {
        return check.fail(format!(
            "UDI-DI `{udi}` looks like a GS1 GTIN but its check digit is wrong; copy it from the \
             registration."
        ));
    }
    check.pass(format!("UDI-DI {udi}."))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn artifacts_hashed(release: &ReleaseInfo) -> Check {
    let check = CheckBuilder::new("artifacts-hashed", ARCHIVED)
        .measured(Value::Count(release.artifacts.len() as u64));
    if release.artifacts.is_empty() {
        return check.fail(
            "The release lists no artefact: name the build outputs under [release] artifacts (or \
             pass --artifact) so the record ties the release to their SHA-256.",
        );
    }
    let bad: Vec<String> = release
        .artifacts
        .iter()
        .chain(&release.lockfiles)
        .filter(|a| !is_sha256(&a.sha256))
        .map(|a| a.name.clone())
        .collect();
    if !bad.is_empty() {
        return check
            .subjects(bad.clone())
            .fail(format!("{} have no valid SHA-256.", quoted(&bad)));
    }
    check.pass(format!(
        "{} artefact(s) and {} lockfile(s) identified by SHA-256.",
        release.artifacts.len(),
        release.lockfiles.len()
    ))
}

fn documents(release: &ReleaseInfo, documents: &[ControlledDocument]) -> Check {
    let check = CheckBuilder::new("documents-approved", DOCUMENTS);
    if release.cited_documents.is_empty() {
        return check.pass("The release cites no controlled document ([release] documents).");
    }
    let mut problems = Vec::new();
    let mut subjects = Vec::new();
    let mut locations = Vec::new();
    for id in &release.cited_documents {
        match documents.iter().find(|d| d.id.eq_ignore_ascii_case(id)) {
            None => {
                problems.push(format!("{id} is not among the documents read"));
                subjects.push(id.clone());
            }
            Some(doc) if !matches!(doc.status.as_str(), "approved" | "effective" | "released") => {
                problems.push(format!("{id} is `{}` ({})", doc.status, doc.path));
                subjects.push(id.clone());
                locations.push(Location {
                    file: doc.path.clone(),
                    line: Some(1),
                    column: None,
                });
            }
            Some(_) => {}
        }
    }
    let check = check
        .measured(Value::Count(
            (release.cited_documents.len() - subjects.len()) as u64,
        ))
        .threshold(Value::Count(release.cited_documents.len() as u64))
        .subjects(subjects)
        .locations(locations);
    if problems.is_empty() {
        return check.pass(format!(
            "{} are approved.",
            quoted(&release.cited_documents)
        ));
    }
    check.fail(format!(
        "Cited documents that are not approved: {}. List them under `documents` in [evidence] and \
         release only against approved revisions.",
        problems.join("; ")
    ))
}

struct Authority<'a> {
    role: &'a str,
    min: u64,
    regulatory_role: &'a str,
    min_regulatory: u64,
    signed_only: bool,
}

fn authorised(release: &ReleaseInfo, approvals: &[Approval], rule: Authority<'_>) -> Check {
    let check = CheckBuilder::new("release-authorised", AUTHORISED);
    // One decision per person: their latest.
    let mut latest: Vec<&Approval> = Vec::new();
    for a in approvals
        .iter()
        .filter(|a| a.decision != Decision::Commented)
    {
        match latest.iter_mut().find(|l| same_person(&l.who, &a.who)) {
            Some(l) => *l = a,
            None => latest.push(a),
        }
    }
    let mut notes = Vec::new();
    let counted: Vec<&Approval> = latest
        .into_iter()
        .filter(|a| a.decision == Decision::Approved && a.roles.iter().any(|r| r == rule.role))
        .filter(|a| {
            // An approval naming another commit authorised another build.
            let stale = match (a.commit.as_deref(), release.commit.as_deref()) {
                (Some(c), Some(head)) => !same_commit(c, head),
                _ => false,
            };
            if stale {
                notes.push(format!("{} approved another commit", a.who));
            }
            let unsigned = rule.signed_only && !a.signature_verified;
            if unsigned && !stale {
                notes.push(format!("{}'s signature was not verified", a.who));
            }
            !stale && !unsigned
        })
        .collect();
    let regulatory = counted
        .iter()
        .filter(|a| a.roles.iter().any(|r| r == rule.regulatory_role))
        .count() as u64;
    let names: Vec<String> = counted.iter().map(|a| a.who.clone()).collect();
    let check = check
        .measured(Value::Count(counted.len() as u64))
        .threshold(Value::Count(rule.min))
        .subjects(names.clone());
    let mut missing = Vec::new();
    if (counted.len() as u64) < rule.min {
        missing.push(format!(
            "{} of {} authorisations by the `{}` role",
            counted.len(),
            rule.min,
            rule.role
        ));
    }
    if regulatory < rule.min_regulatory {
        missing.push(format!(
            "{regulatory} of {} by holders of the `{}` role too",
            rule.min_regulatory, rule.regulatory_role
        ));
    }
    if missing.is_empty() {
        if rule.min == 0 {
            return check
                .pass("No release authorisation is required (`min-release-approvals` is 0).");
        }
        return check.pass(format!("Release authorised by {}.", quoted(&names)));
    }
    check.fail(format!(
        "The release is not authorised: {}{}. The named people sign the release's approvals table \
         (or an `Approved-by:` trailer); [roles] must grant them the role.",
        missing.join(", "),
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        }
    ))
}

#[cfg(test)]
mod tests;
