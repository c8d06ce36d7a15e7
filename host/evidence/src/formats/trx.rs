//! Visual Studio test results (TRX, root `<TestRun>` in the
//! `http://microsoft.com/schemas/VisualStudio/TeamTest/2010` namespace), as
//! vstest's TrxLogger (`dotnet test --logger trx`, vstest.console, MSTest)
//! and the JavaScript reporters jest-trx-results-processor 3 and
//! mocha-trx-reporter 3 write it.
//!
//! What is read: every result element in `<Results>` (`<UnitTestResult>`,
//! or another result type such as an ordered test's
//! `<TestResultAggregation>`), its `testId`, `testName`, `outcome`,
//! `duration` and `<Output><ErrorInfo><Message>` / `<StackTrace>`; the
//! results nested in its `<InnerResults>` (MSTest's data rows); from
//! `<TestDefinitions>`, per test id, `<TestMethod className codeBase
//! name>`, `<TestCategory><TestCategoryItem TestCategory>` and
//! `<Properties><Property>` (`<Key>`/`<Value>` elements, or `Key`/`Value`
//! attributes); `<ResultSummary outcome>`, its `<Counters>` and its
//! `<RunInfos><RunInfo outcome><Text>`.
//!
//! vstest writes `<Results>` before `<TestDefinitions>`: a result's record
//! is made when it is read and its index kept, by test id, until its
//! definition names the class (the records are held anyway); jest and mocha
//! write the definitions first, so then each definition's class, source
//! and requirement ids are kept, by test id, until `</Results>`. Nothing
//! else of a definition is kept.
//!
//! Mapping, one record per result (a result with inner results is their
//! parent: each inner result is a record instead, see below):
//!
//! * `suite`: the definition's `className` (vstest: the fully qualified
//!   class, `Pump.Tests.RateTests`; jest: the outermost describe block);
//!   `name`: `testName` with `className.` (xUnit writes
//!   `Namespace.Class.Method(args)`) or `className / ` (jest) cut from its
//!   start, else `testName` as written (MSTest writes the method's display
//!   name, `Method` or a data row's `Method (1,2)`); `id`: `suite::name`.
//!   This is the JUnit reader's `classname::name` for the same test in
//!   JunitXml.TestLogger's report (spekt's testlogger: `classname` the
//!   namespace and class parsed from the fully qualified name, `name` the
//!   method, to which its xUnit adapter adds the display name's `(args)`
//!   and for which its MSTest adapter takes the display name, a data row's
//!   `Method (1,2)`), so a trace keeps its ids when a team moves from
//!   `--logger junit` to `--logger trx`. mocha-trx-reporter
//!   writes `className="none"` (with `name="none"`) and the full title as
//!   `testName`: no suite, the id is the title. A result whose definition
//!   is missing has no suite either (one warning counts them).
//! * Status, from `outcome` (vstest's TRX `TestOutcome`): `Passed` and
//!   `PassedButRunAborted` (the test passed; the run's abort is reported
//!   by the run's own outcome) → passed; `Failed` → failed; `Warning` →
//!   failed (message `warning: …`, as the JUnit reader reads PHPUnit's
//!   warnings); `Error`, `Timeout`, `Aborted`, `NotRunnable` (the test could
//!   not be run: a configuration failure), `Disconnected`, `InProgress`
//!   (never finished) → errored; `NotExecuted`, `Inconclusive`, `Pending`
//!   (mocha's skipped tests), `Completed` (ran, no verdict) → skipped, never
//!   passed. Another or no outcome → errored, one warning counting them.
//!   jest-trx-results-processor's record for a test file that failed to run
//!   (its `testName`, `className` and method name all the file's name,
//!   outcome `Failed`, counted by jest in `error`) → errored.
//! * Inner results (`<InnerResults>`, MSTest `[DataRow]` / `[DynamicData]`
//!   rows, vstest ordered tests): each is a record; the parent is not,
//!   unless its own outcome is worse than every row's (a failure outside
//!   the rows, such as a cleanup failure): then it is a record too, not
//!   counted against `<Counters>`, and a warning says so.
//! * `message`: `<Message>` (else the first line of `<StackTrace>`), its
//!   lines trimmed up to the first stack frame (`at …`), joined with `; `
//!   (a space after a line ending in `:`), cut to 500 characters. An
//!   errored outcome without a message gets `outcome <X>`.
//! * `duration_ms`: `duration` as .NET writes a `TimeSpan`
//!   (`[d.]hh:mm:ss[.fffffff]`) or plain seconds, rounded.
//! * `source`: the definition's `codeBase` (else `storage`) when it is a
//!   source file (jest and mocha write the test file); not an assembly
//!   (`.dll`, `.exe`), which is all vstest knows. No line.
//! * Requirement ids: the definition's `<Property>` values whose key is one
//!   of `Options::requirement_properties` (as the JUnit reader reads
//!   `<property>`), then ids the requirement pattern finds in its test
//!   categories, in the name, then in the suite; duplicates dropped.
//! * Run-level errors: each `<RunInfo>` whose outcome is not `Warning`,
//!   `Informational`, `Passed` or `Completed` (vstest writes a test host
//!   crash, an adapter or discovery error as `outcome="Error"`) is an
//!   errored record `(test run)::run error N` whose message is its
//!   `<Text>`: a run that lost tests must not read as clean, and a record
//!   is what gates see. The others are warnings. Without such a record, a
//!   `<ResultSummary outcome>` of `Error`, `Aborted`, `Timeout`,
//!   `Disconnected`, `InProgress`, `NotRunnable`, `PassedButRunAborted` or
//!   one not known, or `Failed` while no record failed, is one errored
//!   record `(test run)::run outcome`.
//! * Tests `<Counters>` counts as failing (the sum of `failed`, `error`,
//!   `timeout`, `aborted`, `notRunnable`, `disconnected`, `inProgress` and
//!   `warning`) beyond the failed and errored records are one errored
//!   record `(test run)::(N failing test(s) counted but not listed)`; the
//!   not run ones (`notExecuted`, `inconclusive`, `pending`, `completed`)
//!   beyond the skipped records one skipped record `(test run)::(N not run
//!   test(s) counted but not listed)`; each with a warning: a file whose
//!   `<Results>` lost its failures (truncated by hand, or results nested
//!   where no reader looks) must not read as clean.
//!
//! A `<UnitTestResult>` nested where the format puts no test (under an element this
//! reader does not read) is not read; such elements make one errored
//! record `(file)::(N <…> element(s) outside the report's structure)`,
//! with a warning, so that failures nested one level off cannot vanish.
//!
//! Warnings: `<Counters>` that disagree with the records (`total`;
//! `passed` + `passedButRunAborted`; `failed` + `error` + `timeout` +
//! `aborted` + `notRunnable` + `disconnected` + `inProgress` + `warning`
//! against failed + errored; `notExecuted` + `inconclusive` + `pending` +
//! `completed` against skipped; a group only when one of its counters is
//! written), the records kept; ids that repeat; unknown outcomes; results
//! without a definition; parents failing beyond their rows; run warnings.
//!
//! Refused, with their position: a root other than `<TestRun>`, a DOCTYPE
//! declaring entities, a file that ends inside an element (truncated), a
//! second root element, nesting deeper than [`super::junit::MAX_DEPTH`].
//! A UTF-8 byte order mark (vstest writes one) and CRLF line ends are read
//! as any XML reader reads them.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::{dedup_ids, ids_in, split_ids};
use super::stand_in;
use super::truncate_chars;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{Location, TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one element.
const MAX_COLLECTED_BYTES: usize = 8192;
/// Run-level warnings repeated as warnings; the rest are counted.
const MAX_RUN_WARNINGS: usize = 5;
/// The suite of the records made for run-level errors.
const RUN_SUITE: &str = "(test run)";
/// The `<Counters>` of outcomes read as failed or errored, and as skipped.
const FAILING_COUNTERS: [&str; 8] = [
    "failed",
    "error",
    "timeout",
    "aborted",
    "notRunnable",
    "disconnected",
    "inProgress",
    "warning",
];
const NOT_RUN_COUNTERS: [&str; 4] = ["notExecuted", "inconclusive", "pending", "completed"];

/// The elements whose place matters; anything else is `Other`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    TestRun,
    Results,
    /// A result: any element in `<Results>` or `<InnerResults>`.
    Result,
    InnerResults,
    Output,
    ErrorInfo,
    Definitions,
    /// A test definition: any element in `<TestDefinitions>`.
    Definition,
    Categories,
    Properties,
    Property,
    Summary,
    RunInfos,
    RunInfo,
    Field(Field),
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Message,
    StackTrace,
    Key,
    Value,
    Text,
}

/// A result being read.
#[derive(Default)]
struct ResultFrame {
    test_id: String,
    test_name: String,
    outcome: Option<String>,
    duration: Option<String>,
    message: Option<String>,
    stack_trace: Option<String>,
    /// Records made from its inner results, and the worst of their statuses.
    inner: u64,
    inner_worst: Option<TestStatus>,
}

/// What is kept of a test definition.
#[derive(Default)]
struct Definition {
    class_name: Option<String>,
    method_name: Option<String>,
    code_base: Option<String>,
    storage: Option<String>,
    /// Ids from requirement properties, then from categories.
    property_ids: Vec<String>,
    category_ids: Vec<String>,
}

/// A definition being read, with the property being read in it.
#[derive(Default)]
struct DefinitionFrame {
    id: String,
    def: Definition,
    key: Option<String>,
    value: Option<String>,
}

#[derive(Default)]
struct RunInfoFrame {
    outcome: String,
    text: String,
}

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<TestCase>,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let first = out.len();
    let mut p = Parser {
        ctx,
        out,
        first,
        stack: Vec::new(),
        root_seen: false,
        root_closed: false,
        results: Vec::new(),
        definition: None,
        definitions: HashMap::new(),
        results_done: false,
        waiting: HashMap::new(),
        text: None,
        summary_outcome: None,
        counters: Vec::new(),
        run_info: None,
        run_errors: Vec::new(),
        run_warnings: Vec::new(),
        run_warning_count: 0,
        uncounted: HashSet::new(),
        unknown_outcomes: 0,
        misplaced: 0,
        parents_beyond_rows: 0,
    };
    xml.walk(&mut p)?;
    let open = p.stack.iter().rev().find(|t| **t != Tag::Other);
    xml.check_complete(open.map(|t| tag_name(*t)), p.root_seen, "<TestRun>")?;
    p.finish();
    xml.warn_replaced_utf8(&mut p.ctx.warnings);
    Ok(())
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    /// Where this file's records start in `out`.
    first: usize,
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    /// The results being read, outermost first (inner results nest).
    results: Vec<ResultFrame>,
    definition: Option<DefinitionFrame>,
    /// Definitions read before `</Results>`, by test id.
    definitions: HashMap<String, Definition>,
    results_done: bool,
    /// Records whose definition has not been read yet, by test id.
    waiting: HashMap<String, Vec<usize>>,
    /// The text of the field being read.
    text: Option<String>,
    summary_outcome: Option<String>,
    counters: Vec<(String, u64)>,
    run_info: Option<RunInfoFrame>,
    run_errors: Vec<String>,
    /// The first [`MAX_RUN_WARNINGS`] run-level warnings, and how many.
    run_warnings: Vec<String>,
    run_warning_count: u64,
    /// Records not counted against `<Counters>` (parents failing beyond
    /// their rows).
    uncounted: HashSet<usize>,
    unknown_outcomes: u64,
    /// `<UnitTestResult>`s outside `<Results>`, not read.
    misplaced: u64,
    parents_beyond_rows: u64,
}

impl Elements for Parser<'_, '_, '_> {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let name = e.local_name();
        xml.check_start(
            name.as_ref(),
            self.stack.len(),
            self.root_closed,
            b"TestRun",
        )?;
        let tag = child(self.stack.last().copied(), name.as_ref());
        if tag == Tag::Other && name.as_ref() == b"UnitTestResult" {
            self.misplaced += 1;
        }
        self.root_seen = true;
        match tag {
            Tag::Result => {
                let mut frame = ResultFrame::default();
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"testId" => frame.test_id = v.trim().to_string(),
                        b"testName" => frame.test_name = v.trim().to_string(),
                        b"outcome" => frame.outcome = Some(v.trim().to_string()),
                        b"duration" => frame.duration = Some(v.into_owned()),
                        _ => {}
                    }
                    Ok(())
                })?;
                self.results.push(frame);
            }
            Tag::Definition => {
                let mut frame = DefinitionFrame::default();
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"id" => frame.id = v.trim().to_string(),
                        b"storage" => frame.def.storage = Some(v.trim().to_string()),
                        _ => {}
                    }
                    Ok(())
                })?;
                self.definition = Some(frame);
            }
            Tag::Other if name.as_ref() == b"TestMethod" && self.in_definition() => {
                if let Some(frame) = self.definition.as_mut() {
                    let def = &mut frame.def;
                    xml.for_each_attribute(e, |key, v| {
                        match key {
                            b"className" => def.class_name = Some(v.trim().to_string()),
                            b"name" => def.method_name = Some(v.trim().to_string()),
                            b"codeBase" => def.code_base = Some(v.trim().to_string()),
                            _ => {}
                        }
                        Ok(())
                    })?;
                }
            }
            Tag::Other
                if name.as_ref() == b"TestCategoryItem"
                    && self.stack.last() == Some(&Tag::Categories) =>
            {
                let pattern = &self.ctx.options.requirement_pattern;
                if let Some(frame) = self.definition.as_mut() {
                    let ids = &mut frame.def.category_ids;
                    xml.for_each_attribute(e, |key, v| {
                        if key == b"TestCategory" {
                            // Repeats go when the definition closes.
                            ids.extend(ids_in(pattern, &v));
                        }
                        Ok(())
                    })?;
                }
            }
            Tag::Property => {
                if let Some(frame) = self.definition.as_mut() {
                    frame.key = None;
                    frame.value = None;
                    let (k, val) = (&mut frame.key, &mut frame.value);
                    xml.for_each_attribute(e, |key, v| {
                        match key {
                            b"Key" => *k = Some(v.trim().to_string()),
                            b"Value" => *val = Some(v.into_owned()),
                            _ => {}
                        }
                        Ok(())
                    })?;
                }
            }
            Tag::Summary => {
                xml.for_each_attribute(e, |key, v| {
                    if key == b"outcome" {
                        self.summary_outcome = Some(v.trim().to_string());
                    }
                    Ok(())
                })?;
            }
            Tag::Other
                if name.as_ref() == b"Counters" && self.stack.last() == Some(&Tag::Summary) =>
            {
                // One `<Counters>` per summary: a repeated one replaces it.
                let counters = &mut self.counters;
                counters.clear();
                xml.for_each_attribute(e, |key, v| {
                    if let Ok(n) = v.trim().parse::<u64>() {
                        counters.push((String::from_utf8_lossy(key).into_owned(), n));
                    }
                    Ok(())
                })?;
            }
            Tag::RunInfo => {
                let mut frame = RunInfoFrame::default();
                xml.for_each_attribute(e, |key, v| {
                    if key == b"outcome" {
                        frame.outcome = v.trim().to_string();
                    }
                    Ok(())
                })?;
                self.run_info = Some(frame);
            }
            Tag::Field(_) => self.text = Some(String::new()),
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// The innermost open element closes.
    fn end(&mut self) {
        match self.stack.pop() {
            Some(Tag::Field(field)) => {
                let value = self.text.take().unwrap_or_default();
                self.field(field, value);
            }
            Some(Tag::Result) => {
                if let Some(frame) = self.results.pop() {
                    self.result_closes(frame);
                }
            }
            Some(Tag::Results) => {
                // No result follows: the definitions kept for results go.
                self.results_done = true;
                self.definitions = HashMap::new();
            }
            Some(Tag::Property) => self.property_closes(),
            Some(Tag::Definition) => {
                if let Some(frame) = self.definition.take() {
                    self.definition_closes(frame);
                }
            }
            Some(Tag::RunInfo) => {
                if let Some(info) = self.run_info.take() {
                    self.run_info_closes(info);
                }
            }
            _ => {}
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    fn wants_text(&self) -> bool {
        self.text.is_some()
    }

    fn text(&mut self, text: &str) {
        if let Some(collected) = self.text.as_mut() {
            if !collected.is_empty() {
                // The reader trims each piece: keep them apart.
                push_capped(collected, "\n", MAX_COLLECTED_BYTES);
            }
            push_capped(collected, text, MAX_COLLECTED_BYTES);
        }
    }
}

/// The element `name` opened inside `parent`.
fn child(parent: Option<Tag>, name: &[u8]) -> Tag {
    match (parent, name) {
        (None, b"TestRun") => Tag::TestRun,
        (Some(Tag::TestRun), b"Results") => Tag::Results,
        (Some(Tag::Results | Tag::InnerResults), _) => Tag::Result,
        (Some(Tag::Result), b"InnerResults") => Tag::InnerResults,
        (Some(Tag::Result), b"Output") => Tag::Output,
        (Some(Tag::Output), b"ErrorInfo") => Tag::ErrorInfo,
        (Some(Tag::ErrorInfo), b"Message") => Tag::Field(Field::Message),
        (Some(Tag::ErrorInfo), b"StackTrace") => Tag::Field(Field::StackTrace),
        (Some(Tag::TestRun), b"TestDefinitions") => Tag::Definitions,
        (Some(Tag::Definitions), _) => Tag::Definition,
        (Some(Tag::Definition), b"TestCategory") => Tag::Categories,
        (Some(Tag::Definition), b"Properties") => Tag::Properties,
        (Some(Tag::Properties), b"Property") => Tag::Property,
        (Some(Tag::Property), b"Key") => Tag::Field(Field::Key),
        (Some(Tag::Property), b"Value") => Tag::Field(Field::Value),
        (Some(Tag::TestRun), b"ResultSummary") => Tag::Summary,
        (Some(Tag::Summary), b"RunInfos") => Tag::RunInfos,
        (Some(Tag::RunInfos), b"RunInfo") => Tag::RunInfo,
        (Some(Tag::RunInfo), b"Text") => Tag::Field(Field::Text),
        _ => Tag::Other,
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::TestRun | Tag::Other => "TestRun",
        Tag::Results => "Results",
        Tag::Result => "UnitTestResult",
        Tag::InnerResults => "InnerResults",
        Tag::Output => "Output",
        Tag::ErrorInfo => "ErrorInfo",
        Tag::Definitions => "TestDefinitions",
        Tag::Definition => "UnitTest",
        Tag::Categories => "TestCategory",
        Tag::Properties => "Properties",
        Tag::Property => "Property",
        Tag::Summary => "ResultSummary",
        Tag::RunInfos => "RunInfos",
        Tag::RunInfo => "RunInfo",
        Tag::Field(Field::Message) => "Message",
        Tag::Field(Field::StackTrace) => "StackTrace",
        Tag::Field(Field::Key) => "Key",
        Tag::Field(Field::Value) => "Value",
        Tag::Field(Field::Text) => "Text",
    }
}

/// How bad a status is, for comparing a parent with its rows.
fn rank(status: TestStatus) -> u8 {
    match status {
        TestStatus::Passed => 0,
        TestStatus::Skipped => 1,
        TestStatus::Failed => 2,
        TestStatus::Errored => 3,
    }
}

/// A TRX outcome's status, and whether the outcome is one TRX defines.
fn status_of(outcome: Option<&str>) -> (TestStatus, bool) {
    match outcome {
        Some("Passed" | "PassedButRunAborted") => (TestStatus::Passed, true),
        Some("Failed" | "Warning") => (TestStatus::Failed, true),
        Some("Error" | "Timeout" | "Aborted" | "NotRunnable" | "Disconnected" | "InProgress") => {
            (TestStatus::Errored, true)
        }
        Some("NotExecuted" | "Inconclusive" | "Pending" | "Completed") => {
            (TestStatus::Skipped, true)
        }
        _ => (TestStatus::Errored, false),
    }
}

impl Parser<'_, '_, '_> {
    fn in_definition(&self) -> bool {
        self.stack.last() == Some(&Tag::Definition)
    }

    fn field(&mut self, field: Field, value: String) {
        match field {
            Field::Message | Field::StackTrace => {
                if let Some(frame) = self.results.last_mut() {
                    if field == Field::Message {
                        frame.message = Some(value);
                    } else {
                        frame.stack_trace = Some(value);
                    }
                }
            }
            Field::Key | Field::Value => {
                if let Some(frame) = self.definition.as_mut() {
                    if field == Field::Key {
                        frame.key = Some(value.trim().to_string());
                    } else {
                        frame.value = Some(value);
                    }
                }
            }
            Field::Text => {
                if let Some(info) = self.run_info.as_mut() {
                    info.text = value;
                }
            }
        }
    }

    fn property_closes(&mut self) {
        let names = &self.ctx.options.requirement_properties;
        if let Some(frame) = self.definition.as_mut()
            && let (Some(key), Some(value)) = (frame.key.take(), frame.value.take())
            && names.iter().any(|n| n.eq_ignore_ascii_case(&key))
        {
            // Repeats go when the definition closes.
            frame
                .def
                .property_ids
                .extend(split_ids(&value).map(str::to_string));
        }
    }

    fn result_closes(&mut self, frame: ResultFrame) {
        let (status, known) = status_of(frame.outcome.as_deref());
        let status = if frame.inner > 0 {
            // A parent: its rows are the records, unless it failed beyond them.
            let worst = frame.inner_worst.unwrap_or(TestStatus::Passed);
            if rank(status) <= rank(worst) || rank(status) < rank(TestStatus::Failed) {
                self.count_inner(worst);
                return;
            }
            let at = self.emit(&frame, status, known);
            self.uncounted.insert(at);
            self.parents_beyond_rows += 1;
            status
        } else {
            self.emit(&frame, status, known);
            status
        };
        self.count_inner(status);
    }

    /// A record made inside the enclosing result's `<InnerResults>`.
    fn count_inner(&mut self, status: TestStatus) {
        if let Some(parent) = self.results.last_mut() {
            parent.inner += 1;
            if parent.inner_worst.is_none_or(|w| rank(status) > rank(w)) {
                parent.inner_worst = Some(status);
            }
        }
    }

    /// Makes the record of a result; its suite, name and requirement ids
    /// come with its definition. Returns its index in `out`.
    fn emit(&mut self, frame: &ResultFrame, status: TestStatus, known: bool) -> usize {
        if !known {
            self.unknown_outcomes += 1;
        }
        let outcome = frame.outcome.as_deref().unwrap_or("(none)");
        let mut message = message_of(frame.message.as_deref(), frame.stack_trace.as_deref());
        if outcome == "Warning" {
            message = Some(format!("warning: {}", message.unwrap_or_default()))
                .map(|m| truncate_chars(m.trim_end_matches([' ', ':']), MAX_MESSAGE_CHARS));
        }
        if status == TestStatus::Errored && message.is_none() {
            message = Some(truncate_chars(
                &format!("outcome {outcome}"),
                MAX_MESSAGE_CHARS,
            ));
        }
        let at = self.out.len();
        self.out.push(TestCase {
            id: frame.test_name.clone(),
            suite: String::new(),
            name: frame.test_name.clone(),
            source: None,
            status,
            duration_ms: frame.duration.as_deref().and_then(duration_ms),
            message,
            flaky: false,
            requirements: Vec::new(),
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
        match self.definitions.get(&frame.test_id) {
            Some(def) => {
                if let Some(case) = self.out.get_mut(at) {
                    resolve(case, Some(def), &self.ctx.options.requirement_pattern);
                }
            }
            None => self
                .waiting
                .entry(frame.test_id.clone())
                .or_default()
                .push(at),
        }
        at
    }

    fn definition_closes(&mut self, mut frame: DefinitionFrame) {
        dedup_ids(&mut frame.def.property_ids);
        dedup_ids(&mut frame.def.category_ids);
        if let Some(waiting) = self.waiting.remove(&frame.id) {
            for at in waiting {
                if let Some(case) = self.out.get_mut(at) {
                    resolve(
                        case,
                        Some(&frame.def),
                        &self.ctx.options.requirement_pattern,
                    );
                }
            }
        }
        // Kept only while results may still follow.
        if !self.results_done {
            self.definitions.insert(frame.id, frame.def);
        }
    }

    fn run_info_closes(&mut self, info: RunInfoFrame) {
        let text = one_line(&info.text);
        match info.outcome.as_str() {
            "Warning" | "Informational" | "Passed" | "Completed" => {
                if !text.is_empty() {
                    self.run_warning_count += 1;
                    if self.run_warnings.len() < MAX_RUN_WARNINGS {
                        self.run_warnings.push(truncate_chars(&text, 300));
                    }
                }
            }
            other => self.run_errors.push(truncate_chars(
                &if text.is_empty() {
                    format!("run error (outcome {other}) without text")
                } else {
                    text
                },
                MAX_MESSAGE_CHARS,
            )),
        }
    }

    fn finish(&mut self) {
        let pattern = &self.ctx.options.requirement_pattern;
        let mut undefined = 0;
        for (_, waiting) in std::mem::take(&mut self.waiting) {
            for at in waiting {
                if let Some(case) = self.out.get_mut(at) {
                    resolve(case, None, pattern);
                    undefined += 1;
                }
            }
        }
        stand_in::misplaced(self.ctx, self.out, self.misplaced, "UnitTestResult");
        let counted = self.counts();
        self.unlisted_records(counted);
        self.run_records();
        let warnings = &mut self.ctx.warnings;
        check_counters(warnings, &self.counters, counted);
        if self.unknown_outcomes > 0 {
            warnings.push(format!(
                "{} result(s) with an outcome TRX does not define (or none) were read as errored",
                self.unknown_outcomes
            ));
        }
        if undefined > 0 {
            warnings.push(format!(
                "{undefined} result(s) have no definition in <TestDefinitions>: their class is \
                 unknown, so each id is the result's testName"
            ));
        }
        if self.parents_beyond_rows > 0 {
            warnings.push(format!(
                "{} data-driven test(s) failed beyond their rows (the parent result is worse \
                 than every inner result): each parent is a record too",
                self.parents_beyond_rows
            ));
        }
        for text in &self.run_warnings {
            warnings.push(format!("the test run warns: {text}"));
        }
        let more = self
            .run_warning_count
            .saturating_sub(self.run_warnings.len() as u64);
        if more > 0 {
            warnings.push(format!("the test run warns {more} more time(s)"));
        }
        let mut seen = HashSet::new();
        let repeated = self
            .out
            .iter()
            .skip(self.first)
            .filter(|t| !seen.insert(t.id.as_str()))
            .count();
        if repeated > 0 {
            warnings.push(format!(
                "{repeated} test id(s) repeat in the file; each record is kept"
            ));
        }
    }

    /// Passed, failed or errored, skipped records (made from results,
    /// parents beyond their rows left out), and all of them.
    fn counts(&self) -> [u64; 4] {
        let mut counts = [0; 4];
        for (i, t) in self.out.iter().enumerate().skip(self.first) {
            if self.uncounted.contains(&i) {
                continue;
            }
            counts[3] += 1;
            match t.status {
                TestStatus::Passed => counts[0] += 1,
                TestStatus::Failed | TestStatus::Errored => counts[1] += 1,
                TestStatus::Skipped => counts[2] += 1,
            }
        }
        counts
    }

    /// Tests `<Counters>` counts as failing (or not run) beyond the records
    /// made: one record for each kind, so that a failure the file counts
    /// but does not list (a truncated or hand-trimmed `<Results>`) cannot
    /// vanish.
    fn unlisted_records(&mut self, counted: [u64; 4]) {
        let sum = |names: &[&str]| {
            self.counters
                .iter()
                .filter(|(name, _)| names.contains(&name.as_str()))
                .fold(0u64, |total, (_, n)| total.saturating_add(*n))
        };
        let failing = sum(&FAILING_COUNTERS).saturating_sub(counted[1]);
        let not_run = sum(&NOT_RUN_COUNTERS).saturating_sub(counted[2]);
        for (missing, status, what) in [
            (failing, TestStatus::Errored, "failing"),
            (not_run, TestStatus::Skipped, "not run"),
        ] {
            let counter = "the <Counters> count";
            stand_in::unlisted(
                self.ctx, self.out, RUN_SUITE, counter, missing, what, status,
            );
        }
    }

    /// Records for run-level errors, or for a run outcome that says the run
    /// did not complete.
    fn run_records(&mut self) {
        let evidence = self.ctx.evidence_path;
        let record = |name: String, message: String| {
            stand_in::record(RUN_SUITE, name, TestStatus::Errored, message, evidence)
        };
        let errors = std::mem::take(&mut self.run_errors);
        for (n, text) in errors.iter().enumerate() {
            self.out
                .push(record(format!("run error {}", n + 1), text.clone()));
        }
        if !errors.is_empty() {
            self.ctx.warnings.push(format!(
                "the test run reports {} run-level error(s) (<RunInfo>): each is an errored \
                 record {RUN_SUITE}::run error N",
                errors.len()
            ));
            return;
        }
        let Some(outcome) = self.summary_outcome.as_deref() else {
            return;
        };
        let bad = match outcome {
            "Passed" | "Completed" | "Warning" | "Inconclusive" | "NotExecuted" | "Pending" => {
                false
            }
            "Failed" => !self
                .out
                .iter()
                .skip(self.first)
                .any(|t| matches!(t.status, TestStatus::Failed | TestStatus::Errored)),
            _ => true,
        };
        if bad {
            let message = format!(
                "the run's <ResultSummary outcome=\"{outcome}\"> says it did not complete \
                 cleanly{}",
                if outcome == "Failed" {
                    ", but no test failed"
                } else {
                    ""
                }
            );
            self.out
                .push(record("run outcome".to_string(), message.clone()));
            self.ctx.warnings.push(format!(
                "{message}: an errored record {RUN_SUITE}::run outcome"
            ));
        }
    }
}

/// Gives a record its suite, name, id, source and requirement ids from its
/// definition (`None`: none was found); `case.name` holds the testName.
fn resolve(case: &mut TestCase, def: Option<&Definition>, pattern: &regex::Regex) {
    let test_name = std::mem::take(&mut case.name);
    let class = def
        .filter(|d| {
            !(d.class_name.as_deref() == Some("none") && d.method_name.as_deref() == Some("none"))
        })
        .and_then(|d| d.class_name.as_deref())
        .filter(|c| !c.is_empty());
    let name = class
        .and_then(|c| {
            test_name
                .strip_prefix(c)
                .and_then(|rest| rest.strip_prefix('.').or_else(|| rest.strip_prefix(" / ")))
        })
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&test_name)
        .to_string();
    let suite = class.unwrap_or_default().to_string();
    // jest-trx-results-processor's record for a test file that did not run.
    if let Some(d) = def
        && case.status == TestStatus::Failed
        && class == Some(test_name.as_str())
        && d.method_name.as_deref() == Some(test_name.as_str())
    {
        case.status = TestStatus::Errored;
    }
    case.source = def
        .and_then(|d| d.code_base.as_deref().or(d.storage.as_deref()))
        .filter(|f| is_source_file(f))
        .map(|file| Location {
            file: file.to_string(),
            line: None,
            column: None,
        });
    let mut requirements = Vec::new();
    if let Some(d) = def {
        requirements.extend(d.property_ids.iter().chain(&d.category_ids).cloned());
    }
    requirements.extend(ids_in(pattern, &name));
    requirements.extend(ids_in(pattern, &suite));
    dedup_ids(&mut requirements);
    case.requirements = requirements;
    case.id = if suite.is_empty() {
        name.clone()
    } else {
        format!("{suite}::{name}")
    };
    case.suite = suite;
    case.name = name;
}

/// A file a reviewer can open, not an assembly.
fn is_source_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    !path.is_empty() && ![".dll", ".exe"].iter().any(|ext| lower.ends_with(ext))
}

/// A message on one line: the lines of `message` (else the first line of
/// `stack_trace`) trimmed up to the first stack frame, joined with `; `.
fn message_of(message: Option<&str>, stack_trace: Option<&str>) -> Option<String> {
    let text = message
        .filter(|m| !m.trim().is_empty())
        .or_else(|| stack_trace.and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty())))?;
    let joined = one_line(text);
    (!joined.is_empty()).then(|| truncate_chars(&joined, MAX_MESSAGE_CHARS))
}

/// Lines trimmed, blank ones dropped, up to the first stack frame, joined
/// with `; ` (a space after a line ending in `:`).
fn one_line(text: &str) -> String {
    let mut joined = String::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take_while(|l| !l.starts_with("at "))
    {
        if !joined.is_empty() {
            joined.push_str(if joined.ends_with(':') { " " } else { "; " });
        }
        joined.push_str(line);
    }
    joined
}

/// A .NET `TimeSpan` (`[-][d.]hh:mm:ss[.fffffff]`) or plain seconds, in
/// milliseconds, rounded.
fn duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let seconds = if text.contains(':') {
        let mut parts = text.split(':');
        let (hours, minutes, secs) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (days, hours) = match hours.split_once('.') {
            Some((d, h)) => (d.parse::<u64>().ok()?, h),
            None => (0, hours),
        };
        let hours = hours.parse::<u64>().ok()?;
        let minutes = minutes.parse::<u64>().ok()?;
        let secs = secs.parse::<f64>().ok()?;
        // In f64: huge values must not overflow; they fail the range check.
        days as f64 * 86_400.0 + hours as f64 * 3_600.0 + minutes as f64 * 60.0 + secs
    } else {
        text.parse::<f64>().ok()?
    };
    (0.0..1e12)
        .contains(&seconds)
        .then(|| (seconds * 1000.0).round() as u64)
}

fn check_counters(warnings: &mut Vec<String>, counters: &[(String, u64)], counted: [u64; 4]) {
    let sum = |names: &[&str]| {
        let mut found = false;
        let mut total = 0u64;
        for (name, n) in counters {
            if names.contains(&name.as_str()) {
                found = true;
                total = total.saturating_add(*n);
            }
        }
        found.then_some(total)
    };
    let mut differ = Vec::new();
    for (what, names, found) in [
        ("total", &["total"][..], counted[3]),
        ("passed", &["passed", "passedButRunAborted"][..], counted[0]),
        ("failed or errored", &FAILING_COUNTERS[..], counted[1]),
        ("not run", &NOT_RUN_COUNTERS[..], counted[2]),
    ] {
        if let Some(n) = sum(names)
            && n != found
        {
            differ.push(format!("{what} {n} (found {found})"));
        }
    }
    if !differ.is_empty() {
        warnings.push(format!(
            "the <Counters> disagree with the results listed: {}; the results listed are used",
            differ.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_dotnet_writes_them() {
        assert_eq!(duration_ms("00:00:00.0420000"), Some(42));
        assert_eq!(duration_ms("00:01:02.5"), Some(62_500));
        assert_eq!(duration_ms("1.02:00:00"), Some(93_600_000));
        assert_eq!(duration_ms("00:00:00.000"), Some(0));
        assert_eq!(duration_ms("0"), Some(0));
        assert_eq!(duration_ms("1.5"), Some(1_500));
        assert_eq!(duration_ms("-00:00:01"), None);
        assert_eq!(duration_ms("a:b:c"), None);
        assert_eq!(duration_ms("1:2:3:4"), None);
        assert_eq!(duration_ms("NaN"), None);
        assert_eq!(duration_ms(""), None);
        assert_eq!(duration_ms("99999999999999999999.00:00:00"), None);
        assert_eq!(duration_ms("18446744073709551615.00:00:00"), None);
    }

    #[test]
    fn messages_stop_at_the_stack() {
        assert_eq!(
            message_of(
                Some("Error: expect(received).toBe(expected)\n\nExpected: 336\nReceived: 337\n    at Object.toBe (x.js:9:38)"),
                None
            )
            .as_deref(),
            Some("Error: expect(received).toBe(expected); Expected: 336; Received: 337")
        );
        assert_eq!(
            message_of(
                Some("Expected values to be strictly equal:\n\n337 !== 336\n"),
                None
            )
            .as_deref(),
            Some("Expected values to be strictly equal: 337 !== 336")
        );
        assert_eq!(
            message_of(Some("  "), Some("\n  System.Exception: boom\n   at X.Y()")).as_deref(),
            Some("System.Exception: boom")
        );
        assert_eq!(message_of(None, None), None);
    }
}
