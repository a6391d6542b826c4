//! Text analysis: the tokenizers registered on every index, and the helpers the query side uses
//! to turn user words into the same terms the index holds.

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// English stemming, lower-casing and ASCII folding: the main text fields.
pub const STEMMED: &str = "pip_en_stem";
/// Lower-casing and ASCII folding without stemming: typo matching, suggestions, spelling.
pub const PLAIN: &str = "pip_plain";

/// Tokens longer than this are dropped; they are noise (hashes, base64) and slow fuzzy matching.
const MAX_TOKEN_BYTES: usize = 40;

pub(crate) fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub(crate) fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers our analyzers; needed after every create or open, as tantivy does not persist them.
pub(crate) fn register(index: &Index) {
    index.tokenizers().register(STEMMED, stemmed_analyzer());
    index.tokenizers().register(PLAIN, plain_analyzer());
}

/// Runs `text` through `analyzer`, returning the token texts in order.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Lower-cased, folded, unstemmed tokens: the form the query parser and glossary work in.
pub fn plain_tokens(text: &str) -> Vec<String> {
    tokens(&mut plain_analyzer(), text)
}

/// Most words a [`RememberedStems`] keeps; past it, it starts again.
const MAX_REMEMBERED: usize = 100_000;

/// The stemmed analysis again, remembering each word's stem: snippets analyse every hit's text
/// on every search, and stemming each word afresh took a quarter of a search's time. Its tokens
/// are the stemmed analyzer's, as it runs that analyzer on each new word.
///
/// Searches running at once share the stems: they look words up under a read lock, and only
/// words not seen before wait for the write lock.
#[derive(Clone)]
pub(crate) struct RememberedStems {
    plain: TextAnalyzer,
    stems: Arc<RwLock<FxHashMap<String, String>>>,
}

impl Default for RememberedStems {
    fn default() -> Self {
        RememberedStems {
            plain: plain_analyzer(),
            stems: Arc::default(),
        }
    }
}

impl Tokenizer for RememberedStems {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut out = Vec::new();
        // Tokens whose words were not remembered, by index into `out`.
        let mut unseen = Vec::new();
        {
            let stems = self.stems.read().unwrap_or_else(|p| p.into_inner());
            let mut stream = self.plain.token_stream(text);
            while stream.advance() {
                let mut token = stream.token().clone();
                match stems.get(&token.text) {
                    Some(stem) => token.text.clone_from(stem),
                    None => unseen.push(out.len()),
                }
                out.push(token);
            }
        }
        if !unseen.is_empty() {
            let mut stemmer = stemmed_analyzer();
            let mut stems = self.stems.write().unwrap_or_else(|p| p.into_inner());
            for i in unseen {
                let Some(token) = out.get_mut(i) else {
                    continue;
                };
                // A plain token is one word, which the stemmed analyzer gives back stemmed.
                let stem = tokens(&mut stemmer, &token.text).pop().unwrap_or_default();
                if stems.len() >= MAX_REMEMBERED {
                    stems.clear();
                }
                stems.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        }
        Tokens {
            tokens: out,
            at: None,
        }
    }
}

/// Tokens made in advance, handed out in order.
pub(crate) struct Tokens {
    tokens: Vec<Token>,
    /// The current token's index; `None` before the first `advance`.
    at: Option<usize>,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        let next = self.at.map_or(0, |i| i + 1);
        self.at = Some(next.min(self.tokens.len()));
        next < self.tokens.len()
    }

    fn token(&self) -> &Token {
        // tantivy asks for the token only after an `advance` that returned true.
        &self.tokens[self.at.unwrap_or_default()]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at.unwrap_or_default()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folds_and_lowercases() {
        assert_eq!(
            plain_tokens("Café SUPERVISION s.117"),
            ["cafe", "supervision", "s", "117"]
        );
    }

    #[test]
    fn remembered_stems_are_the_stemmed_analyzers_tokens() {
        let text = "Supervising supervisors' supervision: Café-based AMHPs, s.136 detentions, \
                    dying relatives and flies; supervising again";
        let mut remembered = TextAnalyzer::from(RememberedStems::default());
        let mut stemmed = stemmed_analyzer();
        let all = |a: &mut TextAnalyzer| {
            let mut out = Vec::new();
            let mut stream = a.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            out
        };
        let expected = all(&mut stemmed);
        assert!(expected.iter().any(|(t, ..)| t == "supervis"));
        // Twice: the second time every word is remembered.
        assert_eq!(all(&mut remembered), expected);
        assert_eq!(all(&mut remembered), expected);
    }

    #[test]
    fn stemmed_reduces_inflections() {
        let mut a = stemmed_analyzer();
        assert_eq!(tokens(&mut a, "supervising"), tokens(&mut a, "supervises"));
    }
}
