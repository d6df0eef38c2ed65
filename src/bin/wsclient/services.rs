//! The services the tool knows: their cached WSDLs, where the simulator serves them, and their
//! operations (from the generated JSON tables).

use wsclient::archer::{access_control, general};
use wsclient::json::{CallError, JsonOptions, JsonPort, OperationInfo, Value};
use wsclient::logmein_rescue::api as rescue;
use wsclient::server::wsdl::{self, CachedDescription};
use wsclient::simulator::RESCUE_PATH;
use wsclient::soap::SoapClient;

/// A message for a person, as an error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Message(pub String);

/// One service of a cached WSDL.
#[derive(Debug)]
pub struct Service {
    /// The name used on the command line.
    pub name: &'static str,
    /// What it is.
    pub title: &'static str,
    /// The cached WSDL.
    pub wsdl: CachedDescription,
    /// Where the simulator serves it.
    pub path: &'static str,
    /// Its operations (those of the SOAP 1.1 port; the SOAP 1.2 port has the same).
    pub operations: &'static [OperationInfo],
}

/// The services, in the order they are listed.
pub fn services() -> Vec<Service> {
    vec![
        Service {
            name: "rescue",
            title: "LogMeIn Rescue API.asmx",
            wsdl: wsdl::RESCUE,
            path: RESCUE_PATH,
            operations: <rescue::ApiSoap as JsonPort>::OPERATIONS,
        },
        Service {
            name: "archer-general",
            title: "RSA Archer general.asmx (sessions)",
            wsdl: wsdl::ARCHER_GENERAL,
            path: "/archer/ws/general.asmx",
            operations: <general::GeneralSoap as JsonPort>::OPERATIONS,
        },
        Service {
            name: "archer-accesscontrol",
            title: "RSA Archer accesscontrol.asmx (groups, users)",
            wsdl: wsdl::ARCHER_ACCESS_CONTROL,
            path: "/archer/ws/accesscontrol.asmx",
            operations: <access_control::AccesscontrolSoap as JsonPort>::OPERATIONS,
        },
    ]
}

/// The service named `name`, or an error listing the names.
pub fn find(name: &str) -> Result<Service, Message> {
    let all = services();
    let names: Vec<&str> = all.iter().map(|s| s.name).collect();
    all.into_iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            Message(format!(
                "unknown service {name:?}; the services are: {}",
                names.join(", ")
            ))
        })
}

/// The list of services and operations shown by `--help`.
pub fn help_text() -> String {
    let mut out = String::from("Services and their operations (for `call` and `refresh`):\n");
    for s in services() {
        out.push_str(&format!(
            "  {} ({}, wsdl/{}):\n",
            s.name, s.title, s.wsdl.path
        ));
        let names: Vec<&str> = s.operations.iter().map(|o| o.name).collect();
        let mut line = String::from("     ");
        for n in names {
            if line.len() + n.len() > 95 {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from("     ");
            }
            line.push(' ');
            line.push_str(n);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(
        "\nCommvault (XML over HTTP, no WSDL) is served by `serve` and shown by `demo`.\n\
         Run `wsclient call <service>` to see an operation's arguments.",
    );
    out
}

/// Calls `operation` of `service` at `endpoint` with JSON arguments.
pub async fn call_json(
    service: &Service,
    endpoint: &str,
    soap12: bool,
    operation: &str,
    arguments: &Value,
    options: &JsonOptions,
) -> Result<Value, CallError> {
    let client = SoapClient::builder(endpoint).build()?;
    match (service.name, soap12) {
        ("rescue", false) => {
            rescue::ApiSoap::new(client)
                .call_json(operation, arguments, options)
                .await
        }
        ("rescue", true) => {
            rescue::ApiSoap12::new(client)
                .call_json(operation, arguments, options)
                .await
        }
        ("archer-general", false) => {
            general::GeneralSoap::new(client)
                .call_json(operation, arguments, options)
                .await
        }
        ("archer-general", true) => {
            general::GeneralSoap12::new(client)
                .call_json(operation, arguments, options)
                .await
        }
        (_, false) => {
            access_control::AccesscontrolSoap::new(client)
                .call_json(operation, arguments, options)
                .await
        }
        (_, true) => {
            access_control::AccesscontrolSoap12::new(client)
                .call_json(operation, arguments, options)
                .await
        }
    }
}
