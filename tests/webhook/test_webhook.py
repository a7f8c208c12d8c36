"""The admission webhook server, end to end (meson test suite 'webhook').

Each test starts the real server (examples/admission-webhook) on 127.0.0.1 with a
certificate made here by openssl, on a free port it picks itself (--listen 127.0.0.1:0,
--port-file), talks to it with curl, Python's TLS client and the Go test in go/ (which
decodes every response into k8s.io/api/admission/v1 types), and stops it by its PID when
the test ends, passed or failed.

The verdict scenarios expect real verdicts. A build without the what-if engine answers
them with HTTP 500 "what-if review is not available in this build", and they are skipped
with the reason "needs the what-if engine".

Usage: python3 -m pytest tests/webhook -rs  (with CONTOUR_WEBHOOK_SERVER=path/to/server)
"""

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

SERVER = os.environ.get("CONTOUR_WEBHOOK_SERVER", "")
CONTOURC = os.environ.get("CONTOUR_CONTOURC", "")
HERE = os.path.dirname(os.path.abspath(__file__))
PENDING = "what-if review is not available in this build"
TIME_FACTOR = float(os.environ.get("CONTOUR_TIME_FACTOR", "1"))
MEASURED = []  # printed at the end of the run (conftest.py)

if not SERVER or not os.path.exists(SERVER):
    pytest.skip("the webhook server is not built (needs libmicrohttpd and GnuTLS)",
                allow_module_level=True)
if not shutil.which("openssl") or not shutil.which("curl"):
    pytest.skip("openssl and curl are needed", allow_module_level=True)


# ---- fixtures -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, and a second, unrelated key."""
    d = tmp_path_factory.mktemp("tls")
    cert, key, other = d / "cert.pem", d / "key.pem", d / "other.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-out", other],
                   check=True, capture_output=True)
    return {"cert": str(cert), "key": str(key), "other_key": str(other)}


class Server:
    def __init__(self, proc, port, cert, log):
        self.proc, self.port, self.cert, self.log = proc, port, cert, log

    def log_text(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def context(self):
        return ssl.create_default_context(cafile=self.cert)

    def connection(self, timeout=10):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context(),
                                           timeout=timeout)

    def request(self, method, path, body=None, conn=None, headers=None):
        """(status, text). Reuses `conn` when given (keep-alive)."""
        c = conn or self.connection()
        try:
            h = {"Content-Type": "application/json"}
            h.update(headers or {})
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, r.read().decode("utf-8")
        finally:
            if conn is None:
                c.close()

    def review(self, body, conn=None):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return self.request("POST", "/validate", body, conn)

    def curl(self, *args):
        out = subprocess.run(["curl", "-sS", "--cacert", self.cert, "-w", "\n%{http_code}",
                              *args], capture_output=True, text=True, timeout=60)
        text, _, code = out.stdout.rpartition("\n")
        return int(code or 0), text.rstrip("\n")

    def metrics(self):
        status, text = self.request("GET", "/metrics")
        assert status == 200
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def start(tls, tmp_path):
    """start(cluster_yaml or None, *args) -> Server. Every server started is stopped (by
    its PID) when the test ends, passed or failed."""
    started = []

    def run(cluster=None, *args, expect_start=True):
        d = tmp_path / f"cluster{len(started)}"
        d.mkdir()
        (d / "cluster.yaml").write_text(cluster or "", encoding="utf-8")
        port_file = tmp_path / f"port{len(started)}"
        log = tmp_path / f"server{len(started)}.log"
        with open(log, "wb") as logf:
            proc = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0", "--cert", tls["cert"],
                                     "--key", tls["key"], "--cluster", str(d), "--port-file",
                                     str(port_file), *args],
                                    stdout=logf, stderr=subprocess.STDOUT)
        srv = Server(proc, None, tls["cert"], str(log))
        srv.cluster_dir = d
        started.append(srv)
        if not expect_start:
            return srv
        deadline = time.monotonic() + 10 * TIME_FACTOR
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError("server exited at start: " + srv.log_text())
            if port_file.exists() and port_file.read_text().strip():
                srv.port = int(port_file.read_text())
                return srv
            time.sleep(0.02)
        raise AssertionError("server did not start: " + srv.log_text())

    yield run
    for srv in started:
        srv.stop()


def admission(kind, operation, namespace="", name="", obj=None, old=None, uid="uid-1",
              dry_run=None):
    group, _, version = kind[0].rpartition("/")
    req = {"uid": uid, "kind": {"group": group, "version": version, "kind": kind[1]},
           "resource": {"group": group, "version": version, "resource": kind[1].lower() + "s"},
           "operation": operation, "namespace": namespace, "name": name,
           "userInfo": {"username": "alice"}}
    if obj is not None:
        req["object"] = obj
    if old is not None:
        req["oldObject"] = old
    if dry_run is not None:
        req["dryRun"] = dry_run
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}


DEPLOYMENT = ("apps/v1", "Deployment")
IR = ("contour.heptio.com/v1beta1", "IngressRoute")
TCD = ("contour.heptio.com/v1beta1", "TLSCertificateDelegation")
SERVICE = ("v1", "Service")
SECRET = ("v1", "Secret")


def response_of(text):
    out = json.loads(text)
    assert out["apiVersion"] == "admission.k8s.io/v1" and out["kind"] == "AdmissionReview"
    return out["response"]


# ---- the server -----------------------------------------------------------------------

def test_healthz(start):
    srv = start()
    assert srv.curl(f"https://127.0.0.1:{srv.port}/healthz") == (200, "ok")
    assert srv.request("GET", "/nope")[0] == 404
    assert srv.request("GET", "/validate")[0] == 405


def test_unrelated_kind_allowed(start):
    srv = start()
    body = json.dumps(admission(DEPLOYMENT, "CREATE", "team", "d",
                                {"apiVersion": "apps/v1", "kind": "Deployment",
                                 "metadata": {"name": "d"}}, uid="curl-1"))
    code, text = srv.curl("-H", "Content-Type: application/json", "--data-binary", body,
                          f"https://127.0.0.1:{srv.port}/validate")
    assert code == 200
    assert response_of(text) == {"uid": "curl-1", "allowed": True}
    # dryRun is answered the same way.
    status, text = srv.review(admission(DEPLOYMENT, "DELETE", "team", "d", uid="dry",
                                        dry_run=True))
    assert status == 200 and response_of(text) == {"uid": "dry", "allowed": True}


def test_malformed_is_400(start):
    srv = start()
    code, text = srv.curl("--data-binary", "{\"apiVersion\": 1", f"https://127.0.0.1:{srv.port}/validate")
    assert code == 400 and "line 1, column 17" in text
    for body, says in [("", "empty"), ("[]", "must be a JSON object"),
                       (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                                    "request": {"uid": 5}}), "request.uid must be a string"),
                       (b"{\"a\":\"\xff\"}", "invalid UTF-8")]:
        status, text = srv.review(body)
        assert status == 400 and says in text, (body, text)
    assert srv.metrics()["contour_webhook_errors_total{reason=\"malformed\"}"] == 5


def test_ten_megabytes_refused_fast(start, tmp_path):
    srv = start()
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (10 * 1000 * 1000))
    url = f"https://127.0.0.1:{srv.port}/validate"
    for extra in [(), ("-H", "Transfer-Encoding: chunked")]:
        t0 = time.monotonic()
        code, text = srv.curl(*extra, "--data-binary", f"@{big}", url)
        dt = time.monotonic() - t0
        assert code == 413 and "larger than 3145728 bytes" in text, (extra, code, text)
        assert dt < 3 * TIME_FACTOR, dt
    # The server is still fine.
    assert srv.request("GET", "/healthz")[0] == 200


def test_node_limit(start):
    """Requests are read with fewer nodes than the library's default (--max-nodes)."""
    srv = start(None, "--max-nodes", "1000")
    small = admission(DEPLOYMENT, "CREATE", obj={"a": [0] * 900})
    assert srv.review(small)[0] == 200
    status, text = srv.review(admission(DEPLOYMENT, "CREATE", obj={"a": [0] * 1000}))
    assert status == 400 and "more than 1000 nodes in one document" in text, text


def test_metrics(start):
    srv = start()
    for i in range(3):
        assert srv.review(admission(DEPLOYMENT, "CREATE", uid=f"m{i}"))[0] == 200
    srv.review("nope")
    m = srv.metrics()
    assert m["contour_webhook_reviews_total{result=\"allowed\"}"] == 3
    assert m["contour_webhook_errors_total{reason=\"malformed\"}"] == 1
    assert m["contour_webhook_review_duration_seconds_count"] == 4
    assert m["contour_webhook_review_duration_seconds_bucket{le=\"+Inf\"}"] == 4
    assert m["contour_webhook_cluster_objects"] == 0
    for k in ["contour_webhook_denials_total", "contour_webhook_in_flight",
              "contour_webhook_reloads_total{result=\"ok\"}"]:
        assert k in m


def slow_client(port, cert, stop, report):
    """Sends a request one byte a second; reports how long the server kept it open."""
    t0 = time.monotonic()
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        s = ssl.create_default_context(cafile=cert).wrap_socket(raw, server_hostname="127.0.0.1")
        s.settimeout(1)
        for b in b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" + b"{" * 900:
            if stop.is_set():
                break
            s.send(bytes([b]))
            try:
                if s.recv(1) == b"":
                    break  # closed by the server
            except socket.timeout:
                pass
    except (OSError, ssl.SSLError):
        pass
    report.append(time.monotonic() - t0)


def test_slow_clients_are_bounded(start):
    """20 clients sending one byte a second (more than the 2 threads and the reviews in
    between): the others are answered at once, and each slow one is cut after
    --request-timeout."""
    timeout = 3
    srv = start(None, "--threads", "2", "--request-timeout", str(timeout))
    stop, report = threading.Event(), []
    threads = [threading.Thread(target=slow_client, args=(srv.port, srv.cert, stop, report))
               for _ in range(20)]
    for t in threads:
        t.start()
    time.sleep(1)
    latencies = []
    conn = srv.connection()
    try:
        for i in range(20):
            t0 = time.monotonic()
            status, _ = srv.review(admission(DEPLOYMENT, "CREATE", uid=f"s{i}"), conn)
            latencies.append(time.monotonic() - t0)
            assert status == 200
            time.sleep(0.1)
    finally:
        conn.close()
    for t in threads:
        t.join(timeout + 10)
    stop.set()
    latencies.sort()
    MEASURED.append(f"reviews beside 20 slow clients: median {latencies[10]*1e3:.1f} ms, "
                    f"max {latencies[-1]*1e3:.1f} ms; slow clients cut after "
                    f"{min(report):.1f}-{max(report):.1f} s (--request-timeout {timeout})")
    assert latencies[-1] < 0.5 * TIME_FACTOR
    assert len(report) == 20 and max(report) < timeout + 3 * TIME_FACTOR
    assert srv.metrics()["contour_webhook_connections_reaped_total"] >= 20


def test_sigterm_finishes_in_flight(start):
    """SIGTERM while a request is arriving: its answer still goes out, then exit 0."""
    srv = start()
    idle = srv.connection()
    assert srv.review(admission(DEPLOYMENT, "CREATE", uid="idle"), idle)[0] == 200
    body = json.dumps(admission(DEPLOYMENT, "CREATE", uid="in-flight")).encode()
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s = srv.context().wrap_socket(raw, server_hostname="127.0.0.1")
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:20])
    time.sleep(0.3)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(body[20:])
    reply = b""
    while b"\r\n\r\n" not in reply or not reply.endswith(b"}}"):
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    assert reply.startswith(b"HTTP/1.1 200"), reply
    assert b'"uid":"in-flight","allowed":true' in reply
    assert srv.proc.wait(10) == 0
    assert "stopped" in srv.log_text()
    idle.close()


def test_refuses_bad_start(start, tls, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    cases = [
        (["--cert", str(bad)], "bad certificate or key"),
        (["--key", tls["other_key"]], "bad certificate or key"),
        (["--cert", str(tmp_path / "missing.pem")], "cannot read the certificate"),
        (["--listen", "999.0.0.1:8443"], "not a numeric address"),
        (["--listen", "127.0.0.1"], "expected ADDRESS:PORT"),
        (["--cluster", str(tmp_path / "missing-dir")], "cannot load the cluster"),
    ]
    for args, says in cases:
        srv = start(None, *args, expect_start=False)
        assert srv.proc.wait(10) == 2, args
        assert says in srv.log_text(), (args, srv.log_text())
    # A port in use.
    first = start()
    srv = start(None, "--listen", f"127.0.0.1:{first.port}", expect_start=False)
    assert srv.proc.wait(10) == 2 and "Address already in use" in srv.log_text()


def test_reload_on_change(start):
    srv = start("", "--poll-interval", "1")
    assert srv.metrics()["contour_webhook_cluster_objects"] == 0
    (srv.cluster_dir / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: team}\n"
        "spec: {ports: [{port: 80}]}\n")
    deadline = time.monotonic() + 10 * TIME_FACTOR
    while time.monotonic() < deadline:
        if srv.metrics()["contour_webhook_cluster_objects"] == 1:
            break
        time.sleep(0.2)
    m = srv.metrics()
    assert m["contour_webhook_cluster_objects"] == 1
    assert m["contour_webhook_reloads_total{result=\"ok\"}"] >= 1
    # SIGHUP reloads as well.
    srv.proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    assert srv.metrics()["contour_webhook_reloads_total{result=\"ok\"}"] >= 2


def test_go_client(start):
    """The real Kubernetes types (k8s.io/api/admission/v1), through Go's HTTP client."""
    go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
    if not go:
        pytest.skip("Go is not installed")
    srv = start()
    env = dict(os.environ, WEBHOOK_URL=f"https://127.0.0.1:{srv.port}", WEBHOOK_CA=srv.cert,
               GOFLAGS="-mod=mod")
    out = subprocess.run([go, "test", "-count=1", "-v", "./..."], cwd=os.path.join(HERE, "go"),
                         env=env, capture_output=True, text=True, timeout=600)
    print(out.stdout[-4000:], out.stderr[-2000:])
    assert out.returncode == 0
    assert "--- PASS: TestUnrelatedKindAllowed" in out.stdout
    assert "--- PASS: TestConcurrent" in out.stdout


# ---- verdicts (need the what-if engine) -------------------------------------------------

def verdict(srv, review):
    """The response of a review; skips the test when this build cannot review."""
    status, text = srv.review(review)
    if status == 500 and PENDING in text:
        pytest.skip("needs the what-if engine (the server says: " + text.strip() + ")")
    assert status == 200, text
    return response_of(text)


def meta(name, ns="team"):
    return {"name": name, "namespace": ns}


def ir(name, spec, ns="team"):
    return {"apiVersion": "contour.heptio.com/v1beta1", "kind": "IngressRoute",
            "metadata": meta(name, ns), "spec": spec}


def yaml_of(*objects):
    # JSON is YAML: the cluster file holds one JSON document per object.
    return "\n---\n".join(json.dumps(o) for o in objects) + "\n"


WEB = {"apiVersion": "v1", "kind": "Service", "metadata": meta("web"),
       "spec": {"ports": [{"port": 80}]}}
BLOG = {"apiVersion": "v1", "kind": "Service", "metadata": meta("blog"),
        "spec": {"ports": [{"port": 8080}]}}
TLS_SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": meta("tls"),
              "type": "kubernetes.io/tls", "data": {"tls.crt": "eA==", "tls.key": "eA=="}}
ROOT = ir("root", {"virtualhost": {"fqdn": "a.example.com", "tls": {"secretName": "tls"}},
                   "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]},
                              {"match": "/blog", "delegate": {"name": "blog"}}]})
CHILD = ir("blog", {"routes": [{"match": "/blog", "services": [{"name": "blog", "port": 8080}]}]})
CLUSTER = yaml_of(WEB, BLOG, TLS_SECRET, ROOT, CHILD)


def test_verdict_valid_new_root(start):
    srv = start(CLUSTER)
    new = ir("new", {"virtualhost": {"fqdn": "new.example.com"},
                     "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    r = verdict(srv, admission(IR, "CREATE", "team", "new", new))
    assert r["allowed"] is True and r["uid"] == "uid-1", r


def test_verdict_duplicate_fqdn(start):
    srv = start(CLUSTER)
    dup = ir("copy", {"virtualhost": {"fqdn": "a.example.com"},
                      "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    r = verdict(srv, admission(IR, "CREATE", "team", "copy", dup))
    assert r["allowed"] is False and r["status"]["code"] == 403, r
    assert "team/root" in r["status"]["message"], r


def test_verdict_child_prefix_escapes(start):
    srv = start(CLUSTER)
    child = ir("blog", {"routes": [{"match": "/admin",
                                    "services": [{"name": "blog", "port": 8080}]}]})
    r = verdict(srv, admission(IR, "UPDATE", "team", "blog", child, CHILD))
    assert r["allowed"] is False, r
    assert ("the path prefix \"/admin\" does not match the parent's path prefix \"/blog\""
            in r["status"]["message"]), r


def test_verdict_delete_live_delegate(start):
    srv = start(CLUSTER)
    r = verdict(srv, admission(IR, "DELETE", "team", "blog", old=CHILD))
    assert r["allowed"] is False, r
    assert "a.example.com" in r["status"]["message"] or "team/root" in r["status"]["message"], r


def test_verdict_delete_secret_in_use(start):
    srv = start(CLUSTER)
    r = verdict(srv, admission(SECRET, "DELETE", "team", "tls", old=TLS_SECRET))
    assert r["allowed"] is False, r
    assert "a.example.com" in r["status"]["message"], r


def test_verdict_delegation_change_drops_tls(start):
    cert = dict(TLS_SECRET, metadata=meta("wildcard", "certs"))
    delegation = {"apiVersion": "contour.heptio.com/v1beta1", "kind": "TLSCertificateDelegation",
                  "metadata": meta("delegation", "certs"),
                  "spec": {"delegations": [{"secretName": "wildcard",
                                            "targetNamespaces": ["team"]}]}}
    root = ir("root", {"virtualhost": {"fqdn": "a.example.com",
                                       "tls": {"secretName": "certs/wildcard"}},
                       "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    srv = start(yaml_of(WEB, cert, delegation, root))
    changed = json.loads(json.dumps(delegation))
    changed["spec"]["delegations"][0]["targetNamespaces"] = ["other"]
    r = verdict(srv, admission(TCD, "UPDATE", "certs", "delegation", changed, delegation))
    assert r["allowed"] is False, r
    assert "a.example.com" in r["status"]["message"], r


def test_verdict_cycle(start):
    srv = start(CLUSTER)
    child = ir("blog", {"routes": [{"match": "/blog", "delegate": {"name": "root"}}]})
    r = verdict(srv, admission(IR, "UPDATE", "team", "blog", child, CHILD))
    assert r["allowed"] is False, r
    assert "cycle" in r["status"]["message"], r


def test_verdict_track_admitted(start):
    """With --track-admitted, an allowed root counts for the next review: a second root
    with its fqdn is denied before the manifests change."""
    srv = start(yaml_of(WEB), "--track-admitted")
    first = ir("first", {"virtualhost": {"fqdn": "t.example.com"},
                         "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    assert verdict(srv, admission(IR, "CREATE", "team", "first", first))["allowed"] is True
    # A dry run is not tracked.
    dry = ir("dry", {"virtualhost": {"fqdn": "d.example.com"},
                     "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    assert verdict(srv, admission(IR, "CREATE", "team", "dry", dry, dry_run=True))["allowed"]
    deadline = time.monotonic() + 10 * TIME_FACTOR
    while srv.metrics()["contour_webhook_cluster_objects"] < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.metrics()["contour_webhook_tracked_objects"] == 1
    second = ir("second", {"virtualhost": {"fqdn": "t.example.com"},
                           "routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]})
    r = verdict(srv, admission(IR, "CREATE", "team", "second", second))
    assert r["allowed"] is False and "team/first" in r["status"]["message"], r


# ---- contourc admit: the same answer offline --------------------------------------------

def test_contourc_admit_matches_server(start, tmp_path):
    if not CONTOURC:
        pytest.skip("CONTOUR_CONTOURC is not set")
    srv = start(CLUSTER)
    cluster = srv.cluster_dir
    for i, review in enumerate([admission(DEPLOYMENT, "CREATE", uid="x"),
                                admission(IR, "DELETE", "team", "blog", old=CHILD)]):
        f = tmp_path / f"review{i}.json"
        f.write_text(json.dumps(review))
        status, text = srv.review(review)
        out = subprocess.run([CONTOURC, "admit", "--cluster", str(cluster), str(f)],
                             capture_output=True, text=True)
        if status == 200:
            assert out.returncode in (0, 1) and out.stdout.strip() == text, (out, text)
        else:
            assert out.returncode == 2 and text.strip() in out.stderr, (out, text)
