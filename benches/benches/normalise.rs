//! Normalisation throughput on large generated files, the sizes of the
//! acceptance target: a 100k-case JUnit file (pytest and Surefire dialects), a
//! 50k-result SARIF log, a 10k-component CycloneDX SBOM and a Cobertura report
//! of 1M `<line>` elements. Files are generated once per run into a temporary
//! directory; each iteration is a full `regops_evidence::load` (open, hash,
//! detect, parse) from the page cache. Throughput is reported in bytes.
//!
//! `cargo bench -p regops-bench --bench normalise`

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use regops_bench::{JunitDialect, cobertura, cyclonedx, junit, sarif};
use regops_evidence::{EvidenceKind, Format, Input, Options, load};

struct Case {
    name: &'static str,
    kind: EvidenceKind,
    format: &'static str,
    path: PathBuf,
    bytes: u64,
}

fn generate(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<usize>,
) -> io::Result<(PathBuf, u64)> {
    let path = dir.join(name);
    let mut w = BufWriter::with_capacity(1 << 16, File::create(&path)?);
    write(&mut w)?;
    w.flush()?;
    let bytes = std::fs::metadata(&path)?.len();
    Ok((path, bytes))
}

fn cases(dir: &Path) -> io::Result<Vec<Case>> {
    type Gen = Box<dyn FnOnce(&mut dyn Write) -> io::Result<usize>>;
    let plan: Vec<(&str, EvidenceKind, &str, &str, Gen)> = vec![
        (
            "junit_pytest_100k",
            EvidenceKind::Tests,
            "junit",
            "junit-pytest.xml",
            Box::new(|w| junit(w, JunitDialect::Pytest, 100_000, 1)),
        ),
        (
            "junit_surefire_100k",
            EvidenceKind::Tests,
            "junit",
            "junit-surefire.xml",
            Box::new(|w| junit(w, JunitDialect::Surefire, 100_000, 2)),
        ),
        (
            "sarif_50k",
            EvidenceKind::Findings,
            "sarif",
            "codeql.sarif",
            Box::new(|w| sarif(w, 50_000, 3)),
        ),
        (
            "cyclonedx_10k",
            EvidenceKind::Components,
            "cyclonedx-json",
            "bom.cdx.json",
            Box::new(|w| cyclonedx(w, 10_000, 4)),
        ),
        (
            "cobertura_1m_lines",
            EvidenceKind::Coverage,
            "cobertura",
            "coverage.xml",
            Box::new(|w| cobertura(w, 5_000, 200, 5)),
        ),
    ];
    let mut out = Vec::new();
    for (name, kind, format, file, write) in plan {
        if Format::from_name(format).is_none() {
            println!("note: {name} skipped: regops-evidence has no `{format}` format yet");
            continue;
        }
        let (path, bytes) = generate(dir, file, write)?;
        out.push(Case {
            name,
            kind,
            format,
            path,
            bytes,
        });
    }
    Ok(out)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("regops-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the temporary directory");
    let cases = cases(&dir).expect("generate the benchmark files");
    let options = Options::default();

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = c.benchmark_group("normalise");
    group.sampling_mode(SamplingMode::Flat);
    for case in &cases {
        let input = Input {
            path: case.path.clone(),
            display: case.name.to_string(),
            kind: case.kind,
            format: None,
        };
        group.throughput(Throughput::Bytes(case.bytes));
        group.bench_with_input(
            BenchmarkId::new(case.name, format!("{:.1}MB", case.bytes as f64 / 1e6)),
            &input,
            |b, input| {
                // The model's drop is not part of normalising it.
                b.iter_with_large_drop(|| {
                    load(std::slice::from_ref(input), &options)
                        .unwrap_or_else(|e| panic!("{}: {e}", case.format))
                })
            },
        );
    }
    group.finish();
    c.final_summary();
    let _ = std::fs::remove_dir_all(&dir);
}
