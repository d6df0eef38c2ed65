//! Emits the schema types: structs for complex types, enums for enumerations and choices, and
//! their `ToXml` / `FromXml` implementations.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, ident, xsd_name, Ctx};
use crate::model::{
    AttributeField, ChoiceAlt, Def, DefKind, DerivedVariant, ElementField, EnumValue, Member,
    Model, Occurs, TypeRef,
};

/// All generated types of the model.
pub(crate) fn render_types(ctx: &mut Ctx, model: &Model<'_>) -> TokenStream {
    let items = model.defs.iter().map(|def| match &def.kind {
        DefKind::Struct {
            attributes,
            members,
            text,
        } => render_struct(ctx, model, def, attributes, members, text.as_ref()),
        DefKind::Enum { values } => render_enum(ctx, def, values),
        DefKind::Choice { alts } => render_choice(ctx, model, def, alts),
        DefKind::Derived { variants } => render_derived(ctx, model, def, variants),
    });
    let items: Vec<TokenStream> = items.collect();
    quote!(#(#items)*)
}

fn occurs_text(occurs: Occurs, nillable: bool) -> &'static str {
    match (occurs, nillable) {
        (Occurs::One, false) => "required",
        (Occurs::One, true) => "required, nillable: `None` is sent as `xsi:nil`",
        (Occurs::Optional, false) => "optional: `None` is left out",
        (Occurs::Optional, true) => {
            "optional and nillable: `None` is left out, `Some(None)` is sent as `xsi:nil`"
        }
        (Occurs::Many, false) => "repeated",
        (Occurs::Many, true) => "repeated, items nillable",
    }
}

/// Whether a value is shown as `<redacted>` by `Debug`: its name looks like a secret's, and it
/// is not an enumeration (whose values the schema lists, like `requestAuthCodeResult`'s).
fn is_secret(model: &Model<'_>, named_like_secret: bool, ty: &TypeRef) -> bool {
    named_like_secret
        && !matches!(ty, TypeRef::Def(d) if matches!(model.defs[*d].kind, DefKind::Enum { .. }))
}

/// One arm of the reader's `match` on a child element's local name.
struct Arm {
    /// The element's namespace (the `const` that holds it, or `None`).
    ns: TokenStream,
    /// The element's local name.
    xml: String,
    /// For a field that holds one element: the condition under which it is still empty.
    vacant: Option<TokenStream>,
    /// What to do with the element.
    body: TokenStream,
}

/// The arms of the `match` on a child's local name: `b"name" if <in the namespace> => body`.
/// When several fields have the same element name (a group used twice, `<x/><y/><x/>`), one
/// arm fills the first of them that is still empty, and the others get no arm of their own.
/// Names that repeat in other namespaces get an arm each, told apart by their guards.
fn merge_arms(arms: &[Arm]) -> Vec<TokenStream> {
    let same = |a: &Arm, b: &Arm| a.xml == b.xml && a.ns.to_string() == b.ns.to_string();
    let mut out = Vec::new();
    for (i, arm) in arms.iter().enumerate() {
        if arms[..i].iter().any(|a| same(a, arm)) {
            continue;
        }
        let mut body: Option<TokenStream> = None;
        for a in arms[i..].iter().filter(|a| same(a, arm)).rev() {
            let this = &a.body;
            body = Some(match (&a.vacant, body) {
                (Some(vacant), Some(rest)) => quote!(if #vacant { #this } else { #rest }),
                // The last field of the name, or one that repeats, takes what comes.
                _ => this.clone(),
            });
        }
        if let Some(body) = body {
            let name = Literal::byte_string(arm.xml.as_bytes());
            let ns = &arm.ns;
            out.push(quote!(#name if r.in_namespace(&child, #ns) => #body,));
        }
    }
    out
}

/// The names `from_xml` uses itself; a field's local variable must not shadow them.
const READER_NAMES: &[&str] = &["r", "start", "child", "i"];

/// The local variable that collects a field while reading: the field's own name, or the name
/// with `_` appended when it would shadow one of the reader's names (a field name never ends
/// in `_` unless it is a keyword, and none of those names is one).
fn local_ident(rust_name: &str) -> proc_macro2::Ident {
    if READER_NAMES.contains(&rust_name) {
        ident(&format!("{rust_name}_"))
    } else {
        ident(rust_name)
    }
}

/// The struct field initialiser for a local that holds the value as is.
fn init_from_local(rust_name: &str) -> TokenStream {
    let f = ident(rust_name);
    let local = local_ident(rust_name);
    if f == local {
        quote!(#f)
    } else {
        quote!(#f: #local)
    }
}

fn field_type(ctx: &Ctx, model: &Model<'_>, f: &ElementField) -> TokenStream {
    let mut t = ctx.ty(model, &f.ty);
    if f.boxed {
        t = quote!(Box<#t>);
    }
    match (f.occurs, f.nillable) {
        (Occurs::One, false) => t,
        (Occurs::One, true) | (Occurs::Optional, false) => quote!(Option<#t>),
        (Occurs::Optional, true) => {
            quote!(Option<Option<#t>>)
        }
        (Occurs::Many, false) => quote!(Vec<#t>),
        (Occurs::Many, true) => quote!(Vec<Option<#t>>),
    }
}

fn render_struct(
    ctx: &mut Ctx,
    model: &Model<'_>,
    def: &Def,
    attributes: &[AttributeField],
    members: &[Member],
    text: Option<&TypeRef>,
) -> TokenStream {
    let name = ident(&def.rust_name);
    let name_str = &def.rust_name;
    let type_docs = docs(&def.docs, &[format!("XML: {}.", def.xml_name)]);

    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut writes_attr = Vec::new();
    let mut writes = Vec::new();
    let mut read_attrs = Vec::new();
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    let mut has_any = false;
    // What to do with a child element no field names: keep it as raw XML in the `xs:any`
    // field, or in the `Other` variant of a choice that has an `xs:any` alternative.
    let mut fallback: Option<TokenStream> = None;
    let mut has_secret = false;

    if let Some(t) = text {
        let ty = ctx.ty(model, t);
        let d = docs(
            &[],
            &[format!(
                "The element's text content ({}).",
                xsd_name(model, t)
            )],
        );
        fields.push(quote!(#d pub value: #ty,));
        debug_fields.push(quote!(.field("value", &self.value)));
        writes.push(quote!(xml::ToXml::write_content(&self.value, w)?;));
        inits.push(quote!(value));
    }

    for a in attributes {
        let f = ident(&a.rust_name);
        let fname = &a.rust_name;
        let xml = &a.xml_name;
        let ns = ctx.ns(&a.ns);
        let base = ctx.ty(model, &a.ty);
        let ty = if a.required {
            base
        } else {
            quote!(Option<#base>)
        };
        let d = docs(
            &a.docs,
            &[format!(
                "XML attribute `{xml}` ({}, {}).",
                xsd_name(model, &a.ty),
                if a.required { "required" } else { "optional" }
            )],
        );
        fields.push(quote!(#d pub #f: #ty,));
        let secret = is_secret(model, a.secret, &a.ty);
        has_secret |= secret;
        debug_fields.push(if secret {
            quote!(.field(#fname, &"<redacted>"))
        } else {
            quote!(.field(#fname, &self.#f))
        });
        writes_attr.push(if a.required {
            quote!(a.attribute(#ns, #xml, &self.#f)?;)
        } else {
            quote!(a.optional(#ns, #xml, &self.#f)?;)
        });
        let local = local_ident(&a.rust_name);
        read_attrs.push(quote!(let #local = r.attribute(start, #ns, #xml)?;));
        inits.push(if a.required {
            quote!(#f: r.required_attribute(#local, start, #xml)?)
        } else {
            init_from_local(&a.rust_name)
        });
    }

    for m in members {
        match m {
            Member::Element(el) => {
                let f = ident(&el.rust_name);
                let fname = &el.rust_name;
                let xml = &el.xml_name;
                let ns = ctx.ns(&el.ns);
                let ty = field_type(ctx, model, el);
                let d = docs(
                    &el.docs,
                    &[format!(
                        "XML element `{xml}` ({}, {}).",
                        xsd_name(model, &el.ty),
                        occurs_text(el.occurs, el.nillable)
                    )],
                );
                fields.push(quote!(#d pub #f: #ty,));
                let secret = is_secret(model, el.secret, &el.ty);
                has_secret |= secret;
                debug_fields.push(if secret {
                    quote!(.field(#fname, &"<redacted>"))
                } else {
                    quote!(.field(#fname, &self.#f))
                });
                writes.push(match (el.occurs, el.nillable) {
                    (Occurs::One, false) => quote!(w.element(#ns, #xml, &self.#f)?;),
                    (Occurs::One, true) => quote!(w.nillable(#ns, #xml, &self.#f)?;),
                    (Occurs::Optional, false) => quote!(w.optional(#ns, #xml, &self.#f)?;),
                    (Occurs::Optional, true) => quote! {
                        if let Some(v) = &self.#f { w.nillable(#ns, #xml, v)?; }
                    },
                    (Occurs::Many, false) => quote!(w.repeated(#ns, #xml, &self.#f)?;),
                    (Occurs::Many, true) => quote!(w.repeated_nillable(#ns, #xml, &self.#f)?;),
                });
                let read = if el.nillable {
                    quote!(r.read_nillable(&child)?)
                } else {
                    quote!(r.read(&child)?)
                };
                let local = local_ident(&el.rust_name);
                match el.occurs {
                    Occurs::Many => {
                        locals.push(quote!(let mut #local = Vec::new();));
                        arms.push(Arm {
                            ns: ns.clone(),
                            xml: xml.clone(),
                            vacant: None,
                            body: quote!(#local.push(#read)),
                        });
                        inits.push(init_from_local(&el.rust_name));
                    }
                    Occurs::One | Occurs::Optional => {
                        locals.push(quote!(let mut #local = None;));
                        arms.push(Arm {
                            ns: ns.clone(),
                            xml: xml.clone(),
                            vacant: Some(quote!(#local.is_none())),
                            body: quote!(#local = Some(#read)),
                        });
                        inits.push(if el.occurs == Occurs::One {
                            quote!(#f: r.required(#local, start, #xml)?)
                        } else {
                            init_from_local(&el.rust_name)
                        });
                    }
                }
            }
            Member::Choice {
                def: choice,
                occurs,
                rust_name,
                ..
            } => {
                let f = ident(rust_name);
                let cdef = &model.defs[*choice];
                let cname = ident(&cdef.rust_name);
                let DefKind::Choice { alts } = &cdef.kind else {
                    continue;
                };
                let (ty, write, local, init) = match occurs {
                    Occurs::Many => (
                        quote!(Vec<#cname>),
                        quote!(for c in &self.#f { xml::ToXml::write_content(c, w)?; }),
                        quote!(let mut #f = Vec::new();),
                        quote!(#f),
                    ),
                    Occurs::Optional => (
                        quote!(Option<#cname>),
                        quote!(if let Some(c) = &self.#f { xml::ToXml::write_content(c, w)?; }),
                        quote!(let mut #f = None;),
                        quote!(#f),
                    ),
                    Occurs::One => (
                        quote!(#cname),
                        quote!(xml::ToXml::write_content(&self.#f, w)?;),
                        quote!(let mut #f = None;),
                        {
                            let first = alts.first().map(|a| a.xml_name.as_str()).unwrap_or("");
                            quote!(#f: r.required(#f, start, #first)?)
                        },
                    ),
                };
                if cdef.open && fallback.is_none() {
                    has_any = true;
                    fallback = Some(match occurs {
                        Occurs::Many => {
                            quote!(#f.push(#cname::Other(r.read_element_raw(&child)?)))
                        }
                        _ => quote!(#f = Some(#cname::Other(r.read_element_raw(&child)?))),
                    });
                }
                let d = docs(&[], &[format!("One of the elements of {}.", cdef.xml_name)]);
                fields.push(quote!(#d pub #f: #ty,));
                debug_fields.push(quote!(.field(#rust_name, &self.#f)));
                writes.push(write);
                locals.push(local);
                inits.push(init);
                for alt in alts {
                    let ns = ctx.ns(&alt.ns);
                    let xml = &alt.xml_name;
                    let variant = ident(&alt.variant);
                    let read = if alt.nillable {
                        quote!(r.read_nillable(&child)?)
                    } else {
                        quote!(r.read(&child)?)
                    };
                    // A repeated alternative collects its consecutive elements in one
                    // variant; any other element starts a new value.
                    let arm = match (alt.many, occurs) {
                        (false, Occurs::Many) => quote!(#f.push(#cname::#variant(#read))),
                        (false, _) => quote!(#f = Some(#cname::#variant(#read))),
                        (true, Occurs::Many) => quote! {{
                            let item = #read;
                            match #f.last_mut() {
                                Some(#cname::#variant(items)) => items.push(item),
                                _ => #f.push(#cname::#variant(vec![item])),
                            }
                        }},
                        (true, _) => quote! {{
                            let item = #read;
                            match &mut #f {
                                Some(#cname::#variant(items)) => items.push(item),
                                _ => #f = Some(#cname::#variant(vec![item])),
                            }
                        }},
                    };
                    arms.push(Arm {
                        ns: ns.clone(),
                        xml: xml.clone(),
                        vacant: None,
                        body: arm,
                    });
                }
            }
            Member::Any { rust_name } => {
                has_any = true;
                let f = ident(rust_name);
                if fallback.is_none() {
                    fallback = Some(quote!(#f.push(r.read_element_raw(&child)?)));
                }
                let d = docs(
                    &[],
                    &["Elements the schema leaves open (`xs:any`), kept as raw XML.".into()],
                );
                fields.push(quote!(#d pub #f: Vec<xml::RawXml>,));
                debug_fields.push(quote!(.field(#rust_name, &self.#f)));
                writes.push(quote!(for x in &self.#f { w.raw(x.as_str()); }));
                locals.push(quote!(let mut #f = Vec::new();));
                inits.push(quote!(#f));
            }
        }
    }

    let default = def.default.then(|| quote!(Default,));
    let derive = if has_secret {
        quote!(#[derive(Clone, PartialEq, #default)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, #default)])
    };
    let debug_impl = has_secret.then(|| {
        quote! {
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#name_str) #(#debug_fields)* .finish()
                }
            }
        }
    });

    let write_attributes = (!writes_attr.is_empty()).then(|| {
        quote! {
            fn write_attributes(&self, a: &mut xml::AttributeWriter<'_>) -> Result<(), xml::WriteError> {
                #(#writes_attr)*
                Ok(())
            }
        }
    });
    let w_param = if writes.is_empty() {
        quote!(_w)
    } else {
        quote!(w)
    };

    let read_body = if let Some(t) = text {
        let _ = t;
        quote! {
            #(#read_attrs)*
            let value = r.read(start)?;
            Ok(Self { #(#inits),* })
        }
    } else if arms.is_empty() && !has_any {
        quote! {
            #(#read_attrs)*
            r.skip(start)?;
            Ok(Self { #(#inits),* })
        }
    } else if has_any && arms.is_empty() {
        // Only open content: every child is kept as raw XML.
        quote! {
            #(#read_attrs)*
            #(#locals)*
            while let Some(child) = r.next_element(start)? {
                #fallback;
            }
            Ok(Self { #(#inits),* })
        }
    } else {
        // A `match` on the local name, then one namespace check: what a hand-written reader
        // does, and what keeps an element of the same name in another namespace out.
        let arms = merge_arms(&arms);
        let otherwise = match fallback {
            Some(keep) => keep,
            None => quote!(r.skip_unknown(start, &child)?),
        };
        quote! {
            #(#read_attrs)*
            #(#locals)*
            while let Some(child) = r.next_element(start)? {
                match child.local_name_bytes() {
                    #(#arms)*
                    _ => #otherwise,
                }
            }
            Ok(Self { #(#inits),* })
        }
    };

    quote! {
        #type_docs
        #derive
        pub struct #name { #(#fields)* }
        #debug_impl
        impl xml::ToXml for #name {
            #write_attributes
            fn write_content(&self, #w_param: &mut xml::XmlWriter) -> Result<(), xml::WriteError> {
                #(#writes)*
                Ok(())
            }
        }
        impl xml::FromXml for #name {
            fn from_xml(r: &mut xml::XmlReader<'_>, start: &xml::Start<'_>) -> Result<Self, xml::ReadError> {
                #read_body
            }
        }
    }
}

fn render_enum(ctx: &Ctx, def: &Def, values: &[EnumValue]) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&def.rust_name);
    let type_docs = docs(
        &def.docs,
        &[
            format!("XML: {}.", def.xml_name),
            String::new(),
            "A value this client does not know is kept in `Unknown`, so that a service adding \
             a value does not break reading."
                .into(),
        ],
    );
    let variants = values.iter().map(|v| {
        let var = ident(&v.variant);
        let value_text = if v.value.is_empty() {
            "XML value: the empty string.".to_owned()
        } else {
            format!("XML value `{}`.", v.value.replace('`', "'"))
        };
        let d = docs(&v.docs, &[value_text]);
        quote!(#d #var,)
    });
    let as_str = values.iter().map(|v| {
        let var = ident(&v.variant);
        let value = &v.value;
        quote!(Self::#var => #value,)
    });
    let from_str = values.iter().map(|v| {
        let var = ident(&v.variant);
        let value = &v.value;
        quote!(#value => Self::#var,)
    });
    let all = values.iter().map(|v| {
        let var = ident(&v.variant);
        quote!(Self::#var)
    });
    let described: Vec<TokenStream> = values
        .iter()
        .filter(|v| !v.docs.is_empty())
        .map(|v| {
            let var = ident(&v.variant);
            let text = v
                .docs
                .iter()
                .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join(" ");
            quote!(Self::#var => Some(#text),)
        })
        .collect();
    let description_body = if described.is_empty() {
        quote!(None)
    } else {
        quote!(match self { #(#described)* _ => None })
    };
    quote! {
        #type_docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value the schema does not define, kept exactly as received.
            Unknown(String),
        }
        impl #name {
            /// Every value the schema defines, in schema order.
            pub const VALUES: &'static [Self] = &[#(#all),*];
            /// The value as written in XML.
            pub fn as_str(&self) -> &str {
                match self { #(#as_str)* Self::Unknown(s) => s }
            }
            /// The schema's documentation of this value, if it has any.
            pub fn description(&self) -> Option<&'static str> {
                #description_body
            }
        }
        impl ::core::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s { #(#from_str)* other => Self::Unknown(other.to_owned()) }
            }
        }
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl xml::SimpleValue for #name {
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
            fn from_text(text: &str) -> Result<Self, xml::ValueError> {
                Ok(Self::from(text))
            }
        }
        #rt::simple_xml_value!(#name);
    }
}

fn render_choice(ctx: &mut Ctx, model: &Model<'_>, def: &Def, alts: &[ChoiceAlt]) -> TokenStream {
    let name = ident(&def.rust_name);
    let type_docs = docs(&def.docs, &[format!("XML: {}.", def.xml_name)]);
    let mut variants = Vec::new();
    let mut writes = Vec::new();
    let mut debug_arms = Vec::new();
    let mut has_secret = false;
    for a in alts {
        let var = ident(&a.variant);
        let xml = &a.xml_name;
        let ns = ctx.ns(&a.ns);
        let mut ty = ctx.ty(model, &a.ty);
        if a.boxed {
            ty = quote!(Box<#ty>);
        }
        if a.nillable {
            ty = quote!(Option<#ty>);
        }
        if a.many {
            ty = quote!(Vec<#ty>);
        }
        let d = docs(
            &a.docs,
            &[format!("XML element `{xml}` ({}).", xsd_name(model, &a.ty))],
        );
        variants.push(quote!(#d #var(#ty),));
        let var_name = &a.variant;
        let secret = is_secret(model, a.secret, &a.ty);
        has_secret |= secret;
        debug_arms.push(if secret {
            quote!(Self::#var(_) => f.debug_tuple(#var_name).field(&"<redacted>").finish(),)
        } else {
            quote!(Self::#var(v) => f.debug_tuple(#var_name).field(v).finish(),)
        });
        writes.push(match (a.many, a.nillable) {
            (false, false) => quote!(Self::#var(v) => w.element(#ns, #xml, v),),
            (false, true) => quote!(Self::#var(v) => w.nillable(#ns, #xml, v),),
            (true, false) => quote!(Self::#var(v) => w.repeated(#ns, #xml, v),),
            (true, true) => quote!(Self::#var(v) => w.repeated_nillable(#ns, #xml, v),),
        });
    }
    if def.open {
        let d = docs(
            &[],
            &["An element the schema leaves open (`xs:any`), kept as raw XML.".into()],
        );
        variants.push(quote!(#d Other(xml::RawXml),));
        debug_arms.push(quote!(Self::Other(v) => f.debug_tuple("Other").field(v).finish(),));
        writes.push(quote!(Self::Other(v) => { w.raw(v.as_str()); Ok(()) }));
    }
    let body = if writes.is_empty() {
        quote!(let _ = w; Ok(()))
    } else {
        quote!(match self { #(#writes)* })
    };
    let (derive, debug_impl) = if has_secret {
        let debug_impl = quote! {
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match self { #(#debug_arms)* }
                }
            }
        };
        (quote!(#[derive(Clone, PartialEq)]), Some(debug_impl))
    } else {
        (quote!(#[derive(Debug, Clone, PartialEq)]), None)
    };
    // The alternatives' sizes are not known here; boxing them all would make every value
    // harder to build.
    let derive = quote!(#derive #[allow(clippy::large_enum_variant)]);
    quote! {
        #type_docs
        #derive
        pub enum #name { #(#variants)* }
        #debug_impl
        impl xml::ToXml for #name {
            fn write_content(&self, w: &mut xml::XmlWriter) -> Result<(), xml::WriteError> {
                #body
            }
        }
    }
}

/// The enum over a base type and the types derived from it: written with `xsi:type` for a
/// derived type, read by the `xsi:type` the element carries.
fn render_derived(
    ctx: &mut Ctx,
    model: &Model<'_>,
    def: &Def,
    variants: &[DerivedVariant],
) -> TokenStream {
    let name = ident(&def.rust_name);
    let base = variants.iter().find(|v| v.is_base);
    let mut generated = vec![format!("XML: {}.", def.xml_name)];
    generated.push(String::new());
    generated.push(match base {
        Some(_) => "Written with an `xsi:type` attribute naming the type, unless it is the base \
                    type; read by the `xsi:type` an element carries (the base type when it has \
                    none or names a type this client does not know)."
            .into(),
        None => "The base type is abstract: every value is of a derived type, written with an \
                 `xsi:type` attribute naming it, and read by the `xsi:type` an element carries \
                 (an element without one, or naming a type this client does not know, is an \
                 error)."
            .into(),
    });
    let type_docs = docs(&def.docs, &generated);
    let mut items = Vec::new();
    let mut attrs = Vec::new();
    let mut contents = Vec::new();
    let mut xsi_types = Vec::new();
    let mut reads = Vec::new();
    for v in variants {
        let var = ident(&v.variant);
        let mut ty = ctx.ty(model, &TypeRef::Def(v.def));
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let qname = match &v.ns {
            Some(ns) => format!("{{{ns}}}{}", v.name),
            None => v.name.clone(),
        };
        let d = docs(
            &[],
            &[if v.is_base {
                format!("Type `{qname}` itself (no `xsi:type`).")
            } else {
                format!("Type `{qname}` (`xsi:type`).")
            }],
        );
        items.push(quote!(#d #var(#ty),));
        attrs.push(quote!(Self::#var(v) => xml::ToXml::write_attributes(v, a),));
        contents.push(quote!(Self::#var(v) => xml::ToXml::write_content(v, w),));
        let ns = v.ns.clone().unwrap_or_default();
        let local = &v.name;
        xsi_types.push(if v.is_base {
            quote!(Self::#var(_) => None,)
        } else {
            quote!(Self::#var(_) => Some((#ns, #local)),)
        });
        if !v.is_base {
            reads.push(quote!(Some((#ns, #local)) => Self::#var(r.read(start)?),));
        }
    }
    let default_impl = base.filter(|_| def.default).map(|v| {
        let var = ident(&v.variant);
        quote! {
            impl Default for #name {
                /// The base type's default.
                fn default() -> Self {
                    Self::#var(Default::default())
                }
            }
        }
    });
    let fallback = match base {
        Some(v) => {
            let var = ident(&v.variant);
            quote!(_ => Self::#var(r.read(start)?),)
        }
        None => {
            let base_name = def
                .xml_name
                .split(" or a type")
                .next()
                .unwrap_or_default()
                .replace('`', "");
            quote! {
                _ => {
                    return Err(xml::ReadError::Invalid(format!(
                        "element `{}` has no xsi:type naming a type derived from the abstract {} \
                         that this client knows",
                        r.name_of(start),
                        #base_name
                    )))
                }
            }
        }
    };
    let (write_attributes, write_content, xsi_type) = if variants.is_empty() {
        (
            quote!(let _ = a; Ok(())),
            quote!(let _ = w; Ok(())),
            quote!(None),
        )
    } else {
        (
            quote!(match self { #(#attrs)* }),
            quote!(match self { #(#contents)* }),
            quote!(match self { #(#xsi_types)* }),
        )
    };
    quote! {
        #type_docs
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name { #(#items)* }
        #default_impl
        impl xml::ToXml for #name {
            fn write_attributes(&self, a: &mut xml::AttributeWriter<'_>) -> Result<(), xml::WriteError> {
                #write_attributes
            }
            fn write_content(&self, w: &mut xml::XmlWriter) -> Result<(), xml::WriteError> {
                #write_content
            }
            fn xsi_type(&self) -> Option<(&'static str, &'static str)> {
                #xsi_type
            }
        }
        impl xml::FromXml for #name {
            fn from_xml(r: &mut xml::XmlReader<'_>, start: &xml::Start<'_>) -> Result<Self, xml::ReadError> {
                let xsi_type = r.xsi_type(start)?;
                Ok(match xsi_type.as_ref().map(|(ns, name)| (ns.as_str(), name.as_str())) {
                    #(#reads)*
                    #fallback
                })
            }
        }
    }
}
