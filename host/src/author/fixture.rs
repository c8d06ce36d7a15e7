//! `regops policy test`: declarative fixtures judged through the production
//! path. Each `fixtures/<case>/fixture.toml` names evidence (files or a
//! bundle), configuration and a safety class, and the verdict it expects.
//! The case is laid out as a real project — its files, a `regops.toml`, the
//! component and a `regops.lock` pinning it — and judged by
//! [`crate::check::evaluate_in`]: the same loading, import allow-list, pin
//! check, parameter validation, limits and evaluation as `regops check`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

use super::{Manifest, toml_key, toml_value};
use crate::check::RunOptions;
use crate::config::{Config, Source};
use crate::policy::Sandbox;
use crate::report::GateReport;
use crate::waivers::Date;

/// What `regops policy test` was asked to do.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// The gate's directory.
    pub dir: PathBuf,
    /// Rewrite each fixture's `[expect]` with the verdict it got.
    pub update: bool,
    /// Judge this component instead of building the gate.
    pub component: Option<PathBuf>,
}

/// How the fixtures went.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TestSummary {
    pub passed: usize,
    /// Verdicts that differ from the expectation.
    pub failed: usize,
    /// Fixtures that could not be judged (bad configuration, evidence).
    pub errors: usize,
    /// Fixtures whose expectation `--update` rewrote.
    pub updated: usize,
}

impl TestSummary {
    /// 0: every fixture as expected; 1: a verdict differs; 2: a fixture could not run.
    pub fn exit_code(&self) -> i32 {
        if self.errors > 0 {
            2
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// One `fixture.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Fixture {
    #[serde(default)]
    description: Option<String>,
    safety_class: String,
    /// A `regops.evidence/v1` bundle judged instead of `[config.evidence]`.
    #[serde(default)]
    bundle: Option<String>,
    /// The date waivers are judged against (default: today).
    #[serde(default)]
    date: Option<String>,
    /// This gate's parameters at the fixture's class.
    #[serde(default)]
    params: Option<toml::Table>,
    /// Anything else `regops.toml` takes.
    #[serde(default)]
    config: Option<toml::Table>,
    #[serde(default)]
    expect: Option<Expect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expect {
    outcome: String,
    #[serde(default)]
    checks: Vec<ExpectCheck>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExpectCheck {
    id: String,
    outcome: String,
    /// Text the check's message must contain.
    #[serde(default)]
    message_contains: Option<String>,
}

/// Builds the gate (unless given a component) and judges every fixture.
pub fn test(options: &TestOptions, out: &mut dyn Write) -> anyhow::Result<TestSummary> {
    let dir = &options.dir;
    let manifest = Manifest::load(dir)?;
    let (component, bytes) = match &options.component {
        Some(path) => (
            path.clone(),
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => {
            let built = super::build(dir)?;
            super::report_build(&built);
            (built.path, built.bytes)
        }
    };
    let sha256 = crate::digest::sha256_hex(&bytes);
    let fixtures = find_fixtures(dir)?;
    writeln!(
        out,
        "fixtures of `{}`: {} ({} bytes, sha256 {})",
        manifest.gate,
        component.display(),
        bytes.len(),
        &sha256[..16]
    )?;

    // One sandbox per distinct limits: the component compiles once.
    let mut sandboxes: Vec<(String, Sandbox)> = Vec::new();
    let mut summary = TestSummary::default();
    for fixture_dir in &fixtures {
        let name = fixture_dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let fixture_file = fixture_dir.join("fixture.toml");
        let shown = fixture_file
            .strip_prefix(dir)
            .unwrap_or(&fixture_file)
            .display()
            .to_string();
        let result = run_one(
            &manifest,
            &bytes,
            &sha256,
            dir,
            fixture_dir,
            &name,
            &mut sandboxes,
        );
        let (fixture, text, report) = match result {
            Ok(ok) => ok,
            Err(e) => {
                summary.errors += 1;
                writeln!(out, "ERROR   {name}: {shown}: {e:#}")?;
                continue;
            }
        };
        let actual = Actual::from(&report);
        if options.update {
            let expect = actual.expect(fixture.expect.as_ref());
            let changed = fixture.expect.as_ref().is_none_or(|e| !actual.matches(e));
            if changed {
                std::fs::write(&fixture_file, replace_expect(&text, &expect))
                    .with_context(|| format!("writing {}", fixture_file.display()))?;
                summary.updated += 1;
                writeln!(
                    out,
                    "updated {name}: {} (review the change)",
                    actual.outcome
                )?;
            } else {
                summary.passed += 1;
                writeln!(out, "ok      {name}: {}", actual.outcome)?;
            }
            continue;
        }
        match &fixture.expect {
            Some(expect) if actual.matches(expect) => {
                summary.passed += 1;
                writeln!(out, "ok      {name}: {}", actual.outcome)?;
            }
            Some(expect) => {
                summary.failed += 1;
                if expect.outcome == actual.outcome {
                    writeln!(
                        out,
                        "FAILED  {name}: {}, but its checks differ",
                        actual.outcome
                    )?;
                } else {
                    writeln!(
                        out,
                        "FAILED  {name}: expected {}, got {}",
                        expect.outcome, actual.outcome
                    )?;
                }
                if let Some(description) = &fixture.description {
                    writeln!(out, "        {description}")?;
                }
                writeln!(out, "        --- expected ({shown})")?;
                writeln!(out, "        +++ actual")?;
                for line in diff(&expected_lines(expect), &actual.lines(expect)) {
                    writeln!(out, "        {line}")?;
                }
            }
            None => {
                summary.failed += 1;
                writeln!(
                    out,
                    "FAILED  {name}: {shown} has no [expect]; it got {}. Run `regops policy test --update` \
                     to record the verdict, then review it",
                    actual.outcome
                )?;
            }
        }
    }
    writeln!(
        out,
        "\nfixtures: {} passed, {} failed{}{}",
        summary.passed + summary.updated,
        summary.failed + summary.errors,
        if summary.errors > 0 {
            format!(" ({} could not be judged)", summary.errors)
        } else {
            String::new()
        },
        if summary.updated > 0 {
            format!("; {} expectations rewritten", summary.updated)
        } else {
            String::new()
        },
    )?;
    Ok(summary)
}

/// `fixtures/*/fixture.toml`, by name.
fn find_fixtures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let root = dir.join("fixtures");
    let entries = std::fs::read_dir(&root).with_context(|| {
        format!(
            "reading {}: a gate's fixtures are fixtures/<case>/fixture.toml",
            root.display()
        )
    })?;
    let mut fixtures: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("fixture.toml").is_file())
        .collect();
    fixtures.sort();
    if fixtures.is_empty() {
        bail!(
            "{} holds no fixture; add fixtures/<case>/fixture.toml (docs/authoring.md shows one)",
            root.display()
        );
    }
    Ok(fixtures)
}

/// Lays one fixture out as a project and judges it.
fn run_one(
    manifest: &Manifest,
    bytes: &[u8],
    sha256: &str,
    dir: &Path,
    fixture_dir: &Path,
    name: &str,
    sandboxes: &mut Vec<(String, Sandbox)>,
) -> anyhow::Result<(Fixture, String, GateReport)> {
    let fixture_file = fixture_dir.join("fixture.toml");
    let text = std::fs::read_to_string(&fixture_file)
        .with_context(|| format!("reading {}", fixture_file.display()))?;
    let fixture: Fixture =
        Source::new(fixture_file.display().to_string(), text.clone()).parse_toml()?;
    let class = match fixture.safety_class.as_str() {
        "A" | "B" | "C" => fixture.safety_class.clone(),
        other => bail!("`safety-class = \"{other}\"`: use \"A\", \"B\" or \"C\""),
    };

    // The project: the fixture's files, the component, its pin, regops.toml.
    let work = dir.join("target").join("regops-fixtures").join(name);
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    copy_dir(fixture_dir, &work)?;
    let component = format!("{}.wasm", manifest.gate);
    std::fs::write(work.join(&component), bytes)
        .with_context(|| format!("writing {}", work.join(&component).display()))?;
    std::fs::write(
        work.join(crate::lock::LOCKFILE),
        format!(
            "# Written by `regops policy test` for this fixture.\nversion = 1\n\n[[policy]]\nsource = {}\nsha256 = \"{sha256}\"\n",
            toml_value(&toml::Value::String(component.clone()))
        ),
    )?;
    let config_text = config_text(manifest, &fixture, &class, &component)?;
    let config_path = work.join("regops.toml");
    std::fs::write(&config_path, &config_text)
        .with_context(|| format!("writing {}", config_path.display()))?;

    let config = Config::load(&config_path)?;
    let date = match &fixture.date {
        Some(d) => Date::parse(d).with_context(|| format!("`date = \"{d}\"`: use YYYY-MM-DD"))?,
        None => Date::today(),
    };
    let key = format!("{:?}", config.limits);
    let sandbox = match sandboxes.iter().position(|(k, _)| *k == key) {
        Some(i) => &sandboxes[i].1,
        None => {
            sandboxes.push((key, Sandbox::new(config.limits)?));
            &sandboxes[sandboxes.len() - 1].1
        }
    };
    let options = RunOptions {
        date,
        gates: vec![manifest.gate.clone()],
    };
    let report = match &fixture.bundle {
        Some(bundle) => {
            let evidence = crate::bundle::read(&work.join(bundle))?;
            crate::check::evaluate_in(sandbox, &config, |_| Ok(evidence), options)?
        }
        None => crate::check::evaluate_in(
            sandbox,
            &config,
            |kinds| crate::check::gather(&config, kinds),
            options,
        )?,
    };
    let gate = report
        .gates
        .into_iter()
        .find(|g| g.id == manifest.gate)
        .context("the report has no verdict for the gate")?;
    Ok((fixture, text, gate))
}

/// The fixture's `regops.toml`: its `[config]`, with the product, the class,
/// this gate's policy and `[params]` filled in.
fn config_text(
    manifest: &Manifest,
    fixture: &Fixture,
    class: &str,
    component: &str,
) -> anyhow::Result<String> {
    let mut config = fixture.config.clone().unwrap_or_default();
    for key in ["safety-class"] {
        if config.contains_key(key) {
            bail!("[config] sets `{key}`; set it at the top of fixture.toml instead");
        }
    }
    config
        .entry("product")
        .or_insert_with(|| toml::Value::String("fixture".to_string()));
    config.insert(
        "safety-class".to_string(),
        toml::Value::String(class.to_string()),
    );
    let gates = table_at(&mut config, "gates", "[config.gates]")?;
    let gate = table_at(gates, &manifest.gate, "this gate's [config.gates] entry")?;
    if gate.contains_key("policy") {
        bail!(
            "[config.gates.{}] sets `policy`; the fixture judges the gate's own component, leave it out",
            manifest.gate
        );
    }
    gate.insert(
        "policy".to_string(),
        toml::Value::String(component.to_string()),
    );
    if let Some(params) = &fixture.params {
        let all = table_at(gate, "params", "this gate's params")?;
        let at_class = table_at(all, class, "this gate's params at the fixture's class")?;
        for (name, value) in params {
            at_class.insert(name.clone(), value.clone());
        }
    }
    let mut text = String::from("# Written by `regops policy test` from fixture.toml.\n");
    for (key, value) in &config {
        text.push_str(&format!("{} = {}\n", toml_key(key), toml_value(value)));
    }
    Ok(text)
}

/// The table under `key`, created when absent.
fn table_at<'a>(
    table: &'a mut toml::Table,
    key: &str,
    what: &str,
) -> anyhow::Result<&'a mut toml::Table> {
    table
        .entry(key)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .with_context(|| format!("{what} must be a table"))
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.with_context(|| format!("reading {}", from.display()))?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("creating {}", target.display()))?;
        } else if relative != Path::new("fixture.toml") {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The verdict a fixture got.
struct Actual {
    outcome: String,
    checks: Vec<(String, String, String)>,
}

impl Actual {
    fn from(report: &GateReport) -> Actual {
        Actual {
            outcome: report.outcome.as_str().to_string(),
            checks: report
                .checks
                .iter()
                .map(|c| {
                    (
                        c.id.clone(),
                        c.outcome.as_str().to_string(),
                        c.message.clone(),
                    )
                })
                .collect(),
        }
    }

    fn matches(&self, expect: &Expect) -> bool {
        expected_lines(expect) == self.lines(expect)
    }

    /// Its lines in the shape of `expected_lines`: a check's message is
    /// compared where the expectation names text it must contain.
    fn lines(&self, expect: &Expect) -> Vec<Line> {
        let mut lines = vec![Line::plain(format!("outcome = {}", self.outcome))];
        for (id, outcome, message) in &self.checks {
            let wanted = expect
                .checks
                .iter()
                .find(|c| c.id == *id)
                .and_then(|c| c.message_contains.as_ref());
            let key = match wanted {
                Some(text) if message.contains(text.as_str()) => {
                    format!("check {id} = {outcome}, message contains {text:?}")
                }
                Some(_) => format!("check {id} = {outcome}, message {message:?}"),
                None => format!("check {id} = {outcome}"),
            };
            lines.push(Line {
                key,
                note: Some(message.clone()),
            });
        }
        lines
    }

    /// The `[expect]` recording this verdict, keeping texts the old one
    /// expected in messages where they still hold.
    fn expect(&self, old: Option<&Expect>) -> String {
        let mut text = format!(
            "[expect]\noutcome = {}\nchecks = [\n",
            toml_value(&toml::Value::String(self.outcome.clone()))
        );
        for (id, outcome, message) in &self.checks {
            let kept = old
                .and_then(|e| e.checks.iter().find(|c| c.id == *id))
                .and_then(|c| c.message_contains.as_ref())
                .filter(|t| message.contains(t.as_str()));
            let string = |s: &str| toml_value(&toml::Value::String(s.to_string()));
            text.push_str(&format!(
                "  {{ id = {}, outcome = {}{} }},\n",
                string(id),
                string(outcome),
                kept.map(|t| format!(", message-contains = {}", string(t)))
                    .unwrap_or_default()
            ));
        }
        text.push_str("]\n");
        text
    }
}

/// A line of the comparison; `note` (a check's message) is shown, not compared.
#[derive(Debug, Clone)]
struct Line {
    key: String,
    note: Option<String>,
}

impl Line {
    fn plain(key: String) -> Line {
        Line { key, note: None }
    }
}

impl PartialEq for Line {
    fn eq(&self, other: &Line) -> bool {
        self.key == other.key
    }
}

fn expected_lines(expect: &Expect) -> Vec<Line> {
    let mut lines = vec![Line::plain(format!("outcome = {}", expect.outcome))];
    for check in &expect.checks {
        lines.push(Line::plain(match &check.message_contains {
            Some(text) => format!(
                "check {} = {}, message contains {text:?}",
                check.id, check.outcome
            ),
            None => format!("check {} = {}", check.id, check.outcome),
        }));
    }
    lines
}

/// A line diff (longest common subsequence): `  ` same, `- ` expected
/// only, `+ ` actual only, with the actual check's message beside it.
fn diff(expected: &[Line], actual: &[Line]) -> Vec<String> {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let added = |line: &Line| match &line.note {
        Some(note) => format!("+ {}    # {}", line.key, one_line(note)),
        None => format!("+ {}", line.key),
    };
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            out.push(format!("  {}", expected[i].key));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", expected[i].key));
            i += 1;
        } else {
            out.push(added(&actual[j]));
            j += 1;
        }
    }
    out
}

/// A message on one line, cut at 160 characters.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// `text` with its `[expect]` table (to the next table header, or the end)
/// replaced by `expect`, or `expect` appended.
fn replace_expect(text: &str, expect: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let is_header = |l: &str| {
        let l = l.trim_start();
        l.starts_with('[') && l[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '[')
    };
    let Some(start) = lines.iter().position(|l| l.trim() == "[expect]") else {
        let mut out = text.trim_end().to_string();
        out.push_str(
            "\n\n# Written by `regops policy test --update`; review the change like code.\n",
        );
        out.push_str(expect);
        return out;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| is_header(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut out = lines[..start].join("\n");
    if start > 0 {
        out.push('\n');
    }
    out.push_str(expect);
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].join("\n"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_expect_keeps_what_surrounds_it() {
        let text = "a = 1\n\n[expect]\noutcome = \"pass\"\nchecks = [\n  { id = \"x\", outcome = \"pass\" },\n]\n\n[config.evidence]\ntests = [\"j.xml\"]\n";
        let new = replace_expect(text, "[expect]\noutcome = \"fail\"\nchecks = [\n]\n");
        assert_eq!(
            new,
            "a = 1\n\n[expect]\noutcome = \"fail\"\nchecks = [\n]\n\n[config.evidence]\ntests = [\"j.xml\"]\n"
        );
        let appended = replace_expect("a = 1\n", "[expect]\noutcome = \"pass\"\n");
        assert!(appended.starts_with("a = 1\n\n# Written by"));
        assert!(appended.ends_with("[expect]\noutcome = \"pass\"\n"));
    }

    #[test]
    fn diff_marks_changed_checks_with_their_messages() {
        let expect = Expect {
            outcome: "pass".into(),
            checks: vec![ExpectCheck {
                id: "tests-pass".into(),
                outcome: "pass".into(),
                message_contains: None,
            }],
        };
        let actual = Actual {
            outcome: "fail".into(),
            checks: vec![("tests-pass".into(), "fail".into(), "1 test\nfailed".into())],
        };
        assert!(!actual.matches(&expect));
        assert_eq!(
            diff(&expected_lines(&expect), &actual.lines(&expect)),
            vec![
                "- outcome = pass",
                "- check tests-pass = pass",
                "+ outcome = fail",
                "+ check tests-pass = fail    # 1 test failed",
            ]
        );
    }
}
