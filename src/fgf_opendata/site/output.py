"""The edges of `fgf site`: reading a package folder or source texts, writing the site folder.

A package folder is read whole (every regular file, each bounded like any input): its plan
JSON (`plan.json`, or `plans/<id>.json` for a corpus), the source texts the spans point into
(`source/<id>.txt`), and every file for the landing page's list. A site folder is replaced
only when it does not exist, is empty, or is a site fgf wrote (its index.html names the
generator and every file in it is a page, chart, style sheet or script); it is written beside
the target and swapped in whole, as `fgf build` writes a package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..agencies import Registry
from ..errors import ExportError, InputFileError
from ..files import os_error, read_index, site_intruder, staged
from ..model import Plan
from ..publication import CORPUS_PLANS, GENERATOR, PLAN_JSON, SOURCE_FOLDER
from ..textio import read_file
from .render import corpus_site_files

__all__ = [
    "SiteInput",
    "check_site_folder",
    "read_package",
    "site_of_package",
    "write_site",
]

_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class SiteInput:
    """Plans with their source texts, and the package files the landing page lists."""

    plans: tuple[tuple[Plan, str], ...]
    package_files: Mapping[str, bytes]


def read_package(folder: Path, *, skip: Path | None = None) -> SiteInput:
    """The plans, source texts and files of the package in `folder`.

    `skip` is a folder inside it left out of the file list (the site itself, when it is
    written into the package). Raises `InputFileError` when the folder holds no plan JSON, or a
    plan's source text is missing.
    """
    from ..serialize import plan_from_json

    files: dict[str, bytes] = {}
    try:
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or path.is_symlink():
                continue
            if skip is not None and path.resolve().is_relative_to(skip.resolve()):
                continue
            files[path.relative_to(folder).as_posix()] = read_file(path, limit=_LIMIT)
    except OSError as exc:
        raise os_error(exc, f"cannot read the package {folder}") from exc
    names = (
        [PLAN_JSON]
        if PLAN_JSON in files
        else sorted(p for p in files if p.startswith(f"{CORPUS_PLANS}/") and p.endswith(".json"))
    )
    if not names:
        raise InputFileError(f"{folder}: no plan.json nor plans/*.json: not a package fgf wrote")
    plans = []
    for name in names:
        try:
            plan = plan_from_json(files[name])
        except ValueError as exc:
            raise InputFileError(f"{folder / name}: not a plan JSON: {exc}") from None
        text = files.get(f"{SOURCE_FOLDER}/{plan.id}.txt")
        if text is None:
            raise InputFileError(f"{folder}: no source/{plan.id}.txt for the plan in {name}")
        plans.append((plan, text.decode("utf-8")))
    return SiteInput(tuple(plans), files)


def site_of_package(
    folder: Path, registry: Registry, *, href: str | None, skip: Path | None = None
) -> dict[str, bytes]:
    """The site of the package in `folder`, its files linked as `href` + path; `skip` is a
    folder inside it that is not a file of the package (the site's own, `-o PACKAGE/site`)."""
    given = read_package(folder, skip=skip)
    return corpus_site_files(given.plans, registry, given.package_files, package_href=href)


def check_site_folder(target: Path) -> None:
    """Raise `ExportError` unless `target` is absent, empty, or a site fgf wrote."""
    if not os.path.lexists(target):
        return
    if not target.is_dir() or target.is_symlink():
        raise ExportError(f"{target} is not a folder; give a folder for the site")
    entries = sorted(p for p in target.rglob("*") if not p.is_dir())
    if not entries:
        return
    links = [p for p in entries if p.is_symlink()]
    paths = [p.relative_to(target).as_posix() for p in entries]
    intruder = site_intruder(paths, read_index(target))
    if intruder == "index.html":
        raise ExportError(
            f"{target} is not empty and not a site fgf wrote (no index.html naming "
            f"{GENERATOR}); give a new or empty folder"
        )
    if links or intruder is not None:
        shown = links[0].relative_to(target).as_posix() if links else intruder
        raise ExportError(
            f"{target} holds {shown}, which fgf site did not write; give a new or empty folder"
        )


def write_site(files: Mapping[str, bytes], target: Path) -> None:
    """Write `files` (path -> bytes) as the folder `target`, replacing it whole or not at all."""
    check_site_folder(target)
    with staged(target, f"the site {target}") as new:
        for path, data in files.items():
            parts = path.split("/")
            if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
                raise ExportError(f"{path!r} cannot be a file of the site")
            file = new / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
