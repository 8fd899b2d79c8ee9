"""Factories of the participation models and small uploaded files recognised by their content."""

import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from luzhi.participation.models import ActivityGuest, Material, Post, SelfReport, Topic

# A valid 1×1 PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"议题{n}：县域养老服务")
    background = "全县老龄化程度加深，居家养老服务供给不足。"
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    committee = factory.SelfAttribute("topic.committee")
    text = factory.Sequence(lambda n: f"建议{n}：在乡镇建设日间照料中心。")


class SelfReportFactory(DjangoModelFactory):
    class Meta:
        model = SelfReport

    committee = factory.SelfAttribute("member.committee")
    kind = SelfReport.Kind.VISIT
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    place = "城关镇东关村"
    content = "走访困难群众，了解饮水安全情况。"


class GuestFactory(DjangoModelFactory):
    class Meta:
        model = ActivityGuest

    committee = factory.SelfAttribute("activity.committee")
    name = factory.Sequence(lambda n: f"嘉宾{n}")
    organisation = "县发展和改革局"
    role = ActivityGuest.GuestRole.DEPARTMENT


class MaterialFactory(DjangoModelFactory):
    class Meta:
        model = Material

    kind = Material.Kind.STUDY
    title = factory.Sequence(lambda n: f"学习资料{n}")
    summary = "学习材料简介。"
