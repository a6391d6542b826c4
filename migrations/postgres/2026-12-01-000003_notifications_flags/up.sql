-- In-app notifications: replies, mentions, moderation outcomes, approvals. A row names what it
-- is about; what is shown is re-checked against the recipient's visibility when it is read.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    thread_id BIGINT NULL REFERENCES threads (id) ON DELETE CASCADE,
    post_id BIGINT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    message TEXT NOT NULL,
    read_at TIMESTAMP NULL,
    email_state TEXT NOT NULL DEFAULT 'pending' CHECK (email_state IN ('pending', 'sent', 'skipped')),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_email_idx ON notifications (email_state, id);

-- Flags on posts: raised by members (one per member per post), or by a watched word (no flagger).
CREATE TABLE post_flags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    flagger_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL CHECK (reason IN ('identifies_person', 'disrespectful', 'spam', 'off_topic', 'other', 'watched_word')),
    details TEXT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP NULL,
    outcome TEXT NULL
);
-- NULL flaggers are distinct on both backends, so watched-word flags are not limited to one.
CREATE UNIQUE INDEX post_flags_one_per_member ON post_flags (post_id, flagger_id);
CREATE INDEX post_flags_open_idx ON post_flags (resolved_at, post_id);
