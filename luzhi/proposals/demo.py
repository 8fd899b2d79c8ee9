"""Demo proposals: a year of cases in every status, and a handful from last year for the similar search.

Every case goes through the real services (numbering, cosigning, review, assignment, replies,
ratings, key proposals and supervision), so numbers, history, audit and notifications are what
the office would see. The services stamp today's date; the case's own dates (submitted, reviewed,
assigned, due, replied, rated) are then moved back along its planned timeline so the year reads
like a real one — some cases due within the week, one overdue, one late reply. Besides the
hand-written cases, 160 ordinary ones (ROUTINE_CASES, answered and mostly closed) give nearly
every member a proposal led or co-signed, as in a real county's year; they are loaded after the
hand-written ones, which keep their numbers and authors.

Members and units without a demo login act through a stand-in that carries their member or unit
(the audit names no user for those, as for the rest of the demo data). Cases are matched by
(year, title): a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.core import clock
from luzhi.notifications.models import Notification
from luzhi.org.models import Committee, Member, Unit
from luzhi.proposals import services
from luzhi.proposals.models import Evaluation, Proposal, Reply

SEED = 20261126
S = Proposal.Status
C = Proposal.Category


@dataclass(frozen=True)
class Case:
    title: str
    reason: str
    suggestions: str
    category: str
    fate: str  # the status it ends in
    ago: int  # days before today it was submitted (drafts: written)
    author: str = ""  # "member" = the demo member's login; "" = an ordinary member drawn by the seed
    cosigners: int = 0  # confirmed cosigners; one more stays pending when `pending_cosigner`
    pending_cosigner: bool = False
    submitter: str = Proposal.SubmitterType.MEMBER
    lead_unit: str = ""
    co_units: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()  # reply categories, one per round
    ratings: tuple[str, ...] = ()  # one per round; the first 不满意 sends it back
    reply_in: int = 55  # days from assignment to the (first) reply
    key: bool = False
    supervisions: tuple[str, ...] = ()
    reject_reason: str = ""
    merge_into: str = ""  # title of the surviving case
    co_opinion: str = ""
    adjust_reason: str = ""
    last_year: bool = False
    routine: bool = False  # one of the year's ordinary cases: lead and cosigners are members without a case yet
    extra: dict[str, Any] = field(default_factory=dict)


EDU, HOUSING, WATER, AGRI, HEALTH = "县教育局", "县住房和城乡建设局", "县水务局", "县农业农村局", "县卫生健康局"
TRANSPORT, CIVIL, CULTURE, ECO, POLICE = "县交通运输局", "县民政局", "县文化和旅游局", "市生态环境局县分局", "县公安局"
HR, COMMERCE, FINANCE, MEDICAL = "县人力资源和社会保障局", "县商务局", "县财政局", "县医疗保障局"

REPLY_TEXT = {
    "A": "收到提案后，我局即组织专题研究，提案所提建议已全部采纳并落实：{done}。下一步将建立长效机制，持续抓好落实。",
    "B": "提案所提问题客观存在，我局高度重视。{done}，其余建议已列入明年工作计划，待资金落实后逐步解决。",
    "C": "感谢委员对此项工作的关心。经研究，受现行政策和财力所限，目前尚不具备全面实施条件，"
    "提案建议留作今后工作参考；{done}。",
}

CASES: list[Case] = [
    # ---- last year: closed cases, so "past years" in the similar search has something to show
    Case(
        "关于解决山区农村饮水水压不足问题的建议",
        "我县东部山区部分村组地势较高，自来水水压不足，夏季用水高峰时段经常停水，群众只能到沟里挑水。"
        "现有供水管网多为十多年前铺设，跑冒滴漏严重。",
        "一是对高位村组加装二次加压泵站；二是将老旧供水管网改造纳入年度农村供水保障计划；"
        "三是明确村级管水员职责并给予适当补助。",
        C.AGRICULTURE,
        S.CLOSED,
        665,
        lead_unit=WATER,
        co_units=(FINANCE,),
        replies=("A",),
        ratings=(Evaluation.Rating.SATISFIED,),
        last_year=True,
        extra={"done": "已在6个高位村组建成加压泵站，改造管网23公里"},
    ),
    Case(
        "关于加强县城学校周边交通安全管理的建议",
        "县城第一中学、实验小学等学校上下学时段周边道路拥堵严重，接送车辆乱停乱放，学生横穿马路现象普遍，"
        "存在较大安全隐患。",
        "一是在学校周边设置临时停车区和即停即走通道；二是上下学高峰设立护学岗；三是推行错峰放学。",
        C.EDUCATION,
        S.CLOSED,
        660,
        lead_unit=POLICE,
        co_units=(EDU,),
        replies=("A",),
        ratings=(Evaluation.Rating.SATISFIED,),
        last_year=True,
        extra={"done": "已在5所学校周边施划临时停车位120个并设立护学岗"},
    ),
    Case(
        "关于发展农村互助养老服务的建议",
        "我县农村留守老人、空巢老人比例高，子女外出务工，老人生活照料和精神慰藉缺失。"
        "现有农村幸福院多数只挂牌、不运营。",
        "一是盘活闲置村部和校舍建设互助幸福院；二是建立以奖代补的运营补贴机制；三是培育本村低龄老人志愿服务队。",
        C.SOCIAL,
        S.CLOSED,
        655,
        lead_unit=CIVIL,
        replies=("B",),
        ratings=(Evaluation.Rating.BASICALLY,),
        last_year=True,
        extra={"done": "今年已建成运营互助幸福院8所"},
    ),
    Case(
        "关于提升乡镇卫生院服务能力的建议",
        "乡镇卫生院设备老化，全科医生严重不足，群众小病也往县城大医院跑，加重了看病负担。",
        "一是推进县域医共体建设，县级医院医生定期下沉坐诊；二是为乡镇卫生院配备DR、彩超等基本设备；"
        "三是落实基层医务人员待遇倾斜政策。",
        C.HEALTH,
        S.CLOSED,
        650,
        lead_unit=HEALTH,
        co_units=(HR,),
        replies=("B",),
        ratings=(Evaluation.Rating.SATISFIED,),
        last_year=True,
        extra={"done": "县人民医院已向8个乡镇卫生院派驻专家"},
    ),
    Case(
        "关于规范城区电动自行车停放充电的建议",
        "城区老旧小区电动自行车数量多，飞线充电、楼道停放现象普遍，火灾隐患突出。",
        "一是在小区内建设集中停放充电棚；二是开展飞线充电专项整治；三是加强消防安全宣传。",
        C.URBAN,
        S.CLOSED,
        640,
        lead_unit=HOUSING,
        replies=("A",),
        ratings=(Evaluation.Rating.SATISFIED,),
        last_year=True,
        extra={"done": "已在32个小区建成集中充电棚"},
    ),
    # ---- this year: the plenary session's proposals, handled and rated
    Case(
        "关于推进县城老旧小区改造的建议",
        "县城2000年以前建成的老旧小区有40余个，普遍存在管网老化、屋顶漏水、无物业管理等问题，居民改造意愿强烈。",
        "一是将老旧小区改造列入年度民生实事；二是统筹供水、供暖、燃气管网同步改造；三是改造后引入物业服务。",
        C.URBAN,
        S.CLOSED,
        300,
        lead_unit=HOUSING,
        co_units=(FINANCE,),
        replies=("A",),
        ratings=(Evaluation.Rating.SATISFIED,),
        key=True,
        supervisions=(
            "主席会议成员带队视察城关镇东关小区改造现场，听取县住建局汇报，协调解决管网改造资金缺口。",
            "召开重点提案督办座谈会，提案人、承办单位和居民代表参加，对改造后物业管理提出意见。",
        ),
        extra={"done": "今年已完成12个老旧小区改造，惠及居民2100户"},
    ),
    Case(
        "关于加强中小学心理健康教育的建议",
        "近年来中小学生心理问题呈上升趋势，我县多数学校没有专职心理教师，心理辅导室形同虚设。",
        "一是按师生比配齐专兼职心理健康教师；二是每所学校建好心理辅导室；三是建立学生心理健康档案和家校联动机制。",
        C.EDUCATION,
        S.CLOSED,
        298,
        author="member",
        cosigners=2,
        lead_unit=EDU,
        co_units=(HEALTH,),
        replies=("A",),
        ratings=(Evaluation.Rating.SATISFIED,),
        co_opinion="县卫生健康局同意由县精神卫生专科医生定期到校开展心理健康讲座，并提供转诊绿色通道。",
        extra={"done": "已招聘专职心理教师15名，全县中小学心理辅导室实现全覆盖"},
    ),
    Case(
        "关于扶持特色农产品冷链物流发展的建议",
        "我县高原夏菜、中药材品质好，但产地缺少冷库，采摘后损耗率高达三成，农民增产不增收。",
        "一是在主产乡镇建设产地冷藏保鲜设施；二是引进冷链物流企业；三是对新建冷库给予用地和用电支持。",
        C.AGRICULTURE,
        S.CLOSED,
        296,
        lead_unit=AGRI,
        co_units=(COMMERCE,),
        replies=("B", "A"),
        ratings=(Evaluation.Rating.UNSATISFIED, Evaluation.Rating.BASICALLY),
        reply_in=50,
        extra={"done": "今年已在柳湾镇、新集乡建成产地冷库4座"},
    ),
    Case(
        "关于提高城乡居民医保报销便利度的建议",
        "部分群众异地就医备案手续繁琐，门诊慢特病报销需多次往返，老年人尤其不便。",
        "一是推行异地就医备案线上办理；二是在乡镇便民服务中心设立医保服务窗口；三是简化慢特病认定程序。",
        C.HEALTH,
        S.CLOSED,
        294,
        lead_unit=MEDICAL,
        replies=("A",),
        ratings=(Evaluation.Rating.BASICALLY,),
        reply_in=97,
        extra={"done": "异地就医备案已可通过手机办理，各乡镇均设立医保服务窗口"},
    ),
    Case(
        "关于打造黄河风情文化旅游线路的建议",
        "我县沿河景点分散，缺少统一规划和品牌宣传，游客停留时间短，旅游综合收入偏低。",
        "一是编制沿河文化旅游专项规划；二是串联古渡口、民俗村和农家乐打造精品线路；三是利用新媒体开展宣传推介。",
        C.CULTURE,
        S.CLOSED,
        292,
        submitter=Proposal.SubmitterType.SECTOR,
        lead_unit=CULTURE,
        replies=("B",),
        ratings=(Evaluation.Rating.SATISFIED,),
        extra={"done": "沿河文化旅游专项规划已完成初稿"},
    ),
    Case(
        "关于加大高校毕业生返乡就业扶持力度的建议",
        "我县每年有上千名高校毕业生，返乡就业比例低，本地企业又反映招不到合适人才。",
        "一是建立本地企业岗位信息库并定期发布；二是落实返乡创业担保贷款贴息；三是开发基层公益性岗位。",
        C.ECONOMY,
        S.CLOSED,
        290,
        submitter=Proposal.SubmitterType.PARTY_GROUP,
        lead_unit=HR,
        replies=("C",),
        ratings=(Evaluation.Rating.BASICALLY,),
        extra={"done": "已举办线上线下招聘会6场"},
    ),
    # ---- replied, waiting for the proposer's rating
    Case(
        "关于改善农村寄宿制学校学生生活条件的建议",
        "部分农村寄宿制学校宿舍拥挤，冬季取暖和热水供应不足，学生洗澡难。",
        "一是改造寄宿制学校宿舍和浴室；二是实施清洁取暖改造；三是配齐生活老师。",
        C.EDUCATION,
        S.REPLIED,
        100,
        author="member",
        lead_unit=EDU,
        replies=("B",),
        reply_in=70,
        extra={"done": "已完成3所寄宿制学校浴室改造"},
    ),
    Case(
        "关于规范城区农贸市场管理的建议",
        "城区农贸市场周边占道经营严重，地面污水横流，高峰时段交通堵塞。",
        "一是升级改造农贸市场；二是划定临时摊点疏导区；三是落实市场开办方管理责任。",
        C.URBAN,
        S.REPLIED,
        98,
        lead_unit=COMMERCE,
        co_units=(HOUSING,),
        replies=("A",),
        reply_in=60,
        key=True,
        supervisions=("主席会议成员实地察看城区农贸市场周边秩序，督促承办单位拿出整治时间表。",),
        extra={"done": "城区两处农贸市场已完成改造升级"},
    ),
    # ---- assigned: under handling (one overdue, one due this week, one whose unit asked to change)
    Case(
        "关于加强农村学前教育师资队伍建设的建议",
        "乡镇幼儿园教师数量不足、流动性大，部分村级幼儿园由代课人员任教，保教质量难以保证。",
        "一是通过公开招聘和定向培养补充幼儿教师；二是提高乡村幼儿教师待遇；三是开展城乡幼儿园结对帮扶。",
        C.EDUCATION,
        S.ASSIGNED,
        90,
        author="member",
        lead_unit=EDU,
    ),
    Case(
        "关于治理乡镇集市占道经营的建议",
        "柳湾镇、新集乡等集市逢集日摊点占据国道两侧，车辆通行困难，多次发生剐蹭事故。",
        "一是在集镇规划建设固定集贸市场；二是逢集日安排交警和执法人员疏导；三是设置警示标志。",
        C.URBAN,
        S.ASSIGNED,
        120,
        lead_unit=TRANSPORT,
        co_units=(POLICE,),
    ),
    Case(
        "关于加快补齐乡村公共厕所短板的建议",
        "部分乡村旅游点和集镇没有公共厕所，已建的无人管护，脏乱差问题突出。",
        "一是按服务半径建设乡村公厕；二是落实公厕管护人员和经费；三是纳入人居环境整治考核。",
        C.AGRICULTURE,
        S.ASSIGNED,
        108,
        lead_unit=AGRI,
        co_units=(EDU,),
        key=True,
        supervisions=("督办领导带领提案委员会赴马坞乡、东峪镇察看乡村公厕建设管护情况。",),
    ),
    Case(
        "关于解决城区停车难问题的建议",
        "县城机动车保有量快速增长，公共停车位严重不足，背街小巷乱停乱放，消防通道被占用。",
        "一是利用边角地建设立体停车场；二是推行智慧停车收费；三是机关单位停车场节假日向社会开放。",
        C.URBAN,
        S.ASSIGNED,
        14,
        lead_unit=HOUSING,
        adjust_reason="城区停车场建设和运营管理由县城市管理综合执法局负责，建议调整为该局主办。",
    ),
    # ---- accepted, not yet assigned
    Case(
        "关于加强县域非物质文化遗产保护传承的建议",
        "我县国家级、省级非遗项目传承人平均年龄超过65岁，后继乏人，部分技艺面临失传。",
        "一是建立非遗传承基地；二是推动非遗进校园；三是对传承人带徒授艺给予补助。",
        C.CULTURE,
        S.ACCEPTED,
        30,
        submitter=Proposal.SubmitterType.SPECIAL_COMMITTEE,
    ),
    Case(
        "关于推进农村生活污水治理的建议",
        "多数村庄生活污水直排沟渠，夏季蚊蝇滋生、气味难闻，影响人居环境和河道水质。",
        "一是因地制宜建设小型污水处理设施；二是城镇周边村庄管网接入城镇污水处理厂；三是建立运行维护机制。",
        C.ECOLOGY,
        S.ACCEPTED,
        28,
    ),
    Case(
        "关于优化县城学校上下学交通秩序的建议",
        "县城学校集中在老城区，道路狭窄，上下学高峰期交通拥堵，学生安全隐患大。",
        "一是在学校周边建设家长接送等候区；二是上下学时段实行单向通行；三是推广校车和公交接送。",
        C.EDUCATION,
        S.ACCEPTED,
        27,
    ),
    # ---- merged into the traffic-safety case of this year
    Case(
        "关于整治学校门口交通拥堵问题的建议",
        "上学放学时段学校大门外接送家长车辆扎堆，道路堵死，孩子在车流中穿行很危险。",
        "建议设置接送车辆临时停靠点，安排交警和志愿者在校门口执勤，学校分年级错开放学时间。",
        C.EDUCATION,
        S.MERGED,
        26,
        merge_into="关于优化县城学校上下学交通秩序的建议",
    ),
    # ---- review outcomes other than acceptance
    Case(
        "关于在城关镇东关村修建一盏路灯的建议",
        "东关村村口至小学一段路没有路灯，晚上群众出行不便。",
        "建议在该路段安装路灯。",
        C.URBAN,
        S.CONVERTED_LETTER,
        40,
        reject_reason="所提问题具体、单一，转有关部门作为意见建议办理。",
    ),
    Case(
        "关于关注外卖骑手交通安全的建议",
        "城区外卖骑手为赶时间闯红灯、逆行现象较多，既危害自身也危及他人安全。",
        "建议平台企业优化配送时限，交警部门加强对骑手的交通安全教育。",
        C.SOCIAL,
        S.CONVERTED_OPINION,
        35,
        reject_reason="所反映情况适合以社情民意信息形式报送。",
    ),
    Case(
        "关于提高全县公务员工资待遇的建议",
        "我县公务员工资水平低于周边县区，人才流失较多。",
        "建议提高我县公务员工资和津补贴标准。",
        C.GOVERNANCE,
        S.REJECTED,
        33,
        author="member",
        reject_reason="工资津补贴标准由国家和省统一规定，不属于县级政协提案办理范围，不予立案。",
    ),
    # ---- waiting for review
    Case(
        "关于加强农村留守儿童关爱保护的建议",
        "我县农村留守儿童较多，隔代抚养普遍，部分儿童存在学习习惯差、心理孤僻等问题。",
        "一是建设乡村儿童之家；二是组织教师和志愿者结对关爱；三是发挥村级儿童主任作用。",
        C.SOCIAL,
        S.SUBMITTED,
        12,
        author="member",
        cosigners=1,
        pending_cosigner=True,
    ),
    Case(
        "关于推动县域商业体系建设的建议",
        "乡镇商贸网点小散弱，村级便民店商品种类少、价格高，农产品进城和工业品下乡不畅。",
        "一是建设县级物流配送中心；二是改造升级乡镇商贸中心；三是发展村级电商服务站。",
        C.ECONOMY,
        S.SUBMITTED,
        8,
    ),
    Case(
        "关于加强城区饮用水水源地保护的建议",
        "城区饮用水水源地周边仍有散养畜禽和农家乐，存在污染风险。",
        "一是划定并公示水源保护区边界；二是清理保护区内污染源；三是安装视频监控加强巡查。",
        C.ECOLOGY,
        S.SUBMITTED,
        5,
    ),
    # ---- drafts: only their authors see them
    Case(
        "关于推广中小学课后延时服务的建议",
        "双职工家庭放学后接孩子难，部分学校课后服务内容单一。",
        "一是全面开展课后延时服务；二是引入体育、艺术等社会资源；三是合理确定收费标准。",
        C.EDUCATION,
        S.DRAFT,
        3,
        author="member",
    ),
    Case(
        "关于保护利用传统村落的建议",
        "我县多个传统村落古民居年久失修，村民外迁，村落空心化严重。",
        "一是开展传统村落普查建档；二是设立保护专项资金；三是发展乡村民宿。",
        C.CULTURE,
        S.DRAFT,
        2,
    ),
]

# The year's ordinary cases (一般提案): a county's members each put in or co-sign a proposal a year,
# so the demo year reads like a real one — nearly everyone has an accepted proposal to their name.
ROUTINE_TOWNS = ("城关镇", "新集乡", "柳湾镇", "石门乡", "红山镇", "马坞乡", "东峪镇", "清水乡")
ROUTINE_TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "农村道路养护",
        C.URBAN,
        TRANSPORT,
        "部分通村道路路面破损、边沟堵塞，雨季通行困难。",
        "落实农村公路养护资金，推行路长制。",
    ),
    (
        "村卫生室服务能力",
        C.HEALTH,
        HEALTH,
        "村卫生室人员老化、设备简陋，群众小病也要跑县城。",
        "定向培养村医，配齐基本诊疗设备。",
    ),
    (
        "农产品冷链物流",
        C.AGRICULTURE,
        COMMERCE,
        "蔬菜水果缺少冷藏设施，旺季压价、损耗大。",
        "建设产地冷库，培育冷链运输主体。",
    ),
    (
        "中小学课后服务",
        C.EDUCATION,
        EDU,
        "双职工家庭放学后接送难，课后服务内容单一。",
        "丰富课后服务内容，引入社会力量参与。",
    ),
    (
        "农村生活污水治理",
        C.ECOLOGY,
        ECO,
        "村内生活污水直排沟渠，夏季异味明显。",
        "因村施策建设小型污水处理设施，建立运维机制。",
    ),
    (
        "老旧小区改造",
        C.URBAN,
        HOUSING,
        "老旧小区管网老化、无物业管理，居民反映强烈。",
        "将老旧小区改造纳入年度计划，同步引入物业服务。",
    ),
    ("就业技能培训", C.SOCIAL, HR, "返乡务工人员技能单一，就业渠道窄。", "按需开设订单式培训，搭建线上用工对接平台。"),
    (
        "文化广场利用",
        C.CULTURE,
        CULTURE,
        "村文化广场建成后活动少，设施闲置。",
        "配备文化指导员，常态化开展群众文化活动。",
    ),
    (
        "防汛排涝能力",
        C.ECOLOGY,
        WATER,
        "部分集镇排水管网标准低，强降雨时内涝。",
        "改造排水管网，完善应急预案和物资储备。",
    ),
    ("养老服务设施", C.SOCIAL, CIVIL, "乡镇敬老院床位紧张、护理人员不足。", "推进敬老院提质改造，培育专业护理队伍。"),
    (
        "农村电商发展",
        C.ECONOMY,
        COMMERCE,
        "农产品上行渠道少，村级电商服务站运营困难。",
        "整合快递物流资源，培育本土电商带头人。",
    ),
    (
        "校园食品安全",
        C.EDUCATION,
        EDU,
        "部分学校食堂设施陈旧，食材溯源不够规范。",
        "推行明厨亮灶，建立食材集中采购和溯源制度。",
    ),
    (
        "医保便民服务",
        C.HEALTH,
        MEDICAL,
        "异地就医备案和报销手续繁琐，老年人办理困难。",
        "推行医保业务村级代办，简化备案流程。",
    ),
    (
        "小微企业融资",
        C.ECONOMY,
        FINANCE,
        "小微企业缺少抵押物，贷款难、贷款贵。",
        "设立风险补偿资金，推广信用贷款产品。",
    ),
    (
        "农村消防安全",
        C.GOVERNANCE,
        POLICE,
        "农村房屋连片、电线私拉乱接，火灾隐患多。",
        "开展农村电气线路改造，配齐村级消防设施。",
    ),
    (
        "高标准农田建设",
        C.AGRICULTURE,
        AGRI,
        "部分农田水利设施老化，灌溉保障率低。",
        "统筹项目资金推进高标准农田建设，明确后期管护责任。",
    ),
    (
        "残疾人康复服务",
        C.SOCIAL,
        CIVIL,
        "基层康复服务资源不足，残疾人康复需求难以满足。",
        "建设乡镇康复站点，推行家庭医生签约康复服务。",
    ),
    (
        "传统村落保护",
        C.CULTURE,
        CULTURE,
        "部分传统民居年久失修，保护利用缺乏规划。",
        "编制保护利用规划，引导发展乡村旅游。",
    ),
    ("城乡公交服务", C.URBAN, TRANSPORT, "偏远村组公交班次少，群众出行不便。", "优化线路和班次，推行预约响应式公交。"),
    (
        "农村垃圾分类",
        C.ECOLOGY,
        HOUSING,
        "农村生活垃圾收运体系不健全，分类减量效果差。",
        "完善村收集、镇转运体系，推行积分兑换激励。",
    ),
)
ROUTINE_CASES: list[Case] = [
    Case(
        f"关于加强{town}{topic}的建议",
        f"{town}{reason}",
        suggestion,
        category,
        S.CLOSED if n % 3 else S.REPLIED,
        150 + (n * 7) % 160,
        cosigners=5,
        lead_unit=unit,
        replies=("A" if n % 2 else "B",),
        ratings=(Evaluation.Rating.SATISFIED,) if n % 3 else (),
        reply_in=40 + n % 30,
        routine=True,
        extra={"done": f"已在{town}先行实施"},
    )
    for n, (town, (topic, category, unit, reason, suggestion)) in enumerate(
        (town, topic) for topic in ROUTINE_TOPICS for town in ROUTINE_TOWNS
    )
]


@dataclass
class _Stand:
    """Acts for a member or unit with no demo login: carries what the services check, audits as the loader."""

    committee_id: int
    member: Member | None = None
    unit: Unit | None = None
    pk: None = None

    @property
    def member_id(self) -> int | None:
        return self.member.pk if self.member else None

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit else None


def _date_assignment_message(proposal_id: int, assigned: dt.date, due: dt.date) -> None:
    Notification.objects.filter(kind="proposal_assigned", key__startswith=f"proposal:{proposal_id}:assigned:").update(
        body=f"请于{clock.cn_date(due)}前办理答复。", created_at=_at(assigned, 9)
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Loader:
    def __init__(self, county: Committee) -> None:
        self.county = county
        self.today = clock.today()
        self.rng = random.Random(SEED)
        self.created: Counter = Counter()
        self.office = User.objects.get(committee=county, username="office")
        self.member_user = User.objects.filter(username="member", committee=county).first()
        self.unit_user = User.objects.filter(username="unit", committee=county).first()
        self.leader_user = User.objects.filter(username="leader", committee=county).first()
        self.units = {u.name: u for u in Unit.objects.filter(committee=county)}
        self.leaders = list(
            Member.objects.filter(committee=county, position__in=Member.LEADER_POSITIONS).order_by("id")
        )
        demo_member = self.member_user.member_id if self.member_user else None
        self.pool = list(
            Member.objects.filter(
                committee=county,
                status=Member.Status.ACTIVE,
                position__in=[Member.Position.MEMBER, Member.Position.STANDING],
            )
            .exclude(pk=demo_member)
            .select_related("sector", "special_committee")
            .order_by("id")
        )
        self.by_title: dict[str, Proposal] = {}
        # Routine cases draw their people from those without a case yet, from a random of their own,
        # so the hand-written cases keep their authors and numbers.
        self.routine_rng = random.Random(SEED + 1)
        self.uncovered: list[Member] = []

    def member_actor(self, member: Member) -> Any:
        if self.member_user is not None and self.member_user.member_id == member.pk:
            return self.member_user
        return _Stand(committee_id=self.county.pk, member=member)

    def unit_actor(self, unit: Unit) -> Any:
        if self.unit_user is not None and self.unit_user.unit_id == unit.pk:
            return self.unit_user
        return _Stand(committee_id=self.county.pk, unit=unit)

    def author(self, case: Case) -> Member:
        if case.author == "member" and self.member_user is not None and self.member_user.member:
            return self.member_user.member
        pool = self.pool
        if case.submitter == Proposal.SubmitterType.SPECIAL_COMMITTEE:
            pool = [m for m in pool if m.special_committee_id]
        elif case.submitter == Proposal.SubmitterType.SECTOR:
            pool = [m for m in pool if m.sector_id]
        return self.rng.choice(pool)

    def next_uncovered(self, but: list[Member]) -> Member:
        """The next member in this round of the pool (a new round, reshuffled, once all have had a turn)."""
        for _ in range(2):
            if not self.uncovered:
                self.uncovered = list(self.pool)
                self.routine_rng.shuffle(self.uncovered)
            for member in reversed(self.uncovered):
                if member not in but:
                    self.uncovered.remove(member)
                    return member
            self.uncovered = []
        raise ValueError("the pool is smaller than a case's lead and cosigners")

    def load(self, case: Case) -> None:
        if case.routine:
            lead = self.next_uncovered([])
            cosigners: list[Member] = []
            for _ in range(case.cosigners):
                cosigners.append(self.next_uncovered([lead, *cosigners]))
        else:
            lead = self.author(case)
            cosigners = self.rng.sample([m for m in self.pool if m != lead], case.cosigners + case.pending_cosigner)
        if Proposal.objects.filter(committee=self.county, title=case.title).exists():
            self.by_title[case.title] = Proposal.objects.get(committee=self.county, title=case.title)
            return
        actor = self.member_actor(lead)
        data: dict[str, Any] = {
            "title": case.title,
            "reason": case.reason,
            "suggestions": case.suggestions,
            "category": case.category,
            "submitter_type": case.submitter,
            "cosigners": cosigners,
        }
        if case.submitter == Proposal.SubmitterType.SECTOR:
            data["sector"] = lead.sector
        elif case.submitter == Proposal.SubmitterType.SPECIAL_COMMITTEE:
            data["special_committee"] = lead.special_committee
        elif case.submitter == Proposal.SubmitterType.PARTY_GROUP:
            data["party_group"] = "民盟示例县委员会"
        p = services.proposal_create(actor=actor, committee=self.county, data=data)
        self.created["proposals.proposal"] += 1
        self.created["proposals.cosignature"] += len(cosigners)
        if case.last_year:
            Proposal.objects.filter(pk=p.pk).update(year=self.today.year - 1)
            p.refresh_from_db()
        self.by_title[case.title] = p
        submitted = self.today - dt.timedelta(days=case.ago)
        if case.fate == S.DRAFT:
            return
        for signer in cosigners[: case.cosigners]:
            services.proposal_cosign_confirm(actor=self.member_actor(signer), proposal=p)
        services.proposal_submit(actor=actor, proposal=p)
        reviewed = submitted + dt.timedelta(days=min(12, max(1, case.ago // 3)))
        dates: dict[str, Any] = {"submitted_at": _at(submitted), "reviewed_at": None}
        if case.fate != S.SUBMITTED:
            dates["reviewed_at"] = _at(reviewed, 15)
            self.review(case, p)
        if case.fate in Proposal.HANDLED:
            self.handle(case, p, lead, reviewed, dates)
        elif case.key:
            self.mark_key(case, p, reviewed)
        Proposal.objects.filter(pk=p.pk).update(**dates)

    def review(self, case: Case, p: Proposal) -> None:
        decisions: dict[str, str] = {
            S.REJECTED: "reject",
            S.CONVERTED_OPINION: "convert_opinion",
            S.CONVERTED_LETTER: "convert_letter",
            S.MERGED: "merge",
        }
        decision = decisions.get(case.fate, "accept")
        merge_into = self.by_title[case.merge_into] if case.merge_into else None
        services.proposal_review(
            actor=self.office, proposal=p, decision=decision, reason=case.reject_reason, merge_into=merge_into
        )
        if decision == "convert_opinion":
            self.created["opinions.opinionreport"] += 1

    def mark_key(self, case: Case, p: Proposal, start: dt.date) -> None:
        # The demo leader's login supervises the open key cases; a vice-chair supervised the closed one.
        supervisor = self.leader_user.member if self.leader_user else None
        if case.fate == S.CLOSED and len(self.leaders) > 1:
            supervisor = self.leaders[1]
        if supervisor is None:
            return
        services.proposal_mark_key(actor=self.office, proposal=p, supervisor=supervisor)
        actor = self.leader_user if self.leader_user and self.leader_user.member_id == supervisor.pk else self.office
        for n, note in enumerate(case.supervisions):
            day = min(start + dt.timedelta(days=20 + 25 * n), self.today)
            services.proposal_supervise(actor=actor, proposal=p, date=day, note=note)
            self.created["proposals.supervision"] += 1

    def handle(self, case: Case, p: Proposal, lead: Member, reviewed: dt.date, dates: dict[str, Any]) -> None:
        assigned = reviewed + dt.timedelta(days=8)
        due = services.add_months(assigned, services.DUE_MONTHS)
        lead_unit = self.units[case.lead_unit]
        co_units = [self.units[name] for name in case.co_units]
        services.proposal_assign(actor=self.office, proposal=p, lead_unit=lead_unit, co_units=co_units)
        self.created["proposals.proposalunit"] += 1 + len(co_units)
        dates.update(assigned_at=assigned, due_date=due)
        # The service wrote its message with today's deadline and it is stored on commit: once
        # stored, it gets the case's own deadline and day, so the inbox agrees with the case.
        transaction.on_commit(partial(_date_assignment_message, p.pk, assigned, due))
        if case.key:
            self.mark_key(case, p, assigned)
        if case.co_opinion and co_units:
            services.proposal_co_opinion(actor=self.unit_actor(co_units[0]), proposal=p, text=case.co_opinion)
        if case.adjust_reason:
            services.proposal_adjust_request(actor=self.unit_actor(lead_unit), proposal=p, reason=case.adjust_reason)
            self.created["proposals.adjustrequest"] += 1
        replied = assigned + dt.timedelta(days=case.reply_in)
        for n, category in enumerate(case.replies):
            text = REPLY_TEXT[category].format(done=case.extra.get("done", "已会同有关单位研究办理"))
            if n:
                text = "根据提案人意见，我局再次研究办理。" + text
            reply = services.proposal_reply(actor=self.unit_actor(lead_unit), proposal=p, category=category, text=text)
            self.created["proposals.reply"] += 1
            on_time = replied <= due
            Reply.objects.filter(pk=reply.pk).update(replied_at=replied, on_time=on_time)
            if n == 0:
                dates["replied_on_time"] = on_time
            dates["replied_at"] = replied
            if n < len(case.ratings):
                rated = replied + dt.timedelta(days=10)
                evaluation = services.proposal_evaluate(
                    actor=self.member_actor(lead),
                    proposal=p,
                    rating=case.ratings[n],
                    comment="冷库建设进度慢，未回应运营补贴问题。"
                    if case.ratings[n] == Evaluation.Rating.UNSATISFIED
                    else "",
                )
                Evaluation.objects.filter(pk=evaluation.pk).update(created_at=_at(rated, 16))
                self.created["proposals.evaluation"] += 1
                replied = rated + dt.timedelta(days=20)


def demo_load(*, county: Committee) -> Counter:
    """Add the demo proposals of this year and last to the county; cases already there are left alone."""
    if not User.objects.filter(committee=county, username="office").exists():
        return Counter()
    titles = set(Proposal.objects.filter(committee=county).values_list("title", flat=True))
    if all(case.title in titles for case in (*CASES, *ROUTINE_CASES)):
        return Counter()
    created: Counter = Counter()
    # The opinions demo loads once into an empty county; let it go first, so the proposal converted
    # to an opinion report here does not make it think its reports are already there.
    from luzhi.opinions import demo as opinions_demo

    created.update(opinions_demo.demo_load(county=county))
    with transaction.atomic():
        loader = _Loader(county)
        # In the order the office received them, so numbers follow the calendar.
        for case in sorted(CASES, key=lambda c: -c.ago):
            loader.load(case)
        for case in ROUTINE_CASES:  # after the hand-written ones, so those keep their numbers
            loader.load(case)
    created.update(loader.created)
    return created
