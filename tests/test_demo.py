"""The main job (``make demo``): it runs and prints every table it promises."""

from __future__ import annotations

import pytest

from genderbudget.__main__ import main


def test_demo_prints_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    for heading in (
        "SYNTETISKA exempeldata",
        "Kostnad per vårddygn (kr)",
        "Andel i arbetsdrift (%)",
        "Bedömning (säkerhetsklass och strafflängd angivna som sakliga skäl)",
        "Arbetsplatser som behövs",
        "27 207 / 27 207 / 0",
    ):
        assert heading in out, heading
    # 39 new places in 2016 at 250 000 kr each (the equalize table of the README).
    assert "9 750 000" in out
