//! Shows what a WSDL file holds and what the generator makes of it: its services and ports
//! (binding, SOAP version, address), each operation with the Rust signature of its client
//! method, the types with their fields (Rust name, Rust type, XML name), and the warnings.
//!
//! ```sh
//! cargo run -p wsclient-build --bin wsdl-show -- Service.wsdl   # or a bare schema.xsd
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: wsdl-show FILE.wsdl|FILE.xsd");
        return ExitCode::from(2);
    };
    match wsclient_build::show(path.as_ref(), &wsclient_build::Options::default()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
