"""Diagnostics are data: a stable code, a severity, a place and a message.

Nothing here prints. Readers and transforms append ``Diagnostic`` values to a
``Diagnostics`` collector; the CLI decides how to show them and what exit code
follows. Codes are stable kebab-case names (pandoc's ``Logging.hs`` and
Standard Ebooks' lint codes are the model): an editor can silence one by name.
Each ``Code`` is defined once, with its severity and meaning, in ``codes.py``;
emitters name a ``Code``, never a string, so a code cannot be misspelt.

Errors that make a build impossible are raised as ``EditionError``
subclasses, each with its own exit code (documented in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .model import Position


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code: its name (what configs silence), its severity
    and what it means for an editor (the README's table of codes)."""

    name: str
    severity: Severity
    meaning: str

    def diagnostic(self, message: str, pos: Position = Position()) -> Diagnostic:
        return Diagnostic(self.name, self.severity, message, pos)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    pos: Position = Position()

    def format(self) -> str:
        """``file:line: severity: message [code]``, the compiler convention."""
        where = ""
        if self.pos.file:
            where = f"{self.pos.file}:{self.pos.line}: " if self.pos.line else f"{self.pos.file}: "
        return f"{where}{self.severity.value}: {self.message} [{self.code}]"


@dataclass
class Diagnostics:
    """An append-only collector handed to readers and transforms."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, code: Code, message: str, pos: Position = Position()) -> None:
        """A diagnostic of ``code``, at the severity the code has."""
        self.items.append(code.diagnostic(message, pos))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]


class EditionError(Exception):
    """A build that cannot go on. ``exit_code`` is per class (see README)."""

    exit_code = 1

    def __init__(self, message: str, pos: Position = Position()):
        super().__init__(message)
        self.message = message
        self.pos = pos

    def format(self) -> str:
        where = ""
        if self.pos.file:
            where = f"{self.pos.file}:{self.pos.line}: " if self.pos.line else f"{self.pos.file}: "
        return f"{where}{self.message}"


class InputError(EditionError):
    """A source cannot be read as text (binary, empty, undecodable)."""

    exit_code = 3


class ConfigError(EditionError):
    """The edition config is wrong (unknown key, missing source, bad value)."""

    exit_code = 2


class RenderError(EditionError):
    """A writer could not produce its output (missing font, template error)."""

    exit_code = 4


class ValidationError(EditionError):
    """The edition model is inconsistent (an unresolved id a writer would need)."""

    exit_code = 5


class OutputError(EditionError):
    """The machine refused a write: a read-only folder, a full disk, a file
    where a folder should be. 74 is sysexits' EX_IOERR."""

    exit_code = 74
