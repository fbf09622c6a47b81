/// One row of an app's route table, as `App::routes()` publishes it (for listings such as a
/// `routes` CLI command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    /// The HTTP method, e.g. `"GET"`.
    pub method: &'static str,
    /// The full path template, group prefixes included, e.g. `"/api/users/{id: u64}"`.
    pub path: &'static str,
    /// The route's name (`posts.show`), if it has one.
    pub name: Option<&'static str>,
    /// The route's authorization decision.
    pub authorization: Authorization,
    /// The handler, as written in the route declaration.
    pub handler: &'static str,
}

/// The authorization decision every route declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization {
    /// `public`: anyone may call it.
    Public,
    /// `authorize = check`: the named check decides.
    Check(&'static str),
}

/// The route a method and path resolve to, with its path parameters in their display form:
/// what the matcher decided, for tests and tooling (the request path does not use it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognized {
    /// The route.
    pub route: &'static RouteInfo,
    /// The parsed parameters, in template order, formatted with `Display`.
    pub params: Vec<String>,
}
