//! Extractors on their own, outside the server: `Query`, `Json` and `Form` decoding a small
//! payload, and `Path`, which hands over what the matcher already parsed.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use galaxy_core::extract::RequestContext;
use galaxy_core::{Body, Form, FromRequest, FromRequestParts, Json, Path, Query, Request};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read by `black_box` only
struct Search {
    q: String,
    page: u32,
    per_page: u32,
    sort: Option<String>,
}

const QUERY: &str = "q=hello+world&page=3&per_page=50&sort=stars";
const JSON: &str = r#"{"q":"hello world","page":3,"per_page":50,"sort":"stars"}"#;

fn request(uri: &str, content_type: &str, body: &'static str) -> Request {
    http::Request::builder()
        .uri(uri)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("a valid request")
}

fn extractors(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let state = ();
    let cx = RequestContext::<'_, (), (u64,)>::new(&state, (42,), 2 * 1024 * 1024);
    let mut group = c.benchmark_group("extractors");

    let uri = format!("/search?{QUERY}");
    group.bench_function("Query<Search>", |b| {
        b.iter(|| {
            let (mut parts, _) = request(&uri, "text/plain", "").into_parts();
            let q = runtime.block_on(Query::<Search>::from_request_parts(&mut parts, &cx));
            black_box(q.is_ok())
        });
    });
    group.bench_function("Json<Search>", |b| {
        b.iter(|| {
            let req = request("/search", "application/json", JSON);
            let json = runtime.block_on(Json::<Search>::from_request(req, &cx));
            black_box(json.is_ok())
        });
    });
    group.bench_function("Form<Search>", |b| {
        b.iter(|| {
            let req = request("/search", "application/x-www-form-urlencoded", QUERY);
            let form = runtime.block_on(Form::<Search>::from_request(req, &cx));
            black_box(form.is_ok())
        });
    });
    group.bench_function("Path<u64>", |b| {
        b.iter(|| {
            let (mut parts, _) = request("/users/42", "text/plain", "").into_parts();
            let id = runtime.block_on(Path::<u64>::from_request_parts(&mut parts, &cx));
            black_box(id.is_ok())
        });
    });
    group.finish();
}

criterion_group!(benches, extractors);
criterion_main!(benches);
