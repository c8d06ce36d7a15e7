//! SBOM entries that are not packages (see
//! tests/fixtures/handmade-sbom-grouping/PROVENANCE.md): Trivy's node for
//! each scanned lockfile and for the operating system, under which it hangs
//! their packages; syft's operating system and the files its packages own.
//! None is a SOUP component, and a package a lockfile lists is direct when
//! the lockfile hangs from the product. What a producer does not mark stays
//! a component.

mod common;

use common::*;
use regops_evidence::{Component, Evidence, EvidenceKind, Format};

fn sbom(name: &str) -> Evidence {
    producer(
        &format!("handmade-sbom-grouping/{name}"),
        EvidenceKind::Components,
    )
}

/// (name, version, purl, direct) of a component.
type Summary<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<bool>);

/// The summary of every component, in order.
fn summary(components: &[Component]) -> Vec<Summary<'_>> {
    components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.version.as_deref(),
                c.purl.as_deref(),
                c.direct,
            )
        })
        .collect()
}

/// What the sbom-identification gate asks of every component.
fn all_identified(components: &[Component]) -> bool {
    components
        .iter()
        .all(|c| !c.name.is_empty() && c.version.is_some() && c.purl.is_some())
}

// ---------------------------------------------------------------------------
// Trivy, CycloneDX

#[test]
fn trivy_image_lockfile_and_os_nodes_are_not_components() {
    // product → debian 12.5 (os-pkgs) → base-files, bash → libc6 ⇄ libgcc-s1;
    // product → package-lock.json (lang-pkgs) → express → debug → ms;
    // product → pip (an installed package, no lockfile).
    let e = sbom("trivy-image.cdx.json");
    assert_eq!(e.files[0].format, Format::CycloneDxJson);
    assert_eq!(
        summary(&e.components),
        [
            (
                "base-files",
                Some("12.4+deb12u5"),
                Some("pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12.5"),
                Some(true)
            ),
            (
                "bash",
                Some("5.2.15-2+b2"),
                Some("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12.5"),
                Some(true)
            ),
            (
                "libc6",
                Some("2.36-9+deb12u4"),
                Some("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5"),
                Some(false)
            ),
            (
                "libgcc-s1",
                Some("12.2.0-14"),
                Some("pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12.5"),
                Some(false)
            ),
            (
                "debug",
                Some("2.6.9"),
                Some("pkg:npm/debug@2.6.9"),
                Some(false)
            ),
            (
                "express",
                Some("4.19.2"),
                Some("pkg:npm/express@4.19.2"),
                Some(true)
            ),
            ("ms", Some("2.0.0"), Some("pkg:npm/ms@2.0.0"), Some(false)),
            (
                "pip",
                Some("23.0.1"),
                Some("pkg:pypi/pip@23.0.1"),
                Some(true)
            ),
        ]
    );
    // Every SOUP component is identified: the lockfile and the operating
    // system, which have no purl, no longer fail the gate.
    assert!(all_identified(&e.components));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn trivy_fs_packages_of_each_lockfile_are_direct_under_it() {
    // product "." → poetry.lock → requests → urllib3, certifi;
    // product "." → requirements.txt → requests, urllib3. Trivy gives
    // packages found in two lockfiles a bom-ref each.
    let e = sbom("trivy-fs.cdx.json");
    assert_eq!(
        summary(&e.components),
        [
            (
                "certifi",
                Some("2024.2.2"),
                Some("pkg:pypi/certifi@2024.2.2"),
                Some(false)
            ),
            (
                "requests",
                Some("2.31.0"),
                Some("pkg:pypi/requests@2.31.0"),
                Some(true)
            ),
            (
                "requests",
                Some("2.31.0"),
                Some("pkg:pypi/requests@2.31.0"),
                Some(true)
            ),
            (
                "urllib3",
                Some("2.2.1"),
                Some("pkg:pypi/urllib3@2.2.1"),
                Some(false)
            ),
            (
                "urllib3",
                Some("2.2.1"),
                Some("pkg:pypi/urllib3@2.2.1"),
                Some(true)
            ),
        ]
    );
    assert!(all_identified(&e.components));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn trivy_os_without_packages_stays_a_component() {
    // Trivy found debian 12.5 but no package under it: the operating system
    // is then the only record of that software, and must be registered.
    let e = sbom("trivy-os-without-packages.cdx.json");
    assert_eq!(
        summary(&e.components),
        [("debian", Some("12.5"), None, Some(true))]
    );
    assert_eq!(
        warnings(&e),
        [
            "the SBOM names the operating system debian 12.5 but none of its packages (none hangs \
             under it or names it in a purl's `distro` qualifier), so the operating system is \
             read as a component"
        ]
    );
}

// ---------------------------------------------------------------------------
// syft, CycloneDX

#[test]
fn syft_image_os_and_file_entries_are_not_components() {
    // syft lists debian 12 beside its packages (their purls say
    // distro=debian-12) and the files they own; its graph links packages
    // only, never the product.
    let e = sbom("syft-image.cdx.json");
    assert_eq!(
        summary(&e.components),
        [
            (
                "bash",
                Some("5.2.15-2+b2"),
                Some("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12"),
                None
            ),
            (
                "libc6",
                Some("2.36-9+deb12u4"),
                Some(
                    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12"
                ),
                None
            ),
            ("pip", Some("23.0.1"), Some("pkg:pypi/pip@23.0.1"), None),
        ]
    );
    assert_eq!(
        e.components[0].supplier.as_deref(),
        Some("Matthias Klose <doko@debian.org>")
    );
    assert_eq!(
        warnings(&e),
        [
            "the dependency graph has no entry for the product, so direct and transitive \
             dependencies cannot be told apart",
            "3 `file` component(s) without a version or purl are files, not packages (syft lists \
             the files each package owns), and are not read as components (first: /usr/bin/bash)"
        ]
    );
}

#[test]
fn syft_image_xml_reads_as_the_json() {
    let json = sbom("syft-image.cdx.json");
    let xml = sbom("syft-image.cdx.xml");
    assert_eq!(xml.files[0].format, Format::CycloneDxXml);
    let strip = |e: &Evidence| -> Vec<Component> {
        e.components
            .iter()
            .cloned()
            .map(|mut c| {
                c.evidence.clear();
                c
            })
            .collect()
    };
    assert_eq!(strip(&xml), strip(&json));
    assert_eq!(warnings(&xml), warnings(&json));
}

#[test]
fn syft_os_without_its_packages_stays_a_component() {
    // No package names distro=debian-12: nothing itemises the operating
    // system, so it is SOUP in its own right.
    let e = sbom("syft-os-without-packages.cdx.json");
    assert_eq!(
        summary(&e.components),
        [
            ("pyserial", Some("3.5"), Some("pkg:pypi/pyserial@3.5"), None),
            ("debian", Some("12"), None, None),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "the SBOM names the operating system debian 12 but none of its packages (none hangs \
             under it or names it in a purl's `distro` qualifier), so the operating system is \
             read as a component"
        ]
    );
}

// ---------------------------------------------------------------------------
// What no producer marks as grouping stays a component

#[test]
fn unmarked_operating_systems_and_identified_files_stay_components() {
    // An RTOS without markers, an application and an OS with a purl (even
    // with Trivy's Class), a versioned firmware file and a file with a purl
    // are SOUP; only the file with neither version nor purl is left out.
    let e = sbom("not-grouping.cdx.json");
    assert_eq!(
        summary(&e.components),
        [
            ("FreeRTOS-Kernel", Some("10.6.2"), None, Some(true)),
            (
                "ui-shell",
                Some("2.0.1"),
                Some("pkg:npm/ui-shell@2.0.1"),
                Some(true)
            ),
            (
                "poky",
                Some("4.0.17"),
                Some("pkg:generic/poky@4.0.17"),
                Some(true)
            ),
            (
                "firmware/motor-controller.bin",
                Some("3.1.0"),
                None,
                Some(true)
            ),
            (
                "static/jquery.min.js",
                None,
                Some("pkg:npm/jquery@3.7.1"),
                Some(true)
            ),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "1 `file` component(s) without a version or purl are files, not packages (syft lists \
             the files each package owns), and are not read as components (first: \
             static/README.txt)"
        ]
    );
}

#[test]
fn an_sbom_of_grouping_entries_only_lists_no_component() {
    let e = try_bytes(
        "lockfile-only.cdx.json",
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "metadata": {"component": {"bom-ref": "root", "type": "application", "name": "."}},
            "components": [{"bom-ref": "lock", "type": "application", "name": "requirements.txt",
              "properties": [{"name": "aquasecurity:trivy:Class", "value": "lang-pkgs"},
                             {"name": "aquasecurity:trivy:Type", "value": "pip"}]}],
            "dependencies": [{"ref": "root", "dependsOn": ["lock"]},
                             {"ref": "lock", "dependsOn": []}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("reads");
    assert!(e.components.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "the SBOM lists no packages, only 1 entr(ies) that group or describe them (first: \
          requirements.txt)"
        ]
    );
}

#[test]
fn odd_properties_are_skipped_not_refused() {
    // Properties are read only for the producers' markers; a malformed one
    // must not refuse an SBOM that was read before. Key order does not
    // matter: the lockfile node is still told by its Class.
    let e = try_bytes(
        "odd-properties.cdx.json",
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
            "components": [
              {"type": "library", "name": "a", "version": "1", "purl": "pkg:npm/a@1",
               "properties": [{"name": 7, "value": {"x": 1}}, "text", null, [1]]},
              {"type": "library", "name": "b", "version": "2", "purl": "pkg:npm/b@2",
               "properties": {"name": "x"}},
              {"type": 3, "name": "c", "version": "3", "purl": "pkg:npm/c@3",
               "properties": null},
              {"type": "application", "name": "requirements.txt",
               "properties": [{"value": "lang-pkgs", "extra": [{}],
                               "name": "aquasecurity:trivy:Class"}]}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("reads");
    let names: Vec<&str> = e.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
}

// ---------------------------------------------------------------------------
// Trivy, SPDX

#[test]
fn trivy_spdx_application_and_os_packages_are_not_components() {
    // The same image as SPDX 2.3: the container CONTAINS the OS, the lockfile
    // and pip; the OS and the lockfile CONTAIN their packages.
    let e = sbom("trivy-image.spdx.json");
    assert_eq!(e.files[0].format, Format::SpdxJson);
    assert_eq!(
        summary(&e.components),
        [
            (
                "base-files",
                Some("12.4+deb12u5"),
                Some("pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12.5"),
                Some(true)
            ),
            (
                "bash",
                Some("5.2.15-2+b2"),
                Some("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12.5"),
                Some(true)
            ),
            (
                "libc6",
                Some("2.36-9+deb12u4"),
                Some("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5"),
                Some(false)
            ),
            (
                "express",
                Some("4.19.2"),
                Some("pkg:npm/express@4.19.2"),
                Some(true)
            ),
            (
                "debug",
                Some("2.6.9"),
                Some("pkg:npm/debug@2.6.9"),
                Some(false)
            ),
            (
                "pip",
                Some("23.0.1"),
                Some("pkg:pypi/pip@23.0.1"),
                Some(true)
            ),
        ]
    );
    assert!(all_identified(&e.components));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn trivy_2023_spdx_application_is_not_a_component() {
    // SPDX 2.2 from 2023: no primaryPackagePurpose, no annotations; the
    // lockfile package is named after its type.
    let e = sbom("trivy-fs-2023.spdx.json");
    assert_eq!(
        summary(&e.components),
        [
            (
                "pyserial",
                Some("3.5"),
                Some("pkg:pypi/pyserial@3.5"),
                Some(true)
            ),
            (
                "requests",
                Some("2.31.0"),
                Some("pkg:pypi/requests@2.31.0"),
                Some(true)
            ),
        ]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn trivy_spdx_os_without_packages_stays_a_component() {
    let e = try_bytes(
        "trivy-os-only.spdx.json",
        br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
            "creationInfo": {"creators": ["Organization: aquasecurity", "Tool: trivy-0.60.0"]},
            "packages": [
              {"name": "relay:1.0", "SPDXID": "SPDXRef-ContainerImage-1"},
              {"name": "debian", "SPDXID": "SPDXRef-OperatingSystem-2", "versionInfo": "12.5",
               "primaryPackagePurpose": "OPERATING-SYSTEM"}],
            "relationships": [
              {"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-ContainerImage-1",
               "relationshipType": "DESCRIBES"},
              {"spdxElementId": "SPDXRef-ContainerImage-1", "relatedSpdxElement": "SPDXRef-OperatingSystem-2",
               "relationshipType": "CONTAINS"}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("reads");
    assert_eq!(
        summary(&e.components),
        [("debian", Some("12.5"), None, Some(true))]
    );
    assert_eq!(
        warnings(&e),
        [
            "the document names the operating system debian 12.5 but none of its packages \
             (nothing hangs under it), so the operating system is read as a component"
        ]
    );
}

#[test]
fn spdx_application_packages_of_other_tools_stay_components() {
    // The same ids from a tool that is not Trivy are not read as its
    // grouping packages.
    let e = try_bytes(
        "other-tool.spdx.json",
        br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
            "creationInfo": {"creators": ["Tool: in-house-sbom-1.0"]},
            "packages": [
              {"name": "pump", "SPDXID": "SPDXRef-Product", "versionInfo": "4.2.0"},
              {"name": "viewer", "SPDXID": "SPDXRef-Application-viewer", "versionInfo": "1.2"}],
            "relationships": [
              {"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-Product",
               "relationshipType": "DESCRIBES"},
              {"spdxElementId": "SPDXRef-Product", "relatedSpdxElement": "SPDXRef-Application-viewer",
               "relationshipType": "CONTAINS"}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("reads");
    assert_eq!(
        summary(&e.components),
        [("viewer", Some("1.2"), None, Some(true))]
    );
}
