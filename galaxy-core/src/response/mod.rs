//! Responses: the [`IntoResponse`] conversion and the response types handlers return.

mod html;
mod into_response;
mod json;
mod redirect;

pub use html::Html;
pub use into_response::{IntoResponse, IntoResponseParts, ResponseParts};
pub use json::Json;
pub use redirect::Redirect;

/// The response type every handler's return value is turned into.
pub type Response<B = crate::Body> = http::Response<B>;
