//! Check runs: each gate's verdict published to the GitHub Checks API on the
//! commit the run judged (`regops check --github`).
//!
//! The verdicts are written locally first (report, job summary, outputs);
//! publishing comes last. A token that may not write check runs (a pull
//! request from a fork) is said plainly and the step still gates through its
//! exit status; any other publishing failure fails the step (exit 2).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use regops_github::{
    Annotation, AnnotationLevel, CheckTarget, Error, GateCheck, GitHubContext, publish_check_runs,
};

use crate::report::{GateReport, Report, github};
use crate::verdict::Outcome;

/// What publishing came to.
pub enum Published {
    /// One check run per gate.
    Done(Vec<String>),
    /// The token may not write check runs; said in the log and the summary.
    NotPermitted(String),
}

/// Publishes one check run per gate of `report`. `config_dir` is where
/// evidence paths start; annotations need paths from the repository root.
pub fn check_runs(report: &Report, config_dir: &Path) -> anyhow::Result<Published> {
    let ctx = GitHubContext::repository_from_env()?;
    let target = CheckTarget::from_env()?;
    let prefix = repository_prefix(config_dir);
    let checks: Vec<GateCheck> = report
        .gates
        .iter()
        .map(|gate| gate_check(report, gate, &prefix))
        .collect();
    match publish_check_runs(&ctx, &target.head_sha, &target.run_attempt_key, &checks) {
        Ok(published) => Ok(Published::Done(
            published
                .check_runs
                .iter()
                .map(|run| {
                    format!(
                        "{}: {} ({} annotations{})",
                        run.name,
                        run.conclusion.as_str(),
                        run.annotations_sent,
                        match run.annotations_not_sent {
                            0 => String::new(),
                            n => format!(", {n} not sent"),
                        }
                    )
                })
                .collect(),
        )),
        Err(e @ Error::ChecksNotPermitted { .. }) => Ok(Published::NotPermitted(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Appends the "not published" note to the job summary, when there is one.
pub fn note_in_summary(message: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)?;
    writeln!(
        file,
        "\n> ⚠️ **Check runs were not published**: {}. The verdicts above and the step's exit status still gate.\n",
        message.replace('\n', " ")
    )?;
    Ok(())
}

/// The check run of one gate.
fn gate_check(report: &Report, gate: &GateReport, prefix: &str) -> GateCheck {
    let not_met = gate
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Error))
        .count();
    let warned = gate
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Warn)
        .count();
    let title = match gate.outcome {
        Outcome::Pass | Outcome::Off => format!("pass: all {} checks met", gate.checks.len()),
        Outcome::Warn => format!("pass with {warned} warnings"),
        Outcome::Fail => format!("fail: {not_met} of {} checks not met", gate.checks.len()),
        Outcome::Error => format!("error: {not_met} checks could not be evaluated or were not met"),
    };
    let summary = format!(
        "**{}** · {} · safety class {}\n\n{}",
        github::symbol(gate.outcome),
        report.product,
        report.safety_class,
        github::gate_section(gate)
    );
    let mut annotations = Vec::new();
    for check in &gate.checks {
        let level = match check.outcome {
            Outcome::Fail | Outcome::Error => AnnotationLevel::Failure,
            Outcome::Warn => AnnotationLevel::Warning,
            Outcome::Pass | Outcome::Off => continue,
        };
        for location in &check.locations {
            let line = u64::from(location.line.unwrap_or(1).max(1));
            annotations.push(Annotation {
                path: repository_path(prefix, &location.file),
                start_line: line,
                end_line: line,
                level,
                title: Some(format!("{}: {}", gate.id, check.id)),
                message: check.message.clone(),
            });
        }
    }
    GateCheck {
        gate_id: gate.id.clone(),
        name: format!("regops / {}", gate.name),
        passed: matches!(gate.outcome, Outcome::Pass | Outcome::Warn),
        title,
        summary,
        text: Some(github::evidence_section(report)),
        annotations,
    }
}

/// The config directory relative to the repository root (`GITHUB_WORKSPACE`,
/// else the working directory), `/`-terminated; empty at the root.
fn repository_prefix(config_dir: &Path) -> String {
    let root = std::env::var_os("GITHUB_WORKSPACE")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let absolute = if config_dir.is_absolute() {
        config_dir.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(config_dir)
    };
    let relative = absolute.strip_prefix(&root).unwrap_or(config_dir);
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// A location's file from the repository root: evidence paths are relative
/// to the config directory (absolute ones are left to the publisher).
fn repository_path(prefix: &str, file: &str) -> String {
    let file = file.trim_start_matches("./");
    if file.starts_with('/') || prefix.is_empty() {
        file.to_string()
    } else {
        format!("{prefix}{file}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_made_relative_to_the_repository_root() {
        assert_eq!(
            repository_path("examples/cardiosense/", "src/alarms.py"),
            "examples/cardiosense/src/alarms.py"
        );
        assert_eq!(
            repository_path("examples/cardiosense/", "./src/alarms.py"),
            "examples/cardiosense/src/alarms.py"
        );
        assert_eq!(repository_path("", "src/alarms.py"), "src/alarms.py");
    }
}
