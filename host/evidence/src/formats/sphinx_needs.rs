//! sphinx-needs `needs.json` (the `needs` builder, or `needs_build_json =
//! True`): `versions[current_version].needs`, one object per need.
//!
//! - Parents are every outgoing link: `links`, `parent_needs` (a need
//!   nested in another) and each configured extra link type (`fulfills`,
//!   `implements`, …). From sphinx-needs 3 the version carries a
//!   `needs_schema` naming them (`"field_type": "links"`). Without it
//!   (sphinx-needs ≤2, which writes no `*_back` lists in 2.x), every list of
//!   strings is a link but the core ones that are not (`tags`, `sections`,
//!   `constraints`) and the `*_back` lists. A link's condition
//!   (`REQ-002[status=="approved"]`, sphinx-needs 9) is not part of the id.
//! - Kind is the need's `type`; a risk control when the type or its
//!   `type_name` is one of the risk-control kinds, or the need has a
//!   `risk_control` option set to a true value.
//! - A need whose `type` or `type_name` names a test ([`TEST_KINDS`]:
//!   sphinx-needs' default `test`, sphinx-test-reports' `testfile`,
//!   `testsuite` and `testcase`, …) is a test, not a requirement: left out,
//!   with one warning counting them by type. Requirements are verified by
//!   test results, not by test needs. A test need marked `risk_control`
//!   stays, held to the stricter check.
//! - The location is `docname` + its `doctype` and `lineno` in the sources;
//!   `needs_json_remove_defaults = True` leaves out a default `doctype`,
//!   which the schema gives, and sphinx-needs 1.3 and 2.0 leave it empty
//!   for a nested need, which is in its parent need's file.
//! - A needs.json with no version (`"versions": {}`, written for a project
//!   without needs) holds no need: a warning, like an empty `needs`.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde_json::Value;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::formats::doorstop::RISK_CONTROL_KINDS;
use crate::model::{Location, Requirement};

/// Need kinds that are tests, compared with `type` and `type_name` with
/// case, spaces, `-` and `_` ignored: sphinx-needs' default `test` (titled
/// "Test Case"), sphinx-test-reports' `testfile`, `testsuite` and
/// `testcase` (titled "Test-File", …, and the type `test-reports build
/// needs` writes), and the test artefacts projects declare in
/// `needs_types` (`test_case`, `test_spec` "Test Specification",
/// `test_procedure`, `test_run`, `test_result`, `test_step`, `test_set`,
/// `sys_test` "System Test"). `spec` ("Specification") is a software
/// specification: a requirement.
pub const TEST_KINDS: &[&str] = &[
    "test",
    "testcase",
    "testsuite",
    "testfile",
    "testspec",
    "testspecification",
    "testprocedure",
    "testrun",
    "testresult",
    "teststep",
    "testset",
    "systemtest",
];

/// Core list fields that are not links (sphinx-needs ≤2 has no schema to
/// say so).
const NOT_LINKS: &[&str] = &[
    "tags",
    "sections",
    "constraints",
    "section_name",
    "signature",
];

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let doc: Value = read_json_document(reader)?;
    let version = match doc.get("current_version") {
        Some(Value::String(v)) => v.clone(),
        _ => String::new(),
    };
    let versions = doc.get("versions").and_then(Value::as_object);
    if versions.is_some_and(serde_json::Map::is_empty) {
        ctx.warnings
            .push("needs.json holds no need (`versions` is empty)".to_string());
        return Ok(());
    }
    let current = doc
        .pointer(&format!(
            "/versions/{}",
            version.replace('~', "~0").replace('/', "~1")
        ))
        .or_else(|| {
            // No current version named: the only one there is.
            versions
                .filter(|v| v.len() == 1)
                .and_then(|v| v.values().next())
        });
    let needs = current
        .and_then(|v| v.get("needs"))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            FormatError::whole_file(format!(
                "no `versions.{version}.needs` object: not a sphinx-needs needs.json"
            ))
        })?;
    if needs.is_empty() {
        ctx.warnings.push("needs.json holds no need".to_string());
    }
    let schema = current
        .and_then(|v| v.pointer("/needs_schema/properties"))
        .and_then(Value::as_object);
    let link_fields: Option<Vec<&str>> = schema.map(|fields| {
        fields
            .iter()
            .filter(|(_, f)| f.get("field_type").and_then(Value::as_str) == Some("links"))
            .map(|(name, _)| name.as_str())
            .collect()
    });
    let default_doctype = schema
        .and_then(|fields| fields.get("doctype"))
        .and_then(|f| f.get("default"))
        .and_then(Value::as_str);
    // Test needs left out, by type.
    let mut tests: BTreeMap<String, usize> = BTreeMap::new();
    for (key, need) in needs {
        let text = |k: &str| {
            need.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let id = match need.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => key.clone(),
        };
        let kind = text("type");
        let type_name = text("type_name");
        let risk_control = RISK_CONTROL_KINDS.iter().any(|k| {
            k.eq_ignore_ascii_case(&kind) || k.eq_ignore_ascii_case(&type_name.replace(' ', "-"))
        }) || matches!(need.get("risk_control"), Some(Value::Bool(true)))
            || need
                .get("risk_control")
                .and_then(Value::as_str)
                .is_some_and(|s| matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "1"));
        if !risk_control && is_test(&kind, &type_name) {
            let shown = if kind.is_empty() { type_name } else { kind };
            *tests.entry(shown).or_default() += 1;
            continue;
        }
        let mut parents: Vec<String> = Vec::new();
        for (name, value) in need.as_object().into_iter().flatten() {
            let Some(items) = value.as_array() else {
                continue;
            };
            let outgoing = name == "links"
                || name == "parent_needs"
                || match &link_fields {
                    Some(fields) => fields.contains(&name.as_str()),
                    None => {
                        !name.ends_with("_back")
                            && !NOT_LINKS.contains(&name.as_str())
                            && items.iter().all(Value::is_string)
                    }
                };
            if !outgoing {
                continue;
            }
            for target in items.iter().filter_map(Value::as_str) {
                // `REQ-002[status=="approved"]`: the link holds while the condition does.
                let parent = match target.split_once('[') {
                    Some((id, _)) if target.ends_with(']') => id,
                    _ => target,
                };
                if !parent.is_empty() && !parents.iter().any(|p| p == parent) {
                    parents.push(parent.to_string());
                }
            }
        }
        // sphinx-needs 1.3 and 2.0 write `""` for a need nested in another:
        // it is in the same file as that one.
        let doctype = [Some(need), parent_need(needs, need)]
            .into_iter()
            .flatten()
            .find_map(|n| {
                n.get("doctype")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
            })
            .or(default_doctype);
        let file = match (need.get("docname").and_then(Value::as_str), doctype) {
            (Some(doc), Some(ext)) => format!("{doc}{ext}"),
            (Some(doc), None) => doc.to_string(),
            _ => ctx.evidence_path.to_string(),
        };
        out.push(Requirement {
            id,
            title: text("title"),
            kind,
            status: need
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_string),
            parents,
            risk_control,
            verified_by: Vec::new(),
            suspect_links: Vec::new(),
            doorstop: None,
            link_stamps: Vec::new(),
            source: Location {
                file,
                line: need
                    .get("lineno")
                    .and_then(Value::as_u64)
                    .map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
                column: None,
            },
        });
    }
    if !tests.is_empty() {
        let total: usize = tests.values().sum();
        let types: Vec<String> = tests
            .iter()
            .map(|(kind, n)| format!("`{kind}`: {n}"))
            .collect();
        ctx.warnings.push(format!(
            "{total} need(s) of a test type left out: tests, not requirements ({})",
            types.join(", ")
        ));
    }
    Ok(())
}

/// Whether a need of this `type` and `type_name` is a test ([`TEST_KINDS`]).
fn is_test(kind: &str, type_name: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (kind, type_name) = (key(kind), key(type_name));
    TEST_KINDS.iter().any(|t| *t == kind || *t == type_name)
}

/// The need `need` is nested in, if any.
fn parent_need<'a>(needs: &'a serde_json::Map<String, Value>, need: &Value) -> Option<&'a Value> {
    needs.get(need.get("parent_need").and_then(Value::as_str)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_kinds_are_told_by_type_or_title_in_any_spelling() {
        for (kind, type_name) in [
            ("test", "Test Case"),
            ("testcase", "Test-Case"),
            ("tsc", "Test Case"),
            ("Test_Suite", ""),
            ("", "test file"),
            ("test_spec", "Test Specification"),
        ] {
            assert!(is_test(kind, type_name), "{kind} / {type_name}");
        }
        for (kind, type_name) in [
            ("spec", "Specification"),
            ("req", "Requirement"),
            ("testability", "Testability requirement"),
            ("tests", "Verification"),
            ("", ""),
        ] {
            assert!(!is_test(kind, type_name), "{kind} / {type_name}");
        }
    }
}
