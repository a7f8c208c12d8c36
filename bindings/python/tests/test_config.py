"""Config: defaults, validation by the C library, value semantics."""

from __future__ import annotations

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
