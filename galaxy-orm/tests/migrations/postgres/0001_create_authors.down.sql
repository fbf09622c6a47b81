DROP TABLE orm_authors;
