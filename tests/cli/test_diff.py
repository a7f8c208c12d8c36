"""contourc diff (docs/cli.md "contourc diff", docs/route-graph.md "Graph diff").

The diff of two sets of manifests must equal the diff computed here, in Python, from the
two full graphs `contourc graph --format json` prints: per listener, the virtual hosts
added, removed or changed (TLS settings or tcpproxy, or routes); within each, the routes
added, removed or changed (clusters, options or owning object); the statuses whose state,
description or virtual hosts changed; the diagnostics only in the new graph (added) or only
in the old (resolved). Its JSON must be byte for byte the documented layout and escaping,
its text form byte for byte the documented lines (both rebuilt here from the expected diff).

Inputs:
* random clusters drawn from small name pools so that changes collide (fqdns claimed twice,
  delegation cycles made and broken, Secrets delegated away and back, Services deleted,
  ingress classes flipped), each object a file named after its content;
* Contour's examples and the wild corpus ($CONTOUR_SHARED_ROOT/corpus/wild, skipped when
  absent), each with Services and Secrets for what it refers to, then edited: a weight
  changed, a route removed, a root deleted, a Secret or Service deleted, an ingress class
  flipped, a minimum TLS version raised, an fqdn renamed; each edit must show as the change
  it is (a weight edit changes weights only, a deleted Secret takes its https virtual
  host away, ...);
* exit codes, usage errors, unreadable inputs, an unwritable output, hostile file names.

Usage: python3 -m pytest tests/cli/test_diff.py (CONTOUR_CONTOURC=path/to/contourc;
CONTOUR_DIFF_SEED, CONTOUR_DIFF_PAIRS to explore further). Needs PyYAML (as tests/yaml-diff
does) to edit the examples and the corpus.
"""

import collections
import copy
import glob
import hashlib
import json
import os
import random
import re
import shlex
import subprocess

import pytest
import yaml

CONTOURC = os.environ.get("CONTOUR_CONTOURC", "")
if not CONTOURC:
    pytest.skip("CONTOUR_CONTOURC is not set", allow_module_level=True)
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("CONTOUR_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
SHARED_ROOT = os.environ.get("CONTOUR_SHARED_ROOT", os.path.join(SOURCE_ROOT, "..", "shared"))
# .ci/run's valgrind stage runs every contourc under memcheck (exit 99 on an error or leak):
# far fewer pairs and edits then.
WRAPPER = shlex.split(os.environ.get("CONTOUR_CLI_WRAPPER", ""))
SEED = int(os.environ.get("CONTOUR_DIFF_SEED", "20261203"))
PAIRS = int(os.environ.get("CONTOUR_DIFF_PAIRS", "6" if WRAPPER else "300"))
TIMEOUT = 600 if WRAPPER else 60


def run(*args, cwd=None, **kw):
    return subprocess.run([*WRAPPER, CONTOURC, *map(str, args)], capture_output=True,
                          cwd=cwd, timeout=TIMEOUT, **kw)


def examples_dir():
    """Contour's examples: ../shared's, or the repository's copy (byte for byte the same)."""
    for d in (os.path.join(SHARED_ROOT, "examples", "contour-v0.10"),
              os.path.join(SOURCE_ROOT, "examples", "manifests", "contour-v0.10")):
        if os.path.isdir(d):
            return d
    pytest.fail("no examples under %s or %s" % (SHARED_ROOT, SOURCE_ROOT))


# ---- a random cluster ----

NAMESPACES = ["default", "team-a", "team-b"]
IR_NAMES = ["root", "www", "api", "blog", "child", "leaf"]
# Names a person would not write too: the diff's JSON escapes them as the graph's does.
FQDNS = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "\u00fc.example.com",
         'q"\\\u202e.example.com']
PATHS = ["/", "/api", "/api/v1", "/blog", "/x", "/a b", "/new\nline"]
SERVICES = ["web", "api", "db"]
SECRETS = ["cert", "cert2"]
INGRESSES = ["ing", "ing2"]
CLASS_ANNOTATIONS = ["kubernetes.io/ingress.class", "contour.heptio.com/ingress.class"]


def meta(rng, name, ns, may_have_class=False):
    m = {"name": name}
    # Sometimes no namespace: --default-namespace decides where the object goes.
    if ns != "default" or rng.random() < 0.8:
        m["namespace"] = ns
    if may_have_class and rng.random() < 0.12:
        m["annotations"] = {rng.choice(CLASS_ANNOTATIONS): rng.choice(["contour", "other"])}
    return m


def gen_service_ref(rng):
    s = {"name": rng.choice(SERVICES), "port": rng.choice([80] * 16 + [8080] * 3 + [443, 0])}
    if rng.random() < 0.2:
        s["weight"] = rng.choice([0, 10, 90, 90, 90, 90, 90, -1])
    if rng.random() < 0.1:
        s["strategy"] = rng.choice(["Random", "WeightedLeastRequest"])
    if rng.random() < 0.08:
        s["healthCheck"] = {"path": "/healthz", "intervalSeconds": rng.choice([5, 10])}
    return s


def gen_delegate(rng, ns):
    d = {"name": rng.choice(IR_NAMES[2:] * 3 + IR_NAMES[:2])}
    if rng.random() < 0.25:
        d["namespace"] = rng.choice(NAMESPACES)
    return d


def gen_route(rng, ns):
    r = {"match": rng.choice(PATHS)}
    if rng.random() < 0.3:
        r["delegate"] = gen_delegate(rng, ns)
        if rng.random() < 0.05:
            r["services"] = [gen_service_ref(rng)]
    else:
        r["services"] = [gen_service_ref(rng) for _ in range(rng.choice([1, 1, 2]))]
    if rng.random() < 0.15:
        r["enableWebsockets"] = True
    if rng.random() < 0.15:
        r["permitInsecure"] = True
    if rng.random() < 0.08:
        r["prefixRewrite"] = "/"
    if rng.random() < 0.1:
        r["timeoutPolicy"] = {"request": rng.choice(["1s", "250ms", "infinity", "bogus"])}
    if rng.random() < 0.08:
        r["retryPolicy"] = {"count": rng.choice([0, 3]), "perTryTimeout": "100ms"}
    return r


def gen_tls(rng):
    t = {}
    if rng.random() < 0.75:
        secret = "cert" if rng.random() < 0.8 else "cert2"
        t["secretName"] = secret if rng.random() < 0.8 else rng.choice(NAMESPACES) + "/" + secret
    if rng.random() < 0.3:
        t["minimumProtocolVersion"] = rng.choice(["1.2", "1.3", "1.0"])
    if rng.random() < 0.1 or "secretName" not in t:
        t["passthrough"] = rng.random() < 0.9
    return t


def gen_vhost(rng):
    v = {"fqdn": rng.choice(FQDNS)}
    if rng.random() < 0.75:
        v["tls"] = gen_tls(rng)
    return v


def gen_tcpproxy(rng, ns):
    if rng.random() < 0.2:
        return {"delegate": gen_delegate(rng, ns)}
    return {"services": [gen_service_ref(rng) for _ in range(rng.choice([1, 2]))]}


def gen_ingressroute(rng, ns, name):
    spec = {}
    if rng.random() < {"root": 0.9, "www": 0.7, "api": 0.25}.get(name, 0.05):
        spec["virtualhost"] = gen_vhost(rng)
    counts = [1, 1, 2, 2, 3] if "virtualhost" in spec else [0, 1, 1, 2, 2, 3]
    spec["routes"] = [gen_route(rng, ns) for _ in range(rng.choice(counts))]
    tls = spec.get("virtualhost", {}).get("tls", {})
    if rng.random() < (0.7 if tls.get("passthrough") else 0.2 if tls else 0.05):
        spec["tcpproxy"] = gen_tcpproxy(rng, ns)
    return {"apiVersion": "contour.heptio.com/v1beta1", "kind": "IngressRoute",
            "metadata": meta(rng, name, ns, True), "spec": spec}


def gen_service(rng, ns, name):
    ports = []
    numbers = rng.sample([80, 443, 8080], rng.choice([1, 1, 2, 3]))
    if 80 not in numbers and rng.random() < 0.7:
        numbers.append(80)
    for p in numbers:
        port = {"port": p}
        if rng.random() < 0.5:
            port["name"] = {80: "http", 443: "https", 8080: "alt"}[p]
        ports.append(port)
    m = meta(rng, name, ns)
    if rng.random() < 0.15:
        m["annotations"] = {
            rng.choice(["contour.heptio.com/upstream-protocol.h2",
                        "contour.heptio.com/upstream-protocol.h2c"]): str(ports[0]["port"]),
            "contour.heptio.com/max-connections": rng.choice(["10", "0"])}
    return {"apiVersion": "v1", "kind": "Service", "metadata": m, "spec": {"ports": ports}}


def gen_secret(rng, ns, name):
    data = {"tls.crt": "Y2VydA==", "tls.key": "a2V5"}
    if rng.random() < 0.1:
        del data[rng.choice(["tls.crt", "tls.key"])]
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(rng, name, ns),
            "type": "kubernetes.io/tls", "data": data}


def gen_delegation(rng, ns, name):
    dels = []
    for _ in range(rng.choice([1, 1, 2])):
        targets = rng.sample(NAMESPACES + ["*"], rng.choice([1, 2]))
        dels.append({"secretName": rng.choice(SECRETS), "targetNamespaces": targets})
    return {"apiVersion": "contour.heptio.com/v1beta1", "kind": "TLSCertificateDelegation",
            "metadata": meta(rng, name, ns), "spec": {"delegations": dels}}


def gen_ingress(rng, ns, name):
    def backend():
        port = {"number": rng.choice([80, 8080])} if rng.random() < 0.8 else {"name": "http"}
        return {"service": {"name": rng.choice(SERVICES), "port": port}}

    rules = []
    for _ in range(rng.choice([1, 1, 2])):
        rule = {}
        if rng.random() < 0.85:
            rule["host"] = rng.choice(FQDNS)
        paths = []
        for _ in range(rng.choice([1, 2])):
            p = {"backend": backend(), "pathType": rng.choice(["Prefix", "Exact",
                                                               "ImplementationSpecific"])}
            if rng.random() < 0.9:
                p["path"] = rng.choice(PATHS)
            paths.append(p)
        rule["http"] = {"paths": paths}
        rules.append(rule)
    spec = {"rules": rules}
    if rng.random() < 0.15:
        spec["defaultBackend"] = backend()
    if rng.random() < 0.3:
        spec["tls"] = [{"hosts": [rng.choice(FQDNS)], "secretName": rng.choice(SECRETS)}]
    m = meta(rng, name, ns, True)
    ann = {}
    if rng.random() < 0.15:
        ann["ingress.kubernetes.io/force-ssl-redirect"] = "true"
    if rng.random() < 0.1:
        ann["kubernetes.io/ingress.allow-http"] = "false"
    if rng.random() < 0.1:
        ann["contour.heptio.com/websocket-routes"] = rng.choice(PATHS)
    if ann:
        m.setdefault("annotations", {}).update(ann)
    if rng.random() < 0.05:
        spec["ingressClassName"] = rng.choice(["contour", "other"])
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": m,
            "spec": spec}


KINDS = {
    "IngressRoute": (gen_ingressroute, IR_NAMES, 5),
    "Service": (gen_service, SERVICES, 3),
    "Secret": (gen_secret, SECRETS, 1),
    "TLSCertificateDelegation": (gen_delegation, ["delegation"], 1),
    "Ingress": (gen_ingress, INGRESSES, 1),
}
KIND_WEIGHTS = [KINDS[k][2] for k in KINDS]


def random_object(rng, kind=None):
    kind = kind or rng.choices(list(KINDS), KIND_WEIGHTS)[0]
    gen, names, _ = KINDS[kind]
    ns = rng.choice(NAMESPACES)
    name = rng.choice(names)
    return (kind, ns, name), gen(rng, ns, name)


def random_cluster(rng):
    cluster = {}
    # Mostly there: a Service and a TLS Secret per namespace, so that routes have clusters
    # and roots secure virtual hosts.
    for ns in NAMESPACES:
        if rng.random() < 0.8:
            cluster[("Service", ns, "web")] = gen_service(rng, ns, "web")
        if rng.random() < 0.9:
            cluster[("Secret", ns, "cert")] = gen_secret(rng, ns, "cert")
    for _ in range(rng.randint(5, 18)):
        key, obj = random_object(rng)
        cluster[key] = obj
    # A secure root of an fqdn of its own (until a change moves it).
    ns = rng.choice(NAMESPACES)
    root = gen_ingressroute(rng, ns, "root")
    spec = root["spec"]
    tls = {"secretName": "cert"} if rng.random() < 0.6 else gen_tls(rng)
    spec["virtualhost"] = {"fqdn": "secure.example.com", "tls": tls}
    if not spec["routes"]:
        spec["routes"] = [{"match": "/", "services": [{"name": "web", "port": 80}]}]
    if tls.get("passthrough"):
        spec["tcpproxy"] = {"services": [gen_service_ref(rng)]}
    cluster[("IngressRoute", ns, "root")] = root
    return cluster


def tweak_tls(rng, obj):
    """The TLS settings alone: the minimum version, the secret's other name, tcpproxy."""
    spec = obj["spec"]
    tls = spec["virtualhost"]["tls"]
    r = rng.random()
    if r < 0.5:
        tls["minimumProtocolVersion"] = rng.choice(["1.1", "1.2", "1.3"])
    elif r < 0.7 and "/" not in tls.get("secretName", "/"):
        tls["secretName"] = obj["metadata"].get("namespace", "default") + "/" + tls["secretName"]
    elif "tcpproxy" in spec and rng.random() < 0.5:
        del spec["tcpproxy"]
    else:
        spec["tcpproxy"] = gen_tcpproxy(rng, obj["metadata"].get("namespace", "default"))


def tweak(rng, obj):
    """A small change to one object (a copy)."""
    obj = json.loads(json.dumps(obj))
    kind = obj["kind"]
    ns = obj["metadata"].get("namespace", "default")
    spec = obj.get("spec", {})
    r = rng.random()
    if kind == "IngressRoute":
        routes = spec.setdefault("routes", [])
        if r < 0.15:
            if "virtualhost" in spec:
                del spec["virtualhost"]
            else:
                spec["virtualhost"] = gen_vhost(rng)
        elif r < 0.25 and "virtualhost" in spec:
            spec["virtualhost"]["tls"] = gen_tls(rng)
        elif r < 0.32 and "tls" in spec.get("virtualhost", {}):
            tweak_tls(rng, obj)
        elif r < 0.36 and "virtualhost" in spec:
            spec["virtualhost"]["fqdn"] = rng.choice(FQDNS)
        elif r < 0.5:
            routes.append(gen_route(rng, ns))
        elif r < 0.6 and routes:
            routes.pop(rng.randrange(len(routes)))
        elif r < 0.8 and routes:
            routes[rng.randrange(len(routes))] = gen_route(rng, ns)
        elif r < 0.9 and routes:
            route = rng.choice(routes)
            route["match"] = rng.choice(PATHS)
        elif r < 0.95:
            if "tcpproxy" in spec:
                del spec["tcpproxy"]
            else:
                spec["tcpproxy"] = gen_tcpproxy(rng, ns)
        else:
            ann = obj["metadata"].setdefault("annotations", {})
            ann[rng.choice(CLASS_ANNOTATIONS)] = rng.choice(["contour", "other"])
        return obj
    gen, _, _ = KINDS[kind]
    return gen(rng, ns, obj["metadata"]["name"]) if r < 0.9 else obj


def pick(rng, cluster):
    """An object to change, roots and what they use more often than the rest."""
    keys = sorted(cluster)
    weights = [4 if "virtualhost" in cluster[k].get("spec", {}) else
               1 if k[0] in ("IngressRoute", "Ingress") else 3 for k in keys]
    return rng.choices(keys, weights)[0]


def mutate(rng, cluster):
    """1-3 random changes: add (or replace), delete, tweak."""
    cluster = dict(cluster)
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        r = rng.random()
        secure = [k for k in sorted(cluster) if "tls" in cluster[k].get("spec", {}).get(
            "virtualhost", {})]
        if r < 0.1 and secure:
            key = rng.choice(secure)
            cluster[key] = json.loads(json.dumps(cluster[key]))
            tweak_tls(rng, cluster[key])
        elif r < 0.35 or not cluster:
            key, obj = random_object(rng)
            cluster[key] = obj
        elif r < 0.45:
            del cluster[pick(rng, cluster)]
        else:
            key = pick(rng, cluster)
            cluster[key] = tweak(rng, cluster[key])
    return cluster


# ---- files: one object a file, named after its content ----


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)  # a JSON string is a YAML double-quoted scalar


def yaml_lines(v, indent):
    pad = " " * indent
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append("%s%s:" % (pad, yaml_scalar(k)))
                out.extend(yaml_lines(x, indent + 2))
            else:
                out.append("%s%s: %s" % (pad, yaml_scalar(k), yaml_inline(x)))
    else:
        for x in v:
            if isinstance(x, (dict, list)) and x:
                sub = yaml_lines(x, indent + 2)
                out.append("%s- %s" % (pad, sub[0][indent + 2:]))
                out.extend(sub[1:])
            else:
                out.append("%s- %s" % (pad, yaml_inline(x)))
    return out


def yaml_inline(v):
    if isinstance(v, dict):
        return "{}" if not v else json.dumps(v)
    if isinstance(v, list):
        return "[]" if not v else json.dumps(v)
    return yaml_scalar(v)


def serialize(obj):
    """YAML or JSON, chosen by the content (so the same object is the same file)."""
    text = json.dumps(obj, sort_keys=False)
    if hashlib.sha256(text.encode()).digest()[0] % 3 == 0:
        return text + "\n", "json"
    return "# generated\n" + "\n".join(yaml_lines(obj, 0)) + "\n", "yaml"


def write_cluster(root, cluster):
    """The cluster's files (relative to root), written once each."""
    paths = []
    for key in sorted(cluster):
        text, ext = serialize(cluster[key])
        name = "%s.%s" % (hashlib.sha256(text.encode()).hexdigest()[:16], ext)
        path = os.path.join(root, name)
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        paths.append(name)
    return paths


# ---- the expected diff, from two graph JSONs ----


def route_key(r):
    return ("exact", r["exact"]) if "exact" in r else ("prefix", r["prefix"])


def route_order(keys):
    """The graph's route order: exact first, then by path in descending byte order."""
    def by_path(kind):
        return sorted((k for k in keys if k[0] == kind), key=lambda k: k[1].encode(),
                      reverse=True)
    return by_path("exact") + by_path("prefix")


def tls_side(v):
    return {k: v[k] for k in ("tls", "tcpproxy") if k in v}


def vhost_change(listener, port, fqdn, a, b):
    tls_changed = a is not None and b is not None and tls_side(a) != tls_side(b)
    ra = {route_key(r): r for r in a["routes"]} if a else {}
    rb = {route_key(r): r for r in b["routes"]} if b else {}
    routes = []
    for k in route_order(set(ra) | set(rb)):
        x, y = ra.get(k), rb.get(k)
        if x == y:
            continue
        rc = {"change": "added" if x is None else "removed" if y is None else "changed",
              k[0]: k[1]}
        if x is not None:
            rc["old"] = x
        if y is not None:
            rc["new"] = y
        routes.append(rc)
    if a is not None and b is not None and not tls_changed and not routes:
        return None
    v = {"listener": listener, "port": port, "fqdn": fqdn,
         "change": "added" if a is None else "removed" if b is None else "changed",
         "tls_changed": tls_changed}
    if a is not None and (tls_changed or b is None):
        v["old"] = tls_side(a)
    if b is not None and (tls_changed or a is None):
        v["new"] = tls_side(b)
    v["routes"] = routes
    return v


def expected_diff(ga, gb):
    listeners = {}  # name -> (port, {fqdn: vhost} old, new)
    for side, g in enumerate((ga, gb)):
        for lis in g["listeners"]:
            entry = listeners.setdefault(lis["name"], [lis["port"], {}, {}])
            if side == 1:
                entry[0] = lis["port"]
            entry[1 + side] = {v["fqdn"]: v for v in lis["virtualhosts"]}
    vhosts = []
    for name, (port, va, vb) in sorted(listeners.items(), key=lambda kv: kv[1][0]):
        for fqdn in sorted(set(va) | set(vb), key=lambda f: f.encode()):
            v = vhost_change(name, port, fqdn, va.get(fqdn), vb.get(fqdn))
            if v:
                vhosts.append(v)

    def skey(s):
        return (s["namespace"].encode(), s["name"].encode())

    sa = {skey(s): s for s in ga["statuses"]}
    sb = {skey(s): s for s in gb["statuses"]}
    statuses = []
    for k in sorted(set(sa) | set(sb)):
        x, y = sa.get(k), sb.get(k)
        fields = ("status", "description", "vhosts")
        if x and y and all(x[f] == y[f] for f in fields):
            continue
        z = y or x
        sc = {"change": "added" if x is None else "removed" if y is None else "changed",
              "kind": z["kind"], "namespace": z["namespace"], "name": z["name"]}
        if x:
            sc["old"] = x
        if y:
            sc["new"] = y
        statuses.append(sc)

    def minus(xs, ys):
        """The elements of xs (in order) that ys does not have, as multisets."""
        left = collections.Counter(json.dumps(y, sort_keys=True) for y in ys)
        out = []
        for x in xs:
            k = json.dumps(x, sort_keys=True)
            if left[k]:
                left[k] -= 1
            else:
                out.append(x)
        return out

    return {"virtualhosts": vhosts, "statuses": statuses,
            "diagnostics": {"added": minus(gb["diagnostics"], ga["diagnostics"]),
                            "resolved": minus(ga["diagnostics"], gb["diagnostics"])}}


def is_empty(d):
    return not (d["virtualhosts"] or d["statuses"] or d["diagnostics"]["added"]
                or d["diagnostics"]["resolved"])


def first_difference(want, got, where="$"):
    """Where two JSON values first differ, for the failure message."""
    if type(want) is not type(got):
        return "%s: %r != %r" % (where, want, got)
    if isinstance(want, dict):
        if list(want) != list(got):
            return "%s: keys %s != %s" % (where, list(want), list(got))
        for k in want:
            d = first_difference(want[k], got[k], "%s.%s" % (where, k))
            if d:
                return d
        return None
    if isinstance(want, list):
        for i, (x, y) in enumerate(zip(want, got)):
            d = first_difference(x, y, "%s[%d]" % (where, i))
            if d:
                return d
        if len(want) != len(got):
            return "%s: %d items != %d" % (where, len(want), len(got))
        return None
    return None if want == got else "%s: %r != %r" % (where, want, got)


# ---- the documented forms, rebuilt from a diff's JSON value ----


def go_printable(c):
    """Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020 —
    what Python's str.isprintable() accepts too (both reject categories C and Z but the
    ASCII space). The inputs here use no code point the two Unicode versions disagree on."""
    return c.isprintable()


def json_bytes(value):
    """The JSON layout of docs/route-graph.md: two-space indentation, one key or element a
    line, `": "`, `[]` and `{}` when empty, a newline at the end; the escapes RFC 8259
    requires (short forms where JSON has them), and `\\uXXXX` (lowercase, a surrogate pair
    above U+FFFF) for every other character Go's strconv.IsPrint rejects."""
    out = []
    for c in json.dumps(value, indent=2, ensure_ascii=False):
        cp = ord(c)
        if cp >= 0x7F and not go_printable(c):
            if cp >= 0x10000:
                v = cp - 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
            else:
                out.append("\\u%04x" % cp)
        else:
            out.append(c)
    return ("".join(out) + "\n").encode("utf-8")


GO_LETTERS = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
              "\v": "\\v"}


def go_escape(c):
    cp = ord(c)
    if c in GO_LETTERS:
        return GO_LETTERS[c]
    if cp < 0x80:
        return "\\x%02x" % cp
    return "\\u%04x" % cp if cp < 0x10000 else "\\U%08x" % cp


def prose(s):
    """Messages, descriptions and file names: as they are, every character Go's IsPrint
    rejects as a Go escape."""
    return "".join(c if go_printable(c) else go_escape(c) for c in s)


def go_quote(s):
    return '"' + "".join("\\" + c if c in '"\\' else c if go_printable(c) else go_escape(c)
                         for c in s) + '"'


def name(s):
    """Namespaces, names: bare when only ASCII letters, digits, '-', '.', '_', '*'."""
    return s if re.fullmatch(r"[A-Za-z0-9._*-]+", s) else go_quote(s)


def token(s):
    """fqdns, paths, versions, codes: bare when printable and free of blanks, '"' and '\\'."""
    plain = s and all(go_printable(c) and c not in ' "\\' for c in s)
    return s if plain else go_quote(s)


def ref(ns, nm):
    return name(ns) + "/" + name(nm)


MARK = {"added": "+", "removed": "-", "changed": "~"}


def text_cluster_details(c):
    d = []
    if "strategy" in c:
        d.append("strategy " + token(c["strategy"]))
    if "protocol" in c:
        d.append("protocol " + token(c["protocol"]))
    h = c.get("health_check")
    if h:
        t = "health check " + token(h.get("path", ""))
        if h.get("host"):
            t += " host " + token(h["host"])
        t += " interval %ds timeout %ds unhealthy %d healthy %d" % (
            h["interval_s"], h["timeout_s"], h["unhealthy_threshold"], h["healthy_threshold"])
        d.append(t)
    for key in ("max_connections", "max_pending_requests", "max_requests", "max_retries"):
        if key in c:
            d.append("%s %d" % (key.replace("_", " "), c[key]))
    return " [" + ", ".join(d) + "]" if d else ""


def text_clusters(cs):
    if not cs:
        return " (no clusters)"
    return " -> " + ", ".join(
        "%s:%d%s weight %d%s" % (ref(c["namespace"], c["service"]), c["port"],
                                 " (%s)" % name(c["port_name"]) if "port_name" in c else "",
                                 c["weight"], text_cluster_details(c)) for c in cs)


def text_route_options(r):
    d = []
    if r["https_redirect"]:
        d.append("\u2192 https")
    if r["websocket"]:
        d.append("websocket")
    if "prefix_rewrite" in r:
        d.append("rewrite " + token(r["prefix_rewrite"]))
    if "timeout_ms" in r:
        d.append("timeout infinity" if r["timeout_ms"] < 0 else "timeout %dms" % r["timeout_ms"])
    if "retry" in r:
        t = "retry %s x%d" % (token(r["retry"]["on"]), r["retry"]["num_retries"])
        if r["retry"].get("per_try_timeout_ms"):
            t += ", per-try timeout %dms" % r["retry"]["per_try_timeout_ms"]
        d.append(t)
    return ": " + ", ".join(d) if d else ""


def text_route(r):
    match = "exact" if "exact" in r else "prefix"
    src = r["source"]
    return "%s %s (%s %s)%s%s" % (match, token(r[match]), src["kind"],
                                  ref(src["namespace"], src["name"]), text_route_options(r),
                                  text_clusters(r["clusters"]))


def text_tls(side):
    tls = side.get("tls")
    if tls and tls["passthrough"]:
        s = "tls passthrough"
    elif tls:
        secret = tls.get("secret")
        s = "tls %s min %s" % (ref(secret["namespace"], secret["name"]) if secret else '""',
                               token(tls["min_protocol_version"]))
    else:
        s = "no tls"
    if "tcpproxy" in side:
        s += ", tcpproxy" + text_clusters(side["tcpproxy"]["clusters"])
    return s


def text_status(s):
    t = "%s: %s" % (s["status"], prose(s["description"]))
    if s["vhosts"]:
        t += " [" + ", ".join(token(v) for v in s["vhosts"]) + "]"
    return t


def text_diag(mark, d):
    where = prose(d["file"]) + (":%d:%d" % (d["line"], d["column"]) if d["line"] else "")
    return "%s %s: %s: %s [%s]\n" % (mark, where, d["severity"], prose(d["message"]),
                                     token(d["code"]))


def text_of(diff):
    """contourc diff's text form (docs/cli.md) of a diff's JSON value."""
    if is_empty(diff):
        return b"no changes\n"
    out = []
    for v in diff["virtualhosts"]:
        out.append("%s %s %d %s\n" % (MARK[v["change"]], v["listener"], v["port"],
                                      token(v["fqdn"])))
        if v["tls_changed"]:
            out.append("    tls: %s => %s\n" % (text_tls(v["old"]), text_tls(v["new"])))
        for rc in v["routes"]:
            line = "    %s route %s" % (MARK[rc["change"]], text_route(rc.get("old") or rc["new"]))
            if "old" in rc and "new" in rc:
                line += "\n      => " + text_route(rc["new"])
            out.append(line + "\n")
    for s in diff["statuses"]:
        z = s.get("new") or s["old"]
        line = "%s status %s %s: " % (MARK[s["change"]], s["kind"], ref(s["namespace"], s["name"]))
        if "old" in s and "new" in s:
            line += text_status(s["old"]) + " => "
        out.append(line + text_status(z) + "\n")
    out += [text_diag("+", d) for d in diff["diagnostics"]["added"]]
    out += [text_diag("-", d) for d in diff["diagnostics"]["resolved"]]
    return "".join(out).encode("utf-8")


def check_diff(opts, old, new, want, cwd=None, context=""):
    """Runs contourc diff (JSON and text) and checks both against the expected diff `want`:
    the same value, the same bytes, the exit code. Returns the JSON run."""
    out = run("diff", "--format", "json", *opts, *old, "--", *new, cwd=cwd)
    context = "%s\noptions %s\nold: %s\nnew: %s\n%s" % (
        context, opts, " ".join(map(str, old)), " ".join(map(str, new)), out.stderr.decode())
    assert out.returncode == (0 if is_empty(want) else 1), context
    assert out.stderr == b"", context
    got = json.loads(out.stdout)
    where = first_difference(want, got)
    assert where is None, "the diff differs from the graphs' at %s\n%s" % (where, context)
    assert out.stdout == json_bytes(want), "the JSON is not laid out as documented\n" + context
    text = run("diff", *opts, *old, "--", *new, cwd=cwd)
    assert text.returncode == out.returncode and text.stderr == b"", context
    assert text.stdout == text_of(want), "the text form differs:\n%s\nwant:\n%s\n%s" % (
        text.stdout.decode(), text_of(want).decode(), context)
    return out


# ---- random clusters: the property ----

# Options for a whole chain of changes, given to graph and diff alike.
OPTION_SETS = [
    [],
    [],
    ["--root-namespaces", "default,team-a"],
    ["--ingress-class", "other"],
    ["--ingress-class="],
    ["--http-port", "8080", "--https-port", "8443"],
    ["--http-port", "9443", "--https-port", "9080"],  # the secure listener first
    ["--default-namespace", "team-b"],
]


class Graphs:
    """`contourc graph --format json` of a set of paths, once each."""

    def __init__(self, cwd):
        self.cwd = cwd
        self.cache = {}

    def __call__(self, opts, paths):
        key = (tuple(opts), tuple(map(str, paths)))
        if key not in self.cache:
            # contourc diff reads a side that is one directory from inside it (docs/cli.md).
            one_dir = len(paths) == 1 and os.path.isdir(os.path.join(self.cwd, paths[0]))
            cwd = os.path.join(self.cwd, paths[0]) if one_dir else self.cwd
            out = run("graph", "--format", "json", *opts, *(["."] if one_dir else paths),
                      cwd=cwd)
            assert out.returncode == 0, out.stderr.decode()
            self.cache[key] = json.loads(out.stdout)
        return self.cache[key]


def test_diff_equals_diff_of_graphs(tmp_path):
    rng = random.Random(SEED)
    graph = Graphs(tmp_path)
    stats = collections.Counter()
    pairs = 0
    while pairs < PAIRS:
        opts = rng.choice(OPTION_SETS)
        cluster = random_cluster(rng)
        chain = [write_cluster(tmp_path, cluster)]
        for _ in range(rng.randint(4, 12)):
            cluster = mutate(rng, cluster)
            chain.append(write_cluster(tmp_path, cluster))
        # Consecutive versions, a few further apart, one against itself.
        steps = [(i, i + 1) for i in range(len(chain) - 1)]
        steps += [(rng.randrange(len(chain)), rng.randrange(len(chain))) for _ in range(2)]
        steps.append((len(chain) - 1, len(chain) - 1))
        for i, j in steps[:PAIRS - pairs]:
            old, new = chain[i], chain[j]
            want = expected_diff(graph(opts, old), graph(opts, new))
            check_diff(opts, old, new, want, cwd=tmp_path,
                       context="seed %d, pair %d, in %s" % (SEED, pairs, tmp_path))
            count_changes(stats, want)
            pairs += 1
    print("%d pairs: %s" % (pairs, dict(sorted(stats.items()))))
    # The generator reaches every kind of change.
    for k in ("empty", "changed", "tls", "vhost added", "vhost removed", "vhost changed",
              "route added", "route removed", "route changed", "status added",
              "status removed", "status changed", "diagnostics added", "diagnostics resolved",
              "ingress_http", "ingress_https"):
        assert stats[k] > 0 or PAIRS < 100, "no %r in %d pairs" % (k, pairs)


def count_changes(stats, want):
    stats["empty" if is_empty(want) else "changed"] += 1
    stats["tls"] += sum(v["tls_changed"] for v in want["virtualhosts"])
    for v in want["virtualhosts"]:
        stats["vhost " + v["change"]] += 1
        stats[v["listener"]] += 1
        for r in v["routes"]:
            stats["route " + r["change"]] += 1
    for s in want["statuses"]:
        stats["status " + s["change"]] += 1
    for k, ds in want["diagnostics"].items():
        stats["diagnostics " + k] += len(ds)


# ---- real manifests, edited ----


def docs_of(path):
    """The documents of a manifest file (PyYAML's safe loader, the reader tests/yaml-diff
    holds the library to); None for a file it cannot read."""
    try:
        with open(path, encoding="utf-8") as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def plain(v):
    """A document as JSON-able values (PyYAML gives dates and such for some scalars)."""
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)


def dump(docs):
    return "".join("---\n" + "\n".join(yaml_lines(d, 0)) + "\n" if isinstance(d, dict)
                   and d else "---\n%s\n" % yaml_inline(d) for d in docs)


def dig(v, *keys):
    for k in keys:
        if isinstance(v, dict):
            v = v.get(k)
        elif isinstance(v, list) and isinstance(k, int) and k < len(v):
            v = v[k]
        else:
            return None
    return v


def namespace_of(doc):
    ns = dig(doc, "metadata", "namespace")
    return ns if isinstance(ns, str) else "default"


def kind_of(doc):
    return doc.get("kind") if isinstance(doc, dict) else None


def service_refs(doc):
    """(namespace, name, port, port name) of every Service an IngressRoute or Ingress names."""
    ns = namespace_of(doc)
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    if kind_of(doc) == "IngressRoute":
        lists = [dig(r, "services") for r in (spec.get("routes") or []) if isinstance(r, dict)]
        lists.append(dig(spec, "tcpproxy", "services"))
        for services in lists:
            for s in services if isinstance(services, list) else []:
                if isinstance(dig(s, "name"), str) and isinstance(dig(s, "port"), int):
                    yield ns, s["name"], s["port"], None
    elif kind_of(doc) == "Ingress":
        backends = [spec.get("backend"), spec.get("defaultBackend")]
        for rule in spec.get("rules") or []:
            for p in dig(rule, "http", "paths") or []:
                backends.append(dig(p, "backend"))
        for b in backends:
            svc, port = dig(b, "serviceName"), dig(b, "servicePort")
            if svc is None:
                svc, port = dig(b, "service", "name"), dig(b, "service", "port", "number")
                port = port if port is not None else dig(b, "service", "port", "name")
            if isinstance(svc, str) and isinstance(port, int):
                yield ns, svc, port, None
            elif isinstance(svc, str) and isinstance(port, str):
                yield ns, svc, 80, port


def secret_refs(doc):
    ns = namespace_of(doc)
    names = []
    if kind_of(doc) == "IngressRoute":
        names.append(dig(doc, "spec", "virtualhost", "tls", "secretName"))
    elif kind_of(doc) == "Ingress":
        names += [dig(t, "secretName") for t in dig(doc, "spec", "tls") or []]
    for n in names:
        if isinstance(n, str) and n:
            yield tuple(n.split("/", 1)) if "/" in n else (ns, n)


def companions(docs):
    """Services and Secrets for what the documents refer to, so that routes have clusters
    and roots their certificates."""
    ports = collections.OrderedDict()
    secrets = []
    for d in docs:
        if not isinstance(d, dict):
            continue
        for ns, svc, port, port_name in service_refs(d):
            entry = ports.setdefault((ns, svc), {})
            entry.setdefault(port, {"port": port, **({"name": port_name} if port_name else {})})
        for s in secret_refs(d):
            if s not in secrets:
                secrets.append(s)
    defined = {(kind_of(d), namespace_of(d), dig(d, "metadata", "name")) for d in docs
               if isinstance(d, dict)}
    ports = {k: v for k, v in ports.items() if ("Service",) + k not in defined}
    secrets = [k for k in secrets if ("Secret",) + k not in defined]
    out = [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": svc, "namespace": ns},
            "spec": {"ports": list(ps.values())}} for (ns, svc), ps in ports.items()]
    out += [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": n, "namespace": ns},
             "type": "kubernetes.io/tls", "data": {"tls.crt": "eA==", "tls.key": "eA=="}}
            for ns, n in secrets]
    return out


def objects(docs, kind):
    """The documents of a kind that count: of an object defined twice, the later one."""
    last = {}
    for d in docs:
        if kind_of(d) == kind and isinstance(dig(d, "metadata", "name"), str):
            last.pop(ref_of(d), None)
            last[ref_of(d)] = d
    return list(last.values())


def ref_of(doc):
    return (doc["kind"], namespace_of(doc), doc["metadata"]["name"])


# Each edit changes the first object it applies to (docs: the file's documents then its
# companions, all copies) and returns what it did, or None when nothing applies.


def edit_weight(docs):
    for d in objects(docs, "IngressRoute"):
        for r in dig(d, "spec", "routes") or []:
            for s in dig(r, "services") or []:
                if isinstance(s, dict) and isinstance(s.get("name"), str):
                    w = s.get("weight")
                    s["weight"] = (w if isinstance(w, int) and w >= 0 else 0) + 7
                    return {"object": ref_of(d), "match": dig(r, "match"),
                            "service": s["name"]}
    return None


def edit_route_removed(docs):
    for d in objects(docs, "IngressRoute"):
        routes = dig(d, "spec", "routes")
        if isinstance(routes, list) and routes:
            routes.pop(0)
            return {"object": ref_of(d)}
    return None


def delete(docs, d):
    """Deletes an object: every document defining it (the examples define one twice)."""
    for x in [x for x in docs if kind_of(x) == kind_of(d) and isinstance(
            dig(x, "metadata", "name"), str) and ref_of(x) == ref_of(d)]:
        docs.remove(x)


def edit_root_deleted(docs):
    for d in objects(docs, "IngressRoute"):
        if isinstance(dig(d, "spec", "virtualhost"), dict):
            delete(docs, d)
            return {"object": ref_of(d)}
    return None


def edit_secret_deleted(docs):
    for d in objects(docs, "Secret"):
        delete(docs, d)
        return {"secret": (namespace_of(d), d["metadata"]["name"])}
    return None


def edit_service_deleted(docs):
    for d in objects(docs, "Service"):
        delete(docs, d)
        return {"service": (namespace_of(d), d["metadata"]["name"])}
    return None


def edit_class_flipped(docs):
    for d in objects(docs, "IngressRoute") + objects(docs, "Ingress"):
        meta = d["metadata"]
        if not isinstance(meta.get("annotations", {}), dict):
            continue
        ann = meta.setdefault("annotations", {})
        was = ann.get("kubernetes.io/ingress.class")
        ann["kubernetes.io/ingress.class"] = "other" if was != "other" else "contour"
        return {"object": ref_of(d), "to": ann["kubernetes.io/ingress.class"]}
    return None


def edit_min_tls(docs):
    for d in objects(docs, "IngressRoute"):
        tls = dig(d, "spec", "virtualhost", "tls")
        if isinstance(tls, dict) and not tls.get("passthrough"):
            tls["minimumProtocolVersion"] = "1.3" if tls.get(
                "minimumProtocolVersion") != "1.3" else "1.2"
            return {"object": ref_of(d)}
    return None


def edit_fqdn_renamed(docs):
    for d in objects(docs, "IngressRoute"):
        vh = dig(d, "spec", "virtualhost")
        if isinstance(vh, dict) and isinstance(vh.get("fqdn"), str):
            vh["fqdn"] = "renamed." + vh["fqdn"]
            return {"object": ref_of(d)}
    return None


EDITS = {
    "weight": edit_weight,
    "route-removed": edit_route_removed,
    "root-deleted": edit_root_deleted,
    "secret-deleted": edit_secret_deleted,
    "service-deleted": edit_service_deleted,
    "class-flipped": edit_class_flipped,
    "min-tls": edit_min_tls,
    "fqdn-renamed": edit_fqdn_renamed,
}


def without_weights(r):
    r = copy.deepcopy(r)
    for c in r["clusters"]:
        del c["weight"]
    r["clusters"].sort(key=lambda c: json.dumps(c, sort_keys=True))
    return r


def status_change(diff, ns, nm):
    for s in diff["statuses"]:
        if (s["namespace"], s["name"]) == (ns, nm):
            return s["change"]
    return None


def find_status(graph, ns, nm):
    return any((s["namespace"], s["name"]) == (ns, nm) for s in graph["statuses"])


def check_edit(what, did, ga, gb, want, real_diags):
    """What each edit must show as, beyond the diff being the graphs' (`real_diags`: the
    diagnostics added and resolved once the edited files' new names are taken back)."""
    vhosts = want["virtualhosts"]
    routes = [r for v in vhosts for r in v["routes"]]
    if what == "weight":
        assert not want["statuses"] and all(v["change"] == "changed" for v in vhosts)
        for r in routes:
            assert r["change"] == "changed"
            assert without_weights(r["old"]) == without_weights(r["new"]) and r["old"] != r["new"]
        # Where the edited route was served with the edited Service, it changed.
        kind, ns, nm = did["object"]
        for lis in ga["listeners"]:
            for v in lis["virtualhosts"]:
                for r in v["routes"]:
                    if ((r["source"]["namespace"], r["source"]["name"]) == (ns, nm)
                            and r.get("prefix") == did["match"]
                            and any(c["service"] == did["service"] for c in r["clusters"])):
                        assert any(c["listener"] == lis["name"] and c["fqdn"] == v["fqdn"]
                                   and any(x.get("prefix") == did["match"]
                                           for x in c["routes"]) for c in vhosts), v["fqdn"]
    elif what == "route-removed":
        assert all(r["change"] != "added" for r in routes)
        assert all(v["change"] != "added" for v in vhosts)
    elif what == "root-deleted":
        kind, ns, nm = did["object"]
        if find_status(ga, ns, nm):
            assert status_change(want, ns, nm) == "removed"
        # What the root served goes (unless another root takes the name over).
        for v in vhosts:
            for r in v["routes"]:
                if "old" in r and (r["old"]["source"]["namespace"],
                                   r["old"]["source"]["name"]) == (ns, nm):
                    assert r["change"] in ("removed", "changed")
    elif what == "secret-deleted":
        ns, nm = did["secret"]
        for lis in ga["listeners"]:
            for v in lis["virtualhosts"]:
                if dig(v, "tls", "secret") == {"namespace": ns, "name": nm}:
                    # Served without TLS now: the https virtual host goes.
                    assert any(c["fqdn"] == v["fqdn"] and c["listener"] == lis["name"]
                               and c["change"] == "removed" for c in vhosts), v["fqdn"]
                    assert any(d["code"] == "tls-secret-not-found" for d in real_diags["added"])
    elif what == "service-deleted":
        assert all(v["change"] != "added" for v in vhosts)
        assert all(r["change"] == "changed" for r in routes)
        for r in routes:
            assert len(r["new"]["clusters"]) < len(r["old"]["clusters"])
    elif what == "class-flipped":
        kind, ns, nm = did["object"]
        if kind == "IngressRoute" and did["to"] == "other":
            assert not find_status(gb, ns, nm)
            if find_status(ga, ns, nm):
                assert status_change(want, ns, nm) == "removed"
        if did["to"] == "other":
            assert any(d["code"] == "ignored-class" for d in real_diags["added"])
    elif what == "min-tls":
        assert not want["statuses"]
        for v in vhosts:
            assert v["listener"] == "ingress_https" and v["change"] == "changed"
            assert v["tls_changed"] and not v["routes"]
            assert (v["old"]["tls"]["min_protocol_version"]
                    != v["new"]["tls"]["min_protocol_version"])
    elif what == "fqdn-renamed":
        kind, ns, nm = did["object"]
        fqdns = {v["fqdn"] for v in vhosts if v["change"] == "added"}
        assert all(f.startswith("renamed.") for f in fqdns)
        if status_change(want, ns, nm) is not None:
            # Its status names the new virtual host.
            assert status_change(want, ns, nm) == "changed"


def real_diagnostics(ga, gb, renames):
    """The diagnostics added and resolved, with each edited file's new name taken back to
    the old: what the edit changed, apart from the file names."""
    def norm(d):
        d = dict(d)
        d["file"] = renames.get(d["file"], d["file"])
        d["message"] = unrename(d["message"], renames)
        return d
    gb = dict(gb, diagnostics=[norm(d) for d in gb["diagnostics"]])
    return expected_diff(ga, gb)["diagnostics"]


def unrename(s, renames):
    for a, b in renames.items():
        s = s.replace(a, b)
    return s


def run_edits(tmp_path, label, files, edits, opts=(), stats=None):
    """Writes `files` (their documents and a companions file) under a/, then for each edit
    the edited copy under b/, and checks diff a -- b against the graphs' diff and the
    edit's meaning. Returns the edits that applied."""
    docs = [d for _, ds in files for d in ds]
    comp = companions(docs)
    sets = [(n, ds) for n, ds in files] + [("companions.yaml", comp)]
    root = tmp_path / label
    a = root / "a"

    def write(side, sets):
        paths = []
        for n, ds in sets:
            p = side / n
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(dump(ds), encoding="utf-8")
            paths.append(p.relative_to(tmp_path))
        return paths

    old = write(a, sets)
    graph = Graphs(tmp_path)
    ga = graph(opts, old)
    # The same files on both sides: no change, exit 0.
    want = expected_diff(ga, ga)
    assert is_empty(want)
    check_diff(opts, old, old, want, cwd=tmp_path, context=label)
    applied = []
    for what in edits:
        new_sets = copy.deepcopy(sets)
        flat = [d for _, ds in new_sets for d in ds]
        did = EDITS[what](flat)
        if did is None:
            continue
        # The edit worked on `flat`; put what is left back into its files.
        ids = {id(d) for d in flat}
        new_sets = [(n, [d for d in ds if id(d) in ids]) for n, ds in new_sets]
        b = root / ("b-" + what)
        new = write(b, new_sets)
        gb = graph(opts, new)
        want = expected_diff(ga, gb)
        check_diff(opts, old, new, want, cwd=tmp_path, context="%s, edit %s" % (label, what))
        renames = {str(n): str(o) for o, n in zip(old, new)}
        real = real_diagnostics(ga, gb, renames)
        try:
            check_edit(what, did, ga, gb, want, real)
        except AssertionError as e:
            raise AssertionError("%s, edit %s (%s): %s\n%s" % (
                label, what, did, e, json.dumps(want, indent=1)[:4000])) from e
        applied.append(what)
        if stats is not None:
            stats[what] += 1
            count_changes(stats, want)
    return applied


def example_files():
    root = examples_dir()
    files = []
    for p in sorted(glob.glob(os.path.join(root, "**", "*.yaml"), recursive=True)):
        docs = docs_of(p)
        assert docs is not None, p
        files.append((os.path.relpath(p, root), [plain(d) for d in docs]))
    return files


def test_examples_edited(tmp_path):
    """Contour's examples, whole, with each edit; then each example directory with
    00-common on its own."""
    files = example_files()
    stats = collections.Counter()
    edits = ["weight", "root-deleted", "secret-deleted"] if WRAPPER else list(EDITS)
    applied = run_edits(tmp_path, "all", files, edits, stats=stats)
    assert set(applied) == set(edits), applied
    if not WRAPPER:
        common = [f for f in files if f[0].startswith("00-common")]
        dirs = sorted({f[0].split(os.sep)[0] for f in files} - {"00-common"})
        for d in dirs:
            part = common + [f for f in files if f[0].startswith(d + os.sep)]
            run_edits(tmp_path, d, part, list(EDITS), stats=stats)
        # Ports and a root namespace given to both sides.
        run_edits(tmp_path, "opts", files, list(EDITS), stats=stats,
                  opts=("--http-port", "9443", "--https-port", "9080",
                        "--root-namespaces", "default"))
    print(dict(sorted(stats.items())))
    for k in ("vhost added", "vhost removed", "vhost changed", "route added", "route removed",
              "route changed", "status removed", "status changed", "tls"):
        assert stats[k] > 0 or WRAPPER, (k, stats)


def wild_files():
    corpus = os.path.join(SHARED_ROOT, "corpus", "wild")
    if not os.path.isdir(corpus):
        pytest.skip("no wild corpus under %s" % SHARED_ROOT)
    out = []
    for p in sorted(glob.glob(os.path.join(corpus, "**", "*.yaml"), recursive=True)):
        docs = docs_of(p)
        if docs:
            out.append((os.path.relpath(p, corpus), [plain(d) for d in docs]))
    return out


def test_wild_corpus_edited(tmp_path):
    """Each file of the wild corpus, with Services and Secrets for what it names, and each
    edit that applies to it; then the whole corpus as one cluster."""
    files = wild_files()
    assert len(files) > 50
    stats = collections.Counter()
    step = 30 if WRAPPER else 1
    for i, (n, docs) in enumerate(files[::step]):
        edits = list(EDITS) if not WRAPPER else [list(EDITS)[i % len(EDITS)]]
        run_edits(tmp_path, "f%03d" % i, [(os.path.basename(n), docs)], edits, stats=stats)
    if not WRAPPER:
        run_edits(tmp_path, "corpus", files, list(EDITS), stats=stats)
    print(dict(sorted(stats.items())))
    if not WRAPPER:
        for k in EDITS:
            assert stats[k] > 0, (k, stats)
        for k in ("vhost added", "vhost removed", "vhost changed", "route removed",
                  "route changed", "status removed", "tls", "diagnostics added"):
            assert stats[k] > 0, (k, stats)


def test_wild_corpus_as_it_is(tmp_path):
    """The corpus files themselves: all of them against all but one, each removed in turn
    (one under valgrind)."""
    corpus = os.path.join(SHARED_ROOT, "corpus", "wild")
    if not os.path.isdir(corpus):
        pytest.skip("no wild corpus under %s" % SHARED_ROOT)
    paths = sorted(glob.glob(os.path.join(corpus, "**", "*.yaml"), recursive=True))
    graph = Graphs(tmp_path)
    ga = graph([], paths)
    check_diff([], paths, paths, expected_diff(ga, ga))
    check_diff([], [corpus], paths, expected_diff(graph([], [corpus]), ga))
    changed = 0
    for p in paths[:1] if WRAPPER else paths:
        rest = [q for q in paths if q != p]
        want = expected_diff(ga, graph([], rest))
        check_diff([], paths, rest, want, context="without " + p)
        changed += not is_empty(want)
    assert changed > 0


# ---- the command line ----

SERVICE = ("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
           "spec: {ports: [{port: 80}]}\n")


def root(weight, fqdn="example.com", extra=""):
    return ("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: root, namespace: default}\n"
            "spec:\n  virtualhost: {fqdn: %s}\n%s"
            "  routes:\n  - match: /\n    services: [{name: web, port: 80, weight: %d}]\n"
            % (json.dumps(fqdn), extra, weight))


@pytest.fixture
def two(tmp_path):
    """old.yaml and new.yaml, the new one with another weight."""
    (tmp_path / "svc.yaml").write_text(SERVICE)
    (tmp_path / "old.yaml").write_text(root(10))
    (tmp_path / "new.yaml").write_text(root(20))
    return tmp_path


EMPTY_JSON = (b'{\n  "virtualhosts": [],\n  "statuses": [],\n  "diagnostics": {\n'
              b'    "added": [],\n    "resolved": []\n  }\n}\n')


def test_exit_codes(two):
    same = run("diff", "svc.yaml", "old.yaml", "--", "old.yaml", "svc.yaml", cwd=two)
    assert (same.returncode, same.stdout, same.stderr) == (0, b"no changes\n", b"")
    same = run("diff", "--format", "json", "old.yaml", "svc.yaml", "--", "svc.yaml",
               "old.yaml", cwd=two)
    assert (same.returncode, same.stdout, same.stderr) == (0, EMPTY_JSON, b"")
    changed = run("diff", "svc.yaml", "old.yaml", "--", "svc.yaml", "new.yaml", cwd=two)
    assert changed.returncode == 1 and changed.stderr == b""
    assert changed.stdout == (
        b"~ ingress_http 80 example.com\n"
        b"    ~ route prefix / (IngressRoute default/root) -> default/web:80 weight 10\n"
        b"      => prefix / (IngressRoute default/root) -> default/web:80 weight 20\n")
    # Options anywhere, --name=value, a directory on one side.
    d = two / "dir"
    d.mkdir()
    (d / "svc.yaml").write_text(SERVICE)
    (d / "r.yaml").write_text(root(20))
    j = run("diff", "svc.yaml", "old.yaml", "--", "dir", "--format=json", cwd=two)
    assert j.returncode == 1 and j.stderr == b"", j.stderr
    got = json.loads(j.stdout)
    assert [v["change"] for v in got["virtualhosts"]] == ["changed"]
    assert [r["change"] for r in got["virtualhosts"][0]["routes"]] == ["changed"]
    # The Service is defined at another path now: its diagnostics (none) do not change;
    # nothing but the weight differs.
    assert not got["statuses"]


def test_one_directory_a_side(tmp_path):
    """A side given as one directory is read from inside it: the same file under old/ and
    new/ has the same name, so its unchanged diagnostics are not listed as resolved and
    added again; a changed one names the file relative to its directory."""
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "svc.yaml").write_text(SERVICE)
    (tmp_path / "old" / "r.yaml").write_text(root(10, extra="  bogus: 1\n"))
    (tmp_path / "new" / "r.yaml").write_text(root(10, extra="  bogus: 1\n"))
    same = run("diff", "old", "--", "new/", cwd=tmp_path)
    assert (same.returncode, same.stdout, same.stderr) == (0, b"no changes\n", b"")
    (tmp_path / "new" / "r.yaml").write_text(root(10, extra="  bogus: 1\n  other: 2\n"))
    changed = run("diff", "--format", "json", "old", "--", "new", cwd=tmp_path)
    assert changed.returncode == 1, changed.stderr
    got = json.loads(changed.stdout)
    assert [d["file"] for d in got["diagnostics"]["added"]] == ["./r.yaml"]
    assert got["diagnostics"]["resolved"] == [] and got["virtualhosts"] == []
    # Two paths on a side keep their names as given.
    two = run("diff", "old/svc.yaml", "old/r.yaml", "--", "new", cwd=tmp_path)
    assert two.returncode == 1 and b"- old/r.yaml:" in two.stdout


def test_unreadable_input(two):
    for args in (["missing.yaml", "--", "old.yaml"], ["old.yaml", "--", "missing.yaml"]):
        out = run("diff", *args, cwd=two)
        assert out.returncode == 2 and out.stdout == b"", out
        # The io-error diagnostic, as `check` prints it; no diff of partial input.
        assert out.stderr == b"missing.yaml: error: cannot open: No such file or directory\n"
    # A file that does not parse is no trouble: its diagnostics are part of the diff.
    (two / "bad.yaml").write_text("kind: [\n")
    out = run("diff", "--format", "json", "old.yaml", "--", "old.yaml", "bad.yaml", cwd=two)
    assert out.returncode == 1, out
    got = json.loads(out.stdout)
    assert [d["file"] for d in got["diagnostics"]["added"]] == ["bad.yaml"]
    assert got["diagnostics"]["added"][0]["severity"] == "error"


@pytest.mark.parametrize("args,says", [
    (["diff"], b"'--' must separate"),
    (["diff", "a.yaml", "b.yaml"], b"'--' must separate"),
    (["diff", "--", "b.yaml"], b"at least one old PATH and one new PATH"),
    (["diff", "a.yaml", "--"], b"at least one old PATH and one new PATH"),
    (["diff", "--", "--", "b.yaml"], b"at least one old PATH and one new PATH"),
    (["diff", "a.yaml", "--", "-"], b"diff reads files, not standard input"),
    (["diff", "-", "--", "b.yaml"], b"diff reads files, not standard input"),
    (["diff", "--format", "dot", "a.yaml", "--", "b.yaml"], b"diff --format: text or json"),
    (["diff", "--format", "sarif", "a.yaml", "--", "b.yaml"], b"diff --format: text or json"),
    (["diff", "--format", "junit", "a.yaml", "--", "b.yaml"], b"diff --format: text or json"),
    (["diff", "--format", "yaml", "a.yaml", "--", "b.yaml"], b"--format"),
    (["diff", "--strict", "a.yaml", "--", "b.yaml"], b"--strict is an option of 'check'"),
    (["diff", "--per-file", "a.yaml", "--", "b.yaml"], b"--per-file is an option of 'check'"),
    (["diff", "-q", "a.yaml", "--", "b.yaml"], b"-q is an option of 'check'"),
    (["diff", "--fail-on", "error", "a.yaml", "--", "b.yaml"], b"is an option of 'check'"),
    (["diff", "--color", "never", "a.yaml", "--", "b.yaml"], b"is an option of 'check'"),
    (["diff", "--vhost", "x", "a.yaml", "--", "b.yaml"], b"is an option of 'graph'"),
    (["diff", "--namespace", "x", "a.yaml", "--", "b.yaml"], b"is an option of 'graph'"),
    (["diff", "--http-port", "80", "--https-port", "80", "a.yaml", "--", "b.yaml"],
     b"--http-port and --https-port must differ"),
    (["diff", "--bogus", "a.yaml", "--", "b.yaml"], b"unknown option '--bogus'"),
    (["diff", "--format"], b"needs a value"),
])
def test_usage_errors(two, args, says):
    (two / "a.yaml").write_text(SERVICE)
    (two / "b.yaml").write_text(SERVICE)
    out = run(*args, cwd=two)
    assert out.returncode == 2 and out.stdout == b"", out
    assert out.stderr.startswith(b"contourc: ") and says in out.stderr, out.stderr
    assert b"contourc diff [options] [--format text|json] OLD_PATH... -- NEW_PATH..." in out.stderr


def test_help_names_diff():
    out = run("--help")
    assert out.returncode == 0
    assert b"contourc diff [options] [--format text|json] OLD_PATH... -- NEW_PATH..." in out.stdout
    assert b"diff: text (default) or json" in out.stdout


def test_second_double_dash_ends_options(two):
    """The first `--` separates old from new; a second one ends the options, so a new PATH
    may start with '-' (an old one is written ./-NAME)."""
    (two / "-new.yaml").write_text(root(20))
    (two / "-old.yaml").write_text(root(10))
    out = run("diff", "--format", "json", "./-old.yaml", "svc.yaml", "--", "svc.yaml", "--",
              "-new.yaml", cwd=two)
    assert out.returncode == 1, out
    assert json.loads(out.stdout)["virtualhosts"][0]["fqdn"] == "example.com"


def test_output_errors(two):
    """Standard output that cannot be written: exit 2, one line on standard error."""
    args = [CONTOURC, "diff", "svc.yaml", "old.yaml", "--", "svc.yaml", "new.yaml"]
    if os.path.exists("/dev/full"):
        for fmt in ("text", "json"):
            with open("/dev/full", "wb") as full:
                p = subprocess.run([*WRAPPER, *args, "--format", fmt], stdout=full,
                                   stderr=subprocess.PIPE, cwd=two, timeout=TIMEOUT)
            assert p.returncode == 2, p
            assert p.stderr == b"contourc: cannot write the output: No space left on device\n"
    p = subprocess.run([*WRAPPER, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=two, timeout=TIMEOUT, preexec_fn=lambda: os.close(1))
    assert p.returncode == 2, p
    assert p.stderr == b"contourc: cannot write the output: Bad file descriptor\n"
    # No change, nothing to write but "no changes": the same.
    with open("/dev/full", "wb") as full:
        p = subprocess.run([*WRAPPER, CONTOURC, "diff", "old.yaml", "--", "old.yaml"],
                           stdout=full, stderr=subprocess.PIPE, cwd=two, timeout=TIMEOUT)
    assert p.returncode == 2, p


HOSTILE_NAMES = [
    "a b.yaml",
    "line\nbreak.yaml",
    'quote"back\\slash.yaml',
    "bidi\u202eevil.yaml",
    "esc\x1b[31mred.yaml",
    "\u00fcml\u00e4ut.yaml",
    "tag\U000e0041.yaml",
    "zero\u200bwidth.yaml",
]


def test_hostile_file_and_object_names(tmp_path):
    """File names and fqdns no one would write reach the diff's diagnostics and virtual
    hosts: JSON keeps every character (escaped as documented), the text form escapes them
    so no line can be forged and no terminal repainted."""
    (tmp_path / "svc.yaml").write_text(SERVICE)
    unknown = "  bogus: 1\n"  # an unknown field: a diagnostic naming the file
    old, new = ["svc.yaml"], ["svc.yaml"]
    for i, n in enumerate(HOSTILE_NAMES):
        d = tmp_path / ("old %d" % i)
        d.mkdir()
        (d / n).write_text(root(10, fqdn="h%d\u202e\"x\".example.com" % i, extra=unknown)
                           .replace("name: root", "name: r%d" % i))
        d2 = tmp_path / ("new\n%d" % i)
        d2.mkdir()
        (d2 / n).write_text(root(20, fqdn="h%d\u202e\"x\".example.com" % i, extra=unknown)
                            .replace("name: root", "name: r%d" % i))
        old.append(os.path.join(d.name, n))
        new.append(os.path.join(d2.name, n))
    graph = Graphs(tmp_path)
    want = expected_diff(graph([], old), graph([], new))
    assert len(want["virtualhosts"]) == len(HOSTILE_NAMES)
    assert len(want["diagnostics"]["added"]) == len(HOSTILE_NAMES)
    out = check_diff([], old, new, want, cwd=tmp_path)
    files = {d["file"] for d in json.loads(out.stdout)["diagnostics"]["added"]}
    assert files == set(new[1:])
    text = run("diff", *old, "--", *new, cwd=tmp_path).stdout.decode("utf-8")
    # One line per change: nothing in a name broke a line; nothing invisible is left raw.
    assert all(go_printable(c) for c in text.replace("\n", "")), repr(text)
    lines = text.splitlines()
    assert len(lines) == 3 * len(HOSTILE_NAMES) + 2 * len(HOSTILE_NAMES)
    for raw in ("\x1b", "\u202e", "\u200b", "\U000e0041"):
        assert raw not in text and raw.encode() not in out.stdout
    # Each path exactly once in its escaped form.
    for p in new[1:]:
        assert sum(l.startswith("+ " + prose(p) + ":") for l in lines) == 1, p


# ---- the documentation's examples ----

DOC_FILES = {
    "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
                "spec: {ports: [{port: 80}]}\n---\n"
                "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
                "spec: {ports: [{port: 80}]}\n",
    "shop.yaml": "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                 "metadata: {name: root, namespace: shop}\nspec:\n  virtualhost:\n"
                 "    fqdn: shop.example.com\n    tls: {secretName: cert}\n  routes:\n"
                 "  - match: /\n    services: [{name: web, port: 80}]\n",
    "cert.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: shop}\n"
                 "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n",
    "root.yaml": "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                 "metadata: {name: root, namespace: default}\nspec:\n"
                 "  virtualhost: {fqdn: example.com}\n  routes:\n  - match: /\n"
                 "    services: [{name: web, port: 80, weight: 10}]\n  - match: /blog\n"
                 "    delegate: {name: blog}\n---\n"
                 "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                 "metadata: {name: blog, namespace: default}\nspec:\n  routes:\n"
                 "  - match: /blog\n    services: [{name: web, port: 80}]\n",
}


def doc_block(doc, first_line):
    """The lines of a fenced block of docs/DOC after `first_line`."""
    with open(os.path.join(SOURCE_ROOT, "docs", doc), encoding="utf-8") as f:
        text = f.read()
    assert first_line in text, (doc, first_line)
    rest = text[text.index(first_line) + len(first_line) + 1:]
    return rest[:rest.index("```")]


def test_docs_examples(tmp_path):
    """The diffs docs/cli.md and docs/route-graph.md show are what contourc prints."""
    for n, text in DOC_FILES.items():
        (tmp_path / n).write_text(text)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "root.yaml").write_text(
        DOC_FILES["root.yaml"].replace("weight: 10", "weight: 20")
        .replace("  - match: /blog\n    delegate: {name: blog}\n", ""))
    cmd = "contourc diff svc.yaml root.yaml shop.yaml cert.yaml -- svc.yaml new/root.yaml shop.yaml"
    out = run(*cmd.split()[1:], cwd=tmp_path)
    assert out.returncode == 1
    for doc in ("cli.md", "route-graph.md"):
        assert doc_block(doc, "$ " + cmd) == out.stdout.decode(), doc
    # The JSON example: a weight changed on a root served over TLS, its https vhost.
    (tmp_path / "a.yaml").write_text(
        DOC_FILES["svc.yaml"].split("---\n")[0]
        + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: default}\n"
          "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n"
          "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
          "metadata: {name: root, namespace: default}\nspec:\n"
          "  virtualhost: {fqdn: example.com, tls: {secretName: cert}}\n  routes:\n"
          "  - match: /\n    services: [{name: web, port: 80, weight: 10}]\n")
    (tmp_path / "b.yaml").write_text((tmp_path / "a.yaml").read_text().replace("10", "20"))
    out = run("diff", "--format", "json", "a.yaml", "--", "b.yaml", cwd=tmp_path)
    got = json.loads(out.stdout)
    got["virtualhosts"] = [v for v in got["virtualhosts"] if v["listener"] == "ingress_https"]
    assert doc_block("route-graph.md", "the `ingress_https` virtual host:\n\n```json") == \
        json_bytes(got).decode()
    # The empty diff.
    assert doc_block("route-graph.md", "An empty diff is exactly:\n\n```json").encode() == \
        EMPTY_JSON
