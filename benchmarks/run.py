"""Run every benchmark and print medians, ratios against baselines from the same run, and goals.

    python3 benchmarks/run.py [--quick] [--json PATH]

Each figure is the median of repeated runs; each goal is judged on a ratio to a baseline timed
in the same run, or on the absolute figure the goal names. Machines here are small (2 cores)
and noisy, so read ratios rather than seconds. Results are also written as JSON
(default benchmarks/results/latest.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sources" / "guobanfa-2021-25.txt"
# The real State Council documents of the tests (tests/corpus/SOURCES.md).
REAL_CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.txt"))


@dataclass
class Result:
    benchmark: str
    figure: str
    median: float
    unit: str
    baseline: str | None
    baseline_median: float | None
    ratio: float | None
    goal: str
    met: bool | None
    """Whether the goal is met; None for a figure with no goal (printed "-")."""


def _interleaved_medians(
    runs: int,
    funcs: dict[str, Callable[[], object]],
    clock: Callable[[], float] = time.perf_counter,
    before: dict[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Median seconds of each function, run round-robin after one warm-up each: on a noisy
    machine a load that comes and goes then weighs on the candidate and its baseline alike.

    `clock` reads the time (wall by default; `time.process_time` for work in this process, which
    other processes on a shared machine do not inflate); `before[name]`, when given, runs untimed
    before each run of `name` (to empty caches, for a cold figure).
    """
    before = before or {}
    for func in funcs.values():
        func()
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            if name in before:
                before[name]()
            start = clock()
            func()
            times[name].append(clock() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _command(
    argv: Sequence[str], cwd: Path = ROOT, env: Callable[[], dict[str, str]] | None = None
) -> Callable[[], object]:
    """A cold process running `argv`; `env()`, when given, is its environment on each run."""

    def run() -> object:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, check=False, env=env() if env else None
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]!r}"
            )
        return done

    return run


def _fgf() -> list[str]:
    exe = shutil.which("fgf")
    return [exe] if exe else [sys.executable, "-m", "fgf_opendata"]


def make_corpus(folder: Path, count: int, seed: int = 2021) -> list[Path]:
    """`count` synthetic plans of the reference's shape, the same on every machine."""
    from fgf_opendata.agencies import default_registry
    from fgf_opendata.parsing import render_plan
    from fgf_opendata.synth import build_plan, random_spec

    registry = default_registry()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        # Distinct doc numbers, so every plan keeps its own id in a corpus package.
        spec = replace(random_spec(random.Random(seed * 100_003 + i), registry), number=i + 1)
        path = folder / f"plan-{i:04d}.txt"
        if not path.exists():
            path.write_text(render_plan(build_plan(spec, registry)), encoding="utf-8")
        paths.append(path)
    return paths


def _site_cache(folder: Path, *, empty: bool = False) -> Callable[[], dict[str, str]]:
    """The environment of a run whose site cache (charts drawn, templates compiled) is
    `folder`, kept between runs as a user's is; `empty`: a new one inside it on every run."""

    def env() -> dict[str, str]:
        variables = {k: v for k, v in os.environ.items() if k != "FGF_OPENDATA_NO_CACHE"}
        if empty:
            folder.mkdir(parents=True, exist_ok=True)
        where = tempfile.mkdtemp(dir=folder) if empty else str(folder)
        return variables | {"XDG_CACHE_HOME": where}

    return env


def _compiled(
    work: Path, env: Callable[[], dict[str, str]] | None = None
) -> Callable[[], dict[str, str]]:
    """The environment of a run (`env()`, else this process's) with Python's bytecode cache on,
    in `work/pycache` (`PYTHONPYCACHEPREFIX`), even where `PYTHONDONTWRITEBYTECODE` turns it off.

    An installed package is byte-compiled when pip installs it, and frictionless is; a source
    tree run with `PYTHONDONTWRITEBYTECODE` (as on the machines here) compiles every module of
    fgf in every process, 0.1 s of CPU that no user's installed fgf pays. The warm-up run of
    `_interleaved_medians` fills the cache; baseline and candidates get the same environment."""

    def environment() -> dict[str, str]:
        variables = env() if env is not None else dict(os.environ)
        variables.pop("PYTHONDONTWRITEBYTECODE", None)
        return variables | {"PYTHONPYCACHEPREFIX": str(work / "pycache")}

    return environment


def bench_ci_step(runs: int, work: Path) -> list[Result]:
    """`fgf build --check` and `fgf build` vs `frictionless validate` on the same package,
    with the site's cache kept between runs as on a developer's machine or a CI runner that
    keeps `~/.cache` (the first run of each fills it), and Python's bytecode cache (`_compiled`)."""
    fgf = _fgf()
    out = work / "ci-package"
    kept = _compiled(work, _site_cache(work / "cache"))
    _command([*fgf, "build", "-o", str(out), "--quiet"], env=kept)()
    baseline_cmd = _frictionless_validate(out / "datapackage.json")
    commands = {
        "fgf build --check": [*fgf, "build", "--check", "-o", str(out), "--quiet"],
        "fgf build": [*fgf, "build", "-o", str(out), "--quiet"],
    }
    medians = _interleaved_medians(
        runs,
        {"baseline": _command(baseline_cmd, env=_compiled(work))}
        | {name: _command(argv, env=kept) for name, argv in commands.items()},
    )
    baseline = medians["baseline"]
    results = []
    # Issue 14: the CI step (`build --check`) <= 0.6x; a plain build keeps the first round's 1.0x.
    goals = {"fgf build --check": 0.6, "fgf build": 1.0}
    for name in commands:
        median = medians[name]
        ratio = median / baseline
        results.append(
            Result(
                "1 CI step (cold process)",
                name,
                median,
                "s",
                "frictionless validate",
                baseline,
                ratio,
                f"ratio <= {goals[name]}",
                ratio <= goals[name],
            )
        )
    return results


def _frictionless_validate(descriptor: Path) -> list[str]:
    frictionless = shutil.which("frictionless")
    if frictionless:
        return [frictionless, "validate", str(descriptor)]
    return [sys.executable, "-m", "frictionless", "validate", str(descriptor)]


def bench_validate(runs: int, work: Path) -> list[Result]:
    """`fgf validate` of the reference package (every gate: frictionless, the v2 profiles, the
    project's rules, the project's shapes on the plan graph, DCAT-AP on the catalogue) vs
    `frictionless validate` of the same package, both cold, in the same run, both with
    Python's bytecode cache (`_compiled`)."""
    package = ROOT / "datapackage"
    compiled = _compiled(work)
    medians = _interleaved_medians(
        runs,
        {
            "baseline": _command(
                _frictionless_validate(package / "datapackage.json"), env=compiled
            ),
            "validate": _command([*_fgf(), "validate", str(package)], env=compiled),
        },
    )
    ratio = medians["validate"] / medians["baseline"]
    return [
        Result(
            "6 full gate (cold process)",
            "fgf validate datapackage",
            medians["validate"],
            "s",
            "frictionless validate",
            medians["baseline"],
            ratio,
            "ratio <= 1.2",
            ratio <= 1.2,
        )
    ]


def bench_site(runs: int, work: Path) -> list[Result]:
    """What the static site adds to the CI step, cold processes: `fgf build --check` against
    `fgf build --check --no-site`, with the site's cache kept (charts drawn and templates
    compiled once) and with an empty one on every run (a machine's first build: matplotlib's
    import, about 0.5 s of CPU, and drawing the three charts, about 0.4 s); and in one warm
    process `site_files` against `package_outputs`, the cache kept. The goals: the site adds
    little to the CI step once its cache is filled, and a first build stays within 3x."""
    from fgf_opendata.agencies import default_registry
    from fgf_opendata.build import package_outputs
    from fgf_opendata.site import site_files

    fgf = _fgf()
    out, bare = work / "site-package", work / "package-without-site"
    kept = _site_cache(work / "site-cache")
    _command([*fgf, "build", "-o", str(out), "--quiet"], env=kept)()
    _command([*fgf, "build", "-o", str(bare), "--quiet", "--no-site"], env=kept)()
    check = [*fgf, "build", "--check", "-o", str(out), "--quiet"]
    cold = _interleaved_medians(
        runs,
        {
            "baseline": _command(
                [*fgf, "build", "--check", "-o", str(bare), "--quiet", "--no-site"], env=kept
            ),
            "kept": _command(check, env=kept),
            "empty": _command(check, env=_site_cache(work / "empty-caches", empty=True)),
        },
    )
    text = REFERENCE.read_text(encoding="utf-8")
    registry = default_registry()
    outputs = package_outputs(text, registry=registry)
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(work / "site-cache")
    try:
        warm = _interleaved_medians(
            runs,
            {
                "baseline": lambda: package_outputs(text, registry=registry),
                "site": lambda: site_files(outputs.plan, registry, outputs.files),
            },
        )
    finally:
        if previous is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = previous
    baseline = "fgf build --check --no-site"
    return [
        Result(
            "5 site",
            "fgf build --check (cold process, site cache kept)",
            cold["kept"],
            "s",
            baseline,
            cold["baseline"],
            cold["kept"] / cold["baseline"],
            "ratio <= 1.25",
            cold["kept"] / cold["baseline"] <= 1.25,
        ),
        Result(
            "5 site",
            "fgf build --check (cold process, empty site cache)",
            cold["empty"],
            "s",
            baseline,
            cold["baseline"],
            cold["empty"] / cold["baseline"],
            "ratio <= 3.0",
            cold["empty"] / cold["baseline"] <= 3.0,
        ),
        Result(
            "5 site",
            "site_files (warm process, site cache kept)",
            warm["site"],
            "s",
            "package_outputs (warm)",
            warm["baseline"],
            warm["site"] / warm["baseline"],
            "ratio <= 1.0",
            warm["site"] / warm["baseline"] <= 1.0,
        ),
    ]


def bench_startup(runs: int) -> list[Result]:
    """Import and --help time, against a bare interpreter start."""
    medians = _interleaved_medians(
        runs,
        {
            "bare": _command([sys.executable, "-c", "pass"]),
            "import": _command([sys.executable, "-c", "import fgf_opendata"]),
            "help": _command([*_fgf(), "--help"]),
        },
    )
    bare, imp, helps = medians["bare"], medians["import"], medians["help"]
    return [
        Result(
            "2 start-up",
            "python -c 'import fgf_opendata'",
            imp,
            "s",
            "python -c pass",
            bare,
            imp / bare,
            "< 0.15 s",
            imp < 0.15,
        ),
        Result(
            "2 start-up",
            "fgf --help",
            helps,
            "s",
            "python -c pass",
            bare,
            helps / bare,
            "< 0.3 s",
            helps < 0.3,
        ),
    ]


def _parser_caches() -> list[Callable[[], None]]:
    """The `cache_clear` of every memo in the parser's modules (`functools.lru_cache`)."""
    import importlib
    import pkgutil

    from fgf_opendata import parsing

    clears = []
    for info in pkgutil.iter_modules(parsing.__path__, "fgf_opendata.parsing."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and getattr(value, "__module__", "") == info.name:
                clears.append(value.cache_clear)
    return clears


def bench_parse(runs: int, corpus: list[Path], what: str = "plans") -> list[Result]:
    """Parse throughput over a corpus, against reading and splitting the same text.

    CPU time of this process, so the other work on a shared machine weighs less. Warm: the
    parser's memos (sentences, readings of responsibility lines) hold what earlier passes over
    the same corpus left in them, which flatters a corpus that repeats itself; cold: they are
    emptied before each pass, as in a fresh process that parses the corpus once.

    Documents the parser refuses (`ParseError`: no plan structure, a damaged numbering) are
    left out, so the figure is the rate of the documents it reads.
    """
    from fgf_opendata.agencies import default_registry
    from fgf_opendata.errors import ParseError
    from fgf_opendata.parsing import parse_plan

    registry = default_registry()
    texts = []
    for path in corpus:
        text = path.read_text(encoding="utf-8")
        try:
            parse_plan(text, registry=registry)
        except ParseError:
            continue
        texts.append(text)
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    def parse_all() -> None:
        for text in texts:
            parse_plan(text, registry=registry)

    def split_all() -> None:
        for text in texts:
            text.encode("utf-8").decode("utf-8").split("\n")

    clears = _parser_caches()

    def clear() -> None:
        for cache_clear in clears:
            cache_clear()

    medians = _interleaved_medians(
        runs,
        {"warm": parse_all, "cold": parse_all, "split": split_all},
        clock=time.process_time,
        before={"cold": clear},
    )
    baseline = medians["split"]
    results = [
        Result(
            "3 parse throughput",
            f"parse {len(texts)} {what} ({size_mb:.1f} MB), {state} caches",
            size_mb / medians[state],
            "MB/s",
            "decode + split lines (MB/s)",
            size_mb / baseline,
            baseline / medians[state],
            ">= 20 MB/s",
            size_mb / medians[state] >= 20,
        )
        for state in ("warm", "cold")
    ]
    return [*results, _parse_bound(runs, texts[:_BOUND_SAMPLE], what)]


_BOUND_SAMPLE = 200
"""Plans of a corpus whose nodes `_parse_bound` builds from literals (writing and compiling
one function per plan takes longer than parsing it)."""


def _parse_bound(runs: int, texts: list[str], what: str) -> Result:
    """The parse throughput the model allows: `texts` parsed, against their plans built node by
    node from literals and rendered (`benchmarks/floor.py`), the fixed part of every parse.
    Not a goal: it says how much of the parse figure is left to the reading."""
    import importlib.util

    from fgf_opendata.agencies import default_registry
    from fgf_opendata.parsing import parse_plan

    registry = default_registry()
    plans = [parse_plan(text, registry=registry) for text in texts]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    def parse_all() -> None:
        for text in texts:
            parse_plan(text, registry=registry)

    spec = importlib.util.spec_from_file_location("floor", ROOT / "benchmarks" / "floor.py")
    assert spec is not None
    assert spec.loader is not None
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    medians = _interleaved_medians(
        runs, {"parse": parse_all, **floor.fixed_work(plans)}, clock=time.process_time
    )
    parse = medians["parse"]
    fixed = medians["build"] + medians["render"]
    return Result(
        "3 parse bound",
        f"{len(texts)} {what} built from literals + render check",
        size_mb / fixed,
        "MB/s",
        "parse the same, warm (MB/s)",
        size_mb / parse,
        fixed / parse,
        "none (ratio: fixed share of the parse)",
        None,
    )


def _build_corpus(paths: list[Path], out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `fgf build` over `paths`, in a child process."""
    argv = [*_fgf(), "build", *map(str, paths), "-o", str(out), "--quiet", *extra]
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "w = time.perf_counter() - t\n"
        "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.write(r.stderr.decode()[-400:])\n"
        "print(w, m, r.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True
    )
    wall, peak, rc = done.stdout.split()
    if rc != "0":
        raise RuntimeError(f"corpus build failed ({rc}): {done.stderr}")
    return float(wall), float(peak)


def bench_corpus(runs: int, corpora: dict[int, list[Path]], work: Path) -> list[Result]:
    """Corpus builds of 100 and 1,000 plans: time, memory, linearity."""
    figures: dict[int, tuple[float, float]] = {}
    for count, paths in corpora.items():
        out = work / f"corpus-{count}"
        # the build as the goal counts it: the store and the site are timed apart
        samples = [
            _build_corpus(paths, out, "--no-store", "--no-site", "--no-cache") for _ in range(runs)
        ]
        figures[count] = (
            statistics.median(s[0] for s in samples),
            max(s[1] for s in samples),
        )
    small, large = min(figures), max(figures)
    wall_small, _ = figures[small]
    wall_large, peak_large = figures[large]
    scale = large / small
    ratio = wall_large / wall_small
    return [
        *bench_incremental(max(2, runs), corpora[large], work),
        Result(
            "4 corpus build",
            f"fgf build {large} plans",
            wall_large,
            "s",
            f"fgf build {small} plans",
            wall_small,
            ratio,
            f"< 60 s and <= {1.1 * scale:.0f}x the {small}-plan build",
            wall_large < 60 and ratio <= 1.1 * scale,
        ),
        Result(
            "4 corpus build",
            f"peak memory, {large} plans",
            peak_large,
            "MB",
            None,
            None,
            None,
            "< 1024 MB",
            peak_large < 1024,
        ),
    ]


def _touch_one_plan(path: Path) -> None:
    """A change to one plan that keeps it a plan with the same id: a word added to its first
    numbered section."""
    text = path.read_text(encoding="utf-8")
    changed = text.replace("（一）", "（一）切实", 1)
    if changed == text:
        raise RuntimeError(f"{path} has no （一） to change")
    path.write_text(changed, encoding="utf-8")


def bench_incremental(runs: int, paths: list[Path], work: Path) -> list[Result]:
    """Issue 14 goal 4: `fgf build` of the corpus after one plan changed (the cache holding
    every other plan) against the full build (`--no-cache`: every plan parsed), both without
    the store and the site, each timed from a cold process; a cache folder of its own."""
    sources = work / f"incremental-{len(paths)}"
    shutil.rmtree(sources, ignore_errors=True)
    sources.mkdir(parents=True)
    for path in paths:
        shutil.copy(path, sources / path.name)
    out = work / f"incremental-{len(paths)}-out"
    cache = work / "incremental-cache"
    environ = {**os.environ, "FGF_CACHE_DIR": str(cache)}
    argv = [*_fgf(), "build", str(sources), "-o", str(out), "-q", "--no-store", "--no-site"]

    def timed(*extra: str) -> float:
        start = time.perf_counter()
        subprocess.run([*argv, *extra], env=environ, capture_output=True, check=True)
        return time.perf_counter() - start

    full = [timed("--no-cache") for _ in range(runs)]
    cold = timed()  # the first build with the cache: every plan parsed and kept
    changed = []
    # A changed build takes a second or two where a full one of 1,000 plans takes 35-45 s:
    # five of them at least, so one slow run on a noisy machine does not move the median.
    for run in range(max(5, runs)):
        # a different plan each run, so each build finds exactly one source not cached
        _touch_one_plan(sources / paths[len(paths) // 2 + run].name)
        changed.append(timed())
    full_median, changed_median = statistics.median(full), statistics.median(changed)
    print(
        f"  {len(paths)} plans: full {full_median:.1f} s, first with the cache {cold:.1f} s, "
        f"one plan changed {changed_median:.2f} s",
        file=sys.stderr,
        flush=True,
    )
    return [
        Result(
            "4 corpus build",
            f"fgf build {len(paths)} plans, one changed (cache)",
            changed_median,
            "s",
            f"full build, {len(paths)} plans (--no-cache)",
            full_median,
            changed_median / full_median,
            "<= 0.05x the full build",
            changed_median <= 0.05 * full_median,
        )
    ]


QUERIES = ("lead-ranking", "due-by-2021", "measures-led-by")


def bench_query(runs: int, corpora: dict[int, list[Path]], work: Path) -> list[Result]:
    """Issue 14 goal 5: each example query over the largest corpus from a cold process, through
    the indexed store (`linked.store`), <= 2 s; and the ratio store / N-Triples on the smallest
    corpus (rdflib would take minutes and gigabytes to read the largest one's N-Triples)."""
    cache = work / "query-cache"
    env = {**os.environ, "FGF_CACHE_DIR": str(cache)}
    no_store = {**os.environ, "FGF_CACHE_DIR": str(work / "no-cache")}
    small, large = min(corpora), max(corpora)
    folders = {}
    for count in (small, large):
        folders[count] = work / f"query-corpus-{count}"
        start = time.perf_counter()
        build = [
            *_fgf(),
            "build",
            *map(str, corpora[count]),
            "-o",
            str(folders[count]),
            "-q",
            "--no-site",
        ]
        subprocess.run(build, env=env, capture_output=True, check=True)
        print(
            f"  corpus of {count} with its store: {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )

    def query(name: str, folder: Path, environ: dict[str, str]) -> Callable[[], object]:
        argv = [
            *_fgf(),
            "query",
            "--example",
            name,
            str(folder),
            "--max-rows",
            "0",
            "--timeout",
            "0",  # timed here, not bounded: a loaded machine must not turn into an error
            "--format",
            "csv",
        ]

        def run() -> object:
            done = subprocess.run(argv, env=environ, capture_output=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr[-300:]!r}")
            return done

        return run

    results = []
    for name in QUERIES:
        runners = {
            "large": query(name, folders[large], env),
            "small": query(name, folders[small], env),
            "small-nt": query(name, folders[small], no_store),
        }
        # wall time as the goal says, and the CPU time of the query process, which the other
        # engineers' work on the same 2 cores does not inflate
        for clock, what in ((time.perf_counter, "wall"), (_children_cpu, "CPU")):
            medians = _interleaved_medians(runs, runners, clock=clock)
            results.append(
                Result(
                    "5 corpus query",
                    f"fgf query --example {name}, {large} plans (store), {what}",
                    medians["large"],
                    "s",
                    f"N-Triples, {small} plans",
                    medians["small-nt"],
                    medians["small"] / medians["small-nt"],
                    f"<= 2 s cold (ratio: store / N-Triples on {small} plans)",
                    medians["large"] <= 2,
                )
            )
    return results


def _children_cpu() -> float:
    """User and system seconds of every child process ended so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _table(results: list[Result]) -> str:
    rows = [("benchmark", "figure", "median", "baseline", "ratio", "goal", "met")]
    for r in results:
        base = f"{r.baseline}: {r.baseline_median:.3f}" if r.baseline_median is not None else "-"
        rows.append(
            (
                r.benchmark,
                r.figure,
                f"{r.median:.3f} {r.unit}",
                base,
                f"{r.ratio:.2f}" if r.ratio is not None else "-",
                r.goal,
                "-" if r.met is None else "yes" if r.met else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller corpora")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json"
    )
    parser.add_argument(
        "--only",
        choices=["ci", "validate", "startup", "parse", "corpus", "query", "site"],
        action="append",
    )
    args = parser.parse_args(argv)
    runs = 3 if args.quick else 5
    sizes = (10, 100) if args.quick else (100, 1000)
    only = set(args.only or ["ci", "validate", "startup", "parse", "corpus", "query", "site"])
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="fgf-bench-") as tmp:
        work = Path(tmp)
        corpus_dir = ROOT / "benchmarks" / "results" / "corpus"
        corpora = {n: make_corpus(corpus_dir, n) for n in sizes}
        steps: list[tuple[str, Callable[[], list[Result]]]] = [
            ("ci", lambda: bench_ci_step(runs * 2 - 1, work)),
            ("validate", lambda: bench_validate(runs * 2 - 1, work)),
            ("startup", lambda: bench_startup(runs * 2)),
            ("parse", lambda: bench_parse(runs, corpora[max(sizes)])),
            ("parse", lambda: bench_parse(runs * 3, REAL_CORPUS, "real documents")),
            ("corpus", lambda: bench_corpus(max(1, runs // 2), corpora, work)),
            ("query", lambda: bench_query(runs, {10: corpora[min(sizes)][:10], **corpora}, work)),
            ("site", lambda: bench_site(runs, work)),
        ]
        for name, step in steps:
            if name in only:
                print(f"running {name} ...", file=sys.stderr, flush=True)
                results.extend(step())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(_table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "results": [asdict(r) for r in results],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if all(r.met is not False for r in results) else 1


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
