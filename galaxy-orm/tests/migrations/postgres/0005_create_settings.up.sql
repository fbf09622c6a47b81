CREATE TABLE orm_settings (
    id BIGSERIAL PRIMARY KEY,
    prefs TEXT NOT NULL,
    extra TEXT,
    price BIGINT NOT NULL
);
