//! Spaces administration (create, edit, order, archive), space moderators and what they see,
//! and tags on threads (normalisation, limits, filters, counts, merging, editing).

use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::json;

use crate::common::{TestApp, backends};
use crate::posting_rules::established;

fn slugs(r: &crate::common::Reply) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_of(app: &TestApp, admin: &str, action: &str) -> Vec<serde_json::Value> {
    let r = app
        .get(&format!("/api/admin/audit?action={action}"), Some(admin))
        .await;
    assert_eq!(r.status, 200);
    r.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn admins_create_edit_order_and_archive_spaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, member) = established(&app, "m@nhs.net", "Plain Member").await;
        let new_space = json!({"slug": "dols-reform", "name": "Liberty Protection Safeguards", "description": "The move from DoLS to LPS.", "kind": "topic", "pre_moderated": false});

        for who in [&member, &moderator] {
            assert_eq!(
                app.post("/api/categories", new_space.clone(), Some(who))
                    .await
                    .status,
                403
            );
            assert_eq!(
                app.send(
                    "PATCH",
                    "/api/categories/london",
                    json!({"name": "Londres"}),
                    Some(who)
                )
                .await
                .status,
                403
            );
            assert_eq!(
                app.send(
                    "PUT",
                    "/api/categories/order",
                    json!({"slugs": ["london"]}),
                    Some(who)
                )
                .await
                .status,
                403
            );
            assert_eq!(
                app.get("/api/categories?include_archived=true", Some(who))
                    .await
                    .status,
                403
            );
        }

        let r = app
            .post("/api/categories", new_space.clone(), Some(&admin))
            .await;
        assert_eq!(r.status, 201, "{backend:?} {:?}", r.body);
        assert_eq!(r.body["slug"], "dols-reform");
        assert_eq!(r.body["archived"], false);
        let list = app.get("/api/categories", Some(&member)).await;
        assert_eq!(slugs(&list).len(), 15);
        assert_eq!(
            slugs(&list).last().unwrap(),
            "dols-reform",
            "new spaces go last"
        );
        let r = app
            .post("/api/categories", new_space.clone(), Some(&admin))
            .await;
        assert_eq!(r.status, 409);
        assert_eq!(r.field_errors(), vec!["slug"]);

        // Validation: every bad field reported at once.
        let r = app.post("/api/categories", json!({"slug": "Bad Slug!", "name": "x", "description": "d".repeat(501), "kind": "topic"}), Some(&admin)).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["slug", "name", "description"]);
        for slug in [
            "a",
            "-lead",
            "trail-",
            "double--hyphen",
            &"x".repeat(61),
            "order",
            "ÜBER",
        ] {
            let r = app
                .post(
                    "/api/categories",
                    json!({"slug": slug, "name": "Fine name", "kind": "region"}),
                    Some(&admin),
                )
                .await;
            assert_eq!(r.status, 422, "{slug}");
        }
        let r = app
            .post(
                "/api/categories",
                json!({"slug": "ok-slug", "name": "Fine", "kind": "planet"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(r.content_type().starts_with("application/problem+json"));

        // Editing.
        let r = app
            .send(
                "PATCH",
                "/api/categories/dols-reform",
                json!({"name": "LPS", "pre_moderated": true}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["name"], "LPS");
        assert_eq!(r.body["pre_moderated"], true);
        assert_eq!(r.body["description"], "The move from DoLS to LPS.");
        let r = app
            .send(
                "PATCH",
                "/api/categories/dols-reform",
                json!({"name": "L"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.field_errors(), vec!["name"]);
        let r = app
            .send(
                "PATCH",
                "/api/categories/dols-reform",
                json!({}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            r.status, 422,
            "an empty change is refused rather than audited"
        );
        assert_eq!(
            app.send(
                "PATCH",
                "/api/categories/nowhere",
                json!({"name": "Fine name"}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        let t = app.post("/api/threads", json!({"category": "dols-reform", "title": "Where are we with LPS?", "body": "Any news?"}), Some(&member)).await;
        assert_eq!(t.body["held_reason"], "this space is pre-moderated");

        // Ordering: listed spaces first, the rest keep their order.
        let r = app
            .send(
                "PUT",
                "/api/categories/order",
                json!({"slugs": ["dols-reform", "london"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let list = slugs(&app.get("/api/categories", Some(&member)).await);
        assert_eq!(
            &list[..3],
            ["dols-reform", "london", "north-east-yorkshire"]
        );
        assert_eq!(list.len(), 15);
        assert_eq!(
            app.send(
                "PUT",
                "/api/categories/order",
                json!({"slugs": ["london", "nowhere"]}),
                Some(&admin)
            )
            .await
            .field_errors(),
            vec!["slugs"]
        );
        assert_eq!(
            app.send(
                "PUT",
                "/api/categories/order",
                json!({"slugs": ["london", "london"]}),
                Some(&admin)
            )
            .await
            .field_errors(),
            vec!["slugs"]
        );
        assert_eq!(audit_of(&app, &admin, "space.reordered").await.len(), 1);

        // Archiving: gone from lists, no new threads or replies, threads readable by link.
        let visible = app.post("/api/threads", json!({"category": "midlands", "title": "Midlands AMHP rota", "body": "Who covers nights?"}), Some(&member)).await;
        let thread = visible.body["id"].as_i64().unwrap();
        let r = app
            .send(
                "PATCH",
                "/api/categories/midlands",
                json!({"archived": true}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["archived"], true);
        assert!(
            !slugs(&app.get("/api/categories", Some(&member)).await)
                .contains(&"midlands".to_owned())
        );
        let all = app
            .get("/api/categories?include_archived=true", Some(&admin))
            .await;
        assert_eq!(all.status, 200);
        let midlands = all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["slug"] == "midlands")
            .unwrap()
            .clone();
        assert_eq!(midlands["archived"], true);
        assert_eq!(midlands["thread_count"], 1);
        let r = app
            .post(
                "/api/threads",
                json!({"category": "midlands", "title": "Another question", "body": "Hello"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["category"]);
        assert_eq!(
            app.get(&format!("/api/threads/{thread}"), Some(&member))
                .await
                .status,
            200
        );
        let r = app
            .post(
                &format!("/api/threads/{thread}/posts"),
                json!({"body": "Me"}),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 409);
        assert_eq!(
            app.get("/api/categories/midlands/threads", Some(&member))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get("/api/categories/midlands/threads", Some(&admin))
                .await
                .body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let r = app
            .send(
                "PATCH",
                "/api/categories/midlands",
                json!({"archived": false}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.body["archived"], false);
        assert!(
            slugs(&app.get("/api/categories", Some(&member)).await)
                .contains(&"midlands".to_owned())
        );

        let created = audit_of(&app, &admin, "space.created").await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0]["target_type"], "category");
        let space_id = created[0]["target_id"].as_i64().unwrap();
        assert!(
            app.audit_actions(space_id)
                .await
                .contains(&"space.updated".to_owned())
        );
        assert_eq!(audit_of(&app, &admin, "space.archived").await.len(), 1);
        assert_eq!(audit_of(&app, &admin, "space.restored").await.len(), 1);
    }
}

#[tokio::test]
async fn space_moderators_moderate_their_own_space_only() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, global_mod) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (lead_id, lead) = established(&app, "lead@nhs.net", "London Lead").await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Person", "member")
            .await;
        let pending = app
            .create_member("p@nhs.net", "Pending Person", "member")
            .await;
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            use backend::db::schema::users;
            diesel::update(users::table.find(pending))
                .set(users::status.eq("pending"))
                .execute(&mut *db.get().unwrap())
                .unwrap();
        })
        .await
        .unwrap();

        let path = format!("/api/categories/london/moderators/{lead_id}");
        assert_eq!(
            app.send("PUT", &path, json!({}), Some(&global_mod))
                .await
                .status,
            403
        );
        assert_eq!(
            app.get("/api/categories/london/moderators", Some(&global_mod))
                .await
                .status,
            403
        );
        let r = app
            .send(
                "PUT",
                &format!("/api/categories/london/moderators/{pending}"),
                json!({}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["user_id"]);
        assert_eq!(
            app.send(
                "PUT",
                "/api/categories/london/moderators/999999",
                json!({}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        assert_eq!(
            app.send(
                "PUT",
                &format!("/api/categories/nowhere/moderators/{lead_id}"),
                json!({}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        let r = app
            .send(
                "PUT",
                &path,
                json!({"reason": "Regional lead for London"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["items"][0]["id"], lead_id);
        // Adding again changes nothing.
        assert_eq!(
            app.send("PUT", &path, json!({}), Some(&admin)).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let list = app
            .get("/api/categories/london/moderators", Some(&admin))
            .await;
        assert_eq!(list.body["items"][0]["display_name"], "London Lead");

        // Held threads: the London moderator sees London's, not the North West's.
        let held_london = app
            .post(
                "/api/threads",
                json!({"category": "london", "title": "My first question", "body": "Hello all"}),
                Some(&newcomer),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let held_nw = app.post("/api/threads", json!({"category": "north-west", "title": "My second question", "body": "Hello all"}), Some(&newcomer)).await.body["id"].as_i64().unwrap();
        let nw = app.post("/api/threads", json!({"category": "north-west", "title": "North West visible thread", "body": "Hello"}), Some(&author)).await.body["id"].as_i64().unwrap();
        assert_eq!(
            app.get(&format!("/api/threads/{held_london}"), Some(&lead))
                .await
                .status,
            200
        );
        assert_eq!(
            app.get(&format!("/api/threads/{held_london}"), Some(&lead))
                .await
                .body["can_moderate"],
            true
        );
        assert_eq!(
            app.get(&format!("/api/threads/{held_nw}"), Some(&lead))
                .await
                .status,
            404
        );
        let ids = |r: crate::common::Reply| -> Vec<i64> {
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect()
        };
        assert!(
            ids(app.get("/api/categories/london/threads", Some(&lead)).await)
                .contains(&held_london)
        );
        assert_eq!(
            ids(app
                .get("/api/categories/north-west/threads", Some(&lead))
                .await),
            vec![nw]
        );
        assert_eq!(
            ids(app
                .get("/api/categories/north-west/threads", Some(&global_mod))
                .await)
            .len(),
            2
        );
        assert!(
            !ids(app
                .get("/api/categories/london/threads", Some(&author))
                .await)
            .contains(&held_london)
        );
        let nw_page = app.get(&format!("/api/threads/{nw}"), Some(&lead)).await;
        assert_eq!(nw_page.body["can_moderate"], false);
        // And acts only there.
        assert_eq!(
            app.post(
                &format!("/api/threads/{nw}/slow-mode"),
                json!({"seconds": 60, "reason": "x"}),
                Some(&lead)
            )
            .await
            .status,
            403
        );
        assert_eq!(
            app.post(
                &format!("/api/threads/{held_london}/slow-mode"),
                json!({"seconds": 60, "reason": "Busy thread"}),
                Some(&lead)
            )
            .await
            .status,
            200
        );
        // Admin-only space management stays closed to them.
        assert_eq!(
            app.send(
                "PATCH",
                "/api/categories/london",
                json!({"name": "London!"}),
                Some(&lead)
            )
            .await
            .status,
            403
        );

        let r = app
            .send(
                "DELETE",
                &path,
                json!({"reason": "Stepped down"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 204);
        assert_eq!(
            app.send("DELETE", &path, json!({}), Some(&admin))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(&format!("/api/threads/{held_london}"), Some(&lead))
                .await
                .status,
            404
        );
        let actions = app.audit_actions(lead_id).await;
        assert!(
            actions.contains(&"space.moderator_added".to_owned()),
            "{actions:?}"
        );
        assert!(actions.contains(&"space.moderator_removed".to_owned()));
    }
}

#[tokio::test]
async fn tags_are_normalised_limited_filtered_and_counted_over_visible_threads() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, member) = established(&app, "m@nhs.net", "Plain Member").await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, newcomer) = app
            .member_with_role("n@nhs.net", "New Person", "member")
            .await;
        let thread = |title: &str, tags: serde_json::Value| json!({"category": "london", "title": title, "body": "Body text", "tags": tags});

        let r = app
            .post(
                "/api/threads",
                thread(
                    "Section 136 waits",
                    json!(["  Section   136 ", "AMHP", "amhp", "ＡＭＨＰ"]),
                ),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 201, "{backend:?} {:?}", r.body);
        let first = r.body["id"].as_i64().unwrap();
        let page = app
            .get(&format!("/api/threads/{first}"), Some(&member))
            .await;
        assert_eq!(page.body["thread"]["tags"], json!(["amhp", "section-136"]));

        let r = app
            .post(
                "/api/threads",
                thread(
                    "Too many tags here",
                    json!(["a1", "b2", "c3", "d4", "e5", "f6"]),
                ),
                Some(&member),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["tags"]);
        for bad in ["<script>", "x", "c#", "a-very-long-tag-that-goes-on-and-on"] {
            let r = app
                .post(
                    "/api/threads",
                    thread("A thread with a bad tag", json!(["fine", bad])),
                    Some(&member),
                )
                .await;
            assert_eq!(r.status, 422, "{bad}");
            let message = r.body["errors"][0]["message"].as_str().unwrap();
            assert!(
                message.contains(bad.trim()) || bad.len() < 2,
                "{bad}: {message}"
            );
        }

        app.post(
            "/api/threads",
            thread("Best interests meetings", json!(["best-interests", "AMHP"])),
            Some(&member),
        )
        .await;
        let held = app
            .post(
                "/api/threads",
                thread("A newcomer's thread", json!(["amhp", "secret-topic"])),
                Some(&newcomer),
            )
            .await;
        assert_eq!(held.body["status"], "held");

        // Filter: normalised like tags; an unknown tag matches nothing.
        let r = app
            .get("/api/categories/london/threads?tag=AMHP", Some(&member))
            .await;
        assert_eq!(r.status, 200);
        let titles: Vec<&str> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, vec!["Best interests meetings", "Section 136 waits"]);
        assert_eq!(
            r.body["items"][0]["tags"],
            json!(["amhp", "best-interests"])
        );
        let r = app
            .get(
                "/api/categories/london/threads?tag=Section%20136",
                Some(&member),
            )
            .await;
        assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            app.get(
                "/api/categories/london/threads?tag=never-used",
                Some(&member)
            )
            .await
            .body["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            app.get("/api/categories/london/threads?tag=%3Cb%3E", Some(&member))
                .await
                .field_errors(),
            vec!["tag"]
        );
        assert_eq!(
            app.get(
                "/api/categories/london/threads?tag=secret-topic",
                Some(&moderator)
            )
            .await
            .body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Counts: only visible threads; a tag used only on a held thread is not shown to members.
        let tags = app.get("/api/tags", Some(&member)).await;
        assert_eq!(tags.status, 200);
        let counts: Vec<(String, i64)> = tags.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["slug"].as_str().unwrap().to_owned(),
                    t["thread_count"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            vec![
                ("amhp".into(), 2),
                ("best-interests".into(), 1),
                ("section-136".into(), 1)
            ]
        );
        let r = app.get("/api/tags?q=Sec", Some(&member)).await;
        assert_eq!(slugs(&r), vec!["section-136"]);
        let r = app.get("/api/tags?q=secret", Some(&moderator)).await;
        assert_eq!(r.body["items"][0]["thread_count"], 0);
        assert_eq!(app.get("/api/tags", None).await.status, 401);
        // LIKE wildcards in `q` match literally.
        let r = app.get("/api/tags?q=%25%25%25a_", Some(&member)).await;
        assert_eq!(r.status, 200);
        assert_eq!(slugs(&r).len(), 0);
        assert_eq!(
            app.get("/api/tags?limit=0", Some(&member)).await.status,
            422
        );
    }
}

#[tokio::test]
async fn admins_merge_tags_and_authors_and_moderators_edit_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, author) = established(&app, "a@nhs.net", "Author Person").await;
        let (_, other) = established(&app, "o@nhs.net", "Other Person").await;
        let both = app.post("/api/threads", json!({"category": "london", "title": "Both tags on this", "body": "x", "tags": ["s136", "section-136"]}), Some(&author)).await.body["id"].as_i64().unwrap();
        let only = app.post("/api/threads", json!({"category": "london", "title": "Only the short tag", "body": "x", "tags": ["s136"]}), Some(&author)).await.body["id"].as_i64().unwrap();

        assert_eq!(
            app.post(
                "/api/admin/tags/merge",
                json!({"from": "s136", "into": "section-136"}),
                Some(&moderator)
            )
            .await
            .status,
            403
        );
        assert_eq!(
            app.post(
                "/api/admin/tags/merge",
                json!({"from": "s136", "into": "S136"}),
                Some(&admin)
            )
            .await
            .status,
            422
        );
        assert_eq!(
            app.post(
                "/api/admin/tags/merge",
                json!({"from": "nothing-here", "into": "s136"}),
                Some(&admin)
            )
            .await
            .status,
            404
        );
        let r = app
            .post(
                "/api/admin/tags/merge",
                json!({"from": "S136", "into": "Section 136", "reason": "Same thing"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["threads"], 2);
        assert_eq!(r.body["into"]["thread_count"], 2);
        for id in [both, only] {
            assert_eq!(
                app.get(&format!("/api/threads/{id}"), Some(&other))
                    .await
                    .body["thread"]["tags"],
                json!(["section-136"])
            );
        }
        assert_eq!(
            slugs(&app.get("/api/tags?q=s136", Some(&admin)).await).len(),
            0
        );
        assert_eq!(audit_of(&app, &admin, "tag.merged").await.len(), 1);

        // Editing a thread's tags and title.
        let path = format!("/api/threads/{only}");
        let r = app
            .send(
                "PATCH",
                &path,
                json!({"tags": ["Best interests", "amhp"], "title": "A clearer title"}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["tags"], json!(["amhp", "best-interests"]));
        assert_eq!(r.body["title"], "A clearer title");
        assert_eq!(
            app.send("PATCH", &path, json!({"tags": ["x"]}), Some(&author))
                .await
                .field_errors(),
            vec!["tags"]
        );
        assert_eq!(
            app.send("PATCH", &path, json!({}), Some(&author))
                .await
                .status,
            422
        );
        assert_eq!(
            app.send("PATCH", &path, json!({"tags": []}), Some(&other))
                .await
                .status,
            403
        );
        assert_eq!(
            app.send("PATCH", &path, json!({"tags": []}), Some(&moderator))
                .await
                .field_errors(),
            vec!["reason"]
        );
        let r = app
            .send(
                "PATCH",
                &path,
                json!({"tags": ["amhp"], "reason": "Tidying tags"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["tags"], json!(["amhp"]));
        assert!(
            app.audit_actions(only)
                .await
                .contains(&"thread.edited".to_owned())
        );

        // After the edit window only moderators can.
        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            use backend::db::schema::threads;
            diesel::update(threads::table.find(only))
                .set(threads::created_at.eq(backend::db::now() - TimeDelta::hours(1)))
                .execute(&mut *db.get().unwrap())
                .unwrap();
        })
        .await
        .unwrap();
        let r = app
            .send(
                "PATCH",
                &path,
                json!({"tags": ["amhp", "late"]}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(
            r.body["type"].as_str().unwrap().rsplit('/').next(),
            Some("edit-window")
        );
    }
}

#[tokio::test]
async fn the_openapi_document_lists_each_path_once() {
    // Two API structs sharing a path are routed correctly but written twice into the document,
    // where the second copy hides the first from generated clients.
    let app = TestApp::new(backends()[0]).await;
    let r = app.client.get("/api/openapi.json").send().await;
    let text = r.0.into_body().into_string().await.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/categories/{slug}/moderators"));
    for path in paths.keys() {
        let needle = format!("\"{path}\":");
        assert_eq!(text.matches(&needle).count(), 1, "{path} appears twice");
    }
}

#[tokio::test]
async fn me_names_the_open_spaces_a_member_moderates() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Admin Person", "admin")
            .await;
        let (lead_id, lead) = app
            .member_with_role("lead@nhs.net", "Lead Person", "member")
            .await;
        let (_, plain) = app
            .member_with_role("plain@nhs.net", "Plain Person", "member")
            .await;

        let me = app.get("/api/me", Some(&lead)).await;
        assert_eq!(me.status, 200);
        assert_eq!(me.body["moderates_spaces"], json!([]));

        for slug in ["london", "practice-supervision"] {
            let path = format!("/api/categories/{slug}/moderators/{lead_id}");
            assert_eq!(
                app.send("PUT", &path, json!({}), Some(&admin)).await.status,
                200
            );
        }
        let me = app.get("/api/me", Some(&lead)).await;
        let mut got: Vec<String> =
            serde_json::from_value(me.body["moderates_spaces"].clone()).expect("a list of slugs");
        got.sort();
        assert_eq!(got, vec!["london", "practice-supervision"]);
        assert_eq!(
            app.get("/api/me", Some(&plain)).await.body["moderates_spaces"],
            json!([])
        );
        // Other member answers don't carry it.
        let listed = app.get("/api/members?q=lead", Some(&admin)).await;
        assert!(listed.body["items"][0].get("moderates_spaces").is_none());

        // An archived space is not offered.
        let r = app
            .send(
                "PATCH",
                "/api/categories/practice-supervision",
                json!({"archived": true}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            app.get("/api/me", Some(&lead)).await.body["moderates_spaces"],
            json!(["london"])
        );
    }
}
