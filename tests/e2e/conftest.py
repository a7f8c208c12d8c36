"""Fixtures of the end-to-end tests: one real API server (cluster.py) for the session.

When the cluster cannot run here (the binaries cannot be built, or etcd is missing) the
tests are skipped with the reason and pytest exits 77, meson's "skipped"; run_tests.sh
checks the same things first. Everything started is stopped, by PID, pass or fail."""

import os
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cluster import Cluster, Unavailable, find_binaries, find_etcd  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_unavailable = []


def pytest_configure(config):
    # A test runner's SIGTERM (meson's timeout) unwinds the fixtures, which stop the cluster.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def pytest_sessionfinish(session, exitstatus):
    if _unavailable and session.testsfailed == 0:
        print(f"\ne2e: SKIPPED: {_unavailable[0]}", file=sys.stderr)
        session.exitstatus = 77


@pytest.fixture(scope="session")
def binaries():
    try:
        return find_binaries(), find_etcd()
    except Unavailable as e:
        if os.environ.get("CONTOUR_E2E_REQUIRE") == "1":
            pytest.fail(f"cannot run a cluster here (CONTOUR_E2E_REQUIRE=1): {e}")
        _unavailable.append(str(e))
        pytest.skip(f"cannot run a cluster here: {e}")



@pytest.fixture(scope="session")
def cluster(binaries):
    bindir, etcd = binaries
    c = Cluster(bindir=bindir, etcd=etcd)
    with c:
        print(f"\ncluster: ready in {c.start_seconds:.1f}s at {c.url}", file=sys.stderr)
        yield c
    for proc in (c.apiserver_proc, c.etcd_proc):
        assert proc.poll() is not None, f"pid {proc.pid} still running after stop"


@pytest.fixture(scope="session")
def crds(cluster):
    """The CRDs of examples/crds, installed and established."""
    cluster.kubectl("apply", "--validate=strict", "-f",
                    os.path.join(SOURCE_ROOT, "examples", "crds"))
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                    "crd/ingressroutes.contour.heptio.com",
                    "crd/tlscertificatedelegations.contour.heptio.com")
    return cluster
