//! Any query text gives results quickly and never panics or hangs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use search_index::{
    Audience, Change, DocType, Glossary, SearchDoc, SearchIndex, SearchRequest, ViewerScope,
    Visibility,
};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(build)
}

fn build() -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    let mut indexer = index.indexer().unwrap();
    let docs = (0..50)
        .map(|i| {
            Change::Upsert(SearchDoc {
                id: format!("post:{i}"),
                doc_type: DocType::Post,
                title: format!("AMHP rota week {i}"),
                body: "Supervision, section 117 aftercare and the nearest relative. *:* a:(^"
                    .to_owned(),
                extra_text: String::new(),
                attachments: Vec::new(),
                tags: vec!["rota".into()],
                kind: None,
                topics: vec!["Practice".into()],
                regions: Vec::new(),
                visibility: Visibility {
                    audience: if i % 2 == 0 {
                        Audience::Public
                    } else {
                        Audience::Moderators
                    },
                    space: None,
                    owner: None,
                },
                published_at: 1_700_000_000 + i,
                url: format!("/p/{i}"),
                slug: None,
            })
        })
        .collect();
    indexer.apply(docs, 1).unwrap();
    index
}

fn check(index: &SearchIndex, glossary: &Glossary, q: &str) {
    let started = Instant::now();
    let req = SearchRequest::new(q, ViewerScope::public());
    let results = index.search(&req, glossary).unwrap();
    for hit in &results.hits {
        let n: usize = hit.id["post:".len()..].parse().unwrap();
        assert_eq!(n % 2, 0, "a moderators' document leaked for {q:?}");
    }
    index.suggest(q, &ViewerScope::public(), 10).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "slow query {q:?}"
    );
}

#[test]
fn known_traps() {
    let index = index();
    let glossary = Glossary::default();
    let many_or = vec!["amhp"; 10_000].join(" OR ");
    let long = "supervision ".repeat(1_000);
    let control: String = (0u8..32).map(char::from).collect();
    for q in [
        "- *",
        "a:(^",
        "a:(a^",
        "*:*",
        "title:",
        "\"unbalanced",
        "/.*.*.*/",
        "(a OR )",
        "-",
        "--",
        "- -",
        "\"\"",
        "OR",
        "AND",
        "NOT",
        "a OR",
        "OR a",
        "-\"nearest relative\"",
        "\u{0}",
        "\u{feff}",
        "🙂",
        "ǅ",
        "İstanbul",
        "a^2",
        "a~2",
        "[a TO b]",
        "{a TO b}",
        &many_or,
        &long,
        &control,
        "s37/41",
        "s.117",
    ] {
        check(index, &glossary, q);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text(q in any::<String>()) {
        let index = index();
        check(index, &Glossary::default(), &q);
    }

    #[test]
    fn syntax_soup(q in "[-\"()*:^~/\\\\a-z OR AND]{0,300}") {
        let index = index();
        check(index, &Glossary::default(), &q);
    }
}

/// An excluded phrase that matches nothing in a segment, or whose first match lies after the
/// first candidate, once made tantivy seek a phrase scorer backwards.
#[test]
fn excluded_phrases_that_match_late_or_never() {
    let index = index();
    let glossary = Glossary::default();
    for q in [
        "amhp -\"relative nearest\"",
        "rota -\"supervision nearest\"",
        "week -\"aftercare section\" -\"relative nearest\"",
        "-\"relative nearest\" amhp",
    ] {
        check(index, &glossary, q);
        let results = index
            .search(&SearchRequest::new(q, ViewerScope::public()), &glossary)
            .unwrap();
        assert_eq!(results.total, 25, "{q:?} should exclude nothing");
    }
    let results = index
        .search(
            &SearchRequest::new("amhp -\"nearest relative\"", ViewerScope::public()),
            &glossary,
        )
        .unwrap();
    assert_eq!(results.total, 0, "a matching excluded phrase excludes every post");
}
