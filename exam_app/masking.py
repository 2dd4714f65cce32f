"""Passwords never shown: a database URL's password is masked in every message, on screen and in the log."""

from __future__ import annotations

import re

# scheme://user:password@host — the password is whatever lies between the first ':' after the scheme's
# '//' and the last '@' before the host (a password may itself hold '@' or ':').
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s'\"]*):(?P<password>[^\s'\"]*)@(?=[^@\s'\"]*(?:[\s'\"]|$))")
# key=value connection strings (libpq) and the options of a URL's query
_KEY_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|[^\s&'\"]+)", re.IGNORECASE)
MASK = "***"


def mask_passwords(text: str) -> str:
    """`text` with the password of every URL or connection string in it replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}:{MASK}@", text)
    return _KEY_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", text)
