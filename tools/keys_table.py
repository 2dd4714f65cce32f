"""Print the README's table of keyboard shortcuts from `exam_app.gui.keys.KEYS`:
`python tools/keys_table.py` (tests/gui/test_keys.py checks that the README holds this table)."""

from __future__ import annotations

from exam_app.gui.keys import KEYS

SCREEN_WORDS = {"window": "anywhere", "patients": "patient list", "patient": "a patient", "visit": "a visit",
                "motor": "motor page", "sensory": "sensory page", "isncsci": "ISNCSCI worksheet",
                "comparison": "comparison", "referral": "referral letter"}


def table() -> str:
    rows = ["| key | where | does |", "|---|---|---|"]
    rows += [f"| {key.sequence} | {SCREEN_WORDS[key.screen]} | {key.does} |" for key in KEYS]
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
