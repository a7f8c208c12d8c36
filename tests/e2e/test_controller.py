"""End to end: the example controller (examples/controller: client-go informers and the Go
binding) against a real API server. kubectl applies, edits and deletes objects; the tests
check the statuses the API server then holds — valid, invalid with Contour's exact words,
orphaned, back to valid after a fix — what the controller prints for a change, that a
Secret's values never reach its output, and that a restarted controller converges to the
same statuses without rewriting those that are already right.

The controller runs as its own process, stopped by its PID at the end, pass or fail; it
gets a cluster of its own (the other modules' objects and status writes stay out of it).
Every wait polls with a timeout and, when it runs out, says what the API server holds and
what the controller printed."""

import json
import os
import subprocess
import time

import pytest

from cluster import Cluster, _die_with_parent, stop_process, tail
from conftest import SOURCE_ROOT

BUILD_SCRIPT = os.path.join(SOURCE_ROOT, "examples", "controller", "build.sh")
TIMEOUT = 60  # seconds any one expected state may take

VALID = ("valid", "valid IngressRoute")
ORPHANED = ("orphaned", "this IngressRoute is not part of a delegation chain from a root "
            "IngressRoute")


def prefix_mismatch(child, parent):
    return ("invalid", f'the path prefix "{child}" does not match the parent\'s path prefix '
                       f'"{parent}"')


def duplicate_fqdn(fqdn, *refs):
    return ("invalid", f'fqdn "{fqdn}" is used in multiple IngressRoutes: {", ".join(refs)}')


def ingressroute(name, ns, routes, vhost=None, annotations=None):
    """An IngressRoute manifest (JSON, which kubectl reads as YAML)."""
    meta = {"name": name, "namespace": ns}
    if annotations:
        meta["annotations"] = annotations
    spec = {"routes": routes}
    if vhost:
        spec["virtualhost"] = vhost
    return json.dumps({"apiVersion": "contour.heptio.com/v1beta1", "kind": "IngressRoute",
                       "metadata": meta, "spec": spec})


def to_s1(match):
    return {"match": match, "services": [{"name": "s1", "port": 80}]}


def root(name, ns, fqdn="a.example.com"):
    return ingressroute(name, ns, [to_s1("/"), {"match": "/y", "delegate": {
        "name": "child", "namespace": "ns1"}}], vhost={"fqdn": fqdn})


def child(prefix):
    return ingressroute("child", "ns1", [to_s1(prefix)])


SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: s1, namespace: ns1}
spec: {ports: [{port: 80}]}
"""
LONELY = ingressroute("lonely", "ns2", [to_s1("/")])
LONELY_ROOT = ingressroute("lonely-root", "ns2", [{"match": "/", "delegate": {"name": "lonely"}}],
                           vhost={"fqdn": "lonely.example.com"})
OTHER_CLASS = ingressroute("other-class", "ns2", [to_s1("/")], vhost={"fqdn": "other.example.com"},
                           annotations={"kubernetes.io/ingress.class": "other"})
TLS_ROOT = ingressroute("t", "ns1", [to_s1("/")], vhost={
    "fqdn": "t.example.com", "tls": {"secretName": "certs/cert"}})
INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns1}
spec:
  rules:
  - host: ingress.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: s1, port: {number: 80}}}}
"""
DELEGATION = """
apiVersion: contour.heptio.com/v1beta1
kind: TLSCertificateDelegation
metadata: {name: to-ns1, namespace: certs}
spec:
  delegations:
  - {secretName: cert, targetNamespaces: [ns1]}
"""


class Controller:
    """The controller as a process of its own, its output in a file."""

    def __init__(self, exe, cluster, log_path):
        self.exe, self.cluster, self.log_path = exe, cluster, log_path
        self.proc = None
        self.runs = 0

    def start(self):
        assert self.proc is None or self.proc.poll() is not None
        self.runs += 1
        self.offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        with open(self.log_path, "ab") as log:
            log.write(f"--- run {self.runs}\n".encode())
            self.proc = subprocess.Popen(
                [self.exe, f"--kubeconfig={self.cluster.kubeconfig}", "--max-lines=0"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent)

    def stop(self):
        """SIGTERM, then SIGKILL after 15 s; returns the exit status."""
        if self.proc is None:
            return None
        stop_process(self.proc, "contour-controller")
        return self.proc.returncode

    def output(self, whole=False):
        """What the controller printed (this run's, unless whole)."""
        with open(self.log_path, errors="replace") as f:
            if not whole:
                f.seek(self.offset)
            return f.read()

    def check_alive(self):
        if self.proc.poll() is not None:
            pytest.fail(f"the controller exited with status {self.proc.returncode}:\n"
                        + tail(self.log_path, 60))

    def wait_output(self, text, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while text not in self.output():
            self.check_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"the controller never printed {text!r}; it printed:\n"
                            + tail(self.log_path, 80))
            time.sleep(0.2)


@pytest.fixture(scope="module")
def controller_exe():
    build = os.environ.get("CONTOUR_BUILD_ROOT")
    assert build, "CONTOUR_BUILD_ROOT (the meson build directory) is not set"
    proc = subprocess.run(["bash", BUILD_SCRIPT, build, "--check"], stdout=subprocess.PIPE,
                          text=True)
    if proc.returncode == 77 and os.environ.get("CONTOUR_E2E_REQUIRE") != "1":
        pytest.skip("Go is not installed: the controller cannot be built")
    assert proc.returncode == 0, f"{BUILD_SCRIPT} failed (exit {proc.returncode}); see above"
    return os.path.join(proc.stdout.strip().splitlines()[-1], "contour-controller")


@pytest.fixture(scope="module")
def kube(binaries):
    """A cluster of this module's own, with the CRDs."""
    bindir, etcd = binaries
    with Cluster(bindir=bindir, etcd=etcd) as c:
        c.kubectl("apply", "-f", os.path.join(SOURCE_ROOT, "examples", "crds"))
        c.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                  "crd/ingressroutes.contour.heptio.com",
                  "crd/tlscertificatedelegations.contour.heptio.com")
        for ns in ("ns1", "ns2", "certs"):
            c.kubectl("create", "namespace", ns)
        yield c


@pytest.fixture(scope="module")
def ctl(kube, controller_exe, tmp_path_factory):
    c = Controller(controller_exe, kube, str(tmp_path_factory.mktemp("controller") / "out.log"))
    c.start()
    try:
        yield c
    finally:
        status = c.stop()
        print(f"\ncontroller: stopped (exit {status}) after {c.runs} run(s); its output:\n"
              + tail(c.log_path, 40))


def apply(kube, text):
    return kube.kubectl("apply", "-f", "-", input=text)


def delete(kube, text):
    return kube.kubectl("delete", "-f", "-", input=text)


def held(kube):
    """What the API server holds: (ns, name) -> the IngressRoute."""
    items = json.loads(kube.kubectl("get", "ingressroutes", "-A", "-o", "json").stdout)["items"]
    return {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in items}


def status_of(obj):
    st = obj.get("status") or {}
    return (st.get("currentStatus"), st.get("description")) if st else None


def held_statuses(kube):
    return {f"{k[0]}/{k[1]}": status_of(o) for k, o in sorted(held(kube).items())}


def wait_statuses(kube, ctl, want, timeout=TIMEOUT):
    """Polls until every "ns/name" in want has that (currentStatus, description), or None
    for no status; fails saying what the API server holds and what the controller printed."""
    deadline = time.monotonic() + timeout
    while True:
        got = held_statuses(kube)
        wrong = {k: got.get(k, "<no such object>") for k, v in want.items() if got.get(k) != v}
        if not wrong:
            return got
        ctl.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout}s the API server holds\n{json.dumps(got, indent=1)}\n"
                        f"where we want\n{json.dumps(want, indent=1)}\n"
                        f"the controller printed:\n{tail(ctl.log_path, 80)}")
        time.sleep(0.2)


def resource_versions(kube):
    return {f"{k[0]}/{k[1]}": o["metadata"]["resourceVersion"] for k, o in held(kube).items()}


def test_valid(kube, ctl):
    apply(kube, SERVICE + "---\n" + root("a", "ns1") + "\n---\n" + child("/y"))
    wait_statuses(kube, ctl, {"ns1/a": VALID, "ns1/child": VALID})
    ctl.wait_output("initial statuses written")


def test_listens_nowhere(ctl):
    """The controller serves nothing: it has no listening socket."""
    inodes = set()
    for fd in os.listdir(f"/proc/{ctl.proc.pid}/fd"):
        try:
            link = os.readlink(f"/proc/{ctl.proc.pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    assert inodes, "the controller has no sockets at all (not connected to the API server?)"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                assert not (cols[3] == "0A" and cols[9] in inodes), f"listening: {cols[1]}"


def test_ingress_and_class(kube, ctl):
    """An Ingress is a virtual host of the graph; an IngressRoute of another ingress class
    gets no status."""
    apply(kube, INGRESS + "---\n" + OTHER_CLASS)
    ctl.wait_output("vhost ingress_http ingress.example.com: added (prefix / added)")
    ctl.wait_output("IngressRoute ns2/other-class added")
    assert held_statuses(kube)["ns2/other-class"] is None


def test_edit_breaks_child_then_fix(kube, ctl):
    before = resource_versions(kube)
    apply(kube, child("/x"))
    wait_statuses(kube, ctl, {"ns1/child": prefix_mismatch("/x", "/y"), "ns1/a": VALID})
    ctl.wait_output('status ns1/child: valid -> invalid: the path prefix "/x" does not '
                    'match the parent\'s path prefix "/y"')
    ctl.wait_output("vhost ingress_http a.example.com: changed (prefix /y removed)")
    apply(kube, child("/y"))
    wait_statuses(kube, ctl, {"ns1/child": VALID, "ns1/a": VALID})
    # The parent's status never changed: it was not written.
    assert resource_versions(kube)["ns1/a"] == before["ns1/a"]


def test_duplicate_fqdn(kube, ctl):
    apply(kube, root("b", "ns2"))
    dup = duplicate_fqdn("a.example.com", "ns1/a", "ns2/b")
    wait_statuses(kube, ctl, {"ns1/a": dup, "ns2/b": dup, "ns1/child": ORPHANED})
    delete(kube, root("b", "ns2"))
    wait_statuses(kube, ctl, {"ns1/a": VALID, "ns1/child": VALID})


def test_orphan(kube, ctl):
    apply(kube, LONELY)
    wait_statuses(kube, ctl, {"ns2/lonely": ORPHANED})
    # Delegated to by a root, it is valid.
    apply(kube, LONELY_ROOT)
    wait_statuses(kube, ctl, {"ns2/lonely": VALID, "ns2/lonely-root": VALID})


def test_status_overwritten_is_restored(kube, ctl):
    kube.kubectl("patch", "ingressroute", "a", "-n", "ns1", "--subresource=status",
                 "--type=merge", "-p",
                 '{"status": {"currentStatus": "invalid", "description": "someone else"}}')
    wait_statuses(kube, ctl, {"ns1/a": VALID})


def test_deleting_a_delegate(kube, ctl):
    """The library keeps the parent valid: its route to the delegate goes, with a warning."""
    before = resource_versions(kube)
    delete(kube, child("/y"))
    ctl.wait_output("status ns1/child: removed (was valid)")
    ctl.wait_output('warning: route "/y": delegate target ns1/child not found [ns1/a]')
    assert "ns1/child" not in held_statuses(kube)
    wait_statuses(kube, ctl, {"ns1/a": VALID})
    assert resource_versions(kube)["ns1/a"] == before["ns1/a"]


def test_tls_secret_values_stay_out(kube, ctl):
    """A delegated TLS Secret gives the root its secure virtual host; the Secret's values
    never appear in what the controller prints."""
    apply(kube, TLS_ROOT)
    kube.kubectl("create", "secret", "tls", "cert", "-n", "certs",
                 f"--cert={kube.cert_file}", f"--key={kube.key_file}")
    apply(kube, DELEGATION)
    ctl.wait_output("vhost ingress_https t.example.com: added (prefix / added)")
    wait_statuses(kube, ctl, {"ns1/t": VALID})
    secret = json.loads(kube.kubectl("get", "secret", "cert", "-n", "certs", "-o",
                                     "json").stdout)
    out = ctl.output(whole=True)
    for key, value in secret["data"].items():
        assert value and value not in out, f"the value of {key} is in the controller's output"
        for chunk in (value[i:i + 32] for i in range(0, len(value) - 32, 32)):
            assert chunk not in out, f"part of the value of {key} is in the output"
    with open(kube.key_file) as f:
        for line in f:
            if "PRIVATE KEY" not in line and len(line.strip()) > 16:
                assert line.strip() not in out, "the private key is in the output"


def contourc_statuses(kube, tmp_path):
    """The statuses contourc resolves from the cluster's objects as kubectl lists them."""
    dump = tmp_path / "cluster.json"
    dump.write_text(kube.kubectl("get", "ingressroutes,tlscertificatedelegations,ingresses,"
                                 "services,secrets", "-A", "-o", "json").stdout)
    exe = os.path.join(os.environ["CONTOUR_BUILD_ROOT"], "tools", "contourc")
    proc = subprocess.run([exe, "graph", "--format", "json", str(dump)], capture_output=True,
                          text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return {f"{s['namespace']}/{s['name']}": (s["status"], s["description"])
            for s in json.loads(proc.stdout)["statuses"]}


def test_restart_converges(kube, ctl, tmp_path):
    """Stopped, the controller misses changes; started again, it writes exactly the
    statuses that are wrong and leaves the others alone."""
    status = ctl.stop()
    assert status == 0, tail(ctl.log_path)
    assert ctl.output().rstrip().endswith("stopped")
    # While it is down: the child comes back (no status yet), a status is tampered with,
    # a duplicate appears.
    apply(kube, child("/y"))
    kube.kubectl("patch", "ingressroute", "lonely", "-n", "ns2", "--subresource=status",
                 "--type=merge", "-p", '{"status": {"currentStatus": "valid", '
                                       '"description": "tampered"}}')
    apply(kube, root("dup", "ns2", fqdn="t.example.com"))
    before = resource_versions(kube)
    ctl.start()
    dup = duplicate_fqdn("t.example.com", "ns1/t", "ns2/dup")
    want = {"ns1/a": VALID, "ns1/child": VALID, "ns2/lonely": VALID,
            "ns2/lonely-root": VALID, "ns1/t": dup, "ns2/dup": dup, "ns2/other-class": None}
    got = wait_statuses(kube, ctl, want)
    assert got == want
    ctl.wait_output("initial statuses written")
    # Written: child, lonely, t, dup; not a or lonely-root, which were right.
    after = resource_versions(kube)
    assert after["ns1/a"] == before["ns1/a"] and \
        after["ns2/lonely-root"] == before["ns2/lonely-root"]
    assert "initial statuses written" in ctl.output() and " 4 written," in ctl.output(), \
        ctl.output()
    # What the API server holds is what the library resolves from its objects.
    assert contourc_statuses(kube, tmp_path) == {k: v for k, v in got.items() if v}

    # And the restarted controller follows changes as before.
    delete(kube, root("dup", "ns2"))
    wait_statuses(kube, ctl, {"ns1/t": VALID})


def test_stopped_by_pid(ctl):
    pid = ctl.proc.pid
    assert ctl.stop() == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
