//! Gathering evidence: resolves `[evidence]` globs into files. Every pattern
//! must match at least one file: a pattern that matches nothing is missing
//! evidence, and missing evidence never passes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use std::io::Read;

use regops_evidence::{Evidence, EvidenceKind, Format, Input, TestLevel};

use crate::config::{Config, ConfigErrors, EvidencePatterns};

/// The files to read, and the test level `[evidence]` gives some of them.
pub struct Collected {
    pub inputs: Vec<Input>,
    /// (display path, level) of test-result files listed with a `level`.
    test_levels: Vec<(String, TestLevel)>,
}

impl Collected {
    /// Gives the test cases of files listed with a `level` that level.
    pub fn apply_test_levels(&self, evidence: &mut Evidence) {
        if self.test_levels.is_empty() {
            return;
        }
        for test in &mut evidence.tests {
            if let Some((_, level)) = self
                .test_levels
                .iter()
                .find(|(file, _)| *file == test.evidence)
            {
                test.level = *level;
            }
        }
    }
}

/// The files the configuration names, in a stable order.
pub fn inputs(config: &Config) -> Result<Collected, ConfigErrors> {
    inputs_of(config, &config.evidence)
}

/// The files of some evidence groups (the base branch's SBOM, say).
pub fn inputs_of(config: &Config, groups: &[EvidencePatterns]) -> Result<Collected, ConfigErrors> {
    let mut inputs = Vec::new();
    // A file matched twice under one key is read once; under another key
    // (a CycloneDX SBOM that is also its VDR and VEX) it is read again as
    // that kind.
    let mut seen: HashSet<(PathBuf, EvidenceKind)> = HashSet::new();
    let mut test_levels = Vec::new();
    let mut errors = Vec::new();
    for group in groups {
        for entry in &group.patterns {
            let pattern = &entry.pattern;
            match resolve(&config.dir, pattern.get_ref()) {
                Ok(files) if files.is_empty() => errors.push(config.source.error_at(
                    pattern.span(),
                    format!(
                        "`{}` ({} evidence) matches no file under {}; check the path, or that the step \
                         producing it ran before regops",
                        pattern.get_ref(),
                        group.key,
                        config.dir.display()
                    ),
                )),
                Ok(files) => {
                    for path in files {
                        let display = relative_display(&config.dir, &path);
                        if !seen.insert((path.clone(), group.kind)) {
                            continue;
                        }
                        if let Some(level) = entry.level {
                            test_levels.push((display.clone(), level));
                        }
                        inputs.push(Input {
                            path,
                            display,
                            kind: group.kind,
                            format: entry.format,
                        });
                    }
                }
                Err(message) => errors.push(config.source.error_at(pattern.span(), message)),
            }
        }
    }
    if errors.is_empty() {
        Ok(Collected {
            inputs,
            test_levels,
        })
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Files matching one pattern (see [`resolve`]).
pub fn resolve_pattern(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    resolve(dir, pattern)
}

/// Files matching one pattern: a file, a directory (every file below it),
/// or a glob relative to `dir`. Sorted, so runs are reproducible.
fn resolve(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let literal = dir.join(pattern);
    if !has_glob_chars(pattern) {
        if literal.is_file() {
            return Ok(vec![literal]);
        }
        if literal.is_dir() {
            return Ok(walk(&literal, None));
        }
        return Ok(Vec::new());
    }
    let glob = Glob::new(pattern)
        .map_err(|e| format!("`{pattern}` is not a valid glob: {e}"))?
        .compile_matcher();
    // Walk only below the pattern's literal prefix.
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !has_glob_chars(&c.as_os_str().to_string_lossy()))
        .collect();
    let root = dir.join(&base);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    Ok(walk(&root, Some((dir, &glob))))
}

fn walk(root: &Path, filter: Option<(&Path, &GlobMatcher)>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| match filter {
            Some((dir, glob)) => p.strip_prefix(dir).is_ok_and(|rel| glob.is_match(rel)),
            None => true,
        })
        .collect();
    files.sort();
    files
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// A path as reports show it: relative to the config directory, `/`-separated.
pub fn relative_display(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// An input named on the command line: its kind comes from its format,
/// forced or detected from its first bytes.
pub fn input_for_file(path: &Path, forced: Option<Format>) -> anyhow::Result<Input> {
    let display = path.display().to_string();
    if path.is_dir() {
        anyhow::bail!(
            "{display}: is a directory; name the evidence files in it (a shell glob such as \
             `{display}/*.xml`), or list the directory under `[evidence]` in regops.toml"
        );
    }
    let format = match forced {
        Some(format) => format,
        None => {
            let mut head = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
                .map_err(|e| anyhow::anyhow!("{display}: cannot read evidence file: {e}"))?;
            regops_evidence::detect::detect(&head).map_err(|detected| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                anyhow::anyhow!(
                    "{display}: not a recognised evidence format ({detected}); supported: {}; force one with `--as`",
                    names.join(", ")
                )
            })?
        }
    };
    Ok(Input {
        path: path.to_path_buf(),
        display,
        kind: format.kind(),
        format: Some(format),
    })
}
