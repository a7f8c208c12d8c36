"""End to end against a real kube-apiserver: the CRDs, Contour's example manifests, the
status subresource, what the library reads back from the cluster, and an admission
webhook on 127.0.0.1 that the API server really calls."""

import glob
import json
import os
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import SOURCE_ROOT

EXAMPLES = os.path.join(SOURCE_ROOT, "examples", "manifests", "contour-v0.10")
ALL_FIELDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifests",
                          "all-fields.yaml")
# The example Deployments are extensions/v1beta1, which no API server has served since
# Kubernetes 1.16; the library does not read Deployments.
NOT_SERVED = {"00-common/02-deployments.yaml"}
IR_API = "/apis/contour.heptio.com/v1beta1"


def example_files():
    files = sorted(glob.glob(os.path.join(EXAMPLES, "**", "*.yaml"), recursive=True))
    assert files, f"no example manifests in {EXAMPLES}"
    return [f for f in files if os.path.relpath(f, EXAMPLES) not in NOT_SERVED]


def local_objects(cluster, path):
    """The objects of a manifest file as kubectl reads them (no server-side change)."""
    text = cluster.kubectl("create", "--dry-run=client", "-o", "json", "-f", path).stdout
    objs, pos, decoder = [], 0, json.JSONDecoder()
    while text[pos:].strip():  # one JSON document per object, one after the other
        obj, end = decoder.raw_decode(text, len(text) - len(text[pos:].lstrip()))
        objs.extend(obj["items"] if obj.get("kind") == "List" else [obj])
        pos = end
    return objs


def key(obj):
    meta = obj["metadata"]
    return obj["kind"], meta.get("namespace", "default"), meta["name"]


def stored(cluster, resource):
    out = json.loads(cluster.kubectl("get", resource, "-A", "-o", "json").stdout)
    return {key(dict(o, kind=o["kind"])): o for o in out["items"]}


# kubectl apply on an object that exists but was not made by apply (the "default"
# namespace of the examples) says so; any other warning fails the test.
NOT_APPLIED_BEFORE = "is missing the kubectl.kubernetes.io/last-applied-configuration"


def apply(cluster, path):
    proc = cluster.kubectl("apply", "--validate=strict", "-f", path)
    warnings = [w for w in proc.stderr.splitlines() if w and NOT_APPLIED_BEFORE not in w]
    assert not warnings, proc.stderr
    return proc


@pytest.fixture(scope="module")
def examples(crds):
    """Contour's example manifests applied, file by file in path order; returns what the
    files say, the later definition of a name winning (as the API server keeps it)."""
    want = {}
    for path in example_files():
        apply(crds, path)
        for obj in local_objects(crds, path):
            want[key(obj)] = obj
    return want


def poll(step, done, seconds=60):
    """Calls step() until done(its result) or `seconds` have passed; the last result."""
    deadline = time.monotonic() + seconds
    while True:
        result = step()
        if done(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_versions(cluster):
    out = json.loads(cluster.kubectl("version", "-o", "json").stdout)
    assert out["clientVersion"]["gitVersion"] == "v1.35.4"
    assert out["serverVersion"]["gitVersion"] == "v1.35.4"


def test_listens_on_loopback_only(cluster):
    """Every socket etcd and the API server listen on is bound to 127.0.0.1."""
    pids = {str(cluster.apiserver_proc.pid), str(cluster.etcd_proc.pid)}
    inodes = set()
    for pid in pids:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                    listening.append(cols[1])
    assert listening, "found no listening sockets of etcd and kube-apiserver"
    # 0100007F is 127.0.0.1 in /proc/net/tcp byte order.
    assert all(a.split(":")[0] == "0100007F" for a in listening), listening


def test_crds_installed(crds):
    for name in ("ingressroutes", "tlscertificatedelegations"):
        out = json.loads(crds.kubectl("get", f"crd/{name}.contour.heptio.com",
                                      "-o", "json").stdout)
        conditions = {c["type"]: c["status"] for c in out["status"]["conditions"]}
        assert conditions.get("Established") == "True"
        assert conditions.get("NamesAccepted") == "True"
        # A structural schema: nothing reports it as non-structural.
        assert "NonStructuralSchema" not in conditions
    # kubectl explain reads the OpenAPI document, which the server republishes a moment
    # after a CRD is established.
    explain = poll(lambda: crds.kubectl("explain", "ingressroute.spec.routes.services",
                                        check=False), lambda p: p.returncode == 0)
    assert explain.returncode == 0, explain.stderr
    assert "healthCheck" in explain.stdout and "weight" in explain.stdout


def test_examples_stored_unchanged(crds, examples):
    """Every IngressRoute and Service of the examples is stored, its spec as written:
    the CRD prunes nothing the examples use (their misplaced spec.strategy and
    spec.healthCheck included, which Contour's CRD allowed)."""
    routes = stored(crds, "ingressroutes")
    want = {k: o for k, o in examples.items() if k[0] == "IngressRoute"}
    assert sorted(routes) == sorted(want)
    assert len(routes) == 20
    for k, obj in want.items():
        assert routes[k]["spec"] == obj["spec"], k
    services = stored(crds, "services")
    for k, obj in examples.items():
        if k[0] == "Service":
            assert services[k]["spec"]["ports"][0]["port"] == obj["spec"]["ports"][0]["port"]
    assert routes["IngressRoute", "default", "default-lb-strategy"]["spec"]["strategy"] == \
        "RoundRobin"


def test_all_fields_stored_unchanged(crds, tmp_path):
    """Every field the library reads, of every kind, survives the API server as written;
    out-of-range values are stored too (the library, not the schema, rejects them). The
    library then reads the cluster's objects, real TLS Secrets included, as it should."""
    apply(crds, ALL_FIELDS)
    for ns, name in (("e2e-certs", "shared-cert"), ("e2e-all", "ingress-cert")):
        crds.kubectl("create", "secret", "tls", name, "-n", ns, f"--cert={crds.cert_file}",
                     f"--key={crds.key_file}")
    want = {key(o): o for o in local_objects(crds, ALL_FIELDS)}
    got = {}
    for resource in ("ingressroutes", "tlscertificatedelegations", "ingresses", "services"):
        got.update(stored(crds, resource))
    for k, obj in want.items():
        if k[0] == "Namespace":
            continue
        assert k in got, k
        annotations = dict(got[k]["metadata"].get("annotations", {}))
        annotations.pop("kubectl.kubernetes.io/last-applied-configuration")
        assert annotations == obj["metadata"].get("annotations", {}), k
        if k[0] == "Service":  # the server adds a cluster IP, protocols and more
            assert [(p["name"], p["port"]) for p in got[k]["spec"]["ports"]] == \
                [(p["name"], p["port"]) for p in obj["spec"]["ports"]]
        else:
            assert got[k]["spec"] == obj["spec"], k
    ing = got["Ingress", "e2e-all", "ingress"]["spec"]
    assert ing["rules"][0]["http"]["paths"][0]["pathType"] == "Exact"
    assert ing["tls"][0]["secretName"] == "ingress-cert"

    dump = tmp_path / "cluster.json"
    dump.write_text(crds.kubectl("get", "ingressroutes,tlscertificatedelegations,ingresses,"
                                 "services,secrets", "-n", "e2e-all", "-o", "json").stdout)
    dump2 = tmp_path / "certs.json"
    dump2.write_text(crds.kubectl("get", "tlscertificatedelegations,secrets", "-n",
                                  "e2e-certs", "-o", "json").stdout)
    graph = contourc("graph", "--format", "json", str(dump), str(dump2))
    assert {s["name"]: (s["status"], s["description"]) for s in graph["statuses"]} == {
        "root": ("valid", "valid IngressRoute"),
        "team": ("valid", "valid IngressRoute"),
        "tcp": ("valid", "valid IngressRoute"),
        "tcp-delegating": ("valid", "valid IngressRoute"),
        "bad-values": ("invalid", "Spec.VirtualHost.Fqdn must be specified"),
    }
    vhosts = {(listener["name"], v["fqdn"]): v for listener in graph["listeners"]
              for v in listener["virtualhosts"]}
    tls = {k[1]: v["tls"] for k, v in vhosts.items() if k[0] == "ingress_https"}
    cert = lambda ns, name: {"namespace": ns, "name": name}
    assert tls == {  # the delegated Secret, the Ingress's own, passthrough
        "all.example.com": {"secret": cert("e2e-certs", "shared-cert"),
                            "min_protocol_version": "1.2", "passthrough": False},
        "ingress.example.com": {"secret": cert("e2e-all", "ingress-cert"),
                                "min_protocol_version": "1.3", "passthrough": False},
        "tcp.example.com": {"min_protocol_version": "1.1", "passthrough": True},
        "tcp2.example.com": {"secret": cert("e2e-certs", "shared-cert"),
                             "min_protocol_version": "1.1", "passthrough": False},
    }
    assert "tcpproxy" in vhosts["ingress_https", "tcp2.example.com"]
    route = next(r for r in vhosts["ingress_https", "all.example.com"]["routes"]
                 if r.get("prefix") == "/")
    assert (route["websocket"], route["prefix_rewrite"], route["timeout_ms"], route["retry"]) \
        == (True, "/app", 90000, {"on": "5xx", "num_retries": 3, "per_try_timeout_ms": 150})
    assert sorted(c["weight"] for c in route["clusters"]) == [10, 90]
    assert {c.get("protocol") for c in route["clusters"]} == {"h2c"}
    checked = next(c for c in route["clusters"] if c["weight"] == 90)
    assert checked["strategy"] == "WeightedLeastRequest"
    assert checked["health_check"]["host"] == "web.internal"
    assert [r.get("exact") for r in vhosts["ingress_http", "ingress.example.com"]["routes"]] \
        == ["/exact", None]


UNKNOWN_FIELD = """
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: unknown-field, namespace: default}
spec:
  virtualhost: {fqdn: unknown.example.com}
  routes:
  - match: /
    services:
    - {name: s1, port: 80, permitInsecure: true}
"""


def test_unknown_field_rejected_or_pruned(crds):
    """A field the schema does not have: kubectl's strict validation rejects it with its
    path (as the library warns about it); without validation the server drops it."""
    proc = crds.kubectl("apply", "--validate=strict", "-f", "-", input=UNKNOWN_FIELD,
                        check=False)
    assert proc.returncode != 0
    assert 'unknown field "spec.routes[0].services[0].permitInsecure"' in proc.stderr
    crds.kubectl("apply", "--validate=false", "-f", "-", input=UNKNOWN_FIELD)
    obj = json.loads(crds.kubectl("get", "ingressroute", "unknown-field", "-o",
                                  "json").stdout)
    assert obj["spec"]["routes"][0]["services"][0] == {"name": "s1", "port": 80}
    crds.kubectl("delete", "ingressroute", "unknown-field")


def test_wrong_type_rejected(crds):
    proc = crds.kubectl("apply", "-f", "-", check=False,
                        input=UNKNOWN_FIELD.replace("permitInsecure: true", "weight: ten"))
    assert proc.returncode != 0
    assert "spec.routes[0].services[0].weight" in proc.stderr
    assert "must be of type integer" in proc.stderr


def contourc(*args):
    build = os.environ.get("CONTOUR_BUILD_ROOT")
    assert build, "CONTOUR_BUILD_ROOT (the meson build directory) is not set"
    exe = os.path.join(build, "tools", "contourc")
    assert os.access(exe, os.X_OK), f"{exe} is not built"
    proc = subprocess.run([exe, *args], capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_library_reads_the_cluster_as_the_files(crds, examples, tmp_path):
    """contourc gives the same statuses for what the cluster stored as for the files;
    then, as a controller would, each status is written through the status subresource
    and read back, and `kubectl get` shows it in Contour's columns."""
    listed = json.loads(crds.kubectl("get", "ingressroutes,services", "-A", "-o",
                                     "json").stdout)
    listed["items"] = [o for o in listed["items"]  # leave out the other tests' objects
                       if o["metadata"]["namespace"] in ("default", "marketing")]
    dump = tmp_path / "cluster.json"
    dump.write_text(json.dumps(listed))
    from_cluster = contourc("graph", "--format", "json", str(dump))["statuses"]
    from_files = contourc("graph", "--format", "json", *example_files())["statuses"]
    assert from_cluster == from_files
    assert {s["status"] for s in from_cluster} >= {"valid", "invalid", "orphaned"}

    for s in from_cluster:
        crds.kubectl("patch", "ingressroute", s["name"], "-n", s["namespace"],
                     "--subresource=status", "--type=merge", "-p", json.dumps(
                         {"status": {"currentStatus": s["status"],
                                     "description": s["description"]}}))
    routes = stored(crds, "ingressroutes")
    for s in from_cluster:
        status = routes["IngressRoute", s["namespace"], s["name"]]["status"]
        assert status == {"currentStatus": s["status"], "description": s["description"]}

    table = crds.kubectl("get", "ingressroutes", "-n", "default").stdout.splitlines()
    assert table[0].split() == ["NAME", "FQDN", "TLS", "SECRET", "FIRST", "ROUTE",
                                "STATUS", "STATUS", "DESCRIPTION"]
    row = next(line for line in table if line.startswith("delegation-root "))
    assert row.split() == ["delegation-root", "root.bar.com", "/", "valid", "valid",
                           "IngressRoute"]  # no TLS secret: an empty cell


def test_status_subresource(crds, examples):
    """Status is written only through /status, and /status writes only status."""
    name = ["ingressroute", "basic", "-n", "default"]
    get = lambda: json.loads(crds.kubectl("get", *name, "-o", "json").stdout)
    crds.kubectl("patch", *name, "--subresource=status", "--type=merge", "-p",
                 '{"status": {"currentStatus": "invalid", "description": "one"},'
                 ' "spec": {"virtualhost": {"fqdn": "changed.example.com"}}}')
    obj = get()
    assert obj["status"] == {"currentStatus": "invalid", "description": "one"}
    assert obj["spec"]["virtualhost"]["fqdn"] == "foo-basic.bar.com"

    crds.kubectl("patch", *name, "--type=merge", "-p",
                 '{"status": {"currentStatus": "valid", "description": "two"}}')
    assert get()["status"]["description"] == "one"

    # A raw PUT of the whole object to /status, as a controller without kubectl does.
    obj = get()
    obj["status"] = {"currentStatus": "valid", "description": "valid IngressRoute"}
    code, body = crds.request("PUT", f"{IR_API}/namespaces/default/ingressroutes/basic/status",
                              obj)
    assert code == 200, body
    assert body["status"] == obj["status"]
    assert get()["status"] == obj["status"]

    # The server-side table has Contour's printer columns.
    code, table = crds.request("GET", f"{IR_API}/namespaces/default/ingressroutes/basic",
                               accept="application/json;as=Table;v=v1;g=meta.k8s.io")
    assert code == 200, table
    names = [c["name"] for c in table["columnDefinitions"]]
    assert names == ["Name", "FQDN", "TLS Secret", "First route", "Status",
                     "Status Description"]
    assert table["rows"][0]["cells"][:6] == ["basic", "foo-basic.bar.com", None, "/",
                                             "valid", "valid IngressRoute"]


DENY_MESSAGE = "libcontour e2e webhook: no"
WEBHOOK_NAME = "deny.e2e.libcontour.test"
DENIED_ROUTE = """
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata:
  name: NAME
  namespace: default
  labels: {libcontour-e2e/webhook: deny}
spec:
  virtualhost: {fqdn: denied.example.com}
  routes:
  - match: /
    services: [{name: s1, port: 80}]
"""


class DenyingWebhook:
    """A throwaway HTTPS admission webhook on 127.0.0.1 that denies every request with
    DENY_MESSAGE plus what it saw, and records the AdmissionReviews it got."""

    def __init__(self, cert, key):
        self.reviews = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hook.reviews.append(review)
                req = review["request"]
                obj = req["object"]
                message = (f"{DENY_MESSAGE} ({req['operation']} {req['kind']['kind']} "
                           f"{req['namespace']}/{req['name']}, fqdn "
                           f"{obj['spec']['virtualhost']['fqdn']})")
                body = json.dumps({
                    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                    "response": {"uid": req["uid"], "allowed": False,
                                 "status": {"code": 403, "message": message}}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/validate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_validating_webhook_is_called(crds, examples):
    with DenyingWebhook(crds.cert_file, crds.key_file) as hook:
        config = {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "libcontour-e2e"},
            "webhooks": [{
                "name": WEBHOOK_NAME,
                "clientConfig": {"url": hook.url, "caBundle": crds.ca_bundle()},
                "rules": [{"apiGroups": ["contour.heptio.com"], "apiVersions": ["v1beta1"],
                           "operations": ["CREATE", "UPDATE"],
                           "resources": ["ingressroutes"]}],
                "objectSelector": {"matchLabels": {"libcontour-e2e/webhook": "deny"}},
                "failurePolicy": "Fail",
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "timeoutSeconds": 10,
            }],
        }
        crds.kubectl("apply", "-f", "-", input=json.dumps(config))
        try:
            # The API server picks the configuration up within a moment: ask (a server
            # dry run, which calls webhooks and stores nothing) until it answers.
            proc = poll(lambda: crds.kubectl("create", "--dry-run=server", "-f", "-",
                                             check=False,
                                             input=DENIED_ROUTE.replace("NAME", "probe")),
                        lambda p: p.returncode != 0)
            assert proc.returncode != 0, "the webhook was never called"

            proc = crds.kubectl("apply", "-f", "-", check=False,
                                input=DENIED_ROUTE.replace("NAME", "denied"))
            assert proc.returncode != 0
            assert (f'admission webhook "{WEBHOOK_NAME}" denied the request: {DENY_MESSAGE} '
                    "(CREATE IngressRoute default/denied, fqdn denied.example.com)"
                    ) in proc.stderr, proc.stderr
            got = crds.kubectl("get", "ingressroute", "denied", check=False)
            assert got.returncode != 0 and "NotFound" in got.stderr

            review = hook.reviews[-1]
            assert review["kind"] == "AdmissionReview"
            assert review["apiVersion"] == "admission.k8s.io/v1"
            assert review["request"]["resource"] == {
                "group": "contour.heptio.com", "version": "v1beta1",
                "resource": "ingressroutes"}
            assert review["request"]["object"]["spec"]["routes"][0]["services"][0] == {
                "name": "s1", "port": 80}

            # Objects the selector does not match never reach the webhook.
            calls = len(hook.reviews)
            crds.kubectl("apply", "-f", "-", input=DENIED_ROUTE.replace(
                "NAME", "allowed").replace("libcontour-e2e/webhook: deny", "other: x"))
            assert len(hook.reviews) == calls
            crds.kubectl("delete", "ingressroute", "allowed")
        finally:
            crds.kubectl("delete", "validatingwebhookconfiguration", "libcontour-e2e",
                         "--ignore-not-found")
