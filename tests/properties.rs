//! Property tests of the XML layer with the generated types:
//!
//! - any value of every generated request type (Rescue, Archer, Commvault) is written as XML
//!   that an independent parser accepts and that reads back to the same value;
//! - a value holding a character XML 1.0 cannot carry is refused, naming the element;
//! - any bytes given to the response readers give `Ok` or a typed error, never a panic.
//!
//! Strings are drawn from the whole of XML 1.0's `Char` production, weighted towards markup
//! (`< > & " ' ]]>`), whitespace (`\t \n \r`) and non-ASCII text; only what XML 1.0 cannot
//! carry is left out.

use std::fmt::Debug;

use proptest::prelude::*;
use wsclient::archer::{access_control as ac, general, parse_xml_result, results};
use wsclient::commvault::api as cv;
use wsclient::logmein_rescue::api as rescue;
use wsclient::soap::{check_response, read_response, write_request, SoapVersion};
use wsclient::xml::{Field, FromXml, SimpleValue, ToXml, WriteError, XmlWriter};

// ---------------------------------------------------------------------------------------------
// Strategies

/// Whether XML 1.0 can carry `c` (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range(' ', '~'),
        3 => prop::sample::select(vec!['<', '>', '&', '"', '\'', ']', ';', '#', '\t', '\n', '\r', ' ']),
        2 => prop::sample::select(vec![
            'é', 'ü', 'ß', 'Ж', '日', '本', '€', '\u{A0}', '\u{85}', '\u{7F}', '\u{9F}',
            '\u{2028}', '\u{FEFF}', '\u{FFFD}', '\u{E000}', '\u{10FFFF}', '😀', '𝄞',
        ]),
        2 => any::<char>().prop_filter("a character XML 1.0 can carry", |c| is_xml_char(*c)),
    ]
}

/// Any string XML 1.0 can carry, with markup and whitespace at the edges often enough.
fn xml_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(xml_char(), 0..24).prop_map(String::from_iter),
        1 => prop::sample::select(vec![
            "", " ", "  leading", "trailing  ", "\r\n", "\r", "]]>", "<![CDATA[x]]>", "&amp;",
            "&#0;", "&e;", "<!--", "-->", "<?xml version=\"1.0\"?>", "</sName>", "a\"b'c",
        ])
        .prop_map(str::to_owned),
    ]
}

fn opt_string() -> impl Strategy<Value = Option<String>> {
    prop::option::of(xml_string())
}

/// A value of a generated enum: a known one, or any text (kept in `Unknown` unless it names a
/// known value).
fn enum_value<E>(values: &'static [E]) -> impl Strategy<Value = E>
where
    E: Clone + Debug + for<'a> From<&'a str> + 'static,
{
    prop_oneof![
        prop::sample::select(values),
        xml_string().prop_map(|s| E::from(s.as_str())),
    ]
}

// Rescue

fn node_permissions() -> impl Strategy<Value = rescue::ArrayOfNodePermissions> {
    prop::collection::vec(enum_value(rescue::NodePermissions::VALUES), 0..4)
        .prop_map(|node_permissions| rescue::ArrayOfNodePermissions { node_permissions })
}

fn node_permissions_v2() -> impl Strategy<Value = rescue::ArrayOfNodePermissionsV2> {
    prop::collection::vec(enum_value(rescue::NodePermissionsV2::VALUES), 0..4).prop_map(
        |node_permissions_v2| rescue::ArrayOfNodePermissionsV2 {
            node_permissions_v2,
        },
    )
}

fn rescue_login() -> impl Strategy<Value = rescue::Login> {
    (opt_string(), opt_string()).prop_map(|(s_email, s_password)| rescue::Login {
        s_email,
        s_password,
    })
}

fn rescue_request_auth_code() -> impl Strategy<Value = rescue::RequestAuthCode> {
    (opt_string(), opt_string()).prop_map(|(s_email, s_password)| rescue::RequestAuthCode {
        s_email,
        s_password,
    })
}

fn rescue_get_group() -> impl Strategy<Value = rescue::GetGroup> {
    (any::<i32>(), opt_string()).prop_map(|(i_node_id, s_auth_code)| rescue::GetGroup {
        i_node_id,
        s_auth_code,
    })
}

fn rescue_set_group() -> impl Strategy<Value = rescue::SetGroup> {
    (
        any::<i32>(),
        opt_string(),
        enum_value(rescue::NodeStatus::VALUES),
        opt_string(),
        prop::option::of(node_permissions()),
        prop::option::of(node_permissions()),
        any::<i32>(),
        any::<i32>(),
        opt_string(),
    )
        .prop_map(
            |(id, name, status, description, permissions, locked, standard, mobile, code)| {
                rescue::SetGroup {
                    i_node_id: id,
                    s_name: name,
                    e_node_status: status,
                    s_description: description,
                    a_permissions: permissions,
                    a_locked_permissions: locked,
                    i_standard_concurrent_limit: standard,
                    i_mobile_concurrent_limit: mobile,
                    s_auth_code: code,
                }
            },
        )
}

fn rescue_set_group_v2() -> impl Strategy<Value = rescue::SetGroupV2> {
    (
        any::<i32>(),
        opt_string(),
        enum_value(rescue::NodeStatus::VALUES),
        opt_string(),
        prop::option::of(node_permissions_v2()),
        prop::option::of(node_permissions_v2()),
        any::<i32>(),
        any::<i32>(),
        any::<i32>(),
        opt_string(),
    )
        .prop_map(
            |(id, name, status, description, permissions, locked, standard, mobile, rpat, code)| {
                rescue::SetGroupV2 {
                    i_node_id: id,
                    s_name: name,
                    e_node_status: status,
                    s_description: description,
                    a_permissions: permissions,
                    a_locked_permissions: locked,
                    i_standard_concurrent_limit: standard,
                    i_mobile_concurrent_limit: mobile,
                    i_rpat_concurrent_limit: rpat,
                    s_auth_code: code,
                }
            },
        )
}

fn rescue_cancel_action() -> impl Strategy<Value = rescue::CancelAction> {
    (any::<i32>(), opt_string()).prop_map(|(i_session, s_auth_code)| rescue::CancelAction {
        i_session,
        s_auth_code,
    })
}

fn rescue_transfer_session() -> impl Strategy<Value = rescue::TransferSession> {
    (
        any::<i32>(),
        any::<i32>(),
        enum_value(rescue::NodeRef::VALUES),
        opt_string(),
        opt_string(),
    )
        .prop_map(
            |(i_session_id, i_node_id, e_node_ref, s_comment, s_auth_code)| {
                rescue::TransferSession {
                    i_session_id,
                    i_node_id,
                    e_node_ref,
                    s_comment,
                    s_auth_code,
                }
            },
        )
}

fn rescue_start_session() -> impl Strategy<Value = rescue::StartSession> {
    (any::<i32>(), any::<i32>(), opt_string()).prop_map(|(i_session, i_node, s_auth_code)| {
        rescue::StartSession {
            i_session,
            i_node,
            s_auth_code,
        }
    })
}

fn rescue_close_session() -> impl Strategy<Value = rescue::CloseSession> {
    (any::<i32>(), opt_string()).prop_map(|(i_session, s_auth_code)| rescue::CloseSession {
        i_session,
        s_auth_code,
    })
}

fn rescue_get_session_v3() -> impl Strategy<Value = rescue::GetSessionV3> {
    (
        any::<i32>(),
        enum_value(rescue::NodeRef::VALUES),
        opt_string(),
    )
        .prop_map(
            |(i_node_id, e_node_ref, s_auth_code)| rescue::GetSessionV3 {
                i_node_id,
                e_node_ref,
                s_auth_code,
            },
        )
}

// Archer

fn archer_create_user_session() -> impl Strategy<Value = general::CreateUserSessionFromInstance> {
    (opt_string(), opt_string(), opt_string()).prop_map(|(user_name, instance_name, password)| {
        general::CreateUserSessionFromInstance {
            user_name,
            instance_name,
            password,
        }
    })
}

fn archer_create_domain_user_session(
) -> impl Strategy<Value = general::CreateDomainUserSessionFromInstance> {
    (opt_string(), opt_string(), opt_string(), opt_string()).prop_map(
        |(user_name, instance_name, password, users_domain)| {
            general::CreateDomainUserSessionFromInstance {
                user_name,
                instance_name,
                password,
                users_domain,
            }
        },
    )
}

fn archer_terminate_session() -> impl Strategy<Value = general::TerminateSession> {
    opt_string().prop_map(|session_token| general::TerminateSession { session_token })
}

fn ac_create_group() -> impl Strategy<Value = ac::CreateGroup> {
    (opt_string(), opt_string()).prop_map(|(session_token, group_name)| ac::CreateGroup {
        session_token,
        group_name,
    })
}

fn ac_update_group() -> impl Strategy<Value = ac::UpdateGroup> {
    (opt_string(), any::<i32>(), opt_string()).prop_map(|(session_token, group_id, group_name)| {
        ac::UpdateGroup {
            session_token,
            group_id,
            group_name,
        }
    })
}

fn ac_delete_group() -> impl Strategy<Value = ac::DeleteGroup> {
    (opt_string(), any::<i32>()).prop_map(|(session_token, group_id)| ac::DeleteGroup {
        session_token,
        group_id,
    })
}

fn ac_lookup_group() -> impl Strategy<Value = ac::LookupGroup> {
    (opt_string(), opt_string()).prop_map(|(session_token, keyword)| ac::LookupGroup {
        session_token,
        keyword,
    })
}

fn ac_get_group() -> impl Strategy<Value = ac::GetGroup> {
    (opt_string(), any::<i32>()).prop_map(|(session_token, group_id)| ac::GetGroup {
        session_token,
        group_id,
    })
}

fn ac_get_groups() -> impl Strategy<Value = ac::GetGroups> {
    opt_string().prop_map(|session_token| ac::GetGroups { session_token })
}

fn ac_get_group_information() -> impl Strategy<Value = ac::GetGroupInformation> {
    (opt_string(), any::<i32>()).prop_map(|(session_token, group_id)| ac::GetGroupInformation {
        session_token,
        group_id,
    })
}

fn ac_add_user_to_group() -> impl Strategy<Value = ac::AddUserToGroup> {
    (opt_string(), any::<i32>(), any::<i32>()).prop_map(|(session_token, user_id, group_id)| {
        ac::AddUserToGroup {
            session_token,
            user_id,
            group_id,
        }
    })
}

fn ac_remove_user_from_group() -> impl Strategy<Value = ac::RemoveUserFromGroup> {
    (opt_string(), any::<i32>(), any::<i32>()).prop_map(|(session_token, user_id, group_id)| {
        ac::RemoveUserFromGroup {
            session_token,
            user_id,
            group_id,
        }
    })
}

fn ac_lookup_everyone_group() -> impl Strategy<Value = ac::LookupEveryoneGroup> {
    opt_string().prop_map(|session_token| ac::LookupEveryoneGroup { session_token })
}

fn ac_lookup_user_id() -> impl Strategy<Value = ac::LookupUserId> {
    (opt_string(), opt_string()).prop_map(|(session_token, username)| ac::LookupUserId {
        session_token,
        username,
    })
}

fn ac_lookup_domain_user_id() -> impl Strategy<Value = ac::LookupDomainUserId> {
    (opt_string(), opt_string(), opt_string()).prop_map(
        |(session_token, username, users_domain)| ac::LookupDomainUserId {
            session_token,
            username,
            users_domain,
        },
    )
}

// Commvault

fn cv_operation_type() -> impl Strategy<Value = cv::OperationType> {
    enum_value(cv::OperationType::VALUES)
}

fn cv_entity() -> impl Strategy<Value = cv::Entity> {
    prop::collection::vec(opt_string(), 17).prop_map(|names| {
        let mut names = names.into_iter();
        let mut next = || names.next().flatten();
        cv::Entity {
            app_name: next(),
            backupset_name: next(),
            client_group_name: next(),
            client_name: next(),
            comm_cell_name: next(),
            container_name: next(),
            library_name: next(),
            location_name: next(),
            media_agent_name: next(),
            provider_domain_name: next(),
            schedule_policy_name: next(),
            shelf_name: next(),
            storage_policy_name: next(),
            subclient_name: next(),
            tracking_policy_name: next(),
            user_group_name: next(),
            user_name: next(),
        }
    })
}

fn cv_association() -> impl Strategy<Value = cv::SecurityAssociation> {
    let role = xml_string()
        .prop_map(|role_name| cv::AssociationPropertiesChoice::Role(cv::Role { role_name }));
    let permissions = prop::collection::vec(
        (opt_string(), opt_string()).prop_map(|(permission_name, category_name)| {
            cv::PermissionOrCategory {
                permission_name,
                category_name,
            }
        }),
        0..3,
    )
    .prop_map(|categories_permission_list| {
        cv::AssociationPropertiesChoice::CategoryPermission(cv::CategoryPermission {
            categories_permission_list,
        })
    });
    (
        prop::collection::vec(cv_entity(), 0..3),
        prop_oneof![role, permissions],
    )
        .prop_map(|(entity, choice)| cv::SecurityAssociation {
            entities: cv::Entities { entity },
            properties: cv::AssociationProperties { choice },
        })
}

fn cv_update_user_group() -> impl Strategy<Value = cv::AppUpdateUserGroupPropertiesRequest> {
    let entity = (prop::option::of(any::<i32>()), opt_string(), opt_string()).prop_map(
        |(user_group_id, user_group_name, new_name)| cv::UserGroupEntity {
            user_group_id,
            user_group_name,
            new_name,
        },
    );
    let associations = prop::option::of(
        (
            cv_operation_type(),
            prop::collection::vec(cv_association(), 0..3),
        )
            .prop_map(|(associations_operation_type, associations)| {
                cv::SecurityAssociations {
                    associations_operation_type,
                    associations,
                }
            }),
    );
    (
        prop::option::of(any::<i32>()),
        entity,
        associations,
        prop::option::of(cv_operation_type()),
        prop::option::of(any::<bool>()),
        opt_string(),
        prop::collection::vec(
            xml_string().prop_map(|user_name| cv::UserEntity { user_name }),
            0..4,
        ),
    )
        .prop_map(
            |(
                is_black_listed,
                user_group_entity,
                security_associations,
                users_operation_type,
                enabled,
                description,
                users,
            )| {
                cv::AppUpdateUserGroupPropertiesRequest {
                    groups: cv::UserGroupProperties {
                        is_black_listed,
                        user_group_entity,
                        security_associations,
                        users_operation_type,
                        enabled,
                        description,
                        users,
                    },
                }
            },
        )
}

fn cv_login() -> impl Strategy<Value = cv::Dm2ContentIndexingCheckCredentialReq> {
    (
        opt_string(),
        opt_string(),
        xml_string(),
        xml_string(),
        opt_string(),
        prop::option::of(any::<i32>()),
    )
        .prop_map(|(mode, domain, username, password, commserver, timeout)| {
            cv::Dm2ContentIndexingCheckCredentialReq {
                mode,
                domain,
                username,
                password,
                commserver,
                timeout,
            }
        })
}

// ---------------------------------------------------------------------------------------------
// Round trips

const RESCUE_NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";
const ARCHER_NS: &str = "http://archer-tech.com/webservices/";

/// Checks that an independent parser accepts the document and finds `name` in it.
fn well_formed(bytes: &[u8], name: &str) -> Result<(), TestCaseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| TestCaseError::fail(format!("not well-formed: {e}\n{text}")))?;
    prop_assert!(
        doc.descendants().any(|n| n.tag_name().name() == name),
        "no element {name} in {text}"
    );
    Ok(())
}

/// Writes `value` as the SOAP request `{ns}name` in both SOAP versions and reads it back.
fn soap_round_trip<T>(ns: &'static str, name: &'static str, value: &T) -> Result<(), TestCaseError>
where
    T: ToXml + FromXml + PartialEq + Debug,
{
    let field = Field::new(Some(ns), name);
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let bytes = write_request(version, field, value, &[])
            .map_err(|e| TestCaseError::fail(format!("not written: {e}")))?;
        well_formed(&bytes, name)?;
        let back: T = read_response(&bytes, field)
            .map_err(|e| TestCaseError::fail(format!("not read back: {e}")))?;
        prop_assert_eq!(&back, value);
    }
    Ok(())
}

/// Writes `value` as the XML document `name` (no namespace) and reads it back as the REST
/// runtime does.
fn document_round_trip<T>(name: &'static str, value: &T) -> Result<(), TestCaseError>
where
    T: ToXml + FromXml + PartialEq + Debug,
{
    let mut w = XmlWriter::new();
    w.declaration();
    w.element(None, name, value)
        .map_err(|e| TestCaseError::fail(format!("not written: {e}")))?;
    let bytes = w.into_bytes();
    well_formed(&bytes, name)?;
    let back: T = wsclient::rest::read_document(&bytes, Field::new(None, name))
        .map_err(|e| TestCaseError::fail(format!("not read back: {e}")))?;
    prop_assert_eq!(&back, value);
    Ok(())
}

/// One property per request type.
macro_rules! soap_round_trips {
    ($($test:ident: $strategy:expr => $ns:expr, $name:literal;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]
            $(
                #[test]
                fn $test(value in $strategy) {
                    soap_round_trip($ns, $name, &value)?;
                }
            )*
        }
    };
}

soap_round_trips! {
    rescue_login_round_trip: rescue_login() => RESCUE_NS, "login";
    rescue_request_auth_code_round_trip: rescue_request_auth_code() => RESCUE_NS, "requestAuthCode";
    rescue_get_group_round_trip: rescue_get_group() => RESCUE_NS, "getGroup";
    rescue_set_group_round_trip: rescue_set_group() => RESCUE_NS, "setGroup";
    rescue_set_group_v2_round_trip: rescue_set_group_v2() => RESCUE_NS, "setGroup_v2";
    rescue_cancel_action_round_trip: rescue_cancel_action() => RESCUE_NS, "cancelAction";
    rescue_transfer_session_round_trip: rescue_transfer_session() => RESCUE_NS, "transferSession";
    rescue_start_session_round_trip: rescue_start_session() => RESCUE_NS, "startSession";
    rescue_close_session_round_trip: rescue_close_session() => RESCUE_NS, "closeSession";
    rescue_get_session_v3_round_trip: rescue_get_session_v3() => RESCUE_NS, "getSession_V3";
    archer_create_user_session_round_trip: archer_create_user_session() => ARCHER_NS, "CreateUserSessionFromInstance";
    archer_create_domain_user_session_round_trip: archer_create_domain_user_session() => ARCHER_NS, "CreateDomainUserSessionFromInstance";
    archer_terminate_session_round_trip: archer_terminate_session() => ARCHER_NS, "TerminateSession";
    archer_create_group_round_trip: ac_create_group() => ARCHER_NS, "CreateGroup";
    archer_update_group_round_trip: ac_update_group() => ARCHER_NS, "UpdateGroup";
    archer_delete_group_round_trip: ac_delete_group() => ARCHER_NS, "DeleteGroup";
    archer_lookup_group_round_trip: ac_lookup_group() => ARCHER_NS, "LookupGroup";
    archer_get_group_round_trip: ac_get_group() => ARCHER_NS, "GetGroup";
    archer_get_groups_round_trip: ac_get_groups() => ARCHER_NS, "GetGroups";
    archer_get_group_information_round_trip: ac_get_group_information() => ARCHER_NS, "GetGroupInformation";
    archer_add_user_to_group_round_trip: ac_add_user_to_group() => ARCHER_NS, "AddUserToGroup";
    archer_remove_user_from_group_round_trip: ac_remove_user_from_group() => ARCHER_NS, "RemoveUserFromGroup";
    archer_lookup_everyone_group_round_trip: ac_lookup_everyone_group() => ARCHER_NS, "LookupEveryoneGroup";
    archer_lookup_user_id_round_trip: ac_lookup_user_id() => ARCHER_NS, "LookupUserId";
    archer_lookup_domain_user_id_round_trip: ac_lookup_domain_user_id() => ARCHER_NS, "LookupDomainUserId";
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn rescue_logout_round_trip(_ in Just(())) {
        soap_round_trip(RESCUE_NS, "logout", &rescue::Logout {})?;
    }

    #[test]
    fn commvault_update_user_group_round_trip(value in cv_update_user_group()) {
        document_round_trip("App_UpdateUserGroupPropertiesRequest", &value)?;
    }

    #[test]
    fn commvault_login_round_trip(value in cv_login()) {
        document_round_trip("DM2ContentIndexing_CheckCredentialReq", &value)?;
    }

    /// Every simple value the generated types use writes and reads back through text.
    #[test]
    fn simple_values_round_trip(s in xml_string(), i in any::<i64>(), b in any::<bool>()) {
        prop_assert_eq!(String::from_text(&s.to_text()).unwrap(), s);
        prop_assert_eq!(i64::from_text(&i.to_text()).unwrap(), i);
        prop_assert_eq!(bool::from_text(&b.to_text()).unwrap(), b);
    }
}

// ---------------------------------------------------------------------------------------------
// Characters XML 1.0 cannot carry

fn forbidden_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::char::range('\u{0}', '\u{8}'),
        prop::sample::select(vec!['\u{B}', '\u{C}', '\u{FFFE}', '\u{FFFF}']),
        prop::char::range('\u{E}', '\u{1F}'),
    ]
}

/// A string holding at least one character XML 1.0 cannot carry: `(string, first such
/// character, its position in characters)`.
fn tainted_string() -> impl Strategy<Value = (String, char, usize)> {
    (xml_string(), forbidden_char(), xml_string()).prop_map(|(before, bad, after)| {
        let position = before.chars().count();
        (format!("{before}{bad}{after}"), bad, position)
    })
}

fn assert_refused(
    result: Result<Vec<u8>, WriteError>,
    element: &str,
    character: char,
    position: usize,
) -> Result<(), TestCaseError> {
    match result {
        Err(WriteError::InvalidCharacter {
            element: e,
            character: c,
            position: p,
        }) => {
            prop_assert_eq!(e, element);
            prop_assert_eq!(c, character);
            prop_assert_eq!(p, position);
            Ok(())
        }
        other => Err(TestCaseError::fail(format!(
            "expected InvalidCharacter, got {other:?}"
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_character_xml_cannot_carry_is_refused_with_the_element_named(
        (text, bad, position) in tainted_string(),
        base in rescue_set_group_v2(),
    ) {
        let field = Field::new(Some(RESCUE_NS), "setGroup_v2");
        let request = rescue::SetGroupV2 { s_description: Some(text.clone()), s_name: None, ..base.clone() };
        assert_refused(
            write_request(SoapVersion::V11, field, &request, &[]),
            "setGroup_v2/sDescription",
            bad,
            position,
        )?;
        let request = rescue::SetGroupV2 {
            a_permissions: Some(rescue::ArrayOfNodePermissionsV2 {
                node_permissions_v2: vec![rescue::NodePermissionsV2::Unknown(text.clone())],
            }),
            s_name: None,
            s_description: None,
            ..base
        };
        assert_refused(
            write_request(SoapVersion::V12, field, &request, &[]),
            "setGroup_v2/aPermissions/NODE_PERMISSIONS_V2",
            bad,
            position,
        )?;

        // An attribute: `element/@attribute`.
        let login = cv::Dm2ContentIndexingCheckCredentialReq {
            mode: None,
            domain: None,
            username: "admin".into(),
            password: text,
            commserver: None,
            timeout: None,
        };
        let mut w = XmlWriter::new();
        let result = w
            .element(None, "DM2ContentIndexing_CheckCredentialReq", &login)
            .map(|()| w.into_bytes());
        assert_refused(result, "DM2ContentIndexing_CheckCredentialReq/@password", bad, position)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The response readers never panic

/// Real responses: the seed corpus of the fuzz target.
fn seeds() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/response_parser");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("the fuzz seed corpus")
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "the seed corpus is missing");
    seeds
}

/// Feeds `bytes` to every response reader; each must return, with a value or an error.
fn read_everything(bytes: &[u8]) {
    const RESCUE: Option<&str> = Some(RESCUE_NS);
    const ARCHER: Option<&str> = Some(ARCHER_NS);
    let _ =
        read_response::<rescue::GetGroupResponse>(bytes, Field::new(RESCUE, "getGroupResponse"));
    let _ = read_response::<rescue::GetSessionV3Response>(
        bytes,
        Field::new(RESCUE, "getSession_V3Response"),
    );
    let _ = read_response::<rescue::RequestAuthCodeResponse>(
        bytes,
        Field::new(RESCUE, "requestAuthCodeResponse"),
    );
    let _ =
        read_response::<ac::LookupGroupResponse>(bytes, Field::new(ARCHER, "LookupGroupResponse"));
    let _ = check_response(bytes);
    let _ = wsclient::rest::read_document::<cv::AppUpdateUserGroupPropertiesResponse>(
        bytes,
        Field::new(None, "App_UpdateUserGroupPropertiesResponse"),
    );
    let _ = wsclient::rest::read_document::<cv::Dm2ContentIndexingCheckCredentialResp>(
        bytes,
        Field::new(None, "DM2ContentIndexing_CheckCredentialResp"),
    );
    let text = String::from_utf8_lossy(bytes).into_owned();
    let _ = parse_xml_result::<results::GroupList>(text.clone());
    let _ = parse_xml_result::<results::GroupInformation>(text);
}

/// An edit of a document.
#[derive(Debug, Clone)]
enum Edit {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, Vec<u8>),
    Flip(prop::sample::Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        prop::sample::select(vec![
            &b"<"[..],
            b">",
            b"/>",
            b"</",
            b"&",
            b"&amp;",
            b"&e;",
            b"&#0;",
            b"&#x1F600;",
            b"\"",
            b"'",
            b"]]>",
            b"<![CDATA[",
            b"<!--",
            b"<?xml version=\"1.0\" encoding=\"latin1\"?>",
            b"<!DOCTYPE x [<!ENTITY e \"e\">]>",
            b"xmlns=\"\"",
            b"xmlns:soap=\"urn:x\"",
            b"\0",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xC3",
            b"\xF0\x9F",
            b"xsi:nil=\"true\"",
        ])
        .prop_map(<[u8]>::to_vec),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
        2 => (any::<prop::sample::Index>(), 1..16usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        4 => (any::<prop::sample::Index>(), token).prop_map(|(i, t)| Edit::Insert(i, t)),
        2 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
    ]
}

fn apply(mut doc: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = doc.len().max(1);
        match e {
            Edit::Truncate(i) => doc.truncate(i.index(len)),
            Edit::Delete(i, n) => {
                let at = i.index(len).min(doc.len());
                let end = (at + n).min(doc.len());
                doc.drain(at..end);
            }
            Edit::Insert(i, bytes) => {
                let at = i.index(len + 1).min(doc.len());
                doc.splice(at..at, bytes.iter().copied());
            }
            Edit::Flip(i, b) => {
                if !doc.is_empty() {
                    let at = i.index(doc.len());
                    doc[at] ^= b;
                }
            }
        }
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_readers_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&bytes);
    }

    #[test]
    fn the_readers_take_any_edit_of_a_real_response(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let seeds = seeds();
        let doc = apply(seeds[seed.index(seeds.len())].clone(), &edits);
        read_everything(&doc);
    }
}

#[test]
fn the_seed_corpus_is_what_it_claims_to_be() {
    // The seeds are real answers, each read as what it is: the mutations above start from
    // documents that the readers accept (or refuse for the reason the name gives).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/response_parser");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let soap = check_response(&bytes);
        let update = wsclient::rest::read_document::<cv::AppUpdateUserGroupPropertiesResponse>(
            &bytes,
            Field::new(None, "App_UpdateUserGroupPropertiesResponse"),
        );
        let login = wsclient::rest::read_document::<cv::Dm2ContentIndexingCheckCredentialResp>(
            &bytes,
            Field::new(None, "DM2ContentIndexing_CheckCredentialResp"),
        );
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let ok = match name.as_str() {
            n if n.contains("fault") => matches!(soap, Err(wsclient::Error::Fault(_))),
            n if n.starts_with("rescue_")
                || n == "archer_login.xml"
                || n.starts_with("archer_lookup") =>
            {
                soap.is_ok()
            }
            "archer_groups_document.xml" => parse_xml_result::<results::GroupList>(text).is_ok(),
            "archer_group_information_document.xml" => {
                parse_xml_result::<results::GroupInformation>(text).is_ok()
            }
            n if n.starts_with("commvault_update") => update.is_ok(),
            n if n.starts_with("commvault_login") => login.is_ok(),
            "commvault_generic_response.xml" => {
                matches!(update, Err(wsclient::Error::UnexpectedElement { .. }))
            }
            "doctype_billion_laughs.xml" => matches!(
                soap,
                Err(wsclient::Error::Xml(
                    wsclient::xml::ReadError::DoctypeForbidden
                ))
            ),
            "latin1_declared.xml" => matches!(
                soap,
                Err(wsclient::Error::Xml(
                    wsclient::xml::ReadError::UnsupportedEncoding { .. }
                ))
            ),
            "html_error_page.html" => soap.is_err() && update.is_err(),
            other => panic!("a seed this test does not know: {other}"),
        };
        assert!(ok, "{name}: {soap:?} {update:?} {login:?}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} seeds");
}
