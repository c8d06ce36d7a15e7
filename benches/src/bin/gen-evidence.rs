//! `gen-evidence --size small|large --out DIR [--seed N]`: writes a full,
//! deterministic evidence set (JUnit from pytest and Surefire, Cobertura,
//! SARIF, CycloneDX JSON, pip-audit JSON) and a `regops.toml` pointing at it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use regops_bench::{Sizes, write_set};

const USAGE: &str = "usage: gen-evidence --size small|large --out DIR [--seed N]";

fn main() -> ExitCode {
    let mut size = None;
    let mut out = None;
    let mut seed = 1u64;
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
    let files = match write_set(&out, &sizes, seed) {
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
    println!("  regops.toml");
    ExitCode::SUCCESS
}
