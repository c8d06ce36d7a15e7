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

/// The text of a config file, to turn byte spans into lines.
#[derive(Debug, Clone)]
pub struct Source {
    pub display: String,
    text: String,
}

impl Source {
    pub fn new(display: String, text: String) -> Source {
        Source { display, text }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Deserialises the file; a syntax or shape error names its line.
    pub fn parse_toml<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigErrors> {
        toml::from_str(&self.text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            ConfigErrors(vec![match e.span() {
                Some(span) => self.error_at(span, message),
                None => self.error(message),
            }])
        })
    }

    /// An error at a byte span of this file.
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> ConfigError {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError {
            file: self.display.clone(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.display.clone(),
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    product: Option<String>,
    safety_class: SafetyClass,
    #[serde(default)]
    evidence: RawEvidence,
    #[serde(default)]
    gates: BTreeMap<Spanned<String>, RawGate>,
    #[serde(default)]
    limits: RawLimits,
    tests: Option<RawTests>,
    waivers: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTests {
    requirement_properties: Option<Vec<String>>,
    requirement_pattern: Option<Spanned<String>>,
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

impl Config {
    /// Reads and validates a config file.
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
        Config::parse(Source { display, text }, dir)
    }

    /// Parses config text; `dir` is where relative paths start.
    pub fn parse(source: Source, dir: PathBuf) -> Result<Config, ConfigErrors> {
        let raw: RawConfig = source.parse_toml()?;
        let mut errors = Vec::new();

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
        ]
        .into_iter()
        .filter_map(|(kind, key, entries)| {
            let patterns = entries?
                .into_iter()
                .filter_map(|entry| match evidence_pattern(&entry, kind) {
                    Ok(pattern) => Some(pattern),
                    Err(message) => {
                        errors.push(source.error_at(entry.span(), message));
                        None
                    }
                })
                .collect();
            Some(EvidencePatterns {
                kind,
                key,
                patterns,
            })
        })
        .collect();

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

        let tests = raw.tests.map(|t| {
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

        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Config {
            source,
            dir,
            product: raw.product.unwrap_or_else(|| "unnamed product".to_string()),
            safety_class: raw.safety_class,
            evidence,
            gates,
            limits,
            tests,
            waivers: raw.waivers,
        })
    }

    /// How the normalisers read this project's evidence.
    pub fn evidence_options(&self) -> regops_evidence::Options {
        let mut options = regops_evidence::Options::default();
        if let Some(tests) = &self.tests {
            options.requirement_properties = tests.requirement_properties.clone();
            options.requirement_pattern = tests.requirement_pattern.clone();
        }
        options
    }

    /// The gates to run: every built-in gate (configured or not), then the
    /// other configured gates, each once.
    pub fn effective_gates(&self) -> Vec<GateConfig> {
        let mut gates: Vec<GateConfig> = crate::policy::BUILTINS
            .iter()
            .filter(|b| !self.gates.iter().any(|g| g.id.get_ref() == b.id))
            .map(|b| GateConfig {
                id: Spanned::new(0..0, b.id.to_string()),
                policy: Spanned::new(0..0, format!("builtin:{}", b.id)),
                params: ParamOverrides::new(),
                levels: LevelOverrides::new(),
            })
            .collect();
        gates.extend(self.gates.iter().cloned());
        gates.sort_by_key(|g| {
            let builtin_rank = crate::policy::BUILTINS
                .iter()
                .position(|b| b.id == g.id.get_ref());
            (builtin_rank.unwrap_or(usize::MAX), g.id.get_ref().clone())
        });
        gates
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
        }),
        toml::Value::Table(table) => {
            if let Some(key) = table.keys().find(|k| *k != "path" && *k != "format") {
                return Err(format!(
                    "unknown key `{key}` in an evidence entry; expected `path` and `format`"
                ));
            }
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
