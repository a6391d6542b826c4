-- Watching threads and spaces, "helpful" marks on posts, and each member's e-mail choice for
-- notifications.

-- A row per member and thread they have an opinion about: watching = FALSE records an explicit
-- unwatch, so starting or replying in the thread again does not watch it again.
CREATE TABLE thread_watches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    watching BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX thread_watches_thread_idx ON thread_watches (thread_id, watching);

CREATE TABLE category_watches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, category_id)
);
CREATE INDEX category_watches_category_idx ON category_watches (category_id);

-- One mark per member per post; posts.helpful_count is kept equal to the number of rows.
CREATE TABLE post_helpful (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_helpful_user_idx ON post_helpful (user_id, post_id);

-- No row means the default: a daily digest.
CREATE TABLE notification_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL DEFAULT 'daily' CHECK (email IN ('immediate', 'daily', 'off')),
    last_digest_at TIMESTAMP NULL,
    updated_at TIMESTAMP NOT NULL
);
