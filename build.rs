//! Generates the vendor clients from the cached service descriptions in `wsdl/`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let result = wsclient_build::configure()
        .runtime_crate("crate")
        .wsdl("wsdl/logmein-rescue/API.asmx.wsdl", "logmein_rescue")
        .compile();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
