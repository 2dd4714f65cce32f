"""The clinic's settings, kept by the administrator: the letterhead, the window length and the idle
lock. Every change is audited (before and after); a new window length recomputes the worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from exam_app.clinical.next_examination import check_intervals
from exam_app.report.referral import Letterhead
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.next_examination import INTERVALS_SETTING
from exam_app.services.referral import letterhead, set_letterhead
from exam_app.services.worklist import refresh_missing_statuses, refresh_patient
from exam_app.store import models
from exam_app.tables import roles, rules

IDLE_LOCK_SETTING = "idle_lock_minutes"
WINDOW_SETTING = "window_days"
IDLE_LOCK_RANGE = (1, 120)  # minutes
LOGO_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ClinicSettings:
    letterhead: Letterhead
    window_days: int
    idle_lock_minutes: int


def clinic_settings(ctx: AppContext) -> ClinicSettings:
    return ClinicSettings(letterhead(ctx), ctx.window_days,
                          int(ctx.setting(IDLE_LOCK_SETTING, roles().accounts.idle_lock_minutes)))


def check_logo(data: bytes) -> None:
    """A PNG or JPEG of reasonable size; anything else is refused before it reaches a letter."""
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidInput(f"logo: {len(data) // 1024} KiB is more than {LOGO_MAX_BYTES // 1024} KiB")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise InvalidInput("logo: not a PNG or JPEG image")


def save_settings(ctx: AppContext, settings: ClinicSettings) -> None:
    """Store the settings that changed (each audited with its value before and after)."""
    ctx.require("settings")
    window = rules().window_days
    if not window.min <= settings.window_days <= window.max:
        raise InvalidInput(f"window length: {settings.window_days} days is outside {window.min} to {window.max}")
    low, high = IDLE_LOCK_RANGE
    if not low <= settings.idle_lock_minutes <= high:
        raise InvalidInput(f"idle lock: {settings.idle_lock_minutes} min is outside {low} to {high}")
    if settings.letterhead.logo is not None:
        check_logo(settings.letterhead.logo)
    current = clinic_settings(ctx)
    if settings.letterhead != current.letterhead:
        set_letterhead(ctx, settings.letterhead)
    if settings.idle_lock_minutes != current.idle_lock_minutes:
        ctx.set_setting(IDLE_LOCK_SETTING, settings.idle_lock_minutes)
    if settings.window_days != current.window_days:
        ctx.set_setting(WINDOW_SETTING, settings.window_days)
        refresh_missing_statuses(ctx.db)  # every patient's window, from the new length


def set_examination_intervals(ctx: AppContext, hours: dict[str, Any], now: datetime | None = None) -> dict[str, int]:
    """Change the clinic's hours between examinations (administrators); the plans of open windows are
    recomputed."""
    ctx.require("settings")
    try:
        checked = check_intervals(hours)
    except ValueError as error:
        raise InvalidInput(f"next examination hours: {error}") from None
    ctx.set_setting(INTERVALS_SETTING, checked)
    moment = now or datetime.now().astimezone()
    with ctx.db.session(write=True) as session:
        open_windows = session.scalars(select(models.PatientStatus.patient_id)
                                       .where(models.PatientStatus.window_ends >= moment)).all()
        for patient_id in open_windows:
            refresh_patient(session, patient_id, ctx.window_days)
    return checked
