//! Salesforce datetimes (`2026-11-25T10:00:00.000+0000`) turned into HTTP dates
//! (`Wed, 25 Nov 2026 10:00:00 GMT`) for the conditional request headers.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Reads a datetime as Salesforce writes it (`2026-11-25T10:00:00.000+0000`), or in
/// RFC 3339 form (`2026-11-25T10:00:00Z`).
pub(crate) fn parse_salesforce_datetime(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    let with_fraction = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory][offset_minute]"
    );
    let without_fraction = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    OffsetDateTime::parse(value, with_fraction)
        .or_else(|_| OffsetDateTime::parse(value, without_fraction))
        .or_else(|_| OffsetDateTime::parse(value, &Rfc3339))
        .ok()
}

/// The IMF-fixdate form of RFC 9110 (`Wed, 25 Nov 2026 10:00:00 GMT`). Fractions of a
/// second are dropped: Salesforce keeps `LastModifiedDate` to the second anyway.
pub(crate) fn http_date(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(UtcOffset::UTC);
    utc.format(format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    ))
    .expect("every UTC datetime between years 0 and 9999 formats")
}

/// `LastModifiedDate` as Salesforce returns it → the value of `If-Unmodified-Since`.
pub(crate) fn from_salesforce(value: &str) -> Option<String> {
    parse_salesforce_datetime(value).map(http_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_datetimes_become_http_dates() {
        let check = |input: &str, expected: Option<&str>| {
            assert_eq!(from_salesforce(input).as_deref(), expected, "{input}");
        };
        check(
            "2026-11-25T10:00:00.000+0000",
            Some("Wed, 25 Nov 2026 10:00:00 GMT"),
        );
        check(
            "2020-11-30T08:34:54.000-0700",
            Some("Mon, 30 Nov 2020 15:34:54 GMT"),
        );
        check(
            "2024-02-29T23:59:59.999+0000",
            Some("Thu, 29 Feb 2024 23:59:59 GMT"),
        );
        check(
            "2024-03-01T01:02:03Z",
            Some("Fri, 01 Mar 2024 01:02:03 GMT"),
        );
        check(
            "2024-03-01T01:02:03+0000",
            Some("Fri, 01 Mar 2024 01:02:03 GMT"),
        );
        check("yesterday", None);
        check("2024-03-01", None);
    }
}
