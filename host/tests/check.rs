//! `regops check` end to end: real evidence files in, verdicts and exit
//! codes out.

mod common;

use common::{Project, check, example_evidence, fixture, gate_outcome};

#[test]
fn the_bundled_example_passes() {
    let run = Project::new().regops(&[
        "check",
        "--config",
        common::repo()
            .join("examples/cardiosense/regops.toml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("PASS G1 Continuous integration"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("All 34 of 34 test cases that ran passed."),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failed_test_case_fails_g1_and_names_the_test() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("pytest-failing/junit.xml"), "evidence/junit.xml")
        .config("A", "");
    let run = project.check();
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("FAIL G1 Continuous integration"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("tests.test_alarms::test_normal_range_inclusive_bounds[120]"),
        "{}",
        run.stdout
    );
    let report = project.check_json().json();
    let tests = check(&report, "ci", "tests-pass");
    assert_eq!(tests["outcome"], "fail");
    assert_eq!(tests["measured"], 2, "one failed and one errored case");
    assert_eq!(tests["clauses"][0], "IEC 62304 5.5.5");
}

#[test]
fn dotnet_and_java_test_results_are_judged_like_junit() {
    // A .NET and Java project's own result files (TRX, NUnit 2, xUnit.net,
    // TestNG) under `tests`, with the glob picking each format by content.
    let project = Project::new();
    for (from, to) in [
        ("trx/vstest/mstest.trx", "results/mstest.trx"),
        ("nunit/nunit2.xml", "results/TestResult.xml"),
        ("handmade-xunit/xunit-v2.xml", "results/xunit.xml"),
        (
            "testng/testng-7.5/testng-results.xml",
            "results/testng-results.xml",
        ),
        ("coverage-py-runs/combined.xml", "coverage.xml"),
        ("ruff/ruff.sarif", "ruff.sarif"),
    ] {
        project.copy(&fixture(from), to);
    }
    project.write(
        "regops.toml",
        "product = \"X\"\nsafety-class = \"A\"\n\n[evidence]\n\
         tests = [\"results/*\"]\ncoverage = [\"coverage.xml\"]\nfindings = [\"ruff.sarif\"]\n",
    );
    let bundle = project.regops(&["evidence"]).json();
    let formats: Vec<&str> = bundle["files"]
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    // Sorted by path: `TestResult.xml` first.
    assert_eq!(formats, ["nunit-xml", "trx", "testng-xml", "xunit-xml"]);
    let report = project.check_json().json();
    let tests = check(&report, "ci", "tests-pass");
    assert_eq!(tests["outcome"], "fail");
    // The four files' failed and errored records (each file's own tests
    // count them: producers_trx.rs, producers_nunit.rs, ...).
    assert_eq!(tests["measured"], 22);
    let subjects: Vec<&str> = tests["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for id in [
        "Pump.MSTests.RateTests::RoundsDropsPerMinute",
        "Pump.Tests.AlarmTests::Loud",
    ] {
        assert!(subjects.contains(&id), "{id} in {subjects:?}");
    }
    // TestNG's retried test that passed at last is flaky, not failed.
    let flaky = check(&report, "ci", "tests-flaky");
    assert_eq!(flaky["measured"], 1);
}

#[test]
fn coverage_below_the_class_b_default_fails_at_b_and_passes_at_a() {
    let project = Project::new();
    project.with_example_evidence().copy(
        &fixture("low-coverage/coverage.xml"),
        "evidence/coverage.xml",
    );

    project.config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n",
    );
    let at_b = project.check_json();
    assert_eq!(at_b.code, 1, "{}", at_b.stderr);
    let line = check(&at_b.json(), "ci", "line-coverage").clone();
    assert_eq!(line["outcome"], "fail");
    assert_eq!(line["threshold"], 0.7);
    let measured = line["measured"].as_f64().unwrap();
    assert!((0.55..0.70).contains(&measured), "measured {measured}");

    project.config("A", "");
    let at_a = project.check_json();
    assert_eq!(at_a.code, 0, "{}\n{}", at_a.stdout, at_a.stderr);
    assert_eq!(
        check(&at_a.json(), "ci", "line-coverage")["outcome"],
        "pass"
    );
}

#[test]
fn a_sarif_error_result_fails_and_is_located() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(
            &fixture("bandit-high/bandit.sarif"),
            "evidence/bandit.sarif",
        )
        .config("A", "");
    let run = project.check_json();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let sa = check(&report, "ci", "static-analysis");
    assert_eq!(sa["outcome"], "fail");
    assert_eq!(sa["measured"], 2, "bandit reported two HIGH findings");
    let location = &sa["locations"][0];
    assert!(
        location["file"].as_str().unwrap().ends_with(".py"),
        "{location}"
    );
    assert!(location["line"].as_u64().unwrap() > 0, "{location}");
    let text = project.check();
    assert!(
        text.stdout.contains("at "),
        "the text report shows where: {}",
        text.stdout
    );
}

#[test]
fn a_config_pointing_at_a_missing_file_exits_2_and_names_it() {
    let project = Project::new();
    project.with_example_evidence().config("A", "").write(
        "regops.toml",
        "safety-class = \"A\"\n[evidence]\ntests = [\"reports/TEST-results.xml\"]\ncoverage = [\"evidence/coverage.xml\"]\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("reports/TEST-results.xml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("regops.toml:3:"),
        "names the config line: {}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "no verdict is printed: {}",
        run.stdout
    );
}

#[test]
fn a_malformed_xml_file_exits_2_and_names_file_and_line() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(
            &fixture("malformed/truncated-junit.xml"),
            "evidence/junit.xml",
        )
        .config("A", "");
    let run = project.check();
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("evidence/junit.xml:1:"),
        "file and line: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_file_of_the_wrong_kind_is_refused_with_what_was_detected() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(
            &fixture("malformed/not-sarif.json"),
            "evidence/bandit.sarif",
        )
        .config("A", "");
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("evidence/bandit.sarif"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("sarif"),
        "says what is supported: {}",
        run.stderr
    );
}

#[test]
fn the_same_inputs_give_a_byte_identical_json_report() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("pytest-failing/junit.xml"), "evidence/junit.xml")
        .config("C", "");
    let first = project.check_json();
    let second = project.check_json();
    assert_eq!(first.code, 1);
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn the_json_report_lists_every_evidence_file_with_its_sha256() {
    let project = Project::new();
    project.with_example_evidence().config("A", "");
    let report = project.check_json().json();
    assert_eq!(report["schema"], "regops.report/v1");
    assert_eq!(report["safety_class"], "A");
    let files = report["evidence"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    let junit = files
        .iter()
        .find(|f| f["path"] == "evidence/junit.xml")
        .unwrap();
    assert_eq!(junit["kind"], "tests");
    assert_eq!(junit["format"], "junit");
    let bytes = std::fs::read(example_evidence("junit.xml")).unwrap();
    assert_eq!(junit["sha256"], regops::digest::sha256_hex(&bytes));
    let gate = &report["gates"][0];
    assert_eq!(gate["policy"]["source"], "builtin:ci");
    assert_eq!(gate["policy"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn the_report_shows_each_effective_parameter_and_where_it_came_from() {
    let project = Project::new();
    project.with_example_evidence().config(
        "C",
        "[gates.ci.params.C]\nline-coverage = 0.9\nrequire-vulnerability-scan = false\nrequire-component-hashes = false\n",
    );
    let report = project.check_json().json();
    let params = report["gates"][0]["params"].as_array().unwrap();
    let line = params
        .iter()
        .find(|p| p["name"] == "line-coverage")
        .unwrap();
    assert_eq!(line["value"], 0.9);
    assert_eq!(line["origin"], "regops.toml:11");
    let branch = params
        .iter()
        .find(|p| p["name"] == "branch-coverage")
        .unwrap();
    assert_eq!(branch["origin"], "default (class C)");
    assert_eq!(gate_outcome(&report, "ci"), "pass");
}

/// The commit a report names when neither `[release] commit` nor
/// `GITHUB_SHA` says it: `GIT_DIR` points git at a repository elsewhere, so
/// git is asked; with neither `GIT_DIR` nor a `.git` above the config, no
/// commit is named.
#[test]
fn the_commit_comes_from_git_dir_when_it_is_set() {
    let project = Project::new();
    project.with_example_evidence().config("A", "");
    if project
        .dir
        .path()
        .ancestors()
        .any(|d| d.join(".git").exists())
    {
        return; // the temporary directory lives inside a repository here
    }
    let repository = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=QA", "-c", "user.email=qa@example.com"])
            .args(args)
            .current_dir(repository.path())
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    git(&["init", "--quiet"]);
    git(&[
        "commit",
        "--quiet",
        "--allow-empty",
        "-m",
        "release candidate",
    ]);
    let head = git(&["rev-parse", "HEAD"]);
    let git_dir = repository.path().join(".git");

    let run = project.regops_with_env(
        &["check", "--format", "json"],
        &[("GIT_DIR", git_dir.to_str().unwrap()), ("GITHUB_SHA", "")],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["commit"], head.as_str());

    let run = project.regops_with_env(&["check", "--format", "json"], &[("GITHUB_SHA", "")]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.json()["commit"].is_null(), "{}", run.stdout);
}
