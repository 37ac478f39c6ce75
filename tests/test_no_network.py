"""Parse, build, validate and query never open a network connection.

Each command runs in a child interpreter with an audit hook that aborts on any socket
connection, DNS lookup or urllib request (`conftest.NETWORK_GUARD`, the tests' one guard), so
a stray fetch (a remote JSON-LD context, a profile URL, an owl:imports) fails the test instead
of passing silently offline.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import NETWORK_GUARD, ROOT, run_offline


def test_guard_catches_a_connection(tmp_path: Path) -> None:
    code = NETWORK_GUARD + "import socket\nsocket.create_connection(('127.0.0.1', 9))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 99
    assert "NETWORK ACCESS" in done.stderr


def test_parse_makes_no_network_access(tmp_path: Path) -> None:
    done = run_offline(["parse", "-o", str(tmp_path / "plan.json")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "NETWORK ACCESS" not in done.stderr


def test_build_validate_and_query_make_no_network_access(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    steps = [
        ["build", "-o", str(out), "--quiet"],
        ["build", "--check", "-o", str(out), "--quiet"],
        ["validate", str(out)],
        ["query", "--example", "lead-ranking", str(out)],
    ]
    for args in steps:
        done = run_offline(args, ROOT)
        assert "NETWORK ACCESS" not in done.stderr, (args, done.stderr)
        assert done.returncode == 0, (args, done.stderr)


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path: Path) -> None:
    # A query over a JSON-LD file with a remote @context must be refused without fetching it.
    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "https://example.org/ctx.jsonld", "@id": "x"}', encoding="utf-8")
    done = run_offline(["query", "SELECT * WHERE { ?s ?p ?o }", str(doc)], ROOT)
    assert "NETWORK ACCESS" not in done.stderr
    assert done.returncode == 2
