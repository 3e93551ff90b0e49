//! SOSL: `FIND {…} [IN … FIELDS] [RETURNING …] [LIMIT n]`.
//!
//! Reproduces the Salesforce Object Search Language as Callside's caller lookup uses it:
//! search terms in braces (several joined by `OR`/`AND`/`AND NOT`, quoted phrases,
//! backslash-escaped reserved characters, `*` and `?` wildcards), the search groups
//! `ALL`, `NAME`, `EMAIL`, `PHONE` (and `SIDEBAR`, treated as `ALL`), and `RETURNING`
//! object specs with field lists (parent paths such as `Account.Name` included),
//! `WHERE`, `ORDER BY`, `LIMIT` and `OFFSET`. Results come back as
//! `{"searchRecords": [...]}` in RETURNING order.
//!
//! Phone matching follows the observable behaviour of Salesforce's index: only the
//! digits are compared, and a leading `1` of an 11-digit North American number is
//! ignored on either side. A country code on one side and a national trunk prefix on
//! the other (`+49 30 …` vs `030 …`) does not match, just as in a real org.
//! Text matches whole words, as the real index does: a field's text is split into
//! lower-cased tokens at spaces and punctuation (`dana.whitfield@summitoutdoor.example`
//! is `dana whitfield summitoutdoor example`), and a term (or quoted phrase) matches
//! when its tokens appear one after another in one field; `*` and `?` match within a
//! token, so `Whit*` finds Whitfield but `hitf` finds nothing. Scripts written without
//! spaces (Chinese, Japanese, Korean) are indexed one character per token, so any run of
//! their characters matches (the real index segments them into words). `IN NAME FIELDS`
//! searches each object's name fields plus an Account's `Website` and a Contact's
//! account name, as Salesforce documents. Records are searchable as soon as they are
//! saved (a real org lags a little behind).

use serde_json::{json, Value};
use time::{Date, OffsetDateTime};

use crate::soql::{
    like_match, positioned, tokenize, LikePiece, Name, Parser, Query, QueryError, Resolver,
    SelectItem, Tok,
};
use crate::store::{FieldType, ObjectDef, Record, Schema, Store};

const CODE: &str = "MALFORMED_SEARCH";

/// Which fields the terms are matched against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scope {
    All,
    Name,
    Email,
    Phone,
}

/// One search word or quoted phrase.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    /// The text, escapes removed; `*` and `?` kept as wildcards unless escaped.
    pub pieces: Vec<TermChar>,
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TermChar {
    Lit(char),
    AnyMany,
    AnyOne,
}

impl Term {
    fn text(&self) -> String {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                TermChar::Lit(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    fn digits(&self) -> String {
        self.text().chars().filter(char::is_ascii_digit).collect()
    }

    /// The term as a run of token patterns (wildcards stay inside their token); empty
    /// for a term made only of punctuation, which matches nothing.
    fn token_patterns(&self) -> Vec<Vec<LikePiece>> {
        let mut patterns = Vec::new();
        let mut current: Vec<LikePiece> = Vec::new();
        for piece in &self.pieces {
            match piece {
                TermChar::Lit(c) if is_unspaced_script(*c) => {
                    if !current.is_empty() {
                        patterns.push(std::mem::take(&mut current));
                    }
                    patterns.push(vec![LikePiece::Char(*c)]);
                }
                TermChar::Lit(c) if c.is_alphanumeric() => current.push(LikePiece::Char(*c)),
                TermChar::Lit(_) => {
                    if !current.is_empty() {
                        patterns.push(std::mem::take(&mut current));
                    }
                }
                TermChar::AnyMany => current.push(LikePiece::Many),
                TermChar::AnyOne => current.push(LikePiece::One),
            }
        }
        if !current.is_empty() {
            patterns.push(current);
        }
        patterns
    }
}

/// Chinese, Japanese and Korean characters: text in these scripts has no spaces
/// between words.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF)
}

/// A field's text as the search index holds it: lower-cased words, split at spaces and
/// punctuation; characters of unspaced scripts one by one.
pub(crate) fn index_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if is_unspaced_script(c) {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            tokens.push(c.to_string());
        } else if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            tokens.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Whether a term's token patterns occur one after another among `tokens`.
fn tokens_match(tokens: &[String], patterns: &[Vec<LikePiece>]) -> bool {
    if patterns.is_empty() || patterns.len() > tokens.len() {
        return false;
    }
    tokens.windows(patterns.len()).any(|window| {
        window
            .iter()
            .zip(patterns)
            .all(|(token, pattern)| like_match(token, pattern))
    })
}

/// The parsed search text: any group matches; all positive terms of a group must match
/// and none of its negated ones.
pub(crate) type Groups = Vec<Vec<Term>>;

fn malformed(src: &str, pos: usize, msg: &str) -> QueryError {
    QueryError {
        code: CODE,
        message: positioned(src, pos, msg),
    }
}

/// Splits the text between the braces into term groups.
pub(crate) fn parse_terms(src: &str, text: &str, pos: usize) -> Result<Groups, QueryError> {
    let mut words: Vec<(Vec<TermChar>, bool)> = Vec::new(); // (chars, was quoted)
    let mut cur: Vec<TermChar> = Vec::new();
    let mut chars = text.chars();
    let flush = |cur: &mut Vec<TermChar>, words: &mut Vec<(Vec<TermChar>, bool)>| {
        if !cur.is_empty() {
            words.push((std::mem::take(cur), false));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => cur.push(TermChar::Lit(e)),
                None => {
                    return Err(malformed(
                        src,
                        pos,
                        "Invalid escape sequence at the end of the search term",
                    ))
                }
            },
            '"' => {
                flush(&mut cur, &mut words);
                let mut phrase = Vec::new();
                let mut closed = false;
                while let Some(p) = chars.next() {
                    match p {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                phrase.push(TermChar::Lit(e));
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        '*' => phrase.push(TermChar::AnyMany),
                        '?' => phrase.push(TermChar::AnyOne),
                        other => phrase.push(TermChar::Lit(other)),
                    }
                }
                if !closed {
                    return Err(malformed(src, pos, "mismatched quotes in the search term"));
                }
                if !phrase.is_empty() {
                    words.push((phrase, true));
                }
            }
            '*' => cur.push(TermChar::AnyMany),
            '?' => cur.push(TermChar::AnyOne),
            c if c.is_whitespace() || c == '(' || c == ')' => flush(&mut cur, &mut words),
            c => cur.push(TermChar::Lit(c)),
        }
    }
    flush(&mut cur, &mut words);

    let mut groups: Groups = vec![Vec::new()];
    let mut negate_next = false;
    let is_op = |w: &(Vec<TermChar>, bool), op: &str| {
        !w.1 && w.0.len() == op.len()
            && w.0
                .iter()
                .zip(op.chars())
                .all(|(a, b)| *a == TermChar::Lit(b))
    };
    for w in &words {
        if is_op(w, "OR") {
            groups.push(Vec::new());
            negate_next = false;
        } else if is_op(w, "AND") {
            continue;
        } else if is_op(w, "NOT") {
            negate_next = true;
        } else {
            if let Some(g) = groups.last_mut() {
                g.push(Term {
                    pieces: w.0.clone(),
                    negated: negate_next,
                });
            }
            negate_next = false;
        }
    }
    groups.retain(|g| g.iter().any(|t| !t.negated));
    if groups.is_empty() {
        return Err(malformed(
            src,
            pos,
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    for g in &groups {
        let len: usize = g
            .iter()
            .filter(|t| !t.negated)
            .map(|t| t.text().chars().count())
            .sum();
        if len < 2 {
            let shown: Vec<String> = g.iter().map(Term::text).collect();
            return Err(QueryError {
                code: "INVALID_SEARCH",
                message: format!(
                    "search term must be longer than one character: {}",
                    shown.join(" ")
                ),
            });
        }
    }
    Ok(groups)
}

/// Digits-only phone equality, ignoring a leading `1` of 11-digit NANP numbers.
pub fn phone_matches(stored: &str, term: &str) -> bool {
    let a: String = stored.chars().filter(char::is_ascii_digit).collect();
    let b: String = term.chars().filter(char::is_ascii_digit).collect();
    if a.is_empty() || b.is_empty() {
        return false;
    }
    fn national(d: &str) -> &str {
        if d.len() == 11 && d.starts_with('1') {
            &d[1..]
        } else {
            d
        }
    }
    a == b || national(&a) == national(&b)
}

/// A parsed SOSL statement.
pub(crate) struct Search {
    pub groups: Groups,
    pub scope: Scope,
    pub returning: Vec<Query>,
    pub limit: Option<u64>,
}

/// Parses a SOSL statement.
pub(crate) fn parse(src: &str) -> Result<Search, QueryError> {
    let trimmed_start = src.len() - src.trim_start().len();
    let rest = &src[trimmed_start..];
    if rest.is_empty() {
        return Err(QueryError {
            code: CODE,
            message: "No search term found. The search term must be enclosed in braces.".into(),
        });
    }
    if !rest
        .get(..4)
        .is_some_and(|w| w.eq_ignore_ascii_case("FIND"))
    {
        let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        return Err(malformed(
            src,
            trimmed_start,
            &format!("unexpected token: {word}"),
        ));
    }
    let after_find = trimmed_start + 4;
    let brace = after_find + (src[after_find..].len() - src[after_find..].trim_start().len());
    if src.as_bytes().get(brace) != Some(&b'{') {
        return Err(malformed(
            src,
            brace,
            "No search term found. The search term must be enclosed in braces.",
        ));
    }
    let bytes = src.as_bytes();
    let mut j = brace + 1;
    loop {
        match bytes.get(j) {
            None => {
                return Err(malformed(
                    src,
                    src.len(),
                    "line 1:0 mismatched character '<EOF>' expecting '}'",
                ))
            }
            Some(b'\\') => j += 2,
            Some(b'}') => break,
            Some(_) => j += 1,
        }
    }
    let text = &src[brace + 1..j];
    let groups = parse_terms(src, text, brace + 1)?;

    let toks = tokenize(src, j + 1, CODE)?;
    let mut p = Parser::new(src, toks, CODE);
    let mut scope = Scope::All;
    if p.eat_kw("IN") {
        scope = if p.eat_kw("ALL") || p.eat_kw("SIDEBAR") {
            Scope::All
        } else if p.eat_kw("NAME") {
            Scope::Name
        } else if p.eat_kw("EMAIL") {
            Scope::Email
        } else if p.eat_kw("PHONE") {
            Scope::Phone
        } else {
            return Err(p.unexpected());
        };
        p.expect_kw("FIELDS")?;
    }
    let mut returning = Vec::new();
    if p.eat_kw("RETURNING") {
        loop {
            let from = p.name()?;
            let mut q = Query {
                select: vec![SelectItem::Field(Name {
                    text: "Id".into(),
                    pos: from.pos,
                })],
                count_only: false,
                from,
                filter: None,
                order_by: Vec::new(),
                limit: None,
                offset: None,
            };
            if p.peek().tok == Tok::LParen {
                p.advance();
                q.select = p.field_list()?;
                let (filter, order_by, limit, offset) = p.tail()?;
                q.filter = filter;
                q.order_by = order_by;
                q.limit = limit;
                q.offset = offset;
                p.expect(Tok::RParen)?;
            }
            returning.push(q);
            if p.peek().tok == Tok::Comma {
                p.advance();
                continue;
            }
            break;
        }
    }
    let limit = if p.eat_kw("LIMIT") {
        Some(p.integer()?)
    } else {
        None
    };
    if p.peek().tok != Tok::End {
        return Err(p.unexpected());
    }
    Ok(Search {
        groups,
        scope,
        returning,
        limit,
    })
}

fn text_fields(obj: &ObjectDef, scope: Scope) -> Vec<&'static str> {
    obj.fields
        .iter()
        .filter(|f| match scope {
            Scope::Name => obj.name_fields.contains(&f.name),
            Scope::Email => f.ty == FieldType::Email,
            Scope::Phone => false,
            Scope::All => matches!(
                f.ty,
                FieldType::Str(_)
                    | FieldType::TextArea(_)
                    | FieldType::Phone
                    | FieldType::Email
                    | FieldType::Url
                    | FieldType::AutoNumber
            ),
        })
        .map(|f| f.name)
        .collect()
}

fn phone_fields(obj: &ObjectDef) -> Vec<&'static str> {
    obj.fields
        .iter()
        .filter(|f| f.ty == FieldType::Phone)
        .map(|f| f.name)
        .collect()
}

/// The texts a record offers a search group beyond its own fields: in `NAME` (and
/// `ALL`), a Contact's account name.
fn related_texts(obj: &ObjectDef, rec: &Record, scope: Scope, store: &Store) -> Vec<String> {
    if obj.name != "Contact" || !matches!(scope, Scope::Name | Scope::All) {
        return Vec::new();
    }
    rec.get("AccountId")
        .and_then(Value::as_str)
        .and_then(|id| store.find_live(id))
        .and_then(|(_, account)| account.get("Name").and_then(Value::as_str))
        .map(|name| vec![name.to_string()])
        .unwrap_or_default()
}

fn group_matches(
    obj: &ObjectDef,
    rec: &Record,
    group: &[Term],
    scope: Scope,
    store: &Store,
) -> bool {
    let str_of = |name: &str| rec.get(name).and_then(Value::as_str);
    let phone_hit = |digits: &str| {
        !digits.is_empty()
            && phone_fields(obj)
                .iter()
                .filter_map(|f| str_of(f))
                .any(|v| phone_matches(v, digits))
    };
    let mut texts: Vec<Vec<String>> = text_fields(obj, scope)
        .iter()
        .filter_map(|f| str_of(f))
        .map(index_tokens)
        .collect();
    texts.extend(
        related_texts(obj, rec, scope, store)
            .iter()
            .map(|t| index_tokens(t)),
    );
    let text_hit = |t: &Term| {
        let patterns = t.token_patterns();
        texts.iter().any(|tokens| tokens_match(tokens, &patterns))
    };
    let positives: Vec<&Term> = group.iter().filter(|t| !t.negated).collect();
    let negatives: Vec<&Term> = group.iter().filter(|t| t.negated).collect();
    let positive = match scope {
        Scope::Phone => {
            let digits: String = positives.iter().map(|t| t.digits()).collect();
            phone_hit(&digits)
        }
        Scope::All => {
            let digits: String = positives.iter().map(|t| t.digits()).collect();
            phone_hit(&digits) || positives.iter().all(|t| text_hit(t))
        }
        Scope::Name | Scope::Email => positives.iter().all(|t| text_hit(t)),
    };
    let negative = negatives.iter().any(|t| match scope {
        Scope::Phone => phone_hit(&t.digits()),
        _ => text_hit(t),
    });
    positive && !negative
}

/// Parses and runs a SOSL statement; the records in RETURNING order.
#[cfg(test)]
pub(crate) fn run(
    src: &str,
    store: &Store,
    version: &str,
    today: Date,
) -> Result<Vec<Value>, QueryError> {
    run_indexed(
        src,
        store,
        version,
        today,
        OffsetDateTime::now_utc() + time::Duration::days(1),
    )
}

/// [`run`] over the records the search index already has: those created until
/// `indexed_until`.
pub(crate) fn run_indexed(
    src: &str,
    store: &Store,
    version: &str,
    today: Date,
    indexed_until: OffsetDateTime,
) -> Result<Vec<Value>, QueryError> {
    let search = parse(src)?;
    let resolver = Resolver { src, today };
    let mut specs = search.returning;
    if specs.is_empty() {
        for o in Schema::get().objects.iter().filter(|o| o.searchable) {
            specs.push(Query {
                select: vec![SelectItem::Field(Name {
                    text: "Id".into(),
                    pos: 0,
                })],
                count_only: false,
                from: Name {
                    text: o.name.into(),
                    pos: 0,
                },
                filter: None,
                order_by: Vec::new(),
                limit: None,
                offset: None,
            });
        }
    }
    let mut plans = Vec::new();
    for q in &specs {
        let obj = resolver.object(&q.from)?;
        plans.push(resolver.plan(obj, q)?);
    }
    let mut out = Vec::new();
    for plan in &plans {
        let candidates: Vec<&Record> = store
            .live(plan.object.name)
            .filter(|r| {
                r.get("CreatedDate")
                    .and_then(Value::as_str)
                    .and_then(crate::store::parse_datetime)
                    .is_none_or(|created| created <= indexed_until)
            })
            .filter(|r| {
                search
                    .groups
                    .iter()
                    .any(|g| group_matches(plan.object, r, g, search.scope, store))
            })
            .collect();
        for r in plan.select(store, candidates) {
            out.push(plan.render(store, r, version));
        }
    }
    let limit = search.limit.unwrap_or(2000).min(2000) as usize;
    out.truncate(limit);
    Ok(out)
}

/// The REST body of a search.
pub(crate) fn response(records: Vec<Value>) -> Value {
    json!({ "searchRecords": records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_rule() {
        assert!(phone_matches("(720) 555-0100", "7205550100"));
        assert!(phone_matches("(720) 555-0100", "+17205550100"));
        assert!(phone_matches("+1 720 555 0111", "720-555-0111"));
        assert!(phone_matches("720.555.0122", "1 (720) 555-0122"));
        assert!(phone_matches("+49 89 1234567", "4989 1234567"));
        assert!(!phone_matches("0049 30 12345678", "+49 30 12345678"));
        assert!(!phone_matches("030 12345678", "+49 30 12345678"));
        assert!(!phone_matches("089 7654321", "+49 89 7654321"));
        assert!(!phone_matches("+44 20 7946 0100", "7205550100"));
        assert!(!phone_matches("", "7205550100"));
    }

    #[test]
    fn terms_with_operators_phrases_and_escapes() {
        let src = r#"FIND {Summit OR "Harbour & Sons" OR O\'Connor AND NOT Tom}"#;
        let s = parse(src).expect("parse");
        assert_eq!(s.groups.len(), 3);
        assert_eq!(s.groups[1][0].text(), "Harbour & Sons");
        assert_eq!(s.groups[2][0].text(), "O'Connor");
        assert!(s.groups[2][1].negated);
        let s = parse(r"FIND {\+1 \(720\) 555\-0100} IN PHONE FIELDS").expect("parse");
        assert_eq!(s.groups.len(), 1);
        let digits: String = s.groups[0].iter().map(Term::digits).collect();
        assert_eq!(digits, "17205550100");
        assert_eq!(s.scope, Scope::Phone);
    }

    #[test]
    fn returning_specs() {
        let s = parse("find {x1} in phone fields returning Lead(Id, Name WHERE IsConverted = false ORDER BY Name LIMIT 5), Contact(Id, Account.Name), Account LIMIT 20")
            .expect("parse");
        assert_eq!(s.returning.len(), 3);
        assert_eq!(s.returning[0].limit, Some(5));
        assert!(s.returning[0].filter.is_some());
        assert_eq!(s.returning[2].select.len(), 1);
        assert_eq!(s.limit, Some(20));
    }

    #[test]
    fn malformed_searches() {
        for q in [
            "FIND 7205550100",
            "FIND {7205550100",
            "SEARCH {abc}",
            "FIND {abc} IN PHONES FIELDS",
            "FIND {abc} RETURNING Lead(Id",
            "FIND {abc} RETURNING Lead(Id,)",
            "FIND {abc} LIMIT",
            "FIND {}",
            "FIND {abc\\}",
        ] {
            let e = parse(q).err().unwrap_or_else(|| panic!("{q} should fail"));
            assert_eq!(e.code, "MALFORMED_SEARCH", "{q}: {}", e.message);
        }
        assert_eq!(
            parse("FIND {a}").err().map(|e| e.code),
            Some("INVALID_SEARCH")
        );
    }
}
