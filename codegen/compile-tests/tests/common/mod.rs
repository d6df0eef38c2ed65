//! Helpers shared by the tests: write a value as a root element, read it back.

#![allow(dead_code)]

use wsclient::xml::{FromXml, List, RawXml, ReadError, ToXml, XmlReader, XmlWriter};
use wsclient_codegen_tests::structure;

/// `value` written as the element `{ns}name`, as text.
pub fn write<T: ToXml>(ns: Option<&'static str>, name: &'static str, value: &T) -> String {
    let mut w = XmlWriter::new();
    w.element(ns, name, value).expect("write");
    String::from_utf8(w.into_bytes()).expect("UTF-8")
}

/// The document's root element read as a `T`.
pub fn read<T: FromXml>(xml: &str) -> Result<T, ReadError> {
    let mut r = XmlReader::new(xml.as_bytes());
    let start = r.root()?;
    let value = T::from_xml(&mut r, &start)?;
    r.finish()?;
    Ok(value)
}

/// Writes `value`, reads it back, checks it is unchanged, and returns the XML.
pub fn round_trip<T: ToXml + FromXml + PartialEq + std::fmt::Debug>(
    ns: Option<&'static str>,
    name: &'static str,
    value: &T,
) -> String {
    let xml = write(ns, name, value);
    let back: T = read(&xml).unwrap_or_else(|e| panic!("reading back {xml}: {e}"));
    assert_eq!(&back, value, "round trip through {xml}");
    xml
}

/// A `Shapes` value with every kind of member filled, around the choice `choice`.
pub fn shapes(choice: structure::ShapesChoice) -> structure::Shapes {
    structure::Shapes {
        id: 1,
        choice,
        choice2: vec![
            structure::ShapesChoice2::Tag("t1".into()),
            structure::ShapesChoice2::Weight(None),
            structure::ShapesChoice2::Tag("t2".into()),
            structure::ShapesChoice2::Weight(Some(5)),
        ],
        note: Some("note".into()),
        colors: List(vec![
            structure::Color::Red,
            structure::Color::Unknown("blue".into()),
        ]),
        size: "12".into(),
        extra: Some(RawXml("<b>bold</b> and <i x=\"1\">text</i>".into())),
        any: vec![
            RawXml(r#"<x:ext xmlns:x="urn:other">1</x:ext>"#.into()),
            RawXml(r#"<y xmlns="urn:other"><z/></y>"#.into()),
        ],
    }
}
