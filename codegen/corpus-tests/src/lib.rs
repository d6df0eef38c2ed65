//! The code `wsclient-build` generates for the public WSDL corpus (`shared/wsdl-corpus/`
//! beside the repository), each file in a module of its own: the clients, and (for all files but
//! `vboxweb.wsdl`, see the build script) the JSON conversions and the server side. That this
//! crate builds with warnings denied proves the generator's output for real-world WSDL files
//! compiles cleanly.
//!
//! Without the corpus the modules are left out (the build script says so).

#![deny(warnings, missing_docs)]

/// ChromeData Automotive Description Service: document/literal, extensions of base request and
/// response types (`chromedata.wsdl`).
#[cfg(corpus)]
pub mod chromedata {
    wsclient::include_generated!("chromedata");
}

/// DynDNS: document/literal with `ArrayOfX` types and nillable elements (`dyndns.wsdl`).
#[cfg(corpus)]
pub mod dyndns {
    wsclient::include_generated!("dyndns");
}

/// Amazon EC2: a large schema with many choices (`ec2.wsdl`).
#[cfg(corpus)]
pub mod ec2 {
    wsclient::include_generated!("ec2");
}

/// EPCglobal EPCIS query: `xs:import` across files, derived event types, `xs:any`
/// (`epcis/EPCglobal-epcis-query-1_2.wsdl`).
#[cfg(corpus)]
pub mod epcis {
    wsclient::include_generated!("epcis");
}

/// Washington State Ferries: ASP.NET `.asmx`, SOAP 1.1 and 1.2, `ArrayOfX`, a SOAP header on
/// every operation (`ferry.wsdl`).
#[cfg(corpus)]
pub mod ferry {
    wsclient::include_generated!("ferry");
}

/// Magyar Nemzeti Bank exchange rates: WCF, SOAP 1.1 and 1.2 (`mnb-exchange.wsdl`).
#[cfg(corpus)]
pub mod mnb_exchange {
    wsclient::include_generated!("mnb_exchange");
}

/// The stock quote example of the WSDL 1.1 note, whose port names a binding that does not exist
/// (`stock.wsdl`).
#[cfg(corpus)]
pub mod stock {
    wsclient::include_generated!("stock");
}

/// A small document/literal sample (`test.wsdl`).
#[cfg(corpus)]
pub mod test_service {
    wsclient::include_generated!("test_service");
}

/// USDA Air and Water Database: JAX-WS, `xs:decimal`, nillable elements (`usda-awdb.wsdl`).
#[cfg(corpus)]
pub mod usda_awdb {
    wsclient::include_generated!("usda_awdb");
}

/// VirtualBox web service: 2.3 MB, over a thousand operations (`vboxweb.wsdl`).
#[cfg(corpus)]
pub mod vboxweb {
    wsclient::include_generated!("vboxweb");
}
