//! How long `wsclient-build` takes to generate code, and how many lines it generates: for each
//! cached service description in `wsdl/`, and for every file of the public WSDL corpus
//! (`../shared/wsdl-corpus/` beside the repository; skipped with a note when it is absent).
//!
//! ```sh
//! cargo bench --bench generator
//! ```
//!
//! `vim.wsdl` imports schema files that the corpus does not have, and `workday-time-min.wsdl`
//! refers to types it does not define, so generating them fails by design: what is measured for
//! them is the time to fail with the error naming the missing file or the undefined type.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use wsclient_build::{generate_wsdl, generate_xsd, Generated, Options};

/// The corpus files measured (all of them), from the largest down.
const CORPUS: &[&str] = &[
    "vboxweb.wsdl",
    "vim.wsdl",
    "ec2.wsdl",
    "ferry.wsdl",
    "usda-awdb.wsdl",
    "chromedata.wsdl",
    "dyndns.wsdl",
    "epcis/EPCglobal-epcis-query-1_2.wsdl",
    "mnb-exchange.wsdl",
    "test.wsdl",
    "stock.wsdl",
    "workday-time-min.wsdl",
];

fn generate(path: &Path, options: &Options) -> Result<Generated, wsclient_build::Error> {
    if path.extension().is_some_and(|e| e == "xsd") {
        generate_xsd(path, options)
    } else {
        generate_wsdl(path, options)
    }
}

fn inputs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<(String, PathBuf)> = [
        "wsdl/logmein-rescue/API.asmx.wsdl",
        "wsdl/archer/general.asmx.wsdl",
        "wsdl/archer/accesscontrol.asmx.wsdl",
        "wsdl/archer/accesscontrol-results.xsd",
        "wsdl/commvault/rest-api.xsd",
    ]
    .iter()
    .map(|p| (p.to_string(), root.join(p)))
    .collect();
    let corpus = root.join("../shared/wsdl-corpus");
    if corpus.is_dir() {
        for file in CORPUS {
            inputs.push((format!("corpus/{file}"), corpus.join(file)));
        }
    } else {
        println!(
            "note: {} is absent, the corpus files are skipped",
            corpus.display()
        );
    }
    inputs
}

fn generator(c: &mut Criterion) {
    let options = Options {
        runtime_crate: "crate".into(),
        ..Options::default()
    };
    let mut group = c.benchmark_group("generate");
    for (name, path) in inputs() {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let started = Instant::now();
        match generate(&path, &options) {
            Ok(g) => println!(
                "{name}: {bytes} bytes in, {} lines out ({} structs, {} enums, {} choices, {} clients, {} operations), first run {:.1} ms",
                g.stats.lines,
                g.stats.structs,
                g.stats.enums,
                g.stats.choices,
                g.stats.clients,
                g.stats.operations,
                started.elapsed().as_secs_f64() * 1e3
            ),
            Err(e) => println!(
                "{name}: {bytes} bytes in, fails as expected after {:.1} ms: {e}",
                started.elapsed().as_secs_f64() * 1e3
            ),
        }
        group.bench_function(name.as_str(), |b| {
            b.iter(|| black_box(generate(black_box(&path), &options).is_ok()))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = generator
}
criterion_main!(benches);
