//! The `{{gate}}` gate: every test ran to a pass, and no more tests were
//! skipped than the safety class allows.
//!
//! A gate is a pure function of evidence and parameters. `describe` says
//! what it checks, which evidence it reads and which parameters it takes
//! (with a default per IEC 62304 safety class); `evaluate` judges. The host
//! parses every evidence format, so the gate only asks questions
//! (`evidence.test_summary()`, `evidence.test_cases(..)`, ...).

use regops_kit::*;

/// The gate; `gate!` exports it as the component's `describe` and `evaluate`.
pub struct ThisGate;

regops_kit::gate!(ThisGate);

/// The clauses every check of this gate implements.
const VERIFICATION: &[&str] = &["IEC 62304 5.5.5"];

impl Gate for ThisGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "{{gate}}".into(),
            name: "{{gate}}".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Every test ran to a pass, and no more tests were skipped than the safety class allows."
                .into(),
            clauses: vec![clause("IEC 62304 5.5.5", "Software unit verification")],
            // Without test results the host makes the gate `error`: it never passes blind.
            needs: vec![EvidenceKind::Tests],
            uses: vec![],
            params: vec![param_spec(
                "max-skipped",
                "Most skipped tests accepted",
                ValueType::Count,
                None,
                // Defaults for classes A, B and C.
                [Value::Count(5), Value::Count(0), Value::Count(0)],
            )],
            checks: vec![
                check_spec("tests-pass", "No test failed or errored", VERIFICATION),
                check_spec(
                    "skips-allowed",
                    "No more skipped tests than `max-skipped`",
                    VERIFICATION,
                ),
            ],
        }
    }

    fn evaluate(
        _ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        let max_skipped = params.count("max-skipped")?;
        let counts = evidence.test_summary();
        let with_status = |statuses: Vec<TestStatus>| -> Vec<String> {
            let filter = TestFilter {
                statuses,
                levels: vec![],
                requirement: None,
            };
            evidence.test_cases(&filter).into_iter().map(|t| t.id).collect()
        };

        let failing = with_status(vec![TestStatus::Failed, TestStatus::Errored]);
        let tests_pass = CheckBuilder::new("tests-pass", VERIFICATION)
            .measured(Value::Count(failing.len() as u64))
            .threshold(Value::Count(0));
        let tests_pass = if failing.is_empty() {
            tests_pass.pass(format!("all {} tests passed", counts.passed))
        } else {
            tests_pass.subjects(failing.clone()).fail(format!(
                "{} tests failed or errored: {}; fix them, or waive them with a reason",
                failing.len(),
                quoted(&failing)
            ))
        };

        let skipped = u64::from(counts.skipped);
        let skips = CheckBuilder::new("skips-allowed", VERIFICATION)
            .measured(Value::Count(skipped))
            .threshold(Value::Count(max_skipped));
        let skips = if skipped <= max_skipped {
            skips.pass(format!("{skipped} tests skipped (at most {max_skipped} allowed)"))
        } else {
            let ids = with_status(vec![TestStatus::Skipped]);
            skips.subjects(ids.clone()).fail(format!(
                "{skipped} tests skipped, more than the {max_skipped} allowed at this safety class: {}",
                quoted(&ids)
            ))
        };
        Ok(vec![tests_pass, skips])
    }
}

/// Native unit tests of the logic (`cargo test`); the fixtures under
/// `fixtures/` test the built component (`regops policy test`).
#[cfg(test)]
mod tests {
    use super::*;
    use regops_kit::testing::{FixedEvidence, context, test_case};

    #[test]
    fn a_failed_test_fails_the_gate_and_names_the_test() {
        let evidence = FixedEvidence {
            tests: vec![
                test_case("dose", "within_limits", TestStatus::Passed),
                test_case("dose", "rejects_negative", TestStatus::Failed),
            ],
            ..Default::default()
        };
        let ctx = context::<ThisGate>(SafetyClass::B, &[], &[EvidenceKind::Tests]);
        let verdict = run::<ThisGate>(&ctx, &evidence);
        assert_eq!(verdict.outcome, Outcome::Fail);
        assert_eq!(verdict.checks[0].subjects, vec!["dose::rejects_negative"]);
    }
}
