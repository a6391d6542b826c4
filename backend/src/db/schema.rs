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
