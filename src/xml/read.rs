//! Reading XML: a pull reader over a buffered document, with namespace resolution and limits.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

use super::{SimpleValue, ValueError, XSI_NS};

/// The deepest element nesting the reader accepts, unless configured otherwise.
pub const DEFAULT_MAX_DEPTH: usize = 256;

/// A document could not be read into the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not well-formed XML.
    #[error("malformed XML at byte {position}: {message}")]
    Malformed {
        /// Byte offset where the problem was found.
        position: u64,
        /// What the XML parser reported.
        message: String,
    },
    /// The document ended before the element was complete.
    #[error("the XML document ends early, inside element `{element}`")]
    UnexpectedEof {
        /// The element that was still open.
        element: String,
    },
    /// The document has a `<!DOCTYPE ...>`; DTDs are refused so that no entity is ever expanded.
    #[error("the XML document has a DOCTYPE declaration, which is refused")]
    DoctypeForbidden,
    /// The document refers to an entity other than the five predefined ones.
    #[error("the XML document refers to the entity `&{name};`, which is refused")]
    EntityForbidden {
        /// The entity name.
        name: String,
    },
    /// The elements are nested deeper than the configured limit.
    #[error("the XML nesting is deeper than {limit} elements")]
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A required element is missing.
    #[error("element `{parent}` has no `{element}` child, which the schema requires")]
    MissingElement {
        /// The parent element.
        parent: String,
        /// The missing child.
        element: &'static str,
    },
    /// A required attribute is missing.
    #[error("element `{parent}` has no `{attribute}` attribute, which the schema requires")]
    MissingAttribute {
        /// The element.
        parent: String,
        /// The missing attribute.
        attribute: &'static str,
    },
    /// Text that does not hold a value of the expected type.
    #[error("element `{element}`: {source}")]
    InvalidValue {
        /// The element (or `element/@attribute`) whose text is invalid.
        element: String,
        /// What was wrong with it.
        #[source]
        source: ValueError,
    },
    /// An element appeared where only text was expected.
    #[error("element `{element}` holds a child element `{child}` where text was expected")]
    UnexpectedChild {
        /// The element that should hold text.
        element: String,
        /// The child element found.
        child: String,
    },
    /// Some other structural problem, described in words.
    #[error("{0}")]
    Invalid(String),
}

/// An expected child element: its namespace (`None` for an unqualified element) and local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The namespace URI.
    pub ns: Option<&'static str>,
    /// The local name.
    pub name: &'static str,
}

impl Field {
    /// An expected child element.
    pub const fn new(ns: Option<&'static str>, name: &'static str) -> Self {
        Self { ns, name }
    }
}

/// The start tag of an element being read.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    tag: BytesStart<'a>,
    empty: bool,
    /// Byte offset of the `<` that opens the start tag.
    offset: u64,
}

impl<'a> Start<'a> {
    /// The element's qualified name as written (with its prefix, if any).
    pub fn qualified_name(&self) -> String {
        String::from_utf8_lossy(self.tag.name().as_ref()).into_owned()
    }

    /// The element's local name.
    pub fn local_name(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.tag.local_name().into_inner())
    }

    /// Whether the element was written as `<name/>`.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// A pull reader over an XML document held in memory.
pub struct XmlReader<'a> {
    inner: NsReader<&'a [u8]>,
    input: &'a [u8],
    depth: usize,
    max_depth: usize,
}

impl std::fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlReader")
            .field("position", &self.inner.buffer_position())
            .field("depth", &self.depth)
            .finish()
    }
}

fn malformed(position: u64, e: impl std::fmt::Display) -> ReadError {
    ReadError::Malformed {
        position,
        message: e.to_string(),
    }
}

fn ns_matches(resolved: &ResolveResult<'_>, expected: Option<&str>) -> bool {
    match (resolved, expected) {
        (ResolveResult::Bound(Namespace(ns)), Some(e)) => *ns == e.as_bytes(),
        (ResolveResult::Unbound, None) => true,
        (ResolveResult::Bound(Namespace(ns)), None) => ns.is_empty(),
        _ => false,
    }
}

fn describe(resolved: &ResolveResult<'_>, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match resolved {
        ResolveResult::Bound(Namespace(ns)) if !ns.is_empty() => {
            format!("{{{}}}{local}", String::from_utf8_lossy(ns))
        }
        _ => local.into_owned(),
    }
}

impl<'a> XmlReader<'a> {
    /// A reader over `input`, which must be UTF-8 (an XML declaration naming another encoding is
    /// refused when it is read).
    pub fn new(input: &'a [u8]) -> Self {
        let mut inner = NsReader::from_reader(input);
        let config = inner.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Self {
            inner,
            input,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// Sets the deepest element nesting accepted.
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// The byte offset reached in the input.
    pub fn position(&self) -> u64 {
        self.inner.buffer_position()
    }

    fn position_now(&self) -> u64 {
        self.inner.buffer_position()
    }

    fn enter(&mut self) -> Result<(), ReadError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(ReadError::TooDeep {
                limit: self.max_depth,
            });
        }
        Ok(())
    }

    /// Reads up to the document's root element and returns its start tag.
    pub fn root(&mut self) -> Result<Start<'a>, ReadError> {
        loop {
            let pos = self.position_now();
            let event = self.inner.read_event().map_err(|e| malformed(pos, e))?;
            match event {
                Event::Start(tag) => {
                    self.enter()?;
                    return Ok(Start {
                        tag,
                        empty: false,
                        offset: pos,
                    });
                }
                Event::Empty(tag) => {
                    return Ok(Start {
                        tag,
                        empty: true,
                        offset: pos,
                    })
                }
                Event::Decl(decl) => {
                    if let Some(enc) = decl.encoding() {
                        let enc = enc.map_err(|e| malformed(pos, e))?;
                        if !enc.eq_ignore_ascii_case(b"utf-8") && !enc.eq_ignore_ascii_case(b"utf8")
                        {
                            return Err(ReadError::Invalid(format!(
                                "the XML declaration names the encoding {:?}; only UTF-8 is accepted",
                                String::from_utf8_lossy(&enc)
                            )));
                        }
                    }
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: "(document)".into(),
                    })
                }
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(ReadError::Invalid(
                        "text before the root element of the XML document".into(),
                    ))
                }
                Event::End(_) => return Err(malformed(pos, "end tag before any start tag")),
            }
        }
    }

    /// Whether `start` is the element `{ns}name`.
    pub fn is(&self, start: &Start<'_>, ns: Option<&str>, name: &str) -> bool {
        let (resolved, local) = self.inner.resolve_element(start.tag.name());
        local.as_ref() == name.as_bytes() && ns_matches(&resolved, ns)
    }

    /// The element's name as `{namespace}local`, for messages.
    pub fn name_of(&self, start: &Start<'_>) -> String {
        let (resolved, local) = self.inner.resolve_element(start.tag.name());
        describe(&resolved, local.as_ref())
    }

    /// The next child element of `parent`, whatever its name; `None` once `parent` ends.
    /// Text between child elements is ignored.
    pub fn next_element(&mut self, parent: &Start<'_>) -> Result<Option<Start<'a>>, ReadError> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            let pos = self.position_now();
            let event = self.inner.read_event().map_err(|e| malformed(pos, e))?;
            match event {
                Event::Start(tag) => {
                    self.enter()?;
                    return Ok(Some(Start {
                        tag,
                        empty: false,
                        offset: pos,
                    }));
                }
                Event::Empty(tag) => {
                    return Ok(Some(Start {
                        tag,
                        empty: true,
                        offset: pos,
                    }))
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(None);
                }
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: parent.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r)?,
                Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) => {
                    return Err(malformed(pos, "XML declaration inside the document"))
                }
            }
        }
    }

    /// The index in `fields` of the element `start`, if it is one of them.
    pub fn field_index(&self, start: &Start<'_>, fields: &[Field]) -> Option<usize> {
        let (resolved, local) = self.inner.resolve_element(start.tag.name());
        fields
            .iter()
            .position(|f| local.as_ref() == f.name.as_bytes() && ns_matches(&resolved, f.ns))
    }

    /// The next child of `parent` that is one of `fields`, with its index in `fields`; other
    /// children are skipped. `None` once `parent` ends.
    pub fn next_child(
        &mut self,
        parent: &Start<'_>,
        fields: &[Field],
    ) -> Result<Option<(usize, Start<'a>)>, ReadError> {
        while let Some(child) = self.next_element(parent)? {
            match self.field_index(&child, fields) {
                Some(i) => return Ok(Some((i, child))),
                None => {
                    tracing::debug!(
                        element = %self.name_of(&child),
                        parent = %parent.qualified_name(),
                        "skipping an element the schema does not describe"
                    );
                    self.skip(&child)?;
                }
            }
        }
        Ok(None)
    }

    /// Skips the rest of the element `start`, up to and including its end tag.
    pub fn skip(&mut self, start: &Start<'_>) -> Result<(), ReadError> {
        if start.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            let pos = self.position_now();
            let event = self.inner.read_event().map_err(|e| malformed(pos, e))?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: start.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r)?,
                _ => {}
            }
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    /// The element's text content (text, character references and CDATA joined), consuming the
    /// element. A child element inside it is an error.
    pub fn read_text(&mut self, start: &Start<'_>) -> Result<Cow<'a, str>, ReadError> {
        if start.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Option<Cow<'a, str>> = None;
        let push = |text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>| match text {
            None => *text = Some(piece),
            Some(t) => t.to_mut().push_str(&piece),
        };
        loop {
            let pos = self.position_now();
            let event = self.inner.read_event().map_err(|e| malformed(pos, e))?;
            match event {
                Event::Text(t) => {
                    push(&mut text, t.xml10_content().map_err(|e| malformed(pos, e))?)
                }
                Event::CData(c) => {
                    push(&mut text, c.xml10_content().map_err(|e| malformed(pos, e))?)
                }
                Event::GeneralRef(r) => {
                    let s = resolve_reference(&r)?;
                    push(&mut text, Cow::Owned(s));
                }
                Event::End(_) => break,
                Event::Start(child) | Event::Empty(child) => {
                    return Err(ReadError::UnexpectedChild {
                        element: start.qualified_name(),
                        child: String::from_utf8_lossy(child.name().as_ref()).into_owned(),
                    })
                }
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: start.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) => {
                    return Err(malformed(pos, "XML declaration inside the document"))
                }
            }
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(text.unwrap_or(Cow::Borrowed("")))
    }

    /// The element's text parsed as a simple value.
    pub fn read_simple<T: SimpleValue>(&mut self, start: &Start<'_>) -> Result<T, ReadError> {
        let text = self.read_text(start)?;
        T::from_text(&text).map_err(|source| ReadError::InvalidValue {
            element: start.qualified_name(),
            source,
        })
    }

    /// Reads the element as a `T`.
    pub fn read<T: super::FromXml>(&mut self, start: &Start<'_>) -> Result<T, ReadError> {
        T::from_xml(self, start)
    }

    /// Reads a nillable element: `None` when it carries `xsi:nil="true"`.
    pub fn read_nillable<T: super::FromXml>(
        &mut self,
        start: &Start<'_>,
    ) -> Result<Option<T>, ReadError> {
        if self.is_nil(start)? {
            self.skip(start)?;
            Ok(None)
        } else {
            T::from_xml(self, start).map(Some)
        }
    }

    /// Whether the element carries `xsi:nil="true"`.
    pub fn is_nil(&self, start: &Start<'_>) -> Result<bool, ReadError> {
        Ok(self
            .attribute_text(start, Some(XSI_NS), "nil")?
            .is_some_and(|v| matches!(v.trim(), "true" | "1")))
    }

    /// The raw (unescaped) text of the attribute `{ns}name`, if present.
    pub fn attribute_text(
        &self,
        start: &Start<'_>,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Option<String>, ReadError> {
        for attr in start.tag.attributes() {
            let attr = attr.map_err(|e| malformed(self.position_now(), e))?;
            let key = attr.key;
            if key.as_ref().starts_with(b"xmlns") {
                continue;
            }
            let (resolved, local) = self.inner.resolve_attribute(key);
            if local.as_ref() == name.as_bytes() && ns_matches(&resolved, ns) {
                let value = attr
                    .decode_and_unescape_value(self.inner.decoder())
                    .map_err(|e| match e {
                        quick_xml::Error::Escape(
                            quick_xml::escape::EscapeError::UnrecognizedEntity(_, name),
                        ) => ReadError::EntityForbidden { name },
                        other => malformed(self.position_now(), other),
                    })?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    /// The attribute `{ns}name` parsed as a simple value, if present.
    pub fn attribute<T: SimpleValue>(
        &self,
        start: &Start<'_>,
        ns: Option<&str>,
        name: &'static str,
    ) -> Result<Option<T>, ReadError> {
        match self.attribute_text(start, ns, name)? {
            None => Ok(None),
            Some(text) => T::from_text(&text)
                .map(Some)
                .map_err(|source| ReadError::InvalidValue {
                    element: format!("{}/@{name}", start.qualified_name()),
                    source,
                }),
        }
    }

    /// The `xsi:type` of the element as `(namespace, local name)`, if it has one.
    pub fn xsi_type(&self, start: &Start<'_>) -> Result<Option<(String, String)>, ReadError> {
        let Some(value) = self.attribute_text(start, Some(XSI_NS), "type")? else {
            return Ok(None);
        };
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        let qname = match prefix {
            Some(p) => format!("{p}:x"),
            None => "x".to_owned(),
        };
        let (resolved, _) = self
            .inner
            .resolve_element(quick_xml::name::QName(qname.as_bytes()));
        let ns = match resolved {
            ResolveResult::Bound(Namespace(ns)) => String::from_utf8_lossy(ns).into_owned(),
            _ => String::new(),
        };
        Ok(Some((ns, local.to_owned())))
    }

    /// Resolves a QName written as text (`prefix:local`, as in a SOAP fault code) against the
    /// namespace declarations in scope at the element last read, as `(namespace, local name)`.
    /// Call it right after reading the element's text. An unbound prefix gives `None`, as does
    /// an unprefixed name where no default namespace is declared.
    pub fn resolve_qname(&self, value: &str) -> (Option<String>, String) {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        let qname = match prefix {
            Some(p) => format!("{p}:x"),
            None => "x".to_owned(),
        };
        let (resolved, _) = self
            .inner
            .resolve_element(quick_xml::name::QName(qname.as_bytes()));
        let ns = match resolved {
            ResolveResult::Bound(Namespace(ns)) if !ns.is_empty() => {
                Some(String::from_utf8_lossy(ns).into_owned())
            }
            _ => None,
        };
        (ns, local.to_owned())
    }

    /// The element's whole content as raw markup (for `xs:any`), consuming the element.
    pub fn read_raw(&mut self, start: &Start<'_>) -> Result<super::RawXml, ReadError> {
        if start.empty {
            return Ok(super::RawXml::default());
        }
        let begin = self.position_now() as usize;
        let mut end = begin;
        let mut depth = 0usize;
        loop {
            let pos = self.position_now();
            let event = self.inner.read_event().map_err(|e| malformed(pos, e))?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: start.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r)?,
                _ => {}
            }
            end = self.position_now() as usize;
        }
        self.depth = self.depth.saturating_sub(1);
        let raw = self.input.get(begin..end).unwrap_or_default();
        Ok(super::RawXml(String::from_utf8_lossy(raw).into_owned()))
    }

    /// The whole element, start and end tags included, as raw markup (for `xs:any`), consuming
    /// it.
    pub fn read_element_raw(&mut self, start: &Start<'_>) -> Result<super::RawXml, ReadError> {
        self.skip(start)?;
        let begin = start.offset as usize;
        let end = self.position_now() as usize;
        let raw = self.input.get(begin..end).unwrap_or_default();
        Ok(super::RawXml(String::from_utf8_lossy(raw).into_owned()))
    }

    /// Fails with [`ReadError::MissingElement`] when a required child was not found.
    pub fn required<T>(
        &self,
        value: Option<T>,
        parent: &Start<'_>,
        element: &'static str,
    ) -> Result<T, ReadError> {
        value.ok_or_else(|| ReadError::MissingElement {
            parent: parent.qualified_name(),
            element,
        })
    }

    /// Fails with [`ReadError::MissingAttribute`] when a required attribute was not found.
    pub fn required_attribute<T>(
        &self,
        value: Option<T>,
        parent: &Start<'_>,
        attribute: &'static str,
    ) -> Result<T, ReadError> {
        value.ok_or_else(|| ReadError::MissingAttribute {
            parent: parent.qualified_name(),
            attribute,
        })
    }

    /// Reads what follows the root element: only whitespace, comments and processing
    /// instructions may remain.
    pub fn finish(&mut self) -> Result<(), ReadError> {
        loop {
            let pos = self.position_now();
            match self.inner.read_event().map_err(|e| malformed(pos, e))? {
                Event::Eof => return Ok(()),
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    return Err(ReadError::Invalid(
                        "content after the root element of the XML document".into(),
                    ))
                }
            }
        }
    }
}

fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, ReadError> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| malformed(0, e))? {
        if !super::write::is_xml_char(c) {
            return Err(malformed(0, format!("character reference to {c:?}")));
        }
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(|e| malformed(0, e))?;
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => Ok(s.to_owned()),
        None => Err(ReadError::EntityForbidden {
            name: name.into_owned(),
        }),
    }
}

fn check_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<(), ReadError> {
    resolve_reference(r).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:t";
    const FIELDS: &[Field] = &[Field::new(Some(NS), "a"), Field::new(Some(NS), "b")];

    #[test]
    fn finds_known_children_and_skips_unknown_ones() {
        let xml = br#"<r xmlns="urn:t"><x><deep/></x><a>1 &amp; 2</a><p:b xmlns:p="urn:t"><![CDATA[<c>]]></p:b><a xmlns="urn:other">no</a></r>"#;
        let mut r = XmlReader::new(xml);
        let root = r.root().unwrap();
        let mut seen = vec![];
        while let Some((i, child)) = r.next_child(&root, FIELDS).unwrap() {
            seen.push((i, r.read_text(&child).unwrap().into_owned()));
        }
        assert_eq!(seen, vec![(0, "1 & 2".to_owned()), (1, "<c>".to_owned())]);
        r.finish().unwrap();
    }

    #[test]
    fn refuses_doctype_and_custom_entities() {
        let mut r = XmlReader::new(b"<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>");
        assert_eq!(r.root().unwrap_err(), ReadError::DoctypeForbidden);
        let mut r = XmlReader::new(b"<r>&e;</r>");
        let root = r.root().unwrap();
        assert_eq!(
            r.read_text(&root).unwrap_err(),
            ReadError::EntityForbidden { name: "e".into() }
        );
    }

    #[test]
    fn limits_depth() {
        let xml = "<a>".repeat(10) + &"</a>".repeat(10);
        let mut r = XmlReader::new(xml.as_bytes()).with_max_depth(5);
        let mut start = r.root().unwrap();
        let err = loop {
            match r.next_element(&start) {
                Ok(Some(s)) => start = s,
                Ok(None) => panic!("ended early"),
                Err(e) => break e,
            }
        };
        assert_eq!(err, ReadError::TooDeep { limit: 5 });
    }
}
