"""Responsibility lines: （财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）.

A line is split into clauses at full-width commas and semicolons. Each clause names actors and
ends in a verb that gives their role: 牵头 (lead), 按职责分工负责 (shared), 负责 (responsible);
参与 and 配合 also read as shared. A clause that is only a time limit (年内持续推进,
2021年底前完成) names no actor; its deadlines go to the task or measure.

Actor names are cut by longest match against the agency registry, so names that contain 和 or
及 (工业和信息化部) stay whole; unknown names are kept as cited, with no registry id.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .agencies import Registry
from .model import Assignment, Role, construct_checked

__all__ = [
    "ParsedResponsibility",
    "ResponsibilityReader",
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
_ROLE_BY_SUFFIX = dict(_ROLE_SUFFIXES)
# The leftmost match that reaches the end is the longest suffix: where one suffix ends another
# (负责, 按职责分工负责) the longer one wins, as it comes first in the list above.
_ROLE_SUFFIX = re.compile("(?:" + "|".join(re.escape(s) for s, _ in _ROLE_SUFFIXES) + r")\Z")
_TIME_CLAUSE = re.compile(
    r"(\d{4}年|年底|年内|月底|日前|每年|持续推进|长期坚持|持续实施|持续开展|逐步推进|按期完成)"
)
_SEPARATORS = frozenset("、，,及和与 \u3000")
_SEPARATOR_CLASS = "".join(re.escape(ch) for ch in sorted(_SEPARATORS))
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
    declares_lead_by_position: bool = False
    """The line also sets the rule for the rest of the document: the first actor listed leads (列第一位者为牵头单位，下同)."""
    standing: tuple[Assignment, ...] = ()
    """Assignments the line says hold for every later item too (以下均需试点城市政府落实，不再列出)."""


def _role_of(clause: str) -> tuple[str, Role | None]:
    """The clause without its role verb, and the role (None when it ends in no role verb)."""
    match = _ROLE_SUFFIX.search(clause)
    if match is None:
        return clause, None
    return clause[: match.start()], _ROLE_BY_SUFFIX[match.group()]


def _split_unknown(chunk: str, known: frozenset[str], longest: int) -> list[str]:
    """An unknown chunk stays whole unless cutting it at 和 gives known names on both sides."""
    parts: list[str] = []
    start = 0
    i = chunk.find("和")
    while i >= 0:
        # A loop, not recursion: a long chain of 和 must neither exhaust the stack nor rescan.
        if i - start <= longest and chunk[start:i] in known and i + 1 < len(chunk):
            parts.append(chunk[start:i])
            start = i + 1
        i = chunk.find("和", i + 1)
    parts.append(chunk[start:])
    return parts


def _distributed(name: str, previous: str, known: frozenset[str]) -> str:
    """A name as cited: a bare 地区 after 相关单位 takes the prefix (相关地区) when known."""
    if name in _BARE_NOUNS:
        for prefix in _DISTRIBUTED_PREFIXES:
            if previous.startswith(prefix) and prefix + name in known:
                return prefix + name
    return name


def names_a_role(content: str) -> bool:
    """Whether some clause of a parenthesised text ends in a role verb (牵头, 负责, ...)."""
    return any(_role_of(c.strip())[1] is not None for c in _CLAUSE_SPLIT.split(content))


def looks_like_responsibility(content: str, registry: Registry) -> bool:
    """Whether a parenthesised text reads as a responsibility line rather than a remark."""
    return ResponsibilityReader(registry).looks_like(content)


def parse_responsibility(
    content: str, registry: Registry, *, lead_by_position: bool = False
) -> ParsedResponsibility:
    """The assignments of one responsibility line's content (inside the parentheses)."""
    return ResponsibilityReader(registry, lead_by_position=lead_by_position).parse(content)


@functools.lru_cache(maxsize=8)
def _tokens_pattern(names: str) -> re.Pattern[str]:
    """The pattern that cuts a list of actors, given the registry's name pattern.

    Each match skips separators (、 及 和 以及 ...) and takes one token: 等 (group 1), the
    longest known name (group 2) or, failing both, an unknown name up to the next 、 及 等 与
    (group 3). The separators are taken possessively, so an unknown name never starts at one.
    """
    return re.compile(rf"(?:以及|[{_SEPARATOR_CLASS}])*+(?:(等)|({names})|([\s\S][^、，,及等与]*))")


@functools.lru_cache(maxsize=4096)
def _assignment(agency: str, agency_id: str | None, role: Role, position: int) -> Assignment:
    """An assignment node, shared between lines that cite the same actor in the same place.

    Nodes are immutable and plans cite a few hundred actors in a few roles and positions, so
    most assignments are found here instead of built; the cache is bounded all the same.
    """
    return construct_checked(
        Assignment, agency=agency, agency_id=agency_id, role=role, position=position
    )


class ResponsibilityReader:
    """Reads the responsibility lines of one document against one registry.

    Make one per document (`parse_plan` does): it holds the registry's tokenising pattern and
    remembers each line's content it has read, as plans repeat lines such as
    （国务院办公厅牵头，国务院相关部门及各地区按职责分工负责）. What a line says does not depend on
    where it stands (offsets are relative to the content), so the memory is safe to reuse and
    is no bigger than the document.
    """

    def __init__(self, registry: Registry, *, lead_by_position: bool = False) -> None:
        self.registry = registry
        self.lead_by_position = lead_by_position
        self._tokens = _tokens_pattern(registry.name_pattern())
        self._known = registry.name_set()
        self._longest = registry.longest_name()
        self._ids_by_name = registry.ids_by_name()
        self._default: Role = "shared" if lead_by_position else "responsible"
        self._read: dict[str, ParsedResponsibility] = {}
        self._ids: dict[str, str | None] = {}

    def _tokenise(self, names: str) -> tuple[list[str], bool]:
        """Cut a list of actor names into names; report whether 等 left the list open."""
        tokens: list[str] = []
        open_ended = False
        for _, name, unknown in self._tokens.findall(names):
            if name:
                tokens.append(name)
            elif unknown:
                tokens.extend(_split_unknown(unknown, self._known, self._longest))
            else:
                open_ended = True
        return tokens, open_ended

    def looks_like(self, content: str) -> bool:
        """Whether a parenthesised text reads as a responsibility line rather than a remark."""
        clauses = [c.strip() for c in _CLAUSE_SPLIT.split(content) if c.strip()]
        if not clauses:
            return False
        if any(_role_of(c)[1] is not None for c in clauses):
            return True
        # A bare list of known actors (documents that mark the lead by position).
        names, _ = self._tokenise(clauses[0])
        return bool(names) and all(n in self._known for n in names)

    def parse(self, content: str) -> ParsedResponsibility:
        """The assignments of one responsibility line's content (inside the parentheses)."""
        parsed = self._read.get(content)
        if parsed is None:
            parsed = self._read[content] = self._parse(content)
        return parsed

    def _parse(self, content: str) -> ParsedResponsibility:
        offsets: list[int] = []
        clauses: list[str] = []
        names_parts: list[str] = []
        verbs: list[Role | None] = []
        pos = 0
        for piece in _CLAUSE_SPLIT.split(content):
            clause = piece.strip()
            if clause:
                offsets.append(pos if clause is piece else pos + piece.index(clause))
                clauses.append(clause)
                match = _ROLE_SUFFIX.search(clause)
                if match is None:
                    names_parts.append(clause)
                    verbs.append(None)
                else:
                    names_parts.append(clause[: match.start()])
                    verbs.append(_ROLE_BY_SUFFIX[match.group()])
            pos += len(piece) + 1
        # Groups separated by a comma share the verb of the group that follows them:
        # 商务部、交通运输部，国家发展改革委按职责分工负责 -> all shared.
        role = self._default
        roles: list[Role] = [role] * len(verbs)
        for i in range(len(verbs) - 1, -1, -1):
            verb = verbs[i]
            if verb is not None:
                role = verb
            roles[i] = role
        assignments: list[Assignment] = []
        time_clauses: list[tuple[int, str]] = []
        open_ended = False
        known = self._known
        ids_by_name = self._ids_by_name
        findall = self._tokens.findall
        for i, names_part in enumerate(names_parts):
            # _tokenise and the citing of each name in one loop: most of a line's time goes
            # here. A clause that names no known actor and states a time is taken back.
            role = roles[i]
            first = len(assignments)
            named = False
            open_list = False
            previous = ""
            for _, name, unknown in findall(names_part):
                if name:  # a registry name, as printed: the common case, inline
                    named = True
                    cited = name
                    if name in _BARE_NOUNS:
                        cited = _distributed(name, previous, known)
                    agency_id = ids_by_name.get(cited)
                    if agency_id is None:
                        agency_id = self._id(cited)
                    assignments.append(_assignment(cited, agency_id, role, len(assignments)))
                    previous = name
                elif unknown:
                    for part in _split_unknown(unknown, known, self._longest):
                        named = named or part in known
                        cited = _distributed(part, previous, known)
                        agency_id = self._id(cited)
                        assignments.append(_assignment(cited, agency_id, role, len(assignments)))
                        previous = part
                else:
                    open_list = True
            if not named and _TIME_CLAUSE.search(clauses[i]):
                del assignments[first:]
                time_clauses.append((offsets[i], clauses[i]))
            elif open_list:
                open_ended = True
        if self.lead_by_position and assignments:
            assignments[0] = assignments[0].model_copy(update={"role": "lead"})
        return ParsedResponsibility(tuple(assignments), open_ended, tuple(time_clauses))

    def _id(self, name: str) -> str | None:
        """The registry id a cited name resolves to (None when unknown), looked up once."""
        try:
            return self._ids[name]
        except KeyError:
            agency = self.registry.lookup(name)
            agency_id = self._ids[name] = agency.id if agency else None
            return agency_id
