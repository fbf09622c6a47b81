DROP TABLE world;
