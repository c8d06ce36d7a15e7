//! Cobertura XML coverage, as coverage.py, gcovr, cargo-llvm-cov, istanbul and
//! the Cobertura Maven plugin write it.
//!
//! The file is streamed; only per-file line tables are kept. What is read:
//! `<coverage>` (the root) → `<packages><package><classes><class filename>` →
//! `<lines><line number hits branch condition-coverage>`. Lines under
//! `<methods><method><lines>` repeat the class's lines and are ignored.
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
//! second root element, nesting deeper than [`MAX_DEPTH`].

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::junit::MAX_DEPTH;
use super::xml::{Elements, XmlReader};
use crate::error::FormatError;
use crate::model::{CoverageCounts, FileCoverage};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let mut p = Parser::default();
    xml.walk(&mut p)?;
    xml.check_complete(p.stack.last().map(Tag::name), p.root_seen, "<coverage>")?;
    p.finish(ctx, out);
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    Coverage,
    Class,
    Lines,
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
            Tag::Lines => "lines",
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
    files: Vec<FileAcc>,
    by_name: HashMap<String, usize>,
    /// The file of the `<class>` being read.
    current: Option<usize>,
    any_branches: bool,
    bad_numbers: u64,
    bad_hits: u64,
    bad_conditions: u64,
    nameless_classes: u64,
    anonymous_classes: u64,
}

struct FileAcc {
    path: String,
    lines: LineTable,
    /// (line, covered, total) per branch point record, merged at the end.
    branches: Vec<(u64, u64, u64)>,
}

impl Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let name = local.as_ref();
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml.error_at_event(format!(
                "elements are nested more than {MAX_DEPTH} levels deep at <{}>",
                String::from_utf8_lossy(name)
            )));
        }
        let tag = if self.stack.is_empty() {
            let found = String::from_utf8_lossy(name);
            if self.root_closed {
                return Err(xml.error_at_event(format!(
                    "a second root element <{found}> follows the first one; expected the end of the file"
                )));
            }
            if name != b"coverage" {
                return Err(xml.error_at_event(format!(
                    "expected <coverage> as the root element, found <{found}>"
                )));
            }
            self.root_seen = true;
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
                    self.class(xml, e)?;
                    Tag::Class
                }
                (b"lines", Some(Tag::Class)) => Tag::Lines,
                (b"line", Some(Tag::Lines)) if grandparent == Some(&Tag::Class) => {
                    self.line(xml, e)?;
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
            self.current = None;
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
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
                self.files.push(FileAcc {
                    path,
                    lines: LineTable::default(),
                    branches: Vec::new(),
                });
                i
            }
        };
        self.current = Some(index);
        Ok(())
    }

    fn line(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let Some(file) = self.current.and_then(|i| self.files.get_mut(i)) else {
            return Ok(());
        };
        let mut number = None;
        let mut hits = None;
        let mut branch = false;
        // None: absent; Some(None): unreadable.
        let mut condition: Option<Option<(u64, u64)>> = None;
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"number" => number = value.trim().parse::<u64>().ok(),
                b"hits" => hits = hits_cover(&value),
                b"branch" => branch = value.trim().eq_ignore_ascii_case("true"),
                b"condition-coverage" => condition = Some(parse_condition(&value)),
                _ => {}
            }
            Ok(())
        })?;
        let Some(number) = number else {
            self.bad_numbers += 1;
            return Ok(());
        };
        if hits.is_none() {
            self.bad_hits += 1;
        }
        file.lines.insert(number, hits.unwrap_or(false));
        if branch || condition.is_some() {
            self.any_branches = true;
        }
        match condition {
            Some(Some((c, t))) => file.branches.push((number, c.min(t), t)),
            Some(None) => self.bad_conditions += 1,
            None => {}
        }
        Ok(())
    }

    fn finish(self, ctx: &mut ParseContext<'_>, out: &mut Vec<FileCoverage>) {
        let mut lines_total = CoverageCounts::default();
        let mut branches_total = CoverageCounts::default();
        let no_files = self.files.is_empty();
        for mut file in self.files {
            let lines = file.lines.counts();
            let branches = merge_branches(&mut file.branches);
            lines_total.add(lines);
            branches_total.add(branches);
            out.push(FileCoverage {
                path: file.path,
                lines,
                branches: self.any_branches.then_some(branches),
                evidence: ctx.evidence_path.to_string(),
            });
        }
        let d = &self.declared;
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
        let branch_attrs_meaningful = self.any_branches
            || d.branches_valid.is_some_and(|n| n > 0)
            || d.branches_covered.is_some_and(|n| n > 0);
        if branch_attrs_meaningful
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
        if self.bad_numbers > 0 {
            ctx.warnings.push(format!(
                "{} <line> element(s) have no valid line number and were ignored",
                self.bad_numbers
            ));
        }
        if self.bad_hits > 0 {
            ctx.warnings.push(format!(
                "{} <line> element(s) have no readable hits count and were counted as not covered",
                self.bad_hits
            ));
        }
        if self.bad_conditions > 0 {
            ctx.warnings.push(format!(
                "{} condition-coverage value(s) are not of the form \"50% (1/2)\" and were ignored",
                self.bad_conditions
            ));
        }
    }
}

fn show(n: Option<u64>) -> String {
    n.map_or_else(|| "(absent)".to_string(), |n| n.to_string())
}

/// Whether a hits value covers its line; `None` when it is not a number.
fn hits_cover(value: &str) -> Option<bool> {
    let v: f64 = value.trim().parse().ok()?;
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

/// Sums branch records, keeping per line the largest covered and total counts.
pub(crate) fn merge_branches(records: &mut [(u64, u64, u64)]) -> CoverageCounts {
    records.sort_unstable_by_key(|r| r.0);
    let mut counts = CoverageCounts::default();
    let mut current: Option<(u64, u64, u64)> = None;
    for &(line, covered, total) in records.iter() {
        match current.as_mut() {
            Some(c) if c.0 == line => {
                c.1 = c.1.max(covered);
                c.2 = c.2.max(total);
            }
            _ => {
                if let Some((_, c, t)) = current.take() {
                    counts.add(CoverageCounts {
                        covered: c.min(t),
                        total: t,
                    });
                }
                current = Some((line, covered, total));
            }
        }
    }
    if let Some((_, c, t)) = current {
        counts.add(CoverageCounts {
            covered: c.min(t),
            total: t,
        });
    }
    counts
}

/// Lines seen in one file and whether each is covered (shared with the
/// LCOV and JaCoCo readers).
#[derive(Default)]
pub(crate) struct LineTable {
    /// Index = line number; 0 absent, 1 not covered, 2 covered.
    dense: Vec<u8>,
    /// Lines whose numbers are far beyond the lines seen so far.
    sparse: HashMap<u64, u8>,
    inserted: u64,
}

/// The dense table may reach this many entries beyond 8 per line inserted.
const DENSE_SLACK: u64 = 4096;

impl LineTable {
    pub(crate) fn insert(&mut self, number: u64, covered: bool) {
        let state = if covered { 2 } else { 1 };
        self.inserted += 1;
        let limit = DENSE_SLACK.saturating_add(self.inserted.saturating_mul(8));
        let index = usize::try_from(number).ok().filter(|_| number < limit);
        match index {
            Some(i) => {
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, 0);
                }
                let mut merged = state;
                if !self.sparse.is_empty()
                    && let Some(old) = self.sparse.remove(&number)
                {
                    merged = merged.max(old);
                }
                if let Some(slot) = self.dense.get_mut(i) {
                    *slot = (*slot).max(merged);
                }
            }
            // Beyond the dense limit (and so beyond the dense table).
            None => {
                let slot = self.sparse.entry(number).or_insert(0);
                *slot = (*slot).max(state);
            }
        }
    }

    pub(crate) fn counts(&self) -> CoverageCounts {
        let mut counts = CoverageCounts::default();
        for &state in self.dense.iter().chain(self.sparse.values()) {
            if state > 0 {
                counts.total += 1;
            }
            if state == 2 {
                counts.covered += 1;
            }
        }
        counts
    }
}

impl Elements for Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        Parser::start(self, xml, e)
    }

    fn end(&mut self) {
        Parser::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_table_merges_dense_and_sparse() {
        let mut t = LineTable::default();
        t.insert(4_294_967_295, false);
        t.insert(10, false);
        t.insert(10, true);
        t.insert(5000, false); // beyond the dense limit now: sparse
        for n in 0..1000 {
            t.insert(n + 20, false);
        }
        t.insert(5000, true); // now dense: merges the sparse entry
        assert_eq!(
            t.counts(),
            CoverageCounts {
                covered: 2,
                total: 1003
            }
        );
        assert!(t.dense.len() < 10_000);
    }

    #[test]
    fn conditions_and_hits() {
        assert_eq!(parse_condition("50% (1/2)"), Some((1, 2)));
        assert_eq!(parse_condition("100%"), None);
        assert_eq!(hits_cover("99999999999999999999999999"), Some(true));
        assert_eq!(hits_cover("-3"), Some(false));
        assert_eq!(hits_cover("x"), None);
    }
}
