"""Who may see and do what: the one place that decides, for every model and action.

Every page, API endpoint, export and service starts from ``restrict(queryset, user, action)``
(or ``Model.objects.restrict(user, action)``). A model without a rule here is invisible to
everyone: deny by default. "Missing" and "not allowed to see" both raise ``NotFound`` (404);
"may see but not do" raises ``PermissionDenied`` (403).

Scopes (issue 2):
- administrator, leadership: everything;
- enterprise contact: their own enterprise;
- commissioner: the enterprises actively assigned to them; a work team member also sees the
  enterprises served by the commissioners of their team;
- command center staff and economic bureau staff: the enterprises of their unit's region;
- task force and department staff: the enterprises whose problems were routed to their unit;
- problems: those of the enterprises one sees, plus those ever routed to one's units;
- supply links: everyone official reads them; a link is changed by who may change its buyer's supplier list
  (SUPPLIERS): who may change the buyer, and the commissioner of a plant anywhere upstream of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from qifu.organisations.choices import Role, UnitKind, code_prefix

VIEW = "view"
CHANGE = "change"
ADD = "add"
DELETE = "delete"
ASSIGN = "assign"  # assign a commissioner to an enterprise
SUPPLIERS = "suppliers"  # change an enterprise's supplier list: add, change or remove the links it buys through

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


class NotFound(Http404):
    """The object does not exist or the user may not see it (deliberately indistinguishable)."""


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    unit_kind: str | None
    region_code: str | None
    region_level: int | None

    @property
    def region_prefix(self) -> str | None:
        return code_prefix(self.region_code, self.region_level)


def grants(user: Any) -> list[Grant]:
    """The user's role grants, loaded once per user object."""
    cached = getattr(user, "_qifu_grants", None)
    if cached is not None:
        return cached
    result: list[Grant] = []
    if user is not None and user.is_authenticated and user.is_active:
        for g in user.role_grants.select_related("unit__region"):
            unit = g.unit
            result.append(
                Grant(
                    role=g.role,
                    unit_id=g.unit_id,
                    unit_kind=unit.kind if unit else None,
                    region_code=unit.region_id if unit else None,
                    region_level=unit.region.level if unit else None,
                )
            )
        if user.is_superuser:
            result.append(Grant(Role.ADMINISTRATOR, None, None, None, None))
    user._qifu_grants = result
    return result


def roles(user: Any) -> set[str]:
    return {g.role for g in grants(user)}


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def is_official(user: Any) -> bool:
    """Anyone with a government role (everyone but enterprise contacts)."""
    return bool(roles(user) - {Role.ENTERPRISE_CONTACT})


def sees_everything(user: Any) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.LEADERSHIP)


def region_prefixes(user: Any, *role_list: str, unit_kinds: Iterable[str] | None = None) -> list[str]:
    kinds = set(unit_kinds) if unit_kinds is not None else None
    return [
        g.region_prefix
        for g in grants(user)
        if g.role in role_list and g.region_prefix and (kinds is None or g.unit_kind in kinds)
    ]


def _any_prefix(field: str, prefixes: Iterable[str]) -> Q:
    q = NOTHING
    for p in sorted(set(prefixes)):
        q |= code_range(field, p)
    return q


def region_in_scope(user: Any, region_code: str, *role_list: str) -> bool:
    return any(region_code.startswith(p) for p in region_prefixes(user, *role_list))


# --- rules per model ----------------------------------------------------------------------

Rule = Callable[[Any, str], Q]


def _enterprise_rule(user: Any, action: str) -> Q:
    if action == SUPPLIERS:
        return _supplier_list_rule(user)
    q = _enterprise_scope(user, action)
    if action == VIEW and q != EVERYTHING:
        q |= _enterprises_routed_to_my_units(user)
    if action in (VIEW, CHANGE) and q != EVERYTHING:
        q |= _external_suppliers_served(user)
    return q


def _external_suppliers_served(user: Any) -> Q:
    """A commissioner sees and enters the status of the external suppliers (first and second tier) of the
    enterprises they serve: nobody else inside the platform does it for a supplier outside the jurisdiction."""
    if not has_role(user, Role.COMMISSIONER):
        return NOTHING
    from qifu.enterprises.models import CommissionerAssignment
    from qifu.supplychain.models import SupplyLink

    mine = CommissionerAssignment.objects.filter(commissioner=user, ended_at__isnull=True).values("enterprise_id")
    tier1 = SupplyLink.objects.filter(buyer_id__in=mine).values("supplier_id")
    tier2 = SupplyLink.objects.filter(buyer_id__in=tier1).values("supplier_id")
    return Q(is_external=True) & (Q(pk__in=tier1) | Q(pk__in=tier2))


def _supplier_list_rule(user: Any) -> Q:
    """Whose supplier list a user may change: the enterprises they may change, and for a commissioner every firm
    upstream of an enterprise they serve, at any tier — the supply chain of their plant is what they coordinate
    (一户一专员), so a second-tier link is theirs to correct as much as a first-tier one."""
    q = _enterprise_rule(user, CHANGE)
    if q == EVERYTHING:
        return q
    return q | _upstream_of_served(user)


def _upstream_of_served(user: Any) -> Q:
    """The firms upstream (any tier) of the enterprises the user serves as commissioner, as one recursive query
    the database runs as a subquery (the chain dedupes firms, so cycles in the data end it)."""
    if not has_role(user, Role.COMMISSIONER):
        return NOTHING
    from django.db.models.expressions import RawSQL

    from qifu.enterprises.models import CommissionerAssignment
    from qifu.supplychain.models import SupplyLink

    # Table and column names come from the models; the user is a parameter.
    names = {"assignments": CommissionerAssignment._meta.db_table, "links": SupplyLink._meta.db_table}
    chain = ("WITH RECURSIVE chain(firm) AS (SELECT enterprise_id FROM {assignments} WHERE commissioner_id = %s "
             "AND ended_at IS NULL UNION SELECT l.supplier_id FROM {links} l JOIN chain ON l.buyer_id = chain.firm) "
             "SELECT firm FROM chain")
    sql = chain.format(**names)
    return Q(pk__in=RawSQL(sql, [user.pk]))  # noqa: S611


def _enterprise_view_parts(user: Any) -> tuple[list[str], Q]:
    """What a user sees of enterprises, in two parts: region code prefixes (a district's command center, an
    economic bureau) and the rest (their own enterprises as commissioner, contact or work team)."""
    from qifu.enterprises.models import CommissionerAssignment, EnterpriseContact

    prefixes = region_prefixes(user, Role.COMMAND_CENTER)
    prefixes += region_prefixes(user, Role.DEPARTMENT, unit_kinds=[UnitKind.ECONOMIC_BUREAU])
    q = NOTHING
    if has_role(user, Role.COMMISSIONER):
        q |= Q(pk__in=CommissionerAssignment.objects.filter(commissioner=user, ended_at__isnull=True).values(
            "enterprise_id"))
    if has_role(user, Role.ENTERPRISE_CONTACT):
        q |= Q(pk__in=EnterpriseContact.objects.filter(user=user).values("enterprise_id"))
    if user.unit_id and user.unit.kind == UnitKind.WORK_TEAM:
        q |= Q(
            pk__in=CommissionerAssignment.objects.filter(
                commissioner__unit_id=user.unit_id, ended_at__isnull=True
            ).values("enterprise_id")
        )
    return sorted(set(prefixes)), q


MAX_LISTED_BEYOND = 1000  # more problems than this routed beyond a district's region: fall back to the subquery
WHOLE_CODE = 6  # GB/T 2260 codes have six digits; a six-digit prefix is one region


def code_range(field: str, prefix: str) -> Q:
    """Codes starting with ``prefix`` as a range (prefix ≤ code < next prefix): a plain B-tree range on every
    database and collation, where LIKE 'prefix%' needs a pattern index on PostgreSQL."""
    if len(prefix) >= WHOLE_CODE:  # a whole county code: equality, so an index on (code, time) also sorts
        return Q(**{field: prefix})
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def _enterprise_scope(user: Any, action: str) -> Q:
    """The enterprises a user serves or oversees (without those merely routed to their unit)."""
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    from qifu.enterprises.models import CommissionerAssignment, EnterpriseContact

    district = region_prefixes(user, Role.COMMAND_CENTER)
    mine = Q(
        pk__in=CommissionerAssignment.objects.filter(commissioner=user, ended_at__isnull=True).values(
            "enterprise_id"
        )
    )
    own = Q(pk__in=EnterpriseContact.objects.filter(user=user).values("enterprise_id"))
    if action == VIEW:
        if has_role(user, Role.LEADERSHIP):
            return EVERYTHING
        prefixes, q = _enterprise_view_parts(user)
        for prefix in prefixes:
            q |= code_range("region_id", prefix)
        return q
    if action == CHANGE:
        q = _any_prefix("region_id", district)
        if has_role(user, Role.COMMISSIONER):
            q |= mine
        if has_role(user, Role.ENTERPRISE_CONTACT):
            q |= own
        return q
    if action in (ASSIGN, ADD):
        return _any_prefix("region_id", district)
    return NOTHING


def _through_enterprise(field: str) -> Rule:
    def rule(user: Any, action: str) -> Q:
        from qifu.enterprises.models import Enterprise

        if has_role(user, Role.ADMINISTRATOR):
            return EVERYTHING
        enterprise_action = VIEW if action == VIEW else CHANGE
        cond = _enterprise_rule(user, enterprise_action)
        if cond == EVERYTHING:
            return EVERYTHING
        return Q(**{f"{field}__in": Enterprise.objects.filter(cond).values("pk")})

    return rule


def unit_ids(user: Any) -> set[int]:
    """The units the user works in (their grants' units)."""
    return {g.unit_id for g in grants(user) if g.unit_id}


def _problem_rule(user: Any, action: str) -> Q:
    """Problems of the enterprises the user sees, plus those ever routed to one of the user's units.
    What each may *do* to a problem is decided per transition in ledger.rules.

    Shaped for the ledger's indexes: a district is a range on the problem's own copy of its enterprise's
    region code, and "routed to my unit" a correlated EXISTS (an index probe per row) rather than an IN list
    that PostgreSQL would hash in full before returning the first row of a page."""
    if has_role(user, Role.ADMINISTRATOR, Role.LEADERSHIP):
        return EVERYTHING
    from qifu.enterprises.models import Enterprise
    from qifu.ledger.models import Assignment, Problem

    prefixes, others = _enterprise_view_parts(user)
    q = NOTHING
    for prefix in prefixes:
        q |= code_range("region_code", prefix)
    if others != NOTHING:
        q |= Q(enterprise__in=Enterprise.objects.filter(others).values("pk"))
    units = unit_ids(user)
    if not units:
        return q
    routed = Q(Exists(Assignment.objects.filter(problem=OuterRef("pk"), unit_id__in=units))) | Q(
        responsible_unit_id__in=units)
    if prefixes and all(g.region_prefix in prefixes for g in grants(user) if g.unit_id):
        # Every unit of this user covers a region of its scope (a district's command center): what was routed
        # to them lies in those regions except the few problems flagged routed_beyond_region, listed here in one
        # small query, so that the scope stays an indexed equality on region_code (no OR with a subquery).
        inside = NOTHING
        for prefix in prefixes:
            inside |= code_range("region_code", prefix)
        beyond = list(
            Problem.objects.filter(routed_beyond_region=True).filter(routed).exclude(inside)
            .order_by().values_list("pk", flat=True)[:MAX_LISTED_BEYOND + 1]
        )
        if len(beyond) <= MAX_LISTED_BEYOND:
            return q | Q(pk__in=beyond) if beyond else q
    return q | routed


def _through_problem(user: Any, action: str) -> Q:
    if has_role(user, Role.ADMINISTRATOR, Role.LEADERSHIP):
        return EVERYTHING
    from qifu.ledger.models import Problem

    cond = _problem_rule(user, VIEW)
    return NOTHING if cond == NOTHING else Q(problem__in=Problem.objects.filter(cond).values("pk"))


def _enterprises_routed_to_my_units(user: Any) -> Q:
    """Task forces and departments see the enterprises whose problems were routed to them."""
    units = unit_ids(user)
    if not units:
        return NOTHING
    from qifu.ledger.models import Assignment

    return Q(pk__in=Assignment.objects.filter(unit_id__in=units).values("problem__enterprise_id"))


def _reference_rule(user: Any, action: str) -> Q:
    """Regions, industries, units and sections: everyone signed in reads; administrators change."""
    if action == VIEW:
        return EVERYTHING
    return EVERYTHING if has_role(user, Role.ADMINISTRATOR) else NOTHING


def _user_rule(user: Any, action: str) -> Q:
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    if action != VIEW:
        return Q(pk=user.pk) if action == CHANGE else NOTHING
    if has_role(user, Role.LEADERSHIP):
        return EVERYTHING
    if not is_official(user):
        return Q(pk=user.pk)
    units = {g.unit_id for g in grants(user) if g.unit_id}
    if user.unit_id:
        units.add(user.unit_id)
    return Q(pk=user.pk) | Q(unit_id__in=units) | Q(role_grants__unit_id__in=units)


def _own_rule(field: str) -> Rule:
    def rule(user: Any, action: str) -> Q:
        return Q(**{field: user.pk})

    return rule


def _admin_only(user: Any, action: str) -> Q:
    return EVERYTHING if has_role(user, Role.ADMINISTRATOR) else NOTHING


# --- workforce return (issue 8) -------------------------------------------------------------------------


def authority_prefixes(user: Any, kind: str) -> list[str]:
    """Region code prefixes for which one of the user's units acts as the transport department or health
    authority (workforce.Authority)."""
    units = unit_ids(user)
    if not units:
        return []
    from qifu.organisations.models import Region
    from qifu.workforce.models import Authority

    codes = Authority.objects.filter(unit_id__in=units, kind=kind).values_list("region_id", flat=True)
    return [r.code_prefix for r in Region.objects.filter(code__in=list(codes))]


def _through_enterprise_or_authority(field: str, kinds: tuple[str, ...], region_field: str) -> Rule:
    """Workforce rows follow their enterprise; the transport department (plans, trips) or the health authority
    (health events, personal lists) of the enterprise's region also see them, and act on them."""
    base = _through_enterprise(field)

    def rule(user: Any, action: str) -> Q:
        q = base(user, action)
        if q == EVERYTHING:
            return q
        prefixes = [p for kind in kinds for p in authority_prefixes(user, kind)]
        if prefixes:
            q |= _any_prefix(region_field, prefixes)
        return q

    return rule


def _tally_rule(user: Any, action: str) -> Q:
    """Enterprise rows follow the enterprise; district rows (no enterprise) follow the figure scope."""
    if action != VIEW:
        return NOTHING
    if has_role(user, Role.ADMINISTRATOR, Role.LEADERSHIP):
        return EVERYTHING
    q = Q(enterprise__isnull=False) & _through_enterprise("enterprise_id")(user, VIEW)
    kind, prefixes = figure_scope(user)
    if kind == "regions":
        q |= Q(enterprise__isnull=True) & _any_prefix("district_id", prefixes)
    return q


def may_unmask(user: Any, enterprise: Any) -> bool:
    """Phones and ID numbers are shown in full only to the enterprise itself (its contacts) and to the health
    authority of its region; every such view is logged by the caller."""
    from qifu.enterprises.models import EnterpriseContact
    from qifu.workforce.choices import AuthorityKind

    if has_role(user, Role.ENTERPRISE_CONTACT) and EnterpriseContact.objects.filter(
            enterprise_id=enterprise.pk, user=user).exists():
        return True
    return any(enterprise.region_id.startswith(p) for p in authority_prefixes(user, AuthorityKind.HEALTH))


def may_approve_transport(user: Any, enterprise: Any) -> bool:
    """The transport department of the enterprise's region (and administrators) approve chartered buses."""
    from qifu.workforce.choices import AuthorityKind

    if has_role(user, Role.ADMINISTRATOR):
        return True
    return any(enterprise.region_id.startswith(p) for p in authority_prefixes(user, AuthorityKind.TRANSPORT))


RULES: dict[str, Rule] = {
    "enterprises.enterprise": _enterprise_rule,
    "enterprises.commissionerassignment": _through_enterprise("enterprise_id"),
    "enterprises.enterprisecontact": _through_enterprise("enterprise_id"),
    "organisations.region": _reference_rule,
    "organisations.industry": _reference_rule,
    "organisations.unit": _reference_rule,
    "organisations.section": _reference_rule,
    "organisations.user": _user_rule,
    "organisations.rolegrant": _admin_only,
    "organisations.apitoken": _own_rule("user_id"),
    "core.event": _admin_only,
    "ledger.problem": _problem_rule,
    "ledger.assignment": _through_problem,
    "ledger.problemevent": _through_problem,
    "ledger.progressreport": _through_problem,
    "ledger.deadlineextension": _through_problem,
    "ledger.attachment": _through_problem,
    "ledger.problemcategory": _reference_rule,
    "ledger.ledgersequence": _admin_only,
    "ledger.kpisnapshot": lambda user, action: EVERYTHING if action == VIEW and sees_everything(user) else NOTHING,
    # notifications: each person reads their own; delivery logs are for administrators
    "notifications.notification": _own_rule("recipient_id"),
    "notifications.delivery": _admin_only,
    "notifications.webhookendpoint": _admin_only,
    # work resumption: reports and power data follow the enterprise (filing needs the enterprise's CHANGE:
    # its contact, its commissioner, its district's command center); the rollup follows the region scope
    "resumption.statusreport": _through_enterprise("enterprise_id"),
    "resumption.poweraccount": _through_enterprise("enterprise_id"),
    "resumption.powerreading": _through_enterprise("enterprise_id"),
    "resumption.dailyfigure": lambda user, action: _daily_figure_rule(user, action),
    # supply chains: officials read every link (the city and the province coordinate across districts and
    # provinces); changes follow the buyer's supplier list (SUPPLIERS); a raised supplier problem is seen with
    # its ledger problem
    "supplychain.supplylink": lambda user, action: _supply_link_rule(user, action),
    "supplychain.supplierproblem": lambda user, action: _through_problem(user, action) if action == VIEW else NOTHING,
    # workforce return: rosters follow the enterprise; plans and trips also the transport department of its
    # region, health events and personal lists also the health authority; district tallies the figure scope
    "workforce.authority": _reference_rule,
    "workforce.origingroup": _through_enterprise_or_authority("enterprise_id", ("health", "transport"), "enterprise__region_id"),
    "workforce.worker": _through_enterprise_or_authority("enterprise_id", ("health",), "enterprise__region_id"),
    "workforce.returntally": lambda user, action: _tally_rule(user, action),
    "workforce.busplan": _through_enterprise_or_authority("enterprise_id", ("transport",), "enterprise__region_id"),
    "workforce.trip": _through_enterprise_or_authority("enterprise_id", ("transport",), "enterprise__region_id"),
    "workforce.healthevent": _through_enterprise_or_authority("enterprise_id", ("health",), "enterprise__region_id"),
    "workforce.healthstep": _through_enterprise_or_authority("event__enterprise_id", ("health",),
                                                             "event__enterprise__region_id"),
    # cooperation platform: open listings are a market every signed-in user with a role reads; an enterprise's
    # own listings (any state) and their changes follow the enterprise; matches and deals are seen by both
    # sides (and whoever oversees either enterprise); administrators moderate
    "cooperation.listing": lambda user, action: _listing_rule(user, action),
    "cooperation.listingphoto": lambda user, action: _through_listing(user, action),
    "cooperation.match": lambda user, action: _match_rule(user, action),
    "cooperation.deal": lambda user, action: _deal_rule(user, action),
}


def _supply_link_rule(user: Any, action: str) -> Q:
    if action == VIEW:
        if is_official(user):
            return EVERYTHING
        from qifu.enterprises.models import Enterprise

        cond = _enterprise_rule(user, VIEW)
        if cond == NOTHING:
            return NOTHING
        visible = Enterprise.objects.filter(cond).values("pk")
        return Q(buyer_id__in=visible) | Q(supplier_id__in=visible)
    # A link is changed by who may change its buyer's supplier list (SUPPLIERS: the plant's commissioner also
    # anywhere upstream of the plant).
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    from qifu.enterprises.models import Enterprise

    cond = _supplier_list_rule(user)
    if cond == EVERYTHING:
        return EVERYTHING
    return NOTHING if cond == NOTHING else Q(buyer_id__in=Enterprise.objects.filter(cond).values("pk"))


# --- key projects (issue 7) ----------------------------------------------------------------------


def _project_rule(user: Any, action: str) -> Q:
    """Key projects: the work team stationed there, the command center of the project's region and
    administrators keep the project's ledgers (CHANGE); leadership, the owner's viewers and the transport
    department deciding its passes read them."""
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    units = unit_ids(user) | ({user.unit_id} if user.unit_id else set())
    q = _any_prefix("region_id", region_prefixes(user, Role.COMMAND_CENTER))
    if units:
        q |= Q(work_team_id__in=units)
    if action != VIEW:
        return q
    if has_role(user, Role.LEADERSHIP):
        return EVERYTHING
    if units:
        q |= Q(transport_unit_id__in=units)
    owners = _through_enterprise("owner_id")(user, VIEW)
    return q | owners if owners != NOTHING else q


def _through_project(user: Any, action: str) -> Q:
    cond = _project_rule(user, action)
    if cond in (EVERYTHING, NOTHING):
        return cond
    from qifu.projects.models import KeyProject

    return Q(project_id__in=KeyProject.objects.filter(cond).values("pk"))


def _vehicle_pass_rule(user: Any, action: str) -> Q:
    """Passes: the applying enterprise's own people (its contact sees only its own enterprise's passes), the
    deciding transport department, the project's work team and command center; the transport department
    (and administrators) change them."""
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    units = unit_ids(user)
    q = Q(authority_id__in=units) if units else NOTHING
    if action != VIEW:
        return q
    if has_role(user, Role.LEADERSHIP):
        return EVERYTHING
    from qifu.enterprises.models import Enterprise

    own = _enterprise_scope(user, VIEW)
    if own == EVERYTHING:
        return EVERYTHING
    if own != NOTHING:
        q |= Q(enterprise_id__in=Enterprise.objects.filter(own).values("pk"))
    projects = _project_rule(user, CHANGE)
    if projects != NOTHING:
        from qifu.projects.models import KeyProject

        q |= Q(project_id__in=KeyProject.objects.filter(projects).values("pk"))
    return q


RULES.update({
    "projects.keyproject": _project_rule,
    "projects.milestone": _through_project,
    "projects.equipmentitem": _through_project,
    "projects.countrynote": _through_project,
    "projects.logisticsrequest": _through_project,
    "projects.vehiclepass": _vehicle_pass_rule,
})

# workforce return on a key project: the enterprises making up its roster, its lodging rule and shuttles follow
# the key project (seen by whoever sees the project; kept by its work team and its region's command center)
RULES.update({
    "workforce.projectmember": _through_project,
    "workforce.lodgingrule": _through_project,
    "workforce.shuttle": _through_project,
})


def _enterprise_ids(user: Any, action: str) -> Q:
    from qifu.enterprises.models import Enterprise

    cond = _enterprise_rule(user, VIEW) if action == VIEW else _enterprise_scope(user, CHANGE)
    if cond == EVERYTHING:
        return EVERYTHING
    return NOTHING if cond == NOTHING else Q(pk__in=Enterprise.objects.filter(cond).values("pk"))


def _listing_rule(user: Any, action: str) -> Q:
    if has_role(user, Role.ADMINISTRATOR):
        return EVERYTHING
    if not roles(user):
        return NOTHING
    mine = _enterprise_ids(user, VIEW if action == VIEW else CHANGE)
    own = EVERYTHING if mine == EVERYTHING else NOTHING if mine == NOTHING else Q(
        enterprise_id__in=mine.children[0][1])
    if own == EVERYTHING:
        return EVERYTHING
    if action == VIEW:
        return Q(status__in=("published", "matched")) | own
    return own if action in (CHANGE, ADD) else NOTHING


def _through_listing(user: Any, action: str) -> Q:
    from qifu.cooperation.models import Listing

    cond = _listing_rule(user, VIEW if action == VIEW else CHANGE)
    if cond in (EVERYTHING, NOTHING):
        return cond
    return Q(listing__in=Listing.objects.filter(cond).values("pk"))


def _match_rule(user: Any, action: str) -> Q:
    if has_role(user, Role.ADMINISTRATOR) or (action == VIEW and has_role(user, Role.LEADERSHIP)):
        return EVERYTHING
    mine = _enterprise_ids(user, VIEW if action == VIEW else CHANGE)
    if mine in (EVERYTHING, NOTHING):
        return mine
    ids = mine.children[0][1]
    return Q(demand__enterprise_id__in=ids) | Q(supply__enterprise_id__in=ids)


def _deal_rule(user: Any, action: str) -> Q:
    from qifu.cooperation.models import Match

    cond = _match_rule(user, VIEW)
    if cond in (EVERYTHING, NOTHING):
        return cond
    return Q(match__in=Match.objects.filter(cond).values("pk"))


def figure_scope(user: Any) -> tuple[str, tuple[str, ...]]:
    """Whose figures a user sees on the resumption dashboard: ("all", ()) for leadership and
    administrators; ("regions", prefixes) for command center and economic bureau staff (their districts);
    ("enterprises", ()) for everyone else (the enterprises they may see, computed from the reports).
    Enterprises merely routed to a command center's unit do not widen its district's figures."""
    if _enterprise_scope(user, VIEW) == EVERYTHING:
        return "all", ()
    prefixes = region_prefixes(user, Role.COMMAND_CENTER) + region_prefixes(
        user, Role.DEPARTMENT, unit_kinds=[UnitKind.ECONOMIC_BUREAU]
    )
    other_roles = roles(user) - {Role.COMMAND_CENTER, Role.DEPARTMENT}
    bureau_only = all(
        g.unit_kind in (UnitKind.ECONOMIC_BUREAU, UnitKind.COMMAND_CENTER, UnitKind.HEADQUARTERS)
        for g in grants(user)
        if g.role in (Role.COMMAND_CENTER, Role.DEPARTMENT)
    )
    work_team = bool(user.unit_id and user.unit.kind == UnitKind.WORK_TEAM)
    if prefixes and not other_roles and bureau_only and not work_team:
        return "regions", tuple(sorted(set(prefixes)))
    return "enterprises", ()


def _daily_figure_rule(user: Any, action: str) -> Q:
    if action != VIEW:
        return NOTHING
    kind, prefixes = figure_scope(user)
    if kind == "all":
        return EVERYTHING
    return _any_prefix("region__code", prefixes) if kind == "regions" else NOTHING


def register(label: str, rule: Rule) -> None:
    """Later apps register the rules for their models here (called from this module's users)."""
    RULES[label] = rule


# --- the entry points -----------------------------------------------------------------------


def restrict(qs: QuerySet, user: Any, action: str = VIEW) -> QuerySet:
    """The rows of ``qs`` that ``user`` may ``action``; none for an unknown model or user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    rule = RULES.get(qs.model._meta.label_lower)
    if rule is None:
        return qs.none()
    cond = rule(user, action)
    if cond == NOTHING:
        return qs.none()
    if cond == EVERYTHING:
        return qs
    filtered = qs.filter(cond)
    return filtered.distinct() if qs.model._meta.label_lower == "organisations.user" else filtered


def scoped(model_or_qs: type[Model] | QuerySet, user: Any, action: str = VIEW) -> QuerySet:
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    return restrict(qs, user, action)


def get_or_404(model_or_qs: type[Model] | QuerySet, user: Any, action: str = VIEW, **lookup: Any) -> Any:
    """Fetch one object the user may ``action``: 404 if missing or invisible, 403 if visible only."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    obj = restrict(qs, user, VIEW).filter(**lookup).first()
    if obj is None:
        raise NotFound
    if action != VIEW:
        require(user, action, obj)
    return obj


def allowed(user: Any, action: str, obj: Model) -> bool:
    qs = obj.__class__._default_manager.filter(pk=obj.pk)
    return restrict(qs, user, action).exists()


def require(user: Any, action: str, obj: Model) -> None:
    """Raise unless ``user`` may ``action`` on ``obj`` (404 if it cannot even see it)."""
    if action != VIEW and allowed(user, action, obj):
        return
    if not allowed(user, VIEW, obj):
        raise NotFound
    if action != VIEW:
        raise PermissionDenied


# Permissions that are not about one existing row.
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "enterprise.add": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "enterprise.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "commissioner.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "enterprise.export": tuple(Role.values),
    "unit.manage": (Role.ADMINISTRATOR,),
    "ledger.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "ledger.export": tuple(r for r in Role.values if r != Role.ENTERPRISE_CONTACT),
    "ledger.return": (Role.ADMINISTRATOR, Role.DEPARTMENT, Role.COMMAND_CENTER, Role.TASK_FORCE, Role.LEADERSHIP),
    "resumption.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "resumption.dashboard": tuple(r for r in Role.values if r != Role.ENTERPRISE_CONTACT),
    "power.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "supplychain.view": tuple(r for r in Role.values if r != Role.ENTERPRISE_CONTACT),
    "supplychain.import": (Role.ADMINISTRATOR, Role.COMMAND_CENTER, Role.COMMISSIONER),
    "workforce.figures": tuple(r for r in Role.values if r != Role.ENTERPRISE_CONTACT),
    # vehicle passes: enterprises apply through their contact, commissioner or command center (checked per
    # enterprise by the service); the list of passes is for everyone with a role
    "pass.apply": (Role.ADMINISTRATOR, Role.ENTERPRISE_CONTACT, Role.COMMISSIONER, Role.COMMAND_CENTER),
    # key projects are registered by administrators and command centers (in their own region: the service)
    "project.add": (Role.ADMINISTRATOR, Role.COMMAND_CENTER),
    "cooperation.moderate": (Role.ADMINISTRATOR,),
    "cooperation.figures": tuple(r for r in Role.values if r != Role.ENTERPRISE_CONTACT),
    "cooperation.broker": (Role.ADMINISTRATOR, Role.COMMISSIONER, Role.COMMAND_CENTER),
}


def can(user: Any, capability: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    wanted = CAPABILITIES.get(capability)
    return bool(wanted) and has_role(user, *wanted)


def require_capability(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied
