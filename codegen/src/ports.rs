//! Binds the WSDL's operations to Rust: one client per SOAP port (and per SOAP binding that no
//! port uses), with, per operation, the request and response types and the SOAP headers it
//! sends.
//!
//! - document style: the body holds the single body part's element, as the schema declares it;
//! - rpc style (literal): the body holds an element named after the operation (its response:
//!   the operation name followed by `Response`), in the `soap:body` `namespace`, with one child
//!   per part: an unqualified element named after the part for a `type=` part, the part's own
//!   element for an `element=` part. A struct is generated for each of these wrappers;
//! - `soap:header` parts of the request become arguments of the client method, after the
//!   request; headers declared for the response are listed in a warning, since the runtime
//!   hands back the response body only.

use std::collections::BTreeSet;

use crate::error::Error;
use crate::model::{Model, TypeRef, WrapperPart};
use crate::naming::{self, Scope};
use crate::render::{ClientOpBuilder, HeaderArg, PortClient};
use crate::schema::SchemaModel;
use crate::wsdl::{Binding, BoundMessage, Definitions, Part, QName, Service, Style};

/// The model of a WSDL's types and its clients, with their Rust names: every message part's
/// element or type (used or not), and what the clients' operations use. Adds the constructs it
/// represents loosely or skips to `warnings`; a part that refers to an undefined element or
/// type is an error.
pub(crate) fn wsdl_model<'t>(
    defs: &Definitions,
    schemas: &'t SchemaModel,
    secret: &'t dyn Fn(&str) -> bool,
    warnings: &mut Vec<String>,
) -> Result<(Model<'t>, Vec<PortClient>), Error> {
    let mut model = Model::new(&schemas.types, secret);
    model.set_abstract_types(schemas.abstract_types.clone());
    for message in &defs.messages {
        for part in &message.parts {
            let found = match (&part.element, &part.type_) {
                (Some(e), _) => model.element(e).is_some(),
                (None, Some(t)) => model.type_(t).is_some(),
                (None, None) => true,
            };
            if !found {
                let what = part.element.as_ref().or(part.type_.as_ref());
                let location = &part.location;
                return Err(Error::at(
                    &location.file,
                    format!(
                        "{} in <message name=\"{}\">",
                        location.describe(),
                        message.name.name
                    ),
                    if part.element.is_some() {
                        "wsdl:part element="
                    } else {
                        "wsdl:part type="
                    },
                    format!(
                        "refers to {}, which no schema in the WSDL defines",
                        what.map(ToString::to_string).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    let mut ports = build_ports(defs, &mut model, warnings);
    let mut port_scope = Scope::default();
    for p in &mut ports {
        p.rust_name = port_scope.claim(naming::type_name(&p.port));
    }
    let reserved: Vec<&str> = ports.iter().map(|p| p.rust_name.as_str()).collect();
    model.finish(&reserved);
    warnings.extend(model.notes.iter().cloned());
    Ok((model, ports))
}

/// Adds a warning unless it is already there (a binding used by several ports would repeat it).
fn push_once(warnings: &mut Vec<String>, warning: String) {
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}

/// The parts of `message` that go into the body: those `parts=` names (all when it is absent),
/// less those bound as headers.
fn body_parts<'d>(message: &'d crate::wsdl::Message, bound: &BoundMessage) -> Vec<&'d Part> {
    message
        .parts
        .iter()
        .filter(|p| match &bound.parts {
            Some(names) => names.contains(&p.name),
            None => !bound
                .headers
                .iter()
                .any(|(m, part)| *m == message.name && *part == p.name),
        })
        .collect()
}

/// The body of a document-style message: its single part's element.
fn document_body(
    defs: &Definitions,
    model: &mut Model<'_>,
    message: Option<&QName>,
    bound: &BoundMessage,
) -> Result<Option<(QName, TypeRef)>, String> {
    let Some(message) = message else {
        return Ok(None);
    };
    let msg = defs
        .message(message)
        .ok_or_else(|| format!("message {message} is not defined"))?;
    let parts = body_parts(msg, bound);
    match parts.as_slice() {
        [part] => match &part.element {
            Some(e) => {
                let ty = model
                    .element(e)
                    .ok_or_else(|| format!("element {e} is not defined"))?;
                Ok(Some((e.clone(), ty)))
            }
            None => Err(format!(
                "message {} part `{}` uses type= in a document-style operation, where the body \
                 must be an element (element=)",
                message.name, part.name
            )),
        },
        [] => Err(format!("message {} has no body part", message.name)),
        _ => Err(format!(
            "message {} has {} body parts; document style with several parts is not supported",
            message.name,
            parts.len()
        )),
    }
}

/// The body of an rpc-style message: the wrapper element `{namespace}wrapper` and its struct.
fn rpc_body(
    defs: &Definitions,
    model: &mut Model<'_>,
    operation: &str,
    wrapper: String,
    message: Option<&QName>,
    bound: &BoundMessage,
) -> Result<Option<(QName, TypeRef)>, String> {
    let Some(message) = message else {
        return Ok(None);
    };
    let msg = defs
        .message(message)
        .ok_or_else(|| format!("message {message} is not defined"))?;
    let ns = bound
        .namespace
        .clone()
        .unwrap_or_else(|| defs.target_namespace.clone());
    let mut parts = Vec::new();
    for part in body_parts(msg, bound) {
        let (xml_name, part_ns, ty) = match (&part.element, &part.type_) {
            (Some(e), _) => (
                e.name.clone(),
                (!e.ns.is_empty()).then(|| e.ns.clone()),
                model
                    .element(e)
                    .ok_or_else(|| format!("element {e} is not defined"))?,
            ),
            (None, Some(t)) => (
                part.name.clone(),
                None,
                model
                    .type_(t)
                    .ok_or_else(|| format!("type {t} is not defined"))?,
            ),
            (None, None) => {
                return Err(format!(
                    "message {} part `{}` has neither element= nor type=",
                    message.name, part.name
                ))
            }
        };
        parts.push(WrapperPart {
            xml_name,
            ns: part_ns,
            ty,
        });
    }
    let element = QName { ns, name: wrapper };
    let ty = model.rpc_wrapper(&element, operation, &message.name, parts);
    Ok(Some((element, ty)))
}

/// The arguments for the request headers an operation declares, or why one cannot be sent.
fn header_args(
    defs: &Definitions,
    model: &mut Model<'_>,
    headers: &[(QName, String)],
) -> Result<Vec<HeaderArg>, String> {
    let mut names = Scope::with_reserved(&["self", "request", "client", "OPERATION"]);
    let mut args = Vec::new();
    for (message, part_name) in headers {
        let part = defs
            .message(message)
            .ok_or_else(|| format!("its header message {message} is not defined"))?
            .parts
            .iter()
            .find(|p| p.name == *part_name)
            .ok_or_else(|| format!("its header message {message} has no part `{part_name}`"))?;
        let Some(element) = &part.element else {
            return Err(format!(
                "its header part `{part_name}` of message {} uses type=; a header must be an \
                 element (element=)",
                message.name
            ));
        };
        let ty = model
            .element(element)
            .ok_or_else(|| format!("its header element {element} is not defined"))?;
        args.push(HeaderArg {
            rust_name: names.claim(naming::field_name(part_name)),
            element: element.clone(),
            ty,
        });
    }
    Ok(args)
}

/// The client of one SOAP binding, reached through `port` of `service` (both `None` for a
/// binding no port uses).
fn bind(
    defs: &Definitions,
    model: &mut Model<'_>,
    warnings: &mut Vec<String>,
    binding: &Binding,
    service: Option<&Service>,
    port: Option<&crate::wsdl::Port>,
) -> Option<PortClient> {
    let version = binding.version?;
    let port_type = defs.port_type(&binding.port_type);
    // The client's own methods, and those of the traits it implements: an inherent
    // `clone(&self, request)` would hide `Clone::clone` from the client's users.
    let mut methods = Scope::with_reserved(&[
        "new",
        "soap_client",
        "with_default_endpoint",
        "clone",
        "clone_from",
        "fmt",
        "to_owned",
    ]);
    let mut operations = Vec::new();
    let mut unread_headers = Vec::new();
    for bop in &binding.operations {
        let Some(aop) = port_type.and_then(|pt| pt.operations.iter().find(|o| o.name == bop.name))
        else {
            push_once(
                warnings,
                format!(
                    "operation {} of binding {} has no port type operation; skipped",
                    bop.name, binding.name.name
                ),
            );
            continue;
        };
        let skip = |why: String, warnings: &mut Vec<String>| {
            push_once(
                warnings,
                format!(
                    "operation {} of binding {}: {why}; skipped",
                    bop.name, binding.name.name
                ),
            );
        };
        let (input, output) = match bop.style {
            Style::Document => (
                document_body(defs, model, aop.input.as_ref(), &bop.input),
                document_body(defs, model, aop.output.as_ref(), &bop.output),
            ),
            Style::Rpc => (
                rpc_body(
                    defs,
                    model,
                    &bop.name,
                    bop.name.clone(),
                    aop.input.as_ref(),
                    &bop.input,
                ),
                rpc_body(
                    defs,
                    model,
                    &bop.name,
                    format!("{}Response", bop.name),
                    aop.output.as_ref(),
                    &bop.output,
                ),
            ),
        };
        let input = match input {
            Ok(Some(i)) => i,
            Ok(None) => {
                skip("it has no input message".into(), warnings);
                continue;
            }
            Err(why) => {
                skip(why, warnings);
                continue;
            }
        };
        let output = match output {
            Ok(o) => o,
            Err(why) => {
                skip(why, warnings);
                continue;
            }
        };
        let headers = match header_args(defs, model, &bop.input.headers) {
            Ok(h) => h,
            Err(why) => {
                skip(why, warnings);
                continue;
            }
        };
        if !bop.output.headers.is_empty() {
            unread_headers.push(bop.name.clone());
        }
        operations.push(ClientOpBuilder {
            name: bop.name.clone(),
            rust_name: methods.claim(naming::field_name(&bop.name)),
            documentation: aop.documentation.clone(),
            soap_action: bop.soap_action.clone(),
            rpc: bop.style == Style::Rpc,
            input,
            output,
            headers,
            response_headers: bop
                .output
                .headers
                .iter()
                .map(|(m, p)| format!("{p} of {}", m.name))
                .collect(),
            faults: aop.faults.iter().map(|(n, _)| n.clone()).collect(),
        });
    }
    if !unread_headers.is_empty() {
        push_once(
            warnings,
            format!(
                "binding {}: the SOAP headers declared for the responses of {} are not read \
                 (the client methods return the response body only)",
                binding.name.name,
                unread_headers.join(", ")
            ),
        );
    }
    Some(PortClient {
        rust_name: String::new(),
        service: service.map(|s| s.name.clone()).unwrap_or_default(),
        service_docs: service.and_then(|s| s.documentation.clone()),
        port: port.map_or_else(|| binding.name.name.clone(), |p| p.name.clone()),
        binding: binding.name.name.clone(),
        version,
        address: port.and_then(|p| p.address.clone()),
        port_type_docs: port_type.and_then(|p| p.documentation.clone()),
        operations,
    })
}

/// The clients: one per SOAP port of every service, then one per SOAP binding that no port
/// uses (named after the binding, with no default endpoint).
pub(crate) fn build_ports(
    defs: &Definitions,
    model: &mut Model<'_>,
    warnings: &mut Vec<String>,
) -> Vec<PortClient> {
    let mut ports = Vec::new();
    let mut used = BTreeSet::new();
    for service in &defs.services {
        for port in &service.ports {
            let Some(binding) = defs.binding(&port.binding) else {
                warnings.push(format!(
                    "port {} refers to binding {}, which is not defined; skipped",
                    port.name, port.binding
                ));
                continue;
            };
            used.insert(binding.name.clone());
            ports.extend(bind(
                defs,
                model,
                warnings,
                binding,
                Some(service),
                Some(port),
            ));
        }
    }
    for binding in defs.bindings.iter().filter(|b| !used.contains(&b.name)) {
        ports.extend(bind(defs, model, warnings, binding, None, None));
    }
    ports
}
