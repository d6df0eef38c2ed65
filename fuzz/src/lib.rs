//! The fuzz target of the response readers, shared by the libFuzzer entry point
//! (`fuzz_targets/response_parser.rs`) and the stable replay driver (`src/replay.rs`).

use std::fmt::Debug;

use wsclient::archer::{access_control as ac, parse_xml_result, results};
use wsclient::commvault::api as cv;
use wsclient::logmein_rescue::api as rescue;
use wsclient::soap::{check_response, read_response, write_request, SoapVersion};
use wsclient::xml::{Field, FromXml, ToXml, XmlReader, XmlWriter};

const RESCUE: Option<&str> = Some("https://secure.logmeinrescue.com/API/API.asmx");
const ARCHER: Option<&str> = Some("http://archer-tech.com/webservices/");

/// Checks that raw markup kept from a document (a fault's detail) is a well-formed fragment:
/// it was cut from the document at the right places.
fn well_formed_fragment(markup: &str) {
    let wrapped = format!("<fragment>{markup}</fragment>");
    let mut r = XmlReader::new(wrapped.as_bytes());
    let checked = r
        .root()
        .and_then(|root| r.skip(&root))
        .and_then(|()| r.finish());
    if let Err(e) = checked {
        panic!("the fault detail is not a well-formed fragment ({e}): {markup:?}");
    }
}

/// Feeds `data` to every response reader: the SOAP reader with generated response types of
/// two vendors, the one-way check, the XML-over-HTTP reader with the Commvault types, and the
/// Archer XML-in-a-string reader.
///
/// Each must return (a value or an error) without panicking. A value that is read is also
/// written again and read back, and must come back equal, and a fault's detail must be a
/// well-formed fragment: the readers never return a value that does not mean what the
/// document said.
pub fn response_parser(data: &[u8]) {
    soap::<rescue::GetGroupResponse>(data, Field::new(RESCUE, "getGroupResponse"));
    soap::<rescue::GetSessionV3Response>(data, Field::new(RESCUE, "getSession_V3Response"));
    soap::<rescue::RequestAuthCodeResponse>(data, Field::new(RESCUE, "requestAuthCodeResponse"));
    soap::<ac::LookupGroupResponse>(data, Field::new(ARCHER, "LookupGroupResponse"));
    if let Err(wsclient::Error::Fault(fault)) = check_response(data) {
        if let Some(detail) = &fault.detail {
            well_formed_fragment(detail.as_str());
        }
    }

    document::<cv::AppUpdateUserGroupPropertiesResponse>(
        data,
        Field::new(None, "App_UpdateUserGroupPropertiesResponse"),
    );
    document::<cv::Dm2ContentIndexingCheckCredentialResp>(
        data,
        Field::new(None, "DM2ContentIndexing_CheckCredentialResp"),
    );

    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_xml_result::<results::GroupList>(text.to_owned());
        let _ = parse_xml_result::<results::GroupInformation>(text.to_owned());
    }
}

fn soap<T: FromXml + ToXml + PartialEq + Debug>(data: &[u8], field: Field) {
    let Ok(value) = read_response::<T>(data, field) else {
        return;
    };
    let written = write_request(SoapVersion::V11, field, &value, &[])
        .unwrap_or_else(|e| panic!("a value read could not be written: {e}\n{value:?}"));
    let again: T = read_response(&written, field)
        .unwrap_or_else(|e| panic!("a value written could not be read: {e}\n{value:?}"));
    assert_eq!(again, value, "the value changed on the way back");
}

fn document<T: FromXml + ToXml + PartialEq + Debug>(data: &[u8], field: Field) {
    let Ok(value) = wsclient::rest::read_document::<T>(data, field) else {
        return;
    };
    let mut w = XmlWriter::new();
    w.element(field.ns, field.name, &value)
        .unwrap_or_else(|e| panic!("a value read could not be written: {e}\n{value:?}"));
    let again: T = wsclient::rest::read_document(w.as_bytes(), field)
        .unwrap_or_else(|e| panic!("a value written could not be read: {e}\n{value:?}"));
    assert_eq!(again, value, "the value changed on the way back");
}
