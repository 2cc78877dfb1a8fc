"""Every URL of the site is covered here: who gets what on each page.

The test ``test_every_url_pattern_is_covered`` walks the URL resolver and fails when a page exists that
this matrix (or the API/admin coverage tests) does not cover, so new pages cannot skip permission tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ALL_ROLES = (
    "admin",
    "leader",
    "cc_staff",
    "tf_member",
    "dept_staff",
    "bureau_staff",
    "commissioner",
    "team_member",
    "contact_user",
    "nobody",
)
SIGNED_IN = dict.fromkeys(ALL_ROLES, 200)


def only(ok: tuple[str, ...], *, visible: tuple[str, ...] = (), otherwise: int = 403) -> dict[str, int]:
    """200 for ``ok``; 403 for ``visible`` (may see the object but not act); ``otherwise`` for the rest."""
    return {r: 200 if r in ok else 403 if r in visible else otherwise for r in ALL_ROLES}


# Who sees the Longquanyi enterprise ``ent_lqy`` (served by ``commissioner``, contact ``contact_user``).
SEES_ENT = ("admin", "leader", "cc_staff", "bureau_staff", "commissioner", "contact_user")
CHANGES_ENT = ("admin", "cc_staff", "commissioner", "contact_user")
ASSIGNS_ENT = ("admin", "cc_staff")
IMPORTERS = ("admin", "cc_staff")


def ent(w: Any) -> dict[str, Any]:
    return {"pk": w.ent_lqy.pk}


def unit(w: Any) -> dict[str, Any]:
    return {"pk": w.cc_lqy.pk}


def notice(w: Any) -> dict[str, Any]:
    """A notification of ``commissioner``'s: only they may mark it read, everyone else gets 404."""
    from qifu.notifications.models import Notification

    return {"pk": Notification.objects.create(recipient=w.commissioner, code="test.notice").pk}


def problem(w: Any) -> dict[str, Any]:
    """A problem reported by the enterprise of ``ent_lqy``, waiting for its commissioner."""
    from qifu.ledger.models import ProblemCategory
    from qifu.ledger.services import ProblemInput, problem_report

    category = ProblemCategory.objects.get(code="other")
    p = problem_report(actor=w.contact_user, data=ProblemInput(enterprise_id=w.ent_lqy.pk, title="t", category_id=category.pk))
    return {"pk": p.pk}


def attachment(w: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qifu.ledger.services import attachment_add

    a = attachment_add(actor=w.contact_user, problem_id=problem(w)["pk"], file=SimpleUploadedFile("letter.pdf", b"%PDF"))
    return {"pk": a.pk}


def accept(w: Any) -> dict[str, Any]:
    return {**problem(w), "action": "accept"}


def report_for(w: Any) -> dict[str, Any]:
    return {"enterprise_pk": w.ent_lqy.pk}


REPORTERS = ("admin", "cc_staff", "commissioner", "contact_user")
LEDGER_IMPORTERS = ("admin", "cc_staff")
RETURNERS = ("admin", "leader", "cc_staff", "tf_member", "dept_staff", "bureau_staff")


def supply_link(w: Any) -> dict[str, Any]:
    """A link of ent_lqy's supplier list (a fresh one per request: removing it is one of the tested actions)."""
    from qifu.supplychain.models import SupplyLink

    link = SupplyLink.objects.create(buyer=w.ent_lqy, supplier=w.ent_jj, part=f"p{SupplyLink.objects.count()}",
                                     stock_days=3)
    return {"pk": link.pk}


OFFICIALS = tuple(r for r in ALL_ROLES if r not in ("contact_user", "nobody"))
SC_VIEWERS = ("admin", "leader", "cc_staff", "bureau_staff", "commissioner")
SC_IMPORTERS = ("admin", "cc_staff", "commissioner")


def department(w: Any) -> dict[str, Any]:
    return {"unit_pk": w.department.pk}


def pending_extension(w: Any) -> dict[str, Any]:
    """The transport department asks for more time on a problem the LQY command center assigned to it."""
    from datetime import timedelta

    from qifu.ledger.models import Assignment
    from qifu.ledger.services import extension_request

    from .ledger_world import dispatched

    p = dispatched(w)
    hop = Assignment.objects.get(problem=p, tier="department")
    ext = extension_request(actor=w.dept_staff, problem_id=p.pk, new_deadline=hop.deadline + timedelta(days=3),
                            reason="r")
    return {"pk": ext.pk}



def _workforce(w: Any) -> Any:
    from qifu.workforce.tests.conftest import add_authorities

    return add_authorities(w)


def bus_plan(w: Any) -> dict[str, Any]:
    """A plan proposed by the enterprise of ``ent_lqy`` (the transport department ``dept_staff`` approves)."""
    from qifu.workforce import services
    from qifu.workforce.tests.conftest import tomorrow

    _workforce(w)
    services.origin_group_set(actor=w.contact_user, enterprise_id=w.ent_lqy.pk, origin_code="511502", expected=30,
                              counts={"at_origin": 30})
    plan = services.plan_propose(actor=w.contact_user, enterprise_id=w.ent_lqy.pk, travel_date=tomorrow(), seats=45)
    return {"pk": plan.pk}


def trip_depart(w: Any) -> dict[str, Any]:
    from qifu.workforce import services

    plan = services.plan_decide(actor=w.dept_staff, plan_id=bus_plan(w)["pk"], approve=True)
    return {"pk": plan.trips.first().pk, "action": "depart"}


def health_event(w: Any) -> dict[str, Any]:
    from qifu.workforce import services

    _workforce(w)
    e = services.health_event_report(actor=w.contact_user, data=services.HealthEventInput(
        enterprise_id=w.ent_lqy.pk, person_name="x", description="fever"))
    return {"pk": e.pk}


WORKFORCE_SEES_PLAN = (*SEES_ENT, "dept_staff")

MERGERS = ("admin", "leader", "tf_member")
# who decides extensions at all (the tiers above someone); the list shows each only their own
EXTENSION_DECIDERS = ("admin", "leader", "cc_staff", "tf_member")

def key_project(w: Any) -> dict[str, Any]:
    """A key project owned by ``ent_project`` with ``work_team`` stationed and ``department`` deciding passes."""
    from qifu.projects.tests.conftest import make_project

    return {"pk": make_project(w).project.pk}


def equipment(w: Any) -> dict[str, Any]:
    from qifu.projects.models import KeyProject
    from qifu.projects.tests.conftest import item

    return {"pk": item(KeyProject.objects.get(pk=key_project(w)["pk"]), "T-1101").pk}


def vehicle_pass(w: Any, *, approve: bool = False) -> dict[str, Any]:
    """A pass the contact of ``ent_lqy`` applied for to the project's transport department."""
    from datetime import timedelta

    from django.utils import timezone

    from qifu.projects import services

    today = timezone.localdate()
    vp = services.pass_apply(actor=w.contact_user, data=services.PassInput(
        project_id=key_project(w)["pk"], enterprise_id=w.ent_lqy.pk, plate="川A12345", vehicle_type="bus",
        driver_name="d", route="r", purpose="commuting", valid_from=today, valid_until=today + timedelta(days=3)))
    if approve:
        services.pass_decide(actor=w.dept_staff, pass_id=vp.pk, approve=True)
    return {"pk": vp.pk}


SEES_PROJECT = ("admin", "leader", "cc_staff", "dept_staff", "bureau_staff", "team_member")
CHANGES_PROJECT = ("admin", "cc_staff", "team_member")
SEES_PASS = ("admin", "leader", "cc_staff", "dept_staff", "bureau_staff", "commissioner", "team_member",
             "contact_user")
APPLIES = ("admin", "cc_staff", "commissioner", "team_member", "contact_user")


def _posting(ok: tuple[str, ...], visible: tuple[str, ...]) -> dict[str, int]:
    return {r: 302 if r in ok else 403 if r in visible else 404 for r in ALL_ROLES}


def coop_listing(w: Any, publish: bool = True) -> Any:
    from datetime import date, timedelta

    from qifu.cooperation import index
    from qifu.cooperation.services import ListingInput, listing_create

    index.reset()
    return listing_create(actor=w.contact_user, publish=publish, data=ListingInput(
        enterprise_id=w.ent_lqy.pk, kind="demand", title="急需KN95口罩", category="防疫物资/口罩", region="510112",
        valid_until=date.today() + timedelta(days=30), contact_name="王", contact_phone="028-1234567",
        quantity=100, unit="只"))


def listing(w: Any) -> dict[str, Any]:
    return {"pk": coop_listing(w).pk}


def draft_to_publish(w: Any) -> dict[str, Any]:
    return {"pk": coop_listing(w, publish=False).pk, "action": "publish"}


def listing_photo(w: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qifu.cooperation.services import photo_add
    from qifu.cooperation.tests.test_photos import png

    photo = photo_add(actor=w.contact_user, listing_id=coop_listing(w).pk,
                      file=SimpleUploadedFile("mask.png", png()))
    return {"pk": photo.pk}


def coop_match(w: Any) -> dict[str, Any]:
    """ent_lqy's demand matched with a JJ Foods supply; anyone who sees ent_lqy sees the match."""
    from datetime import date, timedelta

    from qifu.cooperation.models import Match
    from qifu.cooperation.services import ListingInput, listing_create

    demand = coop_listing(w)
    listing_create(actor=w.admin, publish=True, data=ListingInput(
        enterprise_id=w.ent_jj.pk, kind="supply", title="供应KN95口罩", category="防疫物资/口罩", region="510104",
        valid_until=date.today() + timedelta(days=30), contact_name="李", contact_phone="028-7654321",
        quantity=1000, unit="只"))
    return {"pk": Match.objects.get(demand=demand).pk, "action": "interest"}


SIGNED_IN_ROLES = tuple(r for r in ALL_ROLES if r != "nobody")
BROKERS = ("admin", "cc_staff", "commissioner", "team_member")

# name: (kwargs builder, method, expected status per role)
PAGES: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, str, dict[str, int]]] = {
    "home": (None, "get", SIGNED_IN),
    "workbench": (None, "get", only(("commissioner", "team_member"))),
    "enterprise-list": (None, "get", SIGNED_IN),
    "enterprise-create": (None, "get", only(("admin", "cc_staff"))),
    "enterprise-export": (None, "get", only(tuple(r for r in ALL_ROLES if r != "nobody"))),
    "enterprise-import": (None, "get", only(IMPORTERS)),
    "enterprise-import-template": (None, "get", only(IMPORTERS)),
    "assignment-import": (None, "get", only(IMPORTERS)),
    "assignment-import-template": (None, "get", only(IMPORTERS)),
    "enterprise-detail": (ent, "get", only(SEES_ENT, otherwise=404)),
    "enterprise-edit": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "contact-add": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "commissioner-assign": (ent, "get", only(ASSIGNS_ENT, visible=SEES_ENT, otherwise=404)),
    "unit-list": (None, "get", SIGNED_IN),
    "unit-detail": (unit, "get", SIGNED_IN),
    "profile": (None, "get", SIGNED_IN),
    "token-create": (None, "post", dict.fromkeys(ALL_ROLES, 302)),
    "region-options": (None, "get", SIGNED_IN),
    "problem-list": (None, "get", SIGNED_IN),
    "problem-detail": (problem, "get", only(SEES_ENT, otherwise=404)),
    "problem-kpis": (None, "get", only(tuple(r for r in ALL_ROLES if r not in ("contact_user", "nobody")))),
    "problem-export": (None, "get", only(tuple(r for r in ALL_ROLES if r not in ("contact_user", "nobody")))),
    "ledger-import": (None, "get", only(LEDGER_IMPORTERS)),
    "ledger-import-template": (None, "get", only(LEDGER_IMPORTERS)),
    "return-import": (None, "get", only(RETURNERS)),
    # a unit's return sheet: its own staff (and administrators); other officials 403, the rest 403 before lookup
    "unit-return-sheet": (department, "get", only(("admin", "dept_staff"))),
    "attachment-download": (attachment, "get", only(SEES_ENT, otherwise=404)),
    # an empty upload is sent back with a message to anyone who sees the problem (the service checks real files)
    "attachment-upload": (problem, "post", {r: 302 if r in SEES_ENT else 404 for r in ALL_ROLES}),
    "problem-report": (report_for, "get", only(REPORTERS, visible=SEES_ENT, otherwise=404)),
    # accepting a problem: its commissioner (and administrators) are redirected back; others who see it 403
    "problem-act": (accept, "post", {r: 302 if r in ("admin", "commissioner") else 403 if r in SEES_ENT else 404
                                      for r in ALL_ROLES}),
    "problem-suggestions": (None, "get", only(MERGERS)),
    "problem-merge": (None, "get", only(MERGERS)),
    "extension-list": (None, "get", only(EXTENSION_DECIDERS)),
    # deciding: the dispatching command center (and leadership, administrators) are redirected back (an empty
    # form only earns a message); others who see the problem 403, the rest 404
    "extension-decide": (pending_extension, "post", {
        r: 302 if r in ("admin", "leader", "cc_staff") else 403 if r in (*SEES_ENT, "dept_staff") else 404
        for r in ALL_ROLES}),
    "resumption-dashboard": (None, "get", only(OFFICIALS)),
    "resumption-drilldown": (None, "get", only(OFFICIALS)),
    "resumption-pending": (None, "get", SIGNED_IN),
    "resumption-import": (None, "get", only(IMPORTERS)),
    "resumption-import-template": (None, "get", only(IMPORTERS)),
    "power-check": (None, "get", only(OFFICIALS)),
    "power-import": (None, "get", only(IMPORTERS)),
    "power-import-template": (None, "get", only(IMPORTERS)),
    "resumption-briefing": (None, "get", only(OFFICIALS)),
    "resumption-briefing-download": (lambda w: {"fmt": "docx"}, "get", only(OFFICIALS)),
    "resumption-report": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "resumption-history": (ent, "get", only(SEES_ENT, otherwise=404)),
    # supply chains: officials; a plant's pages need the plant in sight (404 otherwise); contacts 403
    "supplychain-region": (None, "get", only(OFFICIALS)),
    "supplychain-plant": (ent, "get", only(SC_VIEWERS, visible=("contact_user", "nobody"), otherwise=404)),
    "supplychain-export": (ent, "get", only(SC_VIEWERS, visible=("contact_user", "nobody"), otherwise=404)),
    # raising without a supplier: 404 for every official (the supplier is not in the plant's network)
    "supplychain-raise": (ent, "post", only((), visible=("contact_user", "nobody"), otherwise=404)),
    "supplychain-import": (ent, "get", only(SC_IMPORTERS) | {"team_member": 404}),
    "supplychain-import-template": (None, "get", only((*SC_IMPORTERS, "team_member"))),
    # one supply link: who may change its buyer; officials who only see it 403; contacts have no chain pages
    "supplychain-link-add": (ent, "get", only(SC_IMPORTERS, visible=("leader", "bureau_staff", "contact_user",
                                                                      "nobody"), otherwise=404)),
    "supplychain-link-edit": (supply_link, "get", only(SC_IMPORTERS)),
    # removing: the administrator (first in line) removes it, after which it is missing for every official; who
    # else may remove a link is tested in qifu/supplychain/tests/test_views.py
    "supplychain-link-delete": (supply_link, "post", {
        r: 302 if r == "admin" else 403 if r in ("contact_user", "nobody") else 404 for r in ALL_ROLES}),
    "workforce-home": (None, "get", SIGNED_IN),
    # a district's return figures: officials (each within its scope; a district outside a command center's is 404)
    "workforce-figures": (lambda w: {"code": "510112"}, "get", only(OFFICIALS)),
    "workforce-project": (key_project, "get", only(SEES_PROJECT, otherwise=404)),
    "workforce-roster": (ent, "get", only(SEES_ENT, otherwise=404)),
    "workforce-import": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "workforce-import-template": (None, "get", only(tuple(r for r in ALL_ROLES if r != "nobody"))),
    "workforce-export": (ent, "get", only(SEES_ENT, otherwise=404)),
    "workforce-plan-create": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "workforce-request": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    "workforce-health-create": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    # the plan: the enterprise's viewers and the transport department of its region
    "workforce-plan": (bus_plan, "get", only(WORKFORCE_SEES_PLAN, otherwise=404)),
    # moving a trip: the enterprise's changers and the transport department (a second move is a conflict that
    # redirects back with a message); those who only see it 403
    "workforce-trip-act": (trip_depart, "post", {
        r: 302 if r in (*CHANGES_ENT, "dept_staff") else 403 if r in SEES_ENT else 404 for r in ALL_ROLES}),
    "workforce-health": (health_event, "get", only(SEES_ENT, otherwise=404)),
    "project-list": (None, "get", SIGNED_IN),
    "project-detail": (key_project, "get", only(SEES_PROJECT, otherwise=404)),
    "project-create": (None, "get", only(("admin", "cc_staff"))),
    "project-edit": (key_project, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    # stationing commissioners: the project's registrars (administrators, the region's command center)
    "project-team": (key_project, "post", _posting(("admin", "cc_staff"), SEES_PROJECT)),
    "equipment-list": (key_project, "get", only(SEES_PROJECT, otherwise=404)),
    "equipment-export": (key_project, "get", only(SEES_PROJECT, otherwise=404)),
    "equipment-import": (key_project, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    "equipment-template": (key_project, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    "project-risk": (key_project, "get", only(SEES_PROJECT, otherwise=404)),
    "country-note": (key_project, "post", _posting(CHANGES_PROJECT, SEES_PROJECT)),
    "logistics-create": (key_project, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    "equipment-detail": (equipment, "get", only(SEES_PROJECT, otherwise=404)),
    "equipment-edit": (equipment, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    "equipment-create": (key_project, "get", only(CHANGES_PROJECT, visible=SEES_PROJECT, otherwise=404)),
    "milestone-save": (key_project, "post", _posting(CHANGES_PROJECT, SEES_PROJECT)),
    # the first who may checks it off; the next get "already on site" and the same redirect
    "equipment-arrived": (equipment, "post", _posting(CHANGES_PROJECT, SEES_PROJECT)),
    "equipment-risk": (equipment, "post", _posting(CHANGES_PROJECT, SEES_PROJECT)),
    "equipment-replace": (equipment, "post", _posting(CHANGES_PROJECT, SEES_PROJECT)),
    "pass-list": (None, "get", SIGNED_IN),
    "pass-apply": (None, "get", only(APPLIES)),
    "pass-detail": (vehicle_pass, "get", only(SEES_PASS, otherwise=404)),
    "pass-decide": (vehicle_pass, "post", _posting(("admin", "dept_staff"), SEES_PASS)),
    "pass-pdf": (lambda w: vehicle_pass(w, approve=True), "get", only(SEES_PASS, otherwise=404)),
    "cooperation-list": (None, "get", SIGNED_IN),
    "cooperation-matches": (None, "get", SIGNED_IN),
    "cooperation-figures": (None, "get", only(OFFICIALS)),
    "cooperation-figures-export": (None, "get", only(OFFICIALS)),
    # an open listing is seen by everyone with a role; its enterprise's side may change it
    "cooperation-detail": (listing, "get", only(SIGNED_IN_ROLES, otherwise=404)),
    "cooperation-edit": (listing, "get", only(CHANGES_ENT, visible=SIGNED_IN_ROLES, otherwise=404)),
    "cooperation-create": (ent, "get", only(CHANGES_ENT, visible=SEES_ENT, otherwise=404)),
    # administrators publish the draft first; the enterprise's other actors are sent back with a message
    "cooperation-act": (draft_to_publish, "post", {r: 302 if r in CHANGES_ENT else 403 if r in SIGNED_IN_ROLES
                                                   else 404 for r in ALL_ROLES}),
    # an empty upload is sent back with a message to anyone who sees the listing
    "cooperation-photo-upload": (listing, "post", {r: 302 if r in SIGNED_IN_ROLES else 404 for r in ALL_ROLES}),
    "cooperation-photo": (listing_photo, "get", only(SIGNED_IN_ROLES, otherwise=404)),
    "cooperation-photo-thumb": (listing_photo, "get", only(SIGNED_IN_ROLES, otherwise=404)),
    # interest: either side's actors (the first one expresses it, the others get a message); overseers 403
    "cooperation-match-act": (coop_match, "post", {r: 302 if r in CHANGES_ENT else 403 if r in SEES_ENT else 404
                                                   for r in ALL_ROLES}),
    "cooperation-broker": (None, "post", {r: 302 if r in BROKERS else 403 for r in ALL_ROLES}),
    "notification-list": (None, "get", SIGNED_IN),
    "notification-read-all": (None, "post", dict.fromkeys(ALL_ROLES, 302)),
    "notification-read": (notice, "post", only((), otherwise=404) | {"commissioner": 302}),
}

# Pages anyone may open without signing in, with the status they answer.
PUBLIC = {"healthz": 200, "login": 200, "set_language": 302, "logout": 302}

# URL names checked elsewhere: the token revoke page (needs a token, below), the API (tests/test_api_coverage.py)
# and the admin site (test_admin_is_for_administrators_only).
ELSEWHERE = {"token-revoke", "pass-check"}  # pass-check: public, tested in qifu/projects/tests/test_passes.py


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name or ''}", prefix + str(p.pattern)


def test_every_url_pattern_is_covered() -> None:
    uncovered = []
    for name, route in _walk(get_resolver().url_patterns):
        if name.startswith(("admin:", "api:")) or route.startswith(("admin/", "api/v1/")):
            continue  # covered by the admin and API coverage tests
        if route.startswith("static/") or route.startswith("media/"):
            continue
        if name not in PAGES and name not in PUBLIC and name not in ELSEWHERE:
            uncovered.append(f"{name or '<unnamed>'} ({route})")
    assert not uncovered, f"URL patterns without permission tests: {uncovered}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_login(client: Any, world: Any, name: str) -> None:
    builder, method, _ = PAGES[name]
    url = reverse(name, kwargs=builder(world) if builder else None)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_gets_what_it_may(client: Any, world: Any, name: str) -> None:
    builder, method, expected = PAGES[name]
    url = reverse(name, kwargs=builder(world) if builder else None)
    users = world.role_users()
    got = {}
    for role in ALL_ROLES:
        client.force_login(users[role])
        got[role] = getattr(client, method)(url).status_code
    client.logout()
    assert got == expected


@pytest.mark.parametrize("name,status", sorted(PUBLIC.items()))
def test_public_pages(client: Any, db: Any, name: str, status: int) -> None:
    method = "post" if name in ("set_language", "logout") else "get"
    data = {"language": "en"} if name == "set_language" else None
    assert getattr(client, method)(reverse(name), data).status_code == status


def test_token_revoke_only_own(client: Any, world: Any) -> None:
    from qifu.organisations.services import token_create

    token, _raw = token_create(actor=world.commissioner, name="ci")
    client.force_login(world.cc_staff)
    assert client.post(reverse("token-revoke", kwargs={"pk": token.pk})).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(world.commissioner)
    assert client.post(reverse("token-revoke", kwargs={"pk": token.pk})).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_is_for_administrators_only(client: Any, world: Any) -> None:
    # A staff flag without the administrator role does not open the back office.
    world.cc_staff.is_staff = True
    world.cc_staff.save()
    urls = [reverse("admin:index"), reverse("admin:organisations_unit_changelist"), reverse("admin:core_event_changelist")]
    for url in urls:
        assert client.get(url).status_code == 302
        client.force_login(world.cc_staff)
        assert client.get(url).status_code == 302
        client.logout()
    world.admin.is_staff = world.admin.is_superuser = True  # Django admin model permissions
    world.admin.save()
    client.force_login(world.admin)
    for url in urls:
        assert client.get(url).status_code == 200
