//! The Commvault client: login with the token it yields, and user-group updates.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::api;
use super::error::CommvaultError;
use crate::rest::{encode_path_segment, RestClient, XmlOperation};
use crate::secret::Secret;
use crate::xml::Field;

/// The header that carries the token on every call after login.
const AUTHTOKEN: HeaderName = HeaderName::from_static("authtoken");

const LOGIN: XmlOperation = XmlOperation {
    name: "POST Login",
    request: Field::new(None, "DM2ContentIndexing_CheckCredentialReq"),
    response: Field::new(None, "DM2ContentIndexing_CheckCredentialResp"),
};

const UPDATE_USER_GROUP: XmlOperation = XmlOperation {
    name: "POST UserGroup",
    request: Field::new(None, "App_UpdateUserGroupPropertiesRequest"),
    response: Field::new(None, "App_UpdateUserGroupPropertiesResponse"),
};

/// Optional settings of a login, beyond the user name and password.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginOptions {
    /// The domain of a domain user (`domain`).
    pub domain: Option<String>,
    /// The CommServe to log in to, when it is not the one of the web server (`commserver`).
    pub commserver: Option<String>,
    /// How long the token lives without calls, in minutes (`timeout`; the service's default
    /// is 30).
    pub timeout_minutes: Option<i32>,
    /// The `mode` attribute, which older service versions require as `Webconsole`.
    pub mode: Option<String>,
}

/// A Commvault REST API client (XML bodies).
///
/// [`CommvaultClient::login`] obtains a token and keeps it; every later call sends it in the
/// `Authtoken` header. The token expires after 30 minutes without calls; a call made with an
/// expired token fails with [`CommvaultError::Unauthorized`], and logging in again fixes it.
///
/// ```no_run
/// # async fn run() -> Result<(), wsclient::commvault::CommvaultError> {
/// use wsclient::commvault::{api, CommvaultClient};
///
/// let client = CommvaultClient::builder("https://commserve.example.com/webconsole/api").build()?;
/// client.login("admin", "password").await?;
/// let mut group = api::UserGroupProperties::new(api::UserGroupEntity::by_name("Operators"));
/// group.users_operation_type = Some(api::OperationType::Add);
/// group.users.push(api::UserEntity { user_name: "jsmith".into() });
/// client.update_user_group_by_name("Operators", group).await?;
/// # Ok(()) }
/// ```
///
/// Cheap to clone: clones share the connection pool and the token. Neither the password nor
/// the token shows in `Debug` output or logs.
#[derive(Debug, Clone)]
pub struct CommvaultClient {
    rest: RestClient,
    token: Arc<RwLock<Option<Secret<String>>>>,
}

/// Settings for a [`CommvaultClient`]; made by [`CommvaultClient::builder`].
#[derive(Debug, Clone)]
pub struct CommvaultClientBuilder {
    base_url: String,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    max_response_bytes: Option<usize>,
}

impl CommvaultClientBuilder {
    /// How long to wait for a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long a whole call may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<CommvaultClient, CommvaultError> {
        let mut builder = RestClient::builder(&self.base_url);
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(ua) = self.user_agent {
            builder = builder.user_agent(ua);
        }
        if let Some(limit) = self.max_response_bytes {
            builder = builder.max_response_bytes(limit);
        }
        Ok(CommvaultClient::from_rest_client(
            builder.build().map_err(CommvaultError::Call)?,
        ))
    }
}

impl CommvaultClient {
    /// Settings for a client of the web service at `base_url`: the root that the API paths
    /// follow, such as `https://host/webconsole/api`, `https://host/commandcenter/api` or
    /// `http://host:81/SearchSvc/CVWebService.svc`.
    pub fn builder(base_url: impl Into<String>) -> CommvaultClientBuilder {
        CommvaultClientBuilder {
            base_url: base_url.into(),
            connect_timeout: None,
            timeout: None,
            user_agent: None,
            max_response_bytes: None,
        }
    }

    /// A client over an existing XML-over-HTTP client (its base URL is the web service root).
    pub fn from_rest_client(rest: RestClient) -> Self {
        Self {
            rest,
            token: Arc::new(RwLock::new(None)),
        }
    }

    /// The XML-over-HTTP client underneath (base URL, settings).
    pub fn rest_client(&self) -> &RestClient {
        &self.rest
    }

    /// Whether the client holds a token.
    pub fn has_token(&self) -> bool {
        self.token.read().map(|t| t.is_some()).unwrap_or(false)
    }

    /// The token the client holds, for example to keep it between runs.
    pub fn token(&self) -> Option<Secret<String>> {
        self.token.read().ok().and_then(|t| t.clone())
    }

    /// Uses a token obtained earlier (`QSDK ...`, sent unchanged in `Authtoken`). Fails with
    /// [`CommvaultError::InvalidToken`] if it cannot be sent in a header.
    pub fn set_token(&self, token: Secret<String>) -> Result<(), CommvaultError> {
        HeaderValue::from_str(token.expose()).map_err(|_| CommvaultError::InvalidToken)?;
        if let Ok(mut slot) = self.token.write() {
            *slot = Some(token);
        }
        Ok(())
    }

    /// Forgets the token.
    pub fn clear_token(&self) {
        if let Ok(mut slot) = self.token.write() {
            *slot = None;
        }
    }

    /// Logs in (`POST Login`) and keeps the token for later calls. The password is sent
    /// Base64-encoded (of its UTF-8 bytes), as the API requires.
    ///
    /// Returns what the service says about the user; its `token` is left empty (the client
    /// keeps it: see [`CommvaultClient::token`]). Fails with
    /// [`CommvaultError::LoginRefused`] when the answer holds an `errList` or no token, and with
    /// [`CommvaultError::Unauthorized`] on HTTP 401.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<api::Dm2ContentIndexingCheckCredentialResp, CommvaultError> {
        self.login_with(username, password, LoginOptions::default())
            .await
    }

    /// Like [`CommvaultClient::login`], with a domain, a CommServe, a token lifetime or a mode.
    pub async fn login_with(
        &self,
        username: &str,
        password: &str,
        options: LoginOptions,
    ) -> Result<api::Dm2ContentIndexingCheckCredentialResp, CommvaultError> {
        let request = api::Dm2ContentIndexingCheckCredentialReq {
            mode: options.mode,
            domain: options.domain,
            username: username.to_owned(),
            password: base64::engine::general_purpose::STANDARD.encode(password.as_bytes()),
            commserver: options.commserver,
            timeout: options.timeout_minutes,
        };
        let mut response: api::Dm2ContentIndexingCheckCredentialResp = self
            .rest
            .post_xml("Login", &LOGIN, &request, &HeaderMap::new())
            .await
            .map_err(|e| e.redact(&[password, request.password.as_str()]))?;
        if let Some(first) = response.err_list.first() {
            return Err(CommvaultError::LoginRefused {
                error_code: first.error_code,
                message: first.err_log_message.clone(),
            });
        }
        let token = response
            .token
            .take()
            .filter(|t| !t.trim().is_empty())
            .ok_or(CommvaultError::LoginRefused {
                error_code: None,
                message: None,
            })?;
        self.set_token(Secret::new(token))?;
        tracing::info!("logged in to Commvault");
        Ok(response)
    }

    /// Updates the properties of the user group with this id (`POST UserGroup/{id}`).
    ///
    /// Fails with [`CommvaultError::Api`] when a `response` carries an `errorCode` other than
    /// 0, and with [`CommvaultError::NotLoggedIn`] without a token.
    pub async fn update_user_group_by_id(
        &self,
        user_group_id: i32,
        properties: api::UserGroupProperties,
    ) -> Result<api::AppUpdateUserGroupPropertiesResponse, CommvaultError> {
        self.update_user_group(&format!("UserGroup/{user_group_id}"), properties)
            .await
    }

    /// Updates the properties of the user group with this name
    /// (`POST UserGroup/byName(userGroupName='...')`).
    ///
    /// The name is written as an OData string literal (a `'` is doubled) and then
    /// percent-encoded (every byte of its UTF-8 form other than `A-Z a-z 0-9 - . _ ~`), so that
    /// quotes, spaces, `/`, `?`, `#`, `%` and non-ASCII characters reach the service intact.
    /// Fails like [`CommvaultClient::update_user_group_by_id`], and with
    /// [`CommvaultError::InvalidArgument`] for an empty name.
    pub async fn update_user_group_by_name(
        &self,
        user_group_name: &str,
        properties: api::UserGroupProperties,
    ) -> Result<api::AppUpdateUserGroupPropertiesResponse, CommvaultError> {
        if user_group_name.is_empty() {
            return Err(CommvaultError::InvalidArgument {
                reason: "the user-group name is empty".into(),
            });
        }
        self.update_user_group(&by_name_path(user_group_name), properties)
            .await
    }

    async fn update_user_group(
        &self,
        path: &str,
        properties: api::UserGroupProperties,
    ) -> Result<api::AppUpdateUserGroupPropertiesResponse, CommvaultError> {
        let headers = self.auth_headers()?;
        let request = api::AppUpdateUserGroupPropertiesRequest { groups: properties };
        let response: api::AppUpdateUserGroupPropertiesResponse = self
            .rest
            .post_xml(path, &UPDATE_USER_GROUP, &request, &headers)
            .await
            .map_err(|e| {
                let token = self.token();
                e.redact(&[token.as_ref().map_or("", |t| t.expose().as_str())])
            })?;
        check_responses(UPDATE_USER_GROUP.name, &response.response)?;
        Ok(response)
    }

    /// The `Authtoken` header, marked sensitive.
    fn auth_headers(&self) -> Result<HeaderMap, CommvaultError> {
        let token = self.token().ok_or(CommvaultError::NotLoggedIn)?;
        let mut value =
            HeaderValue::from_str(token.expose()).map_err(|_| CommvaultError::InvalidToken)?;
        value.set_sensitive(true);
        let mut headers = HeaderMap::with_capacity(1);
        headers.insert(AUTHTOKEN, value);
        Ok(headers)
    }
}

/// The path of a user group by name: `UserGroup/byName(userGroupName='<literal>')`, the literal
/// being the name with each `'` doubled (OData), percent-encoded.
fn by_name_path(name: &str) -> String {
    format!(
        "UserGroup/byName(userGroupName='{}')",
        encode_path_segment(&name.replace('\'', "''"))
    )
}

/// Fails with the first `errorCode` other than 0; with none at all, the outcome is unknown.
fn check_responses(
    operation: &'static str,
    responses: &[api::GenericResponse],
) -> Result<(), CommvaultError> {
    if responses.is_empty() {
        return Err(CommvaultError::NoResult { operation });
    }
    match responses.iter().find(|r| r.error_code != 0) {
        Some(failed) => Err(CommvaultError::Api {
            operation,
            error_code: failed.error_code,
            error_string: failed.error_string.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_shareable_across_tasks() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<CommvaultClient>();
    }

    #[test]
    fn paths_of_user_groups_by_name() {
        assert_eq!(
            by_name_path("DEV_0012"),
            "UserGroup/byName(userGroupName='DEV_0012')"
        );
        assert_eq!(
            by_name_path("O'Brien's group"),
            "UserGroup/byName(userGroupName='O%27%27Brien%27%27s%20group')"
        );
        assert_eq!(
            by_name_path("Équipe/Ops?#%"),
            "UserGroup/byName(userGroupName='%C3%89quipe%2FOps%3F%23%25')"
        );
    }

    #[test]
    fn error_codes_other_than_zero_fail() {
        let ok = |code| api::GenericResponse {
            error_code: code,
            error_string: None,
            entity: None,
        };
        assert!(check_responses("op", &[ok(0)]).is_ok());
        assert!(matches!(
            check_responses("op", &[]),
            Err(CommvaultError::NoResult { operation: "op" })
        ));
        let err = check_responses("op", &[ok(0), ok(7)]).unwrap_err();
        assert_eq!(err.error_code(), Some(7));
    }

    #[test]
    fn tokens_are_checked_and_never_shown() {
        let client = CommvaultClient::builder("https://cv.example.com/webconsole/api")
            .build()
            .unwrap();
        assert!(!client.has_token());
        assert!(matches!(
            client.auth_headers(),
            Err(CommvaultError::NotLoggedIn)
        ));
        assert!(matches!(
            client.set_token(Secret::from("QSDK a\nb")),
            Err(CommvaultError::InvalidToken)
        ));
        client.set_token(Secret::from("QSDK 0123abcd")).unwrap();
        assert!(client.has_token());
        let headers = client.auth_headers().unwrap();
        assert!(headers["authtoken"].is_sensitive());
        let shown = format!("{client:?} {headers:?}");
        assert!(!shown.contains("0123abcd"), "{shown}");
        client.clear_token();
        assert!(!client.has_token());
    }
}
