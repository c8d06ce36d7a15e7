//! What the vulnerability formats share: severity from CVSS vectors, purls
//! built from ecosystem names, and small lenient JSON value types.
//!
//! Severity rule, the same for every scanner: the highest of what the
//! scanner says, never lower than any of it (a gate must not pass a
//! vulnerability because one source rated it lower than another).
//!
//! 1. Every CVSS v3.0/v3.1/v4.0 vector the caller gives is scored with the
//!    RustSec `cvss` crate (base score); the highest score counts. Each
//!    format documents which vectors it gives (Trivy: its `SeveritySource`
//!    vendor's; Grype: the vulnerability's own, else its related ones).
//! 2. The scanner's severity words (`moderate` is `medium`, `negligible` is
//!    `none`): the highest counts.
//! 3. A score the scanner states as the highest (OSV-Scanner's group
//!    `max_severity`) counts too; its other stated score is used only when
//!    no vector could be scored.
//! 4. The severity is the highest of these (a score gives the CVSS
//!    qualitative rating); nothing at all gives [`Severity::Unknown`], which
//!    gates treat as the worst case.
//!
//! When a scored vector and the scanner's own word disagree, one warning per
//! file counts the disagreements (naming the first). A vector that cannot be
//! parsed (or a CVSS v2 vector, which has no critical rating and is not
//! used) is skipped; unparseable ones are counted in one warning.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::model::Severity;

/// A CVSS v3.x or v4.0 vector's base score, when it parses.
pub(crate) fn score_vector(vector: &str) -> Result<Option<f64>, ()> {
    let v = vector.trim();
    if v.starts_with("CVSS:3.") || v.starts_with("CVSS:4.") {
        match v.parse::<cvss::Cvss>() {
            Ok(parsed) => {
                let score = parsed.score();
                if score.is_finite() && (0.0..=10.0).contains(&score) {
                    Ok(Some((score * 10.0).round() / 10.0))
                } else {
                    Err(())
                }
            }
            Err(_) => Err(()),
        }
    } else {
        // CVSS v2 (no prefix) and anything else: not scored.
        Ok(None)
    }
}

/// One vulnerability's severity inputs, gathered by a format parser.
#[derive(Default)]
pub(crate) struct SeverityInput<'a> {
    /// CVSS vectors; the highest-scoring one counts.
    pub vectors: Vec<&'a str>,
    /// The scanner's own words (`HIGH`, `moderate`...); the highest counts.
    pub words: Vec<&'a str>,
    /// The scanner's own score, used when no vector can be scored.
    pub score: Option<f64>,
    /// A score the scanner states as the vulnerability's highest.
    pub highest_score: Option<f64>,
}

/// Applies the severity rule and counts what a file's warning must say.
#[derive(Default)]
pub(crate) struct SeverityJudge {
    disagreements: u64,
    first_disagreement: Option<String>,
    bad_vectors: u64,
    first_bad_vector: Option<String>,
    unknown_words: u64,
    first_unknown_word: Option<String>,
}

impl SeverityJudge {
    /// The severity and CVSS score of vulnerability `id`.
    pub(crate) fn judge(&mut self, id: &str, input: &SeverityInput<'_>) -> (Severity, Option<f64>) {
        let mut stated: Option<Severity> = None;
        for w in input
            .words
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
        {
            match Severity::from_word(w) {
                Some(Severity::Unknown) => {}
                Some(s) => stated = stated.max(Some(s)),
                None => {
                    self.unknown_words += 1;
                    if self.first_unknown_word.is_none() {
                        self.first_unknown_word = Some(format!("{id}: \"{w}\""));
                    }
                }
            }
        }
        let mut scored: Option<(f64, &str)> = None;
        for vector in input.vectors.iter().map(|v| v.trim()) {
            match score_vector(vector) {
                Ok(Some(score)) => {
                    if scored.is_none_or(|(best, _)| score > best) {
                        scored = Some((score, vector));
                    }
                }
                Ok(None) => {}
                Err(()) => {
                    self.bad_vectors += 1;
                    if self.first_bad_vector.is_none() {
                        self.first_bad_vector = Some(format!("{id}: \"{vector}\""));
                    }
                }
            }
        }
        if let (Some(word), Some((score, vector))) = (stated, scored) {
            let computed = Severity::from_cvss_score(score);
            if word != computed {
                self.disagreements += 1;
                if self.first_disagreement.is_none() {
                    self.first_disagreement = Some(format!(
                        "{id}: stated {}, {vector} scores {score:.1} ({})",
                        severity_word(word),
                        severity_word(computed)
                    ));
                }
            }
        }
        let valid = |s: &f64| s.is_finite() && (0.0..=10.0).contains(s);
        let score = scored
            .map(|(s, _)| s)
            .or(input.score.filter(valid))
            .into_iter()
            .chain(input.highest_score.filter(valid))
            .reduce(f64::max);
        let severity = stated.max(score.map(Severity::from_cvss_score));
        (severity.unwrap_or(Severity::Unknown), score)
    }

    /// The file's warnings, at most one per kind.
    pub(crate) fn report(self, warnings: &mut Vec<String>) {
        if let Some(first) = self.first_disagreement {
            warnings.push(format!(
                "{} vulnerabilit{} a severity from the scanner that differs from the one computed \
                 from the CVSS vector; the higher of the two is used (first: {first})",
                self.disagreements,
                if self.disagreements == 1 {
                    "y has"
                } else {
                    "ies have"
                },
            ));
        }
        if let Some(first) = self.first_bad_vector {
            warnings.push(format!(
                "{} CVSS vector(s) could not be parsed and were ignored (first: {first})",
                self.bad_vectors
            ));
        }
        if let Some(first) = self.first_unknown_word {
            warnings.push(format!(
                "{} severity word(s) are not low, medium/moderate, high, critical or none and were \
                 ignored (first: {first})",
                self.unknown_words
            ));
        }
    }
}

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

/// Percent-encodes a purl name or version segment (RFC 3986 unreserved
/// characters and `+`-free); `/` is kept when `keep_slash`.
pub(crate) fn purl_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else if keep_slash && b == b'/' {
            out.push('/');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A purl split at its version: `(everything before the version, the
/// version, the qualifiers and subpath)`. The version is after the last `@`
/// that ends a path, not a scope's (`pkg:npm/@babel/core`, unencoded).
pub(crate) fn purl_parts(purl: &str) -> (&str, Option<&str>, &str) {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    let (core, rest) = purl.split_at(end);
    match core.rsplit_once('@') {
        Some((path, version))
            if !path.is_empty() && !path.ends_with(['/', ':']) && !version.contains('/') =>
        {
            (path, Some(version), rest)
        }
        _ => (core, None, rest),
    }
}

/// A purl for package `name` at `version` in an OSV ecosystem or a
/// scanner's package type; `None` for ecosystems whose purls need more than a
/// name (Linux distributions need the distro as a qualifier).
pub(crate) fn purl_for(ecosystem: &str, name: &str, version: Option<&str>) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let eco = ecosystem.trim().to_ascii_lowercase();
    let (kind, path) = match eco.as_str() {
        "crates.io" | "cargo" | "rust-binary" | "rustbinary" => ("cargo", purl_encode(name, false)),
        "pypi" | "pip" | "pipenv" | "poetry" | "uv" | "python-pkg" => {
            ("pypi", purl_encode(&pep503(name), false))
        }
        "npm" | "yarn" | "pnpm" | "node-pkg" | "bun" => ("npm", npm_path(name)),
        "go" | "golang" | "gomod" | "gobinary" => ("golang", purl_encode(name, true)),
        "maven" | "jar" | "pom" | "gradle" | "sbt" => {
            let (group, artifact) = name.split_once(':')?;
            (
                "maven",
                format!(
                    "{}/{}",
                    purl_encode(group, false),
                    purl_encode(artifact, false)
                ),
            )
        }
        "rubygems" | "bundler" | "gemspec" | "gem" => ("gem", purl_encode(name, false)),
        "nuget" | "dotnet-core" | "packages-props" => ("nuget", purl_encode(name, false)),
        "packagist" | "composer" | "composer-vendor" => ("composer", purl_encode(name, true)),
        "pub" => ("pub", purl_encode(name, false)),
        "hex" | "mix" => ("hex", purl_encode(name, false)),
        "swifturl" | "swift" => ("swift", purl_encode(name, true)),
        "conan" => ("conan", purl_encode(name, false)),
        _ => return None,
    };
    Some(match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => format!("pkg:{kind}/{path}@{}", purl_encode(v, false)),
        None => format!("pkg:{kind}/{path}"),
    })
}

/// `@scope/name` → `%40scope/name`, as the purl spec writes npm scopes.
fn npm_path(name: &str) -> String {
    match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
        Some((scope, rest)) => format!(
            "%40{}/{}",
            purl_encode(scope, false),
            purl_encode(rest, false)
        ),
        None => purl_encode(name, false),
    }
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut normalised = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !normalised.is_empty() {
            normalised.push('-');
        }
        separator = false;
        normalised.extend(c.to_lowercase());
    }
    normalised
}

/// Pushes `item` unless it is empty or already present (compared without
/// case), or equal to `except`.
pub(crate) fn push_alias(list: &mut Vec<String>, item: &str, except: &str) {
    let item = item.trim();
    if item.is_empty()
        || item.eq_ignore_ascii_case(except)
        || list.iter().any(|x| x.eq_ignore_ascii_case(item))
    {
        return;
    }
    list.push(item.to_string());
}

/// Pushes `item` unless empty or already present.
pub(crate) fn push_unique(list: &mut Vec<String>, item: &str) {
    let item = item.trim();
    if !item.is_empty() && !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// A JSON scalar read as text: scanners write versions and ids as strings,
/// but sometimes as numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    /// The text, trimmed, when not empty.
    pub(crate) fn non_empty(&self) -> Option<&str> {
        Some(self.0.trim()).filter(|s| !s.is_empty())
    }

    /// An optional field's text, trimmed, when present and not empty.
    pub(crate) fn opt(field: &Option<Text>) -> Option<String> {
        field.as_ref().and_then(Text::non_empty).map(str::to_string)
    }

    /// An optional field's text, trimmed; empty when absent.
    pub(crate) fn or_empty(field: &Option<Text>) -> String {
        field
            .as_ref()
            .map(|t| t.0.trim().to_string())
            .unwrap_or_default()
    }
}

/// A score written as a number or a numeric string.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Score(pub Option<f64>);

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Score;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Score, E> {
                Ok(Score(v.trim().parse().ok()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Score, E> {
                Ok(Score(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Score, E> {
                Ok(Score(Some(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Score, E> {
                Ok(Score(Some(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Score, E> {
                Ok(Score(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Score, E> {
                Ok(Score(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `null` read as the type's default (serde's `default` only covers a
/// missing key).
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A list whose key is present: `null` reads as empty, and a missing key
/// (with `#[serde(default)]`) stays `None` for the caller to refuse.
pub(crate) fn present_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default()))
}

/// A JSON object read as its entries in document order (`null` is empty).
pub(crate) fn ordered_map<'de, D, T>(d: D) -> Result<Vec<(String, T)>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
        type Value = Vec<(String, T)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, T>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_score() {
        assert_eq!(
            score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Ok(Some(9.8))
        );
        assert_eq!(
            score_vector("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H"),
            Ok(Some(5.9))
        );
        assert_eq!(score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Ok(None));
        assert_eq!(score_vector("CVSS:3.1/AV:X"), Err(()));
        let v4 = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
        assert_eq!(v4, Ok(Some(9.3)));
    }

    #[test]
    fn purls() {
        assert_eq!(
            purl_for("crates.io", "time", Some("0.1.45")).as_deref(),
            Some("pkg:cargo/time@0.1.45")
        );
        assert_eq!(
            purl_for("npm", "@babel/core", Some("7.0.0")).as_deref(),
            Some("pkg:npm/%40babel/core@7.0.0")
        );
        assert_eq!(
            purl_for("Maven", "org.apache:commons-text", Some("1.9")).as_deref(),
            Some("pkg:maven/org.apache/commons-text@1.9")
        );
        assert_eq!(
            purl_for("PyPI", "Jinja2", None).as_deref(),
            Some("pkg:pypi/jinja2")
        );
        assert_eq!(
            purl_for("Go", "golang.org/x/net", Some("v0.1.0")).as_deref(),
            Some("pkg:golang/golang.org/x/net@v0.1.0")
        );
        assert_eq!(purl_for("Debian:12", "openssl", Some("3.0")), None);
    }

    #[test]
    fn purls_split_at_their_version_not_a_scope() {
        assert_eq!(
            purl_parts("pkg:npm/@babel/core@7.0.0?arch=x#sub"),
            ("pkg:npm/@babel/core", Some("7.0.0"), "?arch=x#sub")
        );
        assert_eq!(
            purl_parts("pkg:npm/@babel/core"),
            ("pkg:npm/@babel/core", None, "")
        );
        assert_eq!(purl_parts("@scope/x"), ("@scope/x", None, ""));
        assert_eq!(
            purl_parts("pkg:pypi/demo#a@b"),
            ("pkg:pypi/demo", None, "#a@b")
        );
    }

    #[test]
    fn judge_prefers_vectors_and_counts_disagreements() {
        let mut j = SeverityJudge::default();
        let input = SeverityInput {
            vectors: vec![
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            ],
            words: vec!["HIGH"],
            ..SeverityInput::default()
        };
        assert_eq!(j.judge("X", &input), (Severity::Critical, Some(9.8)));
        let words = SeverityInput {
            words: vec!["moderate"],
            score: Some(5.3),
            ..SeverityInput::default()
        };
        assert_eq!(j.judge("Y", &words), (Severity::Medium, Some(5.3)));
        // A vector scoring lower than the scanner's word does not lower it.
        let stated_higher = SeverityInput {
            vectors: vec!["CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H"],
            words: vec!["Critical", "unknown"],
            ..SeverityInput::default()
        };
        assert_eq!(
            j.judge("W", &stated_higher),
            (Severity::Critical, Some(8.5))
        );
        // The scanner's highest score counts beside the vectors.
        let highest = SeverityInput {
            vectors: vec!["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"],
            highest_score: Some(9.8),
            ..SeverityInput::default()
        };
        assert_eq!(j.judge("V", &highest), (Severity::Critical, Some(9.8)));
        assert_eq!(
            j.judge("Z", &SeverityInput::default()),
            (Severity::Unknown, None)
        );
        let mut w = Vec::new();
        j.report(&mut w);
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("2 vulnerabilities have"), "{w:?}");
    }
}
