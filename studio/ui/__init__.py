"""The Qt editor. The only package that imports PySide6; everything else stays plain Python."""
