//! CycloneDX 1.x JSON (1.4–1.7 are what current tools write; older 1.x
//! documents read the same way), as cyclonedx-py, cargo-cyclonedx,
//! @cyclonedx/cyclonedx-npm, `npm sbom`, syft, Trivy and Dependency-Track
//! write it. The XML encoding is read by [`super::cyclonedx_xml`] into the
//! same [`Bom`], so both give identical records.
//!
//! One document can be listed under three kinds of evidence, and yields what
//! the kind asks for:
//!
//! * `components`: every entry of `components[]`, nested `components[]`
//!   flattened in document order (parent first), nesting capped at
//!   [`MAX_NESTING`] levels. `metadata.component` is the product itself, not
//!   a SOUP component, and is left out (with the components nested in it,
//!   which are the product's own parts). Per component: `name` (prefixed by
//!   `group` as `group/name`, or `group:name` for Maven purls), `version`,
//!   `purl`, licences from `licenses[]` (`license.id`, else `license.name`,
//!   or `expression`; duplicates dropped), `hashes[] {alg, content}` (else
//!   the hashes of its `distribution` external reference, where
//!   cyclonedx-py puts a requirements file's `--hash`) as
//!   written, supplier from `supplier.name`, else `manufacturer.name`, else
//!   `author`, else the first of `authors[].name`, else `publisher`.
//!   Direct versus transitive comes from `dependencies[] {ref, dependsOn}`
//!   seen from the product's `bom-ref` (see [`super::sbom`]); without a
//!   dependency graph, `direct` is `None`.
//!   Entries that are not packages are left out ([`Entry`]): Trivy's node
//!   for each scanned lockfile (`application` with property
//!   `aquasecurity:trivy:Class` `lang-pkgs`) and for the operating system
//!   (`operating-system`, Class `os-pkgs`), syft's operating system
//!   (`syft:distro:*` properties), and `file` components with neither
//!   version nor purl (syft lists each package's files; one warning counts
//!   them). None of these has a purl; one that has is a component. A
//!   grouping node is transparent in the graph: a package a lockfile lists
//!   is direct when the lockfile hangs from the product. An operating
//!   system whose packages the SBOM does not list (none hangs under it, none
//!   names it in a purl's `distro` qualifier) stays a component, with a
//!   warning: it is then the only record of that software. (Key order does not matter:
//!   cyclonedx-py writes `components` and `dependencies` before `metadata`
//!   and `bomFormat` last.)
//! * `vulnerabilities`: one record per (entry of `vulnerabilities[]`, entry
//!   of its `affects[]`). The affected package is the component whose
//!   `bom-ref` is `affects[].ref` (its name, version and purl); a ref naming
//!   no component is used as the purl when it is one (`pkg:...`), else as
//!   the package name. `aliases` are `references[].id`. Severity follows
//!   the rule of [`super::vuln`] over `ratings[]`: vectors of ratings whose
//!   `method` is `CVSSv3`/`CVSSv31`/`CVSSv4` (a vector written without its
//!   `CVSS:3.x/` prefix gets the one the method names), every rating's
//!   `severity` and the first stated `score`. `scanner` is the first tool in
//!   `metadata.tools` (either the 1.4 array or the 1.5 `{components,
//!   services}` object), else `cyclonedx`. A vulnerability with no
//!   `affects` is reported against `metadata.component` (else a package
//!   named "(no affected component stated)"), with a warning; one with an
//!   `analysis` gets a warning saying to list the file under `vex` as well
//!   (the analysis is not applied from here).
//! * `vex`: one statement per vulnerability with an `analysis`. Its
//!   products are the affected components' purls (the ref itself when the
//!   component has none or is not in the document). `analysis.state` maps
//!   onto OpenVEX's four statuses: `not_affected` and `false_positive` →
//!   not affected, `exploitable` → affected, `resolved` and
//!   `resolved_with_pedigree` → fixed, `in_triage` → under investigation.
//!   `justification` is written in CycloneDX's vocabulary
//!   (`code_not_reachable`...); a `false_positive` without one gets
//!   `false_positive`. `detail` is `analysis.detail`. The timestamp is
//!   `analysis.lastUpdated`, else `firstIssued`, else the vulnerability's
//!   `updated` / `published`, else `metadata.timestamp`; the author is the
//!   first of `metadata.authors[].name`, else `metadata.supplier.name`.
//!   A not-affected statement without a justification is kept, with one
//!   warning. Vulnerabilities without an analysis make no statement (one
//!   warning counts them).
//!
//! Refused: a `bomFormat` other than `CycloneDX`, a `specVersion` whose
//! major version is not 1, an analysis state outside CycloneDX's
//! vocabulary, nesting deeper than [`MAX_NESTING`] components.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseContext;
use super::sbom::{Graph, NamedProduct};
use super::vuln::{
    Score, SeverityInput, SeverityJudge, Text, null_default, push_alias, push_unique,
};
use crate::error::FormatError;
use crate::model::{Assessment, Component, Hash, VexStatement, VexStatus, Vulnerability};
use crate::{Evidence, EvidenceKind};

/// Deepest nesting of `components[]` inside components accepted.
pub const MAX_NESTING: usize = 32;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    kind: EvidenceKind,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let raw: RawBom = super::read_json_document(reader)?;
    from_raw(raw, ctx, kind, evidence)
}

/// [`parse`], streaming the document from `reader` instead of holding the
/// file: the same records and warnings, and an error wherever [`parse`] has
/// one, though serde_json may place it a character further on (the loader
/// parses the file again with [`parse`] for the error).
pub fn parse_stream<R: BufRead + ?Sized>(
    reader: &mut R,
    ctx: &mut ParseContext<'_>,
    kind: EvidenceKind,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let raw: RawBom = super::read_json_stream(reader)?;
    from_raw(raw, ctx, kind, evidence)
}

fn from_raw(
    raw: RawBom,
    ctx: &mut ParseContext<'_>,
    kind: EvidenceKind,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    if let Some(format) = raw.bom_format.as_ref().and_then(Text::non_empty)
        && format != "CycloneDX"
    {
        return Err(FormatError::whole_file(format!(
            "bomFormat is \"{format}\"; a CycloneDX document says \"CycloneDX\""
        )));
    }
    check_spec_version(raw.spec_version.as_ref().and_then(Text::non_empty))?;
    let bom = raw.into_bom();
    emit(bom, kind, ctx, evidence)
}

pub(crate) fn check_spec_version(version: Option<&str>) -> Result<(), FormatError> {
    if let Some(v) = version
        && v.split('.').next() != Some("1")
    {
        return Err(FormatError::whole_file(format!(
            "CycloneDX specVersion {v} is not supported; regops reads CycloneDX 1.x"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The format-neutral document, shared with the XML reader.

#[derive(Debug, Default)]
pub(crate) struct Bom {
    pub product: Option<BomComponent>,
    pub components: Vec<BomComponent>,
    pub graph: Graph,
    pub vulnerabilities: Vec<BomVulnerability>,
    pub tool: Option<String>,
    pub author: Option<String>,
    pub timestamp: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct BomComponent {
    pub bom_ref: Option<String>,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub purl: Option<String>,
    pub licences: Vec<String>,
    pub hashes: Vec<Hash>,
    pub supplier: Option<String>,
    /// CycloneDX `type`, as far as telling packages apart needs it.
    pub kind: Kind,
    /// The producers' markers from `properties[]`.
    pub markers: Markers,
}

/// A component's CycloneDX `type`: the three that can mark an entry that is
/// not a package, and every other (`library`, `framework`, ...).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Application,
    OperatingSystem,
    File,
    #[default]
    Other,
}

impl Kind {
    pub(crate) fn of(s: &str) -> Kind {
        match s.trim() {
            "application" => Kind::Application,
            "operating-system" => Kind::OperatingSystem,
            "file" => Kind::File,
            _ => Kind::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Loose(Kind::of, Kind::Other))
    }
}

/// What an entry of `components[]` stands for. Producers list entries that
/// are not packages beside their packages; only packages are SOUP
/// components. Each kind is told by what its producer writes, never by a
/// missing field alone, so a real component is never left out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    /// A package: a SOUP candidate.
    Package,
    /// A scanned lockfile, binary or language directory, under which Trivy
    /// lists the packages it names (`application` with Class `lang-pkgs`,
    /// no purl).
    Lockfile,
    /// The scanned operating system: Trivy lists its packages under it
    /// (`operating-system` with Class `os-pkgs`), syft beside it
    /// (`syft:distro:*` properties); no purl.
    OperatingSystem,
    /// A file with neither version nor purl (`type: file`): syft lists the
    /// files its packages own, each package being the SOUP item.
    File,
}

impl BomComponent {
    fn entry(&self) -> Entry {
        if self.purl.is_some() {
            return Entry::Package;
        }
        let class = self.markers.trivy_class;
        match self.kind {
            Kind::Application if class == Some(TrivyClass::LangPkgs) => Entry::Lockfile,
            Kind::OperatingSystem
                if class == Some(TrivyClass::OsPkgs) || self.markers.syft_distro =>
            {
                Entry::OperatingSystem
            }
            Kind::File if self.version.is_none() => Entry::File,
            _ => Entry::Package,
        }
    }

    /// Whether the SBOM lists this operating system's packages: Trivy hangs
    /// them under it; syft names it in their purls' `distro` qualifier
    /// (`distro=debian-12`; Trivy writes `debian-12.5`, or the version alone
    /// for Alpine).
    fn packages_listed(&self, bom: &Bom) -> bool {
        if self
            .bom_ref
            .as_deref()
            .is_some_and(|r| bom.graph.has_edges(r))
        {
            return true;
        }
        let name = self.name.trim();
        let version = self.version.as_deref().unwrap_or("");
        let release = format!("{name}-{version}");
        let named = |distro: &str| {
            distro.eq_ignore_ascii_case(&release)
                || (!version.is_empty() && distro == version)
                || (version.is_empty() && distro.eq_ignore_ascii_case(name))
        };
        bom.components.iter().any(|c| {
            c.purl
                .as_deref()
                .and_then(distro_qualifier)
                .is_some_and(|d| named(&d))
        })
    }

    fn display_name(&self) -> String {
        match self
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            Some(group) => {
                let maven = self
                    .purl
                    .as_deref()
                    .is_some_and(|p| p.starts_with("pkg:maven/"));
                format!(
                    "{group}{}{}",
                    if maven { ":" } else { "/" },
                    self.name.trim()
                )
            }
            None => self.name.trim().to_string(),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct BomRating {
    pub method: Option<String>,
    pub vector: Option<String>,
    pub severity: Option<String>,
    pub score: Option<f64>,
}

#[derive(Debug, Default)]
pub(crate) struct BomAnalysis {
    pub state: Option<String>,
    pub justification: Option<String>,
    pub detail: Option<String>,
    pub first_issued: Option<String>,
    pub last_updated: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct BomVulnerability {
    pub id: String,
    pub references: Vec<String>,
    pub ratings: Vec<BomRating>,
    pub affects: Vec<BomAffects>,
    pub analysis: Option<BomAnalysis>,
    pub published: Option<String>,
    pub updated: Option<String>,
}

/// One `affects[]` entry: the component and, when given, which of its
/// versions the vulnerability affects.
#[derive(Debug, Default)]
pub(crate) struct BomAffects {
    pub reference: String,
    pub versions: Vec<BomVersion>,
}

/// One `affects[].versions[]` entry: an exact `version` or a `range`
/// (`vers:` syntax), with its `status` (absent: `affected`, the schema's
/// default).
#[derive(Debug, Default)]
pub(crate) struct BomVersion {
    pub version: Option<String>,
    pub range: Option<String>,
    pub status: Option<String>,
}

/// A vector as the rating's method says it should be written.
fn normalised_vector(rating: &BomRating) -> Option<String> {
    let vector = rating.vector.as_deref()?.trim();
    if vector.is_empty() {
        return None;
    }
    if vector.starts_with("CVSS:") {
        return Some(vector.to_string());
    }
    let vector = vector.trim_start_matches('(').trim_end_matches(')');
    let prefix = match rating.method.as_deref().map(str::trim) {
        Some("CVSSv31") => "CVSS:3.1/",
        Some("CVSSv3") => "CVSS:3.0/",
        Some("CVSSv4") => "CVSS:4.0/",
        _ => return None,
    };
    Some(format!("{prefix}{vector}"))
}

/// CycloneDX analysis state → OpenVEX status.
fn status_of(state: &str) -> Option<VexStatus> {
    Some(match state.trim() {
        "not_affected" | "false_positive" => VexStatus::NotAffected,
        "exploitable" => VexStatus::Affected,
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "in_triage" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

/// `(name, version)` of a purl: the last path segment, percent-decoded.
pub(crate) fn purl_name_version(purl: &str) -> (String, Option<String>) {
    let (path, version, _) = super::vuln::purl_parts(purl);
    let name = path.rsplit('/').next().unwrap_or(path);
    (
        percent_decode(name),
        version.map(percent_decode).filter(|v| !v.is_empty()),
    )
}

/// The `distro` qualifier of a purl, percent-decoded.
fn distro_qualifier(purl: &str) -> Option<String> {
    let (_, _, rest) = super::vuln::purl_parts(purl);
    let qualifiers = rest.strip_prefix('?')?;
    let qualifiers = qualifiers.split('#').next().unwrap_or(qualifiers);
    qualifiers
        .split('&')
        .find_map(|q| q.strip_prefix("distro="))
        .map(percent_decode)
}

pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

pub(crate) fn emit(
    bom: Bom,
    kind: EvidenceKind,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    match kind {
        EvidenceKind::Vulnerabilities => {
            emit_vulnerabilities(bom, ctx, &mut evidence.vulnerabilities)
        }
        EvidenceKind::Vex => emit_vex(bom, ctx, &mut evidence.vex),
        _ => {
            emit_components(bom, ctx, &mut evidence.components);
            Ok(())
        }
    }
}

fn emit_components(mut bom: Bom, ctx: &mut ParseContext<'_>, out: &mut Vec<Component>) {
    // Entries that group or describe packages are not components; an
    // operating system whose packages the SBOM does not list is one, as
    // the only record of that software.
    let mut unlisted_os = Vec::new();
    let entries: Vec<Entry> = bom
        .components
        .iter()
        .map(|c| match c.entry() {
            Entry::OperatingSystem if !c.packages_listed(&bom) => {
                unlisted_os.push(versioned_name(c));
                Entry::Package
            }
            entry => entry,
        })
        .collect();
    let mut files = 0u64;
    let mut first_file = None;
    let mut first_grouping = None;
    let mut transparent = Vec::new();
    for (c, entry) in bom.components.iter().zip(&entries) {
        match entry {
            Entry::Package => continue,
            Entry::File => {
                files += 1;
                first_file.get_or_insert_with(|| c.display_name());
            }
            Entry::Lockfile | Entry::OperatingSystem => {}
        }
        first_grouping.get_or_insert_with(|| versioned_name(c));
        if let Some(r) = &c.bom_ref {
            transparent.push(local_ref(r).to_string());
        }
    }
    // Packages the configuration names as the product stand for it.
    let mut named = NamedProduct::new(&ctx.options.product_components);
    let mut roots: Vec<String> = bom
        .product
        .as_ref()
        .and_then(|p| p.bom_ref.clone())
        .into_iter()
        .collect();
    let mut packages: Vec<&BomComponent> = Vec::new();
    for (c, entry) in bom.components.iter().zip(&entries) {
        if *entry != Entry::Package {
            continue;
        }
        let names = || vec![c.display_name().into(), c.name.as_str().into()];
        if named.matches(names, c.purl.as_deref(), || versioned_name(c)) {
            if let Some(r) = &c.bom_ref {
                transparent.push(local_ref(r).to_string());
                roots.push(local_ref(r).to_string());
            }
        } else {
            packages.push(c);
        }
    }
    for r in &transparent {
        bom.graph.make_transparent(r);
    }
    named.warn(&mut ctx.warnings);
    let refs: Vec<Option<&str>> = packages.iter().map(|c| c.bom_ref.as_deref()).collect();
    let names: Vec<String> = packages.iter().map(|c| versioned_name(c)).collect();
    let flags = bom
        .graph
        .direct_flags(&roots, &refs, &names, &mut ctx.warnings);
    if bom.components.is_empty() {
        ctx.warnings
            .push("the SBOM lists no components".to_string());
    } else if packages.is_empty() {
        ctx.warnings.push(format!(
            "the SBOM lists no packages, only {} entr(ies) that group or describe them (first: \
             {})",
            bom.components.len(),
            first_grouping.unwrap_or_default()
        ));
    }
    for name in unlisted_os {
        ctx.warnings.push(format!(
            "the SBOM names the operating system {name} but none of its packages (none hangs \
             under it or names it in a purl's `distro` qualifier), so the operating system is \
             read as a component"
        ));
    }
    if let Some(first) = first_file {
        ctx.warnings.push(format!(
            "{files} `file` component(s) without a version or purl are files, not packages (syft \
             lists the files each package owns), and are not read as components (first: {first})"
        ));
    }
    let mut nameless = 0u64;
    for (c, direct) in packages.into_iter().zip(flags) {
        let name = c.display_name();
        if name.is_empty() {
            nameless += 1;
        }
        out.push(Component {
            name,
            version: c.version.clone(),
            purl: c.purl.clone(),
            licences: c.licences.clone(),
            hashes: c.hashes.clone(),
            supplier: c.supplier.clone(),
            direct,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    if nameless > 0 {
        ctx.warnings.push(format!(
            "{nameless} component(s) have no name (CycloneDX requires one); they are listed with an empty name"
        ));
    }
}

/// `name version`, as warnings name a component.
fn versioned_name(c: &BomComponent) -> String {
    match &c.version {
        Some(v) => format!("{} {v}", c.display_name()),
        None => c.display_name(),
    }
}

fn component_index(bom: &Bom) -> HashMap<&str, &BomComponent> {
    let mut by_ref = HashMap::new();
    for c in bom.product.iter().chain(bom.components.iter()) {
        if let Some(r) = c.bom_ref.as_deref() {
            by_ref.entry(r).or_insert(c);
        }
    }
    by_ref
}

/// `purl` naming `version` instead of the version it names, if any
/// (qualifiers and subpath kept).
fn purl_with_version(purl: &str, version: &str) -> String {
    let (path, _, rest) = super::vuln::purl_parts(purl);
    format!("{path}@{}{rest}", super::vuln::purl_encode(version, false))
}

/// A BOM-Link `urn:cdx:<serial>/<version>#<bom-ref>` names the ref after `#`.
fn local_ref(r: &str) -> &str {
    if r.starts_with("urn:cdx:")
        && let Some((_, fragment)) = r.split_once('#')
    {
        return fragment;
    }
    r
}

fn emit_vulnerabilities(
    bom: Bom,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let by_ref = component_index(&bom);
    let scanner = bom.tool.clone().unwrap_or_else(|| "cyclonedx".to_string());
    let mut judge = SeverityJudge::default();
    let mut unaffecting = 0u64;
    let mut analysed = 0u64;
    if bom.vulnerabilities.is_empty() {
        ctx.warnings
            .push("the CycloneDX document lists no vulnerabilities".to_string());
    }
    for v in &bom.vulnerabilities {
        if v.analysis.is_some() {
            analysed += 1;
        }
        if v.affects.is_empty() {
            unaffecting += 1;
        }
        let vectors: Vec<String> = v.ratings.iter().filter_map(normalised_vector).collect();
        let input = SeverityInput {
            vectors: vectors.iter().map(String::as_str).collect(),
            words: v
                .ratings
                .iter()
                .filter_map(|r| r.severity.as_deref())
                .collect(),
            score: v.ratings.iter().find_map(|r| r.score),
            ..SeverityInput::default()
        };
        let (severity, cvss_score) = judge.judge(&v.id, &input);
        let mut aliases = Vec::new();
        for r in &v.references {
            push_alias(&mut aliases, r, &v.id);
        }
        // A vulnerability naming no affected component is still reported
        // (a gate must see it): against the document's product, if any.
        let mut targets: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        if v.affects.is_empty() {
            targets.push(match &bom.product {
                Some(p) => (p.display_name(), p.version.clone(), p.purl.clone()),
                None => ("(no affected component stated)".to_string(), None, None),
            });
        }
        let mut seen = Vec::new();
        for affected in &v.affects {
            let r = local_ref(&affected.reference);
            if seen.contains(&r) {
                continue;
            }
            seen.push(r);
            targets.push(match by_ref.get(r) {
                Some(c) => (c.display_name(), c.version.clone(), c.purl.clone()),
                None if r.starts_with("pkg:") => {
                    let (name, version) = purl_name_version(r);
                    (name, version, Some(r.to_string()))
                }
                None => (r.to_string(), None, None),
            });
        }
        for (package, version, purl) in targets {
            out.push(Vulnerability {
                id: v.id.clone(),
                aliases: aliases.clone(),
                package,
                version,
                purl,
                severity,
                cvss_score,
                fixed_versions: Vec::new(),
                scanner: scanner.clone(),
                database_time: None,
                assessment: None,
                evidence: ctx.evidence_path.to_string(),
            });
        }
    }
    judge.report(&mut ctx.warnings);
    if unaffecting > 0 {
        ctx.warnings.push(format!(
            "{unaffecting} vulnerabilit{} no affects[], so no affected component; reported \
             against the document's product (metadata.component), else as \
             \"(no affected component stated)\"",
            if unaffecting == 1 {
                "y has"
            } else {
                "ies have"
            }
        ));
    }
    if analysed > 0 {
        ctx.warnings.push(format!(
            "{analysed} vulnerabilit{} an analysis (VEX), which is not applied from a file listed \
             under `vulnerabilities`; list the file under `vex` as well to apply it",
            if analysed == 1 { "y has" } else { "ies have" }
        ));
    }
    Ok(())
}

fn emit_vex(
    bom: Bom,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<VexStatement>,
) -> Result<(), FormatError> {
    let by_ref = component_index(&bom);
    let mut without_analysis = 0u64;
    let mut unjustified = Vec::new();
    let mut ranges: Vec<String> = Vec::new();
    let mut unversioned: Vec<String> = Vec::new();
    let mut uncovering: Vec<String> = Vec::new();
    for v in &bom.vulnerabilities {
        let Some(analysis) = &v.analysis else {
            without_analysis += 1;
            continue;
        };
        let Some(state) = analysis
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            without_analysis += 1;
            continue;
        };
        let status = status_of(state).ok_or_else(|| {
            FormatError::whole_file(format!(
                "vulnerability {}: analysis state `{state}` is not a CycloneDX state; expected \
                 resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or \
                 not_affected",
                v.id
            ))
        })?;
        let mut justification = analysis
            .justification
            .as_deref()
            .map(str::trim)
            .filter(|j| !j.is_empty())
            .map(str::to_string);
        if justification.is_none() && state == "false_positive" {
            justification = Some("false_positive".to_string());
        }
        if status == VexStatus::NotAffected && justification.is_none() {
            unjustified.push(v.id.clone());
        }
        let clears = matches!(status, VexStatus::NotAffected | VexStatus::Fixed);
        let mut products = Vec::new();
        for affected in &v.affects {
            let r = local_ref(&affected.reference);
            let product = by_ref.get(r).and_then(|c| c.purl.as_deref()).unwrap_or(r);
            if affected.versions.is_empty() {
                push_unique(&mut products, product);
                continue;
            }
            // Only the versions the entry names, and only those whose own
            // status agrees with the analysis: a not-affected analysis covers
            // the versions listed `unaffected`, not the ones listed
            // `affected` beside them.
            for listed in &affected.versions {
                let unaffected = listed
                    .status
                    .as_deref()
                    .is_some_and(|s| s.trim() == "unaffected");
                if unaffected != clears {
                    continue;
                }
                match (
                    listed.version.as_deref().map(str::trim),
                    product.starts_with("pkg:"),
                ) {
                    (Some(version), true) if !version.is_empty() => {
                        push_unique(&mut products, &purl_with_version(product, version));
                    }
                    (Some(_), false) => unversioned.push(format!("{}: {product}", v.id)),
                    _ => {
                        if let Some(range) = &listed.range {
                            ranges.push(format!("{}: {}", v.id, range.trim()));
                        }
                    }
                }
            }
        }
        if products.is_empty() {
            // An analysis that names no component is about the document's
            // product; without one it identifies nothing. Either way it must
            // not become a statement about every product.
            if let (Some(product), true) = (&bom.product, v.affects.is_empty()) {
                let id = product.purl.as_deref().or(product.bom_ref.as_deref());
                push_unique(&mut products, id.unwrap_or(&product.name));
            }
            if products.is_empty() {
                uncovering.push(v.id.clone());
                continue;
            }
        }
        let mut aliases = Vec::new();
        for r in &v.references {
            push_alias(&mut aliases, r, &v.id);
        }
        let timestamp = [
            &analysis.last_updated,
            &analysis.first_issued,
            &v.updated,
            &v.published,
            &bom.timestamp,
        ]
        .into_iter()
        .find_map(|t| t.as_deref().map(str::trim).filter(|t| !t.is_empty()))
        .map(str::to_string);
        out.push(VexStatement {
            vulnerability: v.id.clone(),
            aliases,
            products,
            assessment: Assessment {
                status,
                justification,
                detail: analysis
                    .detail
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                author: bom.author.clone(),
                timestamp,
                evidence: ctx.evidence_path.to_string(),
            },
        });
    }
    if bom.vulnerabilities.is_empty() {
        ctx.warnings.push(
            "the CycloneDX document lists no vulnerabilities, so it makes no VEX statement"
                .to_string(),
        );
    }
    if let Some(first) = unjustified.first() {
        ctx.warnings.push(format!(
            "{} not-affected statement(s) give no justification (first: {first}); the status is kept",
            unjustified.len()
        ));
    }
    if let Some(first) = ranges.first() {
        ctx.warnings.push(format!(
            "{} affects[].versions range(s) are not evaluated, so a statement covers only the \
             exact versions it lists (first: {first})",
            ranges.len()
        ));
    }
    if let Some(first) = unversioned.first() {
        ctx.warnings.push(format!(
            "{} affects[].versions entr(ies) name a version of a component without a purl, which \
             cannot be matched by version, and were not applied (first: {first})",
            unversioned.len()
        ));
    }
    if let Some(first) = uncovering.first() {
        ctx.warnings.push(format!(
            "{} analysed vulnerabilit(ies) cover no component or version regops can match (no \
             affects[] and no metadata.component, or only version ranges), so they make no VEX \
             statement (first: {first})",
            uncovering.len()
        ));
    }
    if without_analysis > 0 {
        ctx.warnings.push(format!(
            "{without_analysis} vulnerabilit{} no analysis, so no VEX statement",
            if without_analysis == 1 {
                "y has"
            } else {
                "ies have"
            }
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// JSON shapes.

#[derive(Deserialize)]
struct RawBom {
    #[serde(rename = "bomFormat")]
    bom_format: Option<Text>,
    #[serde(rename = "specVersion")]
    spec_version: Option<Text>,
    metadata: Option<RawMetadata>,
    #[serde(default, deserialize_with = "flattened")]
    components: Vec<BomComponent>,
    #[serde(default, deserialize_with = "null_default")]
    dependencies: Vec<RawDependency>,
    #[serde(default, deserialize_with = "null_default")]
    vulnerabilities: Vec<RawVulnerability>,
}

#[derive(Deserialize, Default)]
struct RawMetadata {
    timestamp: Option<String>,
    tools: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "null_default")]
    authors: Vec<RawContact>,
    supplier: Option<RawContact>,
    component: Option<RawComponent>,
}

#[derive(Deserialize, Default)]
struct RawContact {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawComponent {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<Text>,
    name: Option<Text>,
    group: Option<String>,
    version: Option<Text>,
    purl: Option<String>,
    #[serde(deserialize_with = "null_default")]
    licenses: Vec<RawLicenceChoice>,
    #[serde(deserialize_with = "null_default")]
    hashes: Vec<RawHash>,
    #[serde(rename = "externalReferences", deserialize_with = "null_default")]
    external_references: Vec<RawExternalReference>,
    supplier: Option<RawContact>,
    manufacturer: Option<RawContact>,
    author: Option<String>,
    #[serde(deserialize_with = "null_default")]
    authors: Vec<RawContact>,
    publisher: Option<String>,
    #[serde(rename = "type")]
    kind: Kind,
    properties: Markers,
}

/// What `properties[]` tells about a component: only the producers'
/// markers of entries that are not packages are kept, each string classified
/// as it is read (nothing is held, so thousands of properties cost no
/// allocation). Read loosely: a property of another shape is skipped, never
/// a reason to refuse the SBOM.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Markers {
    trivy_class: Option<TrivyClass>,
    syft_distro: bool,
}

/// Trivy's `aquasecurity:trivy:Class` of a component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TrivyClass {
    /// `lang-pkgs`: a lockfile's packages.
    LangPkgs,
    /// `os-pkgs`: the operating system's packages.
    OsPkgs,
    Other,
}

/// A property's name or value, as far as the markers need it.
#[derive(Clone, Copy, PartialEq)]
enum Word {
    TrivyClassName,
    SyftDistroName,
    Class(TrivyClass),
    /// Any other string, or a value that is not one.
    Other,
}

impl Word {
    fn of(s: &str) -> Word {
        match s.trim() {
            "aquasecurity:trivy:Class" => Word::TrivyClassName,
            "lang-pkgs" => Word::Class(TrivyClass::LangPkgs),
            "os-pkgs" => Word::Class(TrivyClass::OsPkgs),
            s if s.starts_with("syft:distro:") => Word::SyftDistroName,
            _ => Word::Other,
        }
    }
}

impl Markers {
    /// Takes in one property `{name, value}` (the XML reader's way in).
    pub(crate) fn add(&mut self, name: &str, value: Option<&str>) {
        self.add_words(Word::of(name), value.map_or(Word::Other, Word::of));
    }

    fn add_words(&mut self, name: Word, value: Word) {
        match (name, value) {
            (Word::TrivyClassName, Word::Class(class)) => self.trivy_class = Some(class),
            (Word::TrivyClassName, _) => self.trivy_class = Some(TrivyClass::Other),
            (Word::SyftDistroName, _) => self.syft_distro = true,
            _ => {}
        }
    }
}

/// `visit_*` methods reading every scalar but a string as `$none` (or as
/// the visitor's field `$n`).
macro_rules! scalars_read_as {
    (@with $this:ident, $none:expr) => {
        fn visit_unit<E: de::Error>($this) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_bool<E: de::Error>($this, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E: de::Error>($this, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E: de::Error>($this, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E: de::Error>($this, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
    (field $n:tt) => {
        scalars_read_as!(@with self, self.$n);
    };
    ($none:expr) => {
        scalars_read_as!(@with self, $none);
    };
}

/// `properties`: an array of `{name, value}`; anything else is skipped.
impl<'de> Deserialize<'de> for Markers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Markers;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of properties")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Markers, A::Error> {
                let mut markers = Markers::default();
                while let Some(Property(name, value)) = seq.next_element()? {
                    markers.add_words(name, value);
                }
                Ok(markers)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Markers, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Markers::default())
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<Markers, E> {
                Ok(Markers::default())
            }

            scalars_read_as!(Markers::default());
        }
        d.deserialize_any(V)
    }
}

/// One property: its name and value as [`Word`]s.
struct Property(Word, Word);

impl<'de> Deserialize<'de> for Property {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Property;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property {name, value}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Property, A::Error> {
                let mut p = Property(Word::Other, Word::Other);
                while let Some(key) = map.next_key::<PropertyKey>()? {
                    match key {
                        PropertyKey::Name => {
                            p.0 = map.next_value_seed(Loose(Word::of, Word::Other))?
                        }
                        PropertyKey::Value => {
                            p.1 = map.next_value_seed(Loose(Word::of, Word::Other))?
                        }
                        PropertyKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(p)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Property, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Property(Word::Other, Word::Other))
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<Property, E> {
                Ok(Property(Word::Other, Word::Other))
            }

            scalars_read_as!(Property(Word::Other, Word::Other));
        }
        d.deserialize_any(V)
    }
}

enum PropertyKey {
    Name,
    Value,
    Other,
}

impl<'de> Deserialize<'de> for PropertyKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PropertyKey;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property key")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropertyKey, E> {
                Ok(match v {
                    "name" => PropertyKey::Name,
                    "value" => PropertyKey::Value,
                    _ => PropertyKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// Deserialises a string through the function, reading any other value as
/// the second field (and skipping it), so that nothing is held.
struct Loose<T>(fn(&str) -> T, T);

impl<'de, T> DeserializeSeed<'de> for Loose<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for Loose<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.1)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.1)
    }

    scalars_read_as!(field 1);
}

/// An external reference; a `distribution`'s hashes identify the package
/// file (cyclonedx-py writes a requirements file's `--hash` there).
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExternalReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(deserialize_with = "null_default")]
    hashes: Vec<RawHash>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLicenceChoice {
    license: Option<RawLicence>,
    expression: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLicence {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawHash {
    alg: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize)]
struct RawDependency {
    #[serde(rename = "ref")]
    reference: Text,
    #[serde(default, rename = "dependsOn", deserialize_with = "null_default")]
    depends_on: Vec<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVulnerability {
    id: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    references: Vec<RawReference>,
    #[serde(deserialize_with = "null_default")]
    ratings: Vec<RawRating>,
    #[serde(deserialize_with = "null_default")]
    affects: Vec<RawAffects>,
    analysis: Option<RawAnalysis>,
    published: Option<String>,
    updated: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawReference {
    id: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRating {
    score: Score,
    severity: Option<String>,
    method: Option<String>,
    vector: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAffects {
    #[serde(rename = "ref")]
    reference: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    versions: Vec<RawAffectedVersion>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAffectedVersion {
    version: Option<Text>,
    range: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAnalysis {
    state: Option<String>,
    justification: Option<String>,
    detail: Option<String>,
    #[serde(rename = "firstIssued")]
    first_issued: Option<String>,
    #[serde(rename = "lastUpdated")]
    last_updated: Option<String>,
}

fn contact_name(c: &RawContact) -> Option<String> {
    c.name
        .as_deref()
        .or(c.email.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl RawComponent {
    fn into_component(self) -> BomComponent {
        let mut licences = Vec::new();
        for choice in &self.licenses {
            if let Some(l) = &choice.license
                && let Some(id) = l.id.as_deref().or(l.name.as_deref())
            {
                push_unique(&mut licences, id);
            }
            if let Some(e) = &choice.expression {
                push_unique(&mut licences, e);
            }
        }
        // The component's own hashes; failing those, its distribution's.
        let own = if self.hashes.is_empty() {
            self.external_references
                .iter()
                .filter(|r| r.kind.as_deref() == Some("distribution"))
                .flat_map(|r| &r.hashes)
                .collect::<Vec<_>>()
        } else {
            self.hashes.iter().collect()
        };
        let hashes = own
            .into_iter()
            .filter_map(|h| {
                Some(Hash {
                    algorithm: non_empty(h.alg.as_deref())?,
                    value: non_empty(h.content.as_deref())?,
                })
            })
            .collect();
        let supplier = self
            .supplier
            .as_ref()
            .and_then(contact_name)
            .or_else(|| self.manufacturer.as_ref().and_then(contact_name))
            .or_else(|| non_empty(self.author.as_deref()))
            .or_else(|| self.authors.iter().find_map(contact_name))
            .or_else(|| non_empty(self.publisher.as_deref()));
        BomComponent {
            bom_ref: Text::opt(&self.bom_ref),
            name: self.name.map(|n| n.0).unwrap_or_default(),
            group: non_empty(self.group.as_deref()),
            version: Text::opt(&self.version),
            purl: non_empty(self.purl.as_deref()),
            licences,
            hashes,
            supplier,
            kind: self.kind,
            markers: self.properties,
        }
    }
}

/// The first tool's name: 1.4 `[{vendor, name, version}]`, 1.5+
/// `{components: [{name, ...}], services: [...]}`.
fn tool_name(tools: &serde_json::Value) -> Option<String> {
    let first = match tools {
        serde_json::Value::Array(items) => items.first(),
        serde_json::Value::Object(map) => map
            .get("components")
            .and_then(|c| c.as_array())
            .and_then(|c| c.first())
            .or_else(|| {
                map.get("services")
                    .and_then(|s| s.as_array())
                    .and_then(|s| s.first())
            }),
        _ => None,
    }?;
    first
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

impl RawBom {
    fn into_bom(self) -> Bom {
        let metadata = self.metadata.unwrap_or_default();
        let mut graph = Graph::default();
        for d in &self.dependencies {
            let Some(from) = d.reference.non_empty() else {
                continue;
            };
            graph.node(local_ref(from));
            for to in &d.depends_on {
                if let Some(to) = to.non_empty() {
                    graph.edge(local_ref(from), local_ref(to));
                }
            }
        }
        let vulnerabilities = self
            .vulnerabilities
            .into_iter()
            .map(|v| BomVulnerability {
                id: v
                    .id
                    .as_ref()
                    .and_then(Text::non_empty)
                    .unwrap_or("(no id)")
                    .to_string(),
                references: v
                    .references
                    .iter()
                    .filter_map(|r| Text::opt(&r.id))
                    .collect(),
                ratings: v
                    .ratings
                    .into_iter()
                    .map(|r| BomRating {
                        method: r.method,
                        vector: r.vector,
                        severity: r.severity,
                        score: r.score.0,
                    })
                    .collect(),
                affects: v
                    .affects
                    .into_iter()
                    .filter_map(|a| {
                        Some(BomAffects {
                            reference: Text::opt(&a.reference)?,
                            versions: a
                                .versions
                                .into_iter()
                                .map(|x| BomVersion {
                                    version: Text::opt(&x.version),
                                    range: x.range,
                                    status: x.status,
                                })
                                .collect(),
                        })
                    })
                    .collect(),
                analysis: v.analysis.map(|a| BomAnalysis {
                    state: a.state,
                    justification: a.justification,
                    detail: a.detail,
                    first_issued: a.first_issued,
                    last_updated: a.last_updated,
                }),
                published: v.published,
                updated: v.updated,
            })
            .collect();
        Bom {
            product: metadata.component.map(RawComponent::into_component),
            components: self.components,
            graph,
            vulnerabilities,
            tool: metadata.tools.as_ref().and_then(tool_name),
            author: metadata
                .authors
                .iter()
                .find_map(contact_name)
                .or_else(|| metadata.supplier.as_ref().and_then(contact_name)),
            timestamp: non_empty(metadata.timestamp.as_deref()),
        }
    }
}

// ---------------------------------------------------------------------------
// `components[]`, flattened with a depth cap.

fn flattened<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<BomComponent>, D::Error> {
    let mut out = Vec::new();
    ComponentList {
        out: &mut out,
        depth: 0,
    }
    .deserialize(d)?;
    Ok(out)
}

struct ComponentList<'o> {
    out: &'o mut Vec<BomComponent>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ComponentList<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ComponentList<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of components")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.depth > MAX_NESTING {
            return Err(de::Error::custom(format!(
                "components are nested more than {MAX_NESTING} levels deep"
            )));
        }
        while seq
            .next_element_seed(ComponentSeed {
                out: &mut *self.out,
                depth: self.depth,
            })?
            .is_some()
        {}
        Ok(())
    }
}

struct ComponentSeed<'o> {
    out: &'o mut Vec<BomComponent>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ComponentSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ComponentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a component object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The parent keeps its place before its children.
        let slot = self.out.len();
        self.out.push(BomComponent::default());
        let mut raw = RawComponent::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "bom-ref" => raw.bom_ref = map.next_value()?,
                "name" => raw.name = map.next_value()?,
                "group" => raw.group = map.next_value()?,
                "version" => raw.version = map.next_value()?,
                "purl" => raw.purl = map.next_value()?,
                "licenses" => raw.licenses = map.next_value::<Option<_>>()?.unwrap_or_default(),
                "hashes" => raw.hashes = map.next_value::<Option<_>>()?.unwrap_or_default(),
                "externalReferences" => {
                    raw.external_references = map.next_value::<Option<_>>()?.unwrap_or_default()
                }
                "supplier" => raw.supplier = map.next_value()?,
                "manufacturer" => raw.manufacturer = map.next_value()?,
                "author" => raw.author = map.next_value()?,
                "authors" => raw.authors = map.next_value::<Option<_>>()?.unwrap_or_default(),
                "publisher" => raw.publisher = map.next_value()?,
                "type" => raw.kind = map.next_value()?,
                "properties" => raw.properties = map.next_value()?,
                "components" => map.next_value_seed(ComponentList {
                    out: &mut *self.out,
                    depth: self.depth + 1,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(s) = self.out.get_mut(slot) {
            *s = raw.into_component();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streaming from a reader reads every document, broken or not, as
    /// reading it from memory does (error positions aside: the loader takes
    /// the error from [`parse`]).
    #[test]
    fn reader_and_slice_agree() {
        let options = crate::Options::default();
        for fixture in [
            "cyclonedx-py/bom.cdx.json",
            "handmade-supply-chain/cyclonedx-vdr-vex.cdx.json",
            "handmade-sbom-grouping/trivy-image.cdx.json",
        ] {
            let variants = super::super::broken_variants(fixture, b"\"]\xFF1");
            for bytes in variants {
                for kind in [
                    EvidenceKind::Components,
                    EvidenceKind::Vulnerabilities,
                    EvidenceKind::Vex,
                ] {
                    let run = |slice: bool| {
                        let mut ctx = ParseContext {
                            evidence_path: "x.json",
                            options: &options,
                            warnings: Vec::new(),
                        };
                        let mut evidence = Evidence::default();
                        let result = if slice {
                            parse(&mut &bytes[..], &mut ctx, kind, &mut evidence)
                        } else {
                            parse_stream(&mut &bytes[..], &mut ctx, kind, &mut evidence)
                        };
                        // Errors agree on what, not always on where.
                        let result = result.map_err(|e| e.message);
                        format!("{result:?} {evidence:?} {:?}", ctx.warnings)
                    };
                    assert_eq!(run(true), run(false), "{}", String::from_utf8_lossy(&bytes));
                }
            }
        }
    }

    #[test]
    fn purl_parts() {
        assert_eq!(
            purl_name_version("pkg:npm/%40babel/core@7.1.0?x=y#sub"),
            ("core".to_string(), Some("7.1.0".to_string()))
        );
        assert_eq!(
            purl_name_version("pkg:cargo/time"),
            ("time".to_string(), None)
        );
    }

    #[test]
    fn vectors_get_their_prefix() {
        let r = BomRating {
            method: Some("CVSSv31".into()),
            vector: Some("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
            ..BomRating::default()
        };
        assert_eq!(
            normalised_vector(&r).as_deref(),
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        );
    }
}
