//! in-toto attestations: evidence that arrives signed, or at least wrapped.
//!
//! SBOMs and VEX documents are increasingly published as attestations about
//! a build's artifacts rather than as plain files: `cosign attest --type
//! cyclonedx|spdxjson|openvex|vuln`, `vexctl attest`, GitHub's
//! `actions/attest-sbom`. Downloading them again (`cosign download
//! attestation`, `gh attestation download`) gives one of:
//!
//! * an in-toto Statement (`_type`, `subject`, `predicateType`, `predicate`),
//!   v0.1 or v1;
//! * a DSSE envelope (`payloadType` `application/vnd.in-toto+json`, the
//!   Statement base64-encoded in `payload`, `signatures`);
//! * a Sigstore bundle (`mediaType` `application/vnd.dev.sigstore.bundle…`,
//!   `verificationMaterial`, the envelope in `dsseEnvelope`);
//!
//! one per file, or several as JSON lines; or `gh attestation verify
//! --format json`'s array of results, each with the verified statement in
//! `verificationResult.statement`. The predicate is the evidence: its
//! format is detected from its content, as a plain file's is, and it is
//! parsed by that format's reader. cosign's vulnerability predicate
//! (`https://cosign.sigstore.dev/attestation/vuln/v1`) holds the scanner's
//! own report in `scanner.result` (`trivy --format cosign-vuln`); that report
//! is the evidence. cosign's `{"Data": …, "Timestamp": …}` wrapper (cosign
//! 1.x's SBOM predicates, `--type custom`) is opened the same way.
//!
//! regops reads the attestation; it does not verify its signature (that
//! needs the signer's identity and a trust root, which is `cosign
//! verify-attestation`'s and `gh attestation verify`'s job): a warning says
//! so. Attestations whose predicate is not evidence of the kind the file is
//! listed under (SLSA provenance beside an SBOM) are left out with a
//! warning; a file left with none is refused, naming what it holds.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{Format, ParseContext, read_json};
use crate::detect;
use crate::error::{At, FormatError};
use crate::{Evidence, EvidenceKind};

/// DSSE's payload type for an in-toto Statement.
const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// cosign's vulnerability scan predicate.
const COSIGN_VULN: &str = "https://cosign.sigstore.dev/attestation/vuln/v1";

/// Detection looks at this many leading bytes of a predicate, as of a file.
const SNIFF_BYTES: usize = 64 * 1024;

/// One top-level JSON value of the file: a Statement, an envelope or a
/// bundle (which fields it has tells them apart).
#[derive(Deserialize)]
struct Wrapper {
    #[serde(rename = "_type")]
    statement_type: Option<String>,
    #[serde(rename = "predicateType")]
    predicate_type: Option<String>,
    /// Whether there is one (JSON `null` is none); its bytes are found by
    /// [`member_span`].
    predicate: Option<IgnoredAny>,
    #[serde(rename = "payloadType")]
    payload_type: Option<String>,
    payload: Option<String>,
    signatures: Option<IgnoredAny>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    #[serde(rename = "dsseEnvelope")]
    dsse_envelope: Option<Envelope>,
    #[serde(rename = "messageSignature")]
    message_signature: Option<IgnoredAny>,
}

/// A DSSE envelope.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "payloadType")]
    payload_type: Option<String>,
    payload: Option<String>,
    signatures: Option<IgnoredAny>,
}

/// An in-toto Statement, as decoded from an envelope's payload.
#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "_type")]
    statement_type: Option<String>,
    #[serde(rename = "predicateType")]
    predicate_type: Option<String>,
    predicate: Option<IgnoredAny>,
}

/// One result of `gh attestation verify --format json`: the verified bundle
/// (its `verificationResult.statement` is that bundle's statement, decoded).
#[derive(Deserialize)]
struct Verified {
    attestation: Option<VerifiedAttestation>,
}

#[derive(Deserialize)]
struct VerifiedAttestation {
    bundle: Option<VerifiedBundle>,
}

#[derive(Deserialize)]
struct VerifiedBundle {
    #[serde(rename = "dsseEnvelope")]
    dsse_envelope: Option<Envelope>,
}

/// cosign's vulnerability predicate: the scanner's report is the evidence.
#[derive(Deserialize)]
struct CosignVuln {
    scanner: Option<CosignScanner>,
}

#[derive(Deserialize)]
struct CosignScanner {
    uri: Option<String>,
    result: Option<IgnoredAny>,
}

/// How the attestations of a file were wrapped, for the warning.
#[derive(Default)]
struct Wrapping {
    verified: usize,
    statements: usize,
    envelopes: usize,
    bundles: usize,
}

/// What the attestations of one file came to.
#[derive(Default)]
struct Tally {
    wrapping: Wrapping,
    /// The formats of the predicates read, in file order.
    used: Vec<Format>,
    /// Why each attestation left out was.
    skipped: Vec<String>,
}

impl Tally {
    fn record(&mut self, read: Read) {
        match read {
            Read::Used(format) => self.used.push(format),
            Read::Skipped(why) => self.skipped.push(why),
        }
    }
}

/// What became of one attestation.
enum Read {
    /// Its predicate was parsed as `Format`.
    Used(Format),
    /// Left out: why (names the predicate and what it is).
    Skipped(String),
}

/// Reads every attestation in the file whose predicate is `kind` evidence.
pub fn parse(
    reader: &mut dyn std::io::BufRead,
    ctx: &mut ParseContext<'_>,
    kind: EvidenceKind,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let bytes = read_json(reader)?;
    let mut tally = Tally::default();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let number = if first == Some(&b'[') {
        read_verified(&bytes, kind, ctx, evidence, &mut tally)?
    } else {
        read_lines(&bytes, kind, ctx, evidence, &mut tally)?
    };
    let Tally {
        wrapping,
        used,
        skipped,
    } = tally;
    if number == 0 {
        return Err(FormatError::whole_file(
            "the file holds no attestation (it is empty)",
        ));
    }
    if used.is_empty() {
        return Err(FormatError::whole_file(format!(
            "no attestation in the file holds {kind} evidence that regops reads: {}",
            skipped.join("; ")
        )));
    }
    let mut formats: Vec<&str> = used.iter().map(|f| f.name()).collect();
    formats.dedup();
    let signed = wrapping.envelopes + wrapping.bundles;
    let how = [
        (wrapping.verified, "`gh attestation verify` result(s)"),
        (wrapping.statements, "unsigned in-toto statement(s)"),
        (wrapping.envelopes, "DSSE envelope(s)"),
        (wrapping.bundles, "Sigstore bundle(s)"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect::<Vec<_>>()
    .join(", ");
    ctx.warnings.push(if wrapping.verified > 0 {
        format!(
            "read {} from {how}; regops does not verify attestation signatures, and cannot tell \
             that this file is what `gh attestation verify` wrote: run the verification in the \
             same job",
            formats.join(" and ")
        )
    } else if signed > 0 {
        format!(
            "read {} from {how}; regops does not verify attestation signatures: verify them \
             before the gate runs (`cosign verify-attestation`, `gh attestation verify`)",
            formats.join(" and ")
        )
    } else {
        format!(
            "read {} from {how}, which nobody signed: the file proves no more than a plain \
             document would",
            formats.join(" and ")
        )
    });
    if !skipped.is_empty() {
        ctx.warnings.push(format!(
            "left out {} attestation(s) that hold no {kind} evidence: {}",
            skipped.len(),
            skipped.join("; ")
        ));
    }
    Ok(())
}

/// `gh attestation verify --format json`: an array of results; returns how
/// many.
fn read_verified(
    bytes: &[u8],
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
    tally: &mut Tally,
) -> Result<usize, FormatError> {
    let results: Vec<Verified> = serde_json::from_slice(bytes)?;
    let count = results.len();
    for (i, result) in results.into_iter().enumerate() {
        let place = Place {
            number: i + 1,
            offset: 0,
            file: bytes,
        };
        let envelope = result
            .attestation
            .and_then(|a| a.bundle)
            .and_then(|b| b.dsse_envelope);
        let Some(envelope) = envelope else {
            return Err(place.error(
                "a `gh attestation verify` result without attestation.bundle.dsseEnvelope",
            ));
        };
        tally.wrapping.verified += 1;
        let read = read_envelope(envelope, &place, kind, ctx, evidence)?;
        tally.record(read);
    }
    Ok(count)
}

/// Statements, envelopes and bundles, one or several (JSON lines); returns
/// how many.
fn read_lines(
    bytes: &[u8],
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
    tally: &mut Tally,
) -> Result<usize, FormatError> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<Wrapper>();
    let mut number = 0;
    let mut start = 0;
    while let Some(value) = values.next() {
        number += 1;
        let wrapper = value?;
        // The value began at the first non-blank byte after the last one.
        let begins = start
            + bytes
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        start = values.byte_offset();
        let object = bytes.get(begins..start).unwrap_or_default();
        let place = Place {
            number,
            offset: begins as u64,
            file: bytes,
        };
        let read = read_wrapper(
            wrapper,
            object,
            &place,
            kind,
            ctx,
            evidence,
            &mut tally.wrapping,
        )?;
        tally.record(read);
    }
    Ok(number)
}

/// Where an attestation sits in the file, for errors.
struct Place<'f> {
    /// 1-based, in file order.
    number: usize,
    /// Byte offset of its first byte.
    offset: u64,
    file: &'f [u8],
}

impl Place<'_> {
    fn error(&self, message: impl std::fmt::Display) -> FormatError {
        FormatError::at_offset(
            self.offset,
            format!("attestation {}: {message}", self.number),
        )
    }
}

/// `object` is the wrapper's own bytes.
fn read_wrapper(
    wrapper: Wrapper,
    object: &[u8],
    place: &Place<'_>,
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
    wrapping: &mut Wrapping,
) -> Result<Read, FormatError> {
    if let Some(media_type) = wrapper.media_type.as_deref() {
        if !media_type.starts_with("application/vnd.dev.sigstore.bundle") {
            return Err(place.error(format!(
                "mediaType is \"{}\", not a Sigstore bundle's",
                super::truncate_chars(media_type, 80)
            )));
        }
        let Some(envelope) = wrapper.dsse_envelope else {
            return Err(place.error(if wrapper.message_signature.is_some() {
                "a Sigstore bundle that signs a file (messageSignature), not an attestation: \
                 it holds no evidence; list the signed file itself"
            } else {
                "a Sigstore bundle without a dsseEnvelope"
            }));
        };
        wrapping.bundles += 1;
        return read_envelope(envelope, place, kind, ctx, evidence);
    }
    if wrapper.payload.is_some() || wrapper.payload_type.is_some() {
        wrapping.envelopes += 1;
        let envelope = Envelope {
            payload_type: wrapper.payload_type,
            payload: wrapper.payload,
            signatures: wrapper.signatures,
        };
        return read_envelope(envelope, place, kind, ctx, evidence);
    }
    if wrapper.statement_type.is_some() || wrapper.predicate_type.is_some() {
        wrapping.statements += 1;
        let statement = Statement {
            statement_type: wrapper.statement_type,
            predicate_type: wrapper.predicate_type,
            predicate: wrapper.predicate,
        };
        // The predicate is a slice of the file: errors in it are placed there.
        let predicate = member_span(object, "predicate").and_then(|r| object.get(r));
        return read_statement(
            statement,
            predicate,
            place,
            Container::File(place.file),
            kind,
            ctx,
            evidence,
        );
    }
    Err(place.error(
        "neither an in-toto statement (_type, predicateType, predicate), a DSSE envelope \
         (payloadType, payload, signatures) nor a Sigstore bundle (mediaType, dsseEnvelope)",
    ))
}

fn read_envelope(
    envelope: Envelope,
    place: &Place<'_>,
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
) -> Result<Read, FormatError> {
    let payload_type = envelope.payload_type.as_deref().unwrap_or_default();
    if payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(place.error(format!(
            "a DSSE envelope whose payloadType is {}, not {IN_TOTO_PAYLOAD_TYPE}: it holds no \
             in-toto statement",
            if payload_type.is_empty() {
                "missing".to_string()
            } else {
                format!("\"{}\"", super::truncate_chars(payload_type, 80))
            }
        )));
    }
    let Some(payload) = envelope.payload else {
        return Err(place.error("a DSSE envelope without a payload"));
    };
    if envelope.signatures.is_none() {
        return Err(place.error(
            "a DSSE envelope without signatures: an envelope is how an attestation is signed",
        ));
    }
    let decoded = decode_base64(&payload).ok_or_else(|| {
        place.error("the envelope's payload is not base64 (DSSE encodes the statement in base64)")
    })?;
    let statement: Statement = serde_json::from_slice(&decoded).map_err(|e| {
        place.error(format!(
            "the envelope's payload is not an in-toto statement (line {}, column {} of the \
             decoded payload): {e}",
            e.line(),
            e.column()
        ))
    })?;
    let predicate = member_span(&decoded, "predicate").and_then(|r| decoded.get(r));
    read_statement(
        statement,
        predicate,
        place,
        Container::Payload(&decoded),
        kind,
        ctx,
        evidence,
    )
}

/// DSSE says standard base64; some signers write it URL-safe or unpadded.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    let text = text.trim();
    standard
        .decode(text)
        .or_else(|_| url_safe.decode(text))
        .ok()
}

/// What a statement's predicate is a slice of, for placing errors in it.
enum Container<'c> {
    /// The file (a bare statement): errors point into it.
    File(&'c [u8]),
    /// An envelope's decoded payload: errors name the line in it.
    Payload(&'c [u8]),
}

/// Parses the statement's predicate.
/// `predicate` is the predicate's bytes, found in the statement's.
fn read_statement(
    statement: Statement,
    predicate: Option<&[u8]>,
    place: &Place<'_>,
    container: Container<'_>,
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
) -> Result<Read, FormatError> {
    let statement_type = statement.statement_type.as_deref().unwrap_or_default();
    if !statement_type.contains("in-toto.io/Statement") {
        return Err(place.error(format!(
            "_type is {}, not an in-toto statement's (https://in-toto.io/Statement/v1)",
            if statement_type.is_empty() {
                "missing".to_string()
            } else {
                format!("\"{}\"", super::truncate_chars(statement_type, 80))
            }
        )));
    }
    let predicate_type = statement
        .predicate_type
        .as_deref()
        .map(|t| super::truncate_chars(t, 120))
        .unwrap_or_else(|| "(no predicateType)".to_string());
    let (Some(_), Some(mut text)) = (statement.predicate, predicate) else {
        return Err(place.error(format!("the statement ({predicate_type}) has no predicate")));
    };
    let mut what = predicate_type.clone();
    if statement.predicate_type.as_deref() == Some(COSIGN_VULN) {
        let vuln: CosignVuln = serde_json::from_slice(text)
            .map_err(|e| place.error(format!("{predicate_type}: {e}")))?;
        let uri = vuln.scanner.as_ref().and_then(|s| s.uri.clone());
        let result = vuln
            .scanner
            .and_then(|s| s.result)
            .and_then(|_| member_span(text, "scanner"))
            .and_then(|r| text.get(r))
            .and_then(|scanner| member_span(scanner, "result").and_then(|r| scanner.get(r)));
        let Some(result) = result else {
            return Ok(Read::Skipped(format!(
                "attestation {} ({predicate_type}) has no scanner.result, only the scan's summary",
                place.number
            )));
        };
        text = result;
        what = format!(
            "{predicate_type}, the report of {}",
            uri.as_deref().unwrap_or("its scanner")
        );
    }
    // cosign before 2.0 wrapped the document as `{"Data": …, "Timestamp": …}`
    // (`--type cyclonedx|spdxjson` held it as JSON there), and still does
    // for `--type custom`, as a string of the file's text: the document is
    // the evidence, whatever its format.
    let mut decoded_data = None;
    if let Some(data) = cosign_data(text) {
        what = format!("{what}, in cosign's Data wrapper");
        if text.get(data.start) == Some(&b'"') {
            let string: String = serde_json::from_slice(&text[data])
                .map_err(|e| place.error(format!("{what}: {e}")))?;
            decoded_data = Some(string.into_bytes());
        } else {
            text = &text[data];
        }
    }
    let text = decoded_data.as_deref().unwrap_or(text);
    let head = text.get(..SNIFF_BYTES).unwrap_or(text);
    let format = match detect::detect(head) {
        Ok(Format::InToto) => {
            return Ok(Read::Skipped(format!(
                "attestation {} ({what}) holds another attestation",
                place.number
            )));
        }
        Ok(format) => format,
        Err(detected) => {
            return Ok(Read::Skipped(format!(
                "attestation {} ({what}) holds {detected}",
                place.number
            )));
        }
    };
    if !format.accepts(kind) {
        return Ok(Read::Skipped(format!(
            "attestation {} ({what}) holds {format}, which is `{}` evidence",
            place.number,
            format.kind()
        )));
    }
    if let Some(declared) = statement.predicate_type.as_deref()
        && let Some(says) = declared_formats(declared)
        && !says.contains(&format)
    {
        ctx.warnings.push(format!(
            "attestation {}: its predicateType ({predicate_type}) names {}, but the predicate is \
             {format}; it was read as {format}, by its content",
            place.number,
            says.iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let mut input: &[u8] = text;
    let warned = ctx.warnings.len();
    let parsed = super::parse(format, kind, &mut input, ctx, evidence);
    // The predicate's own warnings name their attestation: a file of JSON
    // lines may hold several documents, each warning on its own.
    for warning in ctx.warnings.iter_mut().skip(warned) {
        *warning = format!("attestation {}: {warning}", place.number);
    }
    parsed.map_err(|e| {
        if let Some(data) = &decoded_data {
            return place.error(format!(
                "in the predicate ({what}), {} of the Data string: {}",
                describe_at(e.at, data),
                e.message
            ));
        }
        // The predicate's position, shifted to the container's.
        let (Container::File(outer) | Container::Payload(outer)) = container;
        let offset = (text.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
        let at = shift(e.at, outer, offset);
        match container {
            Container::File(_) => FormatError {
                message: format!("attestation {} ({what}): {}", place.number, e.message),
                at,
            },
            Container::Payload(payload) => place.error(format!(
                "in the predicate ({what}), {} of the decoded payload: {}",
                describe_at(at, payload),
                e.message
            )),
        }
    })?;
    Ok(Read::Used(format))
}

/// The formats a predicate type names, for the ones that name a document
/// format (others, such as cosign's custom type, say nothing of it).
fn declared_formats(predicate_type: &str) -> Option<&'static [Format]> {
    let t = predicate_type.trim_start_matches("https://");
    if t.starts_with("cyclonedx.org/") {
        Some(&[Format::CycloneDxJson, Format::CycloneDxXml])
    } else if t.starts_with("spdx.dev/Document/v2") {
        Some(&[Format::SpdxJson])
    } else if t.starts_with("spdx.dev/Document/v3") {
        Some(&[Format::Spdx3Json])
    } else if t.starts_with("spdx.dev/Document") {
        // Without a version (cosign's `--type spdxjson`): either.
        Some(&[Format::SpdxJson, Format::Spdx3Json])
    } else if t.starts_with("openvex.dev/") {
        Some(&[Format::OpenVex])
    } else {
        None
    }
}

/// The span of `Data` when the predicate is cosign's wrapper: an object
/// with `Data` and at most a `Timestamp` beside it.
fn cosign_data(predicate: &[u8]) -> Option<Range<usize>> {
    let mut data = None;
    for (name, span) in Members::new(predicate)? {
        match name {
            b"Data" => data = Some(span),
            b"Timestamp" => {}
            _ => return None,
        }
    }
    data
}

/// A position inside a predicate that starts `offset` bytes into `file`, as
/// a position in the file.
fn shift(at: At, file: &[u8], offset: usize) -> At {
    match at {
        At::Offset(o) => At::Offset(offset as u64 + o),
        At::LineColumn(line, column) => {
            let before = file.get(..offset).unwrap_or_default();
            let line0 = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let column0 = (before.len()
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)) as u64;
            if line == 1 {
                At::LineColumn(line0, column0 + column)
            } else {
                At::LineColumn(line0 + line - 1, column)
            }
        }
        At::File => At::Offset(offset as u64),
    }
}

/// A position in a decoded payload, in words.
fn describe_at(at: At, payload: &[u8]) -> String {
    match at {
        At::LineColumn(line, column) => format!("line {line}, column {column}"),
        At::Offset(offset) => {
            let before = payload.get(..offset as usize).unwrap_or(payload);
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            format!("line {line}")
        }
        At::File => "somewhere".to_string(),
    }
}

/// The bytes of the value of `key` at the top level of the JSON object
/// `json` (serde has already read it as valid JSON, so this only walks its
/// structure): the predicate handed to its format's reader as written, so
/// the reader's positions point into it. serde_json's `RawValue` would do
/// this, but its feature makes every byte serde_json streams cost more, in
/// every JSON evidence file: with it, the 65 MB SARIF log of the benchmark
/// took 485 ms instead of 328, the 12 MB CycloneDX SBOM 129 instead of 105
/// (`benches/interleave.sh`, 8 rounds, medians).
fn member_span(json: &[u8], key: &str) -> Option<Range<usize>> {
    Members::new(json)?
        .find(|(name, _)| *name == key.as_bytes())
        .map(|(_, span)| span)
}

/// The top-level members of a JSON object, as (name as written, value's
/// span); ends early at anything that is not one.
struct Members<'j> {
    json: &'j [u8],
    at: usize,
}

impl<'j> Members<'j> {
    fn new(json: &'j [u8]) -> Option<Self> {
        let at = skip_blanks(json, 0);
        (json.get(at) == Some(&b'{')).then_some(Members { json, at: at + 1 })
    }
}

impl<'j> Iterator for Members<'j> {
    type Item = (&'j [u8], Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let json = self.json;
        let mut i = self.at;
        loop {
            i = skip_blanks(json, i);
            match json.get(i)? {
                b',' => i += 1,
                b'"' => break,
                _ => return None,
            }
        }
        let name_end = value_end(json, i)?;
        let name = json.get(i + 1..name_end - 1)?;
        i = skip_blanks(json, name_end);
        if json.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_blanks(json, i + 1);
        let end = value_end(json, start)?;
        self.at = end;
        Some((name, start..end))
    }
}

fn skip_blanks(json: &[u8], from: usize) -> usize {
    from + json
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .count()
}

/// The index just after the JSON value that starts at `start`.
fn value_end(json: &[u8], start: usize) -> Option<usize> {
    match json.get(start)? {
        b'"' => {
            let mut i = start + 1;
            loop {
                match json.get(i)? {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match json.get(i)? {
                    b'"' => {
                        i = value_end(json, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => Some(
            start
                + json
                    .get(start..)?
                    .iter()
                    .take_while(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                    .count(),
        ),
    }
}
