//! Arbitrary bytes from a client, on one connection served exactly as the real server serves a
//! socket (`galaxy_core::__private::serve_io`). Whatever the bytes, the server must not panic
//! outside a handler, must end the connection (the clock is paused, so its timeouts elapse as
//! soon as it is idle) and must never answer 500 unless a handler panicked.

#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use galaxy_core::ServerConfig;
use galaxy_core::prelude::*;
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

galaxy_core::app! {
    app = FuzzApp;
    routes {
        GET "/" => home, public;
        GET "/users/{id: u64}" => user, public;
        GET "/names/{name}" => name, public;
        GET "/tags/{tag ~ [a-z]+}" => name, public;
        GET "/files/{*path}" => name, public;
        POST "/echo" => echo, public, body_limit = 64;
        POST "/json" => json, public;
        GET "/panic" => panics, public;
    }
}

// Handlers answer with constants and numbers, never with the client's bytes, so a client
// cannot forge the text of a 500 in a body.
async fn home() -> &'static str {
    "home"
}

async fn user(Path(id): Path<u64>) -> String {
    format!("user {id}")
}

async fn name(Path(name): Path<String>) -> String {
    format!("{} chars", name.chars().count())
}

async fn echo(body: Bytes) -> String {
    format!("{} bytes", body.len())
}

async fn json(Json(value): Json<serde_json::Value>) -> &'static str {
    if value.is_object() { "object" } else { "other" }
}

/// The panic message of `/panic`; the panic hook lets this one through (the server turns it
/// into a 500) and aborts on any other, as libFuzzer's hook does.
const EXPECTED_PANIC: &str = "fuzz: the expected handler panic";

/// How many times `/panic` ran in the current input.
static PANICS: AtomicUsize = AtomicUsize::new(0);

async fn panics() -> &'static str {
    PANICS.fetch_add(1, Ordering::SeqCst);
    panic!("{EXPECTED_PANIC}")
}

fn allow_expected_panics() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied());
        if message != Some(EXPECTED_PANIC) {
            abort(info);
        }
    }));
}

/// Counts HTTP/1 status lines of 500 answers in what the server wrote.
fn internal_errors(output: &[u8]) -> usize {
    [
        &b"HTTP/1.1 500 Internal Server Error\r\n"[..],
        b"HTTP/1.0 500 Internal Server Error\r\n",
    ]
    .iter()
    .map(|line| output.windows(line.len()).filter(|w| w == line).count())
    .sum()
}

fn config() -> ServerConfig {
    let mut config = ServerConfig::default();
    config.header_read_timeout = Duration::from_secs(1);
    config.max_uri_len = 1024;
    config
}

/// Writes `input` as a client, reads until the server closes, and returns what it read.
async fn exchange(input: &[u8]) -> Vec<u8> {
    let (client, server) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        galaxy_core::__private::serve_io(FuzzApp::new(()), server, &config()).await;
    });
    let (mut reader, mut writer) = tokio::io::split(client);
    let write = async {
        // The server may close before it has read everything; that is its right.
        let _ = writer.write_all(input).await;
        writer
    };
    let read = async {
        let mut output = Vec::new();
        let _ = reader.read_to_end(&mut output).await;
        output
    };
    // The write half stays open until the server closes, like a client awaiting its answers.
    let (_writer, output) = tokio::join!(write, read);
    output
}

fuzz_target!(init: allow_expected_panics(), |input: &[u8]| {
    PANICS.store(0, Ordering::SeqCst);
    // A fresh runtime per input, so nothing one input spawned outlives it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let output = runtime.block_on(async {
        // Virtual time: this bounds a connection the server never closes, without waiting.
        tokio::time::timeout(Duration::from_secs(600), exchange(input)).await
    });
    let Ok(output) = output else {
        panic!("the server kept the connection open for 10 minutes of idle time");
    };
    let errors = internal_errors(&output);
    let panics = PANICS.load(Ordering::SeqCst);
    assert!(
        errors <= panics,
        "500 answered {errors} time(s) but only {panics} handler(s) panicked; output: {:?}",
        String::from_utf8_lossy(&output)
    );
});
