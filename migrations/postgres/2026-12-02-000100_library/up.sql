-- The knowledge base: resources with their revisions and status history, collections in
-- sections, attachments with content-addressed versions and extracted text, practice examples
-- members submit, and the external-link checks behind the curator dashboard.
CREATE TABLE resources (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('guidance', 'toolkit', 'framework', 'report', 'video', 'training', 'practice_example', 'template')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    source_org TEXT NULL,
    -- JSON array of names, in order.
    authors TEXT NOT NULL DEFAULT '[]',
    audience TEXT NULL,
    external_url TEXT NULL,
    published_on DATE NULL,
    review_by DATE NULL,
    owner_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    superseded_by_id BIGINT NULL REFERENCES resources (id) ON DELETE SET NULL,
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    -- The forum thread where the resource is discussed, once there is one.
    discussion_thread_id BIGINT NULL REFERENCES threads (id) ON DELETE SET NULL,
    -- The number of the latest revision.
    revision INTEGER NOT NULL DEFAULT 1,
    -- When the owner was last reminded that the review is due (one reminder per due date).
    review_reminded_for DATE NULL,
    created_by BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resources_status_kind_idx ON resources (status, kind, updated_at);
CREATE INDEX resources_review_by_idx ON resources (review_by);

-- Topics are the forum's topic spaces.
CREATE TABLE resource_topics (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (resource_id, category_id)
);
CREATE INDEX resource_topics_category_idx ON resource_topics (category_id, resource_id);

-- Regions use the same slugs as members' regions (north-west, london, ...).
CREATE TABLE resource_regions (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    region TEXT NOT NULL,
    PRIMARY KEY (resource_id, region)
);
CREATE INDEX resource_regions_region_idx ON resource_regions (region, resource_id);

-- Tags are the forum's tags.
CREATE TABLE resource_tags (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (resource_id, tag_id)
);
CREATE INDEX resource_tags_tag_idx ON resource_tags (tag_id, resource_id);

-- Every change is a revision: a JSON snapshot of the editable fields after the change.
CREATE TABLE resource_revisions (
    id BIGSERIAL PRIMARY KEY,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    note TEXT NULL,
    author_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (resource_id, number)
);

CREATE TABLE resource_status_changes (
    id BIGSERIAL PRIMARY KEY,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resource_status_changes_resource_idx ON resource_status_changes (resource_id, id);

CREATE TABLE collections (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    intro_markdown TEXT NOT NULL,
    intro_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    owner_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE collection_sections (
    id BIGSERIAL PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    intro_markdown TEXT NOT NULL DEFAULT '',
    intro_html TEXT NOT NULL DEFAULT ''
);
CREATE INDEX collection_sections_collection_idx ON collection_sections (collection_id, position);

CREATE TABLE collection_items (
    id BIGSERIAL PRIMARY KEY,
    section_id BIGINT NOT NULL REFERENCES collection_sections (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    note TEXT NULL
);
CREATE INDEX collection_items_section_idx ON collection_items (section_id, position);
CREATE INDEX collection_items_resource_idx ON collection_items (resource_id);

-- An attachment is a named file on a resource; each upload is a version, the newest current.
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_resource_idx ON attachments (resource_id, position);

CREATE TABLE attachment_versions (
    id BIGSERIAL PRIMARY KEY,
    attachment_id BIGINT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    -- The sanitised file name downloads carry.
    file_name TEXT NOT NULL,
    -- The type found from the content (pdf, docx, odt, xlsx, pptx, png, jpeg) and its MIME type.
    file_type TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- Hex SHA-256 of the content; the object store key is derived from it.
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at TIMESTAMP NOT NULL,
    -- pending until the extractor has run; then done, failed, or none (images).
    extract_status TEXT NOT NULL CHECK (extract_status IN ('pending', 'done', 'failed', 'none')),
    extract_error TEXT NULL,
    -- Pages separated by form feeds (U+000C): page n is the nth part.
    extracted_text TEXT NULL,
    page_count INTEGER NULL,
    extracted_at TIMESTAMP NULL,
    UNIQUE (attachment_id, version)
);
CREATE INDEX attachment_versions_extract_idx ON attachment_versions (extract_status, id);

CREATE TABLE practice_examples (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('in_review', 'changes_requested', 'published', 'declined')),
    title TEXT NOT NULL,
    setting TEXT NOT NULL,
    region TEXT NOT NULL,
    -- The topic space the discussion thread opens in.
    topic_id BIGINT NULL REFERENCES categories (id) ON DELETE SET NULL,
    challenge TEXT NOT NULL,
    what_we_did TEXT NOT NULL,
    legal_framework TEXT NULL,
    outcomes TEXT NOT NULL,
    learning TEXT NOT NULL,
    contact TEXT NULL,
    -- JSON array of what the case-information guard found at the last submission.
    case_information TEXT NOT NULL DEFAULT '[]',
    -- The published resource, once there is one.
    resource_id BIGINT NULL REFERENCES resources (id) ON DELETE SET NULL,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX practice_examples_status_idx ON practice_examples (status, submitted_at);
CREATE INDEX practice_examples_author_idx ON practice_examples (author_id, id);

-- Each submission and each curator decision, with its message.
CREATE TABLE practice_example_events (
    id BIGSERIAL PRIMARY KEY,
    practice_example_id BIGINT NOT NULL REFERENCES practice_examples (id) ON DELETE CASCADE,
    actor_id BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL CHECK (action IN ('submit', 'resubmit', 'publish', 'request_changes', 'decline')),
    message TEXT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX practice_example_events_example_idx ON practice_example_events (practice_example_id, id);

-- The latest check of each resource's external URL.
CREATE TABLE link_checks (
    resource_id BIGINT PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    ok BOOLEAN NOT NULL,
    http_status INTEGER NULL,
    error TEXT NULL,
    checked_at TIMESTAMP NOT NULL
);
