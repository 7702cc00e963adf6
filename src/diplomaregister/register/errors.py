"""Rule violations: which record, which field, which rule, and a message without personal data."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Violation:
    field: str
    rule: str
    message: str
    record: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class RegisterValidationError(Exception):
    """Raised by register services when a record breaks one or more rules; nothing is written."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.message}" for v in violations))
        self.violations = violations
