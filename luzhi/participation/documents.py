"""The consultation summary of a closed deliberation topic (网络议政意见建议汇总), built for core.documents."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from luzhi.core.documents import Document, Heading, Paragraph, Table
from luzhi.participation.models import Post, Topic

_NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    return _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)


def topic_summary_document(topic: Topic) -> Document:
    """Suggestions grouped by the office's themes, then a table of who took part and how often."""
    posts = list(
        Post.objects.filter(topic=topic, hidden=False, parent__isnull=True)
        .select_related("author", "theme")
        .order_by("theme__order", "theme_id", "created_at", "id")
    )
    by_member = (
        Post.objects.filter(topic=topic, hidden=False)
        .values("author__name", "author__sector__name")
        .annotate(n=Count("id"))
        .order_by("-n", "author__name")
    )
    grouped: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        grouped[post.theme.name if post.theme_id else "其他建议"].append(post)
    names = [name for name in grouped if name != "其他建议"] + (["其他建议"] if "其他建议" in grouped else [])
    blocks: list = [
        Heading("一、基本情况"),
        Paragraph(
            f"本次网络议政面向{topic.audience_label()}，截止于{topic.closes_on.year}年{topic.closes_on.month}月"
            f"{topic.closes_on.day}日，共有{len(by_member)}位委员参与，提出建议{len(posts)}条。"
        ),
        Paragraph(f"议题背景：{topic.background}"),
        Heading("二、意见建议（按主题归类）"),
    ]
    if not posts:
        blocks.append(Paragraph("本议题未收到建议。"))
    for i, name in enumerate(names):
        blocks.append(Heading(f"（{_numeral(i)}）{name}", level=2))
        for j, post in enumerate(grouped[name], start=1):
            blocks.append(Paragraph(f"{j}. {post.text}（{post.author.name}）"))
    blocks += [
        Heading("三、参与委员"),
        Table(
            ["序号", "委员", "界别", "发言数"],
            [[i, r["author__name"], r["author__sector__name"] or "", r["n"]] for i, r in enumerate(by_member, 1)],
            widths=[1, 3, 4, 2],
        ),
    ]
    return Document(
        title=f"关于“{topic.title}”网络议政的意见建议汇总",
        date=(topic.closed_at.date() if topic.closed_at else topic.closes_on),
        footer=topic.committee.name,
        blocks=blocks,
    )
