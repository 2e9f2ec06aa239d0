//! Operations: their descriptors, the typed client, and the server trait with its dispatcher.

use super::{byte_lit, doc_attrs, escape_markdown, ident};
use crate::model::{Header, Model, Occurs, Operation, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(super) fn service(model: &Model) -> TokenStream {
    let operations = operations_module(model);
    let client = client(model);
    let server = server(model);
    quote! {
        #operations
        #client
        #server
    }
}

fn qualified(element: &crate::parse::ast::QName) -> TokenStream {
    let local = &element.local;
    match &element.ns {
        Some(ns) => quote! { ::mktows_runtime::xml::ElementName::qualified(#ns, #local) },
        None => quote! { ::mktows_runtime::xml::ElementName::local(#local) },
    }
}

fn pair(element: &crate::parse::ast::QName) -> TokenStream {
    let ns = element.ns.as_deref().unwrap_or("");
    let local = &element.local;
    quote! { (#ns, #local) }
}

fn auth_writer_name(h: &Header) -> proc_macro2::Ident {
    format_ident!("write_{}_header", h.rust_name.name)
}

fn operations_module(model: &Model) -> TokenStream {
    let statics = model.operations.iter().map(|op| {
        let cname = ident(&op.const_name);
        let name = &op.xml_name;
        let action = &op.soap_action;
        let request = pair(&op.input.element);
        let response = pair(&op.output.element);
        let auth = match op.headers.iter().find(|&&h| model.headers[h].auth.is_some()) {
            Some(&h) => {
                let f = auth_writer_name(&model.headers[h]);
                quote! { ::core::option::Option::Some(#f) }
            }
            None => quote! { ::core::option::Option::None },
        };
        let doc = format!(
            "`{name}`: sends `{}`, expects `{}`.",
            op.input.element.local, op.output.element.local
        );
        quote! {
            #[doc = #doc]
            pub static #cname: ::mktows_runtime::client::Operation = ::mktows_runtime::client::Operation {
                name: #name,
                soap_action: #action,
                request: #request,
                response: #response,
                namespaces: super::NAMESPACES,
                auth: #auth,
            };
        }
    });
    let all = model.operations.iter().map(|op| {
        let cname = ident(&op.const_name);
        quote! { &#cname }
    });
    let writers = model.headers.iter().filter_map(|h| {
        let auth = h.auth?;
        let TypeKind::Struct(s) = &model.types[h.ty].kind else {
            return None;
        };
        let ty = ident(&model.types[h.ty].rust_name);
        let inits = s.fields.iter().enumerate().map(|(k, f)| {
            let fname = ident(&f.rust_name);
            let value = if k == auth.user_id {
                quote! { ::std::borrow::ToOwned::to_owned(signed.user_id) }
            } else if k == auth.signature {
                quote! { ::std::borrow::ToOwned::to_owned(signed.signature) }
            } else if k == auth.timestamp {
                quote! { ::std::borrow::ToOwned::to_owned(signed.timestamp) }
            } else {
                match f.occurs {
                    Occurs::OptionalNillable => quote! { ::mktows_runtime::Nillable::Absent },
                    Occurs::Repeated | Occurs::RepeatedNillable => {
                        quote! { ::std::vec::Vec::new() }
                    }
                    _ => quote! { ::core::option::Option::None },
                }
            };
            quote! { #fname: #value }
        });
        let fname = auth_writer_name(h);
        let element = qualified(&h.element);
        Some(quote! {
            /// Writes the signed authentication header; the runtime calls it on every attempt.
            fn #fname(
                writer: &mut ::mktows_runtime::xml::Writer,
                signed: &::mktows_runtime::client::SignedHeader<'_>,
            ) -> ::core::result::Result<(), ::mktows_runtime::xml::EncodeError> {
                let header = super::#ty { #(#inits),* };
                writer.required(#element, &header)
            }
        })
    });
    quote! {
        /// Static descriptors of every operation: names, SOAPAction and body elements.
        pub mod operations {
            #(#statics)*

            /// Every operation, in WSDL order.
            pub static ALL: &[&::mktows_runtime::client::Operation] = &[#(#all),*];

            #(#writers)*
        }
    }
}

fn op_doc(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(d) = &op.doc {
        doc.push_str(&escape_markdown(d));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "WSDL operation `{}`: sends `{}`, returns `{}` (SOAPAction `{}`).",
        op.xml_name, op.input.element.local, op.output.element.local, op.soap_action
    ));
    doc
}

/// Caller-supplied headers of an operation (the authentication header is the runtime's job).
fn caller_headers<'m>(model: &'m Model, op: &Operation) -> Vec<&'m Header> {
    op.headers
        .iter()
        .map(|&h| &model.headers[h])
        .filter(|h| h.auth.is_none())
        .collect()
}

fn client(model: &Model) -> TokenStream {
    let methods = model.operations.iter().map(|op| {
        let method = ident(&op.method);
        let cname = ident(&op.const_name);
        let input = ident(&model.types[op.input.ty].rust_name);
        let output = ident(&model.types[op.output.ty].rust_name);
        let body_element = qualified(&op.input.element);
        let headers = caller_headers(model, op);
        let mut doc = op_doc(op);
        for h in &headers {
            doc.push_str(&format!(
                "\n\n`{}`: the optional `{}` SOAP header; `None` sends none.",
                h.rust_name.name, h.element.local
            ));
        }
        let doc = doc_attrs(&doc);
        let params = headers.iter().map(|h| {
            let name = ident(&h.rust_name);
            let ty = ident(&model.types[h.ty].rust_name);
            quote! { #name: ::core::option::Option<&#ty> }
        });
        let header_writes = headers.iter().map(|h| {
            let name = ident(&h.rust_name);
            let element = qualified(&h.element);
            quote! {
                if let ::core::option::Option::Some(header) = #name {
                    headers.required(#element, header)?;
                }
            }
        });
        let (headers_bytes, headers_arg) = if headers.is_empty() {
            (quote! {}, quote! { &[] })
        } else {
            (
                quote! {
                    let mut headers = ::mktows_runtime::xml::Writer::with_declared(NAMESPACES);
                    #(#header_writes)*
                    let headers = headers.into_bytes();
                },
                quote! { &headers },
            )
        };
        quote! {
            #doc
            pub async fn #method(
                &self,
                params: &#input,
                #(#params),*
            ) -> ::core::result::Result<#output, ::mktows_runtime::Error> {
                #headers_bytes
                let mut body = ::mktows_runtime::xml::Writer::with_declared(NAMESPACES);
                body.required(#body_element, params)?;
                self.runtime
                    .call(&operations::#cname, #headers_arg, &body.into_bytes())
                    .await
            }
        }
    });
    quote! {
        /// A typed client: one async method per operation.
        ///
        /// Wraps a configured [`mktows_runtime::Client`], which signs every attempt, sends it,
        /// applies retries and limits, and decodes faults into typed errors.
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        pub struct Client<T = ::mktows_runtime::transport::HttpTransport> {
            runtime: ::mktows_runtime::Client<T>,
        }

        impl<T: ::mktows_runtime::transport::Transport> Client<T> {
            /// A typed client over a configured runtime client.
            pub fn new(runtime: ::mktows_runtime::Client<T>) -> Self {
                Self { runtime }
            }

            /// The runtime client (configuration, limits).
            pub fn runtime(&self) -> &::mktows_runtime::Client<T> {
                &self.runtime
            }

            #(#methods)*
        }
    }
}

fn server(model: &Model) -> TokenStream {
    let header_fields = model.headers.iter().map(|h| {
        let name = ident(&h.rust_name);
        let ty = ident(&model.types[h.ty].rust_name);
        let doc = format!(
            "The `{}` header, when the request carried one.",
            h.element.local
        );
        quote! { #[doc = #doc] pub #name: ::core::option::Option<super::#ty> }
    });
    let header_arms = model.headers.iter().map(|h| {
        let name = ident(&h.rust_name);
        let ns = byte_lit(h.element.ns.as_deref().unwrap_or(""));
        let local = byte_lit(&h.element.local);
        quote! {
            (::core::option::Option::Some(#ns), #local) => {
                envelope.reader().required(&header, &mut headers.#name)?
            }
        }
    });
    let header_encodes = model.headers.iter().map(|h| {
        let name = ident(&h.rust_name);
        let element = qualified(&h.element);
        quote! { writer.optional(#element, &self.#name)?; }
    });
    // A service without SOAP headers: nothing writes the writer or fills the headers.
    let (no_headers_writer, headers_binding) = if model.headers.is_empty() {
        (quote! { let _ = writer; }, quote! { headers })
    } else {
        (quote! {}, quote! { mut headers })
    };
    let header_loop = if model.headers.is_empty() {
        quote! {
            // No operation binds a header: any sent is skipped.
            while let ::core::option::Option::Some(header) = envelope.next_header()? {
                envelope.reader().skip(&header)?;
            }
        }
    } else {
        quote! {
            while let ::core::option::Option::Some(header) = envelope.next_header()? {
                match (header.namespace(), header.local_name()) {
                    #(#header_arms)*
                    // Headers this version does not bind are skipped.
                    _ => envelope.reader().skip(&header)?,
                }
            }
        }
    };
    let from_envelope_arms = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let c = ident(&op.const_name);
        let ty = ident(&model.types[op.output.ty].rust_name);
        let name = &op.xml_name;
        quote! {
            #name => ::mktows_runtime::soap::read_response::<super::#ty>(
                bytes,
                super::operations::#c.response,
                limits,
            )
            .map(|reply| reply.map(Self::#v)),
        }
    });
    let decode_body_arms = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let ty = ident(&model.types[op.output.ty].rust_name);
        let name = &op.xml_name;
        quote! {
            #name => <super::#ty as ::mktows_runtime::xml::Decode>::decode(reader, start).map(Self::#v),
        }
    });
    let request_variants = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let ty = ident(&model.types[op.input.ty].rust_name);
        let doc = format!("`{}` request (`{}`).", op.xml_name, op.input.element.local);
        quote! { #[doc = #doc] #v(super::#ty) }
    });
    let response_variants = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let ty = ident(&model.types[op.output.ty].rust_name);
        let doc = format!(
            "`{}` response (`{}`).",
            op.xml_name, op.output.element.local
        );
        quote! { #[doc = #doc] #v(super::#ty) }
    });
    let op_arms_req = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let c = ident(&op.const_name);
        quote! { Self::#v(_) => &super::operations::#c, }
    });
    let op_arms_resp = op_arms_req.clone();
    let encode_req = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let element = qualified(&op.input.element);
        quote! { Self::#v(value) => writer.required(#element, value)?, }
    });
    let encode_resp = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let element = qualified(&op.output.element);
        quote! { Self::#v(value) => writer.required(#element, value)?, }
    });
    let body_arms = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let ty = ident(&model.types[op.input.ty].rust_name);
        let ns = byte_lit(op.input.element.ns.as_deref().unwrap_or(""));
        let local = byte_lit(&op.input.element.local);
        quote! {
            (::core::option::Option::Some(#ns), #local) => Request::#v(
                <super::#ty as ::mktows_runtime::xml::Decode>::decode(envelope.reader(), &body)?,
            ),
        }
    });
    let trait_methods = model.operations.iter().map(|op| {
        let method = ident(&op.method);
        let input = ident(&model.types[op.input.ty].rust_name);
        let output = ident(&model.types[op.output.ty].rust_name);
        let doc = doc_attrs(&op_doc(op));
        quote! {
            #doc
            fn #method(
                &self,
                headers: &RequestHeaders,
                params: super::#input,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<super::#output, ::mktows_runtime::soap::SoapFault>,
            > + ::core::marker::Send;
        }
    });
    let handle_arms = model.operations.iter().map(|op| {
        let v = ident(&op.variant);
        let method = ident(&op.method);
        quote! {
            Request::#v(params) => service.#method(&request.headers, params).await.map(Response::#v),
        }
    });
    quote! {
        /// The server side: a trait to implement per operation, and the dispatcher from a SOAP
        /// request body to it.
        pub mod server {
            /// Every SOAP header element any operation binds, decoded when present.
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::default::Default)]
            #[non_exhaustive]
            pub struct RequestHeaders {
                #(#header_fields),*
            }

            impl RequestHeaders {
                /// Writes the present headers as SOAP header elements.
                pub fn encode(
                    &self,
                    writer: &mut ::mktows_runtime::xml::Writer,
                ) -> ::core::result::Result<(), ::mktows_runtime::xml::EncodeError> {
                    #no_headers_writer
                    #(#header_encodes)*
                    ::core::result::Result::Ok(())
                }
            }

            /// A decoded request body, one variant per operation.
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
            #[allow(clippy::large_enum_variant)]
            #[non_exhaustive]
            pub enum Request {
                #(#request_variants),*
            }

            impl Request {
                /// The operation this request is for.
                pub fn operation(&self) -> &'static ::mktows_runtime::client::Operation {
                    match self {
                        #(#op_arms_req)*
                    }
                }

                /// A complete request envelope with `headers`, as a client would send it.
                pub fn to_envelope(
                    &self,
                    headers: &RequestHeaders,
                ) -> ::core::result::Result<::std::vec::Vec<u8>, ::mktows_runtime::xml::EncodeError> {
                    let mut head = ::mktows_runtime::xml::Writer::with_declared(super::NAMESPACES);
                    headers.encode(&mut head)?;
                    let mut writer = ::mktows_runtime::xml::Writer::with_declared(super::NAMESPACES);
                    match self {
                        #(#encode_req)*
                    }
                    ::core::result::Result::Ok(::mktows_runtime::soap::write_envelope(
                        super::NAMESPACES,
                        &head.into_bytes(),
                        &writer.into_bytes(),
                    ))
                }
            }

            /// A response body, one variant per operation.
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
            #[allow(clippy::large_enum_variant)]
            #[non_exhaustive]
            pub enum Response {
                #(#response_variants),*
            }

            impl Response {
                /// The operation this response answers.
                pub fn operation(&self) -> &'static ::mktows_runtime::client::Operation {
                    match self {
                        #(#op_arms_resp)*
                    }
                }

                /// The complete response envelope.
                pub fn to_envelope(
                    &self,
                ) -> ::core::result::Result<::std::vec::Vec<u8>, ::mktows_runtime::xml::EncodeError> {
                    let mut writer = ::mktows_runtime::xml::Writer::with_declared(super::NAMESPACES);
                    match self {
                        #(#encode_resp)*
                    }
                    ::core::result::Result::Ok(::mktows_runtime::soap::write_response_envelope(
                        super::NAMESPACES,
                        &writer.into_bytes(),
                    ))
                }

                /// Decodes a response envelope of the operation named `operation` (its WSDL
                /// name): the success body, or the SOAP Fault the service sent instead.
                // Same shape as `soap::read_response`: a fault is an answer, not a decode error.
                #[allow(clippy::result_large_err)]
                pub fn from_envelope(
                    operation: &str,
                    bytes: &[u8],
                    limits: ::mktows_runtime::xml::ReadLimits,
                ) -> ::core::result::Result<
                    ::core::result::Result<Self, ::mktows_runtime::soap::SoapFault>,
                    ::mktows_runtime::xml::DecodeError,
                > {
                    match operation {
                        #(#from_envelope_arms)*
                        other => ::core::result::Result::Err(::mktows_runtime::xml::DecodeError::new(
                            "",
                            ::mktows_runtime::xml::DecodeErrorKind::Custom(::std::format!(
                                "`{other}` is not an operation of this service"
                            )),
                            ::core::option::Option::None,
                        )),
                    }
                }

                /// Decodes the success body element `start` of a response of `operation`
                /// (for payloads that arrive without an envelope).
                pub fn decode_body(
                    operation: &str,
                    reader: &mut ::mktows_runtime::xml::Reader<'_>,
                    start: &::mktows_runtime::xml::Start<'_>,
                ) -> ::core::result::Result<Self, ::mktows_runtime::xml::DecodeError> {
                    match operation {
                        #(#decode_body_arms)*
                        other => ::core::result::Result::Err(reader.error(::std::format!(
                            "`{other}` is not an operation of this service"
                        ))),
                    }
                }
            }

            /// A request taken apart: its headers and its body.
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
            #[non_exhaustive]
            pub struct DecodedRequest {
                /// The SOAP headers the request carried.
                pub headers: RequestHeaders,
                /// The body.
                pub request: Request,
            }

            /// Decodes a request envelope. The operation is chosen by the body element's
            /// qualified name; a `soap_action` (quoted or not; empty means "not sent") must
            /// then agree with it.
            pub fn decode_request(
                soap_action: ::core::option::Option<&str>,
                bytes: &[u8],
                limits: ::mktows_runtime::xml::ReadLimits,
            ) -> ::core::result::Result<DecodedRequest, ::mktows_runtime::server::RequestError> {
                let mut envelope = ::mktows_runtime::soap::EnvelopeReader::new(bytes, limits)?;
                let #headers_binding = RequestHeaders::default();
                #header_loop
                let body = envelope.body()?;
                let request = match (body.namespace(), body.local_name()) {
                    #(#body_arms)*
                    (namespace, local) => {
                        return ::core::result::Result::Err(
                            ::mktows_runtime::server::RequestError::unknown_body(namespace, local),
                        );
                    }
                };
                envelope.finish()?;
                ::mktows_runtime::server::check_soap_action(soap_action, request.operation())?;
                ::core::result::Result::Ok(DecodedRequest { headers, request })
            }

            /// One method per operation. Return a [`mktows_runtime::soap::SoapFault`] to answer
            /// with a SOAP Fault.
            pub trait Service: ::core::marker::Send + ::core::marker::Sync {
                #(#trait_methods)*
            }

            /// Calls the `service` method for `request`.
            pub async fn handle<S: Service>(
                service: &S,
                request: DecodedRequest,
            ) -> ::core::result::Result<Response, ::mktows_runtime::soap::SoapFault> {
                match request.request {
                    #(#handle_arms)*
                }
            }
        }
    }
}
