//! `regops evidence` and evidence bundles: what each file was detected as,
//! and judging a saved bundle exactly as the files it came from.

mod common;

use common::{Project, check, example_evidence, fixture};

#[test]
fn evidence_lists_each_file_with_its_detected_format_and_digest() {
    let project = Project::new();
    project.with_example_evidence().config("B", "");
    let run = project.regops(&["evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("{\n  \"schema\": \"regops.evidence/v1\""),
        "{}",
        &run.stdout[..80]
    );
    let bundle = run.json();
    let files = bundle["files"].as_array().unwrap();
    let formats: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        formats,
        [
            ("evidence/junit.xml", "junit"),
            ("evidence/coverage.xml", "cobertura"),
            ("evidence/bandit.sarif", "sarif"),
            ("evidence/sbom.cdx.json", "cyclonedx-json"),
            ("evidence/SOUP.yaml", "soup-yaml"),
        ]
    );
    assert_eq!(bundle["tests"].as_array().unwrap().len(), 34);
    assert_eq!(bundle["tests"][0]["status"], "passed");
    assert_eq!(bundle["findings"][0]["level"], "note");
}

#[test]
fn one_cyclonedx_file_under_three_keys_is_read_as_each_and_twice_under_one_key_once() {
    // An SBOM that is also its VDR and VEX (docs/evidence.md: list it under
    // each key). Collecting used to drop a file already listed under any key,
    // so its vulnerabilities and VEX statements were never read.
    let project = Project::new();
    project
        .copy(
            &fixture("handmade-supply-chain/cyclonedx-vdr-vex.cdx.json"),
            "evidence/bom.json",
        )
        .write(
            "regops.toml",
            "product = \"X\"\nsafety-class = \"B\"\n\n[evidence]\n\
             sbom = [\"evidence/bom.json\", \"evidence/*.json\"]\n\
             vulnerabilities = [\"evidence/bom.json\"]\nvex = [\"evidence/bom.json\"]\n",
        );
    let run = project.regops(&["evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bundle = run.json();
    let kinds: Vec<(&str, &str)> = bundle["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("evidence/bom.json", "components"),
            ("evidence/bom.json", "vulnerabilities"),
            ("evidence/bom.json", "vex"),
        ]
    );
    let count = |key: &str| bundle[key].as_array().unwrap().len();
    assert_eq!(
        (count("components"), count("vulnerabilities"), count("vex")),
        (3, 6, 5)
    );
}

#[test]
fn evidence_detects_files_named_on_the_command_line() {
    let project = Project::new();
    let junit = fixture("nextest/junit.xml");
    let run = project.regops(&["evidence", junit.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bundle = run.json();
    assert_eq!(bundle["files"][0]["kind"], "tests");
    assert_eq!(bundle["files"][0]["format"], "junit");
    let statuses: Vec<&str> = bundle["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"failed"), "{statuses:?}");
}

#[test]
fn an_unknown_file_names_what_it_looks_like_and_how_to_force_a_format() {
    let project = Project::new();
    let not_sarif = fixture("malformed/not-sarif.json");
    let run = project.regops(&["evidence", not_sarif.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not-sarif.json"), "{}", run.stderr);
    assert!(run.stderr.contains("--as"), "{}", run.stderr);
    let forced = project.regops(&["evidence", "--as", "sarif", not_sarif.to_str().unwrap()]);
    assert_eq!(
        forced.code, 2,
        "forcing SARIF on a package.json is still refused"
    );
    assert!(
        forced.stderr.contains("malformed sarif"),
        "{}",
        forced.stderr
    );
    let unknown = project.regops(&["evidence", "--as", "xunit", not_sarif.to_str().unwrap()]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown format `xunit`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn a_forced_format_in_the_config_is_used_and_a_bad_one_names_its_line() {
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        "safety-class = \"A\"\n[evidence]\ntests = [{ path = \"evidence/junit.xml\", format = \"junit\" }]\n\
         coverage = [\"evidence/coverage.xml\"]\nfindings = [\"evidence/bandit.sarif\"]\n\
         sbom = [\"evidence/sbom.cdx.json\"]\n",
    );
    assert_eq!(project.check().code, 0);
    project.write(
        "regops.toml",
        "safety-class = \"A\"\n[evidence]\ntests = [{ path = \"evidence/junit.xml\", format = \"xunit\" }]\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("regops.toml:3:") && run.stderr.contains("unknown format `xunit`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_saved_bundle_is_judged_exactly_like_the_files_it_came_from() {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("pytest-failing/junit.xml"), "evidence/junit.xml")
        .config("B", "");
    let bundle = project.regops(&["evidence"]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    project.write("bundle.json", &bundle.stdout);

    let from_files = project.check_json();
    let from_bundle = project.regops(&[
        "check",
        "--format",
        "json",
        "--evidence-bundle",
        "bundle.json",
    ]);
    assert_eq!(from_files.code, 1);
    assert_eq!(from_bundle.code, 1, "{}", from_bundle.stderr);
    assert_eq!(from_files.stdout, from_bundle.stdout);
}

#[test]
fn a_bundle_of_another_schema_is_refused() {
    let project = Project::new();
    project.with_example_evidence().config("A", "");
    project.write(
        "bundle.json",
        "{\"schema\": \"regops.evidence/v9\", \"files\": []}",
    );
    let run = project.regops(&["check", "--evidence-bundle", "bundle.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.evidence/v9"), "{}", run.stderr);

    // The schema is found wherever it is, not only first.
    project.write(
        "bundle.json",
        "{\"files\": [], \"schema\": \"regops.evidence/v9\"}",
    );
    let run = project.regops(&["check", "--evidence-bundle", "bundle.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.evidence/v9"), "{}", run.stderr);

    // The right schema first does not excuse a broken rest.
    project.write(
        "bundle.json",
        "{\"schema\": \"regops.evidence/v1\",\n \"files\": [}",
    );
    let run = project.regops(&["check", "--evidence-bundle", "bundle.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bundle.json:2:")
            && run.stderr.contains("not a regops evidence bundle"),
        "{}",
        run.stderr
    );
}

#[test]
fn requirement_ids_follow_the_configured_property_and_pattern() {
    let project = Project::new();
    project.copy(&example_evidence("junit.xml"), "evidence/junit.xml").write(
        "regops.toml",
        "safety-class = \"A\"\n[evidence]\ntests = [\"evidence/junit.xml\"]\n\
         [tests]\nrequirement-properties = [\"requirements\"]\nrequirement-pattern = \"(?i)req_\\\\d+\"\n",
    );
    let run = project.regops(&["evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bundle = run.json();
    let tachy = bundle["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "test_req_002_alarm_on_tachycardia")
        .unwrap();
    // Ids found in names are spelled as requirement files spell them.
    assert_eq!(tachy["requirements"], serde_json::json!(["REQ-002"]));

    project.write(
        "regops.toml",
        "safety-class = \"A\"\n[tests]\nrequirement-pattern = \"(unclosed\"\n",
    );
    let bad = project.regops(&["evidence"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("regops.toml:3:")
            && bad.stderr.contains("not a valid regular expression"),
        "{}",
        bad.stderr
    );
}

#[test]
fn regops_timings_says_where_a_run_spent_its_time() {
    let project = Project::new();
    project.with_example_evidence().config("B", "");
    let timed = project.regops_with_env(&["check"], &[("REGOPS_TIMINGS", "1")]);
    assert!(timed.code <= 1, "{}", timed.stderr);
    let phases: Vec<&str> = timed
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("regops timing: "))
        .collect();
    for phase in [
        "config ",
        "engine ",
        "load ci ",
        "evidence ",
        "evaluate ci ",
        "evaluate ci: host calls",
        "report ",
        "total ",
    ] {
        assert!(
            phases
                .iter()
                .any(|p| p.starts_with(phase) && p.contains(" ms")),
            "no `{phase}` line in:\n{}",
            timed.stderr
        );
    }
    // Off by default (and with `0`): not a line of it.
    let plain = project.regops_with_env(&["check"], &[("REGOPS_TIMINGS", "0")]);
    assert_eq!(plain.code, timed.code, "{}", plain.stderr);
    assert!(!plain.stderr.contains("regops timing"), "{}", plain.stderr);
    assert_eq!(plain.stdout, timed.stdout);
}

#[test]
fn sbom_product_takes_the_projects_own_module_out_of_the_soup() {
    // Trivy lists a Go project's main module (no version) among the packages.
    let project = Project::new();
    project
        .copy(
            &fixture("handmade-sbom-product/trivy-gomod.cdx.json"),
            "sbom.cdx.json",
        )
        .copy(&example_evidence("junit.xml"), "junit.xml")
        .copy(&example_evidence("coverage.xml"), "coverage.xml")
        .copy(&example_evidence("bandit.sarif"), "bandit.sarif");
    const EVIDENCE: &str = "safety-class = \"A\"\n[evidence]\nsbom = [\"sbom.cdx.json\"]\n\
        tests = [\"junit.xml\"]\ncoverage = [\"coverage.xml\"]\nfindings = [\"bandit.sarif\"]\n";
    project.write("regops.toml", EVIDENCE);
    let run = project.check_json();
    let identification = check(&run.json(), "ci", "sbom-identification").clone();
    assert_eq!(identification["outcome"], "fail", "{identification:#}");
    assert!(
        identification["message"]
            .as_str()
            .is_some_and(|m| m.contains("github.com/example/pump-gateway")),
        "{identification:#}"
    );

    project.write(
        "regops.toml",
        format!("{EVIDENCE}[sbom]\nproduct = [\"pkg:golang/github.com/example/pump-gateway\"]\n"),
    );
    let run = project.check_json();
    let identification = check(&run.json(), "ci", "sbom-identification").clone();
    assert_eq!(identification["outcome"], "pass", "{identification:#}");
    assert!(
        run.stdout
            .contains("are the product itself, as `[sbom] product`"),
        "the warning is in the report: {}",
        run.stdout
    );

    // An organisation's baseline can set it; the repository's file inherits it.
    project
        .write(
            "org/base.toml",
            "[sbom]\nproduct = [\"github.com/example/pump-gateway\"]\n",
        )
        .write(
            "regops.toml",
            format!("extends = \"org/base.toml\"\n{EVIDENCE}"),
        );
    let run = project.check_json();
    let identification = check(&run.json(), "ci", "sbom-identification").clone();
    assert_eq!(identification["outcome"], "pass", "{identification:#}");

    // An empty entry is a configuration error at its line.
    project.write(
        "regops.toml",
        "safety-class = \"A\"\n[sbom]\nproduct = [\n  \"  \",\n]\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("regops.toml:4:") && run.stderr.contains("[sbom] product"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_go_coverage_profile_reads_as_paths_in_the_module_without_branches() {
    // go.mod at the project root, the profile under coverage/: paths are
    // the module's, not import paths; a class C branch threshold fails for
    // want of branch data instead of passing on none.
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("go-cover/gateway/go.mod"), "go.mod")
        .copy(
            &fixture("go-cover/gateway/out/cover-set.out"),
            "coverage/cover.out",
        )
        .write(
            "regops.toml",
            "product = \"Gateway\"\nsafety-class = \"C\"\n\n[evidence]\n\
             tests = [\"evidence/junit.xml\"]\ncoverage = [\"coverage/cover.out\"]\n\
             findings = [\"evidence/*.sarif\"]\nsbom = [\"evidence/sbom.cdx.json\"]\n\
             soup = [\"evidence/SOUP.yaml\"]\n",
        );
    let run = project.regops(&["evidence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bundle = run.json();
    let coverage = bundle["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "coverage")
        .unwrap();
    assert_eq!(coverage["format"], "go-coverprofile");
    assert_eq!(coverage["path"], "coverage/cover.out");
    assert!(coverage.get("warnings").is_none(), "{coverage:#}");
    let files: Vec<(&str, u64, u64)> = bundle["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f.get("branches").is_none(), "{f:#}");
            (
                f["path"].as_str().unwrap(),
                f["lines"]["covered"].as_u64().unwrap(),
                f["lines"]["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("alarm/alarm.go", 14, 18),
            ("rate/rate.go", 6, 15),
            ("rate/rate_linux.go", 0, 1),
        ]
    );

    let report = project.check_json().json();
    let lines = check(&report, "ci", "line-coverage");
    assert_eq!(lines["outcome"], "fail", "{lines:#}");
    assert!(
        lines["message"]
            .as_str()
            .is_some_and(|m| m.contains("20 of 34 lines covered")),
        "{lines:#}"
    );
    let branches = check(&report, "ci", "branch-coverage");
    assert_eq!(branches["outcome"], "fail", "{branches:#}");
    assert!(
        branches["message"]
            .as_str()
            .is_some_and(|m| m.contains("measured no branches")),
        "{branches:#}"
    );
}

#[test]
fn a_directory_named_on_the_command_line_is_refused_with_what_to_give_instead() {
    let project = Project::new();
    let dir = fixture("go-cover/gateway/out");
    let run = project.regops(&["evidence", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("out: is a directory; name the evidence files in it"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`[evidence]`"), "{}", run.stderr);
}
