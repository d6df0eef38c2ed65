//! Typed async clients for the LogMeIn Rescue, RSA Archer and Commvault admin web services.
#![warn(missing_docs)]

pub mod xml;
