//! Posting rules: watched words (block, hold, flag) on new threads, replies and edits, the
//! admins' rule list and test endpoint, slow mode, and posting rate limits.

use backend::db::forum::{Category, NewPost, NewThread, Post, Thread};
use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{TestApp, backends};

/// A member whose account is a month old and who has two published posts from yesterday, so
/// nothing they write is held as a newcomer's and they have the ordinary rate limit.
pub async fn established(app: &TestApp, email: &str, name: &str) -> (i64, String) {
    let (id, cookie) = app.member_with_role(email, name, "member").await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use backend::db::schema::users;
        let mut c = db.get().unwrap();
        let old = backend::db::now() - TimeDelta::days(30);
        diesel::update(users::table.find(id))
            .set(users::created_at.eq(old))
            .execute(&mut *c)
            .unwrap();
        let london = Category::find_by_slug(&mut c, "london").unwrap().unwrap();
        let at = backend::db::now() - TimeDelta::days(1);
        let thread = Thread::insert(
            &mut c,
            &NewThread {
                category_id: london.id,
                author_id: id,
                title: "An earlier thread",
                kind: "discussion",
                status: "visible",
                last_activity_at: at,
                created_at: at,
                updated_at: at,
            },
        )
        .unwrap();
        for first in [true, false] {
            insert_post_at(&mut c, thread, id, first, at);
        }
    })
    .await
    .unwrap();
    (id, cookie)
}

fn insert_post_at(
    c: &mut backend::db::DbConn,
    thread_id: i64,
    author_id: i64,
    is_first: bool,
    at: chrono::NaiveDateTime,
) -> i64 {
    Post::insert(
        c,
        &NewPost {
            thread_id,
            author_id,
            reply_to_id: None,
            is_first,
            body_markdown: "Earlier words",
            body_html: "<p>Earlier words</p>",
            body_text: "Earlier words",
            status: "visible",
            held_reason: None,
            created_at: at,
            updated_at: at,
        },
    )
    .unwrap()
}

/// Writes a visible reply directly, `minutes_ago` in the past.
pub async fn reply_written_ago(app: &TestApp, thread_id: i64, author_id: i64, minutes_ago: i64) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let at = backend::db::now() - TimeDelta::minutes(minutes_ago);
        insert_post_at(&mut db.get().unwrap(), thread_id, author_id, false, at);
    })
    .await
    .unwrap();
}

/// Watched-word flags on a post.
pub async fn watched_word_flags(app: &TestApp, post_id: i64) -> Vec<String> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use backend::db::schema::post_flags;
        post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::reason.eq("watched_word"))
            .filter(post_flags::flagger_id.is_null())
            .select(post_flags::details)
            .load::<Option<String>>(&mut *db.get().unwrap())
            .unwrap()
            .into_iter()
            .flatten()
            .collect()
    })
    .await
    .unwrap()
}

async fn rule(app: &TestApp, admin: &str, body: Value) -> i64 {
    let r = app
        .post("/api/admin/watched-words", body.clone(), Some(admin))
        .await;
    assert_eq!(r.status, 201, "{body}: {:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

fn messages(r: &crate::common::Reply) -> String {
    r.body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["message"].as_str().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn watched_words_block_hold_and_flag_threads_replies_and_edits() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, member) = established(&app, "m@nhs.net", "Plain Member").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let block = rule(&app, &admin, json!({"pattern": "Forbidden", "kind": "word", "action": "block", "message": "Please don't use that word here.", "note": "agreed at the steering group"})).await;
        rule(
            &app,
            &admin,
            json!({"pattern": "quick cash", "kind": "phrase", "action": "hold"}),
        )
        .await;
        rule(
            &app,
            &admin,
            json!({"pattern": r"(?i)promo\d{2,}", "kind": "regex", "action": "flag"}),
        )
        .await;

        // Block: refused with the rule's message and the writer's own words, naming the field.
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "A FORBIDDEN title", "body": "fine"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422, "{backend:?} {:?}", r.body);
        assert_eq!(r.field_errors(), vec!["title"]);
        let text = messages(&r);
        assert!(
            text.contains("Please don't use that word here.") && text.contains("FORBIDDEN"),
            "{text}"
        );
        let r = app.post("/api/threads", json!({"category": "london", "title": "Nothing wrong here", "body": "but the **forbidden** body"}), Some(&member)).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["body"]);
        // Word boundaries: a longer word containing it is fine.
        let ok = app.post("/api/threads", json!({"category": "london", "title": "Unforbiddenness is a word", "body": "fine", "tags": ["amhp"]}), Some(&member)).await;
        assert_eq!(ok.status, 201, "{:?}", ok.body);
        assert_eq!(ok.body["status"], "visible");
        let thread = ok.body["id"].as_i64().unwrap();

        // Hold: the thread waits for review with the reason "watched word".
        let held = app.post("/api/threads", json!({"category": "london", "title": "Income ideas", "body": "Make QUICK\n   cash now"}), Some(&member)).await;
        assert_eq!(held.status, 201);
        assert_eq!(held.body["status"], "held");
        assert_eq!(held.body["held_reason"], "watched word");

        // Flag: published, with a flag for moderators.
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Use code PROMO2024"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 201);
        assert_eq!(r.body["status"], "visible");
        let flagged = r.body["id"].as_i64().unwrap();
        assert_eq!(
            watched_word_flags(&app, flagged).await,
            vec![r"(?i)promo\d{2,}"]
        );
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "forbidden"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "quick cash"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.body["status"], "held");
        assert_eq!(r.body["held_reason"], "watched word");

        // Edits: blocked words refused; a newly matching hold rule holds the post again; an
        // unchanged flagged word is not flagged twice.
        let r = app
            .send(
                "PATCH",
                &format!("/api/posts/{flagged}"),
                json!({"body": "Use code PROMO2024, forbidden"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["body"]);
        let r = app
            .send(
                "PATCH",
                &format!("/api/posts/{flagged}"),
                json!({"body": "Use code PROMO2024 please"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "visible");
        assert_eq!(watched_word_flags(&app, flagged).await.len(), 1);
        let r = app
            .send(
                "PATCH",
                &format!("/api/posts/{flagged}"),
                json!({"body": "Quick cash: PROMO2024"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "held");
        assert_eq!(r.body["held_reason"], "watched word");

        // A moderator's post matching a hold rule is published, with a flag so another
        // moderator sees it.
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Beware quick cash offers"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.body["status"], "visible");
        assert_eq!(
            watched_word_flags(&app, r.body["id"].as_i64().unwrap()).await,
            vec!["quick cash"]
        );

        // Changing a thread's title is checked too.
        let r = app
            .send(
                "PATCH",
                &format!("/api/threads/{thread}"),
                json!({"title": "Now forbidden"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["title"]);

        // Deleting the blocking rule lets the word through straight away.
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/admin/watched-words/{block}"),
                json!({}),
                Some(&admin)
            )
            .await
            .status,
            204
        );
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "forbidden"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
}

#[tokio::test]
async fn admins_manage_watched_words_and_try_texts_against_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;
        for who in [&moderator, &member] {
            assert_eq!(
                app.get("/api/admin/watched-words", Some(who)).await.status,
                403
            );
            let r = app
                .post(
                    "/api/admin/watched-words",
                    json!({"pattern": "x1", "kind": "word", "action": "flag"}),
                    Some(who),
                )
                .await;
            assert_eq!(r.status, 403);
            assert_eq!(
                app.post(
                    "/api/admin/watched-words/test",
                    json!({"text": "x"}),
                    Some(who)
                )
                .await
                .status,
                403
            );
        }

        // Bad patterns: each a 422 on `pattern`.
        for (pattern, kind) in [
            ("(unclosed", "regex"),
            (r"\w{1000}{1000}", "regex"),
            ("a*", "regex"),
            ("two words", "word"),
            ("x", "word"),
            ("   ", "phrase"),
        ] {
            let r = app
                .post(
                    "/api/admin/watched-words",
                    json!({"pattern": pattern, "kind": kind, "action": "block"}),
                    Some(&admin),
                )
                .await;
            assert_eq!(r.status, 422, "{pattern}: {:?}", r.body);
            assert_eq!(r.field_errors(), vec!["pattern"], "{pattern}");
            assert!(r.content_type().starts_with("application/problem+json"));
        }
        let long = "x".repeat(501);
        let r = app
            .post(
                "/api/admin/watched-words",
                json!({"pattern": long, "kind": "regex", "action": "block"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 422);
        let r = app
            .post(
                "/api/admin/watched-words",
                json!({"pattern": "x1", "kind": "glob", "action": "block"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 400);

        let flag = rule(
            &app,
            &admin,
            json!({"pattern": "casework", "kind": "word", "action": "flag"}),
        )
        .await;
        let hold = rule(
            &app,
            &admin,
            json!({"pattern": "private  address", "kind": "phrase", "action": "hold"}),
        )
        .await;
        let r = app
            .post(
                "/api/admin/watched-words",
                json!({"pattern": "CaseWork", "kind": "word", "action": "hold"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 409);
        let list = app.get("/api/admin/watched-words", Some(&admin)).await;
        assert_eq!(list.status, 200);
        let items = list.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["pattern"], "private address", "spacing collapsed");

        let test = |text: &'static str| {
            let app = &app;
            let admin = admin.clone();
            async move {
                app.post(
                    "/api/admin/watched-words/test",
                    json!({"text": text}),
                    Some(&admin),
                )
                .await
            }
        };
        let r = test("Casework at a private address").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["action"], "hold", "hold beats flag");
        assert_eq!(r.body["matches"].as_array().unwrap().len(), 2);
        assert_eq!(r.body["matches"][0]["matched"], "Casework");
        let r = test("nothing to see").await;
        assert_eq!(r.body["matches"].as_array().unwrap().len(), 0);
        assert!(r.body["action"].is_null());

        // A change takes effect at once (the compiled rules are reloaded).
        let r = app
            .send(
                "PATCH",
                &format!("/api/admin/watched-words/{flag}"),
                json!({"action": "block", "note": "too often case detail"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["action"], "block");
        assert_eq!(r.body["note"], "too often case detail");
        assert_eq!(
            test("Casework at a private address").await.body["action"],
            "block",
            "block beats hold"
        );
        let r = app
            .send(
                "PATCH",
                &format!("/api/admin/watched-words/{hold}"),
                json!({"kind": "regex", "pattern": "(oops"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 422);
        let r = app
            .send(
                "PATCH",
                &format!("/api/admin/watched-words/{hold}"),
                json!({"kind": "regex", "pattern": r"(?i)private\s+addr\w*"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(test("PRIVATE ADDRESSES").await.body["action"], "hold");
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/admin/watched-words/{flag}"),
                json!({}),
                Some(&admin)
            )
            .await
            .status,
            204
        );
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/admin/watched-words/{flag}"),
                json!({}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        assert_eq!(
            app.send(
                "PATCH",
                "/api/admin/watched-words/999999",
                json!({"action": "flag"}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        assert_eq!(
            test("casework").await.body["matches"]
                .as_array()
                .unwrap()
                .len(),
            0
        );

        let actions = app.audit_actions(flag).await;
        for a in [
            "watched_word.created",
            "watched_word.updated",
            "watched_word.deleted",
        ] {
            assert!(actions.contains(&a.to_owned()), "{a}: {actions:?}");
        }
    }
}

#[tokio::test]
async fn slow_mode_spaces_out_members_replies_but_not_moderators() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (early_id, early) = established(&app, "e@nhs.net", "Early Person").await;
        let (recent_id, recent) = established(&app, "r@nhs.net", "Recent Person").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let t = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "A heated topic", "body": "Let's talk"}),
                Some(&author),
            )
            .await;
        let thread = t.body["id"].as_i64().unwrap();
        let path = format!("/api/threads/{thread}/slow-mode");

        assert_eq!(
            app.post(
                &path,
                json!({"seconds": 600, "reason": "Cooling down"}),
                Some(&author)
            )
            .await
            .status,
            403
        );
        assert_eq!(
            app.post(
                &path,
                json!({"seconds": 600, "reason": " "}),
                Some(&moderator)
            )
            .await
            .field_errors(),
            vec!["reason"]
        );
        for bad in [-1, 86_401] {
            assert_eq!(
                app.post(
                    &path,
                    json!({"seconds": bad, "reason": "x"}),
                    Some(&moderator)
                )
                .await
                .field_errors(),
                vec!["seconds"]
            );
        }
        let r = app
            .post(
                &path,
                json!({"seconds": 600, "reason": "Cooling down"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["slow_mode_seconds"], 600);
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&early))
            .await;
        assert_eq!(page.body["thread"]["slow_mode_seconds"], 600);
        assert!(
            app.audit_actions(thread)
                .await
                .contains(&"thread.slow_mode".to_owned())
        );

        // Earlier replies written directly: 20 minutes ago is past the gap, 4 minutes ago isn't.
        reply_written_ago(&app, thread, early_id, 20).await;
        reply_written_ago(&app, thread, recent_id, 4).await;
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "My view"}),
                Some(&early),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "And another"}),
                Some(&early),
            )
            .await;
        assert_eq!(r.status, 429);
        assert!(r.content_type().starts_with("application/problem+json"));
        let retry: u64 = r
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((590..=600).contains(&retry), "{retry}");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("once every 10 minutes"),
            "{:?}",
            r.body
        );
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Me too"}),
                Some(&recent),
            )
            .await;
        assert_eq!(r.status, 429);
        let retry: u64 = r
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((350..=360).contains(&retry), "{retry}");

        // Moderators are not slowed; turning it off lets members reply again.
        for _ in 0..2 {
            assert_eq!(
                app.post(
                    &format!("/api/threads/{thread}/posts"),
                    json!({"body": "Moderating"}),
                    Some(&moderator)
                )
                .await
                .status,
                201
            );
        }
        let r = app
            .post(
                &path,
                json!({"seconds": 0, "reason": "Calm again"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.body["slow_mode_seconds"], 0);
        assert_eq!(
            app.post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Thanks"}),
                Some(&recent)
            )
            .await
            .status,
            201
        );
    }
}

#[tokio::test]
async fn posting_rate_limits_are_stricter_for_new_members_and_spare_moderators() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("POST_RATE_LIMIT", "3")
            .set("POST_RATE_LIMIT_NEW_MEMBER", "2")
            .set("POST_RATE_WINDOW", "10m")
            .build()
            .await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Person", "member")
            .await;
        let (_, member) = established(&app, "m@nhs.net", "Plain Member").await;
        let (busy_id, busy) = established(&app, "b@nhs.net", "Busy Person").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let new_thread = |n: usize| json!({"category": "london", "title": format!("Thread number {n}"), "body": "Hello"});

        for n in 0..2 {
            assert_eq!(
                app.post("/api/threads", new_thread(n), Some(&newcomer))
                    .await
                    .status,
                201
            );
        }
        let r = app
            .post("/api/threads", new_thread(2), Some(&newcomer))
            .await;
        assert_eq!(r.status, 429, "{backend:?} {:?}", r.body);
        assert!(r.content_type().starts_with("application/problem+json"));
        let retry: u64 = r
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((590..=600).contains(&retry), "{retry}");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .starts_with("New members can post 2"),
            "{:?}",
            r.body
        );

        // Established members get the ordinary limit; replies count with threads.
        let t = app
            .post("/api/threads", new_thread(10), Some(&member))
            .await;
        assert_eq!(t.status, 201);
        let thread = t.body["id"].as_i64().unwrap();
        for _ in 0..2 {
            assert_eq!(
                app.post(
                    &format!("/api/threads/{thread}/posts"),
                    json!({"body": "More"}),
                    Some(&member)
                )
                .await
                .status,
                201
            );
        }
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Too much"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 429);
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .starts_with("Members can post 3")
        );

        // Posts older than the window don't count.
        for _ in 0..5 {
            reply_written_ago(&app, thread, busy_id, 11).await;
        }
        assert_eq!(
            app.post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Back again"}),
                Some(&busy)
            )
            .await
            .status,
            201
        );

        for n in 0..5 {
            assert_eq!(
                app.post("/api/threads", new_thread(20 + n), Some(&moderator))
                    .await
                    .status,
                201
            );
        }
    }
}

#[tokio::test]
async fn bad_posting_rules_input_gets_problems() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, member) = established(&app, "m@nhs.net", "Plain Member").await;
        let t = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "A proper thread", "body": "Body"}),
                Some(&member),
            )
            .await;
        let thread = t.body["id"].as_i64().unwrap();
        let cases: Vec<(&str, String, Value)> = vec![
            (
                "POST",
                format!("/api/threads/{thread}/slow-mode"),
                json!({"seconds": "ten", "reason": "x"}),
            ),
            (
                "POST",
                format!("/api/threads/{thread}/slow-mode"),
                json!({"seconds": 10, "reason": "x", "extra": 1}),
            ),
            (
                "POST",
                "/api/threads".into(),
                json!({"category": "london", "title": "A proper thread", "body": "Body", "tags": "amhp"}),
            ),
            (
                "POST",
                "/api/admin/watched-words".into(),
                json!({"pattern": ["a"], "kind": "word", "action": "flag"}),
            ),
            (
                "POST",
                "/api/admin/watched-words/test".into(),
                json!({"text": "x", "texts": "y"}),
            ),
            (
                "PATCH",
                "/api/admin/watched-words/abc".into(),
                json!({"action": "flag"}),
            ),
            (
                "PATCH",
                format!("/api/threads/{thread}"),
                json!({"title": "Fine title", "status": "visible"}),
            ),
        ];
        for (method, path, body) in cases {
            let r = app.send(method, &path, body.clone(), Some(&admin)).await;
            assert!(
                (400..500).contains(&r.status),
                "{method} {path} {body}: {}",
                r.status
            );
            assert!(
                r.content_type().starts_with("application/problem+json"),
                "{path}"
            );
        }
        let r = app
            .post(
                "/api/admin/watched-words/test",
                json!({"text": "x".repeat(70_000)}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(
            app.post(
                "/api/threads/999999/slow-mode",
                json!({"seconds": 10, "reason": "x"}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
    }
}

#[test]
fn bad_posting_limit_settings_name_their_key() {
    for (key, value) in [
        ("POST_RATE_LIMIT", "0"),
        ("POST_RATE_LIMIT_NEW_MEMBER", "many"),
        ("POST_RATE_WINDOW", "0s"),
        ("NEW_MEMBER_PERIOD", "a week"),
    ] {
        let values = [(key.to_owned(), value.to_owned())].into_iter().collect();
        let err = backend::config::Config::from_values(&values).unwrap_err();
        assert_eq!(err.key, key, "{key}={value}");
    }
    let defaults = backend::config::Config::from_values(&Default::default()).unwrap();
    assert_eq!(
        (
            defaults.post_rate_limit,
            defaults.post_rate_limit_new_member
        ),
        (20, 5)
    );
    assert_eq!(defaults.post_rate_window.as_secs(), 600);
    assert_eq!(defaults.new_member_period.as_secs(), 7 * 86_400);
}
