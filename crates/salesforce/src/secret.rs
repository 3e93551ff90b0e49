//! A wrapper that keeps secrets out of logs and debug output.

use std::fmt;

/// A secret value (an access or refresh token). `Debug` prints a redaction, and there is
/// deliberately no `Display` and no `Serialize`: a token can only leave through
/// [`Sensitive::expose`], which makes every such place easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_secret() {
        let token = Sensitive::new("00Dxx!secret-token".to_string());
        let printed = format!("{token:?}");
        assert!(!printed.contains("secret-token"), "{printed}");
        assert_eq!(token.expose(), "00Dxx!secret-token");
    }
}
