"""Exceptions raised by perfscore (the Rust layer instantiates these)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

__all__ = ["Problem", "PerfscoreError", "PlanError", "InputError"]


class Problem:
    """One problem: where it is, what kind of problem it is, and what is wrong.

    ``loc`` is the location as data, a tuple of keys and list indexes (``("records", 0,
    "measures", "revenue")``); ``id`` the id of the record it is about, when there is one; ``kind``
    a stable snake_case code (``not_a_number``, ``unknown_field``, …); ``path`` the location as
    text (``records[0] (E001).measures.revenue``); ``message`` what is wrong, in plain words, and
    ``message_zh`` the same in Simplified Chinese.
    """

    __slots__ = ("path", "message", "loc", "kind", "id", "message_zh")

    def __init__(
        self,
        path: str,
        message: str,
        loc: Sequence[Union[str, int]] = (),
        kind: str = "invalid",
        id: Optional[str] = None,
        message_zh: str = "",
    ) -> None:
        self.path = path
        self.message = message
        self.loc: Tuple[Union[str, int], ...] = tuple(loc)
        self.kind = kind
        self.id = id
        self.message_zh = message_zh or message

    def to_dict(self) -> Dict[str, Any]:
        """``{"loc": [...], "id": ..., "kind": ..., "path": ..., "message": ..., "message_zh":
        ...}`` (``id`` only when there is one), as in the core's canonical error JSON."""
        out: Dict[str, Any] = {"loc": list(self.loc)}
        if self.id is not None:
            out["id"] = self.id
        out.update(kind=self.kind, path=self.path, message=self.message, message_zh=self.message_zh)
        return out

    def _key(self) -> Tuple[Any, ...]:
        return (self.loc, self.id, self.kind, self.path, self.message, self.message_zh)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Problem):
            return self._key() == other._key()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Problem(path={self.path!r}, message={self.message!r}, loc={self.loc!r}, "
            f"kind={self.kind!r}, id={self.id!r})"
        )

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
        """``{"code": ..., "problems": [...]}``, each problem as ``Problem.to_dict`` gives it."""
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
