//! LogMeIn Rescue `API.asmx`, simulated: the generated [`ApiSoapService`] trait implemented over
//! an organisation held in memory.
//!
//! # Authentication
//!
//! - `login(sEmail, sPassword)` starts a session held in the `ASP.NET_SessionId` cookie. It
//!   expires after 20 minutes without calls (each authenticated call restarts the 20 minutes).
//!   `login_Invalid`: unknown email, wrong password or disabled account. `login_LimitReached`:
//!   the 11th call for one email within three minutes. `login_GlobalIpRestricted`: an account
//!   whose allowed addresses do not include the caller's (the seeded
//!   [`RESTRICTED_EMAIL`](super::seed::RESTRICTED_EMAIL)).
//! - `requestAuthCode(sEmail, sPassword)` gives a new authcode and invalidates the account's
//!   previous one; `requestAuthCode_Invalid` as for login (disabled accounts included),
//!   `requestAuthCode_PollRateExceeded` for the 11th call for one email within three minutes
//!   (the limit is the simulator's, mirroring login's).
//! - Every other operation is authenticated by its `sAuthCode` when one is given, else by the
//!   cookie session: an unknown authcode gives `..._Invalid_SecretAuthCode`, the authcode of a
//!   disabled account (the seeded [`DISABLED_AUTH_CODE`](super::seed::DISABLED_AUTH_CODE))
//!   `..._User_Deleted_Or_Disabled`, no or an expired session `..._NotLoggedIn` (group and
//!   session-list operations) or `..._NotLoggedInAsAdmin` (session actions).
//! - `logout` ends the cookie session (`logout_NotLoggedIn` without one).
//!
//! # `setGroup_v2` (and `setGroup`)
//!
//! After authentication, the checks run in this order; the first that fails gives its code.
//! Node numbers are those of the seeded demo organisation
//! ([`super::seed`]).
//!
//! | code | how to reach it |
//! | --- | --- |
//! | `setGroup_OK` | valid values, e.g. node 337364 (TechGroup), name `TechGroup`, `Enabled`, limits 10 / 10 / 5 |
//! | `setGroup_NotLoggedIn` | no `sAuthCode` and no cookie session, or a session idle for 20 minutes |
//! | `setGroup_Invalid_SecretAuthCode` | an `sAuthCode` that is not the current authcode of an account |
//! | `setGroup_User_Deleted_Or_Disabled` | the authcode of a disabled account (`DISABLED_AUTH_CODE`) |
//! | `setGroup_InvalidParam_Node` | an `iNodeID` that is not a technician group, e.g. 337366 (a technician) or 1 |
//! | `setGroup_Error` | node 337371 (Flaky Group), which stands for a back end that times out |
//! | `setGroup_InvalidParam_Name` | `sName` missing, empty, blank, or longer than 64 characters |
//! | `setGroup_InvalidParam_Status` | an `eNodeStatus` other than `Enabled` / `Disabled` |
//! | `setGroup_InvalidParam_Permission` | `aPermissions` present but empty, or holding a value the enumeration does not list, or a value twice |
//! | `setGroup_InvalidParam_LockedPermission` | the same for `aLockedPermissions` |
//! | `setGroup_InvalidParam_StandardConcurrentLimit` | a negative limit, one above the organisation's 25 standard seats, or one above the parent group's limit (node 337370 under 337369: more than 4) |
//! | `setGroup_InvalidParam_MobileConcurrentLimit` | the same for mobile seats (organisation: 20; 337369: 2) |
//! | `setGroup_InvalidParam_RPATConcurrentLimit` | the same for RPAT seats (organisation: 10; 337369: 1); `setGroup_v2` only |
//! | `setGroup_Not_Enough_Seat_Licenses_Available` | limits within those bounds whose sum over the top-level groups exceeds the organisation's seats, e.g. 337364 with 20 standard seats (20 + 8 + 4 > 25) |
//! | `setGroup_Node_Cannot_Be_Enabled_Because_Its_Parent_Node_Is_Disabled` | `Enabled` for node 337370, whose parent 337369 (Legacy) is disabled |
//!
//! A subgroup shares its parent's seats, so only top-level groups count towards the sum. Absent
//! `aPermissions` / `aLockedPermissions` leave the group's lists as they are.
//!
//! # Sessions
//!
//! `getSession_V3(iNodeID, eNodeRef)`: with `NODE` the node must be a technician (its sessions
//! are listed), with `CHANNEL` a channel (the sessions waiting in it); anything else is
//! `getSession_InvalidParam_NodeID`. Closed sessions are not listed.
//!
//! The session actions need an administrator (`..._NotLoggedInAsAdmin` otherwise) and a
//! technician whose console runs (`..._ActionFailed` when the technician holding the session,
//! or the target technician, is offline: seeded 337367):
//!
//! - `transferSession(iSessionID, iNodeID, eNodeRef, sComment)`: `NODE` must name a
//!   technician, `CHANNEL` a channel, otherwise `transferSessionRet_InvalidParam_Node`. To a
//!   technician the session becomes `SESSION_TRANSFERINGBUTNOTPICKEDUP`; to a channel it waits
//!   there (`SESSION_WAITING`). `sTransferredTo` and `sTransferredComment` are set.
//! - `startSession(iSession, iNode)`: a technician picks up a waiting, transferred or held
//!   session (`SESSION_PICKEDUP`).
//! - `cancelAction(iSession)`: undoes the last transfer or start of the session.
//! - `closeSession(iSession)`: closes it (`closeSessionRet_InvalidParam_Session` for an unknown
//!   or closed session).
//!
//! An unknown or closed session gives `..._Error` for transfer, start and cancel (their result
//! enums have no code for it), and so does `cancelAction` with nothing to undo or
//! `startSession` for a node that is not a technician. Holding a session is a technician's
//! action with no API operation: [`RescueSim::hold_session`] does it, refused when the
//! technician's group has `SessionHoldNotAllowed`; held sessions show `SESSION_ONHOLD`.
//!
//! Codes never produced: `login_Error`, `logout_Error`, `requestAuthCode_Error`,
//! `getSession_Error`, `closeSessionRet_Error`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::logmein_rescue::api::server::ApiSoapService;
use crate::logmein_rescue::api::{
    self, NodePermissions, NodePermissionsV2, NodeRef, NodeStatus, NodeType, SessionStatus,
};
use crate::server::{CallContext, ServerFault};

use super::clock::Clock;
use super::token::{token, ALPHANUMERIC, LOWER_ALPHANUMERIC};

/// How long a login session lasts without calls.
pub const LOGIN_IDLE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The window and the number of calls of the login (and authcode) rate limit.
pub const RATE_WINDOW: Duration = Duration::from_secs(3 * 60);
/// Calls allowed per email within [`RATE_WINDOW`].
pub const RATE_LIMIT: usize = 10;

/// The longest group name accepted.
pub const MAX_NAME_CHARS: usize = 64;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "ASP.NET_SessionId";

/// Seats: standard, mobile and RPAT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seats {
    /// Standard concurrent seats.
    pub standard: i32,
    /// Mobile concurrent seats.
    pub mobile: i32,
    /// RPAT concurrent seats.
    pub rpat: i32,
}

/// A node of the organisation tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) id: i32,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) kind: NodeType,
    pub(crate) parent: Option<i32>,
    pub(crate) enabled: bool,
    /// Permission values as written in XML.
    pub(crate) permissions: Vec<String>,
    pub(crate) locked: Vec<String>,
    pub(crate) seats: Seats,
    /// For a technician: whether the Technician Console runs.
    pub(crate) online: bool,
    /// Stands for a back end that times out: group operations answer `..._Error`.
    pub(crate) flaky: bool,
}

/// An account that can log in.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) email: String,
    pub(crate) password: String,
    /// The account's node in the tree, for reading the seed.
    #[allow(dead_code)]
    pub(crate) node: i32,
    pub(crate) enabled: bool,
    pub(crate) admin: bool,
    pub(crate) allowed_ips: Option<Vec<IpAddr>>,
    pub(crate) auth_code: Option<String>,
}

/// A remote support session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: i32,
    pub(crate) status: SessionStatus,
    pub(crate) entry: i32,
    pub(crate) technician: Option<i32>,
    pub(crate) start_time: String,
    pub(crate) waiting_since: Instant,
    pub(crate) customer: String,
    pub(crate) language: String,
    pub(crate) transferred_to: Option<String>,
    pub(crate) transferred_comment: Option<String>,
    pub(crate) closed: bool,
    /// The session as it was before the last admin action, for `cancelAction`.
    pub(crate) undo: Option<Box<Session>>,
}

struct Login {
    email: String,
    last_seen: Instant,
}

/// The organisation: nodes, accounts, sessions.
pub(crate) struct State {
    pub(crate) nodes: BTreeMap<i32, Node>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) sessions: BTreeMap<i32, Session>,
    pub(crate) licences: Seats,
    logins: HashMap<String, Login>,
    login_calls: HashMap<String, VecDeque<Instant>>,
    auth_calls: HashMap<String, VecDeque<Instant>>,
}

impl State {
    pub(crate) fn new(licences: Seats) -> Self {
        Self {
            nodes: BTreeMap::new(),
            accounts: Vec::new(),
            sessions: BTreeMap::new(),
            licences,
            logins: HashMap::new(),
            login_calls: HashMap::new(),
            auth_calls: HashMap::new(),
        }
    }
}

/// The simulated Rescue service. Cheap to share: hand an `Arc` of it to the dispatcher.
pub struct RescueSim {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for RescueSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RescueSim").finish_non_exhaustive()
    }
}

/// Who a call is made by, or why it is not authenticated.
enum Auth {
    Account { admin: bool },
    NotLoggedIn,
    InvalidAuthCode,
    Disabled,
}

/// The outcome of a group update, before it is written as `setGroupRet` or `setGroupRet_v2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupCode {
    Ok,
    Error,
    Node,
    Name,
    Status,
    Permission,
    LockedPermission,
    Standard,
    Mobile,
    Rpat,
    Seats,
    ParentDisabled,
}

/// A group update, from `setGroup` or `setGroup_v2`.
struct GroupUpdate {
    node: i32,
    name: Option<String>,
    status: NodeStatus,
    description: Option<String>,
    permissions: Option<Vec<String>>,
    locked: Option<Vec<String>>,
    seats: Seats,
    rpat_given: bool,
}

/// The session `id`, if it exists and is not closed.
fn open_session(sessions: &mut BTreeMap<i32, Session>, id: i32) -> Option<&mut Session> {
    sessions.get_mut(&id).filter(|s| !s.closed)
}

fn rate_limited(calls: &mut HashMap<String, VecDeque<Instant>>, email: &str, now: Instant) -> bool {
    let list = calls.entry(email.to_ascii_lowercase()).or_default();
    while list
        .front()
        .is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW)
    {
        list.pop_front();
    }
    list.push_back(now);
    list.len() > RATE_LIMIT
}

fn valid_list(values: &[String], known: &[&str]) -> bool {
    !values.is_empty()
        && values.iter().all(|v| known.contains(&v.as_str()))
        && values
            .iter()
            .enumerate()
            .all(|(i, v)| !values[..i].contains(v))
}

impl RescueSim {
    pub(crate) fn new(state: State, clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::new(state),
            clock,
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, ServerFault> {
        self.state
            .lock()
            .map_err(|_| ServerFault::server("the simulator's state is unusable"))
    }

    fn authenticate(
        &self,
        state: &mut State,
        context: &CallContext,
        auth_code: &Option<String>,
    ) -> Auth {
        if let Some(code) = auth_code.as_deref().filter(|c| !c.is_empty()) {
            return match state
                .accounts
                .iter()
                .find(|a| a.auth_code.as_deref() == Some(code))
            {
                Some(a) if !a.enabled => Auth::Disabled,
                Some(a) => Auth::Account { admin: a.admin },
                None => Auth::InvalidAuthCode,
            };
        }
        let Some(cookie) = context.cookie(SESSION_COOKIE) else {
            return Auth::NotLoggedIn;
        };
        let now = self.clock.now();
        let Some(login) = state.logins.get_mut(cookie) else {
            return Auth::NotLoggedIn;
        };
        if now.duration_since(login.last_seen) >= LOGIN_IDLE_TIMEOUT {
            state.logins.remove(cookie);
            return Auth::NotLoggedIn;
        }
        login.last_seen = now;
        let email = login.email.clone();
        match state.accounts.iter().find(|a| a.email == email) {
            Some(a) if a.enabled => Auth::Account { admin: a.admin },
            _ => Auth::Disabled,
        }
    }

    fn update_group(state: &mut State, u: &GroupUpdate, known: &[&str], v2: bool) -> GroupCode {
        let Some(node) = state.nodes.get(&u.node) else {
            return GroupCode::Node;
        };
        if node.kind != NodeType::TechnicianGroup {
            return GroupCode::Node;
        }
        if node.flaky {
            return GroupCode::Error;
        }
        let name = u.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() || u.name.as_deref().unwrap_or_default().chars().count() > MAX_NAME_CHARS
        {
            return GroupCode::Name;
        }
        let enable = match u.status {
            NodeStatus::Enabled => true,
            NodeStatus::Disabled => false,
            NodeStatus::Unknown(_) => return GroupCode::Status,
        };
        if u.permissions
            .as_ref()
            .is_some_and(|p| !valid_list(p, known))
        {
            return GroupCode::Permission;
        }
        if u.locked.as_ref().is_some_and(|p| !valid_list(p, known)) {
            return GroupCode::LockedPermission;
        }
        let parent = node
            .parent
            .and_then(|p| state.nodes.get(&p))
            .filter(|p| p.kind == NodeType::TechnicianGroup);
        let bound = |org: i32, parent_limit: Option<i32>, value: i32| {
            value < 0 || value > org || parent_limit.is_some_and(|p| value > p)
        };
        let lic = state.licences;
        if bound(
            lic.standard,
            parent.map(|p| p.seats.standard),
            u.seats.standard,
        ) {
            return GroupCode::Standard;
        }
        if bound(lic.mobile, parent.map(|p| p.seats.mobile), u.seats.mobile) {
            return GroupCode::Mobile;
        }
        if v2 && u.rpat_given && bound(lic.rpat, parent.map(|p| p.seats.rpat), u.seats.rpat) {
            return GroupCode::Rpat;
        }
        if parent.is_none() {
            let others = state
                .nodes
                .values()
                .filter(|n| n.id != u.node && n.kind == NodeType::TechnicianGroup)
                .filter(|n| {
                    n.parent
                        .and_then(|p| state.nodes.get(&p))
                        .is_none_or(|p| p.kind != NodeType::TechnicianGroup)
                })
                .fold(Seats::default(), |acc, n| Seats {
                    standard: acc.standard + n.seats.standard,
                    mobile: acc.mobile + n.seats.mobile,
                    rpat: acc.rpat + n.seats.rpat,
                });
            let rpat = if u.rpat_given {
                u.seats.rpat
            } else {
                node.seats.rpat
            };
            if others.standard + u.seats.standard > lic.standard
                || others.mobile + u.seats.mobile > lic.mobile
                || others.rpat + rpat > lic.rpat
            {
                return GroupCode::Seats;
            }
        }
        let parent_disabled = node
            .parent
            .and_then(|p| state.nodes.get(&p))
            .is_some_and(|p| !p.enabled);
        if enable && parent_disabled {
            return GroupCode::ParentDisabled;
        }
        let Some(node) = state.nodes.get_mut(&u.node) else {
            return GroupCode::Node;
        };
        node.name = name.to_owned();
        node.enabled = enable;
        if let Some(d) = &u.description {
            node.description = d.clone();
        }
        if let Some(p) = &u.permissions {
            node.permissions = p.clone();
        }
        if let Some(l) = &u.locked {
            node.locked = l.clone();
        }
        node.seats.standard = u.seats.standard;
        node.seats.mobile = u.seats.mobile;
        if u.rpat_given {
            node.seats.rpat = u.seats.rpat;
        }
        GroupCode::Ok
    }

    fn view(&self, s: &Session, nodes: &BTreeMap<i32, Node>) -> api::SessionV3 {
        let name = |id: i32| nodes.get(&id).map(|n| n.name.clone());
        let waiting = matches!(
            s.status,
            SessionStatus::Waiting | SessionStatus::Transferingbutnotpickedup
        );
        api::SessionV3 {
            i_id: s.id,
            s_status: Some(
                s.status
                    .as_str()
                    .trim_start_matches("SESSION_")
                    .replace('_', " ")
                    .to_lowercase(),
            ),
            b_status: s.status.clone(),
            i_entry: s.entry,
            s_entry: name(s.entry),
            i_technician: s.technician.unwrap_or(0),
            s_technician: s.technician.and_then(name),
            s_start_time: Some(s.start_time.clone()),
            i_waiting_time_in_sec: if waiting {
                i32::try_from(self.clock.now().duration_since(s.waiting_since).as_secs())
                    .unwrap_or(i32::MAX)
            } else {
                0
            },
            s_custom_field0: Some(s.customer.clone()),
            s_custom_field1: None,
            s_custom_field2: None,
            s_custom_field3: None,
            s_custom_field4: None,
            s_custom_field5: None,
            s_language: Some(s.language.clone()),
            s_transferred_to: s.transferred_to.clone(),
            s_transferred_comment: s.transferred_comment.clone(),
            b_is_lead: s.technician.is_some(),
            b_handing_off: s.status == SessionStatus::Transferingbutnotpickedup,
        }
    }

    /// The session as `getSession_V3` shows it, if it exists.
    pub fn session(&self, id: i32) -> Option<api::SessionV3> {
        let state = self.state.lock().ok()?;
        state.sessions.get(&id).map(|s| self.view(s, &state.nodes))
    }

    /// Puts a session on hold, as its technician would from the Technician Console. Refused
    /// (with the reason) for an unknown or closed session, a session no technician holds, or
    /// a technician whose group has `SessionHoldNotAllowed`.
    pub fn hold_session(&self, id: i32) -> Result<(), String> {
        let mut state = self.state.lock().map_err(|_| "unusable state".to_owned())?;
        let state = &mut *state;
        let session = open_session(&mut state.sessions, id)
            .ok_or_else(|| format!("session {id} does not exist or is closed"))?;
        let tech = session
            .technician
            .ok_or_else(|| format!("session {id} is not held by a technician"))?;
        let group = state
            .nodes
            .get(&tech)
            .and_then(|t| t.parent)
            .and_then(|g| state.nodes.get(&g));
        if group.is_some_and(|g| {
            g.permissions
                .iter()
                .any(|p| p == NodePermissionsV2::SessionHoldNotAllowed.as_str())
        }) {
            return Err(format!(
                "the group of technician {tech} does not allow holding sessions"
            ));
        }
        session.status = SessionStatus::Onhold;
        Ok(())
    }

    /// Starts or stops a technician's console (an offline technician makes session actions
    /// fail with `..._ActionFailed`).
    pub fn set_technician_online(&self, id: i32, online: bool) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        match state.nodes.get_mut(&id) {
            Some(n) if n.kind == NodeType::Technician => {
                n.online = online;
                true
            }
            _ => false,
        }
    }

    /// A group's name, status, permissions (XML values) and seats, for checking updates.
    pub fn group(&self, id: i32) -> Option<(String, bool, Vec<String>, Seats)> {
        let state = self.state.lock().ok()?;
        let n = state.nodes.get(&id)?;
        Some((n.name.clone(), n.enabled, n.permissions.clone(), n.seats))
    }

    fn tech_online(nodes: &BTreeMap<i32, Node>, id: Option<i32>) -> bool {
        id.is_none_or(|id| nodes.get(&id).is_some_and(|n| n.online))
    }
}

/// Maps the authentication failures onto an operation's result enum.
macro_rules! check_auth {
    ($auth:expr, $admin_only:expr, $not_logged_in:expr, $invalid:expr, $disabled:expr) => {
        match $auth {
            Auth::Account { admin } if admin || !$admin_only => {}
            Auth::Account { .. } | Auth::NotLoggedIn => return Ok($not_logged_in),
            Auth::InvalidAuthCode => return Ok($invalid),
            Auth::Disabled => return Ok($disabled),
        }
    };
}

impl ApiSoapService for RescueSim {
    async fn login(
        &self,
        context: &mut CallContext,
        request: api::Login,
    ) -> Result<api::LoginResponse, ServerFault> {
        use api::LoginRet as R;
        let now = self.clock.now();
        let mut state = self.lock()?;
        let email = request.s_email.unwrap_or_default();
        let password = request.s_password.unwrap_or_default();
        let result = if rate_limited(&mut state.login_calls, &email, now) {
            R::LimitReached
        } else {
            match state
                .accounts
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(&email))
            {
                Some(a) if a.enabled && a.password == password => {
                    let allowed = match (&a.allowed_ips, context.peer()) {
                        (Some(ips), Some(peer)) => ips.contains(&peer.ip()),
                        (Some(_), None) => false,
                        (None, _) => true,
                    };
                    if allowed {
                        let cookie = token(24, LOWER_ALPHANUMERIC);
                        let email = a.email.clone();
                        state.logins.insert(
                            cookie.clone(),
                            Login {
                                email,
                                last_seen: now,
                            },
                        );
                        context.set_cookie(SESSION_COOKIE, &cookie);
                        R::Ok
                    } else {
                        R::GlobalIpRestricted
                    }
                }
                _ => R::Invalid,
            }
        };
        Ok(api::LoginResponse {
            login_result: result,
        })
    }

    async fn logout(
        &self,
        context: &mut CallContext,
        _request: api::Logout,
    ) -> Result<api::LogoutResponse, ServerFault> {
        let mut state = self.lock()?;
        let removed = context
            .cookie(SESSION_COOKIE)
            .and_then(|c| state.logins.remove(c))
            .is_some();
        Ok(api::LogoutResponse {
            logout_result: if removed {
                api::LogoutRet::Ok
            } else {
                api::LogoutRet::NotLoggedIn
            },
        })
    }

    async fn request_auth_code(
        &self,
        _context: &mut CallContext,
        request: api::RequestAuthCode,
    ) -> Result<api::RequestAuthCodeResponse, ServerFault> {
        use api::RequestAuthCodeRet as R;
        let now = self.clock.now();
        let mut state = self.lock()?;
        let email = request.s_email.unwrap_or_default();
        let password = request.s_password.unwrap_or_default();
        if rate_limited(&mut state.auth_calls, &email, now) {
            return Ok(api::RequestAuthCodeResponse {
                request_auth_code_result: R::PollRateExceeded,
                s_auth_code: None,
            });
        }
        let account = state
            .accounts
            .iter_mut()
            .find(|a| a.email.eq_ignore_ascii_case(&email) && a.password == password && a.enabled);
        Ok(match account {
            Some(a) => {
                let code = token(64, ALPHANUMERIC);
                a.auth_code = Some(code.clone());
                api::RequestAuthCodeResponse {
                    request_auth_code_result: R::Ok,
                    s_auth_code: Some(code),
                }
            }
            None => api::RequestAuthCodeResponse {
                request_auth_code_result: R::Invalid,
                s_auth_code: None,
            },
        })
    }

    async fn get_group(
        &self,
        context: &mut CallContext,
        request: api::GetGroup,
    ) -> Result<api::GetGroupResponse, ServerFault> {
        use api::GetGroupRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::GetGroupResponse {
            get_group_result: code,
            o_group: None,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            false,
            answer(R::NotLoggedIn),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let Some(node) = state.nodes.get(&request.i_node_id).filter(|n| {
            matches!(
                n.kind,
                NodeType::TechnicianGroup | NodeType::AdministratorGroup
            )
        }) else {
            return Ok(answer(R::InvalidParamNodeId));
        };
        if node.flaky {
            return Ok(answer(R::Error));
        }
        let permissions: Vec<NodePermissions> = node
            .permissions
            .iter()
            .map(|p| NodePermissions::from(p.as_str()))
            .filter(|p| !matches!(p, NodePermissions::Unknown(_)))
            .collect();
        Ok(api::GetGroupResponse {
            get_group_result: R::Ok,
            o_group: Some(api::Group {
                i_node_id: node.id,
                s_name: Some(node.name.clone()),
                s_description: Some(node.description.clone()),
                e_type: node.kind.clone(),
                a_permissions: Some(api::ArrayOfNodePermissions {
                    node_permissions: permissions,
                }),
                e_status: if node.enabled {
                    NodeStatus::Enabled
                } else {
                    NodeStatus::Disabled
                },
                i_standard_concurrent_limit: node.seats.standard,
                i_mobile_concurrent_limit: node.seats.mobile,
            }),
        })
    }

    async fn set_group(
        &self,
        context: &mut CallContext,
        request: api::SetGroup,
    ) -> Result<api::SetGroupResponse, ServerFault> {
        use api::SetGroupRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::SetGroupResponse {
            set_group_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            false,
            answer(R::NotLoggedIn),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let list = |a: &Option<api::ArrayOfNodePermissions>| {
            a.as_ref().map(|a| {
                a.node_permissions
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect()
            })
        };
        let update = GroupUpdate {
            node: request.i_node_id,
            name: request.s_name.clone(),
            status: request.e_node_status.clone(),
            description: request.s_description.clone(),
            permissions: list(&request.a_permissions),
            locked: list(&request.a_locked_permissions),
            seats: Seats {
                standard: request.i_standard_concurrent_limit,
                mobile: request.i_mobile_concurrent_limit,
                rpat: 0,
            },
            rpat_given: false,
        };
        let known: Vec<&str> = NodePermissions::VALUES
            .iter()
            .map(NodePermissions::as_str)
            .collect();
        let code = match Self::update_group(&mut state, &update, &known, false) {
            GroupCode::Ok => R::Ok,
            GroupCode::Error => R::Error,
            GroupCode::Node => R::InvalidParamNode,
            GroupCode::Name => R::InvalidParamName,
            GroupCode::Status => R::InvalidParamStatus,
            GroupCode::Permission => R::InvalidParamPermission,
            GroupCode::LockedPermission => R::InvalidParamLockedPermission,
            GroupCode::Standard => R::InvalidParamStandardConcurrentLimit,
            GroupCode::Mobile | GroupCode::Rpat => R::InvalidParamMobileConcurrentLimit,
            GroupCode::Seats => R::NotEnoughSeatLicensesAvailable,
            GroupCode::ParentDisabled => R::NodeCannotBeEnabledBecauseItsParentNodeIsDisabled,
        };
        Ok(answer(code))
    }

    async fn set_group_v2(
        &self,
        context: &mut CallContext,
        request: api::SetGroupV2,
    ) -> Result<api::SetGroupV2Response, ServerFault> {
        use api::SetGroupRetV2 as R;
        let mut state = self.lock()?;
        let answer = |code| api::SetGroupV2Response {
            set_group_v2_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            false,
            answer(R::NotLoggedIn),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let list = |a: &Option<api::ArrayOfNodePermissionsV2>| {
            a.as_ref().map(|a| {
                a.node_permissions_v2
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect()
            })
        };
        let update = GroupUpdate {
            node: request.i_node_id,
            name: request.s_name.clone(),
            status: request.e_node_status.clone(),
            description: request.s_description.clone(),
            permissions: list(&request.a_permissions),
            locked: list(&request.a_locked_permissions),
            seats: Seats {
                standard: request.i_standard_concurrent_limit,
                mobile: request.i_mobile_concurrent_limit,
                rpat: request.i_rpat_concurrent_limit,
            },
            rpat_given: true,
        };
        let known: Vec<&str> = NodePermissionsV2::VALUES
            .iter()
            .map(NodePermissionsV2::as_str)
            .collect();
        let code = match Self::update_group(&mut state, &update, &known, true) {
            GroupCode::Ok => R::Ok,
            GroupCode::Error => R::Error,
            GroupCode::Node => R::InvalidParamNode,
            GroupCode::Name => R::InvalidParamName,
            GroupCode::Status => R::InvalidParamStatus,
            GroupCode::Permission => R::InvalidParamPermission,
            GroupCode::LockedPermission => R::InvalidParamLockedPermission,
            GroupCode::Standard => R::InvalidParamStandardConcurrentLimit,
            GroupCode::Mobile => R::InvalidParamMobileConcurrentLimit,
            GroupCode::Rpat => R::InvalidParamRpatConcurrentLimit,
            GroupCode::Seats => R::NotEnoughSeatLicensesAvailable,
            GroupCode::ParentDisabled => R::NodeCannotBeEnabledBecauseItsParentNodeIsDisabled,
        };
        Ok(answer(code))
    }

    async fn cancel_action(
        &self,
        context: &mut CallContext,
        request: api::CancelAction,
    ) -> Result<api::CancelActionResponse, ServerFault> {
        use api::CancelActionRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::CancelActionResponse {
            cancel_action_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            true,
            answer(R::NotLoggedInAsAdmin),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let state = &mut *state;
        let Some(session) = open_session(&mut state.sessions, request.i_session) else {
            return Ok(answer(R::Error));
        };
        if !Self::tech_online(&state.nodes, session.technician) {
            return Ok(answer(R::ActionFailed));
        }
        match session.undo.take() {
            Some(before) => {
                *session = *before;
                Ok(answer(R::Ok))
            }
            None => Ok(answer(R::Error)),
        }
    }

    async fn transfer_session(
        &self,
        context: &mut CallContext,
        request: api::TransferSession,
    ) -> Result<api::TransferSessionResponse, ServerFault> {
        use api::TransferSessionRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::TransferSessionResponse {
            transfer_session_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            true,
            answer(R::NotLoggedInAsAdmin),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let state = &mut *state;
        let target = match (&request.e_node_ref, state.nodes.get(&request.i_node_id)) {
            (NodeRef::Node, Some(n)) if n.kind == NodeType::Technician => n.clone(),
            (NodeRef::Channel, Some(n)) if n.kind == NodeType::Channel => n.clone(),
            _ => return Ok(answer(R::InvalidParamNode)),
        };
        let Some(session) = open_session(&mut state.sessions, request.i_session_id) else {
            return Ok(answer(R::Error));
        };
        if !Self::tech_online(&state.nodes, session.technician)
            || (target.kind == NodeType::Technician && !target.online)
        {
            return Ok(answer(R::ActionFailed));
        }
        let mut before = session.clone();
        before.undo = None;
        session.undo = Some(Box::new(before));
        session.transferred_to = Some(target.name.clone());
        session.transferred_comment = request.s_comment.clone();
        if target.kind == NodeType::Technician {
            session.status = SessionStatus::Transferingbutnotpickedup;
            session.technician = Some(target.id);
        } else {
            session.status = SessionStatus::Waiting;
            session.technician = None;
            session.entry = target.id;
        }
        session.waiting_since = self.clock.now();
        Ok(answer(R::Ok))
    }

    async fn start_session(
        &self,
        context: &mut CallContext,
        request: api::StartSession,
    ) -> Result<api::StartSessionResponse, ServerFault> {
        use api::StartSessionRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::StartSessionResponse {
            start_session_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            true,
            answer(R::NotLoggedInAsAdmin),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let state = &mut *state;
        let Some(tech) = state
            .nodes
            .get(&request.i_node)
            .filter(|n| n.kind == NodeType::Technician)
            .cloned()
        else {
            return Ok(answer(R::Error));
        };
        let Some(session) = open_session(&mut state.sessions, request.i_session) else {
            return Ok(answer(R::Error));
        };
        if !tech.online {
            return Ok(answer(R::ActionFailed));
        }
        if !matches!(
            session.status,
            SessionStatus::Waiting
                | SessionStatus::Transferingbutnotpickedup
                | SessionStatus::Onhold
        ) {
            return Ok(answer(R::Error));
        }
        let mut before = session.clone();
        before.undo = None;
        session.undo = Some(Box::new(before));
        session.status = SessionStatus::Pickedup;
        session.technician = Some(tech.id);
        Ok(answer(R::Ok))
    }

    async fn close_session(
        &self,
        context: &mut CallContext,
        request: api::CloseSession,
    ) -> Result<api::CloseSessionResponse, ServerFault> {
        use api::CloseSessionRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::CloseSessionResponse {
            close_session_result: code,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            true,
            answer(R::NotLoggedInAsAdmin),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let state = &mut *state;
        let Some(session) = open_session(&mut state.sessions, request.i_session) else {
            return Ok(answer(R::InvalidParamSession));
        };
        if !Self::tech_online(&state.nodes, session.technician) {
            return Ok(answer(R::ActionFailed));
        }
        session.closed = true;
        session.undo = None;
        session.status = SessionStatus::Closedbytechnician;
        Ok(answer(R::Ok))
    }

    async fn get_session_v3(
        &self,
        context: &mut CallContext,
        request: api::GetSessionV3,
    ) -> Result<api::GetSessionV3Response, ServerFault> {
        use api::GetSessionRet as R;
        let mut state = self.lock()?;
        let answer = |code| api::GetSessionV3Response {
            get_session_v3_result: code,
            a_sessions: None,
        };
        check_auth!(
            self.authenticate(&mut state, context, &request.s_auth_code),
            false,
            answer(R::NotLoggedIn),
            answer(R::InvalidSecretAuthCode),
            answer(R::UserDeletedOrDisabled)
        );
        let id = request.i_node_id;
        let by_technician = match (&request.e_node_ref, state.nodes.get(&id)) {
            (NodeRef::Node, Some(n)) if n.kind == NodeType::Technician => true,
            (NodeRef::Channel, Some(n)) if n.kind == NodeType::Channel => false,
            _ => return Ok(answer(R::InvalidParamNodeId)),
        };
        let sessions = state
            .sessions
            .values()
            .filter(|s| !s.closed)
            .filter(|s| {
                if by_technician {
                    s.technician == Some(id)
                } else {
                    s.technician.is_none() && s.entry == id
                }
            })
            .map(|s| self.view(s, &state.nodes))
            .collect();
        Ok(api::GetSessionV3Response {
            get_session_v3_result: R::Ok,
            a_sessions: Some(api::ArrayOfSessionV3 {
                session_v3: sessions,
            }),
        })
    }
}
