//! Bitstring Status List v1.0 and StatusList2021: encoding, the specifications' examples, and refusal of bad input.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use flate2::Compression;
use flate2::write::GzEncoder;
use ldt_identity::status_list::{
    MAX_LIST_BYTES, MIN_LIST_BITS, StatusEntry, StatusList, StatusListError, StatusListKind, StatusPurpose, check,
    list_subject, read_list_credential,
};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The `encodedList` of the example BitstringStatusListCredential of Bitstring Status List v1.0 (W3C
/// Recommendation, 15 May 2025, section 2.2): a 16 KiB list with no bit set.
const SPEC_V1_ENCODED_LIST: &str = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

/// The `encodedList` of the example StatusList2021Credential of the StatusList2021 draft (VC 1.1 era): the same
/// list, without the multibase prefix.
const SPEC_2021_ENCODED_LIST: &str = "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

fn gzip(bytes: &[u8], level: Compression) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), level);
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The spec's example BitstringStatusListCredential (section 2.2).
fn spec_v1_list_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.com/credentials/status/3",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": "https://example.com/status/3#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_V1_ENCODED_LIST
        }
    })
}

/// The spec's example credential with two entries (section 2.1).
fn spec_v1_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "https://example.com/credentials/23894672394",
        "type": ["VerifiableCredential", "EmployeeIdCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2024-04-05T14:27:42Z",
        "credentialStatus": [{
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        }, {
            "id": "https://example.com/credentials/status/4#23452",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "23452",
            "statusListCredential": "https://example.com/credentials/status/4"
        }],
        "credentialSubject": {"id": "did:example:6789", "type": "Person", "employeeId": "A-123456"}
    })
}

fn v1_list_credential(purpose: Value, list: &StatusList) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://issuer.example/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": "https://issuer.example/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": list.encode()
        }
    })
}

fn entry(kind: StatusListKind, purpose: StatusPurpose, index: usize) -> StatusEntry {
    StatusEntry { purpose, index, list_credential: "https://issuer.example/status/1".into(), kind }
}

#[test]
fn round_trip_encode_decode() {
    let mut list = StatusList::new(MIN_LIST_BITS).unwrap();
    for index in [0, 1, 7, 8, 94_567, MIN_LIST_BITS - 1] {
        list.set(index, true).unwrap();
    }
    let encoded = list.encode();
    assert!(encoded.starts_with("uH4sI"), "{encoded}");
    assert!(!encoded.contains(['=', '+', '/']), "{encoded}");
    let decoded = StatusList::decode(&encoded).unwrap();
    assert_eq!(decoded, list);
    assert!(decoded.get(94_567).unwrap());
    assert!(!decoded.get(94_566).unwrap());
}

#[test]
fn bit_order_matches_a_hand_made_list() {
    // Byte 0 = 1010_0000: indexes 0 and 2 set; byte 2 = 0000_0001: index 23 set; last byte 1000_0000.
    let mut bytes = vec![0u8; MIN_LIST_BITS / 8];
    bytes[0] = 0b1010_0000;
    bytes[2] = 0b0000_0001;
    *bytes.last_mut().unwrap() = 0b1000_0000;
    let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(gzip(&bytes, Compression::best())));
    let list = StatusList::decode(&encoded).unwrap();
    assert_eq!(list.len_bits(), MIN_LIST_BITS);
    let set: Vec<usize> = (0..list.len_bits()).filter(|&i| list.get(i).unwrap()).collect();
    assert_eq!(set, vec![0, 2, 23, MIN_LIST_BITS - 8]);

    let mut built = StatusList::new(MIN_LIST_BITS).unwrap();
    for index in set {
        built.set(index, true).unwrap();
    }
    assert_eq!(built.as_bytes(), bytes.as_slice());
}

#[test]
fn spec_v1_example_decodes_to_an_empty_minimum_list() {
    let list = StatusList::decode(SPEC_V1_ENCODED_LIST).unwrap();
    assert_eq!(list.len_bits(), 131_072);
    assert!(list.as_bytes().iter().all(|&b| b == 0));

    let read = read_list_credential(&spec_v1_list_credential()).unwrap();
    assert_eq!(read.kind, StatusListKind::Bitstring);
    assert_eq!(read.purposes, vec![StatusPurpose::Revocation]);
    assert_eq!(read.list, list);
}

#[test]
fn spec_v1_entries_are_read_and_checked() {
    let entries = StatusEntry::from_credential(&spec_v1_credential()).unwrap();
    assert_eq!(
        entries,
        vec![
            StatusEntry {
                purpose: StatusPurpose::Revocation,
                index: 94_567,
                list_credential: "https://example.com/credentials/status/3".into(),
                kind: StatusListKind::Bitstring,
            },
            StatusEntry {
                purpose: StatusPurpose::Suspension,
                index: 23_452,
                list_credential: "https://example.com/credentials/status/4".into(),
                kind: StatusListKind::Bitstring,
            },
        ]
    );
    let list = read_list_credential(&spec_v1_list_credential()).unwrap();
    assert_eq!(check(&entries[0], &list), Ok(false));
    // The example's list is a revocation list; the suspension entry belongs to another list.
    assert!(matches!(check(&entries[1], &list), Err(StatusListError::PurposeMismatch { .. })));
}

#[test]
fn status_list_2021_example_decodes() {
    let list = StatusList::decode(SPEC_2021_ENCODED_LIST).unwrap();
    assert_eq!(list.len_bits(), 131_072);
    assert!(list.as_bytes().iter().all(|&b| b == 0));

    let credential = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": "https://example.com/credentials/status/3",
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:12345",
        "issued": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": "https://example.com/status/3#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": SPEC_2021_ENCODED_LIST
        }
    });
    let read = read_list_credential(&credential).unwrap();
    assert_eq!(read.kind, StatusListKind::StatusList2021);
    assert_eq!(read.purposes, vec![StatusPurpose::Revocation]);

    let vc = json!({
        "type": ["VerifiableCredential"],
        "credentialStatus": {
            "id": "https://example.com/credentials/status/3#94567",
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        }
    });
    let entries = StatusEntry::from_credential(&vc).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, StatusListKind::StatusList2021);
    assert_eq!(check(&entries[0], &read), Ok(false));
}

#[test]
fn status_list_2021_padded_standard_base64_decodes() {
    let mut bytes = vec![0u8; MIN_LIST_BITS / 8];
    bytes[100] = 0x10;
    let list = StatusList::decode(&STANDARD.encode(gzip(&bytes, Compression::fast()))).unwrap();
    assert!(list.get(803).unwrap());
    assert_eq!(list.as_bytes(), bytes.as_slice());
}

#[test]
fn list_subject_reads_back_for_both_kinds() {
    let mut list = StatusList::new(MIN_LIST_BITS * 2).unwrap();
    list.set(200_000, true).unwrap();
    for (kind, credential_type) in [
        (StatusListKind::Bitstring, "BitstringStatusListCredential"),
        (StatusListKind::StatusList2021, "StatusList2021Credential"),
    ] {
        let subject = list_subject("https://issuer.example/status/1#list", kind, StatusPurpose::Suspension, &list);
        assert_eq!(subject["type"], kind.subject_type());
        assert_eq!(subject["statusPurpose"], "suspension");
        let encoded = subject["encodedList"].as_str().unwrap();
        assert_eq!(encoded.starts_with('u'), kind == StatusListKind::Bitstring, "{encoded}");
        let credential = json!({"type": ["VerifiableCredential", credential_type], "credentialSubject": subject});
        let read = read_list_credential(&credential).unwrap();
        assert_eq!(read.kind, kind);
        assert_eq!(read.purposes, vec![StatusPurpose::Suspension]);
        assert_eq!(read.list, list);
        assert_eq!(check(&entry(kind, StatusPurpose::Suspension, 200_000), &read), Ok(true));
        assert_eq!(check(&entry(kind, StatusPurpose::Suspension, 199_999), &read), Ok(false));
    }
}

#[test]
fn out_of_range_index_is_an_error() {
    let mut list = StatusList::new(MIN_LIST_BITS).unwrap();
    let expected = Err(StatusListError::IndexOutOfRange { index: MIN_LIST_BITS, len: MIN_LIST_BITS });
    assert_eq!(list.get(MIN_LIST_BITS), expected.clone().map(|()| false));
    assert_eq!(list.set(MIN_LIST_BITS, true), expected);
    assert!(list.get(usize::MAX).is_err());
    let read = read_list_credential(&v1_list_credential(json!("revocation"), &list)).unwrap();
    assert!(matches!(
        check(&entry(StatusListKind::Bitstring, StatusPurpose::Revocation, 10_000_000), &read),
        Err(StatusListError::IndexOutOfRange { index: 10_000_000, .. })
    ));
}

#[test]
fn gzip_bomb_is_refused() {
    let zeros = vec![0u8; 100 * 1024 * 1024];
    let compressed = gzip(&zeros, Compression::fast());
    drop(zeros);
    assert!(compressed.len() < 1024 * 1024, "{}", compressed.len());
    let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(compressed));
    assert_eq!(StatusList::decode(&encoded), Err(StatusListError::TooLarge { max_bytes: MAX_LIST_BYTES }));
    // Right at the cap is fine.
    let at_cap = format!("u{}", URL_SAFE_NO_PAD.encode(gzip(&vec![0u8; MAX_LIST_BYTES], Compression::fast())));
    assert_eq!(StatusList::decode(&at_cap).unwrap().len_bits(), MAX_LIST_BYTES * 8);
}

#[test]
fn too_short_and_too_long_lists_are_refused() {
    assert!(matches!(StatusList::new(MIN_LIST_BITS - 1), Err(StatusListError::TooShort { .. })));
    assert!(matches!(StatusList::new(MAX_LIST_BYTES * 8 + 1), Err(StatusListError::TooLarge { .. })));
    assert!(matches!(StatusList::new(usize::MAX), Err(StatusListError::TooLarge { .. })));
    // Digital Bazaar's test vector: a 100,000-entry list with entry 50,000 set (byte 6250 = 0x80), shorter than
    // the specifications allow.
    let short = "H4sIAAAAAAAAA-3OMQ0AAAgDsElHOh72EJJWQRMAAAAAAIDWXAcAAAAAAIDHFvRitn7UMAAA";
    assert_eq!(StatusList::decode(short), Err(StatusListError::TooShort { len: 100_000, min: MIN_LIST_BITS }));
    let empty = URL_SAFE_NO_PAD.encode(gzip(&[], Compression::default()));
    assert!(matches!(StatusList::decode(&empty), Err(StatusListError::TooShort { len: 0, .. })));
}

#[test]
fn bad_base64_and_bad_gzip_are_errors() {
    assert_eq!(StatusList::decode("u!!!not base64"), Err(StatusListError::BadBase64));
    assert_eq!(StatusList::decode("uH4sI*"), Err(StatusListError::BadBase64));
    assert_eq!(StatusList::decode(""), Err(StatusListError::BadGzip));
    assert_eq!(StatusList::decode("u"), Err(StatusListError::BadGzip));
    assert_eq!(StatusList::decode(&URL_SAFE_NO_PAD.encode(b"not gzip at all")), Err(StatusListError::BadGzip));
    // A truncated GZIP stream.
    let whole = gzip(&vec![0u8; MIN_LIST_BITS / 8], Compression::default());
    let truncated = URL_SAFE_NO_PAD.encode(&whole[..whole.len() - 6]);
    assert_eq!(StatusList::decode(&truncated), Err(StatusListError::BadGzip));
    // A corrupted CRC.
    let mut corrupt = whole.clone();
    let crc = corrupt.len() - 8;
    corrupt[crc] ^= 0xff;
    assert_eq!(StatusList::decode(&URL_SAFE_NO_PAD.encode(corrupt)), Err(StatusListError::BadGzip));
}

#[test]
fn purpose_mismatch_is_an_error() {
    let mut list = StatusList::new(MIN_LIST_BITS).unwrap();
    list.set(5, true).unwrap();
    let read = read_list_credential(&v1_list_credential(json!("revocation"), &list)).unwrap();
    assert_eq!(
        check(&entry(StatusListKind::Bitstring, StatusPurpose::Suspension, 5), &read),
        Err(StatusListError::PurposeMismatch {
            entry: StatusPurpose::Suspension,
            list: vec![StatusPurpose::Revocation]
        })
    );
    assert_eq!(check(&entry(StatusListKind::Bitstring, StatusPurpose::Revocation, 5), &read), Ok(true));
}

#[test]
fn kind_mismatch_is_an_error() {
    let list = StatusList::new(MIN_LIST_BITS).unwrap();
    let read = read_list_credential(&v1_list_credential(json!("revocation"), &list)).unwrap();
    assert_eq!(
        check(&entry(StatusListKind::StatusList2021, StatusPurpose::Revocation, 5), &read),
        Err(StatusListError::KindMismatch { entry: StatusListKind::StatusList2021, list: StatusListKind::Bitstring })
    );
}

#[test]
fn list_with_several_purposes() {
    let mut list = StatusList::new(MIN_LIST_BITS).unwrap();
    list.set(3, true).unwrap();
    let read =
        read_list_credential(&v1_list_credential(json!(["message", "suspension", "revocation"]), &list)).unwrap();
    assert_eq!(read.purposes, vec![StatusPurpose::Suspension, StatusPurpose::Revocation]);
    assert_eq!(check(&entry(StatusListKind::Bitstring, StatusPurpose::Suspension, 3), &read), Ok(true));
    assert_eq!(check(&entry(StatusListKind::Bitstring, StatusPurpose::Revocation, 4), &read), Ok(false));
}

#[test]
fn unsupported_list_credentials_are_refused() {
    let list = StatusList::new(MIN_LIST_BITS).unwrap();
    assert_eq!(
        read_list_credential(&v1_list_credential(json!("message"), &list)),
        Err(StatusListError::UnsupportedPurpose("message".into()))
    );
    let mut sized = v1_list_credential(json!("revocation"), &list);
    sized["credentialSubject"]["statusSize"] = json!(2);
    assert_eq!(read_list_credential(&sized), Err(StatusListError::UnsupportedStatusSize("2".into())));
    let mut wrong_type = v1_list_credential(json!("revocation"), &list);
    wrong_type["type"] = json!(["VerifiableCredential", "RevocationList2020Credential"]);
    assert!(matches!(read_list_credential(&wrong_type), Err(StatusListError::UnsupportedType(_))));
    let mut wrong_subject = v1_list_credential(json!("revocation"), &list);
    wrong_subject["credentialSubject"]["type"] = json!("StatusList2021");
    assert!(matches!(read_list_credential(&wrong_subject), Err(StatusListError::Malformed(_))));
    let mut no_list = v1_list_credential(json!("revocation"), &list);
    no_list["credentialSubject"].as_object_mut().unwrap().remove("encodedList");
    assert!(matches!(read_list_credential(&no_list), Err(StatusListError::Malformed(_))));
    assert!(read_list_credential(&json!("not a credential")).is_err());
}

#[test]
fn status_entries_edge_cases() {
    assert_eq!(StatusEntry::from_credential(&json!({"type": ["VerifiableCredential"]})), Ok(vec![]));
    assert_eq!(StatusEntry::from_credential(&json!({"credentialStatus": null})), Ok(vec![]));
    let base = json!({
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://issuer.example/status/1",
        "statusSize": 1
    });
    assert_eq!(StatusEntry::from_json(&base), Ok(entry(StatusListKind::Bitstring, StatusPurpose::Revocation, 42)));
    let with = |member: &str, value: Value| {
        let mut changed = base.clone();
        changed[member] = value;
        StatusEntry::from_credential(&json!({"credentialStatus": changed}))
    };
    assert_eq!(with("statusPurpose", json!("message")), Err(StatusListError::UnsupportedPurpose("message".into())));
    assert_eq!(with("statusSize", json!(2)), Err(StatusListError::UnsupportedStatusSize("2".into())));
    assert_eq!(with("type", json!("TokenStatusList")), Err(StatusListError::UnsupportedType("TokenStatusList".into())));
    assert!(matches!(with("statusListIndex", json!("-1")), Err(StatusListError::Malformed(_))));
    assert!(matches!(with("statusListIndex", json!("1e3")), Err(StatusListError::Malformed(_))));
    assert!(matches!(with("statusListCredential", json!(7)), Err(StatusListError::Malformed(_))));
    assert!(matches!(with("statusListCredential", json!("")), Err(StatusListError::Malformed(_))));
    assert!(matches!(
        StatusEntry::from_credential(&json!({"credentialStatus": "x"})),
        Err(StatusListError::Malformed(_))
    ));
    assert!(matches!(
        StatusEntry::from_credential(&json!({"credentialStatus": [base.clone(), 5]})),
        Err(StatusListError::Malformed(_))
    ));
}

#[test]
fn errors_read_as_plain_words() {
    let error = StatusListError::PurposeMismatch { entry: StatusPurpose::Suspension, list: vec![] };
    assert_eq!(error.to_string(), "the status entry's purpose suspension is not a purpose of the status list");
    assert_eq!(
        StatusListError::TooLarge { max_bytes: MAX_LIST_BYTES }.to_string(),
        "status lists larger than 16777216 bytes are refused"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn set_get_encode_decode_agree(
        extra_bytes in 0usize..4096,
        indexes in proptest::collection::btree_set(0usize..(MIN_LIST_BITS + 4096 * 8), 0..200),
        cleared in proptest::collection::vec(any::<proptest::sample::Index>(), 0..20),
    ) {
        let mut list = StatusList::new(MIN_LIST_BITS + extra_bytes * 8).unwrap();
        let len = list.len_bits();
        let mut expected = std::collections::BTreeSet::new();
        for &index in &indexes {
            if index < len {
                list.set(index, true).unwrap();
                expected.insert(index);
            } else {
                let out_of_range = Err(StatusListError::IndexOutOfRange { index, len });
                prop_assert_eq!(list.set(index, true), out_of_range);
            }
        }
        if !indexes.is_empty() {
            let all: Vec<usize> = indexes.iter().copied().collect();
            for pick in &cleared {
                let index = *pick.get(&all);
                if index < len {
                    list.set(index, false).unwrap();
                    expected.remove(&index);
                }
            }
        }
        let decoded = StatusList::decode(&list.encode()).unwrap();
        prop_assert_eq!(&decoded, &list);
        prop_assert_eq!(decoded.len_bits(), len);
        let set: std::collections::BTreeSet<usize> = (0..len).filter(|&i| decoded.get(i).unwrap()).collect();
        prop_assert_eq!(set, expected);
    }
}
