"""What the diff of two graphs is, computed from their JSON (docs/route-graph.md): the
oracle the library's contour_diff_graphs() is checked against."""

from __future__ import annotations

import json
from typing import Any

import contour


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
