//! The XML layer that generated types are written to and read from.
//!
//! Generated code implements [`ToXml`] and [`FromXml`] for every schema type; both traits are small
//! so that each generated type stays compact, and all the real work (escaping, namespaces,
//! `xsi:nil`, skipping unknown elements, limits) lives here once.
//!
//! Writing is strict: element names, namespaces and order are exactly what the schema says, every
//! text and attribute value is escaped, and a character that XML 1.0 cannot carry is refused with
//! the element named. Reading is lenient where the schema may drift (unknown elements are skipped,
//! unknown enum values are kept) and strict where safety needs it (no DOCTYPE, no entities other
//! than the five predefined ones and character references, bounded nesting depth).

mod read;
mod value;
mod write;

pub use read::{Field, ReadError, Start, XmlReader};
pub use value::{Decimal, RawXml, SimpleValue, ValueError};
pub use write::{AttributeWriter, WriteError, XmlWriter};

/// The XML Schema instance namespace (`xsi:nil`, `xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A value that can be written as an XML element's attributes and content.
///
/// The element's own name is chosen by the caller (the parent type or the operation), because one
/// schema type can appear under many element names.
pub trait ToXml {
    /// Writes this value's attributes onto the element's start tag.
    fn write_attributes(&self, _attrs: &mut AttributeWriter<'_>) -> Result<(), WriteError> {
        Ok(())
    }

    /// Writes this value's content: text for simple types, child elements for complex types.
    fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError>;

    /// The `xsi:type` to announce on the element, as `(namespace, local name)`, when the value is
    /// of a type derived from the one the schema declares.
    fn xsi_type(&self) -> Option<(&'static str, &'static str)> {
        None
    }
}

/// A value that can be read from an XML element.
pub trait FromXml: Sized {
    /// Reads the value from the element whose start tag is `start`, consuming everything up to
    /// and including its end tag.
    fn from_xml(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, ReadError>;
}

impl<T: ToXml + ?Sized> ToXml for Box<T> {
    fn write_attributes(&self, attrs: &mut AttributeWriter<'_>) -> Result<(), WriteError> {
        (**self).write_attributes(attrs)
    }
    fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError> {
        (**self).write_content(w)
    }
    fn xsi_type(&self) -> Option<(&'static str, &'static str)> {
        (**self).xsi_type()
    }
}

impl<T: FromXml> FromXml for Box<T> {
    fn from_xml(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, ReadError> {
        T::from_xml(r, start).map(Box::new)
    }
}

/// Implements [`ToXml`] and [`FromXml`] for a type that implements [`SimpleValue`], so that it
/// can be used as element content. Generated enums and simple types use it.
#[macro_export]
macro_rules! simple_xml_value {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::xml::ToXml for $ty {
            fn write_content(
                &self,
                w: &mut $crate::xml::XmlWriter,
            ) -> ::core::result::Result<(), $crate::xml::WriteError> {
                w.simple(self)
            }
        }
        impl $crate::xml::FromXml for $ty {
            fn from_xml(
                r: &mut $crate::xml::XmlReader<'_>,
                start: &$crate::xml::Start<'_>,
            ) -> ::core::result::Result<Self, $crate::xml::ReadError> {
                r.read_simple(start)
            }
        }
    )*};
}

simple_xml_value!(String, bool, i8, i16, i32, i64, i128, u8, u16, u32, u64, u128, f32, f64, Decimal);
