//! What the engine knows: the ODRL 2.2 actions with their `includedIn` hierarchy, the ODRL left operands, and where
//! each left operand can be resolved.

/// The ODRL 2.2 actions and the action each is included in (`None`: a top-level action).
const ACTIONS: &[(&str, Option<&str>)] = &[
    ("use", None),
    ("transfer", None),
    ("acceptTracking", Some("use")),
    ("aggregate", Some("use")),
    ("annotate", Some("use")),
    ("anonymize", Some("use")),
    ("archive", Some("use")),
    ("attribute", Some("use")),
    ("compensate", Some("use")),
    ("concurrentUse", Some("use")),
    ("delete", Some("use")),
    ("derive", Some("use")),
    ("digitize", Some("use")),
    ("display", Some("play")),
    ("distribute", Some("use")),
    ("ensureExclusivity", Some("use")),
    ("execute", Some("use")),
    ("extract", Some("use")),
    ("give", Some("transfer")),
    ("grantUse", Some("use")),
    ("include", Some("use")),
    ("index", Some("use")),
    ("inform", Some("use")),
    ("install", Some("use")),
    ("modify", Some("use")),
    ("move", Some("use")),
    ("nextPolicy", Some("use")),
    ("obtainConsent", Some("use")),
    ("play", Some("use")),
    ("present", Some("use")),
    ("print", Some("use")),
    ("read", Some("use")),
    ("reproduce", Some("use")),
    ("reviewPolicy", Some("use")),
    ("sell", Some("transfer")),
    ("stream", Some("use")),
    ("synchronize", Some("use")),
    ("textToSpeech", Some("use")),
    ("transform", Some("use")),
    ("translate", Some("use")),
    ("uninstall", Some("use")),
    ("watermark", Some("use")),
];

/// The ODRL 2.2 left operands.
const LEFT_OPERANDS: &[&str] = &[
    "absolutePosition",
    "absoluteSpatialPosition",
    "absoluteTemporalPosition",
    "absoluteSize",
    "count",
    "dateTime",
    "delayPeriod",
    "deliveryChannel",
    "device",
    "elapsedTime",
    "event",
    "fileFormat",
    "industry",
    "language",
    "media",
    "meteredTime",
    "payAmount",
    "percentage",
    "product",
    "purpose",
    "recipient",
    "relativePosition",
    "relativeSpatialPosition",
    "relativeTemporalPosition",
    "relativeSize",
    "resolution",
    "spatial",
    "spatialCoordinates",
    "systemDevice",
    "timeInterval",
    "unitOfCount",
    "version",
    "virtualLocation",
];

/// True if `action` is an ODRL action.
pub fn is_action(action: &str) -> bool {
    ACTIONS.iter().any(|(name, _)| *name == action)
}

/// True if `left_operand` is an ODRL left operand.
pub fn is_left_operand(left_operand: &str) -> bool {
    LEFT_OPERANDS.contains(&left_operand)
}

/// True if doing `requested` is covered by a rule about `ruled`: the same action, or one that `requested` is
/// (transitively) included in — a permission to `use` covers `read` and `display`.
///
/// ```
/// use ldt_policy::vocabulary::includes;
/// assert!(includes("use", "read"));
/// assert!(includes("use", "display"));
/// assert!(includes("transfer", "sell"));
/// assert!(!includes("read", "use"));
/// assert!(!includes("use", "sell"));
/// ```
pub fn includes(ruled: &str, requested: &str) -> bool {
    let mut current = Some(requested);
    while let Some(action) = current {
        if action == ruled {
            return true;
        }
        current = ACTIONS.iter().find(|(name, _)| *name == action).and_then(|(_, parent)| *parent);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parent_is_an_action_and_the_hierarchy_has_no_cycle() {
        for (name, parent) in ACTIONS {
            if let Some(parent) = parent {
                assert!(is_action(parent), "{name} is included in unknown {parent}");
            }
            assert!(includes(name, name));
            assert!(includes("use", name) || includes("transfer", name), "{name} reaches no top-level action");
        }
    }
}
