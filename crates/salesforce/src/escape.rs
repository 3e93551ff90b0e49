//! The one place where values become SOQL or SOSL text.
//!
//! Every value that enters a query goes through these functions, so no input string can
//! change the structure of a query.

/// A SOQL string literal, quotes included: `O'Brien` becomes `'O\'Brien'`.
pub fn soql_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for character in value.chars() {
        push_soql_escaped(&mut out, character);
    }
    out.push('\'');
    out
}

/// The inside of a `LIKE` pattern that matches `value` literally: SOQL escapes plus `%`
/// and `_` escaped as `\%` and `\_`, and no quotes, so the caller adds the wildcards and
/// the quotes around it: `format!("Name LIKE '{}%'", soql_like(typed))` finds names
/// that start with whatever was typed, wildcards included.
pub fn soql_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '%' => out.push_str("\\%"),
            '_' => out.push_str("\\_"),
            other => push_soql_escaped(&mut out, other),
        }
    }
    out
}

/// One character as it may stand inside a SOQL string literal. Every other character,
/// control characters included, stands for itself.
fn push_soql_escaped(out: &mut String, character: char) {
    match character {
        '\'' => out.push_str("\\'"),
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        other => out.push(other),
    }
}

/// The characters SOSL reserves inside `FIND {...}`.
const SOSL_RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// One SOSL search term, quoted as a phrase, with every reserved character escaped, so
/// operators (`AND`, `OR`) and wildcards typed by a user are taken as text.
///
/// Control characters (Unicode category Cc: line breaks, tabs, NUL...) become spaces:
/// SOSL has no escape for them, and a space searches the same as a line break.
pub fn sosl_phrase(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for character in value.chars() {
        if SOSL_RESERVED.contains(&character) {
            out.push('\\');
        }
        // Line breaks would end the phrase; a space searches the same.
        if character.is_control() {
            out.push(' ');
        } else {
            out.push(character);
        }
    }
    out.push('"');
    out
}

/// One bare SOSL word that asks for every word starting with `word`: each reserved
/// character escaped and a `*` wildcard appended, so `O'Br` becomes `O\'Br*` and finds
/// O'Brien. None for an empty word or one with whitespace or control characters, which
/// a bare word cannot hold (search those as phrases with [`sosl_phrase`]).
pub fn sosl_prefix(word: &str) -> Option<String> {
    if word.is_empty() || word.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let mut out = String::with_capacity(word.len() + 4);
    for character in word.chars() {
        if SOSL_RESERVED.contains(&character) {
            out.push('\\');
        }
        out.push(character);
    }
    out.push('*');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn soql_literals_escape_quotes_and_backslashes() {
        assert_eq!(soql_string("O'Brien"), r"'O\'Brien'");
        assert_eq!(soql_string(r"a\b"), r"'a\\b'");
        assert_eq!(soql_string("x' OR Name != '"), r"'x\' OR Name != \''");
        assert_eq!(soql_string("line\nbreak"), r"'line\nbreak'");
        assert_eq!(soql_string("Jürgen 张"), "'Jürgen 张'");
    }

    #[test]
    fn like_patterns_escape_wildcards_too() {
        assert_eq!(soql_like("50%_off"), r"50\%\_off");
        assert_eq!(soql_like("O'Brien"), r"O\'Brien");
        assert_eq!(soql_like(r"a\%"), r"a\\\%");
    }

    #[test]
    fn sosl_prefixes_escape_the_word_and_add_one_wildcard() {
        assert_eq!(sosl_prefix("Whit").as_deref(), Some("Whit*"));
        assert_eq!(sosl_prefix("O'Br").as_deref(), Some(r"O\'Br*"));
        assert_eq!(sosl_prefix("a}*").as_deref(), Some(r"a\}\**"));
        assert_eq!(
            sosl_prefix("OR").as_deref(),
            Some("OR*"),
            "no longer an operator"
        );
        assert_eq!(sosl_prefix("two words"), None);
        assert_eq!(sosl_prefix("line\nbreak"), None);
        assert_eq!(sosl_prefix(""), None);
    }

    /// Reads a bare SOSL word: escaped characters are literal, and the only unescaped
    /// reserved character allowed is a final `*`. Returns the literal text.
    fn read_prefix_word(word: &str) -> Result<String, String> {
        let chars: Vec<char> = word.chars().collect();
        let (last, body) = chars.split_last().ok_or("empty")?;
        if *last != '*' {
            return Err("no final *".into());
        }
        let mut text = String::new();
        let mut at = 0;
        while at < body.len() {
            match body[at] {
                '\\' => {
                    let escaped = *body.get(at + 1).ok_or("backslash at the end")?;
                    if !SOSL_RESERVED.contains(&escaped) {
                        return Err(format!("needless escape \\{escaped}"));
                    }
                    text.push(escaped);
                    at += 2;
                }
                reserved if SOSL_RESERVED.contains(&reserved) => {
                    return Err(format!("unescaped {reserved:?}"))
                }
                space if space.is_whitespace() || space.is_control() => {
                    return Err("a space would split the word".into())
                }
                plain => {
                    text.push(plain);
                    at += 1;
                }
            }
        }
        Ok(text)
    }

    #[test]
    fn sosl_phrases_escape_every_reserved_character() {
        assert_eq!(sosl_phrase("7205550100"), "\"7205550100\"");
        assert_eq!(sosl_phrase("a} OR {b"), r#""a\} OR \{b""#);
        assert_eq!(sosl_phrase("*?\"'"), r#""\*\?\"\'""#);
        assert_eq!(sosl_phrase("two\nlines"), "\"two lines\"");
    }

    /// One character of a string literal as the reference tokenizer read it.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum LiteralChar {
        /// Written as itself; `%` and `_` are wildcards in a LIKE pattern.
        Plain(char),
        /// Written with a backslash escape; always literal.
        Escaped(char),
    }

    #[derive(Debug, PartialEq)]
    enum SoqlToken {
        Word(String),
        Symbol(char),
        Literal(Vec<LiteralChar>),
    }

    /// A reference SOQL tokenizer for the few shapes the tests build: words, `=`, and
    /// string literals with exactly the escapes Salesforce documents (`\%` and `\_` only
    /// in LIKE patterns). Anything else is an error.
    fn tokenize_soql(source: &str, like_pattern: bool) -> Result<Vec<SoqlToken>, String> {
        let chars: Vec<char> = source.chars().collect();
        let mut tokens = Vec::new();
        let mut at = 0;
        while at < chars.len() {
            let character = chars[at];
            if character == ' ' {
                at += 1;
            } else if character.is_ascii_alphabetic() {
                let start = at;
                while at < chars.len() && (chars[at].is_ascii_alphanumeric() || chars[at] == '_') {
                    at += 1;
                }
                tokens.push(SoqlToken::Word(chars[start..at].iter().collect()));
            } else if character == '=' {
                tokens.push(SoqlToken::Symbol('='));
                at += 1;
            } else if character == '\'' {
                at += 1;
                let mut literal = Vec::new();
                loop {
                    let Some(&next) = chars.get(at) else {
                        return Err("unterminated string literal".into());
                    };
                    at += 1;
                    match next {
                        '\'' => break,
                        '\\' => {
                            let Some(&escape) = chars.get(at) else {
                                return Err("backslash at the end".into());
                            };
                            at += 1;
                            let decoded = match escape {
                                'n' | 'N' => '\n',
                                'r' | 'R' => '\r',
                                't' | 'T' => '\t',
                                'b' | 'B' => '\u{8}',
                                'f' | 'F' => '\u{c}',
                                '"' | '\'' | '\\' => escape,
                                '%' | '_' if like_pattern => escape,
                                'u' => {
                                    let hex: String =
                                        chars.get(at..at + 4).ok_or("short \\u")?.iter().collect();
                                    at += 4;
                                    u32::from_str_radix(&hex, 16)
                                        .ok()
                                        .and_then(char::from_u32)
                                        .ok_or("bad \\u")?
                                }
                                other => return Err(format!("invalid escape \\{other}")),
                            };
                            literal.push(LiteralChar::Escaped(decoded));
                        }
                        plain => literal.push(LiteralChar::Plain(plain)),
                    }
                }
                tokens.push(SoqlToken::Literal(literal));
            } else {
                return Err(format!("unexpected {character:?} outside a literal"));
            }
        }
        Ok(tokens)
    }

    fn words(text: &str) -> Vec<SoqlToken> {
        text.split(' ')
            .map(|word| match word {
                "=" => SoqlToken::Symbol('='),
                _ => SoqlToken::Word(word.into()),
            })
            .collect()
    }

    fn unescaped(literal: &[LiteralChar]) -> String {
        literal
            .iter()
            .map(|c| match c {
                LiteralChar::Plain(c) | LiteralChar::Escaped(c) => *c,
            })
            .collect()
    }

    /// A SOSL `FIND {...}` clause as the reference parser read it.
    #[derive(Debug, PartialEq)]
    enum SoslTerm {
        Phrase(String),
        Word(String),
    }

    /// A reference parser for `FIND {terms}`: terms are phrases in double quotes or bare
    /// words; inside them a backslash may only escape a reserved character, and a
    /// reserved character may only appear escaped (inside a phrase) — an unescaped `{`,
    /// `}`, `"` or operator would change the search.
    fn parse_sosl_find(source: &str) -> Result<Vec<SoslTerm>, String> {
        let rest = source.strip_prefix("FIND {").ok_or("no FIND {")?;
        let chars: Vec<char> = rest.chars().collect();
        let mut terms = Vec::new();
        let mut at = 0;
        loop {
            match chars.get(at) {
                None => return Err("unbalanced braces: no closing }".into()),
                Some(' ') => at += 1,
                Some('}') => {
                    at += 1;
                    break;
                }
                Some('"') => {
                    at += 1;
                    let mut phrase = String::new();
                    loop {
                        let Some(&next) = chars.get(at) else {
                            return Err("unterminated phrase".into());
                        };
                        at += 1;
                        match next {
                            '"' => break,
                            '\\' => {
                                let escaped = *chars.get(at).ok_or("backslash at the end")?;
                                if !SOSL_RESERVED.contains(&escaped) {
                                    return Err(format!("needless escape \\{escaped}"));
                                }
                                at += 1;
                                phrase.push(escaped);
                            }
                            reserved if SOSL_RESERVED.contains(&reserved) => {
                                return Err(format!("unescaped {reserved:?} in a phrase"))
                            }
                            control if control.is_control() => {
                                return Err(format!("control character {control:?}"))
                            }
                            plain => phrase.push(plain),
                        }
                    }
                    terms.push(SoslTerm::Phrase(phrase));
                }
                Some(_) => {
                    let start = at;
                    while at < chars.len() && ![' ', '}', '"'].contains(&chars[at]) {
                        at += 1;
                    }
                    terms.push(SoslTerm::Word(chars[start..at].iter().collect()));
                }
            }
        }
        if at != chars.len() {
            return Err("text after the closing }".into());
        }
        Ok(terms)
    }

    /// True when unescaped braces never close more than they opened and end balanced.
    fn braces_balance(source: &str) -> bool {
        let mut depth = 0i32;
        let mut escaped = false;
        for character in source.chars() {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                _ => {}
            }
        }
        depth == 0
    }

    /// Any string, with the characters that matter to SOQL and SOSL over-represented.
    fn nasty_string() -> impl Strategy<Value = String> {
        let nasty = prop_oneof![
            Just('\''),
            Just('"'),
            Just('\\'),
            Just('%'),
            Just('_'),
            Just('{'),
            Just('}'),
            Just('\n'),
            Just('\r'),
            Just('\t'),
            Just('\u{8}'),
            Just('\u{c}'),
            Just('\u{0}'),
            Just('*'),
            Just('?'),
            Just(' '),
            Just('u'),
        ];
        prop::collection::vec(prop_oneof![3 => nasty, 1 => any::<char>()], 0..48)
            .prop_map(String::from_iter)
    }

    fn any_string() -> impl Strategy<Value = String> {
        prop_oneof![nasty_string(), any::<String>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn no_string_changes_the_structure_of_a_soql_query(value in any_string()) {
            let soql = format!("SELECT Id FROM Lead WHERE Name = {}", soql_string(&value));
            let mut tokens = tokenize_soql(&soql, false).map_err(TestCaseError::fail)?;
            let Some(SoqlToken::Literal(literal)) = tokens.pop() else {
                return Err(TestCaseError::fail(format!("the query does not end in a literal: {soql}")));
            };
            prop_assert_eq!(tokens, words("SELECT Id FROM Lead WHERE Name ="));
            prop_assert_eq!(unescaped(&literal), value);
        }

        #[test]
        fn no_string_adds_wildcards_to_a_like_pattern(value in any_string()) {
            let soql = format!("SELECT Id FROM Lead WHERE Name LIKE '%{}%'", soql_like(&value));
            let mut tokens = tokenize_soql(&soql, true).map_err(TestCaseError::fail)?;
            let Some(SoqlToken::Literal(literal)) = tokens.pop() else {
                return Err(TestCaseError::fail(format!("the query does not end in a literal: {soql}")));
            };
            prop_assert_eq!(tokens, words("SELECT Id FROM Lead WHERE Name LIKE"));
            let wildcards: Vec<usize> = literal
                .iter()
                .enumerate()
                .filter(|(_, c)| matches!(c, LiteralChar::Plain('%' | '_')))
                .map(|(at, _)| at)
                .collect();
            prop_assert_eq!(wildcards, vec![0, literal.len() - 1], "only the two wildcards we wrote");
            prop_assert_eq!(unescaped(&literal[1..literal.len() - 1]), value);
        }

        #[test]
        fn no_word_changes_the_structure_of_a_prefix_search(value in any_string()) {
            match sosl_prefix(&value) {
                Some(word) => {
                    let sosl = format!("FIND {{{word}}}");
                    prop_assert!(braces_balance(&sosl), "{}", sosl);
                    prop_assert_eq!(read_prefix_word(&word).map_err(TestCaseError::fail)?, value);
                }
                None => prop_assert!(
                    value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control())
                ),
            }
        }

        #[test]
        fn no_string_changes_the_structure_of_a_sosl_search(value in any_string()) {
            let sosl = format!("FIND {{{}}}", sosl_phrase(&value));
            prop_assert!(braces_balance(&sosl), "{}", sosl);
            let terms = parse_sosl_find(&sosl).map_err(TestCaseError::fail)?;
            let expected: String = value
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            prop_assert_eq!(terms, vec![SoslTerm::Phrase(expected)]);
        }
    }

    #[test]
    fn the_reference_parsers_catch_what_an_unescaped_value_would_do() {
        let raw = |value: &str| format!("SELECT Id FROM Lead WHERE Name = '{value}'");
        let injected = tokenize_soql(&raw("x' OR Name = 'y"), false).unwrap();
        assert_ne!(injected.len(), 8, "an injection adds tokens: {injected:?}");
        assert!(tokenize_soql(&raw(r"a\x"), false).is_err());
        assert!(parse_sosl_find("FIND {\"a} OR {b\"}").is_err());
        assert!(parse_sosl_find("FIND {\"a\" OR \"b\"}").unwrap().len() == 3);
        assert!(!braces_balance("FIND {a}}"));
    }
}
