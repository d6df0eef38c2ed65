//! Reading what services send: unknown elements and enum values are tolerated, missing
//! required content is a typed error.

mod common;

use common::read;
use wsclient::xml::{RawXml, ReadError};
use wsclient_codegen_tests::{names, occurs, schemas, structure};

#[test]
fn unknown_elements_before_between_and_after_known_ones_are_skipped() {
    let xml = r#"<Put xmlns="urn:fixture:occurs" xmlns:o="urn:other">
        <o:first>before <deep><deeper/></deep></o:first>
        <required>5</required>
        <newField>between</newField>
        <optional>yes</optional>
        <many>m1</many>
        <o:many>same name, other namespace</o:many>
        <many>m2</many>
        <bounded>1</bounded>
        <names><string>a</string><unknown/><string xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></names>
        <nillableRequired>2024-01-01T00:00:00Z</nillableRequired>
        <numbers xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="1"/>
        <trailing a="1"><x/>text</trailing>
        <o:last/>
    </Put>"#;
    let put: occurs::Put = read(xml).unwrap();
    assert_eq!(put.required, 5);
    assert_eq!(put.optional.as_deref(), Some("yes"));
    assert_eq!(put.many, ["m1", "m2"]);
    assert_eq!(put.bounded, [true]);
    assert_eq!(
        put.names,
        Some(occurs::ArrayOfString {
            string: vec![Some("a".into()), None]
        })
    );
    // Out of schema order, still read.
    assert_eq!(
        put.nillable_required.as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(put.nillable_optional, None);
    assert_eq!(put.numbers, None);
}

#[test]
fn any_prefix_may_be_used() {
    let xml = r#"<p:Receipt xmlns:p="urn:fixture:schemas:a" xmlns:q="urn:fixture:schemas:b">
        <q:total><amount>12.30</amount></q:total><p:priority>3</p:priority></p:Receipt>"#;
    let receipt: schemas::Receipt = read(xml).unwrap();
    assert_eq!(receipt.total.amount.as_str(), "12.30");
    assert_eq!(receipt.priority, Some(3));
}

#[test]
fn unknown_enum_values_are_kept() {
    let xml = r#"<Shapes xmlns="urn:fixture:structure"><id>1</id><square>2</square>
        <colors> red
          blue	green </colors><size>XL</size></Shapes>"#;
    let shapes: structure::Shapes = read(xml).unwrap();
    assert_eq!(
        shapes.colors.0,
        [
            structure::Color::Red,
            structure::Color::Unknown("blue".into()),
            structure::Color::Green
        ]
    );
    assert_eq!(shapes.size, "XL");

    let xml = r#"<getGroupOK xmlns="urn:fixture:names">
        <keywords><type/><Type/><self/><Self/><crate/><match/><first.name/><Größe>1</Größe>
          <名前/><r/><start/><child/><i/></keywords>
        <status>getGroup_NEW</status><level>level_9</level>
        <string><text/></string><option/><result><ok/></result><error><message/></error>
        <self><me/></self><grosse><cm>2</cm></grosse></getGroupOK>"#;
    let value: names::GetGroupOk2 = read(xml).unwrap();
    assert_eq!(value.status, names::Status::Unknown("getGroup_NEW".into()));
    assert_eq!(value.status.as_str(), "getGroup_NEW");
    assert_eq!(value.level, names::Level::Unknown("level_9".into()));
    assert_eq!(value.keywords.gr_e, 1);
}

#[test]
fn missing_required_element_is_a_typed_error() {
    let xml = r#"<Put xmlns="urn:fixture:occurs"><optional>x</optional><nillableRequired/><numbers/></Put>"#;
    assert_eq!(
        read::<occurs::Put>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "Put".into(),
            element: "required",
        }
    );

    // A nillable required element must be there too, if only as xsi:nil.
    let xml = r#"<Put xmlns="urn:fixture:occurs"><required>1</required><numbers/></Put>"#;
    assert_eq!(
        read::<occurs::Put>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "Put".into(),
            element: "nillableRequired",
        }
    );

    // Deep inside, with a prefix: the parent is named as written.
    let xml = r#"<a:Receipt xmlns:a="urn:fixture:schemas:a" xmlns:b="urn:fixture:schemas:b">
        <b:total></b:total></a:Receipt>"#;
    assert_eq!(
        read::<schemas::Receipt>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "b:total".into(),
            element: "amount",
        }
    );

    // A required choice with none of its elements: named after its first alternative.
    let xml = r#"<Shapes xmlns="urn:fixture:structure"><id>1</id><colors/><size/></Shapes>"#;
    assert_eq!(
        read::<structure::Shapes>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "Shapes".into(),
            element: "circle",
        }
    );
}

#[test]
fn element_in_the_wrong_namespace_does_not_count() {
    // `number` is unqualified in schema a; a qualified one is another element.
    let xml = r#"<Order xmlns="urn:fixture:schemas:a" id="1" xmlns:c="urn:fixture:schemas:common" c:source="s">
        <number>1</number><priority>1</priority>
        <Customer xmlns="urn:fixture:schemas:b"><name>n</name><balance><amount xmlns="">1</amount></balance></Customer>
        <qualified>q</qualified></Order>"#;
    assert_eq!(
        read::<schemas::Order>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "Order".into(),
            element: "number",
        }
    );
}

#[test]
fn missing_required_attribute_is_a_typed_error() {
    let xml = r#"<Order xmlns="urn:fixture:schemas:a" id="1" source="unqualified">
        <number xmlns="">1</number><priority>1</priority>
        <Customer xmlns="urn:fixture:schemas:b"><name>n</name><balance><amount xmlns="">1</amount></balance></Customer>
        <qualified>q</qualified></Order>"#;
    assert_eq!(
        read::<schemas::Order>(xml).unwrap_err(),
        ReadError::MissingAttribute {
            parent: "Order".into(),
            attribute: "source",
        }
    );
}

#[test]
fn invalid_values_name_the_element() {
    let xml = r#"<Put xmlns="urn:fixture:occurs"><required>five</required></Put>"#;
    match read::<occurs::Put>(xml).unwrap_err() {
        ReadError::InvalidValue { element, source } => {
            assert_eq!(element, "required");
            assert_eq!(source.expected, "xs:int");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_group_used_twice_fills_both_fields() {
    let xml = r#"<range xmlns="urn:fixture:occurs"><bound>1</bound><step>2</step><bound>5</bound></range>"#;
    assert_eq!(
        read::<occurs::Range>(xml).unwrap(),
        occurs::Range {
            bound: 1,
            step: Some(2),
            bound2: 5
        }
    );
    let xml = r#"<range xmlns="urn:fixture:occurs"><bound>1</bound></range>"#;
    assert_eq!(
        read::<occurs::Range>(xml).unwrap_err(),
        ReadError::MissingElement {
            parent: "range".into(),
            element: "bound",
        }
    );
}

#[test]
fn repeated_alternative_and_repeated_choice_keep_their_elements() {
    let xml = r#"<Shapes xmlns="urn:fixture:structure"><id>1</id>
        <label>a</label><label>b</label><label>c</label>
        <tag>t1</tag><weight>2</weight><tag>t2</tag>
        <colors/><size/></Shapes>"#;
    let shapes: structure::Shapes = read(xml).unwrap();
    assert_eq!(
        shapes.choice,
        structure::ShapesChoice::Label(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(
        shapes.choice2,
        [
            structure::ShapesChoice2::Tag("t1".into()),
            structure::ShapesChoice2::Weight(Some(2)),
            structure::ShapesChoice2::Tag("t2".into()),
        ]
    );
}

#[test]
fn open_content_is_kept_as_raw_xml() {
    let xml = r#"<Shapes xmlns="urn:fixture:structure" xmlns:x="urn:x"><id>1</id><square>1</square>
        <x:before>1</x:before><colors/><size/>
        <extra><p:b xmlns:p="urn:p">bold</p:b> &amp; text</extra>
        <x:after a="&lt;"><x:inner/></x:after></Shapes>"#;
    let shapes: structure::Shapes = read(xml).unwrap();
    assert_eq!(
        shapes.extra,
        Some(RawXml(
            r#"<p:b xmlns:p="urn:p">bold</p:b> &amp; text"#.into()
        ))
    );
    assert_eq!(
        shapes.any,
        [
            RawXml("<x:before>1</x:before>".into()),
            RawXml(r#"<x:after a="&lt;"><x:inner/></x:after>"#.into()),
        ]
    );
}

#[test]
fn substitution_group_members_are_read_by_their_own_name() {
    let xml = r#"<Tree xmlns="urn:fixture:structure">
        <root><name>r</name><leaf>l</leaf></root>
        <mix><addressOther>o</addressOther><addressHome>h</addressHome></mix>
        <maybe/>
        <login trackingId="t"><name>n</name><createdBy>c</createdBy><certificate>MIIB</certificate></login>
        <square><color>red</color><side>1</side></square>
        <shape><color>green</color></shape>
        <square><color>purple</color><side>2</side></square>
        <from>1</from><to>2</to>
        </Tree>"#;
    let tree: structure::Tree = read(xml).unwrap();
    assert_eq!(
        tree.shape,
        [
            structure::ShapeChoice::Square(structure::Square {
                color: structure::Color::Red,
                side: 1.0
            }),
            structure::ShapeChoice::Square(structure::Square {
                color: structure::Color::Unknown("purple".into()),
                side: 2.0
            }),
        ]
    );
    assert_eq!(
        tree.mix.choice,
        [
            structure::MixChoice::AddressOther("o".into()),
            structure::MixChoice::AddressHome("h".into()),
        ]
    );
    assert_eq!(
        tree.maybe,
        structure::Maybe {
            first: None,
            second: None
        }
    );
    assert_eq!(
        tree.login.choice,
        structure::LoginChoice::Certificate("MIIB".into())
    );
    // The sequence inside the choice is flattened (the generator warns about it): the last of
    // its elements wins.
    assert_eq!(tree.choice, structure::TreeChoice::To(2));
}
