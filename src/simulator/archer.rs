//! RSA Archer `general.asmx` and `accesscontrol.asmx`, simulated: the generated
//! [`GeneralSoapService`] and [`AccesscontrolSoapService`] traits over users and groups held in
//! memory.
//!
//! Archer reports every failure as a SOAP fault (`soap:Server`, as ASP.NET writes an exception
//! thrown in a web method, with `Server was unable to process request. ---> ` before the
//! message). The simulator's rules:
//!
//! | call | answer |
//! | --- | --- |
//! | `CreateUserSessionFromInstance` | a new 32-character token for a known user name, password and instance (`Demo`); a fault `Invalid user name, password or instance.` otherwise |
//! | `CreateDomainUserSessionFromInstance` | the same, for a domain user whose `usersDomain` matches (seeded: `jdomain` in `CORP`) |
//! | `TerminateSession` | 1, and the token no longer works |
//! | any call with an unknown or terminated token | a fault `Invalid session token` (which the client reads as an expired session) |
//! | `CreateGroup` | the new group's id; a fault for an empty name or a name in use (names compare without regard to case) |
//! | `UpdateGroup` | 1 (the group is renamed); a fault for an unknown id, an empty name or a name in use |
//! | `DeleteGroup` | 1; a fault for an unknown id and for the Everyone group |
//! | `LookupGroup` | `<Groups>` with the group whose name is exactly the keyword (case-insensitive), or an empty `<Groups />` |
//! | `GetGroup` | the group's name; a fault for an unknown id |
//! | `GetGroups` | `<Groups>` with every group's id, name and description |
//! | `GetGroupInformation` | the group's id, name, description, parent and child groups and members; a fault for an unknown id |
//! | `AddUserToGroup` / `RemoveUserFromGroup` | 1 (adding twice or removing a non-member changes nothing); a fault for an unknown user or group |
//! | `LookupEveryoneGroup` | the id of the Everyone group |
//! | `LookupUserId` / `LookupDomainUserId` | the user's id; a fault `User not found.` otherwise |
//!
//! Sessions do not expire on their own (the installation's timeout is not published).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use crate::archer::access_control::server::AccesscontrolSoapService;
use crate::archer::access_control::{self as ac};
use crate::archer::general::server::GeneralSoapService;
use crate::archer::general::{self as gen};
use crate::archer::results;
use crate::server::{CallContext, ServerFault};
use crate::xml::{ToXml, XmlWriter};

use super::token::{token, ALPHANUMERIC};

/// ASP.NET's prefix for an exception thrown inside a web method.
const ASPNET: &str = "Server was unable to process request. ---> ";

/// The instance name of the seeded installation.
pub const INSTANCE: &str = "Demo";

/// A user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: i32,
    pub(crate) user_name: String,
    pub(crate) domain: Option<String>,
    pub(crate) password: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
}

/// A group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: i32,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) parents: Vec<i32>,
    pub(crate) members: Vec<i32>,
    pub(crate) everyone: bool,
}

/// Users, groups and sessions.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) users: Vec<User>,
    pub(crate) groups: BTreeMap<i32, Group>,
    pub(crate) next_group_id: i32,
    pub(crate) sessions: HashMap<String, i32>,
}

/// The simulated Archer services.
pub struct ArcherSim {
    state: Mutex<State>,
}

impl std::fmt::Debug for ArcherSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArcherSim").finish_non_exhaustive()
    }
}

fn fault(message: &str) -> ServerFault {
    ServerFault::server(format!("{ASPNET}{message}"))
}

fn xml_string<T: ToXml>(root: &'static str, value: &T) -> Result<String, ServerFault> {
    let mut w = XmlWriter::new();
    w.element(None, root, value)
        .map_err(|e| ServerFault::server(format!("{ASPNET}{e}")))?;
    String::from_utf8(w.into_bytes()).map_err(|e| ServerFault::server(format!("{ASPNET}{e}")))
}

impl ArcherSim {
    pub(crate) fn new(state: State) -> Self {
        Self {
            state: Mutex::new(state),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, ServerFault> {
        self.state
            .lock()
            .map_err(|_| ServerFault::server("the simulator's state is unusable"))
    }

    /// The state, if the token is a live session's.
    fn session(&self, token: &Option<String>) -> Result<MutexGuard<'_, State>, ServerFault> {
        let state = self.lock()?;
        match token.as_deref() {
            Some(t) if state.sessions.contains_key(t) => Ok(state),
            _ => Err(fault("Invalid session token")),
        }
    }

    fn login(
        &self,
        user_name: Option<String>,
        instance: Option<String>,
        password: Option<String>,
        domain: Option<String>,
    ) -> Result<String, ServerFault> {
        let mut state = self.lock()?;
        let user = state.users.iter().find(|u| {
            Some(u.user_name.to_lowercase()) == user_name.as_deref().map(str::to_lowercase)
                && Some(u.password.as_str()) == password.as_deref()
                && u.domain.as_deref().map(str::to_lowercase)
                    == domain.as_deref().map(str::to_lowercase)
                && instance
                    .as_deref()
                    .is_some_and(|i| i.eq_ignore_ascii_case(INSTANCE))
        });
        let Some(id) = user.map(|u| u.id) else {
            return Err(fault("Invalid user name, password or instance."));
        };
        let token = token(32, ALPHANUMERIC);
        state.sessions.insert(token.clone(), id);
        Ok(token)
    }

    /// Whether the token is a live session's.
    pub fn is_session(&self, token: &str) -> bool {
        self.state
            .lock()
            .map(|s| s.sessions.contains_key(token))
            .unwrap_or(false)
    }

    /// The members of a group (user ids), if it exists.
    pub fn members(&self, group_id: i32) -> Option<Vec<i32>> {
        let state = self.state.lock().ok()?;
        state.groups.get(&group_id).map(|g| g.members.clone())
    }

    fn name_in_use(state: &State, name: &str, except: Option<i32>) -> bool {
        state
            .groups
            .values()
            .any(|g| Some(g.id) != except && g.name.eq_ignore_ascii_case(name))
    }

    fn group_list<'a>(
        groups: impl Iterator<Item = &'a Group>,
        with_description: bool,
    ) -> results::GroupList {
        results::GroupList {
            group: groups
                .map(|g| results::Group {
                    id: g.id,
                    name: Some(g.name.clone()),
                    description: with_description.then(|| g.description.clone()),
                })
                .collect(),
        }
    }
}

impl GeneralSoapService for ArcherSim {
    async fn create_user_session_from_instance(
        &self,
        _context: &mut CallContext,
        request: gen::CreateUserSessionFromInstance,
    ) -> Result<gen::CreateUserSessionFromInstanceResponse, ServerFault> {
        let token = self.login(
            request.user_name,
            request.instance_name,
            request.password,
            None,
        )?;
        Ok(gen::CreateUserSessionFromInstanceResponse {
            create_user_session_from_instance_result: Some(token),
        })
    }

    async fn create_domain_user_session_from_instance(
        &self,
        _context: &mut CallContext,
        request: gen::CreateDomainUserSessionFromInstance,
    ) -> Result<gen::CreateDomainUserSessionFromInstanceResponse, ServerFault> {
        let domain = request.users_domain.filter(|d| !d.is_empty());
        if domain.is_none() {
            return Err(fault("Invalid user name, password or instance."));
        }
        let token = self.login(
            request.user_name,
            request.instance_name,
            request.password,
            domain,
        )?;
        Ok(gen::CreateDomainUserSessionFromInstanceResponse {
            create_domain_user_session_from_instance_result: Some(token),
        })
    }

    async fn terminate_session(
        &self,
        _context: &mut CallContext,
        request: gen::TerminateSession,
    ) -> Result<gen::TerminateSessionResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        if let Some(t) = &request.session_token {
            state.sessions.remove(t);
        }
        Ok(gen::TerminateSessionResponse {
            terminate_session_result: 1,
        })
    }
}

impl AccesscontrolSoapService for ArcherSim {
    async fn create_group(
        &self,
        _context: &mut CallContext,
        request: ac::CreateGroup,
    ) -> Result<ac::CreateGroupResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        let name = request.group_name.unwrap_or_default().trim().to_owned();
        if name.is_empty() {
            return Err(fault("The group name cannot be empty."));
        }
        if Self::name_in_use(&state, &name, None) {
            return Err(fault(&format!("A group named '{name}' already exists.")));
        }
        let id = state.next_group_id;
        state.next_group_id += 1;
        state.groups.insert(
            id,
            Group {
                id,
                name,
                description: String::new(),
                parents: Vec::new(),
                members: Vec::new(),
                everyone: false,
            },
        );
        Ok(ac::CreateGroupResponse {
            create_group_result: id,
        })
    }

    async fn update_group(
        &self,
        _context: &mut CallContext,
        request: ac::UpdateGroup,
    ) -> Result<ac::UpdateGroupResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        let name = request.group_name.unwrap_or_default().trim().to_owned();
        if !state.groups.contains_key(&request.group_id) {
            return Err(fault("Group not found."));
        }
        if name.is_empty() {
            return Err(fault("The group name cannot be empty."));
        }
        if Self::name_in_use(&state, &name, Some(request.group_id)) {
            return Err(fault(&format!("A group named '{name}' already exists.")));
        }
        if let Some(g) = state.groups.get_mut(&request.group_id) {
            g.name = name;
        }
        Ok(ac::UpdateGroupResponse {
            update_group_result: 1,
        })
    }

    async fn delete_group(
        &self,
        _context: &mut CallContext,
        request: ac::DeleteGroup,
    ) -> Result<ac::DeleteGroupResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        match state.groups.get(&request.group_id) {
            None => return Err(fault("Group not found.")),
            Some(g) if g.everyone => return Err(fault("The Everyone group cannot be deleted.")),
            Some(_) => {}
        }
        state.groups.remove(&request.group_id);
        for g in state.groups.values_mut() {
            g.parents.retain(|p| *p != request.group_id);
        }
        Ok(ac::DeleteGroupResponse {
            delete_group_result: 1,
        })
    }

    async fn lookup_group(
        &self,
        _context: &mut CallContext,
        request: ac::LookupGroup,
    ) -> Result<ac::LookupGroupResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let keyword = request.keyword.unwrap_or_default();
        let list = Self::group_list(
            state
                .groups
                .values()
                .filter(|g| g.name.eq_ignore_ascii_case(keyword.trim())),
            false,
        );
        Ok(ac::LookupGroupResponse {
            lookup_group_result: Some(xml_string("Groups", &list)?),
        })
    }

    async fn get_group(
        &self,
        _context: &mut CallContext,
        request: ac::GetGroup,
    ) -> Result<ac::GetGroupResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let group = state
            .groups
            .get(&request.group_id)
            .ok_or_else(|| fault("Group not found."))?;
        Ok(ac::GetGroupResponse {
            get_group_result: Some(group.name.clone()),
        })
    }

    async fn get_groups(
        &self,
        _context: &mut CallContext,
        request: ac::GetGroups,
    ) -> Result<ac::GetGroupsResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let list = Self::group_list(state.groups.values(), true);
        Ok(ac::GetGroupsResponse {
            get_groups_result: Some(xml_string("Groups", &list)?),
        })
    }

    async fn get_group_information(
        &self,
        _context: &mut CallContext,
        request: ac::GetGroupInformation,
    ) -> Result<ac::GetGroupInformationResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let group = state
            .groups
            .get(&request.group_id)
            .ok_or_else(|| fault("Group not found."))?;
        let parents = Self::group_list(
            group.parents.iter().filter_map(|p| state.groups.get(p)),
            false,
        );
        let children = Self::group_list(
            state
                .groups
                .values()
                .filter(|g| g.parents.contains(&group.id)),
            false,
        );
        let users = results::UserList {
            user: group
                .members
                .iter()
                .filter_map(|id| state.users.iter().find(|u| u.id == *id))
                .map(|u| results::User {
                    id: u.id,
                    user_name: Some(u.user_name.clone()),
                    first_name: Some(u.first_name.clone()),
                    last_name: Some(u.last_name.clone()),
                })
                .collect(),
        };
        let info = results::GroupInformation {
            id: group.id,
            name: Some(group.name.clone()),
            description: Some(group.description.clone()),
            parent_groups: Some(parents),
            child_groups: Some(children),
            users: Some(users),
        };
        Ok(ac::GetGroupInformationResponse {
            get_group_information_result: Some(xml_string("GroupInformation", &info)?),
        })
    }

    async fn add_user_to_group(
        &self,
        _context: &mut CallContext,
        request: ac::AddUserToGroup,
    ) -> Result<ac::AddUserToGroupResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        if !state.users.iter().any(|u| u.id == request.user_id) {
            return Err(fault("User not found."));
        }
        let group = state
            .groups
            .get_mut(&request.group_id)
            .ok_or_else(|| fault("Group not found."))?;
        if !group.members.contains(&request.user_id) {
            group.members.push(request.user_id);
        }
        Ok(ac::AddUserToGroupResponse {
            add_user_to_group_result: 1,
        })
    }

    async fn remove_user_from_group(
        &self,
        _context: &mut CallContext,
        request: ac::RemoveUserFromGroup,
    ) -> Result<ac::RemoveUserFromGroupResponse, ServerFault> {
        let mut state = self.session(&request.session_token)?;
        if !state.users.iter().any(|u| u.id == request.user_id) {
            return Err(fault("User not found."));
        }
        let group = state
            .groups
            .get_mut(&request.group_id)
            .ok_or_else(|| fault("Group not found."))?;
        group.members.retain(|m| *m != request.user_id);
        Ok(ac::RemoveUserFromGroupResponse {
            remove_user_from_group_result: 1,
        })
    }

    async fn lookup_everyone_group(
        &self,
        _context: &mut CallContext,
        request: ac::LookupEveryoneGroup,
    ) -> Result<ac::LookupEveryoneGroupResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let id = state
            .groups
            .values()
            .find(|g| g.everyone)
            .map(|g| g.id)
            .ok_or_else(|| fault("The Everyone group does not exist."))?;
        Ok(ac::LookupEveryoneGroupResponse {
            lookup_everyone_group_result: id,
        })
    }

    async fn lookup_user_id(
        &self,
        _context: &mut CallContext,
        request: ac::LookupUserId,
    ) -> Result<ac::LookupUserIdResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let name = request.username.unwrap_or_default();
        let user = state
            .users
            .iter()
            .find(|u| u.domain.is_none() && u.user_name.eq_ignore_ascii_case(&name))
            .ok_or_else(|| fault("User not found."))?;
        Ok(ac::LookupUserIdResponse {
            lookup_user_id_result: user.id,
        })
    }

    async fn lookup_domain_user_id(
        &self,
        _context: &mut CallContext,
        request: ac::LookupDomainUserId,
    ) -> Result<ac::LookupDomainUserIdResponse, ServerFault> {
        let state = self.session(&request.session_token)?;
        let name = request.username.unwrap_or_default();
        let domain = request.users_domain.unwrap_or_default();
        let user = state
            .users
            .iter()
            .find(|u| {
                u.user_name.eq_ignore_ascii_case(&name)
                    && u.domain
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case(&domain))
            })
            .ok_or_else(|| fault("User not found."))?;
        Ok(ac::LookupDomainUserIdResponse {
            lookup_domain_user_id_result: user.id,
        })
    }
}
