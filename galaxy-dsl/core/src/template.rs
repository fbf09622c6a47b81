//! Path templates: `"/users/{id: u64}/posts/{slug: String ~ [a-z0-9-]+}/{*rest}"`.
//!
//! A template is a sequence of `/`-separated segments. A segment is either literal text or one
//! parameter filling the whole segment:
//!
//! - `{name}`: a string (percent-decoded, non-empty);
//! - `{name: TYPE}`: `String`, `bool` or an integer type (`u8`..`u128`, `i8`..`i128`, `usize`,
//!   `isize`); the segment must parse as that type or the route does not match;
//! - `{name ~ REGEX}` or `{name: String ~ REGEX}`: a string the regex must match whole;
//! - `{*name}`: the rest of the path (last segment only).
//!
//! The parser works on plain `&str` and reports byte ranges, so the fuzz target and unit tests
//! call it without a compiler; [`crate::app()`] turns the ranges into spans.

use std::fmt;
use std::ops::Range;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The segments, in order; empty for `/`.
    pub segments: Vec<Segment>,
}

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text that must match exactly.
    Literal(String),
    /// A typed parameter.
    Param(Param),
    /// `{*name}`: the rest of the path.
    Wildcard(String),
}

/// A typed parameter segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub name: String,
    /// Its type.
    pub ty: ParamType,
    /// A regex the whole (decoded) segment must match, for string parameters.
    pub regex: Option<String>,
    /// The model the segment binds to (`{post: Post}`), looked up before the handler runs; the
    /// segment itself matches as a `String`.
    pub bind: Option<Binding>,
}

/// A route model binding: `{post: Post}` by primary key, `{post: Post by slug}` by a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The model's type path as written, e.g. `Post` or `models::Post`.
    pub model: String,
    /// The unique column looked up instead of the primary key.
    pub by: Option<String>,
}

impl Binding {
    /// `Post`, `models::Post`, `Post by slug`; `None` for what is not a type path starting with
    /// an uppercase name (parameter types such as `u64` are lowercase).
    fn parse(text: &str) -> Option<Result<Self, (&'static str, String)>> {
        let mut words = text.split_whitespace();
        let model = words.next()?;
        let last = model.rsplit("::").next()?;
        if !last.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        if !model.split("::").all(is_identifier) {
            return Some(Err(("not a type path", model.to_owned())));
        }
        let by = match (words.next(), words.next(), words.next()) {
            (None, ..) => None,
            (Some("by"), Some(column), None) if is_identifier(column) => Some(column.to_owned()),
            (Some("by"), Some(column), None) => {
                return Some(Err(("not a column name", column.to_owned())));
            }
            _ => {
                return Some(Err((
                    "expected `by <column>` after the model",
                    text.to_owned(),
                )));
            }
        };
        Some(Ok(Self {
            model: model.to_owned(),
            by,
        }))
    }
}

/// The types a path parameter can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `String` (also written `str`).
    String,
    /// `bool`: `true` or `false`.
    Bool,
    /// An unsigned integer of this many bits (`usize` counts as 64).
    Unsigned(u8, &'static str),
    /// A signed integer of this many bits (`isize` counts as 64).
    Signed(u8, &'static str),
}

/// The integer and other type names a parameter may declare.
pub const KNOWN_TYPES: &str =
    "String, bool, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize";

impl ParamType {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "String" | "str" => Self::String,
            "bool" => Self::Bool,
            "u8" => Self::Unsigned(8, "u8"),
            "u16" => Self::Unsigned(16, "u16"),
            "u32" => Self::Unsigned(32, "u32"),
            "u64" => Self::Unsigned(64, "u64"),
            "u128" => Self::Unsigned(128, "u128"),
            "usize" => Self::Unsigned(64, "usize"),
            "i8" => Self::Signed(8, "i8"),
            "i16" => Self::Signed(16, "i16"),
            "i32" => Self::Signed(32, "i32"),
            "i64" => Self::Signed(64, "i64"),
            "i128" => Self::Signed(128, "i128"),
            "isize" => Self::Signed(64, "isize"),
            _ => return None,
        })
    }

    /// The Rust type name.
    pub fn rust_name(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Bool => "bool",
            Self::Unsigned(_, name) | Self::Signed(_, name) => name,
        }
    }

    /// `true` when every segment this type accepts, `self` accepts too.
    pub fn accepts_all_of(self, other: Self) -> bool {
        match (self, other) {
            (Self::String, _) => true,
            (Self::Bool, Self::Bool) => true,
            (Self::Unsigned(a, _), Self::Unsigned(b, _)) => a >= b,
            (Self::Signed(a, _), Self::Signed(b, _)) => a >= b,
            (Self::Signed(a, _), Self::Unsigned(b, _)) => a > b,
            _ => false,
        }
    }
}

impl Param {
    /// `true` when every segment `other` accepts, `self` accepts too (regexes compared as
    /// written: only an unconstrained or identical constraint is known to cover another).
    pub fn accepts_all_of(&self, other: &Param) -> bool {
        match (&self.regex, &other.regex) {
            (None, _) => self.ty.accepts_all_of(other.ty),
            (Some(a), Some(b)) => a == b && self.ty == other.ty,
            (Some(_), None) => false,
        }
    }

    /// The same parameter pattern (names aside): two routes with equal patterns share one path.
    pub fn same_pattern(&self, other: &Param) -> bool {
        self.ty == other.ty && self.regex == other.regex
    }
}

impl Segment {
    /// The parameter's name, for parameter and wildcard segments.
    pub fn param_name(&self) -> Option<&str> {
        match self {
            Self::Literal(_) => None,
            Self::Param(p) => Some(&p.name),
            Self::Wildcard(name) => Some(name),
        }
    }

    /// Same pattern, names aside.
    pub fn same_pattern(&self, other: &Segment) -> bool {
        match (self, other) {
            (Self::Literal(a), Self::Literal(b)) => a == b,
            (Self::Param(a), Self::Param(b)) => a.same_pattern(b),
            (Self::Wildcard(_), Self::Wildcard(_)) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Template {
    /// The canonical form, e.g. `/users/{id: u64}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for segment in &self.segments {
            f.write_str("/")?;
            match segment {
                Segment::Literal(text) => f.write_str(text)?,
                Segment::Param(p) => {
                    write!(f, "{{{}", p.name)?;
                    if let Some(bind) = &p.bind {
                        write!(f, ": {}", bind.model)?;
                        if let Some(column) = &bind.by {
                            write!(f, " by {column}")?;
                        }
                    } else if p.ty != ParamType::String || p.regex.is_none() {
                        write!(f, ": {}", p.ty.rust_name())?;
                    }
                    if let Some(regex) = &p.regex {
                        write!(f, " ~ {regex}")?;
                    }
                    f.write_str("}")?;
                }
                Segment::Wildcard(name) => write!(f, "{{*{name}}}")?,
            }
        }
        Ok(())
    }
}

/// A template error: what is wrong, how to fix it, and where (a byte range of the template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong (lowercase, code in backticks).
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where, as a byte range of the template text.
    pub range: Range<usize>,
}

impl TemplateError {
    fn new(range: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: help.into(),
            range,
        }
    }

    /// The template with a caret line under the offending range, for messages on compilers
    /// that cannot point inside a string literal.
    pub fn excerpt(&self, template: &str) -> String {
        let start = template[..self.range.start.min(template.len())]
            .chars()
            .count();
        let width = template
            .get(self.range.clone())
            .map_or(1, |s| s.chars().count().max(1));
        format!(
            "\"{template}\"\n {}{}",
            " ".repeat(start),
            "^".repeat(width)
        )
    }
}

/// RFC 3986 `pchar`s other than `%` (templates hold decoded text; a literal needing encoding
/// has no business in a route).
fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// Parses a template. `allow_root` accepts `/` alone (routes may be `/`, and so may a group).
pub fn parse(template: &str) -> Result<Template, TemplateError> {
    if !template.starts_with('/') {
        let first = template.chars().next().map_or(0, char::len_utf8);
        return Err(TemplateError::new(
            0..first,
            "a path template must start with `/`",
            format!("write `/{template}`"),
        ));
    }
    if template == "/" {
        return Ok(Template {
            segments: Vec::new(),
        });
    }
    if template.ends_with('/') {
        return Err(TemplateError::new(
            template.len() - 1..template.len(),
            "a path template must not end with `/`",
            format!(
                "write `{}`; requests for the path with a trailing slash are redirected to it",
                template.trim_end_matches('/')
            ),
        ));
    }
    let mut segments = Vec::new();
    let mut start = 1;
    for raw in template[1..].split('/') {
        let range = start..start + raw.len();
        start = range.end + 1;
        let segment = parse_segment(raw, range.clone())?;
        if matches!(segments.last(), Some(Segment::Wildcard(_))) {
            return Err(TemplateError::new(
                range,
                "a wildcard `{*name}` must be the last segment",
                "move the wildcard to the end of the template",
            ));
        }
        segments.push(segment);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut offset = 1;
    for (segment, raw) in segments.iter().zip(template[1..].split('/')) {
        if let Some(name) = segment.param_name() {
            if seen.contains(&name) {
                return Err(TemplateError::new(
                    offset..offset + raw.len(),
                    format!("the parameter `{name}` appears twice in this template"),
                    "give each parameter its own name",
                ));
            }
            seen.push(name);
        }
        offset += raw.len() + 1;
    }
    Ok(Template { segments })
}

fn parse_segment(raw: &str, range: Range<usize>) -> Result<Segment, TemplateError> {
    if raw.is_empty() {
        return Err(TemplateError::new(
            range.start.saturating_sub(1)..range.start + 1,
            "a path template must not contain an empty segment (`//`)",
            "remove the extra `/`",
        ));
    }
    let Some(open) = raw.find('{') else {
        if let Some(close) = raw.find('}') {
            let at = range.start + close;
            return Err(TemplateError::new(
                at..at + 1,
                "unmatched `}` in path template",
                "parameters are written `{name}` or `{name: type}`",
            ));
        }
        if let Some((i, c)) = raw.char_indices().find(|&(_, c)| !is_literal_char(c)) {
            let at = range.start + i;
            return Err(TemplateError::new(
                at..at + c.len_utf8(),
                format!("`{c}` cannot appear in a path template"),
                "use letters, digits and `-._~!$&'()*+,;=:@`; a route matches the decoded path",
            ));
        }
        return Ok(Segment::Literal(raw.to_owned()));
    };
    if open != 0 {
        let at = range.start;
        return Err(TemplateError::new(
            at..at + raw.len(),
            "a parameter must fill a whole path segment",
            "split the segment at a `/`, e.g. `/files/{name}` rather than `/files/report-{name}`",
        ));
    }
    let close = matching_brace(raw).ok_or_else(|| {
        TemplateError::new(
            range.clone(),
            "unclosed `{` in path template",
            "close the parameter with `}`",
        )
    })?;
    if close != raw.len() - 1 {
        return Err(TemplateError::new(
            range.clone(),
            "a parameter must fill a whole path segment",
            "put literal text in a segment of its own, between `/`s",
        ));
    }
    parse_param(&raw[1..close], range.start + 1)
}

/// The index of the `}` that closes the `{` at index 0, counting nested braces (regexes such
/// as `[0-9]{4}` contain them).
fn matching_brace(raw: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in raw.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_param(inner: &str, offset: usize) -> Result<Segment, TemplateError> {
    let whole = offset..offset + inner.len();
    if let Some(name) = inner.strip_prefix('*') {
        let name = name.trim();
        if !is_identifier(name) {
            return Err(TemplateError::new(
                whole,
                format!("`{name}` is not a valid parameter name"),
                "a wildcard is written `{*rest}`",
            ));
        }
        return Ok(Segment::Wildcard(name.to_owned()));
    }
    let (head, regex) = match inner.split_once('~') {
        Some((head, regex)) => (head, Some(regex.trim())),
        None => (inner, None),
    };
    let (name, ty) = match head.split_once(':') {
        Some((name, ty)) => (name.trim(), Some(ty.trim())),
        None => (head.trim(), None),
    };
    if !is_identifier(name) {
        let message = if name.is_empty() {
            "a parameter needs a name".to_owned()
        } else {
            format!("`{name}` is not a valid parameter name")
        };
        return Err(TemplateError::new(
            whole,
            message,
            "name parameters like Rust variables, e.g. `{id: u64}`",
        ));
    }
    let colon = head.find(':').unwrap_or(0);
    let bind = match ty
        .filter(|name| ParamType::from_name(name).is_none())
        .and_then(Binding::parse)
    {
        None => None,
        Some(Ok(bind)) => Some(bind),
        Some(Err((what, text))) => {
            let start = offset + head.find(text.as_str()).unwrap_or(colon);
            return Err(TemplateError::new(
                start..start + text.len().max(1),
                format!("`{text}`: {what}"),
                "bind a model as `{post: Post}` (by primary key) or `{post: Post by slug}` (by a unique column)",
            ));
        }
    };
    let ty = match ty {
        None => ParamType::String,
        Some(_) if bind.is_some() => ParamType::String,
        Some(ty_name) => ParamType::from_name(ty_name).ok_or_else(|| {
            let after = &head[colon + 1..];
            let start = offset + colon + 1 + (after.len() - after.trim_start().len());
            TemplateError::new(
                start..start + ty_name.len().max(1),
                if ty_name.is_empty() {
                    "a parameter type is missing after `:`".to_owned()
                } else {
                    format!("unknown path parameter type `{ty_name}`")
                },
                format!("use one of: {KNOWN_TYPES}; or a model to bind, e.g. `{{post: Post}}`"),
            )
        })?,
    };
    let regex = match regex {
        None => None,
        Some("") => {
            return Err(TemplateError::new(
                whole,
                "a regex constraint is missing after `~`",
                "write the constraint after `~`, e.g. `{slug ~ [a-z0-9-]+}`",
            ));
        }
        Some(_) if bind.is_some() => {
            return Err(TemplateError::new(
                whole,
                "a bound model parameter takes no regex constraint",
                "drop the constraint: a segment that names no row answers 404",
            ));
        }
        Some(pattern) => {
            if ty != ParamType::String {
                return Err(TemplateError::new(
                    whole,
                    format!(
                        "a regex constraint applies to `String` parameters, not `{}`",
                        ty.rust_name()
                    ),
                    "drop the type (string parameters need none) or the constraint",
                ));
            }
            if let Err(err) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                let start = offset + inner.find(pattern).unwrap_or(0);
                let first_line = err.to_string();
                let reason = first_line.lines().last().unwrap_or("invalid regex").trim();
                return Err(TemplateError::new(
                    start..start + pattern.len(),
                    format!("invalid regex constraint `{pattern}`: {reason}"),
                    "the constraint uses the `regex` crate's syntax and must match the whole segment",
                ));
            }
            Some(pattern.to_owned())
        }
    };
    Ok(Segment::Param(Param {
        name: name.to_owned(),
        ty,
        regex,
        bind,
    }))
}

/// Joins a group prefix and a route template (both already parsed).
pub fn join(prefix: &Template, route: &Template) -> Template {
    Template {
        segments: prefix
            .segments
            .iter()
            .chain(&route.segments)
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn param(name: &str, ty: ParamType) -> Segment {
        Segment::Param(Param {
            name: name.into(),
            ty,
            regex: None,
            bind: None,
        })
    }

    #[test]
    fn parses_literals_params_and_wildcards() {
        let t = parse("/users/{id: u64}/files/{*path}").unwrap();
        assert_eq!(
            t.segments,
            vec![
                Segment::Literal("users".into()),
                param("id", ParamType::Unsigned(64, "u64")),
                Segment::Literal("files".into()),
                Segment::Wildcard("path".into()),
            ]
        );
        assert_eq!(t.to_string(), "/users/{id: u64}/files/{*path}");
        assert_eq!(parse("/").unwrap().segments, vec![]);
    }

    #[test]
    fn model_types_bind_and_match_as_strings() {
        let t = parse("/posts/{post: Post}/by/{a: models::Author by slug}").unwrap();
        let binds: Vec<_> = t
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) => Some((p.ty, p.bind.clone().unwrap())),
                _ => None,
            })
            .collect();
        assert_eq!(binds[0].0, ParamType::String);
        assert_eq!(binds[0].1.model, "Post");
        assert_eq!(binds[0].1.by, None);
        assert_eq!(binds[1].1.model, "models::Author");
        assert_eq!(binds[1].1.by.as_deref(), Some("slug"));
        assert_eq!(parse(&t.to_string()).unwrap(), t);
        // Built-in type names are not models.
        assert_eq!(parse("/{n: String}").unwrap(), parse("/{n}").unwrap());
    }

    #[test]
    fn malformed_bindings_are_reported() {
        for template in [
            "/{post: Post by}",
            "/{post: Post by 1x}",
            "/{post: Post with slug}",
            "/{post: Po-st}",
            "/{post: Post ~ [0-9]+}",
        ] {
            assert!(parse(template).is_err(), "{template}");
        }
    }

    #[test]
    fn regexes_may_contain_braces() {
        let t = parse("/years/{year ~ [0-9]{4}}").unwrap();
        let Segment::Param(p) = &t.segments[1] else {
            panic!("expected a parameter")
        };
        assert_eq!(p.regex.as_deref(), Some("[0-9]{4}"));
        assert_eq!(p.ty, ParamType::String);
    }

    fn error(template: &str) -> (String, String) {
        let err = parse(template).unwrap_err();
        (err.message.clone(), template[err.range].to_owned())
    }

    #[test]
    fn reports_what_and_where() {
        assert_eq!(
            error("/users/{id"),
            ("unclosed `{` in path template".into(), "{id".into())
        );
        assert_eq!(
            error("/users/{id: u65}"),
            ("unknown path parameter type `u65`".into(), "u65".into())
        );
        assert_eq!(error("/a//b").1, "//");
        assert_eq!(error("users").0, "a path template must start with `/`");
        assert_eq!(error("/users/").0, "a path template must not end with `/`");
        assert_eq!(error("/a/{*rest}/b").1, "b");
        assert_eq!(
            error("/a/{x}/{x}").0,
            "the parameter `x` appears twice in this template"
        );
        assert_eq!(error("/a b").1, " ");
        assert_eq!(
            error("/f/x{y}").0,
            "a parameter must fill a whole path segment"
        );
        assert_eq!(error("/s/{slug ~ [a-}").1, "[a-");
        assert_eq!(
            error("/n/{n: u8 ~ [0-9]+}").0,
            "a regex constraint applies to `String` parameters, not `u8`"
        );
        assert_eq!(error("/a/}").0, "unmatched `}` in path template");
    }

    #[test]
    fn type_coverage_follows_value_ranges() {
        let u64 = ParamType::Unsigned(64, "u64");
        let u32 = ParamType::Unsigned(32, "u32");
        let i64 = ParamType::Signed(64, "i64");
        assert!(ParamType::String.accepts_all_of(u64));
        assert!(u64.accepts_all_of(u32));
        assert!(!u32.accepts_all_of(u64));
        assert!(i64.accepts_all_of(u32));
        assert!(!i64.accepts_all_of(u64));
        assert!(!u64.accepts_all_of(ParamType::String));
    }

    proptest! {
        #[test]
        fn never_panics_and_errors_point_inside(template in "\\PC{0,40}") {
            if let Err(err) = parse(&template) {
                prop_assert!(err.range.end <= template.len());
                prop_assert!(template.is_char_boundary(err.range.start));
                prop_assert!(template.is_char_boundary(err.range.end));
                let _ = err.excerpt(&template);
            }
        }

        #[test]
        fn canonical_form_reparses_to_the_same_template(template in "(/([a-z]{1,5}|\\{[a-z]{1,4}(: (u64|i32|bool|String))?\\})){0,5}") {
            let template = if template.is_empty() { "/".to_owned() } else { template };
            if let Ok(parsed) = parse(&template) {
                prop_assert_eq!(parse(&parsed.to_string()).unwrap(), parsed);
            }
        }
    }
}
