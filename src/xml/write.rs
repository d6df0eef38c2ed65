//! Writing XML: a small, allocation-light writer that tracks namespace scope.

use super::{SimpleValue, ToXml, XSI_NS};

/// A value could not be written as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The value holds a character that XML 1.0 cannot carry (NUL and most other control
    /// characters, U+FFFE, U+FFFF). Nothing was sent.
    #[error("element `{element}` holds {character:?} at character {position}, which XML 1.0 cannot carry")]
    InvalidCharacter {
        /// The element (or `element/@attribute`) whose value holds the character.
        element: String,
        /// The character.
        character: char,
        /// Its position in the value, counted in characters from 0.
        position: usize,
    },
}

#[derive(Debug)]
struct Open {
    name: &'static str,
    prefix: Option<&'static str>,
}

/// Writes XML into a byte buffer, with namespaces declared where they are first needed.
///
/// Elements are written in the ASP.NET style: unprefixed, with `xmlns="..."` where the default
/// namespace changes (`xmlns=""` for an unqualified element inside a qualified one). Attribute and
/// `xsi:type` namespaces get generated prefixes.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: Vec<u8>,
    open: Vec<Open>,
    /// (depth at which it was declared, namespace); the last entry is in force.
    default_ns: Vec<(usize, Option<&'static str>)>,
    /// (depth at which it was declared, prefix, namespace).
    prefixes: Vec<(usize, String, &'static str)>,
    next_prefix: usize,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer whose buffer starts with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            ..Self::default()
        }
    }

    /// Writes the XML declaration `<?xml version="1.0" encoding="utf-8"?>`.
    pub fn declaration(&mut self) {
        self.buf
            .extend_from_slice(br#"<?xml version="1.0" encoding="utf-8"?>"#);
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The written document.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn current_default(&self) -> Option<&'static str> {
        self.default_ns.last().and_then(|(_, ns)| *ns)
    }

    /// Opens `<prefix:name` with the given prefix declarations, for envelopes and other fixed
    /// framing. Must be closed with [`XmlWriter::end`].
    pub fn start_prefixed(
        &mut self,
        prefix: &'static str,
        name: &'static str,
        declarations: &[(&'static str, &'static str)],
    ) {
        let depth = self.open.len() + 1;
        self.buf.push(b'<');
        self.buf.extend_from_slice(prefix.as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(name.as_bytes());
        for (p, ns) in declarations {
            self.declare_prefix(depth, p, ns);
        }
        self.buf.push(b'>');
        self.open.push(Open {
            name,
            prefix: Some(prefix),
        });
    }

    /// Closes the innermost element opened with [`XmlWriter::start_prefixed`].
    pub fn end(&mut self) {
        self.close(usize::MAX);
    }

    fn declare_prefix(&mut self, depth: usize, prefix: &str, ns: &'static str) {
        self.buf.extend_from_slice(b" xmlns:");
        self.buf.extend_from_slice(prefix.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        escape_into(&mut self.buf, ns, true);
        self.buf.push(b'"');
        self.prefixes.push((depth, prefix.to_owned(), ns));
    }

    /// The prefix bound to `ns`, declaring a new one on the element being opened if needed.
    fn prefix_for(&mut self, ns: &'static str) -> String {
        if let Some((_, p, _)) = self.prefixes.iter().rev().find(|(_, _, n)| *n == ns) {
            return p.clone();
        }
        let prefix = if ns == XSI_NS {
            "xsi".to_owned()
        } else {
            self.next_prefix += 1;
            format!("n{}", self.next_prefix)
        };
        let depth = self.open.len();
        self.declare_prefix(depth, &prefix, ns);
        prefix
    }

    fn open(&mut self, ns: Option<&'static str>, name: &'static str) {
        self.buf.push(b'<');
        self.buf.extend_from_slice(name.as_bytes());
        self.open.push(Open { name, prefix: None });
        if self.current_default() != ns {
            self.buf.extend_from_slice(b" xmlns=\"");
            escape_into(&mut self.buf, ns.unwrap_or(""), true);
            self.buf.push(b'"');
            self.default_ns.push((self.open.len(), ns));
        }
    }

    /// Closes the innermost open element; `mark` is the buffer length right after its start tag,
    /// so that an element without content is written as `<name/>`.
    fn close(&mut self, mark: usize) {
        let depth = self.open.len();
        let Some(open) = self.open.pop() else { return };
        if self.buf.len() == mark {
            self.buf.pop();
            self.buf.extend_from_slice(b"/>");
        } else {
            self.buf.extend_from_slice(b"</");
            if let Some(p) = open.prefix {
                self.buf.extend_from_slice(p.as_bytes());
                self.buf.push(b':');
            }
            self.buf.extend_from_slice(open.name.as_bytes());
            self.buf.push(b'>');
        }
        while self.default_ns.last().is_some_and(|(d, _)| *d >= depth) {
            self.default_ns.pop();
        }
        while self.prefixes.last().is_some_and(|(d, _, _)| *d >= depth) {
            self.prefixes.pop();
        }
    }

    /// Writes the element `name` in namespace `ns` (`None`: no namespace) holding `value`.
    pub fn element<T: ToXml + ?Sized>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.open(ns, name);
        if let Some((type_ns, type_name)) = value.xsi_type() {
            let xsi = self.prefix_for(XSI_NS);
            let tp = self.prefix_for(type_ns);
            self.buf.push(b' ');
            self.buf.extend_from_slice(xsi.as_bytes());
            self.buf.extend_from_slice(b":type=\"");
            self.buf.extend_from_slice(tp.as_bytes());
            self.buf.push(b':');
            self.buf.extend_from_slice(type_name.as_bytes());
            self.buf.push(b'"');
        }
        value.write_attributes(&mut AttributeWriter { w: self })?;
        self.buf.push(b'>');
        let mark = self.buf.len();
        value.write_content(self)?;
        self.close(mark);
        Ok(())
    }

    /// Writes the element if the value is present; writes nothing for `None` (`minOccurs="0"`).
    pub fn optional<T: ToXml>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), WriteError> {
        match value {
            Some(v) => self.element(ns, name, v),
            None => Ok(()),
        }
    }

    /// Writes the element, or `<name xsi:nil="true"/>` for `None` (`nillable="true"`).
    pub fn nillable<T: ToXml>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), WriteError> {
        match value {
            Some(v) => self.element(ns, name, v),
            None => {
                self.open(ns, name);
                let xsi = self.prefix_for(XSI_NS);
                self.buf.push(b' ');
                self.buf.extend_from_slice(xsi.as_bytes());
                self.buf.extend_from_slice(b":nil=\"true\">");
                self.close(self.buf.len());
                Ok(())
            }
        }
    }

    /// Writes one element per item (`maxOccurs` greater than 1).
    pub fn repeated<T: ToXml>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        values: &[T],
    ) -> Result<(), WriteError> {
        values.iter().try_for_each(|v| self.element(ns, name, v))
    }

    /// Writes one element per item, `xsi:nil` for `None` items (nillable items of an array).
    pub fn repeated_nillable<T: ToXml>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        values: &[Option<T>],
    ) -> Result<(), WriteError> {
        values.iter().try_for_each(|v| self.nillable(ns, name, v))
    }

    /// Writes escaped text content.
    pub fn text(&mut self, text: &str) -> Result<(), WriteError> {
        self.check(text, None)?;
        escape_into(&mut self.buf, text, false);
        Ok(())
    }

    /// Writes a simple value as escaped text content.
    pub fn simple<T: SimpleValue>(&mut self, value: &T) -> Result<(), WriteError> {
        self.text(&value.to_text())
    }

    /// Writes markup verbatim (for [`super::RawXml`]); the caller vouches that it is well-formed.
    pub fn raw(&mut self, markup: &str) {
        self.buf.extend_from_slice(markup.as_bytes());
    }

    fn check(&self, text: &str, attribute: Option<&str>) -> Result<(), WriteError> {
        if !may_hold_refused_char(text) {
            return Ok(());
        }
        match text.chars().position(|c| !is_xml_char(c)) {
            None => Ok(()),
            Some(position) => {
                let mut element = self
                    .open
                    .iter()
                    .filter(|o| o.prefix.is_none())
                    .map(|o| o.name)
                    .collect::<Vec<_>>()
                    .join("/");
                if let Some(a) = attribute {
                    element.push_str("/@");
                    element.push_str(a);
                }
                let character = text.chars().nth(position).unwrap_or('\0');
                Err(WriteError::InvalidCharacter {
                    element,
                    character,
                    position,
                })
            }
        }
    }
}

/// Writes attributes onto a start tag that is still open; handed to [`ToXml::write_attributes`].
#[derive(Debug)]
pub struct AttributeWriter<'w> {
    w: &'w mut XmlWriter,
}

impl AttributeWriter<'_> {
    /// Writes the attribute `name` (in namespace `ns`, `None` for an unqualified attribute).
    pub fn attribute<T: SimpleValue>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        let text = value.to_text();
        self.w.check(&text, Some(name))?;
        let prefix = ns.map(|ns| self.w.prefix_for(ns));
        let buf = &mut self.w.buf;
        buf.push(b' ');
        if let Some(p) = prefix {
            buf.extend_from_slice(p.as_bytes());
            buf.push(b':');
        }
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(b"=\"");
        escape_into(buf, &text, true);
        buf.push(b'"');
        Ok(())
    }

    /// Writes the attribute if the value is present.
    pub fn optional<T: SimpleValue>(
        &mut self,
        ns: Option<&'static str>,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), WriteError> {
        match value {
            Some(v) => self.attribute(ns, name, v),
            None => Ok(()),
        }
    }
}

/// Whether XML 1.0 can carry `c` (its `Char` production).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether `text` may hold a character that XML 1.0 cannot carry: in UTF-8 those are the bytes
/// below 0x20 other than tab, line feed and carriage return, and U+FFFE and U+FFFF, which start
/// with 0xEF. A byte test without early exit, which compiles to vector code; the exact test
/// runs only when it says yes.
fn may_hold_refused_char(text: &str) -> bool {
    text.bytes().fold(false, |any, b| {
        any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
    })
}

fn escape_into(buf: &mut Vec<u8>, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#13;",
            b'"' if attribute => b"&quot;",
            b'\n' if attribute => b"&#10;",
            b'\t' if attribute => b"&#9;",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[last..i]);
        buf.extend_from_slice(rep);
        last = i + 1;
    }
    buf.extend_from_slice(&bytes[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:test";

    #[test]
    fn default_namespace_declared_once_and_reset_for_unqualified() {
        struct Inner;
        impl ToXml for Inner {
            fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError> {
                w.element(Some(NS), "a", &1i32)?;
                w.element(None, "b", &"x<&>\"".to_owned())
            }
        }
        let mut w = XmlWriter::new();
        w.element(Some(NS), "root", &Inner).unwrap();
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            r#"<root xmlns="urn:test"><a>1</a><b xmlns="">x&lt;&amp;&gt;"</b></root>"#
        );
    }

    #[test]
    fn nil_empty_and_invalid_characters() {
        let mut w = XmlWriter::new();
        w.nillable::<i32>(Some(NS), "n", &None).unwrap();
        w.element(Some(NS), "e", &String::new()).unwrap();
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            r#"<n xmlns="urn:test" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/><e xmlns="urn:test"/>"#
        );
        let mut w = XmlWriter::new();
        let err = w
            .element(Some(NS), "sName", &"ok\u{0}".to_owned())
            .unwrap_err();
        assert_eq!(
            err,
            WriteError::InvalidCharacter {
                element: "sName".into(),
                character: '\0',
                position: 2
            }
        );
    }
}
