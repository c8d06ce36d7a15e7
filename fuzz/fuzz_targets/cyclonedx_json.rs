//! The CycloneDX JSON parser, under each of the kinds it is read as
//! (components, vulnerabilities, VEX), on arbitrary bytes: no panic, no hang, bounded memory,
//! the model's contracts on what it returns (see `regops_fuzz`).
//! Also: only the records of the kind asked for; CVSS scores within 0–10;
//! direct flags consistent with the dependency graph's warning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_evidence::Format;
use regops_fuzz::check_format;

fuzz_target!(|data: &[u8]| check_format(Format::CycloneDxJson, data));
