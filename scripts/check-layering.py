#!/usr/bin/env python3
"""Checks that lib/ is layered: no cycles between its files, no call that goes up a layer.

usage: check-layering.py [--allow FILE] [--edges] INPUT...

INPUT is the library as built: a static library (nm reads its members), object files, or a
directory (a meson build directory: the objects under its lib/; any other directory: the
objects under it). From nm's defined and undefined global symbols it builds the graph
between lib/*.c files: file A references a symbol (a cx_* or contour_* function, or data)
that file B defines, an edge A -> B.

It fails when
  * the graph has a cycle (a strongly connected component of more than one file) that is
    not listed in the allow file (default: scripts/layering-allow.txt). Each cycle is
    printed as a path of files, with the symbols that make each edge. A listed cycle is
    a warning; a cycle that uses an edge no listed cycle uses is new, and fails;
  * an edge goes up the declared order of layers (LAYERS below): a file may use files of
    its own layer and of the layers before it, never of a later one;
  * a file is in no layer (add its name, or a pattern that matches it, to LAYERS).

The allow file has one cycle a line, `a.c -> b.c -> a.c`; `#` starts a comment. Cycles
that no longer exist are reported so that the list can shrink; it is meant to be empty.
--edges also prints the whole graph. Exit 0: layered (known cycles aside); 1: not; 2: usage
or tool error. Python 3 standard library and binutils' nm only.
"""
import argparse
import collections
import fnmatch
import os
import re
import subprocess
import sys

# The layers, lowest first: a file may use its own layer and the ones above it in this
# list. Patterns are fnmatch patterns on the file name.
LAYERS = [
    ("infrastructure", ["alloc.c", "arena.c", "vec.c", "hash.c", "map.c", "strbuf.c",
                        "utf8.c", "escape.c", "diag.c", "ptree.c", "common.c", "config.c", "par.c"]),
    ("document trees", ["tree.c", "yaml_load.c", "json_load.c"]),
    ("model", ["model*.c", "object.c", "keys.c"]),
    ("conversion", ["scalar.c", "convert*.c"]),
    ("snapshot and loading", ["snapshot*.c", "load*.c", "stage.c"]),
    ("graph model", ["graph*.c"]),
    ("resolution", ["annotations.c", "resolve*.c"]),
    ("writers", ["filter.c", "write_*.c", "buffer.c", "export*.c", "diff*.c"]),
    ("admission", ["whatif.c", "review.c", "policy.c", "admission*.c"]),
]

DEFAULT_ALLOW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layering-allow.txt")

# nm -P: "file: name type value size", or "archive[member]: name type ..."
NM_LINE = re.compile(r"^(?P<file>.*?)(?:\[(?P<member>[^\]]*)\])?: (?P<name>\S+) (?P<type>\S)")


def source_name(path):
    """lib/libcontour.so.1.1.0.p/load.c.o (meson), load.o (make) -> load.c"""
    base = os.path.basename(path)
    if base.endswith(".o"):
        base = base[:-2]
    return base if base.endswith(".c") else base + ".c"


def object_files(inputs):
    files = []
    for path in inputs:
        if os.path.isdir(path):
            if os.path.isdir(os.path.join(path, "meson-info")):
                path = os.path.join(path, "lib")
            found = []
            for root, dirs, names in os.walk(path):
                dirs.sort()
                found += [os.path.join(root, n) for n in sorted(names) if n.endswith(".o")]
            if not found:
                sys.exit("check-layering: no object files under %s (build it first)" % path)
            files += found
        elif os.path.exists(path):
            files.append(path)
        else:
            sys.exit("check-layering: %s does not exist (build the library first)" % path)
    return files


def read_symbols(files):
    """{file: set of symbols it references}, {symbol: file that defines it}"""
    try:
        out = subprocess.run(["nm", "-A", "-P"] + files, check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("check-layering: nm failed: %s" % e)
    refs, defs = collections.defaultdict(set), {}
    for line in out.splitlines():
        m = NM_LINE.match(line)
        if not m:
            continue
        src = source_name(m.group("member") or m.group("file"))
        refs.setdefault(src, set())
        kind = m.group("type")
        if kind == "U":
            refs[src].add(m.group("name"))
        elif kind.isupper():  # a global definition (T, D, R, B, C, W, V, ...)
            defs[m.group("name")] = src
    return refs, defs


def build_graph(refs, defs):
    """{a: {b: sorted symbols a uses from b}}"""
    graph = {f: {} for f in refs}
    for f, names in refs.items():
        for name in names:
            target = defs.get(name)
            if target is not None and target != f:
                graph[f].setdefault(target, []).append(name)
    for f in graph:
        for t in graph[f]:
            graph[f][t].sort()
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm without recursion; components of more than one file, sorted."""
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))
    return sorted(comps)


def shortest_path(graph, start, goal, allowed):
    prev, queue, seen = {}, collections.deque([start]), {start}
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [goal]
            while path[-1] != start:
                path.append(prev[path[-1]])
            return path[::-1]
        for nxt in sorted(graph[node]):
            if nxt in allowed and nxt not in seen:
                seen.add(nxt)
                prev[nxt] = node
                queue.append(nxt)
    return None


def canonical(cycle):
    """A cycle [a, b, c] (a -> b -> c -> a) rotated to start at its smallest file."""
    i = cycle.index(min(cycle))
    return tuple(cycle[i:] + cycle[:i])


def cycles_covering(graph, comp):
    """Cycles, each the shortest through one of its edges, that use every edge of comp."""
    members, covered, cycles = set(comp), set(), []
    for a in comp:
        for b in sorted(graph[a]):
            if b not in members or (a, b) in covered:
                continue
            cycle = canonical([a] + shortest_path(graph, b, a, members)[:-1])
            if cycle not in cycles:
                cycles.append(cycle)
            covered |= set(cycle_edges(cycle))
    return sorted(cycles)


def cycle_edges(cycle):
    return [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]


def show_cycle(cycle):
    return " -> ".join(list(cycle) + [cycle[0]])


def read_allow(path):
    """Listed cycles, each canonical."""
    cycles = []
    if not path or not os.path.exists(path):
        return cycles
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            files = [p.strip() for p in line.split("->")]
            if len(files) < 3 or files[0] != files[-1] or not all(files):
                sys.exit("check-layering: %s:%d: not a cycle `a.c -> b.c -> a.c`" % (path, n))
            cycles.append(canonical(files[:-1]))
    return cycles


def layer_of(name):
    for rank, (layer, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(name, p) for p in patterns):
            return rank, layer
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="INPUT")
    ap.add_argument("--allow", default=DEFAULT_ALLOW,
                    help="known cycles (default: scripts/layering-allow.txt); '' for none")
    ap.add_argument("--edges", action="store_true", help="print every edge too")
    args = ap.parse_args()

    graph = build_graph(*read_symbols(object_files(args.inputs)))
    nedges = sum(len(t) for t in graph.values())
    print("layering: %d files, %d edges" % (len(graph), nedges))
    if args.edges:
        for a in sorted(graph):
            for b in sorted(graph[a]):
                print("  %s -> %s: %s" % (a, b, ", ".join(graph[a][b])))
    failed = False

    allowed = read_allow(args.allow)
    known_edges = {e for c in allowed for e in cycle_edges(c)}
    cyclic_edges, known = set(), 0
    for comp in strongly_connected(graph):
        for cycle in cycles_covering(graph, comp):
            edges = cycle_edges(cycle)
            cyclic_edges |= set(edges)
            new = [e for e in edges if e not in known_edges]
            failed |= bool(new)
            known += not new
            print("%s: cycle %s%s" % ("error" if new else "warning", show_cycle(cycle),
                                      "" if new else " (known: %s)" % os.path.basename(args.allow)))
            for a, b in edges:
                print("    %s -> %s%s: %s" % (a, b, "  [new]" if (a, b) in new else "",
                                              ", ".join(graph[a][b])))
    for cycle in allowed:
        if not set(cycle_edges(cycle)) <= cyclic_edges:
            print("note: %s is no longer a cycle: remove it from %s" % (show_cycle(cycle),
                                                                       args.allow))

    for name in sorted(graph):
        rank, _ = layer_of(name)
        if rank is None:
            failed = True
            print("error: %s is in no layer: add it to LAYERS in %s" % (name, __file__))
    for a in sorted(graph):
        ra, la = layer_of(a)
        for b in sorted(graph[a]):
            rb, lb = layer_of(b)
            if ra is not None and rb is not None and rb > ra:
                failed = True
                print("error: %s (%s) uses %s (%s), a later layer: %s" %
                      (a, la, b, lb, ", ".join(graph[a][b])))

    print("layering: %s%s" % ("FAILED" if failed else "ok",
                              ", %d known cycles left" % known if known else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
