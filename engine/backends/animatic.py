"""The animatic backend: the default, CPU-only engine. No weights: a reference still, or a story card made from
the prompt, animated with a real camera move and encoded to H.264. A still request (an image task) gets the story
card itself, with the shot's reference images (cast, location) as a strip of thumbnails at its foot."""

from __future__ import annotations

import contextlib
import time
import tracemalloc
from pathlib import Path

import numpy as np

from engine.animatic.reference_strip import draw_reference_strip
from engine.animatic.shot_renderer import ShotRenderer, ShotSpec
from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from engine.request import GenerationRequest, RequestError, StillResult, TakeResult
from engine.still_files import write_still
from engine.video_io import VideoError, VideoWriter, load_image_rgb, write_stills

RENDERER_REVISION = "2"
ENCODER_THREADS = 1
TAKE_FILES = ("video.mp4", "first.png", "last.png", "thumb.jpg")


def camera_words(camera: str) -> str:
    return camera.replace("_", " ")


# "start": the first frame is the reference still exactly (a take that continues another, from its last frame);
# "end": the last frame is; "both": first and last (the default of first/last-frame takes); "": the move alone.
ANCHORS = ("", "start", "end", "both")


class AnimaticBackend:
    """Renders stills or story cards with camera moves. Options (``request.options``): ``camera_strength``
    (float, 1 = default amount of move), ``anchor`` (see ``ANCHORS``)."""

    name = "animatic"

    def __init__(self, *, crf: int = 18, preset: str = "medium") -> None:
        self.crf, self.preset = crf, preset

    def release(self) -> None:
        """Nothing is held between takes."""

    def _still(self, path: str | None, what: str) -> np.ndarray | None:
        if not path:
            return None
        if not Path(path).is_file():
            raise RequestError(f"the {what} {path} cannot be found")
        try:
            return load_image_rgb(Path(path))
        except VideoError as error:
            raise RequestError(f"the {what} {path} cannot be used: {error}") from error

    def generate(
        self,
        request: GenerationRequest,
        out_dir: Path,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> TakeResult | StillResult:  # a still for the image tasks
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        if request.kind == "image":
            return self._still_card(request, Path(out_dir), progress, cancel, started)
        tracing = not tracemalloc.is_tracing()
        if tracing:
            tracemalloc.start()
        try:
            return self._generate(request, Path(out_dir), progress, cancel, started)
        finally:
            if tracing:
                tracemalloc.stop()

    def _still_card(self, request: GenerationRequest, out_dir: Path, progress: ProgressCallback, cancel: CancelToken,
                    started: float) -> StillResult:
        """The story card of the prompt at the requested size, the reference images in a strip at its foot."""
        progress(Progress("prepare", 0, 1, "drawing the story card"))
        references = [self._still(path, "reference image") for path in request.reference_images]
        cancel.raise_if_cancelled()
        renderer = ShotRenderer(ShotSpec(width=request.width, height=request.height, num_frames=1, fps=request.fps,
                                         seed=request.seed, prompt=request.prompt, label=request.label,
                                         footer="keyframe"))
        notes = list(renderer.notes)
        if renderer.missing_glyphs:
            notes.append("no font has these characters, left off the card: " + "".join(sorted(renderer.missing_glyphs)))
        card = draw_reference_strip(renderer.render(0), [r for r in references if r is not None])
        cancel.raise_if_cancelled()
        drawn = time.perf_counter()
        progress(Progress("prepare", 1, 1))
        metadata = {"request": request.to_dict(), "model_id": "animatic", "model_revision": RENDERER_REVISION,
                    "seed": request.seed, "backend": self.name, "notes": notes}
        image, thumb = write_still(card, out_dir, metadata)
        finished = time.perf_counter()
        return StillResult(image=image, thumbnail=thumb, request=request, width=request.width, height=request.height,
                           seed=request.seed, model_id="animatic", model_revision=RENDERER_REVISION,
                           backend=self.name, notes=notes,
                           timings={"draw_s": round(drawn - started, 4), "write_s": round(finished - drawn, 4),
                                    "total_s": round(finished - started, 4)})

    def _generate(
        self, request: GenerationRequest, out_dir: Path, progress: ProgressCallback, cancel: CancelToken,
        started: float,
    ) -> TakeResult:
        notes: list[str] = []
        # H.264 4:2:0 needs even sides; a 1-pixel trim is the least surprising fix.
        width, height = request.width - request.width % 2, request.height - request.height % 2
        if (width, height) != (request.width, request.height):
            notes.append(f"size {request.width}x{request.height} trimmed to {width}x{height} (H.264 needs even sides)")
        strength = request.option("camera_strength", 1.0)
        if not isinstance(strength, int | float) or not 0 <= strength <= 4:
            raise RequestError(f"camera_strength must be a number from 0 to 4, got {strength!r}")
        anchor = request.option("anchor", "both" if request.task == "first_last_frame" else "")
        if anchor not in ANCHORS:
            raise RequestError(f"anchor must be one of {', '.join(repr(a) for a in ANCHORS)}, got {anchor!r}")
        still = self._still(request.reference_image, "reference still")
        last = self._still(request.last_image, "last frame still") if request.task == "first_last_frame" else None
        progress(Progress("prepare", 0, 1, "preparing the source"))
        renderer = ShotRenderer(
            ShotSpec(
                width=width, height=height, num_frames=request.num_frames, fps=request.fps,
                camera=request.camera, seed=request.seed, strength=float(strength),
                prompt=request.prompt, label=request.label,
                footer=f"{camera_words(request.camera)}  ·  {request.duration_seconds:.1f} s",
                anchor=anchor if still is not None else "",
            ),
            still=still,
            last_still=last,
            references=[] if still is not None else [
                r for r in (self._still(path, "reference image") for path in request.reference_images) if r is not None],
        )
        notes += renderer.notes
        if renderer.missing_glyphs:
            notes.append("no font has these characters, left off the card: " + "".join(sorted(renderer.missing_glyphs)))
        prepared = time.perf_counter()
        progress(Progress("prepare", 1, 1))

        out_dir.mkdir(parents=True, exist_ok=True)
        video = out_dir / "video.mp4"
        total = request.num_frames
        try:
            # One encoder thread: the same request makes the same bytes on every machine (a laptop, each node of
            # a render farm), and a job keeps to the one CPU slot it was given.
            with VideoWriter(video, width, height, request.fps, crf=self.crf, preset=self.preset,
                             pixel_format="yuv420p", threads=ENCODER_THREADS) as writer:
                for index, frame in enumerate(renderer.frames_i420()):
                    cancel.raise_if_cancelled()
                    writer.write(frame)
                    progress(Progress("render", index + 1, total, f"frame {index + 1} of {total}"))
                cancel.raise_if_cancelled()
                progress(Progress("encode", 0, 1, "finishing the encode"))
                # The stills come from the RGB renderer (full chroma), while x264 finishes.
                first, middle, last_frame = (renderer.render(i) for i in (0, total // 2, total - 1))
            encoded = time.perf_counter()
            progress(Progress("encode", 1, 1))
            first_png, last_png, thumb = write_stills(first, last_frame, out_dir, thumb_source=middle)
        except BaseException:
            for name in TAKE_FILES:  # a take is all of its files or none of them
                with contextlib.suppress(FileNotFoundError):
                    (out_dir / name).unlink()
            raise
        finished = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
        return TakeResult(
            video=video,
            first_frame=first_png,
            last_frame=last_png,
            thumbnail=thumb,
            request=request,
            width=width,
            height=height,
            fps=request.fps,
            num_frames=total,
            model_id="animatic",
            model_revision=RENDERER_REVISION,
            backend=self.name,
            timings={
                "prepare_s": round(prepared - started, 4),
                "render_encode_s": round(encoded - prepared, 4),
                "stills_s": round(finished - encoded, 4),
                "total_s": round(finished - started, 4),
            },
            peak_memory_bytes=peak,
            notes=notes,
        )
