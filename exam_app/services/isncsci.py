"""ISNCSCI worksheet files: the flat JSON layout of the published known-answer cases, read strictly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exam_app.clinical.isncsci import Worksheet, classify, isncsci_tables, totals_json, worksheet_from_fields
from exam_app.services.context import InvalidInput


def read_worksheet_file(path: Path) -> Worksheet:
    """Read one worksheet file; InvalidInput names the file, the key and what is wrong.

    The case annotations (`id`, `group`, `comments`, `totals`, ...) are ignored; any other key must
    be an input of the worksheet, and every score and both anal findings must be there.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read ({error.strerror})") from None
    try:
        document = json.loads(text, object_pairs_hook=_refuse_repeated_keys, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path}: $: not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except ValueError as error:
        raise InvalidInput(f"{path}: {error}") from None
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: $: not a JSON object of worksheet inputs")
    ignored = isncsci_tables().ignored_keys
    try:
        return worksheet_from_fields({key: value for key, value in document.items() if key not in ignored})
    except ValueError as error:
        raise InvalidInput(f"{path}: {error}") from None


def classify_worksheet_file(path: Path) -> dict[str, str]:
    """The 25 results of the worksheet in `path`, written as the published cases write them."""
    return totals_json(classify(read_worksheet_file(path)))


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"{key}: given twice")
        document[key] = value
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"$: {name} is not allowed in JSON")
