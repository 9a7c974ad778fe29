//! Text analysis: every tokenizer the index uses, registered in one place. A tokenizer's
//! name carries its version, and the schema version below changes with any of them, so an
//! index made by another analysis is detected and rebuilt rather than misread.

use std::borrow::Cow;
use std::collections::HashMap;

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};
use tantivy_jieba::JiebaTokenizer;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Bump on any change to the schema or to an analyzer.
pub const SCHEMA_VERSION: u32 = 12;

pub const ZH: &str = "zh_v2";
pub const RU: &str = "ru_v2";
pub const EN: &str = "en_v2";
pub const PREFIX: &str = "prefix_v3";
pub const WORDS: &str = "words_v2";
pub const ZH_GRAM: &str = "zhgram_v2";

/// Longest prefix indexed for search-as-you-type; longer query words are cut to it.
pub const MAX_PREFIX_CHARS: usize = 12;
/// Words are cut, not dropped, at this many characters.
const MAX_WORD_CHARS: usize = 64;

pub fn register(manager: &TokenizerManager) {
    manager.register(ZH, zh_analyzer());
    manager.register(RU, stemmed(Language::Russian));
    manager.register(EN, stemmed(Language::English));
    manager.register(PREFIX, TextAnalyzer::from(PrefixTokenizer));
    manager.register(WORDS, TextAnalyzer::from(WordTokenizer));
    manager.register(ZH_GRAM, TextAnalyzer::from(GramTokenizer));
}

pub fn zh_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(ZhTokenizer {
        jieba: JiebaTokenizer::new(),
    })
}

/// Words folded and stemmed by Snowball.
pub fn stemmed(language: Language) -> TextAnalyzer {
    TextAnalyzer::from(StemmedWordTokenizer {
        stemmer: TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(language))
            .build(),
        stems: HashMap::new(),
    })
}

/// The stems an analyzer remembers before it starts afresh: a catalog's words recur
/// (category, place and kind names in every product), so most are stemmed once.
const MAX_REMEMBERED_STEMS: usize = 50_000;

/// [`WordTokenizer`]'s words, each stemmed; each distinct word is stemmed once per
/// analyzer (an indexing thread keeps its analyzers for a whole part).
#[derive(Clone)]
pub struct StemmedWordTokenizer {
    /// Stems one folded word.
    stemmer: TextAnalyzer,
    stems: HashMap<String, String>,
}

impl StemmedWordTokenizer {
    fn stem(&mut self, word: String) -> String {
        if let Some(stem) = self.stems.get(&word) {
            return stem.clone();
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&word);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                word.clone()
            }
        };
        if self.stems.len() >= MAX_REMEMBERED_STEMS {
            self.stems.clear();
        }
        self.stems.insert(word, stem.clone());
        stem
    }
}

impl Tokenizer for StemmedWordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        word_tokens(text, |word| self.stem(word))
    }
}

/// Text in Unicode's compatibility form (NFKC): full-width Latin letters and digits
/// ("Ｔｅａ１００") as the ASCII ones, compatibility ideographs as the unified ones,
/// decomposed letters composed. What every tokenizer and the query reading start from.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// [`normalize`] word by word ([`words`]), the rest of the text as it is: the catalog's
/// words are split before they are normalised, so a query is too. "№17" is the word "17"
/// in a name, as typed; normalised whole it would be one word, "No17", that no name has.
pub fn normalize_words(text: &str) -> Cow<'_, str> {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (from, to) in words(text) {
        out.push_str(&text[last..from]);
        out.push_str(&normalize(&text[from..to]));
        last = to;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// The characters [`fold_into`] folds without Unicode's tables, all in NFKC already.
fn plain(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{7F}' | 'А'..='я' | 'Ё' | 'ё' | '\u{4E00}'..='\u{9FFF}')
}

/// Lower case, `ё` read as `е`, in the compatibility form ([`normalize`]): what every
/// unstemmed comparison uses.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`], appended to `out`.
pub fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        return;
    }
    if !word.chars().all(plain) {
        let normal = normalize(word);
        if let Cow::Owned(normal) = normal {
            return fold_chars(&normal, out);
        }
    }
    fold_chars(word, out)
}

fn fold_chars(word: &str, out: &mut String) {
    for c in word.chars() {
        // Latin, Russian and the common ideographs without Unicode's case tables, which
        // were a tenth of the time of indexing.
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'Ё' | 'ё' => out.push('е'),
            '\u{0}'..='\u{7F}' | 'а'..='я' | '\u{4E00}'..='\u{9FFF}' => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

/// Traditional Chinese read as simplified, so both find the same goods.
pub fn simplify(text: &str) -> String {
    if text.chars().any(is_cjk) {
        fast2s::convert(text)
    } else {
        text.to_string()
    }
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3040..=0x30FF)
}

/// The words of `text` with their byte ranges: runs of letters and digits, and a change
/// between CJK and other scripts also ends a word.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in text.char_indices() {
        // ASCII, the common ideographs and Russian letters first: the Unicode tables are
        // slow.
        let (word_char, c_cjk) = if c.is_ascii() {
            (c.is_ascii_alphanumeric(), false)
        } else {
            let cjk = is_cjk(c);
            // A combining mark (a decomposed "й" or accent) belongs to the letter before.
            let word_char = cjk
                || matches!(c as u32, 0x0401 | 0x0410..=0x0451)
                || c.is_alphanumeric()
                || (start.is_some_and(|(_, cjk)| !cjk)
                    && unicode_normalization::char::is_combining_mark(c));
            (word_char, cjk)
        };
        match start {
            Some((s, cjk)) if !word_char || c_cjk != cjk => {
                out.push((s, i));
                start = word_char.then_some((i, c_cjk));
            }
            None if word_char => start = Some((i, c_cjk)),
            _ => {}
        }
    }
    if let Some((s, _)) = start {
        out.push((s, text.len()));
    }
    out
}

fn cut(word: &str, max_chars: usize) -> &str {
    match word.char_indices().nth(max_chars) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// Tokens computed up front; the analyzers here work on short fields, so the simplicity
/// is worth more than streaming.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The folded words of `text`, cut at [`MAX_WORD_CHARS`], each made a token by `each`.
fn word_tokens(text: &str, mut each: impl FnMut(String) -> String) -> VecTokenStream {
    let tokens = words(text)
        .into_iter()
        .enumerate()
        .map(|(pos, (from, to))| {
            token(
                each(fold(cut(&text[from..to], MAX_WORD_CHARS))),
                from,
                to,
                pos,
            )
        })
        .collect();
    VecTokenStream { tokens, next: 0 }
}

/// Folded words, cut at [`MAX_WORD_CHARS`].
#[derive(Clone)]
pub struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        word_tokens(text, |word| word)
    }
}

/// Every prefix (1 to [`MAX_PREFIX_CHARS`] characters) of every folded word, so the word
/// being typed matches as an ordinary, scored term.
#[derive(Clone)]
pub struct PrefixTokenizer;

impl Tokenizer for PrefixTokenizer {
    type TokenStream<'a> = PrefixTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> PrefixTokenStream<'a> {
        PrefixTokenStream {
            text,
            words: words(text),
            word: 0,
            folded: String::new(),
            next_char: 0,
            emitted: 0,
            token: Token::default(),
        }
    }
}

/// The prefixes of one word after another, grown a character at a time in one token:
/// the indexing fields with the most tokens, made without an allocation per token.
pub struct PrefixTokenStream<'a> {
    text: &'a str,
    words: Vec<(usize, usize)>,
    /// The word being cut into prefixes, plus one.
    word: usize,
    folded: String,
    /// Byte offset in `folded` of the character the next prefix adds.
    next_char: usize,
    /// Prefixes emitted of the current word.
    emitted: usize,
    token: Token,
}

impl TokenStream for PrefixTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if self.word > 0
                && self.emitted < MAX_PREFIX_CHARS
                && let Some(c) = self.folded[self.next_char..].chars().next()
            {
                self.next_char += c.len_utf8();
                self.emitted += 1;
                self.token.text.push(c);
                return true;
            }
            let Some(&(from, to)) = self.words.get(self.word) else {
                return false;
            };
            self.word += 1;
            self.folded.clear();
            fold_into(&self.text[from..to], &mut self.folded);
            self.next_char = 0;
            self.emitted = 0;
            self.token.text.clear();
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.word - 1;
            self.token.position_length = 1;
        }
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// jieba segmentation (search mode) of the text read as simplified Chinese, with
/// punctuation dropped and Latin letters folded.
#[derive(Clone)]
pub struct ZhTokenizer {
    jieba: JiebaTokenizer,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        // Traditional and simplified characters are the same width in UTF-8, so offsets
        // into the simplified text are offsets into the original (unless the text was not
        // in the compatibility form; offsets are not stored).
        let simplified = simplify(&normalize(text));
        let mut stream = self.jieba.token_stream(&simplified);
        let mut tokens = Vec::new();
        while let Some(t) = stream.next() {
            if t.text.chars().any(char::is_alphanumeric) {
                let mut t = t.clone();
                t.text = fold(cut(&t.text, MAX_WORD_CHARS));
                tokens.push(t);
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// Single characters and bigrams of every CJK run (simplified), for recall where jieba
/// segments a name differently from the query.
#[derive(Clone)]
pub struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        for (from, to) in words(text) {
            let run = &text[from..to];
            if !run.chars().any(is_cjk) {
                continue;
            }
            let chars: Vec<char> = simplify(&normalize(run)).chars().collect();
            for (i, c) in chars.iter().enumerate() {
                tokens.push(token(c.to_string(), from, to, tokens.len()));
                if let Some(next) = chars.get(i + 1) {
                    tokens.push(token(format!("{c}{next}"), from, to, tokens.len()));
                }
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// The query-side grams of a CJK run: its bigrams, or the character itself when alone.
pub fn query_grams(run: &str) -> Vec<String> {
    let chars: Vec<char> = simplify(&normalize(run)).chars().collect();
    if chars.len() == 1 {
        return vec![chars[0].to_string()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The token texts `analyzer` makes of `text`.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        if !out.contains(&t.text) {
            out.push(t.text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_stems_are_the_stems() {
        let text = "Алтайский мёд горный, мёда МЁДОМ; honey honeys Honeyed running runs";
        for language in [Language::Russian, Language::English] {
            let mut plain = TextAnalyzer::builder(WordTokenizer)
                .filter(Stemmer::new(language))
                .build();
            let mut remembering = stemmed(language);
            let expected = analyze(&mut plain, text);
            assert_eq!(analyze(&mut remembering, text), expected);
            // Again, now from what it remembers.
            assert_eq!(analyze(&mut remembering, text), expected);
        }
    }

    #[test]
    fn words_split_scripts_and_punctuation() {
        let text = "Altai мёд, 阿尔泰山花蜜1kg";
        let got: Vec<&str> = words(text).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(got, ["Altai", "мёд", "阿尔泰山花蜜", "1kg"]);
    }

    #[test]
    fn folding_agrees_with_unicode_lower_case() {
        let by_tables = |c: char| -> String {
            std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c })
                .collect()
        };
        let chars = (0..0x2000)
            .chain(0x3000..0x3100)
            .chain(0x4E00..0xA000)
            .filter_map(char::from_u32);
        for c in chars {
            assert_eq!(fold(&c.to_string()), by_tables(c), "{c:?}");
        }
        assert_eq!(fold("Ёлка МЁД Tea 茶"), "елка мед tea 茶");
    }

    #[test]
    fn a_query_is_normalised_word_by_word_as_names_are() {
        let name = "Ессентукская вода №17, 0,5 л";
        let of_name: Vec<String> = words(name)
            .into_iter()
            .map(|(a, b)| fold(&name[a..b]))
            .collect();
        let query = normalize_words(name);
        let of_query: Vec<String> = words(&query)
            .into_iter()
            .map(|(a, b)| fold(&query[a..b]))
            .collect();
        assert_eq!(of_query, of_name);
        assert!(of_query.contains(&"17".to_string()), "{of_query:?}");
        assert_eq!(normalize_words("Ｔｅａ　１００ｇ"), "Tea\u{3000}100g");
        assert!(matches!(normalize_words("мёд 500 г"), Cow::Borrowed(_)));
    }

    #[test]
    fn full_width_and_compatibility_forms_fold_as_plain() {
        assert_eq!(fold("Ｔｅａ"), "tea");
        assert_eq!(fold("５００"), "500");
        assert_eq!(fold("Ｍｉｌｋ"), "milk");
        // A decomposed й (и and a breve) is one word, the composed one.
        let text = "Ｔｅａ　１００ｇ, чаи\u{306}";
        let got: Vec<String> = words(text)
            .into_iter()
            .map(|(a, b)| fold(&text[a..b]))
            .collect();
        assert_eq!(got, ["tea", "100g", "чай"]);
        let mut en = stemmed(Language::English);
        assert_eq!(analyze(&mut en, "ＴＥＡＳ"), analyze(&mut en, "teas"));
        let mut zh = zh_analyzer();
        assert_eq!(
            analyze(&mut zh, "蜂蜜５００克"),
            analyze(&mut zh, "蜂蜜500克")
        );
        let mut grams = TextAnalyzer::from(GramTokenizer);
        // U+F9B1 is a compatibility form of 鈴 (simplified 铃).
        assert_eq!(analyze(&mut grams, "\u{F9B1}"), analyze(&mut grams, "铃"));
    }

    #[test]
    fn russian_is_stemmed_and_folded() {
        let mut ru = stemmed(Language::Russian);
        assert_eq!(analyze(&mut ru, "Мёда"), analyze(&mut ru, "мед"));
        assert_eq!(
            analyze(&mut ru, "сухофрукты"),
            analyze(&mut ru, "сухофруктов")
        );
    }

    #[test]
    fn prefixes_cover_the_word_being_typed() {
        let mut p = TextAnalyzer::from(PrefixTokenizer);
        let got = analyze(&mut p, "Мёд");
        assert_eq!(got, ["м", "ме", "мед"]);
        // Every word in turn, at its own position and offsets, a repeated word again.
        let mut tokens = Vec::new();
        let mut stream = p.token_stream("Tea, ЧАЙ tea");
        while let Some(t) = stream.next() {
            tokens.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        drop(stream);
        let expected = [
            ("t", 0, 0, 3),
            ("te", 0, 0, 3),
            ("tea", 0, 0, 3),
            ("ч", 1, 5, 11),
            ("ча", 1, 5, 11),
            ("чай", 1, 5, 11),
            ("t", 2, 12, 15),
            ("te", 2, 12, 15),
            ("tea", 2, 12, 15),
        ]
        .map(|(t, p, a, b)| (t.to_string(), p, a, b));
        assert_eq!(tokens, expected);
        assert!(p.token_stream("").next().is_none());
    }

    #[test]
    fn long_words_are_cut_not_dropped() {
        let long = "a".repeat(200);
        let mut en = stemmed(Language::English);
        assert_eq!(analyze(&mut en, &long).len(), 1);
    }

    #[test]
    fn chinese_is_segmented() {
        let mut zh = zh_analyzer();
        let got = analyze(&mut zh, "阿尔泰山蜂蜜，天然");
        assert!(got.contains(&"蜂蜜".to_string()), "{got:?}");
        assert!(!got.iter().any(|t| t == "，"));
    }
}
