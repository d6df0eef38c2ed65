//! Typed async clients for the LogMeIn Rescue, RSA Archer and Commvault admin web services.
#![warn(missing_docs)]

pub mod xml;

pub mod soap;

pub mod rest;

mod error;
pub use error::Error;

pub mod secret;

pub mod logmein_rescue;

pub mod archer;

pub mod commvault;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "simulator")]
pub mod simulator;

#[cfg(feature = "json")]
pub mod json;
