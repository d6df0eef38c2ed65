//! `wsclient call`: any operation of a cached WSDL, with JSON arguments checked against the
//! generated types, against an endpoint or the embedded simulator.

use wsclient::json::{CallError, JsonOptions, Map, OperationInfo, Value};
use wsclient::simulator::{seed, Simulator};

use crate::services::{self, Message, Service};

/// What `call` was asked to do.
pub struct Request {
    pub service: String,
    pub operation: Option<String>,
    pub json: Option<String>,
    pub args: Vec<String>,
    pub endpoint: Option<String>,
    pub soap12: bool,
    pub show_secrets: bool,
}

fn describe(op: &OperationInfo) -> String {
    let mut out = format!("  {}", op.name);
    if !op.documentation.is_empty() {
        out.push_str(&format!(": {}", op.documentation));
    }
    out.push('\n');
    if op.arguments.is_empty() {
        out.push_str("      (no arguments)\n");
    }
    for line in op.arguments.lines() {
        out.push_str(&format!("      {line}\n"));
    }
    out
}

fn list(service: &Service) -> String {
    let mut out = format!(
        "{} ({}): operations and their arguments (? optional, [] repeated)\n",
        service.name, service.title
    );
    for op in service.operations {
        out.push_str(&describe(op));
    }
    out
}

/// Builds the arguments object from `--json` or the `--arg NAME=VALUE` pairs.
fn arguments(json: Option<&str>, args: &[String]) -> Result<Value, Message> {
    if let Some(text) = json {
        let text = match text.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| Message(format!("cannot read the arguments from {path}: {e}")))?,
            None => text.to_owned(),
        };
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| Message(format!("--json is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(Message("--json must be a JSON object".into()));
        }
        return Ok(value);
    }
    let mut root = Map::new();
    for pair in args {
        let Some((name, raw)) = pair.split_once('=') else {
            return Err(Message(format!("--arg {pair:?} is not NAME=VALUE")));
        };
        let value = if raw.starts_with('[') || raw.starts_with('{') {
            serde_json::from_str(raw)
                .map_err(|e| Message(format!("--arg {name}: the value is not valid JSON: {e}")))?
        } else if raw == "null" {
            Value::Null
        } else {
            Value::String(raw.to_owned())
        };
        let mut keys: Vec<&str> = name.split('.').collect();
        let Some(last) = keys.pop().filter(|k| !k.is_empty()) else {
            return Err(Message(format!("--arg {pair:?} has no name")));
        };
        let mut map = &mut root;
        for key in keys {
            let entry = map
                .entry(key.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            map = match entry {
                Value::Object(m) => m,
                _ => {
                    return Err(Message(format!(
                        "--arg {name}: {key} is given a value already"
                    )))
                }
            };
        }
        map.insert(last.to_owned(), value);
    }
    Ok(Value::Object(root))
}

pub async fn run(request: Request) -> Result<(), Box<dyn std::error::Error>> {
    let service = services::find(&request.service)?;
    let Some(operation) = request.operation.as_deref() else {
        out!("{}", list(&service).trim_end());
        return Ok(());
    };
    let Some(info) = service
        .operations
        .iter()
        .find(|o| o.name == operation || o.name.eq_ignore_ascii_case(operation))
    else {
        let names: Vec<&str> = service.operations.iter().map(|o| o.name).collect();
        return Err(Box::new(Message(format!(
            "{} has no operation {operation:?}; its operations are: {}",
            service.name,
            names.join(", ")
        ))));
    };
    let args = arguments(request.json.as_deref(), &request.args)?;
    let options = JsonOptions {
        reveal_secrets: request.show_secrets,
    };
    let (endpoint, simulator) = match &request.endpoint {
        Some(e) => (e.clone(), None),
        None => {
            let sim = Simulator::new().start(([127, 0, 0, 1], 0).into()).await?;
            (sim.url(service.path), Some(sim))
        }
    };
    if simulator.is_some() {
        eprintln!(
            "Calling {}/{} on the embedded simulator at {endpoint} (demo authcode {}, Archer token {}).",
            service.name,
            info.name,
            seed::DEMO_AUTH_CODE,
            seed::ARCHER_DEMO_TOKEN
        );
    } else {
        eprintln!("Calling {}/{} at {endpoint}.", service.name, info.name);
    }
    let result = services::call_json(
        &service,
        &endpoint,
        request.soap12,
        info.name,
        &args,
        &options,
    )
    .await;
    if let Some(sim) = simulator {
        sim.shutdown().await;
    }
    match result {
        Ok(value) => {
            out!("{}", serde_json::to_string_pretty(&value)?);
            Ok(())
        }
        Err(CallError::Arguments(e)) => Err(Box::new(Message(format!(
            "invalid arguments for {}: {e}\narguments of {}:\n{}",
            info.name,
            info.name,
            info.arguments
                .lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        )))),
        Err(e) => Err(Box::new(e)),
    }
}
