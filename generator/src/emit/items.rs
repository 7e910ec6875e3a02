//! One function per IR shape, each returning the tokens of one item.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{
    Doc, Field, IdType, Method, Operation, ParamsIn, PathPart, Presence, Role, StreamSession,
    StringEnum, Struct, Tagging, Ty, TypeRef, Union, UnionTag,
};

use super::doc;
use super::types::{field_type, path_arg_type, rust_type};
use crate::naming::TypeName;

/// `#[doc = "..."]` attributes, one per line.
pub fn doc_attrs(d: &Doc) -> TokenStream {
    let lines = d.0.as_deref().map(doc::render).unwrap_or_default();
    let attrs = lines.iter().map(|l| {
        let text = format!(" {l}");
        let text = text.trim_end();
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// [`doc_attrs`], or, where the spec says nothing, one line naming what the item is on the wire
/// and that the spec does not describe it: the generated crates keep `missing_docs`, and no
/// text the spec lacks is made up.
pub fn doc_attrs_or_wire(d: &Doc, wire: &str) -> TokenStream {
    let attrs = doc_attrs(d);
    if !attrs.is_empty() {
        return attrs;
    }
    let text = format!(" `{wire}`, which Stripe's spec does not describe.");
    quote!(#[doc = #text])
}

/// A model decoded from responses: serde both ways (written out in `emit::serde`), absent and
/// `null` kept apart, unknown fields kept in `extra`.
pub fn emit_struct(s: &Struct) -> TokenStream {
    emit_struct_with(s, super::serde::Decoding::default())
}

/// [`emit_struct`], with the decoder's hooks (see `emit::serde::Decoding`).
pub fn emit_struct_with(s: &Struct, decoding: super::serde::Decoding) -> TokenStream {
    let name = &s.name;
    let docs = doc_attrs_or_wire(&s.doc, name.wire());
    let fields = s.fields.iter().map(|f| {
        let fname = &f.name;
        let fdoc = doc_attrs_or_wire(&f.doc, f.name.wire());
        let fty = field_type(&f.ty, f.presence);
        quote! {
            #fdoc
            pub #fname: #fty,
        }
    });
    let extra = format_ident!("{}", crate::model::EXTRA_FIELD);
    let serde = super::serde::emit_object_serde_with(s, decoding);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            #(#fields)*
            /// Fields this version of the crate does not know, kept as sent.
            pub #extra: rt::Extra,
        }

        #serde
    }
}

/// Request parameters: required fields are constructor arguments, so they cannot be
/// forgotten; optional ones are public `Option`s. `#[non_exhaustive]` keeps adding an
/// optional parameter a non-breaking change.
///
/// The note links to the operation when `ops_linked`; otherwise the operation is in a crate
/// that depends on this one, where rustdoc cannot link, and it is named as code.
pub fn emit_params(s: &Struct, ops_linked: bool) -> TokenStream {
    let name = &s.name;
    let mut docs = doc_attrs(&s.doc);
    match &s.note {
        Some(note) => {
            let note = match ops_linked {
                true => format!(" {note}"),
                false => format!(" {}", note.replace("[`", "`").replace("`]", "`")),
            };
            docs.extend(quote!(#[doc = #note]));
        }
        None => docs = doc_attrs_or_wire(&s.doc, name.wire()),
    }
    let fields = s.fields.iter().map(|f| {
        let fname = &f.name;
        let fdoc = doc_attrs_or_wire(&f.doc, f.name.wire());
        let fty = field_type(&f.ty, f.presence);
        quote! {
            #fdoc
            pub #fname: #fty,
        }
    });
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let args = required.iter().map(|f| {
        let fname = &f.name;
        let fty = field_type(&f.ty, f.presence);
        quote!(#fname: #fty)
    });
    let inits = s.fields.iter().map(|f| {
        let fname = &f.name;
        if f.presence == Presence::Required {
            quote!(#fname)
        } else {
            quote!(#fname: None)
        }
    });
    let (derive_default, new_doc) = if required.is_empty() {
        (
            quote!(Default,),
            " Parameters with every optional field unset.",
        )
    } else {
        (
            quote!(),
            " Parameters with the required fields; set optional ones on the result.",
        )
    };
    let setters = s.fields.iter().filter_map(setter);
    let to_form = if s.role == Role::JsonParams {
        params_to_json(s)
    } else {
        params_to_form(s)
    };
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }

        #to_form
    }
}

/// A chained setter for an optional field, named like the field. A field named `new` would
/// clash with the constructor, so it is set through the public field instead.
fn setter(f: &Field) -> Option<TokenStream> {
    if f.presence == Presence::Required || f.name.rust() == "new" {
        return None;
    }
    let fname = &f.name;
    let inner = rust_type(&f.ty);
    let text = format!(" Sets `{}`.", f.name.wire());
    Some(quote! {
        #[doc = #text]
        pub fn #fname(mut self, #fname: impl Into<#inner>) -> Self {
            self.#fname = Some(#fname.into());
            self
        }
    })
}

/// Form-encodes the parameters, each field under its wire name.
fn params_to_form(s: &Struct) -> TokenStream {
    let name = &s.name;
    let encode = s.fields.iter().map(|f| {
        let fname = &f.name;
        let wire = f.name.wire();
        quote!(form.field(key, #wire, &self.#fname);)
    });
    let form_arg = if s.fields.is_empty() {
        quote!(_form)
    } else {
        quote!(form)
    };
    let key_arg = if s.fields.is_empty() {
        quote!(_key)
    } else {
        quote!(key)
    };
    quote! {
        impl rt::ToForm for #name {
            fn to_form(&self, #key_arg: &str, #form_arg: &mut rt::Form) {
                #(#encode)*
            }
        }
    }
}

/// Writes the parameters as a JSON object (v2 bodies): each field under its wire name, absent
/// ones left out (`rt::JsonWriter::field` skips them), `null` where a value is `None` inside.
fn params_to_json(s: &Struct) -> TokenStream {
    let name = &s.name;
    let fields = s.fields.iter().map(|f| {
        let fname = &f.name;
        let wire = f.name.wire();
        quote!(w.field(#wire, &self.#fname);)
    });
    quote! {
        impl rt::ToJson for #name {
            fn to_json(&self, w: &mut rt::JsonWriter) {
                w.begin_object();
                #(#fields)*
                w.end_object();
            }
        }
    }
}

/// `rt::Decode` with `body`, and serde's `Deserialize` through it (feature `serde`), for a
/// decoded enum. `attrs` go on the `Decode` impl.
pub fn decode_impls(name: &TypeName, attrs: TokenStream, body: TokenStream) -> TokenStream {
    quote! {
        #attrs
        impl rt::Decode for #name {
            fn decode(r: &mut rt::Reader<'_>) -> Result<Self, rt::DecodeError> {
                #body
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::__private::deserialize_via_json(deserializer)
            }
        }
    }
}

/// Dispatches a struct by role (`ops_linked`: see [`emit_params`]).
pub fn emit_any_struct(s: &Struct, ops_linked: bool) -> TokenStream {
    match s.role {
        Role::Resource | Role::Object => emit_struct(s),
        Role::Params | Role::JsonParams => emit_params(s, ops_linked),
    }
}

/// A string enum that keeps values newer than the spec in its catch-all variant, and
/// serializes them back unchanged.
///
/// Each wire string is written once, in `as_str`: `rt::WireEnum::from_wire` finds a value among
/// `KNOWN` by it, so the enum needs no table of strings, no positions and no `from_wire` of its
/// own.
pub fn emit_enum(e: &StringEnum) -> TokenStream {
    let name = &e.name;
    let body = enum_with_wire_table(e, &quote!(rt));
    quote! {
        #body

        rt::__private::impl_wire_enum!(#name);
    }
}

/// A string enum and its `WireEnum` impl, the trait named through `krate` (`rt`, or `crate`
/// inside the runtime, whose `rt::v2::ErrorCode` the generator writes too).
pub fn enum_with_wire_table(e: &StringEnum, krate: &TokenStream) -> TokenStream {
    let name = &e.name;
    let unknown = &e.unknown;
    let docs = doc_attrs_or_wire(&e.doc, name.wire());
    let idents: Vec<_> = e.variants.iter().collect();
    let wires: Vec<_> = e.variants.iter().map(|v| v.wire()).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #idents,)*
            /// A value this version of the crate does not know, kept as sent.
            #unknown(String),
        }

        impl #krate::WireEnum for #name {
            const KNOWN: &'static [Self] = &[#(Self::#idents),*];

            fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::#unknown(s) => s,
                }
            }

            fn unknown(wire: &str) -> Self {
                Self::#unknown(wire.to_owned())
            }
        }
    }
}

/// A union, told apart as [`Union::tag`] says. Parameters: encoded as whichever member is set.
/// Responses: decoded by the model's tagging; anything else is kept as JSON.
pub fn emit_union(u: &Union) -> TokenStream {
    let name = &u.name;
    let docs = doc_attrs_or_wire(&u.doc, name.wire());
    let variants: Vec<_> = u.members.iter().map(|m| &m.name).collect();
    let types: Vec<_> = u.members.iter().map(|m| rust_type(&m.ty)).collect();
    let variant_docs = u.members.iter().map(|m| match (&m.tag, m.deleted) {
        (Some(tag), false) => format!(" `object: \"{tag}\"`"),
        (Some(tag), true) => format!(" `object: \"{tag}\"`, `deleted: true`"),
        (None, _) => format!(" The `{}` shape.", m.name.wire()),
    });
    let decode = match &u.tag {
        UnionTag::Encoded if u.role != Role::JsonParams => {
            return quote! {
                #docs
                #[derive(Clone, Debug, PartialEq)]
                pub enum #name {
                    #(#[doc = #variant_docs] #variants(#types),)*
                }

                impl rt::ToForm for #name {
                    fn to_form(&self, key: &str, form: &mut rt::Form) {
                        match self {
                            #(Self::#variants(v) => v.to_form(key, form),)*
                        }
                    }
                }
            };
        }
        UnionTag::Encoded => {
            return quote! {
                #docs
                #[derive(Clone, Debug, PartialEq)]
                pub enum #name {
                    #(#[doc = #variant_docs] #variants(#types),)*
                }

                impl rt::ToJson for #name {
                    fn to_json(&self, w: &mut rt::JsonWriter) {
                        match self {
                            #(Self::#variants(v) => v.to_json(w),)*
                        }
                    }
                }
            };
        }
        UnionTag::Decoded(tagging) => decode_tagged(tagging),
        UnionTag::DeletedFirst { deleted, live } => {
            let (deleted, live) = (decode_tagged(deleted), decode_tagged(live));
            quote! {
                match r.deleted() {
                    Ok(true) => { #deleted }
                    Ok(false) => { #live }
                    Err(e) => Err(e),
                }
            }
        }
    };
    let impls = decode_impls(name, quote!(), decode);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize), serde(untagged))]
        pub enum #name {
            #(#[doc = #variant_docs] #variants(#types),)*
            /// A shape this version of the crate does not know, kept as sent.
            Unknown(rt::Json),
        }

        #impls
    }
}

/// The decoding of a group of a response union's members, as `tagging` says; a value that fits
/// none is kept as sent. `match` rather than `?` or `map`: those would compile an error
/// conversion or a closure for every union (see `rt::Reader::set`).
fn decode_tagged(tagging: &Tagging) -> TokenStream {
    let unknown = quote! {
        match r.json() {
            Ok(value) => Ok(Self::Unknown(value)),
            Err(e) => Err(e),
        }
    };
    match tagging {
        Tagging::Unknown => unknown,
        Tagging::Only(variant) => quote! {
            match rt::Decode::decode(r) {
                Ok(member) => Ok(Self::#variant(member)),
                Err(e) => Err(e),
            }
        },
        Tagging::Object(tagged) => {
            let tags = tagged.iter().map(|(tag, _)| tag);
            let variants = tagged.iter().map(|(_, variant)| variant);
            quote! {
                match r.tag("object") {
                    Ok(tag) => match tag.as_deref() {
                        #(Some(#tags) => match rt::Decode::decode(r) {
                            Ok(member) => Ok(Self::#variants(member)),
                            Err(e) => Err(e),
                        },)*
                        _ => #unknown,
                    },
                    Err(e) => Err(e),
                }
            }
        }
        Tagging::FirstThatDecodes(variants) => quote! {
            #(
                if let Some(decoded) = r.try_decode() {
                    return Ok(Self::#variants(decoded));
                }
            )*
            #unknown
        },
    }
}

/// A resource's typed id: a string newtype, so ids of different resources cannot be mixed up.
/// Its doc links to the resource's type when `linked` (the type is in the id's crate; rustdoc
/// cannot link to a crate that depends on this one).
pub fn emit_id(id: &IdType, linked: bool) -> TokenStream {
    let name = &id.name;
    let text = match linked {
        true => format!(" The id of a [`{}`].", id.resource),
        false => format!(" The id of a `{}`.", id.resource),
    };
    quote! {
        #[doc = #text]
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct #name(String);

        rt::__private::impl_id!(#name);
    }
}

/// Lets pagination and `rt::Expandable::id` read a resource's id.
pub fn emit_has_id(id: &IdType) -> TokenStream {
    let resource = &id.resource;
    let read = match id.presence {
        Presence::Required => quote!(Some(self.id.as_str())),
        Presence::Nullable | Presence::Optional => quote!(self.id.as_ref().map(|id| id.as_str())),
        Presence::OptionalNullable => quote!(self
            .id
            .as_ref()
            .and_then(|id| id.as_ref())
            .map(|id| id.as_str())),
    };
    quote! {
        impl rt::HasId for #resource {
            fn object_id(&self) -> Option<&str> {
                #read
            }
        }
    }
}

/// A meter event stream's session (feature `client`): `rt::v2::StreamSession`, and `stream`,
/// which makes the `rt::v2::MeterEventStream` over the resource's `create` and
/// `stream_events`.
pub fn emit_stream_session(on: &TypeName, st: &StreamSession) -> TokenStream {
    let (create, batch) = (&st.create_params, &st.batch_params);
    quote! {
        /// The session's token authenticates the meter event stream until `expires_at`.
        #[cfg(feature = "client")]
        impl rt::v2::StreamSession for #on {
            fn authentication_token(&self) -> &rt::Secret {
                &self.authentication_token
            }

            fn expires_at(&self) -> &rt::DateTime {
                &self.expires_at
            }
        }

        /// Meter events at volume (feature `client`).
        #[cfg(feature = "client")]
        impl #on {
            /// A [`rt::v2::MeterEventStream`] that sends batches of meter events through `client`:
            /// it creates sessions with [`create`](Self::create), sends each batch with
            /// [`stream_events`](Self::stream_events) authenticated by the current session's
            /// token, and renews the session before it expires, or when the stream says it has
            /// (then the batch is sent once more, with the same idempotency key). One stream
            /// serves every task: share it in an `Arc`.
            pub fn stream(client: rt::Client) -> rt::v2::MeterEventStream<Self, #batch> {
                rt::v2::MeterEventStream::new(
                    client,
                    || Self::create(&#create::new()),
                    Self::stream_events,
                )
            }
        }
    }
}

/// The request functions of one resource, as associated functions of its type. They only
/// describe the request; `rt::Client::send` (or the blocking client) runs it.
pub fn emit_ops(on: &TypeRef, ops: &[Operation]) -> TokenStream {
    if ops.is_empty() {
        return quote!();
    }
    let resource = &on.name;
    let fns = ops.iter().map(|op| {
        let name = &op.name;
        let docs = doc_attrs(&op.doc);
        let params = &op.params;
        let returns = match &op.returns {
            Ty::Named(r) if r.name == on.name => quote!(Self),
            Ty::List(inner) if matches!(inner.as_ref(), Ty::Named(r) if r.name == on.name) => {
                quote!(rt::List<Self>)
            }
            Ty::Search(inner) if matches!(inner.as_ref(), Ty::Named(r) if r.name == on.name) => {
                quote!(rt::SearchResult<Self>)
            }
            other => rust_type(other),
        };
        let args = op.path_params.iter().map(|p| {
            let pname = &p.name;
            let arg_type = path_arg_type(p);
            quote!(#pname: #arg_type)
        });
        // Bound first: as one argument of `Request::new`, prettyplease would indent the path
        // chain twice, unlike rustfmt. Shadowing a path parameter named `path` is harmless.
        let path = emit_path(op);
        let method = match op.method {
            Method::Get => quote!(rt::Method::Get),
            Method::Post => quote!(rt::Method::Post),
            Method::Delete => quote!(rt::Method::Delete),
        };
        let attach = match op.params_in {
            ParamsIn::Body => quote!(.form(params)),
            ParamsIn::Multipart => quote!(.multipart(params)),
            ParamsIn::Query => quote!(.query(params)),
            ParamsIn::Json => quote!(.json(params)),
        };
        let server = op.server.as_deref().map(|url| quote!(.server(#url)));
        // A binary body is not decoded: `Request::binary` returns it as `rt::Bytes`.
        let constructor = if op.returns == Ty::Bytes {
            quote!(binary)
        } else {
            quote!(new)
        };
        let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
        let http = format!(" `{} {}`", op.method.http(), path_display(op));
        quote! {
            #docs
            #gap
            #[doc = #http]
            pub fn #name(#(#args,)* params: &#params) -> rt::Request<#returns> {
                let path = #path;
                rt::Request::#constructor(#method, path)#attach #server
            }
        }
    });
    quote! {
        impl #resource {
            #(#fns)*
        }
    }
}

/// The operation's path as an `rt::Path` chain: literal pieces, and parameters that the
/// runtime encodes and refuses when they cannot stay one path segment (`..` would otherwise act
/// on a parent object). Plain method calls rather than `format!`, so prettyplease lays them
/// out as rustfmt would.
fn emit_path(op: &Operation) -> TokenStream {
    let mut parts = op.path.iter().peekable();
    let first = match parts.peek() {
        Some(PathPart::Lit(text)) => {
            let text = text.clone();
            parts.next();
            text
        }
        _ => String::new(),
    };
    let calls = parts.filter_map(|part| match part {
        PathPart::Lit(text) if text.is_empty() => None,
        PathPart::Lit(text) => Some(quote!(.push(#text))),
        PathPart::Param(p) => {
            let wire = p.wire();
            let is_typed = op
                .path_params
                .iter()
                .any(|pp| &pp.name == p && matches!(pp.ty, Ty::Named(_)));
            let value = if is_typed {
                quote!(#p.as_str())
            } else {
                quote!(#p)
            };
            Some(quote!(.param(#wire, #value)))
        }
    });
    quote!(rt::Path::new(#first) #(#calls)*)
}

fn path_display(op: &Operation) -> String {
    op.path
        .iter()
        .map(|p| match p {
            PathPart::Lit(t) => t.clone(),
            PathPart::Param(f) => format!("{{{}}}", f.wire()),
        })
        .collect()
}
