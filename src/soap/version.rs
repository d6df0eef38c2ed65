//! The two SOAP versions and their envelope namespaces.

use std::fmt;

/// The SOAP 1.1 envelope namespace.
pub const SOAP11_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The SOAP 1.2 envelope namespace.
pub const SOAP12_ENVELOPE_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

/// A SOAP version, as chosen by the WSDL binding an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1: `text/xml` with a `SOAPAction` header.
    V11,
    /// SOAP 1.2: `application/soap+xml` with the action as a content-type parameter.
    V12,
}

impl SoapVersion {
    /// The namespace of this version's `Envelope`, `Header`, `Body` and `Fault` elements.
    pub const fn envelope_ns(self) -> &'static str {
        match self {
            SoapVersion::V11 => SOAP11_ENVELOPE_NS,
            SoapVersion::V12 => SOAP12_ENVELOPE_NS,
        }
    }

    /// The prefix written for the envelope namespace: `soap` for 1.1, `soap12` for 1.2
    /// (as ASP.NET writes them).
    pub const fn prefix(self) -> &'static str {
        match self {
            SoapVersion::V11 => "soap",
            SoapVersion::V12 => "soap12",
        }
    }

    /// The version whose envelope namespace is `ns`, if any.
    pub fn from_envelope_ns(ns: &str) -> Option<Self> {
        match ns {
            SOAP11_ENVELOPE_NS => Some(SoapVersion::V11),
            SOAP12_ENVELOPE_NS => Some(SoapVersion::V12),
            _ => None,
        }
    }

    /// The media type of a request body: `text/xml` for 1.1, `application/soap+xml` for 1.2.
    pub const fn media_type(self) -> &'static str {
        match self {
            SoapVersion::V11 => "text/xml",
            SoapVersion::V12 => "application/soap+xml",
        }
    }
}

impl fmt::Display for SoapVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SoapVersion::V11 => "SOAP 1.1",
            SoapVersion::V12 => "SOAP 1.2",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_round_trip() {
        for v in [SoapVersion::V11, SoapVersion::V12] {
            assert_eq!(SoapVersion::from_envelope_ns(v.envelope_ns()), Some(v));
        }
        assert_eq!(SoapVersion::from_envelope_ns("urn:other"), None);
        assert_eq!(SoapVersion::V12.prefix(), "soap12");
        assert_eq!(SoapVersion::V11.to_string(), "SOAP 1.1");
    }
}
