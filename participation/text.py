"""Comments are plain text: escaped, with http(s) links made clickable and line breaks kept."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def render_plain(text: str) -> Markup:
    escaped = str(escape(text or ""))

    def anchor(match: re.Match) -> str:
        url = match.group(0)
        return f'<a href="{url}" rel="nofollow noopener ugc">{url}</a>'

    linked = _URL.sub(anchor, escaped)
    return Markup(linked.replace("\n", "<br>"))  # noqa: S704 (escaped above)  # nosec B704
