//! The text of an element as hand-written quick-xml code reads it: text, CDATA and references
//! joined, up to the element's end tag. Shared by the benches that compare the generated
//! readers with hand-written ones (included by path, `#[path = ...] mod hand_text;`).

use std::borrow::Cow;
use std::error::Error;

use quick_xml::events::Event;

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
