//! The JSON conversions the generator emits (`.json(true)`) round-trip every kind of choice
//! alternative, including the repeated and the nillable ones, and read the shapes they write.

mod common;

use common::shapes;
use wsclient::json::{FromJson, JsonOptions, ToJson, Value};
use wsclient::xml::List;
use wsclient_codegen_tests::structure;

/// Writes `value` as JSON and reads it back. An enumeration value the schema does not list is
/// refused when read from JSON (it is input to check), so the colours are known ones here.
fn round_trip(value: &structure::Shapes) -> Value {
    let value = &structure::Shapes {
        colors: List(vec![structure::Color::Red, structure::Color::Green]),
        ..value.clone()
    };
    let json = value.to_json(&JsonOptions::default());
    let back = structure::Shapes::from_json(&json, "$").unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(&back, value, "{json}");
    json
}

#[test]
fn repeated_and_nillable_choice_alternatives_round_trip() {
    let json = round_trip(&shapes(structure::ShapesChoice::Label(vec![
        "a".into(),
        "b".into(),
    ])));
    assert_eq!(json["label"], serde_json::json!(["a", "b"]));
    assert_eq!(
        json["choice2"],
        serde_json::json!([
            { "tag": "t1" },
            { "weight": null },
            { "tag": "t2" },
            { "weight": 5 }
        ])
    );
    round_trip(&shapes(structure::ShapesChoice::Square(2.5)));
    round_trip(&shapes(structure::ShapesChoice::Label(vec![])));
}

#[test]
fn a_single_value_stands_for_a_list_of_one_and_wrong_types_are_named() {
    let mut json = round_trip(&shapes(structure::ShapesChoice::Label(vec!["a".into()])));
    json["label"] = Value::from("only");
    let read = structure::Shapes::from_json(&json, "$").expect("reads");
    assert_eq!(
        read.choice,
        structure::ShapesChoice::Label(vec!["only".into()])
    );

    json["label"] = serde_json::json!(["ok", 3]);
    let err = structure::Shapes::from_json(&json, "$").expect_err("a number is not a string");
    assert!(err.to_string().contains("label[1]"), "{err}");

    json["label"] = serde_json::json!("x");
    json["choice2"] = serde_json::json!([{ "weight": "heavy" }]);
    let err = structure::Shapes::from_json(&json, "$").expect_err("not an int");
    assert!(err.to_string().contains("weight"), "{err}");
}
