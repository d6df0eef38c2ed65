//! The Rust-shaped model of a schema: which types to emit, with which fields and names.
//!
//! Built from xsd-parser's resolved type model ([`MetaTypes`]), starting from the elements and
//! types that the service's operations use, so that only reachable types are emitted.

use std::collections::{BTreeMap, BTreeSet};

use xsd_parser::models::meta::{
    AttributeMetaVariant, BuildInMeta, ComplexMeta, DynamicMeta, ElementMeta, ElementMetaVariant,
    ElementMode, GroupMeta, MetaType, MetaTypeVariant, MetaTypes,
};
use xsd_parser::models::schema::xs::{AttributeUseType, FormChoiceType};
use xsd_parser::models::schema::{MaxOccurs, NamespaceId};
use xsd_parser::models::{IdentType, TypeIdent};

use crate::naming::{self, Scope};
use crate::wsdl::{QName, XS_NS};

/// How a schema type is represented in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeRef {
    /// A Rust or runtime type, as a path (e.g. `i32`, `::std::string::String`).
    Builtin {
        /// The Rust path, valid where the runtime's `xml` module is imported.
        path: &'static str,
        /// The XML Schema name it comes from, for documentation.
        xsd: String,
    },
    /// A type this generator emits, by index into [`Model::defs`].
    Def(usize),
    /// An `xs:list`: a whitespace-separated list of the item type, in one element.
    List(Box<TypeRef>),
}

/// How often an element may occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occurs {
    /// Exactly once.
    One,
    /// At most once (`minOccurs="0"`).
    Optional,
    /// Any number of times.
    Many,
}

/// A child element of a complex type.
#[derive(Debug, Clone)]
pub(crate) struct ElementField {
    pub xml_name: String,
    pub ns: Option<String>,
    pub ty: TypeRef,
    pub occurs: Occurs,
    pub nillable: bool,
    pub docs: Vec<String>,
    pub rust_name: String,
    pub boxed: bool,
    pub secret: bool,
}

/// An attribute of a complex type.
#[derive(Debug, Clone)]
pub(crate) struct AttributeField {
    pub xml_name: String,
    pub ns: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Vec<String>,
    pub rust_name: String,
    pub secret: bool,
}

/// One alternative of an `xs:choice`.
#[derive(Debug, Clone)]
pub(crate) struct ChoiceAlt {
    pub xml_name: String,
    pub secret: bool,
    pub ns: Option<String>,
    pub ty: TypeRef,
    pub many: bool,
    pub nillable: bool,
    pub docs: Vec<String>,
    pub variant: String,
    pub boxed: bool,
}

/// A member of a complex type's content, in schema order.
#[derive(Debug, Clone)]
pub(crate) enum Member {
    /// A child element.
    Element(ElementField),
    /// An `xs:choice` (or the substitution group of an element), represented by a generated
    /// enum.
    Choice {
        def: usize,
        occurs: Occurs,
        /// The XML name the field is named after (`choice`, or the group's head element).
        name: String,
        rust_name: String,
    },
    /// `xs:any`: elements the schema leaves open, kept as raw XML.
    Any { rust_name: String },
}

/// One value of an enumeration.
#[derive(Debug, Clone)]
pub(crate) struct EnumValue {
    pub value: String,
    pub variant: String,
    pub docs: Vec<String>,
}

/// What a generated type is.
#[derive(Debug, Clone)]
pub(crate) enum DefKind {
    /// A struct for a complex type.
    Struct {
        attributes: Vec<AttributeField>,
        members: Vec<Member>,
        /// `simpleContent`: the text value's type.
        text: Option<TypeRef>,
    },
    /// An enum for a restriction with enumeration facets.
    Enum { values: Vec<EnumValue> },
    /// An enum for an `xs:choice`.
    Choice { alts: Vec<ChoiceAlt> },
    /// An enum over a complex type and the types derived from it, for values declared with the
    /// base type: the `xsi:type` attribute tells which one an element holds.
    Derived { variants: Vec<DerivedVariant> },
}

/// One type a value declared with a base type may be (see [`DefKind::Derived`]).
#[derive(Debug, Clone)]
pub(crate) struct DerivedVariant {
    /// The struct of the type.
    pub def: usize,
    /// The type's namespace and name, as `xsi:type` names it.
    pub ns: Option<String>,
    pub name: String,
    /// Whether this is the base type itself (written without `xsi:type`).
    pub is_base: bool,
    pub variant: String,
    pub boxed: bool,
}

/// One child of an rpc-style body wrapper: a message part.
#[derive(Debug, Clone)]
pub(crate) struct WrapperPart {
    /// The element name: the part name (`type=`), or the part's element's name.
    pub xml_name: String,
    /// The element's namespace: `None` for a `type=` part (rpc parts are unqualified).
    pub ns: Option<String>,
    pub ty: TypeRef,
}

/// A type the generator emits.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    pub rust_name: String,
    /// The XML name, for documentation (`{ns}name`, or a description for anonymous types).
    pub xml_name: String,
    pub docs: Vec<String>,
    pub kind: DefKind,
    /// Whether every field has a default, so that the struct can derive `Default` (for an enum
    /// over derived types: whether the base type is concrete and has one).
    pub default: bool,
    /// For a choice: whether an `xs:any` is one of its alternatives (kept as raw XML).
    pub open: bool,
    /// Ordering key for naming: (priority, namespace, name).
    sort_key: (u8, String, String),
}

/// The types to emit.
pub(crate) struct Model<'t> {
    types: &'t MetaTypes,
    pub defs: Vec<Def>,
    by_ident: BTreeMap<TypeIdent, TypeRef>,
    lookup: BTreeMap<(String, IdentType, String), TypeIdent>,
    secret: &'t dyn Fn(&str) -> bool,
    /// The choice enum made for the substitution group of each head element met.
    substitutions: BTreeMap<TypeIdent, usize>,
    /// The named complex types derived (by extension or restriction) from each complex type.
    derived: BTreeMap<TypeIdent, Vec<TypeIdent>>,
    /// The enum made for each base type met that has derived types.
    derived_enums: BTreeMap<TypeIdent, usize>,
    /// Abstract complex types, as (namespace, name).
    abstract_types: BTreeSet<(String, String)>,
    /// The wrapper struct made for each rpc body, by (namespace, element name, message).
    wrappers: BTreeMap<(String, String, String), usize>,
    /// Constructs met that are represented loosely, for the build's warnings.
    pub notes: BTreeSet<String>,
}

fn occurs(min: usize, max: MaxOccurs) -> Occurs {
    match max {
        MaxOccurs::Unbounded => Occurs::Many,
        MaxOccurs::Bounded(n) if n > 1 => Occurs::Many,
        _ if min == 0 => Occurs::Optional,
        _ => Occurs::One,
    }
}

fn combine(outer: Occurs, inner: Occurs) -> Occurs {
    match (outer, inner) {
        (Occurs::Many, _) | (_, Occurs::Many) => Occurs::Many,
        (Occurs::Optional, _) | (_, Occurs::Optional) => Occurs::Optional,
        _ => Occurs::One,
    }
}

/// The Rust type for an XML Schema built-in type.
fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" | "normalizedString" | "token" | "anyURI" | "QName" | "NOTATION" | "NCName"
        | "Name" | "ID" | "IDREF" | "IDREFS" | "ENTITY" | "ENTITIES" | "NMTOKEN" | "NMTOKENS"
        | "language" | "date" | "dateTime" | "time" | "duration" | "gDay" | "gMonth"
        | "gMonthDay" | "gYear" | "gYearMonth" | "base64Binary" | "hexBinary" | "anySimpleType"
        | "dateTimeStamp" | "dayTimeDuration" | "yearMonthDuration" => "String",
        "boolean" => "bool",
        "float" => "f32",
        "double" => "f64",
        "decimal" => "xml::Decimal",
        "integer" | "nonPositiveInteger" | "negativeInteger" => "i128",
        "nonNegativeInteger" | "positiveInteger" => "u128",
        "long" => "i64",
        "int" => "i32",
        "short" => "i16",
        "byte" => "i8",
        "unsignedLong" => "u64",
        "unsignedInt" => "u32",
        "unsignedShort" => "u16",
        "unsignedByte" => "u8",
        "anyType" => "xml::RawXml",
        _ => return None,
    })
}

impl<'t> Model<'t> {
    pub(crate) fn new(types: &'t MetaTypes, secret: &'t dyn Fn(&str) -> bool) -> Self {
        let mut lookup = BTreeMap::new();
        for ident in types.items.keys() {
            let ns = Self::ns_uri_of(types, ident.ns).unwrap_or_default();
            lookup
                .entry((ns, ident.type_, ident.name.as_str().to_owned()))
                .or_insert_with(|| ident.clone());
        }
        let mut derived: BTreeMap<TypeIdent, Vec<TypeIdent>> = BTreeMap::new();
        for (ident, meta) in types.items.iter() {
            if ident.type_ != IdentType::Type {
                continue;
            }
            if let MetaTypeVariant::ComplexType(c) = &meta.variant {
                if let Some(base) = c.base.as_ident() {
                    let base_is_complex = matches!(
                        types.items.get(base).map(|m| &m.variant),
                        Some(MetaTypeVariant::ComplexType(_))
                    );
                    if base_is_complex && base != ident {
                        derived.entry(base.clone()).or_default().push(ident.clone());
                    }
                }
            }
        }
        Self {
            types,
            defs: Vec::new(),
            by_ident: BTreeMap::new(),
            lookup,
            secret,
            substitutions: BTreeMap::new(),
            derived,
            derived_enums: BTreeMap::new(),
            abstract_types: BTreeSet::new(),
            wrappers: BTreeMap::new(),
            notes: BTreeSet::new(),
        }
    }

    /// Tells the model which complex types are abstract (as (namespace, name)): they get no
    /// variant of their own in the enum over a base type and its derived types.
    pub(crate) fn set_abstract_types(&mut self, abstract_types: BTreeSet<(String, String)>) {
        self.abstract_types = abstract_types;
    }

    fn is_abstract(&self, ident: &TypeIdent) -> bool {
        let ns = self.ns_uri(ident.ns).unwrap_or_default();
        self.abstract_types
            .contains(&(ns, ident.name.as_str().to_owned()))
    }

    /// Every named complex type derived from `base`, directly or not, in a stable order.
    fn descendants(&self, base: &TypeIdent) -> Vec<TypeIdent> {
        let mut out: Vec<TypeIdent> = Vec::new();
        let mut stack = vec![base.clone()];
        while let Some(b) = stack.pop() {
            for d in self.derived.get(&b).into_iter().flatten() {
                if !out.contains(d) && d != base {
                    out.push(d.clone());
                    stack.push(d.clone());
                }
            }
        }
        out.sort_by_key(|i| {
            (
                self.ns_uri(i.ns).unwrap_or_default(),
                i.name.as_str().to_owned(),
            )
        });
        out
    }

    /// The struct for the body of an rpc-style operation: the element `element` with one
    /// child per part (made once per element and message).
    pub(crate) fn rpc_wrapper(
        &mut self,
        element: &QName,
        operation: &str,
        message: &str,
        parts: Vec<WrapperPart>,
    ) -> TypeRef {
        let key = (element.ns.clone(), element.name.clone(), message.to_owned());
        if let Some(idx) = self.wrappers.get(&key) {
            return TypeRef::Def(*idx);
        }
        let members = parts
            .into_iter()
            .map(|p| {
                Member::Element(ElementField {
                    secret: (self.secret)(&p.xml_name),
                    xml_name: p.xml_name,
                    ns: p.ns,
                    ty: p.ty,
                    occurs: Occurs::One,
                    nillable: false,
                    docs: Vec::new(),
                    rust_name: String::new(),
                    boxed: false,
                })
            })
            .collect();
        let idx = self.defs.len();
        self.defs.push(Def {
            rust_name: String::new(),
            xml_name: format!(
                "element `{element}`, the rpc body of operation `{operation}`: one child per \
                 part of message `{message}`"
            ),
            docs: Vec::new(),
            kind: DefKind::Struct {
                attributes: Vec::new(),
                members,
                text: None,
            },
            default: false,
            open: false,
            sort_key: (2, element.ns.clone(), element.name.clone()),
        });
        self.wrappers.insert(key, idx);
        TypeRef::Def(idx)
    }

    fn ns_uri_of(types: &MetaTypes, ns: NamespaceId) -> Option<String> {
        types
            .modules
            .get(&ns)
            .and_then(|m| m.namespace.as_ref())
            .map(|n| String::from_utf8_lossy(n.as_ref()).into_owned())
    }

    fn ns_uri(&self, ns: NamespaceId) -> Option<String> {
        Self::ns_uri_of(self.types, ns).filter(|s| !s.is_empty())
    }

    /// The Rust type for the global element `name`, if the schema defines it.
    pub(crate) fn element(&mut self, name: &QName) -> Option<TypeRef> {
        let ident = self
            .lookup
            .get(&(name.ns.clone(), IdentType::Element, name.name.clone()))?
            .clone();
        Some(self.resolve(&ident))
    }

    /// The Rust type for the global type `name`, if the schema (or XML Schema) defines it.
    pub(crate) fn type_(&mut self, name: &QName) -> Option<TypeRef> {
        if name.ns == XS_NS {
            return builtin(&name.name).map(|path| TypeRef::Builtin {
                path,
                xsd: format!("xs:{}", name.name),
            });
        }
        let ident = self
            .lookup
            .get(&(name.ns.clone(), IdentType::Type, name.name.clone()))?
            .clone();
        Some(self.resolve(&ident))
    }

    /// Every global element, in a stable order (for bare schemas).
    pub(crate) fn global_elements(&self) -> Vec<QName> {
        self.lookup
            .keys()
            .filter(|(ns, kind, _)| *kind == IdentType::Element && ns != XS_NS)
            .map(|(ns, _, name)| QName {
                ns: ns.clone(),
                name: name.clone(),
            })
            .collect()
    }

    fn is_xs(&self, ident: &TypeIdent) -> bool {
        self.ns_uri(ident.ns).as_deref() == Some(XS_NS)
    }

    /// The Rust type for a value declared with the type (or element) `ident`: for a complex
    /// type that other types derive from, the enum over it and them.
    fn resolve(&mut self, ident: &TypeIdent) -> TypeRef {
        if ident.type_ == IdentType::Type && self.derived.contains_key(ident) {
            if let Some(idx) = self.derived_enums.get(ident) {
                return TypeRef::Def(*idx);
            }
            let descendants = self.descendants(ident);
            if !descendants.is_empty() {
                return self.derived_enum(ident, descendants);
            }
        }
        self.resolve_exact(ident)
    }

    /// The enum over the complex type `base` and the types derived from it.
    fn derived_enum(&mut self, base: &TypeIdent, descendants: Vec<TypeIdent>) -> TypeRef {
        let name = base.name.as_str().to_owned();
        let ns = self.ns_uri(base.ns);
        let idx = self.defs.len();
        self.defs.push(Def {
            rust_name: String::new(),
            xml_name: match &ns {
                Some(ns) => format!("type `{{{ns}}}{name}` or a type derived from it"),
                None => format!("type `{name}` or a type derived from it"),
            },
            docs: Vec::new(),
            kind: DefKind::Derived {
                variants: Vec::new(),
            },
            default: false,
            open: false,
            sort_key: (
                0,
                ns.clone().unwrap_or_default(),
                format!("{name}OrDerived"),
            ),
        });
        self.derived_enums.insert(base.clone(), idx);
        let mut variants = Vec::new();
        let all = std::iter::once((base, true)).chain(descendants.iter().map(|d| (d, false)));
        for (ident, is_base) in all {
            if self.is_abstract(ident) {
                continue;
            }
            let TypeRef::Def(def) = self.resolve_exact(ident) else {
                continue;
            };
            variants.push(DerivedVariant {
                def,
                ns: self.ns_uri(ident.ns),
                name: ident.name.as_str().to_owned(),
                is_base,
                variant: String::new(),
                boxed: false,
            });
        }
        self.defs[idx].kind = DefKind::Derived { variants };
        TypeRef::Def(idx)
    }

    /// The Rust type for exactly the type (or element) `ident`.
    fn resolve_exact(&mut self, ident: &TypeIdent) -> TypeRef {
        if let Some(r) = self.by_ident.get(ident) {
            return r.clone();
        }
        let name = ident.name.as_str().to_owned();
        if self.is_xs(ident) && ident.type_ == IdentType::Type {
            if let Some(path) = builtin(&name) {
                let r = TypeRef::Builtin {
                    path,
                    xsd: format!("xs:{name}"),
                };
                self.by_ident.insert(ident.clone(), r.clone());
                return r;
            }
        }
        let types = self.types;
        let Some(meta) = types.items.get(ident) else {
            self.notes
                .insert(format!("type {name} is not defined; kept as raw XML"));
            return raw_xml();
        };
        let r = match &meta.variant {
            MetaTypeVariant::BuildIn(b) => TypeRef::Builtin {
                path: match b {
                    BuildInMeta::Bool => "bool",
                    BuildInMeta::I8 => "i8",
                    BuildInMeta::I16 => "i16",
                    BuildInMeta::I32 => "i32",
                    BuildInMeta::I64 => "i64",
                    BuildInMeta::I128 | BuildInMeta::Isize => "i128",
                    BuildInMeta::U8 => "u8",
                    BuildInMeta::U16 => "u16",
                    BuildInMeta::U32 => "u32",
                    BuildInMeta::U64 => "u64",
                    BuildInMeta::U128 | BuildInMeta::Usize => "u128",
                    BuildInMeta::F32 => "f32",
                    BuildInMeta::F64 => "f64",
                    BuildInMeta::Str | BuildInMeta::String => "String",
                },
                xsd: name.clone(),
            },
            MetaTypeVariant::Reference(r) => {
                let target = self.resolve(&r.type_);
                if matches!(occurs(r.min_occurs, r.max_occurs), Occurs::Many)
                    && ident.type_ == IdentType::Type
                {
                    TypeRef::List(Box::new(target))
                } else {
                    target
                }
            }
            MetaTypeVariant::SimpleType(s) => {
                let base = self.resolve(&s.base);
                if s.is_list {
                    TypeRef::List(Box::new(base))
                } else {
                    base
                }
            }
            // A union's value is kept as the text sent: exact, whichever member type it is.
            MetaTypeVariant::Union(_) => TypeRef::Builtin {
                path: "String",
                xsd: format!("{name} (xs:union, kept as text)"),
            },
            MetaTypeVariant::Enumeration(e) => {
                let idx = self.reserve(ident, meta);
                let mut values = Vec::new();
                for v in e.variants.iter() {
                    values.push(EnumValue {
                        value: v.ident.name.as_str().to_owned(),
                        variant: String::new(),
                        docs: v.documentation.clone(),
                    });
                }
                self.defs[idx].kind = DefKind::Enum { values };
                TypeRef::Def(idx)
            }
            MetaTypeVariant::ComplexType(c) => {
                let idx = self.reserve(ident, meta);
                let kind = self.complex(c, &name);
                self.defs[idx].kind = kind;
                TypeRef::Def(idx)
            }
            MetaTypeVariant::Sequence(_) | MetaTypeVariant::All(_) | MetaTypeVariant::Choice(_) => {
                // A bare group used as a type: give it a struct of its own.
                let idx = self.reserve(ident, meta);
                let mut members = Vec::new();
                self.group_members(ident, Occurs::One, &mut members, &name);
                self.defs[idx].kind = DefKind::Struct {
                    attributes: Vec::new(),
                    members,
                    text: None,
                };
                TypeRef::Def(idx)
            }
            MetaTypeVariant::Dynamic(_) | MetaTypeVariant::Custom(_) => {
                self.notes.insert(format!(
                    "{name}: abstract/substitution-group content is kept as raw XML"
                ));
                raw_xml()
            }
        };
        self.by_ident.insert(ident.clone(), r.clone());
        r
    }

    fn reserve(&mut self, ident: &TypeIdent, meta: &MetaType) -> usize {
        let idx = self.defs.len();
        let ns = self.ns_uri(ident.ns).unwrap_or_default();
        let name = ident.name.as_str().to_owned();
        let priority = match ident.type_ {
            IdentType::Type => 0,
            IdentType::Element | IdentType::ElementType => 1,
            _ => 2,
        };
        let what = match ident.type_ {
            IdentType::ElementType | IdentType::Element => "element",
            _ => "type",
        };
        self.defs.push(Def {
            rust_name: String::new(),
            xml_name: if ns.is_empty() {
                format!("{what} `{name}`")
            } else {
                format!("{what} `{{{ns}}}{name}`")
            },
            docs: meta.documentation.clone(),
            kind: DefKind::Enum { values: Vec::new() },
            default: false,
            open: false,
            sort_key: (priority, ns, name),
        });
        self.by_ident.insert(ident.clone(), TypeRef::Def(idx));
        idx
    }

    fn complex(&mut self, c: &ComplexMeta, owner: &str) -> DefKind {
        let mut attributes = Vec::new();
        for a in c.attributes.iter() {
            match &a.variant {
                AttributeMetaVariant::Type(t) => {
                    let xml_name = a.ident.name.as_str().to_owned();
                    // A global attribute (used with `ref=`) is always qualified.
                    let ns = match a.form {
                        _ if t.type_ == IdentType::Attribute => self.ns_uri(a.ident.ns),
                        FormChoiceType::Qualified => self.ns_uri(a.ident.ns),
                        FormChoiceType::Unqualified => None,
                    };
                    if a.use_ == AttributeUseType::Prohibited {
                        continue;
                    }
                    let ty = self.resolve(t);
                    attributes.push(AttributeField {
                        secret: (self.secret)(&xml_name),
                        xml_name,
                        ns,
                        ty,
                        required: a.use_ == AttributeUseType::Required,
                        docs: a.documentation.clone(),
                        rust_name: String::new(),
                    });
                }
                AttributeMetaVariant::Any(_) => {}
            }
        }
        let mut members = Vec::new();
        let mut text = None;
        if let Some(content) = &c.content {
            let is_group = matches!(
                self.types.items.get(content).map(|m| &m.variant),
                Some(
                    MetaTypeVariant::Sequence(_)
                        | MetaTypeVariant::All(_)
                        | MetaTypeVariant::Choice(_)
                )
            );
            if is_group {
                // The content group's own minOccurs/maxOccurs apply to all it holds.
                let outer = occurs(c.min_occurs, c.max_occurs);
                self.group_members(content, outer, &mut members, owner);
            } else {
                text = Some(self.resolve(content));
            }
        }
        DefKind::Struct {
            attributes,
            members,
            text,
        }
    }

    fn group_members(
        &mut self,
        group: &TypeIdent,
        outer: Occurs,
        members: &mut Vec<Member>,
        owner: &str,
    ) {
        let types = self.types;
        let Some(meta) = types.items.get(group) else {
            return;
        };
        match &meta.variant {
            MetaTypeVariant::Sequence(g) | MetaTypeVariant::All(g) => {
                if outer == Occurs::Many && g.elements.len() > 1 {
                    self.notes.insert(format!(
                        "{owner}: a repeated sequence of several elements is read and written as \
                         one list per element, which does not keep them interleaved"
                    ));
                }
                for el in g.elements.iter() {
                    self.element_member(el, outer, members, owner);
                }
            }
            MetaTypeVariant::Choice(g) => {
                let def = self.choice(g, owner);
                members.push(Member::Choice {
                    def,
                    occurs: outer,
                    name: "choice".into(),
                    rust_name: String::new(),
                });
            }
            _ => {}
        }
    }

    fn element_member(
        &mut self,
        el: &ElementMeta,
        outer: Occurs,
        members: &mut Vec<Member>,
        owner: &str,
    ) {
        let occ = combine(outer, occurs(el.min_occurs, el.max_occurs));
        match &el.variant {
            ElementMetaVariant::Type {
                type_,
                mode: ElementMode::Group,
            } => self.group_members(type_, occ, members, owner),
            ElementMetaVariant::Type {
                type_,
                mode: ElementMode::Element,
            } => {
                let xml_name = el.ident.name.as_str().to_owned();
                // A global element (used with `ref=`) is always qualified, whatever the
                // referring schema's `elementFormDefault`.
                let ns = match el.form {
                    _ if type_.type_ == IdentType::Element => self.ns_uri(el.ident.ns),
                    FormChoiceType::Qualified => self.ns_uri(el.ident.ns),
                    FormChoiceType::Unqualified => None,
                };
                let types = self.types;
                let variant = types.items.get(type_).map(|m| &m.variant);
                if let (IdentType::Element, Some(MetaTypeVariant::Dynamic(d))) =
                    (type_.type_, variant)
                {
                    // The head of a substitution group: any of its members may stand in its
                    // place (and the head itself, unless it is abstract).
                    let def = self.substitution_choice(type_, d);
                    members.push(Member::Choice {
                        def,
                        occurs: occ,
                        name: xml_name,
                        rust_name: String::new(),
                    });
                    return;
                }
                // A global element declared nillable keeps that when used with `ref=`.
                let nillable = el.nillable
                    || matches!(variant, Some(MetaTypeVariant::Reference(r)) if r.nillable);
                let ty = self.resolve(type_);
                members.push(Member::Element(ElementField {
                    secret: (self.secret)(&xml_name),
                    xml_name,
                    ns,
                    ty,
                    occurs: occ,
                    nillable,
                    docs: el.documentation.clone(),
                    rust_name: String::new(),
                    boxed: false,
                }));
            }
            ElementMetaVariant::Any { .. } => {
                if !members.iter().any(|m| matches!(m, Member::Any { .. })) {
                    members.push(Member::Any {
                        rust_name: String::new(),
                    });
                }
            }
            ElementMetaVariant::Text => {}
        }
    }

    fn choice(&mut self, g: &GroupMeta, owner: &str) -> usize {
        let idx = self.defs.len();
        self.defs.push(Def {
            rust_name: String::new(),
            xml_name: format!("a choice in `{owner}`"),
            docs: Vec::new(),
            kind: DefKind::Choice { alts: Vec::new() },
            default: false,
            open: false,
            sort_key: (3, String::new(), format!("{owner}Choice")),
        });
        let mut alts = Vec::new();
        let mut open = false;
        self.choice_alts(g, Occurs::One, owner, &mut alts, &mut open);
        self.defs[idx].kind = DefKind::Choice { alts };
        self.defs[idx].open = open;
        idx
    }

    /// The alternatives of a choice: its elements, and those of the groups nested in it. A
    /// choice nested in a choice adds its alternatives, and so does a substitution group; a
    /// sequence of several elements cannot be one alternative, so its elements become
    /// alternatives of their own (with a note). An `xs:any` sets `open`.
    fn choice_alts(
        &mut self,
        g: &GroupMeta,
        outer: Occurs,
        owner: &str,
        alts: &mut Vec<ChoiceAlt>,
        open: &mut bool,
    ) {
        let types = self.types;
        for el in g.elements.iter() {
            if let ElementMetaVariant::Type {
                type_,
                mode: ElementMode::Group,
            } = &el.variant
            {
                let occ = combine(outer, occurs(el.min_occurs, el.max_occurs));
                match types.items.get(type_).map(|m| &m.variant) {
                    Some(MetaTypeVariant::Choice(inner)) => {
                        self.choice_alts(inner, occ, owner, alts, open);
                        continue;
                    }
                    Some(MetaTypeVariant::Sequence(inner) | MetaTypeVariant::All(inner))
                        if inner.elements.len() > 1 =>
                    {
                        self.notes.insert(format!(
                            "{owner}: a sequence of several elements inside a choice is read and \
                             written as if each of its elements were an alternative of its own"
                        ));
                    }
                    _ => {}
                }
            }
            let mut flat = Vec::new();
            self.element_member(el, outer, &mut flat, owner);
            for m in flat {
                match m {
                    Member::Element(f) => alts.push(ChoiceAlt {
                        xml_name: f.xml_name,
                        secret: f.secret,
                        ns: f.ns,
                        ty: f.ty,
                        many: f.occurs == Occurs::Many,
                        nillable: f.nillable,
                        docs: f.docs,
                        variant: String::new(),
                        boxed: false,
                    }),
                    Member::Choice { def, occurs, .. } => {
                        if let DefKind::Choice { alts: members } = &self.defs[def].kind {
                            for a in members {
                                let mut a = a.clone();
                                a.many |= occurs == Occurs::Many;
                                alts.push(a);
                            }
                        }
                        *open |= self.defs[def].open;
                    }
                    Member::Any { .. } => *open = true,
                }
            }
        }
    }

    /// The choice enum for the substitution group of the element `head`: one alternative per
    /// element that may appear in its place (made once per head).
    fn substitution_choice(&mut self, head: &TypeIdent, d: &DynamicMeta) -> usize {
        if let Some(idx) = self.substitutions.get(head) {
            return *idx;
        }
        let head_name = head.name.as_str().to_owned();
        let head_ns = self.ns_uri(head.ns);
        let idx = self.defs.len();
        self.defs.push(Def {
            rust_name: String::new(),
            xml_name: match &head_ns {
                Some(ns) => format!("the substitution group of element `{{{ns}}}{head_name}`"),
                None => format!("the substitution group of element `{head_name}`"),
            },
            docs: Vec::new(),
            kind: DefKind::Choice { alts: Vec::new() },
            default: false,
            open: false,
            sort_key: (3, String::new(), format!("{head_name}Choice")),
        });
        self.substitutions.insert(head.clone(), idx);
        let mut alts = Vec::new();
        for derived in &d.derived_types {
            let t = &derived.type_;
            // A member element, or (for a head that is not abstract) the head's own type.
            let (xml_name, ns) = match t.type_ {
                IdentType::Element => (t.name.as_str().to_owned(), self.ns_uri(t.ns)),
                _ => (head_name.clone(), head_ns.clone()),
            };
            let ty = self.resolve(t);
            alts.push(ChoiceAlt {
                secret: false,
                xml_name,
                ns,
                ty,
                many: false,
                nillable: false,
                docs: Vec::new(),
                variant: String::new(),
                boxed: false,
            });
        }
        self.defs[idx].kind = DefKind::Choice { alts };
        idx
    }

    /// Assigns Rust names (types, fields, variants) and boxes recursive fields.
    pub(crate) fn finish(&mut self, reserved: &[&str]) {
        let mut order: Vec<usize> = (0..self.defs.len()).collect();
        order.sort_by(|a, b| self.defs[*a].sort_key.cmp(&self.defs[*b].sort_key));
        // Prelude names stay free, so that the generated code can use them unqualified.
        let mut scope = Scope::with_reserved(&[
            "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "Self",
        ]);
        for r in reserved {
            scope.claim((*r).to_owned());
        }
        for i in order {
            let base = match &self.defs[i].kind {
                DefKind::Choice { .. } => self.defs[i].sort_key.2.clone(),
                _ => self.defs[i].sort_key.2.clone(),
            };
            self.defs[i].rust_name = scope.claim(naming::type_name(&base));
        }
        for i in 0..self.defs.len() {
            let owner_name = self.defs[i].rust_name.clone();
            let open = self.defs[i].open;
            match &mut self.defs[i].kind {
                DefKind::Struct {
                    attributes,
                    members,
                    text,
                } => {
                    let mut fields = Scope::default();
                    if text.is_some() {
                        fields.claim("value".into());
                    }
                    for a in attributes.iter_mut() {
                        a.rust_name = fields.claim(naming::field_name(&a.xml_name));
                    }
                    for m in members.iter_mut() {
                        match m {
                            Member::Element(f) => {
                                f.rust_name = fields.claim(naming::field_name(&f.xml_name));
                            }
                            Member::Choice {
                                name, rust_name, ..
                            } => {
                                *rust_name = fields.claim(naming::field_name(name));
                            }
                            Member::Any { rust_name } => {
                                *rust_name = fields.claim("any".into());
                            }
                        }
                    }
                }
                DefKind::Enum { values } => {
                    let prefix = common_prefix(values.iter().map(|v| v.value.as_str()));
                    let mut variants = Scope::with_reserved(&["Unknown"]);
                    for v in values.iter_mut() {
                        let short = &v.value[prefix..];
                        v.variant = variants.claim(naming::type_name(short));
                    }
                }
                DefKind::Choice { alts } => {
                    let mut variants = Scope::default();
                    if open {
                        variants.claim("Other".into());
                    }
                    for a in alts.iter_mut() {
                        a.variant = variants.claim(naming::type_name(&a.xml_name));
                    }
                }
                DefKind::Derived { variants } => {
                    let mut names = Scope::default();
                    for v in variants.iter_mut() {
                        v.variant = names.claim(naming::type_name(&v.name));
                    }
                }
            }
            let _ = owner_name;
        }
        self.box_recursive();
        self.find_defaults();
    }

    /// Whether a value of type `t` has a default that is a valid value: not an enumeration or a
    /// choice (no value is more natural than the others), not `xs:decimal` (whose empty default
    /// is not a number); a struct or an enum over derived types when it was found to have one.
    fn has_default(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::Builtin { path, .. } => *path != "xml::Decimal",
            TypeRef::List(_) => true,
            TypeRef::Def(d) => self.defs[*d].default,
        }
    }

    /// Marks the structs whose every field has a default (an absent optional element, an empty
    /// list, or a required value whose type has one). The least fixed point, so that a required
    /// field that leads back to its own struct gives no `Default` (it would never end).
    fn find_defaults(&mut self) {
        loop {
            let mut changed = false;
            for i in 0..self.defs.len() {
                if self.defs[i].default {
                    continue;
                }
                let ok = match &self.defs[i].kind {
                    DefKind::Struct {
                        attributes,
                        members,
                        text,
                    } => {
                        text.as_ref().is_none_or(|t| self.has_default(t))
                            && attributes
                                .iter()
                                .all(|a| !a.required || self.has_default(&a.ty))
                            && members.iter().all(|m| match m {
                                Member::Element(f) => {
                                    f.occurs != Occurs::One || f.nillable || self.has_default(&f.ty)
                                }
                                Member::Choice { occurs, .. } => *occurs != Occurs::One,
                                Member::Any { .. } => true,
                            })
                    }
                    // The base type's default, when the base is concrete.
                    DefKind::Derived { variants } => variants
                        .iter()
                        .any(|v| v.is_base && self.defs[v.def].default),
                    _ => false,
                };
                if ok {
                    self.defs[i].default = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Types reachable from `def` through fields held by value (not inside a `Vec`, and not in
    /// a struct field already boxed).
    fn by_value_edges(&self, def: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let push = |t: &TypeRef, out: &mut Vec<usize>| {
            if let TypeRef::Def(d) = t {
                out.push(*d);
            }
        };
        match &self.defs[def].kind {
            DefKind::Struct { members, text, .. } => {
                if let Some(t) = text {
                    push(t, &mut out);
                }
                for m in members {
                    match m {
                        Member::Element(f) if f.occurs != Occurs::Many && !f.boxed => {
                            push(&f.ty, &mut out)
                        }
                        Member::Choice { def, occurs, .. } if *occurs != Occurs::Many => {
                            out.push(*def)
                        }
                        _ => {}
                    }
                }
            }
            DefKind::Choice { alts } => {
                for a in alts.iter().filter(|a| !a.many) {
                    push(&a.ty, &mut out);
                }
            }
            DefKind::Derived { variants } => out.extend(variants.iter().map(|v| v.def)),
            DefKind::Enum { .. } => {}
        }
        out
    }

    fn reaches(&self, from: usize, target: usize) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(d) = stack.pop() {
            if d == target {
                return true;
            }
            if seen.insert(d) {
                stack.extend(self.by_value_edges(d));
            }
        }
        false
    }

    /// Boxes what makes a type contain itself: first the struct fields on such a cycle, then
    /// the enum variants on a cycle that no boxed field breaks.
    fn box_recursive(&mut self) {
        for i in 0..self.defs.len() {
            let decisions: Vec<bool> = match &self.defs[i].kind {
                DefKind::Struct { members, .. } => members
                    .iter()
                    .map(|m| match m {
                        Member::Element(f) if f.occurs != Occurs::Many => {
                            matches!(f.ty, TypeRef::Def(d) if self.reaches(d, i))
                        }
                        _ => false,
                    })
                    .collect(),
                _ => continue,
            };
            if let DefKind::Struct { members, .. } = &mut self.defs[i].kind {
                for (m, b) in members.iter_mut().zip(decisions) {
                    if let Member::Element(f) = m {
                        f.boxed = b;
                    }
                }
            }
        }
        for i in 0..self.defs.len() {
            let decisions: Vec<bool> = match &self.defs[i].kind {
                DefKind::Choice { alts } => alts
                    .iter()
                    .map(|a| !a.many && matches!(a.ty, TypeRef::Def(d) if self.reaches(d, i)))
                    .collect(),
                DefKind::Derived { variants } => {
                    variants.iter().map(|v| self.reaches(v.def, i)).collect()
                }
                _ => continue,
            };
            match &mut self.defs[i].kind {
                DefKind::Choice { alts } => {
                    for (a, b) in alts.iter_mut().zip(decisions) {
                        a.boxed = b;
                    }
                }
                DefKind::Derived { variants } => {
                    for (v, b) in variants.iter_mut().zip(decisions) {
                        v.boxed = b;
                    }
                }
                _ => {}
            }
        }
    }
}

/// The length of the prefix, ending in `_`, that all `values` share and that leaves each of them
/// a name starting with a letter (so `setGroup_OK`, `setGroup_Error` give `OK`, `Error`).
fn common_prefix<'a>(values: impl Iterator<Item = &'a str> + Clone) -> usize {
    let mut iter = values.clone();
    let Some(first) = iter.next() else { return 0 };
    if iter.next().is_none() {
        return 0;
    }
    let mut best = 0;
    for (i, _) in first.match_indices('_') {
        let prefix = &first[..=i];
        let fits = values.clone().all(|v| {
            v.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()))
        });
        if fits {
            best = i + 1;
        } else {
            break;
        }
    }
    best
}

fn raw_xml() -> TypeRef {
    TypeRef::Builtin {
        path: "xml::RawXml",
        xsd: "raw XML".into(),
    }
}
