//! OpenAPI 3.1 documents generated from an app's routes and its handlers' types.
//!
//! An app that declares `openapi = "/openapi.json";` in `app!` gets an `openapi()` function
//! that builds the document, and serves it at that path. Each route becomes an operation: its
//! path parameters are typed from the template, its request body and query parameters come from
//! the handler's extractors ([`OperationInput`]), its responses from the handler's return type
//! ([`OperationOutput`]) and its middleware ([`DescribeMiddleware`]), and the error answers Galaxy itself gives (400, 404, 413, 415, 422)
//! are listed where they can happen. Schemas are JSON Schema draft 2020-12, from
//! [`schemars`](crate::schemars).
//!
//! Only apps that ask for a document need these traits on their extractors and return types.

mod describe;
mod document;
mod input;
mod middleware;
mod output;

pub use describe::DescribeHandler;
pub use document::{OpenApi, Operation, PathParam, PathParamKind};
pub use input::OperationInput;
pub use middleware::DescribeMiddleware;
pub use output::OperationOutput;

#[doc(hidden)]
pub use describe::describe;
#[doc(hidden)]
pub use middleware::{Described, MiddlewareProbe, Undescribed};
