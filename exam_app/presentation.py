"""How computed statements are shown, said once for the screens, the letter and the command line:
the labels of urgency, pattern and nerve, the headline alert, the window period in words, and the
palette. Words and colours are data (`resources/presentation.json`); nothing here imports Qt or
reportlab, so each medium turns the same colour string into its own colour object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from exam_app.clinical.pattern import nerve_labels, pattern_labels
from exam_app.clinical.vocabulary import vocabulary
from exam_app.clinical.window import WindowStatus
from exam_app.paths import resource_path
from exam_app.wording import duration, moment


@dataclass(frozen=True)
class Palette:
    urgency: dict[str, str]  # tier -> colour
    alert: str  # the headline alert's background
    alert_text: str
    worse: str
    weak: str  # an abnormal motor grade on screen
    caution: str  # what needs attention before signing (incomplete, gaps)
    muted: str
    window: str  # the window period on a chart (its line and words)
    window_band: str  # the band over the visits inside the window period
    window_cell: str  # a cell or an area inside the window period, light enough to print behind lines
    left: str  # the left side on a chart (a blue and an orange that part in colour-blind vision)
    right: str
    good: str  # a check that found nothing wrong
    notice: str  # the background of a notice that is not an alarm (a save waiting, a changed assessment)
    notice_text: str
    notice_edge: str


@dataclass(frozen=True)
class Words:
    progression_alert: str
    incomplete: str
    decision_support: str
    pattern_phrases: dict[str, str]


@cache
def _presentation() -> tuple[Palette, Words]:
    raw = json.loads(resource_path("presentation.json").read_text(encoding="utf-8"))
    palette, words = raw["palette"], raw["words"]
    return (Palette(urgency=dict(palette["urgency"]), alert=palette["alert"], alert_text=palette["alert_text"],
                    worse=palette["worse"], weak=palette["weak"], caution=palette["caution"],
                    muted=palette["muted"], window=palette["window"], window_band=palette["window_band"],
                    window_cell=palette["window_cell"], left=palette["left"], right=palette["right"],
                    good=palette["good"], notice=palette["notice"], notice_text=palette["notice_text"],
                    notice_edge=palette["notice_edge"]),
            Words(progression_alert=words["progression_alert"], incomplete=words["incomplete"],
                  decision_support=words["decision_support"], pattern_phrases=dict(words["pattern_phrases"])))


@dataclass(frozen=True)
class IsncsciWords:
    """How the ISNCSCI classification is shown: its rows of results and totals, and their legend."""

    title: str
    not_classified: str  # with {count}, {total} and {first}
    legend: str
    rows: tuple[tuple[str, str], ...]  # (result key, label)
    totals: tuple[tuple[str, str, str, str], ...]  # (label, right key, left key, total key)


@cache
def isncsci_words() -> IsncsciWords:
    raw = json.loads(resource_path("presentation.json").read_text(encoding="utf-8"))["words"]["isncsci"]
    return IsncsciWords(raw["title"], raw["not_classified"], raw["legend"],
                        tuple((key, label) for key, label in raw["rows"]),
                        tuple((label, right, left, total) for label, right, left, total in raw["totals"]))


def palette() -> Palette:
    return _presentation()[0]


def words() -> Words:
    return _presentation()[1]


def progression_alert() -> str:
    """The headline alert, "Progression within the window period"."""
    return words().progression_alert


def urgency_label(tier: str) -> str:
    return next(t.label for t in vocabulary().urgency_tiers if t.id == tier)


def urgency_colour(tier: str) -> str:
    return palette().urgency[tier]


def pattern_text(pattern: str, nerve: str | None = None) -> str:
    """"peripheral nerve (common peroneal)" for a list; the pattern's label and its nerve."""
    return pattern_labels()[pattern] + (f" ({nerve.replace('_', ' ')})" if nerve else "")


def pattern_phrase(pattern: str, nerve: str | None = None) -> str:
    """"fits one peripheral nerve (common peroneal nerve)" for a heading."""
    phrase = words().pattern_phrases.get(pattern, pattern_labels()[pattern])
    return phrase + (f" ({nerve_labels()[nerve]})" if nerve else "")


def incomplete_text(reason: str) -> str:
    return f"{words().incomplete}: {reason}"


def window_words(window: WindowStatus) -> tuple[str, str | None]:
    """The window period in words, and its state ("open, 1 d 4 h left" / "closed"), or None before
    there is an onset."""
    if window.onset is None or window.ends is None:
        return ("No onset yet: give the onset of the weakness in the history, or record a weak muscle.", None)
    since = duration(window.time_since_onset) if window.time_since_onset is not None else "?"
    state = (f"open, {duration(window.time_left)} left" if window.within and window.time_left is not None
             else "closed")
    return (f"Onset {moment(window.onset)} ({since} ago) · window ends {moment(window.ends)}", state)


def time_left_text(window: WindowStatus) -> str:
    """"1 d 4 h" while the window is open, else "closed"."""
    return duration(window.time_left) if window.within and window.time_left is not None else "closed"


def progression_line(changes: tuple[str, ...] | list[str], window: WindowStatus | None = None) -> str:
    """"PROGRESSION WITHIN THE WINDOW PERIOD: left ankle dorsiflexion 4 → 2 (…)", for one line."""
    left = f" ({time_left_text(window)} left)" if window is not None and window.within else ""
    return f"{progression_alert().upper()}{left}: " + "; ".join(changes)
