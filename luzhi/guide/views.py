"""The guide's pages: the list of guides, and one guide per role rendered from docs/guide/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from luzhi.guide import markdown
from luzhi.guide.guides import GUIDES, guide_for


def index(request: HttpRequest) -> HttpResponse:
    """Every role's guide, the reader's own first."""
    return render(request, "guide/index.html", {"guides": GUIDES.values(), "mine": guide_for(request.user)})


def page(request: HttpRequest, slug: str) -> HttpResponse:
    """One role's guide."""
    guide = GUIDES.get(slug)
    if guide is None:
        raise Http404("没有这份使用指南。")
    body = markdown.render(guide.path.read_text(encoding="utf-8"))
    others = [g for g in GUIDES.values() if g.slug != slug]
    return render(request, "guide/page.html", {"guide": guide, "body": body, "others": others})
