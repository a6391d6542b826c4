//! The tables, identical on both backends (migrations/postgres and migrations/sqlite).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        display_name_key -> Text,
        organisation -> Text,
        job_role -> Text,
        region -> Text,
        role -> Text,
        status -> Text,
        email_verified -> Bool,
        suspended_until -> Nullable<Timestamp>,
        suspension_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        public_id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        created_at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        details -> Nullable<Text>,
        category_id -> Nullable<BigInt>,
        subject_user_id -> Nullable<BigInt>,
        message -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        kind -> Text,
        position -> Integer,
        pre_moderated -> Bool,
        archived -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    category_moderators (category_id, user_id) {
        category_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        category_id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        kind -> Text,
        status -> Text,
        locked -> Bool,
        pinned -> Bool,
        accepted_post_id -> Nullable<BigInt>,
        reply_count -> Integer,
        last_activity_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        slow_mode_seconds -> Integer,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        author_id -> BigInt,
        reply_to_id -> Nullable<BigInt>,
        is_first -> Bool,
        body_markdown -> Text,
        body_html -> Text,
        body_text -> Text,
        status -> Text,
        held_reason -> Nullable<Text>,
        redacted -> Bool,
        helpful_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        body_markdown -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> BigInt,
        entity_type -> Text,
        entity_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        thread_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        message -> Text,
        read_at -> Nullable<Timestamp>,
        email_state -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_flags (id) {
        id -> BigInt,
        post_id -> BigInt,
        flagger_id -> Nullable<BigInt>,
        reason -> Text,
        details -> Nullable<Text>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    moderation_claims (item_key) {
        item_key -> Text,
        user_id -> BigInt,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    moderation_reasons (id) {
        id -> BigInt,
        text -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        audit_id -> BigInt,
        appellant_id -> BigInt,
        text -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thread_watches (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        watching -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    category_watches (user_id, category_id) {
        user_id -> BigInt,
        category_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_helpful (post_id, user_id) {
        post_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_preferences (user_id) {
        user_id -> BigInt,
        email -> Text,
        last_digest_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thread_tags (thread_id, tag_id) {
        thread_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    watched_words (id) {
        id -> BigInt,
        pattern -> Text,
        kind -> Text,
        action -> Text,
        note -> Nullable<Text>,
        message -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(appeals -> audit_log (audit_id));
diesel::joinable!(threads -> categories (category_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(thread_tags -> threads (thread_id));
diesel::joinable!(thread_tags -> tags (tag_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    account_tokens,
    audit_log,
    outbox,
    settings,
    moderation_claims,
    moderation_reasons,
    appeals
);
diesel::allow_tables_to_appear_in_same_query!(
    categories,
    category_moderators,
    threads,
    posts,
    post_revisions,
    search_outbox,
    notifications,
    post_flags,
    thread_watches,
    category_watches,
    post_helpful,
    tags,
    thread_tags
);
diesel::allow_tables_to_appear_in_same_query!(users, notifications, notification_preferences);

diesel::table! {
    resources (id) {
        id -> BigInt,
        slug -> Text,
        kind -> Text,
        title -> Text,
        summary -> Text,
        body_markdown -> Text,
        body_html -> Text,
        source_org -> Nullable<Text>,
        authors -> Text,
        audience -> Nullable<Text>,
        external_url -> Nullable<Text>,
        published_on -> Nullable<Date>,
        review_by -> Nullable<Date>,
        owner_id -> Nullable<BigInt>,
        status -> Text,
        superseded_by_id -> Nullable<BigInt>,
        featured -> Bool,
        is_demo -> Bool,
        discussion_thread_id -> Nullable<BigInt>,
        revision -> Integer,
        review_reminded_for -> Nullable<Date>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resource_topics (resource_id, category_id) {
        resource_id -> BigInt,
        category_id -> BigInt,
    }
}

diesel::table! {
    resource_regions (resource_id, region) {
        resource_id -> BigInt,
        region -> Text,
    }
}

diesel::table! {
    resource_tags (resource_id, tag_id) {
        resource_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    resource_revisions (id) {
        id -> BigInt,
        resource_id -> BigInt,
        number -> Integer,
        snapshot -> Text,
        note -> Nullable<Text>,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    resource_status_changes (id) {
        id -> BigInt,
        resource_id -> BigInt,
        from_status -> Text,
        to_status -> Text,
        reason -> Text,
        actor_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    collections (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        intro_markdown -> Text,
        intro_html -> Text,
        status -> Text,
        owner_id -> Nullable<BigInt>,
        featured -> Bool,
        is_demo -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    collection_sections (id) {
        id -> BigInt,
        collection_id -> BigInt,
        position -> Integer,
        title -> Text,
        intro_markdown -> Text,
        intro_html -> Text,
    }
}

diesel::table! {
    collection_items (id) {
        id -> BigInt,
        section_id -> BigInt,
        resource_id -> BigInt,
        position -> Integer,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        resource_id -> BigInt,
        title -> Text,
        position -> Integer,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attachment_versions (id) {
        id -> BigInt,
        attachment_id -> BigInt,
        version -> Integer,
        file_name -> Text,
        file_type -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> Nullable<BigInt>,
        uploaded_at -> Timestamp,
        extract_status -> Text,
        extract_error -> Nullable<Text>,
        extracted_text -> Nullable<Text>,
        page_count -> Nullable<Integer>,
        extracted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    practice_examples (id) {
        id -> BigInt,
        author_id -> BigInt,
        status -> Text,
        title -> Text,
        setting -> Text,
        region -> Text,
        topic_id -> Nullable<BigInt>,
        challenge -> Text,
        what_we_did -> Text,
        legal_framework -> Nullable<Text>,
        outcomes -> Text,
        learning -> Text,
        contact -> Nullable<Text>,
        case_information -> Text,
        resource_id -> Nullable<BigInt>,
        is_demo -> Bool,
        submitted_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    practice_example_events (id) {
        id -> BigInt,
        practice_example_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        message -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    link_checks (resource_id) {
        resource_id -> BigInt,
        url -> Text,
        ok -> Bool,
        http_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        checked_at -> Timestamp,
    }
}

diesel::joinable!(resource_topics -> resources (resource_id));
diesel::joinable!(resource_regions -> resources (resource_id));
diesel::joinable!(resource_tags -> resources (resource_id));
diesel::joinable!(resource_revisions -> resources (resource_id));
diesel::joinable!(resource_status_changes -> resources (resource_id));
diesel::joinable!(collection_sections -> collections (collection_id));
diesel::joinable!(collection_items -> collection_sections (section_id));
diesel::joinable!(collection_items -> resources (resource_id));
diesel::joinable!(attachments -> resources (resource_id));
diesel::joinable!(attachment_versions -> attachments (attachment_id));
diesel::joinable!(practice_example_events -> practice_examples (practice_example_id));
diesel::joinable!(link_checks -> resources (resource_id));
diesel::allow_tables_to_appear_in_same_query!(
    resources,
    resource_topics,
    resource_regions,
    resource_tags,
    resource_revisions,
    resource_status_changes,
    collections,
    collection_sections,
    collection_items,
    attachments,
    attachment_versions,
    practice_examples,
    practice_example_events,
    link_checks,
);
// The library's tables beside the forum's and the members' (one pair per line).
diesel::allow_tables_to_appear_in_same_query!(resources, categories);
diesel::allow_tables_to_appear_in_same_query!(resources, tags);
diesel::allow_tables_to_appear_in_same_query!(resources, users);
diesel::allow_tables_to_appear_in_same_query!(resources, threads);
diesel::allow_tables_to_appear_in_same_query!(resource_topics, categories);
diesel::allow_tables_to_appear_in_same_query!(resource_topics, tags);
diesel::allow_tables_to_appear_in_same_query!(resource_topics, users);
diesel::allow_tables_to_appear_in_same_query!(resource_topics, threads);
diesel::allow_tables_to_appear_in_same_query!(resource_regions, categories);
diesel::allow_tables_to_appear_in_same_query!(resource_regions, tags);
diesel::allow_tables_to_appear_in_same_query!(resource_regions, users);
diesel::allow_tables_to_appear_in_same_query!(resource_regions, threads);
diesel::allow_tables_to_appear_in_same_query!(resource_tags, categories);
diesel::allow_tables_to_appear_in_same_query!(resource_tags, tags);
diesel::allow_tables_to_appear_in_same_query!(resource_tags, users);
diesel::allow_tables_to_appear_in_same_query!(resource_tags, threads);
diesel::allow_tables_to_appear_in_same_query!(resource_revisions, categories);
diesel::allow_tables_to_appear_in_same_query!(resource_revisions, tags);
diesel::allow_tables_to_appear_in_same_query!(resource_revisions, users);
diesel::allow_tables_to_appear_in_same_query!(resource_revisions, threads);
diesel::allow_tables_to_appear_in_same_query!(resource_status_changes, categories);
diesel::allow_tables_to_appear_in_same_query!(resource_status_changes, tags);
diesel::allow_tables_to_appear_in_same_query!(resource_status_changes, users);
diesel::allow_tables_to_appear_in_same_query!(resource_status_changes, threads);
diesel::allow_tables_to_appear_in_same_query!(collections, categories);
diesel::allow_tables_to_appear_in_same_query!(collections, tags);
diesel::allow_tables_to_appear_in_same_query!(collections, users);
diesel::allow_tables_to_appear_in_same_query!(collections, threads);
diesel::allow_tables_to_appear_in_same_query!(collection_sections, categories);
diesel::allow_tables_to_appear_in_same_query!(collection_sections, tags);
diesel::allow_tables_to_appear_in_same_query!(collection_sections, users);
diesel::allow_tables_to_appear_in_same_query!(collection_sections, threads);
diesel::allow_tables_to_appear_in_same_query!(collection_items, categories);
diesel::allow_tables_to_appear_in_same_query!(collection_items, tags);
diesel::allow_tables_to_appear_in_same_query!(collection_items, users);
diesel::allow_tables_to_appear_in_same_query!(collection_items, threads);
diesel::allow_tables_to_appear_in_same_query!(attachments, categories);
diesel::allow_tables_to_appear_in_same_query!(attachments, tags);
diesel::allow_tables_to_appear_in_same_query!(attachments, users);
diesel::allow_tables_to_appear_in_same_query!(attachments, threads);
diesel::allow_tables_to_appear_in_same_query!(attachment_versions, categories);
diesel::allow_tables_to_appear_in_same_query!(attachment_versions, tags);
diesel::allow_tables_to_appear_in_same_query!(attachment_versions, users);
diesel::allow_tables_to_appear_in_same_query!(attachment_versions, threads);
diesel::allow_tables_to_appear_in_same_query!(practice_examples, categories);
diesel::allow_tables_to_appear_in_same_query!(practice_examples, tags);
diesel::allow_tables_to_appear_in_same_query!(practice_examples, users);
diesel::allow_tables_to_appear_in_same_query!(practice_examples, threads);
diesel::allow_tables_to_appear_in_same_query!(practice_example_events, categories);
diesel::allow_tables_to_appear_in_same_query!(practice_example_events, tags);
diesel::allow_tables_to_appear_in_same_query!(practice_example_events, users);
diesel::allow_tables_to_appear_in_same_query!(practice_example_events, threads);
diesel::allow_tables_to_appear_in_same_query!(link_checks, categories);
diesel::allow_tables_to_appear_in_same_query!(link_checks, tags);
diesel::allow_tables_to_appear_in_same_query!(link_checks, users);
diesel::allow_tables_to_appear_in_same_query!(link_checks, threads);
