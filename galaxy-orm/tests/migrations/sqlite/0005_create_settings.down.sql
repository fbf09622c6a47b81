DROP TABLE orm_settings;
