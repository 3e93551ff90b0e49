//! Fault injection: what a reliability suite needs to make the org misbehave on cue.
//!
//! Controlled in-process through [`crate::FakeOrg`] (`set_latency`, `inject`,
//! `lock_next_writes`, `set_api_usage`, `clear_faults`, …) or, for a server running as
//! a separate process, through `POST /__admin/faults` (see the `admin` module). The
//! admin API itself is never delayed or faulted.
//!
//! * **Latency**: every request (OAuth, REST, identity, the home page) waits this long
//!   before it is read and answered.
//! * **Rules** ([`Fault`]): the next `times` requests that match an optional method and
//!   path prefix fail in one of four ways ([`FaultKind`]). Rules are consulted in the
//!   order they were added; a request consumes at most one HTTP-level rule.
//!   `UnableToLockRow` rules are consumed per DML write instead (a record created,
//!   updated or deleted through `sobjects`, a composite subrequest or an sObject
//!   Collection entry), matched against the path of that write.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a matching request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// HTTP 503 with `[{"errorCode":"SERVER_UNAVAILABLE","message":…}]`; the request
    /// is not applied and not counted against the API limit.
    Unavailable,
    /// The TCP connection is closed without an HTTP response before the server looks at
    /// the request: nothing is applied or counted.
    DropBeforeApply,
    /// The server applies the request (a write is saved and counted), then closes the
    /// TCP connection without sending the response.
    DropAfterApply,
    /// The next matching DML writes fail with HTTP 400 `UNABLE_TO_LOCK_ROW` (as when
    /// another transaction holds the record or its parent).
    UnableToLockRow,
}

/// A fault rule: the next `times` matching requests (or writes) fail with `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    /// How many matching requests (writes, for `UnableToLockRow`) fail; default 1.
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests with this HTTP method (case-insensitive), e.g. `POST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path starts with this, e.g. `/services/data/v62.0/sobjects/Task`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn new(kind: FaultKind, times: u32) -> Fault {
        Fault {
            kind,
            times,
            method: None,
            path_prefix: None,
        }
    }

    /// The next `times` requests get HTTP 503 `SERVER_UNAVAILABLE`.
    pub fn unavailable(times: u32) -> Fault {
        Fault::new(FaultKind::Unavailable, times)
    }

    /// The next `times` requests lose their connection before they are applied.
    pub fn drop_before_apply(times: u32) -> Fault {
        Fault::new(FaultKind::DropBeforeApply, times)
    }

    /// The next `times` requests are applied, then lose their connection unanswered.
    pub fn drop_after_apply(times: u32) -> Fault {
        Fault::new(FaultKind::DropAfterApply, times)
    }

    /// The next `times` DML writes fail with `UNABLE_TO_LOCK_ROW`.
    pub fn unable_to_lock_row(times: u32) -> Fault {
        Fault::new(FaultKind::UnableToLockRow, times)
    }

    /// Only requests with this method.
    pub fn method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_string());
        self
    }

    /// Only requests whose path starts with `prefix`.
    pub fn path_prefix(mut self, prefix: &str) -> Fault {
        self.path_prefix = Some(prefix.to_string());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }
}

/// The faults in force.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub latency: Duration,
    /// Records created less than this long ago are not found by SOSL yet, as with
    /// Salesforce's search index.
    pub search_index_lag: Duration,
    rules: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.rules.push(fault);
        }
    }

    /// Removes the latency and every rule.
    pub fn clear(&mut self) {
        self.latency = Duration::ZERO;
        self.rules.clear();
    }

    pub fn pending(&self) -> Vec<Fault> {
        self.rules.clone()
    }

    fn take(&mut self, method: &str, path: &str, lock_row: bool) -> Option<FaultKind> {
        let i = self.rules.iter().position(|r| {
            (r.kind == FaultKind::UnableToLockRow) == lock_row && r.matches(method, path)
        })?;
        let kind = self.rules[i].kind;
        self.rules[i].times -= 1;
        if self.rules[i].times == 0 {
            self.rules.remove(i);
        }
        Some(kind)
    }

    /// The HTTP-level fault for this request, if a rule matches (and is consumed).
    pub fn take_http(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        self.take(method, path, false)
    }

    /// Whether this DML write must fail with `UNABLE_TO_LOCK_ROW` (consumes a rule).
    pub fn take_lock_row(&mut self, method: &str, path: &str) -> bool {
        self.take(method, path, true).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_and_count_down() {
        let mut f = Faults::default();
        f.add(
            Fault::unavailable(2)
                .method("post")
                .path_prefix("/services/data"),
        );
        f.add(Fault::unable_to_lock_row(1));
        f.add(Fault::drop_before_apply(0));
        assert_eq!(f.pending().len(), 2);
        assert_eq!(f.take_http("GET", "/services/data/v62.0/query"), None);
        assert_eq!(
            f.take_http("POST", "/services/oauth2/token"),
            None,
            "path prefix"
        );
        assert_eq!(
            f.take_http("POST", "/services/data/v62.0/sobjects/Lead"),
            Some(FaultKind::Unavailable)
        );
        assert!(f.take_lock_row("PATCH", "/x"));
        assert!(!f.take_lock_row("PATCH", "/x"));
        assert_eq!(
            f.take_http("POST", "/services/data/v62.0/sobjects/Lead"),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(
            f.take_http("POST", "/services/data/v62.0/sobjects/Lead"),
            None
        );
        assert!(f.pending().is_empty());
    }

    #[test]
    fn json_shape() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"drop-after-apply","times":3,"method":"POST","pathPrefix":"/services"}"#,
        )
        .expect("parse");
        assert_eq!(
            f,
            Fault::drop_after_apply(3)
                .method("POST")
                .path_prefix("/services")
        );
        let f: Fault = serde_json::from_str(r#"{"kind":"unavailable"}"#).expect("parse");
        assert_eq!(f.times, 1);
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"explode"}"#).is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"unavailable","x":1}"#).is_err());
    }
}
