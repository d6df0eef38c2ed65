//! A WSDL (or XML Schema) as a reader wants to see it before writing code: its services and
//! ports, each operation with the signature of the client method the generator gives it, and
//! the types with their fields: Rust name, Rust type and XML name. The `wsdl-show` binary prints
//! it.

use std::fmt::Write as _;
use std::path::Path;

use crate::model::{Def, DefKind, Member, Model, Occurs, TypeRef};
use crate::render::PortClient;
use crate::wsdl::{Definitions, SoapVersion};
use crate::{ports, schema, secret_predicate, Error, Options};

/// Describes the WSDL file `path` (or, for a `.xsd` file, the bare schema) as text: services,
/// ports (binding, SOAP version, address), operations with the Rust signatures of their client
/// methods, the types with their fields, and the generator's warnings.
///
/// The names and types are those [`generate_wsdl`](crate::generate_wsdl) gives with the same
/// `options`. The layout of the text is meant for people and may change.
pub fn show(path: &Path, options: &Options) -> Result<String, Error> {
    let secret = secret_predicate(options);
    let mut out = String::new();
    if path.extension().is_some_and(|e| e == "xsd") {
        let schemas = schema::load(schema::SchemaSource::File(path), path)?;
        let mut model = Model::new(&schemas.types, &secret);
        model.set_abstract_types(schemas.abstract_types.clone());
        for element in model.global_elements() {
            model.element(&element);
        }
        model.finish(&[]);
        let mut warnings = schemas.notes.clone();
        warnings.extend(model.notes.iter().cloned());
        let _ = writeln!(out, "Schema {}", path.display());
        write_types(&mut out, &model);
        write_warnings(&mut out, &warnings);
        return Ok(out);
    }
    let defs = Definitions::read(path)?;
    let main = defs
        .files
        .first()
        .cloned()
        .unwrap_or_else(|| path.to_owned());
    let schemas = schema::load(schema::SchemaSource::Inline(&defs.schemas), &main)?;
    let mut warnings = schemas.notes.clone();
    let (model, clients) = ports::wsdl_model(&defs, &schemas, &secret, &mut warnings)?;
    let _ = write!(out, "WSDL {}", path.display());
    if !defs.target_namespace.is_empty() {
        let _ = write!(out, " (target namespace {})", defs.target_namespace);
    }
    out.push('\n');
    if let Some(doc) = &defs.documentation {
        let _ = writeln!(out, "  {}", one_line(doc));
    }
    let mut services: Vec<&str> = Vec::new();
    for c in &clients {
        if !services.contains(&c.service.as_str()) {
            services.push(&c.service);
        }
    }
    for service in services {
        out.push('\n');
        if service.is_empty() {
            let _ = writeln!(out, "Bindings that no port uses");
        } else {
            let _ = writeln!(out, "Service {service}");
        }
        for c in clients.iter().filter(|c| c.service == service) {
            write_port(&mut out, &model, c);
        }
    }
    write_types(&mut out, &model);
    write_warnings(&mut out, &warnings);
    Ok(out)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_port(out: &mut String, model: &Model<'_>, c: &PortClient) {
    let version = match c.version {
        SoapVersion::V11 => "SOAP 1.1",
        SoapVersion::V12 => "SOAP 1.2",
    };
    if c.service.is_empty() {
        let _ = writeln!(out, "  Binding {} ({version})", c.binding);
    } else {
        let _ = writeln!(out, "  Port {}", c.port);
        let _ = writeln!(out, "    binding {}, {version}", c.binding);
        match &c.address {
            Some(a) => {
                let _ = writeln!(out, "    address {a}");
            }
            None => {
                let _ = writeln!(out, "    no address");
            }
        }
    }
    let _ = writeln!(
        out,
        "    client {}::new(SoapClient), {} operation{}",
        c.rust_name,
        c.operations.len(),
        if c.operations.len() == 1 { "" } else { "s" }
    );
    for op in &c.operations {
        let mut signature = format!(
            "async fn {}(&self, request: &{}",
            op.rust_name,
            type_text(model, &op.input.1)
        );
        for h in &op.headers {
            let _ = write!(signature, ", {}: &{}", h.rust_name, type_text(model, &h.ty));
        }
        let ret = op
            .output
            .as_ref()
            .map_or_else(|| "()".to_owned(), |(_, t)| type_text(model, t));
        let _ = write!(signature, ") -> Result<{ret}, Error>");
        let _ = write!(out, "    {}", op.name);
        if op.rpc {
            out.push_str(" (rpc)");
        }
        if !op.soap_action.is_empty() {
            let _ = write!(out, "  (action {:?})", op.soap_action);
        }
        out.push('\n');
        let _ = writeln!(out, "      {signature}");
        let mut xml = format!("<{}>", op.input.0.name);
        for h in &op.headers {
            let _ = write!(xml, " + header <{}>", h.element.name);
        }
        match &op.output {
            Some((q, _)) => {
                let _ = write!(xml, " -> <{}>", q.name);
            }
            None => xml.push_str(" (one-way)"),
        }
        let _ = writeln!(out, "      {xml}");
    }
}

/// A field's or argument's Rust type, as the generated code writes it.
fn type_text(model: &Model<'_>, t: &TypeRef) -> String {
    match t {
        TypeRef::Builtin { path, .. } => (*path).to_owned(),
        TypeRef::Def(i) => model.defs[*i].rust_name.clone(),
        TypeRef::List(inner) => format!("xml::List<{}>", type_text(model, inner)),
    }
}

fn occurs_text(inner: String, occurs: Occurs, nillable: bool) -> String {
    match (occurs, nillable) {
        (Occurs::One, false) => inner,
        (Occurs::One, true) | (Occurs::Optional, false) => format!("Option<{inner}>"),
        (Occurs::Optional, true) => format!("Option<Option<{inner}>>"),
        (Occurs::Many, false) => format!("Vec<{inner}>"),
        (Occurs::Many, true) => format!("Vec<Option<{inner}>>"),
    }
}

fn write_types(out: &mut String, model: &Model<'_>) {
    let _ = writeln!(out, "\nTypes");
    for def in &model.defs {
        write_type(out, model, def);
    }
}

fn write_type(out: &mut String, model: &Model<'_>, def: &Def) {
    let what = def.xml_name.replace('`', "");
    match &def.kind {
        DefKind::Struct {
            attributes,
            members,
            text,
        } => {
            let _ = writeln!(out, "  struct {}  ({what})", def.rust_name);
            let mut rows: Vec<(String, String, String)> = Vec::new();
            if let Some(t) = text {
                rows.push(("value".into(), type_text(model, t), "(text content)".into()));
            }
            for a in attributes {
                let ty = type_text(model, &a.ty);
                let ty = if a.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                rows.push((a.rust_name.clone(), ty, format!("@{}", a.xml_name)));
            }
            for m in members {
                match m {
                    Member::Element(f) => {
                        let mut ty = type_text(model, &f.ty);
                        if f.boxed {
                            ty = format!("Box<{ty}>");
                        }
                        rows.push((
                            f.rust_name.clone(),
                            occurs_text(ty, f.occurs, f.nillable),
                            format!("<{}>", f.xml_name),
                        ));
                    }
                    Member::Choice {
                        def,
                        occurs,
                        rust_name,
                        ..
                    } => {
                        let choice = &model.defs[*def];
                        let ty = occurs_text(choice.rust_name.clone(), *occurs, false);
                        rows.push((rust_name.clone(), ty, "(one of its alternatives)".into()));
                    }
                    Member::Any { rust_name } => rows.push((
                        rust_name.clone(),
                        "Vec<xml::RawXml>".into(),
                        "(any other elements)".into(),
                    )),
                }
            }
            write_rows(out, &rows);
        }
        DefKind::Enum { values } => {
            let _ = writeln!(out, "  enum {}  ({what})", def.rust_name);
            let rows: Vec<(String, String, String)> = values
                .iter()
                .map(|v| (v.variant.clone(), String::new(), format!("{:?}", v.value)))
                .chain(std::iter::once((
                    "Unknown(String)".into(),
                    String::new(),
                    "(any other value)".into(),
                )))
                .collect();
            write_rows(out, &rows);
        }
        DefKind::Choice { alts } => {
            let _ = writeln!(out, "  enum {}  ({what})", def.rust_name);
            let mut rows: Vec<(String, String, String)> = alts
                .iter()
                .map(|a| {
                    let mut ty = type_text(model, &a.ty);
                    if a.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if a.nillable {
                        ty = format!("Option<{ty}>");
                    }
                    if a.many {
                        ty = format!("Vec<{ty}>");
                    }
                    (
                        format!("{}({ty})", a.variant),
                        String::new(),
                        format!("<{}>", a.xml_name),
                    )
                })
                .collect();
            if def.open {
                rows.push((
                    "Other(xml::RawXml)".into(),
                    String::new(),
                    "(any other element)".into(),
                ));
            }
            write_rows(out, &rows);
        }
        DefKind::Derived { variants } => {
            let _ = writeln!(out, "  enum {}  ({what}, by xsi:type)", def.rust_name);
            let rows: Vec<(String, String, String)> = variants
                .iter()
                .map(|v| {
                    let mut ty = model.defs[v.def].rust_name.clone();
                    if v.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    let name = match &v.ns {
                        Some(ns) => format!("{{{ns}}}{}", v.name),
                        None => v.name.clone(),
                    };
                    let xml = if v.is_base {
                        format!("{name} (no xsi:type)")
                    } else {
                        format!("xsi:type {name}")
                    };
                    (format!("{}({ty})", v.variant), String::new(), xml)
                })
                .collect();
            write_rows(out, &rows);
        }
    }
}

/// Rows of `name: type  xml`, aligned.
fn write_rows(out: &mut String, rows: &[(String, String, String)]) {
    let left: Vec<String> = rows
        .iter()
        .map(|(name, ty, _)| {
            if ty.is_empty() {
                name.clone()
            } else {
                format!("{name}: {ty}")
            }
        })
        .collect();
    let width = left.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for (l, (_, _, xml)) in left.iter().zip(rows) {
        let _ = writeln!(out, "      {l:width$}  {xml}");
    }
}

fn write_warnings(out: &mut String, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWarnings");
    for w in warnings {
        let _ = writeln!(out, "  {w}");
    }
}
