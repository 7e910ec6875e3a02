//! The runtime's JSON reader (`rt::from_json`, `rt::Reader`) against serde_json, on generated
//! valid and near-valid documents: every escape and number form, whitespace, a byte order mark,
//! truncation, duplicate keys and nesting up to and past the limit. Whatever serde_json accepts
//! is read as the same value, whatever it refuses is refused with a message and a path, and
//! nothing panics. `FUZZ_CASES=N` runs N times as many cases (see `tests::fuzz`).
//!
//! Where the reader differs from serde_json on purpose (each is asserted below, and the README
//! says why):
//! - `Reader::raw` (how unknown fields are kept) refuses nesting deeper than `rt::MAX_DEPTH`,
//!   like every other read; serde_json's `RawValue` takes any depth. One limit everywhere.
//! - `Reader::raw` refuses a lone surrogate escape (`"\ud800"`), which `RawValue` keeps: such
//!   a string can never be read as text (serde_json's `Value` refuses it too), so it is refused
//!   where it arrives, with its path, rather than when someone reads the field.

use serde_json::value::RawValue;
use serde_json::Value;
use stripe_typed::rt::{from_json, Json, Reader, MAX_DEPTH};
use tests::fuzz::{cases, Rng};

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "7",
    "-12",
    "1234567890",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
    "0.5",
    "-0.0",
    "1.50",
    "3.141592653589793",
    "1e3",
    "1E3",
    "1e+3",
    "1e-3",
    "-2.5E-2",
    "19e58",
    "1e400",
    "-1e400",
    "1e-400",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "4.9e-324",
    "2.4703282292062328e-324",
    "0.30000000000000004",
    "123456789.123456789e-5",
    "1e0",
    "0e0",
    "0.0000000000000000000000000001",
];

const ESCAPES: &[&str] = &[
    r#"\""#,
    r"\\",
    r"\/",
    r"\b",
    r"\f",
    r"\n",
    r"\r",
    r"\t",
    r"\u0000",
    r"\u001f",
    r"\u0041",
    r"\u00e9",
    r"\u00E9",
    r"\u2028",
    r"\uffff",
    r"\ud83d\ude00",
    r"\uD83D\uDE00",
    r"\udbff\udfff",
];

const PLAIN: &[&str] = &[
    "a", "id", " ", "é", "😀", "\u{7f}", "\u{2028}", "fcsess_1", "{", "]",
];

const KEYS: &[&str] = &["id", "object", "data", "a", "", "k\\u0065y", "é", "amount"];

const WS: &[&str] = &["", "", "", " ", "\n", "\t", "\r\n", "  "];

/// Appends a valid JSON value to `out`, at most `depth` levels deep.
fn value(rng: &mut Rng, depth: usize, out: &mut String) {
    let kind = if depth == 0 {
        rng.below(4)
    } else {
        rng.below(6)
    };
    match kind {
        0 => string(rng, out),
        1 => out.push_str(rng.pick_str(NUMBERS)),
        2 => out.push_str(rng.pick_str(&["true", "false", "null"])),
        3 => out.push_str(&(rng.next_u64() as i64 >> rng.below(64)).to_string()),
        4 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick_str(WS));
                value(rng, depth - 1, out);
                out.push_str(rng.pick_str(WS));
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            // Keys from a small pool: duplicates happen.
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick_str(WS));
                out.push('"');
                out.push_str(rng.pick_str(KEYS));
                out.push('"');
                out.push_str(rng.pick_str(WS));
                out.push(':');
                out.push_str(rng.pick_str(WS));
                value(rng, depth - 1, out);
            }
            out.push_str(rng.pick_str(WS));
            out.push('}');
        }
    }
}

fn string(rng: &mut Rng, out: &mut String) {
    out.push('"');
    for _ in 0..rng.below(6) {
        if rng.one_in(2) {
            out.push_str(rng.pick_str(ESCAPES));
        } else {
            out.push_str(rng.pick_str(PLAIN));
        }
    }
    out.push('"');
}

/// A valid document, with whitespace around it.
fn document(rng: &mut Rng) -> String {
    let mut out = String::new();
    out.push_str(rng.pick_str(WS));
    value(rng, 4, &mut out);
    out.push_str(rng.pick_str(WS));
    out
}

/// Bytes that make near-valid JSON out of valid JSON.
const DAMAGE: &[&str] = &[
    "{", "}", "[", "]", "\"", ":", ",", "\\", "-", "+", ".", "e", "E", "0", "1", "9", " ", "t",
    "f", "n", "u", "\\u", "\\ud800", "\\udc00", "\u{1}", "\u{feff}", "\u{a0}", "\u{c}", "x", "01",
    "1.", ".5", "NaN", "Infinity", "'",
];

/// A document damaged the way a broken server or proxy might: a byte changed, added or
/// removed, truncated, a byte order mark in front, junk after.
fn damaged(rng: &mut Rng) -> String {
    let mut text = document(rng);
    for _ in 0..=rng.below(2) {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(6) {
            0 => text.insert_str(at, rng.pick_str(DAMAGE)),
            1 if at < text.len() => {
                let end = (at + 1..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                text.replace_range(at..end, rng.pick_str(DAMAGE));
            }
            2 if at < text.len() => drop(text.remove(at)),
            3 => text.truncate(at),
            4 => text.insert(0, '\u{feff}'),
            _ => text.push_str(rng.pick_str(DAMAGE)),
        }
    }
    text
}

/// The deepest nesting of arrays and objects in `text` (outside strings).
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The reader and serde_json agree on `text`: the same value or both a refusal, and the same
/// raw text for what they keep unparsed.
fn agree(text: &str) {
    let ours = from_json::<Json>(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            assert_eq!(ours, theirs, "different values for {text:?}");
            // Written and read again, the same value (duplicate keys included).
            let written = ours.to_string();
            let again = from_json::<Json>(&written).unwrap();
            assert_eq!(&again, ours, "{text:?} read again from {written:?}");
        }
        (Err(e), Err(_)) => {
            assert!(!e.message().is_empty() && !e.path().is_empty(), "{text:?}");
        }
        _ => panic!("{text:?}: ours {ours:?}, serde_json's {theirs:?}"),
    }
    // What keeps unknown fields: the text as sent, checked as JSON but numbers not parsed.
    let mut reader = Reader::new(text);
    let ours = reader.raw().and_then(|raw| reader.finish().map(|()| raw));
    let theirs = serde_json::from_str::<&RawValue>(text).map(RawValue::get);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "different raw text for {text:?}"),
        (Err(_), Err(_)) => {}
        // On purpose: one depth limit for every read (see the module docs).
        (Err(e), Ok(_)) if nesting(text) > MAX_DEPTH as usize => {
            assert!(e.message().starts_with("recursion limit exceeded"), "{e}");
        }
        // On purpose: a lone surrogate is refused everywhere (see the module docs).
        (Err(e), Ok(_))
            if e.message().starts_with("lone leading surrogate")
                || e.message().starts_with("invalid unicode code point") =>
        {
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?}");
        }
        (ours, theirs) => panic!("{text:?}: raw {ours:?}, serde_json's {theirs:?}"),
    }
}

#[test]
fn valid_documents_read_as_serde_json_reads_them() {
    let mut rng = Rng::new(0x5eed_0001);
    for case in 0..cases(50_000) {
        let text = document(&mut rng);
        agree(&text);
        // Valid input is taken, and what the reader keeps raw is the value's exact text.
        if serde_json::from_str::<Value>(&text).is_ok() {
            let mut reader = Reader::new(&text);
            assert_eq!(reader.raw().unwrap(), text.trim(), "case {case}");
        }
    }
}

#[test]
fn near_valid_documents_are_refused_or_read_as_serde_json_reads_them() {
    let mut rng = Rng::new(0x5eed_0002);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..cases(100_000) {
        let text = damaged(&mut rng);
        agree(&text);
        match serde_json::from_str::<Value>(&text) {
            Ok(_) => accepted += 1,
            Err(_) => refused += 1,
        }
    }
    // The generator makes both kinds, or the test proves little.
    assert!(
        accepted > 1_000 && refused > 10_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn every_single_escape_and_number_agrees() {
    for escape in ESCAPES {
        agree(&format!("\"{escape}\""));
        agree(&format!("{{\"{escape}\": \"x{escape}y\"}}"));
    }
    // Lone and broken surrogates, unknown escapes, raw control characters.
    for bad in [
        r"\ud800",
        r"\udc00",
        r"\ud800\u0041",
        r"\ud800x",
        r"\u12",
        r"\u12g4",
        r"\x",
        r"\'",
        "\u{0}",
        "\u{1f}",
        "\t",
        "\n",
    ] {
        agree(&format!("\"{bad}\""));
    }
    for number in NUMBERS {
        for text in [
            number.to_string(),
            format!("[{number}]"),
            format!("{{\"n\":{number}}}"),
            format!(" {number} "),
        ] {
            agree(&text);
        }
        // A number beyond `f64` is refused as a value (by both), kept as text when unknown.
        let mut reader = Reader::new(number);
        assert_eq!(reader.raw().unwrap(), *number);
    }
    for bad in [
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "0x10",
        "NaN",
        "-Infinity",
        "1_000",
    ] {
        agree(bad);
    }
}

#[test]
fn byte_order_marks_and_odd_whitespace_agree() {
    for text in [
        "\u{feff}{}",
        "\u{feff}1",
        "{}\u{feff}",
        "\u{a0}1",
        "\u{c}1",
        "\u{b}[]",
        " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n",
        "",
        " ",
    ] {
        agree(text);
    }
}

#[test]
fn nesting_up_to_and_past_the_limit_agrees() {
    let limit = MAX_DEPTH as usize;
    for depth in [1, limit - 1, limit, limit + 1, limit + 2, 1_000, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let mixed = format!(
            "{}{}",
            "[{\"a\":".repeat(depth / 2 + 1),
            "}]".repeat(depth / 2 + 1)
        );
        let unclosed = "[".repeat(depth);
        for text in [&arrays, &objects, &mixed, &unclosed] {
            agree(text);
        }
        assert_eq!(
            from_json::<Json>(&arrays).is_ok(),
            depth <= limit,
            "{depth}"
        );
    }
}

#[test]
fn duplicate_keys_keep_the_last_value_as_serde_json_does() {
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1},"a":[2],"c":3,"a":null}"#,
        r#"{"a":1,"\u0061":2}"#,
    ] {
        agree(text);
    }
}
