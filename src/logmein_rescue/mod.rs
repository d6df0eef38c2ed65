//! LogMeIn Rescue API (`API.asmx`).

/// Types and port clients generated from `wsdl/logmein-rescue/API.asmx.wsdl`.
pub mod api {
    crate::include_generated!("logmein_rescue");
}
