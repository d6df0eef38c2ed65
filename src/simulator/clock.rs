//! The simulator's clock: the real one, or one that a test moves by hand.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the simulator reads the time (session expiry, rate limits, waiting times).
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The system's monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it, so that a test can pass
/// twenty minutes without waiting for them.
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut offset) = self.offset.lock() {
            *offset += by;
        }
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        f.debug_struct("ManualClock")
            .field("advanced_by", &offset)
            .finish()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + self.offset.lock().map(|o| *o).unwrap_or_default()
    }
}
