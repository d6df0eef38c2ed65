//! The service descriptions cached in `wsdl/`, embedded, for serving at `?wsdl` and for tools.

/// One cached service description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedDescription {
    /// A short name for the service (`rescue`, `archer-general`, ...).
    pub service: &'static str,
    /// The file's path in the repository, relative to `wsdl/`.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// LogMeIn Rescue `API.asmx`.
pub const RESCUE: CachedDescription = CachedDescription {
    service: "rescue",
    path: "logmein-rescue/API.asmx.wsdl",
    text: include_str!("../../wsdl/logmein-rescue/API.asmx.wsdl"),
};

/// RSA Archer `general.asmx`.
pub const ARCHER_GENERAL: CachedDescription = CachedDescription {
    service: "archer-general",
    path: "archer/general.asmx.wsdl",
    text: include_str!("../../wsdl/archer/general.asmx.wsdl"),
};

/// RSA Archer `accesscontrol.asmx`.
pub const ARCHER_ACCESS_CONTROL: CachedDescription = CachedDescription {
    service: "archer-accesscontrol",
    path: "archer/accesscontrol.asmx.wsdl",
    text: include_str!("../../wsdl/archer/accesscontrol.asmx.wsdl"),
};

/// The WSDLs, in this order.
pub const ALL: &[CachedDescription] = &[RESCUE, ARCHER_GENERAL, ARCHER_ACCESS_CONTROL];
