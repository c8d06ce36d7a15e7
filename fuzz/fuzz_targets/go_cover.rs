//! The Go coverage profile parser on arbitrary bytes: no panic, no hang,
//! bounded memory, the same outcome whether the input arrives whole or in
//! small chunks (it reads line by line), and the model's contracts on what
//! it returns (see `regops_fuzz`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_evidence::Format;
use regops_fuzz::check_format;

fuzz_target!(|data: &[u8]| check_format(Format::GoCoverprofile, data));
