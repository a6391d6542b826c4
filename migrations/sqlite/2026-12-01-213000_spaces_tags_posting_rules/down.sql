DROP INDEX posts_author_created_idx;
ALTER TABLE threads DROP COLUMN slow_mode_seconds;
DROP TABLE watched_words;
DROP TABLE thread_tags;
DROP TABLE tags;
