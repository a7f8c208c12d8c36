"""Config: defaults, validation by the C library, value semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

import contour
from contour import Config, Limit

DEFAULT_LIMITS = {
    Limit.INPUT_BYTES: 256 << 20,
    Limit.DEPTH: 64,
    Limit.DOCUMENTS: 1_000_000,
    Limit.ALIAS_EXPANSION: 10_000,
    Limit.SCALAR_BYTES: 1 << 20,
    Limit.DOCUMENT_NODES: 1_000_000,
    Limit.ROUTES: 1_000_000,
}


def test_defaults() -> None:
    c = Config()
    assert c.default_namespace == "default"
    assert c.ingress_class == "contour"
    assert c.root_namespaces == ()
    assert (c.http_port, c.https_port) == (80, 443)
    assert c.limits == DEFAULT_LIMITS
    for lim, value in DEFAULT_LIMITS.items():
        assert c.limit(lim) == value


def test_settings_are_kept() -> None:
    c = Config(
        default_namespace="apps",
        ingress_class="",
        root_namespaces=["roots", "edge"],
        http_port=8080,
        https_port=8443,
        limits={Limit.DEPTH: 10, Limit.INPUT_BYTES: 2**40},
    )
    assert c.default_namespace == "apps"
    assert c.ingress_class == ""
    assert c.root_namespaces == ("roots", "edge")
    assert (c.http_port, c.https_port) == (8080, 8443)
    assert c.limit(Limit.DEPTH) == 10
    assert c.limit(Limit.INPUT_BYTES) == 2**40
    assert c.limit(Limit.SCALAR_BYTES) == DEFAULT_LIMITS[Limit.SCALAR_BYTES]


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        Config("default")  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"http_port": 0}, "http_port"),
        ({"https_port": 65536}, "https_port"),
        ({"http_port": 443}, "differ"),
        ({"http_port": -1}, "http_port"),
        ({"https_port": 2**32 + 443}, "https_port"),  # would wrap to 443 in 32 bits
        ({"default_namespace": ""}, "default_namespace"),
        ({"default_namespace": "a\x00b"}, "default_namespace"),
        ({"ingress_class": "x\x00"}, "ingress_class"),
        ({"root_namespaces": [""]}, "root_namespaces"),
        ({"root_namespaces": ["ok", "bad\x00"]}, "root_namespaces"),
        ({"limits": {Limit.DEPTH: 0}}, "limits[DEPTH]"),
        ({"limits": {Limit.DOCUMENTS: -5}}, "limits[DOCUMENTS]"),
        ({"limits": {Limit.SCALAR_BYTES: 2**64}}, "limits[SCALAR_BYTES]"),
        ({"limits": {17: 5}}, "unknown limit 17"),
        ({"default_namespace": "\udc80"}, "UTF-8"),
    ],
)
def test_invalid_values_raise_value_error(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        Config(**kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, contour.InvalidArgumentError)
    assert isinstance(info.value, contour.ContourError)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"http_port": "80"},
        {"http_port": True},
        {"default_namespace": b"x"},
        {"root_namespaces": "abc"},
        {"root_namespaces": [1]},
        {"limits": {"DEPTH": 3}},
        {"limits": {Limit.DEPTH: 3.5}},
    ],
)
def test_wrong_types_raise_type_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Config(**kwargs)  # type: ignore[arg-type]


def test_value_semantics() -> None:
    a = Config(root_namespaces=["x"], limits={Limit.DEPTH: 5})
    b = Config(root_namespaces=("x",), limits={Limit.DEPTH: 5})
    assert a == b and hash(a) == hash(b)
    assert a != Config()
    c = a.replace(http_port=81)
    assert c.http_port == 81 and c.root_namespaces == ("x",) and a.http_port == 80
    with pytest.raises(TypeError):
        a.replace(nope=1)
    with pytest.raises(ValueError):
        a.replace(http_port=0)
    assert "root_namespaces=('x',)" in repr(a)
    with pytest.raises(AttributeError):
        a.http_port = 5  # type: ignore[misc]


def test_limits_mapping_is_a_copy() -> None:
    lim = {Limit.DEPTH: 5}
    c = Config(limits=lim)
    lim[Limit.DEPTH] = 0
    assert c.limit(Limit.DEPTH) == 5
    c.limits[Limit.DEPTH] = 1  # type: ignore[index]
    assert c.limit(Limit.DEPTH) == 5


def test_values_are_read_back_from_the_c_config() -> None:
    # Adding a root namespace twice has no effect in libcontour 1.0: what the Config
    # shows is what the library holds.
    c = Config(root_namespaces=["a", "b", "a"])
    assert c.root_namespaces == ("a", "b")
    assert len(contour.Limit) <= contour._ffi.lib.contour_limit_count()
    assert set(c.limits) == set(contour._enums.LIMITS)


def test_snapshot_keeps_its_own_config() -> None:
    cfg = Config(default_namespace="apps", root_namespaces=["roots"], http_port=8080, https_port=8443,
                 limits={Limit.DEPTH: 9})
    with contour.Snapshot(cfg) as snap:
        assert snap.config == cfg
        assert snap.config is not cfg
    with contour.Snapshot() as snap:
        assert snap.config == Config()


def test_snapshot_rejects_non_config() -> None:
    if "contour_snapshot_new" in contour._ffi.missing_symbols:
        pytest.skip("contour_snapshot_new missing")
    with pytest.raises(TypeError):
        contour.Snapshot(config={"http_port": 80})  # type: ignore[arg-type]


# -- 1.1: threads and follow_links --------------------------------------------------------------


def test_threads() -> None:
    assert Config().threads == 1
    assert Config(threads=4).threads == 4
    assert Config(threads=1000).threads == 64  # taken as 64
    ncpu = Config(threads=0).threads  # the machine's online CPUs, counted now
    assert 1 <= ncpu <= 64
    a = Config(threads=3)
    assert a.replace(http_port=81).threads == 3 and a.replace(threads=2).threads == 2
    assert a != Config() and a == Config(threads=3) and "threads=3" in repr(a)
    with contour.Snapshot(a) as snap:
        assert snap.config.threads == 3


@pytest.mark.parametrize("value, exc", [(-1, ValueError), (2**32, ValueError), ("2", TypeError),
                                        (2.0, TypeError), (True, TypeError), (None, TypeError)])
def test_threads_errors(value: object, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="threads"):
        Config(threads=value)  # type: ignore[arg-type]


def test_follow_links() -> None:
    assert Config().follow_links is False
    c = Config(follow_links=True)
    assert c.follow_links is True and c != Config() and c.replace(threads=2).follow_links
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match="follow_links"):
            Config(follow_links=bad)  # type: ignore[arg-type]


@pytest.mark.resolve
def test_threads_give_the_same_graph() -> None:
    text = "---\n".join(
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: ns}}\nspec:\n  ports: [{{port: 80}}]\n"
        "---\n"
        f"apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata: {{name: r{i}, namespace: ns}}\n"
        f"spec:\n  virtualhost: {{fqdn: h{i}.example.com}}\n  routes:\n  - match: /\n"
        f"    services: [{{name: s{i}, port: 80}}]\n"
        for i in range(300)
    )
    with contour.Snapshot.from_text(text) as one, contour.Snapshot.from_text(text, config=Config(threads=4)) as four:
        assert one.objects() == four.objects()
        with one.resolve() as a, four.resolve() as b, one.resolve(Config(threads=2)) as c:
            assert a.to_json() == b.to_json() == c.to_json()


def test_follow_links_is_a_loading_setting(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\nspec: {ports: [{port: 80}]}\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.yaml").symlink_to(outside)
    with contour.Snapshot.load(tree) as snap:
        assert snap.count() == 0 and [d.code for d in snap.diagnostics] == ["link-outside"]
    with contour.Snapshot.load(tree, config=Config(follow_links=True)) as snap:
        assert snap.count() == 1 and snap.diagnostics == ()
