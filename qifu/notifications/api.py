"""API for the caller's notifications."""

from ninja import Router

router = Router(tags=["notifications"])
