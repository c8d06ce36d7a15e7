//! Cobertura XML coverage, as coverage.py, gcovr, cargo-llvm-cov, istanbul and
//! the Cobertura Maven plugin write it.
//!
//! The file is streamed; only per-file line tables are kept. What is read:
//! `<coverage>` (the root) → `<packages><package><classes><class filename>` →
//! `<lines><line number hits branch condition-coverage>`. Lines under
//! `<methods><method><lines>` repeat the class's lines and are ignored,
//! except in a class with no `<line>` of its own (xcresultparser writes
//! only method lines): its methods' lines are unioned by number like split
//! classes (below), and one warning counts such classes. They are kept
//! only until the class shows a line of its own, so the class-level run of
//! lines is read as before.
//!
//! Decisions:
//!
//! * One record per source file, keyed by `filename` exactly as written
//!   (relative to a `<source>`, or absolute when the tool wrote it so; sources
//!   are not prepended). Several `<class>` elements sharing a filename (Java
//!   inner classes, coverage.py packages split by directory) are merged: lines
//!   are unioned by number, and a line is covered when any record has
//!   `hits > 0` (huge, fractional or negative hit counts are read as numbers;
//!   only a positive count covers).
//! * Branches per line come from `condition-coverage="50% (1/2)"`; when the
//!   same line appears several times, the largest covered and total counts
//!   are kept. A report in which any line carries branch data measured
//!   branches, so every file of it gets `branches` (0 of 0 for a file without
//!   branch points); a report without branch data gives `None` everywhere.
//! * A root declaring `branches-valid` > 0 while no line gives a branch
//!   count (PHPUnit's path coverage) has branches that would otherwise
//!   vanish from any total: they are its only file's, with a warning, and
//!   a report of several files is refused (which file has which is unknown).
//! * The root's `lines-covered` / `lines-valid` / `branches-covered` /
//!   `branches-valid`, when present, are checked against the counted totals;
//!   if they disagree (duplicated lines in split classes, a buggy producer),
//!   the counted values are used and one warning says so.
//! * Output order is the order in which files are first seen.
//! * A line table is a byte per line number while numbers stay near the count
//!   of lines seen, with a hash-map fallback for absurd numbers (a line
//!   4294967295 does not allocate 4 GiB), so millions of `<line>` elements need
//!   memory proportional to the lines, not to the numbers.
//! * Unreadable line numbers are skipped, unreadable hits count as not
//!   covered, unreadable `condition-coverage` is ignored; each kind is
//!   reported once with its count. A `<class>` without `filename` is keyed by
//!   its `name` (with a warning).
//! * `line-rate` / `branch-rate` attributes are never used: rates are derived
//!   from the counts, so they cannot disagree with them.
//!
//! Refused, like JUnit: a DOCTYPE declaring entities (a DOCTYPE naming the
//! Cobertura DTD is fine), a root other than `<coverage>`, a truncated file, a
//! second root element, nesting deeper than [`super::junit::MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attributes;

use super::ParseContext;
use super::xml::{Elements, MAX_FAST_ATTRIBUTES, XmlReader, each_attribute, split_attributes};
use crate::coverage::{LineTable, MeasuredLines, merge_branches};
use crate::error::{At, FormatError};
use crate::model::{CoverageCounts, FileCoverage};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    parse_with(reader, ctx, out, LINES_BEFORE_THREAD)
}

/// [`parse`], with the lines sent to a thread of their own after
/// `lines_here` lines.
fn parse_with(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<FileCoverage>,
    lines_here: u64,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let mut p = Parser {
        sink: LineSink::Here {
            lines: Lines::default(),
            until_thread: lines_here,
        },
        ..Parser::default()
    };
    let walked = xml.walk(&mut p);
    let (lines, lines_error) = std::mem::take(&mut p.sink).finish();
    // The first error in the file, whichever thread found it.
    match (walked, lines_error) {
        (Ok(()), None) => {}
        (Err(e), None) | (Ok(()), Some(e)) => return Err(e),
        (Err(walk), Some(line)) => return Err(earlier(line, walk)),
    }
    xml.check_complete(p.stack.last().map(Tag::name), p.root_seen, "<coverage>")?;
    p.finish(lines, ctx, out)?;
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

/// Of two errors, the one earlier in the file (`a` on a tie).
fn earlier(a: FormatError, b: FormatError) -> FormatError {
    match (a.at, b.at) {
        (At::Offset(x), At::Offset(y)) if y < x => b,
        _ => a,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    Coverage,
    Class,
    Lines,
    /// A method's `<lines>` inside a class.
    MethodLines,
    /// Another Cobertura element (no allocation for the usual ones).
    Known(&'static str),
    /// An element Cobertura does not define.
    Unknown(Box<str>),
}

const KNOWN: &[&str] = &[
    "sources",
    "source",
    "packages",
    "package",
    "classes",
    "methods",
    "method",
    "line",
    "conditions",
    "condition",
];

impl Tag {
    fn of(name: &[u8]) -> Tag {
        match KNOWN.iter().find(|k| k.as_bytes() == name) {
            Some(k) => Tag::Known(k),
            None => Tag::Unknown(String::from_utf8_lossy(name).into()),
        }
    }

    fn name(&self) -> &str {
        match self {
            Tag::Coverage => "coverage",
            Tag::Class => "class",
            Tag::Lines | Tag::MethodLines => "lines",
            Tag::Known(name) => name,
            Tag::Unknown(name) => name,
        }
    }
}

#[derive(Default)]
struct Declared {
    lines_covered: Option<u64>,
    lines_valid: Option<u64>,
    branches_covered: Option<u64>,
    branches_valid: Option<u64>,
}

#[derive(Default)]
struct Parser {
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    declared: Declared,
    /// Source files in the order first seen; their lines are in `sink`.
    files: Vec<String>,
    by_name: HashMap<String, usize>,
    /// The file of the `<class>` being read.
    current: Option<usize>,
    sink: LineSink,
    /// Whether the open `<class>` has had a `<line>` of its own.
    class_has_lines: bool,
    /// The open class's method lines, kept only until it shows a `<line>`
    /// of its own; used when it ends without one (xcresultparser).
    method_lines: Vec<LineAttrs>,
    /// Classes whose lines were read from their methods.
    classes_with_method_lines_only: u64,
    /// Where the root starts, for errors about what it declares.
    root_at: u64,
    nameless_classes: u64,
    anonymous_classes: u64,
}

impl Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let name = local.as_ref();
        xml.check_start(name, self.stack.len(), self.root_closed, b"coverage")?;
        let tag = if self.stack.is_empty() {
            self.root_seen = true;
            self.root_at = xml.event_offset();
            self.root(xml, e)?;
            Tag::Coverage
        } else {
            let parent = self.stack.last();
            let grandparent = self
                .stack
                .len()
                .checked_sub(2)
                .and_then(|i| self.stack.get(i));
            match (name, parent) {
                (b"class", _) if self.current.is_none() => {
                    self.class_has_lines = false;
                    self.method_lines.clear();
                    self.class(xml, e)?;
                    Tag::Class
                }
                (b"lines", Some(Tag::Class)) => Tag::Lines,
                (b"lines", Some(Tag::Known("method"))) if self.current.is_some() => {
                    Tag::MethodLines
                }
                (b"line", Some(Tag::Lines)) if grandparent == Some(&Tag::Class) => {
                    // The first `<line>` of every class-level run passes here
                    // (the rest come through `run_element`), so the flag costs
                    // nothing per line.
                    if !self.class_has_lines {
                        self.class_has_lines = true;
                        self.method_lines.clear();
                    }
                    self.line(xml, e)?;
                    Tag::Known("line")
                }
                (b"line", Some(Tag::MethodLines)) => {
                    if !self.class_has_lines && self.file().is_some() {
                        let attrs = LineAttrs::read(|f| xml.for_each_attribute(e, f))?;
                        self.method_lines.push(attrs);
                    }
                    Tag::Known("line")
                }
                _ => Tag::of(name),
            }
        };
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self) {
        if self.stack.pop() == Some(Tag::Class) {
            self.end_class();
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    /// A class without lines of its own takes its methods' lines: their
    /// union, as for classes sharing a file.
    fn end_class(&mut self) {
        if !self.class_has_lines
            && !self.method_lines.is_empty()
            && let Some(file) = self.file()
        {
            self.classes_with_method_lines_only += 1;
            for attrs in self.method_lines.drain(..) {
                // A stopped lines thread has an error of its own, earlier in
                // the file, which `parse` reports.
                if self.sink.parsed(file, attrs).is_err() {
                    break;
                }
            }
        }
        self.method_lines.clear();
        self.class_has_lines = false;
        self.current = None;
    }

    fn root(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let declared = &mut self.declared;
        xml.for_each_attribute(e, |key, value| {
            let n = value.trim().parse::<u64>().ok();
            match key {
                b"lines-covered" => declared.lines_covered = n,
                b"lines-valid" => declared.lines_valid = n,
                b"branches-covered" => declared.branches_covered = n,
                b"branches-valid" => declared.branches_valid = n,
                _ => {}
            }
            Ok(())
        })
    }

    fn class(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut filename = None;
        let mut name = None;
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"filename" if !value.trim().is_empty() => filename = Some(value.into_owned()),
                b"name" if !value.trim().is_empty() => name = Some(value.into_owned()),
                _ => {}
            }
            Ok(())
        })?;
        let path = match (filename, name) {
            (Some(filename), _) => filename,
            (None, Some(name)) => {
                self.nameless_classes += 1;
                name
            }
            // Neither filename nor name: its lines cannot be attributed.
            (None, None) => {
                self.anonymous_classes += 1;
                return Ok(());
            }
        };
        let index = match self.by_name.get(&path) {
            Some(&i) => i,
            None => {
                let i = self.files.len();
                self.by_name.insert(path.clone(), i);
                self.files.push(path);
                i
            }
        };
        self.current = Some(index);
        Ok(())
    }

    fn line(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        match self.file() {
            Some(file) => self.sink.line(xml, e, file),
            None => Ok(()),
        }
    }

    /// The source file of the `<class>` being read, if it names one.
    fn file(&self) -> Option<usize> {
        self.current.filter(|&i| i < self.files.len())
    }

    fn finish(
        self,
        mut all: Lines,
        ctx: &mut ParseContext<'_>,
        out: &mut Vec<FileCoverage>,
    ) -> Result<(), FormatError> {
        let mut lines_total = CoverageCounts::default();
        let mut branches_total = CoverageCounts::default();
        let no_files = self.files.is_empty();
        let mut records = Vec::with_capacity(self.files.len());
        for (i, path) in self.files.into_iter().enumerate() {
            let mut file = all.files.get_mut(i).map(std::mem::take).unwrap_or_default();
            let lines = file.lines.counts();
            let branches = merge_branches(&mut file.branches);
            lines_total.add(lines);
            branches_total.add(branches);
            records.push(FileCoverage {
                path,
                lines,
                branches: all.any_branches.then_some(branches),
                evidence: ctx.evidence_path.to_string(),
                measured: MeasuredLines::keep(
                    ctx.options.keep_coverage_lines,
                    file.lines,
                    file.branches,
                ),
            });
        }
        let d = &self.declared;
        // PHPUnit's path coverage declares branches only on the root (and
        // as rates on classes). Left out, they would vanish from a total
        // that other reports feed, raising its rate; so they are the one
        // file's when there is one, and the file is refused otherwise.
        let root_only_branches =
            branches_total.total == 0 && d.branches_valid.is_some_and(|n| n > 0);
        if let Some(valid) = d.branches_valid.filter(|_| root_only_branches) {
            let covered = d.branches_covered.unwrap_or(0).min(valid);
            let [only] = records.as_mut_slice() else {
                return Err(FormatError::at_offset(
                    self.root_at,
                    format!(
                        "branch totals only on the root: <coverage> declares \
                         branches-covered={} branches-valid={valid}, but no <line> carries \
                         condition-coverage, so the branches of each of the {} source files are \
                         unknown and leaving them out would overstate the branch coverage of any \
                         total this report enters; write the report without branch or path \
                         coverage (PHPUnit: without --path-coverage) to read its lines, or use a \
                         format that gives branches per line",
                        show(d.branches_covered),
                        records.len()
                    ),
                ));
            };
            only.branches = Some(CoverageCounts {
                covered,
                total: valid,
            });
            // Branches without lines cannot be merged line by line.
            only.measured = None;
            ctx.warnings.push(format!(
                "no <line> carries condition-coverage; the <coverage> root's \
                 branches-covered={} branches-valid={valid} are read as the branches of {}, the \
                 report's only source file",
                show(d.branches_covered),
                only.path
            ));
        }
        out.append(&mut records);
        let mut disagreements = Vec::new();
        if d.lines_covered.is_some_and(|n| n != lines_total.covered)
            || d.lines_valid.is_some_and(|n| n != lines_total.total)
        {
            disagreements.push(format!(
                "lines-covered={} lines-valid={} but the <line> elements give {} of {}",
                show(d.lines_covered),
                show(d.lines_valid),
                lines_total.covered,
                lines_total.total
            ));
        }
        // Producers that do not measure branches write branches-valid="0".
        let branch_attrs_meaningful = all.any_branches
            || d.branches_valid.is_some_and(|n| n > 0)
            || d.branches_covered.is_some_and(|n| n > 0);
        if branch_attrs_meaningful
            && !root_only_branches
            && (d
                .branches_covered
                .is_some_and(|n| n != branches_total.covered)
                || d.branches_valid.is_some_and(|n| n != branches_total.total))
        {
            disagreements.push(format!(
                "branches-covered={} branches-valid={} but the condition-coverage attributes give {} of {}",
                show(d.branches_covered),
                show(d.branches_valid),
                branches_total.covered,
                branches_total.total
            ));
        }
        if !disagreements.is_empty() {
            ctx.warnings.push(format!(
                "the <coverage> root says {} (after merging classes that share a file); the counted values are used",
                disagreements.join(", and ")
            ));
        }
        if self.classes_with_method_lines_only > 0 {
            ctx.warnings.push(format!(
                "{} <class> element(s) have no <line> of their own; their methods' lines were \
                 read instead (a line in several methods counts once)",
                self.classes_with_method_lines_only
            ));
        }
        if no_files {
            ctx.warnings
                .push("the report covers no source files".to_string());
        }
        if self.nameless_classes > 0 {
            ctx.warnings.push(format!(
                "{} <class> element(s) have no filename attribute; their name is used as the path",
                self.nameless_classes
            ));
        }
        if self.anonymous_classes > 0 {
            ctx.warnings.push(format!(
                "{} <class> element(s) have neither filename nor name; their lines were ignored",
                self.anonymous_classes
            ));
        }
        if all.bad_numbers > 0 {
            ctx.warnings.push(format!(
                "{} <line> element(s) have no valid line number and were ignored",
                all.bad_numbers
            ));
        }
        if all.bad_hits > 0 {
            ctx.warnings.push(format!(
                "{} <line> element(s) have no readable hits count and were counted as not covered",
                all.bad_hits
            ));
        }
        if all.bad_conditions > 0 {
            ctx.warnings.push(format!(
                "{} condition-coverage value(s) are not of the form \"50% (1/2)\" and were ignored",
                all.bad_conditions
            ));
        }
        Ok(())
    }
}

/// What the `<line>` elements of a report add up to, per source file (by
/// the index of [`Parser::files`]).
#[derive(Default)]
struct Lines {
    files: Vec<FileLines>,
    any_branches: bool,
    bad_numbers: u64,
    bad_hits: u64,
    bad_conditions: u64,
}

#[derive(Default)]
struct FileLines {
    lines: LineTable,
    /// (line, covered, total) per branch point record, merged at the end.
    branches: Vec<(u64, u64, u64)>,
}

/// The attributes of one `<line>`. `condition`: `None` absent, `Some(None)`
/// unreadable.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineAttrs {
    number: Option<u64>,
    hits: Option<bool>,
    branch: bool,
    condition: Option<Option<(u64, u64)>>,
}

type Attribute<'f> = dyn FnMut(&[u8], Cow<'_, str>) -> Result<(), FormatError> + 'f;

impl LineAttrs {
    /// Reads them through `each_attribute`, which calls its argument with
    /// every attribute.
    fn read(
        each_attribute: impl FnOnce(&mut Attribute<'_>) -> Result<(), FormatError>,
    ) -> Result<LineAttrs, FormatError> {
        let mut a = LineAttrs::NONE;
        each_attribute(&mut |key, value| {
            a.set(key, &value);
            Ok(())
        })?;
        Ok(a)
    }

    const NONE: LineAttrs = LineAttrs {
        number: None,
        hits: None,
        branch: false,
        condition: None,
    };

    fn set(&mut self, key: &[u8], value: &str) {
        match key {
            b"number" => self.number = trim(value).parse::<u64>().ok(),
            b"hits" => self.hits = hits_cover(value),
            b"branch" => self.branch = trim(value).eq_ignore_ascii_case("true"),
            b"condition-coverage" => self.condition = Some(parse_condition(value)),
            _ => {}
        }
    }

    /// The `<line>` as writers write it: each attribute a space, then
    /// `key="value"` with one of [`USUAL_KEYS`], no key twice and no `&` in
    /// a value. A prefix test per attribute instead of a general split (the
    /// lines thread's largest cost); `None` for anything else, which
    /// [`LineAttrs::read_plain`] reads, to the same result where both read.
    fn read_usual(content: &str, name_len: usize) -> Option<LineAttrs> {
        let mut rest = content.get(name_len..)?;
        let mut a = LineAttrs::NONE;
        let mut seen = 0_u8;
        while let Some(attribute) = rest.strip_prefix(' ') {
            let (k, key) = USUAL_KEYS
                .iter()
                .enumerate()
                .find(|(_, key)| attribute.as_bytes().starts_with(key))?;
            let bit = 1 << k;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            let value_on = attribute.get(key.len()..)?;
            let end = value_on.bytes().position(|b| b == b'"' || b == b'&')?;
            if value_on.as_bytes().get(end) != Some(&b'"') {
                return None;
            }
            // The key without its `="`.
            a.set(key.get(..key.len() - 2)?, value_on.get(..end)?);
            rest = value_on.get(end + 1..)?;
        }
        rest.is_empty().then_some(a)
    }

    /// A `<line>` read without the general attribute path: a tag
    /// already known to be UTF-8 (`content`, its name `name_len` bytes
    /// long) whose attributes split cleanly, carry no namespace prefix and
    /// no entity reference, so every value is a slice of `content` as it
    /// stands. `None` sends the tag down the general path, which decodes,
    /// unescapes and reports errors. On the lines thread this halves the
    /// cost per line.
    fn read_plain(content: &str, name_len: usize) -> Option<LineAttrs> {
        let raw = content.as_bytes().get(name_len..)?;
        let mut pairs: [(&[u8], &[u8]); MAX_FAST_ATTRIBUTES] = [(&[], &[]); MAX_FAST_ATTRIBUTES];
        let split = split_attributes(raw, &mut pairs)?;
        if !split.plain {
            return None;
        }
        let mut a = LineAttrs::NONE;
        for &(key, value) in pairs.iter().take(split.n) {
            // The value's place in `content`: it lies between two ASCII
            // quotes there, so it is a whole UTF-8 slice of it.
            let start = value.as_ptr().addr() - content.as_ptr().addr();
            a.set(key, content.get(start..start + value.len())?);
        }
        Some(a)
    }
}

impl Lines {
    fn add(&mut self, file: usize, a: LineAttrs) {
        let Some(number) = a.number else {
            self.bad_numbers += 1;
            return;
        };
        if a.hits.is_none() {
            self.bad_hits += 1;
        }
        if self.files.len() <= file {
            self.files.resize_with(file + 1, FileLines::default);
        }
        let Some(table) = self.files.get_mut(file) else {
            return;
        };
        table.lines.insert(number, a.hits.unwrap_or(false));
        if a.branch || a.condition.is_some() {
            self.any_branches = true;
        }
        match a.condition {
            Some(Some((c, t))) => table.branches.push((number, c.min(t), t)),
            Some(None) => self.bad_conditions += 1,
            None => {}
        }
    }

    /// The lines of one batch, in order; stops at the first error.
    fn add_batch(&mut self, batch: &Batch) -> Result<(), FormatError> {
        for item in &batch.items {
            match *item {
                Item::Parsed { file, attrs } => self.add(file, attrs),
                Item::Raw {
                    file,
                    at,
                    start,
                    name_len,
                    end,
                } => {
                    let content = batch.text.get(start..end).unwrap_or_default();
                    let usual = LineAttrs::read_usual(content, name_len);
                    if let Some(attrs) = usual.or_else(|| LineAttrs::read_plain(content, name_len))
                    {
                        self.add(file, attrs);
                        continue;
                    }
                    let name = content.as_bytes().get(..name_len).unwrap_or_default();
                    let local = match name.iter().position(|&b| b == b':') {
                        Some(i) => name.get(i + 1..).unwrap_or_default(),
                        None => name,
                    };
                    let raw = content.as_bytes().get(name_len..).unwrap_or_default();
                    let attrs = LineAttrs::read(|f| {
                        each_attribute(
                            raw,
                            || Attributes::new(content, name_len),
                            || String::from_utf8_lossy(local).into_owned(),
                            // Always UTF-8: the tag is.
                            |bytes| match std::str::from_utf8(bytes) {
                                Ok(text) => Cow::Borrowed(text),
                                Err(_) => String::from_utf8_lossy(bytes),
                            },
                            |message| FormatError::at_offset(at, message),
                            f,
                        )
                    })?;
                    self.add(file, attrs);
                }
            }
        }
        Ok(())
    }
}

/// The attributes [`LineAttrs::read_usual`] knows, with their `="`:
/// those `set` reads, and coverage.py's `missing-branches`, read past.
const USUAL_KEYS: [&[u8]; 5] = [
    b"number=\"",
    b"hits=\"",
    b"branch=\"",
    b"condition-coverage=\"",
    b"missing-branches=\"",
];

/// Lines read on the parsing thread before the rest go to a thread of their
/// own: a report this large is worth a thread.
const LINES_BEFORE_THREAD: u64 = 50_000;

/// Bytes of `<line>` tags per batch sent to the lines thread.
const BATCH_BYTES: usize = 128 * 1024;

/// Batches on their way to the lines thread, at most.
const BATCHES_IN_FLIGHT: usize = 4;

/// Where `<line>` elements go: read on the spot, or, once the report has
/// shown itself large, copied in batches to a thread that reads their
/// attributes, while this one goes on with the XML. That thread sees the
/// lines in order and stops at its first error; [`parse`] reports whichever
/// of the two threads' errors comes first in the file, so the outcome is the
/// same as reading every line on the spot.
enum LineSink {
    Here {
        lines: Lines,
        until_thread: u64,
    },
    Away(Away),
    /// Only while switching.
    Gone,
}

impl Default for LineSink {
    fn default() -> Self {
        LineSink::Here {
            lines: Lines::default(),
            until_thread: LINES_BEFORE_THREAD,
        }
    }
}

struct Away {
    batch: Batch,
    to_thread: Option<SyncSender<Batch>>,
    spent: Receiver<Batch>,
    thread: JoinHandle<(Lines, Option<FormatError>)>,
}

#[derive(Default)]
struct Batch {
    /// The tags' content (name and attributes), one after another.
    text: String,
    items: Vec<Item>,
}

enum Item {
    /// A tag in UTF-8: `text[start..end]`, its name `name_len` bytes long,
    /// its errors at offset `at`.
    Raw {
        file: usize,
        at: u64,
        start: usize,
        name_len: usize,
        end: usize,
    },
    /// A tag that is not UTF-8, read on the parsing thread (which decodes
    /// it and says so in a warning).
    Parsed { file: usize, attrs: LineAttrs },
}

/// The parsing thread's error when the lines thread has stopped at an
/// error of its own, which is earlier in the file and so is the one reported.
fn lines_thread_stopped() -> FormatError {
    FormatError::at_offset(u64::MAX, "the lines thread stopped")
}

impl LineSink {
    fn line(
        &mut self,
        xml: &XmlReader<'_>,
        e: &BytesStart<'_>,
        file: usize,
    ) -> Result<(), FormatError> {
        if let LineSink::Away(away) = self
            && let Ok(content) = std::str::from_utf8(e)
        {
            return away.push(xml, content, e.name().as_ref().len(), file);
        }
        // Read here: the first lines, and a tag that is not UTF-8 (decoded
        // with the warning the reader gives).
        let attrs = LineAttrs::read(|f| xml.for_each_attribute(e, f))?;
        self.parsed(file, attrs)
    }

    /// A `<line>` given as its tag's text: `content` (between `<` and
    /// `/>`), its name `name_len` bytes long.
    fn line_text(
        &mut self,
        xml: &XmlReader<'_>,
        content: &str,
        name_len: usize,
        file: usize,
    ) -> Result<(), FormatError> {
        match self {
            LineSink::Away(away) => away.push(xml, content, name_len, file),
            _ => self.line(xml, &BytesStart::from_content(content, name_len), file),
        }
    }

    /// A `<line>` whose attributes are read.
    fn parsed(&mut self, file: usize, attrs: LineAttrs) -> Result<(), FormatError> {
        match self {
            LineSink::Here {
                lines,
                until_thread,
            } => {
                lines.add(file, attrs);
                *until_thread = until_thread.saturating_sub(1);
                if *until_thread == 0 {
                    *self = match std::mem::replace(self, LineSink::Gone) {
                        LineSink::Here { lines, .. } => LineSink::Away(Away::spawn(lines)),
                        other => other,
                    };
                }
                Ok(())
            }
            LineSink::Away(away) => {
                away.batch.items.push(Item::Parsed { file, attrs });
                away.send_if_full()
            }
            LineSink::Gone => Ok(()),
        }
    }

    /// Every line's contribution, and the lines thread's error if it had one.
    fn finish(self) -> (Lines, Option<FormatError>) {
        match self {
            LineSink::Here { lines, .. } => (lines, None),
            LineSink::Away(away) => away.finish(),
            LineSink::Gone => (Lines::default(), None),
        }
    }
}

impl Away {
    fn spawn(mut lines: Lines) -> Away {
        let (to_thread, batches) = sync_channel::<Batch>(BATCHES_IN_FLIGHT);
        let (spent_tx, spent) = sync_channel::<Batch>(BATCHES_IN_FLIGHT + 2);
        let thread = std::thread::spawn(move || {
            for mut batch in batches {
                if let Err(e) = lines.add_batch(&batch) {
                    return (lines, Some(e));
                }
                batch.text.clear();
                batch.items.clear();
                let _ = spent_tx.try_send(batch);
            }
            (lines, None)
        });
        Away {
            batch: Batch::default(),
            to_thread: Some(to_thread),
            spent,
            thread,
        }
    }

    /// A UTF-8 `<line>` tag's text into the batch, read on the lines thread.
    fn push(
        &mut self,
        xml: &XmlReader<'_>,
        content: &str,
        name_len: usize,
        file: usize,
    ) -> Result<(), FormatError> {
        let start = self.batch.text.len();
        self.batch.text.push_str(content);
        self.batch.items.push(Item::Raw {
            file,
            at: xml.event_offset(),
            start,
            name_len,
            end: self.batch.text.len(),
        });
        self.send_if_full()
    }

    fn send_if_full(&mut self) -> Result<(), FormatError> {
        if self.batch.text.len() < BATCH_BYTES && self.batch.items.len() < BATCH_BYTES / 16 {
            return Ok(());
        }
        self.send()
    }

    fn send(&mut self) -> Result<(), FormatError> {
        let fresh = self.spent.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, fresh);
        match &self.to_thread {
            Some(to_thread) if to_thread.send(batch).is_ok() => Ok(()),
            _ => Err(lines_thread_stopped()),
        }
    }

    fn finish(mut self) -> (Lines, Option<FormatError>) {
        if !self.batch.items.is_empty() {
            // A stopped thread has its error to report.
            let _ = self.send();
        }
        self.to_thread = None;
        match self.thread.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

fn show(n: Option<u64>) -> String {
    n.map_or_else(|| "(absent)".to_string(), |n| n.to_string())
}

/// `value.trim()`, without its walk over characters when the value starts
/// and ends with a visible ASCII character, as counts and flags do.
fn trim(value: &str) -> &str {
    match value.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        [only] if only.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

/// Whether a hits value covers its line; `None` when it is not a number.
fn hits_cover(value: &str) -> Option<bool> {
    let value = trim(value);
    // The usual case, a count in decimal digits, without parsing a float.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.bytes().any(|b| b != b'0'));
    }
    let v: f64 = value.parse().ok()?;
    if v.is_nan() { None } else { Some(v > 0.0) }
}

/// `"50% (1/2)"` → `(1, 2)`.
/// Counts are capped at `u32::MAX` so that sums over millions of lines cannot
/// overflow.
fn parse_condition(value: &str) -> Option<(u64, u64)> {
    let open = value.find('(')?;
    let inner = value.get(open + 1..)?;
    let inner = inner.get(..inner.find(')')?)?;
    let (covered, total) = inner.split_once('/')?;
    let cap = |n: u64| n.min(u64::from(u32::MAX));
    Some((
        cap(covered.trim().parse().ok()?),
        cap(total.trim().parse().ok()?),
    ))
}

impl Elements for Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        Parser::start(self, xml, e)
    }

    fn end(&mut self) {
        Parser::end(self)
    }

    /// A class's `<lines>` is a run of `<line …/>`.
    fn runs_of(&self) -> Option<&'static [u8]> {
        (self.stack.last() == Some(&Tag::Lines)).then_some(b"line")
    }

    /// A `<line/>` of the run straight to the sink, as `start` would send
    /// it: `runs_of` asked for the run inside a class's `<lines>`, where
    /// the run's first `<line/>` passed `start`'s checks at the same depth,
    /// and the stack is left as `start` and `end` would leave it.
    fn run_element(
        &mut self,
        xml: &XmlReader<'_>,
        content: &str,
        name_len: usize,
    ) -> Result<(), FormatError> {
        match self.file() {
            Some(file) => self.sink.line_text(xml, content, name_len, file),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `xml` with every line read on the parsing thread, and with the
    /// lines thread taking over after `after` lines: the outcomes agree.
    fn same_on_one_or_two_threads(xml: &[u8], after: u64) -> String {
        let here = outcome(&mut &xml[..], u64::MAX);
        assert_eq!(here, outcome(&mut &xml[..], after));
        here
    }

    /// What [`parse_with`] makes of `reader`: the result, records and
    /// warnings, as text to compare.
    fn outcome(reader: &mut dyn BufRead, lines_here: u64) -> String {
        let options = crate::Options::default();
        let mut ctx = ParseContext {
            evidence_path: "c.xml",
            options: &options,
            warnings: Vec::new(),
        };
        let mut out = Vec::new();
        let result = parse_with(reader, &mut ctx, &mut out, lines_here);
        let result = result.map_err(|e| format!("{:?} {}", e.at, e.message));
        format!("{result:?} {out:?} {:?}", ctx.warnings)
    }

    fn report(lines: &[String], tail: &str) -> Vec<u8> {
        let mut xml = String::from(
            "<coverage lines-valid=\"7\"><packages><package><classes>\
             <class filename=\"a.py\"><lines>",
        );
        for line in lines {
            xml.push_str(line);
        }
        xml.push_str("</lines></class><class filename=\"b.py\"><lines>");
        xml.push_str("<line number=\"1\" hits=\"1\"/></lines></class>");
        xml.push_str(tail);
        let mut bytes = xml.into_bytes();
        for b in &mut bytes {
            if *b == 1 {
                *b = 0xFF;
            }
        }
        bytes
    }

    #[test]
    fn lines_thread_changes_nothing() {
        let good: Vec<String> = (1..3000)
            .map(|n| {
                let extra = match n % 7 {
                    0 => " branch=\"true\" condition-coverage=\"50% (1/2)\"",
                    1 => " x=\"&#50;&amp;\"",
                    2 => " x:y='z' ",
                    3 => "  number='1'",
                    _ => "",
                };
                match n % 11 {
                    // What the lines thread's plain path hands back to the
                    // general one: a used value with a character reference,
                    // a used key with a prefix, whitespace around a value.
                    4 => format!("<line number=\"{}\" hits=\"&#49;\"/>", 600 + n),
                    5 => format!("<line c:number=\"{}\" hits=\"2\"/>", 600 + n),
                    6 => format!("<line number=\" {} \" hits=' 0 '/>", 600 + n),
                    _ => format!("<line number=\"{}\" hits=\"{}\"{extra}/>", n % 500, n % 3),
                }
            })
            .collect();
        let tail = "</classes></package></packages></coverage>";
        let ok = same_on_one_or_two_threads(&report(&good, tail), 10);
        assert!(ok.starts_with("Err"), "duplicated number attribute: {ok}");
        let valid: Vec<String> = good.iter().map(|l| l.replace("  number='1'", "")).collect();
        let ok = same_on_one_or_two_threads(&report(&valid, tail), 10);
        assert!(ok.starts_with("Ok"), "{ok}");
        for (at, bad) in [
            (50, "<line number=\"1\" hits=\"&bogus;\"/>"),
            (2000, "<line number=\"1\" hits=\"1\" hits=\"2\"/>"),
            // \u{1} stands for a byte that is not UTF-8 (see `report`).
            (2000, "<line number=\"x\" hits=\"\u{1}\"/>"),
            (2000, "<line number=\"1\" hits=\"1\"><bad></line>"),
        ] {
            let mut lines = valid.clone();
            lines.insert(at, bad.to_string());
            for tail in [
                tail,
                "</classes></package>",
                "</classes></package></packages></wrong>",
            ] {
                let xml = report(&lines, tail);
                same_on_one_or_two_threads(&xml, 10);
                same_on_one_or_two_threads(&xml, 1999);
                same_on_one_or_two_threads(&xml, 2001);
            }
        }
    }

    /// With 1-byte reads no element is ever whole in the XML reader's
    /// buffer, so every one is read by quick-xml, none by
    /// `XmlReader::empty_run`.
    fn parsed_in_pieces(xml: &[u8], max: usize) -> String {
        let pieces = crate::testing::Trickle::new(xml, max);
        outcome(
            &mut std::io::BufReader::with_capacity(max, pieces),
            u64::MAX,
        )
    }

    #[test]
    fn usual_lines_read_as_the_general_split_reads_them() {
        // (tag content, whether it is in the usual form)
        let tags = [
            // coverage.py
            (r#"line number="3" hits="1""#, true),
            (
                r#"line number="10" hits="2" branch="true" condition-coverage="50% (1/2)" missing-branches="11""#,
                true,
            ),
            // Cobertura (Java), gcovr
            (r#"line number="7" hits="0" branch="false""#, true),
            ("line", true),
            (r#"line number="1"  hits="1""#, false),
            (r#"line number="1" hits="1" "#, false),
            (r#"line number="1"hits="1""#, false),
            (r#"line number='1' hits='1'"#, false),
            (r#"line number = "1""#, false),
            (r#"line number="1" number="2""#, false),
            (r#"line number="1" hits="&#49;""#, false),
            (r#"line number="1" hits="1&amp;""#, false),
            (r#"line number="1" x="2""#, false),
            (r#"line numbers="1""#, false),
            (r#"line ns:number="1""#, false),
            (r#"line number="1" hits="1"#, false),
        ];
        for (tag, usual) in tags {
            let read = LineAttrs::read_usual(tag, "line".len());
            assert_eq!(read.is_some(), usual, "{tag}");
            if read.is_some() {
                assert_eq!(read, LineAttrs::read_plain(tag, "line".len()), "{tag}");
            }
        }
    }

    #[test]
    fn runs_of_lines_read_as_quick_xml_reads_them() {
        let lines = [
            r#"<line number="1" hits="1"/>"#,
            r#"<line number="2" hits="0" />"#,
            "<line\tnumber='3'\nhits='2'/>",
            r#"<line number="4" hits="1" x="a>b" y='c"/>d'/>"#,
            r#"<line number="5" hits="1"><conditions><condition number="0" coverage="50%"/></conditions></line>"#,
            "<line/>",
            r#"<linex number="6" hits="1"/>"#,
            r#"<!-- <line number="7" hits="1"/> -->"#,
            "<![CDATA[<line/>]]>",
            "text",
            r#"<line number="8" hits="&#49;"/>"#,
            "<line number=\"9\" hits=\"\u{1}\"/>",
            r#"<line number="10" hits="1" number="11"/>"#,
            r#"<line number="12" hits="1"></line>"#,
            r#"<line number="13" hits="1"/ >"#,
            r#"<line number="14" note="a/>b" hits="1"/>"#,
            // Found by fuzzing: quick-xml names this element `line/number="15"`.
            r#"<line/number="15" hits="1"/>"#,
            "<line\x0e number=\"16\" hits=\"1\"/>",
        ];
        let mut documents = Vec::new();
        for (i, odd) in lines.iter().enumerate() {
            let mut body: Vec<String> = (100..160)
                .map(|n| format!("\n  <line number=\"{n}\" hits=\"{}\"/>", n % 2))
                .collect();
            body.insert(10 + i, (*odd).to_string());
            documents.push(report(&body, "</classes></package></packages></coverage>"));
        }
        // Every odd line at once, and a file cut inside a run.
        let all: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let whole = report(&all, "</classes></package></packages></coverage>");
        documents.push(whole[..whole.len() / 2].to_vec());
        documents.push(whole);
        // A method's `<lines>` is no run (only a class's is), and its lines
        // do not count.
        let method_lines: String = (200..260)
            .map(|n| format!("<line number=\"{n}\" hits=\"1\"/>"))
            .collect();
        documents.push(
            format!(
                "<coverage><packages><package><classes><class filename=\"m.py\"><methods>\
                 <method name=\"f\"><lines>{method_lines}</lines></method></methods>\
                 <lines><line number=\"1\" hits=\"0\"/></lines></class></classes></package>\
                 </packages></coverage>"
            )
            .into_bytes(),
        );
        for xml in &documents {
            let quick_xml_only = parsed_in_pieces(xml, 1);
            for max in [2, 7, 31, 64 * 1024] {
                assert_eq!(
                    parsed_in_pieces(xml, max),
                    quick_xml_only,
                    "{max}-byte reads of {}",
                    String::from_utf8_lossy(xml)
                );
            }
        }
    }

    #[test]
    fn method_lines_count_only_in_a_class_without_lines_of_its_own() {
        let method = |name: &str, lines: &str| {
            format!("<method name=\"{name}\"><lines>{lines}</lines></method>")
        };
        let f = method(
            "f",
            "<line number=\"1\" hits=\"0\"/>\
             <line number=\"2\" hits=\"0\" branch=\"true\" condition-coverage=\"50% (1/2)\"/>",
        );
        let g = method(
            "g",
            "<line number=\"2\" hits=\"3\" branch=\"true\" condition-coverage=\"100% (2/2)\"/>\
             <line number=\"3\" hits=\"1\"/>",
        );
        let xml = format!(
            "<coverage><packages><package><classes>\
             <class filename=\"m.swift\"><methods>{f}{g}</methods></class>\
             <class filename=\"e.swift\"><methods>{f}</methods><lines/></class>\
             <class filename=\"c.py\"><methods>{g}</methods>\
             <lines><line number=\"9\" hits=\"0\"/></lines></class>\
             <class filename=\"d.py\"><lines><line number=\"9\" hits=\"1\"/></lines>\
             <methods>{g}</methods></class>\
             </classes></package></packages></coverage>"
        );
        let read = same_on_one_or_two_threads(xml.as_bytes(), 1);
        // m.swift: lines 1, 2, 3 once each, 2 and 3 covered; line 2's
        // branches the larger of its two records. e.swift: an empty
        // <lines/> is no line of its own. c.py and d.py: their own lines
        // only, whether the methods come before or after.
        for part in [
            "path: \"m.swift\", lines: CoverageCounts { covered: 2, total: 3 }, \
             branches: Some(CoverageCounts { covered: 2, total: 2 })",
            "path: \"e.swift\", lines: CoverageCounts { covered: 0, total: 2 }, \
             branches: Some(CoverageCounts { covered: 1, total: 2 })",
            "path: \"c.py\", lines: CoverageCounts { covered: 0, total: 1 }, \
             branches: Some(CoverageCounts { covered: 0, total: 0 })",
            "path: \"d.py\", lines: CoverageCounts { covered: 1, total: 1 }",
            "2 <class> element(s) have no <line> of their own",
        ] {
            assert!(read.contains(part), "{part} in {read}");
        }
    }

    #[test]
    fn branch_totals_only_on_the_root() {
        let one = |classes: &str| {
            format!(
                "<coverage branches-covered=\"2\" branches-valid=\"5\"><packages><package>\
                 <classes>{classes}</classes></package></packages></coverage>"
            )
        };
        let a = "<class filename=\"a.php\"><lines><line number=\"1\" hits=\"1\"/></lines></class>";
        let b = "<class filename=\"b.php\"><lines><line number=\"1\" hits=\"0\" branch=\"true\"/></lines></class>";
        let read = outcome(&mut one(a).as_bytes(), u64::MAX);
        assert!(
            read.contains("branches: Some(CoverageCounts { covered: 2, total: 5 })"),
            "{read}"
        );
        // A `branch="true"` without counts gives none either.
        let read = outcome(&mut one(&format!("{a}{b}")).as_bytes(), u64::MAX);
        assert!(
            read.starts_with("Err") && read.contains("each of the 2 source files"),
            "{read}"
        );
        // Producers without branch data write branches-valid="0".
        let none =
            "<coverage branches-covered=\"0\" branches-valid=\"0\"><packages><package><classes>";
        let read = outcome(
            &mut format!("{none}{a}{b}</classes></package></packages></coverage>").as_bytes(),
            u64::MAX,
        );
        assert!(read.starts_with("Ok"), "{read}");
    }

    #[test]
    fn conditions_and_hits() {
        assert_eq!(parse_condition("50% (1/2)"), Some((1, 2)));
        assert_eq!(parse_condition("100%"), None);
        assert_eq!(hits_cover("99999999999999999999999999"), Some(true));
        assert_eq!(hits_cover("-3"), Some(false));
        assert_eq!(hits_cover("x"), None);
        assert_eq!(hits_cover(" 000 "), Some(false));
        assert_eq!(hits_cover("0010"), Some(true));
        assert_eq!(hits_cover("0.0"), Some(false));
        assert_eq!(hits_cover("1e3"), Some(true));
        assert_eq!(hits_cover(""), None);
    }
}
