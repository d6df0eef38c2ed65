//! Generates a module from each fixture of `wsclient-build`'s tests into `OUT_DIR`.

use std::path::PathBuf;

/// The fixtures that generate code (those the generator refuses are tested in
/// `codegen/tests/golden.rs`), with the module each becomes.
const FIXTURES: &[(&str, &str)] = &[
    ("names.wsdl", "names"),
    ("occurs.wsdl", "occurs"),
    ("structure.wsdl", "structure"),
    ("schemas.wsdl", "schemas"),
    ("schemas-common.xsd", "schemas_common"),
    ("bindings.wsdl", "bindings"),
    ("rpc-literal.wsdl", "rpc_literal"),
    ("derived.wsdl", "derived"),
    ("headers.wsdl", "headers"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../tests/fixtures");
    // Everything the generator can emit: the client, the JSON conversions and the server side.
    let mut builder = wsclient_build::configure().json(true).server(true);
    for (file, module) in FIXTURES {
        let path = fixtures.join(file);
        builder = if file.ends_with(".xsd") {
            builder.xsd(path, module)
        } else {
            builder.wsdl(path, module)
        };
    }
    builder.compile()?;
    Ok(())
}
