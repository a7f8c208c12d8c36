"""A small cluster that changes at random: one source per object (named after it, as a
watch would), each step replacing an object with a random variant, removing it, breaking
its YAML, or loading a second copy of it under another source name. Shared by the update,
diff and review tests; deterministic for a seed."""

from __future__ import annotations

import json
import random
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

import contour

NAMESPACES = ("roots", "team-a", "team-b")
FQDNS = ("a.example.com", "b.example.com", "c.example.com")


def _svc(rng: random.Random, ns: str, name: str) -> str:
    ports = rng.choice(["[{name: http, port: 80}]", "[{name: http, port: 80}, {port: 8080}]", "[{port: 8080}]"])
    ann = rng.choice(
        [
            "",
            "\n  annotations: {contour.heptio.com/max-connections: \"7\"}",
            "\n  annotations: {contour.heptio.com/upstream-protocol.h2c: \"80\"}",
        ]
    )
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}{ann}\nspec:\n  ports: {ports}\n"


def _secret(rng: random.Random, ns: str, name: str) -> str:
    key = rng.choice(["a2V5", ""])  # an empty key: not a usable TLS secret
    return (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"type: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: \"{key}\"\n"
    )


def _delegation(rng: random.Random, ns: str, name: str) -> str:
    targets = rng.choice(["['*']", "[roots]", "[team-b]"])
    return (
        "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
        f"metadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  delegations:\n"
        f"  - secretName: cert\n    targetNamespaces: {targets}\n"
    )


def _service_ref(rng: random.Random) -> str:
    name = rng.choice(["svc-1", "svc-2", "missing"])
    port = rng.choice([80, 8080, 80, 70000])
    weight = rng.choice(["", ", weight: 10", ", weight: 90"])
    return f"{{name: {name}, port: {port}{weight}}}"


def _route(rng: random.Random, match: str, delegates: list[tuple[str, str]]) -> str:
    options = rng.choice(["", "\n  timeoutPolicy: {request: 5s}", "\n  enableWebsockets: true",
                          "\n  retryPolicy: {count: 2, perTryTimeout: 150ms}", "\n  prefixRewrite: /v2"])
    if delegates and rng.random() < 0.5:
        ns, name = rng.choice(delegates)
        return f"- match: {match}\n  delegate: {{name: {name}, namespace: {ns}}}{options}\n"
    services = ", ".join(_service_ref(rng) for _ in range(rng.randint(1, 2)))
    return f"- match: {match}\n  services: [{services}]{options}\n"


def _ingressroute(rng: random.Random, ns: str, name: str) -> str:
    children = [("team-a", "app"), ("team-b", "web"), ("team-a", "api")]
    head = (
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        f"metadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
    )
    body = ""
    if ns == "roots":
        fqdn = rng.choice(FQDNS)
        tls = rng.choice(["", "\n  tls: {secretName: cert}", "\n  tls: {secretName: team-a/cert}",
                          "\n  tls: {secretName: cert, minimumProtocolVersion: \"1.3\"}"])
        body += f"virtualhost:\n  fqdn: {fqdn}{tls}\n"
        if rng.random() < 0.15:
            body += f"tcpproxy:\n  services: [{_service_ref(rng)}]\n"
    matches = rng.sample(["/", "/api", "/static", "/v1"], rng.randint(1, 3))
    if ns != "roots":  # a delegate's routes must be under the delegating route's prefix
        matches = ["/" + m.strip("/") if rng.random() < 0.8 else m for m in matches]
    routes = "".join(_route(rng, m, [c for c in children if c != (ns, name)]) for m in matches)
    body += "routes:\n" + routes
    return head + textwrap.indent(body, "  ")


def _ingress(rng: random.Random, ns: str, name: str) -> str:
    host = rng.choice(FQDNS + ("d.example.com",))
    svc = rng.choice(["svc-1", "svc-2", "missing"])
    default = rng.choice(["", "  defaultBackend:\n    service: {name: svc-1, port: {number: 80}}\n"])
    tls = rng.choice(["", f"  tls:\n  - hosts: [{host}]\n    secretName: cert\n"])
    return (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
        f"metadata:\n  name: {name}\n  namespace: {ns}\nspec:\n{default}{tls}"
        f"  rules:\n  - host: {host}\n    http:\n      paths:\n"
        f"      - path: /ing\n        pathType: {rng.choice(['Prefix', 'Exact'])}\n"
        f"        backend:\n          service: {{name: {svc}, port: {{number: 80}}}}\n"
    )


Maker = Callable[[random.Random, str, str], str]

#: Every object of the universe: (kind, namespace, name) -> how to write a variant of it.
UNIVERSE: dict[tuple[contour.Kind, str, str], Maker] = {
    (contour.Kind.SERVICE, "team-a", "svc-1"): _svc,
    (contour.Kind.SERVICE, "team-a", "svc-2"): _svc,
    (contour.Kind.SERVICE, "team-b", "svc-1"): _svc,
    (contour.Kind.SERVICE, "roots", "svc-1"): _svc,
    (contour.Kind.SECRET, "roots", "cert"): _secret,
    (contour.Kind.SECRET, "team-a", "cert"): _secret,
    (contour.Kind.TLSCERTIFICATEDELEGATION, "team-a", "share"): _delegation,
    (contour.Kind.INGRESSROUTE, "roots", "root-1"): _ingressroute,
    (contour.Kind.INGRESSROUTE, "roots", "root-2"): _ingressroute,
    (contour.Kind.INGRESSROUTE, "team-a", "app"): _ingressroute,
    (contour.Kind.INGRESSROUTE, "team-a", "api"): _ingressroute,
    (contour.Kind.INGRESSROUTE, "team-b", "web"): _ingressroute,
    (contour.Kind.INGRESS, "team-b", "ing"): _ingress,
}


def source_name(key: tuple[contour.Kind, str, str]) -> str:
    kind, ns, name = key
    return f"{kind.k8s_name}/{ns}/{name}"


@dataclass
class Cluster:
    """The sources loaded into a snapshot, as the test believes they are."""

    rng: random.Random
    sources: dict[str, str] = field(default_factory=dict)

    def populate(self, snapshot: contour.Snapshot) -> None:
        for key, make in UNIVERSE.items():
            self.set(snapshot, source_name(key), make(self.rng, key[1], key[2]))

    def set(self, snapshot: contour.Snapshot, name: str, text: str) -> None:
        snapshot.set_source(name, text)
        self.sources[name] = text

    def step(self, snapshot: contour.Snapshot) -> str:
        """One random change; returns what it did."""
        key = self.rng.choice(list(UNIVERSE))
        name = source_name(key)
        roll = self.rng.random()
        if roll < 0.15 and name in self.sources:
            snapshot.remove_source(name, missing_ok=True)
            del self.sources[name]
            return f"remove {name}"
        if roll < 0.22:
            self.set(snapshot, name, "apiVersion: [unclosed\n")
            return f"break {name}"
        if roll < 0.27:
            dup = f"dup/{name}"
            self.set(snapshot, dup, UNIVERSE[key](self.rng, key[1], key[2]))
            return f"duplicate {name}"
        if roll < 0.30 and f"dup/{name}" in self.sources:
            snapshot.remove_source(f"dup/{name}", missing_ok=True)
            del self.sources[f"dup/{name}"]
            return f"remove dup/{name}"
        self.set(snapshot, name, UNIVERSE[key](self.rng, key[1], key[2]))
        return f"replace {name}"


def graph_json(graph: contour.Graph) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(graph.to_json())
    return result


# ---------------------------------------------------------------------------------------------
# The diff of two graphs, computed from their JSON (docs/route-graph.md): the oracle the
# library's contour_diff_graphs() is checked against.
# ---------------------------------------------------------------------------------------------


def _route_key(route: dict[str, Any]) -> tuple[int, str]:
    return (0, route["exact"]) if "exact" in route else (1, route["prefix"])


def _route_order(key: tuple[int, str]) -> tuple[int, list[int]]:
    # exact first, then by path in descending byte order
    return (key[0], [-b for b in key[1].encode()] + [1])


def _route_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    a = {_route_key(r): r for r in (old or {}).get("routes", [])}
    b = {_route_key(r): r for r in (new or {}).get("routes", [])}
    out = []
    for key in sorted(set(a) | set(b), key=_route_order):
        ra, rb = a.get(key), b.get(key)
        if ra == rb:
            continue
        change: dict[str, Any] = {
            "change": "added" if ra is None else "removed" if rb is None else "changed",
            ("exact" if key[0] == 0 else "prefix"): key[1],
        }
        if ra is not None:
            change["old"] = ra
        if rb is not None:
            change["new"] = rb
        out.append(change)
    return out


def _tls_side(v: dict[str, Any]) -> dict[str, Any]:
    return {k: v[k] for k in ("tls", "tcpproxy") if k in v}


def expected_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The JSON contour_diff_render() gives for two graphs' JSON ``old`` and ``new``."""
    lo = {listener["name"]: listener for listener in old["listeners"]}
    ln = {listener["name"]: listener for listener in new["listeners"]}
    ports = {"ingress_http": 80, "ingress_https": 443}
    ports.update({n: listener["port"] for n, listener in lo.items()})
    ports.update({n: listener["port"] for n, listener in ln.items()})
    vhosts = []
    for lname in sorted(ports, key=lambda n: (ports[n], n != "ingress_http")):
        a = {v["fqdn"]: v for v in lo.get(lname, {}).get("virtualhosts", [])}
        b = {v["fqdn"]: v for v in ln.get(lname, {}).get("virtualhosts", [])}
        for fqdn in sorted(set(a) | set(b), key=lambda f: f.encode()):
            va, vb = a.get(fqdn), b.get(fqdn)
            tls_changed = va is not None and vb is not None and _tls_side(va) != _tls_side(vb)
            routes = _route_changes(va, vb)
            if va is not None and vb is not None and not tls_changed and not routes:
                continue
            entry: dict[str, Any] = {
                "listener": lname,
                "port": (lo if vb is None else ln)[lname]["port"],
                "fqdn": fqdn,
                "change": "added" if va is None else "removed" if vb is None else "changed",
                "tls_changed": tls_changed,
            }
            if va is not None and (tls_changed or vb is None):
                entry["old"] = _tls_side(va)
            if vb is not None and (tls_changed or va is None):
                entry["new"] = _tls_side(vb)
            entry["routes"] = routes
            vhosts.append(entry)
    so = {(s["namespace"], s["name"]): s for s in old["statuses"]}
    sn = {(s["namespace"], s["name"]): s for s in new["statuses"]}
    statuses = []
    for key in sorted(set(so) | set(sn), key=lambda k: (k[0].encode(), k[1].encode())):
        sa, sb = so.get(key), sn.get(key)
        if sa == sb:
            continue
        either = sb or sa
        assert either is not None
        entry = {
            "change": "added" if sa is None else "removed" if sb is None else "changed",
            "kind": either["kind"],
            "namespace": key[0],
            "name": key[1],
        }
        if sa is not None:
            entry["old"] = sa
        if sb is not None:
            entry["new"] = sb
        statuses.append(entry)
    return {
        "virtualhosts": vhosts,
        "statuses": statuses,
        "diagnostics": {
            "added": _only_in(new["diagnostics"], old["diagnostics"]),
            "resolved": _only_in(old["diagnostics"], new["diagnostics"]),
        },
    }


def _only_in(these: list[dict[str, Any]], others: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of ``these`` not matched by one of ``others`` (a multiset difference
    that keeps the order of ``these``)."""
    left = [json.dumps(d, sort_keys=True) for d in others]
    out = []
    for d in these:
        s = json.dumps(d, sort_keys=True)
        if s in left:
            left.remove(s)
        else:
            out.append(d)
    return out
