//! The extractor impls of [`Valid`] for `Json`, `Form` and `Query`.

use garde::Validate;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::rejection::{Answer, ValidationRejection};
use super::{Valid, ValidationContext, flatten};
use crate::error_pages::{FieldErrors, Format};
use crate::extract::{Context, FromRequest, FromRequestParts, ViaRequest, read_body};
use crate::middleware::Session;
use crate::{Body, Form, Json, Query, Request};

/// Runs garde's rules, then the context's async rules when those pass.
async fn validate<T, S>(value: &T, state: &S) -> Result<(), FieldErrors>
where
    T: Validate,
    T::Context: ValidationContext<S, T>,
{
    let context = T::Context::from_state(state);
    value.validate_with(&context).map_err(|r| flatten(&r))?;
    context
        .validate_async(value, state)
        .await
        .map_err(|r| flatten(&r))
}

impl<Cx, T> FromRequest<Cx, ViaRequest> for Valid<Json<T>>
where
    Cx: Context,
    T: DeserializeOwned + Validate + Send + Sync,
    T::Context: ValidationContext<Cx::State, T>,
{
    type Rejection = ValidationRejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, ValidationRejection> {
        let Json(value) = Json::<T>::from_request(req, cx).await?;
        validate(&value, cx.state())
            .await
            .map_err(|errors| ValidationRejection::invalid(errors, Answer::Page(Format::Json)))?;
        Ok(Valid(Json(value)))
    }
}

impl<Cx, T> FromRequestParts<Cx> for Valid<Query<T>>
where
    Cx: Context,
    T: DeserializeOwned + Validate + Send + Sync,
    T::Context: ValidationContext<Cx::State, T>,
{
    type Rejection = ValidationRejection;

    async fn from_request_parts(parts: &mut Parts, cx: &Cx) -> Result<Self, ValidationRejection> {
        let Query(value) = Query::<T>::from_request_parts(parts, cx).await?;
        let format = Format::negotiate(&parts.headers);
        validate(&value, cx.state())
            .await
            .map_err(|errors| ValidationRejection::invalid(errors, Answer::Page(format)))?;
        Ok(Valid(Query(value)))
    }
}

impl<Cx, T> FromRequest<Cx, ViaRequest> for Valid<Form<T>>
where
    Cx: Context,
    T: DeserializeOwned + Validate + Send + Sync,
    T::Context: ValidationContext<Cx::State, T>,
{
    type Rejection = ValidationRejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, ValidationRejection> {
        let format = Format::negotiate(req.headers());
        let (parts, body) = req.into_parts();
        // The raw fields are kept to flash the old input; `Form` decodes the same bytes.
        let mut probe = Request::new(body);
        *probe.headers_mut() = parts.headers.clone();
        let bytes = read_body(probe, cx.body_limit()).await?;
        let back = (format != Format::Json)
            .then(|| parts.extensions.get::<Session>().cloned())
            .flatten()
            .map(|session| (session, super::rejection::back_location(&parts)));
        let req = Request::from_parts(parts, Body::full(bytes.clone()));
        let Form(value) = Form::<T>::from_request(req, cx).await?;
        validate(&value, cx.state()).await.map_err(|errors| {
            let answer = match back {
                Some((session, location)) => Answer::Back {
                    session,
                    location,
                    form: bytes,
                },
                None => Answer::Page(format),
            };
            ValidationRejection::invalid(errors, answer)
        })?;
        Ok(Valid(Form(value)))
    }
}
