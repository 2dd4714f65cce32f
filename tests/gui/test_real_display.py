"""`make run` on a real desktop: the app starts on an X server (Xvfb, Qt's xcb platform) at 1366×768,
takes typing from the keyboard and opens a visit for the patient typed. Skipped, saying why, where
no Xvfb or xdotool is installed (.ci/system-packages.sh installs both)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exam_app.services.demo import DEMO_PASSWORDS
from exam_app.services.visits import stored_visits
from tests.accounts import signed_in_as

NEEDED = ("Xvfb", "xdotool")
missing = [tool for tool in NEEDED if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(bool(missing), reason=f"no {', '.join(missing)}: .ci/system-packages.sh installs it")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh X server of 1366×768 on a free display number."""
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    name = f":{number}"
    server = subprocess.Popen(["Xvfb", name, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert time.monotonic() < deadline and server.poll() is None, "Xvfb did not start"
        time.sleep(0.05)
    yield name
    server.terminate()
    server.wait(timeout=10)


def _xdotool(display: str, *args: str) -> str:
    result = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20, check=False,
                            env={**os.environ, "DISPLAY": display})
    return result.stdout.strip()


def _wait_for(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_the_app_runs_on_a_real_x_server_and_takes_the_keyboard(display: str, tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "exam-app"
    data = tmp_path / "clinic"
    base = {k: v for k, v in os.environ.items()
            if k not in ("QT_QPA_PLATFORM", "EXAM_APP_DATABASE_URL", "EXAM_APP_USER", "EXAM_APP_PASSWORD")}
    # As `make run` does: the administrator first, the demo clinic, then the physiotherapist signs in.
    subprocess.run([str(command), "--data-dir", str(data), "user", "add", "admin", "--role", "admin", "--full-name",
                    "Clinic administrator", "--password-stdin"], input=DEMO_PASSWORDS["admin"] + "\n", check=True,
                   capture_output=True, text=True, env=base)
    subprocess.run([str(command), "--data-dir", str(data), "--user", "admin", "demo", "--patients", "15"], check=True,
                   capture_output=True, env={**base, "EXAM_APP_PASSWORD": DEMO_PASSWORDS["admin"]})
    app = subprocess.Popen([str(command), "--data-dir", str(data), "--user", "pt.smith"],
                           env={**base, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
                                "EXAM_APP_PASSWORD": DEMO_PASSWORDS["pt.smith"]},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The start window first (its own title: it takes no typing), then the main window in its place.
        _wait_for(lambda: _xdotool(display, "search", "--onlyvisible", "--name", "Lower-limb exam recorder"), 30)
        _wait_for(lambda: _xdotool(display, "search", "--onlyvisible", "--name", "^Lower-limb exam recorder$"), 30)
        assert not _xdotool(display, "search", "--onlyvisible", "--name", "opening"), "the start window stayed"
        assert app.poll() is None, app.stderr.read() if app.stderr else ""
        window = _xdotool(display, "search", "--onlyvisible", "--name", "^Lower-limb exam recorder$").split()[0]
        geometry = _xdotool(display, "getwindowgeometry", window)
        width, height = (int(n) for n in geometry.rsplit("Geometry: ", 1)[1].split("x"))
        assert width <= 1366 and height <= 768, geometry
        _xdotool(display, "windowactivate", "--sync", window)
        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "type", "--delay", "40", "smith")  # the search box has the focus at start
        _xdotool(display, "key", "ctrl+n")  # at once, before the list has settled
        with signed_in_as(data, "pt.smith") as ctx:
            _wait_for(lambda: any(v.status == "draft" for v in stored_visits(ctx, _smith(ctx)).visits), 20)
    finally:
        app.terminate()
        _, errors = app.communicate(timeout=20)
    assert "Traceback" not in errors, errors


def _smith(ctx: object) -> str:
    from exam_app.services.patients import search_patients

    [patient] = search_patients(ctx, "smith")  # type: ignore[arg-type]
    return patient.record_number
