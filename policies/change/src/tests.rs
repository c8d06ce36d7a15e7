//! G2 logic, natively: a pull request and its reviews in, checks out, at
//! each safety class where the defaults differ.

use regops_kit::testing::{FixedEvidence, context};
use regops_kit::*;

use super::ChangeGate;

const HEAD: &str = "4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f";
const EARLIER: &str = "9b1c4f7a3e5d8b0c2f4f2c9a1e7b3d5c8f0a6e2d";

const KINDS: &[EvidenceKind] = &[EvidenceKind::Change, EvidenceKind::Approvals];

/// Pull request #42 by alice, touching application code only, fixing #40.
fn change() -> ChangeRequest {
    ChangeRequest {
        id: "acme/cardiosense#42".to_string(),
        title: "Debounce the bradycardia alarm".to_string(),
        url: Some("https://github.com/acme/cardiosense/pull/42".to_string()),
        author: "alice".to_string(),
        co_authors: vec!["dave@acme.example".to_string()],
        head_commit: HEAD.to_string(),
        base_ref: Some("main".to_string()),
        changed_files: vec![
            "src/cardiosense/alarms.py".to_string(),
            "tests/test_alarms.py".to_string(),
        ],
        linked_issues: vec!["acme/cardiosense#40".to_string()],
        soup_changes: None,
        source: "github:acme/cardiosense#42".to_string(),
    }
}

fn review(who: &str, roles: &[&str], decision: Decision, commit: Option<&str>) -> Approval {
    Approval {
        who: who.to_string(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        decision,
        commit: commit.map(str::to_string),
        timestamp: Some("2026-11-20T10:15:00Z".to_string()),
        source: "github-review:https://github.com/acme/cardiosense/pull/42#pullrequestreview-1"
            .to_string(),
        signature_verified: false,
    }
}

fn approved(who: &str, roles: &[&str]) -> Approval {
    review(who, roles, Decision::Approved, Some(HEAD))
}

fn evidence(approvals: Vec<Approval>) -> FixedEvidence {
    FixedEvidence {
        change: Some(change()),
        approvals,
        ..FixedEvidence::default()
    }
}

fn run_at(class: SafetyClass, evidence: &FixedEvidence) -> Verdict {
    run::<ChangeGate>(&context::<ChangeGate>(class, &[], KINDS), evidence)
}

fn outcome(verdict: &Verdict, id: &str) -> Outcome {
    check(verdict, id).outcome
}

fn check<'a>(verdict: &'a Verdict, id: &str) -> &'a Check {
    verdict
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {verdict:#?}"))
}

#[test]
fn one_non_author_approval_of_the_head_passes_at_a_and_b_but_not_at_c() {
    let ev = evidence(vec![approved("bob", &["reviewer"])]);
    for class in [SafetyClass::A, SafetyClass::B] {
        let verdict = run_at(class, &ev);
        assert_eq!(verdict.outcome, Outcome::Pass, "{class:?}: {verdict:#?}");
        assert_eq!(
            check(&verdict, "approvals").subjects,
            vec!["bob".to_string()]
        );
    }
    let verdict = run_at(SafetyClass::C, &ev);
    assert_eq!(outcome(&verdict, "approvals"), Outcome::Fail);
    assert!(check(&verdict, "approvals").message.starts_with("1 of 2"));
    assert_eq!(outcome(&verdict, "independent-approval"), Outcome::Fail);
}

#[test]
fn class_c_passes_with_two_approvals_one_of_them_independent() {
    let ev = evidence(vec![
        approved("bob", &["reviewer"]),
        approved("erin", &["independent-reviewer"]),
    ]);
    let verdict = run_at(SafetyClass::C, &ev);
    assert_eq!(verdict.outcome, Outcome::Pass, "{verdict:#?}");
    assert_eq!(
        check(&verdict, "independent-approval").subjects,
        vec!["erin".to_string()]
    );
}

#[test]
fn class_c_fails_with_two_approvals_and_no_independent_one() {
    let ev = evidence(vec![
        approved("bob", &["reviewer"]),
        approved("frank", &["reviewer"]),
    ]);
    let verdict = run_at(SafetyClass::C, &ev);
    assert_eq!(outcome(&verdict, "approvals"), Outcome::Pass);
    assert_eq!(outcome(&verdict, "independent-approval"), Outcome::Fail);
    assert!(
        check(&verdict, "independent-approval")
            .message
            .contains("independent-reviewer")
    );
}

#[test]
fn authors_and_co_authors_cannot_approve_their_own_change() {
    let ev = evidence(vec![
        approved("Alice", &["reviewer"]),
        approved("dave@acme.example", &["reviewer"]),
    ]);
    let verdict = run_at(SafetyClass::B, &ev);
    assert_eq!(outcome(&verdict, "approvals"), Outcome::Fail);
    let message = &check(&verdict, "approvals").message;
    assert!(message.contains("authored the change"), "{message}");
    assert!(
        message.contains("`Alice`") && message.contains("`dave@acme.example`"),
        "{message}"
    );
}

#[test]
fn an_approval_of_an_earlier_commit_is_stale() {
    let ev = evidence(vec![review(
        "bob",
        &["reviewer"],
        Decision::Approved,
        Some(EARLIER),
    )]);
    let verdict = run_at(SafetyClass::A, &ev);
    assert_eq!(outcome(&verdict, "approvals"), Outcome::Fail);
    assert!(
        check(&verdict, "approvals")
            .message
            .contains("bob (on 9b1c4f7a3e5d)")
    );
}

#[test]
fn an_abbreviated_head_sha_counts_but_a_missing_one_does_not() {
    let ev = evidence(vec![review(
        "bob",
        &[],
        Decision::Approved,
        Some(&HEAD[..10]),
    )]);
    assert_eq!(
        outcome(&run_at(SafetyClass::B, &ev), "approvals"),
        Outcome::Pass
    );
    let ev = evidence(vec![review("bob", &[], Decision::Approved, None)]);
    let verdict = run_at(SafetyClass::B, &ev);
    assert_eq!(outcome(&verdict, "approvals"), Outcome::Fail);
    assert!(
        check(&verdict, "approvals")
            .message
            .contains("without naming the commit")
    );
}

#[test]
fn requested_changes_block_until_the_reviewer_approves() {
    let blocked = evidence(vec![
        approved("bob", &[]),
        review("carol", &[], Decision::ChangesRequested, Some(EARLIER)),
        review("carol", &[], Decision::Commented, Some(HEAD)),
    ]);
    let verdict = run_at(SafetyClass::A, &blocked);
    assert_eq!(outcome(&verdict, "changes-requested"), Outcome::Fail);
    assert_eq!(
        check(&verdict, "changes-requested").subjects,
        vec!["carol".to_string()]
    );

    let resolved = evidence(vec![
        approved("bob", &[]),
        review("carol", &[], Decision::ChangesRequested, Some(EARLIER)),
        approved("carol", &[]),
    ]);
    let verdict = run_at(SafetyClass::A, &resolved);
    assert_eq!(outcome(&verdict, "changes-requested"), Outcome::Pass);
    assert_eq!(check(&verdict, "approvals").measured, Some(Value::Count(2)));
}

fn with_soup(
    changes: Option<Vec<SoupChange>>,
    files: &[&str],
    approvals: Vec<Approval>,
) -> FixedEvidence {
    let mut ev = evidence(approvals);
    let change = ev.change.as_mut().expect("a change");
    change.soup_changes = changes;
    change
        .changed_files
        .extend(files.iter().map(|f| f.to_string()));
    ev
}

fn upgrade() -> Vec<SoupChange> {
    vec![
        SoupChange {
            name: "numpy".to_string(),
            before: Some("2.1.0".to_string()),
            after: Some("2.1.3".to_string()),
        },
        SoupChange {
            name: "pydantic".to_string(),
            before: None,
            after: Some("2.9.0".to_string()),
        },
    ]
}

#[test]
fn new_soup_needs_a_soup_reviewer_at_b_and_c_and_is_advisory_at_a() {
    let ev = with_soup(Some(upgrade()), &[], vec![approved("bob", &["reviewer"])]);
    let at_b = run_at(SafetyClass::B, &ev);
    assert_eq!(outcome(&at_b, "soup-approved"), Outcome::Fail);
    let message = &check(&at_b, "soup-approved").message;
    assert!(
        message.contains("numpy 2.1.0 → 2.1.3") && message.contains("pydantic 2.9.0 (new)"),
        "{message}"
    );
    assert_eq!(
        check(&at_b, "soup-approved").subjects,
        vec!["numpy".to_string(), "pydantic".to_string()]
    );
    assert_eq!(
        outcome(&run_at(SafetyClass::C, &ev), "soup-approved"),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&run_at(SafetyClass::A, &ev), "soup-approved"),
        Outcome::Warn
    );

    let reviewed = with_soup(
        Some(upgrade()),
        &[],
        vec![
            approved("bob", &["reviewer"]),
            approved("quinn", &["soup-reviewer"]),
        ],
    );
    let verdict = run_at(SafetyClass::B, &reviewed);
    assert_eq!(outcome(&verdict, "soup-approved"), Outcome::Pass);
    assert!(
        check(&verdict, "soup-approved")
            .message
            .contains("`quinn` approved it")
    );
}

#[test]
fn a_soup_reviewer_who_wrote_the_change_does_not_count() {
    let ev = with_soup(
        Some(upgrade()),
        &[],
        vec![approved("bob", &[]), approved("alice", &["soup-reviewer"])],
    );
    assert_eq!(
        outcome(&run_at(SafetyClass::B, &ev), "soup-approved"),
        Outcome::Fail
    );
}

#[test]
fn no_soup_change_against_the_base_passes() {
    let ev = with_soup(
        Some(vec![]),
        &["requirements.txt"],
        vec![approved("bob", &[])],
    );
    assert_eq!(
        outcome(&run_at(SafetyClass::C, &ev), "soup-approved"),
        Outcome::Pass
    );
}

#[test]
fn without_a_base_a_touched_lockfile_or_register_means_soup_may_have_changed() {
    let lockfile = with_soup(
        None,
        &["services/api/poetry.lock"],
        vec![approved("bob", &[])],
    );
    let verdict = run_at(SafetyClass::B, &lockfile);
    assert_eq!(outcome(&verdict, "soup-approved"), Outcome::Fail);
    assert_eq!(
        check(&verdict, "soup-approved").subjects,
        vec!["services/api/poetry.lock".to_string()]
    );

    let pinned = with_soup(None, &["requirements-dev.txt"], vec![approved("bob", &[])]);
    assert_eq!(
        outcome(&run_at(SafetyClass::B, &pinned), "soup-approved"),
        Outcome::Fail
    );

    let mut register = with_soup(None, &["docs/SOUP.yaml"], vec![approved("bob", &[])]);
    register.soup = vec![SoupItem {
        package: "numpy".to_string(),
        version: "2.1.3".to_string(),
        purpose: "Signal filtering".to_string(),
        risk_level: None,
        requirements: vec![],
        reviewed_by: vec![],
        anomalies_reviewed: false,
        source: Location {
            file: "docs/SOUP.yaml".to_string(),
            line: Some(2),
            column: None,
        },
    }];
    assert_eq!(
        outcome(&run_at(SafetyClass::B, &register), "soup-approved"),
        Outcome::Fail
    );

    let code_only = with_soup(None, &[], vec![approved("bob", &[])]);
    assert_eq!(
        outcome(&run_at(SafetyClass::B, &code_only), "soup-approved"),
        Outcome::Pass
    );
}

#[test]
fn a_change_that_resolves_no_issue_fails_unless_made_advisory() {
    let mut ev = evidence(vec![approved("bob", &[])]);
    ev.change.as_mut().expect("a change").linked_issues.clear();
    let verdict = run_at(SafetyClass::A, &ev);
    assert_eq!(outcome(&verdict, "change-linked"), Outcome::Fail);
    assert!(
        check(&verdict, "change-linked")
            .message
            .contains("Fixes #N")
    );
    let ctx = context::<ChangeGate>(
        SafetyClass::A,
        &[("require-linked-issue", Value::Flag(false))],
        KINDS,
    );
    assert_eq!(
        outcome(&run::<ChangeGate>(&ctx, &ev), "change-linked"),
        Outcome::Warn
    );
    let linked = evidence(vec![approved("bob", &[])]);
    assert_eq!(
        outcome(&run_at(SafetyClass::A, &linked), "change-linked"),
        Outcome::Pass
    );
}

#[test]
fn no_change_under_review_is_an_error_not_a_pass() {
    let verdict = run_at(SafetyClass::A, &FixedEvidence::default());
    assert_eq!(verdict.outcome, Outcome::Error);
}

#[test]
fn dependency_file_patterns_match_whole_names() {
    use super::glob_match;
    assert!(glob_match("requirements*.txt", "requirements.txt"));
    assert!(glob_match("requirements*.txt", "requirements-dev.txt"));
    assert!(!glob_match("requirements*.txt", "requirements.txt.bak"));
    assert!(glob_match("*.csproj", "App.csproj"));
    assert!(!glob_match("Cargo.lock", "Cargo.lock.orig"));
    assert!(glob_match("Cargo.lock", "Cargo.lock"));
}

#[test]
fn a_change_listing_no_files_without_a_base_cannot_pass_the_soup_check() {
    let mut ev = evidence(vec![approved("bob", &[])]);
    ev.change.as_mut().expect("a change").changed_files.clear();
    for class in [SafetyClass::A, SafetyClass::B, SafetyClass::C] {
        let c = check(&run_at(class, &ev), "soup-approved").clone();
        assert_eq!(c.outcome, Outcome::Error, "{class:?}");
        assert!(c.message.contains("base-sbom"), "{}", c.message);
    }
    // With a base compared, the empty file list does not matter.
    ev.change.as_mut().expect("a change").soup_changes = Some(vec![]);
    assert_eq!(
        check(&run_at(SafetyClass::B, &ev), "soup-approved").outcome,
        Outcome::Pass
    );
}
