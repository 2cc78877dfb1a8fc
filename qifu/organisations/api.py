"""API for reference data and the organisation."""

from ninja import Router

router = Router(tags=["organisation"])
