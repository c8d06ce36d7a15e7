//! `regops policy lock` and what `regops check` does with the lockfile:
//! every gate pinned, built-in ones included, and a changed pin refused.

mod common;

use common::Project;

/// The example project running G1 and the built-in G1's bytes as an
/// external gate `mine`.
fn project_with_external_gate() -> Project {
    let project = Project::new();
    project.with_example_evidence();
    project.write(
        "policies/mine.wasm",
        regops::policy::find_builtin("ci").unwrap().component,
    );
    project.config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n\
         [gates.mine]\npolicy = \"policies/mine.wasm\"\n\
         [gates.mine.params.B]\nrequire-vulnerability-scan = false\n",
    );
    project
}

fn lockfile(project: &Project) -> toml::Table {
    std::fs::read_to_string(project.path("regops.lock"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn lock_pins_every_gate_with_digest_contract_and_size_and_check_accepts_it() {
    let project = project_with_external_gate();
    let run = project.regops(&["policy", "lock"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ci = regops::policy::find_builtin("ci").unwrap();
    let lock = lockfile(&project);
    assert_eq!(lock["version"].as_integer(), Some(1));
    let pins = lock["policy"].as_array().unwrap();
    let pin = |source: &str| {
        pins.iter()
            .find(|p| p["source"].as_str() == Some(source))
            .unwrap_or_else(|| panic!("{source} is pinned: {lock:#?}"))
    };
    for source in ["builtin:ci", "policies/mine.wasm"] {
        let pin = pin(source);
        assert_eq!(pin["sha256"].as_str(), Some(ci.sha256), "{source}");
        assert_eq!(pin["wit"].as_str(), Some("regops:gate@0.1.0"), "{source}");
        assert_eq!(
            pin["size"].as_integer(),
            Some(ci.component.len() as i64),
            "{source}"
        );
    }
    let check = project.check();
    assert_eq!(check.code, 0, "{}", check.stderr);

    // Locking again gives the same bytes: the lockfile diffs only when a policy changes.
    let before = std::fs::read(project.path("regops.lock")).unwrap();
    assert_eq!(project.regops(&["policy", "lock"]).code, 0);
    assert_eq!(std::fs::read(project.path("regops.lock")).unwrap(), before);
}

#[test]
fn a_builtin_gate_that_differs_from_its_pin_is_a_hard_error_saying_regops_changed() {
    let project = project_with_external_gate();
    assert_eq!(project.regops(&["policy", "lock"]).code, 0);
    let ci = regops::policy::find_builtin("ci").unwrap();
    let text = std::fs::read_to_string(project.path("regops.lock")).unwrap();
    let old = "0".repeat(64);
    // As if the lock was written by a regops whose G1 differed.
    let edited = text.replacen(ci.sha256, &old, 1);
    assert_ne!(edited, text);
    project.write("regops.lock", edited);
    let run = project.check();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing was judged: {}", run.stdout);
    for expected in [
        "gate `ci`",
        "builtin:ci",
        &format!("pinned in ./regops.lock as sha256 {old}"),
        &format!("embeds sha256 {}", ci.sha256),
        "regops was upgraded",
        "Re-run `regops policy lock`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
}

#[test]
fn a_version_1_lockfile_without_the_new_fields_still_reads() {
    let project = project_with_external_gate();
    let ci = regops::policy::find_builtin("ci").unwrap();
    project.write(
        "regops.lock",
        format!(
            "version = 1\n[[policy]]\nsource = \"policies/mine.wasm\"\nsha256 = \"{}\"\n",
            ci.sha256
        ),
    );
    let run = project.check();
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn unknown_schemes_and_plain_http_off_loopback_are_config_errors_naming_the_line() {
    for (reference, says) in [
        (
            "ftp://policies.acme.example/g.wasm",
            "ftp:// is not a policy reference",
        ),
        (
            "http://policies.acme.example/g.wasm",
            "plain http is allowed only to loopback",
        ),
        ("oci://acme/gate:1", "is not a registry host"),
    ] {
        let project = Project::new();
        project.with_example_evidence();
        project.config("B", &format!("[gates.remote]\npolicy = \"{reference}\"\n"));
        for args in [&["check"][..], &["policy", "lock"]] {
            let run = project.regops(args);
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains("regops.toml:11:"), "{}", run.stderr);
            assert!(run.stderr.contains(says), "{says}: {}", run.stderr);
        }
        assert!(!project.path("regops.lock").exists());
    }
}

#[test]
fn lock_reports_a_missing_component_at_its_line() {
    let project = Project::new();
    project.with_example_evidence();
    project.config("B", "[gates.gone]\npolicy = \"policies/gone.wasm\"\n");
    let run = project.regops(&["policy", "lock"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("regops.toml:11:") && run.stderr.contains("gone.wasm"),
        "{}",
        run.stderr
    );
}
