//! Attachments of library resources: upload and download, type by content, size cap, versions,
//! visibility, names, the PATH/FILE/BOMB cases of shared/security/bad_inputs.txt, and text
//! extraction in a child process.

use std::io::Write as _;
use std::sync::OnceLock;

use diesel::prelude::*;
use poem::test::{TestForm, TestFormField};
use serde_json::json;

use crate::common::{Reply, TestApp, backends, reply};

/// The `partners` binary, built once, which the server runs as its text extractor.
fn partners_bin() -> String {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "backend", "--bin", "partners"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building partners");
        // target/debug/deps/integration-... → target/debug/partners
        let exe = std::env::current_exe().unwrap();
        let bin = exe.parent().unwrap().parent().unwrap().join("partners");
        assert!(bin.is_file(), "{} exists", bin.display());
        bin.display().to_string()
    })
    .clone()
}

async fn app_for(backend: crate::common::Backend) -> TestApp {
    TestApp::builder(backend)
        .set("EXTRACT_PROGRAM", &partners_bin())
        .set("EXTRACT_TIMEOUT", "20s")
        .build()
        .await
}

/// A resource row, as the library's editor would leave it.
async fn resource(app: &TestApp, slug: &str, status: &str, owner: Option<i64>) -> i64 {
    use backend::db::schema::resources;
    let db = app.db.clone();
    let (slug, status) = (slug.to_owned(), status.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut c = db.get().unwrap();
        let at = backend::db::now();
        diesel::insert_into(resources::table)
            .values((
                resources::slug.eq(&slug),
                resources::kind.eq("guidance"),
                resources::title.eq(format!("Resource {slug}")),
                resources::summary.eq("A summary."),
                resources::body_markdown.eq("Body."),
                resources::body_html.eq("<p>Body.</p>"),
                resources::status.eq(&status),
                resources::owner_id.eq(owner),
                resources::created_at.eq(at),
                resources::updated_at.eq(at),
            ))
            .execute(&mut *c)
            .unwrap();
        resources::table
            .filter(resources::slug.eq(&slug))
            .select(resources::id)
            .first::<i64>(&mut *c)
            .unwrap()
    })
    .await
    .unwrap()
}

async fn outbox_count(app: &TestApp, resource_id: i64) -> i64 {
    use backend::db::schema::search_outbox;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        search_outbox::table
            .filter(search_outbox::entity_type.eq("resource"))
            .filter(search_outbox::entity_id.eq(resource_id))
            .count()
            .get_result::<i64>(&mut *db.get().unwrap())
            .unwrap()
    })
    .await
    .unwrap()
}

async fn upload_to(
    app: &TestApp,
    path: &str,
    name: &str,
    bytes: &[u8],
    title: Option<&str>,
    cookie: Option<&str>,
) -> Reply {
    let mut form = TestForm::new().field(
        TestFormField::bytes(bytes.to_vec())
            .name("file")
            .filename(name)
            .content_type("application/octet-stream"),
    );
    if let Some(t) = title {
        form = form.text("title", t);
    }
    let mut req = app.client.post(path).multipart(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    reply(req.send().await).await
}

async fn upload(
    app: &TestApp,
    slug: &str,
    name: &str,
    bytes: &[u8],
    cookie: Option<&str>,
) -> Reply {
    upload_to(
        app,
        &format!("/api/resources/{slug}/attachments"),
        name,
        bytes,
        None,
        cookie,
    )
    .await
}

/// Status, headers and raw bytes of a download.
async fn fetch(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (u16, poem::http::HeaderMap, Vec<u8>) {
    let mut req = app.client.get(path);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await;
    let status = resp.0.status().as_u16();
    let headers = resp.0.headers().clone();
    let bytes = resp.0.into_body().into_bytes().await.unwrap().to_vec();
    (status, headers, bytes)
}

fn header(h: &poem::http::HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A PNG signature and IHDR chunk, then padding: enough for the magic-byte check.
fn png(len: usize) -> Vec<u8> {
    let mut b =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    b.resize(len.max(b.len()), 0);
    b
}

/// A DOCX whose document.xml holds these paragraphs.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    office_zip(&[("word/document.xml", xml.as_bytes())])
}

fn office_zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        for (name, bytes) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// A DOCX whose document.xml inflates to `mib` MiB of spaces: a ZIP bomb in a small file.
fn docx_bomb(mib: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(b"<Types/>").unwrap();
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..mib {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .unwrap();
        w.finish().unwrap();
    }
    out.into_inner()
}

#[tokio::test]
async fn a_curator_uploads_and_downloads_a_pdf_with_safe_headers() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        let rid = resource(&app, "amhp-standards", "published", None).await;
        let pdf = backend::files::sample::pdf(&["Standard one", "Standard two"]);
        let before = outbox_count(&app, rid).await;
        let r = upload(
            &app,
            "amhp-standards",
            "Service standards.pdf",
            &pdf,
            Some(&curator),
        )
        .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["file_type"], "pdf");
        assert_eq!(r.body["content_type"], "application/pdf");
        assert_eq!(r.body["file_name"], "Service standards.pdf");
        assert_eq!(r.body["title"], "Service standards");
        assert_eq!(r.body["version"], 1);
        assert_eq!(r.body["size_bytes"], pdf.len());
        assert_eq!(r.body["extract_status"], "pending");
        assert_eq!(outbox_count(&app, rid).await, before + 1);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(
            r.body["download_url"],
            format!("/api/attachments/{id}/download")
        );

        // Anyone may download a published resource's file, signed in or not.
        let (status, h, bytes) =
            fetch(&app, &format!("/api/attachments/{id}/download"), None).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, pdf);
        assert_eq!(header(&h, "content-type"), "application/pdf");
        assert_eq!(
            header(&h, "content-disposition"),
            "attachment; filename=\"Service standards.pdf\"; filename*=UTF-8''Service%20standards.pdf"
        );
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        let csp = header(&h, "content-security-policy");
        assert!(csp.starts_with("sandbox"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");

        // The same bytes again are stored once.
        let again = upload(&app, "amhp-standards", "copy.pdf", &pdf, Some(&curator)).await;
        assert_eq!(again.status, 201);
        assert_eq!(
            again.body["versions"][0]["sha256"],
            r.body["versions"][0]["sha256"]
        );
        let sha = r.body["versions"][0]["sha256"].as_str().unwrap();
        let stored: Vec<_> = walk(&app.state.config.files_dir());
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert!(stored[0].ends_with(sha));

        let list = app
            .get("/api/resources/amhp-standards/attachments", None)
            .await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(list.body["can_add"], false);
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn the_type_is_found_from_the_content_not_the_name() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        resource(&app, "toolkit", "published", None).await;
        // A .pdf name with PNG content is a PNG.
        let r = upload(&app, "toolkit", "chart.pdf", &png(200), Some(&curator)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["file_type"], "png");
        assert_eq!(r.body["content_type"], "image/png");
        assert_eq!(r.body["file_name"], "chart.png");
        assert_eq!(r.body["extract_status"], "none");
        let id = r.body["id"].as_i64().unwrap();
        let (_, h, _) = fetch(&app, &format!("/api/attachments/{id}/download"), None).await;
        assert_eq!(header(&h, "content-type"), "image/png");

        let d = upload(
            &app,
            "toolkit",
            "notes.txt",
            &docx(&["Hello"]),
            Some(&curator),
        )
        .await;
        assert_eq!(d.status, 201);
        assert_eq!(d.body["file_type"], "docx");
        assert_eq!(d.body["file_name"], "notes.docx");

        // FILE-01, FILE-03 and friends: refused with 415 problem+json.
        let refused: Vec<(&str, Vec<u8>)> = vec![
            ("report.pdf", b"<script>alert(1)</script>".to_vec()),
            (
                "page.html",
                b"<!DOCTYPE html><html><body>x</body></html>".to_vec(),
            ),
            (
                "logo.svg",
                br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#
                    .to_vec(),
            ),
            ("setup.pdf", {
                let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
                exe.resize(512, 0);
                exe
            }),
            (
                "anim.png",
                b"GIF89a/*\x01\0\x01\0\0\0\0*/=alert(1);//".to_vec(),
            ),
            ("archive.docx", {
                let mut out = std::io::Cursor::new(Vec::new());
                let mut w = zip::ZipWriter::new(&mut out);
                w.start_file("readme.txt", zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(b"not an office document").unwrap();
                w.finish().unwrap();
                out.into_inner()
            }),
        ];
        for (name, bytes) in refused {
            let r = upload(&app, "toolkit", name, &bytes, Some(&curator)).await;
            assert_eq!(r.status, 415, "{name}: {:?}", r.body);
            assert_eq!(r.content_type(), "application/problem+json");
        }
        let list = app.get("/api/resources/toolkit/attachments", None).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn files_over_the_cap_get_413_and_a_file_at_the_cap_is_accepted() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("ATTACHMENT_MAX_BYTES", "4096")
            .build()
            .await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        resource(&app, "big", "published", None).await;
        let ok = upload(&app, "big", "a.png", &png(4096), Some(&curator)).await;
        assert_eq!(ok.status, 201, "{:?}", ok.body);
        let over = upload(&app, "big", "b.png", &png(4097), Some(&curator)).await;
        assert_eq!(over.status, 413, "{:?}", over.body);
        assert_eq!(over.content_type(), "application/problem+json");

        // FILE-04: a streamed body without Content-Length is counted as it arrives.
        let big = png(1 << 20);
        let boundary = "XyZbOuNdArY";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&big);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let stream = futures_util::stream::iter(
            body.chunks(8192)
                .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        );
        let r = reply(
            app.client
                .post("/api/resources/big/attachments")
                .header("cookie", &curator)
                .content_type(format!("multipart/form-data; boundary={boundary}"))
                .body(poem::Body::from_bytes_stream(stream))
                .send()
                .await,
        )
        .await;
        assert_eq!(r.status, 413, "{:?}", r.body);

        // A declared length over the cap is refused before anything is read.
        let r = reply(
            app.client
                .post("/api/resources/big/attachments")
                .header("cookie", &curator)
                .header("content-length", "999999999")
                .content_type(format!("multipart/form-data; boundary={boundary}"))
                .body("")
                .send()
                .await,
        )
        .await;
        assert_eq!(r.status, 413);
        let list = app.get("/api/resources/big/attachments", None).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn replacing_a_file_adds_a_version_and_keeps_the_earlier_ones() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (owner_id, owner) = app
            .member_with_role("own@nhs.net", "Own Er", "member")
            .await;
        let rid = resource(&app, "framework", "published", Some(owner_id)).await;
        let v1 = backend::files::sample::pdf(&["First edition"]);
        let v2 = backend::files::sample::pdf(&["Second edition"]);
        let r = upload(&app, "framework", "framework.pdf", &v1, Some(&owner)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let before = outbox_count(&app, rid).await;
        let r = upload_to(
            &app,
            &format!("/api/attachments/{id}/versions"),
            "framework-2026.pdf",
            &v2,
            Some("Framework (2026)"),
            Some(&owner),
        )
        .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["version"], 2);
        assert_eq!(r.body["title"], "Framework (2026)");
        assert_eq!(r.body["file_name"], "framework-2026.pdf");
        assert_eq!(r.body["versions"].as_array().unwrap().len(), 2);
        assert_eq!(r.body["versions"][1]["version"], 1);
        assert_eq!(outbox_count(&app, rid).await, before + 1);

        let (_, _, current) = fetch(&app, &format!("/api/attachments/{id}/download"), None).await;
        assert_eq!(current, v2);
        let (s, h, old) = fetch(
            &app,
            &format!("/api/attachments/{id}/versions/1/download"),
            None,
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(old, v1);
        assert!(header(&h, "content-disposition").contains("framework.pdf"));
        let (s, _, _) = fetch(
            &app,
            &format!("/api/attachments/{id}/versions/3/download"),
            None,
        )
        .await;
        assert_eq!(s, 404);

        // Another member may not replace it.
        let (_, other) = app
            .member_with_role("oth@nhs.net", "Oth Er", "member")
            .await;
        let r = upload_to(
            &app,
            &format!("/api/attachments/{id}/versions"),
            "x.pdf",
            &v1,
            None,
            Some(&other),
        )
        .await;
        assert_eq!(r.status, 403);
    }
}

#[tokio::test]
async fn a_drafts_files_are_hidden_from_everyone_but_its_curators_and_owner() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        let (owner_id, owner) = app
            .member_with_role("own@nhs.net", "Own Er", "member")
            .await;
        let (_, member) = app
            .member_with_role("mem@nhs.net", "Mem Ber", "member")
            .await;
        let (_, moderator) = app
            .member_with_role("mod@nhs.net", "Mod Er", "moderator")
            .await;
        let rid = resource(&app, "draft-guide", "draft", Some(owner_id)).await;
        resource(&app, "public-guide", "published", None).await;
        let pdf = backend::files::sample::pdf(&["Draft text"]);

        let r = upload(&app, "draft-guide", "d.pdf", &pdf, Some(&owner)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        for cookie in [None, Some(member.as_str()), Some(moderator.as_str())] {
            assert_eq!(
                app.get(&format!("/api/attachments/{id}"), cookie)
                    .await
                    .status,
                404
            );
            let (s, _, body) =
                fetch(&app, &format!("/api/attachments/{id}/download"), cookie).await;
            assert_eq!(s, 404);
            assert_ne!(body, pdf);
            assert_eq!(
                app.get("/api/resources/draft-guide/attachments", cookie)
                    .await
                    .status,
                404
            );
            // Uploading to a draft you cannot see: it does not exist.
            let u = upload(&app, "draft-guide", "x.pdf", &pdf, cookie).await;
            assert!(u.status == 404 || u.status == 401, "{}", u.status);
        }
        for cookie in [&owner, &curator] {
            assert_eq!(
                app.get(&format!("/api/attachments/{id}"), Some(cookie))
                    .await
                    .status,
                200
            );
            let (s, _, body) = fetch(
                &app,
                &format!("/api/attachments/{id}/download"),
                Some(cookie),
            )
            .await;
            assert_eq!(s, 200);
            assert_eq!(body, pdf);
        }
        // A member who does not own a published resource may not attach to it.
        let u = upload(&app, "public-guide", "x.pdf", &pdf, Some(&member)).await;
        assert_eq!(u.status, 403);
        assert_eq!(
            upload(&app, "public-guide", "x.pdf", &pdf, None)
                .await
                .status,
            401
        );
        assert_eq!(
            upload(&app, "no-such-resource", "x.pdf", &pdf, Some(&curator))
                .await
                .status,
            404
        );

        // Removal: curators only, with a reason, audited; then gone for everyone.
        let del = |cookie: String, reason: &'static str| {
            let app = &app;
            async move {
                reply(
                    app.client
                        .delete(format!("/api/attachments/{id}"))
                        .header("cookie", cookie)
                        .body_json(&json!({"reason": reason}))
                        .send()
                        .await,
                )
                .await
            }
        };
        assert_eq!(del(owner.clone(), "mine").await.status, 403);
        assert_eq!(del(curator.clone(), "  ").await.status, 422);
        let before = outbox_count(&app, rid).await;
        assert_eq!(
            del(curator.clone(), "Superseded by the 2026 edition")
                .await
                .status,
            204
        );
        assert_eq!(outbox_count(&app, rid).await, before + 1);
        assert_eq!(
            app.get(&format!("/api/attachments/{id}"), Some(&curator))
                .await
                .status,
            404
        );
        assert!(
            app.audit_actions(id)
                .await
                .contains(&"attachment.removed".to_owned())
        );
    }
}

#[tokio::test]
async fn uploaded_names_are_sanitised_path_02() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        resource(&app, "names", "published", None).await;
        let long = format!("{}.pdf", "n".repeat(300));
        let cases = [
            ("../../../tmp/evil.pdf", "evil.pdf"),
            ("..\\..\\evil.pdf", "evil.pdf"),
            ("evil.pdf%00.html", "evil.pdf%00.pdf"),
            ("CON.pdf", "attachment.pdf"),
            ("a.pdf\r\nContent-Type: text/html", ""),
            ("\"><img src=x onerror=alert(1)>.pdf", ""),
            ("\u{202e}fdp.exe", "fdp.pdf"),
            (".htaccess", "htaccess.pdf"),
            (long.as_str(), ""),
        ];
        let pdf = backend::files::sample::pdf(&["x"]);
        for (raw, expected) in cases {
            // Written by hand: a test client would refuse CR/LF in a header, an attacker won't.
            let boundary = "NaMeSbOuNdArY";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/pdf\r\n\r\n",
                raw.replace('"', "%22")
            )
            .into_bytes();
            body.extend_from_slice(&pdf);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let r = reply(
                app.client
                    .post("/api/resources/names/attachments")
                    .header("cookie", &curator)
                    .content_type(format!("multipart/form-data; boundary={boundary}"))
                    .body(body)
                    .send()
                    .await,
            )
            .await;
            if raw.contains('\n') {
                // The line break ends the header: refused or cut short, never smuggled.
                assert!(r.status == 201 || r.status == 400, "{raw:?}: {}", r.status);
                if r.status == 400 {
                    continue;
                }
            }
            assert_eq!(r.status, 201, "{raw:?}: {:?}", r.body);
            let name = r.body["file_name"].as_str().unwrap();
            if !expected.is_empty() {
                assert_eq!(name, expected, "{raw:?}");
            }
            assert!(name.chars().count() <= 120, "{name}");
            assert!(
                !name.contains(['/', '\\', '\r', '\n', '\0', '"', '<', '>']),
                "{name:?}"
            );
            let id = r.body["id"].as_i64().unwrap();
            let (_, h, _) = fetch(&app, &format!("/api/attachments/{id}/download"), None).await;
            let cd = header(&h, "content-disposition");
            assert!(cd.starts_with("attachment; filename=\""), "{cd}");
            assert!(cd.contains("filename*=UTF-8''"), "{cd}");
            assert!(!cd.contains(['\r', '\n']));
        }
        // Nothing was written outside the store, and only under content hashes.
        for path in walk(&app.state.config.files_dir()) {
            let file = path.rsplit('/').next().unwrap();
            assert_eq!(file.len(), 64, "{path}");
            assert!(file.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        assert!(!std::path::Path::new("/tmp/evil.pdf").exists());
    }
}

#[tokio::test]
async fn files_are_addressed_by_id_not_by_path_path_01() {
    for backend in backends() {
        let app = app_for(backend).await;
        for bad in [
            "../../../../etc/passwd",
            "..%2f..%2f..%2fetc%2fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..%252f..%252fetc%252fpasswd",
            "....//....//etc/passwd",
            "..\\..\\..\\windows\\win.ini",
        ] {
            for path in [
                format!("/api/attachments/{bad}/download"),
                format!("/api/attachments/{bad}"),
                format!("/api/attachments/1/versions/{bad}/download"),
                format!("/api/resources/{bad}/attachments"),
            ] {
                let (s, _, body) = fetch(&app, &path, None).await;
                assert!(s == 400 || s == 404, "{path}: {s}");
                assert!(!String::from_utf8_lossy(&body).contains("root:"), "{path}");
            }
        }
    }
}

#[tokio::test]
async fn an_active_pdf_is_only_ever_served_as_a_sandboxed_attachment_file_02() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        resource(&app, "active", "published", None).await;
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        let r = upload(&app, "active", "active.pdf", &pdf, Some(&curator)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let (_, h, body) = fetch(&app, &format!("/api/attachments/{id}/download"), None).await;
        assert_eq!(body, pdf);
        assert_eq!(header(&h, "content-type"), "application/pdf");
        assert!(header(&h, "content-disposition").starts_with("attachment;"));
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert!(header(&h, "content-security-policy").starts_with("sandbox; default-src 'none'"));
    }
}

#[tokio::test]
async fn compressed_uploads_and_zip_bombs_fail_cleanly_bomb_01() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        let rid = resource(&app, "bombs", "published", None).await;
        // A gzip-encoded request body is refused before it is inflated.
        let r = reply(
            app.client
                .post("/api/resources/bombs/attachments")
                .header("cookie", &curator)
                .header("content-encoding", "gzip")
                .content_type("multipart/form-data; boundary=x")
                .body(vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0])
                .send()
                .await,
        )
        .await;
        assert_eq!(r.status, 415);

        // A DOCX that inflates to 100 MiB is accepted as a file (nothing is inflated at upload)
        // and its extraction stops at the cap.
        let bomb = docx_bomb(100);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let r = upload(&app, "bombs", "bomb.docx", &bomb, Some(&curator)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let before = outbox_count(&app, rid).await;
        let n = backend::library::attachments::run_pending(&app.state)
            .await
            .unwrap();
        assert_eq!(n, 1);
        let r = app
            .get(&format!("/api/attachments/{id}"), Some(&curator))
            .await;
        assert_eq!(r.body["extract_status"], "failed");
        assert!(
            r.body["extract_message"]
                .as_str()
                .unwrap()
                .starts_with("Text could not be extracted"),
            "{:?}",
            r.body
        );
        assert!(
            r.body["versions"][0]["extract_error"]
                .as_str()
                .unwrap()
                .contains("too large")
        );
        assert_eq!(outbox_count(&app, rid).await, before + 1);
        // Members see the status but not the reason.
        let (_, member) = app
            .member_with_role("mem@nhs.net", "Mem Ber", "member")
            .await;
        let r = app
            .get(&format!("/api/attachments/{id}"), Some(&member))
            .await;
        assert_eq!(r.body["extract_status"], "failed");
        assert!(r.body["extract_message"].is_null());
        assert!(r.body["versions"][0]["extract_error"].is_null());
    }
}

#[tokio::test]
async fn text_is_extracted_page_by_page_and_a_malformed_file_is_marked_failed() {
    for backend in backends() {
        let app = app_for(backend).await;
        let (_, curator) = app
            .member_with_role("cur@nhs.net", "Cura Tor", "curator")
            .await;
        let rid = resource(&app, "extract", "published", None).await;
        let pages = [
            "Supervision of conditionally discharged patients",
            "Progress reports to the casework section",
            "Annual review of the framework",
        ];
        let pdf = backend::files::sample::pdf(&pages);
        let good = upload(&app, "extract", "framework.pdf", &pdf, Some(&curator)).await;
        assert_eq!(good.status, 201);
        let doc = upload(
            &app,
            "extract",
            "guide.docx",
            &docx(&["Leadership &amp; supervision", "Wellbeing"]),
            Some(&curator),
        )
        .await;
        assert_eq!(doc.status, 201);
        let broken = upload(
            &app,
            "extract",
            "broken.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nstream\n\xff\xfe garbage",
            Some(&curator),
        )
        .await;
        assert_eq!(broken.status, 201, "{:?}", broken.body);
        let image = upload(&app, "extract", "chart.png", &png(100), Some(&curator)).await;
        assert_eq!(image.status, 201);

        let before = outbox_count(&app, rid).await;
        let n = backend::library::attachments::run_pending(&app.state)
            .await
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(outbox_count(&app, rid).await, before + 3);
        // Nothing is left to do.
        assert_eq!(
            backend::library::attachments::run_pending(&app.state)
                .await
                .unwrap(),
            0
        );

        let stored = |id: i64| {
            let db = app.db.clone();
            async move {
                use backend::db::schema::attachment_versions as v;
                tokio::task::spawn_blocking(move || {
                    v::table
                        .filter(v::attachment_id.eq(id))
                        .select((
                            v::extract_status,
                            v::extracted_text,
                            v::page_count,
                            v::extract_error,
                        ))
                        .first::<(String, Option<String>, Option<i32>, Option<String>)>(
                            &mut *db.get().unwrap(),
                        )
                        .unwrap()
                })
                .await
                .unwrap()
            }
        };
        let (status, text, count, _) = stored(good.body["id"].as_i64().unwrap()).await;
        assert_eq!(status, "done");
        assert_eq!(count, Some(3));
        let parts: Vec<&str> = text.as_deref().unwrap().split('\u{c}').collect();
        assert_eq!(parts.len(), 3);
        for (part, expected) in parts.iter().zip(pages) {
            assert_eq!(
                part.split_whitespace().collect::<Vec<_>>().join(" "),
                expected
            );
        }
        let (status, text, _, _) = stored(doc.body["id"].as_i64().unwrap()).await;
        assert_eq!(status, "done");
        assert_eq!(text.as_deref(), Some("Leadership & supervision\nWellbeing"));
        let (status, _, _, error) = stored(broken.body["id"].as_i64().unwrap()).await;
        assert_eq!(status, "failed");
        assert!(error.is_some_and(|e| !e.is_empty() && e.len() <= 200));
        let (status, _, _, _) = stored(image.body["id"].as_i64().unwrap()).await;
        assert_eq!(status, "none");

        // The server keeps answering.
        let r = app
            .get(
                &format!("/api/attachments/{}", broken.body["id"]),
                Some(&curator),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body["extract_message"]
                .as_str()
                .map(|m| m.starts_with("Text could not be extracted")),
            Some(true)
        );
        assert_eq!(app.get("/api/categories", Some(&curator)).await.status, 200);
    }
}
