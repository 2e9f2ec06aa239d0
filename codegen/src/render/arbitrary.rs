//! proptest `Arbitrary` impls for every schema type, behind the generated crate's `proptest`
//! feature, and a `check_round_trips` function listing every type (option `--proptest`).

use super::{ident, type_tokens};
use crate::model::{Builtin, Field, Model, Occurs, TypeKind, TypeRef, reaches};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Strategies per tuple: proptest implements `Strategy` for tuples of up to 12.
const TUPLE: usize = 10;

pub(super) fn arbitrary(model: &Model) -> TokenStream {
    let impls = model.types.iter().enumerate().filter_map(|(i, t)| {
        let strategy = match &t.kind {
            TypeKind::Struct(s) => struct_strategy(model, i, &s.fields),
            TypeKind::Enum(e) => {
                let arms = e.variants.iter().enumerate().map(|(k, v)| {
                    let vname = ident(&v.rust_name);
                    quote! { #k => Self::#vname, }
                });
                let known = e.variants.len();
                quote! {
                    // Every listed value, and tokens that are (almost always) unknown values.
                    (0..=#known, ::mktows_runtime::arbitrary::token())
                        .prop_map(|(pick, token)| match pick {
                            #(#arms)*
                            _ => Self::from(token.as_str()),
                        })
                        .boxed()
                }
            }
            TypeKind::Choice(c) => {
                let variants = c.variants.iter().map(|&v| {
                    let vname = ident(&model.types[v].rust_name);
                    quote! { ::mktows_runtime::proptest::arbitrary::any::<#vname>().prop_map(Self::#vname).boxed() }
                });
                quote! {
                    ::mktows_runtime::proptest::strategy::Union::new([#(#variants),*]).boxed()
                }
            }
            TypeKind::Alias { .. } => return None,
        };
        let name = ident(&t.rust_name);
        Some(quote! {
            #[cfg(feature = "proptest")]
            impl ::mktows_runtime::proptest::arbitrary::Arbitrary for #name {
                type Parameters = ();
                type Strategy = ::mktows_runtime::proptest::strategy::BoxedStrategy<Self>;

                fn arbitrary_with(_: ()) -> Self::Strategy {
                    use ::mktows_runtime::proptest::strategy::Strategy as _;
                    #strategy
                }
            }
        })
    });
    let checks = model.types.iter().filter_map(|t| {
        if matches!(t.kind, TypeKind::Alias { .. }) {
            return None;
        }
        let name = ident(&t.rust_name);
        let label = &t.rust_name.name;
        Some(quote! { ::mktows_runtime::arbitrary::check_round_trip::<#name>(#label, cases)?; })
    });
    quote! {
        #(#impls)*

        /// Checks encode → decode = identity for `cases` random values of every schema type
        /// (absent/nil/value, unknown enumeration values, markup-significant strings).
        #[cfg(feature = "proptest")]
        pub fn check_round_trips(cases: u32) -> ::core::result::Result<(), ::std::string::String> {
            #(#checks)*
            ::core::result::Result::Ok(())
        }
    }
}

fn value_strategy(model: &Model, ty: TypeRef) -> TokenStream {
    match ty {
        TypeRef::Builtin(b) => match b {
            Builtin::String | Builtin::AnySimpleType => {
                quote! { ::mktows_runtime::arbitrary::xml_string() }
            }
            Builtin::DateTime => quote! { ::mktows_runtime::arbitrary::date_time() },
            Builtin::Base64Binary => quote! { ::mktows_runtime::arbitrary::base64_binary() },
            Builtin::Double => quote! { ::mktows_runtime::arbitrary::finite_f64() },
            Builtin::Float => quote! { ::mktows_runtime::arbitrary::finite_f32() },
            Builtin::Int | Builtin::Long | Builtin::Short | Builtin::Boolean => {
                let t = type_tokens(model, ty, &TokenStream::new());
                quote! { ::mktows_runtime::proptest::arbitrary::any::<#t>() }
            }
        },
        TypeRef::Defined(_) => {
            let t = type_tokens(model, ty, &TokenStream::new());
            quote! { ::mktows_runtime::proptest::arbitrary::any::<#t>() }
        }
    }
}

fn field_strategy(model: &Model, owner: usize, f: &Field) -> TokenStream {
    // Building `any::<T>()` for a field that leads back to its owner would never end, so such
    // fields (rare, recursive schemas) get an empty value.
    let cyclic = matches!(f.ty, TypeRef::Defined(j) if reaches(&model.types, j, owner, true));
    let value = value_strategy(model, f.ty);
    let shaped = match (f.occurs, cyclic) {
        (Occurs::Required, _) => value,
        (Occurs::Optional | Occurs::Nillable, false) => {
            quote! { ::mktows_runtime::proptest::option::of(#value) }
        }
        (Occurs::OptionalNillable, false) => {
            quote! { ::mktows_runtime::arbitrary::nillable(#value) }
        }
        (Occurs::Repeated, false) => quote! { ::mktows_runtime::arbitrary::repeated(#value) },
        (Occurs::RepeatedNillable, false) => quote! {
            ::mktows_runtime::arbitrary::repeated(::mktows_runtime::proptest::option::of(#value))
        },
        (Occurs::Optional | Occurs::Nillable, true) => {
            quote! { ::mktows_runtime::proptest::strategy::Just(::core::option::Option::None) }
        }
        (Occurs::OptionalNillable, true) => {
            quote! { ::mktows_runtime::proptest::strategy::Just(::mktows_runtime::Nillable::Absent) }
        }
        (Occurs::Repeated | Occurs::RepeatedNillable, true) => {
            quote! { ::mktows_runtime::proptest::strategy::LazyJust::new(::std::vec::Vec::new) }
        }
    };
    if f.boxed {
        quote! { (#shaped).prop_map(::std::boxed::Box::new) }
    } else {
        shaped
    }
}

fn struct_strategy(model: &Model, owner: usize, fields: &[Field]) -> TokenStream {
    if fields.is_empty() {
        return quote! { ::mktows_runtime::proptest::strategy::LazyJust::new(|| Self {}).boxed() };
    }
    // Tuples of at most TUPLE strategies, nested once: enough for any realistic sequence.
    let chunks: Vec<&[Field]> = fields.chunks(TUPLE).collect();
    let mut chunk_strategies = Vec::new();
    let mut chunk_patterns = Vec::new();
    let mut k = 0usize;
    for chunk in &chunks {
        let strategies = chunk.iter().map(|f| field_strategy(model, owner, f));
        let vars: Vec<_> = chunk
            .iter()
            .map(|_| {
                k += 1;
                format_ident!("v{}", k)
            })
            .collect();
        chunk_strategies.push(quote! { (#(#strategies,)*) });
        chunk_patterns.push(quote! { (#(#vars,)*) });
    }
    let names = fields.iter().map(|f| ident(&f.rust_name));
    let vars = (1..=fields.len()).map(|n| format_ident!("v{}", n));
    quote! {
        (#(#chunk_strategies,)*)
            .prop_map(|(#(#chunk_patterns,)*)| Self { #(#names: #vars),* })
            .boxed()
    }
}
