//! Command-line interface: `regops check`, `regops evidence`, `regops policy list`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::report::{json, text};

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
    },
    /// Print the normalised evidence as JSON (`regops.evidence/v1`).
    Evidence {
        /// The configuration file naming the evidence.
        #[arg(long, default_value = "regops.toml")]
        config: PathBuf,
    },
    /// Built-in gate policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the built-in gates with their versions and SHA-256 digests.
    List,
}

/// `regops evidence` output: the schema id first, then the evidence.
#[derive(serde::Serialize)]
struct EvidenceBundle<'a> {
    schema: &'static str,
    #[serde(flatten)]
    evidence: &'a regops_evidence::Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Check {
            config,
            format,
            output,
        } => {
            let report = crate::check::check(&config)?;
            let rendered = match format {
                ReportFormat::Text => text::render(&report),
                ReportFormat::Json => json::render(&report),
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, rendered)
                        .with_context(|| format!("writing the report to {}", path.display()))?;
                    eprint!("{}", text::render(&report));
                }
                None => std::io::stdout().write_all(rendered.as_bytes())?,
            }
            Ok(report.exit_code())
        }
        Command::Evidence { config } => {
            let config = Config::load(&config)?;
            let inputs = crate::collect::inputs(&config)?;
            let evidence = regops_evidence::load(&inputs, &regops_evidence::Options::default())?;
            let bundle = EvidenceBundle {
                schema: "regops.evidence/v1",
                evidence: &evidence,
            };
            let mut out = serde_json::to_string_pretty(&bundle)?;
            out.push('\n');
            std::io::stdout().write_all(out.as_bytes())?;
            Ok(EXIT_PASS)
        }
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
    }
}
