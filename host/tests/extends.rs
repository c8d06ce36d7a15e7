//! `extends`: an organisation's baseline, merged key by key under a
//! repository's config, by path or by pinned URL; the report says which file
//! set each effective value.

mod common;

use std::net::TcpListener;

use common::{Project, check, sha256};

/// An org baseline raising class C coverage bars and turning a check into a
/// warning at A.
const BASE: &str = "\
# ACME quality baseline
[gates.ci.params.C]
line-coverage = 0.85
branch-coverage = 0.75

[gates.ci.levels.A]
tests-skipped = \"warning\"
";

fn param<'a>(report: &'a serde_json::Value, gate: &str, name: &str) -> &'a serde_json::Value {
    report["gates"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["id"] == gate))
        .and_then(|g| g["params"].as_array())
        .and_then(|p| p.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} in {report:#}"))
}

#[test]
fn a_repository_overrides_one_baseline_value_and_the_report_says_who_set_each() {
    let project = Project::new();
    project.with_example_evidence().write("org/base.toml", BASE);
    project.write(
        "regops.toml",
        "extends = \"org/base.toml\"\nproduct = \"CardioSense\"\nsafety-class = \"C\"\n\n[evidence]\n\
         tests = [\"evidence/junit.xml\"]\ncoverage = [\"evidence/coverage.xml\"]\n\
         findings = [\"evidence/*.sarif\"]\nsbom = [\"evidence/sbom.cdx.json\"]\n\
         soup = [\"evidence/SOUP.yaml\"]\n\n[gates.ci.params.C]\nbranch-coverage = 0.5\n",
    );
    let run = project.check_json();
    let report = run.json();
    assert_eq!(param(&report, "ci", "line-coverage")["value"], 0.85);
    assert_eq!(
        param(&report, "ci", "line-coverage")["origin"],
        "org/base.toml:3"
    );
    assert_eq!(param(&report, "ci", "branch-coverage")["value"], 0.5);
    assert_eq!(
        param(&report, "ci", "branch-coverage")["origin"],
        "regops.toml:13"
    );
    assert_eq!(
        param(&report, "ci", "require-component-hashes")["origin"],
        "default (class C)"
    );
    // The example's 91.5% of lines is above the baseline's 85%.
    assert_eq!(check(&report, "ci", "line-coverage")["outcome"], "pass");
    let files: Vec<&str> = report["config"]
        .as_array()
        .expect("a config list")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(files, ["regops.toml", "org/base.toml"]);
}

#[test]
fn the_baseline_alone_decides_where_the_repository_is_silent() {
    let project = Project::new();
    project.with_example_evidence().write(
        "org/base.toml",
        "safety-class = \"C\"\n[gates.ci.params.C]\nline-coverage = 0.95\n",
    );
    project.write(
        "regops.toml",
        "extends = { path = \"org/base.toml\" }\n[evidence]\ntests = [\"evidence/junit.xml\"]\n\
         coverage = [\"evidence/coverage.xml\"]\nfindings = [\"evidence/*.sarif\"]\n\
         sbom = [\"evidence/sbom.cdx.json\"]\nsoup = [\"evidence/SOUP.yaml\"]\n",
    );
    let run = project.check_json();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["safety_class"], "C");
    let line = check(&report, "ci", "line-coverage");
    assert_eq!(line["outcome"], "fail");
    assert_eq!(line["threshold"], 0.95);
}

#[test]
fn a_typo_in_the_baseline_names_the_baseline_file_and_line() {
    let project = Project::new();
    project.with_example_evidence().write(
        "org/base.toml",
        "[gates.ci.params.C]\nline-coverage = 0.85\nline-coverag = 0.9\n",
    );
    project.write("regops.toml", "extends = \"org/base.toml\"\nsafety-class = \"C\"\n[evidence]\ntests = [\"evidence/junit.xml\"]\ncoverage = [\"evidence/coverage.xml\"]\nfindings = [\"evidence/*.sarif\"]\n");
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("org/base.toml:3:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no parameter `line-coverag`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_cycle_is_refused() {
    let project = Project::new();
    project
        .with_example_evidence()
        .write("a.toml", "extends = \"b.toml\"\n")
        .write("b.toml", "extends = \"a.toml\"\n")
        .write(
            "regops.toml",
            "extends = \"a.toml\"\nsafety-class = \"A\"\n",
        );
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("forms a cycle"), "{}", run.stderr);
}

#[test]
fn an_unpinned_url_is_refused_with_the_fix() {
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        "extends = \"https://quality.acme.example/regops-base.toml\"\nsafety-class = \"B\"\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.toml:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("must be pinned"), "{}", run.stderr);
    assert!(run.stderr.contains("sha256 = "), "{}", run.stderr);
}

/// Serves `body` as a base configuration on loopback; returns the URL.
fn serve(body: &'static str, requests: usize) -> String {
    common::serve(
        "/acme/regops-base.toml",
        "application/toml",
        body.as_bytes().to_vec(),
        requests,
    )
}

#[test]
fn a_pinned_url_is_fetched_verified_and_merged() {
    let url = serve(BASE, 1);
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        format!(
            "extends = {{ url = \"{url}\", sha256 = \"{}\" }}\nsafety-class = \"C\"\n[evidence]\n\
             tests = [\"evidence/junit.xml\"]\ncoverage = [\"evidence/coverage.xml\"]\n\
             findings = [\"evidence/*.sarif\"]\nsbom = [\"evidence/sbom.cdx.json\"]\n\
             soup = [\"evidence/SOUP.yaml\"]\n",
            sha256(BASE)
        ),
    );
    let report = project.check_json().json();
    assert_eq!(
        param(&report, "ci", "line-coverage")["origin"],
        format!("{url}:3")
    );
    let config = report["config"].as_array().expect("config files");
    assert_eq!(config[1]["sha256"], sha256(BASE));
}

#[test]
fn a_url_whose_content_changed_under_its_pin_is_refused() {
    let url = serve(BASE, 1);
    let pinned = sha256("line-coverage = 0.85\n");
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        format!("extends = {{ url = \"{url}\", sha256 = \"{pinned}\" }}\nsafety-class = \"C\"\n"),
    );
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("does not match its pin"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&pinned) && run.stderr.contains(&sha256(BASE)),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unreachable_url_says_so() {
    // Bind then drop: a port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        format!(
            "extends = {{ url = \"http://127.0.0.1:{port}/base.toml\", sha256 = \"{}\" }}\nsafety-class = \"C\"\n",
            "0".repeat(64)
        ),
    );
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot fetch the base configuration"),
        "{}",
        run.stderr
    );
}
