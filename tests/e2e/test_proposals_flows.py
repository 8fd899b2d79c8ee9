"""Browser flow of issue 4: a member writes and submits a proposal on a phone (similar proposals appear while
typing) → the office accepts and assigns it → the unit replies with a document → the member rates the reply."""

import pytest

from luzhi.core import similarity
from luzhi.core.roles import Role
from luzhi.proposals.models import Proposal
from luzhi.proposals.selectors import SIMILARITY_NAMESPACE
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UnitFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "关于解决山区村组饮水水压不足问题的建议"


def _logout(page):
    page.context.clear_cookies()


@pytest.fixture
def reply_pdf(tmp_path):
    path = tmp_path / "答复函.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def test_member_submits_office_assigns_unit_replies_member_rates(
    page, phone_page, live_server, committee, make_user, settings, tmp_path, reply_pdf
):
    settings.MEDIA_ROOT = tmp_path / "media"
    similarity.forget_loaded()
    member = make_user(Role.MEMBER, committee)
    office = make_user(Role.OFFICE, committee)
    unit = make_user(Role.UNIT, committee, unit=UnitFactory(committee=committee, name="县水务局"))
    other_unit = make_user(Role.UNIT, committee, unit=UnitFactory(committee=committee, name="县教育局"))
    UnitFactory(committee=committee, name="县财政局")
    # Last year's proposal on the same subject, for the panel beside the form.
    old = ProposalFactory(
        committee=committee,
        year=2025,
        number=7,
        status=Proposal.Status.CLOSED,
        title="关于改善高山村庄自来水供应的建议",
        reason="高处的村子水压小，夏季一到用水高峰就断水。",
        suggestions="建设加压泵站，改造老旧供水管网。",
    )
    similarity.index_text(
        namespace=SIMILARITY_NAMESPACE, committee_id=committee.pk, object_id=old.pk, text=old.text, year=2025
    )

    # 1. The member writes on a phone; last year's similar proposal appears while typing.
    login(phone_page, live_server, member.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/proposals/new/")
    phone_page.fill("#id_title", TITLE)
    phone_page.select_option("#id_category", "agriculture")
    phone_page.fill("#id_reason", "我县山区部分村组地势高，自来水水压不足，夏季用水高峰经常停水。")
    # Typed key by key, as on a phone: the panel follows after a pause in typing (#17).
    phone_page.type("#id_suggestions", "一是加装加压泵站；二是改造老旧供水管网。")
    phone_page.wait_for_selector("#similar >> text=关于改善高山村庄自来水供应的建议")
    assert "2025" in phone_page.inner_text("#similar")
    phone_page.click("button[name=submit]")
    phone_page.wait_for_url("**/proposals/*/")
    case_url = phone_page.url
    assert "待审查" in phone_page.inner_text("main")
    assert phone_page.locator("form[action$='/review/']").count() == 0  # no office step for the member
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the case page scrolls sideways on a phone ({width}px)"

    # 2. The office accepts it (numbered 1) and assigns it to the water bureau.
    login(page, live_server, office.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/?status=submitted")
    page.click(f"text={TITLE}")
    page.select_option("select[name=decision]", "accept")
    page.click("form[action$='/review/'] button")
    page.wait_for_selector("text=已立案，编号第1号。")
    assert "第1号" in page.inner_text("h1")
    page.select_option("#lead_unit", label="县水务局")
    # Co-units by touch: the filter box narrows the checkbox list (pinyin initials work too).
    page.fill("input[data-lz-filter='#co-units']", "czj")
    assert page.locator("#co-units label:visible").all_inner_texts() == ["县财政局"]
    page.check("#co-units input[type=checkbox]:visible")
    page.click("form[action$='/assign/'] button")
    page.wait_for_selector("text=已交办给县水务局（主办）、县财政局（协办）")
    main = page.inner_text("main")
    assert "办理中" in main and "县水务局（主办）" in main
    _logout(page)

    # 3. The other unit does not see the case; the water bureau replies with a document.
    login(page, live_server, other_unit.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/")
    assert TITLE not in page.inner_text("main")
    assert page.goto(case_url).status == 404
    _logout(page)
    login(page, live_server, unit.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/")
    page.click(f"text={TITLE}")
    page.select_option("select[name=category]", "B")
    page.fill("textarea[name=text]", "已将高位村组加压泵站建设列入明年农村供水保障计划。")
    page.set_input_files("input[name=file]", str(reply_pdf))
    page.click("form[action$='/reply/'] button")
    page.wait_for_selector("text=已答复（B类")
    assert "已答复" in page.inner_text("main") and "下载答复文件" in page.inner_text("main")
    _logout(page)

    # 4. Back on the phone, the member reads the reply and rates it.
    phone_page.goto(case_url)
    main = phone_page.inner_text("main")
    assert "B类" in main and "列入明年农村供水保障计划" in main
    assert phone_page.locator("input[name=rating]:checked").count() == 0  # no choice made for the member
    phone_page.check("input[value=basically_satisfied]")
    phone_page.fill("textarea[name=comment]", "希望尽快开工。")
    asked = []
    phone_page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    phone_page.click("form[action$='/evaluate/'] button")
    phone_page.wait_for_selector("text=已评价：基本满意，提案办结。")
    assert asked and "办结" in asked[0]
    main = phone_page.inner_text("main")
    assert "已办结" in main and "提案人评价：基本满意" in main
    case = Proposal.objects.get(title=TITLE)
    assert (case.status, case.number, case.rating) == ("closed", 1, "basically_satisfied")
