//! CycloneDX 1.x XML (namespace `http://cyclonedx.org/schema/bom/1.x`), as
//! cyclonedx-py `--of XML`, cargo-cyclonedx `--format xml` and
//! cyclonedx-npm `--of XML` write it.
//!
//! Streamed with the shared XML reader into the same document model as the
//! JSON encoding ([`super::cyclonedx::Bom`]), so every rule of
//! [`super::cyclonedx`] applies unchanged. Element names are matched by local
//! name, so any namespace prefix works. What is read:
//!
//! * `<metadata>`: `<timestamp>`, the first tool's `<name>` (1.4
//!   `<tools><tool>`, 1.5+ `<tools><components><component>`), the first
//!   `<authors><author><name>`, `<supplier><name>`, and `<component>` (the
//!   product; components nested in it are its own parts and are skipped).
//! * `<components><component bom-ref>` with nested `<components>`:
//!   `<name>`, `<group>`, `<version>`, `<purl>`, `<licenses>` (`<license>`
//!   with `<id>` or `<name>`, or `<expression>`), `<hashes><hash alg>`,
//!   `<supplier><name>`, `<manufacturer><name>`, `<author>`,
//!   `<authors><author><name>`, `<publisher>`, the `type` attribute and
//!   `<properties><property name>` (the markers syft writes on its
//!   operating system, as in JSON). Nesting is capped at
//!   [`super::cyclonedx::MAX_NESTING`] components (and every element at
//!   [`super::junit::MAX_DEPTH`]).
//! * `<dependencies><dependency ref><dependency ref/>`. A nested
//!   `<dependency>` is an edge from the `<dependency>` it sits in, at any
//!   depth (cyclonedx-python-lib writes a dependency's own dependencies
//!   inside it), as the JSON encoding's `dependsOn` of that ref.
//! * `<vulnerabilities><vulnerability>`: `<id>`, `<references><reference><id>`,
//!   `<ratings><rating>` (`<score>`, `<severity>`, `<method>`, `<vector>`),
//!   `<affects><target>` (`<ref>`, `<versions><version>` with `<version>`
//!   or `<range>` and `<status>`), `<analysis>` (`<state>`, `<justification>`,
//!   `<detail>`, `<firstIssued>`, `<lastUpdated>`), `<published>`, `<updated>`.
//!
//! Refused, like the other XML formats: a DOCTYPE declaring entities, a root
//! other than `<bom>`, a truncated file, a second root element.

use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::ParseContext;
use super::cyclonedx::{
    Bom, BomAffects, BomAnalysis, BomComponent, BomRating, BomVersion, BomVulnerability, Kind,
    MAX_NESTING, check_spec_version, emit,
};
use super::junit::MAX_DEPTH;
use super::vuln::push_unique;
use super::xml::{Elements, XmlReader, push_capped};
use crate::error::FormatError;
use crate::model::Hash;
use crate::{Evidence, EvidenceKind};

/// Text kept from one element.
const MAX_TEXT: usize = 64 * 1024;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    kind: EvidenceKind,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(reader)?;
    let mut p = Parser::default();
    xml.walk(&mut p)?;
    xml.check_complete(p.stack.last().map(|n| &**n), p.root_seen, "<bom>")?;
    check_spec_version(p.spec_version.as_deref())?;
    xml.warn_replaced_utf8(&mut ctx.warnings);
    emit(p.bom, kind, ctx, evidence)
}

/// What a `<component>` element stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    /// An SBOM component, at this index of `bom.components`.
    Slot(usize),
    /// `metadata.component`.
    Product,
    /// A tool, or a part of the product: read nothing.
    Ignored,
    /// A tool described as a component (1.5+): its name names the scanner.
    Tool,
}

#[derive(Default)]
struct Parser {
    stack: Vec<Box<str>>,
    root_seen: bool,
    root_closed: bool,
    spec_version: Option<String>,
    bom: Bom,
    /// Open `<component>` elements: what they are and the stack depth inside them.
    components: Vec<(Target, usize)>,
    product: BomComponent,
    product_seen: bool,
    text: String,
    /// `alg` of the open `<hash>`.
    hash_alg: Option<String>,
    /// `<id>` and `<name>` of the open `<license>`.
    licence: (Option<String>, Option<String>),
    /// `name` of the open `<property>`.
    property: Option<String>,
    /// The `ref`s of the open `<dependency>` elements, outermost first.
    dependencies: Vec<Option<String>>,
    vulnerability: Option<BomVulnerability>,
    rating: Option<BomRating>,
    /// The `<affects><target><versions><version>` being read.
    affected_version: Option<BomVersion>,
}

/// The shared reader's walk feeds the parser; every text is wanted (it
/// is kept only inside the elements the parser reads).
impl Elements for Parser {
    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        Parser::start(self, xml, e)
    }

    fn end(&mut self) {
        Parser::end(self)
    }

    fn wants_text(&self) -> bool {
        true
    }

    fn text(&mut self, text: &str) {
        push_capped(&mut self.text, text, MAX_TEXT)
    }
}

impl Parser {
    /// The name of the element `n` levels above the top (0 = the top).
    fn up(&self, n: usize) -> &str {
        self.stack
            .len()
            .checked_sub(n + 1)
            .and_then(|i| self.stack.get(i))
            .map_or("", |s| s)
    }

    /// The component whose direct child is the current element.
    fn parent_component(&self) -> Option<Target> {
        match self.components.last() {
            // Called from `end`, after the child was popped.
            Some(&(target, depth)) if depth == self.stack.len() => Some(target),
            _ => None,
        }
    }

    fn component_mut(&mut self, target: Target) -> Option<&mut BomComponent> {
        match target {
            Target::Slot(i) => self.bom.components.get_mut(i),
            Target::Product => Some(&mut self.product),
            Target::Ignored | Target::Tool => None,
        }
    }

    fn start(&mut self, xml: &XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let local = e.local_name();
        let name = String::from_utf8_lossy(local.as_ref()).into_owned();
        if self.stack.len() >= MAX_DEPTH {
            return Err(xml.error_at_event(format!(
                "elements are nested more than {MAX_DEPTH} levels deep at <{name}>"
            )));
        }
        self.text.clear();
        if self.stack.is_empty() {
            if self.root_closed {
                return Err(xml.error_at_event(format!(
                    "a second root element <{name}> follows the first one; expected the end of the file"
                )));
            }
            if name != "bom" {
                return Err(xml.error_at_event(format!(
                    "expected <bom> as the root element, found <{name}>"
                )));
            }
            self.root_seen = true;
            let mut version = None;
            xml.for_each_attribute(e, |key, value| {
                if key == b"xmlns" {
                    version = value
                        .trim()
                        .strip_prefix("http://cyclonedx.org/schema/bom/")
                        .map(str::to_string);
                }
                Ok(())
            })?;
            self.spec_version = version;
            self.stack.push(name.into());
            return Ok(());
        }
        let parent = self.up(0).to_string();
        let grandparent = self.up(1).to_string();
        match name.as_str() {
            "component" => {
                let target = match (parent.as_str(), grandparent.as_str()) {
                    ("metadata", _) => {
                        self.product_seen = true;
                        Target::Product
                    }
                    ("components", "bom") => self.new_slot(),
                    ("components", "component") => match self.components.last() {
                        Some((Target::Slot(_), _)) => {
                            let nesting = self
                                .components
                                .iter()
                                .filter(|(t, _)| matches!(t, Target::Slot(_)))
                                .count();
                            if nesting > MAX_NESTING {
                                return Err(xml.error_at_event(format!(
                                    "components are nested more than {MAX_NESTING} levels deep"
                                )));
                            }
                            self.new_slot()
                        }
                        _ => Target::Ignored,
                    },
                    ("components", "tools") => Target::Tool,
                    _ => Target::Ignored,
                };
                if let Some(c) = self.component_mut(target) {
                    xml.for_each_attribute(e, |key, value| {
                        let value = value.trim();
                        if value.is_empty() {
                            return Ok(());
                        }
                        match key {
                            b"bom-ref" => c.bom_ref = Some(value.to_string()),
                            b"type" => c.kind = Kind::of(value),
                            _ => {}
                        }
                        Ok(())
                    })?;
                }
                self.components.push((target, self.stack.len() + 1));
            }
            "hash" if parent == "hashes" => {
                let mut alg = None;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"alg" {
                        alg = Some(value.trim().to_string());
                    }
                    Ok(())
                })?;
                self.hash_alg = alg;
            }
            "license" if parent == "licenses" => self.licence = (None, None),
            "property" if parent == "properties" => {
                let mut name = None;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"name" {
                        name = Some(value.trim().to_string());
                    }
                    Ok(())
                })?;
                self.property = name;
            }
            "dependency" => {
                let mut reference = None;
                xml.for_each_attribute(e, |key, value| {
                    if key == b"ref" && !value.trim().is_empty() {
                        reference = Some(value.trim().to_string());
                    }
                    Ok(())
                })?;
                match (parent.as_str(), &reference) {
                    ("dependencies", Some(r)) => self.bom.graph.node(r),
                    ("dependency", Some(to)) => {
                        if let Some(Some(from)) = self.dependencies.last() {
                            self.bom.graph.edge(from, to);
                        }
                    }
                    _ => {}
                }
                if matches!(parent.as_str(), "dependencies" | "dependency") {
                    self.dependencies.push(reference);
                }
            }
            "vulnerability" if parent == "vulnerabilities" && grandparent == "bom" => {
                self.vulnerability = Some(BomVulnerability::default());
            }
            "rating" if parent == "ratings" && self.vulnerability.is_some() => {
                self.rating = Some(BomRating::default());
            }
            "analysis" if parent == "vulnerability" => {
                if let Some(v) = self.vulnerability.as_mut() {
                    v.analysis = Some(BomAnalysis::default());
                }
            }
            _ => {}
        }
        self.stack.push(name.into());
        Ok(())
    }

    fn new_slot(&mut self) -> Target {
        self.bom.components.push(BomComponent::default());
        Target::Slot(self.bom.components.len() - 1)
    }

    fn end(&mut self) {
        let Some(name) = self.stack.pop() else {
            return;
        };
        if self.stack.is_empty() {
            self.root_closed = true;
            if self.product_seen {
                self.bom.product = Some(std::mem::take(&mut self.product));
            }
            return;
        }
        let text = std::mem::take(&mut self.text);
        let value = Some(text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let parent = self.up(0).to_string();
        let grandparent = self.up(1).to_string();

        if &*name == "component"
            && self
                .components
                .last()
                .is_some_and(|&(_, depth)| depth == self.stack.len() + 1)
        {
            self.components.pop();
            return;
        }
        // Direct children of a component.
        if let Some(target) = self.parent_component() {
            if target == Target::Tool {
                if &*name == "name" && self.bom.tool.is_none() {
                    self.bom.tool = value;
                }
                return;
            }
            if let Some(c) = self.component_mut(target) {
                match &*name {
                    "name" => c.name = value.unwrap_or_default(),
                    "group" => c.group = value,
                    "version" => c.version = value,
                    "purl" => c.purl = value,
                    "author" | "publisher" if c.supplier.is_none() => c.supplier = value,
                    _ => {}
                }
            }
            return;
        }
        // Grandchildren of a component: licences, hashes, supplier names.
        let owner = match self.components.last() {
            Some(&(target, depth)) if depth + 2 == self.stack.len() + 1 => Some(target),
            Some(&(target, depth)) if depth + 3 == self.stack.len() + 1 => Some(target),
            _ => None,
        }
        .filter(|t| matches!(t, Target::Slot(_) | Target::Product));
        if let Some(target) = owner {
            match (&*name, parent.as_str()) {
                ("id", "license") => {
                    self.licence.0 = value;
                    return;
                }
                ("name", "license") => {
                    self.licence.1 = value;
                    return;
                }
                _ => {}
            }
            let licence = if &*name == "license" {
                std::mem::take(&mut self.licence)
            } else {
                (None, None)
            };
            let alg = if &*name == "hash" {
                self.hash_alg.take()
            } else {
                None
            };
            let property = if &*name == "property" {
                self.property.take()
            } else {
                None
            };
            if let Some(c) = self.component_mut(target) {
                match (&*name, parent.as_str(), grandparent.as_str()) {
                    ("license", "licenses", _) => {
                        if let Some(l) = licence.0.or(licence.1) {
                            push_unique(&mut c.licences, &l);
                        }
                    }
                    ("expression", "licenses", _) => {
                        if let Some(e) = value {
                            push_unique(&mut c.licences, &e);
                        }
                    }
                    ("hash", "hashes", _) => {
                        if let (Some(algorithm), Some(v)) = (alg, value) {
                            c.hashes.push(Hash {
                                algorithm,
                                value: v,
                            });
                        }
                    }
                    // supplier wins over manufacturer over author.
                    ("name", "supplier" | "manufacturer", _)
                        if parent == "supplier" || c.supplier.is_none() =>
                    {
                        c.supplier = value;
                    }
                    ("name", "author", "authors") if c.supplier.is_none() => c.supplier = value,
                    // The producers' markers of entries that are not packages.
                    ("property", "properties", _) => {
                        if let Some(p) = property {
                            c.markers.add(&p, value.as_deref());
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        // Metadata.
        if parent == "metadata" && &*name == "timestamp" {
            self.bom.timestamp = value;
            return;
        }
        if &*name == "name" && parent == "tool" && grandparent == "tools" {
            if self.bom.tool.is_none() {
                self.bom.tool = value;
            }
            return;
        }
        if &*name == "name"
            && parent == "author"
            && grandparent == "authors"
            && self.up(2) == "metadata"
        {
            if self.bom.author.is_none() {
                self.bom.author = value;
            }
            return;
        }
        if &*name == "name" && parent == "supplier" && grandparent == "metadata" {
            if self.bom.author.is_none() {
                self.bom.author = value;
            }
            return;
        }
        if &*name == "dependency" && matches!(parent.as_str(), "dependencies" | "dependency") {
            self.dependencies.pop();
            return;
        }
        // Vulnerabilities.
        if &*name == "vulnerability" && parent == "vulnerabilities" {
            if let Some(v) = self.vulnerability.take() {
                self.bom.vulnerabilities.push(v);
            }
            return;
        }
        if &*name == "rating" && parent == "ratings" {
            if let (Some(r), Some(v)) = (self.rating.take(), self.vulnerability.as_mut()) {
                v.ratings.push(r);
            }
            return;
        }
        if let Some(r) = self.rating.as_mut()
            && parent == "rating"
        {
            match &*name {
                "score" => r.score = value.and_then(|v| v.parse().ok()),
                "severity" => r.severity = value,
                "method" => r.method = value,
                "vector" => r.vector = value,
                _ => {}
            }
            return;
        }
        let Some(v) = self.vulnerability.as_mut() else {
            return;
        };
        match (&*name, parent.as_str(), grandparent.as_str()) {
            ("id", "vulnerability", _) => v.id = value.unwrap_or_else(|| "(no id)".to_string()),
            ("published", "vulnerability", _) => v.published = value,
            ("updated", "vulnerability", _) => v.updated = value,
            ("id", "reference", "references") => {
                if let Some(id) = value {
                    v.references.push(id);
                }
            }
            ("ref", "target", "affects") => {
                if let Some(r) = value {
                    v.affects.push(BomAffects {
                        reference: r,
                        versions: Vec::new(),
                    });
                }
            }
            (field @ ("version" | "range" | "status"), "version", "versions") => {
                let listed = self.affected_version.get_or_insert_default();
                match field {
                    "version" => listed.version = value,
                    "range" => listed.range = value,
                    _ => listed.status = value,
                }
            }
            ("version", "versions", "target") => {
                if let (Some(listed), Some(target)) =
                    (self.affected_version.take(), v.affects.last_mut())
                {
                    target.versions.push(listed);
                }
            }
            (field, "analysis", "vulnerability") => {
                if let Some(a) = v.analysis.as_mut() {
                    match field {
                        "state" => a.state = value,
                        "justification" => a.justification = value,
                        "detail" => a.detail = value,
                        "firstIssued" => a.first_issued = value,
                        "lastUpdated" => a.last_updated = value,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(dependencies: &str) -> Bom {
        let xml = format!(
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><dependencies>{dependencies}\
             </dependencies></bom>"
        );
        let mut reader = xml.as_bytes();
        let mut xml = XmlReader::new(&mut reader).expect("reader");
        let mut p = Parser::default();
        xml.walk(&mut p).expect("walk");
        p.bom
    }

    #[test]
    fn nested_dependencies_hang_from_their_parent() {
        let bom = graph_of(
            "<dependency ref=\"app\"><dependency ref=\"a\"><dependency ref=\"b\"/>\
             </dependency><dependency ref=\"c\"/></dependency>\
             <dependency ref=\"d\"><dependency><dependency ref=\"e\"/></dependency></dependency>",
        );
        let roots = ["app".to_string()];
        let refs = [Some("a"), Some("b"), Some("c"), Some("e")];
        let names = ["a", "b", "c", "e"].map(String::from);
        let mut warnings = Vec::new();
        let flags = bom.graph.direct_flags(&roots, &refs, &names, &mut warnings);
        // b under a, c back under app after a closed; e under a
        // `<dependency>` without ref hangs from nothing, not from d.
        assert_eq!(flags, [Some(true), Some(false), Some(true), None]);
    }
}
