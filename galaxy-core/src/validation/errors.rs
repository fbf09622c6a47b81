use garde::Report;

use crate::error_pages::FieldErrors;

/// The key errors of the schema as a whole (an empty path) are listed under.
pub const SCHEMA_KEY: &str = "_schema";

/// garde's report as field → messages: nested paths flattened the way forms name fields
/// (`address.street`, `tags[0]`), errors of the whole schema under `_schema`.
///
/// # Example
///
/// ```
/// use galaxy_core::validation::flatten;
/// use garde::{Path, Report};
///
/// let mut report = Report::new();
/// report.append(Path::new("address").join("street"), garde::Error::new("is empty"));
/// report.append(Path::new("tags").join(0usize), garde::Error::new("too long"));
/// let errors = flatten(&report);
/// assert_eq!(errors["address.street"], ["is empty"]);
/// assert_eq!(errors["tags[0]"], ["too long"]);
/// ```
pub fn flatten(report: &Report) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (path, error) in report.iter() {
        let key = path.to_string();
        let key = if key.is_empty() {
            SCHEMA_KEY.to_owned()
        } else {
            key
        };
        errors
            .entry(key)
            .or_default()
            .push(error.message().to_owned());
    }
    errors
}
