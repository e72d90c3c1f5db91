"""The interface every backend implements."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from engine.progress import CancelToken, ProgressCallback
from engine.request import GenerationRequest, TakeResult


class Backend(Protocol):
    name: str

    def generate(
        self,
        request: GenerationRequest,
        out_dir: Path,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> TakeResult:
        """Render the request into ``out_dir`` (video.mp4, first.png, last.png, thumb.jpg) and describe it.

        Writes are atomic; on cancel raise ``engine.progress.Cancelled`` and leave no partial video behind.
        """
        ...

    def release(self) -> None:
        """Free whatever the backend holds (loaded pipelines, GPU memory)."""
        ...
