//! The reader: JSON text, one value at a time.

use std::borrow::Cow;

use super::{Decode, DecodeError, Failure, Json, Number, Segment, MAX_DEPTH};

/// The bytes that end a run of plain string content: the closing quote, an escape, and the
/// control characters JSON does not allow unescaped.
static STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        stops[b] = true;
        b += 1;
    }
    stops[b'"' as usize] = true;
    stops[b'\\' as usize] = true;
    stops
};

/// Reads JSON text one value at a time, for [`Decode`] impls.
///
/// Each method reads one value of the kind it names (skipping whitespace first) or fails with
/// a [`DecodeError`] that says what it found instead; on failure the reader's position is
/// unspecified, except after [`Reader::try_decode`].
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

/// A position to come back to: see [`Reader::try_decode`].
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// Reads the whole text as one value with `value`: what [`from_json`] does for every type,
    /// compiled once.
    pub(super) fn document(
        &mut self,
        value: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        match value(self).and_then(|()| self.finish()) {
            Ok(()) => Ok(()),
            Err(e) => Err(e.located_in(self.text)),
        }
    }

    /// Checks that nothing but whitespace follows the value read.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(self.error("trailing characters"));
        }
        Ok(())
    }

    /// An error at the current position.
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError(Box::new(Failure {
            path: Vec::new(),
            message: message.into(),
            offset: self.pos,
            at: None,
        }))
    }

    /// The value of a required field, or a "missing field" error.
    pub fn required<T>(&self, slot: Option<T>, field: &str) -> Result<T, DecodeError> {
        match slot {
            Some(value) => Ok(value),
            None => Err(self.missing_field(field)),
        }
    }

    /// Decodes the value ahead into a field's slot, as `Some`. Generated decoders call it
    /// once per key, so the move into the slot is compiled once per field type, not once per
    /// field.
    // Here and in the other generic decoders, `match` rather than `?` or `map`: those would
    // compile a `Try`/`FromResidual` impl or a closure for every type, in every build.
    pub fn set<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), DecodeError> {
        match T::decode(self) {
            Ok(value) => {
                *slot = Some(value);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Like [`set`](Self::set) for an `Option<T>` field: `null` leaves `None`, as an absent key
    /// does.
    pub fn set_nullable<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), DecodeError> {
        match self.null() {
            Ok(true) => {
                *slot = None;
                Ok(())
            }
            Ok(false) => self.set(slot),
            Err(e) => Err(e),
        }
    }

    /// The "missing field" error for the first of `fields` whose `absent` flag is set (the
    /// first field when none is, which a decoder never asks for).
    pub fn missing(&self, absent: &[bool], fields: &[&str]) -> DecodeError {
        let at = absent.iter().position(|a| *a).unwrap_or(0);
        self.missing_field(fields.get(at).copied().unwrap_or("?"))
    }

    pub(crate) fn missing_field(&self, field: &str) -> DecodeError {
        self.error(format!("missing field `{field}`"))
    }

    /// Reads `""` if that is the value ahead: whether it was. A [`Clearable`](super::Clearable)
    /// reads it as "clear".
    pub(crate) fn empty_string(&mut self) -> bool {
        self.skip_ws();
        let found = self.text.as_bytes()[self.pos..].starts_with(b"\"\"");
        if found {
            self.pos += 2;
        }
        found
    }

    /// Reads a `null` if there is one: whether there was.
    pub fn null(&mut self) -> Result<bool, DecodeError> {
        if self.peek()? == b'n' {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.peek()? {
            b't' => self.literal("true").map(|()| true),
            b'f' => self.literal("false").map(|()| false),
            _ => Err(self.unexpected("a boolean")),
        }
    }

    /// Whether a string is ahead (read nothing).
    pub fn at_string(&mut self) -> Result<bool, DecodeError> {
        Ok(self.peek()? == b'"')
    }

    /// Reads a string, borrowed from the text when it has no escapes.
    pub fn str(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        if self.peek()? != b'"' {
            return Err(self.unexpected("a string"));
        }
        self.string_at_quote()
    }

    /// Reads a string.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        self.str().map(Cow::into_owned)
    }

    /// Reads an integer that fits an `i64`.
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        let (token, integer) = self.number_token("an integer")?;
        if !integer {
            return Err(self.error(format!(
                "invalid type: number `{token}`, expected an integer"
            )));
        }
        token
            .parse()
            .map_err(|_| self.error(format!("integer `{token}` out of range")))
    }

    /// Reads a non-negative integer that fits a `u64`.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let (token, integer) = self.number_token("an unsigned integer")?;
        if !integer {
            return Err(self.error(format!(
                "invalid type: number `{token}`, expected an unsigned integer"
            )));
        }
        token
            .parse()
            .map_err(|_| self.error(format!("integer `{token}` out of range")))
    }

    /// Reads a number as sent: an integer stays an integer.
    pub fn number(&mut self) -> Result<Number, DecodeError> {
        let (token, integer) = self.number_token("a number")?;
        // serde_json reads `-0` as the float -0.0.
        if integer && token != "-0" {
            if let Ok(n) = token.parse::<i64>() {
                return Ok(n.into());
            }
            if let Ok(n) = token.parse::<u64>() {
                return Ok(n.into());
            }
        }
        token
            .parse()
            .map_err(|_| self.error(format!("number `{token}` out of range")))
    }

    /// Reads an object, calling `entry` for each key with the reader at its value, which
    /// `entry` must read. A failure inside names the key in its path.
    pub fn object(
        &mut self,
        entry: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        if self.peek()? != b'{' {
            return Err(self.unexpected("an object"));
        }
        self.enter()?;
        if self.peek()? == b'}' {
            return self.leave();
        }
        loop {
            if self.peek()? != b'"' {
                return Err(self.error("expected a string key"));
            }
            let key = self.string_at_quote()?;
            self.expect(b':', "expected `:`")?;
            entry(self, &key).map_err(|e| e.within(Segment::Key(key.into_owned())))?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => return self.leave(),
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// Reads an array, calling `item` with the reader at each element, which `item` must
    /// read. A failure inside names the index in its path.
    pub fn array(
        &mut self,
        item: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        if self.peek()? != b'[' {
            return Err(self.unexpected("an array"));
        }
        self.enter()?;
        if self.peek()? == b']' {
            return self.leave();
        }
        let mut index = 0;
        loop {
            item(self).map_err(|e| e.within(Segment::Index(index)))?;
            index += 1;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => return self.leave(),
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// Reads any value and returns its text as sent (checked to be JSON).
    pub fn raw(&mut self) -> Result<&'a str, DecodeError> {
        self.skip_ws();
        let start = self.pos;
        self.skip_value()?;
        Ok(&self.text[start..self.pos])
    }

    /// Reads any value as [`Json`], as serde_json would (numbers as sent, `-0` a float).
    /// Built here rather than by serde_json's `Deserialize`, which would compile serde_json's
    /// deserializer into this crate for this one use.
    pub fn json(&mut self) -> Result<Json, DecodeError> {
        Ok(match self.peek()? {
            b'"' => Json::String(self.string()?),
            b'{' => {
                let mut map = serde_json::Map::new();
                self.object(&mut |r, key| {
                    map.insert(key.to_owned(), r.json()?);
                    Ok(())
                })?;
                Json::Object(map)
            }
            b'[' => {
                let mut items = Vec::new();
                self.array(&mut |r| {
                    items.push(r.json()?);
                    Ok(())
                })?;
                Json::Array(items)
            }
            b't' | b'f' => Json::Bool(self.bool()?),
            b'n' => {
                self.literal("null")?;
                Json::Null
            }
            _ => Json::Number(self.number()?),
        })
    }

    /// Decodes a `T` if the value is one; otherwise reads nothing and returns `None`. Untagged
    /// unions try their shapes with it.
    pub fn try_decode<T: Decode>(&mut self) -> Option<T> {
        let mark = Mark {
            pos: self.pos,
            depth: self.depth,
        };
        match T::decode(self) {
            Ok(value) => Some(value),
            Err(_) => {
                self.pos = mark.pos;
                self.depth = mark.depth;
                None
            }
        }
    }

    /// Decodes a `T`, or, if the value is not one, skips it and returns its text with why it
    /// is not a `T`, located in that text (its line and column there, as its path is): the
    /// error is then the same wherever the text sits, so a value kept this way and written
    /// back decodes to the same thing. Fails only when the value is not JSON at all.
    pub(crate) fn decode_or_raw<T: Decode>(
        &mut self,
    ) -> Result<Result<T, (&'a str, DecodeError)>, DecodeError> {
        let mark = Mark {
            pos: self.pos,
            depth: self.depth,
        };
        match T::decode(self) {
            Ok(value) => Ok(Ok(value)),
            Err(mut e) => {
                self.pos = mark.pos;
                self.depth = mark.depth;
                match self.raw() {
                    Ok(text) => {
                        let start = self.pos - text.len();
                        e.0.offset = e.0.offset.saturating_sub(start);
                        Ok(Err((text, e.located_in(text))))
                    }
                    Err(bad) => Err(bad),
                }
            }
        }
    }

    /// The string value of `key` in the object ahead, if it has one, such as the `object`
    /// that tags a union's shape. Reads nothing: the object is still ahead afterwards.
    ///
    /// A key sent twice counts with its last value (`None` if that is not a string), the one
    /// the field decoded from the object keeps: the tag and the field cannot disagree.
    pub fn tag(&mut self, key: &str) -> Result<Option<Cow<'a, str>>, DecodeError> {
        if self.peek()? != b'{' {
            return Ok(None);
        }
        let mut ahead = Reader {
            text: self.text,
            pos: self.pos,
            depth: self.depth,
        };
        let mut found = None;
        ahead.object(&mut |r, k| {
            if k != key {
                return r.skip_value();
            }
            found = match r.peek()? {
                b'"' => Some(r.str()?),
                _ => {
                    r.skip_value()?;
                    None
                }
            };
            Ok(())
        })?;
        Ok(found)
    }

    /// Whether the object ahead has `"deleted": true`, as Stripe's deleted objects do (they
    /// keep the live object's `object` value, so that tag alone cannot tell them apart).
    /// Reads nothing: the object is still ahead afterwards. A `deleted` sent twice counts
    /// with its last value, as [`tag`](Self::tag) reads keys.
    pub fn deleted(&mut self) -> Result<bool, DecodeError> {
        if self.peek()? != b'{' {
            return Ok(false);
        }
        let mut ahead = Reader {
            text: self.text,
            pos: self.pos,
            depth: self.depth,
        };
        let mut deleted = false;
        ahead.object(&mut |r, k| {
            if k != "deleted" {
                return r.skip_value();
            }
            deleted = match r.peek()? {
                b't' | b'f' => r.bool()?,
                _ => {
                    r.skip_value()?;
                    false
                }
            };
            Ok(())
        })?;
        Ok(deleted)
    }

    // --- the scanner ---

    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Result<u8, DecodeError> {
        self.skip_ws();
        match self.text.as_bytes().get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    fn expect(&mut self, byte: u8, message: &str) -> Result<(), DecodeError> {
        if self.peek()? != byte {
            return Err(self.error(message));
        }
        self.pos += 1;
        Ok(())
    }

    fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn leave(&mut self) -> Result<(), DecodeError> {
        self.depth -= 1;
        self.pos += 1;
        Ok(())
    }

    fn literal(&mut self, word: &str) -> Result<(), DecodeError> {
        if self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// "invalid type: <what is ahead>, expected <expected>".
    fn unexpected(&self, expected: &str) -> DecodeError {
        let found = match self.text.as_bytes().get(self.pos) {
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            _ => return self.error("expected a value"),
        };
        self.error(format!("invalid type: {found}, expected {expected}"))
    }

    fn skip_value(&mut self) -> Result<(), DecodeError> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => self.object(&mut |r, _| r.skip_value()),
            b'[' => self.array(&mut |r| r.skip_value()),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number_token("a value").map(drop),
            _ => Err(self.error("expected a value")),
        }
    }

    /// A number's text, checked against JSON's grammar, and whether it is an integer.
    fn number_token(&mut self, expected: &str) -> Result<(&'a str, bool), DecodeError> {
        let b = self.peek()?;
        if b != b'-' && !b.is_ascii_digit() {
            return Err(self.unexpected(expected));
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = self.pos + usize::from(b == b'-');
        let digits = |i: usize| i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let int_end = digits(i);
        let valid_int = match int_end - i {
            0 => false,
            1 => true,
            _ => bytes[i] != b'0',
        };
        if !valid_int {
            self.pos = int_end;
            return Err(self.error("invalid number"));
        }
        i = int_end;
        let mut integer = true;
        if bytes.get(i) == Some(&b'.') {
            let end = digits(i + 1);
            if end == i + 1 {
                self.pos = end;
                return Err(self.error("invalid number"));
            }
            (i, integer) = (end, false);
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
            let end = digits(i + 1 + sign);
            if end == i + 1 + sign {
                self.pos = end;
                return Err(self.error("invalid number"));
            }
            (i, integer) = (end, false);
        }
        self.pos = i;
        Ok((&self.text[start..i], integer))
    }

    /// Reads the string whose opening quote is at the current position.
    fn string_at_quote(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        // The common case: no escape, borrowed. One table lookup per byte finds the end.
        while let Some(&b) = bytes.get(i) {
            if STOPS[usize::from(b)] {
                break;
            }
            i += 1;
        }
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                return Ok(Cow::Borrowed(&self.text[start..i]));
            }
            Some(b'\\') => {}
            Some(_) => {
                self.pos = i;
                return Err(self.error("control character in a string"));
            }
            None => {
                self.pos = i;
                return Err(self.error("EOF while parsing a string"));
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        self.pos = i;
        loop {
            let run = self.pos;
            while let Some(&b) = bytes.get(self.pos) {
                if STOPS[usize::from(b)] {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    /// Reads the escape at the current position (a backslash) into `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), DecodeError> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let c = match bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                let c = match unit {
                    0xD800..=0xDBFF => {
                        if !bytes[self.pos..].starts_with(b"\\u") {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code)
                    }
                    0xDC00..=0xDFFF => None,
                    _ => char::from_u32(unit),
                };
                out.push(c.ok_or_else(|| self.error("invalid unicode code point"))?);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        self.pos += 1;
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self.text.as_bytes().get(self.pos..self.pos + 4);
        let value = digits.and_then(|d| {
            d.iter()
                .try_fold(0u32, |n, &b| Some(n * 16 + char::from(b).to_digit(16)?))
        });
        match value {
            Some(value) => {
                self.pos += 4;
                Ok(value)
            }
            None => Err(self.error("invalid escape")),
        }
    }

    fn skip_string(&mut self) -> Result<(), DecodeError> {
        // Escapes are rare in what is skipped (unknown fields): decode them to check them.
        self.string_at_quote().map(drop)
    }
}
