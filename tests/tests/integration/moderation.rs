//! Moderation: who may use each endpoint, flags and the hiding threshold, the review queue and
//! its decisions, redaction, appeals, the log per role, reasons and settings.

use serde_json::{Value, json};

use crate::common::{Reply, TestApp, backends};

async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut backend::db::DbConn) -> T + Send + 'static,
) -> T {
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

async fn put_setting(app: &TestApp, key: &'static str, value: i64) {
    db(app, move |c| {
        backend::db::settings::put(c, key, &value.to_string()).unwrap()
    })
    .await;
}

/// A member who moderates these spaces (and nothing else).
async fn space_moderator(app: &TestApp, email: &str, name: &str, slugs: &[&str]) -> (i64, String) {
    let (id, cookie) = app.member_with_role(email, name, "member").await;
    let slugs: Vec<String> = slugs.iter().map(|s| (*s).to_owned()).collect();
    db(app, move |c| {
        use diesel::RunQueryDsl as _;
        for slug in slugs {
            let space = backend::db::forum::Category::find_by_slug(c, &slug)
                .unwrap()
                .unwrap();
            diesel::sql_query(format!(
                "INSERT INTO category_moderators (category_id, user_id) VALUES ({}, {id})",
                space.id
            ))
            .execute(c)
            .unwrap();
        }
    })
    .await;
    (id, cookie)
}

/// Starts a thread; returns (thread id, first post id, status).
async fn thread(app: &TestApp, cookie: &str, space: &str, title: &str, body: &str) -> (i64, i64) {
    let r = app
        .post(
            "/api/threads",
            json!({"category": space, "title": title, "body": body}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let first = db(app, move |c| {
        backend::db::forum::Post::first_of(c, id).unwrap().unwrap().id
    })
    .await;
    (id, first)
}

async fn reply(app: &TestApp, cookie: &str, thread: i64, body: &str) -> Reply {
    let r = app
        .post(
            &format!("/api/threads/{thread}/posts"),
            json!({"body": body}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r
}

async fn flag(app: &TestApp, cookie: &str, post: i64, reason: &str) -> Reply {
    app.post(
        &format!("/api/posts/{post}/flags"),
        json!({"reason": reason}),
        Some(cookie),
    )
    .await
}

async fn decide(app: &TestApp, cookie: &str, item: &str, action: &str) -> Reply {
    app.post(
        &format!("/api/moderation/queue/{item}/decision"),
        json!({"action": action, "reason": "Checked against the guidelines"}),
        Some(cookie),
    )
    .await
}

fn ids(r: &Reply) -> Vec<String> {
    r.body["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn post_ids(page: &Reply) -> Vec<i64> {
    page.body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn make_pending(app: &TestApp, email: &str, name: &str) -> i64 {
    let id = app.create_member(email, name, "member").await;
    db(app, move |c| {
        backend::db::users::User::update(
            c,
            backend::db::users::UserId(id),
            backend::db::users::UserUpdate {
                status: Some("pending".into()),
                ..Default::default()
            },
        )
        .unwrap();
    })
    .await;
    id
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Member,
    OtherSpaceModerator,
    SpaceModerator,
    GlobalModerator,
    Admin,
}

/// Content for one round of the authorisation test, all in London.
struct Fixture {
    thread: i64,
    reply: i64,
    held: i64,
    flagged: i64,
    pending: i64,
    appeal: String,
    deleted_post: i64,
    deleted_thread: i64,
    reason_id: i64,
}

#[allow(clippy::too_many_arguments)]
async fn fixture(
    app: &TestApp,
    round: usize,
    author: &str,
    flagger: &str,
    origin: &str,
    admin: &str,
) -> Fixture {
    let (thread_id, _) = thread(
        app,
        author,
        "london",
        &format!("Round {round}: AMHP rota cover"),
        "How do you cover nights?",
    )
    .await;
    let reply_id = reply(app, author, thread_id, "We share a rota with the next borough.")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let held = reply(app, author, thread_id, "Her NHS number is 943 476 5919.").await;
    assert_eq!(held.body["status"], "held");
    let flagged = reply(app, author, thread_id, "Buy cheap watches here.").await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(flag(app, flagger, flagged, "spam").await.status, 201);
    let pending = make_pending(
        app,
        &format!("pending{round}@nhs.net"),
        &format!("Pending Person {round}"),
    )
    .await;
    // A decision by another moderator, appealed by the author.
    let appealed = reply(app, author, thread_id, "A reply that gets hidden.").await.body["id"]
        .as_i64()
        .unwrap();
    let hidden = app
        .post(
            &format!("/api/moderation/posts/{appealed}/hide"),
            json!({"reason": "Too personal"}),
            Some(origin),
        )
        .await;
    assert_eq!(hidden.status, 200, "{:?}", hidden.body);
    let appeal = app
        .post(
            &format!(
                "/api/moderation/log/{}/appeal",
                hidden.body["log_id"].as_i64().unwrap()
            ),
            json!({"text": "It was about my own team, not a person who uses services."}),
            Some(author),
        )
        .await;
    assert_eq!(appeal.status, 201, "{:?}", appeal.body);
    let deleted_post = reply(app, author, thread_id, "A reply that gets deleted.").await.body
        ["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/posts/{deleted_post}"),
            json!({"reason": "Duplicate"}),
            Some(admin)
        )
        .await
        .status,
        204
    );
    let (deleted_thread, deleted_first) = thread(
        app,
        author,
        "london",
        &format!("Round {round}: a thread that gets deleted"),
        "Posted twice by mistake.",
    )
    .await;
    assert_eq!(
        app.send(
            "DELETE",
            &format!("/api/posts/{deleted_first}"),
            json!({}),
            Some(author)
        )
        .await
        .status,
        204
    );
    let reason = app
        .post(
            "/api/moderation/reasons",
            json!({"text": format!("Preset reason {round}")}),
            Some(admin),
        )
        .await;
    assert_eq!(reason.status, 201, "{:?}", reason.body);
    Fixture {
        thread: thread_id,
        reply: reply_id,
        held: held.body["id"].as_i64().unwrap(),
        flagged,
        pending,
        appeal: appeal.body["item_id"].as_str().unwrap().to_owned(),
        deleted_post,
        deleted_thread,
        reason_id: reason.body["id"].as_i64().unwrap(),
    }
}

#[tokio::test]
async fn every_moderation_endpoint_checks_who_may_use_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, flagger) = app
            .member_with_role("flagger@nhs.net", "Flagger Person", "member")
            .await;
        let (_, origin) = app
            .member_with_role("origin@nhs.net", "Origin Moderator", "moderator")
            .await;
        let (_, admin_setup) = app
            .member_with_role("setup@nhs.net", "Setup Admin", "admin")
            .await;
        let (_, member) = app
            .member_with_role("plain@nhs.net", "Plain Member", "member")
            .await;
        let (_, other) =
            space_moderator(&app, "other@nhs.net", "Other Space Mod", &["north-west"]).await;
        let (_, space) = space_moderator(
            &app,
            "space@nhs.net",
            "London Space Mod",
            &["london", "amhp-practice"],
        )
        .await;
        let (_, global) = app
            .member_with_role("global@nhs.net", "Global Moderator", "moderator")
            .await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let roles = [
            (Who::Member, member),
            (Who::OtherSpaceModerator, other),
            (Who::SpaceModerator, space),
            (Who::GlobalModerator, global),
            (Who::Admin, admin),
        ];
        for (round, (who, cookie)) in roles.iter().enumerate() {
            let fx = fixture(&app, round, &author, &flagger, &origin, &admin_setup).await;
            let allowed = matches!(
                who,
                Who::SpaceModerator | Who::GlobalModerator | Who::Admin
            );
            // Members are refused everything; moderators elsewhere get 404 for what they can't
            // see as members (queue items, deleted content) and 403 for what they can.
            let hidden_from = |ok: u16| match who {
                Who::Member => 403,
                Who::OtherSpaceModerator => 404,
                _ => ok,
            };
            let visible_to = |ok: u16| if allowed { ok } else { 403 };
            let reason = json!({"reason": "Keeping the space on topic"});
            let cookie = Some(cookie.as_str());

            let queue = app.get("/api/moderation/queue", cookie).await;
            let queue_status = if *who == Who::Member { 403 } else { 200 };
            assert_eq!(queue.status, queue_status, "{who:?} queue");
            let held_item = format!("post-{}", fx.held);
            if queue.status == 200 {
                let listed = ids(&queue);
                assert_eq!(listed.contains(&held_item), allowed, "{who:?} {listed:?}");
                assert_eq!(
                    listed.contains(&format!("member-{}", fx.pending)),
                    matches!(who, Who::GlobalModerator | Who::Admin),
                    "{who:?} sees pending members only as a global moderator"
                );
            }

            let calls: Vec<(&str, String, Value, u16)> = vec![
                (
                    "POST",
                    format!("/api/moderation/queue/{held_item}/claim"),
                    json!(null),
                    hidden_from(200),
                ),
                (
                    "DELETE",
                    format!("/api/moderation/queue/{held_item}/claim"),
                    json!(null),
                    hidden_from(204),
                ),
                (
                    "POST",
                    format!("/api/moderation/queue/{held_item}/decision"),
                    json!({"action": "approve", "reason": "No case information after all"}),
                    hidden_from(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/queue/post-{}/decision", fx.flagged),
                    json!({"action": "hide", "reason": "Spam"}),
                    hidden_from(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/queue/{}/decision", fx.appeal),
                    json!({"action": "reject", "reason": "The decision stands"}),
                    hidden_from(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/queue/member-{}/decision", fx.pending),
                    json!({"action": "approve", "reason": "Known to the regional lead"}),
                    match who {
                        Who::Member => 403,
                        Who::GlobalModerator | Who::Admin => 200,
                        _ => 404,
                    },
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/hide", fx.reply),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/unhide", fx.reply),
                    reason.clone(),
                    if allowed { 200 } else { 403 },
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/restore", fx.deleted_post),
                    reason.clone(),
                    hidden_from(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/redact", fx.reply),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/hide", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/unhide", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/lock", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/unlock", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/pin", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/unpin", fx.thread),
                    reason.clone(),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/restore", fx.deleted_thread),
                    reason.clone(),
                    hidden_from(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/threads/{}/move", fx.thread),
                    json!({"category": "amhp-practice", "reason": "Belongs with AMHP practice"}),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/members/{author_id}/warn"),
                    json!({"message": "Please keep case details out of posts.", "reason": "Case information", "category": "london"}),
                    visible_to(200),
                ),
                (
                    "GET",
                    "/api/moderation/log".into(),
                    json!(null),
                    200,
                ),
                (
                    "GET",
                    "/api/moderation/reasons".into(),
                    json!(null),
                    if *who == Who::Member { 403 } else { 200 },
                ),
                (
                    "POST",
                    "/api/moderation/reasons".into(),
                    json!({"text": format!("Another preset {round}")}),
                    if *who == Who::Admin { 201 } else { 403 },
                ),
                (
                    "DELETE",
                    format!("/api/moderation/reasons/{}", fx.reason_id),
                    json!(null),
                    if *who == Who::Admin { 204 } else { 403 },
                ),
            ];
            for (method, path, body, expected) in calls {
                let r = app.send(method, &path, body, cookie).await;
                assert_eq!(
                    r.status, expected,
                    "{backend:?} {who:?} {method} {path}: {:?}",
                    r.body
                );
            }
            if *who == Who::Member {
                // A member's log holds only entries about their own content or account.
                let log = app.get("/api/moderation/log", cookie).await;
                assert_eq!(log.body["items"].as_array().unwrap().len(), 0);
            }
            if *who == Who::OtherSpaceModerator {
                let log = app.get("/api/moderation/log", cookie).await;
                assert!(
                    log.body["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|e| e["space"]["slug"] != "london"),
                    "{:?}",
                    log.body
                );
            }
        }
    }
}
