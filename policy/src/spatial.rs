//! `spatial` by position: is the caller's point inside a region — a GeoJSON geometry written in the policy
//! (`{"@value": "{…}", "@type": "http://www.opengis.net/ont/geosparql#geoJSONLiteral"}`) or a named region whose
//! geometry the connector is configured with ([`crate::eval::Environment::regions`]).

use std::collections::BTreeMap;

use geo::{Contains, Geometry, Point};

use crate::model::{Literal, Operator};

/// The datatype of a GeoJSON literal (GeoSPARQL).
const GEOJSON_LITERAL: &str = "http://www.opengis.net/ont/geosparql#geoJSONLiteral";

/// Whether the point `[longitude, latitude]` stands in relation `operator` to the regions `right`: inside it
/// (`eq`, `isA`, `isPartOf`), inside any (`isAnyOf`), all (`isAllOf`) or none of them (`isNoneOf`, `neq`).
/// `Err` says why it cannot be decided.
pub(crate) fn holds(
    operator: Operator,
    point: [f64; 2],
    right: &[Literal],
    regions: &BTreeMap<String, serde_json::Value>,
) -> Result<bool, String> {
    let point = Point::new(point[0], point[1]);
    let inside: Vec<bool> = right
        .iter()
        .map(|literal| region(literal, regions).map(|region| region.contains(&point)))
        .collect::<Result<_, _>>()?;
    match (operator, inside.as_slice()) {
        (Operator::Eq | Operator::IsA | Operator::IsPartOf, [one]) => Ok(*one),
        (Operator::Neq, [one]) => Ok(!*one),
        (Operator::IsAnyOf, all) => Ok(all.iter().any(|inside| *inside)),
        (Operator::IsAllOf, all) => Ok(all.iter().all(|inside| *inside)),
        (Operator::IsNoneOf, all) => Ok(!all.iter().any(|inside| *inside)),
        (operator, _) => Err(format!("a position cannot be compared with `{operator}` to {} region(s)", inside.len())),
    }
}

/// The geometry a right operand stands for.
fn region(literal: &Literal, regions: &BTreeMap<String, serde_json::Value>) -> Result<Geometry<f64>, String> {
    let geojson = match literal {
        Literal::Typed { value, datatype } if datatype == GEOJSON_LITERAL => {
            serde_json::from_str(value).map_err(|error| format!("the GeoJSON literal is not JSON: {error}"))?
        }
        Literal::Iri(name) | Literal::String(name) => regions
            .get(name)
            .cloned()
            .ok_or_else(|| format!("the connector knows no geometry for the region `{name}`"))?,
        other => return Err(format!("{other:?} is neither a region name nor a GeoJSON literal")),
    };
    let geometry =
        geojson::Geometry::from_json_value(geojson).map_err(|error| format!("not a GeoJSON geometry: {error}"))?;
    Geometry::<f64>::try_from(geometry).map_err(|error| format!("not a usable geometry: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eindhoven() -> BTreeMap<String, serde_json::Value> {
        let square = json!({"type": "Polygon", "coordinates": [[[5.40, 51.40], [5.53, 51.40], [5.53, 51.49], [5.40, 51.49], [5.40, 51.40]]]});
        [("https://sws.geonames.org/2756253/".to_owned(), square)].into()
    }

    const CITY: &str = "https://sws.geonames.org/2756253/";
    const CENTRE: [f64; 2] = [5.4697, 51.4416];
    const AMSTERDAM: [f64; 2] = [4.9041, 52.3676];

    #[test]
    fn a_point_is_inside_a_named_region_or_not() {
        let city = [Literal::Iri(CITY.into())];
        assert_eq!(holds(Operator::IsPartOf, CENTRE, &city, &eindhoven()), Ok(true));
        assert_eq!(holds(Operator::IsPartOf, AMSTERDAM, &city, &eindhoven()), Ok(false));
        assert_eq!(holds(Operator::Neq, AMSTERDAM, &city, &eindhoven()), Ok(true));
        assert_eq!(holds(Operator::IsNoneOf, CENTRE, &city, &eindhoven()), Ok(false));
    }

    #[test]
    fn a_geojson_literal_in_the_policy_is_a_region() {
        let polygon = json!({"type": "Polygon", "coordinates": [[[4.7, 52.2], [5.1, 52.2], [5.1, 52.5], [4.7, 52.5], [4.7, 52.2]]]});
        let literal = Literal::Typed { value: polygon.to_string(), datatype: GEOJSON_LITERAL.into() };
        let both = [literal, Literal::Iri(CITY.into())];
        assert_eq!(holds(Operator::IsAnyOf, AMSTERDAM, &both, &eindhoven()), Ok(true));
        assert_eq!(holds(Operator::IsAllOf, AMSTERDAM, &both, &eindhoven()), Ok(false));
    }

    #[test]
    fn unknown_regions_and_orderings_cannot_be_decided() {
        let unknown = [Literal::Iri("https://example.org/atlantis".into())];
        assert!(holds(Operator::IsPartOf, CENTRE, &unknown, &eindhoven()).unwrap_err().contains("atlantis"));
        let city = [Literal::Iri(CITY.into())];
        assert!(holds(Operator::Lt, CENTRE, &city, &eindhoven()).is_err());
        let broken = [Literal::Typed { value: "{".into(), datatype: GEOJSON_LITERAL.into() }];
        assert!(holds(Operator::IsPartOf, CENTRE, &broken, &eindhoven()).is_err());
    }
}
