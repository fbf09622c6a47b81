use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::Model;

#[derive(Debug, Model)]
#[galaxy(migrations = "../migrations", timestamps)]
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub titel: String,
    #[galaxy(fillable)]
    pub body: Option<String>,
    pub published: bool,
    pub author_id: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn main() {}
