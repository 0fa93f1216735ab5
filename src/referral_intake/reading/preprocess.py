"""Image clean-up before OCR: grayscale, skew estimate and correction, upside-down detection.

Skew comes from OpenCV minAreaRect over text-line blobs (words smeared together horizontally); deskew
libraries (`deskew`, `jdeskew`) were considered, but both run a full Hough transform per page and are
slower than this on 1-bit fax pages, and add a dependency for about thirty lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]

_MAX_SKEW = 10.0  # degrees; beyond this the "lines" found are more likely table rules or photos
_MIN_SKEW = 0.15  # below this a rotation costs more sharpness than it gains


@dataclass(frozen=True, slots=True)
class Prepared:
    image: Gray  # upright, deskewed, grayscale
    rotation: int  # 0 or 180: how far the page was turned to read upright
    skew: float  # degrees the page was rotated to straighten the lines (counter-clockwise positive)
    inverse: npt.NDArray[np.float64]  # 2x3 affine mapping prepared-image pixels back to the input image


def to_gray(image: npt.NDArray[np.uint8]) -> Gray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)  # type: ignore[return-value]
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)  # type: ignore[return-value]


def _line_blobs(ink: Gray) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """minAreaRects of text lines in a small binary ink image (255 = ink)."""
    w = ink.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, w // 60), 1))
    smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(smeared, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rects = []
    for c in contours:
        (cx, cy), (rw, rh), ang = cv2.minAreaRect(c)
        rects.append(((cx, cy), (rw, rh), ang))
    return rects


def _ink(gray: Gray, scale: float) -> Gray:
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink  # type: ignore[return-value]


def soften_bilevel(image: npt.NDArray[np.uint8]) -> Gray:
    """Grayscale; a 1-bit fax image also gets a 3x3 Gaussian blur. The recognizer was trained on gray
    anti-aliased text: on broken thin strokes of fax print the blur recovers more values than it loses
    (measured on the synthetic fax corpus: never worse, up to 4 of 38 more values on a degraded page)."""
    gray = to_gray(image)
    sample = gray[:: max(1, gray.shape[0] // 200), :: max(1, gray.shape[1] // 200)]
    # Mostly pure black and white (a 1-bit page, perhaps resampled from 200x100 dpi): treat as fax.
    if np.count_nonzero((sample > 0) & (sample < 255)) < 0.1 * sample.size:
        return cv2.GaussianBlur(gray, (3, 3), 0)  # type: ignore[return-value]
    return gray


def estimate_skew(gray: Gray) -> float:
    """Dominant text-line angle in degrees (positive: lines rise to the right), 0.0 when unsure."""
    scale = min(1.0, 1000.0 / max(gray.shape))
    ink = _ink(gray, scale)
    angles: list[float] = []
    weights: list[float] = []
    for _, (rw, rh), ang in _line_blobs(ink):
        long, short = max(rw, rh), min(rw, rh)
        if long < 40 or short < 2 or long < 5 * short:
            continue
        a = ang if rw >= rh else ang - 90.0  # OpenCV >= 4.5 reports (0, 90]; normalise to the long side
        a = (a + 90.0) % 180.0 - 90.0
        if abs(a) <= _MAX_SKEW:
            angles.append(a)
            weights.append(long)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    return -median  # image y grows downward: a negative OpenCV angle is a line rising to the right


def upside_down_score(gray: Gray) -> float:
    """> 0 when the page looks upside down: Latin print has more ink above the x-height than below it.

    Capitals, digits and ascenders (b d f h k l t) outnumber descenders (g j p q y) in every language this
    product sees, so in each text line the band above the line's dense core holds more ink when upright.
    """
    scale = min(1.0, 1400.0 / max(gray.shape))
    ink = _ink(gray, scale)
    above = below = 0.0
    for (cx, cy), (rw, rh), _ang in _line_blobs(ink):
        x0, x1 = int(cx - max(rw, rh) / 2), int(cx + max(rw, rh) / 2)
        y0, y1 = int(cy - min(rw, rh) / 2) - 1, int(cy + min(rw, rh) / 2) + 1
        if x1 - x0 < 30 or not 6 <= y1 - y0 <= 80:
            continue
        band = ink[max(0, y0) : y1, max(0, x0) : x1]
        profile = band.sum(axis=1).astype(np.float64)
        if profile.size < 6 or profile.max() <= 0:
            continue
        core = np.nonzero(profile >= 0.5 * profile.max())[0]
        top, bottom = int(core[0]), int(core[-1])
        above += float(profile[:top].sum())
        below += float(profile[bottom + 1 :].sum())
    total = above + below
    return 0.0 if total <= 0 else (below - above) / total


def rotate(gray: Gray, degrees: float) -> tuple[Gray, npt.NDArray[np.float64]]:
    """Rotate about the centre, keeping the whole page; returns the image and the inverse affine."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    return out, cv2.invertAffineTransform(m)  # type: ignore[return-value]


def prepare(image: npt.NDArray[np.uint8]) -> Prepared:
    """Grayscale, straighten skew, then turn upside-down pages over (the ink test needs level lines)."""
    gray = to_gray(image)
    inverse = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    rotation = 0
    skew = estimate_skew(gray)
    if abs(skew) >= _MIN_SKEW:
        gray, inverse = rotate(gray, -skew)
    else:
        skew = 0.0
    if upside_down_score(gray) > 0.15:
        h, w = gray.shape
        gray = np.ascontiguousarray(gray[::-1, ::-1])
        inverse = compose(inverse, np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0]]))
        rotation = 180
        skew = -skew
    return Prepared(gray, rotation, skew, inverse)


def compose(outer: npt.NDArray[np.float64], inner: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Affine `outer(inner(p))` as a 2x3 matrix."""
    a = np.vstack([outer, [0.0, 0.0, 1.0]])
    b = np.vstack([inner, [0.0, 0.0, 1.0]])
    return np.asarray((a @ b)[:2], dtype=np.float64)


def map_box(
    inverse: npt.NDArray[np.float64], x0: float, y0: float, x1: float, y1: float
) -> tuple[float, float, float, float]:
    """Axis-aligned box in the input image of a box in the prepared image."""
    pts = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]]) @ inverse.T
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())
