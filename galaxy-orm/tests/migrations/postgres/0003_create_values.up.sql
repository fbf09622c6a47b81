CREATE TABLE orm_values (
    id BIGSERIAL PRIMARY KEY,
    flag BOOLEAN NOT NULL,
    small INTEGER NOT NULL,
    big BIGINT NOT NULL,
    ratio DOUBLE PRECISION NOT NULL,
    text TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    maybe_int BIGINT,
    maybe_text TEXT
);
