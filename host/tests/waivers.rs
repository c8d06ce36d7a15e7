//! Check levels and waivers: what a quality team may excuse, recorded and
//! never silent.

mod common;

use common::{Project, check, fixture, gate_outcome};

/// The example's evidence with the pytest run that skipped
/// `test_req_008_alarm_latency_on_hardware` (and failed two others): here
/// with only the skip, so the skip alone decides.
fn project_with_a_skip(class: &str, extra: &str) -> Project {
    let project = Project::new();
    project.with_example_evidence();
    let junit = std::fs::read_to_string(fixture("pytest-failing/junit.xml")).unwrap();
    assert!(junit.contains("test_req_008_alarm_latency_on_hardware"));
    // Keep the skipped case, drop the failed and errored ones.
    let passing_and_skipped = junit
        .split("<testcase ")
        .enumerate()
        .filter(|(i, case)| *i == 0 || !(case.contains("<failure") || case.contains("<error")))
        .map(|(i, case)| {
            if i == 0 {
                case.to_string()
            } else {
                format!("<testcase {case}")
            }
        })
        .collect::<String>();
    let fixed_counts = passing_and_skipped
        .replacen("errors=\"1\"", "errors=\"0\"", 1)
        .replacen("failures=\"1\"", "failures=\"0\"", 1)
        .replacen("tests=\"36\"", "tests=\"34\"", 1);
    project.write("evidence/junit.xml", fixed_counts);
    project.config(
        class,
        &format!("[gates.ci.params.{class}]\nrequire-vulnerability-scan = false\n{extra}"),
    );
    project
}

const SKIPPED: &str = "tests.test_monitor::test_req_008_alarm_latency_on_hardware";

fn waiver(expires: &str) -> String {
    format!(
        "[[waiver]]\nid = \"W-008\"\ngate = \"ci\"\ncheck = \"tests-skipped\"\nsubject = \"{SKIPPED}\"\n\
         reason = \"Needs the bench rig; verified manually per SOP-014\"\napprover = \"alice\"\nexpires = {expires}\n"
    )
}

fn skipped_subject(project: &Project) -> String {
    let report = project.check_json().json();
    let c = check(&report, "ci", "tests-skipped");
    c["subjects"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no subject in {c}"))
        .to_string()
}

#[test]
fn a_skip_fails_at_b_until_a_waiver_excuses_it() {
    let project = project_with_a_skip("B", "");
    assert_eq!(skipped_subject(&project), SKIPPED);
    assert_eq!(project.check().code, 1);

    let mut config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    config = config.replacen("product =", "waivers = \"waivers.toml\"\nproduct =", 1);
    project
        .write("regops.toml", config)
        .write("waivers.toml", waiver("2027-01-31"));
    let run = project.regops(&["check", "--format", "json", "--date", "2026-11-22"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let skipped = check(&report, "ci", "tests-skipped");
    assert_eq!(skipped["outcome"], "pass");
    assert_eq!(skipped["waived"][0]["waiver"], "W-008");
    assert_eq!(skipped["waived"][0]["approver"], "alice");
    assert!(
        skipped["message"]
            .as_str()
            .unwrap()
            .contains("waived (W-008)"),
        "{skipped}"
    );
    let bytes = std::fs::read(project.path("waivers.toml")).unwrap();
    assert_eq!(
        report["waivers"]["sha256"],
        regops::digest::sha256_hex(&bytes),
        "the waiver file is evidence too"
    );
}

#[test]
fn an_expired_waiver_no_longer_applies_and_says_so() {
    let project = project_with_a_skip("B", "");
    let mut config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    config = config.replacen("product =", "waivers = \"waivers.toml\"\nproduct =", 1);
    project
        .write("regops.toml", config)
        .write("waivers.toml", waiver("2026-10-01"));
    let run = project.regops(&["check", "--format", "json", "--date", "2026-11-22"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    let skipped = check(&report, "ci", "tests-skipped");
    assert_eq!(skipped["outcome"], "fail");
    assert!(
        skipped["message"]
            .as_str()
            .unwrap()
            .contains("waiver W-008 for"),
        "{skipped}"
    );
    assert!(
        skipped["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-10-01"),
        "{skipped}"
    );
}

#[test]
fn a_waiver_naming_an_unknown_check_is_a_config_error_with_its_line() {
    let project = project_with_a_skip("B", "");
    let mut config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    config = config.replacen("product =", "waivers = \"waivers.toml\"\nproduct =", 1);
    project.write("regops.toml", config).write(
        "waivers.toml",
        waiver("2027-01-31").replace("tests-skipped", "test-skipped"),
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("waivers.toml:4:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("check `test-skipped`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_check_set_to_warning_reports_warn_and_does_not_fail_the_gate() {
    let project = project_with_a_skip("B", "[gates.ci.levels.B]\ntests-skipped = \"warning\"\n");
    let run = project.check_json();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let skipped = check(&report, "ci", "tests-skipped");
    assert_eq!(skipped["outcome"], "warn");
    assert_eq!(skipped["level"], "warning");
    assert_eq!(skipped["level_origin"], "regops.toml:13");
    assert_eq!(gate_outcome(&report, "ci"), "warn");
}

#[test]
fn a_check_set_off_is_recorded_not_dropped() {
    let project = project_with_a_skip("C", "[gates.ci.levels.C]\ntests-skipped = \"off\"\n");
    let report = project.check_json().json();
    let skipped = check(&report, "ci", "tests-skipped");
    assert_eq!(skipped["outcome"], "off");
    assert_eq!(skipped["level"], "off");
    assert!(
        skipped["message"].as_str().unwrap().contains(SKIPPED),
        "the finding is still shown"
    );
    let text = project.check();
    assert!(
        text.stdout.contains("OFF   tests-skipped"),
        "{}",
        text.stdout
    );
}

#[test]
fn levels_apply_only_at_their_class() {
    let project = project_with_a_skip("B", "[gates.ci.levels.C]\ntests-skipped = \"off\"\n");
    assert_eq!(project.check().code, 1, "at B the skip still fails");
}

#[test]
fn a_bad_level_or_unknown_check_names_its_line() {
    let project = project_with_a_skip(
        "B",
        "[gates.ci.levels.B]\ntests-skiped = \"off\"\nline-coverage = \"ignore\"\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("regops.toml:13:") && run.stderr.contains("no check `tests-skiped`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("regops.toml:14:")
            && run.stderr.contains("`ignore` is not a check level"),
        "{}",
        run.stderr
    );
}

/// flawfinder's fingerprint hashes a line's text alone, so a copy of a
/// waived line in another file has the same one: the finding's subject
/// keeps the tool, rule and file beside it, and the waiver stays with the
/// finding it was written for.
#[test]
fn a_waived_finding_copied_into_another_file_is_not_waived() {
    let project = project_with_a_skip("A", "");
    project.copy(
        &fixture("flawfinder/flawfinder-collide.sarif"),
        "evidence/flawfinder.sarif",
    );
    let report = project.check_json().json();
    let analysis = check(&report, "ci", "static-analysis");
    let subjects: Vec<&str> = analysis["subjects"]
        .as_array()
        .unwrap_or_else(|| panic!("no subjects in {analysis}"))
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    let strcpy: Vec<&&str> = subjects
        .iter()
        .filter(|s| s.contains("strcpy") || s.contains("FF1001"))
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("src2/valve.c#"))
            && subjects.iter().any(|s| s.contains("src2/pump.c#")),
        "{subjects:?} ({strcpy:?})"
    );
    // Waive everything in pump.c, as written before valve.c existed.
    let waivers: String = subjects
        .iter()
        .filter(|s| !s.contains("valve.c"))
        .enumerate()
        .map(|(n, s)| {
            format!(
                "[[waiver]]\nid = \"W-{n}\"\ngate = \"ci\"\ncheck = \"static-analysis\"\nsubject = \"{s}\"\n\
                 reason = \"Bounded by the caller, see SDD-12\"\napprover = \"alice\"\nexpires = 2027-01-31\n"
            )
        })
        .collect();
    let mut config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    config = config.replacen("product =", "waivers = \"waivers.toml\"\nproduct =", 1);
    project
        .write("regops.toml", config)
        .write("waivers.toml", waivers);
    let run = project.regops(&["check", "--format", "json", "--date", "2026-11-22"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let analysis = check(&run.json(), "ci", "static-analysis").clone();
    assert_eq!(analysis["outcome"], "fail", "{analysis}");
    let open: Vec<&str> = analysis["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .filter(|s| {
            !analysis["waived"]
                .as_array()
                .is_some_and(|w| w.iter().any(|w| w["subject"] == *s))
        })
        .collect();
    assert!(
        !open.is_empty() && open.iter().all(|s| s.contains("src2/valve.c#")),
        "{analysis}"
    );
}
