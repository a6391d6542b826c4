-- The moderation log lives in audit_log: each entry also names the space it happened in and the
-- member it was about, so space moderators and members can be shown their part of it, and the
-- message a moderator sent to the author.
ALTER TABLE audit_log ADD COLUMN category_id INTEGER NULL;
ALTER TABLE audit_log ADD COLUMN subject_user_id INTEGER NULL;
ALTER TABLE audit_log ADD COLUMN message TEXT NULL;
CREATE INDEX audit_log_category_idx ON audit_log (category_id, id);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_user_id, id);

-- Who is working on a review-queue item. The key names the item (post-12, member-3, appeal-5).
CREATE TABLE moderation_claims (
    item_key TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claimed_at TIMESTAMP NOT NULL
);

-- Reasons admins prepare for moderators to pick from.
CREATE TABLE moderation_reasons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL UNIQUE,
    created_by INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

-- A member's appeal against one moderation decision (one per decision).
CREATE TABLE appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    audit_id INTEGER NOT NULL UNIQUE REFERENCES audit_log (id),
    appellant_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'overturned')),
    decided_by INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    decided_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX appeals_status_idx ON appeals (status, id);
