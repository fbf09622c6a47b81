//! Handlers: async functions whose arguments are extractors.

use std::future::Future;

use futures_util::FutureExt;

use crate::extract::{Context, FromRequest, FromRequestParts};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// An async function that can answer a route: every argument but the last implements
/// [`FromRequestParts`], the last implements [`FromRequest`] (so it may consume the body), and
/// the return type implements [`IntoResponse`].
///
/// Implemented for functions of up to 12 arguments. The `Args` parameter only keeps the impls
/// for different arities apart; you never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot handle this route",
    label = "this handler's arguments or return type do not fit the route",
    note = "a handler is an `async fn` whose arguments are extractors and whose return type implements `IntoResponse`",
    note = "only the last argument may read the body (`Json`, `Form`, `Bytes`, `String`, `Body`): one body extractor per handler, and it must come last",
    note = "a `Path<T>` argument must match the route's parameters: `{{id: u64}}` is `Path<u64>`, two parameters are `Path<(A, B)>`"
)]
pub trait Handler<Cx, Args>: Send + Sync + 'static {
    /// Extracts the arguments and runs the handler.
    fn call(&self, req: Request, cx: &Cx) -> impl Future<Output = Response> + Send;
}

impl<F, Fut, R, Cx> Handler<Cx, ()> for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send,
    R: IntoResponse,
    Cx: Context,
{
    fn call(&self, req: Request, _cx: &Cx) -> impl Future<Output = Response> + Send {
        // Not an `async fn`: its future would carry the unused request along. Every byte of a
        // handler's future is copied on each move of the futures around it, per request.
        drop(req);
        self().map(IntoResponse::into_response)
    }
}

macro_rules! handler_impl {
    ([$($head:ident $marker:ident),*], $last:ident) => {
        #[allow(non_snake_case, unused_mut)]
        impl<F, Fut, R, Cx, M, $($head, $marker,)* $last> Handler<Cx, (M, $($head, $marker,)* $last,)> for F
        where
            F: Fn($($head,)* $last) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = R> + Send,
            R: IntoResponse,
            Cx: Context,
            $($head: FromRequestParts<Cx, $marker> + Send,)*
            $last: FromRequest<Cx, M> + Send,
        {
            fn call(&self, req: Request, cx: &Cx) -> impl Future<Output = Response> + Send {
                // Split before the async block, which then owns `parts` and `body` once rather
                // than the request and its parts both.
                let (mut parts, body) = req.into_parts();
                async move {
                $(
                    let $head = match $head::from_request_parts(&mut parts, cx).await {
                        Ok(value) => value,
                        Err(rejection) => return rejection.into_response(),
                    };
                )*
                let req = Request::from_parts(parts, body);
                let $last = match $last::from_request(req, cx).await {
                    Ok(value) => value,
                    Err(rejection) => return rejection.into_response(),
                };
                self($($head,)* $last).await.into_response()
                }
            }
        }
    };
}

handler_impl!([], T1);
handler_impl!([T1 M1], T2);
handler_impl!([T1 M1, T2 M2], T3);
handler_impl!([T1 M1, T2 M2, T3 M3], T4);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4], T5);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5], T6);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6], T7);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7], T8);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8], T9);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9], T10);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9, T10 M10], T11);
handler_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9, T10 M10, T11 M11], T12);
