//! `regops record`: the release record — one JSON file that ties a release
//! to its commit, artefacts, every evidence and configuration file (by
//! SHA-256), every gate verdict (with its policy digest and effective
//! parameters) and every approval; a markdown rendering for people; and an
//! in-toto Statement v1 whose subject is the record, for `actions/attest`
//! to sign. `regops record --verify` re-hashes everything the record lists.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use regops_evidence::Approval;
use serde_json::{Value, json};

use crate::check::RunOptions;
use crate::config::Config;
use crate::digest::sha256_hex;

pub const SCHEMA: &str = "regops.release-record/v1";
/// The in-toto predicate type of the statement.
pub const PREDICATE_TYPE: &str = "https://regops.dev/release-record/v1";

/// What `regops record` is told about the release.
pub struct RecordOptions {
    pub version: String,
    pub udi_di: Option<String>,
    pub commit: Option<String>,
    pub artifacts: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub run: RunOptions,
}

/// Judges the release and writes `release-record.json`, `release-record.md`
/// and `release-record.intoto.json` into `out_dir`. Returns the exit code
/// of the verdicts (a record is written whatever they are: it records them).
pub fn write(config: &Config, options: RecordOptions) -> anyhow::Result<i32> {
    // What `[release]` says, with the command line's word on top.
    let mut config = config.clone();
    if !options.version.is_empty() {
        config.release.version = Some(options.version.clone());
    }
    if options.udi_di.is_some() {
        config.release.udi_di = options.udi_di.clone();
    }
    if options.commit.is_some() {
        config.release.commit = options.commit.clone();
    }
    let config = &config;
    let release = crate::release::info(config)?;
    let stated = release.version.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "the release has no version: pass --version, set [release] version, or run on a release tag"
        )
    })?;
    let version = semver::Version::parse(stated.trim_start_matches('v')).with_context(|| {
        format!("`{stated}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 2.4.1)")
    })?;
    let commit = match release.commit.clone() {
        Some(commit) => commit,
        None => git_head(&config.dir)?,
    };
    let mut artifacts = Vec::new();
    for path in &options.artifacts {
        let bytes = std::fs::read(path)
            .with_context(|| format!("{}: cannot read the artefact", path.display()))?;
        artifacts.push(json!({ "path": path.display().to_string(), "sha256": sha256_hex(&bytes), "size": bytes.len() }));
    }
    for artifact in &release.artifacts {
        let size = std::fs::metadata(config.dir.join(&artifact.name))
            .map(|m| m.len())
            .ok();
        artifacts.push(json!({ "path": artifact.name, "sha256": artifact.sha256, "size": size }));
    }
    let mut approvals: Vec<Approval> = Vec::new();
    let mut anomalies: Vec<regops_evidence::Anomaly> = Vec::new();
    let mut documents: Vec<regops_evidence::ControlledDocument> = Vec::new();
    let report = crate::check::evaluate(
        config,
        |kinds| {
            // The record lists the anomalies and documents whether or not
            // a gate that runs reads them.
            // The release is identified above: its artefacts are not read
            // and hashed a second time.
            let mut kinds: Vec<_> = kinds
                .iter()
                .copied()
                .filter(|k| *k != regops_evidence::EvidenceKind::Release)
                .collect();
            kinds.extend([
                regops_evidence::EvidenceKind::Anomalies,
                regops_evidence::EvidenceKind::Documents,
                regops_evidence::EvidenceKind::Approvals,
            ]);
            let mut evidence = crate::check::gather(config, &kinds)?;
            evidence.release = Some(release.clone());
            approvals = evidence.approvals.clone();
            anomalies = evidence.anomalies.clone();
            documents = evidence.documents.clone();
            Ok(evidence)
        },
        options.run,
    )?;
    let report_json: Value = serde_json::from_str(&crate::report::json::render(&report))?;
    let record = json!({
        "schema": SCHEMA,
        "product": config.product,
        "version": version.to_string(),
        "safety_class": config.safety_class,
        "commit": commit,
        "built_at": release.timestamp.clone().unwrap_or_else(timestamp),
        "udi_di": release.udi_di,
        "tag": release.tag,
        "outcome": report_json["outcome"],
        "root": config.dir.display().to_string(),
        "artifacts": artifacts,
        "lockfiles": release.lockfiles,
        "config": report_json["config"],
        "evidence": report_json["evidence"],
        "waivers": report_json["waivers"],
        "gates": report_json["gates"],
        "approvals": approvals,
        "anomalies": anomalies,
        "documents": documents
            .iter()
            .map(|d| json!({
                "id": d.id,
                "title": d.title,
                "status": d.status,
                "revision": d.revision,
                "path": d.path,
                "cited": release.cited_documents.iter().any(|c| c.eq_ignore_ascii_case(&d.id)),
            }))
            .collect::<Vec<_>>(),
        "regops_version": env!("CARGO_PKG_VERSION"),
        "wasmtime_version": report_json["wasmtime_version"],
    });
    std::fs::create_dir_all(&options.out_dir)
        .with_context(|| format!("creating {}", options.out_dir.display()))?;
    let mut text = serde_json::to_string_pretty(&record)?;
    text.push('\n');
    let record_path = options.out_dir.join("release-record.json");
    std::fs::write(&record_path, &text)
        .with_context(|| format!("writing {}", record_path.display()))?;
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{ "name": "release-record.json", "digest": { "sha256": sha256_hex(text.as_bytes()) } }],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "product": config.product,
            "version": version.to_string(),
            "commit": commit,
            "outcome": report_json["outcome"],
        }
    });
    std::fs::write(
        options.out_dir.join("release-record.intoto.json"),
        serde_json::to_string_pretty(&statement)? + "\n",
    )?;
    std::fs::write(options.out_dir.join("release-record.md"), markdown(&record))?;
    Ok(report.exit_code())
}

/// What `--verify` found.
pub struct Verification {
    pub checked: usize,
    pub problems: Vec<String>,
}

/// Re-hashes every file the record lists (configuration, evidence, waivers,
/// artefacts), from the working directory the record was made in.
pub fn verify(record_path: &Path) -> anyhow::Result<Verification> {
    let text = std::fs::read_to_string(record_path)
        .with_context(|| format!("{}: cannot read the release record", record_path.display()))?;
    let record: Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a release record", record_path.display()))?;
    if record["schema"] != SCHEMA {
        bail!("{}: not a {SCHEMA} release record", record_path.display());
    }
    let root = PathBuf::from(record["root"].as_str().unwrap_or("."));
    let mut listed: Vec<(PathBuf, String, String)> = Vec::new();
    let mut problems = Vec::new();
    // An entry without a digest cannot be verified: a problem, never a skip.
    let mut add = |path: PathBuf, shown: String, sha: &Value| match sha.as_str() {
        Some(sha) => listed.push((path, shown, sha.to_string())),
        None => problems.push(format!("{shown}: listed without a sha256")),
    };
    for file in record["config"].as_array().into_iter().flatten() {
        let path = file["path"].as_str().unwrap_or_default();
        if path.starts_with("https://") || path.starts_with("http://") {
            continue; // a pinned URL: its pin is in the config file re-hashed here
        }
        add(PathBuf::from(path), path.to_string(), &file["sha256"]);
    }
    for file in record["evidence"].as_array().into_iter().flatten() {
        let path = file["path"].as_str().unwrap_or_default();
        if path.starts_with("github:") {
            continue; // read from the API, not a file
        }
        add(root.join(path), path.to_string(), &file["sha256"]);
    }
    if let Some(waivers) = record["waivers"].as_object() {
        let path = waivers
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or_default();
        add(
            root.join(path),
            path.to_string(),
            waivers.get("sha256").unwrap_or(&Value::Null),
        );
    }
    for file in record["artifacts"].as_array().into_iter().flatten() {
        let path = file["path"].as_str().unwrap_or_default();
        add(PathBuf::from(path), path.to_string(), &file["sha256"]);
    }
    if listed.is_empty() && problems.is_empty() {
        problems.push(
            "the record lists no file to verify (it always lists at least its configuration)"
                .to_string(),
        );
    }
    for (path, shown, expected) in &listed {
        match std::fs::read(path) {
            Ok(bytes) => {
                let actual = sha256_hex(&bytes);
                if &actual != expected {
                    problems.push(format!(
                        "{shown}: changed (recorded sha256 {expected}, now {actual})"
                    ));
                }
            }
            Err(e) => problems.push(format!("{shown}: cannot be read ({e})")),
        }
    }
    Ok(Verification {
        checked: listed.len(),
        problems,
    })
}

fn git_head(dir: &Path) -> anyhow::Result<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .context("running git to find the commit; pass it with --commit")?;
    if !output.status.success() {
        bail!(
            "cannot find the commit with `git rev-parse HEAD` in {} ({}); pass it with --commit",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// RFC 3339 UTC; `SOURCE_DATE_EPOCH` when set, for reproducible records.
fn timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let date = crate::waivers::Date::from_unix_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The record for people: what, which commit, the verdicts, the evidence.
fn markdown(record: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").replace('|', "\\|");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Release record: {} {}\n\n| | |\n| --- | --- |\n| outcome | **{}** |\n| safety class | {} |\n| commit | `{}` |\n| built at | {} |\n| UDI-DI | {} |\n| regops | {} (wasmtime {}) |\n",
        s(&record["product"]),
        s(&record["version"]),
        s(&record["outcome"]),
        s(&record["safety_class"]),
        s(&record["commit"]),
        s(&record["built_at"]),
        record["udi_di"].as_str().unwrap_or("—"),
        s(&record["regops_version"]),
        s(&record["wasmtime_version"]),
    );
    out.push_str("## Gates\n\n| gate | outcome | policy sha256 | parameters sha256 |\n| --- | --- | --- | --- |\n");
    for gate in record["gates"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | `{}` |",
            s(&gate["name"]),
            s(&gate["outcome"]),
            s(&gate["policy"]["sha256"]),
            s(&gate["params_sha256"])
        );
    }
    out.push_str("\n## Artefacts\n\n| file | sha256 |\n| --- | --- |\n");
    for a in record["artifacts"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "| `{}` | `{}` |", s(&a["path"]), s(&a["sha256"]));
    }
    out.push_str("\n## Approvals\n\n| who | roles | decision | commit | when | source |\n| --- | --- | --- | --- | --- | --- |\n");
    for a in record["approvals"].as_array().into_iter().flatten() {
        let roles: Vec<&str> = a["roles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} |",
            s(&a["who"]),
            roles.join(", "),
            s(&a["decision"]),
            s(&a["commit"]),
            s(&a["timestamp"]),
            s(&a["source"])
        );
    }
    out.push_str("\n## Known anomalies\n\n| id | title | severity | evaluation | source |\n| --- | --- | --- | --- | --- |\n");
    for a in record["anomalies"].as_array().into_iter().flatten() {
        // One table row: the evaluation's line breaks become spaces.
        let evaluation = s(&a["evaluation"]).replace(['\n', '|'], " ");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s(&a["id"]),
            s(&a["title"]),
            s(&a["severity"]),
            if evaluation.is_empty() {
                "**not evaluated**".to_string()
            } else {
                evaluation
            },
            s(&a["source"])
        );
    }
    out.push_str("\n## Controlled documents\n\n| id | title | status | revision | cited |\n| --- | --- | --- | --- | --- |\n");
    for d in record["documents"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s(&d["id"]),
            s(&d["title"]),
            s(&d["status"]),
            s(&d["revision"]),
            if d["cited"].as_bool() == Some(true) {
                "yes"
            } else {
                ""
            }
        );
    }
    out.push_str(
        "\n## Evidence and configuration\n\n| file | kind | sha256 |\n| --- | --- | --- |\n",
    );
    for f in record["config"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| `{}` | configuration | `{}` |",
            s(&f["path"]),
            s(&f["sha256"])
        );
    }
    for f in record["evidence"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` |",
            s(&f["path"]),
            s(&f["kind"]),
            s(&f["sha256"])
        );
    }
    out
}
