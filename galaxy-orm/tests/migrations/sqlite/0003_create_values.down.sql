DROP TABLE orm_values;
