//! Registration, verification, approval, sign-in, sessions, passwords and throttling.

use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp, backends, cookie_of, set_cookie_header};

#[tokio::test]
async fn a_member_from_an_unlisted_domain_registers_verifies_waits_and_is_approved() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Regional Lead", "moderator")
            .await;

        let r = app.register("  Sam.Jones@Example.ORG ", "Sam Jones").await;
        assert_eq!(r.status, 201, "{backend:?} {:?}", r.body);
        assert_eq!(r.body["email"], "sam.jones@example.org");
        assert_eq!(r.body["status"], "unverified");

        // Before verifying, signing in is refused with a reason.
        let r = app
            .post(
                "/api/auth/login",
                json!({"email": "sam.jones@example.org", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(r.status, 403);
        assert!(
            r.body["type"]
                .as_str()
                .unwrap()
                .ends_with("email-unverified")
        );

        let token = app.mailed_token("sam.jones@example.org").await;
        let r = app
            .post("/api/auth/verify-email", json!({"token": token}), None)
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "pending");
        // The token works once.
        let again = app
            .post("/api/auth/verify-email", json!({"token": token}), None)
            .await;
        assert_eq!(again.status, 422);
        assert_eq!(again.field_errors(), vec!["token"]);
        // Moderators were told someone is waiting.
        assert!(
            app.mails_to("mod@nhs.net")
                .await
                .iter()
                .any(|m| m.subject.contains("waiting for approval"))
        );

        // A pending member can sign in but can't see members-only pages or change anything.
        let pending = app.login("sam.jones@example.org", PASSWORD).await;
        let me = app.get("/api/me", Some(&pending)).await;
        assert_eq!(me.body["status"], "pending");
        assert_eq!(app.get("/api/members", Some(&pending)).await.status, 403);
        let id = me.body["id"].as_i64().unwrap();

        let list = app
            .get("/api/members?status=pending", Some(&moderator))
            .await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(list.body["items"][0]["id"], id);

        let r = app
            .post(
                &format!("/api/members/{id}/approve"),
                json!({"reason": "Known to the regional network"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["status"], "active");
        assert!(
            app.mails_to("sam.jones@example.org")
                .await
                .iter()
                .any(|m| m.subject.contains("approved"))
        );
        // Deciding twice is a conflict, not a second audit row.
        let twice = app
            .post(
                &format!("/api/members/{id}/approve"),
                json!({}),
                Some(&moderator),
            )
            .await;
        assert_eq!(twice.status, 409);

        let actions = app.audit_actions(id).await;
        for expected in [
            "member.registered",
            "member.email_verified",
            "member.approved",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{backend:?}: missing {expected} in {actions:?}"
            );
        }
        assert_eq!(
            actions.iter().filter(|a| *a == "member.approved").count(),
            1
        );
        assert_eq!(
            app.get("/api/me", Some(&pending)).await.body["status"],
            "active"
        );
    }
}

#[tokio::test]
async fn an_address_on_an_approved_domain_is_active_once_verified() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(
            app.register("alex@trust.nhs.uk", "Alex Smith").await.status,
            201
        );
        let token = app.mailed_token("alex@trust.nhs.uk").await;
        let r = app
            .post("/api/auth/verify-email", json!({"token": token}), None)
            .await;
        assert_eq!(r.body["status"], "active");
        let id = app
            .get(
                "/api/me",
                Some(&app.login("alex@trust.nhs.uk", PASSWORD).await),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        assert!(
            app.audit_actions(id)
                .await
                .contains(&"member.auto_approved".to_owned())
        );
    }
}

#[tokio::test]
async fn a_declined_member_is_told_why_and_cannot_sign_in() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Regional Lead", "moderator")
            .await;
        app.register("someone@example.com", "Some One").await;
        let token = app.mailed_token("someone@example.com").await;
        app.post("/api/auth/verify-email", json!({"token": token}), None)
            .await;
        let id = app
            .get("/api/members?status=pending", Some(&moderator))
            .await
            .body["items"][0]["id"]
            .as_i64()
            .unwrap();

        let no_reason = app
            .post(
                &format!("/api/members/{id}/decline"),
                json!({"reason": "  "}),
                Some(&moderator),
            )
            .await;
        assert_eq!(no_reason.status, 422);
        assert_eq!(no_reason.field_errors(), vec!["reason"]);

        let r = app
            .post(
                &format!("/api/members/{id}/decline"),
                json!({"reason": "Not a social work role"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["status"], "declined");
        let mail = app.mails_to("someone@example.com").await;
        assert!(
            mail.iter()
                .any(|m| m.body_text.contains("Not a social work role"))
        );
        let login = app
            .post(
                "/api/auth/login",
                json!({"email": "someone@example.com", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(login.status, 403);
    }
}

#[tokio::test]
async fn registration_refuses_duplicates_weak_passwords_and_bad_fields_with_field_errors() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        assert_eq!(
            app.register("victim@nhs.net", "Victim Person").await.status,
            201
        );
        // ID-02: one account per canonical address.
        for email in ["VICTIM@NHS.NET", " victim@nhs.net ", "victim@nhs.net."] {
            let r = app.register(email, "Another Name").await;
            assert_eq!(r.status, 409, "{backend:?} {email}");
            assert_eq!(r.field_errors(), vec!["email"]);
        }
        let r = app
            .register("victim@nhs.net%0aBcc:x@evil.example", "Header Injector")
            .await;
        assert_eq!(r.status, 422);
        let r = app
            .register("victim@nhs.net\nBcc:x@evil.example", "Header Injector")
            .await;
        assert_eq!(r.status, 422);

        let r = app
            .post(
                "/api/auth/register",
                json!({"email": "x", "password": "password123", "display_name": "", "organisation": "", "job_role": "", "region": "mars"}),
                None,
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.content_type().starts_with("application/problem+json"));
        let mut fields = r.field_errors();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                "display_name",
                "email",
                "job_role",
                "organisation",
                "password",
                "region"
            ]
        );
        let common = app
            .post(
                "/api/auth/register",
                json!({"email": "new@nhs.net", "password": "qwertyuiop", "display_name": "New Person", "organisation": "T", "job_role": "J", "region": "london"}),
                None,
            )
            .await;
        assert_eq!(common.field_errors(), vec!["password"]);
    }
}

#[tokio::test]
async fn look_alike_and_reserved_display_names_are_refused() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("lead@nhs.net", "Regional Lead", "moderator")
            .await;
        // ID-01
        for (i, name) in [
            "admіn",
            "Admin",
            "moderator",
            "a\u{200B}dmin",
            "\u{202E}nimda",
            " admin ",
        ]
        .iter()
        .enumerate()
        {
            let r = app.register(&format!("p{i}@nhs.net"), name).await;
            assert_eq!(r.status, 422, "{backend:?} {name:?}: {:?}", r.body);
            assert_eq!(r.field_errors(), vec!["display_name"]);
        }
        // A Cyrillic look-alike of an existing moderator's name is taken.
        let r = app.register("imposter@nhs.net", "Regіonal Lead").await;
        assert_eq!(r.status, 409);
        assert_eq!(r.field_errors(), vec!["display_name"]);
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_rotates_at_sign_in_and_logout_revokes_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let r = app
            .post(
                "/api/auth/login",
                json!({"email": "SAM@nhs.net", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(r.status, 200);
        let header = set_cookie_header(&r).to_lowercase();
        assert!(
            header.contains("httponly")
                && header.contains("samesite=lax")
                && header.contains("path=/"),
            "{header}"
        );
        assert!(
            !header.contains("secure"),
            "no Secure flag over http: {header}"
        );
        let first = cookie_of(&r);
        let second = app.login("sam@nhs.net", PASSWORD).await;
        assert_ne!(first, second, "a new session id at every sign-in");

        assert_eq!(app.get("/api/me", Some(&second)).await.status, 200);
        assert_eq!(
            app.post("/api/auth/logout", json!({}), Some(&second))
                .await
                .status,
            204
        );
        assert_eq!(app.get("/api/me", Some(&second)).await.status, 401);
    }
}

#[tokio::test]
async fn under_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent() {
    let app = TestApp::builder(Backend::Sqlite)
        .set("PUBLIC_URL", "https://partners.example.nhs.uk")
        .build()
        .await;
    app.create_member("sam@nhs.net", "Sam Jones", "member")
        .await;
    let r = app
        .post(
            "/api/auth/login",
            json!({"email": "sam@nhs.net", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let header = set_cookie_header(&r);
    assert!(header.starts_with("__Host-pip_session="), "{header}");
    assert!(header.to_lowercase().contains("secure"));
    assert!(r.headers.get("strict-transport-security").is_some());
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let laptop = app.login("sam@nhs.net", PASSWORD).await;
        let phone = app.login("sam@nhs.net", PASSWORD).await;
        let sessions = app.get("/api/me/sessions", Some(&laptop)).await;
        assert_eq!(sessions.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(
            sessions.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["current"] == true)
                .count(),
            1
        );

        let wrong = app
            .post(
                "/api/me/password",
                json!({"current": "not my password", "new": "another long passphrase"}),
                Some(&laptop),
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert_eq!(wrong.field_errors(), vec!["current"]);
        let r = app
            .post(
                "/api/me/password",
                json!({"current": PASSWORD, "new": "another long passphrase"}),
                Some(&laptop),
            )
            .await;
        assert_eq!(r.status, 204, "{:?}", r.body);
        assert_eq!(app.get("/api/me", Some(&laptop)).await.status, 200);
        assert_eq!(app.get("/api/me", Some(&phone)).await.status, 401);
        let old = app
            .post(
                "/api/auth/login",
                json!({"email": "sam@nhs.net", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(old.status, 401);
        app.login("sam@nhs.net", "another long passphrase").await;
        let id = app.get("/api/me", Some(&laptop)).await.body["id"]
            .as_i64()
            .unwrap();
        assert!(
            app.audit_actions(id)
                .await
                .contains(&"member.password_changed".to_owned())
        );
    }
}

#[tokio::test]
async fn a_member_can_sign_out_one_of_their_sessions() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let laptop = app.login("sam@nhs.net", PASSWORD).await;
        let phone = app.login("sam@nhs.net", PASSWORD).await;
        let items = app.get("/api/me/sessions", Some(&laptop)).await.body["items"]
            .as_array()
            .unwrap()
            .clone();
        let other = items.iter().find(|s| s["current"] == false).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            app.send(
                "DELETE",
                &format!("/api/me/sessions/{other}"),
                json!(null),
                Some(&laptop)
            )
            .await
            .status,
            204
        );
        assert_eq!(app.get("/api/me", Some(&phone)).await.status, 401);
        assert_eq!(
            app.send(
                "DELETE",
                "/api/me/sessions/not-a-session",
                json!(null),
                Some(&laptop)
            )
            .await
            .status,
            404
        );
    }
}

#[tokio::test]
async fn password_reset_never_reveals_whether_an_address_exists_and_ends_every_session() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let before = app.login("sam@nhs.net", PASSWORD).await;
        let known = app
            .post(
                "/api/auth/password-reset",
                json!({"email": "sam@nhs.net"}),
                None,
            )
            .await;
        let unknown = app
            .post(
                "/api/auth/password-reset",
                json!({"email": "nobody@nhs.net"}),
                None,
            )
            .await;
        assert_eq!((known.status, unknown.status), (202, 202));
        assert_eq!(known.body, unknown.body);
        // The e-mail is written in the background.
        let mut token = None;
        for _ in 0..50 {
            if !app.mails_to("sam@nhs.net").await.is_empty() {
                token = Some(app.mailed_token("sam@nhs.net").await);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let token = token.expect("a reset e-mail");
        assert!(app.mails_to("nobody@nhs.net").await.is_empty());

        let weak = app
            .post(
                "/api/auth/password-reset/confirm",
                json!({"token": token, "password": "password1"}),
                None,
            )
            .await;
        assert_eq!(weak.status, 422);
        assert_eq!(weak.field_errors(), vec!["password"]);
        let ok = app
            .post(
                "/api/auth/password-reset/confirm",
                json!({"token": token, "password": "a brand new passphrase"}),
                None,
            )
            .await;
        assert_eq!(ok.status, 204, "{:?}", ok.body);
        let reused = app
            .post(
                "/api/auth/password-reset/confirm",
                json!({"token": token, "password": "yet another passphrase"}),
                None,
            )
            .await;
        assert_eq!(reused.status, 422);
        assert_eq!(app.get("/api/me", Some(&before)).await.status, 401);
        app.login("sam@nhs.net", "a brand new passphrase").await;
    }
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_the_window_even_for_the_right_password() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("LOGIN_WINDOW", "2s")
            .build()
            .await;
        let id = app
            .create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        for i in 0..10 {
            let r = app
                .post(
                    "/api/auth/login",
                    json!({"email": "sam@nhs.net", "password": format!("wrong guess {i}")}),
                    None,
                )
                .await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        let locked = app
            .post(
                "/api/auth/login",
                json!({"email": "sam@nhs.net", "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(locked.status, 429);
        let retry: u64 = locked
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=2).contains(&retry), "Retry-After {retry}");
        assert!(
            app.audit_actions(id)
                .await
                .contains(&"auth.login_throttled".to_owned())
        );
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        app.login("sam@nhs.net", PASSWORD).await;
    }
}

#[tokio::test]
async fn profile_changes_are_validated_and_suspended_members_cannot_make_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Regional Lead", "moderator")
            .await;
        let (id, sam) = app
            .member_with_role("sam@nhs.net", "Sam Jones", "member")
            .await;
        let r = app
            .send(
                "PATCH",
                "/api/me",
                json!({"organisation": "New Trust", "region": "north-west"}),
                Some(&sam),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["organisation"], "New Trust");
        assert_eq!(r.body["region"], "north-west");
        let bad = app
            .send(
                "PATCH",
                "/api/me",
                json!({"region": "atlantis"}),
                Some(&sam),
            )
            .await;
        assert_eq!(bad.status, 422);
        let taken = app
            .send(
                "PATCH",
                "/api/me",
                json!({"display_name": "REGIONAL LEAD"}),
                Some(&sam),
            )
            .await;
        assert_eq!(taken.status, 409);

        let until = (chrono::Utc::now() + chrono::TimeDelta::days(7)).to_rfc3339();
        let r = app
            .post(
                &format!("/api/members/{id}/suspend"),
                json!({"until": until, "reason": "Shared case details"}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let me = app.get("/api/me", Some(&sam)).await;
        assert_eq!(me.status, 200, "a suspended member can still read");
        assert_eq!(me.body["suspension_reason"], "Shared case details");
        let refused = app
            .send(
                "PATCH",
                "/api/me",
                json!({"organisation": "Other"}),
                Some(&sam),
            )
            .await;
        assert_eq!(refused.status, 403);
        assert!(
            refused.body["detail"]
                .as_str()
                .unwrap()
                .contains("Shared case details")
        );
        assert!(
            app.mails_to("sam@nhs.net")
                .await
                .iter()
                .any(|m| m.subject.contains("suspended"))
        );

        let r = app
            .post(
                &format!("/api/members/{id}/unsuspend"),
                json!({}),
                Some(&moderator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            app.send(
                "PATCH",
                "/api/me",
                json!({"organisation": "Other"}),
                Some(&sam)
            )
            .await
            .status,
            200
        );
        let actions = app.audit_actions(id).await;
        assert!(
            actions.contains(&"member.suspended".to_owned())
                && actions.contains(&"member.unsuspended".to_owned())
        );
    }
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_timeout() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("SESSION_IDLE_TIMEOUT", "1s")
            .build()
            .await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let cookie = app.login("sam@nhs.net", PASSWORD).await;
        assert_eq!(app.get("/api/me", Some(&cookie)).await.status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        assert_eq!(
            app.get("/api/me", Some(&cookie)).await.status,
            401,
            "{backend:?}: idle session ended"
        );

        let app = TestApp::builder(backend)
            .set("SESSION_ABSOLUTE_TIMEOUT", "1s")
            .build()
            .await;
        app.create_member("sam@nhs.net", "Sam Jones", "member")
            .await;
        let cookie = app.login("sam@nhs.net", PASSWORD).await;
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        assert_eq!(
            app.get("/api/me", Some(&cookie)).await.status,
            401,
            "{backend:?}: session past its lifetime ended"
        );
    }
}
