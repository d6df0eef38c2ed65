//! The Rescue client: the generated port clients plus the two ways of authenticating.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::api;
use super::error::RescueError;
use super::result::RescueResponse;
use crate::secret::Secret;
use crate::soap::{SoapClient, SoapVersion};

/// The generated port client in use: `APISoap` (SOAP 1.1) or `APISoap12` (SOAP 1.2).
#[derive(Debug, Clone)]
enum Port {
    Soap11(api::ApiSoap),
    Soap12(api::ApiSoap12),
}

/// Calls `$method` on whichever port client is in use; a failure has the `secrets` removed
/// from the texts the service sent back.
macro_rules! dispatch {
    ($self:ident . $method:ident ($req:expr), $secrets:expr) => {
        match &$self.port {
            Port::Soap11(p) => p.$method($req).await,
            Port::Soap12(p) => p.$method($req).await,
        }
        .map_err(|e| e.redact($secrets))
    };
}

/// A LogMeIn Rescue API client.
///
/// Authenticate once, with either flow, and every later call is authenticated:
/// - [`RescueClient::login`] starts a server session held in the `ASP.NET_SessionId` cookie,
///   which the client keeps and sends (it expires after 20 minutes without calls);
/// - [`RescueClient::request_auth_code`] obtains a secret authcode, which the client then puts
///   into the `sAuthCode` element of every request that has one and that leaves it empty.
///
/// Every method returns the operation's typed response; its result code is typed too, and
/// [`RescueResponse::into_result`] turns a non-OK code into an error:
///
/// ```no_run
/// # async fn run() -> Result<(), wsclient::logmein_rescue::RescueError> {
/// use wsclient::logmein_rescue::{api, RescueClient, RescueResponse};
///
/// let client = RescueClient::builder().build()?;
/// client.request_auth_code("admin@example.com", "secret").await?;
/// let done = client
///     .cancel_action(api::CancelAction { i_session: 12345678, s_auth_code: None })
///     .await?
///     .into_result()?;
/// assert!(done.cancel_action_result == api::CancelActionRet::Ok);
/// # Ok(()) }
/// ```
///
/// Cheap to clone: clones share the connection pool, the cookie session and the authcode.
#[derive(Debug, Clone)]
pub struct RescueClient {
    port: Port,
    auth_code: Arc<RwLock<Option<Secret<String>>>>,
}

/// Settings for a [`RescueClient`]; made by [`RescueClient::builder`].
#[derive(Debug, Clone)]
pub struct RescueClientBuilder {
    endpoint: String,
    version: SoapVersion,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
}

impl RescueClientBuilder {
    /// The service URL (default `https://secure.logmeinrescue.com/API/API.asmx`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// SOAP 1.1 (the default, port `APISoap`) or SOAP 1.2 (port `APISoap12`).
    pub fn soap_version(mut self, version: SoapVersion) -> Self {
        self.version = version;
        self
    }

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

    /// Builds the client (with a cookie store, which the `login` session needs).
    pub fn build(self) -> Result<RescueClient, crate::Error> {
        let mut builder = SoapClient::builder(&self.endpoint).cookie_store(true);
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(ua) = self.user_agent {
            builder = builder.user_agent(ua);
        }
        Ok(RescueClient::from_soap_client(
            builder.build()?,
            self.version,
        ))
    }
}

impl RescueClient {
    /// Settings for a new client.
    pub fn builder() -> RescueClientBuilder {
        RescueClientBuilder {
            endpoint: api::ApiSoap::DEFAULT_ENDPOINT.to_owned(),
            version: SoapVersion::V11,
            connect_timeout: None,
            timeout: None,
            user_agent: None,
        }
    }

    /// A client over an existing SOAP client (which must keep cookies for `login` to work).
    pub fn from_soap_client(client: SoapClient, version: SoapVersion) -> Self {
        let port = match version {
            SoapVersion::V11 => Port::Soap11(api::ApiSoap::new(client)),
            SoapVersion::V12 => Port::Soap12(api::ApiSoap12::new(client)),
        };
        Self {
            port,
            auth_code: Arc::new(RwLock::new(None)),
        }
    }

    /// The SOAP client underneath (endpoint, cookies).
    pub fn soap_client(&self) -> &SoapClient {
        match &self.port {
            Port::Soap11(p) => p.soap_client(),
            Port::Soap12(p) => p.soap_client(),
        }
    }

    /// The SOAP version in use.
    pub fn soap_version(&self) -> SoapVersion {
        match &self.port {
            Port::Soap11(_) => SoapVersion::V11,
            Port::Soap12(_) => SoapVersion::V12,
        }
    }

    /// Whether the client holds an authcode.
    pub fn has_auth_code(&self) -> bool {
        self.auth_code.read().map(|a| a.is_some()).unwrap_or(false)
    }

    /// Uses an authcode obtained earlier (authcodes do not expire; requesting a new one
    /// invalidates the old one).
    pub fn set_auth_code(&self, auth_code: Secret<String>) {
        if let Ok(mut slot) = self.auth_code.write() {
            *slot = Some(auth_code);
        }
    }

    /// Fills an empty `sAuthCode` with the authcode the client holds.
    fn fill(&self, slot: &mut Option<String>) {
        if slot.is_none() {
            if let Ok(code) = self.auth_code.read() {
                *slot = code.as_ref().map(|c| c.expose().clone());
            }
        }
    }

    /// Logs in: the session is kept in the `ASP.NET_SessionId` cookie. Fails with the
    /// `loginRet` code unless it is `login_OK`.
    pub async fn login(&self, email: &str, password: &str) -> Result<(), RescueError> {
        let request = api::Login {
            s_email: Some(email.to_owned()),
            s_password: Some(password.to_owned()),
        };
        dispatch!(self.login(&request), &[password])?.into_result()?;
        tracing::info!(soap_version = ?self.soap_version(), "logged in to LogMeIn Rescue");
        Ok(())
    }

    /// Ends the cookie session.
    pub async fn logout(&self) -> Result<api::LogoutResponse, RescueError> {
        Ok(dispatch!(self.logout(&api::Logout {}), &[])?)
    }

    /// Requests a secret authcode and keeps it for later calls. Fails with the
    /// `requestAuthCode` code unless it is OK.
    pub async fn request_auth_code(&self, email: &str, password: &str) -> Result<(), RescueError> {
        let request = api::RequestAuthCode {
            s_email: Some(email.to_owned()),
            s_password: Some(password.to_owned()),
        };
        let response = dispatch!(self.request_auth_code(&request), &[password])?.into_result()?;
        match response.s_auth_code.filter(|c| !c.is_empty()) {
            Some(code) => {
                self.set_auth_code(Secret::new(code));
                tracing::info!("obtained a LogMeIn Rescue authcode");
                Ok(())
            }
            None => Err(RescueError::MissingAuthCode),
        }
    }
}

/// Methods for the operations that take an `sAuthCode`: an empty one is filled in.
macro_rules! authenticated {
    ($($(#[$doc:meta])* $method:ident($req:ident) -> $resp:ident;)*) => {
        impl RescueClient {$(
            $(#[$doc])*
            pub async fn $method(&self, mut request: api::$req) -> Result<api::$resp, RescueError> {
                self.fill(&mut request.s_auth_code);
                let code = request.s_auth_code.as_deref().unwrap_or_default();
                Ok(dispatch!(self.$method(&request), &[code])?)
            }
        )*}
    };
}

authenticated! {
    /// `setGroup_v2`: updates a group's name, status, permissions and seat limits.
    set_group_v2(SetGroupV2) -> SetGroupV2Response;
    /// `setGroup`: updates a group (permissions of the first version).
    set_group(SetGroup) -> SetGroupResponse;
    /// `getGroup`: reads a group.
    get_group(GetGroup) -> GetGroupResponse;
    /// `cancelAction`: cancels the action an administrator performed on a session.
    cancel_action(CancelAction) -> CancelActionResponse;
    /// `transferSession`: transfers a session to a technician (`NODE`) or a channel (`CHANNEL`).
    transfer_session(TransferSession) -> TransferSessionResponse;
    /// `startSession`: starts a session.
    start_session(StartSession) -> StartSessionResponse;
    /// `closeSession`: closes a session.
    close_session(CloseSession) -> CloseSessionResponse;
    /// `getSession_V3`: lists the sessions of a node.
    get_session_v3(GetSessionV3) -> GetSessionV3Response;
}
