//! `normalise [--tests F] [--coverage F] [--findings F] [--sbom F]
//! [--vulnerabilities F] [--vex F] [--as FORMAT]...`: loads the files with
//! `regops_evidence::load` (formats detected from content, as `regops check`
//! does, unless `--as` forces one for the file after it) and prints what came
//! out and how long it took. A process to measure peak RSS of with
//! `/usr/bin/time -v`; the last line is machine-readable:
//!
//! `RESULT bytes=<input bytes> records=<model records> load_ms=<ms>`
//!
//! `normalise --bundle F` reads an evidence bundle (`regops evidence`) with
//! the reader `regops check --evidence-bundle` uses (`regops::bundle::read`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use regops_evidence::{Evidence, EvidenceKind, Format, Input, Options, load};

fn read_bundle(path: &std::path::Path) -> Result<Evidence, String> {
    regops::bundle::read(path).map_err(|e| format!("{e:#}"))
}

const USAGE: &str = "usage: normalise [--as FORMAT] --tests|--coverage|--findings|--sbom|--vulnerabilities|--vex FILE ...\n       normalise --bundle BUNDLE.json";

fn main() -> ExitCode {
    let mut inputs = Vec::new();
    let mut forced: Option<Format> = None;
    let mut bundle: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let kind = match arg.as_str() {
            "--tests" => EvidenceKind::Tests,
            "--coverage" => EvidenceKind::Coverage,
            "--findings" => EvidenceKind::Findings,
            "--sbom" => EvidenceKind::Components,
            "--vulnerabilities" => EvidenceKind::Vulnerabilities,
            "--vex" => EvidenceKind::Vex,
            "--bundle" => {
                let Some(path) = args.next() else {
                    eprintln!("normalise: {arg} needs a file\n{USAGE}");
                    return ExitCode::from(2);
                };
                bundle = Some(PathBuf::from(path));
                continue;
            }
            "--as" => {
                let name = args.next().unwrap_or_default();
                match Format::from_name(&name) {
                    Some(f) => forced = Some(f),
                    None => {
                        eprintln!("normalise: unknown format {name:?}");
                        return ExitCode::from(2);
                    }
                }
                continue;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("normalise: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        let Some(path) = args.next().map(PathBuf::from) else {
            eprintln!("normalise: {arg} needs a file\n{USAGE}");
            return ExitCode::from(2);
        };
        inputs.push(Input {
            display: path.display().to_string(),
            path,
            kind,
            format: forced.take(),
        });
    }
    if inputs.is_empty() && bundle.is_none() {
        eprintln!("normalise: no files\n{USAGE}");
        return ExitCode::from(2);
    }
    let bytes: u64 = inputs
        .iter()
        .map(|i| i.path.as_path())
        .chain(bundle.as_deref())
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let options = Options::default();

    let start = Instant::now();
    let loaded = match &bundle {
        Some(path) => read_bundle(path),
        None => load(&inputs, &options).map_err(|e| e.to_string()),
    };
    let evidence = match loaded {
        Ok(evidence) => evidence,
        Err(e) => {
            eprintln!("normalise: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();

    for f in &evidence.files {
        println!("{} ({}, {}): sha256 {}", f.path, f.kind, f.format, f.sha256);
        for w in &f.warnings {
            println!("  warning: {w}");
        }
    }
    let counts = [
        ("tests", evidence.tests.len()),
        ("coverage files", evidence.coverage.len()),
        ("findings", evidence.findings.len()),
        ("components", evidence.components.len()),
        ("vulnerabilities", evidence.vulnerabilities.len()),
        ("vex statements", evidence.vex.len()),
    ];
    for (what, n) in counts.iter().filter(|(_, n)| *n > 0) {
        println!("{n:>9} {what}");
    }
    let records: usize = counts.iter().map(|(_, n)| n).sum();
    let secs = elapsed.as_secs_f64();
    println!(
        "{:.1} MB in {:.1} ms: {:.0} MB/s",
        bytes as f64 / 1e6,
        secs * 1e3,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    println!(
        "RESULT bytes={bytes} records={records} load_ms={:.3}",
        secs * 1e3
    );
    // Keep the model alive until here so peak RSS includes it.
    drop(evidence);
    ExitCode::SUCCESS
}
