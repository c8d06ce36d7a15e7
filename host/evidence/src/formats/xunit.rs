//! xUnit.net's XML result file (`xunit.console -xml`, xunit v3's `-xml`,
//! `dotnet test --logger xunit`), as xUnit.net v1, v2 and v3 write it, and
//! the JavaScript reporters that write the same schema (jest-xunit,
//! mocha-xunit-reporter; the real fixtures are theirs, xUnit.net's are
//! hand-made after its source).
//!
//! v2 and v3 write a root `<assemblies>` holding one `<assembly>` per test
//! assembly (its totals `total passed failed skipped not-run errors`,
//! `test-framework`), which holds `<errors>` (fixture cleanup failures and
//! fatal errors, each an `<error type name>` with a `<failure>`) and one
//! `<collection>` per test collection, which holds one `<test name type
//! method time result source-file source-line>` per test run: `<traits>`
//! of `<trait name value>`, a `<failure exception-type>` with `<message>`,
//! a skip's `<reason>`, `<output>`, `<warnings>`. v1 writes the root
//! `<assembly>` holding one `<class name>` per test class, whose tests are
//! as v2's but for a skip's `<reason><message>`; a failure of the class's
//! fixture is a `<failure>` of the class itself. xUnit.net v2 and v3 write
//! the test's name, trait names and values, messages and reasons through
//! an escaper that spells a line break `\n` and a quote `\"` (xunit's
//! `XmlEscape`): in a file whose `test-framework` is xUnit.net's they are
//! read back.
//!
//! Mapping, one record per `<test>`:
//!
//! * `suite`: the `type` attribute (the fully qualified class); `name`: the
//!   test's display name with the `type.` before it dropped
//!   (`RateFor(volumeMl: 500, minutes: 240)` for the default display name
//!   `Pump.Tests.RateTests.RateFor(volumeMl: 500, minutes: 240)`); `id`:
//!   `suite::name`. That is the `classname::name` regops' JUnit reader
//!   gives the same test from JunitXml.TestLogger (`dotnet test --logger
//!   junit`): its classname is the namespace and type it parses from the
//!   test's fully qualified name, its name the method plus whatever the
//!   display name has from its first `(` (spekt/testlogger's
//!   `XunitTestAdapter`), so a team switching report format keeps its
//!   requirement trace. For a custom `DisplayName` the logger writes the
//!   method the same way, so here too (one warning counts them); a display
//!   name already without the class (`methodDisplay: method`) is the name
//!   as it is. A writer other than xUnit.net (jest-xunit's `method="Test"`)
//!   keeps its display name. A test without `type` (mocha-xunit-reporter:
//!   the full title) is split after its collection's name where that name
//!   stands as whole words in it (the suite path, as mocha's own reporters
//!   name the class), else its collection is the suite.
//! * Status: `Pass` → passed; `Fail` → failed (xUnit.net reports an
//!   exception as a failure too, as the JUnit logger does); `Skip` →
//!   skipped, message its reason; `NotRun` (v3: an explicit test not
//!   asked for) → skipped, message `not run`, since nothing was verified;
//!   another or no result (jest-xunit writes `result="undefined"` for
//!   skipped and todo tests) → errored (fail closed), one warning counting
//!   them. A passed test with a `<failure>` is failed, with a warning.
//! * `message`: the failure's `<message>`, its lines trimmed and joined
//!   with `; `, else its `exception-type`; cut to 500 characters.
//! * `source`: `source-file` and `source-line` (v3 writes them); none
//!   without a file. `duration_ms`: `time` (seconds), rounded.
//! * Requirement ids: from the test's traits (a trait named as one of
//!   `Options::requirement_properties`, e.g. `[Trait("Requirement",
//!   "REQ-012")]`, gives every id in its value, as the JUnit reader reads
//!   `<property>`; another trait, e.g. `Category`, the requirement pattern's
//!   matches in its value), then the pattern in the name, the display name
//!   and the suite; duplicates dropped. Level unspecified.
//! * Each `<error>` and each v1 class `<failure>` is an errored record
//!   (xUnit.net fails the run for them, and a fixture that did not clean up
//!   or a fatal error means the run did not verify what it claims):
//!   `suite` the error's `name` (the class, collection, test or method it
//!   names; for `fatal` and a nameless error the assembly), `name`
//!   `(<type> error)` (`(class fixture error)` for v1), message the
//!   failure's. It also carries the requirement ids of the tests it names
//!   that follow it in the file (the class's, collection's, test's or
//!   method's), where xUnit.net writes them, so those requirements are not
//!   shown verified (the ids are gathered once per thing named, from the
//!   first error naming it on: errors naming the same class share them,
//!   in time linear in the tests). They are emitted when their assembly
//!   ends; one warning counts them.
//!
//! Failed tests and errors an `<assembly>` counts (`failed` + `errors`)
//! beyond the failed tests (and tests of unknown result) and `<error>`s it
//! lists are one errored record `assembly::(N failing test(s) counted but
//! not listed)`, with a warning: a file that lost its failures must not
//! read as clean.
//!
//! A `<test>` nested where the format puts no test (under an element this
//! reader does not read) is not read; such elements make one errored
//! record `(file)::(N <…> element(s) outside the report's structure)`,
//! with a warning, so that failures nested one level off cannot vanish.
//!
//! Warnings: totals of an `<assembly>`, `<collection>` or v1 `<class>` that
//! disagree with the tests listed (the records are kept; `errors` is
//! compared with the `<error>` elements, a v1 class failure counts as a
//! failed test as v1 counts it); unknown results; custom display names;
//! `<error>` records; ids that repeat; bytes that are not UTF-8.
//!
//! Refused, with their position: a root other than `<assemblies>` or
//! `<assembly>`, a DOCTYPE declaring entities, a file that ends inside an
//! element (truncated), a second root element, nesting deeper than
//! [`super::junit::MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
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
/// Kinds of `<error>` the warning names at most.
const MAX_KINDS_NAMED: usize = 8;

/// The elements whose place matters; anything else is `Other`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Assemblies,
    Assembly,
    Errors,
    Error,
    /// A v2/v3 `<collection>` (false) or a v1 `<class>` (true).
    Group(bool),
    Test,
    Traits,
    Trait,
    Failure,
    /// The `<message>` of a failure.
    Message,
    /// A skip's `<reason>`, and v1's `<message>` inside it.
    Reason,
    ReasonMessage,
    Other,
}

/// Counts an element writes or that its tests give: total, passed,
/// failed, skipped, not run, errors.
type Counts = [Option<u64>; 6];
const COUNTED: [&str; 6] = ["total", "passed", "failed", "skipped", "not-run", "errors"];

#[derive(Default)]
struct Assembly {
    name: String,
    /// Written by xUnit.net itself (`test-framework="xUnit.net …"`).
    xunit_net: bool,
    written: Counts,
    found: [u64; 6],
    /// Its `<error>` records and v1 class failures, emitted at its end.
    errors: Vec<Pending>,
    /// What the errors name, to the requirement ids of the tests named
    /// (gathered once per target, however many errors name it).
    targets: HashMap<Target, Gathered>,
}

struct Group {
    v1: bool,
    name: String,
    written: Counts,
    found: [u64; 6],
}

#[derive(Default)]
struct Test {
    display: String,
    class: String,
    method: String,
    result: Option<String>,
    time: Option<String>,
    file: Option<String>,
    line: Option<String>,
    requirements: Vec<String>,
    failure: Option<Failure>,
    reason: Option<String>,
}

#[derive(Default)]
struct Failure {
    exception_type: Option<String>,
    message: Option<String>,
}

/// What an `<error>` names, among the tests that follow it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Target {
    Class(String),
    Collection(String),
    Display(String),
    Method(String),
}

/// The requirement ids of the tests an error names, without repeats.
#[derive(Default)]
struct Gathered {
    ids: Vec<String>,
    seen: HashSet<String>,
}

/// An `<error>` or v1 class failure, as it will be recorded.
struct Pending {
    suite: String,
    name: String,
    message: Option<String>,
    requirements: Vec<String>,
    /// What it names: the ids gathered for it are added when it is recorded.
    target: Option<Target>,
}

/// The `<error>` being read.
#[derive(Default)]
struct ErrorElement {
    kind: String,
    name: Option<String>,
    failure: Option<Failure>,
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
        assembly: None,
        group: None,
        test: None,
        error: None,
        failure: None,
        text: None,
        seen: HashSet::new(),
        repeated: 0,
        unknown: 0,
        misplaced: 0,
        unknown_example: None,
        custom_display: 0,
        custom_example: None,
        passed_with_failure: 0,
        error_records: 0,
        error_kinds: BTreeSet::new(),
        mismatches: 0,
        first_mismatch: None,
    };
    xml.walk(&mut p)?;
    let open = p.stack.iter().rev().find(|t| **t != Tag::Other);
    xml.check_complete(
        open.map(|t| tag_name(*t)),
        p.root_seen,
        "<assemblies> or <assembly>",
    )?;
    p.warn();
    xml.warn_replaced_utf8(&mut p.ctx.warnings);
    Ok(())
}

struct Parser<'c, 'p, 'o> {
    ctx: &'c mut ParseContext<'p>,
    out: &'o mut Vec<TestCase>,
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    assembly: Option<Assembly>,
    group: Option<Group>,
    test: Option<Test>,
    error: Option<ErrorElement>,
    failure: Option<Failure>,
    /// The text of the element being read.
    text: Option<String>,
    seen: HashSet<String>,
    repeated: u64,
    unknown: u64,
    /// `<test>`s outside an assembly, collection or v1 class, not read.
    misplaced: u64,
    unknown_example: Option<String>,
    custom_display: u64,
    custom_example: Option<(String, String)>,
    passed_with_failure: u64,
    /// `<error>` records, and their kinds for the warning.
    error_records: u64,
    error_kinds: BTreeSet<String>,
    mismatches: u64,
    first_mismatch: Option<String>,
}

impl Elements for Parser<'_, '_, '_> {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let name = e.local_name();
        let root: &[u8] = if name.as_ref() == b"assembly" {
            b"assembly"
        } else {
            b"assemblies"
        };
        xml.check_start(name.as_ref(), self.stack.len(), self.root_closed, root)?;
        let tag = child(self.stack.last().copied(), name.as_ref());
        if tag == Tag::Other && name.as_ref() == b"test" {
            self.misplaced += 1;
        }
        self.root_seen = true;
        match tag {
            Tag::Assembly => self.start_assembly(xml, e)?,
            Tag::Group(v1) => self.start_group(xml, e, v1)?,
            Tag::Test => self.start_test(xml, e)?,
            Tag::Trait => self.read_trait(xml, e)?,
            Tag::Error => {
                let mut error = ErrorElement::default();
                xml.for_each_attribute(e, |key, v| {
                    match key {
                        b"type" => error.kind = v.trim().to_string(),
                        b"name" => error.name = Some(v.into_owned()),
                        _ => {}
                    }
                    Ok(())
                })?;
                self.error = Some(error);
            }
            Tag::Failure => {
                let mut failure = Failure::default();
                xml.for_each_attribute(e, |key, v| {
                    if key == b"exception-type" {
                        failure.exception_type = Some(v.trim().to_string());
                    }
                    Ok(())
                })?;
                self.failure = Some(failure);
            }
            Tag::Message | Tag::Reason => self.text = Some(String::new()),
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    /// The innermost open element closes.
    fn end(&mut self) {
        let tag = self.stack.pop();
        let parent = self.stack.last().copied();
        match tag {
            Some(Tag::Message) => {
                let text = self.text.take().unwrap_or_default();
                if let Some(f) = self.failure.as_mut() {
                    f.message = Some(text);
                }
            }
            Some(Tag::Reason) => {
                let text = self.text.take().unwrap_or_default();
                if let Some(t) = self.test.as_mut() {
                    t.reason = Some(text);
                }
            }
            Some(Tag::Failure) => {
                let failure = self.failure.take().unwrap_or_default();
                match parent {
                    Some(Tag::Test) => {
                        if let Some(t) = self.test.as_mut() {
                            t.failure = Some(failure);
                        }
                    }
                    Some(Tag::Error) => {
                        if let Some(e) = self.error.as_mut() {
                            e.failure = Some(failure);
                        }
                    }
                    Some(Tag::Group(true)) => self.class_failure(failure),
                    _ => {}
                }
            }
            Some(Tag::Error) => {
                if let Some(error) = self.error.take() {
                    self.end_error(error);
                }
            }
            Some(Tag::Test) => {
                if let Some(t) = self.test.take() {
                    self.emit(t);
                }
            }
            Some(Tag::Group(_)) => {
                if let Some(g) = self.group.take() {
                    let what = if g.v1 { "class" } else { "collection" };
                    self.compare(what, &g.name, &g.written, &g.found);
                }
            }
            Some(Tag::Assembly) => {
                if let Some(a) = self.assembly.take() {
                    self.end_assembly(a);
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
        (None, b"assemblies") => Tag::Assemblies,
        (None | Some(Tag::Assemblies), b"assembly") => Tag::Assembly,
        (Some(Tag::Assembly), b"errors") => Tag::Errors,
        (Some(Tag::Errors), b"error") => Tag::Error,
        (Some(Tag::Assembly), b"collection") => Tag::Group(false),
        (Some(Tag::Assembly), b"class") => Tag::Group(true),
        (Some(Tag::Group(_) | Tag::Assembly), b"test") => Tag::Test,
        (Some(Tag::Test), b"traits") => Tag::Traits,
        (Some(Tag::Traits), b"trait") => Tag::Trait,
        (Some(Tag::Test | Tag::Error | Tag::Group(true)), b"failure") => Tag::Failure,
        (Some(Tag::Failure), b"message") => Tag::Message,
        (Some(Tag::Test), b"reason") => Tag::Reason,
        (Some(Tag::Reason), b"message") => Tag::ReasonMessage,
        _ => Tag::Other,
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Assemblies => "assemblies",
        Tag::Assembly => "assembly",
        Tag::Errors => "errors",
        Tag::Error => "error",
        Tag::Group(false) => "collection",
        Tag::Group(true) => "class",
        Tag::Test => "test",
        Tag::Traits => "traits",
        Tag::Trait => "trait",
        Tag::Failure => "failure",
        Tag::Message | Tag::ReasonMessage => "message",
        Tag::Reason => "reason",
        Tag::Other => "assemblies",
    }
}

/// A count attribute's index in [`Counts`].
fn count_index(key: &[u8]) -> Option<usize> {
    COUNTED.iter().position(|c| c.as_bytes() == key)
}

impl Parser<'_, '_, '_> {
    fn start_assembly(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
    ) -> Result<(), FormatError> {
        let mut a = Assembly::default();
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => a.name = v.trim().to_string(),
                b"test-framework" => {
                    a.xunit_net = v.trim_start().to_ascii_lowercase().starts_with("xunit.net")
                }
                _ => {
                    if let Some(i) = count_index(key) {
                        a.written[i] = v.trim().parse().ok();
                    }
                }
            }
            Ok(())
        })?;
        self.assembly = Some(a);
        Ok(())
    }

    fn start_group(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        v1: bool,
    ) -> Result<(), FormatError> {
        let escaped = !v1 && self.escaped();
        let mut g = Group {
            v1,
            name: String::new(),
            written: [None; 6],
            found: [0; 6],
        };
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => g.name = unescape(v.trim(), escaped).into_owned(),
                _ => {
                    if let Some(i) = count_index(key) {
                        g.written[i] = v.trim().parse().ok();
                    }
                }
            }
            Ok(())
        })?;
        self.group = Some(g);
        Ok(())
    }

    fn start_test(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut t = Test::default();
        let escaped = self.escaped_here();
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => t.display = unescape(v.trim(), escaped).into_owned(),
                b"type" => t.class = v.trim().to_string(),
                b"method" => t.method = v.trim().to_string(),
                b"result" => t.result = Some(v.trim().to_string()),
                b"time" => t.time = Some(v.into_owned()),
                b"source-file" => t.file = Some(v.trim().to_string()),
                b"source-line" => t.line = Some(v.into_owned()),
                _ => {}
            }
            Ok(())
        })?;
        self.test = Some(t);
        Ok(())
    }

    /// A `<trait name value>` of the open test: its requirement ids.
    fn read_trait(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let escaped = self.escaped_here();
        let (mut name, mut value) = (String::new(), String::new());
        xml.for_each_attribute(e, |key, v| {
            match key {
                b"name" => name = unescape(v.trim(), escaped).into_owned(),
                b"value" => value = unescape(&v, escaped).into_owned(),
                _ => {}
            }
            Ok(())
        })?;
        let Some(t) = self.test.as_mut() else {
            return Ok(());
        };
        let names = &self.ctx.options.requirement_properties;
        // Repeats go when the test's record is made.
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            t.requirements.extend(split_ids(&value).map(str::to_string));
        } else {
            t.requirements
                .extend(ids_in(&self.ctx.options.requirement_pattern, &value));
        }
        Ok(())
    }

    /// Whether the open assembly's text went through xUnit.net's escaper
    /// (v2 and v3; v1 writes text as it is).
    fn escaped(&self) -> bool {
        self.assembly.as_ref().is_some_and(|a| a.xunit_net)
    }

    fn escaped_here(&self) -> bool {
        self.escaped() && !self.group.as_ref().is_some_and(|g| g.v1)
    }

    fn end_error(&mut self, error: ErrorElement) {
        let escaped = self.escaped();
        let name = error
            .name
            .map(|n| unescape(n.trim(), escaped).into_owned())
            .filter(|n| !n.is_empty());
        let kind = if error.kind.is_empty() {
            "unknown".to_string()
        } else {
            error.kind
        };
        let target = name.clone().and_then(|n| match kind.as_str() {
            "test-class-cleanup" => Some(Target::Class(n)),
            "test-collection-cleanup" => Some(Target::Collection(n)),
            "test-case-cleanup" | "test-cleanup" => Some(Target::Display(n)),
            "test-method-cleanup" => Some(Target::Method(n)),
            _ => None,
        });
        let suite = match name {
            Some(n) => n,
            None => self
                .assembly
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        };
        let message = error
            .failure
            .as_ref()
            .and_then(|f| failure_message(f, escaped));
        self.note_error(&kind);
        self.pend(suite, format!("({kind} error)"), message, target);
        if let Some(a) = self.assembly.as_mut() {
            a.found[5] += 1;
        }
    }

    /// A v1 `<class>`'s own `<failure>`: its fixture failed.
    fn class_failure(&mut self, failure: Failure) {
        let Some(g) = self.group.as_mut() else {
            return;
        };
        // v1 counts it as a failed test of the class.
        g.found[0] += 1;
        g.found[2] += 1;
        let class = g.name.clone();
        if let Some(a) = self.assembly.as_mut() {
            a.found[0] += 1;
            a.found[2] += 1;
        }
        self.note_error("class fixture");
        let message = failure_message(&failure, false);
        self.pend(
            class.clone(),
            "(class fixture error)".to_string(),
            message,
            Some(Target::Class(class)),
        );
    }

    /// Keeps an errored record until its assembly ends, gathering the
    /// requirement ids of the tests it names.
    fn pend(
        &mut self,
        suite: String,
        name: String,
        message: Option<String>,
        target: Option<Target>,
    ) {
        let mut requirements = ids_in(&self.ctx.options.requirement_pattern, &suite);
        dedup_ids(&mut requirements);
        let mut pending = Pending {
            suite,
            name,
            message,
            requirements,
            target: None,
        };
        match self.assembly.as_mut() {
            Some(a) => {
                if let Some(target) = target {
                    a.targets.entry(target.clone()).or_default();
                    pending.target = Some(target);
                }
                a.errors.push(pending);
            }
            // An error outside any assembly: no tests follow to gather.
            None => self.record_error(pending),
        }
    }

    fn end_assembly(&mut self, mut a: Assembly) {
        for mut pending in std::mem::take(&mut a.errors) {
            if let Some(gathered) = pending.target.as_ref().and_then(|t| a.targets.get(t)) {
                pending.requirements.extend(gathered.ids.iter().cloned());
                dedup_ids(&mut pending.requirements);
            }
            self.record_error(pending);
        }
        // Failures and errors the assembly counts beyond those listed (a
        // file that lost them) must not vanish: one errored record.
        let written = |i: usize| a.written[i].unwrap_or(0);
        let unknown = a.found[0].saturating_sub(a.found[1..5].iter().sum());
        let missing = written(2)
            .saturating_sub(a.found[2].saturating_add(unknown))
            .saturating_add(written(5).saturating_sub(a.found[5]));
        let counter = format!("<assembly name=\"{}\"> counts", a.name);
        let failing = TestStatus::Errored;
        stand_in::unlisted(
            self.ctx, self.out, &a.name, &counter, missing, "failing", failing,
        );
        let name = a.name.clone();
        self.compare("assembly", &name, &a.written, &a.found);
    }

    fn record_error(&mut self, p: Pending) {
        let id = if p.suite.is_empty() {
            p.name.clone()
        } else {
            format!("{}::{}", p.suite, p.name)
        };
        self.push_record(TestCase {
            id,
            suite: p.suite,
            name: p.name,
            source: None,
            status: TestStatus::Errored,
            duration_ms: None,
            message: p.message,
            flaky: false,
            requirements: p.requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    fn push_record(&mut self, record: TestCase) {
        if !self.seen.insert(record.id.clone()) {
            self.repeated += 1;
        }
        self.out.push(record);
    }

    fn emit(&mut self, t: Test) {
        let xunit_net = self.assembly.as_ref().is_some_and(|a| a.xunit_net);
        let escaped = self.escaped_here();
        let group_name = self.group.as_ref().map(|g| g.name.as_str());
        let (suite, name) = if t.class.is_empty() {
            split_title(&t.display, group_name)
        } else if let Some(rest) = t
            .display
            .strip_prefix(t.class.as_str())
            .and_then(|r| r.strip_prefix('.'))
        {
            (t.class.clone(), rest.to_string())
        } else if xunit_net && !t.method.is_empty() && !starts_with_method(&t.display, &t.method) {
            // A custom DisplayName: the JUnit logger names the test by its
            // method and whatever the display name has from its first `(`.
            let args = t.display.find('(').map_or("", |i| &t.display[i..]);
            let name = format!("{}{args}", t.method);
            self.custom_display += 1;
            if self.custom_example.is_none() {
                self.custom_example = Some((t.display.clone(), name.clone()));
            }
            (t.class.clone(), name)
        } else {
            (t.class.clone(), t.display.clone())
        };
        let result = t.result.as_deref().unwrap_or("");
        let (index, mut status) = match result {
            "Pass" => (1, TestStatus::Passed),
            "Fail" => (2, TestStatus::Failed),
            "Skip" => (3, TestStatus::Skipped),
            "NotRun" => (4, TestStatus::Skipped),
            _ => {
                self.unknown += 1;
                if self.unknown_example.is_none() {
                    self.unknown_example = Some(result.to_string());
                }
                (0, TestStatus::Errored)
            }
        };
        if status == TestStatus::Passed && t.failure.is_some() {
            self.passed_with_failure += 1;
            status = TestStatus::Failed;
        }
        for found in [
            self.group.as_mut().map(|g| &mut g.found),
            self.assembly.as_mut().map(|a| &mut a.found),
        ]
        .into_iter()
        .flatten()
        {
            found[0] += 1;
            if index > 0 {
                found[index] += 1;
            }
        }
        let failure = t.failure.as_ref().and_then(|f| failure_message(f, escaped));
        let reason = t
            .reason
            .as_deref()
            .and_then(|r| one_line(&unescape(r, escaped)));
        let message = match (status, result) {
            (TestStatus::Failed, _) => failure,
            (TestStatus::Skipped, "NotRun") => Some(match reason {
                Some(r) => format!("not run: {r}"),
                None => "not run".to_string(),
            }),
            (TestStatus::Skipped, _) => reason,
            (TestStatus::Errored, _) => Some(failure.unwrap_or_else(|| {
                truncate_chars(
                    &format!("result \"{result}\" is not an xUnit.net result"),
                    MAX_MESSAGE_CHARS,
                )
            })),
            _ => None,
        };
        let source = t.file.filter(|f| !f.is_empty()).map(|file| Location {
            file,
            line: t
                .line
                .and_then(|l| l.trim().parse::<u32>().ok())
                .filter(|&l| l > 0),
            column: None,
        });
        let pattern = &self.ctx.options.requirement_pattern;
        let mut requirements = t.requirements;
        let display = (t.display != name).then_some(t.display.as_str());
        for text in [Some(name.as_str()), display, Some(suite.as_str())]
            .into_iter()
            .flatten()
        {
            requirements.extend(ids_in(pattern, text));
        }
        dedup_ids(&mut requirements);
        self.gather(&t.class, &t.display, &t.method, &requirements);
        let id = if suite.is_empty() {
            name.clone()
        } else {
            format!("{suite}::{name}")
        };
        let duration_ms = t.time.as_deref().and_then(seconds_to_ms);
        self.push_record(TestCase {
            id,
            suite,
            name,
            source,
            status,
            duration_ms,
            message,
            flaky: false,
            requirements,
            level: TestLevel::Unspecified,
            evidence: self.ctx.evidence_path.to_string(),
        });
    }

    /// Gives the requirement ids of a test to the errors that name it.
    fn gather(&mut self, class: &str, display: &str, method: &str, requirements: &[String]) {
        if requirements.is_empty() {
            return;
        }
        let collection = self
            .group
            .as_ref()
            .filter(|g| !g.v1)
            .map(|g| g.name.clone());
        let Some(a) = self.assembly.as_mut() else {
            return;
        };
        if a.targets.is_empty() {
            return;
        }
        let keys = [
            Some(Target::Class(class.to_string())),
            collection.map(Target::Collection),
            Some(Target::Display(display.to_string())),
            Some(Target::Method(method.to_string())),
        ];
        for key in keys.into_iter().flatten() {
            if let Some(gathered) = a.targets.get_mut(&key) {
                for id in requirements {
                    if gathered.seen.insert(id.clone()) {
                        gathered.ids.push(id.clone());
                    }
                }
            }
        }
    }

    /// Notes where an element's written totals disagree with its tests.
    fn compare(&mut self, what: &str, name: &str, written: &Counts, found: &[u64; 6]) {
        let differ: Vec<String> = COUNTED
            .iter()
            .zip(written.iter().zip(found))
            .filter_map(|(key, (w, f))| match w {
                Some(w) if w != f => Some(format!("{key} {w} (found {f})")),
                _ => None,
            })
            .collect();
        if differ.is_empty() {
            return;
        }
        self.mismatches += 1;
        if self.first_mismatch.is_none() {
            self.first_mismatch = Some(format!(
                "<{what} name=\"{name}\"> says {}",
                differ.join(", ")
            ));
        }
    }

    fn note_error(&mut self, kind: &str) {
        self.error_records += 1;
        // A few kinds name them all (xUnit.net has seven).
        if self.error_kinds.len() < MAX_KINDS_NAMED {
            self.error_kinds.insert(kind.to_string());
        }
    }

    fn warn(&mut self) {
        stand_in::misplaced(self.ctx, self.out, self.misplaced, "test");
        let warnings = &mut self.ctx.warnings;
        if let Some(first) = self.first_mismatch.take() {
            let more = match self.mismatches {
                0 | 1 => String::new(),
                n => format!(" (and {} more element(s))", n - 1),
            };
            warnings.push(format!(
                "the file's totals disagree with the tests it lists: {first}{more}; the tests \
                 listed are used"
            ));
        }
        if self.unknown > 0 {
            warnings.push(format!(
                "{} test(s) have a result other than Pass, Fail, Skip or NotRun (e.g. \"{}\"): \
                 read as errored",
                self.unknown,
                self.unknown_example.as_deref().unwrap_or("")
            ));
        }
        if self.passed_with_failure > 0 {
            warnings.push(format!(
                "{} test(s) written as passed hold a <failure>: read as failed",
                self.passed_with_failure
            ));
        }
        if let Some((display, name)) = self.custom_example.take() {
            warnings.push(format!(
                "{} test(s) have a custom display name and are named by their method, as \
                 JunitXml.TestLogger names them (\"{display}\" is {name})",
                self.custom_display
            ));
        }
        if self.error_records > 0 {
            let kinds: Vec<&str> = self.error_kinds.iter().map(String::as_str).collect();
            warnings.push(format!(
                "{} failure(s) outside any test ({}) are errored records: xUnit.net fails the \
                 run for them",
                self.error_records,
                kinds.join(", ")
            ));
        }
        if self.repeated > 0 {
            warnings.push(format!(
                "{} test id(s) repeat in the file; each record is kept",
                self.repeated
            ));
        }
    }
}

/// Whether a display name is the method's own (`Method` or
/// `Method(args)`), as xUnit.net writes it under `methodDisplay: method`.
fn starts_with_method(display: &str, method: &str) -> bool {
    display
        .strip_prefix(method)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('('))
}

/// A test without a class (mocha-xunit-reporter's full title `Suite
/// Inner title`): split after the collection's name where it stands as
/// whole words, else the collection is the suite.
fn split_title(display: &str, collection: Option<&str>) -> (String, String) {
    let Some(group) = collection.filter(|g| !g.is_empty()) else {
        return (String::new(), display.to_string());
    };
    let mut from = 0;
    while let Some(i) = display.get(from..).and_then(|rest| rest.find(group)) {
        let at = from + i;
        let end = at + group.len();
        let whole_before = at == 0 || display[..at].ends_with(' ');
        if whole_before && let Some(rest) = display[end..].strip_prefix(' ') {
            return (display[..end].to_string(), rest.to_string());
        }
        from = at + group.chars().next().map_or(1, char::len_utf8);
    }
    (group.to_string(), display.to_string())
}

/// A failure's message on one line, else its exception type.
fn failure_message(f: &Failure, escaped: bool) -> Option<String> {
    f.message
        .as_deref()
        .and_then(|m| one_line(&unescape(m, escaped)))
        .or_else(|| f.exception_type.clone().filter(|t| !t.is_empty()))
        .map(|m| truncate_chars(&m, MAX_MESSAGE_CHARS))
}

/// Lines trimmed, blank ones dropped, joined with `; `.
fn one_line(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| truncate_chars(&lines.join("; "), MAX_MESSAGE_CHARS))
}

/// Seconds (`0.0042311`) as milliseconds, rounded.
fn seconds_to_ms(value: &str) -> Option<u64> {
    let seconds: f64 = value.trim().parse().ok()?;
    (0.0..1e12)
        .contains(&seconds)
        .then(|| (seconds * 1000.0).round() as u64)
}

/// Reads back what xUnit.net's `XmlEscape` wrote (`\\`, `\"`, `\n`, `\r`,
/// `\t`, `\0`, `\a`, `\b`, `\v`, `\f`, `\xHH` for other control
/// characters, `\xHHHH` for lone surrogates) when `escaped`; anything else
/// stays as written.
fn unescape(text: &str, escaped: bool) -> Cow<'_, str> {
    if !escaped || !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let mut chars = after.chars();
        let (ch, used) = match chars.next() {
            Some('\\') => (Some('\\'), 1),
            Some('"') => (Some('"'), 1),
            Some('n') => (Some('\n'), 1),
            Some('r') => (Some('\r'), 1),
            Some('t') => (Some('\t'), 1),
            Some('0') => (Some('\0'), 1),
            Some('a') => (Some('\u{7}'), 1),
            Some('b') => (Some('\u{8}'), 1),
            Some('v') => (Some('\u{b}'), 1),
            Some('f') => (Some('\u{c}'), 1),
            Some('x') => hex_escape(&after[1..]),
            _ => (None, 0),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `\x` followed by four hex digits (U+FFFE, U+FFFF, or a lone surrogate,
/// which a Rust string cannot hold: U+FFFD) or two (a control character).
fn hex_escape(after_x: &str) -> (Option<char>, usize) {
    let hex = |n: usize| {
        after_x
            .get(..n)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    if let Some(v) = hex(4)
        && ((0xD800..=0xDFFF).contains(&v) || v == 0xFFFE || v == 0xFFFF)
    {
        return (Some(char::from_u32(v).unwrap_or('\u{FFFD}')), 5);
    }
    match hex(2) {
        Some(v) if v < 0x20 => (char::from_u32(v), 3),
        _ => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture, whole, cut short and with bytes bent, reads the same
    /// whether it arrives whole or a few bytes at a time, and never panics.
    #[test]
    fn broken_files_read_alike_however_they_arrive() {
        let options = crate::Options::default();
        for fixture in [
            "handmade-xunit/xunit-v2.xml",
            "handmade-xunit/xunit-v1.xml",
            "handmade-xunit/xunit-v3.xml",
            "mocha-xunit-reporter/mocha-xunit-reporter.xml",
        ] {
            for bytes in super::super::broken_variants(fixture, b"\"<>/\\\xFF") {
                let run = |chunk: usize| {
                    let mut ctx = ParseContext {
                        evidence_path: "x.xml",
                        options: &options,
                        warnings: Vec::new(),
                    };
                    let mut out = Vec::new();
                    let mut reader = std::io::BufReader::with_capacity(
                        chunk,
                        crate::testing::Trickle::new(&bytes, chunk),
                    );
                    let result = parse(&mut reader, &mut ctx, &mut out);
                    format!(
                        "{:?} {out:?} {:?}",
                        result.map_err(|e| (e.at, e.message)),
                        ctx.warnings
                    )
                };
                assert_eq!(
                    run(7),
                    run(64 * 1024),
                    "{}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }

    #[test]
    fn xunit_escapes_read_back() {
        assert_eq!(unescape(r#"M(unit: \"mL/h\")"#, true), r#"M(unit: "mL/h")"#);
        assert_eq!(unescape(r"a\nb\\n\x1fc\tq", true), "a\nb\\n\u{1f}c\tq");
        assert_eq!(unescape(r"lone \xd800 end", true), "lone \u{FFFD} end");
        assert_eq!(unescape(r"not \x41 nor \q", true), r"not \x41 nor \q");
        assert_eq!(unescape(r"trailing \", true), r"trailing \");
        assert_eq!(unescape(r"as is \n", false), r"as is \n");
    }

    #[test]
    fn titles_split_after_the_collection() {
        let split = |d: &str, g: Option<&str>| split_title(d, g);
        assert_eq!(
            split("A micro set 60 gtt", Some("micro set")),
            ("A micro set".into(), "60 gtt".into())
        );
        assert_eq!(
            split("rate computes", Some("rate")),
            ("rate".into(), "computes".into())
        );
        assert_eq!(
            split("xrate computes", Some("rate")),
            ("rate".into(), "xrate computes".into())
        );
        assert_eq!(split("t", None), (String::new(), "t".into()));
        assert_eq!(split("ü ü ü", Some("ü")), ("ü".into(), "ü ü".into()));
    }

    #[test]
    fn seconds_round_to_milliseconds() {
        assert_eq!(seconds_to_ms("0.0042311"), Some(4));
        assert_eq!(seconds_to_ms(" 1.5 "), Some(1500));
        assert_eq!(seconds_to_ms("-1"), None);
        assert_eq!(seconds_to_ms("NaN"), None);
        assert_eq!(seconds_to_ms("1e300"), None);
    }
}
