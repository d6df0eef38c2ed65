//! The code `wsclient-build` generates for its test fixtures (`codegen/tests/fixtures/`), each
//! in a module of its own, with its JSON conversions and server side. That this crate builds with warnings denied proves the generator's
//! output compiles cleanly; the tests in `tests/` check how it writes and reads XML.

#![deny(warnings, missing_docs)]

/// Names that collide after case conversion, keywords, non-ASCII and prelude names
/// (`names.wsdl`).
pub mod names {
    wsclient::include_generated!("names");
}

/// Required, optional, nillable and repeated elements (`occurs.wsdl`).
pub mod occurs {
    wsclient::include_generated!("occurs");
}

/// Choices, attributes, simple and complex content, lists, unions, recursion, `xs:any`
/// (`structure.wsdl`).
pub mod structure {
    wsclient::include_generated!("structure");
}

/// Two inline schemas importing each other, unqualified elements, `ref=` across namespaces and
/// an imported local schema (`schemas.wsdl`).
pub mod schemas {
    wsclient::include_generated!("schemas");
}

/// The imported local schema on its own (`schemas-common.xsd`).
pub mod schemas_common {
    wsclient::include_generated!("schemas_common");
}

/// SOAP 1.1 and 1.2 bindings, two services, a one-way operation (`bindings.wsdl`).
pub mod bindings {
    wsclient::include_generated!("bindings");
}

/// A binding mixing document and rpc/literal operations (`rpc-literal.wsdl`).
pub mod rpc_literal {
    wsclient::include_generated!("rpc_literal");
}

/// Types derived from the declared ones (`xsi:type`), open choices, `Default` (`derived.wsdl`).
pub mod derived {
    wsclient::include_generated!("derived");
}

/// SOAP headers, and a binding that no port uses (`headers.wsdl`).
pub mod headers {
    wsclient::include_generated!("headers");
}
