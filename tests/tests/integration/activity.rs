//! The home page's activity feed: recent threads the viewer may see, their region's space first.

use serde_json::{Value, json};

use crate::common::{TestApp, backends};

/// Moves a member to a region directly (accounts are created in the national region).
async fn set_region(app: &TestApp, id: i64, region: &'static str) {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use backend::db::schema::users;
        use diesel::prelude::*;
        diesel::update(users::table.find(id))
            .set(users::region.eq(region))
            .execute(&mut db.get().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
}

fn titles(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn activity_shows_what_the_viewer_may_see_with_their_region_first() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(app.get("/api/activity", None).await.status, 401);
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (reader_id, reader) = app
            .member_with_role("reader@nhs.net", "Reader Person", "member")
            .await;
        set_region(&app, reader_id, "north-west").await;
        let (_, newcomer) = app
            .member_with_role("new@nhs.net", "New Member", "member")
            .await;

        // Moderators' threads are published at once; the newest is in another space.
        for (space, title) in [
            ("north-west", "North West supervision group"),
            ("amhp-practice", "AMHP rota questions"),
            ("london", "London practice forum"),
        ] {
            let r = app
                .post(
                    "/api/threads",
                    json!({"category": space, "title": title, "body": "Hello colleagues"}),
                    Some(&moderator),
                )
                .await;
            assert_eq!(r.status, 201);
            assert_eq!(r.body["status"], "visible");
        }
        // A newcomer's first thread waits for review.
        let r = app
            .post(
                "/api/threads",
                json!({"category": "north-west", "title": "My first question here", "body": "Hello"}),
                Some(&newcomer),
            )
            .await;
        assert_eq!(r.body["status"], "held");

        let r = app.get("/api/activity", Some(&reader)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["region_space"], "north-west");
        assert_eq!(
            titles(&r.body),
            [
                "North West supervision group",
                "London practice forum",
                "AMHP rota questions"
            ]
        );
        assert_eq!(r.body["items"][0]["category"], "north-west");
        assert_eq!(r.body["items"][0]["author_name"], "Mod Person");

        // The author sees their own held thread, marked, in their (national) feed.
        let r = app.get("/api/activity", Some(&newcomer)).await;
        assert_eq!(r.body["region_space"], Value::Null);
        let held: Vec<&Value> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["status"] == "held")
            .collect();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0]["title"], "My first question here");

        // Moderators see other people's held threads in the review queue, not here.
        let r = app.get("/api/activity", Some(&moderator)).await;
        assert!(!titles(&r.body).contains(&"My first question here".to_owned()));

        let r = app.get("/api/activity?limit=2", Some(&reader)).await;
        assert_eq!(
            titles(&r.body),
            ["North West supervision group", "London practice forum"]
        );
        assert_eq!(
            app.get("/api/activity?limit=0", Some(&reader)).await.status,
            422
        );
        assert_eq!(
            app.get("/api/activity?limit=101", Some(&reader))
                .await
                .status,
            422
        );
    }
}
