"""The desktop icon in the hicolor theme's sizes, made from the app's film icon in resources/icons.

    python packaging/make_icons.py OUTDIR    ->  OUTDIR/hicolor/{16x16,...,512x512}/apps/APP_ID.png and scalable/

The toolbar's line icon is drawn white on the editor's teal, in a rounded square, so it reads on any panel.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
APP_ID = "org.storyreel.Storyreel"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def app_icon_svg() -> str:
    line_icon = (ROOT / "resources" / "icons" / "film.svg").read_text("utf-8")
    inner = re.search(r"<svg[^>]*>(.*)</svg>", line_icon, re.S)
    if inner is None:
        raise SystemExit("resources/icons/film.svg is not an SVG")
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 24 24">'
            '<rect x="0.5" y="0.5" width="23" height="23" rx="5" fill="#2f7f86"/>'
            '<g transform="translate(3.6 3.6) scale(0.7)" fill="none" stroke="#ffffff" stroke-width="1.9" '
            f'stroke-linecap="round" stroke-linejoin="round">{inner.group(1)}</g></svg>\n')


def main(out: Path) -> int:
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = app_icon_svg()
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_text(svg, "utf-8")
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            raise SystemExit(f"could not write {target}")
    print(f"icons: {len(SIZES)} sizes and scalable in {out / 'hicolor'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
