//! Compile-time guarantees of the DSLs: each `fail/` case is one mistake the compiler must
//! reject with the message in its `.stderr`; each `pass/` case must compile.
//!
//! Bless new expectations with `TRYBUILD=overwrite cargo test -p ui-tests`, then read every
//! changed `.stderr`.

#[test]
fn routes() {
    let cases = trybuild::TestCases::new();
    cases.pass("routes/pass/*.rs");
    cases.compile_fail("routes/fail/*.rs");
}

#[test]
fn middleware() {
    let cases = trybuild::TestCases::new();
    cases.pass("middleware/pass/*.rs");
    cases.compile_fail("middleware/fail/*.rs");
}

#[test]
fn orm() {
    let cases = trybuild::TestCases::new();
    cases.pass("orm/pass/*.rs");
    cases.compile_fail("orm/fail/*.rs");
}

#[test]
fn schema() {
    let cases = trybuild::TestCases::new();
    cases.pass("schema/pass/*.rs");
    cases.compile_fail("schema/fail/*.rs");
}

#[test]
fn views() {
    let cases = trybuild::TestCases::new();
    cases.pass("views/pass/*.rs");
    cases.compile_fail("views/fail/*.rs");
}

#[test]
fn openapi() {
    let cases = trybuild::TestCases::new();
    cases.pass("openapi/pass/*.rs");
    cases.compile_fail("openapi/fail/*.rs");
}
