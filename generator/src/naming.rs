//! Every Rust identifier the generator emits is made here, from the wire string, by one rule each.
//!
//! The newtypes can only be built by this module, so emit never turns spec text into an
//! identifier itself (`proc_macro2::Ident::new` panics on an invalid one): validity is checked
//! once, here, and a failure is an error, not a panic.

use std::collections::BTreeMap;
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

/// Rust keywords of every edition up to 2024 (strict and reserved), which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the emitted code uses bare (prelude) or that the runtime exports: a spec type
/// with one of these names would shadow them, so it must be renamed in `spec/select.yaml`.
const RESERVED_TYPES: &[&str] = &[
    "Box", "Clone", "Default", "Err", "Error", "Client", "None", "Ok", "Option", "Request",
    "Result", "Some", "String", "Vec",
];

/// A name that could not be made into a Rust identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    /// Nothing usable was left of the wire name.
    Invalid { wire: String, rust: String },
    /// The name is reserved by the generated crate.
    Reserved { rust: String },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Invalid { wire, rust } => {
                write!(f, "`{wire}` gives `{rust}`, which is not a Rust identifier")
            }
            NameError::Reserved { rust } => write!(f, "`{rust}` is reserved"),
        }
    }
}

fn check_ident(wire: &str, rust: &str) -> Result<(), NameError> {
    let mut chars = rust.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && rust != "_"
        && !KEYWORDS.contains(&rust);
    if ok {
        Ok(())
    } else {
        Err(NameError::Invalid {
            wire: wire.to_owned(),
            rust: rust.to_owned(),
        })
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name {
            rust: String,
            wire: String,
        }

        impl $name {
            /// The Rust identifier.
            pub fn rust(&self) -> &str {
                &self.rust
            }

            /// The name on the wire (in the spec) this identifier stands for.
            pub fn wire(&self) -> &str {
                &self.wire
            }
        }

        impl ToTokens for $name {
            fn to_tokens(&self, tokens: &mut TokenStream) {
                // Checked by the constructors in this module, so `Ident::new` cannot panic.
                tokens.append(Ident::new(&self.rust, Span::call_site()));
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.rust)
            }
        }
    };
}

name_type!(
    /// An UpperCamel type name.
    TypeName
);
name_type!(
    /// A snake_case struct field (or function argument) name.
    FieldName
);
name_type!(
    /// An UpperCamel enum variant name.
    VariantName
);
name_type!(
    /// A snake_case module name (also the Cargo feature of a resource).
    ModName
);
name_type!(
    /// A snake_case function name of an operation.
    FnName
);

/// `financial_connections.session` -> `FinancialConnectionsSession`.
pub fn type_name(wire: &str) -> Result<TypeName, NameError> {
    let mut rust = wire.to_upper_camel_case();
    if rust.starts_with(|c: char| c.is_ascii_digit()) {
        rust.insert(0, 'T');
    }
    check_ident(wire, &rust)?;
    if RESERVED_TYPES.contains(&rust.as_str()) {
        return Err(NameError::Reserved { rust });
    }
    Ok(TypeName {
        rust,
        wire: wire.to_owned(),
    })
}

/// An inline schema under `parent`'s property `field` is named `<Parent><Field>`.
pub fn nested_type(parent: &TypeName, field: &str) -> Result<TypeName, NameError> {
    let wire = format!("{}.{}", parent.wire, field);
    // The suffix is not a name on its own, so it may be `String` or start with a digit.
    let rust = format!("{}{}", parent.rust, field.to_upper_camel_case());
    check_ident(&wire, &rust)?;
    Ok(TypeName { rust, wire })
}

impl TypeName {
    /// This name with a numeric suffix, for the deterministic resolution of a clash.
    pub fn with_suffix(&self, n: usize) -> TypeName {
        TypeName {
            rust: format!("{}{n}", self.rust),
            wire: format!("{}#{n}", self.wire),
        }
    }
}

/// The typed id of a resource: `FinancialConnectionsSession` -> `FinancialConnectionsSessionId`.
pub fn id_type(resource: &TypeName) -> TypeName {
    TypeName {
        rust: format!("{}Id", resource.rust),
        wire: format!("{}.id", resource.wire),
    }
}

/// The parameters of an operation: `create` on `FinancialConnectionsSession` ->
/// `CreateFinancialConnectionsSession`.
pub fn params_type(op: &FnName, resource: &TypeName) -> TypeName {
    TypeName {
        rust: format!("{}{}", op.rust.to_upper_camel_case(), resource.rust),
        wire: format!("{}.{}", resource.wire, op.wire),
    }
}

/// `type` -> `type_`, `3d_secure` -> `n3d_secure`, `accountHolder` -> `account_holder`.
pub fn field(wire: &str) -> Result<FieldName, NameError> {
    let mut rust = wire.to_snake_case();
    if rust.starts_with(|c: char| c.is_ascii_digit()) {
        rust.insert(0, 'n');
    }
    if KEYWORDS.contains(&rust.as_str()) {
        rust.push('_');
    }
    check_ident(wire, &rust)?;
    Ok(FieldName {
        rust,
        wire: wire.to_owned(),
    })
}

/// The variant of a string enum value: `payment_method` -> `PaymentMethod`, `*` -> `All`,
/// `3ds` -> `V3ds`. The empty string is never a variant (it means "clear the value").
pub fn variant(wire: &str) -> Result<VariantName, NameError> {
    let special = match wire {
        "*" => Some("All"),
        "+" => Some("Plus"),
        "-" => Some("Minus"),
        _ => None,
    };
    let mut rust = match special {
        Some(s) => s.to_owned(),
        None => {
            // A leading sign is meaningful ("-1" vs "1"), so it becomes a word.
            let (sign, rest) = match wire.strip_prefix('-') {
                Some(rest) => ("Minus", rest),
                None => match wire.strip_prefix('+') {
                    Some(rest) => ("Plus", rest),
                    None => ("", wire),
                },
            };
            format!("{sign}{}", rest.to_upper_camel_case())
        }
    };
    if rust.starts_with(|c: char| c.is_ascii_digit()) {
        rust.insert(0, 'V');
    }
    if KEYWORDS.contains(&rust.as_str()) {
        rust.push('_'); // Stripe has the value `self`.
    }
    check_ident(wire, &rust)?;
    Ok(VariantName {
        rust,
        wire: wire.to_owned(),
    })
}

/// The catch-all variant of an enum: `Unknown`, or `UnknownValue` if the spec has its own
/// `unknown` value (Stripe does, e.g. for card brands).
pub fn unknown_variant(variants: &[VariantName]) -> VariantName {
    let rust = if variants.iter().any(|v| v.rust == "Unknown") {
        "UnknownValue"
    } else {
        "Unknown"
    };
    VariantName {
        rust: rust.to_owned(),
        wire: String::new(),
    }
}

/// `financial_connections.session` -> `financial_connections_session`.
pub fn module(wire: &str) -> Result<ModName, NameError> {
    let f = field(wire)?;
    Ok(ModName {
        rust: f.rust,
        wire: wire.to_owned(),
    })
}

/// The module that holds types shared by several resources.
pub fn common_module() -> ModName {
    ModName {
        rust: "common".to_owned(),
        wire: String::new(),
    }
}

/// An operation's function name, from a verb or an operationId: `PostFooBar` -> `post_foo_bar`.
pub fn function(wire: &str) -> Result<FnName, NameError> {
    let f = field(wire)?;
    Ok(FnName {
        rust: f.rust,
        wire: wire.to_owned(),
    })
}

/// Makes fields (or variants) of one scope unique by one rule that ignores visit order: among
/// names that collide, the one with the smallest wire name keeps its name and the others get
/// `2`, `3`, ... in wire-name order. Returns a message per renamed item.
pub fn dedupe_fields(names: &mut [FieldName]) -> Vec<String> {
    dedupe(
        names,
        |n| &mut n.rust,
        |n| &n.wire,
        |r, i| format!("{r}{i}"),
    )
}

/// [`dedupe_fields`] for enum variants.
pub fn dedupe_variants(names: &mut [VariantName]) -> Vec<String> {
    dedupe(
        names,
        |n| &mut n.rust,
        |n| &n.wire,
        |r, i| format!("{r}{i}"),
    )
}

fn dedupe<T>(
    names: &mut [T],
    rust: impl Fn(&mut T) -> &mut String,
    wire: impl Fn(&T) -> &String,
    suffix: impl Fn(&str, usize) -> String,
) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in names.iter_mut().enumerate() {
        groups.entry(rust(n).clone()).or_default().push(i);
    }
    let taken: std::collections::BTreeSet<String> = groups.keys().cloned().collect();
    let mut warnings = Vec::new();
    for (base, mut idx) in groups {
        if idx.len() < 2 {
            continue;
        }
        idx.sort_by(|&a, &b| wire(&names[a]).cmp(wire(&names[b])));
        let mut counter = 1;
        for &i in &idx[1..] {
            let mut candidate;
            loop {
                counter += 1;
                candidate = suffix(&base, counter);
                if !taken.contains(&candidate) {
                    break;
                }
            }
            warnings.push(format!(
                "`{}` and `{}` both map to `{base}`; the latter is named `{candidate}`",
                wire(&names[idx[0]]),
                wire(&names[i])
            ));
            *rust(&mut names[i]) = candidate;
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        for (wire, rust) in [
            ("type", "type_"),
            ("gen", "gen_"),
            ("self", "self_"),
            ("account_holder", "account_holder"),
            ("accountHolder", "account_holder"),
            ("3d_secure", "n3d_secure"),
            ("last4", "last4"),
        ] {
            assert_eq!(field(wire).unwrap().rust(), rust, "{wire}");
            assert_eq!(field(wire).unwrap().wire(), wire);
        }
        assert!(field("").is_err());
        assert!(field("%%").is_err());
    }

    #[test]
    fn types() {
        for (wire, rust) in [
            (
                "financial_connections.session",
                "FinancialConnectionsSession",
            ),
            (
                "bank_connections_resource_accountholder",
                "BankConnectionsResourceAccountholder",
            ),
            ("3d_secure", "T3dSecure"),
        ] {
            assert_eq!(type_name(wire).unwrap().rust(), rust);
        }
        assert_eq!(
            type_name("error"),
            Err(NameError::Reserved {
                rust: "Error".into()
            })
        );
        let parent = type_name("financial_connections.session").unwrap();
        assert_eq!(
            nested_type(&parent, "accounts").unwrap().rust(),
            "FinancialConnectionsSessionAccounts"
        );
        assert_eq!(
            nested_type(&parent, "3d").unwrap().rust(),
            "FinancialConnectionsSession3d"
        );
        assert_eq!(id_type(&parent).rust(), "FinancialConnectionsSessionId");
        let create = function("create").unwrap();
        assert_eq!(
            params_type(&create, &parent).rust(),
            "CreateFinancialConnectionsSession"
        );
    }

    #[test]
    fn variants() {
        for (wire, rust) in [
            ("payment_method", "PaymentMethod"),
            ("*", "All"),
            ("3ds", "V3ds"),
            ("-1", "Minus1"),
            (
                "financial_connections.session",
                "FinancialConnectionsSession",
            ),
            ("self", "Self_"),
        ] {
            assert_eq!(variant(wire).unwrap().rust(), rust, "{wire}");
        }
        let plain = [variant("a").unwrap()];
        assert_eq!(unknown_variant(&plain).rust(), "Unknown");
        let own = [variant("unknown").unwrap()];
        assert_eq!(unknown_variant(&own).rust(), "UnknownValue");
    }

    #[test]
    fn collisions_resolve_by_wire_order_not_visit_order() {
        let mut a = vec![field("fooBar").unwrap(), field("foo_bar").unwrap()];
        let mut b = vec![field("foo_bar").unwrap(), field("fooBar").unwrap()];
        let wa = dedupe_fields(&mut a);
        dedupe_fields(&mut b);
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let by_wire: BTreeMap<_, _> = a.iter().map(|f| (f.wire(), f.rust())).collect();
        assert_eq!(by_wire["fooBar"], "foo_bar");
        assert_eq!(by_wire["foo_bar"], "foo_bar2");
        assert_eq!(wa.len(), 1);
    }
}
