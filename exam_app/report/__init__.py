"""Printed reports from plain data (reportlab): the referral letter, its charts and body chart.

Takes values from `exam_app.clinical`; never imports Qt, the database or the services.
"""

from exam_app.report.referral import (
    LemsPoint,
    Letterhead,
    ReferralContent,
    ReferralOptions,
    render_referral,
)

__all__ = ["LemsPoint", "Letterhead", "ReferralContent", "ReferralOptions", "render_referral"]
