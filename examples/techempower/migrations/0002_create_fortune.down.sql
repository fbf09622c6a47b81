DROP TABLE fortune;
