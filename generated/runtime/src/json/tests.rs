use super::*;
use serde_json::json;

fn err<T: Decode>(text: &str) -> (String, String) {
    match from_json::<T>(text) {
        Ok(_) => panic!("{text} decoded"),
        Err(e) => (e.path(), e.message()),
    }
}

#[test]
fn primitives() {
    assert_eq!(
        from_json::<String>(r#" "a\"b\\c\/\n\u00e9\ud83d\ude00" "#).unwrap(),
        "a\"b\\c/\né😀"
    );
    assert_eq!(from_json::<String>(r#""plain""#).unwrap(), "plain");
    assert!(from_json::<bool>("true").unwrap());
    assert_eq!(from_json::<i64>("-9223372036854775808").unwrap(), i64::MIN);
    assert_eq!(from_json::<u64>("18446744073709551615").unwrap(), u64::MAX);
    assert_eq!(from_json::<Option<i64>>("null").unwrap(), None);
    assert_eq!(from_json::<Vec<i64>>("[1, 2 ,3]").unwrap(), vec![1, 2, 3]);
    assert_eq!(from_json::<Vec<i64>>("[]").unwrap(), Vec::<i64>::new());
    let map = from_json::<BTreeMap<String, String>>(r#"{"a":"1","b":"2"}"#).unwrap();
    assert_eq!(map.len(), 2);
}

#[test]
fn numbers_stay_as_sent() {
    for text in [
        "19",
        "-3",
        "18446744073709551615",
        "19.5",
        "1e3",
        "-0.25E-2",
    ] {
        let n: Number = from_json(text).unwrap();
        let value: Json = serde_json::from_str(text).unwrap();
        assert_eq!(Json::Number(n), value, "{text}");
    }
    assert_eq!(from_json::<Number>("19").unwrap().to_string(), "19");
}

#[test]
fn json_and_raw_agree_with_serde_json() {
    let text = r#"{"a": [1, 2.5, "x\u0041", {"b": null}], "c": true, "d": {}}"#;
    let value: Json = from_json(text).unwrap();
    assert_eq!(
        value,
        json!({"a": [1, 2.5, "xA", {"b": null}], "c": true, "d": {}})
    );
    let mut r = Reader::new(text);
    assert_eq!(r.raw().unwrap(), text);
}

#[test]
fn malformed_text_is_refused_with_a_position() {
    for bad in [
        "",
        "{",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{1:2}",
        "01",
        "1.",
        "-",
        "1e",
        "tru",
        "nul",
        "\"abc",
        "\"a\\x\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\u12\"",
        "\"a\u{1}\"",
        "1 2",
        "{\"a\":1}}",
        "[\"\\ud800\\u0041\"]",
    ] {
        assert!(from_json::<Json>(bad).is_err(), "{bad:?} decoded");
        assert!(
            serde_json::from_str::<Json>(bad).is_err(),
            "serde_json took {bad:?}"
        );
    }
    let (path, message) = err::<Json>("{\n  \"a\": tru\n}");
    assert_eq!(path, "a");
    assert_eq!(message, "expected a value at line 2 column 7");
}

#[test]
fn type_errors_name_the_path() {
    let (path, message) = err::<Vec<BTreeMap<String, Vec<i64>>>>(r#"[{}, {"k": [1, "x"]}]"#);
    assert_eq!(path, "[1].k[1]");
    assert!(
        message.starts_with("invalid type: a string, expected an integer"),
        "{message}"
    );
    // Straight from a reader, the position is the byte offset; `from_json` locates it.
    let direct = i64::decode(&mut Reader::new("\n 1.5")).unwrap_err();
    assert_eq!(
        direct.message(),
        "invalid type: number `1.5`, expected an integer at byte 5"
    );
    assert_eq!(
        err::<i64>("\n 1.5").1,
        "invalid type: number `1.5`, expected an integer at line 2 column 4"
    );
    let (path, message) = err::<i64>("1.5");
    assert_eq!(path, ".");
    assert!(message.contains("expected an integer"), "{message}");
    assert!(err::<i64>("99999999999999999999")
        .1
        .contains("out of range"));
    assert!(err::<u64>("-1").1.contains("out of range"));
    // Keys that are not one plain segment are quoted, so the path still points somewhere.
    let (path, _) =
        err::<BTreeMap<String, BTreeMap<String, i64>>>(r#"{"": {"a.b": 1, "q\"[": "x"}}"#);
    assert_eq!(path, r#"[""]["q\"["]"#);
}

/// Damaged copies of a real document: whatever serde_json accepts is read as the same
/// value, and whatever it refuses is refused (without a panic).
#[test]
fn agrees_with_serde_json_on_damaged_documents() {
    let doc = r#"{"id": "fcsess_1", "n": -12.5e3, "ok": [true, false, null], "s": "a\"\u00e9\ud83d\ude00", "o": {"k": [1, {}, []]}}"#;
    let alphabet = br#"{}[]":,\-+.eE0123456789 tfnu"#;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..20_000 {
        let mut bytes = doc.as_bytes().to_vec();
        for _ in 0..=next(3) {
            let at = next(bytes.len());
            match next(3) {
                0 => drop(bytes.remove(at)),
                1 => bytes.insert(at, alphabet[next(alphabet.len())]),
                _ => bytes[at] = alphabet[next(alphabet.len())],
            }
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let theirs = serde_json::from_str::<Json>(text).ok();
        assert_eq!(from_json::<Json>(text).ok(), theirs, "{text}");
        match theirs {
            Some(_) => accepted += 1,
            None => refused += 1,
        }
    }
    assert!(
        accepted > 100 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn nesting_is_limited() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep = nested(MAX_DEPTH as usize + 1);
    assert!(err::<Json>(&deep).1.starts_with("recursion limit exceeded"));
    assert!(serde_json::from_str::<Json>(&deep).is_err());
    let ok = nested(MAX_DEPTH as usize);
    assert!(from_json::<Json>(&ok).is_ok());
    assert!(serde_json::from_str::<Json>(&ok).is_ok());
}

#[test]
fn tags_are_read_ahead_and_failed_tries_rewind() {
    let text = r#"{"x": {"object": "no"}, "object": "card", "id": "c"}"#;
    let mut r = Reader::new(text);
    assert_eq!(r.tag("object").unwrap().as_deref(), Some("card"));
    assert_eq!(r.try_decode::<Vec<i64>>(), None);
    assert_eq!(r.raw().unwrap(), text);
    assert_eq!(Reader::new("[1]").tag("object").unwrap(), None);
}

/// A key sent twice counts with its last value everywhere: in a map, in `Json`, and in the tags
/// read ahead, so a union's shape and the field decoded from the object cannot disagree.
#[test]
fn repeated_keys_count_with_their_last_value() {
    let map = from_json::<BTreeMap<String, i64>>(r#"{"a":1,"b":2,"a":3}"#).unwrap();
    assert_eq!(map, BTreeMap::from([("a".into(), 3), ("b".into(), 2)]));
    let value = from_json::<Json>(r#"{"a":{"b":1},"a":[2]}"#).unwrap();
    assert_eq!(value, json!({"a": [2]}));
    for (text, tag) in [
        (
            r#"{"object":"card","object":"bank_account"}"#,
            Some("bank_account"),
        ),
        (r#"{"object":"card","id":"x","object":1}"#, None),
        (r#"{"object":null,"object":"card"}"#, Some("card")),
    ] {
        let mut r = Reader::new(text);
        assert_eq!(r.tag("object").unwrap().as_deref(), tag, "{text}");
        assert_eq!(r.raw().unwrap(), text);
    }
    for (text, deleted) in [
        (r#"{"deleted":true,"deleted":false}"#, false),
        (r#"{"deleted":false,"deleted":true}"#, true),
        (r#"{"deleted":true,"deleted":null}"#, false),
    ] {
        assert_eq!(Reader::new(text).deleted().unwrap(), deleted, "{text}");
    }
}
