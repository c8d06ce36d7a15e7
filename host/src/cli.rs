//! Command-line interface: `regops check`, `regops evidence`, `regops policy list`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use regops_evidence::Format;

use crate::check::RunOptions;
use crate::config::{Config, SafetyClass};
use crate::publish::Published;
use crate::report::{Report, github, json, text};
use crate::waivers::Date;

/// Every gate passed (warnings allowed).
pub const EXIT_PASS: i32 = 0;
/// A gate could not be evaluated, or the configuration or evidence is unusable.
pub const EXIT_UNEVALUABLE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "regops",
    version,
    about = "Quality gates for regulated (IEC 62304) software"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect and normalise evidence, evaluate every gate, report.
    /// Exit 0: all gates passed; 1: a gate failed; 2: could not evaluate.
    Check {
        /// The configuration file; evidence paths are relative to its directory.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
        /// Report format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Write the report here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Judge a saved evidence bundle (from `regops evidence`) instead of
        /// the files `[evidence]` names.
        #[arg(long, value_name = "FILE")]
        evidence_bundle: Option<PathBuf>,
        /// Judge waivers as of this date (YYYY-MM-DD) instead of today (UTC).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// Run only this gate (repeatable, e.g. `--gate ci --gate change`);
        /// default: every gate under [gates], and `ci`.
        #[arg(long = "gate", value_name = "ID")]
        gates: Vec<String>,
        /// Judge at this safety class instead of the configuration's.
        #[arg(long, value_enum)]
        safety_class: Option<ClassArg>,
        /// Publish one check run per gate through the GitHub Checks API
        /// (GITHUB_TOKEN with `checks: write`), after writing the verdicts.
        #[arg(long)]
        github: bool,
        /// Replay the decision of a saved JSON report: its date, safety
        /// class and gates, over the evidence it lists (verified by digest)
        /// or `--evidence-bundle`. Exit 0: verdicts identical; 1: they differ.
        #[arg(long, value_name = "REPORT", conflicts_with_all = ["date", "gates", "safety_class", "github", "format", "output"])]
        replay: Option<PathBuf>,
        /// Pull OCI tags by the manifest digest regops.lock recorded instead
        /// of resolving them again (the default when CI is set).
        #[arg(long)]
        locked: bool,
    },
    /// Print the normalised evidence as JSON (`regops.evidence/v1`): the
    /// files `[evidence]` names, or the FILES given.
    Evidence {
        /// The configuration file naming the evidence.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
        /// Read FILES as this format instead of detecting it.
        #[arg(long = "as", value_name = "FORMAT")]
        format: Option<String>,
        /// Evidence files to normalise, instead of the configuration's.
        files: Vec<PathBuf>,
    },
    /// Write the release record (release-record.json, .md, and an in-toto
    /// statement for actions/attest), or verify one with --verify.
    Record {
        /// The configuration file; evidence paths are relative to its directory.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
        /// The version released (semantic version, e.g. 2.4.1); default:
        /// [release] version, else the tag without its `v`.
        #[arg(long = "version", value_name = "X.Y.Z")]
        release_version: Option<String>,
        /// The UDI-DI of the release.
        #[arg(long)]
        udi_di: Option<String>,
        /// The commit released (default: GITHUB_SHA, else `git rev-parse HEAD`).
        #[arg(long)]
        commit: Option<String>,
        /// A released artefact to hash (repeatable).
        #[arg(long = "artifact", value_name = "FILE")]
        artifacts: Vec<PathBuf>,
        /// Where to write the record.
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
        /// Run only this gate (repeatable); default as for `check`.
        #[arg(long = "gate", value_name = "ID")]
        gates: Vec<String>,
        /// Re-hash every file a record lists and report what changed.
        #[arg(long, value_name = "RECORD", conflicts_with = "release_version")]
        verify: Option<PathBuf>,
    },
    /// Write the requirements traceability matrix: each requirement and
    /// risk control, the tests naming it and their results, suspect links,
    /// and tests naming unknown requirements.
    Trace {
        /// The configuration file naming the evidence.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TraceFormat::Markdown)]
        format: TraceFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Gate policies: list, inspect, lock, push.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Scaffold a new gate: source, fixtures, a README and a CI workflow,
    /// built against the contract of this regops (docs/authoring.md).
    New {
        /// The gate id (lowercase kebab-case, e.g. `coverage-plus`).
        name: String,
        /// The language to write it in.
        #[arg(long, value_enum, default_value = "rust")]
        lang: crate::author::Lang,
        /// Where to create it (default: ./<name>).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Build a gate's component, `dist/<gate>.wasm`, importing nothing but
    /// the regops:gate contract; prints its path.
    Build {
        /// The gate's directory (with policy.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build a gate and judge its fixtures (fixtures/*/fixture.toml) as
    /// `regops check` would. Exit 0: all as expected; 1: a verdict differs
    /// (shown as a diff); 2: a fixture could not be judged.
    Test {
        /// The gate's directory (with policy.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Rewrite each fixture's [expect] with the verdict it got.
        #[arg(long)]
        update: bool,
        /// Judge this component instead of building the gate.
        #[arg(long, value_name = "FILE")]
        component: Option<PathBuf>,
    },
    /// List the built-in gates with their versions and SHA-256 digests.
    List,
    /// Show a gate's metadata, contract version, imports and exports,
    /// clauses, evidence, parameters (with per-class defaults) and checks.
    Inspect {
        /// A built-in gate id (`ci`), `builtin:<id>`, a component file, or
        /// an `https://` or `oci://` reference.
        gate: String,
    },
    /// Pin every gate the configuration runs (built-in or by path) in
    /// regops.lock next to it: source, SHA-256, contract version, size.
    Lock {
        /// The configuration file; regops.lock is written next to it.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
        /// Resolve every reference again and compare with regops.lock
        /// without writing it. Exit 2 when they differ (a moved tag, a
        /// changed component, an unpinned gate).
        #[arg(long)]
        check: bool,
    },
    /// Push a gate component to an OCI registry in the CNCF WebAssembly
    /// artifact layout, and print the reference to pin.
    Push {
        /// The component file (`.wasm`).
        file: PathBuf,
        /// Where to push: `oci://registry/repo:tag`.
        reference: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    Markdown,
    Html,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassArg {
    A,
    B,
    C,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// The job summary, step outputs and annotations of a GitHub Actions step.
fn publish_to_actions(
    report: &Report,
    report_path: Option<&str>,
    stdout_is_text: bool,
) -> anyhow::Result<()> {
    let append = |var: &str, text: &str| -> anyhow::Result<()> {
        let Some(path) = std::env::var_os(var) else {
            return Ok(());
        };
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .with_context(|| format!("opening ${var} ({})", PathBuf::from(&path).display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("writing ${var}"))
    };
    append("GITHUB_STEP_SUMMARY", &github::job_summary(report))?;
    append("GITHUB_OUTPUT", &github::outputs(report, report_path))?;
    let commands: String = github::annotations(report)
        .iter()
        .map(|c| format!("{c}\n"))
        .collect();
    if stdout_is_text {
        std::io::stdout().write_all(commands.as_bytes())?;
    } else {
        std::io::stderr().write_all(commands.as_bytes())?;
    }
    Ok(())
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date like 2027-01-31"))
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Check {
            config,
            format,
            output,
            evidence_bundle,
            date,
            gates,
            safety_class,
            github: publish,
            replay,
            locked,
        } => {
            if locked {
                crate::lock::set_locked();
            }
            if let Some(report) = replay {
                let config = Config::load(&config)?;
                return crate::replay::run(&config, &report, evidence_bundle.as_deref());
            }
            let options = RunOptions {
                date: date.unwrap_or_else(Date::today),
                gates,
            };
            let timer = crate::timings::start();
            let mut config = Config::load(&config)?;
            crate::timings::done("config", timer);
            if let Some(class) = safety_class {
                config.safety_class = match class {
                    ClassArg::A => SafetyClass::A,
                    ClassArg::B => SafetyClass::B,
                    ClassArg::C => SafetyClass::C,
                };
            }
            let judged = match evidence_bundle {
                Some(bundle) => {
                    let timer = crate::timings::start();
                    let evidence = crate::bundle::read(&bundle)?;
                    crate::timings::done("evidence (bundle)", timer);
                    crate::check::evaluate_keeping(&config, |_| Ok(evidence), options)?
                }
                None => crate::check::evaluate_keeping(
                    &config,
                    |kinds| crate::check::gather(&config, kinds),
                    options,
                )?,
            };
            // The process exits once the report is out: the evidence, which
            // can take tens of milliseconds to free, is left to the exit.
            let crate::check::Judged { report, evidence } = judged;
            std::mem::forget(evidence);
            let timer = crate::timings::start();
            let rendered = match format {
                ReportFormat::Text => text::render(&report),
                ReportFormat::Json => json::render(&report),
            };
            crate::timings::done("report", timer);
            let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
            let report_path = output.as_ref().map(|p| p.display().to_string());
            // The verdicts are written locally before anything is published.
            let text_on_stdout = output.is_none() && format == ReportFormat::Text;
            match &output {
                Some(path) => {
                    std::fs::write(path, &rendered)
                        .with_context(|| format!("writing the report to {}", path.display()))?;
                }
                None if in_actions && text_on_stdout => {
                    let token = crate::digest::sha256_hex(
                        format!("{:?}{}", std::time::SystemTime::now(), std::process::id())
                            .as_bytes(),
                    );
                    print!("{}", github::without_commands(&rendered, &token[..20]));
                }
                None => std::io::stdout().write_all(rendered.as_bytes())?,
            }
            if output.is_some() {
                eprint!("{}", text::render(&report));
            }
            if in_actions {
                publish_to_actions(&report, report_path.as_deref(), text_on_stdout)?;
            }
            if publish {
                match crate::publish::check_runs(&report, &config.dir)
                    .context("publishing check runs (the verdicts above were written first)")?
                {
                    Published::Done(runs) => {
                        for run in runs {
                            eprintln!("published check run {run}");
                        }
                    }
                    Published::NotPermitted(message) => {
                        eprintln!(
                            "check runs were not published: {message}. The verdicts still gate through the exit status."
                        );
                        crate::publish::note_in_summary(&message)?;
                    }
                }
            }
            Ok(report.exit_code())
        }
        Command::Evidence {
            config,
            format,
            files,
        } => {
            let forced = match format {
                None => None,
                Some(name) => Some(Format::from_name(&name).ok_or_else(|| {
                    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                    anyhow::anyhow!(
                        "unknown format `{name}` for --as; formats: {}",
                        names.join(", ")
                    )
                })?),
            };
            let evidence = if files.is_empty() {
                let config = Config::load(&config)?;
                let mut collected = crate::collect::inputs(&config)?;
                if forced.is_some() {
                    collected.inputs.iter_mut().for_each(|i| i.format = forced);
                }
                let mut evidence =
                    regops_evidence::load(&collected.inputs, &config.evidence_options())?;
                collected.apply_test_levels(&mut evidence);
                crate::change::gather(&config, &mut evidence)?;
                evidence
            } else {
                let inputs = files
                    .iter()
                    .map(|path| crate::collect::input_for_file(path, forced))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                regops_evidence::load(&inputs, &regops_evidence::Options::default())?
            };
            std::io::stdout().write_all(crate::bundle::render(&evidence)?.as_bytes())?;
            Ok(EXIT_PASS)
        }
        Command::Record {
            verify: Some(record),
            ..
        } => {
            let verification = crate::record::verify(&record)?;
            for problem in &verification.problems {
                println!("CHANGED {problem}");
            }
            if verification.problems.is_empty() {
                println!(
                    "{}: all {} listed files match their recorded SHA-256",
                    record.display(),
                    verification.checked
                );
                Ok(EXIT_PASS)
            } else {
                println!(
                    "{}: {} of {} listed files differ from the record",
                    record.display(),
                    verification.problems.len(),
                    verification.checked
                );
                Ok(1)
            }
        }
        Command::Record {
            config,
            release_version,
            udi_di,
            commit,
            artifacts,
            out_dir,
            gates,
            verify: None,
        } => {
            let config = Config::load(&config)?;
            let code = crate::record::write(
                &config,
                crate::record::RecordOptions {
                    version: release_version.unwrap_or_default(),
                    udi_di,
                    commit,
                    artifacts,
                    out_dir: out_dir.clone(),
                    run: RunOptions {
                        date: Date::today(),
                        gates,
                    },
                },
            )?;
            eprintln!(
                "wrote {0}/release-record.json, {0}/release-record.md and {0}/release-record.intoto.json",
                out_dir.display()
            );
            Ok(code)
        }
        Command::Trace {
            config,
            format,
            output,
        } => {
            let config = Config::load(&config)?;
            let collected = crate::collect::inputs(&config)?;
            let evidence = regops_evidence::load(&collected.inputs, &config.evidence_options())?;
            let matrix = crate::trace::build(&evidence);
            let rendered = match format {
                TraceFormat::Markdown => matrix.markdown(&config.product),
                TraceFormat::Html => matrix.html(&config.product),
                TraceFormat::Csv => matrix.csv()?,
            };
            match output {
                Some(path) => std::fs::write(&path, rendered)
                    .with_context(|| format!("writing the matrix to {}", path.display()))?,
                None => std::io::stdout().write_all(rendered.as_bytes())?,
            }
            Ok(EXIT_PASS)
        }
        Command::Policy {
            command: PolicyCommand::New { name, lang, dir },
        } => crate::author::run_new(&name, lang, dir.as_deref()),
        Command::Policy {
            command: PolicyCommand::Build { dir },
        } => crate::author::run_build(&dir),
        Command::Policy {
            command:
                PolicyCommand::Test {
                    dir,
                    update,
                    component,
                },
        } => crate::author::run_test(&crate::author::TestOptions {
            dir,
            update,
            component,
        }),
        Command::Policy {
            command: PolicyCommand::List,
        } => {
            let sandbox = crate::policy::Sandbox::new(Default::default())?;
            for builtin in crate::policy::BUILTINS {
                let policy = sandbox.load_builtin(builtin).map_err(anyhow::Error::msg)?;
                println!(
                    "builtin:{:<6} {:<32} {:<8} sha256:{}",
                    builtin.id, policy.info.name, policy.info.version, builtin.sha256
                );
            }
            Ok(EXIT_PASS)
        }
        Command::Policy {
            command: PolicyCommand::Inspect { gate },
        } => {
            let policy = crate::inspect::load(&gate)?;
            print!("{}", crate::inspect::render(&policy));
            Ok(EXIT_PASS)
        }
        Command::Policy {
            command: PolicyCommand::Lock { config, check },
        } => {
            let config = Config::load(&config)?;
            if check {
                crate::lock::check(&config)
            } else {
                crate::lock::write(&config)
            }
        }
        Command::Policy {
            command: PolicyCommand::Push { file, reference },
        } => crate::policy::oci::push_file(&file, &reference),
    }
}
