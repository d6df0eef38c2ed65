//! What changed between two descriptions of a service, as the generator reads them, with the
//! changes that break existing callers marked.
//!
//! Breaking: an operation, type, field, enumeration value or choice alternative removed; an
//! operation's request or response element or SOAP action changed; a field's type, occurrence
//! or nillability changed; a required field added; a type that changed kind. Not breaking: an
//! operation, type, optional or repeated field, enumeration value or alternative added (the
//! generated readers skip unknown elements and keep unknown enumeration values).

use std::collections::BTreeMap;

use wsclient_build::inspect::{Description, FieldDesc, Occurrence, TypeKind};

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether it breaks existing callers.
    pub breaking: bool,
    /// What changed, for a person.
    pub text: String,
}

fn change(breaking: bool, text: String) -> Change {
    Change { breaking, text }
}

fn occurs(o: Occurrence) -> &'static str {
    match o {
        Occurrence::Required => "required",
        Occurrence::Optional => "optional",
        Occurrence::Repeated => "repeated",
    }
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct { .. } => "a complex type",
        TypeKind::Enum { .. } => "an enumeration",
        TypeKind::Choice { .. } => "a choice",
    }
}

fn fields(owner: &str, what: &str, old: &[FieldDesc], new: &[FieldDesc], out: &mut Vec<Change>) {
    for f in old {
        match new
            .iter()
            .find(|n| n.name == f.name && n.attribute == f.attribute)
        {
            None => out.push(change(
                true,
                format!("{what} `{}` of {owner} removed", f.name),
            )),
            Some(n) => {
                if n.type_name != f.type_name {
                    out.push(change(
                        true,
                        format!(
                            "{what} `{}` of {owner}: type changed from {} to {}",
                            f.name, f.type_name, n.type_name
                        ),
                    ));
                }
                if n.occurs != f.occurs {
                    out.push(change(
                        true,
                        format!(
                            "{what} `{}` of {owner}: now {} (was {})",
                            f.name,
                            occurs(n.occurs),
                            occurs(f.occurs)
                        ),
                    ));
                }
                if n.nillable != f.nillable {
                    out.push(change(
                        true,
                        format!(
                            "{what} `{}` of {owner}: {} nillable",
                            f.name,
                            if n.nillable { "now" } else { "no longer" }
                        ),
                    ));
                }
            }
        }
    }
    for n in new {
        if !old
            .iter()
            .any(|f| f.name == n.name && f.attribute == n.attribute)
        {
            out.push(change(
                n.occurs == Occurrence::Required,
                format!(
                    "{what} `{}` of {owner} added ({}, {})",
                    n.name,
                    occurs(n.occurs),
                    n.type_name
                ),
            ));
        }
    }
}

/// The changes from `old` to `new`.
pub fn diff(old: &Description, new: &Description) -> Vec<Change> {
    let mut out = Vec::new();

    // Operations, by name (a service's bindings carry the same ones).
    let by_name = |d: &Description| {
        let mut map: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for op in &d.operations {
            map.entry(op.name.clone()).or_default().push(op.clone());
        }
        map
    };
    let (old_ops, new_ops) = (by_name(old), by_name(new));
    for (name, olds) in &old_ops {
        let Some(news) = new_ops.get(name) else {
            out.push(change(true, format!("operation `{name}` removed")));
            continue;
        };
        for o in olds {
            let Some(n) = news.iter().find(|n| n.binding == o.binding) else {
                out.push(change(
                    true,
                    format!("operation `{name}` no longer in binding {}", o.binding),
                ));
                continue;
            };
            if n.input != o.input {
                out.push(change(
                    true,
                    format!(
                        "operation `{name}` ({}): request element changed from {} to {}",
                        o.binding, o.input, n.input
                    ),
                ));
            }
            if n.output != o.output {
                out.push(change(
                    true,
                    format!(
                        "operation `{name}` ({}): response element changed from {} to {}",
                        o.binding,
                        o.output.as_deref().unwrap_or("(none)"),
                        n.output.as_deref().unwrap_or("(none)")
                    ),
                ));
            }
            if n.soap_action != o.soap_action {
                out.push(change(
                    true,
                    format!(
                        "operation `{name}` ({}): SOAP action changed from {:?} to {:?}",
                        o.binding, o.soap_action, n.soap_action
                    ),
                ));
            }
        }
    }
    for name in new_ops.keys() {
        if !old_ops.contains_key(name) {
            out.push(change(false, format!("operation `{name}` added")));
        }
    }

    // Types, by their XML identity.
    for o in &old.types {
        let Some(n) = new.types.iter().find(|n| n.name == o.name) else {
            out.push(change(true, format!("{} removed", o.name)));
            continue;
        };
        match (&o.kind, &n.kind) {
            (TypeKind::Struct { fields: of }, TypeKind::Struct { fields: nf }) => {
                fields(&o.name, "field", of, nf, &mut out);
            }
            (TypeKind::Choice { alternatives: oa }, TypeKind::Choice { alternatives: na }) => {
                for a in oa {
                    if !na.iter().any(|x| x.name == a.name) {
                        out.push(change(
                            true,
                            format!("alternative `{}` of {} removed", a.name, o.name),
                        ));
                    }
                }
                for a in na {
                    if !oa.iter().any(|x| x.name == a.name) {
                        out.push(change(
                            false,
                            format!("alternative `{}` of {} added", a.name, o.name),
                        ));
                    }
                }
            }
            (TypeKind::Enum { values: ov }, TypeKind::Enum { values: nv }) => {
                for v in ov {
                    if !nv.contains(v) {
                        out.push(change(true, format!("value `{v}` of {} removed", o.name)));
                    }
                }
                for v in nv {
                    if !ov.contains(v) {
                        out.push(change(false, format!("value `{v}` of {} added", o.name)));
                    }
                }
            }
            (ok, nk) => out.push(change(
                true,
                format!(
                    "{} is now {} (was {})",
                    o.name,
                    kind_name(nk),
                    kind_name(ok)
                ),
            )),
        }
    }
    for n in &new.types {
        if !old.types.iter().any(|o| o.name == n.name) {
            out.push(change(false, format!("{} added", n.name)));
        }
    }
    out
}
