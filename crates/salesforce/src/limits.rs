//! `GET /limits`: the org's allocations and what remains of them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One allocation: `{"Max": 15000, "Remaining": 14998}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Limit {
    #[serde(rename = "Max")]
    pub max: i64,
    #[serde(rename = "Remaining")]
    pub remaining: i64,
}

impl Limit {
    /// How much of the allocation is used.
    pub fn used(&self) -> i64 {
        self.max - self.remaining
    }
}

/// Every allocation `GET /limits` reported, by name (`DailyApiRequests`,
/// `DataStorageMB`, ...). Per-app breakdowns nested inside an entry are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits(pub BTreeMap<String, Limit>);

impl Limits {
    /// Reads a `/limits` answer, skipping entries that are not `{Max, Remaining}`.
    pub fn from_json(value: &Value) -> Limits {
        let entries = value
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(name, entry)| {
                let limit = Limit::deserialize(entry).ok()?;
                Some((name.clone(), limit))
            })
            .collect();
        Limits(entries)
    }

    /// The allocation called `name`.
    pub fn get(&self, name: &str) -> Option<&Limit> {
        self.0.get(name)
    }

    /// The rolling 24-hour REST/SOAP request allocation.
    pub fn daily_api_requests(&self) -> Option<&Limit> {
        self.get("DailyApiRequests")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_allocations_and_ignores_nested_per_app_entries() {
        let limits = Limits::from_json(&json!({
            "DailyApiRequests": {"Max": 15000, "Remaining": 14990,
                                 "Ant Migration Tool": {"Max": 0, "Remaining": 0}},
            "DataStorageMB": {"Max": 5, "Remaining": 5},
            "Odd": "not a limit",
        }));
        assert_eq!(
            limits.daily_api_requests(),
            Some(&Limit {
                max: 15000,
                remaining: 14990
            })
        );
        assert_eq!(limits.daily_api_requests().unwrap().used(), 10);
        assert_eq!(limits.0.len(), 2);
    }
}
