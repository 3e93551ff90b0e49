//! The demo org's data: a small, realistic sales org a new Callside user first meets,
//! and the fixtures the tests rely on.
//!
//! Phone numbers are stored the way people type them, in mixed formats (US national
//! with punctuation, E.164, German national and international with `00`), because a
//! real org stores API-written phone values as sent. Names include an apostrophe,
//! umlauts, an ampersand and Japanese script. Dates are relative to the server start,
//! so "open opportunities closing next month" stay true whenever the demo runs.
//!
//! | Record | Stored phone value(s) |
//! |---|---|
//! | Account Summit Outdoor Supply | Phone `(720) 555-0100` |
//! | Contact Dana Whitfield (Summit) | Phone `+1 720 555 0111`, MobilePhone `720.555.0122` |
//! | Contact Aisha Bello (Summit) | MobilePhone `720 555 0166` |
//! | Account Bergmann Maschinenbau GmbH | Phone `+49 89 1234567` |
//! | Contact Jürgen Müller (Bergmann) | Phone `089 7654321` |
//! | Account Rossi Family Wines | Phone `(303) 555-0190` |
//! | Contact Elena Rossi (Rossi Family Wines) | Phone `303-555-0188` |
//! | Account Lichtwerk Optik GmbH | Phone `+49 30 98765432` |
//! | Contact Wei Zhang (Lichtwerk) | Phone `0049 30 12345678` |
//! | Account Cascade Dental Group | Phone `206.555.0150` |
//! | Contact Marcus Lee (Cascade) | Phone `(206) 555-0151` |
//! | Lead Priya Raman (Lumen Analytics) | Phone `720-555-0133` |
//! | Lead Siobhan O'Connor (Harbour & Sons) | MobilePhone `+17205550144` |
//! | Lead Tom Becker (Becker Logistik), converted | Phone `(303) 555-0177` |
//! | Lead Marco Rossi (Rossi Imports) | Phone `(303) 555-0188` |
//! | Lead Nadia Decoy (Thames Widget Co) | Phone `+44 20 7946 0100` |
//! | Lead 佐藤 美咲 (さくらデザイン株式会社) | Phone `+81 3-5555-0199` |
//! | Lead Grace Kim (Kim & Park Architects) | Phone `7205550160` |
//! | Account Becker Logistik, Contact Tom Becker | none (created by the conversion) |
//! | Account Summit Holdings Inc. (parent of Summit Outdoor Supply and Summit Trail Rentals) | Phone `(720) 555-0190` |
//! | Account Summit Trail Rentals, Contact Rosa Delgado | Phone `(970) 555-0142`, `(970) 555-0143` |
//! | Lead Lena Vogt (Summit Trail Rentals) | none; email only |
//!
//! Dana Whitfield and Elena Rossi each have an `Investment_Profile__c` (a custom object
//! with a lookup to Contact: risk tolerance, portfolio value, horizon, last review), the
//! industry panel of the tests.
//!
//! Every contact and open lead has an email address; accounts carry the facts the
//! caller card shows (industry, revenue, employees, billing address, website, type,
//! parent) and the admin's custom fields `Last_Activity__c` and `Health_Score__c`.
//!
//! The read-only setup objects `OpportunityStage` (the ten default stages with their
//! default probabilities, closed/won flags and forecast categories), `LeadStatus` and
//! `TaskStatus` hold one row per picklist value, in picklist order.

use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::store::{
    fmt_date, fmt_datetime, id18, Store, DEMO_USER_ID15, LEAD_DESK_USER_ID15, LEAD_STATUSES,
    STAGES, TASK_STATUSES,
};

/// Fills an empty store with the demo org's data, timestamps relative to `now`.
pub(crate) fn seed(store: &mut Store, now: OffsetDateTime) {
    let days_ago = |d: i64| now - Duration::days(d);
    let date_in = |d: i64| fmt_date(now.date() + Duration::days(d));

    store.insert_raw(
        "User",
        json!({
            "Id": id18(DEMO_USER_ID15),
            "FirstName": "Riley",
            "LastName": "Demo",
            "Username": "riley.demo@callside.example",
            "Email": "riley.demo@callside.example",
        }),
        days_ago(400),
    );
    // The owner the org's lead assignment rule gives phone leads to.
    store.insert_raw(
        "User",
        json!({
            "Id": id18(LEAD_DESK_USER_ID15),
            "FirstName": "Lead",
            "LastName": "Desk",
            "Username": "lead.desk@callside.example",
            "Email": "lead.desk@callside.example",
        }),
        days_ago(400),
    );

    // 1. Summit Outdoor Supply: a customer with open and closed business.
    let summit = store.insert_raw(
        "Account",
        json!({
            "Name": "Summit Outdoor Supply",
            "Phone": "(720) 555-0100",
            "Website": "summitoutdoor.example",
            "Industry": "Retail",
            "Type": "Customer - Direct",
            "AnnualRevenue": 4200000.0,
            "NumberOfEmployees": 85,
            "BillingStreet": "1550 Wynkoop St",
            "BillingCity": "Denver",
            "BillingState": "CO",
            "BillingPostalCode": "80202",
            "BillingCountry": "United States",
            "Last_Activity__c": date_in(-7),
            "Health_Score__c": 86.0,
        }),
        days_ago(210),
    );
    let dana = store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Dana",
            "LastName": "Whitfield",
            "Title": "Head of Purchasing",
            "Email": "dana.whitfield@summitoutdoor.example",
            "Phone": "+1 720 555 0111",
            "MobilePhone": "720.555.0122",
            "AccountId": summit,
            "LeadSource": "Partner Referral",
        }),
        days_ago(200),
    );
    // Dana's investment profile (a custom object with a lookup to Contact).
    store.insert_raw(
        "Investment_Profile__c",
        json!({
            "Name": "Whitfield family office",
            "Contact__c": dana.clone(),
            "Risk_Tolerance__c": "Balanced",
            "Portfolio_Value__c": 1_250_000.0,
            "Investment_Horizon__c": "10+ years",
            "Last_Review__c": date_in(-30),
        }),
        days_ago(190),
    );
    store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Aisha",
            "LastName": "Bello",
            "Title": "Store Manager",
            "Email": "aisha.bello@summitoutdoor.example",
            "MobilePhone": "720 555 0166",
            "AccountId": summit,
        }),
        days_ago(120),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Summit - Spring Catalog",
            "AccountId": summit,
            "ContactId": dana,
            "StageName": "Prospecting",
            "Amount": 12000.0,
            "CloseDate": date_in(45),
            "Type": "Existing Customer - Upgrade",
            "NextStep": "Send catalog draft",
        }),
        days_ago(20),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Summit - Store Fixtures",
            "AccountId": summit,
            "ContactId": dana,
            "StageName": "Negotiation/Review",
            "Amount": 48500.0,
            "CloseDate": date_in(14),
            "Type": "Existing Customer - Upgrade",
            "NextStep": "Confirm install dates",
        }),
        days_ago(60),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Summit - Winter Restock",
            "AccountId": summit,
            "StageName": "Closed Won",
            "Amount": 23000.0,
            "CloseDate": date_in(-40),
            "Type": "Existing Customer - Replacement",
        }),
        days_ago(120),
    );
    store.insert_raw(
        "Case",
        json!({
            "Subject": "Damaged shipment",
            "Status": "New",
            "Priority": "High",
            "Origin": "Phone",
            "Description": "Two crates of tent poles arrived bent.",
            "AccountId": summit,
            "ContactId": dana,
        }),
        days_ago(2),
    );
    store.insert_raw(
        "Case",
        json!({
            "Subject": "Invoice question",
            "Status": "Closed",
            "Priority": "Medium",
            "Origin": "Email",
            "AccountId": summit,
            "ContactId": dana,
        }),
        days_ago(35),
    );
    store.insert_raw(
        "Task",
        json!({
            "Subject": "Call with Dana Whitfield",
            "Status": "Completed",
            "Priority": "Normal",
            "TaskSubtype": "Call",
            "Type": "Call",
            "CallType": "Outbound",
            "CallDurationInSeconds": 420,
            "CallDisposition": "Connected",
            "ActivityDate": date_in(-7),
            "Description": "Walked through the fixture quote; she wants install dates.",
            "WhoId": dana,
            "WhatId": summit,
        }),
        days_ago(7),
    );

    // 2. Bergmann Maschinenbau: German customer, international and national formats.
    let bergmann = store.insert_raw(
        "Account",
        json!({
            "Name": "Bergmann Maschinenbau GmbH",
            "Phone": "+49 89 1234567",
            "Website": "bergmann-maschinenbau.example",
            "Industry": "Machinery",
            "Type": "Customer - Direct",
            "NumberOfEmployees": 320,
            "BillingStreet": "Landsberger Str. 110",
            "BillingCity": "Munich",
            "BillingPostalCode": "80339",
            "BillingCountry": "Germany",
        }),
        days_ago(300),
    );
    let juergen = store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Jürgen",
            "LastName": "Müller",
            "Title": "Leiter Einkauf",
            "Email": "juergen.mueller@bergmann-maschinenbau.example",
            "Phone": "089 7654321",
            "AccountId": bergmann,
        }),
        days_ago(290),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Bergmann - Retrofit",
            "AccountId": bergmann,
            "ContactId": juergen,
            "StageName": "Qualification",
            "Amount": 85000.0,
            "CloseDate": date_in(75),
            "Type": "Existing Customer - Upgrade",
        }),
        days_ago(10),
    );
    store.insert_raw(
        "Event",
        json!({
            "Subject": "Site visit Munich",
            "StartDateTime": fmt_datetime(now + Duration::days(10)),
            "DurationInMinutes": 120,
            "Type": "Meeting",
            "WhoId": juergen,
            "WhatId": bergmann,
        }),
        days_ago(3),
    );

    // 3.-5. Leads, one of them already converted.
    let priya = store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Priya",
            "LastName": "Raman",
            "Title": "VP Operations",
            "Company": "Lumen Analytics",
            "Email": "priya.raman@lumenanalytics.example",
            "Phone": "720-555-0133",
            "Status": "Open - Not Contacted",
            "Rating": "Warm",
            "LeadSource": "Web",
            "Industry": "Technology",
            "Website": "lumenanalytics.example",
            "AnnualRevenue": 2300000.0,
            "NumberOfEmployees": 40,
            "City": "Boulder",
            "State": "CO",
            "Country": "United States",
        }),
        days_ago(5),
    );
    store.insert_raw(
        "Task",
        json!({
            "Subject": "Follow up on pricing request",
            "Status": "Not Started",
            "Priority": "High",
            "ActivityDate": date_in(1),
            "WhoId": priya,
        }),
        days_ago(4),
    );
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Siobhan",
            "LastName": "O'Connor",
            "Title": "Owner",
            "Company": "Harbour & Sons",
            "Email": "siobhan@harbourandsons.example",
            "MobilePhone": "+17205550144",
            "Status": "Working - Contacted",
            "Rating": "Hot",
            "LeadSource": "Phone Inquiry",
        }),
        days_ago(12),
    );
    let becker_account = store.insert_raw(
        "Account",
        json!({
            "Name": "Becker Logistik",
            "Industry": "Transportation",
            "BillingCity": "Aurora",
            "BillingCountry": "United States",
        }),
        days_ago(30),
    );
    let becker_contact = store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Tom",
            "LastName": "Becker",
            "Email": "tom@beckerlogistik.example",
            "AccountId": becker_account,
        }),
        days_ago(30),
    );
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Tom",
            "LastName": "Becker",
            "Company": "Becker Logistik",
            "Email": "tom@beckerlogistik.example",
            "Phone": "(303) 555-0177",
            "Status": "Closed - Converted",
            "Rating": "Warm",
            "IsConverted": true,
            "ConvertedDate": date_in(-30),
            "ConvertedAccountId": becker_account,
            "ConvertedContactId": becker_contact,
        }),
        days_ago(45),
    );

    // 6. One number, two people: a lead and a contact at another account.
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Marco",
            "LastName": "Rossi",
            "Company": "Rossi Imports",
            "Email": "marco@rossiimports.example",
            "Phone": "(303) 555-0188",
            "Status": "Open - Not Contacted",
            "Rating": "Cold",
            "LeadSource": "Purchased List",
        }),
        days_ago(9),
    );
    let rossi = store.insert_raw(
        "Account",
        json!({
            "Name": "Rossi Family Wines",
            "Phone": "(303) 555-0190",
            "Website": "rossifamilywines.example",
            "Industry": "Food & Beverage",
            "Type": "Prospect",
            "BillingCity": "Boulder",
            "BillingCountry": "United States",
        }),
        days_ago(150),
    );
    let elena = store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Elena",
            "LastName": "Rossi",
            "Title": "Owner",
            "Email": "elena@rossifamilywines.example",
            "Phone": "303-555-0188",
            "AccountId": rossi,
        }),
        days_ago(150),
    );
    store.insert_raw(
        "Investment_Profile__c",
        json!({
            "Name": "Rossi retirement plan",
            "Contact__c": elena.clone(),
            "Risk_Tolerance__c": "Conservative",
            "Portfolio_Value__c": 340_000.0,
            "Investment_Horizon__c": "5 years",
            "Last_Review__c": date_in(-90),
        }),
        days_ago(140),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Rossi - Cellar Expansion",
            "AccountId": rossi,
            "ContactId": elena,
            "StageName": "Needs Analysis",
            "Amount": 15000.0,
            "CloseDate": date_in(90),
            "Type": "New Customer",
        }),
        days_ago(15),
    );

    // 7. A Berlin contact stored with the 00 international prefix.
    let lichtwerk = store.insert_raw(
        "Account",
        json!({
            "Name": "Lichtwerk Optik GmbH",
            "Phone": "+49 30 98765432",
            "Industry": "Electronics",
            "Type": "Prospect",
            "BillingCity": "Berlin",
            "BillingCountry": "Germany",
        }),
        days_ago(80),
    );
    store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Wei",
            "LastName": "Zhang",
            "Title": "CTO",
            "Email": "wei.zhang@lichtwerk-optik.example",
            "Phone": "0049 30 12345678",
            "AccountId": lichtwerk,
            "Description": "张伟 prefers calls in the morning (Berlin time).",
        }),
        days_ago(80),
    );

    // 8. A decoy whose national digits match nothing else.
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Nadia",
            "LastName": "Decoy",
            "Company": "Thames Widget Co",
            "Email": "nadia@thameswidget.example",
            "Phone": "+44 20 7946 0100",
            "Status": "Open - Not Contacted",
            "LeadSource": "Other",
        }),
        days_ago(25),
    );

    // More everyday records.
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "美咲",
            "LastName": "佐藤",
            "Company": "さくらデザイン株式会社",
            "Email": "misaki.sato@sakura-design.example",
            "Phone": "+81 3-5555-0199",
            "Status": "Working - Contacted",
            "Rating": "Warm",
            "LeadSource": "Partner Referral",
        }),
        days_ago(18),
    );
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Grace",
            "LastName": "Kim",
            "Company": "Kim & Park Architects",
            "Email": "grace@kimpark.example",
            "Phone": "7205550160",
            "Status": "Closed - Not Converted",
            "Rating": "Cold",
            "LeadSource": "Web",
        }),
        days_ago(60),
    );
    let cascade = store.insert_raw(
        "Account",
        json!({
            "Name": "Cascade Dental Group",
            "Phone": "206.555.0150",
            "Industry": "Healthcare",
            "Type": "Customer - Channel",
            "BillingCity": "Seattle",
            "BillingCountry": "United States",
        }),
        days_ago(500),
    );
    store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Marcus",
            "LastName": "Lee",
            "Title": "Practice Manager",
            "Email": "marcus.lee@cascadedental.example",
            "Phone": "(206) 555-0151",
            "AccountId": cascade,
        }),
        days_ago(480),
    );
    store.insert_raw(
        "Case",
        json!({
            "Subject": "Replacement parts for chair lift",
            "Status": "Working",
            "Priority": "Medium",
            "Origin": "Web",
            "AccountId": cascade,
        }),
        days_ago(6),
    );

    // 9. An account family: Summit Outdoor Supply and Summit Trail Rentals belong to
    //    Summit Holdings; a lead works at the rental company too.
    let holdings = store.insert_raw(
        "Account",
        json!({
            "Name": "Summit Holdings Inc.",
            "Phone": "(720) 555-0190",
            "Website": "https://www.summitholdings.example",
            "Industry": "Retail",
            "Type": "Other",
            "AnnualRevenue": 18500000.0,
            "NumberOfEmployees": 240,
            "BillingStreet": "1550 Wynkoop St, Suite 400",
            "BillingCity": "Denver",
            "BillingState": "CO",
            "BillingPostalCode": "80202",
            "BillingCountry": "United States",
            "Health_Score__c": 81.0,
        }),
        days_ago(900),
    );
    store.set_raw("Account", &summit, "ParentId", json!(holdings));
    let rentals = store.insert_raw(
        "Account",
        json!({
            "Name": "Summit Trail Rentals",
            "Phone": "(970) 555-0142",
            "Website": "summittrail.example",
            "Industry": "Recreation",
            "Type": "Customer - Direct",
            "AnnualRevenue": 1150000.0,
            "NumberOfEmployees": 22,
            "BillingStreet": "210 Elkhorn Ave",
            "BillingCity": "Estes Park",
            "BillingState": "CO",
            "BillingPostalCode": "80517",
            "BillingCountry": "United States",
            "ParentId": holdings,
            "Health_Score__c": 64.0,
            "Last_Activity__c": date_in(-21),
        }),
        days_ago(400),
    );
    let rosa = store.insert_raw(
        "Contact",
        json!({
            "FirstName": "Rosa",
            "LastName": "Delgado",
            "Title": "Operations Manager",
            "Email": "rosa.delgado@summittrail.example",
            "Phone": "(970) 555-0143",
            "AccountId": rentals,
        }),
        days_ago(390),
    );
    store.insert_raw(
        "Opportunity",
        json!({
            "Name": "Summit Trail - Bike Fleet",
            "AccountId": rentals,
            "ContactId": rosa,
            "StageName": "Value Proposition",
            "Amount": 9500.0,
            "CloseDate": date_in(30),
            "Type": "Existing Customer - Upgrade",
        }),
        days_ago(25),
    );
    store.insert_raw(
        "Lead",
        json!({
            "FirstName": "Lena",
            "LastName": "Vogt",
            "Title": "Store Lead",
            "Company": "Summit Trail Rentals",
            "Email": "lena.vogt@summittrail.example",
            "Website": "summittrail.example",
            "Industry": "Recreation",
            "City": "Estes Park",
            "State": "CO",
            "Country": "United States",
            "Status": "Open - Not Contacted",
            "LeadSource": "Web",
        }),
        days_ago(14),
    );

    seed_picklist_values(store, days_ago(400));
}

/// The setup objects behind the Lead Status, Task Status and Opportunity Stage
/// picklists, as in a new org. Their ids are fixed (prefix `01J`, shared by all
/// picklist-value objects) and do not move the other records' ids.
fn seed_picklist_values(store: &mut Store, created: OffsetDateTime) {
    let id = |kind: char, n: usize| id18(&format!("01JDm{kind}{n:09}"));
    for (i, (name, probability, closed, won, forecast)) in STAGES.iter().enumerate() {
        let forecast_key = match *forecast {
            "Best Case" => "BestCase",
            "Commit" => "Forecast",
            other => other,
        };
        store.insert_raw(
            "OpportunityStage",
            json!({
                "Id": id('S', i + 1),
                "MasterLabel": name,
                "ApiName": name,
                "IsActive": true,
                "SortOrder": i + 1,
                "IsClosed": closed,
                "IsWon": won,
                "ForecastCategory": forecast_key,
                "ForecastCategoryName": forecast,
                "DefaultProbability": probability,
            }),
            created,
        );
    }
    for (i, name) in LEAD_STATUSES.iter().enumerate() {
        store.insert_raw(
            "LeadStatus",
            json!({
                "Id": id('L', i + 1),
                "MasterLabel": name,
                "ApiName": name,
                "SortOrder": i + 1,
                "IsDefault": i == 0,
                "IsConverted": *name == "Closed - Converted",
            }),
            created,
        );
    }
    for (i, name) in TASK_STATUSES.iter().enumerate() {
        store.insert_raw(
            "TaskStatus",
            json!({
                "Id": id('T', i + 1),
                "MasterLabel": name,
                "ApiName": name,
                "SortOrder": i + 1,
                "IsDefault": i == 0,
                "IsClosed": *name == "Completed",
            }),
            created,
        );
    }
}
