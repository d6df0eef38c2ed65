//! Emits JSON conversions for the generated types (`FromJson` / `ToJson` of the runtime's `json`
//! module) and, per port client, a table of its operations with a call that takes and gives
//! JSON (`JsonPort`), for tools that call any operation by name.
//!
//! JSON objects use the XML names: element and attribute names as keys, `$value` for the text
//! of a type with simple content, `$any` for the elements an `xs:any` keeps. The alternatives of
//! a choice appear as keys of the object that holds the choice; a repeated choice is an array of
//! one-key objects under the field's Rust name. Reading is strict: unknown keys, missing
//! required values and values an enumeration does not list are errors that name the path.
//! Everything is emitted inside a `json` submodule, which can be gated on a cargo feature.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, PortClient};
use crate::model::{Def, DefKind, Member, Model, Occurs, TypeRef};

/// Whether a value is shown as `<redacted>`: named like a secret, and not an enumeration.
fn is_secret(model: &Model<'_>, named_like_secret: bool, ty: &TypeRef) -> bool {
    named_like_secret
        && !matches!(ty, TypeRef::Def(d) if matches!(model.defs[*d].kind, DefKind::Enum { .. }))
}

/// The local name inside a `Def::xml_name` such as ``type `{ns}name` ``.
fn local_name(def: &Def) -> String {
    let inner = def
        .xml_name
        .split('`')
        .nth(1)
        .unwrap_or(def.xml_name.as_str());
    match inner.rfind('}') {
        Some(i) => inner[i + 1..].to_owned(),
        None => inner.to_owned(),
    }
}

/// A short description of a type, for argument summaries.
fn type_text(model: &Model<'_>, t: &TypeRef) -> String {
    match t {
        TypeRef::Builtin { xsd, .. } => xsd.trim_start_matches("xs:").to_owned(),
        TypeRef::List(inner) => format!("list of {}", type_text(model, inner)),
        TypeRef::Def(i) => {
            let def = &model.defs[*i];
            match &def.kind {
                DefKind::Enum { values } if values.len() <= 8 => format!(
                    "{} ({})",
                    local_name(def),
                    values
                        .iter()
                        .map(|v| v.value.as_str())
                        .collect::<Vec<_>>()
                        .join("|")
                ),
                DefKind::Enum { values } => {
                    format!("{} (one of {} values)", local_name(def), values.len())
                }
                _ => local_name(def),
            }
        }
    }
}

/// The `json` submodule: conversions for every type, and the operation table of every port.
pub(crate) fn render_json(
    ctx: &super::Ctx,
    model: &Model<'_>,
    ports: &[PortClient],
    feature: Option<&str>,
) -> TokenStream {
    let rt = &ctx.rt;
    let mut items = Vec::new();
    for def in &model.defs {
        items.push(match &def.kind {
            DefKind::Struct {
                attributes,
                members,
                text,
            } => render_struct(ctx, model, def, attributes, members, text.is_some()),
            DefKind::Enum { .. } => render_enum(ctx, def),
            DefKind::Choice { alts } => render_choice(ctx, model, def, alts),
            DefKind::Derived { variants } => render_derived(ctx, model, def, variants),
        });
    }
    for port in ports {
        items.push(render_port(ctx, model, port));
    }
    let cfg = feature.map(|f| quote!(#[cfg(feature = #f)]));
    quote! {
        #cfg
        /// JSON conversions of the types (keys are the XML names) and, per port client, its
        /// operations called with JSON arguments.
        pub mod json {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use #rt::json::{FromJson as _, ToJson as _};
            #(#items)*
        }
    }
}

/// Claims `wanted` as a JSON key, or `fallback` when another member already has it.
fn claim(keys: &mut BTreeSet<String>, wanted: &str, fallback: &str) -> String {
    let key = if keys.contains(wanted) {
        fallback.to_owned()
    } else {
        wanted.to_owned()
    };
    keys.insert(key.clone());
    key
}

fn render_struct(
    ctx: &super::Ctx,
    model: &Model<'_>,
    def: &Def,
    attributes: &[crate::model::AttributeField],
    members: &[Member],
    has_text: bool,
) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&def.rust_name);
    let mut keys = BTreeSet::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    if has_text {
        let key = claim(&mut keys, "$value", "value");
        reads.push(quote!(value: #rt::json::required(object, path, #key)?,));
        writes.push(quote!(#rt::json::put(&mut map, #key, &self.value, options);));
    }
    for a in attributes {
        let f = ident(&a.rust_name);
        let key = claim(&mut keys, &a.xml_name, &a.rust_name);
        let secret = is_secret(model, a.secret, &a.ty);
        if a.required {
            reads.push(quote!(#f: #rt::json::required(object, path, #key)?,));
            writes.push(if secret {
                quote!(#rt::json::put_secret(&mut map, #key, &self.#f, options);)
            } else {
                quote!(#rt::json::put(&mut map, #key, &self.#f, options);)
            });
        } else {
            reads.push(quote!(#f: #rt::json::optional(object, path, #key)?,));
            writes.push(if secret {
                quote!(#rt::json::put_optional_secret(&mut map, #key, &self.#f, options);)
            } else {
                quote!(#rt::json::put_optional(&mut map, #key, &self.#f, options);)
            });
        }
    }
    for m in members {
        match m {
            Member::Element(el) => {
                let f = ident(&el.rust_name);
                let key = claim(&mut keys, &el.xml_name, &el.rust_name);
                let secret = is_secret(model, el.secret, &el.ty);
                let (read, write) = match (el.occurs, el.nillable) {
                    (Occurs::One, false) => (quote!(required), quote!(put)),
                    (Occurs::One, true) => (quote!(required_nillable), quote!(put)),
                    (Occurs::Optional, false) => (quote!(optional), quote!(put_optional)),
                    (Occurs::Optional, true) => (quote!(optional_nillable), quote!(put_optional)),
                    (Occurs::Many, false) => (quote!(repeated), quote!(put_repeated)),
                    (Occurs::Many, true) => (quote!(repeated_nillable), quote!(put_repeated)),
                };
                reads.push(quote!(#f: #rt::json::#read(object, path, #key)?,));
                writes.push(if secret {
                    match el.occurs {
                        Occurs::One => {
                            quote!(#rt::json::put_secret(&mut map, #key, &self.#f, options);)
                        }
                        Occurs::Optional => quote!(
                            #rt::json::put_optional_secret(&mut map, #key, &self.#f, options);
                        ),
                        Occurs::Many => quote!(
                            #rt::json::put_repeated_secret(&mut map, #key, &self.#f, options);
                        ),
                    }
                } else {
                    quote!(#rt::json::#write(&mut map, #key, &self.#f, options);)
                });
            }
            Member::Choice {
                def: choice,
                occurs,
                rust_name,
                ..
            } => {
                let f = ident(rust_name);
                let DefKind::Choice { alts } = &model.defs[*choice].kind else {
                    continue;
                };
                match occurs {
                    Occurs::Many => {
                        let key = claim(&mut keys, rust_name, &format!("${rust_name}"));
                        reads.push(quote!(#f: #rt::json::repeated(object, path, #key)?,));
                        writes.push(
                            quote!(#rt::json::put_repeated(&mut map, #key, &self.#f, options);),
                        );
                    }
                    Occurs::One | Occurs::Optional => {
                        let alt_keys: Vec<String> = alts
                            .iter()
                            .map(|a| {
                                keys.insert(a.xml_name.clone());
                                a.xml_name.clone()
                            })
                            .collect();
                        if *occurs == Occurs::One {
                            reads.push(quote!(
                                #f: #rt::json::choice_required(object, path, &[#(#alt_keys),*])?,
                            ));
                            writes.push(quote!(#rt::json::merge(&mut map, &self.#f, options);));
                        } else {
                            reads.push(quote!(
                                #f: #rt::json::choice_optional(object, path, &[#(#alt_keys),*])?,
                            ));
                            writes.push(quote! {
                                if let Some(c) = &self.#f { #rt::json::merge(&mut map, c, options); }
                            });
                        }
                    }
                }
            }
            Member::Any { rust_name } => {
                let f = ident(rust_name);
                let key = claim(&mut keys, "$any", rust_name);
                reads.push(quote!(#f: #rt::json::repeated(object, path, #key)?,));
                writes.push(quote!(#rt::json::put_repeated(&mut map, #key, &self.#f, options);));
            }
        }
    }
    let all_keys: Vec<&String> = keys.iter().collect();
    let map_mut = if writes.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    let options_param = if writes.is_empty() {
        quote!(_options)
    } else {
        quote!(options)
    };
    quote! {
        impl #rt::json::FromJson for #name {
            fn from_json(
                value: &#rt::json::Value,
                path: &str,
            ) -> ::core::result::Result<Self, #rt::json::JsonError> {
                let object = #rt::json::object(value, path, &[#(#all_keys),*])?;
                let _ = &object;
                Ok(Self { #(#reads)* })
            }
        }
        impl #rt::json::ToJson for #name {
            fn to_json(&self, #options_param: &#rt::json::JsonOptions) -> #rt::json::Value {
                let #map_mut map = #rt::json::Map::new();
                #(#writes)*
                #rt::json::Value::Object(map)
            }
        }
    }
}

fn render_enum(ctx: &super::Ctx, def: &Def) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&def.rust_name);
    quote! {
        impl #rt::json::FromJson for #name {
            fn from_json(
                value: &#rt::json::Value,
                path: &str,
            ) -> ::core::result::Result<Self, #rt::json::JsonError> {
                let text = #rt::json::enum_text(
                    value,
                    path,
                    &Self::VALUES.iter().map(Self::as_str).collect::<Vec<_>>(),
                )?;
                Ok(Self::from(text.as_str()))
            }
        }
        impl #rt::json::ToJson for #name {
            fn to_json(&self, _options: &#rt::json::JsonOptions) -> #rt::json::Value {
                #rt::json::Value::String(self.as_str().to_owned())
            }
        }
    }
}

fn render_choice(
    ctx: &super::Ctx,
    model: &Model<'_>,
    def: &Def,
    alts: &[crate::model::ChoiceAlt],
) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&def.rust_name);
    let mut keys: Vec<&str> = alts.iter().map(|a| a.xml_name.as_str()).collect();
    let mut reads: Vec<TokenStream> = alts
        .iter()
        .map(|a| {
            let var = ident(&a.variant);
            let key = &a.xml_name;
            quote!(#key => Ok(Self::#var(#rt::json::FromJson::from_json(value, &child)?)),)
        })
        .collect();
    // An `xs:any` alternative: the raw XML under `$any`.
    if def.open {
        keys.push("$any");
        reads.push(
            quote!("$any" => Ok(Self::Other(#rt::json::FromJson::from_json(value, &child)?)),),
        );
    }
    let other = def
        .open
        .then(|| quote!(Self::Other(v) => #rt::json::put(&mut map, "$any", v, options),));
    let writes = alts.iter().map(|a| {
        let var = ident(&a.variant);
        let key = &a.xml_name;
        if is_secret(model, a.secret, &a.ty) {
            quote!(Self::#var(v) => #rt::json::put_secret(&mut map, #key, v, options),)
        } else {
            quote!(Self::#var(v) => #rt::json::put(&mut map, #key, v, options),)
        }
    });
    let write_body = if alts.is_empty() && !def.open {
        quote!(let _ = options;)
    } else {
        quote!(match self { #(#writes)* #other })
    };
    quote! {
        impl #rt::json::FromJson for #name {
            fn from_json(
                value: &#rt::json::Value,
                path: &str,
            ) -> ::core::result::Result<Self, #rt::json::JsonError> {
                let (key, value) = #rt::json::single_key(value, path, &[#(#keys),*])?;
                let child = #rt::json::child_path(path, key);
                match key {
                    #(#reads)*
                    _ => Err(#rt::json::JsonError::new(path, "no alternative of the choice")),
                }
            }
        }
        impl #rt::json::ToJson for #name {
            fn to_json(&self, options: &#rt::json::JsonOptions) -> #rt::json::Value {
                let mut map = #rt::json::Map::new();
                #write_body
                #rt::json::Value::Object(map)
            }
        }
    }
}

/// One line per top-level argument of an operation: `name: type`, `?` for optional, `[]` for
/// repeated.
fn arguments(model: &Model<'_>, t: &TypeRef) -> String {
    let TypeRef::Def(i) = t else {
        return format!("(the element's text: {})", type_text(model, t));
    };
    let DefKind::Struct {
        attributes,
        members,
        text,
    } = &model.defs[*i].kind
    else {
        return format!("(the element's value: {})", type_text(model, t));
    };
    let mut out = Vec::new();
    if let Some(t) = text {
        out.push(format!("$value: {}", type_text(model, t)));
    }
    for a in attributes {
        out.push(format!(
            "{}{}: {}",
            a.xml_name,
            if a.required { "" } else { "?" },
            type_text(model, &a.ty)
        ));
    }
    for m in members {
        match m {
            Member::Element(el) => {
                let mark = match el.occurs {
                    Occurs::One => "",
                    Occurs::Optional => "?",
                    Occurs::Many => "[]",
                };
                out.push(format!(
                    "{}{mark}: {}{}",
                    el.xml_name,
                    type_text(model, &el.ty),
                    if is_secret(model, el.secret, &el.ty) {
                        " (secret)"
                    } else {
                        ""
                    }
                ));
            }
            Member::Choice { def, .. } => {
                if let DefKind::Choice { alts } = &model.defs[*def].kind {
                    let names: Vec<&str> = alts.iter().map(|a| a.xml_name.as_str()).collect();
                    out.push(format!("one of: {}", names.join(" | ")));
                }
            }
            Member::Any { .. } => out.push("$any[]: raw XML".into()),
        }
    }
    out.join("\n")
}

fn render_port(ctx: &super::Ctx, model: &Model<'_>, port: &PortClient) -> TokenStream {
    let rt = &ctx.rt;
    let client = ident(&port.rust_name);
    let infos = port.operations.iter().map(|op| {
        let name = &op.name;
        let docs = op
            .documentation
            .as_deref()
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        let args = arguments(model, &op.input.1);
        let output = op
            .output
            .as_ref()
            .map(|(q, _)| q.name.clone())
            .unwrap_or_default();
        quote! {
            #rt::json::OperationInfo {
                name: #name,
                documentation: #docs,
                arguments: #args,
                output: #output,
            }
        }
    });
    let arms = port.operations.iter().map(|op| {
        let name = &op.name;
        let method = ident(&op.rust_name);
        let req_ty = ctx.ty(model, &op.input.1);
        // The SOAP headers the operation sends: an object under `$headers` in the arguments,
        // keyed by the header elements' names.
        let header_args: Vec<_> = op.headers.iter().map(|h| ident(&h.rust_name)).collect();
        let header_keys: Vec<&str> = op.headers.iter().map(|h| h.element.name.as_str()).collect();
        let header_types: Vec<_> = op.headers.iter().map(|h| ctx.ty(model, &h.ty)).collect();
        let read_headers = (!op.headers.is_empty()).then(|| {
            quote! {
                let mut arguments = arguments.clone();
                let headers = match &mut arguments {
                    #rt::json::Value::Object(map) => map.remove("$headers"),
                    _ => None,
                }
                .unwrap_or_else(|| #rt::json::Value::Object(#rt::json::Map::new()));
                let headers = #rt::json::object(&headers, "$headers", &[#(#header_keys),*])?;
                #(let #header_args: #header_types = #rt::json::required(headers, "$headers", #header_keys)?;)*
                let arguments = &arguments;
            }
        });
        let answer = if op.output.is_some() {
            quote! {
                let response = self.#method(&request #(, &#header_args)*).await?;
                Ok(#rt::json::ToJson::to_json(&response, options))
            }
        } else {
            quote! {
                self.#method(&request #(, &#header_args)*).await?;
                Ok(#rt::json::Value::Null)
            }
        };
        quote! {
            #name => {
                #read_headers
                let request: #req_ty = #rt::json::FromJson::from_json(arguments, "")?;
                #answer
            }
        }
    });
    quote! {
        impl #rt::json::JsonPort for #client {
            const OPERATIONS: &'static [#rt::json::OperationInfo] = &[#(#infos),*];

            fn call_json<'a>(
                &'a self,
                operation: &'a str,
                arguments: &'a #rt::json::Value,
                options: &'a #rt::json::JsonOptions,
            ) -> #rt::json::BoxFuture<
                'a,
                ::core::result::Result<#rt::json::Value, #rt::json::CallError>,
            > {
                ::std::boxed::Box::pin(async move {
                    let _ = (arguments, options);
                    match operation {
                        #(#arms)*
                        _ => Err(#rt::json::CallError::UnknownOperation(operation.to_owned())),
                    }
                })
            }
        }
    }
}

/// An enum over a base type and its derived types: an object with one key, the XML name of the
/// value's type, like a choice.
fn render_derived(
    ctx: &super::Ctx,
    model: &Model<'_>,
    def: &Def,
    variants: &[crate::model::DerivedVariant],
) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&def.rust_name);
    let keys: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    let reads = variants.iter().map(|v| {
        let var = ident(&v.variant);
        let key = &v.name;
        quote!(#key => Ok(Self::#var(#rt::json::FromJson::from_json(value, &child)?)),)
    });
    let writes = variants.iter().map(|v| {
        let var = ident(&v.variant);
        let key = &v.name;
        quote!(Self::#var(v) => #rt::json::put(&mut map, #key, v, options),)
    });
    let write_body = if variants.is_empty() {
        quote!(let _ = options;)
    } else {
        quote!(match self { #(#writes)* })
    };
    let _ = model;
    quote! {
        impl #rt::json::FromJson for #name {
            fn from_json(
                value: &#rt::json::Value,
                path: &str,
            ) -> ::core::result::Result<Self, #rt::json::JsonError> {
                let (key, value) = #rt::json::single_key(value, path, &[#(#keys),*])?;
                let child = #rt::json::child_path(path, key);
                match key {
                    #(#reads)*
                    _ => Err(#rt::json::JsonError::new(path, "no type of the enum")),
                }
            }
        }
        impl #rt::json::ToJson for #name {
            fn to_json(&self, options: &#rt::json::JsonOptions) -> #rt::json::Value {
                let mut map = #rt::json::Map::new();
                #write_body
                #rt::json::Value::Object(map)
            }
        }
    }
}
