//! `regops check --replay report.json`: judge again what a saved report
//! judged — same date, safety class and gates, over evidence proven to be
//! the same bytes — and say whether the verdicts are identical.
//!
//! The comparison is of the report's `gates` array (verdicts, checks,
//! component digests, effective parameters and their hash, fuel), which the
//! host renders deterministically; anything else that differs (regops or
//! wasmtime version, configuration digests) is a note, not a difference.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::Value as Json;

use crate::check::RunOptions;
use crate::config::{Config, SafetyClass};
use crate::params::EffectiveParam;
use crate::report::SCHEMA;
use crate::waivers::Date;

/// SHA-256 of a gate's effective parameters in canonical form: one compact
/// JSON object mapping each name to its value as the report writes it, keys
/// in byte order. Where a value came from (`origin`) is not part of it.
pub fn params_sha256(params: &[EffectiveParam]) -> String {
    let canonical: std::collections::BTreeMap<&str, &crate::verdict::Value> =
        params.iter().map(|p| (p.name.as_str(), &p.value)).collect();
    let text = serde_json::to_string(&canonical).expect("parameter values serialise");
    crate::digest::sha256_hex(text.as_bytes())
}

/// What a replay found.
pub struct Replay {
    /// What was replayed, in one line.
    pub summary: String,
    /// Where the replayed gates differ from the recorded ones; empty: identical.
    pub differences: Vec<String>,
    /// Differences in what surrounds the verdicts (versions, configuration).
    pub notes: Vec<String>,
}

impl Replay {
    /// The text `regops check --replay` prints.
    pub fn render(&self) -> String {
        let mut out = format!("{}\n", self.summary);
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        if self.differences.is_empty() {
            out.push_str(
                "verdicts identical: the replayed gates are byte-identical to the recorded ones\n",
            );
        } else {
            let _ = writeln!(
                out,
                "verdicts differ ({} difference{}):",
                self.differences.len(),
                if self.differences.len() == 1 { "" } else { "s" }
            );
            for d in &self.differences {
                let _ = writeln!(out, "  {d}");
            }
        }
        out
    }

    /// 0 identical, 1 different.
    pub fn exit_code(&self) -> i32 {
        if self.differences.is_empty() { 0 } else { 1 }
    }
}

/// Replays the report at `recorded` with `config`, over the evidence files
/// the report lists (verified by digest) or over `bundle`.
pub fn replay(config: &Config, recorded: &Path, bundle: Option<&Path>) -> anyhow::Result<Replay> {
    let display = recorded.display();
    let text = std::fs::read_to_string(recorded)
        .with_context(|| format!("{display}: cannot read the report to replay"))?;
    let report: Json = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{display}:{}:{}: not a JSON report: {e}",
            e.line(),
            e.column()
        )
    })?;
    let field = |name: &str| -> anyhow::Result<&str> {
        report[name]
            .as_str()
            .with_context(|| format!("{display}: the report has no `{name}`; is it a `regops check --format json` report?"))
    };
    if field("schema")? != SCHEMA {
        bail!(
            "{display}: report schema `{}` is not supported; this regops replays `{SCHEMA}`",
            field("schema")?
        );
    }
    let date = Date::parse(field("date")?)
        .with_context(|| format!("{display}: `date` is not a date like 2027-01-31"))?;
    let class = match field("safety_class")? {
        "A" => SafetyClass::A,
        "B" => SafetyClass::B,
        "C" => SafetyClass::C,
        other => bail!("{display}: `safety_class` `{other}` is not A, B or C"),
    };
    let recorded_gates = report["gates"]
        .as_array()
        .with_context(|| format!("{display}: the report has no `gates`"))?;
    let gates: Vec<String> = recorded_gates
        .iter()
        .filter_map(|g| g["id"].as_str().map(str::to_string))
        .collect();
    let evidence: Vec<(String, String)> = report["evidence"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| {
                    Some((
                        f["path"].as_str()?.to_string(),
                        f["sha256"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut config = config.clone();
    config.safety_class = class;
    let options = RunOptions {
        date,
        gates: gates.clone(),
    };
    let replayed = match bundle {
        Some(path) => {
            let saved = crate::bundle::read(path)?;
            for (file, sha256) in &evidence {
                match saved.files.iter().find(|f| &f.path == file) {
                    None => bail!(
                        "the report's evidence `{file}` is not in the bundle {}; replay needs every file that was judged",
                        path.display()
                    ),
                    Some(f) if !f.sha256.eq_ignore_ascii_case(sha256) => bail!(
                        "evidence `{file}` in the bundle {} is not the file that was judged: the report records sha256 {sha256}, the bundle {}",
                        path.display(),
                        f.sha256
                    ),
                    Some(_) => {}
                }
            }
            crate::check::evaluate(&config, |_| Ok(saved), options)?
        }
        None => {
            for (file, sha256) in &evidence {
                verify_file(&config.dir, file, sha256)?;
            }
            crate::check::check(&config, options)?
        }
    };

    let mut notes = Vec::new();
    let versions = [
        ("regops_version", replayed.regops_version),
        ("wasmtime_version", replayed.wasmtime_version),
    ];
    for (name, now) in versions {
        match report[name].as_str() {
            Some(then) if then != now => {
                notes.push(format!("{name}: recorded {then}, replayed with {now}"))
            }
            None => notes.push(format!("{name}: not recorded, replayed with {now}")),
            _ => {}
        }
    }
    for file in &replayed.config {
        let then = report["config"]
            .as_array()
            .and_then(|c| c.iter().find(|f| f["path"] == file.path.as_str()))
            .and_then(|f| f["sha256"].as_str());
        if then != Some(file.sha256.as_str()) {
            notes.push(format!(
                "configuration {} differs from the one recorded (sha256 {} now {})",
                file.path,
                then.unwrap_or("not recorded"),
                file.sha256
            ));
        }
    }

    let mut differences = Vec::new();
    let mut new_gates = serde_json::to_value(&replayed.gates)?;
    // A report from before `params_sha256` existed: compare what it has.
    if let Some(new) = new_gates.as_array_mut() {
        for (new, old) in new.iter_mut().zip(recorded_gates) {
            if let (Some(new), Some(old)) = (new.as_object_mut(), old.as_object()) {
                new.retain(|k, _| old.contains_key(k) || k != "params_sha256");
            }
        }
    }
    let recorded_json = Json::Array(recorded_gates.clone());
    if serde_json::to_string_pretty(&recorded_json)? != serde_json::to_string_pretty(&new_gates)? {
        diff("gates", &recorded_json, &new_gates, &mut differences);
        if differences.is_empty() {
            differences.push("gates: the JSON differs in formatting only".to_string());
        }
    }
    let new_evidence: Vec<(&str, &str)> = replayed
        .evidence
        .iter()
        .map(|e| (e.path.as_str(), e.sha256.as_str()))
        .collect();
    for (path, _) in &new_evidence {
        if !evidence.iter().any(|(p, _)| p == path) {
            differences.push(format!(
                "evidence[{path}]: not recorded, read in the replay"
            ));
        }
    }
    for (path, _) in &evidence {
        if !new_evidence.iter().any(|(p, _)| p == path) {
            differences.push(format!(
                "evidence[{path}]: recorded, not read in the replay"
            ));
        }
    }

    Ok(Replay {
        summary: format!(
            "replay of {display}: date {date}, class {}, gates {}; {} evidence file{} verified{}",
            field("safety_class")?,
            gates.join(", "),
            evidence.len(),
            if evidence.len() == 1 { "" } else { "s" },
            match bundle {
                Some(b) => format!(" in {}", b.display()),
                None => String::new(),
            }
        ),
        differences,
        notes,
    })
}

/// Refuses a recorded evidence file that is missing or not the same bytes.
fn verify_file(dir: &Path, file: &str, sha256: &str) -> anyhow::Result<()> {
    if file.starts_with("github:") {
        bail!(
            "the report's evidence `{file}` was not read from a file; replay it from the evidence bundle \
             saved with the report (`regops evidence > bundle.json`, then `--evidence-bundle bundle.json`)"
        );
    }
    let path = dir.join(file);
    let bytes = std::fs::read(&path).with_context(|| {
        format!("evidence `{file}` that the report lists cannot be read ({}); replay needs every file that was judged", path.display())
    })?;
    let now = crate::digest::sha256_hex(&bytes);
    if !now.eq_ignore_ascii_case(sha256) {
        bail!(
            "evidence `{file}` is not the file that was judged: the report records sha256 {sha256}, the file now has {now}; \
             restore it (or replay from a saved bundle with --evidence-bundle)"
        );
    }
    Ok(())
}

/// Lists where `new` differs from `old`, one `path: recorded …, replayed …` line each.
fn diff(path: &str, old: &Json, new: &Json, out: &mut Vec<String>) {
    const MAX: usize = 50;
    if out.len() >= MAX || old == new {
        return;
    }
    match (old, new) {
        (Json::Object(a), Json::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => diff(&format!("{path}.{k}"), v, w, out),
                    None => out.push(format!(
                        "{path}.{k}: recorded {}, absent in the replay",
                        short(v)
                    )),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) {
                    out.push(format!("{path}.{k}: not recorded, replayed {}", short(w)));
                }
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            // Gates and checks are keyed by `id`, parameters by `name`.
            let id = |v: &Json| {
                v.get("id")
                    .or_else(|| v.get("name"))
                    .and_then(Json::as_str)
                    .map(str::to_string)
            };
            if a.iter().chain(b).all(|v| id(v).is_some()) {
                for v in a {
                    let key = id(v).unwrap_or_default();
                    match b.iter().find(|w| id(w).as_deref() == Some(&key)) {
                        Some(w) => diff(&format!("{path}[{key}]"), v, w, out),
                        None => out.push(format!("{path}[{key}]: recorded, absent in the replay")),
                    }
                }
                for w in b {
                    let key = id(w).unwrap_or_default();
                    if !a.iter().any(|v| id(v).as_deref() == Some(&key)) {
                        out.push(format!(
                            "{path}[{key}]: not recorded, present in the replay"
                        ));
                    }
                }
            } else {
                for (i, (v, w)) in a.iter().zip(b).enumerate() {
                    diff(&format!("{path}[{i}]"), v, w, out);
                }
                if a.len() != b.len() {
                    out.push(format!(
                        "{path}: recorded {} items, replayed {}",
                        a.len(),
                        b.len()
                    ));
                }
            }
        }
        _ => out.push(format!(
            "{path}: recorded {}, replayed {}",
            short(old),
            short(new)
        )),
    }
}

/// A value as it reads in a difference line, cut at 120 characters.
fn short(v: &Json) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}

/// Replays and prints the outcome; the exit code of `regops check --replay`.
pub fn run(config: &Config, recorded: &Path, bundle: Option<&Path>) -> anyhow::Result<i32> {
    let replay = replay(config, recorded, bundle)?;
    print!("{}", replay.render());
    Ok(replay.exit_code())
}
