"""The built web app and playground (static/, made by `make web` from the top-level web/ folder)."""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
