//! G3 Deployment: what was deployed is what was built (by digest), the
//! smoke tests after the deployment passed, the deployed version is the
//! one being released, and (B, C) a rollback plan was recorded.
//!
//! 62304 sets no deployment clause of its own; the checks implement
//! 5.8.8 (reliable delivery of released software) and ISO 13485 7.5.1
//! (control of production), the way a production-control SOP such as
//! SOP-014 §5.4 words them.

use regops_kit::*;

/// The built-in G3 gate.
pub struct DeploymentGate;

regops_kit::gate!(DeploymentGate);

const DELIVERY: &[&str] = &["IEC 62304 5.8.8", "ISO 13485 7.5.1"];
const VERSION: &[&str] = &["IEC 62304 5.8.4", "IEC 62304 8.1.3"];

impl Gate for DeploymentGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "deployment".into(),
            name: "G3 Deployment".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "The artefact deployed is the one built (same SHA-256), its smoke tests passed, the \
                      deployed version is the release's, and a rollback plan is on record."
                .into(),
            clauses: vec![
                clause("IEC 62304 5.8.4", "Document released versions"),
                clause("IEC 62304 5.8.8", "Assure reliable delivery of released software"),
                clause("IEC 62304 8.1.3", "Identify system configuration documentation"),
                clause("ISO 13485 7.5.1", "Control of production and service provision"),
            ],
            needs: vec![EvidenceKind::Deployments],
            uses: vec![EvidenceKind::Release],
            params: vec![
                param_spec(
                    "environments",
                    "Comma-separated environments that must have a deployment record (empty: every record given)",
                    ValueType::Text,
                    None,
                    [
                        Value::Text(String::new()),
                        Value::Text(String::new()),
                        Value::Text(String::new()),
                    ],
                ),
                param_spec(
                    "require-smoke-tests",
                    "Every deployment ran smoke tests and they passed (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "require-rollback-plan",
                    "Every deployment records its rollback plan (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
            ],
            checks: vec![
                check_spec(
                    "artifact-digest",
                    "The artefact deployed has the SHA-256 of the one built",
                    DELIVERY,
                ),
                check_spec(
                    "deployed-version",
                    "The version deployed is the version being released",
                    VERSION,
                ),
                check_spec(
                    "smoke-tests",
                    "Smoke tests ran after each deployment and passed",
                    DELIVERY,
                ),
                check_spec(
                    "rollback-plan",
                    "Each deployment records how to roll it back",
                    &["ISO 13485 7.5.1"],
                ),
            ],
        }
    }

    fn evaluate(
        _ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        let deployments = evidence.deployments();
        let wanted: Vec<&str> = params
            .text("environments")?
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        let missing: Vec<String> = wanted
            .iter()
            .filter(|w| {
                !deployments
                    .iter()
                    .any(|d| d.environment.eq_ignore_ascii_case(w))
            })
            .map(|w| w.to_string())
            .collect();
        if deployments.is_empty() || !missing.is_empty() {
            let message = if deployments.is_empty() {
                "No deployment record: the deploy step writes a regops.deployment/v1 file \
                 (docs/release.md); list it under `deployments` in [evidence]."
                    .to_string()
            } else {
                format!(
                    "No deployment record for {} (`environments` requires them); the deploy step \
                     for each writes a regops.deployment/v1 file.",
                    quoted(&missing)
                )
            };
            return Ok(vec![
                CheckBuilder::new("artifact-digest", DELIVERY)
                    .subjects(missing)
                    .error(message),
            ]);
        }
        let release = evidence.release();
        Ok(vec![
            artifact_digest(&deployments, release.as_ref()),
            deployed_version(&deployments, release.as_ref()),
            smoke_tests(&deployments, params.flag("require-smoke-tests")?),
            rollback_plan(&deployments, params.flag("require-rollback-plan")?),
        ])
    }
}

fn place(d: &Deployment) -> Location {
    Location {
        file: d.evidence.clone(),
        line: None,
        column: None,
    }
}

fn artifact_digest(deployments: &[Deployment], release: Option<&ReleaseInfo>) -> Check {
    let check = CheckBuilder::new("artifact-digest", DELIVERY);
    let built: &[Artifact] = release.map(|r| r.artifacts.as_slice()).unwrap_or(&[]);
    if built.is_empty() {
        return check.error(
            "No built artefact to compare with: list the build's outputs under [release] artifacts \
             so regops hashes what was built.",
        );
    }
    let mut problems = Vec::new();
    let mut subjects = Vec::new();
    let mut locations = Vec::new();
    for d in deployments {
        let Some(deployed) = &d.artifact_sha256 else {
            problems.push(format!(
                "{} records no artefact digest (`artifact.sha256`)",
                d.environment
            ));
            subjects.push(d.environment.clone());
            locations.push(place(d));
            continue;
        };
        // Compare with the artefact of that name when the record names one.
        let candidates: Vec<&Artifact> = match &d.artifact_name {
            Some(name) => built
                .iter()
                .filter(|a| a.name == *name || a.name.ends_with(&format!("/{name}")))
                .collect(),
            None => built.iter().collect(),
        };
        if candidates.is_empty() {
            problems.push(format!(
                "{} deployed `{}`, which is not among the built artefacts ({})",
                d.environment,
                d.artifact_name.as_deref().unwrap_or_default(),
                built
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else if !candidates
            .iter()
            .any(|a| a.sha256.eq_ignore_ascii_case(deployed))
        {
            problems.push(format!(
                "{} deployed sha256:{} but the build produced {}",
                d.environment,
                short(deployed),
                candidates
                    .iter()
                    .map(|a| format!("{} sha256:{}", a.name, short(&a.sha256)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else {
            continue;
        }
        subjects.push(d.environment.clone());
        locations.push(place(d));
    }
    let check = check
        .measured(Value::Count((deployments.len() - subjects.len()) as u64))
        .threshold(Value::Count(deployments.len() as u64))
        .subjects(subjects)
        .locations(locations);
    if problems.is_empty() {
        let envs: Vec<String> = deployments.iter().map(|d| d.environment.clone()).collect();
        return check.pass(format!(
            "The artefact deployed to {} has the SHA-256 of the one built.",
            quoted(&envs)
        ));
    }
    check.fail(format!(
        "{}. Deploy the artefact this build produced, not a rebuild or another version.",
        problems.join("; ")
    ))
}

fn deployed_version(deployments: &[Deployment], release: Option<&ReleaseInfo>) -> Check {
    let check = CheckBuilder::new("deployed-version", VERSION);
    let Some(version) = release.and_then(|r| r.version.clone()) else {
        return check.error(
            "The version being released is unknown: set [release] version, pass --version, or run \
             on a release tag.",
        );
    };
    let want = version.trim_start_matches('v');
    let wrong: Vec<&Deployment> = deployments
        .iter()
        .filter(|d| d.version.trim_start_matches('v') != want)
        .collect();
    let check = check
        .subjects(wrong.iter().map(|d| d.environment.clone()))
        .locations(wrong.iter().map(|d| place(d)));
    if wrong.is_empty() {
        return check.pass(format!("Every deployment is of version {want}."));
    }
    check.fail(format!(
        "{} — not the release's version {want}. Deploy the release being judged.",
        wrong
            .iter()
            .map(|d| format!("{} runs {}", d.environment, d.version))
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

fn smoke_tests(deployments: &[Deployment], required: bool) -> Check {
    let bad: Vec<String> = deployments
        .iter()
        .filter_map(|d| match d.smoke_tests_passed {
            Some(true) => None,
            Some(false) => Some(format!("{} (smoke tests failed)", d.environment)),
            None => Some(format!("{} (no smoke tests recorded)", d.environment)),
        })
        .collect();
    let check = CheckBuilder::new("smoke-tests", DELIVERY)
        .measured(Value::Count((deployments.len() - bad.len()) as u64))
        .threshold(Value::Count(deployments.len() as u64))
        .subjects(
            bad.iter()
                .map(|b| b.split(" (").next().unwrap_or(b).to_string()),
        );
    if bad.is_empty() {
        return check.pass("Smoke tests ran after every deployment and passed.");
    }
    let message = format!(
        "{}. Run the smoke tests after deploying and record them under `smoke-tests`; roll back a \
         deployment whose smoke tests fail.",
        bad.join(", ")
    );
    if required {
        check.fail(message)
    } else {
        check.warn(message)
    }
}

fn rollback_plan(deployments: &[Deployment], required: bool) -> Check {
    let without: Vec<String> = deployments
        .iter()
        .filter(|d| d.rollback_plan.is_none())
        .map(|d| d.environment.clone())
        .collect();
    let check = CheckBuilder::new("rollback-plan", &["ISO 13485 7.5.1"]).subjects(without.clone());
    if without.is_empty() {
        return check.pass("Every deployment records its rollback plan.");
    }
    let message = format!(
        "No rollback plan recorded for {}; write how to return to the previous version under \
         `rollback-plan` in the deployment record.",
        quoted(&without)
    );
    if required {
        check.fail(message)
    } else {
        check.warn(message)
    }
}

#[cfg(test)]
mod tests;
