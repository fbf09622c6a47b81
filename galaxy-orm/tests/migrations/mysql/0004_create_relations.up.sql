CREATE TABLE orm_tags (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(50) NOT NULL UNIQUE
) ENGINE = InnoDB;
CREATE TABLE orm_post_tags (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    post_id BIGINT NOT NULL,
    tag_id BIGINT NOT NULL,
    role VARCHAR(50),
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE (post_id, tag_id),
    FOREIGN KEY (post_id) REFERENCES orm_posts (id),
    FOREIGN KEY (tag_id) REFERENCES orm_tags (id)
) ENGINE = InnoDB;
CREATE TABLE orm_videos (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(200) NOT NULL
) ENGINE = InnoDB;
CREATE TABLE orm_comments (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    commentable_type VARCHAR(100) NOT NULL,
    commentable_id BIGINT NOT NULL,
    author_id BIGINT,
    body TEXT NOT NULL,
    INDEX orm_comments_commentable (commentable_type, commentable_id),
    FOREIGN KEY (author_id) REFERENCES orm_authors (id)
) ENGINE = InnoDB;
