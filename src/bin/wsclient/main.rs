//! `wsclient`: try the LogMeIn Rescue, RSA Archer and Commvault web services against a local
//! simulator, call any operation of a cached WSDL, and keep the cached WSDLs current.

/// `println!` that ends the process quietly when stdout is closed (`wsclient demo | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod call;
mod demo;
mod diff;
mod refresh;
mod services;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Try the LogMeIn Rescue, RSA Archer and Commvault web services against a local simulator, call
/// any operation of a cached WSDL, and keep the cached WSDLs current.
#[derive(Debug, Parser)]
#[command(name = "wsclient", version, after_help = services::help_text())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the simulator on 127.0.0.1 and walk through the demo scenarios of the three
    /// vendors, printing each call and its typed result.
    Demo,
    /// Run the simulator (Rescue, Archer, Commvault) for your own integration tests, until
    /// Ctrl-C.
    Serve {
        /// The address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Call an operation of a cached WSDL with JSON arguments and print the result as JSON.
    ///
    /// Without --endpoint the call goes to the embedded simulator, whose demo administrator's
    /// authcode (Rescue) and session token (Archer) are listed by `wsclient serve`. Without an
    /// operation, lists the service's operations and their arguments.
    #[command(after_help = services::help_text())]
    Call {
        /// The service: rescue, archer-general or archer-accesscontrol.
        service: String,
        /// The operation, as named in the WSDL (e.g. setGroup_v2).
        operation: Option<String>,
        /// All arguments as one JSON object, keyed by the XML names (or @FILE to read it from
        /// a file).
        #[arg(long, conflicts_with = "arg", value_name = "JSON")]
        json: Option<String>,
        /// One argument, NAME=VALUE; repeat for more. Dots in NAME reach into nested values
        /// (aPermissions.NODE_PERMISSIONS_V2=...); a VALUE starting with [ or { is read as JSON.
        #[arg(long = "arg", value_name = "NAME=VALUE")]
        arg: Vec<String>,
        /// The service's URL (default: the embedded simulator).
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        /// Use the SOAP 1.2 port instead of the SOAP 1.1 one.
        #[arg(long)]
        soap12: bool,
        /// Print passwords, authcodes and tokens in the result instead of <redacted>.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Download a service's live WSDL (and the files it imports) into the WSDL directory, and
    /// print what changed against the cached copy, marking the changes that break existing
    /// callers. Rebuild afterwards to regenerate the code.
    Refresh {
        /// The service: rescue, archer-general or archer-accesscontrol.
        service: String,
        /// The WSDL's URL, e.g. https://host/API/API.asmx?wsdl.
        #[arg(long, value_name = "URL")]
        from: String,
        /// The directory of cached WSDLs.
        #[arg(long, value_name = "DIR", default_value = "wsdl")]
        wsdl_dir: PathBuf,
        /// Only print the changes; write nothing.
        #[arg(long)]
        check: bool,
    },
}

/// An error for a person: what failed, then why, one cause per line.
fn report(error: &(dyn std::error::Error + 'static)) {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async move {
        match cli.command {
            Command::Demo => demo::run().await,
            Command::Serve { addr } => demo::serve(addr).await,
            Command::Call {
                service,
                operation,
                json,
                arg,
                endpoint,
                soap12,
                show_secrets,
            } => {
                call::run(call::Request {
                    service,
                    operation,
                    json,
                    args: arg,
                    endpoint,
                    soap12,
                    show_secrets,
                })
                .await
            }
            Command::Refresh {
                service,
                from,
                wsdl_dir,
                check,
            } => refresh::run(&service, &from, &wsdl_dir, check).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(e.as_ref());
            ExitCode::FAILURE
        }
    }
}
