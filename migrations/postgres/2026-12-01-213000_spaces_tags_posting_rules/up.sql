-- Tags on threads, the watched-word rules admins keep, and slow mode on threads.
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, tag_id)
);
CREATE INDEX thread_tags_tag_idx ON thread_tags (tag_id, thread_id);

CREATE TABLE watched_words (
    id BIGSERIAL PRIMARY KEY,
    pattern TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('word', 'phrase', 'regex')),
    action TEXT NOT NULL CHECK (action IN ('block', 'hold', 'flag')),
    note TEXT NULL,
    message TEXT NULL,
    created_by BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX watched_words_kind_pattern ON watched_words (kind, pattern);

-- 0 means off; otherwise a member waits this many seconds between their posts in the thread.
ALTER TABLE threads ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;

-- The posting rate limit counts a member's recent posts.
CREATE INDEX posts_author_created_idx ON posts (author_id, created_at);
