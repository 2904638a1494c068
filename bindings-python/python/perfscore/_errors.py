"""Exceptions raised by perfscore (the Rust layer instantiates these)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

__all__ = ["Problem", "PerfscoreError", "PlanError", "InputError"]


class Problem:
    """One problem, located by a path into the plan or the input (e.g. ``sections[1].indicators``)."""

    __slots__ = ("path", "message")

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message

    def to_dict(self) -> Dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Problem):
            return (self.path, self.message) == (other.path, other.message)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.path, self.message))

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, message={self.message!r})"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PerfscoreError(ValueError):
    """Base of perfscore's errors. ``code`` is stable; ``problems`` lists every problem found."""

    code: str
    problems: List[Problem]

    def __init__(
        self,
        message: str,
        code: str = "",
        problems: Sequence[Problem] = (),
        canonical_json: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.problems = list(problems)
        self._canonical_json = canonical_json

    def to_dict(self) -> Dict[str, Any]:
        """``{"code": ..., "problems": [{"path": ..., "message": ...}]}``."""
        return {"code": self.code, "problems": [p.to_dict() for p in self.problems]}

    def to_json(self) -> str:
        """The core's canonical error JSON (the conformance form), byte for byte."""
        if self._canonical_json is not None:
            return self._canonical_json
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


class PlanError(PerfscoreError):
    """The plan is malformed or inconsistent (code ``PLAN_INVALID``); nothing was compiled."""


class InputError(PerfscoreError):
    """A record, CSV text or scoring option is malformed or incomplete (code ``INPUT_INVALID``)."""
