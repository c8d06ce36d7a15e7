//! The sarif parser on arbitrary bytes: no panic, no hang, bounded memory,
//! the same outcome whether the input arrives whole or in small chunks, and
//! the model's contracts on what it returns (see `regops_fuzz`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_fuzz::{Family, check_family};

fuzz_target!(|data: &[u8]| check_family(Family::Sarif, data));
