//! Go coverage profiles, as `go test -coverprofile=cover.out` writes them
//! (any `-covermode`; `go tool covdata textfmt` writes the same text).
//!
//! ```text
//! mode: set
//! example.com/pump/gateway/rate/rate.go:10.54,11.14 1 1
//! ```
//!
//! The first line is `mode: set`, `mode: count` or `mode: atomic`; every
//! other line is a block: `FILE:STARTLINE.STARTCOL,ENDLINE.ENDCOL STATEMENTS
//! COUNT`, fields read from the right as Go's own parser
//! (`golang.org/x/tools/cover.ParseProfiles`) does, so a file name may hold
//! `:` or spaces. Text, read line by line with one reused buffer (a line
//! longer than [`MAX_LINE`] bytes is refused): memory grows with the
//! distinct blocks, never with the file (a `-coverpkg` profile repeats every
//! block once per test binary).
//!
//! * Lines: Go measures statements in blocks, not lines. As the usual
//!   converters (gocover-cobertura, Codecov) do, every line a block spans is
//!   an executable line, covered when any block over it has a count above 0.
//!   Blocks with no statements (an empty function body) span no executable
//!   line. Go's own statement percentages are not in the model.
//! * Branches: a profile has none, so no file has `branches` (not measured,
//!   as LCOV without `BRDA`); a branch threshold fails for want of data.
//! * Repeated blocks (same file and span: `-coverpkg`, or concatenated
//!   profiles) are merged as Go's `ParseProfiles` merges them: one block,
//!   its counts OR-ed (`set`) or summed (`count`, `atomic`), so covered when
//!   any copy is; a different statement count for the same span is refused,
//!   as Go refuses it.
//! * Paths are import paths. When the loader passes the profile's location,
//!   the nearest `go.mod` in the profile's directory or above names the
//!   module; a file under that module path is given as its path in the
//!   module directory, as seen from where the profile's display path is
//!   relative to (the configuration's directory). Other files keep their
//!   import path, with one warning.
//!
//! Refused (fail closed): a first line that is not a mode line, a mode other
//! than `set`/`count`/`atomic`, a later `mode:` line of another mode
//! (concatenated profiles of the same mode are read), a block line that does
//! not parse (the error names the line and the column of the field), line
//! or column numbers of 0 or above 2^32 − 1, a span that ends before it
//! starts, and a profile with no block at all (only its mode line: what
//! `go test` writes when no test binary ran).

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use super::{ParseContext, ReadLine, line_text, read_line};
use crate::coverage::{LineTable, MeasuredLines};
use crate::error::{At, FormatError};
use crate::model::{CoverageCounts, FileCoverage};

/// Longest line accepted, in bytes.
pub const MAX_LINE: usize = 1 << 20;

/// Largest `go.mod` read for its `module` line, in bytes.
const MAX_GO_MOD: u64 = 1 << 20;

/// The modes `go test -covermode` writes.
const MODES: [&str; 3] = ["set", "count", "atomic"];

/// Parses a profile without knowing where it is: paths stay import paths.
pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    parse_at(reader, ctx, None, out)
}

/// Parses the profile read from `location` (the file on disk, for finding
/// its `go.mod`); `None` keeps import paths, with a warning.
pub fn parse_at(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    location: Option<&Path>,
    out: &mut Vec<FileCoverage>,
) -> Result<(), FormatError> {
    let mut p = Parser::default();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        line_no += 1;
        match read_line(reader, &mut buf, MAX_LINE) {
            Ok(ReadLine::Eof) => break,
            Ok(ReadLine::TooLong) => {
                return Err(error(
                    line_no,
                    1,
                    format!("the line is longer than {MAX_LINE} bytes; a Go profile line never is"),
                ));
            }
            Ok(ReadLine::Line) => {}
            Err(e) => return Err(error(line_no, 1, format!("cannot read the file: {e}"))),
        }
        let text = line_text(&buf, line_no == 1, &mut p.invalid_utf8);
        p.line(line_no, &text)?;
    }
    let Some(mode) = &p.mode else {
        return Err(error(
            1,
            1,
            "the file is empty; a Go coverage profile starts with `mode: set`, `mode: count` \
             or `mode: atomic`"
                .to_string(),
        ));
    };
    if p.files.is_empty() {
        return Err(error(
            mode.line,
            1,
            "the profile has no coverage blocks, only its mode line: `go test` writes this when \
             no test binary ran (no package with test files, or the build failed), so it \
             measured nothing; run the tests, or list only profiles that hold coverage"
                .to_string(),
        ));
    }
    let module = match location {
        Some(location) => find_module(location, ctx.evidence_path),
        None => Err(
            "the profile was read without its location, so no go.mod was looked for".to_string(),
        ),
    };
    p.finish(ctx, module, out);
    Ok(())
}

fn error(line: u64, column: u64, message: String) -> FormatError {
    FormatError {
        message,
        at: At::LineColumn(line, column),
    }
}

/// A block's place in its file: start and end line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Span {
    start_line: u32,
    start_col: u32,
    end_line: u32,
    end_col: u32,
}

struct Block {
    statements: u64,
    covered: bool,
    /// The profile line that first gave it.
    line: u64,
}

struct FileAcc {
    name: String,
    blocks: HashMap<Span, Block>,
}

struct Mode {
    name: String,
    line: u64,
}

#[derive(Default)]
struct Parser {
    mode: Option<Mode>,
    files: Vec<FileAcc>,
    by_name: HashMap<String, usize>,
    invalid_utf8: bool,
}

/// 1-based column of byte offset `offset` in `line`, in characters.
fn column(line: &str, offset: usize) -> u64 {
    line.get(..offset).map_or(0, |s| s.chars().count()) as u64 + 1
}

impl Parser {
    fn line(&mut self, line_no: u64, raw: &str) -> Result<(), FormatError> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(());
        }
        // Byte offset of `text` in `raw`, for columns.
        let indent = raw.len() - raw.trim_start().len();
        if let Some(name) = text.strip_prefix("mode:") {
            return self.mode_line(line_no, raw, indent, name);
        }
        if self.mode.is_none() {
            return Err(error(
                line_no,
                column(raw, indent),
                format!(
                    "expected the first line to be `mode: set`, `mode: count` or `mode: atomic` \
                     (a Go coverage profile), found \"{}\"",
                    super::truncate_chars(text, 60)
                ),
            ));
        }
        let block = parse_block(text)
            .map_err(|(offset, message)| error(line_no, column(raw, indent + offset), message))?;
        self.add(line_no, raw, indent, block)
    }

    fn mode_line(
        &mut self,
        line_no: u64,
        raw: &str,
        indent: usize,
        value: &str,
    ) -> Result<(), FormatError> {
        let name = value.trim();
        let at = indent + "mode:".len() + (value.len() - value.trim_start().len());
        if !MODES.contains(&name) {
            return Err(error(
                line_no,
                column(raw, at),
                format!(
                    "unknown coverage mode \"{}\"; go test writes set, count or atomic",
                    super::truncate_chars(name, 40)
                ),
            ));
        }
        match &self.mode {
            None => {
                self.mode = Some(Mode {
                    name: name.to_string(),
                    line: line_no,
                });
                Ok(())
            }
            // Profiles concatenated with `cat`: the same mode reads on.
            Some(first) if first.name == name => Ok(()),
            Some(first) => Err(error(
                line_no,
                column(raw, at),
                format!(
                    "mode {name} here, but the profile began with mode {} (line {}); profiles \
                     of different modes cannot be merged",
                    first.name, first.line
                ),
            )),
        }
    }

    fn add(
        &mut self,
        line_no: u64,
        raw: &str,
        indent: usize,
        block: ParsedBlock<'_>,
    ) -> Result<(), FormatError> {
        let index = match self.by_name.get(block.file) {
            Some(&i) => i,
            None => {
                let i = self.files.len();
                self.by_name.insert(block.file.to_string(), i);
                self.files.push(FileAcc {
                    name: block.file.to_string(),
                    blocks: HashMap::new(),
                });
                i
            }
        };
        let Some(file) = self.files.get_mut(index) else {
            return Ok(());
        };
        let covered = block.count > 0;
        match file.blocks.get_mut(&block.span) {
            Some(seen) if seen.statements != block.statements => Err(error(
                line_no,
                column(raw, indent + block.statements_at),
                format!(
                    "{}:{}.{},{}.{} has {} statement(s) here but {} on line {}; Go's own tools \
                     refuse such a profile (inconsistent NumStmt)",
                    file.name,
                    block.span.start_line,
                    block.span.start_col,
                    block.span.end_line,
                    block.span.end_col,
                    block.statements,
                    seen.statements,
                    seen.line
                ),
            )),
            Some(seen) => {
                seen.covered |= covered;
                Ok(())
            }
            None => {
                file.blocks.insert(
                    block.span,
                    Block {
                        statements: block.statements,
                        covered,
                        line: line_no,
                    },
                );
                Ok(())
            }
        }
    }

    fn finish(
        self,
        ctx: &mut ParseContext<'_>,
        module: Result<Module, String>,
        out: &mut Vec<FileCoverage>,
    ) {
        let mut outside = 0u64;
        let mut first_outside: Option<String> = None;
        for file in self.files {
            let mut all = Vec::with_capacity(file.blocks.len());
            let mut covered = Vec::new();
            for (span, block) in &file.blocks {
                if block.statements == 0 {
                    continue;
                }
                all.push((span.start_line, span.end_line));
                if block.covered {
                    covered.push((span.start_line, span.end_line));
                }
            }
            let path = match &module {
                Ok(m) => match m.relative(&file.name) {
                    Some(path) => path,
                    None => {
                        outside += 1;
                        if first_outside.is_none() {
                            first_outside = Some(file.name.clone());
                        }
                        file.name
                    }
                },
                Err(_) => file.name,
            };
            let (all, covered) = (union(&mut all), union(&mut covered));
            let measured = ctx
                .options
                .keep_coverage_lines
                .then(|| line_table(&all, &covered))
                .flatten()
                .map(|table| MeasuredLines::new(table, Vec::new()));
            out.push(FileCoverage {
                path,
                lines: CoverageCounts {
                    covered: lines_in(&covered),
                    total: lines_in(&all),
                },
                branches: None,
                evidence: ctx.evidence_path.to_string(),
                measured,
            });
        }
        match (&module, first_outside) {
            (Err(why), _) => ctx.warnings.push(format!(
                "{why}: file paths are Go import paths (module path first), not paths in the \
                 repository; write the profile inside the module (`go test \
                 -coverprofile=cover.out` in the directory of go.mod)"
            )),
            (Ok(m), Some(first)) => ctx.warnings.push(format!(
                "{outside} file(s) are not in module {} (go.mod in {}) and keep their import \
                 path (first: {first})",
                m.path,
                m.dir.display()
            )),
            (Ok(_), None) => {}
        }
        if self.invalid_utf8 {
            ctx.warnings.push(
                "the file has bytes that are not valid UTF-8; they were replaced with U+FFFD"
                    .to_string(),
            );
        }
    }
}

/// Lines in disjoint inclusive line ranges.
fn lines_in(ranges: &[(u32, u32)]) -> u64 {
    ranges.iter().map(|&(s, e)| u64::from(e - s) + 1).sum()
}

/// The union of inclusive line ranges, as sorted disjoint ranges.
fn union(ranges: &mut [(u32, u32)]) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &(start, end) in ranges.iter() {
        match out.last_mut() {
            Some((_, e)) if start <= *e => *e = (*e).max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// A profile's lines in a table, to merge with other coverage files;
/// none beyond [`MAX_TABLE_LINES`] (a block over absurd line numbers would
/// take that many entries).
fn line_table(all: &[(u32, u32)], covered: &[(u32, u32)]) -> Option<LineTable> {
    if lines_in(all) > MAX_TABLE_LINES {
        return None;
    }
    let mut table = LineTable::default();
    for (ranges, is_covered) in [(all, false), (covered, true)] {
        for &(s, e) in ranges {
            for n in s..=e {
                table.insert(u64::from(n), is_covered);
            }
        }
    }
    Some(table)
}

/// 16M lines: more than any real source file has.
const MAX_TABLE_LINES: u64 = 1 << 24;

struct ParsedBlock<'a> {
    file: &'a str,
    span: Span,
    statements: u64,
    /// Byte offset of the statement count in the line.
    statements_at: usize,
    count: u64,
}

const SHAPE: &str = "expected FILE:LINE.COLUMN,LINE.COLUMN STATEMENTS COUNT";

/// One block line, its fields found from the right as Go's `parseLine`
/// does; an error is (byte offset of the field, message).
fn parse_block(line: &str) -> Result<ParsedBlock<'_>, (usize, String)> {
    let shape = || {
        (
            0,
            format!("{SHAPE}, found \"{}\"", super::truncate_chars(line, 80)),
        )
    };
    // Each field: (start offset, text), cut before `sep`, right to left.
    let mut end = line.len();
    let mut take = |sep: char| -> Result<(usize, &str), (usize, String)> {
        let head = line.get(..end).unwrap_or_default();
        let i = head.rfind(sep).ok_or_else(shape)?;
        let field = (i + 1, head.get(i + 1..).unwrap_or_default());
        end = i;
        Ok(field)
    };
    let count = take(' ')?;
    let statements = take(' ')?;
    let end_col = take('.')?;
    let end_line = take(',')?;
    let start_col = take('.')?;
    let start_line = take(':')?;
    let file = line.get(..end).unwrap_or_default();
    if file.is_empty() {
        return Err((0, format!("the file name is empty; {SHAPE}")));
    }
    let count_n = number(count, "count", u64::MAX)?;
    let statements_n = number(statements, "statement count", u64::MAX)?;
    let span = Span {
        start_line: position(start_line, "start line")?,
        start_col: position(start_col, "start column")?,
        end_line: position(end_line, "end line")?,
        end_col: position(end_col, "end column")?,
    };
    if (span.end_line, span.end_col) < (span.start_line, span.start_col) {
        return Err((
            start_line.0,
            format!(
                "the block ends ({}.{}) before it starts ({}.{})",
                span.end_line, span.end_col, span.start_line, span.start_col
            ),
        ));
    }
    Ok(ParsedBlock {
        file,
        span,
        statements: statements_n,
        statements_at: statements.0,
        count: count_n,
    })
}

/// A whole number of at most `max`, digits only.
fn number((at, text): (usize, &str), what: &str, max: u64) -> Result<u64, (usize, String)> {
    let bad = || {
        (
            at,
            format!(
                "the {what} \"{}\" is not a whole number; {SHAPE}",
                super::truncate_chars(text, 30)
            ),
        )
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err((
            at,
            format!(
                "the {what} {} is out of range (at most {max})",
                super::truncate_chars(text, 30)
            ),
        )),
    }
}

/// A line or column: 1 to 2^32 − 1.
fn position(field: (usize, &str), what: &str) -> Result<u32, (usize, String)> {
    let n = number(field, what, u64::from(u32::MAX))?;
    if n == 0 {
        return Err((field.0, format!("the {what} is 0; Go counts from 1")));
    }
    Ok(n as u32)
}

/// The module a profile's import paths are stripped of.
struct Module {
    /// Its module path (`example.com/pump/gateway`).
    path: String,
    /// The directory holding its go.mod, as found.
    dir: PathBuf,
    /// What replaces `path/`: the module directory as seen from the
    /// profile's display path (empty, or ending in `/`).
    prefix: String,
}

impl Module {
    fn relative(&self, file: &str) -> Option<String> {
        let rest = file.strip_prefix(self.path.as_str())?.strip_prefix('/')?;
        Some(format!("{}{rest}", self.prefix))
    }
}

/// The nearest go.mod in the directory of `location` or above it; `Err`
/// says why there is none, for the warning.
fn find_module(location: &Path, display: &str) -> Result<Module, String> {
    let dir = match location.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| format!("cannot resolve the profile's directory ({e})"))?;
    let Some((up, mod_dir)) = canonical
        .ancestors()
        .enumerate()
        .find(|(_, a)| a.join("go.mod").is_file())
    else {
        return Err("no go.mod in the profile's directory or above it".to_string());
    };
    let go_mod = mod_dir.join("go.mod");
    let mut text = String::new();
    std::fs::File::open(&go_mod)
        .and_then(|f| f.take(MAX_GO_MOD).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {} ({e})", go_mod.display()))?;
    let path = module_path(&text)
        .ok_or_else(|| format!("{} has no `module` line regops reads", go_mod.display()))?;
    // The display path's directory, `up` levels higher.
    let absolute = display.starts_with('/');
    let parts: Vec<&str> = display
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let dirs = parts.len().saturating_sub(1);
    let prefix = match parts.get(..dirs.saturating_sub(up)) {
        Some(kept) if up <= dirs && !parts.contains(&"..") => {
            let root = if absolute { "/" } else { "" };
            if kept.is_empty() {
                root.to_string()
            } else {
                format!("{root}{}/", kept.join("/"))
            }
        }
        // The module directory is above where display paths start from.
        _ => format!("{}/", mod_dir.to_string_lossy().trim_end_matches('/')),
    };
    Ok(Module {
        path,
        dir: mod_dir.to_path_buf(),
        prefix,
    })
}

/// The module path of a go.mod's `module` directive (bare or quoted).
fn module_path(go_mod: &str) -> Option<String> {
    for line in go_mod.lines() {
        let line = line.split("//").next().unwrap_or_default().trim();
        let Some(rest) = line.strip_prefix("module") else {
            continue;
        };
        if !rest.starts_with([' ', '\t', '"', '`']) {
            continue;
        }
        let path = rest.trim().trim_matches(['"', '`']).trim();
        return (!path.is_empty() && !path.contains(char::is_whitespace)).then(|| path.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_count_each_line_once() {
        let union_len = |ranges: &mut [(u32, u32)]| lines_in(&union(ranges));
        assert_eq!(union_len(&mut []), 0);
        assert_eq!(union_len(&mut [(10, 11), (11, 13), (14, 14)]), 5);
        assert_eq!(union_len(&mut [(20, 20), (1, 4), (2, 3)]), 5);
        assert_eq!(union_len(&mut [(1, u32::MAX), (5, 6)]), u64::from(u32::MAX));
        // Overlapping ranges become one; adjacent ones stay apart.
        assert_eq!(
            union(&mut [(5, 9), (1, 3), (4, 4), (8, 12)]),
            [(1, 3), (4, 4), (5, 12)]
        );
    }

    #[test]
    fn module_lines_as_go_writes_them() {
        assert_eq!(
            module_path("module example.com/pump/gateway\n\ngo 1.19\n").as_deref(),
            Some("example.com/pump/gateway")
        );
        assert_eq!(
            module_path("// c\nmodule \"example.com/x\" // the gateway\n").as_deref(),
            Some("example.com/x")
        );
        assert_eq!(module_path("modulex example.com/x\n"), None);
        assert_eq!(module_path("go 1.19\n"), None);
    }

    #[test]
    fn fields_are_found_from_the_right() {
        let b = parse_block("a b:c/d.go:10.54,11.14 1 2").expect("parses");
        assert_eq!(b.file, "a b:c/d.go");
        assert_eq!(
            b.span,
            Span {
                start_line: 10,
                start_col: 54,
                end_line: 11,
                end_col: 14
            }
        );
        assert_eq!((b.statements, b.statements_at, b.count), (1, 23, 2));
        let Err((at, message)) = parse_block("x.go:1.2,3.4 1 -1") else {
            panic!("a negative count parses");
        };
        assert_eq!(at, 15);
        assert!(message.contains("count \"-1\""), "{message}");
    }
}
