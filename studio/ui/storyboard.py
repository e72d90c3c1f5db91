"""The storyboard: one card per shot (picture, number, duration, prompt excerpt, status), drag to reorder."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from studio.generation.continuity import continuity_words, stale_reason
from studio.project import Shot, commands

from .icons import icon
from .session import ProjectSession
from .thumbnails import pixmap, shot_image_path

MIME_TYPE = "application/x-storyreel-shot-ids"
ShotRole = Qt.ItemDataRole.UserRole + 1
# (state, fraction done) of a shot's running job, or None: state is "queued", "generating" or "failed".
StatusSource = Callable[[str], "tuple[str, float] | None"]

BADGES = {  # state -> (label, colour)
    "none": ("No take", "#5f646d"),
    "queued": ("Queued", "#8a7a3c"),
    "generating": ("Generating", "#2f7f86"),
    "ready": ("Ready", "#3f8a55"),
    "failed": ("Failed", "#a1453f"),
    "offline": ("Offline", "#8a5a2c"),
    "stale": ("Stale", "#b07d2a"),  # made from a take of another shot that is no longer the active one
}


def shot_status(shot: Shot, job: tuple[str, float] | None, *, stale: bool = False) -> tuple[str, float]:
    """What a shot's badge says: a running job wins over the state of its takes."""
    if job is not None and job[0] in ("queued", "generating", "failed"):
        return job
    take = shot.active()
    if take is None:
        return ("failed", 0.0) if any(t.status == "failed" for t in shot.takes) else ("none", 0.0)
    return ("stale", 1.0) if stale and take.status == "ready" else (take.status, 1.0)


class StoryboardModel(QAbstractListModel):
    """The project's shots as a list; drops become MoveShot commands (one undo step per drag)."""

    def __init__(self, session: ProjectSession, status: StatusSource | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.status = status or (lambda _shot_id: None)
        session.changed.connect(self._on_changed)

    def _on_changed(self, kind: str, ids: tuple) -> None:
        if kind in ("shots", "takes", "project"):
            self.beginResetModel()
            self.endResetModel()

    def refresh_shot(self, shot_id: str) -> None:
        for row, shot in enumerate(self.session.project.shots):
            if shot.id == shot_id:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.session.project.shots)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.session.project.shots):
            return None
        shot = self.session.project.shots[index.row()]
        if role == ShotRole:
            return shot.id
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Shot {index.row() + 1}"
        if role == Qt.ItemDataRole.ToolTipRole:
            stale = stale_reason(self.session.project, shot)
            return (shot.prompt or "(no prompt yet)") + (f"\n\nStale: {stale}" if stale else "")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = [self.data(i, ShotRole) for i in sorted(indexes, key=lambda i: i.row())]
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray("\n".join(ids).encode()))
        return mime

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex | QPersistentModelIndex) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not data.hasFormat(MIME_TYPE):
            return False
        ids = [i for i in bytes(data.data(MIME_TYPE).data()).decode().split("\n") if i]
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
        self.move_shots(ids, row)
        return False  # the move is done through the model command; the view must not remove rows itself

    def move_shots(self, shot_ids: list[str], row: int) -> None:
        """Move ``shot_ids`` (in their current order) so they sit before the shot now at ``row``."""
        shots = self.session.project.shots
        order = [s.id for s in shots]
        moving = [i for i in order if i in set(shot_ids)]
        if not moving:
            return
        anchor = order[row] if row < len(order) else None
        while anchor in moving:  # dropping onto the dragged group itself
            position = order.index(anchor) + 1
            anchor = order[position] if position < len(order) else None
        remaining = [i for i in order if i not in moving]
        target = remaining.index(anchor) if anchor is not None else len(remaining)
        new_order = remaining[:target] + moving + remaining[target:]
        if new_order == order:
            return
        moves: list[commands.Command] = []
        simulated = list(order)
        for index, shot_id in enumerate(new_order):
            if simulated[index] != shot_id:
                simulated.remove(shot_id)
                simulated.insert(index, shot_id)
                moves.append(commands.MoveShot(shot_id, index))
        text = "Move shot" if len(moving) == 1 else f"Move {len(moving)} shots"
        self.session.push(moves[0] if len(moving) == 1 else commands.Batch(moves, text=text))
        self.session.select_shots(moving)

    def removeRows(self, row: int, count: int, parent=QModelIndex()) -> bool:  # noqa: B008
        return False  # rows leave only through RemoveShot commands


class ShotCardDelegate(QStyledItemDelegate):
    """Draws a shot card: picture (or a calm placeholder), status badge, number, duration, prompt excerpt."""

    CARD = QSize(204, 190)
    PICTURE_H = 112

    def __init__(self, session: ProjectSession, status: StatusSource, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.status = status

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self.CARD

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        shots = self.session.project.shots
        if index.row() >= len(shots):
            return
        shot = shots[index.row()]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = option.rect.adjusted(6, 6, -6, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.setPen(QPen(QColor("#3b9aa2" if selected else "#34383f" if hovered else "#2a2d33"), 2 if selected else 1))
        painter.setBrush(QColor("#243033" if selected else "#23262b"))
        painter.drawRoundedRect(card, 6, 6)

        picture = QRect(card.left() + 6, card.top() + 6, card.width() - 12, self.PICTURE_H - 12)
        path = shot_image_path(self.session, shot)
        image = pixmap(path, picture.size()) if path is not None else None
        if image is not None:
            painter.drawPixmap(picture, image)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#17191c"))
            painter.drawRoundedRect(picture, 4, 4)
            icon("film").paint(painter, QRect(picture.center().x() - 14, picture.center().y() - 14, 28, 28),
                               mode=icon("film").Mode.Disabled)

        state, fraction = shot_status(shot, self.status(shot.id),
                                      stale=stale_reason(self.session.project, shot) is not None)
        label, colour = BADGES.get(state, BADGES["none"])
        if state == "generating":
            label = f"Generating {round(fraction * 100)}%"
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1.5))
        small.setBold(True)
        painter.setFont(small)
        metrics = QFontMetrics(small)
        badge = QRect(0, 0, metrics.horizontalAdvance(label) + 14, metrics.height() + 4)
        badge.moveTopRight(picture.topRight() + QPoint(-6, 6))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        if state == "generating":
            bar = QRect(picture.left(), picture.bottom() - 3, int(picture.width() * fraction), 4)
            painter.setBrush(QColor("#5cc3cb"))
            painter.drawRect(bar)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)

        text_left = card.left() + 10
        y = card.top() + self.PICTURE_H + 2
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#e3e6eb"))
        heading = QRect(text_left, y, card.width() - 20, QFontMetrics(bold).height())
        painter.drawText(heading, Qt.AlignmentFlag.AlignLeft, f"{index.row() + 1}")
        seconds = shot.duration_frames / self.session.project.fps
        painter.setFont(option.font)
        painter.setPen(QColor("#8d929b"))
        detail = f"{seconds:.1f} s · {shot.camera.replace('_', ' ')}"
        if len(shot.takes) > 1:
            detail += f" · {len(shot.takes)} takes"
        detail += continuity_words(shot)
        painter.drawText(heading, Qt.AlignmentFlag.AlignRight, detail)

        body = QRect(text_left, heading.bottom() + 4, card.width() - 20, card.bottom() - heading.bottom() - 8)
        painter.setPen(QColor("#c3c7ce" if shot.prompt else "#6b717b"))
        text = shot.prompt.strip() or "No prompt yet — describe the shot in the inspector"
        painter.drawText(body, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                         _elide_lines(text, QFontMetrics(option.font), body.width(), 2))
        painter.restore()


def _elide_lines(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """Wrap ``text`` into at most ``lines`` lines, eliding the last."""
    words, out, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        out.append(current)
        current = word
        if len(out) == lines:
            break
    if len(out) < lines and current:
        out.append(current)
        current = ""
    if len(out) == lines and (current or len(" ".join(out).split()) < len(words)):
        out[-1] = metrics.elidedText(out[-1] + " " + current + " …", Qt.TextElideMode.ElideRight, width)
    return "\n".join(out)


class StoryboardView(QListView):
    """Shot cards in a wrapping grid; selection mirrors the session's."""

    def __init__(self, session: ProjectSession, status: StatusSource, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Snap)
        self.setUniformItemSizes(True)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setMouseTracking(True)
        self.storyboard_model = StoryboardModel(session, status, self)
        self.setModel(self.storyboard_model)
        self.setItemDelegate(ShotCardDelegate(session, status, self))
        self._syncing = False
        self.selectionModel().selectionChanged.connect(self._selection_to_session)
        self.storyboard_model.modelReset.connect(self._session_to_selection)
        session.selectionChanged.connect(self._session_to_selection)
        self.setAccessibleName("Storyboard")

    def _selection_to_session(self, *_: QItemSelection) -> None:
        if self._syncing:
            return
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        shots = self.session.project.shots
        self.session.select_shots([shots[r].id for r in rows if r < len(shots)])

    def _session_to_selection(self, *_: object) -> None:
        wanted = set(self.session.selected_shot_ids())
        selection = QItemSelection()
        current = None
        for row, shot in enumerate(self.session.project.shots):
            if shot.id in wanted:
                index = self.storyboard_model.index(row)
                selection.select(index, index)
                current = current or index
        self._syncing = True
        try:
            self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if current is not None:
                self.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.scrollTo(current)
        finally:
            self._syncing = False

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        super().startDrag(Qt.DropAction.MoveAction)


class StoryboardPanel(QStackedWidget):
    """The storyboard, or — with no shots yet — what to do first."""

    importScriptRequested = Signal()
    addShotRequested = Signal()

    def __init__(self, session: ProjectSession, status: StatusSource | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.view = StoryboardView(session, status or (lambda _s: None), self)
        self.empty = self._empty_state()
        self.addWidget(self.empty)
        self.addWidget(self.view)
        session.changed.connect(self._update_page)
        self._update_page()

    def _empty_state(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        heading = QLabel("Start your film", page)
        heading.setProperty("role", "heading")
        hint = QLabel("Import a screenplay or add a shot.\nEach shot becomes a card here; "
                      "generate takes for it, then narrate and export.", page)
        hint.setProperty("role", "hint")
        for label in (heading, hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(icon("script"), "Import screenplay…", page)
        self.add_button = QPushButton(icon("add"), "Add a shot", page)
        self.add_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.importScriptRequested)
        self.add_button.clicked.connect(self.addShotRequested)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addStretch(3)
        return page

    def _update_page(self, *_: object) -> None:
        self.setCurrentWidget(self.view if self.session.project.shots else self.empty)

    def refresh_shot(self, shot_id: str) -> None:
        self.view.storyboard_model.refresh_shot(shot_id)
