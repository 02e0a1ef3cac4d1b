from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reminder_bot import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_catalogue_template_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_holds_code_and_content_texts() -> None:
    template = (ROOT / "reminder_bot" / "locale" / "reminder_bot.pot").read_text()
    assert 'msgid "I don\'t know you yet. Send /start to begin."' in template
    assert 'msgid "General information, not medical advice."' in template
    assert "Bull et al." not in template  # sources are for reviewers, not translated


@pytest.mark.parametrize("code", [None, "en", "es", "pt-BR", "zz"])
def test_missing_catalogues_fall_back_to_english(code: str | None) -> None:
    with i18n.language(code):
        assert i18n._("Done") == "Done"
        assert i18n.ngettext("minute", "minutes", 2) == "minutes"
    assert i18n.current_language() == "en"
