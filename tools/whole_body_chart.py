"""Write `resources/body_chart/whole_body.svg`, the ISNCSCI worksheet's whole-body dermatome chart:
`python tools/whole_body_chart.py` (then review the picture and run tests/clinical/test_whole_body_map.py).

The figure is schematic: each body part (half head, half neck, half trunk, arm, leg) is a patch
between a lateral and a medial contour, with `u` across it (0 lateral, 1 medial or the midline)
and `v` along it (0 at the top or the shoulder, 1 at the bottom, the fingertips or the toes). A
dermatome is a polygon in (u, v); neighbours are cut by the same (u, v) lines, so they share
their borders exactly and tile the part. Arms hang slightly away from the trunk, palms forward;
the back view shows the soles, heel up, as the ISNCSCI worksheet does.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exam_app.clinical.body_map import Region, polygon_commands  # noqa: E402

WIDTH, HEIGHT = 600.0, 720.0
CENTRES = {"front": 150.0, "back": 450.0}
GRID = 100  # vertical borders are cut at every 1/GRID of v, so T-junctions stay exact
OBLIQUE_STEPS = 10

# A contour: (v, distance from the midline, y), top to bottom; straight between landmarks.
Contour = Sequence[tuple[float, float, float]]
UV = tuple[float, float]

HEAD_LATERAL: Contour = ((0.0, 0, 44), (0.12, 17, 48), (0.3, 26, 60), (0.55, 28, 80), (0.75, 25, 97),
                         (0.9, 20, 108), (1.0, 14, 116))
HEAD_MEDIAL: Contour = ((0.0, 0, 44), (1.0, 0, 116))
NECK_LATERAL: Contour = ((0.0, 14, 116), (1.0, 17, 138))
NECK_MEDIAL: Contour = ((0.0, 0, 116), (1.0, 0, 138))
# The trunk's side: the shoulder slope to the shoulder's tip (v 0.1), the arm's attachment down to
# the axilla (v 0.22), the chest, the waist and the hip; the bottom edge is the inguinal line.
TRUNK_LATERAL: Contour = ((0.0, 17, 138), (0.05, 40, 144), (0.1, 60, 154), (0.22, 50, 190), (0.4, 48, 236),
                          (0.6, 42, 284), (0.8, 47, 326), (1.0, 52, 366))
TRUNK_MEDIAL: Contour = ((0.0, 0, 138), (1.0, 0, 370))
ARM_LATERAL: Contour = ((0.0, 60, 154), (0.45, 88, 258), (0.62, 96, 296), (0.78, 106, 336), (0.88, 112, 358),
                        (1.0, 115, 388))
ARM_MEDIAL: Contour = ((0.0, 50, 190), (0.45, 66, 266), (0.62, 73, 300), (0.78, 84, 336), (0.88, 89, 356),
                       (1.0, 95, 386))
LEG_LATERAL: Contour = ((0.0, 52, 366), (0.1, 55, 398), (0.3, 50, 456), (0.5, 40, 520), (0.7, 38, 584),
                        (0.86, 28, 638), (0.93, 32, 664), (1.0, 30, 690))
LEG_MEDIAL_FRONT: Contour = ((0.0, 0, 370), (0.07, 0, 392), (0.15, 7, 418), (0.3, 9, 456), (0.5, 10, 520),
                             (0.7, 11, 584), (0.86, 11, 638), (0.93, 8, 664), (1.0, 6, 690))
LEG_LATERAL_BACK: Contour = ((0.0, 52, 366), (0.1, 58, 398), (0.22, 55, 436), (0.3, 50, 456), (0.5, 40, 520),
                             (0.7, 38, 584), (0.84, 24, 632), (0.9, 27, 652), (1.0, 31, 690))
LEG_MEDIAL_BACK: Contour = ((0.0, 0, 370), (0.22, 0, 436), (0.3, 9, 456), (0.5, 10, 520), (0.7, 11, 584),
                            (0.84, 12, 632), (0.9, 9, 652), (1.0, 6, 690))

# Dermatomes in each part's (u, v): u 0 lateral -> 1 medial (the midline on head, neck and trunk).
Cells = dict[str, list[list[UV]]]


def _box(u0: float, v0: float, u1: float, v1: float) -> list[UV]:
    return [(u0, v0), (u1, v0), (u1, v1), (u0, v1)]


def _band(top: tuple[float, float], bottom: tuple[float, float]) -> list[UV]:
    """A trunk band between two borders given as (v at the side, v at the midline)."""
    return [(0, top[0]), (1, top[1]), (1, bottom[1]), (0, bottom[0])]


# Trunk borders (v at the side, v at the midline): bands dip a little toward the side. C4 meets the
# arm's C5 and T2 at the point of the arm's top edge where C5 ends (u 0.55, trunk v 0.166).
_TRUNK_BORDERS = {
    "C4": ((0.0, 0.0), (0.166, 0.12)), "T2": ((0.166, 0.12), (0.24, 0.19)), "T3": ((0.24, 0.19), (0.31, 0.26)),
    "T4": ((0.31, 0.26), (0.38, 0.33)), "T5": ((0.38, 0.33), (0.45, 0.4)), "T6": ((0.45, 0.4), (0.52, 0.47)),
    "T7": ((0.52, 0.47), (0.59, 0.54)), "T8": ((0.59, 0.54), (0.66, 0.61)), "T9": ((0.66, 0.61), (0.73, 0.67)),
    "T10": ((0.73, 0.67), (0.8, 0.74)), "T11": ((0.8, 0.74), (0.88, 0.83)), "T12": ((0.88, 0.83), (1.0, 1.0)),
}
TRUNK: Cells = {level: [_band(*borders)] for level, borders in _TRUNK_BORDERS.items()}

NECK = {"front": {"C2": [_box(0, 0, 1, 0.4)], "C3": [_box(0, 0.4, 1, 1)]},
        "back": {"C2": [_box(0, 0, 1, 0.35)], "C3": [_box(0, 0.35, 1, 1)]}}
HEAD = {"front": {}, "back": {"C2": [_box(0, 0.45, 1, 1)]}}  # the face and the vertex: trigeminal, not scored

ARM = {
    "front": {
        "C5": [_box(0, 0, 0.55, 0.45)],
        "T2": [_box(0.55, 0, 1, 0.25)],
        "T1": [[(0.55, 0.25), (1, 0.25), (1, 0.62), (0.5, 0.62), (0.5, 0.45), (0.55, 0.45)]],
        "C6": [[(0, 0.45), (0.5, 0.45), (0.5, 0.8), (0.35, 0.8), (0.35, 1), (0, 1)]],
        "C8": [[(0.5, 0.62), (1, 0.62), (1, 1), (0.68, 1), (0.68, 0.8), (0.5, 0.8)]],
        "C7": [_box(0.35, 0.8, 0.68, 1)],
    },
    "back": {
        "C5": [_box(0, 0, 0.55, 0.45)],
        "T2": [_box(0.55, 0, 1, 0.25)],
        "T1": [[(0.55, 0.25), (1, 0.25), (1, 0.62), (0.7, 0.62), (0.7, 0.45), (0.55, 0.45)]],
        "C6": [_box(0, 0.45, 0.35, 1)],
        "C7": [_box(0.35, 0.45, 0.7, 1)],
        "C8": [_box(0.7, 0.62, 1, 1)],
    },
}

LEG = {
    "front": {
        "L1": [[(0, 0), (1, 0), (1, 0.1), (0, 0.06)]],
        "L2": [[(0, 0.06), (1, 0.1), (1, 0.3), (0, 0.2)]],
        "L3": [[(0, 0.2), (1, 0.3), (1, 0.52), (0.5, 0.48), (0, 0.45)]],
        "L4": [[(0.5, 0.48), (1, 0.52), (1, 1), (0.85, 1), (0.85, 0.88), (0.5, 0.88)]],
        "L5": [[(0, 0.45), (0.5, 0.48), (0.5, 0.88), (0.85, 0.88), (0.85, 1), (0.28, 1), (0.28, 0.88), (0, 0.88)]],
        "S1": [_box(0, 0.88, 0.28, 1)],
    },
    "back": {
        "L1": [_box(0, 0, 1, 0.06)],
        "L2": [[(0, 0.06), (0.45, 0.06), (0.45, 0.28), (0.25, 0.28), (0.25, 0.55), (0, 0.55)]],
        "S3": [[(0.45, 0.06), (1, 0.06), (1, 0.12), (0.72, 0.12), (0.72, 0.22), (1, 0.22), (1, 0.28), (0.45, 0.28)]],
        "S4_5": [_box(0.72, 0.12, 1, 0.22)],
        "L3": [_box(0.75, 0.28, 1, 0.55)],
        "S2": [_box(0.25, 0.28, 0.75, 0.68)],
        "L4": [[(0.75, 0.55), (1, 0.55), (1, 0.84), (0.75, 0.84)]],
        "L5": [_box(0, 0.55, 0.25, 0.84), _box(0.5, 0.9, 1, 1)],
        "S1": [[(0.25, 0.68), (0.75, 0.68), (0.75, 0.84), (1, 0.84), (1, 0.9), (0.5, 0.9), (0.5, 1), (0, 1),
                (0, 0.84), (0.25, 0.84)]],
    },
}

LEVELS = ("C2", "C3", "C4", "C5", "C6", "C7", "C8", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10",
          "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4_5")


@dataclass(frozen=True)
class Patch:
    lateral: Contour
    medial: Contour
    centre: float
    sign: float  # -1: drawn to the viewer's left of the midline, +1: to the right

    def point(self, u: float, v: float) -> tuple[float, float]:
        (lx, ly), (mx, my) = _at(self.lateral, v), _at(self.medial, v)
        distance, y = lx + (mx - lx) * u, ly + (my - ly) * u
        return round(self.centre + self.sign * distance, 2), round(y, 2)

    def outline(self, polygon: Sequence[UV]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for a, b in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
            points.extend(self.point(u, v) for u, v in _edge(a, b))
        return points

    def contour(self, which: str, v0: float = 0.0, v1: float = 1.0) -> list[tuple[float, float]]:
        u = 0.0 if which == "lateral" else 1.0
        return [self.point(u, v) for u, v in _edge((u, v0), (u, v1))] + [self.point(u, v1)]


def _at(contour: Contour, v: float) -> tuple[float, float]:
    for (v0, d0, y0), (v1, d1, y1) in pairwise(contour):
        if v0 <= v <= v1:
            t = 0.0 if v1 == v0 else (v - v0) / (v1 - v0)
            return d0 + (d1 - d0) * t, y0 + (y1 - y0) * t
    raise ValueError(f"v {v} is outside the contour")


def _edge(a: UV, b: UV) -> list[UV]:
    """The points of an edge from a (included) to b (excluded): a vertical edge at every grid line,
    an oblique one in equal steps taken in one order, so both neighbours get the same points."""
    if a[0] == b[0]:
        low, high = sorted((a[1], b[1]))
        inner = [k / GRID for k in range(GRID + 1) if low < k / GRID < high]
        vs = [low, *inner] if a[1] == low else [high, *reversed(inner)]
        return [(a[0], v) for v in vs]
    if a[1] == b[1]:
        return [a]
    first, second = sorted((a, b))
    steps = [(first[0] + (second[0] - first[0]) * k / OBLIQUE_STEPS,
              first[1] + (second[1] - first[1]) * k / OBLIQUE_STEPS) for k in range(OBLIQUE_STEPS + 1)]
    return steps[:-1] if a == first else list(reversed(steps))[:-1]


def _sign(view: str, side: str) -> float:
    """Front: the patient's right is on the viewer's left; back: the patient's left is."""
    return -1.0 if (view, side) in (("front", "right"), ("back", "left")) else 1.0


def _patches(view: str, side: str) -> dict[str, Patch]:
    centre, sign = CENTRES[view], _sign(view, side)
    leg = (LEG_LATERAL, LEG_MEDIAL_FRONT) if view == "front" else (LEG_LATERAL_BACK, LEG_MEDIAL_BACK)
    return {
        "head": Patch(HEAD_LATERAL, HEAD_MEDIAL, centre, sign),
        "neck": Patch(NECK_LATERAL, NECK_MEDIAL, centre, sign),
        "trunk": Patch(TRUNK_LATERAL, TRUNK_MEDIAL, centre, sign),
        "arm": Patch(ARM_LATERAL, ARM_MEDIAL, centre, sign),
        "leg": Patch(*leg, centre, sign),
    }


def _cells(view: str) -> dict[str, Cells]:
    return {"head": HEAD[view], "neck": NECK[view], "trunk": TRUNK, "arm": ARM[view], "leg": LEG[view]}


def regions(view: str, side: str) -> dict[str, list[list[tuple[float, float]]]]:
    """level -> the polygons of its region in one view and side."""
    patches = _patches(view, side)
    found: dict[str, list[list[tuple[float, float]]]] = {}
    for part, cells in _cells(view).items():
        for level, polygons in cells.items():
            found.setdefault(level, []).extend(patches[part].outline(polygon) for polygon in polygons)
    return found


def silhouette_half(view: str, side: str) -> list[tuple[float, float]]:
    """From the crown down the outside of one side to the crotch (or the bottom of the natal cleft)."""
    p = _patches(view, side)
    shoulder, axilla = 0.1, 0.22
    crotch = LEG_MEDIAL_FRONT[1][0] if view == "front" else LEG_MEDIAL_BACK[1][0]
    points = p["head"].contour("lateral")
    points += p["neck"].contour("lateral")
    points += p["trunk"].contour("lateral", 0.0, shoulder)
    points += p["arm"].contour("lateral")
    points += list(reversed(p["arm"].contour("medial")))
    points += p["trunk"].contour("lateral", axilla, 1.0)
    points += p["leg"].contour("lateral")
    points += list(reversed(p["leg"].contour("medial", crotch, 1.0)))
    return points


def _fmt(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def _path(polygons: Sequence[Sequence[tuple[float, float]]]) -> str:
    return " ".join("M" + " L".join(f"{x:g} {y:g}" for x, y in polygon) + " Z" for polygon in polygons)


def _region(polygons: list[list[tuple[float, float]]]) -> Region:
    """Polygons as the app reads them (the level and side do not matter here)."""
    commands = tuple(c for polygon in polygons for c in polygon_commands(_fmt(polygon)))
    return Region("C2", "left", "front", commands)


def _label_place(polygons: list[list[tuple[float, float]]]) -> tuple[float, float, float]:
    region = _region(polygons)
    point = region.inner_point()
    return point.x, point.y, region.inner_radius()


_TITLE = "Whole-body dermatomes C2–S4-5 of the ISNCSCI worksheet: front and back views"
_DESC = ("Regions are named LEVEL-SIDE-VIEW (patient's side); outline-* paths are stroked only. Schematic, "
         "after the body diagram of the ISNCSCI 2019 worksheet. Written by tools/whole_body_chart.py; see README.md.")
_NOTES = {"front": "patient facing you", "back": "patient's back to you"}
_FILL, _EDGE, _LINE, _DETAIL = "#edf0f3", "#9aa5b1", "#37424d", "#6b7783"
_LEVEL_SIZE = 9.0
_MIN_RADIUS = 3.6  # a region narrower than this gets no name inside (its tooltip names it)


# Each view names the dermatomes on the viewer's left half (the patient's right in front, left at the
# back), as the ISNCSCI diagram names them once: two names per band would not fit at screen size.
LABELLED_SIDE = {"front": "right", "back": "left"}
# The arm is too narrow for names inside: they stand beside it (u < 0 lateral, u > 1 medial) or
# under the fingertips. (u, v, text-anchor, drop below the point)
_ARM_LABELS = {"C5": (0.0, 0.25, "end", 0.0), "C6": (0.0, 0.66, "end", 0.0), "T1": (1.0, 0.5, "start", 0.0),
               "C8": (1.0, 0.9, "start", 0.0), "C7": (0.5, 1.0, "middle", 8.0)}


def _level_labels(view: str) -> list[str]:
    side = LABELLED_SIDE[view]
    patches = _patches(view, side)
    placed: set[str] = set()
    labels: list[str] = []
    # the front of the neck is two thin bands: named by their tooltips, as the back names them
    parts = ("trunk", "leg") if view == "front" else ("trunk", "head", "neck", "leg")
    for part in parts:
        for level, cells in _cells(view)[part].items():
            if level in placed:
                continue
            polygons = [patches[part].outline(polygon) for polygon in cells]
            x, y, radius = _label_place(polygons)
            if radius < _MIN_RADIUS:
                continue  # too small to name inside: its tooltip names it
            text = level.replace("_", "-")
            size = min(_LEVEL_SIZE, 1.6 * radius + 1, 2.3 * radius / (0.6 * len(text)))
            region = _region(polygons)
            x, y = _beside_key_point(view, side, level, x, y, region.contains)
            labels.append(_label(view, level, side, x, y + size * 0.35, size))
            placed.add(level)
    for level, (u, v, anchor, drop) in _ARM_LABELS.items():
        x, y = patches["arm"].point(u, v)
        shift = {"end": -3.0, "start": 3.0}.get(anchor, 0.0)
        labels.append(_label(view, level, side, x + shift, y + 3.2 + drop, _LEVEL_SIZE, anchor))
    return labels


def _beside_key_point(view: str, side: str, level: str, x: float, y: float,
                      inside: Callable[[float, float], bool]) -> tuple[float, float]:
    """A name that would cover its key point's dot moves to the dot's lateral side, or above it,
    as long as it stays inside its region."""
    if level not in KEY_POINTS or KEY_POINTS[level][0] != view:
        return x, y
    _, part, u, v = KEY_POINTS[level]
    dot_x, dot_y = _patches(view, side)[part].point(u, v)
    if abs(dot_x - x) >= 12 or abs(dot_y - y) >= 8:
        return x, y
    for candidate in ((dot_x + _sign(view, side) * 14, y), (x, dot_y - 9)):
        if inside(*candidate):
            return candidate
    return x, y


def _label(view: str, level: str, side: str, x: float, y: float, size: float, anchor: str = "middle") -> str:
    return (f'<text id="label-{view}-{level}-{side}-0" class="level" x="{x:g}" y="{y:g}" font-size="{size:g}" '
            f'text-anchor="{anchor}">{level.replace("_", "-")}</text>')


def _band_middle(level: str, u: float) -> float:
    """The trunk v halfway down a band at a given u (the bands are cut by straight (u, v) lines)."""
    (top_side, top_mid), (bottom_side, bottom_mid) = _TRUNK_BORDERS[level]
    top = top_side + (top_mid - top_side) * u
    bottom = bottom_side + (bottom_mid - bottom_side) * u
    return (top + bottom) / 2


_MIDCLAVICULAR = 0.5  # u of the midclavicular line on the half trunk
# The ISNCSCI key sensory points: (view, part, u, v). The trunk's T3-T12 points lie on the
# midclavicular line, halfway down their bands; the dorsal finger points are drawn on the back of the
# hand; L1-S4-5 as in legs.svg.
KEY_POINTS: dict[str, tuple[str, str, float, float]] = {
    "C2": ("back", "head", 0.7, 0.75),  # at least 1 cm lateral to the occipital protuberance
    "C3": ("front", "neck", 0.35, 0.75),  # supraclavicular fossa
    "C4": ("front", "trunk", 0.12, 0.08),  # top of the acromioclavicular joint
    "C5": ("front", "arm", 0.25, 0.42),  # lateral side of the antecubital fossa
    "C6": ("back", "arm", 0.17, 0.93),  # thumb, dorsal proximal phalanx
    "C7": ("back", "arm", 0.52, 0.94),  # middle finger, dorsal proximal phalanx
    "C8": ("back", "arm", 0.85, 0.94),  # little finger, dorsal proximal phalanx
    "T1": ("front", "arm", 0.8, 0.48),  # medial side of the antecubital fossa
    "T2": ("front", "arm", 0.85, 0.08),  # apex of the axilla
    **{level: ("front", "trunk", _MIDCLAVICULAR, _band_middle(level, _MIDCLAVICULAR))
       for level in ("T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11")},
    "T12": ("front", "trunk", _MIDCLAVICULAR, 0.96),  # midpoint of the inguinal ligament
    "L1": ("front", "leg", 0.6, 0.05),  # halfway between the T12 and L2 points
    "L2": ("front", "leg", 0.75, 0.19),  # anteromedial mid-thigh
    "L3": ("front", "leg", 0.85, 0.45),  # medial femoral condyle
    "L4": ("front", "leg", 0.9, 0.86),  # medial malleolus
    "L5": ("front", "leg", 0.55, 0.94),  # dorsum of the foot, third MTP joint
    "S1": ("back", "leg", 0.2, 0.87),  # lateral heel
    "S2": ("back", "leg", 0.5, 0.58),  # popliteal fossa, midline
    "S3": ("back", "leg", 0.58, 0.2),  # ischial tuberosity
    "S4_5": ("back", "leg", 0.86, 0.19),  # perianal, within 1 cm of the mucocutaneous junction
}


def _key_points(view: str) -> list[str]:
    dots = []
    for side in ("right", "left"):
        patches = _patches(view, side)
        for level, (where, part, u, v) in KEY_POINTS.items():
            if where == view:
                x, y = patches[part].point(u, v)
                dots.append(f'<circle id="key-{level}-{side}" cx="{x:g}" cy="{y:g}" r="2.4" fill="#1f2a33"/>')
    return dots


def _details(view: str) -> list[str]:
    centre = CENTRES[view]
    lines: list[str] = []
    if view == "front":
        for number, side in enumerate(("right", "left")):
            trunk = _patches(view, side)["trunk"]
            x, y = trunk.point(_MIDCLAVICULAR, _band_middle("T4", _MIDCLAVICULAR))  # the T4 key point
            lines.append(_ring(f"outline-front-detail-nipple-{number}", x, y, 2.0))
        x, y = centre, _patches(view, "left")["trunk"].point(1, 0.705)[1]
        lines.append(_ring("outline-front-detail-umbilicus", x, y, 2.2))
        for number, side in enumerate(("right", "left")):
            leg = _patches(view, side)["leg"]
            lines.append(_line(f"outline-front-detail-inguinal-{number}", [leg.point(0, 0.0), leg.point(1, 0.07)]))
        return lines
    head = _patches(view, "left")["head"]
    lines.append(_line("outline-back-detail-hairline", [_patches(view, "left")["head"].point(0, 0.45),
                                                        head.point(1, 0.45),
                                                        _patches(view, "right")["head"].point(0, 0.45)]))
    leg = _patches(view, "left")["leg"]
    lines.append(_line("outline-back-detail-natal-cleft", [leg.point(1, 0.04), leg.point(1, 0.14)]))
    for number, side in enumerate(("left", "right")):
        leg = _patches(view, side)["leg"]
        lines.append(_line(f"outline-back-detail-gluteal-fold-{number}",
                           [leg.point(1, 0.22), leg.point(0.6, 0.235), leg.point(0.25, 0.22)]))
    return lines


def _ring(element_id: str, x: float, y: float, radius: float) -> str:
    """A small circle as a polygon: outlines are paths, polygons or polylines."""
    corners = [(round(x + radius * math.cos(k * math.pi / 6), 2), round(y + radius * math.sin(k * math.pi / 6), 2))
               for k in range(12)]
    return f'<polygon id="{element_id}" points="{_fmt(corners)}" fill="none" stroke="{_DETAIL}" stroke-width="0.8"/>'


def _line(element_id: str, points: Sequence[tuple[float, float]]) -> str:
    return (f'<polyline id="{element_id}" points="{_fmt(points)}" fill="none" stroke="{_DETAIL}" '
            f'stroke-width="0.8"/>')


def _text(element_id: str, kind: str, text: str, x: float, y: float, size: float, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text id="{element_id}" class="{kind}" x="{x:g}" y="{y:g}" font-size="{size:g}" '
            f'text-anchor="middle"{weight}>{text}</text>')


def svg() -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" width="{WIDTH:g}" '
           f'height="{HEIGHT:g}" font-family="sans-serif">',
           f"  <title>{_TITLE}</title>", f"  <desc>{_DESC}</desc>"]
    for view in ("front", "back"):
        centre = CENTRES[view]
        out.append(f'  <g id="view-{view}" data-title="{view.title()}">')
        for side in ("right", "left"):
            for level, polygons in sorted(regions(view, side).items(), key=lambda item: LEVELS.index(item[0])):
                out.append(f'    <path id="{level}-{side}-{view}" fill="{_FILL}" stroke="{_EDGE}" '
                           f'stroke-width="0.6" d="{_path(polygons)}"/>')
        left_half = silhouette_half(view, "right" if view == "front" else "left")
        right_half = silhouette_half(view, "left" if view == "front" else "right")
        out.append(f'    <polygon id="outline-{view}-body" points="{_fmt(left_half + right_half[::-1])}" '
                   f'fill="none" stroke="{_LINE}" stroke-width="1.3" stroke-linejoin="round"/>')
        out.extend(f"    {line}" for line in _details(view))
        out.extend(f"    {dot}" for dot in _key_points(view))
        out.append("    " + _text(f"label-{view}-heading", "heading", view.title(), centre, 18, 15, bold=True))
        out.append("    " + _text(f"label-{view}-note", "note", _NOTES[view], centre, 32, 10))
        for side in ("right", "left"):
            x = centre + _sign(view, side) * 24
            out.append("    " + _text(f"label-{view}-side-{side}", "side", side.title(), x, 708, 11))
        out.extend(f"    {label}" for label in _level_labels(view))
        out.append("  </g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    target = ROOT / "resources" / "body_chart" / "whole_body.svg"
    target.write_text(svg(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
