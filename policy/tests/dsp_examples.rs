//! Every ODRL policy in the DSP 2025-1 examples reads, and writes back to the same JSON (round trip).

use std::path::PathBuf;

use ldt_policy::{read_policy, write_policy};
use serde_json::Value;

/// The DSP examples folder (`../shared/dsp-2025-1` beside the repository).
fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dsp-2025-1")
}

/// Every policy in `value`: the members `hasPolicy`, `offer` and `agreement`, at any depth.
fn policies<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(object) => {
            for (key, member) in object {
                match (key.as_str(), member) {
                    ("hasPolicy", Value::Array(items)) => found.extend(items),
                    ("offer" | "agreement", Value::Object(_)) => found.push(member),
                    _ => policies(member, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| policies(item, found)),
        _ => {}
    }
}

#[test]
fn every_example_policy_reads_and_round_trips() {
    let mut count = 0;
    for folder in ["catalog", "negotiation", "transfer"] {
        let dir = examples().join(folder).join("example");
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let document: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let mut found = Vec::new();
            policies(&document, &mut found);
            for policy in found {
                count += 1;
                let read = read_policy(policy).unwrap_or_else(|problems| {
                    panic!(
                        "{}: {}",
                        path.display(),
                        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                    )
                });
                let written = write_policy(&read);
                assert_eq!(&written, policy, "{} does not write back as it was", path.display());
                assert_eq!(read_policy(&written).unwrap(), read, "{}", path.display());
            }
        }
    }
    assert!(count >= 8, "only {count} example policies found");
}
