//! Writing request envelopes and reading response envelopes.

use std::borrow::Cow;

use crate::error::Error;
use crate::xml::{
    decode_document, Field, FromXml, ReadError, Start, ToXml, WriteError, XmlReader, XmlWriter,
    XSI_NS,
};

use super::fault::Fault;
use super::version::{SoapVersion, SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS};

/// The XML Schema namespace, declared as `xsd` on every request envelope.
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// Writes a request envelope in the ASP.NET style:
///
/// ```xml
/// <?xml version="1.0" encoding="utf-8"?>
/// <soap:Envelope xmlns:soap="..." xmlns:xsi="..." xmlns:xsd="...">
///   <soap:Header>...</soap:Header>
///   <soap:Body><operation xmlns="ns">...</operation></soap:Body>
/// </soap:Envelope>
/// ```
///
/// (without the indentation). The prefix is `soap` for SOAP 1.1 and `soap12` for SOAP 1.2. The
/// `Header` is written only when `headers` is not empty; each header is written as the element
/// named by its [`Field`].
///
/// Fails, naming the element, when a value holds a character that XML 1.0 cannot carry.
pub fn write_request<B: ToXml + ?Sized>(
    version: SoapVersion,
    body_element: Field,
    body: &B,
    headers: &[(Field, &dyn ToXml)],
) -> Result<Vec<u8>, WriteError> {
    let prefix = version.prefix();
    let mut w = XmlWriter::with_capacity(1024);
    w.declaration();
    w.start_prefixed(
        prefix,
        "Envelope",
        &[
            (prefix, version.envelope_ns()),
            ("xsi", XSI_NS),
            ("xsd", XSD_NS),
        ],
    );
    if !headers.is_empty() {
        w.start_prefixed(prefix, "Header", &[]);
        for (field, value) in headers {
            w.element(field.ns, field.name, *value)?;
        }
        w.end();
    }
    w.start_prefixed(prefix, "Body", &[]);
    w.element(body_element.ns, body_element.name, body)?;
    w.end();
    w.end();
    Ok(w.into_bytes())
}

/// Reads a response envelope and the element `expected` in its `Body` as a `T`.
///
/// Either SOAP version is accepted, whatever the request used. The `Header` is skipped. The
/// first element in the `Body` decides the outcome:
///
/// - a SOAP 1.1 or 1.2 `Fault`: [`Error::Fault`];
/// - the `expected` element: read with [`FromXml`];
/// - any other element: [`Error::UnexpectedElement`]; no element at all: [`Error::EmptyBody`].
///
/// A second element in the `Body`, or anything but whitespace and comments after the
/// envelope, is an error too. A root element that is not a SOAP `Envelope` gives
/// [`Error::UnexpectedElement`].
///
/// The bytes may be UTF-8 or UTF-16 (see [`decode_document`]); a DTD, an entity other than the
/// predefined ones, another encoding, or a character XML 1.0 does not allow gives
/// [`Error::Xml`]. Any input gives `Ok` or an error: this function does not panic.
pub fn read_response<T: FromXml>(bytes: &[u8], expected: Field) -> Result<T, Error> {
    let doc = decode_document(bytes)?;
    read_decoded(bytes, &doc, expected)
}

/// [`read_response`] on a document [`decode_document`] returned for `bytes`.
pub(crate) fn read_decoded<T: FromXml>(
    bytes: &[u8],
    doc: &str,
    expected: Field,
) -> Result<T, Error> {
    let mut env = open_envelope(XmlReader::for_decoded(bytes, doc))?;
    let Some(first) = env.first_in_body()? else {
        return Err(Error::EmptyBody {
            expected: describe(expected),
        });
    };
    if is_fault(&env.reader, &first) {
        let fault = Fault::from_xml(&mut env.reader, &first)?;
        return Err(Error::Fault(Box::new(fault)));
    }
    if !env.reader.is(&first, expected.ns, expected.name) {
        return Err(Error::UnexpectedElement {
            expected: describe(expected),
            found: env.reader.name_of(&first),
        });
    }
    let value = T::from_xml(&mut env.reader, &first)?;
    env.close(expected)?;
    Ok(value)
}

/// Reads a response envelope whose `Body` content does not matter (the answer to a one-way
/// operation): [`Error::Fault`] if the `Body` holds a fault, `Ok(())` otherwise.
pub fn check_response(bytes: &[u8]) -> Result<(), Error> {
    let doc = decode_document(bytes)?;
    check_decoded(bytes, &doc)
}

/// [`check_response`] on a document [`decode_document`] returned for `bytes`.
pub(crate) fn check_decoded(bytes: &[u8], doc: &str) -> Result<(), Error> {
    let mut env = open_envelope(XmlReader::for_decoded(bytes, doc))?;
    if let Some(first) = env.first_in_body()? {
        if is_fault(&env.reader, &first) {
            let fault = Fault::from_xml(&mut env.reader, &first)?;
            return Err(Error::Fault(Box::new(fault)));
        }
        env.reader.skip(&first)?;
        while let Some(other) = env.reader.next_element(&env.body)? {
            env.reader.skip(&other)?;
        }
    }
    env.close_envelope()
}

/// What a response body turned out to be, at a first look.
#[derive(Debug)]
pub(crate) enum Probe<'a> {
    /// Not a SOAP envelope: not XML, or another root element.
    NotEnvelope,
    /// An XML document that is refused before its root element is read: a DTD, an encoding
    /// other than UTF-8 and UTF-16, a character XML 1.0 does not allow.
    Refused(ReadError),
    /// A SOAP envelope whose `Body` does not start with a readable fault: the document, decoded
    /// and checked, for [`read_decoded`] or [`check_decoded`].
    Envelope(Cow<'a, str>),
    /// A SOAP envelope holding this fault.
    Fault(Box<Fault>),
}

/// Looks at a response body: is it a SOAP envelope, and does it hold a fault? Reads no further
/// than the first element of the `Body` (or the end of the fault).
pub(crate) fn probe(bytes: &[u8]) -> Probe<'_> {
    let doc = match decode_document(bytes) {
        Ok(doc) => doc,
        // An empty body, or bytes that are not text at all, are not a refused XML document.
        Err(_) if !crate::rest::http::starts_like_xml(bytes) => return Probe::NotEnvelope,
        Err(e) => return Probe::Refused(e),
    };
    // What the first look found; the reader (which borrows `doc`) ends with this block.
    let fault = {
        let (reader, envelope) = match root_envelope(XmlReader::for_decoded(bytes, &doc)) {
            Ok(found) => found,
            // A DTD is refused; whether that makes the answer a refused envelope or something
            // else (an HTML page) depends on the root it announces.
            Err(Error::Xml(e @ ReadError::DoctypeForbidden))
                if crate::rest::http::doctype_root(doc.as_bytes()) == Some(&b"Envelope"[..]) =>
            {
                return Probe::Refused(e)
            }
            Err(_) => return Probe::NotEnvelope,
        };
        let mut env = Envelope {
            reader,
            body: envelope.clone(),
            envelope,
        };
        match env.first_in_body() {
            Ok(Some(first)) if is_fault(&env.reader, &first) => {
                Fault::from_xml(&mut env.reader, &first).ok()
            }
            _ => None,
        }
    };
    match fault {
        Some(fault) => Probe::Fault(Box::new(fault)),
        None => Probe::Envelope(doc),
    }
}

/// An envelope being read.
struct Envelope<'a> {
    reader: XmlReader<'a>,
    envelope: Start<'a>,
    /// The `Body`, once found (the envelope until then).
    body: Start<'a>,
}

/// Reads the root element, which must be a SOAP 1.1 or 1.2 `Envelope`.
fn root_envelope(mut reader: XmlReader<'_>) -> Result<(XmlReader<'_>, Start<'_>), Error> {
    let root = reader.root()?;
    if reader.is(&root, Some(SOAP11_ENVELOPE_NS), "Envelope")
        || reader.is(&root, Some(SOAP12_ENVELOPE_NS), "Envelope")
    {
        Ok((reader, root))
    } else {
        Err(Error::UnexpectedElement {
            expected: "a SOAP 1.1 or 1.2 `Envelope`".into(),
            found: reader.name_of(&root),
        })
    }
}

fn open_envelope(reader: XmlReader<'_>) -> Result<Envelope<'_>, Error> {
    let (reader, envelope) = root_envelope(reader)?;
    Ok(Envelope {
        reader,
        body: envelope.clone(),
        envelope,
    })
}

impl<'a> Envelope<'a> {
    /// Skips to the `Body` (past the `Header` and anything else) and returns its first element.
    fn first_in_body(&mut self) -> Result<Option<Start<'a>>, Error> {
        loop {
            let Some(child) = self.reader.next_element(&self.envelope)? else {
                return Err(ReadError::MissingElement {
                    parent: self.envelope.qualified_name(),
                    element: "Body",
                }
                .into());
            };
            if is_soap(&self.reader, &child, "Body") {
                self.body = child;
                break;
            }
            self.reader.skip(&child)?;
        }
        Ok(self.reader.next_element(&self.body)?)
    }

    /// After the one expected element: nothing else in the `Body`, then the end of the
    /// envelope.
    fn close(&mut self, expected: Field) -> Result<(), Error> {
        if let Some(extra) = self.reader.next_element(&self.body)? {
            return Err(Error::UnexpectedElement {
                expected: format!("nothing after {} in the SOAP Body", describe(expected)),
                found: self.reader.name_of(&extra),
            });
        }
        self.close_envelope()
    }

    /// Skips whatever follows the `Body` in the envelope, then checks the end of the document.
    fn close_envelope(&mut self) -> Result<(), Error> {
        while let Some(after) = self.reader.next_element(&self.envelope)? {
            self.reader.skip(&after)?;
        }
        self.reader.finish()?;
        Ok(())
    }
}

fn is_soap(r: &XmlReader<'_>, start: &Start<'_>, name: &str) -> bool {
    r.is(start, Some(SOAP11_ENVELOPE_NS), name) || r.is(start, Some(SOAP12_ENVELOPE_NS), name)
}

fn is_fault(r: &XmlReader<'_>, start: &Start<'_>) -> bool {
    is_soap(r, start, "Fault")
}

/// An expected element as `{namespace}local` in backquotes, like [`XmlReader::name_of`].
fn describe(field: Field) -> String {
    match field.ns {
        Some(ns) if !ns.is_empty() => format!("`{{{ns}}}{}`", field.name),
        _ => format!("`{}`", field.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{RawXml, XmlWriter};

    const NS: &str = "urn:test";
    const REQUEST: Field = Field::new(Some(NS), "getThing");
    const RESPONSE: Field = Field::new(Some(NS), "getThingResponse");

    struct Req {
        name: String,
        count: Option<i32>,
    }

    impl ToXml for Req {
        fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError> {
            w.element(Some(NS), "name", &self.name)?;
            w.optional(Some(NS), "count", &self.count)
        }
    }

    #[derive(Debug, PartialEq)]
    struct Resp {
        result: String,
    }

    impl FromXml for Resp {
        fn from_xml(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, ReadError> {
            const FIELDS: &[Field] = &[Field::new(Some(NS), "result")];
            let mut result = None;
            while let Some((i, child)) = r.next_child(start, FIELDS)? {
                match i {
                    0 => result = Some(r.read(&child)?),
                    _ => r.skip(&child)?,
                }
            }
            Ok(Resp {
                result: r.required(result, start, "result")?,
            })
        }
    }

    fn envelope(version: SoapVersion, body: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{}"><s:Header><h xmlns="urn:h">x</h></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
            version.envelope_ns()
        )
        .into_bytes()
    }

    #[test]
    fn writes_soap11_and_soap12_requests() {
        let req = Req {
            name: "a<b".into(),
            count: None,
        };
        let bytes = write_request(SoapVersion::V11, REQUEST, &req, &[]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
                r#"<soap:Body><getThing xmlns="urn:test"><name>a&lt;b</name></getThing></soap:Body></soap:Envelope>"#
            )
        );

        let token = "t0k".to_owned();
        let headers: [(Field, &dyn ToXml); 1] = [(Field::new(Some("urn:h"), "Auth"), &token)];
        let req = Req {
            name: "n".into(),
            count: Some(3),
        };
        let bytes = write_request(SoapVersion::V12, REQUEST, &req, &headers).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
                r#"<soap12:Header><Auth xmlns="urn:h">t0k</Auth></soap12:Header>"#,
                r#"<soap12:Body><getThing xmlns="urn:test"><name>n</name><count>3</count></getThing></soap12:Body></soap12:Envelope>"#
            )
        );
    }

    #[test]
    fn refuses_a_nul_character_and_names_the_element() {
        let req = Req {
            name: "bad\0".into(),
            count: None,
        };
        let err = write_request(SoapVersion::V11, REQUEST, &req, &[]).unwrap_err();
        assert_eq!(
            err,
            WriteError::InvalidCharacter {
                element: "getThing/name".into(),
                character: '\0',
                position: 3
            }
        );
    }

    #[test]
    fn reads_the_expected_element_in_either_version() {
        for version in [SoapVersion::V11, SoapVersion::V12] {
            let bytes = envelope(
                version,
                r#"<getThingResponse xmlns="urn:test"><unknown/><result>ok</result></getThingResponse>"#,
            );
            let resp: Resp = read_response(&bytes, RESPONSE).unwrap();
            assert_eq!(resp.result, "ok");
            assert!(matches!(probe(&bytes), Probe::Envelope(_)));
        }
    }

    #[test]
    fn reads_with_a_byte_order_mark_and_no_header() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getThingResponse xmlns="urn:test"><result>ok</result></getThingResponse></soap:Body></soap:Envelope>"#,
        );
        let resp: Resp = read_response(&bytes, RESPONSE).unwrap();
        assert_eq!(resp.result, "ok");
    }

    #[test]
    fn reports_faults_of_both_versions() {
        let bytes = envelope(
            SoapVersion::V11,
            r#"<s:Fault><faultcode>s:Client</faultcode><faultstring>bad input</faultstring><detail><x>1</x></detail></s:Fault>"#,
        );
        let Err(Error::Fault(fault)) = read_response::<Resp>(&bytes, RESPONSE) else {
            panic!("expected a fault");
        };
        assert_eq!(fault.version, SoapVersion::V11);
        assert!(fault.is_client_fault());
        assert_eq!(fault.reason, "bad input");
        assert_eq!(fault.detail, Some(RawXml("<x>1</x>".into())));
        assert!(matches!(probe(&bytes), Probe::Fault(f) if f.reason == "bad input"));
        assert!(matches!(check_response(&bytes), Err(Error::Fault(_))));

        let bytes = envelope(
            SoapVersion::V12,
            r#"<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>e:Busy</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">busy</s:Text></s:Reason></s:Fault>"#,
        );
        let Err(Error::Fault(fault)) = read_response::<Resp>(&bytes, RESPONSE) else {
            panic!("expected a fault");
        };
        assert_eq!(fault.version, SoapVersion::V12);
        assert_eq!(fault.subcodes, vec!["e:Busy"]);
        assert_eq!(fault.reason, "busy");
    }

    #[test]
    fn empty_body_unexpected_and_extra_elements() {
        for body in ["", "  <!-- nothing -->  "] {
            let bytes = envelope(SoapVersion::V11, body);
            let err = read_response::<Resp>(&bytes, RESPONSE).unwrap_err();
            assert!(
                matches!(&err, Error::EmptyBody { expected } if expected == "`{urn:test}getThingResponse`"),
                "{err:?}"
            );
            check_response(&bytes).unwrap();
        }
        let bytes =
            br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
        assert!(matches!(
            read_response::<Resp>(bytes, RESPONSE),
            Err(Error::EmptyBody { .. })
        ));

        let bytes = envelope(SoapVersion::V11, r#"<other xmlns="urn:x"/>"#);
        let err = read_response::<Resp>(&bytes, RESPONSE).unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedElement { expected, found }
                if expected == "`{urn:test}getThingResponse`" && found == "{urn:x}other"),
            "{err:?}"
        );
        check_response(&bytes).unwrap();

        let bytes = envelope(
            SoapVersion::V11,
            r#"<getThingResponse xmlns="urn:test"><result>ok</result></getThingResponse><more xmlns="urn:test"/>"#,
        );
        let err = read_response::<Resp>(&bytes, RESPONSE).unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedElement { found, .. } if found == "{urn:test}more"),
            "{err:?}"
        );
        assert!(err.to_string().contains("nothing after"), "{err}");
    }

    #[test]
    fn refuses_documents_that_are_not_envelopes() {
        let bytes = b"<html><body>Error</body></html>";
        let err = read_response::<Resp>(bytes, RESPONSE).unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedElement { found, .. } if found == "html"),
            "{err:?}"
        );
        assert!(matches!(probe(bytes), Probe::NotEnvelope));

        let bytes = br#"<Envelope xmlns="urn:not-soap"><Body/></Envelope>"#;
        assert!(matches!(
            read_response::<Resp>(bytes, RESPONSE),
            Err(Error::UnexpectedElement { .. })
        ));
        assert!(matches!(probe(bytes), Probe::NotEnvelope));

        for bytes in [&b""[..], b"not xml at all", b"{\"json\": true}"] {
            assert!(matches!(probe(bytes), Probe::NotEnvelope));
            assert!(matches!(
                read_response::<Resp>(bytes, RESPONSE),
                Err(Error::Xml(_))
            ));
        }
    }

    #[test]
    fn structural_errors_are_xml_errors() {
        // No Body at all.
        let bytes = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>"#;
        let err = read_response::<Resp>(bytes, RESPONSE).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Xml(ReadError::MissingElement {
                    element: "Body",
                    ..
                })
            ),
            "{err:?}"
        );
        assert!(matches!(probe(bytes), Probe::Envelope(_)));

        // Truncated document.
        let bytes = envelope(
            SoapVersion::V11,
            r#"<getThingResponse xmlns="urn:test"><result>ok</result></getThingResponse>"#,
        );
        let cut = &bytes[..bytes.len() - 20];
        assert!(matches!(
            read_response::<Resp>(cut, RESPONSE),
            Err(Error::Xml(_))
        ));

        // Content after the envelope.
        let mut extra = bytes.clone();
        extra.extend_from_slice(b"<again/>");
        assert!(matches!(
            read_response::<Resp>(&extra, RESPONSE),
            Err(Error::Xml(_))
        ));

        // The expected element lacks a required child.
        let bytes = envelope(SoapVersion::V11, r#"<getThingResponse xmlns="urn:test"/>"#);
        let err = read_response::<Resp>(&bytes, RESPONSE).unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Xml(ReadError::MissingElement {
                    element: "result",
                    ..
                })
            ),
            "{err:?}"
        );
    }
    #[test]
    fn fault_detail_is_cut_right_after_a_byte_order_mark() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(envelope(
            SoapVersion::V11,
            r#"<s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring><detail><e>1</e></detail></s:Fault>"#,
        ));
        let Err(Error::Fault(fault)) = read_response::<Resp>(&bytes, RESPONSE) else {
            panic!("expected a fault");
        };
        assert_eq!(fault.detail, Some(RawXml("<e>1</e>".into())));
    }

    #[test]
    fn reads_utf16_envelopes_and_refuses_other_encodings() {
        let text = String::from_utf8(envelope(
            SoapVersion::V12,
            r#"<getThingResponse xmlns="urn:test"><result>Zürich 𝄞</result></getThingResponse>"#,
        ))
        .unwrap()
        .replace("utf-8", "utf-16");
        let bytes: Vec<u8> = std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        let resp: Resp = read_response(&bytes, RESPONSE).unwrap();
        assert_eq!(resp.result, "Zürich 𝄞");
        assert!(matches!(probe(&bytes), Probe::Envelope(_)));
        check_response(&bytes).unwrap();

        let latin1 = text.replace("utf-16", "iso-8859-1");
        let err = read_response::<Resp>(latin1.as_bytes(), RESPONSE).unwrap_err();
        assert!(
            matches!(&err, Error::Xml(ReadError::UnsupportedEncoding { encoding }) if encoding == "iso-8859-1"),
            "{err:?}"
        );
        assert!(matches!(
            probe(latin1.as_bytes()),
            Probe::Refused(ReadError::UnsupportedEncoding { .. })
        ));
        let doctype = format!(
            "<!DOCTYPE s:Envelope [<!ENTITY e \"boom\">]>{}",
            text.replace(r#"<?xml version="1.0" encoding="utf-16"?>"#, "")
        );
        assert!(matches!(
            probe(doctype.as_bytes()),
            Probe::Refused(ReadError::DoctypeForbidden)
        ));
        // An HTML page is not a refused envelope.
        assert!(matches!(
            probe(b"<!DOCTYPE html><html><body>Error</body></html>"),
            Probe::NotEnvelope
        ));
        // Bytes that are not text at all are not a refused document.
        assert!(matches!(
            probe(b"\x89PNG\r\n\x1a\n\0\0"),
            Probe::NotEnvelope
        ));
    }
}
