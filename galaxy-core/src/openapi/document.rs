//! The document and the operation being described.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

/// An OpenAPI 3.1 document under construction; `app!` builds one for apps that ask for it.
///
/// # Example
///
/// ```
/// use galaxy_core::openapi::OpenApi;
///
/// let mut doc = OpenApi::new("shop", "1.0.0");
/// doc.route("GET", "/health", Some("health"), &[], |op| {
///     op.response("200", "the service is up", Some(("text/plain", serde_json::json!({"type": "string"}))));
/// });
/// let value = doc.into_value();
/// assert_eq!(value["openapi"], "3.1.0");
/// assert_eq!(value["paths"]["/health"]["get"]["operationId"], "health");
/// ```
#[derive(Debug)]
pub struct OpenApi {
    title: String,
    version: String,
    paths: Map<String, Value>,
    generator: SchemaGenerator,
}

/// One path parameter of a route template, as the `app!` expansion describes it.
#[derive(Debug, Clone, Copy)]
pub struct PathParam {
    /// The parameter's name in the template.
    pub name: &'static str,
    /// What values it takes.
    pub kind: PathParamKind,
}

/// The values a path parameter takes, from its declared type.
#[derive(Debug, Clone, Copy)]
pub enum PathParamKind {
    /// A string segment, optionally constrained by a regex the whole segment must match.
    String(Option<&'static str>),
    /// A wildcard: the rest of the path.
    Rest,
    /// `true` or `false`.
    Bool,
    /// An integer of `bits` bits, signed or not.
    Integer {
        /// Its width.
        bits: u8,
        /// Whether it may be negative.
        signed: bool,
    },
}

impl PathParamKind {
    fn schema(self) -> Value {
        match self {
            Self::String(None) => json!({ "type": "string", "minLength": 1 }),
            Self::String(Some(regex)) => {
                json!({ "type": "string", "minLength": 1, "pattern": format!("^(?:{regex})$") })
            }
            Self::Rest => json!({ "type": "string" }),
            Self::Bool => json!({ "type": "boolean" }),
            Self::Integer { bits, signed } => {
                let mut schema = json!({ "type": "integer" });
                match (bits, signed) {
                    (64.., false) => schema["minimum"] = json!(0),
                    (_, false) => {
                        schema["minimum"] = json!(0);
                        schema["maximum"] = json!((1u64 << bits) - 1);
                    }
                    (128.., true) => {}
                    (64, true) => {
                        schema["minimum"] = json!(i64::MIN);
                        schema["maximum"] = json!(i64::MAX);
                    }
                    (_, true) => {
                        schema["minimum"] = json!(-(1i64 << (bits - 1)));
                        schema["maximum"] = json!((1i64 << (bits - 1)) - 1);
                    }
                }
                schema
            }
        }
    }
}

impl OpenApi {
    /// An empty document for the API `title`, version `version`.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        let settings = SchemaSettings::draft2020_12().with(|s| {
            // Shared definitions live where OpenAPI looks for them.
            s.definitions_path = "/components/schemas".into();
        });
        Self {
            title: title.into(),
            version: version.into(),
            paths: Map::new(),
            generator: settings.into_generator(),
        }
    }

    /// Adds the operation `method path`; `describe` fills in its parameters, body and responses.
    /// `path` is a Galaxy template (`/users/{id: u64}`); `params` are its parameters in order.
    pub fn route(
        &mut self,
        method: &str,
        path: &str,
        name: Option<&str>,
        params: &[PathParam],
        describe: impl FnOnce(&mut Operation<'_>),
    ) {
        let mut op = Operation {
            generator: &mut self.generator,
            parameters: Vec::new(),
            request_body: Map::new(),
            responses: Map::new(),
            status_override: None,
        };
        for param in params {
            op.parameters.push(json!({
                "name": param.name,
                "in": "path",
                "required": true,
                "schema": param.kind.schema(),
            }));
        }
        if !params.is_empty() {
            op.error(
                "404",
                "no resource at this path (a parameter that does not parse)",
            );
        }
        describe(&mut op);
        let mut object = Map::new();
        if let Some(name) = name {
            object.insert("operationId".into(), name.into());
        }
        if !op.parameters.is_empty() {
            object.insert("parameters".into(), Value::Array(op.parameters));
        }
        if !op.request_body.is_empty() {
            object.insert(
                "requestBody".into(),
                json!({ "required": true, "content": op.request_body }),
            );
        }
        if op.responses.is_empty() {
            op.responses
                .insert("default".into(), json!({ "description": "any response" }));
        }
        object.insert("responses".into(), Value::Object(op.responses));
        let item = self
            .paths
            .entry(openapi_path(path))
            .or_insert_with(|| Value::Object(Map::new()));
        item[method.to_ascii_lowercase()] = Value::Object(object);
    }

    /// The finished document as JSON.
    pub fn into_value(mut self) -> Value {
        let schemas = self.generator.take_definitions(true);
        let error = error_body_schema();
        json!({
            "openapi": "3.1.0",
            "info": { "title": self.title, "version": self.version },
            "paths": self.paths,
            "components": {
                "schemas": schemas.into_iter().chain([("GalaxyError".to_owned(), error)]).collect::<Map<_, _>>(),
            },
        })
    }
}

/// `/users/{id: u64}` → `/users/{id}`; `{*rest}` → `{rest}`.
fn openapi_path(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let inner = &rest[start + 1..];
        // Regex constraints may hold braces: the parameter ends at the `}` that closes it.
        let mut depth = 0usize;
        let end = inner
            .char_indices()
            .find(|&(_, c)| match c {
                '{' => {
                    depth += 1;
                    false
                }
                '}' if depth == 0 => true,
                '}' => {
                    depth -= 1;
                    false
                }
                _ => false,
            })
            .map_or(inner.len(), |(i, _)| i);
        let name = inner[..end]
            .split([':', '~'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches('*');
        out.push('{');
        out.push_str(name);
        out.push('}');
        rest = inner.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// An `Option` field's schema allows `null`, which a query string cannot say: an absent
/// parameter is its `None`.
fn without_null(mut schema: Value) -> Value {
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema["type"] = only;
        }
    }
    schema
}

/// The JSON body of Galaxy's error answers (see `error_pages`).
fn error_body_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": { "type": "string" },
            "errors": {
                "type": "object",
                "additionalProperties": { "type": "array", "items": { "type": "string" } },
            },
            "request_id": { "type": "string" },
            "detail": { "type": "string" },
        },
    })
}

/// The operation a handler is being described into.
///
/// [`OperationInput`](super::OperationInput) and [`OperationOutput`](super::OperationOutput)
/// impls add to it.
#[derive(Debug)]
pub struct Operation<'a> {
    generator: &'a mut SchemaGenerator,
    parameters: Vec<Value>,
    request_body: Map<String, Value>,
    responses: Map<String, Value>,
    status_override: Option<&'static str>,
}

impl Operation<'_> {
    /// Describes an extractor that may be absent (`Option<E>`, which only head extractors can
    /// be): the parameters it adds are not required.
    pub fn optional(&mut self, describe: impl FnOnce(&mut Self)) {
        let parameters = self.parameters.len();
        describe(self);
        for parameter in &mut self.parameters[parameters..] {
            if parameter["in"] != "path" {
                parameter["required"] = false.into();
            }
        }
    }

    /// The schema of `T`: a `$ref` into `components/schemas` for named types.
    pub fn schema_for<T: JsonSchema + ?Sized>(&mut self) -> Value {
        self.generator.subschema_for::<T>().to_value()
    }

    /// Adds `T`'s fields as query parameters (`T` is an object schema, as `Query<T>` needs).
    pub fn query_parameters<T: JsonSchema + ?Sized>(&mut self) {
        let schema = self.generator.subschema_for::<T>();
        let object = self.resolve(&schema);
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut parameters = Vec::new();
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, schema) in properties {
                let schema = without_null(schema.clone());
                parameters.push(json!({
                    "name": name,
                    "in": "query",
                    "required": required.contains(&name.as_str()),
                    "schema": schema,
                }));
            }
        }
        self.parameters.extend(parameters);
        self.error("400", "the query string does not decode");
    }

    /// The object a schema stands for, following one `$ref` into the definitions.
    fn resolve(&self, schema: &Schema) -> Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                self.generator
                    .definitions()
                    .get(name)
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            None => schema.as_value().clone(),
        }
    }

    /// Accepts a request body of `content_type` with `schema`, and the errors of reading one.
    pub fn request_body(&mut self, content_type: &str, schema: Value) {
        self.request_body
            .insert(content_type.into(), json!({ "schema": schema }));
        self.error("400", "the body is malformed");
        self.error("413", "the body is larger than the route's limit");
        self.error("415", "the body's content type is not one this route reads");
    }

    /// Adds a response; several content types under one status are merged.
    pub fn response(&mut self, status: &str, description: &str, content: Option<(&str, Value)>) {
        let status = self.status_override.unwrap_or(status);
        let entry = self
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| json!({ "description": description }));
        if let Some((content_type, schema)) = content {
            entry["content"][content_type] = json!({ "schema": schema });
        }
    }

    /// Adds a `Location` header to the response `status` (redirects).
    pub fn response_header(&mut self, status: &str, header: &str, description: &str) {
        let status = self.status_override.unwrap_or(status);
        if let Some(entry) = self.responses.get_mut(status) {
            entry["headers"][header] =
                json!({ "description": description, "schema": { "type": "string" } });
        }
    }

    /// One of Galaxy's error answers: JSON, HTML or text, negotiated from `Accept`.
    pub fn error(&mut self, status: &str, description: &str) {
        let string = json!({ "type": "string" });
        self.response(
            status,
            description,
            Some((
                "application/json",
                json!({ "$ref": "#/components/schemas/GalaxyError" }),
            )),
        );
        self.response(status, description, Some(("text/html", string.clone())));
        self.response(status, description, Some(("text/plain", string)));
    }

    /// Describes with every response filed under `status` (e.g. `default` for `(StatusCode, T)`,
    /// whose status is chosen at run time).
    pub fn with_status(&mut self, status: &'static str, describe: impl FnOnce(&mut Self)) {
        let outer = self.status_override.replace(status);
        describe(self);
        self.status_override = outer;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::openapi_path;

    /// One segment of a template: (as Galaxy writes it, as OpenAPI writes it).
    fn segment() -> impl Strategy<Value = (String, String)> {
        let name = "[a-z_][a-z0-9_]{0,8}";
        prop_oneof![
            "[a-z0-9._-]{1,8}".prop_map(|lit| (lit.clone(), lit)),
            (
                name,
                prop::sample::select(vec!["u64", "i8", "bool", "String"])
            )
                .prop_map(|(n, ty)| (format!("{{{n}: {ty}}}"), format!("{{{n}}}"))),
            (name, "[a-z]\\{[0-9],[0-9]\\}|\\d+|[^/{}]{1,3}")
                .prop_map(|(n, re)| (format!("{{{n} ~ {re}}}"), format!("{{{n}}}"))),
            name.prop_map(|n| (format!("{{*{n}}}"), format!("{{{n}}}"))),
        ]
    }

    proptest! {
        /// Every parameter, whatever its type or regex (braces included), becomes `{name}`;
        /// literal segments stay as they are.
        #[test]
        fn parameters_become_their_names(segments in prop::collection::vec(segment(), 1..6)) {
            let template: String = segments.iter().map(|(g, _)| format!("/{g}")).collect();
            let expected: String = segments.iter().map(|(_, o)| format!("/{o}")).collect();
            prop_assert_eq!(openapi_path(&template), expected);
        }
    }

    #[test]
    fn templates_become_openapi_paths() {
        assert_eq!(openapi_path("/"), "/");
        assert_eq!(openapi_path("/users/{id: u64}"), "/users/{id}");
        assert_eq!(
            openapi_path("/a/{slug ~ [a-z]{2,3}}/b/{*rest}"),
            "/a/{slug}/b/{rest}"
        );
    }
}
