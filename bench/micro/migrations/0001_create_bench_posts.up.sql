CREATE TABLE bench_posts (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    views BIGINT NOT NULL,
    published BOOLEAN NOT NULL
);
CREATE TABLE bench_comments (
    id BIGINT PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES bench_posts (id),
    body TEXT NOT NULL
);
