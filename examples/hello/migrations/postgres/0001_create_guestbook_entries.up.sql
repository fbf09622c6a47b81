-- The guestbook in PostgreSQL: the same table as `../0001_create_guestbook_entries.up.sql`.
CREATE TABLE guestbook_entries (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(60) NOT NULL,
    email VARCHAR(254) NOT NULL UNIQUE,
    message TEXT NOT NULL
);
