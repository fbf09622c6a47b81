use std::fmt;

/// A URL made by a generated URL helper (`routes::posts::show(7)`): a path, group prefixes
/// included, with every parameter percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Url(String);

impl Url {
    #[doc(hidden)]
    pub fn from_generated(path: String) -> Self {
        Self(path)
    }

    /// The URL as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Adds a query string (already encoded, without the `?`).
    #[must_use]
    pub fn with_query(mut self, query: &str) -> Self {
        if !query.is_empty() {
            self.0.push('?');
            self.0.push_str(query);
        }
        self
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Url {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Url> for String {
    fn from(url: Url) -> String {
        url.0
    }
}

impl PartialEq<str> for Url {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Url {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl maud::Render for Url {
    fn render_to(&self, buffer: &mut String) {
        self.0.as_str().render_to(buffer);
    }
}

impl serde::Serialize for Url {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}
