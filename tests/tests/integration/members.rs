//! Who may do what to members, role changes, and the audit log.

use serde_json::json;

use crate::common::{TestApp, backends};

#[tokio::test]
async fn each_membership_endpoint_is_refused_to_those_without_the_role() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, member) = app
            .member_with_role("m@nhs.net", "Plain Member", "member")
            .await;
        let (_, curator) = app
            .member_with_role("c@nhs.net", "Curator Person", "curator")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let (_, admin) = app
            .member_with_role("a@nhs.net", "Admin Person", "admin")
            .await;
        let target = app
            .create_member("t@nhs.net", "Target Person", "member")
            .await;
        let until = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();

        // (method, path, body, least role that may)
        let cases: Vec<(&str, String, serde_json::Value, &str)> = vec![
            ("GET", "/api/members".into(), json!(null), "moderator"),
            (
                "GET",
                format!("/api/members/{target}"),
                json!(null),
                "moderator",
            ),
            (
                "POST",
                format!("/api/members/{target}/suspend"),
                json!({"until": until, "reason": "r"}),
                "moderator",
            ),
            (
                "POST",
                format!("/api/members/{target}/unsuspend"),
                json!({}),
                "moderator",
            ),
            (
                "PATCH",
                format!("/api/members/{target}"),
                json!({"role": "curator"}),
                "admin",
            ),
            ("GET", "/api/admin/audit".into(), json!(null), "admin"),
            ("GET", "/api/admin/outbox".into(), json!(null), "admin"),
            ("GET", "/api/admin/settings".into(), json!(null), "admin"),
        ];
        for (method, path, body, least) in &cases {
            let anonymous = app.send(method, path, body.clone(), None).await;
            assert_eq!(
                anonymous.status, 401,
                "{backend:?} anonymous {method} {path}"
            );
            for (who, cookie) in [
                ("member", &member),
                ("curator", &curator),
                ("moderator", &moderator),
                ("admin", &admin),
            ] {
                let allowed = match *least {
                    "moderator" => matches!(who, "moderator" | "admin"),
                    _ => who == "admin",
                };
                let r = app.send(method, path, body.clone(), Some(cookie)).await;
                if allowed {
                    assert!(
                        r.status < 300,
                        "{backend:?} {who} {method} {path}: {} {:?}",
                        r.status,
                        r.body
                    );
                } else {
                    assert_eq!(r.status, 403, "{backend:?} {who} {method} {path}");
                    assert!(r.content_type().starts_with("application/problem+json"));
                }
            }
        }
    }
}

#[tokio::test]
async fn admins_change_roles_with_an_audit_row_but_not_their_own() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin_id, admin) = app
            .member_with_role("a@nhs.net", "Admin Person", "admin")
            .await;
        let (target, target_cookie) = app
            .member_with_role("t@nhs.net", "Target Person", "member")
            .await;
        assert_eq!(
            app.get("/api/members", Some(&target_cookie)).await.status,
            403
        );
        let r = app
            .send(
                "PATCH",
                &format!("/api/members/{target}"),
                json!({"role": "moderator", "reason": "New regional lead"}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["role"], "moderator");
        assert_eq!(
            app.get("/api/members", Some(&target_cookie)).await.status,
            200,
            "the new role applies at once"
        );
        let own = app
            .send(
                "PATCH",
                &format!("/api/members/{admin_id}"),
                json!({"role": "member"}),
                Some(&admin),
            )
            .await;
        assert_eq!(own.status, 409);
        let bad = app
            .send(
                "PATCH",
                &format!("/api/members/{target}"),
                json!({"role": "superuser"}),
                Some(&admin),
            )
            .await;
        assert_eq!(bad.status, 400);

        let audit = app
            .get(
                &format!("/api/admin/audit?action=member.role_changed&target_id={target}"),
                Some(&admin),
            )
            .await;
        assert_eq!(audit.status, 200);
        let items = audit.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["actor_name"], "Admin Person");
        assert_eq!(items[0]["target_name"], "Target Person");
        assert_eq!(items[0]["reason"], "New regional lead");
        assert_eq!(items[0]["details"], "member -> moderator");
    }
}

#[tokio::test]
async fn moderators_cannot_suspend_moderators_or_themselves_and_suspensions_must_end_in_the_future()
{
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (mod_id, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Person", "moderator")
            .await;
        let other_mod = app
            .create_member("mod2@nhs.net", "Other Mod", "moderator")
            .await;
        let member = app
            .create_member("m@nhs.net", "Plain Member", "member")
            .await;
        let future = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
        let past = (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc3339();
        let r = app
            .post(
                &format!("/api/members/{other_mod}/suspend"),
                json!({"until": future, "reason": "r"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = app
            .post(
                &format!("/api/members/{mod_id}/suspend"),
                json!({"until": future, "reason": "r"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 409);
        let r = app
            .post(
                &format!("/api/members/{member}/suspend"),
                json!({"until": past, "reason": "r"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["until"]);
        let r = app
            .post(
                &format!("/api/members/{member}/suspend"),
                json!({"until": future, "reason": ""}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_errors(), vec!["reason"]);
    }
}

#[tokio::test]
async fn the_members_list_pages_with_a_cursor_and_matches_text_literally() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("a@nhs.net", "Admin Person", "admin")
            .await;
        for i in 0..5 {
            app.create_member(
                &format!("person{i}@nhs.net"),
                &format!("Person Number {i}"),
                "member",
            )
            .await;
        }
        let first = app.get("/api/members?limit=4", Some(&admin)).await;
        assert_eq!(first.body["items"].as_array().unwrap().len(), 4);
        let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
        let second = app
            .get(
                &format!("/api/members?limit=4&cursor={cursor}"),
                Some(&admin),
            )
            .await;
        assert_eq!(second.body["items"].as_array().unwrap().len(), 2);
        assert!(second.body["next_cursor"].is_null());
        let ids: Vec<i64> = first.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second.body["items"].as_array().unwrap())
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), 6);

        // SQLI-04: wildcards match literally.
        let wild = app.get("/api/members?q=%25%25%25%25a_", Some(&admin)).await;
        assert_eq!(wild.status, 200);
        assert_eq!(wild.body["items"].as_array().unwrap().len(), 0);
        let found = app.get("/api/members?q=number%203", Some(&admin)).await;
        assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
        for bad in [
            "limit=0",
            "limit=1000000",
            "limit=-1",
            "cursor=abc",
            "status=everyone",
        ] {
            let r = app.get(&format!("/api/members?{bad}"), Some(&admin)).await;
            assert!(r.status == 400 || r.status == 422, "{bad}: {}", r.status);
        }
    }
}

#[tokio::test]
async fn admins_set_the_approved_domains_and_the_change_is_audited() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, admin) = app
            .member_with_role("a@nhs.net", "Admin Person", "admin")
            .await;
        let current = app.get("/api/admin/settings", Some(&admin)).await;
        assert_eq!(
            current.body["approved_domains"],
            json!(["nhs.net", "nhs.uk", "*.nhs.uk", "*.gov.uk"])
        );
        let bad = app
            .send(
                "PUT",
                "/api/admin/settings",
                json!({"approved_domains": ["not a domain"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(bad.status, 422);
        let r = app
            .send(
                "PUT",
                "/api/admin/settings",
                json!({"approved_domains": ["Example.org", "nhs.net"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body["approved_domains"],
            json!(["example.org", "nhs.net"])
        );
        app.register("new@example.org", "New Person").await;
        let token = app.mailed_token("new@example.org").await;
        assert_eq!(
            app.post("/api/auth/verify-email", json!({"token": token}), None)
                .await
                .body["status"],
            "active"
        );
        let audit = app
            .get("/api/admin/audit?action=settings.updated", Some(&admin))
            .await;
        assert_eq!(audit.body["items"].as_array().unwrap().len(), 1);
    }
}
