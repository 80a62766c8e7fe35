"""What a load created and skipped: its own module so every loader can take one without importing
the package that calls it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        made = ", ".join(f"{n} {kind}" for kind, n in sorted(self.created.items()) if n)
        return f"Created: {made or 'nothing (all present already)'}."
