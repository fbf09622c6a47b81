// In an app with an OpenAPI document, a custom extractor must say what it reads:
// `Tenant` implements `FromRequestParts` but not `OperationInput`.
use galaxy_core::FromRequestParts;
use galaxy_core::extract::{Context, Rejection};
use galaxy_core::http::request::Parts;
use galaxy_core::prelude::*;

struct Tenant(String);

impl<Cx: Context> FromRequestParts<Cx> for Tenant {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Rejection> {
        let value = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok());
        Ok(Tenant(value.unwrap_or_default().to_owned()))
    }
}

async fn home(Tenant(name): Tenant) -> String {
    name
}

galaxy_core::app! {
    app = Shop;
    openapi = "/openapi.json";
    routes {
        GET "/" => home, public;
    }
}

fn main() {}
