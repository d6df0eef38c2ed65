//! The generator over the public WSDL corpus (`shared/wsdl-corpus/` beside the repository, see
//! its `PROVENANCE.md`): real service descriptions nobody here wrote. Every file either
//! generates, with exactly the warnings listed here, or is refused with an error that names the
//! file, the element and what is wrong. That the generated code compiles is checked by
//! `codegen/corpus-tests`.
//!
//! Without the corpus directory these tests pass after printing a note saying they were
//! skipped; with `WSCLIENT_CORPUS=required` (as CI sets it) its absence is a failure.
//! `WSCLIENT_CORPUS_DIR` points at a copy of the corpus elsewhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use wsclient_build::{generate_wsdl, Error, Generated, Options};

/// What the generator must do with a corpus file.
enum Expected {
    /// Generate code with these clients and operations, and warnings ending with these texts.
    Code {
        clients: usize,
        operations: usize,
        warnings: &'static [&'static str],
    },
    /// Refuse it: the element, the construct, and texts the message contains.
    Refused {
        element: &'static str,
        construct: &'static str,
        message: &'static [&'static str],
    },
}

/// Every WSDL file of the corpus (paths relative to it), and what must come of it.
const CORPUS: &[(&str, Expected)] = &[
    (
        "chromedata.wsdl",
        Expected::Code {
            clients: 1,
            operations: 9,
            warnings: &[
                "VehicleDescriptionRequest: a sequence of several elements inside a \
                         choice is read and written as if each of its elements were an \
                         alternative of its own",
            ],
        },
    ),
    (
        "dyndns.wsdl",
        Expected::Code {
            clients: 1,
            operations: 11,
            warnings: &[],
        },
    ),
    (
        "ec2.wsdl",
        Expected::Code {
            clients: 1,
            operations: 151,
            warnings: &[],
        },
    ),
    (
        "epcis/EPCglobal-epcis-query-1_2.wsdl",
        Expected::Code {
            clients: 1,
            operations: 7,
            warnings: &[],
        },
    ),
    (
        // 23 operations on a SOAP 1.1 and a SOAP 1.2 port, each with the APIAccessHeader.
        "ferry.wsdl",
        Expected::Code {
            clients: 2,
            operations: 46,
            warnings: &[],
        },
    ),
    (
        "mnb-exchange.wsdl",
        Expected::Code {
            clients: 2,
            operations: 12,
            warnings: &[],
        },
    ),
    (
        // The port names a binding the file does not define; the binding it does define gets
        // a client of its own.
        "stock.wsdl",
        Expected::Code {
            clients: 1,
            operations: 1,
            warnings: &["port StockQuotePort refers to binding \
                         {http://example.com/stockquote.wsdl}StockQuoteBinding, which is not \
                         defined; skipped"],
        },
    ),
    (
        "test.wsdl",
        Expected::Code {
            clients: 1,
            operations: 1,
            warnings: &[],
        },
    ),
    (
        "usda-awdb.wsdl",
        Expected::Code {
            clients: 1,
            operations: 35,
            warnings: &[],
        },
    ),
    (
        "vboxweb.wsdl",
        Expected::Code {
            clients: 1,
            operations: 1158,
            warnings: &[],
        },
    ),
    (
        // Published without the four schema files it includes and imports.
        "vim.wsdl",
        Expected::Refused {
            element: "<include> at line 21",
            construct: "xs:include schemaLocation=",
            message: &[
                "cannot read \"query-messagetypes.xsd\"",
                "also missing: \"core-types.xsd\" (<include> at line 22), \
                 \"reflect-messagetypes.xsd\" (<import> at line 23), \"vim-messagetypes.xsd\" \
                 (<include> at line 24)",
            ],
        },
    ),
    (
        // Cut down from a larger file: it refers to types it does not define.
        "workday-time-min.wsdl",
        Expected::Refused {
            element: "<attribute name=\"type\"> at line 12",
            construct: "xs:attribute type=",
            message: &["refers to the type \"wd:WorkerReferenceEnumeration\" \
                 ({urn:com.workday/bsvc}WorkerReferenceEnumeration), which no schema defines"],
        },
    ),
];

/// The corpus directory, or `None` (after saying so) when it is absent and not required.
fn corpus() -> Option<PathBuf> {
    // WSCLIENT_CORPUS_DIR points at a copy of the corpus elsewhere.
    let dir = std::env::var_os("WSCLIENT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wsdl-corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("WSCLIENT_CORPUS").as_deref() == Ok("required") {
        panic!(
            "the WSDL corpus {} is absent, and WSCLIENT_CORPUS=required",
            dir.display()
        );
    }
    // Written past the test harness's capture, so that the skip shows in every run (once).
    static NOTE: std::sync::Once = std::sync::Once::new();
    NOTE.call_once(|| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "\n*** SKIPPED: the WSDL corpus {} is absent, so the corpus tests check nothing; \
             set WSCLIENT_CORPUS=required to make this a failure ***\n",
            dir.display()
        );
    });
    None
}

fn expected(file: &str) -> &'static Expected {
    &CORPUS
        .iter()
        .find(|(f, _)| *f == file)
        .unwrap_or_else(|| panic!("{file} is not listed in CORPUS"))
        .1
}

/// Generates `file` and checks the outcome against [`CORPUS`].
fn check(file: &str) {
    let Some(dir) = corpus() else { return };
    let path = dir.join(file);
    let started = Instant::now();
    let result = generate_wsdl(&path, &Options::default());
    let elapsed = started.elapsed();
    match (expected(file), result) {
        (
            Expected::Code {
                clients,
                operations,
                warnings,
            },
            Ok(Generated {
                warnings: actual,
                stats,
                ..
            }),
        ) => {
            println!(
                "{file}: {} lines, {} structs, {} enums, {} choices, {} clients, {} operations \
                 in {elapsed:.2?}",
                stats.lines,
                stats.structs,
                stats.enums,
                stats.choices,
                stats.clients,
                stats.operations
            );
            assert_eq!(
                (stats.clients, stats.operations),
                (*clients, *operations),
                "{file}: clients and operations"
            );
            assert_eq!(actual.len(), warnings.len(), "{file}: warnings {actual:#?}");
            for (a, w) in actual.iter().zip(warnings.iter()) {
                assert!(a.ends_with(w), "{file}: warning {a:?}, expected {w:?}");
            }
        }
        (
            Expected::Refused {
                element,
                construct,
                message,
            },
            Err(Error::Unsupported {
                file: at,
                element: actual_element,
                construct: actual_construct,
                message: actual_message,
            }),
        ) => {
            println!("{file}: refused in {elapsed:.2?}: {actual_message}");
            assert_eq!(at.file_name(), path.file_name(), "{file}: the file named");
            assert_eq!(actual_element, *element, "{file}: the element named");
            assert_eq!(actual_construct, *construct, "{file}: the construct named");
            for m in *message {
                assert!(
                    actual_message.contains(m),
                    "{file}: {actual_message:?} should contain {m:?}"
                );
            }
        }
        (Expected::Code { .. }, Err(e)) => panic!("{file}: refused, but must generate: {e}"),
        (Expected::Refused { .. }, Ok(_)) => panic!("{file}: generated, but must be refused"),
        (Expected::Refused { .. }, Err(e)) => panic!("{file}: refused with {e:?}"),
    }
}

#[test]
fn every_corpus_file_is_listed() {
    let Some(dir) = corpus() else { return };
    let mut found = Vec::new();
    let mut dirs = vec![dir.clone()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "wsdl") {
                let relative = path.strip_prefix(&dir).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(f, _)| *f).collect();
    assert_eq!(found, listed);
}

#[test]
fn chromedata() {
    check("chromedata.wsdl");
}

#[test]
fn dyndns() {
    check("dyndns.wsdl");
}

#[test]
fn ec2() {
    check("ec2.wsdl");
}

#[test]
fn epcis() {
    check("epcis/EPCglobal-epcis-query-1_2.wsdl");
}

#[test]
fn ferry() {
    check("ferry.wsdl");
}

#[test]
fn mnb_exchange() {
    check("mnb-exchange.wsdl");
}

#[test]
fn stock() {
    check("stock.wsdl");
}

#[test]
fn test_wsdl() {
    check("test.wsdl");
}

#[test]
fn usda_awdb() {
    check("usda-awdb.wsdl");
}

#[test]
fn vboxweb() {
    check("vboxweb.wsdl");
}

#[test]
fn vim_names_the_missing_schema_files() {
    check("vim.wsdl");
}

#[test]
fn workday_names_the_undefined_type() {
    check("workday-time-min.wsdl");
}
