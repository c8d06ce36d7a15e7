//! `gen-evidence --size small|large|scale --out DIR [--faults random|none|few]
//! [--seed N]`: writes a full, deterministic evidence set (JUnit from pytest
//! and Surefire, Cobertura, JaCoCo, SARIF, CycloneDX JSON, pip-audit,
//! OSV-Scanner, OpenVEX) and a `regops.toml` pointing at one file per kind.
//! `--faults` picks what fails (default `random`, see `Faults`). `--size
//! scale` writes only the line-level scale case: `coverage.xml`, a Cobertura
//! report of 5M lines.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use regops_bench::{Faults, Sizes, write_scale, write_set};

const USAGE: &str =
    "usage: gen-evidence --size small|large|scale --out DIR [--faults random|none|few] [--seed N]";

fn main() -> ExitCode {
    let mut size = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut faults = Faults::Random;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let parsed = match arg.as_str() {
            "--size" => value().and_then(|v| {
                Sizes::by_name(&v)
                    .map(|s| size = Some((v.clone(), s)))
                    .ok_or(format!("unknown size {v:?}"))
            }),
            "--out" => value().map(|v| out = Some(PathBuf::from(v))),
            "--faults" => value().and_then(|v| {
                Faults::by_name(&v)
                    .map(|f| faults = f)
                    .ok_or(format!("unknown --faults {v:?} (random, none, few)"))
            }),
            "--seed" => value().and_then(|v| {
                v.parse()
                    .map(|s| seed = s)
                    .map_err(|e| format!("--seed {v}: {e}"))
            }),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}")),
        };
        if let Err(e) = parsed {
            eprintln!("gen-evidence: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some((size_name, sizes)), Some(out)) = (size, out) else {
        eprintln!("gen-evidence: --size and --out are required\n{USAGE}");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let written = if sizes == Sizes::SCALE {
        write_scale(&out, &sizes, seed)
    } else {
        write_set(&out, &sizes, faults, seed)
    };
    let files = match written {
        Ok(files) => files,
        Err(e) => {
            eprintln!("gen-evidence: writing into {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{size_name} set in {} ({} ms):",
        out.display(),
        start.elapsed().as_millis()
    );
    for f in &files {
        println!(
            "  {:<20} {:<16} {:>9} records {:>10.2} MB",
            f.path.file_name().unwrap_or_default().to_string_lossy(),
            f.format,
            f.records,
            f.bytes as f64 / 1e6
        );
    }
    if sizes != Sizes::SCALE {
        println!("  regops.toml (faults: {faults:?})");
    }
    ExitCode::SUCCESS
}
