"""API for enterprises and commissioner assignments."""

from ninja import Router

router = Router(tags=["enterprises"])
