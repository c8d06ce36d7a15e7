//! JaCoCo XML reports (`jacoco:report`, the Gradle `jacocoTestReport`
//! task, `jacococli report --xml`), also written by Kover and sbt-jacoco.
//!
//! JaCoCo writes `<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN"
//! "report.dtd">`: a DOCTYPE with a SYSTEM id and no entities. It is
//! accepted (the DTD is never fetched); a DOCTYPE that declares entities is
//! refused as for every XML format.
//!
//! Streamed like Cobertura. What is read: `<report>` (the root) →
//! `<group>` (nested to any depth, for multi-module reports) → `<package
//! name>` → `<sourcefile name>` → `<line nr mi ci mb cb>` and `<counter
//! type missed covered>`. `<class>` and `<method>` elements repeat the
//! source files' data per class and are read past.
//!
//! * One record per source file; its path is the package name (JaCoCo
//!   writes it with `/`: `com/example/pump`), `/`, and the source file name
//!   (`Pump.java`); a file of the default package is its name alone. Groups
//!   do not enter the path; a path seen again (the same file in two groups)
//!   is merged.
//! * Lines: each `<line>` is an executable line, covered when `ci > 0` (at
//!   least one instruction ran: JaCoCo's own LINE counter rule, which
//!   counts partly covered lines as covered). Branches: `mb + cb` branches
//!   of which `cb` are covered, per line (when a line is seen twice, the
//!   largest counts are kept). JaCoCo always measures branches, so every
//!   file has `branches` (0 of 0 without branch points).
//! * A `<sourcefile>` without `<line>` elements (classes compiled without
//!   line numbers) falls back to its `LINE` and `BRANCH` counters. When it
//!   has both and they disagree, the lines win and one warning says so.
//! * gcovr's JaCoCo writer puts no `mi`/`ci` on `<line>` (only `mb`/`cb`
//!   where there are branches): such a line measures no line, so a file
//!   whose lines all lack them takes its lines from the `LINE` counter and
//!   its branches from the lines. gcovr also writes a package (a directory)
//!   dotted, `src.drv`: a package name without `/` has its dots read as `/`
//!   (JaCoCo itself always writes `/`).
//! * A `<class>` without `sourcefilename` (no debug information) belongs to
//!   no file; one warning counts such classes.
//! * Unreadable `nr` values skip the line, unreadable counts read as 0; one
//!   warning counts them.
//!
//! Refused: a root other than `<report>`, a DOCTYPE declaring entities, a
//! truncated file, a second root, nesting deeper than [`super::junit::MAX_DEPTH`].

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::xml::{Elements, XmlReader};
use crate::coverage::{LineTable, MeasuredLines, merge_branches};
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
    xml.check_complete(p.stack.last().map(|n| &**n), p.root_seen, "<report>")?;
    p.finish(ctx, out);
    xml.warn_replaced_utf8(&mut ctx.warnings);
    Ok(())
}

#[derive(Default)]
struct FileAcc {
    path: String,
    lines: LineTable,
    branches: Vec<(u64, u64, u64)>,
    /// Counter totals of source files that had no `<line>` elements.
    fallback_lines: CoverageCounts,
    fallback_branches: CoverageCounts,
}

/// The `<sourcefile>` being read.
struct Source {
    file: usize,
    lines: u64,
    covered_lines: u64,
    branches: CoverageCounts,
    counter_lines: Option<CoverageCounts>,
    counter_branches: Option<CoverageCounts>,
}

#[derive(Default)]
struct Parser {
    stack: Vec<Box<str>>,
    root_seen: bool,
    root_closed: bool,
    package: Option<String>,
    source: Option<Source>,
    files: Vec<FileAcc>,
    by_path: HashMap<String, usize>,
    bad_numbers: u64,
    classes_without_source: u64,
    mismatches: u64,
    first_mismatch: Option<String>,
}

fn count(value: &str, bad: &mut bool) -> u64 {
    match value.trim().parse::<u64>() {
        Ok(n) => n.min(u64::from(u32::MAX)),
        Err(_) => {
            *bad = true;
            0
        }
    }
}

impl Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        xml.check_start(
            local.as_ref(),
            self.stack.len(),
            self.root_closed,
            b"report",
        )?;
        let name = String::from_utf8_lossy(local.as_ref()).into_owned();
        if self.stack.is_empty() {
            self.root_seen = true;
            self.stack.push(name.into());
            return Ok(());
        }
        let parent = self.stack.last().map_or("", |s| s);
        match (name.as_str(), parent) {
            ("package", "report" | "group") => {
                let mut package = String::new();
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        package = value.trim().trim_matches('/').to_string();
                        // gcovr writes directories dotted (`src.drv`);
                        // JaCoCo's own packages always use `/`.
                        if !package.contains('/') {
                            package = package.replace('.', "/");
                        }
                    }
                    Ok(())
                })?;
                self.package = Some(package);
            }
            ("class", "package") => {
                let mut has_source = false;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"sourcefilename" && !value.trim().is_empty() {
                        has_source = true;
                    }
                    Ok(())
                })?;
                if !has_source {
                    self.classes_without_source += 1;
                }
            }
            ("sourcefile", "package") => {
                let mut file = String::new();
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        file = value.trim().to_string();
                    }
                    Ok(())
                })?;
                let path = match self.package.as_deref() {
                    Some(p) if !p.is_empty() => format!("{p}/{file}"),
                    _ => file,
                };
                let index = match self.by_path.get(&path) {
                    Some(&i) => i,
                    None => {
                        let i = self.files.len();
                        self.by_path.insert(path.clone(), i);
                        self.files.push(FileAcc {
                            path,
                            ..FileAcc::default()
                        });
                        i
                    }
                };
                self.source = Some(Source {
                    file: index,
                    lines: 0,
                    covered_lines: 0,
                    branches: CoverageCounts::default(),
                    counter_lines: None,
                    counter_branches: None,
                });
            }
            ("line", "sourcefile") => {
                let (mut nr, mut ci, mut mb, mut cb) = (None, 0, 0, 0);
                let (mut bad, mut measured) = (false, false);
                xml.for_each_attribute(e, |key, value| {
                    match key {
                        b"nr" => nr = value.trim().parse::<u64>().ok(),
                        b"mi" => measured = true,
                        b"ci" => {
                            measured = true;
                            ci = count(&value, &mut bad);
                        }
                        b"mb" => mb = count(&value, &mut bad),
                        b"cb" => cb = count(&value, &mut bad),
                        _ => {}
                    }
                    Ok(())
                })?;
                if bad {
                    self.bad_numbers += 1;
                }
                match (nr, self.source.as_mut()) {
                    (Some(nr), Some(source)) => {
                        if measured {
                            source.lines += 1;
                            if ci > 0 {
                                source.covered_lines += 1;
                            }
                        }
                        source.branches.add(CoverageCounts {
                            covered: cb,
                            total: mb + cb,
                        });
                        if let Some(file) = self.files.get_mut(source.file) {
                            if measured {
                                file.lines.insert(nr, ci > 0);
                            }
                            if mb + cb > 0 {
                                file.branches.push((nr, cb, mb + cb));
                            }
                        }
                    }
                    (None, _) => self.bad_numbers += 1,
                    _ => {}
                }
            }
            ("counter", "sourcefile") => {
                let (mut kind, mut missed, mut covered) = (String::new(), 0, 0);
                let mut bad = false;
                xml.for_each_attribute(e, |key, value| {
                    match key {
                        b"type" => kind = value.trim().to_string(),
                        b"missed" => missed = count(&value, &mut bad),
                        b"covered" => covered = count(&value, &mut bad),
                        _ => {}
                    }
                    Ok(())
                })?;
                if bad {
                    self.bad_numbers += 1;
                }
                let counts = CoverageCounts {
                    covered,
                    total: missed + covered,
                };
                if let Some(source) = self.source.as_mut() {
                    match kind.as_str() {
                        "LINE" => source.counter_lines = Some(counts),
                        "BRANCH" => source.counter_branches = Some(counts),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.stack.push(name.into());
        Ok(())
    }

    fn end(&mut self) {
        let Some(name) = self.stack.pop() else {
            return;
        };
        match &*name {
            "package" => self.package = None,
            "sourcefile" => {
                if let Some(source) = self.source.take() {
                    self.close_source(source);
                }
            }
            _ => {}
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    fn close_source(&mut self, source: Source) {
        let Some(file) = self.files.get_mut(source.file) else {
            return;
        };
        if source.lines == 0 {
            // No line table, or gcovr's, whose `<line>` elements carry
            // branches but no `mi`/`ci`: the LINE counter is all there is.
            if let Some(c) = source.counter_lines {
                file.fallback_lines.add(c);
            }
            if source.branches.total == 0
                && let Some(c) = source.counter_branches
            {
                file.fallback_branches.add(c);
            }
            return;
        }
        let lines = CoverageCounts {
            covered: source.covered_lines,
            total: source.lines,
        };
        let mut says = Vec::new();
        if let Some(c) = source.counter_lines
            && c != lines
        {
            says.push(format!(
                "LINE counter {} of {} but its <line> elements give {} of {}",
                c.covered, c.total, lines.covered, lines.total
            ));
        }
        // No BRANCH counter is written when a file has no branches.
        let branches_counter = source.counter_branches.unwrap_or_default();
        if (source.counter_branches.is_some() || source.branches.total > 0)
            && branches_counter != source.branches
        {
            says.push(format!(
                "BRANCH counter {} of {} but its <line> elements give {} of {}",
                branches_counter.covered,
                branches_counter.total,
                source.branches.covered,
                source.branches.total
            ));
        }
        if !says.is_empty() {
            self.mismatches += 1;
            if self.first_mismatch.is_none() {
                self.first_mismatch = Some(format!("{} has {}", file.path, says.join(", and ")));
            }
        }
    }

    fn finish(self, ctx: &mut ParseContext<'_>, out: &mut Vec<FileCoverage>) {
        if self.files.is_empty() {
            ctx.warnings
                .push("the report covers no source files".to_string());
        }
        for mut file in self.files {
            let mut lines = file.lines.counts();
            lines.add(file.fallback_lines);
            let mut branches = merge_branches(&mut file.branches);
            branches.add(file.fallback_branches);
            // Counters without <line> elements cannot be merged line by line.
            let by_line = file.fallback_lines.total == 0 && file.fallback_branches.total == 0;
            out.push(FileCoverage {
                path: file.path,
                lines,
                branches: Some(branches),
                evidence: ctx.evidence_path.to_string(),
                measured: MeasuredLines::keep(
                    by_line && ctx.options.keep_coverage_lines,
                    file.lines,
                    file.branches,
                ),
            });
        }
        if let Some(first) = self.first_mismatch {
            let more = match self.mismatches - 1 {
                0 => String::new(),
                n => format!(" ({n} more source file(s) disagree likewise)"),
            };
            ctx.warnings
                .push(format!("{first}{more}; the <line> elements are used"));
        }
        if self.classes_without_source > 0 {
            ctx.warnings.push(format!(
                "{} class(es) have no sourcefilename (compiled without debug information); their \
                 coverage belongs to no source file and is not counted",
                self.classes_without_source
            ));
        }
        if self.bad_numbers > 0 {
            ctx.warnings.push(format!(
                "{} <line> or <counter> element(s) have unreadable numbers; lines without a number \
                 were skipped and unreadable counts read as 0",
                self.bad_numbers
            ));
        }
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
