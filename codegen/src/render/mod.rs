//! Emits Rust code (as token streams) from the model: the types, and one client per port.

mod client;
mod json;
mod server;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

pub(crate) use client::{render_clients, ClientOp as ClientOpBuilder, HeaderArg, PortClient};
pub(crate) use json::render_json;
pub(crate) use server::render_servers;
pub(crate) use types::render_types;

use crate::model::{Model, TypeRef};

/// Shared state while rendering one module.
pub(crate) struct Ctx {
    /// The runtime crate's path, e.g. `::wsclient`.
    pub rt: TokenStream,
    /// Namespace URI (empty for none) and the name of the `const` holding it, in the order
    /// first used, which is also the order of their numbers.
    namespaces: Vec<(String, Ident)>,
}

impl Ctx {
    pub(crate) fn new(rt: TokenStream) -> Self {
        Self {
            rt,
            namespaces: Vec::new(),
        }
    }

    /// The name of the `const` holding an element or attribute namespace (`NO_NS` for none).
    pub(crate) fn ns(&mut self, ns: &Option<String>) -> TokenStream {
        let key = ns.as_deref().unwrap_or_default();
        if let Some((_, ident)) = self.namespaces.iter().find(|(uri, _)| uri == key) {
            return quote!(#ident);
        }
        let ident = if key.is_empty() {
            format_ident!("NO_NS")
        } else {
            let next = self
                .namespaces
                .iter()
                .filter(|(uri, _)| !uri.is_empty())
                .count()
                + 1;
            format_ident!("NS{}", next)
        };
        self.namespaces.push((key.to_owned(), ident.clone()));
        quote!(#ident)
    }

    /// The module's preamble: the runtime imports and a `const` per namespace used.
    pub(crate) fn preamble(&self, with_clients: bool) -> TokenStream {
        let rt = &self.rt;
        let mut namespaces: Vec<&(String, Ident)> = self.namespaces.iter().collect();
        namespaces.sort_by_key(|(uri, _)| !uri.is_empty());
        let items = namespaces.into_iter().map(|(uri, ident)| {
            if uri.is_empty() {
                quote! {
                    /// No namespace: for unqualified elements and attributes.
                    pub const #ident: Option<&str> = None;
                }
            } else {
                let doc = format!(" XML namespace `{uri}`.");
                quote! {
                    #[doc = #doc]
                    pub const #ident: Option<&str> = Some(#uri);
                }
            }
        });
        let uses = if with_clients {
            quote!(use #rt::{soap, xml};)
        } else {
            quote!(use #rt::xml;)
        };
        quote!(#uses #(#items)*)
    }

    /// The Rust type for a schema type reference.
    pub(crate) fn ty(&self, model: &Model<'_>, t: &TypeRef) -> TokenStream {
        match t {
            TypeRef::Builtin { path, .. } => path.parse().unwrap_or_else(|_| quote!(String)),
            TypeRef::Def(i) => {
                let ident = Ident::new(&model.defs[*i].rust_name, Span::call_site());
                quote!(#ident)
            }
            TypeRef::List(inner) => {
                let inner = self.ty(model, inner);
                quote!(xml::List<#inner>)
            }
        }
    }
}

/// A schema type's name for documentation.
pub(crate) fn xsd_name(model: &Model<'_>, t: &TypeRef) -> String {
    match t {
        TypeRef::Builtin { xsd, .. } => xsd.clone(),
        TypeRef::Def(i) => model.defs[*i].xml_name.clone(),
        TypeRef::List(inner) => format!("list of {}", xsd_name(model, inner)),
    }
}

/// Documentation text made safe for rustdoc: lines trimmed (no accidental code blocks),
/// brackets escaped (no broken intra-doc links), angle brackets as entities (no stray HTML).
pub(crate) fn clean_doc(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
        .replace("http://", "http&#58;//")
        .replace("https://", "https&#58;//")
}

/// `#[doc = ...]` attributes: the schema's own documentation first, then the generated lines.
pub(crate) fn docs(schema_docs: &[String], generated: &[String]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for block in schema_docs
        .iter()
        .map(|d| clean_doc(d))
        .filter(|d| !d.is_empty())
    {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(block);
    }
    if !lines.is_empty() && !generated.is_empty() {
        lines.push(String::new());
    }
    lines.extend(generated.iter().cloned());
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// An identifier from a name the model already made valid.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}
