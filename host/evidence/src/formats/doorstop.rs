//! doorstop (<https://doorstop.readthedocs.io>): one YAML file per item,
//! named by its UID (`SRS001.yml`), in a directory per document with a
//! `.doorstop.yml` naming the document's prefix and parent.
//!
//! - An item is a requirement unless it is inactive (`active: false`) or a
//!   heading (`normative: false`): those are skipped.
//! - `links` are its parents. Each link carries the parent's *stamp* when
//!   the link was last reviewed; doorstop's stamp is the URL-safe base64 of
//!   SHA-256 over the item's UID, text and `ref` (text normalised as
//!   doorstop stores it: no leading or trailing blank lines, no trailing
//!   spaces). A link whose stamp differs from the parent's current one is
//!   *suspect*: the parent changed since the child was reviewed against it.
//!   The parent's stamp is only known once every item is read, so the
//!   loader finishes the comparison ([`mark_suspect_links`]).
//! - Kind: the document prefix (the UID without its trailing digits);
//!   risk control when the item says `risk-control: true` or the prefix is
//!   one of [`RISK_CONTROL_KINDS`].
//! - A `.doorstop.yml` document file yields no record (it is still listed
//!   with its digest).

use std::io::BufRead;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{ParseContext, from_yaml, read_text};
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
    let value: serde_norway::Value = from_yaml(&text, "not a doorstop file", 0)?;
    let map = value
        .as_mapping()
        .ok_or_else(|| FormatError::whole_file("a doorstop file is a YAML mapping"))?;
    if map.contains_key("settings") {
        // `.doorstop.yml`: the document's settings; items carry what we need.
        return Ok(());
    }
    let get = |key: &str| map.get(key);
    let uid = uid_from_path(ctx.evidence_path).ok_or_else(|| {
        FormatError::whole_file("a doorstop item file is named by its UID, like `SRS001.yml`")
    })?;
    if get("active").and_then(serde_norway::Value::as_bool) == Some(false)
        || get("normative").and_then(serde_norway::Value::as_bool) == Some(false)
    {
        return Ok(());
    }
    let raw_text = get("text")
        .and_then(serde_norway::Value::as_str)
        .unwrap_or("");
    let item_text = normalise_text(raw_text);
    let reference = get("ref")
        .and_then(serde_norway::Value::as_str)
        .unwrap_or("");
    let mut parents = Vec::new();
    let mut link_stamps = Vec::new();
    if let Some(links) = get("links").and_then(serde_norway::Value::as_sequence) {
        for link in links {
            match link {
                serde_norway::Value::String(parent) => parents.push(parent.clone()),
                serde_norway::Value::Mapping(m) => {
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
    if get("references").is_some_and(|r| !r.is_null()) {
        ctx.warnings.push(format!(
            "{uid} has `references`, which enter doorstop's stamp in a form regops does not reproduce; \
             links to {uid} are not checked for suspicion"
        ));
    }
    let kind = uid
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches(['-', '_', '.']);
    let risk_control = ["risk-control", "risk_control"]
        .iter()
        .any(|k| get(k).and_then(serde_norway::Value::as_bool) == Some(true))
        || RISK_CONTROL_KINDS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(kind));
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map(|i| i as u32 + 1)
    };
    out.push(Requirement {
        id: uid.clone(),
        title: item_text.lines().next().unwrap_or("").trim().to_string(),
        kind: kind.to_string(),
        // `doorstop review` stamps the item with its links' UIDs included.
        status: get("reviewed").map(|r| {
            let mut reviewed = vec![uid.as_str(), item_text.as_str(), reference];
            reviewed.extend(parents.iter().map(String::as_str));
            if r.as_str().is_some_and(|s| s == digest(&reviewed)) {
                "reviewed".to_string()
            } else {
                "unreviewed".to_string()
            }
        }),
        parents,
        risk_control,
        verified_by: Vec::new(),
        suspect_links: Vec::new(),
        stamp: if get("references").is_some_and(|r| !r.is_null()) {
            None
        } else {
            Some(stamp(&uid, &item_text, reference))
        },
        link_stamps,
        source: Location {
            file: ctx.evidence_path.to_string(),
            line: line_of("text").or(Some(1)),
            column: None,
        },
    });
    Ok(())
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

/// The item's UID: its file name without `.yml`.
fn uid_from_path(path: &str) -> Option<String> {
    let name = path.rsplit(['/', '\\']).next()?;
    let uid = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))?;
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

/// doorstop's `Item.stamp()`: SHA-256 over UID, text and ref, URL-safe
/// base64 with padding. (The review stamp adds the links' UIDs.)
fn stamp(uid: &str, text: &str, reference: &str) -> String {
    digest(&[uid, text, reference])
}

/// doorstop's `Stamp.digest`: SHA-256 over the values' text, in order.
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
            stamp(
                "SRS002",
                "The monitor shall raise a high-priority alarm when the heart rate exceeds the tachycardia threshold.",
                ""
            ),
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
    }
}
