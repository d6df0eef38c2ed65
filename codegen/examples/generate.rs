//! Prints the code generated for a WSDL file: `cargo run -p wsclient-build --example generate -- FILE.wsdl`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: generate FILE.wsdl|FILE.xsd");
        std::process::exit(2);
    };
    let path = std::path::PathBuf::from(path);
    let options = wsclient_build::Options::default();
    let result = if path.extension().is_some_and(|e| e == "xsd") {
        wsclient_build::generate_xsd(&path, &options)
    } else {
        wsclient_build::generate_wsdl(&path, &options)
    };
    match result {
        Ok(g) => {
            print!("{}", g.code);
            for w in &g.warnings {
                eprintln!("warning: {w}");
            }
            eprintln!("{:?}", g.stats);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
