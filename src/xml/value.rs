//! Simple (text-only) values: the XML Schema built-in types and generated enums.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A value that is carried as the text of an element or attribute.
pub trait SimpleValue: Sized {
    /// The value as XML text, before escaping.
    fn to_text(&self) -> Cow<'_, str>;

    /// Parses the value from XML text, after unescaping.
    fn from_text(text: &str) -> Result<Self, ValueError>;
}

/// A text that does not hold a value of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a valid {expected}")]
pub struct ValueError {
    /// The XML Schema type that was expected, e.g. `xs:int`.
    pub expected: &'static str,
    /// The text that was found (cut to 64 characters).
    pub text: String,
}

impl ValueError {
    /// Builds the error for `text` that is not a valid `expected`.
    pub fn new(expected: &'static str, text: &str) -> Self {
        let text: String = text.chars().take(64).collect();
        Self { expected, text }
    }
}

impl SimpleValue for String {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn from_text(text: &str) -> Result<Self, ValueError> {
        Ok(text.to_owned())
    }
}

impl SimpleValue for bool {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn from_text(text: &str) -> Result<Self, ValueError> {
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ValueError::new("xs:boolean", text)),
        }
    }
}

macro_rules! integer_value {
    ($($ty:ty => $xs:literal),* $(,)?) => {$(
        impl SimpleValue for $ty {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn from_text(text: &str) -> Result<Self, ValueError> {
                let t = text.trim();
                let t = t.strip_prefix('+').unwrap_or(t);
                <$ty>::from_str(t).map_err(|_| ValueError::new($xs, text))
            }
        }
    )*};
}

integer_value!(
    i8 => "xs:byte", i16 => "xs:short", i32 => "xs:int", i64 => "xs:long", i128 => "xs:integer",
    u8 => "xs:unsignedByte", u16 => "xs:unsignedShort", u32 => "xs:unsignedInt",
    u64 => "xs:unsignedLong", u128 => "xs:nonNegativeInteger",
);

macro_rules! float_value {
    ($($ty:ty => $xs:literal),* $(,)?) => {$(
        impl SimpleValue for $ty {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if *self > 0.0 { "INF" } else { "-INF" }.to_owned()
                } else {
                    self.to_string()
                })
            }
            fn from_text(text: &str) -> Result<Self, ValueError> {
                match text.trim() {
                    "INF" | "+INF" => Ok(<$ty>::INFINITY),
                    "-INF" => Ok(<$ty>::NEG_INFINITY),
                    "NaN" => Ok(<$ty>::NAN),
                    t if t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') => {
                        Err(ValueError::new($xs, text))
                    }
                    t => <$ty>::from_str(t).map_err(|_| ValueError::new($xs, text)),
                }
            }
        }
    )*};
}

float_value!(f32 => "xs:float", f64 => "xs:double");

/// An `xs:decimal`, kept exactly as written: no rounding through a float.
///
/// The text is checked to be a valid decimal (optional sign, digits, optional fraction) and keeps
/// its digits as they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal as text, exactly as it was read or built.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Decimal {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return Err(ValueError::new("xs:decimal", s));
        }
        Ok(Decimal(t.to_owned()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal(v.to_string())
    }
}

impl SimpleValue for Decimal {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
    fn from_text(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

/// Raw XML kept as text, for `xs:any` and `xs:anyType` content that the schema does not describe.
///
/// Reading keeps the element's inner markup exactly as received (namespace prefixes declared
/// outside the element are not carried along). Writing emits the text verbatim, so it must be
/// well-formed XML; [`RawXml::text`] builds an escaped text node.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawXml(pub String);

impl RawXml {
    /// Raw content holding only `text`, escaped.
    pub fn text(text: &str) -> Self {
        RawXml(quick_xml::escape::escape(text).into_owned())
    }

    /// The raw markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `xs:list` value: items separated by whitespace in one element or attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct List<T>(pub Vec<T>);

impl<T: SimpleValue> SimpleValue for List<T> {
    fn to_text(&self) -> Cow<'_, str> {
        let items: Vec<Cow<'_, str>> = self.0.iter().map(SimpleValue::to_text).collect();
        Cow::Owned(items.join(" "))
    }
    fn from_text(text: &str) -> Result<Self, ValueError> {
        text.split_ascii_whitespace()
            .map(T::from_text)
            .collect::<Result<Vec<_>, _>>()
            .map(List)
    }
}
