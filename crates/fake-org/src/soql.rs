//! SOQL: tokenizer, recursive-descent parser, name resolution and evaluation.
//!
//! Reproduces the subset of the Salesforce Object Query Language that REST clients send
//! for caller lookup and record pages: `SELECT` field lists with parent paths
//! (`Account.Name`, `Account.Owner.Name`, polymorphic `Who.Name`) and child subqueries
//! (`(SELECT … FROM Opportunities …)`), `COUNT()`, one `FROM` object, `WHERE` with
//! comparison operators, `LIKE`, `[NOT] IN`, `AND`/`OR`/`NOT` and parentheses, string
//! literals with Salesforce's backslash escapes, numbers, booleans, `null`, date and
//! datetime literals and the date literals `TODAY`, `YESTERDAY`, `TOMORROW`,
//! `LAST_N_DAYS:n`, `NEXT_N_DAYS:n`; `ORDER BY … [ASC|DESC] [NULLS FIRST|LAST]`,
//! `LIMIT` and `OFFSET`.
//!
//! Errors carry Salesforce's codes and message layout (the query line, a caret and
//! `ERROR at Row:r:Column:c`): `MALFORMED_QUERY` for syntax, `INVALID_FIELD` for
//! unknown columns, `INVALID_TYPE` for unknown objects and relationships,
//! `INVALID_QUERY_FILTER_OPERATOR` for mistyped filter values. As in Salesforce, text
//! comparisons are case-insensitive and `AND` and `OR` cannot be mixed without
//! parentheses.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::store::{
    attributes, id_matches, is_id_syntax, parse_date, parse_datetime, ApiError, FieldDef,
    FieldType, ObjectDef, Record, Schema, Store,
};

/// A query or search error: the REST error code and Salesforce-style message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryError {
    pub code: &'static str,
    pub message: String,
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        ApiError::new(400, e.code, e.message)
    }
}

/// Builds a message in Salesforce's positioned layout.
pub(crate) fn positioned(src: &str, pos: usize, msg: &str) -> String {
    let pos = pos.min(src.len());
    let before = &src[..pos];
    let row = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = src[line_start..]
        .find('\n')
        .map(|i| line_start + i)
        .unwrap_or(src.len());
    let col = src[line_start..pos].chars().count() + 1;
    format!(
        "\n{}\n{}^\nERROR at Row:{row}:Column:{col}\n{msg}",
        &src[line_start..line_end],
        " ".repeat(col - 1)
    )
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    /// String literal content, escapes not yet decoded.
    Str(String),
    Num(String),
    Date(String),
    DateTime(String),
    LParen,
    RParen,
    Comma,
    Colon,
    Op(&'static str),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: usize,
}

impl Token {
    fn text(&self, src: &str) -> String {
        match &self.tok {
            Tok::End => "<EOF>".into(),
            Tok::Ident(s) | Tok::Num(s) | Tok::Date(s) | Tok::DateTime(s) => s.clone(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Comma => ",".into(),
            Tok::Colon => ":".into(),
            Tok::Op(o) => {
                let _ = src;
                (*o).into()
            }
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }
}

fn malformed(code: &'static str, src: &str, pos: usize, msg: &str) -> QueryError {
    QueryError {
        code,
        message: positioned(src, pos, msg),
    }
}

fn match_digits(b: &[u8], at: usize, n: usize) -> bool {
    b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit)
}

/// Length of a date (`YYYY-MM-DD`) or datetime literal starting at `i`, with its kind.
fn date_literal_len(b: &[u8], i: usize) -> Option<(usize, bool)> {
    if !(match_digits(b, i, 4)
        && b.get(i + 4) == Some(&b'-')
        && match_digits(b, i + 5, 2)
        && b.get(i + 7) == Some(&b'-')
        && match_digits(b, i + 8, 2))
    {
        return None;
    }
    let mut j = i + 10;
    if b.get(j) != Some(&b'T') {
        return Some((10, false));
    }
    j += 1;
    if !(match_digits(b, j, 2)
        && b.get(j + 2) == Some(&b':')
        && match_digits(b, j + 3, 2)
        && b.get(j + 5) == Some(&b':')
        && match_digits(b, j + 6, 2))
    {
        return None;
    }
    j += 8;
    if b.get(j) == Some(&b'.') {
        j += 1;
        let start = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j == start {
            return None;
        }
    }
    match b.get(j) {
        Some(b'Z') | Some(b'z') => j += 1,
        Some(b'+') | Some(b'-') => {
            if match_digits(b, j + 1, 2) && b.get(j + 3) == Some(&b':') && match_digits(b, j + 4, 2)
            {
                j += 6;
            } else if match_digits(b, j + 1, 4) {
                j += 5;
            } else {
                return None;
            }
        }
        _ => return None,
    }
    Some((j - i, true))
}

/// Splits `src[start..]` into tokens; positions are byte offsets into `src`.
pub(crate) fn tokenize(
    src: &str,
    start: usize,
    code: &'static str,
) -> Result<Vec<Token>, QueryError> {
    let b = src.as_bytes();
    let mut i = start;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let pos = i;
        let tok = match c {
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b'=' => {
                i += 1;
                Tok::Op("=")
            }
            b'!' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Op("!=")
            }
            b'<' => match b.get(i + 1) {
                Some(b'=') => {
                    i += 2;
                    Tok::Op("<=")
                }
                Some(b'>') => {
                    i += 2;
                    Tok::Op("!=")
                }
                _ => {
                    i += 1;
                    Tok::Op("<")
                }
            },
            b'>' => {
                if b.get(i + 1) == Some(&b'=') {
                    i += 2;
                    Tok::Op(">=")
                } else {
                    i += 1;
                    Tok::Op(">")
                }
            }
            b'\'' => {
                let mut j = i + 1;
                loop {
                    match b.get(j) {
                        None => {
                            return Err(malformed(
                                code,
                                src,
                                pos,
                                "line 1:0 mismatched character '<EOF>' expecting '''",
                            ))
                        }
                        Some(b'\\') => j += 2,
                        Some(b'\'') => break,
                        Some(_) => j += 1,
                    }
                }
                let raw = src.get(i + 1..j).unwrap_or_default().to_string();
                i = j + 1;
                Tok::Str(raw)
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                if let Some((len, is_dt)) = date_literal_len(b, i) {
                    let text = src[i..i + len].to_string();
                    i += len;
                    if is_dt {
                        Tok::DateTime(text)
                    } else {
                        Tok::Date(text)
                    }
                } else {
                    let mut j = i;
                    if b[j] == b'-' || b[j] == b'+' {
                        j += 1;
                    }
                    let digits_start = j;
                    while b.get(j).is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
                        j += 1;
                    }
                    let body = &src[digits_start..j];
                    if body.is_empty()
                        || body.matches('.').count() > 1
                        || !body.bytes().any(|c| c.is_ascii_digit())
                    {
                        let ch = src[i..].chars().next().unwrap_or(' ');
                        return Err(malformed(
                            code,
                            src,
                            pos,
                            &format!("line 1:{} no viable alternative at character '{ch}'", pos),
                        ));
                    }
                    let text = src[i..j].to_string();
                    i = j;
                    Tok::Num(text)
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while b
                    .get(j)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    j += 1;
                }
                let text = src[i..j].to_string();
                i = j;
                Tok::Ident(text)
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                return Err(malformed(
                    code,
                    src,
                    pos,
                    &format!("line 1:{pos} no viable alternative at character '{ch}'"),
                ));
            }
        };
        out.push(Token { tok, pos });
    }
    out.push(Token {
        tok: Tok::End,
        pos: src.len(),
    });
    Ok(out)
}

/// One element of a decoded `LIKE` pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LikePiece {
    Char(char),
    /// `_`
    One,
    /// `%`
    Many,
}

/// Decodes the backslash escapes of a SOQL string literal. With `like`, unescaped `%`
/// and `_` become wildcards and `\%`, `\_` literal characters.
fn decode_string(raw: &str, like: bool) -> Result<Vec<LikePiece>, String> {
    let mut out = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(match c {
                '%' if like => LikePiece::Many,
                '_' if like => LikePiece::One,
                c => LikePiece::Char(c),
            });
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(format!("Invalid string literal '{raw}'. Illegal character sequence '\\' in string literal."));
        };
        let decoded = match e {
            'n' | 'N' => '\n',
            'r' | 'R' => '\r',
            't' | 'T' => '\t',
            'b' | 'B' => '\u{8}',
            'f' | 'F' => '\u{c}',
            '"' => '"',
            '\'' => '\'',
            '\\' => '\\',
            '%' | '_' if like => e,
            'u' => {
                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .and_then(char::from_u32);
                match ch {
                    Some(ch) => ch,
                    None => {
                        return Err(format!(
                            "Invalid string literal '{raw}'. Illegal character sequence '\\u{hex}' in string literal."
                        ))
                    }
                }
            }
            other => {
                return Err(format!(
                    "Invalid string literal '{raw}'. Illegal character sequence '\\{other}' in string literal."
                ))
            }
        };
        out.push(LikePiece::Char(decoded));
    }
    Ok(out)
}

/// Decodes a SOQL string literal body (without the quotes).
pub(crate) fn unescape(raw: &str) -> Result<String, String> {
    Ok(decode_string(raw, false)?
        .into_iter()
        .map(|p| match p {
            LikePiece::Char(c) => c,
            LikePiece::One => '_',
            LikePiece::Many => '%',
        })
        .collect())
}

/// Escapes a value for use inside a SOQL string literal.
#[cfg(test)]
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------

/// A name as written, with its position (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Name {
    pub text: String,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SelectItem {
    Field(Name),
    Sub(Box<Query>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A named date literal: a whole-day range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DateRange {
    /// Days relative to today: `[today+from, today+to)`.
    Days(i64, i64),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Date(Date),
    DateTime(OffsetDateTime),
    Range(DateRange),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cmp(Name, CmpOp, Lit, usize),
    Like(Name, Vec<LikePiece>),
    In(Name, Vec<Lit>, bool, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderItem {
    pub field: Name,
    pub desc: bool,
    pub nulls_last: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub select: Vec<SelectItem>,
    pub count_only: bool,
    pub from: Name,
    pub filter: Option<Expr>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

const RESERVED: &[&str] = &[
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "OFFSET",
    "NULL", "TRUE", "FALSE", "ASC", "DESC", "NULLS", "GROUP", "HAVING", "WITH", "INCLUDES",
    "EXCLUDES", "USING", "FOR", "TYPEOF",
];

pub(crate) struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    code: &'static str,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: Vec<Token>, code: &'static str) -> Self {
        Parser {
            src,
            toks,
            i: 0,
            code,
        }
    }

    pub fn peek(&self) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[self.i.min(last)]
    }

    fn peek_at(&self, n: usize) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[(self.i + n).min(last)]
    }

    pub fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    pub fn at_kw(&self, kw: &str) -> bool {
        self.peek().is_kw(kw)
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn unexpected(&self) -> QueryError {
        let t = self.peek();
        malformed(
            self.code,
            self.src,
            t.pos,
            &format!("unexpected token: {}", t.text(self.src)),
        )
    }

    pub fn error_at(&self, pos: usize, msg: &str) -> QueryError {
        malformed(self.code, self.src, pos, msg)
    }

    pub fn expect_kw(&mut self, kw: &str) -> Result<(), QueryError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    pub fn expect(&mut self, tok: Tok) -> Result<(), QueryError> {
        if self.peek().tok == tok {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// A field name or path (not a reserved word).
    pub fn name(&mut self) -> Result<Name, QueryError> {
        match &self.peek().tok {
            Tok::Ident(s)
                if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))
                    && !s.starts_with('.')
                    && !s.ends_with('.')
                    && !s.contains("..") =>
            {
                let name = Name {
                    text: s.clone(),
                    pos: self.peek().pos,
                };
                self.i += 1;
                Ok(name)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// A whole query: `SELECT … FROM …` and nothing after it.
    pub fn query(&mut self) -> Result<Query, QueryError> {
        self.expect_kw("SELECT")?;
        let q = self.select_body(true)?;
        if self.peek().tok != Tok::End {
            return Err(self.unexpected());
        }
        Ok(q)
    }

    /// The part of a query after `SELECT`.
    fn select_body(&mut self, allow_sub: bool) -> Result<Query, QueryError> {
        let mut select = Vec::new();
        let mut count_only = false;
        loop {
            if self.peek().tok == Tok::LParen {
                if !allow_sub {
                    return Err(self.unexpected());
                }
                self.advance();
                self.expect_kw("SELECT")?;
                let sub = self.select_body(false)?;
                self.expect(Tok::RParen)?;
                select.push(SelectItem::Sub(Box::new(sub)));
            } else if self.at_kw("COUNT") && self.peek_at(1).tok == Tok::LParen {
                let pos = self.peek().pos;
                self.advance();
                self.advance();
                if self.peek().tok != Tok::RParen {
                    return Err(self.error_at(
                        pos,
                        "Grouped query and aggregate functions are not supported by this org",
                    ));
                }
                self.advance();
                count_only = true;
            } else {
                select.push(SelectItem::Field(self.fields_item()?));
            }
            if self.peek().tok == Tok::Comma {
                self.advance();
                continue;
            }
            break;
        }
        if count_only && !select.is_empty() {
            return Err(self.unexpected());
        }
        self.expect_kw("FROM")?;
        let from = self.name()?;
        let (filter, order_by, limit, offset) = self.tail()?;
        Ok(Query {
            select,
            count_only,
            from,
            filter,
            order_by,
            limit,
            offset,
        })
    }

    fn fields_item(&mut self) -> Result<Name, QueryError> {
        self.name()
    }

    /// Comma-separated field names (SOSL RETURNING lists).
    pub fn field_list(&mut self) -> Result<Vec<SelectItem>, QueryError> {
        let mut out = vec![SelectItem::Field(self.name()?)];
        while self.peek().tok == Tok::Comma {
            self.advance();
            out.push(SelectItem::Field(self.name()?));
        }
        Ok(out)
    }

    /// `[WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n]`.
    #[allow(clippy::type_complexity)]
    pub fn tail(
        &mut self,
    ) -> Result<(Option<Expr>, Vec<OrderItem>, Option<u64>, Option<u64>), QueryError> {
        let filter = if self.eat_kw("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let field = self.name()?;
                let desc = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                let mut nulls_last = desc;
                if self.eat_kw("NULLS") {
                    if self.eat_kw("FIRST") {
                        nulls_last = false;
                    } else if self.eat_kw("LAST") {
                        nulls_last = true;
                    } else {
                        return Err(self.unexpected());
                    }
                }
                order_by.push(OrderItem {
                    field,
                    desc,
                    nulls_last,
                });
                if self.peek().tok == Tok::Comma {
                    self.advance();
                    continue;
                }
                break;
            }
        }
        let limit = if self.eat_kw("LIMIT") {
            Some(self.integer()?)
        } else {
            None
        };
        let offset = if self.eat_kw("OFFSET") {
            let pos = self.peek().pos;
            let n = self.integer()?;
            if n > 2000 {
                return Err(QueryError {
                    code: "NUMBER_OUTSIDE_VALID_RANGE",
                    message: positioned(
                        self.src,
                        pos,
                        &format!("Maximum SOQL offset allowed is 2000, found {n}"),
                    ),
                });
            }
            Some(n)
        } else {
            None
        };
        Ok((filter, order_by, limit, offset))
    }

    pub fn integer(&mut self) -> Result<u64, QueryError> {
        match &self.peek().tok {
            Tok::Num(n) => match n.parse::<u64>() {
                Ok(v) => {
                    self.advance();
                    Ok(v)
                }
                Err(_) => Err(self.unexpected()),
            },
            _ => Err(self.unexpected()),
        }
    }

    /// `cond := unary ((AND unary)* | (OR unary)*)`; mixing needs parentheses.
    fn condition(&mut self) -> Result<Expr, QueryError> {
        let first = self.unary()?;
        let joiner = if self.at_kw("AND") {
            "AND"
        } else if self.at_kw("OR") {
            "OR"
        } else {
            return Ok(first);
        };
        let mut items = vec![first];
        loop {
            if self.eat_kw(joiner) {
                items.push(self.unary()?);
            } else if self.at_kw("AND") || self.at_kw("OR") {
                return Err(self.unexpected());
            } else {
                break;
            }
        }
        Ok(if joiner == "AND" {
            Expr::And(items)
        } else {
            Expr::Or(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if self.eat_kw("NOT") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek().tok == Tok::LParen {
            self.advance();
            let e = self.condition()?;
            self.expect(Tok::RParen)?;
            return Ok(e);
        }
        self.simple()
    }

    fn simple(&mut self) -> Result<Expr, QueryError> {
        let field = self.name()?;
        if self.eat_kw("LIKE") {
            let t = self.advance();
            let Tok::Str(raw) = &t.tok else {
                self.i -= 1;
                return Err(self.unexpected());
            };
            let pattern = decode_string(raw, true).map_err(|m| self.error_at(t.pos, &m))?;
            return Ok(Expr::Like(field, pattern));
        }
        let negated = if self.at_kw("NOT") && self.peek_at(1).is_kw("IN") {
            self.advance();
            true
        } else {
            false
        };
        if self.eat_kw("IN") {
            let pos = self.peek().pos;
            self.expect(Tok::LParen)?;
            if self.at_kw("SELECT") {
                return Err(self.error_at(
                    self.peek().pos,
                    "Semi-join sub-selects are not supported by this org",
                ));
            }
            let mut values = vec![self.literal()?];
            while self.peek().tok == Tok::Comma {
                self.advance();
                values.push(self.literal()?);
            }
            self.expect(Tok::RParen)?;
            return Ok(Expr::In(field, values, negated, pos));
        }
        if negated {
            return Err(self.unexpected());
        }
        let op = match &self.peek().tok {
            Tok::Op("=") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            _ => return Err(self.unexpected()),
        };
        self.advance();
        let pos = self.peek().pos;
        let value = self.literal()?;
        Ok(Expr::Cmp(field, op, value, pos))
    }

    fn literal(&mut self) -> Result<Lit, QueryError> {
        let t = self.peek().clone();
        let lit = match &t.tok {
            Tok::Str(raw) => Lit::Str(unescape(raw).map_err(|m| self.error_at(t.pos, &m))?),
            Tok::Num(n) => Lit::Num(n.parse::<f64>().map_err(|_| self.unexpected())?),
            Tok::Date(d) => Lit::Date(parse_date(d).ok_or_else(|| {
                self.error_at(t.pos, &format!("line 1:{} Invalid date: {d}", t.pos))
            })?),
            Tok::DateTime(d) => Lit::DateTime(parse_datetime(d).ok_or_else(|| {
                self.error_at(t.pos, &format!("line 1:{} Invalid datetime: {d}", t.pos))
            })?),
            Tok::Ident(s) => {
                let upper = s.to_ascii_uppercase();
                match upper.as_str() {
                    "NULL" => Lit::Null,
                    "TRUE" => Lit::Bool(true),
                    "FALSE" => Lit::Bool(false),
                    "TODAY" => Lit::Range(DateRange::Days(0, 1)),
                    "YESTERDAY" => Lit::Range(DateRange::Days(-1, 0)),
                    "TOMORROW" => Lit::Range(DateRange::Days(1, 2)),
                    "LAST_N_DAYS" | "NEXT_N_DAYS" => {
                        self.advance();
                        self.expect(Tok::Colon)?;
                        let pos = self.peek().pos;
                        let n = self.integer()?;
                        if n > 100_000 {
                            return Err(QueryError {
                                code: "NUMBER_OUTSIDE_VALID_RANGE",
                                message: positioned(
                                    self.src,
                                    pos,
                                    &format!("{upper}:{n}: the value is out of range"),
                                ),
                            });
                        }
                        let n = n as i64;
                        return Ok(Lit::Range(if upper == "LAST_N_DAYS" {
                            DateRange::Days(-n, 1)
                        } else {
                            DateRange::Days(1, n + 1)
                        }));
                    }
                    _ => return Err(self.unexpected()),
                }
            }
            _ => return Err(self.unexpected()),
        };
        self.advance();
        Ok(lit)
    }
}

/// Parses a SOQL query.
pub(crate) fn parse(src: &str) -> Result<Query, QueryError> {
    if src.trim().is_empty() {
        return Err(QueryError {
            code: "MALFORMED_QUERY",
            message: "A query string has to be specified".into(),
        });
    }
    let toks = tokenize(src, 0, "MALFORMED_QUERY")?;
    Parser::new(src, toks, "MALFORMED_QUERY").query()
}

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

/// One hop of a parent path: follow `ref_field`, shown under `rel`.
#[derive(Debug, Clone)]
struct Step {
    ref_field: &'static str,
    rel: &'static str,
}

/// A resolved field path.
#[derive(Debug, Clone)]
pub(crate) struct Path {
    steps: Vec<Step>,
    name: &'static str,
    ty: FieldType,
}

#[derive(Debug, Clone)]
enum Val {
    Text(String),
    Id(String),
    Num(f64),
    Bool(bool),
    Date(Date),
    DateTime(OffsetDateTime),
    DateRange(Date, Date),
    DateTimeRange(OffsetDateTime, OffsetDateTime),
    Null,
}

#[derive(Debug, Clone)]
enum CExpr {
    And(Vec<CExpr>),
    Or(Vec<CExpr>),
    Not(Box<CExpr>),
    Cmp(Path, CmpOp, Val),
    Like(Path, Vec<LikePiece>),
    In(Path, Vec<Val>, bool),
}

#[derive(Debug, Clone)]
enum PlanItem {
    Field(Path),
    Sub {
        rel: &'static str,
        fk: &'static str,
        plan: Box<Plan>,
    },
}

/// A query checked against the schema, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub object: &'static ObjectDef,
    items: Vec<PlanItem>,
    filter: Option<CExpr>,
    order: Vec<(Path, bool, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
    pub count_only: bool,
}

const CUSTOM_FIELD_HINT: &str = "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
const CUSTOM_REL_HINT: &str = "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.";
const CUSTOM_OBJECT_HINT: &str = "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.";

pub(crate) struct Resolver<'a> {
    pub src: &'a str,
    pub today: Date,
}

impl Resolver<'_> {
    fn err(&self, code: &'static str, pos: usize, msg: &str) -> QueryError {
        QueryError {
            code,
            message: positioned(self.src, pos, msg),
        }
    }

    pub fn object(&self, name: &Name) -> Result<&'static ObjectDef, QueryError> {
        Schema::get().object(&name.text).ok_or_else(|| {
            self.err(
                "INVALID_TYPE",
                name.pos,
                &format!(
                    "sObject type '{}' is not supported. {CUSTOM_OBJECT_HINT}",
                    name.text
                ),
            )
        })
    }

    fn path(&self, obj: &'static ObjectDef, name: &Name) -> Result<Path, QueryError> {
        let segments: Vec<&str> = name.text.split('.').collect();
        let mut steps = Vec::new();
        let mut current: Vec<&'static ObjectDef> = vec![obj];
        let (last, hops) = segments.split_last().unwrap_or((&"", &[]));
        if hops.len() > 5 {
            return Err(self.err(
                "MALFORMED_QUERY",
                name.pos,
                "SOQL statements cannot query more than 5 levels of relationships",
            ));
        }
        for hop in hops {
            if current.len() > 1 {
                return Err(self.err(
                    "INVALID_FIELD",
                    name.pos,
                    &format!(
                        "Didn't understand relationship '{hop}' in field path. {CUSTOM_REL_HINT}"
                    ),
                ));
            }
            let here = current[0];
            let Some(f) = here.relationship(hop) else {
                return Err(self.err(
                    "INVALID_FIELD",
                    name.pos,
                    &format!(
                        "Didn't understand relationship '{hop}' in field path. {CUSTOM_REL_HINT}"
                    ),
                ));
            };
            steps.push(Step {
                ref_field: f.name,
                rel: f.relationship().unwrap_or(f.name),
            });
            current = f
                .targets()
                .iter()
                .filter_map(|t| Schema::get().object(t))
                .collect();
        }
        let found: Option<&FieldDef> = current.iter().find_map(|o| o.field(last));
        match found {
            Some(f) => Ok(Path {
                steps,
                name: f.name,
                ty: f.ty,
            }),
            None => {
                let entity = if current.len() == 1 {
                    current[0].name
                } else {
                    "Name"
                };
                Err(self.err(
                    "INVALID_FIELD",
                    name.pos,
                    &format!("No such column '{last}' on entity '{entity}'. {CUSTOM_FIELD_HINT}"),
                ))
            }
        }
    }

    pub fn plan(&self, obj: &'static ObjectDef, q: &Query) -> Result<Plan, QueryError> {
        let mut items = Vec::new();
        for item in &q.select {
            match item {
                SelectItem::Field(n) => items.push(PlanItem::Field(self.path(obj, n)?)),
                SelectItem::Sub(sub) => {
                    let Some(rel) = obj.child(&sub.from.text) else {
                        return Err(self.err(
                            "INVALID_TYPE",
                            sub.from.pos,
                            &format!(
                                "Didn't understand relationship '{}' in FROM part of query call. {CUSTOM_REL_HINT}",
                                sub.from.text
                            ),
                        ));
                    };
                    let child_obj = Schema::get().object(rel.object).ok_or_else(|| {
                        self.err("INVALID_TYPE", sub.from.pos, "unknown child object")
                    })?;
                    let plan = self.plan(child_obj, sub)?;
                    items.push(PlanItem::Sub {
                        rel: rel.name,
                        fk: rel.field,
                        plan: Box::new(plan),
                    });
                }
            }
        }
        let filter = match &q.filter {
            Some(e) => Some(self.expr(obj, e)?),
            None => None,
        };
        let mut order = Vec::new();
        for o in &q.order_by {
            order.push((self.path(obj, &o.field)?, o.desc, o.nulls_last));
        }
        Ok(Plan {
            object: obj,
            items,
            filter,
            order,
            limit: q.limit,
            offset: q.offset,
            count_only: q.count_only,
        })
    }

    fn expr(&self, obj: &'static ObjectDef, e: &Expr) -> Result<CExpr, QueryError> {
        Ok(match e {
            Expr::And(v) => CExpr::And(
                v.iter()
                    .map(|x| self.expr(obj, x))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(v) => CExpr::Or(
                v.iter()
                    .map(|x| self.expr(obj, x))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(x) => CExpr::Not(Box::new(self.expr(obj, x)?)),
            Expr::Cmp(name, op, lit, pos) => {
                let path = self.filterable(obj, name)?;
                let v = self.value(&path, name, lit, *pos)?;
                CExpr::Cmp(path, *op, v)
            }
            Expr::In(name, lits, neg, pos) => {
                let path = self.filterable(obj, name)?;
                let vals = lits
                    .iter()
                    .map(|l| self.value(&path, name, l, *pos))
                    .collect::<Result<_, _>>()?;
                CExpr::In(path, vals, *neg)
            }
            Expr::Like(name, pattern) => {
                let path = self.filterable(obj, name)?;
                if !path.ty.is_text() {
                    return Err(self.err(
                        "INVALID_QUERY_FILTER_OPERATOR",
                        name.pos,
                        &format!("invalid operator on field: {}", path.name),
                    ));
                }
                CExpr::Like(path, pattern.clone())
            }
        })
    }

    fn filterable(&self, obj: &'static ObjectDef, name: &Name) -> Result<Path, QueryError> {
        let path = self.path(obj, name)?;
        if matches!(path.ty, FieldType::TextArea(n) if n > 255) {
            return Err(self.err(
                "INVALID_FIELD",
                name.pos,
                &format!("field '{}' can not be filtered in a query call", path.name),
            ));
        }
        Ok(path)
    }

    fn value(&self, path: &Path, name: &Name, lit: &Lit, pos: usize) -> Result<Val, QueryError> {
        let field = path.name;
        let wrong = |kind: &str, quoted: bool| {
            self.err(
                "INVALID_QUERY_FILTER_OPERATOR",
                pos,
                &format!(
                    "value of filter criterion for field '{field}' must be of type {kind} and should {}be enclosed in quotes",
                    if quoted { "" } else { "not " }
                ),
            )
        };
        let _ = name;
        if *lit == Lit::Null {
            return Ok(Val::Null);
        }
        let ty = path.ty;
        if ty.is_id() {
            return match lit {
                Lit::Str(s) if is_id_syntax(s) => Ok(Val::Id(s.clone())),
                Lit::Str(s) => Err(self.err(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    pos,
                    &format!("invalid ID field: {s}"),
                )),
                _ => Err(wrong("id", true)),
            };
        }
        if ty.is_text() {
            return match lit {
                Lit::Str(s) => Ok(Val::Text(s.to_lowercase())),
                _ => Err(wrong("string", true)),
            };
        }
        if ty.is_numeric() {
            return match lit {
                Lit::Num(n) => Ok(Val::Num(*n)),
                _ => Err(wrong(
                    if ty == FieldType::Int {
                        "int"
                    } else {
                        "double"
                    },
                    false,
                )),
            };
        }
        match ty {
            FieldType::Bool => match lit {
                Lit::Bool(b) => Ok(Val::Bool(*b)),
                _ => Err(wrong("boolean", false)),
            },
            FieldType::Date => match lit {
                Lit::Date(d) => Ok(Val::Date(*d)),
                Lit::Range(DateRange::Days(a, b)) => Ok(Val::DateRange(
                    self.today + Duration::days(*a),
                    self.today + Duration::days(*b),
                )),
                _ => Err(wrong("date", false)),
            },
            FieldType::DateTime => match lit {
                Lit::DateTime(d) => Ok(Val::DateTime(*d)),
                Lit::Range(DateRange::Days(a, b)) => {
                    let start = (self.today + Duration::days(*a)).with_time(Time::MIDNIGHT);
                    let end = (self.today + Duration::days(*b)).with_time(Time::MIDNIGHT);
                    Ok(Val::DateTimeRange(start.assume_utc(), end.assume_utc()))
                }
                _ => Err(wrong("dateTime", false)),
            },
            _ => Err(wrong("string", true)),
        }
    }
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/// Follows a path from a record; `None` when a lookup on the way is empty.
fn path_value<'s>(store: &'s Store, rec: &'s Record, path: &Path) -> Option<&'s Value> {
    let mut cur = rec;
    for step in &path.steps {
        let id = cur.get(step.ref_field)?.as_str()?;
        cur = store.find_live(id)?.1;
    }
    cur.get(path.name)
}

/// The stored value of a path in comparable form.
fn field_val(store: &Store, rec: &Record, path: &Path) -> Val {
    let Some(v) = path_value(store, rec, path) else {
        return Val::Null;
    };
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Num(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => match path.ty {
            _ if path.ty.is_id() => Val::Id(s.clone()),
            FieldType::Date => parse_date(s).map(Val::Date).unwrap_or(Val::Null),
            FieldType::DateTime => parse_datetime(s).map(Val::DateTime).unwrap_or(Val::Null),
            _ => Val::Text(s.to_lowercase()),
        },
        other => Val::Text(other.to_string()),
    }
}

fn order_of(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Text(x), Val::Text(y)) => Some(x.cmp(y)),
        (Val::Id(x), Val::Id(y)) => Some(x.cmp(y)),
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::DateTime(x), Val::DateTime(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn compare(field: &Val, op: CmpOp, lit: &Val) -> bool {
    match (field, lit) {
        (Val::Null, Val::Null) => op == CmpOp::Eq,
        (Val::Null, _) => op == CmpOp::Ne,
        (_, Val::Null) => op == CmpOp::Ne,
        (Val::Id(stored), Val::Id(given)) => {
            let eq = id_matches(stored, given) || stored.eq_ignore_ascii_case(given);
            match op {
                CmpOp::Eq => eq,
                CmpOp::Ne => !eq,
                _ => order_of(field, lit).is_some_and(|o| ord_ok(o, op)),
            }
        }
        (Val::Date(d), Val::DateRange(a, b)) => range_cmp(d, a, b, op),
        (Val::DateTime(d), Val::DateTimeRange(a, b)) => range_cmp(d, a, b, op),
        _ => match order_of(field, lit) {
            Some(o) => ord_ok(o, op),
            None => op == CmpOp::Ne,
        },
    }
}

fn ord_ok(o: Ordering, op: CmpOp) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

fn range_cmp<T: Ord>(v: &T, start: &T, end: &T, op: CmpOp) -> bool {
    let inside = v >= start && v < end;
    match op {
        CmpOp::Eq => inside,
        CmpOp::Ne => !inside,
        CmpOp::Lt => v < start,
        CmpOp::Le => v < end,
        CmpOp::Gt => v >= end,
        CmpOp::Ge => v >= start,
    }
}

/// Case-insensitive `LIKE` matching.
pub(crate) fn like_match(text: &str, pattern: &[LikePiece]) -> bool {
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let p: Vec<LikePiece> = pattern
        .iter()
        .map(|x| match x {
            LikePiece::Char(c) => LikePiece::Char(c.to_lowercase().next().unwrap_or(*c)),
            other => other.clone(),
        })
        .collect();
    // Iterative wildcard matching with backtracking on the last `%`.
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(LikePiece::Many) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(LikePiece::One) => {
                ti += 1;
                pi += 1;
            }
            Some(LikePiece::Char(c)) if *c == t[ti] => {
                ti += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|x| *x == LikePiece::Many)
}

fn eval(store: &Store, rec: &Record, e: &CExpr) -> bool {
    match e {
        CExpr::And(v) => v.iter().all(|x| eval(store, rec, x)),
        CExpr::Or(v) => v.iter().any(|x| eval(store, rec, x)),
        CExpr::Not(x) => !eval(store, rec, x),
        CExpr::Cmp(path, op, lit) => compare(&field_val(store, rec, path), *op, lit),
        CExpr::In(path, lits, negated) => {
            let v = field_val(store, rec, path);
            let hit = lits.iter().any(|l| compare(&v, CmpOp::Eq, l));
            hit != *negated
        }
        CExpr::Like(path, pattern) => match path_value(store, rec, path) {
            Some(Value::String(s)) => like_match(s, pattern),
            _ => false,
        },
    }
}

impl Plan {
    /// The records of `candidates` that pass the filter, sorted, offset and limited.
    pub fn select<'s>(&self, store: &'s Store, candidates: Vec<&'s Record>) -> Vec<&'s Record> {
        let mut rows: Vec<&Record> = candidates
            .into_iter()
            .filter(|r| self.filter.as_ref().is_none_or(|f| eval(store, r, f)))
            .collect();
        if !self.order.is_empty() {
            let keyed: Vec<(Vec<Val>, &Record)> = rows
                .into_iter()
                .map(|r| {
                    (
                        self.order
                            .iter()
                            .map(|(p, _, _)| field_val(store, r, p))
                            .collect(),
                        r,
                    )
                })
                .collect();
            let mut keyed = keyed;
            keyed.sort_by(|(a, _), (b, _)| {
                for (i, (_, desc, nulls_last)) in self.order.iter().enumerate() {
                    let (x, y) = (&a[i], &b[i]);
                    let o = match (matches!(x, Val::Null), matches!(y, Val::Null)) {
                        (true, true) => Ordering::Equal,
                        (true, false) => {
                            if *nulls_last {
                                Ordering::Greater
                            } else {
                                Ordering::Less
                            }
                        }
                        (false, true) => {
                            if *nulls_last {
                                Ordering::Less
                            } else {
                                Ordering::Greater
                            }
                        }
                        (false, false) => {
                            let o = order_of(x, y).unwrap_or(Ordering::Equal);
                            if *desc {
                                o.reverse()
                            } else {
                                o
                            }
                        }
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
            rows = keyed.into_iter().map(|(_, r)| r).collect();
        }
        let offset = self.offset.unwrap_or(0) as usize;
        let limit = self.limit.map(|l| l as usize).unwrap_or(usize::MAX);
        rows.into_iter().skip(offset).take(limit).collect()
    }

    /// A matching record in the REST shape: `attributes`, then the selected fields in
    /// order, parents nested, child subqueries as nested query results or `null`.
    pub fn render(&self, store: &Store, rec: &Record, version: &str) -> Value {
        let mut out = Map::new();
        out.insert(
            "attributes".into(),
            attributes(self.object.name, rec, version),
        );
        for item in &self.items {
            match item {
                PlanItem::Field(path) => {
                    put_path(&mut out, store, rec, &path.steps, path.name, version)
                }
                PlanItem::Sub { rel, fk, plan } => {
                    let id = rec.get("Id").and_then(Value::as_str).unwrap_or_default();
                    let children: Vec<&Record> = store
                        .live(plan.object.name)
                        .filter(|c| c.get(*fk).and_then(Value::as_str) == Some(id))
                        .collect();
                    let rows = plan.select(store, children);
                    let value = if rows.is_empty() {
                        Value::Null
                    } else {
                        let records: Vec<Value> = rows
                            .iter()
                            .map(|c| plan.render(store, c, version))
                            .collect();
                        json!({"totalSize": records.len(), "done": true, "records": records})
                    };
                    out.insert((*rel).into(), value);
                }
            }
        }
        Value::Object(out)
    }
}

fn put_path(
    out: &mut Map<String, Value>,
    store: &Store,
    rec: &Record,
    steps: &[Step],
    field: &str,
    version: &str,
) {
    let Some((step, rest)) = steps.split_first() else {
        out.insert(field.into(), rec.get(field).cloned().unwrap_or(Value::Null));
        return;
    };
    let target = rec
        .get(step.ref_field)
        .and_then(Value::as_str)
        .and_then(|id| store.find_live(id));
    match target {
        None => {
            out.entry(step.rel).or_insert(Value::Null);
        }
        Some((obj, parent)) => {
            let entry = out.entry(step.rel).or_insert_with(|| {
                let mut m = Map::new();
                m.insert("attributes".into(), attributes(obj.name, parent, version));
                Value::Object(m)
            });
            if let Value::Object(m) = entry {
                put_path(m, store, parent, rest, field, version);
            }
        }
    }
}

/// The outcome of running a query.
pub(crate) struct QueryResult {
    pub total: usize,
    pub records: Vec<Value>,
}

/// Parses, resolves and runs `soql` (`all_rows`: include deleted records, `queryAll`).
pub(crate) fn run(
    soql: &str,
    store: &Store,
    version: &str,
    today: Date,
    all_rows: bool,
) -> Result<QueryResult, QueryError> {
    let q = parse(soql)?;
    let resolver = Resolver { src: soql, today };
    let obj = resolver.object(&q.from)?;
    let plan = resolver.plan(obj, &q)?;
    let candidates: Vec<&Record> = if all_rows {
        store.all(obj.name).iter().collect()
    } else {
        store.live(obj.name).collect()
    };
    let rows = plan.select(store, candidates);
    if plan.count_only {
        return Ok(QueryResult {
            total: rows.len(),
            records: vec![],
        });
    }
    let records: Vec<Value> = rows
        .iter()
        .map(|r| plan.render(store, r, version))
        .collect();
    Ok(QueryResult {
        total: records.len(),
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        parse_date("2026-11-25").expect("date")
    }

    #[test]
    fn parses_fields_parents_and_subqueries() {
        let q = parse(
            "SELECT Id, Name, Account.Name, (SELECT Id FROM Opportunities WHERE IsClosed = false ORDER BY CloseDate DESC NULLS LAST LIMIT 5) FROM Contact WHERE Phone != null LIMIT 10 OFFSET 2",
        )
        .expect("parse");
        assert_eq!(q.from.text, "Contact");
        assert_eq!(q.select.len(), 4);
        assert_eq!(q.limit, Some(10));
        assert_eq!(q.offset, Some(2));
        let SelectItem::Sub(sub) = &q.select[3] else {
            panic!("subquery expected")
        };
        assert_eq!(sub.from.text, "Opportunities");
        assert_eq!(sub.limit, Some(5));
        assert!(sub.order_by[0].desc && sub.order_by[0].nulls_last);
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let q =
            parse("select id from lead where isconverted = FALSE order by name asc nulls first")
                .expect("parse");
        assert_eq!(q.from.text, "lead");
        assert!(matches!(
            q.filter,
            Some(Expr::Cmp(_, CmpOp::Eq, Lit::Bool(false), _))
        ));
    }

    #[test]
    fn string_escapes() {
        let q = parse(
            r"SELECT Id FROM Lead WHERE Name = 'Siobhan O\'Connor' OR Company = 'a\\b\n\u00fc\t'",
        )
        .expect("parse");
        let Some(Expr::Or(items)) = q.filter else {
            panic!("or expected")
        };
        assert_eq!(
            items[0],
            Expr::Cmp(
                Name {
                    text: "Name".into(),
                    pos: 26
                },
                CmpOp::Eq,
                Lit::Str("Siobhan O'Connor".into()),
                33
            )
        );
        let Expr::Cmp(_, _, Lit::Str(s), _) = &items[1] else {
            panic!("cmp expected")
        };
        assert_eq!(s, "a\\b\nü\t");
        assert_eq!(
            unescape(r#"\"\'\\\r\b\f"#).expect("ok"),
            "\"'\\\r\u{8}\u{c}"
        );
        assert_eq!(escape("O'Connor \\ \"x\"\n"), r#"O\'Connor \\ \"x\"\n"#);
    }

    #[test]
    fn bad_escapes_are_malformed() {
        for q in [
            r"SELECT Id FROM Lead WHERE Name = 'a\qb'",
            r"SELECT Id FROM Lead WHERE Name = '100\%'",
            r"SELECT Id FROM Lead WHERE Name = '\u12'",
        ] {
            let e = parse(q).expect_err(q);
            assert_eq!(e.code, "MALFORMED_QUERY", "{q}");
            assert!(
                e.message.contains("Illegal character sequence"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn like_patterns_and_escapes() {
        let q = parse(r"SELECT Id FROM Lead WHERE Company LIKE '100\%\_ %Co_'").expect("parse");
        let Some(Expr::Like(_, p)) = q.filter else {
            panic!("like expected")
        };
        assert!(like_match("100%_ Harbour Coz", &p));
        assert!(!like_match("1005_ Harbour Coz", &p));
        assert!(like_match(
            "summit",
            &[LikePiece::Many, LikePiece::Char('M'), LikePiece::Many]
        ));
        assert!(!like_match("abc", &[LikePiece::Char('a'), LikePiece::One]));
        assert!(like_match(
            "abc",
            &[LikePiece::Char('a'), LikePiece::Many, LikePiece::Char('c')]
        ));
    }

    #[test]
    fn malformed_queries() {
        for q in [
            "SELECT FROM Lead",
            "SELECT Id Lead",
            "SELECT Id FROM Lead WHERE",
            "SELECT Id FROM Lead WHERE Name = 'x' AND Phone = 'y' OR Email = 'z'",
            "SELECT Id FROM Lead WHERE Name = 'unterminated",
            "SELECT Id FROM Lead LIMIT x",
            "SELECT Id, FROM Lead",
            "SELECT Id FROM Lead WHERE Name IN ()",
            "SELECT Id FROM Lead ORDER Name",
            "SELECT Id FROM Lead WHERE Name # 'x'",
            "SELECT Id FROM Lead extra",
            "DELETE FROM Lead",
        ] {
            let e = parse(q).expect_err(q);
            assert_eq!(e.code, "MALFORMED_QUERY", "{q}");
            assert!(
                e.message.contains("ERROR at Row:1:Column:"),
                "{q}: {}",
                e.message
            );
        }
        assert_eq!(parse("  ").expect_err("empty").code, "MALFORMED_QUERY");
        let e = parse("SELECT Id FROM Lead WHERE").expect_err("eof");
        assert!(
            e.message.ends_with("unexpected token: <EOF>"),
            "{}",
            e.message
        );
    }

    #[test]
    fn mixed_and_or_needs_parentheses() {
        assert!(
            parse("SELECT Id FROM Lead WHERE (Name = 'x' AND Phone = 'y') OR Email = 'z'").is_ok()
        );
        assert!(
            parse("SELECT Id FROM Lead WHERE NOT (Name = 'x' OR Phone = 'y') AND Email = 'z'")
                .is_ok()
        );
    }

    #[test]
    fn literals() {
        let q = parse("SELECT Id FROM Opportunity WHERE CloseDate >= 2026-01-31 AND CreatedDate < 2026-01-31T10:00:00Z AND Amount > -10.5 AND CloseDate = LAST_N_DAYS:7 AND StageName NOT IN ('Closed Won', 'Closed Lost')")
            .expect("parse");
        let Some(Expr::And(items)) = q.filter else {
            panic!("and expected")
        };
        assert!(matches!(items[0], Expr::Cmp(_, CmpOp::Ge, Lit::Date(_), _)));
        assert!(matches!(
            items[1],
            Expr::Cmp(_, CmpOp::Lt, Lit::DateTime(_), _)
        ));
        assert!(matches!(items[2], Expr::Cmp(_, CmpOp::Gt, Lit::Num(n), _) if n == -10.5));
        assert!(matches!(
            items[3],
            Expr::Cmp(_, CmpOp::Eq, Lit::Range(DateRange::Days(-7, 1)), _)
        ));
        assert!(matches!(&items[4], Expr::In(_, v, true, _) if v.len() == 2));
    }

    #[test]
    fn error_message_layout() {
        let src = "SELECT Id, Foo FROM Lead";
        let store = Store::new();
        let e = run(src, &store, "62.0", today(), false)
            .err()
            .expect("error");
        assert_eq!(e.code, "INVALID_FIELD");
        assert_eq!(
            e.message,
            format!("\nSELECT Id, Foo FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Lead'. {CUSTOM_FIELD_HINT}")
        );
        let e = run("SELECT Id FROM Foo", &store, "62.0", today(), false)
            .err()
            .expect("error");
        assert_eq!(e.code, "INVALID_TYPE");
        assert!(e.message.contains("sObject type 'Foo' is not supported."));
        let e = run(
            "SELECT Id, (SELECT Id FROM Foos) FROM Account",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_TYPE");
        let e = run(
            "SELECT Id, Acount.Name FROM Contact",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_FIELD");
        let e = run(
            "SELECT Id FROM Lead WHERE IsConverted = 'false'",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_QUERY_FILTER_OPERATOR");
        let e = run(
            "SELECT Id FROM Lead WHERE Name = 5",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_QUERY_FILTER_OPERATOR");
        let e = run(
            "SELECT Id FROM Lead WHERE Id = 'nope'",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_QUERY_FILTER_OPERATOR");
        let e = run(
            "SELECT Id FROM Lead WHERE Description = 'x'",
            &store,
            "62.0",
            today(),
            false,
        )
        .err()
        .expect("error");
        assert_eq!(e.code, "INVALID_FIELD");
    }

    #[test]
    fn positioned_second_line() {
        let m = positioned("SELECT Id\nFROM Foo", 15, "msg");
        assert_eq!(m, "\nFROM Foo\n     ^\nERROR at Row:2:Column:6\nmsg");
    }

    /// Every prefix of realistic queries, and versions with odd characters spliced in,
    /// must give a result or an error, never a panic.
    #[test]
    fn junk_never_panics() {
        let mut store = Store::new();
        crate::seed::seed(&mut store, crate::store::now());
        let samples = [
            r"SELECT Id, Name, Account.Name, (SELECT Name FROM Opportunities WHERE IsClosed = false ORDER BY Amount DESC NULLS LAST LIMIT 2) FROM Contact WHERE Name LIKE 'D\_%' AND (Phone != null OR Email IN ('a@b.example')) ORDER BY Name LIMIT 5 OFFSET 1",
            r"SELECT COUNT() FROM Lead WHERE CreatedDate = LAST_N_DAYS:30 AND CloseDate >= 2026-01-01 AND LastModifiedDate < 2026-01-01T00:00:00.000+0000 AND Name = 'Ü\u00fc\'x'",
            "SELECT Who.Name, What.Name, Account.Owner.Name FROM Task WHERE NOT Subject = 'Call' AND Status NOT IN ('Completed')",
        ];
        let odd = [
            "é", "'", "\\", "(", ")", ",", "张", "%", "-", ".", ":", "\u{0}",
        ];
        for sample in samples {
            let boundaries: Vec<usize> = sample
                .char_indices()
                .map(|(i, _)| i)
                .chain([sample.len()])
                .collect();
            for &cut in &boundaries {
                let _ = run(&sample[..cut], &store, "62.0", today(), false);
                let _ = crate::sosl::run(
                    &format!("FIND {{x{}}} RETURNING Lead(Id)", &sample[..cut]),
                    &store,
                    "62.0",
                    today(),
                );
            }
            for (n, &cut) in boundaries.iter().enumerate().step_by(3) {
                let junk = odd[n % odd.len()];
                let mutated = format!("{}{junk}{}", &sample[..cut], &sample[cut..]);
                let _ = run(&mutated, &store, "62.0", today(), false);
                let _ = crate::sosl::run(
                    &mutated.replacen("SELECT", "FIND {ab} RETURNING Lead(", 1),
                    &store,
                    "62.0",
                    today(),
                );
            }
        }
        let _ = run(
            "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:99999999999",
            &store,
            "62.0",
            today(),
            false,
        );
        let _ = crate::sosl::run("FIN€ {ab}", &store, "62.0", today());
    }
}
