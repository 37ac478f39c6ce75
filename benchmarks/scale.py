"""Large plans for the cost bounds of issue 16, generated deterministically, and a runner.

    python3 benchmarks/scale.py tasks 99900 OUT.txt     # write a source of 99,900 tasks
    python3 benchmarks/scale.py measures 100000 OUT.txt # one task with 100,000 measures
    python3 benchmarks/scale.py reworded 8000 OUT.txt   # the 8,000 tasks reworded, one added
    python3 benchmarks/scale.py build 99900 [--no-site] # time and peak memory of `fgf build`
    python3 benchmarks/scale.py diff 8000               # time of `fgf diff`, every text reworded

The sources keep task numbering under 九百九十九 by restarting it in every section (the parser
accepts both numbering schemes), so 99,900 tasks are 100 sections of 999. `build` and `diff`
run the installed code in a child process and print its wall-clock and CPU seconds (user +
system: on a shared machine the wall clock grows with whatever else runs) and its peak RSS.

Where the memory of a build of 99,900 tasks goes (10.7 MB of source, 4.8 million triples),
measured by sampling the RSS of `build_package` per stage: the parsed plan about 400 MB
(460 MB of RSS after parsing); the CSVs, plan.json (108 MB) and the source 240 MB more while
`data_files` makes them; the triples, grouped by subject, 550 MB more; the Turtle (200 MB)
and the JSON-LD (590 MB) the serialisers write. The build used to hold every file until it
had written them all, and `linked_outputs` the grouped triples, the Turtle and the JSON-LD at
once: 1.78 GB at the peak (1,777 MiB of `ru_maxrss`, with and without the site).

Now each file goes into the staging folder as it is made and only its size and sha256 stay
(`fileset.FileSet`); the descriptor, the catalogue, the package documents and the landing
page take those. The plan's Turtle and JSON-LD come from one run of the writer, unit by unit
(the plan, each subdivision, the agents and roles it cites: `linked.outputs.triple_units`),
each unit written when its subjects come up in N-Triples order (`syntax.units_in_order`), a
few units in memory at a time; oxigraph serialises the Turtle from that stream while the
JSON-LD is built beside it from the writer's own terms (`jsonld.NodeWriter`), not read back
from the Turtle. Before (all triples grouped, the Turtle in two subject ranges from two more
runs of the writer, the JSON-LD from the Turtle read back) the linked outputs took 48-49 s of
CPU and 916 MiB at their peak (the plan loaded from a pickle, 517 MiB, then `write_linked`
alone, the machine loaded 6-7); now 31 s and 607 MiB (the plan and some 90 MB): 4.8 million
triples, about 6.5 µs each. Where it goes, at 5,000 tasks (242,000 triples, loaded 5): the
writer 0.14 s, oxigraph's terms and the order 0.6, the JSON-LD nodes 0.7 (their encoding 0.15
of it), oxigraph's serializer 0.15: Python's work per triple, not memory. Peaks per stage
(`build_package` with the site, sampled every 5 ms, loaded 10): parse 478 MiB, data files 700
(`ru_maxrss` 806), database 603, linked outputs 641, site 965 (then the peak of the build),
gate 807. The site now adds about a second: `site_files` alone 0.86 s of CPU and 26 MiB (13 MB
of pages), where it took 17.5 s and 450 MiB (150 MB of pages, the plan page 79 MB) before its
pages listed at most 1,000 rows (`site.pages.LIST_LIMIT`). `fgf build` (this runner, the
machine idle, with the site): 42.5 s wall, 42.3 s of CPU, 822 MiB (before both changes, idle:
76.5 s, 76.3 s, 975 MiB). Assignments' spans (a `prov:wasDerivedFrom` and its text
selectors for every attribution) brought the plan graph to 6.7 million triples, of which the
spans' selectors are three in five (1.35 million at 20,000 tasks, 825,000 of them spans'),
and the build to 61.2 s of CPU, 833 MiB. Two costs per triple were the ordering (a key and a
sort per subject) and the JSON-LD's: the subjects come in a few dozen shapes (the predicates
in writing order), whose order is now worked out once per shape, objects compared only where
a predicate repeats; the JSON-LD nodes are encoded by one C encoder made once and keep their
reference for the parent written after them. `write_linked` alone (the plan from a pickle,
idle): 39.1 s of CPU before, 33.2 s after, 582 MiB either way, the files byte for byte the
same; `fgf build`: 49.7 s of CPU, 833 MiB. Of the 33 s, oxigraph's terms are a floor: a triple
whose object is a literal costs 1.5 µs to make (`pyoxigraph.Triple` tries its object as an
IRI and a blank node first), one whose object is an IRI 0.2 µs. What stays throughout is the plan: 390 MB for
100,000 tasks, of which pydantic's per-instance overhead is most (a Task 1.2 KB, each of its two Spans
470 B, its Responsibility 700 B: sys.getsizeof over the model of 20,000 tasks). A copy of
that model as plain slotted objects, sharing its strings and numbers, takes 9 MB more than
those 10 MB of strings and numbers, against 68 MB for the pydantic model (tracemalloc): about
100 MB instead of 390 for 100,000 tasks. The model is left as it is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from fgf_opendata.parsing.numerals import to_chinese

_HEADER = (
    "国务院办公厅关于印发大型测试分工方案的通知\n"
    "国办发〔2021〕99号\n\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "《大型测试分工方案》已经国务院同意，现印发给你们，请认真贯彻落实。\n"
    "国务院办公厅\n"
    "2021年7月11日\n"
    "（此件公开发布）\n\n"
    "大型测试分工方案\n\n"
    "为确保会议确定的重点任务落到实处，现制定如下分工方案。\n"
)
_CLOSING = "各地区、各部门要抓好各项改革任务落地。\n"
_BODIES = (
    "深化行政审批制度改革",
    "完善常态化财政资金直达机制",
    "健全企业合理诉求解决机制",
    "加强事中事后监管",
    "优化公证服务",
    "推进公平竞争审查全覆盖",
)
_LINES = (
    "（市场监管总局负责）",
    "（财政部牵头，审计署负责）",
    "（人民银行、银保监会牵头，各地区按职责分工负责）",
    "（税务总局负责）",
)


def _body(index: int, reworded: bool = False) -> str:
    body = _BODIES[index % len(_BODIES)]
    return f"进一步{body}，抓好第{index}项落实。" if reworded else f"{body}第{index}项。"


def tasks_source(
    n_tasks: int, per_section: int = 999, *, reworded: bool = False, inserted: bool = False
) -> str:
    """A plan of `n_tasks` tasks without measures, `per_section` to a section (numbering
    restarts in each), each task a short sentence and a responsibility line (~100 bytes).

    `reworded` rewords every task's text (same words, some added); `inserted` puts a new task
    at the head of every section, so every other task moves down one number and no task keeps
    both its number and its text.
    """
    parts = [_HEADER]
    done = 0
    section = 0
    while done < n_tasks:
        section += 1
        parts.append(f"{to_chinese(section)}、着力打造市场化法治化国际化营商环境\n")
        count = min(per_section, n_tasks - done)
        bodies = [_body(done + k, reworded) for k in range(1, count + 1)]
        if inserted:
            bodies = ["新增一项跨部门协同任务。", *bodies[:-1]]
        for number, body in enumerate(bodies, 1):
            done += 1
            parts.append(f"（{to_chinese(number)}）{body}\n{_LINES[done % len(_LINES)]}\n")
    parts.append(_CLOSING)
    return "".join(parts)


def measures_source(n_measures: int) -> str:
    """A plan of one task with `n_measures` numbered measures."""
    parts = [
        _HEADER,
        "一、着力打造市场化法治化国际化营商环境\n",
        f"（一）{_body(0)}\n",
        "具体措施：\n",
    ]
    for number in range(1, n_measures + 1):
        parts.append(f"{number}．{_body(number)}\n{_LINES[number % len(_LINES)]}\n")
    parts.append(_CLOSING)
    return "".join(parts)


_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "fgf_opendata", *sys.argv[1:]], capture_output=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"exit": done.returncode, "wall_s": round(time.perf_counter() - start, 1),
                  "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                  "peak_rss_mb": usage.ru_maxrss // 1024}))
"""


def measure(args: list[str]) -> dict[str, object]:
    """Runs `fgf ARGS` in a child and returns its exit code, seconds and peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def main(argv: list[str]) -> None:
    if argv[0] in ("build", "diff"):
        n = int(argv[1])
        with tempfile.TemporaryDirectory() as folder:
            old = Path(folder, "old.txt")
            old.write_text(tasks_source(n), encoding="utf-8")
            if argv[0] == "build":
                package = str(Path(folder, "package"))
                print(measure(["build", str(old), "-o", package, *argv[2:]]))
            else:
                new = Path(folder, "new.txt")
                new.write_text(tasks_source(n, reworded=True, inserted=True), encoding="utf-8")
                print(measure(["diff", str(old), str(new), "--json"]))
        return
    kind, arg, out = argv
    if kind == "tasks":
        text = tasks_source(int(arg))
    elif kind == "measures":
        text = measures_source(int(arg))
    elif kind == "reworded":
        text = tasks_source(int(arg), reworded=True, inserted=True)
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    Path(out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
