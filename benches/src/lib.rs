//! Evidence generators for benchmarks.
//!
//! Each generator writes a file in a real tool's format, shaped like what that
//! tool writes (attribute sets, nesting, the bulky parts parsers must skip),
//! because a benchmark on a skeletal file measures a parser nobody runs.
//! Output is deterministic: a seeded xorshift picks names, outcomes and
//! numbers, so two runs with the same seed write identical bytes.
//!
//! * [`junit`]: pytest (`--junitxml`, xunit1: one `pytest` suite, `file` and
//!   `line` attributes, `record_property` requirement ids) or Maven Surefire
//!   (one suite per test class with its ~40 JVM properties, CDATA stack
//!   traces, `system-out`, reruns), aggregated under `<testsuites>`.
//! * [`sarif`]: a CodeQL-like SARIF 2.1.0 log: rules with
//!   `defaultConfiguration`, help text and `security-severity`; results with
//!   `ruleIndex`, regions, `partialFingerprints`, related locations, some code
//!   flows and in-source suppressions.
//! * [`cobertura`]: coverage.py's Cobertura XML, line level, with branch
//!   `condition-coverage` and `missing-branches`.
//! * [`cyclonedx`]: a CycloneDX 1.5 JSON SBOM as cdxgen / syft write it:
//!   components with purls, licences, hashes, external references, and a
//!   dependency graph.
//! * [`pip_audit`]: `pip-audit -f json`: every dependency, most without
//!   vulnerabilities, a few skipped.
//! * [`jacoco`]: a JaCoCo XML report with per-file (`<sourcefile>`) and
//!   per-class counters, no `<line>` elements: the same per-file counts the
//!   evidence bundle holds.
//! * [`osv_scanner`] and [`openvex`]: an `osv-scanner --format json` report
//!   with CVSS vectors and GHSA severity words, and the OpenVEX document
//!   assessing its vulnerabilities (see [`VulnPlan`]).
//!
//! [`Faults`] picks what fails: realistic random rates, nothing, or a few
//! injected failures of the G1 gate (see `docs/performance.md`).

pub mod rego;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use regops_evidence::EvidenceKind;

/// A tiny xorshift64* generator: deterministic, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Never zero, and nearby seeds diverge at once.
        Rng((seed ^ 0x2545_F491_4F6C_DD1D).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Uniform index into a collection of `len` items.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Lowercase hex of `bytes` random bytes.
    pub fn hex(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        while s.len() < bytes * 2 {
            let _ = write!(s, "{:016x}", self.next_u64());
        }
        s.truncate(bytes * 2);
        s
    }
}

/// How much evidence a generated set holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Test cases in each JUnit file (one per dialect).
    pub tests: usize,
    /// Files in the Cobertura report.
    pub covered_files: usize,
    /// Executable lines per covered file.
    pub lines_per_file: usize,
    /// Results in the SARIF log.
    pub findings: usize,
    /// Components in the CycloneDX SBOM.
    pub components: usize,
    /// Vulnerabilities in the pip-audit report, and in the OSV-Scanner
    /// report that the OpenVEX document assesses.
    pub vulnerabilities: usize,
    /// Distinct requirement ids (`REQ-0001`...) the pytest cases reference
    /// through `requirements` properties (regops has no requirements
    /// normaliser yet: these are the ids tests verify).
    pub requirements: usize,
}

impl Sizes {
    pub const SMALL: Sizes = Sizes {
        tests: 200,
        covered_files: 50,
        lines_per_file: 200,
        findings: 20,
        components: 100,
        vulnerabilities: 5,
        requirements: 50,
    };

    /// 100k tests, 5k files × 200 lines (1M `<line>` elements), 50k findings,
    /// 10k components, 2k vulnerabilities, 5k requirements.
    pub const LARGE: Sizes = Sizes {
        tests: 100_000,
        covered_files: 5_000,
        lines_per_file: 200,
        findings: 50_000,
        components: 10_000,
        vulnerabilities: 2_000,
        requirements: 5_000,
    };

    /// The line-level scale case: one Cobertura report of 25k files × 200
    /// lines (5M `<line>` elements, ~230 MB); see [`write_scale`].
    pub const SCALE: Sizes = Sizes {
        tests: 0,
        covered_files: 25_000,
        lines_per_file: 200,
        findings: 0,
        components: 0,
        vulnerabilities: 0,
        requirements: 0,
    };

    pub fn by_name(name: &str) -> Option<Sizes> {
        match name {
            "small" => Some(Sizes::SMALL),
            "large" => Some(Sizes::LARGE),
            "scale" => Some(Sizes::SCALE),
            _ => None,
        }
    }
}

/// What the generated evidence gets wrong, for the G1 gate at class B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Faults {
    /// Realistic random rates: ~2 % of tests fail, 0.5 % error, 3 % are
    /// skipped; ~30 % of SARIF results are unsuppressed errors; one
    /// vulnerability in ten has no VEX statement, some statements are
    /// `affected` or `under_investigation` or lack a justification.
    Random,
    /// A clean run: every test passes, line coverage ~85 %, every error-level
    /// result is suppressed with a justification, every vulnerability is
    /// assessed (`not_affected` with a justification, or `fixed`).
    None,
    /// [`Faults::None`] plus a few injected failures: 2 failed and 1 errored
    /// test, line coverage ~57 % (below class B's 70 %), 2 unsuppressed
    /// error-level results, and 1 high-severity vulnerability no VEX
    /// statement assesses.
    Few,
}

impl Faults {
    pub fn by_name(name: &str) -> Option<Faults> {
        match name {
            "random" => Some(Faults::Random),
            "none" => Some(Faults::None),
            "few" => Some(Faults::Few),
            _ => None,
        }
    }
}

/// One file of a generated set.
#[derive(Debug, Clone)]
pub struct Generated {
    pub path: PathBuf,
    /// The `[evidence]` key in `regops.toml` (`sbom` for components).
    pub key: &'static str,
    pub kind: EvidenceKind,
    /// The regops format name (`Format::from_name`).
    pub format: &'static str,
    /// Records the normaliser should produce from it.
    pub records: usize,
    pub bytes: u64,
}

/// Writes a full evidence set into `dir` plus a `regops.toml` pointing at it.
///
/// Every file is in a real tool's format. `regops.toml` (the set G1 judges,
/// and the one `benches/compare.sh` compares with Rego) names one file per
/// kind: the pytest JUnit report, the JaCoCo report (per-file counters: what
/// the bundle holds too), SARIF, CycloneDX, OSV-Scanner and OpenVEX. The
/// Surefire JUnit, line-level Cobertura and pip-audit files are written for
/// the per-format normalisation benchmarks (`benches/run.sh`) only.
pub fn write_set(
    dir: &Path,
    sizes: &Sizes,
    faults: Faults,
    seed: u64,
) -> io::Result<Vec<Generated>> {
    std::fs::create_dir_all(dir)?;
    type Writer = fn(&mut dyn Write, &Sizes, Faults, u64) -> io::Result<usize>;
    // (file, key in regops.toml or "" for none, kind, format, writer)
    let plan: [(&str, &'static str, EvidenceKind, &'static str, Writer); 9] = [
        (
            "junit-pytest.xml",
            "tests",
            EvidenceKind::Tests,
            "junit",
            |w, s, f, seed| junit_pytest_set(w, s.tests, s.requirements, f, seed),
        ),
        (
            "junit-surefire.xml",
            "",
            EvidenceKind::Tests,
            "junit",
            |w, s, _, seed| junit(w, JunitDialect::Surefire, s.tests, seed),
        ),
        (
            "coverage.xml",
            "",
            EvidenceKind::Coverage,
            "cobertura",
            |w, s, _, seed| cobertura(w, s.covered_files, s.lines_per_file, seed),
        ),
        (
            "jacoco.xml",
            "coverage",
            EvidenceKind::Coverage,
            "jacoco",
            |w, s, f, seed| jacoco(w, s.covered_files, s.lines_per_file, f, seed),
        ),
        (
            "codeql.sarif",
            "findings",
            EvidenceKind::Findings,
            "sarif",
            |w, s, f, seed| sarif_with(w, s.findings, f, seed),
        ),
        (
            "bom.cdx.json",
            "sbom",
            EvidenceKind::Components,
            "cyclonedx-json",
            |w, s, _, seed| cyclonedx(w, s.components, seed),
        ),
        (
            "pip-audit.json",
            "",
            EvidenceKind::Vulnerabilities,
            "pip-audit",
            |w, s, _, seed| pip_audit(w, s.vulnerabilities, seed),
        ),
        (
            "osv-scanner.json",
            "vulnerabilities",
            EvidenceKind::Vulnerabilities,
            "osv-scanner",
            |w, s, f, seed| osv_scanner(w, &VulnPlan::new(s.vulnerabilities, f, seed)),
        ),
        (
            "vex.openvex.json",
            "vex",
            EvidenceKind::Vex,
            "openvex",
            // The plan's seed is the OSV report's (one index before).
            |w, s, f, seed| {
                openvex(
                    w,
                    &VulnPlan::new(s.vulnerabilities, f, seed.wrapping_sub(1)),
                )
            },
        ),
    ];
    let mut out = Vec::new();
    for (i, (name, key, kind, format, write)) in plan.into_iter().enumerate() {
        let path = dir.join(name);
        let mut w = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        let records = write(&mut w, sizes, faults, seed.wrapping_add(i as u64))?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        let bytes = std::fs::metadata(&path)?.len();
        out.push(Generated {
            path,
            key,
            kind,
            format,
            records,
            bytes,
        });
    }
    std::fs::write(dir.join("regops.toml"), regops_toml(&out, sizes, faults))?;
    Ok(out)
}

/// Writes the line-level scale case into `dir`: `coverage.xml`, a
/// coverage.py Cobertura report of `sizes.covered_files` ×
/// `sizes.lines_per_file` lines ([`Sizes::SCALE`]: 5M lines).
pub fn write_scale(dir: &Path, sizes: &Sizes, seed: u64) -> io::Result<Vec<Generated>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("coverage.xml");
    let mut w = BufWriter::with_capacity(1 << 16, File::create(&path)?);
    let records = cobertura(&mut w, sizes.covered_files, sizes.lines_per_file, seed)?;
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    let bytes = std::fs::metadata(&path)?.len();
    Ok(vec![Generated {
        path,
        key: "coverage",
        kind: EvidenceKind::Coverage,
        format: "cobertura",
        records,
        bytes,
    }])
}

fn regops_toml(files: &[Generated], sizes: &Sizes, faults: Faults) -> String {
    let mut s = format!(
        "# Generated by gen-evidence ({} tests, {} covered files, {} findings, {} components, \
         {} vulnerabilities, {} requirement ids; faults: {faults:?}).\n\
         product = \"Benchmark Infusion Pump\"\n\
         safety-class = \"B\"\n\n[evidence]\n",
        sizes.tests,
        sizes.covered_files,
        sizes.findings,
        sizes.components,
        sizes.vulnerabilities,
        sizes.requirements
    );
    for key in [
        "tests",
        "coverage",
        "findings",
        "sbom",
        "vulnerabilities",
        "vex",
    ] {
        let names: Vec<String> = files
            .iter()
            .filter(|f| f.key == key)
            .map(|f| {
                let name = f.path.file_name().unwrap_or_default().to_string_lossy();
                format!("\"{name}\"")
            })
            .collect();
        let _ = writeln!(s, "{key} = [{}]", names.join(", "));
    }
    // No SOUP register is generated: its two checks are advisory (`warn`)
    // instead of failing on every run.
    s.push_str(
        "\n[gates.ci.params.B]\nrequire-soup-register = false\nrequire-soup-review = false\n",
    );
    s
}

// ---------------------------------------------------------------------------
// Shared vocabulary

const WORDS: &[&str] = &[
    "alarm",
    "bolus",
    "battery",
    "occlusion",
    "flow",
    "rate",
    "pressure",
    "sensor",
    "display",
    "keypad",
    "dose",
    "limit",
    "drug",
    "library",
    "audit",
    "log",
    "wireless",
    "sync",
    "pump",
    "motor",
    "valve",
    "air",
    "bubble",
    "detector",
    "watchdog",
    "timer",
    "config",
    "profile",
    "user",
    "session",
    "checksum",
    "firmware",
    "update",
    "therapy",
    "infusion",
    "volume",
    "titration",
    "door",
    "latch",
    "power",
];

const PACKAGES: &[&str] = &[
    "alarms",
    "dosing",
    "hardware",
    "comms",
    "storage",
    "ui",
    "safety",
    "therapy",
    "diagnostics",
    "util",
];

fn words(rng: &mut Rng, n: usize, sep: &str) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn camel(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..n {
        let w = rng.pick(WORDS);
        let mut c = w.chars();
        if let Some(first) = c.next() {
            s.extend(first.to_uppercase());
            s.push_str(c.as_str());
        }
    }
    s
}

/// Escapes text for an XML attribute value or element content.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON string literal, quotes included.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn timestamp(rng: &mut Rng) -> String {
    format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}",
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59)
    )
}

// ---------------------------------------------------------------------------
// JUnit

/// Which producer's JUnit XML to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JunitDialect {
    /// pytest `--junitxml` (xunit1 family, pytest ≥ 7).
    Pytest,
    /// Maven Surefire reports, merged under one `<testsuites>`.
    Surefire,
}

/// Writes `cases` test cases; returns `cases`.
pub fn junit(
    w: &mut dyn Write,
    dialect: JunitDialect,
    cases: usize,
    seed: u64,
) -> io::Result<usize> {
    let mut rng = Rng::new(seed);
    match dialect {
        JunitDialect::Pytest => junit_pytest(w, cases, 400, Faults::Random, &mut rng)?,
        JunitDialect::Surefire => junit_surefire(w, cases, &mut rng)?,
    }
    Ok(cases)
}

/// pytest JUnit XML whose cases reference requirement ids `REQ-0001` to
/// `REQ-{requirements}` and whose outcomes follow `faults`; returns `cases`.
pub fn junit_pytest_set(
    w: &mut dyn Write,
    cases: usize,
    requirements: usize,
    faults: Faults,
    seed: u64,
) -> io::Result<usize> {
    junit_pytest(w, cases, requirements, faults, &mut Rng::new(seed))?;
    Ok(cases)
}

/// The injected outcome of case `i` of `cases` under [`Faults::Few`].
fn injected_outcome(i: usize, cases: usize) -> Outcome {
    match i {
        _ if cases < 4 => Outcome::Passed,
        _ if i == cases / 4 || i == cases / 2 => Outcome::Failed,
        _ if i == cases / 4 * 3 => Outcome::Errored,
        _ => Outcome::Passed,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Errored,
    Skipped,
}

fn outcome(rng: &mut Rng) -> Outcome {
    match rng.below(1000) {
        0..=19 => Outcome::Failed,
        20..=24 => Outcome::Errored,
        25..=54 => Outcome::Skipped,
        _ => Outcome::Passed,
    }
}

fn duration(rng: &mut Rng) -> String {
    // Mostly milliseconds, a tail of slow tests.
    let micros = if rng.chance(30) {
        rng.range(500_000, 20_000_000)
    } else {
        rng.range(100, 40_000)
    };
    format!("{}.{:03}", micros / 1_000_000, (micros / 1000) % 1000)
}

fn junit_pytest(
    w: &mut dyn Write,
    cases: usize,
    requirements: usize,
    faults: Faults,
    rng: &mut Rng,
) -> io::Result<()> {
    // pytest writes the summary first, so the counts are computed up front.
    let mut planned = Vec::with_capacity(cases);
    let (mut failures, mut errors, mut skipped) = (0, 0, 0);
    let width = requirements.max(1).to_string().len().max(3);
    for i in 0..cases {
        let random = outcome(rng);
        let o = match faults {
            Faults::Random => random,
            Faults::None => Outcome::Passed,
            Faults::Few => injected_outcome(i, cases),
        };
        match o {
            Outcome::Failed => failures += 1,
            Outcome::Errored => errors += 1,
            Outcome::Skipped => skipped += 1,
            Outcome::Passed => {}
        }
        planned.push(o);
    }
    write!(
        w,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites name=\"pytest tests\">\
         <testsuite name=\"pytest\" errors=\"{errors}\" failures=\"{failures}\" \
         skipped=\"{skipped}\" tests=\"{cases}\" time=\"{}.{:03}\" \
         timestamp=\"{}.{:06}+00:00\" hostname=\"ci-runner-{}\">",
        cases / 40,
        rng.below(1000),
        timestamp(rng),
        rng.below(1_000_000),
        rng.below(64),
    )?;
    let mut i = 0;
    let mut module = 0;
    let mut unique = UniqueNames::default();
    while i < cases {
        module += 1;
        let pkg = rng.pick(PACKAGES);
        let stem = words(rng, 2, "_");
        let file = format!("tests/{pkg}/test_{stem}_{module}.py");
        let classname = format!("tests.{pkg}.test_{stem}_{module}");
        // A module holds a few dozen tests; some are methods of a test class.
        let in_module = (rng.range(5, 60) as usize).min(cases - i);
        let class = rng.chance(300).then(|| format!("Test{}", camel(rng, 2)));
        let mut line = rng.range(5, 20);
        for _ in 0..in_module {
            let o = planned[i];
            i += 1;
            line += rng.range(3, 30);
            let n = rng.range(2, 4) as usize;
            let mut name = format!("test_{}", words(rng, n, "_"));
            if rng.chance(150) {
                let _ = write!(name, "[{}-{}]", rng.below(500), rng.pick(WORDS));
            }
            let classname = match &class {
                Some(c) => format!("{classname}.{c}"),
                None => classname.clone(),
            };
            let name = unique.name(&classname, name);
            write!(
                w,
                "<testcase classname=\"{classname}\" name=\"{}\" file=\"{file}\" line=\"{line}\" time=\"{}\"",
                xml_escape(&name),
                duration(rng)
            )?;
            let req = rng.chance(250).then(|| {
                let n = rng.range(1, 3);
                (0..n)
                    .map(|_| format!("REQ-{:0width$}", rng.range(1, requirements.max(1) as u64)))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            if o == Outcome::Passed && req.is_none() {
                w.write_all(b" />")?;
                continue;
            }
            w.write_all(b">")?;
            if let Some(req) = req {
                write!(
                    w,
                    "<properties><property name=\"requirements\" value=\"{req}\" /></properties>"
                )?;
            }
            match o {
                Outcome::Passed => {}
                Outcome::Failed => {
                    let (a, b) = (rng.below(300), rng.below(300));
                    let msg = format!(
                        "AssertionError: assert {a} == {b}\n +  where {a} = {}({})",
                        words(rng, 1, ""),
                        rng.below(100)
                    );
                    write!(
                        w,
                        "<failure message=\"{}\">{}</failure>",
                        xml_escape(&msg),
                        xml_escape(&pytest_trace(rng, &file, line, &name, &msg))
                    )?;
                }
                Outcome::Errored => {
                    let msg = format!(
                        "failed on setup with \"FileNotFoundError: [Errno 2] No such file or directory: '/tmp/{}.json'\"",
                        words(rng, 2, "_")
                    );
                    write!(
                        w,
                        "<error message=\"{}\">{}</error>",
                        xml_escape(&msg),
                        xml_escape(&pytest_trace(rng, &file, line, &name, &msg))
                    )?;
                }
                Outcome::Skipped => {
                    let reason = format!("requires the {} simulator", words(rng, 2, " "));
                    write!(
                        w,
                        "<skipped type=\"pytest.skip\" message=\"{reason}\">{file}:{line}: {reason}</skipped>"
                    )?;
                }
            }
            w.write_all(b"</testcase>")?;
        }
    }
    w.write_all(b"</testsuite></testsuites>")
}

fn pytest_trace(rng: &mut Rng, file: &str, line: u64, name: &str, msg: &str) -> String {
    let mut s = String::new();
    let fixture = words(rng, 1, "");
    let _ = writeln!(s, "{fixture} = <{fixture} object at 0x7f{}>\n", rng.hex(5));
    let _ = writeln!(
        s,
        "    def {}({fixture}):",
        name.split('[').next().unwrap_or(name)
    );
    for _ in 0..rng.range(2, 6) {
        let _ = writeln!(
            s,
            "        {} = {}({fixture})",
            words(rng, 1, ""),
            words(rng, 2, "_")
        );
    }
    let _ = writeln!(s, ">       assert {}", words(rng, 2, "."));
    for l in msg.lines() {
        let _ = writeln!(s, "E       {l}");
    }
    let _ = write!(s, "\n{file}:{}: AssertionError", line + rng.range(2, 8));
    s
}

/// The JVM properties Surefire writes into every suite (values shortened).
const SUREFIRE_PROPERTIES: &[(&str, &str)] = &[
    ("java.runtime.name", "OpenJDK Runtime Environment"),
    ("java.vm.version", "17.0.10+7"),
    ("sun.boot.library.path", "/opt/java/openjdk/lib"),
    ("maven.multiModuleProjectDirectory", "/builds/pump"),
    ("java.vm.vendor", "Eclipse Adoptium"),
    ("java.vendor.url", "https://adoptium.net/"),
    ("guice.disable.misplaced.annotation.check", "true"),
    ("path.separator", ":"),
    ("java.vm.name", "OpenJDK 64-Bit Server VM"),
    ("sun.os.patch.level", "unknown"),
    ("user.country", "US"),
    ("sun.java.launcher", "SUN_STANDARD"),
    (
        "java.vm.specification.name",
        "Java Virtual Machine Specification",
    ),
    ("user.dir", "/builds/pump"),
    ("java.vm.compressedOopsMode", "Zero based"),
    ("java.runtime.version", "17.0.10+7"),
    ("os.arch", "amd64"),
    ("java.io.tmpdir", "/tmp"),
    ("line.separator", "&#10;"),
    ("java.vm.specification.vendor", "Oracle Corporation"),
    ("os.name", "Linux"),
    ("maven.conf", "/usr/share/maven/conf"),
    ("sun.jnu.encoding", "UTF-8"),
    (
        "java.library.path",
        "/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib",
    ),
    ("maven.build.version", "Apache Maven 3.9.6"),
    ("java.class.version", "61.0"),
    ("java.specification.name", "Java Platform API Specification"),
    ("sun.management.compiler", "HotSpot 64-Bit Tiered Compilers"),
    ("os.version", "6.1.0-18-amd64"),
    ("library.jansi.path", "/usr/share/maven/lib/jansi-native"),
    ("user.home", "/root"),
    ("user.timezone", "Etc/UTC"),
    ("file.encoding", "UTF-8"),
    ("java.specification.version", "17"),
    ("user.name", "root"),
    ("java.home", "/opt/java/openjdk"),
    ("java.version", "17.0.10"),
    ("sun.arch.data.model", "64"),
    ("java.vendor", "Eclipse Adoptium"),
    ("surefire.rerunFailingTestsCount", "2"),
];

/// Test names made unique within a report, as a real run's are (a module
/// or class cannot hold two tests of one name): a generated name that
/// repeats gets a numeric suffix, before any parameter id, without a random
/// draw, so the rest of the set stays as it was.
#[derive(Default)]
struct UniqueNames(HashSet<String>);

impl UniqueNames {
    fn name(&mut self, suite: &str, name: String) -> String {
        let (base, params) = name.split_at(name.find('[').unwrap_or(name.len()));
        let mut candidate = name.clone();
        let mut n = 2;
        while !self.0.insert(format!("{suite}::{candidate}")) {
            candidate = format!("{base}_{n}{params}");
            n += 1;
        }
        candidate
    }
}

fn junit_surefire(w: &mut dyn Write, cases: usize, rng: &mut Rng) -> io::Result<()> {
    w.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n")?;
    let mut i = 0;
    let mut unique = UniqueNames::default();
    while i < cases {
        let pkg = rng.pick(PACKAGES);
        let class = format!("com.example.pump.{pkg}.{}Test", camel(rng, 2));
        let n = (rng.range(3, 40) as usize).min(cases - i);
        i += n;
        let planned: Vec<Outcome> = (0..n).map(|_| outcome(rng)).collect();
        let count = |o| planned.iter().filter(|&&p| p == o).count();
        write!(
            w,
            "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:noNamespaceSchemaLocation=\"https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd\" \
             version=\"3.0\" name=\"{class}\" time=\"{}\" tests=\"{n}\" errors=\"{}\" skipped=\"{}\" failures=\"{}\">\n  <properties>\n",
            duration(rng),
            count(Outcome::Errored),
            count(Outcome::Skipped),
            count(Outcome::Failed)
        )?;
        for (name, value) in SUREFIRE_PROPERTIES {
            writeln!(w, "    <property name=\"{name}\" value=\"{value}\"/>")?;
        }
        if rng.chance(200) {
            writeln!(
                w,
                "    <property name=\"verifies\" value=\"SRS-{}\"/>",
                rng.range(1, 300)
            )?;
        }
        w.write_all(b"  </properties>\n")?;
        for o in planned {
            let method = {
                let n = rng.range(2, 4) as usize;
                let c = camel(rng, n);
                let mut m = c[..1].to_lowercase();
                m.push_str(&c[1..]);
                m
            };
            let name = if rng.chance(100) {
                format!("{method}_REQ_{:03}", rng.range(1, 400))
            } else {
                method
            };
            let name = unique.name(&class, name);
            write!(
                w,
                "  <testcase name=\"{name}\" classname=\"{class}\" time=\"{}\"",
                duration(rng)
            )?;
            let flaky = o == Outcome::Passed && rng.chance(10);
            if o == Outcome::Passed && !flaky {
                w.write_all(b"/>\n")?;
                continue;
            }
            w.write_all(b">\n")?;
            let trace = |rng: &mut Rng, exc: &str, msg: &str| {
                let mut s = format!("{exc}: {msg}\n");
                let _ = writeln!(
                    s,
                    "\tat {class}.{name}({}.java:{})",
                    class.rsplit('.').next().unwrap_or(""),
                    rng.range(20, 400)
                );
                for _ in 0..rng.range(4, 14) {
                    let _ = writeln!(
                        s,
                        "\tat {}.{}({}.java:{})",
                        rng.pick(&[
                            "org.junit.platform.commons.util.ReflectionUtils",
                            "org.junit.jupiter.engine.execution.MethodInvocation",
                            "org.junit.jupiter.engine.descriptor.TestMethodTestDescriptor",
                            "org.junit.platform.engine.support.hierarchical.NodeTestTask",
                            "org.apache.maven.surefire.junitplatform.JUnitPlatformProvider",
                            "java.base/java.util.ArrayList",
                        ]),
                        words(rng, 1, ""),
                        camel(rng, 1),
                        rng.range(30, 900)
                    );
                }
                s
            };
            match o {
                Outcome::Failed | Outcome::Passed => {
                    let msg = format!(
                        "expected: <{}> but was: <{}>",
                        rng.below(100),
                        rng.below(100)
                    );
                    let exc = "org.opentest4j.AssertionFailedError";
                    let tag = if flaky { "flakyFailure" } else { "failure" };
                    writeln!(
                        w,
                        "    <{tag} message=\"{}\" type=\"{exc}\"><![CDATA[{}]]></{tag}>",
                        xml_escape(&msg),
                        trace(rng, exc, &msg)
                    )?;
                    if !flaky && rng.chance(300) {
                        write!(
                            w,
                            "    <rerunFailure message=\"{}\" type=\"{exc}\">\n      <stackTrace><![CDATA[{}]]></stackTrace>\n    </rerunFailure>\n",
                            xml_escape(&msg),
                            trace(rng, exc, &msg)
                        )?;
                    }
                }
                Outcome::Errored => {
                    let msg = format!(
                        "Cannot invoke \"{}.{}()\" because \"{}\" is null",
                        camel(rng, 1),
                        words(rng, 1, ""),
                        words(rng, 1, "")
                    );
                    let exc = "java.lang.NullPointerException";
                    writeln!(
                        w,
                        "    <error message=\"{}\" type=\"{exc}\"><![CDATA[{}]]></error>",
                        xml_escape(&msg),
                        trace(rng, exc, &msg)
                    )?;
                }
                Outcome::Skipped => {
                    writeln!(
                        w,
                        "    <skipped message=\"requires the {} rig\"/>",
                        words(rng, 1, "")
                    )?;
                }
            }
            if rng.chance(400) {
                writeln!(
                    w,
                    "    <system-out><![CDATA[{} INFO  {} - {} {}\n]]></system-out>",
                    timestamp(rng),
                    class,
                    words(rng, 4, " "),
                    rng.below(10_000)
                )?;
            }
            w.write_all(b"  </testcase>\n")?;
        }
        w.write_all(b"</testsuite>\n")?;
    }
    w.write_all(b"</testsuites>\n")
}

// ---------------------------------------------------------------------------
// SARIF

/// Writes a CodeQL-like SARIF 2.1.0 log with `results` results; returns
/// `results`.
pub fn sarif(w: &mut dyn Write, results: usize, seed: u64) -> io::Result<usize> {
    sarif_with(w, results, Faults::Random, seed)
}

/// [`sarif`] with error-level results per `faults`: with [`Faults::None`]
/// every error-level result carries an accepted in-source suppression with a
/// justification; [`Faults::Few`] leaves the first two unsuppressed.
pub fn sarif_with(
    w: &mut dyn Write,
    results: usize,
    faults: Faults,
    seed: u64,
) -> io::Result<usize> {
    let rng = &mut Rng::new(seed);
    let mut injected_errors = if faults == Faults::Few { 2 } else { 0 };
    w.write_all(
        br#"{
  "$schema" : "https://json.schemastore.org/sarif-2.1.0.json",
  "version" : "2.1.0",
  "runs" : [ {
    "tool" : {
      "driver" : {
        "name" : "CodeQL",
        "organization" : "GitHub",
        "semanticVersion" : "2.19.3",
        "notifications" : [ {
          "id" : "cpp/baseline/expected-extracted-files",
          "name" : "cpp/baseline/expected-extracted-files",
          "shortDescription" : { "text" : "Expected extracted files" },
          "fullDescription" : { "text" : "Files appearing in the source archive that are expected to be extracted." },
          "defaultConfiguration" : { "enabled" : true },
          "properties" : { "tags" : [ "expected-extracted-files", "telemetry" ] }
        } ],
        "rules" : ["#,
    )?;
    let rule_count = (results * 2).clamp(8, 120);
    let mut rules = Vec::with_capacity(rule_count);
    for r in 0..rule_count {
        let n = rng.range(2, 3) as usize;
        let id = json_str(&format!("cpp/{}-{r}", words(rng, n, "-")));
        let (level, severity) = match rng.below(10) {
            0..=2 => ("error", Some(rng.range(70, 98) as f64 / 10.0)),
            3..=6 => ("warning", Some(rng.range(40, 69) as f64 / 10.0)),
            7 => ("warning", None),
            _ => ("note", None),
        };
        let title = format!("{} {}", camel(rng, 1), words(rng, 3, " "));
        let full = json_str(&format!(
            "Using {} without checking the {} may lead to {}.",
            words(rng, 2, " "),
            words(rng, 2, " "),
            words(rng, 3, " ")
        ));
        let help = json_str(&format!(
            "# {title}\n\n{}\n\n## Recommendation\n{}\n\n## References\n* CWE-{}.\n",
            words(rng, 40, " "),
            words(rng, 25, " "),
            rng.range(20, 900)
        ));
        let help_md = json_str(&format!(
            "# {title}\n\n{}\n\n## Example\n```cpp\n{}();\n```\n",
            words(rng, 40, " "),
            words(rng, 2, "_")
        ));
        let title = json_str(&title);
        let cwe = rng.range(20, 900);
        let kind = if rng.chance(300) {
            "path-problem"
        } else {
            "problem"
        };
        let precision = rng.pick(&["high", "medium", "very-high"]);
        let severity_property = match severity {
            Some(s) => format!(",\n            \"security-severity\" : \"{s:.1}\""),
            None => String::new(),
        };
        let sep = if r > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep} {{
          "id" : {id},
          "name" : {id},
          "shortDescription" : {{ "text" : {title} }},
          "fullDescription" : {{ "text" : {full} }},
          "defaultConfiguration" : {{ "enabled" : true, "level" : "{level}" }},
          "help" : {{
            "text" : {help},
            "markdown" : {help_md}
          }},
          "properties" : {{
            "tags" : [ "reliability", "security", "external/cwe/cwe-{cwe}" ],
            "description" : {full},
            "id" : {id},
            "kind" : "{kind}",
            "name" : {title},
            "precision" : "{precision}",
            "problem.severity" : "{level}"{severity_property}
          }}
        }}"#
        )?;
        rules.push((id, level));
    }
    w.write_all(
        br#" ]
      },
      "extensions" : [ {
        "name" : "codeql/cpp-queries",
        "semanticVersion" : "1.2.6+de325133c7a95d84489acdf5a6ced07886ac5c6c",
        "locations" : [ {
          "uri" : "file:///opt/codeql/qlpacks/codeql/cpp-queries/1.2.6/",
          "description" : { "text" : "The QL pack root directory." }
        } ]
      } ]
    },
    "invocations" : [ {
      "toolExecutionNotifications" : [ ],
      "executionSuccessful" : true
    } ],
    "artifacts" : ["#,
    )?;
    let files: Vec<String> = (0..(results / 20).clamp(5, 4000))
        .map(|i| {
            let ext = rng.pick(&["c", "cpp", "h"]);
            format!(
                "src/{}/{}_{i}.{ext}",
                rng.pick(PACKAGES),
                words(rng, 2, "_")
            )
        })
        .collect();
    for (i, file) in files.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep} {{
      "location" : {{
        "uri" : {},
        "uriBaseId" : "%SRCROOT%",
        "index" : {i}
      }}
    }}"#,
            json_str(file)
        )?;
    }
    w.write_all(b" ],\n    \"results\" : [")?;
    let region = |rng: &mut Rng| {
        let (line, col) = (rng.range(1, 3000), rng.range(1, 60));
        let end = col + rng.range(3, 40);
        format!(r#"{{ "startLine" : {line}, "startColumn" : {col}, "endColumn" : {end} }}"#)
    };
    for i in 0..results {
        let rule_index = rng.index(rules.len());
        let (id, rule_level) = &rules[rule_index];
        let file_index = rng.index(files.len());
        let file = json_str(&files[file_index]);
        let message = json_str(&format!(
            "This {} depends on a [user-provided value](1) and may {} the {}.",
            words(rng, 1, ""),
            words(rng, 1, ""),
            words(rng, 2, " ")
        ));
        // CodeQL writes `level` only where it differs from the rule's default.
        let (level, effective) = if rng.chance(100) {
            let other = if *rule_level == "error" {
                "warning"
            } else {
                "error"
            };
            (format!("\n      \"level\" : \"{other}\","), other)
        } else {
            (String::new(), *rule_level)
        };
        let (line, col) = (rng.range(1, 3000), rng.range(1, 60));
        let end_col = col + rng.range(3, 40);
        let hash = rng.hex(8);
        let sep = if i > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep} {{
      "ruleId" : {id},
      "ruleIndex" : {rule_index},
      "rule" : {{
        "id" : {id},
        "index" : {rule_index}
      }},{level}
      "message" : {{
        "text" : {message}
      }},
      "locations" : [ {{
        "physicalLocation" : {{
          "artifactLocation" : {{
            "uri" : {file},
            "uriBaseId" : "%SRCROOT%",
            "index" : {file_index}
          }},
          "region" : {{
            "startLine" : {line},
            "startColumn" : {col},
            "endColumn" : {end_col}
          }}
        }}
      }} ],
      "partialFingerprints" : {{
        "primaryLocationLineHash" : "{hash}:1",
        "primaryLocationStartColumnFingerprint" : "{}"
      }}"#,
            col - 1
        )?;
        if rng.chance(600) {
            let related = json_str(&files[rng.index(files.len())]);
            write!(
                w,
                r#",
      "relatedLocations" : [ {{
        "id" : 1,
        "physicalLocation" : {{
          "artifactLocation" : {{ "uri" : {related}, "uriBaseId" : "%SRCROOT%" }},
          "region" : {}
        }},
        "message" : {{ "text" : "user-provided value" }}
      }} ]"#,
                region(rng)
            )?;
        }
        if rng.chance(100) {
            // A path problem's data flow: bulk that parsers must skip.
            w.write_all(b",\n      \"codeFlows\" : [ {\n        \"threadFlows\" : [ {\n          \"locations\" : [")?;
            for step in 0..rng.range(3, 8) {
                let sep = if step > 0 { "," } else { "" };
                let uri = json_str(&files[rng.index(files.len())]);
                let text = json_str(&words(rng, 2, " "));
                write!(
                    w,
                    r#"{sep} {{
            "location" : {{
              "physicalLocation" : {{
                "artifactLocation" : {{ "uri" : {uri}, "uriBaseId" : "%SRCROOT%" }},
                "region" : {}
              }},
              "message" : {{ "text" : {text} }}
            }}
          }}"#,
                    region(rng)
                )?;
            }
            w.write_all(b" ]\n        } ]\n      } ]")?;
        }
        let clean_error = faults != Faults::Random && effective == "error";
        if clean_error && injected_errors > 0 {
            injected_errors -= 1;
        } else if clean_error || rng.chance(30) {
            let justification = json_str(&format!(
                "reviewed in RISK-{}: {}",
                rng.range(1, 200),
                words(rng, 5, " ")
            ));
            write!(
                w,
                r#",
      "suppressions" : [ {{
        "kind" : "inSource",
        "justification" : {justification}
      }} ]"#
            )?;
        } else if rng.chance(5) {
            w.write_all(
                br#",
      "suppressions" : [ {
        "kind" : "external",
        "status" : "underReview"
      } ]"#,
            )?;
        }
        if rng.chance(50) {
            w.write_all(b",\n      \"baselineState\" : \"new\"")?;
        }
        w.write_all(b"\n    }")?;
    }
    w.write_all(
        br#" ],
    "automationDetails" : {
      "id" : "/language:cpp/"
    },
    "columnKind" : "utf16CodeUnits",
    "properties" : {
      "semmle.formatSpecifier" : "sarif-latest"
    }
  } ]
}
"#,
    )?;
    Ok(results)
}

// ---------------------------------------------------------------------------
// Cobertura

/// Writes a coverage.py-style Cobertura report of `files` files with
/// `lines_per_file` lines each; returns `files` (one record per file).
pub fn cobertura(
    w: &mut dyn Write,
    files: usize,
    lines_per_file: usize,
    seed: u64,
) -> io::Result<usize> {
    let rng = &mut Rng::new(seed);
    // Plan every file first: coverage.py writes totals in the root element.
    struct Line {
        number: u64,
        hits: u64,
        branch: Option<(u64, u64)>,
    }
    let mut plan: Vec<(String, String, Vec<Line>)> = Vec::with_capacity(files);
    let (mut lv, mut lc, mut bv, mut bc) = (0u64, 0u64, 0u64, 0u64);
    for f in 0..files {
        let pkg = rng.pick(PACKAGES);
        let dir = format!("src/pump/{pkg}");
        let name = format!("{}_{f}.py", words(rng, 2, "_"));
        // Files are mostly well covered, some barely.
        let coverage = if rng.chance(100) {
            rng.range(5, 40)
        } else {
            rng.range(70, 100)
        };
        let mut number = 0;
        let mut lines = Vec::with_capacity(lines_per_file);
        for _ in 0..lines_per_file {
            number += rng.range(1, 4);
            let hit = rng.below(100) < coverage;
            let hits = if hit { rng.range(1, 3) } else { 0 };
            let branch = rng.chance(120).then(|| {
                let total = if rng.chance(900) { 2 } else { 4 };
                let covered = if hit { rng.range(total / 2, total) } else { 0 };
                (covered, total)
            });
            lv += 1;
            lc += u64::from(hit);
            if let Some((c, t)) = branch {
                bv += t;
                bc += c;
            }
            lines.push(Line {
                number,
                hits,
                branch,
            });
        }
        plan.push((dir, name, lines));
    }
    let rate = |c: u64, v: u64| {
        if v == 0 {
            "1".to_string()
        } else {
            format!("{:.4}", c as f64 / v as f64)
        }
    };
    write!(
        w,
        "<?xml version=\"1.0\" ?>\n<coverage version=\"7.6.1\" timestamp=\"{}\" lines-valid=\"{lv}\" lines-covered=\"{lc}\" line-rate=\"{}\" branches-valid=\"{bv}\" branches-covered=\"{bc}\" branch-rate=\"{}\" complexity=\"0\">\n\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.6.1 -->\n\t<!-- Based on https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd -->\n\t<sources>\n\t\t<source>/builds/pump</source>\n\t</sources>\n\t<packages>\n",
        1_795_317_996_066u64 + rng.below(1_000_000),
        rate(lc, lv),
        rate(bc, bv)
    )?;
    // coverage.py groups classes into one package per directory.
    plan.sort_by(|a, b| a.0.cmp(&b.0));
    let mut start = 0;
    while start < plan.len() {
        let dir = plan[start].0.clone();
        let end = start + plan[start..].iter().take_while(|p| p.0 == dir).count();
        let package = dir.replace('/', ".");
        let counts = |lines: &[Line]| {
            let (mut lc, mut bc, mut bv) = (0, 0, 0);
            for l in lines {
                lc += u64::from(l.hits > 0);
                if let Some((c, t)) = l.branch {
                    bc += c;
                    bv += t;
                }
            }
            (lc, lines.len() as u64, bc, bv)
        };
        let (mut plc, mut plv, mut pbc, mut pbv) = (0, 0, 0, 0);
        for (_, _, lines) in &plan[start..end] {
            let (a, b, c, d) = counts(lines);
            (plc, plv, pbc, pbv) = (plc + a, plv + b, pbc + c, pbv + d);
        }
        write!(
            w,
            "\t\t<package name=\"{package}\" line-rate=\"{}\" branch-rate=\"{}\" complexity=\"0\">\n\t\t\t<classes>\n",
            rate(plc, plv),
            rate(pbc, pbv)
        )?;
        for (dir, name, lines) in &plan[start..end] {
            let (lc, lv, bc, bv) = counts(lines);
            write!(
                w,
                "\t\t\t\t<class name=\"{name}\" filename=\"{dir}/{name}\" complexity=\"0\" line-rate=\"{}\" branch-rate=\"{}\">\n\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n",
                rate(lc, lv),
                rate(bc, bv)
            )?;
            for line in lines {
                write!(
                    w,
                    "\t\t\t\t\t\t<line number=\"{}\" hits=\"{}\"",
                    line.number, line.hits
                )?;
                if let Some((c, t)) = line.branch {
                    write!(
                        w,
                        " branch=\"true\" condition-coverage=\"{}% ({c}/{t})\"",
                        c * 100 / t
                    )?;
                    if c < t {
                        let missing: Vec<String> = (0..t - c)
                            .map(|k| (line.number + 1 + k * 3).to_string())
                            .collect();
                        write!(w, " missing-branches=\"{}\"", missing.join(","))?;
                    }
                }
                w.write_all(b"/>\n")?;
            }
            w.write_all(b"\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")?;
        }
        w.write_all(b"\t\t\t</classes>\n\t\t</package>\n")?;
        start = end;
    }
    w.write_all(b"\t</packages>\n</coverage>\n")?;
    Ok(files)
}

// ---------------------------------------------------------------------------
// CycloneDX

const LICENCES: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "BSD-2-Clause",
    "ISC",
    "MPL-2.0",
    "LGPL-2.1-only",
    "Unlicense",
];

/// Writes a CycloneDX 1.5 JSON SBOM (as syft writes it) with `components`
/// components; returns `components`.
pub fn cyclonedx(w: &mut dyn Write, components: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::new(seed);
    let h = rng.hex(16);
    let uuid = format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    );
    let time = timestamp(rng);
    write!(
        w,
        r#"{{
  "$schema" : "http://cyclonedx.org/schema/bom-1.5.schema.json",
  "bomFormat" : "CycloneDX",
  "specVersion" : "1.5",
  "serialNumber" : "urn:uuid:{uuid}",
  "version" : 1,
  "metadata" : {{
    "timestamp" : "{time}Z",
    "tools" : {{
      "components" : [ {{
        "type" : "application",
        "author" : "anchore",
        "name" : "syft",
        "version" : "1.14.0"
      }} ]
    }},
    "component" : {{
      "bom-ref" : "pkg:generic/infusion-pump@4.2.0",
      "type" : "application",
      "name" : "infusion-pump",
      "version" : "4.2.0"
    }},
    "properties" : [ {{ "name" : "syft:image:labels:org.opencontainers.image.vendor", "value" : "Example Medical" }} ]
  }},
  "components" : ["#
    )?;
    let mut refs = Vec::with_capacity(components);
    for i in 0..components {
        let (eco, name, group) = match rng.below(3) {
            0 => ("npm", format!("{}-{i}", words(rng, 2, "-")), None),
            1 => ("pypi", format!("{}_{i}", words(rng, 2, "_")), None),
            _ => (
                "maven",
                format!("{}-{i}", words(rng, 2, "-")),
                Some(format!("org.{}.{}", words(rng, 1, ""), words(rng, 1, ""))),
            ),
        };
        let version = format!("{}.{}.{}", rng.below(10), rng.below(30), rng.below(20));
        let purl = match &group {
            Some(g) => format!("pkg:{eco}/{g}/{name}@{version}"),
            None => format!("pkg:{eco}/{name}@{version}"),
        };
        let bom_ref = format!("{purl}?package-id={}", rng.hex(8));
        let group_field = match &group {
            Some(g) => format!("\n    \"group\" : {},", json_str(g)),
            None => String::new(),
        };
        let description = json_str(&format!("{} for {}", camel(rng, 2), words(rng, 4, " ")));
        // Most carry an SPDX id, some an expression, a few nothing.
        let licences = if rng.chance(50) {
            format!(
                "\n    \"licenses\" : [ {{ \"expression\" : \"{} OR {}\" }} ],",
                rng.pick(LICENCES),
                rng.pick(LICENCES)
            )
        } else if rng.chance(80) {
            String::new()
        } else {
            format!(
                "\n    \"licenses\" : [ {{ \"license\" : {{ \"id\" : \"{}\" }} }} ],",
                rng.pick(LICENCES)
            )
        };
        let cpe_name = name.replace('-', "_");
        let mut hashes = format!(r#"{{ "alg" : "SHA-256", "content" : "{}" }}"#, rng.hex(32));
        if eco == "maven" {
            let _ = write!(
                hashes,
                r#", {{ "alg" : "SHA-1", "content" : "{}" }}"#,
                rng.hex(20)
            );
        }
        let owner = words(rng, 1, "");
        let sep = if i > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep} {{
    "bom-ref" : {},
    "type" : "library",{group_field}
    "name" : {},
    "version" : "{version}",
    "description" : {description},{licences}
    "cpe" : "cpe:2.3:a:{cpe_name}:{cpe_name}:{version}:*:*:*:*:*:*:*",
    "purl" : {},
    "hashes" : [ {hashes} ],
    "externalReferences" : [ {{ "type" : "website", "url" : "https://github.com/{owner}/{name}" }}, {{ "type" : "vcs", "url" : "git+https://github.com/{owner}/{name}.git" }} ],
    "properties" : [ {{ "name" : "syft:package:foundBy", "value" : "{eco}-cataloger" }}, {{ "name" : "syft:location:0:path", "value" : "/app/{eco}/{name}" }} ]
  }}"#,
            json_str(&bom_ref),
            json_str(&name),
            json_str(&purl),
        )?;
        refs.push(json_str(&bom_ref));
    }
    // A connected DAG, as cdxgen writes it: the application depends directly
    // on ~5% of the components (and on the first); every other component has
    // a parent earlier in the list, and some have a second or third.
    let n = refs.len();
    let mut direct = Vec::new();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for j in 0..n {
        if j == 0 || rng.chance(50) {
            direct.push(j);
        } else {
            for _ in 0..rng.range(1, 3) {
                let parent = rng.index(j);
                if !children[parent].contains(&j) {
                    children[parent].push(j);
                }
            }
        }
    }
    w.write_all(
        b" ],\n  \"dependencies\" : [ {\n    \"ref\" : \"pkg:generic/infusion-pump@4.2.0\",\n    \"dependsOn\" : [",
    )?;
    for (k, &j) in direct.iter().enumerate() {
        let sep = if k > 0 { "," } else { "" };
        write!(w, "{sep} {}", refs[j])?;
    }
    w.write_all(b" ]\n  }")?;
    for (r, kids) in refs.iter().zip(&children) {
        write!(w, ", {{\n    \"ref\" : {r},\n    \"dependsOn\" : [")?;
        for (k, &j) in kids.iter().enumerate() {
            let sep = if k > 0 { "," } else { "" };
            write!(w, "{sep} {}", refs[j])?;
        }
        w.write_all(b" ]\n  }")?;
    }
    w.write_all(b" ]\n}\n")?;
    Ok(components)
}

// ---------------------------------------------------------------------------
// pip-audit

/// Writes a `pip-audit -f json` report holding `vulnerabilities`
/// vulnerabilities; returns `vulnerabilities`.
pub fn pip_audit(w: &mut dyn Write, vulnerabilities: usize, seed: u64) -> io::Result<usize> {
    let rng = &mut Rng::new(seed);
    // About one dependency in five is vulnerable, with one to four advisories.
    let mut remaining = vulnerabilities;
    let mut deps = 0usize;
    let mut fixes = Vec::new();
    w.write_all(b"{\"dependencies\": [")?;
    let min_deps = 20;
    while remaining > 0 || deps < min_deps {
        let name = format!("{}-{}", words(rng, 2, "-"), deps);
        let version = format!("{}.{}.{}", rng.below(8), rng.below(30), rng.below(15));
        if deps > 0 {
            w.write_all(b", ")?;
        }
        deps += 1;
        if rng.chance(10) {
            write!(
                w,
                "{{\"name\": \"{name}\", \"skip_reason\": \"Dependency not found on PyPI and could not be audited: {name} ({version})\"}}"
            )?;
            continue;
        }
        write!(
            w,
            "{{\"name\": \"{name}\", \"version\": \"{version}\", \"vulns\": ["
        )?;
        if remaining > 0 && rng.chance(200) {
            let n = (rng.range(1, 4) as usize).min(remaining);
            remaining -= n;
            for k in 0..n {
                let year = rng.range(2018, 2026);
                let id = format!("PYSEC-{year}-{}", rng.range(1, 400));
                let fix = format!("{}.{}.{}", rng.below(8) + 1, rng.below(30), rng.below(15));
                if k > 0 {
                    w.write_all(b", ")?;
                }
                let ghsa = format!(
                    "GHSA-{}-{}-{}",
                    &rng.hex(2)[..4],
                    &rng.hex(2)[..4],
                    &rng.hex(2)[..4]
                );
                write!(
                    w,
                    "{{\"id\": \"{id}\", \"fix_versions\": [\"{fix}\"], \"aliases\": [\"CVE-{year}-{}\", \"{ghsa}\"], \"description\": {}}}",
                    rng.range(1000, 49999),
                    json_str(&format!(
                        "{name} before {fix} allows {} via a crafted {}. {}",
                        words(rng, 3, " "),
                        words(rng, 2, " "),
                        words(rng, 30, " ")
                    ))
                )?;
                fixes.push((name.clone(), version.clone(), fix));
            }
        }
        w.write_all(b"]}")?;
    }
    w.write_all(b"], \"fixes\": [")?;
    for (k, (name, old, new)) in fixes.iter().enumerate() {
        let sep = if k > 0 { ", " } else { "" };
        write!(
            w,
            "{sep}{{\"name\": \"{name}\", \"old_version\": \"{old}\", \"new_version\": \"{new}\"}}"
        )?;
    }
    w.write_all(b"]}\n")?;
    Ok(vulnerabilities)
}

// ---------------------------------------------------------------------------
// JaCoCo

/// Missed and covered counts of one JaCoCo counter type.
#[derive(Clone, Copy, Default)]
struct Counter(u64, u64);

/// INSTRUCTION, BRANCH, LINE, COMPLEXITY, METHOD, CLASS.
#[derive(Clone, Copy, Default)]
struct Counters([Counter; 6]);

impl Counters {
    const TYPES: [&'static str; 6] = [
        "INSTRUCTION",
        "BRANCH",
        "LINE",
        "COMPLEXITY",
        "METHOD",
        "CLASS",
    ];

    fn add(&mut self, other: &Counters) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// JaCoCo leaves out counters of a type with nothing to count.
    fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        for (name, c) in Self::TYPES.iter().zip(self.0) {
            if c.0 + c.1 > 0 {
                write!(
                    w,
                    "<counter type=\"{name}\" missed=\"{}\" covered=\"{}\"/>",
                    c.0, c.1
                )?;
            }
        }
        Ok(())
    }
}

/// One class of a JaCoCo report: name, source file, its counters, and its
/// methods with theirs.
type JacocoClass = (String, String, Counters, Vec<(String, Counters)>);

/// Writes a JaCoCo XML report (`jacoco:report`) of `files` source files of
/// `lines_per_file` executable lines each: per package, `<class>` elements
/// with `<method>` counters, then a `<sourcefile>` with the file's counters.
/// It holds no `<line>` elements (as for classes compiled without line
/// numbers), so regops reads each file's LINE and BRANCH counters: the
/// per-file counts an evidence bundle holds. Line coverage is ~85 % (a few
/// files barely covered), ~57 % with [`Faults::Few`]. Returns `files`.
pub fn jacoco(
    w: &mut dyn Write,
    files: usize,
    lines_per_file: usize,
    faults: Faults,
    seed: u64,
) -> io::Result<usize> {
    let rng = &mut Rng::new(seed);
    let mut by_package: Vec<(String, Vec<JacocoClass>)> = PACKAGES
        .iter()
        .map(|p| (format!("com/example/pump/{p}"), Vec::new()))
        .collect();
    for f in 0..files {
        let package = rng.index(by_package.len());
        let class = format!("{}{f}", camel(rng, 2));
        let percent = match faults {
            Faults::Few => rng.range(35, 80),
            _ if rng.chance(10) => rng.range(5, 40),
            _ => rng.range(72, 98),
        };
        let methods = rng.range(3, 12) as usize;
        let lines = lines_per_file as u64;
        let branches = 2 * rng.range(0, lines / 8);
        let mut total = Counters::default();
        let mut list = Vec::with_capacity(methods);
        for m in 0..methods {
            // An even share of the file, the last method takes the rest.
            let share = |n: u64| {
                if m + 1 == methods {
                    n - n / methods as u64 * (methods as u64 - 1)
                } else {
                    n / methods as u64
                }
            };
            let (ml, mb) = (share(lines), share(branches));
            let (mc, mbc) = (ml * percent / 100, mb * percent / 100);
            let instructions = ml * 4 + 3;
            let ran = (instructions * mc).checked_div(ml).unwrap_or(0);
            let method_covered = u64::from(mc > 0);
            let c = Counters([
                Counter(instructions - ran, ran),
                Counter(mb - mbc, mbc),
                Counter(ml - mc, mc),
                Counter(1 + (mb - mbc) / 2, 1 + mbc / 2),
                Counter(1 - method_covered, method_covered),
                Counter(0, 0),
            ]);
            total.add(&c);
            let name = if m == 0 {
                "&lt;init&gt;".to_string()
            } else {
                words(rng, 2, "_")
            };
            list.push((name, c));
        }
        let class_covered = u64::from(total.0[4].1 > 0);
        total.0[5] = Counter(1 - class_covered, class_covered);
        let name = by_package[package].0.clone();
        by_package[package].1.push((
            format!("{name}/{class}"),
            format!("{class}.java"),
            total,
            list,
        ));
    }
    write!(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><!DOCTYPE report PUBLIC \
         \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\"><report name=\"infusion-pump\">\
         <sessioninfo id=\"ci-runner-{}-{}\" start=\"1795321237072\" dump=\"1795321299715\"/>",
        rng.below(64),
        rng.hex(4)
    )?;
    let mut report = Counters::default();
    for (package, classes) in by_package.iter().filter(|(_, c)| !c.is_empty()) {
        write!(w, "<package name=\"{package}\">")?;
        let mut totals = Counters::default();
        for (class, source, counters, methods) in classes {
            write!(w, "<class name=\"{class}\" sourcefilename=\"{source}\">")?;
            let mut line = 12;
            for (name, c) in methods {
                let desc = rng.pick(&["()V", "(I)Z", "(Ljava/lang/String;)V", "()I", "(JJ)J"]);
                write!(
                    w,
                    "<method name=\"{name}\" desc=\"{desc}\" line=\"{line}\">"
                )?;
                c.write(w)?;
                w.write_all(b"</method>")?;
                line += c.0[2].0 + c.0[2].1 + rng.range(2, 6);
            }
            counters.write(w)?;
            w.write_all(b"</class>")?;
            totals.add(counters);
        }
        for (_, source, counters, _) in classes {
            write!(w, "<sourcefile name=\"{source}\">")?;
            counters.write(w)?;
            w.write_all(b"</sourcefile>")?;
        }
        totals.write(w)?;
        w.write_all(b"</package>")?;
        report.add(&totals);
    }
    report.write(w)?;
    w.write_all(b"</report>")?;
    Ok(files)
}

// ---------------------------------------------------------------------------
// OSV-Scanner and OpenVEX

/// How a planned vulnerability states its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedSeverity {
    /// A CVSS v3.1 vector in `severity[]` (and the GHSA word).
    Vector(&'static str, &'static str),
    /// Only the GHSA `database_specific.severity` word.
    Word(&'static str),
}

/// The VEX statement planned for a vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedVex {
    /// No statement assesses it.
    None,
    NotAffected,
    /// `not_affected` with neither justification nor impact statement.
    NotAffectedBare,
    Fixed,
    Affected,
    UnderInvestigation,
}

/// One vulnerability of the OSV-Scanner report and how VEX assesses it.
#[derive(Debug, Clone)]
pub struct PlannedVuln {
    pub ghsa: String,
    pub cve: String,
    pub package: String,
    pub version: String,
    pub fixed: String,
    pub severity: PlannedSeverity,
    pub vex: PlannedVex,
}

/// The vulnerabilities [`osv_scanner`] reports and [`openvex`] assesses,
/// planned once from a seed so both files agree.
#[derive(Debug, Clone)]
pub struct VulnPlan {
    /// Packages (name, version) with the indices of their vulnerabilities.
    pub packages: Vec<(String, String, Vec<usize>)>,
    pub vulns: Vec<PlannedVuln>,
}

const CVSS: &[(&str, &str)] = &[
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CRITICAL"),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "HIGH"),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N", "MODERATE"),
    ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", "LOW"),
];

impl VulnPlan {
    /// `n` vulnerabilities over packages with one to three each. With
    /// [`Faults::None`] every one is assessed (`not_affected` with a
    /// justification, or `fixed`); [`Faults::Few`] leaves the middle one, of
    /// severity HIGH, unassessed; [`Faults::Random`] mixes every status and
    /// leaves ~15 % without a statement.
    pub fn new(n: usize, faults: Faults, seed: u64) -> VulnPlan {
        let rng = &mut Rng::new(seed ^ 0x05f5_e100);
        let mut plan = VulnPlan {
            packages: Vec::new(),
            vulns: Vec::with_capacity(n),
        };
        while plan.vulns.len() < n {
            let name = format!("{}-{}", words(rng, 2, "-"), plan.packages.len());
            let version = format!("{}.{}.{}", rng.below(8), rng.below(30), rng.below(15));
            let k = (rng.range(1, 3) as usize).min(n - plan.vulns.len());
            let mut ids = Vec::with_capacity(k);
            for _ in 0..k {
                let i = plan.vulns.len();
                let severity = if rng.chance(500) {
                    let (vector, word) = rng.pick(CVSS);
                    PlannedSeverity::Vector(vector, word)
                } else {
                    PlannedSeverity::Word(rng.pick(&["LOW", "MODERATE", "HIGH", "CRITICAL"]))
                };
                let assessed = if rng.chance(700) {
                    PlannedVex::NotAffected
                } else {
                    PlannedVex::Fixed
                };
                let random = match rng.below(100) {
                    0..=59 => PlannedVex::NotAffected,
                    60..=64 => PlannedVex::NotAffectedBare,
                    65..=74 => PlannedVex::Affected,
                    75..=84 => PlannedVex::UnderInvestigation,
                    _ => PlannedVex::None,
                };
                let injected = faults == Faults::Few && i == n / 2;
                let (severity, vex) = match faults {
                    Faults::Random => (severity, random),
                    _ if injected => (PlannedSeverity::Word("HIGH"), PlannedVex::None),
                    _ => (severity, assessed),
                };
                let year = rng.range(2018, 2026);
                plan.vulns.push(PlannedVuln {
                    ghsa: format!(
                        "GHSA-{}-{}-{}",
                        &rng.hex(2)[..4],
                        &rng.hex(2)[..4],
                        &rng.hex(2)[..4]
                    ),
                    cve: format!("CVE-{year}-{}", 10_000 + i),
                    package: name.clone(),
                    version: version.clone(),
                    fixed: format!("{}.{}.{}", rng.below(8) + 1, rng.below(30), rng.below(15)),
                    severity,
                    vex,
                });
                ids.push(i);
            }
            plan.packages.push((name, version, ids));
        }
        plan
    }
}

/// Writes an `osv-scanner --format json` report of the planned
/// vulnerabilities (PyPI packages of one lockfile; one OSV entry and one
/// group per vulnerability); returns how many.
pub fn osv_scanner(w: &mut dyn Write, plan: &VulnPlan) -> io::Result<usize> {
    w.write_all(
        b"{\n  \"results\": [\n    {\n      \"source\": {\"path\": \"/builds/pump/requirements.txt\", \"type\": \"lockfile\"},\n      \"packages\": [",
    )?;
    let rng = &mut Rng::new(plan.vulns.len() as u64);
    for (p, (name, version, ids)) in plan.packages.iter().enumerate() {
        let sep = if p > 0 { "," } else { "" };
        write!(
            w,
            "{sep}\n        {{\n          \"package\": {{\"name\": \"{name}\", \"version\": \"{version}\", \"ecosystem\": \"PyPI\"}},\n          \"vulnerabilities\": ["
        )?;
        for (k, &i) in ids.iter().enumerate() {
            let v = &plan.vulns[i];
            let (vector, word) = match v.severity {
                PlannedSeverity::Vector(vector, word) => (
                    format!(
                        "\n              \"severity\": [{{\"type\": \"CVSS_V3\", \"score\": \"{vector}\"}}],"
                    ),
                    word,
                ),
                PlannedSeverity::Word(word) => (String::new(), word),
            };
            let sep = if k > 0 { "," } else { "" };
            write!(
                w,
                r#"{sep}
            {{
              "modified": "2026-{:02}-{:02}T04:04:40Z",
              "published": "2025-{:02}-{:02}T17:39:58Z",
              "schema_version": "1.6.0",
              "id": "{}",
              "aliases": ["{}"],
              "summary": {},
              "details": {},{vector}
              "affected": [
                {{
                  "package": {{"ecosystem": "PyPI", "name": "{name}", "purl": "pkg:pypi/{name}"}},
                  "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{}"}}]}}],
                  "database_specific": {{"source": "https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/{}.json"}}
                }}
              ],
              "references": [{{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/{}"}}, {{"type": "PACKAGE", "url": "https://pypi.org/project/{name}"}}],
              "database_specific": {{"cwe_ids": ["CWE-{}"], "github_reviewed": true, "github_reviewed_at": "2025-06-01T20:58:41Z", "nvd_published_at": null, "severity": "{word}"}}
            }}"#,
                rng.range(1, 10),
                rng.range(1, 28),
                rng.range(1, 12),
                rng.range(1, 28),
                v.ghsa,
                v.cve,
                json_str(&format!(
                    "{} in {name} allows {}",
                    camel(rng, 2),
                    words(rng, 3, " ")
                )),
                json_str(&format!(
                    "{name} before {} allows {} via a crafted {}. {}",
                    v.fixed,
                    words(rng, 3, " "),
                    words(rng, 2, " "),
                    words(rng, 25, " ")
                )),
                v.fixed,
                v.ghsa,
                v.cve,
                rng.range(20, 900),
            )?;
        }
        w.write_all(b"\n          ],\n          \"groups\": [")?;
        for (k, &i) in ids.iter().enumerate() {
            let v = &plan.vulns[i];
            let max = match v.severity {
                PlannedSeverity::Vector(..) => format!("{}.{}", rng.range(1, 9), rng.below(10)),
                PlannedSeverity::Word(_) => String::new(),
            };
            let sep = if k > 0 { ", " } else { "" };
            write!(
                w,
                "{sep}{{\"ids\": [\"{}\"], \"aliases\": [\"{}\", \"{}\"], \"max_severity\": \"{max}\"}}",
                v.ghsa, v.cve, v.ghsa
            )?;
        }
        w.write_all(b"]\n        }")?;
    }
    w.write_all(
        b"\n      ]\n    }\n  ],\n  \"experimental_config\": {\"licenses\": {\"summary\": false, \"allowlist\": null}}\n}\n",
    )?;
    Ok(plan.vulns.len())
}

/// Writes the OpenVEX v0.2.0 document (as vexctl writes it) assessing the
/// planned vulnerabilities: one statement per vulnerability with a plan other
/// than [`PlannedVex::None`], naming it by CVE or GHSA id and the package's
/// purl as the product; returns the number of statements.
pub fn openvex(w: &mut dyn Write, plan: &VulnPlan) -> io::Result<usize> {
    let rng = &mut Rng::new(!(plan.vulns.len() as u64));
    w.write_all(
        br#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://vex.example-medical.com/infusion-pump/4.2.0/0001",
  "author": "Example Medical Product Security <psirt@example-medical.com>",
  "role": "Document Creator",
  "timestamp": "2026-11-01T09:00:00Z",
  "version": 4,
  "tooling": "vexctl/0.3.0",
  "statements": ["#,
    )?;
    let mut n = 0;
    for v in &plan.vulns {
        let status = match v.vex {
            PlannedVex::None => continue,
            PlannedVex::NotAffected => format!(
                "\"status\": \"not_affected\",\n      \"justification\": \"{}\",\n      \"impact_statement\": {},",
                rng.pick(&[
                    "vulnerable_code_not_in_execute_path",
                    "vulnerable_code_not_present",
                    "inline_mitigations_already_exist",
                    "vulnerable_code_cannot_be_controlled_by_adversary",
                ]),
                json_str(&format!(
                    "The pump never calls {} (see RISK-{}).",
                    words(rng, 2, "_"),
                    rng.range(1, 300)
                ))
            ),
            PlannedVex::NotAffectedBare => "\"status\": \"not_affected\",".to_string(),
            PlannedVex::Fixed => format!(
                "\"status\": \"fixed\",\n      \"status_notes\": \"Patched in our vendored copy ({}).\",",
                rng.hex(4)
            ),
            PlannedVex::Affected => format!(
                "\"status\": \"affected\",\n      \"action_statement\": \"Upgrade {} to {} in the next release.\",",
                v.package, v.fixed
            ),
            PlannedVex::UnderInvestigation => "\"status\": \"under_investigation\",".to_string(),
        };
        let (name, alias) = if rng.chance(500) {
            (&v.cve, &v.ghsa)
        } else {
            (&v.ghsa, &v.cve)
        };
        let sep = if n > 0 { "," } else { "" };
        write!(
            w,
            r#"{sep}
    {{
      "vulnerability": {{"@id": "https://osv.dev/vulnerability/{name}", "name": "{name}", "aliases": ["{alias}"]}},
      "products": [{{"@id": "pkg:pypi/{}@{}"}}],
      {status}
      "timestamp": "2026-{:02}-{:02}T{:02}:00:00Z"
    }}"#,
            v.package,
            v.version,
            rng.range(1, 10),
            rng.range(1, 28),
            rng.range(0, 23)
        )?;
        n += 1;
    }
    w.write_all(b"\n  ]\n}\n")?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regops_evidence::{Evidence, Format, Input, Options, load};

    fn load_one(path: &Path, kind: EvidenceKind) -> Evidence {
        let input = Input {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            kind,
            format: None,
        };
        load(&[input], &Options::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn rng_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn generators_are_deterministic() {
        let write = |seed| {
            let mut v = Vec::new();
            junit(&mut v, JunitDialect::Surefire, 50, seed).unwrap();
            sarif(&mut v, 20, seed).unwrap();
            v
        };
        assert_eq!(write(3), write(3));
        assert_ne!(write(3), write(4));
    }

    /// Names in a generated JUnit file are unique, as in a real run: a
    /// repeated id would draw a warning, and in a pytest report two cases
    /// of one id in a row are read as one test.
    #[test]
    fn junit_names_are_unique_at_size() {
        let dir = std::env::temp_dir().join(format!("regops-bench-ids-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for dialect in [JunitDialect::Pytest, JunitDialect::Surefire] {
            let mut v = Vec::new();
            junit(&mut v, dialect, 20_000, 7).unwrap();
            let path = dir.join("junit.xml");
            std::fs::write(&path, v).unwrap();
            let ev = load_one(&path, EvidenceKind::Tests);
            assert_eq!(ev.tests.len(), 20_000, "{dialect:?}");
            assert!(
                ev.files[0].warnings.is_empty(),
                "{:?}",
                ev.files[0].warnings
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every generated file is detected as its format and normalises to the
    /// records it was written with, without warnings: a generator that drifts
    /// from what the parsers accept fails here, not in a benchmark.
    #[test]
    fn small_set_normalises() {
        let dir = std::env::temp_dir().join(format!("regops-bench-test-{}", std::process::id()));
        let files = write_set(&dir, &Sizes::SMALL, Faults::None, 42).unwrap();
        assert!(dir.join("regops.toml").is_file());
        for f in &files {
            let Some(format) = Format::from_name(f.format) else {
                // A format not implemented yet (CycloneDX at the time of writing).
                continue;
            };
            let evidence = load_one(&f.path, f.kind);
            let file = &evidence.files[0];
            assert_eq!(file.format, format, "{}", f.path.display());
            assert_eq!(file.warnings, Vec::<String>::new(), "{}", f.path.display());
            let records = match f.kind {
                EvidenceKind::Tests => evidence.tests.len(),
                EvidenceKind::Coverage => evidence.coverage.len(),
                EvidenceKind::Findings => evidence.findings.len(),
                EvidenceKind::Components => evidence.components.len(),
                EvidenceKind::Vulnerabilities => evidence.vulnerabilities.len(),
                EvidenceKind::Vex => evidence.vex.len(),
                _ => unreachable!(),
            };
            assert_eq!(records, f.records, "{}", f.path.display());
            // What the generators put in comes out: the fields gates use.
            for c in &evidence.components {
                assert!(c.purl.is_some() && c.version.is_some(), "{c:?}");
                assert!(!c.hashes.is_empty(), "{c:?}");
            }
            if !evidence.components.is_empty() {
                assert!(evidence.components.iter().any(|c| !c.licences.is_empty()));
                assert!(evidence.components.iter().any(|c| c.direct == Some(true)));
            }
            for finding in &evidence.findings {
                assert!(finding.location.is_some() && finding.fingerprint.is_some());
                assert!(!finding.message.is_empty() && !finding.rule.is_empty());
            }
            if !evidence.findings.is_empty() {
                assert!(
                    evidence
                        .findings
                        .iter()
                        .any(|f| f.security_severity.is_some())
                );
            }
            for v in &evidence.vulnerabilities {
                assert!(
                    !v.aliases.is_empty() && !v.fixed_versions.is_empty(),
                    "{v:?}"
                );
                assert!(v.purl.is_some(), "{v:?}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn junit_outcomes_and_requirements_survive() {
        let dir = std::env::temp_dir().join(format!("regops-bench-junit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for dialect in [JunitDialect::Pytest, JunitDialect::Surefire] {
            let path = dir.join(format!("{dialect:?}.xml"));
            let mut w = BufWriter::new(File::create(&path).unwrap());
            junit(&mut w, dialect, 2000, 1).unwrap();
            drop(w);
            let ev = load_one(&path, EvidenceKind::Tests);
            use regops_evidence::TestStatus::*;
            for status in [Passed, Failed, Errored, Skipped] {
                assert!(
                    ev.tests.iter().any(|t| t.status == status),
                    "{dialect:?}: no {status:?}"
                );
            }
            assert!(ev.tests.iter().any(|t| !t.requirements.is_empty()));
            assert!(
                ev.tests
                    .iter()
                    .filter(|t| t.status == Failed)
                    .all(|t| t.message.is_some())
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Loads the files `regops.toml` names, as `regops check` would, and
    /// returns the evidence bundle's JSON text (`regops evidence`).
    fn bundle_of(files: &[Generated]) -> String {
        let inputs: Vec<Input> = files
            .iter()
            .filter(|f| !f.key.is_empty())
            .map(|f| Input {
                path: f.path.clone(),
                display: f.path.file_name().unwrap().to_string_lossy().into_owned(),
                kind: f.kind,
                format: None,
            })
            .collect();
        let evidence = load(&inputs, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        let mut bundle = serde_json::to_value(&evidence).unwrap();
        bundle["schema"] = "regops.evidence/v1".into();
        bundle.to_string()
    }

    fn rego_verdict(faults: Faults, seed: u64) -> serde_json::Value {
        let dir = std::env::temp_dir().join(format!(
            "regops-bench-rego-{faults:?}-{}",
            std::process::id()
        ));
        let files = write_set(&dir, &Sizes::SMALL, faults, seed).unwrap();
        let toml = std::fs::read_to_string(dir.join("regops.toml")).unwrap();
        assert!(toml.contains("vex = [\"vex.openvex.json\"]"), "{toml}");
        let bundle = bundle_of(&files);
        let _ = std::fs::remove_dir_all(&dir);
        // The overrides gen-evidence writes into regops.toml.
        let config = serde_json::json!({
            "safety_class": "B",
            "params": {"require-soup-register": false, "require-soup-review": false},
        });
        rego::evaluate(rego::G1_REGO, &bundle, &config)
            .unwrap_or_else(|e| panic!("{e:#}"))
            .0
    }

    /// The Rego G1 finds exactly the injected faults (`benches/compare.sh`
    /// checks it against regops itself, on the release binary).
    #[test]
    fn rego_g1_finds_the_injected_faults() {
        let clean = rego_verdict(Faults::None, 5);
        assert_eq!(rego::failing(&clean), Vec::<String>::new(), "{clean:#}");
        assert_eq!(clean["checks"]["soup-register"]["outcome"], "warn");
        assert_eq!(clean["outcome"], "warn");

        let few = rego_verdict(Faults::Few, 5);
        assert_eq!(
            rego::failing(&few),
            [
                "line-coverage",
                "static-analysis",
                "tests-pass",
                "vulnerabilities"
            ],
            "{few:#}"
        );
        let checks = &few["checks"];
        assert_eq!(checks["tests-pass"]["measured"], 3);
        assert_eq!(checks["static-analysis"]["measured"], 2);
        assert_eq!(checks["vulnerabilities"]["measured"], 1);
        let ratio = checks["line-coverage"]["measured"].as_f64().unwrap();
        assert!((0.4..0.7).contains(&ratio), "{ratio}");

        let random = rego_verdict(Faults::Random, 5);
        let failing = rego::failing(&random);
        for id in ["tests-pass", "tests-skipped", "static-analysis"] {
            assert!(failing.iter().any(|f| f == id), "{failing:?}");
        }
    }

    #[test]
    fn vuln_plan_matches_the_reports() {
        for faults in [Faults::None, Faults::Few, Faults::Random] {
            let plan = VulnPlan::new(40, faults, 3);
            assert_eq!(plan.vulns.len(), 40);
            let unassessed = plan
                .vulns
                .iter()
                .filter(|v| v.vex == PlannedVex::None)
                .count();
            match faults {
                Faults::None => assert_eq!(unassessed, 0),
                Faults::Few => assert_eq!(unassessed, 1),
                Faults::Random => assert!(unassessed > 0),
            }
        }
    }

    #[test]
    fn cobertura_totals_match_the_root() {
        let mut v = Vec::new();
        cobertura(&mut v, 30, 100, 9).unwrap();
        let dir = std::env::temp_dir().join(format!("regops-bench-cob-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("coverage.xml");
        std::fs::write(&path, v).unwrap();
        let ev = load_one(&path, EvidenceKind::Coverage);
        assert_eq!(ev.coverage.len(), 30);
        assert!(ev.coverage.iter().all(|c| c.lines.total == 100));
        assert!(ev.coverage.iter().any(|c| c.branches.unwrap().total > 0));
        assert!(
            ev.files[0].warnings.is_empty(),
            "{:?}",
            ev.files[0].warnings
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
