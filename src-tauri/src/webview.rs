//! How the window's web view runs on Linux. WebKitGTK's defaults suit a browser; for
//! Callside's panel (text, small tables and a few icons, little script) two of them cost
//! more than they give, so Callside changes them before the first web view is made:
//!
//! - Compositing (`WEBKIT_DISABLE_COMPOSITING_MODE=1`): without a GPU it costs a frame's
//!   worth of time on every change and tens of megabytes in the web process; the panel
//!   has no video, 3D or large animation to gain from it.
//! - JavaScriptCore's just-in-time compilers (`JSC_useJIT=false`): the panel's script
//!   is small and short-running, so the interpreter is as fast to the eye, while the
//!   compilers cost memory (their code and threads). Without them the web view also
//!   offers less to an attack, which is why hardened browsers turn them off.
//!
//! A variable the environment already sets is left as it is, and
//! `CALLSIDE_WEBVIEW_DEFAULTS=1` keeps all of WebKit's defaults (for a system where they
//! serve better). The app's own allocator is set up here too ([`prepare_environment`]). `scripts/bench-desktop` measures the effect against an empty window
//! run both ways.

/// Callside's switch: `1` keeps WebKit's defaults.
pub const DEFAULTS_VAR: &str = "CALLSIDE_WEBVIEW_DEFAULTS";

/// What Callside sets, each unless the environment already does.
pub const SETTINGS: &[(&str, &str)] = &[
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("JSC_useJIT", "false"),
];

/// The variables to set, given the environment.
pub fn overrides(lookup: impl Fn(&str) -> Option<String>) -> Vec<(&'static str, &'static str)> {
    if !cfg!(target_os = "linux") || lookup(DEFAULTS_VAR).is_some_and(|v| v.trim() == "1") {
        return Vec::new();
    }
    SETTINGS
        .iter()
        .copied()
        .filter(|(name, _)| lookup(name).is_none())
        .collect()
}

/// Sets the web view's environment. Call it first in `main`, before any thread starts.
pub fn prepare_environment() {
    for (name, value) in overrides(|name| std::env::var(name).ok()) {
        std::env::set_var(name, value);
    }
    limit_malloc_arenas();
}

/// Callside runs all day with a handful of threads (the async runtime's, D-Bus's, the
/// shortcut's). glibc gives threads malloc arenas of their own, up to eight per core,
/// and each keeps memory its thread freed; two arenas serve this app as well and keep
/// less of it (about 2 MB less in `scripts/bench-desktop`). `MALLOC_ARENA_MAX` in the
/// environment still decides where it is set.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes a parameter of glibc's allocator; M_ARENA_MAX
        // limits the arenas made from now on and is safe to set while allocating.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Vec<(&'static str, &'static str)> {
        overrides(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_panels_settings_apply_unless_the_environment_says_otherwise() {
        assert_eq!(with(&[]), SETTINGS.to_vec());
        assert_eq!(with(&[(DEFAULTS_VAR, "1")]), Vec::new());
        assert_eq!(with(&[(DEFAULTS_VAR, "0")]), SETTINGS.to_vec());
        // A choice already made for WebKit stands, whichever it is.
        assert_eq!(
            with(&[("WEBKIT_DISABLE_COMPOSITING_MODE", "0")]),
            vec![("JSC_useJIT", "false")]
        );
        assert_eq!(
            with(&[("JSC_useJIT", "true")]),
            vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1")]
        );
    }
}
