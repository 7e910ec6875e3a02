//! Aliases: a type of a module with the same shape as another of the same module is emitted as
//! `pub type Name = Kept;` (see the model's `dedup`). Its docs say what it stands for (the
//! operation's parameters, a parameter, a component schema or a property of one), since the
//! kept type's docs describe something else.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Pointer;
use crate::model::{Item, Module, Operation, PathPart};
use crate::naming::TypeName;

use super::items::doc_attrs;

/// `item` as an alias of `kept`, so that it is built once. What it stands for links to the
/// operation it comes from when `ops_linked` (see `items::emit_params`).
pub fn emit_alias(item: &Item, module: &Module, kept: &TypeName, ops_linked: bool) -> TokenStream {
    let docs = doc_attrs(item.doc());
    let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    let same = format!("the same type as [`{kept}`], which has the same shape.");
    let note = match stands_for(item, module, ops_linked) {
        Some(what) => format!(" {what}: {same}"),
        None => format!(" The same type as [`{kept}`], which has the same shape."),
    };
    let name = item.name();
    quote! {
        #docs
        #gap
        #[doc = #note]
        pub type #name = #kept;
    }
}

/// What an item stands for, from where it was made: `Parameters of [`X::f`] (`POST /v1/x`)`,
/// `Parameter `a[b]` of ...`, `Schema `s``, `Property `a.b` of schema `s``.
fn stands_for(item: &Item, module: &Module, ops_linked: bool) -> Option<String> {
    let at = match item {
        Item::Struct(s) => &s.at,
        Item::Enum(e) => &e.at,
        Item::Union(u) => &u.at,
        Item::Id(_) => return None,
    };
    let tokens: Vec<String> = at.tokens().collect();
    match tokens.as_slice() {
        [components, schemas, schema, rest @ ..]
            if components == "components" && schemas == "schemas" =>
        {
            let props = properties(rest);
            Some(match props.is_empty() {
                true => format!("Schema `{schema}`"),
                false => format!("Property `{}` of schema `{schema}`", props.join(".")),
            })
        }
        [paths, path, method, rest @ ..] if paths == "paths" => {
            let op_at = Pointer::root().push("paths").push(path).push(method);
            let op = module.ops.iter().find(|o| o.at == op_at)?;
            let is_params =
                matches!(item, Item::Struct(s) if s.role.is_params() && s.name == op.params);
            if is_params {
                return Some(format!("Parameters of {}", op_text(op, ops_linked)));
            }
            let param = parameter(rest, op, module, &op_at)?;
            Some(format!(
                "Parameter `{param}` of {}",
                op_text(op, ops_linked)
            ))
        }
        _ => None,
    }
}

/// `[`Type::function`] (`METHOD /path`)`, the operation as code rather than a link unless
/// `linked`.
fn op_text(op: &Operation, linked: bool) -> String {
    let mut path = String::new();
    for part in &op.path {
        match part {
            PathPart::Lit(l) => path.push_str(l),
            PathPart::Param(p) => {
                path.push('{');
                path.push_str(p.wire());
                path.push('}');
            }
        }
    }
    let (open, close) = if linked { ("[`", "`]") } else { ("`", "`") };
    format!(
        "{open}{}::{}{close} (`{} {path}`)",
        op.on,
        op.name,
        op.method.http()
    )
}

/// The parameter a pointer below an operation names, Stripe's way: `account_holder[type]`.
fn parameter(rest: &[String], op: &Operation, module: &Module, op_at: &Pointer) -> Option<String> {
    let names = match rest {
        // A query parameter: its name is on the parameters struct's field made from it.
        [parameters, index, deeper @ ..] if parameters == "parameters" => {
            let field_at = op_at.push("parameters").push(index);
            let params = module.items.iter().find_map(|it| match it {
                Item::Struct(s) if s.name == op.params => Some(s),
                _ => None,
            })?;
            let field = params.fields.iter().find(|f| f.at == field_at)?;
            let mut names = vec![field.name.wire().to_owned()];
            names.extend(properties(deeper));
            names
        }
        _ => properties(rest),
    };
    let (first, nested) = names.split_first()?;
    Some(
        nested
            .iter()
            .fold(first.clone(), |acc, n| format!("{acc}[{n}]")),
    )
}

/// The property names along a pointer (the token after each `properties`).
fn properties(tokens: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "properties" {
            if let Some(name) = tokens.get(i + 1) {
                names.push(name.clone());
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_paths_skip_everything_but_property_names() {
        let t = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            properties(&t(&[
                "properties",
                "a",
                "items",
                "anyOf",
                "0",
                "properties",
                "properties"
            ])),
            ["a", "properties"]
        );
        assert!(properties(&t(&["requestBody", "content"])).is_empty());
    }
}
