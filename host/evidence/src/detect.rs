//! Recognises an evidence file's format from its first bytes, never its name.
//!
//! Only the head of the file is available (at most 64 KiB), so detection never
//! parses a whole document:
//!
//! * A UTF-8 byte order mark and leading whitespace are skipped.
//! * XML (first byte `<`): the XML declaration, comments, processing
//!   instructions and a DOCTYPE (with its internal subset) are skipped and the
//!   root element's local name decides: `testsuites` / `testsuite` → JUnit,
//!   `robot` → Robot Framework's `output.xml` (its xUnit output has a
//!   `<testsuite>` root and reads as JUnit), `report` → JaCoCo, `bom` →
//!   CycloneDX XML, `test-run` / `test-results` → NUnit 3 / NUnit 2,
//!   `assemblies` / `assembly` (with xUnit.net v1's `total` or
//!   `test-framework`, or `<class>` results) → xUnit.net, `testng-results` → TestNG.
//!   `<TestRun>` is CppUnit's when it holds `<FailedTests>`,
//!   `<SuccessfulTests>` or `<Statistics>`, and Visual Studio's TRX when it
//!   names the TeamTest namespace or holds TRX's own lists. Three formats have a
//!   `<coverage>` root, told apart by its attributes and first child element:
//!   a `clover` attribute or a first child `<project>` (PHPUnit's Clover
//!   has no attribute) is Clover, refused; a first child `<file>`, or
//!   attributes that are only `version="1"` (namespace declarations aside)
//!   and a first child other than Cobertura's `<sources>` / `<packages>`, is
//!   SonarQube's generic coverage (`gcovr --sonarqube`); anything else is
//!   Cobertura (coverage.py, gcovr, cargo-llvm-cov, istanbul/nyc and vitest
//!   all write `<coverage line-rate=...>` or `lines-valid=...`, coverage.py
//!   a `version` such as `7.6.1`). SPDX RDF/XML (`<rdf:RDF>` declaring the
//!   SPDX terms' namespace) and SPDX XML (`<Document>` holding
//!   `<spdxVersion>` or an `SPDXRef-` id) are named in the error, with the
//!   command that converts them to JSON.
//! * Text starting with `TN:` or `SF:` → LCOV. A first line `mode: set`,
//!   `mode: count` or `mode: atomic` → a Go coverage profile. SPDX tag-value (`SPDXVersion:`
//!   past `#` comments) and SPDX YAML (a top-level `spdxVersion:` key) are
//!   named in the error, with the command that converts them to JSON, and so
//!   is OpenVEX as YAML (top-level `statements` beside `author`, `@context`
//!   or `format`).
//! * JSON (first byte `{` or `[`): a small tokenizer walks the head without
//!   building values and records the top-level keys, the string values of
//!   `version`, `$schema`, `@context` and `document.category`, the keys one
//!   level inside each top-level value (the items of an array, or the keys
//!   of an object), and whether `results` is an array. A SARIF log has a `$schema` mentioning
//!   sarif, or a top-level `runs` array next to a `version` key or whose runs
//!   have a property of a SARIF run (`tool`, `results`, `artifacts`, ...):
//!   Bandit and gosec write `runs` first and `$schema` and `version` last,
//!   gosec its `results` before its `tool`, and CodeQL 2.0 sorts keys
//!   (`artifacts` first, no `$schema`), so a large log has only `runs` in
//!   the head. Nothing else regops reads has a top-level `runs`.
//!   CycloneDX has `bomFormat`, a CycloneDX `$schema`, `specVersion` beside
//!   `components`/`metadata`/`vulnerabilities`, or `components` whose items
//!   have `bom-ref` (or `purl` and `type`):
//!   cyclonedx-py writes `bomFormat` last. SPDX 2 has `spdxVersion`; SPDX 3
//!   has `@graph` beside an `@context` naming `spdx.org/rdf/3` (or, the
//!   context beyond the head, graph items with `spdxId` and `creationInfo`);
//!   other SPDX JSON-LD (pyspdxtools3's prototype) is refused by name. CSAF (`document` holding
//!   `csaf_version`, or `product_tree` beside `vulnerabilities`) is refused,
//!   the error saying what its `document.category` (`csaf_vex`,
//!   `csaf_security_advisory`, ...) is and what to give instead. OpenVEX has
//!   `statements` and `@context`, or statements holding `vulnerability` and
//!   `status` (vexctl's 2022 documents have no `@context`); statements with
//!   `vul_id` or `product_id` (pre-0.0.1 names) are refused by name. Grype
//!   has `matches` with `descriptor` or `distro` (or matches holding
//!   `vulnerability` and `artifact`). Trivy has `SchemaVersion` with
//!   `Results`, `ArtifactName`, `ArtifactType`, `CreatedAt` or `Metadata`;
//!   `trivy k8s` writes `ClusterName` and only `Resources` (or 0.28's
//!   `Vulnerabilities` and `Misconfigurations`) beside it, and its summary
//!   report (`Findings`) and compliance reports (`SummaryControls`, or `ID`
//!   and `Title` with `Results`) are refused by name.
//!   Coverage JSON is refused by name: gcov's (`gcc_version`, or `files`
//!   holding `lines` and `functions`), grcov's covdir (`children` beside
//!   `linesTotal`, `linesCovered` or `coveragePercent`) and Coveralls'
//!   (`source_files` holding `coverage`); so is gzip (`.gcov.json.gz`).
//!   cargo-audit has `database` and `vulnerabilities`; npm audit
//!   `auditReportVersion`, or (npm 6, pnpm) `advisories` with `actions` or
//!   `muted`; yarn's JSON lines a first line `{type, data}` whose `data` has
//!   `advisory` (or is an action or the summary), `{value, children}` whose
//!   `children` has `Vulnerable Versions` or `Tree Versions`, or the info line
//!   "No audit suggestions"; bun's report an object whose first key holds
//!   advisories with `vulnerable_versions` (and `{}`, listed under
//!   `vulnerabilities`, is bun's report of nothing found). OSV-Scanner has a `results` array whose items have
//!   `packages` or `source`, or `experimental_config`. pip-audit JSON has a
//!   top-level `dependencies` array whose items have `vulns` or `skip_reason`
//!   (or a `fixes` key beside it, for a project with no dependencies); older
//!   pip-audit versions wrote a bare array of `{name, version, vulns}`
//!   objects, which is accepted too.
//!
//! sphinx-needs `needs.json` has `versions` and `current_version`; a
//! StrictDoc JSON export has `DOCUMENTS`. Text opening with a `---` front
//! matter block that has an `id:` key is a markdown requirement. YAML
//! with doorstop's item keys (`text`, `links` and one of `active`,
//! `normative`, `level`) or document `settings` is doorstop, and so is
//! front matter with those keys (but `text`, which is the body) and no
//! `id:` (a doorstop 3 markdown item).
//! regops' own change record (`regops.change/v1`) has `head-commit` beside
//! `schema` or `approvals`.
//!
//! Anything else is described briefly for the error message ("JSON object with
//! keys name, version, scripts", "binary data", "empty file", ...).

use crate::Format;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The format of a file listed under `kind` whose first bytes are `head`:
/// markdown says nothing of its role, so under `documents` it is a
/// controlled document and under `approvals` a sign-off sheet; anything
/// else is [`detect`]ed from its content alone.
pub fn detect_as(head: &[u8], kind: crate::EvidenceKind) -> Result<Format, String> {
    match kind {
        crate::EvidenceKind::Documents if is_markdown(head) => Ok(Format::MarkdownDocument),
        crate::EvidenceKind::Approvals if is_markdown(head) => Ok(Format::ApprovalsMarkdown),
        // `bun audit --json` of a project without a vulnerable package.
        crate::EvidenceKind::Vulnerabilities if is_empty_object(head) => Ok(Format::NpmAudit),
        _ => detect(head),
    }
}

/// The format of a file whose first bytes are `head`; on failure, a short
/// description of what the content looks like, for the error message.
pub fn detect(head: &[u8]) -> Result<Format, String> {
    if head.is_empty() {
        return Err("empty file".to_string());
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err("UTF-16 text; regops reads UTF-8, so convert the file first".to_string());
    }
    // gzip's magic number: `gcov --json-format` writes `.gcov.json.gz`.
    if head.starts_with(b"\x1F\x8B") {
        return Err(
            "gzip-compressed data (`gcov --json-format` writes `.gcov.json.gz`, \
                    which regops does not read even uncompressed); regops reads evidence \
                    uncompressed"
                .to_string(),
        );
    }
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let body = skip_ws(body);
    match body.first() {
        None => Err("a file holding only whitespace".to_string()),
        Some(b'<') => detect_xml(body),
        Some(b'{') | Some(b'[') => detect_json(body),
        Some(_) if is_lcov(body) => Ok(Format::Lcov),
        Some(_) if is_go_cover(body) => Ok(Format::GoCoverprofile),
        Some(_) if is_spdx_tag_value(body) => Err(spdx_to_json("tag-value text", "sbom.spdx")),
        Some(_) if is_soup_yaml(body) => Ok(Format::SoupYaml),
        Some(_) if first_yaml_key_is(body, "anomalies:") => Ok(Format::AnomaliesYaml),
        Some(_) if is_doorstop(body) => Ok(Format::Doorstop),
        // Before markdown requirements: vexctl's YAML starts `---` and has
        // an `id:` key, as a requirement's front matter does.
        Some(_) if is_openvex_yaml(body) => Err("OpenVEX as YAML; regops reads OpenVEX JSON: \
                                                 convert it (`yq -o=json . vex.yaml > \
                                                 vex.openvex.json`)"
            .to_string()),
        Some(_) if is_markdown_requirement(body) => Ok(Format::MarkdownRequirement),
        Some(_) if is_soup_csv(body) => Ok(Format::SoupCsv),
        Some(_) if yaml_top_keys(body).0.contains(&"spdxVersion") => {
            Err(spdx_to_json("YAML", "sbom.spdx.yaml"))
        }
        Some(_) => Err(describe_other(body)),
    }
}

/// `{}`, past a byte-order mark and whitespace.
fn is_empty_object(head: &[u8]) -> bool {
    let body = skip_ws(head.strip_prefix(UTF8_BOM).unwrap_or(head));
    body.strip_prefix(b"{")
        .map(skip_ws)
        .and_then(|rest| rest.strip_prefix(b"}"))
        .is_some_and(|rest| skip_ws(rest).is_empty())
}

/// SPDX tag-value: past comment lines (`## Document Information`), the
/// first line is `SPDXVersion:`.
fn is_spdx_tag_value(s: &[u8]) -> bool {
    String::from_utf8_lossy(s)
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("SPDXVersion:"))
}

/// Why an SPDX document in another serialization is refused, and the
/// command that converts it: pyspdxtools tells formats apart by the file
/// name's ending, so `example` ends as that serialization's files must.
fn spdx_to_json(serialization: &str, example: &str) -> String {
    format!(
        "SPDX {serialization}; regops reads SPDX JSON: convert it with \
         `pyspdxtools -i {example} -o sbom.spdx.json`"
    )
}

/// The top-level keys (quoted or not) of the first YAML document in `s`,
/// past comments and a leading `---`; and whether a `---` line ends that
/// document (as it ends markdown front matter).
fn yaml_top_keys(s: &[u8]) -> (Vec<&str>, bool) {
    let text = match std::str::from_utf8(s) {
        Ok(text) => text,
        // A character cut at the end of the head.
        Err(e) => {
            std::str::from_utf8(s.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default()
        }
    };
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.starts_with('#'))
        .peekable();
    if lines.peek().map(|l| l.trim_end()) == Some("---") {
        lines.next();
    }
    let mut keys = Vec::new();
    for line in lines {
        if line.trim_end() == "---" {
            return (keys, true);
        }
        // Indented lines, list items and comments are not top-level keys.
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim_end().trim_matches(['"', '\'']);
            if !key.is_empty() {
                keys.push(key);
            }
        }
    }
    (keys, false)
}

/// An OpenVEX document as YAML (vexctl and go-vex read them): top-level
/// `statements` beside `@context`, `author` or vexctl's `format`, in a
/// document no `---` closes (markdown front matter is closed).
fn is_openvex_yaml(s: &[u8]) -> bool {
    let (keys, closed) = yaml_top_keys(s);
    !closed
        && keys.contains(&"statements")
        && ["@context", "author", "format"]
            .iter()
            .any(|k| keys.contains(k))
}

/// A YAML SOUP register: past comments, blank lines and a `---`, the first
/// key is `soup:`.
fn is_soup_yaml(s: &[u8]) -> bool {
    first_yaml_key_is(s, "soup:")
}

/// Past comments, blank lines and a `---`, the first line starts with `key`.
fn first_yaml_key_is(s: &[u8], key: &str) -> bool {
    String::from_utf8_lossy(s)
        .lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---")
        .is_some_and(|l| l.starts_with(key))
}

/// A doorstop item (keys `active`, `links`, `normative`, `text`, … at the
/// top level) or document settings (`settings:` with `prefix:`); or a
/// doorstop 3 markdown item, whose front matter holds the item's keys but
/// its text is the body (and, unlike a markdown requirement, has no `id`).
fn is_doorstop(s: &[u8]) -> bool {
    let text = String::from_utf8_lossy(s);
    let in_front_matter = text.lines().next().map(str::trim_end) == Some("---");
    let top: Vec<&str> = text
        .lines()
        .skip(usize::from(in_front_matter))
        .take_while(|l| !in_front_matter || l.trim_end() != "---")
        .filter(|l| !l.starts_with([' ', '\t', '-', '#']) && l.contains(':'))
        .filter_map(|l| l.split(':').next())
        .collect();
    let has = |k: &str| top.contains(&k);
    let item_keys = has("links") && (has("active") || has("normative") || has("level"));
    let item = item_keys
        && if in_front_matter {
            !has("id")
        } else {
            has("text")
        };
    item || (has("settings") && text.contains("prefix:"))
}

/// Markdown text: YAML front matter or a heading first.
fn is_markdown(head: &[u8]) -> bool {
    let body = skip_ws(head.strip_prefix(UTF8_BOM).unwrap_or(head));
    body.starts_with(b"---\n") || body.starts_with(b"---\r\n") || body.starts_with(b"#")
}

/// Markdown with YAML front matter naming an `id`.
fn is_markdown_requirement(s: &[u8]) -> bool {
    let text = String::from_utf8_lossy(s);
    let mut lines = text.lines();
    lines.next().map(str::trim_end) == Some("---")
        && lines
            .take_while(|l| l.trim_end() != "---")
            .any(|l| l.starts_with("id:"))
}

/// A CSV SOUP register: a header row naming at least package, version and purpose.
fn is_soup_csv(s: &[u8]) -> bool {
    let text = String::from_utf8_lossy(s);
    let Some(header) = text.lines().next() else {
        return false;
    };
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    ["package", "version", "purpose"]
        .iter()
        .all(|c| columns.iter().any(|h| h == c))
}

/// LCOV: a tracefile starts with a test name or a source file record.
fn is_lcov(s: &[u8]) -> bool {
    s.starts_with(b"TN:") || s.starts_with(b"SF:")
}

/// A Go coverage profile: its first line is `mode: set|count|atomic`.
fn is_go_cover(s: &[u8]) -> bool {
    [b"set".as_slice(), b"count", b"atomic"].iter().any(|mode| {
        s.strip_prefix(b"mode: ".as_slice())
            .and_then(|rest| rest.strip_prefix(*mode))
            .is_some_and(|end| matches!(end.first(), None | Some(b'\n' | b'\r')))
    })
}

fn skip_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    s.get(n..).unwrap_or_default()
}

/// Position just after the first occurrence of `needle`, if any.
fn after(s: &[u8], needle: &[u8]) -> Option<usize> {
    s.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + needle.len())
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s.iter().zip(prefix).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

const TRUNCATED_PROLOG: &str = "XML whose root element is not within the first 64 KiB";

fn detect_xml(mut s: &[u8]) -> Result<Format, String> {
    loop {
        s = skip_ws(s);
        if s.is_empty() {
            return Err(TRUNCATED_PROLOG.to_string());
        }
        if s.starts_with(b"<?") {
            let end = after(s, b"?>").ok_or(TRUNCATED_PROLOG)?;
            s = s.get(end..).unwrap_or_default();
        } else if s.starts_with(b"<!--") {
            let end = after(s, b"-->").ok_or(TRUNCATED_PROLOG)?;
            s = s.get(end..).unwrap_or_default();
        } else if starts_with_ci(s, b"<!DOCTYPE") {
            let end = doctype_end(s).ok_or(TRUNCATED_PROLOG)?;
            s = s.get(end..).unwrap_or_default();
        } else if s.starts_with(b"<") {
            return classify_root(s.get(1..).unwrap_or_default());
        } else {
            return Err(describe_other(s));
        }
    }
}

/// Index just past the `>` closing a DOCTYPE, skipping its internal subset and
/// quoted strings.
fn doctype_end(s: &[u8]) -> Option<usize> {
    let mut in_subset = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in s.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => in_subset = true,
                b']' => in_subset = false,
                b'>' if !in_subset => return Some(i + 1),
                _ => {}
            },
        }
    }
    None
}

fn classify_root(tag: &[u8]) -> Result<Format, String> {
    let name_len = tag
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
        .count();
    let name = String::from_utf8_lossy(tag.get(..name_len).unwrap_or_default()).into_owned();
    if name.is_empty() {
        return Err("XML without a root element name".to_string());
    }
    let local = name.rsplit(':').next().unwrap_or(&name);
    match local {
        "testsuites" | "testsuite" => Ok(Format::Junit),
        "robot" => Ok(Format::RobotOutput),
        // CppUnit's XmlOutputter: its three lists under `<TestRun>`.
        "TestRun"
            if [&b"<FailedTests"[..], b"<SuccessfulTests", b"<Statistics"]
                .iter()
                .any(|child| after(tag, child).is_some()) =>
        {
            Ok(Format::CppUnit)
        }
        // Visual Studio's TRX: `<TestRun>` in the TeamTest namespace, or
        // (writers that leave the namespace out) holding its own lists.
        "TestRun"
            if [
                &b"schemas/VisualStudio/TeamTest"[..],
                b"<TestDefinitions",
                b"<ResultSummary",
                b"<UnitTestResult",
            ]
            .iter()
            .any(|mark| after(tag, mark).is_some()) =>
        {
            Ok(Format::Trx)
        }
        // NUnit 3 (`<test-run>`) and NUnit 2.5/2.6 (`<test-results>`).
        "test-run" | "test-results" => Ok(Format::NunitXml),
        // xUnit.net v2/v3 (`<assemblies>`) and v1 (`<assembly>`). Other
        // XML has an `<assembly>` root too (Maven's assembly descriptors,
        // Windows manifests): v1's carries its counts and framework, or
        // `<class>` results.
        "assemblies" => Ok(Format::XunitXml),
        "assembly"
            if {
                let start = tag
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(tag, |end| tag.get(..end).unwrap_or_default());
                after(start, b"test-framework=").is_some()
                    || after(start, b" total=").is_some()
                    || after(tag, b"<class ").is_some()
            } =>
        {
            Ok(Format::XunitXml)
        }
        "testng-results" => Ok(Format::TestngXml),
        // Qt Test's `xml` (root `<TestCase>`) and root-less `lightxml`.
        "TestCase" | "Environment" | "TestFunction"
            if after(tag, b"<TestFunction").is_some()
                || after(tag, b"<QTestVersion>").is_some()
                || after(tag, b"<Incident").is_some() =>
        {
            Ok(Format::QtTestXml)
        }
        "report" => Ok(Format::Jacoco),
        "bom" => Ok(Format::CycloneDxXml),
        // SPDX RDF/XML declares the SPDX terms' namespace on its root.
        "RDF" if after(tag, b"spdx.org/rdf/terms").is_some() => {
            Err(spdx_to_json("RDF/XML", "sbom.spdx.rdf.xml"))
        }
        // pyspdxtools' and the SPDX Java tools' XML: the JSON keys as
        // elements under `<Document>`.
        "Document" | "SpdxDocument"
            if after(tag, b"<spdxVersion>").is_some() || after(tag, b">SPDXRef-").is_some() =>
        {
            Err(spdx_to_json("XML", "sbom.spdx.xml"))
        }
        "coverage" => classify_coverage(tag.get(name_len..).unwrap_or_default()),
        // Globs like `target/failsafe-reports/*.xml` pick it up beside the
        // reports; it holds only counts.
        "failsafe-summary" => Err("Maven Failsafe's summary (root element \
                                   <failsafe-summary>), not a test report: list the TEST-*.xml \
                                   files instead"
            .to_string()),
        _ => Err(format!(
            "XML with root element <{}>",
            truncate_chars(&name, 60)
        )),
    }
}

/// The format of a `<coverage>` root, from what follows its name (`rest`):
/// Clover (refused), SonarQube's generic coverage or Cobertura.
fn classify_coverage(rest: &[u8]) -> Result<Format, String> {
    // The start tag's attributes, as far as the head holds them.
    let tag_end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
    if after(rest.get(..tag_end).unwrap_or_default(), b"clover=").is_some() {
        return Err("Clover XML (root element <coverage clover=...>)".to_string());
    }
    let tag = start_tag(rest);
    let first_child = tag.content.and_then(first_element);
    // PHPUnit's Clover has no `clover` attribute; its `<project>` child
    // tells it apart.
    if first_child == Some(b"project") {
        return Err("Clover XML (root element <coverage> holding <project>)".to_string());
    }
    let only_version_1 = tag.whole
        && tag
            .attributes
            .iter()
            .filter(|(name, _)| *name != b"xmlns" && !name.starts_with(b"xmlns:"))
            .eq([(&b"version"[..], &b"1"[..])].iter());
    let cobertura_child = matches!(first_child, Some(b"sources" | b"packages"));
    if first_child == Some(b"file") || (only_version_1 && !cobertura_child) {
        Ok(Format::SonarCoverage)
    } else {
        Ok(Format::Cobertura)
    }
}

/// A start tag read from just after its element name.
struct StartTag<'a> {
    /// Its attributes as (qualified name, raw value), as far as they could
    /// be read.
    attributes: Vec<(&'a [u8], &'a [u8])>,
    /// Whether every attribute was read, up to the tag's end.
    whole: bool,
    /// What follows the tag's `>`: `None` for an empty element (`/>`) or a
    /// tag the head cuts or that is not `name="value"` pairs.
    content: Option<&'a [u8]>,
}

fn start_tag(mut s: &[u8]) -> StartTag<'_> {
    let mut attributes = Vec::new();
    loop {
        s = skip_ws(s);
        if s.starts_with(b"/>") {
            return StartTag {
                attributes,
                whole: true,
                content: None,
            };
        }
        if let Some(content) = s.strip_prefix(b">") {
            return StartTag {
                attributes,
                whole: true,
                content: Some(content),
            };
        }
        let name_len = s
            .iter()
            .take_while(|&&b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'/' | b'>'))
            .count();
        let (name, after_name) = s.split_at(name_len);
        let value = skip_ws(after_name)
            .strip_prefix(b"=")
            .map(skip_ws)
            .and_then(|v| {
                let (&quote, v) = v.split_first()?;
                let len = match quote {
                    b'"' | b'\'' => v.iter().position(|&b| b == quote)?,
                    _ => return None,
                };
                Some((v.get(..len)?, v.get(len + 1..)?))
            });
        match value {
            Some((value, rest)) if !name.is_empty() => {
                attributes.push((name, value));
                s = rest;
            }
            _ => {
                return StartTag {
                    attributes,
                    whole: false,
                    content: None,
                };
            }
        }
    }
}

/// The local name of the first element in `content`, past whitespace, text,
/// comments and processing instructions, when the head holds it.
fn first_element(mut s: &[u8]) -> Option<&[u8]> {
    loop {
        let open = s.iter().position(|&b| b == b'<')?;
        s = s.get(open..)?;
        if s.starts_with(b"<!--") {
            s = s.get(after(s, b"-->")?..)?;
        } else if s.starts_with(b"<?") {
            s = s.get(after(s, b"?>")?..)?;
        } else {
            let name = s.get(1..)?;
            let len = name
                .iter()
                .take_while(|&&b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
                .count();
            let name = name.get(..len)?;
            // `</coverage>` (no child) or `<![CDATA[`: no element.
            if name.is_empty() || name.starts_with(b"/") || name.starts_with(b"!") {
                return None;
            }
            return name.rsplit(|&b| b == b':').next();
        }
    }
}

/// What the tokenizer learned from the head of a JSON document.
#[derive(Default)]
struct JsonShape {
    top_is_array: bool,
    top_keys: Vec<String>,
    version: Option<String>,
    schema: Option<String>,
    /// Keys of the objects inside the top-level `dependencies` array.
    dependency_keys: Vec<String>,
    /// Keys of the objects directly inside a top-level array.
    item_keys: Vec<String>,
    /// Keys one level inside other top-level values (the items of an array
    /// value, or the keys of an object value), by top-level key.
    nested_keys: Vec<(String, Vec<String>)>,
    /// The string value of a top-level `@context`.
    context: Option<String>,
    /// Whether the top-level `results` value is an array.
    results_is_array: bool,
    /// The string value of `document.category` (CSAF).
    document_category: Option<String>,
}

impl JsonShape {
    fn nested(&self, top: &str) -> &[String] {
        self.nested_keys
            .iter()
            .find(|(k, _)| k == top)
            .map_or(&[], |(_, keys)| keys.as_slice())
    }
}

enum Container {
    Object { expect_key: bool },
    Array,
}

/// Keys and values longer than this are cut when recorded.
const MAX_TOKEN: usize = 200;
/// At most this many keys of each kind are recorded.
const MAX_KEYS: usize = 64;

/// Records `key` one level inside the value of top-level key `top`.
fn push_nested(shape: &mut JsonShape, top: &str, key: &str) {
    if let Some((_, keys)) = shape.nested_keys.iter_mut().find(|(k, _)| k == top) {
        push_key(keys, key);
    } else if shape.nested_keys.len() < MAX_KEYS {
        shape
            .nested_keys
            .push((top.to_string(), vec![key.to_string()]));
    }
}

fn push_key(keys: &mut Vec<String>, key: &str) {
    if keys.len() < MAX_KEYS && !keys.iter().any(|k| k == key) {
        keys.push(key.to_string());
    }
}

/// Walks `s` without recursion, recording the [`JsonShape`]; stops at the end
/// of the first value or of the head, whichever comes first.
fn scan_json(s: &[u8]) -> JsonShape {
    let mut shape = JsonShape {
        top_is_array: s.first() == Some(&b'['),
        ..JsonShape::default()
    };
    let mut stack: Vec<Container> = Vec::new();
    // The top-level key whose value is being read.
    let mut top_key = String::new();
    // The key whose value is being read one level inside a top-level object.
    let mut inner_key = String::new();
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'{' => {
                stack.push(Container::Object { expect_key: true });
                i += 1;
            }
            b'[' => {
                if stack.len() == 1 && !shape.top_is_array && top_key == "results" {
                    shape.results_is_array = true;
                }
                stack.push(Container::Array);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                if stack.is_empty() {
                    break;
                }
                i += 1;
            }
            b',' => {
                if let Some(Container::Object { expect_key }) = stack.last_mut() {
                    *expect_key = true;
                }
                i += 1;
            }
            b':' => {
                if let Some(Container::Object { expect_key }) = stack.last_mut() {
                    *expect_key = false;
                }
                i += 1;
            }
            b'"' => {
                let (text, next) = read_string(s, i + 1);
                i = next;
                let depth = stack.len();
                let is_key = matches!(stack.last(), Some(Container::Object { expect_key: true }));
                if is_key {
                    match depth {
                        1 if !shape.top_is_array => {
                            push_key(&mut shape.top_keys, &text);
                            top_key = text;
                        }
                        2 if shape.top_is_array => push_key(&mut shape.item_keys, &text),
                        2 if !shape.top_is_array => {
                            push_nested(&mut shape, &top_key, &text);
                            inner_key = text;
                        }
                        3 if !shape.top_is_array => {
                            if top_key == "dependencies" {
                                push_key(&mut shape.dependency_keys, &text);
                            }
                            if matches!(stack.get(1), Some(Container::Array)) {
                                push_nested(&mut shape, &top_key, &text);
                            }
                        }
                        _ => {}
                    }
                } else if depth == 1 && !shape.top_is_array {
                    match top_key.as_str() {
                        "version" => shape.version = Some(text),
                        "$schema" => shape.schema = Some(text),
                        "@context" => shape.context = Some(text),
                        _ => {}
                    }
                } else if depth == 2
                    && top_key == "document"
                    && inner_key == "category"
                    && matches!(stack.get(1), Some(Container::Object { .. }))
                {
                    shape.document_category = Some(text);
                } else if depth == 2 && top_key == "@context" && shape.context.is_none() {
                    // `"@context": ["https://openvex.dev/ns/v0.2.0", ...]`
                    shape.context = Some(text);
                }
            }
            _ => i += 1,
        }
    }
    shape
}

/// Reads a JSON string whose content starts at `start`; returns its (roughly
/// unescaped, length-capped) text and the index after the closing quote.
fn read_string(s: &[u8], start: usize) -> (String, usize) {
    let mut bytes = Vec::new();
    let mut i = start;
    while let Some(&b) = s.get(i) {
        match b {
            b'"' => return (String::from_utf8_lossy(&bytes).into_owned(), i + 1),
            b'\\' => {
                if let Some(&escaped) = s.get(i + 1)
                    && bytes.len() < MAX_TOKEN
                {
                    bytes.push(escaped);
                }
                i += 2;
            }
            _ => {
                if bytes.len() < MAX_TOKEN {
                    bytes.push(b);
                }
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&bytes).into_owned(), s.len())
}

fn has(keys: &[String], key: &str) -> bool {
    keys.iter().any(|k| k == key)
}

/// The properties of a SARIF 2.1.0 run (§3.14).
const SARIF_RUN_KEYS: [&str; 28] = [
    "tool",
    "conversion",
    "invocations",
    "language",
    "versionControlProvenance",
    "originalUriBaseIds",
    "artifacts",
    "logicalLocations",
    "graphs",
    "results",
    "automationDetails",
    "runAggregates",
    "baselineGuid",
    "redactionTokens",
    "defaultEncoding",
    "defaultSourceLanguage",
    "newlineSequences",
    "columnKind",
    "externalPropertyFileReferences",
    "threadFlowLocations",
    "taxonomies",
    "addresses",
    "translations",
    "policies",
    "webRequests",
    "webResponses",
    "specialLocations",
    "properties",
];

fn detect_json(s: &[u8]) -> Result<Format, String> {
    let shape = scan_json(s);
    if shape.top_is_array {
        if has(&shape.item_keys, "vulns") {
            return Ok(Format::PipAudit);
        }
        // GitHub issues: the REST list or `gh issue list --json`.
        if has(&shape.item_keys, "number") && has(&shape.item_keys, "title") {
            return Ok(Format::GithubIssues);
        }
        if has(&shape.item_keys, "environment") && has(&shape.item_keys, "version") {
            return Ok(Format::DeploymentJson);
        }
        // `gh attestation verify --format json`: the verified statements.
        if has(&shape.item_keys, "verificationResult") {
            return Ok(Format::InToto);
        }
        return Err(if shape.item_keys.is_empty() {
            "JSON array".to_string()
        } else {
            format!(
                "JSON array of objects with keys {}",
                list_keys(&shape.item_keys)
            )
        });
    }
    // in-toto attestations: a Statement, a DSSE envelope (whose base64
    // payload may fill the head before `payloadType`), a Sigstore bundle.
    let top = |k: &str| has(&shape.top_keys, k);
    if (top("_type") && (top("predicateType") || top("predicate")))
        || (top("payload")
            && (top("payloadType") || top("signatures") || shape.top_keys.len() == 1))
        || (top("mediaType") && (top("dsseEnvelope") || top("verificationMaterial")))
    {
        return Ok(Format::InToto);
    }
    let schema_says_sarif = shape
        .schema
        .as_deref()
        .is_some_and(|s| s.to_ascii_lowercase().contains("sarif"));
    let has_runs = has(&shape.top_keys, "runs");
    let sarif_runs = shape
        .nested("runs")
        .iter()
        .any(|k| SARIF_RUN_KEYS.contains(&k.as_str()));
    if schema_says_sarif || (has_runs && (shape.version.is_some() || sarif_runs)) {
        return Ok(Format::Sarif);
    }
    let schema_says = |needle: &str| {
        shape
            .schema
            .as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().contains(needle))
    };
    // CycloneDX: cyclonedx-py writes `components` and `dependencies` first
    // and `bomFormat` last, possibly beyond the head.
    let component_keys = shape.nested("components");
    if top("bomFormat")
        || schema_says("cyclonedx")
        || (top("specVersion") && (top("components") || top("metadata") || top("vulnerabilities")))
        || (top("components")
            && (has(component_keys, "bom-ref")
                || (has(component_keys, "purl") && has(component_keys, "type"))))
    {
        return Ok(Format::CycloneDxJson);
    }
    if top("spdxVersion") {
        return Ok(Format::SpdxJson);
    }
    if top("versions") && top("current_version") {
        return Ok(Format::SphinxNeeds);
    }
    if top("DOCUMENTS") {
        return Ok(Format::StrictdocJson);
    }
    if top("schema") && top("gates") && top("outcome") {
        return Ok(Format::RegopsReport);
    }
    if top("environment") && top("version") && (top("artifact") || top("smoke-tests")) {
        return Ok(Format::DeploymentJson);
    }
    if top("benchmarks") && (top("machine_info") || top("commit_info")) {
        return Ok(Format::PytestBenchmark);
    }
    if top("results")
        && shape.results_is_array
        && has(shape.nested("results"), "command")
        && has(shape.nested("results"), "mean")
    {
        return Ok(Format::Hyperfine);
    }
    // regops' own change record (`schema` may come after `head-commit`).
    if top("head-commit") && (top("schema") || top("approvals")) {
        return Ok(Format::ChangeJson);
    }
    // SPDX 3 JSON-LD: `@graph` beside an SPDX 3 `@context`, or, with the
    // `@context` beyond the head, a `@graph` of elements with `spdxId` and
    // `creationInfo`.
    let graph_keys = shape.nested("@graph");
    if top("@graph") {
        match shape.context.as_deref() {
            Some(c) if c.contains("spdx.org/rdf/3") => return Ok(Format::Spdx3Json),
            Some(c) if c.contains("spdx") => {
                return Err("JSON-LD with an SPDX @context that is not SPDX 3.0 \
                            (pyspdxtools3's pre-release prototype?); regops reads SPDX 3.0 \
                            JSON-LD and SPDX 2.2 and 2.3 JSON"
                    .to_string());
            }
            None if has(graph_keys, "spdxId") && has(graph_keys, "creationInfo") => {
                return Ok(Format::Spdx3Json);
            }
            _ => {}
        }
    }
    // CSAF 2.x: `document` (holding `csaf_version`), `product_tree`,
    // `vulnerabilities`.
    if (top("document") && has(shape.nested("document"), "csaf_version"))
        || (top("product_tree") && top("vulnerabilities"))
    {
        return Err(describe_csaf(shape.document_category.as_deref()));
    }
    // govulncheck's `-json`: a stream whose first message is `config`
    // (v1), or one `Vulns` object (before v1.0).
    if top("Vulns") || (top("config") && has(shape.nested("config"), "scanner_name")) {
        return Err(
            "govulncheck's JSON output (`-json` / `-format json`), which regops does \
                    not read; write `govulncheck -format openvex` for `vex` or `-format sarif` \
                    for `findings`"
                .to_string(),
        );
    }
    // Coverage JSON regops does not read: gcc's `gcov --json-format`
    // (`gcc_version` first, then `files` of `{file, lines, functions}`),
    // grcov's `-t covdir` (a `children` tree beside `linesTotal`, ...: keys
    // are sorted, so a tree larger than the head shows only `children` and
    // reads as unrecognised) and `-t coveralls` (`source_files` of
    // `{coverage, name, ...}`, a Coveralls API job).
    let files = shape.nested("files");
    if top("gcc_version") || (top("files") && has(files, "lines") && has(files, "functions")) {
        return Err(
            "gcov's JSON (`gcov --json-format`), which regops does not read; write \
                    Cobertura (`gcovr --cobertura`) or LCOV (`lcov --capture`, or `gcovr \
                    --lcov`) from the same .gcda files"
                .to_string(),
        );
    }
    if top("children")
        && ["linesTotal", "linesCovered", "coveragePercent"]
            .iter()
            .any(|k| top(k))
    {
        return Err(
            "grcov's covdir JSON (`grcov -t covdir`), which regops does not read; write \
                    `grcov -t cobertura` or `grcov -t lcov` (with `--branch` for branches)"
                .to_string(),
        );
    }
    if top("source_files") && has(shape.nested("source_files"), "coverage") {
        return Err(
            "Coveralls JSON (`grcov -t coveralls`, a Coveralls upload), which regops does \
                    not read; write `grcov -t cobertura` or `grcov -t lcov` (with `--branch` \
                    for branches)"
                .to_string(),
        );
    }
    // OpenVEX: vexctl's documents of 2022 have no `@context` (`id` and
    // `format: text/vex+json` instead), so statements holding a
    // vulnerability and a status are enough.
    let statement_keys = shape.nested("statements");
    if top("statements") && (has(statement_keys, "vul_id") || has(statement_keys, "product_id")) {
        return Err(crate::formats::openvex::PRE_RELEASE_FIELDS.to_string());
    }
    if top("statements")
        && (top("@context")
            || (has(statement_keys, "vulnerability") && has(statement_keys, "status")))
    {
        return Ok(Format::OpenVex);
    }
    let match_keys = shape.nested("matches");
    if top("matches")
        && (top("descriptor")
            || top("distro")
            || (has(match_keys, "vulnerability") && has(match_keys, "artifact")))
    {
        return Ok(Format::Grype);
    }
    // `trivy k8s`: `ClusterName`, then the resources (none when nothing
    // was found; `Findings` in the summary report, refused).
    const TRIVY_KUBERNETES_KEYS: [&str; 6] = [
        "SchemaVersion",
        "ClusterName",
        "Resources",
        "Vulnerabilities",
        "Misconfigurations",
        "Findings",
    ];
    if top("ClusterName")
        && shape
            .top_keys
            .iter()
            .all(|k| TRIVY_KUBERNETES_KEYS.contains(&k.as_str()))
    {
        if top("Findings") {
            return Err(crate::formats::trivy::KUBERNETES_SUMMARY.to_string());
        }
        return Ok(Format::Trivy);
    }
    // `--compliance`: the controls' verdicts (`--report summary`), or the
    // findings the controls select, not every vulnerability.
    if top("SummaryControls") || (top("ID") && top("Title") && top("Results")) {
        return Err(
            "a Trivy compliance report (`--compliance`), which holds only what its \
                    controls check; scan without `--compliance` for a vulnerability report"
                .to_string(),
        );
    }
    // Trivy writes SchemaVersion, CreatedAt, ArtifactName, ArtifactType,
    // Metadata (large for images), then Results.
    if top("SchemaVersion")
        && [
            "Results",
            "ArtifactName",
            "ArtifactType",
            "CreatedAt",
            "Metadata",
        ]
        .iter()
        .any(|k| top(k))
    {
        return Ok(Format::Trivy);
    }
    if top("database") && top("vulnerabilities") {
        return Ok(Format::CargoAudit);
    }
    if top("auditReportVersion") {
        return Ok(Format::NpmAudit);
    }
    // npm 6's and pnpm's report version 1 (yarn 2/3 write it as a line).
    if top("advisories") && (top("actions") || top("muted")) {
        return Ok(Format::NpmAudit);
    }
    // yarn's JSON lines (the first line decides): yarn 1's `{type, data}`
    // advisory, action or summary; yarn 2+'s `{value, children}` advisory; the
    // info line of a clean `yarn npm audit --json`.
    let data = shape.nested("data");
    let children = shape.nested("children");
    if (top("type") && top("data"))
        && (has(data, "advisory")
            || (has(data, "cmd") && has(data, "action"))
            || (has(data, "vulnerabilities") && has(data, "totalDependencies")))
    {
        return Ok(Format::NpmAudit);
    }
    if top("value")
        && top("children")
        && (has(children, "Vulnerable Versions") || has(children, "Tree Versions"))
    {
        return Ok(Format::NpmAudit);
    }
    if top("type") && top("displayName") && s.windows(20).any(|w| w == b"No audit suggestions") {
        return Ok(Format::NpmAudit);
    }
    // bun: advisories by package name (the first package decides).
    if shape.top_keys.first().is_some_and(|first| {
        let advisory = shape.nested(first);
        has(advisory, "vulnerable_versions") && (has(advisory, "url") || has(advisory, "severity"))
    }) {
        return Ok(Format::NpmAudit);
    }
    if top("results")
        && shape.results_is_array
        && (top("experimental_config")
            || has(shape.nested("results"), "packages")
            || has(shape.nested("results"), "source"))
    {
        return Ok(Format::OsvScanner);
    }
    if top("dependencies")
        && (has(&shape.dependency_keys, "vulns")
            || has(&shape.dependency_keys, "skip_reason")
            || top("fixes"))
    {
        return Ok(Format::PipAudit);
    }
    Err(if shape.top_keys.is_empty() {
        "JSON object without keys".to_string()
    } else {
        format!("JSON object with keys {}", list_keys(&shape.top_keys))
    })
}

/// What a CSAF document is and what to give regops instead, by its
/// `document.category`.
fn describe_csaf(category: Option<&str>) -> String {
    match category {
        Some("csaf_vex") => "a CSAF VEX document (document.category csaf_vex); regops reads VEX \
                             as OpenVEX or CycloneDX: write the statements about your product as \
                             OpenVEX (`vexctl merge` converts CSAF VEX, but not its \
                             justifications, which a not_affected statement needs to clear a \
                             finding)"
            .to_string(),
        Some("csaf_security_advisory") => "a CSAF security advisory (document.category \
                                           csaf_security_advisory): a vendor's notice about its \
                                           products, not a scan of yours; list a scanner's report \
                                           under `vulnerabilities`"
            .to_string(),
        Some(other) => format!(
            "a CSAF document (document.category {}), which regops does not read",
            truncate_chars(other, 60)
        ),
        None => "a CSAF document, which regops does not read".to_string(),
    }
}

fn list_keys(keys: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut shown: Vec<String> = keys
        .iter()
        .take(SHOWN)
        .map(|k| truncate_chars(k, 40))
        .collect();
    if keys.len() > SHOWN {
        shown.push("...".to_string());
    }
    shown.join(", ")
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// A short description of content that is neither XML nor JSON.
fn describe_other(s: &[u8]) -> String {
    let sample = s.get(..s.len().min(512)).unwrap_or_default();
    let valid = match std::str::from_utf8(sample) {
        Ok(text) => Some(text),
        // A character cut at the end of the sample is fine.
        Err(e) if e.error_len().is_none() => sample
            .get(..e.valid_up_to())
            .and_then(|v| std::str::from_utf8(v).ok()),
        Err(_) => None,
    };
    match valid {
        Some(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
            let first_line = text.lines().next().unwrap_or_default().trim();
            format!("text starting with \"{}\"", truncate_chars(first_line, 40))
        }
        _ => "binary data".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_roots() {
        assert_eq!(detect(b"<testsuites/>"), Ok(Format::Junit));
        assert_eq!(
            detect(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<robot generator=\"Robot 7.5 (Python 3.11.7 on linux)\" rpa=\"false\" schemaversion=\"5\">\n<suite"),
            Ok(Format::RobotOutput)
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<!-- hi -->\n<testsuite name='x'>"),
            Ok(Format::Junit)
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM \"x.dtd\" [ <!ELEMENT a (b)> ]>\n<coverage line-rate=\"1\">"),
            Ok(Format::Cobertura)
        );
        assert_eq!(
            detect(b"<project/>"),
            Err("XML with root element <project>".to_string())
        );
        assert!(
            detect(b"<?xml version=\"1.0\"?>\n<failsafe-summary result=\"255\" timeout=\"false\">")
                .is_err_and(|e| e.contains("list the TEST-*.xml files instead"))
        );
        assert!(detect(b"<coverage clover=\"4\" generated=\"1\">").is_err());
        assert!(detect(b"<coverage version=\"1\" clover=\"4\"><file path=\"a\"/>").is_err());
        // PHPUnit writes Clover without the attribute.
        assert!(detect(b"<coverage generated=\"1\">\n  <project timestamp=\"1\">").is_err());
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<!-- unterminated"),
            Err(TRUNCATED_PROLOG.to_string())
        );
    }

    /// `<coverage>`: SonarQube's generic coverage by a `<file>` first child or
    /// a lone `version="1"`; Cobertura otherwise.
    #[test]
    fn coverage_roots() {
        for sonar in [
            "<coverage version=\"1\"><file path=\"a.c\">",
            "<?xml version='1.0' encoding='utf-8'?>\n<coverage version=\"1\">\n  <file path=\"a\"/>",
            "<coverage version='1'/>",
            "<coverage version=\"1\">",
            "<coverage version = \"1\" >\n<!-- x --><?pi?>\n<file path=\"a\">",
            "<coverage version=\"1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<coverage version=\"1\"></coverage>",
            // A first child <file>, whatever the attributes.
            "<coverage><file path=\"a.c\"/></coverage>",
            "<coverage version=\"2\"><s:file path=\"a.c\"/></coverage>",
        ] {
            assert_eq!(
                detect(sonar.as_bytes()),
                Ok(Format::SonarCoverage),
                "{sonar}"
            );
        }
        for cobertura in [
            "<coverage line-rate=\"1\">",
            "<coverage/>",
            "<coverage>",
            "<coverage></coverage>",
            "<coverage version=\"7.6.1\" timestamp=\"1\" lines-valid=\"4\"><sources>",
            "<coverage version=\"1\" line-rate=\"1\"><packages>",
            // A lone version="1" before Cobertura's own children.
            "<coverage version=\"1\"><sources><source>.</source></sources>",
            "<coverage version=\"1\">\n<packages>",
            // A tag the head cuts, or that does not parse.
            "<coverage version=\"1",
            "<coverage version=1>",
        ] {
            assert_eq!(
                detect(cobertura.as_bytes()),
                Ok(Format::Cobertura),
                "{cobertura}"
            );
        }
    }

    #[test]
    fn json_shapes() {
        assert_eq!(
            detect(br#"{"runs":[{"tool":{"driver":{"name":"x"}}}]"#),
            Ok(Format::Sarif)
        );
        // The head of a large gosec or CodeQL 2.0 log: only a run's first key.
        assert_eq!(
            detect(br#"{"runs":[{"results":[{"level":"error","locations":["#),
            Ok(Format::Sarif)
        );
        assert_eq!(
            detect(br#"{"runs":[{"artifacts":[{"location":{"index":0,"#),
            Ok(Format::Sarif)
        );
        assert!(detect(br#"{"runs":[{"name":"nightly","passed":3}]}"#).is_err());
        assert_eq!(
            detect(br#"{"$schema":"https://json.schemastore.org/sarif-2.1.0.json"}"#),
            Ok(Format::Sarif)
        );
        assert_eq!(
            detect(br#"{"version":"2.1.0","runs":[]}"#),
            Ok(Format::Sarif)
        );
        assert_eq!(
            detect(br#"{"dependencies":[{"name":"a","version":"1","vulns":[]}],"fixes":[]}"#),
            Ok(Format::PipAudit)
        );
        assert_eq!(
            detect(br#"[{"name":"a","version":"1","vulns":[]}]"#),
            Ok(Format::PipAudit)
        );
        assert_eq!(
            detect(br#"{"name":"x","version":"1.0.0","scripts":{"a":"b \" c"}}"#),
            Err("JSON object with keys name, version, scripts".to_string())
        );
        // CycloneDX also has a top-level dependencies array, of a different shape.
        assert_eq!(
            detect(br#"{"bomFormat":"CycloneDX","dependencies":[{"ref":"a","dependsOn":[]}]}"#),
            Ok(Format::CycloneDxJson)
        );
    }

    #[test]
    fn other_content() {
        assert_eq!(detect(b""), Err("empty file".to_string()));
        assert_eq!(detect(b"\x00\x01\x02\xff"), Err("binary data".to_string()));
        assert_eq!(detect(b"SF:src/lib.rs\nDA:1,1\n"), Ok(Format::Lcov));
        assert_eq!(detect(b"TN:\nSF:src/lib.rs\n"), Ok(Format::Lcov));
        assert_eq!(
            detect(b"mode: atomic\r\nx.go:1.1,2.2 1 0\n"),
            Ok(Format::GoCoverprofile)
        );
        assert!(detect(b"mode: sets\n").is_err());
        assert!(detect(b"SPDXVersion: SPDX-2.3\n").is_err());
        assert_eq!(
            detect(b"hello\nworld"),
            Err("text starting with \"hello\"".to_string())
        );
    }
}
