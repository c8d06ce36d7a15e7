//! Supply-chain checks: known vulnerabilities and their assessments.

use regops_kit::*;

use crate::{MAX_LOCATIONS, SOUP_ANOMALIES};

pub(crate) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::None => "none",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
        Severity::Unknown => "unknown",
    }
}

/// Unknown severity ranks as the worst case: nobody showed it is less.
pub(crate) fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::None => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical | Severity::Unknown => 4,
    }
}

/// VEX `not_affected` (with a justification) and `fixed` clear a vulnerability.
pub(crate) fn is_cleared(v: &Vulnerability) -> bool {
    v.assessment.as_ref().is_some_and(|a| match a.status {
        VexStatus::Fixed => true,
        VexStatus::NotAffected => a
            .justification
            .as_deref()
            .is_some_and(|j| !j.trim().is_empty()),
        VexStatus::Affected | VexStatus::UnderInvestigation => false,
    })
}

pub(crate) fn vulnerabilities(
    ctx: &Context,
    evidence: &dyn Evidence,
    required: bool,
    limit: Severity,
) -> Check {
    let check =
        CheckBuilder::new("vulnerabilities", SOUP_ANOMALIES).threshold(Value::Severity(limit));
    if !ctx.available.contains(&EvidenceKind::Vulnerabilities) {
        let message = "No vulnerability scan report was provided";
        return if required {
            check.fail(format!(
                "{message}; this class requires one. Add a scanner's report under `vulnerabilities` in [evidence]."
            ))
        } else {
            check.pass(format!("{message}; not required at this class."))
        };
    }
    let all = evidence.vulnerabilities();
    let open: Vec<&Vulnerability> = all
        .iter()
        .filter(|v| severity_rank(v.severity) >= severity_rank(limit) && !is_cleared(v))
        .collect();
    let check = check.measured(Value::Count(open.len() as u64));
    if open.is_empty() {
        return check.pass(format!(
            "{} known vulnerabilities; none at or above {} is unassessed.",
            all.len(),
            severity_word(limit)
        ));
    }
    let names: Vec<String> = open
        .iter()
        .map(|v| {
            let version = v
                .version
                .as_deref()
                .map(|x| format!("@{x}"))
                .unwrap_or_default();
            format!(
                "{} in {}{version} ({})",
                v.id,
                v.package,
                severity_word(v.severity)
            )
        })
        .collect();
    let unknown = if open.iter().any(|v| v.severity == Severity::Unknown) {
        " A vulnerability whose scanner gives no severity counts as the worst case."
    } else {
        ""
    };
    check
        .locations(open.iter().take(MAX_LOCATIONS).map(|v| Location {
            file: v.evidence.clone(),
            line: None,
            column: None,
        }))
        .subjects(open.iter().map(|v| v.id.clone()))
        .fail(format!(
            "{} unassessed vulnerabilities at or above {}: {}. Upgrade to a fixed version, or record a VEX \
             statement (`not_affected` with a justification, or `fixed`).{unknown}",
            open.len(),
            severity_word(limit),
            quoted(&names)
        ))
}

const SOUP_IDENTIFICATION: &[&str] = &["IEC 62304 8.1.2"];
const SOUP_EVALUATION: &[&str] = &["IEC 62304 7.1.3"];

/// How a component is named in messages and waivers: its purl, else name@version.
fn component_subject(c: &Component) -> String {
    c.purl.clone().unwrap_or_else(|| match &c.version {
        Some(v) => format!("{}@{v}", c.name),
        None => c.name.clone(),
    })
}

fn sbom_location(c: &Component) -> Location {
    Location {
        file: c.evidence.clone(),
        line: None,
        column: None,
    }
}

/// Every SBOM component is identified: name, version, purl, and at the
/// classes that require it a hash (IEC 62304 8.1.2: title, manufacturer
/// and unique designation of each SOUP item).
pub(crate) fn sbom_identification(
    ctx: &Context,
    evidence: &dyn Evidence,
    required: bool,
    hashes_required: bool,
) -> Check {
    let check = CheckBuilder::new("sbom-identification", SOUP_IDENTIFICATION);
    if !ctx.available.contains(&EvidenceKind::Components) {
        let message = "No SBOM was provided";
        return if required {
            check.fail(format!(
                "{message}; every release must identify its SOUP. Generate one (e.g. cyclonedx-py, \
                 cargo-cyclonedx, `npm sbom`) and list it under `sbom` in [evidence]."
            ))
        } else {
            check.pass(format!("{message}; not required at this class."))
        };
    }
    let components = evidence.components();
    let incomplete: Vec<(&Component, Vec<&str>)> = components
        .iter()
        .map(|c| {
            let mut missing = Vec::new();
            if c.version.as_deref().is_none_or(|v| v.trim().is_empty()) {
                missing.push("version");
            }
            if c.purl.as_deref().is_none_or(|p| p.trim().is_empty()) {
                missing.push("purl");
            }
            if hashes_required && c.hashes.is_empty() {
                missing.push("hash");
            }
            (c, missing)
        })
        .filter(|(_, missing)| !missing.is_empty())
        .collect();
    let check = check
        .measured(Value::Count(incomplete.len() as u64))
        .threshold(Value::Count(0));
    if components.is_empty() {
        return check.fail("The SBOM lists no component; an empty SBOM identifies nothing.");
    }
    let wanted = if hashes_required {
        "name, version, purl and hash"
    } else {
        "name, version and purl"
    };
    if incomplete.is_empty() {
        return check.pass(format!(
            "All {} SBOM components have a {wanted}.",
            components.len()
        ));
    }
    let names: Vec<String> = incomplete
        .iter()
        .map(|(c, missing)| format!("{} (no {})", component_subject(c), missing.join(", no ")))
        .collect();
    check
        .locations(incomplete.iter().take(MAX_LOCATIONS).map(|(c, _)| sbom_location(c)))
        .subjects(incomplete.iter().map(|(c, _)| component_subject(c)))
        .fail(format!(
            "{} of {} SBOM components lack a {wanted}: {}. Configure the SBOM generator to record them.",
            incomplete.len(),
            components.len(),
            quoted(&names)
        ))
}

/// Package names compare case-insensitively, with `_` and `.` as `-` (PEP 503 style).
fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// A purl without version, qualifiers or subpath: `pkg:type/ns/name`.
fn purl_base(purl: &str) -> String {
    let end = purl.find(['@', '?', '#']).unwrap_or(purl.len());
    purl[..end].to_ascii_lowercase()
}

/// The register entry for a component: by purl when the entry names one,
/// else by name; returns it and whether its version matches.
fn register_entry<'a>(soup: &'a [SoupItem], c: &Component) -> Option<(&'a SoupItem, bool)> {
    let by_package = |item: &&SoupItem| {
        if item.package.starts_with("pkg:") {
            c.purl
                .as_deref()
                .is_some_and(|p| purl_base(p) == purl_base(&item.package))
        } else {
            normalise(&item.package) == normalise(&c.name)
        }
    };
    let candidates: Vec<&SoupItem> = soup.iter().filter(by_package).collect();
    let version_matches = |item: &&SoupItem| {
        c.version
            .as_deref()
            .is_some_and(|v| v == item.version.trim())
    };
    candidates
        .iter()
        .copied()
        .find(version_matches)
        .map(|item| (item, true))
        .or_else(|| candidates.first().map(|item| (*item, false)))
}

/// Every SBOM component is in the SOUP register, at the version shipped.
/// Advisory (`warn`) where the class does not require it.
pub(crate) fn soup_register(ctx: &Context, evidence: &dyn Evidence, required: bool) -> Check {
    let check = CheckBuilder::new("soup-register", SOUP_IDENTIFICATION);
    let not_met = if required {
        Outcome::Fail
    } else {
        Outcome::Warn
    };
    if !ctx.available.contains(&EvidenceKind::Components) {
        return check.pass("No SBOM was provided, so there is nothing to match against the register (see sbom-identification).");
    }
    if !ctx.available.contains(&EvidenceKind::Soup) {
        return check.outcome(
            not_met,
            "No SOUP register was provided; list it under `soup` in [evidence] (see docs/soup.md for its format).",
        );
    }
    let soup = evidence.soup();
    let components = evidence.components();
    let mut missing = Vec::new();
    let mut other_version = Vec::new();
    for c in &components {
        match register_entry(&soup, c) {
            None => missing.push(c),
            Some((_, true)) => {}
            Some((item, false)) => other_version.push((c, item)),
        }
    }
    let open = missing.len() + other_version.len();
    let check = check
        .measured(Value::Count(open as u64))
        .threshold(Value::Count(0));
    if open == 0 {
        return check.pass(format!(
            "All {} SBOM components are in the SOUP register at the version shipped.",
            components.len()
        ));
    }
    let mut names: Vec<String> = missing
        .iter()
        .map(|c| format!("{} (not registered)", component_subject(c)))
        .collect();
    names.extend(
        other_version
            .iter()
            .map(|(c, item)| format!("{} (register has {})", component_subject(c), item.version)),
    );
    let subjects = missing
        .iter()
        .map(|c| component_subject(c))
        .chain(other_version.iter().map(|(c, _)| component_subject(c)));
    let advisory = if required {
        ""
    } else {
        " Advisory at this class."
    };
    check
        .locations(missing.iter().chain(other_version.iter().map(|(c, _)| c)).take(MAX_LOCATIONS).map(|c| sbom_location(c)))
        .subjects(subjects)
        .outcome(
            not_met,
            format!(
                "{open} of {} SBOM components are not in the SOUP register at the version shipped: {}. \
                 Review each and record it in the register.{advisory}",
                components.len(),
                quoted(&names)
            ),
        )
}

/// Each registered SOUP item that ships was reviewed, including its
/// published anomaly list (IEC 62304 7.1.3).
pub(crate) fn soup_reviewed(ctx: &Context, evidence: &dyn Evidence, required: bool) -> Check {
    let check = CheckBuilder::new("soup-reviewed", SOUP_EVALUATION);
    if !ctx.available.contains(&EvidenceKind::Soup) {
        return check.pass("No SOUP register was provided (see soup-register).");
    }
    let components = if ctx.available.contains(&EvidenceKind::Components) {
        evidence.components()
    } else {
        Vec::new()
    };
    let soup = evidence.soup();
    // Judge the entries that ship; without an SBOM, every entry.
    let shipped: Vec<&SoupItem> = if components.is_empty() {
        soup.iter().collect()
    } else {
        let mut items: Vec<&SoupItem> = components
            .iter()
            .filter_map(|c| register_entry(&soup, c).map(|(i, _)| i))
            .collect();
        items.sort_by(|a, b| (&a.package, &a.version).cmp(&(&b.package, &b.version)));
        items.dedup_by(|a, b| a.package == b.package && a.version == b.version);
        items
    };
    let unreviewed: Vec<(&SoupItem, Vec<&str>)> = shipped
        .iter()
        .map(|item| {
            let mut missing = Vec::new();
            if item.reviewed_by.iter().all(|r| r.trim().is_empty()) {
                missing.push("no reviewer");
            }
            if !item.anomalies_reviewed {
                missing.push("anomaly list not reviewed");
            }
            (*item, missing)
        })
        .filter(|(_, missing)| !missing.is_empty())
        .collect();
    let check = check.measured(Value::Count(unreviewed.len() as u64));
    if unreviewed.is_empty() {
        return check.pass(format!(
            "All {} SOUP items name a reviewer and record the review of their anomaly list.",
            shipped.len()
        ));
    }
    let names: Vec<String> = unreviewed
        .iter()
        .map(|(item, missing)| {
            format!("{}@{} ({})", item.package, item.version, missing.join(", "))
        })
        .collect();
    let message = format!(
        "{} of {} SOUP items lack a review: {}.",
        unreviewed.len(),
        shipped.len(),
        quoted(&names)
    );
    let check = check
        .locations(
            unreviewed
                .iter()
                .take(MAX_LOCATIONS)
                .map(|(item, _)| item.source.clone()),
        )
        .subjects(
            unreviewed
                .iter()
                .map(|(item, _)| format!("{}@{}", item.package, item.version)),
        );
    if required {
        check.threshold(Value::Count(0)).fail(format!(
            "{message} Record who reviewed each and that its published anomaly list was evaluated."
        ))
    } else {
        check.warn(format!("{message} Advisory at this class."))
    }
}

/// A `not_affected` VEX statement must say why (OpenVEX requires a
/// justification or an impact statement); without one it clears nothing.
pub(crate) fn vex_justified(ctx: &Context, evidence: &dyn Evidence) -> Check {
    let check = CheckBuilder::new("vex-justified", SOUP_EVALUATION);
    if !ctx.available.contains(&EvidenceKind::Vex) {
        return check.pass("No VEX statements were provided.");
    }
    let statements = evidence.vex_statements();
    let bare: Vec<&VexStatement> = statements
        .iter()
        .filter(|s| {
            s.assessment.status == VexStatus::NotAffected
                && s.assessment
                    .justification
                    .as_deref()
                    .is_none_or(|j| j.trim().is_empty())
        })
        .collect();
    let check = check
        .measured(Value::Count(bare.len() as u64))
        .threshold(Value::Count(0));
    if bare.is_empty() {
        return check.pass(format!(
            "All {} VEX statements that say `not_affected` state why.",
            statements
                .iter()
                .filter(|s| s.assessment.status == VexStatus::NotAffected)
                .count()
        ));
    }
    let names: Vec<String> = bare.iter().map(|s| s.vulnerability.clone()).collect();
    check
        .locations(bare.iter().take(MAX_LOCATIONS).map(|s| Location {
            file: s.assessment.evidence.clone(),
            line: None,
            column: None,
        }))
        .subjects(names.iter().cloned())
        .fail(format!(
            "{} `not_affected` VEX statements give no justification: {}. Add one (e.g. \
             `vulnerable_code_not_in_execute_path`); until then they clear nothing.",
            bare.len(),
            quoted(&names)
        ))
}
