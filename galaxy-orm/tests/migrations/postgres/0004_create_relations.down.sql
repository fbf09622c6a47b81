DROP TABLE orm_comments;
DROP TABLE orm_videos;
DROP TABLE orm_post_tags;
DROP TABLE orm_tags;
