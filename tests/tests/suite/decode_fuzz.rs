//! Typed decoding of mutated real documents (the session bench document, its accounts list
//! and an account, events around an account and around an object the crate does not type):
//! one value somewhere is replaced, removed or added, and decoding never panics, every error
//! names a path that points at the change (the changed value, an object around it, or inside
//! it), and every success encodes back to the same JSON (unknown fields to the same text).
//! Keys repeated at any depth keep their last value, and for every document that decodes,
//! encode∘decode is a fixed point: the same value decodes again, and encodes to the same bytes.
//! `FUZZ_CASES=N` runs N times as many cases (see `tests::fuzz`).
//!
//! On purpose, and asserted as such: a `null` in an optional field that the spec says is never
//! `null` reads as absent and is written back absent (Stripe's spec is not always right about
//! nullability, and refusing a whole response for it would be worse); values the crate hands
//! out as `rt::Json` keep their value, not their spelling (`JSON_HELD`).

use serde::Serialize;
use serde_json::{json, Value};
use stripe_typed::resources::event::Event;
use stripe_typed::resources::financial_connections_account::FinancialConnectionsAccount;
use stripe_typed::resources::financial_connections_session::FinancialConnectionsSession;
use stripe_typed::rt::{self, from_json, Decode, DecodeError, List};
use tests::fuzz::{cases, Rng};

const SESSION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../generated/benches/session.json"
));
const EVENT_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/webhook/event_test_signature.json"
));

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A path as `DecodeError::path` writes it: `data[1].amount`, `.` for the top.
fn render(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        ".".to_owned()
    } else {
        out
    }
}

/// Whether `inner` is `outer` or lies inside it.
fn within(inner: &str, outer: &str) -> bool {
    outer == "."
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn paths(value: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                at.push(Seg::Key(key.clone()));
                paths(item, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                paths(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(value: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(value, |v, seg| match seg {
        Seg::Key(key) => &mut v[key.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

/// Values that fit JSON's data model as serde_json holds it.
fn replacement(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(19e58),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!("x"),
        json!("zz_newer_than_the_spec"),
        json!("é\u{0}\"\\/😀"),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"id": "x", "object": "y"}),
    ])
    .clone()
}

/// Texts of unknown fields that a parsed value would not keep as sent.
const RAW: &[&str] = &[
    "1e400",
    "-1e400",
    "19e58",
    "-0",
    "1.50",
    "123456789012345678901234567890",
    r#""\u00e9\/\ud83d\ude00\n""#,
    r#"{"n": [1e400, 19e58], "s": "\u0041",  "d": {"e": []}}"#,
];

const UNKNOWN: &str = "zz_fuzz_unknown";

/// One mutation of `doc`: the text to decode, the path of the change, and the raw text of an
/// added unknown field, if that was the change.
fn mutate(rng: &mut Rng, doc: &Value) -> (String, String, Option<&'static str>) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let mut doc = doc.clone();
    let target = node(&mut doc, &path);
    match rng.below(4) {
        // Remove a key (the object around it is where a missing field is reported).
        0 if !path.is_empty() && matches!(path.last(), Some(Seg::Key(_))) => {
            let Some(Seg::Key(key)) = path.last() else {
                unreachable!()
            };
            let parent = &path[..path.len() - 1];
            node(&mut doc, parent).as_object_mut().unwrap().remove(key);
            (doc.to_string(), render(parent), None)
        }
        // Add an unknown key, spelled in a way a parsed value would not keep.
        1 if target.is_object() => {
            let raw = *rng.pick(RAW);
            target[UNKNOWN] = json!("\u{1}placeholder");
            let text = doc.to_string().replace("\"\\u0001placeholder\"", raw);
            let mut at = path.clone();
            at.push(Seg::Key(UNKNOWN.to_owned()));
            (text, render(&at), Some(raw))
        }
        _ => {
            *target = replacement(rng);
            (doc.to_string(), render(&path), None)
        }
    }
}

/// Decodes `text` as `T` and encodes it back with serde_json, checking on the way that
/// encoding is a fixed point: what was encoded decodes to the same value, which encodes to the
/// same bytes.
fn decode_encode<T: Decode + Serialize + PartialEq + std::fmt::Debug>(
    text: &str,
) -> Result<String, DecodeError> {
    let typed = from_json::<T>(text)?;
    let encoded = serde_json::to_string(&typed).unwrap();
    let again = from_json::<T>(&encoded)
        .unwrap_or_else(|e| panic!("the encoding does not decode ({e}): {encoded}\nsent: {text}"));
    // Not `assert_eq!`: the `Debug` of a whole document would bury the texts.
    assert!(
        again == typed,
        "decoded again differently: {encoded}\nsent: {text}"
    );
    let twice = serde_json::to_string(&again).unwrap();
    assert_eq!(twice, encoded, "encoded again differently\nsent: {text}");
    Ok(encoded)
}

/// Where a document's values are held as `rt::Json` (a `serde_json::Value`), which keeps the
/// value but not the spelling of numbers and escapes, and refuses numbers beyond `f64`: an
/// event's `previous_attributes`, and the object of an event about a resource the crate does
/// not type (a typed object is decoded from the text, so its unknown fields keep their text).
const JSON_HELD: &[(&str, &str)] = &[
    ("account event", "data.previous_attributes"),
    ("customer event", "data"),
];

fn held_as_json(document: &str, changed: &str) -> bool {
    JSON_HELD
        .iter()
        .any(|(name, prefix)| *name == document && within(changed, prefix))
}

/// Removes the key at `path` if its value is `null`.
fn null_read_as_absent(doc: &mut Value, path: &[Seg]) {
    let Some((Seg::Key(key), parent)) = path.split_last() else {
        return;
    };
    let parent = node(doc, parent);
    if parent.get(key) == Some(&Value::Null) {
        parent.as_object_mut().unwrap().remove(key);
    }
}

/// The segments of a path `render` wrote (the documents' keys hold no `.` or `[`).
fn path_of(rendered: &str) -> Vec<Seg> {
    if rendered == "." {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in rendered.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Seg::Key(key.to_owned()));
        }
        for index in pieces {
            out.push(Seg::Index(index.trim_end_matches(']').parse().unwrap()));
        }
    }
    out
}

/// Whether `text` holds `field` (`"key":value`) as a whole member.
fn has_field(text: &str, field: &str) -> bool {
    text.contains(&format!("{field},")) || text.contains(&format!("{field}}}"))
}

/// `text` with the member `field` replaced by `aside`.
fn set_aside(text: &str, field: &str, aside: &str) -> String {
    text.replace(&format!("{field},"), &format!("{aside},"))
        .replace(&format!("{field}}}"), &format!("{aside}}}"))
}

type Codec = fn(&str) -> Result<String, DecodeError>;

fn documents() -> Vec<(&'static str, Value, Codec)> {
    let session: Value = serde_json::from_str(SESSION).unwrap();
    let accounts = session["accounts"].clone();
    let account = accounts["data"][0].clone();
    let event = |type_: &str, object: Value| {
        json!({
            "id": "evt_1", "object": "event", "api_version": rt::API_VERSION, "created": 1,
            "data": {"object": object, "previous_attributes": {"status": "inactive"}},
            "livemode": false, "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null}, "type": type_,
        })
    };
    vec![
        (
            "session",
            session,
            decode_encode::<FinancialConnectionsSession>,
        ),
        (
            "accounts",
            accounts,
            decode_encode::<List<FinancialConnectionsAccount>>,
        ),
        (
            "account",
            account.clone(),
            decode_encode::<FinancialConnectionsAccount>,
        ),
        (
            "account event",
            event("financial_connections.account.created", account),
            decode_encode::<Event>,
        ),
        (
            "customer event",
            serde_json::from_str(EVENT_FIXTURE).unwrap(),
            decode_encode::<Event>,
        ),
    ]
}

#[test]
fn the_documents_decode_and_round_trip_unchanged() {
    for (name, doc, codec) in documents() {
        let encoded = codec(&doc.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            serde_json::from_str::<Value>(&encoded).unwrap(),
            doc,
            "{name}"
        );
    }
}

#[test]
fn mutated_documents_fail_at_the_change_or_round_trip() {
    let mut rng = Rng::new(0x5eed_0003);
    let documents = documents();
    let (mut decoded, mut refused) = (0, 0);
    for case in 0..cases(6_000) {
        let (name, doc, codec) = rng.pick(&documents);
        let (text, changed, raw) = mutate(&mut rng, doc);
        let context = format!("case {case}, {name}, changed `{changed}`: {text}");
        match codec(&text) {
            Err(e) => {
                refused += 1;
                let at = e.path();
                // At the change, inside the new value, or in an object around it (a missing
                // field, a union none of whose shapes fit).
                assert!(
                    within(&at, &changed) || within(&changed, &at),
                    "error at `{at}` ({e}); {context}"
                );
                assert!(!e.message().is_empty(), "{context}");
            }
            Ok(encoded) => {
                decoded += 1;
                let field = raw.map(|raw| format!("\"{UNKNOWN}\":{raw}"));
                let (sent, encoded) = match field {
                    // An unknown field comes back as the text it was sent as; the rest of the
                    // document is compared as values, with that field set aside.
                    Some(field) if has_field(&encoded, &field) => {
                        let aside = format!("\"{UNKNOWN}\":0");
                        (
                            set_aside(&text, &field, &aside),
                            set_aside(&encoded, &field, &aside),
                        )
                    }
                    // Added to a map of integers (an amount per currency), where it is a known
                    // value: `-0` is the integer 0, as serde_json reads it into an `i64`.
                    Some(field)
                        if raw == Some("-0")
                            && has_field(&encoded, &format!("\"{UNKNOWN}\":0")) =>
                    {
                        let aside = format!("\"{UNKNOWN}\":0");
                        (set_aside(&text, &field, &aside), encoded)
                    }
                    // Inside what the crate hands out as `rt::Json` (an untyped event
                    // object), the same value only: see `JSON_HELD`.
                    Some(field) => {
                        assert!(
                            held_as_json(name, &changed),
                            "{field} not written back as sent: {encoded}; {context}"
                        );
                        (text.clone(), encoded)
                    }
                    None => (text.clone(), encoded),
                };
                let mut sent: Value = serde_json::from_str(&sent).unwrap();
                let back: Value = serde_json::from_str(&encoded).unwrap();
                if back != sent {
                    // On purpose: a `null` where the spec allows absence but not `null` reads as
                    // absent, and comes back absent (see the module docs).
                    null_read_as_absent(&mut sent, &path_of(&changed));
                }
                assert_eq!(back, sent, "{context}");
            }
        }
    }
    assert!(
        decoded > 500 && refused > 500,
        "{decoded} decoded, {refused} refused"
    );
}

/// Keys that sort before and after every key of the documents (serde_json's maps are ordered by
/// key), so that what is written in their place comes first or last in its object.
const FIRST: &str = "\u{1}first";
const LAST: &str = "\u{10ffff}last";
const PLACEHOLDER: &str = "\u{1}placeholder";

/// Texts a repeated key is given besides the values of `replacement`: spellings that a parsed
/// value would not keep, each of which serde_json reads into a `Value`.
const REPEATED_RAW: &[&str] = &[
    "1.50",
    "19e58",
    r#""\u00e9\/""#,
    r#"{"n": [1.50], "n": 2, "s": "\u0041"}"#,
];

/// The text of a value for a repeated key: the original value again, `null`, another value, or
/// a spelling a parsed value would not keep.
fn repeated_value(rng: &mut Rng, original: Option<&Value>) -> String {
    match (rng.below(5), original) {
        (0, Some(original)) => original.to_string(),
        (1, _) => "null".to_owned(),
        (2, _) => rng.pick_str(REPEATED_RAW).to_owned(),
        _ => replacement(rng).to_string(),
    }
}

/// `doc` as text with a key repeated in one of its objects, at any depth: an existing key (a
/// known field or not) once more before or after it, or both; or a key the types do not know,
/// twice. Returns the text and the path of the repeated key.
fn repeat_a_key(rng: &mut Rng, doc: &Value) -> (String, String) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let objects: Vec<_> = all
        .into_iter()
        .filter(|path| {
            let found = path.iter().try_fold(doc, |v, seg| match seg {
                Seg::Key(key) => v.get(key),
                Seg::Index(i) => v.get(i),
            });
            found.is_some_and(Value::is_object)
        })
        .collect();
    // The top level one time in four: where an event's `type` and an object's `object` are.
    let path = match rng.one_in(4) {
        true => Vec::new(),
        false => rng.pick(&objects).clone(),
    };
    let mut doc = doc.clone();
    let object = node(&mut doc, &path).as_object_mut().unwrap();
    let keys: Vec<String> = object.keys().cloned().collect();
    let key = match keys.is_empty() || rng.one_in(5) {
        true => UNKNOWN.to_owned(),
        false => rng.pick(&keys).clone(),
    };
    let original = object.get(&key).cloned();
    let slots: &[&str] = match (&original, rng.below(3)) {
        (None, _) | (Some(_), 0) => &[FIRST, LAST],
        (Some(_), 1) => &[FIRST],
        (Some(_), _) => &[LAST],
    };
    let mut members = Vec::new();
    for slot in slots {
        object.insert((*slot).to_owned(), json!(PLACEHOLDER));
        let member = format!("{}:{}", json!(key), repeated_value(rng, original.as_ref()));
        members.push((format!("{}:{}", json!(slot), json!(PLACEHOLDER)), member));
    }
    let mut text = doc.to_string();
    for (placeholder, member) in members {
        text = text.replace(&placeholder, &member);
    }
    let mut at = path;
    at.push(Seg::Key(key));
    (text, render(&at))
}

/// The v2 fixtures, with the v1 documents above.
fn documents_v1_and_v2() -> Vec<(&'static str, Value, Codec)> {
    use stripe_typed::resources::v2_core_account::V2CoreAccount;
    use stripe_typed::resources::v2_core_event::V2CoreEvent;
    let fixture = |file: &str| {
        let path = format!("{}/fixtures/v2/{file}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str::<Value>(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut documents = documents();
    documents.push((
        "v2 account",
        fixture("account.json"),
        decode_encode::<V2CoreAccount>,
    ));
    documents.push((
        "v2 event",
        fixture("event.json"),
        decode_encode::<V2CoreEvent>,
    ));
    documents
}

/// A key repeated in an object (Stripe never sends one, but a proxy, a fixture or a hand-edited
/// stored event may): whatever decodes is a fixed point of encode∘decode (`decode_encode`
/// checks it), and what was kept of the key is its last value, as serde_json keeps it.
#[test]
fn repeated_keys_keep_the_last_value_and_decode_to_a_fixed_point() {
    let mut rng = Rng::new(0x5eed_0004);
    let documents = documents_v1_and_v2();
    let (mut decoded, mut refused) = (0, 0);
    for case in 0..cases(3_000) {
        let (name, doc, codec) = rng.pick(&documents);
        let (text, repeated) = repeat_a_key(&mut rng, doc);
        let context = format!("case {case}, {name}, repeated `{repeated}`: {text}");
        let Ok(encoded) = codec(&text) else {
            refused += 1;
            continue;
        };
        decoded += 1;
        let mut sent: Value = serde_json::from_str(&text).unwrap();
        let back: Value = serde_json::from_str(&encoded).unwrap();
        if back != sent {
            // On purpose: see the module docs.
            null_read_as_absent(&mut sent, &path_of(&repeated));
        }
        assert_eq!(back, sent, "{context}");
    }
    assert!(
        decoded > 1_000 && refused > 100,
        "{decoded} decoded, {refused} refused"
    );
}

/// The case the fuzz above finds rarely: an event's `type` repeated. The object is typed by the
/// last `type`, the one the event keeps, so encoding and decoding again gives the same event.
#[test]
fn a_repeated_event_type_types_the_object_by_its_last_value() {
    use stripe_typed::resources::event::EventObject;
    let (_, doc, _) = documents().remove(3);
    let account_type = r#""type":"financial_connections.account.created""#;
    // `type` sorts last among the event's keys.
    let text = doc.to_string().replace(&format!(",{account_type}"), "");
    let members = &text[1..text.len() - 1];
    for (first, last, typed) in [
        (r#""type":"customer.created""#, account_type, true),
        (account_type, r#""type":"customer.created""#, false),
    ] {
        let repeated = format!("{{{first},{members},{last}}}");
        let event: Event = from_json(&repeated).unwrap();
        let is_typed = matches!(
            event.data.object,
            EventObject::FinancialConnectionsAccount(_)
        );
        assert_eq!(is_typed, typed, "{repeated}");
        decode_encode::<Event>(&repeated).unwrap();
    }
}
