"""contourc admit (docs/cli.md): the webhook's answer offline, and its errors.

Usage: python3 -m pytest tests/cli/test_admit.py (CONTOUR_CONTOURC=path/to/contourc)
"""

import json
import os
import shlex
import subprocess

import pytest

CONTOURC = os.environ.get("CONTOUR_CONTOURC", "")
if not CONTOURC:
    pytest.skip("CONTOUR_CONTOURC is not set", allow_module_level=True)
PENDING = "what-if review is not available in this build"
# .ci/run's valgrind stage runs every contourc under memcheck (exit 99 on an error or leak).
WRAPPER = shlex.split(os.environ.get("CONTOUR_CLI_WRAPPER", ""))

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: team}\nspec: {ports: [{port: 80}]}\n"


def review(group, version, kind, operation="CREATE", **request):
    r = {"uid": "u-1", "kind": {"group": group, "version": version, "kind": kind},
         "operation": operation}
    r.update(request)
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": r}


@pytest.fixture
def cluster(tmp_path):
    d = tmp_path / "cluster"
    d.mkdir()
    (d / "svc.yaml").write_text(SERVICE)
    return d


def admit(*args, stdin=None):
    return subprocess.run([*WRAPPER, CONTOURC, "admit", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_unmodelled_allowed(cluster, tmp_path):
    f = tmp_path / "r.json"
    f.write_text(json.dumps(review("apps", "v1", "Deployment")))
    out = admit("--cluster", cluster, f)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",'
                          '"response":{"uid":"u-1","allowed":true}}\n')
    # From standard input, with --cluster=PATH, two cluster paths.
    out = admit("--cluster=" + str(cluster), cluster / "svc.yaml", "-",
                stdin=json.dumps(review("apps", "v1", "Deployment")))
    assert out.returncode == 0 and '"allowed":true' in out.stdout, out.stderr


def test_modelled(cluster, tmp_path):
    f = tmp_path / "r.json"
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "team"}}
    f.write_text(json.dumps(review("", "v1", "Service", "DELETE", namespace="team", name="web",
                                   oldObject=obj)))
    out = admit("--cluster", cluster, "--policy", "drops-routes=warn", f)
    if out.returncode == 2 and PENDING in out.stderr:
        assert out.stderr == f"contourc: admit: cannot review: {PENDING}\n"
        assert out.stdout == ""
        pytest.skip("needs the what-if engine")
    assert out.returncode in (0, 1), out.stderr
    assert json.loads(out.stdout)["response"]["uid"] == "u-1"


def test_malformed(cluster, tmp_path):
    f = tmp_path / "r.json"
    f.write_text('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":1}}')
    out = admit("--cluster", cluster, f)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == ("contourc: admit: malformed review: request.uid must be a string, "
                          "not 1\n")


@pytest.mark.parametrize("args,says", [
    ([], "no --cluster given"),
    (["--cluster"], "needs a value"),
    (["--cluster", "."], "no REVIEW given"),
    (["--bogus", "x", "r.json"], "unknown option '--bogus'"),
    (["--policy", "drops-tls=maybe", "--cluster", ".", "r.json"], "invalid value"),
    (["--cluster", ".", "missing.json"], "cannot read missing.json"),
])
def test_errors(args, says, tmp_path):
    out = subprocess.run([*WRAPPER, CONTOURC, "admit", *args], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert out.returncode == 2 and says in out.stderr, out.stderr
