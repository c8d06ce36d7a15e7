//! LCOV tracefiles, as lcov/geninfo (1.x and 2.x), cargo-llvm-cov
//! `--lcov`, grcov, c8/istanbul/nyc (`lcovonly`), gcovr `--lcov`, Jest and
//! Vitest write them.
//!
//! Text, read line by line with one reused buffer (a line longer than
//! [`MAX_LINE`] bytes is refused), so a tracefile of any size needs memory
//! for its per-file line tables only. A `\r` before the newline is dropped.
//!
//! Records: `TN:` (test name) starts nothing; `SF:<path>` opens a record
//! for a source file and `end_of_record` closes it. Inside a record:
//!
//! * `DA:<line>,<hits>[,<checksum>]`: an executable line, covered when hits
//!   is a positive number (negative counts from gcov bugs do not cover).
//! * `BRDA:<line>,<block>,<branch>,<taken>`: a branch, covered when taken is
//!   a positive number; `-` means the block never ran (not covered). The
//!   block and branch fields are kept as text (lcov 2.x writes expressions
//!   and `e` prefixes there), so a branch is identified by line, block and
//!   branch.
//! * `LF`/`LH`/`BRF`/`BRH`: the record's declared totals. They are checked
//!   against the record's `DA`/`BRDA` lines (distinct lines; a repeated
//!   line covered by any of its entries); when they disagree the counted
//!   values are used and one warning per file names the first record.
//! * `FN`/`FNDA`/`FNF`/`FNH`/`FNL`/`FNA` (functions), `VER` and any other
//!   key are read past: the model has no function coverage.
//!
//! One [`FileCoverage`] per path: records for the same `SF` path (one per
//! test name, or a file compiled into several binaries) are merged, lines
//! unioned by number (covered when any record covers it) and branches by
//! (line, block, branch). Output order is the order in which paths are
//! first seen. If any record has branch data (a `BRDA` line or `BRF` above
//! 0), every file gets `branches` (0 of 0 where it has none); otherwise
//! none does.
//!
//! Unreadable `DA`/`BRDA` lines are skipped and counted in one warning.
//! Refused: a `DA`/`BRDA`/`LF`... line outside a record, `SF:` inside an
//! open record, a line that is not `KEY:VALUE` with an upper-case key, an
//! empty `SF:` path, and a
//! file that ends inside a record (truncated: no `end_of_record`).

use std::collections::HashMap;
use std::io::BufRead;

use super::{ParseContext, ReadLine, line_text, read_line};
use crate::coverage::{LineTable, MeasuredLines};
use crate::error::{At, FormatError};
use crate::model::{CoverageCounts, FileCoverage};

/// Longest line accepted, in bytes.
pub const MAX_LINE: usize = 1 << 20;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    let mut p = Parser::default();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        line_no += 1;
        match read_line(reader, &mut buf, MAX_LINE) {
            Ok(ReadLine::Eof) => {
                line_no = line_no.saturating_sub(1).max(1);
                break;
            }
            Ok(ReadLine::TooLong) => {
                return Err(error(
                    line_no,
                    format!("the line is longer than {MAX_LINE} bytes; an LCOV line never is"),
                ));
            }
            Ok(ReadLine::Line) => {}
            Err(e) => return Err(error(line_no, format!("cannot read the file: {e}"))),
        }
        let text = line_text(&buf, line_no == 1, &mut p.invalid_utf8);
        p.line(line_no, text.trim())?;
    }
    if let Some(record) = &p.record {
        return Err(error(
            line_no,
            format!(
                "the file ends inside the record for {} (truncated?): expected end_of_record",
                record.path
            ),
        ));
    }
    p.finish(ctx, out);
    Ok(())
}

fn error(line: u64, message: String) -> FormatError {
    FormatError {
        message,
        at: At::LineColumn(line, 1),
    }
}

#[derive(Default)]
struct Declared {
    lf: Option<u64>,
    lh: Option<u64>,
    brf: Option<u64>,
    brh: Option<u64>,
}

struct Record {
    path: String,
    line: u64,
    /// (line, covered) per DA entry.
    lines: Vec<(u64, bool)>,
    /// (line, block and branch, covered) per BRDA entry.
    branches: Vec<(u64, String, bool)>,
    declared: Declared,
}

#[derive(Default)]
struct FileAcc {
    path: String,
    lines: LineTable,
    branches: HashMap<(u64, String), bool>,
}

#[derive(Default)]
struct Parser {
    record: Option<Record>,
    files: Vec<FileAcc>,
    by_path: HashMap<String, usize>,
    any_branches: bool,
    bad_lines: u64,
    first_bad_line: Option<u64>,
    mismatches: u64,
    first_mismatch: Option<String>,
    invalid_utf8: bool,
}

/// A positive count covers; `-` and unreadable counts do not.
fn covers(value: &str) -> Option<bool> {
    let v = value.trim();
    if v == "-" {
        return Some(false);
    }
    let n: f64 = v.parse().ok()?;
    if n.is_nan() { None } else { Some(n > 0.0) }
}

impl Parser {
    fn bad(&mut self, line_no: u64) {
        self.bad_lines += 1;
        if self.first_bad_line.is_none() {
            self.first_bad_line = Some(line_no);
        }
    }

    fn line(&mut self, line_no: u64, line: &str) -> Result<(), FormatError> {
        if line.is_empty() {
            return Ok(());
        }
        if line == "end_of_record" {
            return match self.record.take() {
                Some(record) => {
                    self.close(record);
                    Ok(())
                }
                None => Err(error(
                    line_no,
                    "end_of_record without an open record (no SF: line before it)".to_string(),
                )),
            };
        }
        let Some((key, value)) = line.split_once(':').filter(|(key, _)| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        }) else {
            return Err(error(
                line_no,
                format!(
                    "expected KEY:VALUE or end_of_record, found \"{}\"",
                    super::truncate_chars(line, 60)
                ),
            ));
        };
        match key {
            "TN" | "VER" => Ok(()),
            "SF" => {
                if let Some(open) = &self.record {
                    return Err(error(
                        line_no,
                        format!(
                            "SF: while the record for {} (line {}) is still open; expected end_of_record first",
                            open.path, open.line
                        ),
                    ));
                }
                let path = value.trim();
                if path.is_empty() {
                    return Err(error(line_no, "SF: with an empty path".to_string()));
                }
                self.record = Some(Record {
                    path: path.to_string(),
                    line: line_no,
                    lines: Vec::new(),
                    branches: Vec::new(),
                    declared: Declared::default(),
                });
                Ok(())
            }
            "DA" | "BRDA" | "LF" | "LH" | "BRF" | "BRH" | "FN" | "FNDA" | "FNF" | "FNH" | "FNL"
            | "FNA" => {
                if self.record.is_none() {
                    return Err(error(
                        line_no,
                        format!("{key}: outside a source-file record (no SF: line before it)"),
                    ));
                }
                match key {
                    "DA" => self.da(line_no, value),
                    "BRDA" => self.brda(line_no, value),
                    "LF" | "LH" | "BRF" | "BRH" => {
                        let n = value.trim().parse::<u64>().ok();
                        if n.is_none() {
                            self.bad(line_no);
                        }
                        if key == "BRF" && n.is_some_and(|n| n > 0) {
                            self.any_branches = true;
                        }
                        if let Some(r) = self.record.as_mut() {
                            match key {
                                "LF" => r.declared.lf = n,
                                "LH" => r.declared.lh = n,
                                "BRF" => r.declared.brf = n,
                                _ => r.declared.brh = n,
                            }
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            // Keys of newer lcov versions (MC/DC, ...) carry nothing the model holds.
            _ => Ok(()),
        }
    }

    fn da(&mut self, line_no: u64, value: &str) {
        let mut fields = value.split(',');
        let number = fields.next().and_then(|n| n.trim().parse::<u64>().ok());
        let hits = fields.next().and_then(covers);
        match (number, hits, self.record.as_mut()) {
            (Some(n), Some(h), Some(r)) => r.lines.push((n, h)),
            _ => self.bad(line_no),
        }
    }

    fn brda(&mut self, line_no: u64, value: &str) {
        let parsed = value.split_once(',').and_then(|(line, rest)| {
            let (key, taken) = rest.rsplit_once(',')?;
            Some((line.trim().parse::<u64>().ok()?, key.trim(), covers(taken)?))
        });
        match (parsed, self.record.as_mut()) {
            (Some((line, key, taken)), Some(r)) => {
                self.any_branches = true;
                r.branches.push((line, key.to_string(), taken));
            }
            _ => self.bad(line_no),
        }
    }

    fn close(&mut self, mut record: Record) {
        // The record's own counts, for its declared totals.
        record.lines.sort_unstable_by_key(|(n, _)| *n);
        let mut lines = CoverageCounts::default();
        let mut previous: Option<(u64, bool)> = None;
        for &(n, c) in &record.lines {
            match previous {
                Some((p, pc)) if p == n => previous = Some((p, pc || c)),
                _ => {
                    if let Some((_, pc)) = previous {
                        lines.add(CoverageCounts {
                            covered: u64::from(pc),
                            total: 1,
                        });
                    }
                    previous = Some((n, c));
                }
            }
        }
        if let Some((_, pc)) = previous {
            lines.add(CoverageCounts {
                covered: u64::from(pc),
                total: 1,
            });
        }
        let mut branch_keys: HashMap<(u64, &str), bool> = HashMap::new();
        for (line, key, taken) in &record.branches {
            let slot = branch_keys.entry((*line, key.as_str())).or_insert(false);
            *slot |= *taken;
        }
        let branches = CoverageCounts {
            covered: branch_keys.values().filter(|c| **c).count() as u64,
            total: branch_keys.len() as u64,
        };
        let d = &record.declared;
        let mut says = Vec::new();
        if d.lf.is_some_and(|n| n != lines.total) || d.lh.is_some_and(|n| n != lines.covered) {
            says.push(format!(
                "LF={} LH={} but its DA lines give {} of {}",
                show(d.lf),
                show(d.lh),
                lines.covered,
                lines.total
            ));
        }
        if d.brf.is_some_and(|n| n != branches.total)
            || d.brh.is_some_and(|n| n != branches.covered)
        {
            says.push(format!(
                "BRF={} BRH={} but its BRDA lines give {} of {}",
                show(d.brf),
                show(d.brh),
                branches.covered,
                branches.total
            ));
        }
        if !says.is_empty() {
            self.mismatches += 1;
            if self.first_mismatch.is_none() {
                self.first_mismatch = Some(format!(
                    "the record for {} (line {}) says {}",
                    record.path,
                    record.line,
                    says.join(", and ")
                ));
            }
        }
        // Merge into the file.
        let index = match self.by_path.get(&record.path) {
            Some(&i) => i,
            None => {
                let i = self.files.len();
                self.by_path.insert(record.path.clone(), i);
                self.files.push(FileAcc {
                    path: record.path.clone(),
                    ..FileAcc::default()
                });
                i
            }
        };
        if let Some(file) = self.files.get_mut(index) {
            for &(n, c) in &record.lines {
                file.lines.insert(n, c);
            }
            for (line, key, taken) in record.branches {
                let slot = file.branches.entry((line, key)).or_insert(false);
                *slot |= taken;
            }
        }
    }

    fn finish(self, ctx: &mut ParseContext<'_>, out: &mut Vec<FileCoverage>) {
        if self.files.is_empty() {
            ctx.warnings
                .push("the report covers no source files".to_string());
        }
        for file in self.files {
            let branches = CoverageCounts {
                covered: file.branches.values().filter(|c| **c).count() as u64,
                total: file.branches.len() as u64,
            };
            let lines = file.lines.counts();
            let measured = ctx.options.keep_coverage_lines.then(|| {
                // One (line, covered, total) per line, its branches summed.
                let mut per_line: Vec<(u64, u64, u64)> = file
                    .branches
                    .iter()
                    .map(|(&(line, _), &taken)| (line, u64::from(taken), 1))
                    .collect();
                per_line.sort_unstable_by_key(|b| b.0);
                per_line.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        kept.1 += later.1;
                        kept.2 += later.2;
                    }
                    same
                });
                MeasuredLines::new(file.lines, per_line)
            });
            out.push(FileCoverage {
                path: file.path,
                lines,
                branches: self.any_branches.then_some(branches),
                evidence: ctx.evidence_path.to_string(),
                measured,
            });
        }
        if let Some(first) = self.first_mismatch {
            let more = match self.mismatches - 1 {
                0 => String::new(),
                1 => " (1 more record disagrees likewise)".to_string(),
                n => format!(" ({n} more records disagree likewise)"),
            };
            ctx.warnings
                .push(format!("{first}{more}; the counted values are used"));
        }
        if let Some(first) = self.first_bad_line {
            ctx.warnings.push(format!(
                "{} DA/BRDA/LF/LH/BRF/BRH line(s) could not be read and were ignored (first: line {first})",
                self.bad_lines
            ));
        }
        if self.invalid_utf8 {
            ctx.warnings.push(
                "the file has bytes that are not valid UTF-8; they were replaced with U+FFFD"
                    .to_string(),
            );
        }
    }
}

fn show(n: Option<u64>) -> String {
    n.map_or_else(|| "(absent)".to_string(), |n| n.to_string())
}
