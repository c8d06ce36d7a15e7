//! Errors that name the file, the position and the fix.

use std::fmt;

use crate::{EvidenceKind, Format};

/// Why an evidence file could not be normalised.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read evidence file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}{position}: malformed {format} ({message})")]
    Malformed {
        path: String,
        format: Format,
        position: Position,
        message: String,
    },
    #[error(
        "{path}: not a recognised {kind} format ({detected}); supported: {supported}. \
         Point `{kind}` in [evidence] at a file of one of these formats, or force one with `--as`"
    )]
    UnknownFormat {
        path: String,
        kind: EvidenceKind,
        detected: String,
        supported: String,
    },
    #[error(
        "{path}: is {format} evidence, which is `{actual}`, but it is listed under `{expected}`; \
         move it to `{actual}` in [evidence]"
    )]
    WrongKind {
        path: String,
        format: Format,
        expected: EvidenceKind,
        actual: EvidenceKind,
    },
    #[error("{path}: is {size} bytes, above the {limit}-byte limit for one evidence file")]
    TooLarge { path: String, size: u64, limit: u64 },
}

/// Where in a file a problem is; shown as `:line:column`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, ":{line}:{column}"),
            (Some(line), None) => write!(f, ":{line}"),
            _ => Ok(()),
        }
    }
}

/// A format parser's error, before the loader attaches the file's name.
#[derive(Debug)]
pub struct FormatError {
    pub message: String,
    pub at: At,
}

/// How a parser knows where it failed.
#[derive(Debug, Clone, Copy)]
pub enum At {
    /// Byte offset from the start of the file (XML parsers).
    Offset(u64),
    /// Line and column, 1-based (JSON parsers).
    LineColumn(u64, u64),
    /// Nowhere in particular (the file as a whole).
    File,
}

impl FormatError {
    pub fn at_offset(offset: u64, message: impl Into<String>) -> Self {
        FormatError {
            message: message.into(),
            at: At::Offset(offset),
        }
    }

    pub fn whole_file(message: impl Into<String>) -> Self {
        FormatError {
            message: message.into(),
            at: At::File,
        }
    }
}

impl From<serde_json::Error> for FormatError {
    /// Says whether the file is not JSON, ends early or has the wrong shape.
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let prefix = match e.classify() {
            Category::Syntax => "invalid JSON: ",
            Category::Eof => "the file ends early (truncated?): ",
            Category::Io => "cannot read the file: ",
            Category::Data => "",
        };
        let at = if e.line() > 0 {
            // serde_json reports column 0 at the start of a line; columns are 1-based.
            At::LineColumn(e.line() as u64, e.column().max(1) as u64)
        } else {
            At::File
        };
        // serde_json appends " at line N column M"; the position is shown separately.
        let text = e.to_string();
        let detail = match text.rfind(" at line ") {
            Some(i) => &text[..i],
            None => &text,
        };
        FormatError {
            message: format!("{prefix}{detail}"),
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_error(text: &str) -> FormatError {
        serde_json::from_str::<serde_json::Value>(text)
            .unwrap_err()
            .into()
    }

    fn line_column(e: &FormatError) -> (u64, u64) {
        match e.at {
            At::LineColumn(line, column) => (line, column),
            other => panic!("expected a line and column, got {other:?}"),
        }
    }

    /// Fuzz finding 1 (fuzz/regressions/any_format): serde_json reports
    /// column 0 when a document ends at the start of a line; columns are
    /// 1-based, so it is column 1.
    #[test]
    fn a_json_error_at_the_start_of_a_line_is_at_column_1() {
        // Empty, and truncated right after a newline (`:1:0`, `:2:0` before).
        let empty = json_error("");
        assert_eq!(line_column(&empty), (1, 1));
        assert!(
            empty.message.starts_with("the file ends early"),
            "{}",
            empty.message
        );
        assert_eq!(line_column(&json_error("{\n")), (2, 1));
        assert_eq!(line_column(&json_error("[1,\n\n")), (3, 1));
        // Elsewhere serde_json's column is already 1-based and kept.
        assert_eq!(line_column(&json_error("{\n  x")), (2, 3));
        assert_eq!(line_column(&json_error("[1,]")), (1, 4));
    }
}
