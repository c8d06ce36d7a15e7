//! SonarQube's generic test coverage XML ("Generic test data" in the
//! SonarQube docs), as `gcovr --sonarqube` and the reporters and converters
//! made for SonarQube write it:
//!
//! ```xml
//! <coverage version="1">
//!   <file path="src/pump.c">
//!     <lineToCover lineNumber="6" covered="false"/>
//!     <lineToCover lineNumber="7" covered="true" branchesToCover="2" coveredBranches="1"/>
//!   </file>
//! </coverage>
//! ```
//!
//! Streamed like JaCoCo. What is read: `<coverage version="1">` (the root)
//! → `<file path>` → `<lineToCover lineNumber covered branchesToCover
//! coveredBranches>`. Other elements are read past.
//!
//! * One record per `<file>`, its path the `path` attribute as written
//!   (relative to the project root, or absolute). A path seen again is
//!   merged: lines are unioned by number, a line is covered when any of its
//!   records says so, and per line the largest branch counts are kept. A
//!   `<file>` without `<lineToCover>` children is a file with nothing to
//!   cover (0 of 0 lines). Output order is the order in which paths are
//!   first seen.
//! * Lines: `lineNumber` is 1-based; `covered` is `true` or `false` (any
//!   case, as SonarQube reads it).
//! * Branches, as SonarQube reads them: a line has branch data when it has
//!   `branchesToCover`; `coveredBranches` is optional (0 when absent). As for
//!   Cobertura and LCOV, branches are measured per report: a report in which
//!   any line has `branchesToCover` gives every file `branches` (0 of 0 for a
//!   file without branch points); a report without gives `None` everywhere.
//! * Where SonarQube refuses the file, regops reads on with one warning per
//!   kind, with its count, never counting as covered what it cannot read:
//!   an unreadable `lineNumber` (missing, not a whole number, or 0) skips
//!   the line; an unreadable `covered` (missing, or neither `true` nor
//!   `false`) reads as not covered; an unreadable `branchesToCover` drops
//!   the line's branch data, an unreadable `coveredBranches` reads as 0
//!   covered, and a `coveredBranches` without `branchesToCover` is ignored;
//!   `coveredBranches` above `branchesToCover` is lowered to it. A `<file>`
//!   without `path` cannot be attributed: its lines are ignored. A report
//!   without files says so.
//!
//! Refused: a root other than `<coverage>`, a `version` other than `1`
//! (SonarQube reads no other), a DOCTYPE declaring entities, a truncated
//! file, a second root, nesting deeper than [`super::junit::MAX_DEPTH`].

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::xml::{Elements, XmlReader};
use crate::coverage::{LineTable, MeasuredLines, merge_branches};
use crate::error::FormatError;
use crate::model::FileCoverage;

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
    File,
    LineToCover,
    /// An element the format does not define.
    Other(Box<str>),
}

impl Tag {
    fn name(&self) -> &str {
        match self {
            Tag::Coverage => "coverage",
            Tag::File => "file",
            Tag::LineToCover => "lineToCover",
            Tag::Other(name) => name,
        }
    }
}

#[derive(Default)]
struct FileAcc {
    path: String,
    lines: LineTable,
    /// (line, covered, total) per `<lineToCover>` with branch data.
    branches: Vec<(u64, u64, u64)>,
}

#[derive(Default)]
struct Parser {
    stack: Vec<Tag>,
    root_seen: bool,
    root_closed: bool,
    /// The file of the `<file>` being read (`None` without a path).
    current: Option<usize>,
    files: Vec<FileAcc>,
    by_path: HashMap<String, usize>,
    any_branches: bool,
    pathless_files: u64,
    bad_numbers: u64,
    bad_covered: u64,
    bad_branches: u64,
    excess_branches: u64,
}

/// The attributes of one `<lineToCover>`. `branches_to_cover` and
/// `covered_branches`: `None` absent, `Some(None)` unreadable.
#[derive(Default)]
struct LineAttrs {
    number: Option<u64>,
    covered: Option<bool>,
    branches_to_cover: Option<Option<u64>>,
    covered_branches: Option<Option<u64>>,
}

/// A whole number, capped at `u32::MAX` so that sums cannot overflow.
fn count(value: &str) -> Option<u64> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .map(|n| n.min(u64::from(u32::MAX)))
}

/// `true` or `false`, in any case (SonarQube's reading).
fn boolean(value: &str) -> Option<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

impl Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let name = local.as_ref();
        xml.check_start(name, self.stack.len(), self.root_closed, b"coverage")?;
        let tag = if self.stack.is_empty() {
            self.root_seen = true;
            root(xml, e)?;
            Tag::Coverage
        } else {
            match (name, self.stack.last()) {
                (b"file", Some(Tag::Coverage)) => {
                    self.file(xml, e)?;
                    Tag::File
                }
                (b"lineToCover", Some(Tag::File)) => {
                    self.line(xml, e)?;
                    Tag::LineToCover
                }
                _ => Tag::Other(String::from_utf8_lossy(name).into()),
            }
        };
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self) {
        if self.stack.pop() == Some(Tag::File) {
            self.current = None;
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    fn file(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut path = None;
        xml.for_each_attribute(e, |key, value| {
            if key == b"path" && !value.trim().is_empty() {
                path = Some(value.into_owned());
            }
            Ok(())
        })?;
        let Some(path) = path else {
            self.pathless_files += 1;
            return Ok(());
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
        self.current = Some(index);
        Ok(())
    }

    fn line(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let mut a = LineAttrs::default();
        xml.for_each_attribute(e, |key, value| {
            match key {
                b"lineNumber" => a.number = count(&value).filter(|&n| n >= 1),
                b"covered" => a.covered = boolean(&value),
                b"branchesToCover" => a.branches_to_cover = Some(count(&value)),
                b"coveredBranches" => a.covered_branches = Some(count(&value)),
                _ => {}
            }
            Ok(())
        })?;
        let Some(file) = self.current.and_then(|i| self.files.get_mut(i)) else {
            return Ok(());
        };
        let Some(number) = a.number else {
            self.bad_numbers += 1;
            return Ok(());
        };
        if a.covered.is_none() {
            self.bad_covered += 1;
        }
        file.lines.insert(number, a.covered.unwrap_or(false));
        match (a.branches_to_cover, a.covered_branches) {
            (None, None) => {}
            // SonarQube ignores coveredBranches without branchesToCover.
            (None, Some(_)) => self.bad_branches += 1,
            (Some(total), covered) => {
                self.any_branches = true;
                let Some(total) = total else {
                    self.bad_branches += 1;
                    return Ok(());
                };
                let covered = match covered {
                    None => 0,
                    Some(Some(n)) => n,
                    Some(None) => {
                        self.bad_branches += 1;
                        0
                    }
                };
                if covered > total {
                    self.excess_branches += 1;
                }
                file.branches.push((number, covered.min(total), total));
            }
        }
        Ok(())
    }

    fn finish(self, ctx: &mut ParseContext<'_>, out: &mut Vec<FileCoverage>) {
        if self.files.is_empty() {
            ctx.warnings
                .push("the report covers no source files".to_string());
        }
        for mut file in self.files {
            let branches = merge_branches(&mut file.branches);
            out.push(FileCoverage {
                path: file.path,
                lines: file.lines.counts(),
                branches: self.any_branches.then_some(branches),
                evidence: ctx.evidence_path.to_string(),
                measured: MeasuredLines::keep(
                    ctx.options.keep_coverage_lines,
                    file.lines,
                    file.branches,
                ),
            });
        }
        if self.pathless_files > 0 {
            ctx.warnings.push(format!(
                "{} <file> element(s) have no path attribute; their lines were ignored",
                self.pathless_files
            ));
        }
        if self.bad_numbers > 0 {
            ctx.warnings.push(format!(
                "{} <lineToCover> element(s) have no valid lineNumber (a whole number from 1) and \
                 were ignored",
                self.bad_numbers
            ));
        }
        if self.bad_covered > 0 {
            ctx.warnings.push(format!(
                "{} <lineToCover> element(s) have no covered=\"true\" or \"false\" and were counted \
                 as not covered",
                self.bad_covered
            ));
        }
        if self.bad_branches > 0 {
            ctx.warnings.push(format!(
                "{} <lineToCover> element(s) have unreadable branch counts: an unreadable \
                 branchesToCover drops the line's branches, an unreadable coveredBranches reads as \
                 0, and coveredBranches without branchesToCover is ignored",
                self.bad_branches
            ));
        }
        if self.excess_branches > 0 {
            ctx.warnings.push(format!(
                "{} <lineToCover> element(s) have coveredBranches greater than branchesToCover; \
                 the covered count was lowered to branchesToCover",
                self.excess_branches
            ));
        }
    }
}

/// Checks the root's `version`: SonarQube reads version 1 only, and so does
/// regops.
fn root(xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
    let mut version = None;
    xml.for_each_attribute(e, |key, value| {
        if key == b"version" {
            version = Some(value.into_owned());
        }
        Ok(())
    })?;
    let found = match version.as_deref() {
        Some("1") => return Ok(()),
        Some(v) => format!("version=\"{}\"", super::truncate_chars(v, 40)),
        None => "no version attribute".to_string(),
    };
    Err(xml.error_at_event(format!(
        "the <coverage> root has {found}; only version=\"1\" of SonarQube's generic coverage \
         format is read (if this is a Cobertura report, read it as cobertura)"
    )))
}

impl Elements for Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        Parser::start(self, xml, e)
    }

    fn end(&mut self) {
        Parser::end(self)
    }

    /// A `<file>` is a run of `<lineToCover …/>`.
    fn runs_of(&self) -> Option<&'static [u8]> {
        (self.stack.last() == Some(&Tag::File)).then_some(b"lineToCover")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::junit::MAX_DEPTH;
    use crate::model::CoverageCounts;

    fn counts(covered: u64, total: u64) -> CoverageCounts {
        CoverageCounts { covered, total }
    }

    /// What [`parse`] makes of `reader`: the records and warnings, or the
    /// error with its position.
    fn read(
        reader: &mut dyn BufRead,
    ) -> Result<(Vec<FileCoverage>, Vec<String>), (String, String)> {
        let options = crate::Options::default();
        let mut ctx = ParseContext {
            evidence_path: "sonar.xml",
            options: &options,
            warnings: Vec::new(),
        };
        let mut out = Vec::new();
        parse(reader, &mut ctx, &mut out).map_err(|e| (format!("{:?}", e.at), e.message))?;
        Ok((out, ctx.warnings))
    }

    fn parsed(xml: &str) -> (Vec<FileCoverage>, Vec<String>) {
        match read(&mut xml.as_bytes()) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{xml} should parse: {e:?}"),
        }
    }

    fn error(xml: &str) -> (String, String) {
        match read(&mut xml.as_bytes()) {
            Ok(parsed) => panic!("{xml} should fail, gave {parsed:?}"),
            Err(e) => e,
        }
    }

    fn report(files: &str) -> String {
        format!("<?xml version=\"1.0\"?>\n<coverage version=\"1\">{files}</coverage>")
    }

    #[test]
    fn covered_and_uncovered_lines_and_branches() {
        let (files, warnings) = parsed(&report(
            r#"<file path="src/pump.c">
                 <lineToCover lineNumber="6" covered="false"/>
                 <lineToCover lineNumber="7" covered="true" branchesToCover="2" coveredBranches="1"/>
                 <lineToCover lineNumber="8" covered="TRUE" branchesToCover="4"/>
               </file>"#,
        ));
        assert_eq!(
            files,
            [FileCoverage {
                path: "src/pump.c".to_string(),
                lines: counts(2, 3),
                // Line 8: coveredBranches is optional, 0 when absent.
                branches: Some(counts(1, 6)),
                evidence: "sonar.xml".to_string(),
                measured: None,
            }]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn branches_are_measured_per_report() {
        // One line with branch data: every file has branches, 0 of 0 where none.
        let (files, _) = parsed(&report(
            r#"<file path="a.c"><lineToCover lineNumber="1" covered="true"/></file>
               <file path="b.c"><lineToCover lineNumber="1" covered="true" branchesToCover="2" coveredBranches="2"/></file>"#,
        ));
        assert_eq!(files[0].branches, Some(counts(0, 0)));
        assert_eq!(files[1].branches, Some(counts(2, 2)));
        // None anywhere: the report did not measure branches.
        let (files, _) = parsed(&report(
            r#"<file path="a.c"><lineToCover lineNumber="1" covered="true"/></file>"#,
        ));
        assert_eq!(files[0].branches, None);
    }

    #[test]
    fn a_repeated_path_and_line_are_merged() {
        let (files, warnings) = parsed(&report(
            r#"<file path="a.c">
                 <lineToCover lineNumber="1" covered="false" branchesToCover="2" coveredBranches="0"/>
                 <lineToCover lineNumber="2" covered="true"/>
               </file>
               <file path="b.c"><lineToCover lineNumber="1" covered="false"/></file>
               <file path="a.c">
                 <lineToCover lineNumber="1" covered="true" branchesToCover="4" coveredBranches="1"/>
                 <lineToCover lineNumber="2" covered="false"/>
                 <lineToCover lineNumber="3" covered="false"/>
                 <lineToCover lineNumber="3" covered="false"/>
               </file>"#,
        ));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.c", "b.c"]);
        // Lines 1-3 once each; 1 and 2 covered by one of their records.
        assert_eq!(files[0].lines, counts(2, 3));
        // Line 1: the largest counts, 1 of 4.
        assert_eq!(files[0].branches, Some(counts(1, 4)));
        assert_eq!(files[1].lines, counts(0, 1));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_file_without_lines_has_nothing_to_cover() {
        let (files, warnings) = parsed(&report(
            r#"<file path="empty.c"/><file path="also-empty.c"></file>"#,
        ));
        assert_eq!(files.len(), 2);
        assert!(
            files
                .iter()
                .all(|f| f.lines == counts(0, 0) && f.branches.is_none())
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_report_without_files_says_so() {
        for xml in [
            "<coverage version=\"1\"/>",
            "<coverage version=\"1\"></coverage>",
        ] {
            let (files, warnings) = parsed(xml);
            assert!(files.is_empty());
            assert_eq!(warnings, ["the report covers no source files"]);
        }
    }

    #[test]
    fn unreadable_values_are_resolved_towards_less_coverage() {
        let (files, warnings) = parsed(&report(
            r#"<file path="a.c">
                 <lineToCover lineNumber="x" covered="true"/>
                 <lineToCover lineNumber="0" covered="true"/>
                 <lineToCover covered="true"/>
                 <lineToCover lineNumber="1" covered="yes"/>
                 <lineToCover lineNumber="2"/>
                 <lineToCover lineNumber="3" covered="true" branchesToCover="many" coveredBranches="1"/>
                 <lineToCover lineNumber="4" covered="true" branchesToCover="2" coveredBranches="-1"/>
                 <lineToCover lineNumber="5" covered="true" coveredBranches="1"/>
                 <lineToCover lineNumber="6" covered="true" branchesToCover="2" coveredBranches="3"/>
                 <lineToCover lineNumber="7" covered="true" branchesToCover="1" coveredBranches="5"/>
               </file>
               <file><lineToCover lineNumber="1" covered="true"/></file>
               <file path=" "/>"#,
        ));
        assert_eq!(files.len(), 1);
        // Lines 1-7; 1 and 2 not covered for want of a readable `covered`.
        assert_eq!(files[0].lines, counts(5, 7));
        // Line 3 dropped, line 4 0 of 2, line 6 2 of 2, line 7 1 of 1.
        assert_eq!(files[0].branches, Some(counts(3, 5)));
        assert_eq!(
            warnings,
            [
                "2 <file> element(s) have no path attribute; their lines were ignored",
                "3 <lineToCover> element(s) have no valid lineNumber (a whole number from 1) and \
                 were ignored",
                "2 <lineToCover> element(s) have no covered=\"true\" or \"false\" and were counted \
                 as not covered",
                "3 <lineToCover> element(s) have unreadable branch counts: an unreadable \
                 branchesToCover drops the line's branches, an unreadable coveredBranches reads as \
                 0, and coveredBranches without branchesToCover is ignored",
                "2 <lineToCover> element(s) have coveredBranches greater than branchesToCover; \
                 the covered count was lowered to branchesToCover",
            ]
        );
    }

    #[test]
    fn other_elements_are_read_past() {
        let (files, warnings) = parsed(&report(
            r#"<!-- a comment --><metadata><file path="not-a-file.c"/></metadata>
               <file path="a.c"><note>x</note><lineToCover lineNumber="1" covered="true"/>
                 <group><lineToCover lineNumber="2" covered="true"/></group></file>"#,
        ));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.c"]);
        assert_eq!(files[0].lines, counts(1, 1));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn version_other_than_1_is_refused() {
        let (at, message) =
            error("<?xml version=\"1.0\"?>\n<coverage version=\"2\"><file path=\"a\"/></coverage>");
        assert_eq!(at, "Offset(22)");
        assert_eq!(
            message,
            "the <coverage> root has version=\"2\"; only version=\"1\" of SonarQube's generic \
             coverage format is read (if this is a Cobertura report, read it as cobertura)"
        );
        let (_, message) = error("<coverage><file path=\"a\"/></coverage>");
        assert!(
            message.starts_with("the <coverage> root has no version attribute; only"),
            "{message}"
        );
        // coverage.py's Cobertura, read as this format.
        let (_, message) =
            error("<coverage version=\"7.6.1\" line-rate=\"1\"><sources/></coverage>");
        assert!(message.contains("version=\"7.6.1\""), "{message}");
    }

    #[test]
    fn malformed_documents_are_refused_with_their_position() {
        let (at, message) = error("<report version=\"1\"/>");
        assert_eq!(at, "Offset(0)");
        assert_eq!(
            message,
            "expected <coverage> as the root element, found <report>"
        );

        let (_, message) = error(
            &report("<file path=\"a.c\"><lineToCover lineNumber=\"1\" covered=\"true\"/>")
                .replace("</coverage>", ""),
        );
        assert_eq!(
            message,
            "the file ends inside <file> (truncated?): expected </file>"
        );

        let second = format!("{}<coverage version=\"1\"/>", report(""));
        let (at, message) = error(&second);
        assert_eq!(at, format!("Offset({})", report("").len()));
        assert!(
            message.starts_with("a second root element <coverage>"),
            "{message}"
        );

        let deep = format!(
            "<coverage version=\"1\"><file path=\"a.c\">{}</file></coverage>",
            "<x>".repeat(MAX_DEPTH)
        );
        let (_, message) = error(&deep);
        assert!(
            message.contains(&format!("nested more than {MAX_DEPTH} levels")),
            "{message}"
        );

        let (_, message) = error(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE coverage [<!ENTITY x \"y\">]>\n<coverage version=\"1\"/>",
        );
        assert!(
            message.contains("the DOCTYPE declares entities"),
            "{message}"
        );

        let (_, message) = error("");
        assert_eq!(message, "no root element; expected <coverage>");
    }

    /// With 1-byte reads no `<lineToCover/>` is ever whole in the XML
    /// reader's buffer, so quick-xml reads every one; in larger reads the
    /// runs of them are read by `XmlReader::empty_run`. Both agree, on
    /// whole, cut and damaged reports.
    #[test]
    fn reads_the_same_however_the_input_arrives() {
        let variants = super::super::broken_variants("gcovr/gcovr-sonar.xml", b"\"x<>/\xFF");
        for bytes in variants {
            let in_pieces = |max: usize| {
                let pieces = crate::testing::Trickle::new(&bytes, max);
                format!(
                    "{:?}",
                    read(&mut std::io::BufReader::with_capacity(max, pieces))
                )
            };
            let quick_xml_only = in_pieces(1);
            for max in [2, 7, 64 * 1024] {
                assert_eq!(
                    in_pieces(max),
                    quick_xml_only,
                    "{max}-byte reads of {}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }
}
