//! `TrustedProxies` / `ClientIp` and `IpFilter`, in process and over a real socket.

use galaxy_core::middleware::{ClientIp, IpFilter, TrustedProxies};
use galaxy_core::prelude::*;
use galaxy_core::{Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

galaxy_core::app! {
    app = Ips;
    chain trusting = [TrustedProxies::new(["127.0.0.1", "10.0.0.0/8"])];
    chain forwarded = [TrustedProxies::new(["127.0.0.1"]).forwarded()];
    chain untrusting = [TrustedProxies::none()];
    chain office = [TrustedProxies::new(["127.0.0.1"]), IpFilter::allow(["203.0.113.0/24"]).deny(["203.0.113.66"])];
    chain blocked = [TrustedProxies::none(), IpFilter::deny_only(["127.0.0.0/8"])];
    routes {
        GET "/trusting" => whoami, public, via trusting;
        GET "/forwarded" => whoami, public, via forwarded;
        GET "/untrusting" => whoami, public, via untrusting;
        GET "/office" => whoami, public, via office;
        GET "/blocked" => whoami, public, via blocked;
    }
}

async fn whoami(ip: ClientIp) -> String {
    ip.to_string()
}

fn client() -> TestClient<Ips> {
    TestClient::new(Ips::new(()))
}

#[tokio::test]
async fn in_process_requests_come_from_localhost() {
    let res = client().get("/untrusting").send().await;
    assert_eq!(res.text(), "127.0.0.1");
}

#[tokio::test]
async fn spoofed_forwarding_headers_from_untrusted_peers_are_ignored() {
    let res = client()
        .get("/untrusting")
        .header("x-forwarded-for", "203.0.113.9")
        .header("forwarded", "for=203.0.113.9")
        .send()
        .await;
    assert_eq!(res.text(), "127.0.0.1");
}

#[tokio::test]
async fn a_trusted_proxy_reports_the_right_most_untrusted_address() {
    let res = client()
        .get("/trusting")
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3")
        .send()
        .await;
    assert_eq!(res.text(), "203.0.113.9", "the forged 6.6.6.6 is skipped");
}

#[tokio::test]
async fn garbage_in_the_header_falls_back_to_the_nearest_proxy() {
    let res = client()
        .get("/trusting")
        .header("x-forwarded-for", "203.0.113.9, <script>, 10.1.2.3")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "10.1.2.3");
}

#[tokio::test]
async fn the_forwarded_header_when_configured() {
    let res = client()
        .get("/forwarded")
        .header("x-forwarded-for", "6.6.6.6")
        .header(
            "forwarded",
            r#"for=6.6.6.6, for="[2001:db8::7]:443";proto=https"#,
        )
        .send()
        .await;
    assert_eq!(res.text(), "2001:db8::7");
}

#[tokio::test]
async fn ip_filter_allows_and_denies_the_client_ip() {
    let client = client();
    let allowed = client
        .get("/office")
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.text(), "203.0.113.5");

    let outside = client
        .get("/office")
        .header("x-forwarded-for", "198.51.100.1")
        .send()
        .await;
    assert_eq!(outside.status(), 403);
    assert_eq!(outside.text(), "forbidden\n");

    let denied = client
        .get("/office")
        .header("x-forwarded-for", "203.0.113.66")
        .send()
        .await;
    assert_eq!(denied.status(), 403, "deny wins over allow");

    let direct = client.get("/office").send().await;
    assert_eq!(
        direct.status(),
        403,
        "the proxy itself is not in the allow list"
    );
}

/// Sends one raw HTTP/1.1 request over a socket and returns the whole answer.
async fn raw_get(addr: std::net::SocketAddr, path: &str, extra: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nhost: test\r\n{extra}connection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn over_a_real_socket_the_peer_address_is_used() {
    let config = ServerConfig::builder()
        .addr(([127, 0, 0, 1], 0).into())
        .build();
    let server = Server::bind(Ips::new(()), config).await.unwrap();
    let addr = server.local_addr();

    let spoofed = raw_get(addr, "/untrusting", "x-forwarded-for: 203.0.113.9\r\n").await;
    assert!(spoofed.ends_with("\r\n\r\n127.0.0.1"), "{spoofed}");

    let proxied = raw_get(addr, "/trusting", "x-forwarded-for: 203.0.113.9\r\n").await;
    assert!(proxied.ends_with("\r\n\r\n203.0.113.9"), "{proxied}");

    let blocked = raw_get(addr, "/blocked", "").await;
    assert!(blocked.starts_with("HTTP/1.1 403"), "{blocked}");

    server.shutdown().await;
}
