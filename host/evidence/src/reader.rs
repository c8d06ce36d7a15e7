//! Reading one evidence file: size cap, SHA-256 while streaming, format
//! detection on the first bytes, dispatch to the format's parser.
//!
//! A file of [`PIPELINE_BYTES`] or more is read and hashed on a thread of its
//! own, which hands the parser chunks through a bounded channel: on a machine
//! with a core to spare, SHA-256 and the kernel's copying of the file then
//! cost the parser nothing, and at most [`CHUNKS_IN_FLIGHT`] chunks are held.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use crate::error::{At, FormatError, Position};
use crate::formats::{self, Format, ParseContext};
use crate::{Error, Evidence, EvidenceFile, Input, Options, detect};

/// Detection looks at this many leading bytes.
const SNIFF_BYTES: usize = 64 * 1024;

/// Files at least this large are read and hashed on a thread of their own.
const PIPELINE_BYTES: u64 = 1 << 20;

/// The reading thread's unit: chunks of this many bytes.
const CHUNK_BYTES: usize = 256 * 1024;

/// Chunks read ahead of the parser, at most.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Opens, hashes, detects and parses one file into `evidence`.
pub(crate) fn load_file(
    input: &Input,
    options: &Options,
    evidence: &mut Evidence,
) -> Result<EvidenceFile, Error> {
    let opened = open(input, options)?;
    parse(input, options, opened, evidence)
}

/// A file opened and its format known, not yet parsed.
pub(crate) struct Opened {
    reader: Source,
    pub(crate) format: Format,
}

/// Opens the file, checks its size, detects its format (unless forced) and
/// checks that the format fits the kind it is listed under.
pub(crate) fn open(input: &Input, options: &Options) -> Result<Opened, Error> {
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
    let mut reader = if size >= PIPELINE_BYTES {
        Source::Pipelined(Pipelined::spawn(file, options.max_file_size))
    } else {
        let hashing = HashingReader::new(file.take(options.max_file_size));
        Source::Inline(BufReader::with_capacity(SNIFF_BYTES, hashing))
    };
    let buffered = reader.fill_buf().map_err(io_error)?;
    let head = buffered.get(..SNIFF_BYTES).unwrap_or(buffered).to_vec();
    let format = match input.format {
        Some(format) => format,
        None => detect::detect_as(&head, input.kind).map_err(|detected| Error::UnknownFormat {
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
    Ok(Opened { reader, format })
}

/// Parses an opened file into `evidence`; reads it to the end for the digest.
pub(crate) fn parse(
    input: &Input,
    options: &Options,
    opened: Opened,
    evidence: &mut Evidence,
) -> Result<EvidenceFile, Error> {
    let io_error = |source| Error::Io {
        path: input.display.clone(),
        source,
    };
    let Opened { mut reader, format } = opened;
    let mut ctx = ParseContext {
        evidence_path: &input.display,
        options,
        warnings: Vec::new(),
    };
    // The JSON formats whose files get large stream from this concrete
    // reader instead of holding the file; serde_json may place an error a
    // character further on when streaming, so a broken file is parsed again
    // the usual way for the error.
    let parsed = match format {
        Format::Sarif => {
            formats::sarif::parse_stream(&mut reader, &mut ctx, &mut evidence.findings)
                .map_err(|e| reparse(input, format, options).unwrap_or(e))
        }
        Format::CycloneDxJson => {
            formats::cyclonedx::parse_stream(&mut reader, &mut ctx, input.kind, evidence)
                .map_err(|e| reparse(input, format, options).unwrap_or(e))
        }
        Format::Spdx3Json => {
            formats::spdx3::parse_stream(&mut reader, &mut ctx, &mut evidence.components)
        }
        // Its import paths are made repository paths from the go.mod near the file.
        Format::GoCoverprofile => formats::go_cover::parse_at(
            &mut reader,
            &mut ctx,
            Some(&input.path),
            &mut evidence.coverage,
        ),
        _ => formats::parse(format, input.kind, &mut reader, &mut ctx, evidence),
    };
    if let Err(e) = parsed {
        return Err(Error::Malformed {
            path: input.display.clone(),
            format,
            position: position_of(&input.path, e.at),
            message: e.message,
        });
    }
    // Parsers may stop before the end (trailing whitespace); the digest covers every byte.
    let sha256 = reader.finish().map_err(io_error)?;
    Ok(EvidenceFile {
        path: input.display.clone(),
        kind: input.kind,
        format,
        sha256,
        warnings: ctx.warnings,
    })
}

/// The error [`formats::parse`] finds in the file, if it finds one; only
/// runs on the error path.
fn reparse(input: &Input, format: Format, options: &Options) -> Option<FormatError> {
    let file = File::open(&input.path).ok()?;
    let mut reader = BufReader::new(file.take(options.max_file_size));
    let mut ctx = ParseContext {
        evidence_path: &input.display,
        options,
        warnings: Vec::new(),
    };
    let mut scratch = Evidence::default();
    formats::parse(format, input.kind, &mut reader, &mut ctx, &mut scratch).err()
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

/// Where a parser reads the file from.
enum Source {
    /// Read and hashed on the parser's thread (small files).
    Inline(BufReader<HashingReader<io::Take<File>>>),
    /// Read and hashed on a thread of its own.
    Pipelined(Pipelined),
}

impl Source {
    /// Reads what the parser left (trailing whitespace) and returns the
    /// SHA-256 of every byte.
    fn finish(self) -> io::Result<String> {
        match self {
            Source::Inline(mut reader) => {
                io::copy(&mut reader, &mut io::sink())?;
                Ok(reader.into_inner().finish())
            }
            Source::Pipelined(reader) => reader.finish(),
        }
    }
}

impl Read for Source {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Inline(r) => r.read(buf),
            Source::Pipelined(r) => r.read(buf),
        }
    }
}

impl BufRead for Source {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Source::Inline(r) => r.fill_buf(),
            Source::Pipelined(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Source::Inline(r) => r.consume(amount),
            Source::Pipelined(r) => r.consume(amount),
        }
    }
}

/// The parser's end of a reading thread: chunks in order, then the digest.
struct Pipelined {
    chunks: Receiver<io::Result<Vec<u8>>>,
    /// Emptied chunks go back to the reading thread to be filled again.
    spent: SyncSender<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
    /// Every chunk has been received.
    done: bool,
    thread: Option<JoinHandle<String>>,
}

impl Pipelined {
    fn spawn(file: File, limit: u64) -> Pipelined {
        let (chunk_tx, chunks) = sync_channel(CHUNKS_IN_FLIGHT);
        let (spent, spent_rx) = sync_channel::<Vec<u8>>(CHUNKS_IN_FLIGHT + 2);
        let thread = std::thread::spawn(move || {
            let mut file = file.take(limit);
            let mut hasher = Sha256::new();
            loop {
                let mut chunk = spent_rx.try_recv().unwrap_or_default();
                chunk.resize(CHUNK_BYTES, 0);
                let mut filled = 0;
                while filled < CHUNK_BYTES {
                    match file.read(chunk.get_mut(filled..).unwrap_or_default()) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            // The parser sees the error where it would have.
                            let _ = chunk_tx.send(Err(e));
                            return String::new();
                        }
                    }
                }
                chunk.truncate(filled);
                hasher.update(&chunk);
                // A closed channel: the parser gave up (its error is reported).
                if filled == 0 || chunk_tx.send(Ok(chunk)).is_err() || filled < CHUNK_BYTES {
                    break;
                }
            }
            hex(&hasher.finalize())
        });
        Pipelined {
            chunks,
            spent,
            chunk: Vec::new(),
            pos: 0,
            done: false,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> io::Result<String> {
        while !self.done {
            self.pos = self.chunk.len();
            self.fill_buf()?;
        }
        let thread = self.thread.take();
        thread
            .map(JoinHandle::join)
            .transpose()
            .map_err(|_| io::Error::other("the file's reading thread panicked"))
            .map(Option::unwrap_or_default)
    }
}

impl Read for Pipelined {
    /// serde_json's reader asks for one byte at a time: that case inlines.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let ([to], Some(&byte)) = (&mut *buf, self.chunk.get(self.pos)) {
            *to = byte;
            self.pos += 1;
            return Ok(1);
        }
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pipelined {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.chunk.len() && !self.done {
            match self.chunks.recv() {
                Ok(Ok(next)) => {
                    let spent = std::mem::replace(&mut self.chunk, next);
                    self.pos = 0;
                    // Full: the reading thread allocates another.
                    let _ = self.spent.try_send(spent);
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        Ok(self.chunk.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.chunk.len());
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
