//! Writing and reading messages: the generated types on the `wsclient` runtime against
//! hand-written `quick-xml` code for the same XML, in the same run.
//!
//! ```sh
//! cargo bench --bench xml
//! ```
//!
//! The messages:
//!
//! - `set_group_v2_request`: the Rescue `setGroup_v2` request envelope (written by a client);
//! - `set_group_v2_response`: its response envelope (read by a client);
//! - `get_session_v3_response_1000`: a Rescue `getSession_V3` response with 1,000 sessions;
//! - `archer_groups_1000`: an Archer `LookupGroup` result document with 1,000 groups;
//! - `commvault_user_group_1000`: a Commvault user-group update with 1,000 users (attributes,
//!   nested elements).
//!
//! Each is written (`write`) and read (`read`) both ways: `generated` is the generated code
//! (`wsclient::soap::{write_request, read_response}` for envelopes, `XmlWriter` / `XmlReader`
//! for plain documents), `hand_written` is what a competent person would write with
//! `quick_xml::Writer` and `quick_xml::Reader` over borrowed events. Before measuring, the bench
//! asserts that both writers produce the same bytes and that both readers give the same value.
//!
//! The hand-written readers match local names only, as such code usually does; the generated
//! code also resolves namespaces (an element of the right name in another namespace is not
//! taken for the expected one). For the `getSession_V3` response, `hand_written_ns` is the same
//! hand-written reader on quick-xml's `NsReader`, checking each element's namespace: it shows
//! what that check costs by itself.
//!
//! Before criterion's measurements, each message is also written and read both ways in
//! alternating rounds (`benches/support/alternate.rs`), which print the median ratio: the figure
//! to read on a machine shared with other work.
//!
//! The envelopes are also written to `target/bench-messages/` so that the zeep comparison
//! (`benches/zeep/run.sh`) reads exactly the same bytes.

use std::borrow::Cow;
use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::{Namespace, QName, ResolveResult};
use quick_xml::{NsReader, Reader, Writer};

use wsclient::archer::results::{Group, GroupList};
use wsclient::commvault::api::{
    AppUpdateUserGroupPropertiesRequest, OperationType, UserEntity, UserGroupEntity,
    UserGroupProperties,
};
use wsclient::logmein_rescue::api::{
    self, ArrayOfNodePermissionsV2, ArrayOfSessionV3, GetSessionRet, GetSessionV3Response,
    NodePermissionsV2, NodeStatus, SessionStatus, SessionV3, SetGroupRetV2, SetGroupV2,
    SetGroupV2Response,
};
use wsclient::soap::{read_response, write_request, SoapVersion};
use wsclient::xml::{Field, FromXml, XmlReader, XmlWriter};

#[path = "support/alternate.rs"]
mod alternate;
#[path = "support/hand.rs"]
mod shared_hand;
use alternate::alternate;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";
const SET_GROUP_V2: Field = Field::new(api::NS1, "setGroup_v2");
const SET_GROUP_V2_RESPONSE: Field = Field::new(api::NS1, "setGroup_v2Response");
const GET_SESSION_V3_RESPONSE: Field = Field::new(api::NS1, "getSession_V3Response");

// ---------------------------------------------------------------------------------------------
// The data

fn set_group_v2() -> SetGroupV2 {
    use NodePermissionsV2 as P;
    SetGroupV2 {
        i_node_id: 337366,
        s_name: Some("Tier 2 & Escalations".into()),
        e_node_status: NodeStatus::Enabled,
        s_description: Some("Second-line technicians, EMEA <on call>".into()),
        a_permissions: Some(ArrayOfNodePermissionsV2 {
            node_permissions_v2: vec![
                P::RemoteControl,
                P::RemoteView,
                P::SendFile,
                P::SendUrl,
                P::ViewSystemInformation,
                P::RebootClientComputer,
                P::ReceiveFile,
                P::SessionRecording,
                P::FileManagement,
                P::ScriptRunning,
                P::UnattendedAccess,
                P::ConnectOnLan,
            ],
        }),
        a_locked_permissions: Some(ArrayOfNodePermissionsV2 {
            node_permissions_v2: vec![P::SessionRecording, P::PrivateSessions],
        }),
        i_standard_concurrent_limit: 25,
        i_mobile_concurrent_limit: 5,
        i_rpat_concurrent_limit: 3,
        s_auth_code: Some("9f8e7d6c5b4a39281706f5e4d3c2b1a0".into()),
    }
}

fn set_group_v2_response() -> SetGroupV2Response {
    SetGroupV2Response {
        set_group_v2_result: SetGroupRetV2::Ok,
    }
}

const STATUSES: [SessionStatus; 4] = [
    SessionStatus::Waiting,
    SessionStatus::Pickedup,
    SessionStatus::Closedbycustomer,
    SessionStatus::Onhold,
];

/// One session row as a Rescue console would list it; `i` varies the values.
fn session(i: usize) -> SessionV3 {
    let n = i as i32;
    SessionV3 {
        i_id: 81_000_000 + n,
        b_status: STATUSES[i % STATUSES.len()].clone(),
        s_status: Some(STATUSES[i % STATUSES.len()].as_str().to_owned()),
        i_entry: 1_234_567,
        s_entry: Some("Channel 3 - Password protected".into()),
        i_technician: 4_000 + n % 50,
        s_technician: Some(format!("Technician {:02}", i % 50)),
        s_start_time: Some(format!(
            "2024-03-{:02}T{:02}:{:02}:{:02}",
            1 + i % 28,
            i % 24,
            i % 60,
            (i * 7) % 60
        )),
        i_waiting_time_in_sec: (n * 13) % 900,
        s_custom_field0: Some(format!("Customer {i}")),
        s_custom_field1: Some(format!("customer{i}@example.com")),
        s_custom_field2: Some("Printer & scanner not found".into()),
        s_custom_field3: Some(format!("+1 555 {:04}", i % 10_000)),
        s_custom_field4: None,
        s_custom_field5: None,
        s_language: Some("en".into()),
        s_transferred_to: (i % 5 == 0).then(|| "Tier 2".to_owned()),
        s_transferred_comment: (i % 5 == 0).then(|| "Needs a <remote> reinstall".to_owned()),
        b_is_lead: i % 3 == 0,
        b_handing_off: false,
    }
}

fn get_session_v3_response(rows: usize) -> GetSessionV3Response {
    GetSessionV3Response {
        get_session_v3_result: GetSessionRet::Ok,
        a_sessions: Some(ArrayOfSessionV3 {
            session_v3: (0..rows).map(session).collect(),
        }),
    }
}

fn archer_groups(rows: usize) -> GroupList {
    GroupList {
        group: (0..rows)
            .map(|i| Group {
                id: 100 + i as i32,
                name: Some(format!("Risk Managers {i}")),
                description: (i % 2 == 0)
                    .then(|| format!("Reviews risk register entries, region {}", i % 7)),
            })
            .collect(),
    }
}

fn commvault_user_group(rows: usize) -> AppUpdateUserGroupPropertiesRequest {
    let mut groups = UserGroupProperties::new(UserGroupEntity::by_name("DEV_0012"));
    groups.is_black_listed = Some(UserGroupProperties::BLOCK_LAPTOP_ACTIVATION);
    groups.users_operation_type = Some(OperationType::Add);
    groups.enabled = Some(true);
    groups.description = Some("Developers & testers".into());
    groups.users = (0..rows)
        .map(|i| UserEntity::named(format!("dev.user{i:04}")))
        .collect();
    AppUpdateUserGroupPropertiesRequest { groups }
}

// ---------------------------------------------------------------------------------------------
// The generated code

fn gen_write_envelope<T: wsclient::xml::ToXml>(field: Field, value: &T) -> Vec<u8> {
    write_request(SoapVersion::V11, field, value, &[]).expect("writes")
}

fn gen_write_document<T: wsclient::xml::ToXml>(name: &'static str, value: &T) -> Vec<u8> {
    let mut w = XmlWriter::new();
    w.element(None, name, value).expect("writes");
    w.into_bytes()
}

fn gen_read_document<T: FromXml>(bytes: &[u8]) -> T {
    let mut r = XmlReader::new(bytes);
    let root = r.root().expect("root");
    let value = T::from_xml(&mut r, &root).expect("reads");
    r.finish().expect("ends");
    value
}

// ---------------------------------------------------------------------------------------------
// The same by hand, with quick-xml

mod hand {
    use super::*;

    pub type W = Writer<Vec<u8>>;

    pub fn text_element(w: &mut W, name: &str, text: &str) -> Result<()> {
        w.create_element(name)
            .write_text_content(BytesText::new(text))?;
        Ok(())
    }

    pub fn optional(w: &mut W, name: &str, text: &Option<String>) -> Result<()> {
        if let Some(text) = text {
            text_element(w, name, text)?;
        }
        Ok(())
    }

    pub fn bool_text(b: bool) -> &'static str {
        if b {
            "true"
        } else {
            "false"
        }
    }

    pub fn start(w: &mut W, name: &str) -> Result<()> {
        w.write_event(Event::Start(BytesStart::new(name)))?;
        Ok(())
    }

    pub fn end(w: &mut W, name: &str) -> Result<()> {
        w.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    /// `<?xml ...?><soap:Envelope ...><soap:Body><{name} xmlns="NS">`
    pub fn open_envelope(w: &mut W, name: &str) -> Result<()> {
        super::shared_hand::open_envelope(w, name, NS)
    }

    pub fn close_envelope(w: &mut W, name: &str) -> Result<()> {
        end(w, name)?;
        end(w, "soap:Body")?;
        end(w, "soap:Envelope")
    }

    fn permissions(w: &mut W, name: &str, list: &Option<ArrayOfNodePermissionsV2>) -> Result<()> {
        if let Some(list) = list {
            start(w, name)?;
            for p in &list.node_permissions_v2 {
                text_element(w, "NODE_PERMISSIONS_V2", p.as_str())?;
            }
            end(w, name)?;
        }
        Ok(())
    }

    pub fn write_set_group_v2(req: &SetGroupV2) -> Result<Vec<u8>> {
        let mut w = Writer::new(Vec::with_capacity(1024));
        open_envelope(&mut w, "setGroup_v2")?;
        text_element(&mut w, "iNodeID", &req.i_node_id.to_string())?;
        optional(&mut w, "sName", &req.s_name)?;
        text_element(&mut w, "eNodeStatus", req.e_node_status.as_str())?;
        optional(&mut w, "sDescription", &req.s_description)?;
        permissions(&mut w, "aPermissions", &req.a_permissions)?;
        permissions(&mut w, "aLockedPermissions", &req.a_locked_permissions)?;
        let limits = [
            ("iStandardConcurrentLimit", req.i_standard_concurrent_limit),
            ("iMobileConcurrentLimit", req.i_mobile_concurrent_limit),
            ("iRPATConcurrentLimit", req.i_rpat_concurrent_limit),
        ];
        for (name, value) in limits {
            text_element(&mut w, name, &value.to_string())?;
        }
        optional(&mut w, "sAuthCode", &req.s_auth_code)?;
        close_envelope(&mut w, "setGroup_v2")?;
        Ok(w.into_inner())
    }

    pub fn write_set_group_v2_response(resp: &SetGroupV2Response) -> Result<Vec<u8>> {
        let mut w = Writer::new(Vec::with_capacity(1024));
        open_envelope(&mut w, "setGroup_v2Response")?;
        text_element(
            &mut w,
            "setGroup_v2Result",
            resp.set_group_v2_result.as_str(),
        )?;
        close_envelope(&mut w, "setGroup_v2Response")?;
        Ok(w.into_inner())
    }

    pub fn write_session(w: &mut W, s: &SessionV3) -> Result<()> {
        start(w, "SESSION_V3")?;
        text_element(w, "iID", &s.i_id.to_string())?;
        text_element(w, "bStatus", s.b_status.as_str())?;
        optional(w, "sStatus", &s.s_status)?;
        text_element(w, "iEntry", &s.i_entry.to_string())?;
        optional(w, "sEntry", &s.s_entry)?;
        text_element(w, "iTechnician", &s.i_technician.to_string())?;
        optional(w, "sTechnician", &s.s_technician)?;
        optional(w, "sStartTime", &s.s_start_time)?;
        text_element(w, "iWaitingTimeInSec", &s.i_waiting_time_in_sec.to_string())?;
        optional(w, "sCustomField0", &s.s_custom_field0)?;
        optional(w, "sCustomField1", &s.s_custom_field1)?;
        optional(w, "sCustomField2", &s.s_custom_field2)?;
        optional(w, "sCustomField3", &s.s_custom_field3)?;
        optional(w, "sCustomField4", &s.s_custom_field4)?;
        optional(w, "sCustomField5", &s.s_custom_field5)?;
        optional(w, "sLanguage", &s.s_language)?;
        optional(w, "sTransferredTo", &s.s_transferred_to)?;
        optional(w, "sTransferredComment", &s.s_transferred_comment)?;
        text_element(w, "bIsLead", bool_text(s.b_is_lead))?;
        text_element(w, "bHandingOff", bool_text(s.b_handing_off))?;
        end(w, "SESSION_V3")
    }

    pub fn write_get_session_v3_response(resp: &GetSessionV3Response) -> Result<Vec<u8>> {
        let mut w = Writer::new(Vec::with_capacity(1024));
        open_envelope(&mut w, "getSession_V3Response")?;
        text_element(
            &mut w,
            "getSession_V3Result",
            resp.get_session_v3_result.as_str(),
        )?;
        if let Some(sessions) = &resp.a_sessions {
            start(&mut w, "aSessions")?;
            for s in &sessions.session_v3 {
                write_session(&mut w, s)?;
            }
            end(&mut w, "aSessions")?;
        }
        close_envelope(&mut w, "getSession_V3Response")?;
        Ok(w.into_inner())
    }

    pub fn write_archer_groups(list: &GroupList) -> Result<Vec<u8>> {
        let mut w = Writer::new(Vec::new());
        start(&mut w, "Groups")?;
        for g in &list.group {
            start(&mut w, "Group")?;
            text_element(&mut w, "Id", &g.id.to_string())?;
            optional(&mut w, "Name", &g.name)?;
            optional(&mut w, "Description", &g.description)?;
            end(&mut w, "Group")?;
        }
        end(&mut w, "Groups")?;
        Ok(w.into_inner())
    }

    pub fn write_commvault_user_group(
        req: &AppUpdateUserGroupPropertiesRequest,
    ) -> Result<Vec<u8>> {
        let g = &req.groups;
        let mut w = Writer::new(Vec::new());
        start(&mut w, "App_UpdateUserGroupPropertiesRequest")?;
        let mut groups = BytesStart::new("groups");
        let black_listed = g.is_black_listed.map(|v| v.to_string());
        if let Some(v) = &black_listed {
            groups.push_attribute(("isBlackListed", v.as_str()));
        }
        w.write_event(Event::Start(groups))?;
        let entity = &g.user_group_entity;
        let mut tag = BytesStart::new("userGroupEntity");
        let id = entity.user_group_id.map(|v| v.to_string());
        if let Some(id) = &id {
            tag.push_attribute(("userGroupId", id.as_str()));
        }
        w.write_event(Event::Start(tag))?;
        optional(&mut w, "userGroupName", &entity.user_group_name)?;
        optional(&mut w, "newName", &entity.new_name)?;
        end(&mut w, "userGroupEntity")?;
        if let Some(op) = &g.users_operation_type {
            text_element(&mut w, "usersOperationType", op.as_str())?;
        }
        if let Some(enabled) = g.enabled {
            text_element(&mut w, "enabled", bool_text(enabled))?;
        }
        optional(&mut w, "description", &g.description)?;
        for u in &g.users {
            start(&mut w, "users")?;
            text_element(&mut w, "userName", &u.user_name)?;
            end(&mut w, "users")?;
        }
        end(&mut w, "groups")?;
        end(&mut w, "App_UpdateUserGroupPropertiesRequest")?;
        Ok(w.into_inner())
    }

    // -- reading

    pub type R<'a> = Reader<&'a [u8]>;

    /// What the readers below need of quick-xml's `Reader` or, to check namespaces too,
    /// `NsReader` (the `hand_written_ns` variant).
    pub trait Events<'a> {
        fn read_event(&mut self) -> quick_xml::Result<Event<'a>>;
        /// Whether the element is in the Rescue namespace (always true for a `Reader`, which
        /// matches local names only).
        fn in_ns(&self, tag: &BytesStart<'_>) -> bool;
        fn skip_to_end(&mut self, name: QName<'_>) -> quick_xml::Result<()>;
    }

    impl<'a> Events<'a> for Reader<&'a [u8]> {
        fn read_event(&mut self) -> quick_xml::Result<Event<'a>> {
            Reader::read_event(self)
        }
        fn in_ns(&self, _tag: &BytesStart<'_>) -> bool {
            true
        }
        fn skip_to_end(&mut self, name: QName<'_>) -> quick_xml::Result<()> {
            self.read_to_end(name).map(drop)
        }
    }

    impl<'a> Events<'a> for NsReader<&'a [u8]> {
        fn read_event(&mut self) -> quick_xml::Result<Event<'a>> {
            NsReader::read_event(self)
        }
        fn in_ns(&self, tag: &BytesStart<'_>) -> bool {
            matches!(self.resolve_element(tag.name()).0, ResolveResult::Bound(Namespace(ns)) if ns == NS.as_bytes())
        }
        fn skip_to_end(&mut self, name: QName<'_>) -> quick_xml::Result<()> {
            self.read_to_end(name).map(drop)
        }
    }

    /// The text of the element whose start tag was just read, consuming its end tag.
    pub fn text<'a>(r: &mut impl Events<'a>) -> Result<Cow<'a, str>> {
        super::shared_hand::text(|| r.read_event())
    }

    pub fn string<'a>(r: &mut impl Events<'a>) -> Result<String> {
        Ok(text(r)?.into_owned())
    }

    pub fn int<'a>(r: &mut impl Events<'a>) -> Result<i32> {
        Ok(text(r)?.trim().parse()?)
    }

    pub fn boolean<'a>(r: &mut impl Events<'a>) -> Result<bool> {
        match text(r)?.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("{other:?} is not a boolean").into()),
        }
    }

    /// Skips to the start tag named `name` (after the envelope's `Body`), failing on a fault.
    pub fn find<'a>(r: &mut impl Events<'a>, name: &[u8]) -> Result<()> {
        loop {
            match r.read_event()? {
                Event::Start(e) if e.local_name().as_ref() == name => return Ok(()),
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Fault" => {
                    return Err("SOAP fault".into())
                }
                Event::Eof => return Err("element not found".into()),
                _ => {}
            }
        }
    }

    pub fn read_set_group_v2(xml: &[u8]) -> Result<SetGroupV2> {
        let mut r = Reader::from_reader(xml);
        find(&mut r, b"setGroup_v2")?;
        let mut req = SetGroupV2 {
            i_node_id: 0,
            s_name: None,
            e_node_status: NodeStatus::Enabled,
            s_description: None,
            a_permissions: None,
            a_locked_permissions: None,
            i_standard_concurrent_limit: 0,
            i_mobile_concurrent_limit: 0,
            i_rpat_concurrent_limit: 0,
            s_auth_code: None,
        };
        loop {
            match r.read_event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"iNodeID" => req.i_node_id = int(&mut r)?,
                    b"sName" => req.s_name = Some(string(&mut r)?),
                    b"eNodeStatus" => req.e_node_status = NodeStatus::from(&*text(&mut r)?),
                    b"sDescription" => req.s_description = Some(string(&mut r)?),
                    b"aPermissions" => req.a_permissions = Some(read_permissions(&mut r)?),
                    b"aLockedPermissions" => {
                        req.a_locked_permissions = Some(read_permissions(&mut r)?)
                    }
                    b"iStandardConcurrentLimit" => req.i_standard_concurrent_limit = int(&mut r)?,
                    b"iMobileConcurrentLimit" => req.i_mobile_concurrent_limit = int(&mut r)?,
                    b"iRPATConcurrentLimit" => req.i_rpat_concurrent_limit = int(&mut r)?,
                    b"sAuthCode" => req.s_auth_code = Some(string(&mut r)?),
                    _ => {
                        r.read_to_end(e.name())?;
                    }
                },
                Event::End(_) => return Ok(req),
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    fn read_permissions(r: &mut R<'_>) -> Result<ArrayOfNodePermissionsV2> {
        let mut list = Vec::new();
        loop {
            match r.read_event()? {
                Event::Start(e) if e.local_name().as_ref() == b"NODE_PERMISSIONS_V2" => {
                    list.push(NodePermissionsV2::from(&*text(r)?))
                }
                Event::Start(e) => {
                    r.read_to_end(e.name())?;
                }
                Event::End(_) => {
                    return Ok(ArrayOfNodePermissionsV2 {
                        node_permissions_v2: list,
                    })
                }
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    pub fn read_set_group_v2_response(xml: &[u8]) -> Result<SetGroupV2Response> {
        let mut r = Reader::from_reader(xml);
        find(&mut r, b"setGroup_v2Result")?;
        Ok(SetGroupV2Response {
            set_group_v2_result: SetGroupRetV2::from(&*text(&mut r)?),
        })
    }

    pub fn read_session<'a>(r: &mut impl Events<'a>) -> Result<SessionV3> {
        let mut s = SessionV3 {
            i_id: 0,
            b_status: SessionStatus::Unknown(String::new()),
            s_status: None,
            i_entry: 0,
            s_entry: None,
            i_technician: 0,
            s_technician: None,
            s_start_time: None,
            i_waiting_time_in_sec: 0,
            s_custom_field0: None,
            s_custom_field1: None,
            s_custom_field2: None,
            s_custom_field3: None,
            s_custom_field4: None,
            s_custom_field5: None,
            s_language: None,
            s_transferred_to: None,
            s_transferred_comment: None,
            b_is_lead: false,
            b_handing_off: false,
        };
        loop {
            match r.read_event()? {
                Event::Start(e) if r.in_ns(&e) => match e.local_name().as_ref() {
                    b"iID" => s.i_id = int(r)?,
                    b"bStatus" => s.b_status = SessionStatus::from(&*text(r)?),
                    b"sStatus" => s.s_status = Some(string(r)?),
                    b"iEntry" => s.i_entry = int(r)?,
                    b"sEntry" => s.s_entry = Some(string(r)?),
                    b"iTechnician" => s.i_technician = int(r)?,
                    b"sTechnician" => s.s_technician = Some(string(r)?),
                    b"sStartTime" => s.s_start_time = Some(string(r)?),
                    b"iWaitingTimeInSec" => s.i_waiting_time_in_sec = int(r)?,
                    b"sCustomField0" => s.s_custom_field0 = Some(string(r)?),
                    b"sCustomField1" => s.s_custom_field1 = Some(string(r)?),
                    b"sCustomField2" => s.s_custom_field2 = Some(string(r)?),
                    b"sCustomField3" => s.s_custom_field3 = Some(string(r)?),
                    b"sCustomField4" => s.s_custom_field4 = Some(string(r)?),
                    b"sCustomField5" => s.s_custom_field5 = Some(string(r)?),
                    b"sLanguage" => s.s_language = Some(string(r)?),
                    b"sTransferredTo" => s.s_transferred_to = Some(string(r)?),
                    b"sTransferredComment" => s.s_transferred_comment = Some(string(r)?),
                    b"bIsLead" => s.b_is_lead = boolean(r)?,
                    b"bHandingOff" => s.b_handing_off = boolean(r)?,
                    _ => {
                        r.skip_to_end(e.name())?;
                    }
                },
                Event::Start(e) => r.skip_to_end(e.name())?,
                Event::End(_) => return Ok(s),
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    pub fn read_get_session_v3_response(xml: &[u8]) -> Result<GetSessionV3Response> {
        get_session_v3_response(&mut Reader::from_reader(xml))
    }

    pub fn read_get_session_v3_response_ns(xml: &[u8]) -> Result<GetSessionV3Response> {
        get_session_v3_response(&mut NsReader::from_reader(xml))
    }

    fn get_session_v3_response<'a>(r: &mut impl Events<'a>) -> Result<GetSessionV3Response> {
        find(r, b"getSession_V3Response")?;
        let mut result = None;
        let mut sessions = None;
        loop {
            match r.read_event()? {
                Event::Start(e) if r.in_ns(&e) => match e.local_name().as_ref() {
                    b"getSession_V3Result" => result = Some(GetSessionRet::from(&*text(r)?)),
                    b"aSessions" => {
                        let mut list = Vec::new();
                        loop {
                            match r.read_event()? {
                                Event::Start(e)
                                    if r.in_ns(&e) && e.local_name().as_ref() == b"SESSION_V3" =>
                                {
                                    list.push(read_session(r)?)
                                }
                                Event::Start(e) => {
                                    r.skip_to_end(e.name())?;
                                }
                                Event::End(_) => break,
                                Event::Eof => return Err("the document ends early".into()),
                                _ => {}
                            }
                        }
                        sessions = Some(ArrayOfSessionV3 { session_v3: list });
                    }
                    _ => {
                        r.skip_to_end(e.name())?;
                    }
                },
                Event::Start(e) => r.skip_to_end(e.name())?,
                Event::End(_) => break,
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
        Ok(GetSessionV3Response {
            get_session_v3_result: result.ok_or("no getSession_V3Result")?,
            a_sessions: sessions,
        })
    }

    pub fn read_archer_groups(xml: &[u8]) -> Result<GroupList> {
        let mut r = Reader::from_reader(xml);
        find(&mut r, b"Groups")?;
        let mut groups = Vec::new();
        loop {
            match r.read_event()? {
                Event::Start(e) if e.local_name().as_ref() == b"Group" => {
                    let mut g = Group {
                        id: 0,
                        name: None,
                        description: None,
                    };
                    loop {
                        match r.read_event()? {
                            Event::Start(e) => match e.local_name().as_ref() {
                                b"Id" => g.id = int(&mut r)?,
                                b"Name" => g.name = Some(string(&mut r)?),
                                b"Description" => g.description = Some(string(&mut r)?),
                                _ => {
                                    r.read_to_end(e.name())?;
                                }
                            },
                            Event::End(_) => break,
                            Event::Eof => return Err("the document ends early".into()),
                            _ => {}
                        }
                    }
                    groups.push(g);
                }
                Event::Start(e) => {
                    r.read_to_end(e.name())?;
                }
                Event::End(_) => return Ok(GroupList { group: groups }),
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    fn attribute(r: &R<'_>, tag: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>> {
        match tag.try_get_attribute(name)? {
            Some(a) => Ok(Some(a.decode_and_unescape_value(r.decoder())?.into_owned())),
            None => Ok(None),
        }
    }

    fn read_entity(r: &mut R<'_>, tag: &BytesStart<'_>) -> Result<UserGroupEntity> {
        let mut entity = UserGroupEntity {
            user_group_id: attribute(r, tag, b"userGroupId")?
                .map(|v| v.trim().parse())
                .transpose()?,
            ..UserGroupEntity::default()
        };
        loop {
            match r.read_event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"userGroupName" => entity.user_group_name = Some(string(r)?),
                    b"newName" => entity.new_name = Some(string(r)?),
                    _ => {
                        r.read_to_end(e.name())?;
                    }
                },
                Event::End(_) => return Ok(entity),
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
    }

    pub fn read_commvault_user_group(xml: &[u8]) -> Result<AppUpdateUserGroupPropertiesRequest> {
        let mut r = Reader::from_reader(xml);
        find(&mut r, b"App_UpdateUserGroupPropertiesRequest")?;
        let tag = loop {
            match r.read_event()? {
                Event::Start(e) if e.local_name().as_ref() == b"groups" => break e,
                Event::Eof => return Err("no groups".into()),
                _ => {}
            }
        };
        let mut g = UserGroupProperties::new(UserGroupEntity::default());
        g.is_black_listed = attribute(&r, &tag, b"isBlackListed")?
            .map(|v| v.trim().parse())
            .transpose()?;
        loop {
            match r.read_event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"userGroupEntity" => g.user_group_entity = read_entity(&mut r, &e)?,
                    b"usersOperationType" => {
                        g.users_operation_type = Some(OperationType::from(&*text(&mut r)?))
                    }
                    b"enabled" => g.enabled = Some(boolean(&mut r)?),
                    b"description" => g.description = Some(string(&mut r)?),
                    b"users" => {
                        let mut user = None;
                        loop {
                            match r.read_event()? {
                                Event::Start(e) if e.local_name().as_ref() == b"userName" => {
                                    user = Some(string(&mut r)?)
                                }
                                Event::Start(e) => {
                                    r.read_to_end(e.name())?;
                                }
                                Event::End(_) => break,
                                Event::Eof => return Err("the document ends early".into()),
                                _ => {}
                            }
                        }
                        g.users.push(UserEntity {
                            user_name: user.ok_or("users without userName")?,
                        });
                    }
                    _ => {
                        r.read_to_end(e.name())?;
                    }
                },
                Event::Empty(e) if e.local_name().as_ref() == b"userGroupEntity" => {
                    g.user_group_entity = UserGroupEntity {
                        user_group_id: attribute(&r, &e, b"userGroupId")?
                            .map(|v| v.trim().parse())
                            .transpose()?,
                        ..UserGroupEntity::default()
                    }
                }
                Event::End(_) => break,
                Event::Eof => return Err("the document ends early".into()),
                _ => {}
            }
        }
        Ok(AppUpdateUserGroupPropertiesRequest { groups: g })
    }
}

// ---------------------------------------------------------------------------------------------
// The benchmarks

/// Where the messages are written for the zeep comparison.
fn messages_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-messages")
}

/// A hand-written reader.
type HandRead<T> = fn(&[u8]) -> Result<T>;

/// The writers and readers of one message type.
struct Ways<T> {
    gen_write: fn(&T) -> Vec<u8>,
    hand_write: fn(&T) -> Result<Vec<u8>>,
    gen_read: fn(&[u8]) -> T,
    hand_read: HandRead<T>,
    /// A hand-written reader that checks namespaces too, where the bench has one.
    hand_read_ns: Option<HandRead<T>>,
}

/// One message, written and read both ways, after checking that both ways agree.
fn compare<T: PartialEq + std::fmt::Debug>(
    c: &mut Criterion,
    name: &str,
    value: &T,
    ways: Ways<T>,
) {
    let Ways {
        gen_write,
        hand_write,
        gen_read,
        hand_read,
        hand_read_ns,
    } = ways;
    let bytes = gen_write(value);
    let by_hand = hand_write(value).expect("the hand-written writer works");
    assert!(
        bytes == by_hand,
        "{name}: the two writers differ:\n{}\n{}",
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(&by_hand)
    );
    assert_eq!(&gen_read(&bytes), value, "{name}: generated reader");
    assert_eq!(
        &hand_read(&bytes).expect("the hand-written reader works"),
        value,
        "{name}: hand-written reader"
    );
    alternate(
        &format!("{name}/write"),
        || drop(black_box(gen_write(black_box(value)))),
        || drop(black_box(hand_write(black_box(value)))),
    );
    alternate(
        &format!("{name}/read"),
        || drop(black_box(gen_read(black_box(&bytes)))),
        || drop(black_box(hand_read(black_box(&bytes)))),
    );
    let dir = messages_dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{name}.xml")), &bytes);
    }
    println!("{name}: {} bytes", bytes.len());

    let mut group = c.benchmark_group(format!("{name}/write"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("generated", |b| b.iter(|| gen_write(black_box(value))));
    group.bench_function("hand_written", |b| {
        b.iter(|| hand_write(black_box(value)).expect("writes"))
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}/read"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("generated", |b| b.iter(|| gen_read(black_box(&bytes))));
    group.bench_function("hand_written", |b| {
        b.iter(|| hand_read(black_box(&bytes)).expect("reads"))
    });
    if let Some(hand_read_ns) = hand_read_ns {
        assert_eq!(
            &hand_read_ns(&bytes).expect("the namespace-aware reader works"),
            value,
            "{name}: namespace-aware hand-written reader"
        );
        group.bench_function("hand_written_ns", |b| {
            b.iter(|| hand_read_ns(black_box(&bytes)).expect("reads"))
        });
    }
    group.finish();
}

fn messages(c: &mut Criterion) {
    compare(
        c,
        "set_group_v2_request",
        &set_group_v2(),
        Ways {
            gen_write: |v| gen_write_envelope(SET_GROUP_V2, v),
            hand_write: hand::write_set_group_v2,
            gen_read: |b| read_response(b, SET_GROUP_V2).expect("reads"),
            hand_read: hand::read_set_group_v2,
            hand_read_ns: None,
        },
    );
    compare(
        c,
        "set_group_v2_response",
        &set_group_v2_response(),
        Ways {
            gen_write: |v| gen_write_envelope(SET_GROUP_V2_RESPONSE, v),
            hand_write: hand::write_set_group_v2_response,
            gen_read: |b| read_response(b, SET_GROUP_V2_RESPONSE).expect("reads"),
            hand_read: hand::read_set_group_v2_response,
            hand_read_ns: None,
        },
    );
    compare(
        c,
        "get_session_v3_response_1000",
        &get_session_v3_response(1000),
        Ways {
            gen_write: |v| gen_write_envelope(GET_SESSION_V3_RESPONSE, v),
            hand_write: hand::write_get_session_v3_response,
            gen_read: |b| read_response(b, GET_SESSION_V3_RESPONSE).expect("reads"),
            hand_read: hand::read_get_session_v3_response,
            hand_read_ns: Some(hand::read_get_session_v3_response_ns),
        },
    );
    compare(
        c,
        "archer_groups_1000",
        &archer_groups(1000),
        Ways {
            gen_write: |v| gen_write_document("Groups", v),
            hand_write: hand::write_archer_groups,
            gen_read: gen_read_document::<GroupList>,
            hand_read: hand::read_archer_groups,
            hand_read_ns: None,
        },
    );
    compare(
        c,
        "commvault_user_group_1000",
        &commvault_user_group(1000),
        Ways {
            gen_write: |v| gen_write_document("App_UpdateUserGroupPropertiesRequest", v),
            hand_write: hand::write_commvault_user_group,
            gen_read: gen_read_document::<AppUpdateUserGroupPropertiesRequest>,
            hand_read: hand::read_commvault_user_group,
            hand_read_ns: None,
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = messages
}
criterion_main!(benches);
