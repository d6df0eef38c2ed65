//! Commvault's REST API (XML flavour), simulated: `POST Login` and `POST UserGroup/...`, read
//! and written with the types generated from `wsdl/commvault/rest-api.xsd`.
//!
//! | request | answer |
//! | --- | --- |
//! | `POST Login` with a known user name and the Base64 of the password | the login response with `token="QSDK <hex>"`, `userName`, `userGUID`, `smtpAddress`, `aliasName` |
//! | `POST Login` otherwise (unknown user, wrong password, password not Base64) | `errList errorCode="5" errLogMessage="Invalid Username or Password"` |
//! | any other request without a valid `Authtoken` | HTTP 401; a token expires after `timeout` minutes without calls (30 by default) |
//! | `POST UserGroup/{id}` or `POST UserGroup/byName(userGroupName='{name}')` | `errorCode="0"` and the group's name and id once applied |
//! | a body that is not an `App_UpdateUserGroupPropertiesRequest` | HTTP 400 |
//! | another path or method | HTTP 404 / 405 |
//!
//! An update is checked whole before anything changes; the first problem gives a non-zero
//! `errorCode` with an `errorString`. The codes are the simulator's own (Commvault documents
//! only 0 for success):
//!
//! | `errorCode` | meaning |
//! | --- | --- |
//! | 1 | no user group with that id or name |
//! | 2 | the body's `userGroupEntity` names another group than the URL |
//! | 3 | `newName` is empty or another group's name |
//! | 4 | a user in `users` does not exist |
//! | 5 | a role in an association does not exist |
//! | 6 | an operation type other than `ADD`, `OVERWRITE`, `DELETE` |
//! | 7 | an association names no entity, or has an empty permission list |
//! | 8 | `isBlackListed` other than 0 or 1 |
//!
//! Users (`usersOperationType`, `ADD` when absent) and security associations
//! (`associationsOperationType`): `ADD` adds the listed ones that are not there yet,
//! `OVERWRITE` replaces the list with them, `DELETE` removes them (listed ones that are not
//! there are ignored). `enabled`, `description` and `isBlackListed` are set when given, and
//! `newName` renames.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hyper::header::HeaderValue;
use hyper::Method;
use percent_encoding::percent_decode_str;

use crate::commvault::api;
use crate::rest::read_document;
use crate::server::{BoxFuture, HttpHandler, HttpRequest, HttpResponse};
use crate::xml::{Field, ToXml, XmlWriter};

use super::clock::Clock;
use super::token::{token, HEX};

/// The default token lifetime without calls.
pub const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A CommCell user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) name: String,
    pub(crate) password: String,
    pub(crate) email: String,
    pub(crate) full_name: String,
    pub(crate) guid: String,
}

/// A user group.
#[derive(Debug, Clone, PartialEq)]
pub struct UserGroup {
    /// Its id.
    pub id: i32,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// `isBlackListed`: 1 blocks laptop activation.
    pub black_listed: i32,
    /// Member user names.
    pub users: Vec<String>,
    /// Security associations.
    pub associations: Vec<api::SecurityAssociation>,
}

pub(crate) struct Token {
    last_used: Instant,
    timeout: Duration,
}

/// Users, groups, roles and tokens.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<UserGroup>,
    pub(crate) roles: Vec<String>,
    pub(crate) tokens: HashMap<String, Token>,
}

/// The simulated Commvault web service, served under a base path such as `/webconsole/api`.
pub struct CommvaultSim {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CommvaultSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommvaultSim").finish_non_exhaustive()
    }
}

fn xml_answer<T: ToXml>(root: &'static str, value: &T) -> HttpResponse {
    let mut w = XmlWriter::new();
    w.declaration();
    match w.element(None, root, value) {
        Ok(()) => HttpResponse::new(200, "application/xml; charset=utf-8", w.into_bytes()),
        Err(e) => HttpResponse::text(500, format!("the answer could not be written: {e}")),
    }
}

fn failure(
    group: Option<&UserGroup>,
    code: i64,
    message: String,
) -> api::AppUpdateUserGroupPropertiesResponse {
    api::AppUpdateUserGroupPropertiesResponse {
        response: vec![api::GenericResponse {
            error_code: code,
            error_string: Some(message),
            entity: group.map(|g| api::ResponseEntity {
                user_group_name: Some(g.name.clone()),
                user_group_id: Some(g.id),
            }),
        }],
    }
}

/// The group a `UserGroup/...` path names: by id or by an OData string literal.
enum GroupKey {
    Id(i32),
    Name(String),
}

fn group_key(rest: &str) -> Option<GroupKey> {
    let rest = rest.strip_prefix("UserGroup/")?;
    if let Some(literal) = rest
        .strip_prefix("byName(userGroupName=")
        .and_then(|r| r.strip_suffix(')'))
    {
        let decoded = percent_decode_str(literal).decode_utf8().ok()?;
        let inner = decoded.strip_prefix('\'')?.strip_suffix('\'')?;
        return Some(GroupKey::Name(inner.replace("''", "'")));
    }
    rest.parse().ok().map(GroupKey::Id)
}

fn entity_is_named(e: &api::Entity) -> bool {
    [
        &e.app_name,
        &e.backupset_name,
        &e.client_group_name,
        &e.client_name,
        &e.comm_cell_name,
        &e.container_name,
        &e.library_name,
        &e.location_name,
        &e.media_agent_name,
        &e.provider_domain_name,
        &e.schedule_policy_name,
        &e.shelf_name,
        &e.storage_policy_name,
        &e.subclient_name,
        &e.tracking_policy_name,
        &e.user_group_name,
        &e.user_name,
    ]
    .iter()
    .any(|n| n.as_deref().is_some_and(|n| !n.trim().is_empty()))
}

/// Applies an operation type to a list.
fn apply<T: PartialEq + Clone>(list: &mut Vec<T>, op: &api::OperationType, items: &[T]) {
    match op {
        api::OperationType::Overwrite => *list = items.to_vec(),
        api::OperationType::Delete => list.retain(|x| !items.contains(x)),
        _ => {
            for item in items {
                if !list.contains(item) {
                    list.push(item.clone());
                }
            }
        }
    }
}

impl CommvaultSim {
    pub(crate) fn new(state: State, clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::new(state),
            clock,
        }
    }

    fn lock(&self) -> Option<MutexGuard<'_, State>> {
        self.state.lock().ok()
    }

    /// A user group as it stands, by id.
    pub fn user_group(&self, id: i32) -> Option<UserGroup> {
        self.lock()?.groups.iter().find(|g| g.id == id).cloned()
    }

    fn login(&self, body: &[u8]) -> HttpResponse {
        const REQUEST: Field = Field::new(None, "DM2ContentIndexing_CheckCredentialReq");
        let request: api::Dm2ContentIndexingCheckCredentialReq = match read_document(body, REQUEST)
        {
            Ok(r) => r,
            Err(e) => {
                return HttpResponse::text(
                    400,
                    format!("The login request could not be read: {e}\n"),
                )
            }
        };
        let Some(mut state) = self.lock() else {
            return HttpResponse::text(500, "unusable state");
        };
        let password = base64::engine::general_purpose::STANDARD
            .decode(request.password.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        let user = state
            .users
            .iter()
            .find(|u| {
                u.name.eq_ignore_ascii_case(&request.username)
                    && Some(&u.password) == password.as_ref()
            })
            .cloned();
        let mut answer = api::Dm2ContentIndexingCheckCredentialResp {
            alias_name: None,
            user_guid: None,
            login_attempts: None,
            remaining_lock_time: None,
            smtp_address: None,
            user_name: None,
            provider_type: None,
            ccn: None,
            token: None,
            capability: None,
            force_password_change: None,
            is_account_locked: None,
            owner_organization: None,
            err_list: Vec::new(),
        };
        match user {
            Some(u) => {
                let token = format!("QSDK {}", token(64, HEX));
                let minutes = request.timeout.filter(|m| *m > 0).map(|m| m as u64);
                state.tokens.insert(
                    token.clone(),
                    Token {
                        last_used: self.clock.now(),
                        timeout: minutes
                            .map_or(DEFAULT_TOKEN_TIMEOUT, |m| Duration::from_secs(m * 60)),
                    },
                );
                answer.alias_name = Some(u.full_name.clone());
                answer.user_guid = Some(u.guid.clone());
                answer.login_attempts = Some(0);
                answer.remaining_lock_time = Some(0);
                answer.smtp_address = Some(u.email.clone());
                answer.user_name = Some(u.name.clone());
                answer.provider_type = Some(1);
                answer.ccn = Some(0);
                answer.token = Some(token);
                answer.force_password_change = Some(false);
                answer.is_account_locked = Some(false);
            }
            None => answer.err_list.push(api::LoginError {
                error_code: Some(5),
                err_log_message: Some("Invalid Username or Password".into()),
            }),
        }
        xml_answer("DM2ContentIndexing_CheckCredentialResp", &answer)
    }

    /// Whether the request carries a live token (and touches it).
    fn authorised(&self, request: &HttpRequest) -> bool {
        let Some(token) = request.header("authtoken") else {
            return false;
        };
        let now = self.clock.now();
        let Some(mut state) = self.lock() else {
            return false;
        };
        match state.tokens.get_mut(token) {
            Some(t) if now.duration_since(t.last_used) < t.timeout => {
                t.last_used = now;
                true
            }
            Some(_) => {
                state.tokens.remove(token);
                false
            }
            None => false,
        }
    }

    fn update(&self, key: GroupKey, body: &[u8]) -> HttpResponse {
        const REQUEST: Field = Field::new(None, "App_UpdateUserGroupPropertiesRequest");
        let request: api::AppUpdateUserGroupPropertiesRequest = match read_document(body, REQUEST) {
            Ok(r) => r,
            Err(e) => {
                return HttpResponse::text(400, format!("The request could not be read: {e}\n"))
            }
        };
        let Some(mut state) = self.lock() else {
            return HttpResponse::text(500, "unusable state");
        };
        let answer = Self::apply_update(&mut state, key, request.groups);
        xml_answer("App_UpdateUserGroupPropertiesResponse", &answer)
    }

    fn apply_update(
        state: &mut State,
        key: GroupKey,
        props: api::UserGroupProperties,
    ) -> api::AppUpdateUserGroupPropertiesResponse {
        let found = match &key {
            GroupKey::Id(id) => state.groups.iter().position(|g| g.id == *id),
            GroupKey::Name(n) => state
                .groups
                .iter()
                .position(|g| g.name.eq_ignore_ascii_case(n)),
        };
        let Some(index) = found else {
            let name = match key {
                GroupKey::Id(id) => id.to_string(),
                GroupKey::Name(n) => n,
            };
            return failure(None, 1, format!("User group [{name}] not found."));
        };
        let group = state.groups[index].clone();
        let entity = &props.user_group_entity;
        let mismatch = entity.user_group_id.is_some_and(|id| id != group.id)
            || entity
                .user_group_name
                .as_deref()
                .is_some_and(|n| !n.eq_ignore_ascii_case(&group.name));
        if mismatch {
            return failure(
                Some(&group),
                2,
                "The user group in the request body is not the one in the URL.".into(),
            );
        }
        if let Some(new_name) = &entity.new_name {
            let taken = state
                .groups
                .iter()
                .any(|g| g.id != group.id && g.name.eq_ignore_ascii_case(new_name.trim()));
            if new_name.trim().is_empty() || taken {
                return failure(
                    Some(&group),
                    3,
                    format!("The name [{new_name}] cannot be used."),
                );
            }
        }
        if props.is_black_listed.is_some_and(|b| !(0..=1).contains(&b)) {
            return failure(Some(&group), 8, "isBlackListed must be 0 or 1.".into());
        }
        let users_op = props
            .users_operation_type
            .clone()
            .unwrap_or(api::OperationType::Add);
        if let api::OperationType::Unknown(op) = &users_op {
            return failure(Some(&group), 6, format!("Invalid operation type [{op}]."));
        }
        let names: Vec<String> = props.users.iter().map(|u| u.user_name.clone()).collect();
        if let Some(unknown) = names
            .iter()
            .find(|n| !state.users.iter().any(|u| u.name.eq_ignore_ascii_case(n)))
        {
            return failure(Some(&group), 4, format!("User [{unknown}] not found."));
        }
        if let Some(sa) = &props.security_associations {
            if let api::OperationType::Unknown(op) = &sa.associations_operation_type {
                return failure(Some(&group), 6, format!("Invalid operation type [{op}]."));
            }
            for a in &sa.associations {
                if a.entities.entity.is_empty() || !a.entities.entity.iter().all(entity_is_named) {
                    return failure(
                        Some(&group),
                        7,
                        "An association must name its entities.".into(),
                    );
                }
                match &a.properties.choice {
                    api::AssociationPropertiesChoice::Role(r) => {
                        if !state
                            .roles
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(&r.role_name))
                        {
                            return failure(
                                Some(&group),
                                5,
                                format!("Role [{}] not found.", r.role_name),
                            );
                        }
                    }
                    api::AssociationPropertiesChoice::CategoryPermission(c) => {
                        if c.categories_permission_list.is_empty() {
                            return failure(
                                Some(&group),
                                7,
                                "An association must grant a role or permissions.".into(),
                            );
                        }
                    }
                }
            }
        }
        let g = &mut state.groups[index];
        if let Some(new_name) = &entity.new_name {
            g.name = new_name.trim().to_owned();
        }
        if let Some(b) = props.is_black_listed {
            g.black_listed = b;
        }
        if let Some(e) = props.enabled {
            g.enabled = e;
        }
        if let Some(d) = &props.description {
            g.description = d.clone();
        }
        if !names.is_empty() || users_op == api::OperationType::Overwrite {
            apply(&mut g.users, &users_op, &names);
        }
        if let Some(sa) = &props.security_associations {
            apply(
                &mut g.associations,
                &sa.associations_operation_type,
                &sa.associations,
            );
        }
        api::AppUpdateUserGroupPropertiesResponse {
            response: vec![api::GenericResponse {
                error_code: 0,
                error_string: None,
                entity: Some(api::ResponseEntity {
                    user_group_name: Some(g.name.clone()),
                    user_group_id: Some(g.id),
                }),
            }],
        }
    }

    fn serve(&self, request: HttpRequest) -> HttpResponse {
        let rest = request.rest.clone();
        if rest.eq_ignore_ascii_case("Login") {
            if request.method != Method::POST {
                return HttpResponse::text(405, "Use POST.\n");
            }
            return self.login(&request.body);
        }
        let Some(key) = group_key(&rest) else {
            return HttpResponse::text(404, format!("No resource at {}.\n", request.path));
        };
        if request.method != Method::POST {
            return HttpResponse::text(405, "Use POST.\n");
        }
        if !self.authorised(&request) {
            let mut r = HttpResponse::text(
                401,
                "Access denied: log in (POST Login) and send the token as Authtoken.\n",
            );
            r.headers.push((
                hyper::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Authtoken"),
            ));
            return r;
        }
        self.update(key, &request.body)
    }
}

impl HttpHandler for CommvaultSim {
    fn handle(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse> {
        Box::pin(async move { self.serve(request) })
    }
}

impl HttpHandler for Arc<CommvaultSim> {
    fn handle(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse> {
        Box::pin(async move { self.serve(request) })
    }
}
