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
//!   lines, no trailing spaces), then the values of the attributes its
//!   document's `.doorstop.yml` lists under `attributes: reviewed` that the
//!   item has (doorstop ≥ 2.0.post2, in name order, each as doorstop's
//!   `_convert_to_str` renders it: [`attribute_text`]). A link whose stamp
//!   differs from the parent's current one is *suspect*: the parent changed
//!   since the child was reviewed against it. The review stamp (`reviewed`)
//!   adds the links' UIDs before the attributes.
//! - The stamps need the document's settings (another file) and the
//!   parents' stamps (other items), so an item's record carries what its
//!   stamps are made of, and a `.doorstop.yml` a record of its reviewed
//!   attributes, until the loader finishes them once every file is read
//!   ([`finish`]): an item belongs to the document in its
//!   nearest directory with a loaded `.doorstop.yml`, as in doorstop.
//! - Kind: the document prefix (the UID without its trailing digits);
//!   risk control when the item says `risk-control: true` or the prefix is
//!   one of [`RISK_CONTROL_KINDS`].
//! - A `.doorstop.yml` document file yields no requirement (it is still
//!   listed with its digest); one whose items are markdown warns that they
//!   are the `.md` files beside it, so a `*.yml`-only glob does not lose
//!   them silently. Reviewed attributes regops cannot reproduce (doorstop's
//!   own keys, or not a list of names) are warned about, and leave the
//!   document's items unreviewed and links to them suspect.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::LazyLock;

use base64::Engine as _;
use regex::Regex;
use serde_norway::{Mapping, Value};
use sha2::{Digest, Sha256};

use super::{ParseContext, from_yaml, front_matter, read_text};
use crate::error::FormatError;
use crate::model::{Location, Requirement};

/// Kinds (document prefixes or item types) that name risk controls.
pub const RISK_CONTROL_KINDS: &[&str] =
    &["rc", "risk-control", "riskcontrol", "risk_control", "risk"];

/// doorstop's own item keys; any other key is an attribute of the item's
/// own (`type`, `verification-method`, …).
const ITEM_KEYS: &[&str] = &[
    "active",
    "derived",
    "header",
    "level",
    "links",
    "normative",
    "ref",
    "references",
    "reviewed",
    "text",
];

/// The stamp of an item whose stamp regops cannot reproduce: no recorded
/// stamp equals it, so links to the item read suspect.
const UNREPRODUCED: &str = "(not reproduced by regops)";

/// What a doorstop record carries from its file to [`finish`], in the
/// record's loading-time `doorstop` field.
#[derive(Debug, Clone, PartialEq)]
pub enum Loading {
    /// A `.doorstop.yml`: the attributes its items' stamps add, sorted
    /// (`Err`: ones regops cannot reproduce). Stands for no requirement.
    Document { reviewed: Result<Vec<String>, ()> },
    /// An item: what its stamps are made of.
    Item(ItemStamps),
}

/// What an item's stamps are made of.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStamps {
    /// `reviewed` as written (`""` when it is not a stamp); `None`: the
    /// item has no `reviewed`.
    recorded: Option<String>,
    /// UID, text, `ref` and `references` as hashed; `None` when regops
    /// cannot reproduce `references`.
    content: Option<Vec<String>>,
    /// The links' UIDs, which the review stamp adds.
    links: Vec<String>,
    /// The item's own attributes as doorstop renders them into a stamp
    /// ([`attribute_text`]); `None` for a value regops cannot render.
    attributes: BTreeMap<String, Option<String>>,
}

impl ItemStamps {
    /// The item's stamp and review stamp, given the attributes its
    /// document reviews (`None`: no document of it was loaded).
    fn stamps(
        &self,
        reviewed: Option<&Result<Vec<String>, ()>>,
    ) -> (Option<String>, Option<String>) {
        let Some(content) = &self.content else {
            return (None, None);
        };
        let attributes: Result<Vec<&str>, ()> = match reviewed {
            None => Ok(Vec::new()),
            Some(Err(())) => Err(()),
            // doorstop skips the reviewed attributes an item does not have.
            Some(Ok(keys)) => keys
                .iter()
                .filter_map(|key| self.attributes.get(key))
                .map(|text| text.as_deref().ok_or(()))
                .collect(),
        };
        let Ok(attributes) = attributes else {
            return (Some(UNREPRODUCED.to_string()), None);
        };
        let content = content.iter().map(String::as_str);
        let links = self.links.iter().map(String::as_str);
        let stamp: Vec<&str> = content.clone().chain(attributes.iter().copied()).collect();
        let review: Vec<&str> = content
            .chain(links)
            .chain(attributes.iter().copied())
            .collect();
        (Some(digest(&stamp)), Some(digest(&review)))
    }
}

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
        // `.doorstop.yml`: the document's settings.
        document(settings, map.get("attributes"), ctx, out);
        return Ok(());
    }
    let item_text = normalise_text(map.get("text").and_then(Value::as_str).unwrap_or(""));
    let line = text
        .lines()
        .position(|l| l.starts_with("text:"))
        .map_or(1, |i| i as u32 + 1);
    item(map, &text, &item_text, line, ctx, out)
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
    let keys = text.get(..text.len() - body.len()).unwrap_or("");
    item(map, keys, &normalise_text(item_text), line, ctx, out)
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

/// A `.doorstop.yml` document file: the attributes its items' stamps add
/// (no requirement); a markdown document's items are files this one does
/// not stand for.
fn document(
    settings: &Value,
    attributes: Option<&Value>,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) {
    let prefix = settings
        .get("prefix")
        .and_then(Value::as_str)
        .unwrap_or("this document");
    if settings.get("itemformat").and_then(Value::as_str) == Some("markdown") {
        ctx.warnings.push(format!(
            "doorstop document {prefix} keeps its items as markdown (`itemformat: markdown`): \
             they are the `.md` files beside this file, and are read only when listed too \
             (e.g. `reqs/**/*.md`)"
        ));
    }
    let reviewed = reviewed_attributes(attributes.and_then(|a| a.get("reviewed")));
    if let Err(why) = &reviewed {
        ctx.warnings.push(format!(
            "doorstop document {prefix}: `attributes: reviewed` {why}, whose stamps regops does \
             not reproduce; its items read unreviewed and links to them suspect"
        ));
    }
    let loading = Loading::Document {
        reviewed: reviewed.map_err(|_| ()),
    };
    out.push(Requirement {
        id: String::new(),
        title: String::new(),
        kind: String::new(),
        status: None,
        parents: Vec::new(),
        risk_control: false,
        verified_by: Vec::new(),
        suspect_links: Vec::new(),
        doorstop: Some(Box::new(loading)),
        link_stamps: Vec::new(),
        source: Location {
            file: ctx.evidence_path.to_string(),
            line: None,
            column: None,
        },
    });
}

/// A document's `attributes: reviewed`, as doorstop holds it: the names
/// sorted, each once (doorstop ≥ 2.0). `Err` says why regops cannot
/// reproduce the stamps.
fn reviewed_attributes(value: Option<&Value>) -> Result<Vec<String>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let names: Option<Vec<String>> = value.as_sequence().and_then(|names| {
        names
            .iter()
            .map(|n| n.as_str().map(str::to_string))
            .collect()
    });
    let Some(mut names) = names else {
        return Err("is not a list of attribute names".to_string());
    };
    if let Some(own) = names.iter().find(|n| ITEM_KEYS.contains(&n.as_str())) {
        return Err(format!("names doorstop's own `{own}`"));
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// One item, from its keys, the YAML text they are written in and its
/// text (normalised).
fn item(
    map: &Mapping,
    keys: &str,
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
    let content = references.ok().map(|references| {
        let mut content = vec![uid.clone(), item_text.to_string(), reference.to_string()];
        content.extend(references);
        content
    });
    let attributes: BTreeMap<String, Option<String>> = map
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_str().filter(|k| !ITEM_KEYS.contains(k))?;
            Some((
                key.to_string(),
                attribute_text(value, written_plain(keys, key)),
            ))
        })
        .collect();
    let stamps = ItemStamps {
        recorded: get("reviewed").map(|r| r.as_str().unwrap_or("").to_string()),
        content,
        links: parents.clone(),
        attributes,
    };
    unrendered_attributes(&uid, &stamps, ctx);
    out.push(Requirement {
        id: uid.clone(),
        title: item_text.lines().next().unwrap_or("").trim().to_string(),
        kind: kind.to_string(),
        // Known once the document's reviewed attributes are.
        status: None,
        parents,
        risk_control,
        verified_by: Vec::new(),
        suspect_links: Vec::new(),
        doorstop: Some(Box::new(Loading::Item(stamps))),
        link_stamps,
        source: Location {
            file: ctx.evidence_path.to_string(),
            line: Some(line),
            column: None,
        },
    });
    Ok(())
}

/// Warns about the attributes whose stamp regops cannot render, when they
/// may be in the item's review stamp: it is not the stamp without them.
fn unrendered_attributes(uid: &str, stamps: &ItemStamps, ctx: &mut ParseContext<'_>) {
    let unrendered: Vec<&str> = stamps
        .attributes
        .iter()
        .filter(|(_, text)| text.is_none())
        .map(|(key, _)| key.as_str())
        .collect();
    if unrendered.is_empty() || stamps.recorded.is_none() {
        return;
    }
    if stamps.recorded == stamps.stamps(None).1 {
        // Reviewed without attributes: none of these is in its stamp.
        return;
    }
    ctx.warnings.push(format!(
        "{uid}: regops does not reproduce doorstop's stamp of `{}` (a tagged value, a YAML 1.1 \
         form such as a timestamp with a time or `1_000`, or an ambiguous nested scalar); if \
         its document lists it under `attributes: reviewed`, {uid} reads unreviewed and links \
         to it suspect",
        unrendered.join("`, `")
    ));
}

/// An attribute's value as doorstop ≥ 2.0.post2 renders it into a stamp
/// (`_convert_to_str`): each scalar as `\T`, its Python type, `\V` and
/// its `str()` (backslashes doubled); a list as `\L` and its items; a
/// dict as `\D` and its values in key order. `plain`: whether a top-level
/// scalar is written unquoted (`None`: not known), which decides how
/// PyYAML (YAML 1.1) types `yes` or `2024-03-01`. `None` for what regops
/// cannot reproduce.
fn attribute_text(value: &Value, plain: Option<bool>) -> Option<String> {
    let mut text = String::new();
    render(value, plain, &mut text)?;
    Some(text)
}

fn render(value: &Value, plain: Option<bool>, out: &mut String) -> Option<()> {
    let (class, text) = match value {
        Value::Null => ("NoneType", "None".to_string()),
        Value::Bool(b) => ("bool", python_bool(*b).to_string()),
        Value::Number(n) if n.is_i64() || n.is_u64() => ("int", n.to_string()),
        Value::Number(n) => ("float", python_float(n.as_f64()?)),
        Value::String(s) => python_scalar(s, plain)?,
        Value::Sequence(items) => {
            out.push_str("\\L");
            for item in items {
                render(item, None, out)?;
            }
            return Some(());
        }
        Value::Mapping(map) => {
            // Python sorts the keys; strings sort by code point, as UTF-8 bytes do.
            let mut entries: Vec<(&str, &Value)> = map
                .iter()
                .map(|(k, v)| Some((k.as_str()?, v)))
                .collect::<Option<_>>()?;
            entries.sort_by_key(|(k, _)| *k);
            out.push_str("\\D");
            for (_, v) in entries {
                render(v, None, out)?;
            }
            return Some(());
        }
        Value::Tagged(_) => return None,
    };
    out.push_str("\\T<class '");
    out.push_str(class);
    out.push_str("'>\\V");
    out.push_str(&text.replace('\\', "\\\\"));
    Some(())
}

/// PyYAML's implicit types of a plain scalar (YAML 1.1: `resolver.py`).
static YAML11_TYPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        // bool, null
        r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|",
        // int
        r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
        r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
        // float
        r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        // timestamp
        r"|[0-9]{4}-[0-9]{2}-[0-9]{2}",
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}",
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
        // merge, value
        r"|<<|=",
        r")$"
    ))
    .expect("PyYAML's resolver patterns are valid")
});

/// A string as PyYAML types it: its Python class and `str()`. Quoted, it
/// is a `str`; plain, a YAML 1.1 boolean word is a `bool` and a date a
/// `datetime.date` (YAML 1.2, as regops reads it, leaves both strings).
/// Where it is not known whether the scalar is quoted, one regops would
/// have read as a number, boolean or null if plain was quoted. `None` for
/// other YAML 1.1 forms, and where the quoting decides but is not known.
fn python_scalar(s: &str, plain: Option<bool>) -> Option<(&'static str, String)> {
    let quoted = match plain {
        Some(plain) => !plain,
        None => typed_when_plain(s),
    };
    if quoted || !YAML11_TYPED.is_match(s) {
        return Some(("str", s.to_string()));
    }
    if plain != Some(true) {
        return None;
    }
    if let Some(b) = match s {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    } {
        return Some(("bool", python_bool(b).to_string()));
    }
    let date = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    date.then(|| ("datetime.date", s.to_string()))
}

/// Whether serde_norway, which reads items for regops, types this scalar
/// when it is plain (null, boolean, integer in any radix, finite float):
/// then a string of it was quoted.
fn typed_when_plain(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .any(|(prefix, radix)| {
            unsigned.strip_prefix(prefix).is_some_and(|digits| {
                !digits.is_empty() && digits.chars().all(|c| c.is_digit(*radix))
            })
        });
    // YAML 1.2: leading zeros make digits a string.
    let zero_padded = unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned.bytes().all(|b| b.is_ascii_digit());
    let float = !zero_padded
        && (matches!(
            s.strip_prefix('+').unwrap_or(s),
            ".inf" | ".Inf" | ".INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN"
        ) || s
            .strip_prefix('+')
            .unwrap_or(s)
            .parse::<f64>()
            .is_ok_and(f64::is_finite));
    matches!(
        s,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) || radix
        || float
}

fn python_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Python's `repr` of a float: the shortest digits that read back, fixed
/// notation for exponents from -4 to 15 (always with a `.`), else
/// scientific with a signed two-digit exponent (`1e-05`, `1.5e+16`).
fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let fixed = format!("{f}");
        if fixed.contains('.') {
            fixed
        } else {
            format!("{fixed}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// Whether the top-level `key`'s value is a plain (unquoted) scalar on the
/// key's line in `keys`, the YAML text of an item's keys: `Some(false)`
/// when quoted or a block scalar, `None` when not found or not a scalar
/// written there.
fn written_plain(keys: &str, key: &str) -> Option<bool> {
    let rest = keys
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    match rest.trim_start().chars().next()? {
        '\'' | '"' | '|' | '>' => Some(false),
        '&' | '!' | '*' | '[' | '{' | '#' => None,
        _ => Some(true),
    }
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

/// After every file is read: each item's stamps from its document's
/// reviewed attributes (the documents' records are dropped), its status
/// (`reviewed` when its review stamp is the one recorded), then a link
/// whose recorded stamp is not the parent's current stamp is suspect.
pub fn finish(requirements: &mut Vec<Requirement>) {
    let mut documents: Vec<(String, Result<Vec<String>, ()>)> = Vec::new();
    requirements.retain(|r| match r.doorstop.as_deref() {
        Some(Loading::Document { reviewed }) => {
            documents.push((directory(&r.source.file).to_string(), reviewed.clone()));
            false
        }
        _ => true,
    });
    // Each item's current stamp, by UID: what its children's links recorded.
    let mut stamps: Vec<(String, Option<String>)> = Vec::new();
    for requirement in requirements.iter_mut() {
        let Some(Loading::Item(item)) = requirement.doorstop.take().map(|b| *b) else {
            continue;
        };
        let (stamp, review) = item.stamps(document_of(&documents, &requirement.source.file));
        requirement.status = item.recorded.map(|recorded| {
            if review.is_some_and(|review| review == recorded) {
                "reviewed".to_string()
            } else {
                "unreviewed".to_string()
            }
        });
        stamps.push((requirement.id.clone(), stamp));
    }
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

/// The reviewed attributes of the document `file` is in: the one in its
/// nearest directory with a loaded `.doorstop.yml` (doorstop's documents
/// hold the items below them but those of documents nested deeper).
fn document_of<'d>(
    documents: &'d [(String, Result<Vec<String>, ()>)],
    file: &str,
) -> Option<&'d Result<Vec<String>, ()>> {
    let mut dir = directory(file);
    loop {
        if let Some((_, reviewed)) = documents.iter().find(|(d, _)| d == dir) {
            return Some(reviewed);
        }
        if dir.is_empty() {
            return None;
        }
        dir = directory(dir);
    }
}

/// The directory part of a display path (`""` at the top).
fn directory(path: &str) -> &str {
    path.rfind(['/', '\\']).map_or("", |i| &path[..i])
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

    /// `value` (YAML) rendered as the top-level attribute `key: value`.
    fn rendered(value: &str) -> Option<String> {
        let keys = format!("key: {value}\n");
        let map: Value = serde_norway::from_str(&keys).expect("yaml");
        attribute_text(map.get("key").expect("key"), written_plain(&keys, "key"))
    }

    #[test]
    fn attributes_render_as_doorstop_renders_them() {
        // doorstop 3.2's `_convert_to_str` on the fixture's values
        // (handmade-requirements-s9/doorstop-3.2-reviewed-attributes).
        for (value, doorstop) in [
            ("Functional", r"\T<class 'str'>\VFunctional"),
            ("'yes'", r"\T<class 'str'>\Vyes"),
            ("yes", r"\T<class 'bool'>\VTrue"),
            ("1", r"\T<class 'int'>\V1"),
            ("0.5", r"\T<class 'float'>\V0.5"),
            ("true", r"\T<class 'bool'>\VTrue"),
            ("2024-03-01", r"\T<class 'datetime.date'>\V2024-03-01"),
            ("'2024-03-01'", r"\T<class 'str'>\V2024-03-01"),
            ("null", r"\T<class 'NoneType'>\VNone"),
            (
                "[Test, Inspection]",
                r"\L\T<class 'str'>\VTest\T<class 'str'>\VInspection",
            ),
            (
                "{source: IEC 60601-1-8, clause: '6.3'}",
                r"\D\T<class 'str'>\V6.3\T<class 'str'>\VIEC 60601-1-8",
            ),
            (r"'C:\tmp'", r"\T<class 'str'>\VC:\\tmp"),
        ] {
            assert_eq!(rendered(value).as_deref(), Some(doorstop), "{value}");
        }
        // PyYAML types these where regops' YAML 1.2 reader does not, or the
        // quoting that decides is not known.
        for value in ["1_000", "2024-03-01 10:00:00", "[yes, no]", "!custom x"] {
            assert_eq!(rendered(value), None, "{value}");
        }
    }

    #[test]
    fn floats_print_as_python_prints_them() {
        for (f, python) in [
            (0.5, "0.5"),
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
            (1.0 / 3.0, "0.3333333333333333"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(python_float(f), python, "{f}");
        }
    }

    #[test]
    fn a_quoted_string_is_told_from_its_yaml_1_2_reading() {
        for s in [
            "", "null", "TRUE", "12", "-0x1F", "0o17", "6.3", "1e5", ".inf",
        ] {
            assert!(typed_when_plain(s), "{s}");
        }
        for s in ["017", "1_000", "yes", "2024-03-01", "Test", "0x", "inf"] {
            assert!(!typed_when_plain(s), "{s}");
        }
        assert_eq!(written_plain("type: 'yes'\n", "type"), Some(false));
        assert_eq!(
            written_plain("types: x\ntype: yes # note\n", "type"),
            Some(true)
        );
        assert_eq!(written_plain("type:\n- a\n", "type"), None);
        assert_eq!(written_plain("type: |\n  a\n", "type"), Some(false));
    }

    #[test]
    fn reviewed_attributes_are_sorted_names_not_doorstops_own() {
        let value = |yaml: &str| serde_norway::from_str::<Value>(yaml).expect("yaml");
        assert_eq!(
            reviewed_attributes(Some(&value("[type, verification-method, type, a]"))),
            Ok(vec![
                "a".to_string(),
                "type".to_string(),
                "verification-method".to_string()
            ])
        );
        assert_eq!(reviewed_attributes(None), Ok(Vec::new()));
        assert!(reviewed_attributes(Some(&value("type"))).is_err());
        assert!(reviewed_attributes(Some(&value("[text]"))).is_err());
    }

    #[test]
    fn an_item_belongs_to_the_nearest_loaded_document() {
        let documents = vec![
            ("reqs/srs".to_string(), Ok(vec!["type".to_string()])),
            ("reqs/srs/rc".to_string(), Ok(Vec::new())),
        ];
        let reviewed = |file| document_of(&documents, file).cloned();
        assert_eq!(
            reviewed("reqs/srs/SRS001.yml"),
            Some(Ok(vec!["type".to_string()]))
        );
        assert_eq!(
            reviewed("reqs/srs/alarms/SRS006.yml"),
            Some(Ok(vec!["type".to_string()]))
        );
        assert_eq!(reviewed("reqs/srs/rc/RC001.yml"), Some(Ok(Vec::new())));
        assert_eq!(reviewed("reqs/swd/SWD001.md"), None);
        assert_eq!(reviewed("SRS001.yml"), None);
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
