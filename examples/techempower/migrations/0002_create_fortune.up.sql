-- The TechEmpower `Fortune` table, as shared/bench/tfb-db.sql creates it.
CREATE TABLE fortune (
    id integer NOT NULL PRIMARY KEY,
    message varchar(2048) NOT NULL
);
