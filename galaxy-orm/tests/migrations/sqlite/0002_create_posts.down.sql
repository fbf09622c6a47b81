DROP TABLE orm_posts;
