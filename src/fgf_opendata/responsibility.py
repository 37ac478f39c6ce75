"""Responsibility lines: （财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）.

A line is split into clauses at full-width commas and semicolons. Each clause names actors and
ends in a verb that gives their role: 牵头 (lead), 按职责分工负责 (shared), 负责 (responsible);
参与 and 配合 also read as shared. A clause that is only a time limit (年内持续推进,
2021年底前完成) names no actor; its deadlines go to the task or measure.

Actor names are cut by longest match against the agency registry, so names that contain 和 or
及 (工业和信息化部) stay whole; unknown names are kept as cited, with no registry id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .agencies import Registry
from .model import Assignment, Role, construct_checked

__all__ = [
    "ParsedResponsibility",
    "looks_like_responsibility",
    "names_a_role",
    "parse_responsibility",
]

_CLAUSE_SPLIT = re.compile(r"[，,；;]")
_ROLE_SUFFIXES: tuple[tuple[str, Role], ...] = (
    ("按职责分工负责", "shared"),
    ("按职责负责", "shared"),
    ("分工负责", "shared"),
    ("牵头负责", "lead"),
    ("牵头", "lead"),
    ("分别负责", "responsible"),
    ("共同负责", "responsible"),
    ("负责", "responsible"),
    ("参与", "shared"),
    ("配合", "shared"),
    ("参加", "shared"),
)
_TIME_CLAUSE = re.compile(
    r"(\d{4}年|年底|年内|月底|日前|每年|持续推进|长期坚持|持续实施|持续开展|逐步推进|按期完成)"
)
_SEPARATORS = frozenset("、，,及和与 \u3000")
_UNKNOWN_STOP = frozenset("、，,及等与")
# A bare 地区 after 相关单位及 means 相关地区: the prefix distributes over the conjunction.
_DISTRIBUTED_PREFIXES = ("相关", "有关", "各")
_BARE_NOUNS = frozenset({"地区", "部门", "单位", "地方"})


@dataclass(frozen=True)
class ParsedResponsibility:
    """What a responsibility line says, before it becomes a model node."""

    assignments: tuple[Assignment, ...]
    open_ended: bool
    time_clauses: tuple[tuple[int, str], ...]
    """(offset within the content, clause) for clauses that only state a time limit."""


def _role_of(clause: str) -> tuple[str, Role | None]:
    for suffix, role in _ROLE_SUFFIXES:
        if clause.endswith(suffix):
            return clause[: -len(suffix)], role
    return clause, None


def _tokenise(names: str, registry: Registry) -> tuple[list[str], bool]:
    """Cut a list of actor names into names; report whether 等 left the list open."""
    known = registry.name_set()
    longest = registry.longest_name()
    tokens: list[str] = []
    open_ended = False
    pos, size = 0, len(names)
    while pos < size:
        if names.startswith("以及", pos):
            pos += 2
            continue
        ch = names[pos]
        if ch in _SEPARATORS:
            pos += 1
            continue
        if ch == "等":
            open_ended = True
            pos += 1
            continue
        for length in range(min(longest, size - pos), 0, -1):
            if names[pos : pos + length] in known:
                tokens.append(names[pos : pos + length])
                pos += length
                break
        else:
            end = pos + 1
            while end < size and names[end] not in _UNKNOWN_STOP:
                end += 1
            tokens.extend(_split_unknown(names[pos:end], known, longest))
            pos = end
    return tokens, open_ended


def _split_unknown(chunk: str, known: frozenset[str], longest: int) -> list[str]:
    """An unknown chunk stays whole unless cutting it at 和 gives known names on both sides."""
    parts: list[str] = []
    start = 0
    for i, ch in enumerate(chunk):
        # A loop, not recursion: a long chain of 和 must neither exhaust the stack nor rescan.
        if ch == "和" and i - start <= longest and chunk[start:i] in known and i + 1 < len(chunk):
            parts.append(chunk[start:i])
            start = i + 1
    parts.append(chunk[start:])
    return parts


def names_a_role(content: str) -> bool:
    """Whether some clause of a parenthesised text ends in a role verb (牵头, 负责, ...)."""
    return any(_role_of(c.strip())[1] is not None for c in _CLAUSE_SPLIT.split(content))


def looks_like_responsibility(content: str, registry: Registry) -> bool:
    """Whether a parenthesised text reads as a responsibility line rather than a remark."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(content) if c.strip()]
    if not clauses:
        return False
    if any(_role_of(c)[1] is not None for c in clauses):
        return True
    known = registry.name_set()
    # A bare list of known actors (documents that mark the lead by position).
    names, _ = _tokenise(clauses[0], registry)
    return bool(names) and all(n in known for n in names)


def parse_responsibility(
    content: str, registry: Registry, *, lead_by_position: bool = False
) -> ParsedResponsibility:
    """The assignments of one responsibility line's content (inside the parentheses)."""
    assignments: list[Assignment] = []
    time_clauses: list[tuple[int, str]] = []
    open_ended = False
    known = registry.name_set()
    clauses: list[tuple[int, str]] = []
    pos = 0
    for piece in _CLAUSE_SPLIT.split(content):
        if piece.strip():
            clauses.append((pos + piece.index(piece.strip()), piece.strip()))
        pos += len(piece) + 1
    # Groups separated by a comma share the verb of the group that follows them:
    # 商务部、交通运输部，国家发展改革委按职责分工负责 -> all shared.
    roles: list[Role | None] = [_role_of(clause)[1] for _, clause in clauses]
    following: Role | None = None
    for i in range(len(roles) - 1, -1, -1):
        if roles[i] is None:
            roles[i] = following
        else:
            following = roles[i]
    for (offset, clause), role in zip(clauses, roles, strict=True):
        names_part, _ = _role_of(clause)
        names, open_list = _tokenise(names_part, registry)
        if not any(n in known for n in names) and _TIME_CLAUSE.search(clause):
            time_clauses.append((offset, clause))
            continue
        open_ended = open_ended or open_list
        previous = ""
        for name in names:
            cited = name
            if name in _BARE_NOUNS:
                for prefix in _DISTRIBUTED_PREFIXES:
                    if previous.startswith(prefix) and prefix + name in known:
                        cited = prefix + name
                        break
            agency = registry.lookup(cited)
            assignments.append(
                construct_checked(
                    Assignment,
                    agency=cited,
                    agency_id=agency.id if agency else None,
                    role=role or ("shared" if lead_by_position else "responsible"),
                    position=len(assignments),
                )
            )
            previous = name
    if lead_by_position and assignments:
        assignments[0] = assignments[0].model_copy(update={"role": "lead"})
    return ParsedResponsibility(tuple(assignments), open_ended, tuple(time_clauses))
