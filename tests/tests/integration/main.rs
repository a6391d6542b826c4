//! Integration tests, one binary. Every test runs against a fresh SQLite file, and against a
//! fresh PostgreSQL database too when TEST_DATABASE_URL is set; Redis-backed paths run when
//! TEST_REDIS_URL is set.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod accounts;
mod activity;
mod bad_input;
mod common;
mod config;
mod engagement;
mod forum;
mod mail;
mod members;
mod migrations;
mod moderation;
mod notifications;
mod ops;
mod post_source;
mod posting_rules;
mod redis_backed;
mod search;
mod spaces;
