"""The local OCR engine: RapidOCR's PP-OCR models on onnxruntime, used for two jobs.

- ``detect(img)``: text-line boxes on a page image (DBNet detection), for text outside ruled tables.
- ``recognise(crops)``: the text of line crops (CRNN/SVTR recognition), batched. The CTC output is
  decoded here rather than by RapidOCR so every character keeps its own probability and the
  runner-up character at that position: a cell's confidence is its weakest digit's, and the
  runner-ups are the OCR's alternatives when a digit is doubtful.

Why RapidOCR 3.x: its wheel ships the PP-OCRv6 small detection/recognition models (no download at
run time — the engine is built from the files inside the package, see ``_engine``), it is made for
Chinese print, runs on the CPU through onnxruntime, and depends on ``opencv-python-headless``
(no libGL needed on a server).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from importlib.metadata import version

import cv2
import numpy as np

_LOCK = threading.Lock()
_ENGINE = None
REC_HEIGHT = 48
# Recognition batches of similar width: padding a narrow digit crop to a wide label's width wastes
# time and (for CTC) adds blank frames that are harmless but slow.
REC_BATCH = 24


@dataclass(frozen=True)
class Glyph:
    """One recognised character: its probability and the most likely other character there."""

    char: str
    prob: float
    alt: str = ""
    alt_prob: float = 0.0


@dataclass(frozen=True)
class Reading:
    """A line crop's text, per-character detail and its confidence (the weakest character's)."""

    text: str
    glyphs: tuple[Glyph, ...]

    @property
    def confidence(self) -> float:
        return min((g.prob for g in self.glyphs), default=0.0)


def engine_name() -> str:
    """What read the scan, for the document's provenance."""
    return (f"RapidOCR {version('rapidocr')} (PP-OCRv6 small det/rec, onnxruntime {version('onnxruntime')})")


def _threads() -> int:
    # One thread by default: ingest runs one worker process per core, and the budget is per core.
    try:
        return max(1, int(os.environ.get("GONGKAI_OCR_THREADS", "1")))
    except ValueError:
        return 1


def _engine():
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                from rapidocr import RapidOCR

                n = _threads()
                # model_path left unset: RapidOCR resolves its default models to the files in
                # its own package (rapidocr/models/*.onnx) — nothing is fetched.
                _ENGINE = RapidOCR(params={
                    "Global.log_level": "error",
                    "EngineConfig.onnxruntime.intra_op_num_threads": n,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                })
    return _ENGINE


def _rec():
    eng = _engine()
    return eng._load_rec_model()  # the recogniser is built lazily by RapidOCR


def _det():
    return _engine()._load_det_model()


def detect(gray: np.ndarray, max_side: int = 1280) -> list[tuple[float, float, float, float, float]]:
    """Text-line boxes (x0, y0, x1, y1, angle°) in ``gray``'s pixels. The page is scaled down to
    ``max_side`` for detection (enough for body text at ≥150 dpi, and 3–4× faster)."""
    h, w = gray.shape[:2]
    s = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA) if s < 1 else gray
    bgr = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    det = _det()
    out = det(bgr)
    boxes = [] if out.boxes is None else out.boxes
    res = []
    for quad in boxes:
        q = np.asarray(quad, dtype=np.float32) / s
        x0, y0 = q[:, 0].min(), q[:, 1].min()
        x1, y1 = q[:, 0].max(), q[:, 1].max()
        dx, dy = q[1][0] - q[0][0], q[1][1] - q[0][1]
        angle = float(np.degrees(np.arctan2(dy, dx))) if dx or dy else 0.0
        res.append((float(x0), float(y0), float(x1), float(y1), angle))
    return res


# Characters drawn exactly like a digit in a printed table: the round zero of Latin, Greek, Cyrillic and CJK
# fonts, and the full-width digits. In a table cell the recogniser's doubt between "0" and "O" is no
# doubt about the number, so their probabilities are pooled into the digit (``digit_shapes``).
# Not pooled: shapes a rule's remains or a stroke also make (| l I → 1) — those stay doubtful.
DIGIT_SHAPES = {"0": "OoＯｏ〇０ΟοОо", **{str(d): chr(0xFF10 + d) for d in range(1, 10)}}
_POOL: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _pool(chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(digit class index, shape class index) pairs of DIGIT_SHAPES in the model's alphabet."""
    key = id(chars)
    if key not in _POOL:
        index = {c: i for i, c in enumerate(chars)}
        pairs = [(index[d], index[s]) for d, shapes in DIGIT_SHAPES.items() for s in shapes
                 if d in index and s in index]
        _POOL[key] = (np.array([a for a, _ in pairs], dtype=np.intp), np.array([b for _, b in pairs], dtype=np.intp))
    return _POOL[key]


def pool_digit_shapes(frames: np.ndarray, chars: list[str]) -> np.ndarray:
    """CTC frame probabilities (changed in place) with each digit-shaped class's probability added
    to its digit's."""
    digits, shapes = _pool(chars)
    np.add.at(frames, (slice(None), digits), frames[:, shapes])
    frames[:, shapes] = 0.0
    return frames


def recognise(crops: list[np.ndarray], digit_shapes: bool = False) -> list[Reading]:
    """The text of each grayscale line crop, with per-character probabilities.

    Short crops (table cells) are packed side by side into strips with white gaps and read in one
    pass per strip; each character goes back to the crop under its CTC frame. Recognition time
    grows with the input's width, and a lone digit would otherwise be padded to a full-width line.
    ``digit_shapes``: read characters drawn like a digit as that digit (table cells, see DIGIT_SHAPES).
    """
    if not crops:
        return []
    rec = _rec()
    chars = rec.postprocess_op.character
    _, img_h, img_w = rec.rec_image_shape
    scaled = [_to_height(c, img_h) for c in crops]
    strips = _pack(scaled, img_h)
    out: list[list[Glyph]] = [[] for _ in crops]
    order = sorted(range(len(strips)), key=lambda i: strips[i][0].shape[1])
    for b in range(0, len(order), REC_BATCH):
        idx = order[b : b + REC_BATCH]
        ratio = max(img_w / img_h, *(strips[i][0].shape[1] / img_h for i in idx))
        batch = np.stack([rec.resize_norm_img(cv2.cvtColor(strips[i][0], cv2.COLOR_GRAY2BGR), ratio) for i in idx])
        preds = rec.session(batch.astype(np.float32))
        for k, i in enumerate(idx):
            _strip, spans = strips[i]
            frames = pool_digit_shapes(preds[k], chars) if digit_shapes else preds[k]
            px_per_frame = (ratio * img_h) / frames.shape[0]
            for g, t in _decode(frames, chars):
                x = (t + 0.5) * px_per_frame
                j = min(spans, key=lambda sp: 0 if sp[0] <= x < sp[1] else min(abs(x - sp[0]), abs(x - sp[1])))
                out[j[2]].append(g)
    return [Reading("".join(g.char for g in gs), tuple(gs)) for gs in out]


STRIP_GAP = 24  # px at recognition height: three blank CTC frames (8 px each) between two cells
STRIP_MAX = 1200  # px: a strip this wide is still read in one pass at full accuracy


def _to_height(crop: np.ndarray, h: int) -> np.ndarray:
    if crop.shape[0] == 0 or crop.shape[1] == 0:
        return np.full((h, 4), 255, np.uint8)
    w = max(4, round(crop.shape[1] * h / crop.shape[0]))
    return cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if crop.shape[0] > h else cv2.INTER_CUBIC)


def _pack(crops: list[np.ndarray], h: int) -> list[tuple[np.ndarray, list[tuple[float, float, int]]]]:
    """Crops (all of height h) → strips: (image, [(x0, x1, crop index)])."""
    strips = []
    cur: list[tuple[int, np.ndarray]] = []
    width = 0
    for i, c in enumerate(crops):
        w = c.shape[1] + STRIP_GAP
        if cur and width + w > STRIP_MAX:
            strips.append(_join(cur, h))
            cur, width = [], 0
        cur.append((i, c))
        width += w
    if cur:
        strips.append(_join(cur, h))
    return strips


def _join(items: list[tuple[int, np.ndarray]], h: int):
    gap = np.full((h, STRIP_GAP), 255, np.uint8)
    parts, spans, x = [gap[:, : STRIP_GAP // 2]], [], STRIP_GAP // 2
    for i, c in items:
        parts.append(c)
        spans.append((float(x), float(x + c.shape[1]), i))
        x += c.shape[1]
        parts.append(gap)
        x += STRIP_GAP
    return np.concatenate(parts, axis=1), spans


def _decode(probs: np.ndarray, chars: list[str]) -> list[tuple[Glyph, int]]:
    """Greedy CTC: the best class per frame, repeats collapsed, blanks (index 0) dropped. A
    character's probability is the highest its run of frames reached (its frame is returned too);
    its alternative is the best other non-blank class on that frame."""
    best = probs.argmax(axis=1)
    glyphs: list[tuple[Glyph, int]] = []
    prev = 0
    run_best = -1.0
    run_frame = -1
    for t, c in enumerate(best):
        c = int(c)
        if c != prev and prev != 0:
            glyphs.append((_glyph(probs[run_frame], prev, chars), run_frame))
        if c != 0 and c != prev:
            run_best, run_frame = -1.0, t
        if c != 0 and probs[t, c] > run_best:
            run_best, run_frame = float(probs[t, c]), t
        prev = c
    if prev != 0:
        glyphs.append((_glyph(probs[run_frame], prev, chars), run_frame))
    return [(g, t) for g, t in glyphs if g.char.strip()]


def _glyph(frame: np.ndarray, c: int, chars: list[str]) -> Glyph:
    others = frame.copy()
    others[0] = others[c] = -1.0
    alt = int(others.argmax())
    return Glyph(chars[c], float(frame[c]), chars[alt], float(frame[alt]))
