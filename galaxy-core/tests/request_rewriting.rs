//! Middleware of the global chain that act before routing: `NormalizePath`, `MethodOverride`,
//! and `MaintenanceMode`.

use std::sync::LazyLock;

use galaxy_core::middleware::{
    MaintenanceMode, MaintenanceSwitch, MethodOverride, NormalizePath, TrustedProxies,
};
use galaxy_core::prelude::*;

async fn show(Path(id): Path<u64>) -> String {
    format!("post {id}")
}

async fn update(Path(id): Path<u64>, Form(form): Form<Vec<(String, String)>>) -> String {
    format!("updated {id} with {form:?}")
}

async fn destroy(Path(id): Path<u64>) -> String {
    format!("deleted {id}")
}

async fn create() -> &'static str {
    "created"
}

mod redirecting {
    use super::*;

    galaxy_core::app! {
        app = Redirecting;
        chain global = [NormalizePath::redirect()];
        routes {
            GET "/" => create, public;
            GET "/posts/{id: u64}" => show, public;
        }
    }

    #[tokio::test]
    async fn trailing_and_doubled_slashes_redirect_to_the_canonical_path() {
        let client = TestClient::new(Redirecting::new(()));
        let res = client.get("/posts/7/").send().await;
        assert_eq!(res.status(), 308);
        assert_eq!(res.header("location"), Some("/posts/7"));
        let res = client.get("//posts///7?x=1").send().await;
        assert_eq!(
            res.header("location"),
            Some("/posts/7?x=1"),
            "the query is kept"
        );
        assert_eq!(client.get("/posts/7").send().await.text(), "post 7");
        assert_eq!(
            client.get("/").send().await.status(),
            200,
            "the root is left alone"
        );
    }
}

mod rewriting {
    use super::*;

    galaxy_core::app! {
        app = Rewriting;
        chain global = [NormalizePath::rewrite()];
        routes {
            GET "/posts/{id: u64}" => show, public;
        }
    }

    #[tokio::test]
    async fn or_are_served_as_the_canonical_path() {
        let client = TestClient::new(Rewriting::new(()));
        let res = client.get("/posts/7/").send().await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.text(), "post 7");
        assert_eq!(client.get("/posts//8//").send().await.text(), "post 8");
        assert_eq!(client.get("/nope/").send().await.status(), 404);
    }
}

mod overriding {
    use super::*;

    galaxy_core::app! {
        app = Forms;
        chain global = [MethodOverride];
        routes {
            POST "/posts" => create, public;
            PUT "/posts/{id: u64}" => update, public;
            DELETE "/posts/{id: u64}" => destroy, public;
            GET "/posts/{id: u64}" => show, public;
        }
    }

    fn client() -> TestClient<Forms> {
        TestClient::new(Forms::new(()))
    }

    #[tokio::test]
    async fn a_method_field_in_a_post_form_sets_the_method() {
        let res = client()
            .post("/posts/3")
            .form(&[("_method", "delete")])
            .send()
            .await;
        assert_eq!(res.text(), "deleted 3");
    }

    #[tokio::test]
    async fn the_form_is_still_readable_by_the_handler() {
        let res = client()
            .post("/posts/3")
            .form(&[("_method", "PUT"), ("title", "hello")])
            .send()
            .await;
        assert_eq!(res.status(), 200);
        assert!(
            res.text().contains(r#"("title", "hello")"#),
            "{}",
            res.text()
        );
    }

    #[tokio::test]
    async fn the_header_sets_the_method() {
        let res = client()
            .post("/posts/3")
            .header("x-http-method-override", "DELETE")
            .send()
            .await;
        assert_eq!(res.text(), "deleted 3");
    }

    #[tokio::test]
    async fn only_post_and_only_to_put_patch_delete() {
        let client = client();
        let res = client
            .get("/posts/3")
            .header("x-http-method-override", "DELETE")
            .send()
            .await;
        assert_eq!(res.text(), "post 3", "a GET is never overridden");
        let res = client
            .post("/posts")
            .form(&[("_method", "GET")])
            .send()
            .await;
        assert_eq!(res.text(), "created", "a POST cannot become a GET");
        let res = client.post("/posts").form(&[("title", "x")]).send().await;
        assert_eq!(res.text(), "created");
        let res = client.post("/posts").body("_method=DELETE").send().await;
        assert_eq!(res.text(), "created", "only urlencoded forms are read");
    }

    #[tokio::test]
    async fn oversized_forms_get_413() {
        let res = client()
            .post("/posts/3")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'a'; galaxy_core::DEFAULT_BODY_LIMIT + 1])
            .send()
            .await;
        assert_eq!(res.status(), 413);
    }
}

mod maintenance {
    use super::*;

    static SWITCH: LazyLock<MaintenanceSwitch> = LazyLock::new(MaintenanceSwitch::new);

    galaxy_core::app! {
        app = Shop;
        chain global = [
            TrustedProxies::new(["127.0.0.1"]),
            MaintenanceMode::new(SWITCH.clone())
                .allow_ips(["10.0.0.0/8"])
                .bypass_secret("let-me-in")
                .retry_after(600),
        ];
        routes {
            GET "/" => create, public;
        }
    }

    #[tokio::test]
    async fn maintenance_mode_is_toggled_at_run_time() {
        let client = TestClient::new(Shop::new(()));
        assert_eq!(client.get("/").send().await.status(), 200, "off by default");

        SWITCH.enable();
        let res = client.get("/").send().await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.header("retry-after"), Some("600"));
        assert_eq!(
            client.get("/missing").send().await.status(),
            503,
            "every path"
        );

        let res = client
            .get("/")
            .header("x-forwarded-for", "10.1.2.3")
            .send()
            .await;
        assert_eq!(res.status(), 200, "allow-listed addresses pass");
        let res = client
            .get("/")
            .header("x-forwarded-for", "203.0.113.1")
            .send()
            .await;
        assert_eq!(res.status(), 503);

        let res = client
            .get("/")
            .header("x-maintenance-bypass", "let-me-in")
            .send()
            .await;
        assert_eq!(res.status(), 200, "the secret in a header");
        let res = client
            .get("/")
            .header("cookie", "a=b; galaxy_maintenance_bypass=let-me-in")
            .send()
            .await;
        assert_eq!(res.status(), 200, "the secret in a cookie");
        let res = client
            .get("/")
            .header("x-maintenance-bypass", "let-me")
            .send()
            .await;
        assert_eq!(res.status(), 503, "a wrong secret does not pass");

        SWITCH.disable();
        assert_eq!(client.get("/").send().await.status(), 200);
    }
}
