DROP TABLE comments;
DROP TABLE post_tags;
DROP TABLE tags;
