CREATE TABLE orm_tags (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(50) NOT NULL UNIQUE
);
CREATE TABLE orm_post_tags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES orm_posts (id),
    tag_id BIGINT NOT NULL REFERENCES orm_tags (id),
    role VARCHAR(50),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (post_id, tag_id)
);
CREATE TABLE orm_videos (
    id BIGSERIAL PRIMARY KEY,
    title VARCHAR(200) NOT NULL
);
CREATE TABLE orm_comments (
    id BIGSERIAL PRIMARY KEY,
    commentable_type VARCHAR(100) NOT NULL,
    commentable_id BIGINT NOT NULL,
    author_id BIGINT REFERENCES orm_authors (id),
    body TEXT NOT NULL
);
CREATE INDEX orm_comments_commentable ON orm_comments (commentable_type, commentable_id);
