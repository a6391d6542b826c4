//! Behaviour of search over small in-memory indexes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use search_index::{
    Audience, Change, DocType, Glossary, SearchDoc, SearchIndex, SearchRequest, Sort, ViewerScope,
    Visibility,
};

fn doc(id: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: id.to_owned(),
        doc_type: DocType::Resource,
        title: title.to_owned(),
        body: body.to_owned(),
        extra_text: String::new(),
        attachments: Vec::new(),
        tags: Vec::new(),
        kind: None,
        topics: Vec::new(),
        regions: Vec::new(),
        visibility: Visibility::public(),
        published_at: 1_700_000_000,
        url: format!("/r/{id}"),
        slug: None,
    }
}

fn index_of(docs: Vec<SearchDoc>) -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    let mut indexer = index.indexer().unwrap();
    indexer
        .apply(docs.into_iter().map(Change::Upsert).collect(), 1)
        .unwrap();
    index
}

fn ids(index: &SearchIndex, q: &str) -> Vec<String> {
    let req = SearchRequest::new(q, ViewerScope::up_to(Audience::Moderators, Vec::new()));
    let results = index.search(&req, &Glossary::default()).unwrap();
    results.hits.into_iter().map(|h| h.id).collect()
}

#[test]
fn stemming_and_folding() {
    let index = index_of(vec![
        doc(
            "resource:1",
            "Group supervision",
            "Notes on reflective supervision.",
        ),
        doc("resource:2", "Café visits", "Meeting at the café."),
    ]);
    assert_eq!(ids(&index, "supervising"), ["resource:1"]);
    assert_eq!(ids(&index, "cafe"), ["resource:2"]);
    assert_eq!(ids(&index, "CAFÉ"), ["resource:2"]);
}

#[test]
fn acronyms_expand_both_ways() {
    let index = index_of(vec![
        doc(
            "resource:1",
            "Rota",
            "Guidance for the approved mental health professional on call.",
        ),
        doc("resource:2", "AMHP handbook", "Everything an AMHP needs."),
        doc(
            "resource:3",
            "Aftercare",
            "Duties under section 117 of the Act.",
        ),
        doc(
            "resource:4",
            "Unrelated",
            "Mental wellbeing of professional staff.",
        ),
    ]);
    let found = ids(&index, "AMHP");
    assert!(found.contains(&"resource:1".to_owned()) && found.contains(&"resource:2".to_owned()));
    let found = ids(&index, "approved mental health professional");
    assert!(found.contains(&"resource:2".to_owned()), "{found:?}");
    assert!(found.contains(&"resource:1".to_owned()));
    assert_eq!(ids(&index, "s117"), ["resource:3"]);
    assert_eq!(ids(&index, "AMHP"), ids(&index, "amhps"));
    assert!(!ids(&index, "AMHP").contains(&"resource:4".to_owned()));
}

#[test]
fn typos_match_and_exact_ranks_first() {
    let index = index_of(vec![
        doc("resource:1", "Supervisor", "Notes for a supervisor."),
        doc("resource:2", "Supervision", "Notes on supervision."),
    ]);
    // "supervison" is one edit from both.
    assert_eq!(ids(&index, "supervison").len(), 2);
    assert_eq!(
        ids(&index, "supervisoin").first().map(String::as_str),
        Some("resource:2")
    );
    let found = ids(&index, "supervision");
    assert_eq!(found.first().map(String::as_str), Some("resource:2"));
    // Short words get no typo allowance.
    assert!(ids(&index, "rote").is_empty());
}

#[test]
fn words_many_documents_hold_get_no_typo_matching() {
    let mut docs: Vec<SearchDoc> = (1..=5)
        .map(|i| {
            doc(
                &format!("resource:{i}"),
                "Capacity",
                "Capacity assessment notes.",
            )
        })
        .collect();
    docs.push(doc("resource:9", "Capacitor", "An electrical part."));
    docs.push(doc("resource:10", "Tribunals", "Tribunal hearing notes."));
    docs.push(doc("resource:11", "Tribunes", "Roman officials."));
    let index = index_of(docs);
    // "capacity" is in five documents: it is taken as spelt as meant and finds only itself.
    let found = ids(&index, "capacity");
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(!found.contains(&"resource:9".to_owned()));
    // "tribunal" is in one document only: its neighbours two edits away are still found.
    let found = ids(&index, "tribunal");
    assert!(found.contains(&"resource:11".to_owned()), "{found:?}");
    assert_eq!(found.first().map(String::as_str), Some("resource:10"));
    // A word no document holds is matched to its neighbours.
    assert_eq!(ids(&index, "capacitr").len(), 6);
}

#[test]
fn phrases_exclusion_and_or() {
    let index = index_of(vec![
        doc(
            "resource:1",
            "Nearest relative",
            "Consulting the nearest relative.",
        ),
        doc(
            "resource:2",
            "Relatives",
            "A relative who is not the nearest one.",
        ),
        doc("resource:3", "Capacity", "Assessing capacity at home."),
    ]);
    // Exclusions are not widened by the glossary.
    assert_eq!(ids(&index, "\"nearest relative\" -NR"), ["resource:1"]);
    let mut found = ids(&index, "\"relative who\"");
    assert_eq!(found, ["resource:2"]);
    found = ids(&index, "relative -consulting");
    assert_eq!(found, ["resource:2"]);
    found = ids(&index, "capacity OR consulting");
    found.sort();
    assert_eq!(found, ["resource:1", "resource:3"]);
    assert!(ids(&index, "capacity consulting").is_empty());
}

#[test]
fn filters_and_facets() {
    let mut a = doc("thread:1", "Supervision thread", "supervision");
    a.doc_type = DocType::Thread;
    a.topics = vec!["Supervision".into()];
    a.regions = vec!["London".into()];
    a.tags = vec!["Reflective".into()];
    let mut b = doc("resource:2", "Supervision guide", "supervision");
    b.kind = Some("guide".into());
    b.topics = vec!["Supervision".into(), "CPD".into()];
    b.regions = vec!["North West".into()];
    b.published_at = 1_600_000_000;
    let index = index_of(vec![a, b]);
    let viewer = ViewerScope::public();
    let glossary = Glossary::default();
    let mut req = SearchRequest::new("supervision", viewer.clone());
    let all = index.search(&req, &glossary).unwrap();
    assert_eq!(all.total, 2);
    let topics: Vec<(String, u64)> = all
        .facets
        .topics
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(
        topics,
        [("Supervision".to_owned(), 2), ("CPD".to_owned(), 1)]
    );
    assert_eq!(all.facets.types.len(), 2);
    assert_eq!(all.facets.kinds[0].value, "guide");

    req.types = vec![DocType::Thread];
    assert_eq!(index.search(&req, &glossary).unwrap().total, 1);
    req.types.clear();
    req.regions = vec!["North West".into()];
    assert_eq!(
        index.search(&req, &glossary).unwrap().hits[0].id,
        "resource:2"
    );
    req.regions.clear();
    req.tags = vec!["reflective".into()];
    assert_eq!(
        index.search(&req, &glossary).unwrap().hits[0].id,
        "thread:1"
    );
    req.tags.clear();
    req.to = Some(1_650_000_000);
    assert_eq!(
        index.search(&req, &glossary).unwrap().hits[0].id,
        "resource:2"
    );
    req.to = None;
    req.q = String::new();
    req.sort = Sort::Newest;
    let newest = index.search(&req, &glossary).unwrap();
    assert_eq!(newest.hits[0].id, "thread:1");
}

#[test]
fn visibility_is_enforced() {
    let mut hidden = doc("post:1", "Moderation note", "supervision concern");
    hidden.visibility.audience = Audience::Moderators;
    let mut space = doc("post:2", "Space post", "supervision in our space");
    space.visibility.audience = Audience::Members;
    space.visibility.space = Some("north".into());
    let index = index_of(vec![hidden, space, doc("post:3", "Open", "supervision")]);
    let glossary = Glossary::default();
    let search = |viewer: ViewerScope| {
        let r = index
            .search(&SearchRequest::new("supervision", viewer), &glossary)
            .unwrap();
        let mut ids: Vec<String> = r.hits.into_iter().map(|h| h.id).collect();
        ids.sort();
        (ids, r.total)
    };
    assert_eq!(
        search(ViewerScope::public()),
        (vec!["post:3".to_owned()], 1)
    );
    assert_eq!(search(ViewerScope::member(vec![])).0, ["post:3"]);
    assert_eq!(
        search(ViewerScope::member(vec!["north".into()])).0,
        ["post:2", "post:3"]
    );
    assert_eq!(
        search(ViewerScope::up_to(Audience::Moderators, vec![])).0,
        ["post:1", "post:3"]
    );
    assert!(
        index
            .suggest("moder", &ViewerScope::member(vec![]), 5)
            .unwrap()
            .is_empty()
    );
    // A word only in a hidden document is never offered as a correction.
    let r = index
        .search(
            &SearchRequest::new("moderatoin", ViewerScope::public()),
            &glossary,
        )
        .unwrap();
    assert_eq!(r.did_you_mean, None);
}

#[test]
fn a_filter_everything_passes_ranks_as_one_that_holds_documents_back() {
    // Moderators see every document (the filter is skipped); members not the note (the filter
    // is walked). Neither may change what the documents both see score.
    let mut note = doc("post:1", "Moderation note", "kept apart");
    note.visibility.audience = Audience::Moderators;
    let index = index_of(vec![
        note,
        doc(
            "post:2",
            "Supervision",
            "supervision and reflective supervision",
        ),
        doc("post:3", "Open", "a word on supervision"),
        doc("post:4", "Other", "nothing of the kind"),
    ]);
    let glossary = Glossary::default();
    let search = |viewer: ViewerScope| {
        let r = index
            .search(&SearchRequest::new("supervision", viewer), &glossary)
            .unwrap();
        let hits: Vec<(String, f32)> = r.hits.into_iter().map(|h| (h.id, h.score)).collect();
        (hits, r.total)
    };
    let (all, all_total) = search(ViewerScope::up_to(Audience::Moderators, vec![]));
    let (members, members_total) = search(ViewerScope::member(vec![]));
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0].0, "post:2");
    assert_eq!((all, all_total), (members, members_total));
}

#[test]
fn snippets_are_escaped() {
    let index = index_of(vec![doc(
        "resource:1",
        "XSS",
        "before <script>alert('x')</script> the supervision & more <b>bold</b>",
    )]);
    let req = SearchRequest::new("supervision", ViewerScope::public());
    let hit = &index.search(&req, &Glossary::default()).unwrap().hits[0];
    let html = &hit.snippet_html;
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("<mark>supervision</mark>"), "{html}");
    let without_marks = html.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !without_marks.contains('<') && !without_marks.contains('>'),
        "{html}"
    );
}

#[test]
fn did_you_mean_and_suggest() {
    let index = index_of(vec![
        doc(
            "resource:1",
            "Deprivation of liberty",
            "safeguards explained",
        ),
        doc("resource:2", "Depression in older adults", "assessment"),
    ]);
    let req = SearchRequest::new("deprivaton", ViewerScope::public());
    let r = index.search(&req, &Glossary::empty()).unwrap();
    assert_eq!(r.did_you_mean.as_deref(), Some("deprivation"));
    let titles: Vec<String> = index
        .suggest("Depr", &ViewerScope::public(), 5)
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles.len(), 2);
    let titles: Vec<String> = index
        .suggest("deprivation of lib", &ViewerScope::public(), 5)
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["Deprivation of liberty"]);
    assert!(
        index
            .suggest("  ", &ViewerScope::public(), 5)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn updates_and_deletes_and_payload_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        assert_eq!(index.last_applied_id().unwrap(), None);
        let mut indexer = index.indexer().unwrap();
        assert!(matches!(
            index.indexer(),
            Err(search_index::SearchError::WriterBusy)
        ));
        indexer
            .apply(
                vec![
                    Change::Upsert(doc("resource:1", "Old title", "text")),
                    Change::Upsert(doc("resource:2", "Gone", "text")),
                ],
                7,
            )
            .unwrap();
        indexer
            .apply(
                vec![
                    Change::Upsert(doc("resource:1", "New title", "text")),
                    Change::Delete("resource:2".into()),
                ],
                9,
            )
            .unwrap();
        assert_eq!(indexer.last_applied_id().unwrap(), Some(9));
        assert_eq!(index.num_docs(), 1);
    }
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.last_applied_id().unwrap(), Some(9));
    assert_eq!(ids(&index, "title"), ["resource:1"]);
    assert!(ids(&index, "old").is_empty());

    let missing = SearchIndex::open(&dir.path().join("nothing")).unwrap_err();
    assert!(missing.needs_rebuild());
    let junk = dir.path().join("junk");
    std::fs::create_dir_all(&junk).unwrap();
    std::fs::write(junk.join("meta.json"), "not json").unwrap();
    assert!(
        SearchIndex::open_or_create(&junk)
            .unwrap_err()
            .needs_rebuild()
    );

    let rebuilt = dir.path().join("rebuilt");
    let fresh =
        SearchIndex::rebuild_into(&rebuilt, vec![doc("resource:5", "Fresh", "x")], 12).unwrap();
    assert_eq!(fresh.last_applied_id().unwrap(), Some(12));
    assert_eq!(ids(&fresh, "fresh"), ["resource:5"]);
    assert!(SearchIndex::rebuild_into(&rebuilt, vec![], 1).is_err());
}

#[test]
fn invalid_documents_are_refused_without_partial_commit() {
    let index = SearchIndex::in_ram().unwrap();
    let mut indexer = index.indexer().unwrap();
    let err = indexer
        .apply(
            vec![
                Change::Upsert(doc("resource:1", "ok", "x")),
                Change::Upsert(doc(" ", "bad", "x")),
            ],
            3,
        )
        .unwrap_err();
    assert!(matches!(
        err,
        search_index::SearchError::InvalidDocument { .. }
    ));
    assert_eq!(index.num_docs(), 0);
    assert_eq!(index.last_applied_id().unwrap(), None);
}
