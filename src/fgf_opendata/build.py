"""`fgf build`: from a plan's text to its data package folder, all or nothing.

The stages run in one direction, each once: parse the text, check the plan
(`checks.check_plan`), produce every output file (`package.data_files`, the database, the RDF
files of `linked.outputs.write_linked`, the package documents, then the descriptor that lists
them all, then the site), each written into a temporary folder beside the target as it is made,
of which only its size and sha256 stay in memory (`fileset.FileSet`: what lists a file, the
descriptor, the catalogue and the landing page, needs no more); then run the build's gates
on the folder, and only then swap it in for the target. A failure at any stage, or a kill,
leaves the previous package byte-identical: on Linux the swap is one
`renameat2(RENAME_EXCHANGE)`; elsewhere it is two renames, and a kill between them leaves the
old package whole in `.<target>.old-*` beside the target. Which folders a build may replace, and how the temporary folders a kill leaves are
cleaned up by the next build, is `files`' business (`check_replaceable`, `stage`, `publish`).
`package_outputs` makes the same files in memory, for the library.

Two gates, split on purpose:

- `fgf build` refuses to swap in a package that fails its own gates
  (`tabular.gates.check_built_package`): the Data Package v2 profiles on the descriptor and on
  every Table Schema and dialect; every written file with the size and sha256 the descriptor
  records; the project's rules (ids unique, subject ids known, every task and measure
  assigned, agency ids known, no deadline before the date of issue, spans that slice the
  source) and every foreign key, on the rows in memory. It does not run frictionless over rows
  it has just written: `cells.table_csv` already refused any value that does not fit its
  field (type, required, enum, pattern, bounds, unique, primary key) when it wrote the cell.
- `fgf validate` (`tabular.gates.validate_package`) is the full gate for a package whoever
  wrote it: frictionless (offline), the profiles and the project's rules. CI runs it, and
  `frictionless validate`, on the checked-in package.

`check_build` produces the same files in a temporary folder and compares their sizes and sha256
with those of a checked-in package, so CI can tell a stale `datapackage/` (`fgf build
--check`). It writes nothing there and runs no gate: the files are compared, not judged.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .agencies import Registry, default_registry
from .checks import check_plan
from .errors import ExportError, InvalidPackageError
from .files import SITE, check_replaceable, staged
from .fileset import FileSet, FileStat, is_safe_path, overlay, stat_of
from .findings import Finding
from .memory import cycle_collection_paused
from .model import Plan
from .package_docs import DOCUMENTS, package_documents
from .parsing import parse_plan
from .publication import DATABASE, DATASETTE_METADATA, DESCRIPTOR, LANDING_PAGE, SourceInfo
from .serialize import dumps
from .tabular.database import database_bytes, datasette_metadata
from .tabular.descriptor import data_files, descriptor_bytes, package_descriptor

if TYPE_CHECKING:  # the gates are imported where they run: `--check` needs none of them
    from .tabular.report import PackageReport

__all__ = [
    "BuildResult",
    "LinkedOutputs",
    "Outputs",
    "StaleFile",
    "build_package",
    "check_build",
    "compare_files",
    "default_linked",
    "package_outputs",
    "site_outputs",
    "sources_site",
    "stale_summary",
    "write_package",
]

LinkedOutputs = Callable[[Plan, Registry, Mapping[str, bytes | None]], Mapping[str, bytes]]
"""Makes extra files (path -> bytes) from the plan and the package's data files (the CSVs,
plan.json and the source; not datapackage.json, which lists the extra files in turn). A path
mapped to None is a file made after them: the site's landing page (`site/index.html`), which
the catalogue names as the dataset's `dcat:landingPage`."""

PackageCheck = Callable[[Path], "PackageReport"]

CHECKED_IN_MEMORY = 100_000
"""`check_build` keeps the files of a source of up to this many characters in memory (the
reference plan's 12,700 make 3.2 MB, so about 25 MB at most) rather than in a temporary
folder: writing and deleting them there cost `build --check` of the reference some 45 ms of
CPU and of wall time, more than producing the plan's Turtle and JSON-LD."""


def default_linked() -> LinkedOutputs:
    """The RDF outputs to add to the package: `linked.outputs.linked_outputs`.

    Imported here, on first use: the writer and oxigraph, which `fgf parse`, `fgf check` and
    `import fgf_opendata.build` never need (a test keeps it so). The writer names its terms
    from `linked.names` and imports no rdflib at all (another test keeps that)."""
    from .linked.outputs import linked_outputs

    return linked_outputs


@dataclass(frozen=True)
class Outputs:
    """Everything a build produces, in memory."""

    plan: Plan
    findings: tuple[Finding, ...]
    """Content findings of `check_plan` on the parsed plan."""
    files: Mapping[str, bytes]
    """Path inside the package -> bytes, datapackage.json included, and the site's files under
    `site/` when it was asked for, in path order (empty when a strict build stopped before
    producing them)."""


def package_outputs(
    text: str,
    *,
    registry: Registry | None = None,
    linked: LinkedOutputs | None = None,
    source: SourceInfo | None = None,
    site: bool = False,
) -> Outputs:
    """Parse and check `text` and produce every file of its package, in memory.

    `linked` makes the extra (RDF) files; None means `default_linked()`. Their paths must be
    relative and must not replace a data file. `source` overrides the known source URL.
    `site` adds the static site under `site/` (`site_outputs`; about a second more on a first
    build, for matplotlib and the charts, little once the chart cache holds them), and the catalogue names its index.html as the landing page.
    `build_package` writes each file into the new package folder as it is made instead.
    """
    registry = registry if registry is not None else default_registry()
    plan, findings = _parse(text, registry)
    files = FileSet()
    _produce(plan, text, registry, linked, files, source, site=site)
    return Outputs(plan, findings, dict(files.items()))


def _parse(text: str, registry: Registry) -> tuple[Plan, tuple[Finding, ...]]:
    plan = parse_plan(text, registry=registry)
    return plan, check_plan(plan, registry, text)


def _produce(
    plan: Plan,
    text: str,
    registry: Registry,
    linked: LinkedOutputs | None,
    into: FileSet,
    source: SourceInfo | None = None,
    *,
    site: bool = False,
) -> None:
    """Makes every file of the package into `into`, each written as it is made: what comes
    later needs only the sizes and checksums of what came before (`fileset.stat_of`), and the
    database reads the CSVs back.

    The cycle collector is paused throughout (`memory.cycle_collection_paused`): the stages
    make no cycles that grow with the plan, and a full collection, which walks every object
    alive (the modules, the model's classes, the plan), came during the site's pages and cost
    `build --check` of the reference plan some 30 ms of its 0.6 s."""
    with cycle_collection_paused():
        _produce_files(plan, text, registry, linked, into, source, site=site)


def _produce_files(
    plan: Plan,
    text: str,
    registry: Registry,
    linked: LinkedOutputs | None,
    into: FileSet,
    source: SourceInfo | None,
    *,
    site: bool,
) -> None:
    # The order is forced by who lists whom: the catalogue lists the data files (with their
    # checksums) and names the landing page; the descriptor lists the data and RDF files; the
    # landing page lists every one of them, the descriptor included. So the site comes last,
    # and neither the descriptor nor the catalogue can hold its checksums.
    made = data_files(plan, registry, text)
    for path in list(made):
        into.add(path, made.pop(path))
    # The database and its Datasette metadata are made from the tables as a draft descriptor
    # describes them; the final descriptor lists them too, which changes neither.
    draft = descriptor_bytes(package_descriptor(plan, into, source=source))
    tables = overlay({DESCRIPTOR: draft}, into)
    into.add(DATABASE, database_bytes(tables))
    into.add(DATASETTE_METADATA, dumps(datasette_metadata(tables)).encode("utf-8"))
    later: dict[str, bytes | None] = dict.fromkeys(DOCUMENTS)
    if site:
        later[LANDING_PAGE] = None
    if linked is None:
        from .linked.outputs import write_linked

        write_linked(plan, registry, overlay(later, into), into)
    else:
        extra = linked(plan, registry, overlay(later, into))
        for path, data in extra.items():
            if (
                not is_safe_path(path)
                or path in into
                or path == DESCRIPTOR
                or path.startswith(f"{SITE}/")
            ):
                raise ExportError(f"linked output {path!r} cannot be a file of the package")
            into.add(path, data)
    draft_descriptor = package_descriptor(plan, into, registry=registry, source=source)
    for path, data in package_documents(draft_descriptor, issued=plan.issued).items():
        into.add(path, data)
    descriptor = package_descriptor(plan, into, registry=registry, source=source)
    into.add(DESCRIPTOR, descriptor_bytes(descriptor))
    if site:
        for path, data in site_outputs(plan, registry, into).items():
            into.add(path, data)


def site_outputs(plan: Plan, registry: Registry, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The static site of a package, as files of the package (`site/...`): the landing page
    lists every file of `files` (datapackage.json included) with its size and checksum and
    links it as `../` + path. The descriptor does not list the site; a package folder may
    hold it as a site fgf wrote (`files.foreign_entry`, the unlisted-file rule)."""
    from .site import site_files

    return {
        f"{SITE}/{path}": data
        for path, data in site_files(plan, registry, files, package_href="../").items()
    }


def sources_site(
    texts: Sequence[tuple[str, str]], registry: Registry
) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The site of source texts (name, text) without a package on disk, and what was skipped.

    One text: its package is made in memory, so the landing page lists its files with sizes
    and checksums (not linked). Several: each is parsed; a text that is not a plan is skipped
    with the reason, and the landing page lists the source texts.
    """
    from .errors import InputFileError, ParseError
    from .site import corpus_site_files
    from .tabular.descriptor import source_path

    if len(texts) == 1:
        name, text = texts[0]
        try:
            outputs = package_outputs(text, registry=registry)
        except ParseError as exc:
            exc.args = (f"{name}: {exc}",)
            raise
        files = corpus_site_files(
            [(outputs.plan, text)], registry, outputs.files, package_href=None
        )
        return files, []
    plans: list[tuple[Plan, str]] = []
    skipped: list[tuple[str, str]] = []
    package_files: dict[str, bytes] = {}
    seen: set[str] = set()
    for name, text in texts:
        try:
            plan = parse_plan(text, registry=registry)
        except ParseError as exc:
            skipped.append((name, str(exc).splitlines()[0]))
            continue
        if plan.id in seen:
            skipped.append((name, f"a second plan with the id {plan.id}"))
            continue
        seen.add(plan.id)
        plans.append((plan, text))
        package_files[source_path(plan)] = text.encode("utf-8")
    if not plans:
        raise InputFileError("none of the sources is a plan: " + "; ".join(r for _, r in skipped))
    return corpus_site_files(plans, registry, package_files, package_href=None), skipped


# --- writing ----------------------------------------------------------------------------------


def write_package(
    files: Mapping[str, bytes],
    target: Path,
    *,
    check: PackageCheck | None = None,
    tolerated: frozenset[str] = frozenset(),
) -> PackageReport:
    """Writes `files` into a new folder beside `target`, runs a gate on it, then swaps it in.

    `check` validates the new folder; None means the build's own gates,
    `tabular.gates.check_built_package` on `files` and the folder (pass
    `tabular.gates.validate_package` for the full, frictionless gate). An error whose code is
    not in `tolerated` (the content findings the build already reported, such as a task
    without responsibility in the source) raises `InvalidPackageError`, and `target` is left as
    it was.
    Returns the gate's report.
    """

    def write(into: FileSet) -> None:
        for path, data in files.items():
            into.add(path, data)

    return _write_checked(write, target, check=check, tolerated=tolerated)[0]


def _write_checked(
    make: Callable[[FileSet], None],
    target: Path,
    *,
    check: PackageCheck | None,
    tolerated: frozenset[str],
) -> tuple[PackageReport, FileSet]:
    """`make` writes the package into a new folder beside `target`, the gate runs on it, and
    it is swapped in (see `write_package`). Returns the report and the files, in `target`."""
    from .tabular.gates import check_built_package
    from .tabular.report import PackageReport, format_report

    target = check_replaceable(target)
    with staged(target, f"the package {target}") as new:
        files = FileSet(new)
        make(files)
        report = check(new) if check is not None else check_built_package(files, new)
        errors = [f for f in report.findings if f.severity == "error" and f.code not in tolerated]
        if errors:
            shown = PackageReport(str(target), tuple(errors), report.resources)
            raise InvalidPackageError(
                "the built package does not validate; nothing was written:\n"
                + format_report(shown, limit=3).rstrip()
            )
    return report, files.moved(target)


@dataclass(frozen=True)
class BuildResult:
    """What `build_package` did."""

    target: Path
    outputs: Outputs
    """Its `files` are read from `target` when asked for (a `fileset.FileSet`)."""
    written: bool
    """False when `strict` refused to write because the plan has findings."""


def build_package(
    text: str,
    target: Path,
    *,
    registry: Registry | None = None,
    strict: bool = False,
    linked: LinkedOutputs | None = None,
    check: PackageCheck | None = None,
    site: bool = False,
) -> BuildResult:
    """Builds the package of the plan in `text` into the folder `target`, atomically.

    Under `strict`, any `check_plan` finding stops the build before anything is written.
    `check` is the gate of `write_package` (None: the build's own gates). `site` adds the
    static site under `site/` (`package_outputs`); `fgf build` asks for it.
    Each file is written into the new folder as it is made, and only its size and sha256 are
    kept (a `fileset.FileSet`): a plan of 100,000 tasks makes 1.3 GB of files.
    Raises `ParseError` for text that is not a plan, `ExportError` when the package cannot be
    written and `InvalidPackageError` (an `ExportError`) when it does not validate; the
    previous package is then left as it was.
    """
    check_replaceable(target)  # before any work: `-o ~` is refused at once
    registry = registry if registry is not None else default_registry()
    plan, findings = _parse(text, registry)
    if strict and findings:
        return BuildResult(target, Outputs(plan, findings, {}), written=False)
    tolerated = frozenset(f.code for f in findings)
    _, files = _write_checked(
        lambda into: _produce(plan, text, registry, linked, into, site=site),
        target,
        check=check,
        tolerated=tolerated,
    )
    return BuildResult(target, Outputs(plan, findings, files), written=True)


# --- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class StaleFile:
    """A file of a checked-in package that a fresh build would change."""

    path: str
    """Path inside the package folder."""
    status: Literal["differs", "missing", "extra"]
    """differs: other bytes; missing: the build makes it; extra: the build does not."""


def _files_under(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def check_build(
    text: str,
    target: Path,
    *,
    registry: Registry | None = None,
    linked: LinkedOutputs | None = None,
    site: bool = False,
) -> tuple[StaleFile, ...]:
    """Produces the package and lists how `target` differs from it (empty when fresh).

    The files of a big plan are made in a temporary folder (so they are never all in memory),
    not synced to disk (they are thrown away); those of a source of up to `CHECKED_IN_MEMORY`
    characters are kept in memory. They are compared by size and sha256; `target` is only read,
    and no gate runs: a fresh package is byte-identical to a built one, which passed the gates
    when it was built.
    `site` compares the site under `site/` too.
    """
    registry = registry if registry is not None else default_registry()
    plan, _ = _parse(text, registry)
    in_memory = len(text) <= CHECKED_IN_MEMORY
    with (
        nullcontext(None) if in_memory else tempfile.TemporaryDirectory(prefix="fgf-check-")
    ) as folder:
        files = FileSet(None if folder is None else Path(folder))
        _produce(plan, text, registry, linked, files, site=site)
        return compare_files(files, Path(target))


def compare_files(files: Mapping[str, bytes], target: Path) -> tuple[StaleFile, ...]:
    """The files of folder `target` that differ from `files` (path -> bytes, or a
    `fileset.FileSet`, whose sizes and checksums are compared), in path order. The files of
    `target` are hashed in pieces, never read whole."""
    present = _files_under(target)
    stale: list[StaleFile] = []
    for path in sorted(set(files) | present):
        if path not in present:
            stale.append(StaleFile(path, "missing"))
        elif path not in files:
            stale.append(StaleFile(path, "extra"))
        elif _stat_on_disk(target / path) != stat_of(files, path):
            stale.append(StaleFile(path, "differs"))
    return tuple(stale)


def _stat_on_disk(file: Path) -> FileStat | None:
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            return size, f"sha256:{hashlib.file_digest(handle, 'sha256').hexdigest()}"
    except OSError:
        return None


def stale_summary(stale: Sequence[StaleFile]) -> str:
    """One line per stale file, for `fgf build --check`."""
    return "".join(f"  {s.status}: {s.path}\n" for s in stale)
