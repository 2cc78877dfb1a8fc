"""Package attributes loaded on first use (PEP 562), so that importing a light part of a package (its text
helpers, say) does not pull its heavy modules (numpy, scipy, scikit-learn) into every web process. No Django."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def exports(package: str, namespace: dict[str, Any], names: dict[str, str]) -> tuple[Callable[[str], Any],
                                                                                        Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``names`` map to their (relative) module."""

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(names[name], package), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*namespace, *names])

    return __getattr__, __dir__
