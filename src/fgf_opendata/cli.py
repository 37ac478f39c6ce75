"""The `fgf` command line: thin shells over library functions.

Exit codes: 0 ok; 1 the plan or package is invalid (failed `validate`, findings under
`--strict`, a stale package under `build --check`); 2 input that cannot be read or parsed, or
bad arguments; 3 an internal error (a bug: rerun with `--debug` and report the traceback).
Errors are caught in one place (`_Group.invoke`) and printed as one line on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])

REFERENCE_SOURCE = "guobanfa-2021-25.txt"


def reference_source() -> Path:
    """The bundled reference plan (国办发〔2021〕25号), shipped inside the package."""
    from importlib.resources import files

    return Path(str(files("fgf_opendata") / "data" / "sources" / REFERENCE_SOURCE))


class _Group(click.Group):
    """Turns `FgfError` into one line on stderr and an exit code; `--debug` shows tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import FgfError, ParseError

        try:
            return super().invoke(ctx)
        except FgfError as exc:
            if ctx.meta.get("fgf.debug"):
                raise
            click.echo(f"fgf: error: {exc}", err=True)
            if isinstance(exc, ParseError) and exc.source_line:
                click.echo(_indent(exc.get_context()), err=True)
            ctx.exit(getattr(exc, "exit_code", 2))
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


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fgf")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for bug reports).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Publish State Council key-task division plans (重点任务分工方案) as open data."""
    ctx.meta["fgf.debug"] = debug


def input_options(func: F) -> F:
    """--encoding and --max-bytes, shared by every command that reads a source text."""
    func = click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=None,
        help="Refuse inputs larger than this (default 16 MiB, or FGF_MAX_BYTES).",
    )(func)
    func = click.option(
        "--encoding",
        default=None,
        metavar="CODEC",
        help="Encoding of the source (default: UTF-8/UTF-16 by BOM, else UTF-8), e.g. gb18030.",
    )(func)
    return func


def _read_plan_source(source: str | None, encoding: str | None, max_bytes: int | None) -> Any:
    from .textio import read_source

    return read_source(source or reference_source(), encoding, limit=max_bytes)


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
    from .parse import parse_plan
    from .serialize import plan_to_json
    from .validate import check_plan

    decoded = _read_plan_source(source, encoding, max_bytes)
    registry = default_registry()
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


def _report_findings(findings: Any, name: str) -> None:
    for finding in findings:
        where = f"{name}:{finding.line}:{finding.column}" if finding.line else name
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
