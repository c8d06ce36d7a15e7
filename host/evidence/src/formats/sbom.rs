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

use std::collections::{HashMap, HashSet, VecDeque};

/// Edges from a reference to the references it depends on.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    edges: HashMap<String, Vec<String>>,
    /// References with an entry of their own (possibly with no edges).
    nodes: HashSet<String>,
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
        // Breadth-first from the product: depth 1 is direct.
        let mut depth: HashMap<&str, u32> = HashMap::new();
        let mut queue: VecDeque<(&str, u32)> = VecDeque::new();
        for root in roots {
            depth.insert(root.as_str(), 0);
            queue.push_back((root.as_str(), 0));
        }
        while let Some((node, d)) = queue.pop_front() {
            for next in self.edges.get(node).into_iter().flatten() {
                if !depth.contains_key(next.as_str()) {
                    depth.insert(next.as_str(), d + 1);
                    queue.push_back((next.as_str(), d + 1));
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
