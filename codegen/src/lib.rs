//! Build-time generator for the `wsclient` runtime: turns WSDL 1.1 files (and bare XML Schema
//! files) into typed Rust request and response types and one async client per SOAP port.
//!
//! It reads only local files: `wsdl:import`, `xs:import` and `xs:include` are followed relative
//! to the importing file, and a remote location is an error. The XML Schema side is parsed and
//! resolved by `xsd-parser`; the Rust code is emitted with `quote` and formatted with
//! `prettyplease`.
//!
//! # Use from `build.rs`
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     wsclient_build::configure()
//!         .wsdl("wsdl/my-service/Service.asmx.wsdl", "my_service")
//!         .compile()?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod my_service {
//!     wsclient::include_generated!("my_service");
//! }
//! ```
//!
//! Every file read gets a `cargo:rerun-if-changed` line, so editing a WSDL regenerates the code
//! and a rebuild with nothing changed does not run the generator again.
//!
//! # What comes out
//!
//! - A struct per complex type and per anonymous element type, with `ToXml` / `FromXml`;
//!   `minOccurs="0"` gives `Option`, repeated elements give `Vec`, `nillable` gives `Option`
//!   (sent as `xsi:nil`), recursive fields are boxed.
//! - An enum per enumeration, with an `Unknown(String)` variant that keeps values the schema does
//!   not list, `as_str()`, `description()` (from the schema's documentation) and `VALUES`.
//! - An enum per `xs:choice`, and per substitution group used with `ref=` (one variant per
//!   element that may stand in for the head).
//! - Per SOAP port, a client type with one `async fn` per operation, with the SOAP action and
//!   version baked in.
//!
//! Fields and choice alternatives whose XML name looks like a secret (password, authcode,
//! token, ...) are shown as `<redacted>` by the generated `Debug`, unless they are
//! enumerations.
//!
//! SOAP encoding (`use="encoded"`) is refused; rpc-style operations are skipped with a warning.
//! Constructs represented loosely (unions, a sequence inside a choice, a repeated sequence of
//! several elements, ...) are reported in [`Generated::warnings`].

#![warn(missing_docs)]

mod error;
mod model;
mod naming;
mod render;
mod schema;
mod wsdl;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

pub use error::Error;

use model::{Model, TypeRef};
use naming::Scope;
use render::{ClientOpBuilder, Ctx, PortClient};
use wsdl::{Definitions, Style};

/// What kind of file an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputKind {
    Wsdl,
    Xsd,
}

#[derive(Debug, Clone)]
struct Input {
    path: PathBuf,
    module: String,
    kind: InputKind,
}

/// Configures and runs the generator. Made by [`configure`].
#[derive(Debug, Clone)]
pub struct Builder {
    inputs: Vec<Input>,
    out_dir: Option<PathBuf>,
    options: Options,
    cargo_directives: Option<bool>,
}

/// Options that shape the generated code.
#[derive(Debug, Clone)]
pub struct Options {
    /// Path of the runtime crate in the generated code (default `::wsclient`).
    pub runtime_crate: String,
    /// Words that mark a field as secret when its lower-cased XML name contains one of them.
    pub secret_words: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runtime_crate: "::wsclient".into(),
            secret_words: ["password", "passwd", "pwd", "authcode", "token", "secret"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }
}

/// A new generator configuration.
pub fn configure() -> Builder {
    Builder {
        inputs: Vec::new(),
        out_dir: None,
        options: Options::default(),
        cargo_directives: None,
    }
}

impl Builder {
    /// Generates `<out_dir>/<module>.rs` from a WSDL 1.1 file.
    pub fn wsdl(mut self, path: impl AsRef<Path>, module: &str) -> Self {
        self.inputs.push(Input {
            path: path.as_ref().to_owned(),
            module: module.to_owned(),
            kind: InputKind::Wsdl,
        });
        self
    }

    /// Generates `<out_dir>/<module>.rs` from a bare XML Schema file: a type for every global
    /// element and the types they use, and no client.
    pub fn xsd(mut self, path: impl AsRef<Path>, module: &str) -> Self {
        self.inputs.push(Input {
            path: path.as_ref().to_owned(),
            module: module.to_owned(),
            kind: InputKind::Xsd,
        });
        self
    }

    /// Where to write the generated files (default: the `OUT_DIR` that Cargo gives build
    /// scripts).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The path of the runtime crate in the generated code (default `::wsclient`).
    pub fn runtime_crate(mut self, path: &str) -> Self {
        self.options.runtime_crate = path.to_owned();
        self
    }

    /// Also treats fields whose lower-cased XML name contains `word` as secret.
    pub fn secret_word(mut self, word: &str) -> Self {
        self.options.secret_words.push(word.to_lowercase());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` and `cargo:warning` lines (default: when
    /// running inside a build script).
    pub fn cargo_directives(mut self, on: bool) -> Self {
        self.cargo_directives = Some(on);
        self
    }

    /// Runs the generator on every input and writes the files.
    pub fn compile(self) -> Result<Vec<Generated>, Error> {
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(d) => d,
            None => {
                return Err(Error::Output {
                    file: PathBuf::from("OUT_DIR"),
                    source: std::io::Error::other(
                        "no output directory: call out_dir() or run from a build script",
                    ),
                })
            }
        };
        let directives = self
            .cargo_directives
            .unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some());
        let mut results = Vec::new();
        for input in &self.inputs {
            if directives {
                println!("cargo:rerun-if-changed={}", input.path.display());
            }
            let generated = match input.kind {
                InputKind::Wsdl => generate_wsdl(&input.path, &self.options),
                InputKind::Xsd => generate_xsd(&input.path, &self.options),
            }?;
            let file = out_dir.join(format!("{}.rs", input.module));
            std::fs::write(&file, &generated.code).map_err(|source| Error::Output {
                file: file.clone(),
                source,
            })?;
            if directives {
                for f in &generated.files_read {
                    println!("cargo:rerun-if-changed={}", f.display());
                }
                for w in &generated.warnings {
                    println!("cargo:warning={}: {w}", input.path.display());
                }
            }
            results.push(Generated {
                output: Some(file),
                ..generated
            });
        }
        Ok(results)
    }
}

/// The result of generating one module.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file written, when written by [`Builder::compile`].
    pub output: Option<PathBuf>,
    /// The formatted Rust code.
    pub code: String,
    /// Every file read (the WSDL, the WSDLs and schemas it imports).
    pub files_read: Vec<PathBuf>,
    /// What was skipped or represented loosely, for the user to know.
    pub warnings: Vec<String>,
    /// Figures about the output.
    pub stats: Stats,
}

/// Figures about a generated module.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Structs emitted (complex types and anonymous element types).
    pub structs: usize,
    /// Enums emitted for enumerations.
    pub enums: usize,
    /// Enums emitted for `xs:choice`.
    pub choices: usize,
    /// Client types emitted (one per SOAP port).
    pub clients: usize,
    /// Operations emitted across all clients.
    pub operations: usize,
    /// Lines of formatted code.
    pub lines: usize,
}

fn secret_predicate(options: &Options) -> impl Fn(&str) -> bool + '_ {
    move |name: &str| {
        let lower = name.to_lowercase();
        options
            .secret_words
            .iter()
            .any(|w| lower.contains(w.as_str()))
    }
}

fn runtime_path(options: &Options, file: &Path) -> Result<TokenStream, Error> {
    options.runtime_crate.parse().map_err(|_| {
        Error::at(
            file,
            "(options)",
            "runtime_crate",
            format!("{:?} is not a Rust path", options.runtime_crate),
        )
    })
}

/// Generates the code for a WSDL file without writing anything.
pub fn generate_wsdl(path: &Path, options: &Options) -> Result<Generated, Error> {
    let defs = Definitions::read(path)?;
    let main = defs
        .files
        .first()
        .cloned()
        .unwrap_or_else(|| path.to_owned());
    let schemas = schema::load(schema::SchemaSource::Inline(&defs.schemas), &main)?;
    let secret = secret_predicate(options);
    let mut model = Model::new(&schemas.types, &secret);
    let mut warnings = schemas.notes.clone();

    // Every message part's element or type is a root, bound or not.
    for message in &defs.messages {
        for part in &message.parts {
            let found = match (&part.element, &part.type_) {
                (Some(e), _) => model.element(e).is_some(),
                (None, Some(t)) => model.type_(t).is_some(),
                (None, None) => true,
            };
            if !found {
                let what = part.element.as_ref().or(part.type_.as_ref());
                let (file, element) = &part.location;
                return Err(Error::at(
                    file,
                    format!("{element} in <message name=\"{}\">", message.name.name),
                    if part.element.is_some() {
                        "wsdl:part element="
                    } else {
                        "wsdl:part type="
                    },
                    format!(
                        "refers to {}, which no schema in the WSDL defines",
                        what.map(ToString::to_string).unwrap_or_default()
                    ),
                ));
            }
        }
    }

    let ports = build_ports(&defs, &mut model, &mut warnings);
    let mut port_scope = Scope::default();
    let mut ports = ports;
    for p in &mut ports {
        p.rust_name = port_scope.claim(naming::type_name(&p.port));
    }
    let reserved: Vec<&str> = ports.iter().map(|p| p.rust_name.as_str()).collect();
    model.finish(&reserved);
    warnings.extend(model.notes.iter().cloned());

    let rt = runtime_path(options, &main)?;
    let mut ctx = Ctx::new(rt);
    let types = render::render_types(&mut ctx, &model);
    let clients = render::render_clients(&mut ctx, &model, &ports);
    let preamble = ctx.preamble(!ports.is_empty());
    let tokens = quote!(#preamble #types #clients);
    let mut files_read = defs.files.clone();
    files_read.extend(schemas.files.iter().cloned());
    let header = format!(
        "// Generated by wsclient-build from {}. Do not edit: change the WSDL and rebuild.\n",
        path.file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default()
    );
    finish(&main, header, tokens, &model, &ports, files_read, warnings)
}

/// Generates the code for a bare XML Schema file without writing anything.
pub fn generate_xsd(path: &Path, options: &Options) -> Result<Generated, Error> {
    let schemas = schema::load(schema::SchemaSource::File(path), path)?;
    let secret = secret_predicate(options);
    let mut model = Model::new(&schemas.types, &secret);
    for element in model.global_elements() {
        model.element(&element);
    }
    model.finish(&[]);
    let mut warnings = schemas.notes.clone();
    warnings.extend(model.notes.iter().cloned());
    let rt = runtime_path(options, path)?;
    let mut ctx = Ctx::new(rt);
    let types = render::render_types(&mut ctx, &model);
    let preamble = ctx.preamble(false);
    let tokens = quote!(#preamble #types);
    let mut files_read = vec![path.to_owned()];
    files_read.extend(schemas.files.iter().cloned());
    let header = format!(
        "// Generated by wsclient-build from {}. Do not edit: change the schema and rebuild.\n",
        path.file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default()
    );
    finish(path, header, tokens, &model, &[], files_read, warnings)
}

fn finish(
    file: &Path,
    header: String,
    tokens: TokenStream,
    model: &Model<'_>,
    ports: &[PortClient],
    mut files_read: Vec<PathBuf>,
    warnings: Vec<String>,
) -> Result<Generated, Error> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::at(
            file,
            "(generated code)",
            "code generation",
            format!("the generator produced code that does not parse, which is a bug: {e}"),
        )
    })?;
    let code = header + &prettyplease::unparse(&parsed);
    files_read.sort();
    files_read.dedup();
    let mut stats = Stats {
        lines: code.lines().count(),
        clients: ports.len(),
        operations: ports.iter().map(|p| p.operations.len()).sum(),
        ..Stats::default()
    };
    for d in &model.defs {
        match d.kind {
            model::DefKind::Struct { .. } => stats.structs += 1,
            model::DefKind::Enum { .. } => stats.enums += 1,
            model::DefKind::Choice { .. } => stats.choices += 1,
        }
    }
    Ok(Generated {
        output: None,
        code,
        files_read,
        warnings,
        stats,
    })
}

/// The Rust type of a message's body, or why it cannot be bound.
fn body_type(
    defs: &Definitions,
    model: &mut Model<'_>,
    message: Option<&wsdl::QName>,
    parts_filter: Option<&Vec<String>>,
) -> Result<Option<(wsdl::QName, TypeRef)>, String> {
    let Some(message) = message else {
        return Ok(None);
    };
    let msg = defs
        .message(message)
        .ok_or_else(|| format!("message {message} is not defined"))?;
    let parts: Vec<&wsdl::Part> = msg
        .parts
        .iter()
        .filter(|p| parts_filter.is_none_or(|f| f.contains(&p.name)))
        .collect();
    match parts.as_slice() {
        [part] => match &part.element {
            Some(e) => {
                let ty = model
                    .element(e)
                    .ok_or_else(|| format!("element {e} is not defined"))?;
                Ok(Some((e.clone(), ty)))
            }
            None => Err(format!(
                "message {} part `{}` uses type= in a document-style operation",
                message.name, part.name
            )),
        },
        [] => Err(format!("message {} has no body part", message.name)),
        _ => Err(format!(
            "message {} has {} body parts; document style with several parts is not supported",
            message.name,
            parts.len()
        )),
    }
}

/// Adds a warning unless it is already there (a binding used by several ports would repeat it).
fn push_once(warnings: &mut Vec<String>, warning: String) {
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}

fn build_ports(
    defs: &Definitions,
    model: &mut Model<'_>,
    warnings: &mut Vec<String>,
) -> Vec<PortClient> {
    let mut ports = Vec::new();
    for service in &defs.services {
        for port in &service.ports {
            let Some(binding) = defs.binding(&port.binding) else {
                warnings.push(format!(
                    "port {} refers to binding {}, which is not defined; skipped",
                    port.name, port.binding
                ));
                continue;
            };
            let Some(version) = binding.version else {
                continue;
            };
            let port_type = defs.port_type(&binding.port_type);
            // The client's own methods, and those of the traits it implements: an inherent
            // `clone(&self, request)` would hide `Clone::clone` from the client's users.
            let mut methods = Scope::with_reserved(&[
                "new",
                "soap_client",
                "with_default_endpoint",
                "clone",
                "clone_from",
                "fmt",
                "to_owned",
            ]);
            let mut operations = Vec::new();
            for bop in &binding.operations {
                let Some(aop) =
                    port_type.and_then(|pt| pt.operations.iter().find(|o| o.name == bop.name))
                else {
                    push_once(
                        warnings,
                        format!(
                            "operation {} of binding {} has no port type operation; skipped",
                            bop.name, binding.name.name
                        ),
                    );
                    continue;
                };
                let skip = |why: String, warnings: &mut Vec<String>| {
                    push_once(
                        warnings,
                        format!(
                            "operation {} of binding {}: {why}; skipped",
                            bop.name, binding.name.name
                        ),
                    );
                };
                if bop.style == Style::Rpc {
                    skip("rpc style is not supported yet".into(), warnings);
                    continue;
                }
                if !bop.input.headers.is_empty() || !bop.output.headers.is_empty() {
                    push_once(
                        warnings,
                        format!(
                            "operation {} of binding {}: the SOAP headers it declares are not \
                             sent or read",
                            bop.name, binding.name.name
                        ),
                    );
                }
                let input =
                    match body_type(defs, model, aop.input.as_ref(), bop.input.parts.as_ref()) {
                        Ok(Some(i)) => i,
                        Ok(None) => {
                            skip("it has no input message".into(), warnings);
                            continue;
                        }
                        Err(why) => {
                            skip(why, warnings);
                            continue;
                        }
                    };
                let output =
                    match body_type(defs, model, aop.output.as_ref(), bop.output.parts.as_ref()) {
                        Ok(o) => o,
                        Err(why) => {
                            skip(why, warnings);
                            continue;
                        }
                    };
                operations.push(ClientOpBuilder {
                    name: bop.name.clone(),
                    rust_name: methods.claim(naming::field_name(&bop.name)),
                    documentation: aop.documentation.clone(),
                    soap_action: bop.soap_action.clone(),
                    input,
                    output,
                    faults: aop.faults.iter().map(|(n, _)| n.clone()).collect(),
                });
            }
            ports.push(PortClient {
                rust_name: String::new(),
                service: service.name.clone(),
                service_docs: service.documentation.clone(),
                port: port.name.clone(),
                binding: binding.name.name.clone(),
                version,
                address: port.address.clone(),
                port_type_docs: port_type.and_then(|p| p.documentation.clone()),
                operations,
            });
        }
    }
    ports
}
