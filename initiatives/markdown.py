"""Markdown rendered and then sanitised with an nh3 allow-list: no user script ever runs."""

from __future__ import annotations

import markdown as md
import nh3

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "code", "pre", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(source: str) -> str:
    html = md.markdown(source or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
