"""Times Python zeep writing and reading the same Rescue messages as `cargo bench --bench xml`.

Run through `benches/zeep/run.sh`, which installs zeep in a virtualenv and runs the Rust side
first. zeep loads the same cached WSDL (`wsdl/logmein-rescue/API.asmx.wsdl`), builds the
`setGroup_v2` request from the same values, and reads the response envelopes that the Rust bench
wrote to `target/bench-messages/` (the exact bytes the Rust readers are timed on).

What is timed is what a zeep call does around the HTTP exchange:
- write: `binding._create(...)` (the envelope as an lxml tree) and `etree_to_string` (its bytes),
  as `zeep.wsdl.bindings.soap.SoapBinding.send` does before posting;
- read: `binding.process_reply(...)` on a response object holding the bytes: parse with lxml,
  look for a fault, deserialize into zeep's objects, as `send` does after the answer.

Each figure is the median over several rounds of the time per operation, printed in the units
criterion uses.
"""

import os
import statistics
import sys
import timeit

import zeep
from zeep.wsdl.utils import etree_to_string

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WSDL = os.path.join(ROOT, "wsdl", "logmein-rescue", "API.asmx.wsdl")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
MESSAGES = os.path.join(TARGET, "bench-messages")
ROUNDS = 7


def fmt(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return "%.4g %s" % (seconds / scale, unit)
    return "%.4g ns" % (seconds / 1e-9)


def measure(name, fn, size):
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()  # enough calls for at least 0.2 s
    per_call = [t / number for t in timer.repeat(repeat=ROUNDS, number=number)]
    median = statistics.median(per_call)
    thrpt = size / median / (1024 * 1024)
    print(
        "%-45s time: [%s %s %s]  thrpt: %.2f MiB/s"
        % (name, fmt(min(per_call)), fmt(median), fmt(max(per_call)), thrpt)
    )
    return median


class Response:
    """What `process_reply` reads of a `requests.Response`."""

    def __init__(self, content):
        self.status_code = 200
        self.content = content
        self.headers = {"Content-Type": "text/xml; charset=utf-8"}
        self.encoding = "utf-8"


def read_message(name):
    path = os.path.join(MESSAGES, name + ".xml")
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        sys.exit("%s is missing: run `cargo bench --bench xml` first" % path)


def main():
    print("zeep %s on %s" % (zeep.__version__, os.path.relpath(WSDL, ROOT)))
    client = zeep.Client(WSDL)
    binding = client.service._binding

    # The same values as `set_group_v2()` in benches/xml.rs.
    request = dict(
        iNodeID=337366,
        sName="Tier 2 & Escalations",
        eNodeStatus="Enabled",
        sDescription="Second-line technicians, EMEA <on call>",
        aPermissions={
            "NODE_PERMISSIONS_V2": [
                "RemoteControl",
                "RemoteView",
                "SendFile",
                "SendURL",
                "ViewSystemInformation",
                "RebootClientComputer",
                "ReceiveFile",
                "SessionRecording",
                "FileManagement",
                "ScriptRunning",
                "UnattendedAccess",
                "ConnectOnLan",
            ]
        },
        aLockedPermissions={"NODE_PERMISSIONS_V2": ["SessionRecording", "PrivateSessions"]},
        iStandardConcurrentLimit=25,
        iMobileConcurrentLimit=5,
        iRPATConcurrentLimit=3,
        sAuthCode="9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    )

    def write_request():
        envelope, _headers = binding._create("setGroup_v2", (), request, client=client)
        return etree_to_string(envelope)

    written = write_request()
    rust_request = read_message("set_group_v2_request")
    print(
        "setGroup_v2 request: zeep writes %d bytes, the Rust writers %d (zeep uses prefixed names)"
        % (len(written), len(rust_request))
    )
    measure("zeep/set_group_v2_request/write", write_request, len(written))

    for name, operation, check in (
        (
            "set_group_v2_response",
            "setGroup_v2",
            lambda r: r == "setGroup_OK",
        ),
        (
            "get_session_v3_response_1000",
            "getSession_V3",
            lambda r: r.getSession_V3Result == "getSession_OK"
            and len(r.aSessions.SESSION_V3) == 1000
            and r.aSessions.SESSION_V3[0].iID == 81000000
            and r.aSessions.SESSION_V3[0].sCustomField2 == "Printer & scanner not found",
        ),
    ):
        content = read_message(name)
        op = binding.get(operation)

        def read(content=content, op=op):
            return binding.process_reply(client, op, Response(content))

        result = read()
        if not check(result):
            sys.exit("zeep read %s differently: %r" % (name, result))
        measure("zeep/%s/read" % name, read, len(content))


if __name__ == "__main__":
    main()
