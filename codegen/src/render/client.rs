//! Emits one client type per SOAP port, with one `async fn` per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, xsd_name, Ctx};
use crate::model::{Model, TypeRef};
use crate::wsdl::{QName, SoapVersion};

/// One operation of a port, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct ClientOp {
    pub name: String,
    pub rust_name: String,
    pub documentation: Option<String>,
    pub soap_action: String,
    /// Whether the binding uses rpc style (the body elements are generated wrappers).
    pub rpc: bool,
    pub input: (QName, TypeRef),
    pub output: Option<(QName, TypeRef)>,
    /// The SOAP headers the request carries, one method argument each.
    pub headers: Vec<HeaderArg>,
    /// The headers declared for the response (`part of message`), which are not read.
    pub response_headers: Vec<String>,
    /// Names of the faults the port type declares for the operation.
    pub faults: Vec<String>,
}

/// A SOAP header of a request: a message part bound with `soap:header`.
#[derive(Debug, Clone)]
pub(crate) struct HeaderArg {
    /// The method argument (named after the part).
    pub rust_name: String,
    /// The header element.
    pub element: QName,
    pub ty: TypeRef,
}

/// One SOAP port, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct PortClient {
    pub rust_name: String,
    pub service: String,
    pub service_docs: Option<String>,
    pub port: String,
    pub binding: String,
    pub version: SoapVersion,
    pub address: Option<String>,
    pub port_type_docs: Option<String>,
    pub operations: Vec<ClientOp>,
}

fn field(ctx: &mut Ctx, q: &QName) -> TokenStream {
    let ns = ctx.ns(&(!q.ns.is_empty()).then(|| q.ns.clone()));
    let name = &q.name;
    quote!(xml::Field::new(#ns, #name))
}

/// The client types of every port.
pub(crate) fn render_clients(
    ctx: &mut Ctx,
    model: &Model<'_>,
    ports: &[PortClient],
) -> TokenStream {
    let items: Vec<TokenStream> = ports.iter().map(|p| render_port(ctx, model, p)).collect();
    quote!(#(#items)*)
}

fn render_port(ctx: &mut Ctx, model: &Model<'_>, port: &PortClient) -> TokenStream {
    let rt = ctx.rt.clone();
    let name = ident(&port.rust_name);
    let (version, version_text) = match port.version {
        SoapVersion::V11 => (quote!(soap::SoapVersion::V11), "SOAP 1.1"),
        SoapVersion::V12 => (quote!(soap::SoapVersion::V12), "SOAP 1.2"),
    };
    let mut generated = vec![
        if port.service.is_empty() {
            format!(
                "Client for binding `{}` ({version_text}), which no port of the WSDL uses: \
                 give the endpoint to the `SoapClient`.",
                port.binding
            )
        } else {
            format!(
                "Client for port `{}` of service `{}` (binding `{}`, {version_text}).",
                port.port, port.service, port.binding
            )
        },
        String::new(),
        "Cheap to clone; clones share one HTTP connection pool and cookie store.".into(),
    ];
    if let Some(a) = &port.address {
        generated.push(String::new());
        generated.push(format!("The WSDL's endpoint: `{a}`."));
    }
    let service_docs: Vec<String> = port
        .service_docs
        .iter()
        .chain(port.port_type_docs.iter())
        .cloned()
        .collect();
    let type_docs = docs(&service_docs, &generated);

    let default_endpoint = port.address.as_ref().map(|a| {
        quote! {
            /// The endpoint address the WSDL gives for this port.
            pub const DEFAULT_ENDPOINT: &'static str = #a;

            /// A client for [`Self::DEFAULT_ENDPOINT`] with default settings.
            pub fn with_default_endpoint() -> Result<Self, #rt::Error> {
                Ok(Self::new(soap::SoapClient::builder(Self::DEFAULT_ENDPOINT).build()?))
            }
        }
    });

    let methods: Vec<TokenStream> = port
        .operations
        .iter()
        .map(|op| {
            let method = ident(&op.rust_name);
            let op_name = &op.name;
            let action = &op.soap_action;
            let req_ty = ctx.ty(model, &op.input.1);
            let input = field(ctx, &op.input.0);
            let action_text = if op.soap_action.is_empty() {
                "no SOAP action".to_owned()
            } else {
                format!("SOAP action `{}`", op.soap_action)
            };
            let style = if op.rpc { ", rpc style" } else { "" };
            let mut lines = vec![
                format!(
                    "Operation `{}` ({version_text}{style}, {action_text}).",
                    op.name
                ),
                String::new(),
                format!(
                    "Sends element `{}` ({}).",
                    op.input.0,
                    xsd_name(model, &op.input.1)
                ),
            ];
            for h in &op.headers {
                lines.push(format!(
                    "Sends `{}` as the SOAP header `{}` ({}).",
                    h.rust_name,
                    h.element,
                    xsd_name(model, &h.ty)
                ));
            }
            let header_params: Vec<TokenStream> = op
                .headers
                .iter()
                .map(|h| {
                    let arg = ident(&h.rust_name);
                    let ty = ctx.ty(model, &h.ty);
                    quote!(#arg: &#ty)
                })
                .collect();
            let header_values: Vec<TokenStream> = op
                .headers
                .iter()
                .map(|h| {
                    let arg = ident(&h.rust_name);
                    let f = field(ctx, &h.element);
                    quote!((#f, #arg as &dyn xml::ToXml))
                })
                .collect();
            let (output_field, ret, call) = match (&op.output, op.headers.is_empty()) {
                (Some((q, t)), headers_empty) => {
                    lines.push(format!("Returns element `{q}` ({}).", xsd_name(model, t)));
                    let f = field(ctx, q);
                    let ty = ctx.ty(model, t);
                    let call = if headers_empty {
                        quote!(self.client.call(&OPERATION, request).await)
                    } else {
                        // The call is made before it is awaited, so that the future does not
                        // hold the headers (`&dyn ToXml` is not `Send`).
                        quote! {
                            let call = self.client
                                .call_with_headers(&OPERATION, &[#(#header_values),*], request);
                            call.await
                        }
                    };
                    (quote!(Some(#f)), ty, call)
                }
                (None, headers_empty) => {
                    lines.push("One-way: the service sends no answer.".into());
                    let call = if headers_empty {
                        quote!(self.client.call_one_way(&OPERATION, request).await)
                    } else {
                        quote! {
                            let call = self.client
                                .call_one_way_with_headers(&OPERATION, &[#(#header_values),*], request);
                            call.await
                        }
                    };
                    (quote!(None), quote!(()), call)
                }
            };
            if !op.response_headers.is_empty() {
                lines.push(format!(
                    "The SOAP headers declared for the response ({}) are not read.",
                    op.response_headers.join(", ")
                ));
            }
            if !op.faults.is_empty() {
                lines.push(format!("Declared faults: {}.", op.faults.join(", ")));
            }
            lines.push(String::new());
            lines.push(
                "A SOAP fault comes back as `Error::Fault`, a transport or HTTP failure as the \
                 matching `Error` variant."
                    .into(),
            );
            let op_docs: Vec<String> = op.documentation.iter().cloned().collect();
            let d = docs(&op_docs, &lines);
            // A request or header that is a plain string element is taken as `&String`, the
            // type that implements `ToXml`.
            let is_string = |t: &TypeRef| matches!(t, TypeRef::Builtin { path: "String", .. });
            let allow = (is_string(&op.input.1) || op.headers.iter().any(|h| is_string(&h.ty)))
                .then(|| quote!(#[allow(clippy::ptr_arg)]));
            quote! {
                #d
                #allow
                pub async fn #method(&self, request: &#req_ty #(, #header_params)*) -> Result<#ret, #rt::Error> {
                    const OPERATION: soap::Operation = soap::Operation {
                        name: #op_name,
                        soap_action: #action,
                        version: #version,
                        input: #input,
                        output: #output_field,
                    };
                    #call
                }
            }
        })
        .collect();

    quote! {
        #type_docs
        #[derive(Debug, Clone)]
        pub struct #name {
            client: soap::SoapClient,
        }
        impl #name {
            /// Wraps a SOAP client, which holds the endpoint, timeouts and cookies.
            pub fn new(client: soap::SoapClient) -> Self {
                Self { client }
            }

            /// The SOAP client this port client sends through.
            pub fn soap_client(&self) -> &soap::SoapClient {
                &self.client
            }

            #default_endpoint

            #(#methods)*
        }
    }
}
