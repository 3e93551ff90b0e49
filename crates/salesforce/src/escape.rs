//! The one place where values become SOQL or SOSL text.
//!
//! Every value that enters a query goes through these functions, so no input string can
//! change the structure of a query.

/// A SOQL string literal, quotes included: `O'Brien` becomes `'O\'Brien'`.
pub fn soql_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for character in value.chars() {
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
    out.push('\'');
    out
}

/// The characters SOSL reserves inside `FIND {...}`.
const SOSL_RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// One SOSL search term, quoted as a phrase, with every reserved character escaped, so
/// operators (`AND`, `OR`) and wildcards typed by a user are taken as text.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soql_literals_escape_quotes_and_backslashes() {
        assert_eq!(soql_string("O'Brien"), r"'O\'Brien'");
        assert_eq!(soql_string(r"a\b"), r"'a\\b'");
        assert_eq!(soql_string("x' OR Name != '"), r"'x\' OR Name != \''");
        assert_eq!(soql_string("line\nbreak"), r"'line\nbreak'");
        assert_eq!(soql_string("Jürgen 张"), "'Jürgen 张'");
    }

    #[test]
    fn sosl_phrases_escape_every_reserved_character() {
        assert_eq!(sosl_phrase("7205550100"), "\"7205550100\"");
        assert_eq!(sosl_phrase("a} OR {b"), r#""a\} OR \{b""#);
        assert_eq!(sosl_phrase("*?\"'"), r#""\*\?\"\'""#);
    }
}
