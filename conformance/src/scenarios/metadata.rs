//! Metadata scenarios: version discovery.

use crate::context::Context;
use crate::verdict::{Stop, Verdict};

/// MET:01-01: `/.well-known/dspace-version` (unauthenticated) answers 200 with a valid
/// version response listing a `2025-1` HTTPS entry with a path.
pub async fn version_endpoint(ctx: &Context) -> Verdict {
    match ctx.discovery().await {
        Ok(_) => Ok(()),
        Err(reasons) => Err(Stop::Fail(reasons.clone())),
    }
}
