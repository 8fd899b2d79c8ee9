"""Meeting papers read in the page with pdf.js (phones whose browser shows no PDF inline)."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.activities.test_meetings import _upload, meeting

pytestmark = pytest.mark.django_db


def _page(user, mid):
    client = Client()
    client.force_login(user)
    return client.get(f"/activities/materials/{mid}/view/")


def test_the_invited_read_a_pdf_in_the_page_with_the_local_pdfjs(api, users, committee, make_user):
    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    mid = _upload(api(users["office"]), activity).json()["id"]
    for reader in (users["member"], users["office"], users["leader"]):
        assert _page(reader, mid).status_code == 200
    html = _page(users["member"], mid).content.decode()
    assert f'data-src="/activities/materials/{mid}/"' in html  # the watermarked file, same checks
    assert f'href="/activities/materials/{mid}/" data-raw' in html  # and a link to it
    assert 'data-lib="/static/vendor/pdfjs/build/pdf.min.mjs"' in html
    assert 'data-worker="/static/vendor/pdfjs/build/pdf.worker.min.mjs"' in html
    assert 'type="module" src="/static/activities/pdf-viewer.mjs"' in html
    # Nothing from another site: every script and asset is ours.
    assert not re.search(r"(src|href|data-[a-z]+)=\"(https?:)?//", html)
    # The static pieces exist where the page says: ours, and pdf.js from npm (package.json pins it;
    # this fails until `npm ci` has installed it).
    for path in (
        "activities/pdf-viewer.mjs",
        "vendor/pdfjs/build/pdf.min.mjs",
        "vendor/pdfjs/build/pdf.worker.min.mjs",
    ):
        assert finders.find(path), path
    assert finders.find("vendor/pdfjs/cmaps/UniGB-UCS2-H.bcmap")  # Chinese text in PDFs without embedded fonts
    # The activity page sends readers of a PDF to the viewer.
    client = Client()
    client.force_login(users["member"])
    assert f"/activities/materials/{mid}/view/" in client.get(f"/activities/{activity.pk}/").content.decode()


def test_others_get_404_and_withdrawn_papers_are_gone(api, users, committee, make_user):
    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    office = api(users["office"])
    mid = _upload(office, activity).json()["id"]
    assert _page(make_user("member", committee), mid).status_code == 404  # not invited
    assert _page(users["unit"], mid).status_code in (403, 404)
    assert office.post(f"/api/v1/activity-materials/{mid}/withdraw/").status_code == 200
    assert _page(users["member"], mid).status_code == 404
    assert _page(users["member"], 10**9).status_code == 404
    assert Client().get(f"/activities/materials/{mid}/view/").status_code == 302  # to the login page


def test_a_paper_that_is_not_a_pdf_opens_as_it_is(api, users, committee):
    import io

    from docx import Document

    activity = meeting(committee, [users["member"].member], starts_in=timedelta(days=2))
    buffer = io.BytesIO()
    Document().save(buffer)
    mid = _upload(api(users["office"]), activity, name="说明.docx", data=buffer.getvalue()).json()["id"]
    response = _page(users["member"], mid)
    assert response.status_code == 302 and response["Location"] == f"/activities/materials/{mid}/"
