//! Properties of the generated router: URL helpers route back to their own route with the same
//! parameters, and matching never panics on arbitrary input.

use galaxy_core::prelude::*;
use proptest::prelude::*;

galaxy_core::app! {
    app = Shop;
    routes {
        GET "/" => ok, name = home, public;
        GET "/products/new" => ok, name = products.create, public;
        GET "/products/{id: u64}" => ok, name = products.show, public;
        GET "/products/{slug}" => ok, name = products.by_slug, public;
        GET "/products/{id: u64}/reviews/{page: u16}" => ok, name = products.reviews, public;
        GET "/offsets/{delta: i64}" => ok, name = offsets, public;
        GET "/flags/{on: bool}" => ok, name = flags, public;
        GET "/codes/{code ~ [A-Z]{3}}" => ok, name = codes, public;
        group "/api/{version: u8}" {
            GET "/tags/{tag}" => ok, name = api.tags, public;
            PUT "/tags/{tag}" => ok, name = api.tags.update, public;
        }
        GET "/files/{*path}" => ok, name = files, public;
    }
}

async fn ok() -> &'static str {
    "ok"
}

fn recognize(url: &galaxy_core::Url) -> (Option<&'static str>, Vec<String>) {
    let found = Shop::recognize(&Method::GET, url.as_str())
        .unwrap_or_else(|| panic!("{url} does not route"));
    (found.route.name, found.params)
}

/// Non-empty strings of any characters, slashes and percent signs included.
fn segment_text() -> impl Strategy<Value = String> {
    "\\PC{1,12}"
}

proptest! {
    #[test]
    fn integer_helpers_route_back(id in any::<u64>(), page in any::<u16>(), delta in any::<i64>()) {
        prop_assert_eq!(recognize(&routes::products::show(id)), (Some("products.show"), vec![id.to_string()]));
        prop_assert_eq!(
            recognize(&routes::products::reviews(id, page)),
            (Some("products.reviews"), vec![id.to_string(), page.to_string()])
        );
        prop_assert_eq!(recognize(&routes::offsets(delta)), (Some("offsets"), vec![delta.to_string()]));
    }

    #[test]
    fn string_helpers_route_back(slug in segment_text(), version in any::<u8>()) {
        // A slug that reads as a number or as `new` belongs to the earlier routes, by design.
        prop_assume!(slug.parse::<u64>().is_err() && slug != "new");
        prop_assert_eq!(
            recognize(&routes::products::by_slug(&slug)),
            (Some("products.by_slug"), vec![slug.clone()])
        );
        prop_assert_eq!(
            recognize(&routes::api::tags(version, &slug)),
            (Some("api.tags"), vec![version.to_string(), slug])
        );
    }

    #[test]
    fn wildcard_helpers_route_back(parts in prop::collection::vec("[^/]{1,8}", 1..4)) {
        let path = parts.join("/");
        prop_assert_eq!(recognize(&routes::files(&path)), (Some("files"), vec![path]));
    }

    #[test]
    fn constrained_helpers_route_back(code in "[A-Z]{3}", on in any::<bool>()) {
        prop_assert_eq!(recognize(&routes::codes(&code)), (Some("codes"), vec![code]));
        prop_assert_eq!(recognize(&routes::flags(on)), (Some("flags"), vec![on.to_string()]));
    }

    #[test]
    fn matching_never_panics(path in "/[\\PC/%]{0,40}", method in "[A-Z]{1,8}") {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let _ = Shop::recognize(&method, &path);
    }

    #[test]
    fn dispatch_answers_arbitrary_requests_without_a_server_error(
        path in "/[a-z0-9/%._~-]{0,40}",
        method in prop::sample::select(vec!["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let client = TestClient::new(Shop::new(()));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let status = runtime.block_on(client.request(method, &path).send()).status();
        prop_assert!(!status.is_server_error(), "{path} answered {status}");
    }
}

#[test]
fn the_root_helper_is_the_root() {
    assert_eq!(recognize(&routes::home()), (Some("home"), vec![]));
    assert_eq!(
        recognize(&routes::products::create()),
        (Some("products.create"), vec![])
    );
}
