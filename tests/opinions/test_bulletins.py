"""Bulletin issues (期号): composed from adopted reports, exported as DOCX and PDF."""

import io

import docx
import pytest
from pypdf import PdfReader

from luzhi.opinions import services
from luzhi.opinions.models import Bulletin

URL = "/api/v1/opinion-bulletins/"


@pytest.fixture
def adopted(offices, committee, report):
    office = offices["county"]
    second = services.opinion_submit(
        actor=office, committee=committee, title="关于加强校园周边交通安全的建议", content="上下学时段拥堵。"
    )
    for r in (report, second):
        services.opinion_adopt(actor=office, report=r, issue="第5期")
    return [second, report]


def test_office_composes_an_issue_in_order(api, offices, adopted):
    body = {"year": 2026, "number": 5, "date": "2026-11-25", "reports": [r.pk for r in adopted]}
    response = api(offices["county"]).post(URL, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["reports"] == [r.pk for r in adopted]


def test_a_report_not_adopted_here_is_refused(api, offices, committee, adopted):
    pending = services.opinion_submit(actor=offices["county"], committee=committee, title="未采用", content="x")
    body = {"year": 2026, "number": 5, "reports": [adopted[0].pk, pending.pk]}
    response = api(offices["county"]).post(URL, body, format="json")
    assert response.status_code == 400 and "reports" in response.data
    assert not Bulletin.objects.exists()


def test_duplicate_number_is_refused(api, offices, adopted):
    body = {"year": 2026, "number": 5, "reports": [adopted[0].pk]}
    assert api(offices["county"]).post(URL, body, format="json").status_code == 201
    assert api(offices["county"]).post(URL, body, format="json").status_code == 400
    assert Bulletin.objects.count() == 1


def test_members_may_not_compose_and_sibling_cannot_see(api, offices, member_user, adopted):
    body = {"year": 2026, "number": 5, "reports": [adopted[0].pk]}
    assert api(member_user).post(URL, body, format="json").status_code == 403
    api(offices["county"]).post(URL, body, format="json")
    bulletin = Bulletin.objects.get()
    assert api(offices["sibling"]).get(f"{URL}{bulletin.pk}/").status_code == 404
    assert api(offices["sibling"]).get(f"{URL}{bulletin.pk}/pdf/").status_code == 404


def _compose(offices, adopted):
    import datetime

    return services.bulletin_compose(
        actor=offices["county"],
        committee=offices["county"].committee,
        year=2026,
        number=5,
        reports=adopted,
        date=datetime.date(2026, 11, 25),
    )


def test_docx_has_header_number_and_reports_in_order(api, offices, adopted):
    bulletin = _compose(offices, adopted)
    response = api(offices["county"]).get(f"{URL}{bulletin.pk}/docx/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "示例县政协办公室" in text and "2026年第5期" in text
    assert text.index("校园周边交通安全") < text.index("农村饮水安全")


def test_pdf_embeds_fonts_and_carries_the_text(api, offices, adopted, cjk_fonts):
    bulletin = _compose(offices, adopted)
    response = api(offices["county"]).get(f"{URL}{bulletin.pk}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "示例县政协办公室" in text and "第5期" in text
    assert "农村饮水安全" in text and "校园周边交通安全" in text
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts.append(
                descriptor is not None
                and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3", "/FontFile"))
            )
    assert fonts and all(fonts)


def test_short_reports_share_a_page(api, offices, committee, adopted, cjk_fonts, tmp_path):
    """Issue #17: four short reports make a one- or two-page issue, not one page each."""
    import subprocess

    office = offices["county"]
    for title in ("关于增设城区公共厕所的建议", "关于规范共享单车停放的建议"):
        extra = services.opinion_submit(actor=office, committee=committee, title=title, content="群众反映较多。")
        services.opinion_adopt(actor=office, report=extra, issue="第5期")
        adopted.append(extra)
    bulletin = _compose(offices, adopted)
    response = api(office).get(f"{URL}{bulletin.pk}/pdf/")
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 1 <= pages <= 2, pages
    (tmp_path / "b.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "b.pdf"), str(tmp_path / "b")], check=True)
    assert len(list(tmp_path.glob("b*.png"))) == pages
    word = docx.Document(io.BytesIO(api(office).get(f"{URL}{bulletin.pk}/docx/").content))
    assert not word.element.xpath('.//w:br[@w:type="page"]')  # no page break between reports
