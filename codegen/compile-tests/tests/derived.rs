//! Types derived from the declared ones: written with `xsi:type`, read by it; open choices;
//! `Default` where every field has one.

mod common;

use common::{read, round_trip, write};
use wsclient::xml::{Decimal, RawXml, ReadError};
use wsclient_codegen_tests::derived::{self, *};

const NS: Option<&str> = derived::NS1;
const XSI: &str = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

fn car(name: &str, doors: i32) -> Car {
    Car {
        id: None,
        name: name.into(),
        doors,
    }
}

#[test]
fn derived_values_carry_xsi_type() {
    let garage = Garage {
        vehicle: vec![
            VehicleOrDerived::Vehicle(Vehicle {
                id: Some(1),
                name: "cart".into(),
            }),
            VehicleOrDerived::Car(car("mini", 3)),
            VehicleOrDerived::SportsCar(SportsCar {
                id: None,
                name: "gt".into(),
                doors: 2,
                top_speed: "301.5".parse::<Decimal>().unwrap(),
            }),
            VehicleOrDerived::Bicycle(Bicycle {
                id: Some(4),
                name: "bmx".into(),
            }),
        ],
        pet: Some(AnimalOrDerived::Dog(Dog {
            legs: 4,
            breed: None,
        })),
        car: Some(CarOrDerived::Car(car("plain", 5))),
        ..Garage::default()
    };
    let xml = round_trip(NS, "Garage", &garage);
    let expected = format!(
        concat!(
            r#"<Garage xmlns="urn:fixture:derived">"#,
            // The base type itself: no xsi:type.
            r#"<vehicle id="1"><name>cart</name></vehicle>"#,
            r#"<vehicle {xsi} xmlns:n1="urn:fixture:derived" xsi:type="n1:Car"><name>mini</name><doors>3</doors></vehicle>"#,
            r#"<vehicle {xsi} xmlns:n2="urn:fixture:derived" xsi:type="n2:SportsCar"><name>gt</name><doors>2</doors><topSpeed>301.5</topSpeed></vehicle>"#,
            r#"<vehicle {xsi} xmlns:n3="urn:fixture:derived" xsi:type="n3:Bicycle" id="4"><name>bmx</name></vehicle>"#,
            // An abstract base: always the derived type's name.
            r#"<pet {xsi} xmlns:n4="urn:fixture:derived" xsi:type="n4:Dog"><legs>4</legs></pet>"#,
            r#"<car><name>plain</name><doors>5</doors></car>"#,
            r#"</Garage>"#
        ),
        xsi = XSI
    );
    assert_eq!(xml, expected);
}

#[test]
fn xsi_type_is_read_with_any_prefix() {
    let xml = concat!(
        r#"<g:Garage xmlns:g="urn:fixture:derived" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">"#,
        r#"<g:vehicle i:type="g:SportsCar"><g:name>gt</g:name><g:doors>2</g:doors><g:topSpeed>1.10</g:topSpeed></g:vehicle>"#,
        r#"<g:vehicle xmlns:other="urn:fixture:derived" i:type="other:Car"><g:name>c</g:name><g:doors>4</g:doors></g:vehicle>"#,
        r#"<g:pet i:type="g:Bird"><g:legs>2</g:legs><g:canFly>true</g:canFly></g:pet>"#,
        r#"</g:Garage>"#
    );
    let garage: Garage = read(xml).unwrap();
    match &garage.vehicle[..] {
        [VehicleOrDerived::SportsCar(s), VehicleOrDerived::Car(c)] => {
            // The decimal keeps its digits.
            assert_eq!(s.top_speed.as_str(), "1.10");
            assert_eq!((c.name.as_str(), c.doors), ("c", 4));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        garage.pet,
        Some(AnimalOrDerived::Bird(Bird {
            legs: 2,
            can_fly: true
        }))
    );
}

#[test]
fn unknown_or_missing_xsi_type_reads_the_base_type() {
    let xml = concat!(
        r#"<Garage xmlns="urn:fixture:derived" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="urn:other">"#,
        r#"<vehicle xsi:type="x:Truck" id="9"><name>big</name><axles>3</axles></vehicle>"#,
        r#"<vehicle><name>plain</name></vehicle>"#,
        r#"</Garage>"#
    );
    let garage: Garage = read(xml).unwrap();
    assert_eq!(
        garage.vehicle,
        [
            VehicleOrDerived::Vehicle(Vehicle {
                id: Some(9),
                name: "big".into()
            }),
            VehicleOrDerived::Vehicle(Vehicle {
                id: None,
                name: "plain".into()
            }),
        ]
    );
}

#[test]
fn abstract_base_without_xsi_type_is_an_error() {
    let xml = concat!(
        r#"<Garage xmlns="urn:fixture:derived">"#,
        r#"<pet><legs>4</legs></pet>"#,
        r#"</Garage>"#
    );
    let err = read::<Garage>(xml).unwrap_err();
    let ReadError::Invalid(message) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.contains("{urn:fixture:derived}pet")
            && message.contains("abstract type {urn:fixture:derived}Animal"),
        "{message}"
    );
}

#[test]
fn derived_type_holding_its_base() {
    let tree = ItemOrDerived::Folder(Folder {
        title: "root".into(),
        first: Some(Box::new(ItemOrDerived::Item(Item { title: "a".into() }))),
        children: vec![ItemOrDerived::Folder(Folder {
            title: "sub".into(),
            ..Folder::default()
        })],
    });
    let xml = round_trip(NS, "root", &tree);
    assert!(xml.starts_with(&format!(
        r#"<root xmlns="urn:fixture:derived" {XSI} xmlns:n1="urn:fixture:derived" xsi:type="n1:Folder"><title>root</title><first><title>a</title></first>"#
    )), "{xml}");
}

#[test]
fn nillable_field_of_a_base_type() {
    let garage = Garage {
        favourite: Some(None),
        ..Garage::default()
    };
    let xml = round_trip(NS, "Garage", &garage);
    assert_eq!(
        xml,
        format!(
            r#"<Garage xmlns="urn:fixture:derived"><favourite {XSI} xsi:nil="true"/></Garage>"#
        )
    );
    let garage = Garage {
        favourite: Some(Some(VehicleOrDerived::Car(car("c", 2)))),
        ..Garage::default()
    };
    round_trip(NS, "Garage", &garage);
}

#[test]
fn open_choice_keeps_other_elements_as_raw_xml() {
    let xml = concat!(
        r#"<Garage xmlns="urn:fixture:derived">"#,
        r#"<status>open</status>"#,
        r#"<x:extra xmlns:x="urn:other" a="1"><x:y/></x:extra>"#,
        r#"<hint>oil</hint>"#,
        r#"<warning>low</warning>"#,
        r#"</Garage>"#
    );
    let garage: Garage = read(xml).unwrap();
    assert_eq!(
        garage.choice,
        [
            GarageChoice::Status(Status::Open),
            GarageChoice::Other(RawXml(
                r#"<x:extra xmlns:x="urn:other" a="1"><x:y/></x:extra>"#.into()
            )),
            // The members of a substitution group inside the choice.
            GarageChoice::Hint("oil".into()),
            GarageChoice::Warning("low".into()),
        ]
    );
    // Written back in the same order, the raw element as it came.
    assert_eq!(write(NS, "Garage", &garage), xml);
}

#[test]
fn default_where_every_field_has_one() {
    // Settings (the element): required strings, numbers and a struct with a default, and an
    // optional enumeration and decimal.
    let settings = Settings2::default();
    assert_eq!(settings.label, "");
    assert_eq!(settings.count, 0);
    assert_eq!(settings.inner, ItemOrDerived::Item(Item::default()));
    assert!(settings.status.is_none() && settings.ratio.is_none() && settings.flag.is_none());
    assert_eq!(
        write(NS, "Settings", &settings),
        r#"<Settings xmlns="urn:fixture:derived"><label></label><count>0</count><inner><title></title></inner></Settings>"#
            .replace("<label></label>", "<label/>")
            .replace("<title></title>", "<title/>")
    );
}
