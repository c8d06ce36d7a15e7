//! `REGOPS_TIMINGS=1`: where a run's time goes, one line per phase on
//! stderr, e.g. `regops timing: evidence 3.41 ms (ended at 7.90 ms)`. For
//! profiling and docs/performance.md; off by default, and then nothing is
//! measured.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Whether `REGOPS_TIMINGS` is set to something other than empty or `0`.
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        std::env::var_os("REGOPS_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// Marks the start of the process's own work (called first thing in `main`).
pub fn init() {
    if enabled() {
        STARTED.get_or_init(Instant::now);
    }
}

/// Starts timing a phase; `None` when timings are off.
pub fn start() -> Option<Instant> {
    enabled().then(Instant::now)
}

/// Reports a phase begun with [`start`].
pub fn done(phase: &str, started: Option<Instant>) {
    if let Some(started) = started {
        report(phase, started.elapsed());
    }
}

/// Reports a phase measured some other way (summed over calls, say).
pub fn report(phase: &str, took: Duration) {
    if !enabled() {
        return;
    }
    let at = STARTED
        .get()
        .map(|s| format!(" (ended at {:.2} ms)", ms(s.elapsed())))
        .unwrap_or_default();
    eprintln!("regops timing: {phase} {:.2} ms{at}", ms(took));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
