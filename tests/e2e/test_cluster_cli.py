"""The harness's command line, as a test in another language uses it: `up` prints the
environment, `down` stops everything by PID, and a cluster whose owner dies stops itself."""

import json
import os
import socket
import subprocess
import sys
import time

from cluster import _pid_alive

CLUSTER_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster.py")


def parse_env(text):
    env = {}
    for line in text.splitlines():
        k, _, v = line.partition("=")
        env[k] = v.strip("'")
    return env


def wait_gone(pids, seconds=60):
    deadline = time.monotonic() + seconds
    while any(_pid_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _pid_alive(p)]


def port_open(url):
    host, port = url.rsplit("/", 1)[-1].rsplit(":", 1)
    with socket.socket() as s:
        return s.connect_ex((host, int(port))) == 0


def test_up_and_down(binaries, tmp_path):
    bindir, _ = binaries
    d = tmp_path / "cluster"
    t0 = time.monotonic()
    up = subprocess.run([sys.executable, CLUSTER_PY, "up", "--dir", str(d), "--bin-dir",
                         bindir], capture_output=True, text=True, timeout=180)
    assert up.returncode == 0, up.stderr
    up_seconds = time.monotonic() - t0
    env = parse_env(up.stdout)
    assert env == json.loads((d / "env.json").read_text())
    assert env["CONTOUR_E2E_API_URL"].startswith("https://127.0.0.1:")
    pids = [int(env[k]) for k in ("CONTOUR_E2E_APISERVER_PID", "CONTOUR_E2E_ETCD_PID",
                                  "CONTOUR_E2E_SUPERVISOR_PID")]
    assert all(_pid_alive(p) for p in pids)

    # Usable from outside: kubectl with nothing but the printed KUBECONFIG.
    get = subprocess.run([env["CONTOUR_E2E_KUBECTL"], "get", "--raw", "/readyz"],
                         env=dict(os.environ, KUBECONFIG=env["KUBECONFIG"]),
                         capture_output=True, text=True, timeout=60)
    assert get.stdout == "ok", get.stderr
    again = subprocess.run([sys.executable, CLUSTER_PY, "up", "--dir", str(d)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "already running" in again.stderr

    t0 = time.monotonic()
    down = subprocess.run([sys.executable, CLUSTER_PY, "down", "--dir", str(d)],
                          capture_output=True, text=True, timeout=120)
    down_seconds = time.monotonic() - t0
    assert down.returncode == 0, down.stderr
    assert wait_gone(pids, 0) == []
    assert not port_open(env["CONTOUR_E2E_API_URL"])
    assert not (d / "state.json").exists() and not (d / "etcd").exists()
    assert "stopping (SIGTERM)" in (d / "supervisor.log").read_text()
    print(f"\ncluster.py: up {up_seconds:.1f}s, down {down_seconds:.1f}s", file=sys.stderr)

    down = subprocess.run([sys.executable, CLUSTER_PY, "down", "--dir", str(d)],
                          capture_output=True, text=True, timeout=60)
    assert down.returncode == 0, down.stderr


def test_stops_when_its_owner_dies(binaries, tmp_path):
    """A test process that is killed without `down`: the cluster stops by itself."""
    bindir, _ = binaries
    d = tmp_path / "cluster"
    # The shell is `up`'s parent, the process it watches; it exits right after `up`.
    owner = subprocess.run(["sh", "-c", f'"$0" "{CLUSTER_PY}" up --dir "{d}" '
                            f'--bin-dir "{bindir}" >/dev/null; echo "ran $?"', sys.executable],
                           capture_output=True, text=True, timeout=180)
    assert owner.stdout.strip() == "ran 0", owner.stderr
    env = json.loads((d / "env.json").read_text())
    pids = [int(env[k]) for k in ("CONTOUR_E2E_APISERVER_PID", "CONTOUR_E2E_ETCD_PID",
                                  "CONTOUR_E2E_SUPERVISOR_PID")]
    assert wait_gone(pids) == [], "the cluster outlived the process that started it"
    assert "stopping (watched process" in (d / "supervisor.log").read_text()
