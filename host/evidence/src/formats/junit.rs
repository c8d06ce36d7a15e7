//! JUnit XML, in the dialects real tools write.
//!
//! The file is streamed with quick-xml (one reused event buffer, an explicit
//! element stack instead of recursion), so a report with 100k+ test cases is
//! never held in memory; each case is emitted when its `</testcase>` is read.
//!
//! What is read:
//!
//! * Root `<testsuites>` or `<testsuite>`; `<testsuite>` nested in
//!   `<testsuite>` (Surefire, gtest-style aggregators, jest) to any depth up to
//!   [`MAX_DEPTH`] elements.
//! * `<testcase classname name file line time>`. `suite` is `classname` when
//!   non-empty, else the name of the nearest enclosing `<testsuite>` (else
//!   `<testsuites>`); `id` is `suite::name`. node:test's reporter writes
//!   `classname="test"` on every case under a root `<testsuites>` without
//!   attributes: there the suite is the enclosing `<testsuite>` names
//!   (its describe blocks and parent tests), joined with ` > `. `bun test`
//!   (root `<testsuites name="bun test">`) writes the describe blocks in the
//!   classname innermost first (bun 1.2 also escaped them twice): when it is
//!   the enclosing describe `<testsuite>`s so reversed, the suite is them
//!   outermost first. `source` is set only when a `file` attribute is
//!   present (pytest xunit1, jest-junit, gtest), with `line` when given, or
//!   in a `deno test` report (root `<testsuites name="deno test">`) from the
//!   `classname`, the test's module (not deno's own `ext:` modules). pytest
//!   writes `line` 0-based (pointing at the first decorator), so
//!   in a pytest suite (one named `pytest` or `pytest tests`, pytest's
//!   defaults, or inside one; per suite, as `junitparser merge` puts other
//!   writers' suites beside pytest's) 1 is added; elsewhere `line="0"`
//!   means unknown.
//!   A case without `file` takes the `file` and `line` of its first outcome
//!   element that has them (Catch2 writes where the assertion failed).
//! * Outcome elements: `<failure>` → failed, `<error>` → errored, `<skipped>`
//!   → skipped; Surefire reruns: `<rerunFailure>` / `<rerunError>` → failed /
//!   errored, `<flakyFailure>` / `<flakyError>` → passed with `flaky = true`
//!   (unless a failure or error is also recorded). gtest's `status="notrun"`
//!   and `result="skipped"` / `result="suppressed"` attributes → skipped. When
//!   a case records several outcomes the worst wins: errored > failed >
//!   skipped > passed. CTest writes a test it could not run (no executable,
//!   a failed fixture, missing required files) as `status="notrun"` with a
//!   `<skipped message>`, like a real skip: with no `result` attribute
//!   (gtest's), such a case is errored, message `not run: …`, unless the
//!   message is one of CTest's skip reasons (`SKIP_RETURN_CODE=…`,
//!   `SKIP_REGULAR_EXPRESSION_MATCHED`); CTest counts them as failed too.
//!   Ant `<junitlauncher>`'s `<aborted>` (an assumption that did not hold)
//!   → skipped; PHPUnit's `<warning>` → failed, message `warning: …`.
//! * pytest writes a test that fails and then errors in its teardown as two
//!   `<testcase>` elements in a row with one name: in a pytest report they
//!   are one record, with the worse status and both messages (`…; then …`),
//!   when both are in one `<testsuite>` (a merged file's next suite is
//!   another run).
//!   pytest-rerunfailures writes each failed attempt before the last as an
//!   empty `<testcase>` of the same name: the last attempt decides the
//!   status, and a test that passed after failed attempts is flaky.
//! * gotestsum's `--rerun-fails` writes each attempt as another case of the
//!   same name in the package's suite (one with a `go.version` property),
//!   anywhere in it: when every repeated test failed in all attempts but
//!   the last, each is one record, the last attempt deciding and a pass
//!   after failures flaky. `go test -count=N` repeats passing tests too;
//!   then the records stay as written.
//! * TAP::Formatter::JUnit writes `ok N # SKIP` and `not ok N # TODO` as
//!   bare passing cases; the script's TAP in the suite's `<system-out>`
//!   says what they were: skipped (see `TapScan`). Its `prove --timer`
//!   cases `(init)` / `(teardown)` are dropped, and a `Bail out!` warned
//!   of. TAP::Harness::JUnit's made-up cases for a script that died or
//!   missed its plan are errored (`tap_harness_script_failure`).
//! * minitest-reporters writes the test's name as each outcome's `type`:
//!   no message. Its `Minitest::Result` classname (the test classes lost)
//!   gives a warning.
//! * node-tap marks a skipped or todo test with a `<property name="skip">`
//!   or `name="todo"` (the reason its value) and no `<skipped>`: skipped.
//! * cmocka writes a test whose setup or teardown function failed as a
//!   bare `<failure>` whose whole text is `Test setup failed` / `Test
//!   teardown failed`, and counts it in `errors`: errored. With one
//!   CMOCKA_XML_FILE for several groups it appends each group as another
//!   `<testsuites>` root without attributes: such a run of roots is read
//!   whole, with a warning. CppUTest writes each line break of a
//!   `<failure type="AssertionFailedError">` message as `{newline}`: read
//!   as a line break.
//! * Qt Test (a suite with a `QTestVersion` property) writes a `QSKIP` in
//!   `initTestCase` only as a comment in the case, `<!-- type="skip"
//!   message="…" -->`: skipped, with that message.
//! * `message`: the deciding element's `message` attribute, trimmed
//!   (Surefire starts some with a line break), else the first non-empty
//!   line of its text (CDATA included) that says more than the test's name
//!   (PHPUnit) or `FAILED:` (Catch2), a `.phpt` test's name glued to its
//!   start dropped (PHPUnit), else its `type` attribute; cut to 500
//!   characters. A flaky case keeps the message of its first
//!   flaky failure, so reviewers see what went wrong before the rerun.
//! * `time` in seconds: `1.5`, `1,234.5` and `1,234` (thousands separator),
//!   `1,5` and `0,123` (decimal comma) are read; a missing or unreadable time
//!   gives no duration.
//!   Milliseconds are rounded.
//! * Requirement ids: `<property name value>` (or the value as element text)
//!   whose name is one of `Options::requirement_properties`, compared without
//!   case, inside `<testcase><properties>` (pytest's `record_property`) and
//!   inside `<testsuite><properties>` (applies to every case of that suite,
//!   nested suites included, whether the properties come before the cases
//!   or after them, as Robot Framework writes them). A value may
//!   hold several ids separated by commas, semicolons or spaces; brackets and
//!   quotes around them are dropped, so pytest's rendering of a Python list
//!   (`['REQ-1', 'REQ-2']`) works. Order: the case's own properties, the
//!   enclosing suites' (outermost first), then matches of
//!   `Options::requirement_pattern` in the test name and in the suite (the
//!   classname, or what stands for it above). Duplicates are dropped, first
//!   occurrence kept.
//! * `<failure>` / `<error>` directly inside a `<testsuite>` (CTest, collection
//!   errors): a test case `suite::suite` is synthesised with that status (and
//!   counted like any case), and a warning says so. A `<skipped>` directly in
//!   a suite says nothing about any case and is ignored.
//!
//! Inconsistencies resolved, each reported as a warning:
//!
//! * Summary attributes (`tests`, `failures`, `errors`, `skipped` or `skips`)
//!   that disagree with the cases found (nested suites aggregated into their
//!   parents): the counted values are used; one warning per file names the
//!   first such suite and how many more there are. gtest's `disabled` is added
//!   to `skipped` (its not-run cases are skips here); gtest's root has
//!   `disabled` without `skipped`, so no skip count is checked there.
//!   Unreadable summary attributes are not checked. When the root's `tests`
//!   exceeds the cases found by exactly the skipped, failures and errors it
//!   counts beyond them, the report left those cases out
//!   (mocha-junit-reporter does so for pending tests unless `includePending`
//!   is set): each becomes a record `root::(<status> test not listed in the
//!   report, n of m)` with that status, so skips and failures are not lost,
//!   and the warning says so instead. More than [`MAX_UNLISTED`] missing
//!   cases are one errored record instead: no reporter leaves that many
//!   out, and a record each could exhaust memory. When a suite's `tests`
//!   equals the cases found (nested suites' included) but its `failures` +
//!   `errors` exceed their failed + errored, the excess is one record per
//!   status (`suite::(N errors outside any test case)`): gotestsum writes a
//!   package that fails to build that way on the root, old
//!   TAP::Formatter::JUnit a script that died after its tests on the
//!   script's suite. The sum is compared, as some writers count a
//!   `<failure>` as an error; an enclosing suite finds the record's count
//!   among its cases', so it is not made twice.
//!   Surefire counts each rerun attempt as a test: where counting the
//!   `<rerun…>` / `<flaky…>` elements so makes a suite agree, that is the
//!   count checked. PHPUnit's `warnings` are added to `failures`.
//! * Ids that repeat within a file (the same test in two Playwright
//!   projects, a repeated title): kept, one warning counts them.
//! * No test cases at all: an empty list.
//! * Bytes that are not UTF-8 in attributes or messages: replaced with U+FFFD.
//!
//! Refused: a DOCTYPE that declares entities (entity expansion and external
//! entities are the billion-laughs and XXE attacks; quick-xml never expands
//! them, and regops does not silently drop what the producer meant either),
//! references to undeclared entities, a root other than `<testsuites>` /
//! `<testsuite>`, a file that ends inside an element (truncated), a second root
//! element (but for cmocka's bare `<testsuites>` roots), and nesting deeper
//! than [`MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseContext;
use super::truncate_chars;
use super::xml::{MAX_FAST_ATTRIBUTES, XmlReader, push_capped, split_attributes};
use crate::error::FormatError;
use crate::model::{Location, TestCase, TestLevel, TestStatus};

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;
/// Cases a report's summary counts but does not list that are recorded one
/// by one ([`Parser::unlisted_cases`]); more fail the report closed.
const MAX_UNLISTED: u64 = 10_000;
/// Messages are cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from an element to find its first line or property value.
const MAX_COLLECTED_BYTES: usize = 4096;
/// A line of TAP in a suite's `<system-out>` longer than this is not read
/// for its directive.
const MAX_TAP_LINE_BYTES: usize = 16 * 1024;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<TestCase>,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let first_case = out.len();
    let mut parser = Parser {
        ctx,
        out,
        stack: Vec::new(),
        case: None,
        root_seen: false,
        root_closed: false,
        roots: 0,
        first_case,
        rerun_attempts: 0,
        id_hashes: Vec::new(),
        bare_root: false,
        runtime: None,
        cases: 0,
        mismatches: Vec::new(),
        suite_ids: Default::default(),
        minitest_result: false,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.next(&mut buf)? {
            Event::Start(e) => parser.start(&xml, &e)?,
            Event::Empty(e) => {
                parser.start(&xml, &e)?;
                parser.end(&xml)?;
            }
            Event::End(_) => parser.end(&xml)?,
            Event::Text(t) if parser.wants_text() => {
                let text = xml.text(&t)?;
                parser.text(&text);
            }
            Event::CData(c) if parser.wants_text() => {
                let text = xml.decode(&c);
                parser.text(&text);
            }
            Event::Comment(c) if parser.wants_comment() => {
                let text = xml.decode(&c);
                parser.qt_skip_comment(&text);
            }
            Event::DocType(d) => xml.check_doctype(&d)?,
            Event::Eof => break,
            _ => {}
        }
    }
    xml.check_complete(
        parser.stack.last().map(|f| f.tag.as_str()),
        parser.root_seen,
        "<testsuite> or <testsuites>",
    )?;
    parser.finish();
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

/// Counts of cases by status.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    total: u64,
    failed: u64,
    errored: u64,
    skipped: u64,
}

impl Counts {
    fn add_status(&mut self, status: TestStatus) {
        self.total += 1;
        match status {
            TestStatus::Failed => self.failed += 1,
            TestStatus::Errored => self.errored += 1,
            TestStatus::Skipped => self.skipped += 1,
            TestStatus::Passed => {}
        }
    }

    fn add(&mut self, other: Counts) {
        // Saturating: a record made for a hostile summary count stands for
        // that many failures.
        self.total = self.total.saturating_add(other.total);
        self.failed = self.failed.saturating_add(other.failed);
        self.errored = self.errored.saturating_add(other.errored);
        self.skipped = self.skipped.saturating_add(other.skipped);
    }
}

/// The summary attributes a suite declares.
#[derive(Debug, Default)]
struct Declared {
    tests: Option<u64>,
    failures: Option<u64>,
    errors: Option<u64>,
    skipped: Option<u64>,
}

#[derive(Debug)]
struct Suite {
    /// `testsuites` or `testsuite`.
    is_suites: bool,
    name: String,
    declared: Declared,
    counted: Counts,
    /// Surefire's rerun attempts of the cases counted, which its summary
    /// counts as tests of their own.
    attempts: Counts,
    /// Requirement ids from the suite's own properties.
    requirements: Vec<String>,
    /// Where the suite's cases start in `out`.
    first_case: usize,
    /// A Go package as gotestsum writes it (a `go.version` property).
    go: bool,
    /// A Qt Test class (a `QTestVersion` property).
    qt: bool,
    /// Named `pytest` or `pytest tests`, pytest's defaults.
    pytest: bool,
    /// Its first `<system-out>` was looked at for TAP ([`TapScan`]). Only
    /// that one is: TAP::Formatter::JUnit writes one per suite, and each
    /// look walks all the suite's records, so a suite of n cases and n
    /// `<system-out>`s took time in n² (1 MB of XML: minutes; found by
    /// fuzzing, `fuzz/regressions/junit/`).
    tap_read: bool,
}

impl Suite {
    /// The suite of a record made for something this suite's summary
    /// counts outside its cases.
    fn record_suite(&self) -> String {
        if self.name.trim().is_empty() {
            "(report)".to_string()
        } else {
            self.name.clone()
        }
    }
}

/// JavaScript runtimes whose test runners write JUnit of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsRuntime {
    Bun,
    Deno,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Case,
    Suite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Status(TestStatus),
    /// Failed, then passed on a rerun.
    Flaky,
}

#[derive(Debug)]
struct OutcomeElement {
    outcome: Outcome,
    /// For Surefire's `<rerun…>` and `<flaky…>`: the status of that one
    /// extra attempt, which Surefire's summary counts as a test.
    attempt: Option<TestStatus>,
    /// PHPUnit's `<warning>`: failed here, and its message says so.
    warning: bool,
    owner: Owner,
    message: Option<String>,
    kind: Option<String>,
    /// Text collected when there is no `message` attribute.
    text: Option<String>,
    /// Where the assertion failed (Catch2's `file` and `line`).
    location: Option<Location>,
}

#[derive(Debug)]
struct Property {
    owner: Owner,
    /// Its name is a requirement property; its value is not known yet.
    text: Option<String>,
}

#[derive(Debug)]
enum FrameKind {
    Suite(Box<Suite>),
    Case,
    Outcome(Box<OutcomeElement>),
    Properties(Owner),
    Property(Property),
    /// A `<system-out>` holding the script's TAP, as TAP::Formatter::JUnit
    /// writes it (see [`TapScan`]).
    TapOut(Box<TapScan>),
    Other,
}

/// TAP::Formatter::JUnit (`prove --formatter TAP::Formatter::JUnit`)
/// writes one `<testsuite>` per test script under a `<testsuites>` root
/// without attributes, each TAP test as a `<testcase>` named by its number
/// and description (`6`, `1 - rate`), without `classname`, and the script's
/// raw TAP in the suite's `<system-out>` after the cases. A `# SKIP` test,
/// and a `not ok … # TODO` one (an expected failure, which TAP does not
/// count as failed), it writes as a bare passing case: only that TAP says
/// so. The scan reads those directives back, by test number; `prove
/// --timer`'s `(init)` and `(teardown)` cases (the script's start-up and
/// exit time, no tests) and a `Bail out!` line are noted too.
#[derive(Debug, Default)]
struct TapScan {
    /// The suite's records by TAP test number (index into `out`).
    numbers: HashMap<u64, usize>,
    /// The line read so far, and whether it was too long to keep.
    partial: String,
    overflow: bool,
    /// The number the next test line without one gets.
    next: u64,
    /// A plan, test or bail-out line was read: the output is TAP.
    seen_tap: bool,
    /// Records to mark skipped, with their message.
    skips: Vec<(usize, String)>,
    /// The reason of a `Bail out!`.
    bail_out: Option<String>,
}

impl TapScan {
    fn feed(&mut self, text: &str) {
        for piece in text.split_inclusive('\n') {
            if self.partial.len() + piece.len() <= MAX_TAP_LINE_BYTES {
                self.partial.push_str(piece);
            } else {
                self.overflow = true;
            }
            if piece.ends_with('\n') {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        let line = std::mem::take(&mut self.partial);
        if !std::mem::take(&mut self.overflow) {
            self.line(line.trim_end_matches(['\n', '\r']));
        }
    }

    /// One line of the script's TAP; indented lines (subtests, YAML
    /// diagnostics) are not the script's own tests.
    fn line(&mut self, line: &str) {
        if let Some(reason) = line.strip_prefix("Bail out!") {
            self.seen_tap = true;
            self.bail_out
                .get_or_insert_with(|| reason.trim().to_string());
            return;
        }
        if line.starts_with("1..") {
            self.seen_tap = true;
            return;
        }
        let (ok, rest) = if let Some(rest) = line.strip_prefix("not ok") {
            (false, rest)
        } else if let Some(rest) = line.strip_prefix("ok") {
            (true, rest)
        } else {
            return;
        };
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            return;
        }
        self.seen_tap = true;
        let rest = rest.trim_start();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number = rest[..digits].parse().unwrap_or(self.next);
        self.next = number.saturating_add(1);
        let Some((directive, reason)) = tap_directive(&rest[digits..]) else {
            return;
        };
        // `ok … # TODO` (a TODO test that passed) the formatter writes as
        // an `<error type="TodoTestSucceeded">` unless ALLOW_PASSING_TODOS
        // is set; that reading stands.
        if directive == "todo" && ok {
            return;
        }
        // Each case once, however often its number repeats.
        if let Some(index) = self.numbers.remove(&number) {
            let message = if reason.is_empty() {
                directive.to_string()
            } else {
                format!("{directive}: {reason}")
            };
            self.skips
                .push((index, truncate_chars(&message, MAX_MESSAGE_CHARS)));
        }
    }
}

/// A TAP test line's `# SKIP …` / `# TODO …` directive (any case; `SKIP`
/// may run on, as `skipped`), after the test number: the first `#` not
/// escaped as `\#` that starts one.
fn tap_directive(text: &str) -> Option<(&'static str, &str)> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if c == '#' && !escaped {
            let after = text[i + 1..].trim_start();
            // TAP::Parser: `SKIP\S*`, `TODO\b`.
            let run_end = after.find(char::is_whitespace).unwrap_or(after.len());
            if after[..run_end].to_ascii_lowercase().starts_with("skip") {
                return Some(("skip", after[run_end..].trim()));
            }
            let word_end = after
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(after.len());
            if after[..word_end].eq_ignore_ascii_case("todo") {
                return Some(("todo", after[word_end..].trim()));
            }
        }
        escaped = c == '\\' && !escaped;
    }
    None
}

#[derive(Debug)]
struct Frame {
    /// Local element name, for error messages.
    tag: String,
    kind: FrameKind,
}

#[derive(Debug)]
struct Case {
    suite: String,
    name: String,
    source: Option<Location>,
    duration_ms: Option<u64>,
    status: TestStatus,
    message: Option<String>,
    flaky_message: Option<Option<String>>,
    requirements: Vec<String>,
    /// `status="notrun"` without gtest's `result` attribute: CTest's mark
    /// for a test it skipped or could not run (see [`Case::ctest_not_run`]).
    not_run_mark: bool,
    /// Counted as skipped in the suites' summary attributes, as CTest
    /// counts a test it could not run, though it is errored here.
    skipped_in_summary: bool,
    /// Surefire's reruns of this case, each of which its summary counts.
    attempts: Counts,
}

impl Case {
    /// A record for something the report counts but holds in no test case.
    fn synthetic(suite: String, name: String, status: TestStatus, message: Option<String>) -> Case {
        Case {
            suite,
            name,
            source: None,
            duration_ms: None,
            status,
            message,
            flaky_message: None,
            requirements: Vec::new(),
            not_run_mark: false,
            skipped_in_summary: false,
            attempts: Counts::default(),
        }
    }

    fn record(&mut self, status: TestStatus, message: Option<String>) {
        if status > self.status {
            self.status = status;
            self.message = message;
        } else if status == self.status && self.message.is_none() {
            self.message = message;
        }
    }

    /// CTest writes a test it could not run (no executable, a failed
    /// fixture, missing required files) as `status="notrun"` with a
    /// `<skipped>` element, exactly like a test that skipped itself; only
    /// the message tells them apart. CTest counts the first kind as failed
    /// ("Not Run"), and so does this: errored, unless the message is one of
    /// CTest's own skip reasons (`SKIP_RETURN_CODE=…`,
    /// `SKIP_REGULAR_EXPRESSION_MATCHED`).
    fn ctest_not_run(&mut self) {
        if !self.not_run_mark || self.status != TestStatus::Skipped {
            return;
        }
        if let Some(reason) = &self.message
            && !reason.trim_start().starts_with("SKIP_")
        {
            self.status = TestStatus::Errored;
            self.message = Some(format!("not run: {reason}"));
            self.skipped_in_summary = true;
        }
    }
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    stack: Vec<Frame>,
    case: Option<Case>,
    root_seen: bool,
    root_closed: bool,
    /// Root elements read: more than one only as cmocka writes them (see
    /// [`Parser::start`]).
    roots: u32,
    /// Where this file's cases start in `out`.
    first_case: usize,
    /// Attempts of the last case that pytest-rerunfailures reran.
    rerun_attempts: u32,
    /// A hash of every id emitted, to find ids that repeat at the end.
    id_hashes: Vec<u64>,
    /// The root is a `<testsuites>` without attributes, as node:test's
    /// reporter writes it (see [`Parser::case_start`]).
    bare_root: bool,
    /// The report comes from `bun test` or `deno test`, which name their
    /// root `<testsuites>` so (see [`Parser::case_start`]).
    runtime: Option<JsRuntime>,
    cases: u64,
    /// Descriptions of suites whose summary attributes disagree with the count.
    mismatches: Vec<String>,
    /// The last case's suite and the ids the pattern found in it:
    /// consecutive cases mostly share one, so it is searched once.
    suite_ids: (String, Vec<String>),
    /// A case's `classname` is `Minitest::Result` (see [`Parser::finish`]).
    minitest_result: bool,
}

impl Parser<'_, '_, '_> {
    fn wants_text(&self) -> bool {
        match self.stack.last().map(|f| &f.kind) {
            Some(FrameKind::Outcome(o)) => o.text.is_some(),
            Some(FrameKind::Property(p)) => p.text.is_some(),
            Some(FrameKind::TapOut(_)) => true,
            _ => false,
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(FrameKind::TapOut(scan)) = self.stack.last_mut().map(|f| &mut f.kind) {
            scan.feed(text);
            return;
        }
        let target = match self.stack.last_mut().map(|f| &mut f.kind) {
            Some(FrameKind::Outcome(o)) => o.text.as_mut(),
            Some(FrameKind::Property(p)) => p.text.as_mut(),
            _ => None,
        };
        if let Some(collected) = target {
            push_capped(collected, text, MAX_COLLECTED_BYTES);
        }
    }

    /// A comment directly in a case of a Qt Test class.
    fn wants_comment(&self) -> bool {
        matches!(self.stack.last().map(|f| &f.kind), Some(FrameKind::Case))
            && self
                .stack
                .iter()
                .any(|f| matches!(&f.kind, FrameKind::Suite(s) if s.qt))
    }

    /// Qt Test writes a `QSKIP` in `initTestCase` (which skips the whole
    /// class) only as a comment in the case, `<!-- type="skip"
    /// message="…" -->`, the way it writes its log messages: read as a
    /// `<skipped>`, or the class would read as passed.
    fn qt_skip_comment(&mut self, text: &str) {
        let mut pairs: [(&[u8], &[u8]); MAX_FAST_ATTRIBUTES] = [(&[], &[]); MAX_FAST_ATTRIBUTES];
        let Some(split) = split_attributes(text.as_bytes(), &mut pairs) else {
            return;
        };
        let value = |key: &[u8]| {
            let raw = pairs.iter().take(split.n).find(|(k, _)| *k == key)?.1;
            let raw = std::str::from_utf8(raw).ok()?;
            Some(quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), Cow::into_owned))
        };
        if value(b"type").as_deref() != Some("skip") {
            return;
        }
        let message = value(b"message")
            .map(|m| truncate_chars(m.trim(), MAX_MESSAGE_CHARS))
            .filter(|m| !m.is_empty());
        if let Some(case) = self.case.as_mut() {
            case.record(TestStatus::Skipped, message);
        }
    }

    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let tag = String::from_utf8_lossy(local.as_ref()).into_owned();
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml.error_at_event(format!(
                "elements are nested more than {MAX_DEPTH} levels deep at <{tag}>"
            )));
        }
        if self.stack.is_empty() {
            let bare_suites = tag == "testsuites" && e.attributes_raw().trim_ascii().is_empty();
            // cmocka writes each test group as a `<testsuites>` document
            // of its own, without attributes, and appends every group
            // after the first to the one CMOCKA_XML_FILE (its
            // documentation says so): a run of bare `<testsuites>` roots is
            // that whole run, and refusing it, or stopping at the first,
            // would lose groups. Any other second root is refused. While
            // every root so far is bare, `bare_root` is still set.
            if self.root_closed && !(bare_suites && self.bare_root) {
                return Err(xml.error_at_event(format!(
                    "a second root element <{tag}> follows the first one; expected the end of the file"
                )));
            }
            self.roots += 1;
            if tag != "testsuites" && tag != "testsuite" {
                return Err(xml.error_at_event(format!(
                    "expected <testsuite> or <testsuites> as the root element, found <{tag}>"
                )));
            }
            self.root_seen = true;
            self.bare_root = bare_suites;
        }
        let parent = self.stack.last().map(|f| &f.kind);
        let mut tap_looked = false;
        let kind = match (tag.as_str(), parent) {
            ("testsuites" | "testsuite", _) if self.case.is_none() => {
                let mut frame = Self::suite_frame(xml, e, tag == "testsuites")?;
                if let FrameKind::Suite(suite) = &mut frame {
                    suite.first_case = self.out.len();
                    suite.pytest = matches!(suite.name.as_str(), "pytest" | "pytest tests");
                }
                if let (true, FrameKind::Suite(suite)) = (self.stack.is_empty(), &frame)
                    && suite.is_suites
                {
                    self.runtime = match suite.name.as_str() {
                        "bun test" => Some(JsRuntime::Bun),
                        "deno test" => Some(JsRuntime::Deno),
                        _ => None,
                    };
                }
                frame
            }
            ("testcase", _) => {
                if self.case.is_some() {
                    return Err(xml.error_at_event(
                        "<testcase> inside another <testcase>; expected </testcase> first"
                            .to_string(),
                    ));
                }
                self.case = Some(self.case_start(xml, e)?);
                FrameKind::Case
            }
            (name, Some(FrameKind::Case | FrameKind::Suite(_))) if outcome_of(name).is_some() => {
                let owner = match parent {
                    Some(FrameKind::Case) => Owner::Case,
                    _ => Owner::Suite,
                };
                let mut element = OutcomeElement {
                    outcome: outcome_of(name).unwrap_or(Outcome::Status(TestStatus::Failed)),
                    attempt: attempt_of(name),
                    warning: name == "warning",
                    owner,
                    message: None,
                    kind: None,
                    text: None,
                    location: None,
                };
                let (mut file, mut line) = (None, None);
                xml.for_each_attribute(e, |key, value| {
                    match key {
                        // Surefire starts some messages with a line break.
                        b"message" if !value.trim().is_empty() => {
                            element.message = Some(value.trim().to_string())
                        }
                        b"type" if !value.trim().is_empty() => {
                            element.kind = Some(value.into_owned())
                        }
                        b"file" if !value.trim().is_empty() => file = Some(value.into_owned()),
                        b"line" => line = value.trim().parse::<u32>().ok().filter(|l| *l > 0),
                        _ => {}
                    }
                    Ok(())
                })?;
                element.location = file.map(|file| Location {
                    file,
                    line,
                    column: None,
                });
                // CppUTest writes every line break of a failure's message
                // as the text `{newline}` (in `<failure message="file:line:
                // …" type="AssertionFailedError">`); gtest's and the
                // others' messages hold real line breaks.
                if element.kind.as_deref() == Some("AssertionFailedError")
                    && let Some(m) = element.message.as_mut()
                    && m.contains("{newline}")
                {
                    *m = m.replace("{newline}", "\n").trim().to_string();
                }
                if element.message.is_none() {
                    element.text = Some(String::new());
                }
                FrameKind::Outcome(Box::new(element))
            }
            ("system-out", Some(FrameKind::Suite(suite)))
                if self.bare_root && !suite.is_suites && !suite.tap_read =>
            {
                tap_looked = true;
                match self.tap_scan(suite.first_case, &suite.name) {
                    Some(scan) => FrameKind::TapOut(Box::new(scan)),
                    None => FrameKind::Other,
                }
            }
            ("properties", Some(FrameKind::Case)) => FrameKind::Properties(Owner::Case),
            ("properties", Some(FrameKind::Suite(_))) => FrameKind::Properties(Owner::Suite),
            ("property", Some(FrameKind::Properties(owner))) => {
                let owner = *owner;
                let mut wanted = false;
                let mut tap_mark = None;
                let mut go_version = false;
                let mut qt_version = false;
                let mut value = None;
                let names = &self.ctx.options.requirement_properties;
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"name" => {
                            let name = v.trim();
                            go_version = name == "go.version";
                            qt_version = name == "QTestVersion";
                            wanted = names.iter().any(|p| p.eq_ignore_ascii_case(name));
                            tap_mark = ["skip", "todo"]
                                .into_iter()
                                .find(|mark| mark.eq_ignore_ascii_case(name));
                        }
                        b"value" => value = Some(v.into_owned()),
                        _ => {}
                    }
                    Ok(())
                })?;
                if go_version
                    && owner == Owner::Suite
                    && let Some(suite) = self.innermost_suite()
                {
                    suite.go = true;
                }
                if qt_version
                    && owner == Owner::Suite
                    && let Some(suite) = self.innermost_suite()
                {
                    suite.qt = true;
                }
                // node-tap marks a skipped or todo test with a property
                // named `skip` or `todo` (its reason the value) and no
                // `<skipped>`: skipped, as tap counts it.
                if let (Owner::Case, Some(mark), Some(case)) = (owner, tap_mark, self.case.as_mut())
                {
                    let reason = value.as_deref().map(str::trim).filter(|r| !r.is_empty());
                    case.record(
                        TestStatus::Skipped,
                        Some(reason.map_or_else(|| mark.to_string(), |r| format!("{mark}: {r}"))),
                    );
                }
                let text = match (wanted, value) {
                    (false, _) => None,
                    (true, Some(value)) => {
                        self.add_requirements(owner, &value);
                        None
                    }
                    (true, None) => Some(String::new()),
                };
                FrameKind::Property(Property { owner, text })
            }
            _ => FrameKind::Other,
        };
        if tap_looked
            && let Some(FrameKind::Suite(suite)) = self.stack.last_mut().map(|f| &mut f.kind)
        {
            suite.tap_read = true;
        }
        self.stack.push(Frame { tag, kind });
        Ok(())
    }

    fn suite_frame(
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        is_suites: bool,
    ) -> Result<FrameKind, FormatError> {
        let mut suite = Suite {
            is_suites,
            name: String::new(),
            declared: Declared::default(),
            counted: Counts::default(),
            attempts: Counts::default(),
            requirements: Vec::new(),
            first_case: 0,
            go: false,
            qt: false,
            pytest: false,
            tap_read: false,
        };
        let (mut disabled, mut warnings) = (None, None);
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"name" => suite.name = value.into_owned(),
                b"tests" => suite.declared.tests = parse_count(&value),
                b"failures" => suite.declared.failures = parse_count(&value),
                b"errors" => suite.declared.errors = parse_count(&value),
                b"skipped" | b"skips" => suite.declared.skipped = parse_count(&value),
                b"disabled" => disabled = parse_count(&value),
                b"warnings" => warnings = parse_count(&value),
                _ => {}
            }
            Ok(())
        })?;
        // gtest counts disabled tests apart from skipped ones; both are skipped
        // here. Its <testsuites> root has `disabled` but no `skipped`, so
        // without `skipped` the skip count cannot be checked.
        if let (Some(skipped), Some(disabled)) = (suite.declared.skipped, disabled) {
            suite.declared.skipped = Some(skipped.saturating_add(disabled));
        }
        // PHPUnit counts its `<warning>`s apart from failures; they read as
        // failed here.
        if let (Some(failures), Some(warnings)) = (suite.declared.failures, warnings) {
            suite.declared.failures = Some(failures.saturating_add(warnings));
        }
        Ok(FrameKind::Suite(Box::new(suite)))
    }

    fn case_start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<Case, FormatError> {
        let mut name = String::new();
        let mut classname = String::new();
        let mut file = None;
        let mut line = None;
        let mut duration_ms = None;
        let mut not_run = false;
        let (mut status_notrun, mut has_result) = (false, false);
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"name" => name = value.into_owned(),
                b"classname" => classname = value.into_owned(),
                b"file" if !value.trim().is_empty() => file = Some(value.into_owned()),
                b"line" => line = value.trim().parse::<u32>().ok(),
                b"time" => duration_ms = parse_duration_ms(&value),
                // gtest: status="notrun" for disabled tests, result="skipped" for GTEST_SKIP.
                b"status" => {
                    let status = value.trim().to_ascii_lowercase();
                    status_notrun = status == "notrun";
                    not_run |= matches!(status.as_str(), "notrun" | "skipped" | "disabled")
                }
                b"result" => {
                    has_result = true;
                    not_run |= matches!(
                        value.trim().to_ascii_lowercase().as_str(),
                        "skipped" | "suppressed" | "notrun"
                    )
                }
                _ => {}
            }
            Ok(())
        })?;
        self.minitest_result |= classname == "Minitest::Result";
        // pytest writes 0-based lines; everyone else 1-based.
        let line = if self.in_pytest_suite() {
            line.and_then(|l| l.checked_add(1))
        } else {
            line.filter(|l| *l > 0)
        };
        let suite = if classname.trim().is_empty() {
            self.enclosing_suite_name()
        } else if self.bare_root
            && classname == "test"
            && let Some(path) = self.suite_path()
        {
            // node:test's reporter writes `classname="test"` on every case,
            // under a bare root; the describe blocks and parent tests are
            // the enclosing suites, and the only thing that tells apart
            // two `it("works")` in different blocks.
            path
        } else if self.runtime == Some(JsRuntime::Bun)
            && let Some(path) = self.bun_describe_path(&classname)
        {
            path
        } else {
            classname.clone()
        };
        // `deno test` writes no `file`: the test's module is its
        // `classname` (relative to where deno ran, else a URL) and `line`
        // is in that module. A step of a `node:test` describe is placed in
        // deno's own polyfill (`ext:deno_node/testing.ts`, line 1), which is
        // no place in the project: no source then.
        if file.is_none()
            && self.runtime == Some(JsRuntime::Deno)
            && !classname.trim().is_empty()
            && !classname.starts_with("ext:")
        {
            file = Some(
                classname
                    .strip_prefix("./")
                    .unwrap_or(&classname)
                    .to_string(),
            );
        }
        Ok(Case {
            suite,
            name,
            source: file.map(|file| Location {
                file,
                line,
                column: None,
            }),
            duration_ms,
            status: if not_run {
                TestStatus::Skipped
            } else {
                TestStatus::Passed
            },
            message: None,
            flaky_message: None,
            requirements: Vec::new(),
            attempts: Counts::default(),
            not_run_mark: status_notrun && !has_result,
            skipped_in_summary: false,
        })
    }

    /// The names of the enclosing `<testsuite>` elements, outermost first,
    /// joined with ` > `; `None` outside any.
    fn suite_path(&self) -> Option<String> {
        let names: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|f| match &f.kind {
                FrameKind::Suite(s) if !s.is_suites => Some(s.name.as_str()),
                _ => None,
            })
            .collect();
        (!names.is_empty()).then(|| names.join(" > "))
    }

    /// `bun test` writes a case's describe blocks in its `classname`
    /// innermost first (`inner > outer`), while its console, its nested
    /// `<testsuite>` elements (one per block, inside the file's) and
    /// node:test read outermost first; bun 1.2 also escaped the names twice
    /// (`inner &gt; outer` once read). When the classname is the
    /// enclosing describe blocks so reversed, in either spelling, the suite is
    /// those blocks outermost first, joined with ` > `: `it("works")` in
    /// `describe("a")` > `describe("b")` is `a > b::works` whichever bun
    /// wrote it (and once bun writes the order its console shows). Any other
    /// classname is kept as written.
    fn bun_describe_path(&self, classname: &str) -> Option<String> {
        let blocks: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|f| match &f.kind {
                FrameKind::Suite(s) if !s.is_suites => Some(s.name.as_str()),
                _ => None,
            })
            // The outermost `<testsuite>` is the test file.
            .skip(1)
            .collect();
        // One block, spelled plainly: reversed or not, it is the classname.
        if blocks.len() < 2 && !classname.contains('&') {
            return None;
        }
        let reversed = |sep: &str, escape: bool| {
            let names: Vec<Cow<'_, str>> = blocks
                .iter()
                .rev()
                .map(|n| {
                    if escape {
                        quick_xml::escape::escape(*n)
                    } else {
                        Cow::Borrowed(*n)
                    }
                })
                .collect();
            names.join(sep)
        };
        (!blocks.is_empty()
            && (classname == reversed(" > ", false) || classname == reversed(" &gt; ", true)))
        .then(|| blocks.join(" > "))
    }

    /// The nearest `<testsuite>` name, else the nearest `<testsuites>` name.
    fn enclosing_suite_name(&self) -> String {
        let suites = || {
            self.stack.iter().rev().filter_map(|f| match &f.kind {
                FrameKind::Suite(s) if !s.name.trim().is_empty() => Some(s.as_ref()),
                _ => None,
            })
        };
        suites()
            .find(|s| !s.is_suites)
            .or_else(|| suites().next())
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    fn add_requirements(&mut self, owner: Owner, value: &str) {
        let target = match owner {
            Owner::Case => self.case.as_mut().map(|c| &mut c.requirements),
            Owner::Suite => self.stack.iter_mut().rev().find_map(|f| match &mut f.kind {
                FrameKind::Suite(s) => Some(&mut s.requirements),
                _ => None,
            }),
        };
        if let Some(target) = target {
            for id in split_ids(value) {
                push_unique(target, id);
            }
        }
    }

    fn end(&mut self, xml: &XmlReader<'_>) -> Result<(), FormatError> {
        let Some(frame) = self.stack.pop() else {
            return Err(xml.error_here("a closing tag without an open element".to_string()));
        };
        match frame.kind {
            FrameKind::Suite(suite) => self.end_suite(*suite),
            FrameKind::Case => self.end_case(),
            FrameKind::Outcome(element) => self.end_outcome(*element),
            FrameKind::Property(property) => {
                if let Some(text) = property.text {
                    self.add_requirements(property.owner, &text);
                }
            }
            FrameKind::TapOut(scan) => self.end_tap_out(*scan),
            FrameKind::Properties(_) | FrameKind::Other => {}
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
        Ok(())
    }

    fn end_outcome(&mut self, element: OutcomeElement) {
        let case = self.case.as_ref().filter(|_| element.owner == Owner::Case);
        let fixture_error = cmocka_fixture_failure(&element)
            || tap_harness_script_failure(&element, case.map_or("", |c| c.name.as_str()));
        let message = element
            .message
            .or_else(|| {
                let text = element.text.as_deref()?;
                telling_line(text, case.map_or("", |c| c.name.as_str()))
            })
            // minitest-reporters writes the test's own name as the `type`
            // of every outcome (`<skipped type="test_x"/>`, no message, for
            // a skip): that names the test, it says nothing of the outcome.
            .or(element.kind.filter(|k| case.is_none_or(|c| c.name != *k)))
            .map(|m| {
                let m = if element.warning {
                    format!("warning: {m}")
                } else {
                    m
                };
                truncate_chars(&m, MAX_MESSAGE_CHARS)
            });
        if let (Some(status), Some(case)) = (element.attempt, self.case.as_mut()) {
            case.attempts.add_status(status);
        }
        // Catch2 writes where an assertion failed on the `<failure>`, and
        // nothing on the case: the test's file, at least.
        if let (Owner::Case, Some(case)) = (element.owner, self.case.as_mut())
            && case.source.is_none()
        {
            case.source = element.location;
        }
        match (element.owner, element.outcome) {
            (Owner::Case, Outcome::Status(status)) => {
                let status = if fixture_error {
                    TestStatus::Errored
                } else {
                    status
                };
                if let Some(case) = self.case.as_mut() {
                    case.record(status, message);
                }
            }
            (Owner::Case, Outcome::Flaky) => {
                if let Some(case) = self.case.as_mut()
                    && case.flaky_message.is_none()
                {
                    case.flaky_message = Some(message);
                }
            }
            (
                Owner::Suite,
                Outcome::Status(status @ (TestStatus::Failed | TestStatus::Errored)),
            ) => {
                self.suite_level_outcome(status, message);
            }
            // A skip or a rerun recorded for a whole suite says nothing about a case.
            (Owner::Suite, _) => {}
        }
    }

    /// A failure or error recorded on a suite itself becomes a test case named
    /// after the suite.
    fn suite_level_outcome(&mut self, status: TestStatus, message: Option<String>) {
        let name = self
            .stack
            .iter()
            .rev()
            .find_map(|f| match &f.kind {
                FrameKind::Suite(s) => Some(s.name.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let word = if status == TestStatus::Errored {
            "an error"
        } else {
            "a failure"
        };
        self.ctx.warnings.push(format!(
            "testsuite '{name}' records {word} outside any test case; it is reported as test case \
             '{name}::{name}' with status {}",
            status_word(status)
        ));
        let case = Case::synthetic(name.clone(), name, status, message);
        self.emit(case);
    }

    fn end_case(&mut self) {
        if let Some(mut case) = self.case.take() {
            case.ctest_not_run();
            self.emit(case);
        }
    }

    /// Emits a finished case, counted in the innermost open suite.
    fn emit(&mut self, case: Case) {
        if let Some(suite) = self.innermost_suite() {
            suite.counted.add_status(if case.skipped_in_summary {
                TestStatus::Skipped
            } else {
                case.status
            });
            suite.attempts.add(case.attempts);
        }
        self.add_record(case);
    }

    /// Adds a case's record, uncounted: [`Parser::end_suite`] counts the
    /// records it makes itself. Requirement ids: the case's properties,
    /// then the enclosing suites' (outermost first), then the pattern's
    /// matches in the name and the suite ([`ids_in`]).
    fn add_record(&mut self, mut case: Case) {
        for frame in &self.stack {
            if let FrameKind::Suite(s) = &frame.kind {
                for id in &s.requirements {
                    push_unique(&mut case.requirements, id);
                }
            }
        }
        let pattern = &self.ctx.options.requirement_pattern;
        for id in ids_in(pattern, &case.name) {
            push_unique(&mut case.requirements, &id);
        }
        let (suite, ids) = &mut self.suite_ids;
        if *suite != case.suite {
            suite.clone_from(&case.suite);
            *ids = ids_in(pattern, suite);
        }
        for id in ids.iter() {
            push_unique(&mut case.requirements, id);
        }
        let flaky = case.status == TestStatus::Passed && case.flaky_message.is_some();
        let message = if flaky {
            case.flaky_message.flatten()
        } else {
            case.message
        };
        self.cases += 1;
        let id = format!("{}::{}", case.suite, case.name);
        // Only a record of the same `<testsuite>`: pytest writes both
        // halves of one test there, while `junitparser merge` puts two
        // runs (matrix legs, a rerun) in suites of their own, one after
        // the other, and the same test at the end of one and the start of
        // the next is two runs, not a rerun or a teardown.
        let file_start = self.first_case;
        let suite_start = self
            .innermost_suite()
            .map_or(file_start, |s| s.first_case.max(file_start));
        if self.in_pytest_suite()
            && let Some(last) = self.out.get_mut(suite_start..).and_then(<[_]>::last_mut)
            && last.id == id
        {
            // pytest-rerunfailures: every failed attempt before the last is
            // an empty `<testcase>` of the same name (its outcome, "rerun",
            // is not one JUnit has). The last attempt decides; passing after
            // reruns is flaky.
            if self.rerun_attempts > 0
                || (last.status == TestStatus::Passed && last.message.is_none())
            {
                self.rerun_attempts += 1;
                let reruns = self.rerun_attempts;
                last.status = case.status;
                last.flaky = case.status == TestStatus::Passed;
                last.message = if last.flaky {
                    Some(format!(
                        "passed after {reruns} failed attempt(s); pytest-rerunfailures records \
                         failed attempts as empty test cases, without their messages"
                    ))
                } else {
                    message
                };
                last.duration_ms = case.duration_ms;
                // pytest's own `tests` counts the test once, not per attempt.
                if let Some(suite) = self.innermost_suite() {
                    suite.counted.total = suite.counted.total.saturating_sub(1);
                }
                return;
            }
            // A test that fails and then errors in its teardown: two
            // `<testcase>`s, one test; the worse status, both messages.
            last.status = last.status.max(case.status);
            last.message = match (last.message.take(), message) {
                (Some(first), Some(then)) if first != then => Some(truncate_chars(
                    &format!("{first}; then {then}"),
                    MAX_MESSAGE_CHARS,
                )),
                (first, then) => first.or(then),
            };
            last.flaky &= flaky;
            for id in &case.requirements {
                push_unique(&mut last.requirements, id);
            }
            return;
        }
        self.rerun_attempts = 0;
        self.id_hashes.push(hash_id(&id));
        self.out.push(TestCase {
            id,
            suite: case.suite,
            name: case.name,
            source: case.source,
            status: case.status,
            duration_ms: case.duration_ms,
            message,
            flaky,
            requirements: case.requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    fn end_suite(&mut self, suite: Suite) {
        let d = &suite.declared;
        let mut c = suite.counted;
        let mut attempts = suite.attempts;
        // Surefire counts each rerun of a test as one more test (with its
        // failure or error); use that count where it is the one declared.
        if attempts.total > 0 && d.tests == Some(c.total + attempts.total) {
            c.add(attempts);
            attempts = Counts::default();
        }
        if self.stack.is_empty() {
            self.unlisted_cases(&suite, &mut c);
        }
        // Every suite, not only the root: old TAP::Formatter::JUnit writes
        // a script that died after its tests passed only as its suite's
        // `errors`. A parent's count then includes the record made here,
        // so it is not made twice.
        self.failures_outside_cases(&suite, &mut c);
        // A suite's requirement properties reach the cases emitted before
        // them too: Robot Framework writes them after its test cases.
        if !suite.requirements.is_empty() {
            for case in self.out.get_mut(suite.first_case..).unwrap_or_default() {
                for id in &suite.requirements {
                    push_unique(&mut case.requirements, id);
                }
            }
        }
        let disagrees = d.tests.is_some_and(|n| n != c.total)
            || d.failures.is_some_and(|n| n != c.failed)
            || d.errors.is_some_and(|n| n != c.errored)
            || d.skipped.is_some_and(|n| n != c.skipped);
        if disagrees {
            let mut says = Vec::new();
            for (attr, value) in [
                ("tests", d.tests),
                ("failures", d.failures),
                ("errors", d.errors),
                ("skipped", d.skipped),
            ] {
                if let Some(value) = value {
                    says.push(format!("{attr}={value}"));
                }
            }
            self.mismatches.push(format!(
                "{} '{}' says {} but {} {} ({} failed, {} errored, {} skipped) {} found",
                if suite.is_suites {
                    "testsuites"
                } else {
                    "testsuite"
                },
                suite.name,
                says.join(" "),
                c.total,
                if c.total == 1 { "case" } else { "cases" },
                c.failed,
                c.errored,
                c.skipped,
                if c.total == 1 { "was" } else { "were" },
            ));
        }
        if let Some(parent) = self.innermost_suite() {
            parent.counted.add(c);
            parent.attempts.add(attempts);
        }
        if suite.go {
            self.go_reruns(suite.first_case);
        }
    }

    /// A scan of a suite's `<system-out>` when the suite is one
    /// TAP::Formatter::JUnit wrote (see [`TapScan`]): every record in it
    /// takes the suite's name as its suite (no `classname`) and is named by
    /// a TAP test number, or is `prove --timer`'s `(init)` / `(teardown)`.
    fn tap_scan(&self, first_case: usize, suite: &str) -> Option<TapScan> {
        let records = self.out.get(first_case.max(self.first_case)..)?;
        let mut numbers = HashMap::new();
        for (i, t) in records.iter().enumerate() {
            if t.suite != suite {
                return None;
            }
            if matches!(t.name.as_str(), "(init)" | "(teardown)") {
                continue;
            }
            let (number, rest) = t.name.split_once(' ').unwrap_or((t.name.as_str(), ""));
            if !rest.is_empty() && !rest.starts_with("- ") {
                return None;
            }
            numbers.insert(
                number.parse::<u64>().ok()?,
                first_case.max(self.first_case) + i,
            );
        }
        Some(TapScan {
            numbers,
            next: 1,
            ..TapScan::default()
        })
    }

    /// Applies what a TAP::Formatter::JUnit suite's TAP says ([`TapScan`]).
    fn end_tap_out(&mut self, mut scan: TapScan) {
        scan.flush();
        if !scan.seen_tap {
            return;
        }
        let Some(suite) = self.stack.iter_mut().rev().find_map(|f| match &mut f.kind {
            FrameKind::Suite(s) => Some(&mut **s),
            _ => None,
        }) else {
            return;
        };
        let mut skipped = 0;
        for (index, message) in scan.skips {
            if let Some(t) = self.out.get_mut(index)
                && t.status == TestStatus::Passed
            {
                t.status = TestStatus::Skipped;
                t.message = Some(message);
                skipped += 1;
            }
        }
        suite.counted.skipped += skipped;
        // `prove --timer`: the script's start-up and exit times as cases
        // of their own; not tests, and the suite's `tests` leaves them out.
        let start = suite.first_case.max(self.first_case).min(self.out.len());
        let mut records = self.out.split_off(start);
        let before = records.len();
        records.retain(|t| {
            !(t.status == TestStatus::Passed
                && t.message.is_none()
                && matches!(t.name.as_str(), "(init)" | "(teardown)"))
        });
        let removed = (before - records.len()) as u64;
        self.out.append(&mut records);
        suite.counted.total = suite.counted.total.saturating_sub(removed);
        self.cases = self.cases.saturating_sub(removed);
        if let Some(reason) = scan.bail_out {
            self.ctx.warnings.push(format!(
                "TAP test script '{}' bailed out ('Bail out! {reason}'): prove stopped there, \
                 so the scripts after it did not run and are not in the report",
                suite.name
            ));
        }
    }

    /// Inside a suite pytest wrote (named `pytest` or `pytest tests`). Per
    /// suite, not per file: `junitparser merge` puts pytest's suites and
    /// other writers' in one file, and their `line`s are 1-based.
    fn in_pytest_suite(&self) -> bool {
        self.stack
            .iter()
            .any(|f| matches!(&f.kind, FrameKind::Suite(s) if s.pytest))
    }

    fn innermost_suite(&mut self) -> Option<&mut Suite> {
        self.stack.iter_mut().rev().find_map(|f| match &mut f.kind {
            FrameKind::Suite(s) => Some(&mut **s),
            _ => None,
        })
    }

    /// Failures and errors a suite's summary counts outside any test case,
    /// as one record per status: when its `tests` matches the cases found,
    /// the summary is counting cases, so failures beyond theirs happened
    /// where no case could hold them. gotestsum writes a package that fails
    /// to build only as the root's `errors`; jest-junit a test file that
    /// fails to load the same way. Without a record the run would read as
    /// one without them. Failures and errors are compared as a sum: some
    /// writers (Nette Tester, older Ruby ones) count a `<failure>` as an
    /// error. Of an excess the summary's split cannot place, errors come
    /// first, the worse status.
    fn failures_outside_cases(&mut self, suite: &Suite, counted: &mut Counts) {
        let d = &suite.declared;
        if d.tests != Some(counted.total) {
            return;
        }
        let declared = d
            .failures
            .unwrap_or(0)
            .saturating_add(d.errors.unwrap_or(0));
        let Some(mut extra) = declared
            .checked_sub(counted.failed.saturating_add(counted.errored))
            .filter(|&n| n > 0)
        else {
            return;
        };
        let beyond = |declared: Option<u64>, found: u64, extra: &mut u64| {
            let n = declared.map_or(0, |n| n.saturating_sub(found)).min(*extra);
            *extra -= n;
            n
        };
        let (failed, errored) = (counted.failed, counted.errored);
        let errors = beyond(d.errors, errored, &mut extra);
        let failures = beyond(d.failures, failed, &mut extra);
        let record_suite = suite.record_suite();
        let mut reported = Vec::new();
        for (status, n, word) in [
            (TestStatus::Failed, failures, "failures"),
            (TestStatus::Errored, errors, "errors"),
        ] {
            if n == 0 {
                continue;
            }
            let name = format!("({n} {word} outside any test case)");
            reported.push(format!(
                "'{record_suite}::{name}' with status {}",
                status_word(status)
            ));
            self.add_record(Case::synthetic(
                record_suite.clone(),
                name,
                status,
                Some(format!(
                    "the summary counts {n} more {word} than its test cases hold; see the \
                     tool's console output for what failed"
                )),
            ));
            // It stands for all of them (a parent summing its suites' counts
            // must find them there), and the summary's `tests` did not
            // count it.
            let count = match status {
                TestStatus::Failed => &mut counted.failed,
                _ => &mut counted.errored,
            };
            *count = count.saturating_add(n);
        }
        let says: Vec<String> = [("failures", d.failures), ("errors", d.errors)]
            .into_iter()
            .filter_map(|(attr, n)| Some(format!("{attr}={}", n?)))
            .collect();
        let whose = if self.stack.is_empty() {
            "the report's summary".to_string()
        } else {
            format!("testsuite '{}'", suite.name)
        };
        self.ctx.warnings.push(format!(
            "{whose} says {} but its test cases hold {} failed and {} errored; the excess is \
             reported as {} (a producer may count a failure that no test case holds only in \
             the summary, as gotestsum does for a Go package that fails to build)",
            says.join(" "),
            failed,
            errored,
            reported.join(" and "),
        ));
    }

    /// gotestsum's `--rerun-fails` writes every attempt of a failed test as
    /// another case of the same name in the package's suite, not next to
    /// the first. When every repeated test failed in all attempts but its
    /// last, the last decides and a pass after failures is flaky, as
    /// gotestsum's own summary has it. `go test -count=N` also repeats
    /// names, passing tests' too: then the records are left as written,
    /// and a test that failed once stays failed.
    fn go_reruns(&mut self, first_case: usize) {
        let Some(records) = self.out.get_mut(first_case..) else {
            return;
        };
        let mut attempts: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in records.iter().enumerate() {
            attempts.entry(t.id.as_str()).or_default().push(i);
        }
        let reruns: Vec<Vec<usize>> = attempts.into_values().filter(|a| a.len() > 1).collect();
        let failed = |t: &TestCase| matches!(t.status, TestStatus::Failed | TestStatus::Errored);
        if reruns.is_empty()
            || !reruns
                .iter()
                .all(|a| a[..a.len() - 1].iter().all(|&i| failed(&records[i])))
        {
            return;
        }
        let mut gone = vec![false; records.len()];
        let mut flaky = 0;
        for a in &reruns {
            let (keep, last) = (a[0], a[a.len() - 1]);
            // The last attempt decides; its record goes.
            let last = &mut records[last];
            let (status, duration_ms, message) =
                (last.status, last.duration_ms, last.message.take());
            let first = &mut records[keep];
            if status == TestStatus::Passed {
                flaky += 1;
                first.message = Some(truncate_chars(
                    &format!(
                        "passed on a rerun after {} failed attempt(s); first failure: {}",
                        a.len() - 1,
                        first.message.as_deref().unwrap_or("(no message)")
                    ),
                    MAX_MESSAGE_CHARS,
                ));
                first.flaky = true;
            } else {
                first.message = message;
            }
            first.status = status;
            first.duration_ms = duration_ms;
            for &i in &a[1..] {
                gone[i] = true;
            }
        }
        let kept: Vec<TestCase> = self
            .out
            .drain(first_case..)
            .zip(gone)
            .filter_map(|(t, gone)| (!gone).then_some(t))
            .collect();
        self.out.extend(kept);
        self.ctx.warnings.push(format!(
            "{} Go test(s) were run more than once (gotestsum --rerun-fails); each is one record \
             whose last attempt decides: {flaky} passed on a rerun and are marked flaky, {} failed \
             every attempt",
            reruns.len(),
            reruns.len() - flaky,
        ));
    }

    /// Test cases the root's summary counts but the report does not list,
    /// as records, when the summary says what became of each of them: the
    /// missing count (`tests` less the cases found) equals the sum of the
    /// missing skipped, failures and errors. mocha-junit-reporter leaves
    /// pending tests out that way unless `includePending` is set; without
    /// these records a run with skips would read as one without. Any other
    /// disagreement is only reported ([`Parser::end_suite`]).
    fn unlisted_cases(&mut self, root: &Suite, counted: &mut Counts) {
        let d = &root.declared;
        let Some(missing) = d.tests.and_then(|n| n.checked_sub(counted.total)) else {
            return;
        };
        let short =
            |declared: Option<u64>, found: u64| declared.map_or(0, |n| n.saturating_sub(found));
        let by_status = [
            (TestStatus::Skipped, short(d.skipped, counted.skipped)),
            (TestStatus::Failed, short(d.failures, counted.failed)),
            (TestStatus::Errored, short(d.errors, counted.errored)),
        ];
        if missing == 0 || by_status.iter().map(|(_, n)| n).sum::<u64>() != missing {
            return;
        }
        let suite = root.record_suite();
        if missing > MAX_UNLISTED {
            // A summary this far from the file is not a reporter leaving
            // pending tests out; one record per case could exhaust memory
            // on a hostile `tests="4000000000"`. Fail closed, once.
            self.add_record(Case::synthetic(
                suite.clone(),
                format!("({missing} tests not listed in the report)"),
                TestStatus::Errored,
                Some(format!(
                    "the report's summary counts {missing} tests that it does not list; too many \
                     to be a reporter leaving skips out, so the report cannot be read as complete"
                )),
            ));
            counted.add_status(TestStatus::Errored);
            self.ctx.warnings.push(format!(
                "the report's summary says tests={} but lists {} test cases; the {missing} it \
                 does not list are reported as one errored test case '{suite}::({missing} tests \
                 not listed in the report)'",
                d.tests.unwrap_or_default(),
                counted.total - 1,
            ));
            return;
        }
        let mut described = Vec::new();
        for (status, count) in by_status {
            if count == 0 {
                continue;
            }
            let word = status_word(status);
            described.push(format!("{count} {word}"));
            for n in 1..=count {
                let name = format!("({word} test not listed in the report, {n} of {count})");
                self.add_record(Case::synthetic(
                    suite.clone(),
                    name,
                    status,
                    Some(format!(
                        "the report's summary counts {count} {word} test(s) that it does not list \
                         as test cases"
                    )),
                ));
                counted.add_status(status);
            }
        }
        self.ctx.warnings.push(format!(
            "the report's summary says tests={} but lists {} test cases; the {missing} it does \
             not list ({}) are reported as test cases of '{suite}' named '(<status> test not \
             listed in the report, <n> of <count>)' (mocha-junit-reporter leaves pending tests \
             out unless its `includePending` option is set)",
            d.tests.unwrap_or_default(),
            counted.total - missing,
            described.join(", "),
        ));
    }

    fn finish(self) {
        if self.roots > 1 {
            self.ctx.warnings.push(format!(
                "the file holds {} <testsuites> roots one after another, as cmocka writes every \
                 test group to one CMOCKA_XML_FILE; all were read (a file name with %g, one file \
                 per group, is well-formed XML that other JUnit readers accept)",
                self.roots
            ));
        }
        if let Some(first) = self.mismatches.first() {
            let more = match self.mismatches.len() - 1 {
                0 => String::new(),
                1 => " (1 more suite disagrees likewise)".to_string(),
                n => format!(" ({n} more suites disagree likewise)"),
            };
            self.ctx
                .warnings
                .push(format!("{first}{more}; the counted values are used"));
        }
        let records = self.out.get(self.first_case..).unwrap_or_default();
        if let Some((count, first)) = repeated_ids(self.id_hashes, records) {
            self.ctx.warnings.push(format!(
                "{count} test case(s) repeat the id of an earlier one (first: '{first}'), so their \
                 records cannot be told apart by id; the producer wrote the same suite and name \
                 twice (the same test in two configurations or projects, or a repeated title)"
            ));
        }
        // minitest-reporters before 1.1 names a test's class by
        // `test.class`, which minitest 5.11 and later made its
        // `Minitest::Result`: every test of the run lands in that one
        // suite and the test classes are lost (its console shows
        // `Minitest::Result#test_x` too). Read as written; say so.
        if self.minitest_result {
            self.ctx.warnings.push(
                "test cases are written with classname 'Minitest::Result', the class of \
                 minitest's result objects, not of the tests (minitest-reporters before 1.1 \
                 with minitest 5.11 or later): the test classes are lost, and one method name \
                 in two classes gives one id; upgrade minitest-reporters"
                    .to_string(),
            );
        }
        if self.cases == 0 {
            self.ctx
                .warnings
                .push("the report holds no test cases".to_string());
        }
    }
}

fn outcome_of(tag: &str) -> Option<Outcome> {
    Some(match tag {
        // PHPUnit's `<warning>` (a test's addWarning(), "No tests found in
        // class"): PHPUnit prints WARNINGS!, not OK, and fails the run with
        // `--fail-on-warning`; never a pass here.
        "failure" | "rerunFailure" | "warning" => Outcome::Status(TestStatus::Failed),
        "error" | "rerunError" => Outcome::Status(TestStatus::Errored),
        // Ant's `<junitlauncher>` writes an aborted assumption as `<aborted>`.
        "skipped" | "aborted" => Outcome::Status(TestStatus::Skipped),
        "flakyFailure" | "flakyError" => Outcome::Flaky,
        _ => return None,
    })
}

/// cmocka writes a test whose setup or teardown function returned non-zero
/// as `<failure><![CDATA[Test setup failed]]></failure>` (or `Test teardown
/// failed`), no attributes, exactly as it writes a failed assertion; its
/// console prints `[  ERROR   ]` for it and its summary counts it in
/// `errors`, not `failures`: the test could not be run. These are cmocka's
/// own fixed words, and the whole text of the element.
fn cmocka_fixture_failure(element: &OutcomeElement) -> bool {
    element.owner == Owner::Case
        && element.outcome == Outcome::Status(TestStatus::Failed)
        && element.attempt.is_none()
        && !element.warning
        && element.kind.is_none()
        && element.location.is_none()
        && element
            .text
            .as_deref()
            .is_some_and(|t| matches!(t.trim(), "Test setup failed" | "Test teardown failed"))
}

/// TAP::Harness::JUnit (`prove --harness TAP::Harness::JUnit`) makes up a
/// case for a test script that died before its plan (`Test died too soon,
/// even before plan.`, `<failure type="Plan">`), ran fewer or more tests
/// than planned (`Number of runned tests does not match plan.`, `type="Plan"`)
/// or exited non-zero (`Test returned failure`, `type="Died"`), and counts
/// each in its suite's `errors`, as prove reports them: the script, not an
/// assertion, failed. Errored here. These are its fixed names (a number
/// may follow, to keep names unique).
fn tap_harness_script_failure(element: &OutcomeElement, name: &str) -> bool {
    element.owner == Owner::Case
        && element.outcome == Outcome::Status(TestStatus::Failed)
        && match element.kind.as_deref() {
            Some("Plan") => {
                name.starts_with("Test died too soon, even before plan.")
                    || name.starts_with("Number of runned tests does not match plan.")
            }
            Some("Died") => name.starts_with("Test returned failure"),
            _ => false,
        }
}

/// The status of the extra attempt a Surefire rerun element records.
fn attempt_of(tag: &str) -> Option<TestStatus> {
    match tag {
        "rerunFailure" | "flakyFailure" => Some(TestStatus::Failed),
        "rerunError" | "flakyError" => Some(TestStatus::Errored),
        _ => None,
    }
}

fn status_word(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Passed => "passed",
        TestStatus::Skipped => "skipped",
        TestStatus::Failed => "failed",
        TestStatus::Errored => "errored",
    }
}

fn parse_count(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

/// Seconds as JUnit writers format them, to whole milliseconds.
fn parse_duration_ms(value: &str) -> Option<u64> {
    let v = value.trim();
    let v = v.strip_suffix('s').unwrap_or(v).trim();
    if v.is_empty() {
        return None;
    }
    let normalised = if v.contains('.') {
        // `1,234.5`: the comma groups thousands.
        v.replace(',', "")
    } else if let Some((int, frac)) = v.split_once(',') {
        let group_lead = (1..=3).contains(&int.len()) && !int.starts_with('0');
        if frac.contains(',') || (frac.len() == 3 && group_lead) {
            // `1,234` or `1,234,567`: thousands (`0,123` is not: no
            // thousands group starts with 0).
            v.replace(',', "")
        } else {
            // `1,5`: a decimal comma.
            format!("{int}.{frac}")
        }
    } else {
        v.to_string()
    };
    let seconds: f64 = normalised.parse().ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    let ms = (seconds * 1000.0).round();
    // `as` saturates at u64::MAX for absurd values.
    Some(ms as u64)
}

/// How many records repeat an earlier record's id, and the first that
/// does. The ids' hashes, taken as each case was emitted (its id still in
/// the cache), are sorted; only when hashes repeat are the ids themselves
/// compared.
fn repeated_ids(mut hashes: Vec<u64>, records: &[TestCase]) -> Option<(usize, String)> {
    hashes.sort_unstable();
    if hashes.windows(2).all(|w| w[0] != w[1]) {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    let mut first = None;
    let mut count = 0;
    for t in records {
        if !seen.insert(t.id.as_str()) {
            count += 1;
            first.get_or_insert_with(|| t.id.clone());
        }
    }
    first.map(|first| (count, first))
}

/// An id's hash, for [`repeated_ids`].
fn hash_id(id: &str) -> u64 {
    // Eight bytes at a time, multiply and rotate (as rustc's FxHash): a
    // collision only costs comparing the ids themselves, never a false
    // warning, and SipHash, the std default, is several times slower.
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = id.len() as u64;
    let mut words = id.as_bytes().chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K)
}

/// Requirement ids in a property value.
pub(crate) fn split_ids(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(|t| t.trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | '\'' | '"')))
        .filter(|t| !t.is_empty())
}

pub(crate) fn push_unique(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|x| x == id) {
        list.push(id.to_string());
    }
}

/// Drops the ids that repeat in `list`, each first one kept in place, in
/// time linear in the list: [`push_unique`] looks through the whole list
/// for each id, so filling a list of n ids with it takes time in n² (a
/// definition, case or trait list of 100,000 requirement ids took minutes).
pub(crate) fn dedup_ids(list: &mut Vec<String>) {
    if list.len() < 2 {
        return;
    }
    let mut seen = std::collections::HashSet::with_capacity(list.len());
    list.retain(|id| seen.insert(id.clone()));
}

/// The first non-blank line of an outcome's text that says something,
/// trimmed: PHPUnit starts the text with the test's own name
/// (`Class::method`, or `Warning`/`Error` for a case it made up) and
/// Catch2 with a bare `FAILED:`, the reason following on the next line.
fn telling_line(text: &str, name: &str) -> Option<String> {
    let names_the_case = |l: &str| {
        !name.is_empty()
            && l.strip_suffix(name)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with("::"))
    };
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let first = if names_the_case(first) || first == "FAILED:" {
        lines.next().unwrap_or(first)
    } else if name.ends_with(".phpt")
        && let Some(rest) = first.strip_prefix(name).map(str::trim_start)
        && !rest.is_empty()
    {
        // PHPUnit glues a .phpt test's name to its message:
        // `deprecated.phptFailed asserting that …`.
        rest
    } else {
        first
    };
    Some(first.to_string())
}

/// Requirement ids the pattern finds in a test or class name. A match
/// counts only as a whole token: not preceded by a letter or digit, not
/// followed by a digit (`_` separates, so `test_req_002_alarm` names
/// REQ-002 and `test_req_0021` names nothing). A capital after a small
/// letter also starts a token, as camel case spells words (Go's
/// `TestREQ030_Limit` must start with `Test`; PHPUnit's `testReq042`), so
/// `test_prereq_002` still names nothing. A token right after a version
/// number and `-` or `.` is the version's pre-release tag
/// (`1.0.0-rc_2`), not an id. Ids are spelled upper case with `-` for
/// `_` (`req_002` → `REQ-002`), as requirement files write them.
pub(crate) fn ids_in(pattern: &regex::Regex, text: &str) -> Vec<String> {
    pattern
        .find_iter(text)
        .filter(|m| {
            let before = &text[..m.start()];
            let first = m.as_str().chars().next();
            let after = text[m.end()..].chars().next();
            let last = before.chars().next_back();
            let camel = last.is_some_and(|c| c.is_ascii_lowercase())
                && first.is_some_and(|c| c.is_ascii_uppercase());
            (camel || !last.is_some_and(|c| c.is_ascii_alphanumeric()))
                && !after.is_some_and(|c| c.is_ascii_digit())
                && !ends_in_version(before)
        })
        .map(|m| m.as_str().to_ascii_uppercase().replace('_', "-"))
        .collect()
}

/// `text` ends with a version number of two parts or more and a `-` or
/// `.` (`…1.0.0-`): what follows is its pre-release tag.
fn ends_in_version(text: &str) -> bool {
    let Some(rest) = text.strip_suffix(['-', '.']) else {
        return false;
    };
    let version = &rest[rest
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .len()..];
    version.split('.').filter(|part| !part.is_empty()).count() >= 2
}

#[cfg(test)]
mod requirement_ids {
    #[test]
    fn ids_in_names_are_whole_tokens_spelled_as_files_spell_them() {
        let pattern = crate::Options::default().requirement_pattern;
        assert_eq!(
            super::ids_in(&pattern, "test_req_002_alarm_on_tachycardia"),
            ["REQ-002"]
        );
        assert_eq!(
            super::ids_in(&pattern, "test_REQ-010_and_rc_1"),
            ["REQ-010", "RC-1"]
        );
        // RC needs its separator: exit codes and release candidates
        // (`test_rc4_rejected`, `TestParseVersionRC1`) are not risk
        // controls, nor is a version's pre-release tag.
        assert!(super::ids_in(&pattern, "test_rc4_rejected").is_empty());
        assert!(super::ids_in(&pattern, "TestParseVersionRC1").is_empty());
        assert!(super::ids_in(&pattern, "TestCompare/1.0.0-rc_2_vs_1.0.0").is_empty());
        assert!(super::ids_in(&pattern, "v2.1.RC-3").is_empty());
        assert_eq!(super::ids_in(&pattern, "test_3_rc_12_limit"), ["RC-12"]);
        assert_eq!(
            super::ids_in(&pattern, "REQ-001-REQ-002"),
            ["REQ-001", "REQ-002"]
        );
        assert_eq!(
            super::ids_in(&pattern, "test_req5_risk7"),
            ["REQ5", "RISK7"]
        );
        assert!(super::ids_in(&pattern, "test_prereq_002").is_empty());
        assert_eq!(super::ids_in(&pattern, "test_req_0021x"), ["REQ-0021"]);
        assert!(super::ids_in(&pattern, "test_req_12345678901a").len() == 1);
        // Camel case: a capital after a small letter starts a token.
        assert_eq!(super::ids_in(&pattern, "TestREQ030_DoseLimit"), ["REQ030"]);
        assert_eq!(super::ids_in(&pattern, "testReq042CamelCase"), ["REQ042"]);
        assert!(super::ids_in(&pattern, "testPrereq002").is_empty());
        assert!(super::ids_in(&pattern, "TESTREQ030").is_empty());
    }
}
