//! doorstop (<https://doorstop.readthedocs.io>): one file per item, named
//! by its UID (`SRS001.yml`), in a directory per document with a
//! `.doorstop.yml` naming the document's prefix and parent.
//!
//! - An item is YAML (`SRS001.yml`), or, in a document whose settings say
//!   `itemformat: markdown` (doorstop 3), markdown (`SWD001.md`): the item's
//!   keys as YAML front matter, then an optional `# header` line, then the
//!   text. Both are read the same way from there.
//! - An item is a requirement unless it is inactive (`active: false`) or a
//!   heading (`normative: false`): those are skipped. Booleans are read as
//!   doorstop reads them through PyYAML (YAML 1.1): `yes`/`no`/`on`/`off`
//!   too. A value doorstop would not read as a boolean keeps the item, with
//!   a warning.
//! - `links` are its parents. Each link carries the parent's *stamp* when
//!   the link was last reviewed; doorstop's stamp is the URL-safe base64 of
//!   SHA-256 over the item's UID, text, `ref` and, when present,
//!   `references` (as Python prints the list: doorstop hashes its `str`)
//!   (text normalised as doorstop stores it: no leading or trailing blank
//!   lines, no trailing spaces). A link whose stamp differs from the
//!   parent's current one is *suspect*: the parent changed since the child
//!   was reviewed against it. The parent's stamp is only known once every
//!   item is read, so the loader finishes the comparison
//!   ([`mark_suspect_links`]).
//! - Kind: the document prefix (the UID without its trailing digits);
//!   risk control when the item says `risk-control: true` or the prefix is
//!   one of [`RISK_CONTROL_KINDS`].
//! - A `.doorstop.yml` document file yields no record (it is still listed
//!   with its digest); one whose items are markdown warns that they are the
//!   `.md` files beside it, so a `*.yml`-only glob does not lose them
//!   silently.

use std::io::BufRead;

use base64::Engine as _;
use serde_norway::{Mapping, Value};
use sha2::{Digest, Sha256};

use super::{ParseContext, from_yaml, front_matter, read_text};
use crate::error::FormatError;
use crate::model::{Location, Requirement};

/// Kinds (document prefixes or item types) that name risk controls.
pub const RISK_CONTROL_KINDS: &[&str] =
    &["rc", "risk-control", "riskcontrol", "risk_control", "risk"];

/// A doorstop item file or document file.
pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    // doorstop itself tells the item formats apart by the extension.
    if ctx.evidence_path.ends_with(".md") {
        return markdown_item(&text, ctx, out);
    }
    let value: Value = from_yaml(&text, "not a doorstop file", 0)?;
    let map = value
        .as_mapping()
        .ok_or_else(|| FormatError::whole_file("a doorstop file is a YAML mapping"))?;
    if let Some(settings) = map.get("settings") {
        // `.doorstop.yml`: the document's settings; items carry what we need.
        document(settings, ctx);
        return Ok(());
    }
    let item_text = normalise_text(map.get("text").and_then(Value::as_str).unwrap_or(""));
    let line = text
        .lines()
        .position(|l| l.starts_with("text:"))
        .map_or(1, |i| i as u32 + 1);
    item(map, &item_text, line, ctx, out)
}

/// A markdown item (doorstop 3's `itemformat: markdown`): the keys in the
/// front matter, the text in the body.
fn markdown_item(
    text: &str,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let (Some(value), body) = front_matter(text)? else {
        return Err(FormatError::whole_file(
            "a doorstop markdown item opens with its YAML front matter (`---`)",
        ));
    };
    let map = value.as_mapping().ok_or_else(|| {
        FormatError::whole_file("a doorstop item's front matter is a YAML mapping")
    })?;
    let (item_text, skipped) = markdown_text(body);
    // `body` is the end of `text`: the item text starts after what precedes it.
    let start = text.len() - body.len() + skipped;
    let line = text
        .get(..start)
        .map_or(1, |before| before.matches('\n').count() as u32 + 1);
    item(map, &normalise_text(item_text), line, ctx, out)
}

/// A markdown item's text, and how many bytes of `body` precede it: as
/// doorstop 3's `update_data_from_markdown_content` reads it, a first
/// non-blank line that is a level-1 heading (`# Alarm latch`) is the
/// item's header, not its text.
fn markdown_text(body: &str) -> (&str, usize) {
    let mut skipped = 0;
    let mut header = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let is_header = trimmed
            .strip_prefix('#')
            .is_some_and(|rest| rest.starts_with(char::is_whitespace));
        if trimmed.is_empty() || (!header && is_header) {
            header |= is_header;
            skipped += line.len();
        } else {
            break;
        }
    }
    (body.get(skipped..).unwrap_or(""), skipped)
}

/// A `.doorstop.yml` document file's settings: nothing to record, but a
/// markdown document's items are files this one does not stand for.
fn document(settings: &Value, ctx: &mut ParseContext<'_>) {
    if settings.get("itemformat").and_then(Value::as_str) == Some("markdown") {
        let prefix = settings
            .get("prefix")
            .and_then(Value::as_str)
            .unwrap_or("this document");
        ctx.warnings.push(format!(
            "doorstop document {prefix} keeps its items as markdown (`itemformat: markdown`): \
             they are the `.md` files beside this file, and are read only when listed too \
             (e.g. `reqs/**/*.md`)"
        ));
    }
}

/// One item, from its keys and its text (normalised).
fn item(
    map: &Mapping,
    item_text: &str,
    line: u32,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let get = |key: &str| map.get(key);
    let uid = uid_from_path(ctx.evidence_path).ok_or_else(|| {
        FormatError::whole_file(
            "a doorstop item file is named by its UID, like `SRS001.yml` or `SRS001.md`",
        )
    })?;
    // A value doorstop would read as false but that is not a plain boolean
    // keeps the item: dropping a requirement on a guess would shrink the set
    // the gates check.
    for key in ["active", "normative"] {
        match flag(get(key)) {
            Flag::Set(false) => return Ok(()),
            Flag::Unclear(value) => ctx.warnings.push(format!(
                "{uid}: `{key}: {value}` is not a boolean; doorstop reads it as false, \
                 regops keeps the item as a requirement"
            )),
            Flag::Absent | Flag::Set(true) => {}
        }
    }
    // doorstop strips `ref` when it loads the item.
    let reference = get("ref").and_then(Value::as_str).unwrap_or("").trim();
    let mut parents = Vec::new();
    let mut link_stamps = Vec::new();
    if let Some(links) = get("links").and_then(Value::as_sequence) {
        for link in links {
            match link {
                Value::String(parent) => parents.push(parent.clone()),
                Value::Mapping(m) => {
                    for (parent, stamp) in m {
                        let Some(parent) = parent.as_str() else {
                            continue;
                        };
                        parents.push(parent.to_string());
                        if let Some(stamp) = stamp.as_str() {
                            link_stamps.push((parent.to_string(), stamp.to_string()));
                        }
                    }
                }
                _ => {
                    return Err(FormatError::whole_file(
                        "`links` holds UIDs, each optionally with the parent's stamp",
                    ));
                }
            }
        }
    }
    let references = references_text(get("references"));
    if references.is_err() {
        ctx.warnings.push(format!(
            "{uid} has `references` in a form whose doorstop stamp regops does not reproduce; \
             links to {uid} are not checked for suspicion"
        ));
    }
    let kind = uid
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches(['-', '_', '.']);
    let mut risk_control = RISK_CONTROL_KINDS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(kind));
    for key in ["risk-control", "risk_control"] {
        match flag(get(key)) {
            Flag::Set(set) => risk_control |= set,
            // Read as a risk control: it is then held to the stricter check.
            Flag::Unclear(value) => {
                risk_control = true;
                ctx.warnings.push(format!(
                    "{uid}: `{key}: {value}` is not a boolean; regops reads the item as a risk control"
                ));
            }
            Flag::Absent => {}
        }
    }
    let mut stamped = vec![uid.as_str(), item_text, reference];
    if let Ok(Some(references)) = &references {
        stamped.push(references);
    }
    out.push(Requirement {
        id: uid.clone(),
        title: item_text.lines().next().unwrap_or("").trim().to_string(),
        kind: kind.to_string(),
        // `doorstop review` stamps the item with its links' UIDs included.
        status: get("reviewed").map(|r| {
            let mut reviewed = stamped.clone();
            reviewed.extend(parents.iter().map(String::as_str));
            if references.is_ok() && r.as_str().is_some_and(|s| s == digest(&reviewed)) {
                "reviewed".to_string()
            } else {
                "unreviewed".to_string()
            }
        }),
        parents,
        risk_control,
        verified_by: Vec::new(),
        suspect_links: Vec::new(),
        stamp: references.is_ok().then(|| digest(&stamped)),
        link_stamps,
        source: Location {
            file: ctx.evidence_path.to_string(),
            line: Some(line),
            column: None,
        },
    });
    Ok(())
}

/// A doorstop boolean as read from YAML.
enum Flag {
    Absent,
    Set(bool),
    /// Not a value regops reads as a boolean: its text.
    Unclear(String),
}

/// A boolean as doorstop reads it: PyYAML reads YAML 1.1, where `yes`,
/// `no`, `on` and `off` are booleans (serde_norway, YAML 1.2, leaves them
/// strings), and doorstop's `to_bool` reads strings case-insensitively.
fn flag(value: Option<&Value>) -> Flag {
    match value {
        None => Flag::Absent,
        Some(Value::Bool(b)) => Flag::Set(*b),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(0) => Flag::Set(false),
            Some(1) => Flag::Set(true),
            _ => Flag::Unclear(n.to_string()),
        },
        Some(Value::String(s)) => match yaml11_bool(s) {
            Some(b) => Flag::Set(b),
            None => Flag::Unclear(s.clone()),
        },
        Some(Value::Null) => Flag::Unclear("null".to_string()),
        Some(_) => Flag::Unclear("(not a scalar)".to_string()),
    }
}

/// A YAML 1.1 boolean written as text (`yes`, `Off`, `TRUE`, …), which a
/// YAML 1.2 reader leaves a string.
pub(crate) fn yaml11_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "on" | "true" => Some(true),
        "no" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// `references` as doorstop hashes them: `str()` of the list of dicts it
/// keeps (`type`, `path` stripped, then `keyword` and `sha` when present),
/// which is Python's repr. `Ok(None)` when there are none (doorstop leaves
/// an empty list out of the stamp); `Err` when regops cannot reproduce it.
fn references_text(value: Option<&Value>) -> Result<Option<String>, ()> {
    let list = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Sequence(list)) if list.is_empty() => return Ok(None),
        Some(Value::Sequence(list)) => list,
        Some(_) => return Err(()),
    };
    let mut dicts = Vec::new();
    for reference in list {
        let field = |key: &str| reference.get(key);
        let mut entries = Vec::new();
        for key in ["type", "path", "keyword", "sha"] {
            let value = match field(key) {
                None if matches!(key, "keyword" | "sha") => continue,
                Some(Value::String(s)) if key == "path" => python_repr(s.trim())?,
                Some(Value::String(s)) => python_repr(s)?,
                Some(Value::Number(n)) if key == "keyword" && n.is_i64() => n.to_string(),
                _ => return Err(()),
            };
            entries.push(format!("'{key}': {value}"));
        }
        dicts.push(format!("{{{}}}", entries.join(", ")));
    }
    Ok(Some(format!("[{}]", dicts.join(", "))))
}

/// Python's `repr` of a string; `Err` for characters whose escaping
/// regops does not reproduce (non-ASCII spaces, controls and format
/// characters, which Python escapes by Unicode category).
fn python_repr(s: &str) -> Result<String, ()> {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => repr.push_str("\\\\"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            '\t' => repr.push_str("\\t"),
            c if c == quote => {
                repr.push('\\');
                repr.push(c);
            }
            c if c.is_ascii_control() => repr.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() => repr.push(c),
            c if c.is_control()
                || c.is_whitespace()
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{206f}' | '\u{feff}') =>
            {
                return Err(());
            }
            c => repr.push(c),
        }
    }
    repr.push(quote);
    Ok(repr)
}

/// After every file is read: a link whose recorded stamp is not the
/// parent's current stamp is suspect.
pub fn mark_suspect_links(requirements: &mut [Requirement]) {
    let stamps: Vec<(String, Option<String>)> = requirements
        .iter()
        .map(|r| (r.id.clone(), r.stamp.clone()))
        .collect();
    for requirement in requirements.iter_mut() {
        let suspect: Vec<String> = requirement
            .link_stamps
            .iter()
            .filter(|(parent, recorded)| {
                stamps
                    .iter()
                    .find(|(id, _)| id == parent)
                    .and_then(|(_, current)| current.as_ref())
                    .is_some_and(|current| current != recorded)
            })
            .map(|(parent, _)| parent.clone())
            .collect();
        requirement.suspect_links = suspect;
    }
}

/// The item's UID: its file name without `.yml` (or `.md`).
fn uid_from_path(path: &str) -> Option<String> {
    let name = path.rsplit(['/', '\\']).next()?;
    let uid = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .or_else(|| name.strip_suffix(".md"))?;
    (!uid.is_empty() && !uid.starts_with('.')).then(|| uid.to_string())
}

/// Text as doorstop holds it: no leading or trailing newlines, no trailing
/// spaces on any line.
fn normalise_text(text: &str) -> String {
    text.trim_start_matches('\n')
        .trim_end_matches('\n')
        .split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// doorstop's `Stamp.digest`, which `Item.stamp()` applies to the UID, text,
/// ref (and references; the review stamp adds the links' UIDs): SHA-256
/// over the values' text, in order, URL-safe base64 with padding.
fn digest(values: &[&str]) -> String {
    let mut hash = Sha256::new();
    for value in values {
        hash.update(value.as_bytes());
    }
    base64::engine::general_purpose::URL_SAFE.encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_is_doorstops() {
        // From `doorstop review` (doorstop 3.2) on the fixture's SRS002 before its edit.
        assert_eq!(
            digest(&[
                "SRS002",
                "The monitor shall raise a high-priority alarm when the heart rate exceeds the tachycardia threshold.",
                ""
            ]),
            "z8Qf08ycaTqZe9kBP8x2dIRxlHqCSJKTo_M3zIZHpgA="
        );
    }

    #[test]
    fn the_review_stamp_includes_the_links() {
        // RC001's `reviewed` in the fixture, written by `doorstop review all`.
        assert_eq!(
            digest(&[
                "RC001",
                "Risk control for HAZ-004 (missed tachycardia): the alarm is raised within two beats.",
                "",
                "SRS002"
            ]),
            "XdGJGgfNgzmdgEWZboh58pbrvTpyQS2dhN3Y0vzYUSQ="
        );
    }

    #[test]
    fn text_is_normalised_as_doorstop_stores_it() {
        assert_eq!(
            normalise_text("\n\nline one  \nline two\n\n"),
            "line one\nline two"
        );
    }

    #[test]
    fn the_uid_is_the_file_stem() {
        assert_eq!(
            uid_from_path("reqs/srs/SRS001.yml").as_deref(),
            Some("SRS001")
        );
        assert_eq!(uid_from_path("reqs/srs/.doorstop.yml"), None);
        assert_eq!(
            uid_from_path("reqs/swd/SWD001.md").as_deref(),
            Some("SWD001")
        );
    }

    #[test]
    fn a_markdown_items_first_heading_is_its_header_not_its_text() {
        assert_eq!(
            markdown_text("\n# Alarm latch\n\nThe alarm shall latch.\n# Not a header\n").0,
            "The alarm shall latch.\n# Not a header\n"
        );
        assert_eq!(markdown_text("\nNo header.\n").0, "No header.\n");
        assert_eq!(
            markdown_text("\n## Level two\ntext").0,
            "## Level two\ntext"
        );
    }

    #[test]
    fn yaml_1_1_booleans_are_booleans() {
        for (text, expected) in [
            ("yes", Some(true)),
            ("On", Some(true)),
            ("TRUE", Some(true)),
            ("no", Some(false)),
            ("OFF", Some(false)),
            ("y", None),
            ("maybe", None),
        ] {
            assert_eq!(yaml11_bool(text), expected, "{text}");
        }
    }

    #[test]
    fn references_are_printed_as_python_prints_them() {
        let value: Value = serde_norway::from_str(
            "- path: ' src/alarm.c '\n  type: file\n- type: file\n  path: it's.c\n  keyword: LATCH\n",
        )
        .expect("yaml");
        assert_eq!(
            references_text(Some(&value)),
            Ok(Some(
                "[{'type': 'file', 'path': 'src/alarm.c'}, \
                 {'type': 'file', 'path': \"it's.c\", 'keyword': 'LATCH'}]"
                    .to_string()
            ))
        );
        assert_eq!(
            references_text(Some(&Value::Sequence(Vec::new()))),
            Ok(None)
        );
        assert_eq!(python_repr("a\\b\u{7f}"), Ok("'a\\\\b\\x7f'".to_string()));
        assert_eq!(python_repr("no\u{a0}break"), Err(()));
    }
}
