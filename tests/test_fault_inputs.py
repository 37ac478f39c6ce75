"""Fault injection: the input, content and network attacks of issue 16, as data.

The same runner as the folder cases (tests/faults.py): each case asserts its exit code and
message, that no file outside what the tool writes is lost or changed, and that it ends within
its bound. The network cases also run a server on 127.0.0.1 that must receive nothing.
"""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from faults import FaultCase, built, run_case, source, steps, write

pytestmark = pytest.mark.slow


def _fifo(name: str):  # type: ignore[no-untyped-def]
    def setup(work: Path) -> None:
        os.mkfifo(work / name)

    return setup


def _cr_only(name: str):  # type: ignore[no-untyped-def]
    def setup(work: Path) -> None:
        text = source(name)
        text(work)
        path = work / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))

    return setup


INPUT_CASES = [
    FaultCase(
        name="parse /dev/zero",
        setup=lambda work: None,
        args=("parse", "/dev/zero"),
        exit=2,
        message="is a character device, not a regular file",
        bound=10,
    ),
    FaultCase(
        name="parse /dev/urandom",
        setup=lambda work: None,
        args=("parse", "/dev/urandom"),
        exit=2,
        message="is a character device, not a regular file",
        bound=10,
    ),
    FaultCase(
        name="build from a FIFO",
        setup=_fifo("plan.txt"),
        args=("build", "plan.txt", "-o", "out"),
        exit=2,
        message="is a FIFO (named pipe)",
        bound=10,
    ),
    FaultCase(
        name="diff against a FIFO",
        setup=steps(source("a.txt"), _fifo("b.txt")),
        args=("diff", "a.txt", "b.txt"),
        exit=2,
        message="is a FIFO (named pipe)",
        bound=10,
    ),
    FaultCase(
        name="validate a package whose resource is a FIFO",
        setup=steps(
            built("pkg"), lambda work: (work / "pkg" / "tasks.csv").unlink(), _fifo("pkg/tasks.csv")
        ),
        args=("validate", "pkg"),
        exit=1,
        message="is a FIFO (named pipe), not a regular file",
        bound=60,
    ),
    FaultCase(
        name="a one-character edit drops a task heading",
        setup=source("cut.txt", "（二十五）", "二十五）"),
        args=("build", "cut.txt", "-o", "out"),
        exit=2,
        message="printed with a parenthesis missing",
        bound=30,
    ),
    FaultCase(
        name="a CR-only source builds a package that validates",
        setup=_cr_only("cr.txt"),
        args=("build", "cr.txt", "-o", "out"),
        exit=0,
        may_change=("out",),
        bound=60,
    ),
    FaultCase(
        name="a source over the size limit",
        setup=write("big.txt", "一、" + "x" * 2_000_000),
        args=("parse", "--max-bytes", "1000000", "big.txt"),
        exit=2,
        message="over the limit",
        bound=10,
    ),
]


@pytest.mark.parametrize("case", INPUT_CASES, ids=lambda case: case.name)
def test_input_fault(case: FaultCase, tmp_path: Path) -> None:
    run_case(case, tmp_path)
    if case.name.startswith("a CR-only"):
        done = run_case(
            FaultCase(
                name="validate it", setup=lambda work: None, args=("validate", "out"), exit=0
            ),
            tmp_path,
        )
        assert "valid" in done.stdout


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    seen: ClassVar[list[str]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT ?x WHERE {{ SERVICE <{url}/sparql> {{ ?x ?y ?z }} }}", "[query-remote]"),
        ("SELECT ?x FROM <{url}/graph.ttl> WHERE {{ ?x ?y ?z }}", "[query-dataset]"),
        ("SELECT ?x WHERE {{ GRAPH <{url}/g> {{ ?x ?y ?z }} }}", "[query-dataset]"),
        ("LOAD <{url}/graph.ttl>", "[query-syntax]"),
    ],
    ids=["service", "from", "graph", "load"],
)
def test_a_query_reaches_no_server(
    server: tuple[str, list[str]], tmp_path: Path, query: str, message: str
) -> None:
    url, seen = server
    case = FaultCase(
        name="remote query",
        setup=built("pkg"),
        args=("query", "--timeout", "20", query.format(url=url), "pkg"),
        exit=2,
        message=message,
        bound=60,
    )
    run_case(case, tmp_path)
    assert seen == []
