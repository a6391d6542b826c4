//! The demo content: members, the demo library, its collection, practice examples with their
//! discussion threads and forum threads, loaded once on either backend.

use backend::db::schema::{
    collection_items, collection_sections, collections, practice_examples, resources, threads,
};
use diesel::prelude::*;

use crate::common::{TestApp, backends};

#[tokio::test]
async fn the_demo_library_loads_once_published_and_marked_demo() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let db = app.db.clone();
        let (first, second) = tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            (
                backend::demo::load(&mut c, "http://localhost:8080").unwrap(),
                backend::demo::load(&mut c, "http://localhost:8080").unwrap(),
            )
        })
        .await
        .unwrap();
        let library = first.unwrap().library.expect("the library was loaded");
        assert!(second.is_none(), "a second run does nothing");
        assert_eq!(library.collections, 1);
        assert_eq!(library.practice_examples, 4);
        assert_eq!(library.threads, 3);
        assert!(library.resources >= 15, "{library:?}");

        let db = app.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            let rows: Vec<(String, String, bool, String, String, Option<i64>)> = resources::table
                .select((
                    resources::slug,
                    resources::status,
                    resources::is_demo,
                    resources::kind,
                    resources::body_markdown,
                    resources::discussion_thread_id,
                ))
                .load(&mut c)
                .unwrap();
            assert_eq!(rows.len(), library.resources, "loading again added nothing");
            for (slug, status, demo, _, body, _) in &rows {
                assert_eq!(status, "published", "{slug}");
                assert!(demo, "{slug} is marked demo");
                assert!(body.contains("Demonstration content"), "{slug} says so");
                let words = body.split_whitespace().count();
                assert!((200..=650).contains(&words), "{slug}: {words} words");
            }
            let kinds: std::collections::BTreeSet<&str> =
                rows.iter().map(|r| r.3.as_str()).collect();
            for kind in [
                "framework",
                "guidance",
                "report",
                "video",
                "toolkit",
                "template",
                "training",
                "practice_example",
            ] {
                assert!(kinds.contains(kind), "a {kind}");
            }
            let videos: Vec<String> = resources::table
                .filter(resources::kind.eq("video"))
                .select(resources::external_url.assume_not_null())
                .load(&mut c)
                .unwrap();
            assert!(videos.iter().all(|u| u.starts_with("https://example.org/")));
            // Some reviews fall due soon, for the curator dashboard.
            let soon = chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
            let due: i64 = resources::table
                .filter(resources::review_by.le(soon))
                .count()
                .get_result(&mut c)
                .unwrap();
            assert!(due >= 3);

            // The toolkit collection with its three sections, in order, each with resources.
            let (collection_id, status, demo): (i64, String, bool) = collections::table
                .filter(collections::slug.eq("amhp-service-standards-toolkit"))
                .select((collections::id, collections::status, collections::is_demo))
                .first(&mut c)
                .unwrap();
            assert_eq!((status.as_str(), demo), ("published", true));
            let sections: Vec<(i64, String)> = collection_sections::table
                .filter(collection_sections::collection_id.eq(collection_id))
                .order(collection_sections::position)
                .select((collection_sections::id, collection_sections::title))
                .load(&mut c)
                .unwrap();
            let titles: Vec<&str> = sections.iter().map(|s| s.1.as_str()).collect();
            assert_eq!(
                titles,
                ["The standards", "Self-assessment", "Evidence examples"]
            );
            for (id, title) in &sections {
                let items: i64 = collection_items::table
                    .filter(collection_items::section_id.eq(id))
                    .count()
                    .get_result(&mut c)
                    .unwrap();
                assert!(items > 0, "{title} has resources");
            }

            // Practice examples: published, demo, linked to their resource and its thread.
            let examples: Vec<(String, bool, Option<i64>, String)> = practice_examples::table
                .select((
                    practice_examples::status,
                    practice_examples::is_demo,
                    practice_examples::resource_id,
                    practice_examples::challenge,
                ))
                .load(&mut c)
                .unwrap();
            assert_eq!(examples.len(), 4);
            for (status, demo, resource_id, challenge) in examples {
                assert_eq!(status, "published");
                assert!(demo);
                assert!(!challenge.is_empty());
                let (kind, thread_id): (String, Option<i64>) = resources::table
                    .find(resource_id.unwrap())
                    .select((resources::kind, resources::discussion_thread_id))
                    .first(&mut c)
                    .unwrap();
                assert_eq!(kind, "practice_example");
                let (status, replies): (String, i32) = threads::table
                    .find(thread_id.expect("a discussion thread"))
                    .select((threads::status, threads::reply_count))
                    .first(&mut c)
                    .unwrap();
                assert_eq!(status, "visible");
                assert!(replies >= 1);
            }
        })
        .await
        .unwrap();

        // The threads are readable as any member reads them, with their replies.
        let (_, cookie) = app
            .member_with_role("reader@example.org", "Rita Reader", "member")
            .await;
        let list = app
            .get("/api/categories/north-west/threads", Some(&cookie))
            .await;
        assert_eq!(list.status, 200, "{:?}", list.body);
        let items = list.body["items"].as_array().unwrap();
        let rota = items
            .iter()
            .find(|t| t["title"] == "North West AMHP rota cover over the winter")
            .expect("the demo thread is listed");
        let page = app
            .get(&format!("/api/threads/{}", rota["id"]), Some(&cookie))
            .await;
        assert_eq!(page.body["posts"].as_array().unwrap().len(), 3);
    }
}
