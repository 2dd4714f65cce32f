"""Write the app's FHIR CodeSystem to `resources/fhir/CodeSystem-exam-record.json`.

The code system is made from the vocabulary and rule tables (`exam_app.interop.fhir.code_system`);
run this after changing them. `tests/interop/test_fhir.py` fails while the file is out of date.
"""

import json
import sys

from exam_app.interop.fhir import code_system
from exam_app.paths import resource_path


def code_system_text() -> str:
    return json.dumps(code_system(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    target = resource_path("fhir", "CodeSystem-exam-record.json")
    target.write_text(code_system_text(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
