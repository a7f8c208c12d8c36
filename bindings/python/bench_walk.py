#!/usr/bin/env python3
"""Benchmark: the binding's full typed read of a route graph (``graph.walk()``: one bulk
export, decoded in Python) against ``json.loads`` of the same graph's JSON.

    python3 bench_walk.py [--objects 100000] [--runs 7] [--seed 1]

It generates a synthetic cluster as YAML text (team namespaces; root IngressRoutes that
delegate to children up to depth 4, within and across namespaces; ~15% Ingress;
Services, TLS Secrets and TLSCertificateDelegations; a few percent broken objects),
loads and resolves it, then times, interleaved, ``graph.walk()`` (listeners, statuses and
diagnostics as typed Python objects) and ``json.loads(graph.to_json())``, and prints the
medians and their ratio. The walk must stay within 5x of json.loads (the exit status says
whether it did).

Both sides allocate hundreds of thousands of objects, so CPython's cyclic GC matters:
json.loads is timed as users run it (GC enabled) and again with the GC disabled. The walk
always runs as users get it: it pauses the GC itself and pays one collection pass over
its new objects when it re-enables it (included in its time).

``generate_cluster()`` is also used by the test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field


@dataclass
class ClusterStats:
    """What generate_cluster() emitted, by kind (and how many broken objects)."""

    counts: dict[str, int] = field(default_factory=dict)
    broken: int = 0

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _service(ns: str, name: str, annotations: dict[str, str], ports: list[tuple[str, int]]) -> str:
    ann = ""
    if annotations:
        ann = "  annotations:\n" + "".join(f'    {k}: "{v}"\n' for k, v in annotations.items())
    p = "".join(f"  - name: {pn}\n    port: {pp}\n    targetPort: {pp}\n" for pn, pp in ports)
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n{ann}"
        f"spec:\n  selector:\n    app: {name}\n  ports:\n{p}"
    )


def _secret(ns: str, name: str, tls: bool = True) -> str:
    data = "  tls.crt: LS0tLS1CRUdJTg==\n  tls.key: LS0tLS1CRUdJTg==\n" if tls else "  other: eA==\n"
    kind_type = "kubernetes.io/tls" if tls else "Opaque"
    return (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"type: {kind_type}\ndata:\n{data}"
    )


def _svc_entry(name: str, port: int, rnd: random.Random, indent: str = "    ") -> str:
    s = f"{indent}- name: {name}\n{indent}  port: {port}\n"
    r = rnd.random()
    if r < 0.3:
        s += f"{indent}  weight: {rnd.randrange(0, 100)}\n"
    if r < 0.15:
        s += f"{indent}  strategy: {rnd.choice(['WeightedLeastRequest', 'Random', 'RoundRobin'])}\n"
    if 0.1 < r < 0.25:
        s += (
            f"{indent}  healthCheck:\n{indent}    path: /healthz\n"
            f"{indent}    intervalSeconds: {rnd.randrange(5, 30)}\n"
        )
        if r < 0.15:
            s += f"{indent}    host: hc.example.com\n{indent}    healthyThresholdCount: 4\n"
    return s


def _ingressroute(
    ns: str,
    name: str,
    routes: list[str],
    fqdn: str | None = None,
    tls: str | None = None,
    extra_spec: str = "",
) -> str:
    vh = ""
    if fqdn is not None:
        vh = f"  virtualhost:\n    fqdn: {fqdn}\n"
        if tls is not None:
            vh += f"    tls:\n      secretName: {tls}\n"
    return (
        f"apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        f"  name: {name}\n  namespace: {ns}\nspec:\n{vh}{extra_spec}  routes:\n" + "".join(routes)
    )


def _ingress(ns: str, name: str, host: str, svc: str, port: int, rnd: random.Random) -> str:
    ann = ""
    r = rnd.random()
    if r < 0.2:
        ann = '  annotations:\n    ingress.kubernetes.io/force-ssl-redirect: "true"\n'
    elif r < 0.3:
        ann = '  annotations:\n    contour.heptio.com/request-timeout: "5s"\n'
    tls = ""
    if r < 0.25:
        tls = f"  tls:\n  - hosts:\n    - {host}\n    secretName: {svc}-tls\n"
    if rnd.random() < 0.5:
        return (
            f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\n{ann}spec:\n{tls}  rules:\n  - host: {host}\n    http:\n"
            f"      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n"
            f"          service:\n            name: {svc}\n            port:\n"
            f"              number: {port}\n      - path: /exact\n        pathType: Exact\n"
            f"        backend:\n          service:\n            name: {svc}\n            port:\n"
            f"              name: http\n"
        )
    return (
        f"apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: {name}\n"
        f"  namespace: {ns}\n{ann}spec:\n{tls}  rules:\n  - host: {host}\n    http:\n"
        f"      paths:\n      - path: /legacy\n        backend:\n          serviceName: {svc}\n"
        f"          servicePort: {port}\n"
    )


def generate_cluster(n_objects: int = 100_000, seed: int = 1, teams: int | None = None) -> tuple[str, ClusterStats]:
    """A synthetic cluster of about ``n_objects`` objects as one multi-document YAML text.

    Deterministic for a given (n_objects, seed). Per application unit: a Service, a root
    IngressRoute delegating down a chain of children (depth 1-4, a third of the chains
    crossing into another team's namespace), a TLS Secret for a third of the roots (half
    of them held in a shared ``certs`` namespace and delegated with a
    TLSCertificateDelegation), Ingresses up to ~15% of all objects, and ~3% of units
    with a fault (bad port, negative weight, a delegation cycle, a missing service or
    delegate, a prefix outside the parent's, a duplicate fqdn, an orphan, an unknown
    field, a malformed document).
    """
    rnd = random.Random(seed)
    stats = ClusterStats()
    teams = teams or max(2, n_objects // 400)
    docs: list[str] = []
    unit = 0
    cert_delegations: dict[str, list[str]] = {}
    while stats.total < n_objects:
        t = unit % teams
        ns = f"team-{t}"
        app = f"app-{unit}"
        svc = f"{app}-svc"
        fqdn = f"{app}.team-{t}.example.com"
        fault = rnd.random() < 0.03
        fault_kind = rnd.randrange(10) if fault else -1
        if fault:
            stats.broken += 1

        # Service: two ports; a few carry circuit-breaker / protocol annotations.
        ann: dict[str, str] = {}
        if unit % 7 == 0:
            ann["contour.heptio.com/max-connections"] = str(100 + unit % 50)
            ann["contour.heptio.com/max-retries"] = "3"
        if unit % 11 == 0:
            ann["contour.heptio.com/upstream-protocol.h2c"] = "grpc"
        if fault_kind != 3:  # fault 3: the service is missing
            docs.append(_service(ns, svc, ann, [("http", 80), ("grpc", 9000)]))
            stats.add("Service")

        # TLS for a third of the roots.
        tls = None
        if unit % 3 == 0:
            if unit % 2 == 0:
                docs.append(_secret(ns, f"{app}-tls"))
                tls = f"{app}-tls"
            else:
                docs.append(_secret("certs", f"{app}-tls"))
                cert_delegations.setdefault(ns, []).append(f"{app}-tls")
                tls = f"certs/{app}-tls"
            stats.add("Secret")

        depth = 1 + unit % 4
        child_ns = ns if unit % 3 else f"team-{(t + 1) % teams}"
        port = 80 if fault_kind != 0 else 70000  # fault 0: bad port
        root_routes = [f"  - match: /\n    services:\n{_svc_entry(svc, port, rnd)}"]
        if unit % 5 == 0:
            root_routes.append(
                f"  - match: /ws\n    enableWebsockets: true\n    permitInsecure: true\n"
                f"    timeoutPolicy:\n      request: {rnd.choice(['10s', 'infinity', '1m30s'])}\n"
                f"    retryPolicy:\n      count: 3\n      perTryTimeout: 150ms\n"
                f"    services:\n{_svc_entry(svc, 9000, rnd)}"
            )
        if depth > 1:
            root_routes.append(
                f"  - match: /api\n    delegate:\n      name: {app}-c1\n"
                f"      namespace: {child_ns}\n"
            )
        root_fqdn = fqdn if fault_kind != 6 else f"app-{max(0, unit - 1)}.team-{(unit - 1) % teams}.example.com"
        extra = ""
        if fault_kind == 8:  # unknown field (a warning; the object still loads)
            extra = "  strategy: Random\n"
        docs.append(_ingressroute(ns, app, root_routes, fqdn=root_fqdn, tls=tls, extra_spec=extra))
        stats.add("IngressRoute")

        prefix = "/api"
        for level in range(1, depth):
            name = f"{app}-c{level}"
            weight = -5 if (fault_kind == 1 and level == depth - 1) else 10
            routes = [
                f"  - match: {prefix}\n    services:\n    - name: {svc}\n      port: 80\n"
                f"      weight: {weight}\n"
            ]
            if fault_kind == 5 and level == 1:  # prefix outside the parent's
                routes.append(f"  - match: /elsewhere\n    services:\n    - name: {svc}\n      port: 80\n")
            if level + 1 < depth:
                nxt = f"{prefix}/c{level + 1}"
                routes.append(
                    f"  - match: {nxt}\n    delegate:\n      name: {app}-c{level + 1}\n"
                    f"      namespace: {child_ns}\n"
                )
                prefix = nxt
            elif fault_kind == 2:  # a cycle back to the first child
                routes.append(
                    f"  - match: {prefix}/loop\n    delegate:\n      name: {app}-c1\n"
                    f"      namespace: {child_ns}\n"
                )
            elif fault_kind == 4:  # a delegate to a missing IngressRoute
                routes.append(f"  - match: {prefix}/gone\n    delegate:\n      name: {app}-missing\n")
            docs.append(_ingressroute(child_ns, name, routes))
            stats.add("IngressRoute")

        if fault_kind == 7:  # an orphan
            docs.append(
                _ingressroute(ns, f"{app}-orphan", [f"  - match: /\n    services:\n    - name: {svc}\n      port: 80\n"])
            )
            stats.add("IngressRoute")
        if fault_kind == 9:  # a malformed document (skipped with an error)
            docs.append(
                f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}-bad\n  namespace: {ns}\n"
                f"spec:\n  ports: [unclosed\n"
            )
            stats.add("broken-document")

        # Ingress: keep them at ~15% of all objects.
        while stats.counts.get("Ingress", 0) < 0.15 * stats.total:
            i = stats.counts.get("Ingress", 0)
            docs.append(
                _ingress(ns, f"{app}-ing{i}", f"ing-{i}.team-{t}.example.com", svc, 80, rnd)
            )
            if rnd.random() < 0.25:
                docs.append(_secret(ns, f"{svc}-tls"))
                stats.add("Secret")
            stats.add("Ingress")
        unit += 1

    for target_ns, secrets in sorted(cert_delegations.items()):
        body = "".join(
            f"  - secretName: {s}\n    targetNamespaces:\n    - {target_ns}\n" for s in secrets
        )
        docs.append(
            f"apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
            f"metadata:\n  name: delegate-{target_ns}\n  namespace: certs\nspec:\n"
            f"  delegations:\n{body}"
        )
        stats.add("TLSCertificateDelegation")
    return "---\n".join(docs), stats


def _load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=5.0, help="fail when the ratio exceeds this")
    ap.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time the runs by the wall clock (default) or by this process's CPU time, "
        "which other programs on a busy machine disturb less",
    )
    args = ap.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    import contour

    t0 = time.perf_counter()
    text, stats = generate_cluster(args.objects, args.seed)
    t1 = time.perf_counter()
    with contour.Snapshot.from_text(text, name="cluster.yaml") as snap:
        t2 = time.perf_counter()
        graph = snap.resolve()
    t3 = time.perf_counter()
    with graph:
        js = graph.to_json()
        t4 = time.perf_counter()
        print(f"libcontour {contour.library_version()} from {contour.library_path()}")
        print(
            f"cluster: {stats.total} objects {dict(sorted(stats.counts.items()))}, "
            f"{stats.broken} faulty units, {len(text) / 1e6:.1f} MB YAML"
        )
        print(
            f"generate {t1 - t0:.2f}s, load {t2 - t1:.2f}s, resolve {t3 - t2:.2f}s, "
            f"to_json {t4 - t3:.2f}s ({len(js) / 1e6:.1f} MB JSON)"
        )
        model = graph.walk()
        routes = sum(len(v.routes) for l in model.listeners for v in l.virtual_hosts)
        vhosts = sum(len(l.virtual_hosts) for l in model.listeners)
        print(
            f"graph: {vhosts} vhosts, {routes} routes, {len(model.statuses)} statuses, "
            f"{len(model.diagnostics)} diagnostics"
        )
        del model
        walk_times: list[float] = []
        json_times: list[float] = []
        json_nogc_times: list[float] = []
        gc.collect()
        for _ in range(args.runs):
            # Interleaved, so that drift in machine load hits every side alike; results
            # are dropped outside the timed regions.
            t = clock()
            result: object = graph.walk()
            walk_times.append(clock() - t)
            del result
            t = clock()
            result = json.loads(js)
            json_times.append(clock() - t)
            del result
            gc.disable()
            try:
                t = clock()
                result = json.loads(js)
                json_nogc_times.append(clock() - t)
                del result
            finally:
                gc.enable()
    walk = statistics.median(walk_times)
    jl = statistics.median(json_times)
    jl_nogc = statistics.median(json_nogc_times)
    ratio = walk / jl
    print(f"walk                    median {walk * 1e3:8.1f} ms  runs {[round(x * 1e3) for x in walk_times]}")
    print(f"json.loads              median {jl * 1e3:8.1f} ms  runs {[round(x * 1e3) for x in json_times]}")
    print(f"json.loads, gc disabled median {jl_nogc * 1e3:8.1f} ms  runs {[round(x * 1e3) for x in json_nogc_times]}")
    print(f"ratio walk/json.loads = {ratio:.2f} (limit {args.limit}); "
          f"walk/json.loads-without-gc = {walk / jl_nogc:.2f}")
    print(
        f"{args.clock} clock; load average {_load_average()}; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}"
    )
    return 0 if ratio <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
