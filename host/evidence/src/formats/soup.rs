//! The SOUP register: a YAML or CSV file kept in the repository (format in
//! docs/soup.md).
//!
//! - YAML: a top-level `soup:` list of entries with `package`, `version`,
//!   `purpose`, and optionally `risk-level`, `requirements`, `reviewed-by`,
//!   `anomaly-list-reviewed`, `anomaly-list`. Unknown keys are errors (a
//!   misspelt `reviewed_by` must not silently read as "not reviewed").
//! - CSV: a header row naming the same columns in any order; lists are
//!   `;`-separated; booleans are `true`/`false`/`yes`/`no`.
//!
//! Each entry's location is the line its `package` is on, so a gate can
//! point at the entry to fix. Registers are small: both forms are read
//! whole (capped by the loader's file-size limit).

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, from_yaml, read_text};
use crate::error::FormatError;
use crate::model::{Location, SoupItem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Register {
    soup: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    package: String,
    version: Scalar,
    purpose: String,
    #[serde(default)]
    risk_level: Option<String>,
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(default)]
    reviewed_by: Vec<String>,
    #[serde(default)]
    anomaly_list_reviewed: bool,
    #[serde(default)]
    #[allow(dead_code)]
    anomaly_list: Option<String>,
}

/// YAML reads `1.10` as a number; a version is text as written.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Integer(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
        }
    }
}

/// The 1-based lines of the `package:` keys of list entries, in order.
fn package_lines(text: &str) -> Vec<u32> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let t = line.trim_start().trim_start_matches('-').trim_start();
            t.starts_with("package:")
        })
        .map(|(i, _)| i as u32 + 1)
        .collect()
}

/// A YAML register.
pub fn parse_yaml(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<SoupItem>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    let register: Register = from_yaml(&text, "not a SOUP register", 0)?;
    let lines = package_lines(&text);
    let lines_known = lines.len() == register.soup.len();
    if register.soup.is_empty() {
        ctx.warnings
            .push("the SOUP register lists no item".to_string());
    }
    for (i, entry) in register.soup.into_iter().enumerate() {
        let line = if lines_known {
            lines.get(i).copied()
        } else {
            None
        };
        push(entry, line, ctx, out)?;
    }
    Ok(())
}

fn push(
    entry: Entry,
    line: Option<u32>,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<SoupItem>,
) -> Result<(), FormatError> {
    let version = entry.version.into_string();
    for (field, value) in [
        ("package", &entry.package),
        ("version", &version),
        ("purpose", &entry.purpose),
    ] {
        if value.trim().is_empty() {
            let message = format!(
                "a SOUP entry has an empty `{field}`; every entry needs package, version and purpose"
            );
            return Err(match line {
                Some(line) => FormatError {
                    message,
                    at: crate::error::At::LineColumn(u64::from(line), 1),
                },
                None => FormatError::whole_file(message),
            });
        }
    }
    out.push(SoupItem {
        package: entry.package.trim().to_string(),
        version: version.trim().to_string(),
        purpose: entry.purpose,
        risk_level: entry.risk_level,
        requirements: entry.requirements,
        reviewed_by: entry.reviewed_by,
        anomalies_reviewed: entry.anomaly_list_reviewed,
        source: Location {
            file: ctx.evidence_path.to_string(),
            line,
            column: None,
        },
    });
    Ok(())
}

const COLUMNS: &[&str] = &[
    "package",
    "version",
    "purpose",
    "risk-level",
    "requirements",
    "reviewed-by",
    "anomaly-list-reviewed",
    "anomaly-list",
];

fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A CSV register with a header row.
pub fn parse_csv(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<SoupItem>,
) -> Result<(), FormatError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| FormatError::whole_file(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase().replace('_', "-"))
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(FormatError {
            message: format!(
                "unknown column `{unknown}`; columns are: {}",
                COLUMNS.join(", ")
            ),
            at: crate::error::At::LineColumn(1, 1),
        });
    }
    let column = |name: &str| headers.iter().position(|h| h == name);
    for required in ["package", "version", "purpose"] {
        if column(required).is_none() {
            return Err(FormatError {
                message: format!("the header row has no `{required}` column"),
                at: crate::error::At::LineColumn(1, 1),
            });
        }
    }
    let mut entries = 0usize;
    for record in csv.records() {
        entries += 1;
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            FormatError {
                message: format!("malformed CSV row: {e}"),
                at: crate::error::At::LineColumn(line, 1),
            }
        })?;
        let line = record.position().map(|p| p.line() as u32);
        let get = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let reviewed = get("anomaly-list-reviewed").to_ascii_lowercase();
        let anomaly_list_reviewed = match reviewed.as_str() {
            "true" | "yes" | "y" | "1" => true,
            "false" | "no" | "n" | "0" | "" => false,
            other => {
                return Err(FormatError {
                    message: format!("anomaly-list-reviewed is `{other}`; write true or false"),
                    at: crate::error::At::LineColumn(u64::from(line.unwrap_or(0)), 1),
                });
            }
        };
        let risk = get("risk-level");
        let entry = Entry {
            package: get("package"),
            version: Scalar::Text(get("version")),
            purpose: get("purpose"),
            risk_level: (!risk.is_empty()).then_some(risk),
            requirements: list(&get("requirements")),
            reviewed_by: list(&get("reviewed-by")),
            anomaly_list_reviewed,
            anomaly_list: None,
        };
        push(entry, line, ctx, out)?;
    }
    if entries == 0 {
        ctx.warnings
            .push("the SOUP register lists no item".to_string());
    }
    Ok(())
}
