"""Responsibility lines: （财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）.

What the reader accepts, inside the parentheses:

- Clauses split at full-width commas, semicolons and full stops. A clause names actors and ends
  in a verb that gives their role: 牵头 (lead), 负责 / 负责落实 (responsible), 按职责分工负责
  (shared), 指导 (guiding), 参与 / 参加 (participating), 配合 / 协助 (supporting). Within a
  sentence, a clause with no verb takes the verb of the next clause that has one
  (商务部、交通运输部，国家发展改革委按职责分工负责); the last ones take the default
  (responsible, or shared when the document marks the lead by position).
- 会同 inside a clause: the actors after it act jointly with those before it (joint);
  a leading 由 (由财政部负责) is not part of the name.
- The label form （负责部门：A、B；适用范围：…）: a label names the role of its field
  (负责部门 / 责任单位: responsible, 牵头部门: lead, 参与部门: participating, 配合部门: supporting,
  指导部门: guiding); a time label (完成时限：…) gives a time clause; any other label
  (适用范围：…) opens a field that is not about actors, up to the next label.
- Two document-level rules, as clauses of their own: 列第一位者为牵头单位 (the first actor of this
  line leads; followed by 下同 it also holds for every later line: `declares_lead_by_position`)
  and 以下均需试点城市政府落实 (followed by 不再列出 or not: `standing`, assignments for every later
  item, which the parser applies).
- A clause that only states a time limit (年内持续推进, 2021年底前完成) names no actor; its
  deadlines go to the node.

Actor names are cut by longest match against the agency registry, so names that contain 和 or
及 (工业和信息化部) stay whole; a registry name counts only where a separator, 等 or the end
follows it, so 国务院职能转变协调办 is never cut into 国务院 and a remainder. A name the registry
does not know is kept as cited, with no registry id (a finding for `check_plan`). 等 and 等部门
leave the list open; 相关单位及地区 reads as 相关单位 and 相关地区, 各有关部门和单位 as
各有关部门 and 各有关单位.

`parse` reads any content it is given; `looks_like` is the strict test of whether a
parenthesis reads as a responsibility line at all (see its docstring).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import NamedTuple

from ..agencies import Registry
from ..model import Assignment, Role
from .nodes import assignments_checked

__all__ = [
    "BARE_NOUNS",
    "Cited",
    "ParsedResponsibility",
    "ResponsibilityReader",
    "names_a_role",
    "parse_responsibility",
    "placed",
]

_CLAUSE_SPLIT = re.compile(r"[，,；;]")
_ROLE_SUFFIXES: tuple[tuple[str, Role], ...] = (
    ("按职责分工负责", "shared"),
    ("按照职责分工负责", "shared"),
    ("根据职责分工负责", "shared"),
    ("按职能分工负责", "shared"),
    ("按职责分工落实", "shared"),
    ("按职责分别负责", "shared"),
    ("按职责负责", "shared"),
    ("分工负责", "shared"),
    ("牵头负责", "lead"),
    ("牵头落实", "lead"),
    ("牵头", "lead"),
    ("负责落实", "responsible"),
    ("抓好落实", "responsible"),
    ("具体负责", "responsible"),
    ("分别负责", "responsible"),
    ("共同负责", "responsible"),
    ("负责", "responsible"),
    ("落实", "responsible"),
    ("指导", "guiding"),
    ("参与落实", "participating"),
    ("参与", "participating"),
    ("参加", "participating"),
    ("配合落实", "supporting"),
    ("配合", "supporting"),
    ("协助", "supporting"),
)
# A clause's verb is read from the clause reversed, matched at its start: one step per
# character of the verb, however long the clause. Longest first, so where one verb ends another
# (负责, 按职责分工负责) the longer one wins.
_ROLE_BY_REVERSED: dict[str, Role] = {verb[::-1]: role for verb, role in _ROLE_SUFFIXES}
_ROLE_REVERSED = re.compile(
    "|".join(re.escape(v) for v in sorted(_ROLE_BY_REVERSED, key=len, reverse=True))
)
_TIME_CLAUSE = re.compile(
    r"(\d{4}年|年底|年内|月底|日前|每年|持续推进|长期坚持|持续实施|持续开展|逐步推进|按期完成)"
)


@functools.cache
def _label() -> re.Pattern[str]:
    """负责部门：…, 适用范围：… ; a label is a short run of Han characters before a colon.
    Compiled on first use (most lines hold no colon)."""
    return re.compile(r"([\u4e00-\u9fff]{2,8})[：:]\s*")


_LABEL_ROLES: dict[str, Role] = {
    **dict.fromkeys(
        ("负责部门", "负责单位", "负责机构", "责任部门", "责任单位", "主管部门", "实施部门",
         "实施单位", "承办部门", "承办单位"),
        "responsible",
    ),
    **dict.fromkeys(("牵头部门", "牵头单位", "牵头机构"), "lead"),
    **dict.fromkeys(("参与部门", "参与单位", "参加部门", "参加单位"), "participating"),
    **dict.fromkeys(("配合部门", "配合单位", "协办部门", "协办单位"), "supporting"),
    **dict.fromkeys(("指导部门", "指导单位"), "guiding"),
}  # fmt: skip
_TIME_LABELS = frozenset({"完成时限", "完成时间", "时间要求", "时限要求", "时间进度"})
# The document-level rules (clauses of their own).
_RULE_STARTS = frozenset("列排居下后以不")
# Few documents state them, so their patterns are compiled on first use (`_rules`), not at
# import: a CI step that parses one plan pays for none of them.


class _Rules(NamedTuple):
    lead: re.Pattern[str]
    carries_over: re.Pattern[str]
    standing: re.Pattern[str]
    not_listed: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    return _Rules(
        re.compile(
            r"(?:列|排|居)在?(?:第一位|首位)(?:者|的)?[^，。；]{0,6}(?:为|是)牵头(?:单位|部门)?"
        ),
        re.compile(r"(?:以下|下文|下|后)(?:均|皆)?同"),
        re.compile(
            r"以下(?:各项|任务|措施|工作)*(?:均|都|皆|一律)?(?:需要|需|须|要|应|由)?"
            r"(.+?)(负责落实|负责|落实|牵头)"
        ),
        re.compile(r"不再(?:一一|单独|另行)?列出|不另列出"),
    )


_SEPARATORS = frozenset("、，,及和与 \u3000")
_SEPARATOR_CLASS = "".join(re.escape(ch) for ch in sorted(_SEPARATORS))
# A bare noun after a name that ends in one shares its prefix: 相关单位及地区 -> 相关地区,
# 各有关部门和单位 -> 各有关单位.
_DISTRIBUTED_PREFIXES = ("相关", "有关", "各")
BARE_NOUNS = ("地区", "部门", "单位", "地方")
"""Nouns that, cited bare after a name ending in one, share its prefix (an assignment's span
is then the noun as printed)."""
_BARE_NOUN_SET = frozenset(BARE_NOUNS)


@functools.cache
def _name_shape() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What an actor name the registry does not know must look like for `looks_like` (Han
    only, ending in a character organisations end in), and the words of a sentence it must not
    hold. Compiled on first use: a Han range costs about a millisecond to compile, and most
    lines cite registry names only."""
    return (
        re.compile(r"[\u4e00-\u9fff]{1,29}[部委局署办会院行社府门位室组司厅团心所站队军区方]"),
        re.compile(r"由|的|内|在|对|将|按|以下|简称|含|包括|其中|试行|是|为|除|时"),
    )


class Cited(NamedTuple):
    """An actor a line's content cites: an `Assignment` but for where the line stands.

    `start` and `end` are offsets within the content: what a line says does not depend on
    where it stands, so a line's reading is remembered by its content, and `placed` makes the
    assignments where each line stands.
    """

    agency: str
    agency_id: str | None
    role: Role
    position: int
    start: int
    end: int


class ParsedResponsibility(NamedTuple):
    """What a responsibility line says, before it becomes a model node."""

    assignments: tuple[Cited, ...]
    open_ended: bool
    time_clauses: tuple[tuple[int, str], ...]
    """(offset within the content, clause) for clauses that only state a time limit."""
    declares_lead_by_position: bool = False
    """The line also sets the rule for the rest of the document: the first actor listed leads (列第一位者为牵头单位，下同)."""
    standing: tuple[Cited, ...] = ()
    """Assignments the line says hold for every later item too (以下均需试点城市政府落实，不再列出)."""


_new_tuple = tuple.__new__  # a named tuple without the call to its __new__


class _Reading(NamedTuple):
    """What a reader makes of a line's content."""

    parsed: ParsedResponsibility
    has_role: bool
    """Whether some clause has a role verb or label (see `ResponsibilityReader.looks_like`)."""


def _sentences(content: str) -> list[tuple[int, str]]:
    """(offset, text) of each sentence of a line's content: the parts between two 。."""
    out: list[tuple[int, str]] = []
    start = 0
    for text in content.split("。"):
        out.append((start, text))
        start += len(text) + 1
    return out


def _distributed(name: str, previous: str, known: frozenset[str]) -> str:
    """A bare noun as cited after `previous`: 单位 after 各有关部门 is 各有关单位, when known."""
    if name in _BARE_NOUN_SET:
        for noun in BARE_NOUNS:
            if previous.endswith(noun) and len(previous) > len(noun):
                candidate = previous[: -len(noun)] + name
                if candidate in known:
                    return candidate
        for prefix in _DISTRIBUTED_PREFIXES:
            if previous.startswith(prefix) and prefix + name in known:
                return prefix + name
    return name


def _name_shaped(name: str) -> bool:
    """Whether an unknown actor reads as the name of a body (试点城市政府), not as prose."""
    shape, not_a_name = _name_shape()
    return shape.fullmatch(name) is not None and not_a_name.search(name) is None


def names_a_role(content: str) -> bool:
    """Whether some clause of a parenthesised text ends in a role verb or has a role label."""
    for piece in _CLAUSE_SPLIT.split(content.replace("。", "，")):
        clause = piece.strip()
        if _ROLE_REVERSED.match(clause[::-1]) is not None:
            return True
        label = _label().match(clause)
        if label is not None and label.group(1) in _LABEL_ROLES:
            return True
    return False


def parse_responsibility(
    content: str, registry: Registry, *, lead_by_position: bool = False
) -> ParsedResponsibility:
    """The assignments of one responsibility line's content (inside the parentheses)."""
    return ResponsibilityReader(registry, lead_by_position=lead_by_position).parse(content)


@functools.lru_cache(maxsize=8)
def _tokens_pattern(names: str) -> re.Pattern[str]:
    """The pattern that cuts a list of actors, given the registry's name pattern.

    Each match takes the separators (、 及 和 以及 ...; group 1), then one token: 等, 等部门, 等单位
    or 等部门和单位 (group 2); the longest known name that a separator, 等, the end or another
    known name follows (group 3: 各地区各部门 is two names, 国务院职能转变协调办 is not 国务院 and a
    remainder); or, failing both, an unknown name up to the next 、 及 等 与 (group 4). The
    separators are taken possessively, so an unknown name never starts at one. Every character
    but trailing separators is in some match, so the matches follow each other without a gap
    and their offsets add up from their lengths (`findall` gives no offsets, but is quicker).
    """
    return re.compile(
        rf"((?:以及|[{_SEPARATOR_CLASS}])*+)"
        rf"(?:(等(?:部门(?:[和及]单位)?|单位)?)"
        rf"|({names})(?:(?![^{_SEPARATOR_CLASS}等以])|(?={names}))"
        r"|([\s\S][^、，,及等与]*))"
    )


def placed(cited: tuple[Cited, ...], offset: int, line: int) -> tuple[Assignment, ...]:
    """The assignments of the actors a line's content cites, with their spans where the
    content stands: `offset` is where it starts in the source, `line` the line it is on."""
    return assignments_checked(cited, offset, line)


_IDS = 4096
"""How many spellings the registry does not hold as printed `_Grammar` remembers the id of."""


class ResponsibilityReader:
    """Reads the responsibility lines of one document against one registry.

    Make one per document (`parse_plan` does): it remembers each line's content it has read, as
    plans repeat lines such as （国务院办公厅牵头，国务院相关部门及各地区按职责分工负责）. What a
    line says does not depend on where it stands (offsets are relative to the content), so the
    memory is safe to reuse and is no bigger than the document. It dies with the document: a
    memory shared across documents (a bounded LRU) measured slower on a corpus, as lines it
    keeps outlive their document and each full pass of the cycle collector walks them.
    The registry's grammar (its tokens pattern, names, ids) is shared (`_grammar`).
    """

    def __init__(self, registry: Registry, *, lead_by_position: bool = False) -> None:
        self.registry = registry
        self.lead_by_position = lead_by_position
        self._grammar = _grammar(registry)
        # Content -> its reading with the reader's lead_by_position; _read_other for lines
        # read with the other setting.
        self._read: dict[str, _Reading] = {}
        self._read_other: dict[str, _Reading] = {}

    def looks_like(self, content: str) -> bool:
        """Whether a parenthesised text reads as a responsibility line rather than a remark.

        True when all of these hold: (1) read as a responsibility line, the content cites at
        least one actor; (2) every actor is a registry name (as `Registry.lookup` finds it) or
        is shaped like the name of a body: Han characters only, ending in a character such as
        部 委 局 署 办 会 院 行 社 府 门 位 室 组 司, with no 由 的 内 在 对 将 按 以下 简称 含 包括 其中
        试行 是 为 除 时 inside; (3) some clause ends in a role verb or stands under a role label
        (负责部门：…), unless every actor is a registry name and one at least is a body, not a
        collective (a bare list, in documents that mark the lead by position: （财政部、商务部）).
        Any other sentence of the content must be a time limit, a non-actor label field
        (适用范围：…) or one of the two document rules, or it fails (2). Hence （以下简称…）,
        （含…）, （试行）, （此件公开发布）, （共23项）, （单位：毫米）, （二）, （地区）, dates, and asides
        such as （技工院校内由人力资源社会保障行政部门负责） are not.
        """
        reading = self._read.get(content)
        if reading is None:
            reading = self._read[content] = self._grammar.read(content, self.lead_by_position)
        return self._grammar.looks(reading.parsed, reading.has_role)

    def parse(self, content: str, *, lead_by_position: bool | None = None) -> ParsedResponsibility:
        """The assignments of one responsibility line's content (inside the parentheses).

        `lead_by_position` overrides the reader's setting for this line (the parser sets it
        for the lines after one that `declares_lead_by_position`).
        """
        if lead_by_position is None or lead_by_position == self.lead_by_position:
            memory = self._read
            lead = self.lead_by_position
        else:
            memory = self._read_other
            lead = lead_by_position
        reading = memory.get(content)
        if reading is None:
            reading = memory[content] = self._grammar.read(content, lead)
        return reading.parsed


class _Grammar:
    """How lines read against one registry: its tokens pattern, the names a list is cut into
    without it, and the ids of the names it cites. One per registry (`_grammar`)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._tokens = _tokens_pattern(registry.name_pattern())
        self._known = registry.name_set()
        self._ids_by_name = registry.ids_by_name()
        self._collectives = registry.collective_ids()
        self._ids: dict[str, str | None] = {}
        self._listed = _listed_names(self._ids_by_name)

    def read(self, content: str, lead_by_position: bool) -> _Reading:
        """What the content says, and whether a clause has a role verb or label.

        A line of one sentence whose clauses are names and a verb (no label, no document
        rule), the common shape, is read here in one pass (a clause with no verb takes the verb
        of the next one that has one: its actors are given it when it comes); any other goes
        through `_parse`, which this pass agrees with on the lines it reads.
        """
        if "。" in content or "：" in content or ":" in content:
            return self._parse(content, lead_by_position)
        default: Role = "shared" if lead_by_position else "responsible"
        assignments: list[Cited] = []
        time_clauses: list[tuple[int, str]] = []
        open_ended = has_role = False
        role_verb = _ROLE_REVERSED.match
        rule_starts = _RULE_STARTS
        cite = self._cite
        # 由 and 会同 are rare: a line without them needs no look for them in each clause.
        plain = "由" not in content and "会同" not in content
        waiting = -1  # the first assignment of the clauses that wait for a verb (-1: none)
        pos = 0
        for piece in _CLAUSE_SPLIT.split(content):
            clause = piece.strip()
            if clause:
                if clause[0] in rule_starts:
                    return self._parse(content, lead_by_position)
                offset = pos if clause is piece else pos + piece.index(clause)
                found = role_verb(clause[::-1])
                if found is None:
                    names = clause
                    role = default
                    if waiting < 0:
                        waiting = len(assignments)
                else:
                    names = clause[: len(clause) - found.end()]
                    role = _ROLE_BY_REVERSED[found.group()]
                    has_role = True
                first = len(assignments)
                if plain:
                    named, open_list = cite(names, offset, role, assignments)
                else:
                    named, open_list = self._cite_clause(names, offset, role, assignments)
                if not named and _TIME_CLAUSE.search(clause):
                    del assignments[first:]
                    time_clauses.append((offset, clause))
                elif open_list:
                    open_ended = True
                if found is not None and waiting >= 0:
                    # The clauses before with no verb take this one's.
                    for i in range(waiting, first):
                        if assignments[i].role != "joint":
                            assignments[i] = assignments[i]._replace(role=role)
                    waiting = -1
            pos += len(piece) + 1
        if lead_by_position and assignments and assignments[0].role != "lead":
            assignments[0] = assignments[0]._replace(role="lead")
        parsed = _new_tuple(
            ParsedResponsibility,
            (tuple(assignments), open_ended, tuple(time_clauses), False, ()),
        )
        return _new_tuple(_Reading, (parsed, has_role))

    def _parse(self, content: str, lead_by_position: bool) -> _Reading:
        """What the content says (sentences, labels, document rules, 由, 会同), and whether a
        clause has a role verb or label."""
        # Pass 1: classify the clauses. Actor clauses are grouped by sentence, with their
        # offset, the text, the names part and the role their verb or label gives.
        sentences: list[list[tuple[int, str, str, Role | None]]] = []
        time_clauses: list[tuple[int, str]] = []
        standing_names: list[tuple[int, str, Role]] = []
        lead_here = declares = has_role = False
        last_rule = ""
        role_verb = _ROLE_REVERSED.match
        for base, text in _sentences(content) if "。" in content else ((0, content),):
            sentence: list[tuple[int, str, str, Role | None]] = []
            sentences.append(sentence)
            in_other_field = False  # inside 适用范围：… up to the next label
            pos = base
            for piece in _CLAUSE_SPLIT.split(text):
                clause = piece.strip()
                if clause:
                    offset = pos if clause is piece else pos + piece.index(clause)
                    rule = ""
                    if clause[0] in _RULE_STARTS:
                        rule = self._rule(clause, offset, last_rule, standing_names)
                        if rule == "lead":
                            lead_here = True
                        elif rule == "declares":
                            declares = True
                    last_rule = rule
                    if not rule:
                        verb: Role | None = None
                        if "：" in clause or ":" in clause:
                            label = _label().match(clause)
                            if label is not None:
                                name = label.group(1)
                                in_other_field = name not in _LABEL_ROLES
                                if name in _TIME_LABELS:
                                    time_clauses.append(
                                        (offset + label.end(), clause[label.end() :])
                                    )
                                    in_other_field = False
                                    clause = ""
                                elif not in_other_field:
                                    verb = _LABEL_ROLES[name]
                                    offset += label.end()
                                    clause = clause[label.end() :]
                        if clause and not in_other_field:
                            found = role_verb(clause[::-1])
                            if found is None:
                                names = clause
                            else:
                                names = clause[: len(clause) - found.end()]
                                verb = _ROLE_BY_REVERSED[found.group()]
                                has_role = True
                            sentence.append((offset, clause, names, verb))
                pos += len(piece) + 1
        # Pass 2: roles. Within a sentence, a clause with no verb takes the verb of the next
        # one that has one: 商务部、交通运输部，国家发展改革委按职责分工负责 -> all shared.
        by_position = lead_by_position or lead_here
        default: Role = "shared" if by_position else "responsible"
        assignments: list[Cited] = []
        open_ended = False
        for sentence in sentences:
            role = default
            roles: list[Role] = [role] * len(sentence)
            for i in range(len(sentence) - 1, -1, -1):
                verb = sentence[i][3]
                if verb is not None:
                    role = verb
                roles[i] = role
            for i, (offset, clause, names, _) in enumerate(sentence):
                first = len(assignments)
                named, open_list = self._cite_clause(names, offset, roles[i], assignments)
                # A clause that names no known actor and states a time is taken back.
                if not named and _TIME_CLAUSE.search(clause):
                    del assignments[first:]
                    time_clauses.append((offset, clause))
                elif open_list:
                    open_ended = True
        if by_position and assignments and assignments[0].role != "lead":
            assignments[0] = assignments[0]._replace(role="lead")
        standing: list[Cited] = []
        for at, names, role in standing_names:
            self._cite(names, at, role, standing)
        if len(time_clauses) > 1:
            time_clauses.sort()
        parsed = ParsedResponsibility(
            tuple(assignments),
            open_ended,
            tuple(time_clauses),
            declares,
            tuple(standing),
        )
        return _Reading(parsed, has_role)

    def looks(self, parsed: ParsedResponsibility, has_role: bool) -> bool:
        """Whether the actors read make the content a responsibility line (see `looks_like`)."""
        assignments = parsed.assignments
        if not assignments:
            return False
        unknown = [a.agency for a in (*assignments, *parsed.standing) if a.agency_id is None]
        if has_role:
            return all(_name_shaped(name) for name in unknown)
        # A bare list (documents that mark the lead by position) names known bodies;
        # 外国（地区）企业 names a collective only and is a remark.
        collectives = self._collectives
        return not unknown and any(a.agency_id not in collectives for a in assignments)

    def _rule(
        self,
        clause: str,
        offset: int,
        last_rule: str,
        standing_names: list[tuple[int, str, Role]],
    ) -> str:
        """Which document rule a clause (at `offset` in the content) states ('' for none); a
        standing rule's actors are added to `standing_names`, with their offset."""
        rules = _rules()
        if rules.lead.fullmatch(clause):
            return "lead"
        if last_rule == "lead" and rules.carries_over.fullmatch(clause):
            return "declares"
        if clause.startswith("以下"):
            match = rules.standing.fullmatch(clause)
            if match is not None:
                role: Role = "lead" if match.group(2) == "牵头" else "responsible"
                standing_names.append((offset + match.start(1), match.group(1), role))
                return "standing"
        if last_rule == "standing" and rules.not_listed.fullmatch(clause):
            return "not-listed"
        return ""

    def _cite_clause(
        self, names: str, offset: int, role: Role, out: list[Cited]
    ) -> tuple[bool, bool]:
        """`_cite` for the names part of a clause, which may open with 由 (由A负责: A) and
        join a second list with 会同 (A会同B负责: B's role is joint)."""
        at = offset
        if names.startswith("由"):
            names, at = names[1:], offset + 1
        joint = names.find("会同")
        if joint <= 0:
            return self._cite(names, at, role, out)
        named, open_list = self._cite(names[:joint], at, role, out)
        named2, open2 = self._cite(names[joint + 2 :], at + joint + 2, "joint", out)
        return named or named2, open_list or open2

    def _cite(self, names: str, offset: int, role: Role, out: list[Cited]) -> tuple[bool, bool]:
        """Append an assignment for each actor in `names` (at `offset` in the content); whether
        one was a registry name, and whether 等 left the list open.

        The list is cut by the registry's tokens pattern (`_tokens_pattern`): each match takes
        separators, then one token: 等, a registry name or an unknown chunk, which is never a
        registry name (one there would have matched, as a separator, 等 or the end follows the
        chunk). The matches follow each other without a gap, so offsets add up from lengths.
        """
        # The common list, 、-separated registry names with perhaps 等 and a name at the end
        # (财政部、商务部等各地区), needs no pattern when each name is one the pattern would cut
        # there as well (`_listed_names`).
        parts = names.split("、")
        listed = self._listed
        more = "等" in parts[-1]
        tail = ""
        if more:
            parts[-1], _, tail = parts[-1].partition("等")
        first = len(out)
        pos = offset
        for part in parts:
            agency_id = listed.get(part)
            if agency_id is None:
                break
            end = pos + len(part)
            out.append(_new_tuple(Cited, (part, agency_id, role, len(out), pos, end)))
            pos = end + 1  # the 、 (or 等) after it
        else:
            if not tail:
                return True, more
            agency_id = listed.get(tail)
            if agency_id is not None and not tail.startswith(("部门", "单位")):
                out.append(
                    _new_tuple(Cited, (tail, agency_id, role, len(out), pos, pos + len(tail)))
                )
                return True, more
        del out[first:]
        known = self._known
        ids_by_name = self._ids_by_name
        named = open_ended = False
        previous = ""
        pos = offset
        for separators, etc, name, unknown in self._tokens.findall(names):
            pos += len(separators)
            if etc:
                open_ended = True
                pos += len(etc)
                continue
            name = name or unknown
            start = pos
            pos += len(name)
            if name in _BARE_NOUN_SET:
                agency = _distributed(name, previous, known)
                # A registry name counts as printed for a bare noun after it, an unknown one as
                # cited (相关单位及地区: 地区 is a registry name).
                previous = name if name in known else agency
            else:
                agency = previous = name
            agency_id = ids_by_name.get(agency) or self._id(agency)
            if agency_id is not None:
                named = True
            out.append(_new_tuple(Cited, (agency, agency_id, role, len(out), start, pos)))
        return named, open_ended

    def _id(self, name: str) -> str | None:
        """The registry id a cited name resolves to (None when unknown), looked up once."""
        try:
            return self._ids[name]
        except KeyError:
            if len(self._ids) >= _IDS:
                self._ids.clear()
            agency = self.registry.lookup(name)
            agency_id = self._ids[name] = agency.id if agency else None
            return agency_id


def _listed_names(ids_by_name: Mapping[str, str]) -> dict[str, str]:
    """The registry names, with their ids, that `_Grammar._cite` may take from a list cut at 、
    and 等 without the tokens pattern: the pattern cuts each of them there too, as the longest
    registry name followed by 、, 等 or the end. Not a bare noun (地区: it may share the prefix
    of the name before it), not a name that starts with a separator (the pattern takes those
    as separators), not the first part of a name holding 、 (国务院、中央军委…办公室 is one
    name); none at all when a name holds 等, which then need not end a name."""
    if any("等" in name for name in ids_by_name):
        return {}
    joined = {name.split("、")[0] for name in ids_by_name if "、" in name}
    return {
        name: agency_id
        for name, agency_id in ids_by_name.items()
        if name not in _BARE_NOUN_SET
        and name not in joined
        and name[0] not in _SEPARATORS
        and not name.startswith("以及")
    }


@functools.lru_cache(maxsize=4)
def _grammar(registry: Registry) -> _Grammar:
    """The grammar of a registry, shared by the documents read against it (equal registries
    share one)."""
    return _Grammar(registry)
