//! The XML Schema side: runs xsd-parser's parser and interpreter over the inline schemas of a
//! WSDL (or a bare XSD) and the local files they import or include, and turns its failures into
//! errors that name the file, the element and the construct.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Cursor};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use roxmltree::Node;
use url::Url;
use xsd_parser::models::meta::MetaTypes;
use xsd_parser::pipeline::parser::resolver::{ResolveRequest, ResolveResult, Resolver};
use xsd_parser::pipeline::parser::Parser;
use xsd_parser::Interpreter;

use crate::error::Error;
use crate::wsdl::{describe, parse_xml, InlineSchema, XS_NS};

/// Serves inline schemas from memory and everything else from local files, and remembers what
/// it read so that diagnostics can look at the same files.
#[derive(Debug)]
struct LocalResolver {
    inline: BTreeMap<Url, String>,
    loaded: Rc<RefCell<Vec<PathBuf>>>,
}

impl Resolver for LocalResolver {
    type Buffer = Box<dyn BufRead>;
    type Error = String;

    fn resolve(&mut self, req: &ResolveRequest) -> ResolveResult<Self> {
        let url = match &req.current_location {
            Some(current) => current.join(&req.requested_location),
            None => Url::parse(&req.requested_location),
        }
        .map_err(|e| format!("bad location {:?}: {e}", req.requested_location))?;
        if let Some(text) = self.inline.get(&url) {
            let buffer: Box<dyn BufRead> = Box::new(Cursor::new(text.clone().into_bytes()));
            return Ok(Some((None, url, buffer)));
        }
        let from = req
            .current_location
            .as_ref()
            .and_then(|u| u.to_file_path().ok())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the generator".into());
        if url.scheme() != "file" {
            return Err(format!(
                "{from} refers to {:?}, which is not a local file; the generator never uses the \
                 network: save it next to the WSDL and refer to it by a relative path",
                req.requested_location
            ));
        }
        let path = url
            .to_file_path()
            .map_err(|()| format!("bad file location {url}"))?;
        let data = std::fs::read(&path).map_err(|e| {
            format!(
                "{from}: the schema it imports or includes, {:?} ({}), cannot be read: {e}",
                req.requested_location,
                path.display()
            )
        })?;
        self.loaded.borrow_mut().push(path.clone());
        let name = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned);
        let buffer: Box<dyn BufRead> = Box::new(Cursor::new(data));
        Ok(Some((name, url, buffer)))
    }
}

/// The schema model of a service description, ready for rendering.
pub(crate) struct SchemaModel {
    pub types: MetaTypes,
    /// Schema files read from disk (imports and includes), for `rerun-if-changed`.
    pub files: Vec<PathBuf>,
    /// Constructs the schema model cannot represent exactly, for the build's warnings.
    pub notes: Vec<String>,
    /// The abstract complex types, as (namespace, name).
    pub abstract_types: BTreeSet<(String, String)>,
}

/// Where the schemas come from.
pub(crate) enum SchemaSource<'a> {
    /// The inline schemas of a WSDL.
    Inline(&'a [InlineSchema]),
    /// A bare XSD file.
    File(&'a Path),
}

fn inline_url(schema: &InlineSchema) -> Result<Url, Error> {
    let mut url = Url::from_file_path(&schema.file).map_err(|()| {
        Error::at(
            &schema.file,
            "(file)",
            "path",
            "the path cannot be turned into a file URL",
        )
    })?;
    url.set_fragment(Some(&format!("schema{}", schema.index)));
    Ok(url)
}

/// The inline schema's text, with each `xs:import` that names only a namespace (as WSDLs do
/// for the other schemas of their `types` section) pointed at the inline schemas of that
/// namespace, so that the parser, which follows only imports with a `schemaLocation`, sees them.
fn link_imports(
    schema: &InlineSchema,
    own: &Url,
    targets: &[(Url, String)],
) -> Result<String, Error> {
    if !schema.has_bare_import {
        return Ok(schema.text.clone());
    }
    let doc = parse_xml(&schema.file, &schema.text)?;
    let mut edits = Vec::new();
    for import in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((XS_NS, "import")) && n.attribute("schemaLocation").is_none())
    {
        let ns = import.attribute("namespace").unwrap_or("");
        let raw = &schema.text[import.range()];
        let tag_end = raw[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(raw.len(), |i| i + 1);
        let tag = &raw[1..tag_end];
        let linked: String = targets
            .iter()
            .filter(|(url, tns)| tns == ns && url != own)
            .map(|(url, _)| {
                let esc = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;");
                format!(
                    "<{tag} namespace=\"{}\" schemaLocation=\"{}\"/>",
                    esc(ns),
                    esc(url.as_str())
                )
            })
            .collect();
        if !linked.is_empty() {
            edits.push((import.range(), linked));
        }
    }
    let mut text = schema.text.clone();
    for (range, replacement) in edits.into_iter().rev() {
        text.replace_range(range, &replacement);
    }
    Ok(text)
}

/// Parses and interprets the schemas.
pub(crate) fn load(source: SchemaSource<'_>, main_file: &Path) -> Result<SchemaModel, Error> {
    let loaded = Rc::new(RefCell::new(Vec::new()));
    let mut inline = BTreeMap::new();
    let mut roots = Vec::new();
    // The files the schemas are written in, for diagnostics.
    let mut sources = vec![main_file.to_owned()];
    match &source {
        SchemaSource::Inline(schemas) => {
            let mut targets = Vec::new();
            for s in *schemas {
                if !sources.contains(&s.file) {
                    sources.push(s.file.clone());
                }
                targets.push((inline_url(s)?, s.target_namespace.clone()));
            }
            for (s, (url, _)) in schemas.iter().zip(&targets) {
                inline.insert(url.clone(), link_imports(s, url, &targets)?);
                roots.push(url.clone());
            }
        }
        SchemaSource::File(path) => {
            let canonical = path.canonicalize().map_err(|e| Error::io(path, e))?;
            let url = Url::from_file_path(&canonical)
                .map_err(|()| Error::at(path, "(file)", "path", "not a valid file path"))?;
            roots.push(url);
        }
    }
    let resolver = LocalResolver {
        inline,
        loaded: Rc::clone(&loaded),
    };
    let mut parser = Parser::new()
        .with_resolver(resolver)
        .resolve_includes(true)
        .with_default_namespaces();
    for url in roots {
        parser = parser.add_schema_from_url(url).map_err(|e| {
            sources.extend(loaded.borrow().iter().cloned());
            diagnose_locations(&sources).unwrap_or_else(|| {
                Error::at(
                    main_file,
                    "xs:schema",
                    "xs:import / xs:include",
                    e.to_string(),
                )
            })
        })?;
    }
    let schemas = parser.finish();
    let interpreted = Interpreter::new(&schemas)
        .with_buildin_types()
        .and_then(Interpreter::with_default_typedefs)
        .and_then(Interpreter::with_xs_any_type)
        .and_then(Interpreter::finish);
    match interpreted {
        Ok((types, _)) => {
            // The inline schemas were scanned when the WSDL was read; the files the schemas
            // import or include (and a bare schema file) are scanned here.
            let mut scan = Scan::default();
            match &source {
                SchemaSource::Inline(schemas) => {
                    for s in *schemas {
                        scan.notes.extend(s.scan.notes.iter().cloned());
                        scan.abstract_types
                            .extend(s.scan.abstract_types.iter().cloned());
                    }
                }
                SchemaSource::File(path) => scan.files(&[path.to_path_buf()]),
            }
            scan.files(&loaded.borrow());
            Ok(SchemaModel {
                types,
                files: loaded.borrow().clone(),
                notes: scan.notes,
                abstract_types: scan.abstract_types,
            })
        }
        Err(e) => {
            sources.extend(loaded.borrow().iter().cloned());
            Err(diagnose(&sources)
                .unwrap_or_else(|| Error::at(main_file, "xs:schema", "XML Schema", e.to_string())))
        }
    }
}

/// What xsd-parser's model does not keep, read from the schema documents themselves.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    /// Groups that declare two elements of the same name side by side (`<x/><y/><x/>`;
    /// xsd-parser keeps one element per name in a group, so the second is lost), as notes.
    pub notes: Vec<String>,
    /// The abstract complex types, as (namespace, name).
    pub abstract_types: BTreeSet<(String, String)>,
}

impl Scan {
    /// Scans `node` (a document, or a schema element) of `file`.
    pub(crate) fn node(&mut self, file: &Path, node: Node<'_, '_>) {
        for schema in node
            .descendants()
            .filter(|n| n.has_tag_name((XS_NS, "schema")))
        {
            let tns = schema.attribute("targetNamespace").unwrap_or("");
            for ty in schema.children().filter(|n| {
                n.has_tag_name((XS_NS, "complexType"))
                    && matches!(n.attribute("abstract"), Some("true" | "1"))
            }) {
                if let Some(name) = ty.attribute("name") {
                    self.abstract_types
                        .insert((tns.to_owned(), name.to_owned()));
                }
            }
        }
        for group in node.descendants().filter(|n| {
            n.tag_name().namespace() == Some(XS_NS)
                && matches!(n.tag_name().name(), "sequence" | "choice" | "all")
        }) {
            let mut seen = BTreeSet::new();
            for el in group
                .children()
                .filter(|n| n.has_tag_name((XS_NS, "element")))
            {
                let name = el.attribute("name").or_else(|| {
                    el.attribute("ref")
                        .map(|r| r.rsplit(':').next().unwrap_or(r))
                });
                if let Some(name) = name {
                    if !seen.insert(name) {
                        self.notes.push(format!(
                            "{}: {}: the element `{name}` is declared twice in one {}; only the \
                             first is read and written",
                            file.display(),
                            describe(el),
                            group.tag_name().name()
                        ));
                    }
                }
            }
        }
    }

    /// Scans the schema files `files` (those that cannot be read or parsed are left out: the
    /// parser reports them).
    fn files(&mut self, files: &[PathBuf]) {
        for file in files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let Ok(doc) = parse_xml(file, &text) else {
                continue;
            };
            self.node(file, doc.root());
        }
    }
}

/// Looks for an `xs:import`, `xs:include`, `xs:redefine` or `xs:override` whose
/// `schemaLocation` is remote or names a file that cannot be read, to report where it is.
/// Returns `None` when none is found.
fn diagnose_locations(files: &[PathBuf]) -> Option<Error> {
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(doc) = parse_xml(file, &text) else {
            continue;
        };
        for node in doc.descendants().filter(|n| {
            n.tag_name().namespace() == Some(XS_NS)
                && matches!(
                    n.tag_name().name(),
                    "import" | "include" | "redefine" | "override"
                )
        }) {
            let Some(location) = node.attribute("schemaLocation") else {
                continue;
            };
            let construct = format!("xs:{} schemaLocation=", node.tag_name().name());
            if location.contains("://") && !location.starts_with("file://") {
                return Some(Error::at(
                    file,
                    describe(node),
                    construct,
                    format!(
                        "refers to the remote location {location:?}; the generator never uses \
                         the network: save the schema next to the WSDL and refer to it by a \
                         relative path"
                    ),
                ));
            }
            let local = location.strip_prefix("file://").unwrap_or(location);
            let path = file.parent().unwrap_or_else(|| Path::new(".")).join(local);
            if let Err(e) = std::fs::metadata(&path) {
                // The other files this one refers to that are missing too, so that they can
                // all be fetched at once.
                let others: Vec<String> = doc
                    .descendants()
                    .filter(|n| {
                        n.tag_name().namespace() == Some(XS_NS)
                            && n.range().start > node.range().start
                    })
                    .filter_map(|n| {
                        let other = n.attribute("schemaLocation")?;
                        let other_local = other.strip_prefix("file://").unwrap_or(other);
                        let other_path = file
                            .parent()
                            .unwrap_or_else(|| Path::new("."))
                            .join(other_local);
                        std::fs::metadata(&other_path)
                            .is_err()
                            .then(|| format!("{other:?} ({})", describe(n)))
                    })
                    .collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!("; also missing: {}", others.join(", "))
                };
                return Some(Error::at(
                    file,
                    describe(node),
                    construct,
                    format!("cannot read {location:?} ({}): {e}{also}", path.display()),
                ));
            }
        }
    }
    None
}

/// Looks for a reference to a type, element, group or attribute that no schema defines, to
/// report where it is used. Returns `None` when none is found.
fn diagnose(files: &[PathBuf]) -> Option<Error> {
    let mut texts = Vec::new();
    for f in files {
        texts.push((f.clone(), std::fs::read_to_string(f).ok()?));
    }
    let mut defined: BTreeSet<(String, &'static str, String)> = BTreeSet::new();
    let mut docs = Vec::new();
    for (file, text) in &texts {
        docs.push((file, parse_xml(file, text).ok()?));
    }
    for (_, doc) in &docs {
        for schema in doc
            .descendants()
            .filter(|n| n.has_tag_name((XS_NS, "schema")))
        {
            let tns = schema.attribute("targetNamespace").unwrap_or("").to_owned();
            for def in schema.children().filter(Node::is_element) {
                let kind = match def.tag_name().name() {
                    "complexType" | "simpleType" => "type",
                    "element" => "element",
                    "attribute" => "attribute",
                    "group" => "group",
                    "attributeGroup" => "attributeGroup",
                    _ => continue,
                };
                if let Some(name) = def.attribute("name") {
                    defined.insert((tns.clone(), kind, name.to_owned()));
                }
            }
        }
    }
    for (file, doc) in &docs {
        for node in doc
            .descendants()
            .filter(|n| n.tag_name().namespace() == Some(XS_NS))
        {
            let refs: &[(&str, &'static str)] = match node.tag_name().name() {
                "element" => &[("type", "type"), ("ref", "element")],
                "attribute" => &[("type", "type"), ("ref", "attribute")],
                "extension" | "restriction" => &[("base", "type")],
                "list" => &[("itemType", "type")],
                "group" => &[("ref", "group")],
                "attributeGroup" => &[("ref", "attributeGroup")],
                _ => continue,
            };
            for (attr, kind) in refs {
                let Some(value) = node.attribute(*attr) else {
                    continue;
                };
                let (prefix, local) = match value.split_once(':') {
                    Some((p, l)) => (Some(p), l),
                    None => (None, value),
                };
                let ns = node.lookup_namespace_uri(prefix).unwrap_or("");
                if ns == XS_NS {
                    continue;
                }
                if !defined.contains(&(ns.to_owned(), *kind, local.to_owned())) {
                    return Some(Error::at(
                        file,
                        describe(node),
                        format!("xs:{} {attr}=", node.tag_name().name()),
                        format!(
                            "refers to the {kind} {value:?} ({{{ns}}}{local}), which no schema \
                             defines"
                        ),
                    ));
                }
            }
        }
    }
    None
}
