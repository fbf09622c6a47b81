//! Arbitrary text as a route template: the parser never panics, an error points at a range of
//! the input on character boundaries, and a template that parses prints a canonical form that
//! parses back to the same template.

#![no_main]

use galaxy_dsl_core::template::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    match parse(template) {
        Ok(parsed) => {
            let canonical = parsed.to_string();
            assert_eq!(
                parse(&canonical),
                Ok(parsed),
                "the canonical form {canonical:?} of {template:?} does not parse back"
            );
        }
        Err(err) => {
            let range = err.range.clone();
            assert!(
                range.start <= range.end && range.end <= template.len(),
                "error range {range:?} outside {template:?}"
            );
            assert!(
                template.is_char_boundary(range.start) && template.is_char_boundary(range.end),
                "error range {range:?} splits a character of {template:?}"
            );
            let _ = err.excerpt(template);
        }
    }
});
