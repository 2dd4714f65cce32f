"""The body chart's drawing: every level and side drawn and marked, in the right place."""

from __future__ import annotations

from pathlib import Path
from statistics import mean

import pytest

from exam_app.clinical.body_map import (
    BACK,
    FRONT,
    BodyMapError,
    PathCommand,
    Point,
    body_map,
    load_body_map,
    parse_path,
)
from exam_app.clinical.vocabulary import LEFT, RIGHT, SIDES, vocabulary

LEVELS = [level.id for level in vocabulary().sensory_levels]
EVERY_LEVEL_AND_SIDE = [(level, side) for level in LEVELS for side in SIDES]

# where the key point of each level is seen (ISNCSCI: front of the leg for L1-L5, the rest behind)
KEY_POINT_VIEWS = {"L1": FRONT, "L2": FRONT, "L3": FRONT, "L4": FRONT, "L5": FRONT} | {
    level: BACK for level in ("S1", "S2", "S3", "S4_5")
}


def _inside_view_box(x: float, y: float) -> bool:
    drawing = body_map()
    return 0 <= x <= drawing.width and 0 <= y <= drawing.height


@pytest.mark.parametrize(("level", "side"), EVERY_LEVEL_AND_SIDE)
def test_every_level_and_side_has_a_region(level: str, side: str) -> None:
    assert body_map().regions_of(level, side)


@pytest.mark.parametrize(("level", "side"), EVERY_LEVEL_AND_SIDE)
def test_every_level_and_side_has_its_key_point_inside_its_own_region(level: str, side: str) -> None:
    point = body_map().key_point(level, side)
    assert point.view == KEY_POINT_VIEWS[level]
    assert _inside_view_box(point.x, point.y)
    assert body_map().region(level, side, point.view).contains(point.x, point.y)
    assert body_map().region_at(point.x, point.y) == body_map().region(level, side, point.view)


def test_there_is_one_key_point_per_level_and_side() -> None:
    assert sorted((p.level, p.side) for p in body_map().key_points) == sorted(EVERY_LEVEL_AND_SIDE)


def test_every_region_lies_inside_the_view_box() -> None:
    for region in body_map().regions:
        for polygon in region.polygons():
            assert all(_inside_view_box(p.x, p.y) for p in polygon), region.id


def test_regions_do_not_overlap() -> None:
    """Each region's inner point is found as that region: no region hides another."""
    for region in body_map().regions:
        point = region.inner_point()
        assert region.contains(point.x, point.y), region.id
        assert body_map().region_at(point.x, point.y) == region


def test_the_saddle_is_recorded_per_side_at_the_back() -> None:
    for level in ("S3", "S4_5"):
        left = body_map().region(level, LEFT, BACK)
        right = body_map().region(level, RIGHT, BACK)
        assert left.bounds()[2] == pytest.approx(right.bounds()[0], abs=0.5)  # halves meet at the midline


def _centre_x(view: str, side: str) -> float:
    return mean((r.bounds()[0] + r.bounds()[2]) / 2 for r in body_map().regions if r.view == view and r.side == side)


def test_the_patients_right_is_on_the_viewers_left_in_front_and_on_the_right_behind() -> None:
    assert _centre_x(FRONT, RIGHT) < _centre_x(FRONT, LEFT)
    assert _centre_x(BACK, LEFT) < _centre_x(BACK, RIGHT)


def test_each_leg_is_named_under_itself() -> None:
    labels = {label.id: label for label in body_map().labels}
    for view in (FRONT, BACK):
        for side in SIDES:
            label = labels[f"label-{view}-{side}"]
            assert label.text == side.title()
            assert label.x == pytest.approx(_centre_x(view, side), abs=40)
            lowest = max(r.bounds()[3] for r in body_map().regions if r.view == view and r.side == side)
            assert label.y > lowest


def test_both_views_have_a_heading_and_an_outline() -> None:
    drawing = body_map()
    assert [view.id for view in drawing.views] == [FRONT, BACK]
    for view in (FRONT, BACK):
        assert any(o.id == f"outline-{view}-legs" and o.view == view for o in drawing.outlines)
        assert any(label.kind == "heading" and label.view == view for label in drawing.labels)


def test_key_points_lie_where_isncsci_puts_them_relative_to_each_other() -> None:
    """L1 above L2 above L3 above L4 on the front, the S1 heel below the S2 knee below S3."""

    def y(level: str) -> float:
        return body_map().key_point(level, LEFT).y

    assert y("L1") < y("L2") < y("L3") < y("L4") < y("L5")
    assert y("S4_5") < y("S3") < y("S2") < y("S1")


def test_path_data_with_absolute_commands() -> None:
    commands = parse_path("M 1 2 L3,4 5 6 Q 7 8 9 10 C1 1 2 2 3 3 Z")
    assert [c.op for c in commands] == ["M", "L", "L", "Q", "C", "Z"]
    assert commands[2] == PathCommand("L", (Point(5, 6),))
    assert commands[4].points == (Point(1, 1), Point(2, 2), Point(3, 3))


@pytest.mark.parametrize("data", ["m 1 2 l 3 4", "M 1 2 A 1 1 0 0 1 3 4", "M 1 2 L 3", "1 2"])
def test_path_data_outside_the_conventions_is_refused(data: str) -> None:
    with pytest.raises(BodyMapError):
        parse_path(data)


def _svg(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "chart.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">{body}</svg>', encoding="utf-8")
    return path


def test_a_small_drawing_reads_into_plain_data(tmp_path: Path) -> None:
    drawing = load_body_map(
        _svg(
            tmp_path,
            '<g id="view-front" data-title="Front">'
            '<polygon id="L5-left-front" points="10,10 50,10 50,50 10,50"/>'
            '<path id="outline-front-legs" d="M0 0 C 10 10 20 20 30 30"/>'
            '<circle id="key-L5-left" cx="20" cy="20" r="3"/>'
            '<text id="label-front-left" class="side" x="30" y="90" text-anchor="middle">Left</text>'
            "</g>",
        )
    )
    assert (drawing.width, drawing.height) == (100, 100)
    region = drawing.region("L5", LEFT, FRONT)
    assert region.contains(30, 30) and not region.contains(60, 30)
    assert drawing.key_point("L5", LEFT).x == 20
    assert drawing.labels[0].text == "Left" and drawing.labels[0].anchor == "middle"
    assert drawing.views[0].title == "Front"


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('<polygon id="L5-left-front" points="0,0 1,0 1,1"/>', "outside"),
        ('<g id="view-front"><rect id="L5-left-front"/></g>', "path, polygon or polyline"),
        ('<g id="view-front"><polygon id="L5-left-back" points="0,0 1,0 1,1"/></g>', "drawn in the front view"),
        ('<g id="view-front"><circle id="key-L9-left" cx="1" cy="1" r="1"/></g>', "level and side"),
        (
            '<g id="view-front"><path id="outline-a" d="M0 0 L1 1"/><path id="outline-a" d="M0 0 L1 1"/></g>',
            "twice",
        ),
        ('<g id="view-side"/>', "neither front nor back"),
    ],
)
def test_a_drawing_outside_the_conventions_is_refused(tmp_path: Path, body: str, complaint: str) -> None:
    with pytest.raises(BodyMapError, match=complaint):
        load_body_map(_svg(tmp_path, body))
