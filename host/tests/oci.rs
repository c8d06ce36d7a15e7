//! Policies from an OCI registry and over http(s), pinned in regops.lock:
//! against a real CNCF distribution registry (Debian's docker-registry) on
//! loopback, started per test by `.ci/registry`, and a loopback HTTP server.

mod common;

use std::net::TcpListener;
use std::process::Command;

use common::{Project, Run, gate_outcome, repo, sha256};

/// Test-only credentials `.ci/registry start DIR --auth` accepts.
const USER: &str = "regops-ci";
const PASSWORD: &str = "s3cret-regops";

/// A registry on 127.0.0.1, stopped (by its pid) when dropped.
struct Registry {
    addr: String,
    pid: String,
    dir: tempfile::TempDir,
}

impl Registry {
    fn start() -> Registry {
        Registry::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Registry {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let output = Command::new(repo().join(".ci/registry"))
            .arg("start")
            .arg(dir.path())
            .args(extra)
            .output()
            .expect("run .ci/registry");
        assert!(
            output.status.success(),
            ".ci/registry start failed (run `.ci/registry install` first): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let (addr, pid) = line.split_once(' ').expect("ADDRESS PID");
        Registry {
            addr: addr.to_string(),
            pid: pid.to_string(),
            dir,
        }
    }

    fn reference(&self, repo_and_tag: &str) -> String {
        format!("oci://{}/{repo_and_tag}", self.addr)
    }

    /// Pushes a one-layer manifest by hand through the distribution API, as
    /// other tools lay artifacts out: `(media type, bytes)` of the config
    /// and of the layer.
    fn push_raw(&self, repo_and_tag: &str, config: (&str, &[u8]), layer: (&str, &[u8])) {
        let (repo, tag) = repo_and_tag.split_once(':').expect("repo:tag");
        let descriptor = |(media_type, bytes): (&str, &[u8])| {
            let digest = format!("sha256:{}", sha256(bytes));
            // An upload session, then its bytes in one PUT (distribution 2.8
            // does not take a single-POST upload).
            let started = ureq::post(&format!("http://{}/v2/{repo}/blobs/uploads/", self.addr))
                .send_empty()
                .expect("start an upload");
            let location = started.headers()["location"].to_str().unwrap().to_string();
            let location = if location.starts_with('/') {
                format!("http://{}{location}", self.addr)
            } else {
                location
            };
            let separator = if location.contains('?') { '&' } else { '?' };
            ureq::put(&format!("{location}{separator}digest={digest}"))
                .header("Content-Type", "application/octet-stream")
                .send(bytes)
                .expect("finish the upload");
            serde_json::json!({"mediaType": media_type, "digest": digest, "size": bytes.len()})
        };
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor(config),
            "layers": [descriptor(layer)],
        });
        ureq::put(&format!("http://{}/v2/{repo}/manifests/{tag}", self.addr))
            .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            .send(manifest.to_string().as_bytes())
            .expect("push the manifest");
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.pid).status();
        if std::thread::panicking()
            && let Ok(log) = std::fs::read_to_string(self.dir.path().join("registry.log"))
        {
            eprintln!("registry log:\n{log}");
        }
    }
}

/// G1's component bytes, the artifact every test pushes.
fn ci_component() -> &'static [u8] {
    regops::policy::find_builtin("ci").unwrap().component
}

/// G1's component with a `regops:metadata` section appended: a valid gate
/// that behaves the same, with other bytes (a new release of the policy).
fn ci_component_v2() -> Vec<u8> {
    let data = br#"{"version": "0.1.1"}"#;
    let name = b"regops:metadata";
    let mut body = vec![name.len() as u8];
    body.extend_from_slice(name);
    body.extend_from_slice(data);
    let mut bytes = ci_component().to_vec();
    bytes.push(0);
    assert!(body.len() < 128, "one LEB128 byte");
    bytes.push(body.len() as u8);
    bytes.extend_from_slice(&body);
    bytes
}

/// Asserts `text` contains every one of `expected`.
fn assert_says(text: &str, expected: &[&str]) {
    for expected in expected {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

/// A loopback port nothing listens on (bound, then dropped).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The example project with G1 built in and gate `remote` = `reference`.
fn project_with_remote_gate(reference: &str) -> Project {
    let project = Project::new();
    project.with_example_evidence();
    project_with_remote_gate_at(&project, reference);
    project
}

/// Runs regops outside CI (tags resolved afresh) or in it (`CI=true`: locked).
fn run(project: &Project, args: &[&str], ci: bool) -> Run {
    project.regops_with_env(args, &[("CI", if ci { "true" } else { "" })])
}

fn push(project: &Project, bytes: &[u8], reference: &str) -> Run {
    project.write("push/gate.wasm", bytes);
    let run = run(
        project,
        &["policy", "push", "push/gate.wasm", reference],
        false,
    );
    assert_eq!(run.code, 0, "push {reference}: {}", run.stderr);
    run
}

/// `manifest sha256:…` from push's output.
fn manifest_of(pushed: &Run) -> String {
    pushed
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("manifest "))
        .unwrap_or_else(|| panic!("no manifest line: {}", pushed.stdout))
        .to_string()
}

fn lock_table(project: &Project) -> toml::Table {
    std::fs::read_to_string(project.path("regops.lock"))
        .expect("regops.lock")
        .parse()
        .expect("TOML")
}

fn pin<'a>(lock: &'a toml::Table, source: &str) -> &'a toml::Value {
    lock["policy"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"].as_str() == Some(source))
        .unwrap_or_else(|| panic!("{source} is pinned: {lock:#?}"))
}

/// A registry holding G1 as `regops/ci:1.0`, and a project running it as
/// gate `remote`, locked: the registry, the tag, the project, the manifest.
fn pushed_and_locked() -> (Registry, String, Project, String) {
    let registry = Registry::start();
    let tag = registry.reference("regops/ci:1.0");
    let project = project_with_remote_gate(&tag);
    let manifest = manifest_of(&push(&project, ci_component(), &tag));
    let locked = run(&project, &["policy", "lock"], false);
    assert_eq!(locked.code, 0, "{}", locked.stderr);
    (registry, tag, project, manifest)
}

#[test]
fn push_then_pull_by_tag_and_by_digest_and_evaluate_the_pulled_gate() {
    let registry = Registry::start();
    let tag = registry.reference("regops/ci:1.0");
    let scratch = Project::new();
    let pushed = push(&scratch, ci_component(), &tag);
    let manifest = manifest_of(&pushed);
    let by_digest = registry.reference(&format!("regops/ci@{manifest}"));
    assert!(
        pushed.stdout.contains(&format!("policy = \"{by_digest}\"")),
        "{}",
        pushed.stdout
    );
    assert!(pushed.stdout.contains(&sha256(ci_component())));

    // Reviewed before it is pinned: inspect pulls it and shows what it is.
    let inspect = run(&scratch, &["policy", "inspect", &tag], false);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert_says(
        &inspect.stdout,
        &[
            "G1 Continuous integration",
            &sha256(ci_component()),
            "line-coverage",
        ],
    );

    // The CNCF layout: wasm config and one application/wasm layer whose
    // digest is the component's SHA-256.
    let body = ureq::get(&format!(
        "http://{}/v2/regops/ci/manifests/1.0",
        registry.addr
    ))
    .header("Accept", "application/vnd.oci.image.manifest.v1+json")
    .call()
    .expect("manifest")
    .body_mut()
    .read_to_string()
    .expect("text");
    let stored: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        stored["config"]["mediaType"],
        "application/vnd.wasm.config.v0+json"
    );
    assert_eq!(stored["layers"][0]["mediaType"], "application/wasm");
    assert_eq!(
        stored["layers"][0]["digest"],
        format!("sha256:{}", sha256(ci_component()))
    );

    for reference in [&tag, &by_digest] {
        let project = project_with_remote_gate(reference);
        let locked = run(&project, &["policy", "lock"], false);
        assert_eq!(locked.code, 0, "{}", locked.stderr);
        let lock = lock_table(&project);
        let pin = pin(&lock, reference);
        assert_eq!(
            pin["sha256"].as_str(),
            Some(sha256(ci_component()).as_str())
        );
        assert_eq!(pin["wit"].as_str(), Some("regops:gate@0.1.0"));
        assert_eq!(pin["size"].as_integer(), Some(ci_component().len() as i64));
        // A tag records the manifest it resolved to; a digest is its own.
        let expected_manifest = (reference == &tag).then_some(manifest.as_str());
        assert_eq!(
            pin.get("manifest").and_then(|m| m.as_str()),
            expected_manifest
        );

        for ci in [false, true] {
            let check = run(&project, &["check", "--format", "json"], ci);
            assert_eq!(check.code, 0, "{reference} CI={ci}: {}", check.stderr);
            let report = check.json();
            assert_eq!(gate_outcome(&report, "remote"), "pass");
            let remote = report["gates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["id"] == "remote")
                .unwrap();
            assert_eq!(remote["policy"]["source"], reference.as_str(), "{remote:#}");
            assert_eq!(remote["policy"]["sha256"], sha256(ci_component()));
        }
        let up_to_date = run(&project, &["policy", "lock", "--check"], false);
        assert_eq!(up_to_date.code, 0, "{}", up_to_date.stderr);
    }
}

#[test]
fn a_tag_moved_to_other_bytes_is_tag_drift_caught_by_the_lockfile() {
    let (_registry, tag, project, first) = pushed_and_locked();
    let lock_before = std::fs::read(project.path("regops.lock")).unwrap();

    // Someone pushes other bytes under the same tag.
    let v2 = ci_component_v2();
    let second = manifest_of(&push(&project, &v2, &tag));
    assert_ne!(first, second);

    let check = run(&project, &["check"], false);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(
        check.stdout.is_empty(),
        "nothing was judged: {}",
        check.stdout
    );
    assert_says(
        &check.stderr,
        &[
            "gate `remote`",
            "tag drift",
            tag.as_str(),
            first.as_str(),
            second.as_str(),
            &sha256(ci_component()),
            &sha256(&v2),
            "regops policy lock",
        ],
    );

    // In CI (locked) the reviewed bytes are pulled by their manifest digest:
    // the moved tag neither changes what judges nor breaks the build.
    let locked = run(&project, &["check", "--format", "json"], true);
    assert_eq!(locked.code, 0, "{}", locked.stderr);
    let explicit = run(&project, &["check", "--locked"], false);
    assert_eq!(explicit.code, 0, "{}", explicit.stderr);

    // lock --check names the drift and writes nothing.
    let stale = run(&project, &["policy", "lock", "--check"], false);
    assert_eq!(stale.code, 2, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("tag drift") && stale.stderr.contains(&second),
        "{}",
        stale.stderr
    );
    assert_eq!(
        std::fs::read(project.path("regops.lock")).unwrap(),
        lock_before
    );

    // Re-locking after review accepts the new bytes, and says what changed.
    let relock = run(&project, &["policy", "lock"], false);
    assert_eq!(relock.code, 0, "{}", relock.stderr);
    assert_says(&relock.stderr, &["changed: ", "tag drift", &first, &second]);
    assert_eq!(
        pin(&lock_table(&project), &tag)["sha256"].as_str(),
        Some(sha256(&v2).as_str())
    );
    let check = run(&project, &["check"], false);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn locked_mode_whose_manifest_was_deleted_says_so_and_fails() {
    let (registry, tag, project, first) = pushed_and_locked();
    push(&project, &ci_component_v2(), &tag);
    ureq::delete(&format!(
        "http://{}/v2/regops/ci/manifests/{first}",
        registry.addr
    ))
    .call()
    .expect("delete the reviewed manifest");
    let check = run(&project, &["check"], true);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stdout.is_empty(), "{}", check.stdout);
    assert_says(
        &check.stderr,
        &[
            "gate `remote`",
            &format!("{tag} (locked to manifest {first})"),
            "has no such repository, tag or digest",
            "the registry no longer has it",
            "regops policy lock",
        ],
    );
}

#[test]
fn a_pulled_component_that_differs_from_its_pin_is_refused_naming_both_digests() {
    let (_registry, tag, project, _) = pushed_and_locked();
    let wrong = "1".repeat(64);
    let text = std::fs::read_to_string(project.path("regops.lock")).unwrap();
    // The pin of `remote` is the second one holding G1's digest.
    let at = text.rfind(&sha256(ci_component())).unwrap();
    let edited = format!("{}{wrong}{}", &text[..at], &text[at + 64..]);
    project.write("regops.lock", edited);
    for ci in [false, true] {
        let check = run(&project, &["check"], ci);
        assert_eq!(check.code, 2, "{}", check.stderr);
        assert_says(
            &check.stderr,
            &[
                "gate `remote`",
                tag.as_str(),
                &format!("expected sha256 {wrong}"),
                &format!("found {}", sha256(ci_component())),
                "regops policy lock",
            ],
        );
    }
}

#[test]
fn an_unpinned_remote_gate_is_not_fetched_into_a_run() {
    let registry = Registry::start();
    let tag = registry.reference("regops/ci:1.0");
    let project = project_with_remote_gate(&tag);
    push(&project, ci_component(), &tag);
    let check = run(&project, &["check"], false);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains(&format!("policy `{tag}` is not pinned"))
            && check.stderr.contains("regops policy lock"),
        "{}",
        check.stderr
    );
}

#[test]
fn an_unreachable_registry_is_a_clear_error_and_never_a_pass() {
    let port = closed_port();
    let tag = format!("oci://127.0.0.1:{port}/regops/ci:1.0");
    let project = project_with_remote_gate(&tag);
    let lock = run(&project, &["policy", "lock"], false);
    assert_eq!(lock.code, 2, "{}", lock.stderr);
    project.write(
        "regops.lock",
        format!(
            "version = 1\n[[policy]]\nsource = \"{tag}\"\nsha256 = \"{}\"\n",
            sha256(ci_component())
        ),
    );
    let check = run(&project, &["check"], true);
    for run in [&lock, &check] {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_says(
            &run.stderr,
            &[
                "regops.toml:13:",
                &format!("cannot reach the registry `127.0.0.1:{port}`"),
                tag.as_str(),
            ],
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn a_missing_tag_and_a_manifest_without_a_wasm_layer_say_what_to_do() {
    let registry = Registry::start();
    let missing = registry.reference("regops/nothing:1.0");
    let project = project_with_remote_gate(&missing);
    let run1 = run(&project, &["policy", "lock"], false);
    assert_eq!(run1.code, 2, "{}", run1.stderr);
    assert!(
        run1.stderr
            .contains("has no such repository, tag or digest")
            && run1.stderr.contains(&missing),
        "{}",
        run1.stderr
    );

    // A plain OCI image: one tar layer, no wasm.
    registry.push_raw(
        "acme/image:1.0",
        ("application/vnd.oci.image.config.v1+json", b"{}"),
        ("application/vnd.oci.image.layer.v1.tar", b"not a gate"),
    );
    let image = registry.reference("acme/image:1.0");
    let project = project_with_remote_gate(&image);
    let run2 = run(&project, &["policy", "lock"], false);
    assert_eq!(run2.code, 2, "{}", run2.stderr);
    assert_says(
        &run2.stderr,
        &[
            image.as_str(),
            "is not a WebAssembly artifact",
            "`application/vnd.oci.image.layer.v1.tar`",
            "regops policy push",
        ],
    );
}

#[test]
fn the_older_wasm_layer_media_type_is_accepted_on_pull() {
    let registry = Registry::start();
    // wasm-to-oci's layout: its own config type and a
    // vnd.wasm.content.layer.v1+wasm layer.
    registry.push_raw(
        "legacy/ci:1.0",
        ("application/vnd.wasm.config.v1+json", b"{}"),
        ("application/vnd.wasm.content.layer.v1+wasm", ci_component()),
    );
    let tag = registry.reference("legacy/ci:1.0");
    let project = project_with_remote_gate(&tag);
    let locked = run(&project, &["policy", "lock"], false);
    assert_eq!(locked.code, 0, "{}", locked.stderr);
    let check = run(&project, &["check", "--format", "json"], false);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(gate_outcome(&check.json(), "remote"), "pass");
}

#[test]
fn registry_credentials_come_from_the_docker_config() {
    let registry = Registry::start_with(&["--auth"]);
    let tag = registry.reference("regops/ci:1.0");
    let project = project_with_remote_gate(&tag);
    project.write("push/gate.wasm", ci_component());
    let push_args = ["policy", "push", "push/gate.wasm", tag.as_str()];
    let empty = project.path("no-docker");
    std::fs::create_dir_all(&empty).unwrap();
    let refused = project.regops_with_env(
        &push_args,
        &[("CI", ""), ("DOCKER_CONFIG", empty.to_str().unwrap())],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("401") && refused.stderr.contains("Docker config"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains(PASSWORD));

    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    project.write(
        "docker/config.json",
        format!(
            "{{\"auths\": {{\"{}\": {{\"auth\": \"{auth}\"}}}}}}",
            registry.addr
        ),
    );
    let docker = project.path("docker");
    let env = [("CI", ""), ("DOCKER_CONFIG", docker.to_str().unwrap())];
    let pushed = project.regops_with_env(&push_args, &env);
    assert_eq!(pushed.code, 0, "{}", pushed.stderr);
    assert_eq!(project.regops_with_env(&["policy", "lock"], &env).code, 0);
    let check = project.regops_with_env(&["check"], &env);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn push_refuses_a_file_that_is_not_a_gate() {
    let registry = Registry::start();
    let project = Project::new();
    project.write("junk.wasm", b"\0asm junk");
    let tag = registry.reference("regops/junk:1.0");
    let run = run(&project, &["policy", "push", "junk.wasm", &tag], false);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a valid WebAssembly component")
            && run.stderr.contains("not pushed"),
        "{}",
        run.stderr
    );
}

/// Serves `body` at `/gates/ci.wasm` on loopback for `requests` requests.
fn serve(body: Vec<u8>, requests: usize) -> String {
    common::serve("/gates/ci.wasm", "application/wasm", body, requests)
}

#[test]
fn a_url_policy_is_fetched_pinned_verified_and_evaluated() {
    let url = serve(ci_component().to_vec(), 2);
    let project = project_with_remote_gate(&url);
    assert_eq!(run(&project, &["policy", "lock"], false).code, 0);
    assert_eq!(
        pin(&lock_table(&project), &url)["sha256"].as_str(),
        Some(sha256(ci_component()).as_str())
    );
    let check = run(&project, &["check", "--format", "json"], true);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(gate_outcome(&check.json(), "remote"), "pass");

    // The same URL now serves other bytes: refused before compiling.
    let moved = serve(ci_component_v2(), 1);
    let text = std::fs::read_to_string(project.path("regops.lock"))
        .unwrap()
        .replace(&url, &moved);
    project.write("regops.lock", text);
    project_with_remote_gate_at(&project, &moved);
    let check = run(&project, &["check"], true);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert_says(
        &check.stderr,
        &[
            "gate `remote`",
            moved.as_str(),
            &format!("expected sha256 {}", sha256(ci_component())),
            &format!("found {}", sha256(ci_component_v2())),
        ],
    );
}

/// Rewrites the project's config so gate `remote` is `reference`.
fn project_with_remote_gate_at(project: &Project, reference: &str) {
    project.config(
        "B",
        &format!(
            "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n\
             [gates.remote]\npolicy = \"{reference}\"\n\
             [gates.remote.params.B]\nrequire-vulnerability-scan = false\n"
        ),
    );
}

#[test]
fn an_unreachable_url_is_a_clear_error() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/gates/ci.wasm");
    let project = project_with_remote_gate(&url);
    project.write(
        "regops.lock",
        format!(
            "version = 1\n[[policy]]\nsource = \"{url}\"\nsha256 = \"{}\"\n",
            sha256(ci_component())
        ),
    );
    let check = run(&project, &["check"], true);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(
        check.stderr.contains(&format!("cannot fetch policy {url}"))
            && check.stderr.contains("regops.toml:13:"),
        "{}",
        check.stderr
    );
}
