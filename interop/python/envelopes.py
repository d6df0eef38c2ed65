#!/usr/bin/env python3
"""Builds SOAP request envelopes with zeep (a SOAP client that others wrote and use in
production) and puts envelopes in canonical form, for the interoperability tests in
tests/interop.rs.

Nothing is sent: zeep's ``Client.create_message`` builds the envelope it would send for a
WSDL, service, port, operation and arguments.

    envelopes.py build WSDL SERVICE PORT OPERATION ARGS_JSON
        prints zeep's envelope in canonical form
    envelopes.py c14n FILE|-
        prints an XML document in canonical form
    envelopes.py batch < jobs.json
        the test's entry point: a JSON array of jobs in, a JSON array of results out (below)
    envelopes.py call ENDPOINT WSDL SERVICE PORT OPERATION ARGS_JSON
        calls the operation at ENDPOINT with zeep and prints the answer as JSON (for the check
        that zeep, as a client, understands the project's simulator)

The arguments are a JSON object of the operation's input element content, as zeep takes them:
a string for xs:string and enumerations, a number for xs:int, true/false for xs:boolean, an
object for a complex type, a list for a repeated element (``{"NODE_PERMISSIONS": ["A", "B"]}``
for an ``ArrayOfNODE_PERMISSIONS``). A missing key is an element left out.

Canonical form: Canonical XML 2.0 (https://www.w3.org/TR/xml-c14n2/), which drops the XML
declaration, writes ``<a></a>`` for ``<a/>``, sorts attributes, writes one escaping of text,
and declares a namespace only on the elements that use it (so the ``xsi`` and ``xsd``
declarations an ASP.NET-style envelope carries unused disappear). Two forms are given:

- ``prefixed``: the document's own prefixes kept;
- ``canonical``: prefixes rewritten in document order (``n0``, ``n1``, ...), so that the
  choice of prefixes (``soap`` or ``soap-env``, a default namespace or ``ns0``) does not count.
  That choice carries no meaning here: no attribute or text value in these messages is a QName
  (there is no ``xsi:type``), and a prefix is otherwise only a name for a namespace. Should an
  ``xsi:type`` appear, its value is rewritten along with the prefixes (``qname_aware_attrs``).

Whitespace in text is kept as it is: it is part of the values.

batch jobs, each an object:
    {"wsdl": path, "service": name, "port": name, "operation": name, "args": {...},
     "ours": "<the envelope to compare, as text>"}
and each result, in the same order:
    {"zeep": {"canonical": ..., "prefixed": ...}, "ours": {"canonical": ..., "prefixed": ...},
     "http_headers": {zeep's HTTP headers for this request}}
or {"error": "what went wrong"} for a job that could not be done.
"""

import json
import sys
from xml.etree.ElementTree import canonicalize

from lxml import etree
import zeep
from zeep.helpers import serialize_object

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

_clients = {}


def client_for(wsdl):
    """A zeep client for a local WSDL file, made once per file."""
    client = _clients.get(wsdl)
    if client is None:
        # A local file: zeep reads it and fetches nothing (these WSDLs import nothing).
        client = zeep.Client(wsdl)
        _clients[wsdl] = client
    return client


def canonical_forms(xml_text):
    """The two canonical forms of an XML document (see the module documentation)."""
    return {
        "canonical": canonicalize(
            xml_data=xml_text, rewrite_prefixes=True, qname_aware_attrs=[XSI_TYPE]
        ),
        "prefixed": canonicalize(xml_data=xml_text),
    }


def zeep_request(wsdl, service, port, operation, args):
    """zeep's envelope (as text) and HTTP headers for one call."""
    client = client_for(wsdl)
    bound = client.bind(service, port)
    envelope = client.create_message(bound, operation, **args)
    # zeep has no public call for the HTTP headers it would send with the envelope; the binding's
    # _create is what create_message itself calls.
    _, http_headers = bound._binding._create(operation, (), dict(args), client=client)
    return etree.tostring(envelope, encoding="unicode"), dict(http_headers)


def run_job(job):
    zeep_xml, http_headers = zeep_request(
        job["wsdl"], job["service"], job["port"], job["operation"], job.get("args") or {}
    )
    result = {"zeep": canonical_forms(zeep_xml), "http_headers": http_headers}
    if "ours" in job:
        result["ours"] = canonical_forms(job["ours"])
    return result


def batch():
    jobs = json.load(sys.stdin)
    results = []
    for job in jobs:
        try:
            results.append(run_job(job))
        except Exception as e:  # reported per job, so that one bad job does not hide the rest
            results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


def call(endpoint, wsdl, service, port, operation, args):
    """Calls an operation with zeep and prints what zeep read from the answer, as JSON."""
    client = client_for(wsdl)
    bound = client.create_service(str(client.bind(service, port)._binding.name), endpoint)
    try:
        answer = getattr(bound, operation)(**args)
    except zeep.exceptions.Fault as fault:
        print(json.dumps({"fault": {"code": fault.code, "message": fault.message}}))
        return
    print(json.dumps({"result": serialize_object(answer, dict)}, default=str))


def main(argv):
    if len(argv) >= 1 and argv[0] == "batch":
        batch()
    elif len(argv) == 6 and argv[0] == "build":
        wsdl, service, port, operation, args = argv[1:]
        xml, _ = zeep_request(wsdl, service, port, operation, json.loads(args))
        print(canonical_forms(xml)["canonical"])
    elif len(argv) == 2 and argv[0] == "c14n":
        text = sys.stdin.read() if argv[1] == "-" else open(argv[1], encoding="utf-8").read()
        print(canonical_forms(text)["canonical"])
    elif len(argv) == 7 and argv[0] == "call":
        endpoint, wsdl, service, port, operation, args = argv[1:]
        call(endpoint, wsdl, service, port, operation, json.loads(args))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
