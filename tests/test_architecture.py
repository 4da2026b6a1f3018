"""The house rules: dependency contracts hold, and our packages are the ones imported."""
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["pipeline", "validators", "extractors", "index", "records", "reports", "flows", "app"]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", PACKAGES)
def test_top_level_package_comes_from_this_repository(name):
    # PyPI has popular projects called pipeline, validators, index and records.
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().is_relative_to(ROOT)
    assert module.__doc__, f"{name} has no docstring"


def test_importing_the_model_pulls_in_no_heavy_library():
    code = (
        "import sys, pipeline.model, pipeline.errors, pipeline.config, pipeline.workdays, pipeline.contract;"
        "heavy = {'pdfplumber', 'docx', 'pytesseract', 'PIL', 'numpy', 'cv2', 'pypdfium2'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_every_module_has_a_docstring():
    missing = []
    for name in PACKAGES:
        for path in (ROOT / name).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name == "__init__.py" and not text.strip():
                continue
            if not text.lstrip().startswith(('"""', "'''", "#!")):
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, missing
