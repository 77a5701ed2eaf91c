//! Credential status lists: W3C Bitstring Status List v1.0, and the older StatusList2021 used with VC 1.1
//! credentials.
//!
//! A status list is a bitstring with one bit per issued credential; a set bit means the credential is revoked (or
//! suspended, per the list's purpose). The list is published inside a status list credential as `encodedList`: the
//! GZIP-compressed bitstring, base64url-encoded without padding and, for v1.0, prefixed with the multibase `u`.
//! A credential points at its bit with a `credentialStatus` entry (`statusPurpose`, `statusListIndex`,
//! `statusListCredential`).
//!
//! Pure: the connector fetches the status list credential named by a [`StatusEntry`] and verifies its proof, then
//! [`read_list_credential`] reads it and [`check`] gives the entry's bit. Only one-bit entries with the purposes
//! `revocation` and `suspension` are supported; `message` (and other) purposes and `statusSize` above 1 are refused
//! as unsupported rather than ignored, so that a credential whose status cannot be judged is never taken as valid.
//! Validity dates of the status list credential are the caller's to check, as for any credential.

use std::fmt;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The minimum number of entries of a status list, as the specifications require (16 KiB of bits).
pub const MIN_LIST_BITS: usize = 131_072;

/// The largest uncompressed status list accepted, in bytes (16 MiB, 134,217,728 entries); larger lists, and GZIP
/// data that would expand beyond it, are refused.
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// The longest `encodedList` accepted, in characters; GZIP never expands data much, so an encoded list longer
/// than this could not hold an acceptable list anyway.
const MAX_ENCODED_CHARS: usize = 2 * MAX_LIST_BYTES;

/// base64url decoding that tolerates padding and non-zero trailing bits, as some issuers produce them.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Plain base64 decoding, for StatusList2021 issuers that used the standard alphabet.
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why a status list or status entry could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// The index is not within the list.
    #[error("status list index {index} is outside the list of {len} entries")]
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The number of entries of the list.
        len: usize,
    },
    /// The list has fewer entries than the specifications' minimum.
    #[error("a status list of {len} entries is shorter than the minimum of {min} entries")]
    TooShort {
        /// The number of entries of the list.
        len: usize,
        /// The minimum number of entries.
        min: usize,
    },
    /// The list, compressed or not, is larger than this crate accepts.
    #[error("status lists larger than {max_bytes} bytes are refused")]
    TooLarge {
        /// The largest accepted uncompressed list, in bytes.
        max_bytes: usize,
    },
    /// The encoded list is not base64url.
    #[error("the encoded status list is not valid base64url")]
    BadBase64,
    /// The decoded list is not GZIP data.
    #[error("the encoded status list is not valid GZIP data")]
    BadGzip,
    /// A status purpose other than `revocation` or `suspension`.
    #[error("the status purpose {0:?} is not supported")]
    UnsupportedPurpose(String),
    /// A `credentialStatus` or status list type that is neither Bitstring Status List nor StatusList2021.
    #[error("the status type {0:?} is not supported")]
    UnsupportedType(String),
    /// A `statusSize` other than 1.
    #[error("status entries of size {0} are not supported, only entries of one bit")]
    UnsupportedStatusSize(String),
    /// A required member is missing or has the wrong form.
    #[error("malformed status data: {0}")]
    Malformed(String),
    /// The entry's purpose is not among the list's purposes.
    #[error("the status entry's purpose {entry} is not a purpose of the status list")]
    PurposeMismatch {
        /// The purpose of the entry.
        entry: StatusPurpose,
        /// The purposes of the list.
        list: Vec<StatusPurpose>,
    },
    /// The entry and the list are of different kinds (a Bitstring Status List entry must be checked against a
    /// Bitstring Status List credential, a StatusList2021 entry against a StatusList2021 credential).
    #[error("a {entry} entry cannot be checked against a {list} status list")]
    KindMismatch {
        /// The kind of the entry.
        entry: StatusListKind,
        /// The kind of the list.
        list: StatusListKind,
    },
}

/// What a set bit of a status list means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// The credential is revoked, for good.
    Revocation,
    /// The credential is suspended, which may be lifted.
    Suspension,
}

impl StatusPurpose {
    /// The `statusPurpose` value: `revocation` or `suspension`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }

    /// Reads a `statusPurpose` value; other purposes (`message`, `refresh`, …) are unsupported.
    pub fn parse(value: &str) -> Result<StatusPurpose, StatusListError> {
        match value {
            "revocation" => Ok(StatusPurpose::Revocation),
            "suspension" => Ok(StatusPurpose::Suspension),
            other => Err(StatusListError::UnsupportedPurpose(other.to_owned())),
        }
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which specification a status entry or status list follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusListKind {
    /// W3C Bitstring Status List v1.0 (`BitstringStatusListEntry`, `BitstringStatusListCredential`,
    /// `BitstringStatusList`), used with VC 2.0.
    Bitstring,
    /// StatusList2021 (`StatusList2021Entry`, `StatusList2021Credential`, `StatusList2021`), used with VC 1.1.
    StatusList2021,
}

impl StatusListKind {
    /// The `type` of a `credentialStatus` entry of this kind.
    pub fn entry_type(self) -> &'static str {
        match self {
            StatusListKind::Bitstring => "BitstringStatusListEntry",
            StatusListKind::StatusList2021 => "StatusList2021Entry",
        }
    }

    /// The `type` (besides `VerifiableCredential`) of a status list credential of this kind.
    pub fn credential_type(self) -> &'static str {
        match self {
            StatusListKind::Bitstring => "BitstringStatusListCredential",
            StatusListKind::StatusList2021 => "StatusList2021Credential",
        }
    }

    /// The `type` of the credential subject of a status list credential of this kind.
    pub fn subject_type(self) -> &'static str {
        match self {
            StatusListKind::Bitstring => "BitstringStatusList",
            StatusListKind::StatusList2021 => "StatusList2021",
        }
    }

    const ALL: [StatusListKind; 2] = [StatusListKind::Bitstring, StatusListKind::StatusList2021];
}

impl fmt::Display for StatusListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.subject_type())
    }
}

/// A bitstring of statuses, one bit per credential index. Index 0 is the left-most (most significant) bit of the
/// first byte, as the specifications say; the length is always a whole number of bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of `len_bits` entries, all unset, rounded up to a whole number of bytes. Lists shorter than
    /// [`MIN_LIST_BITS`] or longer than [`MAX_LIST_BYTES`] are refused.
    pub fn new(len_bits: usize) -> Result<StatusList, StatusListError> {
        if len_bits < MIN_LIST_BITS {
            return Err(StatusListError::TooShort { len: len_bits, min: MIN_LIST_BITS });
        }
        let len_bytes = len_bits.div_ceil(8);
        if len_bytes > MAX_LIST_BYTES {
            return Err(StatusListError::TooLarge { max_bytes: MAX_LIST_BYTES });
        }
        Ok(StatusList { bytes: vec![0; len_bytes] })
    }

    /// The number of entries.
    pub fn len_bits(&self) -> usize {
        self.bytes.len() * 8
    }

    /// The bitstring itself, index 0 being the most significant bit of the first byte.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Sets (`on`) or clears the bit at `index`.
    pub fn set(&mut self, index: usize, on: bool) -> Result<(), StatusListError> {
        let (byte, mask) = self.position(index)?;
        if on {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }
        Ok(())
    }

    /// The bit at `index`.
    pub fn get(&self, index: usize) -> Result<bool, StatusListError> {
        let (byte, mask) = self.position(index)?;
        Ok(self.bytes[byte] & mask != 0)
    }

    fn position(&self, index: usize) -> Result<(usize, u8), StatusListError> {
        if index >= self.len_bits() {
            return Err(StatusListError::IndexOutOfRange { index, len: self.len_bits() });
        }
        Ok((index / 8, 0x80 >> (index % 8)))
    }

    /// The v1.0 `encodedList`: `u` (multibase base64url) followed by the base64url, without padding, of the
    /// GZIP-compressed bitstring.
    pub fn encode(&self) -> String {
        format!("u{}", self.encode_unprefixed())
    }

    /// The StatusList2021 `encodedList`: base64url, without padding, of the GZIP-compressed bitstring.
    fn encode_unprefixed(&self) -> String {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        // Writing into a Vec cannot fail.
        encoder.write_all(&self.bytes).expect("GZIP compression into memory");
        let compressed = encoder.finish().expect("GZIP compression into memory");
        URL_SAFE_NO_PAD.encode(compressed)
    }

    /// Reads an `encodedList`: the v1.0 multibase form (`u` then base64url), or the StatusList2021 form (base64url
    /// without a prefix; padding and the standard base64 alphabet are tolerated). The expanded list must hold at
    /// least [`MIN_LIST_BITS`] entries and at most [`MAX_LIST_BYTES`] bytes; expansion stops as soon as it goes
    /// beyond, so a GZIP bomb costs no more than that.
    pub fn decode(encoded: &str) -> Result<StatusList, StatusListError> {
        if encoded.len() > MAX_ENCODED_CHARS {
            return Err(StatusListError::TooLarge { max_bytes: MAX_LIST_BYTES });
        }
        // GZIP data always begins 0x1f 0x8b, "H4" in base64, so a leading `u` can only be the multibase prefix.
        let base64 = encoded.strip_prefix('u').unwrap_or(encoded);
        let compressed = URL_SAFE_LENIENT
            .decode(base64)
            .or_else(|_| STANDARD_LENIENT.decode(base64))
            .map_err(|_| StatusListError::BadBase64)?;
        if compressed.is_empty() {
            return Err(StatusListError::BadGzip);
        }
        let mut bytes = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(MAX_LIST_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| StatusListError::BadGzip)?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusListError::TooLarge { max_bytes: MAX_LIST_BYTES });
        }
        if bytes.len() * 8 < MIN_LIST_BITS {
            return Err(StatusListError::TooShort { len: bytes.len() * 8, min: MIN_LIST_BITS });
        }
        Ok(StatusList { bytes })
    }
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: u64 = self.bytes.iter().map(|b| u64::from(b.count_ones())).sum();
        f.debug_struct("StatusList").field("len_bits", &self.len_bits()).field("set", &set).finish()
    }
}

/// A `credentialStatus` entry of a credential, pointing at one bit of a status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// What a set bit means.
    pub purpose: StatusPurpose,
    /// The index of the credential's bit in the list (`statusListIndex`).
    pub index: usize,
    /// The URL of the status list credential (`statusListCredential`).
    pub list_credential: String,
    /// Bitstring Status List v1.0 or StatusList2021.
    pub kind: StatusListKind,
}

impl StatusEntry {
    /// The status entries of a credential (its JSON form, or the `vc` claim of a VC-JWT): none when it has no
    /// `credentialStatus`, else one per entry of the object or array. An entry of another type, of another
    /// purpose than `revocation` or `suspension`, or with a `statusSize` other than 1 is an error, since the
    /// credential's status could not be judged.
    pub fn from_credential(credential: &Value) -> Result<Vec<StatusEntry>, StatusListError> {
        StatusEntry::from_status(credential.get("credentialStatus"))
    }

    /// The entries of a credential's `credentialStatus` member (`None`: it has none), as
    /// [`StatusEntry::from_credential`] reads them.
    pub fn from_status(status: Option<&Value>) -> Result<Vec<StatusEntry>, StatusListError> {
        match status {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(entries)) => entries.iter().map(StatusEntry::from_json).collect(),
            Some(entry @ Value::Object(_)) => Ok(vec![StatusEntry::from_json(entry)?]),
            Some(_) => Err(malformed("credentialStatus is neither an object nor an array")),
        }
    }

    /// Reads one `credentialStatus` entry.
    pub fn from_json(entry: &Value) -> Result<StatusEntry, StatusListError> {
        if !entry.is_object() {
            return Err(malformed("a credentialStatus entry is not an object"));
        }
        let kind = kind_of(entry, StatusListKind::entry_type)?;
        if let Some(size) = entry.get("statusSize") {
            check_status_size(size)?;
        }
        let purpose = StatusPurpose::parse(string_member(entry, "statusPurpose")?)?;
        let index = parse_index(entry.get("statusListIndex").ok_or_else(|| missing("statusListIndex"))?)?;
        let list_credential = string_member(entry, "statusListCredential")?;
        if list_credential.is_empty() {
            return Err(malformed("statusListCredential is empty"));
        }
        Ok(StatusEntry { purpose, index, list_credential: list_credential.to_owned(), kind })
    }
}

/// A status list credential as read by [`read_list_credential`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListCredential {
    /// Bitstring Status List v1.0 or StatusList2021.
    pub kind: StatusListKind,
    /// The supported purposes of the list (v1.0 allows several; unsupported ones, such as `message`, are left out).
    pub purposes: Vec<StatusPurpose>,
    /// The list.
    pub list: StatusList,
}

/// The credential subject of a status list credential, for an issuer to put in its (unsigned) status list
/// credential, whose `type` must then include [`StatusListKind::credential_type`]: `id`, `type`, `statusPurpose`
/// and `encodedList` (multibase for v1.0, plain base64url for StatusList2021).
pub fn list_subject(id: &str, kind: StatusListKind, purpose: StatusPurpose, list: &StatusList) -> Value {
    let encoded = match kind {
        StatusListKind::Bitstring => list.encode(),
        StatusListKind::StatusList2021 => list.encode_unprefixed(),
    };
    json!({
        "id": id,
        "type": kind.subject_type(),
        "statusPurpose": purpose.as_str(),
        "encodedList": encoded,
    })
}

/// Reads a status list credential (VC 2.0 `BitstringStatusListCredential` or VC 1.1 `StatusList2021Credential`,
/// as JSON; its proof already verified by the caller): its kind, its supported purposes (at least one) and its
/// list.
pub fn read_list_credential(credential: &Value) -> Result<StatusListCredential, StatusListError> {
    let kind = kind_of(credential, StatusListKind::credential_type)?;
    let subject = match credential.get("credentialSubject") {
        Some(subject @ Value::Object(_)) => subject,
        Some(Value::Array(subjects)) => subjects
            .iter()
            .find(|subject| has_type(subject, kind.subject_type()))
            .ok_or_else(|| malformed(&format!("no credentialSubject is of type {}", kind.subject_type())))?,
        _ => return Err(missing("credentialSubject")),
    };
    if !has_type(subject, kind.subject_type()) {
        return Err(malformed(&format!("the credentialSubject is not of type {}", kind.subject_type())));
    }
    if let Some(size) = subject.get("statusSize") {
        check_status_size(size)?;
    }
    let declared: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(purpose)) => vec![purpose.as_str()],
        Some(Value::Array(purposes)) => purposes
            .iter()
            .map(|purpose| {
                purpose.as_str().ok_or_else(|| malformed("statusPurpose holds a value that is not a string"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(malformed("statusPurpose is neither a string nor an array of strings")),
        None => return Err(missing("statusPurpose")),
    };
    let mut purposes = Vec::new();
    for purpose in declared.iter().filter_map(|purpose| StatusPurpose::parse(purpose).ok()) {
        if !purposes.contains(&purpose) {
            purposes.push(purpose);
        }
    }
    if purposes.is_empty() {
        return Err(StatusListError::UnsupportedPurpose(declared.join(", ")));
    }
    let list = StatusList::decode(string_member(subject, "encodedList")?)?;
    Ok(StatusListCredential { kind, purposes, list })
}

/// Whether the credential with `entry` is revoked or suspended (per the entry's purpose) according to the status
/// list credential `list`, which must be of the same kind and have the entry's purpose.
pub fn check(entry: &StatusEntry, list: &StatusListCredential) -> Result<bool, StatusListError> {
    if entry.kind != list.kind {
        return Err(StatusListError::KindMismatch { entry: entry.kind, list: list.kind });
    }
    if !list.purposes.contains(&entry.purpose) {
        return Err(StatusListError::PurposeMismatch { entry: entry.purpose, list: list.purposes.clone() });
    }
    list.list.get(entry.index)
}

fn malformed(what: &str) -> StatusListError {
    StatusListError::Malformed(what.to_owned())
}

fn missing(member: &str) -> StatusListError {
    StatusListError::Malformed(format!("{member} is missing"))
}

fn string_member<'a>(object: &'a Value, member: &str) -> Result<&'a str, StatusListError> {
    match object.get(member) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(malformed(&format!("{member} is not a string"))),
        None => Err(missing(member)),
    }
}

/// Whether `object`'s `type` (a string or an array of strings) includes `wanted`.
fn has_type(object: &Value, wanted: &str) -> bool {
    match object.get("type") {
        Some(Value::String(value)) => value == wanted,
        Some(Value::Array(values)) => values.iter().any(|value| value.as_str() == Some(wanted)),
        _ => false,
    }
}

/// The kind whose type name (per `type_name`) is among `object`'s types.
fn kind_of(object: &Value, type_name: fn(StatusListKind) -> &'static str) -> Result<StatusListKind, StatusListError> {
    if let Some(kind) = StatusListKind::ALL.into_iter().find(|kind| has_type(object, type_name(*kind))) {
        return Ok(kind);
    }
    match object.get("type") {
        None => Err(missing("type")),
        Some(Value::String(value)) => Err(StatusListError::UnsupportedType(value.clone())),
        Some(other) => Err(StatusListError::UnsupportedType(other.to_string())),
    }
}

/// `statusListIndex`: a base-10 string of digits (a JSON integer is tolerated).
fn parse_index(value: &Value) -> Result<usize, StatusListError> {
    let too_large = || malformed("statusListIndex is too large");
    match value {
        Value::String(digits) => {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed("statusListIndex is not a string of decimal digits"));
            }
            digits.parse().map_err(|_| too_large())
        }
        Value::Number(number) => {
            let number = number.as_u64().ok_or_else(|| malformed("statusListIndex is not a non-negative integer"))?;
            usize::try_from(number).map_err(|_| too_large())
        }
        _ => Err(malformed("statusListIndex is neither a string nor a number")),
    }
}

/// `statusSize`, which must be 1 (as a JSON integer, or as a string for lenience) for a one-bit list.
fn check_status_size(size: &Value) -> Result<(), StatusListError> {
    let is_one = match size {
        Value::Number(number) => number.as_u64() == Some(1),
        Value::String(text) => text == "1",
        _ => false,
    };
    if is_one {
        Ok(())
    } else {
        Err(StatusListError::UnsupportedStatusSize(match size {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_most_significant_bit_first() {
        let mut list = StatusList::new(MIN_LIST_BITS).unwrap();
        list.set(0, true).unwrap();
        list.set(9, true).unwrap();
        list.set(MIN_LIST_BITS - 1, true).unwrap();
        assert_eq!(list.as_bytes()[0], 0b1000_0000);
        assert_eq!(list.as_bytes()[1], 0b0100_0000);
        assert_eq!(list.as_bytes()[MIN_LIST_BITS / 8 - 1], 0b0000_0001);
        list.set(9, false).unwrap();
        assert_eq!(list.as_bytes()[1], 0);
    }

    #[test]
    fn length_is_rounded_up_to_whole_bytes() {
        let list = StatusList::new(MIN_LIST_BITS + 1).unwrap();
        assert_eq!(list.len_bits(), MIN_LIST_BITS + 8);
        assert!(list.get(MIN_LIST_BITS + 7).is_ok());
    }

    #[test]
    fn index_strings_are_digits_only() {
        assert_eq!(parse_index(&json!("94567")), Ok(94567));
        assert_eq!(parse_index(&json!(7)), Ok(7));
        for bad in [json!(""), json!("+5"), json!(" 5"), json!("0x10"), json!("-1"), json!(-1), json!(1.5), json!(null)]
        {
            assert!(matches!(parse_index(&bad), Err(StatusListError::Malformed(_))), "{bad} accepted");
        }
        assert!(parse_index(&json!("99999999999999999999999999")).is_err());
    }
}
