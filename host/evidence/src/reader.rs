//! Reading one evidence file: size cap, SHA-256 while streaming, format
//! detection on the first bytes, dispatch to the format's parser.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

use crate::error::{At, Position};
use crate::formats::{self, ParseContext};
use crate::{Error, Evidence, EvidenceFile, Input, Options, detect};

/// Detection looks at this many leading bytes.
const SNIFF_BYTES: usize = 64 * 1024;

pub(crate) fn load_file(
    input: &Input,
    options: &Options,
    evidence: &mut Evidence,
) -> Result<EvidenceFile, Error> {
    let io_error = |source| Error::Io {
        path: input.display.clone(),
        source,
    };
    let file = File::open(&input.path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > options.max_file_size {
        return Err(Error::TooLarge {
            path: input.display.clone(),
            size,
            limit: options.max_file_size,
        });
    }
    let hashing = HashingReader::new(file.take(options.max_file_size));
    let mut reader = BufReader::with_capacity(SNIFF_BYTES, hashing);
    let head = reader.fill_buf().map_err(io_error)?.to_vec();
    let format = match input.format {
        Some(format) => format,
        None => detect::detect(&head).map_err(|detected| Error::UnknownFormat {
            path: input.display.clone(),
            kind: input.kind,
            detected,
            supported: formats::Format::names_for(input.kind),
        })?,
    };
    if !format.accepts(input.kind) {
        return Err(Error::WrongKind {
            path: input.display.clone(),
            format,
            expected: input.kind,
            actual: format.kind(),
        });
    }
    let mut ctx = ParseContext {
        evidence_path: &input.display,
        options,
        warnings: Vec::new(),
    };
    if let Err(e) = formats::parse(format, input.kind, &mut reader, &mut ctx, evidence) {
        return Err(Error::Malformed {
            path: input.display.clone(),
            format,
            position: position_of(&input.path, e.at),
            message: e.message,
        });
    }
    // Parsers may stop before the end (trailing whitespace); the digest covers every byte.
    io::copy(&mut reader, &mut io::sink()).map_err(io_error)?;
    let sha256 = reader.into_inner().finish();
    Ok(EvidenceFile {
        path: input.display.clone(),
        kind: input.kind,
        format,
        sha256,
        warnings: ctx.warnings,
    })
}

/// Turns a parser's position into line and column; only runs on the error path.
fn position_of(path: &std::path::Path, at: At) -> Position {
    match at {
        At::LineColumn(line, column) => Position {
            line: Some(line),
            column: Some(column),
        },
        At::File => Position::default(),
        At::Offset(offset) => {
            let Ok(file) = File::open(path) else {
                return Position::default();
            };
            let (mut line, mut column) = (1u64, 1u64);
            for byte in BufReader::new(file).bytes().take(offset as usize) {
                match byte {
                    Ok(b'\n') => {
                        line += 1;
                        column = 1;
                    }
                    // Count characters, not UTF-8 continuation bytes.
                    Ok(b) if b & 0xC0 != 0x80 => column += 1,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            Position {
                line: Some(line),
                column: Some(column),
            }
        }
    }
}

/// Computes the SHA-256 of everything read through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
