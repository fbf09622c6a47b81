CREATE TABLE orm_settings (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    prefs TEXT NOT NULL,
    extra TEXT,
    price BIGINT NOT NULL
);
