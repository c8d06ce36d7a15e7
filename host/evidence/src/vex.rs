//! Merging VEX statements onto vulnerabilities.
//!
//! After every file is loaded, each vulnerability gets the assessment of the
//! statements that cover it:
//!
//! * Vulnerability: the statement's id or any of its aliases equals the
//!   vulnerability's id or any of its aliases, compared without case (a
//!   statement about `CVE-2021-23337` covers Grype's `GHSA-35jh-r3h4-6jhm`
//!   whose related vulnerability is that CVE).
//! * Product: a statement with no products covers every product. Otherwise
//!   one of its products (or subcomponents) must name the vulnerable
//!   package: purls are compared without qualifiers and subpath, after
//!   percent-decoding and without case (PyPI names also PEP 503
//!   normalised, Go versions without their `v`); a product purl without a version covers every version,
//!   and a vulnerability purl without a version (npm audit knows none) is
//!   covered by any version of its package.
//!   When the vulnerability has no purl (npm audit gives no version), a
//!   product purl covers it when its name (and version, if both have one)
//!   equals the package's. A product that is not a purl (a CycloneDX
//!   bom-ref naming nothing) must equal the vulnerability's purl or package
//!   name.
//! * Several statements cover it: the one with the latest timestamp wins
//!   (RFC 3339, time zones honoured); a statement without a readable
//!   timestamp loses to every dated one; on a tie the one loaded last wins
//!   (later file, later in its file).
//!
//! A vulnerability no statement covers keeps the assessment it had (none,
//! for every scanner format). Statements with unreadable timestamps get one
//! warning on their VEX file.

use std::collections::HashMap;

use crate::{Evidence, VexStatement, Vulnerability};

/// Applies the VEX statements of `evidence` to its vulnerabilities.
pub fn apply_vex(evidence: &mut Evidence) {
    if evidence.vex.is_empty() {
        return;
    }
    let keys: Vec<Option<(i64, u32)>> = evidence
        .vex
        .iter()
        .map(|s| s.assessment.timestamp.as_deref().and_then(timestamp_key))
        .collect();
    // Undated statements, per VEX file.
    let mut undated: HashMap<&str, (u64, &str)> = HashMap::new();
    for (s, key) in evidence.vex.iter().zip(&keys) {
        if key.is_none()
            && let Some(t) = s.assessment.timestamp.as_deref()
        {
            let entry = undated
                .entry(s.assessment.evidence.as_str())
                .or_insert((0, t));
            entry.0 += 1;
        }
    }
    let warnings: Vec<(String, String)> = undated
        .into_iter()
        .map(|(file, (n, first))| {
            (
                file.to_string(),
                format!(
                    "{n} statement timestamp(s) are not RFC 3339 (first: \"{first}\"); such \
                     statements lose to every dated statement about the same vulnerability"
                ),
            )
        })
        .collect();

    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in evidence.vex.iter().enumerate() {
        for id in std::iter::once(&s.vulnerability).chain(s.aliases.iter()) {
            let list = by_id.entry(id.trim().to_ascii_lowercase()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    for v in &mut evidence.vulnerabilities {
        let mut best: Option<usize> = None;
        let mut candidates: Vec<usize> = Vec::new();
        for id in std::iter::once(&v.id).chain(v.aliases.iter()) {
            if let Some(list) = by_id.get(&id.trim().to_ascii_lowercase()) {
                candidates.extend(list);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for i in candidates {
            let Some(s) = evidence.vex.get(i) else {
                continue;
            };
            if !covers_product(s, v) {
                continue;
            }
            best = match best {
                Some(b) if keys.get(b) > keys.get(i) => Some(b),
                _ => Some(i),
            };
        }
        if let Some(s) = best.and_then(|b| evidence.vex.get(b)) {
            v.assessment = Some(s.assessment.clone());
        }
    }
    for (file, warning) in warnings {
        if let Some(f) = evidence.files.iter_mut().find(|f| f.path == file)
            && !f.warnings.contains(&warning)
        {
            f.warnings.push(warning);
        }
    }
}

/// A purl reduced for comparison: `(type/namespace/name, version)`.
pub(crate) fn purl_key(purl: &str) -> Option<(String, Option<String>)> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let (path, version, _) = crate::formats::vuln::purl_parts(rest);
    let decoded = crate::formats::cyclonedx::percent_decode(path).to_ascii_lowercase();
    let decoded = decoded.trim_matches('/').to_string();
    let path = match decoded.split_once('/') {
        Some(("pypi", name)) => format!("pypi/{}", crate::formats::vuln::pep503(name)),
        _ => decoded,
    };
    let version = version
        .map(|v| crate::formats::cyclonedx::percent_decode(v).to_ascii_lowercase())
        .map(|v| go_version(&path, v))
        .filter(|v| !v.is_empty());
    Some((path, version))
}

/// A Go module version without its `v`: govulncheck, Grype and Trivy write
/// `pkg:golang/...@v1.2.0` as Go does, OSV-Scanner (and OSV's Go
/// ecosystem) `1.2.0`; every Go module version has the `v`, so dropping it
/// loses nothing.
fn go_version(path: &str, version: String) -> String {
    match version.strip_prefix('v') {
        Some(rest)
            if path.starts_with("golang/") && rest.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            rest.to_string()
        }
        _ => version,
    }
}

fn covers_product(s: &VexStatement, v: &Vulnerability) -> bool {
    if s.products.is_empty() {
        return true;
    }
    let vuln_key = v.purl.as_deref().and_then(purl_key);
    s.products.iter().any(|p| match (purl_key(p), &vuln_key) {
        (Some((path, version)), Some((vpath, vversion))) => {
            path == *vpath && (version.is_none() || vversion.is_none() || version == *vversion)
        }
        (Some((_, version)), None) => {
            let (name, _) = crate::formats::cyclonedx::purl_name_version(p);
            name.eq_ignore_ascii_case(v.package.trim())
                && (version.is_none()
                    || v.version.is_none()
                    || version.as_deref()
                        == v.version.as_deref().map(str::to_ascii_lowercase).as_deref())
        }
        (None, _) => {
            let p = p.trim();
            v.purl
                .as_deref()
                .is_some_and(|purl| purl.eq_ignore_ascii_case(p))
                || v.package.trim().eq_ignore_ascii_case(p)
        }
    })
}

/// An RFC 3339 timestamp (or a bare date) as seconds since the Unix epoch
/// and nanoseconds, for ordering; `None` when it does not parse. Accepts a
/// space for `T`, a lowercase `t`/`z`, fractional seconds of any length,
/// `Z`, `±HH:MM` and `±HHMM` offsets; a time without an offset is read as UTC.
pub fn timestamp_key(text: &str) -> Option<(i64, u32)> {
    let t = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = t.get(from..from + len)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if t.get(4) != Some(&b'-') || t.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if t.len() == 10 {
        return Some((days * 86_400, 0));
    }
    if !matches!(t.get(10), Some(b'T' | b't' | b' ')) || t.get(13) != Some(&b':') {
        return None;
    }
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let mut i = 16;
    let mut second = 0;
    if t.get(i) == Some(&b':') {
        second = num(17, 2)?;
        i = 19;
    }
    let mut nanos: u32 = 0;
    if t.get(i) == Some(&b'.') {
        i += 1;
        let mut digits = 0;
        while let Some(d) = t.get(i).filter(|d| d.is_ascii_digit()) {
            if digits < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            digits += 1;
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset = match t.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == t.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let om = match t.get(i + 3) {
                Some(b':') if t.len() == i + 6 => num(i + 4, 2)?,
                Some(_) if t.len() == i + 5 => num(i + 3, 2)?,
                None if t.len() == i + 3 => 0,
                _ => return None,
            };
            let minutes = oh * 60 + om;
            if sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some((seconds, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_order_across_time_zones() {
        assert_eq!(timestamp_key("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(timestamp_key("1970-01-02"), Some((86_400, 0)));
        assert_eq!(
            timestamp_key("2023-01-08T18:02:03.647787998-06:00"),
            timestamp_key("2023-01-09T00:02:03.647787998Z")
        );
        assert_eq!(
            timestamp_key("2024-03-01T10:00:00+0100"),
            timestamp_key("2024-03-01 09:00:00Z")
        );
        assert!(timestamp_key("2024-03-01T10:00:00.5Z") > timestamp_key("2024-03-01T10:00:00Z"));
        assert_eq!(timestamp_key("yesterday"), None);
        assert_eq!(timestamp_key("2024-13-01"), None);
        assert_eq!(timestamp_key("2024-01-01T10:00:00Zjunk"), None);
    }

    #[test]
    fn purls_compare_without_qualifiers() {
        assert_eq!(
            purl_key("pkg:npm/%40babel/core@7.0.0?arch=x#sub"),
            Some(("npm/@babel/core".to_string(), Some("7.0.0".to_string())))
        );
        assert_eq!(
            purl_key("pkg:pypi/Typing_Extensions@4.0"),
            Some((
                "pypi/typing-extensions".to_string(),
                Some("4.0".to_string())
            ))
        );
        assert_eq!(
            purl_key("pkg:npm/@scope/x"),
            Some(("npm/@scope/x".to_string(), None))
        );
        assert_eq!(purl_key("not a purl"), None);
        // Go versions compare without their `v` (and the module path
        // percent-decoded, as govulncheck escapes its slashes); only Go's.
        assert_eq!(
            purl_key("pkg:golang/example.com%2Fthirdparty@v1.2.0"),
            Some((
                "golang/example.com/thirdparty".to_string(),
                Some("1.2.0".to_string())
            ))
        );
        assert_eq!(
            purl_key("pkg:npm/left-pad@v1.0.0"),
            Some(("npm/left-pad".to_string(), Some("v1.0.0".to_string())))
        );
    }
}
