//! What the SBOM formats share: deciding direct versus transitive from a
//! dependency graph.
//!
//! The product is the SBOM's subject (CycloneDX `metadata.component`, the
//! package an SPDX document DESCRIBES). With a graph, a component the
//! product depends on is direct (`Some(true)`); one reachable only through
//! other components is transitive (`Some(false)`); one the graph does not
//! connect to the product (tooling in a scanned environment, a component
//! without a reference) is unknown (`None`), and one warning counts those.
//! Without a graph, or without a product in it, every component is unknown.
//!
//! Some nodes are not components but groups of them: Trivy hangs the
//! packages of each lockfile under a node for that file, and the packages of
//! the operating system under a node for it. Such a node is *transparent*:
//! what the product reaches through it is as near as the node itself, so a
//! package a lockfile lists is direct when the lockfile is.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::vex::purl_key;

/// `[sbom] product` (`Options::product_components`): entries naming SBOM
/// entries that are the product itself, which a generator listed among the
/// packages (Trivy's go.mod main module; syft never names the product). A
/// named entry is not SOUP and, in the graph, stands for the product: what it
/// depends on is direct.
pub(crate) struct NamedProduct<'o> {
    entries: &'o [String],
    /// Names of the entries found, for the warning.
    found: Vec<String>,
}

impl<'o> NamedProduct<'o> {
    pub(crate) fn new(entries: &'o [String]) -> Self {
        NamedProduct {
            entries,
            found: Vec::new(),
        }
    }

    /// Whether an entry names this one: a purl entry (`pkg:…`) matches the
    /// purl whatever its version, qualifiers and subpath; any other entry
    /// matches one of `names` (case-insensitively). `label` is recorded.
    /// Costs nothing when the configuration names nothing (the usual case,
    /// on every component of a 10k-component SBOM).
    pub(crate) fn matches<'n>(
        &mut self,
        names: impl FnOnce() -> Vec<std::borrow::Cow<'n, str>>,
        purl: Option<&str>,
        label: impl FnOnce() -> String,
    ) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let names = names();
        let named = self.entries.iter().any(|entry| {
            let entry = entry.trim();
            if entry.starts_with("pkg:") {
                // Compared as VEX products are: path decoded, case folded,
                // PyPI names normalised; the version is not compared.
                let path = |p: &str| purl_key(p).map(|(path, _)| path);
                purl.and_then(path).is_some_and(|p| Some(p) == path(entry))
            } else {
                names.iter().any(|n| n.trim().eq_ignore_ascii_case(entry))
            }
        });
        if named {
            self.found.push(label());
        }
        named
    }

    /// The warning saying which entries were read as the product.
    pub(crate) fn warn(self, warnings: &mut Vec<String>) {
        if !self.found.is_empty() {
            warnings.push(format!(
                "{} entr(ies) are the product itself, as `[sbom] product` in the configuration \
                 says, and are not read as components: {}",
                self.found.len(),
                self.found.join(", ")
            ));
        }
    }
}

/// Edges from a reference to the references it depends on.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    edges: HashMap<String, Vec<String>>,
    /// References with an entry of their own (possibly with no edges).
    nodes: HashSet<String>,
    /// Grouping nodes: an edge into one adds no step.
    transparent: HashSet<String>,
}

impl Graph {
    pub(crate) fn node(&mut self, from: &str) {
        self.nodes.insert(from.to_string());
    }

    pub(crate) fn edge(&mut self, from: &str, to: &str) {
        self.nodes.insert(from.to_string());
        let list = self.edges.entry(from.to_string()).or_default();
        if !list.iter().any(|t| t == to) {
            list.push(to.to_string());
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether `from` depends on (groups) anything.
    pub(crate) fn has_edges(&self, from: &str) -> bool {
        self.edges.get(from).is_some_and(|to| !to.is_empty())
    }

    /// Marks `node` as a grouping node, not a component (see the module
    /// documentation).
    pub(crate) fn make_transparent(&mut self, node: &str) {
        self.transparent.insert(node.to_string());
    }

    /// Direct flags for components with references `refs`, seen from `roots`;
    /// warnings explain unknown flags. `names` label components in warnings.
    pub(crate) fn direct_flags(
        &self,
        roots: &[String],
        refs: &[Option<&str>],
        names: &[String],
        warnings: &mut Vec<String>,
    ) -> Vec<Option<bool>> {
        if self.is_empty() {
            return vec![None; refs.len()];
        }
        if roots.is_empty() {
            warnings.push(
                "the SBOM has a dependency graph but does not say which component is the product \
                 (CycloneDX metadata.component, SPDX DESCRIBES), so direct and transitive \
                 dependencies cannot be told apart"
                    .to_string(),
            );
            return vec![None; refs.len()];
        }
        if !roots.iter().any(|r| self.nodes.contains(r)) {
            warnings.push(
                "the dependency graph has no entry for the product, so direct and transitive \
                 dependencies cannot be told apart"
                    .to_string(),
            );
            return vec![None; refs.len()];
        }
        // Breadth-first from the product: depth 1 is direct. An edge into a
        // transparent node adds no step, so those go to the front of the
        // queue (a 0-1 breadth-first search: each node ends at its least
        // depth).
        let mut depth: HashMap<&str, u32> = HashMap::new();
        let mut queue: VecDeque<(&str, u32)> = VecDeque::new();
        for root in roots {
            depth.insert(root.as_str(), 0);
            queue.push_back((root.as_str(), 0));
        }
        while let Some((node, d)) = queue.pop_front() {
            if depth.get(node).is_some_and(|&least| least < d) {
                continue;
            }
            for next in self.edges.get(node).into_iter().flatten() {
                let through = self.transparent.contains(next);
                let nd = if through { d } else { d + 1 };
                if depth.get(next.as_str()).is_none_or(|&old| nd < old) {
                    depth.insert(next.as_str(), nd);
                    if through {
                        queue.push_front((next.as_str(), nd));
                    } else {
                        queue.push_back((next.as_str(), nd));
                    }
                }
            }
        }
        let mut unreachable = 0u64;
        let mut first = None;
        let flags = refs
            .iter()
            .enumerate()
            .map(|(i, r)| match r.and_then(|r| depth.get(r)) {
                Some(0) | None => {
                    unreachable += 1;
                    if first.is_none() {
                        first = names.get(i).cloned();
                    }
                    None
                }
                Some(1) => Some(true),
                Some(_) => Some(false),
            })
            .collect();
        if unreachable > 0 {
            warnings.push(format!(
                "{unreachable} component(s) are not connected to the product in the dependency \
                 graph (first: {}); whether they are direct or transitive is unknown",
                first.unwrap_or_default()
            ));
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct_of(graph: &Graph, refs: &[&str]) -> (Vec<Option<bool>>, Vec<String>) {
        let roots = ["app".to_string()];
        let refs: Vec<Option<&str>> = refs.iter().map(|r| Some(*r)).collect();
        let names: Vec<String> = refs.iter().map(|r| r.unwrap_or("").to_string()).collect();
        let mut warnings = Vec::new();
        let flags = graph.direct_flags(&roots, &refs, &names, &mut warnings);
        (flags, warnings)
    }

    #[test]
    fn transparent_nodes_add_no_step() {
        let mut g = Graph::default();
        // app → os → bash → libc; app → lock → nested-lock → express.
        g.edge("app", "os");
        g.edge("os", "bash");
        g.edge("bash", "libc");
        g.edge("app", "lock");
        g.edge("lock", "nested-lock");
        g.edge("nested-lock", "express");
        for node in ["os", "lock", "nested-lock"] {
            g.make_transparent(node);
        }
        let (flags, warnings) = direct_of(&g, &["bash", "libc", "express"]);
        assert_eq!(flags, [Some(true), Some(false), Some(true)]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_nearest_path_wins_through_a_transparent_node() {
        let mut g = Graph::default();
        // libc is found first two steps away (app → a → libc), then one step
        // away through the transparent os, which is queued later.
        g.edge("app", "a");
        g.edge("a", "libc");
        g.edge("app", "b");
        g.edge("b", "os");
        g.edge("app", "os2");
        g.edge("os2", "libc");
        g.make_transparent("os");
        g.make_transparent("os2");
        let (flags, _) = direct_of(&g, &["a", "libc"]);
        assert_eq!(flags, [Some(true), Some(true)]);
        // Without transparency, libc is two steps away.
        let mut plain = Graph::default();
        plain.edge("app", "a");
        plain.edge("a", "libc");
        plain.edge("app", "os2");
        plain.edge("os2", "libc");
        assert_eq!(direct_of(&plain, &["libc"]).0, [Some(false)]);
    }
}
