//! Emits the server side of the ports: per port type, a trait with one async method per
//! operation and a dispatcher that serves an implementation of it over SOAP 1.1 and 1.2 (through
//! the runtime's `server` module).
//!
//! The ports of a service that bind the same port type (an ASP.NET service's `...Soap` and
//! `...Soap12` ports) share one trait and one dispatcher, which answers in the SOAP version of
//! each request. Everything is emitted inside a `server` submodule, so that its names never
//! collide with the schema's types; the submodule can be gated on a cargo feature.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, xsd_name, Ctx, PortClient};
use crate::model::Model;
use crate::naming::{self, Scope};
use crate::wsdl::{Definitions, QName, SoapVersion};

/// The ports that bind one port type, with the operations of the trait.
struct Group<'p> {
    service: String,
    port_type: String,
    ports: Vec<&'p PortClient>,
}

/// The port type bound by `port`, as named in the WSDL.
fn port_type_of(defs: &Definitions, port: &PortClient) -> String {
    defs.services
        .iter()
        .filter(|s| s.name == port.service)
        .flat_map(|s| s.ports.iter())
        .find(|p| p.name == port.port)
        .and_then(|p| defs.binding(&p.binding))
        .map(|b| b.port_type.name.clone())
        .unwrap_or_else(|| port.binding.clone())
}

fn field(ctx: &mut Ctx, q: &QName) -> TokenStream {
    let ns = ctx.ns(&(!q.ns.is_empty()).then(|| q.ns.clone()));
    let name = &q.name;
    let rt = &ctx.rt;
    quote!(#rt::xml::Field::new(#ns, #name))
}

/// The `server` submodule for every port type of the WSDL (nothing when it has no port).
/// `feature` gates the submodule with `#[cfg(feature = "...")]`.
pub(crate) fn render_servers(
    ctx: &mut Ctx,
    model: &Model<'_>,
    ports: &[PortClient],
    defs: &Definitions,
    feature: Option<&str>,
) -> TokenStream {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for port in ports {
        let port_type = port_type_of(defs, port);
        match groups
            .iter_mut()
            .find(|g| g.service == port.service && g.port_type == port_type)
        {
            Some(g) => g.ports.push(port),
            None => groups.push(Group {
                service: port.service.clone(),
                port_type,
                ports: vec![port],
            }),
        }
    }
    if groups.is_empty() {
        return TokenStream::new();
    }
    let mut names = Scope::default();
    let items: Vec<TokenStream> = groups
        .iter()
        .map(|g| {
            let base = naming::type_name(&g.port_type);
            let trait_name = names.claim(format!("{base}Service"));
            let dispatcher = names.claim(format!("{base}Dispatcher"));
            let table = names.claim(format!("{}_OPERATIONS", base.to_uppercase()));
            render_group(ctx, model, g, &trait_name, &dispatcher, &table)
        })
        .collect();
    let cfg = feature.map(|f| quote!(#[cfg(feature = #f)]));
    quote! {
        #cfg
        /// The server side of the ports: a trait per port type, with one async method per
        /// operation, and a dispatcher that serves an implementation over SOAP 1.1 and 1.2.
        pub mod server {
            #[allow(unused_imports)]
            use super::*;
            #(#items)*
        }
    }
}

fn render_group(
    ctx: &mut Ctx,
    model: &Model<'_>,
    group: &Group<'_>,
    trait_name: &str,
    dispatcher_name: &str,
    table_name: &str,
) -> TokenStream {
    let rt = ctx.rt.clone();
    let trait_ident = ident(trait_name);
    let dispatcher = ident(dispatcher_name);
    let table = ident(table_name);

    // The trait's methods: one per operation name, in the order first met.
    let mut methods: Vec<&super::ClientOpBuilder> = Vec::new();
    for port in &group.ports {
        for op in &port.operations {
            if !methods.iter().any(|m| m.name == op.name) {
                methods.push(op);
            }
        }
    }

    let versions: Vec<&str> = group
        .ports
        .iter()
        .map(|p| match p.version {
            SoapVersion::V11 => "SOAP 1.1",
            SoapVersion::V12 => "SOAP 1.2",
        })
        .collect();
    let port_names: Vec<String> = group
        .ports
        .iter()
        .map(|p| format!("`{}`", p.port))
        .collect();

    let trait_methods: Vec<TokenStream> = methods
        .iter()
        .map(|op| {
            let method = ident(&op.rust_name);
            let req_ty = ctx.ty(model, &op.input.1);
            let ret = match &op.output {
                Some((_, t)) => ctx.ty(model, t),
                None => quote!(()),
            };
            // "element `{ns}x` (type `{ns}X`)", without repeating an anonymous type's element.
            let element = |q: &QName, t: &crate::model::TypeRef| {
                let ty = xsd_name(model, t);
                if ty == format!("element `{q}`") {
                    format!("element `{q}`")
                } else {
                    format!("element `{q}` ({ty})")
                }
            };
            let mut lines = vec![
                format!("Operation `{}`.", op.name),
                String::new(),
                format!("Receives {}.", element(&op.input.0, &op.input.1)),
            ];
            match &op.output {
                Some((q, t)) => lines.push(format!("Answers with {}.", element(q, t))),
                None => lines.push("One-way: the answer is an empty HTTP 202.".into()),
            }
            lines.push(String::new());
            lines.push("An `Err` is sent as a SOAP fault in the version of the request.".into());
            let op_docs: Vec<String> = op.documentation.iter().cloned().collect();
            let d = docs(&op_docs, &lines);
            quote! {
                #d
                fn #method(
                    &self,
                    context: &mut #rt::server::CallContext,
                    request: #req_ty,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#ret, #rt::server::ServerFault>,
                > + Send;
            }
        })
        .collect();

    let mut specs = Vec::new();
    for port in &group.ports {
        let version = match port.version {
            SoapVersion::V11 => quote!(#rt::soap::SoapVersion::V11),
            SoapVersion::V12 => quote!(#rt::soap::SoapVersion::V12),
        };
        for op in &port.operations {
            let index = methods.iter().position(|m| m.name == op.name).unwrap_or(0);
            let name = &op.name;
            let action = &op.soap_action;
            let input = field(ctx, &op.input.0);
            let output = match &op.output {
                Some((q, _)) => {
                    let f = field(ctx, q);
                    quote!(Some(#f))
                }
                None => quote!(None),
            };
            specs.push(quote! {
                #rt::server::OperationSpec {
                    name: #name,
                    soap_action: #action,
                    version: #version,
                    input: #input,
                    output: #output,
                    method: #index,
                }
            });
        }
    }

    let arms: Vec<TokenStream> = methods
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let method = ident(&op.rust_name);
            let req_ty = ctx.ty(model, &op.input.1);
            let body = if op.output.is_some() {
                quote! {
                    let output = self.service.#method(context, input).await?;
                    call.reply(&output)
                }
            } else {
                quote! {
                    self.service.#method(context, input).await?;
                    call.reply_empty()
                }
            };
            quote! {
                #i => ::std::boxed::Box::pin(async move {
                    let input: #req_ty = call.read()?;
                    #body
                }),
            }
        })
        .collect();

    let trait_doc = docs(
        &[],
        &[
            format!(
                "The operations of port type `{}` of service `{}`, for a server to implement.",
                group.port_type, group.service
            ),
            String::new(),
            format!(
                "Serve an implementation with [`{dispatcher_name}`], which answers the port{} {} ({}).",
                if group.ports.len() > 1 { "s" } else { "" },
                port_names.join(", "),
                versions.join(" and ")
            ),
        ],
    );
    let dispatcher_doc = docs(
        &[],
        &[
            format!(
                "Serves a [`{trait_name}`] over HTTP: hand it to the runtime's server, which routes \
                 each request to an operation by its SOAP action or, without one, by the element \
                 in its `Body`, and answers in the request's SOAP version."
            ),
            String::new(),
            "Cheap to clone: clones share the service.".into(),
        ],
    );
    let table_doc =
        format!(" The operations [`{dispatcher_name}`] serves, one per binding operation.");

    quote! {
        #trait_doc
        pub trait #trait_ident: Send + Sync + 'static {
            #(#trait_methods)*
        }

        #[doc = #table_doc]
        pub const #table: &[#rt::server::OperationSpec] = &[#(#specs),*];

        #dispatcher_doc
        pub struct #dispatcher<S> {
            service: ::std::sync::Arc<S>,
        }

        impl<S> #dispatcher<S> {
            /// A dispatcher for `service`.
            pub fn new(service: S) -> Self {
                Self { service: ::std::sync::Arc::new(service) }
            }

            /// A dispatcher for a service shared with other owners.
            pub fn from_arc(service: ::std::sync::Arc<S>) -> Self {
                Self { service }
            }

            /// The service this dispatcher calls.
            pub fn service(&self) -> &::std::sync::Arc<S> {
                &self.service
            }
        }

        impl<S> ::core::clone::Clone for #dispatcher<S> {
            fn clone(&self) -> Self {
                Self { service: ::std::sync::Arc::clone(&self.service) }
            }
        }

        impl<S> ::core::fmt::Debug for #dispatcher<S> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#dispatcher_name)
                    .field("operations", &#table.len())
                    .finish_non_exhaustive()
            }
        }

        impl<S: #trait_ident> #rt::server::SoapHandler for #dispatcher<S> {
            fn operations(&self) -> &'static [#rt::server::OperationSpec] {
                #table
            }

            fn call<'a>(
                &'a self,
                method: usize,
                call: #rt::server::SoapRequest<'a>,
                context: &'a mut #rt::server::CallContext,
            ) -> #rt::server::BoxFuture<
                'a,
                ::core::result::Result<#rt::server::SoapReply, #rt::server::ServerFault>,
            > {
                match method {
                    #(#arms)*
                    _ => ::std::boxed::Box::pin(async move {
                        let _ = (call, context);
                        Err(#rt::server::ServerFault::server("no such operation"))
                    }),
                }
            }
        }
    }
}
