//! Results that Archer returns as XML inside a string.

use std::ops::Deref;

use crate::xml::{FromXml, ReadError, XmlReader};

/// A result that Archer sends as a string holding an XML document, read into `T`, with the
/// string itself kept.
///
/// Dereferences to the parsed value:
///
/// ```
/// use wsclient::archer::{parse_xml_result, results::GroupList};
///
/// let raw = "<Groups><Group><Id>2</Id><Name>Administrators</Name></Group></Groups>";
/// let groups = parse_xml_result::<GroupList>(raw.to_owned())?;
/// assert_eq!(groups.group[0].id, 2);
/// assert_eq!(groups.raw(), raw);
/// # Ok::<(), wsclient::xml::ReadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct XmlResult<T> {
    value: T,
    raw: String,
}

impl<T> XmlResult<T> {
    /// Pairs a value with the text it was read from.
    pub fn new(value: T, raw: String) -> Self {
        Self { value, raw }
    }

    /// The parsed value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The string exactly as Archer returned it (after XML unescaping of the SOAP response).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The parsed value, dropping the string.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The string, dropping the parsed value.
    pub fn into_raw(self) -> String {
        self.raw
    }

    /// The parsed value and the string.
    pub fn into_parts(self) -> (T, String) {
        (self.value, self.raw)
    }
}

impl<T> Deref for XmlResult<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Reads an XML document held in a string into `T`, keeping the string.
///
/// The root element may have any name; its content is read as `T`, skipping elements `T` does
/// not know. A leading XML declaration is ignored, whatever encoding it names: the document
/// has already been decoded into a Rust string, and .NET writes `encoding="utf-16"` into
/// documents it builds in memory. DTDs and entities other than the predefined ones are
/// refused, as everywhere in this crate.
pub fn parse_xml_result<T: FromXml>(raw: String) -> Result<XmlResult<T>, ReadError> {
    parse_keeping(raw).map_err(|(e, _)| e)
}

/// Like [`parse_xml_result`], handing the string back with the error.
pub(crate) fn parse_keeping<T: FromXml>(raw: String) -> Result<XmlResult<T>, (ReadError, String)> {
    match parse_document(&raw) {
        Ok(value) => Ok(XmlResult { value, raw }),
        Err(e) => Err((e, raw)),
    }
}

fn parse_document<T: FromXml>(text: &str) -> Result<T, ReadError> {
    let body = without_declaration(text);
    let mut reader = XmlReader::new(body.as_bytes());
    let root = reader.root()?;
    let value = T::from_xml(&mut reader, &root)?;
    reader.finish()?;
    Ok(value)
}

/// `text` without a leading byte order mark, whitespace and XML declaration.
fn without_declaration(text: &str) -> &str {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if let Some(rest) = text.strip_prefix("<?xml") {
        // `<?xml-stylesheet ...?>` and the like are processing instructions, not declarations.
        if rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
            if let Some(end) = rest.find("?>") {
                return &rest[end + 2..];
            }
        }
    }
    text
}

/// Whether a string result holds no document at all (Archer may send an empty string where
/// a list is empty).
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archer::results::{GroupInformation, GroupList};

    #[test]
    fn reads_groups_with_a_utf16_declaration() {
        let raw = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<Groups>\r\n  <Group>\r\n    <Id> 2 </Id>\r\n    <Name>Administrators</Name>\r\n    <Description>All admins</Description>\r\n    <Extra><Deep/></Extra>\r\n  </Group>\r\n  <Group><Id>7</Id><Name/></Group>\r\n</Groups>";
        let groups = parse_xml_result::<GroupList>(raw.to_owned()).unwrap();
        assert_eq!(groups.group.len(), 2);
        assert_eq!(groups.group[0].id, 2);
        assert_eq!(groups.group[0].name.as_deref(), Some("Administrators"));
        assert_eq!(groups.group[0].description.as_deref(), Some("All admins"));
        assert_eq!(groups.group[1].id, 7);
        assert_eq!(groups.group[1].name.as_deref(), Some(""));
        assert_eq!(groups.group[1].description, None);
        assert_eq!(groups.raw(), raw);
    }

    #[test]
    fn an_empty_groups_element_is_an_empty_list() {
        let groups = parse_xml_result::<GroupList>("<Groups />".into()).unwrap();
        assert!(groups.group.is_empty());
    }

    #[test]
    fn reads_group_information_under_any_root_name() {
        let raw = "<Group><Id>5</Id><Name>R&amp;D</Name><ParentGroups><Group><Id>1</Id></Group></ParentGroups><Users><User><Id>9</Id><UserName>jdoe</UserName></User></Users></Group>";
        let info = parse_xml_result::<GroupInformation>(raw.into()).unwrap();
        assert_eq!(info.id, 5);
        assert_eq!(info.name.as_deref(), Some("R&D"));
        assert_eq!(info.parent_groups.as_ref().map(|p| p.group.len()), Some(1));
        assert_eq!(info.child_groups, None);
        let users = &info.users.as_ref().unwrap().user;
        assert_eq!(users[0].user_name.as_deref(), Some("jdoe"));
    }

    #[test]
    fn refuses_what_is_not_the_document() {
        for bad in [
            "",
            "not xml",
            "<Groups><Group><Name>no id</Name></Group></Groups>",
            "<Groups><Group><Id>x</Id></Group></Groups>",
            "<Groups></Groups><Groups/>",
            "<!DOCTYPE Groups [<!ENTITY e \"x\">]><Groups/>",
            "<Groups>",
        ] {
            assert!(
                parse_xml_result::<GroupList>(bad.into()).is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn keeps_processing_instructions_that_are_not_declarations() {
        assert_eq!(
            without_declaration("<?xml-stylesheet href=\"a\"?><a/>"),
            "<?xml-stylesheet href=\"a\"?><a/>"
        );
        assert_eq!(without_declaration("  <?xml version=\"1.0\"?><a/>"), "<a/>");
        assert!(is_blank(" \u{feff}\r\n"));
        assert!(!is_blank("<a/>"));
    }
}
