//! Collections: curated sections of resources; drafts for curators only, and items that hide
//! resources the viewer may not see.

use serde_json::json;

use crate::common::{TestApp, backends};
use crate::library::resource;

#[tokio::test]
async fn collections_keep_their_order_and_hide_what_the_viewer_may_not_see() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Cora Curator", "curator")
            .await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Max Member", "member")
            .await;
        for title in ["The standards", "Self-assessment", "Evidence examples"] {
            let r = app
                .post("/api/resources", resource(title), Some(&curator))
                .await;
            assert_eq!(r.status, 201);
        }
        let mut draft = resource("Unfinished template");
        draft["status"] = json!("draft");
        app.post("/api/resources", draft, Some(&curator)).await;

        let body = json!({
            "title": "AMHP service standards toolkit",
            "summary": "Everything a service needs to assess itself against the standards.",
            "intro_markdown": "Start here <script>alert(1)</script>",
            "status": "draft",
            "sections": [
                {"title": "The standards", "intro_markdown": "Read these first.", "items": [
                    {"resource": "the-standards", "note": "The core text"}
                ]},
                {"title": "Assess your service", "items": [
                    {"resource": "self-assessment"},
                    {"resource": "unfinished-template", "note": "Coming soon"},
                    {"resource": "evidence-examples"}
                ]}
            ]
        });
        assert_eq!(
            app.post("/api/collections", body.clone(), Some(&member))
                .await
                .status,
            403
        );
        assert_eq!(
            app.post("/api/collections", body.clone(), None)
                .await
                .status,
            401
        );
        let r = app
            .post("/api/collections", body.clone(), Some(&curator))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["slug"], "amhp-service-standards-toolkit");
        let html = r.body["intro_html"].as_str().unwrap();
        assert!(!html.contains("<script"), "{html}");
        let path = "/api/collections/amhp-service-standards-toolkit";
        assert_eq!(
            app.post("/api/collections", body.clone(), Some(&curator))
                .await
                .status,
            409
        );

        // A draft collection is the curators'.
        assert_eq!(app.get(path, None).await.status, 404);
        assert_eq!(app.get(path, Some(&member)).await.status, 404);
        assert!(
            app.get("/api/collections", None).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            app.get("/api/collections", Some(&curator)).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let mut published = body.clone();
        published["status"] = json!("published");
        let r = app
            .send("PUT", path, published.clone(), Some(&member))
            .await;
        assert_eq!(r.status, 403);
        let r = app.send("PUT", path, published, Some(&curator)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let items = |v: &serde_json::Value, s: usize| -> Vec<String> {
            v["sections"][s]["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["resource"]["slug"].as_str().unwrap().to_owned())
                .collect()
        };
        let anon = app.get(path, None).await;
        assert_eq!(anon.status, 200);
        assert_eq!(anon.body["sections"][0]["title"], "The standards");
        assert_eq!(
            anon.body["sections"][0]["items"][0]["note"],
            "The core text"
        );
        assert_eq!(
            items(&anon.body, 1),
            ["self-assessment", "evidence-examples"]
        );
        let cur = app.get(path, Some(&curator)).await;
        assert_eq!(
            items(&cur.body, 1),
            [
                "self-assessment",
                "unfinished-template",
                "evidence-examples"
            ]
        );
        assert_eq!(
            app.get("/api/collections", None).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Bad items and fields are named.
        let r = app
            .send(
                "PUT",
                path,
                json!({"title": "", "summary": "x", "status": "hidden", "sections": [{"title": "", "items": [{"resource": "no-such"}]}]}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 422);
        let fields = r.field_errors();
        for f in [
            "title",
            "status",
            "sections[0].title",
            "sections[0].items[0].resource",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f} not in {fields:?}");
        }
        let outbox = crate::library::db(&app, |c| {
            use backend::db::schema::search_outbox;
            use diesel::prelude::*;
            search_outbox::table
                .filter(search_outbox::entity_type.eq("collection"))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
        assert_eq!(outbox, 2);
    }
}
