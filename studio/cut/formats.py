"""The formats ``storyreel export`` writes (kept apart so the CLI can list them cheaply)."""

INTERCHANGE_FORMATS = ("otio", "otioz", "fcpxml", "edl", "srt", "vtt")
# Paper for production: the storyboard as a PDF, the shot list as CSV.
DOCUMENT_FORMATS = ("pdf", "csv")
EXPORT_FORMATS = INTERCHANGE_FORMATS + DOCUMENT_FORMATS
PANELS_PER_PAGE = (6, 9, 12)
PAPER_SIZES = ("a4", "letter")
