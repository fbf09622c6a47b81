use std::convert::Infallible;

use cookie::{Cookie, CookieJar};
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue};

use super::{Context, FromRequestParts};
use crate::response::{IntoResponseParts, ResponseParts};

/// The request's cookies; return it (in a response tuple) to send the cookies you added or
/// removed.
///
/// ```
/// use galaxy_core::{Cookies, cookie::Cookie};
///
/// async fn remember(cookies: Cookies) -> (Cookies, &'static str) {
///     let seen = cookies.get("seen").is_some();
///     let cookies = cookies.add(Cookie::new("seen", "yes"));
///     (cookies, if seen { "welcome back" } else { "hello" })
/// }
/// ```
///
/// Malformed cookie pairs are skipped, as browsers do, rather than failing the request.
#[derive(Debug, Clone, Default)]
pub struct Cookies {
    jar: CookieJar,
}

impl Cookies {
    /// Parses every `Cookie` header of `headers`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut jar = CookieJar::new();
        for header in headers.get_all(COOKIE) {
            let Ok(header) = header.to_str() else {
                continue;
            };
            for cookie in Cookie::split_parse_encoded(header).flatten() {
                jar.add_original(cookie.into_owned());
            }
        }
        Self { jar }
    }

    /// The cookie called `name`, if the request sent it (or it was added since).
    pub fn get(&self, name: &str) -> Option<&Cookie<'static>> {
        self.jar.get(name)
    }

    /// Adds (or replaces) a cookie; it is sent when `self` is part of the response.
    #[must_use]
    // `add` is the cookie jar's word (as in `cookie::CookieJar`), not arithmetic.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, cookie: impl Into<Cookie<'static>>) -> Self {
        self.jar.add(cookie);
        self
    }

    /// Removes a cookie: the response tells the browser to forget it.
    #[must_use]
    pub fn remove(mut self, cookie: impl Into<Cookie<'static>>) -> Self {
        self.jar.remove(cookie);
        self
    }

    /// Every cookie.
    pub fn iter(&self) -> impl Iterator<Item = &Cookie<'static>> {
        self.jar.iter()
    }
}

impl<Cx: Context> FromRequestParts<Cx> for Cookies {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Infallible> {
        Ok(Self::from_headers(&parts.headers))
    }
}

impl IntoResponseParts for Cookies {
    fn into_response_parts(self, parts: &mut ResponseParts) {
        for cookie in self.jar.delta() {
            if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
                parts.headers.append(SET_COOKIE, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cookie_headers_and_skips_garbage() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("a=1; b=two%20words; ;=; c"),
        );
        headers.append(COOKIE, HeaderValue::from_static("d=4"));
        let cookies = Cookies::from_headers(&headers);
        assert_eq!(cookies.get("a").unwrap().value(), "1");
        assert_eq!(cookies.get("b").unwrap().value(), "two words");
        assert_eq!(cookies.get("d").unwrap().value(), "4");
        assert!(cookies.get("c").is_none());
    }

    #[test]
    fn only_changes_are_sent_back() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("old=1"));
        let cookies = Cookies::from_headers(&headers).add(Cookie::new("new", "2"));
        let mut parts = ResponseParts::default();
        cookies.into_response_parts(&mut parts);
        let set: Vec<_> = parts.headers.get_all(SET_COOKIE).iter().collect();
        assert_eq!(set, ["new=2"]);
    }
}
