//! The namespace declarations in scope while reading: which namespace a prefix (or no prefix)
//! stands for at the element being read.
//!
//! Declarations borrow the document (a value is copied only when it holds an entity or a
//! character reference), and an element without attributes costs one comparison on the way in
//! and one on the way out, which is what keeps namespace-aware reading close to the cost of
//! matching local names only.

use std::borrow::Cow;

/// The namespace the `xml` prefix is bound to, without a declaration.
const XML_NS: &[u8] = b"http://www.w3.org/XML/1998/namespace";
/// The namespace of the `xmlns` attributes themselves, which nothing may be bound to.
const XMLNS_NS: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// What a name's prefix resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved<'s> {
    /// The name is in this namespace.
    Bound(&'s [u8]),
    /// The name is in no namespace: no prefix and no default namespace (or `xmlns=""`), or an
    /// attribute without a prefix.
    Unqualified,
    /// The name's prefix is not declared.
    UnknownPrefix,
}

impl Resolved<'_> {
    /// Whether this is the namespace `expected` (`None`: no namespace).
    pub(crate) fn is(self, expected: Option<&str>) -> bool {
        match (self, expected) {
            (Resolved::Bound(ns), Some(e)) => ns == e.as_bytes(),
            (Resolved::Unqualified, None) => true,
            _ => false,
        }
    }
}

/// One declaration: `xmlns:prefix="uri"` (or `xmlns="uri"`, with an empty prefix).
#[derive(Debug)]
struct Binding<'a> {
    prefix: &'a [u8],
    /// Empty when the declaration takes the prefix (or the default) out of scope.
    uri: Cow<'a, [u8]>,
    /// The nesting level of the element that declares it (the root element is level 1).
    level: usize,
}

/// A start tag whose attributes are not well-formed, or a namespace declaration the rules of XML
/// namespaces forbid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadDeclaration(pub(crate) String);

/// The declarations in scope, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Namespaces<'a> {
    bindings: Vec<Binding<'a>>,
    /// How many elements are open.
    level: usize,
}

impl<'a> Namespaces<'a> {
    /// How many elements are open (including one whose scope is still pending a
    /// [`Namespaces::close`]).
    pub(crate) fn level(&self) -> usize {
        self.level
    }

    /// Opens an element's scope: `attributes` is the text of its start tag after the name.
    /// Refuses an attribute list that is not well-formed, and a declaration the rules of XML
    /// namespaces forbid.
    #[inline]
    pub(crate) fn open(&mut self, attributes: &'a str) -> Result<(), BadDeclaration> {
        self.level += 1;
        if attributes.is_empty() {
            return Ok(());
        }
        self.declare(attributes)
    }

    /// Opens the scope of an element without attributes.
    #[inline]
    pub(crate) fn open_plain(&mut self) {
        self.level += 1;
    }

    /// Reads the attribute list of the element just opened and adds its declarations.
    fn declare(&mut self, attributes: &'a str) -> Result<(), BadDeclaration> {
        for attribute in Attributes(attributes) {
            let (key, raw) = attribute?;
            let prefix = match key {
                "xmlns" => "",
                _ => match key.strip_prefix("xmlns:") {
                    Some(prefix) => prefix,
                    None => continue,
                },
            };
            let uri = if memchr::memchr(b'&', raw.as_bytes()).is_some() {
                Cow::Owned(unescape(raw)?)
            } else {
                Cow::Borrowed(raw.as_bytes())
            };
            check(prefix.as_bytes(), &uri)?;
            if prefix == "xml" {
                continue; // bound already, to the one namespace it may name
            }
            self.bindings.push(Binding {
                prefix: prefix.as_bytes(),
                uri,
                level: self.level,
            });
        }
        Ok(())
    }

    /// Closes the innermost element's scope.
    #[inline]
    pub(crate) fn close(&mut self) {
        while self.bindings.last().is_some_and(|b| b.level >= self.level) {
            self.bindings.pop();
        }
        self.level = self.level.saturating_sub(1);
    }

    /// Resolves an element name as written (`prefix:local` or `local`): an unprefixed element
    /// is in the default namespace.
    #[cfg(test)]
    fn element<'n>(&self, qname: &'n [u8]) -> (Resolved<'_>, &'n [u8]) {
        self.resolve(qname, true)
    }

    /// Resolves an attribute name: an unprefixed attribute is in no namespace.
    pub(crate) fn attribute<'n>(&self, qname: &'n [u8]) -> (Resolved<'_>, &'n [u8]) {
        self.resolve(qname, false)
    }

    /// The namespace a prefix (empty: the default namespace) stands for.
    #[inline]
    pub(crate) fn prefix(&self, prefix: &[u8]) -> Resolved<'_> {
        if prefix == b"xml" {
            return Resolved::Bound(XML_NS);
        }
        // The default namespace (an empty prefix) is what most elements use: told by length
        // alone, without a call to compare no bytes.
        let same = |b: &&Binding<'_>| {
            b.prefix.len() == prefix.len() && (prefix.is_empty() || b.prefix == prefix)
        };
        match self.bindings.iter().rev().find(same) {
            Some(b) if !b.uri.is_empty() => Resolved::Bound(&b.uri),
            _ if prefix.is_empty() => Resolved::Unqualified,
            _ => Resolved::UnknownPrefix,
        }
    }

    #[inline]
    fn resolve<'n>(&self, qname: &'n [u8], use_default: bool) -> (Resolved<'_>, &'n [u8]) {
        match qname.iter().position(|&b| b == b':') {
            Some(colon) => (self.prefix(&qname[..colon]), &qname[colon + 1..]),
            None if use_default => (self.prefix(b""), qname),
            None => (Resolved::Unqualified, qname),
        }
    }
}

/// The attributes of a start tag (the text after its name), as `(name, raw value)`.
struct Attributes<'a>(&'a str);

impl<'a> Iterator for Attributes<'a> {
    type Item = Result<(&'a str, &'a str), BadDeclaration>;

    fn next(&mut self) -> Option<Self::Item> {
        // Byte by byte: the lists are short, and every delimiter is ASCII, so each index
        // below is on a character boundary.
        let text = self.0;
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if i == n {
            return None;
        }
        self.0 = "";
        let start = i;
        while i < n && bytes[i] != b'=' && !is_space(bytes[i]) {
            i += 1;
        }
        let name_end = i;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if name_end == start || i == n || bytes[i] != b'=' {
            return Some(broken_attributes());
        }
        i += 1;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if i == n || (bytes[i] != b'"' && bytes[i] != b'\'') {
            return Some(broken_attributes());
        }
        let quote = bytes[i];
        let value_start = i + 1;
        let Some(len) = memchr::memchr(quote, &bytes[value_start..]) else {
            return Some(broken_attributes());
        };
        i = value_start + len;
        if i + 1 < n && !is_space(bytes[i + 1]) {
            return Some(broken_attributes());
        }
        self.0 = &text[i + 1..];
        Some(Ok((&text[start..name_end], &text[value_start..i])))
    }
}

/// XML's white space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[cold]
fn broken_attributes<T>() -> Result<T, BadDeclaration> {
    Err(BadDeclaration(
        "a start tag whose attributes are not well-formed (name=\"value\" expected)".into(),
    ))
}

/// A declaration's value with its references replaced.
fn unescape(text: &str) -> Result<Vec<u8>, BadDeclaration> {
    quick_xml::escape::unescape(text)
        .map(|s| s.into_owned().into_bytes())
        .map_err(|e| BadDeclaration(format!("a namespace declaration: {e}")))
}

/// Refuses what the XML namespaces recommendation forbids: rebinding `xml`, binding `xmlns`,
/// binding another prefix to either of their namespaces.
fn check(prefix: &[u8], uri: &[u8]) -> Result<(), BadDeclaration> {
    let shown = || String::from_utf8_lossy(prefix).into_owned();
    match prefix {
        b"xml" if uri != XML_NS => Err(BadDeclaration(
            "the prefix `xml` cannot be bound to another namespace".into(),
        )),
        b"xmlns" => Err(BadDeclaration(
            "the prefix `xmlns` cannot be declared".into(),
        )),
        b"xml" => Ok(()),
        _ if uri == XML_NS || uri == XMLNS_NS => Err(BadDeclaration(format!(
            "the prefix `{}` cannot be bound to a reserved namespace",
            shown()
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_open_and_close_with_their_elements() {
        let mut ns = Namespaces::default();
        ns.open(r#" xmlns:s="urn:s" xmlns="urn:d""#).unwrap();
        assert_eq!(
            ns.element(b"s:Envelope"),
            (Resolved::Bound(b"urn:s"), &b"Envelope"[..])
        );
        assert_eq!(ns.element(b"x").0, Resolved::Bound(b"urn:d"));
        ns.open("").unwrap();
        assert_eq!(ns.element(b"x").0, Resolved::Bound(b"urn:d"));
        ns.open(r#" xmlns="" a="1""#).unwrap();
        assert_eq!(ns.element(b"x").0, Resolved::Unqualified);
        assert_eq!(ns.element(b"p:x").0, Resolved::UnknownPrefix);
        assert_eq!(ns.attribute(b"a").0, Resolved::Unqualified);
        assert_eq!(ns.attribute(b"s:a").0, Resolved::Bound(b"urn:s"));
        ns.close();
        assert_eq!(ns.element(b"x").0, Resolved::Bound(b"urn:d"));
        ns.close();
        ns.close();
        assert_eq!(ns.element(b"x").0, Resolved::Unqualified);
        assert_eq!(ns.element(b"s:x").0, Resolved::UnknownPrefix);
        assert_eq!(ns.level(), 0);
    }

    #[test]
    fn unescapes_values_and_refuses_reserved_bindings() {
        let mut ns = Namespaces::default();
        ns.open(r#" xmlns:a="urn:a&amp;b""#).unwrap();
        assert_eq!(ns.element(b"a:x").0, Resolved::Bound(b"urn:a&b"));
        assert_eq!(ns.element(b"xml:lang").0, Resolved::Bound(XML_NS));
        assert!(ns.open(r#" xmlns:xml="urn:other""#).is_err());
        assert!(ns.open(r#" xmlns:xmlns="urn:other""#).is_err());
        assert!(ns
            .open(r#" xmlns:p="http://www.w3.org/2000/xmlns/""#)
            .is_err());
        assert!(ns
            .open(r#" xmlns:xml="http://www.w3.org/XML/1998/namespace""#)
            .is_ok());
    }

    #[test]
    fn reads_attribute_lists_and_refuses_broken_ones() {
        let list = |text| Attributes(text).collect::<Result<Vec<_>, _>>();
        assert_eq!(
            list(" a='1'  b = \"x'y\"\n\txmlns:p=\"urn:p\" ").unwrap(),
            [("a", "1"), ("b", "x'y"), ("xmlns:p", "urn:p")]
        );
        assert_eq!(list("").unwrap(), []);
        for broken in [
            " a",
            " a=1",
            " a=\"1",
            " a=\"1\"b=\"2\"",
            " =\"1\"",
            " a b=\"1\"",
        ] {
            assert!(list(broken).is_err(), "{broken:?}");
        }
        let mut ns = Namespaces::default();
        assert!(ns.open(" xmlns=\"urn:a\" broken").is_err());
    }
}
