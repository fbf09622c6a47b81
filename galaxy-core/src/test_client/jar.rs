//! The cookies a [`TestClient`](super::TestClient) keeps between requests when it was made with
//! [`save_cookies`](super::TestClient::save_cookies), as a browser would.

use cookie::time::OffsetDateTime;
use cookie::{Cookie, CookieJar};
use http::HeaderMap;
use http::header::{COOKIE, HeaderValue, SET_COOKIE};

/// Cookies by name. Domain and `Secure` are not checked: an in-process client has neither a
/// host nor a scheme, so every cookie the app sets counts as its own.
#[derive(Debug, Default)]
pub(super) struct Jar(CookieJar);

impl Jar {
    /// Stores what each `Set-Cookie` of a response says: a new or replaced cookie, or the end
    /// of one (`Max-Age=0` or an `Expires` in the past). An unparsable header is ignored, as a
    /// browser ignores it.
    pub(super) fn store(&mut self, headers: &HeaderMap) {
        let now = OffsetDateTime::now_utc();
        for value in headers.get_all(SET_COOKIE) {
            let Some(cookie) = value
                .to_str()
                .ok()
                .and_then(|v| Cookie::parse(v.to_owned()).ok())
            else {
                continue;
            };
            let expired = cookie.max_age().is_some_and(|age| age.is_zero())
                || cookie
                    .expires_datetime()
                    .is_some_and(|expires| expires <= now);
            if expired {
                self.0.remove(cookie.name().to_owned());
            } else {
                self.0.add(cookie);
            }
        }
    }

    /// The `Cookie` header for a request to `path`, if any stored cookie applies to it.
    pub(super) fn header_for(&self, path: &str) -> Option<HeaderValue> {
        let mut pairs: Vec<String> = self
            .0
            .iter()
            .filter(|cookie| {
                cookie
                    .path()
                    .is_none_or(|prefix| path_matches(path, prefix))
            })
            .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
            .collect();
        // The jar is a hash set: a fixed order makes requests, and tests, repeatable.
        pairs.sort_unstable();
        if pairs.is_empty() {
            return None;
        }
        HeaderValue::from_str(&pairs.join("; ")).ok()
    }

    pub(super) fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|cookie| cookie.value().to_owned())
    }

    pub(super) fn clear(&mut self) {
        self.0 = CookieJar::new();
    }
}

/// RFC 6265 §5.1.4: `/a` applies to `/a`, `/a/` and `/a/b`, not to `/ab`.
fn path_matches(path: &str, prefix: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || prefix.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// Adds the jar's cookies to `headers` unless the test set a `Cookie` header itself.
pub(super) fn attach(jar: &Jar, path: &str, headers: &mut HeaderMap) {
    if headers.contains_key(COOKIE) {
        return;
    }
    if let Some(value) = jar.header_for(path) {
        headers.insert(COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(SET_COOKIE, HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn cookies_are_stored_replaced_and_expired() {
        let mut jar = Jar::default();
        jar.store(&set(&["a=1; Path=/; HttpOnly", "b=2"]));
        assert_eq!(jar.header_for("/").unwrap(), "a=1; b=2");
        jar.store(&set(&["a=3"]));
        assert_eq!(jar.get("a").as_deref(), Some("3"));
        jar.store(&set(&["a=; Max-Age=0"]));
        jar.store(&set(&["b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]));
        assert_eq!(jar.header_for("/"), None);
    }

    #[test]
    fn a_cookie_applies_below_its_path_only() {
        assert!(path_matches("/admin", "/admin"));
        assert!(path_matches("/admin/users", "/admin"));
        assert!(path_matches("/admin/users", "/admin/"));
        assert!(!path_matches("/administrator", "/admin"));
        assert!(!path_matches("/", "/admin"));
        let mut jar = Jar::default();
        jar.store(&set(&["scoped=1; Path=/admin"]));
        assert_eq!(jar.header_for("/"), None);
        assert_eq!(jar.header_for("/admin/x").unwrap(), "scoped=1");
    }

    #[test]
    fn an_explicit_cookie_header_wins() {
        let mut jar = Jar::default();
        jar.store(&set(&["a=1"]));
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("mine=1"));
        attach(&jar, "/", &mut headers);
        assert_eq!(headers[COOKIE], "mine=1");
        let mut headers = HeaderMap::new();
        attach(&jar, "/", &mut headers);
        assert_eq!(headers[COOKIE], "a=1");
    }

    #[test]
    fn unparsable_set_cookie_headers_are_ignored() {
        let mut jar = Jar::default();
        jar.store(&set(&["no equals sign", "ok=1"]));
        assert_eq!(jar.header_for("/").unwrap(), "ok=1");
    }
}
