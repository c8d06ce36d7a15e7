//! `regops.toml`: what to judge, at which safety class, with which gates.
//!
//! Parsing keeps spans so every error names the line to fix; gathering
//! evidence and judging it happen elsewhere.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regops_evidence::{EvidenceKind, Format};
use serde::Deserialize;
use toml::Spanned;

use crate::policy::Limits;

mod extends;

/// IEC 62304 software safety class.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
pub enum SafetyClass {
    A,
    B,
    C,
}

impl fmt::Display for SafetyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SafetyClass::A => "A",
            SafetyClass::B => "B",
            SafetyClass::C => "C",
        })
    }
}

/// A problem in a configuration file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Several configuration problems, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The text of a config file and of the files it extends, to turn byte
/// spans into `file:line:column`.
///
/// Each file's spans are shifted by the file's offset, so one span names
/// both the file and the place in it: a merged config keeps, for every
/// value, where it was written.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file given on the command line (the repository's config).
    pub display: String,
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
struct SourceFile {
    display: String,
    text: String,
    offset: usize,
    sha256: String,
}

impl Source {
    pub fn new(display: String, text: String) -> Source {
        let sha256 = crate::digest::sha256_hex(text.as_bytes());
        Source {
            files: vec![SourceFile {
                display: display.clone(),
                text,
                offset: 0,
                sha256,
            }],
            display,
        }
    }

    /// The text of the first file.
    pub fn text(&self) -> &str {
        &self.files[0].text
    }

    /// Every file, the first one first: display name and SHA-256.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|f| (f.display.as_str(), f.sha256.as_str()))
    }

    /// Adds a file (one the first extends); returns its index for
    /// [`Source::parse_file`].
    fn add(&mut self, display: String, text: String, sha256: String) -> usize {
        let last = self.files.last().expect("a source has a first file");
        // One byte of gap so no span of one file can touch the next.
        let offset = last.offset + last.text.len() + 1;
        self.files.push(SourceFile {
            display,
            text,
            offset,
            sha256,
        });
        self.files.len() - 1
    }

    /// Deserialises the first file; a syntax or shape error names its line.
    pub fn parse_toml<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigErrors> {
        self.parse_file(0)
    }

    /// Deserialises file `index`. Spans in the result are relative to the
    /// file's text: shift them by [`Source::offset`] before reporting.
    fn parse_file<T: serde::de::DeserializeOwned>(&self, index: usize) -> Result<T, ConfigErrors> {
        let file = &self.files[index];
        toml::from_str(&file.text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            ConfigErrors(vec![match e.span() {
                Some(span) => {
                    self.error_at(span.start + file.offset..span.end + file.offset, message)
                }
                None => self.error_in(index, message),
            }])
        })
    }

    fn offset(&self, index: usize) -> usize {
        self.files[index].offset
    }

    /// An error at a byte span (of whichever file the span falls in).
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> ConfigError {
        let file = self
            .files
            .iter()
            .rev()
            .find(|f| f.offset <= span.start)
            .expect("the first file starts at offset 0");
        let start = (span.start - file.offset).min(file.text.len());
        let before = &file.text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError {
            file: file.display.clone(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// Where a value was written, as `file:line`.
    pub fn origin(&self, span: std::ops::Range<usize>) -> String {
        let at = self.error_at(span, "");
        match at.line {
            Some(line) => format!("{}:{line}", at.file),
            None => at.file,
        }
    }

    /// An error about the first file as a whole.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        self.error_in(0, message)
    }

    fn error_in(&self, index: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.files[index].display.clone(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// One `[evidence]` entry: a path, directory or glob, and optionally the
/// format to read it as (`{ path = "...", format = "junit" }`) instead of
/// detecting it.
#[derive(Debug, Clone)]
pub struct EvidencePattern {
    pub pattern: Spanned<String>,
    pub format: Option<Format>,
    /// For test results: the level of every case in these files.
    pub level: Option<regops_evidence::TestLevel>,
}

/// Globs for one kind of evidence.
#[derive(Debug, Clone)]
pub struct EvidencePatterns {
    pub kind: EvidenceKind,
    /// The config key (`sbom` for components).
    pub key: &'static str,
    pub patterns: Vec<EvidencePattern>,
}

/// How test results name the requirements they verify.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// JUnit `<property>` names holding requirement ids.
    pub requirement_properties: Vec<String>,
    /// A regular expression finding requirement ids in test and suite names.
    pub requirement_pattern: regex::Regex,
}

/// Per-class parameter overrides of one gate, with their spans.
pub type ParamOverrides = BTreeMap<SafetyClass, Vec<(Spanned<String>, Spanned<toml::Value>)>>;

/// One configured gate.
#[derive(Debug, Clone)]
pub struct GateConfig {
    pub id: Spanned<String>,
    /// `builtin:<id>` or a path relative to the config file.
    pub policy: Spanned<String>,
    pub params: ParamOverrides,
    /// Per-class check levels: check id → `error`, `warning` or `off`.
    pub levels: LevelOverrides,
}

/// Per-class check levels of one gate, with their spans.
pub type LevelOverrides = BTreeMap<SafetyClass, Vec<(Spanned<String>, Spanned<String>)>>;

/// A loaded, validated `regops.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    pub source: Source,
    /// The directory evidence globs and policy paths are relative to.
    pub dir: PathBuf,
    pub product: String,
    pub safety_class: SafetyClass,
    pub evidence: Vec<EvidencePatterns>,
    pub gates: Vec<GateConfig>,
    pub limits: Limits,
    pub tests: Option<TestOptions>,
    /// The waiver file, relative to the config directory.
    pub waivers: Option<Spanned<String>>,
    /// `[roles]`: role → logins, emails and `@org/team`s, validated.
    pub roles: regops_github::RoleMap,
    /// `[change]`: where the change under review and its approvals come from.
    pub change: ChangeOptions,
    /// `[release]`: what identifies the build being released.
    pub release: ReleaseOptions,
    /// `[anomalies] github-label`: open issues with it are the known anomalies.
    pub anomaly_label: Option<String>,
    /// `[capacity]`: budgets for capacity measurements, in seconds (or ops/s).
    pub capacity: Vec<Budget>,
    /// `[sbom] product`: SBOM entries that are the product itself, not SOUP.
    pub sbom_product: Vec<String>,
}

/// `[release]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseOptions {
    pub version: Option<String>,
    /// The commit being released (`--commit`); not read from the file.
    #[serde(skip)]
    pub commit: Option<String>,
    pub tag: Option<String>,
    pub udi_di: Option<String>,
    /// Globs of built artefacts, relative to the config file.
    #[serde(default)]
    pub artifacts: Vec<String>,
    /// Dependency lockfiles; `None`: the usual names in the config's directory.
    pub lockfiles: Option<Vec<String>>,
    /// Ids of the controlled documents the release cites.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// One `[capacity]` budget.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Measurement name (a benchmark's full name, or its last `::` part).
    pub name: String,
    pub statistic: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    /// The configuration file and line that set it.
    pub file: String,
    pub line: Option<usize>,
}

/// When to read the pull request under review from the GitHub API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitHubMode {
    /// When the workflow runs for a pull request (`GITHUB_EVENT_PATH` names one).
    Auto,
    Always,
    Never,
}

/// `[change]`: the change under review, for gate G2.
#[derive(Debug, Clone)]
pub struct ChangeOptions {
    pub github: GitHubMode,
    /// A `git log` range whose `Approved-by:` trailers are approvals.
    pub git_approvals: Option<Spanned<String>>,
    /// The base branch's SBOM, to find SOUP the change adds or updates.
    pub base_sbom: Option<EvidencePatterns>,
    /// The base branch's SOUP register, likewise.
    pub base_soup: Option<EvidencePatterns>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    extends: Option<Spanned<toml::Value>>,
    product: Option<String>,
    safety_class: Option<SafetyClass>,
    #[serde(default)]
    evidence: RawEvidence,
    #[serde(default)]
    gates: BTreeMap<Spanned<String>, RawGate>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    tests: RawTests,
    #[serde(default)]
    sbom: RawSbom,
    waivers: Option<Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<Spanned<String>, Spanned<Vec<String>>>,
    #[serde(default)]
    change: RawChange,
    release: Option<ReleaseOptions>,
    anomalies: Option<RawAnomalies>,
    #[serde(default)]
    capacity: BTreeMap<Spanned<String>, Spanned<RawBudget>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAnomalies {
    github_label: Option<String>,
}

/// One `[capacity]` budget.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBudget {
    pub statistic: Option<String>,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub unit: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSbom {
    product: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTests {
    requirement_properties: Option<Vec<String>>,
    requirement_pattern: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawChange {
    github: Option<Spanned<toml::Value>>,
    git_approvals: Option<Spanned<String>>,
    base_sbom: Option<Vec<Spanned<toml::Value>>>,
    base_soup: Option<Vec<Spanned<toml::Value>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    tests: Option<Vec<Spanned<toml::Value>>>,
    coverage: Option<Vec<Spanned<toml::Value>>>,
    findings: Option<Vec<Spanned<toml::Value>>>,
    sbom: Option<Vec<Spanned<toml::Value>>>,
    vulnerabilities: Option<Vec<Spanned<toml::Value>>>,
    vex: Option<Vec<Spanned<toml::Value>>>,
    requirements: Option<Vec<Spanned<toml::Value>>>,
    soup: Option<Vec<Spanned<toml::Value>>>,
    change: Option<Vec<Spanned<toml::Value>>>,
    approvals: Option<Vec<Spanned<toml::Value>>>,
    anomalies: Option<Vec<Spanned<toml::Value>>>,
    deployments: Option<Vec<Spanned<toml::Value>>>,
    documents: Option<Vec<Spanned<toml::Value>>>,
    reports: Option<Vec<Spanned<toml::Value>>>,
    measurements: Option<Vec<Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    policy: Option<Spanned<String>>,
    #[serde(default)]
    params: BTreeMap<SafetyClass, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    #[serde(default)]
    levels: BTreeMap<SafetyClass, BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLimits {
    fuel: Option<u64>,
    memory_mib: Option<u64>,
    timeout_seconds: Option<f64>,
}

/// Moves a span by `by` bytes: from a file's own text to its place in the
/// [`Source`].
fn shift<T>(value: Spanned<T>, by: usize) -> Spanned<T> {
    let span = value.span();
    Spanned::new(span.start + by..span.end + by, value.into_inner())
}

fn shift_all<T>(values: Option<Vec<Spanned<T>>>, by: usize) -> Option<Vec<Spanned<T>>> {
    values.map(|v| v.into_iter().map(|x| shift(x, by)).collect())
}

fn shift_map<K: Ord, V>(
    map: BTreeMap<Spanned<K>, V>,
    by: usize,
    f: impl Fn(V) -> V,
) -> BTreeMap<Spanned<K>, V> {
    map.into_iter().map(|(k, v)| (shift(k, by), f(v))).collect()
}

/// Overrides `base` with `over` key by key: a key `over` sets wins (its
/// span, so its origin, comes along), the others stay.
fn overlay<K: Ord, V>(
    base: &mut BTreeMap<Spanned<K>, V>,
    over: BTreeMap<Spanned<K>, V>,
    mut merge: impl FnMut(V, V) -> V,
) {
    for (key, value) in over {
        // Remove first: `insert` keeps the old key, and with it the old span.
        let value = match base.remove(&key) {
            Some(old) => merge(old, value),
            None => value,
        };
        base.insert(key, value);
    }
}

impl RawConfig {
    /// This file's spans moved to its place in the [`Source`].
    fn shifted(self, by: usize) -> RawConfig {
        let ev = self.evidence;
        RawConfig {
            extends: self.extends.map(|e| shift(e, by)),
            product: self.product,
            safety_class: self.safety_class,
            evidence: RawEvidence {
                tests: shift_all(ev.tests, by),
                coverage: shift_all(ev.coverage, by),
                findings: shift_all(ev.findings, by),
                sbom: shift_all(ev.sbom, by),
                vulnerabilities: shift_all(ev.vulnerabilities, by),
                vex: shift_all(ev.vex, by),
                requirements: shift_all(ev.requirements, by),
                soup: shift_all(ev.soup, by),
                change: shift_all(ev.change, by),
                approvals: shift_all(ev.approvals, by),
                anomalies: shift_all(ev.anomalies, by),
                deployments: shift_all(ev.deployments, by),
                documents: shift_all(ev.documents, by),
                reports: shift_all(ev.reports, by),
                measurements: shift_all(ev.measurements, by),
            },
            gates: shift_map(self.gates, by, |gate| RawGate {
                policy: gate.policy.map(|p| shift(p, by)),
                params: gate
                    .params
                    .into_iter()
                    .map(|(class, values)| (class, shift_map(values, by, |v| shift(v, by))))
                    .collect(),
                levels: gate
                    .levels
                    .into_iter()
                    .map(|(class, values)| (class, shift_map(values, by, |v| shift(v, by))))
                    .collect(),
            }),
            limits: self.limits,
            tests: RawTests {
                requirement_properties: self.tests.requirement_properties,
                requirement_pattern: self.tests.requirement_pattern.map(|p| shift(p, by)),
            },
            sbom: RawSbom {
                product: shift_all(self.sbom.product, by),
            },
            waivers: self.waivers.map(|w| shift(w, by)),
            roles: shift_map(self.roles, by, |v| shift(v, by)),
            change: RawChange {
                github: self.change.github.map(|g| shift(g, by)),
                git_approvals: self.change.git_approvals.map(|g| shift(g, by)),
                base_sbom: shift_all(self.change.base_sbom, by),
                base_soup: shift_all(self.change.base_soup, by),
            },
            release: self.release,
            anomalies: self.anomalies,
            capacity: shift_map(self.capacity, by, |v| shift(v, by)),
        }
    }

    /// `self` (a base) with `over` (a file extending it) on top, key by key.
    fn overlaid(mut self, over: RawConfig) -> RawConfig {
        let (ev, base_ev) = (over.evidence, self.evidence);
        overlay(&mut self.gates, over.gates, |mut base, over| {
            base.policy = over.policy.or(base.policy);
            for (class, values) in over.params {
                overlay(base.params.entry(class).or_default(), values, |_, v| v);
            }
            for (class, values) in over.levels {
                overlay(base.levels.entry(class).or_default(), values, |_, v| v);
            }
            base
        });
        overlay(&mut self.roles, over.roles, |_, v| v);
        overlay(&mut self.capacity, over.capacity, |_, v| v);
        RawConfig {
            extends: None,
            product: over.product.or(self.product),
            safety_class: over.safety_class.or(self.safety_class),
            evidence: RawEvidence {
                tests: ev.tests.or(base_ev.tests),
                coverage: ev.coverage.or(base_ev.coverage),
                findings: ev.findings.or(base_ev.findings),
                sbom: ev.sbom.or(base_ev.sbom),
                vulnerabilities: ev.vulnerabilities.or(base_ev.vulnerabilities),
                vex: ev.vex.or(base_ev.vex),
                requirements: ev.requirements.or(base_ev.requirements),
                soup: ev.soup.or(base_ev.soup),
                change: ev.change.or(base_ev.change),
                approvals: ev.approvals.or(base_ev.approvals),
                anomalies: ev.anomalies.or(base_ev.anomalies),
                deployments: ev.deployments.or(base_ev.deployments),
                documents: ev.documents.or(base_ev.documents),
                reports: ev.reports.or(base_ev.reports),
                measurements: ev.measurements.or(base_ev.measurements),
            },
            gates: self.gates,
            limits: RawLimits {
                fuel: over.limits.fuel.or(self.limits.fuel),
                memory_mib: over.limits.memory_mib.or(self.limits.memory_mib),
                timeout_seconds: over.limits.timeout_seconds.or(self.limits.timeout_seconds),
            },
            tests: RawTests {
                requirement_properties: over
                    .tests
                    .requirement_properties
                    .or(self.tests.requirement_properties),
                requirement_pattern: over
                    .tests
                    .requirement_pattern
                    .or(self.tests.requirement_pattern),
            },
            sbom: RawSbom {
                product: over.sbom.product.or(self.sbom.product),
            },
            waivers: over.waivers.or(self.waivers),
            roles: self.roles,
            change: RawChange {
                github: over.change.github.or(self.change.github),
                git_approvals: over.change.git_approvals.or(self.change.git_approvals),
                base_sbom: over.change.base_sbom.or(self.change.base_sbom),
                base_soup: over.change.base_soup.or(self.change.base_soup),
            },
            release: over.release.or(self.release),
            anomalies: over.anomalies.or(self.anomalies),
            capacity: self.capacity,
        }
    }
}

impl Config {
    /// Reads and validates a config file and the files it extends.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: display.clone(),
                line: None,
                column: None,
                message: format!(
                    "cannot read the configuration: {e}; pass its path with `--config`"
                ),
            }])
        })?;
        let dir = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Config::parse(Source::new(display, text), dir)
    }

    /// Parses config text; `dir` is where relative paths start (also those
    /// written in the files it extends: a baseline describes the layout of
    /// the repositories that extend it).
    pub fn parse(mut source: Source, dir: PathBuf) -> Result<Config, ConfigErrors> {
        let first: RawConfig = source.parse_toml()?;
        let raw = extends::resolve(
            &mut source,
            first,
            extends::Location::Dir(dir.clone()),
            &mut Vec::new(),
        )?;
        let mut errors = Vec::new();
        let Some(safety_class) = raw.safety_class else {
            return Err(ConfigErrors(vec![source.error(
                "`safety-class` is not set; add `safety-class = \"A\"`, \"B\" or \"C\" (IEC 62304 software safety class)",
            )]));
        };

        let ev = raw.evidence;
        let evidence = [
            (EvidenceKind::Tests, "tests", ev.tests),
            (EvidenceKind::Coverage, "coverage", ev.coverage),
            (EvidenceKind::Findings, "findings", ev.findings),
            (EvidenceKind::Components, "sbom", ev.sbom),
            (
                EvidenceKind::Vulnerabilities,
                "vulnerabilities",
                ev.vulnerabilities,
            ),
            (EvidenceKind::Vex, "vex", ev.vex),
            (EvidenceKind::Requirements, "requirements", ev.requirements),
            (EvidenceKind::Soup, "soup", ev.soup),
            (EvidenceKind::Change, "change", ev.change),
            (EvidenceKind::Approvals, "approvals", ev.approvals),
            (EvidenceKind::Anomalies, "anomalies", ev.anomalies),
            (EvidenceKind::Deployments, "deployments", ev.deployments),
            (EvidenceKind::Documents, "documents", ev.documents),
            (EvidenceKind::GateResults, "reports", ev.reports),
            (EvidenceKind::Measurements, "measurements", ev.measurements),
        ]
        .into_iter()
        .filter_map(|(kind, key, entries)| {
            Some(evidence_patterns(&source, kind, key, entries?, &mut errors))
        })
        .collect();
        let change = ChangeOptions {
            github: match raw.change.github {
                None => GitHubMode::Auto,
                Some(value) => match value.get_ref() {
                    toml::Value::Boolean(true) => GitHubMode::Always,
                    toml::Value::Boolean(false) => GitHubMode::Never,
                    toml::Value::String(s) if s == "auto" => GitHubMode::Auto,
                    _ => {
                        errors.push(source.error_at(
                            value.span(),
                            "[change] github is true (always read the pull request from the GitHub API), \
                             false (never) or \"auto\" (when the workflow runs for a pull request)",
                        ));
                        GitHubMode::Never
                    }
                },
            },
            git_approvals: raw.change.git_approvals,
            base_sbom: raw.change.base_sbom.map(|e| {
                evidence_patterns(
                    &source,
                    EvidenceKind::Components,
                    "base-sbom",
                    e,
                    &mut errors,
                )
            }),
            base_soup: raw.change.base_soup.map(|e| {
                evidence_patterns(&source, EvidenceKind::Soup, "base-soup", e, &mut errors)
            }),
        };

        let gates = raw
            .gates
            .into_iter()
            .filter_map(|(id, gate)| {
                let policy = match gate.policy {
                    Some(policy) => policy,
                    None if crate::policy::find_builtin(id.get_ref()).is_some() => {
                        Spanned::new(id.span(), format!("builtin:{}", id.get_ref()))
                    }
                    None => {
                        errors.push(source.error_at(
                            id.span(),
                            format!(
                                "gate `{}` is not built in; set `policy = \"path/to/gate.wasm\"` under [gates.{}] \
                                 (built-in gates: {})",
                                id.get_ref(),
                                id.get_ref(),
                                builtin_names()
                            ),
                        ));
                        return None;
                    }
                };
                let params = gate
                    .params
                    .into_iter()
                    .map(|(class, values)| (class, values.into_iter().collect()))
                    .collect();
                let levels = gate
                    .levels
                    .into_iter()
                    .map(|(class, values)| (class, values.into_iter().collect()))
                    .collect();
                Some(GateConfig {
                    id,
                    policy,
                    params,
                    levels,
                })
            })
            .collect();

        let mut limits = Limits::default();
        if let Some(fuel) = raw.limits.fuel {
            limits.fuel = fuel;
        }
        if let Some(mib) = raw.limits.memory_mib {
            limits.memory_bytes =
                usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        }
        if let Some(seconds) = raw.limits.timeout_seconds {
            if seconds.is_finite() && seconds > 0.0 {
                limits.timeout = Duration::from_secs_f64(seconds);
            } else {
                errors.push(
                    source.error("[limits] timeout-seconds must be a positive number of seconds"),
                );
            }
        }

        let tests = (raw.tests.requirement_pattern.is_some()
            || raw.tests.requirement_properties.is_some())
        .then(|| {
            let t = raw.tests;
            let defaults = regops_evidence::Options::default();
            let requirement_pattern = match t.requirement_pattern {
                None => defaults.requirement_pattern,
                Some(p) => regex::Regex::new(p.get_ref()).unwrap_or_else(|e| {
                    errors.push(source.error_at(
                        p.span(),
                        format!("requirement-pattern is not a valid regular expression: {e}"),
                    ));
                    defaults.requirement_pattern
                }),
            };
            TestOptions {
                requirement_properties: t
                    .requirement_properties
                    .unwrap_or(defaults.requirement_properties),
                requirement_pattern,
            }
        });

        // Each role on its own first, so every bad member is reported at its
        // role's line, whether or not a gate that reads roles runs.
        for (role, members) in &raw.roles {
            if let Err(e) = regops_github::RoleMap::new([(role.get_ref(), members.get_ref())]) {
                errors.push(source.error_at(members.span(), e.to_string()));
            }
        }
        let roles =
            regops_github::RoleMap::new(raw.roles.iter().map(|(r, m)| (r.get_ref(), m.get_ref())))
                .unwrap_or_default();

        let mut capacity = Vec::new();
        for (name, budget) in raw.capacity {
            let b = budget.get_ref();
            let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
            if (b.max.is_none() && b.min.is_none()) || !finite(b.max) || !finite(b.min) {
                errors.push(source.error_at(
                    budget.span(),
                    format!(
                        "[capacity] `{}` needs `max` (e.g. max = 0.25, for a time) or `min`                          (for a throughput), as a finite number",
                        name.get_ref()
                    ),
                ));
                continue;
            }
            let factor = match b.unit.as_deref() {
                None | Some("s") => 1.0,
                Some("ms") => 1e-3,
                Some("us") | Some("µs") => 1e-6,
                Some("ns") => 1e-9,
                Some("ops/s") => 1.0,
                Some(other) => {
                    errors.push(source.error_at(
                        budget.span(),
                        format!(
                            "[capacity] `{}`: unit `{other}` is not known; use s, ms, us, ns or ops/s",
                            name.get_ref()
                        ),
                    ));
                    continue;
                }
            };
            let at = source.error_at(name.span(), "");
            capacity.push(Budget {
                name: name.into_inner(),
                statistic: b.statistic.clone().unwrap_or_else(|| "mean".to_string()),
                max: b.max.map(|v| v * factor),
                min: b.min.map(|v| v * factor),
                file: at.file,
                line: at.line,
            });
        }

        let mut sbom_product = Vec::new();
        for entry in raw.sbom.product.into_iter().flatten() {
            let text = entry.get_ref().trim();
            if text.is_empty() || text == "pkg:" {
                errors.push(source.error_at(
                    entry.span(),
                    "[sbom] product entries name an SBOM entry by purl (\"pkg:golang/github.com/acme/pump\") or by name; this one is empty",
                ));
            } else {
                sbom_product.push(text.to_string());
            }
        }

        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Config {
            sbom_product,
            release: raw.release.unwrap_or_default(),
            anomaly_label: raw.anomalies.and_then(|a| a.github_label),
            capacity,
            source,
            dir,
            product: raw.product.unwrap_or_else(|| "unnamed product".to_string()),
            safety_class,
            evidence,
            gates,
            limits,
            tests,
            waivers: raw.waivers,
            roles,
            change,
        })
    }

    /// How the normalisers read this project's evidence.
    pub fn evidence_options(&self) -> regops_evidence::Options {
        let mut options = regops_evidence::Options::default();
        if let Some(tests) = &self.tests {
            options.requirement_properties = tests.requirement_properties.clone();
            options.requirement_pattern = tests.requirement_pattern.clone();
        }
        options.product_components = self.sbom_product.clone();
        options
    }

    /// The gates to run: those `selected` (`--gate`), else every gate under
    /// `[gates]` and the built-in `ci`; built-in gates first, in pipeline
    /// order. An unknown selected gate is an error naming the known ones.
    pub fn effective_gates(&self, selected: &[String]) -> Result<Vec<GateConfig>, ConfigErrors> {
        let configured = |id: &str| self.gates.iter().find(|g| g.id.get_ref() == id);
        let builtin = |id: &str| {
            crate::policy::find_builtin(id).map(|b| GateConfig {
                id: Spanned::new(0..0, b.id.to_string()),
                policy: Spanned::new(0..0, format!("builtin:{}", b.id)),
                params: ParamOverrides::new(),
                levels: LevelOverrides::new(),
            })
        };
        let mut gates: Vec<GateConfig> = Vec::new();
        if selected.is_empty() {
            gates.extend(self.gates.iter().cloned());
            if configured("ci").is_none() {
                gates.extend(builtin("ci"));
            }
        } else {
            let mut unknown = Vec::new();
            for id in selected {
                match configured(id).cloned().or_else(|| builtin(id)) {
                    Some(gate) if !gates.iter().any(|g| g.id.get_ref() == id) => gates.push(gate),
                    Some(_) => {}
                    None => unknown.push(id.as_str()),
                }
            }
            if !unknown.is_empty() {
                let mut known: Vec<String> = crate::policy::BUILTINS
                    .iter()
                    .map(|b| b.id.to_string())
                    .collect();
                known.extend(self.gates.iter().map(|g| g.id.get_ref().clone()));
                known.sort();
                known.dedup();
                return Err(ConfigErrors(vec![self.source.error(format!(
                    "--gate {}: no such gate; built-in or configured gates: {}",
                    unknown.join(", "),
                    known.join(", ")
                ))]));
            }
        }
        gates.sort_by_key(|g| {
            let builtin_rank = crate::policy::BUILTINS
                .iter()
                .position(|b| b.id == g.id.get_ref());
            (builtin_rank.unwrap_or(usize::MAX), g.id.get_ref().clone())
        });
        Ok(gates)
    }
}

/// One kind's `[evidence]` entries; a bad entry is reported and skipped.
fn evidence_patterns(
    source: &Source,
    kind: EvidenceKind,
    key: &'static str,
    entries: Vec<Spanned<toml::Value>>,
    errors: &mut Vec<ConfigError>,
) -> EvidencePatterns {
    let patterns = entries
        .into_iter()
        .filter_map(|entry| match evidence_pattern(&entry, kind) {
            Ok(pattern) => Some(pattern),
            Err(message) => {
                errors.push(source.error_at(entry.span(), message));
                None
            }
        })
        .collect();
    EvidencePatterns {
        kind,
        key,
        patterns,
    }
}

/// An `[evidence]` entry: `"glob"` or `{ path = "glob", format = "name" }`.
fn evidence_pattern(
    entry: &Spanned<toml::Value>,
    kind: EvidenceKind,
) -> Result<EvidencePattern, String> {
    let span = entry.span();
    match entry.get_ref() {
        toml::Value::String(path) => Ok(EvidencePattern {
            pattern: Spanned::new(span, path.clone()),
            format: None,
            level: None,
        }),
        toml::Value::Table(table) => {
            let allowed: &[&str] = if kind == EvidenceKind::Tests {
                &["path", "format", "level"]
            } else {
                &["path", "format"]
            };
            if let Some(key) = table.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Err(format!(
                    "unknown key `{key}` in an evidence entry; expected {}",
                    allowed
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let level = match table.get("level") {
                None => None,
                Some(value) => Some(match value.as_str() {
                    Some("unit") => regops_evidence::TestLevel::Unit,
                    Some("integration") => regops_evidence::TestLevel::Integration,
                    Some("system") => regops_evidence::TestLevel::System,
                    _ => {
                        return Err(
                            "`level` is \"unit\", \"integration\" or \"system\"".to_string()
                        );
                    }
                }),
            };
            let path = table
                .get("path")
                .and_then(toml::Value::as_str)
                .ok_or("an evidence entry table needs `path = \"...\"`")?;
            let format = match table.get("format") {
                None => None,
                Some(name) => {
                    let name = name.as_str().ok_or("`format` must be a string")?;
                    let format = Format::from_name(name).ok_or_else(|| {
                        format!(
                            "unknown format `{name}`; formats for {kind}: {}",
                            Format::names_for(kind)
                        )
                    })?;
                    Some(format)
                }
            };
            Ok(EvidencePattern {
                pattern: Spanned::new(span, path.to_string()),
                format,
                level,
            })
        }
        _ => Err(
            "an evidence entry is a path or glob string, or `{ path = \"...\", format = \"...\" }`"
                .to_string(),
        ),
    }
}

fn builtin_names() -> String {
    crate::policy::BUILTINS
        .iter()
        .map(|b| b.id)
        .collect::<Vec<_>>()
        .join(", ")
}
