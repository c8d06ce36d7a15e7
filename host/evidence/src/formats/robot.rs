//! Robot Framework's own result file, `output.xml` (root `<robot>`), as
//! Robot 4 to 7 write it and `rebot` rewrites it, merged or not (the
//! fixtures are Robot 6.1 and 7.5 output; Robot 3's `<tags>` and
//! `<metadata>` wrappers are read too).
//!
//! Robot's xUnit output (`--xunit`, read as JUnit) leaves out test `[Tags]`,
//! where teams put requirement ids; `output.xml` keeps them.
//!
//! The file is streamed with quick-xml. Only the structure that holds test
//! results is kept on a stack (`<robot>` → `<suite>`, nested → `<test>` →
//! its `<status>`, `<tag>`, `<meta>`, and the body items directly in it);
//! everything inside keywords and control structures (`<kw>`, `<for>`,
//! `<iter>`, `<if>`, `<branch>`, `<msg>`, `<arg>`, ...), `<statistics>`
//! and `<doc>` is read past by counting its depth, without a stack frame:
//! Robot 7's keyword nesting is bounded only by Python's recursion limit,
//! and a recursion Robot itself stopped ("Recursive execution stopped.")
//! writes elements nested about 300 deep (tests/fixtures/robot/output-deep.xml),
//! more than [`super::junit::MAX_DEPTH`]. That limit applies to the kept
//! structure only (suites nest by directory).
//!
//! Mapping, one record per `<test>` (keywords are not tests):
//!
//! * `suite`: the enclosing `<suite name>`s joined with `.`, outermost first:
//!   Robot's long name (`Tests.Alarms.Thresholds`), which is also the
//!   `classname` its xUnit output writes, so ids agree between the two
//!   files of one run. `name`: the test's `name`; `id`: `suite::name`.
//! * Status: the test's own `<status status=…>` (the last one directly in
//!   `<test>`; keywords' statuses are not the test's): `PASS` → passed,
//!   `FAIL` → failed, `SKIP` → skipped, `NOT RUN` → skipped (Robot did not
//!   execute the test, so there is no result either way: not verified is
//!   what skipped says to the gate). No `<status>`, or one without a
//!   `status` attribute, is errored (fail closed; Robot itself would read
//!   FAIL), and so is a word Robot does not write; one warning each counts
//!   them.
//! * Suite teardowns: `robot` writes a test's status before its suite's
//!   teardown runs, and Robot applies a teardown that failed to the tests
//!   when it reads the file back (its `handle_suite_teardown_failures`):
//!   every test in the suite, nested suites' too, that did not skip
//!   fails, message `Parent suite teardown failed:` and the teardown's
//!   message (`Also parent suite teardown failed:` after the test's own).
//!   So here, innermost suite first, as Robot does; the teardown is a
//!   `<kw type="TEARDOWN">` directly in `<suite>` (`type="teardown"`
//!   before Robot 4; Robot 2 left its status empty, the message only in
//!   the suite's own status). A teardown that skipped skips the tests that
//!   passed (`Skipped in parent suite teardown:`); a failed test stays
//!   failed, where Robot would skip it. Not in a file whose `generator`
//!   is `Rebot`: rebot applied them when it wrote it. One warning each
//!   counts the tests Robot marks PASS that a teardown failed or skipped.
//! * `message`: the status element's text, cut to 500 characters. A message
//!   Robot marks `*HTML*` (rebot's merge messages) is reduced to its text,
//!   one line per `<br>`/`<hr>` joined with `; `.
//! * `flaky`: a passed test whose message is rebot's merge message saying
//!   the old status was FAIL (`rebot --merge` of a run and its
//!   `--rerunfailed` rerun).
//! * `duration_ms`: `elapsed` (Robot 7, seconds), else `endtime - starttime`
//!   (Robot ≤ 6, `20240101 12:00:00.000`); unreadable gives none.
//! * `source`: the nearest suite's `source` (the `.robot` file) with the
//!   test's `line`; none without a `source`.
//! * Requirement ids, duplicates dropped: each `<tag>` (Robot 4+; `<tags>
//!   <tag>` before) searched with the requirement pattern as a whole token
//!   ([`super::junit::ids_in`]), the test's `<meta>` whose name is one of
//!   `Options::requirement_properties`, the pattern in the test name and in
//!   the suite's long name, then the suites' `<meta name=…>` (Robot 4+;
//!   `<metadata><item name=…>` before) named by `requirement_properties`
//!   (compared without case), innermost suite first, their values split as
//!   JUnit property values are ([`super::junit::split_ids`]). Robot writes a
//!   suite's metadata after its tests; it applies to every test in the suite.
//! * Level: unspecified.
//!
//! Dry runs (`robot --dryrun`): nothing in the file says so (same root
//! attributes); the tests pass while their keywords are `NOT RUN`, a
//! combination a real run never writes (a keyword directly in a test's body
//! that passes always runs; keywords after a failure are NOT RUN, but then
//! the test failed). So a test Robot marks PASS whose direct `<kw>`
//! children (setup, body, teardown; at least one) are all `NOT RUN` and none
//! of whose direct body items ran is skipped with message `dry run: not
//! executed`; when the file holds such a test and no body item of any test
//! or suite directly passed or skipped, every test Robot marks PASS is (a
//! test whose body is only control structures shows nothing either way: a
//! `FOR` over an empty list is NOT RUN in a real run too). A test the dry
//! run failed (a missing keyword, wrong arguments) stays failed. One
//! warning counts them.
//!
//! Warnings: the `<errors>` section's messages at level `ERROR` (Robot's
//! execution errors: a library that failed to import, a bad setting) are
//! counted in one warning quoting the first; no tests at all.
//!
//! Refused, with their position: a root other than `<robot>`, a DOCTYPE
//! declaring entities, a file that ends inside an element (truncated), a
//! second root element, suites and tests nested deeper than
//! [`super::junit::MAX_DEPTH`].

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::ParseContext;
use super::junit::{MAX_DEPTH, ids_in, push_unique, split_ids};
use super::truncate_chars;
use super::xml::{XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{Location, TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one element (a message, a tag, a metadata value).
const MAX_COLLECTED_BYTES: usize = 8192;
/// The message of a test a dry run did not execute.
const DRY_RUN_MESSAGE: &str = "dry run: not executed";

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
        skip: 0,
        root_seen: false,
        root_closed: false,
        tests: 0,
        no_status: Vec::new(),
        unknown_status: Vec::new(),
        dry: Vec::new(),
        passed: Vec::new(),
        executed: false,
        rebot: false,
        teardown_failed: 0,
        teardown_skipped: 0,
        errors: 0,
        first_error: None,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.next(&mut buf)? {
            Event::Start(e) => p.start(&xml, &e, false)?,
            Event::Empty(e) => p.start(&xml, &e, true)?,
            Event::End(_) => p.end(&xml)?,
            Event::Text(t) if p.wants_text() => {
                let text = xml.text(&t)?;
                p.text(&text);
            }
            Event::CData(c) if p.wants_text() => {
                let text = xml.decode(&c);
                p.text(&text);
            }
            Event::DocType(d) => xml.check_doctype(&d)?,
            Event::Eof => break,
            _ => {}
        }
    }
    xml.check_complete(p.stack.last().map(Frame::tag), p.root_seen, "<robot>")?;
    p.finish();
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

/// A `<suite>` being read.
struct Suite {
    /// Robot's long name: the enclosing suites' names and its own, dotted.
    long_name: String,
    source: Option<String>,
    /// Requirement ids from its metadata.
    requirements: Vec<String>,
    /// Where its tests start in `out`.
    first_record: usize,
    /// Its teardown keyword's status word and message.
    teardown: Option<(String, String)>,
    /// Its own status message (`Suite teardown failed:\n…`).
    status_text: String,
}

/// What a `<status>` says.
#[derive(Default)]
struct Status {
    /// The `status` attribute; `None` when absent.
    word: Option<String>,
    elapsed: Option<String>,
    starttime: Option<String>,
    endtime: Option<String>,
    text: String,
}

/// A `<test>` being read.
struct Test {
    name: String,
    line: Option<u32>,
    /// The last `<status>` directly in it.
    status: Option<Status>,
    requirements: Vec<String>,
    /// Direct `<kw>` children, and how many of them are NOT RUN.
    keywords: u64,
    keywords_not_run: u64,
    /// A direct body item passed, failed or skipped.
    ran: bool,
}

/// Who a `<meta>`, `<status>` or body item belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Suite,
    Test,
}

enum Frame {
    Robot,
    Suite(Box<Suite>),
    Test(Box<Test>),
    /// The test's own `<status>`.
    Status(Box<Status>),
    /// `<tags>` (Robot < 4) or `<metadata>` (Robot < 4), holding `<tag>` or
    /// `<item>`.
    List(&'static str),
    /// A tag's text.
    Tag(String),
    /// A metadata value: collected only when its name is a requirement
    /// property.
    Meta {
        tag: &'static str,
        owner: Owner,
        text: Option<String>,
    },
    /// A keyword or control structure directly in a test or suite: only its
    /// own `<status>` is read.
    Body {
        tag: &'static str,
        owner: Owner,
        keyword: bool,
        /// A suite's teardown (`<kw type="TEARDOWN">`, `type="teardown"`
        /// before Robot 4).
        teardown: bool,
        status: Option<String>,
        message: String,
    },
    Errors,
    /// A message in `<errors>`; its text is collected for the first ERROR.
    ErrorMessage(Option<String>),
}

impl Frame {
    fn tag(&self) -> &'static str {
        match self {
            Frame::Robot => "robot",
            Frame::Suite(_) => "suite",
            Frame::Test(_) => "test",
            Frame::Status(_) => "status",
            Frame::List(tag) | Frame::Meta { tag, .. } | Frame::Body { tag, .. } => tag,
            Frame::Tag(_) => "tag",
            Frame::Errors => "errors",
            Frame::ErrorMessage(_) => "msg",
        }
    }
}

/// The body items Robot writes in a test or suite (keywords, control
/// structures, Robot 7's `VAR`, `RETURN`, ... and invalid syntax).
fn body_item(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "kw" => "kw",
        "for" => "for",
        "while" => "while",
        "if" => "if",
        "try" => "try",
        "group" => "group",
        "variable" => "variable",
        "return" => "return",
        "break" => "break",
        "continue" => "continue",
        "error" => "error",
        _ => return None,
    })
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    /// Where this file's records start in `out`.
    first: usize,
    stack: Vec<Frame>,
    /// Depth inside an element being read past (0: none).
    skip: u64,
    root_seen: bool,
    root_closed: bool,
    tests: u64,
    /// Ids of tests without a readable status.
    no_status: Vec<String>,
    /// Ids and words of tests with a status word Robot does not write.
    unknown_status: Vec<(String, String)>,
    /// Records of passed tests that a dry run did not execute.
    dry: Vec<usize>,
    /// Records of the other passed tests.
    passed: Vec<usize>,
    /// A body item of a test or suite passed or skipped: the file is from a
    /// real run.
    executed: bool,
    /// `rebot` wrote the file, suite teardowns already applied to the tests.
    rebot: bool,
    /// Tests Robot marks PASS that a parent suite's teardown failed or
    /// skipped.
    teardown_failed: u64,
    teardown_skipped: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Parser<'_, '_, '_> {
    fn wants_text(&self) -> bool {
        self.skip == 0
            && match self.stack.last() {
                Some(Frame::Status(_) | Frame::Tag(_)) => true,
                Some(Frame::Meta { text, .. } | Frame::ErrorMessage(text)) => text.is_some(),
                _ => false,
            }
    }

    fn text(&mut self, text: &str) {
        let target = match self.stack.last_mut() {
            Some(Frame::Status(status)) => Some(&mut status.text),
            Some(Frame::Tag(tag)) => Some(tag),
            Some(Frame::Meta { text, .. } | Frame::ErrorMessage(text)) => text.as_mut(),
            _ => None,
        };
        if let Some(collected) = target {
            push_capped(collected, text, MAX_COLLECTED_BYTES);
        }
    }

    fn start(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        empty: bool,
    ) -> Result<(), FormatError> {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return Ok(());
        }
        let local = e.local_name();
        let tag = local.as_ref();
        let Some(parent) = self.stack.last() else {
            return self.root(xml, e, empty);
        };
        let frame = match (tag, parent) {
            (b"suite", Frame::Robot | Frame::Suite(_)) => Frame::Suite(self.suite(xml, e)?),
            (b"test", Frame::Suite(_)) => Frame::Test(self.test(xml, e)?),
            (b"status", Frame::Test(_) | Frame::Suite(_) | Frame::Body { .. }) => {
                Frame::Status(Box::new(read_status(xml, e)?))
            }
            (b"tag", Frame::Test(_) | Frame::List("tags")) => Frame::Tag(String::new()),
            (b"tags", Frame::Test(_)) => Frame::List("tags"),
            (b"metadata", Frame::Suite(_)) => Frame::List("metadata"),
            (b"meta", Frame::Suite(_) | Frame::Test(_)) | (b"item", Frame::List("metadata")) => {
                let owner = match parent {
                    Frame::Test(_) => Owner::Test,
                    _ => Owner::Suite,
                };
                let mut wanted = false;
                let names = &self.ctx.options.requirement_properties;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        let name = value.trim();
                        wanted = names.iter().any(|p| p.eq_ignore_ascii_case(name));
                    }
                    Ok(())
                })?;
                Frame::Meta {
                    tag: if tag == b"meta" { "meta" } else { "item" },
                    owner,
                    text: wanted.then(String::new),
                }
            }
            (name, Frame::Test(_) | Frame::Suite(_)) if body_item_name(name).is_some() => {
                let tag = body_item_name(name).unwrap_or("kw");
                let owner = if matches!(parent, Frame::Test(_)) {
                    Owner::Test
                } else {
                    Owner::Suite
                };
                let mut teardown = false;
                if tag == "kw" && owner == Owner::Suite {
                    xml.for_each_attribute(e, |key, value| {
                        if key == b"type" {
                            teardown = value.trim().eq_ignore_ascii_case("teardown");
                        }
                        Ok(())
                    })?;
                }
                Frame::Body {
                    tag,
                    owner,
                    keyword: tag == "kw",
                    teardown,
                    status: None,
                    message: String::new(),
                }
            }
            (b"errors", Frame::Robot) => Frame::Errors,
            (b"msg", Frame::Errors) => {
                let mut error = false;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"level" {
                        error = value.trim().eq_ignore_ascii_case("ERROR");
                    }
                    Ok(())
                })?;
                if error {
                    self.errors += 1;
                }
                Frame::ErrorMessage((error && self.first_error.is_none()).then(String::new))
            }
            _ => return self.read_past(empty),
        };
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml.error_at_event(format!(
                "suites and tests are nested more than {MAX_DEPTH} levels deep at <{}>",
                frame.tag()
            )));
        }
        self.stack.push(frame);
        if empty {
            self.close();
        }
        Ok(())
    }

    /// Reads past the element just opened, and whatever it holds.
    fn read_past(&mut self, empty: bool) -> Result<(), FormatError> {
        if !empty {
            self.skip = 1;
        }
        Ok(())
    }

    fn root(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        empty: bool,
    ) -> Result<(), FormatError> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        if self.root_closed {
            return Err(xml.error_at_event(format!(
                "a second root element <{name}> follows the first one; expected the end of the file"
            )));
        }
        if name != "robot" {
            return Err(xml.error_at_event(format!(
                "expected <robot> as the root element (Robot Framework's output.xml), found <{name}>"
            )));
        }
        self.root_seen = true;
        xml.for_each_attribute(e, |key, value| {
            if key == b"generator" {
                let writer = value.split_whitespace().next().unwrap_or_default();
                self.rebot = writer.eq_ignore_ascii_case("rebot");
            }
            Ok(())
        })?;
        self.stack.push(Frame::Robot);
        if empty {
            self.close();
        }
        Ok(())
    }

    fn suite(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
    ) -> Result<Box<Suite>, FormatError> {
        let mut name = String::new();
        let mut source = None;
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"name" => name = value.into_owned(),
                b"source" if !value.trim().is_empty() => source = Some(value.into_owned()),
                _ => {}
            }
            Ok(())
        })?;
        let long_name = match self.stack.last() {
            Some(Frame::Suite(parent)) => format!("{}.{name}", parent.long_name),
            _ => name,
        };
        Ok(Box::new(Suite {
            long_name,
            source,
            requirements: Vec::new(),
            first_record: self.out.len(),
            teardown: None,
            status_text: String::new(),
        }))
    }

    fn test(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<Box<Test>, FormatError> {
        let mut name = String::new();
        let mut line = None;
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"name" => name = value.into_owned(),
                b"line" => line = value.trim().parse::<u32>().ok().filter(|l| *l > 0),
                _ => {}
            }
            Ok(())
        })?;
        Ok(Box::new(Test {
            name,
            line,
            status: None,
            requirements: Vec::new(),
            keywords: 0,
            keywords_not_run: 0,
            ran: false,
        }))
    }

    fn end(&mut self, xml: &XmlReader<'_>) -> Result<(), FormatError> {
        if self.skip > 0 {
            self.skip -= 1;
            return Ok(());
        }
        if self.stack.is_empty() {
            return Err(xml.error_here("a closing tag without an open element".to_string()));
        }
        self.close();
        Ok(())
    }

    /// The innermost kept element closes.
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Suite(suite) => self.end_suite(*suite),
            Frame::Test(test) => self.end_test(*test),
            Frame::Status(status) => match self.stack.last_mut() {
                Some(Frame::Test(test)) => test.status = Some(*status),
                Some(Frame::Suite(suite)) => suite.status_text = status.text,
                Some(Frame::Body {
                    status: word,
                    message,
                    ..
                }) => {
                    *word = status.word.map(|w| w.trim().to_ascii_uppercase());
                    *message = status.text;
                }
                _ => {}
            },
            Frame::Tag(tag) => {
                let ids = ids_in(&self.ctx.options.requirement_pattern, &tag);
                if let Some(test) = self.test_mut() {
                    for id in ids {
                        push_unique(&mut test.requirements, &id);
                    }
                }
            }
            Frame::Meta {
                owner,
                text: Some(value),
                ..
            } => {
                let target = match owner {
                    Owner::Test => self.test_mut().map(|t| &mut t.requirements),
                    Owner::Suite => self.stack.iter_mut().rev().find_map(|f| match f {
                        Frame::Suite(s) => Some(&mut s.requirements),
                        _ => None,
                    }),
                };
                if let Some(target) = target {
                    for id in split_ids(&value) {
                        push_unique(target, id);
                    }
                }
            }
            Frame::Body {
                owner,
                keyword,
                teardown,
                status,
                message,
                ..
            } => {
                if teardown
                    && let (Some(word), Some(Frame::Suite(suite))) =
                        (&status, self.stack.last_mut())
                {
                    suite.teardown = Some((word.clone(), message));
                }
                let ran = matches!(status.as_deref(), Some("PASS" | "FAIL" | "SKIP"));
                self.executed |= matches!(status.as_deref(), Some("PASS" | "SKIP"));
                if owner == Owner::Test
                    && let Some(Frame::Test(test)) = self.stack.last_mut()
                {
                    test.ran |= ran;
                    if keyword {
                        test.keywords += 1;
                        if status.as_deref() == Some("NOT RUN") {
                            test.keywords_not_run += 1;
                        }
                    }
                }
            }
            Frame::ErrorMessage(Some(text)) => {
                if self.first_error.is_none() {
                    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
                    self.first_error = Some(truncate_chars(line.unwrap_or_default(), 200));
                }
            }
            Frame::Robot
            | Frame::List(_)
            | Frame::Meta { text: None, .. }
            | Frame::Errors
            | Frame::ErrorMessage(None) => {}
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    /// The test being read (its `<tags>` list may stand between).
    fn test_mut(&mut self) -> Option<&mut Test> {
        self.stack.iter_mut().rev().find_map(|f| match f {
            Frame::Test(t) => Some(t.as_mut()),
            _ => None,
        })
    }

    fn end_test(&mut self, test: Test) {
        let (suite, source) = self
            .stack
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Suite(s) => Some((s.long_name.clone(), s.source.clone())),
                _ => None,
            })
            .unwrap_or_default();
        let id = format!("{suite}::{}", test.name);
        let mut requirements = test.requirements;
        let pattern = &self.ctx.options.requirement_pattern;
        for id in ids_in(pattern, &test.name)
            .into_iter()
            .chain(ids_in(pattern, &suite))
        {
            push_unique(&mut requirements, &id);
        }
        let mut flaky = false;
        let (status, message, duration_ms) = match test.status {
            None => {
                self.no_status.push(id.clone());
                (
                    TestStatus::Errored,
                    Some("Robot's output.xml records no status for this test".to_string()),
                    None,
                )
            }
            Some(s) => {
                let duration_ms = duration_ms(&s);
                let lines = message_lines(&s.text);
                let message = (!lines.is_empty()).then(|| plain_message(&s.text));
                let status = match s.word.as_deref().map(str::trim) {
                    None => {
                        self.no_status.push(id.clone());
                        TestStatus::Errored
                    }
                    Some(word) => match word.to_ascii_uppercase().as_str() {
                        "PASS" => {
                            flaky = merged_after_failure(&lines);
                            TestStatus::Passed
                        }
                        "FAIL" => TestStatus::Failed,
                        "SKIP" | "NOT RUN" => TestStatus::Skipped,
                        _ => {
                            self.unknown_status.push((id.clone(), word.to_string()));
                            TestStatus::Errored
                        }
                    },
                };
                (status, message, duration_ms)
            }
        };
        if status == TestStatus::Passed {
            let index = self.out.len();
            let dry = test.keywords > 0 && test.keywords_not_run == test.keywords && !test.ran;
            if dry {
                self.dry.push(index);
            } else {
                self.passed.push(index);
            }
        }
        self.tests += 1;
        self.out.push(TestCase {
            id,
            suite,
            name: test.name,
            source: source.map(|file| Location {
                file,
                line: test.line,
                column: None,
            }),
            status,
            duration_ms,
            message,
            flaky,
            requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    /// A suite's metadata applies to every test in it, which Robot writes
    /// before the metadata; so does a failed or skipped teardown.
    fn end_suite(&mut self, suite: Suite) {
        let from = suite.first_record.max(self.first);
        if let Some((word, message)) = &suite.teardown
            && matches!(word.as_str(), "FAIL" | "SKIP")
            && !self.rebot
        {
            self.suite_teardown(from, word, message, &suite.status_text);
        }
        for case in self.out.get_mut(from..).unwrap_or_default() {
            for id in &suite.requirements {
                push_unique(&mut case.requirements, id);
            }
        }
    }

    /// `robot` writes each test's status before its suite's teardown runs;
    /// a teardown that fails or skips changes the tests only when Robot
    /// reads the file back (`rebot`, the log and report all do), and so
    /// here: every test in the suite, nested suites' too, that did not
    /// skip fails, with Robot's message (`Parent suite teardown failed:`
    /// and the teardown's message, after the test's own if it had one). A
    /// skipped teardown skips the tests that passed; unlike Robot, a
    /// failed test stays failed, a skip must not hide a failure. `rebot`'s
    /// own output has this applied already: not twice.
    fn suite_teardown(&mut self, from: usize, word: &str, message: &str, suite_status: &str) {
        // Robot 2 left the teardown keyword's status empty; the suite's
        // own status quotes its message.
        let reason = if message.trim().is_empty() && word == "FAIL" {
            suite_status
                .rsplit_once("uite teardown failed:")
                .map_or("", |(_, reason)| reason.trim())
        } else {
            message
        };
        let fail = word == "FAIL";
        for case in self.out.get_mut(from..).unwrap_or_default() {
            if !fail && !matches!(case.status, TestStatus::Passed | TestStatus::Skipped) {
                continue;
            }
            // Robot's texts; the message kept is already one line.
            let text = match (fail, case.message.take()) {
                (true, None) => format!("Parent suite teardown failed:\n{reason}"),
                (true, Some(own)) => {
                    format!("{own}\n\nAlso parent suite teardown failed:\n{reason}")
                }
                (false, None) => format!("Skipped in parent suite teardown:\n{reason}"),
                (false, Some(earlier)) => format!(
                    "Skipped in parent suite teardown:\n{reason}\n\nEarlier message:\n{earlier}"
                ),
            };
            case.message = Some(plain_message(&text));
            if case.status == TestStatus::Passed {
                case.flaky = false;
                if fail {
                    case.status = TestStatus::Failed;
                    self.teardown_failed += 1;
                } else {
                    case.status = TestStatus::Skipped;
                    self.teardown_skipped += 1;
                }
            }
        }
    }

    fn finish(mut self) {
        // A dry run: every passed test, when nothing in the file ran.
        let mut not_executed = std::mem::take(&mut self.dry);
        if !not_executed.is_empty() && !self.executed {
            not_executed.append(&mut self.passed);
        }
        for &index in &not_executed {
            // A suite teardown may have failed it since.
            if let Some(case) = self.out.get_mut(index)
                && case.status == TestStatus::Passed
            {
                case.status = TestStatus::Skipped;
                case.message = Some(DRY_RUN_MESSAGE.to_string());
                case.flaky = false;
            }
        }
        let warnings = &mut self.ctx.warnings;
        if !not_executed.is_empty() {
            warnings.push(format!(
                "{} {} Robot marks PASS {} not executed: their keywords are NOT RUN, as \
                 `robot --dryrun` writes them; they are reported as skipped ('{DRY_RUN_MESSAGE}')",
                not_executed.len(),
                plural(not_executed.len() as u64, "test", "tests"),
                if not_executed.len() == 1 {
                    "was"
                } else {
                    "were"
                },
            ));
        }
        for (n, became) in [
            (self.teardown_failed, "failed"),
            (self.teardown_skipped, "skipped"),
        ] {
            if n > 0 {
                warnings.push(format!(
                    "{n} {} Robot marks PASS {became} in a parent suite's teardown, which \
                     `robot` writes after the tests' own status; reported as {became}, as Robot \
                     itself reports them",
                    plural(n, "test", "tests"),
                ));
            }
        }
        if let Some(first) = self.no_status.first() {
            let n = self.no_status.len() as u64;
            warnings.push(format!(
                "{n} {} no readable status (no <status> element, or one without a `status` \
                 attribute), the first '{first}'; reported as errored",
                plural(n, "test has", "tests have"),
            ));
        }
        if let Some((first, word)) = self.unknown_status.first() {
            let n = self.unknown_status.len() as u64;
            warnings.push(format!(
                "{n} {} a status Robot does not write (PASS, FAIL, SKIP, NOT RUN): '{word}' on \
                 '{first}'; reported as errored",
                plural(n, "test has", "tests have"),
            ));
        }
        if self.errors > 0 {
            warnings.push(format!(
                "Robot recorded {} execution {} (level ERROR in its <errors> section), the \
                 first: {}",
                self.errors,
                plural(self.errors, "error", "errors"),
                self.first_error.as_deref().unwrap_or_default(),
            ));
        }
        if self.tests == 0 {
            warnings.push("the output holds no tests".to_string());
        }
    }
}

fn body_item_name(tag: &[u8]) -> Option<&'static str> {
    std::str::from_utf8(tag).ok().and_then(body_item)
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn read_status(xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<Status, FormatError> {
    let mut status = Status::default();
    xml.for_each_attribute(e, |key, value| {
        match key {
            b"status" => status.word = Some(value.into_owned()),
            b"elapsed" => status.elapsed = Some(value.into_owned()),
            b"starttime" => status.starttime = Some(value.into_owned()),
            b"endtime" => status.endtime = Some(value.into_owned()),
            _ => {}
        }
        Ok(())
    })?;
    Ok(status)
}

/// Robot 7's `elapsed` (seconds), else Robot ≤ 6's `endtime - starttime`.
fn duration_ms(status: &Status) -> Option<u64> {
    if let Some(elapsed) = &status.elapsed {
        let seconds: f64 = elapsed.trim().parse().ok()?;
        if !seconds.is_finite() || seconds < 0.0 {
            return None;
        }
        // `as` saturates for absurd values.
        return Some((seconds * 1000.0).round() as u64);
    }
    let start = legacy_timestamp_ms(status.starttime.as_deref()?)?;
    let end = legacy_timestamp_ms(status.endtime.as_deref()?)?;
    u64::try_from(end.checked_sub(start)?).ok()
}

/// Milliseconds since 1970 of a Robot ≤ 6 timestamp, `20240101
/// 12:00:00.000` (the fraction may be longer or shorter); `N/A` is none.
fn legacy_timestamp_ms(ts: &str) -> Option<i64> {
    let (date, time) = ts.trim().split_once(' ')?;
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i64 = date.get(..4)?.parse().ok()?;
    let month: i64 = date.get(4..6)?.parse().ok()?;
    let day: i64 = date.get(6..8)?.parse().ok()?;
    let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut parts = hms.split(':');
    let mut part = |max: i64| -> Option<i64> {
        let p = parts.next()?;
        let n: i64 = (p.len() == 2).then(|| p.parse().ok()).flatten()?;
        (n <= max).then_some(n)
    };
    let (h, m, s) = (part(23)?, part(59)?, part(60)?);
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Milliseconds from the first three digits, padded as Robot pads them.
    let ms: i64 = format!("{:0<3}", fraction.get(..fraction.len().min(3))?)
        .parse()
        .ok()?;
    let days = crate::vex::days_from_civil(year, month, day);
    Some(((days * 24 + h) * 60 + m) * 60_000 + s * 1000 + ms)
}

/// A status message as lines of plain text: one Robot marks `*HTML*` has
/// its markup dropped, a line per `<br>`/`<hr>`; blank lines are dropped.
fn message_lines(text: &str) -> Vec<String> {
    let plain;
    let text = match text.trim_start().strip_prefix("*HTML*") {
        Some(html) => {
            plain = html_text(html);
            plain.as_str()
        }
        None => text,
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of an HTML fragment: tags dropped (`<br>`, `<hr>`, `<p>` break
/// the line), the common character references decoded.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find('>') else {
            text.push_str(rest.get(open..).unwrap_or_default());
            rest = "";
            break;
        };
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(name.as_str(), "br" | "hr" | "p" | "div" | "li") {
            text.push('\n');
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A status message as one line: [`message_lines`] joined with `; `, cut
/// to [`MAX_MESSAGE_CHARS`].
fn plain_message(text: &str) -> String {
    truncate_chars(&message_lines(text).join("; "), MAX_MESSAGE_CHARS)
}

/// rebot's message on a test merged from a rerun (`rebot --merge`) whose
/// earlier status was FAIL.
fn merged_after_failure(lines: &[String]) -> bool {
    lines
        .first()
        .is_some_and(|l| l.ends_with("has been re-executed and results merged."))
        && lines.iter().any(|l| l == "Old status: FAIL")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    fn parse_with(xml: &str, options: &Options) -> (Vec<TestCase>, Vec<String>) {
        let mut ctx = ParseContext {
            evidence_path: "output.xml",
            options,
            warnings: Vec::new(),
        };
        let mut out = Vec::new();
        parse(&mut xml.as_bytes(), &mut ctx, &mut out).expect("parses");
        (out, ctx.warnings)
    }

    fn parse_str(xml: &str) -> (Vec<TestCase>, Vec<String>) {
        parse_with(xml, &Options::default())
    }

    fn error(xml: &str) -> FormatError {
        let options = Options::default();
        let mut ctx = ParseContext {
            evidence_path: "output.xml",
            options: &options,
            warnings: Vec::new(),
        };
        parse(&mut xml.as_bytes(), &mut ctx, &mut Vec::new()).expect_err("refused")
    }

    fn robot(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<robot generator=\"Robot 7.5\" \
             rpa=\"false\" schemaversion=\"5\">\n{body}\n<statistics><total><stat pass=\"1\">All \
             Tests</stat></total><tag><stat>REQ-999</stat></tag><suite><stat>S</stat></suite>\
             </statistics>\n<errors>\n</errors>\n</robot>\n"
        )
    }

    fn kw(status: &str) -> String {
        format!(
            "<kw name=\"Log\" owner=\"BuiltIn\"><msg time=\"t\" level=\"INFO\">x</msg>\
             <arg>x</arg><doc>Logs.</doc><status status=\"{status}\" start=\"t\" \
             elapsed=\"0.1\"/></kw>"
        )
    }

    #[test]
    fn statuses_map_and_keyword_statuses_do_not_count() {
        let (cases, warnings) = parse_str(&robot(&format!(
            "<suite name=\"S\" source=\"/w/s.robot\">\
             <test name=\"P\" line=\"3\">{fail}<status status=\"PASS\" start=\"t\" elapsed=\"0.5\"/></test>\
             <test name=\"F\">{pass}<status status=\"FAIL\" start=\"t\" elapsed=\"1\">boom</status></test>\
             <test name=\"S\"><status status=\"SKIP\" start=\"t\" elapsed=\"0\">later</status></test>\
             <test name=\"N\"><status status=\"NOT RUN\" start=\"t\" elapsed=\"0\"/></test>\
             <status status=\"FAIL\" start=\"t\" elapsed=\"2\"/></suite>",
            fail = kw("FAIL"),
            pass = kw("PASS"),
        )));
        let got: Vec<_> = cases
            .iter()
            .map(|c| (c.id.as_str(), c.status, c.message.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("S::P", TestStatus::Passed, None),
                ("S::F", TestStatus::Failed, Some("boom")),
                ("S::S", TestStatus::Skipped, Some("later")),
                ("S::N", TestStatus::Skipped, None),
            ]
        );
        assert_eq!(cases[0].duration_ms, Some(500));
        assert_eq!(cases[1].duration_ms, Some(1000));
        assert_eq!(
            cases[0].source,
            Some(Location {
                file: "/w/s.robot".into(),
                line: Some(3),
                column: None
            })
        );
        assert_eq!(cases[0].level, TestLevel::Unspecified);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_last_direct_status_is_the_tests() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"S\"><test name=\"T\"><status status=\"FAIL\">first</status>\
             <status status=\"PASS\"/></test></suite>",
        ));
        assert_eq!(cases[0].status, TestStatus::Passed);
        assert_eq!(cases[0].message, None);
        assert_eq!(cases[0].source, None);
    }

    #[test]
    fn tags_name_and_suite_give_requirement_ids() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"Top\"><suite name=\"Alarms RC-7\" source=\"/w/a.robot\">\
             <test name=\"REQ-020 Dose\" line=\"1\"><tag>component:alarms</tag><tag>REQ-012</tag>\
             <tag>req_013</tag><tag>prereq-9</tag><tag>REQ-012</tag><tag>smoke</tag>\
             <status status=\"PASS\"/></test></suite></suite>",
        ));
        assert_eq!(cases[0].suite, "Top.Alarms RC-7");
        assert_eq!(cases[0].id, "Top.Alarms RC-7::REQ-020 Dose");
        assert_eq!(
            cases[0].requirements,
            ["REQ-012", "REQ-013", "REQ-020", "RC-7"]
        );
    }

    #[test]
    fn robot_3_tags_and_metadata_lists_are_read() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"S\"><metadata><item name=\"Verifies\">REQ-1 REQ-2</item>\
             <item name=\"Owner\">REQ-99</item></metadata>\
             <test name=\"T\"><tags><tag>REQ-3</tag></tags>\
             <status status=\"PASS\" starttime=\"20240101 12:00:00.000\" \
             endtime=\"20240101 12:00:01.250\"/></test></suite>",
        ));
        assert_eq!(cases[0].requirements, ["REQ-3", "REQ-1", "REQ-2"]);
        assert_eq!(cases[0].duration_ms, Some(1250));
    }

    #[test]
    fn suite_metadata_after_the_tests_applies_to_them_innermost_first() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"Top\">\
             <suite name=\"Inner\"><test name=\"A\"><tag>REQ-9</tag><status status=\"PASS\"/></test>\
             <doc>d</doc><meta name=\"Requirements\">REQ-040, REQ-041</meta>\
             <meta name=\"Owner\">REQ-777</meta><status status=\"PASS\"/></suite>\
             <suite name=\"Other\"><test name=\"B\"><status status=\"PASS\"/></test></suite>\
             <meta name=\"verifies\">[REQ-050; 'REQ-041']</meta>\
             <status status=\"PASS\"/></suite>",
        ));
        assert_eq!(
            cases[0].requirements,
            ["REQ-9", "REQ-040", "REQ-041", "REQ-050"]
        );
        assert_eq!(cases[1].requirements, ["REQ-050", "REQ-041"]);
    }

    #[test]
    fn test_metadata_is_read_too() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"S\"><test name=\"T\"><meta name=\"REQ\">SRS-4</meta>\
             <status status=\"PASS\"/></test></suite>",
        ));
        assert_eq!(cases[0].requirements, ["SRS-4"]);
    }

    #[test]
    fn durations_in_both_status_forms() {
        let status = |attrs: &str| {
            let (cases, _) = parse_str(&robot(&format!(
                "<suite name=\"S\"><test name=\"T\"><status status=\"PASS\" {attrs}/></test></suite>"
            )));
            cases[0].duration_ms
        };
        assert_eq!(
            status("start=\"2026-01-01T00:00:00\" elapsed=\"0.001441\""),
            Some(1)
        );
        assert_eq!(status("elapsed=\"12.3456\""), Some(12346));
        assert_eq!(status("elapsed=\"-1\""), None);
        assert_eq!(status("elapsed=\"soon\""), None);
        assert_eq!(
            status("starttime=\"20261122 17:53:19.933\" endtime=\"20261122 17:53:19.946\""),
            Some(13)
        );
        // Across midnight and a month end.
        assert_eq!(
            status("starttime=\"20240229 23:59:59.500\" endtime=\"20240301 00:00:01.000\""),
            Some(1500)
        );
        assert_eq!(
            status("starttime=\"20240101 12:00:00\" endtime=\"20240101 12:00:02.5\""),
            Some(2500)
        );
        assert_eq!(status("starttime=\"N/A\" endtime=\"N/A\""), None);
        assert_eq!(
            status("starttime=\"20240101 12:00:02.000\" endtime=\"20240101 12:00:01.000\""),
            None
        );
        assert_eq!(status(""), None);
    }

    #[test]
    fn unreadable_and_unknown_statuses_are_errored_with_a_warning_each() {
        let (cases, warnings) = parse_str(&robot(
            "<suite name=\"S\"><test name=\"None\"></test>\
             <test name=\"NoAttr\"><status start=\"t\">hm</status></test>\
             <test name=\"Odd\"><status status=\"FLAKY\"/></test>\
             <test name=\"Odd2\"><status status=\"WARN\"/></test></suite>",
        ));
        assert!(cases.iter().all(|c| c.status == TestStatus::Errored));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("2 tests have no readable status")
                && warnings[0].contains("'S::None'"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with("2 tests have a status Robot does not write")
                && warnings[1].contains("'FLAKY' on 'S::Odd'"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_keyword_heavy_deeply_nested_test_reads_past_its_keywords() {
        // Deeper than MAX_DEPTH, as Robot 7 writes a recursion it stopped.
        let depth = MAX_DEPTH * 3;
        let mut body = String::new();
        for i in 0..depth {
            body.push_str(&format!(
                "<kw name=\"Descend\"><arg>{i}</arg><if><branch type=\"IF\" condition=\"1\">\
                 <for flavor=\"IN\"><iter><var name=\"${{i}}\">1</var>"
            ));
        }
        body.push_str("<msg level=\"FAIL\">Recursive execution stopped.</msg><test name=\"inner\"/><tag>REQ-1</tag>");
        for _ in 0..depth {
            body.push_str(
                "<status status=\"FAIL\"/></iter><status status=\"FAIL\"/></for>\
                 <status status=\"FAIL\"/></branch><status status=\"FAIL\"/></if>\
                 <status status=\"FAIL\">Recursive execution stopped.</status></kw>",
            );
        }
        let (cases, warnings) = parse_str(&robot(&format!(
            "<suite name=\"S\"><test name=\"Deep\"><tag>REQ-063</tag>{body}\
             <status status=\"FAIL\" elapsed=\"2\">Recursive execution stopped.</status></test>\
             <test name=\"After\"><status status=\"PASS\"/></test></suite>"
        )));
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].status, TestStatus::Failed);
        assert_eq!(cases[0].requirements, ["REQ-063"]);
        assert_eq!(
            cases[0].message.as_deref(),
            Some("Recursive execution stopped.")
        );
        assert_eq!(cases[1].status, TestStatus::Passed);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn suites_nested_too_deep_are_refused() {
        let xml = robot(&format!(
            "{}{}",
            "<suite name=\"s\">".repeat(MAX_DEPTH),
            "</suite>".repeat(MAX_DEPTH)
        ));
        let err = error(&xml);
        assert!(
            err.message
                .contains(&format!("nested more than {MAX_DEPTH} levels")),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_dry_run_is_not_read_as_passed() {
        let not_run = kw("NOT RUN");
        let xml = robot(&format!(
            "<suite name=\"S\">\
             <kw name=\"Log\" type=\"SETUP\"><status status=\"NOT RUN\"/></kw>\
             <test name=\"A\"><tag>REQ-1</tag>{not_run}{not_run}<status status=\"PASS\"/></test>\
             <test name=\"Loop\"><for flavor=\"IN\">{not_run}<status status=\"NOT RUN\"/></for>\
             <status status=\"PASS\"/></test>\
             <test name=\"Broken\"><kw name=\"Nope\"><status status=\"FAIL\"/></kw>\
             <status status=\"FAIL\">No keyword with name 'Nope' found.</status></test>\
             <test name=\"Tagged skip\"><status status=\"SKIP\">Test skipped using 'robot:skip' tag.</status></test>\
             </suite>"
        ));
        let (cases, warnings) = parse_str(&xml);
        let got: Vec<_> = cases
            .iter()
            .map(|c| (c.name.as_str(), c.status, c.message.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", TestStatus::Skipped, Some(DRY_RUN_MESSAGE)),
                ("Loop", TestStatus::Skipped, Some(DRY_RUN_MESSAGE)),
                (
                    "Broken",
                    TestStatus::Failed,
                    Some("No keyword with name 'Nope' found.")
                ),
                (
                    "Tagged skip",
                    TestStatus::Skipped,
                    Some("Test skipped using 'robot:skip' tag.")
                ),
            ]
        );
        assert_eq!(cases[0].requirements, ["REQ-1"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("2 tests Robot marks PASS were not executed"));
    }

    #[test]
    fn a_real_run_with_an_empty_loop_stays_passed() {
        // A FOR over an empty list is NOT RUN in a real run; a passing
        // keyword elsewhere shows the file is from one.
        let xml = robot(&format!(
            "<suite name=\"S\">\
             <test name=\"Loop\"><for flavor=\"IN\"><iter><status status=\"NOT RUN\"/></iter>\
             <status status=\"NOT RUN\"/></for><status status=\"PASS\"/></test>\
             <test name=\"Ran\">{}<status status=\"PASS\"/></test>\
             <test name=\"Failed\">{}{}<status status=\"FAIL\">x</status></test></suite>",
            kw("PASS"),
            kw("FAIL"),
            kw("NOT RUN"),
        ));
        let (cases, warnings) = parse_str(&xml);
        assert!(cases[..2].iter().all(|c| c.status == TestStatus::Passed));
        assert_eq!(cases[2].status, TestStatus::Failed);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn rebot_merge_after_a_failure_is_flaky_with_a_plain_message() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"S\"><test name=\"T\"><status status=\"PASS\">*HTML* &lt;span \
             class=\"merge\"&gt;Test has been re-executed and results merged.&lt;/span&gt;&lt;hr&gt;\
             &lt;span class=\"new-status\"&gt;New status:&lt;/span&gt; &lt;span class=\"pass\"&gt;PASS\
             &lt;/span&gt;&lt;br&gt;&lt;hr&gt;&lt;span class=\"old-status\"&gt;Old status:&lt;/span&gt; \
             &lt;span class=\"fail\"&gt;FAIL&lt;/span&gt;&lt;br&gt;&lt;span class=\"old-message\"&gt;Old \
             message:&lt;/span&gt; 1 &amp;lt; 2&lt;br&gt;</status></test></suite>",
        ));
        assert!(cases[0].flaky);
        assert_eq!(cases[0].status, TestStatus::Passed);
        assert_eq!(
            cases[0].message.as_deref(),
            Some(
                "Test has been re-executed and results merged.; New status: PASS; Old status: \
                 FAIL; Old message: 1 < 2"
            )
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(2000);
        let (cases, _) = parse_str(&robot(&format!(
            "<suite name=\"S\"><test name=\"T\"><status status=\"FAIL\">{long}</status></test></suite>"
        )));
        assert_eq!(
            cases[0].message.as_deref().map(|m| m.chars().count()),
            Some(MAX_MESSAGE_CHARS + 1)
        );
    }

    #[test]
    fn execution_errors_and_empty_outputs_warn() {
        let xml = "<robot><suite name=\"S\"/><errors>\
                   <msg time=\"t\" level=\"WARN\">just a warning</msg>\
                   <msg time=\"t\" level=\"ERROR\">Error in file 'x.robot' on line 2: Importing \
                   library 'Nope' failed\nTraceback</msg>\
                   <msg timestamp=\"t\" level=\"ERROR\">second</msg></errors></robot>";
        let (cases, warnings) = parse_str(xml);
        assert!(cases.is_empty());
        assert_eq!(
            warnings,
            [
                "Robot recorded 2 execution errors (level ERROR in its <errors> section), the \
                 first: Error in file 'x.robot' on line 2: Importing library 'Nope' failed",
                "the output holds no tests",
            ]
        );
    }

    #[test]
    fn statistics_suites_and_tags_are_not_tests_or_requirements() {
        let (cases, _) = parse_str(&robot(
            "<suite name=\"S\"><test name=\"T\"><status status=\"PASS\"/></test></suite>",
        ));
        assert_eq!(cases.len(), 1);
        assert!(cases[0].requirements.is_empty());
    }

    #[test]
    fn wrong_roots_truncation_and_entities_are_refused_with_positions() {
        let err = error("<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>");
        assert!(err.message.contains("expected <robot>"), "{}", err.message);
        assert!(format!("{:?}", err.at).contains("22"), "{:?}", err.at);

        let err = error("<robot><suite name=\"S\"><test name=\"T\"><kw><status status=\"PASS\"/>");
        assert!(
            err.message.contains("ends inside <kw>") && err.message.contains("truncated"),
            "{}",
            err.message
        );

        let err = error("<robot/><robot/>");
        assert!(err.message.contains("second root"), "{}", err.message);
        assert!(format!("{:?}", err.at).contains('8'), "{:?}", err.at);

        let err = error("<!DOCTYPE robot [<!ENTITY x \"y\">]><robot/>");
        assert!(err.message.contains("ENTITY"), "{}", err.message);

        let err = error("");
        assert!(err.message.contains("no root element"), "{}", err.message);
    }

    /// The same records and warnings however the input arrives in pieces.
    #[test]
    fn reads_the_same_from_small_chunks() {
        let options = Options::default();
        for text in [
            include_str!("../../../../tests/fixtures/robot/output.xml"),
            include_str!("../../../../tests/fixtures/robot/output-rebot-merged.xml"),
            include_str!("../../../../tests/fixtures/robot/output-dryrun-rf6.xml"),
        ] {
            let whole = parse_with(text, &options);
            for chunk in [1, 2, 3, 7, 64] {
                let mut reader = std::io::BufReader::with_capacity(
                    chunk,
                    crate::testing::Trickle::new(text.as_bytes(), chunk),
                );
                let mut ctx = ParseContext {
                    evidence_path: "output.xml",
                    options: &options,
                    warnings: Vec::new(),
                };
                let mut out = Vec::new();
                parse(&mut reader, &mut ctx, &mut out).expect("parses");
                assert_eq!((out, ctx.warnings), whole, "chunks of {chunk}");
            }
        }
    }

    #[test]
    fn legacy_timestamps() {
        assert_eq!(legacy_timestamp_ms("19700101 00:00:00.000"), Some(0));
        assert_eq!(legacy_timestamp_ms("19700102 00:00:01.5"), Some(86_401_500));
        assert_eq!(legacy_timestamp_ms("20240101 25:00:00.000"), None);
        assert_eq!(legacy_timestamp_ms("2024-01-01 12:00:00"), None);
        assert_eq!(legacy_timestamp_ms("N/A"), None);
    }
}
