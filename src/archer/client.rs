//! The Archer client: the generated port clients plus the session.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use url::Url;

use super::error::ArcherError;
use super::results::{GroupInformation, GroupList};
use super::xml_result::{is_blank, parse_keeping, XmlResult};
use super::{access_control, general};
use crate::secret::Secret;
use crate::soap::{SoapClient, SoapVersion};

/// The generated `general` port client in use.
#[derive(Debug, Clone)]
enum GeneralPort {
    Soap11(general::GeneralSoap),
    Soap12(general::GeneralSoap12),
}

/// The generated `accesscontrol` port client in use.
#[derive(Debug, Clone)]
enum AccessPort {
    Soap11(access_control::AccesscontrolSoap),
    Soap12(access_control::AccesscontrolSoap12),
}

/// Calls `$method` on whichever `general` port client is in use.
macro_rules! general {
    ($self:ident . $method:ident ($req:expr)) => {
        match &$self.general {
            GeneralPort::Soap11(p) => p.$method($req).await,
            GeneralPort::Soap12(p) => p.$method($req).await,
        }
    };
}

/// Calls `$method` on whichever `accesscontrol` port client is in use.
macro_rules! access {
    ($self:ident . $method:ident ($req:expr)) => {
        match &$self.access {
            AccessPort::Soap11(p) => p.$method($req).await,
            AccessPort::Soap12(p) => p.$method($req).await,
        }
    };
}

/// An RSA Archer web services client for groups (`accesscontrol.asmx`), with the session of
/// `general.asmx`.
///
/// Log in once with [`ArcherClient::login`] or [`ArcherClient::login_domain`]: the client keeps
/// the session token and sends it as `sessionToken` with every later call, and
/// [`ArcherClient::terminate_session`] ends the session. A method called with no session
/// fails with [`ArcherError::NotLoggedIn`] without sending anything. When Archer rejects the
/// token ([`ArcherError::is_session_expired`]) the client forgets it, so that
/// [`ArcherClient::is_logged_in`] tells whether to log in again.
///
/// ```no_run
/// # async fn run() -> Result<(), wsclient::archer::ArcherError> {
/// use wsclient::archer::ArcherClient;
/// use wsclient::soap::SoapVersion;
///
/// let client = ArcherClient::builder("https://grc.example.com/archer")
///     .soap_version(SoapVersion::V12)
///     .build()?;
/// client.login("apiuser", "Production", "secret").await?;
/// let id = client.create_group("Vendor Risk").await?;
/// client.add_user_to_group(client.lookup_user_id("jdoe").await?, id).await?;
/// client.terminate_session().await?;
/// # Ok(()) }
/// ```
///
/// Cheap to clone: clones share the connection pool and the session, so a login or a
/// `terminate_session` through one clone applies to all. The token never shows in `Debug`
/// output, in error messages or in logs.
#[derive(Clone)]
pub struct ArcherClient {
    general: GeneralPort,
    access: AccessPort,
    session: Arc<RwLock<Option<Secret<String>>>>,
}

impl fmt::Debug for ArcherClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArcherClient")
            .field("general", &self.general_endpoint().as_str())
            .field("access_control", &self.access_control_endpoint().as_str())
            .field("soap_version", &self.soap_version())
            .field("logged_in", &self.is_logged_in())
            .finish_non_exhaustive()
    }
}

/// Settings for an [`ArcherClient`]; made by [`ArcherClient::builder`].
#[derive(Debug, Clone)]
pub struct ArcherClientBuilder {
    base_url: String,
    version: SoapVersion,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
}

impl ArcherClientBuilder {
    /// SOAP 1.1 (the default; ports `generalSoap`, `accesscontrolSoap`) or SOAP 1.2 (ports
    /// `generalSoap12`, `accesscontrolSoap12`).
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

    /// Uses this HTTP client (for a proxy, custom root certificates, and so on); see
    /// [`SoapClientBuilder::http_client`](crate::soap::SoapClientBuilder::http_client).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client: one SOAP client configuration, shared by both services.
    ///
    /// Fails with [`ArcherError::InvalidBaseUrl`] if the base URL is not usable (see
    /// [`ArcherClient::builder`]) and with [`ArcherError::Setup`] if the HTTP client cannot be
    /// set up.
    pub fn build(self) -> Result<ArcherClient, ArcherError> {
        let (general_url, _) = service_urls(&self.base_url)?;
        let mut builder = SoapClient::builder(general_url.as_str());
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(ua) = self.user_agent {
            builder = builder.user_agent(ua);
        }
        if let Some(http) = self.http_client {
            builder = builder.http_client(http);
        }
        let soap = builder.build().map_err(ArcherError::Setup)?;
        ArcherClient::from_soap_client(&soap, &self.base_url, self.version)
    }
}

/// `<base>/ws/general.asmx` and `<base>/ws/accesscontrol.asmx`.
fn service_urls(base_url: &str) -> Result<(Url, Url), ArcherError> {
    let invalid = |reason: String| ArcherError::InvalidBaseUrl { reason };
    let base = Url::parse(base_url.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not {:?}",
            base.scheme()
        )));
    }
    if base.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host".into()));
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(invalid(
            "the URL has a query or a fragment; give the installation's base URL, e.g. https://host/archer".into(),
        ));
    }
    let path = base.path().trim_end_matches('/');
    if path.to_ascii_lowercase().ends_with(".asmx") {
        return Err(invalid(
            "the URL names a service; give the installation's base URL, e.g. https://host/archer"
                .into(),
        ));
    }
    let service = |file: &str| {
        let mut url = base.clone();
        url.set_path(&format!("{path}/ws/{file}"));
        url
    };
    Ok((service("general.asmx"), service("accesscontrol.asmx")))
}

impl ArcherClient {
    /// Settings for a client of the installation at `base_url`: the URL under which Archer
    /// serves `ws/general.asmx` and `ws/accesscontrol.asmx`, e.g. `https://host/archer`,
    /// `https://host/RSAarcher` or `https://host` (a trailing `/` is ignored). The URL is
    /// checked by [`ArcherClientBuilder::build`].
    pub fn builder(base_url: impl Into<String>) -> ArcherClientBuilder {
        ArcherClientBuilder {
            base_url: base_url.into(),
            version: SoapVersion::V11,
            connect_timeout: None,
            timeout: None,
            user_agent: None,
            http_client: None,
        }
    }

    /// A client that sends through `soap`'s HTTP client and settings (its endpoint is not
    /// used), to the services under `base_url` (see [`ArcherClient::builder`]).
    pub fn from_soap_client(
        soap: &SoapClient,
        base_url: &str,
        version: SoapVersion,
    ) -> Result<Self, ArcherError> {
        let (general_url, access_url) = service_urls(base_url)?;
        let general_client = soap
            .with_endpoint(general_url.as_str())
            .map_err(ArcherError::Setup)?;
        let access_client = soap
            .with_endpoint(access_url.as_str())
            .map_err(ArcherError::Setup)?;
        let (general, access) = match version {
            SoapVersion::V11 => (
                GeneralPort::Soap11(general::GeneralSoap::new(general_client)),
                AccessPort::Soap11(access_control::AccesscontrolSoap::new(access_client)),
            ),
            SoapVersion::V12 => (
                GeneralPort::Soap12(general::GeneralSoap12::new(general_client)),
                AccessPort::Soap12(access_control::AccesscontrolSoap12::new(access_client)),
            ),
        };
        Ok(Self {
            general,
            access,
            session: Arc::new(RwLock::new(None)),
        })
    }

    /// The SOAP version in use.
    pub fn soap_version(&self) -> SoapVersion {
        match &self.general {
            GeneralPort::Soap11(_) => SoapVersion::V11,
            GeneralPort::Soap12(_) => SoapVersion::V12,
        }
    }

    /// The `general.asmx` URL the session methods are sent to.
    pub fn general_endpoint(&self) -> &Url {
        match &self.general {
            GeneralPort::Soap11(p) => p.soap_client().endpoint(),
            GeneralPort::Soap12(p) => p.soap_client().endpoint(),
        }
    }

    /// The `accesscontrol.asmx` URL the group methods are sent to.
    pub fn access_control_endpoint(&self) -> &Url {
        match &self.access {
            AccessPort::Soap11(p) => p.soap_client().endpoint(),
            AccessPort::Soap12(p) => p.soap_client().endpoint(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // The session

    /// Whether the client holds a session token.
    pub fn is_logged_in(&self) -> bool {
        self.session.read().map(|s| s.is_some()).unwrap_or(false)
    }

    /// The session token held, e.g. to call Archer's REST API
    /// (`Authorization: Archer session-id="<token>"`) in the same session.
    pub fn session_token(&self) -> Option<Secret<String>> {
        self.session.read().ok().and_then(|s| s.clone())
    }

    /// Uses a session token obtained elsewhere.
    pub fn set_session_token(&self, token: Secret<String>) {
        if let Ok(mut slot) = self.session.write() {
            *slot = Some(token);
        }
    }

    /// Forgets the session token without ending the session on the server.
    pub fn clear_session(&self) {
        if let Ok(mut slot) = self.session.write() {
            *slot = None;
        }
    }

    /// Forgets `token` if it is still the one held (another task may have logged in since).
    fn forget(&self, token: &Secret<String>) {
        if let Ok(mut slot) = self.session.write() {
            if slot.as_ref().is_some_and(|t| t.expose() == token.expose()) {
                *slot = None;
            }
        }
    }

    /// The token held, or [`ArcherError::NotLoggedIn`].
    fn token(&self, operation: &'static str) -> Result<Secret<String>, ArcherError> {
        self.session_token()
            .ok_or(ArcherError::NotLoggedIn { operation })
    }

    /// Turns a failed call made with `token` into an [`ArcherError`], forgetting the token when
    /// Archer rejected it.
    fn failed(
        &self,
        operation: &'static str,
        token: &Secret<String>,
        error: crate::Error,
    ) -> ArcherError {
        let error = ArcherError::from_call(operation, error, &[token.expose()]);
        if error.is_session_expired() {
            self.forget(token);
            tracing::info!(
                operation,
                "Archer rejected the session token; it was dropped"
            );
        } else {
            tracing::debug!(operation, "Archer call failed");
        }
        error
    }

    /// Keeps a new session token.
    fn start_session(
        &self,
        operation: &'static str,
        token: Option<String>,
    ) -> Result<(), ArcherError> {
        match token.filter(|t| !t.trim().is_empty()) {
            Some(token) => {
                self.set_session_token(Secret::new(token.trim().to_owned()));
                tracing::info!(operation, soap_version = ?self.soap_version(), "logged in to Archer");
                Ok(())
            }
            None => Err(ArcherError::MissingResult { operation }),
        }
    }

    /// `CreateUserSessionFromInstance`: logs in as a local user of instance `instance_name`,
    /// and keeps the session token for later calls (replacing any held before).
    pub async fn login(
        &self,
        user_name: &str,
        instance_name: &str,
        password: &str,
    ) -> Result<(), ArcherError> {
        const OP: &str = "CreateUserSessionFromInstance";
        let request = general::CreateUserSessionFromInstance {
            user_name: Some(user_name.to_owned()),
            instance_name: Some(instance_name.to_owned()),
            password: Some(password.to_owned()),
        };
        let response = general!(self.create_user_session_from_instance(&request))
            .map_err(|e| ArcherError::from_call(OP, e, &[password]))?;
        self.start_session(OP, response.create_user_session_from_instance_result)
    }

    /// `CreateDomainUserSessionFromInstance`: logs in as a user of domain `users_domain`, and
    /// keeps the session token for later calls (replacing any held before).
    pub async fn login_domain(
        &self,
        user_name: &str,
        instance_name: &str,
        password: &str,
        users_domain: &str,
    ) -> Result<(), ArcherError> {
        const OP: &str = "CreateDomainUserSessionFromInstance";
        let request = general::CreateDomainUserSessionFromInstance {
            user_name: Some(user_name.to_owned()),
            instance_name: Some(instance_name.to_owned()),
            password: Some(password.to_owned()),
            users_domain: Some(users_domain.to_owned()),
        };
        let response = general!(self.create_domain_user_session_from_instance(&request))
            .map_err(|e| ArcherError::from_call(OP, e, &[password]))?;
        self.start_session(OP, response.create_domain_user_session_from_instance_result)
    }

    /// `TerminateSession`: ends the session held, and forgets its token.
    ///
    /// Archer's documentation advises against terminating a sysadmin session.
    pub async fn terminate_session(&self) -> Result<(), ArcherError> {
        const OP: &str = "TerminateSession";
        let token = self.token(OP)?;
        let request = general::TerminateSession {
            session_token: Some(token.expose().clone()),
        };
        let response =
            general!(self.terminate_session(&request)).map_err(|e| self.failed(OP, &token, e))?;
        expect_one(OP, response.terminate_session_result)?;
        self.forget(&token);
        tracing::info!("Archer session terminated");
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // AccessControl

    /// `CreateGroup`: creates a group named `group_name`; returns its ID.
    pub async fn create_group(&self, group_name: &str) -> Result<i32, ArcherError> {
        const OP: &str = "CreateGroup";
        let token = self.token(OP)?;
        let request = access_control::CreateGroup {
            session_token: Some(token.expose().clone()),
            group_name: Some(group_name.to_owned()),
        };
        let response =
            access!(self.create_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        Ok(response.create_group_result)
    }

    /// `UpdateGroup`: renames group `group_id` to `group_name`.
    pub async fn update_group(&self, group_id: i32, group_name: &str) -> Result<(), ArcherError> {
        const OP: &str = "UpdateGroup";
        let token = self.token(OP)?;
        let request = access_control::UpdateGroup {
            session_token: Some(token.expose().clone()),
            group_id,
            group_name: Some(group_name.to_owned()),
        };
        let response =
            access!(self.update_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        expect_one(OP, response.update_group_result)
    }

    /// `DeleteGroup`: deletes group `group_id`.
    pub async fn delete_group(&self, group_id: i32) -> Result<(), ArcherError> {
        const OP: &str = "DeleteGroup";
        let token = self.token(OP)?;
        let request = access_control::DeleteGroup {
            session_token: Some(token.expose().clone()),
            group_id,
        };
        let response =
            access!(self.delete_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        expect_one(OP, response.delete_group_result)
    }

    /// `LookupGroup`: the groups whose name is exactly `keyword` (none is an empty list).
    pub async fn lookup_group(&self, keyword: &str) -> Result<XmlResult<GroupList>, ArcherError> {
        const OP: &str = "LookupGroup";
        let token = self.token(OP)?;
        let request = access_control::LookupGroup {
            session_token: Some(token.expose().clone()),
            keyword: Some(keyword.to_owned()),
        };
        let response =
            access!(self.lookup_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        group_list(OP, response.lookup_group_result)
    }

    /// `GetGroup`: the display name of group `group_id`.
    pub async fn get_group(&self, group_id: i32) -> Result<String, ArcherError> {
        const OP: &str = "GetGroup";
        let token = self.token(OP)?;
        let request = access_control::GetGroup {
            session_token: Some(token.expose().clone()),
            group_id,
        };
        let response = access!(self.get_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        response
            .get_group_result
            .ok_or(ArcherError::MissingResult { operation: OP })
    }

    /// `GetGroups`: the ID, name and description of every group.
    pub async fn get_groups(&self) -> Result<XmlResult<GroupList>, ArcherError> {
        const OP: &str = "GetGroups";
        let token = self.token(OP)?;
        let request = access_control::GetGroups {
            session_token: Some(token.expose().clone()),
        };
        let response =
            access!(self.get_groups(&request)).map_err(|e| self.failed(OP, &token, e))?;
        group_list(OP, response.get_groups_result)
    }

    /// `GetGroupInformation`: group `group_id` with its parents, children and members.
    pub async fn get_group_information(
        &self,
        group_id: i32,
    ) -> Result<XmlResult<GroupInformation>, ArcherError> {
        const OP: &str = "GetGroupInformation";
        let token = self.token(OP)?;
        let request = access_control::GetGroupInformation {
            session_token: Some(token.expose().clone()),
            group_id,
        };
        let response = access!(self.get_group_information(&request))
            .map_err(|e| self.failed(OP, &token, e))?;
        let raw = response
            .get_group_information_result
            .ok_or(ArcherError::MissingResult { operation: OP })?;
        xml_result(OP, raw)
    }

    /// `AddUserToGroup`: makes user `user_id` a member of group `group_id`.
    pub async fn add_user_to_group(&self, user_id: i32, group_id: i32) -> Result<(), ArcherError> {
        const OP: &str = "AddUserToGroup";
        let token = self.token(OP)?;
        let request = access_control::AddUserToGroup {
            session_token: Some(token.expose().clone()),
            user_id,
            group_id,
        };
        let response =
            access!(self.add_user_to_group(&request)).map_err(|e| self.failed(OP, &token, e))?;
        expect_one(OP, response.add_user_to_group_result)
    }

    /// `RemoveUserFromGroup`: removes user `user_id` from group `group_id`.
    pub async fn remove_user_from_group(
        &self,
        user_id: i32,
        group_id: i32,
    ) -> Result<(), ArcherError> {
        const OP: &str = "RemoveUserFromGroup";
        let token = self.token(OP)?;
        let request = access_control::RemoveUserFromGroup {
            session_token: Some(token.expose().clone()),
            user_id,
            group_id,
        };
        let response = access!(self.remove_user_from_group(&request))
            .map_err(|e| self.failed(OP, &token, e))?;
        expect_one(OP, response.remove_user_from_group_result)
    }

    /// `LookupEveryoneGroup`: the ID of the Everyone group.
    pub async fn lookup_everyone_group(&self) -> Result<i32, ArcherError> {
        const OP: &str = "LookupEveryoneGroup";
        let token = self.token(OP)?;
        let request = access_control::LookupEveryoneGroup {
            session_token: Some(token.expose().clone()),
        };
        let response = access!(self.lookup_everyone_group(&request))
            .map_err(|e| self.failed(OP, &token, e))?;
        Ok(response.lookup_everyone_group_result)
    }

    /// `LookupUserId`: the ID of the local user `user_name`.
    pub async fn lookup_user_id(&self, user_name: &str) -> Result<i32, ArcherError> {
        const OP: &str = "LookupUserId";
        let token = self.token(OP)?;
        let request = access_control::LookupUserId {
            session_token: Some(token.expose().clone()),
            username: Some(user_name.to_owned()),
        };
        let response =
            access!(self.lookup_user_id(&request)).map_err(|e| self.failed(OP, &token, e))?;
        Ok(response.lookup_user_id_result)
    }

    /// `LookupDomainUserId`: the ID of user `user_name` of domain `users_domain`.
    pub async fn lookup_domain_user_id(
        &self,
        user_name: &str,
        users_domain: &str,
    ) -> Result<i32, ArcherError> {
        const OP: &str = "LookupDomainUserId";
        let token = self.token(OP)?;
        let request = access_control::LookupDomainUserId {
            session_token: Some(token.expose().clone()),
            username: Some(user_name.to_owned()),
            users_domain: Some(users_domain.to_owned()),
        };
        let response = access!(self.lookup_domain_user_id(&request))
            .map_err(|e| self.failed(OP, &token, e))?;
        Ok(response.lookup_domain_user_id_result)
    }
}

/// The methods documented to return 1 on success (and to fail with a fault otherwise).
fn expect_one(operation: &'static str, value: i32) -> Result<(), ArcherError> {
    if value == 1 {
        Ok(())
    } else {
        Err(ArcherError::UnexpectedResult { operation, value })
    }
}

/// Reads a string result as an XML document.
fn xml_result<T: crate::xml::FromXml>(
    operation: &'static str,
    raw: String,
) -> Result<XmlResult<T>, ArcherError> {
    match parse_keeping::<T>(raw) {
        Ok(result) => Ok(result),
        Err((source, raw)) => Err(ArcherError::ResultXml {
            operation,
            raw,
            source,
        }),
    }
}

/// Reads a `Groups` result; a missing or blank string is an empty list.
fn group_list(
    operation: &'static str,
    raw: Option<String>,
) -> Result<XmlResult<GroupList>, ArcherError> {
    match raw {
        Some(raw) if !is_blank(&raw) => xml_result(operation, raw),
        other => Ok(XmlResult::new(
            GroupList { group: Vec::new() },
            other.unwrap_or_default(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_service_urls() {
        for (base, general, access) in [
            (
                "https://grc.example.com/archer",
                "https://grc.example.com/archer/ws/general.asmx",
                "https://grc.example.com/archer/ws/accesscontrol.asmx",
            ),
            (
                " https://grc.example.com/RSAarcher/ ",
                "https://grc.example.com/RSAarcher/ws/general.asmx",
                "https://grc.example.com/RSAarcher/ws/accesscontrol.asmx",
            ),
            (
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/ws/general.asmx",
                "http://127.0.0.1:8080/ws/accesscontrol.asmx",
            ),
        ] {
            let (g, a) = service_urls(base).unwrap();
            assert_eq!((g.as_str(), a.as_str()), (general, access), "{base}");
        }
        for bad in [
            "grc.example.com/archer",
            "ftp://grc.example.com/archer",
            "https://grc.example.com/archer?x=1",
            "https://grc.example.com/archer/ws/general.asmx",
            "",
        ] {
            assert!(
                matches!(service_urls(bad), Err(ArcherError::InvalidBaseUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_shows_no_token() {
        let client = ArcherClient::builder("https://grc.example.com/archer")
            .build()
            .unwrap();
        assert!(!client.is_logged_in());
        client.set_session_token(Secret::from("0123456789ABCDEF0123456789ABCDEF"));
        let shown = format!("{client:?}");
        assert!(!shown.contains("0123456789ABCDEF"), "{shown}");
        assert!(shown.contains("logged_in: true"), "{shown}");
        let other = client.clone();
        other.clear_session();
        assert!(!client.is_logged_in());
    }

    #[test]
    fn client_is_shareable_across_tasks() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<ArcherClient>();
    }
}
