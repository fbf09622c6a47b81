//! A request schema field without a validation decision: garde demands a rule, `dive` or
//! `skip` on every field.
use garde::Validate;
use serde::Deserialize;

#[derive(Deserialize, Validate)]
pub struct NewPost {
    #[garde(length(min = 1, max = 200))]
    pub title: String,
    pub body: String,
}

fn main() {}
