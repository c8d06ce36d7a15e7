//! pip-audit JSON (`pip-audit -f json`).
//!
//! Current pip-audit writes `{"dependencies": [{"name", "version", "vulns":
//! [{"id", "fix_versions", "aliases", "description"}]}], "fixes": [...]}`;
//! versions before 2.0 wrote the bare array of dependencies. Both are read,
//! one dependency at a time.
//!
//! One [`Vulnerability`] per (dependency, vulnerability):
//!
//! * `package` and `version` as pip-audit writes them; `purl` is
//!   `pkg:pypi/<name>@<version>` with the name normalised as PEP 503 does
//!   (lowercase, runs of `-`, `_`, `.` become `-`), as the purl spec requires
//!   for PyPI, and the version percent-encoded where purl needs it (`+`).
//! * `severity` is [`Severity::Unknown`] and `cvss_score` is `None`: pip-audit
//!   reports no severity, and gates treat an unknown severity as the worst
//!   case until VEX or another scanner says otherwise.
//! * `fixed_versions` from `fix_versions`, `aliases` as given (the vulnerability's
//!   own id removed), `scanner` is `pip-audit`.
//!
//! A dependency pip-audit skipped (`skip_reason`: not on PyPI, editable
//! install, vulnerability service unreachable...) was not audited; each one is
//! reported as a warning, and when every dependency was skipped a first
//! warning says the report shows nothing (pip-audit itself exits 0 and prints
//! "No known vulnerabilities found" in that case).

use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseContext;
use crate::error::FormatError;
use crate::model::{Severity, Vulnerability};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let bytes = super::read_json(reader)?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let mut sink = Sink {
        evidence: ctx.evidence_path.to_string(),
        out,
        warnings: Vec::new(),
        dependencies_seen: false,
        dependencies: 0,
        skipped: 0,
    };
    Report { sink: &mut sink }
        .deserialize(&mut de)
        .map_err(FormatError::from)?;
    de.end().map_err(FormatError::from)?;
    if !sink.dependencies_seen {
        return Err(FormatError::whole_file(
            "expected a \"dependencies\" array (pip-audit -f json), found none",
        ));
    }
    if sink.dependencies > 0 && sink.skipped == sink.dependencies {
        // pip-audit exits 0 and prints "No known vulnerabilities found" when it
        // could not reach its vulnerability service.
        sink.warnings.insert(
            0,
            format!(
                "pip-audit audited none of the {} dependencies (all were skipped), so this report \
                 says nothing about their vulnerabilities",
                sink.dependencies
            ),
        );
    }
    ctx.warnings.append(&mut sink.warnings);
    Ok(())
}

struct Sink<'o> {
    evidence: String,
    out: &'o mut Vec<Vulnerability>,
    warnings: Vec<String>,
    dependencies_seen: bool,
    dependencies: u64,
    skipped: u64,
}

#[derive(Deserialize)]
struct RawDependency {
    name: String,
    version: Option<String>,
    #[serde(default)]
    vulns: Option<Vec<RawVuln>>,
    skip_reason: Option<String>,
}

#[derive(Deserialize)]
struct RawVuln {
    id: String,
    #[serde(default)]
    fix_versions: Option<Vec<String>>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
}

impl Sink<'_> {
    fn add(&mut self, dep: RawDependency) {
        self.dependencies += 1;
        if let Some(reason) = dep.skip_reason {
            self.skipped += 1;
            let version = dep
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            self.warnings.push(format!(
                "pip-audit skipped {}{version}: {}",
                dep.name,
                reason.trim()
            ));
        }
        let purl = purl(&dep.name, dep.version.as_deref());
        for vuln in dep.vulns.unwrap_or_default() {
            let mut aliases = Vec::new();
            for alias in vuln.aliases.unwrap_or_default() {
                if alias != vuln.id && !aliases.contains(&alias) {
                    aliases.push(alias);
                }
            }
            self.out.push(Vulnerability {
                id: vuln.id,
                aliases,
                package: dep.name.clone(),
                version: dep.version.clone(),
                purl: purl.clone(),
                severity: Severity::Unknown,
                cvss_score: None,
                fixed_versions: vuln.fix_versions.unwrap_or_default(),
                scanner: "pip-audit".to_string(),
                database_time: None,
                assessment: None,
                evidence: self.evidence.clone(),
            });
        }
    }
}

/// `pkg:pypi/<normalised name>@<version>`.
fn purl(name: &str, version: Option<&str>) -> Option<String> {
    let mut normalised = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !normalised.is_empty() {
            normalised.push('-');
        }
        separator = false;
        normalised.extend(c.to_lowercase());
    }
    if normalised.is_empty() {
        return None;
    }
    Some(match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => format!("pkg:pypi/{normalised}@{}", encode_version(v)),
        None => format!("pkg:pypi/{normalised}"),
    })
}

fn encode_version(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The whole report: an object with `dependencies`, or the old bare array.
struct Report<'s, 'o> {
    sink: &'s mut Sink<'o>,
}

impl<'de> DeserializeSeed<'de> for Report<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Report<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a pip-audit report (an object with \"dependencies\", or an array of dependencies)",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "dependencies" {
                map.next_value_seed(Dependencies {
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Dependencies { sink: self.sink }.visit_seq(seq)
    }
}

struct Dependencies<'s, 'o> {
    sink: &'s mut Sink<'o>,
}

impl<'de> DeserializeSeed<'de> for Dependencies<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Dependencies<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of dependencies")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.sink.dependencies_seen = true;
        while let Some(dep) = seq.next_element::<RawDependency>()? {
            if dep.name.trim().is_empty() {
                return Err(de::Error::custom("a dependency has an empty \"name\""));
            }
            self.sink.add(dep);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(
            purl("Jinja2", Some("2.10")).as_deref(),
            Some("pkg:pypi/jinja2@2.10")
        );
        assert_eq!(
            purl("typing_extensions", Some("4.0.0+local")).as_deref(),
            Some("pkg:pypi/typing-extensions@4.0.0%2Blocal")
        );
        assert_eq!(
            purl("zope..interface", None).as_deref(),
            Some("pkg:pypi/zope-interface")
        );
    }
}
