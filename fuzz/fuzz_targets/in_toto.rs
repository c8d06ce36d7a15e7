//! The in-toto attestation reader (statements, DSSE envelopes, Sigstore
//! bundles, `gh attestation verify` results, cosign's `Data` wrapper) on
//! arbitrary bytes, under each kind a predicate can be (components,
//! vulnerabilities, VEX): no panic, no hang, bounded memory, and the model's
//! contracts on what it returns (see `regops_fuzz`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_evidence::Format;
use regops_fuzz::check_format;

fuzz_target!(|data: &[u8]| check_format(Format::InToto, data));
