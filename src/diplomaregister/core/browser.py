"""Debian's Chromium driven by Playwright, for the browser tests (Playwright's own browser
download does not work here): one launcher for every browser test."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def available() -> bool:
    return bool(shutil.which("chromium") or os.path.exists(CHROMIUM))


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=shutil.which("chromium") or CHROMIUM, args=args
        )
        try:
            yield instance
        finally:
            instance.close()
