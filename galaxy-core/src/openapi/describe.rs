//! Describing a handler: its extractors and its return type, with the same inference the
//! dispatcher uses to call it.

use std::future::Future;

use super::{Operation, OperationInput, OperationOutput};
use crate::Handler;
use crate::extract::Context;

/// A handler whose arguments and return type can be described in an OpenAPI operation.
///
/// Implemented for every [`Handler`] whose arguments implement [`OperationInput`] and whose
/// return type implements [`OperationOutput`]; you never implement it yourself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be described in the app's OpenAPI document",
    label = "an argument or the return type of this handler has no OpenAPI description",
    note = "with `openapi = \"...\"` in `app!`, every handler argument must implement `OperationInput` and the return type `OperationOutput`",
    note = "`Json<T>`, `Form<T>`, `Query<T>` and `Valid<..>` of them need `T: JsonSchema` (`#[derive(galaxy_core::schemars::JsonSchema)]`)"
)]
pub trait DescribeHandler<Cx, Args> {
    /// Adds the handler's parameters, body and responses to `op`.
    fn describe(&self, op: &mut Operation<'_>);
}

impl<F, Fut, R, Cx> DescribeHandler<Cx, ()> for F
where
    F: Fn() -> Fut,
    Fut: Future<Output = R>,
    R: OperationOutput,
{
    fn describe(&self, op: &mut Operation<'_>) {
        R::describe(op);
    }
}

macro_rules! describe_impl {
    ([$($head:ident $marker:ident),*], $last:ident) => {
        impl<F, Fut, R, Cx, M, $($head, $marker,)* $last> DescribeHandler<Cx, (M, $($head, $marker,)* $last,)> for F
        where
            F: Fn($($head,)* $last) -> Fut,
            Fut: Future<Output = R>,
            R: OperationOutput,
            $($head: OperationInput,)*
            $last: OperationInput,
        {
            fn describe(&self, op: &mut Operation<'_>) {
                $(<$head as OperationInput>::describe(op);)*
                <$last as OperationInput>::describe(op);
                R::describe(op);
            }
        }
    };
}

describe_impl!([], T1);
describe_impl!([T1 M1], T2);
describe_impl!([T1 M1, T2 M2], T3);
describe_impl!([T1 M1, T2 M2, T3 M3], T4);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4], T5);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5], T6);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6], T7);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7], T8);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8], T9);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9], T10);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9, T10 M10], T11);
describe_impl!([T1 M1, T2 M2, T3 M3, T4 M4, T5 M5, T6 M6, T7 M7, T8 M8, T9 M9, T10 M10, T11 M11], T12);

/// Describes `handler` as the route whose context is `Cx`: the `Handler` bound picks `Args`
/// exactly as `call_handler` does, so the description is of the impl that serves the route.
pub fn describe<Cx, Args, H>(handler: &H, op: &mut Operation<'_>)
where
    Cx: Context,
    H: Handler<Cx, Args> + DescribeHandler<Cx, Args>,
{
    DescribeHandler::<Cx, Args>::describe(handler, op);
}
