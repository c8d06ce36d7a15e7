//! The regops gate kit: what every gate written in Rust needs.
//!
//! A gate implements [`Gate`] as a pure function of evidence and parameters
//! and exports itself with [`gate!`]. The kit supplies the `regops:gate`
//! bindings, an [`Evidence`] trait over the host's queries (with an
//! in-memory implementation in [`testing`] so gate logic is unit-tested
//! natively), typed parameter access, and check builders.

pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "regops:gate/gate",
        default_bindings_module: "regops_kit::bindings",
        pub_export_macro: true,
        export_macro_name: "export_gate",
        // Gate tests compare values, checks and verdicts.
        additional_derives: [PartialEq],
    });
}

// The macro above reads the contract without telling cargo; this does, so
// every gate is rebuilt when wit/gate.wit changes.
const _: &str = include_str!("../../../wit/gate.wit");

mod evidence;
mod params;
pub mod testing;

pub use bindings::regops::gate::types::*;
pub use evidence::{Evidence, HostEvidence};
pub use params::{ParamError, Params};

/// A gate policy: a pure function of (evidence, parameters) to checks.
pub trait Gate {
    /// The gate's self-description: id, clauses, evidence, parameters, checks.
    fn describe() -> GateInfo;

    /// Judges the evidence. Returning an error makes the gate `error`.
    fn evaluate(
        ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError>;
}

/// Runs a gate and turns its checks into a verdict (the worst outcome wins;
/// a gate that reports no check cannot pass).
pub fn run<G: Gate>(ctx: &Context, evidence: &dyn Evidence) -> Verdict {
    let params = Params::new(&ctx.params);
    let checks = match G::evaluate(ctx, &params, evidence) {
        Ok(checks) => checks,
        Err(e) => vec![
            CheckBuilder::new("parameters", &[])
                .error(format!("the gate could not read its parameters: {e}")),
        ],
    };
    verdict(checks)
}

/// Builds a verdict from checks: the worst outcome wins, and a verdict
/// without checks is an `error`, never a pass.
pub fn verdict(checks: Vec<Check>) -> Verdict {
    let outcome = if checks.is_empty() {
        Outcome::Error
    } else {
        checks.iter().map(|c| c.outcome).fold(Outcome::Pass, worst)
    };
    Verdict { outcome, checks }
}

/// The worse of two outcomes: error > fail > warn > pass.
pub fn worst(a: Outcome, b: Outcome) -> Outcome {
    fn rank(o: Outcome) -> u8 {
        match o {
            Outcome::Pass => 0,
            Outcome::Warn => 1,
            Outcome::Fail => 2,
            Outcome::Error => 3,
        }
    }
    if rank(b) > rank(a) { b } else { a }
}

/// Sends a panic's message to the host log before the component traps, so
/// the user sees why a gate failed, not only that it did.
#[doc(hidden)]
pub fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        bindings::regops::gate::host::log(
            bindings::regops::gate::host::LogLevel::Warn,
            &info.to_string(),
        );
    }));
}

/// Exports a [`Gate`] as the component's `describe` and `evaluate`.
#[macro_export]
macro_rules! gate {
    ($gate:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct Export;
            impl $crate::bindings::Guest for Export {
                fn describe() -> $crate::GateInfo {
                    $crate::report_panics();
                    <$gate as $crate::Gate>::describe()
                }
                fn evaluate(context: $crate::Context) -> $crate::Verdict {
                    $crate::report_panics();
                    $crate::run::<$gate>(&context, &$crate::HostEvidence)
                }
            }
    $crate::bindings::export_gate!(Export with_types_in $crate::bindings);
        };
    };
}

/// Starts a check result: `CheckBuilder::new(id, clauses).measured(..).pass(msg)`.
pub struct CheckBuilder {
    check: Check,
}

impl CheckBuilder {
    pub fn new(id: &str, clauses: &[&str]) -> Self {
        CheckBuilder {
            check: Check {
                id: id.to_string(),
                clauses: clauses.iter().map(|c| c.to_string()).collect(),
                outcome: Outcome::Pass,
                message: String::new(),
                measured: None,
                threshold: None,
                locations: Vec::new(),
                subjects: Vec::new(),
            },
        }
    }

    pub fn measured(mut self, value: Value) -> Self {
        self.check.measured = Some(value);
        self
    }

    pub fn threshold(mut self, value: Value) -> Self {
        self.check.threshold = Some(value);
        self
    }

    pub fn locations(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.check.locations.extend(locations);
        self
    }

    /// The items that did not meet the check, each of which a waiver can name.
    pub fn subjects(mut self, subjects: impl IntoIterator<Item = String>) -> Self {
        self.check.subjects.extend(subjects);
        self
    }

    pub fn outcome(mut self, outcome: Outcome, message: impl Into<String>) -> Check {
        self.check.outcome = outcome;
        self.check.message = message.into();
        self.check
    }

    pub fn pass(self, message: impl Into<String>) -> Check {
        self.outcome(Outcome::Pass, message)
    }

    pub fn fail(self, message: impl Into<String>) -> Check {
        self.outcome(Outcome::Fail, message)
    }

    pub fn warn(self, message: impl Into<String>) -> Check {
        self.outcome(Outcome::Warn, message)
    }

    pub fn error(self, message: impl Into<String>) -> Check {
        self.outcome(Outcome::Error, message)
    }
}

/// The first five items joined with `, `, then how many more there are:
/// messages stay short however much evidence fails.
pub fn first_five(items: &[String]) -> String {
    let mut text = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        text.push_str(&format!(" and {} more", items.len() - 5));
    }
    text
}

/// Names (test ids, logins, requirement ids) in backticks, at most five.
pub fn quoted(items: &[String]) -> String {
    first_five(&items.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>())
}

/// Shorthand for a clause in a gate's description.
pub fn clause(id: &str, title: &str) -> Clause {
    Clause {
        id: id.to_string(),
        title: title.to_string(),
    }
}

/// Shorthand for a check in a gate's description.
pub fn check_spec(id: &str, title: &str, clauses: &[&str]) -> CheckSpec {
    CheckSpec {
        id: id.to_string(),
        title: title.to_string(),
        clauses: clauses.iter().map(|c| c.to_string()).collect(),
    }
}

/// Shorthand for a parameter with per-class defaults.
pub fn param_spec(
    name: &str,
    doc: &str,
    ty: ValueType,
    unit: Option<&str>,
    defaults: [Value; 3],
) -> ParamSpec {
    let (min, max) = match ty {
        ValueType::Ratio => (Some(0.0), Some(1.0)),
        ValueType::Count => (Some(0.0), None),
        _ => (None, None),
    };
    let [a, b, c] = defaults;
    ParamSpec {
        name: name.to_string(),
        doc: doc.to_string(),
        type_: ty,
        unit: unit.map(str::to_string),
        min,
        max,
        defaults: ClassValues { a, b, c },
    }
}

/// A percentage for messages: `0.8125` → `81.2%`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// Logins and emails compare without case (GitHub logins are case-insensitive).
pub fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Full or abbreviated (at least 7 hex digits) SHAs of one commit.
pub fn same_commit(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_ascii_lowercase(), b.trim().to_ascii_lowercase());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short.len() >= 7 && long.starts_with(short.as_str())
}

/// A commit SHA shortened for messages.
pub fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
