"""The storyboard as a PDF: the film's title, then one panel per shot in a grid (its picture, shot number, length,
camera move, scene, prompt and lines with their speakers), page numbers at the foot of every page.

Text is set with the story cards' font chain and line breaker (engine.animatic), so any language the filmmaker
typed gets real glyphs (the bundled Noto CJK face included: fpdf2 embeds its CFF outlines, which reportlab
cannot), and prompts too long for a panel are cut with an ellipsis. The file is written atomically.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from engine.animatic.card_fonts import FontFace, card_font_chain
from engine.animatic.typesetting import ELLIPSIS, Line, Typesetter
from engine.atomic_files import write_atomic
from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project.document import ProjectDocument
from studio.project.errors import ProjectError

from .errors import CutError
from .formats import PANELS_PER_PAGE, PAPER_SIZES
from .storyboard_panels import Panel, PanelLine, panel_picture, storyboard_panels

# Panels per page -> (orientation, columns, rows): landscape 3x2 is the classic board; denser boards go portrait,
# where three columns leave each panel room for its text.
GRIDS = {6: ("L", 3, 2), 9: ("P", 3, 3), 12: ("P", 3, 4)}
PAPER = {"a4": "A4", "letter": "Letter"}

MM_PER_PT = 25.4 / 72
MEASURE_PX = 200  # the line breaker measures at this many pixels per em; widths scale linearly to any size
IMAGE_DPI = 200
MARGIN, HEADER, GUTTER_X, GUTTER_Y = 12.0, 17.0, 6.0, 6.0  # mm
INK, MUTED, FAINT, RULE = (28, 28, 32), (104, 106, 114), (150, 152, 160), (205, 207, 212)
TITLE_PT, SUBTITLE_PT, RUNNING_PT, FOOTER_PT = 20, 8.5, 8, 7.5
NUMBER_PT, META_PT, SCENE_PT, TEXT_PT, CUE_PT = 9, 7.5, 6.5, 8, 6.5
LINE_MM = 3.55  # the leading of prompts and lines
MAX_TEXT_CHARS = 1_500  # more than any panel shows; keeps line breaking fast for very long prompts


@dataclass
class StoryboardReport:
    output: Path
    pages: int
    panels: int
    warnings: list[str] = field(default_factory=list)


def page_count(shots: int, per_page: int) -> int:
    return max(1, math.ceil(shots / per_page))


def export_storyboard_pdf(document: ProjectDocument, out: Path, *, per_page: int = 6, paper: str = "a4",
                          progress: ProgressCallback = no_progress,
                          cancel: CancelToken | None = None) -> StoryboardReport:
    """Write the storyboard of ``document`` to ``out`` (``per_page`` panels of 6, 9 or 12; paper a4 or letter)."""
    from fpdf import FPDF

    if per_page not in PANELS_PER_PAGE:
        raise CutError(f"a storyboard page holds {', '.join(map(str, PANELS_PER_PAGE))} panels, not {per_page}")
    paper = paper.lower()
    if paper not in PAPER_SIZES:
        raise CutError(f"unknown paper {paper!r}; choose one of {', '.join(PAPER_SIZES)}")
    if document.bundle is None:
        raise ProjectError("save the project first: the storyboard shows stills and takes inside its bundle")
    project, bundle = document.project, document.bundle
    if not project.shots:
        raise CutError("the film has no shots yet; add shots to the storyboard before exporting it")
    panels = storyboard_panels(project, bundle)
    orientation = GRIDS[per_page][0]
    pdf = FPDF(orientation=orientation, unit="mm", format=PAPER[paper])
    pdf.set_auto_page_break(False)
    pdf.set_image_filter("DCTDecode")
    pdf.set_title(project.title)
    pdf.set_author(project.author)
    pdf.set_creator("Storyreel")
    text = _PdfText(pdf, " ".join([project.title, *(p.prompt for p in panels),
                                   *(line.text for p in panels for line in p.lines)]))
    pages = page_count(len(panels), per_page)
    grid = PageGrid.for_board(per_page, paper, project.width / project.height)
    warnings: list[str] = []
    for page in range(pages):
        pdf.add_page()
        _page_frame(pdf, text, project.title, _subtitle(project, panels), page + 1, pages)
        for slot, panel in enumerate(panels[page * per_page:(page + 1) * per_page]):
            if cancel is not None:
                cancel.raise_if_cancelled()
            progress(Progress("storyboard", panel.number - 1, len(panels), f"drawing shot {panel.number}"))
            x, y = grid.cell(slot)
            picture = panel_picture(project, bundle, project.shots[panel.number - 1], grid.picture_px, warnings)
            _draw_panel(pdf, text, panel, picture, x, y, grid)
    if cancel is not None:
        cancel.raise_if_cancelled()
    progress(Progress("storyboard", len(panels), len(panels), "writing the PDF"))
    if text.missing:
        warnings.append("no font has glyphs for " + " ".join(sorted(text.missing)) + "; they are left out")
    write_atomic(Path(out), bytes(pdf.output()))
    return StoryboardReport(Path(out), pages, len(panels), warnings)


@dataclass(frozen=True)
class PageGrid:
    """Where panels sit on a page, in mm from its top left corner."""

    page_w: float
    page_h: float
    columns: int
    rows: int
    aspect: float  # of the film's frame

    @classmethod
    def for_board(cls, per_page: int, paper: str, aspect: float) -> PageGrid:
        from fpdf import FPDF

        orientation, columns, rows = GRIDS[per_page]
        page = FPDF(orientation=orientation, unit="mm", format=PAPER[paper])
        return cls(page.w, page.h, columns, rows, aspect)

    @property
    def cell_w(self) -> float:
        return (self.page_w - 2 * MARGIN - (self.columns - 1) * GUTTER_X) / self.columns

    @property
    def cell_h(self) -> float:
        return (self.page_h - 2 * MARGIN - HEADER - (self.rows - 1) * GUTTER_Y) / self.rows

    @property
    def picture_mm(self) -> tuple[float, float]:
        """The picture fills the column; a tall (portrait) frame is held to 60% of the panel's height."""
        width = self.cell_w
        height = min(width / self.aspect, self.cell_h * 0.6)
        return height * self.aspect, height

    @property
    def picture_px(self) -> tuple[int, int]:
        width, height = self.picture_mm
        scale = IMAGE_DPI / 25.4
        return max(16, round(width * scale / 2) * 2), max(16, round(height * scale / 2) * 2)

    def cell(self, slot: int) -> tuple[float, float]:
        row, column = divmod(slot, self.columns)
        return (MARGIN + column * (self.cell_w + GUTTER_X), MARGIN + HEADER + row * (self.cell_h + GUTTER_Y))

    def picture_box(self, slot: int) -> tuple[float, float, float, float]:
        """x, y, width, height of the picture of panel ``slot`` (0 = top left, then along the row)."""
        return (*self.cell(slot), *self.picture_mm)


class _PdfText:
    """Text broken into lines by the story cards' typesetter and drawn run by run, each in the face that has
    its glyphs (faces are embedded, subset, on first use)."""

    def __init__(self, pdf, sample: str) -> None:
        self.pdf = pdf
        self._setters = {bold: Typesetter(card_font_chain(sample, bold=bold), MEASURE_PX) for bold in (False, True)}
        self._families: dict[FontFace, str] = {}

    @property
    def missing(self) -> set[str]:
        return self._setters[False].chain.missing | self._setters[True].chain.missing

    def _limit(self, size: float, width: float) -> float:
        return width / (size * MM_PER_PT) * MEASURE_PX * 0.985  # a hair narrower: the PDF's metrics are unhinted

    def fit(self, text: str, size: float, width: float, max_lines: int, *, bold: bool = False) -> list[Line]:
        """``text`` wrapped to ``width`` mm; past ``max_lines`` it is cut, the last line ending in an ellipsis."""
        setter = self._setters[bold]
        lines = setter.wrap(" ".join(text[:MAX_TEXT_CHARS].split()), self._limit(size, width))
        if len(lines) > max_lines or len(text) > MAX_TEXT_CHARS:
            lines = lines[:max(1, max_lines)]
            lines[-1] = self.ellipsis(lines[-1], size, width, bold=bold)
        return lines

    def ellipsis(self, line: Line, size: float, width: float, *, bold: bool = False) -> Line:
        return self._setters[bold].truncate(line, self._limit(size, width))

    def draw(self, line: Line, x: float, baseline: float, size: float, colour: tuple[int, int, int], *,
             right_edge: float | None = None, centre: float | None = None) -> float:
        """Draw ``line`` from ``x`` (or ending at ``right_edge``, or centred on ``centre``); returns its end."""
        runs = []
        for face, run in line.runs:
            self.pdf.set_font(self._family(face), size=size)
            runs.append((self._family(face), run, self.pdf.get_string_width(run)))
        if right_edge is not None:
            x = right_edge - sum(width for _, _, width in runs)
        elif centre is not None:
            x = centre - sum(width for _, _, width in runs) / 2
        self.pdf.set_text_color(*colour)
        for family, run, width in runs:
            self.pdf.set_font(family, size=size)
            self.pdf.text(x, baseline, run)
            x += width
        return x

    def one_line(self, text: str, size: float, width: float, *, bold: bool = False) -> Line:
        return self.fit(text, size, width, 1, bold=bold)[0]

    def _family(self, face: FontFace) -> str:
        family = self._families.get(face)
        if family is None:
            family = f"face{len(self._families)}"
            self.pdf.add_font(family, fname=str(face.path), collection_font_number=face.index)
            self._families[face] = family
        return family


def _subtitle(project, panels: list[Panel]) -> str:
    seconds = round(project.total_frames() / project.fps)
    parts = ["Storyboard", f"{len(panels)} shot{'s' if len(panels) != 1 else ''}",
             f"running time {seconds // 60}:{seconds % 60:02d}"]
    if project.author.strip():
        parts.append(f"by {project.author.strip()}")
    return "  ·  ".join(parts)


def _page_frame(pdf, text: _PdfText, title: str, subtitle: str, page: int, pages: int) -> None:
    """The title (large on the first page, a running head after), the rule under it, and the page number."""
    width = pdf.w - 2 * MARGIN
    title = title.strip() or "Untitled"
    if page == 1:
        text.draw(text.one_line(title, TITLE_PT, width, bold=True), MARGIN, MARGIN + 6.5, TITLE_PT, INK)
        text.draw(text.one_line(subtitle, SUBTITLE_PT, width), MARGIN, MARGIN + 11.8, SUBTITLE_PT, MUTED)
    else:
        head = text.one_line(title, RUNNING_PT, width * 0.7, bold=True)
        text.draw(head, MARGIN, MARGIN + 11.8, RUNNING_PT, INK)
        text.draw(text.one_line("Storyboard", RUNNING_PT, width * 0.25), 0, MARGIN + 11.8, RUNNING_PT, MUTED,
                  right_edge=pdf.w - MARGIN)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, MARGIN + HEADER - 2.8, pdf.w - MARGIN, MARGIN + HEADER - 2.8)
    number = text.one_line(f"Page {page} of {pages}", FOOTER_PT, width)
    text.draw(number, 0, pdf.h - MARGIN + 6, FOOTER_PT, FAINT, centre=pdf.w / 2)


def _draw_panel(pdf, text: _PdfText, panel: Panel, picture, x: float, y: float, grid: PageGrid) -> None:
    from engine.video_io import encode_image

    pic_w, pic_h = grid.picture_mm
    pdf.image(io.BytesIO(encode_image(picture, ".jpg", jpeg_quality=88)), x=x, y=y, w=pic_w, h=pic_h)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, pic_w, pic_h)
    width, bottom = grid.cell_w, y + grid.cell_h
    baseline = y + pic_h + 4.6
    number_end = text.draw(text.one_line(f"SHOT {panel.number}", NUMBER_PT, width * 0.4, bold=True), x, baseline,
                           NUMBER_PT, INK)
    meta = text.one_line(f"{panel.seconds:.1f} s  ·  {panel.camera}", META_PT, x + width - number_end - 2)
    text.draw(meta, 0, baseline, META_PT, MUTED, right_edge=x + width)
    if panel.scene:
        baseline += 3.6
        text.draw(text.one_line(panel.scene.upper(), SCENE_PT, width, bold=True), x, baseline, SCENE_PT, MUTED)
    _draw_words(text, panel, x, baseline + 1.2, width, bottom)


def _draw_words(text: _PdfText, panel: Panel, x: float, top: float, width: float, bottom: float) -> None:
    """The prompt, then each line as a cue (speaker, delivery) over its words, cut to the rows the panel has.

    When the lines need more room than is left, the prompt still keeps a third of the rows (one at least);
    whatever does not fit is cut and the last row shown ends in an ellipsis."""
    rows = max(1, int((bottom - top) / LINE_MM))
    indent = 2.5
    prompt = text.fit(panel.prompt or "(no prompt yet)", TEXT_PT, width, rows)
    dialogue = [(spoken, text.fit(spoken.text, TEXT_PT, width - indent, rows)) for spoken in panel.lines]
    needed = sum(1 + len(words) for _, words in dialogue)
    keep = min(len(prompt), max(rows // 3, 1, rows - needed))
    plan: list[tuple[str, Line | PanelLine]] = [("prompt", line) for line in prompt[:keep]]
    cut = keep < len(prompt)
    left = rows - keep
    for spoken, words in dialogue:
        if left < 2:  # a cue needs a row of words under it
            cut = True
            break
        shown = words[:left - 1]
        cut = cut or len(shown) < len(words)
        plan += [("cue", spoken), *(("words", line) for line in shown)]
        left -= 1 + len(shown)
    at = max(i for i, (kind, _) in enumerate(plan) if kind != "cue")
    kind, line = plan[at]
    assert isinstance(line, Line)
    if cut and not line.text.endswith(ELLIPSIS):
        plan[at] = (kind, text.ellipsis(line, TEXT_PT, width - (indent if kind == "words" else 0)))
    baseline = top
    for index, (kind, item) in enumerate(plan):
        if kind == "cue":
            assert isinstance(item, PanelLine)
            baseline += LINE_MM + (0.6 if index == keep else 0.3)
            cue_end = text.draw(text.one_line(item.speaker.upper(), CUE_PT, width * 0.6, bold=True), x, baseline,
                                CUE_PT, MUTED)
            if item.delivery:
                delivery = text.one_line(f"({item.delivery})", CUE_PT, x + width - cue_end - 1.5)
                text.draw(delivery, cue_end + 1.5, baseline, CUE_PT, FAINT)
            continue
        assert isinstance(item, Line)
        baseline += LINE_MM
        text.draw(item, x + (indent if kind == "words" else 0), baseline, TEXT_PT, INK)
