//! The pieces of hand-written quick-xml code that the benches comparing it with the generated
//! code share (included by path, `#[path = ...] mod hand;`): opening a SOAP 1.1 envelope as
//! ASP.NET writes it, and reading an element's text.

use std::borrow::Cow;
use std::error::Error;

use quick_xml::events::{BytesDecl, BytesStart, Event};
use quick_xml::Writer;
use wsclient::soap::{SOAP11_ENVELOPE_NS, XSD_NS};
use wsclient::xml::XSI_NS;

/// `<?xml ...?><soap:Envelope ...><soap:Body><{name} xmlns="{ns}">`, as the generated code
/// writes it.
pub fn open_envelope(w: &mut Writer<Vec<u8>>, name: &str, ns: &str) -> Result<(), Box<dyn Error>> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("soap:Envelope").with_attributes([
            ("xmlns:soap", SOAP11_ENVELOPE_NS),
            ("xmlns:xsi", XSI_NS),
            ("xmlns:xsd", XSD_NS),
        ]),
    ))?;
    w.write_event(Event::Start(BytesStart::new("soap:Body")))?;
    w.write_event(Event::Start(
        BytesStart::new(name).with_attributes([("xmlns", ns)]),
    ))?;
    Ok(())
}

/// The text of the element whose start tag was just read, consuming its end tag; `next` reads
/// the next event.
pub fn text<'a>(
    mut next: impl FnMut() -> quick_xml::Result<Event<'a>>,
) -> Result<Cow<'a, str>, Box<dyn Error>> {
    let mut out: Option<Cow<'a, str>> = None;
    loop {
        let piece = match next()? {
            Event::Text(t) => t.xml10_content()?,
            Event::CData(t) => t.xml10_content()?,
            Event::GeneralRef(e) => match e.resolve_char_ref()? {
                Some(c) => Cow::Owned(c.to_string()),
                None => {
                    let name = e.decode()?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => Cow::Borrowed(s),
                        None => return Err(format!("unknown entity &{name};").into()),
                    }
                }
            },
            Event::End(_) => return Ok(out.unwrap_or_default()),
            Event::Start(_) | Event::Empty(_) => {
                return Err("an element where text was expected".into())
            }
            Event::Eof => return Err("the document ends early".into()),
            _ => continue,
        };
        match &mut out {
            None => out = Some(piece),
            Some(s) => s.to_mut().push_str(&piece),
        }
    }
}
