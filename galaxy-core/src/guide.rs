//! The guides in `docs/` and the README, compiled as doctests so that every example in them
//! builds and runs: an example that stops compiling fails `cargo test`, not a reader.
//!
//! Only `cargo test --doc` reads these files (`cfg(doctest)`), so a normal build does not need
//! them and the crate still packages on its own.

#[doc = include_str!("../../README.md")]
#[allow(dead_code)]
struct Readme;

#[doc = include_str!("../../docs/getting-started.md")]
#[allow(dead_code)]
struct GettingStarted;

#[doc = include_str!("../../docs/routing.md")]
#[allow(dead_code)]
struct Routing;

#[doc = include_str!("../../docs/middleware.md")]
#[allow(dead_code)]
struct MiddlewareGuide;

#[doc = include_str!("../../docs/security.md")]
#[allow(dead_code)]
struct SecurityGuide;

#[doc = include_str!("../../docs/forms.md")]
#[allow(dead_code)]
struct FormsGuide;

#[doc = include_str!("../../docs/assets.md")]
#[allow(dead_code)]
struct AssetsGuide;

#[doc = include_str!("../../docs/validation.md")]
#[allow(dead_code)]
struct ValidationGuide;

#[doc = include_str!("../../docs/views.md")]
#[allow(dead_code)]
struct ViewsGuide;

#[doc = include_str!("../../docs/openapi.md")]
#[allow(dead_code)]
struct OpenApiGuide;
