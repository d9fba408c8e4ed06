"""The sample screen at the top of README.md is what the app shows at 80x24 on the demo."""

from __future__ import annotations

import re
from pathlib import Path

from browse_support import make_app, screen_text, settle

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_screen() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- screen:start -->\n```\n(.*?)\n```\n<!-- screen:end -->", text, re.S)
    assert block, "README.md has no sample screen between its screen markers"
    return block.group(1).splitlines()


async def test_the_readme_sample_screen_is_what_the_demo_shows(demo_server) -> None:
    sample = readme_screen()
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = [line.replace("\u2009", " ").rstrip() for line in screen_text(app).splitlines()]
    assert len(sample) == len(shown) == 24
    # The Fired column says how long ago, which depends on the day the README was written.
    fired = shown[1].index("Fired")
    for index, (line, real) in enumerate(zip(sample, shown, strict=True)):
        if 2 <= index < 22:
            line, real = line[:fired], real[:fired]
        assert line.rstrip() == real.rstrip(), f"README line {index + 1} differs"
