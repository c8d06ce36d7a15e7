//! SPDX 3.0 / 3.0.1 JSON-LD (`@context` naming `https://spdx.org/rdf/3.…`
//! and a `@graph` of elements), as the official bindings
//! (`spdx-python-model`, shacl2code) and Yocto's `create-spdx` (5.1 and
//! later) write it. The components are read as [`super::spdx`] reads SPDX
//! 2; docs/evidence.md "## Components (SBOM)" gives the rules.
//!
//! The `@graph` is streamed element by element and each element is dropped
//! once read: only packages, agents, licence expressions and the
//! relationships regops uses are kept, and those keep element ids as 64-bit
//! hashes. A Yocto image SBOM of hundreds of MB is mostly `software_File`
//! elements, which cost nothing but the hashes of the relationships that
//! name them (eight bytes a file).
//!
//! * Elements are told apart by `type` (or `@type`), compact
//!   (`software_Package`) or as the full IRI; ids are `spdxId` or `@id`.
//!   Properties regops does not use, and extensions, are ignored.
//! * The product is what the document is about: the `rootElement`s of each
//!   `software_Sbom` (and `Bom`), the `rootElement`s of the `SpdxDocument`
//!   that are not such a BOM, and the targets of `describes` relationships;
//!   of those, the packages (when there are any) that no other one reaches,
//!   as for SPDX 2.
//! * Components are the other `software_Package`s, less those whose
//!   `software_primaryPurpose` is `source` or `patch` (fetched source
//!   archives and patches, build inputs: Yocto lists one per recipe), which
//!   a warning counts. Files, snippets, builds, agents and licences are not
//!   components.
//! * `name`; `software_packageVersion` → version; purl from
//!   `software_packageUrl`, else the first `externalIdentifier` of type
//!   `packageUrl`; `verifiedUsing` hashes with the algorithm as SPDX 2 names
//!   it (`sha256` → `SHA256`, `sha3_256` → `SHA3-256`, `blake2b256` →
//!   `BLAKE2b-256`).
//! * Licences: the `hasConcludedLicense` targets, then the
//!   `hasDeclaredLicense` ones, each a `simplelicensing_LicenseExpression`
//!   (its expression) or a listed licence IRI (`https://spdx.org/licenses/MIT`
//!   → `MIT`); `NoAssertionLicense` and `NoneLicense` say nothing. A target
//!   not in the file, or of another licensing class, is counted in a warning.
//! * Supplier: the `name` of the `suppliedBy` agent, else of the first
//!   `originatedBy` one.
//! * Direct versus transitive, as [`super::sbom`] explains, over the edges
//!   `dependsOn`, `contains`, `hasStaticLink`, `hasDynamicLink`,
//!   `hasOptionalDependency` and `hasProvidedDependency` (`from` → each of
//!   `to`), and, for a build (any element) that `hasOutput` X and `hasInput`
//!   Y, X → Y: Yocto joins its image's rootfs package to the installed
//!   packages only through the rootfs build's inputs.
//! * References to elements not in the file (`import`ed from other
//!   documents, or dangling) are tolerated: they are nodes without entries.
//!
//! Refused: a document without `@graph`, an `@context` not naming SPDX 3
//! (pyspdxtools3's pre-release prototype among them), a package without an
//! id.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hash as _, Hasher};
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseContext;
use super::sbom::{Graph, NamedProduct};
use super::spdx::{is_range, place, products, without_ecosystem};
use super::vuln::{Text, push_unique};
use crate::error::FormatError;
use crate::model::{Component, Hash};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Component>,
) -> Result<(), FormatError> {
    parse_stream(reader, ctx, out)
}

/// [`parse`] with a concrete reader type, which serde_json reads faster.
pub fn parse_stream<R: BufRead + ?Sized>(
    reader: &mut R,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Component>,
) -> Result<(), FormatError> {
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_reader(super::json_reader(reader));
    DocumentSeed(&mut state).deserialize(&mut de)?;
    de.end()?;
    if !state.has_graph {
        return Err(FormatError::whole_file(
            "no \"@graph\"; an SPDX 3 JSON-LD document holds its elements in a top-level @graph",
        ));
    }
    match state.context.as_deref() {
        Some(c) if c.contains("spdx.org/rdf/3") => {}
        Some(c) => {
            return Err(FormatError::whole_file(format!(
                "the @context ({c}) is not SPDX 3.0 (https://spdx.org/rdf/3.0.1/spdx-context.jsonld); \
                 pyspdxtools3's pre-release prototype is not read"
            )));
        }
        None => {
            return Err(FormatError::whole_file(
                "no \"@context\"; an SPDX 3 JSON-LD document names \
                 https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
            ));
        }
    }
    if state.missing_ids > 0 {
        return Err(FormatError::whole_file(format!(
            "{} software_Package element(s) have no spdxId; SPDX 3 requires one per element",
            state.missing_ids
        )));
    }
    read_components(state, ctx, out);
    Ok(())
}

/// An element id, hashed (SipHash with fixed keys: the same id gives the
/// same key in every run).
type Key = u64;

fn key(id: &str) -> Key {
    let mut h = DefaultHasher::new();
    id.trim().hash(&mut h);
    h.finish()
}

/// The graph's node name for a key.
fn node(k: Key) -> String {
    format!("{k:016x}")
}

#[derive(Default)]
struct State {
    context: Option<String>,
    has_graph: bool,
    packages: Vec<Package>,
    agents: HashMap<Key, String>,
    /// Licence expressions by key.
    licences: HashMap<Key, String>,
    /// Other licensing elements (expanded licensing), by key.
    other_licensing: HashSet<Key>,
    /// BOMs (`software_Sbom`, `Bom`) and their root elements.
    boms: HashSet<Key>,
    bom_roots: Vec<Key>,
    document_roots: Vec<Key>,
    described: Vec<Key>,
    edges: Vec<(Key, Vec<Key>)>,
    inputs: HashMap<Key, Vec<Key>>,
    outputs: HashMap<Key, Vec<Key>>,
    /// (package, target id), concluded first.
    concluded: Vec<(Key, String)>,
    declared: Vec<(Key, String)>,
    missing_ids: u64,
    untyped: u64,
}

struct Package {
    key: Key,
    name: String,
    version: Option<String>,
    purl: Option<String>,
    purpose: Option<String>,
    supplier: Option<Agent>,
    originator: Option<Agent>,
    hashes: Vec<Hash>,
}

enum Agent {
    Ref(Key),
    Name(String),
}

struct DocumentSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an SPDX 3 JSON-LD object with @context and @graph")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "@context" => {
                    let value: serde_json::Value = map.next_value()?;
                    self.0.context = Some(context_text(&value));
                }
                "@graph" => {
                    self.0.has_graph = true;
                    map.next_value_seed(GraphSeed(self.0))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `@context`'s URLs (a string, a list, or an object's values), joined.
fn context_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(context_text).collect();
            parts.join(" ")
        }
        serde_json::Value::Object(o) => {
            let parts: Vec<String> = o.values().take(3).map(context_text).collect();
            parts.join(" ")
        }
        _ => String::new(),
    }
}

struct GraphSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for GraphSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GraphSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an @graph array of SPDX 3 elements")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<RawElement>()? {
            self.0.add(element);
        }
        Ok(())
    }
}

impl State {
    fn add(&mut self, e: RawElement) {
        let Some(kind) = e.kind.as_deref().map(local_type) else {
            self.untyped += 1;
            return;
        };
        let id = e.id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        match kind.as_str() {
            "software_Package" => {
                let Some(id) = id else {
                    self.missing_ids += 1;
                    return;
                };
                let purl = e
                    .package_url
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .or_else(|| {
                        e.external_identifiers.iter().find_map(|x| {
                            let t = local(x.kind.as_deref()?);
                            (t == "packageUrl")
                                .then(|| x.identifier.as_deref().map(str::trim))
                                .flatten()
                                .filter(|s| !s.is_empty())
                        })
                    })
                    .map(str::to_string);
                let hashes = e
                    .verified_using
                    .iter()
                    .filter_map(|h| {
                        Some(Hash {
                            algorithm: algorithm(h.algorithm.as_deref()?)?,
                            value: h.value.as_deref()?.trim().to_string(),
                        })
                    })
                    .filter(|h| !h.value.is_empty())
                    .collect();
                self.packages.push(Package {
                    key: key(id),
                    name: Text::or_empty(&e.name),
                    version: e
                        .version
                        .as_ref()
                        .and_then(Text::non_empty)
                        .filter(|v| !v.eq_ignore_ascii_case("NOASSERTION"))
                        .map(str::to_string),
                    purl,
                    purpose: e.primary_purpose.as_deref().map(|p| local(p).to_string()),
                    supplier: e.supplied_by.as_ref().and_then(agent),
                    originator: one_or_many(e.originated_by.as_ref())
                        .into_iter()
                        .find_map(agent),
                    hashes,
                });
            }
            "Relationship" | "LifecycleScopedRelationship" => self.relationship(e),
            "software_Sbom" | "Bom" => {
                if let Some(id) = id {
                    self.boms.insert(key(id));
                }
                self.bom_roots
                    .extend(ids(e.root_element.as_ref()).map(|s| key(&s)));
            }
            "SpdxDocument" => {
                self.document_roots
                    .extend(ids(e.root_element.as_ref()).map(|s| key(&s)));
            }
            "simplelicensing_LicenseExpression" => {
                if let (Some(id), Some(expr)) = (id, e.licence_expression.as_deref()) {
                    self.licences.insert(key(id), expr.trim().to_string());
                }
            }
            k if k.starts_with("expandedlicensing_") || k.starts_with("simplelicensing_") => {
                if let Some(id) = id {
                    self.other_licensing.insert(key(id));
                }
            }
            "Agent" | "Organization" | "Person" | "SoftwareAgent" => {
                if let (Some(id), Some(name)) = (id, e.name.as_ref().and_then(Text::non_empty)) {
                    self.agents.insert(key(id), name.to_string());
                }
            }
            _ => {}
        }
    }

    fn relationship(&mut self, e: RawElement) {
        let (Some(from), Some(kind)) = (
            e.from.as_ref().and_then(id_of),
            e.relationship_type.as_deref().map(local),
        ) else {
            return;
        };
        let from = key(&from);
        match kind {
            "dependsOn"
            | "contains"
            | "hasStaticLink"
            | "hasDynamicLink"
            | "hasOptionalDependency"
            | "hasProvidedDependency" => {
                let to: Vec<Key> = ids(e.to.as_ref()).map(|s| key(&s)).collect();
                self.edges.push((from, to));
            }
            "hasInput" => self
                .inputs
                .entry(from)
                .or_default()
                .extend(ids(e.to.as_ref()).map(|s| key(&s))),
            "hasOutput" => self
                .outputs
                .entry(from)
                .or_default()
                .extend(ids(e.to.as_ref()).map(|s| key(&s))),
            "describes" => self.described.extend(ids(e.to.as_ref()).map(|s| key(&s))),
            "hasConcludedLicense" => self.concluded.extend(ids(e.to.as_ref()).map(|s| (from, s))),
            "hasDeclaredLicense" => self.declared.extend(ids(e.to.as_ref()).map(|s| (from, s))),
            _ => {}
        }
    }
}

fn read_components(state: State, ctx: &mut ParseContext<'_>, out: &mut Vec<Component>) {
    let before = out.len();
    let package_keys: HashSet<Key> = state.packages.iter().map(|p| p.key).collect();

    // What the document is about, in order, once each.
    let mut described: Vec<Key> = Vec::new();
    let document_roots = state
        .document_roots
        .iter()
        .filter(|k| !state.boms.contains(k));
    for &k in state
        .bom_roots
        .iter()
        .chain(document_roots)
        .chain(&state.described)
    {
        if !described.contains(&k) {
            described.push(k);
        }
    }
    // Only the described packages can be the product when there are any
    // (Yocto describes its image files beside the rootfs package, and the
    // files are built from the rootfs).
    if described.iter().any(|k| package_keys.contains(k)) {
        described.retain(|k| package_keys.contains(k));
    }

    // The dependency edges, and what each build's output is made of.
    let mut all_edges: Vec<(Key, Key)> = Vec::new();
    for (from, to) in &state.edges {
        all_edges.extend(to.iter().map(|&t| (*from, t)));
    }
    for (build, outputs) in &state.outputs {
        if let Some(inputs) = state.inputs.get(build) {
            for &o in outputs {
                all_edges.extend(inputs.iter().map(|&i| (o, i)));
            }
        }
    }
    // Edges into files and other leaves that are not packages lead nowhere.
    let froms: HashSet<Key> = all_edges.iter().map(|(f, _)| *f).collect();
    all_edges.retain(|(_, t)| package_keys.contains(t) || froms.contains(t));
    let names: HashMap<Key, String> = all_edges
        .iter()
        .flat_map(|(f, t)| [*f, *t])
        .chain(described.iter().copied())
        .map(|k| (k, node(k)))
        .collect();
    let mut graph = Graph::default();
    // An element whose edges all lead out of the file is still in the graph.
    for f in &froms {
        graph.node(&node(*f));
    }
    let mut reach: HashMap<&str, Vec<&str>> = HashMap::new();
    for (f, t) in &all_edges {
        let (f, t) = (names[f].as_str(), names[t].as_str());
        graph.edge(f, t);
        reach.entry(f).or_default().push(t);
    }
    let described_nodes: Vec<String> = described.iter().map(|k| node(*k)).collect();
    let mut product_nodes = products(&described_nodes, &reach);
    let product_set: HashSet<String> = product_nodes.iter().cloned().collect();
    let product_packages: Vec<&str> = state
        .packages
        .iter()
        .filter(|p| product_set.contains(&node(p.key)))
        .map(|p| p.name.as_str())
        .collect();
    if !described.is_empty() && product_nodes.is_empty() {
        ctx.warnings.push(format!(
            "each of the {} element(s) the document is about (its rootElement) is reached from \
             another one, so none is the product: all are read as components, and direct and \
             transitive dependencies cannot be told apart",
            described.len()
        ));
    } else if product_packages.len() > 1 {
        ctx.warnings.push(format!(
            "the SBOM's rootElement names {} packages that no other one depends on or contains; \
             all are read as the product, not as components: {}",
            product_packages.len(),
            product_packages.join(", ")
        ));
    }

    let mut licences: HashMap<Key, Vec<String>> = HashMap::new();
    let mut unread_licences = 0u64;
    for (pkg, target) in state.concluded.iter().chain(&state.declared) {
        if !package_keys.contains(pkg) {
            continue;
        }
        let k = key(target);
        let text = if let Some(expr) = state.licences.get(&k) {
            Some(expr.clone())
        } else if let Some(listed) = target.trim().strip_prefix("https://spdx.org/licenses/") {
            Some(listed.to_string())
        } else {
            let l = local(target);
            if l == "NoAssertionLicense" || l == "NoneLicense" {
                continue;
            }
            unread_licences += 1;
            None
        };
        if let Some(text) = text {
            let text = text.trim();
            if !text.eq_ignore_ascii_case("NOASSERTION") && !text.eq_ignore_ascii_case("NONE") {
                push_unique(licences.entry(*pkg).or_default(), text);
            }
        }
    }

    let mut components = Vec::new();
    let mut refs = Vec::new();
    let mut sources = Vec::new();
    let mut ranges = 0u64;
    let mut first_range = None;
    let mut unknown_agents = 0u64;
    let mut named = NamedProduct::new(&ctx.options.product_components);
    for p in &state.packages {
        let id = node(p.key);
        if product_set.contains(&id) {
            continue;
        }
        if matches!(p.purpose.as_deref(), Some("source" | "patch")) {
            sources.push(p.name.clone());
            continue;
        }
        let name = p.name.clone();
        let bare = p.purl.as_deref().and_then(|u| without_ecosystem(&name, u));
        let names = || vec![name.as_str().into(), bare.unwrap_or(&name).into()];
        if named.matches(names, p.purl.as_deref(), || name.clone()) {
            graph.make_transparent(&id);
            product_nodes.push(id);
            continue;
        }
        let name = match bare {
            Some(bare) => bare.to_string(),
            None => name,
        };
        let mut agent_name = |a: &Option<Agent>| match a {
            Some(Agent::Name(n)) => Some(n.clone()),
            Some(Agent::Ref(k)) => {
                let found = state.agents.get(k).cloned();
                if found.is_none() {
                    unknown_agents += 1;
                }
                found
            }
            None => None,
        };
        let supplier = agent_name(&p.supplier).or_else(|| agent_name(&p.originator));
        let mut version = p.version.clone();
        if let Some(range) = version.take_if(|v| is_range(v)) {
            ranges += 1;
            first_range.get_or_insert_with(|| format!("{name} {range}"));
        }
        refs.push(id);
        components.push(Component {
            name,
            version,
            purl: p.purl.clone(),
            licences: licences.remove(&p.key).unwrap_or_default(),
            hashes: p.hashes.clone(),
            supplier,
            direct: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    if !sources.is_empty() {
        ctx.warnings.push(format!(
            "{} package(s) are source archives or patches fetched for the build \
             (software_primaryPurpose source or patch), not what ships, and are not read as \
             components (first: {})",
            sources.len(),
            sources[0]
        ));
    }
    if unread_licences > 0 {
        ctx.warnings.push(format!(
            "{unread_licences} licence relationship(s) name a licence that is not a \
             LicenseExpression in this document (defined elsewhere, or expanded licensing): \
             those licences are not read"
        ));
    }
    if unknown_agents > 0 {
        ctx.warnings.push(format!(
            "{unknown_agents} package(s) name a supplier or originator not defined in this \
             document; their supplier is not read"
        ));
    }
    if state.untyped > 0 {
        ctx.warnings.push(format!(
            "{} @graph entr(ies) have no type and are ignored",
            state.untyped
        ));
    }
    if let Some(first) = first_range {
        ctx.warnings.push(format!(
            "{ranges} package(s) give a version range, not a version, as \
             software_packageVersion (first: {first}); they are read as having no version"
        ));
    }
    named.warn(&mut ctx.warnings);
    if described.is_empty() && product_nodes.is_empty() && !graph.is_empty() {
        ctx.warnings.push(
            "the document names no rootElement, so the product is unknown and direct and \
             transitive dependencies cannot be told apart"
                .to_string(),
        );
    }
    let ref_strs: Vec<Option<&str>> = refs.iter().map(|r| Some(r.as_str())).collect();
    place(
        &graph,
        &product_nodes,
        &ref_strs,
        components,
        &mut ctx.warnings,
        out,
    );
    if state.packages.is_empty() {
        ctx.warnings.push("the SBOM lists no packages".to_string());
    } else if out.len() == before {
        ctx.warnings.push(format!(
            "the document's {} package(s) are the product it is about or build inputs; it lists \
             no component",
            state.packages.len()
        ));
    }
}

/// `software_Package` from a compact type or its IRI
/// (`https://spdx.org/rdf/3.0.1/terms/Software/Package`); `Relationship` for
/// `…/terms/Core/Relationship`.
fn local_type(t: &str) -> String {
    let t = t.trim();
    if let Some(rest) = t
        .strip_prefix("https://spdx.org/rdf/3.")
        .and_then(|r| r.split_once("/terms/"))
        .map(|(_, r)| r)
        && let Some((ns, name)) = rest.split_once('/')
    {
        return match ns {
            "Core" => name.to_string(),
            "SimpleLicensing" => format!("simplelicensing_{name}"),
            "ExpandedLicensing" => format!("expandedlicensing_{name}"),
            _ => format!("{}_{name}", ns.to_ascii_lowercase()),
        };
    }
    t.to_string()
}

/// The last segment of an IRI (`…/RelationshipType/dependsOn` →
/// `dependsOn`), or the value as is.
fn local(v: &str) -> &str {
    let v = v.trim();
    if v.contains("://") {
        v.rsplit(['/', '#']).next().unwrap_or(v)
    } else {
        v
    }
}

/// An SPDX 3 hash algorithm as SPDX 2 names it.
fn algorithm(a: &str) -> Option<String> {
    let a = local(a);
    if a.is_empty() {
        return None;
    }
    let lower = a.to_ascii_lowercase();
    Some(if let Some(bits) = lower.strip_prefix("sha3_") {
        format!("SHA3-{bits}")
    } else if let Some(bits) = lower.strip_prefix("blake2b") {
        format!("BLAKE2b-{bits}")
    } else {
        lower.to_ascii_uppercase()
    })
}

/// The id a reference names: a string, or an inline object's
/// `spdxId`/`@id`.
fn id_of(v: &serde_json::Value) -> Option<String> {
    let s = match v {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Object(o) => o
            .get("spdxId")
            .or_else(|| o.get("@id"))
            .and_then(|v| v.as_str())?,
        _ => return None,
    };
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn one_or_many(v: Option<&serde_json::Value>) -> Vec<&serde_json::Value> {
    match v {
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(serde_json::Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

fn ids(v: Option<&serde_json::Value>) -> impl Iterator<Item = String> + '_ {
    one_or_many(v).into_iter().filter_map(id_of)
}

/// A `suppliedBy`/`originatedBy` value: a reference, or an inline agent.
fn agent(v: &serde_json::Value) -> Option<Agent> {
    if let serde_json::Value::Object(o) = v
        && let Some(name) = o.get("name").and_then(|n| n.as_str())
    {
        let name = name.trim();
        return (!name.is_empty()).then(|| Agent::Name(name.to_string()));
    }
    id_of(v).map(|id| Agent::Ref(key(&id)))
}

/// One `@graph` entry, keeping only what regops reads.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawElement {
    #[serde(rename = "type", alias = "@type")]
    kind: Option<String>,
    #[serde(rename = "spdxId", alias = "@id")]
    id: Option<String>,
    name: Option<Text>,
    #[serde(rename = "software_packageVersion")]
    version: Option<Text>,
    #[serde(rename = "software_packageUrl")]
    package_url: Option<String>,
    #[serde(rename = "software_primaryPurpose")]
    primary_purpose: Option<String>,
    #[serde(
        rename = "externalIdentifier",
        deserialize_with = "super::vuln::null_default"
    )]
    external_identifiers: Vec<RawExternalIdentifier>,
    #[serde(
        rename = "verifiedUsing",
        deserialize_with = "super::vuln::null_default"
    )]
    verified_using: Vec<RawHash>,
    #[serde(rename = "suppliedBy")]
    supplied_by: Option<serde_json::Value>,
    #[serde(rename = "originatedBy")]
    originated_by: Option<serde_json::Value>,
    from: Option<serde_json::Value>,
    to: Option<serde_json::Value>,
    #[serde(rename = "relationshipType")]
    relationship_type: Option<String>,
    #[serde(rename = "rootElement")]
    root_element: Option<serde_json::Value>,
    #[serde(rename = "simplelicensing_licenseExpression")]
    licence_expression: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExternalIdentifier {
    #[serde(rename = "externalIdentifierType")]
    kind: Option<String>,
    identifier: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawHash {
    algorithm: Option<String>,
    #[serde(rename = "hashValue")]
    value: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_are_named_as_spdx_2_names_them() {
        for (three, two) in [
            ("sha256", "SHA256"),
            ("sha1", "SHA1"),
            ("sha3_256", "SHA3-256"),
            ("blake2b512", "BLAKE2b-512"),
            ("md5", "MD5"),
            (
                "https://spdx.org/rdf/3.0.1/terms/Core/HashAlgorithm/sha512",
                "SHA512",
            ),
        ] {
            assert_eq!(algorithm(three).as_deref(), Some(two), "{three}");
        }
    }

    #[test]
    fn types_from_iris() {
        assert_eq!(
            local_type("https://spdx.org/rdf/3.0.1/terms/Software/Package"),
            "software_Package"
        );
        assert_eq!(
            local_type("https://spdx.org/rdf/3.0.1/terms/Core/Relationship"),
            "Relationship"
        );
        assert_eq!(
            local_type("https://spdx.org/rdf/3.0.1/terms/SimpleLicensing/LicenseExpression"),
            "simplelicensing_LicenseExpression"
        );
        assert_eq!(local_type("software_File"), "software_File");
    }
}
