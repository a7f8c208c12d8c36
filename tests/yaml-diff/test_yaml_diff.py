#!/usr/bin/env python3
"""Differential test: for each document of the corpus (tests/yaml-diff/corpus/*.yaml), the
objects libcontour builds must equal what PyYAML's safe loader (the reference YAML
reader) builds from the same bytes, restricted to the fields the library models (spec
section 1) -- or the library must report an error. Never a different object silently.

The library's view comes from dump_objects (a small C program over the public object
API). What PyYAML builds is mapped onto the same shape here: a field whose value PyYAML
types differently from the schema (an integer where a string belongs) is an object the
library must reject. Deliberate refusals (duplicate keys, ...) are in docs/decisions.md.

usage: test_yaml_diff.py DUMP_OBJECTS CORPUS_DIR
"""
import glob
import json
import os
import subprocess
import sys

import yaml

KINDS = {
    "IngressRoute": ("contour.heptio.com/v1beta1",),
    "TLSCertificateDelegation": ("contour.heptio.com/v1beta1",),
    "Ingress": ("extensions/v1beta1", "networking.k8s.io/v1beta1", "networking.k8s.io/v1"),
    "Service": ("v1",),
    "Secret": ("v1",),
}


class Reject(Exception):
    """PyYAML's value cannot be the field's type: the object must not load."""


def S(v):
    if v is None or isinstance(v, str):
        return v
    raise Reject("expected a string, PyYAML has %r" % (v,))


def I(v):
    if v is None:
        return 0
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise Reject("expected an integer, PyYAML has %r" % (v,))


def B(v):
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    raise Reject("expected a boolean, PyYAML has %r" % (v,))


def M(v):
    if v is None or isinstance(v, dict):
        return v
    raise Reject("expected a map, PyYAML has %r" % (v,))


def L(v):
    if v is None:
        return []
    if isinstance(v, list):
        return v
    raise Reject("expected a list, PyYAML has %r" % (v,))


def LM(v):
    return [M(x) or {} for x in L(v)]


def string_map(v):
    out = {}
    for k, val in (M(v) or {}).items():
        if not isinstance(k, str):
            raise Reject("a key that is not a string: %r" % (k,))
        out[k] = S(val)
    return out


def service(s):
    hc = M(s.get("healthCheck"))
    return {
        "name": S(s.get("name")), "port": I(s.get("port")), "weight": I(s.get("weight")),
        "strategy": S(s.get("strategy")),
        "healthCheck": None if hc is None else {
            "path": S(hc.get("path")), "host": S(hc.get("host")),
            "intervalSeconds": I(hc.get("intervalSeconds")),
            "timeoutSeconds": I(hc.get("timeoutSeconds")),
            "unhealthyThresholdCount": I(hc.get("unhealthyThresholdCount")),
            "healthyThresholdCount": I(hc.get("healthyThresholdCount")),
        },
    }


def delegate(d):
    d = M(d)
    return None if d is None else {"name": S(d.get("name")), "namespace": S(d.get("namespace"))}


def ingressroute(spec):
    vh = M(spec.get("virtualhost"))
    out = {"virtualhost": None, "routes": [], "tcpproxy": None}
    if vh is not None:
        tls = M(vh.get("tls"))
        out["virtualhost"] = {"fqdn": S(vh.get("fqdn")), "tls": None if tls is None else {
            "secretName": S(tls.get("secretName")),
            "minimumProtocolVersion": S(tls.get("minimumProtocolVersion")),
            "passthrough": B(tls.get("passthrough")),
        }}
    for r in LM(spec.get("routes")):
        tp, rp = M(r.get("timeoutPolicy")), M(r.get("retryPolicy"))
        out["routes"].append({
            "match": S(r.get("match")),
            "services": [service(s) for s in LM(r.get("services"))],
            "delegate": delegate(r.get("delegate")),
            "enableWebsockets": B(r.get("enableWebsockets")),
            "permitInsecure": B(r.get("permitInsecure")),
            "prefixRewrite": S(r.get("prefixRewrite")),
            "timeoutPolicy": None if tp is None else {"request": S(tp.get("request"))},
            "retryPolicy": None if rp is None else {
                "count": I(rp.get("count")), "perTryTimeout": S(rp.get("perTryTimeout"))},
        })
    tcp = M(spec.get("tcpproxy"))
    if tcp is not None:
        out["tcpproxy"] = {"services": [service(s) for s in LM(tcp.get("services"))],
                           "delegate": delegate(tcp.get("delegate"))}
    return out


def int_or_string(v):
    if isinstance(v, str) and v.isdigit() and v.isascii():
        return int(v)  # spec section 3: a servicePort of digits is a number
    if isinstance(v, str):
        return v
    return I(v)


def backend(b, v1):
    b = M(b)
    if b is None:
        return None
    if b.get("resource") is not None:
        return {"service": None, "port": 0, "resource": True}
    if v1:
        svc = M(b.get("service")) or {}
        port = M(svc.get("port")) or {}
        name = S(port.get("name"))
        return {"service": S(svc.get("name")),
                "port": name if name is not None else I(port.get("number")), "resource": False}
    return {"service": S(b.get("serviceName")), "port": int_or_string(b.get("servicePort")),
            "resource": False}


def ingress(spec, api):
    v1 = api == "networking.k8s.io/v1"
    out = {"ingressClassName": S(spec.get("ingressClassName")) if api != "extensions/v1beta1"
           else None,
           "defaultBackend": backend(spec.get("defaultBackend" if v1 else "backend"), v1),
           "rules": [], "tls": []}
    for r in LM(spec.get("rules")):
        http = M(r.get("http"))
        out["rules"].append({
            "host": S(r.get("host")), "http": http is not None,
            "paths": [{"path": S(p.get("path")), "pathType": S(p.get("pathType")),
                       "backend": backend(p.get("backend"), v1)}
                      for p in LM((http or {}).get("paths"))]})
    for t in LM(spec.get("tls")):
        out["tls"].append({"secretName": S(t.get("secretName")),
                           "hosts": [S(h) for h in L(t.get("hosts"))]})
    return out


def expected_objects(doc, out):
    """Appends (key, object or Reject) for each modelled object in a PyYAML document."""
    if not isinstance(doc, dict):
        return
    kind, api = doc.get("kind"), doc.get("apiVersion")
    if not isinstance(kind, str):
        return
    if kind.endswith("List"):
        items = doc.get("items")
        for item in items if isinstance(items, list) else []:
            expected_objects(item, out)
        return
    if kind not in KINDS or not isinstance(api, str) or api not in KINDS[kind]:
        return
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name, ns = meta.get("name"), meta.get("namespace")
    key = (kind, ns if isinstance(ns, str) and ns else "default",
           name if isinstance(name, str) else repr(name))
    try:
        if not isinstance(doc.get("metadata"), dict) or not S(name):
            raise Reject("no metadata.name")
        S(ns)
        spec = M(doc.get("spec")) or {}
        obj = {"kind": kind, "apiVersion": api, "namespace": key[1], "name": name,
               "annotations": string_map(meta.get("annotations"))}
        if kind == "IngressRoute":
            obj.update(ingressroute(spec))
        elif kind == "TLSCertificateDelegation":
            obj["delegations"] = [
                {"secretName": S(d.get("secretName")),
                 "targetNamespaces": [S(t) for t in L(d.get("targetNamespaces"))]}
                for d in LM(spec.get("delegations"))]
        elif kind == "Ingress":
            obj.update(ingress(spec, api))
        elif kind == "Service":
            obj["ports"] = [{"name": S(p.get("name")), "port": I(p.get("port"))}
                            for p in LM(spec.get("ports"))]
        else:
            keys = {}
            for field in ("data", "stringData"):
                for k, v in string_map(doc.get(field)).items():
                    keys[k] = keys.get(k, False) or bool(v)
            obj["type"] = S(doc.get("type"))
            obj["keys"] = dict(sorted(keys.items()))
        out.append((key, obj))
    except Reject as e:
        out.append((key, e))


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("_", "line")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o


def check(dump, path):
    """Returns a list of problems (empty: the library agrees with PyYAML)."""
    with open(path, "rb") as f:
        data = f.read()
    expected, py_error = [], None
    try:
        for doc in yaml.safe_load_all(data):
            expected_objects(doc, expected)
    except yaml.YAMLError as e:
        py_error = str(e).splitlines()[0]
    lib = json.loads(subprocess.run([dump, path], check=True, capture_output=True).stdout)
    errors = lib["errors"]
    got = {(o["kind"], o["namespace"], o["name"]): strip(o) for o in lib["objects"]}
    want = dict(expected)
    problems = []
    if py_error and not errors:
        problems.append("PyYAML fails (%s) but the library reports no error" % py_error)
    for key, obj in got.items():
        w = want.get(key)
        if w is None:
            problems.append("the library built %s/%s/%s, which PyYAML does not" % key)
        elif isinstance(w, Reject):
            problems.append("the library built %s/%s/%s, which must be rejected (%s)"
                            % (key + (w,)))
        elif w != obj:
            problems.append("%s/%s/%s differs:\n  PyYAML:  %s\n  library: %s"
                            % (key + (json.dumps(w, sort_keys=True),
                                      json.dumps(obj, sort_keys=True))))
    for key, w in want.items():
        if key not in got and not errors:
            problems.append("%s/%s/%s is silently missing (PyYAML: %s)" % (key + (w,)))
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    dump, corpus = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(corpus, "*.yaml")))
    failed = 0
    for path in files:
        problems = check(dump, path)
        name = os.path.basename(path)
        if problems:
            failed += 1
            print("FAIL", name)
            for p in problems:
                print("   ", p)
        else:
            print("PASS", name)
    print("%d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
