//! Deep links that pop a number: `tel:NUMBER` (RFC 3966, as a click-to-call link on a
//! web page or in a mail writes it) and `callside://call?number=…&direction=…`.
//!
//! On Linux and Windows a link starts the app with the link as its only argument (the
//! `.desktop` file's `%u`); a second start hands it to the running app (the
//! single-instance plugin) and exits. On macOS the system hands it over. Links are
//! checked here; the number itself is normalized by the core when the UI pops it, so a
//! link with garbage in it shows the usual "not a phone number" message.

use callside_core::CallDirection;
use tauri::{AppHandle, Manager, Runtime};

use crate::inbox::CallInbox;
use crate::ipc::{CallEvent, CallEventKind};
use crate::MAX_NUMBER_INPUT;

/// The schemes registered for the app (`plugins.deep-link.desktop.schemes` in
/// tauri.conf.json).
pub const SCHEMES: [&str; 2] = ["callside", "tel"];

const BAD_ENCODING: &str = "the number is not correctly percent-encoded UTF-8 text";

/// Longer links are not read at all.
const MAX_LINK: usize = 2048;

/// A link that pops a number, with notes on the parts of it that were ignored.
#[derive(Debug, PartialEq, Eq)]
pub struct CallLink {
    pub event: CallEvent,
    pub ignored: Vec<String>,
}

/// Reads a deep link. The error says why the link does not pop anything; neither the
/// error nor the notes contain the number.
pub fn parse(link: &str) -> Result<CallLink, String> {
    if link.len() > MAX_LINK {
        return Err(format!("the link is longer than {MAX_LINK} characters"));
    }
    let url = url::Url::parse(link.trim()).map_err(|_| "it is not a URL".to_string())?;
    match url.scheme() {
        "tel" => parse_tel(&url),
        "callside" => parse_callside(&url),
        other => Err(format!(
            "the scheme {:?} is not one of {}",
            truncate(other),
            SCHEMES.join(", ")
        )),
    }
}

/// `tel:+1-720-555-0111;ext=12`: the number is everything before the first `;` (RFC
/// 3966 parameters such as `ext` or `phone-context` are not used). A `tel:` link is a
/// click to call someone, so the call is outbound.
fn parse_tel(url: &url::Url) -> Result<CallLink, String> {
    let mut ignored = Vec::new();
    // `tel://+1…` is wrong but common; its number lands in the host.
    let raw = format!("{}{}", url.host_str().unwrap_or(""), url.path());
    let (number, params) = match raw.split_once(';') {
        Some((number, params)) => (number, Some(params)),
        None => (raw.as_str(), None),
    };
    if let Some(params) = params {
        for param in params.split(';').filter(|p| !p.is_empty()) {
            let name = param.split('=').next().unwrap_or(param);
            ignored.push(format!("the tel parameter {:?}", truncate(name)));
        }
    }
    if url.query().is_some() {
        ignored.push("the query".into());
    }
    let number = percent_decode(number, false).ok_or_else(|| BAD_ENCODING.to_string())?;
    Ok(CallLink {
        event: ringing(check_number(&number)?, CallDirection::Outbound),
        ignored,
    })
}

/// `callside://call?number=%2B17205550111&direction=inbound`; `direction` is optional
/// (inbound). A `+` at the start of the number is the international prefix; other `+`
/// signs are spaces, as an HTML form or `URLSearchParams` writes them.
fn parse_callside(url: &url::Url) -> Result<CallLink, String> {
    let action = url.host_str().unwrap_or("");
    if !action.eq_ignore_ascii_case("call") || !matches!(url.path(), "" | "/") {
        return Err("a callside link must look like callside://call?number=…".into());
    }
    let mut ignored = Vec::new();
    let mut number: Option<String> = None;
    let mut direction: Option<CallDirection> = None;
    for pair in url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(raw_name, true).unwrap_or_default();
        match name.as_str() {
            "number" => {
                if number.is_some() {
                    return Err("the link has more than one number".into());
                }
                let value =
                    percent_decode(raw_value, true).ok_or_else(|| BAD_ENCODING.to_string())?;
                number = Some(value);
            }
            "direction" => {
                if direction.is_some() {
                    return Err("the link has more than one direction".into());
                }
                direction = Some(match percent_decode(raw_value, true).as_deref() {
                    Some("inbound") => CallDirection::Inbound,
                    Some("outbound") => CallDirection::Outbound,
                    _ => return Err("the direction must be inbound or outbound".into()),
                });
            }
            _ => ignored.push(format!("the parameter {:?}", truncate(&name))),
        }
    }
    let number = number.ok_or_else(|| "the link has no number= parameter".to_string())?;
    Ok(CallLink {
        event: ringing(
            check_number(&number)?,
            direction.unwrap_or(CallDirection::Inbound),
        ),
        ignored,
    })
}

fn ringing(number: String, direction: CallDirection) -> CallEvent {
    CallEvent {
        kind: CallEventKind::Ringing,
        number,
        direction,
    }
}

fn check_number(number: &str) -> Result<String, String> {
    let number = number.trim();
    if number.is_empty() {
        return Err("the number is empty".into());
    }
    if number.chars().count() > MAX_NUMBER_INPUT {
        return Err("the number is too long to be a phone number".into());
    }
    Ok(number.to_string())
}

/// Percent-decodes `raw`. With `form`, `+` means a space, except a `+` at the start
/// (a phone number's international prefix).
fn percent_decode(raw: &str, form: bool) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
                continue;
            }
            b'%' => return None,
            b'+' if form && i > 0 => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn truncate(text: &str) -> String {
    text.chars().take(32).collect()
}

/// Why arguments that look like links are not popped: the deep-link plugin reads a
/// link only when it is the only argument and has a registered scheme, and does not say
/// so (or, in debug builds, says so with the whole link in the log).
fn argument_warnings<S: AsRef<str>>(args: &[S]) -> Vec<String> {
    let rest = args.get(1..).unwrap_or_default();
    let mut warnings = Vec::new();
    for arg in rest {
        let Ok(url) = url::Url::parse(arg.as_ref()) else {
            continue;
        };
        if !SCHEMES.contains(&url.scheme()) {
            warnings.push(format!(
                "ignoring a link: the scheme {:?} is not one of {}",
                truncate(url.scheme()),
                SCHEMES.join(", ")
            ));
        } else if rest.len() != 1 {
            warnings
                .push("ignoring a link: a link is only read when it is the only argument".into());
        }
    }
    warnings
}

/// Logs why links among a start's arguments (`argv`, program first) do not pop.
pub fn check_arguments<S: AsRef<str>>(args: &[S]) {
    for warning in argument_warnings(args) {
        tracing::warn!("{warning}");
    }
}

/// Pops the call a link describes, or says in the log why it does not.
pub fn open<R: Runtime>(app: &AppHandle<R>, link: &str) {
    match parse(link) {
        Ok(CallLink { event, ignored }) => {
            for part in ignored {
                tracing::warn!("deep link: {part} is not used; ignoring it");
            }
            app.state::<CallInbox>().deliver(app, event);
        }
        Err(why) => tracing::warn!("ignoring a link: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn popped(link: &str) -> (String, CallDirection) {
        let parsed = parse(link).unwrap_or_else(|e| panic!("{link}: {e}"));
        assert_eq!(parsed.event.kind, CallEventKind::Ringing);
        (parsed.event.number, parsed.event.direction)
    }

    #[test]
    fn tel_links_pop_the_number_as_an_outbound_call() {
        assert_eq!(
            popped("tel:+17205550111"),
            ("+17205550111".into(), CallDirection::Outbound)
        );
        assert_eq!(popped("tel:+1-720-555-0111").0, "+1-720-555-0111");
        assert_eq!(popped("TEL:%2B1%20720%20555%200111").0, "+1 720 555 0111");
        assert_eq!(popped("tel:(720)555-0111").0, "(720)555-0111");
        // A + in a tel: link is always a plus.
        assert_eq!(popped("tel:+49+89+1234567").0, "+49+89+1234567");
        assert_eq!(popped("tel://+17205550111").0, "+17205550111");
    }

    #[test]
    fn tel_parameters_are_ignored_with_a_note() {
        let parsed = parse("tel:+1-720-555-0111;ext=12;phone-context=example.com").unwrap();
        assert_eq!(parsed.event.number, "+1-720-555-0111");
        assert_eq!(
            parsed.ignored,
            vec![
                "the tel parameter \"ext\"".to_string(),
                "the tel parameter \"phone-context\"".to_string()
            ]
        );
    }

    #[test]
    fn callside_links_carry_number_and_direction() {
        assert_eq!(
            popped("callside://call?number=%2B17205550133&direction=outbound"),
            ("+17205550133".into(), CallDirection::Outbound)
        );
        assert_eq!(
            popped("callside://call?number=720-555-0111"),
            ("720-555-0111".into(), CallDirection::Inbound)
        );
        assert_eq!(
            popped("callside://call/?direction=inbound&number=+17205550111"),
            ("+17205550111".into(), CallDirection::Inbound)
        );
        // As URLSearchParams writes "+1 720 555 0111".
        assert_eq!(
            popped("callside://call?number=%2B1+720+555+0111").0,
            "+1 720 555 0111"
        );
        assert_eq!(popped("CALLSIDE://CALL?number=1").0, "1");
    }

    #[test]
    fn unknown_parameters_are_ignored_with_a_note() {
        let parsed = parse("callside://call?number=7205550111&source=crm&x").unwrap();
        assert_eq!(parsed.event.number, "7205550111");
        assert_eq!(
            parsed.ignored,
            vec![
                "the parameter \"source\"".to_string(),
                "the parameter \"x\"".to_string()
            ]
        );
    }

    #[test]
    fn garbage_numbers_are_left_to_the_core() {
        // The core's normalization tells the rep it is not a phone number.
        assert_eq!(popped("tel:not-a-number").0, "not-a-number");
        assert_eq!(popped("callside://call?number=%3Cb%3Ehi").0, "<b>hi");
    }

    #[test]
    fn arguments_that_are_not_popped_are_explained_without_the_link() {
        let none: [&str; 0] = [];
        assert!(argument_warnings(&none).is_empty());
        assert!(argument_warnings(&["callside-app"]).is_empty());
        assert!(argument_warnings(&["callside-app", "tel:+17205550111"]).is_empty());
        assert!(argument_warnings(&["callside-app", "--verbose", "/tmp/x"]).is_empty());
        let foreign =
            argument_warnings(&["callside-app", "https://example.com/?number=7205550111"]);
        assert_eq!(
            foreign,
            vec!["ignoring a link: the scheme \"https\" is not one of callside, tel".to_string()]
        );
        let crowded = argument_warnings(&["callside-app", "--flag", "tel:+17205550111"]);
        assert_eq!(
            crowded,
            vec!["ignoring a link: a link is only read when it is the only argument".to_string()]
        );
        for warning in foreign.iter().chain(&crowded) {
            assert!(!warning.contains("7205550111"), "{warning}");
        }
    }

    #[test]
    fn links_that_pop_nothing_are_refused() {
        for (link, why) in [
            ("https://example.com/?number=1", "scheme"),
            ("mailto:rep@example.com", "scheme"),
            ("callto:+17205550111", "scheme"),
            ("not a link", "not a URL"),
            ("", "not a URL"),
            ("tel:", "empty"),
            ("tel:%20", "empty"),
            ("tel:;ext=1", "empty"),
            ("tel:%FF", "percent-encoded"),
            ("tel:%2", "percent-encoded"),
            ("callside://call?number=%zz", "percent-encoded"),
            ("callside://call", "no number"),
            ("callside://call?number=", "empty"),
            ("callside://call?direction=inbound", "no number"),
            ("callside://hangup?number=1", "must look like"),
            ("callside://call/extra?number=1", "must look like"),
            ("callside:call?number=1", "must look like"),
            (
                "callside://call?number=1&direction=sideways",
                "inbound or outbound",
            ),
            ("callside://call?number=1&number=2", "more than one number"),
            (
                "callside://call?number=1&direction=inbound&direction=outbound",
                "more than one direction",
            ),
        ] {
            let error = parse(link).expect_err(link);
            assert!(error.contains(why), "{link}: {error}");
            assert!(
                link.is_empty() || !error.contains(link),
                "the error repeats the link: {error}"
            );
        }
        let long_number = format!("tel:{}", "1".repeat(MAX_NUMBER_INPUT + 1));
        assert!(parse(&long_number).unwrap_err().contains("too long"));
        let long_link = format!("callside://call?number=1&pad={}", "x".repeat(MAX_LINK));
        assert!(parse(&long_link).unwrap_err().contains("longer than"));
    }
}
