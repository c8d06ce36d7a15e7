//! The evidence bundle (`regops.evidence/v1`): normalised evidence saved as
//! JSON, so one job can gather it and another judge or publish it. A bundle
//! is data only: reading one runs nothing.

use std::path::Path;

use std::borrow::Cow;

use anyhow::{Context, bail};
use regops_evidence::{Evidence, TestCase};
use serde::de::value::StringDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "regops.evidence/v1";

#[derive(Serialize)]
struct BundleOut<'a> {
    schema: &'static str,
    #[serde(flatten)]
    evidence: &'a Evidence,
}

/// Just the schema id, read first so a bundle of another version is named
/// as such rather than as malformed.
#[derive(Deserialize)]
struct SchemaOnly {
    schema: String,
}

/// The value of `schema` when it is the document's first key, as
/// [`render`] writes it, read without parsing the rest: skipping the rest
/// of a large bundle took a fifth of the time reading it.
fn leading_schema(bytes: &[u8]) -> Option<String> {
    struct First<'a>(&'a mut Option<String>);
    impl<'de> Visitor<'de> for First<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            if map.next_key::<String>()?.as_deref() == Some("schema") {
                *self.0 = Some(map.next_value::<String>()?);
            }
            Ok(())
        }
    }
    let mut schema = None;
    // serde_json reports the entries left unread as an error once the
    // visitor returns; the value is taken before that, so the error is moot.
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let _ = serde::Deserializer::deserialize_map(&mut json, First(&mut schema));
    schema
}

/// The bundle's JSON text, schema id first, with a trailing newline.
pub fn render(evidence: &Evidence) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&BundleOut {
        schema: SCHEMA,
        evidence,
    })?;
    text.push('\n');
    Ok(text)
}

/// Reads a bundle written by `regops evidence`. The file is read whole and
/// parsed from memory, without `#[serde(flatten)]`, which would buffer every
/// record as a generic value first (profiled: 4× the time, 2× the memory).
pub fn read(path: &Path) -> anyhow::Result<Evidence> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("{}: cannot read the evidence bundle", path.display()))?;
    let malformed = |e: serde_json::Error| {
        anyhow::anyhow!(
            "{}:{}:{}: not a regops evidence bundle: {e}; write one with `regops evidence --config regops.toml > bundle.json`",
            path.display(),
            e.line(),
            e.column().max(1)
        )
    };
    let schema = match leading_schema(&bytes) {
        Some(schema) => schema,
        // Not the first key (edited by hand?): find it the slow way.
        None => {
            serde_json::from_slice::<SchemaOnly>(&bytes)
                .map_err(malformed)?
                .schema
        }
    };
    if schema != SCHEMA {
        bail!(
            "{}: evidence bundle schema `{schema}` is not supported; this regops reads `{SCHEMA}`",
            path.display(),
        );
    }
    parse(&bytes, PARALLEL_FROM).map_err(malformed)
}

/// Bundles from this size on are parsed on two threads; below it a thread
/// costs more than it saves.
const PARALLEL_FROM: usize = 4 << 20;

/// The evidence in a bundle's bytes. From `parallel_from` bytes on, `tests`,
/// the largest section of most bundles, is parsed on a second thread while
/// this one skips it and parses the rest: skipping is about a fifth of the
/// cost of parsing. `schema` is the one key the model does not have; it is
/// ignored.
fn parse(bytes: &[u8], parallel_from: usize) -> serde_json::Result<Evidence> {
    if bytes.len() < parallel_from {
        return serde_json::from_slice(bytes);
    }
    std::thread::scope(|scope| {
        let tests = scope.spawn(|| section::<Vec<TestCase>>(bytes, "tests"));
        let rest = (|| {
            let mut json = serde_json::Deserializer::from_slice(bytes);
            let evidence = Evidence::deserialize(Without::new(&mut json, "tests"))?;
            json.end()?;
            Ok(evidence)
        })();
        let tests = tests
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match (rest, tests) {
            (Ok(mut evidence), Ok(tests)) => {
                // None: no `tests` key, or not an object (serde_json reads
                // an array as a struct's fields in order, `tests` included).
                if let Some(tests) = tests {
                    evidence.tests = tests;
                }
                Ok(evidence)
            }
            // Both threads read the whole document up to `tests`' end, so
            // the earlier error is the one a one-thread parse would report.
            (Err(a), Err(b)) => Err(if (b.line(), b.column()) < (a.line(), a.column()) {
                b
            } else {
                a
            }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    })
}

/// The value of the top-level `key`, if the document is an object that has
/// it. The keys before it are skipped, and nothing after it is read: the
/// rest of the document is [`Without`]'s to check, and so is a document
/// that is no object.
fn section<T: DeserializeOwned>(bytes: &[u8], key: &'static str) -> serde_json::Result<Option<T>> {
    struct Find<'a, T> {
        key: &'static str,
        found: &'a mut Option<T>,
        object: &'a mut bool,
    }
    impl<'de, T: DeserializeOwned> Visitor<'de> for Find<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            *self.object = true;
            while let Some(key) = map.next_key::<Cow<'_, str>>()? {
                if key == self.key {
                    *self.found = Some(map.next_value()?);
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let (mut found, mut object) = (None, false);
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let outcome = serde::Deserializer::deserialize_map(
        &mut json,
        Find {
            key,
            found: &mut found,
            object: &mut object,
        },
    );
    match outcome {
        // serde_json objects to the entries left unread once the visitor
        // returns early; they are not this reader's to judge.
        _ if found.is_some() => Ok(found),
        Err(e) if object => Err(e),
        _ => Ok(None),
    }
}

/// A JSON object read as a struct without one of its keys, which is
/// skipped as its value is checked for syntax only: the struct's field
/// keeps its default. The rest goes through the struct's own
/// `Deserialize`, so a field added to it is read with no change here.
struct Without<D> {
    de: D,
    key: &'static str,
}

impl<D> Without<D> {
    fn new(de: D, key: &'static str) -> Self {
        Without { de, key }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Without<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_map(WithoutVisitor {
            inner: visitor,
            key: self.key,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = WithoutVisitor {
            inner: visitor,
            key: self.key,
        };
        self.de.deserialize_struct(name, fields, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct WithoutVisitor<V> {
    inner: V,
    key: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WithoutVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    /// An array read as the struct's fields in order, as the struct's
    /// reader does: nothing is skipped.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(WithoutMap {
            map,
            key: self.key,
            seen: false,
        })
    }
}

struct WithoutMap<A> {
    map: A,
    key: &'static str,
    seen: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<Cow<'_, str>>()? {
            if key != self.key {
                let key: StringDeserializer<A::Error> = key.into_owned().into_deserializer();
                return seed.deserialize(key).map(Some);
            }
            // As the struct's own reader would have it: once only.
            if std::mem::replace(&mut self.seen, true) {
                return Err(serde::de::Error::duplicate_field(self.key));
            }
            self.map.next_value::<IgnoredAny>()?;
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regops_evidence::{EvidenceKind, Input, Options};

    /// Real tool output, rendered as `regops evidence` writes it.
    fn rendered() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let input = |path: &str, kind| Input {
            path: root.join(path),
            display: path.to_string(),
            kind,
            format: None,
        };
        let evidence = regops_evidence::load(
            &[
                input("pytest-failing/junit.xml", EvidenceKind::Tests),
                input("pytest-failing/coverage.xml", EvidenceKind::Coverage),
                input("semgrep-error/semgrep.sarif", EvidenceKind::Findings),
                input("cyclonedx-py/bom.cdx.json", EvidenceKind::Components),
            ],
            &Options::default(),
        )
        .unwrap();
        assert!(!evidence.tests.is_empty() && !evidence.findings.is_empty());
        render(&evidence).unwrap()
    }

    /// What a one-thread parse makes of `text`: the evidence, or the error.
    fn one_thread(text: &str) -> Result<Evidence, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn two_threads(text: &str) -> Result<Evidence, String> {
        parse(text.as_bytes(), 0).map_err(|e| e.to_string())
    }

    #[test]
    fn two_threads_read_a_bundle_as_one_does() {
        let text = rendered();
        let evidence = two_threads(&text).unwrap();
        assert_eq!(Ok(evidence.clone()), one_thread(&text));
        assert!(evidence.tests.len() > 1 && !evidence.findings.is_empty());
        // The sections in another order, `tests` last or first, and none.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let object = value.as_object().unwrap();
        let mut last = object.clone();
        let tests = last.remove("tests").unwrap();
        last.insert("tests".into(), tests.clone());
        let mut first = serde_json::Map::new();
        first.insert("tests".into(), tests);
        first.extend(last.clone());
        let mut none = last.clone();
        none.remove("tests");
        for (order, map) in [("last", last), ("first", first), ("absent", none)] {
            let text = serde_json::Value::Object(map).to_string();
            assert_eq!(two_threads(&text), one_thread(&text), "tests {order}");
        }
        assert!(
            two_threads(&serde_json::json!({"files": []}).to_string())
                .unwrap()
                .tests
                .is_empty()
        );
    }

    #[test]
    fn two_threads_report_the_error_one_thread_would() {
        let text = rendered();
        let tests = text.find("\"tests\": [").unwrap();
        let first_test = tests + text[tests..].find('{').unwrap();
        let findings = text.find("\"findings\": [").unwrap();
        let broken_status = text.replacen("\"status\": \"failed\"", "\"status\": \"flunked\"", 1);
        let broken = [
            // In a test record, which only the second thread parses.
            broken_status.clone(),
            text.replacen("\"duration_ms\": ", "\"duration_ms\": -", 1),
            // A syntax error in the tests, before them, and after them.
            format!("{}{}", &text[..first_test], &text[first_test + 1..]),
            text.replacen("\"files\": [", "\"files\": [,", 1),
            format!("{}[{}", &text[..findings + 12], &text[findings + 12..]),
            text.replacen("\"findings\"", "\"tests\": [],\n  \"findings\"", 1),
            format!("{text}{{}}"),
            // Errors on both threads: the earlier one is reported.
            format!("{}{{}}", broken_status),
            "[]".to_string(),
            "{\"tests\": {}}".to_string(),
            "{\"files\": [], \"tests\": [".to_string(),
            String::new(),
        ];
        for (n, text) in broken.iter().enumerate() {
            let one = one_thread(text);
            assert!(one.is_err(), "case {n} is broken");
            assert_eq!(two_threads(text), one, "case {n}");
        }
    }
}
