//! Content detection on arbitrary heads: no panic; a description short enough
//! for an error message; a UTF-8 BOM and leading whitespace before XML or JSON
//! change nothing; a detected format's name round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regops_evidence::Format;
use regops_evidence::detect::detect;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fuzz_target!(|data: &[u8]| {
    let result = detect(data);
    match &result {
        Ok(format) => assert_eq!(Format::from_name(format.name()), Some(*format)),
        Err(description) => {
            assert!(!description.is_empty());
            assert!(
                description.chars().count() <= 512,
                "description of {} characters",
                description.chars().count()
            );
        }
    }
    // Only for markup, where the documented skipping applies unambiguously.
    if matches!(data.first(), Some(b'<' | b'{' | b'[')) {
        let with_bom = [UTF8_BOM, data].concat();
        assert_eq!(detect(&with_bom), result, "a BOM changed the verdict");
        let indented = [b" \n\t".as_slice(), data].concat();
        assert_eq!(
            detect(&indented),
            result,
            "leading whitespace changed the verdict"
        );
    }
});
