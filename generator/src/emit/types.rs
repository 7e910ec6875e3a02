//! The one renderer of IR types as Rust. Emit uses its tokens; the change report (`api.json`)
//! prints the same tokens with [`text`], so what users read there and what they compile
//! against cannot drift apart.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use crate::model::{PathParam, Presence, Ty};

/// The Rust type of `t`. Generated types are named bare: each module re-exports the types it
/// names from other modules (see `emit::module_rs`).
pub fn rust_type(t: &Ty) -> TokenStream {
    match t {
        Ty::Str => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::Int => quote!(i64),
        Ty::Float => quote!(rt::Number),
        Ty::Timestamp => quote!(rt::Timestamp),
        Ty::Secret => quote!(rt::Secret),
        Ty::Json => quote!(rt::Json),
        Ty::Named(r) => {
            let name = &r.name;
            quote!(#name)
        }
        Ty::Vec(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::List(inner) => {
            let inner = rust_type(inner);
            quote!(rt::List<#inner>)
        }
        Ty::Search(inner) => {
            let inner = rust_type(inner);
            quote!(rt::SearchResult<#inner>)
        }
        Ty::Expandable(None) => quote!(rt::Expandable),
        Ty::Expandable(Some(r)) => {
            let name = &r.name;
            quote!(rt::Expandable<#name>)
        }
        Ty::Boxed(inner) => {
            let inner = rust_type(inner);
            quote!(Box<#inner>)
        }
        Ty::Clearable(inner) => {
            let inner = rust_type(inner);
            quote!(rt::Clearable<#inner>)
        }
        Ty::File => quote!(rt::FileUpload),
        Ty::Bytes => quote!(rt::Bytes),
        Ty::DateTime => quote!(rt::DateTime),
        Ty::Decimal => quote!(rt::Decimal),
        Ty::V2List(inner) => {
            let inner = rust_type(inner);
            quote!(rt::v2::List<#inner>)
        }
        Ty::V2Deleted => quote!(rt::v2::Deleted),
        Ty::Nullable(inner) => {
            let inner = rust_type(inner);
            quote!(Option<#inner>)
        }
    }
}

/// A field's full type: `t` wrapped as its presence says.
pub fn field_type(t: &Ty, presence: Presence) -> TokenStream {
    let t = rust_type(t);
    match presence {
        Presence::Required => t,
        Presence::Nullable | Presence::Optional => quote!(Option<#t>),
        Presence::OptionalNullable => quote!(Option<Option<#t>>),
    }
}

/// A path parameter's argument type: a borrowed typed id, or `&str`.
pub fn path_arg_type(p: &PathParam) -> TokenStream {
    match &p.ty {
        Ty::Named(r) => {
            let name = &r.name;
            quote!(&#name)
        }
        _ => quote!(&str),
    }
}

/// A rendered type as text, spaced as rustfmt writes it (`Option<Vec<String>>`,
/// `BTreeMap<String, i64>`). Paths into `std` print their last segment only, as users
/// write them after a `use`.
pub fn text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    write_text(tokens, &mut out);
    out
}

fn write_text(tokens: &TokenStream, out: &mut String) {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        match token {
            TokenTree::Ident(ident) if ident == "std" => {
                // Skip `std::a::b::` up to the last segment.
                while is_path_sep(&tokens, i + 1) {
                    i += 3;
                }
                if let Some(TokenTree::Ident(last)) = tokens.get(i) {
                    out.push_str(&last.to_string());
                }
            }
            TokenTree::Ident(ident) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
            }
            TokenTree::Punct(p) if p.as_char() == ',' => out.push_str(", "),
            TokenTree::Punct(p) => out.push(p.as_char()),
            TokenTree::Literal(l) => out.push_str(&l.to_string()),
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_text(&g.stream(), out);
                out.push_str(close);
            }
        }
        i += 1;
    }
}

/// Whether `tokens[i..]` starts with `::` followed by an identifier.
fn is_path_sep(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(_)))
            if a.as_char() == ':' && b.as_char() == ':'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TypeRef;
    use crate::naming;

    #[test]
    fn text_is_spelled_as_users_write_it() {
        let named = Ty::Named(TypeRef {
            module: naming::module("x").unwrap(),
            name: naming::type_name("thing").unwrap(),
        });
        let cases = [
            (
                Ty::Map(Box::new(Ty::Vec(Box::new(named.clone())))),
                Presence::Optional,
                "Option<BTreeMap<String, Vec<Thing>>>",
            ),
            (
                Ty::Clearable(Box::new(Ty::Int)),
                Presence::OptionalNullable,
                "Option<Option<rt::Clearable<i64>>>",
            ),
            (Ty::Expandable(None), Presence::Required, "rt::Expandable"),
            (
                Ty::Boxed(Box::new(named)),
                Presence::Nullable,
                "Option<Box<Thing>>",
            ),
        ];
        for (ty, presence, want) in cases {
            assert_eq!(text(&field_type(&ty, presence)), want);
        }
    }
}
