//! `Multipart`: `multipart/form-data` bodies, with file parts streamed to temp files.
//!
//! The body is parsed by [`multer`] as it arrives. Text fields are kept in memory (each up to
//! a small limit); file parts are written chunk by chunk to temp files and never held whole in
//! memory. Every limit is checked while the body streams in, so an oversize or endless body is
//! refused after reading at most the limit. The temp files belong to the extracted value: when
//! the request ends, or when parsing fails half-way, they are removed.

mod file;
mod limits;

pub use file::UploadedFile;
pub use limits::{
    DEFAULT_MAX_PARTS, DEFAULT_MAX_TEXT_SIZE, DefaultLimits, MultipartConfig, MultipartLimits,
};

use std::fmt;
use std::marker::PhantomData;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;

use super::{Context, FromRequest, Rejection, ViaRequest};
use crate::Body;
use crate::body::BodyTimeout;
use crate::request::Request;

/// A `multipart/form-data` body: its text fields, and its files already stored in temp files.
///
/// `C` chooses the [limits](MultipartLimits) (see [`MultipartConfig`]); the total size defaults
/// to the route's `body_limit`. It answers:
///
/// - `415` when the request is not `multipart/form-data`, or a file's type is not allowed;
/// - `400` when the boundary is missing, the body is malformed or cut short, a part has no
///   name, or a text field is not UTF-8;
/// - `413` when the body, a file or a text field is over its limit, or there are too many parts;
/// - `408` when the client stops sending the body.
///
/// [`fields`](Self::fields) deserializes the text fields into a type, like [`Form`](super::Form).
///
/// # Example
///
/// ```
/// use galaxy_core::extract::Multipart;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Uploads;
///     routes {
///         POST "/upload" => upload, public, body_limit = 10 * 1024 * 1024;
///     }
/// }
///
/// #[derive(serde::Deserialize)]
/// struct Caption {
///     title: String,
/// }
///
/// async fn upload(form: Multipart) -> Result<String> {
///     let caption: Caption = form.fields()?;
///     let file = form.file("photo").ok_or_else(|| Error::status(StatusCode::UNPROCESSABLE_ENTITY, "a photo is required"))?;
///     Ok(format!("{}: {} ({} bytes)", caption.title, file.file_name(), file.size()))
/// }
///
/// # #[tokio::main] async fn main() {
/// let body = "--XyZ\r\n\
///     Content-Disposition: form-data; name=\"title\"\r\n\r\n\
///     Holidays\r\n\
///     --XyZ\r\n\
///     Content-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\n\
///     Content-Type: image/jpeg\r\n\r\n\
///     JPEGDATA\r\n\
///     --XyZ--\r\n";
/// let res = TestClient::new(Uploads::new(()))
///     .post("/upload")
///     .header("content-type", "multipart/form-data; boundary=XyZ")
///     .body(body)
///     .send()
///     .await;
/// assert_eq!(res.text(), "Holidays: beach.jpg (8 bytes)");
/// # }
/// ```
pub struct Multipart<C: MultipartConfig = DefaultLimits> {
    texts: Vec<(String, String)>,
    files: Vec<UploadedFile>,
    json: bool,
    config: PhantomData<fn() -> C>,
}

impl<C: MultipartConfig> fmt::Debug for Multipart<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("texts", &self.texts)
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl<C: MultipartConfig> Multipart<C> {
    /// The first text field called `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every text field, as `(name, value)` in the order they came.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first file sent as field `name`.
    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|file| file.field == name)
    }

    /// Every file, in the order they came.
    pub fn files(&self) -> &[UploadedFile] {
        &self.files
    }

    /// Takes the first file sent as field `name` out, e.g. to
    /// [`persist`](UploadedFile::persist) it.
    pub fn take_file(&mut self, name: &str) -> Option<UploadedFile> {
        let at = self.files.iter().position(|file| file.field == name)?;
        Some(self.files.remove(at))
    }

    /// The text fields deserialized into `T`, with the rules of [`Form`](super::Form)
    /// (repeated names, `Option` fields, numbers from text); `422` when they do not fit.
    pub fn fields<T: DeserializeOwned>(&self) -> Result<T, Rejection> {
        let invalid = |err: &dyn fmt::Display| {
            Rejection::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("invalid form fields: {err}"),
                self.json,
            )
        };
        let encoded = serde_urlencoded::to_string(&self.texts).map_err(|e| invalid(&e))?;
        serde_urlencoded::from_str(&encoded).map_err(|e| invalid(&e))
    }
}

impl<C: MultipartConfig> Multipart<C> {
    /// Parses a multipart body under `C`'s limits, with `body_limit` as the total size unless
    /// the limits set one. This is what the extractor runs; it is public for tests and fuzzing.
    pub async fn from_body(
        headers: &HeaderMap,
        body: Body,
        body_limit: usize,
    ) -> Result<Self, Rejection> {
        let limits = C::limits();
        let json = super::wants_json(headers);
        let reject = |status, message: String| Rejection::new(status, message, json);
        let total = limits.max_total_size.unwrap_or(body_limit as u64);

        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok());
        let Some(content_type) = content_type.filter(|m| m.essence_str() == "multipart/form-data")
        else {
            return Err(reject(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected a request with `Content-Type: multipart/form-data`".to_owned(),
            ));
        };
        let Some(boundary) = content_type.get_param(mime::BOUNDARY) else {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "the `multipart/form-data` content type has no `boundary` parameter".to_owned(),
            ));
        };
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > total) {
            return Err(too_large_body(total, json));
        }

        let constraints = multer::Constraints::new().size_limit(
            multer::SizeLimit::new()
                .whole_stream(total)
                .per_field(limits.max_file_size.unwrap_or(total)),
        );
        let mut parser = multer::Multipart::with_constraints(
            body.into_data_stream(),
            boundary.as_str(),
            constraints,
        );
        let mut form = Self {
            texts: Vec::new(),
            files: Vec::new(),
            json,
            config: PhantomData,
        };
        let mut parts = 0usize;
        // On any early return, `form` drops, and with it every temp file written so far.
        while let Some(field) = parser
            .next_field()
            .await
            .map_err(|e| parse_error(e, json))?
        {
            parts += 1;
            if parts > limits.max_parts {
                return Err(reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "the multipart body has more than {} parts",
                        limits.max_parts
                    ),
                ));
            }
            let Some(name) = field.name().filter(|n| !n.is_empty()).map(str::to_owned) else {
                return Err(reject(
                    StatusCode::BAD_REQUEST,
                    "a multipart part has no `name` in its `Content-Disposition`".to_owned(),
                ));
            };
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    if let Some(file) = store_file(field, name, file_name, &limits, json).await? {
                        form.files.push(file);
                    }
                }
                None => {
                    let value = read_text(field, &name, &limits, json).await?;
                    form.texts.push((name, value));
                }
            }
        }
        Ok(form)
    }
}

impl<Cx: Context, C: MultipartConfig> FromRequest<Cx, ViaRequest> for Multipart<C> {
    type Rejection = Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Rejection> {
        let (parts, body) = req.into_parts();
        Self::from_body(&parts.headers, body, cx.body_limit()).await
    }
}

/// Writes a file part to a temp file, chunk by chunk. `None` for the empty part a browser sends
/// for a file input left empty (no file name): there is no file.
async fn store_file(
    mut field: multer::Field<'static>,
    name: String,
    file_name: String,
    limits: &MultipartLimits,
    json: bool,
) -> Result<Option<UploadedFile>, Rejection> {
    let reject = |status, message: String| Rejection::new(status, message, json);
    if file_name.is_empty() {
        while field
            .chunk()
            .await
            .map_err(|e| parse_error(e, json))?
            .is_some()
        {}
        return Ok(None);
    }
    let content_type = field.content_type().cloned();
    let type_allowed = content_type
        .as_ref()
        .map_or(limits.allowed_types.is_empty(), |m| limits.allows(m));
    if !type_allowed {
        let sent = content_type
            .as_ref()
            .map_or("no content type".to_owned(), |m| {
                format!("`{}`", m.essence_str())
            });
        return Err(reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "the file `{name}` has {sent}; allowed: {}",
                limits.allowed_list()
            ),
        ));
    }
    let storage_failed = |err: std::io::Error| {
        tracing::error!(error = %err, "could not write an upload to a temp file");
        reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not store the upload".to_owned(),
        )
    };
    let temp = match &limits.temp_dir {
        Some(dir) => tempfile::NamedTempFile::new_in(dir),
        None => tempfile::NamedTempFile::new(),
    }
    .map_err(storage_failed)?;
    let (file, path) = temp.into_parts();
    // From here on `path` deletes the file when it drops, whichever way this function ends.
    let mut file = tokio::fs::File::from_std(file);
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(|e| parse_error(e, json))? {
        size += chunk.len() as u64;
        if let Some(max) = limits.max_file_size.filter(|&max| size > max) {
            return Err(reject(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file `{name}` is larger than the limit of {max} bytes"),
            ));
        }
        file.write_all(&chunk).await.map_err(storage_failed)?;
    }
    // A tokio file may still hold the last write in flight: finish it before anyone reads.
    file.flush().await.map_err(storage_failed)?;
    Ok(Some(UploadedFile {
        field: name,
        file_name,
        content_type,
        size,
        path,
    }))
}

/// Reads a text field into memory, up to its limit; `400` when it is not UTF-8.
async fn read_text(
    mut field: multer::Field<'static>,
    name: &str,
    limits: &MultipartLimits,
    json: bool,
) -> Result<String, Rejection> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| parse_error(e, json))? {
        if bytes.len() + chunk.len() > limits.max_text_size {
            return Err(Rejection::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the field `{name}` is longer than the limit of {} bytes",
                    limits.max_text_size
                ),
                json,
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            format!("the field `{name}` is not valid UTF-8"),
            json,
        )
    })
}

fn too_large_body(limit: u64, json: bool) -> Rejection {
    Rejection::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("request body is larger than the limit of {limit} bytes"),
        json,
    )
}

/// The 4xx for what the parser found wrong.
fn parse_error(err: multer::Error, json: bool) -> Rejection {
    match err {
        multer::Error::StreamSizeExceeded { limit } => too_large_body(limit, json),
        multer::Error::FieldSizeExceeded { limit, field_name } => Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the part `{}` is larger than the limit of {limit} bytes",
                field_name.unwrap_or_default()
            ),
            json,
        ),
        multer::Error::StreamReadFailed(err) if err.downcast_ref::<BodyTimeout>().is_some() => {
            Rejection::new(
                StatusCode::REQUEST_TIMEOUT,
                "the request body stopped arriving",
                json,
            )
        }
        multer::Error::StreamReadFailed(err) => {
            tracing::debug!(error = %err, "failed to read a multipart body");
            Rejection::new(
                StatusCode::BAD_REQUEST,
                "failed to read the request body",
                json,
            )
        }
        other => Rejection::new(
            StatusCode::BAD_REQUEST,
            format!("malformed multipart body: {other}"),
            json,
        ),
    }
}
