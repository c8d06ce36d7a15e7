//! A gate's verdict as every report channel renders it: one data model,
//! many renderings.

use regops_evidence::{Location, Severity};
use serde::{Serialize, Serializer};

/// The result of a gate or check. Ordered from best to worst, so the worst
/// of several is their maximum. `Off` is a check the configuration turned
/// off: recorded, never silent, and never what makes a gate pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Off,
    Pass,
    Warn,
    Fail,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Off => "off",
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }

    /// Whether the step may go on: warnings pass, failures and errors do not.
    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Off | Outcome::Pass | Outcome::Warn)
    }
}

/// A typed value: a parameter, a measurement or a threshold. In JSON,
/// numbers are numbers (ratios as fractions), severities are words.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Flag(bool),
    Count(u64),
    Ratio(f64),
    Number(f64),
    Text(String),
    Severity(Severity),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Flag(b) => s.serialize_bool(*b),
            Value::Count(n) => s.serialize_u64(*n),
            Value::Ratio(r) | Value::Number(r) => s.serialize_f64(*r),
            Value::Text(t) => s.serialize_str(t),
            Value::Severity(sev) => sev.serialize(s),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Flag(b) => write!(f, "{b}"),
            Value::Count(n) => write!(f, "{n}"),
            Value::Ratio(r) => write!(f, "{:.1}%", r * 100.0),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
            Value::Severity(sev) => {
                let word = serde_json::to_value(sev).ok();
                f.write_str(word.as_ref().and_then(|w| w.as_str()).unwrap_or("?"))
            }
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub clauses: Vec<String>,
    pub outcome: Outcome,
    pub message: String,
    pub measured: Option<Value>,
    pub threshold: Option<Value>,
    pub locations: Vec<Location>,
    /// The items that did not meet the check (test ids, vulnerability ids,
    /// finding fingerprints); omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// The configured level: `error` (the default), `warning` or `off`.
    pub level: Level,
    /// The `file:line` that set `level`; omitted for the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_origin: Option<String>,
    /// Subjects excused by a waiver; omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<Waived>,
}

impl Check {
    /// A check that could not be evaluated, saying why.
    pub fn error(id: &str, message: impl Into<String>) -> Check {
        Check {
            id: id.to_string(),
            clauses: Vec::new(),
            outcome: Outcome::Error,
            message: message.into(),
            measured: None,
            threshold: None,
            locations: Vec::new(),
            subjects: Vec::new(),
            level: Level::Error,
            level_origin: None,
            waived: Vec::new(),
        }
    }
}

/// How much a check counts, per safety class, like a linter's rule levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not met fails the gate.
    #[default]
    Error,
    /// Not met is reported as `warn` and does not fail the gate.
    Warning,
    /// Not evaluated into the gate's outcome; reported as `off`.
    Off,
}

/// A subject a waiver excused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waived {
    pub subject: String,
    pub waiver: String,
    pub reason: String,
    pub approver: String,
    pub expires: String,
}

/// A gate's judgement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub checks: Vec<Check>,
}

impl Verdict {
    /// A gate that could not be evaluated: `error`, with one check saying why.
    pub fn error(check_id: &str, message: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Error,
            checks: vec![Check::error(check_id, message)],
        }
    }

    /// Never better than the worst check, and never a pass without checks:
    /// a gate cannot talk its way to green.
    pub fn from_gate(claimed: Outcome, checks: Vec<Check>) -> Verdict {
        let worst = checks.iter().map(|c| c.outcome).max();
        let outcome = match worst {
            None => Outcome::Error,
            Some(worst) => worst.max(claimed).max(Outcome::Pass),
        };
        Verdict { outcome, checks }
    }

    /// The gate's outcome recomputed after levels and waivers changed its
    /// checks. A gate whose every check is off has checked nothing: `error`.
    pub fn recompute(&mut self) {
        let worst = self.checks.iter().map(|c| c.outcome).max();
        self.outcome = match worst {
            None | Some(Outcome::Off) => Outcome::Error,
            Some(worst) => worst,
        };
        if worst == Some(Outcome::Off) {
            self.checks.push(Check::error(
                "levels",
                "every check of this gate is configured `off`; a gate that checks nothing cannot pass",
            ));
        }
    }
}
