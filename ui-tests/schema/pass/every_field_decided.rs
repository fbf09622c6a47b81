//! A schema whose every field made a decision, used by `Valid` on JSON, form and query routes,
//! one of them with a context that runs async rules.
use galaxy_core::prelude::*;
use galaxy_core::validation::ValidationContext;
use garde::Validate;
use serde::Deserialize;

#[derive(Deserialize, Validate)]
pub struct NewPost {
    #[garde(length(min = 1, max = 200))]
    pub title: String,
    #[garde(skip)]
    pub draft: bool,
    #[garde(dive)]
    pub author: Author,
}

#[derive(Deserialize, Validate)]
pub struct Author {
    #[garde(email)]
    pub email: String,
}

#[derive(Deserialize, Validate)]
#[garde(context(Rules))]
pub struct Unique {
    #[garde(length(min = 1))]
    pub slug: String,
}

pub struct Rules;

impl ValidationContext<(), Unique> for Rules {
    fn from_state(_: &()) -> Self {
        Rules
    }
}

galaxy_core::app! {
    app = Blog;
    routes {
        POST "/posts" => store_json, public;
        POST "/posts/form" => store_form, public;
        GET "/posts" => index, public;
        POST "/slugs" => slug, public;
    }
}

async fn store_json(Valid(Json(post)): Valid<Json<NewPost>>) -> String {
    post.title
}

async fn store_form(Valid(Form(post)): Valid<Form<NewPost>>) -> String {
    post.title
}

async fn index(Valid(Query(post)): Valid<Query<Author>>) -> String {
    post.email
}

async fn slug(Valid(Json(unique)): Valid<Json<Unique>>) -> String {
    unique.slug
}

fn main() {
    let _ = Blog::new(());
}
