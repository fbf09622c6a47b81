DROP TABLE bench_comments;
DROP TABLE bench_posts;
