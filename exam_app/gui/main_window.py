"""The main window: the patient list on the home screen."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from exam_app.services.context import AppContext
from exam_app.services.patients import patient_summaries


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Lower-limb exam recorder")
        self.resize(1280, 800)
        body = QWidget()
        layout = QVBoxLayout(body)
        summaries = patient_summaries(ctx)
        heading = QLabel(f"<h2>Patients</h2><p>{len(summaries)} patients on {ctx.db.url}</p>")
        heading.setAccessibleName("Patient list heading")
        layout.addWidget(heading)
        for summary in summaries[:30]:
            layout.addWidget(QLabel(f"{summary.record_number}  {summary.name}  ({summary.visits} visits)"))
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(f"Signed in as {ctx.user.display_name}")
