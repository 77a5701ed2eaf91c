//! Test-only crash points (feature `scenarios`): with `LDT_TEST_CRASH_AT=<point>:<n>` in its environment, the
//! process kills itself with SIGKILL — no destructor, no flush, no graceful stop — the `n`-th time it passes
//! `<point>`. Points: `commit` (a change of a negotiation or its outbox was just committed) and `posted` (a peer
//! just acknowledged an outbox message, which is not yet recorded as delivered).

use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming the crash point and its count.
pub const CRASH_AT: &str = "LDT_TEST_CRASH_AT";

static PASSED: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];

/// Kills this process if `point` is the configured crash point and this is its configured pass.
pub fn point(point: &str) {
    let Ok(spec) = std::env::var(CRASH_AT) else { return };
    let Some((name, count)) = spec.split_once(':') else { return };
    let index = match point {
        "commit" => 0,
        "posted" => 1,
        _ => return,
    };
    if name != point {
        return;
    }
    let passed = PASSED[index].fetch_add(1, Ordering::SeqCst) + 1;
    if count.parse::<u32>().is_ok_and(|count| count == passed) {
        eprintln!("crash point {point}:{passed}: killing this process");
        // SAFETY: kill(2) on our own pid has no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
