//! The library's resources: who sees what, validation, revisions with diffs and restore, the
//! status workflow with its log, and discussion threads.

use serde_json::{Value, json};

use crate::common::{TestApp, backends};

pub async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut backend::db::DbConn) -> T + Send + 'static,
) -> T {
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

pub fn resource(title: &str) -> Value {
    json!({
        "kind": "guidance",
        "title": title,
        "summary": format!("What {title} says, in brief."),
        "body_markdown": "First line\nSecond line\n",
        "source_org": "NHS England",
        "authors": ["A. Writer"],
        "topics": ["amhp-practice"],
        "regions": ["london"],
        "tags": ["AMHP standards"],
        "published_on": "2026-01-15",
        "review_by": "2027-01-15",
        "status": "published",
        "note": "First published"
    })
}

async fn outbox_count(app: &TestApp, kind: &'static str, id: i64) -> i64 {
    db(app, move |c| {
        use backend::db::schema::search_outbox;
        use diesel::prelude::*;
        search_outbox::table
            .filter(search_outbox::entity_type.eq(kind))
            .filter(search_outbox::entity_id.eq(id))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}

fn slugs(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn curators_create_resources_with_a_slug_from_the_title_and_a_first_revision() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Max Member", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mo Moderator", "moderator")
            .await;

        assert_eq!(
            app.post("/api/resources", resource("Anon"), None)
                .await
                .status,
            401
        );
        assert_eq!(
            app.post("/api/resources", resource("Member"), Some(&member))
                .await
                .status,
            403
        );
        assert_eq!(
            app.post("/api/resources", resource("Moderator"), Some(&moderator))
                .await
                .status,
            403
        );

        let r = app
            .post(
                "/api/resources",
                resource("AMHP Service Standards — 2026!"),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["slug"], "amhp-service-standards-2026");
        assert_eq!(r.body["revision"], 1);
        assert_eq!(r.body["owner"]["display_name"], "Cora Curator");
        assert_eq!(r.body["topics"][0]["slug"], "amhp-practice");
        assert_eq!(r.body["topics"][0]["name"], "AMHP practice");
        assert_eq!(r.body["regions"][0]["name"], "London");
        assert_eq!(r.body["tags"][0], "amhp-standards");
        assert_eq!(r.body["attachments"], json!([]));
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(outbox_count(&app, "resource", id).await, 1);

        // The same slug again is a conflict naming the field.
        let again = app
            .post(
                "/api/resources",
                resource("AMHP service standards 2026"),
                Some(&curator),
            )
            .await;
        assert_eq!(again.status, 409, "{:?}", again.body);
        assert_eq!(again.field_errors(), ["slug"]);
        assert!(again.content_type().starts_with("application/problem+json"));
        // A given slug is normalised.
        let mut body = resource("Another");
        body["slug"] = json!("  My Own Slug  ");
        let r = app.post("/api/resources", body, Some(&curator)).await;
        assert_eq!(r.body["slug"], "my-own-slug");

        let h = app
            .get(
                "/api/resources/amhp-service-standards-2026/revisions",
                Some(&curator),
            )
            .await;
        assert_eq!(h.status, 200);
        assert_eq!(h.body["revisions"].as_array().unwrap().len(), 1);
        assert_eq!(h.body["revisions"][0]["note"], "First published");
        assert_eq!(h.body["status_changes"][0]["to"], "published");
    }
}

#[tokio::test]
async fn bad_input_gets_every_field_error_at_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let r = app
            .post(
                "/api/resources",
                json!({
                    "kind": "poem",
                    "title": "",
                    "summary": "",
                    "external_url": "javascript:alert(1)",
                    "published_on": "2026-02-30",
                    "review_by": "soon",
                    "status": "secret",
                    "topics": ["no-such-topic"],
                    "regions": ["atlantis"],
                    "tags": ["<script>"],
                    "superseded_by": "no-such-resource",
                    "owner": 999999
                }),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 422, "{:?}", r.body);
        assert!(r.content_type().starts_with("application/problem+json"));
        // Dates are read first: a date that doesn't exist is reported on its own.
        assert_eq!(r.field_errors(), ["published_on", "review_by"]);

        let r = app
            .post(
                "/api/resources",
                json!({
                    "kind": "poem",
                    "title": "",
                    "summary": "x".repeat(601),
                    "external_url": "javascript:alert(1)",
                    "review_by": "2020-01-01",
                    "published_on": "2021-01-01",
                    "status": "secret",
                    "topics": ["no-such-topic", "london"],
                    "regions": ["atlantis"],
                    "tags": ["<script>"],
                    "superseded_by": "no-such-resource",
                    "owner": 999999
                }),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 422, "{:?}", r.body);
        let fields = r.field_errors();
        for f in [
            "kind",
            "title",
            "summary",
            "external_url",
            "review_by",
            "status",
            "topics",
            "regions",
            "tags",
            "superseded_by",
            "owner",
        ] {
            assert!(
                fields.contains(&f.to_owned()),
                "{f} missing from {fields:?}"
            );
        }
        // A region space is not a topic.
        assert_eq!(fields.iter().filter(|f| *f == "topics").count(), 2);

        for url in [
            "ftp://example.org/x",
            "file:///etc/passwd",
            "//evil.example",
            "data:text/html,x",
        ] {
            let mut body = resource("Link check");
            body["external_url"] = json!(url);
            let r = app.post("/api/resources", body, Some(&curator)).await;
            assert_eq!(r.status, 422, "{url}");
            assert_eq!(r.field_errors(), ["external_url"]);
        }
        // Wrong types are refused before validation; unknown fields too (no mass assignment).
        let mut body = resource("Types");
        body["featured"] = json!("yes");
        assert_eq!(
            app.post("/api/resources", body, Some(&curator))
                .await
                .status,
            400
        );
        let mut body = resource("Mass assignment");
        body["revision"] = json!(99);
        assert_eq!(
            app.post("/api/resources", body, Some(&curator))
                .await
                .status,
            400
        );
        // NUL-01: refused before it reaches either database.
        let mut body = resource("Nul");
        body["body_markdown"] = json!("abc\u{0}def");
        assert_eq!(
            app.post("/api/resources", body, Some(&curator))
                .await
                .status,
            400
        );
        // SQLI-02: stored verbatim.
        let r = app
            .post(
                "/api/resources",
                resource("Robert'); DROP TABLE resources;--"),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 201);
        assert_eq!(r.body["title"], "Robert'); DROP TABLE resources;--");
        assert_eq!(r.body["slug"], "robert-drop-table-resources");
        // A body too large to render.
        let mut body = resource("Huge");
        body["body_markdown"] = json!("a".repeat(70_000));
        let r = app.post("/api/resources", body, Some(&curator)).await;
        assert!(matches!(r.status, 413 | 422), "{}", r.status);
    }
}

#[tokio::test]
async fn bodies_are_sanitised_like_posts() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let mut body = resource("Payloads");
        body["body_markdown"] = json!(
            "<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n![x](http://169.254.169.254/)\n\n\"><svg onload=alert(1)>"
        );
        let r = app.post("/api/resources", body, Some(&curator)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let html = r.body["body_html"].as_str().unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<svg"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        // Tags become text, so their attributes are inert text too.
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains(">click</a>") && !html.contains("href=\"javascript"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}

#[tokio::test]
async fn drafts_are_seen_only_by_curators_and_the_owner_everywhere() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let (owner_id, owner) = app
            .member_with_role("o@nhs.net", "Olive Owner", "member")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Max Member", "member")
            .await;
        let (_, admin) = app
            .member_with_role("a@nhs.net", "Ada Admin", "admin")
            .await;

        let r = app
            .post(
                "/api/resources",
                resource("Published guide"),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 201);
        let mut draft = resource("Draft guide");
        draft["status"] = json!("draft");
        draft["owner"] = json!(owner_id);
        let r = app.post("/api/resources", draft, Some(&curator)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);

        // By slug: the draft is a 404 for the anonymous and plain members.
        assert_eq!(
            app.get("/api/resources/published-guide", None).await.status,
            200
        );
        assert_eq!(
            app.get("/api/resources/draft-guide", None).await.status,
            404
        );
        assert_eq!(
            app.get("/api/resources/draft-guide", Some(&member))
                .await
                .status,
            404
        );
        for who in [&owner, &curator, &admin] {
            assert_eq!(
                app.get("/api/resources/draft-guide", Some(who))
                    .await
                    .status,
                200
            );
        }
        // The review date is for curators and the owner only.
        let anon = app.get("/api/resources/published-guide", None).await;
        assert_eq!(anon.body["review_by"], Value::Null);
        assert_eq!(anon.body["can_edit"], false);
        let cur = app
            .get("/api/resources/published-guide", Some(&curator))
            .await;
        assert_eq!(cur.body["review_by"], "2027-01-15");
        let own = app.get("/api/resources/draft-guide", Some(&owner)).await;
        assert_eq!(own.body["review_by"], "2027-01-15");
        assert_eq!(own.body["can_edit"], true);

        // Lists: published by default; asking for drafts shows only what the viewer may see.
        assert_eq!(
            slugs(&app.get("/api/resources", None).await.body),
            ["published-guide"]
        );
        let all = "/api/resources?status=draft&status=published";
        assert_eq!(slugs(&app.get(all, None).await.body), ["published-guide"]);
        assert_eq!(
            slugs(&app.get(all, Some(&member)).await.body),
            ["published-guide"]
        );
        assert_eq!(
            slugs(&app.get(all, Some(&owner)).await.body),
            ["draft-guide", "published-guide"]
        );
        assert_eq!(
            slugs(&app.get(all, Some(&curator)).await.body),
            ["draft-guide", "published-guide"]
        );

        // Related resources (shared topic and tag) hide the draft too.
        let related = |r: &Value| -> Vec<String> {
            r["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["slug"].as_str().unwrap().to_owned())
                .collect()
        };
        assert!(
            related(
                &app.get("/api/resources/published-guide", Some(&member))
                    .await
                    .body
            )
            .is_empty()
        );
        assert_eq!(
            related(
                &app.get("/api/resources/published-guide", Some(&curator))
                    .await
                    .body
            ),
            ["draft-guide"]
        );

        // Members can't edit, see the history of, or restore what they don't own.
        let put = app
            .send(
                "PUT",
                "/api/resources/published-guide",
                resource("Published guide"),
                Some(&member),
            )
            .await;
        assert_eq!(put.status, 403);
        assert_eq!(
            app.get("/api/resources/published-guide/revisions", Some(&member))
                .await
                .status,
            403
        );
        assert_eq!(
            app.get("/api/resources/draft-guide/revisions", Some(&member))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(
                "/api/resources/published-guide/revisions/1/diff",
                Some(&member)
            )
            .await
            .status,
            403
        );

        // The owner edits content but doesn't publish.
        let mut edit = resource("Draft guide");
        edit["status"] = json!("draft");
        edit["summary"] = json!("The owner's better summary.");
        let r = app
            .send(
                "PUT",
                "/api/resources/draft-guide",
                edit.clone(),
                Some(&owner),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["revision"], 2);
        edit["status"] = json!("published");
        let r = app
            .send("PUT", "/api/resources/draft-guide", edit, Some(&owner))
            .await;
        assert_eq!(r.status, 403);
        let r = app
            .post(
                "/api/resources/draft-guide/status",
                json!({"to": "published", "reason": "Ready"}),
                Some(&owner),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = app
            .post(
                "/api/resources/draft-guide/status",
                json!({"to": "in_review", "reason": "Please review"}),
                Some(&owner),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(
            app.get("/api/resources/draft-guide", Some(&member))
                .await
                .status,
            404
        );
    }
}

#[tokio::test]
async fn filters_combine_and_pages_follow_the_cursor() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let specs = [
            ("Guide london amhp", "guidance", "amhp-practice", "london"),
            (
                "Toolkit london supervision",
                "toolkit",
                "practice-supervision",
                "london",
            ),
            (
                "Guide midlands supervision",
                "guidance",
                "practice-supervision",
                "midlands",
            ),
            (
                "Report national amhp",
                "report",
                "amhp-practice",
                "national",
            ),
        ];
        for (title, kind, topic, region) in specs {
            let mut body = resource(title);
            body["kind"] = json!(kind);
            body["topics"] = json!([topic]);
            body["regions"] = json!([region]);
            body["tags"] = json!([kind]);
            let r = app.post("/api/resources", body, Some(&curator)).await;
            assert_eq!(r.status, 201, "{:?}", r.body);
        }
        let get = |q: &str| format!("/api/resources?{q}");
        assert_eq!(
            slugs(&app.get(&get("kind=guidance"), None).await.body),
            ["guide-midlands-supervision", "guide-london-amhp"]
        );
        assert_eq!(
            slugs(
                &app.get(&get("kind=guidance&kind=toolkit&region=london"), None)
                    .await
                    .body
            ),
            ["toolkit-london-supervision", "guide-london-amhp"]
        );
        assert_eq!(
            slugs(
                &app.get(&get("topic=amhp-practice&region=national"), None)
                    .await
                    .body
            ),
            ["report-national-amhp"]
        );
        assert_eq!(
            slugs(&app.get(&get("tag=toolkit"), None).await.body),
            ["toolkit-london-supervision"]
        );
        assert!(slugs(&app.get(&get("tag=unknown-tag"), None).await.body).is_empty());
        assert_eq!(
            slugs(&app.get(&get("q=MIDLANDS"), None).await.body),
            ["guide-midlands-supervision"]
        );
        // SQLI-04: LIKE wildcards match literally.
        assert!(slugs(&app.get(&get("q=%25%25%25_"), None).await.body).is_empty());
        // Unknown filter values are named.
        for (q, field) in [
            ("kind=poem", "kind"),
            ("region=atlantis", "region"),
            ("topic=london", "topic"),
            ("status=secret", "status"),
        ] {
            let r = app.get(&get(q), None).await;
            assert_eq!(r.status, 422, "{q}");
            assert_eq!(r.field_errors(), [field]);
        }
        // PAGE-01 and SQLI-05.
        for q in ["limit=1000000", "limit=-1", "limit=0"] {
            assert_eq!(app.get(&get(q), None).await.status, 422, "{q}");
        }
        for q in ["cursor=1%20OR%201=1", "cursor=-1", "cursor=0x10"] {
            assert_eq!(app.get(&get(q), None).await.status, 422, "{q}");
        }
        let first = app.get(&get("limit=3"), None).await;
        assert_eq!(first.body["items"].as_array().unwrap().len(), 3);
        let next = first.body["next_cursor"].as_str().unwrap();
        let second = app.get(&get(&format!("limit=3&cursor={next}")), None).await;
        assert_eq!(slugs(&second.body), ["guide-london-amhp"]);
        assert_eq!(second.body["next_cursor"], Value::Null);
    }
}

#[tokio::test]
async fn every_change_is_a_revision_with_a_diff_and_old_revisions_can_be_restored() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let r = app
            .post(
                "/api/resources",
                resource("Supervision guide"),
                Some(&curator),
            )
            .await;
        let id = r.body["id"].as_i64().unwrap();
        let path = "/api/resources/supervision-guide";

        let mut v2 = resource("Supervision guide");
        v2["body_markdown"] = json!("First line\nA changed second line\n");
        v2["tags"] = json!(["AMHP standards", "supervision"]);
        v2["note"] = json!("Clarified the second line");
        let r = app.send("PUT", path, v2.clone(), Some(&curator)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["revision"], 2);
        // Sending the same again writes nothing.
        let r = app.send("PUT", path, v2, Some(&curator)).await;
        assert_eq!(r.body["revision"], 2);
        let mut v3 = resource("Supervision guide");
        v3["body_markdown"] = json!("Entirely new text\n");
        let r = app.send("PUT", path, v3, Some(&curator)).await;
        assert_eq!(r.body["revision"], 3);
        assert_eq!(outbox_count(&app, "resource", id).await, 3);

        let d = app
            .get(&format!("{path}/revisions/2/diff"), Some(&curator))
            .await;
        assert_eq!(d.status, 200, "{:?}", d.body);
        assert_eq!(
            (d.body["from"].as_i64(), d.body["to"].as_i64()),
            (Some(1), Some(2))
        );
        let fields: Vec<&str> = d.body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["body_markdown", "tags"]);
        assert_eq!(
            d.body["fields"][0]["hunks"],
            json!([
                {"kind": "equal", "text": "First line\n"},
                {"kind": "delete", "text": "Second line\n"},
                {"kind": "insert", "text": "A changed second line\n"}
            ])
        );
        let d = app
            .get(
                &format!("{path}/revisions/3/diff?against=1"),
                Some(&curator),
            )
            .await;
        assert_eq!(d.body["from"], 1);
        assert_eq!(d.body["fields"][0]["field"], "body_markdown");
        let d = app
            .get(&format!("{path}/revisions/1/diff"), Some(&curator))
            .await;
        assert_eq!(d.body["from"], 0);
        for bad in [
            "9/diff",
            "0/diff",
            "2/diff?against=7",
            "abc/diff",
            "9223372036854775808/diff",
        ] {
            let r = app
                .get(&format!("{path}/revisions/{bad}"), Some(&curator))
                .await;
            assert!(matches!(r.status, 400 | 404), "{bad}: {}", r.status);
        }

        // Restoring revision 1 writes revision 4 with revision 1's content.
        let r = app
            .post(
                &format!("{path}/revisions/1/restore"),
                json!({"note": "Back to the original"}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["revision"], 4);
        assert_eq!(r.body["body_markdown"], "First line\nSecond line\n");
        let d = app
            .get(
                &format!("{path}/revisions/4/diff?against=1"),
                Some(&curator),
            )
            .await;
        assert_eq!(d.body["fields"], json!([]));
        let h = app.get(&format!("{path}/revisions"), Some(&curator)).await;
        let numbers: Vec<i64> = h.body["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["number"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, [4, 3, 2, 1]);
        assert_eq!(h.body["revisions"][0]["note"], "Back to the original");
        assert_eq!(h.body["revisions"][0]["current"], true);
        assert_eq!(h.body["revisions"][2]["note"], "Clarified the second line");
        assert_eq!(outbox_count(&app, "resource", id).await, 4);
        let audit = app.audit_actions(id).await;
        assert!(audit.contains(&"resource_restore".to_owned()), "{audit:?}");

        // Members can't restore.
        let (_, member) = app
            .member_with_role("m@nhs.net", "Max Member", "member")
            .await;
        let r = app
            .post(
                &format!("{path}/revisions/2/restore"),
                json!({}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 403);
    }
}

#[tokio::test]
async fn status_moves_follow_the_workflow_with_a_reason_logged() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let mut body = resource("Workflow guide");
        body["status"] = json!("draft");
        let r = app.post("/api/resources", body, Some(&curator)).await;
        let id = r.body["id"].as_i64().unwrap();
        let path = "/api/resources/workflow-guide/status";

        let r = app
            .post(
                path,
                json!({"to": "in_review", "reason": "  "}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), ["reason"]);
        let r = app
            .post(
                path,
                json!({"to": "published", "reason": "Skip review"}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 409, "{:?}", r.body);
        let r = app
            .post(path, json!({"to": "gone", "reason": "x"}), Some(&curator))
            .await;
        assert_eq!(r.status, 422);
        for (to, reason) in [
            ("in_review", "Ready for a second pair of eyes"),
            ("published", "Checked by the lead"),
            ("archived", "Replaced by the 2027 edition"),
            ("published", "Still in use"),
        ] {
            let r = app
                .post(path, json!({"to": to, "reason": reason}), Some(&curator))
                .await;
            assert_eq!(r.status, 200, "{to}: {:?}", r.body);
            assert_eq!(r.body["status"], to);
        }
        let r = app
            .post(
                path,
                json!({"to": "published", "reason": "Again"}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 409);
        let h = app
            .get("/api/resources/workflow-guide/revisions", Some(&curator))
            .await;
        let log: Vec<(String, String, String)> = h.body["status_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["from"].as_str().unwrap().into(),
                    s["to"].as_str().unwrap().into(),
                    s["reason"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            log[0],
            ("archived".into(), "published".into(), "Still in use".into())
        );
        assert_eq!(
            log[3],
            (
                "draft".into(),
                "in_review".into(),
                "Ready for a second pair of eyes".into()
            )
        );
        assert_eq!(log.len(), 4);
        assert_eq!(h.body["revisions"].as_array().unwrap().len(), 5);
        let audit = app.audit_actions(id).await;
        assert_eq!(audit.iter().filter(|a| *a == "resource_status").count(), 4);
        assert_eq!(outbox_count(&app, "resource", id).await, 5);

        // Through the editor, a status change needs a note.
        let mut edit = resource("Workflow guide");
        edit["status"] = json!("archived");
        edit["note"] = Value::Null;
        let r = app
            .send("PUT", "/api/resources/workflow-guide", edit, Some(&curator))
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), ["note"]);
    }
}

#[tokio::test]
async fn a_discussion_thread_opens_once_in_the_first_topic_space() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Max Member", "member")
            .await;
        app.post(
            "/api/resources",
            resource("Discussed guide"),
            Some(&curator),
        )
        .await;
        let mut draft = resource("Quiet draft");
        draft["status"] = json!("draft");
        app.post("/api/resources", draft, Some(&curator)).await;

        let path = "/api/resources/discussed-guide/discussion";
        assert_eq!(app.post(path, json!({}), None).await.status, 401);
        let r = app.post(path, json!({}), Some(&member)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let thread = r.body["thread_id"].as_i64().unwrap();
        assert_eq!(r.body["url"], format!("/threads/{thread}"));
        let r = app.post(path, json!({}), Some(&curator)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["thread_id"], thread);

        let t = app
            .get(&format!("/api/threads/{thread}"), Some(&member))
            .await;
        assert_eq!(t.status, 200);
        assert_eq!(t.body["thread"]["title"], "Discussion: Discussed guide");
        let page = app.get("/api/resources/discussed-guide", None).await;
        assert_eq!(page.body["discussion"]["thread_id"], thread);

        assert_eq!(
            app.post(
                "/api/resources/quiet-draft/discussion",
                json!({}),
                Some(&member)
            )
            .await
            .status,
            404
        );
        assert_eq!(
            app.post(
                "/api/resources/quiet-draft/discussion",
                json!({}),
                Some(&curator)
            )
            .await
            .status,
            409
        );
    }
}

#[tokio::test]
async fn odd_slugs_in_paths_are_not_found() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        // PATH-01: slugs name rows, never files.
        for p in [
            "..%2f..%2f..%2fetc%2fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..%252f..%252fetc%252fpasswd",
            "....%2f%2f....%2f%2fetc%2fpasswd",
            "..%5c..%5cwindows%5cwin.ini",
            "1%20OR%201=1",
            "%00",
        ] {
            let r = app.get(&format!("/api/resources/{p}"), None).await;
            assert!(matches!(r.status, 400 | 404), "{p}: {}", r.status);
            assert!(!r.body.to_string().contains("root:"));
        }
    }
}
