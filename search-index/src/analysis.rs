//! Text analysis: the tokenizers registered on every index, and the helpers the query side uses
//! to turn user words into the same terms the index holds.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
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
    fn stemmed_reduces_inflections() {
        let mut a = stemmed_analyzer();
        assert_eq!(tokens(&mut a, "supervising"), tokens(&mut a, "supervises"));
    }
}
