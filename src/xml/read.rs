//! Reading XML: a pull reader over a buffered document, with namespace resolution and limits.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::namespaces::{Namespaces, Resolved};
use super::{SimpleValue, ValueError, XSI_NS};

/// The deepest element nesting the reader accepts, unless configured otherwise.
pub const DEFAULT_MAX_DEPTH: usize = 256;

/// The deepest nesting [`XmlReader::with_max_depth`] can allow, in skipped content too: a bound
/// on the memory a hostile document can make the reader hold for open elements.
pub const MAX_DEPTH_LIMIT: usize = 65_000;

/// A document could not be read into the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// The document is in an encoding other than UTF-8 and UTF-16, or its XML declaration names
    /// one (`encoding="iso-8859-1"`, for example).
    #[error("the XML document is in the encoding {encoding:?}, which is refused: only UTF-8 and UTF-16 are read")]
    UnsupportedEncoding {
        /// The encoding, as declared or as recognised from the first bytes.
        encoding: String,
    },
    /// The XML declaration names another encoding than the one the document is in (a UTF-16
    /// byte order mark with `encoding="utf-8"`, for example).
    #[error("the XML document is in {actual} but its declaration names the encoding {declared:?}")]
    EncodingMismatch {
        /// The encoding of the bytes.
        actual: &'static str,
        /// The encoding the declaration names.
        declared: String,
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
    /// Where the local name starts in the name: after the prefix's colon, or 0.
    local_at: u32,
    empty: bool,
    /// Byte offset of the `<` that opens the start tag.
    offset: u64,
}

impl<'a> Start<'a> {
    /// The start tag `tag`, found at byte `offset`.
    #[inline]
    fn new(tag: BytesStart<'a>, empty: bool, offset: u64) -> Self {
        let name = tag.name().into_inner();
        // Names are short: a plain search beats a vectorised one.
        // A prefix longer than 4 GiB cannot be in a document the reader accepts.
        let local_at = name
            .iter()
            .position(|&b| b == b':')
            .map_or(0, |i| u32::try_from(i + 1).unwrap_or(0));
        Self {
            tag,
            local_at,
            empty,
            offset,
        }
    }

    /// The element's qualified name as written (with its prefix, if any).
    pub fn qualified_name(&self) -> String {
        String::from_utf8_lossy(self.tag.name().as_ref()).into_owned()
    }

    /// The element's local name.
    pub fn local_name(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.local_name_bytes())
    }

    /// The element's local name as the bytes of the document, for a `match` on it (followed
    /// by [`XmlReader::in_namespace`], which tells whether it is in the expected namespace).
    #[inline]
    pub fn local_name_bytes(&self) -> &[u8] {
        let name = self.tag.name().into_inner();
        name.get(self.local_at as usize..).unwrap_or_default()
    }

    /// The prefix of the element's name: empty when it has none.
    fn prefix(&self) -> &[u8] {
        let name = self.tag.name().into_inner();
        name.get(..(self.local_at as usize).saturating_sub(1))
            .unwrap_or_default()
    }

    /// Whether the element was written as `<name/>`.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// A pull reader over an XML document held in memory.
pub struct XmlReader<'a> {
    inner: Reader<&'a [u8]>,
    /// The namespace declarations in scope, and how many elements are open.
    ns: Namespaces<'a>,
    /// A declared namespace (address and length in `input`) and the address of the expected
    /// namespace it was found equal to: see `same_namespace`.
    same_as: std::cell::Cell<(usize, usize, usize)>,
    /// The last event was an empty element or an end tag: the element's namespace scope closes
    /// before the next event (so that a QName in its text can still be resolved).
    close_pending: bool,
    /// The text quick-xml reads (the input without its byte order mark); offsets of events
    /// index into it.
    input: &'a str,
    /// How many bytes of the caller's input come before `input` (the byte order mark).
    base: u64,
    max_depth: usize,
    /// Why the document was refused before reading began; reported by `root`.
    refused: Option<ReadError>,
}

impl std::fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlReader")
            .field("position", &self.position())
            .field("depth", &self.ns.level())
            .finish()
    }
}

fn malformed(position: u64, e: impl std::fmt::Display) -> ReadError {
    ReadError::Malformed {
        position,
        message: e.to_string(),
    }
}

fn describe(resolved: Resolved<'_>, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match resolved {
        Resolved::Bound(ns) => format!("{{{}}}{local}", String::from_utf8_lossy(ns)),
        _ => local.into_owned(),
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks that `bytes` are an XML document in an accepted encoding, and returns it as UTF-8
/// text without a byte order mark, ready for [`XmlReader::new`].
///
/// - UTF-8 (with or without a byte order mark) is checked and borrowed. An XML declaration
///   naming another encoding is refused with [`ReadError::UnsupportedEncoding`].
/// - UTF-16 (with a byte order mark, or starting with `<?` without one) is decoded. Its XML
///   declaration, if any, must name UTF-16 ([`ReadError::EncodingMismatch`] otherwise) and is
///   left out of the decoded text. Positions in later errors count bytes of the decoded text.
/// - UTF-32 and anything else recognisably not UTF-8 is refused with
///   [`ReadError::UnsupportedEncoding`].
///
/// The text must also be what XML 1.0 allows: invalid UTF-8, an unpaired UTF-16 surrogate, or a
/// character outside XML 1.0's `Char` production (NUL and the other C0 control characters but
/// tab, line feed and carriage return; U+FFFE; U+FFFF) is refused with
/// [`ReadError::Malformed`], wherever it is, so that nothing is ever read from a document that
/// is not well-formed text.
///
/// The result is the same whether or not quick-xml's `encoding` feature is enabled: this
/// function decides the encoding, and the reader is handed UTF-8 text only.
///
/// ```
/// use wsclient::xml::decode_document;
///
/// let utf16: Vec<u8> = [0xFEFF_u16].iter().chain("<a>é</a>".encode_utf16().collect::<Vec<_>>().iter())
///     .flat_map(|u| u.to_be_bytes())
///     .collect();
/// assert_eq!(decode_document(&utf16).unwrap(), "<a>é</a>");
/// assert_eq!(decode_document(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
/// assert!(decode_document(b"<a>\0</a>").is_err());
/// ```
pub fn decode_document(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => {
            return Err(ReadError::UnsupportedEncoding {
                encoding: "UTF-32".into(),
            })
        }
        [0xFE, 0xFF, rest @ ..] => return decode_utf16(rest, 2, u16::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] => return decode_utf16(rest, 2, u16::from_le_bytes),
        [0x00, b'<', 0x00, b'?', ..] => return decode_utf16(bytes, 0, u16::from_be_bytes),
        [b'<', 0x00, b'?', 0x00, ..] => return decode_utf16(bytes, 0, u16::from_le_bytes),
        _ => {}
    }
    let (text, base) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    let (valid, invalid_at) = match std::str::from_utf8(text) {
        Ok(valid) => (valid, None),
        Err(e) => (
            std::str::from_utf8(&text[..e.valid_up_to()]).unwrap_or_default(),
            Some(e.valid_up_to()),
        ),
    };
    // The declaration first: a document in another encoding is rarely valid UTF-8, and the
    // encoding it names says more than the first byte that does not fit.
    let declared = if declares_utf8(valid) {
        Ok(None)
    } else {
        declaration(valid, base)
    };
    if let Ok(Some((Some(encoding), _))) = &declared {
        check_utf8_label(encoding)?;
    }
    if let Some(at) = invalid_at {
        return Err(malformed(
            (base + at) as u64,
            "invalid UTF-8: the document is not UTF-8 text",
        ));
    }
    declared?;
    check_text(valid, base)?;
    Ok(Cow::Borrowed(valid))
}

/// Decodes a UTF-16 document (without its byte order mark, which was `base` bytes long).
fn decode_utf16(
    bytes: &[u8],
    base: usize,
    unit: fn([u8; 2]) -> u16,
) -> Result<Cow<'static, str>, ReadError> {
    if bytes.len() % 2 != 0 {
        return Err(malformed(
            (base + bytes.len() - 1) as u64,
            "the UTF-16 document has an odd number of bytes",
        ));
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2 + bytes.len() / 8);
    let mut read = 0; // UTF-16 units decoded so far
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                read += c.len_utf16();
            }
            Err(_) => {
                return Err(malformed(
                    (base + 2 * read) as u64,
                    "invalid UTF-16: an unpaired surrogate",
                ))
            }
        }
    }
    check_text(&text, 0)?;
    if let Some((declared, end)) = declaration(&text, 0)? {
        if let Some(declared) = declared {
            if !is_label(&declared, UTF16_LABELS) {
                return Err(ReadError::EncodingMismatch {
                    actual: "UTF-16",
                    declared,
                });
            }
        }
        // The declaration has served its purpose; the text handed on is UTF-8.
        text.replace_range(..end, "");
    }
    if text.starts_with('\u{feff}') {
        return Err(ReadError::Invalid(
            "text before the root element of the XML document".into(),
        ));
    }
    Ok(Cow::Owned(text))
}

/// The labels of UTF-16 an XML declaration may use.
const UTF16_LABELS: &[&str] = &["utf-16", "utf-16le", "utf-16be", "ucs-2", "unicode"];

/// Checks the encoding a UTF-8 document declares: UTF-8, or else a typed refusal.
fn check_utf8_label(declared: &str) -> Result<(), ReadError> {
    if is_label(declared, &["utf-8", "utf8"]) {
        Ok(())
    } else if is_label(declared, UTF16_LABELS) {
        // Bytes that read as UTF-8 up to here are not UTF-16, whatever the declaration says.
        Err(ReadError::EncodingMismatch {
            actual: "UTF-8",
            declared: declared.to_owned(),
        })
    } else {
        Err(ReadError::UnsupportedEncoding {
            encoding: declared.to_owned(),
        })
    }
}

/// Whether `name` is one of `labels`, ignoring ASCII case.
fn is_label(name: &str, labels: &[&str]) -> bool {
    labels.iter().any(|l| name.trim().eq_ignore_ascii_case(l))
}

/// Refuses the characters that XML 1.0 cannot carry, and a second byte order mark (which
/// quick-xml would drop without counting it). `base` is added to reported positions.
fn check_text(text: &str, base: usize) -> Result<(), ReadError> {
    if text.as_bytes().starts_with(UTF8_BOM) {
        return Err(ReadError::Invalid(
            "text before the root element of the XML document".into(),
        ));
    }
    let bytes = text.as_bytes();
    let refused_at = |i: usize, b: u8| match b {
        b'\t' | b'\n' | b'\r' => None,
        0x00..=0x1F => Some((i, char::from(b))),
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
        0xEF if bytes.get(i + 1) == Some(&0xBF) => match bytes.get(i + 2) {
            Some(0xBE) => Some((i, '\u{FFFE}')),
            Some(0xBF) => Some((i, '\u{FFFF}')),
            _ => None,
        },
        _ => None,
    };
    // Looked at without stopping early, which compiles to vector code; when a candidate byte
    // is found, the blocks of 64 bytes that hold one are looked at byte by byte.
    const BLOCK: usize = 64;
    let candidate = |b: u8| ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF);
    // A valid document (the usual case) is read once, in one vectorised pass.
    if !bytes.iter().fold(false, |any, &b| any | candidate(b)) {
        return Ok(());
    }
    let found = bytes
        .chunks(BLOCK)
        .enumerate()
        .filter(|(_, block)| block.iter().fold(false, |any, &b| any | candidate(b)))
        .find_map(|(n, block)| {
            (block.iter().enumerate()).find_map(|(j, &b)| refused_at(n * BLOCK + j, b))
        });
    match found {
        None => Ok(()),
        Some((i, c)) => {
            let hint = if c == '\0' && i == 1 {
                " (is the document UTF-16 without a byte order mark?)"
            } else {
                ""
            };
            Err(malformed(
                (base + i) as u64,
                format!(
                    "the character U+{:04X}, which XML 1.0 does not allow{hint}",
                    u32::from(c)
                ),
            ))
        }
    }
}

/// Whether `text` starts with the declaration nearly every service writes,
/// `<?xml version="1.0" encoding="utf-8"?>` (either quote, any case of `utf-8`): recognised
/// without a parser, which matters on small documents. The reader parses it again all the same.
fn declares_utf8(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 38 || !b.starts_with(b"<?xml version=") {
        return false;
    }
    let q = b[14];
    (q == b'"' || q == b'\'')
        && &b[15..18] == b"1.0"
        && b[18] == q
        && &b[19..29] == b" encoding="
        && b[29] == q
        && b[30..35].eq_ignore_ascii_case(b"utf-8")
        && b[35] == q
        && &b[36..38] == b"?>"
}

/// The XML declaration at the very start of `text`, if there is one: the encoding it names
/// (if any) and the byte offset just past it.
fn declaration(text: &str, base: usize) -> Result<Option<(Option<String>, usize)>, ReadError> {
    let Some(rest) = text.strip_prefix("<?xml") else {
        return Ok(None);
    };
    if !rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
        return Ok(None); // `<?xml-stylesheet ...?>` is a processing instruction
    }
    let mut reader = quick_xml::Reader::from_str(text);
    match reader.read_event() {
        Ok(Event::Decl(decl)) => {
            let encoding = match decl.encoding() {
                None => None,
                Some(Ok(enc)) => Some(String::from_utf8_lossy(&enc).into_owned()),
                Some(Err(e)) => return Err(malformed(base as u64, e)),
            };
            Ok(Some((encoding, reader.buffer_position() as usize)))
        }
        Ok(_) => Ok(None),
        Err(e) => Err(malformed(base as u64, e)),
    }
}

impl<'a> XmlReader<'a> {
    /// A reader over the XML document `input`, which must be UTF-8 (with or without a byte
    /// order mark) and hold only characters XML 1.0 allows: see [`decode_document`], which
    /// checks it (and which converts a UTF-16 document to UTF-8 first; this reader refuses one
    /// given directly). A refused document is reported by [`XmlReader::root`].
    pub fn new(input: &'a [u8]) -> Self {
        match decode_document(input) {
            Ok(Cow::Borrowed(text)) => Self::over(text, input.len() - text.len(), None),
            Ok(Cow::Owned(_)) => Self::over(
                "",
                0,
                Some(ReadError::Invalid(
                    "the XML document is UTF-16: convert it with `decode_document` before reading it"
                        .into(),
                )),
            ),
            Err(e) => Self::over("", 0, Some(e)),
        }
    }

    /// A reader over `doc`, which [`decode_document`] returned for `input`, without checking it
    /// again.
    pub(crate) fn for_decoded(input: &[u8], doc: &'a str) -> Self {
        // Borrowed from `input` (UTF-8): positions count from the start of `input`. Decoded
        // from UTF-16: they count bytes of the decoded text.
        let start = input.as_ptr() as usize;
        let at = doc.as_ptr() as usize;
        let base = if (start..=start + input.len()).contains(&at) {
            at - start
        } else {
            0
        };
        Self::over(doc, base, None)
    }

    /// A reader over checked UTF-8 text that starts `base` bytes into the caller's input.
    fn over(text: &'a str, base: usize, refused: Option<ReadError>) -> Self {
        // Reading from a `str` locks quick-xml to UTF-8, so that no XML declaration can switch
        // its decoder when its `encoding` feature is on.
        let mut inner = Reader::from_str(text);
        let config = inner.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Self {
            inner,
            ns: Namespaces::default(),
            same_as: std::cell::Cell::new((0, 0, 0)),
            close_pending: false,
            input: text,
            base: base as u64,
            max_depth: DEFAULT_MAX_DEPTH,
            refused,
        }
    }

    /// Sets the deepest element nesting accepted (at most [`MAX_DEPTH_LIMIT`]; a larger value
    /// is lowered to it).
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth.min(MAX_DEPTH_LIMIT);
        self
    }

    /// The byte offset reached in the input.
    pub fn position(&self) -> u64 {
        self.base + self.inner.buffer_position()
    }

    /// The next event, with the offset (in `input`) where it starts. Keeps the namespace
    /// scopes and the nesting depth, for every caller.
    #[inline(always)]
    fn next_event(&mut self) -> Result<(u64, Event<'a>), ReadError> {
        if self.close_pending {
            self.close_pending = false;
            self.ns.close();
        }
        let pos = self.inner.buffer_position();
        let event = self.inner.read_event();
        self.account(pos, event)
    }

    /// Keeps the namespace scopes and the nesting depth for `event`, just read at `pos`.
    #[inline(always)]
    fn account(
        &mut self,
        pos: u64,
        event: quick_xml::Result<Event<'a>>,
    ) -> Result<(u64, Event<'a>), ReadError> {
        let event = event.map_err(|e| malformed(self.base + pos, e))?;
        match &event {
            Event::Start(tag) => {
                self.open(tag, pos)?;
                if self.ns.level() > self.max_depth {
                    return Err(ReadError::TooDeep {
                        limit: self.max_depth,
                    });
                }
            }
            Event::Empty(tag) => {
                self.open(tag, pos)?;
                self.close_pending = true;
            }
            Event::End(_) => self.close_pending = true,
            _ => {}
        }
        Ok((pos, event))
    }

    /// `bytes`, which an event borrowed from `input`, as the same text with `input`'s
    /// lifetime; `None` if they are not a part of it (which the reader never makes).
    #[inline]
    fn in_input(&self, bytes: &[u8]) -> Option<&'a str> {
        let from = (bytes.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        self.input.get(from..from.wrapping_add(bytes.len()))
    }

    /// The text of a text or CDATA event read at `pos`, with XML 1.0's line ends normalised
    /// (`\r\n` and a lone `\r` become `\n`). Taken from `input`, which `decode_document`
    /// checked as a whole: no second UTF-8 check per text.
    #[inline]
    fn text_of(&self, raw: &[u8], pos: u64) -> Result<Cow<'a, str>, ReadError> {
        let Some(text) = self.in_input(raw) else {
            return Err(self.malformed_at(pos, "text outside the document"));
        };
        // Most values are short: a plain loop costs less than setting up a vectorised search.
        let bytes = text.as_bytes();
        let has_cr = if bytes.len() < 16 {
            bytes.contains(&b'\r')
        } else {
            memchr::memchr(b'\r', bytes).is_some()
        };
        if !has_cr {
            return Ok(Cow::Borrowed(text));
        }
        Ok(Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")))
    }

    /// Opens the namespace scope of the start tag `tag`, read at `pos`.
    #[inline]
    fn open(&mut self, tag: &BytesStart<'a>, pos: u64) -> Result<(), ReadError> {
        let attributes = &tag[tag.name().as_ref().len()..];
        if attributes.is_empty() {
            self.ns.open_plain();
            return Ok(());
        }
        let Some(attributes) = self.in_input(attributes) else {
            return Err(self.malformed_at(pos, "a start tag outside the document"));
        };
        self.ns
            .open(attributes)
            .map_err(|e| malformed(self.base + pos, e.0))
    }

    /// A [`ReadError::Malformed`] at offset `pos` of `input`.
    fn malformed_at(&self, pos: u64, e: impl std::fmt::Display) -> ReadError {
        malformed(self.base + pos, e)
    }

    /// Reads up to the document's root element and returns its start tag.
    pub fn root(&mut self) -> Result<Start<'a>, ReadError> {
        if let Some(refused) = self.refused.take() {
            return Err(refused);
        }
        loop {
            let (pos, event) = self.next_event()?;
            match event {
                Event::Start(tag) => {
                    return Ok(Start::new(tag, false, pos));
                }
                Event::Empty(tag) => return Ok(Start::new(tag, true, pos)),
                // Its encoding was checked by `decode_document`, through which every reader's
                // text has gone.
                Event::Decl(_) if pos == 0 => {}
                Event::Decl(_) => return Err(self.malformed_at(pos, DECLARATION_INSIDE)),
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
                Event::End(_) => return Err(self.malformed_at(pos, "end tag before any start tag")),
            }
        }
    }

    /// Whether `start` is the element `{ns}name`. Call it before reading further: it
    /// resolves the prefix against the declarations in scope.
    pub fn is(&self, start: &Start<'_>, ns: Option<&str>, name: &str) -> bool {
        start.local_name_bytes() == name.as_bytes() && self.in_namespace(start, ns)
    }

    /// Whether the element `start`, just read, is in the namespace `ns` (`None`: in no
    /// namespace). Generated readers `match` on [`Start::local_name_bytes`] and check the
    /// namespace with this.
    #[inline]
    pub fn in_namespace(&self, start: &Start<'_>, ns: Option<&str>) -> bool {
        match (self.ns.prefix(start.prefix()), ns) {
            (Resolved::Bound(uri), Some(expected)) => self.same_namespace(uri, expected),
            (resolved, _) => resolved.is(ns),
        }
    }

    /// Whether the namespace `uri`, as declared in the document, is `expected`. Consecutive
    /// elements are nearly always in the namespace of the one before, declared once: the
    /// last declaration found equal is remembered by address, so that the bytes are compared
    /// once per declaration rather than once per element.
    #[inline]
    fn same_namespace(&self, uri: &[u8], expected: &str) -> bool {
        let key = (uri.as_ptr() as usize, uri.len(), expected.as_ptr() as usize);
        if self.same_as.get() == key {
            return true;
        }
        let same = uri == expected.as_bytes();
        // Only a declaration that borrows the document keeps its address (and its bytes) for
        // as long as the reader lives; one unescaped into a buffer of its own does not.
        let input = self.input.as_bytes().as_ptr_range();
        if same && input.contains(&uri.as_ptr()) {
            self.same_as.set(key);
        }
        same
    }

    /// The element's name as `{namespace}local`, for messages.
    pub fn name_of(&self, start: &Start<'_>) -> String {
        describe(self.ns.prefix(start.prefix()), start.local_name_bytes())
    }

    /// The next child element of `parent`, whatever its name; `None` once `parent` ends.
    /// Text between child elements is ignored.
    // Inlined into every generated reader: the event and the start tag it returns then stay in
    // the caller's frame instead of being copied out through memory for each child, which
    // measured 8-20 % of the reading time of a large document (see BENCHMARKS.md).
    #[inline(always)]
    pub fn next_element(&mut self, parent: &Start<'_>) -> Result<Option<Start<'a>>, ReadError> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            let (pos, event) = self.next_event()?;
            match event {
                Event::Start(tag) => {
                    return Ok(Some(Start::new(tag, false, pos)));
                }
                Event::Empty(tag) => return Ok(Some(Start::new(tag, true, pos))),
                Event::End(_) => return Ok(None),
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: parent.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r, self.base + pos)?,
                Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) => return Err(self.malformed_at(pos, DECLARATION_INSIDE)),
            }
        }
    }

    /// The index in `fields` of the element `start`, if it is one of them.
    pub fn field_index(&self, start: &Start<'_>, fields: &[Field]) -> Option<usize> {
        let (resolved, local) = (self.ns.prefix(start.prefix()), start.local_name_bytes());
        fields
            .iter()
            .position(|f| local == f.name.as_bytes() && resolved.is(f.ns))
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
                None => self.skip_unknown(parent, &child)?,
            }
        }
        Ok(None)
    }

    /// Skips the child element `child` of `parent`, which the schema does not describe (and
    /// says so in a debug log).
    pub fn skip_unknown(&mut self, parent: &Start<'_>, child: &Start<'_>) -> Result<(), ReadError> {
        tracing::debug!(
            element = %self.name_of(child),
            parent = %parent.qualified_name(),
            "skipping an element the schema does not describe"
        );
        self.skip(child)
    }

    /// Skips the rest of the element `start`, up to and including its end tag.
    pub fn skip(&mut self, start: &Start<'_>) -> Result<(), ReadError> {
        if start.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            let (pos, event) = self.next_event()?;
            match event {
                // Skipped content counts towards the depth limit too (in `next_event`).
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: start.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r, self.base + pos)?,
                Event::Decl(_) => return Err(self.malformed_at(pos, DECLARATION_INSIDE)),
                Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::PI(_)
                | Event::Empty(_) => {}
            }
        }
        Ok(())
    }

    /// The element's text content (text, character references and CDATA joined), consuming the
    /// element. A child element inside it is an error.
    pub fn read_text(&mut self, start: &Start<'_>) -> Result<Cow<'a, str>, ReadError> {
        if start.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Option<Cow<'a, str>> = None;
        let mut pending = None;
        // The usual content, one text and the end tag, read straight from the parser.
        if !self.close_pending {
            let pos = self.inner.buffer_position();
            match self.inner.read_event() {
                Ok(Event::End(_)) => {
                    self.close_pending = true;
                    return Ok(Cow::Borrowed(""));
                }
                Ok(Event::Text(t)) => {
                    let piece = self.text_of(&t, pos)?;
                    let pos = self.inner.buffer_position();
                    match self.inner.read_event() {
                        Ok(Event::End(_)) => {
                            self.close_pending = true;
                            return Ok(piece);
                        }
                        other => {
                            text = Some(piece);
                            pending = Some(self.account(pos, other)?);
                        }
                    }
                }
                other => pending = Some(self.account(pos, other)?),
            }
        }
        let push = |text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>| match text {
            None => *text = Some(piece),
            Some(t) => t.to_mut().push_str(&piece),
        };
        loop {
            let (pos, event) = match pending.take() {
                Some(event) => event,
                None => self.next_event()?,
            };
            match event {
                Event::Text(t) => push(&mut text, self.text_of(&t, pos)?),
                Event::CData(c) => push(&mut text, self.text_of(&c, pos)?),
                Event::GeneralRef(r) => {
                    let s = resolve_reference(&r, self.base + pos)?;
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
                Event::Decl(_) => return Err(self.malformed_at(pos, DECLARATION_INSIDE)),
            }
        }
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
        let at = self.base + start.offset;
        for attr in start.tag.attributes() {
            let attr = attr.map_err(|e| malformed(at, e))?;
            let key = attr.key;
            if key.as_ref().starts_with(b"xmlns") {
                continue;
            }
            let (resolved, local) = self.ns.attribute(key.into_inner());
            if local == name.as_bytes() && resolved.is(ns) {
                let value = attr
                    .decode_and_unescape_value(self.inner.decoder())
                    .map_err(|e| match e {
                        quick_xml::Error::Escape(
                            quick_xml::escape::EscapeError::UnrecognizedEntity(_, name),
                        ) => ReadError::EntityForbidden { name },
                        other => malformed(at, other),
                    })?;
                // A character reference may name a character XML 1.0 does not allow.
                if let Some(c) = value.chars().find(|&c| !super::write::is_xml_char(c)) {
                    return Err(malformed(
                        at,
                        format!(
                            "attribute `{name}` holds a reference to U+{:04X}, which XML 1.0 does not allow",
                            u32::from(c)
                        ),
                    ));
                }
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
        let (prefix, local) = value.split_once(':').unwrap_or(("", value));
        let ns = match self.ns.prefix(prefix.as_bytes()) {
            Resolved::Bound(ns) => String::from_utf8_lossy(ns).into_owned(),
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
        let (prefix, local) = value.split_once(':').unwrap_or(("", value));
        let ns = match self.ns.prefix(prefix.as_bytes()) {
            Resolved::Bound(ns) => Some(String::from_utf8_lossy(ns).into_owned()),
            _ => None,
        };
        (ns, local.to_owned())
    }

    /// The element's whole content as raw markup (for `xs:any`), consuming the element.
    pub fn read_raw(&mut self, start: &Start<'_>) -> Result<super::RawXml, ReadError> {
        if start.empty {
            return Ok(super::RawXml::default());
        }
        let begin = self.inner.buffer_position() as usize;
        let mut end = begin;
        let mut depth = 0usize;
        loop {
            let (pos, event) = self.next_event()?;
            match event {
                // Skipped content counts towards the depth limit too (in `next_event`).
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(ReadError::UnexpectedEof {
                        element: start.qualified_name(),
                    })
                }
                Event::DocType(_) => return Err(ReadError::DoctypeForbidden),
                Event::GeneralRef(r) => check_reference(&r, self.base + pos)?,
                Event::Decl(_) => return Err(self.malformed_at(pos, DECLARATION_INSIDE)),
                Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::PI(_)
                | Event::Empty(_) => {}
            }
            end = self.inner.buffer_position() as usize;
        }
        let raw = self.input.get(begin..end).unwrap_or_default();
        Ok(super::RawXml(raw.to_owned()))
    }

    /// The whole element, start and end tags included, as raw markup (for `xs:any`), consuming
    /// it.
    pub fn read_element_raw(&mut self, start: &Start<'_>) -> Result<super::RawXml, ReadError> {
        self.skip(start)?;
        let begin = start.offset as usize;
        let end = self.inner.buffer_position() as usize;
        let raw = self.input.get(begin..end).unwrap_or_default();
        Ok(super::RawXml(raw.to_owned()))
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
            match self.next_event()?.1 {
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

/// The text of a character reference or predefined entity at `position`; any other entity is
/// refused.
fn resolve_reference(
    r: &quick_xml::events::BytesRef<'_>,
    position: u64,
) -> Result<String, ReadError> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| malformed(position, e))? {
        if !super::write::is_xml_char(c) {
            return Err(malformed(
                position,
                format!(
                    "a character reference to U+{:04X}, which XML 1.0 does not allow",
                    u32::from(c)
                ),
            ));
        }
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(|e| malformed(position, e))?;
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => Ok(s.to_owned()),
        None => Err(ReadError::EntityForbidden {
            name: name.into_owned(),
        }),
    }
}

fn check_reference(r: &quick_xml::events::BytesRef<'_>, position: u64) -> Result<(), ReadError> {
    resolve_reference(r, position).map(|_| ())
}

/// The message of a declaration found anywhere but at the very start.
const DECLARATION_INSIDE: &str = "an XML declaration that is not at the start of the document";

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
    fn text_keeps_its_characters_and_normalises_line_ends() {
        let xml =
            "<r><a>one\r\ntwo\rthree\nfour</a><a>x<![CDATA[\r\n]]>y&#13;z</a><a>é ü €</a><a/></r>";
        let mut r = XmlReader::new(xml.as_bytes());
        let root = r.root().unwrap();
        let mut texts = vec![];
        while let Some(child) = r.next_element(&root).unwrap() {
            texts.push(r.read_text(&child).unwrap().into_owned());
        }
        // A character reference is not a line end to normalise: `&#13;` stays a `\r`.
        assert_eq!(texts, ["one\ntwo\nthree\nfour", "x\ny\rz", "é ü €", ""]);
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

    #[test]
    fn limits_depth_in_skipped_and_raw_content_too() {
        // Past 65,535 levels quick-xml's namespace scopes overflow: no setting reaches that.
        let xml = format!(
            "<r><x>{}{}</x></r>",
            "<a>".repeat(70_000),
            "</a>".repeat(70_000)
        );
        for max in [DEFAULT_MAX_DEPTH, usize::MAX] {
            let limit = max.min(MAX_DEPTH_LIMIT);
            let mut r = XmlReader::new(xml.as_bytes()).with_max_depth(max);
            let root = r.root().unwrap();
            let x = r.next_element(&root).unwrap().unwrap();
            assert_eq!(r.skip(&x), Err(ReadError::TooDeep { limit }));
            let mut r = XmlReader::new(xml.as_bytes()).with_max_depth(max);
            let root = r.root().unwrap();
            let x = r.next_element(&root).unwrap().unwrap();
            assert_eq!(r.read_raw(&x), Err(ReadError::TooDeep { limit }));
        }
    }
    fn utf16(text: &str, bom: bool, big_endian: bool) -> Vec<u8> {
        let mut units: Vec<u16> = Vec::new();
        if bom {
            units.push(0xFEFF);
        }
        units.extend(text.encode_utf16());
        units
            .iter()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn read_a(doc: &[u8]) -> Result<String, ReadError> {
        let doc = decode_document(doc)?;
        let mut r = XmlReader::new(doc.as_bytes());
        let root = r.root()?;
        let mut value = None;
        while let Some((_, child)) = r.next_child(&root, FIELDS)? {
            value = Some(r.read_text(&child)?.into_owned());
        }
        r.finish()?;
        r.required(value, &root, "a")
    }

    #[test]
    fn decodes_utf16_with_a_byte_order_mark_or_a_declaration() {
        let text =
            r#"<?xml version="1.0" encoding="utf-16"?><r xmlns="urn:t"><a>é 日本 𝄞 &amp;</a></r>"#;
        for (bom, big_endian) in [(true, false), (true, true), (false, false), (false, true)] {
            let bytes = utf16(text, bom, big_endian);
            assert_eq!(
                read_a(&bytes).unwrap(),
                "é 日本 𝄞 &",
                "bom {bom}, be {big_endian}"
            );
        }
        // Without a declaration.
        let bytes = utf16(r#"<r xmlns="urn:t"><a>x</a></r>"#, true, false);
        assert_eq!(read_a(&bytes).unwrap(), "x");
        // The reader refuses UTF-16 handed to it directly, with a typed error.
        let mut r = XmlReader::new(&bytes);
        assert!(matches!(r.root(), Err(ReadError::Invalid(m)) if m.contains("UTF-16")));
    }

    #[test]
    fn the_common_declaration_is_recognised_without_a_parser() {
        assert!(declares_utf8(
            r#"<?xml version="1.0" encoding="utf-8"?><a/>"#
        ));
        assert!(declares_utf8("<?xml version='1.0' encoding='UTF-8'?><a/>"));
        for other in [
            r#"<?xml version="1.0" encoding="utf-8'?><a/>"#,
            r#"<?xml version="1.0" encoding="utf-16"?><a/>"#,
            r#"<?xml version="1.0" encoding="utf-8" standalone="yes"?><a/>"#,
            r#"<?XML version="1.0" encoding="utf-8"?><a/>"#,
            r#"<?xml version="1.0"?>"#,
        ] {
            assert!(!declares_utf8(other), "{other}");
        }
        // What the shortcut lets through is still parsed by the reader.
        assert!(matches!(
            read_a(br#"<?xml version="1.0" encoding="utf-8"?><r xmlns="urn:t"><a>x</a></r>"#),
            Ok(text) if text == "x"
        ));
        assert!(read_a(br#"<?xml version='1.0" encoding="utf-8"?><r/>"#).is_err());
    }

    #[test]
    fn refuses_other_encodings_and_inconsistent_declarations() {
        let latin1 =
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r xmlns=\"urn:t\"><a>caf\xE9</a></r>";
        assert_eq!(
            read_a(latin1).unwrap_err(),
            ReadError::UnsupportedEncoding {
                encoding: "ISO-8859-1".into()
            }
        );
        // Pure ASCII, still refused: the declaration is what is checked.
        let ascii =
            br#"<?xml version="1.0" encoding="windows-1252"?><r xmlns="urn:t"><a>x</a></r>"#;
        assert!(matches!(
            read_a(ascii),
            Err(ReadError::UnsupportedEncoding { .. })
        ));
        let bytes = utf16(
            r#"<?xml version="1.0" encoding="utf-8"?><r xmlns="urn:t"><a>x</a></r>"#,
            true,
            false,
        );
        assert_eq!(
            read_a(&bytes).unwrap_err(),
            ReadError::EncodingMismatch {
                actual: "UTF-16",
                declared: "utf-8".into()
            }
        );
        // UTF-8 bytes declared as UTF-16 (a common .NET slip) are refused too.
        let bytes = br#"<?xml version="1.0" encoding="utf-16"?><r xmlns="urn:t"><a>x</a></r>"#;
        assert_eq!(
            read_a(bytes).unwrap_err(),
            ReadError::EncodingMismatch {
                actual: "UTF-8",
                declared: "utf-16".into()
            }
        );
        let utf32 = [0xFF, 0xFE, 0, 0, b'<', 0, 0, 0];
        assert_eq!(
            read_a(&utf32).unwrap_err(),
            ReadError::UnsupportedEncoding {
                encoding: "UTF-32".into()
            }
        );
    }

    #[test]
    fn refuses_broken_text() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"<r xmlns=\"urn:t\"><x>\xFF</x><a>1</a></r>",
                "invalid UTF-8",
            ),
            (b"<r xmlns=\"urn:t\"><a>a\0b</a></r>", "U+0000"),
            (b"<r xmlns=\"urn:t\"><a>a\x1Bb</a></r>", "U+001B"),
            (b"<r xmlns=\"urn:t\"><a>\xEF\xBF\xBE</a></r>", "U+FFFE"),
            (b"<r xmlns=\"urn:t\"><a>&#1;</a></r>", "U+0001"),
            (b"<\0r\0>\0", "UTF-16 without a byte order mark"),
            (&[0xFF, 0xFE, b'<', 0, b'r'], "odd number of bytes"),
            (
                &[0xFF, 0xFE, b'<', 0, 0x00, 0xD8, b'>', 0],
                "unpaired surrogate",
            ),
        ];
        for (bytes, expected) in cases {
            let err = read_a(bytes).unwrap_err();
            assert!(
                matches!(&err, ReadError::Malformed { message, .. } if message.contains(expected)),
                "{bytes:?}: {err:?}"
            );
        }
        let mut r = XmlReader::new(br#"<r a="&#1;"/>"#);
        let root = r.root().unwrap();
        assert!(matches!(
            r.attribute_text(&root, None, "a"),
            Err(ReadError::Malformed { message, .. }) if message.contains("U+0001")
        ));
        // A second byte order mark is text before the root element.
        assert!(read_a(b"\xEF\xBB\xBF\xEF\xBB\xBF<r xmlns=\"urn:t\"><a>1</a></r>").is_err());
    }

    #[test]
    fn a_declaration_inside_the_document_is_refused_wherever_it_is() {
        // With quick-xml's `encoding` feature, such a declaration could switch the decoder for
        // the rest of the document; it is refused instead, in skipped content too.
        for doc in [
            r#"<r xmlns="urn:t"><x><?xml version="1.0" encoding="windows-1252"?></x><a>café</a></r>"#.as_bytes(),
            br#"<r xmlns="urn:t"><?xml version="1.0"?><a>1</a></r>"#,
            br#"<!-- c --><?xml version="1.0"?><r xmlns="urn:t"><a>1</a></r>"#,
        ] {
            let err = read_a(doc).unwrap_err();
            assert!(
                matches!(&err, ReadError::Malformed { message, .. } if message.contains("XML declaration")),
                "{err:?}"
            );
        }
        // `<?xml-stylesheet?>` is a processing instruction, not a declaration.
        assert_eq!(
            read_a(br#"<?xml-stylesheet href="a"?><r xmlns="urn:t"><a>1</a></r>"#).unwrap(),
            "1"
        );
    }

    #[test]
    fn raw_content_after_a_byte_order_mark_is_cut_at_the_right_place() {
        let doc = b"\xEF\xBB\xBF<r><d><x a=\"1\">t</x></d><e><y/></e></r>";
        let mut r = XmlReader::new(doc);
        let root = r.root().unwrap();
        let d = r.next_element(&root).unwrap().unwrap();
        assert_eq!(r.read_raw(&d).unwrap().as_str(), r#"<x a="1">t</x>"#);
        let e = r.next_element(&root).unwrap().unwrap();
        assert_eq!(r.read_element_raw(&e).unwrap().as_str(), "<e><y/></e>");
        assert!(r.next_element(&root).unwrap().is_none());
        r.finish().unwrap();
        // Positions count the bytes of the input, byte order mark included.
        let mut r = XmlReader::new(b"\xEF\xBB\xBF<r><a></b></r>");
        let root = r.root().unwrap();
        let a = r.next_element(&root).unwrap().unwrap();
        assert!(matches!(
            r.read_text(&a),
            Err(ReadError::Malformed { position: 9, .. })
        ));
    }
}
