//! Form and path encoding with Stripe's rules.
//!
//! Stripe reads request parameters as `application/x-www-form-urlencoded` with nested keys in
//! brackets (`account_holder[type]=customer`, `permissions[0]=balances`,
//! `filters[countries][0]=US`). Keys keep their brackets literal, as Stripe's own libraries send
//! them; everything else that is not unreserved (`A-Z a-z 0-9 - . _ ~`) is percent-encoded as
//! UTF-8, with a space as `%20`.
//!
//! Query strings of Stripe's v2 API are encoded the same way, lists included
//! (`include[0]=a&include[1]=b`), as Stripe's libraries encode them since November 2025
//! (`ApiMode::encode_query` in `api_mode.rs` tells the history).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::multipart::{Part, PartValue};
use super::{Clearable, FileUpload, Json, Number, Secret, Timestamp};

/// A value that can be written as form fields under a key.
///
/// Scalars push one `key=value` pair; `Option` pushes nothing for `None`; sequences push
/// `key[0]`, `key[1]`, …; maps and generated parameter structs push `key[name]` for each entry
/// through [`Form::field`]. A top-level parameter struct is written with the empty key.
///
/// Every enum given `impl_wire_enum!` pushes its wire value. (That impl comes from the macro
/// rather than a blanket `impl<T: WireEnum> ToForm for T`, which coherence forbids next to the
/// `Box<T>` impl.)
pub trait ToForm {
    /// Writes `self` into `form` under `key`.
    fn to_form(&self, key: &str, form: &mut Form);
}

/// An `application/x-www-form-urlencoded` body or query string under construction, or the
/// parts of a `multipart/form-data` upload (the same names, one part per pair).
///
/// Pairs are encoded as they are pushed and kept in push order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    encoded: String,
    /// `Some` when collecting multipart parts instead of encoding.
    parts: Option<Vec<Part>>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Form::default()
    }

    /// Appends one `key=value` pair, percent-encoding both (brackets in the key stay literal).
    pub fn push(&mut self, key: &str, value: &str) {
        if let Some(parts) = &mut self.parts {
            parts.push(Part {
                name: key.to_owned(),
                value: PartValue::Text(value.to_owned()),
            });
            return;
        }
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_into(&mut self.encoded, key, true);
        self.encoded.push('=');
        encode_into(&mut self.encoded, value, false);
    }

    /// Appends a file under `key`: a file part of a multipart upload. In a form-encoded body
    /// (where no Stripe operation takes a file) its bytes are percent-encoded as the value.
    pub fn push_file(&mut self, key: &str, file: &FileUpload) {
        if let Some(parts) = &mut self.parts {
            parts.push(Part {
                name: key.to_owned(),
                value: PartValue::File(file.clone()),
            });
            return;
        }
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_bytes_into(&mut self.encoded, key.as_bytes(), true);
        self.encoded.push('=');
        encode_bytes_into(&mut self.encoded, file.bytes(), false);
    }

    /// Writes `value` under the key `name`, or `parent[name]` when `parent` is not empty.
    ///
    /// Not generic: generated parameter structs call it once per field, and a generic method
    /// would be compiled once per field type.
    pub fn field(&mut self, parent: &str, name: &str, value: &dyn ToForm) {
        if parent.is_empty() {
            value.to_form(name, self);
        } else {
            value.to_form(&format!("{parent}[{name}]"), self);
        }
    }

    /// Writes the `index`th item of a sequence under `key[index]` (not generic, like
    /// [`Form::field`]).
    fn item(&mut self, key: &str, index: usize, value: &dyn ToForm) {
        value.to_form(&format!("{key}[{index}]"), self);
    }

    /// Whether nothing has been pushed.
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty() && self.parts.as_ref().is_none_or(Vec::is_empty)
    }

    /// The encoded `k=v&k=v` text.
    pub fn finish(self) -> String {
        self.encoded
    }

    /// Encodes a whole value written with the empty key, as a request body or query string.
    pub fn encode<T: ToForm + ?Sized>(value: &T) -> String {
        let mut form = Form::new();
        value.to_form("", &mut form);
        form.finish()
    }

    /// The parts of a multipart upload of `value`, written with the empty key.
    pub(crate) fn parts(value: &dyn ToForm) -> Vec<Part> {
        let mut form = Form {
            parts: Some(Vec::new()),
            ..Form::new()
        };
        value.to_form("", &mut form);
        form.parts.unwrap_or_default()
    }
}

/// Percent-encodes one path segment, such as an object id: everything but unreserved
/// characters is encoded, including `/`, `?` and `#`.
pub(crate) fn encode_path(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    encode_into(&mut out, segment, false);
    out
}

fn encode_into(out: &mut String, text: &str, keep_brackets: bool) {
    encode_bytes_into(out, text.as_bytes(), keep_brackets);
}

fn encode_bytes_into(out: &mut String, bytes: &[u8], keep_brackets: bool) {
    for &b in bytes {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_brackets && matches!(b, b'[' | b']'));
        if keep {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

impl ToForm for str {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, self);
    }
}

impl ToForm for &str {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, self);
    }
}

impl ToForm for String {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, self);
    }
}

/// A file part in a multipart upload (see [`Form::push_file`]).
impl ToForm for FileUpload {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push_file(key, self);
    }
}

impl ToForm for bool {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, if *self { "true" } else { "false" });
    }
}

impl ToForm for i64 {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.to_string());
    }
}

impl ToForm for u64 {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.to_string());
    }
}

impl ToForm for f64 {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.to_string());
    }
}

/// Its JSON text: `19` stays `19`, `0.25` stays `0.25`.
impl ToForm for Number {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.to_string());
    }
}

impl ToForm for Timestamp {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.as_secs().to_string());
    }
}

impl ToForm for Secret {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, self.expose());
    }
}

impl<T: ToForm + ?Sized> ToForm for Box<T> {
    fn to_form(&self, key: &str, form: &mut Form) {
        (**self).to_form(key, form);
    }
}

impl<T: ToForm> ToForm for Option<T> {
    fn to_form(&self, key: &str, form: &mut Form) {
        if let Some(value) = self {
            value.to_form(key, form);
        }
    }
}

impl<T: ToForm> ToForm for [T] {
    fn to_form(&self, key: &str, form: &mut Form) {
        for (i, value) in self.iter().enumerate() {
            form.item(key, i, value);
        }
    }
}

impl<T: ToForm> ToForm for Vec<T> {
    fn to_form(&self, key: &str, form: &mut Form) {
        self.as_slice().to_form(key, form);
    }
}

impl<T: ToForm> ToForm for BTreeMap<String, T> {
    fn to_form(&self, key: &str, form: &mut Form) {
        for (name, value) in self {
            form.field(key, name, value);
        }
    }
}

/// `Clear` writes `key=` whatever `T` is (Stripe reads an empty string as "unset", for a list or
/// an object too); `Set` writes the value.
impl<T: ToForm> ToForm for Clearable<T> {
    fn to_form(&self, key: &str, form: &mut Form) {
        match self {
            Clearable::Clear => form.push(key, ""),
            Clearable::Set(value) => value.to_form(key, form),
        }
    }
}

/// For parameters the generated code does not type: an object writes `key[name]` for each entry
/// (in the map's order), an array `key[0]`, `key[1]`, …, a string itself (`""` gives `key=`), a
/// number its JSON text, a bool `true` or `false`, and `null` nothing.
impl ToForm for Json {
    fn to_form(&self, key: &str, form: &mut Form) {
        match self {
            Json::Null => {}
            Json::Bool(value) => value.to_form(key, form),
            Json::Number(value) => form.push(key, &value.to_string()),
            Json::String(value) => form.push(key, value),
            Json::Array(values) => values.to_form(key, form),
            Json::Object(entries) => {
                for (name, value) in entries {
                    form.field(key, name, value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct AccountHolder {
        kind: &'static str,
        customer: Option<String>,
    }

    impl ToForm for AccountHolder {
        fn to_form(&self, key: &str, form: &mut Form) {
            form.field(key, "type", &self.kind);
            form.field(key, "customer", &self.customer);
        }
    }

    struct Filters {
        countries: Vec<String>,
    }

    impl ToForm for Filters {
        fn to_form(&self, key: &str, form: &mut Form) {
            form.field(key, "countries", &self.countries);
        }
    }

    struct Create {
        account_holder: AccountHolder,
        permissions: Vec<String>,
        filters: Option<Filters>,
        expand: Vec<String>,
        metadata: BTreeMap<String, String>,
        limit: Option<i64>,
        livemode: bool,
        created: Timestamp,
    }

    impl ToForm for Create {
        fn to_form(&self, key: &str, form: &mut Form) {
            form.field(key, "account_holder", &self.account_holder);
            form.field(key, "created", &self.created);
            form.field(key, "expand", &self.expand);
            form.field(key, "filters", &self.filters);
            form.field(key, "limit", &self.limit);
            form.field(key, "livemode", &self.livemode);
            form.field(key, "metadata", &self.metadata);
            form.field(key, "permissions", &self.permissions);
        }
    }

    #[test]
    fn nested_keys_keep_brackets_literal() {
        let params = Create {
            account_holder: AccountHolder {
                kind: "customer",
                customer: Some("cus_1".into()),
            },
            permissions: vec!["balances".into(), "payment_method".into()],
            filters: Some(Filters {
                countries: vec!["US".into()],
            }),
            expand: vec![],
            metadata: [("order id".to_owned(), "a&b".to_owned())].into(),
            limit: None,
            livemode: false,
            created: Timestamp::from_secs(1_700_000_000),
        };
        assert_eq!(
            Form::encode(&params),
            "account_holder[type]=customer&account_holder[customer]=cus_1\
             &created=1700000000&filters[countries][0]=US&livemode=false\
             &metadata[order%20id]=a%26b&permissions[0]=balances&permissions[1]=payment_method"
        );
    }

    #[test]
    fn values_are_percent_encoded_exactly() {
        let mut form = Form::new();
        form.push("a", "x y&z=1+2%3");
        form.push("b", "[0]");
        form.push("c", "é€😀");
        form.push("d", "-._~AZaz09");
        form.push("e", "");
        form.push("k&=+ %", "/?#");
        assert_eq!(
            form.finish(),
            "a=x%20y%26z%3D1%2B2%253&b=%5B0%5D&c=%C3%A9%E2%82%AC%F0%9F%98%80\
             &d=-._~AZaz09&e=&k%26%3D%2B%20%25=%2F%3F%23"
        );
    }

    #[test]
    fn scalars_and_empty_containers() {
        let mut form = Form::new();
        assert!(form.is_empty());
        form.field("", "t", &true);
        form.field("", "n", &-5i64);
        form.field("", "u", &7u64);
        form.field("", "f", &1.5f64);
        form.field("", "s", &Secret::new("sec"));
        form.field("", "b", &Box::new(String::from("boxed")));
        form.field("", "none", &None::<String>);
        form.field("", "empty", &Vec::<String>::new());
        form.field("", "map", &BTreeMap::<String, i64>::new());
        form.field("p", "q", &"r");
        assert!(!form.is_empty());
        assert_eq!(form.finish(), "t=true&n=-5&u=7&f=1.5&s=sec&b=boxed&p[q]=r");
    }

    #[test]
    fn path_segments_encode_everything_reserved() {
        assert_eq!(encode_path("fcsess_123"), "fcsess_123");
        assert_eq!(encode_path("a/b?c#d[e] f"), "a%2Fb%3Fc%23d%5Be%5D%20f");
        assert_eq!(encode_path("ü"), "%C3%BC");
    }

    struct Update {
        description: Option<Clearable<String>>,
        metadata: Option<Clearable<BTreeMap<String, String>>>,
        tax_ids: Option<Clearable<Vec<String>>>,
        account_holder: Option<Clearable<AccountHolder>>,
        amount: Clearable<i64>,
    }

    impl ToForm for Update {
        fn to_form(&self, key: &str, form: &mut Form) {
            form.field(key, "account_holder", &self.account_holder);
            form.field(key, "amount", &self.amount);
            form.field(key, "description", &self.description);
            form.field(key, "metadata", &self.metadata);
            form.field(key, "tax_ids", &self.tax_ids);
        }
    }

    #[test]
    fn clearable_clear_is_an_empty_value_whatever_the_type() {
        let cleared = Update {
            description: Some(Clearable::Clear),
            metadata: Some(Clearable::Clear),
            tax_ids: Some(Clearable::Clear),
            account_holder: Some(Clearable::Clear),
            amount: Clearable::Clear,
        };
        assert_eq!(
            Form::encode(&cleared),
            "account_holder=&amount=&description=&metadata=&tax_ids="
        );

        let set = Update {
            description: Some("a b".into()),
            metadata: Some(Clearable::Set([("k".to_owned(), "v".to_owned())].into())),
            tax_ids: Some(vec!["t1".to_owned(), "t2".to_owned()].into()),
            account_holder: Some(Clearable::Set(AccountHolder {
                kind: "customer",
                customer: None,
            })),
            amount: 5.into(),
        };
        assert_eq!(
            Form::encode(&set),
            "account_holder[type]=customer&amount=5&description=a%20b&metadata[k]=v\
             &tax_ids[0]=t1&tax_ids[1]=t2"
        );

        let untouched = Update {
            description: None,
            metadata: None,
            tax_ids: None,
            account_holder: None,
            amount: Clearable::Set(0),
        };
        assert_eq!(Form::encode(&untouched), "amount=0");
        // Empty containers that are set write nothing, unlike `Clear`.
        let mut form = Form::new();
        form.field("", "empty", &Clearable::Set(Vec::<String>::new()));
        form.field("", "cleared", &Clearable::<Vec<String>>::Clear);
        assert_eq!(form.finish(), "cleared=");
    }

    #[test]
    fn v2_queries_index_lists_as_v1() {
        struct ListEvents {
            include: Vec<String>,
            types: Vec<String>,
            created: Created,
            limit: Option<i64>,
        }
        struct Created {
            gt: String,
        }
        impl ToForm for Created {
            fn to_form(&self, key: &str, form: &mut Form) {
                form.field(key, "gt", &self.gt);
            }
        }
        impl ToForm for ListEvents {
            fn to_form(&self, key: &str, form: &mut Form) {
                form.field(key, "include", &self.include);
                form.field(key, "types", &self.types);
                form.field(key, "created", &self.created);
                form.field(key, "limit", &self.limit);
            }
        }
        let params = ListEvents {
            include: vec!["a".into(), "b c".into()],
            types: vec!["v1.billing.meter.error_report_triggered".into()],
            created: Created {
                gt: "2024-09-30T00:00:00Z".into(),
            },
            limit: Some(2),
        };
        let indexed = "include[0]=a&include[1]=b%20c\
             &types[0]=v1.billing.meter.error_report_triggered\
             &created[gt]=2024-09-30T00%3A00%3A00Z&limit=2";
        for path in ["/v2/core/events", "/v1/events"] {
            let mode = crate::api_mode::ApiMode::of_path(path);
            assert_eq!(mode.encode_query(&params), indexed, "{path}");
        }
        assert_eq!(Form::encode(&params), indexed);
    }

    #[test]
    fn json_encodes_like_typed_parameters() {
        let value = serde_json::json!({
            "a_null": null,
            "amount": 1000,
            "empty": "",
            "flag": true,
            "nested": {"list": [1, {"deep": "x y"}, [false]], "none": [], "ratio": 0.25},
            "no": false,
            "text": "a&b",
        });
        assert_eq!(
            Form::encode(&value),
            "amount=1000&empty=&flag=true&nested[list][0]=1&nested[list][1][deep]=x%20y\
             &nested[list][2][0]=false&nested[ratio]=0.25&no=false&text=a%26b"
        );
        let mut form = Form::new();
        form.field("p", "q", &serde_json::json!(["s", -2, null]));
        form.field("", "n", &Json::Null);
        assert_eq!(form.finish(), "p[q][0]=s&p[q][1]=-2");
    }
}
