//! `TrustedProxies`: the client's address, taken from `X-Forwarded-For` (or `Forwarded`) only
//! when the connection comes from a proxy you configured.
//!
//! Behind a load balancer every connection comes from the balancer, and the client's address is
//! in a header the balancer appends to. Anyone can send that header, so it is read only when the
//! peer is a configured proxy, and then from the right: the right-most address that is not one
//! of your proxies is the client. Addresses to its left were written by the client itself and
//! may be forged.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use http::HeaderMap;
use ipnet::IpNet;

use super::{HCons, HNil, Middleware, MiddlewareContext, Next};
use crate::{Request, Response};

/// The address of the client, provided by [`TrustedProxies`]: the connection's peer, or the
/// address a trusted proxy reported for it.
///
/// In-process requests (the test client) have no connection; they come from `127.0.0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The address.
    pub fn ip(&self) -> IpAddr {
        self.0
    }

    /// The client address of a request: the [`ClientIp`] a [`TrustedProxies`] before put in
    /// its extensions, else the connection's peer, else `127.0.0.1` (in process).
    pub fn of(req: &Request, peer: Option<SocketAddr>) -> IpAddr {
        req.extensions()
            .get::<ClientIp>()
            .map(|ip| ip.0)
            .or_else(|| peer.map(|p| p.ip().to_canonical()))
            .unwrap_or(IN_PROCESS)
    }
}

impl fmt::Display for ClientIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

crate::context_value!(ClientIp);

/// The address of in-process requests, which have no connection.
const IN_PROCESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// At most this many hops of a forwarding header are looked at; a longer chain is cut at the
/// nearest trusted proxy.
const MAX_HOPS: usize = 64;

/// Which header the proxies append the client address to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    XForwardedFor,
    Forwarded,
}

/// A list of CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`, or a single address).
#[derive(Debug, Clone, Default)]
pub(crate) struct IpRanges(Vec<IpNet>);

impl IpRanges {
    /// Parses `ranges`, panicking with a message naming `what` on a malformed one: they are
    /// configuration, written in the source, and a typo must stop the app at start.
    pub(crate) fn parse<I>(ranges: I, what: &str) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self(
            ranges
                .into_iter()
                .map(|r| {
                    parse_range(r.as_ref()).unwrap_or_else(|| {
                        panic!(
                            "{what}: `{}` is not an IP address or CIDR range",
                            r.as_ref()
                        )
                    })
                })
                .collect(),
        )
    }

    pub(crate) fn extend(&mut self, other: Self) {
        self.0.extend(other.0);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// `10.0.0.0/8`, `::1/128` or a bare address.
fn parse_range(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
        .map(|net| net.trunc())
}

/// Provides [`ClientIp`]: the peer's address, or, when the peer is one of the configured
/// proxies, the right-most address in `X-Forwarded-For` (or `Forwarded`, with
/// [`TrustedProxies::forwarded`]) that is not itself a trusted proxy.
///
/// A forwarding header from any other peer is ignored. An entry that is not an address
/// (`unknown`, an obfuscated name, garbage) ends the walk at the proxy that wrote it.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::{ClientIp, TrustedProxies};
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Shop;
///     chain global = [TrustedProxies::new(["10.0.0.0/8", "fd00::/8"])];
///     routes {
///         GET "/whoami" => whoami, public;
///     }
/// }
///
/// async fn whoami(ip: ClientIp) -> String {
///     ip.to_string()
/// }
///
/// # #[tokio::main] async fn main() {
/// // In-process requests come from 127.0.0.1, which is not a trusted proxy here.
/// let res = TestClient::new(Shop::new(()))
///     .get("/whoami")
///     .header("x-forwarded-for", "203.0.113.9")
///     .send()
///     .await;
/// assert_eq!(res.text(), "127.0.0.1");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TrustedProxies {
    proxies: IpRanges,
    source: Source,
}

impl TrustedProxies {
    /// Trusts the proxies in these CIDR ranges (or single addresses).
    ///
    /// # Panics
    ///
    /// When a range is malformed.
    pub fn new<I>(ranges: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self {
            proxies: IpRanges::parse(ranges, "TrustedProxies"),
            source: Source::XForwardedFor,
        }
    }

    /// Trusts no proxy: the client is always the peer.
    pub fn none() -> Self {
        Self::new(std::iter::empty::<&str>())
    }

    /// Reads the standard `Forwarded` header (RFC 7239) instead of `X-Forwarded-For`. Use the
    /// one your proxies write: the other one passes through them unchecked.
    pub fn forwarded(mut self) -> Self {
        self.source = Source::Forwarded;
        self
    }

    /// The client's address for a request from `peer` with `headers`. Never panics, whatever
    /// the headers hold.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.proxies.contains(client) {
            return client;
        }
        let hops: Vec<Option<IpAddr>> = match self.source {
            Source::XForwardedFor => header_values(headers, "x-forwarded-for")
                .flat_map(|v| v.split(','))
                .map(parse_xff_hop)
                .collect(),
            Source::Forwarded => header_values(headers, "forwarded")
                .flat_map(forwarded_for)
                .collect(),
        };
        for hop in hops.into_iter().rev().take(MAX_HOPS) {
            match hop {
                Some(ip) => {
                    client = ip.to_canonical();
                    if !self.proxies.contains(client) {
                        return client;
                    }
                }
                // Not an address: the proxy that wrote it is as far as we can see.
                None => return client,
            }
        }
        client
    }
}

/// The values of every `name` header that is valid UTF-8 (others are skipped, as a proxy
/// would not write them).
fn header_values<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:80`, `[::1]:80`).
pub(crate) fn parse_xff_hop(hop: &str) -> Option<IpAddr> {
    parse_node(hop.trim())
}

/// An address as proxies write it: `1.2.3.4`, `::1`, `[::1]`, `1.2.3.4:80`, `[::1]:80`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The `for=` node of each element of a `Forwarded` header value (RFC 7239), left to right;
/// `None` for an element without one or whose node is not an address (`unknown`, `_hidden`).
pub(crate) fn forwarded_for(value: &str) -> Vec<Option<IpAddr>> {
    split_unquoted(value, ',')
        .into_iter()
        .filter(|element| !element.trim().is_empty())
        .map(|element| {
            let mut node = None;
            for pair in split_unquoted(element, ';') {
                let Some((name, value)) = pair.split_once('=') else {
                    continue;
                };
                if name.trim().eq_ignore_ascii_case("for") {
                    node = unquote(value.trim()).and_then(|v| parse_node(&v));
                }
            }
            node
        })
        .collect()
}

/// Splits at `sep` outside double-quoted strings (which may hold `\"` escapes).
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A token, or a quoted string with its escapes resolved; `None` for an unterminated quote.
fn unquote(s: &str) -> Option<String> {
    let Some(rest) = s.strip_prefix('"') else {
        return Some(s.to_owned());
    };
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return chars.as_str().is_empty().then_some(out),
            c => out.push(c),
        }
    }
    None
}

impl<S: Send + Sync> Middleware<S> for TrustedProxies {
    type Provides = HCons<ClientIp, HNil>;
    type Requires = HNil;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        cx: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let peer = cx.peer_addr().map_or(IN_PROCESS, |addr| addr.ip());
        let ip = self.resolve(peer, req.headers());
        req.extensions_mut().insert(ClientIp(ip));
        next.run(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.1.1.1")]);
        assert_eq!(proxies.resolve(ip("203.0.113.5"), &h), ip("203.0.113.5"));
    }

    #[test]
    fn a_trusted_peer_reports_the_right_most_untrusted_address() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        // The client forged 6.6.6.6; the proxies appended 198.51.100.7 and 10.0.0.2.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn several_headers_are_one_list() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn garbage_stops_at_the_proxy_that_wrote_it() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.2.3.4, nonsense, 10.0.0.3")]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("10.0.0.3"));
        let h = headers(&[("x-forwarded-for", "")]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn all_trusted_means_the_left_most() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "10.1.1.1, 10.2.2.2")]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("10.1.1.1"));
    }

    #[test]
    fn ports_brackets_and_v6() {
        assert_eq!(parse_xff_hop(" 1.2.3.4:8080 "), Some(ip("1.2.3.4")));
        assert_eq!(parse_xff_hop("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(parse_xff_hop("[2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(parse_xff_hop("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_xff_hop("unknown"), None);
    }

    #[test]
    fn mapped_v4_peers_match_v4_ranges() {
        let proxies = TrustedProxies::new(["10.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            proxies.resolve(ip("::ffff:10.0.0.1"), &h),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn forwarded_header_elements() {
        let parsed = forwarded_for(
            r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711", for=unknown, proto=https, for="_gazonk""#,
        );
        assert_eq!(
            parsed,
            [
                Some(ip("192.0.2.60")),
                Some(ip("2001:db8:cafe::17")),
                None,
                None,
                None
            ]
        );
        assert_eq!(forwarded_for(r#"for="1.2.3.4, 5.6.7.8""#), [None]);
        assert_eq!(forwarded_for(r#"for="1.2.3.4"#), [None]);
    }

    #[test]
    fn forwarded_mode_reads_only_forwarded() {
        let proxies = TrustedProxies::new(["10.0.0.0/8"]).forwarded();
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=6.6.6.6, for=198.51.100.7;proto=https"),
        ]);
        assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    #[should_panic(expected = "TrustedProxies: `10.0.0/8` is not")]
    fn malformed_ranges_stop_the_app() {
        let _ = TrustedProxies::new(["10.0.0/8"]);
    }

    proptest! {
        #[test]
        fn never_panics_and_answers_the_peer_or_a_listed_address(
            xff in ".{0,200}",
            fwd in ".{0,200}",
            forwarded in any::<bool>(),
        ) {
            let mut h = HeaderMap::new();
            if let Ok(v) = xff.parse() { h.insert("x-forwarded-for", v); }
            if let Ok(v) = fwd.parse() { h.insert("forwarded", v); }
            let mut proxies = TrustedProxies::new(["0.0.0.0/0", "::/0"]);
            if forwarded { proxies = proxies.forwarded(); }
            let peer = ip("10.0.0.1");
            let got = proxies.resolve(peer, &h);
            // It never invents an address: the answer is the peer or one of the listed hops.
            let listed: Vec<IpAddr> = if forwarded {
                forwarded_for(h.get("forwarded").and_then(|v| v.to_str().ok()).unwrap_or(""))
                    .into_iter().flatten().collect()
            } else {
                h.get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or("")
                    .split(',').filter_map(parse_xff_hop).collect()
            };
            prop_assert!(got == peer || listed.iter().any(|l| l.to_canonical() == got));
        }

        #[test]
        fn an_untrusted_peer_is_never_overridden(xff in ".{0,200}", a in any::<[u8; 4]>()) {
            let mut h = HeaderMap::new();
            if let Ok(v) = xff.parse() { h.insert("x-forwarded-for", v); }
            let peer = IpAddr::from(a);
            let proxies = TrustedProxies::new(["10.0.0.0/8"]);
            prop_assume!(!proxies.proxies.contains(peer));
            prop_assert_eq!(proxies.resolve(peer, &h), peer);
        }

        #[test]
        fn the_right_most_untrusted_wins(
            forged in proptest::collection::vec(any::<[u8; 4]>(), 0..5),
            client in any::<[u8; 4]>(),
            hops in proptest::collection::vec(any::<[u8; 3]>(), 0..5),
        ) {
            let client = IpAddr::from(client);
            let proxies = TrustedProxies::new(["10.0.0.0/8"]);
            prop_assume!(!proxies.proxies.contains(client));
            let mut list: Vec<String> = forged.iter().map(|a| IpAddr::from(*a).to_string()).collect();
            list.push(client.to_string());
            list.extend(hops.iter().map(|[a, b, c]| format!("10.{a}.{b}.{c}")));
            let h = headers(&[("x-forwarded-for", &list.join(", "))]);
            prop_assert_eq!(proxies.resolve(ip("10.0.0.1"), &h), client);
        }
    }
}
