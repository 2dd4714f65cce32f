"""The ISNCSCI worksheet's whole-body drawing (resources/body_chart/whole_body.svg): every dermatome
C2–S4-5 of both sides is a region, in the view the ISNCSCI body diagram puts it, inside the canvas,
without hiding another, with its key point inside it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from exam_app.clinical.body_map import BACK, FRONT, Region, whole_body_map
from exam_app.clinical.isncsci import isncsci_tables
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from whole_body_chart import svg  # noqa: E402  (the tool that writes the drawing)

LEVELS = isncsci_tables().levels
# Dermatomes the ISNCSCI diagram shows only on the back: the posterior thigh and the saddle.
BACK_ONLY = ("S2", "S3", "S4_5")


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("level", LEVELS)
def test_every_level_and_side_has_a_region(level: str, side: str) -> None:
    views = {region.view for region in whole_body_map().regions_of(level, side)}
    assert views == ({BACK} if level in BACK_ONLY else {FRONT, BACK})


def test_there_is_no_other_region() -> None:
    assert {r.level for r in whole_body_map().regions} == set(LEVELS)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("level", LEVELS)
def test_every_level_and_side_has_its_key_point_inside_its_own_region(level: str, side: str) -> None:
    drawing = whole_body_map()
    point = drawing.key_point(level, side)
    assert drawing.region(level, side, point.view).contains(point.x, point.y)
    assert drawing.region_at(point.x, point.y) == drawing.region(level, side, point.view)


def test_key_points_are_where_the_examiner_touches() -> None:
    """The dorsal finger points, the occiput and the saddle on the back; the rest in front."""
    drawing = whole_body_map()
    back = {"C2", "C6", "C7", "C8", "S1", "S2", "S3", "S4_5"}
    for point in drawing.key_points:
        assert point.view == (BACK if point.level in back else FRONT), point
    assert len(drawing.key_points) == 2 * len(LEVELS)


def test_every_region_lies_inside_the_canvas_and_its_own_view() -> None:
    drawing = whole_body_map()
    for region in drawing.regions:
        left, top, right, bottom = region.bounds()
        assert 0 <= left < right <= drawing.width and 0 <= top < bottom <= drawing.height, region.id
        half = drawing.width / 2
        assert (right <= half) if region.view == FRONT else (left >= half), region.id


def test_regions_do_not_overlap() -> None:
    """Each region's inner point is found as that region, and a grid of points over the drawing
    never falls in two regions at once (borders aside)."""
    drawing = whole_body_map()
    for region in drawing.regions:
        point = region.inner_point()
        assert region.contains(point.x, point.y), region.id
        assert drawing.region_at(point.x, point.y) == region, region.id
    step = 4.0
    bounds = [(region, region.bounds()) for region in drawing.regions]
    doubles = []
    for row in range(int(drawing.height / step)):
        for column in range(int(drawing.width / step)):
            x, y = column * step + 0.77, row * step + 0.31  # off the round numbers borders sit on
            found = [r.id for r, (left, top, right, bottom) in bounds
                     if left <= x <= right and top <= y <= bottom and r.contains(x, y)]
            if len(found) > 1:
                doubles.append((x, y, found))
    assert doubles == []


def test_every_region_is_a_real_shape() -> None:
    for region in whole_body_map().regions:
        assert region.inner_radius() >= 2.5, region.id


def _centre(region: Region) -> tuple[float, float]:
    left, top, right, bottom = region.bounds()
    return (left + right) / 2, (top + bottom) / 2


def test_the_patients_right_is_on_the_viewers_left_in_front_and_on_the_right_behind() -> None:
    drawing = whole_body_map()
    for level in ("C5", "T4", "L3"):
        assert _centre(drawing.region(level, RIGHT, FRONT))[0] < _centre(drawing.region(level, LEFT, FRONT))[0]
        assert _centre(drawing.region(level, RIGHT, BACK))[0] > _centre(drawing.region(level, LEFT, BACK))[0]


def test_the_dermatomes_run_from_the_head_down_as_on_the_worksheet() -> None:
    drawing = whole_body_map()
    tops = {level: drawing.region(level, LEFT, FRONT).bounds()[1] for level in LEVELS if level not in BACK_ONLY}
    trunk = ["C2", "C3", "C4", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1"]
    assert [tops[level] for level in trunk] == sorted(tops[level] for level in trunk)
    middles = {level: _centre(drawing.region(level, LEFT, FRONT))[1] for level in ("C5", "C6", "C7")}
    assert middles["C5"] < middles["C6"] < middles["C7"]  # the shoulder, the forearm, the middle finger
    assert drawing.region("C2", LEFT, BACK).bounds()[1] < drawing.region("C3", LEFT, BACK).bounds()[1]
    # the hand's thumb side (C6) is lateral, its little finger side (C8) medial
    for view in (FRONT, BACK):
        hand = drawing.region("C7", LEFT, view)
        y = _centre(hand)[1]
        left, _, right, _ = next(v.bounds for v in drawing.views if v.id == view)
        outward = 1 if _centre(hand)[0] > (left + right) / 2 else -1  # the left arm, away from the trunk
        start = _centre(hand)[0] - outward * 40
        across: list[str] = []
        for step in range(80):
            found = drawing.region_at(start + outward * step, y)
            if found is not None and found.level in ("C6", "C7", "C8") and found.level not in across:
                across.append(found.level)
        assert across == ["C8", "C7", "C6"], view  # medial to lateral
    # T4 at the nipples, T10 at the umbilicus
    outlines = {o.id: o for o in drawing.outlines}
    umbilicus = outlines["outline-front-detail-umbilicus"].commands[0].points[0]  # its right-hand point
    assert drawing.region_at(umbilicus.x, umbilicus.y) == drawing.region("T10", LEFT, FRONT)
    for number, side in enumerate((RIGHT, LEFT)):
        ring = outlines[f"outline-front-detail-nipple-{number}"].commands
        x = sum(c.points[0].x for c in ring if c.points) / 12
        y = sum(c.points[0].y for c in ring if c.points) / 12
        assert drawing.region_at(x, y) == drawing.region("T4", side, FRONT)


def test_each_view_has_a_heading_an_outline_and_named_sides() -> None:
    drawing = whole_body_map()
    for view in (FRONT, BACK):
        kinds = {label.kind for label in drawing.labels if label.view == view}
        assert {"heading", "note", "side", "level"} <= kinds
        assert f"outline-{view}-body" in {o.id for o in drawing.outlines}


def test_the_shipped_drawing_is_the_tools_output() -> None:
    """The drawing is generated: edit tools/whole_body_chart.py and run it, never the SVG by hand."""
    shipped = (ROOT / "resources" / "body_chart" / "whole_body.svg").read_text(encoding="utf-8")
    assert shipped == svg()
