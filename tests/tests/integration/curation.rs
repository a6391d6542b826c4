//! Keeping guidance current: the curator dashboard, the external-link checker (run only against
//! a local server the test starts) and the review reminders (once per due date).

use chrono::{NaiveDate, TimeDelta, Utc};
use serde_json::json;

use crate::common::{TestApp, backends};
use crate::practice_examples::template;

async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut backend::db::DbConn) -> T + Send + 'static,
) -> T {
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

/// Creates a resource through the library as `owner` (a curator); returns its id.
async fn resource(
    app: &TestApp,
    owner: i64,
    title: &str,
    status: &str,
    review_by: Option<NaiveDate>,
    external_url: Option<String>,
) -> i64 {
    let (title, status) = (title.to_owned(), status.to_owned());
    db(app, move |c| {
        let actor = backend::db::users::User::find(c, backend::db::users::UserId(owner))
            .unwrap()
            .unwrap();
        let input = backend::library::resources::ResourceInput {
            kind: if external_url.is_some() {
                "report"
            } else {
                "guidance"
            }
            .into(),
            title: title.clone(),
            slug: None,
            summary: format!("Summary of {title}"),
            body_markdown: "Some guidance.".into(),
            source_org: Some("NHS England".into()),
            authors: vec![],
            audience: None,
            external_url,
            published_on: None,
            review_by,
            owner: Some(owner),
            topics: vec!["amhp-practice".into()],
            regions: vec![],
            tags: vec![],
            status,
            superseded_by: None,
            featured: false,
            is_demo: false,
        };
        backend::library::resources::create(c, &actor, &input, Some("For the test"))
            .unwrap()
            .id
    })
    .await
}

fn titles(items: &serde_json::Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["title"]
                .as_str()
                .or(i["resource"]["title"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// A local server with one page that is there and one that is not.
async fn local_site() -> (String, tokio::task::JoinHandle<()>) {
    use poem::{Route, get, handler, http::StatusCode, listener::TcpListener};
    #[handler]
    fn there() -> &'static str {
        "here"
    }
    #[handler]
    fn gone() -> StatusCode {
        StatusCode::NOT_FOUND
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let app = Route::new()
        .at("/report.pdf", get(there).head(there))
        .at("/moved-away", get(gone).head(gone));
    let server = tokio::spawn(async move {
        let _ = poem::Server::new(TcpListener::bind(addr)).run(app).await;
    });
    let base = format!("http://{addr}");
    // Wait until it answers.
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (base, server)
}

#[tokio::test]
async fn the_dashboard_lists_what_needs_a_curator_and_is_for_curators_only() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (curator_id, curator) = app
            .member_with_role("curator@nhs.net", "Cara Curator", "curator")
            .await;
        let (_, member) = app
            .member_with_role("member@nhs.net", "Alex Member", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mo Moderator", "moderator")
            .await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Ada Admin", "admin")
            .await;
        assert_eq!(app.get("/api/curation/dashboard", None).await.status, 401);
        for who in [&member, &moderator] {
            assert_eq!(
                app.get("/api/curation/dashboard", Some(who)).await.status,
                403
            );
        }

        let today = Utc::now().date_naive();
        resource(&app, curator_id, "Draft guidance", "draft", None, None).await;
        resource(
            &app,
            curator_id,
            "Guidance in review",
            "in_review",
            None,
            None,
        )
        .await;
        resource(
            &app,
            curator_id,
            "Overdue guidance",
            "published",
            Some(today - TimeDelta::days(3)),
            None,
        )
        .await;
        resource(
            &app,
            curator_id,
            "Due soon",
            "published",
            Some(today + TimeDelta::days(20)),
            None,
        )
        .await;
        resource(
            &app,
            curator_id,
            "Due next year",
            "published",
            Some(today + TimeDelta::days(200)),
            None,
        )
        .await;
        let r = app
            .post(
                "/api/practice-examples",
                template("Waiting for review"),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 201);

        let r = app.get("/api/curation/dashboard", Some(&curator)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(titles(&r.body["drafts"]), vec!["Draft guidance"]);
        assert_eq!(titles(&r.body["in_review"]), vec!["Guidance in review"]);
        assert_eq!(
            titles(&r.body["review_due"]),
            vec!["Overdue guidance", "Due soon"]
        );
        assert_eq!(r.body["review_due"][0]["review_overdue"], true);
        assert_eq!(r.body["review_due"][1]["review_overdue"], false);
        assert_eq!(r.body["review_due"][0]["owner_name"], "Cara Curator");
        assert_eq!(
            titles(&r.body["practice_examples"]),
            vec!["Waiting for review"]
        );
        assert_eq!(r.body["broken_links"], json!([]));
        assert_eq!(
            app.get("/api/curation/dashboard", Some(&admin))
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn the_link_checker_finds_broken_links_for_the_dashboard() {
    let (base, server) = local_site().await;
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (curator_id, curator) = app
            .member_with_role("curator@nhs.net", "Cara Curator", "curator")
            .await;
        let good = resource(
            &app,
            curator_id,
            "A report hosted elsewhere",
            "published",
            None,
            Some(format!("{base}/report.pdf")),
        )
        .await;
        let bad = resource(
            &app,
            curator_id,
            "A report that moved",
            "published",
            None,
            Some(format!("{base}/moved-away")),
        )
        .await;
        resource(&app, curator_id, "No link", "published", None, None).await;

        let client = backend::library::link_check::client().unwrap();
        let report = backend::library::link_check::check_once(&app.db, &client)
            .await
            .unwrap();
        assert_eq!(report.checked, 2);
        assert_eq!(report.ok, 1);
        assert_eq!(report.broken, 1);
        let checks = db(&app, move |c| {
            use backend::db::practice_examples::LinkCheck;
            (
                LinkCheck::find(c, good).unwrap().unwrap(),
                LinkCheck::find(c, bad).unwrap().unwrap(),
            )
        })
        .await;
        assert!(checks.0.ok);
        assert_eq!(checks.0.http_status, Some(200));
        assert!(!checks.1.ok);
        assert_eq!(checks.1.http_status, Some(404));

        let r = app.get("/api/curation/dashboard", Some(&curator)).await;
        let broken = r.body["broken_links"].as_array().unwrap();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0]["resource"]["title"], "A report that moved");
        assert_eq!(broken[0]["http_status"], 404);
        assert_eq!(broken[0]["url"], format!("{base}/moved-away"));

        // Checked again: still one row per resource.
        backend::library::link_check::check_once(&app.db, &client)
            .await
            .unwrap();
        let rows = db(&app, |c| {
            use diesel::prelude::*;
            backend::db::schema::link_checks::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
        assert_eq!(rows, 2);
    }
    server.abort();
}

#[tokio::test]
async fn owners_are_reminded_once_when_a_review_falls_due() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (curator_id, _) = app
            .member_with_role("owner@nhs.net", "Owen Owner", "curator")
            .await;
        let due = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let id = resource(
            &app,
            curator_id,
            "Employer guidance",
            "published",
            Some(due),
            None,
        )
        .await;
        resource(
            &app,
            curator_id,
            "Draft not reminded",
            "draft",
            Some(due),
            None,
        )
        .await;
        let url = "http://localhost:8080";
        let run = |today: NaiveDate| {
            let db = app.db.clone();
            async move {
                backend::library::reminders::run_once(&db, url, today)
                    .await
                    .unwrap()
            }
        };
        // Not yet due: nothing.
        assert_eq!(run(due - TimeDelta::days(1)).await, 0);
        assert!(app.mails_to("owner@nhs.net").await.is_empty());
        // Due: one e-mail, then never again for that date.
        assert_eq!(run(due).await, 1);
        assert_eq!(run(due).await, 0);
        assert_eq!(run(due + TimeDelta::days(5)).await, 0);
        let mails = app.mails_to("owner@nhs.net").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].subject, "Review due: Employer guidance");
        assert!(
            mails[0]
                .body_text
                .contains("http://localhost:8080/library/employer-guidance")
        );
        // A new review-by date is reminded again when it arrives.
        let next = NaiveDate::from_ymd_opt(2028, 3, 1).unwrap();
        db(&app, move |c| {
            use backend::db::schema::resources;
            use diesel::prelude::*;
            diesel::update(resources::table.find(id))
                .set(resources::review_by.eq(Some(next)))
                .execute(c)
                .unwrap();
        })
        .await;
        assert_eq!(run(due + TimeDelta::days(6)).await, 0);
        assert_eq!(run(next).await, 1);
        assert_eq!(app.mails_to("owner@nhs.net").await.len(), 2);
    }
}
