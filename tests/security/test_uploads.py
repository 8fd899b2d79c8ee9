"""Uploaded files live outside the web root and come only through permission-checked views."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from luzhi.participation.models import Evidence, Notice, NoticeAttachment, SelfReport
from luzhi.proposals.models import Proposal, Reply
from tests import factories as f
from tests.conftest import verified_login
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%secret reply\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def files(committee, users):
    member = users["member"].member
    report = SelfReport.objects.create(
        committee=committee,
        member=member,
        kind=SelfReport._meta.get_field("kind").choices[0][0],
        date=date(2026, 5, 1),
        place="县城",
        content="走访",
    )
    evidence = Evidence(committee=committee, report=report, name="照片.png", kind="image", size=len(PNG))
    evidence.file.save("photo.png", ContentFile(PNG), save=False)
    evidence.save()
    notice = Notice.objects.create(committee=committee, title="通知", body="内容")
    attachment = NoticeAttachment(committee=committee, notice=notice, name="附件.pdf", size=len(PDF))
    attachment.file.save("a.pdf", ContentFile(PDF), save=False)
    attachment.save()
    proposal = ProposalFactory(committee=committee, status=Proposal.Status.REPLIED, number=1)
    reply = Reply.objects.create(
        proposal=proposal,
        unit=f.UnitFactory(committee=committee),
        category=Reply.Category.choices[0][0],
        text="答复",
        replied_at=date(2026, 6, 1),
        on_time=True,
        file=default_storage.save(f"proposals/replies/{committee.pk}/{proposal.pk}/x.pdf", io.BytesIO(PDF)),
    )
    return {
        "evidence": (f"/participation/files/evidence/{evidence.pk}/", evidence.file.name),
        "notice": (f"/participation/files/notice/{attachment.pk}/", attachment.file.name),
        "reply": (f"/proposals/replies/{reply.pk}/file/", reply.file),
    }


def test_media_root_is_outside_the_static_and_source_trees():
    import luzhi.settings as live  # the configured values, not this module's temporary MEDIA_ROOT

    media = Path(live.MEDIA_ROOT).resolve()
    assert media.is_relative_to(Path(live.VAR_DIR).resolve())
    assert not media.is_relative_to(Path(live.BASE_DIR, "luzhi").resolve())
    for static in [live.STATIC_ROOT, *[d[1] if isinstance(d, tuple) else d for d in live.STATICFILES_DIRS]]:
        static = Path(static).resolve()
        assert not media.is_relative_to(static) and not static.is_relative_to(media)


def test_the_stored_files_are_under_media_root(files, media):
    for _, name in files.values():
        path = Path(default_storage.path(name)).resolve()
        assert path.is_relative_to(Path(media).resolve()) and path.exists()


def test_the_owner_and_the_office_get_the_file_as_a_download(client, users, files):
    for role, kinds in (("member", ["evidence"]), ("office", ["evidence", "notice", "reply"])):
        client.force_login(users[role])
        for kind in kinds:
            response = client.get(files[kind][0])
            assert response.status_code == 200, (role, kind)
            assert response["Content-Disposition"].startswith("attachment")
            body = b"".join(response.streaming_content)
            assert body in (PNG, PDF)


@pytest.mark.parametrize("role", ["office", "member", "committee_staff", "leader", "unit", "sysadmin"])
def test_another_committees_users_get_404(client, make_user, other_committee, files, role):
    verified_login(client, make_user(role, other_committee))
    for kind, (url, _) in files.items():
        response = client.get(url)
        # Roles that may open such files at home get 404 (no hint that the file exists);
        # roles that may never open them are refused before any lookup.
        expected = (404,) if role in ("office", "member") else (403, 404)
        assert response.status_code in expected, (role, kind, response.status_code)


def test_a_fellow_member_does_not_get_someone_elses_evidence(client, make_user, committee, files):
    client.force_login(make_user("member", committee))
    assert client.get(files["evidence"][0]).status_code == 404


def test_anonymous_users_are_sent_to_login(client, files):
    for url, _ in files.values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_media_urls_are_not_served(client, users, files):
    """Neither Django nor WhiteNoise serves MEDIA_URL: only the views above hand out files."""
    client.force_login(users["office"])
    for _, name in files.values():
        for url in (f"{settings.MEDIA_URL}{name}", f"/static/{name}", f"/static/../media/{name}"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"PNG" not in response.content and b"secret reply" not in response.content


def test_the_site_url_map_has_no_media_route():
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    routes = list(walk(get_resolver().url_patterns))
    assert not any(r.lstrip("^").startswith(("media", settings.MEDIA_URL.strip("/"))) for r in routes)


def _notice_with(api, users, upload):
    body = {"title": "通知", "body": "内容", "audience": "all", "files": [upload]}
    return api(users["office"]).post("/api/v1/notices/", body, format="multipart")


def test_a_pdf_named_html_is_stored_named_and_served_as_a_pdf(client, api, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _notice_with(api, users, SimpleUploadedFile("page.html", PDF, "text/html"))
    assert response.status_code == 201, response.data
    assert response.data["attachments"][0]["name"] == "page.pdf"
    attachment = NoticeAttachment.objects.get()
    assert attachment.file.name.endswith(".pdf") and attachment.name == "page.pdf"
    client.force_login(users["office"])
    download = client.get(response.data["attachments"][0]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment") and "page.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_file_stored_under_a_wrong_name_is_served_as_its_content(client, committee, users):
    """Files uploaded before the rename keep their .html name on disk; they still go out typed by content."""
    notice = Notice.objects.create(committee=committee, title="旧通知", body="内容")
    attachment = NoticeAttachment(committee=committee, notice=notice, name="old.html", size=len(PDF))
    attachment.file.save("old.html", ContentFile(PDF), save=False)
    attachment.save()
    client.force_login(users["office"])
    download = client.get(f"/participation/files/notice/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert "old.pdf" in download["Content-Disposition"]


def test_an_excel_97_workbook_keeps_its_extension(client, api, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    response = _notice_with(api, users, SimpleUploadedFile("表.xls", ole))
    assert response.status_code == 201, response.data
    assert response.data["attachments"][0]["name"] == "表.xls"
    client.force_login(users["office"])
    assert client.get(response.data["attachments"][0]["url"])["Content-Type"] == "application/vnd.ms-excel"


def test_html_content_is_refused_whatever_its_name(api, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = _notice_with(api, users, upload)
    assert response.status_code == 400 and "不是" in response.data["files"][0]
    assert not NoticeAttachment.objects.exists()
