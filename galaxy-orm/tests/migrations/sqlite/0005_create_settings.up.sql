CREATE TABLE orm_settings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    prefs TEXT NOT NULL,
    extra TEXT,
    price BIGINT NOT NULL
);
