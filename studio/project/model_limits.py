"""The one set of rules a project must keep to be opened again, checked at edit time by the loader's own code.

The loader validates a document with ``Project.model_validate``; an edit re-runs exactly that on the edited
project (counts such as the shot limit, text lengths, ranges, unique ids, media paths), so an edit the loader
would refuse is refused when it is made, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .errors import ProjectError
from .model import Project


def check_loadable(project: Project) -> None:
    """Raise ProjectError naming the first rule ``project`` breaks; the project itself is not changed."""
    try:
        Project.model_validate(project.model_dump())
    except ValidationError as exc:
        raise validation_error(exc, None) from None


def validation_error(exc: ValidationError, source: Path | None) -> ProjectError:
    """The first pydantic error as a ProjectError naming the field path (e.g. shots[2].duration_frames)."""
    first = exc.errors()[0]
    loc = ""
    for part in first["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    message = first["msg"].removeprefix("Value error, ")
    context = first.get("ctx") or {}
    if first["type"] == "too_long" and context.get("field_type") == "List":
        what = next((str(part) for part in reversed(first["loc"]) if isinstance(part, str)), "items")
        message = f"a project holds at most {context['max_length']} {what}; this would make {context['actual_length']}"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return ProjectError(f"{message}{more}", path=source, field=loc or None)
