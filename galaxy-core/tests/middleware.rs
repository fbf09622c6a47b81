//! Typed middleware chains: ordering, provided values, short-circuits, nesting.

use galaxy_core::http::HeaderValue;
use galaxy_core::http::header::CACHE_CONTROL;
use galaxy_core::middleware::Tower;
use galaxy_core::middleware::{
    HCons, HNil, Middleware, MiddlewareContext, Next, RequestId, RequestIdLayer,
};
use galaxy_core::prelude::*;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::validate_request::ValidateRequestHeaderLayer;

/// The user a bearer token names; provided by [`BearerAuth`].
#[derive(Debug, Clone, PartialEq)]
struct User(String);

galaxy_core::context_value!(User);

/// Lets requests with `authorization: Bearer <name>` through as that user, others get 401.
#[derive(Debug, Default)]
struct BearerAuth;

impl<S: Send + Sync> Middleware<S> for BearerAuth {
    type Provides = HCons<User, HNil>;
    type Requires = HCons<RequestId, HNil>;

    async fn call<N: Next>(
        &self,
        mut req: Request,
        _: MiddlewareContext<'_, S>,
        next: N,
    ) -> Response {
        let user = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|name| User(name.to_owned()));
        match user {
            Some(user) => {
                req.extensions_mut().insert(user);
                next.run(req).await
            }
            None => (StatusCode::UNAUTHORIZED, "who are you?").into_response(),
        }
    }
}

/// Adds a header naming itself to every response, to observe the order middleware run in.
#[derive(Debug)]
struct Trace(&'static str);

impl<S: Send + Sync> Middleware<S> for Trace {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let mut res = next.run(req).await;
        res.headers_mut().append("x-trace", self.0.parse().unwrap());
        res
    }
}

galaxy_core::app! {
    app = Api;
    chain traced = [Trace("outer")];
    chain api = [RequestIdLayer::default(), BearerAuth, Trace("inner")];
    chain towered = [
        Tower::new(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        )),
        Tower::new(ValidateRequestHeaderLayer::accept("text/plain")),
    ];
    routes {
        GET "/open" => open, public;
        GET "/towered" => open, public, via towered;
        group "/v1" via traced {
            GET "/ping" => ping, public;
            group "/me" via api {
                GET "/" => me, public;
                GET "/items/{id: u64}" => item, public, via traced;
            }
        }
    }
}

async fn open() -> &'static str {
    "open"
}

async fn ping() -> &'static str {
    "pong"
}

async fn me(user: User, id: RequestId) -> String {
    format!("{} ({})", user.0, id.as_str().len())
}

async fn item(Path(id): Path<u64>, user: User) -> String {
    format!("{} owns {id}", user.0)
}

fn client() -> TestClient<Api> {
    TestClient::new(Api::new(()))
}

#[tokio::test]
async fn routes_without_a_chain_run_no_middleware() {
    let res = client().get("/open").send().await;
    assert_eq!(res.text(), "open");
    assert!(res.header("x-trace").is_none());
    assert!(res.header("x-request-id").is_none());
}

#[tokio::test]
async fn nested_chains_run_outer_first_and_provide_their_values() {
    let res = client()
        .get("/v1/me")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "ada (16)");
    let traces: Vec<_> = res.headers().get_all("x-trace").iter().collect();
    assert_eq!(traces, ["inner", "outer"], "the inner chain answers first");
    assert_eq!(res.header("x-request-id").map(str::len), Some(16));
}

#[tokio::test]
async fn a_middleware_can_answer_by_itself() {
    let res = client().get("/v1/me").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text(), "who are you?");
    let traces: Vec<_> = res.headers().get_all("x-trace").iter().collect();
    assert_eq!(
        traces,
        ["outer"],
        "middleware after the one that answered do not run"
    );
}

#[tokio::test]
async fn a_chain_can_repeat_in_nested_groups() {
    let res = client()
        .get("/v1/me/items/7")
        .header("authorization", "Bearer bob")
        .send()
        .await;
    assert_eq!(res.text(), "bob owns 7");
    let traces: Vec<_> = res.headers().get_all("x-trace").iter().collect();
    assert_eq!(traces, ["outer", "inner", "outer"]);
}

#[tokio::test]
async fn a_group_chain_wraps_its_routes() {
    let res = client().get("/v1/ping").send().await;
    assert_eq!(res.text(), "pong");
    assert_eq!(res.header("x-trace"), Some("outer"));
}

#[tokio::test]
async fn tower_http_layers_work_unchanged_in_a_chain() {
    let client = client();
    let res = client
        .get("/towered")
        .header("accept", "text/plain")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.text(),
        "open",
        "the layer passed the request on to the handler"
    );
    assert_eq!(res.header("cache-control"), Some("no-store"));

    let res = client
        .get("/towered")
        .header("accept", "image/png")
        .send()
        .await;
    assert_eq!(
        res.status(),
        406,
        "the inner layer answered without calling the chain"
    );
    assert_eq!(
        res.header("cache-control"),
        Some("no-store"),
        "the outer layer still ran"
    );
}

mod global {
    use super::*;

    galaxy_core::app! {
        app = Everywhere;
        chain global = [Trace("global"), RequestIdLayer::default()];
        chain inner = [Trace("inner")];
        routes {
            GET "/id" => show_id, public;
            GET "/nested" => show_id, public, via inner;
        }
    }

    async fn show_id(id: RequestId) -> String {
        id.to_string()
    }

    #[tokio::test]
    async fn the_global_chain_wraps_every_request_and_provides_to_every_route() {
        let client = TestClient::new(Everywhere::new(()));
        let res = client.get("/id").send().await;
        assert_eq!(res.header("x-request-id"), Some(res.text().as_str()));
        assert_eq!(res.header("x-trace"), Some("global"));

        let res = client.get("/nested").send().await;
        let traces: Vec<_> = res.headers().get_all("x-trace").iter().collect();
        assert_eq!(traces, ["inner", "global"]);

        let res = client.get("/missing").send().await;
        assert_eq!(res.status(), 404);
        assert_eq!(
            res.header("x-trace"),
            Some("global"),
            "404s pass through it too"
        );
        assert!(res.header("x-request-id").is_some());
    }
}

mod peer_address {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    galaxy_core::app! {
        app = Proxied;
        chain from_proxy = [RequestIdLayer::trusting(["127.0.0.1".parse().unwrap()])];
        chain from_elsewhere = [RequestIdLayer::trusting(["10.9.9.9".parse().unwrap()])];
        routes {
            GET "/proxy" => show_id, public, via from_proxy;
            GET "/elsewhere" => show_id, public, via from_elsewhere;
        }
    }

    async fn show_id(id: RequestId) -> String {
        id.to_string()
    }

    async fn get(addr: std::net::SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nhost: test\r\nx-request-id: from-the-proxy\r\nconnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response.rsplit("\r\n\r\n").next().unwrap().to_owned()
    }

    #[tokio::test]
    async fn middleware_see_the_connections_peer_address() {
        let config = galaxy_core::ServerConfig::builder()
            .addr(([127, 0, 0, 1], 0).into())
            .build();
        let server = galaxy_core::Server::bind(Proxied::new(()), config)
            .await
            .unwrap();
        let addr = server.local_addr();
        assert_eq!(
            get(addr, "/proxy").await,
            "from-the-proxy",
            "a trusted peer's id is kept"
        );
        assert_ne!(
            get(addr, "/elsewhere").await,
            "from-the-proxy",
            "an untrusted peer's is not"
        );
        server.shutdown().await;
    }
}
