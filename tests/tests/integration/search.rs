//! Search: freshness through the outbox, who sees what (hits, totals, facets, suggestions),
//! the query syntax, acronyms and typos, filters and paging, the glossary, restarts, rebuilds
//! and replicas.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Backend, TestApp, backends};

async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut backend::db::DbConn) -> T + Send + 'static,
) -> T {
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn search(app: &TestApp, query: &str, cookie: Option<&str>) -> Value {
    let r = app.get(&format!("/api/search?{query}"), cookie).await;
    assert_eq!(r.status, 200, "{query}: {:?}", r.body);
    r.body
}

async fn search_q(app: &TestApp, q: &str, cookie: Option<&str>) -> Value {
    search(app, &format!("q={}", enc(q)), cookie).await
}

fn urls(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_owned())
        .collect()
}

/// Polls until `q` finds `url` (true) or the deadline passes (false).
async fn found_within(
    app: &TestApp,
    q: &str,
    url: &str,
    cookie: Option<&str>,
    deadline: Duration,
) -> bool {
    let until = Instant::now() + deadline;
    loop {
        if urls(&search_q(app, q, cookie).await)
            .iter()
            .any(|u| u == url)
        {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the index has applied every outbox row written so far.
async fn caught_up(app: &TestApp) {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let max = db(app, |c| {
            use backend::db::schema::search_outbox;
            use diesel::prelude::*;
            search_outbox::table
                .select(diesel::dsl::max(search_outbox::id))
                .first::<Option<i64>>(c)
                .unwrap()
                .unwrap_or(0)
        })
        .await;
        if app.state.search.generation().is_some()
            && app.state.search.last_applied_id().unwrap_or(0) >= max
        {
            return;
        }
        assert!(Instant::now() < until, "the index did not catch up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn no_holds(app: &TestApp) {
    db(app, |c| {
        backend::db::settings::put(c, "held_first_posts", "0").unwrap()
    })
    .await;
}

async fn thread(app: &TestApp, cookie: &str, space: &str, title: &str, body: &str) -> i64 {
    let r = app
        .post(
            "/api/threads",
            json!({"category": space, "title": title, "body": body}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn reply(app: &TestApp, cookie: &str, thread: i64, body: &str) -> i64 {
    let r = app
        .post(
            &format!("/api/threads/{thread}/posts"),
            json!({"body": body}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

/// A library resource written straight to the tables (as the library's own code does), with
/// its outbox row. `pages` become one attachment's extracted text.
#[derive(Clone)]
struct NewResource {
    slug: &'static str,
    title: &'static str,
    body: &'static str,
    kind: &'static str,
    status: &'static str,
    owner: Option<i64>,
    topic: Option<&'static str>,
    region: Option<&'static str>,
    published_on: Option<&'static str>,
    pages: Vec<&'static str>,
}

impl NewResource {
    fn published(slug: &'static str, title: &'static str, body: &'static str) -> NewResource {
        NewResource {
            slug,
            title,
            body,
            kind: "guidance",
            status: "published",
            owner: None,
            topic: None,
            region: None,
            published_on: None,
            pages: Vec::new(),
        }
    }
}

async fn add_resource(app: &TestApp, r: NewResource) -> i64 {
    db(app, move |c| {
        use backend::db::schema::{
            attachment_versions, attachments, categories, resource_regions, resource_topics,
            resources,
        };
        use diesel::prelude::*;
        let at = backend::db::now();
        let id: i64 = diesel::insert_into(resources::table)
            .values((
                resources::slug.eq(r.slug),
                resources::kind.eq(r.kind),
                resources::title.eq(r.title),
                resources::summary.eq(""),
                resources::body_markdown.eq(r.body),
                resources::body_html.eq(""),
                resources::status.eq(r.status),
                resources::owner_id.eq(r.owner),
                resources::published_on.eq(r
                    .published_on
                    .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())),
                resources::created_at.eq(at),
                resources::updated_at.eq(at),
            ))
            .returning(resources::id)
            .get_result(c)
            .unwrap();
        if let Some(topic) = r.topic {
            let cat: i64 = categories::table
                .filter(categories::slug.eq(topic))
                .select(categories::id)
                .first(c)
                .unwrap();
            diesel::insert_into(resource_topics::table)
                .values((
                    resource_topics::resource_id.eq(id),
                    resource_topics::category_id.eq(cat),
                ))
                .execute(c)
                .unwrap();
        }
        if let Some(region) = r.region {
            diesel::insert_into(resource_regions::table)
                .values((
                    resource_regions::resource_id.eq(id),
                    resource_regions::region.eq(region),
                ))
                .execute(c)
                .unwrap();
        }
        if !r.pages.is_empty() {
            let att: i64 = diesel::insert_into(attachments::table)
                .values((
                    attachments::resource_id.eq(id),
                    attachments::title.eq("Full report"),
                    attachments::created_at.eq(at),
                    attachments::updated_at.eq(at),
                ))
                .returning(attachments::id)
                .get_result(c)
                .unwrap();
            diesel::insert_into(attachment_versions::table)
                .values((
                    attachment_versions::attachment_id.eq(att),
                    attachment_versions::version.eq(1),
                    attachment_versions::file_name.eq("report.pdf"),
                    attachment_versions::file_type.eq("pdf"),
                    attachment_versions::content_type.eq("application/pdf"),
                    attachment_versions::size_bytes.eq(100),
                    attachment_versions::sha256.eq("00"),
                    attachment_versions::uploaded_at.eq(at),
                    attachment_versions::extract_status.eq("done"),
                    attachment_versions::extracted_text.eq(Some(r.pages.join("\u{c}"))),
                    attachment_versions::page_count.eq(Some(r.pages.len() as i32)),
                ))
                .execute(c)
                .unwrap();
        }
        backend::db::forum::enqueue_search(c, "resource", id).unwrap();
        id
    })
    .await
}

async fn set_resource_status(app: &TestApp, id: i64, status: &'static str) {
    db(app, move |c| {
        use backend::db::schema::resources;
        use diesel::prelude::*;
        diesel::update(resources::table.find(id))
            .set(resources::status.eq(status))
            .execute(c)
            .unwrap();
        backend::db::forum::enqueue_search(c, "resource", id).unwrap();
    })
    .await;
    app.state.search.nudge();
}

#[tokio::test]
async fn a_new_thread_and_reply_are_found_promptly_by_members_only() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        no_holds(&app).await;
        let (_, author) = app
            .member_with_role("a@nhs.net", "Author One", "member")
            .await;
        let (_, reader) = app
            .member_with_role("r@nhs.net", "Reader Two", "member")
            .await;
        caught_up(&app).await;
        let t = thread(
            &app,
            &author,
            "london",
            "Gatekeeping the rota",
            "Who covers nights?",
        )
        .await;
        assert!(
            found_within(
                &app,
                "gatekeeping",
                &format!("/threads/{t}"),
                Some(&reader),
                Duration::from_secs(10)
            )
            .await,
            "a new thread is searchable promptly"
        );
        let p = reply(
            &app,
            &author,
            t,
            "We use a zebracrossing approach to handovers",
        )
        .await;
        assert!(
            found_within(
                &app,
                "zebracrossing",
                &format!("/threads/{t}#post-{p}"),
                Some(&reader),
                Duration::from_secs(10)
            )
            .await,
            "a new reply is searchable promptly"
        );
        let body = search_q(&app, "zebracrossing", Some(&reader)).await;
        let hit = &body["hits"][0];
        assert_eq!(hit["type"], "post");
        assert_eq!(hit["id"], p);
        assert_eq!(hit["title"], "Gatekeeping the rota");
        assert_eq!(hit["space"], "london");
        assert!(
            hit["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>zebracrossing</mark>")
        );
        // Signed out: the forum is for members.
        let anon = search_q(&app, "gatekeeping", None).await;
        assert_eq!(anon["total"], 0);
        assert!(urls(&anon).is_empty());
    }
}

/// Everything the index holds for one word, for every audience: what a curator, who sees
/// most, finds for it.
async fn everything_for(app: &TestApp, word: &str) -> Vec<String> {
    let index = app.state.search.index();
    let glossary = app.state.search.glossary();
    let mut req = search_index::SearchRequest::new(
        word,
        search_index::ViewerScope::up_to(search_index::Audience::Moderators, Vec::new()),
    );
    req.limit = 100;
    index
        .search(&req, &glossary)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[tokio::test]
async fn held_hidden_deleted_and_redacted_posts_and_drafts_are_never_found_counted_or_suggested() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (newcomer_id, newcomer) = app
            .member_with_role("new@nhs.net", "New Comer", "member")
            .await;
        let (_, reader) = app
            .member_with_role("r@nhs.net", "Reader Two", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("m@nhs.net", "Mod Three", "moderator")
            .await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cur Four", "curator")
            .await;
        // A newcomer's first thread is held: nobody else finds it.
        let held = thread(
            &app,
            &newcomer,
            "london",
            "Quokka handover held",
            "quokka notes",
        )
        .await;
        no_holds(&app).await;
        let t = thread(
            &app,
            &moderator,
            "london",
            "Quokka practice forum",
            "Visible quokka thread",
        )
        .await;
        let hide = reply(&app, &moderator, t, "quokka reply to hide").await;
        let redact = reply(&app, &moderator, t, "quokka reply with xylophonist details").await;
        let delete = reply(&app, &moderator, t, "quokka reply to delete").await;
        let keep = reply(&app, &moderator, t, "quokka reply that stays").await;
        let draft = add_resource(
            &app,
            NewResource {
                status: "draft",
                owner: Some(newcomer_id),
                ..NewResource::published(
                    "quokka-draft",
                    "Quokka draft guidance",
                    "quokka draft body",
                )
            },
        )
        .await;
        add_resource(
            &app,
            NewResource::published("quokka-guide", "Quokka published guidance", "quokka body"),
        )
        .await;
        app.state.search.nudge();
        caught_up(&app).await;
        let body = search_q(&app, "quokka", Some(&reader)).await;
        assert_eq!(body["total"], 6, "{body}");
        for (path, reason) in [
            (
                format!("/api/moderation/posts/{hide}/hide"),
                "Off topic for this space",
            ),
            (
                format!("/api/moderation/posts/{redact}/redact"),
                "Identifies a person who uses services",
            ),
        ] {
            let r = app
                .post(&path, json!({"reason": reason}), Some(&moderator))
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        let r = app
            .send(
                "DELETE",
                &format!("/api/posts/{delete}"),
                json!({"reason": "Posted twice"}),
                Some(&moderator),
            )
            .await;
        assert!(r.status < 300, "{:?}", r.body);
        // At once, before the index has caught up: the database re-check drops them, and the
        // total and facets are corrected.
        let body = search_q(&app, "quokka", Some(&reader)).await;
        let found = urls(&body);
        for gone in [hide, redact, delete] {
            assert!(
                !found.contains(&format!("/threads/{t}#post-{gone}")),
                "{found:?}"
            );
        }
        assert!(found.contains(&format!("/threads/{t}#post-{keep}")));
        assert!(
            !found
                .iter()
                .any(|u| u.contains(&format!("/threads/{held}")))
        );
        assert!(!found.contains(&"/library/quokka-draft".to_owned()));
        assert_eq!(
            body["total"].as_u64().unwrap() as usize,
            found.len(),
            "{body}"
        );
        let type_counts: u64 = body["facets"]["type"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .sum();
        assert_eq!(type_counts as usize, found.len(), "{body}");
        // Soon the index has them out too, and the redacted words are gone (how soon is measured
        // by the search benchmark, not here).
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let all = everything_for(&app, "quokka").await;
            let out = [hide, redact, delete]
                .iter()
                .all(|p| !all.contains(&format!("post:{p}")));
            if out && everything_for(&app, "xylophonist").await.is_empty() {
                break;
            }
            assert!(Instant::now() < until, "the index still holds {all:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Suggestions: titles only the curator and the owner may see stay out for others.
        let sugg = |cookie: Option<String>| {
            let app = &app;
            async move {
                let r = app
                    .get("/api/search/suggest?q=quokka%20dr", cookie.as_deref())
                    .await;
                assert_eq!(r.status, 200);
                r.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["url"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert!(sugg(Some(reader.clone())).await.is_empty());
        assert!(sugg(None).await.is_empty());
        assert_eq!(
            sugg(Some(curator.clone())).await,
            vec!["/library/quokka-draft".to_owned()]
        );
        assert_eq!(
            sugg(Some(newcomer.clone())).await,
            vec!["/library/quokka-draft".to_owned()]
        );
        // The draft's owner and curators find it; signed out, only published guidance.
        assert!(
            urls(&search_q(&app, "quokka", Some(&curator)).await)
                .contains(&"/library/quokka-draft".to_owned())
        );
        assert!(
            urls(&search_q(&app, "quokka", Some(&newcomer)).await)
                .contains(&"/library/quokka-draft".to_owned())
        );
        let anon = search_q(&app, "quokka", None).await;
        assert_eq!(urls(&anon), vec!["/library/quokka-guide".to_owned()]);
        assert_eq!(anon["total"], 1);
        // Publishing the draft makes it public; moving it back to draft hides it again at once.
        set_resource_status(&app, draft, "published").await;
        assert!(
            found_within(
                &app,
                "quokka",
                "/library/quokka-draft",
                None,
                Duration::from_secs(10)
            )
            .await
        );
        set_resource_status(&app, draft, "draft").await;
        assert!(
            !urls(&search_q(&app, "quokka", None).await)
                .contains(&"/library/quokka-draft".to_owned())
        );
        // Hiding the whole thread takes its replies with it.
        let r = app
            .post(
                &format!("/api/moderation/threads/{t}/hide"),
                json!({"reason": "Moved elsewhere"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let body = search_q(&app, "quokka", Some(&reader)).await;
        assert!(
            !urls(&body)
                .iter()
                .any(|u| u.starts_with(&format!("/threads/{t}"))),
            "{body}"
        );
    }
}

#[tokio::test]
async fn acronyms_expand_both_ways_and_typos_phrases_exclusion_and_or_work() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        for r in [
            NewResource::published(
                "amhp-long",
                "Rota guidance",
                "Every approved mental health professional joins the rota.",
            ),
            NewResource::published("amhp-short", "Duty handbook", "The AMHP on duty decides."),
            NewResource::published(
                "replication",
                "Replication notes",
                "Replication of the nearest relative process in each area.",
            ),
            NewResource::published(
                "s136",
                "Place of safety",
                "Detention under section 136 and conveyance.",
            ),
            NewResource::published(
                "cto",
                "Community orders",
                "Recall under a CTO and aftercare.",
            ),
        ] {
            add_resource(&app, r).await;
        }
        app.state.search.nudge();
        caught_up(&app).await;
        let found = |q: &'static str| {
            let app = &app;
            async move { urls(&search_q(app, q, None).await) }
        };
        let amhp = found("AMHP").await;
        assert!(amhp.contains(&"/library/amhp-long".to_owned()), "{amhp:?}");
        assert!(amhp.contains(&"/library/amhp-short".to_owned()));
        let long = found("approved mental health professional").await;
        assert!(long.contains(&"/library/amhp-short".to_owned()), "{long:?}");
        assert!(
            found("AMHPs")
                .await
                .contains(&"/library/amhp-long".to_owned())
        );
        assert!(found("s136").await.contains(&"/library/s136".to_owned()));
        assert!(
            found("community treatment order")
                .await
                .contains(&"/library/cto".to_owned())
        );
        // A typo in a longer word is forgiven.
        assert_eq!(
            found("replicaton").await,
            vec!["/library/replication".to_owned()]
        );
        // Phrases keep their words together.
        assert_eq!(
            found("\"nearest relative\"").await,
            vec!["/library/replication".to_owned()]
        );
        assert!(found("\"relative nearest\"").await.is_empty());
        // Exclusion and OR.
        let r = found("AMHP -rota").await;
        assert!(
            r.contains(&"/library/amhp-short".to_owned())
                && !r.contains(&"/library/amhp-long".to_owned()),
            "{r:?}"
        );
        let r = found("conveyance OR recall").await;
        assert!(
            r.contains(&"/library/s136".to_owned()) && r.contains(&"/library/cto".to_owned()),
            "{r:?}"
        );
        // Snippets mark the words and escape everything else.
        let body = search_q(&app, "conveyance", None).await;
        assert!(
            body["hits"][0]["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>conveyance</mark>")
        );
        // A misspelling with nothing found offers the index's own word.
        let body = search_q(&app, "replicatoin", None).await;
        assert_eq!(body["did_you_mean"], "replication", "{body}");
    }
}

#[tokio::test]
async fn filters_facets_paging_and_attachment_pages() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        for i in 0..25 {
            let slug: &'static str = Box::leak(format!("supervision-{i}").into_boxed_str());
            add_resource(
                &app,
                NewResource {
                    kind: if i % 5 == 0 { "toolkit" } else { "guidance" },
                    topic: (i % 2 == 0).then_some("amhp-practice"),
                    region: (i % 3 == 0).then_some("london"),
                    published_on: Some(if i < 10 { "2024-01-15" } else { "2026-06-01" }),
                    ..NewResource::published(
                        slug,
                        "Supervision standard",
                        "Reflective supervision for teams.",
                    )
                },
            )
            .await;
        }
        add_resource(
            &app,
            NewResource {
                pages: vec![
                    "Contents",
                    "Introduction",
                    "The wombat protocol for handovers",
                ],
                ..NewResource::published("report", "Annual report", "A summary of the year.")
            },
        )
        .await;
        app.state.search.nudge();
        caught_up(&app).await;
        let body = search(&app, "q=supervision&limit=10", None).await;
        assert_eq!(body["total"], 25);
        assert_eq!(body["hits"].as_array().unwrap().len(), 10);
        let kinds = &body["facets"]["kind"];
        assert!(
            kinds
                .as_array()
                .unwrap()
                .contains(&json!({"value": "guidance", "count": 20})),
            "{kinds}"
        );
        assert!(
            kinds
                .as_array()
                .unwrap()
                .contains(&json!({"value": "toolkit", "count": 5}))
        );
        assert!(
            body["facets"]["topic"]
                .as_array()
                .unwrap()
                .contains(&json!({"value": "amhp-practice", "count": 13}))
        );
        assert!(
            body["facets"]["region"]
                .as_array()
                .unwrap()
                .contains(&json!({"value": "london", "count": 9}))
        );
        // Paging by cursor visits every hit once.
        let mut seen = std::collections::BTreeSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = match &cursor {
                Some(c) => format!("q=supervision&limit=10&cursor={c}"),
                None => "q=supervision&limit=10".to_owned(),
            };
            let page = search(&app, &q, None).await;
            for u in urls(&page) {
                assert!(seen.insert(u));
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 25);
        // Filters narrow.
        assert_eq!(
            search(&app, "q=supervision&kind=toolkit", None).await["total"],
            5
        );
        assert_eq!(
            search(&app, "q=supervision&kind=toolkit&region=london", None).await["total"],
            2
        );
        assert_eq!(
            search(
                &app,
                "q=supervision&topic=amhp-practice&type=resource",
                None
            )
            .await["total"],
            13
        );
        assert_eq!(
            search(&app, "q=supervision&type=thread", None).await["total"],
            0
        );
        assert_eq!(
            search(&app, "q=supervision&from=2025-01-01", None).await["total"],
            15
        );
        assert_eq!(
            search(&app, "q=supervision&to=2024-12-31", None).await["total"],
            10
        );
        let newest = search(&app, "q=supervision&sort=newest&limit=1", None).await;
        assert!(
            newest["hits"][0]["published_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-06-01")
        );
        // Bad parameters are 422s that name the field.
        for (q, field) in [
            ("q=x&type=video", "type"),
            ("q=x&sort=oldest", "sort"),
            ("q=x&from=yesterday", "from"),
            ("q=x&cursor=zz", "cursor"),
            ("q=x&limit=0", "limit"),
            ("q=x&limit=101", "limit"),
        ] {
            let r = app.get(&format!("/api/search?{q}"), None).await;
            assert_eq!(r.status, 422, "{q}");
            assert_eq!(r.field_errors(), vec![field.to_owned()], "{q}");
        }
        // A word found only in an attachment: the snippet names its page.
        let body = search_q(&app, "wombat", None).await;
        let hit = &body["hits"][0];
        assert_eq!(hit["url"], "/library/report");
        assert_eq!(hit["slug"], "report");
        assert_eq!(hit["page"], 3);
        assert_eq!(hit["attachment_title"], "Full report");
        assert!(
            hit["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>wombat</mark>")
        );
    }
}

#[tokio::test]
async fn admins_edit_the_glossary_and_it_takes_effect_at_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin One", "admin")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Member Two", "member")
            .await;
        add_resource(
            &app,
            NewResource::published(
                "pbs",
                "Support plans",
                "Positive behaviour support in practice.",
            ),
        )
        .await;
        add_resource(
            &app,
            NewResource::published("zzq", "Local words", "The quiet room protocol."),
        )
        .await;
        app.state.search.nudge();
        caught_up(&app).await;
        assert_eq!(app.get("/api/admin/glossary", None).await.status, 401);
        assert_eq!(
            app.get("/api/admin/glossary", Some(&member)).await.status,
            403
        );
        let r = app
            .send(
                "PUT",
                "/api/admin/glossary",
                json!({"text": "QR | quiet room"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = app.get("/api/admin/glossary", Some(&admin)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["customised"], false);
        let text = r.body["text"].as_str().unwrap().to_owned();
        assert!(text.contains("AMHP | approved mental health professional"));
        assert!(urls(&search_q(&app, "QR", None).await).is_empty());
        let r = app
            .send(
                "PUT",
                "/api/admin/glossary",
                json!({"text": format!("{text}\nQR | quiet room\n"), "reason": "Local term"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["customised"], true);
        assert_eq!(
            urls(&search_q(&app, "QR", None).await),
            vec!["/library/zzq".to_owned()]
        );
        assert!(urls(&search_q(&app, "PBS", None).await).contains(&"/library/pbs".to_owned()));
        // Invalid glossaries are refused, naming the line.
        for bad in ["just one form", "a | ", "x".repeat(70_000).as_str()] {
            let r = app
                .send(
                    "PUT",
                    "/api/admin/glossary",
                    json!({"text": bad}),
                    Some(&admin),
                )
                .await;
            assert_eq!(r.status, 422, "{bad:.20}");
            assert_eq!(r.field_errors(), vec!["text".to_owned()]);
        }
        let r = app
            .send(
                "PUT",
                "/api/admin/glossary",
                json!({"text": "a | b", "extra": 1}),
                Some(&admin),
            )
            .await;
        assert!((400..500).contains(&r.status));
        assert_eq!(
            app.get("/api/admin/glossary", Some(&admin)).await.body["concepts"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()["forms"],
            json!(["QR", "quiet room"])
        );
    }
}

#[tokio::test]
async fn a_restart_resumes_from_the_commit_payload() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        no_holds(&app).await;
        let (_, author) = app
            .member_with_role("a@nhs.net", "Author One", "member")
            .await;
        let t = thread(&app, &author, "london", "Numbat before restart", "first").await;
        caught_up(&app).await;
        let applied = app.state.search.last_applied_id().unwrap();
        let generation = app.state.search.generation().unwrap();
        let app = app.restart().await;
        assert_eq!(
            app.state.search.generation().as_deref(),
            Some(generation.as_str()),
            "the index was reused, not rebuilt"
        );
        assert_eq!(app.state.search.last_applied_id(), Some(applied));
        let author = app.login("a@nhs.net", crate::common::PASSWORD).await;
        // Written while no follower runs (as if the node was down): picked up after the restart.
        db(&app, move |c| {
            backend::db::forum::enqueue_search(c, "thread", t).unwrap()
        })
        .await;
        let t2 = thread(&app, &author, "london", "Numbat after restart", "second").await;
        assert!(
            found_within(
                &app,
                "numbat",
                &format!("/threads/{t2}"),
                Some(&author),
                Duration::from_secs(10)
            )
            .await
        );
        assert!(
            found_within(
                &app,
                "numbat",
                &format!("/threads/{t}"),
                Some(&author),
                Duration::from_secs(10)
            )
            .await
        );
        assert!(app.state.search.last_applied_id().unwrap() > applied);
    }
}

#[tokio::test]
async fn a_corrupt_or_missing_index_is_rebuilt_at_start() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        no_holds(&app).await;
        let (_, author) = app
            .member_with_role("a@nhs.net", "Author One", "member")
            .await;
        let t = thread(
            &app,
            &author,
            "london",
            "Platypus survives corruption",
            "text",
        )
        .await;
        caught_up(&app).await;
        let root = app.index_root();
        let generation = app.state.search.generation().unwrap();
        app.state.search.shutdown().await;
        // Scribble over the index's metadata.
        std::fs::write(root.join(&generation).join("meta.json"), b"{ not json").unwrap();
        let app = app.restart().await;
        let author = app.login("a@nhs.net", crate::common::PASSWORD).await;
        // Search answers while the rebuild runs, and finds the thread once it is done.
        assert_eq!(
            app.get("/api/search?q=platypus", Some(&author))
                .await
                .status,
            200
        );
        assert!(
            found_within(
                &app,
                "platypus",
                &format!("/threads/{t}"),
                Some(&author),
                Duration::from_secs(10)
            )
            .await
        );
        assert_ne!(app.state.search.generation().unwrap(), generation);
        let until = Instant::now() + Duration::from_secs(10);
        while root.join(&generation).exists() {
            assert!(Instant::now() < until, "the broken generation is removed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // A missing index directory altogether.
        app.state.search.shutdown().await;
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        let app = app.restart().await;
        assert!(
            found_within(
                &app,
                "platypus",
                &format!("/threads/{t}"),
                Some(&author),
                Duration::from_secs(10)
            )
            .await
        );
    }
}

#[tokio::test]
async fn reindexing_swaps_in_a_new_index_while_search_keeps_answering() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        for i in 0..30 {
            let slug: &'static str = Box::leak(format!("echidna-{i}").into_boxed_str());
            add_resource(
                &app,
                NewResource::published(slug, "Echidna guidance", "echidna text"),
            )
            .await;
        }
        app.state.search.nudge();
        caught_up(&app).await;
        let before = app.state.search.generation().unwrap();
        let db2 = app.db.clone();
        let root = app.index_root();
        let rebuild =
            tokio::task::spawn_blocking(move || backend::search::rebuild(&db2, &root, |_| {}));
        // Search answers in full throughout.
        while !rebuild.is_finished() {
            assert_eq!(search_q(&app, "echidna", None).await["total"], 30);
        }
        let (name, count) = rebuild.await.unwrap().unwrap();
        assert_eq!(count, 30);
        // Something written after the rebuild's snapshot is still applied to the new index.
        add_resource(
            &app,
            NewResource::published("echidna-late", "Echidna late", "echidna"),
        )
        .await;
        let until = Instant::now() + Duration::from_secs(10);
        while app.state.search.generation().as_deref() != Some(name.as_str()) {
            assert!(
                search_q(&app, "echidna", None).await["total"]
                    .as_u64()
                    .unwrap()
                    >= 30
            );
            assert!(
                Instant::now() < until,
                "the server did not switch to the new index"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            found_within(
                &app,
                "echidna",
                "/library/echidna-late",
                None,
                Duration::from_secs(10)
            )
            .await
        );
        assert_eq!(search_q(&app, "echidna", None).await["total"], 31);
        let until = Instant::now() + Duration::from_secs(10);
        while app.index_root().join(&before).exists() {
            assert!(Instant::now() < until, "the old index is removed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn replicas_each_keep_their_own_index_and_nudge_each_other_through_redis() {
    let Ok(redis) = std::env::var("TEST_REDIS_URL") else {
        return;
    };
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let prefix = format!("pip-test-{}:", &backend::auth::random_token()[..8]);
    let a = TestApp::builder(Backend::Postgres)
        .set("REDIS_URL", &redis)
        .set("REDIS_PREFIX", &prefix)
        .build()
        .await;
    let b = a.replica(&[]).await;
    assert_ne!(a.index_root(), b.index_root());
    no_holds(&a).await;
    let (_, author) = a
        .member_with_role("a@nhs.net", "Author One", "member")
        .await;
    caught_up(&a).await;
    caught_up(&b).await;
    // Slow polls would miss the deadline: the Redis nudge wakes the other replica.
    let t = thread(&a, &author, "london", "Wallaby across replicas", "text").await;
    let reader = b.login("a@nhs.net", crate::common::PASSWORD).await;
    assert!(
        found_within(
            &b,
            "wallaby",
            &format!("/threads/{t}"),
            Some(&reader),
            Duration::from_secs(10)
        )
        .await
    );
    let p = reply(&b, &reader, t, "wallaby reply from the other side").await;
    assert!(
        found_within(
            &a,
            "wallaby",
            &format!("/threads/{t}#post-{p}"),
            Some(&author),
            Duration::from_secs(10)
        )
        .await
    );
}

#[tokio::test]
async fn hostile_queries_answer_200_or_4xx() {
    let app = TestApp::new(Backend::Sqlite).await;
    let (_, member) = app
        .member_with_role("m@nhs.net", "Member Two", "member")
        .await;
    caught_up(&app).await;
    let long = "a".repeat(10_000);
    let many = "word ".repeat(2_000);
    for q in [
        "*:*",
        "title:x",
        "\"",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "a:(^",
        "-",
        "--",
        "OR",
        "OR OR",
        "\"\"",
        "-\"\"",
        "\u{0}\u{1}\u{7f}",
        "\\",
        "~2",
        "x^1000",
        "a AND",
        "NOT",
        "%",
        "?",
        "😀 emoji",
        long.as_str(),
        many.as_str(),
        "AMHP OR -\"section 136",
        "é́́́́",
    ] {
        for path in ["/api/search?q=", "/api/search/suggest?q="] {
            let started = Instant::now();
            let r = app.get(&format!("{path}{}", enc(q)), Some(&member)).await;
            assert!((200..500).contains(&r.status), "{q:.30}: {}", r.status);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{q:.30} took {:?}",
                started.elapsed()
            );
        }
    }
}

mod property {
    use proptest::prelude::*;

    use super::enc;
    use crate::common::{Backend, TestApp};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn any_query_string_answers_200_or_4xx(q in any::<String>(), extra in "[a-z&=%;]{0,20}") {
            runtime().block_on(async {
                let app = app().await;
                for path in ["/api/search?q=", "/api/search/suggest?q="] {
                    let r = app.get(&format!("{path}{}&{extra}", enc(&q)), None).await;
                    assert!((200..500).contains(&r.status), "{q:?} {extra:?}: {}", r.status);
                }
            });
        }
    }

    /// One runtime and one app for every case (a new app per case would spend the test's time
    /// migrating).
    fn runtime() -> &'static tokio::runtime::Runtime {
        static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
        RUNTIME.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap()
        })
    }

    async fn app() -> &'static TestApp {
        static APP: tokio::sync::OnceCell<TestApp> = tokio::sync::OnceCell::const_new();
        APP.get_or_init(|| TestApp::new(Backend::Sqlite)).await
    }
}
