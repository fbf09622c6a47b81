-- The TechEmpower `World` table, as shared/bench/tfb-db.sql creates it.
CREATE TABLE world (
    id integer NOT NULL PRIMARY KEY,
    randomnumber integer NOT NULL DEFAULT 0
);
