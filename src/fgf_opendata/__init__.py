"""fgf-opendata: State Council key-task division plans as validated, linked open data.

    >>> from fgf_opendata import parse_plan, render_plan
    >>> plan = parse_plan(text)            # text -> canonical model, with spans
    >>> render_plan(plan) == text          # and back, character for character

Names are imported on first use, so `import fgf_opendata` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .publication import VERSION

__version__ = VERSION

_EXPORTS = {
    "Agency": "model",
    "Assignment": "model",
    "Block": "model",
    "Deadline": "model",
    "Measure": "model",
    "Plan": "model",
    "Responsibility": "model",
    "Section": "model",
    "Span": "model",
    "Target": "model",
    "Task": "model",
    "DecodeError": "errors",
    "ExportError": "errors",
    "FgfError": "errors",
    "InputFileError": "errors",
    "InputTooLargeError": "errors",
    "InvalidPackageError": "errors",
    "ParseError": "errors",
    "UnknownAgencyError": "errors",
    "Registry": "agencies",
    "default_registry": "agencies",
    "load_registry": "agencies",
    "parse_plan": "parsing",
    "render_plan": "parsing",
    "layout_plan": "parsing",
    "Finding": "findings",
    "check_plan": "checks",
    "read_source": "textio",
    "plan_to_json": "serialize",
    "plan_from_json": "serialize",
    "to_graph": "linked.writer",
    "from_graph": "linked.reader",
    "build_package": "build",
    "check_build": "build",
    "validate_package": "tabular.gates",
    "build_corpus": "corpus",
    "diff_plans": "diff",
}

__all__ = [
    "Agency",
    "Assignment",
    "Block",
    "Deadline",
    "DecodeError",
    "ExportError",
    "FgfError",
    "Finding",
    "InputFileError",
    "InputTooLargeError",
    "InvalidPackageError",
    "Measure",
    "ParseError",
    "Plan",
    "Registry",
    "Responsibility",
    "Section",
    "Span",
    "Target",
    "Task",
    "UnknownAgencyError",
    "__version__",
    "build_corpus",
    "build_package",
    "check_build",
    "check_plan",
    "default_registry",
    "diff_plans",
    "from_graph",
    "layout_plan",
    "load_registry",
    "parse_plan",
    "plan_from_json",
    "plan_to_json",
    "read_source",
    "render_plan",
    "to_graph",
    "validate_package",
]

if TYPE_CHECKING:
    from .agencies import Registry, default_registry, load_registry
    from .build import build_package, check_build
    from .checks import check_plan
    from .corpus import build_corpus
    from .diff import diff_plans
    from .errors import (
        DecodeError,
        ExportError,
        FgfError,
        InputFileError,
        InputTooLargeError,
        InvalidPackageError,
        ParseError,
        UnknownAgencyError,
    )
    from .findings import Finding
    from .linked.reader import from_graph
    from .linked.writer import to_graph
    from .model import (
        Agency,
        Assignment,
        Block,
        Deadline,
        Measure,
        Plan,
        Responsibility,
        Section,
        Span,
        Target,
        Task,
    )
    from .parsing import layout_plan, parse_plan, render_plan
    from .serialize import plan_from_json, plan_to_json
    from .tabular.gates import validate_package
    from .textio import read_source


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fgf_opendata' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
