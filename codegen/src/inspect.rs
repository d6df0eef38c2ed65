//! What a service description holds, as the generator reads it: its operations and the types
//! they use, with their fields and enumeration values. For tools that list or compare service
//! descriptions (for example to tell what changed between two versions of a WSDL).
//!
//! ```no_run
//! let description = wsclient_build::inspect::describe_wsdl("wsdl/Service.asmx.wsdl".as_ref())?;
//! for op in &description.operations {
//!     println!("{} ({}): {} -> {:?}", op.name, op.binding, op.input, op.output);
//! }
//! for ty in &description.types {
//!     println!("{}", ty.name);
//! }
//! # Ok::<(), wsclient_build::Error>(())
//! ```

use std::path::Path;

use crate::model::{DefKind, Member, Model, Occurs, TypeRef};
use crate::wsdl::{Definitions, SoapVersion};
use crate::{schema, secret_predicate, Error, Options};

/// The operations and types of a service description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Description {
    /// The operations of every SOAP binding that a port uses, in WSDL order (empty for a bare
    /// schema).
    pub operations: Vec<OperationDesc>,
    /// The types the operations use (for a bare schema: its global elements and the types they
    /// use), in the order the generator meets them.
    pub types: Vec<TypeDesc>,
    /// What the generator would skip or represent loosely.
    pub warnings: Vec<String>,
}

/// One operation of one binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationDesc {
    /// The operation name.
    pub name: String,
    /// The binding's name.
    pub binding: String,
    /// `SOAP 1.1` or `SOAP 1.2`.
    pub version: &'static str,
    /// The SOAP action (empty when none is declared).
    pub soap_action: String,
    /// The request element, as `{namespace}name`.
    pub input: String,
    /// The type of the request element (see [`TypeDesc::name`] and [`FieldDesc::type_name`]).
    pub input_type: String,
    /// The response element, as `{namespace}name`; `None` for a one-way operation.
    pub output: Option<String>,
    /// The type of the response element.
    pub output_type: Option<String>,
}

/// What kind of type a [`TypeDesc`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// A complex type: attributes and child elements.
    Struct {
        /// Attributes first, then child elements (and choice alternatives) in schema order.
        fields: Vec<FieldDesc>,
    },
    /// An enumeration.
    Enum {
        /// The values, in schema order.
        values: Vec<String>,
    },
    /// An `xs:choice` (or a substitution group).
    Choice {
        /// The alternatives.
        alternatives: Vec<FieldDesc>,
    },
}

/// A type of the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDesc {
    /// The type's identity: `type {namespace}name`, `element {namespace}name` for the anonymous
    /// type of an element, `choice in <owner>` for a choice.
    pub name: String,
    /// The Rust name the generator gives it.
    pub rust_name: String,
    /// Its content.
    pub kind: TypeKind,
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// Exactly once (a required attribute, or `minOccurs="1" maxOccurs="1"`).
    Required,
    /// At most once.
    Optional,
    /// Any number of times.
    Repeated,
}

/// A field (attribute, child element or choice alternative) of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDesc {
    /// The XML name.
    pub name: String,
    /// The field's type: `xs:...` for a built-in type, otherwise a [`TypeDesc::name`].
    pub type_name: String,
    /// How often it occurs.
    pub occurs: Occurrence,
    /// Whether it may be `xsi:nil`.
    pub nillable: bool,
    /// Whether it is an attribute.
    pub attribute: bool,
}

/// Reads a WSDL file (and what it imports) the way the generator does, and describes it.
pub fn describe_wsdl(path: &Path) -> Result<Description, Error> {
    let options = Options::default();
    let defs = Definitions::read(path)?;
    let main = defs
        .files
        .first()
        .cloned()
        .unwrap_or_else(|| path.to_owned());
    let schemas = schema::load(schema::SchemaSource::Inline(&defs.schemas), &main)?;
    let secret = secret_predicate(&options);
    let mut model = Model::new(&schemas.types, &secret);
    let mut warnings = schemas.notes.clone();
    for message in &defs.messages {
        for part in &message.parts {
            match (&part.element, &part.type_) {
                (Some(e), _) => {
                    model.element(e);
                }
                (None, Some(t)) => {
                    model.type_(t);
                }
                (None, None) => {}
            }
        }
    }
    let ports = crate::build_ports(&defs, &mut model, &mut warnings);
    model.finish(&[]);
    warnings.extend(model.notes.iter().cloned());
    let mut operations = Vec::new();
    for port in &ports {
        for op in &port.operations {
            let desc = OperationDesc {
                name: op.name.clone(),
                binding: port.binding.clone(),
                version: match port.version {
                    SoapVersion::V11 => "SOAP 1.1",
                    SoapVersion::V12 => "SOAP 1.2",
                },
                soap_action: op.soap_action.clone(),
                input: op.input.0.to_string(),
                input_type: type_name(&model, &op.input.1),
                output: op.output.as_ref().map(|(q, _)| q.to_string()),
                output_type: op.output.as_ref().map(|(_, t)| type_name(&model, t)),
            };
            // Two ports on one binding give the same operations once.
            if !operations.contains(&desc) {
                operations.push(desc);
            }
        }
    }
    Ok(Description {
        operations,
        types: types(&model),
        warnings,
    })
}

/// Reads a bare XML Schema file the way the generator does, and describes its types.
pub fn describe_xsd(path: &Path) -> Result<Description, Error> {
    let options = Options::default();
    let schemas = schema::load(schema::SchemaSource::File(path), path)?;
    let secret = secret_predicate(&options);
    let mut model = Model::new(&schemas.types, &secret);
    for element in model.global_elements() {
        model.element(&element);
    }
    model.finish(&[]);
    let mut warnings = schemas.notes.clone();
    warnings.extend(model.notes.iter().cloned());
    Ok(Description {
        operations: Vec::new(),
        types: types(&model),
        warnings,
    })
}

/// `type {ns}name` from the model's ``type `{ns}name` ``.
fn def_name(xml_name: &str) -> String {
    xml_name.replace('`', "")
}

fn type_name(model: &Model<'_>, t: &TypeRef) -> String {
    match t {
        TypeRef::Builtin { xsd, .. } => xsd.clone(),
        TypeRef::Def(i) => def_name(&model.defs[*i].xml_name),
        TypeRef::List(inner) => format!("list of {}", type_name(model, inner)),
    }
}

fn occurrence(o: Occurs) -> Occurrence {
    match o {
        Occurs::One => Occurrence::Required,
        Occurs::Optional => Occurrence::Optional,
        Occurs::Many => Occurrence::Repeated,
    }
}

fn alternatives(model: &Model<'_>, def: usize, outer: Occurs) -> Vec<FieldDesc> {
    match &model.defs[def].kind {
        DefKind::Choice { alts } => alts
            .iter()
            .map(|a| FieldDesc {
                name: a.xml_name.clone(),
                type_name: type_name(model, &a.ty),
                occurs: if a.many || outer == Occurs::Many {
                    Occurrence::Repeated
                } else {
                    occurrence(outer)
                },
                nillable: a.nillable,
                attribute: false,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn types(model: &Model<'_>) -> Vec<TypeDesc> {
    model
        .defs
        .iter()
        .map(|def| {
            let kind = match &def.kind {
                DefKind::Struct {
                    attributes,
                    members,
                    text,
                } => {
                    let mut fields = Vec::new();
                    if let Some(t) = text {
                        fields.push(FieldDesc {
                            name: "(text)".into(),
                            type_name: type_name(model, t),
                            occurs: Occurrence::Required,
                            nillable: false,
                            attribute: false,
                        });
                    }
                    for a in attributes {
                        fields.push(FieldDesc {
                            name: a.xml_name.clone(),
                            type_name: type_name(model, &a.ty),
                            occurs: if a.required {
                                Occurrence::Required
                            } else {
                                Occurrence::Optional
                            },
                            nillable: false,
                            attribute: true,
                        });
                    }
                    for m in members {
                        match m {
                            Member::Element(el) => fields.push(FieldDesc {
                                name: el.xml_name.clone(),
                                type_name: type_name(model, &el.ty),
                                occurs: occurrence(el.occurs),
                                nillable: el.nillable,
                                attribute: false,
                            }),
                            Member::Choice { def, occurs, .. } => {
                                // A choice's alternatives are optional in the owner.
                                let outer = if *occurs == Occurs::Many {
                                    Occurs::Many
                                } else {
                                    Occurs::Optional
                                };
                                fields.extend(alternatives(model, *def, outer));
                            }
                            Member::Any { .. } => fields.push(FieldDesc {
                                name: "(any)".into(),
                                type_name: "raw XML".into(),
                                occurs: Occurrence::Repeated,
                                nillable: false,
                                attribute: false,
                            }),
                        }
                    }
                    TypeKind::Struct { fields }
                }
                DefKind::Enum { values } => TypeKind::Enum {
                    values: values.iter().map(|v| v.value.clone()).collect(),
                },
                // The types a value declared with a base type may be, named as `xsi:type`.
                DefKind::Derived { variants } => TypeKind::Choice {
                    alternatives: variants
                        .iter()
                        .map(|v| FieldDesc {
                            name: format!("xsi:type {}", v.name),
                            type_name: def_name(&model.defs[v.def].xml_name),
                            occurs: Occurrence::Optional,
                            nillable: false,
                            attribute: false,
                        })
                        .collect(),
                },
                DefKind::Choice { .. } => TypeKind::Choice {
                    alternatives: alternatives(
                        model,
                        model
                            .defs
                            .iter()
                            .position(|d| std::ptr::eq(d, def))
                            .unwrap_or(0),
                        Occurs::One,
                    ),
                },
            };
            TypeDesc {
                name: def_name(&def.xml_name),
                rust_name: def.rust_name.clone(),
                kind,
            }
        })
        .collect()
}
