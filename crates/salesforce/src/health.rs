//! Request timing per endpoint family: every request the client sends (each attempt,
//! retries included) is reported to an observer with its family, duration, HTTP status,
//! Salesforce's error code and the API usage the answer reported. The client keeps
//! nothing itself; the observer (the core) stores what it wants.
//!
//! Reports never carry a URL or a query string (they hold caller data), only the family.

use std::sync::Arc;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::ApiUsage;

/// Which kind of endpoint a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Token refresh and sign-in (`/services/oauth2/...`).
    Auth,
    /// SOSL (`/search`, `/parameterizedSearch`).
    Search,
    /// SOQL (`/query`, `/queryAll`).
    Query,
    /// Creating, changing or deleting one record (`/sobjects/...` other than GET).
    SobjectWrite,
    /// `/composite...` (composite, batch, tree, sObject collections).
    Composite,
    /// Everything else: record reads, describes, limits, identity.
    Other,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Auth,
        Family::Search,
        Family::Query,
        Family::SobjectWrite,
        Family::Composite,
        Family::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Auth => "auth",
            Family::Search => "search",
            Family::Query => "query",
            Family::SobjectWrite => "sobject_write",
            Family::Composite => "composite",
            Family::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The family of a request by its method and path (from `/services/` on; a query
    /// string is ignored).
    pub fn of(method: &Method, path: &str) -> Family {
        let path = path.split('?').next().unwrap_or(path);
        if path.starts_with("/services/oauth2/") {
            return Family::Auth;
        }
        // `/services/data/vNN.N/<rest>`
        let rest = path
            .strip_prefix("/services/data/")
            .and_then(|p| p.split_once('/'))
            .map(|(_, rest)| rest)
            .unwrap_or("");
        let first = rest.split('/').next().unwrap_or("");
        match first {
            "search" | "parameterizedSearch" => Family::Search,
            "query" | "queryAll" => Family::Query,
            "composite" => Family::Composite,
            "sobjects" if *method != Method::GET && *method != Method::HEAD => Family::SobjectWrite,
            _ => Family::Other,
        }
    }
}

/// One request as the observer sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSample {
    pub family: Family,
    /// When the request started (Unix milliseconds).
    pub at_ms: i64,
    pub elapsed_ms: u64,
    /// The HTTP status; 0 when no answer came (unreachable, timeout).
    pub status: u16,
    /// Salesforce's `errorCode` (or `HTTP_<status>`, `UNREACHABLE`, `TIMEOUT`) when the
    /// request failed.
    pub error_code: Option<String>,
    /// The org's API usage the answer reported (`Sforce-Limit-Info`).
    pub usage: Option<ApiUsage>,
}

/// Receives every request's sample. Called on the request's task: keep it short.
pub type Observer = Arc<dyn Fn(&RequestSample) + Send + Sync>;

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The error code a failed request is counted under.
pub(crate) fn error_code_of(error: &crate::Error, status: u16) -> Option<String> {
    if (200..300).contains(&status) || status == 304 {
        return None;
    }
    Some(match error {
        crate::Error::Timeout => "TIMEOUT".into(),
        crate::Error::Unreachable(_) => "UNREACHABLE".into(),
        other => other
            .error_code()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP_{status}")),
    })
}

/// Latency and errors of one family over a window.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FamilyHealth {
    pub family: Family,
    pub requests: u32,
    /// Nearest-rank percentiles of the request durations.
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub errors: u32,
    /// `errors / requests` (0 without requests).
    pub error_rate: f64,
    /// Failed requests by error code, most frequent first.
    pub error_codes: Vec<ErrorCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCount {
    pub code: String,
    pub requests: u32,
}

/// The nearest-rank percentile (`p` in 0–100) of sorted values.
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// Each family with requests among `samples`, in [`Family::ALL`] order.
pub fn summarize(samples: &[RequestSample]) -> Vec<FamilyHealth> {
    Family::ALL
        .into_iter()
        .filter_map(|family| {
            let of: Vec<&RequestSample> = samples.iter().filter(|s| s.family == family).collect();
            if of.is_empty() {
                return None;
            }
            let mut durations: Vec<u64> = of.iter().map(|s| s.elapsed_ms).collect();
            durations.sort_unstable();
            let mut codes: std::collections::BTreeMap<&str, u32> = Default::default();
            for sample in &of {
                if let Some(code) = &sample.error_code {
                    *codes.entry(code.as_str()).or_default() += 1;
                }
            }
            let errors: u32 = codes.values().sum();
            let mut error_codes: Vec<ErrorCount> = codes
                .into_iter()
                .map(|(code, requests)| ErrorCount {
                    code: code.to_string(),
                    requests,
                })
                .collect();
            error_codes.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.code.cmp(&b.code)));
            Some(FamilyHealth {
                family,
                requests: of.len() as u32,
                p50_ms: percentile(&durations, 50),
                p95_ms: percentile(&durations, 95),
                errors,
                error_rate: f64::from(errors) / of.len() as f64,
                error_codes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_rest_paths() {
        let of = |method: Method, path: &str| Family::of(&method, path);
        assert_eq!(of(Method::POST, "/services/oauth2/token"), Family::Auth);
        assert_eq!(
            of(Method::GET, "/services/data/v62.0/search?q=FIND"),
            Family::Search
        );
        assert_eq!(of(Method::GET, "/services/data/v62.0/query"), Family::Query);
        assert_eq!(
            of(Method::GET, "/services/data/v62.0/query/01gD0-2000"),
            Family::Query
        );
        assert_eq!(
            of(Method::POST, "/services/data/v62.0/composite"),
            Family::Composite
        );
        assert_eq!(
            of(Method::PATCH, "/services/data/v62.0/composite/sobjects"),
            Family::Composite
        );
        assert_eq!(
            of(Method::PATCH, "/services/data/v62.0/sobjects/Lead/00Q1"),
            Family::SobjectWrite
        );
        assert_eq!(
            of(Method::POST, "/services/data/v62.0/sobjects/Task"),
            Family::SobjectWrite
        );
        assert_eq!(
            of(Method::GET, "/services/data/v62.0/sobjects/Lead/describe"),
            Family::Other
        );
        assert_eq!(
            of(Method::GET, "/services/data/v62.0/limits"),
            Family::Other
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&values, 50), Some(10));
        assert_eq!(percentile(&values, 95), Some(19));
        assert_eq!(percentile(&[7], 95), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn a_summary_counts_errors_by_code() {
        let sample = |family, elapsed_ms, code: Option<&str>| RequestSample {
            family,
            at_ms: 0,
            elapsed_ms,
            status: if code.is_some() { 503 } else { 200 },
            error_code: code.map(str::to_string),
            usage: None,
        };
        let summary = summarize(&[
            sample(Family::Search, 10, None),
            sample(Family::Search, 30, Some("SERVER_UNAVAILABLE")),
            sample(Family::Search, 20, None),
            sample(Family::Search, 40, Some("SERVER_UNAVAILABLE")),
            sample(Family::Query, 5, Some("TIMEOUT")),
        ]);
        assert_eq!(summary.len(), 2);
        let search = &summary[0];
        assert_eq!((search.requests, search.errors), (4, 2));
        assert_eq!((search.p50_ms, search.p95_ms), (Some(20), Some(40)));
        assert_eq!(search.error_rate, 0.5);
        assert_eq!(search.error_codes[0].code, "SERVER_UNAVAILABLE");
        assert_eq!(summary[1].family, Family::Query);
    }
}
