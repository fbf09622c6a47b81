//! The server over a real socket: keep-alive, pipelining, HTTP/2, and what it does with bad or
//! hostile input. Every case talks raw bytes over TCP, so what is checked is what a client sees.
//!
//! Timeouts in these tests bound how long a test may take; they are not what is measured.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use galaxy_core::prelude::*;
use galaxy_core::{Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// What a test can learn from inside the app.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// Raised when `/slow` or `/very-slow` has started, so a test knows its request is in flight.
    slow_started: Arc<Notify>,
}

galaxy_core::app! {
    app = TestApp;
    state = Probe;
    routes {
        GET "/" => home, public;
        GET "/users/{id: u64}" => user, public;
        GET "/names/{name}" => name, public;
        POST "/echo" => echo, public, body_limit = 1024;
        GET "/slow" => slow, public;
        GET "/very-slow" => very_slow, public;
        GET "/panic" => panics, public;
    }
}

async fn home() -> &'static str {
    "home"
}

async fn user(Path(id): Path<u64>) -> String {
    format!("user {id}")
}

async fn name(Path(name): Path<String>) -> String {
    format!("name {name}")
}

async fn echo(body: String) -> String {
    body
}

async fn slow(State(probe): State<Probe>) -> &'static str {
    probe.slow_started.notify_one();
    tokio::time::sleep(Duration::from_millis(300)).await;
    "slow"
}

async fn very_slow(State(probe): State<Probe>) -> &'static str {
    probe.slow_started.notify_one();
    tokio::time::sleep(Duration::from_secs(10)).await;
    "very slow"
}

async fn panics() -> &'static str {
    panic!("secret panic detail")
}

/// The longest any single read may wait before the test fails instead of hanging.
const IO_BOUND: Duration = Duration::from_secs(10);

fn config() -> ServerConfig {
    ServerConfig::builder()
        .addr(([127, 0, 0, 1], 0).into())
        .header_read_timeout(Duration::from_secs(1))
        .body_read_timeout(Duration::from_secs(1))
        .build()
}

async fn start(config: ServerConfig) -> (Server, Probe) {
    let probe = Probe::default();
    let server = Server::bind(TestApp::new(probe.clone()), config)
        .await
        .expect("the server binds");
    (server, probe)
}

/// A response as read off the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A raw HTTP/1.1 client connection.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connects");
        Self {
            stream,
            buf: Vec::new(),
            closed: false,
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("writes");
    }

    /// Reads more bytes; `false` once the server closed (or reset) the connection.
    async fn fill(&mut self) -> bool {
        if self.closed {
            return false;
        }
        let mut chunk = [0; 8192];
        let read = tokio::time::timeout(IO_BOUND, self.stream.read(&mut chunk))
            .await
            .expect("the server answers or closes in time");
        match read {
            Ok(0) | Err(_) => {
                self.closed = true;
                false
            }
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// The next whole response, or `None` when the connection closes first.
    async fn response(&mut self) -> Option<Raw> {
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8(self.buf[..head_end].to_vec()).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("a status line");
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status code in `{status_line}`"));
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (n, v) = l.split_once(':').expect("a header line");
                (n.trim().to_owned(), v.trim().to_owned())
            })
            .collect();
        let mut res = Raw {
            status,
            headers,
            body: Vec::new(),
        };
        assert_ne!(
            res.header("transfer-encoding"),
            Some("chunked"),
            "the test client reads only sized bodies"
        );
        let body_len = match res.header("content-length") {
            Some(len) => len.parse().expect("a numeric content-length"),
            None => {
                // No length: the body runs to the end of the connection.
                while self.fill().await {}
                self.buf.len() - head_end
            }
        };
        while self.buf.len() < head_end + body_len {
            assert!(self.fill().await, "the connection closed inside a body");
        }
        res.body = self.buf[head_end..head_end + body_len].to_vec();
        self.buf.drain(..head_end + body_len);
        Some(res)
    }

    /// `true` when the server closes the connection without sending anything more.
    async fn closes_silently(&mut self) -> bool {
        while self.fill().await {}
        self.buf.is_empty()
    }
}

/// Sends `bytes` on a new connection and reads one response.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Option<Raw> {
    let mut client = Client::connect(addr).await;
    client.send(bytes).await;
    client.response().await
}

/// A request for failure messages, cut short when it is long.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.into_owned(),
    }
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: localhost\r\n\r\n").into_bytes()
}

/// Sends `bytes` on a new connection and asserts the answer is `status`.
async fn assert_status(addr: SocketAddr, bytes: &[u8], status: u16) {
    let res = exchange(addr, bytes).await;
    let shown = shown(bytes);
    let res = res.unwrap_or_else(|| panic!("no response to {shown:?}"));
    assert_eq!(res.status, status, "for {shown:?}: {}", res.text());
}

#[tokio::test]
async fn keep_alive_answers_two_requests_on_one_connection() {
    let (server, _) = start(config()).await;
    let mut client = Client::connect(server.local_addr()).await;
    client.send(&get("/users/1")).await;
    let first = client.response().await.expect("a first response");
    client.send(&get("/users/2")).await;
    let second = client.response().await.expect("a second response");
    assert_eq!((first.status, first.text()), (200, "user 1".to_owned()));
    assert_eq!((second.status, second.text()), (200, "user 2".to_owned()));
    server.shutdown().await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let (server, _) = start(config()).await;
    let mut client = Client::connect(server.local_addr()).await;
    let batch = [get("/users/1"), get("/users/2"), get("/users/3")].concat();
    client.send(&batch).await;
    for id in 1..=3 {
        let res = client.response().await.expect("a pipelined response");
        assert_eq!((res.status, res.text()), (200, format!("user {id}")));
    }
    server.shutdown().await;
}

/// An HTTP/2 client connection (prior knowledge) to `addr`, driven on its own task, and the
/// response to a `GET` of `path` sent on it.
async fn http2_get(
    addr: SocketAddr,
    path: &str,
) -> (
    hyper::client::conn::http2::SendRequest<http_body_util::Empty<Bytes>>,
    tokio::task::JoinHandle<hyper::Result<()>>,
    http::Response<hyper::body::Incoming>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("an HTTP/2 handshake");
    let conn = tokio::spawn(conn);
    let req = http::Request::get(format!("http://{addr}{path}"))
        .body(http_body_util::Empty::new())
        .unwrap();
    let res = tokio::time::timeout(IO_BOUND, sender.send_request(req))
        .await
        .expect("an answer in time")
        .expect("a response");
    (sender, conn, res)
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served() {
    use http_body_util::BodyExt;

    let (server, _) = start(config()).await;
    let (sender, conn, res) = http2_get(server.local_addr(), "/users/7").await;
    assert_eq!(res.version(), http::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("server"));
    assert!(res.headers().contains_key("date"));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"user 7");
    drop(sender);
    conn.abort();
    server.shutdown().await;
}

/// An idle HTTP/2 connection is told to go away at shutdown (GOAWAY) and closed, without
/// waiting for the client or the shutdown deadline.
#[tokio::test]
async fn shutdown_closes_an_idle_http2_connection_at_once() {
    let mut config = config();
    config.header_read_timeout = Duration::from_secs(60);
    config.shutdown_timeout = Duration::from_secs(60);
    let (server, _) = start(config).await;
    let (sender, conn, res) = http2_get(server.local_addr(), "/").await;
    assert_eq!(res.status(), 200);
    drop(res);
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown does not wait for an idle HTTP/2 connection");
    // `sender` is still held: only the server can have ended the connection.
    tokio::time::timeout(Duration::from_secs(5), conn)
        .await
        .expect("the server closes the connection")
        .unwrap()
        .expect("closed cleanly, after a GOAWAY");
    drop(sender);
}

#[tokio::test]
async fn every_response_has_server_and_date_headers() {
    let mut config = config();
    config.max_uri_len = 100;
    let (server, _) = start(config).await;
    let addr = server.local_addr();
    let long_uri = format!("/{}", "a".repeat(200));
    let requests = [
        get("/"),
        get("/nope"),
        get(&long_uri),
        get("/panic"),
        b"DELETE / HTTP/1.1\r\nhost: x\r\n\r\n".to_vec(),
        b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n".to_vec(),
    ];
    let mut statuses = Vec::new();
    for req in requests {
        let res = exchange(addr, &req).await.expect("a response");
        let shown = shown(&req);
        assert_eq!(res.header("server"), Some("galaxy"), "{shown:?} {res:?}");
        assert!(res.header("date").is_some(), "{shown:?} {res:?}");
        statuses.push(res.status);
    }
    assert_eq!(statuses, [200, 404, 414, 500, 405, 413]);
    // A head hyper cannot parse is answered by hyper itself, before the app is reached and with
    // no way to add headers: that answer has a `Date` but no `Server`.
    let res = exchange(addr, b"GET / HTTP/1.1\r\nbad header\r\n\r\n").await;
    assert!(res.expect("a response").header("date").is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_request_lines_are_400() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    let cases: [&[u8]; 6] = [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\nhost: x\r\n\r\n",
        b"GET / HTTP/9.9\r\nhost: x\r\n\r\n",
        b"GE(T / HTTP/1.1\r\nhost: x\r\n\r\n",
        b"GET  HTTP/1.1\r\nhost: x\r\n\r\n",
        b"\x00\x01\x02\x03 / HTTP/1.1\r\n\r\n",
    ];
    for case in cases {
        assert_status(addr, case, 400).await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_headers_are_400() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    let cases: [&[u8]; 5] = [
        b"GET / HTTP/1.1\r\nhost localhost\r\n\r\n",
        b"GET / HTTP/1.1\r\nbad name: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nx-nul: a\x00b\r\n\r\n",
        b"POST /echo HTTP/1.1\r\ncontent-length: ten\r\n\r\n",
        b"POST /echo HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab",
    ];
    for case in cases {
        assert_status(addr, case, 400).await;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_utf8_and_bad_percent_encoding_in_the_path_are_4xx() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    for path in [&b"/users/\xff"[..], b"/names/caf\xc3", b"/\xc0\xaf"] {
        let req = [b"GET ", path, b" HTTP/1.1\r\nhost: x\r\n\r\n"].concat();
        let res = exchange(addr, &req).await.expect("a response");
        assert!(
            (400..500).contains(&res.status),
            "{path:?} got {}",
            res.status
        );
    }
    for path in ["/names/%zz", "/names/%FF", "/names/%4", "/users/%31%zz"] {
        assert_status(addr, &get(path), 404).await;
    }
    // Percent-decoding is strict but works.
    let res = exchange(addr, &get("/names/caf%C3%A9")).await.unwrap();
    assert_eq!(res.text(), "name café");
    server.shutdown().await;
}

#[tokio::test]
async fn path_parameters_that_do_not_parse_are_404() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    for path in [
        "/users/abc",
        "/users/99999999999999999999999",
        "/users/-1",
        "/users/",
    ] {
        let res = exchange(addr, &get(path)).await.expect("a response");
        assert_eq!(res.status, 404, "{path}: {}", res.text());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn too_many_headers_are_431() {
    let mut config = config();
    config.max_headers = 10;
    let (server, _) = start(config).await;
    let headers: String = (0..20).map(|i| format!("x-h{i}: v\r\n")).collect();
    let req = format!("GET / HTTP/1.1\r\nhost: x\r\n{headers}\r\n");
    assert_status(server.local_addr(), req.as_bytes(), 431).await;
    // Within the limit is fine.
    let headers: String = (0..5).map(|i| format!("x-h{i}: v\r\n")).collect();
    let req = format!("GET / HTTP/1.1\r\nhost: x\r\n{headers}\r\n");
    assert_status(server.local_addr(), req.as_bytes(), 200).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_request_head_over_max_head_bytes_is_431() {
    let mut config = config();
    config.max_head_bytes = 8192;
    let (server, _) = start(config).await;
    let req = format!(
        "GET / HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_status(server.local_addr(), req.as_bytes(), 431).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_uri_over_max_uri_len_is_414() {
    let mut config = config();
    config.max_uri_len = 1024;
    let (server, _) = start(config).await;
    let addr = server.local_addr();
    let long = format!("/names/{}", "a".repeat(2000));
    assert_status(addr, &get(&long), 414).await;
    // The query counts too.
    let long_query = format!("/?q={}", "a".repeat(2000));
    assert_status(addr, &get(&long_query), 414).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_over_the_route_limit_with_content_length_is_413() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    // Refused from the declared length, before any byte of the body is sent.
    let req = b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 2048\r\n\r\n";
    assert_status(addr, req, 413).await;
    // At the limit it is accepted.
    let body = "a".repeat(1024);
    let req = format!("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 1024\r\n\r\n{body}");
    let res = exchange(addr, req.as_bytes()).await.unwrap();
    assert_eq!((res.status, res.text()), (200, body));
    server.shutdown().await;
}

#[tokio::test]
async fn a_chunked_body_over_the_route_limit_is_413() {
    let (server, _) = start(config()).await;
    // Two chunks of 800 bytes: the second crosses the 1024-byte limit.
    let chunk = format!("320\r\n{}\r\n", "a".repeat(800));
    let req = format!(
        "POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n{chunk}{chunk}"
    );
    assert_status(server.local_addr(), req.as_bytes(), 413).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_408_within_the_body_read_timeout() {
    // body_read_timeout is 1 s; the client promises 100 bytes, sends 10 and waits.
    let (server, _) = start(config()).await;
    let mut client = Client::connect(server.local_addr()).await;
    client
        .send(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789")
        .await;
    let res = client.response().await.expect("a response");
    assert_eq!(res.status, 408, "{}", res.text());
    // The rest of the body can no longer be told from a next request: the connection closes.
    assert!(client.closes_silently().await);
    server.shutdown().await;
}

/// Sends `bytes` one at a time, `gap` apart, until done or the server closes.
fn dribble(mut writer: tokio::net::tcp::OwnedWriteHalf, bytes: Vec<u8>, gap: Duration) {
    tokio::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(gap).await;
        }
    });
}

/// Reads until the server closes; `true` when it closed within `bound` having sent nothing.
async fn closed_silently_within(
    mut reader: tokio::net::tcp::OwnedReadHalf,
    bound: Duration,
) -> bool {
    let mut received = Vec::new();
    let closed = tokio::time::timeout(bound, async {
        let mut chunk = [0; 1024];
        loop {
            match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    closed.is_ok() && received.is_empty()
}

#[tokio::test]
async fn a_slowloris_head_is_closed_within_the_header_read_timeout() {
    // header_read_timeout is 1 s; the head below would take ~9 s at one byte per 300 ms.
    let (server, _) = start(config()).await;
    let stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let (reader, writer) = stream.into_split();
    let head = b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n".to_vec();
    dribble(writer, head, Duration::from_millis(300));
    assert!(closed_silently_within(reader, Duration::from_secs(5)).await);
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_within_the_header_read_timeout() {
    let (server, _) = start(config()).await;
    let stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let (reader, _writer) = stream.into_split();
    assert!(closed_silently_within(reader, Duration::from_secs(5)).await);
    server.shutdown().await;
}

#[tokio::test]
async fn a_slow_http2_preface_is_closed_within_the_header_read_timeout() {
    // Until the 24-byte preface is complete the server cannot tell HTTP/2 from HTTP/1.1.
    let (server, _) = start(config()).await;
    let stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let (reader, writer) = stream.into_split();
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    dribble(writer, preface, Duration::from_millis(300));
    assert!(closed_silently_within(reader, Duration::from_secs(5)).await);
    server.shutdown().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_within_the_header_read_timeout() {
    let (server, _) = start(config()).await;
    let mut client = Client::connect(server.local_addr()).await;
    client.send(&get("/")).await;
    assert_eq!(client.response().await.unwrap().status, 200);
    let closed = tokio::time::timeout(Duration::from_secs(5), client.closes_silently()).await;
    assert_eq!(closed, Ok(true));
    server.shutdown().await;
}

/// HTTP/1.1 alone (`http2: false`) serves through hyper's own HTTP/1 connection rather than
/// hyper-util's detecting one: the same answers, the same limits, and a header read timeout
/// that runs from the connection's first byte.
#[tokio::test]
async fn an_http1_only_server_keeps_every_deadline_and_pipelines() {
    let mut http1_only = config();
    http1_only.http2 = false;
    let (server, _) = start(http1_only).await;
    let addr = server.local_addr();

    let mut client = Client::connect(addr).await;
    for _ in 0..3 {
        client.send(&get("/")).await;
    }
    for _ in 0..3 {
        assert_eq!(client.response().await.unwrap().status, 200);
    }
    let closed = tokio::time::timeout(Duration::from_secs(5), client.closes_silently()).await;
    assert_eq!(closed, Ok(true), "an idle keep-alive connection is closed");

    let (reader, _writer) = TcpStream::connect(addr).await.unwrap().into_split();
    assert!(
        closed_silently_within(reader, Duration::from_secs(5)).await,
        "a connection that sends nothing is closed"
    );

    let (reader, writer) = TcpStream::connect(addr).await.unwrap().into_split();
    let head = b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n".to_vec();
    dribble(writer, head, Duration::from_millis(300));
    assert!(
        closed_silently_within(reader, Duration::from_secs(5)).await,
        "a slowloris head is closed"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_with_a_request_id_and_the_server_keeps_serving() {
    let (server, _) = start(config()).await;
    let addr = server.local_addr();
    let res = exchange(addr, &get("/panic")).await.expect("a response");
    assert_eq!(res.status, 500);
    let id = res.header("x-request-id").expect("a request id").to_owned();
    assert!(res.text().contains(&id), "{}", res.text());
    assert!(!res.text().contains("secret panic detail"));
    let res = exchange(addr, &get("/")).await.expect("a response");
    assert_eq!((res.status, res.text()), (200, "home".to_owned()));
    server.shutdown().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_and_refuses_new_connections() {
    let (server, probe) = start(config()).await;
    let addr = server.local_addr();
    let mut client = Client::connect(addr).await;
    client.send(&get("/slow")).await;
    tokio::time::timeout(IO_BOUND, probe.slow_started.notified())
        .await
        .expect("the slow request starts");
    let shutdown = tokio::spawn(server.shutdown());
    let res = client
        .response()
        .await
        .expect("the in-flight request is answered");
    assert_eq!((res.status, res.text()), (200, "slow".to_owned()));
    tokio::time::timeout(IO_BOUND, shutdown)
        .await
        .expect("shutdown completes once the request is done")
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err());
}

/// An idle keep-alive connection waits for its client, not for the server: only the shutdown
/// signal can wake it, and it must close at once rather than hold the shutdown for its whole
/// header read timeout (a minute here) or until the shutdown deadline.
#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections_at_once() {
    for http2 in [true, false] {
        let mut config = config();
        config.http2 = http2;
        config.header_read_timeout = Duration::from_secs(60);
        config.shutdown_timeout = Duration::from_secs(60);
        let (server, _) = start(config).await;
        let mut client = Client::connect(server.local_addr()).await;
        client.send(&get("/")).await;
        assert_eq!(client.response().await.unwrap().status, 200);
        tokio::time::timeout(Duration::from_secs(5), server.shutdown())
            .await
            .unwrap_or_else(|_| panic!("shutdown waited for an idle connection (http2: {http2})"));
        let closed = tokio::time::timeout(Duration::from_secs(5), client.closes_silently()).await;
        assert_eq!(closed, Ok(true), "http2: {http2}");
    }
}

#[tokio::test]
async fn shutdown_timeout_bounds_a_shutdown_with_a_stuck_request() {
    let mut config = config();
    config.shutdown_timeout = Duration::from_millis(100);
    let (server, probe) = start(config).await;
    let mut client = Client::connect(server.local_addr()).await;
    client.send(&get("/very-slow")).await;
    tokio::time::timeout(IO_BOUND, probe.slow_started.notified())
        .await
        .expect("the very slow request starts");
    // `/very-slow` takes 10 s; the shutdown must not wait for it.
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown returns at its deadline");
    assert!(client.response().await.is_none());
}

#[tokio::test]
async fn connections_over_max_connections_get_503_with_retry_after() {
    let mut config = config();
    config.max_connections = 1;
    config.header_read_timeout = Duration::from_secs(10);
    let (server, _) = start(config).await;
    let addr = server.local_addr();
    let mut first = Client::connect(addr).await;
    first.send(&get("/")).await;
    assert_eq!(first.response().await.unwrap().status, 200);
    // `first` is still open (keep-alive), so the server is at its capacity.
    let res = exchange(addr, &get("/")).await.expect("a response");
    assert_eq!(res.status, 503);
    assert_eq!(res.header("retry-after"), Some("1"));
    assert_eq!(res.header("server"), Some("galaxy"));
    assert!(res.header("date").is_some());
    assert_eq!(res.text(), "server is at its capacity\n");
    // The first connection is still served.
    first.send(&get("/users/5")).await;
    assert_eq!(first.response().await.unwrap().text(), "user 5");
    server.shutdown().await;
}
