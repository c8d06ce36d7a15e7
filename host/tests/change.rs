//! G2 Change review and approval, end to end: a change record and its
//! approvals, `[roles]`, the SOUP the change makes, through the real binary.

mod common;

use common::{Project, check, example_evidence, gate_outcome};

const HEAD: &str = "4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f";

/// The example project's evidence plus its pull request record, with G2
/// configured at `class` and `extra` appended.
fn project(class: &str, extra: &str) -> Project {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&example_evidence("change.json"), "evidence/change.json")
        .config(
            class,
            &format!(
                "change = [\"evidence/change.json\"]\n[roles]\nreviewer = [\"carol\", \"bob\"]\n\
                 soup-reviewer = [\"quinn\"]\nindependent-reviewer = [\"erin\"]\n[change]\ngithub = false\n\
                 [gates.change]\n{extra}"
            ),
        );
    project
}

/// Rewrites the project's change record.
fn edit_change(project: &Project, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = project.path("evidence/change.json");
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    edit(&mut record);
    std::fs::write(&path, serde_json::to_vec_pretty(&record).expect("json")).expect("write");
}

fn approval(who: &str, commit: &str) -> serde_json::Value {
    serde_json::json!({
        "who": who, "decision": "approved", "commit": commit,
        "timestamp": "2026-11-20T11:00:00Z"
    })
}

#[test]
fn the_example_pull_request_passes_g2_at_class_b() {
    let run = project("B", "").regops(&["check", "--format", "json", "--gate", "change"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let gates: Vec<&str> = report["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| g["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(gates, ["change"]);
    let approvals = check(&report, "change", "approvals");
    assert_eq!(approvals["subjects"], serde_json::json!(["carol"]));
    // Carol first asked for changes, then approved the head: not blocking.
    assert_eq!(
        check(&report, "change", "changes-requested")["outcome"],
        "pass"
    );
    let evidence: Vec<&str> = report["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["kind"] == "change")
        .map(|e| e["format"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(evidence, ["change-json"]);
}

#[test]
fn class_c_needs_a_second_approval_by_an_independent_reviewer() {
    let p = project("C", "");
    let run = p.regops(&["check", "--format", "json", "--gate", "change"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(check(&report, "change", "approvals")["outcome"], "fail");
    assert_eq!(
        check(&report, "change", "independent-approval")["outcome"],
        "fail"
    );

    // Roles come from [roles], never from the file: erin is independent.
    edit_change(&p, |r| {
        r["approvals"]
            .as_array_mut()
            .expect("approvals")
            .push(approval("erin", HEAD))
    });
    let report = p
        .regops(&["check", "--format", "json", "--gate", "change"])
        .json();
    assert_eq!(gate_outcome(&report, "change"), "pass", "{report:#}");
}

#[test]
fn the_authors_own_approval_and_a_stale_one_do_not_count() {
    let p = project("B", "");
    edit_change(&p, |r| {
        r["approvals"] = serde_json::json!([
            approval("alice", HEAD),
            approval("bob", "9b1c4f7a3e5d8b0c2f4f2c9a1e7b3d5c8f0a6e2d"),
        ])
    });
    let run = p.regops(&["check", "--format", "json", "--gate", "change"]);
    assert_eq!(run.code, 1);
    let approvals = check(&run.json(), "change", "approvals").clone();
    assert_eq!(approvals["outcome"], "fail");
    let message = approvals["message"].as_str().unwrap_or_default();
    assert!(message.contains("`alice` authored the change"), "{message}");
    assert!(message.contains("bob (on 9b1c4f7a3e5d)"), "{message}");
}

#[test]
fn a_soup_update_against_the_base_sbom_needs_the_soup_reviewer() {
    let p = project("B", "");
    // The base branch's SBOM: the example's, with attrs one release older.
    let sbom = std::fs::read_to_string(example_evidence("sbom.cdx.json")).expect("sbom");
    let mut base: serde_json::Value = serde_json::from_str(&sbom).expect("json");
    for c in base["components"].as_array_mut().expect("components") {
        if c["name"] == "attrs" {
            let old = c["version"].as_str().expect("version").to_string();
            c["version"] = "25.3.0".into();
            let purl = c["purl"].as_str().expect("purl").replace(&old, "25.3.0");
            c["purl"] = purl.into();
        }
    }
    p.write(
        "base/sbom.cdx.json",
        serde_json::to_vec(&base).expect("json"),
    );
    let config = std::fs::read_to_string(p.path("regops.toml")).expect("config");
    p.write(
        "regops.toml",
        config.replace(
            "[change]\ngithub = false\n",
            "[change]\ngithub = false\nbase-sbom = [\"base/sbom.cdx.json\"]\n",
        ),
    );
    let run = p.regops(&["check", "--format", "json", "--gate", "change"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let soup = check(&run.json(), "change", "soup-approved").clone();
    assert_eq!(soup["outcome"], "fail");
    assert_eq!(soup["subjects"], serde_json::json!(["attrs"]));
    assert!(
        soup["message"]
            .as_str()
            .unwrap_or_default()
            .contains("attrs 25.3.0 →"),
        "{soup:#}"
    );

    edit_change(&p, |r| {
        r["approvals"]
            .as_array_mut()
            .expect("approvals")
            .push(approval("quinn", HEAD))
    });
    let report = p
        .regops(&["check", "--format", "json", "--gate", "change"])
        .json();
    assert_eq!(check(&report, "change", "soup-approved")["outcome"], "pass");
}

#[test]
fn class_c_thresholds_change_in_config_only_for_class_c() {
    let p = project(
        "C",
        "[gates.change.params.C]\nmin-approvals = 1\nmin-independent-approvals = 0\n",
    );
    let run = p.regops(&["check", "--format", "json", "--gate", "change"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let params = report["gates"][0]["params"]
        .as_array()
        .expect("params")
        .clone();
    let min = params
        .iter()
        .find(|p| p["name"] == "min-approvals")
        .expect("min-approvals");
    assert_eq!(min["value"], 1);
    assert_eq!(min["origin"], "regops.toml:19");
}

#[test]
fn a_change_without_a_linked_issue_fails() {
    let p = project("A", "");
    edit_change(&p, |r| r["linked-issues"] = serde_json::json!([]));
    let report = p
        .regops(&["check", "--format", "json", "--gate", "change"])
        .json();
    assert_eq!(check(&report, "change", "change-linked")["outcome"], "fail");
}

#[test]
fn g2_without_a_change_record_is_an_error_that_says_what_to_add() {
    let p = Project::new();
    p.with_example_evidence()
        .config("B", "[change]\ngithub = false\n[gates.change]\n");
    let run = p.regops(&["check", "--gate", "change"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("change"), "{}", run.stdout);
}

#[test]
fn an_unknown_gate_on_the_command_line_names_the_known_ones() {
    let run = project("B", "").regops(&["check", "--gate", "chnage"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--gate chnage: no such gate"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("change, ci"), "{}", run.stderr);
}

#[test]
fn a_pull_request_event_without_a_token_exits_2_and_says_what_to_pass() {
    let p = Project::new();
    p.with_example_evidence().config("B", "[gates.change]\n");
    let event = p.path("event.json");
    std::fs::write(&event, r#"{"pull_request":{"number":42,"head":{"sha":"4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f"}}}"#).expect("write");
    let run = p.regops_with_env(
        &["check"],
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().expect("utf-8")),
            ("GITHUB_REPOSITORY", "acme/cardiosense"),
            ("GITHUB_TOKEN", ""),
        ],
    );
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("GITHUB_TOKEN"), "{}", run.stderr);
}
