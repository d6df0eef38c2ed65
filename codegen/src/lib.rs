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
//!   (sent as `xsi:nil`), recursive fields are boxed. A struct whose every field has a natural
//!   default (absent, empty, `""`, `0`, `false`, or a struct that has one) derives `Default`.
//! - A `complexContent` extension or restriction gets the base type's fields and its own. Where
//!   a value is declared with a type that others derive from, the field holds an enum over the
//!   type and its derived types (`VehicleOrDerived::Car(Car)`): written with `xsi:type`, read by
//!   the `xsi:type` the element carries.
//! - An enum per enumeration, with an `Unknown(String)` variant that keeps values the schema does
//!   not list, `as_str()`, `description()` (from the schema's documentation) and `VALUES`.
//! - An enum per `xs:choice`, and per substitution group used with `ref=` (one variant per
//!   element that may stand in for the head); an `xs:any` among the alternatives gives an
//!   `Other(RawXml)` variant.
//! - `xs:any` and `xs:anyType` content is kept as raw XML, `xs:decimal` as its digits, dates and
//!   times and union values as the text sent, `xs:list` as `xml::List`.
//! - Per SOAP port, a client type with one `async fn` per operation, with the SOAP action and
//!   version baked in; a SOAP binding that no port uses gets a client named after it. The SOAP
//!   headers a request declares (`soap:header`) are arguments of the method, after the request.
//!   rpc/literal operations get a struct per direction for the wrapper element (named after the
//!   operation, in the `soap:body` namespace, with one unqualified child per `type=` part).
//!
//! Fields and choice alternatives whose XML name looks like a secret (password, authcode,
//! token, ...) are shown as `<redacted>` by the generated `Debug`, unless they are
//! enumerations.
//!
//! SOAP encoding (`use="encoded"`) is refused. Operations that cannot be bound (a header part
//! with `type=`, a document-style message with several body parts, ...) are skipped, and
//! constructs represented loosely (a sequence inside a choice, a repeated sequence of several
//! elements, response headers, ...) are noted: both are reported in [`Generated::warnings`].
//!
//! [`show`] describes a WSDL the way the generator sees it (also as the `wsdl-show` binary).

#![warn(missing_docs)]

mod error;
mod format;
pub mod inspect;
mod model;
mod naming;
mod ports;
mod render;
mod schema;
mod show;
mod wsdl;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

pub use error::Error;
pub use show::show;

use model::Model;
use ports::build_ports;
use render::{Ctx, PortClient};
use wsdl::Definitions;

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
    /// Whether to emit, per port type, a server trait and a dispatcher (in a `server`
    /// submodule; they need the runtime's `server` feature).
    pub server: Emit,
    /// Whether to emit JSON conversions of the types and a JSON call per port client (in a
    /// `json` submodule; they need the runtime's `json` feature).
    pub json: Emit,
}

/// Whether and how to emit an optional part of the generated code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Emit {
    /// Leave it out (the default).
    #[default]
    No,
    /// Emit it.
    Always,
    /// Emit it behind `#[cfg(feature = "...")]`, for a crate that defines that feature.
    WithFeature(String),
}

impl Emit {
    fn wanted(&self) -> bool {
        !matches!(self, Emit::No)
    }

    fn feature(&self) -> Option<&str> {
        match self {
            Emit::WithFeature(f) => Some(f),
            _ => None,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runtime_crate: "::wsclient".into(),
            secret_words: ["password", "passwd", "pwd", "authcode", "token", "secret"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            server: Emit::No,
            json: Emit::No,
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

    /// Also emits, per port type, a trait with one async method per operation and a dispatcher
    /// that serves it over SOAP 1.1 and 1.2 (module `server`; needs the runtime's `server`
    /// feature).
    pub fn server(mut self, on: bool) -> Self {
        self.options.server = if on { Emit::Always } else { Emit::No };
        self
    }

    /// Like [`Builder::server`], with the code behind `#[cfg(feature = "<feature>")]`.
    pub fn server_feature(mut self, feature: &str) -> Self {
        self.options.server = Emit::WithFeature(feature.to_owned());
        self
    }

    /// Also emits JSON conversions of the types and a JSON call per port client (module
    /// `json`; needs the runtime's `json` feature).
    pub fn json(mut self, on: bool) -> Self {
        self.options.json = if on { Emit::Always } else { Emit::No };
        self
    }

    /// Like [`Builder::json`], with the code behind `#[cfg(feature = "<feature>")]`.
    pub fn json_feature(mut self, feature: &str) -> Self {
        self.options.json = Emit::WithFeature(feature.to_owned());
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
        for (input, generated) in self.inputs.iter().zip(self.generate_all()) {
            if directives {
                println!("cargo:rerun-if-changed={}", input.path.display());
            }
            let generated = generated?;
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

impl Builder {
    /// Generates every input, on as many threads as there are processors (each input is
    /// independent: a build with several large WSDLs takes as long as the largest). The results
    /// are in input order.
    fn generate_all(&self) -> Vec<Result<Generated, Error>> {
        let generate = |input: &Input| match input.kind {
            InputKind::Wsdl => generate_wsdl(&input.path, &self.options),
            InputKind::Xsd => generate_xsd(&input.path, &self.options),
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(self.inputs.len());
        if threads <= 1 {
            return self.inputs.iter().map(generate).collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<(usize, Result<Generated, Error>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(input) = self.inputs.get(i) else {
                                break done;
                            };
                            done.push((i, generate(input)));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(done) => done,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
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
    /// Enums emitted for `xs:choice`, substitution groups and types with derived types.
    pub choices: usize,
    /// Client types emitted (one per SOAP port, and one per SOAP binding that no port uses).
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
    let mut warnings = schemas.notes.clone();
    let (model, ports) = ports::wsdl_model(&defs, &schemas, &secret, &mut warnings)?;

    let rt = runtime_path(options, &main)?;
    let mut ctx = Ctx::new(rt);
    let types = render::render_types(&mut ctx, &model);
    let clients = render::render_clients(&mut ctx, &model, &ports);
    let servers = if options.server.wanted() {
        render::render_servers(&mut ctx, &model, &ports, &defs, options.server.feature())
    } else {
        TokenStream::new()
    };
    let json = if options.json.wanted() {
        render::render_json(&ctx, &model, &ports, options.json.feature())
    } else {
        TokenStream::new()
    };
    let preamble = ctx.preamble(!ports.is_empty());
    let tokens = quote!(#preamble #types #clients #servers #json);
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
    model.set_abstract_types(schemas.abstract_types.clone());
    for element in model.global_elements() {
        model.element(&element);
    }
    model.finish(&[]);
    let mut warnings = schemas.notes.clone();
    warnings.extend(model.notes.iter().cloned());
    let rt = runtime_path(options, path)?;
    let mut ctx = Ctx::new(rt);
    let types = render::render_types(&mut ctx, &model);
    let json = if options.json.wanted() {
        render::render_json(&ctx, &model, &[], options.json.feature())
    } else {
        TokenStream::new()
    };
    let preamble = ctx.preamble(false);
    let tokens = quote!(#preamble #types #json);
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
    let code = header
        + &format::format(tokens).map_err(|e| {
            Error::at(
                file,
                "(generated code)",
                "code generation",
                format!("the generator produced code that does not parse, which is a bug: {e}"),
            )
        })?;
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
            model::DefKind::Choice { .. } | model::DefKind::Derived { .. } => stats.choices += 1,
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
