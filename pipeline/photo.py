"""Phone photos of a decision: find the sheet on the desk, flatten its perspective and its light.

A photo shows the sheet at an angle (its edges converge), on a desk, lit unevenly. Tesseract
reads it poorly: lines run at different slants across the page, the desk's grain reads as
letters, and the dim corners fade into the paper's grey. Here, before the usual clean-up
(`pipeline.imaging`):

1. the sheet is looked for on a copy ~600 px long: the paper is the largest bright region, found
   by Otsu's threshold on the grey image, and again on the grey image divided by its own light
   (a blur a quarter of the image wide) for photos whose dim corner is darker than a light desk;
   the region's convex hull is reduced to four corners. A quadrilateral counts as a sheet when it
   covers 25–95% of the photo, keeps clear of its edges and has corners of 60–120° — a scan or a
   cropped photo has no desk around it, and is left alone;
2. the sheet is warped onto a rectangle as wide and as tall as its sides measure (four-point
   perspective transform; no resolution is invented), trimmed by a hair at its edges where the
   desk shows;
3. its light is evened out: each channel divided by its own background (the paper's level found
   by a closing that removes the print, on a copy an eighth the size), so the paper comes out
   white everywhere and coloured ink keeps its colour (the seal check and fading rely on it).

Pure functions on Pillow images (numpy and OpenCV inside); nothing here mutates its input.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

WORK_SIDE = 600  # px: the long side of the copy the sheet is looked for on
SHEET_AREA = (0.25, 0.95)  # share of the photo a sheet covers; more is a scan or a cropped photo
EDGE_CLEARANCE = 0.005  # share of the long side: a corner this near the photo's edge is cut off
MAX_CORNER_COS = 0.5  # corners between 60° and 120°
TRIM = 0.006  # share of each side cut off the flattened sheet: the paper's edge and the desk
LIGHT_FACTOR = 8  # the background is measured on a copy this many times smaller
LIGHT_KERNEL_MM = 6.0  # the closing that removes print: wider than a line of text is tall
A4_SHORT_MM = 210.0


def sheet_of(image: Image.Image) -> Image.Image | None:
    """The sheet in a photo, flattened (RGB or L as given), or None when no sheet is found."""
    if image.mode not in ("RGB", "L"):
        return None
    values = np.asarray(image)
    corners = find_sheet(values)
    if corners is None:
        return None
    return Image.fromarray(even_light(warp_sheet(values, corners)), image.mode)


def find_sheet(values: np.ndarray) -> np.ndarray | None:
    """The sheet's corners (top-left, top-right, bottom-right, bottom-left) in image pixels."""
    height, width = values.shape[:2]
    factor = WORK_SIDE / max(height, width)
    if factor >= 1:
        return None  # too small to be a photo of a page
    small = cv2.resize(values, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    tiny = cv2.resize(gray, (gray.shape[1] // 8, gray.shape[0] // 8), interpolation=cv2.INTER_AREA)
    light = cv2.resize(cv2.GaussianBlur(tiny, (0, 0), max(tiny.shape) / 4), gray.shape[::-1],
                       interpolation=cv2.INTER_LINEAR)
    evened = cv2.normalize(gray.astype(np.float32) / np.maximum(light, 1), None, 0, 255, cv2.NORM_MINMAX)
    found = [quad for view in (gray, evened.astype(np.uint8)) if (quad := _bright_quad(view)) is not None]
    if not found:
        return None
    return max(found, key=lambda quad: cv2.contourArea(quad)) / factor


def _bright_quad(gray: np.ndarray) -> np.ndarray | None:
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))  # print leaves holes
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(approx) <= 4:
            break
    if len(approx) != 4:
        return None
    quad = _ordered(approx.reshape(4, 2).astype(np.float32))
    return quad if _plausible(quad, *gray.shape) else None


def _ordered(points: np.ndarray) -> np.ndarray:
    total, difference = points.sum(axis=1), points[:, 1] - points[:, 0]
    return np.array([points[np.argmin(total)], points[np.argmin(difference)], points[np.argmax(total)],
                     points[np.argmax(difference)]], dtype=np.float32)


def _plausible(quad: np.ndarray, height: int, width: int) -> bool:
    share = cv2.contourArea(quad) / (height * width)
    if not SHEET_AREA[0] <= share <= SHEET_AREA[1]:
        return False
    margin = EDGE_CLEARANCE * max(height, width)
    xs, ys = quad[:, 0], quad[:, 1]
    if xs.min() < margin or ys.min() < margin or xs.max() > width - 1 - margin or ys.max() > height - 1 - margin:
        return False
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        if abs(float(np.dot(a, b))) > MAX_CORNER_COS * float(np.linalg.norm(a) * np.linalg.norm(b)):
            return False
    return True


def warp_sheet(values: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The quadrilateral `corners` (ordered as `find_sheet` gives them) as an upright rectangle."""
    tl, tr, br, bl = corners
    width = round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    height = round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    dx, dy = TRIM * width, TRIM * height
    target = np.array([[-dx, -dy], [width - 1 + dx, -dy], [width - 1 + dx, height - 1 + dy], [-dx, height - 1 + dy]],
                      dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(values, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def even_light(values: np.ndarray) -> np.ndarray:
    """Each channel divided by the paper's level around it: white paper, print as dark as it was
    against its own paper, colours kept."""
    height, width = values.shape[:2]
    small = cv2.resize(values, (max(1, width // LIGHT_FACTOR), max(1, height // LIGHT_FACTOR)),
                       interpolation=cv2.INTER_AREA)
    px_per_mm = min(height, width) / LIGHT_FACTOR / A4_SHORT_MM  # the sheet taken for A4
    size = max(3, round(LIGHT_KERNEL_MM * px_per_mm) | 1)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.GaussianBlur(paper, (0, 0), size)
    paper = np.maximum(cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR), 1)
    return cv2.divide(values, paper, scale=255)  # saturating uint8 arithmetic: no float copy of the page
