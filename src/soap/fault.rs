//! SOAP faults, in both the 1.1 and the 1.2 form.

use std::fmt;

use crate::xml::{FromXml, RawXml, ReadError, Start, XmlReader};

use super::version::{SoapVersion, SOAP12_ENVELOPE_NS};

/// The namespace of the `xml:` prefix (`xml:lang`).
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A SOAP fault returned by the service, read from either the SOAP 1.1 form (`faultcode`,
/// `faultstring`, `faultactor`, `detail`) or the SOAP 1.2 form (`Code`/`Value`/`Subcode`,
/// `Reason`/`Text`, `Node`, `Role`, `Detail`).
///
/// Reading is lenient: children are recognised by their local name, missing ones are left
/// empty, and unknown ones are skipped, so that a slightly malformed fault is still reported as
/// a fault rather than as an unreadable response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The SOAP version of the `Fault` element (from its namespace).
    pub version: SoapVersion,
    /// The fault code as written, e.g. `soap:Server` (1.1) or `soap12:Sender` (1.2).
    pub code: String,
    /// The namespace the code's prefix is bound to, if it could be resolved.
    pub code_ns: Option<String>,
    /// The local part of the code, e.g. `Server`, `Client`, `Sender`, `Receiver`.
    pub code_local: String,
    /// The SOAP 1.2 subcodes as written, outermost first (always empty for SOAP 1.1).
    pub subcodes: Vec<String>,
    /// The human-readable reason: `faultstring` (1.1), or the English `Reason/Text` if there is
    /// one, else the first (1.2).
    pub reason: String,
    /// The node that reported the fault: `faultactor` (1.1) or `Role` (1.2).
    pub actor: Option<String>,
    /// The SOAP 1.2 `Node`.
    pub node: Option<String>,
    /// The inner markup of `detail` (1.1) or `Detail` (1.2), kept as received.
    pub detail: Option<RawXml>,
    /// The HTTP status of the response that carried the fault, when it came over HTTP.
    pub http_status: Option<u16>,
}

impl Fault {
    /// Whether the fault code is the standard "the request was wrong" code: `Client` (1.1) or
    /// `Sender` (1.2) in the envelope namespace.
    pub fn is_client_fault(&self) -> bool {
        self.is_standard_code(match self.version {
            SoapVersion::V11 => "Client",
            SoapVersion::V12 => "Sender",
        })
    }

    /// Whether the fault code is the standard "the service failed" code: `Server` (1.1) or
    /// `Receiver` (1.2) in the envelope namespace.
    pub fn is_server_fault(&self) -> bool {
        self.is_standard_code(match self.version {
            SoapVersion::V11 => "Server",
            SoapVersion::V12 => "Receiver",
        })
    }

    fn is_standard_code(&self, local: &str) -> bool {
        // Some services write the code with a dotted suffix (`Client.Authentication`).
        let base = self.code_local.split('.').next().unwrap_or_default();
        base == local
            && self
                .code_ns
                .as_deref()
                .is_none_or(|ns| ns == self.version.envelope_ns())
    }

    fn empty(version: SoapVersion) -> Self {
        Fault {
            version,
            code: String::new(),
            code_ns: None,
            code_local: String::new(),
            subcodes: Vec::new(),
            reason: String::new(),
            actor: None,
            node: None,
            detail: None,
            http_status: None,
        }
    }

    fn set_code(&mut self, r: &XmlReader<'_>, text: &str) {
        let text = text.trim();
        let (ns, local) = r.resolve_qname(text);
        self.code = text.to_owned();
        self.code_ns = ns;
        self.code_local = local;
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SOAP fault")?;
        if !self.code.is_empty() {
            write!(f, " `{}`", self.code)?;
        }
        if !self.subcodes.is_empty() {
            write!(f, " ({})", self.subcodes.join(" / "))?;
        }
        if self.reason.is_empty() {
            f.write_str(" without a reason")
        } else {
            write!(f, ": {}", self.reason)
        }
    }
}

impl std::error::Error for Fault {}

impl FromXml for Fault {
    /// Reads a `Fault` element; its namespace decides [`Fault::version`].
    fn from_xml(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, ReadError> {
        let version = if r.is(start, Some(SOAP12_ENVELOPE_NS), "Fault") {
            SoapVersion::V12
        } else {
            SoapVersion::V11
        };
        let mut fault = Fault::empty(version);
        while let Some(child) = r.next_element(start)? {
            match &*child.local_name() {
                "faultcode" => {
                    let text = r.read_text(&child)?;
                    fault.set_code(r, &text);
                }
                "faultstring" => fault.reason = r.read_text(&child)?.trim().to_owned(),
                "faultactor" | "Role" => {
                    fault.actor = Some(r.read_text(&child)?.trim().to_owned());
                }
                "Node" => fault.node = Some(r.read_text(&child)?.trim().to_owned()),
                "detail" | "Detail" => fault.detail = Some(r.read_raw(&child)?),
                "Code" => read_code(r, &child, &mut fault, true)?,
                "Reason" => fault.reason = read_reason(r, &child)?,
                _ => r.skip(&child)?,
            }
        }
        Ok(fault)
    }
}

/// Reads a SOAP 1.2 `Code` (`top`) or `Subcode`: its `Value` and, recursively, its `Subcode`.
fn read_code(
    r: &mut XmlReader<'_>,
    start: &Start<'_>,
    fault: &mut Fault,
    top: bool,
) -> Result<(), ReadError> {
    while let Some(child) = r.next_element(start)? {
        match &*child.local_name() {
            "Value" => {
                let text = r.read_text(&child)?;
                if top {
                    fault.set_code(r, &text);
                } else {
                    fault.subcodes.push(text.trim().to_owned());
                }
            }
            "Subcode" => read_code(r, &child, fault, false)?,
            _ => r.skip(&child)?,
        }
    }
    Ok(())
}

/// Reads a SOAP 1.2 `Reason`: the English `Text` if there is one, else the first.
fn read_reason(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<String, ReadError> {
    let mut first: Option<String> = None;
    let mut english: Option<String> = None;
    while let Some(child) = r.next_element(start)? {
        if &*child.local_name() != "Text" {
            r.skip(&child)?;
            continue;
        }
        let lang = r.attribute_text(&child, Some(XML_NS), "lang")?;
        let text = r.read_text(&child)?.trim().to_owned();
        let is_english = lang.is_some_and(|l| {
            let l = l.trim().to_ascii_lowercase();
            l == "en" || l.starts_with("en-")
        });
        if is_english && english.is_none() {
            english = Some(text.clone());
        }
        if first.is_none() {
            first = Some(text);
        }
    }
    Ok(english.or(first).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Fault {
        let mut r = XmlReader::new(xml.as_bytes());
        let root = r.root().unwrap();
        let fault = Fault::from_xml(&mut r, &root).unwrap();
        r.finish().unwrap();
        fault
    }

    #[test]
    fn soap11_fault_with_detail() {
        let fault = parse(
            r#"<soap:Fault xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                 <faultcode>soap:Server</faultcode>
                 <faultstring>Server was unable to process request. ---&gt; boom</faultstring>
                 <faultactor>http://example.com/ws</faultactor>
                 <detail><e:code xmlns:e="urn:err">42</e:code></detail>
               </soap:Fault>"#,
        );
        assert_eq!(fault.version, SoapVersion::V11);
        assert_eq!(fault.code, "soap:Server");
        assert_eq!(
            fault.code_ns.as_deref(),
            Some("http://schemas.xmlsoap.org/soap/envelope/")
        );
        assert_eq!(fault.code_local, "Server");
        assert!(fault.is_server_fault());
        assert!(!fault.is_client_fault());
        assert_eq!(
            fault.reason,
            "Server was unable to process request. ---> boom"
        );
        assert_eq!(fault.actor.as_deref(), Some("http://example.com/ws"));
        assert_eq!(fault.node, None);
        assert_eq!(
            fault.detail,
            Some(RawXml(r#"<e:code xmlns:e="urn:err">42</e:code>"#.into()))
        );
        assert_eq!(
            fault.to_string(),
            "SOAP fault `soap:Server`: Server was unable to process request. ---> boom"
        );
    }

    #[test]
    fn soap12_fault_with_subcodes_and_languages() {
        let fault = parse(
            r#"<env:Fault xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:m="urn:m">
                 <env:Code>
                   <env:Value>env:Sender</env:Value>
                   <env:Subcode>
                     <env:Value>m:MessageTimeout</env:Value>
                     <env:Subcode><env:Value>m:Deeper</env:Value></env:Subcode>
                   </env:Subcode>
                 </env:Code>
                 <env:Reason>
                   <env:Text xml:lang="fr">Expiration du délai</env:Text>
                   <env:Text xml:lang="en-US">Sender Timeout</env:Text>
                 </env:Reason>
                 <env:Node>http://example.com/node</env:Node>
                 <env:Role>http://example.com/role</env:Role>
                 <env:Detail><m:MaxTime>P5M</m:MaxTime></env:Detail>
               </env:Fault>"#,
        );
        assert_eq!(fault.version, SoapVersion::V12);
        assert_eq!(fault.code, "env:Sender");
        assert_eq!(fault.code_local, "Sender");
        assert_eq!(fault.code_ns.as_deref(), Some(SOAP12_ENVELOPE_NS));
        assert!(fault.is_client_fault());
        assert_eq!(fault.subcodes, vec!["m:MessageTimeout", "m:Deeper"]);
        assert_eq!(fault.reason, "Sender Timeout");
        assert_eq!(fault.node.as_deref(), Some("http://example.com/node"));
        assert_eq!(fault.actor.as_deref(), Some("http://example.com/role"));
        assert_eq!(
            fault.detail.as_ref().map(RawXml::as_str),
            Some("<m:MaxTime>P5M</m:MaxTime>")
        );
        assert_eq!(
            fault.to_string(),
            "SOAP fault `env:Sender` (m:MessageTimeout / m:Deeper): Sender Timeout"
        );
    }

    #[test]
    fn soap12_reason_without_english_takes_the_first_text() {
        let fault = parse(
            r#"<s:Fault xmlns:s="http://www.w3.org/2003/05/soap-envelope">
                 <s:Code><s:Value>s:Receiver</s:Value></s:Code>
                 <s:Reason><s:Text xml:lang="de">Fehler</s:Text><s:Text xml:lang="fr">Erreur</s:Text></s:Reason>
               </s:Fault>"#,
        );
        assert_eq!(fault.reason, "Fehler");
        assert!(fault.is_server_fault());
        assert!(fault.subcodes.is_empty());
        assert_eq!(fault.detail, None);
    }

    #[test]
    fn lenient_with_missing_and_unknown_children() {
        let fault = parse(
            r#"<Fault xmlns="http://schemas.xmlsoap.org/soap/envelope/"><extra><x/></extra><faultstring>only a reason</faultstring><detail/></Fault>"#,
        );
        assert_eq!(fault.version, SoapVersion::V11);
        assert_eq!(fault.code, "");
        assert_eq!(fault.reason, "only a reason");
        assert_eq!(fault.detail, Some(RawXml::default()));
        assert_eq!(fault.to_string(), "SOAP fault: only a reason");
    }

    #[test]
    fn unbound_code_prefix_is_kept_as_written() {
        let fault = parse(
            r#"<soap:Fault xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>x:Client.Auth</faultcode><faultstring/></soap:Fault>"#,
        );
        assert_eq!(fault.code, "x:Client.Auth");
        assert_eq!(fault.code_ns, None);
        assert_eq!(fault.code_local, "Client.Auth");
        assert!(fault.is_client_fault());
        assert_eq!(
            fault.to_string(),
            "SOAP fault `x:Client.Auth` without a reason"
        );
    }
}
