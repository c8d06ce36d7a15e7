//! CppUnit's XML result file (`CppUnit::XmlOutputter`, root `<TestRun>`),
//! as CppUnit 1.12 to 1.15 write it (the fixture is CppUnit 1.15.1's).
//!
//! The outputter writes every failed test in `<FailedTests>` (one
//! `<FailedTest id>` each: `<Name>`, `<FailureType>`, for an assertion
//! `<Location><File><Line>`, `<Message>`), then every other test in
//! `<SuccessfulTests>` (`<Test id><Name>`), then `<Statistics>` counting
//! them. It declares `encoding="ISO-8859-1"` and writes the messages'
//! bytes as they are (UTF-8 from UTF-8 sources): the shared reader reads
//! valid UTF-8 as UTF-8 and other bytes as windows-1252.
//!
//! Mapping, one record per `<FailedTest>` and `<Test>`:
//!
//! * `name`: the part of `<Name>` after its last `::`; `suite`: what comes
//!   before it (the fixture class, its namespaces kept:
//!   `pump::DropsTest`); `id`: the whole `<Name>` as CppUnit wrote it,
//!   which is `suite::name`, the id the JUnit dialects give
//!   `classname::name`. A name without `::` (a hand-made `TestCase`) has
//!   an empty suite and is its own id.
//! * Status: `<Test>` → passed; `<FailedTest>` with `<FailureType>`
//!   `Assertion` → failed, `Error` (an exception the test did not expect,
//!   CppUnit's "error") → errored; another or no type → errored (fail
//!   closed), one warning counting them.
//! * `message`: `<Message>`, its lines trimmed, the `- ` CppUnit puts
//!   before each detail line dropped, joined with `; `; cut to 500
//!   characters (`equality assertion failed; Expected: 337; Actual  : 336`).
//! * `source`: `<Location>`'s `<File>` and `<Line>` (CppUnit writes it for
//!   assertions only); none without a file.
//! * Requirement ids: the requirement pattern in the test's name, then in
//!   its suite (as the JUnit reader finds them in names), duplicates
//!   dropped. No duration (CppUnit writes none); level unspecified.
//!
//! Warnings: `<Statistics>` counts (`Tests`, `Failures`, `Errors`) that
//! disagree with the records read (the records are kept); ids that repeat.
//!
//! Refused, with their position: a root other than `<TestRun>`, a DOCTYPE
//! declaring entities, a file that ends inside an element (truncated), a
//! second root element, nesting deeper than [`super::junit::MAX_DEPTH`].

use std::collections::HashSet;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::{ids_in, push_unique};
use super::truncate_chars;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{Location, TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one element.
const MAX_COLLECTED_BYTES: usize = 8192;

/// The elements whose place matters; anything else is `Other`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    TestRun,
    FailedTests,
    SuccessfulTests,
    Statistics,
    /// `<FailedTest>` (true) or `<Test>` (false) in its list.
    Test(bool),
    Location,
    /// A text field of a test, its location or the statistics.
    Field(Field),
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    FailureType,
    Message,
    File,
    Line,
    Tests,
    Failures,
    Errors,
}

#[derive(Default)]
struct Test {
    name: String,
    failure_type: Option<String>,
    message: Option<String>,
    file: Option<String>,
    line: Option<String>,
}

#[derive(Default)]
struct Statistics {
    tests: Option<String>,
    failures: Option<String>,
    errors: Option<String>,
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
        root_seen: false,
        root_closed: false,
        test: None,
        text: None,
        stats: Statistics::default(),
        counts: [0; 3],
        unknown_type: 0,
        seen: HashSet::new(),
        repeated: 0,
    };
    xml.walk(&mut p)?;
    let open = p.stack.iter().rev().find(|t| **t != Tag::Other);
    xml.check_complete(open.map(|t| tag_name(*t)), p.root_seen, "<TestRun>")?;
    let Parser {
        ctx,
        stats,
        counts,
        unknown_type,
        repeated,
        ..
    } = p;
    check_statistics(ctx, &stats, counts);
    if unknown_type > 0 {
        ctx.warnings.push(format!(
            "{unknown_type} failed test(s) with a <FailureType> other than Assertion or Error \
             were read as errored"
        ));
    }
    if repeated > 0 {
        ctx.warnings.push(format!(
            "{repeated} test id(s) repeat in the file; each record is kept"
        ));
    }
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    /// The `<FailedTest>` (true) or `<Test>` being read.
    test: Option<(bool, Test)>,
    /// The text of the field being read.
    text: Option<String>,
    stats: Statistics,
    /// Tests, failures, errors read.
    counts: [u64; 3],
    unknown_type: u64,
    seen: HashSet<String>,
    repeated: u64,
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
        self.root_seen = true;
        match tag {
            Tag::Test(failed) => self.test = Some((failed, Test::default())),
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
                if let Some((_, t)) = self.test.as_mut() {
                    match field {
                        Field::Name => t.name = value,
                        Field::FailureType => t.failure_type = Some(value),
                        Field::Message => t.message = Some(value),
                        Field::File => t.file = Some(value),
                        Field::Line => t.line = Some(value),
                        _ => {}
                    }
                } else {
                    match field {
                        Field::Tests => self.stats.tests = Some(value),
                        Field::Failures => self.stats.failures = Some(value),
                        Field::Errors => self.stats.errors = Some(value),
                        _ => {}
                    }
                }
            }
            Some(Tag::Test(_)) => {
                if let Some(t) = self.test.take() {
                    self.emit(t);
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
            push_capped(collected, text, MAX_COLLECTED_BYTES);
        }
    }
}

/// The element `name` opened inside `parent`.
fn child(parent: Option<Tag>, name: &[u8]) -> Tag {
    match (parent, name) {
        (None, b"TestRun") => Tag::TestRun,
        (Some(Tag::TestRun), b"FailedTests") => Tag::FailedTests,
        (Some(Tag::TestRun), b"SuccessfulTests") => Tag::SuccessfulTests,
        (Some(Tag::TestRun), b"Statistics") => Tag::Statistics,
        (Some(Tag::FailedTests), b"FailedTest") => Tag::Test(true),
        (Some(Tag::SuccessfulTests), b"Test") => Tag::Test(false),
        (Some(Tag::Test(_)), b"Name") => Tag::Field(Field::Name),
        (Some(Tag::Test(true)), b"FailureType") => Tag::Field(Field::FailureType),
        (Some(Tag::Test(true)), b"Message") => Tag::Field(Field::Message),
        (Some(Tag::Test(true)), b"Location") => Tag::Location,
        (Some(Tag::Location), b"File") => Tag::Field(Field::File),
        (Some(Tag::Location), b"Line") => Tag::Field(Field::Line),
        (Some(Tag::Statistics), b"Tests") => Tag::Field(Field::Tests),
        (Some(Tag::Statistics), b"Failures") => Tag::Field(Field::Failures),
        (Some(Tag::Statistics), b"Errors") => Tag::Field(Field::Errors),
        _ => Tag::Other,
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::TestRun => "TestRun",
        Tag::FailedTests => "FailedTests",
        Tag::SuccessfulTests => "SuccessfulTests",
        Tag::Statistics => "Statistics",
        Tag::Test(true) => "FailedTest",
        Tag::Test(false) => "Test",
        Tag::Location => "Location",
        Tag::Field(Field::Name) => "Name",
        Tag::Field(Field::FailureType) => "FailureType",
        Tag::Field(Field::Message) => "Message",
        Tag::Field(Field::File) => "File",
        Tag::Field(Field::Line) => "Line",
        Tag::Field(Field::Tests) => "Tests",
        Tag::Field(Field::Failures) => "Failures",
        Tag::Field(Field::Errors) => "Errors",
        Tag::Other => "TestRun",
    }
}

impl Parser<'_, '_, '_> {
    fn emit(&mut self, (failed, t): (bool, Test)) {
        let id = t.name.trim().to_string();
        let (suite, name) = match id.rfind("::") {
            Some(i) => (id[..i].to_string(), id[i + 2..].to_string()),
            None => (String::new(), id.clone()),
        };
        self.counts[0] += 1;
        let status = if !failed {
            TestStatus::Passed
        } else {
            match t.failure_type.as_deref().map(str::trim) {
                Some("Assertion") => {
                    self.counts[1] += 1;
                    TestStatus::Failed
                }
                Some("Error") => {
                    self.counts[2] += 1;
                    TestStatus::Errored
                }
                _ => {
                    self.counts[2] += 1;
                    self.unknown_type += 1;
                    TestStatus::Errored
                }
            }
        };
        let message = t.message.as_deref().and_then(message_of);
        let source = t
            .file
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .map(|file| Location {
                file,
                line: t
                    .line
                    .and_then(|l| l.trim().parse::<u32>().ok())
                    .filter(|&l| l > 0),
                column: None,
            });
        let pattern = &self.ctx.options.requirement_pattern;
        let mut requirements = Vec::new();
        for found in ids_in(pattern, &name)
            .iter()
            .chain(&ids_in(pattern, &suite))
        {
            push_unique(&mut requirements, found);
        }
        if !self.seen.insert(id.clone()) {
            self.repeated += 1;
        }
        self.out.push(TestCase {
            id,
            suite,
            name,
            source,
            status,
            duration_ms: None,
            message,
            flaky: false,
            requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }
}

/// A CppUnit message on one line: its lines trimmed, the `- ` before each
/// detail line dropped, joined with `; `.
fn message_of(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .map(|l| l.strip_prefix("- ").unwrap_or(l).trim())
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| truncate_chars(&lines.join("; "), MAX_MESSAGE_CHARS))
}

fn check_statistics(ctx: &mut ParseContext<'_>, stats: &Statistics, counts: [u64; 3]) {
    let mut differ = Vec::new();
    for (what, written, counted) in [
        ("Tests", &stats.tests, counts[0]),
        ("Failures", &stats.failures, counts[1]),
        ("Errors", &stats.errors, counts[2]),
    ] {
        if let Some(n) = written
            .as_deref()
            .and_then(|s| s.trim().parse::<u64>().ok())
            && n != counted
        {
            differ.push(format!("{what} {n} (found {counted})"));
        }
    }
    if !differ.is_empty() {
        ctx.warnings.push(format!(
            "the <Statistics> disagree with the tests listed: {}; the tests listed are used",
            differ.join(", ")
        ));
    }
}
