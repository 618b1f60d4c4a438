"""The unit's participation page and its CSV in process, against the real services: the charts
(inline SVG the CSP allows, named, figures written beside the bars) and tables of the same
figures, the filters, and a CSV that Excel opens in Greek and never runs as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.charts import BarChart, Row, bar_chart
from services.gateway.participation_report import Report, as_csv, safe_cell
from tests.browser import bodies
from tests.browser.stack import GatewayStack
from tests.gateway.unit_site import (
    admin,
    answer_as,
    invite_directly,
    schedule,
    stack,
    unit,
)
from tests.registration.conftest import form
from tests.support.polling import eventually

__all__ = ["stack", "unit"]  # the module's fixtures


def member_of_level(stack: GatewayStack, name: str, level: str) -> bodies.Body:
    """A body of `level` registered, designated, verified, and active on the roster."""
    tax_id = bodies.next_tax_id()
    email = bodies.new_email("main")
    filled: dict[str, Any] = form(tax_id)
    filled["body"] |= {"name": name, "level": level}
    filled["main"]["email"] = email
    with stack.api("registration", bodies.bearer("applicant", email=email)) as api:
        created = api.post("/registrations", json=filled)
    assert created.status_code == 201, created.text
    answer = created.json()
    body = bodies.Body(answer["id"], tax_id, name, email, answer["representatives"][0]["id"])
    bodies.send_designation(stack, body)
    bodies.verify_designation(stack, body.registration_id)

    def active() -> None:
        with stack.api("membership", admin()) as api:
            found = api.get(f"/members/{tax_id}")
        assert found.status_code == 200, found.text
        assert found.json()["status"] == "active"

    eventually(active, timeout=30)
    return body


@pytest.fixture(scope="module")
def held(stack: GatewayStack) -> dict[str, bodies.Body]:
    """A started activity: the ministry invited, accepted and attended; the town declined."""
    ministry = member_of_level(stack, "Υπουργείο Ψηφιακής Διακυβέρνησης", "central")
    town = member_of_level(stack, "Δήμος Ωραιοκάστρου", "local")
    activity_id = schedule(stack, title="Συνέδριο καινοτομίας", starts_in=-timedelta(hours=1))
    invite_directly(stack, activity_id, [ministry.tax_id, town.tax_id])
    answer_as(stack, activity_id, ministry, "accepted")
    answer_as(stack, activity_id, town, "declined")
    with stack.api("membership", admin()) as api:
        recorded = api.post(
            f"/activities/{activity_id}/attendance",
            json={"representative_ids": [ministry.main_id], "attended": True},
        )
    assert recorded.status_code == 200, recorded.text

    def counted() -> None:
        with stack.api("membership", admin()) as api:
            report = api.get("/participation").json()
        assert {b["body_id"]: b["attended"] for b in report["bodies"]} == {
            ministry.tax_id: 1,
            town.tax_id: 0,
        }

    eventually(counted, timeout=30)
    return {"ministry": ministry, "town": town}


@pytest.fixture
def english(unit: TestClient) -> TestClient:
    unit.cookies.set("lang", "en")
    return unit


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of a table of the page, each cell's text."""
    found = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_the_page_charts_each_level_and_body_beside_a_table_of_the_same_figures(
    english: TestClient, held: dict[str, bodies.Body]
) -> None:
    page = english.get("/unit/participation")
    assert page.status_code == 200, page.text
    assert " style=" not in page.text, "the CSP refuses style attributes"
    charts = re.findall(r"<svg[^>]*>.*?</svg>", page.text, re.S)
    assert len(charts) == 2
    for chart in charts:
        assert 'role="img"' in chart
        assert re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', chart)
        assert "<title" in chart
        assert "<desc" in chart
    levels_chart, bodies_chart = charts
    assert "Central government" in levels_chart
    assert "Invited: 1" in levels_chart
    assert "Attended: 1" in levels_chart
    assert "Υπουργείο Ψηφιακής Διακυβέρνησης" in bodies_chart
    assert 'fill="url(#chart-bodies-hatched)"' in bodies_chart, "series told apart by pattern"

    levels = table(page.text, "table-levels")
    assert levels[0] == ["Level of government", "Invited", "Accepted", "With a seat", "Attended"]
    assert ["Central government", "1", "1", "1", "1"] in levels
    assert ["Local government", "1", "0", "0", "0"] in levels
    per_body = table(page.text, "table-bodies")
    assert ["Δήμος Ωραιοκάστρου", "1", "0", "0", "0"] in per_body
    assert 'scope="row"' in page.text
    assert "<caption" in page.text


def test_the_filters_narrow_the_figures_and_a_wrong_day_is_said(
    english: TestClient, held: dict[str, bodies.Body]
) -> None:
    central = english.get("/unit/participation", params={"level": "central"})
    assert "Υπουργείο Ψηφιακής Διακυβέρνησης" in central.text
    assert "Δήμος Ωραιοκάστρου" not in central.text
    assert '<option value="central" selected>' in central.text, "the filter stays chosen"

    later = english.get("/unit/participation", params={"from": "2099-01-01"})
    assert "No invitation was sent for activities in this period." in later.text

    wrong = english.get("/unit/participation", params={"from": "31/02/2027", "to": "2027-01-01"})
    assert wrong.status_code == 422
    assert "Enter a real date" in wrong.text
    backwards = english.get(
        "/unit/participation", params={"from": "2027-02-01", "to": "2027-01-01"}
    )
    assert "The last day must be on or after the first day" in backwards.text


def test_the_csv_has_the_same_figures_with_a_bom_as_an_attachment(
    unit: TestClient, held: dict[str, bodies.Body]
) -> None:
    unit.cookies.set("lang", "el")
    answer = unit.get("/unit/participation.csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM: Excel reads Greek"
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Γραμμές"
    ministry = held["ministry"]
    assert [
        "Ανά φορέα",
        "Κεντρική διοίκηση",
        ministry.tax_id,
        ministry.name,
        "1",
        "1",
        "1",
        "1",
    ] in rows
    assert any(row[0] == "Ανά επίπεδο" and row[1] == "Τοπική αυτοδιοίκηση" for row in rows)

    central = unit.get("/unit/participation.csv", params={"level": "central"})
    assert held["town"].tax_id not in central.content.decode("utf-8-sig")


def test_a_cell_that_would_start_a_formula_is_written_as_text() -> None:
    for formula in ("=1+1", "+30 210", "-2", "@SUM(A1)", "\tx"):
        assert safe_cell(formula) == "'" + formula
    assert safe_cell("Δήμος") == "Δήμος"
    report = Report.model_validate(
        {
            "bodies": [
                {
                    "body_id": "090000001",
                    "body_name": '=HYPERLINK("http://evil.example","x")',
                    "level": "local",
                    "invited": 1,
                    "accepted": 0,
                    "confirmed": 0,
                    "attended": 0,
                }
            ],
            "levels": [],
        }
    )
    written = as_csv(report, "en").decode("utf-8-sig")
    assert "'=HYPERLINK" in written
    assert ',"=HYPERLINK' not in written


def test_a_chart_escapes_its_texts_and_writes_every_figure_beside_its_bar() -> None:
    chart = bar_chart(
        BarChart(
            chart_id="chart-test",
            title="Συμμετοχή <b>",
            description="Περιγραφή & σημείωση",
            series=["Invited", "Accepted", "Attended"],
            rows=[Row('<script>alert("x")</script>', [4, 2, 0]), Row("Δήμος", [2, 1, 1])],
        ),
        lambda n: f"#{n}",
    )
    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart
    assert '<title id="chart-test-title">Συμμετοχή &lt;b&gt;</title>' in chart
    assert "Περιγραφή &amp; σημείωση" in chart
    assert " style=" not in chart
    for written in ("Invited: #4", "Accepted: #2", "Attended: #0", "Attended: #1"):
        assert written in chart
    widths = [int(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', chart)]
    assert widths[0] == max(widths), "the largest figure has the longest bar"
    assert widths[2] == 1, "a zero is a hairline, its figure still written"
