"""Shared test helpers: factories and per-role users."""
