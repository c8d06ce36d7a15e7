//! The streaming XML reader shared by the XML formats: quick-xml with
//! byte positions for errors, predefined entities only, and DOCTYPEs that
//! declare entities refused.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, BytesText, Event};

use crate::error::FormatError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a streaming XML format does with the element events.
pub(crate) trait Elements {
    /// An element opens (also called for an empty element, before `end`).
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError>;
    /// The innermost open element closes.
    fn end(&mut self);
}

pub(crate) struct XmlReader<'r> {
    reader: Reader<&'r mut dyn BufRead>,
    /// Bytes consumed before quick-xml saw the input (a BOM).
    base: u64,
    /// Where the last event began (for errors about it), relative to `base`.
    event_start: u64,
    replaced_invalid_utf8: Cell<bool>,
}

impl<'r> XmlReader<'r> {
    pub(crate) fn new(input: &'r mut dyn BufRead) -> Result<Self, FormatError> {
        let has_bom = input
            .fill_buf()
            .map_err(|e| FormatError::at_offset(0, format!("cannot read the file: {e}")))?
            .starts_with(UTF8_BOM);
        let base = if has_bom {
            input.consume(UTF8_BOM.len());
            UTF8_BOM.len() as u64
        } else {
            0
        };
        let mut reader = Reader::from_reader(input);
        let config = reader.config_mut();
        config.trim_text(true);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(XmlReader {
            reader,
            base,
            event_start: 0,
            replaced_invalid_utf8: Cell::new(false),
        })
    }

    /// The next event; quick-xml's errors carry their byte offset.
    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, FormatError> {
        let before = self.reader.buffer_position();
        let event = self.reader.read_event_into(buf).map_err(|e| {
            let hint = match e {
                quick_xml::Error::Syntax(_) => "; the file looks truncated",
                _ => "",
            };
            FormatError::at_offset(
                self.base + self.reader.error_position(),
                format!("invalid XML: {e}{hint}"),
            )
        })?;
        let after = self.reader.buffer_position();
        // The exact start of markup events, from their length.
        let markup_len = match &event {
            Event::Start(e) => Some(e.len() + 2),
            Event::Empty(e) => Some(e.len() + 3),
            Event::End(e) => Some(e.len() + 3),
            Event::DocType(d) => Some(d.len() + "<!DOCTYPE>".len()),
            Event::Text(t) => Some(t.len()),
            _ => None,
        };
        self.event_start = markup_len
            .and_then(|n| after.checked_sub(n as u64))
            .map_or(before, |start| start.max(before));
        Ok(event)
    }

    /// An error about the last event, at its start.
    pub(crate) fn error_at_event(&self, message: String) -> FormatError {
        FormatError::at_offset(self.base + self.event_start, message)
    }

    /// An error at the current position.
    pub(crate) fn error_here(&self, message: String) -> FormatError {
        FormatError::at_offset(self.base + self.reader.buffer_position(), message)
    }

    /// Whether some bytes were not UTF-8 and were replaced.
    /// After the last event: an element still open means the file was cut
    /// short; no root element means it held no document. `expected_root`
    /// names what the format wants (`<report>`).
    pub(crate) fn check_complete(
        &self,
        open: Option<&str>,
        root_seen: bool,
        expected_root: &str,
    ) -> Result<(), FormatError> {
        if let Some(name) = open {
            return Err(self.error_here(format!(
                "the file ends inside <{name}> (truncated?): expected </{name}>"
            )));
        }
        if !root_seen {
            return Err(self.error_here(format!("no root element; expected {expected_root}")));
        }
        Ok(())
    }

    /// Says so in `warnings` when bytes that are not UTF-8 were replaced.
    pub(crate) fn warn_replaced_utf8(&self, warnings: &mut Vec<String>) {
        if self.replaced_invalid_utf8.get() {
            warnings.push(
                "the file has bytes that are not valid UTF-8; they were replaced with U+FFFD"
                    .to_string(),
            );
        }
    }

    /// Raw bytes as text; bytes that are not UTF-8 become U+FFFD.
    pub(crate) fn decode<'a>(&self, raw: &'a [u8]) -> Cow<'a, str> {
        match std::str::from_utf8(raw) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                self.replaced_invalid_utf8.set(true);
                String::from_utf8_lossy(raw)
            }
        }
    }

    /// Decodes and unescapes (predefined entities and character references
    /// only); borrows when there is nothing to replace.
    fn unescape<'a>(
        &self,
        raw: &'a [u8],
        what: impl FnOnce() -> String,
    ) -> Result<Cow<'a, str>, FormatError> {
        let unescaped = match self.decode(raw) {
            Cow::Borrowed(text) => quick_xml::escape::unescape(text),
            Cow::Owned(text) => {
                quick_xml::escape::unescape(&text).map(|s| Cow::Owned(s.into_owned()))
            }
        };
        unescaped.map_err(|e| self.error_at_event(format!("{} {e}", what())))
    }

    /// The text of a text event.
    pub(crate) fn text<'a>(&self, t: &'a BytesText<'_>) -> Result<Cow<'a, str>, FormatError> {
        self.unescape(t, || "in element text:".to_string())
    }

    /// Calls `f` with each attribute's local name and unescaped value;
    /// allocates only for values holding entity references.
    pub(crate) fn for_each_attribute(
        &self,
        e: &BytesStart<'_>,
        mut f: impl FnMut(&[u8], Cow<'_, str>) -> Result<(), FormatError>,
    ) -> Result<(), FormatError> {
        let tag = || String::from_utf8_lossy(e.local_name().into_inner()).into_owned();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| {
                self.error_at_event(format!("invalid attribute in <{}>: {err}", tag()))
            })?;
            let key = attr.key.local_name().into_inner();
            let value = self.unescape(&attr.value, || {
                format!(
                    "in attribute '{}' of <{}>:",
                    String::from_utf8_lossy(key),
                    tag()
                )
            })?;
            f(key, value)?;
        }
        Ok(())
    }

    /// Refuses a DOCTYPE that declares entities.
    pub(crate) fn check_doctype(&self, d: &BytesText<'_>) -> Result<(), FormatError> {
        let entity = d
            .windows(b"<!ENTITY".len())
            .position(|w| w.eq_ignore_ascii_case(b"<!ENTITY"));
        if let Some(index) = entity {
            // The content ends just before the DOCTYPE's closing `>`.
            let at = (self.reader.buffer_position())
                .saturating_sub(1 + d.len().saturating_sub(index) as u64)
                .max(self.event_start);
            return Err(FormatError::at_offset(
                self.base + at,
                "the DOCTYPE declares entities (<!ENTITY ...>), which regops refuses: entity \
                 expansion and external entities are how billion-laughs and XXE attacks work; \
                 remove the DOCTYPE (no JUnit or Cobertura producer needs one)"
                    .to_string(),
            ));
        }
        Ok(())
    }

    /// Feeds every element event to `elements` until the end of the file,
    /// refusing a DOCTYPE that declares entities.
    pub(crate) fn walk(&mut self, elements: &mut impl Elements) -> Result<(), FormatError> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match self.next(&mut buf)? {
                Event::Start(e) => elements.start(self, &e)?,
                Event::Empty(e) => {
                    elements.start(self, &e)?;
                    elements.end();
                }
                Event::End(_) => elements.end(),
                Event::DocType(d) => self.check_doctype(&d)?,
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}
