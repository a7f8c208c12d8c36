"""Graph.write(fileobj, format, filter): contour_graph_write() into Python file objects —
the same bytes as render(), in pieces of at most 64 KiB; an exception from the file
object stops the rendering and propagates as itself; filters as `contourc graph
--vhost/--namespace`."""

from __future__ import annotations

import gc
import io
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import contour
from contour import Graph, GraphFilter, OutputFormat
from conftest import REPO_ROOT, SHARED, contourc_bin

pytestmark = pytest.mark.render

FORMATS = ("json", "text", "dot")


def big_text(n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: ns{i % 7}}}\n"
            f"spec:\n  ports: [{{name: http, port: 80}}]\n"
        )
        parts.append(
            "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            f"metadata: {{name: r{i}, namespace: ns{i % 7}}}\nspec:\n"
            f"  virtualhost: {{fqdn: h{i}.example.com}}\n  routes:\n"
            f"  - match: /\n    services: [{{name: s{i}, port: 80}}]\n"
            f"  - match: /caf\u00e9\n    services: [{{name: s{i}, port: 80}}, {{name: missing, port: 80}}]\n"
        )
    return "---\n".join(parts)


@pytest.fixture(scope="module")
def big() -> Iterator[Graph]:
    with contour.Snapshot.from_text(big_text(400), name="big.yaml") as snap, snap.resolve() as g:
        yield g


@pytest.fixture(scope="module")
def examples() -> Iterator[Graph]:
    paths = [p for p in (REPO_ROOT / "examples" / "manifests" / "contour-v0.10",) if p.is_dir()]
    if not paths:
        paths = [SHARED / "examples" / "contour-v0.10"]
    with contour.Snapshot.load(paths) as snap, snap.resolve() as g:
        yield g


class Recorder:
    """A binary file object that records each write."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []

    def write(self, data: bytes) -> int:
        assert isinstance(data, bytes)
        self.calls.append(data)
        return len(data)


# -- the same bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_bytesio_equals_render(examples: Graph, big: Graph, fmt: str) -> None:
    for g in (examples, big):
        out = io.BytesIO()
        n = g.write(out, fmt)
        assert out.getvalue() == g.render(fmt)
        assert n == len(out.getvalue())


def test_default_format_and_enum(examples: Graph) -> None:
    out = io.BytesIO()
    examples.write(out)
    assert out.getvalue() == examples.to_json().encode()
    out = io.BytesIO()
    examples.write(out, OutputFormat.DOT)
    assert out.getvalue() == examples.to_dot().encode()


def test_pieces_are_at_most_64_kib(big: Graph) -> None:
    rec = Recorder()
    big.write(rec)
    rendered = big.render()
    assert len(rendered) > 3 * 65536
    assert len(rec.calls) >= 4
    assert all(1 <= len(c) <= 65536 for c in rec.calls)
    assert b"".join(rec.calls) == rendered


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_files_get_str(big: Graph, fmt: str) -> None:
    sio = io.StringIO()
    big.write(sio, fmt)
    assert sio.getvalue() == big.render(fmt).decode("utf-8")
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    big.write(wrapper, fmt)
    wrapper.flush()
    assert raw.getvalue() == big.render(fmt)


def test_a_character_split_between_pieces_is_decoded() -> None:
    # The library may cut a piece inside a UTF-8 sequence: the text path decodes
    # incrementally.
    data = "caf\u00e9 \u2603".encode()
    out = io.StringIO()
    sink = contour._write._Sink(out)
    for i in range(len(data)):
        buf = ctypes_buffer(data[i : i + 1])
        assert sink(None, buf[1], 1) == 0
    sink.finish()
    assert out.getvalue() == "caf\u00e9 \u2603"


def ctypes_buffer(data: bytes) -> tuple[Any, int]:
    import ctypes

    buf = ctypes.create_string_buffer(data)
    return buf, ctypes.addressof(buf)


def test_a_file_on_disk(tmp_path: Path, big: Graph) -> None:
    path = tmp_path / "graph.json"
    with open(path, "wb") as f:
        big.write(f)
    assert path.read_bytes() == big.render()
    with open(path, "wb", buffering=0) as raw:  # io.FileIO: a raw file
        big.write(raw, "text")
    assert path.read_bytes() == big.render("text")
    with open(path, "w", encoding="utf-8") as t:
        big.write(t, "dot")
    assert path.read_bytes() == big.render("dot")


def test_short_writes_are_completed(big: Graph) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            piece = bytes(b[:1000])
            self.data += piece
            return len(piece)

    t = Trickle()
    big.write(t)
    assert bytes(t.data) == big.render()


def test_write_returning_none_or_anything_counts_as_all(examples: Graph) -> None:
    parts: list[bytes] = []

    class Appender:
        def write(self, b: bytes) -> None:
            parts.append(b)

    examples.write(Appender())
    assert b"".join(parts) == examples.render()


def test_write_returning_zero_is_an_error(examples: Graph) -> None:
    class Stuck:
        def write(self, b: bytes) -> int:
            return 0

    with pytest.raises(OSError, match="wrote 0"):
        examples.write(Stuck())


# -- a file object that raises -----------------------------------------------------------------


class Failing:
    """Raises ``exc`` at the ``at``-th write; keeps what came before."""

    def __init__(self, exc: BaseException, at: int) -> None:
        self.exc = exc
        self.at = at
        self.calls = 0
        self.data = b""

    def write(self, b: bytes) -> int:
        self.calls += 1
        if self.calls == self.at:
            raise self.exc
        self.data += b
        return len(b)


@pytest.mark.parametrize(
    "exc",
    [OSError(32, "Broken pipe"), ValueError("no"), KeyboardInterrupt(), SystemExit(3), MemoryError()],
    ids=lambda e: type(e).__name__,
)
@pytest.mark.parametrize("at", [1, 3])
def test_the_exception_propagates_as_itself(big: Graph, exc: BaseException, at: int) -> None:
    f = Failing(exc, at)
    with pytest.raises(type(exc)) as info:
        big.write(f)
    assert info.value is exc
    assert f.calls == at  # not called again after it raised
    assert big.render().startswith(f.data) and len(f.data) < len(big.render())
    # the raising frame is in the traceback
    assert any(tb.name == "write" for tb in info.traceback)
    # the graph is fine afterwards
    out = io.BytesIO()
    big.write(out)
    assert out.getvalue() == big.render()


def test_the_exception_is_not_kept_alive(big: Graph) -> None:
    import weakref

    class Marker(Exception):
        pass

    f = Failing(Marker(), 2)
    ref = weakref.ref(f.exc)
    with pytest.raises(Marker):
        big.write(f)
    del f
    gc.collect()
    assert ref() is None


def test_closed_file(big: Graph) -> None:
    f = io.BytesIO()
    f.close()
    with pytest.raises(ValueError, match="closed file"):
        big.write(f)


def test_text_file_opened_for_reading(examples: Graph, tmp_path: Path) -> None:
    p = tmp_path / "x"
    p.write_text("")
    with open(p) as f, pytest.raises(io.UnsupportedOperation):
        examples.write(f)


# -- filters -------------------------------------------------------------------------------------


def test_filter_values() -> None:
    f = GraphFilter(vhosts=["a.example.com"], namespaces=iter(["ns1", "ns2"]))
    assert f.vhosts == ("a.example.com",) and f.namespaces == ("ns1", "ns2")
    assert f == GraphFilter(("a.example.com",), ("ns1", "ns2")) and hash(f)
    assert GraphFilter() == GraphFilter((), ())
    for bad, exc in (
        ({"vhosts": "a.example.com"}, TypeError),
        ({"namespaces": b"ns"}, TypeError),
        ({"vhosts": [1]}, TypeError),
        ({"vhosts": [""]}, ValueError),
        ({"namespaces": ["a\0b"]}, ValueError),
        ({"namespaces": ["\udc80"]}, ValueError),
    ):
        with pytest.raises(exc):
            GraphFilter(**bad)  # type: ignore[arg-type]


@pytest.mark.contourc
@pytest.mark.parametrize(
    "flt",
    [
        GraphFilter(),
        GraphFilter(vhosts=("foo.bar.com",)),
        GraphFilter(namespaces=("default",)),
        GraphFilter(vhosts=("blue-green.bar.com", "nothing.example.com"), namespaces=("default", "marketing")),
        GraphFilter(namespaces=("nowhere",)),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_as_contourc(flt: GraphFilter, fmt: str) -> None:
    base = REPO_ROOT / "examples" / "manifests" / "contour-v0.10"
    if not base.is_dir():
        base = SHARED / "examples" / "contour-v0.10"
    args = [str(contourc_bin()), "graph", "--format", fmt]
    for v in flt.vhosts:
        args += ["--vhost", v]
    for ns in flt.namespaces:
        args += ["--namespace", ns]
    proc = subprocess.run(args + [str(base)], capture_output=True, timeout=60)
    with contour.Snapshot.load(base) as snap, snap.resolve() as g:
        rendered = g.render(fmt, filter=flt)
        out = io.BytesIO()
        g.write(out, fmt, filter=flt)
    assert out.getvalue() == rendered == proc.stdout


def test_filter_cuts_the_graph(big: Graph) -> None:
    full = big.render()
    part = big.render(filter=GraphFilter(vhosts=["h1.example.com"]))
    assert b"h1.example.com" in part and b"h2.example.com" not in part and len(part) < len(full)
    out = io.BytesIO()
    big.write(out, filter=GraphFilter(namespaces=["ns3"]))
    assert out.getvalue() == big.render(filter=GraphFilter(namespaces=["ns3"]))
    with pytest.raises(TypeError, match="GraphFilter"):
        big.render(filter={"vhosts": ["a"]})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="GraphFilter"):
        big.write(io.BytesIO(), filter="h1.example.com")  # type: ignore[arg-type]


# -- arguments, handles, threads -----------------------------------------------------------------


def test_bad_arguments(examples: Graph) -> None:
    for fileobj in (None, b"", "path.json", object()):
        with pytest.raises(TypeError, match="write"):
            examples.write(fileobj)
    for fmt in ("xml", "JSON", 3, -1):
        with pytest.raises(ValueError, match="format"):
            examples.write(io.BytesIO(), fmt)  # type: ignore[arg-type]
    for fmt in (None, 1.5, True):
        with pytest.raises(TypeError):
            examples.write(io.BytesIO(), fmt)  # type: ignore[arg-type]


def test_closed_graph() -> None:
    with contour.Snapshot.from_text(big_text(2)) as snap:
        g = snap.resolve()
    g.close()
    with pytest.raises(ValueError, match="closed Graph"):
        g.write(io.BytesIO())
    with pytest.raises(ValueError, match="closed Graph"):
        g.render(filter=GraphFilter(vhosts=["h1.example.com"]))


def test_closing_the_graph_from_its_own_callback() -> None:
    with contour.Snapshot.from_text(big_text(50)) as snap:
        g = snap.resolve()

    class Closer:
        def write(self, b: bytes) -> int:
            g.close()  # would wait for this very write: refused
            return len(b)

    with pytest.raises(RuntimeError, match="same thread"):
        g.write(Closer())
    assert not g.closed
    g.close()


def test_reading_the_graph_from_its_own_callback(big: Graph) -> None:
    seen: list[int] = []

    class Reader:
        def __init__(self) -> None:
            self.out = io.BytesIO()

        def write(self, b: bytes) -> int:
            seen.append(len(big.statuses))
            inner = io.BytesIO()
            big.write(inner, "text")  # contour_graph_write inside contour_graph_write
            assert inner.getvalue() == big.render("text")
            return self.out.write(b)

    r = Reader()
    big.write(r)
    assert r.out.getvalue() == big.render() and seen


def test_concurrent_writes(big: Graph) -> None:
    expected = {fmt: big.render(fmt) for fmt in FORMATS}
    errors: list[BaseException] = []

    def run(fmt: str) -> None:
        try:
            for _ in range(3):
                out = io.BytesIO()
                big.write(out, fmt)
                assert out.getvalue() == expected[fmt]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(FORMATS[i % 3],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_close_from_another_thread_waits_for_the_write() -> None:
    with contour.Snapshot.from_text(big_text(300)) as snap:
        g = snap.resolve()
    expected = g.render()
    started = threading.Event()

    class Slow:
        def __init__(self) -> None:
            self.out = io.BytesIO()

        def write(self, b: bytes) -> int:
            started.set()
            time.sleep(0.01)
            return self.out.write(b)

    slow = Slow()
    result: list[object] = []
    t = threading.Thread(target=lambda: result.append(g.write(slow)))
    t.start()
    started.wait(10)
    g.close()  # waits for the write to finish
    t.join()
    assert slow.out.getvalue() == expected and result == [len(expected)]
    with pytest.raises(ValueError):
        g.write(io.BytesIO())
