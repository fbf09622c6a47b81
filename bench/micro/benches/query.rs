//! Building and rendering galaxy-orm queries: what every database call pays before it reaches
//! the driver.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use galaxy_orm::time::OffsetDateTime;
use galaxy_orm::{Dialect, Model};

#[derive(Debug, Model)]
#[galaxy(
    migrations = "../../galaxy-orm/guide/migrations",
    timestamps,
    soft_deletes
)]
pub struct Post {
    pub id: i64,
    #[galaxy(fillable)]
    pub title: String,
    #[galaxy(fillable)]
    pub body: Option<String>,
    pub published: bool,
    pub views: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

fn queries(c: &mut Criterion) {
    let mut group = c.benchmark_group("query");
    group.bench_function("find by key (postgres)", |b| {
        b.iter(|| {
            let sql = Post::query()
                .filter(post::id.eq(black_box(42)))
                .select_sql(Dialect::Postgres);
            black_box(sql)
        });
    });
    group.bench_function("filter + order + limit (postgres)", |b| {
        b.iter(|| {
            let sql = Post::query()
                .filter(post::published.eq(true))
                .filter(post::title.like("%rust%").or(post::body.is_null()))
                .filter(post::views.between(10, 1000))
                .order_by(post::created_at.desc())
                .limit(20)
                .offset(40)
                .select_sql(Dialect::Postgres);
            black_box(sql)
        });
    });
    group.bench_function("filter + order + limit (mysql)", |b| {
        b.iter(|| {
            let sql = Post::query()
                .filter(post::published.eq(true))
                .filter(post::title.like("%rust%").or(post::body.is_null()))
                .order_by(post::created_at.desc())
                .limit(20)
                .select_sql(Dialect::MySql);
            black_box(sql)
        });
    });
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
