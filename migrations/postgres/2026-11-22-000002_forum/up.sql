-- Spaces (regional communities and topic spaces), threads, posts and their revisions, and the
-- outbox the search indexer follows.
CREATE TABLE categories (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('region', 'topic')),
    position INTEGER NOT NULL DEFAULT 0,
    pre_moderated BOOLEAN NOT NULL DEFAULT FALSE,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE category_moderators (
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (category_id, user_id)
);

CREATE TABLE threads (
    id BIGSERIAL PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES categories (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('discussion', 'question')),
    status TEXT NOT NULL CHECK (status IN ('visible', 'held', 'hidden', 'deleted')),
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    accepted_post_id BIGINT NULL,
    reply_count INTEGER NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX threads_category_activity_idx ON threads (category_id, pinned, last_activity_at);

CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    reply_to_id BIGINT NULL REFERENCES posts (id),
    is_first BOOLEAN NOT NULL DEFAULT FALSE,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('visible', 'held', 'hidden', 'deleted')),
    held_reason TEXT NULL,
    redacted BOOLEAN NOT NULL DEFAULT FALSE,
    helpful_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP NULL
);
CREATE INDEX posts_thread_idx ON posts (thread_id, id);
CREATE INDEX posts_author_idx ON posts (author_id, id);
CREATE INDEX posts_status_idx ON posts (status, id);

CREATE TABLE post_revisions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    editor_id BIGINT NOT NULL REFERENCES users (id),
    body_markdown TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, id);

CREATE TABLE search_outbox (
    id BIGSERIAL PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The seven NHS England regional communities and the topic spaces.
INSERT INTO categories (slug, name, description, kind, position, created_at, updated_at) VALUES
    ('north-east-yorkshire', 'North East and Yorkshire', 'Mental health social workers, AMHPs and professional leads across the North East and Yorkshire region.', 'region', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('north-west', 'North West', 'The North West regional community: practice, supervision and AMHP services across the region.', 'region', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('midlands', 'Midlands', 'The Midlands regional community for mental health social work in NHS, independent and integrated services.', 'region', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('east-of-england', 'East of England', 'The East of England regional community: share practice and ask colleagues across the region.', 'region', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('london', 'London', 'The London regional community for mental health social workers and their professional leads.', 'region', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('south-east', 'South East', 'The South East regional community: practice examples, questions and regional news.', 'region', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('south-west', 'South West', 'The South West regional community for mental health social work.', 'region', 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('amhp-practice', 'AMHP practice', 'Approved Mental Health Professional practice: Mental Health Act assessments, AMHP services and the AMHP service standards.', 'topic', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('practice-supervision', 'Practice supervision', 'Supervision of practice: models, quality, and the practice supervision programme.', 'topic', 8, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('trauma-informed-practice', 'Trauma-informed practice', 'Trauma-informed practice and the capabilities the development programme builds.', 'topic', 9, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('forensic-social-supervision', 'Forensic social work and social supervision', 'Forensic social work and social supervision of conditionally discharged restricted patients (section 37/41).', 'topic', 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('mca-best-interests', 'Mental Capacity Act and best interests', 'The Mental Capacity Act, best interests assessment and deprivation of liberty.', 'topic', 11, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('workforce-leadership-cpd', 'Workforce, leadership and CPD', 'Workforce planning, leadership, continuing professional development and senior social work leadership.', 'topic', 12, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('asye-newly-qualified', 'ASYE and newly qualified social workers', 'The assessed and supported year in employment and support for newly qualified social workers.', 'topic', 13, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
