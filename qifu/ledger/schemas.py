"""API schemas of the problem ledger: separate input and output shapes."""

from datetime import date, datetime

from ninja import Field, Schema


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    task_force_id: int | None


class UnitRef(Schema):
    id: int
    name: str


class ProblemOut(Schema):
    id: int
    number: str
    enterprise_id: int | None
    enterprise_name: str | None = None
    region_code: str | None = None
    title: str
    category: str
    nature: str
    priority: str
    crisis_mode: bool
    status: str
    tier: str
    responsible_unit: UnitRef | None
    responsible_section_id: int | None
    reported_at: datetime
    deadline: datetime | None
    warning: str
    rating: str
    version: int

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str | None:
        enterprise = getattr(obj, "enterprise", None)
        return enterprise.name if enterprise else None

    @staticmethod
    def resolve_region_code(obj: object) -> str | None:
        enterprise = getattr(obj, "enterprise", None)
        return enterprise.region_id if enterprise else None

    @staticmethod
    def resolve_category(obj: object) -> str:
        return obj.category.code  # type: ignore[attr-defined]


class AssignmentOut(Schema):
    id: int
    tier: str
    unit: UnitRef
    section_id: int | None
    owner_id: int | None
    assigned_at: datetime
    deadline: datetime | None
    status: str
    acknowledged_at: datetime | None
    finished_at: datetime | None
    return_kind: str
    return_reason: str


class ProblemDetailOut(ProblemOut):
    description: str
    channel: str
    first_receiver_id: int | None
    owner_id: int | None
    resolution_type: str
    resolution: str
    resolved_at: datetime | None
    confirmed_at: datetime | None
    checked_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    redo_count: int
    hops: list[AssignmentOut] = Field(..., description="Every hop to a tier or department, oldest first")
    actions: list[str] = Field(..., description="The transitions the caller may take now")


class EventOut(Schema):
    id: int
    code: str
    actor_id: int | None
    actor_label: str
    from_status: str
    to_status: str
    from_tier: str
    to_tier: str
    reason: str
    data: dict
    created_at: datetime


class ProblemFilterIn(Schema):
    q: str = ""
    region: str = ""
    unit_id: int | None = None
    tier: str = ""
    status: str = Field("", description="A status, or 'open'")
    category: str = ""
    nature: str = ""
    warning: str = ""
    reported_from: date | None = None
    reported_to: date | None = None
    deadline_before: date | None = None
    enterprise_id: int | None = None
    sort: str = Field("reported", description="reported | deadline | number | updated")


class ProblemIn(Schema):
    enterprise_id: int
    title: str = Field(..., max_length=200)
    description: str = ""
    category_id: int
    nature: str = "individual"
    priority: str = "normal"
    channel: str = "self_report"
    crisis_mode: bool = False


class Versioned(Schema):
    version: int | None = Field(None, description="The version you saw; a stale one answers 409")


class ReasonIn(Versioned):
    reason: str


class ResolveIn(Versioned):
    resolution_type: str = Field(..., description="solved | explained | partly")
    resolution: str
    assignment_id: int | None = None


class DispatchTargetIn(Schema):
    unit_id: int
    section_id: int | None = None
    owner_id: int | None = None
    leader_id: int | None = None
    deadline_days: int | None = Field(None, ge=1, le=60)


class DispatchIn(Versioned):
    targets: list[DispatchTargetIn]
    instructions: str = ""


class ProgressIn(Schema):
    progress: str
    next_step: str = ""
    blocker: str = ""
    assignment_id: int | None = None


class ConfirmIn(Versioned):
    rating: str = Field(..., description="satisfied | basically | unsatisfied")
    comment: str = ""


class ReturnIn(Schema):
    kind: str = Field(..., description="wrong_unit | beyond_power")
    reason: str


class MessageIn(Schema):
    message: str


class ExtensionIn(Schema):
    new_deadline: datetime
    reason: str


class ExtensionDecisionIn(Schema):
    grant: bool
    note: str = ""


class ExtensionOut(Schema):
    id: int
    problem_id: int
    assignment_id: int | None
    requested_by_id: int
    requested_at: datetime
    reason: str
    new_deadline: datetime
    status: str
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str


class MergeIn(Schema):
    problem_ids: list[int] = Field(..., min_length=2)
    title: str
    category_id: int
    description: str = ""


class MergeIntoIn(Schema):
    problem_ids: list[int] = Field(..., min_length=1)


class SuggestedProblemOut(Schema):
    id: int
    number: str
    enterprise_id: int | None
    enterprise_name: str | None = None
    district: str | None = None
    title: str
    category: str
    status: str
    reported_at: datetime

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str | None:
        enterprise = getattr(obj, "enterprise", None)
        return enterprise.name if enterprise else None

    @staticmethod
    def resolve_district(obj: object) -> str | None:
        enterprise = getattr(obj, "enterprise", None)
        return enterprise.region.name if enterprise else None

    @staticmethod
    def resolve_category(obj: object) -> str:
        return obj.category.code  # type: ignore[attr-defined]


class SuggestedGroupOut(Schema):
    score: float = Field(..., description="Mean pairwise similarity of the members under the method")
    shared_terms: list[str] = Field(..., description="Strings most members share, rarest first: why they match")
    districts: list[str]
    enterprises: int
    category_id: int | None = Field(..., description="The members' most frequent category")
    problems: list[SuggestedProblemOut]


class SuggestionsOut(Schema):
    method: str = Field(..., description="hybrid (e5 + character n-grams), semantic or lexical, as used")
    computed_at: datetime
    considered: int = Field(..., description="Open problems compared (the newest 2,000 at most)")
    truncated: bool
    pending: int = Field(..., description="Texts still being embedded; the lexical method was used meanwhile")
    groups: list[SuggestedGroupOut]
