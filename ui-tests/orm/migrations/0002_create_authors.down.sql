ALTER TABLE posts DROP COLUMN author_id; DROP TABLE authors;
