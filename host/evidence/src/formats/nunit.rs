//! NUnit's result XML in both generations: NUnit 3 (`TestResult.xml`, root
//! `<test-run>`; the fixtures are pytest-nunit 1.0.7's and one hand-made
//! after nunit/nunit's `TestResult.AddToXml`) and NUnit 2.5/2.6 (root
//! `<test-results>`; the fixtures are nunit-console 2.6.4's,
//! jasmine-reporters 2.5.2's `NUnitXmlReporter` and jest-nunit-reporter
//! 1.3.1's).
//!
//! Both nest `<test-suite>`s (assembly, namespaces, fixtures, parameterised
//! methods; NUnit 2 puts a suite's children in `<results>`) down to
//! `<test-case>`s. A suite writes its `<properties>` / `<categories>` and
//! its own `<failure>` before its children, so everything a case inherits
//! is known when the case is read; one record is emitted per
//! `</test-case>`, and only the open suites are kept.
//!
//! Ids are those regops' JUnit reader gives the same test in the JUnit the
//! same framework writes (JunitXml.TestLogger and the nunit-transforms
//! JUnit stylesheet write `classname` = the fully qualified class and
//! `name` = the test's name with its arguments; pytest's junitxml the
//! module path and classes): `suite::name` with
//!
//! * NUnit 3: `suite` = the case's `classname` (else its `fullname` less
//!   `.name`, else the enclosing fixture's `fullname`), `name` = its `name`
//!   (`Add(2,2,5)`). pytest-nunit writes pytest's node id
//!   (`test_pump.py::TestDosage::test_dose`, a `::` no .NET name has) as
//!   `fullname`: there `suite` is the module path, `.py` dropped and `/`
//!   made `.`, with the classes (`test_pump.TestDosage`), and `name` the
//!   last part, as pytest's junitxml writes them.
//! * NUnit 2: the case's `name` is its full name (`Pump.Tests.RateTests.Add(2,2,5)`)
//!   and a fixture's `name` only the class (`RateTests`): `suite` is the
//!   case's name up to and including the enclosing fixture's name (so
//!   nested classes, generic and parameterised fixtures keep their
//!   arguments), `name` the rest; with no such fixture, the name is cut
//!   at the last `.` before its arguments. jasmine's reporter (suites
//!   without `type`) and jest-nunit-reporter write the spec's title, not a
//!   .NET name: there (no type, or a name with spaces) `suite` is the
//!   enclosing suites' names joined with `.` (as jasmine-reporters' JUnit
//!   reporter writes the classname), `name` the case's.
//!
//! Status, failing closed (nothing that was not verified passes):
//!
//! * NUnit 3 `result`: `Passed` → passed, but a `Passed` case with a
//!   non-empty `<failure><message>` (pytest-nunit writes an xfail so;
//!   pytest reports it xfailed, not passed) → skipped, warned;
//!   `Failed` → failed, errored when `label` is `Error`, `Cancelled` or
//!   `Invalid` (a test NUnit could not run) or `site` is `Parent`, `SetUp`
//!   or `TearDown` (a fixture's OneTimeSetUp, the test's own setup or
//!   teardown failed: the test did not verify anything); `Skipped` (labels
//!   `Ignored`, `Explicit`) and `Inconclusive` → skipped; `Warning`
//!   (`Assert.Warn`, `Warn.If`) → failed, message `warning: …` (the test
//!   ran and NUnit flagged a problem, which a skip would hide; NUnit does
//!   not count it passed).
//! * NUnit 2 `result`: `Success` → passed; `Failure` → failed; `Error`,
//!   `NotRunnable` (an invalid test, NUnit's "invalid") and `Cancelled` →
//!   errored; `Ignored`, `Skipped`, `Inconclusive` → skipped. A failing
//!   case inside a fixture that has its own `<failure>` (a
//!   TestFixtureSetUp that threw: NUnit 2 fails every case with
//!   `TestFixtureSetUp failed in …`) → errored, the fixture's message
//!   added. Without `result` (jasmine): `executed="false"` → skipped,
//!   `success="true"` → passed, `success="false"` → failed.
//! * pytest-nunit writes a test whose fixture raised (pytest's "error") as
//!   `Failed` with an empty message: failed, nothing tells it apart.
//! * Any other or no result → errored, one warning counting them.
//! * A suite that failed (NUnit 3 `result="Failed"`, NUnit 2 `Failure`,
//!   `Error`, `NotRunnable`, `Cancelled` or `success="false"`) with no
//!   failed or errored record under it, or NUnit 3's `site="TearDown"`
//!   (a OneTimeTearDown that threw, written only on the suite) → one
//!   errored record `suite::suite` (the suite's class or full name), the
//!   id shape the JUnit reader gives a failure outside any case, message
//!   the suite's. (NUnit's own nunit3-junit stylesheet drops suite
//!   failures: in its JUnit a OneTimeTearDown failure is lost.) NUnit 2 writes a TestFixtureTearDown failure as the
//!   fixture's `result="Failure"` alone, no message: it is seen when no
//!   test in the fixture failed (and then says so); beside a failing test
//!   it cannot be told from that test's failure.
//!
//! * `message`: for a failing record the `<failure><message>`, else the
//!   `<reason><message>` (and the other way round for the rest), its lines
//!   trimmed and joined with `; ` (`débit hors limite µ; Expected: 999;
//!   But was:  1000`); for pytest, whose message is the traceback, its `E`
//!   lines, unescaped once (pytest-nunit escapes the text before putting
//!   it in CDATA). Cut to 500 characters.
//! * `duration_ms`: NUnit 3 `duration`, NUnit 2 `time`, seconds (a decimal
//!   comma is read too), rounded; none when missing or unreadable.
//! * Requirement ids, duplicates dropped, in this order: the case's
//!   `<property>`s whose name is one of `Options::requirement_properties`
//!   (compared without case; the value split as the JUnit reader splits
//!   it), and the ids the requirement pattern finds in its categories
//!   (NUnit 3 `Category` properties, NUnit 2 `<category name>`; NUnit 2
//!   refuses `-` in a category, so `REQ_012` names REQ-012); the same from
//!   each enclosing suite, outermost first; then the pattern in the name
//!   and in the suite. No source (NUnit writes only stack traces); level
//!   unspecified.
//!
//! Tests the root counts but does not list (jest-nunit-reporter leaves
//! skipped tests out while counting them): the failed and errored ones
//! (NUnit 3 `failed`, NUnit 2 `failures` + `errors`) beyond those read
//! become one errored record `root::(N failing test(s) counted but not
//! listed)`, the skipped ones (`skipped`) one skipped record, `root` the
//! root's `name` (else `test-run` / `test-results`), each with a warning.
//!
//! A `<test-case>` nested where the format puts no test (under an element this
//! reader does not read) is not read; such elements make one errored
//! record `(file)::(N <…> element(s) outside the report's structure)`,
//! with a warning, so that failures nested one level off cannot vanish.
//!
//! Warnings: the root's totals (NUnit 3 `total`, `passed`, `failed`,
//! `warnings`, `inconclusive`, `skipped`; NUnit 2 `total` (tests run, or
//! all cases as jasmine counts), `errors`, `failures`, `not-run`,
//! `inconclusive`, `ignored`, `skipped`, `invalid`) that disagree with the
//! cases' results; unknown results; suites recorded as errored; passes
//! read as skips; ids that repeat.
//!
//! Refused, with their position: a root other than `<test-run>` /
//! `<test-results>`, a DOCTYPE declaring entities, a file that ends inside
//! an element (truncated), a second root element, nesting deeper than
//! [`super::junit::MAX_DEPTH`].

use std::collections::HashSet;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::{dedup_ids, ids_in, split_ids};
use super::stand_in;
use super::truncate_chars;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::{TestCase, TestLevel, TestStatus};

/// Messages are cut to this many characters (as JUnit's are).
const MAX_MESSAGE_CHARS: usize = 500;
/// Text collected from one message element.
const MAX_COLLECTED_BYTES: usize = 8192;

/// The root's count attributes (both generations'), checked against the
/// cases read.
const TOTALS: [&str; 11] = [
    "total",
    "passed",
    "failed",
    "warnings",
    "inconclusive",
    "skipped",
    "errors",
    "failures",
    "not-run",
    "ignored",
    "invalid",
];

/// Which element owns a `<properties>`, `<failure>`, ...
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Suite,
    Case,
}

/// The elements whose place matters; anything else is `Other`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Suite,
    /// NUnit 2's `<results>` holding a suite's children.
    Results,
    Case,
    Properties(Owner),
    Categories(Owner),
    /// `<failure>` (true) or `<reason>` (false).
    Outcome(Owner, bool),
    /// Its `<message>`.
    Message(Owner, bool),
    Other,
}

/// An open `<test-suite>`: what its cases inherit and what decides
/// whether it needs a record of its own.
#[derive(Default)]
struct Suite {
    kind: String,
    /// Full name: NUnit 3 `classname` / `fullname`, NUnit 2 the dotted
    /// names of the enclosing namespaces and fixtures.
    full: String,
    /// NUnit 2 `name` (the class alone for a fixture).
    name: String,
    failed: bool,
    teardown: bool,
    result: String,
    failure: Option<String>,
    reason: Option<String>,
    requirements: Vec<String>,
    /// Failed or errored records under it.
    bad: u64,
}

#[derive(Default)]
struct Case {
    name: String,
    fullname: String,
    classname: String,
    result: Option<String>,
    label: String,
    site: String,
    executed: Option<bool>,
    success: Option<bool>,
    seconds: Option<String>,
    failure: Option<String>,
    reason: Option<String>,
    requirements: Vec<String>,
}

/// The results counted, for the root's totals.
#[derive(Default)]
struct Counts {
    cases: u64,
    executed: u64,
    passed: u64,
    failed: u64,
    errors: u64,
    warnings: u64,
    inconclusive: u64,
    skipped: u64,
    ignored: u64,
    invalid: u64,
    not_run: u64,
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
        nunit3: false,
        root_seen: false,
        root_closed: false,
        totals: Vec::new(),
        root_name: String::new(),
        suites: Vec::new(),
        case: None,
        text: None,
        counts: Counts::default(),
        unknown: 0,
        misplaced: 0,
        suite_records: 0,
        xfails: 0,
        seen: HashSet::new(),
        repeated: 0,
    };
    xml.walk(&mut p)?;
    let open = p.stack.iter().rev().find(|t| **t != Tag::Other);
    xml.check_complete(
        open.map(|t| tag_name(*t, p.nunit3)),
        p.root_seen,
        "<test-run> (NUnit 3) or <test-results> (NUnit 2)",
    )?;
    stand_in::misplaced(p.ctx, p.out, p.misplaced, "test-case");
    // Tests the root counts but does not list (jest-nunit-reporter drops
    // skipped ones) must not vanish: one record stands for each kind.
    let (failing, skipped) = unlisted(p.nunit3, &p.totals, &p.counts);
    let suite = match p.root_name.trim() {
        "" if p.nunit3 => "test-run",
        "" => "test-results",
        name => name,
    };
    for (missing, status, what) in [
        (failing, TestStatus::Errored, "failing"),
        (skipped, TestStatus::Skipped, "skipped"),
    ] {
        stand_in::unlisted(
            p.ctx,
            p.out,
            suite,
            "the root counts",
            missing,
            what,
            status,
        );
    }
    let Parser {
        ctx,
        nunit3,
        totals,
        counts,
        unknown,
        suite_records,
        xfails,
        repeated,
        ..
    } = p;
    check_totals(ctx, nunit3, &totals, &counts);
    if unknown > 0 {
        ctx.warnings.push(format!(
            "{unknown} test case(s) with an unknown or missing result were read as errored"
        ));
    }
    if suite_records > 0 {
        ctx.warnings.push(format!(
            "{suite_records} suite(s) failed outside their test cases (a fixture setup or \
             teardown failure): each is recorded as an errored `suite::suite` record"
        ));
    }
    if xfails > 0 {
        ctx.warnings.push(format!(
            "{xfails} test case(s) written as Passed carry a failure message (pytest-nunit \
             writes an expected failure, xfail, so): read as skipped"
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
    /// `<test-run>` (NUnit 3) rather than `<test-results>`.
    nunit3: bool,
    root_seen: bool,
    root_closed: bool,
    /// The root's count attributes, as written.
    totals: Vec<(&'static str, String)>,
    /// The root's `name` (NUnit 2: the assembly or the reporter's name).
    root_name: String,
    suites: Vec<Suite>,
    case: Option<Case>,
    /// The text of the message being read.
    text: Option<String>,
    counts: Counts,
    unknown: u64,
    /// `<test-case>`s outside the root and suites, not read.
    misplaced: u64,
    suite_records: u64,
    xfails: u64,
    seen: HashSet<String>,
    repeated: u64,
}

impl Elements for Parser<'_, '_, '_> {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let name = e.local_name();
        let name = name.as_ref();
        let is_root = name == b"test-run" || name == b"test-results";
        if self.stack.is_empty() && !self.root_closed && !is_root {
            return Err(xml.error_at_event(format!(
                "expected <test-run> (NUnit 3) or <test-results> (NUnit 2) as the root element, \
                 found <{}>",
                String::from_utf8_lossy(name)
            )));
        }
        xml.check_start(
            name,
            self.stack.len(),
            self.root_closed,
            if is_root { name } else { b"test-run" },
        )?;
        let tag = child(self.stack.last().copied(), name);
        if tag == Tag::Other && name == b"test-case" {
            self.misplaced += 1;
        }
        match tag {
            Tag::Root => {
                self.root_seen = true;
                self.nunit3 = name == b"test-run";
                xml.for_each_attribute(e, |key, v| {
                    if key == b"name" {
                        self.root_name = v.into_owned();
                    } else if let Some(key) = TOTALS.iter().find(|k| k.as_bytes() == key) {
                        self.totals.push((key, v.into_owned()));
                    }
                    Ok(())
                })?;
            }
            Tag::Suite => self.open_suite(xml, e)?,
            Tag::Case => self.open_case(xml, e)?,
            Tag::Message(..) => self.text = Some(String::new()),
            _ => {}
        }
        match (self.stack.last(), name) {
            (Some(Tag::Properties(owner)), b"property") => self.property(xml, e, *owner)?,
            (Some(Tag::Categories(owner)), b"category") => self.category(xml, e, *owner)?,
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// The innermost open element closes.
    fn end(&mut self) {
        match self.stack.pop() {
            Some(Tag::Message(owner, failure)) => {
                let text = self.text.take().unwrap_or_default();
                let slot = match owner {
                    Owner::Case => self.case.as_mut().map(|c| {
                        if failure {
                            &mut c.failure
                        } else {
                            &mut c.reason
                        }
                    }),
                    Owner::Suite => self.suites.last_mut().map(|s| {
                        if failure {
                            &mut s.failure
                        } else {
                            &mut s.reason
                        }
                    }),
                };
                if let Some(slot) = slot {
                    *slot = Some(text);
                }
            }
            Some(Tag::Properties(Owner::Suite) | Tag::Categories(Owner::Suite)) => {
                // Every case under the suite copies its ids: once, without
                // repeats.
                if let Some(s) = self.suites.last_mut() {
                    dedup_ids(&mut s.requirements);
                }
            }
            Some(Tag::Case) => {
                if let Some(c) = self.case.take() {
                    self.emit(c);
                }
            }
            Some(Tag::Suite) => {
                if let Some(s) = self.suites.pop() {
                    self.close_suite(s);
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
                push_capped(collected, "\n", MAX_COLLECTED_BYTES);
            }
            push_capped(collected, text, MAX_COLLECTED_BYTES);
        }
    }
}

/// The element `name` opened inside `parent`.
fn child(parent: Option<Tag>, name: &[u8]) -> Tag {
    match (parent, name) {
        (None, b"test-run" | b"test-results") => Tag::Root,
        (Some(Tag::Root | Tag::Suite | Tag::Results), b"test-suite") => Tag::Suite,
        (Some(Tag::Suite), b"results") => Tag::Results,
        (Some(Tag::Root | Tag::Suite | Tag::Results), b"test-case") => Tag::Case,
        (Some(Tag::Suite), b"properties") => Tag::Properties(Owner::Suite),
        (Some(Tag::Case), b"properties") => Tag::Properties(Owner::Case),
        (Some(Tag::Suite), b"categories") => Tag::Categories(Owner::Suite),
        (Some(Tag::Case), b"categories") => Tag::Categories(Owner::Case),
        (Some(Tag::Suite), b"failure") => Tag::Outcome(Owner::Suite, true),
        (Some(Tag::Case), b"failure") => Tag::Outcome(Owner::Case, true),
        (Some(Tag::Suite), b"reason") => Tag::Outcome(Owner::Suite, false),
        (Some(Tag::Case), b"reason") => Tag::Outcome(Owner::Case, false),
        (Some(Tag::Outcome(owner, failure)), b"message") => Tag::Message(owner, failure),
        _ => Tag::Other,
    }
}

fn tag_name(tag: Tag, nunit3: bool) -> &'static str {
    match tag {
        Tag::Root | Tag::Other if nunit3 => "test-run",
        Tag::Root | Tag::Other => "test-results",
        Tag::Suite => "test-suite",
        Tag::Results => "results",
        Tag::Case => "test-case",
        Tag::Properties(_) => "properties",
        Tag::Categories(_) => "categories",
        Tag::Outcome(_, true) => "failure",
        Tag::Outcome(_, false) => "reason",
        Tag::Message(..) => "message",
    }
}

/// `True` / `true` / `False` / `false` (NUnit 2 writes the first, jasmine
/// the second).
fn boolean(v: &str) -> Option<bool> {
    match v.trim() {
        t if t.eq_ignore_ascii_case("true") => Some(true),
        f if f.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

impl Parser<'_, '_, '_> {
    fn open_suite(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut s = Suite::default();
        let (mut fullname, mut classname, mut site) = (String::new(), String::new(), String::new());
        let mut success = None;
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"type" => s.kind = v.trim().to_string(),
                b"name" => s.name = v.trim().to_string(),
                b"fullname" => fullname = v.trim().to_string(),
                b"classname" => classname = v.trim().to_string(),
                b"result" => s.result = v.trim().to_string(),
                b"site" => site = v.trim().to_string(),
                b"success" => success = boolean(&v),
                _ => {}
            }
            Ok(())
        })?;
        let parent = self.suites.last();
        s.full = if self.nunit3 {
            [classname, fullname, s.name.clone()]
                .into_iter()
                .find(|n| !n.is_empty())
                .unwrap_or_default()
        } else if matches!(s.kind.as_str(), "Assembly" | "Project") {
            // Its name is the assembly's path, no part of a class name.
            String::new()
        } else {
            match parent.map(|p| p.full.as_str()).filter(|f| !f.is_empty()) {
                Some(outer) => format!("{outer}.{}", s.name),
                None => s.name.clone(),
            }
        };
        s.failed = if self.nunit3 {
            s.result == "Failed"
        } else {
            matches!(
                s.result.as_str(),
                "Failure" | "Error" | "NotRunnable" | "Cancelled"
            ) || (s.result.is_empty() && success == Some(false))
        };
        s.teardown = self.nunit3 && s.failed && site == "TearDown";
        self.suites.push(s);
        Ok(())
    }

    fn open_case(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut c = Case::default();
        let nunit3 = self.nunit3;
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => c.name = v.trim().to_string(),
                b"fullname" => c.fullname = v.trim().to_string(),
                b"classname" => c.classname = v.trim().to_string(),
                b"result" => c.result = Some(v.trim().to_string()),
                b"label" => c.label = v.trim().to_string(),
                b"site" => c.site = v.trim().to_string(),
                b"executed" => c.executed = boolean(&v),
                b"success" => c.success = boolean(&v),
                b"duration" if nunit3 => c.seconds = Some(v.into_owned()),
                b"time" if !nunit3 => c.seconds = Some(v.into_owned()),
                _ => {}
            }
            Ok(())
        })?;
        self.case = Some(c);
        Ok(())
    }

    /// A `<property name value>`: requirement ids for its case or suite.
    fn property(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        owner: Owner,
    ) -> Result<(), FormatError> {
        let (mut name, mut value) = (String::new(), String::new());
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => name = v.trim().to_string(),
                b"value" => value = v.into_owned(),
                _ => {}
            }
            Ok(())
        })?;
        let ids: Vec<String> = if name.eq_ignore_ascii_case("Category") {
            ids_in(&self.ctx.options.requirement_pattern, &value)
        } else if self
            .ctx
            .options
            .requirement_properties
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&name))
        {
            split_ids(&value).map(str::to_string).collect()
        } else {
            return Ok(());
        };
        self.add_requirements(owner, &ids);
        Ok(())
    }

    /// NUnit 2's `<category name>`.
    fn category(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        owner: Owner,
    ) -> Result<(), FormatError> {
        let mut ids = Vec::new();
        xml.for_each_attribute(e, |key, v| {
            if key == b"name" {
                ids = ids_in(&self.ctx.options.requirement_pattern, &v);
            }
            Ok(())
        })?;
        self.add_requirements(owner, &ids);
        Ok(())
    }

    fn add_requirements(&mut self, owner: Owner, ids: &[String]) {
        let list = match owner {
            Owner::Case => self.case.as_mut().map(|c| &mut c.requirements),
            Owner::Suite => self.suites.last_mut().map(|s| &mut s.requirements),
        };
        if let Some(list) = list {
            // Repeats go when the list is complete (`dedup_ids`).
            list.extend_from_slice(ids);
        }
    }

    /// The record's suite and name (see the module doc).
    fn suite_and_name(&self, c: &Case) -> (String, String) {
        if let Some(ids) = pytest_ids(&c.fullname).or_else(|| pytest_ids(&c.name)) {
            return ids;
        }
        if self.nunit3 {
            let suite = if !c.classname.is_empty() {
                c.classname.clone()
            } else if let Some(outer) = c
                .fullname
                .strip_suffix(c.name.as_str())
                .and_then(|f| f.strip_suffix('.'))
                .filter(|f| !f.is_empty())
            {
                outer.to_string()
            } else {
                self.suites
                    .iter()
                    .rev()
                    .find(|s| s.kind.ends_with("Fixture"))
                    .map(|s| s.full.clone())
                    .unwrap_or_default()
            };
            return (suite, c.name.clone());
        }
        // NUnit 2: the case's name is its full name.
        if let Some(fixture) = self
            .suites
            .iter()
            .rev()
            .find(|s| s.kind.ends_with("Fixture"))
            && let Some(split) = split_at_class(&c.name, &fixture.name)
        {
            return split;
        }
        if c.name.contains(char::is_whitespace) || self.suites.iter().all(|s| s.kind.is_empty()) {
            // Not a .NET name (jasmine's and jest's reporters write the
            // spec's title; jasmine's suites have no type): the enclosing
            // suites' names, as their JUnit reporters write the classname.
            let suite = self
                .suites
                .last()
                .map(|s| s.full.clone())
                .unwrap_or_default();
            return (suite, c.name.clone());
        }
        let head = c.name.find('(').map_or(c.name.as_str(), |i| &c.name[..i]);
        match head.rfind('.') {
            Some(dot) => (c.name[..dot].to_string(), c.name[dot + 1..].to_string()),
            None => (String::new(), c.name.clone()),
        }
    }

    fn status(&mut self, c: &Case) -> (TestStatus, bool) {
        let failure = c.failure.as_deref().is_some_and(|m| !m.trim().is_empty());
        let result = c.result.as_deref().unwrap_or_default();
        let counts = &mut self.counts;
        counts.cases += 1;
        if self.nunit3 {
            let status = match result {
                "Passed" => {
                    counts.passed += 1;
                    if failure {
                        self.xfails += 1;
                        TestStatus::Skipped
                    } else {
                        TestStatus::Passed
                    }
                }
                "Failed" => {
                    counts.failed += 1;
                    if matches!(c.label.as_str(), "Error" | "Cancelled" | "Invalid")
                        || matches!(c.site.as_str(), "Parent" | "SetUp" | "TearDown")
                    {
                        TestStatus::Errored
                    } else {
                        TestStatus::Failed
                    }
                }
                "Skipped" => {
                    counts.skipped += 1;
                    TestStatus::Skipped
                }
                "Inconclusive" => {
                    counts.inconclusive += 1;
                    TestStatus::Skipped
                }
                "Warning" => {
                    counts.warnings += 1;
                    return (TestStatus::Failed, true);
                }
                _ => {
                    self.unknown += 1;
                    TestStatus::Errored
                }
            };
            return (status, false);
        }
        if c.executed == Some(false) {
            counts.not_run += 1;
        } else {
            counts.executed += 1;
        }
        let parent_failed = self.suites.iter().any(|s| s.failure.is_some());
        let status = match result {
            "Success" => TestStatus::Passed,
            "Failure" => {
                counts.failed += 1;
                if parent_failed {
                    TestStatus::Errored
                } else {
                    TestStatus::Failed
                }
            }
            "Error" => {
                counts.errors += 1;
                TestStatus::Errored
            }
            "NotRunnable" => {
                counts.invalid += 1;
                TestStatus::Errored
            }
            "Cancelled" => TestStatus::Errored,
            "Ignored" => {
                counts.ignored += 1;
                TestStatus::Skipped
            }
            "Skipped" => {
                counts.skipped += 1;
                TestStatus::Skipped
            }
            "Inconclusive" => {
                counts.inconclusive += 1;
                TestStatus::Skipped
            }
            "" if c.result.is_none() && c.executed == Some(false) => TestStatus::Skipped,
            "" if c.result.is_none() && c.success == Some(true) => TestStatus::Passed,
            "" if c.result.is_none() && c.success == Some(false) => {
                counts.failed += 1;
                TestStatus::Failed
            }
            _ => {
                self.unknown += 1;
                TestStatus::Errored
            }
        };
        (status, false)
    }

    fn emit(&mut self, c: Case) {
        let (suite, name) = self.suite_and_name(&c);
        let (status, warning) = self.status(&c);
        let failing = matches!(status, TestStatus::Failed | TestStatus::Errored);
        let pytest = pytest_ids(&c.fullname).is_some();
        let (first, second) = if failing {
            (&c.failure, &c.reason)
        } else {
            (&c.reason, &c.failure)
        };
        let mut message = first
            .as_deref()
            .and_then(|m| message_of(m, pytest))
            .or_else(|| second.as_deref().and_then(|m| message_of(m, pytest)));
        if warning {
            message = Some(truncate_chars(
                &format!("warning: {}", message.as_deref().unwrap_or("Assert.Warn")),
                MAX_MESSAGE_CHARS,
            ));
        }
        if !self.nunit3
            && failing
            && c.result.as_deref() == Some("Failure")
            && let Some(fixture) = self
                .suites
                .iter()
                .rev()
                .find_map(|s| s.failure.as_deref())
                .and_then(|m| message_of(m, false))
        {
            // The fixture's setup failure is what stopped the test.
            let own = message.as_deref().unwrap_or("fixture setup failed");
            message = Some(truncate_chars(
                &format!("{own}: {fixture}"),
                MAX_MESSAGE_CHARS,
            ));
        }
        let pattern = &self.ctx.options.requirement_pattern;
        let mut requirements: Vec<String> = c
            .requirements
            .iter()
            .chain(self.suites.iter().flat_map(|s| s.requirements.iter()))
            .cloned()
            .chain(ids_in(pattern, &name))
            .chain(ids_in(pattern, &suite))
            .collect();
        dedup_ids(&mut requirements);
        if failing && let Some(s) = self.suites.last_mut() {
            s.bad += 1;
        }
        let duration_ms = c.seconds.as_deref().and_then(milliseconds);
        self.push(suite, name, status, duration_ms, message, requirements);
    }

    fn push(
        &mut self,
        suite: String,
        name: String,
        status: TestStatus,
        duration_ms: Option<u64>,
        message: Option<String>,
        requirements: Vec<String>,
    ) {
        let id = format!("{suite}::{name}");
        if !self.seen.insert(id.clone()) {
            self.repeated += 1;
        }
        self.out.push(TestCase {
            id,
            suite,
            name,
            source: None,
            status,
            duration_ms,
            message,
            flaky: false,
            requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    /// A suite closes: a failure no record under it shows, or a
    /// OneTimeTearDown failure, becomes an errored record of its own.
    fn close_suite(&mut self, s: Suite) {
        let mut bad = s.bad;
        if s.failed && (bad == 0 || s.teardown) {
            let full = if s.full.is_empty() {
                s.name.clone()
            } else {
                s.full.clone()
            };
            let message = s
                .failure
                .as_deref()
                .or(s.reason.as_deref())
                .and_then(|m| message_of(m, false))
                .unwrap_or_else(|| {
                    format!(
                        "the suite's result is {} though no test in it failed: a fixture \
                         teardown failure, which NUnit 2 writes without a message",
                        if s.result.is_empty() {
                            "a failure"
                        } else {
                            s.result.as_str()
                        }
                    )
                });
            let pattern = &self.ctx.options.requirement_pattern;
            let mut requirements: Vec<String> = self
                .suites
                .iter()
                .flat_map(|o| o.requirements.iter())
                .chain(&s.requirements)
                .cloned()
                .chain(ids_in(pattern, &full))
                .collect();
            dedup_ids(&mut requirements);
            self.suite_records += 1;
            bad += 1;
            self.push(
                full.clone(),
                full,
                TestStatus::Errored,
                None,
                Some(truncate_chars(&message, MAX_MESSAGE_CHARS)),
                requirements,
            );
        }
        if let Some(parent) = self.suites.last_mut() {
            parent.bad += bad;
        }
    }
}

/// pytest-nunit's node id (`dir/test_mod.py::Class::test[p]`) as pytest's
/// junitxml writes it: suite `dir.test_mod.Class`, name `test[p]`.
fn pytest_ids(nodeid: &str) -> Option<(String, String)> {
    let mut parts: Vec<&str> = nodeid.split("::").collect();
    let path = *parts.first()?;
    if parts.len() < 2 || !path.ends_with(".py") {
        return None;
    }
    let name = parts.pop()?.to_string();
    let module = path
        .strip_suffix(".py")
        .unwrap_or(path)
        .replace(['/', '\\'], ".");
    let mut suite = vec![module.as_str()];
    suite.extend(parts.iter().skip(1).copied().filter(|p| *p != "()"));
    Some((suite.join("."), name))
}

/// An NUnit 2 full name cut after the fixture's own name: the class is
/// what ends with `fixture` before a `.`, the rest a method name (no `.`
/// before its arguments).
fn split_at_class(full: &str, fixture: &str) -> Option<(String, String)> {
    if fixture.is_empty() {
        return None;
    }
    full.match_indices(fixture).find_map(|(at, _)| {
        let end = at + fixture.len();
        let starts_part = at == 0 || full[..at].ends_with('.');
        let rest = full[end..].strip_prefix('.')?;
        let head = rest.find('(').map_or(rest, |i| &rest[..i]);
        (starts_part && !rest.is_empty() && !head.contains('.'))
            .then(|| (full[..end].to_string(), rest.to_string()))
    })
}

/// A message on one line: its lines trimmed, joined with `; `. pytest's
/// message is the traceback: its `E` lines say what failed; pytest-nunit
/// escapes it before putting it in CDATA, so it is unescaped once.
fn message_of(text: &str, pytest: bool) -> Option<String> {
    let unescaped;
    let text = if pytest {
        unescaped =
            quick_xml::escape::unescape(text).map_or_else(|_| text.to_string(), |t| t.into_owned());
        unescaped.as_str()
    } else {
        text
    };
    let errors: Vec<&str> = if pytest {
        text.lines()
            .filter_map(|l| l.strip_prefix("E "))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let lines: Vec<&str> = if errors.is_empty() {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        errors
    };
    (!lines.is_empty()).then(|| truncate_chars(&lines.join("; "), MAX_MESSAGE_CHARS))
}

/// Seconds (`0.017`, `0,017`) as rounded milliseconds.
fn milliseconds(seconds: &str) -> Option<u64> {
    let s = seconds.trim();
    let value: f64 = s.parse().or_else(|_| s.replace(',', ".").parse()).ok()?;
    (0.0..1e12)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u64)
}

/// A count the root writes, when readable.
fn written(totals: &[(&str, String)], key: &str) -> Option<u64> {
    totals
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
}

/// How many more failed and errored, and skipped, tests the root counts
/// than it lists.
fn unlisted(nunit3: bool, totals: &[(&str, String)], c: &Counts) -> (u64, u64) {
    let more = |key: &str, found: u64| written(totals, key).map_or(0, |n| n.saturating_sub(found));
    let skipped = more("skipped", c.skipped);
    if nunit3 {
        (more("failed", c.failed), skipped)
    } else {
        let counted = written(totals, "failures")
            .unwrap_or(0)
            .saturating_add(written(totals, "errors").unwrap_or(0));
        (
            counted.saturating_sub(c.failed.saturating_add(c.errors)),
            skipped,
        )
    }
}

fn check_totals(ctx: &mut ParseContext<'_>, nunit3: bool, totals: &[(&str, String)], c: &Counts) {
    let written = |key: &str| written(totals, key);
    let mut differ = Vec::new();
    let checks: &[(&str, u64)] = if nunit3 {
        &[
            ("total", c.cases),
            ("passed", c.passed),
            ("failed", c.failed),
            ("warnings", c.warnings),
            ("inconclusive", c.inconclusive),
            ("skipped", c.skipped),
        ]
    } else {
        &[
            ("errors", c.errors),
            ("failures", c.failed),
            ("not-run", c.not_run),
            ("inconclusive", c.inconclusive),
            ("ignored", c.ignored),
            ("skipped", c.skipped),
            ("invalid", c.invalid),
        ]
    };
    for (key, counted) in checks {
        if let Some(n) = written(key)
            && n != *counted
        {
            differ.push(format!("{key}=\"{n}\" (found {counted})"));
        }
    }
    // NUnit 2 counts the tests run; jasmine's reporter every case.
    if !nunit3
        && let Some(n) = written("total")
        && n != c.executed
        && n != c.cases
    {
        differ.push(format!(
            "total=\"{n}\" (found {} run, {} in all)",
            c.executed, c.cases
        ));
    }
    if !differ.is_empty() {
        ctx.warnings.push(format!(
            "the root's totals disagree with the test cases listed: {}; the test cases listed \
             are used",
            differ.join(", ")
        ));
    }
}
