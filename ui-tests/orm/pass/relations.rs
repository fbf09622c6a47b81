//! Many-to-many with a pivot model, polymorphic relations and nested eager loading compile
//! with the types they load.
use galaxy_orm::{Db, Model, Relation};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", has_many(posts = Post))]
pub struct Author {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
#[galaxy(belongs_to_many(tags = Tag, pivot = PostTag))]
#[galaxy(morph_many(comments = Comment, name = "commentable"))]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub author_id: Option<i64>,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct Tag {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations")]
pub struct PostTag {
    pub id: i64,
    pub post_id: i64,
    pub tag_id: i64,
    pub role: Option<String>,
}

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", morph_to(commentable))]
pub struct Comment {
    pub id: i64,
    pub commentable_type: String,
    pub commentable_id: i64,
    pub body: String,
}

type Loaded = Vec<(Author, Vec<(Post, (Vec<(Tag, PostTag)>, Vec<Comment>))>)>;

async fn load(db: &Db) -> galaxy_orm::Result<Loaded> {
    Author::query()
        .with(author::posts.with((post::tags, post::comments)))
        .all(db)
        .await
}

async fn owners(db: &Db) -> galaxy_orm::Result<Vec<(Comment, Option<Post>)>> {
    Comment::query()
        .with(comment::commentable.of::<Post>())
        .all(db)
        .await
}

fn main() {
    let _ = (load, owners);
}
