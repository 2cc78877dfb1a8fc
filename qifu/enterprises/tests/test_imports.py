"""Enterprise and commissioner imports (all or nothing, row-by-row report), exports and templates."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook
from stdnum.cn import uscc

from qifu.core import excel
from qifu.core.models import Event
from qifu.core.testing.factories import credit_code, make_user
from qifu.enterprises import imports
from qifu.enterprises import io as enterprise_io
from qifu.enterprises.models import CommissionerAssignment, Enterprise
from qifu.enterprises.selectors import enterprise_list
from qifu.organisations.choices import Role

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "统一社会信用代码", "所属区域", "行业代码", "规上企业", "重点企业", "地址", "员工人数", "辖区外"]
ASSIGN_HEADER = ["统一社会信用代码", "专员账号", "调整原因"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # The world's dozen users otherwise spend seconds in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def xlsx(*rows: list[Any]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(n: int, **overrides: Any) -> list[Any]:
    values = {
        "name": f"Imported {n}",
        "credit_code": credit_code(900_000 + n),
        "region": "510112",
        "industry": "36",
        "above_scale": "是",
        "key_enterprise": "否",
        "address": f"Road {n}",
        "headcount": 10 + n,
        "is_external": "",
    }
    values.update(overrides)
    return list(values.values())


def counts() -> tuple[int, int, int]:
    return Enterprise.objects.count(), Event.objects.count(), CommissionerAssignment.objects.count()


def errors_of(report: excel.ImportReport) -> list[tuple[int | None, str]]:
    return sorted(((e.row, e.column) for e in report.errors), key=lambda x: (x[0] or 0, x[1]))


def with_bad_check_character(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("0" if last != "0" else "1")


# --- enterprise import: the good path -----------------------------------------------------------------


def test_good_file_creates_enterprises_with_normalised_codes_and_events(world: Any) -> None:
    code_a, code_b, code_c = credit_code(900_001), credit_code(900_002), credit_code(900_003)
    content = xlsx(
        HEADER,
        row(1, credit_code=" " + code_a.lower()[:9] + " " + code_a.lower()[9:] + " "),
        row(2, credit_code=code_b, region="四川省成都市锦江区", industry="C14", above_scale="否", key_enterprise="是"),
        row(3, credit_code=code_c, region="成都市龙泉驿区", industry="36 汽车制造业", headcount=None, is_external="是"),
    )
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=content)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    a = Enterprise.objects.get(credit_code=code_a)
    assert (a.name, a.region_id, a.industry_id, a.above_scale, a.key_enterprise, a.headcount) == (
        "Imported 1", "510112", "36", True, False, 11,
    )
    b = Enterprise.objects.get(credit_code=code_b)
    assert (b.region_id, b.industry_id, b.above_scale, b.key_enterprise) == ("510104", "14", False, True)
    c = Enterprise.objects.get(credit_code=code_c)
    assert (c.region_id, c.headcount, c.is_external) == ("510112", 0, True)
    created = Event.objects.filter(code="enterprise.created", target_id__in=[str(a.pk), str(b.pk), str(c.pk)])
    assert created.count() == 3
    event = created.get(target_id=str(a.pk))
    assert event.actor == world.admin and event.target_type == "enterprises.enterprise"
    assert event.data["values"]["credit_code"] == code_a and event.data["values"]["region"] == "510112"
    assert counts() == (before[0] + 3, before[1] + 3, before[2])


def test_existing_enterprise_is_updated_with_a_diff_event_and_a_new_version(world: Any) -> None:
    ent = world.ent_lqy
    content = xlsx(
        HEADER,
        row(1, name=ent.name, credit_code=ent.credit_code, headcount=999, address="New road 8", above_scale="是"),
    )
    report = imports.enterprise_import(actor=world.cc_staff, file=content)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    ent.refresh_from_db()
    assert (ent.headcount, ent.address, ent.version) == (999, "New road 8", 2)
    event = Event.objects.get(code="enterprise.updated", target_id=str(ent.pk))
    assert event.actor == world.cc_staff
    assert event.data["version"] == 2
    assert event.data["changes"]["headcount"] == {"old": 100, "new": 999}
    assert set(event.data["changes"]) == {"headcount", "address"}


def test_columns_left_out_of_the_file_keep_their_values(world: Any) -> None:
    ent = world.ent_lqy
    Enterprise.objects.filter(pk=ent.pk).update(address="Keep me", key_enterprise=True)
    content = xlsx(["统一社会信用代码", "企业名称", "区域代码", "行业代码", "员工人数"], [ent.credit_code, ent.name, "510112", "36", 5])
    report = imports.enterprise_import(actor=world.admin, file=content)
    assert report.ok, report.errors
    ent.refresh_from_db()
    assert (ent.headcount, ent.address, ent.key_enterprise, ent.above_scale) == (5, "Keep me", True, True)


def test_reimporting_an_export_changes_nothing(world: Any) -> None:
    exported = enterprise_io.export_enterprises(enterprise_list(user=world.admin))
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=exported)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, Enterprise.objects.count())
    assert counts() == before
    assert set(Enterprise.objects.values_list("version", flat=True)) == {1}


def test_dry_run_counts_but_writes_nothing(world: Any) -> None:
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=xlsx(HEADER, row(1), row(2)), dry_run=True)
    assert report.ok and report.created == 2 and report.to_dict()["dry_run"] is True
    assert counts() == before


# --- enterprise import: every error is precise and nothing is written ----------------------------------


def missing_column() -> bytes:
    return xlsx(HEADER[:3] + HEADER[4:], row(1)[:3] + row(1)[4:])


ERROR_CASES = {
    "missing required column": (missing_column, [(1, "industry")], "is missing"),
    "bad check character": (
        lambda: xlsx(HEADER, row(1), row(2, credit_code=with_bad_check_character(credit_code(900_002)))),
        [(3, "credit_code")],
        "check character",
    ),
    "duplicate in file": (
        lambda: xlsx(HEADER, row(1), row(2, credit_code=credit_code(900_001)), row(3)),
        [(2, "credit_code"), (3, "credit_code")],
        "rows 2, 3",
    ),
    "unknown region": (lambda: xlsx(HEADER, row(1), row(2, region="999999")), [(3, "region")], "Unknown region"),
    "unknown industry": (lambda: xlsx(HEADER, row(1, industry="99"), row(2)), [(2, "industry")], "Unknown industry"),
    "ambiguous region name": (lambda: xlsx(HEADER, row(1, region="鼓楼区")), [(2, "region")], "several regions"),
    "not yes or no": (lambda: xlsx(HEADER, row(1, key_enterprise="maybe")), [(2, "key_enterprise")], "Yes or No"),
    "negative headcount": (lambda: xlsx(HEADER, row(1, headcount=-3)), [(2, "headcount")], "not negative"),
    "missing name": (lambda: xlsx(HEADER, row(1), row(2, name=None)), [(3, "name")], "name is required"),
    "empty file": (lambda: b"", [(None, "")], "empty"),
    "header only": (lambda: xlsx(HEADER), [(None, "")], "no data rows"),
    "csv": (lambda: ",".join(HEADER).encode() + b"\n" + ",".join(map(str, row(1))).encode(), [(None, "")],
            "not an Excel workbook"),
    "random bytes": (lambda: bytes(range(256)) * 8, [(None, "")], "not an Excel workbook"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES), ids=list(ERROR_CASES))
def test_bad_files_report_precise_errors_and_write_nothing(world: Any, case: str) -> None:
    make, expected, message = ERROR_CASES[case]
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=make())
    assert not report.ok
    assert errors_of(report) == expected
    assert all(message in e.message for e in report.errors), report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert counts() == before
    data = report.to_dict()
    assert data["ok"] is False and len(data["errors"]) == len(expected)


def test_all_errors_of_a_file_are_reported_together(world: Any) -> None:
    content = xlsx(
        HEADER,
        row(1),
        row(2, region="999999", industry="99", headcount="many"),
        row(3, credit_code="123"),
    )
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=content)
    assert errors_of(report) == [(3, "headcount"), (3, "industry"), (3, "region"), (4, "credit_code")]
    assert counts() == before
    rows = excel.read_workbook_values(report.as_workbook())
    assert rows[0] == ("Row", "Column", "Value", "Problem")
    assert rows[1][:3] == (3, "Region code", "999999")


def test_duplicate_of_an_enterprise_the_actor_may_not_change(world: Any) -> None:
    # The LQY command center may not change JJ Foods, even when moving it into its own district.
    content = xlsx(HEADER, row(1), row(2, name="JJ Foods", credit_code=world.ent_jj.credit_code))
    before = counts()
    report = imports.enterprise_import(actor=world.cc_staff, file=content)
    assert errors_of(report) == [(3, "credit_code")]
    assert "already exists and you may not change it" in report.errors[0].message
    assert counts() == before
    world.ent_jj.refresh_from_db()
    assert world.ent_jj.region_id == "510104" and world.ent_jj.version == 1


def test_command_center_cannot_import_outside_their_district(world: Any) -> None:
    before = counts()
    report = imports.enterprise_import(
        actor=world.cc_staff, file=xlsx(HEADER, row(1), row(2, region="510104"), row(3, region="四川省成都市锦江区"))
    )
    assert errors_of(report) == [(3, "region"), (4, "region")]
    assert "your own district" in report.errors[0].message
    assert counts() == before
    # Inside the district the same staff member imports fine.
    report = imports.enterprise_import(actor=world.cc_staff, file=xlsx(HEADER, row(1), row(2)))
    assert report.ok and report.created == 2


@pytest.mark.parametrize("who", ["commissioner", "dept_staff", "leader", "contact_user", "nobody"])
def test_users_without_the_capability_are_denied(world: Any, who: str) -> None:
    user = getattr(world, who)
    before = counts()
    with pytest.raises(PermissionDenied):
        imports.enterprise_import(actor=user, file=xlsx(HEADER, row(1)))
    with pytest.raises(PermissionDenied):
        imports.assignment_import(actor=user, file=xlsx(ASSIGN_HEADER, [world.ent_lqy.credit_code, "comm2", ""]))
    assert counts() == before


def test_five_thousand_rows_import_quickly_in_few_queries(world: Any) -> None:
    rows = [row(i, credit_code=credit_code(1_000_000 + i)) for i in range(5000)]
    # Half of them already exist and change; 100 of those are unchanged.
    existing = [
        Enterprise(name=f"Imported {i}", credit_code=credit_code(1_000_000 + i), region_id="510112", industry_id="36",
                   above_scale=True, address=f"Road {i}", headcount=10 + i if i < 100 else 1)
        for i in range(2500)
    ]
    Enterprise.objects.bulk_create(existing)
    content = xlsx(HEADER, *rows)
    with CaptureQueriesContext(connection) as queries:
        report = imports.enterprise_import(actor=world.cc_staff, file=content)
    assert report.ok, report.errors[:3]
    assert (report.created, report.updated, report.unchanged) == (2500, 2400, 100)
    # Batches, not a query per row (SQLite's parameter limit makes its batches the smaller ones).
    assert len(queries) < 200, len(queries)
    # (its speed is measured by bench.foundation, not here)
    assert Event.objects.filter(code="enterprise.created").count() >= 2500
    assert Event.objects.filter(code="enterprise.updated").count() == 2400
    assert Enterprise.objects.get(credit_code=credit_code(1_004_999)).headcount == 5009


# --- assignment import ---------------------------------------------------------------------------------


def test_assignment_import_moves_the_commissioner_and_keeps_history(world: Any) -> None:
    old = CommissionerAssignment.objects.get(enterprise=world.ent_lqy, ended_at__isnull=True)
    content = xlsx(
        ASSIGN_HEADER,
        [world.ent_lqy.credit_code.lower(), "comm2", "Rotation"],  # moves
        [world.ent_lqy2.credit_code, "comm2", ""],  # already comm2: unchanged
        [world.ent_jj.credit_code, "comm", "First commissioner"],  # had none
    )
    before_events = Event.objects.count()
    report = imports.assignment_import(actor=world.admin, file=content)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    old.refresh_from_db()
    assert old.ended_at is not None
    current = CommissionerAssignment.objects.get(enterprise=world.ent_lqy, ended_at__isnull=True)
    assert current.commissioner == world.commissioner2 and current.reason == "Rotation"
    assert current.assigned_by == world.admin and current.started_at == old.ended_at
    assert CommissionerAssignment.objects.filter(enterprise=world.ent_lqy).count() == 2
    assert CommissionerAssignment.objects.get(enterprise=world.ent_jj, ended_at__isnull=True).commissioner == (
        world.commissioner
    )
    events = Event.objects.filter(code="enterprise.commissioner_assigned").order_by("id")
    assert Event.objects.count() == before_events + 2
    moved = events.get(target_id=str(world.ent_lqy.pk))
    assert moved.actor == world.admin
    assert moved.data == {"commissioner": world.commissioner2.pk, "previous": world.commissioner.pk,
                          "reason": "Rotation", "source": "excel_import"}
    first = events.get(target_id=str(world.ent_jj.pk))
    assert first.data["previous"] is None


def test_assignment_import_rejects_non_commissioners_and_writes_nothing(world: Any) -> None:
    inactive = make_user(Role.COMMISSIONER, world.bureau_lqy, username="retired", is_active=False)
    content = xlsx(
        ASSIGN_HEADER,
        [world.ent_lqy.credit_code, "comm2", ""],  # fine on its own
        [world.ent_lqy2.credit_code, "dept", ""],  # department staff, not a commissioner
        [world.ent_project.credit_code, "ghost", ""],  # no such user
        [world.ent_jj.credit_code, inactive.username, ""],  # not active
    )
    before = counts()
    report = imports.assignment_import(actor=world.admin, file=content)
    assert errors_of(report) == [(3, "commissioner"), (4, "commissioner"), (5, "commissioner")]
    messages = [e.message for e in sorted(report.errors, key=lambda e: e.row or 0)]
    assert "not an active service commissioner" in messages[0]
    assert "No user with username ghost" in messages[1]
    assert "not an active service commissioner" in messages[2]
    assert counts() == before
    assert CommissionerAssignment.objects.get(enterprise=world.ent_lqy, ended_at__isnull=True).commissioner == (
        world.commissioner
    )


def test_assignment_import_scope_duplicates_and_codes(world: Any) -> None:
    content = xlsx(
        ASSIGN_HEADER,
        [world.ent_jj.credit_code, "comm", ""],  # outside the LQY command center's district
        [world.ent_lqy.credit_code, "comm2", ""],
        [world.ent_lqy.credit_code, "team_member", ""],  # the same enterprise twice
        [with_bad_check_character(world.ent_lqy2.credit_code), "comm", ""],
        [credit_code(777_777), "comm", ""],  # valid code, no such enterprise
        [world.ent_project.credit_code, None, "no username"],
    )
    before = counts()
    report = imports.assignment_import(actor=world.cc_staff, file=content)
    assert errors_of(report) == [
        (2, "credit_code"), (3, "credit_code"), (4, "credit_code"), (5, "credit_code"), (6, "credit_code"),
        (7, "commissioner"),
    ]
    by_row = {e.row: e.message for e in report.errors}
    assert "in your area" in by_row[2] and "in your area" in by_row[6]
    assert "more than once" in by_row[3] and "check character" in by_row[5]
    assert counts() == before


def test_assignment_import_missing_column(world: Any) -> None:
    report = imports.assignment_import(actor=world.admin, file=xlsx(["统一社会信用代码"], [world.ent_lqy.credit_code]))
    assert errors_of(report) == [(1, "commissioner")]


# --- export and templates ------------------------------------------------------------------------------


def test_export_contains_only_the_scoped_rows_and_the_header(world: Any) -> None:
    world.commissioner.phone = "13800000000"
    world.commissioner.save()
    content = enterprise_io.export_enterprises(enterprise_list(user=world.commissioner))
    assert content is not None
    rows = excel.read_workbook_values(content)
    assert list(rows[0]) == [str(c.label) for c in enterprise_io.ENTERPRISE_COLUMNS]
    assert len(rows) == 2
    data = dict(zip([c.key for c in enterprise_io.ENTERPRISE_COLUMNS], rows[1], strict=True))
    assert data["name"] == "LQY Motor" and data["credit_code"] == world.ent_lqy.credit_code
    assert (data["region"], data["region_name"], data["industry"]) == ("510112", "四川省成都市龙泉驿区", "36")
    assert (data["above_scale"], data["key_enterprise"], data["headcount"]) == ("Yes", "No", 100)
    assert (data["commissioner"], data["commissioner_name"], data["commissioner_phone"]) == (
        "comm", world.commissioner.full_name, "13800000000",
    )
    # The command center of LQY exports its district's enterprises, not JJ's or Chongqing's.
    rows = excel.read_workbook_values(enterprise_io.export_enterprises(enterprise_list(user=world.cc_staff)) or b"")
    assert sorted(r[0] for r in rows[1:]) == ["LQY Motor", "LQY Parts", "Project owner"]


def test_assignment_export_reimports_unchanged(world: Any) -> None:
    qs = enterprise_list(user=world.cc_staff)
    content = enterprise_io.export_assignments(qs)
    report = imports.assignment_import(actor=world.cc_staff, file=content)
    assert report.ok, report.errors
    assert report.unchanged == 3


@pytest.mark.parametrize(
    ("make", "columns"),
    [
        (enterprise_io.enterprise_template, enterprise_io.ENTERPRISE_COLUMNS),
        (enterprise_io.assignment_template, enterprise_io.ASSIGNMENT_COLUMNS),
    ],
    ids=["enterprises", "assignments"],
)
def test_template_lists_every_column(make: Any, columns: tuple[excel.Column, ...]) -> None:
    content = make()
    wb = load_workbook(io.BytesIO(content))
    assert len(wb.sheetnames) == 2 and wb.sheetnames[1] == "Instructions"
    importable = [c for c in columns if c.importable]
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == [str(c.label) + (" *" if c.required else "") for c in importable]
    listed = [r[0] for r in wb.worksheets[1].iter_rows(min_row=2, max_row=len(importable) + 1, values_only=True)]
    assert listed == [str(c.label) for c in importable]
    assert all(r[3] for r in wb.worksheets[1].iter_rows(min_row=2, max_row=len(importable) + 1, values_only=True))


def test_the_example_credit_code_is_valid() -> None:
    assert uscc.is_valid(enterprise_io.EXAMPLE_CREDIT_CODE)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_header_names_two_columns(language: str) -> None:
    with translation.override(language):
        assert excel.header_conflicts(enterprise_io.ENTERPRISE_COLUMNS) == []
        assert excel.header_conflicts(enterprise_io.ASSIGNMENT_COLUMNS) == []


def test_annual_output_is_optional_checked_and_survives_an_export(world: Any) -> None:
    header = ["企业名称", "统一社会信用代码", "所属区域", "行业代码", "年产值（万元）"]
    bad = xlsx(header, ["Output 1", credit_code(900_101), "510112", "36", "很多"],
               ["Output 2", credit_code(900_102), "510112", "36", -5])
    before = counts()
    report = imports.enterprise_import(actor=world.admin, file=bad)
    assert errors_of(report) == [(2, "annual_output"), (3, "annual_output")]
    assert counts() == before
    good = xlsx(header, ["Output 1", credit_code(900_101), "510112", "36", "52,000.5"],
                ["Output 2", credit_code(900_102), "510112", "36", None])
    assert imports.enterprise_import(actor=world.admin, file=good).ok
    assert Enterprise.objects.get(name="Output 1").annual_output == Decimal("52000.5")
    assert Enterprise.objects.get(name="Output 2").annual_output is None  # unknown, not 0
    exported = enterprise_io.export_enterprises(enterprise_list(user=world.admin))
    report = imports.enterprise_import(actor=world.admin, file=exported)
    assert report.ok and report.updated == 0
