"""Oracle for the golden files: reads the two sample bulletins with knowledge of their layout.

This is deliberately NOT the product's reader: it hard-codes what a person sees in these
two files (table widths, the order of the 附件3 rows, which lines hold the headline
sentences) and uses only the standard library. Its output was checked by hand against
the raw text; the tests compare the archive's facts_readable to it.

    python -m tests.golden.make_golden
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "corpus"
FIELDS = ["table_kind", "entity_raw", "parent_raw", "row_role", "metric", "value", "value_raw",
          "unit", "note"]  # fmt: skip
ANNEX1 = ["claimed_items", "unclaimed_items", "claim_rate", "published_items", "publish_rate",
          "guide_accuracy_rate", "review_completion_rate", "new_overdue", "cumulative_overdue",
          "overdue_rate", "cases", "cumulative_cases", "evaluations", "cumulative_evaluations",
          "evaluation_rate", "cumulative_evaluation_rate", "case_coverage_rate"]  # fmt: skip
ANNEX1_LABELS = ["已认领", "待认领", "认领率", "已发布", "发布率", "办事指南准确率", "梳理 完成率",
                 "新增超时件", "累计超时件", "超期率", "办件量", "累计办件量", "主动评价数",
                 "累计主动评价数", "主动评价率", "累计主动评价率", "办件覆盖率"]  # fmt: skip
TOWN_METRICS = ["consultations", "applications", "accepted", "completed"]
DEC_METRICS = ["accepted", "completed", "evaluations", "satisfaction_rate"]


def unit_of(metric: str) -> str:
    return "percent" if metric.endswith("_rate") else "count"


def value_of(raw: str) -> tuple[str, str]:
    """(value, note) as CSV text."""
    if raw in ("", "-", "暂无数据"):
        return "", ""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%?(?:（(.*)）)?", raw)
    assert m, raw
    return repr(float(m[1])), m[2] or ""


def fact(kind: str, entity: str, parent: str, role: str, metric: str, raw: str) -> dict[str, str]:
    value, note = value_of(raw)
    return dict(
        zip(
            FIELDS,
            [kind, entity, parent, role, metric, value, raw, unit_of(metric), note],
            strict=True,
        )
    )


def headline(kind_scope: str, metric: str, raw: str, unit: str, note: str = "") -> dict[str, str]:
    value = repr(float(raw.rstrip("件%")))
    return dict(
        zip(
            FIELDS,
            ["headline", kind_scope, "", "total", metric, value, raw, unit, note],
            strict=True,
        )
    )


def pipe_cells(lines: list[str]) -> list[str]:
    """One cell a line ('X |'); '|', '||', … are that many empty cells."""
    cells: list[str] = []
    for line in lines:
        assert line.endswith("|"), line
        if set(line) == {"|"}:
            cells.extend([""] * len(line))
        else:
            assert line.count("|") == 1, line
            cells.append(line[:-1].strip())
    return cells


def cjk_clean(text: str) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def september() -> list[dict[str, str]]:
    lines = (CORPUS / "2022-09_xiqu_zwfw.txt").read_text(encoding="utf-8").split("\n")
    out: list[dict[str, str]] = []
    # Headline: line 3 (hall, then towns) and line 5 (platform), as read by a person.
    assert "共受理13907件,办结13907件(见附件2)" in lines[2]
    assert "申请5331件,受理4904件,办结4904件(见附件3)" in lines[2]
    assert "一体化平台办件数4288件,主动评价数4084件,主动评价率97.86%" in lines[4]
    out += [
        headline("政务服务大厅", "accepted", "13907件", "count"),
        headline("政务服务大厅", "completed", "13907件", "count", "见附件2"),
        headline("便民服务大厅", "applications", "5331件", "count"),
        headline("便民服务大厅", "accepted", "4904件", "count"),
        headline("便民服务大厅", "completed", "4904件", "count", "见附件3"),
        headline("一体化平台", "cases", "4288件", "count"),
        headline("一体化平台", "evaluations", "4084件", "count"),
        headline("一体化平台", "evaluation_rate", "97.86%", "percent"),
    ]
    # The one department the same paragraph gives its own figure (其中…较低为69.32%): its row.
    assert "其中区农业农村和交通运输局主动评价率较低为69.32%" in lines[4]
    row = ["headline", "区农业农村和交通运输局", "", "item", "evaluation_rate", "69.32", "69.32%"]
    out.append(dict(zip(FIELDS, [*row, "percent", ""], strict=True)))
    a1, a2, a3 = lines.index("附件1"), lines.index("附件2"), lines.index("附件3")
    # 附件1: 4 + 15 header cells, 17 labels + 2 pads, then 38 rows of 19 cells.
    cells = pipe_cells(lines[a1 + 2 : a2])
    assert cells[:4] == ["序号", "部门", "事项梳理", "运行效能"] and cells[19:36] == ANNEX1_LABELS
    body = cells[38:]
    assert len(body) == 38 * 19
    for r in range(38):
        row = body[r * 19 : (r + 1) * 19]
        assert row[0] == str(r + 1)
        out += [
            fact("online_service", row[1], "", "item", m, v)
            for m, v in zip(ANNEX1, row[2:], strict=True)
        ]
    # 附件2: 4 header cells, 20 rows of (序号, 部门, 办件数, 备注), then 总计 | 13907 | (empty).
    cells = pipe_cells(
        lines[a2 + 2 : lines.index("备注:“大厅窗口办件数”数据来源于政务服务大厅各个窗口办件")]
    )
    assert cells[:4] == ["序号", "部门", "大厅窗口 办件数", "备注"]
    body = cells[4:]
    for r in range(20):
        index, name, value, remark = body[r * 4 : (r + 1) * 4]
        assert index == str(r + 1) and remark == ""
        out.append(fact("hall_windows", name, "", "item", "handled", value))
    assert body[80:] == ["总计", "13907", ""]
    out.append(fact("hall_windows", "总计", "", "total", "handled", "13907"))
    # 附件3: town rows (town, centre, 4 numbers), centre rows (centre, 4 numbers, pad),
    # 小计 rows (小计, 4 numbers, pad), and 总计 with 4 numbers.
    footer = next(i for i in range(a3, len(lines)) if lines[i].startswith("主办"))
    cells = pipe_cells(lines[a3 + 2 : footer])
    assert cells[:6] == ["便民服务中心", "咨询(件)", "申请(件)", "受理(件)", "办结(件)", ""]
    i, town = 6, ""
    while i < len(cells):
        if cells[i] == "总计":
            out += [
                fact("town_centers", "总计", "", "total", m, v)
                for m, v in zip(TOWN_METRICS, cells[i + 1 : i + 5], strict=True)
            ]
            i += 5
        elif cells[i] == "小计":
            out += [
                fact("town_centers", town, "", "subtotal", m, v)
                for m, v in zip(TOWN_METRICS, cells[i + 1 : i + 5], strict=True)
            ]
            i += 6
        elif not cells[i + 1][:1].isdigit():  # a town's first row
            town = cjk_clean(cells[i])
            out += [
                fact("town_centers", cells[i + 1], town, "item", m, v)
                for m, v in zip(TOWN_METRICS, cells[i + 2 : i + 6], strict=True)
            ]
            i += 6
        else:
            assert cells[i + 5] == ""
            out += [
                fact("town_centers", cells[i], town, "item", m, v)
                for m, v in zip(TOWN_METRICS, cells[i + 1 : i + 5], strict=True)
            ]
            i += 6
    assert i == len(cells)
    return out


def december() -> list[dict[str, str]]:
    lines = (CORPUS / "2020-12_xiqu_zwfw.txt").read_text(encoding="utf-8").split("\n")
    out: list[dict[str, str]] = []
    sentence = "12月，政务服务大厅系统排号数7705件，系统受理数7016件，办结7018件（含上月未办结件，下同），即办件数5925件，系统评价数4776件，系统评价满意率100%。"
    assert sentence in lines
    out += [
        headline("政务服务大厅", "queue_tickets", "7705件", "count"),
        headline("政务服务大厅", "accepted", "7016件", "count"),
        headline("政务服务大厅", "completed", "7018件", "count", "含上月未办结件，下同"),
        headline("政务服务大厅", "immediate_completed", "5925件", "count"),
        headline("政务服务大厅", "evaluations", "4776件", "count"),
        headline("政务服务大厅", "satisfaction_rate", "100%", "percent"),
    ]
    cells = [line.strip() for line in lines if line.startswith("\t")]
    assert cells[:6] == ["序号", "部门", "系统受理数", "系统办结数", "系统评价数", "系统评价满意率"]
    body = cells[6:]
    assert len(body) == 21 * 6
    for r in range(21):
        row = body[r * 6 : (r + 1) * 6]
        assert row[0] == str(r + 1)
        out += [
            fact("hall_windows", row[1], "", "item", m, v)
            for m, v in zip(DEC_METRICS, row[2:], strict=True)
        ]
    return out


def write(name: str, rows: list[dict[str, str]]) -> None:
    with (HERE / f"{name}.facts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write("2022-09_xiqu_zwfw", september())
    write("2020-12_xiqu_zwfw", december())
