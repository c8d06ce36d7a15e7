//! Qt Test's own XML (`./tst_x -o out.xml,xml`, and `-lightxml`), as Qt
//! 5.15 writes it (the fixtures) and Qt 6 (skips as incidents). Qt's
//! `junitxml` is JUnit and read by the JUnit reader.
//!
//! `xml` writes a root `<TestCase name="TestClass">` holding
//! `<Environment>`, one `<TestFunction name>` per test function run
//! (`initTestCase` and `cleanupTestCase` included, as Qt counts them), and
//! a `<Duration>`; `lightxml` writes the same without the root. In a
//! function, each result is an `<Incident type file line>` and each log
//! line a `<Message type file line>`, both with a `<DataTag>` for a
//! data-driven row and a `<Description>`; then `<Duration msecs>`.
//!
//! Mapping, one record per row Qt reports (as its console and totals do):
//!
//! * `suite`: the `<TestCase name>` (empty in lightxml); `name`: the
//!   function's name, with the row's data tag as `name(tag)` (Qt's own
//!   spelling on its console and in Qt 6's junitxml); `id`:
//!   `suite::name`, Qt's `TestClass::function(tag)`.
//! * Status, the worst of the row's results: incident `pass` → passed;
//!   `xfail` (a QEXPECT_FAIL that failed as expected) → passed, as Qt
//!   counts it, message `expected failure: …`; `fail` → failed; `xpass`
//!   (a QEXPECT_FAIL that passed) → failed, as Qt counts it; incident
//!   `skip` (Qt 6) or message `skip` (Qt 5) → skipped; a `qfatal` message
//!   (a crash: Qt writes "Received signal 11" then a `fail` "Received a
//!   fatal error.") → errored. Blacklisted results (`BLACKLIST` file):
//!   `bpass` and `bxfail` → passed, `bfail` and `bxpass` → skipped (Qt does
//!   not count their failure, so nothing was verified), message
//!   `blacklisted: …`; one warning counts them. Another type, or none →
//!   errored (fail closed), one warning counting them. A function without
//!   any result is errored too.
//! * `message`: the deciding result's `<Description>`, its lines trimmed
//!   and joined with `; `, cut to 500 characters.
//! * `source`: the deciding result's `file` and `line` (Qt writes them for
//!   failures and skips; `file=""` and `Unknown file` give none).
//! * `duration_ms`: the function's `<Duration msecs>`, rounded, when it
//!   has a single row (Qt times the function, not its rows).
//! * Requirement ids: the requirement pattern in the name (data tag
//!   included), then in the suite, as the JUnit reader finds them in names.
//!   Level unspecified.
//!
//! Warnings: a fatal error (Qt stops the run there: later functions are not
//! in the file); blacklisted and unknown results; no `<TestCase>` root
//! (ids without the class); ids that repeat.
//!
//! Refused, with their position: top-level elements other than
//! `<TestCase>` or lightxml's `<Environment>`, `<TestFunction>`,
//! `<Duration>` and `<Message>`; anything after a `<TestCase>` root; a
//! DOCTYPE declaring entities; a file that ends inside an element
//! (truncated); nesting deeper than [`super::junit::MAX_DEPTH`].

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::{MAX_DEPTH, ids_in, push_unique};
use super::truncate_chars;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{Location, TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one element.
const MAX_COLLECTED_BYTES: usize = 8192;

/// One `<Incident>` or `<Message>` being read.
#[derive(Default)]
struct Entry {
    incident: bool,
    kind: Option<String>,
    file: String,
    line: Option<u32>,
    tag: Option<String>,
    description: String,
}

/// One row of a function (its data tag, or none).
struct Row {
    tag: Option<String>,
    status: Option<TestStatus>,
    message: Option<String>,
    source: Option<Location>,
}

struct Function {
    name: String,
    rows: Vec<Row>,
    index: HashMap<Option<String>, usize>,
    msecs: Option<f64>,
}

enum Frame {
    TestCase,
    Function(Box<Function>),
    Entry(Box<Entry>),
    DataTag(String),
    Description(String),
    Other(&'static str),
}

impl Frame {
    fn tag(&self) -> &'static str {
        match self {
            Frame::TestCase => "TestCase",
            Frame::Function(_) => "TestFunction",
            Frame::Entry(e) if e.incident => "Incident",
            Frame::Entry(_) => "Message",
            Frame::DataTag(_) => "DataTag",
            Frame::Description(_) => "Description",
            Frame::Other(tag) => tag,
        }
    }
}

#[derive(Default)]
struct Counts {
    unknown: u64,
    blacklisted: u64,
    no_result: u64,
    repeated: u64,
    fatal: Option<String>,
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    stack: Vec<Frame>,
    suite: String,
    /// A `<TestCase>` root was read (and closed, when `stack` is empty).
    rooted: bool,
    /// Some element at the top level was read.
    seen: bool,
    ids: HashSet<String>,
    counts: Counts,
}

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<TestCase>,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let mut p = Parser {
        ctx,
        out,
        stack: Vec::new(),
        suite: String::new(),
        rooted: false,
        seen: false,
        ids: HashSet::new(),
        counts: Counts::default(),
    };
    xml.walk(&mut p)?;
    let open = p.stack.last().map(Frame::tag);
    xml.check_complete(open, p.seen, "<TestCase>")?;
    p.finish();
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

impl Elements for Parser<'_, '_, '_> {
    fn wants_text(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::DataTag(_) | Frame::Description(_))
        )
    }

    fn text(&mut self, text: &str) {
        if let Some(Frame::DataTag(s) | Frame::Description(s)) = self.stack.last_mut() {
            push_capped(s, text, MAX_COLLECTED_BYTES);
        }
    }

    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let name = local.as_ref();
        let depth = self.stack.len();
        if depth >= MAX_DEPTH {
            xml.check_start(name, depth, false, name)?;
        }
        let frame = match (self.stack.last(), name) {
            (None, _) if self.rooted => {
                return xml.check_start(name, 0, true, b"TestCase");
            }
            (None, b"TestCase") if !self.seen => {
                self.rooted = true;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        self.suite = value.trim().to_string();
                    }
                    Ok(())
                })?;
                Frame::TestCase
            }
            (None, b"Environment") => Frame::Other("Environment"),
            (None, b"Duration") => Frame::Other("Duration"),
            (None, b"Message") => Frame::Other("Message"),
            (None | Some(Frame::TestCase), b"TestFunction") => {
                let mut function = Function {
                    name: String::new(),
                    rows: Vec::new(),
                    index: HashMap::new(),
                    msecs: None,
                };
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        function.name = value.trim().to_string();
                    }
                    Ok(())
                })?;
                Frame::Function(Box::new(function))
            }
            (None, _) => {
                return Err(xml.error_at_event(format!(
                    "expected <TestCase> as the root element (or Qt's lightxml: \
                     <Environment>, <TestFunction>), found <{}>",
                    String::from_utf8_lossy(name)
                )));
            }
            (Some(Frame::Function(_)), b"Incident" | b"Message") => {
                let mut entry = Entry {
                    incident: name == b"Incident",
                    ..Entry::default()
                };
                xml.for_each_attribute(e, |key, value| {
                    match key {
                        b"type" => entry.kind = Some(value.trim().to_string()),
                        b"file" => entry.file = value.trim().to_string(),
                        b"line" => entry.line = value.trim().parse().ok().filter(|&l| l > 0),
                        _ => {}
                    }
                    Ok(())
                })?;
                Frame::Entry(Box::new(entry))
            }
            (Some(Frame::Function(_)), b"Duration") => {
                let mut msecs = None;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"msecs" {
                        msecs = value.trim().parse::<f64>().ok();
                    }
                    Ok(())
                })?;
                if let Some(Frame::Function(f)) = self.stack.last_mut() {
                    f.msecs = msecs.filter(|m| m.is_finite() && *m >= 0.0);
                }
                Frame::Other("Duration")
            }
            (Some(Frame::Entry(_)), b"DataTag") => Frame::DataTag(String::new()),
            (Some(Frame::Entry(_)), b"Description") => Frame::Description(String::new()),
            _ => Frame::Other("element"),
        };
        self.seen = true;
        self.stack.push(frame);
        Ok(())
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::DataTag(text) => {
                if let Some(Frame::Entry(entry)) = self.stack.last_mut() {
                    entry.tag = Some(text);
                }
            }
            Frame::Description(text) => {
                if let Some(Frame::Entry(entry)) = self.stack.last_mut() {
                    entry.description = text;
                }
            }
            Frame::Entry(entry) => self.entry(*entry),
            Frame::Function(function) => self.emit(*function),
            _ => {}
        }
    }
}

impl Parser<'_, '_, '_> {
    /// An incident or message read in the innermost function.
    fn entry(&mut self, entry: Entry) {
        let description = one_line(&entry.description);
        let kind = entry.kind.as_deref().unwrap_or("");
        let (status, message) = match (entry.incident, kind) {
            (true, "pass") => (TestStatus::Passed, None),
            (true, "xfail") => (
                TestStatus::Passed,
                Some(format!(
                    "expected failure: {}",
                    description.as_deref().unwrap_or("")
                )),
            ),
            (true, "fail" | "xpass") => (TestStatus::Failed, description.clone()),
            (_, "skip") => (TestStatus::Skipped, description.clone()),
            (true, "bpass" | "bxfail") => {
                self.counts.blacklisted += 1;
                (TestStatus::Passed, None)
            }
            (true, "bfail" | "bxpass") => {
                self.counts.blacklisted += 1;
                (
                    TestStatus::Skipped,
                    Some(format!(
                        "blacklisted: {}",
                        description.as_deref().unwrap_or("")
                    )),
                )
            }
            (false, "qfatal") => (TestStatus::Errored, description.clone()),
            (true, _) => {
                self.counts.unknown += 1;
                (
                    TestStatus::Errored,
                    Some(format!(
                        "unknown Qt Test result type \"{}\"",
                        truncate_chars(kind, 40)
                    )),
                )
            }
            (false, _) => return,
        };
        let file = entry.file;
        let source = (!file.is_empty() && file != "Unknown file").then_some(Location {
            file,
            line: entry.line,
            column: None,
        });
        let Some(Frame::Function(function)) = self.stack.last_mut() else {
            return;
        };
        if status == TestStatus::Errored && kind == "qfatal" && self.counts.fatal.is_none() {
            let row = match entry.tag.as_deref() {
                Some(tag) if !tag.is_empty() => format!("{}({tag})", function.name),
                _ => function.name.clone(),
            };
            self.counts.fatal = Some(row);
        }
        let key = entry.tag.filter(|t| !t.is_empty());
        let i = match function.index.get(&key) {
            Some(&i) => i,
            None => {
                function.rows.push(Row {
                    tag: key.clone(),
                    status: None,
                    message: None,
                    source: None,
                });
                let i = function.rows.len() - 1;
                function.index.insert(key, i);
                i
            }
        };
        let Some(row) = function.rows.get_mut(i) else {
            return;
        };
        let message = message.map(|m| truncate_chars(&m, MAX_MESSAGE_CHARS));
        match row.status {
            Some(old) if old > status => {}
            Some(old) if old == status => {
                if row.message.is_none() {
                    row.message = message;
                }
                if row.source.is_none() {
                    row.source = source;
                }
            }
            _ => {
                row.status = Some(status);
                row.message = message;
                row.source = source;
            }
        }
    }

    fn emit(&mut self, function: Function) {
        let single = function.rows.len() == 1;
        let duration_ms = function
            .msecs
            .filter(|_| single)
            .map(|m| m.round().min(u64::MAX as f64) as u64);
        let mut rows = function.rows;
        if rows.is_empty() {
            self.counts.no_result += 1;
            rows.push(Row {
                tag: None,
                status: Some(TestStatus::Errored),
                message: Some("Qt Test recorded no result for this function".to_string()),
                source: None,
            });
        }
        for row in rows {
            let name = match &row.tag {
                Some(tag) => format!("{}({tag})", function.name),
                None => function.name.clone(),
            };
            let id = if self.suite.is_empty() {
                name.clone()
            } else {
                format!("{}::{name}", self.suite)
            };
            let pattern = &self.ctx.options.requirement_pattern;
            let mut requirements = Vec::new();
            for found in ids_in(pattern, &name)
                .iter()
                .chain(&ids_in(pattern, &self.suite))
            {
                push_unique(&mut requirements, found);
            }
            if !self.ids.insert(id.clone()) {
                self.counts.repeated += 1;
            }
            self.out.push(TestCase {
                id,
                suite: self.suite.clone(),
                name,
                source: row.source,
                status: row.status.unwrap_or(TestStatus::Errored),
                duration_ms,
                message: row.message,
                flaky: false,
                requirements,
                level: TestLevel::Unspecified,
                evidence: self.ctx.evidence_path.to_string(),
            });
        }
    }

    fn finish(&mut self) {
        let w = &mut self.ctx.warnings;
        if let Some(row) = &self.counts.fatal {
            w.push(format!(
                "Qt Test hit a fatal error (a crash) in {}: it stops the run there, so test \
                 functions after it are not in the file",
                truncate_chars(row, 80)
            ));
        }
        if self.counts.blacklisted > 0 {
            w.push(format!(
                "{} blacklisted Qt Test result(s) (a BLACKLIST file): a blacklisted failure is \
                 read as skipped, not verified",
                self.counts.blacklisted
            ));
        }
        if self.counts.unknown > 0 {
            w.push(format!(
                "{} Qt Test result(s) of an unknown type were read as errored",
                self.counts.unknown
            ));
        }
        if self.counts.no_result > 0 {
            w.push(format!(
                "{} Qt Test function(s) without any result were read as errored",
                self.counts.no_result
            ));
        }
        if !self.rooted && self.seen {
            w.push(
                "no <TestCase> root (Qt's lightxml): the ids are the test functions' names \
                 without their test class"
                    .to_string(),
            );
        }
        if self.counts.repeated > 0 {
            w.push(format!(
                "{} test id(s) repeat in the file; each record is kept",
                self.counts.repeated
            ));
        }
    }
}

/// A description on one line: its lines trimmed, joined with `; `.
fn one_line(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("; "))
}
