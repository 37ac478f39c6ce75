"""Synthetic plans of the reference's genre, built as models with the text they stand for.

`build_plan(spec, registry)` turns a `PlanSpec` (plain choices: how many sections, tasks and
measures, which agencies in which roles, which deadlines and targets) into a `Plan` whose
spans point into `render_plan(plan)`. Property tests draw specs with hypothesis and check that
parsing the rendered text gives the same plan back; `random_spec(rng)` draws them from a seeded
`random.Random` for the benchmark corpus, so every machine makes the same corpus.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .agencies import Registry
from .model import (
    Assignment,
    Block,
    BlockKind,
    Deadline,
    Measure,
    Plan,
    Responsibility,
    Role,
    Section,
    Span,
    Target,
    Task,
)
from .parsing import layout_plan
from .parsing.header import derive_plan_id
from .parsing.ids import measure_id, section_id, task_id
from .parsing.numerals import to_chinese

__all__ = [
    "DEADLINE_FORMS",
    "SENTENCES",
    "TARGET_FORMS",
    "ClauseSpec",
    "ItemSpec",
    "PlanSpec",
    "build_plan",
    "random_spec",
]

_NOWHERE = Span(line=1, start=0, end=0)  # replaced by layout_plan

SENTENCES = (
    "深化行政审批制度改革，推进涉企审批减环节、减材料、减时限、减费用",
    "完善常态化财政资金直达机制，强化对资金分配、使用的跟踪监控",
    "健全企业合理诉求解决机制，完善问题受理、协同办理、结果反馈等流程",
    "推进政务服务标准化规范化便利化，实现更多政务服务网上办、掌上办",
    "加强事中事后监管，提高监管的精准性有效性",
    "清理规范口岸收费，深化国际贸易“单一窗口”建设",
    "优化公证服务，规范和精简公证证明材料",
    "建立知识产权代理行业监管长效机制，加大打击力度",
    "督促指导银行机构按照市场化原则与企业自主协商延期还本付息，加强风险防范",
    "简化接入审批流程，公开服务内容、资费标准等信息，加快推进报装、查询、缴费等业务全程网办",
    "推动电子证照扩大应用和全国互通互认，实现更多政务服务一次办",
    "梳理发布中央层面确需保留的证明事项清单，督促指导各地抓紧发布本地区清单",
    "加大对仿冒混淆、虚假宣传、商业诋毁等不正当竞争行为的监管执法力度",
    "推进公平竞争审查全覆盖，强化制度刚性约束，切实维护市场公平竞争秩序",
    "引导金融机构创新符合中小企业轻资产、重智力等特征的金融产品，并完善相应信贷管理机制",
    "优化最低生活保障审核流程，完善特困人员认定条件，简化认定程序",
)
"""Sentence bodies without a final 。; numbering-like text stays inside them."""

# (template with {n}, the target phrase in [brackets], unit text, unit code, comparator,
# quantity); "{b}" marks a baseline.
TARGET_FORMS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("将办理时间压减至[{n}个工作日以内]", "个工作日", "E49", "<=", "办理时间"),
    ("将公示时间[由{b}天压减为{n}天]", "天", "DAY", "=", "公示时间"),
    ("实现[{n}项]政务服务事项“跨省通办”", "项", "C62", "=", None),
    ("推动[{n}%以上]的县开通服务", "%", "P1", ">=", None),
    ("实现用电报装容量[{n}千瓦及以下]零投资", "千瓦", "KWT", "<=", "用电报装容量"),
)

# (template, precision); {y} year, {m} month, {d} day.
DEADLINE_FORMS: tuple[tuple[str, str], ...] = (
    ("{y}年底前", "year"),
    ("{y}年{m}月底前", "month"),
    ("于{y}年{m}月{d}日前", "day"),
)


@dataclass(frozen=True)
class ClauseSpec:
    """One clause of a responsibility line: names, whether 等 closes them, and the role."""

    names: tuple[str, ...]
    role: Role
    open_collective: str | None = None
    """A collective cited after 等 (…等国务院相关部门), or None."""


@dataclass(frozen=True)
class ItemSpec:
    """A task or measure: its sentence, deadline and target choices, and responsibility."""

    sentence: int
    clauses: tuple[ClauseSpec, ...]
    deadline: tuple[int, int, int, int] | None = None
    """(form index, year offset, month, day) or None."""
    target: tuple[int, int, int] | None = None
    """(form index, value, baseline) or None."""
    inline_responsibility: bool = False
    measures: tuple[ItemSpec, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    """Everything `build_plan` needs; plain data, so hypothesis can draw it."""

    year: int
    number: int
    month: int
    day: int
    sections: tuple[tuple[ItemSpec, ...], ...]
    closing_deadline: bool = True
    crlf: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def _responsibility(
    clauses: tuple[ClauseSpec, ...], registry: Registry, gap: str
) -> Responsibility:
    parts: list[str] = []
    assignments: list[Assignment] = []
    open_ended = False
    verbs = {"lead": "牵头", "responsible": "负责", "shared": "按职责分工负责"}
    for clause in clauses:
        cited = list(clause.names)
        text = "、".join(clause.names)
        if clause.open_collective:
            text += "等" + clause.open_collective
            cited.append(clause.open_collective)
            open_ended = True
        parts.append(text + verbs[clause.role])
        for name in cited:
            agency = registry.lookup(name)
            assignments.append(
                Assignment(
                    agency=name,
                    agency_id=agency.id if agency else None,
                    role=clause.role,
                    position=len(assignments),
                    span=_NOWHERE,
                )
            )
    return Responsibility(
        text="（" + "，".join(parts) + "）",
        open_ended=open_ended,
        assignments=tuple(assignments),
        gap=gap,
        span=_NOWHERE,
    )


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _body(index: int) -> str:
    """Three sentences chosen by `index`: items of about the reference's length (130 chars)."""
    n = len(SENTENCES)
    picks = (index % n, (index * 5 + 1) % n, (index * 7 + 2) % n)
    return "，".join(SENTENCES[i] for i in picks)


def _phrases(spec: ItemSpec, year: int) -> tuple[str, tuple[Deadline, ...], tuple[Target, ...]]:
    text = _body(spec.sentence)
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    if spec.deadline is not None:
        form, offset, month, day = spec.deadline
        template, precision = DEADLINE_FORMS[form % len(DEADLINE_FORMS)]
        y, m, d = year + offset, month, day
        phrase = template.format(y=y, m=m, d=d)
        date = {
            "year": dt.date(y, 12, 31),
            "month": _month_end(y, m),
            "day": dt.date(y, m, d),
        }[precision]
        deadlines = (Deadline(expression=phrase, date=date, precision=precision, span=_NOWHERE),)
        text = phrase + text
    if spec.target is not None:
        form, value, base = spec.target
        template, unit_text, unit, comparator, quantity = TARGET_FORMS[form % len(TARGET_FORMS)]
        marked = template.format(n=value, b=base)
        printed = marked[marked.index("[") + 1 : marked.index("]")]
        phrase = marked.replace("[", "").replace("]", "")
        targets = (
            Target(
                text=printed,
                quantity=quantity,
                value=Decimal(value),
                unit=unit,
                unit_text=unit_text,
                comparator=comparator,
                baseline=Decimal(base) if "{b}" in template else None,
                span=_NOWHERE,
            ),
        )
        text = text + "，" + phrase
    return text + "。", deadlines, targets


def build_plan(spec: PlanSpec, registry: Registry) -> Plan:
    """The plan `spec` describes, with spans pointing into its rendered text."""
    nl = "\r\n" if spec.crlf else "\n"
    issued = dt.date(spec.year, spec.month, spec.day)
    plan_title = "全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案"
    doc_number = f"国办发〔{spec.year}〕{spec.number}号"
    title = f"国务院办公厅关于印发{plan_title}的通知"
    front_lines: list[tuple[BlockKind, str, str]] = [
        ("title", title, ""),
        ("doc-number", doc_number, nl),
        ("addressees", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", nl * 3),
        ("body", f"《{plan_title}》已经国务院同意，现印发给你们，请认真贯彻落实。", nl),
        ("issuer", "国务院办公厅", nl),
        ("date", f"{spec.year}年{spec.month}月{spec.day}日", nl),
        ("note", "（此件公开发布）", nl),
        ("plan-title", plan_title, nl * 3),
        ("preamble", "为确保会议确定的重点任务落到实处，现制定如下分工方案。", nl * 2),
    ]
    front = tuple(Block(kind=k, text=t, gap=g, span=_NOWHERE) for k, t, g in front_lines)
    sections = []
    task_number = 0
    for s_index, task_specs in enumerate(spec.sections, 1):
        tasks = []
        for t_spec in task_specs:
            task_number += 1
            measures = tuple(
                _measure(m_spec, m_index, task_id(task_number), spec.year, registry, nl)
                for m_index, m_spec in enumerate(t_spec.measures, 1)
            )
            heading = (
                Block(kind="measures-heading", text="具体措施：", gap=nl, span=_NOWHERE)
                if measures
                else None
            )
            tasks.append(
                Task(
                    id=task_id(task_number),
                    number=task_number,
                    label=f"（{to_chinese(task_number)}）",
                    **_item_fields(t_spec, spec.year, registry, nl),
                    measures_heading=heading,
                    measures=measures,
                    gap=nl,
                    span=_NOWHERE,
                )
            )
        sections.append(
            Section(
                id=section_id(s_index),
                number=s_index,
                label=f"{to_chinese(s_index)}、",
                title="着力打造市场化法治化国际化营商环境",
                tasks=tuple(tasks),
                gap=nl,
                span=_NOWHERE,
            )
        )
    closing_text = "各地区、各部门要抓好各项改革任务落地。"
    plan_deadlines: tuple[Deadline, ...] = ()
    if spec.closing_deadline:
        closing_text += "贯彻落实情况，年底前书面报国务院。"
        plan_deadlines = (
            Deadline(
                expression="年底前",
                date=dt.date(spec.year, 12, 31),
                precision="year",
                span=_NOWHERE,
            ),
        )
    back = (Block(kind="closing", text=closing_text, gap=nl, span=_NOWHERE),)
    plan = Plan(
        id=derive_plan_id(doc_number, issued),
        doc_number=doc_number,
        title=title,
        issuer="国务院办公厅",
        issuer_id=issuer.id if (issuer := registry.lookup("国务院办公厅")) else None,
        issued=issued,
        addressees="各省、自治区、直辖市人民政府，国务院各部委、各直属机构",
        plan_title=plan_title,
        preamble=front[-1].text,
        closing=closing_text,
        deadlines=plan_deadlines,
        sections=tuple(sections),
        front=front,
        back=back,
        tail=nl,
    )
    return layout_plan(plan)


def _item_fields(spec: ItemSpec, year: int, registry: Registry, nl: str) -> dict[str, Any]:
    """The text, responsibility line, deadlines and targets of a task or measure."""
    text, deadlines, targets = _phrases(spec, year)
    gap = "" if spec.inline_responsibility else nl
    return {
        "text": text,
        "responsibility": _responsibility(spec.clauses, registry, gap),
        "deadlines": deadlines,
        "targets": targets,
    }


def _measure(
    spec: ItemSpec, number: int, task: str, year: int, registry: Registry, nl: str
) -> Measure:
    return Measure(
        id=measure_id(task, number),
        number=number,
        numbered=True,
        label=f"{number}．",
        **_item_fields(spec, year, registry, nl),
        gap=nl,
        span=_NOWHERE,
    )


def random_spec(rng: random.Random, registry: Registry, *, size: float = 1.0) -> PlanSpec:
    """A plan spec of about the reference's shape (5 sections, 25 tasks, 73 measures) x size."""
    organisations = sorted(
        a.name_zh for a in registry.agencies if a.kind == "organisation" and a.dissolved is None
    )
    collectives = ("国务院相关部门", "各地区", "各部门")

    def clauses() -> tuple[ClauseSpec, ...]:
        out = []
        if rng.random() < 0.6:
            out.append(ClauseSpec(tuple(rng.sample(organisations, rng.randint(1, 2))), "lead"))
        names = tuple(rng.sample(organisations, rng.randint(0, 4)))
        if names or not out:
            role: Role = rng.choice(("shared", "shared", "responsible"))
            open_collective = rng.choice(collectives) if names and role == "shared" else None
            out.append(ClauseSpec(names or (rng.choice(collectives),), role, open_collective))
        return tuple(out)

    def item(with_measures: bool) -> ItemSpec:
        measures: tuple[ItemSpec, ...] = ()
        if with_measures:
            measures = tuple(item(False) for _ in range(rng.choice((0, 2, 3, 3, 4, 5))))
        deadline = None
        if not with_measures and rng.random() < 0.35:
            # Months after the issue month (at most June), so no deadline precedes the plan.
            deadline = (
                rng.randrange(3),
                rng.choice((0, 0, 1)),
                rng.randint(7, 12),
                rng.randint(1, 28),
            )
        target = None
        if not with_measures and rng.random() < 0.1:
            target = (rng.randrange(len(TARGET_FORMS)), rng.randint(1, 99), rng.randint(100, 200))
        return ItemSpec(rng.randrange(1 << 16), clauses(), deadline, target, False, measures)

    n_tasks = max(1, round(25 * size))
    n_sections = max(1, min(n_tasks, round(5 * size)))
    per_section = [n_tasks // n_sections + (i < n_tasks % n_sections) for i in range(n_sections)]
    return PlanSpec(
        year=rng.randint(2019, 2024),
        number=rng.randint(1, 60),
        month=rng.randint(1, 6),
        day=rng.randint(1, 28),
        sections=tuple(tuple(item(True) for _ in range(n)) for n in per_section),
    )
