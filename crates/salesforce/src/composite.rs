//! Types for `POST /composite`: up to 25 subrequests in one API call, where later
//! subrequests refer to earlier results with `@{referenceId.field}`.
//!
//! ```
//! use callside_salesforce::composite::{reference, CompositeSubrequest};
//! use serde_json::json;
//!
//! let requests = vec![
//!     CompositeSubrequest::create("newLead", "Lead", json!({"LastName": "Lee", "Company": "Unknown"})),
//!     CompositeSubrequest::create(
//!         "callLog",
//!         "Task",
//!         json!({"WhoId": reference("newLead", "id"), "Subject": "Inbound call"}),
//!     ),
//! ];
//! assert_eq!(requests[1].body.as_ref().unwrap()["WhoId"], "@{newLead.id}");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::API_VERSION;

/// The most subrequests one composite call may carry.
pub const MAX_SUBREQUESTS: usize = 25;

/// The HTTP method of one subrequest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CompositeMethod {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

/// One subrequest of a composite call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubrequest {
    pub method: CompositeMethod,
    /// A REST path starting with `/services/data/vNN.N/`; may contain references.
    pub url: String,
    /// The name later subrequests use to refer to this one's result.
    pub reference_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Extra headers such as `If-Unmodified-Since` (never `Authorization`, `Accept` or
    /// `Content-Type`: Salesforce refuses the whole call then).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub http_headers: BTreeMap<String, String>,
}

fn data_path(resource: &str) -> String {
    format!("/services/data/v{API_VERSION}/{resource}")
}

impl CompositeSubrequest {
    /// A subrequest with any method and REST path.
    pub fn new(
        method: CompositeMethod,
        reference_id: impl Into<String>,
        url: impl Into<String>,
        body: Option<Value>,
    ) -> CompositeSubrequest {
        CompositeSubrequest {
            method,
            url: url.into(),
            reference_id: reference_id.into(),
            body,
            http_headers: BTreeMap::new(),
        }
    }

    /// `POST /sobjects/{sobject}`: creates a record; its id is `@{reference_id.id}`.
    pub fn create(
        reference_id: impl Into<String>,
        sobject: &str,
        fields: Value,
    ) -> CompositeSubrequest {
        Self::new(
            CompositeMethod::Post,
            reference_id,
            data_path(&format!("sobjects/{sobject}")),
            Some(fields),
        )
    }

    /// `PATCH /sobjects/{sobject}/{id}`; `id` may be a reference such as `@{newLead.id}`.
    pub fn update(
        reference_id: impl Into<String>,
        sobject: &str,
        id: &str,
        fields: Value,
    ) -> CompositeSubrequest {
        Self::new(
            CompositeMethod::Patch,
            reference_id,
            data_path(&format!("sobjects/{sobject}/{id}")),
            Some(fields),
        )
    }

    /// `DELETE /sobjects/{sobject}/{id}`.
    pub fn delete(reference_id: impl Into<String>, sobject: &str, id: &str) -> CompositeSubrequest {
        Self::new(
            CompositeMethod::Delete,
            reference_id,
            data_path(&format!("sobjects/{sobject}/{id}")),
            None,
        )
    }

    /// `GET /sobjects/{sobject}/{id}`, optionally only `fields`.
    pub fn get(
        reference_id: impl Into<String>,
        sobject: &str,
        id: &str,
        fields: Option<&[&str]>,
    ) -> CompositeSubrequest {
        let mut path = data_path(&format!("sobjects/{sobject}/{id}"));
        if let Some(fields) = fields {
            path.push_str("?fields=");
            path.extend(url::form_urlencoded::byte_serialize(
                fields.join(",").as_bytes(),
            ));
        }
        Self::new(CompositeMethod::Get, reference_id, path, None)
    }

    /// `GET /query?q=`; its records are `@{reference_id.records[0].Id}` and so on.
    pub fn query(reference_id: impl Into<String>, soql: &str) -> CompositeSubrequest {
        let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
        Self::new(
            CompositeMethod::Get,
            reference_id,
            data_path(&format!("query?q={encoded}")),
            None,
        )
    }

    /// Adds a header to this subrequest only.
    /// Makes the subrequest conditional: it changes the record only if nobody changed it
    /// after `last_modified` (a Salesforce datetime such as
    /// `2026-11-25T10:00:00.000+0000`), else its subresponse is a 412.
    pub fn if_unmodified_since(self, last_modified: &str) -> crate::Result<Self> {
        let since = crate::http_date::from_salesforce(last_modified).ok_or_else(|| {
            crate::Error::InvalidRequest(format!(
                "{last_modified:?} is not a Salesforce datetime like 2026-11-25T10:00:00.000+0000"
            ))
        })?;
        Ok(self.with_header("If-Unmodified-Since", since))
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.http_headers.insert(name.into(), value.into());
        self
    }
}

/// `@{reference_id.path}`: a value from an earlier subrequest's result, e.g.
/// `reference("newLead", "id")` or `reference("q", "records[0].Id")`.
pub fn reference(reference_id: &str, path: &str) -> String {
    format!("@{{{reference_id}.{path}}}")
}

/// The body `POST /composite` takes.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompositeRequest<'a> {
    pub all_or_none: bool,
    /// `false` runs the subrequests in the order given.
    pub collate_subrequests: bool,
    pub composite_request: &'a [CompositeSubrequest],
}

/// The body `POST /composite` answers with.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompositeResponse {
    pub composite_response: Vec<CompositeSubresponse>,
}

/// The result of one subrequest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubresponse {
    /// What the resource would have answered on its own: a save result, a record, a query
    /// result, an error array, or `null` (for 204).
    #[serde(default)]
    pub body: Value,
    #[serde(default)]
    pub http_headers: BTreeMap<String, String>,
    pub http_status_code: u16,
    pub reference_id: String,
}

impl CompositeSubresponse {
    /// True for a 2xx subresponse.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.http_status_code)
    }

    /// The new record's id, for a successful create.
    pub fn id(&self) -> Option<&str> {
        self.body.get("id").and_then(Value::as_str)
    }

    /// The subrequest's failure as an [`Error`], typed as if the call had been made alone
    /// (`PROCESSING_HALTED` for subrequests rolled back because another one failed).
    pub fn error(&self) -> Option<Error> {
        if self.is_success() {
            return None;
        }
        Some(Error::from_parts(
            self.http_status_code,
            Some(&self.body),
            &self.body.to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subrequests_serialize_as_salesforce_documents_them() {
        let lead = CompositeSubrequest::create("newLead", "Lead", json!({"LastName": "Lee"}));
        let task = CompositeSubrequest::create(
            "callLog",
            "Task",
            json!({"WhoId": reference("newLead", "id")}),
        );
        let body = serde_json::to_value(CompositeRequest {
            all_or_none: true,
            collate_subrequests: false,
            composite_request: &[lead, task],
        })
        .unwrap();
        assert_eq!(
            body,
            json!({
                "allOrNone": true,
                "collateSubrequests": false,
                "compositeRequest": [
                    {"method": "POST", "url": format!("/services/data/v{API_VERSION}/sobjects/Lead"),
                     "referenceId": "newLead", "body": {"LastName": "Lee"}},
                    {"method": "POST", "url": format!("/services/data/v{API_VERSION}/sobjects/Task"),
                     "referenceId": "callLog", "body": {"WhoId": "@{newLead.id}"}},
                ]
            })
        );
    }

    #[test]
    fn query_and_get_subrequests_encode_their_parameters() {
        let query = CompositeSubrequest::query("q", "SELECT Id FROM Lead WHERE Name = 'A&B'");
        assert_eq!(
            query.url,
            format!(
                "/services/data/v{API_VERSION}/query?q=SELECT+Id+FROM+Lead+WHERE+Name+%3D+%27A%26B%27"
            )
        );
        let get = CompositeSubrequest::get("g", "Lead", "@{newLead.id}", Some(&["Id", "Name"]))
            .with_header("If-Modified-Since", "Wed, 25 Nov 2026 10:00:00 GMT");
        assert_eq!(
            get.url,
            format!("/services/data/v{API_VERSION}/sobjects/Lead/@{{newLead.id}}?fields=Id%2CName")
        );
        assert_eq!(get.method, CompositeMethod::Get);
        assert_eq!(get.http_headers.len(), 1);
    }

    #[test]
    fn subresponses_give_ids_and_typed_errors() {
        let response: CompositeResponse = serde_json::from_value(json!({"compositeResponse": [
            {"body": {"id": "00Q000000000001AAA", "success": true, "errors": []},
             "httpHeaders": {"Location": "/services/data/v62.0/sobjects/Lead/00Q000000000001AAA"},
             "httpStatusCode": 201, "referenceId": "newLead"},
            {"body": [{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}],
             "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "callLog"},
            {"body": null, "httpHeaders": {}, "httpStatusCode": 204, "referenceId": "update"},
        ]}))
        .unwrap();
        let [lead, task, update] = &response.composite_response[..] else {
            panic!("three subresponses");
        };
        assert_eq!(lead.id(), Some("00Q000000000001AAA"));
        assert!(lead.error().is_none());
        let error = task.error().expect("the task failed");
        assert_eq!(error.error_code(), Some("PROCESSING_HALTED"));
        assert!(update.is_success() && update.id().is_none());
    }
}
