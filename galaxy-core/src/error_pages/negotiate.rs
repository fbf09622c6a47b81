//! Content negotiation for error answers.

use http::HeaderMap;
use http::header::{ACCEPT, CONTENT_TYPE};

/// The format an error is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// An HTML page, for browsers.
    Html,
    /// `{"error": "...", ...}`, for API clients.
    Json,
    /// A line of text, for everything else (curl, monitoring probes).
    Text,
}

impl Format {
    /// The format a request asks for: JSON when it accepts `application/json` (or any `+json`
    /// type) before HTML, or sent JSON and names no HTML; HTML when it accepts `text/html`;
    /// plain text otherwise.
    ///
    /// `Accept` is read in order and by quality, `*/*` alone counts for neither.
    ///
    /// # Example
    ///
    /// ```
    /// use galaxy_core::error_pages::Format;
    /// use galaxy_core::HeaderMap;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("accept", "text/html,application/xhtml+xml,*/*;q=0.8".parse().unwrap());
    /// assert_eq!(Format::negotiate(&headers), Format::Html);
    /// headers.insert("accept", "application/json".parse().unwrap());
    /// assert_eq!(Format::negotiate(&headers), Format::Json);
    /// assert_eq!(Format::negotiate(&HeaderMap::new()), Format::Text);
    /// ```
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let mut best: Option<(Self, u16)> = None;
        for accept in headers.get_all(ACCEPT).iter() {
            let Ok(accept) = accept.to_str() else {
                continue;
            };
            for range in accept.split(',') {
                let mut params = range.split(';');
                let media = params.next().unwrap_or_default().trim();
                let format = if media.eq_ignore_ascii_case("text/html")
                    || media.eq_ignore_ascii_case("application/xhtml+xml")
                {
                    Self::Html
                } else if is_json_media(media) {
                    Self::Json
                } else {
                    continue;
                };
                let quality = params
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(parse_quality)
                    .unwrap_or(1000);
                // The first of equal quality wins: `Accept` lists preferences in order.
                if quality > 0 && best.is_none_or(|(_, q)| quality > q) {
                    best = Some((format, quality));
                }
            }
        }
        if let Some((format, _)) = best {
            return format;
        }
        let sent_json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| is_json_media(v.split(';').next().unwrap_or_default().trim()));
        if sent_json { Self::Json } else { Self::Text }
    }
}

fn is_json_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths.
fn parse_quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn with(name: http::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    #[test]
    fn browsers_get_html_and_api_clients_json() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(Format::negotiate(&with(ACCEPT, firefox)), Format::Html);
        assert_eq!(
            Format::negotiate(&with(ACCEPT, "application/json")),
            Format::Json
        );
        assert_eq!(
            Format::negotiate(&with(ACCEPT, "application/problem+json")),
            Format::Json
        );
        assert_eq!(Format::negotiate(&with(ACCEPT, "*/*")), Format::Text);
        assert_eq!(Format::negotiate(&HeaderMap::new()), Format::Text);
    }

    #[test]
    fn quality_and_order_decide() {
        let json_first = "application/json, text/html";
        assert_eq!(Format::negotiate(&with(ACCEPT, json_first)), Format::Json);
        let html_preferred = "application/json;q=0.5, text/html";
        assert_eq!(
            Format::negotiate(&with(ACCEPT, html_preferred)),
            Format::Html
        );
        let refused = "text/html;q=0, application/json;q=0.1";
        assert_eq!(Format::negotiate(&with(ACCEPT, refused)), Format::Json);
    }

    #[test]
    fn a_json_body_without_accept_answers_json() {
        let headers = with(CONTENT_TYPE, "application/json; charset=utf-8");
        assert_eq!(Format::negotiate(&headers), Format::Json);
        let mut headers = headers;
        headers.insert(ACCEPT, "text/html".parse().unwrap());
        assert_eq!(Format::negotiate(&headers), Format::Html);
    }

    proptest! {
        /// With HTML and JSON ranges of any qualities, the best quality wins, the first of
        /// equals wins, and quality 0 never does.
        #[test]
        fn the_best_quality_wins(ranges in proptest::collection::vec((any::<bool>(), 0u16..=1000), 1..6)) {
            let accept = ranges
                .iter()
                .map(|(html, q)| {
                    let media = if *html { "text/html" } else { "application/json" };
                    format!("{media};q={}.{:03}", q / 1000, q % 1000)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut best: Option<(bool, u16)> = None;
            for &(html, q) in &ranges {
                if q > 0 && best.is_none_or(|(_, b)| q > b) {
                    best = Some((html, q));
                }
            }
            let expected = match best {
                Some((true, _)) => Format::Html,
                Some((false, _)) => Format::Json,
                None => Format::Text,
            };
            prop_assert_eq!(Format::negotiate(&with(ACCEPT, &accept)), expected, "{}", accept);
        }

        #[test]
        fn any_accept_header_negotiates_without_panicking(accept in "[ -~]{0,80}") {
            if let Ok(value) = accept.parse() {
                let mut headers = HeaderMap::new();
                headers.insert(ACCEPT, value);
                let _ = Format::negotiate(&headers);
            }
        }
    }
}
