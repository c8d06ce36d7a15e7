//! The npm audit parser on arbitrary bytes: no panic, no hang, bounded memory,
//! the model's contracts on what it returns (see `regops_fuzz`).
//! Also: CVSS scores within 0–10, no score behind an unknown severity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_evidence::Format;
use regops_fuzz::check_format;

fuzz_target!(|data: &[u8]| check_format(Format::NpmAudit, data));
