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
    r"^(\d+) objects?, (\d+) invalid, (\d+) orphaned, (\d+) errors?, (\d+) warnings?"
    r"(?:, (\d+) skipped)?$"
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


def run(*args, stdin=None, prefix=(), cwd=None):
    proc = subprocess.run(
        list(prefix or WRAPPER) + [CONTOURC] + list(args),
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=600 if WRAPPER else 120,
        cwd=cwd,
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
    return tuple(int(g) for g in m.groups()[:5])


def skipped_count(result):
    """The ", N skipped" of the summary line, 0 when absent."""
    m = SUMMARY.match(result.err.strip().splitlines()[-1])
    expect(m is not None, "bad summary line", result)
    return int(m.group(6) or 0)


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
        ["check", "--format", "dot", fx("valid")],
        ["graph", "--format", "sarif", fx("valid")],
        ["graph", "--format", "junit", fx("valid")],
        ["check", "--fail-on", "warnings", fx("valid")],
        ["check", "--fail-on"],
        ["check", "--color", "sometimes", fx("valid")],
        ["graph", "--strict", fx("valid")],
        ["graph", "--fail-on", "error", fx("valid")],
        ["graph", "--quiet", fx("valid")],
        ["graph", "--per-file", fx("valid")],
        ["graph", "--color=never", fx("valid")],
        ["check", "--vhost", "example.com", fx("valid")],
        ["check", "--namespace", "default", fx("valid")],
        ["graph", "--vhost", "", fx("valid")],
        ["graph", "--namespace=", fx("valid")],
        ["check", "--http-port", "0", fx("valid")],
        ["check", "--http-port", "65536", fx("valid")],
        ["check", "--http-port", "eighty", fx("valid")],
        ["check", "--http-port", "-1", fx("valid")],
        ["check", "--https-port=", fx("valid")],
        ["check", "--http-port", "8080", "--https-port", "8080", fx("valid")],
        ["check", "--default-namespace", "", fx("valid")],
        ["check", "--threads", "x", fx("valid")],
        ["check", "--threads", "-1", fx("valid")],
        ["check", "--threads=", fx("valid")],
        ["check", "--threads", "70000", fx("valid")],
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
                "--default-namespace", "--format", "--fail-on", "--strict", "--quiet",
                "--color", "--per-file", "--vhost", "--namespace"):
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


def test_option_threads():
    # A stream over the 4 MiB at which loading splits YAML across threads, with an error
    # and a warning in every few documents: every thread count reports the same. (Under
    # the wrapper, test_parallel_load covers threaded loads: five such runs take minutes.)
    if WRAPPER:
        raise Skip("large inputs; tests/unit/test_parallel_load.c runs under valgrind")
    docs = []
    for i in range(40000):
        docs.append("apiVersion: v1\nkind: Service\nmetadata:\n  name: s%d\n  namespace: t%d\n"
                    "spec:\n  ports:\n  - name: http\n    port: %d\n" % (i, i % 50, 80 + i % 9))
        if i % 997 == 0:
            docs.append("a: [1,\n")
        if i % 1499 == 0:
            docs.append("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                        "metadata: {name: r%d, namespace: t1}\nspec: {typo: 1}\n" % i)
    text = "---\n".join(docs)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.yaml")
        with open(path, "w") as f:
            f.write(text)
        outs = {}
        for t in ["1", "2", "3", None]:
            args = ["check", "--format", "json", path] + (["--threads", t] if t else [])
            r = run(*args)
            expect_code(r, 1)
            outs[t] = r.out
        expect(len(text) > 4 << 20, "the stream is split")
        for t in ["2", "3", None]:
            expect(outs[t] == outs["1"], "--threads %s reports what one thread does" % t)


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
# check as a CI gate: what fails (--fail-on, --strict)

WARNING_FIXTURES = [
    ("missing-delegate.yaml", "delegate-not-found"),
    ("typo-field.yaml", "unknown-field"),
    ("missing-secret.yaml", "tls-secret-not-found"),
]


def check_json(*args, stdin=None):
    r = run("check", "--format", "json", *args, stdin=stdin)
    try:
        return r, json.loads(r.out)
    except ValueError as e:
        raise AssertionError("check --format json is not JSON: %s\n%r" % (e, r))


def test_strict_fails_on_warnings():
    """A missing delegate, a typo'd field and a missing TLS secret are warnings: fine by
    default, failures under --strict (= --fail-on warning)."""
    for name, code in WARNING_FIXTURES:
        path = fx("warnings", name)
        r = run("check", fx("valid"), path)
        expect_code(r, 0)
        expect(any(": warning: " in line for line in report_lines(r)), "warned: " + name, r)
        for strict in (["--strict"], ["--fail-on", "warning"], ["--fail-on=warning"]):
            r = run("check", *strict, fx("valid"), path)
            expect_code(r, 1)
        expect_code(run("check", "--fail-on", "error", fx("valid"), path), 0)
        # The last of --strict and --fail-on wins.
        expect_code(run("check", "--strict", "--fail-on", "invalid", fx("valid"), path), 0)
        expect_code(run("check", "--fail-on", "error", "--strict", fx("valid"), path), 1)
        _, report = check_json("--strict", fx("valid"), path)
        codes = [d["code"] for d in report["diagnostics"] if d["fails"]]
        expect(codes == [code], "%s fails with %s, got %r" % (name, code, codes))


def test_fail_on_levels():
    # invalid (the default): invalid and orphaned IngressRoutes and errors fail.
    expect_code(run("check", fx("valid"), fx("invalid.yaml")), 1)
    expect_code(run("check", fx("valid"), fx("orphaned.yaml")), 1)
    expect_code(run("check", "--fail-on", "invalid", fx("orphaned.yaml")), 1)
    # error: only error diagnostics.
    expect_code(run("check", "--fail-on", "error", fx("valid"), fx("invalid.yaml")), 0)
    expect_code(run("check", "--fail-on", "error", fx("valid"), fx("orphaned.yaml")), 0)
    expect_code(run("check", "--fail-on", "error", fx("syntax-error.yaml")), 1)
    # Info never fails, even under --strict.
    expect_code(run("check", "--strict", fx("valid"), fx("class.yaml")), 0)
    expect_code(run("check", "--strict", fx("contour-kinds.yaml")), 0)


def test_quiet():
    args = (fx("valid"), fx("invalid.yaml"), fx("warnings", "typo-field.yaml"))
    full = run("check", *args)
    quiet = run("check", "--quiet", *args)
    expect_code(quiet, 1)
    expect(quiet.err == "", "no summary with --quiet", quiet)
    lines = report_lines(quiet)
    expect(lines and all(": invalid: " in line for line in lines), "only failures", quiet)
    expect(len(lines) < len(full.out.splitlines()), "the warning is left out", full)
    # Under --strict the warning fails, so it is printed.
    strict = run("check", "-q", "--strict", *args)
    expect(any(": warning: " in line for line in report_lines(strict)), "warning kept", strict)
    # Nothing fails: nothing printed at all.
    r = run("check", "-q", fx("valid"), fx("warnings", "typo-field.yaml"))
    expect_code(r, 0)
    expect(r.out == "" and r.err == "", "silent", r)


def run_on_tty(*args, env=None):
    """contourc with its standard output on a pseudo-terminal: what a person sees."""
    import pty
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(list(WRAPPER) + [CONTOURC] + list(args), stdout=slave,
                                stderr=subprocess.PIPE, env=env)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=120)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8")


def test_color():
    args = ("check", fx("valid"), fx("invalid.yaml"), fx("warnings", "typo-field.yaml"))
    red = "\x1b[1;31minvalid\x1b[0m: "
    yellow = "\x1b[1;33mwarning\x1b[0m: "
    r = run(*args[:1], "--color", "always", *args[1:])
    expect(red in r.out and yellow in r.out, "--color always colours the words", r)
    r = run(*args[:1], "--color=never", *args[1:])
    expect("\x1b" not in r.out, "--color never", r)
    r = run(*args)
    expect("\x1b" not in r.out, "no colour when piped", r)
    for fmt in ("json", "sarif", "junit"):
        r = run(*args[:1], "--color", "always", "--format", fmt, *args[1:])
        expect("\x1b" not in r.out, "no colour in %s" % fmt, r)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["TERM"] = "xterm"
    out = run_on_tty(*args, env=env)
    expect(red in out, "colour on a terminal:\n" + out)
    out = run_on_tty(*args, env=dict(env, NO_COLOR="1"))
    expect("\x1b" not in out, "NO_COLOR turns it off:\n" + out)
    out = run_on_tty(*args, env=dict(env, NO_COLOR=""))
    expect(red in out, "an empty NO_COLOR does not:\n" + out)
    out = run_on_tty(*args, env=dict(env, TERM="dumb"))
    expect("\x1b" not in out, "nor on a dumb terminal:\n" + out)


# ---------------------------------------------------------------------------------------
# machine-readable reports


def test_check_json():
    args = (fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml"), fx("syntax-error.yaml"),
            fx("warnings", "typo-field.yaml"))
    r, report = check_json(*args)
    expect_code(r, 1)
    expect(report["schema"] == "contourc-check/1", "schema")
    expect(report["tool"] == {"name": "contourc", "version": run("--version").out.split()[1]},
           "tool")
    expect(report["fail_on"] == "invalid" and report["passed"] is False, "policy")
    summary = report["summary"]
    objects, invalid, orphaned, errors, warnings = summary_of(run("check", *args))
    expect((summary["objects"], summary["invalid"], summary["orphaned"], summary["errors"],
            summary["warnings"]) == (objects, invalid, orphaned, errors, warnings),
           "summary as on stderr: %r" % summary)
    expect(summary["valid"] == objects - invalid - orphaned, "valid count")
    # Every status, valid ones too, with its place.
    expect(len(report["statuses"]) == objects, "every status")
    for s in report["statuses"]:
        for key in ("kind", "namespace", "name", "status", "description", "vhosts", "file",
                    "line", "column", "fails"):
            expect(key in s, "status has %s: %r" % (key, s))
        expect(s["file"] and s["line"] >= 1 and s["column"] >= 1, "position: %r" % s)
        expect(s["fails"] == (s["status"] != "valid"), "fails: %r" % s)
    bad = [s for s in report["statuses"] if s["name"] == "bad-root"][0]
    expect(bad["file"] == fx("invalid.yaml") and bad["status"] == "invalid", "bad-root: %r" % bad)
    for d in report["diagnostics"]:
        for key in ("severity", "code", "message", "file", "line", "column", "fails"):
            expect(key in d, "diagnostic has %s: %r" % (key, d))
        expect(d["fails"] == (d["severity"] == "error"), "fails: %r" % d)
    expect(summary["failures"] == sum(x["fails"] for x in report["statuses"] +
                                      report["diagnostics"]), "failures")
    r, report = check_json("--strict", fx("valid"))
    expect_code(r, 0)
    expect(report["passed"] is True and report["fail_on"] == "warning", "passed")


def summary_of(result):
    return summary(result)


SCHEMA = os.path.join(HERE, "..", "sarif-schema-2.1.0.json")


def sarif_validator():
    """A validator for the vendored SARIF 2.1.0 schema. jsonschema comes from
    scripts/deps.sh (python3-jsonschema); without it the test installs it with pip, and is
    skipped only when that is impossible (no network)."""
    try:
        import jsonschema
    except ImportError:
        target = os.path.join(os.environ.get("CONTOUR_BUILD_ROOT", tempfile.gettempdir()),
                              "cli-pylib")
        p = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", target,
                            "jsonschema"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        sys.path.insert(0, target)
        try:
            import jsonschema
        except ImportError:
            raise Skip("jsonschema is not installed and pip could not install it (offline?): "
                       + p.stdout.decode("utf-8", "replace").strip()[-300:])
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def check_sarif(text, validator, relative=True):
    """Valid SARIF 2.1.0, and what GitHub code scanning needs of it (paths relative to the
    checkout: contourc run at its root with relative PATHs)."""
    try:
        log = json.loads(text)
    except ValueError as e:
        raise AssertionError("SARIF is not JSON: %s" % e)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    expect(not errors, "SARIF schema errors: %s" % "\n".join(
        "%s: %s" % (list(e.path), e.message) for e in errors[:10]))
    expect(log["version"] == "2.1.0" and len(log["runs"]) == 1, "one run")
    run0 = log["runs"][0]
    driver = run0["tool"]["driver"]
    for key in ("name", "version", "informationUri", "rules"):
        expect(driver.get(key), "driver.%s" % key)
    ids = [rule["id"] for rule in driver["rules"]]
    expect(len(ids) == len(set(ids)), "rule ids unique")
    for rule in driver["rules"]:
        expect(rule["shortDescription"]["text"], "rule %s has a description" % rule["id"])
    for res in run0["results"]:
        expect(ids[res["ruleIndex"]] == res["ruleId"], "ruleIndex of %r" % res)
        expect(res["level"] in ("error", "warning", "note"), "level")
        expect(res["message"]["text"], "message")
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        if relative or not uri.startswith("file:///"):
            expect(not uri.startswith("/") and not uri.startswith("file:") and
                   loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%", "relative uri %r" % uri)
        expect(loc["region"]["startLine"] >= 1, "startLine")
        expect(res["partialFingerprints"], "fingerprints")
    return log


def test_check_sarif():
    validator = sarif_validator()
    args = [os.path.relpath(p, SOURCE_ROOT) for p in (
        fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml"), fx("syntax-error.yaml"),
        fx("warnings", "typo-field.yaml"), fx("contour-kinds.yaml"))]
    r = run("check", "--format", "sarif", *args, cwd=SOURCE_ROOT)
    expect_code(r, 1)
    log = check_sarif(r.out, validator)
    # Absolute paths outside the working directory are file:// URIs.
    r = run("check", "--format", "sarif", fx("invalid.yaml"), cwd="/")
    check_sarif(r.out, validator, relative=False)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    # Help text comes from docs/diagnostics.md, statuses included.
    with open(os.path.join(SOURCE_ROOT, "docs", "diagnostics.md"), encoding="utf-8") as f:
        doc = f.read()
    for code in set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M)):
        expect(code in rules and rules[code]["help"]["text"], "rule for %s" % code)
    expect("unknown field" in rules["unknown-field"]["help"]["text"], "unknown-field help")
    expect(rules["invalid"]["defaultConfiguration"]["level"] == "error", "invalid rule")
    results = log["runs"][0]["results"]
    by_rule = {}
    for res in results:
        by_rule.setdefault(res["ruleId"], []).append(res)
    expect("invalid" in by_rule and "orphaned" in by_rule and "unknown-field" in by_rule
           and "unsupported-kind" in by_rule, "results: %r" % sorted(by_rule))
    bad = [x for x in by_rule["invalid"] if "default/bad-root" in x["message"]["text"]][0]
    loc = bad["locations"][0]["physicalLocation"]
    expect(loc["artifactLocation"]["uri"] == "tests/cli/fixtures/invalid.yaml", "uri")
    expect(loc["region"]["startLine"] > 1 and loc["region"]["startColumn"] >= 1, "region")
    expect(by_rule["unsupported-kind"][0]["level"] == "note", "info is a note")
    # Relative to the working directory, whatever way the path was given.
    cwd = os.getcwd()
    try:
        os.chdir(os.path.join(HERE, "fixtures"))
        r = run("check", "--format", "sarif", os.path.abspath("invalid.yaml"), "./orphaned.yaml")
        uris = {x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for x in json.loads(r.out)["runs"][0]["results"]}
        expect(uris == {"invalid.yaml", "orphaned.yaml"}, "relative uris: %r" % uris)
    finally:
        os.chdir(cwd)
    # The same findings give the same fingerprints when lines move.
    with open(fx("orphaned.yaml"), encoding="utf-8") as f:
        orphan = f.read()
    a = json.loads(run("check", "--format", "sarif", "-", stdin=orphan).out)
    b = json.loads(run("check", "--format", "sarif", "-", stdin="\n\n" + orphan).out)
    fa = [x["partialFingerprints"] for x in a["runs"][0]["results"]]
    fb = [x["partialFingerprints"] for x in b["runs"][0]["results"]]
    expect(fa == fb and fa, "fingerprints ignore line numbers")


def test_sarif_wild_corpus():
    wild = os.path.join(SHARED_ROOT, "corpus", "wild")
    if not os.path.isdir(wild):
        raise Skip("no corpus at %s" % wild)
    validator = sarif_validator()
    # As CI runs it in a checkout of the manifests: at their root, with a relative path.
    top = os.path.dirname(os.path.dirname(os.path.abspath(wild)))
    r = run("check", "--format", "sarif", os.path.join("corpus", "wild"), cwd=top)
    expect(r.code in (0, 1), "exit", r)
    log = check_sarif(r.out, validator)
    expect(len(log["runs"][0]["results"]) > 10, "the corpus has findings")
    r = run("check", "--format", "sarif", "--per-file", os.path.join("corpus", "wild"), cwd=top)
    check_sarif(r.out, validator)


def test_check_junit():
    import xml.etree.ElementTree as ET
    args = (fx("valid"), fx("invalid.yaml"), fx("orphaned.yaml"), fx("syntax-error.yaml"),
            fx("warnings", "typo-field.yaml"), fx("contour-kinds.yaml"))
    r = run("check", "--format", "junit", *args)
    expect_code(r, 1)
    root = ET.fromstring(r.out.encode("utf-8"))
    expect(root.tag == "testsuites", "testsuites")
    cases = root.findall("./testsuite/testcase")
    expect(int(root.get("tests")) == len(cases), "tests count")
    failed = {c.get("name"): c for c in cases if c.find("failure") is not None}
    expect(int(root.get("failures")) == len(failed), "failures count")
    names = {c.get("name") for c in cases}
    # One testcase per object, every kind.
    for name in ("default/root", "marketing/blog", "default/web", "default/bad-root",
                 "default/lonely"):
        expect(name in names, "testcase %s in %r" % (name, sorted(names)))
    expect(failed["default/bad-root"].find("failure").get("type") == "invalid", "invalid")
    expect(failed["default/lonely"].find("failure").get("type") == "orphaned", "orphaned")
    expect(fx("syntax-error.yaml") in failed, "the file with a syntax error fails")
    typo = [c for c in cases if c.get("name") == "default/typo"][0]
    expect(typo.find("failure") is None and "servcies" in typo.find("system-out").text,
           "a warning is output, not a failure")
    skipped = [c for c in cases if c.find("skipped") is not None]
    expect(len(skipped) == 4 and int(root.get("skipped")) == 4, "skipped Contour kinds")
    for suite in root.findall("testsuite"):
        expect(all(c.get("file") == suite.get("name") for c in suite.findall("testcase")),
               "a suite per file")
    r = run("check", "--format", "junit", "--strict", fx("valid"),
            fx("warnings", "typo-field.yaml"))
    root = ET.fromstring(r.out.encode("utf-8"))
    expect([c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
           == ["default/typo"], "under --strict the warning fails")


# ---------------------------------------------------------------------------------------
# what was skipped, and --per-file


def test_unsupported_kinds():
    r = run("check", fx("valid"), fx("contour-kinds.yaml"))
    expect_code(r, 0)
    infos = [line for line in report_lines(r) if ": info: " in line]
    expect(len(infos) == 4, "one info per Contour kind", r)
    for kind in ("HTTPProxy", "TLSCertificateDelegation", "ExtensionService",
                 "ContourConfiguration"):
        expect(any('"%s"' % kind in line for line in infos), kind, r)
    expect(not any("Deployment" in line for line in r.out.splitlines()), "Deployment silent", r)
    expect(skipped_count(r) == 4, "the summary counts them", r)
    expect(skipped_count(run("check", fx("valid"))) == 0, "no skipped")
    _, report = check_json(fx("contour-kinds.yaml"))
    lines = sorted(d["line"] for d in report["diagnostics"] if d["code"] == "unsupported-kind")
    expect(lines == [3, 12, 20, 26], "at each document's position: %r" % lines)
    expect(report["summary"]["skipped"] == 4, "JSON summary")


def test_per_file():
    overlays = fx("overlays")
    merged = run("check", overlays)
    expect_code(merged, 1)
    expect("is used in multiple IngressRoutes" in merged.out and "duplicate" in merged.out,
           "merged overlays conflict", merged)
    r = run("check", "--per-file", overlays)
    expect_code(r, 0)
    expect(r.out == "", "each overlay is fine on its own", r)
    expect(summary(r)[:3] == (2, 0, 0), "both IngressRoutes counted", r)
    # Each file on its own: root.yaml no longer sees blog.json, lonely stays orphaned.
    r = run("check", "--per-file", fx("valid", "root.yaml"), fx("valid", "blog.json"),
            fx("orphaned.yaml"))
    expect_code(r, 1)
    lines = report_lines(r)
    expect(sum(": orphaned: " in line for line in lines) == 2, "lonely and blog", r)
    expect(any(line.startswith(fx("valid", "root.yaml")) and "delegate target marketing/blog"
               in line for line in lines), "root's delegate is in another file", r)
    expect(summary(r)[:3] == (3, 0, 2), "summary over the files", r)
    # Standard input is one file too.
    with open(fx("overlays", "prod.yaml"), encoding="utf-8") as f:
        prod = f.read()
    r = run("check", "--per-file", "-", fx("overlays", "staging.yaml"), stdin=prod)
    expect_code(r, 0)
    _, report = check_json("--per-file", "-", fx("overlays", "staging.yaml"), stdin=prod)
    expect(sorted(s["file"] for s in report["statuses"])
           == sorted(["<stdin>", fx("overlays", "staging.yaml")]), "files")
    # An unreadable path still exits 2.
    expect_code(run("check", "--per-file", overlays, fx("does-not-exist.yaml")), 2)


# ---------------------------------------------------------------------------------------
# pictures people can read


def test_dot_readable():
    d = run("graph", "--format", "dot", fx("valid"), fx("tls.yaml"), fx("invalid.yaml"),
            fx("orphaned.yaml"))
    expect_code(d, 0)
    # The reason is in the visible label.
    expect(re.search(r'"ir/default/bad-root" \[shape=box, label="default/bad-root\\ninvalid: '
                     r'route \\"/\\": cannot specify', d.out) is not None, "invalid reason", d)
    expect(re.search(r'"ir/default/lonely" \[shape=box, label="default/lonely\\norphaned: ',
                     d.out) is not None, "orphaned reason", d)
    # A secure virtual host says so, and with which secret.
    expect('label="secure.example.com\\nTLS secret default/cert"' in d.out, "TLS", d)
    # Service edges name the route.
    expect('"ir/default/root" -> "svc/default/web" [label="/\\nport 80"];' in d.out, "route", d)
    check_dot(d.out)
    # IngressRoutes alone: their Services are not in the input, which is no error.
    d = run("graph", "--format", "dot", fx("valid", "root.yaml"), fx("valid", "blog.json"))
    expect("color=red" not in d.out, "nothing red when all is valid", d)
    expect(re.search(r'"missing-svc/default/web" \[shape=ellipse, label="default/web\\n'
                     r'\(not in input\)".*color=grey50.*style=dashed', d.out) is not None,
           "missing Service neutral and dashed", d)
    check_dot(d.out)
    # A missing delegate is still a problem.
    d = run("graph", "--format", "dot", fx("valid"), fx("warnings", "missing-delegate.yaml"))
    expect(re.search(r'"missing-ir/team/nowhere" \[shape=box, .*color=red', d.out), "red", d)


def graph_out(fmt, *args):
    r = run("graph", "--format", fmt, *args)
    expect_code(r, 0)
    return r.out


def test_graph_filters():
    f = fx("filters.yaml")
    # --vhost: that virtual host's routes, the statuses reached through it.
    g = json.loads(graph_out("json", "--vhost", "one.example.com", f))
    vhosts = {v["fqdn"] for li in g["listeners"] for v in li["virtualhosts"]}
    expect(vhosts == {"one.example.com"}, "vhosts %r" % vhosts)
    expect({(s["namespace"], s["name"]) for s in g["statuses"]}
           == {("default", "one"), ("team", "api")}, "statuses %r" % g["statuses"])
    # An invalid root has no routes, but its status and virtual host concern it.
    g = json.loads(graph_out("json", "--vhost", "two.example.com", f))
    expect(g["listeners"] == [] and [s["name"] for s in g["statuses"]] == ["two"], "two")
    d = graph_out("dot", "--vhost", "two.example.com", f)
    expect('"vhost/two.example.com" -> "ir/default/two";' in d and "one.example.com" not in d,
           "dot --vhost", d)
    check_dot(d)
    # --namespace: the routes whose source is there, the statuses there.
    g = json.loads(graph_out("json", "--namespace", "team", f))
    routes = [(v["fqdn"], r["prefix"], r["source"]["namespace"])
              for li in g["listeners"] for v in li["virtualhosts"] for r in v["routes"]]
    expect(routes and all(ns == "team" for _, _, ns in routes), "routes %r" % routes)
    expect([s["name"] for s in g["statuses"]] == ["api"], "statuses")
    t = graph_out("text", "--namespace", "team", f)
    expect("IngressRoute default/" not in t and "team/api: valid" in t, "text --namespace", t)
    d = graph_out("dot", "--namespace", "team", f)
    expect('"ir/default/one"' not in d and '"ir/team/api" [shape=box' in d, "dot", d)
    check_dot(d)
    # Both: both must hold. Repeated: either value.
    g = json.loads(graph_out("json", "--vhost", "two.example.com", "--namespace", "team", f))
    expect(g["statuses"] == [] and g["listeners"] == [], "nothing in both")
    g = json.loads(graph_out("json", "--namespace", "team", "--namespace=default", f))
    expect(len(g["statuses"]) == 3, "repeated --namespace adds up")
    # A filter that matches nothing is an empty graph, not an error.
    t = graph_out("text", "--vhost", "nowhere.example.com", f)
    expect(t == "listeners: none\nstatuses: none\ndiagnostics: none\n", "empty", t)
    # Without filters, the same bytes as before.
    expect(graph_out("json", f) == run("graph", f).out, "unfiltered")


def many_roots(count):
    return "".join(
        "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: root-%d\n  namespace: team-%d\nspec:\n  virtualhost: {fqdn: host-%d.example.com}\n"
        "  routes: [{match: /, services: [{name: web-%d, port: 80}]}]\n" % (i, i % 5, i, i)
        for i in range(count))


def test_graph_streams_and_stops_on_write_errors():
    """graph writes its output as it renders it (contour_graph_write), several 64 KiB
    pieces here; a reader that goes away or a full disk ends it at once, cleanly."""
    doc = many_roots(600)
    whole = run("graph", "-", stdin=doc)
    expect_code(whole, 0)
    expect(len(whole.out) > 4 * 65536, "the output is several chunks long")
    json.loads(whole.out)
    # The same bytes through a pipe read in small pieces as into a file.
    with tempfile.TemporaryFile() as f:
        p = subprocess.run(WRAPPER + [CONTOURC, "graph", "-"], input=doc.encode(), stdout=f,
                           stderr=subprocess.PIPE, timeout=600 if WRAPPER else 120)
        expect(p.returncode == 0 and p.stderr == b"", "graph into a file")
        f.seek(0)
        expect(f.read().decode() == whole.out, "the same bytes into a file")

    def closed_early(preexec=None):
        p = subprocess.Popen(WRAPPER + [CONTOURC, "graph", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=preexec)
        p.stdin.write(doc.encode())
        p.stdin.close()
        first = p.stdout.read(100)
        p.stdout.close()  # the reader goes away (as `| head` does)
        err = p.stderr.read()
        p.stderr.close()
        return p.wait(timeout=600 if WRAPPER else 120), first, err

    # By default SIGPIPE ends contourc, quietly, like any program in a pipeline.
    code, first, err = closed_early()
    if WRAPPER and code == -13:
        # A process killed by a signal never frees its memory; memcheck reports the live
        # blocks as "possibly lost" on its own lines (==pid==). Those are valgrind's, not ours.
        err = b"".join(l for l in err.splitlines(True) if not re.match(rb"==\d+==", l))
    expect(first.startswith(b"{\n") and code == -13 and err == b"",
           "closed pipe: exit %r, stderr %r" % (code, err))
    # With SIGPIPE ignored: EPIPE, one line, exit 2, no more writes.
    import signal
    code, first, err = closed_early(lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN))
    expect(code == 2 and err == b"contourc: cannot write the output: Broken pipe\n",
           "closed pipe, SIGPIPE ignored: exit %r, stderr %r" % (code, err))
    # A full disk.
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            p = subprocess.run(WRAPPER + [CONTOURC, "graph", "--format", "dot", "-"],
                               input=doc.encode(), stdout=full, stderr=subprocess.PIPE,
                               timeout=600 if WRAPPER else 120)
        expect(p.returncode == 2
               and p.stderr == b"contourc: cannot write the output: No space left on device\n",
               "/dev/full: exit %r, stderr %r" % (p.returncode, p.stderr))
    # A closed standard output.
    p = subprocess.run(WRAPPER + [CONTOURC, "graph", "--format", "text", "-"],
                       input=doc.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=600 if WRAPPER else 120,
                       preexec_fn=lambda: os.close(1))
    expect(p.returncode == 2
           and p.stderr == b"contourc: cannot write the output: Bad file descriptor\n",
           "closed stdout: exit %r, stderr %r" % (p.returncode, p.stderr))


def test_graph_output_is_not_held_in_memory():
    """400 roots delegating to one IngressRoute of 400 routes: 80 kB of YAML, 160,000 routes,
    about 50 MB of JSON. Streamed, contourc's peak RSS is the graph's (about 20 MB); the
    whole text in one buffer would make it more than the output itself."""
    if WRAPPER or sanitized():
        raise Skip("RSS measures the wrapper or the sanitizer here, not contourc")
    routes = "".join("    - match: /r%d\n      services: [{name: web, port: 80}]\n" % j
                     for j in range(400))
    doc = ("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
           "metadata: {name: shared, namespace: default}\nspec:\n  routes:\n" + routes)
    doc += "".join(
        "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: root-%d, namespace: default}\n"
        "spec:\n  virtualhost: {fqdn: h%d.example.com}\n"
        "  routes: [{match: /, delegate: {name: shared}}]\n" % (i, i) for i in range(400))
    with tempfile.NamedTemporaryFile(suffix=".yaml") as src, tempfile.TemporaryFile() as out:
        src.write(doc.encode())
        src.flush()
        p = subprocess.Popen([CONTOURC, "graph", src.name], stdout=out, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        size = out.seek(0, os.SEEK_END)
    expect(p.returncode == 0 and err == b"", "graph: exit %r, %r" % (p.returncode, err))
    peak = usage.ru_maxrss * 1024  # KiB on Linux
    expect(size > 40e6, "the output is large: %d bytes" % size)
    expect(peak < size * 0.7, "peak RSS %d bytes for %d bytes of output" % (peak, size))


def test_docs_example_picture():
    svg = os.path.join(SOURCE_ROOT, "docs", "example-graph.svg")
    expect(os.path.exists(svg), "docs/example-graph.svg")
    with open(os.path.join(SOURCE_ROOT, "docs", "cli.md"), encoding="utf-8") as f:
        expect("example-graph.svg" in f.read(), "docs/cli.md shows it")


# ---------------------------------------------------------------------------------------
# packaging


def test_version_matches_pkgconfig():
    build = os.environ.get("CONTOUR_BUILD_ROOT")
    pc = os.path.join(build or "", "meson-private", "contour.pc")
    if not build or not os.path.exists(pc):
        raise Skip("no contour.pc in the build directory")
    with open(pc, encoding="utf-8") as f:
        text = f.read()
    version = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    expect(run("--version").out == "contourc %s\n" % version, "contourc --version is %s" % version)
    expect("URL: https://github.com/libcontour/libcontour" in text, "the project's URL")
    expect("Description: " in text and "IngressRoute" in text, "description")


# ---------------------------------------------------------------------------------------
# invisible characters and ambiguous names, in every output

TROJAN = {
    "\u202e": "\\u202e", "\u2066": "\\u2066", "\u2067": "\\u2067", "\u2068": "\\u2068",
    "\u2069": "\\u2069", "\u200b": "\\u200b", "\u061c": "\\u061c", "\U000e0041": "\\U000e0041",
    "\u2028": "\\u2028", "\u2029": "\\u2029", "\u200f": "\\u200f", "\ufeff": "\\ufeff",
}


def trojan_manifest():
    name = "admin" + "".join(TROJAN) + "x"
    ns = "team\u2066"
    doc = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"%s\"\n  namespace: \"%s\"\n"
        "spec:\n  ports:\n    - port: 80\n"
        "---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: \"%s\"\n  namespace: \"%s\"\nspec:\n  virtualhost:\n    fqdn: \"a\u202eb.com\"\n"
        "  routes:\n    - match: \"/\u200bx\"\n      services:\n        - name: \"%s\"\n"
        "          port: 80\n        - name: \"gone\u061c\"\n          port: 80\n"
        "---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: \"orphan\u202e\"\n  namespace: \"%s\"\nspec:\n  routes:\n"
        "    - match: /\n      services:\n        - name: x\n          port: 80\n"
    ) % (name, ns, name, ns, name, ns)
    return doc, name, ns


def test_invisible_characters_in_every_format():
    doc, name, ns = trojan_manifest()
    outputs = {}
    for fmt in ("text", "json", "sarif", "junit"):
        outputs["check " + fmt] = run("check", "--format", fmt, "-", stdin=doc)
    outputs["check text (file)"] = None
    for fmt in ("json", "text", "dot"):
        outputs["graph " + fmt] = run("graph", "--format", fmt, "-", stdin=doc)
    del outputs["check text (file)"]
    for what, r in outputs.items():
        expect(r.code in (0, 1), what, r)
        for ch in TROJAN:
            expect(ch not in r.out and ch not in r.err,
                   "%s: raw U+%04X in the output" % (what, ord(ch)), r)
    # Text formats show Go's escapes.
    for what in ("check text", "graph text"):
        expect("\\u202e" in outputs[what].out and "\\U000e0041" in outputs[what].out,
               what, outputs[what])
    # JSON keeps the data: the escapes decode back to the names.
    g = json.loads(outputs["graph json"].out)
    expect(any(s["name"] == name for s in g["statuses"]), "graph json keeps the name")
    c = json.loads(outputs["check json"].out)
    expect(any(s["name"] == name and s["namespace"] == ns for s in c["statuses"]), "check json")
    check_dot(outputs["graph dot"].out)
    # Status texts quote as Go's %q: \u061c and tags escaped.
    invalid = run("graph", "-", stdin=doc.replace("port: 80\n        - name: \"gone",
                                                  "port: 0\n        - name: \"gone"))
    descriptions = [s["description"] for s in json.loads(invalid.out)["statuses"]]
    expect(any('\\u200bx' in d for d in descriptions), "%%q in status texts: %r" % descriptions)


def test_names_are_unambiguous():
    doc = (
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: b/c\n  namespace: a\nspec:\n  routes:\n    - match: /\n      services:\n"
        "        - {name: s, port: 80}\n"
        "---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: c\n  namespace: a/b\nspec:\n  routes:\n    - match: /\n      services:\n"
        "        - {name: s, port: 80}\n"
    )
    r = run("check", "-", stdin=doc)
    objs = [REPORT_LINE.match(line).group("obj") for line in report_lines(r)]
    expect(sorted(objs) == ['"a/b"/c', 'a/"b/c"'], "check: %r" % objs, r)
    t = run("graph", "--format", "text", "-", stdin=doc).out
    expect('  "a/b"/c: orphaned' in t and '  a/"b/c": orphaned' in t, "text", t)
    d = run("graph", "--format", "dot", "-", stdin=doc).out
    expect('label="\\"a/b\\"/c\\n' in d and 'label="a/\\"b/c\\"\\n' in d, "dot labels", d)
    expect('"ir/a%2Fb/c"' in d and '"ir/a/b%2Fc"' in d, "dot ids", d)
    for fmt in ("sarif", "junit"):
        out = run("check", "--format", fmt, "-", stdin=doc).out
        expect(("a/\\\"b/c\\\"" in out or "a/&quot;b/c&quot;" in out), fmt, out)


# ---------------------------------------------------------------------------------------
# DOT that Graphviz accepts, however long the text


def test_dot_long_text():
    match = "/" + "a" * 20000
    doc = (
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: root\n  namespace: default\nspec:\n  virtualhost: {fqdn: long.example.com}\n"
        "  routes:\n    - match: %s\n      delegate: {name: child}\n"
        "    - match: /svc%s\n      services: [{name: web, port: 80}]\n"
        "---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: child\n  namespace: default\nspec:\n  routes:\n"
        "    - match: /elsewhere%s\n      services: [{name: web, port: 80}]\n"
    ) % (match, match, "\u00e9" * 9000)
    roots = "".join(
        "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
        "  name: dup-%03d-%s\n  namespace: default\nspec:\n  virtualhost: {fqdn: dup.example.com}\n"
        "  routes: [{match: /, services: [{name: web, port: 80}]}]\n" % (i, "n" * 200)
        for i in range(80))
    d = run("graph", "--format", "dot", "-", stdin=doc + roots)
    expect_code(d, 0)
    for line in d.out.splitlines():
        for quoted in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
            expect(len(quoted.encode("utf-8")) < 16384, "a quoted string of %d bytes"
                   % len(quoted.encode("utf-8")))
    expect("\u2026" in d.out, "cuts are marked with an ellipsis", d)
    check_dot(d.out)
    if shutil.which("dot") is None:
        raise Skip("Graphviz not installed: the cut was checked, not the rendering")
    # The JSON keeps the whole text.
    g = json.loads(run("graph", "-", stdin=doc + roots).out)
    child = [s for s in g["statuses"] if s["name"] == "child"][0]
    expect(match in child["description"], "full description in the JSON")


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
        (["check", "--format", "json", fx("valid"), fx("invalid.yaml")], None, 1),
        (["check", "--format", "sarif", fx("valid"), fx("orphaned.yaml"),
          fx("contour-kinds.yaml")], None, 1),
        (["check", "--format", "junit", fx("valid"), fx("syntax-error.yaml"),
          fx("contour-kinds.yaml")], None, 1),
        (["check", "--per-file", "--strict", fx("overlays"), "-"], "kind: [", 1),
        (["graph", "--format", "dot", "--vhost", "one.example.com", "--namespace", "team",
          fx("filters.yaml")], None, 0),
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
