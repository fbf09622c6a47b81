//! A file uploaded in a multipart body, kept in a temp file for as long as the request runs.

use std::io;
use std::path::Path;

use tempfile::TempPath;

/// A file part of a [`Multipart`](super::Multipart) body, already written to a temp file.
///
/// The temp file is removed when this value is dropped, that is when the request ends, unless
/// [`persist`](Self::persist) moves it somewhere first. Its name and content type come from the
/// client: use them for display, never as a path.
///
/// # Example
///
/// ```
/// use galaxy_core::extract::Multipart;
///
/// async fn upload(mut form: Multipart) -> Result<String, galaxy_core::Error> {
///     let Some(avatar) = form.take_file("avatar") else {
///         return Ok("no file".to_owned());
///     };
///     let summary = format!("{} bytes", avatar.size());
///     avatar.persist(std::env::temp_dir().join("avatar.upload")).await?;
///     Ok(summary)
/// }
/// ```
#[derive(Debug)]
pub struct UploadedFile {
    pub(super) field: String,
    pub(super) file_name: String,
    pub(super) content_type: Option<mime::Mime>,
    pub(super) size: u64,
    pub(super) path: TempPath,
}

impl UploadedFile {
    /// The name of the form field it was sent as.
    pub fn field_name(&self) -> &str {
        &self.field
    }

    /// The file name the client gave (untrusted: it may hold `/`, `..` or anything else).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type the client declared, if any (untrusted: it is not sniffed).
    pub fn content_type(&self) -> Option<&mime::Mime> {
        self.content_type.as_ref()
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Where the temp file is, while this value lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the whole file into memory.
    pub async fn bytes(&self) -> io::Result<Vec<u8>> {
        tokio::fs::read(&self.path).await
    }

    /// Moves the file to `dest`, so it outlives the request. A rename when `dest` is on the
    /// same filesystem as the temp directory, a copy otherwise.
    pub async fn persist(self, dest: impl AsRef<Path>) -> io::Result<()> {
        let dest = dest.as_ref().to_owned();
        tokio::task::spawn_blocking(move || match self.path.persist(&dest) {
            Ok(()) => Ok(()),
            // Another filesystem: copy, and let the temp file go when the error drops.
            Err(err) => std::fs::copy(&err.path, &dest).map(drop),
        })
        .await
        .map_err(io::Error::other)?
    }
}
