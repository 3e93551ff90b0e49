//! The composite resources: `POST /composite` and the sObject Collections
//! (`/composite/sobjects`).
//!
//! **Composite** (`POST /services/data/vNN.N/composite`): a JSON object with
//! `compositeRequest` (1 to 25 subrequests `{method, url, referenceId, body?,
//! httpHeaders?}`), `allOrNone` (default `false`) and `collateSubrequests` (accepted;
//! subrequests always run in the order given). Subrequest URLs must start with
//! `/services/data/vNN.N/` and may name any resource of this server except the
//! composite resource itself: sObject rows (GET, POST, PATCH, DELETE), describe, query
//! and queryAll, sObject Collections, limits. `@{referenceId.path}` in a URL or in any
//! string of a body is replaced by a value from an earlier successful subrequest's
//! response body; the path walks JSON fields with `.name` and arrays with `[n]`, as in
//! `@{newLead.id}` or `@{q.records[0].Id}`. A string that is exactly one reference takes
//! the referenced JSON value as it is (a number stays a number). An unresolvable
//! reference fails that subrequest with 400 `PROCESSING_HALTED` `Invalid reference
//! specified. No value for q.records[0].Id found in q`.
//!
//! The answer is always HTTP 200 `{"compositeResponse":[{"body","httpHeaders",
//! "httpStatusCode","referenceId"}]}`, in request order. With `allOrNone: true` the first
//! failing subrequest (status 400 or more) ends the run: every write is rolled back, the
//! failing subrequest keeps its own error and every other one reports 400
//! `[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since
//! another operation in the same transaction failed."}]`. With `allOrNone: false` the
//! others run on; those that refer to the failed one fail as above. The whole call
//! counts as one API request. A malformed body, more than 25 subrequests, a duplicate
//! or malformed `referenceId`, an unknown method, or an `Accept`, `Authorization` or
//! `Content-Type` subrequest header fail the whole call with HTTP 400.
//!
//! **sObject Collections**: `POST /composite/sobjects` (create, records with
//! `attributes.type`, no `Id`), `PATCH /composite/sobjects` (update, records with
//! `Id`), `DELETE /composite/sobjects?ids=…&allOrNone=…`, each up to 200 records of
//! mixed types, answering HTTP 200 with one SaveResult per record in input order:
//! `{"id","success":true,"errors":[]}` or `{"success":false,"errors":[{"statusCode",
//! "message","fields"}]}` (failed creates carry no `id`). With `allOrNone: true` one
//! failure rolls every record back and the valid records report
//! `ALL_OR_NONE_OPERATION_ROLLED_BACK`. `GET|POST /composite/sobjects/{Type}` with
//! `ids` and `fields` returns the records in `ids` order, `null` for ids not found.

use std::collections::{HashMap, HashSet};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::oauth::params;
use crate::rest::{parse_body, parse_version, Ctx, Reply};
use crate::store::{self, is_id_syntax, render, ApiError, FieldDef, ObjectDef, Schema};

const MAX_SUBREQUESTS: usize = 25;
const MAX_COLLECTION: usize = 200;
const ROLLBACK_MESSAGE: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";
const COLLECTION_ROLLBACK_MESSAGE: &str =
    "Record rolled back because not all records were valid and the request was using AllOrNone header";

fn bad_request(code: &'static str, message: impl Into<String>) -> Reply {
    Reply::error(&ApiError::new(400, code, message))
}

/// `[{"errorCode":"PROCESSING_HALTED","message":…}]` with HTTP 400.
fn halted(message: &str) -> SubResult {
    SubResult {
        status: 400,
        headers: Map::new(),
        body: json!([{"errorCode": "PROCESSING_HALTED", "message": message}]),
    }
}

struct SubRequest {
    method: Method,
    url: String,
    reference_id: String,
    body: Option<Value>,
    headers: HeaderMap,
}

struct SubResult {
    status: u16,
    headers: Map<String, Value>,
    body: Value,
}

/// An optional boolean flag of a request body.
fn flag(body: &Map<String, Value>, key: &str) -> Result<bool, Reply> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(bad_request(
            "JSON_PARSER_ERROR",
            format!("Cannot deserialize value of type `boolean` from {other} for field {key}"),
        )),
    }
}

fn parse_subrequest(v: &Value, seen: &mut HashSet<String>) -> Result<SubRequest, Reply> {
    let Value::Object(m) = v else {
        return Err(bad_request(
            "JSON_PARSER_ERROR",
            "Each subrequest must be a JSON object",
        ));
    };
    for k in m.keys() {
        if !matches!(
            k.as_str(),
            "method" | "url" | "referenceId" | "body" | "httpHeaders"
        ) {
            return Err(bad_request(
                "JSON_PARSER_ERROR",
                format!("Unrecognized field \"{k}\" in a composite subrequest"),
            ));
        }
    }
    let text = |k: &str| -> Result<String, Reply> {
        match m.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => Err(bad_request(
                "INVALID_INPUT",
                format!("Composite subrequest is missing the required field '{k}'"),
            )),
        }
    };
    let method_text = text("method")?;
    let method = match method_text.as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PATCH" => Method::PATCH,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        other => {
            return Err(bad_request(
                "INVALID_INPUT",
                format!("Invalid HTTP method '{other}'. Allowed are GET, POST, PATCH, PUT, DELETE"),
            ))
        }
    };
    let url = text("url")?;
    let reference_id = text("referenceId")?;
    if !reference_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(bad_request(
            "INVALID_INPUT",
            format!(
                "Invalid referenceId '{reference_id}': use only letters, numbers and underscores"
            ),
        ));
    }
    if !seen.insert(reference_id.clone()) {
        return Err(bad_request(
            "INVALID_INPUT",
            format!("Duplicate referenceId provided in the request: {reference_id}"),
        ));
    }
    let mut headers = HeaderMap::new();
    match m.get("httpHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (name, value) in h {
                if ["accept", "authorization", "content-type"]
                    .contains(&name.to_ascii_lowercase().as_str())
                {
                    return Err(bad_request(
                        "INVALID_INPUT",
                        format!("The {name} header of a subrequest is inherited from the composite request and can't be set"),
                    ));
                }
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    (Ok(n), Ok(v)) => {
                        headers.insert(n, v);
                    }
                    _ => {
                        return Err(bad_request(
                            "INVALID_INPUT",
                            format!("Invalid subrequest header: {name}"),
                        ))
                    }
                }
            }
        }
        Some(_) => {
            return Err(bad_request(
                "JSON_PARSER_ERROR",
                "httpHeaders must be a JSON object",
            ))
        }
    }
    Ok(SubRequest {
        method,
        url,
        reference_id,
        body: m.get("body").filter(|b| !b.is_null()).cloned(),
        headers,
    })
}

/// `POST /composite`.
pub(crate) fn composite(ctx: &Ctx) -> Reply {
    let body = match parse_body(ctx.body) {
        Ok(b) => b,
        Err(e) => return Reply::error(&e),
    };
    for k in body.keys() {
        if !matches!(
            k.as_str(),
            "allOrNone" | "collateSubrequests" | "compositeRequest"
        ) {
            return bad_request(
                "JSON_PARSER_ERROR",
                format!("Unrecognized field \"{k}\" in the composite request"),
            );
        }
    }
    let all_or_none = match flag(&body, "allOrNone") {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(r) = flag(&body, "collateSubrequests") {
        return r;
    }
    let list = match body.get("compositeRequest") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            return bad_request(
                "INVALID_INPUT",
                "The composite request needs a non-empty compositeRequest array",
            )
        }
    };
    if list.len() > MAX_SUBREQUESTS {
        return bad_request(
            "INVALID_INPUT",
            format!(
                "Limit exceeded: a composite request can have at most {MAX_SUBREQUESTS} subrequests, got {}",
                list.len()
            ),
        );
    }
    let mut seen = HashSet::new();
    let mut subs = Vec::with_capacity(list.len());
    for v in list {
        match parse_subrequest(v, &mut seen) {
            Ok(s) => subs.push(s),
            Err(r) => return r,
        }
    }

    let snapshot = all_or_none.then(|| ctx.shared.lock().store.clone());
    let mut outputs: HashMap<String, Value> = HashMap::new();
    let mut results: Vec<SubResult> = Vec::with_capacity(subs.len());
    let mut failed: Option<usize> = None;
    for (i, sub) in subs.iter().enumerate() {
        if all_or_none && failed.is_some() {
            results.push(halted(ROLLBACK_MESSAGE));
            continue;
        }
        let result = match run_subrequest(ctx, sub, &outputs) {
            Ok(r) => r,
            Err(message) => halted(&message),
        };
        if result.status >= 400 {
            failed.get_or_insert(i);
        } else {
            outputs.insert(sub.reference_id.clone(), result.body.clone());
        }
        results.push(result);
    }
    if let (Some(snapshot), Some(bad)) = (snapshot, failed) {
        ctx.shared.lock().store.rollback_to(snapshot);
        for (i, r) in results.iter_mut().enumerate() {
            if i != bad {
                *r = halted(ROLLBACK_MESSAGE);
            }
        }
    }
    let responses: Vec<Value> = results
        .into_iter()
        .zip(&subs)
        .map(|(r, sub)| {
            json!({
                "body": r.body,
                "httpHeaders": r.headers,
                "httpStatusCode": r.status,
                "referenceId": sub.reference_id,
            })
        })
        .collect();
    Reply::json(StatusCode::OK, json!({ "compositeResponse": responses }))
}

/// Runs one subrequest; `Err` is a reference that could not be resolved.
fn run_subrequest(
    ctx: &Ctx,
    sub: &SubRequest,
    outputs: &HashMap<String, Value>,
) -> Result<SubResult, String> {
    let url = substitute_text(&sub.url, outputs)?;
    let body = match &sub.body {
        Some(b) => Some(substitute_value(b, outputs)?),
        None => None,
    };
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (url.clone(), None),
    };
    let reply = subrequest_reply(ctx, sub, &path, query.as_deref(), body.as_ref());
    let mut headers = Map::new();
    for (name, value) in &reply.headers {
        if let Ok(v) = value.to_str() {
            headers.insert(canonical_header(name.as_str()), Value::String(v.into()));
        }
    }
    Ok(SubResult {
        status: reply.status.as_u16(),
        headers,
        body: reply.body.unwrap_or(Value::Null),
    })
}

fn subrequest_reply(
    ctx: &Ctx,
    sub: &SubRequest,
    path: &str,
    query: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let Some(rest) = path.strip_prefix("/services/data/") else {
        return Reply::error(&ApiError::not_found());
    };
    let mut segs: Vec<&str> = rest.split('/').collect();
    while segs.last() == Some(&"") {
        segs.pop();
    }
    let Some(version) = segs.first().and_then(|s| parse_version(s)) else {
        return Reply::error(&ApiError::not_found());
    };
    let nested = match segs.get(1..) {
        Some(["composite"]) => true,
        Some(["composite", kind, ..]) => *kind != "sobjects",
        _ => false,
    };
    if nested {
        return bad_request(
            "INVALID_INPUT",
            "A composite subrequest can't be another composite, batch, tree or graph request",
        );
    }
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let sub_ctx = Ctx {
        shared: ctx.shared,
        version,
        method: &sub.method,
        path,
        query,
        headers: &sub.headers,
        body: &bytes,
        count: ctx.count,
        limit: ctx.limit,
    };
    sub_ctx.dispatch(&segs[1..])
}

/// `location` → `Location`, `last-modified` → `Last-Modified`, `etag` → `ETag`.
fn canonical_header(name: &str) -> String {
    if name.eq_ignore_ascii_case("etag") {
        return "ETag".into();
    }
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The value `@{expr}` names, or the Salesforce message for a bad reference.
fn lookup(expr: &str, outputs: &HashMap<String, Value>) -> Result<Value, String> {
    let end = expr.find(['.', '[']).unwrap_or(expr.len());
    let reference = &expr[..end];
    let fail = || format!("Invalid reference specified. No value for {expr} found in {reference}");
    let mut cur = outputs.get(reference).ok_or_else(fail)?;
    let mut rest = &expr[end..];
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            let Value::Object(m) = cur else {
                return Err(fail());
            };
            cur = match m.get(name) {
                Some(v) => v,
                None => m
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
                    .ok_or_else(fail)?,
            };
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(fail)?;
            let index: usize = after[..close].trim().parse().map_err(|_| fail())?;
            cur = cur.get(index).ok_or_else(fail)?;
            rest = &after[close + 1..];
        } else {
            return Err(fail());
        }
    }
    if cur.is_null() {
        return Err(fail());
    }
    Ok(cur.clone())
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `@{…}` in `text`.
fn substitute_text(text: &str, outputs: &HashMap<String, Value>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        out.push_str(&as_text(&lookup(&after[..close], outputs)?));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Replaces references in every string of a JSON body.
fn substitute_value(v: &Value, outputs: &HashMap<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => {
            let whole = s
                .strip_prefix("@{")
                .and_then(|r| r.strip_suffix('}'))
                .filter(|inner| !inner.contains('}'));
            match whole {
                Some(expr) => lookup(expr, outputs)?,
                None => Value::String(substitute_text(s, outputs)?),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute_value(i, outputs))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.clone(), substitute_value(v, outputs)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

// ---------------------------------------------------------------------------
// sObject Collections
// ---------------------------------------------------------------------------

/// One SaveResult; `id` is shown on failures too when the record had one.
fn save_result(result: &Result<String, ApiError>, id: Option<&str>) -> Value {
    match result {
        Ok(id) => json!({"id": id, "success": true, "errors": []}),
        Err(e) => {
            let error = json!({
                "statusCode": e.code,
                "message": e.message,
                "fields": e.fields.clone().unwrap_or_default(),
            });
            match id {
                Some(id) => json!({"id": id, "success": false, "errors": [error]}),
                None => json!({"success": false, "errors": [error]}),
            }
        }
    }
}

/// Parses `{"allOrNone", "records": [...]}`.
fn collection_body(ctx: &Ctx) -> Result<(bool, Vec<Value>), Reply> {
    let body = parse_body(ctx.body).map_err(|e| Reply::error(&e))?;
    let all_or_none = flag(&body, "allOrNone")?;
    let records = match body.get("records") {
        Some(Value::Array(r)) => r.clone(),
        _ => {
            return Err(bad_request(
                "INVALID_INPUT",
                "The request needs a records array",
            ))
        }
    };
    check_count(records.len())?;
    Ok((all_or_none, records))
}

fn check_count(n: usize) -> Result<(), Reply> {
    if n > MAX_COLLECTION {
        return Err(bad_request(
            "EXCEEDED_ID_LIMIT",
            format!("record limit reached. cannot submit more than {MAX_COLLECTION} records into this call"),
        ));
    }
    Ok(())
}

/// The object named by a record's `attributes.type`.
fn record_type(record: &Map<String, Value>) -> Result<Option<&'static ObjectDef>, ApiError> {
    let Some(attrs) = record.get("attributes") else {
        return Ok(None);
    };
    let ty = attrs
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Schema::get().object(ty).map(Some).ok_or_else(|| {
        ApiError::dml(
            "INVALID_TYPE",
            format!("sObject type '{ty}' is not supported."),
            vec![],
        )
    })
}

/// Runs `op` for every record; with `all_or_none`, one failure rolls all back.
fn run_collection<T>(
    ctx: &Ctx,
    all_or_none: bool,
    items: &[T],
    op: impl Fn(&T) -> (Result<String, ApiError>, Option<String>),
    show_id_on_error: bool,
) -> Reply {
    let snapshot = all_or_none.then(|| ctx.shared.lock().store.clone());
    let outcomes: Vec<(Result<String, ApiError>, Option<String>)> = items.iter().map(op).collect();
    let any_failed = outcomes.iter().any(|(r, _)| r.is_err());
    let rolled_back = all_or_none && any_failed;
    if let (Some(snapshot), true) = (snapshot, rolled_back) {
        ctx.shared.lock().store.rollback_to(snapshot);
    }
    let results: Vec<Value> = outcomes
        .into_iter()
        .map(|(r, id)| {
            let id = if show_id_on_error { id } else { None };
            match r {
                Ok(_) if rolled_back => save_result(
                    &Err(ApiError::dml(
                        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                        COLLECTION_ROLLBACK_MESSAGE,
                        vec![],
                    )),
                    id.as_deref(),
                ),
                r => save_result(&r, id.as_deref()),
            }
        })
        .collect();
    Reply::json(StatusCode::OK, Value::Array(results))
}

/// `POST /composite/sobjects`.
pub(crate) fn create_many(ctx: &Ctx) -> Reply {
    let (all_or_none, records) = match collection_body(ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let op = |v: &Value| (create_one(ctx, v), None);
    run_collection(ctx, all_or_none, &records, op, false)
}

fn not_an_object() -> ApiError {
    ApiError::dml(
        "JSON_PARSER_ERROR",
        "Each record must be a JSON object",
        vec![],
    )
}

fn create_one(ctx: &Ctx, v: &Value) -> Result<String, ApiError> {
    let Value::Object(record) = v else {
        return Err(not_an_object());
    };
    let obj = record_type(record)?.ok_or_else(|| {
        ApiError::dml(
            "INVALID_TYPE",
            "Each record needs attributes with a type",
            vec![],
        )
    })?;
    if record.keys().any(|k| k.eq_ignore_ascii_case("Id")) {
        return Err(ApiError::dml(
            "INVALID_FIELD",
            "cannot specify Id in an insert call",
            vec!["Id".into()],
        ));
    }
    if let Some(e) = ctx.lock_row_fault(ctx.path, None) {
        return Err(e);
    }
    let assign = ctx.auto_assign(obj)?;
    let mut shared = ctx.shared.lock();
    let id = shared.store.create(obj, record, store::now())?;
    if assign {
        shared.store.assign_lead(&id);
    }
    Ok(id)
}

/// `PATCH /composite/sobjects`.
pub(crate) fn update_many(ctx: &Ctx) -> Reply {
    let (all_or_none, records) = match collection_body(ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let op = |v: &Value| {
        let id = v.as_object().and_then(|record| {
            record
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_string)
        });
        (update_one(ctx, v, id.as_deref()), id)
    };
    run_collection(ctx, all_or_none, &records, op, true)
}

fn update_one(ctx: &Ctx, v: &Value, id: Option<&str>) -> Result<String, ApiError> {
    let Value::Object(record) = v else {
        return Err(not_an_object());
    };
    let Some(id) = id else {
        return Err(ApiError::dml(
            "MISSING_ARGUMENT",
            "Id not specified in an update call",
            vec![],
        ));
    };
    let obj = match record_type(record)? {
        Some(o) => o,
        None => object_of(id)?,
    };
    if let Some(e) = ctx.lock_row_fault(ctx.path, Some(id)) {
        return Err(e);
    }
    let assign = ctx.auto_assign(obj)?;
    let mut shared = ctx.shared.lock();
    shared.store.update(obj, id, record, store::now(), None)?;
    if assign {
        shared.store.assign_lead(id);
    }
    drop(shared);
    Ok(full_id(ctx, id))
}

/// `DELETE /composite/sobjects?ids=…&allOrNone=…`.
pub(crate) fn delete_many(ctx: &Ctx) -> Reply {
    let p = params(ctx.query.unwrap_or_default().as_bytes());
    let all_or_none = p
        .get("allOrNone")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let ids: Vec<String> = p
        .get("ids")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return bad_request("MISSING_ARGUMENT", "ids parameter is required");
    }
    if let Err(r) = check_count(ids.len()) {
        return r;
    }
    let op = |id: &String| (delete_one(ctx, id), Some(id.clone()));
    run_collection(ctx, all_or_none, &ids, op, true)
}

fn delete_one(ctx: &Ctx, id: &str) -> Result<String, ApiError> {
    let obj = object_of(id)?;
    ctx.shared.lock().store.existing(obj, id)?;
    if let Some(e) = ctx.lock_row_fault(ctx.path, Some(id)) {
        return Err(e);
    }
    let full = full_id(ctx, id);
    ctx.shared.lock().store.delete(obj, id, store::now())?;
    Ok(full)
}

/// The object of a record id (by key prefix and existence).
fn object_of(id: &str) -> Result<&'static ObjectDef, ApiError> {
    if !is_id_syntax(id) {
        return Err(ApiError::dml(
            "MALFORMED_ID",
            format!("malformed id {id}"),
            vec![],
        ));
    }
    Schema::get().objects_for_id(id).next().ok_or_else(|| {
        ApiError::dml(
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
            vec![],
        )
    })
}

/// The stored 18-character form of an id given with 15 or 18 characters.
fn full_id(ctx: &Ctx, id: &str) -> String {
    ctx.shared
        .lock()
        .store
        .find(id)
        .and_then(|(_, r)| r.get("Id").and_then(Value::as_str).map(String::from))
        .unwrap_or_else(|| id.to_string())
}

/// `GET|POST /composite/sobjects/{Type}` with `ids` and `fields`.
pub(crate) fn retrieve_many(ctx: &Ctx, obj: &'static ObjectDef) -> Reply {
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    let strings = |v: Option<&Value>| -> Option<Vec<String>> {
        v?.as_array()?
            .iter()
            .map(|x| x.as_str().map(String::from))
            .collect()
    };
    let (ids, fields) = if ctx.method == Method::POST {
        let body = match parse_body(ctx.body) {
            Ok(b) => b,
            Err(e) => return Reply::error(&e),
        };
        (strings(body.get("ids")), strings(body.get("fields")))
    } else {
        let p = params(ctx.query.unwrap_or_default().as_bytes());
        (
            p.get("ids").map(|s| split(s)),
            p.get("fields").map(|s| split(s)),
        )
    };
    let (Some(ids), Some(fields)) = (ids, fields) else {
        return bad_request(
            "MISSING_ARGUMENT",
            "ids and fields are required (lists of strings)",
        );
    };
    if ids.is_empty() || fields.is_empty() {
        return bad_request("MISSING_ARGUMENT", "ids and fields must not be empty");
    }
    let mut selected: Vec<&FieldDef> = Vec::new();
    for name in &fields {
        match obj.field(name) {
            Some(f) => selected.push(f),
            None => {
                return bad_request(
                    "INVALID_FIELD",
                    format!("No such column '{name}' on entity '{}'", obj.name),
                )
            }
        }
    }
    let st = ctx.shared.lock();
    let records: Vec<Value> = ids
        .iter()
        .map(|id| match st.store.existing(obj, id) {
            Ok(r) => render(obj, r, ctx.version, Some(&selected)),
            Err(_) => Value::Null,
        })
        .collect();
    Reply::json(StatusCode::OK, Value::Array(records))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs() -> HashMap<String, Value> {
        let mut m = HashMap::new();
        m.insert(
            "newLead".to_string(),
            json!({"id": "00QDm0000000123AAA", "success": true}),
        );
        m.insert(
            "q".to_string(),
            json!({"totalSize": 1, "records": [{"Id": "001DmX", "Amount": 12.5}]}),
        );
        m
    }

    #[test]
    fn references_resolve() {
        let o = outputs();
        assert_eq!(
            substitute_text("/sobjects/Lead/@{newLead.id}", &o).as_deref(),
            Ok("/sobjects/Lead/00QDm0000000123AAA")
        );
        assert_eq!(
            substitute_value(
                &json!({"WhoId": "@{newLead.id}", "n": "@{q.records[0].Amount}", "s": "x @{q.totalSize} y"}),
                &o
            ),
            Ok(json!({"WhoId": "00QDm0000000123AAA", "n": 12.5, "s": "x 1 y"}))
        );
        assert_eq!(
            substitute_text("@{q.records[1].Id}", &o),
            Err("Invalid reference specified. No value for q.records[1].Id found in q".to_string())
        );
        assert!(substitute_text("@{nope.id}", &o).is_err());
        assert!(substitute_text("@{q.records[x].Id}", &o).is_err());
        assert!(substitute_text("@{q.records[0]Id}", &o).is_err());
        assert_eq!(substitute_text("a @{ b", &o).as_deref(), Ok("a @{ b"));
    }

    #[test]
    fn header_names() {
        assert_eq!(canonical_header("location"), "Location");
        assert_eq!(canonical_header("last-modified"), "Last-Modified");
        assert_eq!(canonical_header("etag"), "ETag");
    }
}
