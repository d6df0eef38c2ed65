//! Commvault REST API, XML flavour: `POST Login` and `POST UserGroup` (update a user group's
//! properties).
//!
//! [`api`] holds what is generated from `wsdl/commvault/rest-api.xsd`, a schema written from
//! Commvault's public documentation (its header says what is documented and what is inferred):
//! the login request and response, and `App_UpdateUserGroupPropertiesRequest` /
//! `App_UpdateUserGroupPropertiesResponse` with their parts (user-group entity, users, security
//! associations, the `OperationType` enum `ADD` / `OVERWRITE` / `DELETE`). The elements have no
//! namespace, as in the vendor's samples. [`CommvaultClient`] adds the login flow, the
//! `Authtoken` header, the two ways of naming a group, and the mapping of `errorCode` to errors.
//!
//! The base URL is the web service root and is the caller's to choose:
//! `https://host/webconsole/api`, `https://host/commandcenter/api` or
//! `http://host:81/SearchSvc/CVWebService.svc`.
//!
//! Naming a group by name: the documentation shows `UserGroup/byName(userGroupName='{name}')`,
//! an OData key. The name is therefore written as an OData string literal (each `'` doubled),
//! and the literal is percent-encoded as UTF-8 (everything but `A-Z a-z 0-9 - . _ ~`) so that
//! reserved and non-ASCII characters survive the URL. The quoting rule is inferred from OData;
//! the documentation does not say how special characters are to be sent.

/// Types generated from `wsdl/commvault/rest-api.xsd`.
pub mod api {
    crate::include_generated!("commvault");
}

mod client;
mod error;
mod types;

pub use client::{CommvaultClient, CommvaultClientBuilder, LoginOptions};
pub use error::CommvaultError;
