//! Capacity and performance results, for G4's "capacity tests within
//! budget", from the tools teams run them with:
//!
//! * **pytest-benchmark** `--benchmark-json` output: one measurement per
//!   benchmark (named by its `fullname`, `tests/test_perf.py::test_x`) and
//!   statistic (`mean`, `median`, `min`, `max`, in seconds; `ops`, in
//!   operations per second).
//! * **hyperfine** `--export-json` output: one per command and statistic
//!   (`mean`, `median`, `min`, `max`, in seconds).
//!
//! Budgets are not in these files: `[capacity]` in regops.toml sets them,
//! and the host attaches them (docs/release.md).

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::model::{Location, Measurement};

#[derive(Deserialize)]
struct PytestBenchmark {
    benchmarks: Vec<PytestEntry>,
}

#[derive(Deserialize)]
struct PytestEntry {
    name: String,
    #[serde(default)]
    fullname: Option<String>,
    stats: Stats,
}

#[derive(Deserialize)]
struct Stats {
    min: f64,
    max: f64,
    mean: f64,
    median: f64,
    #[serde(default)]
    ops: Option<f64>,
}

#[derive(Deserialize)]
struct Hyperfine {
    results: Vec<HyperfineEntry>,
}

#[derive(Deserialize)]
struct HyperfineEntry {
    command: String,
    mean: f64,
    median: f64,
    min: f64,
    max: f64,
}

/// One measurement per (statistic, value), all in `unit`.
fn push(
    out: &mut Vec<Measurement>,
    ctx: &ParseContext<'_>,
    name: &str,
    unit: &str,
    stats: &[(&str, f64)],
) {
    for (statistic, value) in stats {
        out.push(Measurement {
            name: name.to_string(),
            statistic: statistic.to_string(),
            value: Some(*value),
            unit: unit.to_string(),
            budget_max: None,
            budget_min: None,
            source: Location {
                file: ctx.evidence_path.to_string(),
                line: None,
                column: None,
            },
        });
    }
}

pub fn parse_pytest(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Measurement>,
) -> Result<(), FormatError> {
    let doc: PytestBenchmark = read_json_document(reader)?;
    for b in doc.benchmarks {
        let name = b.fullname.unwrap_or(b.name);
        let s = &b.stats;
        let seconds = [
            ("mean", s.mean),
            ("median", s.median),
            ("min", s.min),
            ("max", s.max),
        ];
        push(out, ctx, &name, "s", &seconds);
        if let Some(ops) = s.ops {
            push(out, ctx, &name, "ops/s", &[("ops", ops)]);
        }
    }
    Ok(())
}

pub fn parse_hyperfine(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Measurement>,
) -> Result<(), FormatError> {
    let doc: Hyperfine = read_json_document(reader)?;
    for r in doc.results {
        let seconds = [
            ("mean", r.mean),
            ("median", r.median),
            ("min", r.min),
            ("max", r.max),
        ];
        push(out, ctx, &r.command, "s", &seconds);
    }
    Ok(())
}
