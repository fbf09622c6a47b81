//! The request headers that choose what to send: `Accept-Encoding` and `If-None-Match`.

use http::HeaderMap;
use http::header::{ACCEPT_ENCODING, IF_NONE_MATCH};

/// `true` when the client accepts `coding` (`br`, `gzip`): listed with a non-zero `q`, or
/// covered by `*` with a non-zero `q` and not listed with `q=0`.
pub(super) fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    let mut wildcard = false;
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut params = item.split(';');
            let name = params.next().unwrap_or_default().trim();
            let acceptable = params
                .filter_map(|p| p.trim().strip_prefix("q="))
                .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            if name.eq_ignore_ascii_case(coding) {
                return acceptable;
            }
            if name == "*" {
                wildcard = acceptable;
            }
        }
    }
    wildcard
}

/// `true` when `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks) or is `*`.
pub(super) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: http::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, value.parse().unwrap());
        map
    }

    #[test]
    fn accept_encoding() {
        let h = headers(ACCEPT_ENCODING, "gzip, deflate, br;q=0.5");
        assert!(accepts_encoding(&h, "br"));
        assert!(accepts_encoding(&h, "gzip"));
        let h = headers(ACCEPT_ENCODING, "gzip;q=0, br;q=0.000");
        assert!(!accepts_encoding(&h, "gzip"));
        assert!(!accepts_encoding(&h, "br"));
        let h = headers(ACCEPT_ENCODING, "*;q=0.1, br;q=0");
        assert!(accepts_encoding(&h, "gzip"));
        assert!(!accepts_encoding(&h, "br"));
        let h = headers(ACCEPT_ENCODING, "GZIP; q=bogus");
        assert!(!accepts_encoding(&h, "gzip"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn if_none_match() {
        let h = headers(IF_NONE_MATCH, "\"a\", W/\"b\"");
        assert!(none_match(&h, "\"a\""));
        assert!(none_match(&h, "\"b\""));
        assert!(!none_match(&h, "\"c\""));
        assert!(none_match(&headers(IF_NONE_MATCH, "*"), "\"c\""));
        assert!(!none_match(&HeaderMap::new(), "\"c\""));
    }
}
