"""The `fgf` command line: thin shells over library functions.

One cohesive thing, the command table, kept in one module on purpose: the click group, its
seven commands (parse, schema, build, site, validate, diff, query) with their options and help
texts (the help is the command line's documentation, so most of the lines here are prose),
the one error handler (`_Group`) and the few option and printing helpers the commands share.
Each command reads its arguments, calls the library and prints; the work is in the modules it
calls, and the defaults it shows are theirs (`publication.PACKAGE_FOLDER`, `linked.bounds`).

Exit codes: 0 ok; 1 the plan or package is invalid (failed `validate`, findings under
`--strict`, a stale package under `build --check`); 2 input that cannot be read or parsed, or
bad arguments; 3 an internal error (a bug: rerun with `--debug` and report the traceback).
Errors are caught in one place (`_Group.invoke`) and printed as one line on stderr,
`fgf: error: <file>: <where>: <what> [<code>]`; a parse error adds its line with a caret, and
an error that carries a report (a build's failed gates) adds it indented.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .findings import Finding, SourceLocation
from .linked.bounds import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, OUTPUT_FORMATS
from .publication import DESCRIPTOR, PACKAGE_FOLDER, VERSION

F = TypeVar("F", bound=Callable[..., Any])

REFERENCE_SOURCE = "guobanfa-2021-25.txt"


def reference_source() -> Path:
    """The bundled reference plan (国办发〔2021〕25号), shipped inside the package."""
    from importlib.resources import files

    return Path(str(files("fgf_opendata") / "data" / "sources" / REFERENCE_SOURCE))


def _no_collection_at_exit() -> None:
    """Freeze what is alive when the process exits, so its exit does not run the cycle
    collector over it: for a command that writes no file and ends with its report (`validate`,
    `build --check`), that pass over every object the gates left alive cost 0.05-0.1 s.
    Registered once per process, however often `main` runs in it."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


class _Group(click.Group):
    """Turns `FgfError` into one line on stderr and an exit code; `--debug` shows tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import FgfError, ParseError

        try:
            return super().invoke(ctx)
        except FgfError as exc:
            if ctx.meta.get("fgf.debug"):
                raise
            first, *details = str(exc).splitlines() or [""]
            click.echo(f"fgf: error: {_with_code(first, exc.code)}", err=True)
            if details:  # a report under the line (a build's failed gates), indented
                click.echo(_indent("\n".join(details)), err=True)
            if isinstance(exc, ParseError) and exc.source_line:
                click.echo(_indent(exc.get_context()), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("fgf: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if ctx.meta.get("fgf.debug"):
                raise
            click.echo(
                f"fgf: internal error: {type(exc).__name__}: {exc} "
                "(a bug; rerun with --debug and report the traceback)",
                err=True,
            )
            ctx.exit(3)


def _with_code(line: str, code: str) -> str:
    """The error's line, ending with its code in brackets (once: a message may carry it)."""
    suffix = f"[{code}]"
    return line if line.endswith(suffix) else f"{line} {suffix}"


@contextmanager
def _naming(name: str | Path) -> Iterator[None]:
    """Parse errors raised inside name `name`, the file their text was read from.

    The parser sees text only; the command that read the file knows its name.
    """
    from .errors import ParseError

    try:
        yield
    except ParseError as exc:
        exc.with_path(name)
        raise


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="fgf")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for bug reports).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Publish State Council key-task division plans (重点任务分工方案) as open data."""
    ctx.meta["fgf.debug"] = debug


def input_options(func: F) -> F:
    """--encoding and --max-bytes, shared by every command that reads a source text.

    A codec that is unknown or not a text codec (rot13, base64) is refused before anything is
    read, as a `DecodeError` (exit 2). Sources are read by `textio.read_source`: regular files
    only, at most --max-bytes + 1 bytes.
    """
    func = click.option(
        "--max-bytes",
        type=click.IntRange(min=1, max=sys.maxsize - 1),  # a read takes at most this plus one
        default=None,
        help="Refuse inputs larger than this (default 16 MiB, or FGF_MAX_BYTES).",
    )(func)
    func = click.option(
        "--encoding",
        default=None,
        metavar="CODEC",
        callback=_checked_encoding,
        help="Encoding of the source (default: UTF-8, or UTF-16/UTF-32 by BOM), e.g. gb18030.",
    )(func)
    return func


def _checked_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .textio import check_encoding

    if value is not None:
        check_encoding(value)
    return value


def _read_plan_source(source: str | None, encoding: str | None, max_bytes: int | None) -> Any:
    from .textio import read_source

    return read_source(source or reference_source(), encoding, limit=max_bytes)


def _read_diff_side(path: str, encoding: str | None, max_bytes: int | None) -> Any:
    """One side of `fgf diff`: UTF-8 (or by its BOM) when it decodes so, else `encoding`.

    So `--encoding gb18030` reads a GB18030 plan against a UTF-8 one (or a plan JSON); the
    error of the named codec is the one reported when neither decodes.
    """
    from .diff import read_plan
    from .errors import DecodeError

    with _naming(path):
        try:
            return read_plan(path, limit=max_bytes)
        except DecodeError:
            if not encoding:
                raise
        return read_plan(path, encoding=encoding, limit=max_bytes)


@main.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.option("--strict", is_flag=True, help="Exit 1 when the plan has findings.")
@input_options
def parse(
    source: str | None,
    output: str | None,
    strict: bool,
    encoding: str | None,
    max_bytes: int | None,
) -> None:
    """Parse SOURCE (default: the bundled reference plan) and print its canonical JSON."""
    from .agencies import default_registry
    from .checks import check_plan
    from .parsing import parse_plan
    from .serialize import plan_to_json

    decoded = _read_plan_source(source, encoding, max_bytes)
    registry = default_registry()
    with _naming(source or REFERENCE_SOURCE):
        plan = parse_plan(decoded.text, registry=registry)
    findings = check_plan(plan, registry, decoded.text)
    _report_findings(findings, source or REFERENCE_SOURCE)
    data = plan_to_json(plan)
    if output:
        from .files import write_atomic

        write_atomic(Path(output), data.encode("utf-8"))
    else:
        click.echo(data, nl=False)
    if strict and findings:
        sys.exit(1)


def _report_findings(findings: Iterable[Finding], name: str) -> None:
    for finding in findings:
        at = finding.location
        where = f"{name}:{at.line}:{at.column}" if isinstance(at, SourceLocation) else name
        click.echo(f"{where}: {finding.severity}: {finding.message} [{finding.code}]", err=True)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="schemas",
    show_default=True,
    help="Folder to write the schemas into.",
)
def schema(output: str) -> None:
    """Write the JSON Schema of the plan model (and the package's schemas) to OUTPUT."""
    from .files import write_atomic
    from .schemas import generated_schemas

    folder = Path(output)
    for name, text in generated_schemas().items():
        write_atomic(folder / name, text.encode("utf-8"))
        click.echo(f"wrote {folder / name}")


@main.command("build")
@click.argument("sources", nargs=-1, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default=PACKAGE_FOLDER,
    show_default=True,
    help="The package folder to (re)write.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming the stale files.")
@click.option("--strict", is_flag=True, help="Exit 1 without writing when the plan has findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option(
    "--no-site",
    "no_site",
    is_flag=True,
    help="Leave out the static site (OUTPUT/site/; about a second of a first build).",
)
@click.option(
    "--no-store",
    "no_store",
    is_flag=True,
    help="Corpus builds: do not load the graph into the indexed store `fgf query` reads.",
)
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Corpus builds: parse every source again, neither reading nor filling the cache.",
)
@input_options
def build_command(
    sources: tuple[str, ...],
    output: str,
    check: bool,
    strict: bool,
    quiet: bool,
    no_site: bool,
    no_store: bool,
    no_cache: bool,
    encoding: str | None,
    max_bytes: int | None,
) -> None:
    """Build the Data Package of SOURCES (default: the bundled reference plan) into OUTPUT.

    Several sources, or a folder of *.txt files, make one corpus package (ids prefixed by
    plan, agencies shared, one N-Triples graph, a DCAT catalogue); a document that is not a
    plan is reported and skipped. Its graph is also loaded into an indexed store in the cache
    (FGF_CACHE_DIR, else $XDG_CACHE_HOME/fgf-opendata) that `fgf query` reads, unless
    --no-store; each source's share of the output is cached there too, by content, so a
    rebuild parses only the sources that changed (--no-cache: all of them). A corpus build shows its progress on a terminal unless --quiet.

    The folder is replaced whole, and only once the new package passes the build's gates: on
    any failure the previous package is left as it was. The gates are the Data Package v2
    profiles, every file's size and sha256, and the project's rules and foreign keys on the
    rows; each cell was checked against its Table Schema field as it was written. The full
    frictionless validation is `fgf validate` (CI runs it).

    The package holds its static site in OUTPUT/site/ (open site/index.html: the landing page
    the catalogue names, with every file of the package), unless --no-site; a corpus's site
    has a page per plan and links each agency across plans.

    --check builds in memory and compares with OUTPUT byte for byte (the site too); it writes
    nothing.
    """
    from .build import build_package, check_build, stale_summary

    if len(sources) > 1 or any(Path(s).is_dir() for s in sources):
        if check or strict:
            raise click.UsageError("--check and --strict work on a single source")
        _build_corpus(
            sources,
            Path(output),
            quiet,
            encoding,
            max_bytes,
            store=not no_store,
            cache=not no_cache,
            site=not no_site,
        )
        return
    source = sources[0] if sources else None
    decoded = _read_plan_source(source, encoding, max_bytes)
    target = Path(output)
    with _naming(source or REFERENCE_SOURCE):
        if check:
            stale = check_build(decoded.text, target, site=not no_site)
            _no_collection_at_exit()
            if stale:
                command = _build_command(source, output, encoding, site=not no_site)
                click.echo(f"{target} is stale; run `{command}`:\n{stale_summary(stale)}", nl=False)
                sys.exit(1)
            if not quiet:
                click.echo(f"{target} is up to date")
            return
        result = build_package(decoded.text, target, strict=strict, site=not no_site)
    _report_findings(result.outputs.findings, source or REFERENCE_SOURCE)
    if not result.written:
        click.echo(f"fgf: findings under --strict: {target} was not written", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"wrote {target} ({len(result.outputs.files)} files)")


def _build_command(
    source: str | None, output: str, encoding: str | None, *, site: bool = True
) -> str:
    """The `fgf build` command that rewrites OUTPUT from SOURCE, as the user would type it."""
    import shlex

    words = ["fgf", "build"]
    if source is not None:
        words.append(source)
    if output != PACKAGE_FOLDER:
        words += ["-o", output]
    if encoding is not None:
        words += ["--encoding", encoding]
    if not site:
        words.append("--no-site")
    return shlex.join(words)


def _build_corpus(
    sources: tuple[str, ...],
    target: Path,
    quiet: bool,
    encoding: str | None,
    limit: int | None,
    *,
    store: bool,
    cache: bool,
    site: bool,
) -> None:
    from .corpus import build_corpus

    progress = None if quiet or not sys.stderr.isatty() else _Progress()
    result = build_corpus(
        sources,
        target,
        encoding=encoding,
        limit=limit,
        progress=progress,
        store=store,
        cache=cache,
        site=site,
    )
    if progress is not None:
        progress.finish()
    for skipped in result.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    if result.store_error is not None:
        click.echo(
            f"fgf: warning: no query store for {target} ({result.store_error}); "
            "`fgf query` reads the N-Triples instead",
            err=True,
        )
    if not quiet:
        plans = f"{len(result.plans)} plan{'' if len(result.plans) == 1 else 's'}"
        click.echo(f"wrote {target} ({plans}, {len(result.skipped)} skipped)")


class _Progress:
    """One self-rewriting line on stderr: plans done, rate and time left."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.start = self.clock()

    def __call__(self, done: int, total: int, name: str) -> None:
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0.0
        line = f"\r{done}/{total} plans  {rate:.1f}/s  ETA {eta:.0f}s  {Path(name).name[:30]}"
        click.echo(line.ljust(72), err=True, nl=False)

    def finish(self) -> None:
        click.echo("", err=True)


@main.command("site")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    required=True,
    help="The site folder to (re)write.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@input_options
def site_command(
    inputs: tuple[str, ...],
    output: str,
    quiet: bool,
    encoding: str | None,
    max_bytes: int | None,
) -> None:
    """Write the static site of a package folder, or of source texts, into OUTPUT.

    INPUTS is a package folder fgf wrote (a plan's or a corpus'), or source texts (files or
    folders of *.txt; default: the bundled reference plan). The site is HTML that needs no
    server and no network: the plan with role badges, deadlines and links into the highlighted
    source text, a page per agency across every plan, the deadlines by month, and three charts
    with their numbers as tables. A package's files are linked from the landing page.
    OUTPUT is replaced whole, and only when it is new, empty or a site fgf wrote.
    """
    import os

    from .agencies import default_registry
    from .build import sources_site
    from .corpus import expand_sources
    from .site.output import site_of_package, write_site

    registry = default_registry()
    target = Path(output)
    folders = [Path(i) for i in inputs if (Path(i) / DESCRIPTOR).is_file()]
    if folders:
        if len(inputs) > 1:
            raise click.UsageError("give one package folder, or source texts, not both")
        href = os.path.relpath(folders[0], target).replace(os.sep, "/") + "/"
        files = site_of_package(folders[0], registry, href=href, skip=target)
    else:
        paths = expand_sources(inputs) if inputs else [reference_source()]
        texts = [(str(p), _read_plan_source(str(p), encoding, max_bytes).text) for p in paths]
        files, skipped = sources_site(texts, registry)
        for name, reason in skipped:
            click.echo(f"skipped {name}: {reason}", err=True)
    write_site(files, target)
    if not quiet:
        click.echo(f"wrote {target} ({len(files)} files)")


@main.command("validate")
@click.argument("path", required=False, default=PACKAGE_FOLDER, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Findings shown per rule in the text report.",
)
def validate_command(path: str, as_json: bool, limit: int) -> None:
    """Validate the data package in PATH (default: datapackage): exit 0 valid, 1 invalid.

    Runs frictionless (offline), the official Data Package v2 profiles and the project's rules:
    the full gate for a package whoever wrote it (`fgf build` runs lighter gates on its own
    output). `--json` prints the report as data (schemas/validation-report.schema.json).
    """
    from .serialize import dumps
    from .tabular.gates import validate_package
    from .tabular.report import format_report

    report = validate_package(Path(path), linked=True)
    _no_collection_at_exit()
    if as_json:
        click.echo(dumps(report.as_dict()), nl=False)
    else:
        click.echo(format_report(report, limit=limit), nl=False)
    if not report.valid:
        sys.exit(1)


@main.command("diff")
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@click.option(
    "--strict", is_flag=True, help="Also exit 1 when either plan has findings (on stderr)."
)
@input_options
def diff_command(
    old: str,
    new: str,
    as_json: bool,
    strict: bool,
    encoding: str | None,
    max_bytes: int | None,
) -> None:
    """Compare two plans: exit 0 when they are the same, 1 when they differ (like diff).

    OLD and NEW are each a plan text, a plan JSON or a package folder (its plan.json); two plans
    of a corpus package are its files PACKAGE/plans/ID.json. Tasks and measures are matched by
    text, so renumbered and moved ones are recognised. Each side is
    read as UTF-8 (or by its BOM) when it decodes so, else with --encoding: a GB18030 plan
    compares with a UTF-8 one. --strict checks both plans as `fgf parse --strict` does and
    exits 1 when either has findings, after printing the differences.
    """
    from .diff import diff_plans, format_diff
    from .serialize import dumps

    plans = (_read_diff_side(old, encoding, max_bytes), _read_diff_side(new, encoding, max_bytes))
    result = diff_plans(*plans)
    if as_json:
        click.echo(dumps(result.to_dict()), nl=False)
    else:
        click.echo(format_diff(result, labels=(old, new)), nl=False)
    findings = False
    if strict:
        from .agencies import default_registry
        from .checks import check_plan

        for name, plan in zip((old, new), plans, strict=True):
            found = check_plan(plan, default_registry())
            _report_findings(found, name)
            findings = findings or bool(found)
        if findings:
            click.echo("fgf: findings under --strict", err=True)
    if findings or not result.same:
        sys.exit(1)


class _QueryCommand(click.Command):
    """`fgf query --help` ends with the example queries and the predeclared prefixes."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .linked.query import example_description, example_names
        from .linked.vocab import PREFIXES

        with formatter.section("Examples (--example NAME)"):
            formatter.write_dl([(name, example_description(name)) for name in example_names()])
        with formatter.section("Predeclared prefixes (no PREFIX line needed)"):
            formatter.write_dl([(f"{prefix}:", iri) for prefix, iri in sorted(PREFIXES.items())])
        super().format_epilog(ctx, formatter)


@main.command("query", cls=_QueryCommand)
@click.argument("sparql", required=False)
@click.argument("path", required=False, type=click.Path(dir_okay=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default="table",
    show_default=True,
    help="How to print the answer.",
)
@click.option("--example", metavar="NAME", help="Run a bundled example query (listed below).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, max=1e6),
    default=DEFAULT_TIMEOUT,
    metavar="SECONDS",
    help=f"Stop the query after this long and exit 2 (default {DEFAULT_TIMEOUT}; 0 for no limit).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_ROWS,
    metavar="N",
    help="Print at most N rows; a longer answer prints them, then exits 2 "
    f"(default {DEFAULT_MAX_ROWS}; 0 for no limit).",
)
def query_command(
    sparql: str | None,
    path: str | None,
    fmt: str,
    example: str | None,
    timeout: float,
    max_rows: int,
) -> None:
    """Run a SPARQL query over the plan graph and print the answer.

    SPARQL is the query text, or a file when it ends in .rq or .sparql. PATH is a .ttl, .nt or
    .jsonld file or a package folder, a plan's or a corpus' (default:
    datapackage/linked/plan.ttl). With --example
    NAME, the one argument is PATH. The query reads that graph only: SERVICE, FROM, FROM NAMED
    and GRAPH are refused before it runs.
    """
    from .linked.query import (
        DEFAULT_GRAPH,
        is_query_file,
        load_queryable,
        prefix_graph,
        resolve_query,
    )
    from .linked.sparql import format_table, row_limit_error, run_query

    text, graph_path = resolve_query(sparql, path, example)
    source = sparql if example is None and sparql is not None and is_query_file(sparql) else None
    graph = load_queryable(Path(graph_path) if graph_path else DEFAULT_GRAPH)
    table = run_query(
        text, graph, timeout=timeout or None, max_rows=max_rows or None, source=source
    )
    click.echo(format_table(table, fmt, prefix_graph(graph)), nl=False)  # type: ignore[arg-type]
    if not table.complete:
        raise row_limit_error(max_rows, source)
