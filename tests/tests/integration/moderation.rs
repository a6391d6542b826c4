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
        backend::db::forum::Post::first_of(c, id)
            .unwrap()
            .unwrap()
            .id
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
    /// A reply moderators delete (and restore).
    spare: i64,
    /// A question and a reply to accept as its answer.
    question: i64,
    answer: i64,
    /// Members for the account actions: one to suspend, two pending.
    suspendable: i64,
    to_approve: i64,
    to_decline: i64,
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
    let reply_id = reply(
        app,
        author,
        thread_id,
        "We share a rota with the next borough.",
    )
    .await
    .body["id"]
        .as_i64()
        .unwrap();
    let held = reply(app, author, thread_id, "Her NHS number is 943 476 5919.").await;
    assert_eq!(held.body["status"], "held");
    let flagged = reply(app, author, thread_id, "Buy cheap watches here.")
        .await
        .body["id"]
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
    let appealed = reply(app, author, thread_id, "A reply that gets hidden.")
        .await
        .body["id"]
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
    let deleted_post = reply(app, author, thread_id, "A reply that gets deleted.")
        .await
        .body["id"]
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
    let spare = reply(app, author, thread_id, "A reply a moderator deletes.")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let question = app
        .post(
            "/api/threads",
            json!({"category": "london", "title": format!("Round {round}: who signs the AMHP report?"), "body": "Is it the AMHP or the lead?", "kind": "question"}),
            Some(author),
        )
        .await;
    assert_eq!(question.status, 201, "{:?}", question.body);
    let question = question.body["id"].as_i64().unwrap();
    let answer = reply(app, author, question, "The AMHP signs it.")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let suspendable = app
        .create_member(
            &format!("suspendable{round}@nhs.net"),
            &format!("Suspendable Person {round}"),
            "member",
        )
        .await;
    let to_approve = make_pending(
        app,
        &format!("approve{round}@nhs.net"),
        &format!("Approvable Person {round}"),
    )
    .await;
    let to_decline = make_pending(
        app,
        &format!("decline{round}@nhs.net"),
        &format!("Declinable Person {round}"),
    )
    .await;
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
        spare,
        question,
        answer,
        suspendable,
        to_approve,
        to_decline,
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
            let allowed = matches!(who, Who::SpaceModerator | Who::GlobalModerator | Who::Admin);
            // Members are refused everything; moderators elsewhere get 404 for what they can't
            // see as members (queue items, deleted content) and 403 for what they can.
            let hidden_from = |ok: u16| match who {
                Who::Member => 403,
                Who::OtherSpaceModerator => 404,
                _ => ok,
            };
            let visible_to = |ok: u16| if allowed { ok } else { 403 };
            // Accounts are moderated by global moderators and admins only: a space moderator
            // warns in their spaces but doesn't suspend, approve or decline anyone.
            let global_only = |ok: u16| {
                if matches!(who, Who::GlobalModerator | Who::Admin) {
                    ok
                } else {
                    403
                }
            };
            let until = (chrono::Utc::now() + chrono::TimeDelta::days(7)).to_rfc3339();
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
                    "PATCH",
                    format!("/api/posts/{}", fx.reply),
                    json!({"body": "We share a rota with the neighbouring borough.", "reason": "Tidying"}),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/restore", fx.deleted_post),
                    reason.clone(),
                    hidden_from(200),
                ),
                (
                    "DELETE",
                    format!("/api/posts/{}", fx.spare),
                    reason.clone(),
                    visible_to(204),
                ),
                (
                    "POST",
                    format!("/api/moderation/posts/{}/restore", fx.spare),
                    reason.clone(),
                    visible_to(200),
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
                    "PATCH",
                    format!("/api/threads/{}", fx.thread),
                    json!({"title": format!("Round {round}: AMHP rota cover at night"), "reason": "A clearer title"}),
                    visible_to(200),
                ),
                (
                    "POST",
                    format!("/api/threads/{}/slow-mode", fx.thread),
                    json!({"seconds": 600, "reason": "Heated thread"}),
                    visible_to(200),
                ),
                (
                    "PUT",
                    format!("/api/threads/{}/accepted", fx.question),
                    json!({"post_id": fx.answer, "reason": "The author asked us to"}),
                    visible_to(200),
                ),
                (
                    "DELETE",
                    format!("/api/threads/{}/accepted", fx.question),
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
                    "/api/members?status=pending".into(),
                    json!(null),
                    global_only(200),
                ),
                (
                    "GET",
                    format!("/api/members/{}", fx.to_approve),
                    json!(null),
                    global_only(200),
                ),
                (
                    "POST",
                    format!("/api/members/{}/suspend", fx.suspendable),
                    json!({"until": until, "reason": "Repeated case information"}),
                    global_only(200),
                ),
                (
                    "POST",
                    format!("/api/members/{}/unsuspend", fx.suspendable),
                    reason.clone(),
                    global_only(200),
                ),
                (
                    "POST",
                    format!("/api/members/{}/approve", fx.to_approve),
                    json!({"reason": "Known to the regional lead"}),
                    global_only(200),
                ),
                (
                    "POST",
                    format!("/api/members/{}/decline", fx.to_decline),
                    json!({"reason": "Not a social worker"}),
                    global_only(200),
                ),
                ("GET", "/api/moderation/log".into(), json!(null), 200),
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

async fn notifications(app: &TestApp, user: i64) -> Vec<(String, String)> {
    db(app, move |c| {
        backend::db::notifications::Notification::list_for(c, user, None, 100)
            .unwrap()
            .into_iter()
            .map(|n| (n.kind, n.message))
            .collect()
    })
    .await
}

async fn london_count(app: &TestApp, cookie: &str) -> i64 {
    let r = app.get("/api/categories", Some(cookie)).await;
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "london")
        .unwrap()["thread_count"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn flags_are_once_per_member_never_on_your_own_post_and_enough_of_them_hide_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let mut flaggers = Vec::new();
        for i in 0..3 {
            flaggers.push(
                app.member_with_role(
                    &format!("f{i}@nhs.net"),
                    &format!("Flagger Number {i}"),
                    "member",
                )
                .await,
            );
        }
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (t, _) = thread(&app, &author, "london", "Night cover", "Who covers nights?").await;
        let r = reply(&app, &author, t, "We use the EDT.").await.body["id"]
            .as_i64()
            .unwrap();

        let f0 = &flaggers[0].1;
        assert_eq!(flag(&app, f0, r, "off_topic").await.status, 201);
        assert_eq!(
            flag(&app, f0, r, "spam").await.status,
            409,
            "one per member"
        );
        assert_eq!(flag(&app, &author, r, "spam").await.status, 403, "own post");
        let other = app
            .post(
                &format!("/api/posts/{r}/flags"),
                json!({"reason": "other"}),
                Some(&flaggers[1].1),
            )
            .await;
        assert_eq!(other.status, 422);
        assert_eq!(other.field_errors(), vec!["details"]);
        let long = app
            .post(
                &format!("/api/posts/{r}/flags"),
                json!({"reason": "other", "details": "x".repeat(501)}),
                Some(&flaggers[1].1),
            )
            .await;
        assert_eq!(long.status, 422);
        // A held post can't be flagged by those who can't see it.
        let held = reply(&app, &author, t, "Her NHS number is 943 476 5919.").await;
        let held_id = held.body["id"].as_i64().unwrap();
        assert_eq!(flag(&app, f0, held_id, "spam").await.status, 404);
        // A watched word's flag doesn't count towards the threshold.
        db(&app, move |c| {
            backend::db::flags::raise_watched_word_flag(c, r, "rota").unwrap()
        })
        .await;

        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&reader))
                .await
                .body["thread"]["reply_count"],
            1
        );
        let detailed = app
            .post(
                &format!("/api/posts/{r}/flags"),
                json!({"reason": "other", "details": "Names a colleague"}),
                Some(&flaggers[1].1),
            )
            .await;
        assert_eq!(detailed.status, 201);
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert!(post_ids(&page).contains(&r), "two flags don't hide it");
        assert_eq!(
            flag(&app, &flaggers[2].1, r, "disrespectful").await.status,
            201
        );
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert!(!post_ids(&page).contains(&r), "three flags hide it");
        assert_eq!(page.body["thread"]["reply_count"], 0);
        let modview = app
            .get(&format!("/api/threads/{t}"), Some(&moderator))
            .await;
        let hidden = modview.body["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == r)
            .unwrap()
            .clone();
        assert_eq!(hidden["status"], "hidden");
        assert_eq!(
            hidden["held_reason"],
            "hidden after members' flags, awaiting review"
        );
        // The author's own view no longer shows it either.
        let own = app.get(&format!("/api/threads/{t}"), Some(&author)).await;
        assert!(!post_ids(&own).contains(&r));
        assert!(
            notifications(&app, author_id)
                .await
                .iter()
                .any(|(k, m)| k == "moderation" && m.contains("hidden after members flagged"))
        );
        let log = app
            .get(
                "/api/moderation/log?action=post.hidden_by_flags",
                Some(&moderator),
            )
            .await;
        assert_eq!(log.body["items"][0]["automatic"], true);
        assert!(log.body["items"][0]["actor"].is_null());

        // The queue shows all four flags, the watched word among them.
        let queue = app
            .get("/api/moderation/queue?kind=flagged", Some(&moderator))
            .await;
        let item = &queue.body["items"][0];
        assert_eq!(item["id"], format!("post-{r}"));
        assert_eq!(item["summary"]["flag_count"], 4);
        let flags = item["summary"]["flags"].as_array().unwrap();
        assert!(
            flags
                .iter()
                .any(|f| f["reason"] == "watched_word" && f["details"] == "rota")
        );
        assert!(flags.iter().any(|f| f["details"] == "Names a colleague"));

        // Flags on a first post hide the whole thread: gone from the list and the count.
        let (t2, first2) = thread(&app, &author, "london", "Second thread", "Opening post").await;
        assert_eq!(london_count(&app, &reader).await, 2);
        for (_, cookie) in &flaggers {
            assert_eq!(flag(&app, cookie, first2, "spam").await.status, 201);
        }
        assert_eq!(
            app.get(&format!("/api/threads/{t2}"), Some(&reader))
                .await
                .status,
            404
        );
        assert_eq!(london_count(&app, &reader).await, 1);
        let list = app
            .get("/api/categories/london/threads", Some(&reader))
            .await;
        assert!(
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["id"] != t2)
        );
        assert_eq!(list.body["space"]["thread_count"], 1);
    }
}

#[tokio::test]
async fn suspended_members_can_read_but_not_post_or_flag() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (sid, suspended) = app
            .member_with_role("s@nhs.net", "Suspended Person", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (t, first) = thread(&app, &author, "london", "A thread to read", "Body").await;
        let until = (chrono::Utc::now() + chrono::TimeDelta::days(2)).to_rfc3339();
        let r = app
            .post(
                &format!("/api/members/{sid}/suspend"),
                json!({"until": until, "reason": "Cooling off"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&suspended))
                .await
                .status,
            200
        );
        let replied = app
            .post(
                &format!("/api/threads/{t}/posts"),
                json!({"body": "hello"}),
                Some(&suspended),
            )
            .await;
        assert_eq!(replied.status, 403);
        assert_eq!(flag(&app, &suspended, first, "spam").await.status, 403);
        let started = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "New thread", "body": "x"}),
                Some(&suspended),
            )
            .await;
        assert_eq!(started.status, 403);
    }
}

#[tokio::test]
async fn the_queue_brings_items_together_filters_and_pages_them_and_claims_conflict() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, newcomer) = app
            .member_with_role("new@nhs.net", "New Member", "member")
            .await;
        let (_, flagger) = app
            .member_with_role("flagger@nhs.net", "Flagger Person", "member")
            .await;
        let (_, global) = app
            .member_with_role("global@nhs.net", "Global Moderator", "moderator")
            .await;
        let (_, other_global) = app
            .member_with_role("global2@nhs.net", "Second Moderator", "moderator")
            .await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, london_mod) =
            space_moderator(&app, "lm@nhs.net", "London Space Mod", &["london"]).await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;

        // A newcomer's held thread in London.
        let (held_thread, held_first) = thread(
            &app,
            &newcomer,
            "london",
            "Supervision in a busy team",
            "How do you fit it in?",
        )
        .await;
        // A thread with case information in the North West, held with findings.
        let (_, case_first) = thread(
            &app,
            &newcomer,
            "north-west",
            "Advice on a referral",
            "Her NHS number is 943 476 5919.",
        )
        .await;
        // A flagged visible post in London.
        app.approve_thread(held_thread, &global).await;
        let flagged = db(&app, move |c| {
            backend::db::forum::Post::first_of(c, held_thread)
                .unwrap()
                .unwrap()
                .id
        })
        .await;
        assert_eq!(flagged, held_first);
        assert_eq!(flag(&app, &flagger, flagged, "off_topic").await.status, 201);
        let pending = make_pending(&app, "p@nhs.net", "Pending Person").await;

        assert_eq!(
            app.get("/api/moderation/queue", Some(&member)).await.status,
            403
        );
        let all = app.get("/api/moderation/queue", Some(&global)).await;
        assert_eq!(all.status, 200, "{:?}", all.body);
        let listed = ids(&all);
        assert_eq!(
            listed,
            vec![
                format!("post-{case_first}"),
                format!("post-{flagged}"),
                format!("member-{pending}")
            ],
            "oldest first"
        );
        let items = all.body["items"].as_array().unwrap();
        let case = &items[0];
        assert_eq!(case["kind"], "held");
        assert_eq!(case["space"]["slug"], "north-west");
        assert_eq!(case["summary"]["thread_title"], "Advice on a referral");
        assert_eq!(case["summary"]["is_first_post"], true);
        assert_eq!(case["summary"]["author"]["name"], "New Member");
        assert_eq!(case["summary"]["held_reason"], "possible case information");
        assert!(
            case["summary"]["body_html"]
                .as_str()
                .unwrap()
                .contains("NHS number")
        );
        assert!(!case["summary"]["findings"].as_array().unwrap().is_empty());
        let flagged_item = &items[1];
        assert_eq!(flagged_item["kind"], "flagged");
        assert_eq!(flagged_item["summary"]["flag_count"], 1);
        assert_eq!(flagged_item["summary"]["flags"][0]["reason"], "off_topic");
        let member_item = &items[2];
        assert_eq!(member_item["kind"], "member");
        assert!(member_item["space"].is_null());
        assert_eq!(
            member_item["summary"]["member"]["organisation"],
            "Test Trust"
        );
        assert_eq!(member_item["summary"]["member"]["job_role"], "Tester");
        assert_eq!(member_item["summary"]["member"]["region"], "national");

        // Filters.
        let held = app
            .get("/api/moderation/queue?kind=held", Some(&global))
            .await;
        assert_eq!(ids(&held), vec![format!("post-{case_first}")]);
        let nw = app
            .get("/api/moderation/queue?space=north-west", Some(&global))
            .await;
        assert_eq!(ids(&nw), vec![format!("post-{case_first}")]);
        let members = app
            .get("/api/moderation/queue?kind=member", Some(&global))
            .await;
        assert_eq!(ids(&members), vec![format!("member-{pending}")]);
        assert_eq!(
            app.get("/api/moderation/queue?space=nowhere", Some(&global))
                .await
                .status,
            422
        );
        // A space moderator sees only their space's items, and no pending members.
        let theirs = app.get("/api/moderation/queue", Some(&london_mod)).await;
        assert_eq!(ids(&theirs), vec![format!("post-{flagged}")]);

        // Pages.
        let first = app
            .get("/api/moderation/queue?limit=2", Some(&global))
            .await;
        assert_eq!(ids(&first).len(), 2);
        let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
        let second = app
            .get(
                &format!("/api/moderation/queue?limit=2&cursor={cursor}"),
                Some(&global),
            )
            .await;
        assert_eq!(ids(&second), vec![format!("member-{pending}")]);
        assert!(second.body["next_cursor"].is_null());
        assert_eq!(
            app.get("/api/moderation/queue?cursor=rubbish", Some(&global))
                .await
                .status,
            422
        );

        // Claims.
        let item = format!("post-{case_first}");
        let claim = |cookie: &str| {
            let path = format!("/api/moderation/queue/{item}/claim");
            let cookie = cookie.to_owned();
            let app = &app;
            async move { app.post(&path, json!(null), Some(&cookie)).await }
        };
        let release = |cookie: &str| {
            let path = format!("/api/moderation/queue/{item}/claim");
            let cookie = cookie.to_owned();
            let app = &app;
            async move { app.send("DELETE", &path, json!(null), Some(&cookie)).await }
        };
        assert_eq!(claim(&global).await.status, 200);
        assert_eq!(claim(&global).await.status, 200, "claiming again is fine");
        assert_eq!(claim(&other_global).await.status, 409);
        assert_eq!(release(&other_global).await.status, 409);
        let listed = app
            .get("/api/moderation/queue?kind=held", Some(&global))
            .await;
        assert_eq!(
            listed.body["items"][0]["claimed_by"]["name"],
            "Global Moderator"
        );
        assert_eq!(claim(&admin).await.status, 200, "admins take over");
        assert_eq!(release(&global).await.status, 409);
        assert_eq!(release(&admin).await.status, 204);
        let listed = app
            .get("/api/moderation/queue?kind=held", Some(&global))
            .await;
        assert!(listed.body["items"][0]["claimed_by"].is_null());
        assert_eq!(
            app.post(
                "/api/moderation/queue/post-999999/claim",
                json!(null),
                Some(&global)
            )
            .await
            .status,
            404
        );
        assert_eq!(claim(&london_mod).await.status, 404, "not their space");
        // Deciding releases the claim and takes the item out of the queue.
        assert_eq!(claim(&other_global).await.status, 200);
        assert_eq!(decide(&app, &global, &item, "reject").await.status, 200);
        assert_eq!(decide(&app, &global, &item, "approve").await.status, 404);
        let after = app.get("/api/moderation/queue", Some(&global)).await;
        assert!(!ids(&after).contains(&item));
    }
}

#[tokio::test]
async fn each_decision_does_what_it_says_and_tells_the_author_and_flaggers() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (newcomer_id, newcomer) = app
            .member_with_role("new@nhs.net", "New Member", "member")
            .await;
        let (flagger_id, flagger) = app
            .member_with_role("flagger@nhs.net", "Flagger Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;

        // Approve: a held thread is published, with its count.
        let (t, first) = thread(
            &app,
            &newcomer,
            "london",
            "Supervision models",
            "Which one?",
        )
        .await;
        assert_eq!(london_count(&app, &reader).await, 0);
        let approved = decide(&app, &moderator, &format!("post-{first}"), "approve").await;
        assert_eq!(approved.status, 200, "{:?}", approved.body);
        assert_eq!(approved.body["status"], "visible");
        assert_eq!(london_count(&app, &reader).await, 1);
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&reader))
                .await
                .status,
            200
        );
        let told = notifications(&app, newcomer_id).await;
        assert!(
            told.iter().any(|(k, m)| k == "moderation"
                && m == "A moderator approved your thread in “Supervision models”."),
            "{told:?}"
        );

        // Reject: a held reply stays out of everyone's view, its author's too.
        let rejected = reply(&app, &newcomer, t, "My second post, rejected.").await;
        assert_eq!(rejected.body["status"], "held");
        let rejected_id = rejected.body["id"].as_i64().unwrap();
        let own = app.get(&format!("/api/threads/{t}"), Some(&newcomer)).await;
        assert!(
            post_ids(&own).contains(&rejected_id),
            "held: its author sees it"
        );
        let r = app
            .post(
                &format!("/api/moderation/queue/post-{rejected_id}/decision"),
                json!({"action": "reject", "reason": "Off topic", "message": "Please start a new thread for this."}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "hidden");
        for cookie in [&newcomer, &reader] {
            let page = app.get(&format!("/api/threads/{t}"), Some(cookie)).await;
            assert!(!post_ids(&page).contains(&rejected_id));
            assert_eq!(page.body["thread"]["reply_count"], 0);
        }
        let told = notifications(&app, newcomer_id).await;
        assert_eq!(told[0].1, "Please start a new thread for this.");
        assert!(
            told.iter().all(|(_, m)| !m.contains("rejected.")),
            "no post text"
        );

        // Approving a flagged post resolves its flags and tells the flaggers.
        put_setting(&app, "held_first_posts", 0).await;
        let kept = reply(&app, &newcomer, t, "A fine reply.").await.body["id"]
            .as_i64()
            .unwrap();
        assert_eq!(flag(&app, &flagger, kept, "spam").await.status, 201);
        let r = decide(&app, &moderator, &format!("post-{kept}"), "approve").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "visible");
        let told = notifications(&app, flagger_id).await;
        assert_eq!(told[0].0, "flag_outcome");
        assert!(told[0].1.contains("decided it can stay"));
        assert!(!told[0].1.contains("fine reply"));
        let open = app
            .get("/api/moderation/queue?kind=flagged", Some(&moderator))
            .await;
        assert!(ids(&open).is_empty());

        // A post hidden by flags comes back when approved, and is counted again.
        put_setting(&app, "flag_hide_threshold", 1).await;
        assert_eq!(flag(&app, &reader, kept, "off_topic").await.status, 201);
        let page = app.get(&format!("/api/threads/{t}"), Some(&flagger)).await;
        assert!(!post_ids(&page).contains(&kept));
        assert_eq!(page.body["thread"]["reply_count"], 0);
        assert_eq!(
            decide(&app, &moderator, &format!("post-{kept}"), "approve")
                .await
                .status,
            200
        );
        let page = app.get(&format!("/api/threads/{t}"), Some(&flagger)).await;
        assert!(post_ids(&page).contains(&kept));
        assert_eq!(page.body["thread"]["reply_count"], 1);

        // Hide: a flagged post goes out of view; the flaggers hear it was taken out of view.
        let spam = reply(&app, &newcomer, t, "Cheap watches").await.body["id"]
            .as_i64()
            .unwrap();
        put_setting(&app, "flag_hide_threshold", 3).await;
        assert_eq!(flag(&app, &flagger, spam, "spam").await.status, 201);
        let r = decide(&app, &moderator, &format!("post-{spam}"), "hide").await;
        assert_eq!(r.body["status"], "hidden");
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert!(!post_ids(&page).contains(&spam));
        assert!(
            notifications(&app, flagger_id).await[0]
                .1
                .contains("taken it out of view")
        );

        // Reasons are required, and bounded; members take approve or reject only.
        let (_, held_first) =
            thread(&app, &reader, "london", "Case question", "DOB 12/03/1987").await;
        let item = format!("post-{held_first}");
        for body in [
            json!({"action": "approve"}),
            json!({"action": "approve", "reason": "  "}),
            json!({"action": "approve", "reason": "x".repeat(501)}),
        ] {
            let r = app
                .post(
                    &format!("/api/moderation/queue/{item}/decision"),
                    body,
                    Some(&moderator),
                )
                .await;
            assert_eq!(r.status, 422);
            assert_eq!(r.field_errors(), vec!["reason"]);
        }
        let pending = make_pending(&app, "p@nhs.net", "Pending Person").await;
        let r = decide(&app, &moderator, &format!("member-{pending}"), "hide").await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["action"]);
        // Declining through the queue is the members API's decline: audit row and e-mail.
        let r = decide(&app, &moderator, &format!("member-{pending}"), "reject").await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "declined");
        assert!(
            app.audit_actions(pending)
                .await
                .contains(&"member.declined".to_owned())
        );
        assert!(!app.mails_to("p@nhs.net").await.is_empty());
        let approved_member = make_pending(&app, "q@nhs.net", "Queued Person").await;
        let r = decide(
            &app,
            &moderator,
            &format!("member-{approved_member}"),
            "approve",
        )
        .await;
        assert_eq!(r.body["status"], "active");
        assert!(
            app.mails_to("q@nhs.net").await[0]
                .subject
                .contains("approved")
        );

        // Every decision is in the log with its space and reason.
        let log = app.get("/api/moderation/log", Some(&moderator)).await;
        let actions: Vec<&str> = log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for a in [
            "post.approved",
            "post.rejected",
            "post.hidden",
            "member.declined",
            "member.approved",
        ] {
            assert!(actions.contains(&a), "{a} in {actions:?}");
        }
        let rejected_entry = log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "post.rejected")
            .unwrap();
        assert_eq!(rejected_entry["space"]["slug"], "london");
        assert_eq!(rejected_entry["reason"], "Off topic");
        assert_eq!(
            rejected_entry["message"],
            "Please start a new thread for this."
        );
        assert_eq!(rejected_entry["actor"]["name"], "Mod Person");
        assert_eq!(rejected_entry["target"]["label"], "Supervision models");
    }
}

#[tokio::test]
async fn redaction_removes_the_text_from_the_post_its_revisions_and_the_log_for_good() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (t, _) = thread(
            &app,
            &author,
            "london",
            "Tricky visit",
            "How would you handle it?",
        )
        .await;
        let p = reply(&app, &author, t, "Mrs Acacia on Primrose Lane was upset.")
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        for body in ["Mrs Acacia was upset.", "Mrs Acacia was very upset."] {
            let r = app
                .send(
                    "PATCH",
                    &format!("/api/posts/{p}"),
                    json!({"body": body}),
                    Some(&author),
                )
                .await;
            assert_eq!(r.status, 200);
        }
        let outbox_before = db(&app, move |c| {
            use backend::db::schema::search_outbox;
            use diesel::prelude::*;
            search_outbox::table
                .filter(search_outbox::entity_id.eq(p))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
        let r = app
            .post(
                &format!("/api/moderation/posts/{p}/redact"),
                json!({"reason": "Identifies a person who uses services"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert!(r.body["note"].as_str().unwrap().contains("can't be undone"));

        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        let html = page.body["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == p)
            .unwrap()["body_html"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(html, "<p class=\"app-redacted\">Removed by moderators.</p>");
        let revisions = app
            .get(&format!("/api/posts/{p}/revisions"), Some(&author))
            .await;
        let items = revisions.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert!(
            items
                .iter()
                .all(|r| !r["body_markdown"].as_str().unwrap().contains("Acacia"))
        );
        let (post, revision_rows, audit, outbox_after) = db(&app, move |c| {
            use backend::db::schema::{audit_log, post_revisions, search_outbox};
            use diesel::prelude::*;
            let post = backend::db::forum::Post::find(c, p).unwrap().unwrap();
            let revision_rows: Vec<String> = post_revisions::table
                .filter(post_revisions::post_id.eq(p))
                .select(post_revisions::body_markdown)
                .load(c)
                .unwrap();
            let audit: Vec<(Option<String>, Option<String>, Option<String>)> = audit_log::table
                .select((audit_log::reason, audit_log::details, audit_log::message))
                .load(c)
                .unwrap();
            let outbox_after = search_outbox::table
                .filter(search_outbox::entity_id.eq(p))
                .count()
                .get_result::<i64>(c)
                .unwrap();
            (post, revision_rows, audit, outbox_after)
        })
        .await;
        assert!(post.redacted);
        for text in [&post.body_markdown, &post.body_html, &post.body_text] {
            assert!(!text.contains("Acacia"), "{text}");
        }
        assert!(revision_rows.iter().all(|r| !r.contains("Acacia")));
        assert!(
            audit
                .iter()
                .flat_map(|(a, b, c)| [a, b, c])
                .flatten()
                .all(|t| !t.contains("Acacia"))
        );
        assert!(outbox_after > outbox_before, "the index is told");

        // No way back: restoring a deleted redacted post brings back the marker only.
        assert_eq!(
            app.post(
                &format!("/api/moderation/posts/{p}/redact"),
                json!({"reason": "again"}),
                Some(&moderator)
            )
            .await
            .status,
            409
        );
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/posts/{p}"),
                json!({"reason": "Tidy up"}),
                Some(&moderator)
            )
            .await
            .status,
            204
        );
        let restored = app
            .post(
                &format!("/api/moderation/posts/{p}/restore"),
                json!({"reason": "Deleted by mistake"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(restored.status, 200);
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        let body = page.body.to_string();
        assert!(!body.contains("Acacia"));
        assert!(body.contains("Removed by moderators."));
        assert_eq!(
            app.send(
                "PATCH",
                &format!("/api/posts/{p}"),
                json!({"body": "Mrs Acacia again"}),
                Some(&author)
            )
            .await
            .status,
            409,
            "a redacted post can't be edited back"
        );

        // Redacting a held post through the queue keeps it out of view.
        let held = reply(&app, &author, t, "Her NHS number is 943 476 5919.")
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let r = decide(&app, &moderator, &format!("post-{held}"), "redact").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "hidden");
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert!(!post_ids(&page).contains(&held));
        assert!(!page.body.to_string().contains("943 476 5919"));
    }
}

async fn action(app: &TestApp, cookie: &str, path: &str, reason: &str) -> Reply {
    app.post(path, json!({"reason": reason}), Some(cookie))
        .await
}

#[tokio::test]
async fn appeals_are_once_per_decision_by_its_subject_and_need_another_moderator() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, other) = app
            .member_with_role("other@nhs.net", "Other Member", "member")
            .await;
        let (_, first_mod) = app
            .member_with_role("mod1@nhs.net", "First Moderator", "moderator")
            .await;
        let (_, second_mod) = app
            .member_with_role("mod2@nhs.net", "Second Moderator", "moderator")
            .await;
        let (t, _) = thread(&app, &author, "london", "Rota swaps", "Anyone swapping?").await;
        let p = reply(&app, &author, t, "I can swap Tuesday.").await.body["id"]
            .as_i64()
            .unwrap();
        let hidden = action(
            &app,
            &first_mod,
            &format!("/api/moderation/posts/{p}/hide"),
            "Looks personal",
        )
        .await;
        let log_id = hidden.body["log_id"].as_i64().unwrap();
        let appeal_path = format!("/api/moderation/log/{log_id}/appeal");

        // The author's log shows it, appealable, without naming the moderator.
        let own = app.get("/api/moderation/log", Some(&author)).await;
        let entry = &own.body["items"][0];
        assert_eq!(entry["id"], log_id);
        assert_eq!(entry["appealable"], true);
        assert!(entry["actor"].is_null());
        assert_eq!(entry["automatic"], false);

        assert_eq!(
            app.post(
                &appeal_path,
                json!({"text": "Not mine to appeal"}),
                Some(&other)
            )
            .await
            .status,
            404
        );
        let empty = app
            .post(&appeal_path, json!({"text": " "}), Some(&author))
            .await;
        assert_eq!(empty.status, 422);
        assert_eq!(empty.field_errors(), vec!["text"]);
        let long = app
            .post(
                &appeal_path,
                json!({"text": "x".repeat(2001)}),
                Some(&author),
            )
            .await;
        assert_eq!(long.status, 422);
        let appeal = app
            .post(
                &appeal_path,
                json!({"text": "It was about a rota, nothing personal."}),
                Some(&author),
            )
            .await;
        assert_eq!(appeal.status, 201, "{:?}", appeal.body);
        let item = appeal.body["item_id"].as_str().unwrap().to_owned();
        assert_eq!(
            app.post(&appeal_path, json!({"text": "Again"}), Some(&author))
                .await
                .status,
            409,
            "once per decision"
        );
        // Pinning is not a decision against the member.
        let pinned = action(
            &app,
            &first_mod,
            &format!("/api/moderation/threads/{t}/pin"),
            "Useful",
        )
        .await;
        assert_eq!(
            app.post(
                &format!("/api/moderation/log/{}/appeal", pinned.body["log_id"]),
                json!({"text": "Please unpin"}),
                Some(&author)
            )
            .await
            .status,
            409
        );

        let queue = app
            .get("/api/moderation/queue?kind=appeal", Some(&second_mod))
            .await;
        assert_eq!(ids(&queue), vec![item.clone()]);
        let summary = &queue.body["items"][0]["summary"]["appeal"];
        assert_eq!(summary["text"], "It was about a rota, nothing personal.");
        assert_eq!(summary["decision"]["action"], "post.hidden");
        assert_eq!(summary["decision"]["reason"], "Looks personal");
        assert_eq!(queue.body["items"][0]["space"]["slug"], "london");

        let own_decision = decide(&app, &first_mod, &item, "approve").await;
        assert_eq!(own_decision.status, 403);
        assert!(
            own_decision.body["detail"]
                .as_str()
                .unwrap()
                .contains("different moderator")
        );
        assert_eq!(decide(&app, &second_mod, &item, "redact").await.status, 422);
        let overturned = decide(&app, &second_mod, &item, "approve").await;
        assert_eq!(overturned.status, 200, "{:?}", overturned.body);
        assert_eq!(overturned.body["status"], "overturned");
        let page = app.get(&format!("/api/threads/{t}"), Some(&other)).await;
        assert!(post_ids(&page).contains(&p), "the post is back");
        assert!(
            notifications(&app, author_id)
                .await
                .iter()
                .any(|(_, m)| m.contains("reversed the decision"))
        );
        assert_eq!(
            decide(&app, &second_mod, &item, "approve").await.status,
            404
        );

        // A redaction can be appealed, but its text can't come back.
        let redacted = action(
            &app,
            &first_mod,
            &format!("/api/moderation/posts/{p}/redact"),
            "Names someone",
        )
        .await;
        let a = app
            .post(
                &format!("/api/moderation/log/{}/appeal", redacted.body["log_id"]),
                json!({"text": "It named nobody."}),
                Some(&author),
            )
            .await;
        let r = decide(
            &app,
            &second_mod,
            a.body["item_id"].as_str().unwrap(),
            "approve",
        )
        .await;
        assert!(
            r.body["note"]
                .as_str()
                .unwrap()
                .contains("can't be brought back")
        );
        let page = app.get(&format!("/api/threads/{t}"), Some(&other)).await;
        assert!(!page.body.to_string().contains("swap Tuesday"));

        // A suspended member can appeal their suspension; upholding keeps it, overturning lifts it.
        let until = (chrono::Utc::now() + chrono::TimeDelta::days(3)).to_rfc3339();
        let s = app
            .post(
                &format!("/api/members/{author_id}/suspend"),
                json!({"until": until, "reason": "Repeated case details"}),
                Some(&first_mod),
            )
            .await;
        assert_eq!(s.status, 200);
        let log = app
            .get("/api/moderation/log?action=member.suspended", Some(&author))
            .await;
        let suspension = log.body["items"][0]["id"].as_i64().unwrap();
        let a = app
            .post(
                &format!("/api/moderation/log/{suspension}/appeal"),
                json!({"text": "I removed them myself."}),
                Some(&author),
            )
            .await;
        assert_eq!(a.status, 201, "{:?}", a.body);
        let r = decide(
            &app,
            &second_mod,
            a.body["item_id"].as_str().unwrap(),
            "approve",
        )
        .await;
        assert_eq!(r.status, 200);
        let replied = app
            .post(
                &format!("/api/threads/{t}/posts"),
                json!({"body": "Back again"}),
                Some(&author),
            )
            .await;
        assert_eq!(replied.status, 201, "the suspension is lifted");

        // Upholding a warning leaves it, and says so.
        let w = app
            .post(
                &format!("/api/members/{author_id}/warn"),
                json!({"message": "Please keep to the guidelines.", "reason": "Tone"}),
                Some(&first_mod),
            )
            .await;
        assert_eq!(w.status, 200, "{:?}", w.body);
        assert!(
            app.mails_to("author@nhs.net")
                .await
                .iter()
                .any(|m| m.body_text.contains("Please keep to the guidelines."))
        );
        let a = app
            .post(
                &format!("/api/moderation/log/{}/appeal", w.body["log_id"]),
                json!({"text": "I was polite."}),
                Some(&author),
            )
            .await;
        let r = decide(
            &app,
            &second_mod,
            a.body["item_id"].as_str().unwrap(),
            "reject",
        )
        .await;
        assert_eq!(r.body["status"], "upheld");
        assert!(
            notifications(&app, author_id)
                .await
                .iter()
                .any(|(_, m)| m.contains("upheld the decision"))
        );
    }
}

#[tokio::test]
async fn the_log_shows_each_role_only_its_part() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, bystander) = app
            .member_with_role("by@nhs.net", "Bystander Person", "member")
            .await;
        let (_, global) = app
            .member_with_role("global@nhs.net", "Global Moderator", "moderator")
            .await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, london_mod) =
            space_moderator(&app, "lm@nhs.net", "London Space Mod", &["london"]).await;
        let (lt, _) = thread(&app, &author, "london", "London thread", "Body").await;
        let lp = reply(&app, &author, lt, "A London reply").await.body["id"]
            .as_i64()
            .unwrap();
        let (nt, _) = thread(&app, &bystander, "north-west", "North West thread", "Body").await;
        assert_eq!(
            action(
                &app,
                &global,
                &format!("/api/moderation/posts/{lp}/hide"),
                "r1"
            )
            .await
            .status,
            200
        );
        assert_eq!(
            action(
                &app,
                &global,
                &format!("/api/moderation/threads/{lt}/lock"),
                "r2"
            )
            .await
            .status,
            200
        );
        assert_eq!(
            action(
                &app,
                &global,
                &format!("/api/moderation/threads/{nt}/hide"),
                "r3"
            )
            .await
            .status,
            200
        );

        let all = app.get("/api/moderation/log", Some(&global)).await;
        assert_eq!(all.body["items"].as_array().unwrap().len(), 3);
        assert_eq!(all.body["items"][0]["target"]["label"], "North West thread");
        let london = app.get("/api/moderation/log", Some(&london_mod)).await;
        let entries = london.body["items"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|e| e["space"]["slug"] == "london"));
        assert_eq!(entries[0]["actor"]["name"], "Global Moderator");
        let mine = app.get("/api/moderation/log", Some(&author)).await;
        let entries = mine.body["items"].as_array().unwrap();
        assert_eq!(
            entries.len(),
            2,
            "the author's hidden post and locked thread"
        );
        assert_eq!(entries[1]["target"]["label"], "London thread");
        assert!(entries.iter().all(|e| e["actor"].is_null()));
        // The bystander's own thread is hidden: the entry is theirs, the title is not shown.
        let theirs = app.get("/api/moderation/log", Some(&bystander)).await;
        let entries = theirs.body["items"].as_array().unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0]["target"]["label"].is_null());

        // Filters.
        let hides = app
            .get("/api/moderation/log?action=post.hidden", Some(&global))
            .await;
        assert_eq!(hides.body["items"].as_array().unwrap().len(), 1);
        let nw = app
            .get("/api/moderation/log?space=north-west", Some(&global))
            .await;
        assert_eq!(nw.body["items"].as_array().unwrap().len(), 1);
        let threads = app
            .get(
                "/api/moderation/log?target_type=thread&limit=1",
                Some(&global),
            )
            .await;
        assert_eq!(threads.body["items"].as_array().unwrap().len(), 1);
        let next = threads.body["next_cursor"].as_str().unwrap().to_owned();
        let rest = app
            .get(
                &format!("/api/moderation/log?target_type=thread&limit=1&cursor={next}"),
                Some(&global),
            )
            .await;
        assert_eq!(rest.body["items"][0]["action"], "thread.locked");
        let from = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339();
        let later = app
            .get(
                &format!("/api/moderation/log?from={}", from.replace('+', "%2B")),
                Some(&global),
            )
            .await;
        assert_eq!(later.body["items"].as_array().unwrap().len(), 0);

        // The admins' audit page still lists everything, the new columns alongside.
        let audit = app
            .get(
                &format!("/api/admin/audit?action=post.hidden&target_id={lp}"),
                Some(&admin),
            )
            .await;
        assert_eq!(audit.status, 200);
        assert_eq!(audit.body["items"][0]["action"], "post.hidden");
        let _ = author_id;
    }
}

#[tokio::test]
async fn slow_mode_thread_edits_and_accepted_answers_are_logged_in_their_space_for_the_author() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, replier) = app
            .member_with_role("replier@nhs.net", "Replier Person", "member")
            .await;
        let (_, global) = app
            .member_with_role("global@nhs.net", "Global Moderator", "moderator")
            .await;
        let (_, london_mod) =
            space_moderator(&app, "lm@nhs.net", "London Space Mod", &["london"]).await;
        let (_, other_mod) =
            space_moderator(&app, "nw@nhs.net", "North West Space Mod", &["north-west"]).await;
        let r = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "Who signs the AMHP report?", "body": "Is it the AMHP or the lead?", "kind": "question", "tags": ["amhp"]}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let question = r.body["id"].as_i64().unwrap();
        let answer = reply(&app, &replier, question, "The AMHP signs it.")
            .await
            .body["id"]
            .as_i64()
            .unwrap();

        // Each of these needs a reason from a moderator: missing (400) or blank (422).
        let slow = format!("/api/threads/{question}/slow-mode");
        let edit = format!("/api/threads/{question}");
        let accepted = format!("/api/threads/{question}/accepted");
        let no_reason = app
            .post(&slow, json!({"seconds": 600}), Some(&london_mod))
            .await;
        assert_eq!(no_reason.status, 400, "{:?}", no_reason.body);
        assert!(
            no_reason
                .content_type()
                .starts_with("application/problem+json")
        );
        for (method, path, body) in [
            ("POST", &slow, json!({"seconds": 600, "reason": " "})),
            (
                "PATCH",
                &edit,
                json!({"title": "Who signs an AMHP report?"}),
            ),
            (
                "PATCH",
                &edit,
                json!({"tags": ["amhp", "reports"], "reason": ""}),
            ),
            ("PUT", &accepted, json!({"post_id": answer})),
            ("DELETE", &accepted, json!({})),
        ] {
            let r = app.send(method, path, body, Some(&london_mod)).await;
            assert_eq!(r.status, 422, "{method} {path}: {:?}", r.body);
            assert_eq!(r.field_errors(), vec!["reason"], "{method} {path}");
        }
        assert_eq!(
            app.get("/api/moderation/log", Some(&global)).await.body["items"],
            json!([])
        );

        let calls = [
            (
                "POST",
                &slow,
                json!({"seconds": 600, "reason": "Heated thread"}),
            ),
            (
                "PATCH",
                &edit,
                json!({"title": "Who signs the AMHP's report?", "tags": ["amhp", "reports"], "reason": "A clearer title"}),
            ),
            (
                "PUT",
                &accepted,
                json!({"post_id": answer, "reason": "The author asked us to"}),
            ),
            ("DELETE", &accepted, json!({"reason": "Chosen by mistake"})),
        ];
        for (method, path, body) in calls {
            let r = app.send(method, path, body, Some(&london_mod)).await;
            assert_eq!(r.status, 200, "{method} {path}: {:?}", r.body);
        }

        let expected = [
            ("thread.answer_cleared", "Chosen by mistake"),
            ("thread.answer_accepted", "The author asked us to"),
            ("thread.edited", "A clearer title"),
            ("thread.slow_mode", "Heated thread"),
        ];
        let listed = |r: &Reply| -> Vec<(String, String)> {
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["action"].as_str().unwrap_or_default().to_owned(),
                        e["reason"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        };
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, r)| ((*a).to_owned(), (*r).to_owned()))
            .collect();

        // The space moderator finds them in their space's log.
        let log = app
            .get("/api/moderation/log?space=london", Some(&london_mod))
            .await;
        assert_eq!(log.status, 200, "{:?}", log.body);
        assert_eq!(listed(&log), expected);
        for e in log.body["items"].as_array().unwrap() {
            assert_eq!(e["space"]["slug"], "london");
            assert_eq!(e["target"]["type"], "thread");
            assert_eq!(e["target"]["id"], question);
            assert_eq!(e["target"]["label"], "Who signs the AMHP's report?");
            assert_eq!(e["actor"]["name"], "London Space Mod");
            assert_eq!(e["appealable"], false);
        }
        // Titles keep no revisions: the entry keeps the old title and tags.
        let details: Value =
            serde_json::from_str(log.body["items"][2]["details"].as_str().unwrap()).unwrap();
        assert_eq!(details["title"]["from"], "Who signs the AMHP report?");
        assert_eq!(details["title"]["to"], "Who signs the AMHP's report?");
        assert_eq!(details["tags"]["from"], json!(["amhp"]));
        assert_eq!(details["tags"]["to"], json!(["amhp", "reports"]));
        let details: Value =
            serde_json::from_str(log.body["items"][3]["details"].as_str().unwrap()).unwrap();
        assert_eq!(details, json!({"from": 0, "to": 600}));
        let slow_only = app
            .get("/api/moderation/log?action=thread.slow_mode", Some(&global))
            .await;
        assert_eq!(slow_only.body["items"].as_array().unwrap().len(), 1);

        // The thread's author sees the entries about their thread, without the moderator's name.
        let own = app.get("/api/moderation/log", Some(&author)).await;
        assert_eq!(listed(&own), expected);
        assert!(
            own.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["actor"].is_null())
        );
        // Nobody else's content: the replier and a moderator of another space see none of it.
        assert_eq!(
            app.get("/api/moderation/log", Some(&replier)).await.body["items"],
            json!([])
        );
        for path in ["/api/moderation/log", "/api/moderation/log?space=london"] {
            let theirs = app.get(path, Some(&other_mod)).await;
            assert_eq!(theirs.status, 200);
            assert_eq!(theirs.body["items"], json!([]), "{path}");
        }
        let _ = author_id;
    }
}

#[tokio::test]
async fn moderators_edits_are_held_for_case_information_like_anyone_elses() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, london_mod) =
            space_moderator(&app, "lm@nhs.net", "London Space Mod", &["london"]).await;
        let (_, global) = app
            .member_with_role("global@nhs.net", "Global Moderator", "moderator")
            .await;
        let (t, _) = thread(
            &app,
            &author,
            "london",
            "Section 12 doctors",
            "Who do you call?",
        )
        .await;
        let theirs = reply(&app, &author, t, "We use the regional list.")
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let another = reply(&app, &author, t, "Ours is kept by the AMHP hub.")
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let own = reply(&app, &london_mod, t, "The list is on the intranet.").await;
        assert_eq!(own.body["status"], "visible");
        let own = own.body["id"].as_i64().unwrap();

        // A moderator's edits, of someone else's post or their own, are held.
        for (post, cookie, body) in [
            (
                theirs,
                &london_mod,
                json!({"body": "We use the list for 943 476 5919.", "reason": "Added the detail they asked for"}),
            ),
            (
                own,
                &london_mod,
                json!({"body": "The list is kept at LS1 4AP."}),
            ),
            (
                another,
                &global,
                json!({"body": "She was born on 3rd March 1990.", "reason": "Merged two posts"}),
            ),
        ] {
            let r = app
                .send("PATCH", &format!("/api/posts/{post}"), body, Some(cookie))
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            assert_eq!(r.body["status"], "held", "post {post}");
            assert_eq!(r.body["held_reason"], "possible case information");
        }
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert_eq!(
            post_ids(&page).len(),
            1,
            "only the opening post is left in view"
        );
        assert_eq!(page.body["thread"]["reply_count"], 0);
        let queue = app.get("/api/moderation/queue", Some(&global)).await;
        let listed = ids(&queue);
        for post in [theirs, own, another] {
            assert!(listed.contains(&format!("post-{post}")), "{listed:?}");
        }

        // So is a moderator's new title with case information: the thread waits for review.
        let r = app
            .send(
                "PATCH",
                &format!("/api/threads/{t}"),
                json!({"title": "Section 12 doctors for LS1 4AP", "reason": "A clearer title"}),
                Some(&london_mod),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "held");
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&reader))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&author))
                .await
                .body["posts"][0]["held_reason"],
            "possible case information"
        );
    }
}

#[tokio::test]
async fn preset_reasons_and_settings_are_for_admins_and_reasons_are_required() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, newcomer) = app
            .member_with_role("new@nhs.net", "New Member", "member")
            .await;
        let (_, flagger) = app
            .member_with_role("f@nhs.net", "Flagger Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("r@nhs.net", "Reader Person", "member")
            .await;

        let empty = app
            .post("/api/moderation/reasons", json!({"text": ""}), Some(&admin))
            .await;
        assert_eq!(empty.status, 422);
        assert_eq!(empty.field_errors(), vec!["text"]);
        let added = app
            .post(
                "/api/moderation/reasons",
                json!({"text": "Contains case information"}),
                Some(&admin),
            )
            .await;
        assert_eq!(added.status, 201);
        assert_eq!(
            app.post(
                "/api/moderation/reasons",
                json!({"text": "Contains case information"}),
                Some(&admin)
            )
            .await
            .status,
            409
        );
        let list = app.get("/api/moderation/reasons", Some(&moderator)).await;
        assert_eq!(list.body["items"][0]["text"], "Contains case information");
        let id = added.body["id"].as_i64().unwrap();
        assert!(
            app.audit_actions(id)
                .await
                .contains(&"moderation_reason.added".to_owned())
        );
        let path = format!("/api/moderation/reasons/{id}");
        assert_eq!(
            app.send("DELETE", &path, json!(null), Some(&admin))
                .await
                .status,
            204
        );
        assert_eq!(
            app.send("DELETE", &path, json!(null), Some(&admin))
                .await
                .status,
            404
        );

        // Settings: defaults, old callers unaffected, new values take effect.
        let s = app.get("/api/admin/settings", Some(&admin)).await;
        assert_eq!(s.body["held_first_posts"], 2);
        assert_eq!(s.body["flag_hide_threshold"], 3);
        let old = app
            .send(
                "PUT",
                "/api/admin/settings",
                json!({"approved_domains": ["nhs.net"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(old.status, 200);
        assert_eq!(old.body["held_first_posts"], 2);
        let bad = app
            .send(
                "PUT",
                "/api/admin/settings",
                json!({"approved_domains": [], "held_first_posts": -1, "flag_hide_threshold": 0}),
                Some(&admin),
            )
            .await;
        assert_eq!(bad.status, 422);
        assert_eq!(
            bad.field_errors(),
            vec!["held_first_posts", "flag_hide_threshold"]
        );
        let r = app
            .send(
                "PUT",
                "/api/admin/settings",
                json!({"approved_domains": ["nhs.net"], "held_first_posts": 0, "flag_hide_threshold": 1}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["flag_hide_threshold"], 1);
        let (t, first) = thread(&app, &newcomer, "london", "First thread", "Not held now").await;
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert_eq!(page.status, 200, "held_first_posts 0 holds nothing");
        assert_eq!(flag(&app, &flagger, first, "spam").await.status, 201);
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&reader))
                .await
                .status,
            404,
            "one flag hides at threshold 1"
        );

        // Every action needs a reason.
        let (t2, p2) = thread(&app, &newcomer, "london", "Another thread", "Body").await;
        for path in [
            format!("/api/moderation/posts/{p2}/hide"),
            format!("/api/moderation/threads/{t2}/lock"),
        ] {
            for body in [json!({}), json!({"reason": ""})] {
                let r = app.post(&path, body, Some(&moderator)).await;
                assert_eq!(r.status, 422, "{path}");
                assert_eq!(r.field_errors(), vec!["reason"]);
            }
        }
        let r = app
            .post(
                &format!("/api/moderation/threads/{t2}/move"),
                json!({"category": "north-west"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.field_errors(), vec!["reason"]);
        let r = app
            .post(
                "/api/members/1/warn",
                json!({"reason": "x"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.field_errors(), vec!["message"]);
    }
}

#[tokio::test]
async fn thread_actions_lock_pin_move_hide_and_restore() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (_, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, london_only) =
            space_moderator(&app, "lm@nhs.net", "London Space Mod", &["london"]).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (old, _) = thread(&app, &author, "london", "Older thread", "Body").await;
        let (t, _) = thread(&app, &author, "london", "Thread to moderate", "Body").await;
        let _ = old;

        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/lock"),
                "Heated"
            )
            .await
            .status,
            200
        );
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/lock"),
                "Again"
            )
            .await
            .status,
            409
        );
        let r = app
            .post(
                &format!("/api/threads/{t}/posts"),
                json!({"body": "One more"}),
                Some(&reader),
            )
            .await;
        assert_eq!(r.status, 409, "locked threads take no replies");
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/unlock"),
                "Calmer"
            )
            .await
            .status,
            200
        );
        let p = reply(&app, &reader, t, "One more").await.body["id"]
            .as_i64()
            .unwrap();

        // Pinning puts the thread first even when another has newer activity.
        reply(&app, &reader, old, "Bump").await;
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/pin"),
                "Useful"
            )
            .await
            .status,
            200
        );
        let list = app
            .get("/api/categories/london/threads", Some(&reader))
            .await;
        assert_eq!(list.body["items"][0]["id"], t);
        assert_eq!(list.body["items"][0]["pinned"], true);

        // Hide and unhide: out of the list, the count and the thread page, then back.
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/hide"),
                "Check"
            )
            .await
            .status,
            200
        );
        assert_eq!(london_count(&app, &reader).await, 1);
        assert_eq!(
            app.get(&format!("/api/threads/{t}"), Some(&author))
                .await
                .status,
            404
        );
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/unhide"),
                "Fine"
            )
            .await
            .status,
            200
        );
        assert_eq!(london_count(&app, &reader).await, 2);

        // Deleting and restoring a reply keeps the count right.
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/posts/{p}"),
                json!({}),
                Some(&reader)
            )
            .await
            .status,
            204
        );
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert_eq!(page.body["thread"]["reply_count"], 0);
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/posts/{p}/restore"),
                "Deleted by mistake"
            )
            .await
            .status,
            200
        );
        let page = app.get(&format!("/api/threads/{t}"), Some(&reader)).await;
        assert_eq!(page.body["thread"]["reply_count"], 1);
        assert!(post_ids(&page).contains(&p));

        // Moving needs both spaces.
        let r = app
            .post(
                &format!("/api/moderation/threads/{t}/move"),
                json!({"category": "amhp-practice", "reason": "Topic"}),
                Some(&london_only),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = app
            .post(
                &format!("/api/moderation/threads/{t}/move"),
                json!({"category": "nowhere", "reason": "Topic"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 422);
        let r = app
            .post(
                &format!("/api/moderation/threads/{t}/move"),
                json!({"category": "amhp-practice", "reason": "Topic"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        let list = app
            .get("/api/categories/amhp-practice/threads", Some(&reader))
            .await;
        assert_eq!(list.body["items"][0]["id"], t);
        assert_eq!(london_count(&app, &reader).await, 1);
        // The London moderator no longer moderates it.
        assert_eq!(
            action(
                &app,
                &london_only,
                &format!("/api/moderation/threads/{t}/unpin"),
                "x"
            )
            .await
            .status,
            403
        );
    }
}

#[tokio::test]
async fn content_out_of_view_is_never_named_in_notifications_lists_or_counts() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        put_setting(&app, "held_first_posts", 0).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Author Person", "member")
            .await;
        let (reader_id, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (t, _) = thread(&app, &author, "london", "Visible thread", "Body").await;
        let p = reply(&app, &author, t, "A reply to hide").await.body["id"]
            .as_i64()
            .unwrap();
        let rows = |user: i64| {
            let app = &app;
            async move {
                db(app, move |c| {
                    backend::db::notifications::Notification::list_for(c, user, None, 10).unwrap()
                })
                .await
            }
        };

        // A hidden reply in a visible thread: the thread is named, the post is not linked.
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/posts/{p}/hide"),
                "Personal"
            )
            .await
            .status,
            200
        );
        let n = &rows(author_id).await[0];
        assert_eq!(n.message, "A moderator hid your post in “Visible thread”.");
        assert_eq!(n.thread_id, Some(t));
        assert_eq!(n.post_id, None);

        // A hidden thread: not named, not linked, not listed, not counted.
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{t}/hide"),
                "Personal"
            )
            .await
            .status,
            200
        );
        let n = &rows(author_id).await[0];
        assert_eq!(n.message, "A moderator hid your thread.");
        assert_eq!(n.thread_id, None);
        assert_eq!(london_count(&app, &reader).await, 0);
        let list = app
            .get("/api/categories/london/threads", Some(&reader))
            .await;
        assert!(list.body["items"].as_array().unwrap().is_empty());
        assert!(rows(reader_id).await.is_empty(), "bystanders hear nothing");

        // Deleted threads are gone for members, restorable by moderators.
        let (d, first) = thread(&app, &author, "london", "To be deleted", "Body").await;
        assert_eq!(london_count(&app, &reader).await, 1);
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/posts/{first}"),
                json!({}),
                Some(&author)
            )
            .await
            .status,
            204
        );
        assert_eq!(london_count(&app, &reader).await, 0);
        assert_eq!(
            app.get(&format!("/api/threads/{d}"), Some(&reader))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(&format!("/api/threads/{d}"), Some(&moderator))
                .await
                .status,
            200
        );
        assert_eq!(
            action(
                &app,
                &moderator,
                &format!("/api/moderation/threads/{d}/restore"),
                "Deleted by mistake"
            )
            .await
            .status,
            200
        );
        assert_eq!(london_count(&app, &reader).await, 1);
    }
}

#[tokio::test]
async fn bad_moderation_input_gets_clear_problems_never_a_server_error() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let m = Some(moderator.as_str());
        let long = "x".repeat(10_000);
        let cases: Vec<(&str, String, Value, u16)> = vec![
            (
                "GET",
                "/api/moderation/queue?kind=bogus".into(),
                json!(null),
                400,
            ),
            (
                "GET",
                "/api/moderation/queue?limit=0".into(),
                json!(null),
                422,
            ),
            (
                "POST",
                "/api/moderation/queue/post-abc/claim".into(),
                json!(null),
                404,
            ),
            (
                "POST",
                "/api/moderation/queue/post-9223372036854775808/claim".into(),
                json!(null),
                404,
            ),
            (
                "POST",
                "/api/moderation/queue/thread-1/claim".into(),
                json!(null),
                404,
            ),
            (
                "POST",
                "/api/moderation/queue/post--1/decision".into(),
                json!({"action": "approve", "reason": "r"}),
                404,
            ),
            (
                "POST",
                "/api/moderation/queue/post-1/decision".into(),
                json!({"action": "approve", "reason": "r", "role": "admin"}),
                400,
            ),
            (
                "POST",
                "/api/moderation/queue/post-1/decision".into(),
                json!({"action": "ban", "reason": "r"}),
                400,
            ),
            (
                "POST",
                "/api/moderation/posts/1/hide".into(),
                json!({"reason": "bell\u{7}"}),
                422,
            ),
            (
                "POST",
                "/api/moderation/posts/1/hide".into(),
                json!({"reason": "r", "message": long}),
                422,
            ),
            (
                "POST",
                "/api/moderation/posts/0/hide".into(),
                json!({"reason": "r"}),
                404,
            ),
            (
                "POST",
                "/api/moderation/threads/-4/lock".into(),
                json!({"reason": "r"}),
                404,
            ),
            (
                "GET",
                "/api/moderation/log?from=yesterday".into(),
                json!(null),
                400,
            ),
            (
                "GET",
                "/api/moderation/log?cursor=-5".into(),
                json!(null),
                422,
            ),
            (
                "GET",
                "/api/moderation/log?space=nowhere".into(),
                json!(null),
                422,
            ),
            (
                "POST",
                "/api/moderation/log/0/appeal".into(),
                json!({"text": "t"}),
                404,
            ),
            (
                "POST",
                "/api/posts/0/flags".into(),
                json!({"reason": "spam"}),
                404,
            ),
            (
                "POST",
                "/api/posts/1/flags".into(),
                json!({"reason": "bogus"}),
                400,
            ),
            (
                "POST",
                "/api/members/0/warn".into(),
                json!({"message": "m", "reason": "r"}),
                404,
            ),
            (
                "DELETE",
                "/api/moderation/reasons/0".into(),
                json!(null),
                403,
            ),
        ];
        for (method, path, body, expected) in cases {
            let r = app.send(method, &path, body, m).await;
            assert_eq!(
                r.status, expected,
                "{backend:?} {method} {path}: {:?}",
                r.body
            );
            assert!(
                r.content_type().starts_with("application/problem+json"),
                "{path}"
            );
        }
    }
}
