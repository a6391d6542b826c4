//! Notifications: who is told of replies, mentions and new threads, that nothing a member can't
//! see reaches them, marking read, and e-mail per preference (the batch run with a chosen clock).

use serde_json::{Value, json};

use crate::common::{Reply, TestApp, backends};

/// A member whose posts are published straight away (two warm-up posts already approved).
pub async fn established(app: &TestApp, email: &str, name: &str) -> (i64, String) {
    let (id, cookie) = app.member_with_role(email, name, "member").await;
    for i in 0..2 {
        let r = app
            .post(
                "/api/threads",
                json!({"category": "north-west", "title": format!("Warm-up thread {i}"), "body": "Hello colleagues"}),
                Some(&cookie),
            )
            .await;
        assert_eq!(r.body["status"], "held", "{:?}", r.body);
        app.publish_thread_quietly(r.body["thread_id"].as_i64().unwrap())
            .await;
    }
    (id, cookie)
}

impl TestApp {
    pub async fn start_thread(&self, cookie: &str, space: &str, title: &str, body: &str) -> i64 {
        let r = self
            .post(
                "/api/threads",
                json!({"category": space, "title": title, "body": body}),
                Some(cookie),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    pub async fn reply_in(&self, cookie: &str, thread: i64, body: &str, to: Option<i64>) -> Reply {
        let r = self
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": body, "reply_to": to}),
                Some(cookie),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r
    }

    pub async fn first_post(&self, cookie: &str, thread: i64) -> i64 {
        self.get(&format!("/api/threads/{thread}"), Some(cookie))
            .await
            .body["posts"][0]["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn notifications(&self, cookie: &str) -> Reply {
        let r = self.get("/api/notifications", Some(cookie)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r
    }

    /// Sets a post's status directly, as a moderator's decision would.
    pub async fn set_post_status(&self, post: i64, status: &str) {
        let db = self.db.clone();
        let status = status.to_owned();
        tokio::task::spawn_blocking(move || {
            use backend::db::forum::{ContentStatus, Post};
            Post::set_status(
                &mut db.get().unwrap(),
                post,
                ContentStatus::parse(&status),
                None,
            )
            .unwrap();
        })
        .await
        .unwrap();
    }

    /// Publishes a held post as approving it does: visible, then `post_published`, in one
    /// transaction.
    /// Publishes a held thread straight in the database, telling no one: warm-up threads
    /// must not leave notifications behind in the tests that count them.
    pub async fn publish_thread_quietly(&self, thread_id: i64) {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            use backend::db::forum::{ContentStatus, Post, Thread, Visibility};
            let mut c = db.get().unwrap();
            Thread::set_status(&mut c, thread_id, ContentStatus::Visible).unwrap();
            let v = Visibility {
                viewer_id: 0,
                moderator: true,
            };
            for p in Post::list_for_thread(&mut c, thread_id, v, 0, 100).unwrap() {
                Post::set_status(&mut c, p.id, ContentStatus::Visible, None).unwrap();
            }
        })
        .await
        .unwrap();
    }

    pub async fn publish_held_post(&self, post: i64) {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            use backend::db::forum::{ContentStatus, Post};
            use diesel::Connection as _;
            let mut c = db.get().unwrap();
            c.transaction::<_, backend::db::DbError, _>(|c| {
                Post::set_status(c, post, ContentStatus::Visible, None)?;
                backend::notify::post_published(c, post)
            })
            .unwrap();
        })
        .await
        .unwrap();
    }

    /// Where each of a member's notifications stands for e-mail, newest first.
    pub async fn email_states(&self, email: &str) -> Vec<String> {
        let db = self.db.clone();
        let email = email.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            let user = backend::db::users::User::find_by_email(&mut c, &email)
                .unwrap()
                .unwrap();
            backend::db::notifications::Notification::page_for(&mut c, user.id, None, false, 100)
                .unwrap()
                .into_iter()
                .map(|n| n.email_state)
                .collect()
        })
        .await
        .unwrap()
    }

    pub async fn run_email_batch(&self, at: chrono::NaiveDateTime) -> backend::notify::BatchReport {
        backend::notify::run_email_batch(&self.db, &self.state.config, at)
            .await
            .unwrap()
    }
}

fn items(r: &Reply) -> Vec<Value> {
    r.body["items"].as_array().unwrap().clone()
}

fn kinds(r: &Reply) -> Vec<String> {
    items(r)
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn now() -> chrono::NaiveDateTime {
    backend::db::now()
}

#[tokio::test]
async fn replies_notify_watchers_and_the_replied_to_author_but_never_the_writer() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        let (_, cal) = established(&app, "c@nhs.net", "Cal Third").await;
        let thread = app
            .start_thread(
                &author,
                "london",
                "Night-time s136 waits",
                "How long do you wait?",
            )
            .await;
        assert!(
            app.notifications(&author).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await;
        assert_eq!(page.body["watching"], true, "starting a thread watches it");

        let bea_post = app
            .reply_in(
                &bea,
                thread,
                "Four hours last week, secret detail here.",
                None,
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let got = app.notifications(&author).await;
        assert_eq!(kinds(&got), vec!["reply"], "{backend:?}");
        let n = &items(&got)[0];
        assert_eq!(n["message"], "Bea Replier replied in a thread you watch");
        assert_eq!(n["thread_id"], thread);
        assert_eq!(n["thread_title"], "Night-time s136 waits");
        assert_eq!(n["post_id"], bea_post);
        assert_eq!(n["url"], format!("/threads/{thread}#post-{bea_post}"));
        assert_eq!(n["actor_name"], "Bea Replier");
        assert_eq!(n["read"], false);
        assert_eq!(got.body["unread_count"], 1);
        assert!(
            !got.body.to_string().contains("secret detail"),
            "no post text"
        );
        assert!(
            app.notifications(&bea).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty(),
            "nobody is told of their own post"
        );
        let page = app.get(&format!("/api/threads/{thread}"), Some(&bea)).await;
        assert_eq!(page.body["watching"], true, "replying watches the thread");

        // Cal answers Bea: Bea hears it as a reply to her post, the author as a watcher.
        app.reply_in(&cal, thread, "Same here.", Some(bea_post))
            .await;
        let bea_got = app.notifications(&bea).await;
        assert_eq!(kinds(&bea_got), vec!["reply"]);
        assert_eq!(
            items(&bea_got)[0]["message"],
            "Cal Third replied to your post"
        );
        assert_eq!(app.notifications(&author).await.body["unread_count"], 2);
        assert!(
            app.notifications(&cal).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn unwatching_stops_replies_and_taking_part_again_does_not_undo_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        let thread = app
            .start_thread(&author, "london", "Supervision models", "Which do you use?")
            .await;
        let r = app
            .send(
                "DELETE",
                &format!("/api/threads/{thread}/watch"),
                json!(null),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["watching"], false);
        app.reply_in(&bea, thread, "Reflective supervision.", None)
            .await;
        assert_eq!(app.notifications(&author).await.body["unread_count"], 0);

        // Replying in the thread again does not watch it again.
        app.reply_in(&author, thread, "Thanks, useful.", None).await;
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&author))
            .await;
        assert_eq!(page.body["watching"], false);
        app.reply_in(&bea, thread, "Happy to share more.", None)
            .await;
        assert_eq!(app.notifications(&author).await.body["unread_count"], 0);

        // Watching again on purpose brings replies back.
        let r = app
            .send(
                "PUT",
                &format!("/api/threads/{thread}/watch"),
                json!(null),
                Some(&author),
            )
            .await;
        assert_eq!(r.body["watching"], true);
        app.reply_in(&bea, thread, "One more thought.", None).await;
        assert_eq!(app.notifications(&author).await.body["unread_count"], 1);
    }
}

#[tokio::test]
async fn mentions_notify_once_and_win_over_a_reply() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        let (_, cal) = established(&app, "c@nhs.net", "Cal O'Neill-Smith").await;
        let (_, dee) = established(&app, "d@nhs.net", "Dee Jones").await;
        let thread = app
            .start_thread(
                &author,
                "midlands",
                "AMHP rota cover",
                "Who covers weekends?",
            )
            .await;
        app.reply_in(
            &bea,
            thread,
            "Asking @[author person] and @[Cal O'Neill-Smith], also @dee.jones and @dee_jones again, \
             not `@[Bea Replier]` and not @[Nobody Here]. Me: @[Bea Replier].",
            None,
        )
        .await;
        // The author watches the thread and is mentioned: one notification, a mention.
        let a = app.notifications(&author).await;
        assert_eq!(kinds(&a), vec!["mention"], "{backend:?}");
        assert_eq!(
            items(&a)[0]["message"],
            "Bea Replier mentioned you in a reply"
        );
        assert_eq!(kinds(&app.notifications(&cal).await), vec!["mention"]);
        assert_eq!(kinds(&app.notifications(&dee).await), vec!["mention"]);
        assert!(
            app.notifications(&bea).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // A mention in a new thread.
        app.start_thread(
            &dee,
            "midlands",
            "Handover notes",
            "@Author.Person have you a template?",
        )
        .await;
        let a = app.notifications(&author).await;
        assert_eq!(kinds(&a), vec!["mention", "mention"]);
        assert_eq!(
            items(&a)[0]["message"],
            "Dee Jones mentioned you in a new thread"
        );
    }
}

#[tokio::test]
async fn space_watchers_hear_of_new_threads() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, watcher) = established(&app, "w@nhs.net", "Space Watcher").await;
        let r = app
            .send(
                "PUT",
                "/api/categories/london/watch",
                json!(null),
                Some(&watcher),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let spaces = app.get("/api/categories", Some(&watcher)).await;
        let watched: Vec<&str> = spaces.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["watching"] == true)
            .map(|s| s["slug"].as_str().unwrap())
            .collect();
        assert_eq!(watched, vec!["london"]);
        let list = app
            .get("/api/categories/london/threads", Some(&watcher))
            .await;
        assert_eq!(list.body["space"]["watching"], true);

        let thread = app
            .start_thread(&author, "london", "Tribunal reports", "Any tips?")
            .await;
        app.start_thread(&author, "north-west", "Elsewhere entirely", "Not watched")
            .await;
        let got = app.notifications(&watcher).await;
        assert_eq!(kinds(&got), vec!["new_thread"]);
        assert_eq!(items(&got)[0]["thread_id"], thread);
        assert_eq!(
            items(&got)[0]["message"],
            "Author Person started a new thread in London"
        );
        // New replies in the thread are not new threads.
        app.reply_in(&author, thread, "Adding a detail.", None)
            .await;
        assert_eq!(app.notifications(&watcher).await.body["unread_count"], 1);

        app.send(
            "DELETE",
            "/api/categories/london/watch",
            json!(null),
            Some(&watcher),
        )
        .await;
        app.start_thread(&author, "london", "Another one now", "Quiet")
            .await;
        assert_eq!(app.notifications(&watcher).await.body["unread_count"], 1);
    }
}

#[tokio::test]
async fn a_held_post_notifies_nobody_until_it_is_approved() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Comer", "member")
            .await;
        let thread = app
            .start_thread(&author, "london", "Best interests meetings", "Who chairs?")
            .await;
        let r = app
            .reply_in(&newcomer, thread, "I do, @[Author Person].", None)
            .await;
        assert_eq!(r.body["status"], "held");
        let held = r.body["id"].as_i64().unwrap();
        assert_eq!(app.notifications(&author).await.body["unread_count"], 0);

        app.publish_held_post(held).await;
        let got = app.notifications(&author).await;
        assert_eq!(kinds(&got), vec!["mention"], "{backend:?}");
        // Publishing again (approved twice, or hidden and restored) tells nobody twice.
        app.publish_held_post(held).await;
        assert_eq!(app.notifications(&author).await.body["unread_count"], 1);
        // The newcomer watches the thread they replied in once it is published.
        let page = app
            .get(&format!("/api/threads/{thread}"), Some(&newcomer))
            .await;
        assert_eq!(page.body["watching"], true);

        // A published reply in a thread still held tells nobody who can't see the thread.
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let held_thread = app
            .start_thread(&newcomer, "london", "Waiting for review", "First words")
            .await;
        let r = app
            .reply_in(
                &moderator,
                held_thread,
                "Looking at this, @[Author Person].",
                None,
            )
            .await;
        assert_eq!(r.body["status"], "visible");
        assert_eq!(app.notifications(&author).await.body["unread_count"], 1);
        assert_eq!(
            kinds(&app.notifications(&newcomer).await),
            vec!["reply"],
            "the thread's author can see it and watches it"
        );
    }
}

#[tokio::test]
async fn a_notification_about_a_post_later_hidden_disappears_and_is_not_mailed() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        app.send(
            "PUT",
            "/api/me/notification-preferences",
            json!({"email": "immediate"}),
            Some(&author),
        )
        .await;
        let thread = app
            .start_thread(&author, "london", "Leave arrangements", "Section 17 leave?")
            .await;
        let hidden = app.reply_in(&bea, thread, "Quokka one", None).await.body["id"]
            .as_i64()
            .unwrap();
        let deleted = app.reply_in(&bea, thread, "Quokka two", None).await.body["id"]
            .as_i64()
            .unwrap();
        app.reply_in(&bea, thread, "Quokka three", None).await;
        assert_eq!(app.notifications(&author).await.body["unread_count"], 3);

        app.set_post_status(hidden, "hidden").await;
        let r = app
            .send(
                "DELETE",
                &format!("/api/posts/{deleted}"),
                json!({}),
                Some(&bea),
            )
            .await;
        assert_eq!(r.status, 204);
        let got = app.notifications(&author).await;
        assert_eq!(got.body["unread_count"], 1, "{backend:?}");
        assert_eq!(items(&got).len(), 1);
        let unread = app
            .get("/api/notifications?unread=true", Some(&author))
            .await;
        assert_eq!(unread.body["items"].as_array().unwrap().len(), 1);

        let report = app.run_email_batch(now()).await;
        assert_eq!(report.mailed, 1);
        let mails = app.mails_to("a@nhs.net").await;
        assert_eq!(mails.len(), 1, "only the post still visible is mailed");
        assert!(
            mails[0]
                .body_text
                .contains(&format!("http://localhost:8080/threads/{thread}"))
        );
        assert!(
            !mails[0].body_text.contains("Quokka"),
            "{}",
            mails[0].body_text
        );
        // Settled: the next batch mails nothing more.
        assert_eq!(app.run_email_batch(now()).await.mailed, 0);
        assert_eq!(app.mails_to("a@nhs.net").await.len(), 1);
    }
}

#[tokio::test]
async fn e_mail_follows_each_members_preference() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, imm) = established(&app, "imm@nhs.net", "Ida Immediate").await;
        let (_, day) = established(&app, "day@nhs.net", "Dan Daily").await;
        let (_, off) = established(&app, "off@nhs.net", "Olu Off").await;
        let default = app
            .get("/api/me/notification-preferences", Some(&day))
            .await;
        assert_eq!(default.status, 200);
        assert_eq!(default.body["email"], "daily", "daily is the default");
        for (cookie, choice) in [(&imm, "immediate"), (&off, "off")] {
            let r = app
                .send(
                    "PUT",
                    "/api/me/notification-preferences",
                    json!({"email": choice}),
                    Some(cookie),
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            assert_eq!(r.body["email"], choice);
        }
        assert_eq!(
            app.get("/api/me/notification-preferences", Some(&imm))
                .await
                .body["email"],
            "immediate"
        );
        let before = app.mails_to("imm@nhs.net").await.len();
        let thread = app
            .start_thread(
                &author,
                "london",
                "Care Act assessments",
                "Private words. @[Ida Immediate] @[Dan Daily] @[Olu Off]",
            )
            .await;

        let t0 = now();
        app.run_email_batch(t0).await;
        let imm_mails = app.mails_to("imm@nhs.net").await;
        assert_eq!(imm_mails.len(), before + 1, "{backend:?}");
        let mail = &imm_mails[0];
        assert!(
            mail.subject.contains("Author Person mentioned you"),
            "{}",
            mail.subject
        );
        assert!(mail.body_text.contains("Care Act assessments"));
        assert!(
            mail.body_text
                .contains(&format!("http://localhost:8080/threads/{thread}"))
        );
        assert!(!mail.body_text.contains("Private words"));
        assert!(
            app.mails_to("day@nhs.net").await.is_empty(),
            "the digest waits for its hour"
        );
        assert!(app.mails_to("off@nhs.net").await.is_empty());

        // A day later the digest goes, once.
        let tomorrow = t0 + chrono::TimeDelta::days(1);
        app.run_email_batch(tomorrow).await;
        app.run_email_batch(tomorrow).await;
        let digests = app.mails_to("day@nhs.net").await;
        assert_eq!(digests.len(), 1);
        assert!(
            digests[0].subject.contains("daily digest"),
            "{}",
            digests[0].subject
        );
        assert!(digests[0].body_text.contains("Care Act assessments"));
        assert!(!digests[0].body_text.contains("Private words"));
        assert!(app.mails_to("off@nhs.net").await.is_empty());
        assert_eq!(app.mails_to("imm@nhs.net").await.len(), before + 1);
        // In the forum, everyone was told regardless of e-mail.
        assert_eq!(app.notifications(&off).await.body["unread_count"], 1);
        assert_eq!(app.email_states("off@nhs.net").await, vec!["skipped"]);
        assert_eq!(app.email_states("day@nhs.net").await, vec!["sent"]);
        assert_eq!(app.email_states("imm@nhs.net").await, vec!["sent"]);

        let bad = app
            .send(
                "PUT",
                "/api/me/notification-preferences",
                json!({"email": "weekly"}),
                Some(&imm),
            )
            .await;
        assert!(bad.status == 400 || bad.status == 422, "{}", bad.status);
        assert!(bad.content_type().starts_with("application/problem+json"));
    }
}

#[tokio::test]
async fn the_digest_groups_notifications_by_thread() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, dan) = established(&app, "day@nhs.net", "Dan Daily").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        let (_, cal) = established(&app, "c@nhs.net", "Cal Third").await;
        let mine = app
            .start_thread(&dan, "london", "Supervision frequency", "How often?")
            .await;
        app.reply_in(&bea, mine, "Monthly.", None).await;
        app.reply_in(&cal, mine, "Fortnightly.", None).await;
        let theirs = app
            .start_thread(
                &bea,
                "midlands",
                "Peer support groups",
                "@[Dan Daily] you ran one?",
            )
            .await;
        let gone = app
            .start_thread(&cal, "midlands", "Soon to be hidden", "Hey @[Dan Daily]")
            .await;
        let gone_post = app.first_post(&cal, gone).await;
        app.set_post_status(gone_post, "hidden").await;
        app.run_email_batch(now() + chrono::TimeDelta::days(1))
            .await;
        let mails = app.mails_to("day@nhs.net").await;
        assert_eq!(mails.len(), 1, "one digest for everything");
        let body = &mails[0].body_text;
        assert!(
            mails[0].subject.contains("3 notifications"),
            "{}",
            mails[0].subject
        );
        assert!(
            body.contains("Supervision frequency\n  2 replies\n"),
            "{body}"
        );
        assert!(
            body.contains("Peer support groups\n  1 mention of you\n"),
            "{body}"
        );
        assert!(
            body.contains(&format!("/threads/{mine}"))
                && body.contains(&format!("/threads/{theirs}"))
        );
        assert!(!body.contains("Monthly") && !body.contains("you ran one"));
        assert!(
            !body.contains("Soon to be hidden"),
            "hidden since: left out"
        );
    }
}

#[tokio::test]
async fn marking_read_one_or_all_and_paging() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, bea) = established(&app, "b@nhs.net", "Bea Replier").await;
        let thread = app
            .start_thread(&author, "london", "Caseload sizes", "What is typical?")
            .await;
        for i in 0..3 {
            app.reply_in(&bea, thread, &format!("Answer {i}"), None)
                .await;
        }
        let all = app.notifications(&author).await;
        let ids: Vec<i64> = items(&all)
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0] > ids[1] && ids[1] > ids[2], "newest first");

        let page1 = app.get("/api/notifications?limit=2", Some(&author)).await;
        assert_eq!(items(&page1).len(), 2);
        let cursor = page1.body["next_cursor"].as_str().unwrap().to_owned();
        let page2 = app
            .get(
                &format!("/api/notifications?limit=2&cursor={cursor}"),
                Some(&author),
            )
            .await;
        assert_eq!(items(&page2).len(), 1);
        assert_eq!(items(&page2)[0]["id"], ids[2]);
        assert!(page2.body["next_cursor"].is_null());

        // Someone else's notification is not theirs to mark.
        let r = app
            .post(
                &format!("/api/notifications/{}/read", ids[1]),
                json!(null),
                Some(&bea),
            )
            .await;
        assert_eq!(r.status, 404);
        let r = app
            .post(
                &format!("/api/notifications/{}/read", ids[1]),
                json!(null),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 204);
        let now_ = app.notifications(&author).await;
        assert_eq!(now_.body["unread_count"], 2);
        assert_eq!(items(&now_)[1]["read"], true);
        let unread = app
            .get("/api/notifications?unread=true", Some(&author))
            .await;
        assert_eq!(items(&unread).len(), 2);

        let r = app
            .post("/api/notifications/read-all", json!(null), Some(&author))
            .await;
        assert_eq!(r.status, 204);
        let after = app.notifications(&author).await;
        assert_eq!(after.body["unread_count"], 0);
        assert!(items(&after).iter().all(|n| n["read"] == true));

        for bad in ["limit=0", "limit=101", "cursor=abc", "unread=maybe"] {
            let r = app
                .get(&format!("/api/notifications?{bad}"), Some(&author))
                .await;
            assert!(r.status == 400 || r.status == 422, "{bad}: {}", r.status);
            assert!(
                r.content_type().starts_with("application/problem+json"),
                "{bad}"
            );
        }
        assert_eq!(app.get("/api/notifications", None).await.status, 401);
        let r = app
            .post("/api/notifications/abc/read", json!(null), Some(&author))
            .await;
        assert_eq!(r.status, 400);
    }
}

#[tokio::test]
async fn approving_a_member_tells_them_in_the_forum() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let r = app.register("sam@example.org", "Sam Pending").await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let token = app.mailed_token("sam@example.org").await;
        app.post("/api/auth/verify-email", json!({"token": token}), None)
            .await;
        let sam = app.login("sam@example.org", crate::common::PASSWORD).await;
        let id = app.get("/api/me", Some(&sam)).await.body["id"]
            .as_i64()
            .unwrap();
        let r = app
            .post(
                &format!("/api/members/{id}/approve"),
                json!({}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let got = app.notifications(&sam).await;
        assert_eq!(kinds(&got), vec!["approval"]);
        assert!(items(&got)[0]["thread_id"].is_null());
        assert_eq!(got.body["unread_count"], 1);
        // It already had its own e-mail: the batch does not mail it again.
        let mails = app.mails_to("sam@example.org").await.len();
        app.run_email_batch(now() + chrono::TimeDelta::days(1))
            .await;
        assert_eq!(app.mails_to("sam@example.org").await.len(), mails);
    }
}
