//! JSON-LD normalisation of incoming DSP 2025-1 messages.
//!
//! Peers may send any valid JSON-LD form of a DSP message (compact with other
//! prefixes, expanded, extra inline contexts, ...). [`Normaliser::normalise`]
//! turns all of them into the single DSP 2025-1 compact shape the serde types
//! deserialize. Contexts are bundled: nothing is ever fetched from the network.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};
use std::task::{Context as TaskContext, Poll, Waker};

use json_ld::context_processing::{Process, ProcessedOwned};
use json_ld::expansion::Expand;
use json_ld::syntax::IntoJsonWithContext;
use json_ld::{Compact, ExpandedDocument, Iri, IriBuf, LoadError, Loader, RemoteDocument};
use serde_json::{Map, Value};

pub use ldt_catalog::dsp::DSP_CONTEXT;

/// The ODRL profile context IRI, `@import`ed by the DSP context.
pub const ODRL_PROFILE_CONTEXT: &str = "https://w3id.org/dspace/2025/1/odrl-profile.jsonld";

const DSP_CONTEXT_DOC: &str = include_str!("../../../assets/dsp-2025-1/context/dspace.jsonld");
const ODRL_CONTEXT_DOC: &str = include_str!("../../../assets/dsp-2025-1/context/odrl.jsonld");

/// Terms declared with `"@container": "@set"` in the bundled contexts (checked by a test):
/// compaction always renders them as arrays.
const SET_TERMS: &[&str] = &[
    "filter",
    "reason",
    "endpointProperties",
    "service",
    "catalog",
    "dataset",
    "distribution",
    "hasPolicy",
    "permission",
    "prohibition",
    "obligation",
    "duty",
    "constraint",
];

/// Why a document could not be normalised; Display gives a plain sentence fit for a 400 error body.
#[derive(Debug, thiserror::Error)]
pub enum NormaliseError {
    /// The message is not a JSON object.
    #[error("the message must be a JSON object")]
    NotAnObject,
    /// The message refers to a remote context that is not bundled (nothing is fetched).
    #[error("unsupported JSON-LD context `{0}`: only the DSP 2025-1 contexts are accepted")]
    UnknownContext(String),
    /// The message is not valid JSON-LD, or carries no JSON-LD content at all.
    #[error("invalid JSON-LD: {0}")]
    Invalid(String),
    /// The bundled contexts could not be processed (a build defect, not the peer's fault).
    #[error("internal JSON-LD error: {0}")]
    Internal(String),
}

/// Normalises incoming DSP JSON-LD to the DSP 2025-1 compact form.
///
/// Cheap to clone and share (an `Arc` inside); build it once at start-up.
#[derive(Clone)]
pub struct Normaliser {
    inner: Arc<Inner>,
}

struct Inner {
    loader: BundledLoader,
    /// The DSP context, processed once (its inverse context is cached inside
    /// after the first compaction).
    dsp: Result<ProcessedOwned<IriBuf, json_ld::BlankIdBuf>, String>,
}

impl Default for Normaliser {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Normaliser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normaliser").finish_non_exhaustive()
    }
}

impl Normaliser {
    /// Builds the normaliser: parses the bundled contexts and processes the DSP context once.
    pub fn new() -> Self {
        let loader = BundledLoader::new();
        let dsp = process_dsp_context(&loader);
        Self { inner: Arc::new(Inner { loader, dsp }) }
    }

    /// Returns the message in DSP compact form with `@context` = `[DSP_CONTEXT]`.
    ///
    /// Fast path (no JSON-LD processing): a document whose `@context` is only the DSP
    /// context (string or one-element array) is returned as is (a string `@context`
    /// becomes a one-element array) when compaction could not change it: every key is a
    /// term, `@id`, `@type`, or a prefixed or absolute IRI that no term active where it stands
    /// means (type-scoped contexts followed, e.g. `odrl:hasPolicy` inside a `Dataset` is
    /// `hasPolicy`), there is no nested `@context`, no string value other than a type
    /// starts with a DSP-context prefix or namespace (e.g. `"action": "odrl:use"`), every
    /// `@set` term (`filter`, `permission`, …) holds an array and no other term holds a
    /// one-element array, value objects have a type or language, and there is no null,
    /// nested array or several types. JSON literals (`"@type": "@json"`) are left alone.
    /// Undefined terms pass through here, where the slow path would refuse them.
    /// Everything else is expanded (bundled contexts only) and compacted against
    /// [`DSP_CONTEXT`]. A top-level array (the expanded form) is accepted; any other
    /// non-object is rejected.
    ///
    /// JSON-LD behaviours worth knowing (slow path only):
    /// - terms the contexts do not define are refused (safe mode);
    /// - a non-`@set` term with one value is rendered as a scalar (e.g. `"and": [c]`
    ///   becomes `"and": c`, `"rightOperand": ["a"]` becomes `"rightOperand": "a"`);
    ///   `@set` terms always stay arrays;
    /// - `@vocab`-typed values (`state`, `action`, `operator`, `format`, …) compact to the
    ///   DSP/ODRL term when there is one (`odrl:use` → `use`); others are kept verbatim
    ///   (`"HttpData-PULL"`, `"spatial"`: the DSP context has no `@vocab`, so they
    ///   expand to relative IRIs and compact back unchanged);
    /// - values of properties outside the contexts keep full IRIs as keys.
    pub async fn normalise(&self, mut doc: Value) -> Result<Value, NormaliseError> {
        // A top-level array is how the expanded form comes; scalars are never DSP messages.
        if !(doc.is_object() || doc.is_array()) {
            return Err(NormaliseError::NotAnObject);
        }
        if let Value::Object(mut map) = doc {
            if is_dsp_compact(&map) {
                context_as_array(&mut map);
                return Ok(Value::Object(map));
            }
            doc = Value::Object(map);
        }
        let expanded = self.expand_doc(doc).await?;
        match expanded.len() {
            1 => {}
            0 => {
                return Err(NormaliseError::Invalid(
                    "the message has no JSON-LD content (missing or empty @context?)".into(),
                ));
            }
            n => {
                return Err(NormaliseError::Invalid(format!(
                    "the message must be a single JSON-LD node, found {n} top-level nodes"
                )));
            }
        }
        // Without a context, `"@type": "CatalogRequestMessage"` expands to a relative IRI
        // and would compact back to the same string, masquerading as a DSP message.
        // (Nested nodes are not checked: a relative nested type compacts back verbatim.)
        if let Some(ty) = relative_type(&expanded) {
            return Err(NormaliseError::Invalid(format!("@type `{ty}` is not defined by the message's @context")));
        }
        self.compact(&expanded).await
    }

    /// Whether [`Normaliser::normalise`] takes its fast path for `doc`: returns it as it is, without JSON-LD
    /// processing, because compaction would not change it.
    pub fn is_compact(doc: &Value) -> bool {
        doc.as_object().is_some_and(is_dsp_compact)
    }

    /// The document reduced to its `terms` (besides `@context`, `@id` and `@type`), in DSP compact form — for a
    /// reader that needs part of a large document, such as a dataset's offers. When the document has only the DSP
    /// context, spells none of `terms` another way (`odrl:hasPolicy`, a full IRI) and the reduced document is
    /// already compact, no JSON-LD processing is done; otherwise the whole document is normalised, then reduced.
    pub async fn normalise_terms(&self, doc: Value, terms: &[&str]) -> Result<Value, NormaliseError> {
        let wanted = |key: &str| key.starts_with('@') || terms.contains(&key);
        let doc = match split_terms(doc, terms) {
            Ok(reduced) => return Ok(reduced),
            Err(doc) => doc,
        };
        let mut normalised = self.normalise(doc).await?;
        if let Value::Object(map) = &mut normalised {
            map.retain(|key, _| wanted(key));
        }
        Ok(normalised)
    }

    /// Expands a document (bundled contexts only) — used by tests and by checks.
    pub async fn expand(&self, doc: &Value) -> Result<Value, NormaliseError> {
        let expanded = self.expand_doc(doc.clone()).await?;
        let objects = expanded.into_iter().map(|o| o.into_json_with(&()).into_serde_json());
        Ok(Value::Array(objects.collect()))
    }

    async fn expand_doc(&self, mut doc: Value) -> Result<ExpandedDocument, NormaliseError> {
        // Processing the DSP context costs about 1 ms: when the document starts with it,
        // start from the copy processed at start-up instead (same result).
        let active = match &self.inner.dsp {
            Ok(dsp) if strip_leading_dsp_context(&mut doc) => dsp.processed().clone(),
            _ => json_ld::Context::new(None),
        };
        json_ld::syntax::Value::from_serde_json(doc)
            .expand_full(&mut (), active, None, &self.inner.loader, strict(), ())
            .await
            .map_err(|e| match e {
                json_ld::expansion::Error::ContextProcessing(e) => processing_error(e),
                json_ld::expansion::Error::KeyExpansionFailed(key) => NormaliseError::Invalid(format!(
                    "`{key}` is not defined by the message's context (a prefixed `@type` does not bring the \
                     DSP terms of that type with it)"
                )),
                e => NormaliseError::Invalid(e.to_string()),
            })
    }

    async fn compact(&self, expanded: &ExpandedDocument) -> Result<Value, NormaliseError> {
        let dsp = self.inner.dsp.as_ref().map_err(|e| NormaliseError::Internal(e.clone()))?;
        let compacted = expanded
            .compact_full(&mut (), dsp.as_ref(), &self.inner.loader, Default::default())
            .await
            .map_err(|e| match e {
                json_ld::compaction::Error::ContextProcessing(e) => processing_error(e),
                e => NormaliseError::Invalid(e.to_string()),
            })?;
        // The compactor embeds the context as given to it (a bare string); we always
        // emit the array form, first.
        let Value::Object(body) = compacted.into_serde_json() else {
            return Err(NormaliseError::Internal("compaction did not produce an object".into()));
        };
        let mut out = Map::with_capacity(body.len() + 1);
        out.insert("@context".into(), Value::Array(vec![Value::String(DSP_CONTEXT.into())]));
        out.extend(body.into_iter().filter(|(k, _)| k != "@context"));
        Ok(Value::Object(out))
    }
}

/// Whether the object `map` already is in DSP compact form, i.e. the slow path would return it unchanged
/// (up to the `@context` string/array form; undefined terms pass, which the slow path refuses).
fn is_dsp_compact(map: &Map<String, Value>) -> bool {
    let context_ok = match map.get("@context") {
        Some(Value::String(s)) => s == DSP_CONTEXT,
        Some(Value::Array(a)) => matches!(a.as_slice(), [Value::String(s)] if s == DSP_CONTEXT),
        _ => false,
    };
    context_ok && plain_node(map)
}

/// A node that compaction leaves as it is: its keys are DSP terms, `@id`, `@type` or IRIs no active term stands for
/// (see [`stays`]), there is no nested `@context`, its `@set` terms hold arrays and its other keys no one-element
/// array (compaction unwraps those); a value object has a type or language; a JSON literal (`"@type": "@json"`) is
/// left as it is whatever it holds.
fn plain_node(node: &Map<String, Value>) -> bool {
    plain_node_in(node, &[])
}

/// [`plain_node`] below nodes whose type-scoped contexts propagate `inherited` terms (their IRIs).
fn plain_node_in(node: &Map<String, Value>, inherited: &[&HashSet<String>]) -> bool {
    // Several types would bring several scoped contexts; `CatalogService` aliases `@id` and `@type`.
    let kind = match node.get("@type") {
        None => None,
        Some(Value::String(kind)) if kind != "CatalogService" => Some(kind.as_str()),
        Some(_) => return false,
    };
    if kind == Some("@json") {
        return node.keys().all(|key| key == "@type" || key == "@value");
    }
    if node.contains_key("@value") {
        // A bare `{"@value": …}` compacts to its value.
        let keywords_only = node.keys().all(|key| matches!(key.as_str(), "@value" | "@type" | "@language"));
        let typed = kind.is_some_and(|kind| stays(kind, inherited)) || node.contains_key("@language");
        return keywords_only && typed && node["@value"].is_string();
    }
    let scoped = kind.and_then(|kind| TYPE_SCOPES.get(kind));
    let mut active: Vec<&HashSet<String>> = inherited.to_vec();
    active.extend(scoped.map(|(iris, _)| iris));
    let below: &[&HashSet<String>] =
        if scoped.is_some_and(|(_, propagates)| *propagates) { &active } else { inherited };
    // `dataset` is a plain term in DatasetRequestMessage's scoped context, a set elsewhere.
    let dataset_request = kind == Some("DatasetRequestMessage");
    node.iter().all(|(key, value)| {
        let is_set = SET_TERMS.contains(&key.as_str()) && !(dataset_request && key == "dataset");
        let shape_ok = match value {
            Value::Array(a) => is_set || a.len() != 1,
            _ => !is_set,
        };
        let value_ok = match (key.as_str(), value) {
            ("@context", _) => true,
            // Types compact as vocabulary IRIs: a prefixed or absolute type stays unless a term stands for it.
            ("@type", Value::String(kind)) => stays(kind, &active),
            ("@id", Value::String(_)) => true,
            (keyword, _) if keyword.starts_with('@') => false,
            _ => plain_value(value, below, TYPED_TERMS.contains(key.as_str())),
        };
        key == "@context" || (stays(key, &active) && shape_ok && value_ok)
    })
}

/// Whether compaction against the DSP context gives `name` back as it is: a name without `:` (a term, a keyword,
/// or an undefined term, which the slow path refuses in its safe mode), or a compact IRI with a prefix of the
/// bundled contexts, or an absolute IRI in no prefix's namespace — in both cases one that no term stands for:
/// neither a top-level term of the DSP context nor one of the `scoped` terms active where it is.
fn stays(name: &str, scoped: &[&HashSet<String>]) -> bool {
    if !name.contains(':') {
        return true;
    }
    let iri = expand(name);
    // An absolute IRI in a prefix's namespace compacts to the prefixed form.
    let absolute_in_namespace = iri == name && in_prefix_namespace(name);
    !absolute_in_namespace && !TOP_TERM_IRIS.contains(&iri) && !scoped.iter().any(|iris| iris.contains(&iri))
}

/// True if `text` starts with a prefix of the bundled contexts (`odrl:`) or with its namespace: as a value it
/// may compact differently (`"action": "odrl:use"` is `"use"`).
fn starts_with_prefix(text: &str) -> bool {
    in_prefix_namespace(text)
        || text.split_once(':').is_some_and(|(prefix, _)| CONTEXT_PREFIXES.iter().any(|(known, _)| known == prefix))
}

/// True if `iri` lies in the namespace of a prefix of the bundled contexts.
fn in_prefix_namespace(iri: &str) -> bool {
    CONTEXT_PREFIXES.iter().any(|(_, namespace)| iri.starts_with(namespace.as_str()))
}

/// The IRIs the top-level terms of the DSP context stand for, expanded.
static TOP_TERM_IRIS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let context = context_of(DSP_CONTEXT_DOC);
    let mut iris = HashSet::new();
    for (_, iri) in definitions(&context) {
        iris.insert(expand(iri));
    }
    iris
});

/// For each type with a scoped context in the DSP context: the IRIs its terms stand for (the ODRL terms too where
/// it imports the ODRL context), and whether they propagate to the nodes below.
static TYPE_SCOPES: LazyLock<HashMap<String, (HashSet<String>, bool)>> = LazyLock::new(|| {
    let context = context_of(DSP_CONTEXT_DOC);
    let odrl = context_of(ODRL_CONTEXT_DOC);
    let mut scopes = HashMap::new();
    for (kind, definition) in context.as_object().into_iter().flatten() {
        let Some(scoped) = definition.get("@context") else { continue };
        let mut iris: HashSet<String> = definitions(scoped).map(|(_, iri)| expand(iri)).collect();
        if scoped.get("@import").is_some() {
            visit_terms(&odrl, &mut |_, iri| {
                iris.insert(expand(iri));
            });
        }
        let propagates = scoped.get("@propagate").and_then(Value::as_bool).unwrap_or(false);
        scopes.insert(kind.clone(), (iris, propagates));
    }
    scopes
});

/// The IRI a term definition gives its term: the definition itself, or its `@id`.
fn iri_of(definition: &Value) -> Option<&str> {
    definition.as_str().or_else(|| definition.get("@id").and_then(Value::as_str))
}

/// The term definitions directly in `context` (term, IRI).
fn definitions(context: &Value) -> impl Iterator<Item = (&str, &str)> {
    context
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(term, _)| !term.starts_with('@'))
        .filter_map(|(term, definition)| Some((term.as_str(), iri_of(definition)?)))
}

/// `iri` expanded with the bundled contexts' prefixes.
fn expand(iri: &str) -> String {
    match iri.split_once(':') {
        Some((prefix, rest)) if !rest.starts_with("//") => CONTEXT_PREFIXES
            .iter()
            .find(|(known, _)| known == prefix)
            .map_or_else(|| iri.to_owned(), |(_, namespace)| format!("{namespace}{rest}")),
        _ => iri.to_owned(),
    }
}

/// The `@context` of a bundled context document.
fn context_of(document: &str) -> Value {
    let mut document: Value = serde_json::from_str(document).expect("the bundled contexts are JSON");
    document["@context"].take()
}

/// The prefixes the bundled contexts define (name → namespace), anywhere in them.
static CONTEXT_PREFIXES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let mut prefixes = Vec::new();
    for document in [DSP_CONTEXT_DOC, ODRL_CONTEXT_DOC] {
        visit_terms(&context_of(document), &mut |term, iri| {
            if !term.contains(':') && iri.contains("://") && iri.ends_with(['/', '#']) {
                prefixes.push((term.to_owned(), iri.to_owned()));
            }
        });
    }
    prefixes
});

/// Calls `visit(term, iri)` for every term definition of `context` and of the contexts scoped in it.
fn visit_terms(context: &Value, visit: &mut impl FnMut(&str, &str)) {
    visit_definitions(context, &mut |term, definition| {
        if let Some(iri) = iri_of(definition) {
            visit(term, iri);
        }
    });
}

/// Calls `visit(term, definition)` for every term definition of `context` and of the contexts scoped in it.
fn visit_definitions(context: &Value, visit: &mut impl FnMut(&str, &Value)) {
    match context {
        Value::Array(contexts) => contexts.iter().for_each(|context| visit_definitions(context, visit)),
        Value::Object(terms) => {
            for (term, definition) in terms.iter().filter(|(term, _)| !term.starts_with('@')) {
                visit(term, definition);
                if let Some(scoped) = definition.get("@context") {
                    visit_definitions(scoped, visit);
                }
            }
        }
        _ => {}
    }
}

/// A value compaction leaves as it is, under a term that is `typed` (`@id` or `@vocab`) or not: no null (expansion
/// drops it), no array in an array (flattened), under a typed term no number or boolean and no bare `{"@id": …}`
/// (compacted to a string or re-keyed).
fn plain_value(value: &Value, inherited: &[&HashSet<String>], typed: bool) -> bool {
    match value {
        Value::String(s) => !starts_with_prefix(s),
        Value::Array(a) => a.iter().all(|item| !item.is_array() && plain_value(item, inherited, typed)),
        Value::Object(o) if typed && o.len() == 1 && o.contains_key("@id") => false,
        Value::Object(o) => !o.contains_key("@context") && plain_node_in(o, inherited),
        Value::Bool(_) | Value::Number(_) => !typed,
        Value::Null => false,
    }
}

/// The terms of the bundled contexts whose values are IRIs (`"@type": "@id"` or `"@vocab"`), in any scope.
static TYPED_TERMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut terms = HashSet::new();
    for document in [DSP_CONTEXT_DOC, ODRL_CONTEXT_DOC] {
        visit_definitions(&context_of(document), &mut |term, definition| {
            if matches!(definition.get("@type").and_then(Value::as_str), Some("@id" | "@vocab")) {
                terms.insert(term.to_owned());
            }
        });
    }
    terms
});

/// `doc` reduced to `terms` and its keywords when that is already DSP compact form (see
/// [`Normaliser::normalise_terms`]), else `doc` back untouched.
fn split_terms(doc: Value, terms: &[&str]) -> Result<Value, Value> {
    let Value::Object(map) = doc else {
        return Err(doc);
    };
    let respelled = |key: &str| {
        key.contains(':')
            && terms.iter().any(|term| key.strip_suffix(term).is_some_and(|head| head.ends_with([':', '/', '#'])))
    };
    if map.keys().any(|key| respelled(key)) {
        return Err(Value::Object(map));
    }
    let (mut reduced, rest): (Map<String, Value>, Map<String, Value>) =
        map.into_iter().partition(|(key, _)| key.starts_with('@') || terms.contains(&key.as_str()));
    if !is_dsp_compact(&reduced) {
        reduced.extend(rest);
        return Err(Value::Object(reduced));
    }
    context_as_array(&mut reduced);
    Ok(Value::Object(reduced))
}

/// Turns a string `@context` into the one-element array DSP compact form always has.
fn context_as_array(map: &mut Map<String, Value>) {
    if let Some(context @ Value::String(_)) = map.get_mut("@context") {
        *context = Value::Array(vec![context.take()]);
    }
}

/// Removes [`DSP_CONTEXT`] when it is the first (or only) entry of the top-level `@context`.
fn strip_leading_dsp_context(doc: &mut Value) -> bool {
    let Some(map) = doc.as_object_mut() else {
        return false;
    };
    match map.get_mut("@context") {
        Some(Value::String(s)) if s == DSP_CONTEXT => {
            map.remove("@context");
            true
        }
        Some(Value::Array(a)) if a.first().and_then(Value::as_str) == Some(DSP_CONTEXT) => {
            a.remove(0);
            if a.is_empty() {
                map.remove("@context");
            }
            true
        }
        _ => false,
    }
}

/// Expansion in JSON-LD's "safe mode": a term the context does not define is an error instead of being dropped,
/// so a message is never read with part of it silently missing.
fn strict() -> json_ld::expansion::Options {
    json_ld::expansion::Options {
        policy: json_ld::expansion::Policy { allow_undefined: false, ..Default::default() },
        ..Default::default()
    }
}

/// The first top-level `@type` that did not expand to an absolute IRI, if any.
fn relative_type(doc: &ExpandedDocument) -> Option<String> {
    doc.iter()
        .filter_map(|object| object.inner().as_node())
        .flat_map(|node| node.types())
        .find(|ty| !ty.is_valid())
        .map(|ty| ty.as_str().to_owned())
}

/// Maps a context-processing error, naming the context when it is an unknown remote one.
fn processing_error(e: json_ld::context_processing::Error) -> NormaliseError {
    match e {
        json_ld::context_processing::Error::ContextLoadingFailed(LoadError { target, .. }) => {
            NormaliseError::UnknownContext(target.into_string())
        }
        e => NormaliseError::Invalid(e.to_string()),
    }
}

/// Processes the bundled DSP context once, for compaction.
fn process_dsp_context(loader: &BundledLoader) -> Result<ProcessedOwned<IriBuf, json_ld::BlankIdBuf>, String> {
    let iri = IriBuf::new(DSP_CONTEXT.to_owned()).map_err(|e| e.to_string())?;
    let context = json_ld::syntax::Context::from(iri.clone());
    let active = json_ld::Context::new(None);
    let mut vocabulary = ();
    let fut = context.process_full(&mut vocabulary, &active, loader, Some(iri), Default::default(), ());
    // The bundled loader never suspends, so one poll completes the future: no runtime,
    // no blocking.
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(Ok(processed)) => Ok(processed.into_owned()),
        Poll::Ready(Err(e)) => Err(format!("bundled DSP context: {e}")),
        Poll::Pending => Err("bundled DSP context: processing did not complete".into()),
    }
}

/// Loader over the bundled contexts; any other IRI fails (nothing is fetched).
struct BundledLoader {
    docs: HashMap<IriBuf, json_ld::syntax::Value>,
}

impl BundledLoader {
    fn new() -> Self {
        let mut docs = HashMap::new();
        for (iri, text) in [(DSP_CONTEXT, DSP_CONTEXT_DOC), (ODRL_PROFILE_CONTEXT, ODRL_CONTEXT_DOC)] {
            // A malformed bundled file is left out; processing then reports it as Internal.
            if let (Ok(iri), Ok(doc)) = (IriBuf::new(iri.to_owned()), serde_json::from_str(text)) {
                docs.insert(iri, json_ld::syntax::Value::from_serde_json(doc));
            }
        }
        Self { docs }
    }
}

/// Error of [`BundledLoader`] for an IRI that is not bundled.
#[derive(Debug, thiserror::Error)]
#[error("context is not bundled")]
struct NotBundled;

impl Loader for BundledLoader {
    async fn load(&self, url: &Iri) -> Result<RemoteDocument<IriBuf>, LoadError> {
        match self.docs.get(url) {
            Some(doc) => Ok(RemoteDocument::new(Some(url.to_owned()), None, doc.clone())),
            None => Err(LoadError::new(url.to_owned(), NotBundled)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/dsp-2025-1");

    fn examples() -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for area in ["catalog", "negotiation", "transfer"] {
            let dir = format!("{EXAMPLES}/{area}/example");
            for entry in std::fs::read_dir(&dir).expect(&dir) {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path.display().to_string(), serde_json::from_str(&text).unwrap()));
                }
            }
        }
        assert!(out.len() >= 20, "expected the DSP examples, found {}", out.len());
        out
    }

    #[tokio::test]
    async fn examples_take_fast_path_and_round_trip_through_expanded_form() {
        let n = Normaliser::new();
        for (name, doc) in examples() {
            assert!(is_dsp_compact(doc.as_object().unwrap()), "{name}: not on the fast path");
            assert_eq!(n.normalise(doc.clone()).await.unwrap(), doc, "{name}: fast path");
            let expanded = n.expand(&doc).await.unwrap();
            // Same expansion when the DSP context is loaded and processed per call
            // (it is not leading, so the start-up copy is not used).
            let mut uncached = doc.clone();
            uncached["@context"] = json!([{}, DSP_CONTEXT]);
            assert_eq!(n.expand(&uncached).await.unwrap(), expanded, "{name}: cache");
            assert!(!expanded.to_string().contains("\"@context\""), "{name}: not expanded");
            let back = n.normalise(expanded).await.unwrap();
            assert_eq!(back, doc, "{name}: expanded form did not compact back");
        }
    }

    /// A dataset as catalogues write it: DCAT terms prefixed (so the whole takes the slow path), offers compact.
    fn dataset(offer_key: &str) -> Value {
        json!({
            "@context": [DSP_CONTEXT],
            "@id": "traffic-prediction-24h",
            "@type": "Dataset",
            "dct:title": {"@value": "Traffic prediction", "@language": "en"},
            "dcat:keyword": ["traffic", "prediction"],
            offer_key: [{
                "@id": "offer-1",
                "@type": "Offer",
                "permission": [{
                    "action": "use",
                    "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]
                }]
            }],
            "distribution": [{"@type": "Distribution", "format": "HttpData-PULL"}]
        })
    }

    #[tokio::test]
    async fn normalised_terms_equal_the_whole_normalised_and_reduced() {
        let n = Normaliser::new();
        let whole = n.normalise(dataset("hasPolicy")).await.unwrap();
        let reduced = n.normalise_terms(dataset("hasPolicy"), &["hasPolicy"]).await.unwrap();
        let expected: Map<String, Value> = whole
            .as_object()
            .unwrap()
            .iter()
            .filter(|(key, _)| key.starts_with('@') || *key == "hasPolicy")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        assert_eq!(reduced, Value::Object(expected));
        assert_eq!(reduced["hasPolicy"][0]["permission"][0]["action"], "use");
        // Taken without JSON-LD processing: the reduced document is compact as it stands.
        assert!(split_terms(dataset("hasPolicy"), &["hasPolicy"]).is_ok());
        // Another spelling of the term takes the slow path, and is found.
        assert!(split_terms(dataset("odrl:hasPolicy"), &["hasPolicy"]).is_err());
        let respelled = n.normalise_terms(dataset("odrl:hasPolicy"), &["hasPolicy"]).await.unwrap();
        assert_eq!(respelled, reduced);
    }

    #[tokio::test]
    async fn other_prefixes_compact_to_dsp_terms() {
        let n = Normaliser::new();
        let doc = json!({
            "@context": {"ds": "https://w3id.org/dspace/2025/1/"},
            "@type": "ds:CatalogRequestMessage",
            "ds:filter": []
        });
        let expected = json!({
            "@context": [DSP_CONTEXT],
            "@type": "CatalogRequestMessage",
            "filter": []
        });
        assert_eq!(n.normalise(doc).await.unwrap(), expected);
    }

    #[tokio::test]
    async fn prefixed_values_and_array_shapes_are_normalised() {
        let n = Normaliser::new();
        let doc = json!({
            "@context": DSP_CONTEXT,
            "@type": "ContractRequestMessage",
            "consumerPid": ["urn:uuid:c"],
            "offer": {
                "@type": "odrl:Offer",
                "@id": "urn:uuid:o",
                "target": "urn:uuid:t",
                "permission": {"action": "odrl:use"}
            }
        });
        assert!(!is_dsp_compact(doc.as_object().unwrap()));
        let expected = json!({
            "@context": [DSP_CONTEXT],
            "@type": "ContractRequestMessage",
            "consumerPid": "urn:uuid:c",
            "offer": {
                "@type": "Offer",
                "@id": "urn:uuid:o",
                "target": "urn:uuid:t",
                "permission": [{"action": "use"}]
            }
        });
        assert_eq!(n.normalise(doc).await.unwrap(), expected);

        let state = json!({
            "@context": DSP_CONTEXT,
            "@type": "TransferProcess",
            "providerPid": "urn:p",
            "consumerPid": "urn:c",
            "state": "https://w3id.org/dspace/2025/1/STARTED"
        });
        let out = n.normalise(state).await.unwrap();
        assert_eq!(out["state"], "STARTED");
    }

    /// Type-scoped contexts apply only when `@type` is written as the term itself, so under a
    /// prefixed `@type` the type's DSP terms are undefined. Plain expansion would drop them
    /// silently; safe-mode expansion refuses the message and names the term.
    #[tokio::test]
    async fn prefixed_type_does_not_select_the_scoped_context() {
        let n = Normaliser::new();
        let doc = json!({
            "@context": [DSP_CONTEXT],
            "@type": "dspace:TransferCompletionMessage",
            "consumerPid": "urn:c",
            "dspace:providerPid": "urn:p"
        });
        match n.normalise(doc).await {
            Err(NormaliseError::Invalid(reason)) => {
                assert!(reason.contains("`consumerPid`"), "{reason}")
            }
            other => panic!("expected a refusal naming consumerPid, got {other:?}"),
        }
    }

    /// Prefixed and absolute keys and types take the fast path exactly when compaction would give them back: not
    /// when a term active where they stand means the same IRI. Each verdict is checked against the slow path.
    #[tokio::test]
    async fn prefixed_names_take_the_fast_path_only_where_no_term_stands_for_them() {
        let n = Normaliser::new();
        let catalog = |dataset: Value, service: Value| {
            json!({"@context": [DSP_CONTEXT], "@id": "c", "@type": "Catalog", "participantId": "did:web:x",
                "dataset": [dataset], "service": [service]})
        };
        let dataset = json!({"@id": "d", "@type": "Dataset", "dct:title": "T", "dct:conformsTo": {"@id": "https://m.example/M",
            "@type": "dct:Standard", "http://www.w3.org/2002/07/owl#versionInfo": "0.3"}, "hasPolicy": [{"@id": "o",
            "@type": "Offer", "permission": [{"action": "use"}]}], "distribution": [{"@type": "Distribution", "format": "HttpData-PULL"}]});
        let service = json!({"@id": "s", "@type": "DataService", "endpointURL": "https://x.example/dsp",
            "odrl:hasPolicy": {"@id": "o2", "@type": "odrl:Offer"},
            "https://w3id.org/ldt-connector/slc#descriptor": {"@type": "@json", "@value": {"inputs": [{"name": "odrl:x"}]}}});
        let mut cases = vec![(catalog(dataset.clone(), service.clone()), true)];
        // Inside a Dataset the ODRL terms are active: `odrl:hasPolicy` compacts to `hasPolicy`.
        let mut spelled = dataset.clone();
        spelled["odrl:hasPolicy"] = spelled["hasPolicy"].take();
        spelled.as_object_mut().unwrap().remove("hasPolicy");
        cases.push((catalog(spelled, service.clone()), false));
        // A DCAT term's IRI, prefixed or absolute, compacts to the term; an IRI in a prefix's namespace to the prefix.
        for (key, value) in [
            ("dcat:distribution", json!([{"@type": "Distribution", "format": "HttpData-PULL"}])),
            ("http://purl.org/dc/terms/description", json!("D")),
            ("dct:title", json!(["one"])),
        ] {
            let mut changed = dataset.clone();
            changed.as_object_mut().unwrap().remove("distribution");
            changed[key] = value;
            cases.push((catalog(changed, service.clone()), false));
        }
        for (document, compact) in cases {
            assert_eq!(Normaliser::is_compact(&document), compact, "{document:#}");
            let slow = n.normalise(n.expand(&document).await.unwrap()).await.unwrap();
            assert_eq!(slow == document, compact, "the slow path agrees: {slow:#}");
        }
    }

    /// What compaction would change, or expansion refuse, never takes the fast path (and a little more, to be safe:
    /// several types, other keywords).
    #[tokio::test]
    async fn values_compaction_changes_take_the_slow_path() {
        let n = Normaliser::new();
        let base = json!({"@context": [DSP_CONTEXT], "@type": "ContractNegotiation", "providerPid": "urn:p",
            "consumerPid": "urn:c", "state": "REQUESTED"});
        assert!(Normaliser::is_compact(&base));
        for (key, value, changed) in [
            ("dct:title", json!({"@value": "T"}), true),
            ("participantId", json!({"@id": "did:web:x"}), true),
            ("state", json!({"@value": "REQUESTED"}), true),
            ("providerPid", json!(5), true),
            ("dct:description", Value::Null, true),
            ("dct:subject", json!([["a", "b"], "c"]), true),
            ("@type", json!(["ContractNegotiation", "dct:Extra"]), false),
            ("@reverse", json!({"dct:hasPart": {"@id": "urn:x"}}), false),
        ] {
            let mut document = base.clone();
            document[key] = value;
            assert!(!Normaliser::is_compact(&document), "{document}");
            if changed && let Ok(slow) = n.normalise(document.clone()).await {
                assert_ne!(slow, document, "the slow path changes it");
            }
        }
    }

    #[tokio::test]
    async fn string_context_becomes_array_on_fast_path() {
        let n = Normaliser::new();
        let doc = json!({"@context": DSP_CONTEXT, "@type": "CatalogRequestMessage", "filter": []});
        let out = n.normalise(doc).await.unwrap();
        assert_eq!(out, json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage", "filter": []}));
    }

    #[tokio::test]
    async fn single_valued_set_term_becomes_array() {
        let n = Normaliser::new();
        let doc = json!({"@context": [DSP_CONTEXT], "@type": "CatalogError", "code": "1", "reason": "no"});
        assert!(!is_dsp_compact(doc.as_object().unwrap()));
        let out = n.normalise(doc).await.unwrap();
        assert_eq!(out["reason"], json!(["no"]));
        // `dataset` is a plain term in DatasetRequestMessage: a string stays a string.
        let doc = json!({"@context": [DSP_CONTEXT], "@type": "DatasetRequestMessage", "dataset": "urn:d"});
        assert!(is_dsp_compact(doc.as_object().unwrap()));
    }

    #[tokio::test]
    async fn unknown_remote_context_is_rejected_by_name() {
        let n = Normaliser::new();
        let did = "https://www.w3.org/ns/did/v1";
        let doc = json!({"@context": [DSP_CONTEXT, did], "type": "CatalogService", "id": "some:id"});
        match n.normalise(doc).await {
            Err(e @ NormaliseError::UnknownContext(_)) => {
                assert!(e.to_string().contains(did), "{e}")
            }
            other => panic!("expected UnknownContext, got {other:?}"),
        }
        let doc = json!({"@context": "https://example.com/ctx.jsonld", "@type": "X"});
        assert!(
            matches!(n.normalise(doc).await, Err(NormaliseError::UnknownContext(c)) if c == "https://example.com/ctx.jsonld")
        );
    }

    #[tokio::test]
    async fn protected_dsp_terms_cannot_be_redefined() {
        let n = Normaliser::new();
        let doc = json!({
            "@context": [DSP_CONTEXT, {"CatalogRequestMessage": "https://evil.example/X"}],
            "@type": "CatalogRequestMessage",
            "filter": []
        });
        assert!(matches!(n.normalise(doc).await, Err(NormaliseError::Invalid(_))));
    }

    #[tokio::test]
    async fn non_objects_and_empty_documents_are_rejected() {
        let n = Normaliser::new();
        for doc in [json!("CatalogRequestMessage"), json!(42), json!(null), json!(true)] {
            assert!(matches!(n.normalise(doc).await, Err(NormaliseError::NotAnObject)));
        }
        // No @context: the type is a relative IRI and `filter` is dropped.
        let doc = json!({"@type": "CatalogRequestMessage", "filter": []});
        assert!(matches!(n.normalise(doc).await, Err(NormaliseError::Invalid(_))));
        let doc = json!({"filter": []});
        assert!(matches!(n.normalise(doc).await, Err(NormaliseError::Invalid(_))));
        // Top-level arrays are the expanded form: accepted.
        let doc = json!([{"@type": ["https://w3id.org/dspace/2025/1/CatalogRequestMessage"]}]);
        let out = n.normalise(doc).await.unwrap();
        assert_eq!(out, json!({"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage"}));
        // ... but a DSP message is exactly one node.
        let node = json!({"@type": ["https://w3id.org/dspace/2025/1/CatalogRequestMessage"]});
        let doc = json!([node, {"@id": "urn:x", "@type": node["@type"]}]);
        assert!(matches!(n.normalise(doc).await, Err(NormaliseError::Invalid(_))));
    }

    #[test]
    fn set_terms_match_bundled_contexts() {
        fn collect(v: &Value, out: &mut std::collections::BTreeSet<String>) {
            if let Value::Object(o) = v {
                for (k, d) in o {
                    if d.get("@container").and_then(Value::as_str) == Some("@set") {
                        out.insert(k.clone());
                    }
                    collect(d, out);
                }
            }
        }
        let mut found = std::collections::BTreeSet::new();
        for text in [DSP_CONTEXT_DOC, ODRL_CONTEXT_DOC] {
            collect(&serde_json::from_str(text).unwrap(), &mut found);
        }
        let listed: std::collections::BTreeSet<String> = SET_TERMS.iter().map(|s| s.to_string()).collect();
        assert_eq!(found, listed);
    }

    #[test]
    fn normaliser_is_shareable_and_its_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        fn assert_sync<T: Send + Sync + Clone>() {}
        assert_sync::<Normaliser>();
        let n = Normaliser::new();
        assert!(n.inner.dsp.is_ok(), "bundled DSP context failed to process");
        let fut = n.normalise(json!({}));
        assert_send(&fut);
    }
}
