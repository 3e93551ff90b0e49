//! The core the commands use. Signing in to another org opens a new [`Callside`] for it
//! and puts it in place of the one before; commands already running keep theirs.

use std::sync::{Arc, RwLock};

use callside_core::Callside;

/// The core, or why it could not start (shown to the user instead of a panic).
pub struct AppState {
    core: RwLock<Result<Arc<Callside>, String>>,
}

impl AppState {
    pub fn ready(callside: Arc<Callside>) -> AppState {
        AppState {
            core: RwLock::new(Ok(callside)),
        }
    }

    pub fn broken(message: String) -> AppState {
        AppState {
            core: RwLock::new(Err(message)),
        }
    }

    /// The core in use now, or why there is none.
    pub fn current(&self) -> Result<Arc<Callside>, String> {
        self.core.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Puts another org's core in place.
    pub fn replace(&self, callside: Arc<Callside>) {
        *self.core.write().unwrap_or_else(|e| e.into_inner()) = Ok(callside);
    }
}
