//! Maps XML names to Rust identifiers: valid, deterministic and never colliding.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Keeps ASCII letters, digits and `_`; everything else becomes a word break. A character that
/// .NET escaped into an XML name as `_xHHHH_` (`WSF_x0020_Schedule` for `WSF Schedule`) counts
/// as that character.
fn ascii_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        let escaped = rest
            .strip_prefix("_x")
            .filter(|r| r.len() >= 5 && r.as_bytes()[4] == b'_')
            .and_then(|r| u32::from_str_radix(&r[..4], 16).ok())
            .and_then(char::from_u32);
        if let Some(c) = escaped {
            out.push(if c.is_ascii_alphanumeric() { c } else { '_' });
            rest = &rest[7..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(if c.is_ascii_alphanumeric() { c } else { '_' });
        }
        rest = chars.as_str();
    }
    out
}

/// A type or variant name (`UpperCamelCase`), valid but not yet made unique.
pub(crate) fn type_name(xml: &str) -> String {
    let mut s = ascii_words(xml).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A field or method name (`snake_case`), valid but not yet made unique.
pub(crate) fn field_name(xml: &str) -> String {
    let mut s = ascii_words(xml).to_snake_case();
    if s.is_empty() || s == "_" {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Hands out unique names within one scope (a module, a struct's fields, an enum's variants):
/// the first claimant keeps the name, later ones get `2`, `3`, ... in the order they ask.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `base`, or the first free `base2`, `base3`, ...
    pub(crate) fn claim(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_unique() {
        let mut s = Scope::with_reserved(&["Unknown"]);
        let names: Vec<String> = [
            "getGroup_OK",
            "getGroupOK",
            "getGroup-OK",
            "Unknown",
            "2FA",
            "",
        ]
        .iter()
        .map(|n| s.claim(type_name(n)))
        .collect();
        assert_eq!(
            names,
            [
                "GetGroupOk",
                "GetGroupOk2",
                "GetGroupOk3",
                "Unknown2",
                "V2fa",
                "Empty"
            ]
        );
        let mut f = Scope::default();
        let fields: Vec<String> = ["type", "Type", "self", "iNodeID", "i_node_id", "v2"]
            .iter()
            .map(|n| f.claim(field_name(n)))
            .collect();
        assert_eq!(
            fields,
            ["type_", "type_2", "self_", "i_node_id", "i_node_id2", "v2"]
        );
    }

    #[test]
    fn only_keywords_give_field_names_ending_in_underscore() {
        // The generated reader relies on this for the names of its own locals (`start_`, ...).
        for xml in ["r_", "start_", "_child_", "i__", "start-", "crate"] {
            let name = field_name(xml);
            assert!(
                !name.ends_with('_') || KEYWORDS.contains(&name.trim_end_matches('_')),
                "{xml} gives {name}"
            );
        }
        assert_eq!(field_name("r_"), "r");
        assert_eq!(field_name("2fa"), "_2fa");
    }

    #[test]
    fn dotnet_escapes_in_xml_names_are_word_breaks() {
        assert_eq!(type_name("WSF_x0020_ScheduleSoap"), "WsfScheduleSoap");
        assert_eq!(field_name("Unit_x0020_Price"), "unit_price");
        assert_eq!(field_name("Price_x0028_USD_x0029_"), "price_usd");
        // Not an escape: kept as written.
        assert_eq!(type_name("max_xyz_"), "MaxXyz");
        assert_eq!(type_name("a_x12_"), "AX12");
    }
}
