//! Phone numbers: whatever a rep pastes or a softphone sends, made E.164 with
//! libphonenumber's metadata (the `phonenumber` crate), plus the digit strings an org
//! may have stored the same number as.

use phonenumber::country;
use phonenumber::Mode;

use crate::error::{Error, Result};
use crate::text::{quoted, Text};

/// A normalized phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber {
    /// `+17205550100`
    pub e164: String,
    pub country_code: u16,
    /// The national significant number: `7205550100`, `891234567`.
    pub national: String,
    /// The national form with its trunk prefix, digits only: `7205550100`, `0891234567`.
    pub national_dialled: String,
    /// The region the number belongs to (`US`, `DE`), when the metadata knows it.
    pub region: Option<String>,
    pub extension: Option<String>,
    /// Whether the metadata knows the number as assigned (not merely well-formed).
    pub valid: bool,
}

/// Checks an ISO 3166 region code against the metadata.
pub fn parse_region(region: &str) -> Result<country::Id> {
    region.parse::<country::Id>().map_err(|_| {
        Error::Config(format!(
            "{region:?} is not a region code such as US, DE or GB"
        ))
    })
}

/// Normalizes `input` (national or international, with `+`, `00` or `011`, `(0)`
/// trunk notation, extensions, `tel:` URIs) using `default_region` for national forms.
pub fn normalize(input: &str, default_region: &str) -> Result<PhoneNumber> {
    let region = parse_region(default_region)?;
    let cleaned = clean(input);
    let not_a_number = || {
        Error::InvalidInput(Text::NotAPhoneNumber {
            input: quoted(input),
        })
    };
    if cleaned.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(not_a_number());
    }
    let parsed = phonenumber::parse(Some(region), &cleaned).map_err(|_| not_a_number())?;
    if !phonenumber::is_viable(parsed.national().to_string()) {
        return Err(not_a_number());
    }
    Ok(from_parsed(&parsed))
}

fn from_parsed(parsed: &phonenumber::PhoneNumber) -> PhoneNumber {
    let national = parsed.national().to_string();
    let national_dialled = digits(&parsed.format().mode(Mode::National).to_string());
    PhoneNumber {
        e164: parsed.format().mode(Mode::E164).to_string(),
        country_code: parsed.code().value(),
        national_dialled: if national_dialled.is_empty() {
            national.clone()
        } else {
            national_dialled
        },
        national,
        region: parsed.country().id().map(|id| format!("{id:?}")),
        extension: parsed.extension().map(|ext| ext.to_string()),
        valid: phonenumber::is_valid(parsed),
    }
}

/// Digits only.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Undoes what the parser does not: a `tel:` scheme, a leading `00` international prefix
/// (used outside North America, where national numbers never start with 0), and the
/// `(0)` trunk notation of `+49 (0)89 ...`.
fn clean(input: &str) -> String {
    let mut text = input.trim().to_string();
    if let Some(rest) = text
        .strip_prefix("tel:")
        .or_else(|| text.strip_prefix("TEL:"))
    {
        // RFC 3966 parameters other than the extension say nothing about the number.
        let mut parts = rest.split(';');
        let number = parts.next().unwrap_or_default().to_string();
        let extension = parts.find_map(|p| p.strip_prefix("ext=").map(str::to_string));
        text = match extension {
            Some(ext) => format!("{number} ext. {ext}"),
            None => number,
        };
    }
    if let Some(position) = text.find(";ext=") {
        text = format!("{} ext. {}", &text[..position], &text[position + 5..]);
    }
    let leading_digits: String = text
        .chars()
        .take_while(|c| !c.is_ascii_alphabetic())
        .filter(char::is_ascii_digit)
        .take(2)
        .collect();
    let starts_with_plus = text.trim_start().starts_with('+');
    if !starts_with_plus && leading_digits == "00" {
        let mut seen = 0;
        let mut rest = String::new();
        for (index, character) in text.char_indices() {
            if character.is_ascii_digit() {
                seen += 1;
                if seen == 2 {
                    rest = text[index + 1..].to_string();
                    break;
                }
            }
        }
        text = format!("+{rest}");
    }
    if text.trim_start().starts_with('+') {
        text = text.replace("(0)", "");
    }
    text
}

impl PhoneNumber {
    /// The digit strings an org may have stored this number as, most likely first:
    /// national, international, national with the trunk prefix, and (outside North
    /// America) international with the `00` prefix. Salesforce's phone search compares
    /// digits, and it does not equate national and international forms.
    pub fn search_forms(&self) -> Vec<String> {
        let mut forms = Vec::new();
        let international = format!("{}{}", self.country_code, self.national);
        let with_zero_zero = if self.country_code == 1 {
            String::new()
        } else {
            format!("00{international}")
        };
        for form in [
            self.national.clone(),
            international,
            self.national_dialled.clone(),
            with_zero_zero,
        ] {
            if !form.is_empty() && !forms.contains(&form) {
                forms.push(form);
            }
        }
        forms
    }

    /// Whether a phone value as an org stored it is this number. A national form is read
    /// in the org's default region when it is a valid number there (so a US org's
    /// `(207) 946-0100` stays a US number), and otherwise in this number's own region (so
    /// `089 1234567` matches `+49891234567` in a US org).
    pub fn matches_stored(&self, stored: &str, default_region: &str) -> bool {
        let in_default_region = normalize(stored, default_region)
            .ok()
            .filter(|number| number.valid);
        let stored_number = in_default_region.or_else(|| {
            let own_region = self.region.as_deref().unwrap_or(default_region);
            normalize(stored, own_region).ok()
        });
        stored_number.is_some_and(|number| number.e164 == self.e164)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str, region: &str) -> String {
        normalize(input, region)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .e164
    }

    #[test]
    fn every_common_format_of_one_number_gives_the_same_e164() {
        for input in [
            "(720) 555-0100",
            "+1 720 555 0100",
            "720.555.0100",
            "720-555-0100",
            "7205550100",
            "17205550100",
            "+17205550100",
            "001 720 555 0100",
            "011 1 720 555 0100",
            "tel:+1-720-555-0100",
            "(720) 555-0100 x123",
            "720 555 0100 ext. 123",
            "+1 720 555 0100;ext=123",
        ] {
            assert_eq!(e164(input, "US"), "+17205550100", "input {input:?}");
        }
    }

    #[test]
    fn german_national_and_international_forms_agree() {
        for input in [
            "+49 89 1234567",
            "0049 89 1234567",
            "+49 (0)89 1234567",
            "+49891234567",
        ] {
            assert_eq!(e164(input, "US"), "+49891234567", "input {input:?}");
        }
        assert_eq!(e164("089 1234567", "DE"), "+49891234567");
    }

    #[test]
    fn search_forms_cover_national_international_and_trunk_forms() {
        let german = normalize("+49 89 1234567", "US").unwrap();
        assert_eq!(
            german.search_forms(),
            vec!["891234567", "49891234567", "0891234567", "0049891234567"]
        );
        let american = normalize("(720) 555-0100", "US").unwrap();
        assert_eq!(american.search_forms(), vec!["7205550100", "17205550100"]);
    }

    #[test]
    fn stored_national_forms_are_read_in_the_numbers_region() {
        let german = normalize("+49 89 7654321", "US").unwrap();
        assert!(german.matches_stored("089 7654321", "US"));
        assert!(!german.matches_stored("089 7654322", "US"));
        let american = normalize("7205550100", "US").unwrap();
        assert!(american.matches_stored("+1 720 555 0100", "US"));
        // Same trailing digits, different country: not the same number.
        assert!(!american.matches_stored("+44 720 555 0100", "US"));
        // A US org's national number is a US number, even when a UK caller's national
        // digits are the same.
        let british = normalize("+44 20 7946 0100", "US").unwrap();
        assert!(!british.matches_stored("(207) 946-0100", "US"));
        assert!(british.matches_stored("020 7946 0100", "GB"));
    }

    #[test]
    fn garbage_is_not_a_phone_number() {
        for input in ["", "hello", "12", "call me", "+", "'; DROP TABLE x; --"] {
            let error = normalize(input, "US").unwrap_err();
            assert!(
                error.to_string().contains("not a phone number"),
                "{input:?}: {error}"
            );
        }
    }

    #[test]
    fn an_unknown_region_is_a_configuration_error() {
        assert!(normalize("7205550100", "XX").is_err());
    }
}
