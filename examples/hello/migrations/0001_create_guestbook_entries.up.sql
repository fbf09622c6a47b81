-- The guestbook, in SQLite (the default database). `migrations/postgres/` and
-- `migrations/mysql/` hold the same table in those databases' SQL.
CREATE TABLE guestbook_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(60) NOT NULL,
    -- Stored in lower case, so this also makes the address case-insensitively unique.
    email VARCHAR(254) NOT NULL UNIQUE,
    message TEXT NOT NULL
);
