//! How response structs decode and encode, written out rather than derived.
//!
//! Every response struct keeps the fields it does not know in `extra` and writes them back.
//! Decoding is an `rt::Decode` impl: one plain function per struct, a `match` on each key that
//! `rt::Reader::object` hands it, unknown keys into `extra` as sent. It is not generic, so it
//! is compiled once, in this crate; serde's `Deserialize` (generic over the deserializer) was
//! compiled once per deserializer and was half of the crate's build. With the crate's `serde`
//! feature (off by default), `Deserialize` is one call into the runtime, which hands the
//! value's JSON text to the same `rt::Decode`, and `Serialize` writes the known fields, then
//! `extra`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Presence, Struct, EXTRA_FIELD};

/// How one struct's decoder departs from the rule (webhook events: see `emit/events.rs`).
#[derive(Default)]
pub struct Decoding {
    /// Statements before the object is read (`Event` reads its `type` ahead).
    pub prologue: Option<TokenStream>,
    /// How one key's value is read instead of the generic way: the wire name and an
    /// expression of type `Result<T, rt::DecodeError>`, `T` the field's type without its
    /// presence wrapper.
    pub arm: Option<(String, TokenStream)>,
    /// The decoder as an inherent function taking these extra parameters, which `Decode`
    /// calls with `defaults` (`data` decodes with the event type, when its event reads it).
    pub function: Option<DecodeFn>,
}

/// An inherent decoding function with extra parameters.
pub struct DecodeFn {
    /// `name(r, params…)`.
    pub name: TokenStream,
    /// The extra parameters, as written in the signature.
    pub params: TokenStream,
    /// What `Decode::decode` passes for them.
    pub defaults: TokenStream,
}

/// `impl rt::Decode`, and with the `serde` feature `impl Deserialize` and `impl Serialize`, for
/// a response struct, its decoder departing from the rule as `decoding` says.
pub fn emit_object_serde_with(s: &Struct, decoding: Decoding) -> TokenStream {
    let name = &s.name;
    let extra = format_ident!("{EXTRA_FIELD}");
    // Locals are prefixed so that a field called `r` or `key` cannot shadow the decoder's own.
    let slots: Vec<_> = s
        .fields
        .iter()
        .map(|f| format_ident!("v_{}", f.name.rust()))
        .collect();
    // Each key is one call into the reader, generic over the field's type only: the decode
    // and the move into the slot are compiled once per type, not once per field.
    let arms = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = f.name.wire();
        if let Some((_, read)) = decoding.arm.as_ref().filter(|(w, _)| w == wire) {
            // `OptionalNullable` slots hold `Option<T>`; the others `T`.
            let value = match f.presence {
                Presence::OptionalNullable => quote!(Some(value)),
                _ => quote!(value),
            };
            return quote! {
                #wire => {
                    let read = #read;
                    match read {
                        Ok(value) => {
                            #slot = Some(#value);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
            };
        }
        match f.presence {
            // The field is `Option<T>`, present: `null` is `None`.
            Presence::Nullable => quote!(#wire => r.set_nullable(&mut #slot),),
            // `Option<T>`, absent or not null by the spec: a `null` (v2 sends them) reads as
            // `None` and is remembered, so that it is written back.
            Presence::Optional => quote!(#wire => #extra.read_optional(key, &mut #slot, r),),
            // `T`, or `Option<Option<T>>` whose `Some(None)` is an explicit `null`.
            Presence::Required | Presence::OptionalNullable => quote!(#wire => r.set(&mut #slot),),
        }
    });
    // Required fields are checked together: one pattern over all their slots, and the name of
    // the first missing one only when one is.
    let required: Vec<_> = s
        .fields
        .iter()
        .zip(&slots)
        .filter(|(f, _)| f.presence == Presence::Required)
        .collect();
    let check_required = (!required.is_empty()).then(|| {
        let slots: Vec<_> = required.iter().map(|(_, slot)| *slot).collect();
        let wires = required.iter().map(|(f, _)| f.name.wire());
        quote! {
            let absent = [#(#slots.is_none()),*];
            let (#(Some(#slots),)*) = (#(#slots,)*) else {
                return Err(r.missing(&absent, &[#(#wires),*]));
            };
        }
    });
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let field = &f.name;
        quote!(#field: #slot,)
    });
    let writes = s.fields.iter().map(|f| {
        let field = &f.name;
        let wire = f.name.wire();
        match f.presence {
            Presence::Required | Presence::Nullable => {
                quote!(map.serialize_entry(#wire, &self.#field)?;)
            }
            Presence::Optional => quote! {
                if let Some(value) = &self.#field {
                    map.serialize_entry(#wire, value)?;
                } else if self.#extra.sent_null(#wire) {
                    map.serialize_entry(#wire, &())?;
                }
            },
            Presence::OptionalNullable => quote! {
                if let Some(value) = &self.#field {
                    map.serialize_entry(#wire, value)?;
                }
            },
        }
    });
    let decl_slots = (!slots.is_empty()).then(|| quote!(#(let mut #slots = None;)*));
    let entry = if s.fields.is_empty() {
        quote!(|r, key| #extra.read(key, r))
    } else {
        quote! {
            |r, key| match key {
                #(#arms)*
                _ => #extra.read(key, r),
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
    let prologue = decoding.prologue;
    let body = quote! {
        #prologue
        #decl_slots
        let mut #extra = rt::Extra::new();
        let read = r.object(&mut #entry);
        if let Err(e) = read {
            return Err(e);
        }
        #check_required
        Ok(Self { #(#inits)* #extra, })
    };
    // `if let Err` rather than `?`, which would compile an error conversion for every struct;
    // hence the allow.
    let decode = match decoding.function {
        None => quote! {
            #[allow(clippy::question_mark)]
            impl rt::Decode for #name {
                fn decode(r: &mut rt::Reader<'_>) -> Result<Self, rt::DecodeError> {
                    #body
                }
            }
        },
        Some(DecodeFn {
            name: function,
            params,
            defaults,
        }) => quote! {
            impl #name {
                #[doc(hidden)]
                #[allow(clippy::question_mark)]
                pub fn #function(r: &mut rt::Reader<'_>, #params) -> Result<Self, rt::DecodeError> {
                    #body
                }
            }

            impl rt::Decode for #name {
                fn decode(r: &mut rt::Reader<'_>) -> Result<Self, rt::DecodeError> {
                    Self::#function(r, #defaults)
                }
            }
        },
    };
    quote! {
        #decode

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::__private::deserialize_via_json(deserializer)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize_body
            }
        }
    }
}
