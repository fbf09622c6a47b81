// `by nmae`: the model has no such column.
use galaxy_core::prelude::*;
use galaxy_orm::{Db, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Author {
    pub id: i64,
    pub name: String,
}

galaxy_core::app! {
    app = Blog;
    state = Db;
    routes {
        GET "/authors/{author: Author by nmae}" => show, public;
    }
}

async fn show(author: Bound<Author>) -> String {
    author.name.clone()
}

fn main() {}
