//! The serde impls of response structs, written out rather than derived.
//!
//! Every response struct keeps the fields it does not know in `extra` and writes them back.
//! `#[serde(flatten)]` would do that by buffering each object (about twice as slow to decode),
//! so the emitted `Deserialize` is one loop over the keys that `rt::ObjectVisitor` drives, and
//! `Serialize` writes the known fields, then `extra`. Written out, they are also smaller than
//! serde's derive (no field enum, no sequence form), which users compile in every build.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Presence, Struct, EXTRA_FIELD};

/// `impl Deserialize`, `impl rt::DecodeObject` and `impl Serialize` for a response struct.
/// `finish`, when given, runs on the decoded value (bound mutably as `decoded`) before it is
/// returned: `Event` types its `data.object` there, once its `type` is known.
pub fn emit_object_serde(s: &Struct, finish: Option<TokenStream>) -> TokenStream {
    let name = &s.name;
    let expecting = format!("a {name} object");
    // Locals are prefixed so that a field called `map` or `key` cannot shadow the loop's own.
    let slots: Vec<_> = s
        .fields
        .iter()
        .map(|f| format_ident!("v_{}", f.name.rust()))
        .collect();
    let arms = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = f.name.wire();
        match f.presence {
            // The field is `Option<T>`: `null` decodes as `None`, like an absent key.
            Presence::Nullable | Presence::Optional => quote!(#wire => #slot = map.next_value()?,),
            // `T`, or `Option<Option<T>>` whose `Some(None)` is an explicit `null`.
            Presence::Required | Presence::OptionalNullable => {
                quote!(#wire => #slot = Some(map.next_value()?),)
            }
        }
    });
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let field = &f.name;
        let wire = f.name.wire();
        match f.presence {
            Presence::Required => quote!(#field: rt::required(#slot, #wire)?,),
            _ => quote!(#field: #slot,),
        }
    });
    let writes = s.fields.iter().map(|f| {
        let field = &f.name;
        let wire = f.name.wire();
        match f.presence {
            Presence::Required | Presence::Nullable => {
                quote!(map.serialize_entry(#wire, &self.#field)?;)
            }
            Presence::Optional | Presence::OptionalNullable => quote! {
                if let Some(value) = &self.#field {
                    map.serialize_entry(#wire, value)?;
                }
            },
        }
    });
    let extra = format_ident!("{EXTRA_FIELD}");
    let decl_slots = (!slots.is_empty()).then(|| quote!(#(let mut #slots = None;)*));
    let dispatch = if s.fields.is_empty() {
        quote!(#extra.insert_next(key, &mut map)?;)
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => #extra.insert_next(key, &mut map)?,
            }
        }
    };
    // An object with no known field writes only its unknown ones.
    let serialize_body = if s.fields.is_empty() {
        quote!(self.#extra.end(serializer.serialize_map(None)?))
    } else {
        quote! {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(None)?;
            #(#writes)*
            self.#extra.end(map)
        }
    };
    let build = match finish {
        None => quote!(let decoded = Self { #(#inits)* #extra, };),
        Some(finish) => quote! {
            let mut decoded = Self { #(#inits)* #extra, };
            #finish
        },
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(rt::ObjectVisitor::<Self>::new())
            }
        }

        impl rt::DecodeObject for #name {
            const EXPECTING: &'static str = #expecting;

            fn decode_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #decl_slots
                let mut #extra = rt::Extra::new();
                while let Some(key) = map.next_key::<rt::Key<'de>>()? {
                    #dispatch
                }
                #build
                Ok(decoded)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize_body
            }
        }
    }
}
