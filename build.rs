//! Generates the vendor clients from the cached service descriptions in `wsdl/`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let result = wsclient_build::configure()
        .runtime_crate("crate")
        .server_feature("server") // trait + dispatcher per port type, in `server` submodules
        .json_feature("json") // JSON conversions and calls by name, in `json` submodules
        .wsdl("wsdl/logmein-rescue/API.asmx.wsdl", "logmein_rescue")
        .secret_word("usersession") // Archer: the *UserSession*Result elements carry the session token
        .wsdl("wsdl/archer/general.asmx.wsdl", "archer_general")
        .wsdl(
            "wsdl/archer/accesscontrol.asmx.wsdl",
            "archer_access_control",
        )
        .xsd(
            "wsdl/archer/accesscontrol-results.xsd",
            "archer_access_control_results",
        )
        .xsd("wsdl/commvault/rest-api.xsd", "commvault")
        .compile();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
