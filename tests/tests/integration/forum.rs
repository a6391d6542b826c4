//! The forum: spaces, threads and replies, what is held for review, and who sees what.

use serde_json::json;

use crate::common::{TestApp, backends};

/// A member who has already had two posts published, so new posts aren't held as a newcomer's.
async fn established_member(app: &TestApp, email: &str, name: &str) -> String {
    let (_, cookie) = app.member_with_role(email, name, "member").await;
    let (_, moderator) = app
        .member_with_role(
            &format!("mod-for-{email}"),
            &format!("Moderator for {name}"),
            "moderator",
        )
        .await;
    for i in 0..2 {
        let r = app.post("/api/threads", json!({"category": "london", "title": format!("Warm-up thread {i}"), "body": "Hello colleagues"}), Some(&cookie)).await;
        assert_eq!(r.body["status"], "held");
        let id = r.body["id"].as_i64().unwrap();
        app.approve_thread(id, &moderator).await;
    }
    cookie
}

impl TestApp {
    /// Publishes a held thread the way a moderator does: approving its first post in the
    /// review queue.
    pub async fn approve_thread(&self, thread_id: i64, moderator: &str) {
        let page = self
            .get(&format!("/api/threads/{thread_id}"), Some(moderator))
            .await;
        let first = page.body["posts"][0]["id"].as_i64().unwrap();
        let r = self
            .post(
                &format!("/api/moderation/queue/post-{first}/decision"),
                json!({"action": "approve", "reason": "Fine to publish"}),
                Some(moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "visible");
    }
}

#[tokio::test]
async fn the_regional_and_topic_spaces_are_there_for_members_only() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(app.get("/api/categories", None).await.status, 401);
        let (_, cookie) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;
        let r = app.get("/api/categories", Some(&cookie)).await;
        assert_eq!(r.status, 200);
        let items = r.body["items"].as_array().unwrap();
        assert_eq!(items.iter().filter(|s| s["kind"] == "region").count(), 7);
        assert!(
            items
                .iter()
                .any(|s| s["slug"] == "amhp-practice" && s["kind"] == "topic")
        );
        assert_eq!(items[0]["name"], "North East and Yorkshire");
    }
}

#[tokio::test]
async fn a_new_members_first_posts_wait_for_review_and_only_they_and_moderators_see_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, newcomer) = app
            .member_with_role("new@nhs.net", "New Member", "member")
            .await;
        let (_, other) = app
            .member_with_role("other@nhs.net", "Other Member", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let r = app.post("/api/threads", json!({"category": "london", "title": "Supervision in a busy team", "body": "How do **you** fit it in?"}), Some(&newcomer)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["status"], "held");
        assert_eq!(
            r.body["held_reason"],
            "a new member's first posts are reviewed"
        );
        let id = r.body["id"].as_i64().unwrap();

        let own = app
            .get(&format!("/api/threads/{id}"), Some(&newcomer))
            .await;
        assert_eq!(own.status, 200);
        assert_eq!(own.body["posts"][0]["status"], "held");
        assert!(
            own.body["posts"][0]["body_html"]
                .as_str()
                .unwrap()
                .contains("<strong>you</strong>")
        );
        assert_eq!(
            app.get(&format!("/api/threads/{id}"), Some(&other))
                .await
                .status,
            404,
            "{backend:?}"
        );
        let list = app
            .get("/api/categories/london/threads", Some(&other))
            .await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
        assert_eq!(
            list.body["space"]["thread_count"], 0,
            "held threads are not counted"
        );
        let modview = app
            .get("/api/categories/london/threads", Some(&moderator))
            .await;
        assert_eq!(modview.body["items"].as_array().unwrap().len(), 1);

        app.approve_thread(id, &moderator).await;
        let list = app
            .get("/api/categories/london/threads", Some(&other))
            .await;
        assert_eq!(list.body["items"][0]["title"], "Supervision in a busy team");
        assert_eq!(list.body["space"]["thread_count"], 1);
    }
}

#[tokio::test]
async fn anything_that_looks_like_case_information_is_held_with_that_reason() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let member = established_member(&app, "m@nhs.net", "Plain Member").await;
        let clean = app.post("/api/threads", json!({"category": "amhp-practice", "title": "Section 136 suites at night", "body": "How long do people wait under s136?"}), Some(&member)).await;
        assert_eq!(clean.body["status"], "visible", "{:?}", clean.body);
        let check = app
            .post(
                "/api/posts/check",
                json!({"body": "Her NHS number is 943 476 5919 and she lives at LS1 4AP"}),
                Some(&member),
            )
            .await;
        assert_eq!(check.status, 200);
        assert!(check.body["findings"].as_array().unwrap().len() >= 2);
        let held = app
            .post(
                "/api/threads",
                json!({"category": "amhp-practice", "title": "Advice please", "body": "Her NHS number is 943 476 5919, what should I do?"}),
                Some(&member),
            )
            .await;
        assert_eq!(held.body["status"], "held");
        assert_eq!(held.body["held_reason"], "possible case information");
    }
}

#[tokio::test]
async fn replies_edits_revisions_and_deletion() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let author = established_member(&app, "a@nhs.net", "Author Person").await;
        let replier = established_member(&app, "r@nhs.net", "Replier Person").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let t = app.post("/api/threads", json!({"category": "north-west", "title": "Best interests meetings", "body": "Who chairs yours?", "kind": "question"}), Some(&author)).await;
        let thread = t.body["id"].as_i64().unwrap();
        let first_post = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await
            .body["posts"][0]["id"]
            .as_i64()
            .unwrap();
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Usually the BIA.", "reply_to": first_post}),
                Some(&replier),
            )
            .await;
        assert_eq!(r.status, 201);
        assert_eq!(r.body["status"], "visible");
        let reply = r.body["id"].as_i64().unwrap();
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await;
        assert_eq!(page.body["posts"].as_array().unwrap().len(), 2);
        assert_eq!(page.body["thread"]["reply_count"], 1);
        assert_eq!(page.body["posts"][1]["reply_to_id"], first_post);

        // Authors edit their own posts; others can't, moderators can with a reason.
        assert_eq!(
            app.send(
                "PATCH",
                &format!("/api/posts/{reply}"),
                json!({"body": "Usually the BIA, sometimes the team manager."}),
                Some(&replier)
            )
            .await
            .status,
            200
        );
        assert_eq!(
            app.send(
                "PATCH",
                &format!("/api/posts/{reply}"),
                json!({"body": "hijacked"}),
                Some(&author)
            )
            .await
            .status,
            403
        );
        let no_reason = app
            .send(
                "PATCH",
                &format!("/api/posts/{reply}"),
                json!({"body": "tidied"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(no_reason.status, 422);
        assert_eq!(
            app.send(
                "PATCH",
                &format!("/api/posts/{reply}"),
                json!({"body": "Tidied.", "reason": "Formatting"}),
                Some(&moderator)
            )
            .await
            .status,
            200
        );
        let revisions = app
            .get(&format!("/api/posts/{reply}/revisions"), Some(&replier))
            .await;
        let bodies: Vec<&str> = revisions.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body_markdown"].as_str().unwrap())
            .collect();
        assert_eq!(
            bodies,
            vec![
                "Usually the BIA.",
                "Usually the BIA, sometimes the team manager."
            ]
        );
        assert_eq!(
            app.get(&format!("/api/posts/{reply}/revisions"), Some(&author))
                .await
                .status,
            404
        );

        // Deletion is soft; a moderator must give a reason, and it is audited.
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/posts/{reply}"),
                json!({}),
                Some(&moderator)
            )
            .await
            .status,
            422
        );
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/posts/{reply}"),
                json!({"reason": "Off-topic"}),
                Some(&moderator)
            )
            .await
            .status,
            204
        );
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await;
        assert_eq!(page.body["posts"].as_array().unwrap().len(), 1);
        assert_eq!(page.body["thread"]["reply_count"], 0);
        assert!(
            app.audit_actions(reply)
                .await
                .contains(&"post.deleted".to_owned())
        );
    }
}

#[tokio::test]
async fn bad_forum_input_gets_clear_problems() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;
        let r = app
            .post(
                "/api/threads",
                json!({"category": "nowhere", "title": "A fine title", "body": "text"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["category"]);
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "", "body": " "}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        let deep = ">".repeat(100_000);
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "Deep nesting", "body": deep}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422, "{backend:?}");
        for id in ["0", "-1", "abc", "9223372036854775808"] {
            let r = app.get(&format!("/api/threads/{id}"), Some(&member)).await;
            assert!(r.status == 400 || r.status == 404, "{id}: {}", r.status);
        }
        let r = app
            .get(
                "/api/categories/london/threads?sort=created_at;%20SELECT%20pg_sleep(5)--",
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 400);
        let preview = app
            .post(
                "/api/preview",
                json!({"body": "[x](javascript:alert(1)) <script>alert(1)</script>"}),
                Some(&member),
            )
            .await;
        assert_eq!(preview.status, 200);
        let html = preview.body["html"].as_str().unwrap();
        assert!(
            !html.contains("javascript:") && !html.contains("<script"),
            "{html}"
        );
    }
}
