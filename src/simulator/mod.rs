//! A local stand-in for the LogMeIn Rescue, RSA Archer and Commvault services (feature
//! `simulator`), for integration tests and for trying calls: the generated server traits
//! implemented over state held in memory, seeded with a small demo organisation
//! ([`seed`]), served over HTTP on an address of your choice.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wsclient::logmein_rescue::RescueClient;
//! use wsclient::simulator::{seed, Simulator};
//!
//! let sim = Simulator::new().start("127.0.0.1:0".parse()?).await?;
//! let client = RescueClient::builder().endpoint(sim.rescue_url()).build()?;
//! client.login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD).await?;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! | service | path | base URL for the client |
//! | --- | --- | --- |
//! | Rescue `API.asmx` (SOAP 1.1 and 1.2, `?wsdl`) | [`RESCUE_PATH`] | [`RunningSimulator::rescue_url`] |
//! | Archer `general.asmx`, `accesscontrol.asmx` | [`ARCHER_BASE`]`/ws/...` | [`RunningSimulator::archer_base_url`] |
//! | Commvault `Login`, `UserGroup/...` | [`COMMVAULT_BASE`]`/...` | [`RunningSimulator::commvault_base_url`] |
//!
//! The rules each service follows are in [`rescue`], [`archer`] and [`commvault`]. The clock
//! is injectable ([`Simulator::with_clock`], [`ManualClock`]) so that tests of idle expiry need
//! not wait.

pub mod archer;
pub mod clock;
pub mod commvault;
pub mod rescue;
pub mod seed;
mod token;

use std::net::SocketAddr;
use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};

use crate::archer::access_control::server::AccesscontrolSoapDispatcher;
use crate::archer::general::server::GeneralSoapDispatcher;
use crate::logmein_rescue::api::server::ApiSoapDispatcher;
use crate::server::{wsdl, RunningServer, Server, ServerBuilder};

/// Where the Rescue service is served.
pub const RESCUE_PATH: &str = "/API/API.asmx";
/// The Archer installation's base path (`/ws/general.asmx` and `/ws/accesscontrol.asmx` below it).
pub const ARCHER_BASE: &str = "/archer";
/// The Commvault web service root.
pub const COMMVAULT_BASE: &str = "/webconsole/api";

/// The three simulated services, with their state.
#[derive(Debug, Clone)]
pub struct Simulator {
    rescue: Arc<rescue::RescueSim>,
    archer: Arc<archer::ArcherSim>,
    commvault: Arc<commvault::CommvaultSim>,
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Simulator {
    /// The demo organisation, on the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }

    /// The demo organisation, on `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        Self {
            rescue: Arc::new(rescue::RescueSim::new(
                seed::rescue(now),
                Arc::clone(&clock),
            )),
            archer: Arc::new(archer::ArcherSim::new(seed::archer())),
            commvault: Arc::new(commvault::CommvaultSim::new(seed::commvault(), clock)),
        }
    }

    /// The Rescue service.
    pub fn rescue(&self) -> &Arc<rescue::RescueSim> {
        &self.rescue
    }

    /// The Archer services.
    pub fn archer(&self) -> &Arc<archer::ArcherSim> {
        &self.archer
    }

    /// The Commvault service.
    pub fn commvault(&self) -> &Arc<commvault::CommvaultSim> {
        &self.commvault
    }

    /// The routes of the three services, for a server of your own (add routes to it).
    pub fn routes(&self, builder: ServerBuilder) -> ServerBuilder {
        builder
            .soap_with_wsdl(
                RESCUE_PATH,
                ApiSoapDispatcher::from_arc(Arc::clone(&self.rescue)),
                wsdl::RESCUE.text,
            )
            .soap_with_wsdl(
                &format!("{ARCHER_BASE}/ws/general.asmx"),
                GeneralSoapDispatcher::from_arc(Arc::clone(&self.archer)),
                wsdl::ARCHER_GENERAL.text,
            )
            .soap_with_wsdl(
                &format!("{ARCHER_BASE}/ws/accesscontrol.asmx"),
                AccesscontrolSoapDispatcher::from_arc(Arc::clone(&self.archer)),
                wsdl::ARCHER_ACCESS_CONTROL.text,
            )
            .http(COMMVAULT_BASE, Arc::clone(&self.commvault))
    }

    /// Serves the three services on `addr` (port 0 picks a free port).
    pub async fn start(self, addr: SocketAddr) -> std::io::Result<RunningSimulator> {
        let server = self.routes(Server::builder()).bind(addr).await?;
        Ok(RunningSimulator {
            simulator: self,
            server,
        })
    }
}

/// A simulator being served.
#[derive(Debug)]
pub struct RunningSimulator {
    simulator: Simulator,
    server: RunningServer,
}

impl RunningSimulator {
    /// The simulated services and their state.
    pub fn simulator(&self) -> &Simulator {
        &self.simulator
    }

    /// The address served.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The Rescue endpoint, `http://<addr>/API/API.asmx`.
    pub fn rescue_url(&self) -> String {
        self.server.url(RESCUE_PATH)
    }

    /// The Archer base URL, `http://<addr>/archer`.
    pub fn archer_base_url(&self) -> String {
        self.server.url(ARCHER_BASE)
    }

    /// The Commvault web service root, `http://<addr>/webconsole/api`.
    pub fn commvault_base_url(&self) -> String {
        self.server.url(COMMVAULT_BASE)
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// Stops serving, letting calls in progress finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
