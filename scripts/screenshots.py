"""Screenshots of the main pages at 375 and 1,280 px, in Dutch and English, for the README.

Usage: .venv/bin/python scripts/screenshots.py [OUT_DIR]   (default docs/screenshots)
Seeds the demo into a temporary SQLite database, serves it on loopback and drives Chromium.
Background tiles cannot load here; the maps show their outlines, markers and legends.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {"kaart": "/", "initiatieven": "/initiatieven", "initiatief": None, "wegwijzer": "/wegwijzer"}
WIDTHS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from initiatives.models import Initiative
    from platform_core.extensions import db
    from schatkaart import create_app
    from schatkaart.demo import seed

    database = Path(tempfile.mkdtemp()) / "screens.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "screenshots",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
            "MAIL_BACKEND": "console",
        }
    )
    with app.app_context():
        upgrade()
        for _line in seed(120):
            pass
        item = db.session.scalar(
            select(Initiative.id).where(Initiative.visibility == "published").order_by(Initiative.comments_count.desc())
        )
    PAGES["initiatief"] = f"/initiatieven/{item}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-background-networking"]
        )
        for lang, locale in (("nl", "nl-NL"), ("en", "en-GB")):
            for width, viewport in WIDTHS.items():
                context = browser.new_context(base_url=base, locale=locale, viewport=viewport)
                page = context.new_page()
                for name, url in PAGES.items():
                    page.goto(url)
                    page.wait_for_timeout(600)  # the map's markers
                    path = out / f"{name}-{lang}-{width}.jpg"
                    page.screenshot(path=str(path), type="jpeg", quality=70, full_page=False)
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
