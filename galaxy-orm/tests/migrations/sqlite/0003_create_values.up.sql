CREATE TABLE orm_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flag BOOLEAN NOT NULL,
    small INTEGER NOT NULL,
    big BIGINT NOT NULL,
    ratio DOUBLE PRECISION NOT NULL,
    text TEXT NOT NULL,
    bytes BLOB NOT NULL,
    at TIMESTAMP NOT NULL,
    maybe_int BIGINT,
    maybe_text TEXT
);
