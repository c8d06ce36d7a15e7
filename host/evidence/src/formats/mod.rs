//! One module per evidence format. Each exposes
//! `parse(reader, ctx, evidence) -> Result<(), FormatError>`, streaming its
//! records into the shared [`Evidence`].

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::error::FormatError;
use crate::{Evidence, EvidenceKind, Options};

pub mod anomalies;
pub mod attestation;
pub mod benchmark;
pub mod cargo_audit;
pub mod change;
pub mod cobertura;
pub mod cppunit;
pub mod cyclonedx;
pub mod cyclonedx_xml;
pub mod deployment;
pub mod documents;
pub mod doorstop;
pub mod gate_report;
pub mod go_cover;
pub mod grype;
pub mod jacoco;
pub mod junit;
pub mod lcov;
pub mod markdown_req;
pub mod npm_audit;
pub mod nunit;
pub mod openvex;
pub mod osv;
pub mod pip_audit;
pub mod qttest;
pub mod robot;
pub mod sarif;
pub(crate) mod sbom;
pub mod sonar_coverage;
pub mod soup;
pub mod spdx;
pub mod spdx3;
pub mod sphinx_needs;
mod stand_in;
pub mod strictdoc;
pub mod testng;
pub mod trivy;
pub mod trx;
pub(crate) mod vuln;
mod xml;
pub mod xunit;

/// Every format regops reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// JUnit XML, any common dialect.
    Junit,
    /// Robot Framework's own `output.xml` (root `<robot>`), which keeps the
    /// test tags its xUnit output drops.
    #[serde(rename = "robot")]
    RobotOutput,
    /// CppUnit's XML (`CppUnit::XmlOutputter`, root `<TestRun>`).
    #[serde(rename = "cppunit")]
    CppUnit,
    /// Qt Test's own XML (`-o out.xml,xml` or `lightxml`).
    #[serde(rename = "qttest-xml")]
    QtTestXml,
    /// Visual Studio test results (`dotnet test --logger trx`, vstest,
    /// MSTest): root `<TestRun>` in the TeamTest namespace.
    #[serde(rename = "trx")]
    Trx,
    /// NUnit's result XML: NUnit 3 (`<test-run>`) and NUnit 2.5/2.6
    /// (`<test-results>`).
    #[serde(rename = "nunit-xml")]
    NunitXml,
    /// xUnit.net's XML (`-xml`): v2/v3 `<assemblies>`, v1 `<assembly>`.
    #[serde(rename = "xunit-xml")]
    XunitXml,
    /// TestNG's `testng-results.xml`.
    #[serde(rename = "testng-xml")]
    TestngXml,
    /// Cobertura XML coverage.
    Cobertura,
    /// SARIF 2.1.0.
    Sarif,
    /// pip-audit `--format json`.
    PipAudit,
    /// LCOV tracefile (`.info`), as lcov/geninfo, cargo-llvm-cov, grcov,
    /// c8/istanbul and gcovr write it.
    Lcov,
    /// JaCoCo XML report.
    Jacoco,
    /// SonarQube's generic test coverage XML (`<coverage version="1">`), as
    /// `gcovr --sonarqube` writes it.
    SonarCoverage,
    /// Go coverage profile (`go test -coverprofile`, any `-covermode`).
    GoCoverprofile,
    /// CycloneDX 1.x JSON: an SBOM, a vulnerability report (VDR) or VEX.
    #[serde(rename = "cyclonedx-json")]
    CycloneDxJson,
    /// CycloneDX 1.x XML: an SBOM, a vulnerability report (VDR) or VEX.
    #[serde(rename = "cyclonedx-xml")]
    CycloneDxXml,
    /// SPDX 2.2 / 2.3 JSON.
    SpdxJson,
    /// SPDX 3.0 / 3.0.1 JSON-LD (Yocto's `create-spdx`, the SPDX bindings).
    #[serde(rename = "spdx3-json")]
    Spdx3Json,
    /// OSV-Scanner `--format json`.
    OsvScanner,
    /// Grype `-o json`.
    Grype,
    /// Trivy `--format json` (schema version 2).
    Trivy,
    /// cargo-audit `--json`.
    CargoAudit,
    /// npm audit `--json` (npm 7+, `auditReportVersion` 2).
    NpmAudit,
    /// OpenVEX JSON.
    #[serde(rename = "openvex")]
    OpenVex,
    /// A SOUP register in YAML (docs/soup.md).
    SoupYaml,
    /// A SOUP register in CSV (docs/soup.md).
    SoupCsv,
    /// A change under review with its approvals, `regops.change/v1`
    /// (docs/change.md).
    ChangeJson,
    /// A doorstop item (`SRS001.yml`) or document (`.doorstop.yml`) file.
    Doorstop,
    /// sphinx-needs `needs.json`.
    SphinxNeeds,
    /// StrictDoc's JSON export.
    StrictdocJson,
    /// A markdown file with YAML front matter naming a requirement's `id`.
    MarkdownRequirement,
    /// A GitHub issue list (REST API or `gh issue list --json`): anomalies.
    GithubIssues,
    /// An anomaly list in YAML (`anomalies:`).
    AnomaliesYaml,
    /// A deployment record, `regops.deployment/v1` (docs/release.md).
    DeploymentJson,
    /// A controlled document: markdown with YAML front matter (an SOP).
    MarkdownDocument,
    /// A markdown file's approvals table (a release sign-off sheet).
    ApprovalsMarkdown,
    /// An earlier `regops check` report, `regops.report/v1`.
    RegopsReport,
    /// pytest-benchmark `--benchmark-json` output.
    PytestBenchmark,
    /// hyperfine `--export-json` output.
    Hyperfine,
    /// An in-toto attestation (a Statement, a DSSE envelope or a Sigstore
    /// bundle; JSON lines of them) whose predicate is an SBOM, a
    /// vulnerability report or VEX.
    #[serde(rename = "in-toto")]
    InToto,
}

impl Format {
    pub const ALL: &[Format] = &[
        Format::Junit,
        Format::RobotOutput,
        Format::CppUnit,
        Format::QtTestXml,
        Format::Trx,
        Format::NunitXml,
        Format::XunitXml,
        Format::TestngXml,
        Format::Cobertura,
        Format::Lcov,
        Format::Jacoco,
        Format::SonarCoverage,
        Format::GoCoverprofile,
        Format::Sarif,
        Format::CycloneDxJson,
        Format::CycloneDxXml,
        Format::SpdxJson,
        Format::Spdx3Json,
        Format::PipAudit,
        Format::OsvScanner,
        Format::Grype,
        Format::Trivy,
        Format::CargoAudit,
        Format::NpmAudit,
        Format::OpenVex,
        Format::SoupYaml,
        Format::SoupCsv,
        Format::ChangeJson,
        Format::Doorstop,
        Format::SphinxNeeds,
        Format::StrictdocJson,
        Format::MarkdownRequirement,
        Format::GithubIssues,
        Format::AnomaliesYaml,
        Format::DeploymentJson,
        Format::MarkdownDocument,
        Format::ApprovalsMarkdown,
        Format::RegopsReport,
        Format::PytestBenchmark,
        Format::Hyperfine,
        Format::InToto,
    ];

    /// The name used by `--as` and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Junit => "junit",
            Format::RobotOutput => "robot",
            Format::CppUnit => "cppunit",
            Format::QtTestXml => "qttest-xml",
            Format::Trx => "trx",
            Format::NunitXml => "nunit-xml",
            Format::XunitXml => "xunit-xml",
            Format::TestngXml => "testng-xml",
            Format::Cobertura => "cobertura",
            Format::Sarif => "sarif",
            Format::PipAudit => "pip-audit",
            Format::Lcov => "lcov",
            Format::Jacoco => "jacoco",
            Format::SonarCoverage => "sonar-coverage",
            Format::GoCoverprofile => "go-coverprofile",
            Format::CycloneDxJson => "cyclonedx-json",
            Format::CycloneDxXml => "cyclonedx-xml",
            Format::SpdxJson => "spdx-json",
            Format::Spdx3Json => "spdx3-json",
            Format::OsvScanner => "osv-scanner",
            Format::Grype => "grype",
            Format::Trivy => "trivy",
            Format::CargoAudit => "cargo-audit",
            Format::NpmAudit => "npm-audit",
            Format::OpenVex => "openvex",
            Format::SoupYaml => "soup-yaml",
            Format::SoupCsv => "soup-csv",
            Format::ChangeJson => "change-json",
            Format::Doorstop => "doorstop",
            Format::SphinxNeeds => "sphinx-needs",
            Format::StrictdocJson => "strictdoc-json",
            Format::MarkdownRequirement => "markdown-requirement",
            Format::GithubIssues => "github-issues",
            Format::AnomaliesYaml => "anomalies-yaml",
            Format::DeploymentJson => "deployment-json",
            Format::MarkdownDocument => "markdown-document",
            Format::ApprovalsMarkdown => "approvals-markdown",
            Format::RegopsReport => "regops-report",
            Format::PytestBenchmark => "pytest-benchmark",
            Format::Hyperfine => "hyperfine",
            Format::InToto => "in-toto",
        }
    }

    /// The primary kind of evidence the format carries (CycloneDX documents
    /// can carry more: see [`Format::accepts`]).
    pub fn kind(self) -> EvidenceKind {
        match self {
            Format::Junit
            | Format::RobotOutput
            | Format::CppUnit
            | Format::QtTestXml
            | Format::Trx
            | Format::NunitXml
            | Format::XunitXml
            | Format::TestngXml => EvidenceKind::Tests,
            Format::Cobertura
            | Format::Lcov
            | Format::Jacoco
            | Format::SonarCoverage
            | Format::GoCoverprofile => EvidenceKind::Coverage,
            Format::Sarif => EvidenceKind::Findings,
            Format::CycloneDxJson
            | Format::CycloneDxXml
            | Format::SpdxJson
            | Format::Spdx3Json
            | Format::InToto => EvidenceKind::Components,
            Format::PipAudit
            | Format::OsvScanner
            | Format::Grype
            | Format::Trivy
            | Format::CargoAudit
            | Format::NpmAudit => EvidenceKind::Vulnerabilities,
            Format::OpenVex => EvidenceKind::Vex,
            Format::SoupYaml | Format::SoupCsv => EvidenceKind::Soup,
            Format::ChangeJson => EvidenceKind::Change,
            Format::Doorstop
            | Format::SphinxNeeds
            | Format::StrictdocJson
            | Format::MarkdownRequirement => EvidenceKind::Requirements,
            Format::GithubIssues | Format::AnomaliesYaml => EvidenceKind::Anomalies,
            Format::DeploymentJson => EvidenceKind::Deployments,
            Format::MarkdownDocument => EvidenceKind::Documents,
            Format::ApprovalsMarkdown => EvidenceKind::Approvals,
            Format::RegopsReport => EvidenceKind::GateResults,
            Format::PytestBenchmark | Format::Hyperfine => EvidenceKind::Measurements,
        }
    }

    /// Whether a file of this format can be listed under `kind`: its primary
    /// kind, and for CycloneDX also `vulnerabilities` (a VDR's
    /// `vulnerabilities[]`) and `vex` (their `analysis`); an attestation's
    /// predicate is any of the three.
    pub fn accepts(self, kind: EvidenceKind) -> bool {
        match self {
            Format::CycloneDxJson | Format::CycloneDxXml | Format::InToto => matches!(
                kind,
                EvidenceKind::Components | EvidenceKind::Vulnerabilities | EvidenceKind::Vex
            ),
            _ => self.kind() == kind,
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The formats accepted for a kind, for error messages.
    pub fn names_for(kind: EvidenceKind) -> String {
        let names: Vec<&str> = Format::ALL
            .iter()
            .filter(|f| f.accepts(kind))
            .map(|f| f.name())
            .collect();
        if names.is_empty() {
            "none yet".to_string()
        } else {
            names.join(", ")
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a parser knows about the file it reads.
pub struct ParseContext<'a> {
    /// The file's display path, stored in each record's `evidence` field.
    pub evidence_path: &'a str,
    pub options: &'a Options,
    /// Inconsistencies resolved while parsing, reported to the user.
    pub warnings: Vec<String>,
}

/// Parses one file of `format` as evidence of `kind` (which must be one the
/// format [accepts](Format::accepts); a CycloneDX document yields components,
/// vulnerabilities or VEX statements depending on it), adding its records to
/// `evidence`. VEX statements are not merged onto vulnerabilities here: that
/// is [`crate::apply_vex`]'s job once every file is loaded.
pub fn parse(
    format: Format,
    kind: EvidenceKind,
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    match format {
        Format::Junit => junit::parse(reader, ctx, &mut evidence.tests),
        Format::RobotOutput => robot::parse(reader, ctx, &mut evidence.tests),
        Format::CppUnit => cppunit::parse(reader, ctx, &mut evidence.tests),
        Format::QtTestXml => qttest::parse(reader, ctx, &mut evidence.tests),
        Format::Trx => trx::parse(reader, ctx, &mut evidence.tests),
        Format::NunitXml => nunit::parse(reader, ctx, &mut evidence.tests),
        Format::XunitXml => xunit::parse(reader, ctx, &mut evidence.tests),
        Format::TestngXml => testng::parse(reader, ctx, &mut evidence.tests),
        Format::Cobertura => cobertura::parse(reader, ctx, &mut evidence.coverage),
        Format::Lcov => lcov::parse(reader, ctx, &mut evidence.coverage),
        Format::Jacoco => jacoco::parse(reader, ctx, &mut evidence.coverage),
        Format::SonarCoverage => sonar_coverage::parse(reader, ctx, &mut evidence.coverage),
        Format::GoCoverprofile => go_cover::parse(reader, ctx, &mut evidence.coverage),
        Format::Sarif => sarif::parse(reader, ctx, &mut evidence.findings),
        Format::PipAudit => pip_audit::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::OsvScanner => osv::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::Grype => grype::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::Trivy => trivy::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::CargoAudit => cargo_audit::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::NpmAudit => npm_audit::parse(reader, ctx, &mut evidence.vulnerabilities),
        Format::OpenVex => openvex::parse(reader, ctx, &mut evidence.vex),
        Format::SoupYaml => soup::parse_yaml(reader, ctx, &mut evidence.soup),
        Format::SoupCsv => soup::parse_csv(reader, ctx, &mut evidence.soup),
        Format::CycloneDxJson => cyclonedx::parse(reader, ctx, kind, evidence),
        Format::CycloneDxXml => cyclonedx_xml::parse(reader, ctx, kind, evidence),
        Format::SpdxJson => spdx::parse(reader, ctx, &mut evidence.components),
        Format::Spdx3Json => spdx3::parse(reader, ctx, &mut evidence.components),
        Format::ChangeJson => change::parse(reader, ctx, evidence),
        Format::Doorstop => doorstop::parse(reader, ctx, &mut evidence.requirements),
        Format::SphinxNeeds => sphinx_needs::parse(reader, ctx, &mut evidence.requirements),
        Format::StrictdocJson => strictdoc::parse(reader, ctx, &mut evidence.requirements),
        Format::MarkdownRequirement => markdown_req::parse(reader, ctx, &mut evidence.requirements),
        Format::GithubIssues => anomalies::parse_github(reader, ctx, &mut evidence.anomalies),
        Format::AnomaliesYaml => anomalies::parse_yaml(reader, ctx, &mut evidence.anomalies),
        Format::DeploymentJson => deployment::parse(reader, ctx, &mut evidence.deployments),
        Format::MarkdownDocument => documents::parse_document(reader, ctx, &mut evidence.documents),
        Format::ApprovalsMarkdown => {
            documents::parse_approvals(reader, ctx, &mut evidence.approvals)
        }
        Format::RegopsReport => gate_report::parse(reader, ctx, &mut evidence.gate_results),
        Format::PytestBenchmark => benchmark::parse_pytest(reader, ctx, &mut evidence.measurements),
        Format::Hyperfine => benchmark::parse_hyperfine(reader, ctx, &mut evidence.measurements),
        Format::InToto => attestation::parse(reader, ctx, kind, evidence),
    }
}

/// At most `max` characters of `s`, cut on a character boundary.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// The whole JSON document in memory. serde_json parses a slice several
/// times faster than a reader (which it pulls one byte per call); a file is
/// at most the loader's size cap, and the typed records built from it are
/// what costs memory, not these bytes (measured: RSS stays under 4× the
/// file size on the benchmark set). No DOM is built either way.
/// One JSON document read whole and deserialised into `T`; trailing
/// content after it is an error.
pub(crate) fn read_json_document<T: serde::de::DeserializeOwned>(
    reader: &mut dyn BufRead,
) -> Result<T, FormatError> {
    let bytes = read_json(reader)?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let document = T::deserialize(&mut de)?;
    de.end()?;
    Ok(document)
}

/// One JSON document streamed from `reader` into `T`, the file never held
/// whole; trailing content after it is an error. For the formats whose files
/// get large (SARIF, CycloneDX): with a concrete reader type serde_json's
/// byte-at-a-time reading inlines (through `dyn BufRead` it is a virtual call
/// per byte).
pub(crate) fn read_json_stream<T: serde::de::DeserializeOwned, R: BufRead + ?Sized>(
    reader: &mut R,
) -> Result<T, FormatError> {
    let mut de = serde_json::Deserializer::from_reader(json_reader(reader));
    let document = T::deserialize(&mut de)?;
    de.end()?;
    Ok(document)
}

/// What serde_json streams from: it reads a byte per call, and only
/// `BufReader`'s byte reading is specialised to inline (measured on the
/// 65 MB SARIF log: 0.55 s of CPU through the loader's reader itself, about
/// half that through a `BufReader` over it).
pub(crate) fn json_reader<R: BufRead + ?Sized>(reader: &mut R) -> std::io::BufReader<&mut R> {
    std::io::BufReader::with_capacity(64 * 1024, reader)
}

/// A whole text file (the YAML, CSV and markdown formats are small).
pub(crate) fn read_text(reader: &mut dyn BufRead) -> Result<String, FormatError> {
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| FormatError::whole_file(format!("the file is not UTF-8 text: {e}")))?;
    Ok(text)
}

/// YAML as `T`; an error says `what` the file is not and where, its line
/// shifted by `lines_before` when `text` starts inside the file.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    lines_before: u64,
) -> Result<T, FormatError> {
    serde_norway::from_str(text).map_err(|e| {
        let message = format!("{what}: {e}");
        match e.location() {
            Some(at) => FormatError {
                message,
                at: crate::error::At::LineColumn(
                    at.line() as u64 + lines_before,
                    at.column() as u64,
                ),
            },
            None => FormatError::whole_file(message),
        }
    })
}

/// Markdown split at its YAML front matter: the front matter parsed
/// (`None` when the file opens without `---`) and the body after it.
pub(crate) fn front_matter(text: &str) -> Result<(Option<serde_norway::Value>, &str), FormatError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = body
        .strip_prefix("---\n")
        .or_else(|| body.strip_prefix("---\r\n"))
    else {
        return Ok((None, body));
    };
    let end = rest
        .find("\n---")
        .ok_or_else(|| FormatError::whole_file("the front matter is not closed by a `---` line"))?;
    // +1: the opening `---` line.
    let value = from_yaml(&rest[..end], "front matter is not YAML", 1)?;
    Ok((Some(value), &rest[end + 4..]))
}

/// A YAML value that may be one string or a list of them, as a list.
pub(crate) fn yaml_strings(value: Option<&serde_norway::Value>) -> Vec<String> {
    match value {
        Some(serde_norway::Value::String(s)) => vec![s.clone()],
        Some(serde_norway::Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn read_json(reader: &mut dyn BufRead) -> Result<Vec<u8>, FormatError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| FormatError::whole_file(format!("cannot read the file: {e}")))?;
    Ok(bytes)
}

/// Test inputs: a fixture (path under `tests/fixtures/`) whole, cut short at
/// about 40 places, and with the byte at each of those places replaced by
/// each of `bytes` in turn (cumulatively).
#[cfg(test)]
pub(crate) fn broken_variants(fixture: &str, bytes: &[u8]) -> Vec<Vec<u8>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/");
    let Ok(whole) = std::fs::read(format!("{root}{fixture}")) else {
        panic!("fixture {fixture}");
    };
    let mut variants = vec![whole.clone()];
    for cut in (1..whole.len()).step_by(whole.len() / 40 + 1) {
        variants.push(whole.get(..cut).unwrap_or_default().to_vec());
        let mut bent = whole.clone();
        for &b in bytes {
            if let Some(byte) = bent.get_mut(cut) {
                *byte = b;
            }
            variants.push(bent.clone());
        }
    }
    variants
}

/// What [`read_line`] read.
pub(crate) enum ReadLine {
    Line,
    TooLong,
    Eof,
}

/// Reads one line (with its newline) into `buf`, refusing to buffer more
/// than `max` bytes: the line-based text formats (LCOV, Go profiles) read
/// files of any size with one bounded buffer.
pub(crate) fn read_line(
    reader: &mut dyn std::io::BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<ReadLine> {
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if buf.is_empty() {
                ReadLine::Eof
            } else {
                ReadLine::Line
            });
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        // `+ 2`: the line's own `\r\n` does not count against `max`.
        if buf.len() + take > max + 2 {
            return Ok(ReadLine::TooLong);
        }
        buf.extend_from_slice(available.get(..take).unwrap_or_default());
        reader.consume(take);
        if done {
            return Ok(ReadLine::Line);
        }
    }
}

/// A line [`read_line`] read, as text: without its line ending (and, on the
/// first line, a UTF-8 byte order mark); bytes that are not UTF-8 become
/// U+FFFD, and `replaced` is set.
pub(crate) fn line_text<'b>(
    buf: &'b [u8],
    first: bool,
    replaced: &mut bool,
) -> std::borrow::Cow<'b, str> {
    let mut line = buf;
    if first {
        line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    }
    while let Some((&last, rest)) = line.split_last() {
        if last == b'\n' || last == b'\r' {
            line = rest;
        } else {
            break;
        }
    }
    match std::str::from_utf8(line) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            *replaced = true;
            String::from_utf8_lossy(line)
        }
    }
}
