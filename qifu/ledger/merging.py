"""Reads for common problems (共性问题): which open problems may be merged, suggested groups of similar ones,
and the common problems still open to add to. Writes stay in services.py (problems_merge, problems_merge_into).

Suggestions run ``similar.suggest_groups`` over the open problems of single enterprises in the user's scope.
Embedding a text is the slow step (tens of milliseconds each); clustering vectors that are at hand takes about a
second for 2,000 problems. So:

* vectors are cached per text (the key is a hash of the text, so an edited title gets a new vector and a problem
  whose status or version changes keeps its own) in the ``similar`` cache, which settings share between the web
  processes and the worker (Redis, or files under the var directory);
* a request embeds at most ``EMBED_BUDGET`` texts itself. With more missing (a cold cache, a large import) it asks
  the worker to embed them and answers at once with the lexical method, saying so; the next view, once the worker
  is through, is semantic again. A periodic job keeps the vectors of all open problems warm;
* the groups themselves are cached under a hash of (method, problem ids, texts), so the same scope in the same
  state is clustered once; a "recompute" skips that cache.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.core import access
from qifu.organisations.models import User

from . import rules, similar
from .choices import OPEN_STATUSES, TRANSITIONS, Nature
from .models import Problem, ProblemCategory

logger = logging.getLogger(__name__)

MAX_CANDIDATES = 2000  # the newest open problems considered; clustering is quadratic in their number
EMBED_BUDGET = 120  # texts a request may embed itself (~2-10 s on two busy cores); more go to the worker
MAX_TEXT = 400  # characters of title + description that are compared
RESULT_TIMEOUT = 6 * 3600
VECTOR_TIMEOUT = 60 * 24 * 3600
WARMING_KEY = "ledger.similar.warming"


@dataclass(frozen=True)
class Group:
    """A suggested common problem: the problems, how alike they are (mean pairwise similarity) and why."""

    problems: list[Problem]
    score: float
    shared_terms: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    enterprises: int = 0

    @property
    def category_id(self) -> int | None:
        """The most frequent category among the members: the default for the common problem."""
        counts = Counter(p.category_id for p in self.problems)
        return counts.most_common(1)[0][0] if counts else None


@dataclass(frozen=True)
class Suggestions:
    groups: list[Group]
    method: str  # "hybrid", "semantic" or "lexical": what was actually used
    computed_at: datetime
    considered: int  # open problems looked at
    truncated: bool  # more open problems than MAX_CANDIDATES: the newest were taken
    pending: int  # texts still waiting for their vectors (lexical used meanwhile); 0 normally


def problem_text(title: str, description: str) -> str:
    """What is compared: the title and the start of the description."""
    text = title.strip()
    if description.strip():
        text = f"{text}。{description.strip()}"
    return text[:MAX_TEXT]


def merge_candidates(*, user: User) -> QuerySet[Problem]:
    """Open problems of single enterprises, in the user's scope, not yet in a common problem."""
    return Problem.objects.restrict(user, access.VIEW).filter(
        status__in=TRANSITIONS["merge"], enterprise__isnull=False, parent__isnull=True
    )


def open_common_problems(*, user: User) -> QuerySet[Problem]:
    """Common problems still being worked that the user sees (to add more enterprises' problems to)."""
    return (
        Problem.objects.restrict(user, access.VIEW)
        .filter(enterprise__isnull=True, nature=Nature.COMMON, status__in=OPEN_STATUSES)
        .select_related("category", "responsible_unit")
        .order_by("-reported_at", "-id")
    )


def selected_problems(*, user: User, ids: Sequence[int]) -> list[Problem]:
    """The chosen problems the user may merge, in ledger order (others are silently left out)."""
    return list(
        merge_candidates(user=user).filter(pk__in=list(ids))
        .select_related("enterprise__region", "category").order_by("-reported_at", "-id")
    )


def common_children(*, problem: Problem) -> QuerySet[Problem]:
    """The enterprises' problems merged into a common problem (the caller fetched it through the user's scope:
    whoever sees the common problem sees which enterprises share it)."""
    return problem.children.select_related("enterprise__region").order_by("reported_at", "id")


def categories() -> QuerySet[ProblemCategory]:
    return ProblemCategory.objects.filter(is_active=True).order_by("sort_order", "code")


# --- vectors ----------------------------------------------------------------------------------------


def _vector_cache() -> BaseCache:
    return caches["similar"] if "similar" in settings.CACHES else caches["default"]


def _vector_key(text: str) -> str:
    return "e5:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def cached_vectors(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The stored vectors of those texts that have one."""
    keys = {_vector_key(t): t for t in dict.fromkeys(texts)}
    found = _vector_cache().get_many(list(keys))
    return {keys[k]: np.frombuffer(v, dtype=np.float32) for k, v in found.items() if isinstance(v, bytes)}


def embed_and_store(texts: Sequence[str], *, batch: int = 64) -> int:
    """Embed the texts without a stored vector and store them, a batch at a time; returns how many."""
    stored = cached_vectors(texts)
    missing = [t for t in dict.fromkeys(texts) if t not in stored]
    cache = _vector_cache()
    for start in range(0, len(missing), batch):
        chunk = missing[start:start + batch]
        vectors = similar.semantic.embed(chunk)
        cache.set_many({_vector_key(t): np.asarray(v, dtype=np.float32).tobytes() for t, v in zip(chunk, vectors,
                        strict=True)}, timeout=VECTOR_TIMEOUT)
    return len(missing)


def open_problem_texts() -> list[str]:
    """The texts of every open problem of a single enterprise (for the periodic warm-up, not for a user)."""
    rows = (
        Problem.objects.filter(status__in=TRANSITIONS["merge"], enterprise__isnull=False, parent__isnull=True)
        .order_by("-reported_at", "-id").values_list("title", "description")[: MAX_CANDIDATES * 5]
    )
    return [problem_text(title, description) for title, description in rows]


def release_warming() -> None:
    """The queued embedding is done (or failed): a later view may queue another."""
    _vector_cache().delete(WARMING_KEY)


def _ask_worker_to_embed(texts: list[str]) -> None:
    """Queue the embedding once (not again while a run is under way)."""
    if not _vector_cache().add(WARMING_KEY, 1, timeout=15 * 60):
        return
    from .tasks import similar_embed

    try:
        similar_embed(texts)
    except Exception:  # the queue is down: the page still works, lexically
        logger.exception("could not queue the embedding of %s problem texts", len(texts))
        release_warming()


# --- suggestions ---------------------------------------------------------------------------------


def suggestions(*, user: User, refresh: bool = False) -> Suggestions:
    """Suggested groups of similar open problems in the user's scope (task forces, leadership, administrators)."""
    if not rules.may_merge(user):
        raise PermissionDenied(_("Only task forces and leadership merge problems."))
    rows = list(
        merge_candidates(user=user).order_by("-reported_at", "-id")
        .values_list("pk", "title", "description", "enterprise_id", "enterprise__region__name")[: MAX_CANDIDATES + 1]
    )
    truncated = len(rows) > MAX_CANDIDATES
    rows = rows[:MAX_CANDIDATES]
    items = [similar.Problem(id=pk, text=problem_text(title, description), enterprise=str(enterprise_id),
                             district=district or "")
             for pk, title, description, enterprise_id, district in rows]
    texts = [item.text for item in items]
    method = similar.resolve_method("auto")
    vectors: np.ndarray | None = None
    pending = 0
    if method != "lexical" and items:
        stored = cached_vectors(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in stored]
        if len(missing) > EMBED_BUDGET:
            _ask_worker_to_embed(missing)
            stored = cached_vectors(texts)  # an immediate queue (tests, no worker) has done it already
            missing = [t for t in dict.fromkeys(texts) if t not in stored]
        if len(missing) > EMBED_BUDGET:
            method, pending = "lexical", len(missing)
        else:
            if missing:
                embed_and_store(missing)
                stored.update(cached_vectors(missing))
            vectors = np.stack([stored[t] for t in texts])
    key = "ledger.similar.groups:" + hashlib.sha256(
        repr((method, [(item.id, item.text) for item in items])).encode("utf-8")
    ).hexdigest()
    cache = caches["default"]
    result = None if refresh else cache.get(key)
    if result is None:
        found = similar.suggest_groups(items, method=method, vectors=vectors) if len(items) >= 2 else []
        result = {"computed_at": timezone.now(), "groups": [g.as_dict() for g in found]}
        cache.set(key, result, timeout=RESULT_TIMEOUT if not pending else 60)
    members = {p.pk: p for p in merge_candidates(user=user).filter(
        pk__in=[pk for g in result["groups"] for pk in g["problem_ids"]]
    ).select_related("enterprise__region", "category")}
    groups = []
    for g in result["groups"]:
        problems = [members[pk] for pk in g["problem_ids"] if pk in members]
        if len(problems) >= 2:
            problems.sort(key=lambda p: (p.reported_at, p.pk))
            groups.append(Group(problems=problems, score=g["score"], shared_terms=g["shared_terms"],
                                districts=g["districts"], enterprises=g["enterprises"]))
    return Suggestions(groups=groups, method=method, computed_at=result["computed_at"], considered=len(items),
                       truncated=truncated, pending=pending)


def as_api(result: Suggestions) -> dict[str, Any]:
    """The suggestions as the API returns them."""
    return {
        "method": result.method, "computed_at": result.computed_at, "considered": result.considered,
        "truncated": result.truncated, "pending": result.pending,
        "groups": [{"score": g.score, "shared_terms": g.shared_terms, "districts": g.districts,
                    "enterprises": g.enterprises, "category_id": g.category_id, "problems": g.problems}
                   for g in result.groups],
    }
