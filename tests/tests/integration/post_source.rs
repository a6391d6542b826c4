//! The Markdown source that fills the edit form: only for those who may edit the post now.

use serde_json::{Value, json};

use crate::common::{TestApp, backends};

fn first_post(body: &Value) -> &Value {
    &body["posts"][0]
}

#[tokio::test]
async fn the_source_of_a_post_goes_only_to_who_may_edit_it_now() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "moderator")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, other_mod) = app
            .member_with_role("mod@nhs.net", "Other Moderator", "moderator")
            .await;
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "Source of a post", "body": "Some **bold** words"}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 201);
        let id = r.body["id"].as_i64().unwrap();
        let path = format!("/api/threads/{id}");

        let r = app.get(&path, Some(&author)).await;
        assert_eq!(first_post(&r.body)["body_markdown"], "Some **bold** words");
        let r = app.get(&path, Some(&other_mod)).await;
        assert_eq!(first_post(&r.body)["body_markdown"], "Some **bold** words");
        let r = app.get(&path, Some(&reader)).await;
        assert_eq!(first_post(&r.body)["body_markdown"], Value::Null);
        assert!(
            first_post(&r.body)["body_html"]
                .as_str()
                .unwrap()
                .contains("<strong>bold</strong>")
        );
    }
}

#[tokio::test]
async fn the_author_loses_the_source_when_the_edit_window_has_passed() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "An older thread", "body": "Opening post"}),
                Some(&moderator),
            )
            .await;
        let thread = r.body["id"].as_i64().unwrap();
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "My reply"}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 201);
        let post = r.body["id"].as_i64().unwrap();
        let path = format!("/api/threads/{thread}");
        let r = app.get(&path, Some(&author)).await;
        assert_eq!(r.body["posts"][1]["body_markdown"], "My reply");

        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            use backend::db::schema::posts;
            use diesel::prelude::*;
            let old = backend::db::now() - chrono::TimeDelta::hours(1);
            diesel::update(posts::table.find(post))
                .set(posts::created_at.eq(old))
                .execute(&mut db.get().unwrap())
                .unwrap();
        })
        .await
        .unwrap();
        let r = app.get(&path, Some(&author)).await;
        assert_eq!(r.body["posts"][1]["body_markdown"], Value::Null);
        let r = app.get(&path, Some(&moderator)).await;
        assert_eq!(r.body["posts"][1]["body_markdown"], "My reply");
    }
}
