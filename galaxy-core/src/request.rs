//! The request type handlers and extractors see.

/// An HTTP request with Galaxy's [`Body`](crate::Body).
pub type Request<B = crate::Body> = http::Request<B>;
