//! `partners import` and `partners export`: Markdown files with YAML front matter, idempotent by
//! slug, failures reported file by file, dry runs that write nothing, and a lossless round trip.

use std::path::Path;

use backend::db::users::User;
use backend::library::transfer::{self, ImportOptions, ImportReport, Outcome, Source};
use diesel::prelude::*;

use crate::common::{Backend, TestApp, backends};

const GUIDE: &str = "---
title: Section 117 aftercare planning
kind: guidance
summary: Planning aftercare under section 117 with the person and their family.
topics: [amhp-practice, workforce-leadership-cpd]
regions: [london, north-west]
tags: [section-117, aftercare]
source: Test Trust
authors: [A. Writer, B. Writer]
published: 2026-01-05
review_by: 2026-12-20
audience: AMHPs
external_url: https://example.org/aftercare
featured: true
owner: curator@example.org
attachments: [aftercare/checklist.pdf]
---

## Why it matters

Aftercare is a duty, not a favour.

| Step | Who |
|---|---|
| Plan | Team |
";

const TOOLKIT: &str = "---
title: Supervision toolkit
kind: toolkit
summary: A toolkit for supervisors.
topics: [practice-supervision]
status: draft
---
Some **guidance** for supervisors.
";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn write_pdf(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, backend::files::sample::pdf(&[text])).unwrap();
}

async fn setup(backend: Backend) -> (TestApp, User) {
    let app = TestApp::new(backend).await;
    app.create_member("curator@example.org", "Cora Curator", "curator")
        .await;
    let admin_id = app
        .create_member("admin@example.org", "Ada Admin", "admin")
        .await;
    let db = app.db.clone();
    let admin = tokio::task::spawn_blocking(move || {
        User::find(&mut db.get().unwrap(), backend::db::users::UserId(admin_id))
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    (app, admin)
}

async fn import(app: &TestApp, actor: &User, dir: &Path, dry_run: bool) -> ImportReport {
    let (db, actor, dir) = (app.db.clone(), actor.clone(), dir.to_owned());
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        transfer::import(
            &mut db.get().unwrap(),
            &actor,
            &Source::Dir(dir),
            ImportOptions {
                dry_run,
                demo: false,
                files: Some(&state.files),
                max_attachment_bytes: state.config.attachment_max_bytes,
            },
            &mut |_| {},
        )
        .unwrap()
    })
    .await
    .unwrap()
}

fn outcome<'a>(report: &'a ImportReport, file: &str) -> &'a Outcome {
    &report
        .files
        .iter()
        .find(|f| f.file == file)
        .unwrap_or_else(|| panic!("{file} is in the report: {report:?}"))
        .outcome
}

async fn resource(app: &TestApp, slug: &str) -> Option<backend::library::resources::Resource> {
    let (db, slug) = (app.db.clone(), slug.to_owned());
    tokio::task::spawn_blocking(move || {
        backend::library::resources::Resource::find_by_slug(&mut db.get().unwrap(), &slug).unwrap()
    })
    .await
    .unwrap()
}

async fn revision(app: &TestApp, slug: &str) -> Option<i32> {
    resource(app, slug).await.map(|r| r.revision)
}

async fn outbox_rows(app: &TestApp) -> i64 {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        backend::db::schema::search_outbox::table
            .count()
            .get_result::<i64>(&mut db.get().unwrap())
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn import_creates_then_updates_changed_files_and_leaves_the_rest_alone() {
    for backend in backends() {
        let (app, admin) = setup(backend).await;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "aftercare.md", GUIDE);
        write_pdf(dir.path(), "aftercare/checklist.pdf", "Aftercare checklist");
        write(dir.path(), "supervision-toolkit.md", TOOLKIT);

        let first = import(&app, &admin, dir.path(), false).await;
        assert_eq!((first.created(), first.failed()), (2, 0), "{first:?}");
        // The slug comes from the file name when the front matter has none.
        let guide = resource(&app, "aftercare").await.unwrap();
        assert_eq!(guide.title, "Section 117 aftercare planning");
        assert_eq!(guide.status, "published", "status defaults to published");
        assert!(
            guide.body_html.contains("<table>"),
            "rendered by the library"
        );
        assert_eq!(guide.tags, ["aftercare", "section-117"]);
        assert_eq!(guide.authors, ["A. Writer", "B. Writer"]);
        assert!(guide.featured && !guide.is_demo);
        let toolkit = resource(&app, "supervision-toolkit").await.unwrap();
        assert_eq!((toolkit.status.as_str(), toolkit.revision), ("draft", 1));
        assert_eq!(toolkit.owner_id, Some(admin.id), "the importer owns it");

        let again = import(&app, &admin, dir.path(), false).await;
        assert_eq!(
            (again.unchanged(), again.created(), again.updated()),
            (2, 0, 0)
        );
        assert_eq!(revision(&app, "aftercare").await, Some(1));

        // Reordering topics changes nothing; a new summary is a new revision.
        write(
            dir.path(),
            "aftercare.md",
            &GUIDE.replace(
                "[amhp-practice, workforce-leadership-cpd]",
                "[workforce-leadership-cpd, amhp-practice]",
            ),
        );
        let reordered = import(&app, &admin, dir.path(), false).await;
        assert_eq!(reordered.unchanged(), 2, "{reordered:?}");
        write(
            dir.path(),
            "supervision-toolkit.md",
            &TOOLKIT.replace(
                "A toolkit for supervisors.",
                "A toolkit for practice supervisors.",
            ),
        );
        let changed = import(&app, &admin, dir.path(), false).await;
        assert_eq!(
            outcome(&changed, "supervision-toolkit.md"),
            &Outcome::Updated
        );
        assert_eq!(outcome(&changed, "aftercare.md"), &Outcome::Unchanged);
        assert_eq!(revision(&app, "supervision-toolkit").await, Some(2));
        assert!(
            changed
                .render()
                .contains("1 updated, 1 unchanged, 0 failed")
        );
    }
}

#[tokio::test]
async fn bad_files_fail_with_reasons_while_good_ones_are_imported() {
    for backend in backends() {
        let (app, admin) = setup(backend).await;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("library");
        write(root.path(), "secret.pdf", "%PDF-1.4 outside");
        write(&dir, "good.md", TOOLKIT);
        write(&dir, "no-front-matter.md", "# Just a heading\n");
        write(
            &dir,
            "bad-yaml.md",
            "---\ntitle: [unclosed\nkind: guidance\n---\nbody\n",
        );
        write(
            &dir,
            "typo.md",
            "---\ntitle: Typo\nkind: guidance\nsumary: x\n---\nbody\n",
        );
        write(
            &dir,
            "bad-kind.md",
            "---\ntitle: Kind\nkind: leaflet\n---\nbody\n",
        );
        write(
            &dir,
            "bad-topic.md",
            "---\ntitle: Topic\nkind: guidance\ntopics: [astrology]\n---\nbody\n",
        );
        write(
            &dir,
            "bad-region.md",
            "---\ntitle: Region\nkind: guidance\nregions: [atlantis]\n---\nbody\n",
        );
        write(
            &dir,
            "missing-file.md",
            "---\ntitle: Missing\nkind: guidance\nattachments: [files/nothing.pdf]\n---\nbody\n",
        );
        write(
            &dir,
            "escape.md",
            "---\ntitle: Escape\nkind: guidance\nattachments: [../secret.pdf]\n---\nbody\n",
        );
        write(
            &dir,
            "absolute.md",
            "---\ntitle: Absolute\nkind: guidance\nattachments: [/etc/passwd]\n---\nbody\n",
        );
        write(
            &dir,
            "bad-owner.md",
            "---\ntitle: Owner\nkind: guidance\nowner: nobody@example.org\n---\nbody\n",
        );

        write(&dir, "not-a-pdf.txt", "plain text pretending");
        write(
            &dir,
            "bad-type.md",
            "---\ntitle: Type\nkind: guidance\nattachments: [not-a-pdf.txt]\n---\nbody\n",
        );
        let report = import(&app, &admin, &dir, false).await;
        assert_eq!(report.created(), 1, "{report:?}");
        assert_eq!(report.failed(), 11, "{report:?}");
        let reason = |file: &str| match outcome(&report, file) {
            Outcome::Failed(why) => why.clone(),
            other => panic!("{file}: {other:?}"),
        };
        assert!(reason("no-front-matter.md").contains("front matter"));
        assert!(reason("bad-yaml.md").contains("bad front matter"));
        assert!(
            reason("typo.md").contains("sumary"),
            "{}",
            reason("typo.md")
        );
        assert!(reason("bad-kind.md").contains("unknown kind \"leaflet\""));
        assert!(reason("bad-topic.md").contains("unknown topic \"astrology\""));
        assert!(reason("bad-region.md").contains("unknown region \"atlantis\""));
        assert!(reason("missing-file.md").contains("does not exist"));
        assert!(reason("escape.md").contains("outside the import folder"));
        assert!(reason("absolute.md").contains("outside the import folder"));
        assert!(reason("bad-owner.md").contains("no account"));
        assert!(
            reason("bad-type.md").contains("not a PDF"),
            "{}",
            reason("bad-type.md")
        );
        let text = report.render();
        assert!(
            text.contains("failed  escape.md: attachment \"../secret.pdf\""),
            "{text}"
        );
        assert!(
            text.contains("1 created, 0 updated, 0 unchanged, 11 failed"),
            "{text}"
        );
        assert_eq!(revision(&app, "good").await, Some(1));
        assert_eq!(revision(&app, "escape").await, None);

        // The command exits with an error when any file failed, naming how many.
        let err = backend::cli::run(
            backend::cli::Command::Import {
                dir: dir.clone(),
                dry_run: false,
                actor: Some("curator@example.org".into()),
            },
            (*app.state.config).clone(),
        )
        .await
        .unwrap_err();
        assert_eq!(format!("{err:#}"), "11 of 12 files failed");
        // Only good files: it succeeds.
        let good = tempfile::tempdir().unwrap();
        write(good.path(), "aftercare.md", GUIDE);
        write_pdf(good.path(), "aftercare/checklist.pdf", "Checklist");
        backend::cli::run(
            backend::cli::Command::Import {
                dir: good.path().to_owned(),
                dry_run: false,
                actor: None,
            },
            (*app.state.config).clone(),
        )
        .await
        .unwrap();
        assert_eq!(revision(&app, "aftercare").await, Some(1));
    }
}

#[tokio::test]
async fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    for backend in backends() {
        let (app, admin) = setup(backend).await;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "aftercare.md", GUIDE);
        write_pdf(dir.path(), "aftercare/checklist.pdf", "Checklist");
        write(dir.path(), "supervision-toolkit.md", TOOLKIT);
        import(&app, &admin, dir.path(), false).await;
        write_pdf(dir.path(), "aftercare/checklist.pdf", "Checklist, revised");
        write(
            dir.path(),
            "supervision-toolkit.md",
            &TOOLKIT.replace("Some", "More"),
        );
        write(
            dir.path(),
            "new-one.md",
            &TOOLKIT.replace("title: Supervision toolkit", "title: A new toolkit"),
        );
        write(dir.path(), "broken.md", "---\ntitle: B\nkind: nope\n---\n");
        let outbox = outbox_rows(&app).await;

        let report = import(&app, &admin, dir.path(), true).await;
        assert_eq!(outcome(&report, "new-one.md"), &Outcome::Created);
        assert_eq!(
            outcome(&report, "supervision-toolkit.md"),
            &Outcome::Updated
        );
        assert_eq!(
            outcome(&report, "aftercare.md"),
            &Outcome::Updated,
            "a new attachment version"
        );
        assert!(matches!(outcome(&report, "broken.md"), Outcome::Failed(_)));
        let text = report.render();
        assert!(
            text.contains("would create  new-one.md (new-one)"),
            "{text}"
        );
        assert!(text.starts_with("would create") || text.contains("would update"));
        assert!(
            text.contains("Dry run, nothing written: 1 created, 2 updated, 0 unchanged, 1 failed")
        );

        assert_eq!(revision(&app, "new-one").await, None);
        assert_eq!(revision(&app, "supervision-toolkit").await, Some(1));
        assert_eq!(
            outbox_rows(&app).await,
            outbox,
            "no search outbox rows either"
        );
    }
}

#[tokio::test]
async fn export_then_import_is_a_round_trip() {
    for backend in backends() {
        let (app, admin) = setup(backend).await;
        let source = tempfile::tempdir().unwrap();
        write(source.path(), "aftercare.md", GUIDE);
        write_pdf(source.path(), "aftercare/checklist.pdf", "Checklist");
        write(source.path(), "supervision-toolkit.md", TOOLKIT);
        write(
            source.path(),
            "old-toolkit.md",
            "---\ntitle: Old toolkit\nslug: old-toolkit\nkind: toolkit\nsummary: Replaced.\nstatus: archived\nsuperseded_by: supervision-toolkit\ndemo: true\n---\nOld.\n",
        );
        let first = import(&app, &admin, source.path(), false).await;
        assert_eq!(first.created(), 3, "{first:?}");

        let out = tempfile::tempdir().unwrap();
        let config = (*app.state.config).clone();
        backend::cli::run(
            backend::cli::Command::Export {
                dir: out.path().to_owned(),
            },
            config,
        )
        .await
        .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "aftercare",
                "aftercare.md",
                "old-toolkit.md",
                "supervision-toolkit.md"
            ]
        );
        assert_eq!(
            std::fs::read(out.path().join("aftercare/checklist.pdf")).unwrap(),
            std::fs::read(source.path().join("aftercare/checklist.pdf")).unwrap(),
            "the attachment is copied beside its resource"
        );

        let again = import(&app, &admin, out.path(), false).await;
        assert_eq!((again.unchanged(), again.failed()), (3, 0), "{again:?}");

        // Every field survives: the exported files parse to the same fields as the sources.
        let db = app.db.clone();
        let (src, exp) = (source.path().to_owned(), out.path().to_owned());
        tokio::task::spawn_blocking(move || {
            let mut c = db.get().unwrap();
            for name in ["aftercare.md", "supervision-toolkit.md", "old-toolkit.md"] {
                let parse = |c: &mut backend::db::DbConn, dir: &Path| {
                    let text = std::fs::read_to_string(dir.join(name)).unwrap();
                    let mut p = transfer::parse_file(c, &Source::Dir(dir.to_owned()), name, &text)
                        .unwrap()
                        .unwrap();
                    // A file without an owner is owned by the importer.
                    p.fields
                        .owner
                        .get_or_insert_with(|| "admin@example.org".into());
                    (p.fields, p.attachments)
                };
                let (a, b) = (parse(&mut c, &src), parse(&mut c, &exp));
                assert_eq!(a.0, b.0, "{name}");
                assert_eq!(a.1, b.1, "{name}: the same attachments");
            }
            let exported = std::fs::read_to_string(exp.join("aftercare.md")).unwrap();
            assert!(exported.starts_with("---\ntitle: Section 117 aftercare planning\n"));
            assert!(exported.contains("status: published\n"));
            assert!(exported.contains("| Step | Who |"));
        })
        .await
        .unwrap();
    }
}
