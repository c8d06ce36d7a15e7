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
    let repository = Repository::locate(config_dir);
    let checks: Vec<GateCheck> = report
        .gates
        .iter()
        .map(|gate| gate_check(report, gate, &repository))
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
fn gate_check(report: &Report, gate: &GateReport, repository: &Repository) -> GateCheck {
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
                path: repository.path(&location.file),
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

/// Where annotation paths start: the repository root (`GITHUB_WORKSPACE`,
/// else the working directory) and the config directory under it.
struct Repository {
    root: PathBuf,
    /// The config directory from the root, `/`-terminated; empty at the root.
    prefix: String,
}

impl Repository {
    fn locate(config_dir: &Path) -> Self {
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
        let prefix = if parts.is_empty() {
            String::new()
        } else {
            format!("{}/", parts.join("/"))
        };
        Repository { root, prefix }
    }

    /// A location's file from the repository root. Evidence paths are
    /// relative to the config directory, or absolute where the tool wrote
    /// them so (ruff, clang, gcovr's LCOV): those under the root are made
    /// relative to it, as annotations need; others are left as written.
    fn path(&self, file: &str) -> String {
        let file = file.trim_start_matches("./");
        if file.starts_with('/') {
            return match Path::new(file).strip_prefix(&self.root) {
                Ok(inside) if !self.root.as_os_str().is_empty() => {
                    inside.to_string_lossy().replace('\\', "/")
                }
                _ => file.to_string(),
            };
        }
        format!("{}{file}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_made_relative_to_the_repository_root() {
        let repository = |prefix: &str| Repository {
            root: PathBuf::from("/home/runner/work/pump/pump"),
            prefix: prefix.to_string(),
        };
        let example = repository("examples/cardiosense/");
        assert_eq!(
            example.path("src/alarms.py"),
            "examples/cardiosense/src/alarms.py"
        );
        assert_eq!(
            example.path("./src/alarms.py"),
            "examples/cardiosense/src/alarms.py"
        );
        assert_eq!(repository("").path("src/alarms.py"), "src/alarms.py");
        // Absolute, as ruff and clang write them: from the root when under it.
        assert_eq!(
            example.path("/home/runner/work/pump/pump/src/pump/__init__.py"),
            "src/pump/__init__.py"
        );
        assert_eq!(
            example.path("/home/runner/work/pump/pumpkin/x.c"),
            "/home/runner/work/pump/pumpkin/x.c"
        );
        assert_eq!(example.path("/usr/include/stdio.h"), "/usr/include/stdio.h");
    }
}
