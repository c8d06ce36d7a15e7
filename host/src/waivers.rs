//! Waivers: a recorded, approved, expiring exception for one subject of one
//! check (a skipped test, a CVE, a finding fingerprint). A failing check
//! whose every subject is waived passes, and says by which waivers; an
//! expired waiver no longer applies and says so.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::config::{ConfigError, ConfigErrors, Source};
use crate::verdict::{Outcome, Verdict, Waived};

/// A calendar date, compared as (year, month, day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        (parts.next().is_none() && (1..=12).contains(&month) && (1..=31).contains(&day))
            .then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix_days((secs / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    pub(crate) fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    id: String,
    gate: Spanned<String>,
    check: Spanned<String>,
    subject: String,
    reason: String,
    approver: String,
    expires: Spanned<toml::value::Datetime>,
}

/// One waiver from the waiver file.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub id: String,
    pub gate: Spanned<String>,
    pub check: Spanned<String>,
    pub subject: String,
    pub reason: String,
    pub approver: String,
    pub expires: Date,
}

/// The waivers of one run, and the file they came from.
#[derive(Debug, Clone, Default)]
pub struct Waivers {
    pub source: Option<Source>,
    /// SHA-256 of the bytes the waivers were read from.
    pub sha256: Option<String>,
    pub waivers: Vec<Waiver>,
}

impl Waivers {
    /// Reads the waiver file; every problem is reported with its line.
    pub fn load(path: &Path, display: String) -> Result<Waivers, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: display.clone(),
                line: None,
                column: None,
                message: format!("cannot read the waiver file: {e}"),
            }])
        })?;
        let sha256 = crate::digest::sha256_hex(text.as_bytes());
        let source = Source::new(display, text);
        let raw: RawFile = source.parse_toml()?;
        let mut errors = Vec::new();
        let mut waivers = Vec::new();
        for entry in raw.waiver {
            let span = entry.span();
            let w = entry.into_inner();
            for (field, value) in [
                ("id", &w.id),
                ("subject", &w.subject),
                ("reason", &w.reason),
                ("approver", &w.approver),
            ] {
                if value.trim().is_empty() {
                    errors.push(source.error_at(
                        span.clone(),
                        format!("waiver `{}` has an empty `{field}`", w.id),
                    ));
                }
            }
            let Some(expires) = w.expires.get_ref().date.and_then(|d| {
                (w.expires.get_ref().time.is_none()).then_some(Date {
                    year: d.year,
                    month: d.month,
                    day: d.day,
                })
            }) else {
                errors.push(source.error_at(
                    w.expires.span(),
                    format!(
                        "waiver `{}`: `expires` must be a date like 2027-01-31",
                        w.id
                    ),
                ));
                continue;
            };
            waivers.push(Waiver {
                id: w.id,
                gate: w.gate,
                check: w.check,
                subject: w.subject,
                reason: w.reason,
                approver: w.approver,
                expires,
            });
        }
        if !errors.is_empty() {
            return Err(ConfigErrors(errors));
        }
        Ok(Waivers {
            source: Some(source),
            sha256: Some(sha256),
            waivers,
        })
    }

    /// Waivers naming a gate or check that does not exist, as errors.
    pub fn validate(&self, gate_checks: &[(String, Vec<String>)]) -> Vec<ConfigError> {
        let Some(source) = &self.source else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        for w in &self.waivers {
            match gate_checks.iter().find(|(gate, _)| gate == w.gate.get_ref()) {
                None => errors.push(source.error_at(
                    w.gate.span(),
                    format!("waiver `{}` names gate `{}`, which this configuration does not run", w.id, w.gate.get_ref()),
                )),
                Some((_, checks)) if !checks.contains(w.check.get_ref()) => errors.push(source.error_at(
                    w.check.span(),
                    format!(
                        "waiver `{}` names check `{}`, which gate `{}` does not have; its checks are: {}",
                        w.id,
                        w.check.get_ref(),
                        w.gate.get_ref(),
                        checks.join(", ")
                    ),
                )),
                Some(_) => {}
            }
        }
        errors
    }

    /// Excuses the waived subjects of a gate's failing checks.
    pub fn apply(&self, gate: &str, verdict: &mut Verdict, today: Date) {
        for check in &mut verdict.checks {
            if !matches!(check.outcome, Outcome::Fail | Outcome::Warn) || check.subjects.is_empty()
            {
                continue;
            }
            let mut open = Vec::new();
            let mut expired = Vec::new();
            for subject in &check.subjects {
                let matching = self.waivers.iter().filter(|w| {
                    w.gate.get_ref() == gate
                        && w.check.get_ref() == &check.id
                        && &w.subject == subject
                });
                let mut active = None;
                for w in matching {
                    if w.expires >= today {
                        active = Some(w);
                        break;
                    }
                    expired.push(format!(
                        "waiver {} for `{subject}` expired on {}",
                        w.id, w.expires
                    ));
                }
                match active {
                    Some(w) => check.waived.push(Waived {
                        subject: subject.clone(),
                        waiver: w.id.clone(),
                        reason: w.reason.clone(),
                        approver: w.approver.clone(),
                        expires: w.expires.to_string(),
                    }),
                    None => open.push(subject.clone()),
                }
            }
            if !expired.is_empty() {
                check
                    .message
                    .push_str(&format!(" Not applied: {}.", expired.join("; ")));
            }
            if check.waived.is_empty() {
                continue;
            }
            if open.is_empty() {
                check.outcome = Outcome::Pass;
                let ids: Vec<&str> = check.waived.iter().map(|w| w.waiver.as_str()).collect();
                check
                    .message
                    .push_str(&format!(" Every one is waived ({}).", ids.join(", ")));
            } else {
                check.message.push_str(&format!(
                    " {} of {} are waived; still open: {}.",
                    check.waived.len(),
                    check.subjects.len(),
                    open.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
}
