//! Generates a module from each file of the public WSDL corpus (`shared/wsdl-corpus/` beside
//! the repository; see its `PROVENANCE.md`) into `OUT_DIR`, for `src/lib.rs` to compile with
//! warnings denied.
//!
//! Without the corpus directory nothing is generated and the build says so in a warning; with
//! `WSCLIENT_CORPUS=required` (as CI sets it) its absence fails the build.
//! `WSCLIENT_CORPUS_DIR` points at a copy of the corpus elsewhere.
//!
//! `vim.wsdl` and `workday-time-min.wsdl` are incomplete as published and are refused by the
//! generator; `codegen/tests/corpus.rs` checks their errors.

use std::path::PathBuf;
use std::process::ExitCode;

/// The corpus files that generate code, with the module each becomes. All of them also get their
/// JSON conversions and server side, except `vboxweb.wsdl`: its client alone is over 100,000
/// lines, and the rest would more than double this crate's build time for nothing the other
/// nine files do not show.
const FILES: &[(&str, &str)] = &[
    ("chromedata.wsdl", "chromedata"),
    ("dyndns.wsdl", "dyndns"),
    ("ec2.wsdl", "ec2"),
    ("epcis/EPCglobal-epcis-query-1_2.wsdl", "epcis"),
    ("ferry.wsdl", "ferry"),
    ("mnb-exchange.wsdl", "mnb_exchange"),
    ("stock.wsdl", "stock"),
    ("test.wsdl", "test_service"),
    ("usda-awdb.wsdl", "usda_awdb"),
    ("vboxweb.wsdl", "vboxweb"),
];

fn main() -> ExitCode {
    println!("cargo::rustc-check-cfg=cfg(corpus)");
    println!("cargo:rerun-if-env-changed=WSCLIENT_CORPUS");
    println!("cargo:rerun-if-env-changed=WSCLIENT_CORPUS_DIR");
    let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        eprintln!("error: CARGO_MANIFEST_DIR is not set");
        return ExitCode::FAILURE;
    };
    // WSCLIENT_CORPUS_DIR points at a corpus elsewhere.
    let corpus = std::env::var_os("WSCLIENT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(manifest).join("../../../shared/wsdl-corpus"));
    println!("cargo:rerun-if-changed={}", corpus.display());
    if !corpus.is_dir() {
        if std::env::var("WSCLIENT_CORPUS").as_deref() == Ok("required") {
            eprintln!(
                "error: the WSDL corpus {} is absent, and WSCLIENT_CORPUS=required",
                corpus.display()
            );
            return ExitCode::FAILURE;
        }
        println!(
            "cargo:warning=SKIPPED: the WSDL corpus {} is absent, so none of its files is \
             generated or compiled (set WSCLIENT_CORPUS=required to make this an error)",
            corpus.display()
        );
        return ExitCode::SUCCESS;
    }
    let mut full = wsclient_build::configure().json(true).server(true);
    let mut client_only = wsclient_build::configure();
    for (file, module) in FILES {
        if *module == "vboxweb" {
            client_only = client_only.wsdl(corpus.join(file), module);
        } else {
            full = full.wsdl(corpus.join(file), module);
        }
    }
    match full.compile().and_then(|_| client_only.compile()) {
        Ok(_) => {
            println!("cargo:rustc-cfg=corpus");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
