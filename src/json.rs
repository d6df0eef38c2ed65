//! JSON for the generated types (feature `json`): what `wsclient-build` emits with `.json(true)`
//! calls these traits and helpers, so that a tool can build any request from JSON, with the
//! schema's types checked, and print any response as JSON.
//!
//! The JSON shape follows the XML: an object per complex type, keyed by the XML names of its
//! attributes and elements (`$value` for the text of a type with simple content, `$any` for
//! raw elements), arrays for repeated elements, strings for enumerations and `null` for a
//! `xsi:nil` value. Reading is strict: a key the type does not have, a missing required
//! element, a value an enumeration does not list or a number out of range is a [`JsonError`]
//! that names the path (`aPermissions.NODE_PERMISSIONS_V2[1]`). Numbers and booleans may also
//! be given as strings (`"42"`, `"true"`), as command-line arguments are.
//!
//! Values whose names look like secrets (passwords, authcodes, tokens) are written as
//! `"<redacted>"` unless [`JsonOptions::reveal_secrets`] is set.
//!
//! ```
//! use wsclient::json::{FromJson, ToJson, JsonOptions, Value};
//!
//! let n = i32::from_json(&Value::from("42"), "iNodeID").unwrap();
//! assert_eq!(n.to_json(&JsonOptions::default()), Value::from(42));
//! let err = i32::from_json(&Value::from("x"), "iNodeID").unwrap_err();
//! assert_eq!(err.to_string(), "iNodeID: expected an integer (int), found \"x\"");
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use serde_json::{Map, Value};

use crate::xml::{Decimal, List, RawXml, SimpleValue};

/// A boxed future, as the generated [`JsonPort`] implementations return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How values are written to JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonOptions {
    /// Write secret values (passwords, authcodes, tokens) as they are, instead of
    /// `"<redacted>"`.
    pub reveal_secrets: bool,
}

/// What stands in for a secret value in JSON output.
pub const REDACTED: &str = "<redacted>";

/// A JSON value that does not fit the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if path.is_empty() { "(arguments)" } else { path.as_str() })]
pub struct JsonError {
    /// Where in the document: keys joined with `.`, indexes in brackets (empty for the top).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl JsonError {
    /// An error at `path`.
    pub fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

/// A value that can be read from JSON.
pub trait FromJson: Sized {
    /// Reads the value found at `path`.
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError>;
}

/// A value that can be written as JSON.
pub trait ToJson {
    /// The value as JSON.
    fn to_json(&self, options: &JsonOptions) -> Value;
}

/// One operation of a port, as listed by [`JsonPort::OPERATIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation name, as in the WSDL.
    pub name: &'static str,
    /// The WSDL's documentation of the operation, on one line (may be empty).
    pub documentation: &'static str,
    /// The request's top-level arguments, one per line: `name: type`, with `?` after optional
    /// and `[]` after repeated names.
    pub arguments: &'static str,
    /// The response element's name (empty for a one-way operation).
    pub output: &'static str,
}

/// A call with JSON arguments failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The port has no operation of that name.
    #[error("no operation named {0:?}")]
    UnknownOperation(String),
    /// The arguments do not fit the request type.
    #[error("invalid arguments: {0}")]
    Arguments(#[from] JsonError),
    /// The call itself failed.
    #[error(transparent)]
    Call(#[from] crate::Error),
}

/// A port client whose operations can be called by name with JSON arguments (generated).
pub trait JsonPort {
    /// The operations, in WSDL order.
    const OPERATIONS: &'static [OperationInfo];

    /// Reads `arguments` as the request of `operation`, calls it, and gives the response as
    /// JSON (`null` for a one-way operation).
    fn call_json<'a>(
        &'a self,
        operation: &'a str,
        arguments: &'a Value,
        options: &'a JsonOptions,
    ) -> BoxFuture<'a, Result<Value, CallError>>;
}

// -------------------------------------------------------------------------------------------
// Paths and descriptions

/// The path of `key` inside `path`.
pub fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A short description of a JSON value for messages (strings quoted, long ones cut).
fn found(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 64 {
        let cut: String = text.chars().take(61).collect();
        format!("{cut}...")
    } else {
        text
    }
}

// -------------------------------------------------------------------------------------------
// Helpers called by the generated code

/// The object at `path`, whose keys must all be among `keys`.
pub fn object<'v>(
    value: &'v Value,
    path: &str,
    keys: &[&str],
) -> Result<&'v Map<String, Value>, JsonError> {
    let Value::Object(map) = value else {
        return Err(JsonError::new(
            path,
            format!("expected an object, found {}", found(value)),
        ));
    };
    if let Some(unknown) = map.keys().find(|k| !keys.contains(&k.as_str())) {
        let expected = if keys.is_empty() {
            "it takes no arguments".to_owned()
        } else {
            format!("expected one of: {}", keys.join(", "))
        };
        return Err(JsonError::new(
            &child_path(path, unknown),
            format!("unknown name; {expected}"),
        ));
    }
    Ok(map)
}

/// A required value.
pub fn required<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<T, JsonError> {
    match object.get(key) {
        Some(v) if !v.is_null() => T::from_json(v, &child_path(path, key)),
        Some(_) => Err(JsonError::new(
            &child_path(path, key),
            "is required and cannot be null",
        )),
        None => Err(JsonError::new(&child_path(path, key), "is required")),
    }
}

/// A required value that may be `null` (nillable).
pub fn required_nillable<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<T>, JsonError> {
    match object.get(key) {
        Some(Value::Null) => Ok(None),
        Some(v) => T::from_json(v, &child_path(path, key)).map(Some),
        None => Err(JsonError::new(
            &child_path(path, key),
            "is required (null is allowed)",
        )),
    }
}

/// An optional value (`null` counts as absent).
pub fn optional<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<T>, JsonError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => T::from_json(v, &child_path(path, key)).map(Some),
    }
}

/// An optional value that may be `null` (nillable): absent is `None`, `null` is `Some(None)`.
pub fn optional_nillable<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<Option<T>>, JsonError> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => T::from_json(v, &child_path(path, key)).map(|t| Some(Some(t))),
    }
}

/// A repeated value: an array, or a single value standing for an array of one.
pub fn repeated<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Vec<T>, JsonError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => Vec::from_json(v, &child_path(path, key)),
    }
}

/// A repeated value whose items may be `null`.
pub fn repeated_nillable<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Vec<Option<T>>, JsonError> {
    match object.get(key) {
        None => Ok(Vec::new()),
        Some(v) => Vec::from_json(v, &child_path(path, key)),
    }
}

/// The keys of `object` that are among `alternatives`, as an object of their own.
fn choice_object(object: &Map<String, Value>, alternatives: &[&str]) -> Map<String, Value> {
    object
        .iter()
        .filter(|(k, _)| alternatives.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A choice held inline in `object`: exactly one of `alternatives` must be there.
pub fn choice_required<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    alternatives: &[&str],
) -> Result<T, JsonError> {
    let chosen = choice_object(object, alternatives);
    if chosen.is_empty() {
        return Err(JsonError::new(
            path,
            format!("one of {} is required", alternatives.join(", ")),
        ));
    }
    T::from_json(&Value::Object(chosen), path)
}

/// A choice held inline in `object`: at most one of `alternatives` may be there.
pub fn choice_optional<T: FromJson>(
    object: &Map<String, Value>,
    path: &str,
    alternatives: &[&str],
) -> Result<Option<T>, JsonError> {
    let chosen = choice_object(object, alternatives);
    if chosen.is_empty() {
        return Ok(None);
    }
    T::from_json(&Value::Object(chosen), path).map(Some)
}

/// The single key of a choice's object, which must be one of `alternatives`, and its value.
pub fn single_key<'v>(
    value: &'v Value,
    path: &str,
    alternatives: &[&str],
) -> Result<(&'v str, &'v Value), JsonError> {
    let map = object(value, path, alternatives)?;
    let mut entries = map.iter();
    match (entries.next(), entries.next()) {
        (Some((k, v)), None) => Ok((k.as_str(), v)),
        (None, _) => Err(JsonError::new(
            path,
            format!("one of {} is required", alternatives.join(", ")),
        )),
        (Some(_), Some(_)) => Err(JsonError::new(
            path,
            format!(
                "only one of {} may be given (it is a choice)",
                alternatives.join(", ")
            ),
        )),
    }
}

/// The text of an enumeration value, which must be one of `values`.
pub fn enum_text(value: &Value, path: &str, values: &[&str]) -> Result<String, JsonError> {
    match value {
        Value::String(s) if values.contains(&s.as_str()) => Ok(s.clone()),
        other => Err(JsonError::new(
            path,
            format!("{} is not one of: {}", found(other), values.join(", ")),
        )),
    }
}

/// Writes `value` under `key`.
pub fn put<T: ToJson + ?Sized>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &T,
    options: &JsonOptions,
) {
    map.insert(key.to_owned(), value.to_json(options));
}

/// Writes an optional value under `key`, leaving it out when `None`.
pub fn put_optional<T: ToJson>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &Option<T>,
    options: &JsonOptions,
) {
    if let Some(v) = value {
        put(map, key, v, options);
    }
}

/// Writes a repeated value under `key`, leaving it out when empty.
pub fn put_repeated<T: ToJson>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &[T],
    options: &JsonOptions,
) {
    if !value.is_empty() {
        map.insert(
            key.to_owned(),
            Value::Array(value.iter().map(|v| v.to_json(options)).collect()),
        );
    }
}

/// Writes a secret under `key`: `"<redacted>"` unless the options reveal secrets.
pub fn put_secret<T: ToJson + ?Sized>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &T,
    options: &JsonOptions,
) {
    if options.reveal_secrets {
        put(map, key, value, options);
    } else {
        map.insert(key.to_owned(), Value::String(REDACTED.to_owned()));
    }
}

/// Writes an optional secret under `key`, leaving it out when `None`.
pub fn put_optional_secret<T: ToJson>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &Option<T>,
    options: &JsonOptions,
) {
    if let Some(v) = value {
        put_secret(map, key, v, options);
    }
}

/// Writes repeated secrets under `key`, leaving it out when empty.
pub fn put_repeated_secret<T: ToJson>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &[T],
    options: &JsonOptions,
) {
    if !value.is_empty() {
        put_secret(map, key, value, options);
    }
}

/// Writes the keys of a choice's object into `map`.
pub fn merge<T: ToJson>(map: &mut Map<String, Value>, value: &T, options: &JsonOptions) {
    if let Value::Object(inner) = value.to_json(options) {
        map.extend(inner);
    }
}

// -------------------------------------------------------------------------------------------
// The built-in types

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self, options: &JsonOptions) -> Value {
        (**self).to_json(options)
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        T::from_json(value, path).map(Box::new)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self, options: &JsonOptions) -> Value {
        match self {
            Some(v) => v.to_json(options),
            None => Value::Null,
        }
    }
}

/// A nillable value (a nillable alternative of a choice): `null` is `None`.
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v, path).map(Some),
        }
    }
}

/// A repeated value (a repeated alternative of a choice): an array, or a single value standing
/// for an array of one, as [`repeated`] reads a field.
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| T::from_json(v, &index_path(path, i)))
                .collect(),
            v => Ok(vec![T::from_json(v, path)?]),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self, options: &JsonOptions) -> Value {
        Value::Array(self.iter().map(|v| v.to_json(options)).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, options: &JsonOptions) -> Value {
        self.as_slice().to_json(options)
    }
}

impl ToJson for String {
    fn to_json(&self, _: &JsonOptions) -> Value {
        Value::String(self.clone())
    }
}

impl FromJson for String {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(JsonError::new(
                path,
                format!("expected a string, found {}", found(other)),
            )),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self, _: &JsonOptions) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" || s == "1" => Ok(true),
            Value::String(s) if s == "false" || s == "0" => Ok(false),
            other => Err(JsonError::new(
                path,
                format!("expected true or false, found {}", found(other)),
            )),
        }
    }
}

macro_rules! integer_json {
    ($($ty:ty => $xs:literal),* $(,)?) => {$(
        impl ToJson for $ty {
            fn to_json(&self, _: &JsonOptions) -> Value {
                // Beyond 64 bits JSON numbers lose precision in most readers: write text.
                match i64::try_from(*self) {
                    Ok(n) => Value::from(n),
                    Err(_) => match u64::try_from(*self) {
                        Ok(n) => Value::from(n),
                        Err(_) => Value::String(self.to_string()),
                    },
                }
            }
        }
        impl FromJson for $ty {
            fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
                let text = match value {
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => s.trim().to_owned(),
                    other => {
                        return Err(JsonError::new(
                            path,
                            format!(concat!("expected an integer (", $xs, "), found {}"), found(other)),
                        ))
                    }
                };
                text.parse::<$ty>().map_err(|_| {
                    JsonError::new(
                        path,
                        format!(concat!("expected an integer (", $xs, "), found {}"), found(value)),
                    )
                })
            }
        }
    )*};
}

integer_json!(
    i8 => "byte", i16 => "short", i32 => "int", i64 => "long", i128 => "integer",
    u8 => "unsignedByte", u16 => "unsignedShort", u32 => "unsignedInt", u64 => "unsignedLong",
    u128 => "nonNegativeInteger",
);

macro_rules! float_json {
    ($($ty:ty => $xs:literal),* $(,)?) => {$(
        impl ToJson for $ty {
            fn to_json(&self, _: &JsonOptions) -> Value {
                serde_json::Number::from_f64(f64::from(*self))
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(SimpleValue::to_text(self).into_owned()))
            }
        }
        impl FromJson for $ty {
            fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
                let bad = || {
                    JsonError::new(path, format!(concat!("expected a number (", $xs, "), found {}"), found(value)))
                };
                match value {
                    Value::Number(n) => n.as_f64().map(|f| f as $ty).ok_or_else(bad),
                    Value::String(s) => <$ty as SimpleValue>::from_text(s).map_err(|_| bad()),
                    _ => Err(bad()),
                }
            }
        }
    )*};
}

float_json!(f32 => "float", f64 => "double");

impl ToJson for Decimal {
    fn to_json(&self, _: &JsonOptions) -> Value {
        Value::String(self.as_str().to_owned())
    }
}

impl FromJson for Decimal {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => {
                return Err(JsonError::new(
                    path,
                    format!("expected a decimal number, found {}", found(other)),
                ))
            }
        };
        Decimal::from_text(&text).map_err(|e| JsonError::new(path, e.to_string()))
    }
}

impl ToJson for RawXml {
    fn to_json(&self, _: &JsonOptions) -> Value {
        Value::String(self.as_str().to_owned())
    }
}

impl FromJson for RawXml {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        String::from_json(value, path).map(RawXml)
    }
}

impl<T: ToJson> ToJson for List<T> {
    fn to_json(&self, options: &JsonOptions) -> Value {
        self.0.to_json(options)
    }
}

impl<T: FromJson + SimpleValue> FromJson for List<T> {
    fn from_json(value: &Value, path: &str) -> Result<Self, JsonError> {
        match value {
            Value::Array(_) => Vec::from_json(value, path).map(List),
            Value::String(s) => {
                List::<T>::from_text(s).map_err(|e| JsonError::new(path, e.to_string()))
            }
            other => Err(JsonError::new(
                path,
                format!("expected an array, found {}", found(other)),
            )),
        }
    }
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_messages() {
        let value: Value = serde_json::json!({"a": 1, "b": [1, "x"]});
        let Value::Object(map) = &value else {
            unreachable!()
        };
        let err = object(&value, "", &["a"]).unwrap_err();
        assert_eq!(err.to_string(), "b: unknown name; expected one of: a");
        let a: i32 = required(map, "", "a").unwrap();
        assert_eq!(a, 1);
        let err = repeated::<i32>(map, "top", "b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "top.b[1]: expected an integer (int), found \"x\""
        );
        let err = required::<String>(map, "", "c").unwrap_err();
        assert_eq!(err.to_string(), "c: is required");
        let single: Vec<i32> = repeated(map, "", "a").unwrap();
        assert_eq!(single, vec![1]);
    }

    #[test]
    fn numbers_from_strings_and_ranges() {
        assert_eq!(u8::from_json(&Value::from("255"), "n").unwrap(), 255);
        assert!(u8::from_json(&Value::from(256), "n").is_err());
        assert!(bool::from_json(&Value::from("true"), "b").unwrap());
        assert_eq!(
            u128::MAX.to_json(&JsonOptions::default()),
            Value::from(u128::MAX.to_string())
        );
        assert_eq!(f64::from_json(&Value::from("1.5"), "f").unwrap(), 1.5);
    }

    #[test]
    fn secrets_are_redacted_unless_revealed() {
        let mut map = Map::new();
        put_secret(
            &mut map,
            "sAuthCode",
            &"abc".to_owned(),
            &JsonOptions::default(),
        );
        assert_eq!(map["sAuthCode"], Value::from(REDACTED));
        put_secret(
            &mut map,
            "sAuthCode",
            &"abc".to_owned(),
            &JsonOptions {
                reveal_secrets: true,
            },
        );
        assert_eq!(map["sAuthCode"], Value::from("abc"));
    }

    #[test]
    fn enumerations_list_their_values() {
        let err = enum_text(&Value::from("BOTH"), "eNodeRef", &["NODE", "CHANNEL"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "eNodeRef: \"BOTH\" is not one of: NODE, CHANNEL"
        );
    }
}
