//! Readable rendering of what the demo shows (catalogues, agreements, refusals), and reading offers out of a
//! catalogue.

use std::fmt::Write as _;

use serde_json::Value;

/// The IRI prefixes of the demo's purposes and claims, left out where IRIs are shown in running text.
const VOCABULARIES: [&str; 2] = ["https://w3id.org/ldt-connector/purpose/", "https://w3id.org/ldt-connector/claims/"];

/// Prints a section heading.
pub fn heading(text: &str) {
    println!("\n== {text}");
}

/// A DSP catalogue as text: each dataset with its title, kind, data model, update frequency, distributions and
/// offers.
pub fn catalog(catalog: &Value) -> String {
    let mut out = String::new();
    let datasets: Vec<&Value> = many(&catalog["dataset"]).collect();
    let _ = writeln!(
        out,
        "  Catalogue of {} — {} data product(s)",
        catalog["participantId"].as_str().unwrap_or("?"),
        datasets.len()
    );
    for dataset in datasets {
        let _ = writeln!(out, "\n  ▸ {}", english(&dataset["dct:title"]));
        let _ = writeln!(out, "      id           {}", text(&dataset["@id"]));
        let _ = writeln!(out, "      kind         {}", last_segment(&dataset["dct:type"]["@id"]));
        for model in many(&dataset["dct:conformsTo"]) {
            let _ = writeln!(out, "      data model   {}", text(&model["@id"]));
        }
        if let Some(frequency) = dataset["dct:accrualPeriodicity"]["@id"].as_str() {
            let frequency = match last_segment(&Value::from(frequency)).as_str() {
                "CONT" => "continuously".to_owned(),
                other => other.to_lowercase(),
            };
            let _ = writeln!(out, "      updated      {frequency}");
        }
        for distribution in many(&dataset["distribution"]) {
            let media = last_segments(&distribution["dcat:mediaType"]["@id"], 2);
            let _ = writeln!(out, "      get it as    {} ({media})", text(&distribution["format"]));
        }
        for offer in many(&dataset["hasPolicy"]) {
            let _ = writeln!(out, "      offer        {}", text(&offer["@id"]));
            let _ = writeln!(out, "                   {}", rules(offer));
        }
    }
    out
}

/// The rules of an offer in one line: `permits use if …; prohibits distribute`.
fn rules(offer: &Value) -> String {
    rule_lines(offer).into_iter().map(|(verb, rule)| format!("{verb} {rule}")).collect::<Vec<_>>().join("; ")
}

/// Each rule of a policy with its verb: `("permits", "use if …")`, `("prohibits", "distribute")`.
fn rule_lines(policy: &Value) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    for (key, verb) in [("permission", "permits"), ("prohibition", "prohibits"), ("obligation", "requires")] {
        for rule in many(&policy[key]) {
            let constraints: Vec<String> = many(&rule["constraint"]).map(constraint).collect();
            let condition =
                if constraints.is_empty() { String::new() } else { format!(" if {}", constraints.join(" and ")) };
            lines.push((verb, format!("{}{condition}", text(&rule["action"]))));
        }
    }
    lines
}

/// A contract agreement as text: its id, the parties, the data product, each rule and when it was made.
pub fn agreement(agreement: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  Agreement {}", text(&agreement["@id"]));
    let _ = writeln!(out, "      provider     {} (assigner)", text(&agreement["assigner"]));
    let _ = writeln!(out, "      consumer     {} (assignee)", text(&agreement["assignee"]));
    let _ = writeln!(out, "      data product {}", text(&agreement["target"]));
    for (verb, rule) in rule_lines(agreement) {
        let _ = writeln!(out, "      {verb:<12} {rule}");
    }
    let _ = writeln!(out, "      agreed at    {}", text(&agreement["timestamp"]));
    out
}

/// Why a negotiation was refused, as its `explanation.reason` says it: line by line, indented, with the demo's
/// purpose and claim IRIs shortened to their names.
pub fn refusal(reason: &str) -> String {
    let mut out = String::new();
    for line in reason.lines().filter(|line| !line.trim().is_empty()) {
        let line = VOCABULARIES.iter().fold(line.trim_end().to_owned(), |line, prefix| line.replace(prefix, ""));
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// The `@id` of the first offer `catalog` shows for the dataset `dataset`.
pub fn offer_of(catalog: &Value, dataset: &str) -> Option<String> {
    let dataset = many(&catalog["dataset"]).find(|candidate| candidate["@id"] == dataset)?;
    many(&dataset["hasPolicy"]).next().map(|offer| text(&offer["@id"]))
}

fn constraint(constraint: &Value) -> String {
    if !constraint["and"].is_null() {
        return many(&constraint["and"]).map(self::constraint).collect::<Vec<_>>().join(" and ");
    }
    let right = match &constraint["rightOperand"] {
        Value::Object(value) => value.get("@value").map(text).unwrap_or_default(),
        other => text(other),
    };
    format!(
        "{} {} {}",
        last_segment(&constraint["leftOperand"]),
        text(&constraint["operator"]),
        last_segment(&Value::from(right))
    )
}

fn english(values: &Value) -> String {
    let values: Vec<&Value> = many(values).collect();
    values
        .iter()
        .find(|value| value["@language"] == "en")
        .or(values.first())
        .map(|value| text(&value["@value"]))
        .unwrap_or_default()
}

/// The values of a JSON-LD property: compaction writes one value without an array.
fn many(value: &Value) -> impl Iterator<Item = &Value> {
    let values = match value {
        Value::Array(values) => values.as_slice(),
        Value::Null => &[],
        one => std::slice::from_ref(one),
    };
    values.iter()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn last_segment(value: &Value) -> String {
    last_segments(value, 1)
}

/// The last `count` `/`-separated segments of an IRI.
fn last_segments(value: &Value, count: usize) -> String {
    let iri = text(value);
    let segments: Vec<&str> = iri.trim_end_matches('/').rsplit('/').take(count).collect();
    segments.into_iter().rev().collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn renders_datasets_offers_and_rules() {
        let catalog = json!({
            "participantId": "did:web:traffic",
            "dataset": [{
                "@id": "counts", "dct:title": [{"@value": "Tellingen", "@language": "nl"}, {"@value": "Counts", "@language": "en"}],
                "dct:type": {"@id": "https://w3id.org/ldt-connector/kind/raw"},
                "dct:conformsTo": {"@id": "https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved"},
                "distribution": [{"format": "HttpData-PULL", "dcat:mediaType": {"@id": "http://www.iana.org/assignments/media-types/text/csv"}}],
                "hasPolicy": [{"@id": "o1", "permission": [{"action": "use", "constraint": [{"and": [
                    {"leftOperand": "purpose", "operator": "isA", "rightOperand": "https://x/purpose/air-quality"},
                    {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": {"@value": "P30D"}}]}]}],
                    "prohibition": [{"action": "distribute"}]}]
            }]
        });
        let text = super::catalog(&catalog);
        assert!(text.contains("did:web:traffic — 1 data product(s)"), "{text}");
        assert!(text.contains("▸ Counts"), "{text}");
        assert!(text.contains("kind         raw"), "{text}");
        assert!(
            text.contains("data model   https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved"),
            "{text}"
        );
        assert!(text.contains("get it as    HttpData-PULL (text/csv)"), "{text}");
        assert!(
            text.contains("permits use if purpose isA air-quality and elapsedTime lteq P30D; prohibits distribute"),
            "{text}"
        );
        assert_eq!(super::offer_of(&catalog, "counts").as_deref(), Some("o1"));
        assert_eq!(super::offer_of(&catalog, "other"), None);
    }

    #[test]
    fn renders_an_agreement() {
        let agreement = json!({"@id": "urn:uuid:a", "@type": "Agreement", "target": "counts",
            "assigner": "did:web:traffic", "assignee": "did:web:air", "timestamp": "2026-11-25T12:00:00Z",
            "permission": [{"action": "use", "constraint": [{"leftOperand": "purpose", "operator": "isA",
                "rightOperand": "https://x/purpose/air-quality"}]}],
            "prohibition": [{"action": "distribute"}]});
        let text = super::agreement(&agreement);
        for line in [
            "Agreement urn:uuid:a",
            "provider     did:web:traffic (assigner)",
            "consumer     did:web:air (assignee)",
            "data product counts",
            "permits      use if purpose isA air-quality",
            "prohibits    distribute",
            "agreed at    2026-11-25T12:00:00Z",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }

    #[test]
    fn a_refusal_is_indented_with_short_purpose_names() {
        let reason = "DENY `use`\n  ✗ purpose `https://w3id.org/ldt-connector/purpose/air-quality-modelling` is not \
                      a kind of `https://w3id.org/ldt-connector/purpose/traffic-management`\n\n";
        assert_eq!(
            super::refusal(reason),
            "    DENY `use`\n      ✗ purpose `air-quality-modelling` is not a kind of `traffic-management`\n"
        );
    }
}
