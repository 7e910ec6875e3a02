//! Webhook events: the object enum that types `Event.data.object` by the event's `type`, and
//! `Event`'s decoding through it. The event-type enum is an ordinary string enum of the model.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Events, Field, ObjectVariant, Presence, Struct, ThinEvents, Ty, TypeRef};

use super::items;
use super::serde::{DecodeFn, Decoding};

/// `Event`'s `data` struct: decoded by `decode_for_event`, which types `object` as the event
/// type says; on its own (`Decode`), with no event type, `object` stays JSON. Only a required
/// `object` is typed this way (the spec's shape); any other presence keeps the generic rule.
pub fn data_struct(s: &Struct, events: &Events) -> TokenStream {
    let (type_enum, object_enum) = (&events.type_enum, &events.object_enum);
    let object = s
        .fields
        .iter()
        .find(|f| f.name == events.object_field && f.presence == Presence::Required);
    let arm = object.map(|f| {
        let read = quote! {
            match event_type {
                Some(event_type) => #object_enum::decode_as(r, event_type),
                None => <#object_enum as rt::Decode>::decode(r),
            }
        };
        (f.name.wire().to_owned(), read)
    });
    let decoding = Decoding {
        prologue: None,
        arm,
        function: Some(DecodeFn {
            name: quote!(decode_for_event),
            params: quote!(event_type: Option<&#type_enum>),
            defaults: quote!(None),
        }),
    };
    items::emit_struct_with(s, decoding)
}

/// `Event`, whose decoder reads its `type` ahead (`rt::Reader::tag`: the object is scanned,
/// nothing is decoded) and decodes `data` with it, so `data.object` is decoded once, as the
/// type its event type names: Stripe sends `type` after `data`.
pub fn event_struct(s: &Struct, events: &Events) -> TokenStream {
    let (type_enum, data_struct) = (&events.type_enum, &events.data_struct);
    let data_wire = events.data_field.wire().to_owned();
    let type_wire = events.type_field.wire();
    let decoding = Decoding {
        prologue: Some(quote! {
            let event_type = match r.tag(#type_wire) {
                Ok(tag) => tag.map(|t| <#type_enum as rt::WireEnum>::from_wire(&t)),
                Err(e) => return Err(e),
            };
        }),
        arm: Some((
            data_wire,
            quote!(#data_struct::decode_for_event(r, event_type.as_ref())),
        )),
        function: None,
    };
    let item = items::emit_struct_with(s, decoding);
    let name = &events.event;
    let object = match string_field(s, "object") {
        Some((get, Presence::Required)) => get,
        Some((get, _)) => quote!(#get.unwrap_or_default()),
        None => quote!(""),
    };
    let version = match string_field(s, "api_version") {
        Some((get, Presence::Required)) => quote!(Some(#get)),
        Some((get, _)) => get,
        None => quote!(None),
    };
    quote! {
        #item

        /// What webhooks check before handing out an event.
        #[cfg(feature = "webhook")]
        impl rt::webhook::Event for #name {
            fn object(&self) -> &str {
                #object
            }

            fn api_version(&self) -> Option<&str> {
                #version
            }
        }
    }
}

/// The string field `wire` of `s` read as `&str` (when required) or `Option<&str>`, and its
/// presence; `None` when `s` has no such string field.
fn string_field(s: &Struct, wire: &str) -> Option<(TokenStream, Presence)> {
    let Field {
        name, ty, presence, ..
    } = s.fields.iter().find(|f| f.name.wire() == wire)?;
    if *ty != Ty::Str {
        return None;
    }
    let get = match presence {
        Presence::Required => quote!(self.#name.as_str()),
        Presence::Nullable | Presence::Optional => quote!(self.#name.as_deref()),
        Presence::OptionalNullable => quote!(self.#name.as_ref().and_then(Option::as_deref)),
    };
    Some((get, *presence))
}

/// The object enum: a variant per selected resource that events are about, each behind that
/// resource's feature; `Other` for the rest; `Undecoded` for an object that does not fit the
/// type its event type names. Decoding never fails and keeps every object as sent.
pub fn object_enum(events: &Events, path: &dyn Fn(&TypeRef) -> TokenStream) -> TokenStream {
    let (name, type_enum, event) = (&events.object_enum, &events.type_enum, &events.event);
    let variants = object_variants(events, path);
    let decode = decode_body(events);
    let doc = format!(
        " The object an [`{event}`] is about (`data.object`), typed by the event's `type`."
    );
    quote! {
        #[doc = #doc]
        ///
        /// A variant per selected resource that events are about, each behind that resource's
        /// feature. Objects of other resources (or of a resource whose feature is off) and of
        /// event types this version does not know stay JSON in `Other`; an object that does not
        /// decode as the type its event type names (an event rendered for another API version,
        /// say) is kept as sent, with the error, in `Undecoded`. Decoding never fails and loses
        /// nothing, and encoding gives the object back as it was.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize), serde(untagged))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An object this crate does not type (see the type's docs), kept as sent.
            Other(rt::Json),
            /// An object that did not decode as the type its event type names, kept as sent.
            Undecoded(rt::UndecodedObject),
        }

        /// On its own an object's type is not known: it is kept as JSON (`Other`) until the
        /// event's decoder types it.
        impl rt::Decode for #name {
            fn decode(r: &mut rt::Reader<'_>) -> Result<Self, rt::DecodeError> {
                r.json().map(Self::Other)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            /// On its own an object's type is not known: it is kept as JSON (`Other`).
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <rt::Json as serde::Deserialize>::deserialize(deserializer).map(Self::Other)
            }
        }

        impl #name {
            /// Decodes the object ahead as the object of an event of type `event_type`. Fails
            /// only on malformed JSON: see the type's docs for what is kept as JSON.
            #[doc(hidden)]
            pub fn decode_as(r: &mut rt::Reader<'_>, event_type: &#type_enum) -> Result<Self, rt::DecodeError> {
                #decode
            }
        }
    }
}

/// One variant per typed object, documented with the event types it is the object of.
fn object_variants(events: &Events, path: &dyn Fn(&TypeRef) -> TokenStream) -> Vec<TokenStream> {
    events
        .objects
        .iter()
        .map(|o| {
            let of: Vec<String> = events
                .types
                .iter()
                .filter(|t| t.object.as_ref() == Some(&o.name))
                .map(|t| format!("`{}`", t.name.wire()))
                .collect();
            variant(
                o,
                &format!(" `{}`, the object of {}.", o.name.wire(), of.join(", ")),
                path,
            )
        })
        .collect()
}

/// The body of `EventObject::decode_as`: a match from event types to the typed object.
fn decode_body(events: &Events) -> TokenStream {
    let type_enum = &events.type_enum;
    let arms = events.objects.iter().map(|o| {
        let types = events
            .types
            .iter()
            .filter(|t| t.object.as_ref() == Some(&o.name))
            .map(|t| &t.name);
        object_arm(o, quote!(#(#type_enum::#types)|*))
    });
    let other = other_json();
    // With no typed object, a match would have one arm (clippy's `match_single_binding`).
    if events.objects.is_empty() {
        quote! {
            let _ = event_type;
            #other
        }
    } else {
        quote! {
            match event_type {
                #(#arms)*
                _ => #other,
            }
        }
    }
}

/// `ThinEventObject`: the object a thin event's `related_object` names, as fetched from its
/// URL. A thin event carries no object, so the fetched one says what it is: it is decoded by
/// its own `object` value (read ahead, `rt::Reader::tag`), as the selected resource of that
/// name; anything else stays JSON, and an object that does not fit its type is kept as sent.
pub fn thin_object_enum(thin: &ThinEvents, path: &dyn Fn(&TypeRef) -> TokenStream) -> TokenStream {
    let name = &thin.object_enum;
    let variants = thin.objects.iter().map(|o| {
        let text = format!(" `object: \"{}\"`.", o.name.wire());
        variant(o, &text, path)
    });
    let arms = thin.objects.iter().map(|o| {
        let wire = o.name.wire();
        object_arm(o, quote!(Some(#wire)))
    });
    let other = other_json();
    let decode = if thin.objects.is_empty() {
        quote!(#other)
    } else {
        quote! {
            let object = match r.tag("object") {
                Ok(object) => object,
                Err(e) => return Err(e),
            };
            match object.as_deref() {
                #(#arms)*
                _ => #other,
            }
        }
    };
    // `match`, not `?`, as in every generated decoder: no error conversion compiled per type.
    let impls = items::decode_impls(name, quote!(#[allow(clippy::question_mark)]), decode);
    quote! {
        /// The object a thin event is about (its `related_object`), fetched from the URL the
        /// event gives: typed by the object's own `object` value when its resource is
        /// selected (and its feature on), JSON in `Other` otherwise; an object that does not
        /// decode as its type is kept as sent, with the error, in `Undecoded`. Decoding never
        /// fails on valid JSON and loses nothing.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize), serde(untagged))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An object this crate does not type, kept as sent.
            Other(rt::Json),
            /// An object that did not decode as the type its `object` names, kept as sent.
            Undecoded(rt::UndecodedObject),
        }

        #impls
    }
}

/// A typed variant of an object enum, behind its resource's feature.
fn variant(o: &ObjectVariant, doc: &str, path: &dyn Fn(&TypeRef) -> TokenStream) -> TokenStream {
    let variant = &o.name;
    let feature = o.ty.module.rust();
    let ty = path(&o.ty);
    let held = match o.boxed {
        true => quote!(Box<#ty>),
        false => quote!(#ty),
    };
    quote! {
        #[doc = #doc]
        #[cfg(feature = #feature)]
        #variant(#held),
    }
}

/// The match arm of an object enum's decoder for variant `o` (behind its feature): the object
/// ahead decoded as its type, or kept as sent in `Undecoded` when it does not fit.
fn object_arm(o: &ObjectVariant, pattern: TokenStream) -> TokenStream {
    let (variant, feature) = (&o.name, o.ty.module.rust());
    let typed = match o.boxed {
        true => quote!(Box::new(typed)),
        false => quote!(typed),
    };
    quote! {
        #[cfg(feature = #feature)]
        #pattern => match rt::__private::decode_object(r) {
            Ok(Ok(typed)) => Ok(Self::#variant(#typed)),
            Ok(Err(kept)) => Ok(Self::Undecoded(kept)),
            Err(e) => Err(e),
        },
    }
}

/// An object enum's fallback: the object ahead kept as JSON in `Other`.
fn other_json() -> TokenStream {
    quote! {
        match r.json() {
            Ok(object) => Ok(Self::Other(object)),
            Err(e) => Err(e),
        }
    }
}
