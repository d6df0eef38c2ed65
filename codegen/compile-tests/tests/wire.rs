//! The exact bytes the generated types write: namespaces, `xsi:nil`, escaping, order.

mod common;

use common::{round_trip, write};
use wsclient::xml::{List, RawXml};
use wsclient_codegen_tests::{names, occurs, schemas, structure};

const XSI: &str = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

#[test]
fn namespaces_across_schemas_and_forms() {
    let order = schemas::Order {
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
            sku: "s".into(),
            price: schemas::Money {
                amount: "3".parse().unwrap(),
            },
            unqualified: 7,
        }],
        address: Some(schemas::Address {
            street: "Main".into(),
            country: "NL".into(),
        }),
        qualified: "q".into(),
    };
    let expected = concat!(
        // `id` is unqualified; `source` is a global attribute of the common schema.
        r#"<Order xmlns="urn:fixture:schemas:a" id="o-1" xmlns:n1="urn:fixture:schemas:common" n1:source="web">"#,
        // Schema a is unqualified: its local elements have no namespace ...
        r#"<number xmlns="">42</number>"#,
        // ... but global elements used with ref= keep theirs.
        r#"<priority>1</priority>"#,
        // Schema b is qualified, for attributes too; `amount` is declared in schema a.
        r#"<Customer xmlns="urn:fixture:schemas:b" xmlns:n2="urn:fixture:schemas:b" n2:vip="true">"#,
        r#"<name>Ada</name><balance><amount xmlns="">0.5</amount></balance></Customer>"#,
        r#"<lines xmlns=""><sku xmlns="urn:fixture:schemas:b">s</sku>"#,
        r#"<price xmlns="urn:fixture:schemas:b"><amount xmlns="">3</amount></price>"#,
        // form="unqualified" in a qualified schema.
        r#"<unqualified>7</unqualified></lines>"#,
        // The imported .xsd is qualified.
        r#"<address xmlns=""><street xmlns="urn:fixture:schemas:common">Main</street>"#,
        r#"<country xmlns="urn:fixture:schemas:common">NL</country></address>"#,
        // form="qualified" in an unqualified schema.
        r#"<qualified>q</qualified>"#,
        r#"</Order>"#,
    );
    assert_eq!(round_trip(schemas::NS2, "Order", &order), expected);
}

#[test]
fn nil_and_absent() {
    let put = occurs::Put {
        required: 1,
        optional: None,
        nillable_required: None,
        nillable_optional: Some(None),
        many: vec![],
        bounded: vec![true],
        many_nillable: vec![Some(1), None],
        names: Some(occurs::ArrayOfString {
            string: vec![Some("a".into()), None],
        }),
        numbers: None,
        item: Some(None),
        items: vec![],
        pair_key: None,
        pair_value: None,
        entry: vec![],
        key: vec![],
        value: vec![],
        range: None,
        twice: None,
    };
    let expected = format!(
        concat!(
            r#"<Put xmlns="urn:fixture:occurs"><required>1</required>"#,
            r#"<nillableRequired {xsi} xsi:nil="true"/>"#,
            r#"<nillableOptional {xsi} xsi:nil="true"/>"#,
            r#"<bounded>true</bounded>"#,
            r#"<manyNillable>1</manyNillable><manyNillable {xsi} xsi:nil="true"/>"#,
            r#"<names><string>a</string><string {xsi} xsi:nil="true"/></names>"#,
            r#"<numbers {xsi} xsi:nil="true"/>"#,
            r#"<item {xsi} xsi:nil="true"/>"#,
            r#"</Put>"#
        ),
        xsi = XSI
    );
    assert_eq!(round_trip(occurs::NS1, "Put", &put), expected);

    // Optional and nillable: `None` leaves the element out, `Some(None)` sends xsi:nil.
    let absent = occurs::Put {
        nillable_optional: None,
        item: None,
        ..put
    };
    let xml = write(occurs::NS1, "Put", &absent);
    assert!(
        !xml.contains("nillableOptional") && !xml.contains("<item"),
        "{xml}"
    );
}

#[test]
fn escaping_attributes_lists_and_choice_order() {
    let shapes = structure::Shapes {
        id: 1,
        choice: structure::ShapesChoice::Circle(structure::Circle {
            unit: "a<&>\"b'\tc\nd".into(),
            filled: None,
            layer: Some(2),
            lang: Some("en".into()),
            points: Some(List(vec![1, 2])),
            radius: 1.0,
        }),
        choice2: vec![
            structure::ShapesChoice2::Weight(None),
            structure::ShapesChoice2::Tag("x<&>\"y".into()),
        ],
        note: None,
        colors: List(vec![structure::Color::Red, structure::Color::Green]),
        size: "s".into(),
        extra: None,
        any: vec![RawXml(r#"<o:x xmlns:o="urn:o"/>"#.into())],
    };
    let expected = format!(
        concat!(
            r#"<Shapes xmlns="urn:fixture:structure"><id>1</id>"#,
            // Unqualified attributes, then the qualified one and the global one.
            r#"<circle unit="a&lt;&amp;&gt;&quot;b'&#9;c&#10;d" xmlns:n1="urn:fixture:structure" "#,
            r#"n1:layer="2" n1:lang="en" points="1 2"><radius>1</radius></circle>"#,
            r#"<weight {xsi} xsi:nil="true"/><tag>x&lt;&amp;&gt;"y</tag>"#,
            r#"<colors>red green</colors><size>s</size><o:x xmlns:o="urn:o"/>"#,
            r#"</Shapes>"#
        ),
        xsi = XSI
    );
    assert_eq!(round_trip(structure::NS1, "Shapes", &shapes), expected);
}

#[test]
fn repeated_choice_and_substitution_group() {
    let mix = structure::Mix {
        choice: vec![
            structure::MixChoice::AddressWork("w1".into()),
            structure::MixChoice::AddressHome("h".into()),
            structure::MixChoice::AddressWork("w2".into()),
        ],
    };
    assert_eq!(
        round_trip(structure::NS1, "mix", &mix),
        concat!(
            r#"<mix xmlns="urn:fixture:structure"><addressWork>w1</addressWork>"#,
            r#"<addressHome>h</addressHome><addressWork>w2</addressWork></mix>"#
        )
    );

    // A repeated alternative of a single choice: its elements stay together.
    let label = structure::ShapesChoice::Label(vec!["a".into(), "b".into()]);
    let xml = write(
        structure::NS1,
        "Shapes",
        &structure::Shapes {
            id: 2,
            choice: label,
            choice2: vec![],
            note: None,
            colors: List(vec![]),
            size: String::new(),
            extra: None,
            any: vec![],
        },
    );
    assert_eq!(
        xml,
        concat!(
            r#"<Shapes xmlns="urn:fixture:structure"><id>2</id><label>a</label><label>b</label>"#,
            r#"<colors/><size/></Shapes>"#
        )
    );

    // The abstract head `shape` never appears: its member `square` is written.
    let square = structure::ShapeChoice::Square(structure::Square {
        color: structure::Color::Red,
        side: 2.0,
    });
    let mut w = wsclient::xml::XmlWriter::new();
    w.element(structure::NS1, "wrapper", &Wrapped(&square))
        .unwrap();
    assert_eq!(
        String::from_utf8(w.into_bytes()).unwrap(),
        r#"<wrapper xmlns="urn:fixture:structure"><square><color>red</color><side>2</side></square></wrapper>"#
    );
}

/// Writes a choice as the content of an element (choices have no element of their own).
struct Wrapped<'a, T>(&'a T);

impl<T: wsclient::xml::ToXml> wsclient::xml::ToXml for Wrapped<'_, T> {
    fn write_content(
        &self,
        w: &mut wsclient::xml::XmlWriter,
    ) -> Result<(), wsclient::xml::WriteError> {
        self.0.write_content(w)
    }
}

#[test]
fn enum_values_and_names_as_written() {
    let status: Vec<&str> = names::Status::VALUES.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        status,
        [
            "getGroup_OK",
            "getGroupOK",
            "getGroup-OK",
            "Unknown",
            "",
            "1stLevel",
            "Ärger",
            "Self",
            "type",
            "a \"quoted\" \\ value",
        ]
    );
    assert_eq!(names::Status::from("Unknown"), names::Status::Unknown2);
    assert_eq!(
        names::Status::from("unknown"),
        names::Status::Unknown("unknown".into())
    );
    assert_eq!(names::Status::Empty.to_string(), "");
    assert_eq!(
        names::Level::VALUES,
        [names::Level::Level1, names::Level::Level2]
    );

    let xml = write(
        names::NS1,
        "getGroup_OK",
        &names::GetGroupOk3 {
            get_group_ok: "1".into(),
            get_group_ok2: "2".into(),
            get_group_ok3: "3".into(),
        },
    );
    assert_eq!(
        xml,
        concat!(
            r#"<getGroup_OK xmlns="urn:fixture:names"><getGroup_OK>1</getGroup_OK>"#,
            r#"<getGroupOK>2</getGroupOK><getGroup-OK>3</getGroup-OK></getGroup_OK>"#
        )
    );
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let login = structure::Login {
        name: None,
        tracking_id: "t".into(),
        name2: "n".into(),
        created_by: "c".into(),
        modified_by: None,
        choice: structure::LoginChoice::Password("hunter2".into()),
    };
    let debug = format!("{login:?}");
    assert!(
        debug.contains("Password(\"<redacted>\")") && !debug.contains("hunter2"),
        "{debug}"
    );
    let certificate = structure::LoginChoice::Certificate("MIIB".into());
    assert_eq!(format!("{certificate:?}"), "Certificate(\"MIIB\")");
}
