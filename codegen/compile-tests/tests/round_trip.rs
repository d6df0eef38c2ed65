//! Every generated type survives being written and read back unchanged.

mod common;

use common::{round_trip, shapes};
use wsclient::xml::{Decimal, List};
use wsclient_codegen_tests::{bindings, names, occurs, schemas, schemas_common, structure};

fn keywords() -> names::Keywords {
    names::Keywords {
        value: Some("v".into()),
        w: None,
        a: Some("attribute a".into()),
        type_: "type".into(),
        type_2: "Type".into(),
        self_: "self".into(),
        self_2: "Self".into(),
        crate_: "crate".into(),
        match_: "match".into(),
        first_name: "first.name".into(),
        gr_e: 180,
        value2: "名前".into(),
        r: "r".into(),
        start: "start".into(),
        child: "child".into(),
        i: "i".into(),
    }
}

#[test]
fn names() {
    for status in names::Status::VALUES
        .iter()
        .cloned()
        .chain([names::Status::Unknown("new in v2".into())])
    {
        let value = names::GetGroupOk2 {
            keywords: keywords(),
            status: status.clone(),
            level: names::Level::Level2,
            string: names::String2 { text: "t".into() },
            option: names::Option2 { some: None },
            result: names::Result2 { ok: "ok".into() },
            error: names::Error {
                message: "m".into(),
            },
            self_: names::Self_ { me: "me".into() },
            grosse: names::GrE { cm: 3 },
        };
        round_trip(names::NS1, "getGroupOK", &value);
    }
    round_trip(
        names::NS1,
        "getGroup_OK",
        &names::GetGroupOk3 {
            get_group_ok: "1".into(),
            get_group_ok2: "2".into(),
            get_group_ok3: "3".into(),
        },
    );
    round_trip(names::NS1, "getGroup-OK", &names::GetGroupOk { ok: true });
}

fn full_put() -> occurs::Put {
    occurs::Put {
        required: -7,
        optional: Some("optional".into()),
        nillable_required: None,
        nillable_optional: Some(None),
        many: vec!["a".into(), "b".into()],
        bounded: vec![true, false, true],
        many_nillable: vec![Some(1), None, Some(i64::MAX)],
        names: Some(occurs::ArrayOfString {
            string: vec![Some("x".into()), None, Some(String::new())],
        }),
        numbers: Some(occurs::ArrayOfInt { int: vec![1, 2, 3] }),
        item: Some(Some(occurs::Item { id: 9, label: None })),
        items: vec![
            occurs::Item {
                id: 1,
                label: Some("one".into()),
            },
            occurs::Item { id: 2, label: None },
        ],
        pair_key: Some("k".into()),
        pair_value: Some("v".into()),
        entry: vec![1.5, -0.25, f64::INFINITY],
        key: vec!["k1".into(), "k2".into()],
        value: vec!["v1".into(), "v2".into()],
        range: Some(occurs::Range {
            bound: 1,
            step: Some(2),
            bound2: 9,
        }),
        twice: Some(occurs::Twice { x: 1, y: 2 }),
    }
}

#[test]
fn occurrences() {
    round_trip(occurs::NS1, "Put", &full_put());
    let other = occurs::Put {
        nillable_required: Some("2024-01-02T03:04:05Z".into()),
        nillable_optional: Some(Some("-12.500".parse::<Decimal>().unwrap())),
        item: Some(None),
        numbers: Some(occurs::ArrayOfInt { int: vec![] }),
        names: Some(occurs::ArrayOfString { string: vec![] }),
        ..full_put()
    };
    round_trip(occurs::NS1, "Put", &other);
    let minimal = occurs::Put {
        required: 0,
        optional: None,
        nillable_required: None,
        nillable_optional: None,
        many: vec![],
        bounded: vec![false],
        many_nillable: vec![],
        names: None,
        numbers: None,
        item: None,
        items: vec![],
        pair_key: None,
        pair_value: None,
        entry: vec![],
        key: vec![],
        value: vec![],
        range: None,
        twice: None,
    };
    round_trip(occurs::NS1, "Put", &minimal);
    round_trip(
        occurs::NS1,
        "PutResponse",
        &occurs::PutResponse {
            put_result: Some(occurs::ArrayOfString {
                string: vec![None, Some("s".into())],
            }),
        },
    );
}

fn circle() -> structure::Circle {
    structure::Circle {
        unit: "cm".into(),
        filled: Some(true),
        layer: Some(2),
        lang: Some("en-GB".into()),
        points: Some(List(vec![1, -2, 3])),
        radius: 2.5,
    }
}

#[test]
fn choices_attributes_lists_and_any() {
    round_trip(
        structure::NS1,
        "Shapes",
        &shapes(structure::ShapesChoice::Circle(circle())),
    );
    round_trip(
        structure::NS1,
        "Shapes",
        &shapes(structure::ShapesChoice::Square(0.5)),
    );
    round_trip(
        structure::NS1,
        "Shapes",
        &shapes(structure::ShapesChoice::Label(vec![
            "one".into(),
            "two".into(),
            "three".into(),
        ])),
    );
    let bare = structure::Shapes {
        choice2: vec![],
        note: None,
        colors: List(vec![]),
        extra: None,
        any: vec![],
        ..shapes(structure::ShapesChoice::Square(1.0))
    };
    round_trip(structure::NS1, "Shapes", &bare);
}

fn node(name: &str) -> structure::Node {
    structure::Node {
        name: name.into(),
        parent: None,
        children: vec![],
        choice: structure::NodeChoice::Leaf(format!("leaf of {name}")),
    }
}

#[test]
fn recursion_extension_substitution_and_content_groups() {
    let tree = structure::Tree {
        root: structure::Node {
            name: "root".into(),
            parent: Some(Box::new(node("parent"))),
            children: vec![node("a"), node("b")],
            choice: structure::NodeChoice::Branch(structure::Branch {
                node: Box::new(structure::Node {
                    children: vec![node("deep")],
                    ..node("branch")
                }),
            }),
        },
        item: vec![structure::Derived {
            version: Some(3),
            kind: None,
            id: "d1".into(),
            created: Some("2024-05-06T07:08:09Z".into()),
            price: structure::Money {
                value: "19.99".parse().unwrap(),
                currency: "EUR".into(),
            },
            tagged: Some(structure::Tagged {
                value: structure::Color::Green,
                value2: Some("attr".into()),
            }),
        }],
        mix: structure::Mix {
            choice: vec![
                structure::MixChoice::AddressWork("w1".into()),
                structure::MixChoice::AddressHome("h".into()),
                structure::MixChoice::AddressWork("w2".into()),
                structure::MixChoice::AddressOther("o".into()),
            ],
        },
        maybe: structure::Maybe {
            first: Some("first".into()),
            second: None,
        },
        login: structure::Login {
            name: Some("attribute".into()),
            tracking_id: "t-1".into(),
            name2: "element".into(),
            created_by: "me".into(),
            modified_by: None,
            choice: structure::LoginChoice::Password("hunter2".into()),
        },
        shape: vec![
            structure::ShapeChoice::Square(structure::Square {
                color: structure::Color::Red,
                side: 1.0,
            }),
            structure::ShapeChoice::Square(structure::Square {
                color: structure::Color::Unknown("mauve".into()),
                side: 2.0,
            }),
        ],
        choice: structure::TreeChoice::All(true),
    };
    round_trip(structure::NS1, "Tree", &tree);
    let empty_maybe = structure::Tree {
        maybe: structure::Maybe {
            first: None,
            second: None,
        },
        mix: structure::Mix { choice: vec![] },
        shape: vec![],
        ..tree
    };
    round_trip(structure::NS1, "Tree", &empty_maybe);
}

fn order() -> schemas::Order {
    schemas::Order {
        id: "o-1".into(),
        source: "web".into(),
        number: "42".into(),
        priority: 1,
        customer: schemas::Customer {
            vip: Some(true),
            name: "Ada".into(),
            balance: schemas::Money {
                amount: "0.5".parse().unwrap(),
            },
        },
        lines: vec![schemas::Line {
            sku: "sku-1".into(),
            price: schemas::Money {
                amount: "3".parse().unwrap(),
            },
            unqualified: 7,
        }],
        address: Some(schemas::Address {
            street: "Main St 1".into(),
            country: "NL".into(),
        }),
        qualified: "q".into(),
    }
}

#[test]
fn several_schemas() {
    round_trip(schemas::NS2, "Order", &order());
    round_trip(
        schemas::NS2,
        "Receipt",
        &schemas::Receipt {
            total: schemas::Money {
                amount: "10".parse().unwrap(),
            },
            priority: Some(2),
        },
    );
    round_trip(
        schemas_common::NS1,
        "Location",
        &schemas_common::Address {
            street: "s".into(),
            country: "BE".into(),
        },
    );
}

#[test]
fn binding_messages() {
    round_trip(
        bindings::NS1,
        "Ping",
        &bindings::Ping {
            text: "hello".into(),
        },
    );
    round_trip(
        bindings::NS1,
        "Notify",
        &bindings::Notify {
            event: "started".into(),
        },
    );
}
