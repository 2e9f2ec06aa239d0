//! Schema types: structs with their XML codec, enumerations, abstract-type choices, aliases.

use super::{byte_lit, doc_with, field_type, ident, local_ident, type_doc_name, type_tokens};
use crate::model::{Choice, Enum, Field, Model, Occurs, Struct, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Names the decode function uses for itself; a field local with one of these names is prefixed.
const DECODE_LOCALS: &[&str] = &["reader", "start", "child"];

/// One schema type and its trait impls.
pub(super) fn type_def(model: &Model, index: usize) -> TokenStream {
    let t = &model.types[index];
    match &t.kind {
        TypeKind::Struct(s) => structure(model, index, s),
        TypeKind::Enum(e) => enumeration(model, index, e),
        TypeKind::Choice(c) => choice(model, index, c),
        TypeKind::Alias { target, facets } => {
            let name = ident(&t.rust_name);
            let target_tokens = type_tokens(model, *target, &TokenStream::new());
            let mut facts = format!(
                "Schema simple type `{}`: a restriction of {}.",
                t.xml_name.local,
                type_doc_name(model, *target)
            );
            if !facets.is_empty() {
                facts.push_str(" Facets (not checked by this crate): ");
                facts.push_str(
                    &facets
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                facts.push('.');
            }
            let doc = doc_with(t.doc.as_deref(), &facts);
            quote! {
                #doc
                pub type #name = #target_tokens;
            }
        }
    }
}

fn occurs_doc(f: &Field) -> String {
    match f.occurs {
        Occurs::Required => "required".to_owned(),
        Occurs::Optional => "optional; `None` leaves it out".to_owned(),
        Occurs::Nillable => {
            "required but nillable; `None` is sent as `xsi:nil=\"true\"`".to_owned()
        }
        Occurs::OptionalNillable => {
            "optional and nillable: absent, nil (`xsi:nil=\"true\"`) or a value".to_owned()
        }
        Occurs::Repeated | Occurs::RepeatedNillable => {
            let max = f.max.map_or("unbounded".to_owned(), |m| m.to_string());
            let nil = if f.occurs == Occurs::RepeatedNillable {
                "; `None` items are sent as `xsi:nil=\"true\"`"
            } else {
                ""
            };
            format!("repeated, {} to {max} times{nil}", f.min)
        }
    }
}

fn field_local(f: &Field) -> Ident {
    if DECODE_LOCALS.contains(&f.rust_name.name.as_str()) {
        local_ident(&format!("field_{}", f.rust_name.name))
    } else {
        ident(&f.rust_name)
    }
}

fn structure(model: &Model, index: usize, s: &Struct) -> TokenStream {
    let t = &model.types[index];
    let name = ident(&t.rust_name);
    let none = TokenStream::new();
    let mut facts = format!("Schema complex type `{}`.", t.xml_name.local);
    if let Some(base) = s.extends {
        facts.push_str(&format!(
            " One of the concrete forms of [`{}`], written with `xsi:type`.",
            model.types[base].rust_name.name
        ));
    }
    let doc = doc_with(t.doc.as_deref(), &facts);
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let fty = field_type(model, f, &none);
        let facts = format!(
            "Element `{}` ({}, {}).",
            f.xml_name,
            type_doc_name(model, f.ty),
            occurs_doc(f)
        );
        let fdoc = doc_with(f.doc.as_deref(), &facts);
        quote! { #fdoc pub #fname: #fty }
    });
    let sensitive = auth_signature_field(model, index);
    let derive_debug = if sensitive.is_some() {
        quote! {}
    } else {
        quote! { ::core::fmt::Debug, }
    };
    let all_optional = s.fields.iter().all(|f| f.occurs != Occurs::Required);
    let derive_default = if all_optional {
        quote! { ::core::default::Default, }
    } else {
        quote! {}
    };
    let debug_impl = sensitive.map(|masked| debug_masking(model, index, s, masked));
    let constructor = constructor(model, &name, s);
    let codec = struct_codec(model, index, s);
    quote! {
        #doc
        #[derive(#derive_debug ::core::clone::Clone, ::core::cmp::PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields),*
        }

        #constructor
        #debug_impl
        #codec
    }
}

/// The index of the signature field when the type is an authentication header's type.
fn auth_signature_field(model: &Model, index: usize) -> Option<usize> {
    model
        .headers
        .iter()
        .filter(|h| h.ty == index)
        .find_map(|h| h.auth.map(|a| a.signature))
}

/// `Debug` that never prints the request signature (it authenticates the request).
fn debug_masking(model: &Model, index: usize, s: &Struct, masked: usize) -> TokenStream {
    let name = ident(&model.types[index].rust_name);
    let label = &model.types[index].rust_name.name;
    let entries = s.fields.iter().enumerate().map(|(k, f)| {
        let fname = ident(&f.rust_name);
        let label = &f.rust_name.name;
        if k == masked {
            quote! { .field(#label, &"<redacted>") }
        } else {
            quote! { .field(#label, &self.#fname) }
        }
    });
    quote! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// `new(required…)`: every required field as a parameter, everything else empty.
fn constructor(model: &Model, name: &Ident, s: &Struct) -> TokenStream {
    let none = TokenStream::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut shorthand = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.rust_name);
        match f.occurs {
            Occurs::Required => {
                let is_string = matches!(f.ty, TypeRef::Builtin(b) if b.is_string());
                let ty = type_tokens(model, f.ty, &none);
                let value = if is_string {
                    params
                        .push(quote! { #fname: impl ::core::convert::Into<::std::string::String> });
                    quote! { #fname.into() }
                } else {
                    params.push(quote! { #fname: #ty });
                    quote! { #fname }
                };
                if !is_string && !f.boxed {
                    shorthand.push(fname.clone());
                }
                inits.push((fname, value, f.boxed));
            }
            Occurs::Optional | Occurs::Nillable => {
                inits.push((fname, quote! { ::core::option::Option::None }, f.boxed));
            }
            Occurs::OptionalNillable => {
                inits.push((
                    fname,
                    quote! { ::mktows_runtime::Nillable::Absent },
                    f.boxed,
                ));
            }
            Occurs::Repeated | Occurs::RepeatedNillable => {
                inits.push((fname, quote! { ::std::vec::Vec::new() }, f.boxed));
            }
        }
    }
    let inits = inits.into_iter().map(|(fname, value, boxed)| {
        if shorthand.contains(&fname) {
            quote! { #fname }
        } else if boxed {
            quote! { #fname: ::std::boxed::Box::new(#value) }
        } else {
            quote! { #fname: #value }
        }
    });
    let doc = if params.is_empty() {
        "A value with every field absent or empty."
    } else {
        "A value with the required fields given and every other field absent or empty \
         (nillable required fields start as nil)."
    };
    let allow = if params.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        quote! {}
    };
    let doc = super::doc_attrs(doc);
    quote! {
        impl #name {
            #doc
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

fn is_choice_member(model: &Model, index: usize) -> bool {
    model.types.iter().any(|t| match &t.kind {
        TypeKind::Choice(c) => c.variants.contains(&index),
        _ => false,
    })
}

fn field_writes(s: &Struct) -> Vec<TokenStream> {
    s.fields
        .iter()
        .map(|f| {
            let fname = ident(&f.rust_name);
            let xml = &f.xml_name;
            let method = match f.occurs {
                Occurs::Required => quote! { required },
                Occurs::Optional => quote! { optional },
                Occurs::Nillable => quote! { nillable },
                Occurs::OptionalNillable => quote! { optional_nillable },
                Occurs::Repeated => quote! { repeated },
                Occurs::RepeatedNillable => quote! { repeated_nillable },
            };
            // `&*` sees through the box of a recursive field (and is a no-op reborrow otherwise).
            let value = if f.boxed {
                quote! { &*self.#fname }
            } else {
                quote! { &self.#fname }
            };
            quote! {
                writer.#method(::mktows_runtime::xml::ElementName::local(#xml), #value)?;
            }
        })
        .collect()
}

fn struct_codec(model: &Model, index: usize, s: &Struct) -> TokenStream {
    let name = ident(&model.types[index].rust_name);
    let writes = field_writes(s);
    let encode_body = if is_choice_member(model, index) {
        quote! { self.encode_fields(writer)?; }
    } else {
        quote! { #(#writes)* }
    };
    let encode_fields = if is_choice_member(model, index) {
        quote! {
            impl #name {
                /// Writes the content (child elements) only: the abstract type's encoder
                /// writes the start tag with `xsi:type`.
                fn encode_fields(
                    &self,
                    writer: &mut ::mktows_runtime::xml::Writer,
                ) -> ::core::result::Result<(), ::mktows_runtime::xml::EncodeError> {
                    #(#writes)*
                    ::core::result::Result::Ok(())
                }
            }
        }
    } else {
        quote! {}
    };
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    let mut builds = Vec::new();
    for f in &s.fields {
        let local = field_local(f);
        let fname = ident(&f.rust_name);
        let xml = &f.xml_name;
        let bytes = byte_lit(xml);
        let (init, method, build) = match f.occurs {
            Occurs::Required => (
                quote! { ::core::option::Option::None },
                quote! { required },
                quote! { reader.require(#local, #xml)? },
            ),
            Occurs::Optional => (
                quote! { ::core::option::Option::None },
                quote! { optional },
                quote! { #local },
            ),
            Occurs::Nillable => (
                quote! { ::core::option::Option::None },
                quote! { nillable },
                quote! { reader.require_nillable(#local, #xml)? },
            ),
            Occurs::OptionalNillable => (
                quote! { ::mktows_runtime::Nillable::Absent },
                quote! { optional_nillable },
                quote! { #local },
            ),
            Occurs::Repeated => (
                quote! { ::std::vec::Vec::new() },
                quote! { repeated },
                quote! { #local },
            ),
            Occurs::RepeatedNillable => (
                quote! { ::std::vec::Vec::new() },
                quote! { repeated_nillable },
                quote! { #local },
            ),
        };
        decls.push(quote! { let mut #local = #init; });
        arms.push(quote! {
            ::core::option::Option::Some(#bytes) => reader.#method(&child, &mut #local)?,
        });
        let plain_local = matches!(
            f.occurs,
            Occurs::Optional
                | Occurs::OptionalNillable
                | Occurs::Repeated
                | Occurs::RepeatedNillable
        ) && !DECODE_LOCALS.contains(&f.rust_name.name.as_str());
        if f.boxed {
            builds.push(quote! { #fname: ::std::boxed::Box::new(#build) });
        } else if plain_local {
            // Field init shorthand: the local has the field's name.
            builds.push(quote! { #fname });
        } else {
            builds.push(quote! { #fname: #build });
        }
    }
    let read_loop = if arms.is_empty() {
        quote! {
            // No known children: anything inside is a later version's addition.
            while let ::core::option::Option::Some(child) = reader.next_child()? {
                reader.skip(&child)?;
            }
        }
    } else {
        quote! {
            while let ::core::option::Option::Some(child) = reader.next_child()? {
                match child.unqualified() {
                    #(#arms)*
                    // Elements this version of the WSDL does not know: skipped, so a
                    // server adding a field does not break decoding.
                    _ => reader.skip(&child)?,
                }
            }
        }
    };
    quote! {
        #encode_fields

        impl ::mktows_runtime::xml::Encode for #name {
            fn encode(
                &self,
                writer: &mut ::mktows_runtime::xml::Writer,
                name: ::mktows_runtime::xml::ElementName,
            ) -> ::core::result::Result<(), ::mktows_runtime::xml::EncodeError> {
                writer.start(name)?;
                writer.end_start();
                #encode_body
                writer.end(name);
                ::core::result::Result::Ok(())
            }
        }

        impl ::mktows_runtime::xml::Decode for #name {
            fn decode(
                reader: &mut ::mktows_runtime::xml::Reader<'_>,
                _start: &::mktows_runtime::xml::Start<'_>,
            ) -> ::core::result::Result<Self, ::mktows_runtime::xml::DecodeError> {
                #(#decls)*
                #read_loop
                ::core::result::Result::Ok(Self { #(#builds),* })
            }
        }
    }
}

fn enumeration(model: &Model, index: usize, e: &Enum) -> TokenStream {
    let t = &model.types[index];
    let name = ident(&t.rust_name);
    let unknown = ident(&e.unknown);
    let facts = format!(
        "Schema enumeration `{}`. Values this version does not list decode as \
         [`{}::{}`], so a server adding a value does not break decoding.",
        t.xml_name.local, t.rust_name.name, e.unknown.name
    );
    let doc = doc_with(t.doc.as_deref(), &facts);
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let vdoc = doc_with(v.doc.as_deref(), &format!("`{}`", v.value));
        quote! { #vdoc #vname }
    });
    let to_str = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let value = &v.value;
        quote! { Self::#vname => #value, }
    });
    let from_str = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let value = &v.value;
        quote! { #value => Self::#vname, }
    });
    quote! {
        #doc
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value not listed in the WSDL, kept exactly as received.
            #unknown(::std::string::String),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::mktows_runtime::xml::SimpleType for #name {
            fn parse_text(text: &str) -> ::core::result::Result<Self, ::std::string::String> {
                ::core::result::Result::Ok(Self::from(text))
            }

            fn write_text(&self, out: &mut ::std::string::String) {
                out.push_str(self.as_str());
            }

            fn as_text(&self) -> ::core::option::Option<&str> {
                ::core::option::Option::Some(self.as_str())
            }
        }
    }
}

fn choice(model: &Model, index: usize, c: &Choice) -> TokenStream {
    let t = &model.types[index];
    let name = ident(&t.rust_name);
    let abstract_name = &t.xml_name.local;
    let names: Vec<String> = c
        .variants
        .iter()
        .map(|&v| format!("[`{}`]", model.types[v].rust_name.name))
        .collect();
    let facts = format!(
        "Abstract schema type `{abstract_name}`: on the wire, one of {} chosen by `xsi:type`.",
        names.join(", ")
    );
    let doc = doc_with(t.doc.as_deref(), &facts);
    let mut variants = Vec::new();
    let mut froms = Vec::new();
    let mut encodes = Vec::new();
    let mut decodes = Vec::new();
    for &v in &c.variants {
        let vt = &model.types[v];
        let vname = ident(&vt.rust_name);
        let vdoc = format!("`xsi:type=\"{}\"`", vt.xml_name.local);
        variants.push(quote! { #[doc = #vdoc] #vname(#vname) });
        froms.push(quote! {
            impl ::core::convert::From<#vname> for #name {
                fn from(value: #vname) -> Self {
                    Self::#vname(value)
                }
            }
        });
        let ns = vt.xml_name.ns.as_deref().unwrap_or("");
        let local = &vt.xml_name.local;
        encodes.push(quote! {
            Self::#vname(value) => {
                writer.start(name)?;
                writer.xsi_type(#ns, #local);
                writer.end_start();
                value.encode_fields(writer)?;
                writer.end(name);
            }
        });
        let ns_pattern = match &vt.xml_name.ns {
            Some(ns) => quote! { ::core::option::Option::Some(#ns) },
            None => quote! { ::core::option::Option::None },
        };
        decodes.push(quote! {
            ::core::option::Option::Some((#ns_pattern, #local)) => {
                <#vname as ::mktows_runtime::xml::Decode>::decode(reader, start).map(Self::#vname)
            }
        });
    }
    quote! {
        #doc
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants),*
        }

        #(#froms)*

        impl ::mktows_runtime::xml::Encode for #name {
            fn encode(
                &self,
                writer: &mut ::mktows_runtime::xml::Writer,
                name: ::mktows_runtime::xml::ElementName,
            ) -> ::core::result::Result<(), ::mktows_runtime::xml::EncodeError> {
                match self {
                    #(#encodes)*
                }
                ::core::result::Result::Ok(())
            }
        }

        impl ::mktows_runtime::xml::Decode for #name {
            fn decode(
                reader: &mut ::mktows_runtime::xml::Reader<'_>,
                start: &::mktows_runtime::xml::Start<'_>,
            ) -> ::core::result::Result<Self, ::mktows_runtime::xml::DecodeError> {
                let found = reader.xsi_type(start)?;
                match found.as_ref().map(|q| (q.namespace.as_deref(), q.local.as_str())) {
                    #(#decodes)*
                    _ => ::core::result::Result::Err(reader.type_error(start, #abstract_name, found.as_ref())),
                }
            }
        }
    }
}
