//! Arbitrary `X-Forwarded-For` and `Forwarded` headers through `TrustedProxies::resolve`, the
//! parser that decides which address a request comes from. Whatever the bytes, it must not
//! panic, and the address it answers must be the peer or one written in the header: it never
//! invents one.
//!
//! Input: the header value bytes; a `\n` splits it into several headers of the same name. The
//! first byte picks the header and which proxies are trusted.

#![no_main]

use std::net::IpAddr;

use galaxy_core::HeaderMap;
use galaxy_core::http::HeaderValue;
use galaxy_core::middleware::TrustedProxies;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let forwarded = mode & 1 == 1;
    let name = if forwarded {
        "forwarded"
    } else {
        "x-forwarded-for"
    };
    let mut headers = HeaderMap::new();
    for value in rest.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let mut proxies = if mode & 2 == 2 {
        TrustedProxies::new(["0.0.0.0/0", "::/0"])
    } else {
        TrustedProxies::new(["10.0.0.0/8", "fd00::/8", "127.0.0.1"])
    };
    if forwarded {
        proxies = proxies.forwarded();
    }
    let peer: IpAddr = if mode & 4 == 4 {
        "fd00::1".parse().unwrap()
    } else {
        "10.0.0.1".parse().unwrap()
    };
    let client = proxies.resolve(peer, &headers);
    if client != peer {
        // The answer is written in the header somewhere (as an address, perhaps bracketed, or
        // as the IPv6 form of a mapped IPv4 address); quoted strings may escape any character.
        let text = String::from_utf8_lossy(rest)
            .to_ascii_lowercase()
            .replace('\\', "");
        let v6_mapped = match client {
            IpAddr::V4(v4) => v4.to_ipv6_mapped().to_string(),
            IpAddr::V6(v6) => v6.to_string(),
        };
        assert!(
            text.contains(&client.to_string())
                || text.contains(&v6_mapped)
                || mentions_v6(&text, client),
            "{client} is not in {text:?}"
        );
    }
});

/// IPv6 addresses have many spellings (`::1`, `0::1`, `0:0::01`); look for any that parses to
/// `client` between the header's separators.
fn mentions_v6(text: &str, client: IpAddr) -> bool {
    text.split(|c: char| {
        c == ','
            || c == ';'
            || c == '"'
            || c == '['
            || c == ']'
            || c == '='
            || c == '%'
            || c.is_whitespace()
    })
    .any(|token| {
        token
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical() == client)
            || token
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|a| a.ip().to_canonical() == client)
            || token.rsplit_once(':').is_some_and(|(ip, _)| {
                ip.parse::<IpAddr>()
                    .is_ok_and(|ip| ip.to_canonical() == client)
            })
    })
}
