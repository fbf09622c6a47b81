// The handler takes a `Bound<Author>`, but its route binds no `Author`.
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
        GET "/authors/{id: i64}" => show, public;
    }
}

async fn show(author: Bound<Author>) -> String {
    author.name.clone()
}

fn main() {}
