//! Line tables shared by the coverage readers, and the merge of one source
//! file measured by several coverage files.
//!
//! Projects often write more than one coverage file for the same sources: a
//! unit and an integration run, one Cobertura file per .NET test project
//! (each measures the library both test), one LCOV file per CI job. Adding
//! their per-file counts would count such a file twice, and the total could
//! move either way: a file well covered in two runs and another in one
//! weighs the first double, so a total could pass a threshold the code does
//! not meet. So when two or more coverage files are loaded, each reader also
//! keeps the lines behind its counts ([`MeasuredLines`]), and once every file
//! is in, records of one path are merged line by line
//! ([`merge_same_sources`]): a line is measured when any file measures it and
//! covered when any covers it; a line's branches are the larger of the
//! files' counts. The line tables are dropped afterwards; nothing else in
//! regops sees them.

use std::collections::HashMap;

use crate::model::{CoverageCounts, FileCoverage};
use crate::{Evidence, EvidenceKind};

/// Lines seen in one file and whether each is covered.
#[derive(Debug, Clone, Default, PartialEq)]
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

    /// Every line in the table, with whether it is covered.
    fn lines(&self) -> impl Iterator<Item = (u64, bool)> + '_ {
        let dense = (0u64..).zip(self.dense.iter().copied());
        let sparse = self.sparse.iter().map(|(&n, &s)| (n, s));
        dense
            .chain(sparse)
            .filter(|&(_, state)| state > 0)
            .map(|(n, state)| (n, state == 2))
    }
}

/// Sorts branch records (line, covered, total) and merges those of one line,
/// keeping its largest covered and total counts (the same branch points
/// written twice: split classes, repeated lines, several files); returns the
/// sum over lines.
pub(crate) fn merge_branches(records: &mut Vec<(u64, u64, u64)>) -> CoverageCounts {
    records.sort_unstable_by_key(|r| r.0);
    records.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = kept.1.max(later.1);
            kept.2 = kept.2.max(later.2);
        }
        same
    });
    let mut counts = CoverageCounts::default();
    for &(_, covered, total) in records.iter() {
        counts.add(CoverageCounts {
            covered: covered.min(total),
            total,
        });
    }
    counts
}

/// The lines behind one record's counts (see the module doc).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasuredLines {
    lines: LineTable,
    /// (line, covered, total), one per line, as [`merge_branches`] leaves them.
    branches: Vec<(u64, u64, u64)>,
}

impl MeasuredLines {
    /// What a reader attaches to a record: the lines when the load merges
    /// several coverage files, else nothing (one file needs no merge, and a
    /// large report's table would only be held longer).
    pub(crate) fn keep(
        keep: bool,
        lines: LineTable,
        branches: Vec<(u64, u64, u64)>,
    ) -> Option<Box<MeasuredLines>> {
        keep.then(|| MeasuredLines::new(lines, branches))
    }

    /// `branches` as [`merge_branches`] leaves them: one per line.
    pub(crate) fn new(lines: LineTable, branches: Vec<(u64, u64, u64)>) -> Box<MeasuredLines> {
        Box::new(MeasuredLines { lines, branches })
    }

    fn absorb(&mut self, other: &MeasuredLines) {
        for (n, covered) in other.lines.lines() {
            self.lines.insert(n, covered);
        }
        self.branches.extend_from_slice(&other.branches);
    }
}

/// How many coverage inputs make a load keep line tables.
pub(crate) fn keeps_lines(kinds: impl Iterator<Item = EvidenceKind>) -> bool {
    kinds
        .filter(|k| *k == EvidenceKind::Coverage)
        .nth(1)
        .is_some()
}

/// Merges the records of one source path from several coverage files into
/// the first (see the module doc), warns on each later file what was merged,
/// and drops every line table.
pub(crate) fn merge_same_sources(evidence: &mut Evidence) {
    let records = std::mem::take(&mut evidence.coverage);
    let mut merged: Vec<FileCoverage> = Vec::with_capacity(records.len());
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut notes: HashMap<String, Note> = HashMap::new();
    for record in records {
        let key = same_path_key(&record.path);
        let Some(&i) = first_of.get(&key) else {
            first_of.insert(key, merged.len());
            merged.push(record);
            continue;
        };
        let Some(into) = merged.get_mut(i) else {
            continue;
        };
        let note = notes
            .entry(record.evidence.clone())
            .or_insert_with(|| Note {
                merged: 0,
                unmatched: 0,
                first: record.path.clone(),
                earlier: into.evidence.clone(),
            });
        note.merged += 1;
        if !merge_into(into, &record) {
            note.unmatched += 1;
        }
    }
    for record in &mut merged {
        record.measured = None;
    }
    evidence.coverage = merged;
    for file in &mut evidence.files {
        let Some(Note {
            merged: count,
            unmatched,
            first,
            earlier,
        }) = notes.remove(&file.path)
        else {
            continue;
        };
        let mut warning = format!(
            "{count} source file(s) it measures were also measured by an earlier coverage file \
             (first: {first}, also in {earlier}); each was merged into one record line by \
             line: a line is covered when any file covers it"
        );
        if unmatched > 0 {
            warning.push_str(&format!(
                "; for {unmatched} of them a file gave counts without lines (JaCoCo counters \
                 without <line> elements, a Go block beyond 16M lines, PHPUnit's root-only \
                 branches), so those took the larger covered and the larger total count instead"
            ));
        }
        file.warnings.push(warning);
    }
}

/// What makes two spellings of one path one source file: `\` and `/` (a
/// Windows and a Linux job of one matrix), `.` components (a leading `./`),
/// doubled separators. An absolute path is not matched to a relative one:
/// which part of it is the repository is not known here.
fn same_path_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    if path.starts_with(['/', '\\']) {
        key.push('/');
    }
    for part in path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
    {
        if !key.is_empty() && !key.ends_with('/') {
            key.push('/');
        }
        key.push_str(part);
    }
    key
}

/// What a later coverage file had merged into an earlier file's records.
struct Note {
    /// Its records merged.
    merged: u64,
    /// Of those, the ones merged as counts (no line table on one side).
    unmatched: u64,
    /// The path of the first one.
    first: String,
    /// The file whose record it joined first.
    earlier: String,
}

/// Merges `other` into `into`; false when either has no line table, and the
/// counts were merged as the larger of each instead (a lower bound of the
/// union when both measure the same lines).
fn merge_into(into: &mut FileCoverage, other: &FileCoverage) -> bool {
    let branches_measured = into.branches.is_some() || other.branches.is_some();
    match (into.measured.as_deref_mut(), other.measured.as_deref()) {
        (Some(mine), Some(theirs)) => {
            mine.absorb(theirs);
            into.lines = mine.lines.counts();
            let branches = merge_branches(&mut mine.branches);
            into.branches = branches_measured.then_some(branches);
            true
        }
        _ => {
            into.lines = larger(into.lines, other.lines);
            into.branches = match (into.branches, other.branches) {
                (Some(a), Some(b)) => Some(larger(a, b)),
                (a, b) => a.or(b),
            };
            into.measured = None;
            false
        }
    }
}

fn larger(a: CoverageCounts, b: CoverageCounts) -> CoverageCounts {
    let total = a.total.max(b.total);
    CoverageCounts {
        covered: a.covered.max(b.covered).min(total),
        total,
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
        let mut lines: Vec<(u64, bool)> = t.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines.len(), 1003);
        assert_eq!(lines.first(), Some(&(10, true)));
        assert_eq!(lines.last(), Some(&(4_294_967_295, false)));
    }

    #[test]
    fn spellings_of_one_path_share_a_key() {
        for (a, b) in [
            ("src/pump/dose.c", "src\\pump\\dose.c"),
            ("src/pump/dose.c", "./src//pump/dose.c"),
            ("/work/src/dose.c", "/work/./src/dose.c"),
            ("C:\\ci\\src\\Dose.cs", "C:/ci/src/Dose.cs"),
        ] {
            assert_eq!(same_path_key(a), same_path_key(b), "{a} / {b}");
        }
        // Absolute and relative stay apart, and so do case and `..`.
        for (a, b) in [
            ("/src/dose.c", "src/dose.c"),
            ("src/Dose.c", "src/dose.c"),
            ("a/../dose.c", "dose.c"),
        ] {
            assert_ne!(same_path_key(a), same_path_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn branches_of_one_line_keep_the_larger_counts() {
        let mut b = vec![(7, 1, 2), (3, 0, 4), (7, 2, 2), (3, 1, 2), (9, 5, 2)];
        let counts = merge_branches(&mut b);
        assert_eq!(b, vec![(3, 1, 4), (7, 2, 2), (9, 5, 2)]);
        // Covered never exceeds total in the sum.
        assert_eq!(
            counts,
            CoverageCounts {
                covered: 5,
                total: 8
            }
        );
    }
}
