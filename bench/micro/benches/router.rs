//! The route matcher `app!` generates against matchit (the router axum uses), on a GitHub-like
//! table of 20 routes: the same paths looked up in both. Ours also checks the method and parses
//! typed parameters, which matchit leaves to the handler. (Dispatch itself matches without
//! copying the parameters; `recognize`, the public lookup measured here, copies them.)

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use galaxy_core::App;
use http::Method;

galaxy_core::app! {
    app = Api;
    routes {
        GET "/" => ok, public;
        GET "/users" => ok, public;
        POST "/users" => ok, public;
        GET "/users/{id: u64}" => ok, public;
        GET "/users/{id: u64}/followers" => ok, public;
        GET "/users/{id: u64}/repos" => ok, public;
        GET "/orgs/{org}" => ok, public;
        GET "/orgs/{org}/members" => ok, public;
        GET "/orgs/{org}/repos" => ok, public;
        GET "/repos/{owner}/{repo}" => ok, public;
        GET "/repos/{owner}/{repo}/issues" => ok, public;
        POST "/repos/{owner}/{repo}/issues" => ok, public;
        GET "/repos/{owner}/{repo}/issues/{number: u64}" => ok, public;
        GET "/repos/{owner}/{repo}/issues/{number: u64}/comments" => ok, public;
        GET "/repos/{owner}/{repo}/pulls" => ok, public;
        GET "/repos/{owner}/{repo}/pulls/{number: u64}" => ok, public;
        GET "/search/code" => ok, public;
        GET "/search/issues" => ok, public;
        GET "/gists/{id}" => ok, public;
        GET "/static/{*path}" => ok, public;
    }
}

async fn ok() -> &'static str {
    "ok"
}

/// The same table for matchit (which has no methods: GET and POST of a path share an entry).
fn matchit_router() -> matchit::Router<usize> {
    let mut router = matchit::Router::new();
    let paths = [
        "/",
        "/users",
        "/users/{id}",
        "/users/{id}/followers",
        "/users/{id}/repos",
        "/orgs/{org}",
        "/orgs/{org}/members",
        "/orgs/{org}/repos",
        "/repos/{owner}/{repo}",
        "/repos/{owner}/{repo}/issues",
        "/repos/{owner}/{repo}/issues/{number}",
        "/repos/{owner}/{repo}/issues/{number}/comments",
        "/repos/{owner}/{repo}/pulls",
        "/repos/{owner}/{repo}/pulls/{number}",
        "/search/code",
        "/search/issues",
        "/gists/{id}",
        "/static/{*path}",
    ];
    for (i, path) in paths.into_iter().enumerate() {
        router.insert(path, i).expect("matchit accepts the table");
    }
    router
}

/// Paths a client would ask for: static, one and several parameters, deep, wildcard, missing.
const LOOKUPS: [&str; 8] = [
    "/",
    "/users/42",
    "/orgs/rust-lang/members",
    "/repos/tokio-rs/axum/issues/1234/comments",
    "/repos/hyperium/hyper/pulls",
    "/search/issues",
    "/static/css/app.3f2a1b9c.css",
    "/nowhere/at/all",
];

fn routers(c: &mut Criterion) {
    let matchit = matchit_router();
    let mut group = c.benchmark_group("router");
    // `recognize` hands back the parameters as `String`s, so matchit's are copied the same way.
    group.bench_function("galaxy recognize (8 lookups)", |b| {
        b.iter(|| {
            for path in LOOKUPS {
                black_box(Api::recognize(&Method::GET, black_box(path)));
            }
        });
    });
    group.bench_function("matchit at (8 lookups)", |b| {
        b.iter(|| {
            for path in LOOKUPS {
                let found = matchit.at(black_box(path)).ok().map(|m| {
                    let params: Vec<String> = m.params.iter().map(|(_, v)| v.to_owned()).collect();
                    (*m.value, params)
                });
                black_box(found);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, routers);
criterion_main!(benches);
