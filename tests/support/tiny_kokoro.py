"""A tiny stand-in for Kokoro-82M's ONNX export, built in code, with the same inputs and outputs.

Inputs as kokoro_onnx feeds them (``kokoro_onnx.Kokoro._infer``): ``tokens`` int64 [1, T] (the phoneme ids with a
0 pad at each end), ``style`` float32 [1, 256] (one row of the voice's table), ``speed`` float32 [1]. Outputs:
``audio`` float32 [N] and, in the variant that reports them, ``duration`` int64 [T] (frames per token), the name
kokoro_onnx looks for to place phonemes in time.

What it sounds like: every token lasts ``HOP / speed`` samples; pads and word spaces are silent, every other token
is a sum of three harmonics whose fundamental is ``150 + 100 * style[0]`` Hz, nudged by the token id. So the
audio is deterministic, grows with the text, and two voices with different styles differ in pitch.

The voices file is what kokoro_onnx reads with ``np.load``: an ``.npz`` archive of (510, 1, 256) float32 tables.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

HOP = 1200  # samples per token at 24 kHz (50 ms); Kokoro's real phonemes run ~60-100 ms
SAMPLE_RATE = 24000
SPACE_TOKEN = 16  # ' ' in kokoro_onnx's vocabulary (config.json)
STYLE_SIZE = 256
# Voice name -> style[0]: the fundamental is 150 + 100 * style[0] Hz.
TINY_VOICES = {"af_heart": 1.2, "af_bella": 1.0, "am_adam": 0.0, "am_michael": 0.3, "bf_emma": 0.9,
               "bm_george": -0.4}


def build_tiny_kokoro(path: Path, *, durations: bool = True) -> Path:
    """Write the tiny ONNX graph to ``path``; ``durations=False`` leaves out the ``duration`` output."""
    import onnx
    from onnx import TensorProto, helper

    def const(name: str, value: np.ndarray) -> onnx.NodeProto:
        return helper.make_node("Constant", [], [name], value=helper.make_tensor(
            name + "_value", helper.np_dtype_to_tensor_dtype(value.dtype), value.shape, value.flatten().tolist()))

    f32, i64 = np.float32, np.int64
    nodes = [
        const("hop", np.array([HOP], dtype=f32)),
        const("rate", np.array(SAMPLE_RATE, dtype=f32)),
        const("zero_i", np.array(0, dtype=i64)),
        const("one_i", np.array(1, dtype=i64)),
        const("one_f", np.array([1.0], dtype=f32)),
        const("minus_one", np.array([-1], dtype=i64)),
        const("first", np.array([0], dtype=i64)),
        const("space", np.array(SPACE_TOKEN, dtype=i64)),
        const("base_hz", np.array(150.0, dtype=f32)),
        const("style_hz", np.array(100.0, dtype=f32)),
        const("token_nudge", np.array(0.0005, dtype=f32)),
        const("two_pi", np.array(2 * np.pi, dtype=f32)),
        const("harmonics", np.array([[1.0], [2.0], [3.0]], dtype=f32)),
        const("harmonic_levels", np.array([[0.5], [0.25], [0.12]], dtype=f32)),
        # samples per token = max(1, round(HOP / speed))
        helper.make_node("Div", ["hop", "speed"], ["hop_scaled"]),
        helper.make_node("Round", ["hop_scaled"], ["hop_rounded"]),
        helper.make_node("Max", ["hop_rounded", "one_f"], ["hop_safe"]),
        helper.make_node("Cast", ["hop_safe"], ["step"], to=TensorProto.INT64),  # [1]
        helper.make_node("Shape", ["tokens"], ["token_shape"]),
        helper.make_node("Slice", ["token_shape", "minus_one", "token_shape_end"], ["token_count"]),  # [1]
        helper.make_node("Concat", ["token_count", "step"], ["grid_shape"], axis=0),  # [T, step]
        helper.make_node("Reshape", ["tokens", "token_count"], ["flat_tokens"]),  # [T]
        helper.make_node("Unsqueeze", ["flat_tokens", "one_axis"], ["column"]),  # [T, 1]
        helper.make_node("Expand", ["column", "grid_shape"], ["grid"]),  # [T, step]
        helper.make_node("Reshape", ["grid", "minus_one"], ["per_sample"]),  # [T * step]
        # loud where the token is neither a pad (0) nor a space
        helper.make_node("Equal", ["per_sample", "zero_i"], ["is_pad"]),
        helper.make_node("Equal", ["per_sample", "space"], ["is_space"]),
        helper.make_node("Or", ["is_pad", "is_space"], ["quiet"]),
        helper.make_node("Not", ["quiet"], ["loud"]),
        helper.make_node("Cast", ["loud"], ["gate"], to=TensorProto.FLOAT),
        # pitch: the style's first value sets the fundamental, the token id nudges it
        helper.make_node("Gather", ["style", "first"], ["style_first"], axis=1),  # [1, 1]
        helper.make_node("Reshape", ["style_first", "minus_one"], ["style_value"]),  # [1]
        helper.make_node("Mul", ["style_value", "style_hz"], ["style_offset"]),
        helper.make_node("Add", ["style_offset", "base_hz"], ["fundamental"]),
        helper.make_node("Cast", ["per_sample"], ["token_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["token_float", "token_nudge"], ["nudge"]),
        helper.make_node("Add", ["nudge", "one_f"], ["nudge_factor"]),
        helper.make_node("Mul", ["fundamental", "nudge_factor"], ["hz"]),  # [N]
        helper.make_node("Shape", ["per_sample"], ["sample_count"]),
        helper.make_node("Squeeze", ["sample_count"], ["sample_count_scalar"]),
        helper.make_node("Range", ["zero_i", "sample_count_scalar", "one_i"], ["index"]),
        helper.make_node("Cast", ["index"], ["index_float"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["index_float", "rate"], ["seconds"]),
        helper.make_node("Mul", ["hz", "seconds"], ["cycles"]),
        helper.make_node("Mul", ["cycles", "two_pi"], ["phase"]),  # [N]
        helper.make_node("Mul", ["harmonics", "phase"], ["harmonic_phase"]),  # [3, N]
        helper.make_node("Sin", ["harmonic_phase"], ["sines"]),
        helper.make_node("Mul", ["sines", "harmonic_levels"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "first"], ["summed"], keepdims=0),  # [N]
        helper.make_node("Mul", ["summed", "gate"], ["audio"]),
    ]
    initializers = [helper.make_tensor("token_shape_end", TensorProto.INT64, [1], [2]),
                    helper.make_tensor("one_axis", TensorProto.INT64, [1], [1])]
    outputs = [helper.make_tensor_value_info("audio", TensorProto.FLOAT, ["samples"])]
    if durations:
        nodes.append(helper.make_node("Expand", ["step", "token_count"], ["duration"]))
        outputs.append(helper.make_tensor_value_info("duration", TensorProto.INT64, ["tokens_out"]))
    graph = helper.make_graph(
        nodes, "tiny_kokoro",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "tokens"]),
         helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, STYLE_SIZE]),
         helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1])],
        outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="storyreel-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def tiny_voices_bytes(voices: dict[str, float] | None = None) -> bytes:
    """The voices file: one (510, 1, 256) style table per voice, as ``np.savez`` writes it."""
    tables = {}
    for index, (name, pitch) in enumerate((voices or TINY_VOICES).items()):
        table = np.random.default_rng(index).normal(0, 0.1, (510, 1, STYLE_SIZE)).astype(np.float32)
        table[:, 0, 0] = pitch
        tables[name] = table
    buffer = io.BytesIO()
    np.savez(buffer, **tables)
    return buffer.getvalue()


def build_tiny_voices(path: Path, voices: dict[str, float] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tiny_voices_bytes(voices))
    return path
