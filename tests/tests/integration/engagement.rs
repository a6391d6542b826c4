//! Helpful marks, accepted answers and what "unanswered" means.

use serde_json::json;

use crate::common::{TestApp, backends};
use crate::notifications::established;

#[tokio::test]
async fn helpful_once_per_member_never_on_your_own_post_and_counted() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Reader").await;
        let (_, cal) = established(&app, "c@nhs.net", "Cal Reader").await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Comer", "member")
            .await;
        let thread = app
            .start_thread(&author, "london", "Discharge planning", "A checklist I use")
            .await;
        let post = app.first_post(&author, thread).await;
        let path = format!("/api/posts/{post}/helpful");

        let r = app.send("PUT", &path, json!(null), Some(&bea)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["helpful_count"], 1);
        assert_eq!(r.body["viewer_found_helpful"], true);
        let again = app.send("PUT", &path, json!(null), Some(&bea)).await;
        assert_eq!(again.status, 200);
        assert_eq!(again.body["helpful_count"], 1, "once per member");

        let own = app.send("PUT", &path, json!(null), Some(&author)).await;
        assert_eq!(own.status, 409, "{backend:?}");
        assert!(own.content_type().starts_with("application/problem+json"));
        assert!(
            own.body["detail"]
                .as_str()
                .unwrap()
                .contains("your own post")
        );

        assert_eq!(
            app.send("PUT", &path, json!(null), Some(&cal)).await.body["helpful_count"],
            2
        );
        let page = app.get(&format!("/api/threads/{thread}"), Some(&bea)).await;
        assert_eq!(page.body["posts"][0]["helpful_count"], 2);
        assert_eq!(page.body["posts"][0]["viewer_found_helpful"], true);
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await;
        assert_eq!(page.body["posts"][0]["viewer_found_helpful"], false);

        let r = app.send("DELETE", &path, json!(null), Some(&bea)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["helpful_count"], 1);
        assert_eq!(r.body["viewer_found_helpful"], false);
        let r = app.send("DELETE", &path, json!(null), Some(&bea)).await;
        assert_eq!(r.body["helpful_count"], 1, "taking back twice takes one");

        // A held post can't be seen by others, so it can't be marked.
        let held = app.reply_in(&newcomer, thread, "Mine too", None).await;
        assert_eq!(held.body["status"], "held");
        let held = held.body["id"].as_i64().unwrap();
        let r = app
            .send(
                "PUT",
                &format!("/api/posts/{held}/helpful"),
                json!(null),
                Some(&cal),
            )
            .await;
        assert_eq!(r.status, 404);
        for bad in ["999999", "0"] {
            let r = app
                .send(
                    "PUT",
                    &format!("/api/posts/{bad}/helpful"),
                    json!(null),
                    Some(&cal),
                )
                .await;
            assert_eq!(r.status, 404, "{bad}");
        }
        assert_eq!(
            app.send("PUT", "/api/posts/abc/helpful", json!(null), Some(&cal))
                .await
                .status,
            400
        );
        assert_eq!(app.send("PUT", &path, json!(null), None).await.status, 401);
    }
}

#[tokio::test]
async fn accepted_answers_follow_the_rules() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, asker) = established(&app, "a@nhs.net", "Asker Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Answerer").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Comer", "member")
            .await;
        let q = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "Who signs the form?", "body": "Which one?", "kind": "question"}),
                Some(&asker),
            )
            .await;
        let question = q.body["id"].as_i64().unwrap();
        let first = app.first_post(&asker, question).await;
        let answer = app.reply_in(&bea, question, "The AMHP.", None).await.body["id"]
            .as_i64()
            .unwrap();
        let held = app
            .reply_in(&newcomer, question, "Not sure", None)
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let discussion = app
            .start_thread(&asker, "london", "Just chatting here", "Hello")
            .await;
        let elsewhere = app.reply_in(&bea, discussion, "Hi!", None).await.body["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/threads/{question}/accepted");

        // Only questions.
        let r = app
            .send(
                "PUT",
                &format!("/api/threads/{discussion}/accepted"),
                json!({"post_id": elsewhere}),
                Some(&asker),
            )
            .await;
        assert_eq!(r.status, 409, "{:?}", r.body);
        // Only the asker or a moderator.
        let r = app
            .send("PUT", &path, json!({"post_id": answer}), Some(&bea))
            .await;
        assert_eq!(r.status, 403);
        // Only a visible reply in this thread.
        for wrong in [first, elsewhere, held, 999_999] {
            let r = app
                .send("PUT", &path, json!({"post_id": wrong}), Some(&asker))
                .await;
            assert_eq!(r.status, 422, "{wrong}: {:?}", r.body);
            assert_eq!(r.field_errors(), vec!["post_id"]);
        }
        let r = app
            .send("PUT", &path, json!({"post_id": "x"}), Some(&asker))
            .await;
        assert_eq!(r.status, 400);
        let r = app
            .send(
                "PUT",
                &path,
                json!({"post_id": answer, "extra": 1}),
                Some(&asker),
            )
            .await;
        assert_eq!(r.status, 400);

        let r = app
            .send("PUT", &path, json!({"post_id": answer}), Some(&asker))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["accepted_post_id"], answer);
        let page = app
            .get(&format!("/api/threads/{question}"), Some(&bea))
            .await;
        assert_eq!(page.body["accepted_post_id"], answer);
        assert_eq!(page.body["thread"]["answered"], true);
        assert!(
            !app.audit_actions(question)
                .await
                .contains(&"thread.answer_accepted".to_owned()),
            "the asker's own choice is not a moderation action"
        );

        // A moderator may change it, with a reason, and it is audited.
        let r = app.send("DELETE", &path, json!({}), Some(&moderator)).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["reason"]);
        let r = app
            .send(
                "DELETE",
                &path,
                json!({"reason": "Answer is out of date"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["answered"], false);
        assert!(
            app.audit_actions(question)
                .await
                .contains(&"thread.answer_cleared".to_owned())
        );
        let page = app
            .get(&format!("/api/threads/{question}"), Some(&asker))
            .await;
        assert!(page.body["accepted_post_id"].is_null());
        assert_eq!(page.body["thread"]["answered"], false);

        // Deleting the accepted reply clears it.
        app.send("PUT", &path, json!({"post_id": answer}), Some(&asker))
            .await;
        app.send(
            "DELETE",
            &format!("/api/posts/{answer}"),
            json!({}),
            Some(&bea),
        )
        .await;
        let page = app
            .get(&format!("/api/threads/{question}"), Some(&asker))
            .await;
        assert_eq!(page.body["thread"]["answered"], false);
        assert_eq!(
            app.send(
                "PUT",
                "/api/threads/999999/accepted",
                json!({"post_id": answer}),
                Some(&asker)
            )
            .await
            .status,
            404
        );
    }
}

#[tokio::test]
async fn unanswered_means_questions_without_an_accepted_answer_and_discussions_without_replies() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, asker) = established(&app, "a@nhs.net", "Asker Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Answerer").await;
        let question = |title: &'static str| json!({"category": "south-west", "title": title, "body": "?", "kind": "question"});
        let open_q = app
            .post("/api/threads", question("Open question here"), Some(&asker))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let replied_q = app
            .post(
                "/api/threads",
                question("Replied question here"),
                Some(&asker),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let solved_q = app
            .post(
                "/api/threads",
                question("Solved question here"),
                Some(&asker),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let quiet_d = app
            .start_thread(&asker, "south-west", "Quiet discussion", "Anyone?")
            .await;
        let busy_d = app
            .start_thread(&asker, "south-west", "Busy discussion", "Chat")
            .await;
        app.reply_in(&bea, replied_q, "Maybe this.", None).await;
        let answer = app.reply_in(&bea, solved_q, "This.", None).await.body["id"]
            .as_i64()
            .unwrap();
        app.send(
            "PUT",
            &format!("/api/threads/{solved_q}/accepted"),
            json!({"post_id": answer}),
            Some(&asker),
        )
        .await;
        app.reply_in(&bea, busy_d, "Hello.", None).await;
        let list = app
            .get(
                "/api/categories/south-west/threads?sort=unanswered",
                Some(&bea),
            )
            .await;
        assert_eq!(list.status, 200);
        let mut ids: Vec<i64> = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![open_q, replied_q, quiet_d], "{backend:?}");
    }
}

#[tokio::test]
async fn watching_refuses_what_isnt_there() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, member) = established(&app, "a@nhs.net", "Plain Member").await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Comer", "member")
            .await;
        let held = app
            .start_thread(&newcomer, "london", "Held for review", "Waiting")
            .await;
        for (method, path, expected) in [
            ("PUT", "/api/threads/999999/watch".to_owned(), 404),
            ("PUT", format!("/api/threads/{held}/watch"), 404),
            ("PUT", "/api/threads/abc/watch".to_owned(), 400),
            ("PUT", "/api/categories/nowhere/watch".to_owned(), 404),
            ("DELETE", "/api/categories/nowhere/watch".to_owned(), 404),
        ] {
            let r = app.send(method, &path, json!(null), Some(&member)).await;
            assert_eq!(r.status, expected, "{method} {path}");
            assert!(
                r.content_type().starts_with("application/problem+json"),
                "{path}"
            );
        }
        assert_eq!(
            app.send("PUT", "/api/categories/london/watch", json!(null), None)
                .await
                .status,
            401
        );
        // Watching twice is the same as once.
        for _ in 0..2 {
            let r = app
                .send(
                    "PUT",
                    "/api/categories/london/watch",
                    json!(null),
                    Some(&member),
                )
                .await;
            assert_eq!(r.body["watching"], true);
        }
    }
}
