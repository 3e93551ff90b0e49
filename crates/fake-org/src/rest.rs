//! The REST API under `/services/data/`.
//!
//! Reproduces the resources Callside and the common client libraries use:
//! the version list (`GET /services/data/`, no auth), the resource map of a version,
//! `query`/`queryAll` (with 2,000-record batches, `nextRecordsUrl` cursors and the
//! `Sforce-Query-Options: batchSize=N` header, 200..2000), `search`, describe global,
//! `sobjects/{Type}` (basic info, create), `sobjects/{Type}/describe`,
//! `sobjects/{Type}/{id}` (get with `?fields=`, `If-Modified-Since` → 304; patch with
//! `If-Unmodified-Since` → 412; delete) and `limits`.
//!
//! Any `vNN.N` version is accepted, with or without a trailing slash. Every
//! authenticated call is counted against a daily limit of 15,000 and answered with
//! `Sforce-Limit-Info: api-usage=N/15000`; past the limit calls get 403
//! `REQUEST_LIMIT_EXCEEDED`. A missing, revoked or expired token gets 401
//! `INVALID_SESSION_ID`; unknown resources 404 `NOT_FOUND`. Composite resources and
//! `parameterizedSearch` are not implemented (404).

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::oauth::{bearer, params};
use crate::store::{
    self, id18, parse_datetime, parse_http_date, render, ApiError, FieldDef, ObjectDef, Schema,
    Store,
};
use crate::{api_error, invalid_session, json_response, not_found, Shared};

/// Daily API request allocation (a Developer Edition org).
pub const DAILY_LIMIT: u64 = 15000;
const MAX_BATCH: usize = 2000;
const MIN_BATCH: usize = 200;

/// The rest of a query result, fetched through `nextRecordsUrl`.
pub(crate) struct Cursor {
    records: Vec<Value>,
    total: usize,
}

const VERSIONS: &[(&str, &str)] = &[
    ("Winter '23", "56.0"),
    ("Spring '23", "57.0"),
    ("Summer '23", "58.0"),
    ("Winter '24", "59.0"),
    ("Spring '24", "60.0"),
    ("Summer '24", "61.0"),
    ("Winter '25", "62.0"),
];

/// `GET /services/data/`: the supported versions, oldest first. Needs no token and is
/// not counted.
pub(crate) fn versions(_shared: &Shared, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed(method, "GET,HEAD");
    }
    let list: Vec<Value> = VERSIONS
        .iter()
        .map(|(label, v)| json!({"label": label, "url": format!("/services/data/v{v}"), "version": v}))
        .collect();
    json_response(StatusCode::OK, &Value::Array(list))
}

fn method_not_allowed(method: &Method, allowed: &str) -> Response {
    api_error(&ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    ))
}

/// `vNN.N` → `NN.N`.
fn parse_version(seg: &str) -> Option<&str> {
    let v = seg.strip_prefix('v')?;
    let (major, minor) = v.split_once('.')?;
    let ok = !major.is_empty()
        && major.len() <= 3
        && major.bytes().all(|b| b.is_ascii_digit())
        && minor.len() == 1
        && minor.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(v)
}

/// Everything under `/services/data/` except the version list.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    rest_path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let mut segs: Vec<&str> = rest_path.split('/').collect();
    while segs.last() == Some(&"") {
        segs.pop();
    }
    let Some(version) = segs.first().and_then(|s| parse_version(s)) else {
        return not_found();
    };
    let authorized = bearer(headers).is_some_and(|t| shared.lock().oauth.is_valid_access_token(&t));
    if !authorized {
        return invalid_session();
    }
    let count = {
        let mut st = shared.lock();
        st.api_count += 1;
        st.api_count
    };
    let mut resp = if count > DAILY_LIMIT {
        api_error(&ApiError::new(
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ))
    } else {
        let ctx = Ctx {
            shared,
            version,
            method,
            query,
            headers,
            body,
            count,
        };
        ctx.dispatch(&segs[1..])
    };
    if let Ok(v) = HeaderValue::from_str(&format!("api-usage={count}/{DAILY_LIMIT}")) {
        resp.headers_mut().insert("Sforce-Limit-Info", v);
    }
    resp
}

struct Ctx<'a> {
    shared: &'a Shared,
    version: &'a str,
    method: &'a Method,
    query: Option<&'a str>,
    headers: &'a HeaderMap,
    body: &'a Bytes,
    count: u64,
}

fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

impl Ctx<'_> {
    fn dispatch(&self, segs: &[&str]) -> Response {
        let m = self.method;
        let get_only = |f: &dyn Fn() -> Response| {
            if m == Method::GET || m == Method::HEAD {
                f()
            } else {
                method_not_allowed(m, "GET,HEAD")
            }
        };
        match segs {
            [] => get_only(&|| self.resources()),
            ["query"] => get_only(&|| self.query(false)),
            ["queryAll"] => get_only(&|| self.query(true)),
            ["query", locator] | ["queryAll", locator] => get_only(&|| self.more(locator)),
            ["search"] => get_only(&|| self.search()),
            ["limits"] => get_only(&|| self.limits()),
            ["sobjects"] => get_only(&|| self.describe_global()),
            ["sobjects", ty] => match Schema::get().object(ty) {
                None => not_found(),
                Some(obj) => match *m {
                    Method::GET | Method::HEAD => self.basic_info(obj),
                    Method::POST => self.create(obj),
                    _ => method_not_allowed(m, "GET,HEAD,POST"),
                },
            },
            ["sobjects", ty, "describe"] => match Schema::get().object(ty) {
                None => not_found(),
                Some(obj) => get_only(&|| ok(&self.describe(obj))),
            },
            ["sobjects", ty, id] => match Schema::get().object(ty) {
                None => not_found(),
                Some(obj) => match *m {
                    Method::GET | Method::HEAD => self.get_record(obj, id),
                    Method::PATCH => self.update(obj, id),
                    Method::DELETE => self.delete(obj, id),
                    _ => method_not_allowed(m, "GET,PATCH,DELETE,HEAD"),
                },
            },
            _ => not_found(),
        }
    }

    fn url(&self, rest: &str) -> String {
        format!("/services/data/v{}/{rest}", self.version)
    }

    fn resources(&self) -> Response {
        let mut map = Map::new();
        for name in [
            "tooling",
            "metadata",
            "eclair",
            "prechatForms",
            "chatter",
            "tabs",
            "appMenu",
            "quickActions",
            "queryAll",
            "commerce",
            "wave",
            "analytics",
            "search",
            "parameterizedSearch",
            "composite",
            "theme",
            "nouns",
            "recent",
            "connect",
            "licensing",
            "limits",
            "process",
            "query",
            "compactLayouts",
            "sobjects",
            "actions",
            "support",
            "ui-api",
            "scheduling",
            "consent",
        ] {
            map.insert(name.into(), Value::String(self.url(name)));
        }
        map.insert(
            "identity".into(),
            Value::String(format!(
                "{}/id/{}/{}",
                self.shared.base_url,
                Store::org_id(),
                Store::demo_user_id()
            )),
        );
        ok(&Value::Object(map))
    }

    fn batch_size(&self) -> usize {
        let requested = self
            .headers
            .get("Sforce-Query-Options")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',').find_map(|part| {
                    let (k, val) = part.split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("batchSize"))
                        .then(|| val.trim().parse::<usize>().ok())
                        .flatten()
                })
            });
        requested.unwrap_or(MAX_BATCH).clamp(MIN_BATCH, MAX_BATCH)
    }

    fn query(&self, all_rows: bool) -> Response {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let q = p.get("q").map(String::as_str).unwrap_or_default();
        let today = store::now().date();
        let mut st = self.shared.lock();
        let result = match crate::soql::run(q, &st.store, self.version, today, all_rows) {
            Ok(r) => r,
            Err(e) => return api_error(&e.into()),
        };
        let batch = self.batch_size();
        let total = result.total;
        let mut records = result.records;
        if records.len() <= batch {
            return ok(&json!({"totalSize": total, "done": true, "records": records}));
        }
        let rest = records.split_off(batch);
        st.next_cursor += 1;
        let locator = id18(&format!("01gDm{:010}", st.next_cursor));
        let mut remaining = Vec::with_capacity(batch + rest.len());
        remaining.extend(records.iter().cloned());
        remaining.extend(rest);
        st.cursors.insert(
            locator.clone(),
            Cursor {
                records: remaining,
                total,
            },
        );
        ok(&json!({
            "totalSize": total,
            "done": false,
            "nextRecordsUrl": self.url(&format!("query/{locator}-{batch}")),
            "records": records,
        }))
    }

    fn more(&self, locator: &str) -> Response {
        let invalid = || {
            api_error(&ApiError::new(
                400,
                "INVALID_QUERY_LOCATOR",
                "invalid query locator",
            ))
        };
        let Some((loc, offset)) = locator.rsplit_once('-') else {
            return invalid();
        };
        let Ok(offset) = offset.parse::<usize>() else {
            return invalid();
        };
        let batch = self.batch_size();
        let st = self.shared.lock();
        let Some(cursor) = st.cursors.get(loc) else {
            return invalid();
        };
        if offset > cursor.records.len() {
            return invalid();
        }
        let end = (offset + batch).min(cursor.records.len());
        let page: Vec<Value> = cursor.records[offset..end].to_vec();
        let mut body = Map::new();
        body.insert("totalSize".into(), json!(cursor.total));
        body.insert("done".into(), json!(end >= cursor.records.len()));
        if end < cursor.records.len() {
            body.insert(
                "nextRecordsUrl".into(),
                json!(self.url(&format!("query/{loc}-{end}"))),
            );
        }
        body.insert("records".into(), Value::Array(page));
        ok(&Value::Object(body))
    }

    fn search(&self) -> Response {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let q = p.get("q").map(String::as_str).unwrap_or_default();
        let today = store::now().date();
        let st = self.shared.lock();
        match crate::sosl::run(q, &st.store, self.version, today) {
            Ok(records) => ok(&crate::sosl::response(records)),
            Err(e) => api_error(&e.into()),
        }
    }

    fn limits(&self) -> Response {
        let remaining = DAILY_LIMIT.saturating_sub(self.count);
        ok(&json!({
            "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
            "DailyApiRequests": {"Max": DAILY_LIMIT, "Remaining": remaining},
            "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
            "DataStorageMB": {"Max": 5, "Remaining": 5},
            "FileStorageMB": {"Max": 20, "Remaining": 20},
            "HourlyTimeBasedWorkflow": {"Max": 50, "Remaining": 50},
            "SingleEmail": {"Max": 15, "Remaining": 15},
        }))
    }

    fn object_summary(&self, obj: &ObjectDef) -> Value {
        json!({
            "activateable": false,
            "createable": obj.createable,
            "custom": false,
            "customSetting": false,
            "deletable": obj.name != "User",
            "deprecatedAndHidden": false,
            "feedEnabled": false,
            "keyPrefix": obj.key_prefix,
            "label": obj.label,
            "labelPlural": obj.label_plural,
            "layoutable": true,
            "mergeable": matches!(obj.name, "Account" | "Contact" | "Lead" | "Case"),
            "mruEnabled": true,
            "name": obj.name,
            "queryable": true,
            "replicateable": true,
            "retrieveable": true,
            "searchable": obj.searchable || obj.name == "Task" || obj.name == "Event",
            "triggerable": true,
            "undeletable": obj.name != "User",
            "updateable": true,
            "urls": {
                "rowTemplate": self.url(&format!("sobjects/{}/{{ID}}", obj.name)),
                "describe": self.url(&format!("sobjects/{}/describe", obj.name)),
                "sobject": self.url(&format!("sobjects/{}", obj.name)),
            },
        })
    }

    fn describe_global(&self) -> Response {
        let sobjects: Vec<Value> = Schema::get()
            .objects
            .iter()
            .map(|o| self.object_summary(o))
            .collect();
        ok(&json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}))
    }

    fn basic_info(&self, obj: &ObjectDef) -> Response {
        ok(&json!({"objectDescribe": self.object_summary(obj), "recentItems": []}))
    }

    fn describe(&self, obj: &ObjectDef) -> Value {
        let fields: Vec<Value> = obj.fields.iter().map(describe_field).collect();
        let children: Vec<Value> = Schema::get()
            .objects
            .iter()
            .flat_map(|o| {
                o.fields
                    .iter()
                    .filter(|f| f.targets().contains(&obj.name))
                    .map(move |f| (o, f))
            })
            .map(|(o, f)| {
                let rel = obj
                    .children
                    .iter()
                    .find(|c| c.object == o.name && c.field == f.name)
                    .map(|c| c.name);
                json!({
                    "cascadeDelete": false,
                    "childSObject": o.name,
                    "deprecatedAndHidden": false,
                    "field": f.name,
                    "relationshipName": rel,
                    "restrictedDelete": false,
                })
            })
            .collect();
        let mut d = self.object_summary(obj);
        if let Value::Object(m) = &mut d {
            m.insert("fields".into(), Value::Array(fields));
            m.insert("childRelationships".into(), Value::Array(children));
            m.insert(
                "recordTypeInfos".into(),
                json!([{
                    "active": true,
                    "available": true,
                    "defaultRecordTypeMapping": true,
                    "developerName": "Master",
                    "master": true,
                    "name": "Master",
                    "recordTypeId": "012000000000000AAA",
                    "urls": {"layout": self.url(&format!("sobjects/{}/describe/layouts/012000000000000AAA", obj.name))},
                }]),
            );
        }
        d
    }

    fn create(&self, obj: &'static ObjectDef) -> Response {
        let body = match parse_body(self.body) {
            Ok(b) => b,
            Err(e) => return api_error(&e),
        };
        let result = self.shared.lock().store.create(obj, &body, store::now());
        match result {
            Ok(id) => json_response(
                StatusCode::CREATED,
                &json!({"id": id, "success": true, "errors": []}),
            ),
            Err(e) => api_error(&e),
        }
    }

    fn get_record(&self, obj: &'static ObjectDef, id: &str) -> Response {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let st = self.shared.lock();
        let rec = match st.store.existing(obj, id) {
            Ok(r) => r,
            Err(e) => return api_error(&e),
        };
        let mut selected: Option<Vec<&FieldDef>> = None;
        if let Some(list) = p.get("fields") {
            let mut v = Vec::new();
            for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match obj.field(name) {
                    Some(f) => v.push(f),
                    None => {
                        return api_error(&ApiError::new(
                            400,
                            "INVALID_FIELD",
                            format!(
                                "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                                obj.name
                            ),
                        ))
                    }
                }
            }
            selected = Some(v);
        }
        let modified = rec
            .get("LastModifiedDate")
            .and_then(Value::as_str)
            .and_then(parse_datetime);
        if let Some(since) = self
            .headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
        {
            if modified.is_some_and(|m| m <= since) {
                return StatusCode::NOT_MODIFIED.into_response();
            }
        }
        let value = render(obj, rec, self.version, selected.as_deref());
        let mut resp = ok(&value);
        if let Some(m) = modified {
            if let Ok(v) = HeaderValue::from_str(&http_date(m)) {
                resp.headers_mut().insert(header::LAST_MODIFIED, v);
            }
        }
        resp
    }

    fn update(&self, obj: &'static ObjectDef, id: &str) -> Response {
        let since = match self.headers.get(header::IF_UNMODIFIED_SINCE) {
            None => None,
            Some(v) => match v.to_str().ok().and_then(parse_http_date) {
                Some(dt) => Some(dt),
                None => {
                    return api_error(&ApiError::new(
                        400,
                        "BAD_REQUEST",
                        format!(
                            "Invalid If-Unmodified-Since header value: {}",
                            String::from_utf8_lossy(v.as_bytes())
                        ),
                    ))
                }
            },
        };
        // A missing record answers 404 before the body is looked at.
        if let Err(e) = self.shared.lock().store.existing(obj, id) {
            return api_error(&e);
        }
        let body = match parse_body(self.body) {
            Ok(b) => b,
            Err(e) => return api_error(&e),
        };
        let result = self
            .shared
            .lock()
            .store
            .update(obj, id, &body, store::now(), since);
        match result {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => api_error(&e),
        }
    }

    fn delete(&self, obj: &'static ObjectDef, id: &str) -> Response {
        let result = self.shared.lock().store.delete(obj, id, store::now());
        match result {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => api_error(&e),
        }
    }
}

/// `Wed, 25 Nov 2026 10:00:00 GMT`.
fn http_date(dt: time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[dt.weekday().number_days_from_monday() as usize],
        dt.day(),
        MONTHS[dt.month() as usize - 1],
        dt.year(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// A JSON object body, or `JSON_PARSER_ERROR` as Salesforce words it.
fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            400,
            "JSON_PARSER_ERROR",
            "No content to map due to end-of-input at [line:1, column:0]",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => {
            let kind = match other {
                Value::Array(_) => "START_ARRAY",
                Value::String(_) => "VALUE_STRING",
                Value::Number(_) => "VALUE_NUMBER_INT",
                Value::Bool(_) => "VALUE_TRUE",
                _ => "VALUE_NULL",
            };
            Err(ApiError::new(
                400,
                "JSON_PARSER_ERROR",
                format!("Cannot deserialize instance of sObject from {kind} value at [line:1, column:1]"),
            ))
        }
        Err(e) => Err(ApiError::new(
            400,
            "JSON_PARSER_ERROR",
            format!(
                "Unexpected character: {} at [line:{}, column:{}]",
                strip_position(&e.to_string()),
                e.line(),
                e.column()
            ),
        )),
    }
}

fn strip_position(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

fn describe_field(f: &FieldDef) -> Value {
    let picklist: Vec<Value> = match f.ty {
        store::FieldType::Picklist(values, _) => values
            .iter()
            .map(|v| {
                json!({
                    "active": true,
                    "defaultValue": f.default.as_ref().and_then(Value::as_str) == Some(*v),
                    "label": v,
                    "validFor": null,
                    "value": v,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let length = match f.ty {
        store::FieldType::Reference(..) | store::FieldType::Id => 18,
        _ => f.ty.max_len().unwrap_or(0),
    };
    let (precision, scale) = match f.ty {
        store::FieldType::Currency => (18, 2),
        store::FieldType::Percent => (3, 0),
        _ => (0, 0),
    };
    json!({
        "aggregatable": !matches!(f.ty, store::FieldType::TextArea(n) if n > 255),
        "autoNumber": f.ty == store::FieldType::AutoNumber,
        "byteLength": length * 3,
        "calculated": false,
        "createable": f.createable,
        "custom": false,
        "defaultValue": f.default.clone().unwrap_or(Value::Null),
        "defaultedOnCreate": f.default.is_some() || !f.createable,
        "digits": if f.ty == store::FieldType::Int { 9 } else { 0 },
        "externalId": false,
        "filterable": !matches!(f.ty, store::FieldType::TextArea(n) if n > 255),
        "groupable": f.ty.is_text() || f.ty == store::FieldType::Bool,
        "idLookup": f.name == "Id" || f.name == "Email" || f.name == "CaseNumber",
        "label": f.label,
        "length": length,
        "name": f.name,
        "nameField": f.name == "Name" || f.name == "CaseNumber" || (f.name == "Subject" && f.label == "Subject"),
        "nillable": f.nillable(),
        "picklistValues": picklist,
        "polymorphicForeignKey": f.targets().len() > 1,
        "precision": precision,
        "referenceTo": f.targets(),
        "relationshipName": f.relationship(),
        "restrictedPicklist": matches!(f.ty, store::FieldType::Picklist(_, true)),
        "scale": scale,
        "soapType": f.ty.soap_type(),
        "sortable": !matches!(f.ty, store::FieldType::TextArea(n) if n > 255),
        "type": f.ty.describe_name(),
        "unique": false,
        "updateable": f.updateable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("v62.0"), Some("62.0"));
        assert_eq!(parse_version("v59.0"), Some("59.0"));
        assert_eq!(parse_version("62.0"), None);
        assert_eq!(parse_version("vX.0"), None);
        assert_eq!(parse_version("v62"), None);
    }

    #[test]
    fn http_date_format() {
        let dt = parse_datetime("2026-11-25T10:00:00.000+0000").expect("dt");
        assert_eq!(http_date(dt), "Wed, 25 Nov 2026 10:00:00 GMT");
        assert_eq!(parse_http_date(&http_date(dt)), Some(dt));
    }

    #[test]
    fn json_errors() {
        let e = parse_body(b"{bad").expect_err("bad json");
        assert_eq!(e.code, "JSON_PARSER_ERROR");
        assert!(e.message.contains("[line:1, column:2]"), "{}", e.message);
        assert_eq!(
            parse_body(b"").expect_err("empty").code,
            "JSON_PARSER_ERROR"
        );
        assert_eq!(
            parse_body(b"[1]").expect_err("array").code,
            "JSON_PARSER_ERROR"
        );
    }
}
