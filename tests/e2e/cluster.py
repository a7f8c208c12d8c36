#!/usr/bin/env python3
"""A real Kubernetes API server on loopback, for end-to-end tests.

Starts etcd and kube-apiserver (built by scripts/k8s-build.sh) on free 127.0.0.1 ports
with a temporary data directory, a self-signed serving certificate for 127.0.0.1, a static
token and AlwaysAllow authorization, writes a kubeconfig and waits for /readyz. Stopping
ends the API server first (SIGTERM, then SIGKILL after a timeout) and waits for it, then
etcd, each by its own PID: stopping etcd first would leave an API server retrying, which
could reach the next test's etcd on a reused port.

From Python::

    from cluster import Cluster, Unavailable
    with Cluster() as c:                      # or Cluster(workdir=...)
        c.kubectl("get", "namespaces")
        c.env()                               # KUBECONFIG and the rest, as below

The processes stay in the caller's process group and get SIGKILL if the caller dies
(PR_SET_PDEATHSIG), so a test runner that kills the test on a timeout kills them too.

From any language, a command line::

    eval "$(python3 tests/e2e/cluster.py up --dir D)"   # starts; prints VAR='value' lines
    kubectl --kubeconfig "$KUBECONFIG" get ns
    python3 tests/e2e/cluster.py down --dir D            # stops; safe to repeat

`up` leaves a supervisor process that owns the cluster. It stops the cluster on `down`,
on SIGTERM/SIGINT, when etcd or the API server dies, and when the process that ran `up`
(its parent; `--watch-pid PID` names another, 0 none) exits: a test that is killed does
not leave a cluster behind. The variables are also written to D/env (the same lines) and
D/env.json (an object), and the logs to D/*.log. `eval` sets shell variables; to export
them: `set -a; eval "$(...)"; set +a`.

Exit status: 0 done, 1 failed (the reason and the end of the logs on standard error),
2 bad usage, 77 cannot run here (the binaries cannot be built, or etcd is missing).
"""

import argparse
import base64
import contextlib
import ctypes
import glob
import json
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_SCRIPT = os.path.join(SOURCE_ROOT, "scripts", "k8s-build.sh")
EXIT_SKIP = 77
TOKEN = "libcontour-e2e-token"
TEMP_PREFIX = "contour-e2e-"
STOP_TIMEOUT = 15.0  # seconds a process gets after SIGTERM before SIGKILL


class Unavailable(Exception):
    """The cluster cannot run on this machine: no binaries can be built, or no etcd."""


class ClusterError(Exception):
    """A process did not start, became unready, or failed."""


def log(msg):
    print(f"cluster: {msg}", file=sys.stderr, flush=True)


def find_binaries(build=True):
    """The directory with kube-apiserver and kubectl, building them when `build`.

    CONTOUR_K8S_BIN_DIR overrides; otherwise scripts/k8s-build.sh (a no-op when built)."""
    bindir = os.environ.get("CONTOUR_K8S_BIN_DIR")
    if not bindir:
        cmd = [BUILD_SCRIPT] + ([] if build else ["--check"])
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise Unavailable(
                "kube-apiserver and kubectl could not be built (scripts/k8s-build.sh "
                f"exited {proc.returncode}; its messages are above)" if build else
                "kube-apiserver and kubectl are not built: run scripts/k8s-build.sh")
        bindir = proc.stdout.strip().splitlines()[-1]
    for name in ("kube-apiserver", "kubectl"):
        if not os.access(os.path.join(bindir, name), os.X_OK):
            raise Unavailable(f"{bindir}/{name} is missing")
    return bindir


def find_etcd():
    etcd = os.environ.get("CONTOUR_E2E_ETCD") or shutil.which("etcd") or "/usr/bin/etcd"
    if not os.access(etcd, os.X_OK):
        raise Unavailable(f"etcd is not installed ({etcd} is missing; Debian: apt-get "
                          "install etcd-server; or set CONTOUR_E2E_ETCD=/path/to/etcd)")
    return etcd


def _sweep_stale_workdirs():
    """Removes the temporary working directories (about 64 MB each, mostly etcd's
    preallocated log) of earlier runs whose process was killed before it could."""
    for d in glob.glob(os.path.join(tempfile.gettempdir(), TEMP_PREFIX + "*")):
        try:
            with open(os.path.join(d, "owner")) as f:
                owner = int(f.read())
        except (OSError, ValueError):
            continue
        if not _pid_alive(owner):
            shutil.rmtree(d, ignore_errors=True)


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (free when asked; a start retries on a race)."""
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def _die_with_parent():
    """preexec_fn: SIGKILL this child when the process that started it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            text = "".join(f.readlines()[-lines:])
        return text if text.endswith("\n") else text + "\n"
    except OSError:
        return ""


def stop_process(proc, name, timeout=STOP_TIMEOUT):
    """SIGTERM, wait up to `timeout`, then SIGKILL; returns when the process is gone."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
        return
    except subprocess.TimeoutExpired:
        log(f"{name} (pid {proc.pid}) did not stop in {timeout:.0f}s: SIGKILL")
    proc.kill()
    proc.wait()


class Cluster:
    """etcd + kube-apiserver on 127.0.0.1. Use as a context manager, or start()/stop()."""

    def __init__(self, workdir=None, bindir=None, etcd=None, ready_timeout=90.0):
        self._own_workdir = workdir is None
        if workdir is None:
            _sweep_stale_workdirs()
            workdir = tempfile.mkdtemp(prefix=TEMP_PREFIX)
            with open(os.path.join(workdir, "owner"), "w") as f:
                f.write(str(os.getpid()))
        self.workdir = os.path.abspath(workdir)
        self._bindir = bindir
        self._etcd = etcd
        self.ready_timeout = ready_timeout
        self.etcd_proc = self.apiserver_proc = None
        self.url = None
        self.start_seconds = None

    # Paths in the working directory.
    def path(self, *parts):
        return os.path.join(self.workdir, *parts)

    @property
    def kubeconfig(self):
        return self.path("kubeconfig")

    @property
    def cert_file(self):
        """The serving certificate: self-signed for 127.0.0.1, so also the CA to trust."""
        return self.path("pki", "serving.crt")

    @property
    def key_file(self):
        return self.path("pki", "serving.key")

    @property
    def token(self):
        return TOKEN

    @property
    def kubectl_path(self):
        return os.path.join(self.bindir, "kubectl")

    @property
    def bindir(self):
        if self._bindir is None:
            self._bindir = find_binaries()
        return self._bindir

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        bindir, etcd = self.bindir, self._etcd or find_etcd()
        t0 = time.monotonic()
        os.makedirs(self.workdir, exist_ok=True)
        self._write_pki()
        with open(self.path("tokens.csv"), "w") as f:
            f.write(f'{TOKEN},libcontour-e2e,libcontour-e2e,"system:masters"\n')
        last = None
        try:
            for attempt in range(3):  # a free port may be taken between asking and binding
                try:
                    self._start_once(bindir, etcd)
                    break
                except ClusterError as e:
                    last = e
                    self.stop(remove=False)
                    log(f"start attempt {attempt + 1} failed: {e}")
            else:
                raise last
        except BaseException:
            self.stop()  # __exit__ does not run when __enter__ fails
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def _start_once(self, bindir, etcd):
        client, peer, secure = free_ports(3)
        datadir = self.path("etcd")
        shutil.rmtree(datadir, ignore_errors=True)
        etcd_url = f"http://127.0.0.1:{client}"
        self.etcd_proc = self._spawn("etcd", [
            etcd, "--name=e2e", f"--data-dir={datadir}",
            f"--listen-client-urls={etcd_url}", f"--advertise-client-urls={etcd_url}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=e2e=http://127.0.0.1:{peer}",
            "--initial-cluster-state=new", "--logger=zap", "--log-outputs=stderr",
        ])
        self._wait("etcd", self.etcd_proc, lambda: self._etcd_healthy(etcd_url))

        self.url = f"https://127.0.0.1:{secure}"
        pki = self.path("pki")
        self.apiserver_proc = self._spawn("kube-apiserver", [
            os.path.join(bindir, "kube-apiserver"),
            f"--etcd-servers={etcd_url}",
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            f"--secure-port={secure}",
            f"--cert-dir={self.path('apiserver-certs')}",
            f"--tls-cert-file={self.cert_file}", f"--tls-private-key-file={self.key_file}",
            f"--token-auth-file={self.path('tokens.csv')}",
            "--authorization-mode=AlwaysAllow",
            f"--service-account-issuer={self.url}",
            f"--service-account-key-file={pki}/sa.pub",
            f"--service-account-signing-key-file={pki}/sa.key",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--profiling=false",
        ])
        self._wait("kube-apiserver", self.apiserver_proc, self._apiserver_ready)
        self._write_kubeconfig()

    def _spawn(self, name, argv):
        logf = open(self.path(f"{name}.log"), "ab")
        try:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                    cwd=self.workdir, preexec_fn=_die_with_parent)
        finally:
            logf.close()

    def _wait(self, name, proc, ready):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ClusterError(f"{name} exited with status {proc.returncode}:\n"
                                   + tail(self.path(f"{name}.log")))
            if ready():
                return
            time.sleep(0.2)
        raise ClusterError(f"{name} was not ready in {self.ready_timeout:.0f}s:\n"
                           + tail(self.path(f"{name}.log")))

    @staticmethod
    def _etcd_healthy(url):
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                return json.load(r).get("health") == "true"
        except (OSError, ValueError):
            return False

    def ssl_context(self):
        return ssl.create_default_context(cafile=self.cert_file)

    def request(self, method, path, body=None, content_type="application/json",
                accept="application/json"):
        """A raw API request with the token; returns (status, parsed JSON or text)."""
        data = None if body is None else (
            body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": content_type,
            "Accept": accept})
        try:
            with urllib.request.urlopen(req, context=self.ssl_context(), timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def _apiserver_ready(self):
        try:
            return self.request("GET", "/readyz")[0] == 200
        except OSError:
            return False

    def _write_pki(self):
        pki = self.path("pki")
        os.makedirs(pki, exist_ok=True)
        if os.path.exists(self.cert_file):
            return
        run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)
        try:
            run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "30", "-subj", "/CN=libcontour-e2e",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-addext", "extendedKeyUsage=serverAuth,clientAuth",
                "-keyout", self.key_file, "-out", self.cert_file)
            # The service-account token key: kube-apiserver reads SEC1 ("EC PRIVATE KEY").
            run("ecparam", "-genkey", "-name", "prime256v1", "-noout",
                "-out", os.path.join(pki, "sa.key"))
            run("ec", "-in", os.path.join(pki, "sa.key"), "-pubout",
                "-out", os.path.join(pki, "sa.pub"))
        except FileNotFoundError:
            raise Unavailable("openssl is not installed")
        except subprocess.CalledProcessError as e:
            raise ClusterError(f"openssl failed: {e.stderr.decode(errors='replace')}")

    def _write_kubeconfig(self):
        # JSON is YAML: kubectl reads it as a kubeconfig.
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "e2e",
            "clusters": [{"name": "e2e", "cluster": {
                "server": self.url, "certificate-authority": self.cert_file}}],
            "users": [{"name": "e2e", "user": {"token": TOKEN}}],
            "contexts": [{"name": "e2e", "context": {
                "cluster": "e2e", "user": "e2e", "namespace": "default"}}],
        }
        with open(self.kubeconfig, "w") as f:
            json.dump(config, f, indent=2)

    def ca_bundle(self):
        """The serving certificate, base64, for a webhook's clientConfig.caBundle."""
        with open(self.cert_file, "rb") as f:
            return base64.b64encode(f.read()).decode()

    def env(self):
        """What a test in another language needs, as environment variables."""
        return {
            "KUBECONFIG": self.kubeconfig,
            "KUBECACHEDIR": self.path("kube-cache"),
            "CONTOUR_E2E_DIR": self.workdir,
            "CONTOUR_E2E_API_URL": self.url,
            "CONTOUR_E2E_TOKEN": TOKEN,
            "CONTOUR_E2E_CA_FILE": self.cert_file,
            "CONTOUR_E2E_TLS_CERT": self.cert_file,
            "CONTOUR_E2E_TLS_KEY": self.key_file,
            "CONTOUR_E2E_KUBECTL": self.kubectl_path,
            "CONTOUR_E2E_BIN_DIR": self.bindir,
            "CONTOUR_E2E_APISERVER_PID": str(self.apiserver_proc.pid),
            "CONTOUR_E2E_ETCD_PID": str(self.etcd_proc.pid),
        }

    def kubectl(self, *args, input=None, check=True, timeout=120):
        """Runs kubectl against this cluster; returns the CompletedProcess (text)."""
        proc = subprocess.run([self.kubectl_path, f"--kubeconfig={self.kubeconfig}",
                               f"--cache-dir={self.path('kube-cache')}", *args],
                              input=input, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise ClusterError(f"kubectl {' '.join(args)} exited {proc.returncode}:\n"
                               f"{proc.stdout}{proc.stderr}")
        return proc

    def stop(self, remove=None):
        """Stops the API server, waits for it, then etcd. Idempotent.

        Removes the working directory if this object made it (unless remove=False, or
        CONTOUR_E2E_KEEP=1 is set to keep the logs)."""
        stop_process(self.apiserver_proc, "kube-apiserver")
        stop_process(self.etcd_proc, "etcd")
        if remove is None:
            remove = self._own_workdir and os.environ.get("CONTOUR_E2E_KEEP") != "1"
        if remove:
            shutil.rmtree(self.workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# The command line: up / down / env, with a supervisor process that owns the cluster.

def _state_path(workdir):
    return os.path.join(workdir, "state.json")


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline_has(pid, needle):
    """True if process `pid` is still the one we started (its command line names `needle`)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return needle.encode() in f.read()
    except OSError:
        return False


def _env_lines(env):
    return "".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items())


def _supervise(cluster, watch_pid, ready_w):
    """In the supervisor (a new session): start, report, then wait for a reason to stop."""
    stop_reason = []

    def on_signal(signum, _frame):
        stop_reason.append(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        cluster.start()
        env = cluster.env()
        env["CONTOUR_E2E_SUPERVISOR_PID"] = str(os.getpid())
        with open(os.path.join(cluster.workdir, "env"), "w") as f:
            f.write(_env_lines(env))
        with open(os.path.join(cluster.workdir, "env.json"), "w") as f:
            json.dump(env, f, indent=2)
        with open(_state_path(cluster.workdir), "w") as f:
            json.dump({"supervisor": os.getpid(), "apiserver": cluster.apiserver_proc.pid,
                       "etcd": cluster.etcd_proc.pid, "watch": watch_pid}, f)
        os.write(ready_w, json.dumps({"ok": True, "env": env,
                                      "seconds": cluster.start_seconds}).encode())
    except Unavailable as e:
        os.write(ready_w, json.dumps({"ok": False, "skip": True, "error": str(e)}).encode())
        cluster.stop(remove=False)
        return 0
    except BaseException as e:  # report everything to `up`, which is waiting
        os.write(ready_w, json.dumps({"ok": False, "error": str(e)}).encode())
        cluster.stop(remove=False)
        return 1
    finally:
        os.close(ready_w)

    while not stop_reason:
        if watch_pid and not _pid_alive(watch_pid):
            stop_reason.append(f"watched process {watch_pid} exited")
        for name, proc in (("kube-apiserver", cluster.apiserver_proc),
                           ("etcd", cluster.etcd_proc)):
            if proc.poll() is not None:
                stop_reason.append(f"{name} exited with status {proc.returncode}")
        time.sleep(0.25)
    log(f"stopping ({stop_reason[0]})")
    cluster.stop(remove=False)
    shutil.rmtree(cluster.path("etcd"), ignore_errors=True)
    with contextlib.suppress(OSError):
        os.unlink(_state_path(cluster.workdir))
    return 0


def cmd_up(args):
    workdir = os.path.abspath(args.dir)
    if os.path.exists(_state_path(workdir)):
        with open(_state_path(workdir)) as f:
            if _pid_alive(json.load(f)["supervisor"]):
                log(f"a cluster is already running in {workdir} (down --dir first)")
                return 1
    # Build (or find) the binaries here, where the caller sees the progress.
    try:
        cluster = Cluster(workdir=workdir, bindir=args.bin_dir or find_binaries(),
                          etcd=find_etcd(), ready_timeout=args.timeout)
    except Unavailable as e:
        log(f"cannot run here: {e}")
        return EXIT_SKIP
    watch = os.getppid() if args.watch_pid is None else args.watch_pid
    os.makedirs(workdir, exist_ok=True)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the supervisor
        os.close(ready_r)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        logf = os.open(os.path.join(workdir, "supervisor.log"),
                       os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(devnull, 0)
        os.dup2(logf, 1)
        os.dup2(logf, 2)
        code = 1
        try:
            code = _supervise(cluster, watch, ready_w)
        finally:
            os._exit(code)
    os.close(ready_w)
    chunks = []
    while True:
        chunk = os.read(ready_r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(ready_r)
    try:
        report = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        report = {}
    if not report.get("ok"):
        log(report.get("error") or "the supervisor died before the cluster started; see "
            + os.path.join(workdir, "supervisor.log"))
        os.waitpid(pid, 0)
        return EXIT_SKIP if report.get("skip") else 1
    sys.stdout.write(_env_lines(report["env"]))
    log(f"up in {report['seconds']:.1f}s: {report['env']['CONTOUR_E2E_API_URL']}"
        + (f", stops when pid {watch} exits" if watch else ""))
    return 0


def cmd_down(args):
    workdir = os.path.abspath(args.dir)
    try:
        with open(_state_path(workdir)) as f:
            state = json.load(f)
    except FileNotFoundError:
        return 0  # not running (already down)
    sup = state["supervisor"]
    if _pid_alive(sup):
        os.kill(sup, signal.SIGTERM)
        deadline = time.monotonic() + 2 * STOP_TIMEOUT + 10
        while _pid_alive(sup) and time.monotonic() < deadline:
            time.sleep(0.1)
    # The supervisor is gone (or stuck): whatever of ours is left, in order, by PID.
    for name in ("apiserver", "etcd"):
        pid = state[name]
        if _pid_alive(pid) and _cmdline_has(pid, workdir):
            log(f"{name} (pid {pid}) still running: SIGKILL")
            os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.05)
    if _pid_alive(sup) and _cmdline_has(sup, "cluster.py"):
        os.kill(sup, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.unlink(_state_path(workdir))
    shutil.rmtree(os.path.join(workdir, "etcd"), ignore_errors=True)
    return 0


def cmd_env(args):
    try:
        with open(os.path.join(os.path.abspath(args.dir), "env")) as f:
            sys.stdout.write(f.read())
    except FileNotFoundError:
        log(f"no cluster in {args.dir}")
        return 1
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start a cluster; print its environment variables")
    up.add_argument("--dir", required=True, help="working directory (created if missing)")
    up.add_argument("--bin-dir", help="kube-apiserver and kubectl (default: scripts/k8s-build.sh)")
    up.add_argument("--watch-pid", type=int, help="stop when this process exits "
                    "(default: the parent of this command; 0: never)")
    up.add_argument("--timeout", type=float, default=90.0, help="seconds to become ready")
    down = sub.add_parser("down", help="stop the cluster started in --dir")
    down.add_argument("--dir", required=True)
    env = sub.add_parser("env", help="print the environment variables of a running cluster")
    env.add_argument("--dir", required=True)
    args = p.parse_args(argv)
    return {"up": cmd_up, "down": cmd_down, "env": cmd_env}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
