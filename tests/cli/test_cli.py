#!/usr/bin/env python3
"""End-to-end tests of contourc (docs/cli.md).

Run by meson as `python3 test_cli.py <path-to-contourc>`, with CONTOUR_SOURCE_ROOT and
CONTOUR_SHARED_ROOT in the environment. Plain Python 3: no pytest needed. Fixtures are in
tests/cli/fixtures; the Contour examples come from $CONTOUR_SHARED_ROOT/examples.
When Graphviz's `dot` is installed, DOT output is checked with `dot -Tsvg`; when valgrind
is installed (and contourc is not built with a sanitizer), a few runs are checked for
leaks and memory errors. With CONTOUR_CLI_WRAPPER set (e.g. to a valgrind command line
whose --error-exitcode is 99, as .ci/run does), every run of contourc goes through it.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SOURCE_ROOT = os.environ.get("CONTOUR_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
SHARED_ROOT = os.environ.get("CONTOUR_SHARED_ROOT", os.path.join(SOURCE_ROOT, "..", "shared"))
EXAMPLES = os.path.join(SHARED_ROOT, "examples", "contour-v0.10")

CONTOURC = None  # set in main()
WRAPPER = shlex.split(os.environ.get("CONTOUR_CLI_WRAPPER", ""))

# file[:line[:col]]: severity: message [ns/name]
REPORT_LINE = re.compile(
    r"^(?P<loc>[^:\n]+(?::\d+(?::\d+)?)?): "
    r"(?P<kind>error|warning|info|invalid|orphaned): (?P<msg>.*?)(?: \[(?P<obj>[^\]]+)\])?$"
)
SUMMARY = re.compile(
    r"^(\d+) objects?, (\d+) invalid, (\d+) orphaned, (\d+) errors?, (\d+) warnings?$"
)


class Skip(Exception):
    pass


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8")
        self.err = proc.stderr.decode("utf-8")

    def __repr__(self):
        return "exit %d\n--- stdout\n%s--- stderr\n%s" % (self.code, self.out, self.err)


def run(*args, stdin=None, prefix=()):
    proc = subprocess.run(
        list(prefix or WRAPPER) + [CONTOURC] + list(args),
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=600 if WRAPPER else 120,
    )
    return Result(proc)


def fx(*parts):
    return os.path.join(FIXTURES, *parts)


def expect(cond, what, result=None):
    if not cond:
        raise AssertionError(what + ("\n" + repr(result) if result is not None else ""))


def expect_code(result, code):
    expect(result.code == code, "expected exit %d" % code, result)


def summary(result):
    """The summary line of `check` (last line of stderr) as a tuple of ints."""
    lines = result.err.strip().splitlines()
    expect(lines, "no summary on stderr", result)
    m = SUMMARY.match(lines[-1])
    expect(m is not None, "bad summary line %r" % lines[-1], result)
    return tuple(int(g) for g in m.groups())


def report_lines(result):
    lines = result.out.splitlines()
    for line in lines:
        expect(REPORT_LINE.match(line) is not None, "not a report line: %r" % line, result)
    return lines


def graph_json(*args, stdin=None):
    r = run("graph", "--format", "json", *args, stdin=stdin)
    expect_code(r, 0)
    try:
        return json.loads(r.out)
    except ValueError as e:
        raise AssertionError("graph --format json is not JSON: %s\n%s" % (e, r.out))


def status_of(graph, ns, name):
    for s in graph["statuses"]:
        if s["namespace"] == ns and s["name"] == name:
            return s
    return None


def listener(graph, name):
    for li in graph["listeners"]:
        if li["name"] == name:
            return li
    return None


# ---------------------------------------------------------------------------------------
# usage


def test_usage_errors():
    cases = [
        [],
        ["frobnicate", fx("valid")],
        ["check"],
        ["graph"],
        ["check", "--bogus", fx("valid")],
        ["check", "-x", fx("valid")],
        ["graph", "--format", "xml", fx("valid")],
        ["graph", "--format"],
        ["check", "--format", "json", fx("valid")],
        ["check", "--http-port", "0", fx("valid")],
        ["check", "--http-port", "65536", fx("valid")],
        ["check", "--http-port", "eighty", fx("valid")],
        ["check", "--http-port", "-1", fx("valid")],
        ["check", "--https-port=", fx("valid")],
        ["check", "--http-port", "8080", "--https-port", "8080", fx("valid")],
        ["check", "--default-namespace", "", fx("valid")],
        ["check", "-", "-"],
    ]
    for args in cases:
        r = run(*args, stdin="")
        expect_code(r, 2)
        expect("usage: contourc" in r.err, "no usage for %r" % (args,), r)
        expect(r.out == "", "usage error printed to stdout for %r" % (args,), r)


def test_help_and_version():
    r = run("--help")
    expect_code(r, 0)
    expect(r.out.startswith("usage: contourc check"), "help text", r)
    for opt in ("--root-namespaces", "--ingress-class", "--http-port", "--https-port",
                "--default-namespace", "--format"):
        expect(opt in r.out, "help mentions %s" % opt, r)
    expect_code(run("check", "-h"), 0)
    expect_code(run("graph", "--help"), 0)

    r = run("--version")
    expect_code(r, 0)
    expect(re.match(r"^contourc \d+\.\d+\.\d+\n$", r.out) is not None, "version line", r)
    meson_build = os.path.join(SOURCE_ROOT, "meson.build")
    if os.path.exists(meson_build):
        with open(meson_build) as f:
            m = re.search(r"version\s*:\s*'([^']+)'", f.read())
        expect(m and r.out.strip() == "contourc " + m.group(1), "version matches meson.build", r)


# ---------------------------------------------------------------------------------------
# check: exit codes and the report


def test_check_valid_directory():
    r = run("check", fx("valid"))
    expect_code(r, 0)
    expect(r.out == "", "a valid directory has nothing to report", r)
    expect(summary(r) == (2, 0, 0, 0, 0), "summary", r)


def test_check_invalid():
    r = run("check", fx("valid"), fx("invalid.yaml"))
    expect_code(r, 1)
    lines = report_lines(r)
    want = re.compile(
        "^" + re.escape(fx("invalid.yaml")) + r":\d+:\d+: invalid: "
        + re.escape('route "/": cannot specify services and delegate in the same route')
        + r" \[default/bad-root\]$"
    )
    expect(any(want.match(line) for line in lines), "invalid line", r)
    objects, invalid, orphaned, errors, _ = summary(r)
    expect((objects, invalid, orphaned, errors) == (3, 1, 0, 0), "summary", r)


def test_check_orphaned():
    r = run("check", fx("valid"), fx("orphaned.yaml"))
    expect_code(r, 1)
    lines = report_lines(r)
    want = (": orphaned: this IngressRoute is not part of a delegation chain from a root "
            "IngressRoute [default/lonely]")
    expect(any(line.startswith(fx("orphaned.yaml") + ":") and line.endswith(want)
               for line in lines), "orphaned line", r)
    expect(summary(r)[:3] == (3, 0, 1), "summary", r)


def test_check_syntax_error():
    r = run("check", fx("valid"), fx("syntax-error.yaml"))
    expect_code(r, 1)
    lines = report_lines(r)
    expect(any(line.startswith(fx("syntax-error.yaml") + ":") and ": error: " in line
               for line in lines), "error line", r)
    expect(summary(r)[3] >= 1, "errors counted", r)


def test_check_report_order():
    """Diagnostics first (graph order), then the statuses that are not valid."""
    r = run("check", fx("invalid.yaml"), fx("orphaned.yaml"), fx("syntax-error.yaml"))
    expect_code(r, 1)
    kinds = [REPORT_LINE.match(line).group("kind") for line in report_lines(r)]
    statuses = [k for k in kinds if k in ("invalid", "orphaned")]
    expect(statuses == ["invalid", "orphaned"], "status lines by namespace/name", r)
    first_status = kinds.index("invalid")
    expect(all(k in ("invalid", "orphaned") for k in kinds[first_status:]),
           "statuses after diagnostics", r)


def test_check_stdin():
    with open(fx("valid", "root.yaml")) as f:
        root = f.read()
    with open(fx("valid", "00-services.yaml")) as f:
        services = f.read()
    r = run("check", "-", fx("valid", "blog.json"), stdin=services + "---\n" + root)
    expect_code(r, 0)
    expect(summary(r)[:3] == (2, 0, 0), "summary", r)

    with open(fx("invalid.yaml")) as f:
        r = run("check", "-", stdin=f.read())
    expect_code(r, 1)
    expect(any(line.startswith("<stdin>:") and ": invalid: " in line
               for line in report_lines(r)), "status from <stdin>", r)

    r = run("check", "-", stdin="")
    expect_code(r, 0)
    expect(summary(r) == (0, 0, 0, 0, 0), "empty input", r)


def test_check_unreadable():
    missing = fx("does-not-exist.yaml")
    r = run("check", missing)
    expect_code(r, 2)
    expect(any(line.startswith(missing) and ": error: " in line for line in r.out.splitlines()),
           "the io error is reported", r)

    # What can be read is still checked and reported; the exit code is 2 regardless.
    r = run("check", fx("orphaned.yaml"), missing)
    expect_code(r, 2)
    expect(": orphaned: " in r.out, "the readable file is reported", r)

    r = run("graph", fx("valid"), missing)
    expect_code(r, 2)
    expect(r.out == "", "no partial graph", r)
    expect(missing in r.err, "graph names the unreadable path", r)

    if os.geteuid() != 0:  # root reads anything
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "secret.yaml")
            with open(p, "w") as f:
                f.write("kind: Service\n")
            os.chmod(p, 0)
            expect_code(run("check", p), 2)


def test_ci_secrets_never_printed():
    """A checkout with links to the runner's secrets: `check DIR` reads none of them (a
    link-outside warning each), and no file that is not a manifest is ever quoted, read
    through a link or named directly."""
    secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "tree"))
        env = os.path.join(d, "ci.env")
        with open(env, "w") as f:
            f.write("AWS_SECRET_ACCESS_KEY=%s\n" % secret)
        with open(os.path.join(d, "ci.json"), "w") as f:
            f.write('{"AWS_SECRET_ACCESS_KEY": %s}\n' % secret)
        with open(os.path.join(d, "tree", "svc.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
        os.symlink("../ci.env", os.path.join(d, "tree", "ci.yaml"))
        os.symlink("../ci.json", os.path.join(d, "tree", "ci.json"))
        os.symlink("/proc/self/environ", os.path.join(d, "tree", "environ.yaml"))
        os.symlink("..", os.path.join(d, "tree", "up"))
        tree = os.path.join(d, "tree")
        r = run("check", tree)
        expect_code(r, 0)
        expect(r.out.count("outside the directory") == 4, "one warning per link", r)
        for args in (("check", tree), ("graph", tree), ("check", os.path.join(tree, "ci.yaml")),
                     ("check", os.path.join(tree, "ci.json")), ("check", env)):
            r = run(*args)
            for text in (r.out, r.err):
                expect(secret[:5] not in text and "AWS_" not in text,
                       "%s quotes the secret" % " ".join(args), r)


def test_info_does_not_fail():
    """An IngressRoute of another class is ignored with an info diagnostic: exit 0."""
    r = run("check", fx("valid"), fx("class.yaml"))
    expect_code(r, 0)
    expect(summary(r)[0] == 2, "the other class has no status", r)
    for line in report_lines(r):
        expect(REPORT_LINE.match(line).group("kind") == "info", "only info lines", r)


def test_hostile_names_are_escaped():
    doc = (
        "apiVersion: contour.heptio.com/v1beta1\n"
        "kind: IngressRoute\n"
        "metadata:\n"
        '  name: "evil\\e[31m\\nname\\u202e"\n'
        "  namespace: default\n"
        "spec:\n"
        "  routes:\n"
        "    - match: /x\n"
        "      services:\n"
        "        - name: web\n"
        "          port: 80\n"
    )
    r = run("check", "-", stdin=doc)
    expect_code(r, 1)
    expect("\x1b" not in r.out and "\u202e" not in r.out, "no raw control characters", r)
    expect(len(r.out.splitlines()) == len(r.out.split("\n")) - 1, "no forged lines", r)
    for fmt in ("text", "dot"):
        g = run("graph", "--format", fmt, "-", stdin=doc)
        expect_code(g, 0)
        expect("\x1b" not in g.out and "\u202e" not in g.out,
               "no raw control characters in %s" % fmt, g)


# ---------------------------------------------------------------------------------------
# options


def test_option_root_namespaces():
    expect_code(run("check", "--root-namespaces", "default", fx("valid")), 0)
    expect_code(run("check", "--root-namespaces=kube-system,default", fx("valid")), 0)
    r = run("check", "--root-namespaces", "kube-system,other", fx("valid"))
    expect_code(r, 1)
    expect(any(line.endswith(": invalid: root IngressRoute cannot be defined in this namespace "
                             "[default/root]") for line in report_lines(r)), "root rejected", r)


def test_option_ingress_class():
    g = graph_json(fx("valid"), fx("class.yaml"))
    expect(status_of(g, "default", "other-class") is None, "ignored by default")
    g = graph_json("--ingress-class", "other", fx("valid"), fx("class.yaml"))
    s = status_of(g, "default", "other-class")
    expect(s is not None and s["status"] == "valid", "served with --ingress-class other")
    expect(status_of(g, "default", "root") is not None, "unannotated objects still served")


def test_option_ports():
    g = graph_json(fx("valid"), fx("tls.yaml"))
    expect(listener(g, "ingress_http")["port"] == 80, "default http port")
    expect(listener(g, "ingress_https")["port"] == 443, "default https port")
    g = graph_json("--http-port", "8080", "--https-port=8443", fx("valid"), fx("tls.yaml"))
    expect(listener(g, "ingress_http")["port"] == 8080, "--http-port")
    expect(listener(g, "ingress_https")["port"] == 8443, "--https-port")


def test_option_default_namespace():
    g = graph_json(fx("valid"), fx("no-namespace.yaml"))
    expect(status_of(g, "default", "homeless") is not None, "default namespace")
    g = graph_json("--default-namespace", "team", fx("valid"), fx("no-namespace.yaml"))
    expect(status_of(g, "team", "homeless") is not None, "--default-namespace team")
    expect(status_of(g, "default", "root") is not None, "explicit namespaces kept")


def test_options_after_paths_and_double_dash():
    r = run("check", fx("valid"), "--http-port", "8080")
    expect_code(r, 0)
    r = run("check", "--", fx("valid"))
    expect_code(r, 0)


# ---------------------------------------------------------------------------------------
# graph


def test_graph_json():
    g = graph_json(fx("valid"))
    expect(sorted(g.keys()) >= ["diagnostics", "listeners", "statuses"], "top-level keys")
    http = listener(g, "ingress_http")
    expect(http is not None and [v["fqdn"] for v in http["virtualhosts"]] == ["example.com"],
           "vhost example.com")
    expect([(s["namespace"], s["name"], s["status"]) for s in g["statuses"]]
           == [("default", "root", "valid"), ("marketing", "blog", "valid")], "statuses")
    # json is the default; --format=json is the same as --format json.
    a = run("graph", fx("valid"))
    b = run("graph", "--format=json", fx("valid"))
    c = run("graph", "--format", "json", fx("valid"))
    expect(a.out == b.out == c.out, "same JSON three ways")


def test_graph_does_not_fail_on_invalid():
    r = run("graph", fx("invalid.yaml"), fx("orphaned.yaml"), fx("syntax-error.yaml"))
    expect_code(r, 0)
    json.loads(r.out)


def test_graph_text_and_dot():
    for fmt in ("text", "dot"):
        a = run("graph", "--format", fmt, fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml"))
        expect_code(a, 0)
        expect(a.out.strip() != "", "%s output" % fmt, a)
        b = run("graph", "--format=" + fmt, fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml"))
        expect(a.out == b.out, "%s deterministic" % fmt)
        # Input order does not matter.
        c = run("graph", "--format", fmt, fx("orphaned.yaml"), fx("invalid.yaml"), fx("valid"))
        expect(a.out == c.out, "%s independent of input order" % fmt)
    t = run("graph", "--format", "text", fx("valid"))
    expect("listener ingress_http port 80\n  vhost example.com\n" in t.out, "text listing", t)
    expect("  marketing/blog: valid: valid IngressRoute [example.com]\n" in t.out, "status", t)
    d = run("graph", "--format", "dot", fx("valid"), fx("invalid.yaml"))
    expect(d.out.startswith("digraph contour {"), "digraph", d)
    expect('"vhost/example.com" -> "ir/default/root";' in d.out, "root edge", d)
    expect('"ir/default/root" -> "ir/marketing/blog" [label="/blog"];' in d.out, "delegation", d)
    check_dot(d.out)


def check_dot(text):
    if shutil.which("dot") is None:
        return
    p = subprocess.run(["dot", "-Tsvg"], input=text.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    expect(p.returncode == 0, "dot -Tsvg rejected the output: %s\n%s"
           % (p.stderr.decode("utf-8", "replace"), text))


# ---------------------------------------------------------------------------------------
# the Contour examples


def test_examples():
    if not os.path.isdir(EXAMPLES):
        raise Skip("no examples at %s" % EXAMPLES)
    r = run("check", EXAMPLES)
    expect(r.code in (0, 1), "check exits 0 or 1 on the examples", r)
    lines = report_lines(r)
    kinds = [REPORT_LINE.match(line).group("kind") for line in lines]
    expect("error" not in kinds, "no error diagnostics", r)
    expect("warning" in kinds, "warnings", r)
    objects, _, _, errors, warnings = summary(r)
    expect(objects > 0 and errors == 0 and warnings > 0, "summary", r)

    g = graph_json(EXAMPLES)
    expect(g["listeners"], "the examples have listeners")
    for fmt in ("text", "dot"):
        a = run("graph", "--format", fmt, EXAMPLES)
        expect_code(a, 0)
        expect(a.out.strip() != "", "%s output" % fmt, a)
        expect(run("graph", "--format", fmt, EXAMPLES).out == a.out, "%s deterministic" % fmt)
        if fmt == "dot":
            check_dot(a.out)


# ---------------------------------------------------------------------------------------
# memory


def sanitized():
    with open(CONTOURC, "rb") as f:
        data = f.read()
    if b"__asan_init" in data or b"__ubsan_handle" in data:
        return True
    try:
        ldd = subprocess.run(["ldd", CONTOURC], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return b"libasan" in ldd.stdout or b"libubsan" in ldd.stdout
    except OSError:
        return False


def test_valgrind():
    if WRAPPER:
        raise Skip("every run goes through CONTOUR_CLI_WRAPPER")
    if shutil.which("valgrind") is None:
        raise Skip("valgrind not installed")
    if sanitized():
        raise Skip("contourc is built with a sanitizer")
    vg = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
          "--show-leak-kinds=definite,indirect,possible", "--errors-for-leak-kinds=all"]
    runs = [
        (["check", fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml")], None, 1),
        (["graph", "--format", "text", fx("valid"), fx("tls.yaml")], None, 0),
        (["graph", "--format", "dot", fx("valid"), fx("invalid.yaml")], None, 0),
        (["graph", fx("valid")], None, 0),
        (["check", "-"], "kind: [", 1),
        (["check", fx("valid"), fx("does-not-exist.yaml")], None, 2),
        (["graph", fx("does-not-exist.yaml")], None, 2),
        (["check", "--http-port", "x", fx("valid")], None, 2),
        (["--version"], None, 0),
    ]
    for args, stdin, code in runs:
        r = run(*args, stdin=stdin, prefix=vg)
        expect(r.code == code, "valgrind: %r (99 = memory error or leak)" % (args,), r)


# ---------------------------------------------------------------------------------------


def main():
    global CONTOURC
    if len(sys.argv) != 2:
        print("usage: test_cli.py PATH-TO-CONTOURC", file=sys.stderr)
        return 2
    CONTOURC = os.path.abspath(sys.argv[1])
    only = os.environ.get("CONTOUR_CLI_TEST")
    tests = [(n, f) for n, f in sorted(globals().items())
             if n.startswith("test_") and callable(f) and (not only or only in n)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print("PASS", name)
        except Skip as e:
            print("SKIP", name, "-", e)
        except Exception:
            failed += 1
            print("FAIL", name)
            traceback.print_exc(file=sys.stdout)
    print("%d tests, %d failed" % (len(tests), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
