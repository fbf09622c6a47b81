//! `AccessLog`: one event per request with method, path, status, latency and request id.

use std::io::Write;
use std::sync::{Arc, Mutex};

use galaxy_core::middleware::{AccessLog, RequestIdLayer};
use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Logged;
    chain global = [RequestIdLayer::default(), AccessLog];
    routes {
        GET "/hello" => hello, public;
        GET "/fail" => fail, public;
    }
}

async fn hello() -> &'static str {
    "hi"
}

async fn fail() -> Result<&'static str> {
    Err(Error::internal("the database is on fire"))
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .filter(|l| l.contains("galaxy::access"))
            .map(str::to_owned)
            .collect()
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn every_request_is_logged_with_its_id_and_status() {
    let (captured, _guard) = capture();
    let client = TestClient::new(Logged::new(()));
    let res = client.get("/hello?token=secret").send().await;
    let id = res.header("x-request-id").unwrap().to_owned();
    client.get("/missing").send().await;

    let lines = captured.lines();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let line = &lines[0];
    assert!(line.contains(" INFO "), "{line}");
    for field in [
        "method=GET",
        "path=/hello",
        "status=200",
        "latency_us=",
        &format!("request_id=\"{id}\""),
    ] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
    assert!(
        !line.contains("secret"),
        "query strings stay out of logs: {line}"
    );
    assert!(
        lines[1].contains("status=404"),
        "404s are logged too: {}",
        lines[1]
    );
}

#[tokio::test]
async fn server_errors_are_logged_as_errors() {
    let (captured, _guard) = capture();
    let client = TestClient::new(Logged::new(()));
    assert_eq!(client.get("/fail").send().await.status(), 500);
    let lines = captured.lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("ERROR") && lines[0].contains("status=500"),
        "{}",
        lines[0]
    );
}
