DROP TABLE guestbook_entries;
