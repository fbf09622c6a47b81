//! Extractors for pieces of the request head.

use std::convert::Infallible;

use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri, Version};

use super::{Context, FromRequestParts};

macro_rules! clone_from_parts {
    ($($ty:ty => $field:ident),+ $(,)?) => {$(
        impl<Cx: Context> FromRequestParts<Cx> for $ty {
            type Rejection = Infallible;

            async fn from_request_parts(parts: &mut Parts, _: &Cx) -> Result<Self, Infallible> {
                Ok(parts.$field.clone())
            }
        }
    )+};
}

clone_from_parts! {
    HeaderMap => headers,
    Method => method,
    Uri => uri,
    Version => version,
    Extensions => extensions,
}
