//! Splitting, decoding and encoding path segments without allocating to decide a match.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Splits `path` into its `/`-separated segments, storing the first `N` in `segments`, and
/// returns how many there are in all. `/` has no segments; `/a/` has two (`a` and an empty one).
pub fn split_path<'a, const N: usize>(path: &'a str, segments: &mut [&'a str; N]) -> usize {
    let rest = path.strip_prefix('/').unwrap_or(path);
    if rest.is_empty() {
        return 0;
    }
    let mut count = 0;
    for segment in rest.split('/') {
        if let Some(slot) = segments.get_mut(count) {
            *slot = segment;
        }
        count += 1;
    }
    count
}

/// The rest of `path` from the start of `segment` on (for trailing wildcards). `segment` must be
/// a slice of `path`, as [`split_path`] makes them.
pub fn rest_of<'a>(path: &'a str, segment: &str) -> &'a str {
    let offset = (segment.as_ptr() as usize).saturating_sub(path.as_ptr() as usize);
    path.get(offset..).unwrap_or("")
}

/// `path` without its trailing slash, when it has one and is not the root.
pub fn trim_trailing_slash(path: &str) -> Option<&str> {
    path.strip_suffix('/').filter(|trimmed| !trimmed.is_empty())
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Strict percent-decoding: a `%` not followed by two hex digits, or bytes that are not UTF-8
/// once decoded, make the segment unmatchable (so the request gets a 404, not garbage).
fn percent_decode(raw: &str) -> Option<String> {
    if !raw.contains('%') {
        return Some(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex(*bytes.get(i + 1)?)?;
            let low = hex(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A string path parameter: non-empty, percent-decoded, valid UTF-8.
pub fn decode_segment(raw: &str) -> Option<String> {
    if raw.is_empty() {
        return None;
    }
    percent_decode(raw).filter(|decoded| !decoded.is_empty())
}

/// A trailing wildcard: the rest of the path, non-empty and percent-decoded.
pub fn decode_wildcard(raw: &str) -> Option<String> {
    decode_segment(raw)
}

/// An integer path parameter in its canonical form only (`7`, `-7`, `0`; not `+7`, `007` or
/// `-0`), so each number has one URL; a value out of the type's range does not match.
pub fn parse_int<T: std::str::FromStr>(raw: &str) -> Option<T> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == raw.len(),
        [first, ..] => (b'1'..=b'9').contains(first),
    };
    if !canonical {
        return None;
    }
    raw.parse().ok()
}

/// A `bool` path parameter: `true` or `false`.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Appends a parameter's `Display` form to `url` (integers and `bool` need no encoding).
pub fn push_display(url: &mut String, value: impl std::fmt::Display) {
    use std::fmt::Write;
    // Writing to a `String` cannot fail.
    let _ = write!(url, "{value}");
}

/// Everything but RFC 3986's unreserved characters is encoded in a generated segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const WILDCARD: &AsciiSet = &SEGMENT.remove(b'/');

/// Appends `value` to `url` as one encoded path segment (for URL helpers).
pub fn encode_segment(url: &mut String, value: &str) {
    url.extend(utf8_percent_encode(value, SEGMENT));
}

/// Appends `value` to `url` as the encoded rest of a path, keeping its slashes.
pub fn encode_wildcard(url: &mut String, value: &str) {
    url.extend(utf8_percent_encode(value, WILDCARD));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_into_segments() {
        let mut s = [""; 3];
        assert_eq!(split_path("/", &mut s), 0);
        assert_eq!(split_path("/a/b", &mut s), 2);
        assert_eq!(&s[..2], ["a", "b"]);
        assert_eq!(split_path("/a/", &mut s), 2);
        assert_eq!(&s[..2], ["a", ""]);
        assert_eq!(split_path("/a/b/c/d/e", &mut s), 5);
        assert_eq!(s, ["a", "b", "c"]);
        assert_eq!(rest_of("/a/b/c/d/e", s[1]), "b/c/d/e");
    }

    #[test]
    fn decoding_is_strict() {
        assert_eq!(decode_segment("a%20b").as_deref(), Some("a b"));
        assert_eq!(decode_segment("caf%C3%A9").as_deref(), Some("café"));
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%4"), None);
        assert_eq!(decode_segment("%FF"), None, "not UTF-8");
        assert_eq!(decode_segment(""), None);
    }

    #[test]
    fn integers_match_in_canonical_form_only() {
        assert_eq!(parse_int::<u64>("7"), Some(7));
        assert_eq!(parse_int::<u64>("0"), Some(0));
        assert_eq!(parse_int::<i64>("-7"), Some(-7));
        assert_eq!(parse_int::<u64>("-7"), None);
        for raw in ["+7", "007", "-0", "", "-", "7a", "99999999999999999999"] {
            assert_eq!(parse_int::<u64>(raw), None, "{raw}");
        }
    }

    proptest! {
        #[test]
        fn every_integer_matches_its_display_form(n in any::<i64>()) {
            prop_assert_eq!(parse_int::<i64>(&n.to_string()), Some(n));
        }
    }

    #[test]
    fn trims_only_a_real_trailing_slash() {
        assert_eq!(trim_trailing_slash("/a/"), Some("/a"));
        assert_eq!(trim_trailing_slash("/"), None);
        assert_eq!(trim_trailing_slash("/a"), None);
    }

    proptest! {
        #[test]
        fn encoded_segments_decode_to_themselves(value in "\\PC+") {
            let mut url = String::new();
            encode_segment(&mut url, &value);
            prop_assert!(!url.contains('/'));
            prop_assert_eq!(decode_segment(&url), Some(value));
        }

        #[test]
        fn decoding_never_panics(raw in "\\PC*") {
            let _ = decode_segment(&raw);
        }
    }
}
