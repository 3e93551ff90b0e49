//! Records, schema and DML validation of the fake org.
//!
//! Reproduces the parts of the Salesforce data layer that REST clients can observe:
//! the standard objects and fields Callside uses (with Salesforce's API names, types and
//! lengths), 18-character ids with the right key prefixes and the real case-checksum
//! suffix, the server-maintained fields (`CreatedDate`, `SystemModstamp`, `Name` of
//! people, `IsClosed` of tasks, stage-derived opportunity fields, …) and the DML errors
//! Salesforce returns for bad create/update bodies (`INVALID_FIELD`,
//! `REQUIRED_FIELD_MISSING`, `STRING_TOO_LONG`, restricted picklists, cross-reference
//! and integrity errors).
//!
//! The picklist setup objects `OpportunityStage`, `LeadStatus` and `TaskStatus` are
//! read-only (`read_only`): queryable, readable by id, never written through the API.
//! All three use the key prefix `01J`, as in a real org, so an id can name one of
//! several objects.
//!
//! Deleting a record moves it to the "recycle bin": it keeps its data with
//! `IsDeleted = true`, is hidden from queries and searches and answers
//! `ENTITY_IS_DELETED`. Deletes do not cascade to child records.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};
use time::{Date, Duration, Month, OffsetDateTime, UtcOffset};

/// A record as stored: canonical field name → JSON value. Every field of the object's
/// schema is present (unset fields are `null`).
pub(crate) type Record = Map<String, Value>;

/// Salesforce's error element: `{"message","errorCode","fields"?}`, sent as a one-element array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: None,
        }
    }

    /// A DML error: HTTP 400 with a `fields` list.
    pub fn dml(code: &'static str, message: impl Into<String>, fields: Vec<String>) -> Self {
        ApiError {
            status: 400,
            code,
            message: message.into(),
            fields: Some(fields),
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(404, "NOT_FOUND", "The requested resource does not exist")
    }

    pub fn body(&self) -> Value {
        let mut e = Map::new();
        e.insert("message".into(), Value::String(self.message.clone()));
        e.insert("errorCode".into(), Value::String(self.code.into()));
        if let Some(fields) = &self.fields {
            e.insert("fields".into(), json!(fields));
        }
        Value::Array(vec![Value::Object(e)])
    }
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

/// The data type of a field, as the describe call names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FieldType {
    Id,
    Str(usize),
    TextArea(usize),
    Phone,
    Email,
    Url,
    /// Values, restricted?
    Picklist(&'static [&'static str], bool),
    Bool,
    Int,
    /// A number with decimals (`double` in describe), as custom Number fields are.
    Double,
    Currency,
    Percent,
    Date,
    DateTime,
    /// Target objects, relationship name.
    Reference(&'static [&'static str], &'static str),
    AutoNumber,
}

impl FieldType {
    /// Fields compared and stored as text.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldType::Id
                | FieldType::Str(_)
                | FieldType::TextArea(_)
                | FieldType::Phone
                | FieldType::Email
                | FieldType::Url
                | FieldType::Picklist(..)
                | FieldType::Reference(..)
                | FieldType::AutoNumber
        )
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Double | FieldType::Currency | FieldType::Percent
        )
    }

    pub fn is_id(&self) -> bool {
        matches!(self, FieldType::Id | FieldType::Reference(..))
    }

    pub fn max_len(&self) -> Option<usize> {
        match self {
            FieldType::Id | FieldType::Reference(..) => Some(18),
            FieldType::Str(n) | FieldType::TextArea(n) => Some(*n),
            FieldType::Phone => Some(40),
            FieldType::Email => Some(80),
            FieldType::Url | FieldType::Picklist(..) => Some(255),
            FieldType::AutoNumber => Some(30),
            _ => None,
        }
    }

    /// The `type` of the describe call.
    pub fn describe_name(&self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::Str(_) | FieldType::AutoNumber => "string",
            FieldType::TextArea(_) => "textarea",
            FieldType::Phone => "phone",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::Picklist(..) => "picklist",
            FieldType::Bool => "boolean",
            FieldType::Int => "int",
            FieldType::Double => "double",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
            FieldType::Reference(..) => "reference",
        }
    }

    pub fn soap_type(&self) -> &'static str {
        match self {
            FieldType::Id | FieldType::Reference(..) => "tns:ID",
            FieldType::Bool => "xsd:boolean",
            FieldType::Int => "xsd:int",
            FieldType::Double | FieldType::Currency | FieldType::Percent => "xsd:double",
            FieldType::Date => "xsd:date",
            FieldType::DateTime => "xsd:dateTime",
            _ => "xsd:string",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FieldDef {
    pub name: &'static str,
    pub label: String,
    pub ty: FieldType,
    pub createable: bool,
    pub updateable: bool,
    /// Must be non-null once saved (REQUIRED_FIELD_MISSING otherwise).
    pub required: bool,
    /// Value filled in on create when the body leaves the field out.
    pub default: Option<Value>,
}

impl FieldDef {
    fn new(name: &'static str, ty: FieldType) -> Self {
        FieldDef {
            name,
            label: default_label(name, &ty),
            ty,
            createable: true,
            updateable: true,
            required: false,
            default: None,
        }
    }
    fn ro(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }
    fn req(mut self) -> Self {
        self.required = true;
        self
    }
    fn create_only(mut self) -> Self {
        self.updateable = false;
        self
    }
    fn label(mut self, label: &str) -> Self {
        self.label = label.to_string();
        self
    }
    fn default(mut self, v: &'static str) -> Self {
        self.default = Some(Value::String(v.into()));
        self
    }

    /// The relationship name of a reference field (`Account` for `AccountId`).
    pub fn relationship(&self) -> Option<&'static str> {
        match self.ty {
            FieldType::Reference(_, rel) => Some(rel),
            _ => None,
        }
    }

    pub fn targets(&self) -> &'static [&'static str] {
        match self.ty {
            FieldType::Reference(t, _) => t,
            _ => &[],
        }
    }

    pub fn nillable(&self) -> bool {
        !self.required && self.ty != FieldType::Bool && self.ty != FieldType::Id
    }
}

fn default_label(name: &str, ty: &FieldType) -> String {
    if name == "Id" {
        return "Record ID".into();
    }
    let base = if matches!(ty, FieldType::Reference(..)) {
        name.strip_suffix("Id").unwrap_or(name)
    } else {
        name
    };
    let mut out = String::new();
    let chars: Vec<char> = base.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev_lower = chars[i - 1].is_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev_lower || next_lower {
                out.push(' ');
            }
        }
        out.push(*c);
    }
    if matches!(ty, FieldType::Reference(..)) {
        out.push_str(" ID");
    }
    out
}

/// A child relationship: `Account.Contacts` = Contact records whose `AccountId` points here.
#[derive(Debug, Clone)]
pub(crate) struct ChildRel {
    pub name: &'static str,
    pub object: &'static str,
    pub field: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct ObjectDef {
    pub name: &'static str,
    pub label: &'static str,
    pub label_plural: &'static str,
    pub key_prefix: &'static str,
    pub createable: bool,
    pub fields: Vec<FieldDef>,
    pub children: Vec<ChildRel>,
    /// Fields searched by SOSL `IN NAME FIELDS`.
    pub name_fields: &'static [&'static str],
    /// Returned by SOSL without a RETURNING clause.
    pub searchable: bool,
    /// Setup data (`OpportunityStage`, `LeadStatus`, `TaskStatus`): queryable, never
    /// written through the API.
    pub read_only: bool,
}

impl ObjectDef {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The reference field whose relationship name is `rel` (case-insensitive).
    pub fn relationship(&self, rel: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship()
                .is_some_and(|r| r.eq_ignore_ascii_case(rel))
        })
    }

    pub fn child(&self, name: &str) -> Option<&ChildRel> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

pub(crate) struct Schema {
    pub objects: Vec<ObjectDef>,
}

impl Schema {
    pub fn get() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(build_schema)
    }

    pub fn object(&'static self, name: &str) -> Option<&'static ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The objects whose ids start like `id` (several objects share `01J`).
    pub fn objects_for_id<'a>(
        &'static self,
        id: &'a str,
    ) -> impl Iterator<Item = &'static ObjectDef> + 'a {
        let prefix = id.get(..3).unwrap_or_default();
        self.objects
            .iter()
            .filter(move |o| !prefix.is_empty() && o.key_prefix == prefix)
    }
}

pub(crate) const LEAD_STATUSES: &[&str] = &[
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
];
pub(crate) const RATINGS: &[&str] = &["Hot", "Warm", "Cold"];
/// `Investment_Profile__c.Risk_Tolerance__c` (an industry panel's custom object).
const RISK_TOLERANCES: &[&str] = &["Conservative", "Balanced", "Growth", "Aggressive"];
pub(crate) const TASK_STATUSES: &[&str] = &[
    "Not Started",
    "In Progress",
    "Completed",
    "Waiting on someone else",
    "Deferred",
];
const TASK_PRIORITIES: &[&str] = &["High", "Normal", "Low"];
const TASK_SUBTYPES: &[&str] = &["Task", "Email", "List Email", "Cadence", "Call"];
const CALL_TYPES: &[&str] = &["Inbound", "Internal", "Outbound"];
const ACTIVITY_TYPES: &[&str] = &["Call", "Email", "Meeting", "Other"];
const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];
const INDUSTRIES: &[&str] = &[
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
    "Other",
];
const ACCOUNT_TYPES: &[&str] = &[
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
];
const OPPORTUNITY_TYPES: &[&str] = &[
    "Existing Customer - Upgrade",
    "Existing Customer - Replacement",
    "Existing Customer - Downgrade",
    "New Customer",
];
const FORECAST_CATEGORIES: &[&str] = &["Omitted", "Pipeline", "Best Case", "Commit", "Closed"];
/// `OpportunityStage.ForecastCategory`: the API names of the forecast categories.
const FORECAST_CATEGORY_KEYS: &[&str] = &["Omitted", "Pipeline", "BestCase", "Forecast", "Closed"];
const CASE_STATUSES: &[&str] = &["New", "Working", "Escalated", "Closed"];
const CASE_PRIORITIES: &[&str] = &["High", "Medium", "Low"];
const CASE_ORIGINS: &[&str] = &["Phone", "Email", "Web"];

/// The default opportunity stages: name, probability, closed, won, forecast category.
pub(crate) const STAGES: &[(&str, f64, bool, bool, &str)] = &[
    ("Prospecting", 10.0, false, false, "Pipeline"),
    ("Qualification", 10.0, false, false, "Pipeline"),
    ("Needs Analysis", 20.0, false, false, "Pipeline"),
    ("Value Proposition", 50.0, false, false, "Pipeline"),
    ("Id. Decision Makers", 60.0, false, false, "Pipeline"),
    ("Perception Analysis", 70.0, false, false, "Pipeline"),
    ("Proposal/Price Quote", 75.0, false, false, "Pipeline"),
    ("Negotiation/Review", 90.0, false, false, "Pipeline"),
    ("Closed Won", 100.0, true, true, "Closed"),
    ("Closed Lost", 0.0, true, false, "Omitted"),
];
const STAGE_NAMES: &[&str] = &[
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
];

const USER: &[&str] = &["User"];
const ACCOUNT: &[&str] = &["Account"];
const CONTACT: &[&str] = &["Contact"];
const OPPORTUNITY: &[&str] = &["Opportunity"];
const WHO: &[&str] = &["Contact", "Lead"];
const WHAT: &[&str] = &["Account", "Opportunity", "Case"];

fn audit_fields() -> Vec<FieldDef> {
    vec![
        FieldDef::new("CreatedDate", FieldType::DateTime)
            .ro()
            .label("Created Date"),
        FieldDef::new("LastModifiedDate", FieldType::DateTime)
            .ro()
            .label("Last Modified Date"),
        FieldDef::new("CreatedById", FieldType::Reference(USER, "CreatedBy"))
            .ro()
            .label("Created By ID"),
        FieldDef::new(
            "LastModifiedById",
            FieldType::Reference(USER, "LastModifiedBy"),
        )
        .ro()
        .label("Last Modified By ID"),
        FieldDef::new("SystemModstamp", FieldType::DateTime)
            .ro()
            .label("System Modstamp"),
    ]
}

fn id_field() -> FieldDef {
    FieldDef::new("Id", FieldType::Id).ro()
}

fn owner_field() -> FieldDef {
    FieldDef::new("OwnerId", FieldType::Reference(USER, "Owner")).req()
}

fn is_deleted() -> FieldDef {
    FieldDef::new("IsDeleted", FieldType::Bool)
        .ro()
        .label("Deleted")
}

fn last_activity() -> FieldDef {
    FieldDef::new("LastActivityDate", FieldType::Date)
        .ro()
        .label("Last Activity")
}

fn child(name: &'static str, object: &'static str, field: &'static str) -> ChildRel {
    ChildRel {
        name,
        object,
        field,
    }
}

fn build_schema() -> Schema {
    use FieldType::*;
    let f = FieldDef::new;

    let user = ObjectDef {
        name: "User",
        label: "User",
        label_plural: "Users",
        key_prefix: "005",
        createable: false,
        fields: vec![
            id_field(),
            f("Name", Str(121)).ro().label("Full Name"),
            f("FirstName", Str(40)),
            f("LastName", Str(80)).req(),
            f("Username", Str(80)).req(),
            f("Email", Email).req(),
        ],
        children: vec![],
        name_fields: &["Name", "Username"],
        searchable: false,
        read_only: false,
    };

    let mut account_fields = vec![
        id_field(),
        f("Name", Str(255)).req().label("Account Name"),
        f("Phone", Phone).label("Account Phone"),
        f("Fax", Phone).label("Account Fax"),
        f("Website", Url),
        f("Industry", Picklist(INDUSTRIES, false)),
        f("Type", Picklist(ACCOUNT_TYPES, false)).label("Account Type"),
        f("AnnualRevenue", Currency),
        f("NumberOfEmployees", Int).label("Employees"),
        f("BillingStreet", TextArea(255)),
        f("BillingCity", Str(40)),
        f("BillingState", Str(80)).label("Billing State/Province"),
        f("BillingPostalCode", Str(20)).label("Billing Zip/Postal Code"),
        f("BillingCountry", Str(80)),
        f("ParentId", Reference(ACCOUNT, "Parent")).label("Parent Account ID"),
        owner_field(),
        // Custom fields the demo org's admin added (the original brief's account query
        // reads them).
        f("Last_Activity__c", Date).label("Last Activity (CRM)"),
        f("Health_Score__c", Double).label("Health Score"),
    ];
    account_fields.extend(audit_fields());
    account_fields.push(last_activity());
    account_fields.push(is_deleted());
    let account = ObjectDef {
        name: "Account",
        label: "Account",
        label_plural: "Accounts",
        key_prefix: "001",
        createable: true,
        fields: account_fields,
        children: vec![
            child("ChildAccounts", "Account", "ParentId"),
            child("Contacts", "Contact", "AccountId"),
            child("Opportunities", "Opportunity", "AccountId"),
            child("Cases", "Case", "AccountId"),
            child("Tasks", "Task", "WhatId"),
            child("Events", "Event", "WhatId"),
        ],
        // SOSL `IN NAME FIELDS` searches an account's Website too.
        name_fields: &["Name", "Website"],
        searchable: true,
        read_only: false,
    };

    let mut contact_fields = vec![
        id_field(),
        f("FirstName", Str(40)),
        f("LastName", Str(80)).req(),
        f("Name", Str(121)).ro().label("Full Name"),
        f("Title", Str(128)),
        f("Email", Email),
        f("Phone", Phone).label("Business Phone"),
        f("MobilePhone", Phone),
        f("HomePhone", Phone),
        f("OtherPhone", Phone),
        f("AssistantPhone", Phone).label("Asst. Phone"),
        f("Fax", Phone).label("Business Fax"),
        f("AccountId", Reference(ACCOUNT, "Account")),
        owner_field(),
        f("LeadSource", Picklist(LEAD_SOURCES, false)),
        f("Description", TextArea(32000)),
    ];
    contact_fields.extend(audit_fields());
    contact_fields.push(last_activity());
    contact_fields.push(is_deleted());
    let contact = ObjectDef {
        name: "Contact",
        label: "Contact",
        label_plural: "Contacts",
        key_prefix: "003",
        createable: true,
        fields: contact_fields,
        children: vec![
            child("Cases", "Case", "ContactId"),
            child("Opportunities", "Opportunity", "ContactId"),
            child("Tasks", "Task", "WhoId"),
            child("Events", "Event", "WhoId"),
            child(
                "Investment_Profiles__r",
                "Investment_Profile__c",
                "Contact__c",
            ),
        ],
        name_fields: &["Name", "FirstName", "LastName"],
        searchable: true,
        read_only: false,
    };

    let mut lead_fields = vec![
        id_field(),
        f("FirstName", Str(40)),
        f("LastName", Str(80)).req(),
        f("Name", Str(121)).ro().label("Full Name"),
        f("Title", Str(128)),
        f("Company", Str(255)).req(),
        f("Email", Email),
        f("Phone", Phone),
        f("MobilePhone", Phone),
        f("Fax", Phone),
        f("Status", Picklist(LEAD_STATUSES, true))
            .req()
            .default("Open - Not Contacted"),
        f("Rating", Picklist(RATINGS, true)),
        f("LeadSource", Picklist(LEAD_SOURCES, false)),
        f("Industry", Picklist(INDUSTRIES, false)),
        f("Website", Url),
        f("AnnualRevenue", Currency),
        f("NumberOfEmployees", Int).label("Employees"),
        f("Street", TextArea(255)),
        f("City", Str(40)),
        f("State", Str(80)).label("State/Province"),
        f("PostalCode", Str(20)).label("Zip/Postal Code"),
        f("Country", Str(80)),
        f("Description", TextArea(32000)),
        f("IsConverted", Bool).ro().label("Converted"),
        f("ConvertedAccountId", Reference(ACCOUNT, "ConvertedAccount")).ro(),
        f("ConvertedContactId", Reference(CONTACT, "ConvertedContact")).ro(),
        f(
            "ConvertedOpportunityId",
            Reference(OPPORTUNITY, "ConvertedOpportunity"),
        )
        .ro(),
        f("ConvertedDate", Date).ro(),
        owner_field(),
    ];
    lead_fields.extend(audit_fields());
    lead_fields.push(last_activity());
    lead_fields.push(is_deleted());
    let lead = ObjectDef {
        name: "Lead",
        label: "Lead",
        label_plural: "Leads",
        key_prefix: "00Q",
        createable: true,
        fields: lead_fields,
        children: vec![
            child("Tasks", "Task", "WhoId"),
            child("Events", "Event", "WhoId"),
        ],
        name_fields: &["Name", "FirstName", "LastName", "Company"],
        searchable: true,
        read_only: false,
    };

    let mut opportunity_fields = vec![
        id_field(),
        f("Name", Str(120)).req().label("Opportunity Name"),
        f("AccountId", Reference(ACCOUNT, "Account")),
        f("ContactId", Reference(CONTACT, "Contact")),
        f("StageName", Picklist(STAGE_NAMES, true))
            .req()
            .label("Stage"),
        f("Amount", Currency),
        f("CloseDate", Date).req(),
        f("Probability", Percent).label("Probability (%)"),
        f("IsClosed", Bool).ro().label("Closed"),
        f("IsWon", Bool).ro().label("Won"),
        f("ForecastCategoryName", Picklist(FORECAST_CATEGORIES, true)).label("Forecast Category"),
        f("Type", Picklist(OPPORTUNITY_TYPES, false)).label("Opportunity Type"),
        f("LeadSource", Picklist(LEAD_SOURCES, false)),
        f("NextStep", Str(255)),
        f("Description", TextArea(32000)),
        owner_field(),
    ];
    opportunity_fields.extend(audit_fields());
    opportunity_fields.push(is_deleted());
    let opportunity = ObjectDef {
        name: "Opportunity",
        label: "Opportunity",
        label_plural: "Opportunities",
        key_prefix: "006",
        createable: true,
        fields: opportunity_fields,
        children: vec![
            child("Tasks", "Task", "WhatId"),
            child("Events", "Event", "WhatId"),
        ],
        name_fields: &["Name"],
        searchable: true,
        read_only: false,
    };

    let mut case_fields = vec![
        id_field(),
        f("CaseNumber", AutoNumber).ro(),
        f("Subject", Str(255)),
        f("Status", Picklist(CASE_STATUSES, false))
            .req()
            .default("New"),
        f("Priority", Picklist(CASE_PRIORITIES, false)).default("Medium"),
        f("Origin", Picklist(CASE_ORIGINS, false)).label("Case Origin"),
        f("Description", TextArea(32000)),
        f("IsClosed", Bool).ro().label("Closed"),
        f("AccountId", Reference(ACCOUNT, "Account")),
        f("ContactId", Reference(CONTACT, "Contact")),
        f("SuppliedPhone", Str(40)).label("Web Phone"),
        owner_field(),
    ];
    case_fields.extend(audit_fields());
    case_fields.push(is_deleted());
    let case = ObjectDef {
        name: "Case",
        label: "Case",
        label_plural: "Cases",
        key_prefix: "500",
        createable: true,
        fields: case_fields,
        children: vec![child("Tasks", "Task", "WhatId")],
        name_fields: &["CaseNumber", "Subject"],
        searchable: true,
        read_only: false,
    };

    let mut task_fields = vec![
        id_field(),
        f("Subject", Str(255)),
        f("Status", Picklist(TASK_STATUSES, true))
            .req()
            .default("Not Started"),
        f("Priority", Picklist(TASK_PRIORITIES, true))
            .req()
            .default("Normal"),
        f("ActivityDate", Date).label("Due Date Only"),
        f("Description", TextArea(32000)).label("Comments"),
        f("Type", Picklist(ACTIVITY_TYPES, false)),
        f("TaskSubtype", Picklist(TASK_SUBTYPES, true))
            .create_only()
            .default("Task"),
        f("CallType", Picklist(CALL_TYPES, true)),
        f("CallDurationInSeconds", Int).label("Call Duration"),
        f("CallDisposition", Str(255)).label("Call Result"),
        f("CallObject", Str(255)).label("Call Object Identifier"),
        // Custom fields of the original brief's call logging.
        f("Call_Outcome__c", Str(255)).label("Call Outcome"),
        f("Next_Steps__c", TextArea(32000)).label("Next Steps"),
        f("WhoId", Reference(WHO, "Who")).label("Name ID"),
        f("WhatId", Reference(WHAT, "What")).label("Related To ID"),
        f("AccountId", Reference(ACCOUNT, "Account")).ro(),
        owner_field().label("Assigned To ID"),
        f("IsClosed", Bool).ro().label("Closed"),
    ];
    task_fields.extend(audit_fields());
    task_fields.push(is_deleted());
    let task = ObjectDef {
        name: "Task",
        label: "Task",
        label_plural: "Tasks",
        key_prefix: "00T",
        createable: true,
        fields: task_fields,
        children: vec![],
        name_fields: &["Subject"],
        searchable: false,
        read_only: false,
    };

    let mut event_fields = vec![
        id_field(),
        f("Subject", Str(255)),
        f("StartDateTime", DateTime),
        f("EndDateTime", DateTime),
        f("DurationInMinutes", Int).label("Duration"),
        f("ActivityDateTime", DateTime).label("Due Date Time"),
        f("Description", TextArea(32000)),
        f("Type", Picklist(ACTIVITY_TYPES, false)),
        f("WhoId", Reference(WHO, "Who")).label("Name ID"),
        f("WhatId", Reference(WHAT, "What")).label("Related To ID"),
        owner_field().label("Assigned To ID"),
    ];
    event_fields.extend(audit_fields());
    event_fields.push(is_deleted());
    let event = ObjectDef {
        name: "Event",
        label: "Event",
        label_plural: "Events",
        key_prefix: "00U",
        createable: true,
        fields: event_fields,
        children: vec![],
        name_fields: &["Subject"],
        searchable: false,
        read_only: false,
    };

    let setup_object = |name: &'static str,
                        label: &'static str,
                        label_plural: &'static str,
                        fields: Vec<FieldDef>| {
        let mut all = vec![id_field()];
        all.extend(fields.into_iter().map(FieldDef::ro));
        all.extend(audit_fields());
        ObjectDef {
            name,
            label,
            label_plural,
            key_prefix: "01J",
            createable: false,
            fields: all,
            children: vec![],
            name_fields: &["MasterLabel"],
            searchable: false,
            read_only: true,
        }
    };
    let opportunity_stage = setup_object(
        "OpportunityStage",
        "Opportunity Stage",
        "Opportunity Stages",
        vec![
            f("MasterLabel", Str(255)).label("Master Label"),
            f("ApiName", Str(255)).label("Api Name"),
            f("IsActive", Bool).label("Is Active"),
            f("SortOrder", Int).label("Sort Order"),
            f("IsClosed", Bool).label("Closed"),
            f("IsWon", Bool).label("Won"),
            f("ForecastCategory", Picklist(FORECAST_CATEGORY_KEYS, true)),
            f("ForecastCategoryName", Picklist(FORECAST_CATEGORIES, true))
                .label("Forecast Category Name"),
            f("DefaultProbability", Percent).label("Probability (%)"),
            f("Description", Str(255)),
        ],
    );
    let lead_status = setup_object(
        "LeadStatus",
        "Lead Status Value",
        "Lead Status Values",
        vec![
            f("MasterLabel", Str(255)).label("Master Label"),
            f("ApiName", Str(255)).label("Api Name"),
            f("SortOrder", Int).label("Sort Order"),
            f("IsDefault", Bool).label("Is Default"),
            f("IsConverted", Bool).label("Is Converted"),
        ],
    );
    let task_status = setup_object(
        "TaskStatus",
        "Task Status Value",
        "Task Status Values",
        vec![
            f("MasterLabel", Str(255)).label("Master Label"),
            f("ApiName", Str(255)).label("Api Name"),
            f("SortOrder", Int).label("Sort Order"),
            f("IsDefault", Bool).label("Is Default"),
            f("IsClosed", Bool).label("Closed"),
        ],
    );

    // A custom object of a wealth-management org, with a lookup to Contact: what an
    // administrator shows as an industry panel under the caller card.
    let mut profile_fields = vec![
        id_field(),
        f("Name", Str(80)).label("Investment Profile Name"),
        f("Contact__c", Reference(CONTACT, "Contact__r")).label("Contact"),
        f("Risk_Tolerance__c", Picklist(RISK_TOLERANCES, true)).label("Risk Tolerance"),
        f("Portfolio_Value__c", Currency).label("Portfolio Value"),
        f("Investment_Horizon__c", Str(40)).label("Investment Horizon"),
        f("Last_Review__c", Date).label("Last Review"),
        owner_field(),
    ];
    profile_fields.extend(audit_fields());
    profile_fields.push(is_deleted());
    let investment_profile = ObjectDef {
        name: "Investment_Profile__c",
        label: "Investment Profile",
        label_plural: "Investment Profiles",
        key_prefix: "a01",
        createable: true,
        fields: profile_fields,
        children: vec![],
        name_fields: &["Name"],
        searchable: false,
        read_only: false,
    };

    Schema {
        objects: vec![
            account,
            contact,
            lead,
            opportunity,
            case,
            task,
            event,
            user,
            opportunity_stage,
            lead_status,
            task_status,
            investment_profile,
        ],
    }
}

// ---------------------------------------------------------------------------
// Ids and times
// ---------------------------------------------------------------------------

/// Appends Salesforce's 3-character case checksum to a 15-character id.
pub(crate) fn id18(id15: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let bytes = id15.as_bytes();
    let mut out = String::with_capacity(18);
    out.push_str(id15);
    for chunk in 0..3 {
        let mut bits = 0usize;
        for i in 0..5 {
            if bytes
                .get(chunk * 5 + i)
                .is_some_and(|b| b.is_ascii_uppercase())
            {
                bits |= 1 << i;
            }
        }
        out.push(ALPHABET[bits] as char);
    }
    out
}

/// A syntactically valid 15- or 18-character id.
pub(crate) fn is_id_syntax(s: &str) -> bool {
    (s.len() == 15 || s.len() == 18) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `given` (15 or 18 chars) names the stored 18-character id `stored`.
pub(crate) fn id_matches(stored: &str, given: &str) -> bool {
    match given.len() {
        18 => stored == given,
        15 => stored.get(..15) == Some(given),
        _ => false,
    }
}

/// `2026-11-25T10:00:00.000+0000`, the datetime format of the REST API.
pub(crate) fn fmt_datetime(dt: OffsetDateTime) -> String {
    let dt = dt.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000",
        dt.year(),
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

pub(crate) fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn digits_n(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let y = digits_n(parts.next()?, 4)?;
    let m = digits_n(parts.next()?, 2)?;
    let d = digits_n(parts.next()?, 2)?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(y as i32, Month::try_from(m as u8).ok()?, d as u8).ok()
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)`.
pub(crate) fn parse_datetime(s: &str) -> Option<OffsetDateTime> {
    let (date, rest) = s.split_once('T')?;
    let date = parse_date(date)?;
    let hms = rest.get(..8)?;
    let mut zone = rest.get(8..)?;
    let mut it = hms.split(':');
    let h = digits_n(it.next()?, 2)?;
    let mi = digits_n(it.next()?, 2)?;
    let se = digits_n(it.next()?, 2)?;
    let mut millis = 0u32;
    if let Some(frac) = zone.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if end == 0 {
            return None;
        }
        let digits = &frac[..end];
        let padded: String = digits.chars().chain("000".chars()).take(3).collect();
        millis = padded.parse().ok()?;
        zone = &frac[end..];
    }
    let offset_secs: i32 = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.chars().next()? {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let z = zone[1..].replace(':', "");
            let hh = digits_n(z.get(..2)?, 2)? as i32;
            let mm = digits_n(z.get(2..)?, 2)? as i32;
            sign * (hh * 3600 + mm * 60)
        }
    };
    let time = time::Time::from_hms_milli(h as u8, mi as u8, se as u8, millis as u16).ok()?;
    let offset = UtcOffset::from_whole_seconds(offset_secs).ok()?;
    Some(
        date.with_time(time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

/// Parses an HTTP date in Salesforce's conditional-header form
/// `EEE, dd MMM yyyy HH:mm:ss z` (`GMT`, US zone abbreviations or `±hhmm`).
pub(crate) fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let s = match s.split_once(',') {
        Some((_, rest)) => rest.trim(),
        None => s,
    };
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 5 {
        return None;
    }
    let day: u8 = parts[0].parse().ok()?;
    let month = match parts[1].to_ascii_lowercase().as_str() {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    let year: i32 = digits_n(parts[2], 4)? as i32;
    let mut hms = parts[3].split(':');
    let h = digits_n(hms.next()?, 2)? as u8;
    let mi = digits_n(hms.next()?, 2)? as u8;
    let se = digits_n(hms.next()?, 2)? as u8;
    if hms.next().is_some() {
        return None;
    }
    let offset_hours: i32 = match parts[4].to_ascii_uppercase().as_str() {
        "GMT" | "UTC" | "UT" | "Z" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        z => {
            let sign = match z.chars().next()? {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let hh = digits_n(z.get(1..3)?, 2)? as i32;
            let mm = digits_n(z.get(3..)?, 2)? as i32;
            let offset = UtcOffset::from_whole_seconds(sign * (hh * 3600 + mm * 60)).ok()?;
            let date = Date::from_calendar_date(year, month, day).ok()?;
            let time = time::Time::from_hms(h, mi, se).ok()?;
            return Some(date.with_time(time).assume_offset(offset));
        }
    };
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = time::Time::from_hms(h, mi, se).ok()?;
    let offset = UtcOffset::from_hms(offset_hours as i8, 0, 0).ok()?;
    Some(date.with_time(time).assume_offset(offset))
}

/// The current time at Salesforce's stored precision (whole seconds).
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t - Duration::nanoseconds(t.nanosecond() as i64)
}

// ---------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------

/// The id of the only user of the org (`Riley Demo`).
pub(crate) const DEMO_USER_ID15: &str = "005Dm0000000001";
/// The org id.
pub(crate) const ORG_ID15: &str = "00DDm0000000001";
/// The user the org's lead assignment rule gives phone leads to (`Lead Desk`).
pub(crate) const LEAD_DESK_USER_ID15: &str = "005Dm0000000002";
/// The org's one lead assignment rule, active: leads whose `LeadSource` is
/// "Phone Call" go to the Lead Desk.
pub(crate) const LEAD_RULE_ID15: &str = "01QDm0000000001";

/// All records of the org, per object, in insertion order.
#[derive(Clone)]
pub(crate) struct Store {
    records: BTreeMap<&'static str, Vec<Record>>,
    next_id: u64,
    next_case_number: u64,
}

/// Which DML operation a body is validated for.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Create,
    Update,
}

impl Store {
    pub fn new() -> Self {
        let mut records = BTreeMap::new();
        for o in &Schema::get().objects {
            records.insert(o.name, Vec::new());
        }
        Store {
            records,
            next_id: 100,
            next_case_number: 1001,
        }
    }

    /// Puts the records back as they were in `snapshot` (a rolled-back transaction).
    /// Id and case-number counters keep counting, so rolled-back ids are not reused.
    pub fn rollback_to(&mut self, snapshot: Store) {
        self.records = snapshot.records;
    }

    pub fn demo_user_id() -> String {
        id18(DEMO_USER_ID15)
    }

    pub fn org_id() -> String {
        id18(ORG_ID15)
    }

    fn new_id(&mut self, obj: &ObjectDef) -> String {
        self.next_id += 1;
        id18(&format!("{}Dm{:010}", obj.key_prefix, self.next_id))
    }

    /// Every record of an object, deleted ones included.
    pub fn all(&self, object: &str) -> &[Record] {
        self.records
            .get(object)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Runs the lead assignment rule on a lead just saved: a lead from a phone call
    /// goes to the Lead Desk; any other lead keeps its owner.
    pub fn assign_lead(&mut self, id: &str) {
        let desk = id18(LEAD_DESK_USER_ID15);
        if let Some(lead) = self.records.get_mut("Lead").and_then(|leads| {
            leads.iter_mut().find(|r| {
                r.get("Id")
                    .and_then(Value::as_str)
                    .is_some_and(|own| id_matches(own, id))
            })
        }) {
            if lead.get("LeadSource").and_then(Value::as_str) == Some("Phone Call") {
                lead.insert("OwnerId".into(), Value::String(desk));
            }
        }
    }

    /// Records that are not in the recycle bin.
    pub fn live<'a>(&'a self, object: &str) -> impl Iterator<Item = &'a Record> + 'a {
        self.all(object).iter().filter(|r| !is_deleted_record(r))
    }

    /// Looks a record up by a 15- or 18-character id (deleted records included).
    pub fn find(&self, id: &str) -> Option<(&'static ObjectDef, &Record)> {
        if !is_id_syntax(id) {
            return None;
        }
        Schema::get().objects_for_id(id).find_map(|obj| {
            let rec = self.all(obj.name).iter().find(|r| {
                r.get("Id")
                    .and_then(Value::as_str)
                    .is_some_and(|s| id_matches(s, id))
            })?;
            Some((obj, rec))
        })
    }

    /// A live record by id.
    pub fn find_live(&self, id: &str) -> Option<(&'static ObjectDef, &Record)> {
        self.find(id).filter(|(_, r)| !is_deleted_record(r))
    }

    fn find_mut(&mut self, object: &str, id: &str) -> Option<&mut Record> {
        self.records.get_mut(object)?.iter_mut().find(|r| {
            r.get("Id")
                .and_then(Value::as_str)
                .is_some_and(|s| id_matches(s, id))
        })
    }

    /// Sets one field of a seeded record as given: seed data that points forward, such
    /// as a parent account inserted after its child.
    pub(crate) fn set_raw(&mut self, object: &str, id: &str, field: &str, value: Value) {
        if let Some(rec) = self.find_mut(object, id) {
            rec.insert(field.into(), value);
        }
    }

    /// Inserts a record without the API's field-level checks (seed data): the caller's
    /// values are taken as given, and the server-maintained fields are derived.
    pub fn insert_raw(&mut self, object: &str, values: Value, created: OffsetDateTime) -> String {
        let Some(obj) = Schema::get().object(object) else {
            return String::new();
        };
        let mut rec = blank(obj);
        for f in &obj.fields {
            if let Some(d) = &f.default {
                rec.insert(f.name.into(), d.clone());
            }
        }
        if let Value::Object(m) = values {
            for (k, v) in m {
                if let Some(f) = obj.field(&k) {
                    rec.insert(f.name.into(), v);
                }
            }
        }
        let id = match rec.get("Id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => self.new_id(obj),
        };
        rec.insert("Id".into(), Value::String(id.clone()));
        self.finish_new(obj, &mut rec, created, None);
        self.derive(obj, &mut rec, None, &Map::new());
        self.touch_activity(obj, &rec);
        if let Some(list) = self.records.get_mut(obj.name) {
            list.push(rec);
        }
        id
    }

    fn finish_new(
        &mut self,
        obj: &ObjectDef,
        rec: &mut Record,
        created: OffsetDateTime,
        modified: Option<OffsetDateTime>,
    ) {
        let ts = Value::String(fmt_datetime(created));
        if obj.field("CreatedDate").is_some() {
            rec.insert("CreatedDate".into(), ts.clone());
            let m = modified
                .map(|m| Value::String(fmt_datetime(m)))
                .unwrap_or(ts);
            rec.insert("LastModifiedDate".into(), m.clone());
            rec.insert("SystemModstamp".into(), m);
            // The org's one API user makes every change.
            let user = Value::String(id18(DEMO_USER_ID15));
            rec.insert("CreatedById".into(), user.clone());
            rec.insert("LastModifiedById".into(), user);
        }
        if obj.field("IsDeleted").is_some() {
            rec.insert("IsDeleted".into(), Value::Bool(false));
        }
        if obj.field("OwnerId").is_some() && rec.get("OwnerId").is_none_or(Value::is_null) {
            rec.insert("OwnerId".into(), Value::String(Store::demo_user_id()));
        }
        if obj.name == "Case" && rec.get("CaseNumber").is_none_or(Value::is_null) {
            rec.insert(
                "CaseNumber".into(),
                Value::String(format!("{:08}", self.next_case_number)),
            );
            self.next_case_number += 1;
        }
        if obj.name == "Lead" && rec.get("IsConverted").is_none_or(Value::is_null) {
            rec.insert("IsConverted".into(), Value::Bool(false));
        }
    }

    /// `POST /sobjects/{Type}`: validates the body and inserts the record.
    pub fn create(
        &mut self,
        obj: &'static ObjectDef,
        body: &Map<String, Value>,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        if !obj.createable {
            return Err(ApiError::dml(
                "INVALID_TYPE_FOR_OPERATION",
                format!("entity type {} does not support insert", obj.name),
                vec![],
            ));
        }
        let values = self.coerce_body(obj, body, Op::Create)?;
        let mut rec = blank(obj);
        for f in &obj.fields {
            if let Some(d) = &f.default {
                rec.insert(f.name.into(), d.clone());
            }
        }
        for (k, v) in &values {
            rec.insert(k.clone(), v.clone());
        }
        self.check_record(obj, &rec)?;
        let id = self.new_id(obj);
        rec.insert("Id".into(), Value::String(id.clone()));
        self.finish_new(obj, &mut rec, now, None);
        self.derive(obj, &mut rec, None, &values);
        self.touch_activity(obj, &rec);
        if let Some(list) = self.records.get_mut(obj.name) {
            list.push(rec);
        }
        Ok(id)
    }

    /// `PATCH /sobjects/{Type}/{id}`.
    pub fn update(
        &mut self,
        obj: &'static ObjectDef,
        id: &str,
        body: &Map<String, Value>,
        now: OffsetDateTime,
        if_unmodified_since: Option<OffsetDateTime>,
    ) -> Result<(), ApiError> {
        let current = self.existing(obj, id)?.clone();
        if obj.read_only {
            return Err(ApiError::dml(
                "INVALID_TYPE_FOR_OPERATION",
                format!("entity type {} does not support update", obj.name),
                vec![],
            ));
        }
        if let Some(limit) = if_unmodified_since {
            let modified = current
                .get("LastModifiedDate")
                .and_then(Value::as_str)
                .and_then(parse_datetime);
            if modified.is_some_and(|m| m > limit) {
                return Err(ApiError::new(
                    412,
                    "PRECONDITION_FAILED",
                    "The requested resource has been modified since the If-Unmodified-Since date",
                ));
            }
        }
        if obj.name == "Lead" && current.get("IsConverted") == Some(&Value::Bool(true)) {
            return Err(ApiError::dml(
                "CANNOT_UPDATE_CONVERTED_LEAD",
                "cannot reference converted lead",
                vec![],
            ));
        }
        let current_id = current
            .get("Id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut body = body.clone();
        if let Some(key) = body.keys().find(|k| k.eq_ignore_ascii_case("Id")).cloned() {
            match body.get(&key).and_then(Value::as_str) {
                Some(v) if id_matches(&current_id, v) => {
                    body.remove(&key);
                }
                _ => {
                    return Err(ApiError::dml(
                        "INVALID_FIELD",
                        "The Id field should not be specified in the sobject data.",
                        vec![],
                    ))
                }
            }
        }
        let values = self.coerce_body(obj, &body, Op::Update)?;
        let mut rec = current.clone();
        for (k, v) in &values {
            rec.insert(k.clone(), v.clone());
        }
        self.check_record(obj, &rec)?;
        self.derive(obj, &mut rec, Some(&current), &values);
        let ts = Value::String(fmt_datetime(now));
        rec.insert("LastModifiedDate".into(), ts.clone());
        rec.insert("SystemModstamp".into(), ts);
        rec.insert(
            "LastModifiedById".into(),
            Value::String(id18(DEMO_USER_ID15)),
        );
        self.touch_activity(obj, &rec);
        if let Some(slot) = self.find_mut(obj.name, &current_id) {
            *slot = rec;
        }
        Ok(())
    }

    /// `DELETE /sobjects/{Type}/{id}`: moves the record to the recycle bin.
    pub fn delete(
        &mut self,
        obj: &'static ObjectDef,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let current_id = self
            .existing(obj, id)?
            .get("Id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if obj.name == "User" || obj.read_only {
            return Err(ApiError::dml(
                "INVALID_TYPE_FOR_OPERATION",
                format!("entity type {} does not support delete", obj.name),
                vec![],
            ));
        }
        if let Some(rec) = self.find_mut(obj.name, &current_id) {
            rec.insert("IsDeleted".into(), Value::Bool(true));
            rec.insert("SystemModstamp".into(), Value::String(fmt_datetime(now)));
        }
        Ok(())
    }

    /// The live record `id` of type `obj`, or the REST error for it.
    pub fn existing(&self, obj: &ObjectDef, id: &str) -> Result<&Record, ApiError> {
        match self.find(id) {
            Some((o, r)) if o.name == obj.name => {
                if is_deleted_record(r) {
                    Err(ApiError::new(404, "ENTITY_IS_DELETED", "entity is deleted"))
                } else {
                    Ok(r)
                }
            }
            _ => Err(ApiError::not_found()),
        }
    }

    /// Checks names, writability and types of every body field; returns canonical
    /// field name → stored value.
    fn coerce_body(
        &self,
        obj: &ObjectDef,
        body: &Map<String, Value>,
        op: Op,
    ) -> Result<Map<String, Value>, ApiError> {
        let mut out = Map::new();
        let mut not_writable = Vec::new();
        for (key, value) in body {
            if key == "attributes" {
                continue;
            }
            if op == Op::Create && key.eq_ignore_ascii_case("Id") {
                return Err(ApiError::dml(
                    "INVALID_FIELD",
                    "The Id field should not be specified in the sobject data.",
                    vec![],
                ));
            }
            let Some(field) = obj.field(key) else {
                return Err(ApiError::dml(
                    "INVALID_FIELD",
                    format!("No such column '{key}' on sobject of type {}", obj.name),
                    vec![],
                ));
            };
            let writable = match op {
                Op::Create => field.createable,
                Op::Update => field.updateable,
            };
            if !writable {
                not_writable.push(field.name.to_string());
                continue;
            }
            out.insert(field.name.into(), coerce_value(field, value)?);
        }
        if !not_writable.is_empty() {
            return Err(ApiError::dml(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                format!(
                    "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                    not_writable.join(", ")
                ),
                not_writable,
            ));
        }
        Ok(out)
    }

    /// Record-level rules once the body is merged: required fields, references and
    /// object-specific integrity rules.
    fn check_record(&self, obj: &ObjectDef, rec: &Record) -> Result<(), ApiError> {
        let mut missing = Vec::new();
        for f in &obj.fields {
            if f.required && f.name != "OwnerId" && rec.get(f.name).is_none_or(Value::is_null) {
                missing.push(f.name.to_string());
            }
        }
        if obj.name == "Event" {
            let has_start = ["StartDateTime", "ActivityDateTime"]
                .iter()
                .any(|k| rec.get(*k).is_some_and(|v| !v.is_null()));
            let has_len = ["EndDateTime", "DurationInMinutes"]
                .iter()
                .any(|k| rec.get(*k).is_some_and(|v| !v.is_null()));
            if !has_start {
                missing.push("ActivityDateTime".into());
            }
            if !has_len {
                missing.push("DurationInMinutes".into());
            }
        }
        if !missing.is_empty() {
            return Err(ApiError::dml(
                "REQUIRED_FIELD_MISSING",
                format!("Required fields are missing: [{}]", missing.join(", ")),
                missing,
            ));
        }
        for f in &obj.fields {
            let FieldType::Reference(targets, _) = f.ty else {
                continue;
            };
            if !f.createable && !f.updateable {
                continue;
            }
            let Some(id) = rec.get(f.name).and_then(Value::as_str) else {
                continue;
            };
            let ok = self
                .find_live(id)
                .is_some_and(|(o, _)| targets.contains(&o.name));
            if !ok {
                return Err(ApiError::dml(
                    "INVALID_CROSS_REFERENCE_KEY",
                    "invalid cross reference id",
                    vec![f.name.to_string()],
                ));
            }
        }
        if obj.name == "Task" || obj.name == "Event" {
            let who_is_lead = rec
                .get("WhoId")
                .and_then(Value::as_str)
                .is_some_and(|id| id.starts_with("00Q"));
            let has_what = rec.get("WhatId").is_some_and(|v| !v.is_null());
            if who_is_lead && has_what {
                return Err(ApiError::dml(
                    "FIELD_INTEGRITY_EXCEPTION",
                    "Related To ID: You can't associate an activity on a lead with a Related To record.",
                    vec!["WhatId".into()],
                ));
            }
        }
        Ok(())
    }

    /// Server-maintained fields.
    fn derive(
        &self,
        obj: &ObjectDef,
        rec: &mut Record,
        before: Option<&Record>,
        written: &Map<String, Value>,
    ) {
        match obj.name {
            "Lead" | "Contact" | "User" => {
                let name: Vec<&str> = ["FirstName", "LastName"]
                    .iter()
                    .filter_map(|k| rec.get(*k).and_then(Value::as_str))
                    .filter(|s| !s.is_empty())
                    .collect();
                let name = name.join(" ");
                rec.insert("Name".into(), Value::String(name));
            }
            "Task" => {
                let closed = rec.get("Status").and_then(Value::as_str) == Some("Completed");
                rec.insert("IsClosed".into(), Value::Bool(closed));
                let account = self.activity_account(rec);
                rec.insert(
                    "AccountId".into(),
                    account.map(Value::String).unwrap_or(Value::Null),
                );
            }
            "Case" => {
                let closed = rec.get("Status").and_then(Value::as_str) == Some("Closed");
                rec.insert("IsClosed".into(), Value::Bool(closed));
            }
            "Opportunity" => {
                let stage = rec
                    .get("StageName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let changed = before
                    .and_then(|b| b.get("StageName"))
                    .and_then(Value::as_str)
                    != Some(stage.as_str());
                if let Some((_, prob, closed, won, forecast)) = STAGES.iter().find(|s| s.0 == stage)
                {
                    rec.insert("IsClosed".into(), Value::Bool(*closed));
                    rec.insert("IsWon".into(), Value::Bool(*won));
                    let set_prob = !written.contains_key("Probability")
                        && (changed || rec.get("Probability").is_none_or(Value::is_null));
                    if set_prob {
                        rec.insert("Probability".into(), json!(*prob));
                    }
                    let set_forecast = !written.contains_key("ForecastCategoryName")
                        && (changed || rec.get("ForecastCategoryName").is_none_or(Value::is_null));
                    if set_forecast {
                        rec.insert(
                            "ForecastCategoryName".into(),
                            Value::String((*forecast).into()),
                        );
                    }
                }
            }
            "Event" => derive_event(rec),
            _ => {}
        }
    }

    /// `Task.AccountId`: from the WhatId (account, or the opportunity's or case's
    /// account), else from a contact WhoId.
    fn activity_account(&self, rec: &Record) -> Option<String> {
        let lookup = |id: Option<&str>| -> Option<(&'static ObjectDef, &Record)> {
            id.and_then(|id| self.find_live(id))
        };
        if let Some((o, r)) = lookup(rec.get("WhatId").and_then(Value::as_str)) {
            return match o.name {
                "Account" => r.get("Id").and_then(Value::as_str).map(String::from),
                _ => r.get("AccountId").and_then(Value::as_str).map(String::from),
            };
        }
        match lookup(rec.get("WhoId").and_then(Value::as_str)) {
            Some((o, r)) if o.name == "Contact" => {
                r.get("AccountId").and_then(Value::as_str).map(String::from)
            }
            _ => None,
        }
    }

    /// Keeps `LastActivityDate` of the people and accounts an activity is about.
    fn touch_activity(&mut self, obj: &ObjectDef, rec: &Record) {
        let date = match obj.name {
            "Task" => rec
                .get("ActivityDate")
                .and_then(Value::as_str)
                .map(String::from),
            "Event" => rec
                .get("ActivityDateTime")
                .and_then(Value::as_str)
                .map(|s| s.chars().take(10).collect()),
            _ => None,
        };
        let Some(date) = date else { return };
        let mut ids = Vec::new();
        for k in ["WhoId", "WhatId", "AccountId"] {
            if let Some(id) = rec.get(k).and_then(Value::as_str) {
                ids.push(id.to_string());
            }
        }
        for id in ids {
            let Some((o, _)) = self.find_live(&id) else {
                continue;
            };
            if o.field("LastActivityDate").is_none() {
                continue;
            }
            if let Some(r) = self.find_mut(o.name, &id) {
                let newer = match r.get("LastActivityDate").and_then(Value::as_str) {
                    Some(cur) => cur < date.as_str(),
                    None => true,
                };
                if newer {
                    r.insert("LastActivityDate".into(), Value::String(date.clone()));
                }
            }
        }
    }
}

fn derive_event(rec: &mut Record) {
    let get_dt =
        |rec: &Record, k: &str| rec.get(k).and_then(Value::as_str).and_then(parse_datetime);
    let start = get_dt(rec, "StartDateTime").or_else(|| get_dt(rec, "ActivityDateTime"));
    let Some(start) = start else { return };
    let duration = rec.get("DurationInMinutes").and_then(Value::as_i64);
    let end = get_dt(rec, "EndDateTime");
    let (end, minutes) = match (end, duration) {
        (Some(end), _) => (end, (end - start).whole_minutes()),
        (None, Some(m)) => {
            let end = (m.unsigned_abs() <= 100_000_000)
                .then(|| start.checked_add(Duration::minutes(m)))
                .flatten();
            (end.unwrap_or(start), m)
        }
        (None, None) => (start, 0),
    };
    rec.insert("StartDateTime".into(), Value::String(fmt_datetime(start)));
    rec.insert(
        "ActivityDateTime".into(),
        Value::String(fmt_datetime(start)),
    );
    rec.insert("EndDateTime".into(), Value::String(fmt_datetime(end)));
    rec.insert("DurationInMinutes".into(), json!(minutes));
}

pub(crate) fn is_deleted_record(r: &Record) -> bool {
    r.get("IsDeleted") == Some(&Value::Bool(true))
}

fn blank(obj: &ObjectDef) -> Record {
    let mut rec = Map::new();
    for f in &obj.fields {
        let v = if f.ty == FieldType::Bool {
            Value::Bool(false)
        } else {
            Value::Null
        };
        rec.insert(f.name.into(), v);
    }
    rec
}

fn type_error(field: &FieldDef, value: &Value, target: &str) -> ApiError {
    let kind = match value {
        Value::String(_) => "VALUE_STRING",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
        Value::Null => "VALUE_NULL",
    };
    let shown = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    ApiError::dml(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {target} from {kind} value {shown} or request may be missing a required field",
        ),
        vec![field.name.to_string()],
    )
}

/// Converts one body value to its stored form, with Salesforce's per-type checks.
fn coerce_value(field: &FieldDef, value: &Value) -> Result<Value, ApiError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let fname = || vec![field.name.to_string()];
    match field.ty {
        FieldType::Bool => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(type_error(field, value, "boolean")),
        },
        FieldType::Int => {
            let n = match value {
                Value::Number(n) => n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                        .map(|f| f as i64)
                }),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            n.map(|n| json!(n))
                .ok_or_else(|| type_error(field, value, "int"))
        }
        FieldType::Double | FieldType::Currency | FieldType::Percent => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                _ => None,
            };
            n.map(|n| json!(n))
                .ok_or_else(|| type_error(field, value, "double"))
        }
        FieldType::Date => match value {
            Value::String(s) if s.is_empty() => Ok(Value::Null),
            Value::String(s) => {
                let d = parse_date(s)
                    .or_else(|| parse_datetime(s).map(|dt| dt.date()))
                    .ok_or_else(|| type_error(field, value, "date"))?;
                Ok(Value::String(fmt_date(d)))
            }
            _ => Err(type_error(field, value, "date")),
        },
        FieldType::DateTime => match value {
            Value::String(s) if s.is_empty() => Ok(Value::Null),
            Value::String(s) => parse_datetime(s)
                .map(|dt| Value::String(fmt_datetime(dt)))
                .ok_or_else(|| type_error(field, value, "datetime")),
            _ => Err(type_error(field, value, "datetime")),
        },
        FieldType::Id | FieldType::Reference(..) => match value {
            Value::String(s) if s.is_empty() => Ok(Value::Null),
            Value::String(s) if is_id_syntax(s) => Ok(Value::String(if s.len() == 15 {
                id18(s)
            } else {
                s.clone()
            })),
            Value::String(_) => Err(ApiError::dml(
                "INVALID_CROSS_REFERENCE_KEY",
                "invalid cross reference id",
                fname(),
            )),
            _ => Err(type_error(field, value, "reference")),
        },
        _ => {
            let s = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(type_error(field, value, "string")),
            };
            if s.is_empty() {
                return Ok(Value::Null);
            }
            if let Some(max) = field.ty.max_len() {
                if s.chars().count() > max {
                    let shown: String = s.chars().take(100).collect();
                    let shown = if s.chars().count() > 100 {
                        format!("{shown}...")
                    } else {
                        shown
                    };
                    return Err(ApiError::dml(
                        "STRING_TOO_LONG",
                        format!(
                            "{}: data value too large: {shown} (max length={max})",
                            field.label
                        ),
                        fname(),
                    ));
                }
            }
            if let FieldType::Picklist(values, true) = field.ty {
                if !values.contains(&s.as_str()) {
                    return Err(ApiError::dml(
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        format!(
                            "{}: bad value for restricted picklist field: {s}",
                            field.label
                        ),
                        fname(),
                    ));
                }
            }
            if field.ty == FieldType::Email && !is_email(&s) {
                return Err(ApiError::dml(
                    "INVALID_EMAIL_ADDRESS",
                    format!("{}: invalid email address: {s}", field.label),
                    fname(),
                ));
            }
            Ok(Value::String(s))
        }
    }
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// A record as the REST API shows it: `attributes` first, then the given fields.
pub(crate) fn render(
    obj: &ObjectDef,
    rec: &Record,
    version: &str,
    fields: Option<&[&FieldDef]>,
) -> Value {
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(obj.name, rec, version));
    match fields {
        Some(list) => {
            for f in list {
                out.insert(
                    f.name.into(),
                    rec.get(f.name).cloned().unwrap_or(Value::Null),
                );
            }
        }
        None => {
            for f in &obj.fields {
                out.insert(
                    f.name.into(),
                    rec.get(f.name).cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    Value::Object(out)
}

/// `{"type": "Lead", "url": "/services/data/v62.0/sobjects/Lead/00Q..."}`.
pub(crate) fn attributes(object: &str, rec: &Record, version: &str) -> Value {
    let id = rec.get("Id").and_then(Value::as_str).unwrap_or_default();
    json!({
        "type": object,
        "url": format!("/services/data/v{version}/sobjects/{object}/{id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id18_checksum_matches_salesforce() {
        // A known pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC
        assert_eq!(id18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        assert_eq!(id18("003000000000001"), "003000000000001AAA");
    }

    #[test]
    fn datetime_round_trip() {
        let dt = parse_datetime("2026-11-25T10:00:00.000+0000").expect("parse");
        assert_eq!(fmt_datetime(dt), "2026-11-25T10:00:00.000+0000");
        let dt = parse_datetime("2026-11-25T12:30:00+02:00").expect("parse");
        assert_eq!(fmt_datetime(dt), "2026-11-25T10:30:00.000+0000");
        assert!(parse_datetime("2026-11-25").is_none());
    }

    #[test]
    fn http_dates() {
        let dt = parse_http_date("Mon, 30 Nov 2020 08:34:54 MST").expect("parse");
        assert_eq!(fmt_datetime(dt), "2020-11-30T15:34:54.000+0000");
        let dt = parse_http_date("Wed, 25 Nov 2026 10:00:00 GMT").expect("parse");
        assert_eq!(fmt_datetime(dt), "2026-11-25T10:00:00.000+0000");
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn labels() {
        assert_eq!(
            default_label("CallDurationInSeconds", &FieldType::Int),
            "Call Duration In Seconds"
        );
        assert_eq!(
            default_label("AccountId", &FieldType::Reference(ACCOUNT, "Account")),
            "Account ID"
        );
    }
}
