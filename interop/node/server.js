#!/usr/bin/env node
// Serves one WSDL with the `soap` package from the npm registry (a SOAP stack that others wrote
// and run in production), for the interoperability tests in tests/interop.rs.
//
//   node server.js --wsdl ../../wsdl/archer/general.asmx.wsdl [--host 127.0.0.1] [--port 0]
//                  [--watch-stdin]
//
// Every operation of every port of the WSDL gets a handler made from the WSDL itself. A handler
// records what the `soap` package parsed out of the request (the arguments as a JSON object, the
// SOAP headers, the HTTP headers that select the operation, the raw request), then answers with
// the reply the test set for that operation: a result object, which the `soap` package writes
// as the operation's output element, or a fault. A request with the SOAP 1.2 media type
// (`application/soap+xml`) is answered with a SOAP 1.2 envelope and fault, any other with SOAP
// 1.1.
//
// Once listening, one JSON line goes to stdout:
//   {"event":"listening","endpoint":"http://127.0.0.1:PORT/<path of the WSDL's address>",
//    "control":"http://127.0.0.1:PORT/__interop"}
// The control paths (JSON in, JSON out):
//   PUT  /__interop/reply/<operation>  the reply to every later call of <operation>:
//        {"result": {...}}  the output element's content, as the `soap` package takes it;
//        {"fault": {"code": "Client" | "Server", "subcode": "x:Y"?, "reason": "...",
//                   "detail": {...}?}}  a fault (Client/Server become Sender/Receiver in 1.2).
//   GET  /__interop/calls              the calls recorded since the last GET, oldest first.
// Anything else outside the SOAP path gets 404. The process ends on SIGTERM or SIGINT, and with
// --watch-stdin also when its stdin closes, so that a test that dies does not leave it behind.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const soap = require('soap');

const CONTROL = '/__interop';
const MAX_BODY = 4 * 1024 * 1024;

function usage(message) {
  process.stderr.write(`server.js: ${message}\nusage: node server.js --wsdl FILE [--host 127.0.0.1] [--port 0] [--watch-stdin]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 0, wsdl: null, watchStdin: false };
  for (let i = 0; i < argv.length; i += 1) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--wsdl': opts.wsdl = value; i += 1; break;
      case '--host': opts.host = value; i += 1; break;
      case '--port': opts.port = Number(value); i += 1; break;
      case '--watch-stdin': opts.watchStdin = true; break;
      default: usage(`unknown argument ${argv[i]}`);
    }
  }
  if (!opts.wsdl) usage('--wsdl is required');
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
  return opts;
}

// The path of the first soap:address (or soap12:address) in the WSDL: the `soap` package binds
// a request to the port whose address path matches, and falls back to the first port.
function addressPath(wsdlXml) {
  const match = /<(?:\w+:)?address\s+location="([^"]+)"/.exec(wsdlXml);
  if (!match) return '/';
  return new URL(match[1], 'http://localhost').pathname;
}

// The namespace of the request's root element if it is an `Envelope` (null otherwise): the
// `soap` package reads elements by their local names only, so it does not tell.
function envelopeNamespace(raw) {
  const root = /^\uFEFF?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:([\w.-]+):)?([\w.-]+)([^>]*)>/.exec(raw);
  if (!root || root[2] !== 'Envelope') return null;
  const prefix = root[1] ? `:${root[1]}` : '';
  const decl = new RegExp(`\\sxmlns${prefix}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(root[3]);
  return decl ? (decl[1] ?? decl[2]) : null;
}

function isSoap12(req) {
  return /^\s*application\/soap\+xml/i.test(req.headers['content-type'] || '');
}

// A version-neutral fault description, in the shape the `soap` package writes for that version.
function soapFault(spec, soap12) {
  const code = spec.code === 'Server' ? 'Server' : 'Client';
  if (!soap12) {
    const fault = { faultcode: `soap:${code}`, faultstring: spec.reason };
    if (spec.detail !== undefined) fault.detail = spec.detail;
    fault.statusCode = 500;
    return fault;
  }
  const value = { Value: `soap:${code === 'Server' ? 'Receiver' : 'Sender'}` };
  if (spec.subcode) value.Subcode = { Value: spec.subcode };
  const fault = { Code: value, Reason: { Text: spec.reason } };
  if (spec.detail !== undefined) fault.Detail = spec.detail;
  fault.statusCode = 500;
  return fault;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wsdlXml = fs.readFileSync(path.resolve(opts.wsdl), 'utf8');
  const soapPath = addressPath(wsdlXml);

  const replies = new Map(); // operation name -> {result} | {fault}
  let calls = [];
  const rawRequests = new WeakMap(); // request -> raw XML, filled by the `soap` package's log hook

  // Requests outside the SOAP path: the control API (the `soap` package hands them on here).
  const httpServer = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (req.method === 'GET' && url.pathname === `${CONTROL}/calls`) {
        const taken = calls;
        calls = [];
        sendJson(res, 200, taken);
        return;
      }
      const reply = url.pathname.startsWith(`${CONTROL}/reply/`) && url.pathname.slice(`${CONTROL}/reply/`.length);
      if (req.method === 'PUT' && reply) {
        const spec = JSON.parse(await readBody(req));
        if (typeof spec !== 'object' || spec === null || (!('result' in spec) && !('fault' in spec))) {
          sendJson(res, 400, { error: 'expected {"result": ...} or {"fault": ...}' });
          return;
        }
        replies.set(decodeURIComponent(reply), spec);
        sendJson(res, 200, { ok: true });
        return;
      }
      sendJson(res, 404, { error: `no such path: ${req.method} ${url.pathname}` });
    } catch (e) {
      sendJson(res, 400, { error: String(e && e.message ? e.message : e) });
    }
  });

  // Filled in from the parsed WSDL once it is ready: service -> port -> operation -> handler.
  const services = {};
  const soapServer = soap.listen(httpServer, {
    path: soapPath,
    services,
    xml: wsdlXml,
    // Answers of known length rather than chunked, as ASP.NET sends them.
    enableChunkedEncoding: false,
    suppressStack: true,
    // Called once the WSDL is parsed and the request listener is in place.
    callback: (err) => {
      if (err) {
        process.stderr.write(`server.js: cannot read ${opts.wsdl}: ${err.stack || err}\n`);
        process.exit(1);
      }
      ready();
    },
  });
  // Keep string values exactly as sent: the parser trims them by default, and the option is not
  // taken from the listen options, only from the parsed WSDL's.
  soapServer.wsdl.options.preserveWhitespace = true;
  soapServer.log = (type, data, req) => {
    if (type === 'received' && req) rawRequests.set(req, data);
  };

  const handler = (serviceName, portName, operation) => (args, _callback, soapHeaders, req) => {
    const soap12 = isSoap12(req);
    // One `soap` server answers both versions: the envelope namespace follows the request's.
    // Safe because the handler answers synchronously, so no other request runs in between.
    soapServer.wsdl.options.forceSoap12Headers = soap12;
    const raw = rawRequests.get(req) || '';
    calls.push({
      operation,
      service: serviceName,
      // The `soap` package binds by the request path; the WSDL's ports share one address, so
      // this is the first port whatever the version. The operation is what the test checks.
      port: portName,
      soapVersion: soap12 ? '1.2' : '1.1',
      envelopeNamespace: envelopeNamespace(raw),
      contentType: req.headers['content-type'] || null,
      soapAction: req.headers.soapaction === undefined ? null : req.headers.soapaction,
      args: args === undefined ? null : args,
      headers: soapHeaders === undefined ? null : soapHeaders,
      raw,
    });
    const reply = replies.get(operation);
    if (!reply) {
      throw { Fault: soapFault({ code: 'Server', reason: `no reply set for ${operation}` }, soap12) };
    }
    if (reply.fault) {
      throw { Fault: soapFault(reply.fault, soap12) };
    }
    // A fresh copy: the `soap` package may change the object it writes.
    return JSON.parse(JSON.stringify(reply.result));
  };

  function ready() {
    const defs = soapServer.wsdl.definitions.services;
    for (const [serviceName, service] of Object.entries(defs)) {
      services[serviceName] = {};
      for (const [portName, port] of Object.entries(service.ports)) {
        services[serviceName][portName] = {};
        for (const operation of Object.keys(port.binding.methods)) {
          services[serviceName][portName][operation] = handler(serviceName, portName, operation);
        }
      }
    }
    httpServer.listen(opts.port, opts.host, () => {
      const { address, port } = httpServer.address();
      const base = `http://${address}:${port}`;
      process.stdout.write(`${JSON.stringify({ event: 'listening', endpoint: base + soapPath, control: base + CONTROL })}\n`);
    });
  }

  const stop = () => {
    httpServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (opts.watchStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

main();
