//! `[sbom] product`: SBOM entries the configuration names as the product
//! itself. Trivy lists a Go project's own main module (go.mod's `module`
//! line, no version) under the go.mod node, among the packages; unnamed, it
//! reads as a direct SOUP component without a version. Fixtures in
//! tests/fixtures/handmade-sbom-product/ (PROVENANCE.md there).

mod common;

use common::*;
use regops_evidence::{Component, Evidence, EvidenceKind, Options, load};

const DIR: &str = "tests/fixtures/handmade-sbom-product";
const MAIN_MODULE: &str = "github.com/example/pump-gateway";

fn with_product(file: &str, product: &[&str]) -> Evidence {
    let options = Options {
        product_components: product.iter().map(|p| p.to_string()).collect(),
        ..Options::default()
    };
    let path = format!("{DIR}/{file}");
    load(&[input(&path, EvidenceKind::Components)], &options)
        .unwrap_or_else(|e| panic!("{file} should load: {e}"))
}

/// (name, version, direct) of every component, in order.
fn rows(components: &[Component]) -> Vec<(&str, Option<&str>, Option<bool>)> {
    components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_deref(), c.direct))
        .collect()
}

const DEPENDENCIES: [(&str, Option<&str>, Option<bool>); 5] = [
    (
        "github.com/eclipse/paho.mqtt.golang",
        Some("v1.4.3"),
        Some(true),
    ),
    ("go.bug.st/serial", Some("v1.6.2"), Some(true)),
    ("github.com/gorilla/websocket", Some("v1.5.0"), Some(false)),
    ("golang.org/x/net", Some("v0.17.0"), Some(false)),
    ("golang.org/x/sys", Some("v0.13.0"), Some(false)),
];

#[test]
fn unnamed_the_main_module_is_a_direct_component_without_a_version() {
    for file in ["trivy-gomod.cdx.json", "trivy-gomod.spdx.json"] {
        let e = with_product(file, &[]);
        let rows = rows(&e.components);
        // The main module hangs from the go.mod node, so it reads as the one
        // direct package and everything it requires as transitive.
        assert_eq!(rows[0], (MAIN_MODULE, None, Some(true)), "{file}");
        assert_eq!(rows.len(), 6, "{file}");
        assert!(
            rows[1..]
                .iter()
                .all(|(_, _, direct)| *direct == Some(false)),
            "{file}: {rows:?}"
        );
    }
}

#[test]
fn a_purl_entry_makes_the_main_module_the_product_and_its_requirements_direct() {
    for file in ["trivy-gomod.cdx.json", "trivy-gomod.spdx.json"] {
        // Any version, qualifier or subpath in the entry is not compared.
        let e = with_product(
            file,
            &["pkg:golang/github.com/Example/pump-gateway@v2.1.0?type=module"],
        );
        assert_eq!(rows(&e.components), DEPENDENCIES, "{file}");
        let w = warnings(&e);
        assert!(
            w.contains(&format!(
                "1 entr(ies) are the product itself, as `[sbom] product` in the configuration \
                 says, and are not read as components: {MAIN_MODULE}"
            )),
            "{file}: {w:?}"
        );
    }
}

#[test]
fn a_name_entry_names_the_same_entry() {
    let e = with_product("trivy-gomod.cdx.json", &[MAIN_MODULE]);
    assert_eq!(rows(&e.components), DEPENDENCIES);
}

#[test]
fn an_entry_naming_nothing_changes_nothing() {
    // A typo leaves the main module a component: it fails identification,
    // named, rather than hiding a package.
    for file in ["trivy-gomod.cdx.json", "trivy-gomod.spdx.json"] {
        let named = with_product(file, &["pkg:golang/github.com/example/pump-gatewey"]);
        let unnamed = with_product(file, &[]);
        assert_eq!(named.components, unnamed.components, "{file}");
        assert!(
            !warnings(&named)
                .iter()
                .any(|w| w.contains("[sbom] product")),
            "{file}"
        );
    }
}

#[test]
fn a_named_package_stands_for_a_product_the_sbom_does_not_name() {
    // syft names no product in its graph: a named package is then the root.
    let text =
        std::fs::read_to_string(repo().join(DIR).join("trivy-gomod.cdx.json")).expect("fixture");
    let mut bom: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    bom["metadata"]
        .as_object_mut()
        .expect("metadata")
        .remove("component");
    let bytes = serde_json::to_vec(&bom).expect("serialises");
    let unnamed = try_bytes(
        "no-product.cdx.json",
        &bytes,
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert!(unnamed.components.iter().all(|c| c.direct.is_none()));

    let dir = std::env::temp_dir().join(format!("regops-sbom-product-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("no-product.cdx.json");
    std::fs::write(&path, &bytes).expect("write");
    let options = Options {
        product_components: vec![MAIN_MODULE.to_string()],
        ..Options::default()
    };
    let input = regops_evidence::Input {
        path: path.clone(),
        display: "no-product.cdx.json".to_string(),
        kind: EvidenceKind::Components,
        format: None,
    };
    let named = load(&[input], &options).expect("loads");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(rows(&named.components), DEPENDENCIES);
}
