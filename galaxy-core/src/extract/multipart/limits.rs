//! How much of a multipart body Galaxy accepts: sizes, part count and upload types.

use std::path::PathBuf;

/// The limits a [`Multipart`](super::Multipart) body is read under.
///
/// Everything over a limit is refused while it streams in, before it is all read: `413` for a
/// size or a part count, `415` for a file of a type that is not allowed.
///
/// # Example
///
/// ```
/// use galaxy_core::extract::MultipartLimits;
///
/// let limits = MultipartLimits::new()
///     .max_file_size(5 * 1024 * 1024)
///     .max_parts(10)
///     .allow_content_type("image/png")
///     .allow_content_type("image/*");
/// assert!(limits.allows(&"image/webp".parse().unwrap()));
/// assert!(!limits.allows(&"application/pdf".parse().unwrap()));
/// ```
#[derive(Debug, Clone)]
pub struct MultipartLimits {
    pub(super) max_file_size: Option<u64>,
    pub(super) max_text_size: usize,
    pub(super) max_total_size: Option<u64>,
    pub(super) max_parts: usize,
    pub(super) allowed_types: Vec<mime::Mime>,
    pub(super) temp_dir: Option<PathBuf>,
}

/// The largest text field by default: text fields are held in memory.
pub const DEFAULT_MAX_TEXT_SIZE: usize = 64 * 1024;
/// The most parts a body may have by default.
pub const DEFAULT_MAX_PARTS: usize = 100;

impl Default for MultipartLimits {
    fn default() -> Self {
        Self {
            max_file_size: None,
            max_text_size: DEFAULT_MAX_TEXT_SIZE,
            max_total_size: None,
            max_parts: DEFAULT_MAX_PARTS,
            allowed_types: Vec::new(),
            temp_dir: None,
        }
    }
}

impl MultipartLimits {
    /// The defaults: files up to the total size, text fields up to 64 KiB, 100 parts, a total
    /// of the route's body limit, any upload type, the system's temp directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest file part, in bytes (by default, only the total size limits it).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = Some(bytes);
        self
    }

    /// The largest text (non-file) field, in bytes. Text fields are held in memory.
    pub fn max_text_size(mut self, bytes: usize) -> Self {
        self.max_text_size = bytes;
        self
    }

    /// The largest whole body, in bytes. By default, the route's `body_limit` (2 MiB unless
    /// the route or the app says otherwise).
    pub fn max_total_size(mut self, bytes: u64) -> Self {
        self.max_total_size = Some(bytes);
        self
    }

    /// The most parts (text fields and files together) a body may have.
    pub fn max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts;
        self
    }

    /// Allows file parts of this content type: `image/png`, or `image/*` for a whole family.
    /// Once one type is allowed, file parts of any other type (or of none) are refused with
    /// `415`. Text fields are not concerned.
    ///
    /// # Panics
    ///
    /// When `pattern` is not a media type: limits are written by the programmer, not a client.
    pub fn allow_content_type(mut self, pattern: &str) -> Self {
        let mime = pattern
            .parse::<mime::Mime>()
            .unwrap_or_else(|err| panic!("`{pattern}` is not a media type: {err}"));
        self.allowed_types.push(mime);
        self
    }

    /// Where uploaded files are written while the request runs (by default, the system's temp
    /// directory). They are removed when the request ends, unless the handler persists them.
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.temp_dir = Some(dir.into());
        self
    }

    /// `true` when a file part of type `content_type` is allowed.
    pub fn allows(&self, content_type: &mime::Mime) -> bool {
        self.allowed_types.is_empty()
            || self.allowed_types.iter().any(|allowed| {
                allowed.type_() == content_type.type_()
                    && (allowed.subtype() == mime::STAR
                        || allowed.subtype() == content_type.subtype())
            })
    }

    /// The allowed types, for error messages.
    pub(super) fn allowed_list(&self) -> String {
        self.allowed_types
            .iter()
            .map(|m| format!("`{}`", m.essence_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Chooses the [`MultipartLimits`] of a [`Multipart`](super::Multipart) extractor: its type
/// parameter, so that each handler states its own limits in its signature.
///
/// # Example
///
/// ```
/// use galaxy_core::extract::{Multipart, MultipartConfig, MultipartLimits};
///
/// /// Avatars: one PNG or JPEG of at most 1 MiB.
/// #[derive(Debug)]
/// pub struct Avatar;
///
/// impl MultipartConfig for Avatar {
///     fn limits() -> MultipartLimits {
///         MultipartLimits::new()
///             .max_file_size(1024 * 1024)
///             .max_parts(4)
///             .allow_content_type("image/png")
///             .allow_content_type("image/jpeg")
///     }
/// }
///
/// async fn upload(form: Multipart<Avatar>) -> String {
///     format!("{} files", form.files().len())
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not choose multipart limits",
    label = "not a `MultipartConfig`",
    note = "implement `galaxy_core::extract::MultipartConfig` for `{Self}`, with `fn limits() -> MultipartLimits`, or use `Multipart` without a parameter for the default limits"
)]
pub trait MultipartConfig: Send + Sync + 'static {
    /// The limits.
    fn limits() -> MultipartLimits;
}

/// The default [`MultipartConfig`]: [`MultipartLimits::default`].
#[derive(Debug, Clone, Copy)]
pub enum DefaultLimits {}

impl MultipartConfig for DefaultLimits {
    fn limits() -> MultipartLimits {
        MultipartLimits::default()
    }
}
