"""Codes of the cooperation platform: listing kinds and states with their transition table, match states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUPPLY = "supply", _("Supply")  # 供应
    DEMAND = "demand", _("Demand")  # 需求


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    MATCHED = "matched", _("Matched")  # a contact was accepted; still open for more
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")
    REMOVED = "removed", _("Removed by moderation")


# Listings anyone signed in may see and the engine matches.
OPEN = (ListingStatus.PUBLISHED, ListingStatus.MATCHED)

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((ListingStatus.DRAFT,), ListingStatus.PUBLISHED),
    "close": ((ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.MATCHED), ListingStatus.CLOSED),
    "expire": (OPEN, ListingStatus.EXPIRED),
    "remove": ((ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.MATCHED), ListingStatus.REMOVED),
    "restore": ((ListingStatus.REMOVED,), ListingStatus.PUBLISHED),
    "matched": ((ListingStatus.PUBLISHED,), ListingStatus.MATCHED),
}
EDITABLE = (ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.MATCHED)


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    INTERESTED = "interested", _("Interest expressed")
    ACCEPTED = "accepted", _("Contacts exchanged")
    DECLINED = "declined", _("Declined")
    DEAL = "deal", _("Deal reported")


# Contacts are visible to the two sides once the match is in one of these states.
CONTACT_STATES = (MatchStatus.ACCEPTED, MatchStatus.DEAL)


class MatchSource(models.TextChoices):
    ENGINE = "engine", _("Matching engine")
    BROKER = "broker", _("Brokered by hand")


UNITS = ("只", "个", "件", "套", "台", "把", "副", "条", "瓶", "盒", "片", "吨", "公斤", "升", "立方米", "平方米",
         "车次", "台时", "人")
