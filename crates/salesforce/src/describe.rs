//! The parts of `GET /sobjects/{Type}/describe` Callside reads, typed; the whole answer
//! stays available as JSON in [`SObjectDescribe::raw`].

use serde::Deserialize;
use serde_json::Value;

/// An object's metadata: its fields, their types and picklist values.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectDescribe {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub key_prefix: Option<String>,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub fields: Vec<FieldDescribe>,
    /// The whole describe answer.
    #[serde(skip)]
    pub raw: Value,
}

/// One field of a describe answer.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldDescribe {
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// `string`, `picklist`, `phone`, `reference`, `boolean`, `date`, `datetime`, ...
    #[serde(rename = "type", default)]
    pub field_type: String,
    #[serde(default)]
    pub length: u32,
    #[serde(default)]
    pub nillable: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    /// Only the listed picklist values are accepted
    /// (`INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST` otherwise).
    #[serde(default)]
    pub restricted_picklist: bool,
    #[serde(default)]
    pub picklist_values: Vec<PicklistValue>,
    #[serde(default)]
    pub reference_to: Vec<String>,
    #[serde(default)]
    pub relationship_name: Option<String>,
}

/// One value of a picklist field.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PicklistValue {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub default_value: bool,
}

impl SObjectDescribe {
    /// Reads a describe answer, keeping the JSON in [`SObjectDescribe::raw`].
    pub fn from_json(raw: Value) -> Result<SObjectDescribe, serde_json::Error> {
        let mut describe: SObjectDescribe = serde_json::from_value(raw.clone())?;
        describe.raw = raw;
        Ok(describe)
    }

    /// The field named `name` (case-insensitively, as Salesforce matches names).
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }

    /// The active values of a picklist field, in the org's order; empty for other fields.
    pub fn active_picklist_values(&self, field: &str) -> Vec<&PicklistValue> {
        self.field(field)
            .map(|field| {
                field
                    .picklist_values
                    .iter()
                    .filter(|value| value.active)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_fields_and_active_picklist_values() {
        let describe = SObjectDescribe::from_json(json!({
            "name": "Lead", "label": "Lead", "keyPrefix": "00Q", "createable": true, "updateable": true,
            "fields": [
                {"name": "Rating", "label": "Rating", "type": "picklist", "length": 255, "restrictedPicklist": true,
                 "picklistValues": [
                    {"active": true, "defaultValue": false, "label": "Hot", "validFor": null, "value": "Hot"},
                    {"active": false, "defaultValue": false, "label": "Lukewarm", "validFor": null, "value": "Lukewarm"},
                    {"active": true, "defaultValue": false, "label": "Cold", "validFor": null, "value": "Cold"}]},
                {"name": "Phone", "type": "phone", "length": 40, "nillable": true, "referenceTo": [], "relationshipName": null},
            ],
            "childRelationships": [],
        }))
        .unwrap();
        assert_eq!(describe.key_prefix.as_deref(), Some("00Q"));
        let values: Vec<&str> = describe
            .active_picklist_values("rating")
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(values, ["Hot", "Cold"]);
        assert!(describe.field("Rating").unwrap().restricted_picklist);
        assert_eq!(describe.field("Phone").unwrap().field_type, "phone");
        assert!(describe.active_picklist_values("Phone").is_empty());
        assert_eq!(describe.raw["childRelationships"], json!([]));
    }
}
