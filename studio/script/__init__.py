"""Script import: a Fountain screenplay becomes shots, dialogue lines, cards and a cast."""

from .breakdown import SHOTS_PER, ScriptPlan, build_plan
from .errors import ScriptError
from .fountain_reader import Screenplay, parse_screenplay
from .importer import import_fountain
from .reconcile import ImportSummary
from .script_file import MAX_SCRIPT_BYTES, decode_script, read_script

__all__ = [
    "MAX_SCRIPT_BYTES", "SHOTS_PER", "ImportSummary", "ScriptError", "ScriptPlan", "Screenplay", "build_plan",
    "decode_script", "import_fountain", "parse_screenplay", "read_script",
]
