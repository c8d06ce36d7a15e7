//! TestNG's `testng-results.xml` (its `XMLReporter`, root
//! `<testng-results>`), as TestNG 6.9 to 7.x write it, alone or under
//! Maven Surefire and Gradle (the fixtures are TestNG 6.9.12's and 7.5's,
//! and 7.5's under Surefire 2.22.3).
//!
//! The file holds `<suite>`s; each lists its `<groups>` (every `<group
//! name>` with the `<method class name>`s in it) before its `<test>`s,
//! which hold `<class name>`es, which hold one `<test-method>` per
//! invocation: `status` (`PASS`, `FAIL`, `SKIP`), `name` (the Java
//! method), `duration-ms`, `is-config="true"` for configuration methods
//! (`@BeforeClass`, `@BeforeMethod`, `@AfterSuite`, ...), `description`,
//! `data-provider`, `retried="true"` (7.x), and inside it `<params>`,
//! `<exception class>` with `<message>`.
//!
//! Mapping, one record per `<test-method>` that is not a configuration
//! method:
//!
//! * `suite`: the enclosing `<class name>` (the fully qualified class;
//!   XMLReporter's `splitClassAndPackageNames` writes the simple name and
//!   a `package` attribute, joined back here);
//!   `name`: the `name` attribute (the method); `id`: `suite::name`. This
//!   is what regops' JUnit reader gives the same test in the JUnit files
//!   TestNG writes beside this one (`junitreports/TEST-<class>.xml`:
//!   `classname` the class, `name` the method) and Surefire writes for a
//!   TestNG run, so a requirement trace survives a change of report.
//! * Status: `PASS` → passed; `SKIP` → skipped; `FAIL` → failed when the
//!   `<exception class>` is an assertion (`java.lang.AssertionError`, or a
//!   class whose simple name says it is one: `AssertionFailedError`,
//!   `ComparisonFailure`, `MultipleFailuresError`, `…AssertionError`),
//!   else errored: TestNG's own JUnit reporter writes `<failure>` for an
//!   `AssertionError` and `<error>` for any other exception.
//!   `SUCCESS_PERCENTAGE_FAILURE` (an invocation that failed within its
//!   test's `successPercentage`) likewise, message `failed within the
//!   test's successPercentage: …`, with a warning: TestNG tolerates it (the
//!   root's totals and its JUnit report leave it out) but prints it among
//!   the failures and exits with 4; the invocation did fail. Another
//!   status (or none) → errored (fail closed), one warning counting them. A
//!   `PASS` keeps no message even with an `<exception>` (an
//!   `expectedExceptions` test records the exception it expected).
//! * Configuration methods (fail closed): a failed one (`FAIL`, or an
//!   unknown status) is an errored record `class::method`, message
//!   `configuration method failed: …`, as TestNG 7's JUnit reporter
//!   writes it (a `<testcase>` with an `<error>`); the tests it stopped
//!   stay skipped, as TestNG reports them. The failure cannot vanish: the
//!   errored record fails a gate even when every test of the class is
//!   skipped, or all passed before an `@AfterClass` failed. Passed and
//!   skipped configuration methods are not tests and make no record.
//! * Retries (TestNG 7's `IRetryAnalyzer` attempts, `retried="true"`,
//!   written as `SKIP` with the attempt's exception): like Surefire's
//!   reruns in the JUnit reader, the attempts and the last, unmarked
//!   result of the same id are one record (XMLReporter sorts a class's
//!   results by start, so the attempts come first): the last result's
//!   status, a pass after failed attempts `flaky` (message: the first
//!   attempt's). Attempts with no last result are one failed record
//!   (errored for an exception that is no assertion; fail closed). TestNG
//!   6 writes retried attempts as plain `SKIP`s: they are read as written.
//! * Data-provider invocations repeat the method name: each is a record of
//!   the same id (as in TestNG's JUnit files), kept, one warning counting
//!   repeated ids; a failing invocation's message ends with its
//!   parameters, ` (parameters: Insulin µ-Einheit, 0)`.
//! * `message`: the `<exception>`'s `<message>`, its lines trimmed and
//!   joined with spaces, else the exception class; cut to 500 characters.
//! * `duration_ms`: `duration-ms`. No source (TestNG writes no file);
//!   level unspecified.
//! * Requirement ids, duplicates dropped, in this order: the groups of the
//!   method (its `<group>`s in the suite's `<groups>`, and the `groups`
//!   attribute some writers add) where the requirement pattern finds an id
//!   (`groups = {"REQ-012"}`), as the JUnit reader reads
//!   `<properties>`; the pattern in `description`, then in the name and
//!   the class (as the JUnit reader finds them in names).
//!
//! Memory: records stream out at each `</test-method>`; kept are the
//! groups that carry requirement ids (class, method and ids, per suite:
//! `<groups>` comes before the tests) and the ids of retried attempts
//! awaiting their last result.
//!
//! Tests the root counts as `failed` (or `skipped`) beyond the test
//! methods listed as failed or errored (skipped) are one errored (skipped)
//! record `testng-results::(N failing test(s) counted but not listed)`
//! (`… skipped …`), with a warning, as the NUnit reader does: a file that
//! lost its failures must not read as clean.
//!
//! A `<test-method>` nested where the format puts no test (under an element this
//! reader does not read) is not read; such elements make one errored
//! record `(file)::(N <…> element(s) outside the report's structure)`,
//! with a warning, so that failures nested one level off cannot vanish.
//!
//! Warnings: the root's totals (`total`, `passed`, `failed`, `skipped`,
//! `retried`) that disagree with the test methods read (the records are
//! kept); `ignored` tests TestNG counts but does not list; invocations
//! failed within a `successPercentage`; failed configuration methods
//! (records TestNG does not count as tests); retried tests merged; repeated
//! ids; unknown statuses.
//!
//! Refused, with their position: a root other than `<testng-results>`, a
//! DOCTYPE declaring entities, a file that ends inside an element
//! (truncated), a second root element, nesting deeper than
//! [`super::junit::MAX_DEPTH`].

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::{dedup_ids, ids_in};
use super::stand_in;
use super::truncate_chars;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one element.
const MAX_COLLECTED_BYTES: usize = 8192;
/// Characters of one data-provider parameter shown in a message.
const MAX_PARAM_CHARS: usize = 80;
/// Parameters shown in a message; more are elided.
const MAX_PARAMS_SHOWN: usize = 8;
/// The suite of the records standing for tests the root counts but does
/// not list.
const ROOT_SUITE: &str = "testng-results";

/// The elements whose place matters; anything else is `Other`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Suite,
    Groups,
    /// A `<group>`; true when its name carries a requirement id.
    Group(bool),
    GroupMethod,
    Test,
    Class,
    TestMethod,
    Params,
    Param,
    Value,
    Exception,
    Message,
    Other,
}

/// One `<test-method>` being read.
#[derive(Default)]
struct Method {
    class: String,
    name: String,
    status: String,
    config: bool,
    retried: bool,
    duration_ms: Option<u64>,
    description: String,
    groups: String,
    exception: Option<String>,
    message: Option<String>,
    params: Vec<String>,
}

/// The root's totals, as written.
#[derive(Default)]
struct Totals {
    total: Option<u64>,
    passed: Option<u64>,
    failed: Option<u64>,
    skipped: Option<u64>,
    retried: Option<u64>,
    ignored: Option<u64>,
}

/// Test methods read, to check the totals against.
#[derive(Default)]
struct Counted {
    total: u64,
    passed: u64,
    failed: u64,
    skipped: u64,
    retried: u64,
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
        totals: Totals::default(),
        counted: Counted::default(),
        group_ids: Vec::new(),
        groups: HashMap::new(),
        class: String::new(),
        method: None,
        text: None,
        param_null: false,
        attempts: HashMap::new(),
        failed_configs: 0,
        tolerated: 0,
        retried_tests: 0,
        flaky: 0,
        unknown_status: 0,
        misplaced: 0,
        seen: HashSet::new(),
        repeated: 0,
    };
    xml.walk(&mut p)?;
    let open = p.stack.iter().rev().find(|t| **t != Tag::Other);
    xml.check_complete(open.map(|t| tag_name(*t)), p.root_seen, "<testng-results>")?;
    p.finish();
    xml.warn_replaced_utf8(&mut p.ctx.warnings);
    Ok(())
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    totals: Totals,
    counted: Counted,
    /// Requirement ids of the `<group>` being read.
    group_ids: Vec<String>,
    /// Requirement ids from the suite's groups, by `class::method`.
    groups: HashMap<String, Vec<String>>,
    /// The `<class>` being read.
    class: String,
    method: Option<Method>,
    /// The text of the `<message>` or `<value>` being read.
    text: Option<String>,
    /// The `<value>` being read is `is-null="true"`.
    param_null: bool,
    /// Ids with retried attempts not yet followed by their last result:
    /// the index of their record in `out` and the attempts seen.
    attempts: HashMap<String, (usize, u64)>,
    /// Failed configuration methods, each an errored record.
    failed_configs: u64,
    /// Invocations that failed within their test's `successPercentage`.
    tolerated: u64,
    retried_tests: u64,
    flaky: u64,
    unknown_status: u64,
    /// `<test-method>`s outside a `<class>` of a `<test>`, not read.
    misplaced: u64,
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
            b"testng-results",
        )?;
        let mut tag = child(self.stack.last().copied(), name.as_ref());
        if tag == Tag::Other && name.as_ref() == b"test-method" {
            self.misplaced += 1;
        }
        self.root_seen = true;
        match tag {
            Tag::Root => {
                let t = &mut self.totals;
                xml.for_each_attribute(e, |key, v| {
                    let n = v.trim().parse::<u64>().ok();
                    match key {
                        b"total" => t.total = n,
                        b"passed" => t.passed = n,
                        b"failed" => t.failed = n,
                        b"skipped" => t.skipped = n,
                        b"retried" => t.retried = n,
                        b"ignored" => t.ignored = n,
                        _ => {}
                    }
                    Ok(())
                })?;
            }
            // Groups are per suite (a group of one suite says nothing of
            // another's methods).
            Tag::Suite => self.groups.clear(),
            Tag::Group(_) => {
                let pattern = &self.ctx.options.requirement_pattern;
                let mut ids = Vec::new();
                xml.for_each_attribute(e, |key, v| {
                    if key == b"name" {
                        ids = ids_in(pattern, v.trim());
                    }
                    Ok(())
                })?;
                tag = Tag::Group(!ids.is_empty());
                self.group_ids = ids;
            }
            // Only groups that name a requirement are kept.
            Tag::GroupMethod if self.stack.last() == Some(&Tag::Group(true)) => {
                let (mut class, mut method) = (String::new(), String::new());
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"class" => class = v.trim().to_string(),
                        b"name" => method = v.trim().to_string(),
                        _ => {}
                    }
                    Ok(())
                })?;
                // Repeats go when `<groups>` closes.
                self.groups
                    .entry(format!("{class}::{method}"))
                    .or_default()
                    .extend_from_slice(&self.group_ids);
            }
            Tag::Class => {
                let (mut class, mut package) = (String::new(), String::new());
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"name" => class = v.trim().to_string(),
                        b"package" => package = v.trim().to_string(),
                        _ => {}
                    }
                    Ok(())
                })?;
                // XMLReporter's `splitClassAndPackageNames` writes the
                // simple name and the package apart (`[default]` for none).
                if !package.is_empty() && package != "[default]" {
                    class = format!("{package}.{class}");
                }
                self.class = class;
            }
            Tag::TestMethod => {
                let mut m = Method {
                    class: self.class.clone(),
                    ..Method::default()
                };
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"name" => m.name = v.trim().to_string(),
                        b"status" => m.status = v.trim().to_string(),
                        b"is-config" => m.config = v.trim() == "true",
                        b"retried" => m.retried = v.trim() == "true",
                        b"duration-ms" => m.duration_ms = v.trim().parse().ok(),
                        b"description" => m.description = v.into_owned(),
                        b"groups" => m.groups = v.into_owned(),
                        _ => {}
                    }
                    Ok(())
                })?;
                self.method = Some(m);
            }
            Tag::Exception => {
                if let Some(m) = self.method.as_mut() {
                    let mut class = String::new();
                    xml.for_each_attribute(e, |key, v| {
                        if key == b"class" {
                            class = v.trim().to_string();
                        }
                        Ok(())
                    })?;
                    m.exception = Some(class);
                }
            }
            Tag::Value => {
                let mut null = false;
                xml.for_each_attribute(e, |key, v| {
                    if key == b"is-null" {
                        null = v.trim() == "true";
                    }
                    Ok(())
                })?;
                self.param_null = null;
                self.text = Some(String::new());
            }
            Tag::Message => self.text = Some(String::new()),
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// The innermost open element closes.
    fn end(&mut self) {
        match self.stack.pop() {
            Some(Tag::Message) => {
                let text = self.text.take().unwrap_or_default();
                if let Some(m) = self.method.as_mut() {
                    m.message = Some(text);
                }
            }
            Some(Tag::Value) => {
                let text = self.text.take().unwrap_or_default();
                // One more than is shown, to know that some were elided.
                if let Some(m) = self.method.as_mut()
                    && m.params.len() <= MAX_PARAMS_SHOWN
                {
                    let shown = if self.param_null {
                        "null".to_string()
                    } else {
                        truncate_chars(&text, MAX_PARAM_CHARS)
                    };
                    m.params.push(shown);
                }
            }
            Some(Tag::TestMethod) => {
                if let Some(m) = self.method.take() {
                    self.emit(m);
                }
            }
            Some(Tag::Group(_)) => self.group_ids.clear(),
            Some(Tag::Groups) => self.groups.values_mut().for_each(dedup_ids),
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
        (None, b"testng-results") => Tag::Root,
        (Some(Tag::Root), b"suite") => Tag::Suite,
        (Some(Tag::Suite), b"groups") => Tag::Groups,
        (Some(Tag::Groups), b"group") => Tag::Group(false),
        (Some(Tag::Group(_)), b"method") => Tag::GroupMethod,
        (Some(Tag::Suite), b"test") => Tag::Test,
        (Some(Tag::Test), b"class") => Tag::Class,
        (Some(Tag::Class), b"test-method") => Tag::TestMethod,
        (Some(Tag::TestMethod), b"params") => Tag::Params,
        (Some(Tag::Params), b"param") => Tag::Param,
        (Some(Tag::Param), b"value") => Tag::Value,
        (Some(Tag::TestMethod), b"exception") => Tag::Exception,
        (Some(Tag::Exception), b"message") => Tag::Message,
        _ => Tag::Other,
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Root | Tag::Other => "testng-results",
        Tag::Suite => "suite",
        Tag::Groups => "groups",
        Tag::Group(_) => "group",
        Tag::GroupMethod => "method",
        Tag::Test => "test",
        Tag::Class => "class",
        Tag::TestMethod => "test-method",
        Tag::Params => "params",
        Tag::Param => "param",
        Tag::Value => "value",
        Tag::Exception => "exception",
        Tag::Message => "message",
    }
}

/// Whether TestNG's JUnit reporter would call this exception a failure (an
/// `AssertionError`, which it tests with `instanceof`; only the class name
/// is in the file, so the assertion errors of the common libraries are
/// known by their names).
fn is_assertion(class: &str) -> bool {
    let simple = class.rsplit(['.', '$']).next().unwrap_or(class);
    simple.ends_with("AssertionError")
        || simple.ends_with("AssertionFailedError")
        || simple.ends_with("ComparisonFailure")
        || simple == "MultipleFailuresError"
}

impl Parser<'_, '_, '_> {
    fn emit(&mut self, m: Method) {
        // An invocation that failed within its test's `successPercentage`:
        // TestNG tolerates it (no failed test in the root's totals), but
        // prints it among the failures and exits with 4; it did fail.
        let tolerated = m.status == "SUCCESS_PERCENTAGE_FAILURE" && !m.config;
        let status = match m.status.as_str() {
            "PASS" => Some(TestStatus::Passed),
            "SKIP" => Some(TestStatus::Skipped),
            "FAIL" | "SUCCESS_PERCENTAGE_FAILURE"
                if m.exception.as_deref().is_some_and(is_assertion) =>
            {
                Some(TestStatus::Failed)
            }
            "FAIL" | "SUCCESS_PERCENTAGE_FAILURE" => Some(TestStatus::Errored),
            _ => None,
        };
        if m.config {
            // Passed and skipped configuration methods are not tests.
            if matches!(status, Some(TestStatus::Passed | TestStatus::Skipped)) {
                return;
            }
            if status.is_none() {
                self.unknown_status += 1;
            }
            self.failed_configs += 1;
            let why = message_of(&m).unwrap_or_else(|| "no exception recorded".to_string());
            let message = truncate_chars(
                &format!("configuration method failed: {why}"),
                MAX_MESSAGE_CHARS,
            );
            self.push(m, TestStatus::Errored, Some(message));
            return;
        }
        if !tolerated {
            self.counted.total += 1;
        }
        // TestNG 7 writes each retried attempt as a SKIP marked retried.
        let attempt = m.retried && status == Some(TestStatus::Skipped);
        match status {
            _ if tolerated => self.tolerated += 1,
            _ if attempt => self.counted.retried += 1,
            Some(TestStatus::Passed) => self.counted.passed += 1,
            Some(TestStatus::Skipped) => self.counted.skipped += 1,
            _ => self.counted.failed += 1,
        }
        let status = status.unwrap_or_else(|| {
            self.unknown_status += 1;
            TestStatus::Errored
        });
        let mut message = match status {
            TestStatus::Passed => None,
            _ => message_of(&m),
        };
        if tolerated {
            let why = message.unwrap_or_else(|| "no exception recorded".to_string());
            message = Some(truncate_chars(
                &format!("failed within the test's successPercentage: {why}"),
                MAX_MESSAGE_CHARS,
            ));
        }
        if status == TestStatus::Errored && m.exception.is_none() && !attempt {
            message.get_or_insert_with(|| format!("TestNG status \"{}\"", m.status));
        }
        if let Some(text) = message.as_mut()
            && !m.params.is_empty()
        {
            let mut shown = m
                .params
                .iter()
                .take(MAX_PARAMS_SHOWN)
                .cloned()
                .collect::<Vec<_>>();
            if m.params.len() > MAX_PARAMS_SHOWN {
                shown.push("…".to_string());
            }
            *text = truncate_chars(
                &format!("{text} (parameters: {})", shown.join(", ")),
                MAX_MESSAGE_CHARS,
            );
        }
        let id = format!("{}::{}", m.class, m.name);
        if attempt {
            // A failed attempt: the record waits for the last result.
            match self.attempts.get_mut(&id) {
                Some((_, n)) => *n += 1,
                None => {
                    // Until then, the attempt failed (fail closed).
                    let failed = match m.exception.as_deref() {
                        Some(class) if !is_assertion(class) => TestStatus::Errored,
                        _ => TestStatus::Failed,
                    };
                    let index = self.out.len();
                    self.push(m, failed, message);
                    self.attempts.insert(id, (index, 1));
                }
            }
            return;
        }
        if let Some((index, n)) = self.attempts.remove(&id)
            && let Some(record) = self.out.get_mut(index)
        {
            self.retried_tests += 1;
            let flaky = status == TestStatus::Passed;
            if flaky {
                self.flaky += 1;
                let first = record
                    .message
                    .take()
                    .unwrap_or_else(|| "no message".to_string());
                record.message = Some(truncate_chars(
                    &format!("passed after {n} failed attempt(s); first: {first}"),
                    MAX_MESSAGE_CHARS,
                ));
            } else {
                record.message = message;
            }
            record.status = status;
            record.flaky = flaky;
            record.duration_ms = m.duration_ms;
            return;
        }
        self.push(m, status, message);
    }

    fn push(&mut self, m: Method, status: TestStatus, message: Option<String>) {
        let id = format!("{}::{}", m.class, m.name);
        let pattern = &self.ctx.options.requirement_pattern;
        let mut requirements = self.groups.get(&id).cloned().unwrap_or_default();
        for group in m.groups.split([',', ' ']).filter(|g| !g.is_empty()) {
            requirements.extend(ids_in(pattern, group));
        }
        requirements.extend(ids_in(pattern, &m.description));
        requirements.extend(ids_in(pattern, &m.name));
        requirements.extend(ids_in(pattern, &m.class));
        dedup_ids(&mut requirements);
        if !self.seen.insert(id.clone()) {
            self.repeated += 1;
        }
        self.out.push(TestCase {
            id,
            suite: m.class,
            name: m.name,
            source: None,
            status,
            duration_ms: m.duration_ms,
            message,
            flaky: false,
            requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    fn finish(&mut self) {
        stand_in::misplaced(self.ctx, self.out, self.misplaced, "test-method");
        let (t, c) = (&self.totals, &self.counted);
        // TestNG 6 counts retried attempts among the skips; 7 apart.
        let skipped = if t.retried.is_some() {
            c.skipped
        } else {
            c.skipped + c.retried
        };
        let mut differ = Vec::new();
        for (what, written, counted) in [
            ("total", t.total, c.total),
            ("passed", t.passed, c.passed),
            ("failed", t.failed, c.failed),
            ("skipped", t.skipped, skipped),
            ("retried", t.retried, c.retried),
        ] {
            if let Some(n) = written
                && n != counted
            {
                differ.push(format!("{what}={n} (found {counted})"));
            }
        }
        // Tests the root counts as failed or skipped beyond those listed
        // (a truncated or hand-trimmed file) must not vanish: one record
        // stands for each kind.
        let unlisted = [
            (
                t.failed.unwrap_or(0).saturating_sub(c.failed),
                TestStatus::Errored,
                "failing",
            ),
            (
                t.skipped.unwrap_or(0).saturating_sub(skipped),
                TestStatus::Skipped,
                "skipped",
            ),
        ];
        if !differ.is_empty() {
            self.ctx.warnings.push(format!(
                "the <testng-results> totals disagree with the test methods listed: {}; the \
                 test methods listed are used",
                differ.join(", ")
            ));
        }
        for (missing, status, what) in unlisted {
            let counter = "the <testng-results> totals count";
            stand_in::unlisted(
                self.ctx, self.out, ROOT_SUITE, counter, missing, what, status,
            );
        }
        if let Some(n) = t.ignored.filter(|&n| n > 0) {
            self.ctx.warnings.push(format!(
                "TestNG counts {n} ignored test(s) (disabled or @Ignore) that the file does not \
                 list; they have no record"
            ));
        }
        if self.failed_configs > 0 {
            // Records TestNG does not count as tests: say where they come from.
            self.ctx.warnings.push(format!(
                "{} configuration method(s) (@Before…/@After…) failed; each is an errored \
                 record of its own, and the tests they stopped are skipped",
                self.failed_configs
            ));
        }
        if self.tolerated > 0 {
            self.ctx.warnings.push(format!(
                "{} invocation(s) failed within their test's successPercentage: TestNG \
                 tolerates them (its JUnit report leaves them out), regops reads them as \
                 failed",
                self.tolerated
            ));
        }
        if self.retried_tests > 0 {
            self.ctx.warnings.push(format!(
                "{} retried test(s) (retried=\"true\" attempts) are one record each, the last \
                 attempt deciding: {} passed on a retry and are marked flaky",
                self.retried_tests, self.flaky
            ));
        }
        if !self.attempts.is_empty() {
            self.ctx.warnings.push(format!(
                "{} test(s) have retried attempts but no last result; each is one failed record",
                self.attempts.len()
            ));
        }
        if self.unknown_status > 0 {
            self.ctx.warnings.push(format!(
                "{} test method(s) with a status other than PASS, FAIL or SKIP were read as \
                 errored",
                self.unknown_status
            ));
        }
        if self.repeated > 0 {
            self.ctx.warnings.push(format!(
                "{} test id(s) repeat in the file (data-provider invocations, or one class in \
                 several <test>s); each record is kept",
                self.repeated
            ));
        }
    }
}

/// The exception's message on one line (its lines trimmed, joined with
/// spaces), else the exception class.
fn message_of(m: &Method) -> Option<String> {
    let text = m.message.as_deref().map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let text = text
        .filter(|t| !t.is_empty())
        .or_else(|| m.exception.clone().filter(|c| !c.is_empty()))?;
    Some(truncate_chars(&text, MAX_MESSAGE_CHARS))
}
