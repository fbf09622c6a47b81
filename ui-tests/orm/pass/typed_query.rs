use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Dialect, Model};

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", timestamps)]
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub title: String,
    #[galaxy(fillable)]
    pub body: Option<String>,
    pub published: bool,
    pub author_id: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn main() {
    let query = Post::query()
        .filter(post::published.eq(true))
        .filter(post::title.like("%rust%").or(post::body.is_null()))
        .filter(post::author_id.eq(7))
        .order_by(post::created_at.desc())
        .limit(20);
    let sql = query.select_sql(Dialect::Postgres);
    assert!(sql.text.starts_with("SELECT \"id\", \"title\""), "{}", sql.text);
    assert!(sql.text.ends_with("ORDER BY \"created_at\" DESC LIMIT $4"), "{}", sql.text);
    assert_eq!(sql.args.len(), 4);

    let input = NewPost { title: "hello".into(), body: None };
    assert_eq!(<Post as Model>::input_values(input).len(), 2);
}
