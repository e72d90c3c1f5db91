"""The Qt editor. The only package that imports PySide6; everything else stays plain Python."""

from .qt_compat import make_none_immortal

make_none_immortal()  # before any widget paints: PySide6 6.12 on CPython 3.11 leaks None references
