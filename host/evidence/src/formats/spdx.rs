//! SPDX 2.2 and 2.3 JSON, as `npm sbom --sbom-format spdx`, syft, Trivy,
//! the spdx-sbom-generator, GitHub's dependency graph export and
//! pyspdxtools write it. (SPDX tag-value, RDF and YAML are not read: convert
//! them to JSON with `pyspdxtools -i x.spdx -o x.spdx.json`. SPDX 3.0 is a
//! different, JSON-LD model, read by [`super::spdx3`].)
//!
//! The document is read with serde into compact structs keeping only what a
//! [`Component`] needs; `files[]`, `snippets[]` and annotations are skipped
//! without being built.
//!
//! * The product is what the document DESCRIBES: the targets of
//!   `documentDescribes[]` (SPDX 2.2) and of relationships `SPDXRef-DOCUMENT
//!   DESCRIBES x` (and `x DESCRIBED_BY SPDXRef-DOCUMENT`), less those
//!   another described package reaches through the dependency edges below. FOSSA describes every package, fuchsia's
//!   tool a root and the packages it CONTAINS: what ships must not be
//!   dropped as "the product". The product's packages are not components;
//!   every other entry of `packages[]` is one. Several product packages,
//!   none (described packages reaching each other), or a document whose
//!   packages give no component are each said in a warning.
//! * `name`, `versionInfo` → version; the purl is the first
//!   `externalRefs[]` entry with `referenceType` `purl` (category
//!   `PACKAGE-MANAGER` or `PACKAGE_MANAGER`); `checksums[] {algorithm,
//!   checksumValue}` → hashes with the algorithm as SPDX names it (`SHA256`).
//! * GitHub's dependency graph writes `>= 3.5.0` as `versionInfo` when it
//!   could not resolve a version: a range (starting with `<`, `>`, `=`,
//!   `~`, `^` or `*`, or holding a space or a comma) is no version, with a
//!   warning. Its names carry the ecosystem (`npm:left-pad`), dropped when
//!   the purl names the same package.
//! * Licences: `licenseConcluded`, then `licenseDeclared` when it differs;
//!   `NOASSERTION` and `NONE` say nothing and are skipped.
//! * Supplier: `supplier` with its `Organization: ` / `Person: ` / `Tool: `
//!   prefix removed (`NOASSERTION` skipped), else `originator` likewise.
//! * Trivy (`creators` naming `Tool: trivy…`) writes a package for each
//!   scanned lockfile (`SPDXRef-Application-…`) and for the operating system
//!   (`SPDXRef-OperatingSystem-…`), without a purl, and hangs the packages
//!   they list under them. Those are not components, and are transparent in
//!   the graph below: a package a lockfile lists is direct when the
//!   lockfile is. An operating system with nothing under it stays a
//!   component, with a warning.
//! * Direct versus transitive, from relationships: `A DEPENDS_ON B` and
//!   `A CONTAINS B` are edges A → B; `B DEPENDENCY_OF A` (and the
//!   `DEV_`, `BUILD_`, `RUNTIME_`, `TEST_`, `OPTIONAL_`, `PROVIDED_`
//!   variants) and `B CONTAINED_BY A` are edges A → B too. Seen from the
//!   product, as [`super::sbom`] explains; with no such
//!   relationship at all, `direct` is `None`.
//!
//! Refused: an `spdxVersion` other than `SPDX-2.x`, a package without
//! `SPDXID`.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::sbom::{Graph, NamedProduct};
use super::vuln::{Text, null_default, push_unique};
use crate::error::FormatError;
use crate::model::{Component, Hash};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Component>,
) -> Result<(), FormatError> {
    let before = out.len();
    let doc: RawDocument = super::read_json_document(reader)?;
    let version = doc.spdx_version.as_deref().map(str::trim).unwrap_or("");
    if version.is_empty() {
        return Err(FormatError::whole_file(
            "no \"spdxVersion\"; an SPDX 2.x JSON document starts with \"spdxVersion\": \"SPDX-2.3\"",
        ));
    }
    if !version.starts_with("SPDX-2.") {
        return Err(FormatError::whole_file(format!(
            "spdxVersion {version} is not supported; regops reads SPDX 2.2 and 2.3 JSON"
        )));
    }
    let document_id = doc
        .spdx_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("SPDXRef-DOCUMENT")
        .to_string();

    let mut described: Vec<String> = Vec::new();
    for d in &doc.document_describes {
        push_unique(&mut described, d);
    }
    let mut graph = Graph::default();
    // The same edges, kept here to find the described packages that others
    // reach.
    let mut reach: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &doc.relationships {
        let (Some(a), Some(b), Some(kind)) = (
            r.element.as_deref().map(str::trim),
            r.related.as_deref().map(str::trim),
            r.kind.as_deref().map(|k| k.trim().to_ascii_uppercase()),
        ) else {
            continue;
        };
        let (from, to) = match kind.as_str() {
            "DESCRIBES" if a == document_id => {
                push_unique(&mut described, b);
                continue;
            }
            "DESCRIBED_BY" if b == document_id => {
                push_unique(&mut described, a);
                continue;
            }
            "DEPENDS_ON" | "CONTAINS" => (a, b),
            "CONTAINED_BY" => (b, a),
            k if k.ends_with("DEPENDENCY_OF") => (b, a),
            _ => continue,
        };
        graph.edge(from, to);
        reach.entry(from).or_default().push(to);
    }

    let mut products = products(&described, &reach);
    let product_set: HashSet<String> = products.iter().cloned().collect();
    // Described files and snippets are the product too, but only packages
    // could have been components.
    let product_packages: Vec<&str> = doc
        .packages
        .iter()
        .filter_map(|p| p.spdx_id.as_deref().map(str::trim))
        .filter(|id| product_set.contains(*id))
        .collect();
    if !described.is_empty() && products.is_empty() {
        ctx.warnings.push(format!(
            "each of the {} package(s) the document DESCRIBES is reached from another one, so \
             none is the product: all are read as components, and direct and transitive \
             dependencies cannot be told apart",
            described.len()
        ));
    } else if product_packages.len() > 1 {
        ctx.warnings.push(format!(
            "the document DESCRIBES {} packages that no other described package depends on or \
             contains; all are read as the product, not as components: {}",
            product_packages.len(),
            product_packages.join(", ")
        ));
    }
    // Trivy hangs the packages of each scanned lockfile and of the operating
    // system under a package of its own (SPDXRef-Application-…,
    // SPDXRef-OperatingSystem-…, no purl): those group packages and are
    // not components.
    let by_trivy = doc
        .creation_info
        .as_ref()
        .and_then(|c| c.get("creators")?.as_array())
        .is_some_and(|creators| {
            creators.iter().filter_map(|c| c.as_str()).any(|creator| {
                let creator = creator.trim().to_ascii_lowercase();
                creator
                    .strip_prefix("tool:")
                    .is_some_and(|tool| tool.trim_start().starts_with("trivy"))
            })
        });
    let mut components = Vec::new();
    let mut refs = Vec::new();
    let mut missing_ids = 0u64;
    let mut ranges = 0u64;
    let mut first_range = None;
    let mut grouping = 0usize;
    let mut unlisted_os = Vec::new();
    // Packages the configuration names as the product stand for it.
    let mut named = NamedProduct::new(&ctx.options.product_components);
    for p in &doc.packages {
        let id = p.spdx_id.as_deref().map(str::trim).unwrap_or("");
        if id.is_empty() {
            missing_ids += 1;
        }
        if product_set.contains(id) {
            continue;
        }
        let purl = p.external_refs.iter().find_map(|r| {
            let t = r.reference_type.as_deref()?.trim();
            if t.eq_ignore_ascii_case("purl") {
                r.locator
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
            } else {
                None
            }
        });
        if by_trivy && purl.is_none() {
            let lists = || reach.get(id).is_some_and(|to| !to.is_empty());
            if id.starts_with("SPDXRef-Application-")
                || (id.starts_with("SPDXRef-OperatingSystem-") && lists())
            {
                grouping += 1;
                graph.make_transparent(id);
                continue;
            }
            // An operating system without its packages is the only record
            // of that software: it stays a component.
            if id.starts_with("SPDXRef-OperatingSystem-") {
                let name = Text::or_empty(&p.name);
                unlisted_os.push(match p.version_info.as_ref().and_then(Text::non_empty) {
                    Some(v) => format!("{name} {v}"),
                    None => name,
                });
            }
        }
        let mut licences = Vec::new();
        for l in [&p.license_concluded, &p.license_declared]
            .into_iter()
            .flatten()
        {
            let l = l.trim();
            if !l.eq_ignore_ascii_case("NOASSERTION") && !l.eq_ignore_ascii_case("NONE") {
                push_unique(&mut licences, l);
            }
        }
        let hashes = p
            .checksums
            .iter()
            .filter_map(|c| {
                Some(Hash {
                    algorithm: c.algorithm.as_deref()?.trim().to_string(),
                    value: c.value.as_deref()?.trim().to_string(),
                })
            })
            .filter(|h| !h.algorithm.is_empty() && !h.value.is_empty())
            .collect();
        let supplier = party(p.supplier.as_deref()).or_else(|| party(p.originator.as_deref()));
        let name = Text::or_empty(&p.name);
        let bare = purl.as_deref().and_then(|u| without_ecosystem(&name, u));
        let names = || vec![name.as_str().into(), bare.unwrap_or(&name).into()];
        if named.matches(names, purl.as_deref(), || name.clone()) {
            graph.make_transparent(id);
            products.push(id.to_string());
            continue;
        }
        let name = match bare {
            Some(bare) => bare.to_string(),
            None => name,
        };
        refs.push((!id.is_empty()).then(|| id.to_string()));
        let mut version = p
            .version_info
            .as_ref()
            .and_then(Text::non_empty)
            .filter(|v| !v.eq_ignore_ascii_case("NOASSERTION"))
            .map(str::to_string);
        if let Some(range) = version.take_if(|v| is_range(v)) {
            ranges += 1;
            first_range.get_or_insert_with(|| format!("{name} {range}"));
        }
        components.push(Component {
            name,
            version,
            purl,
            licences,
            hashes,
            supplier,
            direct: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    if missing_ids > 0 {
        return Err(FormatError::whole_file(format!(
            "{missing_ids} package(s) have no SPDXID; SPDX 2.x requires one per package"
        )));
    }
    if let Some(first) = first_range {
        ctx.warnings.push(format!(
            "{ranges} package(s) give a version range, not a version, as versionInfo (first: \
             {first}); they are read as having no version"
        ));
    }
    named.warn(&mut ctx.warnings);
    if described.is_empty() && products.is_empty() && !graph.is_empty() {
        ctx.warnings.push(
            "the document DESCRIBES no package, so the product is unknown and direct and \
             transitive dependencies cannot be told apart"
                .to_string(),
        );
    }
    let ref_strs: Vec<Option<&str>> = refs.iter().map(|r| r.as_deref()).collect();
    place(
        &graph,
        &products,
        &ref_strs,
        components,
        &mut ctx.warnings,
        out,
    );
    for name in unlisted_os {
        ctx.warnings.push(format!(
            "the document names the operating system {name} but none of its packages (nothing \
             hangs under it), so the operating system is read as a component"
        ));
    }
    if doc.packages.is_empty() {
        ctx.warnings.push("the SBOM lists no packages".to_string());
    } else if out.len() == before && grouping > 0 {
        ctx.warnings.push(format!(
            "the document lists no component: its {} package(s) are the product it DESCRIBES \
             and {grouping} lockfile or operating-system entr(ies) that group packages",
            doc.packages.len() - grouping
        ));
    } else if out.len() == before {
        ctx.warnings.push(format!(
            "the document's {} package(s) are all the product it DESCRIBES; it lists no \
             component",
            doc.packages.len()
        ));
    }
    Ok(())
}

/// The described packages that no other described package reaches through
/// `reach`, in the order described. One walk from all of them at once
/// (a document may describe thousands): each node remembers which described
/// package reached it first, and is walked again, once, when a second one
/// does.
pub(super) fn products(described: &[String], reach: &HashMap<&str, Vec<&str>>) -> Vec<String> {
    // `None`: reached from several described packages.
    let mut reached_from: HashMap<&str, Option<&str>> = HashMap::new();
    let mut stack: Vec<(&str, Option<&str>)> = described
        .iter()
        .flat_map(|d| {
            let from = d.as_str();
            reach
                .get(from)
                .into_iter()
                .flatten()
                .map(move |&to| (to, Some(from)))
        })
        .collect();
    while let Some((node, from)) = stack.pop() {
        let now = match reached_from.get(node) {
            None => from,
            Some(Some(first)) if from != Some(*first) => None,
            // Nothing new: the same origin again, or already several.
            Some(_) => continue,
        };
        reached_from.insert(node, now);
        stack.extend(reach.get(node).into_iter().flatten().map(|&to| (to, now)));
    }
    described
        .iter()
        .filter(|d| match reached_from.get(d.as_str()) {
            None => true,
            Some(Some(only)) => *only == d.as_str(),
            Some(None) => false,
        })
        .cloned()
        .collect()
}

/// Sets each component's `direct` from the graph, seen from `products`
/// (none: unknown, the caller having said why), and appends them to `out`.
/// `refs` are the components' element ids, in order.
pub(super) fn place(
    graph: &Graph,
    products: &[String],
    refs: &[Option<&str>],
    components: Vec<Component>,
    warnings: &mut Vec<String>,
    out: &mut Vec<Component>,
) {
    let flags = if products.is_empty() {
        vec![None; components.len()]
    } else {
        let labels: Vec<String> = components
            .iter()
            .map(|c| match &c.version {
                Some(v) => format!("{} {v}", c.name),
                None => c.name.clone(),
            })
            .collect();
        graph.direct_flags(products, refs, &labels, warnings)
    };
    for (mut c, direct) in components.into_iter().zip(flags) {
        c.direct = direct;
        out.push(c);
    }
}

/// A version range where a version belongs: `>= 3.5.0`, `^1.2`, `1.0, <2`.
pub(super) fn is_range(version: &str) -> bool {
    version.starts_with(['<', '>', '=', '~', '^', '*'])
        || version.contains(|c: char| c.is_whitespace() || c == ',')
}

/// `pip:flake8` → `flake8` when `purl` names that package
/// (`pkg:pypi/flake8@…`, `pkg:githubactions/actions/checkout@2` for
/// `actions:actions/checkout`); otherwise `None`.
pub(super) fn without_ecosystem<'n>(name: &'n str, purl: &str) -> Option<&'n str> {
    let (ecosystem, bare) = name.split_once(':')?;
    if ecosystem.is_empty() || !ecosystem.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (path, _, _) = super::vuln::purl_parts(purl.strip_prefix("pkg:")?);
    let path = super::cyclonedx::percent_decode(path.split_once('/')?.1);
    let confirmed =
        bare.eq_ignore_ascii_case(&path) || bare.eq_ignore_ascii_case(&path.replace('/', ":"));
    confirmed.then_some(bare)
}

/// `Organization: ACME (x@y)` → `ACME (x@y)`; `NOASSERTION` → none.
fn party(value: Option<&str>) -> Option<String> {
    let v = value?.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("NOASSERTION") || v.eq_ignore_ascii_case("NONE") {
        return None;
    }
    let stripped = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
        .unwrap_or(v)
        .trim();
    (!stripped.is_empty()).then(|| stripped.to_string())
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<String>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(
        default,
        rename = "documentDescribes",
        deserialize_with = "null_default"
    )]
    document_describes: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    packages: Vec<RawPackage>,
    #[serde(default, deserialize_with = "null_default")]
    relationships: Vec<RawRelationship>,
    /// Read loosely: only `creators` is used, to recognise Trivy.
    #[serde(rename = "creationInfo")]
    creation_info: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPackage {
    name: Option<Text>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(rename = "versionInfo")]
    version_info: Option<Text>,
    #[serde(rename = "licenseConcluded")]
    license_concluded: Option<String>,
    #[serde(rename = "licenseDeclared")]
    license_declared: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    #[serde(rename = "externalRefs", deserialize_with = "null_default")]
    external_refs: Vec<RawExternalRef>,
    #[serde(deserialize_with = "null_default")]
    checksums: Vec<RawChecksum>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExternalRef {
    #[serde(rename = "referenceType")]
    reference_type: Option<String>,
    #[serde(rename = "referenceLocator")]
    locator: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawChecksum {
    algorithm: Option<String>,
    #[serde(rename = "checksumValue")]
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRelationship {
    #[serde(rename = "spdxElementId")]
    element: Option<String>,
    #[serde(rename = "relatedSpdxElement")]
    related: Option<String>,
    #[serde(rename = "relationshipType")]
    kind: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties() {
        assert_eq!(
            party(Some("Organization: ACME Inc.")).as_deref(),
            Some("ACME Inc.")
        );
        assert_eq!(
            party(Some("Person: Jane Doe (jane@example.com)")).as_deref(),
            Some("Jane Doe (jane@example.com)")
        );
        assert_eq!(party(Some("NOASSERTION")), None);
    }

    #[test]
    fn ranges_are_not_versions() {
        for range in [
            ">= 3.5.0", "<2", "=1.0", "~1.2", "^4", "*", "1.0, <2", "1 - 2",
        ] {
            assert!(is_range(range), "{range}");
        }
        for version in ["3.5.0", "1.0.0-rc.1+build", "2024.01", "v2", "main"] {
            assert!(!is_range(version), "{version}");
        }
    }

    #[test]
    fn ecosystem_prefixes_go_only_when_the_purl_names_the_package() {
        let bare = |name, purl| without_ecosystem(name, purl);
        assert_eq!(
            bare("npm:left-pad", "pkg:npm/left-pad@1.3.0"),
            Some("left-pad")
        );
        assert_eq!(
            bare(
                "actions:actions/checkout",
                "pkg:githubactions/actions/checkout@4"
            ),
            Some("actions/checkout")
        );
        assert_eq!(
            bare("npm:@babel/core", "pkg:npm/%40babel/core@7"),
            Some("@babel/core")
        );
        assert_eq!(
            bare("npm:@babel/core", "pkg:npm/@babel/core"),
            Some("@babel/core")
        );
        assert_eq!(
            bare(
                "maven:org.example:pump",
                "pkg:maven/org.example/pump@1?type=jar"
            ),
            Some("org.example:pump")
        );
        assert_eq!(bare("pip:PyYAML", "pkg:pypi/pyyaml@6.0"), Some("PyYAML"));
        // Another package, or no prefix to strip.
        assert_eq!(bare("npm:left-pad", "pkg:npm/right-pad@1"), None);
        assert_eq!(bare("left-pad", "pkg:npm/left-pad@1"), None);
        assert_eq!(
            bare("org.example:pump", "pkg:maven/org.example/pump@1"),
            None
        );
    }

    #[test]
    fn products_are_the_described_packages_no_other_reaches() {
        let described: Vec<String> = ["app", "lib", "tool", "a", "b"].map(String::from).to_vec();
        let mut reach: HashMap<&str, Vec<&str>> = HashMap::new();
        // app → x → lib: reached through a package that is not described.
        reach.insert("app", vec!["x"]);
        reach.insert("x", vec!["lib"]);
        // tool → y → tool: reached from itself only (the SPDX 2.3 example's
        // Package CONTAINS JenaLib CONTAINS Package).
        reach.insert("tool", vec!["y"]);
        reach.insert("y", vec!["tool", "x"]);
        // a → b → a: each reached from the other.
        reach.insert("a", vec!["b"]);
        reach.insert("b", vec!["a"]);
        assert_eq!(products(&described, &reach), ["app", "tool"]);
    }
}
