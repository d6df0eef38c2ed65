//! The WSDL 1.1 front end: reads definitions, messages, port types, bindings and services, and
//! collects the inline schemas, following `wsdl:import` to local files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use crate::error::Error;

pub(crate) const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
pub(crate) const SOAP11_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
pub(crate) const SOAP12_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
pub(crate) const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// A namespace-qualified name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QName {
    /// Namespace URI (empty for no namespace).
    pub ns: String,
    /// Local name.
    pub name: String,
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ns.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{{{}}}{}", self.ns, self.name)
        }
    }
}

/// SOAP version of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    /// SOAP 1.1 (`soap:binding`).
    V11,
    /// SOAP 1.2 (`soap12:binding`).
    V12,
}

/// `style` of a SOAP binding or operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `document`: the body holds the message parts' elements.
    Document,
    /// `rpc`: the body holds one element named after the operation, with one child per part.
    Rpc,
}

/// One part of a message.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part name.
    pub name: String,
    /// `element=` reference.
    pub element: Option<QName>,
    /// `type=` reference.
    pub type_: Option<QName>,
    /// Where it is written.
    pub location: Location,
}

/// A `wsdl:message`.
#[derive(Debug, Clone)]
pub struct Message {
    /// Its name.
    pub name: QName,
    /// Its parts, in order.
    pub parts: Vec<Part>,
}

/// An operation of a port type.
#[derive(Debug, Clone)]
pub struct AbstractOperation {
    /// Operation name.
    pub name: String,
    /// Documentation text.
    pub documentation: Option<String>,
    /// Input message.
    pub input: Option<QName>,
    /// Output message.
    pub output: Option<QName>,
    /// Fault messages, by fault name.
    pub faults: Vec<(String, QName)>,
}

/// A `wsdl:portType`.
#[derive(Debug, Clone)]
pub struct PortType {
    /// Its name.
    pub name: QName,
    /// Documentation text.
    pub documentation: Option<String>,
    /// Its operations.
    pub operations: Vec<AbstractOperation>,
}

/// The body (and declared headers) of one direction of a bound operation.
#[derive(Debug, Clone, Default)]
pub struct BoundMessage {
    /// The `namespace` attribute (rpc style).
    pub namespace: Option<String>,
    /// The `parts` attribute, when it restricts the body to some parts.
    pub parts: Option<Vec<String>>,
    /// Headers declared with `soap:header`: (message, part).
    pub headers: Vec<(QName, String)>,
}

/// An operation of a SOAP binding.
#[derive(Debug, Clone)]
pub struct BindingOperation {
    /// Operation name (matches the port type's operation).
    pub name: String,
    /// The SOAPAction (empty when not declared).
    pub soap_action: String,
    /// Style in force for the operation.
    pub style: Style,
    /// Input binding.
    pub input: BoundMessage,
    /// Output binding.
    pub output: BoundMessage,
}

/// A `wsdl:binding`.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Its name.
    pub name: QName,
    /// The port type it binds.
    pub port_type: QName,
    /// SOAP version, or `None` for a binding that is not SOAP over HTTP (HTTP GET/POST, ...).
    pub version: Option<SoapVersion>,
    /// Its operations.
    pub operations: Vec<BindingOperation>,
}

/// A `wsdl:port`.
#[derive(Debug, Clone)]
pub struct Port {
    /// Its name.
    pub name: String,
    /// The binding it uses.
    pub binding: QName,
    /// The endpoint address.
    pub address: Option<String>,
}

/// A `wsdl:service`.
#[derive(Debug, Clone)]
pub struct Service {
    /// Its name.
    pub name: String,
    /// Documentation text.
    pub documentation: Option<String>,
    /// Its ports.
    pub ports: Vec<Port>,
}

/// An XML Schema found inside `wsdl:types`, made standalone.
#[derive(Debug, Clone)]
pub struct InlineSchema {
    /// The file it came from.
    pub file: PathBuf,
    /// Its position among that file's schemas.
    pub index: usize,
    /// The schema text, with the namespace declarations inherited from the WSDL added.
    pub text: String,
    /// Its `targetNamespace` (empty for none).
    pub target_namespace: String,
    /// Whether it has an `xs:import` without `schemaLocation` (of another inline schema).
    pub has_bare_import: bool,
    /// What xsd-parser's model does not keep (abstract types, repeated element names).
    pub(crate) scan: crate::schema::Scan,
}

/// Everything read from a WSDL file and the WSDL files it imports.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    /// The files read, in order (the first is the one given).
    pub files: Vec<PathBuf>,
    /// The first file's target namespace.
    pub target_namespace: String,
    /// The first file's documentation.
    pub documentation: Option<String>,
    /// All messages.
    pub messages: Vec<Message>,
    /// The index in `messages` of each message name (the first, if one is defined twice).
    message_index: BTreeMap<QName, usize>,
    /// All port types.
    pub port_types: Vec<PortType>,
    /// All bindings.
    pub bindings: Vec<Binding>,
    /// All services.
    pub services: Vec<Service>,
    /// All inline schemas.
    pub schemas: Vec<InlineSchema>,
}

impl Definitions {
    /// Reads `path` and every WSDL it imports.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let mut defs = Definitions::default();
        let mut seen = BTreeSet::new();
        defs.read_file(path, &mut seen, None)?;
        Ok(defs)
    }

    fn read_file(
        &mut self,
        path: &Path,
        seen: &mut BTreeSet<PathBuf>,
        imported_from: Option<(&Path, String)>,
    ) -> Result<(), Error> {
        let canonical = path.canonicalize().map_err(|e| match &imported_from {
            Some((from, element)) => Error::at(
                from,
                element.clone(),
                "wsdl:import",
                format!("cannot read the imported file {}: {e}", path.display()),
            ),
            None => Error::io(path, e),
        })?;
        if !seen.insert(canonical.clone()) {
            return Ok(());
        }
        let text = std::fs::read_to_string(&canonical).map_err(|e| Error::io(&canonical, e))?;
        self.files.push(canonical.clone());
        let doc = parse_xml(&canonical, &text)?;
        let root = doc.root_element();
        if !root.has_tag_name((WSDL_NS, "definitions")) {
            return Err(Error::at(
                &canonical,
                describe(root),
                "root element",
                "not a WSDL 1.1 document: the root element must be wsdl:definitions \
                 (a WSDL 2.0 `description` is not supported)",
            ));
        }
        let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
        if self.files.len() == 1 {
            self.target_namespace = tns.clone();
            self.documentation = documentation(root);
        }
        let file = canonical.as_path();
        for child in root.children().filter(Node::is_element) {
            if child.tag_name().namespace() != Some(WSDL_NS) {
                continue;
            }
            match child.tag_name().name() {
                "import" => {
                    if let Some(location) = child.attribute("location") {
                        let target = resolve_local(file, location, child)?;
                        self.read_file(&target, seen, Some((file, describe(child))))?;
                    }
                }
                "types" => {
                    for schema in child
                        .children()
                        .filter(|n| n.has_tag_name((XS_NS, "schema")))
                    {
                        let index = self.schemas.iter().filter(|s| s.file == file).count();
                        let mut scan = crate::schema::Scan::default();
                        scan.node(file, schema);
                        self.schemas.push(InlineSchema {
                            file: file.to_owned(),
                            index,
                            text: standalone_schema(&text, schema),
                            target_namespace: schema
                                .attribute("targetNamespace")
                                .unwrap_or("")
                                .to_owned(),
                            has_bare_import: schema.children().any(|n| {
                                n.has_tag_name((XS_NS, "import"))
                                    && n.attribute("schemaLocation").is_none()
                            }),
                            scan,
                        });
                    }
                }
                "message" => {
                    let message = read_message(file, child, &tns)?;
                    self.message_index
                        .entry(message.name.clone())
                        .or_insert(self.messages.len());
                    self.messages.push(message);
                }
                "portType" => self.port_types.push(read_port_type(file, child, &tns)?),
                "binding" => self.bindings.push(read_binding(file, child, &tns)?),
                "service" => self.services.push(read_service(file, child)?),
                _ => {}
            }
        }
        Ok(())
    }

    /// The message named `name`.
    pub fn message(&self, name: &QName) -> Option<&Message> {
        self.message_index.get(name).map(|i| &self.messages[*i])
    }

    /// The port type named `name`.
    pub fn port_type(&self, name: &QName) -> Option<&PortType> {
        self.port_types.iter().find(|p| &p.name == name)
    }

    /// The binding named `name`.
    pub fn binding(&self, name: &QName) -> Option<&Binding> {
        self.bindings.iter().find(|b| &b.name == name)
    }
}

/// Parses XML text, refusing DTDs.
pub(crate) fn parse_xml<'a>(file: &Path, text: &'a str) -> Result<Document<'a>, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Error::at(
            file,
            format!("line {}, column {}", pos.row, pos.col),
            "XML",
            e.to_string(),
        )
    })
}

/// Where an element is written, for messages: its file, tag, `name` attribute and byte offset.
///
/// The line is worked out only when the description is asked for: counting lines for every
/// element of a large WSDL up front costs more than the rest of the generator together.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    tag: String,
    name: Option<String>,
    offset: usize,
}

impl Location {
    /// The location of `node` in `file`.
    pub(crate) fn of(file: &Path, node: Node<'_, '_>) -> Self {
        Self {
            file: file.to_owned(),
            tag: node.tag_name().name().to_owned(),
            name: node.attribute("name").map(str::to_owned),
            offset: node.range().start,
        }
    }

    /// `<tag name="..."> at line N`, as [`describe`] gives it (the file is read again to count
    /// the lines; `at byte N` if it cannot be).
    pub(crate) fn describe(&self) -> String {
        let at = match std::fs::read(&self.file) {
            Ok(bytes) if self.offset <= bytes.len() => {
                let line = bytes[..self.offset].iter().filter(|b| **b == b'\n').count() + 1;
                format!("at line {line}")
            }
            _ => format!("at byte {}", self.offset),
        };
        let tag = &self.tag;
        match &self.name {
            Some(n) => format!("<{tag} name=\"{n}\"> {at}"),
            None => format!("<{tag}> {at}"),
        }
    }
}

/// A short description of where a node is: its tag, its `name` attribute and its line.
pub(crate) fn describe(node: Node<'_, '_>) -> String {
    let doc = node.document();
    let line = doc.text_pos_at(node.range().start).row;
    let tag = node.tag_name().name();
    match node.attribute("name") {
        Some(n) => format!("<{tag} name=\"{n}\"> at line {line}"),
        None => format!("<{tag}> at line {line}"),
    }
}

/// Resolves a `location` to a local file next to `file`, refusing remote locations.
pub(crate) fn resolve_local(
    file: &Path,
    location: &str,
    node: Node<'_, '_>,
) -> Result<PathBuf, Error> {
    if location.contains("://") && !location.starts_with("file://") {
        return Err(Error::at(
            file,
            describe(node),
            node.tag_name().name(),
            format!(
                "refers to the remote location {location:?}; the generator never uses the network: \
                 save the file next to the WSDL and refer to it by a relative path"
            ),
        ));
    }
    let location = location.strip_prefix("file://").unwrap_or(location);
    let base = file.parent().unwrap_or_else(|| Path::new("."));
    Ok(base.join(location))
}

fn documentation(node: Node<'_, '_>) -> Option<String> {
    let doc = node
        .children()
        .find(|n| n.has_tag_name((WSDL_NS, "documentation")))?;
    let text: String = doc
        .descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Resolves a prefixed name in an attribute against the node's namespace scope.
fn qname(file: &Path, node: Node<'_, '_>, value: &str) -> Result<QName, Error> {
    let (prefix, local) = match value.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, value),
    };
    let ns = node.lookup_namespace_uri(prefix);
    match (ns, prefix) {
        (Some(ns), _) => Ok(QName {
            ns: ns.to_owned(),
            name: local.to_owned(),
        }),
        (None, None) => Ok(QName {
            ns: String::new(),
            name: local.to_owned(),
        }),
        (None, Some(p)) => Err(Error::at(
            file,
            describe(node),
            node.tag_name().name(),
            format!("the prefix `{p}` in {value:?} is not declared"),
        )),
    }
}

fn required<'a>(file: &Path, node: Node<'a, '_>, attr: &str) -> Result<&'a str, Error> {
    node.attribute(attr).ok_or_else(|| {
        Error::at(
            file,
            describe(node),
            node.tag_name().name(),
            format!("the `{attr}` attribute is missing"),
        )
    })
}

fn local_qname(tns: &str, name: &str) -> QName {
    QName {
        ns: tns.to_owned(),
        name: name.to_owned(),
    }
}

fn read_message(file: &Path, node: Node<'_, '_>, tns: &str) -> Result<Message, Error> {
    let name = local_qname(tns, required(file, node, "name")?);
    let mut parts = Vec::new();
    for p in node
        .children()
        .filter(|n| n.has_tag_name((WSDL_NS, "part")))
    {
        parts.push(Part {
            name: required(file, p, "name")?.to_owned(),
            element: p
                .attribute("element")
                .map(|v| qname(file, p, v))
                .transpose()?,
            type_: p.attribute("type").map(|v| qname(file, p, v)).transpose()?,
            location: Location::of(file, p),
        });
    }
    Ok(Message { name, parts })
}

fn read_port_type(file: &Path, node: Node<'_, '_>, tns: &str) -> Result<PortType, Error> {
    let name = local_qname(tns, required(file, node, "name")?);
    let mut operations = Vec::new();
    for op in node
        .children()
        .filter(|n| n.has_tag_name((WSDL_NS, "operation")))
    {
        let msg = |tag: &str| -> Result<Option<QName>, Error> {
            op.children()
                .find(|n| n.has_tag_name((WSDL_NS, tag)))
                .map(|n| qname(file, n, required(file, n, "message")?))
                .transpose()
        };
        let mut faults = Vec::new();
        for f in op.children().filter(|n| n.has_tag_name((WSDL_NS, "fault"))) {
            faults.push((
                f.attribute("name").unwrap_or("").to_owned(),
                qname(file, f, required(file, f, "message")?)?,
            ));
        }
        operations.push(AbstractOperation {
            name: required(file, op, "name")?.to_owned(),
            documentation: documentation(op),
            input: msg("input")?,
            output: msg("output")?,
            faults,
        });
    }
    Ok(PortType {
        name,
        documentation: documentation(node),
        operations,
    })
}

fn soap_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<(SoapVersion, Node<'a, 'i>)> {
    node.children().find_map(|n| {
        if n.has_tag_name((SOAP11_BINDING_NS, name)) {
            Some((SoapVersion::V11, n))
        } else if n.has_tag_name((SOAP12_BINDING_NS, name)) {
            Some((SoapVersion::V12, n))
        } else {
            None
        }
    })
}

fn parse_style(file: &Path, node: Node<'_, '_>, default: Style) -> Result<Style, Error> {
    match node.attribute("style") {
        None => Ok(default),
        Some("document") => Ok(Style::Document),
        Some("rpc") => Ok(Style::Rpc),
        Some(other) => Err(Error::at(
            file,
            describe(node),
            "style",
            format!("unknown style {other:?} (expected document or rpc)"),
        )),
    }
}

/// Refuses SOAP encoding (`use="encoded"`, as in rpc/encoded services): only literal XML can be
/// generated from the schema, so no operation of such a binding could be called correctly.
fn refuse_encoded(file: &Path, op: Node<'_, '_>, node: Node<'_, '_>) -> Result<(), Error> {
    if node.attribute("use") != Some("encoded") {
        return Ok(());
    }
    let binding = op.parent_element().map(describe).unwrap_or_default();
    Err(Error::at(
        file,
        format!("{} in {binding}", describe(op)),
        format!("soap:{} use=\"encoded\"", node.tag_name().name()),
        "SOAP encoding (rpc/encoded or document/encoded) is not supported: only \
         use=\"literal\" messages can be generated from the schema",
    ))
}

fn read_bound_message(
    file: &Path,
    op: Node<'_, '_>,
    node: Option<Node<'_, '_>>,
) -> Result<BoundMessage, Error> {
    let Some(node) = node else {
        return Ok(BoundMessage::default());
    };
    let mut bound = BoundMessage::default();
    if let Some((_, body)) = soap_child(node, "body") {
        refuse_encoded(file, op, body)?;
        bound.namespace = body.attribute("namespace").map(str::to_owned);
        bound.parts = body
            .attribute("parts")
            .map(|p| p.split_whitespace().map(str::to_owned).collect());
    }
    for n in node.children().filter(|n| {
        n.has_tag_name((SOAP11_BINDING_NS, "header"))
            || n.has_tag_name((SOAP12_BINDING_NS, "header"))
    }) {
        refuse_encoded(file, op, n)?;
        let message = qname(file, n, required(file, n, "message")?)?;
        bound
            .headers
            .push((message, required(file, n, "part")?.to_owned()));
    }
    Ok(bound)
}

fn read_binding(file: &Path, node: Node<'_, '_>, tns: &str) -> Result<Binding, Error> {
    let name = local_qname(tns, required(file, node, "name")?);
    let port_type = qname(file, node, required(file, node, "type")?)?;
    let soap = soap_child(node, "binding");
    let version = soap.map(|(v, _)| v);
    let default_style = match soap {
        Some((_, b)) => parse_style(file, b, Style::Document)?,
        None => Style::Document,
    };
    let mut operations = Vec::new();
    if version.is_some() {
        for op in node
            .children()
            .filter(|n| n.has_tag_name((WSDL_NS, "operation")))
        {
            let soap_op = soap_child(op, "operation").map(|(_, n)| n);
            let style = match soap_op {
                Some(n) => parse_style(file, n, default_style)?,
                None => default_style,
            };
            let child = |tag: &str| op.children().find(|n| n.has_tag_name((WSDL_NS, tag)));
            operations.push(BindingOperation {
                name: required(file, op, "name")?.to_owned(),
                soap_action: soap_op
                    .and_then(|n| n.attribute("soapAction"))
                    .unwrap_or("")
                    .to_owned(),
                style,
                input: read_bound_message(file, op, child("input"))?,
                output: read_bound_message(file, op, child("output"))?,
            });
        }
    }
    Ok(Binding {
        name,
        port_type,
        version,
        operations,
    })
}

fn read_service(file: &Path, node: Node<'_, '_>) -> Result<Service, Error> {
    let mut ports = Vec::new();
    for p in node
        .children()
        .filter(|n| n.has_tag_name((WSDL_NS, "port")))
    {
        ports.push(Port {
            name: required(file, p, "name")?.to_owned(),
            binding: qname(file, p, required(file, p, "binding")?)?,
            address: soap_child(p, "address")
                .and_then(|(_, a)| a.attribute("location"))
                .map(str::to_owned),
        });
    }
    Ok(Service {
        name: required(file, node, "name")?.to_owned(),
        documentation: documentation(node),
        ports,
    })
}

/// The schema element's text, with the namespace declarations it inherits from its ancestors
/// added to its start tag, so that it can be parsed on its own.
pub(crate) fn standalone_schema(text: &str, schema: Node<'_, '_>) -> String {
    let raw = &text[schema.range()];
    let name_end = raw[1..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .map_or(raw.len(), |i| i + 1);
    let head_end = raw.find('>').unwrap_or(raw.len());
    let head = &raw[..head_end];
    let mut decls = String::new();
    for ns in schema.namespaces() {
        let attr = match ns.name() {
            Some(p) => format!("xmlns:{p}="),
            None => "xmlns=".to_owned(),
        };
        let declared_here = head.contains(&format!(" {attr}"))
            || head.contains(&format!("\n{attr}"))
            || head.contains(&format!("\t{attr}"))
            || head.contains(&format!("\r{attr}"));
        if !declared_here && ns.name() != Some("xml") {
            decls.push(' ');
            decls.push_str(&attr);
            decls.push('"');
            decls.push_str(&ns.uri().replace('&', "&amp;").replace('"', "&quot;"));
            decls.push('"');
        }
    }
    format!("{}{}{}", &raw[..name_end], decls, &raw[name_end..])
}
