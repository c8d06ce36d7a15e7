//! The whole loader on arbitrary files: every format forced in turn, then
//! detection under every kind some format carries. Beyond no panic / hang /
//! unbounded memory:
//!
//! * A format forced under its own kind either parses or is refused as
//!   malformed *in that format*, never anything else.
//! * With detection, an undetected file is refused as an unknown format with
//!   exactly `detect`'s description; a detected one gives the same outcome as
//!   forcing the detected format (records, warnings, or error text), and a
//!   refusal for the kind names the detected format.
//! * The loader's digest is the SHA-256 of every byte; error positions are
//!   1-based; records keep the model's contracts (see `regops_fuzz`).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use regops_evidence::detect::detect_as;
use regops_evidence::{Error, Evidence, EvidenceKind, Format, Input, load};
use regops_fuzz::{EVIDENCE_PATH, OPTIONS, check_contracts, scratch_file, sha256_hex};

/// Every kind some format carries.
static KINDS: LazyLock<Vec<EvidenceKind>> = LazyLock::new(|| {
    let mut kinds: Vec<EvidenceKind> = Format::ALL.iter().map(|f| f.kind()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
});

/// The loader sniffs this many leading bytes.
const SNIFF_BYTES: usize = 64 * 1024;

fn load_as(
    path: &std::path::Path,
    kind: EvidenceKind,
    format: Option<Format>,
) -> Result<Evidence, Error> {
    let input = Input {
        path: path.to_path_buf(),
        display: EVIDENCE_PATH.to_string(),
        kind,
        format,
    };
    load(&[input], &OPTIONS)
}

/// An outcome as comparable text.
fn render(result: &Result<Evidence, Error>) -> String {
    match result {
        Ok(evidence) => format!("{evidence:?}"),
        Err(e) => format!("error: {e}"),
    }
}

/// Checks a successful load or a malformed refusal in `expected`.
fn check_parsed(
    result: &Result<Evidence, Error>,
    expected: Format,
    kind: EvidenceKind,
    data: &[u8],
) {
    match result {
        Ok(evidence) => {
            assert_eq!(evidence.files.len(), 1);
            let file = &evidence.files[0];
            assert_eq!(file.format, expected);
            assert_eq!(file.kind, kind);
            assert_eq!(
                file.sha256,
                sha256_hex(data),
                "digest does not cover the file"
            );
            check_contracts(evidence);
        }
        Err(Error::Malformed {
            format, position, ..
        }) => {
            assert_eq!(*format, expected);
            assert!(position.line.is_none_or(|l| l >= 1), "line {position:?}");
            // Finding 1 (fuzz/regressions/any_format/, fixed): serde_json's
            // column 0 at the start of a line must not reach the user.
            assert!(
                position.column.is_none_or(|c| c >= 1),
                "column {position:?}"
            );
        }
        Err(other) => panic!("{expected} as {kind}: unexpected error: {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let path = scratch_file(data);

    for &format in Format::ALL {
        let result = load_as(&path, format.kind(), Some(format));
        check_parsed(&result, format, format.kind(), data);
    }

    let head = &data[..data.len().min(SNIFF_BYTES)];
    for &kind in KINDS.iter() {
        let result = load_as(&path, kind, None);
        match &detect_as(head, kind) {
            Err(description) => match result {
                Err(Error::UnknownFormat { detected: d, .. }) => assert_eq!(&d, description),
                other => panic!("undetected under {kind}: expected unknown format, got {other:?}"),
            },
            Ok(format) => {
                let forced = load_as(&path, kind, Some(*format));
                assert_eq!(
                    render(&result),
                    render(&forced),
                    "{format} under {kind}: detection and forcing the format disagree"
                );
                match &result {
                    Err(Error::WrongKind {
                        format: f,
                        expected,
                        ..
                    }) => {
                        assert_eq!(f, format);
                        assert_eq!(*expected, kind);
                        assert_ne!(format.kind(), kind, "{format} refused under its own kind");
                    }
                    _ => check_parsed(&result, *format, kind, data),
                }
            }
        }
    }
});
