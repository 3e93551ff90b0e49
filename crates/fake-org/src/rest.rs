//! The REST API under `/services/data/`.
//!
//! Reproduces the resources Callside and the common client libraries use:
//! the version list (`GET /services/data/`, no auth), the resource map of a version,
//! `query`/`queryAll` (with 2,000-record batches, `nextRecordsUrl` cursors and the
//! `Sforce-Query-Options: batchSize=N` header, 200..2000), `search`, describe global,
//! `sobjects/{Type}` (basic info, create: 201 with a `Location` header),
//! `sobjects/{Type}/describe` (fields with `picklistValues`; describe and describe
//! global answer `Last-Modified` and honour `If-Modified-Since` → 304),
//! `sobjects/{Type}/{id}` (get with `?fields=`, `If-Modified-Since` → 304; patch with
//! `If-Unmodified-Since` → 412; delete), `limits`, and the composite resources
//! (`composite`, `composite/sobjects`, module `composite`).
//!
//! Any `vNN.N` version is accepted, with or without a trailing slash. Every
//! authenticated call is counted against a daily limit (15,000 unless a test changes
//! it) and answered with `Sforce-Limit-Info: api-usage=N/LIMIT`; once the usage has
//! reached the limit, calls get 403 `REQUEST_LIMIT_EXCEEDED` (and are not counted). A
//! missing, revoked or expired token gets 401 `INVALID_SESSION_ID`; unknown resources
//! 404 `NOT_FOUND`. `parameterizedSearch`, `ui-api`, `composite/batch`, `/tree` and
//! `/graph` are not implemented (404).
//!
//! REST calls are handled one at a time (a "gate" mutex), so that a composite request
//! is one transaction that other calls cannot interleave with.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::oauth::{bearer, params};
use crate::store::{
    self, id18, parse_datetime, parse_http_date, render, ApiError, FieldDef, ObjectDef, Schema,
    Store,
};
use crate::{invalid_session, json_response, Shared};

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
        return method_not_allowed(method, "GET,HEAD").into_response();
    }
    let list: Vec<Value> = VERSIONS
        .iter()
        .map(|(label, v)| json!({"label": label, "url": format!("/services/data/v{v}"), "version": v}))
        .collect();
    json_response(StatusCode::OK, &Value::Array(list))
}

pub(crate) fn method_not_allowed(method: &Method, allowed: &str) -> Reply {
    Reply::error(&ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    ))
}

/// `vNN.N` → `NN.N`.
pub(crate) fn parse_version(seg: &str) -> Option<&str> {
    let v = seg.strip_prefix('v')?;
    let (major, minor) = v.split_once('.')?;
    let ok = !major.is_empty()
        && major.len() <= 3
        && major.bytes().all(|b| b.is_ascii_digit())
        && minor.len() == 1
        && minor.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(v)
}

/// A REST answer before it becomes an HTTP response: composite subrequests use it
/// as it is.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// JSON body; `None` for an empty body (204, 304).
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    pub fn error(e: &ApiError) -> Reply {
        let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
        Reply::json(status, e.body())
    }

    pub fn empty(status: StatusCode) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Reply {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut resp = match &self.body {
            Some(body) => json_response(self.status, body),
            None => self.status.into_response(),
        };
        for (name, value) in self.headers {
            resp.headers_mut().insert(name, value);
        }
        resp
    }
}

fn not_found() -> Reply {
    Reply::error(&ApiError::not_found())
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
        return not_found().into_response();
    };
    let authorized = bearer(headers).is_some_and(|t| shared.lock().oauth.is_valid_access_token(&t));
    if !authorized {
        return invalid_session();
    }
    // One REST call at a time: a composite request is one transaction.
    let _gate = shared.gate();
    let (count, limit, over) = {
        let mut st = shared.lock();
        let over = st.api_count >= st.api_limit;
        if !over {
            st.api_count += 1;
        }
        (st.api_count, st.api_limit, over)
    };
    let reply = if over {
        Reply::error(&ApiError::new(
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ))
    } else {
        let path = format!("/services/data/{rest_path}");
        let ctx = Ctx {
            shared,
            version,
            method,
            path: &path,
            query,
            headers,
            body,
            count,
            limit,
        };
        ctx.dispatch(&segs[1..])
    };
    let mut resp = reply.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("api-usage={count}/{limit}")) {
        resp.headers_mut().insert("Sforce-Limit-Info", v);
    }
    resp
}

/// One REST call (or composite subrequest) being answered.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub version: &'a str,
    pub method: &'a Method,
    /// The full path, `/services/data/vNN.N/…`, for fault rules.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub count: u64,
    pub limit: u64,
}

pub(crate) fn ok(body: Value) -> Reply {
    Reply::json(StatusCode::OK, body)
}

impl Ctx<'_> {
    pub(crate) fn dispatch(&self, segs: &[&str]) -> Reply {
        let m = self.method;
        let get_only = |f: &dyn Fn() -> Reply| {
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
            ["sobjects"] => get_only(&|| {
                self.not_modified()
                    .unwrap_or_else(|| self.describe_global())
            }),
            ["composite"] => match *m {
                Method::POST => crate::composite::composite(self),
                _ => method_not_allowed(m, "POST"),
            },
            ["composite", "sobjects"] => match *m {
                Method::POST => crate::composite::create_many(self),
                Method::PATCH => crate::composite::update_many(self),
                Method::DELETE => crate::composite::delete_many(self),
                _ => method_not_allowed(m, "POST,PATCH,DELETE"),
            },
            ["composite", "sobjects", ty] => match Schema::get().object(ty) {
                None => not_found(),
                Some(obj) => match *m {
                    Method::GET | Method::POST => crate::composite::retrieve_many(self, obj),
                    _ => method_not_allowed(m, "GET,POST"),
                },
            },
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
                Some(obj) => get_only(&|| {
                    self.not_modified()
                        .unwrap_or_else(|| ok(self.describe(obj)))
                        .header(
                            header::LAST_MODIFIED,
                            &http_date(self.shared.schema_modified),
                        )
                }),
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

    /// 304 when `If-Modified-Since` is at or after the org's last metadata change.
    fn not_modified(&self) -> Option<Reply> {
        let since = self
            .headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)?;
        (self.shared.schema_modified <= since).then(|| Reply::empty(StatusCode::NOT_MODIFIED))
    }

    pub(crate) fn url(&self, rest: &str) -> String {
        format!("/services/data/v{}/{rest}", self.version)
    }

    fn resources(&self) -> Reply {
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
        ok(Value::Object(map))
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

    fn query(&self, all_rows: bool) -> Reply {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let q = p.get("q").map(String::as_str).unwrap_or_default();
        let today = store::now().date();
        let mut st = self.shared.lock();
        let result = match crate::soql::run(q, &st.store, self.version, today, all_rows) {
            Ok(r) => r,
            Err(e) => return Reply::error(&e.into()),
        };
        let batch = self.batch_size();
        let total = result.total;
        let mut records = result.records;
        if records.len() <= batch {
            return ok(json!({"totalSize": total, "done": true, "records": records}));
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
        ok(json!({
            "totalSize": total,
            "done": false,
            "nextRecordsUrl": self.url(&format!("query/{locator}-{batch}")),
            "records": records,
        }))
    }

    fn more(&self, locator: &str) -> Reply {
        let invalid = || {
            Reply::error(&ApiError::new(
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
        ok(Value::Object(body))
    }

    fn search(&self) -> Reply {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let q = p.get("q").map(String::as_str).unwrap_or_default();
        let today = store::now().date();
        let st = self.shared.lock();
        let lag =
            time::Duration::try_from(st.faults.search_index_lag).unwrap_or(time::Duration::ZERO);
        let indexed_until = store::now() - lag;
        match crate::sosl::run_indexed(q, &st.store, self.version, today, indexed_until) {
            Ok(records) => ok(crate::sosl::response(records)),
            Err(e) => Reply::error(&e.into()),
        }
    }

    fn limits(&self) -> Reply {
        let remaining = self.limit.saturating_sub(self.count);
        ok(json!({
            "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
            "DailyApiRequests": {"Max": self.limit, "Remaining": remaining},
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
            "deletable": obj.name != "User" && !obj.read_only,
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
            "triggerable": !obj.read_only,
            "undeletable": obj.name != "User" && !obj.read_only,
            "updateable": !obj.read_only,
            "urls": {
                "rowTemplate": self.url(&format!("sobjects/{}/{{ID}}", obj.name)),
                "describe": self.url(&format!("sobjects/{}/describe", obj.name)),
                "sobject": self.url(&format!("sobjects/{}", obj.name)),
            },
        })
    }

    fn describe_global(&self) -> Reply {
        let sobjects: Vec<Value> = Schema::get()
            .objects
            .iter()
            .map(|o| self.object_summary(o))
            .collect();
        ok(json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}))
    }

    fn basic_info(&self, obj: &ObjectDef) -> Reply {
        ok(json!({"objectDescribe": self.object_summary(obj), "recentItems": []}))
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

    fn create(&self, obj: &'static ObjectDef) -> Reply {
        let body = match parse_body(self.body) {
            Ok(b) => b,
            Err(e) => return Reply::error(&e),
        };
        if let Some(e) = self.lock_row_fault(self.path, None) {
            return Reply::error(&e);
        }
        let assign = match self.auto_assign(obj) {
            Ok(assign) => assign,
            Err(e) => return Reply::error(&e),
        };
        let result = {
            let mut shared = self.shared.lock();
            let result = shared.store.create(obj, &body, store::now());
            if let (Ok(id), true) = (&result, assign) {
                shared.store.assign_lead(id);
            }
            result
        };
        match result {
            Ok(id) => Reply::json(
                StatusCode::CREATED,
                json!({"id": id, "success": true, "errors": []}),
            )
            .header(
                header::LOCATION,
                &self.url(&format!("sobjects/{}/{id}", obj.name)),
            ),
            Err(e) => Reply::error(&e),
        }
    }

    /// Whether the lead assignment rule runs on this write: the `Sforce-Auto-Assign`
    /// header is `TRUE` (also when absent, as in Salesforce's REST API), `FALSE`, or the
    /// id of an assignment rule (the org has one).
    pub(crate) fn auto_assign(&self, obj: &ObjectDef) -> Result<bool, ApiError> {
        let value = match self.headers.get("sforce-auto-assign") {
            None => return Ok(obj.name == "Lead"),
            Some(v) => String::from_utf8_lossy(v.as_bytes()).trim().to_string(),
        };
        let apply = if value.eq_ignore_ascii_case("true") {
            true
        } else if value.eq_ignore_ascii_case("false") {
            false
        } else if store::id_matches(&store::id18(store::LEAD_RULE_ID15), &value) {
            true
        } else if value.len() == 15 || value.len() == 18 {
            return Err(ApiError::new(
                400,
                "INVALID_ID_FIELD",
                format!("Invalid assignment rule id: {value}"),
            ));
        } else {
            return Err(ApiError::new(
                400,
                "MALFORMED_ID",
                format!(
                    "Sforce-Auto-Assign: {value} is neither TRUE, FALSE nor an assignment rule id"
                ),
            ));
        };
        Ok(apply && obj.name == "Lead")
    }

    /// `UNABLE_TO_LOCK_ROW` if a fault rule says this write (to `path`) must fail.
    pub(crate) fn lock_row_fault(&self, path: &str, id: Option<&str>) -> Option<ApiError> {
        let hit = self
            .shared
            .lock()
            .faults
            .take_lock_row(self.method.as_str(), path);
        hit.then(|| {
            let message = match id {
                Some(id) => {
                    format!("unable to obtain exclusive access to this record or 1 records: {id}")
                }
                None => "unable to obtain exclusive access to this record".to_string(),
            };
            ApiError::dml("UNABLE_TO_LOCK_ROW", message, vec![])
        })
    }

    fn get_record(&self, obj: &'static ObjectDef, id: &str) -> Reply {
        let p = params(self.query.unwrap_or_default().as_bytes());
        let st = self.shared.lock();
        let rec = match st.store.existing(obj, id) {
            Ok(r) => r,
            Err(e) => return Reply::error(&e),
        };
        let mut selected: Option<Vec<&FieldDef>> = None;
        if let Some(list) = p.get("fields") {
            let mut v = Vec::new();
            for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match obj.field(name) {
                    Some(f) => v.push(f),
                    None => {
                        return Reply::error(&ApiError::new(
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
                return Reply::empty(StatusCode::NOT_MODIFIED);
            }
        }
        let value = render(obj, rec, self.version, selected.as_deref());
        let resp = ok(value);
        match modified {
            Some(m) => resp.header(header::LAST_MODIFIED, &http_date(m)),
            None => resp,
        }
    }

    fn update(&self, obj: &'static ObjectDef, id: &str) -> Reply {
        let since = match self.headers.get(header::IF_UNMODIFIED_SINCE) {
            None => None,
            Some(v) => match v.to_str().ok().and_then(parse_http_date) {
                Some(dt) => Some(dt),
                None => {
                    return Reply::error(&ApiError::new(
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
            return Reply::error(&e);
        }
        let body = match parse_body(self.body) {
            Ok(b) => b,
            Err(e) => return Reply::error(&e),
        };
        if let Some(e) = self.lock_row_fault(self.path, Some(id)) {
            return Reply::error(&e);
        }
        let assign = match self.auto_assign(obj) {
            Ok(assign) => assign,
            Err(e) => return Reply::error(&e),
        };
        let result = {
            let mut shared = self.shared.lock();
            let result = shared.store.update(obj, id, &body, store::now(), since);
            if result.is_ok() && assign {
                shared.store.assign_lead(id);
            }
            result
        };
        match result {
            Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
            Err(e) => Reply::error(&e),
        }
    }

    fn delete(&self, obj: &'static ObjectDef, id: &str) -> Reply {
        if let Err(e) = self.shared.lock().store.existing(obj, id) {
            return Reply::error(&e);
        }
        if let Some(e) = self.lock_row_fault(self.path, Some(id)) {
            return Reply::error(&e);
        }
        let result = self.shared.lock().store.delete(obj, id, store::now());
        match result {
            Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
            Err(e) => Reply::error(&e),
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
pub(crate) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
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
        store::FieldType::Percent | store::FieldType::Double => (3, 0),
        _ => (0, 0),
    };
    json!({
        "aggregatable": !matches!(f.ty, store::FieldType::TextArea(n) if n > 255),
        "autoNumber": f.ty == store::FieldType::AutoNumber,
        "byteLength": length * 3,
        "calculated": false,
        "createable": f.createable,
        "custom": f.name.ends_with("__c"),
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
