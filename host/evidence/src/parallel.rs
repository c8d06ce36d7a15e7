//! Loading several files at once: one parser per core, largest file first,
//! each into a model of its own that is appended to the result in input
//! order. Formats whose parser reads what earlier files put in the model (a
//! change record refuses a second one) are parsed in order on the calling
//! thread instead, once every file before them has been appended. So the
//! model, the error reported (the first in input order) and the warnings are
//! those of loading the files one after another.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::reader::{self, Opened};
use crate::{Error, Evidence, EvidenceFile, Format, Input, Options};

enum Loaded {
    Parsed(EvidenceFile, Box<Evidence>),
    /// Opened, to be parsed in order on the calling thread.
    InOrder(Opened),
}

pub(crate) fn load(
    inputs: &[Input],
    options: &Options,
    workers: usize,
    evidence: &mut Evidence,
) -> Result<(), Error> {
    // Largest first, so that no core is left with the biggest file at the end.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    let sizes: Vec<u64> = inputs
        .iter()
        .map(|i| std::fs::metadata(&i.path).map_or(0, |m| m.len()))
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes.get(i).copied().unwrap_or(0)));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Result<Loaded, Error>)>();
        for _ in 0..workers {
            let tx = tx.clone();
            let (order, next, stop) = (&order, &next, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let Some(input) = inputs.get(i) else { break };
                    let loaded = reader::open(input, options).and_then(|opened| {
                        if parses_alone(opened.format) {
                            let mut own = Evidence::default();
                            let file = reader::parse(input, options, opened, &mut own)?;
                            Ok(Loaded::Parsed(file, Box::new(own)))
                        } else {
                            Ok(Loaded::InOrder(opened))
                        }
                    });
                    if tx.send((i, loaded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let result = merge_in_order(inputs, options, rx, evidence);
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        result
    })
}

/// Appends each file's records as soon as every file before it is in.
fn merge_in_order(
    inputs: &[Input],
    options: &Options,
    rx: mpsc::Receiver<(usize, Result<Loaded, Error>)>,
    evidence: &mut Evidence,
) -> Result<(), Error> {
    let mut slots: Vec<Option<Result<Loaded, Error>>> = inputs.iter().map(|_| None).collect();
    let mut merged = 0;
    for (i, loaded) in rx {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(loaded);
        }
        while let Some(loaded) = slots.get_mut(merged).and_then(Option::take) {
            match loaded? {
                Loaded::Parsed(file, own) => append(evidence, file, *own),
                Loaded::InOrder(opened) => {
                    let input = inputs
                        .get(merged)
                        .ok_or_else(|| unreachable_input(merged))?;
                    let file = reader::parse(input, options, opened, evidence)?;
                    evidence.files.push(file);
                }
            }
            merged += 1;
        }
    }
    match slots.into_iter().flatten().next() {
        // A worker stopped early; cannot happen without an error merged first.
        Some(_) => Err(unreachable_input(merged)),
        None => Ok(()),
    }
}

fn unreachable_input(i: usize) -> Error {
    Error::Io {
        path: format!("input {i}"),
        source: std::io::Error::other("the file was not loaded"),
    }
}

/// Whether the format's parser only appends records to the model, reading
/// nothing in it, so that its file can be parsed into a model of its own.
fn parses_alone(format: Format) -> bool {
    matches!(
        format,
        Format::Junit
            | Format::RobotOutput
            | Format::CppUnit
            | Format::QtTestXml
            | Format::Trx
            | Format::NunitXml
            | Format::XunitXml
            | Format::TestngXml
            | Format::Cobertura
            | Format::Lcov
            | Format::Jacoco
            | Format::SonarCoverage
            | Format::GoCoverprofile
            | Format::Sarif
            | Format::PipAudit
            | Format::OsvScanner
            | Format::Grype
            | Format::Trivy
            | Format::CargoAudit
            | Format::NpmAudit
            | Format::OpenVex
            | Format::CycloneDxJson
            | Format::CycloneDxXml
            | Format::SpdxJson
            | Format::Spdx3Json
            | Format::SoupYaml
            | Format::SoupCsv
            | Format::Doorstop
            | Format::SphinxNeeds
            | Format::StrictdocJson
            | Format::MarkdownRequirement
    )
}

/// Appends one file's model. Every field is named, so that a field added to
/// [`Evidence`] cannot be dropped here unnoticed.
fn append(evidence: &mut Evidence, file: EvidenceFile, own: Evidence) {
    let Evidence {
        files: _,
        tests,
        coverage,
        findings,
        components,
        vulnerabilities,
        vex,
        requirements,
        soup,
        approvals,
        anomalies,
        release,
        deployments,
        documents,
        change,
        gate_results,
        measurements,
    } = own;
    evidence.files.push(file);
    extend(&mut evidence.tests, tests);
    extend(&mut evidence.coverage, coverage);
    extend(&mut evidence.findings, findings);
    extend(&mut evidence.components, components);
    extend(&mut evidence.vulnerabilities, vulnerabilities);
    extend(&mut evidence.vex, vex);
    extend(&mut evidence.requirements, requirements);
    extend(&mut evidence.soup, soup);
    extend(&mut evidence.approvals, approvals);
    extend(&mut evidence.anomalies, anomalies);
    extend(&mut evidence.deployments, deployments);
    extend(&mut evidence.documents, documents);
    extend(&mut evidence.gate_results, gate_results);
    extend(&mut evidence.measurements, measurements);
    if release.is_some() {
        evidence.release = release;
    }
    if change.is_some() {
        evidence.change = change;
    }
}

/// Moves the records over; no copy when `into` is still empty.
fn extend<T>(into: &mut Vec<T>, mut records: Vec<T>) {
    if into.is_empty() {
        *into = records;
    } else {
        into.append(&mut records);
    }
}
