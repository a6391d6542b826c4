//! Practice examples: the template, who sees a submission before it is published, the
//! case-information guard's findings and the refused publication, curators' decisions with
//! their messages, notifications, and what publishing makes (a resource and a visible thread).

use serde_json::{Value, json};

use crate::common::{TestApp, backends};

async fn db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut backend::db::DbConn) -> T + Send + 'static,
) -> T {
    let pool = app.db.clone();
    tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
        .await
        .unwrap()
}

pub fn template(title: &str) -> Value {
    json!({
        "title": title,
        "setting": "Community mental health team, inner city",
        "region": "north-west",
        "topic": "amhp-practice",
        "challenge": "Mental Health Act assessments at night were delayed for hours while we looked for a bed.",
        "what_we_did": "We agreed a joint protocol with the bed management team and the police under section 136.",
        "legal_framework": "Mental Health Act 1983, sections 13 and 136.",
        "outcomes": "Waits fell from six hours to two over six months (audit of 120 assessments).",
        "learning": "Agree escalation routes before the crisis, not during it.",
        "contact": "AMHP service lead, amhp.service@trust.nhs.uk"
    })
}

async fn notifications(app: &TestApp, cookie: &str) -> Vec<Value> {
    let r = app.get("/api/notifications", Some(cookie)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_practice_example_goes_from_submission_through_changes_to_publication() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (author_id, author) = app
            .member_with_role("author@nhs.net", "Alex Author", "member")
            .await;
        let (_, other) = app
            .member_with_role("other@nhs.net", "Olive Other", "member")
            .await;
        let (curator_id, curator) = app
            .member_with_role("curator@nhs.net", "Cara Curator", "curator")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mo Moderator", "moderator")
            .await;

        // Anonymous visitors can't submit; members can.
        let r = app
            .post(
                "/api/practice-examples",
                template("Night-time assessments"),
                None,
            )
            .await;
        assert_eq!(r.status, 401);
        let r = app
            .post(
                "/api/practice-examples",
                template("Night-time assessments without the wait"),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["status"], "in_review");
        assert_eq!(r.body["topic"], "amhp-practice");
        assert_eq!(r.body["case_information"], json!([]));
        assert_eq!(r.body["can_edit"], false);
        let id = r.body["id"].as_i64().unwrap();
        let path = format!("/api/practice-examples/{id}");

        // Before publication: its author and curators only.
        assert_eq!(app.get(&path, Some(&author)).await.status, 200);
        let r = app.get(&path, Some(&curator)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["can_review"], true);
        assert_eq!(app.get(&path, Some(&other)).await.status, 404);
        assert_eq!(app.get(&path, Some(&moderator)).await.status, 404);
        assert_eq!(app.get(&path, None).await.status, 401);

        // Lists: mine for members, everyone's for curators.
        let r = app.get("/api/practice-examples", Some(&other)).await;
        assert_eq!(r.body["items"], json!([]));
        let r = app.get("/api/practice-examples", Some(&author)).await;
        assert_eq!(r.body["items"][0]["id"], id);
        let r = app
            .get("/api/practice-examples?status=in_review", Some(&curator))
            .await;
        assert_eq!(r.body["items"][0]["id"], id);
        let r = app
            .get("/api/practice-examples?status=published", Some(&curator))
            .await;
        assert_eq!(r.body["items"], json!([]));

        // Only curators review; members and moderators don't.
        let review = format!("{path}/review");
        for who in [&author, &other, &moderator] {
            let r = app
                .post(
                    &review,
                    json!({"action": "publish", "message": null}),
                    Some(who),
                )
                .await;
            assert_eq!(r.status, 403, "{:?}", r.body);
        }
        // A message is required to ask for changes or decline.
        for action in ["request_changes", "decline"] {
            let r = app
                .post(&review, json!({"action": action}), Some(&curator))
                .await;
            assert_eq!(r.status, 422, "{:?}", r.body);
            assert_eq!(r.field_errors(), vec!["message"]);
            let r = app
                .post(
                    &review,
                    json!({"action": action, "message": "   "}),
                    Some(&curator),
                )
                .await;
            assert_eq!(r.status, 422);
        }
        // The author can't change it while it is in review.
        let r = app
            .send(
                "PUT",
                &path,
                template("Night-time assessments, revised"),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 409, "{:?}", r.body);

        let r = app
            .post(
                &review,
                json!({"action": "request_changes", "message": "Please say how the audit was done."}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "changes_requested");
        let r = app.get(&path, Some(&author)).await;
        assert_eq!(r.body["can_edit"], true);
        assert_eq!(
            r.body["curator_message"],
            "Please say how the audit was done."
        );
        let told = notifications(&app, &author).await;
        assert_eq!(told[0]["kind"], "practice_example");
        let text = told[0]["message"].as_str().unwrap();
        assert!(
            text.contains("Please say how the audit was done."),
            "{text}"
        );
        assert!(text.contains(&format!("/practice-examples/{id}")), "{text}");
        // Deciding twice is a conflict.
        let r = app
            .post(
                &review,
                json!({"action": "decline", "message": "No"}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 409);

        // Someone else can't resubmit it; its author can.
        let mut changed = template("Night-time assessments without the wait");
        changed["outcomes"] =
            json!("Waits fell from six hours to two (our audit of all 120 assessments).");
        let r = app.send("PUT", &path, changed.clone(), Some(&other)).await;
        assert_eq!(r.status, 404);
        let r = app
            .send("PUT", &path, changed.clone(), Some(&curator))
            .await;
        assert_eq!(r.status, 403);
        let r = app.send("PUT", &path, changed, Some(&author)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "in_review");
        let actions: Vec<&str> = r.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["submit", "request_changes", "resubmit"]);

        let r = app
            .post(
                &review,
                json!({"action": "publish", "message": "Thank you."}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "published");
        let slug = r.body["resource_slug"].as_str().unwrap().to_owned();
        assert_eq!(slug, "night-time-assessments-without-the-wait");
        let thread_id = r.body["discussion_thread_id"].as_i64().unwrap();

        // The resource: public, of kind practice_example, owned by the curator, credited to the
        // member, with the template's sections as headings and the discussion linked.
        let found = slug.clone();
        let resource = db(&app, move |c| {
            let row = backend::db::library::ResourceRow::find_by_slug(c, &found)
                .unwrap()
                .unwrap();
            backend::library::resources::Resource::load(c, row).unwrap()
        })
        .await;
        assert_eq!(resource.kind, "practice_example");
        assert_eq!(resource.status, "published");
        assert_eq!(resource.owner_id, Some(curator_id));
        assert_eq!(resource.authors, vec!["Alex Author".to_owned()]);
        assert_eq!(resource.topics, vec!["amhp-practice".to_owned()]);
        assert_eq!(resource.regions, vec!["north-west".to_owned()]);
        assert_eq!(resource.discussion_thread_id, Some(thread_id));
        // Public, like the rest of the published library, with its discussion.
        let r = app.get(&format!("/api/resources/{slug}"), None).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["kind"], "practice_example");
        assert_eq!(
            r.body["discussion"]["thread_id"], thread_id,
            "{:?}",
            r.body["discussion"]
        );
        let r = app.get("/api/resources?kind=practice_example", None).await;
        assert_eq!(r.body["items"][0]["slug"], slug.as_str(), "{:?}", r.body);
        let body = resource.body_markdown.as_str();
        for heading in [
            "## Setting",
            "## The challenge",
            "## What we did",
            "## Legal framework and powers",
            "## Outcomes and evidence",
            "## Learning",
            "## Contact",
        ] {
            assert!(body.contains(heading), "{heading} in {body}");
        }
        assert!(body.contains("our audit of all 120 assessments"));

        // The thread: in the topic space, by the member, visible to everyone at once.
        let r = app
            .get(&format!("/api/threads/{thread_id}"), Some(&other))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["thread"]["author_id"], author_id);
        assert_eq!(r.body["thread"]["status"], "visible");
        assert_eq!(r.body["thread"]["category"], "amhp-practice");
        assert!(
            r.body["posts"][0]["body_html"]
                .as_str()
                .unwrap()
                .contains(&format!("/library/{slug}"))
        );

        // Once published, every member can read it, but not the curators' history.
        let r = app.get(&path, Some(&other)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["events"], json!([]));
        assert_eq!(r.body["can_edit"], false);

        let told = notifications(&app, &author).await;
        assert_eq!(told[0]["kind"], "practice_example");
        assert_eq!(told[0]["thread_id"], thread_id);
        assert_eq!(told[0]["url"], format!("/threads/{thread_id}"));
        assert!(
            told[0]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("/library/{slug}"))
        );

        // Each decision has its audit row with the message.
        let audit = app.audit_actions(id).await;
        assert!(audit.contains(&"practice_example.changes_requested".to_owned()));
        assert!(audit.contains(&"practice_example.published".to_owned()));
        let outbox = db(&app, move |c| {
            use backend::db::schema::search_outbox;
            use diesel::prelude::*;
            search_outbox::table
                .filter(search_outbox::entity_type.eq("resource"))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
        assert!(outbox >= 1);
    }
}

#[tokio::test]
async fn curators_may_not_review_their_own_and_declining_needs_a_reason() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, curator) = app
            .member_with_role("c1@nhs.net", "Cara Curator", "curator")
            .await;
        let (_, admin) = app
            .member_with_role("admin@nhs.net", "Ada Admin", "admin")
            .await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Alex Author", "member")
            .await;
        let r = app
            .post(
                "/api/practice-examples",
                template("Our own supervision circle"),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 201);
        let own = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["can_review"], false);
        let r = app
            .post(
                &format!("/api/practice-examples/{own}/review"),
                json!({"action": "publish"}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 403, "{:?}", r.body);
        assert!(r.body["type"].as_str().unwrap().ends_with("own-submission"));
        // Another curator (an admin curates too) may.
        let r = app
            .post(
                &format!("/api/practice-examples/{own}/review"),
                json!({"action": "publish"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);

        let r = app
            .post(
                "/api/practice-examples",
                template("Another example"),
                Some(&author),
            )
            .await;
        let id = r.body["id"].as_i64().unwrap();
        let r = app
            .post(
                &format!("/api/practice-examples/{id}/review"),
                json!({"action": "decline", "message": "This is already covered by the AMHP toolkit."}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "declined");
        assert_eq!(
            r.body["curator_message"],
            "This is already covered by the AMHP toolkit."
        );
        let told = notifications(&app, &author).await;
        assert!(
            told[0]["message"]
                .as_str()
                .unwrap()
                .contains("Reason: This is already covered by the AMHP toolkit.")
        );
        assert_eq!(
            app.audit_actions(id).await,
            vec!["practice_example.declined".to_owned()]
        );
        // Declined: no resource, nothing more to do.
        let r = app
            .send(
                "PUT",
                &format!("/api/practice-examples/{id}"),
                template("Another example"),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 409);
    }
}

#[tokio::test]
async fn the_guard_reads_every_section_and_publication_waits_until_it_finds_nothing() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Alex Author", "member")
            .await;
        let (_, curator) = app
            .member_with_role("curator@nhs.net", "Cara Curator", "curator")
            .await;
        let mut t = template("Joint working with the police");
        t["what_we_did"] = json!("We met the man (NHS number 943 476 5919) at home.");
        t["learning"] = json!("Call ahead. His postcode was SW1A 1AA.");
        let r = app.post("/api/practice-examples", t, Some(&author)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let found = r.body["case_information"].as_array().unwrap().clone();
        let fields: Vec<&str> = found.iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, vec!["what_we_did", "learning"], "{found:?}");
        assert_eq!(found[0]["kind"], "NhsNumber");
        assert_eq!(found[0]["matched"], "943 476 5919");
        let id = r.body["id"].as_i64().unwrap();

        // The reviewing curator sees the matches, in the list too.
        let r = app
            .get(&format!("/api/practice-examples/{id}"), Some(&curator))
            .await;
        assert_eq!(r.body["case_information"].as_array().unwrap().len(), 2);
        let r = app.get("/api/practice-examples", Some(&curator)).await;
        assert_eq!(r.body["items"][0]["case_information_count"], 2);

        // Publishing is refused while the guard finds anything; nothing is created.
        let review = format!("/api/practice-examples/{id}/review");
        let r = app
            .post(&review, json!({"action": "publish"}), Some(&curator))
            .await;
        assert_eq!(r.status, 422, "{:?}", r.body);
        assert_eq!(r.field_errors(), vec!["what_we_did", "learning"]);
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("Ask the member")
        );
        let resources = db(&app, |c| {
            use diesel::prelude::*;
            backend::db::schema::resources::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
        assert_eq!(resources, 0);
        assert!(app.audit_actions(id).await.is_empty());

        let r = app
            .post(
                &review,
                json!({"action": "request_changes", "message": "Please take out the NHS number and the postcode."}),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200);
        let r = app
            .send(
                "PUT",
                &format!("/api/practice-examples/{id}"),
                template("Joint working with the police"),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["case_information"], json!([]));
        let r = app
            .post(&review, json!({"action": "publish"}), Some(&curator))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
}

#[tokio::test]
async fn the_template_is_checked_field_by_field() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, author) = app
            .member_with_role("author@nhs.net", "Alex Author", "member")
            .await;
        let r = app
            .post(
                "/api/practice-examples",
                json!({"title": "Hi", "setting": "", "region": "atlantis", "topic": "london",
                       "challenge": " ", "what_we_did": "", "outcomes": "", "learning": "x".repeat(6001)}),
                Some(&author),
            )
            .await;
        assert_eq!(r.status, 422, "{:?}", r.body);
        let mut fields = r.field_errors();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                "challenge",
                "learning",
                "outcomes",
                "region",
                "setting",
                "title",
                "topic",
                "what_we_did"
            ]
        );
        // Unknown fields and missing ones are refused as bad requests, not 500s.
        let mut t = template("A fine title");
        t["extra"] = json!(1);
        let r = app.post("/api/practice-examples", t, Some(&author)).await;
        assert_eq!(r.status, 400);
        let r = app
            .get("/api/practice-examples/999999", Some(&author))
            .await;
        assert_eq!(r.status, 404);
        let r = app
            .get("/api/practice-examples?status=nonsense", Some(&author))
            .await;
        assert_eq!(r.status, 400);
    }
}
