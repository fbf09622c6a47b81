DROP TABLE notes;
DROP TABLE post_tags;
DROP TABLE tags;
