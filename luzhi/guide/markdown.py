"""The small part of Markdown the guide uses, as HTML: headings, paragraphs, lists, notes, pictures.

Written by hand rather than taking a Markdown library into the runtime for a handful of trusted
files. Everything is escaped first; only these forms become tags:
`# `, `## `, `### ` headings; `1. ` and `- ` list items; `> ` a note; a line `![说明](img/x.png)`
a picture (served from static `guide/x.png`); inline `**bold**`, `` `code` `` and `[text](target)`
links, where `other.md` becomes that guide's page and anything else must be a path on this site.
"""

from __future__ import annotations

import re

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

IMAGE = re.compile(r"^!\[([^\]]*)\]\(img/([\w.-]+\.png)\)$")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
LISTS = {"ol": re.compile(r"^\d+\.\s+(.*)$"), "ul": re.compile(r"^[-*]\s+(.*)$")}


def image_names(text: str) -> list[str]:
    """Return the file names (under docs/guide/img/) of the pictures the text shows."""
    return [m.group(2) for line in text.splitlines() if (m := IMAGE.match(line.strip()))]


def _href(target: str) -> str:
    if target.endswith(".md") and "/" not in target:
        return reverse("guide:page", args=[target[:-3]])
    if not target.startswith("/") or target.startswith("//"):
        raise ValueError(f"指南中的链接只能指向本站：{target}")
    return target


def _inline(text: str) -> str:
    out: str = str(escape(text))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return LINK.sub(lambda m: f'<a href="{escape(_href(m.group(2)))}">{m.group(1)}</a>', out)


def render(text: str) -> SafeString:
    """Return the guide's Markdown as HTML (see the module's note for what is understood)."""
    html: list[str] = []
    paragraph: list[str] = []
    open_list = ""

    def close() -> None:
        nonlocal open_list
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if open_list:
            html.append(f"</{open_list}>")
            open_list = ""

    for raw in text.splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        image = IMAGE.match(line)
        item = next(((tag, m.group(1)) for tag, rx in LISTS.items() if (m := rx.match(line))), None)
        if not line:
            close()
        elif heading:
            close()
            level = len(heading.group(1))
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif image:
            close()
            alt, name = escape(image.group(1)), image.group(2)
            src = static("guide/" + name)  # the picture opens full size on a tap (a phone shows it small)
            html.append(
                f'<figure><a href="{src}"><img src="{src}" alt="{alt}"></a><figcaption>{alt}</figcaption></figure>'
            )
        elif line.startswith("> "):
            close()
            html.append(f'<p class="lz-guide-note">{_inline(line[2:])}</p>')
        elif item:
            if paragraph or open_list != item[0]:
                close()
                open_list = item[0]
                html.append(f"<{open_list}>")
            html.append(f"<li>{_inline(item[1])}</li>")
        elif open_list and raw.startswith("   "):  # a list item continued on the next line
            html[-1] = html[-1][: -len("</li>")] + " " + _inline(line) + "</li>"
        else:
            if open_list:
                close()
            paragraph.append(line)
    close()
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text above went through escape()
