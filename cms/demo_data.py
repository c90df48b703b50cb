"""Data of the demo website group loaded by ``manage.py load_demo``.

Pure data plus small deterministic generators: nothing here touches the database. The
command turns the specs below into rows through ``cms.actions`` and ``security.actions``.
Every generated value comes from a ``random.Random`` seeded by the site code, and every
date is relative to ``BASE_DATE``, so two runs (on any machine, any day) produce the same
content.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
import random
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
#: The "today" of the demo: display dates spread over the ~18 months before it.
BASE_DATE = date(2026, 11, 20)
SPAN_DAYS = 540
#: Deterministic passwords, listed in the README; they pass Django's validators.
PASSWORD_PATTERN = "Taxsite#2026-{role}"
SUPERUSER_NAME = "admin"
SUPERUSER_PASSWORD = PASSWORD_PATTERN.format(role="admin")


def password_for(role_code):
    return PASSWORD_PATTERN.format(role=role_code)


# ---------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    level: str
    parent: str | None
    domain: str
    site_id_code: str
    icp_number: str
    psb_number: str
    organiser: str
    contact_phone: str
    contact_email: str
    address: str
    order: int
    # Content generation
    org: str  # how the bureau names itself in titles
    scope_word: str  # 全国 / 全省 / 全市
    index_prefix: str  # first part of the 索引号
    units: tuple  # (short name, full name) of subordinate bureaus, for news
    counts: dict = field(default_factory=dict)
    drafts: int = 3


PROVINCES = (
    ("北京", "北京市"), ("天津", "天津市"), ("河北", "河北省"), ("山西", "山西省"), ("内蒙古", "内蒙古自治区"),
    ("辽宁", "辽宁省"), ("吉林", "吉林省"), ("黑龙江", "黑龙江省"), ("上海", "上海市"), ("江苏", "江苏省"),
    ("浙江", "浙江省"), ("安徽", "安徽省"), ("福建", "福建省"), ("江西", "江西省"), ("山东", "山东省"),
    ("河南", "河南省"), ("湖北", "湖北省"), ("湖南", "湖南省"), ("广东", "广东省"), ("广西", "广西壮族自治区"),
    ("海南", "海南省"), ("重庆", "重庆市"), ("四川", "四川省"), ("贵州", "贵州省"), ("云南", "云南省"),
    ("西藏", "西藏自治区"), ("陕西", "陕西省"), ("甘肃", "甘肃省"), ("青海", "青海省"), ("宁夏", "宁夏回族自治区"),
    ("新疆", "新疆维吾尔自治区"), ("大连", "大连市"), ("宁波", "宁波市"), ("厦门", "厦门市"), ("青岛", "青岛市"),
    ("深圳", "深圳市"),
)
BEIJING_DISTRICTS = ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "通州", "顺义", "大兴", "昌平", "房山", "怀柔")
GUANGDONG_CITIES = ("广州", "珠海", "汕头", "佛山", "韶关", "东莞", "中山", "江门", "湛江", "惠州", "肇庆", "清远")
SHENZHEN_DISTRICTS = ("福田", "罗湖", "南山", "宝安", "龙岗", "龙华", "坪山", "光明", "盐田", "大鹏新")

NATIONAL_COUNTS = dict(news=70, notices=28, policies=38, treaties=6, interpretations=24, guides=14, forms=4,
                       interviews=8, appointments=10, procurement=12, statistics=8, publicity=8, consultation=5,
                       finance=2)
PROVINCIAL_COUNTS = dict(news=20, notices=8, policies=9, interpretations=5, guides=5, forms=2, interviews=2,
                         appointments=3, procurement=3, publicity=3, consultation=1)
MUNICIPAL_COUNTS = dict(news=14, notices=6, policies=6, interpretations=4, guides=4, forms=1, interviews=2,
                        appointments=2, procurement=2, publicity=2, consultation=1)

SITES = (
    SiteSpec(
        code="national", name="国家税务总局", level="national", parent=None, domain="www.chinatax.demo",
        site_id_code="bm29000002", icp_number="京ICP备10000001号", psb_number="京公网安备 11010200000001号",
        organiser="国家税务总局", contact_phone="010-63410000", contact_email="webmaster@chinatax.demo",
        address="北京市海淀区羊坊店西路5号", order=0,
        org="国家税务总局", scope_word="全国", index_prefix="4000",
        units=tuple((short, f"国家税务总局{full}税务局") for short, full in PROVINCES),
        counts=NATIONAL_COUNTS, drafts=5,
    ),
    SiteSpec(
        code="beijing", name="国家税务总局北京市税务局", level="provincial", parent="national",
        domain="beijing.chinatax.demo", site_id_code="bm29110001", icp_number="京ICP备10000002号",
        psb_number="京公网安备 11010200000002号", organiser="国家税务总局北京市税务局", contact_phone="010-87170000",
        contact_email="webmaster@beijing.chinatax.demo", address="北京市西城区车公庄大街10号", order=1,
        org="国家税务总局北京市税务局", scope_word="全市", index_prefix="1100",
        units=tuple((d, f"国家税务总局北京市{d}区税务局") for d in BEIJING_DISTRICTS),
        counts=PROVINCIAL_COUNTS,
    ),
    SiteSpec(
        code="guangdong", name="国家税务总局广东省税务局", level="provincial", parent="national",
        domain="guangdong.chinatax.demo", site_id_code="bm29440001", icp_number="粤ICP备10000003号",
        psb_number="粤公网安备 44010400000003号", organiser="国家税务总局广东省税务局", contact_phone="020-38800000",
        contact_email="webmaster@guangdong.chinatax.demo", address="广东省广州市天河区天河北路111号", order=2,
        org="国家税务总局广东省税务局", scope_word="全省", index_prefix="4400",
        units=tuple((c, f"国家税务总局{c}市税务局") for c in GUANGDONG_CITIES),
        counts=PROVINCIAL_COUNTS,
    ),
    SiteSpec(
        code="shenzhen", name="国家税务总局深圳市税务局", level="municipal", parent="guangdong",
        domain="shenzhen.chinatax.demo", site_id_code="4403000037", icp_number="粤ICP备10000004号",
        psb_number="粤公网安备 44030400000004号", organiser="国家税务总局深圳市税务局", contact_phone="0755-83870000",
        contact_email="webmaster@shenzhen.chinatax.demo", address="广东省深圳市福田区深南大道6000号", order=3,
        org="国家税务总局深圳市税务局", scope_word="全市", index_prefix="4403",
        units=tuple((d, f"国家税务总局深圳市{d}区税务局") for d in SHENZHEN_DISTRICTS) + (("前海", "国家税务总局深圳市前海税务局"),),
        counts=MUNICIPAL_COUNTS,
    ),
)


# ---------------------------------------------------------------------------------------
# Departments (seed 000 §4) — ``key`` is what columns and users refer to, the same on every site
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    code: str
    name: str
    is_general_office: bool = False


NATIONAL_DEPARTMENTS = (
    DepartmentSpec("office", "bgt", "办公厅", True),
    DepartmentSpec("policy", "zcfgs", "政策法规司"),
    DepartmentSpec("goods", "hwhlwss", "货物和劳务税司"),
    DepartmentSpec("income", "sds", "所得税司"),
    DepartmentSpec("intl", "gjsws", "国际税务司"),
    DepartmentSpec("revenue", "srghhss", "收入规划核算司"),
    DepartmentSpec("service", "nsfws", "纳税服务司"),
    DepartmentSpec("collection", "zghkjfzs", "征管和科技发展司"),
    DepartmentSpec("large", "dqyglz", "大企业管理司"),
    DepartmentSpec("finance", "cws", "财务司"),
    DepartmentSpec("personnel", "rss", "人事司"),
    DepartmentSpec("inspection", "jcj", "稽查局"),
    DepartmentSpec("etax", "dzswglzx", "电子税务管理中心"),
    DepartmentSpec("procurement", "jzcgzx", "集中采购中心"),
    DepartmentSpec("education", "jyzx", "教育中心"),
)
PROVINCIAL_DEPARTMENTS = (
    DepartmentSpec("office", "bgs", "办公室", True),
    DepartmentSpec("policy", "zcfgc", "政策法规处"),
    DepartmentSpec("goods", "hwhlwsc", "货物和劳务税处"),
    DepartmentSpec("income", "sdsc", "所得税处"),
    DepartmentSpec("intl", "gjswc", "国际税务处"),
    DepartmentSpec("revenue", "srghhsc", "收入规划核算处"),
    DepartmentSpec("service", "nsfwc", "纳税服务处"),
    DepartmentSpec("collection", "zghkjfzc", "征管和科技发展处"),
    DepartmentSpec("finance", "cwglc", "财务管理处"),
    DepartmentSpec("personnel", "rsc", "人事处"),
    DepartmentSpec("inspection", "jcj", "稽查局"),
)
MUNICIPAL_DEPARTMENTS = (
    DepartmentSpec("office", "bgs", "办公室", True),
    DepartmentSpec("policy", "fzk", "法制科"),
    DepartmentSpec("goods", "hwhlwsk", "货物和劳务税科"),
    DepartmentSpec("income", "sdsk", "所得税科"),
    DepartmentSpec("revenue", "srhsk", "收入核算科"),
    DepartmentSpec("service", "nsfwk", "纳税服务科"),
    DepartmentSpec("collection", "zsglk", "征收管理科"),
    DepartmentSpec("finance", "cwglk", "财务管理科"),
    DepartmentSpec("personnel", "rsk", "人事科"),
    DepartmentSpec("inspection", "jcj", "稽查局"),
)
DEPARTMENTS = {"national": NATIONAL_DEPARTMENTS, "provincial": PROVINCIAL_DEPARTMENTS,
               "municipal": MUNICIPAL_DEPARTMENTS}
#: Where a column's owner key is missing on a smaller bureau, the unit that does the work there.
DEPARTMENT_FALLBACK = {"procurement": "finance", "intl": "policy", "etax": "collection", "large": "collection",
                       "education": "personnel"}


def departments_for(level):
    return DEPARTMENTS[level]


def resolve_department(key, available):
    """The department key to use on a site whose departments are ``available`` (a set of keys)."""
    while key not in available:
        key = DEPARTMENT_FALLBACK[key]
    return key


# ---------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnSpec:
    key: str
    name: str
    slug: str
    column_class: str
    department: str
    layout: str = "list"
    principal: bool = False
    description: str = ""
    link_url: str = ""
    national_only: bool = False
    children: tuple = ()


COLUMN_TREE = (
    ColumnSpec("news", "税务要闻", "swyw", "news", "office", principal=True,
               description="税务部门重要会议、重大活动和工作动态。"),
    ColumnSpec("notices", "通知公告", "tzgg", "notice", "office", principal=True,
               description="办税服务安排、申报期限调整等通知公告。"),
    ColumnSpec("xxgk", "政府信息公开", "zfxxgk", "policy", "office", principal=True,
               description="依法主动公开的政府信息。", children=(
                   ColumnSpec("xxgk_guide", "政府信息公开指南", "gkzn", "overview", "office", layout="page"),
                   ColumnSpec("leaders", "领导信息", "ldxx", "overview", "personnel", layout="page"),
                   ColumnSpec("functions", "机构职责", "jgzz", "overview", "personnel", layout="page"),
                   ColumnSpec("appointments", "人事任免", "rsrm", "overview", "personnel"),
                   ColumnSpec("finance", "财务信息", "cwxx", "policy", "finance", national_only=True),
               )),
    ColumnSpec("policies", "税收法规", "ssfg", "policy", "policy", layout="policy_library", principal=True,
               description="税收法律、行政法规、部门规章和规范性文件。"),
    ColumnSpec("interpretations", "政策解读", "zcjd", "interpretation", "policy", principal=True,
               description="税收政策文件的解读、图解和问答。"),
    ColumnSpec("treaties", "税收协定", "ssxd", "policy", "intl", national_only=True,
               description="我国对外签署的避免双重征税协定及其生效执行公告。"),
    ColumnSpec("statistics", "税收统计", "sstj", "other", "revenue", national_only=True,
               description="税收收入等统计数据。"),
    ColumnSpec("service", "办事服务", "bsfw", "service", "service", principal=True,
               description="办税指南、表证单书和在线办税入口。", children=(
                   ColumnSpec("guides", "办税指南", "bszn", "service", "service"),
                   ColumnSpec("forms", "表证单书", "bzds", "service", "service"),
                   ColumnSpec("export_rates", "出口退税率查询", "cktslcx", "service", "goods", layout="page",
                              national_only=True),
                   ColumnSpec("etax_link", "电子税务局", "dzswj", "service", "service", layout="link"),
               )),
    ColumnSpec("interviews", "在线访谈", "zxft", "other", "service", principal=True,
               description="税务部门负责同志就热点政策在线答问。"),
    ColumnSpec("procurement", "政府采购", "zfcg", "notice", "procurement",
               description="采购公告、结果公告和更正公告。"),
    ColumnSpec("publicity", "税收宣传", "ssxc", "topic", "office",
               description="税收宣传月、税法进校园等宣传活动。"),
    ColumnSpec("participation", "公众参与", "gzcy", "interaction", "office", children=(
        ColumnSpec("consultation", "意见征集", "yjzj", "interaction", "policy"),
    )),
)


def etax_url(site_code):
    return "https://etax.chinatax.gov.cn/" if site_code == "national" else f"https://etax.{site_code}.chinatax.gov.cn/"


def column_specs(level):
    """(spec, parent key or None) in pre-order — parents come before their children."""
    out = []

    def walk(nodes, parent):
        for node in nodes:
            if node.national_only and level != "national":
                continue
            out.append((node, parent))
            walk(node.children, node.key)

    walk(COLUMN_TREE, None)
    return out


# ---------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------

#: Department key each role's account belongs to (None: no department, e.g. a bureau leader).
ROLE_DEPARTMENT = {
    "editor": "service", "dept_head": "service", "office_approver": "office", "bureau_leader": None,
    "site_manager": "office", "sys_admin": "office", "security_admin": "office", "auditor": "office",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力志宇晨欣怡佳琳瑶博浩然子轩思雨嘉"


def person_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def display_name(site_code, role_code):
    return person_name(random.Random(f"taxsite-demo-user:{site_code}:{role_code}"))


# ---------------------------------------------------------------------------------------
# A tiny valid PDF for the service guides' attachments
# ---------------------------------------------------------------------------------------

def demo_pdf(label):
    """A one-page PDF 1.4 with ``label`` (ASCII) as its text and a correct cross-reference table."""
    text = label.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------
# Content: topics and phrase lists
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Topic:
    key: str
    name: str  # searchable subject, e.g. 增值税专用发票
    category: str  # 主题分类
    matters: tuple  # "关于{matter}的公告"
    clauses: tuple  # sentences of the policy text
    news: tuple  # sentences for news and interviews
    guides: tuple  # service-guide subjects
    joint: bool = False  # usually issued jointly by 财政部 税务总局


TOPICS = (
    Topic(
        "vat_invoice", "增值税专用发票", "增值税",
        matters=("增值税专用发票电子化有关事项", "优化增值税专用发票领用服务有关事项",
                 "增值税发票综合服务平台功能升级有关事项", "红字增值税专用发票开具有关事项"),
        clauses=("纳税人可以通过电子税务局申请领用增值税专用发票，税务机关原则上在1个工作日内办结。",
                 "全面数字化的电子发票与纸质发票具有同等法律效力，纳税人可以通过电子发票服务平台开具、交付和查验。",
                 "纳税人开具增值税专用发票后，发生销货退回、开票有误等情形需要开具红字发票的，应当按规定填开《红字发票信息确认单》。",
                 "受票方取得增值税专用发票后，可以通过增值税发票综合服务平台进行用途确认。"),
        news=("全面数字化的电子发票推广工作稳步推进，纳税人无需领用税控专用设备即可开具增值税专用发票和普通发票。",
              "税务部门持续优化增值税专用发票领用流程，首次领用增值税专用发票的新办纳税人实现当日办结。"),
        guides=("增值税专用发票领用", "红字增值税专用发票开具", "增值税发票用途确认"),
    ),
    Topic(
        "iit", "个人所得税汇算清缴", "个人所得税",
        matters=("办理个人所得税综合所得汇算清缴有关事项", "个人所得税专项附加扣除操作办法有关事项",
                 "个人所得税综合所得预扣预缴有关事项", "简便优化部分纳税人个人所得税预扣预缴方法有关事项"),
        clauses=("居民个人取得综合所得，年度汇算需补税或者申请退税的，应当在取得所得的次年3月1日至6月30日内办理汇算清缴。",
                 "纳税人可优先通过个人所得税App、自然人电子税务局网页端办理年度汇算，税务机关提供申报表项目预填服务。",
                 "年度汇算需补税但综合所得收入全年不超过12万元的，或者年度汇算需补税金额不超过400元的，免于办理年度汇算。",
                 "纳税人对预填的收入、扣除等信息有异议的，可以通过个人所得税App进行申诉。"),
        news=("围绕个人所得税综合所得汇算清缴，税务部门优化个人所得税App功能，提供预填服务和预约办理，有效分散申报高峰。",
              "税务部门提醒广大纳税人，办理个人所得税汇算清缴时应如实填报收入和扣除信息，切勿轻信网络上的“退税秘籍”。"),
        guides=("个人所得税综合所得年度汇算", "个人所得税专项附加扣除信息填报"),
    ),
    Topic(
        "small", "小微企业税费优惠", "税收优惠",
        matters=("进一步支持小微企业和个体工商户发展有关税费政策", "小型微利企业所得税优惠政策有关事项",
                 "增值税小规模纳税人减免增值税政策有关征管事项", "个体工商户减半征收个人所得税政策有关事项"),
        clauses=("对小型微利企业减按25%计算应纳税所得额，按20%的税率缴纳企业所得税。",
                 "对增值税小规模纳税人、小型微利企业和个体工商户减半征收资源税、城市维护建设税、房产税、城镇土地使用税、印花税、耕地占用税和教育费附加、地方教育附加。",
                 "增值税小规模纳税人发生增值税应税销售行为，合计月销售额未超过10万元的，免征增值税。",
                 "纳税人可在申报时自行判断是否符合条件并享受优惠，相关资料留存备查。"),
        news=("针对小微企业和个体工商户，税务部门建立税费优惠政策精准推送机制，确保政策应享尽享、直达快享。",
              "小微企业税费优惠政策持续发力，有效降低了经营主体的税费负担，增强了发展信心。"),
        guides=("小型微利企业所得税优惠享受", "增值税小规模纳税人免税申报"),
        joint=True,
    ),
    Topic(
        "export", "出口退税", "出口退税",
        matters=("进一步优化出口退（免）税办理流程有关事项", "出口货物劳务增值税和消费税退（免）税管理有关事项",
                 "调整部分产品出口退税率有关事项", "出口退（免）税备案单证管理有关事项"),
        clauses=("出口企业申报出口退（免）税时，不再报送纸质出口货物报关单。",
                 "税务机关办理正常出口退（免）税的平均时间压缩在3个工作日内。",
                 "出口企业可以通过电子税务局“出口退税管理”模块在线办理备案、申报和证明开具。",
                 "出口企业应当按规定将出口退（免）税备案单证妥善留存，并按照申报退（免）税的时间顺序装订成册。"),
        news=("在出口退税方面，正常出口退税平均办理时间进一步压缩，有力支持外贸企业稳订单、拓市场。",
              "税务部门会同海关、外汇管理等部门加强数据共享，出口退税“报关—退税”全流程提速增效。"),
        guides=("出口退（免）税备案", "出口退（免）税申报", "出口退税证明开具"),
        joint=True,
    ),
    Topic(
        "etax", "电子税务局", "纳税服务",
        matters=("推广使用新版电子税务局有关事项", "通过电子税务局办理跨区域涉税事项有关事项",
                 "优化电子税务局身份认证有关事项", "电子税务局办税人员权限管理有关事项"),
        clauses=("纳税人可通过电子税务局办理登记、申报、缴款、发票、证明开具等高频涉税事项，实现“一网通办”。",
                 "新版电子税务局支持法定代表人、财务负责人、办税员等多种身份登录，纳税人可自行维护办税人员权限。",
                 "税务机关依托电子税务局为纳税人提供政策推送、风险提示和办税进度查询等服务。",
                 "纳税人在电子税务局提交的电子资料，与纸质资料具有同等效力。"),
        news=("依托电子税务局推出“一键申报”“智能预填”等功能，进一步压缩办税时间、减轻办税负担。",
              "新版电子税务局上线以来运行平稳，绝大多数涉税事项已实现网上办理，“非接触式”办税成为主流。"),
        guides=("电子税务局注册与登录", "电子税务局跨区域涉税事项报告", "电子税务局开具完税证明"),
    ),
    Topic(
        "rd", "研发费用加计扣除", "企业所得税",
        matters=("进一步完善研发费用税前加计扣除政策", "研发费用加计扣除政策执行指引有关事项",
                 "企业预缴申报享受研发费用加计扣除政策有关事项", "集成电路和工业母机企业研发费用加计扣除政策"),
        clauses=("企业开展研发活动中实际发生的研发费用，未形成无形资产计入当期损益的，在按规定据实扣除的基础上，再按照实际发生额的100%在税前加计扣除。",
                 "企业在10月份预缴申报第3季度企业所得税时，可以自主选择就当年前三季度研发费用享受加计扣除优惠政策。",
                 "企业应当按照国家财务会计制度要求，对研发支出进行会计处理，并设置研发支出辅助账。",
                 "税务机关应当加强对企业享受研发费用加计扣除优惠的后续管理。"),
        news=("研发费用加计扣除政策精准直达，有效激发了企业加大研发投入的积极性。",
              "税务部门通过“一户一策”辅导，帮助科技型中小企业准确归集研发费用、应享尽享加计扣除政策。"),
        guides=("研发费用加计扣除优惠享受", "研发支出辅助账填报"),
        joint=True,
    ),
    Topic(
        "cit", "企业所得税汇算清缴", "企业所得税",
        matters=("修订企业所得税年度纳税申报表有关事项", "企业所得税汇算清缴有关事项",
                 "跨地区经营汇总纳税企业所得税征收管理有关事项", "企业所得税税前扣除凭证管理有关事项"),
        clauses=("企业应当自年度终了之日起五个月内，向税务机关报送年度企业所得税纳税申报表，并汇算清缴，结清应缴应退税款。",
                 "企业在汇算清缴期内发现当年企业所得税申报有误的，可在汇算清缴期内重新办理企业所得税年度纳税申报。",
                 "企业应在当年度企业所得税法规定的汇算清缴期结束前取得税前扣除凭证。",
                 "跨地区经营汇总纳税企业实行“统一计算、分级管理、就地预缴、汇总清算、财政调库”的管理办法。"),
        news=("企业所得税汇算清缴期间，税务部门推出申报表预填、智能校验等服务，帮助企业准确、便捷完成申报。",),
        guides=("企业所得税年度纳税申报", "企业所得税更正申报"),
    ),
    Topic(
        "refund", "增值税留抵退税", "增值税",
        matters=("进一步加大增值税期末留抵退税政策实施力度有关事项", "增值税期末留抵退税征收管理有关事项",
                 "先进制造业企业增值税加计抵减政策有关事项"),
        clauses=("符合条件的纳税人，可以向主管税务机关申请退还增量留抵税额。",
                 "纳税人应在增值税纳税申报期内，完成本期增值税纳税申报后，通过电子税务局或办税服务厅提交《退（抵）税申请表》。",
                 "纳税人取得退还的留抵税额后，应相应调减当期留抵税额。",
                 "税务机关应当加强留抵退税事中事后监管，严厉打击骗取留抵退税违法行为。"),
        news=("增值税留抵退税政策持续发挥效应，为企业增加了现金流，助力企业扩大投资、稳定生产。",),
        guides=("增值税期末留抵税额退税",),
        joint=True,
    ),
    Topic(
        "social", "社会保险费", "社会保险费",
        matters=("社会保险费征缴有关事项", "灵活就业人员缴纳社会保险费有关事项", "城乡居民基本医疗保险费征缴有关事项"),
        clauses=("缴费单位可通过电子税务局、社会保险费管理客户端等渠道申报缴纳社会保险费。",
                 "灵活就业人员可通过手机App、自助终端、银行柜台等多种渠道缴纳社会保险费。",
                 "城乡居民基本医疗保险费按年度缴纳，缴费期由各省确定并向社会公布。"),
        news=("税务部门拓展社会保险费缴费渠道，实现社保缴费“掌上办”“指尖办”。",),
        guides=("社会保险费缴费申报", "灵活就业人员社会保险费缴纳"),
    ),
    Topic(
        "property", "印花税和契税", "财产和行为税",
        matters=("实施《中华人民共和国印花税法》等有关事项", "契税征收管理有关事项",
                 "简并财产和行为税纳税申报表有关事项", "房产税和城镇土地使用税申报有关事项"),
        clauses=("纳税人申报缴纳城镇土地使用税、房产税、车船税、印花税、耕地占用税、资源税、土地增值税、契税、环境保护税、烟叶税中一个或多个税种时，使用《财产和行为税纳税申报表》。",
                 "印花税按季、按年或者按次计征。实行按季、按年计征的，纳税人应当自季度、年度终了之日起十五日内申报缴纳税款。",
                 "纳税人办理纳税事项时，应当如实填写《契税税源明细表》，并根据具体情形提交相关资料。",
                 "税务机关应当与相关部门建立信息共享和工作配合机制，加强财产和行为税征收管理。"),
        news=("财产和行为税“十税合一”申报全面推行，纳税人申报时间大幅缩短。",),
        guides=("财产和行为税合并申报", "契税申报"),
    ),
    Topic(
        "credit", "纳税信用管理", "征收管理",
        matters=("纳税信用评价与修复有关事项", "纳税信用管理办法有关事项", "重大税收违法失信主体信息公布管理有关事项",
                 "优化纳税信用评价指标有关事项"),
        clauses=("税务机关每年4月确定上一年度纳税信用评价结果，并为纳税人提供自我查询服务。",
                 "纳税人符合规定条件的，可在规定期限内向主管税务机关申请纳税信用修复。",
                 "对纳税信用评价为A级的纳税人，税务机关予以公开公布，并提供绿色通道等激励措施。",
                 "重大税收违法失信主体信息公布期间，税务机关依法将其信息推送至相关部门实施联合惩戒。"),
        news=("纳税信用体系建设持续深化，“以信促征、以信申贷”惠及更多守信纳税人。",
              "税务部门依法查处一批虚开增值税专用发票、骗取出口退税等违法案件，有力维护了公平公正的税收秩序。"),
        guides=("纳税信用修复申请", "纳税信用评价结果查询"),
    ),
)
TOPIC_BY_KEY = {t.key: t for t in TOPICS}

GENERIC_NEWS = (
    "{org}坚持以纳税人缴费人为中心，聚焦经营主体急难愁盼问题，持续优化税费服务举措。",
    "活动期间，各级税务机关通过线上直播、“税费服务进企业”等方式，向纳税人缴费人精准推送税费优惠政策。",
    "据统计，今年以来共为纳税人缴费人办理各类涉税业务{n}万笔，“非接触式”办税比例达到{pct}%。",
    "税务部门主动对接工商联、行业协会，建立常态化问需机制，收集并解决纳税人缴费人诉求{n2}条。",
    "12366纳税缴费服务热线同步开通政策专席，为纳税人缴费人提供“一站式”咨询服务。",
    "通过税收大数据分析，税务部门精准识别符合条件的纳税人，点对点推送政策提醒。",
    "税务部门持续深化税收征管改革，推动税务执法、服务、监管的制度创新和业务变革。",
)
CLOSINGS = (
    "下一步，{org}将继续深化税收征管改革，持续推出更多便民办税缴费举措，不断提升纳税人缴费人满意度和获得感。",
    "{org}有关负责人表示，将坚持依法依规征税收费，坚决防止收“过头税费”，持续营造公平公正的税收环境。",
    "下一步，税务部门将进一步加强部门协作，推动税费优惠政策直达快享，为经营主体发展增添动力。",
)
REPRINT_SOURCES = (("中国税务报", "https://www.ctaxnews.com.cn/"), ("新华网", "https://www.news.cn/"),
                   ("人民网", "http://www.people.com.cn/"))

# (title, months or None, levels "all"/"national"/"local", topic key or None, lead sentence)
NEWS_TEMPLATES = (
    ("国家税务总局召开{year}年全国税务系统纳税服务工作视频会议", None, "national", None,
     "国家税务总局召开视频会议，总结纳税服务工作成效，部署下一阶段重点任务"),
    ("全国税务系统深化税收征管改革推进会在京召开", None, "national", None,
     "全国税务系统深化税收征管改革推进会在京召开，交流各地改革经验，研究部署重点工作"),
    ("税务总局召开新闻发布会 介绍{topic}有关情况", None, "national", "*",
     "国家税务总局召开新闻发布会，有关司局负责同志介绍{topic}相关工作进展并回答记者提问"),
    ("税务总局部署开展{year}年“便民办税春风行动”", (2, 3), "national", None,
     "国家税务总局部署开展{year}年“便民办税春风行动”，推出系列便民办税缴费措施"),
    ("{unit}扎实开展“便民办税春风行动”", (3, 4, 5), "all", "etax",
     "{unit}以“便民办税春风行动”为载体，推出一系列务实举措，切实提升纳税人缴费人办税缴费体验"),
    ("{year0}年度个人所得税综合所得汇算清缴进展顺利", (3, 4, 5, 6), "national", "iit",
     "{year0}年度个人所得税综合所得汇算清缴工作平稳有序推进，绝大多数纳税人通过个人所得税App完成申报"),
    ("税务部门持续落实小微企业税费优惠政策 {period}新增减税降费及退税缓费超{n}亿元", (4, 5, 7, 8, 10, 11), "national",
     "small", "国家税务总局发布数据显示，{period}全国新增减税降费及退税缓费超{n}亿元"),
    ("{ushort}税务：“数电发票”扩围提质 惠企便民", None, "all", "vat_invoice",
     "{unit}稳步推进全面数字化的电子发票推广应用，受票纳税人普遍反映开票更便捷、入账更高效"),
    ("{ushort}税务：电子税务局功能升级 “非接触式”办税更便捷", None, "all", "etax",
     "{unit}持续优化电子税务局功能，新增多项智能服务，纳税人办税缴费更加便利"),
    ("{ushort}税务：出口退税提速增效 助力外贸企业稳订单拓市场", None, "all", "export",
     "{unit}进一步压缩出口退税办理时间，为外贸企业送去“及时雨”"),
    ("{ushort}税务：研发费用加计扣除政策精准直达 激发创新活力", None, "all", "rd",
     "{unit}开展研发费用加计扣除政策专项辅导，帮助科技型企业用足用好政策"),
    ("{unit}开展“税费服务进园区” 问需于企解难题", None, "all", None,
     "{unit}组织业务骨干走进产业园区，面对面了解企业涉税诉求，现场解答政策疑问"),
    ("{unit}推出{n3}项便民办税缴费举措", None, "all", None,
     "{unit}围绕纳税人缴费人关切，集中推出{n3}项便民办税缴费举措"),
    ("国家税务总局与海关总署召开出口退税工作联席会议", None, "national", "export",
     "国家税务总局与海关总署召开出口退税工作联席会议，研究加强数据共享、提升退税效率"),
    ("{year}年{period}税收数据显示：经营主体活力持续增强", (4, 5, 7, 8, 10, 11), "national", None,
     "国家税务总局发布的税收数据显示，{period}全国新办涉税经营主体同比增长{pct2}%"),
    ("税务总局：增值税留抵退税政策持续发力 企业现金流有效改善", None, "national", "refund",
     "国家税务总局有关负责人介绍，增值税留抵退税政策持续发力，企业现金流得到有效改善"),
    ("{unit}依法查处一起虚开增值税专用发票案件", None, "all", "credit",
     "{unit}稽查局依法查处一起虚开增值税专用发票案件，对涉案企业依法追缴税款并处以罚款"),
    ("{ushort}税务：社保缴费“掌上办” 便民利民更高效", None, "all", "social",
     "{unit}拓展社会保险费缴费渠道，缴费人足不出户即可完成社保缴费"),
    ("{ushort}税务：财产和行为税合并申报 减负提效", None, "all", "property",
     "{unit}全面推行财产和行为税合并申报，纳税人一次申报即可完成多个税种申报"),
    ("{year0}年度企业所得税汇算清缴工作平稳有序开展", (4, 5), "all", "cit",
     "{org}扎实做好{year0}年度企业所得税汇算清缴工作，推出申报表预填等多项便利措施"),
    ("{org}召开{year}年{scope}税务工作会议", (1, 2), "local", None,
     "{org}召开{year}年{scope}税务工作会议，总结上一年度工作，部署本年度重点任务"),
    ("{org}举办{topic}政策专场辅导会", None, "local", "*",
     "{org}举办{topic}政策专场辅导会，{n2}余户企业财务人员参加"),
    ("{org}召开{year}年个人所得税综合所得汇算清缴工作部署会", (2, 3), "local", "iit",
     "{org}召开专题会议，部署{year}年个人所得税综合所得汇算清缴工作"),
    ("{org}开展“税务开放日”活动", None, "local", None,
     "{org}开展“税务开放日”活动，邀请纳税人代表走进税务机关，体验办税流程、提出意见建议"),
    ("{ushort}税务：纳税信用“变现” 守信企业获贷款{n}万元", None, "local", "credit",
     "{unit}深化“银税互动”合作，帮助守信小微企业凭纳税信用获得银行贷款"),
)

HOLIDAYS = (("元旦", (12,)), ("春节", (1, 2)), ("清明节", (3, 4)), ("劳动节", (4,)), ("端午节", (5, 6)),
            ("中秋节", (9,)), ("国庆节", (9,)))

# (title, months, levels, topic key, paragraphs) — paragraphs are formatted with the same fields
NOTICE_TEMPLATES = (
    ("{org}关于{m}月{d}日电子税务局系统升级暂停服务的公告", None, "all", "etax",
     ("为进一步提升电子税务局服务质量，{org}定于{m}月{d}日20:00至次日8:00对电子税务局进行系统升级。",
      "升级期间，电子税务局、个人所得税App等渠道将暂停办理涉税业务，请广大纳税人合理安排办税时间。",
      "由此给您带来的不便，敬请谅解。")),
    ("{org}关于{year}年{m}月份申报纳税期限的通知", (1, 2, 4, 5, 6, 9, 10), "all", None,
     ("根据《中华人民共和国税收征收管理法实施细则》有关规定和{year}年节假日安排，现将{m}月份申报纳税期限通知如下：",
      "{year}年{m}月份申报纳税期限延长至{m}月{dd}日。",
      "请各级税务机关做好宣传辅导工作，提醒纳税人按期申报纳税。")),
    ("{org}关于{year0}年度个人所得税综合所得汇算清缴预约办税的通告", (2, 3), "all", "iit",
     ("为合理分散办税时间，{year0}年度个人所得税综合所得汇算清缴实行预约办理。",
      "3月1日至3月20日期间，纳税人可通过个人所得税App预约上述时间段中的任意一天办理；3月21日至6月30日，纳税人无需预约，可以随时办理。",
      "纳税人如需帮助，可拨打12366纳税缴费服务热线咨询。")),
    ("{org}关于开展{year}年度纳税人缴费人满意度调查的公告", (6, 7, 8, 9), "all", None,
     ("为进一步了解纳税人缴费人需求，持续改进税费服务，{org}决定开展{year}年度纳税人缴费人满意度调查。",
      "本次调查采取网上问卷方式进行，纳税人缴费人可登录电子税务局参与调查。",
      "调查结果将作为改进税费服务工作的重要依据。")),
    ("{org}关于公布{year0}年度纳税信用A级纳税人名单的公告", (4, 5), "all", "credit",
     ("根据纳税信用管理有关规定，现将{year0}年度纳税信用A级纳税人名单予以公布。",
      "纳税人可通过电子税务局查询本单位纳税信用评价结果。",
      "对公布的名单有异议的，可向主管税务机关提出纳税信用复评申请。")),
    ("{org}关于做好{year0}年度企业所得税汇算清缴工作的通知", (1, 2, 3, 4, 5), "all", "cit",
     ("为做好{year0}年度企业所得税汇算清缴工作，现就有关事项通知如下：",
      "一、各级税务机关要加强政策宣传辅导，确保纳税人准确理解和适用政策。",
      "二、纳税人应当于5月31日前完成{year0}年度企业所得税汇算清缴申报。")),
    ("关于{unit}办税服务厅迁址的公告", None, "local", None,
     ("为进一步改善办税环境，{unit}办税服务厅将于{m}月{dd}日起迁至新址办公。",
      "迁址期间，纳税人可通过电子税务局办理涉税业务。",
      "咨询电话：12366。")),
    ("关于征集{year}年度税收科研课题的通知", (3, 4), "national", None,
     ("为充分发挥税收科研服务决策的作用，国家税务总局决定面向社会公开征集{year}年度税收科研课题。",
      "申报单位可登录本网站下载课题申报书，并于规定时间内报送。")),
    ("关于开展{year}年全国税收宣传月活动的通知", (3,), "national", None,
     ("今年4月是第{nth}个全国税收宣传月。为做好税收宣传月活动，现就有关事项通知如下：",
      "一、各级税务机关要紧扣宣传主题，创新宣传方式，广泛开展形式多样的宣传活动。",
      "二、要加强与新闻媒体合作，讲好中国税收故事。")),
)

POLICY_OPENINGS = (
    "为贯彻落实党中央、国务院决策部署，进一步优化税收营商环境，现就{matter}公告如下：",
    "为进一步便利纳税人办税缴费，规范税收征收管理，现就{matter}公告如下：",
    "根据《中华人民共和国税收征收管理法》及其实施细则等有关规定，现就{matter}公告如下：",
)
CN_NUMBERS = "一二三四五六七八九十"

TREATY_COUNTRIES = ("阿尔及利亚", "安哥拉", "巴西", "哥伦比亚", "肯尼亚", "加蓬", "刚果（布）", "阿根廷", "乌拉圭",
                    "喀麦隆")

INTERVIEW_QUESTIONS = (
    ("哪些纳税人可以享受{topic}相关政策？", "符合条件的纳税人均可按规定享受。{clause}"),
    ("纳税人通过什么渠道办理？", "纳税人可以通过电子税务局在线办理，也可以到办税服务厅办理。{clause}"),
    ("在政策落实中，税务部门做了哪些工作？", "{news}"),
    ("对纳税人还有什么提示？", "请纳税人关注税务部门官方网站和新媒体发布的信息，如有疑问可拨打12366纳税缴费服务热线咨询。"),
)

PROCUREMENT_PROJECTS = ("金税工程运维服务项目", "网站群平台安全运维服务项目", "12366纳税缴费服务热线外包服务项目",
                        "办税服务厅自助终端采购项目", "数据中心机房设备维保项目", "税务干部教育培训服务项目",
                        "办公设备及耗材采购项目", "档案数字化加工服务项目")
PROCUREMENT_KINDS = ("公开招标公告", "中标（成交）结果公告", "更正公告")

CONSULTATION_DRAFTS = ("纳税信用管理办法", "税务行政处罚裁量权行使规则", "税务规范性文件制定管理办法",
                       "发票管理办法实施细则", "涉税专业服务管理办法", "税收票证管理办法", "个体工商户税收定期定额征收管理办法")

FORMS = ("增值税及附加税费申报表（一般纳税人适用）", "居民企业（查账征收）企业所得税年度纳税申报表",
         "个人所得税年度自行纳税申报表（A表）", "出口退（免）税备案表", "财产和行为税纳税申报表")

POSITIONS_NATIONAL = ("司长", "副司长", "局长", "副局长", "主任", "副主任")
POSITIONS_LOCAL = ("处长", "副处长", "局长", "副局长", "主任", "副主任")


# ---------------------------------------------------------------------------------------
# Article generation
# ---------------------------------------------------------------------------------------

@dataclass
class ArticleSpec:
    """One article to create. ``ref`` is its position in the generated list; ``superseded_by``
    and ``interprets`` refer to earlier refs (the list is in a creation-safe order)."""

    ref: int
    column: str
    fields: dict
    when: datetime | None  # the display/publication time; None for drafts
    publish: bool = True
    superseded_by: int | None = None
    interprets: int | None = None
    attachment: tuple | None = None  # (file name, title, bytes)
    group: str = ""


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def paragraphs(*texts):
    return "".join(f"<p>{text}</p>" for text in texts if text)


class _Generator:
    def __init__(self, spec):
        self.spec = spec
        self.rng = random.Random(f"taxsite-demo:{spec.code}")
        self.national = spec.level == "national"
        self.items = []
        self.titles = set()
        self.end = datetime.combine(BASE_DATE, time(18, 0), tzinfo=TZ)
        self.start = self.end - timedelta(days=SPAN_DAYS)

    # --- helpers ---
    def moment(self, months=None, *, after=None, before=None):
        """A working-hours time on a weekday in the span (optionally in given months)."""
        start, end = after or self.start, before or self.end
        for _attempt in range(200):
            day = start.date() + timedelta(days=self.rng.randrange(max((end.date() - start.date()).days, 1) + 1))
            if day.weekday() >= 5 or (months and day.month not in months):
                continue
            when = datetime.combine(day, time(self.rng.randint(8, 17), self.rng.choice((0, 10, 20, 30, 40, 50))),
                                    tzinfo=TZ)
            if start <= when <= end:
                return when
        return None

    def fill(self, when, topic=None, unit=None):
        year, month = when.year, when.month
        unit = unit or self.rng.choice(self.spec.units)
        return dict(
            org=self.spec.org, scope=self.spec.scope_word, unit=unit[1], ushort=unit[0], year=year, year0=year - 1,
            m=month, d=when.day, dd=min(when.day + self.rng.randint(3, 10), 28),
            period={1: "一季度", 2: "上半年", 3: "前三季度"}[min(max(1, (month - 1) // 3), 3)],
            n=self.rng.randint(120, 9800), n2=self.rng.randint(300, 4000), n3=self.rng.randint(8, 30),
            pct=self.rng.randint(86, 98), pct2=round(self.rng.uniform(3.0, 12.0), 1),
            topic=topic.name if topic else "", nth=year - 1991,
        )

    def add(self, column, fields, when, **extra):
        item = ArticleSpec(ref=-1, column=column, fields=fields, when=when, **extra)
        self.items.append(item)
        return item

    def unique(self, title):
        if title in self.titles:
            return False
        self.titles.add(title)
        return True

    def topic_sentences(self, topic, ctx, k=2):
        pool = list(topic.news) if topic else []
        pool += [s.format(**ctx) for s in self.rng.sample(GENERIC_NEWS, 3)]
        return [s.format(**ctx) for s in pool[:k + 1]]

    # --- content kinds ---
    def pages(self):
        when = datetime.combine(self.start.date() + timedelta(days=20), time(9, 0), tzinfo=TZ)
        org = self.spec.org
        leaders = [person_name(self.rng) for _ in range(5)]
        posts = ("局长", "副局长", "副局长", "副局长", "总经济师")
        self.add("leaders", dict(kind="other", title=f"{org}领导", body=paragraphs(
            *(f"<strong>{post}</strong>：{name}" for post, name in zip(posts, leaders)),
            "以上信息如有变动，以本栏目最新公布为准。")), when, group="page")
        duties = (
            "贯彻执行党中央关于税收工作的方针政策和决策部署，在履行职责过程中坚持和加强党对税收工作的集中统一领导。",
            "具体起草税收法律法规草案及实施细则并提出税收政策建议，制定和监督执行税收业务、征收管理的规章制度。",
            "负责组织实施税收及社会保险费、有关非税收入的征收管理，力争税费应收尽收。",
            "负责规划和组织实施纳税服务体系建设，制定纳税服务管理制度，保护纳税人合法权益。",
            "负责组织实施税收征收管理体制改革，组织开展税收大数据分析和税收经济分析。",
        ) if self.national else (
            f"贯彻执行国家税收法律法规和国家税务总局的工作部署，负责{org.removeprefix('国家税务总局')}辖区内各项税收、社会保险费和有关非税收入的征收管理工作。",
            "组织实施纳税服务体系建设，开展税法宣传和纳税咨询辅导，保护纳税人缴费人合法权益。",
            "负责辖区内税务稽查、税收风险管理和税收经济分析工作。",
            "承担上级税务机关和地方人民政府交办的其他事项。",
        )
        self.add("functions", dict(kind="other", title=f"{org}主要职责", body=paragraphs(*duties)), when, group="page")
        self.add("xxgk_guide", dict(kind="other", title=f"{org}政府信息公开指南", body=paragraphs(
            f"为更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制{org}政府信息公开指南。",
            "一、主动公开：本机关主动公开的政府信息，通过本网站“政府信息公开”栏目及时发布。",
            "二、依申请公开：公民、法人或者其他组织可以向本机关申请获取相关政府信息。",
            f"三、联系方式：联系电话{self.spec.contact_phone}，通信地址{self.spec.address}。")), when, group="page")
        if self.national:
            export = TOPIC_BY_KEY["export"]
            self.add("export_rates", dict(kind="other", title="出口退税率查询", body=paragraphs(
                "纳税人可以通过电子税务局“出口退税率查询”功能，按商品编码或商品名称查询出口退税率。",
                *export.clauses[:2])), when, group="page")

    def policies(self):
        org = self.spec.org
        combos = [(t, m) for t in TOPICS for m in t.matters]
        self.rng.shuffle(combos)
        n = self.spec.counts.get("policies", 0)
        chosen = [combos[i % len(combos)] for i in range(n)]
        items = []
        for topic, matter in chosen:
            when = self.moment()
            joint = self.national and topic.joint and self.rng.random() < 0.6
            issuer = "财政部 税务总局" if joint else org
            title = f"{issuer}关于{matter}的公告"
            if not self.unique(title):
                title = f"{issuer}关于进一步明确{matter}的公告"
                if not self.unique(title):
                    continue
            opening = self.rng.choice(POLICY_OPENINGS).format(matter=matter)
            clauses = self.rng.sample(topic.clauses, min(3, len(topic.clauses)))
            items.append(dict(column="policies", topic=topic, issuer=issuer, title=title, when=when,
                              joint=joint, opening=opening, clauses=clauses, tail=[]))
        if self.national:
            for country in self.rng.sample(TREATY_COUNTRIES, self.spec.counts.get("treaties", 0)):
                when = self.moment()
                title = (f"国家税务总局关于中华人民共和国政府和{country}政府对所得消除双重征税和防止逃避税的协定"
                         "及议定书生效执行的公告")
                self.unique(title)
                items.append(dict(column="treaties", topic=None, issuer=org, title=title, when=when, joint=False,
                                  opening=f"中华人民共和国政府和{country}政府对所得消除双重征税和防止逃避税的协定及议定书已经生效，现予公告。",
                                  clauses=["该协定及议定书适用于在协定生效年度的次年1月1日或以后开始的纳税年度中取得的所得。",
                                           "协定文本可在本网站“税收协定”栏目查询。"], tail=[]))
        items.sort(key=lambda p: p["when"])
        # Document and index numbers run in date order per issuer and year.
        counters = {}
        for p in items:
            year = p["when"].year
            key = (p["issuer"], year)
            counters[key] = counters.get(key, 0) + self.rng.randint(1, 3)
            p["doc_number"] = f"{p['issuer']}公告{year}年第{counters[key]}号"
            ikey = ("index", year)
            counters[ikey] = counters.get(ikey, 0) + self.rng.randint(1, 40)
            p["index_number"] = f"{self.spec.index_prefix}-01-{year}-{counters[ikey]:05d}"
            p["date_written"] = (p["when"] - timedelta(days=self.rng.randint(1, 12))).date()
            p["validity"], p["validity_date"], p["superseded_by"] = "valid", None, None
        # Some older policies were replaced by a newer one of the same topic.
        replaced = 6 if self.national else 1
        by_topic = {}
        for p in items:
            if p["topic"] is not None:
                by_topic.setdefault(p["topic"].key, []).append(p)
        pairs = [(group[0], group[-1]) for group in by_topic.values() if len(group) >= 2]
        self.rng.shuffle(pairs)
        for i, (old, new) in enumerate(pairs[:replaced]):
            old["validity"] = "repealed" if i % 3 != 2 else "partly_valid"
            old["validity_date"] = new["when"].date()
            old["superseded_by"] = new
            if old["validity"] == "repealed":
                new["tail"].append(f"《{old['title']}》（{old['doc_number']}）同时废止。")
            else:
                new["tail"].append(f"《{old['title']}》（{old['doc_number']}）第二条同时废止。")
        if self.national:
            # One time-limited measure that has run out.
            for p in items:
                if (p["topic"] is not None and p["validity"] == "valid" and p["when"].year == BASE_DATE.year - 1
                        and not any(q["superseded_by"] is p for q in items)):
                    p["validity"], p["validity_date"] = "invalid", date(BASE_DATE.year, 1, 1)
                    p["tail"].append(f"本公告执行至{BASE_DATE.year - 1}年12月31日。")
                    break
        for p in items:
            p["spec"] = None
        # Creation order: every replacing policy before the ones it replaces.
        ordered = ([p for p in items if p["superseded_by"] is None]
                   + [p for p in items if p["superseded_by"] is not None])
        for p in ordered:
            numbered = [f"{CN_NUMBERS[i]}、{c}" for i, c in enumerate(p["clauses"])]
            last = len(numbered)
            effective = cn_date(p["when"].date() + timedelta(days=self.rng.choice((0, 0, 30))))
            numbered.append(f"{CN_NUMBERS[last]}、本公告自{effective}起施行。" + "".join(p["tail"]))
            body = paragraphs(p["opening"], *numbered, "特此公告。", p["issuer"], cn_date(p["date_written"]))
            topic = p["topic"]
            fields = dict(
                kind="policy", title=p["title"], body=body,
                summary=p["opening"], doc_number=p["doc_number"], index_number=p["index_number"],
                issuing_organ=p["issuer"],
                topic_category=topic.category if topic else "国际税收", date_written=p["date_written"],
                validity=p["validity"], validity_date=p["validity_date"], is_important=p["joint"],
            )
            p["spec"] = self.add(p["column"], fields, p["when"], group="policy")
            if p["superseded_by"] is not None:
                p["spec"].superseded_by = p["superseded_by"]["spec"]
        return [p for p in items if p["topic"] is not None]

    def interpretations(self, policies):
        k = min(self.spec.counts.get("interpretations", 0), len(policies))
        for p in sorted(self.rng.sample(policies, k), key=lambda p: p["when"]):
            when = min(p["when"] + timedelta(hours=self.rng.choice((0, 1, 2, 24))), self.end)
            topic = p["topic"]
            title = f"关于《{p['title']}》的解读"
            self.unique(title)
            clauses = p["clauses"]
            body = paragraphs(
                "<strong>一、出台背景</strong>",
                f"为深入贯彻落实党中央、国务院决策部署，进一步优化{topic.name}相关服务和管理，"
                f"{p['issuer']}制发了《{p['title']}》（{p['doc_number']}，以下简称《公告》）。",
                "<strong>二、主要内容</strong>",
                *clauses,
                "<strong>三、施行时间</strong>",
                f"《公告》自发布之日起施行。纳税人如有疑问，可拨打12366纳税缴费服务热线咨询。",
            )
            self.add("interpretations", dict(kind="interpretation", title=title, body=body,
                                             summary=f"{p['doc_number']}的政策解读。", topic_category=topic.category),
                     when, interprets=p["spec"], group="rest")

    def news(self):
        level = "national" if self.national else "local"
        templates = [t for t in NEWS_TEMPLATES if t[2] in ("all", level)]
        count = 0
        while count < self.spec.counts.get("news", 0):
            # The first few fall in the last ten days, so the news column is fresh at BASE_DATE
            # even after the newest items are kept back as drafts.
            recent = count <= self.spec.drafts
            when = self.moment(after=self.end - timedelta(days=10)) if recent else self.moment()
            candidates = [t for t in templates if t[1] is None or when.month in t[1]]
            title_t, _months, _levels, topic_key, lead = self.rng.choice(candidates)
            topic = self.rng.choice(TOPICS) if topic_key == "*" else TOPIC_BY_KEY.get(topic_key)
            ctx = self.fill(when, topic)
            title = title_t.format(**ctx)
            if not self.unique(title):
                continue
            body = paragraphs(
                f"{when.month}月{when.day}日，{lead.format(**ctx)}。" if self.rng.random() < 0.5
                else f"近日，{lead.format(**ctx)}。",
                *self.topic_sentences(topic, ctx),
                self.rng.choice(CLOSINGS).format(**ctx),
            )
            fields = dict(kind="news", title=title, body=body, summary=lead.format(**ctx) + "。")
            if self.rng.random() < 0.15:
                source, url = self.rng.choice(REPRINT_SOURCES)
                fields.update(origin="reprint", source_name=source, source_url=url)
            self.add("news", fields, when, group="rest")
            count += 1

    def notices(self):
        level = "national" if self.national else "local"
        templates = [t for t in NOTICE_TEMPLATES if t[2] in ("all", level)]
        count = 0
        target = self.spec.counts.get("notices", 0)
        while count < target:
            when = self.moment()
            if self.rng.random() < 0.3:
                holidays = [h for h, months in HOLIDAYS if when.month in months]
                if holidays:
                    holiday = self.rng.choice(holidays)
                    year = when.year + 1 if when.month == 12 else when.year
                    title = f"{self.spec.org}关于{year}年{holiday}假期办税服务安排的公告"
                    if self.unique(title):
                        self.add("notices", dict(kind="notice", title=title, body=paragraphs(
                            f"根据《国务院办公厅关于{year}年部分节假日安排的通知》，现将{holiday}假期办税服务安排公告如下：",
                            "一、假期期间，办税服务厅暂停对外服务，纳税人可通过电子税务局、个人所得税App等渠道办理涉税事项。",
                            "二、假期期间，12366纳税缴费服务热线正常提供咨询服务。",
                            "特此公告。")), when, group="rest")
                        count += 1
                    continue
            candidates = [t for t in templates if t[1] is None or when.month in t[1]]
            title_t, _months, _levels, topic_key, paras = self.rng.choice(candidates)
            ctx = self.fill(when, TOPIC_BY_KEY.get(topic_key))
            title = title_t.format(**ctx)
            if not self.unique(title):
                continue
            self.add("notices", dict(kind="notice", title=title, body=paragraphs(*(p.format(**ctx) for p in paras))),
                     when, group="rest")
            count += 1

    def guides(self):
        subjects = [(t, g) for t in TOPICS for g in t.guides]
        self.rng.shuffle(subjects)
        for i, (topic, subject) in enumerate(subjects[:self.spec.counts.get("guides", 0)]):
            when = self.moment()
            title = f"{subject}办税指南"
            self.unique(title)
            body = paragraphs(
                f"<strong>一、事项名称</strong>：{subject}",
                "<strong>二、适用对象</strong>：符合条件的纳税人缴费人。",
                f"<strong>三、政策依据</strong>：{self.rng.choice(topic.clauses)}",
                "<strong>四、办理材料</strong>：经办人身份证件；相关表单（可在电子税务局在线填写）。",
                "<strong>五、办理渠道</strong>：电子税务局、办税服务厅。",
                "<strong>六、办理时限</strong>：资料齐全、符合法定形式的，即时办结。",
                "<strong>七、注意事项</strong>：纳税人对报送材料的真实性和合法性承担责任。详见附件。",
            )
            pdf = demo_pdf(f"taxsite demo service guide {self.spec.code}-{i + 1:03d}")
            self.add("guides", dict(kind="guide", title=title, body=body, summary=f"{subject}的办理流程、材料和渠道。",
                                    topic_category=topic.category),
                     when, attachment=("办税指南.pdf", f"{title}（PDF版）", pdf), group="rest")
        for i, form in enumerate(FORMS[:self.spec.counts.get("forms", 0)]):
            when = self.moment()
            self.unique(form)
            pdf = demo_pdf(f"taxsite demo form {self.spec.code}-{i + 1:03d}")
            self.add("forms", dict(kind="guide", title=form, body=paragraphs(
                f"《{form}》及填表说明，请下载附件。", "纳税人也可以通过电子税务局在线填报。")),
                when, attachment=(f"{form}.pdf", form, pdf), group="rest")

    def interviews(self):
        topics = self.rng.sample(TOPICS, min(self.spec.counts.get("interviews", 0), len(TOPICS)))
        for topic in topics:
            when = self.moment()
            ctx = self.fill(when, topic)
            title = f"聚焦{topic.name}：{self.spec.org}相关部门负责同志在线答网友问"
            self.unique(title)
            qa = []
            for q, a in INTERVIEW_QUESTIONS:
                qa.append(f"<strong>主持人</strong>：{q.format(topic=topic.name)}")
                answer = a.format(clause=self.rng.choice(topic.clauses), news=self.rng.choice(topic.news))
                qa.append(f"<strong>嘉宾</strong>：{answer}")
            self.add("interviews", dict(kind="interview", title=title, body=paragraphs(
                f"{cn_date(when.date())}，{self.spec.org}相关部门负责同志做客在线访谈，就{topic.name}有关问题回答网友提问。",
                *qa)), when, group="rest")

    def appointments(self):
        positions = POSITIONS_NATIONAL if self.national else POSITIONS_LOCAL
        departments = [d.name for d in departments_for(self.spec.level) if not d.is_general_office]
        for i in range(self.spec.counts.get("appointments", 0)):
            when = self.moment()
            names = [person_name(self.rng) for _ in range(self.rng.randint(1, 3))]
            if i % 2:
                title = f"{self.spec.org}领导干部任前公示公告（{when.year}年第{i // 2 + 1}号）"
            else:
                title = f"{self.spec.org}关于{names[0]}{'等' if len(names) > 1 else ''}同志任职的通知"
            if not self.unique(title):
                continue
            lines = [f"任命{n}为{self.rng.choice(departments)}{self.rng.choice(positions)}；" for n in names]
            self.add("appointments", dict(kind="other", title=title, body=paragraphs(
                "经研究决定：", *lines, f"（{self.spec.org}  {cn_date(when.date())}）")), when, group="rest")

    def procurement(self):
        buyer = "国家税务总局集中采购中心" if self.national else self.spec.org
        for i in range(self.spec.counts.get("procurement", 0)):
            when = self.moment()
            project = f"{when.year}年{self.rng.choice(PROCUREMENT_PROJECTS)}"
            kind = PROCUREMENT_KINDS[i % len(PROCUREMENT_KINDS)]
            title = f"{buyer}{project}{kind}"
            if not self.unique(title):
                continue
            code = f"GSZC-{self.spec.index_prefix}-{when.year}-{i + 1:03d}"
            self.add("procurement", dict(kind="notice", title=title, body=paragraphs(
                f"项目名称：{project}", f"项目编号：{code}", "采购方式：公开招标",
                f"预算金额：{self.rng.randint(50, 2000)}万元",
                "供应商可通过中国政府采购网获取招标文件。",
                f"采购人：{self.spec.org}；联系电话：{self.spec.contact_phone}。")), when, group="rest")

    def statistics(self):
        done = set()
        while len(done) < self.spec.counts.get("statistics", 0):
            when = self.moment()
            ym = (when.year, when.month - 1) if when.month > 1 else (when.year - 1, 12)
            if ym in done:
                continue
            done.add(ym)
            year, month = ym
            title = f"{year}年1—{month}月税收收入情况" if month > 1 else f"{year}年1月税收收入情况"
            self.unique(title)
            total = self.rng.randint(14000, 16000) * month
            rows = "".join(
                f"<tr><td>{name}</td><td>{int(total * share)}</td><td>{self.rng.uniform(-3, 8):.1f}%</td></tr>"
                for name, share in (("国内增值税", 0.38), ("国内消费税", 0.09), ("企业所得税", 0.24), ("个人所得税", 0.08)))
            body = (paragraphs(f"{year}年1—{month}月，全国税收收入累计完成{total}亿元。")
                    + "<table><thead><tr><th>项目</th><th>累计（亿元）</th><th>同比增长</th></tr></thead>"
                    + f"<tbody>{rows}</tbody></table>")
            self.add("statistics", dict(kind="other", title=title, body=body), when, group="rest")

    def publicity(self):
        count = 0
        while count < self.spec.counts.get("publicity", 0):
            when = self.moment((4,) if count == 0 else None)
            if when is None:
                when = self.moment()
            ctx = self.fill(when)
            if when.month == 4:
                title = f"第{ctx['nth']}个全国税收宣传月活动启动" if self.national else f"{self.spec.org}启动第{ctx['nth']}个全国税收宣传月活动"
            else:
                title = self.rng.choice((
                    "税收普法进校园 {unit}开展青少年税收宣传教育活动",
                    "{unit}举办“税收与生活”主题宣传活动",
                    "“税法宣传进万家”系列活动走进{ushort}社区",
                )).format(**ctx)
            if not self.unique(title):
                continue
            self.add("publicity", dict(kind="news", title=title, body=paragraphs(
                f"{cn_date(when.date())}，{title}。",
                "活动通过知识问答、情景短剧、现场咨询等形式，普及税收法律知识，增强全社会依法诚信纳税意识。",
                self.rng.choice(CLOSINGS).format(**ctx))), when, group="rest")
            count += 1

    def consultation(self):
        for draft in self.rng.sample(CONSULTATION_DRAFTS, self.spec.counts.get("consultation", 0)):
            when = self.moment()
            title = f"{self.spec.org}关于《{draft}（征求意见稿）》公开征求意见的通知"
            self.unique(title)
            deadline = cn_date((when + timedelta(days=30)).date())
            self.add("consultation", dict(kind="notice", title=title, body=paragraphs(
                f"为进一步规范税收管理，{self.spec.org}起草了《{draft}（征求意见稿）》，现向社会公开征求意见。",
                "公众可通过以下途径和方式提出意见：",
                "一、登录本网站“公众参与—意见征集”栏目提出意见；",
                f"二、通过电子邮件将意见发送至{self.spec.contact_email}。",
                f"意见反馈截止时间为{deadline}。")), when, group="rest")

    def finance(self):
        if self.spec.counts.get("finance"):
            this_year = datetime(BASE_DATE.year, 1, 1, tzinfo=TZ)
            for title, when in ((f"国家税务总局{BASE_DATE.year}年部门预算", self.moment((3,), after=this_year)),
                                (f"国家税务总局{BASE_DATE.year - 1}年度部门决算", self.moment((7,), after=this_year))):
                self.unique(title)
                self.add("finance", dict(kind="notice", title=title, body=paragraphs(
                    f"根据预决算公开有关规定，现将{title}予以公开。",
                    "具体内容包括部门职责及机构设置、收支总表、财政拨款收支总表等。")), when, group="rest")

    # --- assembly ---
    def run(self):
        self.pages()
        policies = self.policies()
        self.interpretations(policies)
        self.news()
        self.notices()
        self.guides()
        self.interviews()
        self.appointments()
        self.procurement()
        self.statistics()
        self.publicity()
        self.consultation()
        self.finance()
        # The newest few items stay drafts (one guide among them, with its attachment).
        candidates = sorted((a for a in self.items if a.column in ("news", "notices")), key=lambda a: a.when,
                            reverse=True)
        guides = sorted((a for a in self.items if a.column == "guides"), key=lambda a: a.when, reverse=True)
        for item in candidates[:max(self.spec.drafts - 1, 0)] + guides[:1]:
            item.publish = False
        pages = [a for a in self.items if a.group == "page"]
        policies_ = [a for a in self.items if a.group == "policy"]  # already in creation-safe order
        rest = sorted((a for a in self.items if a.group == "rest"), key=lambda a: a.when)
        ordered = pages + policies_ + rest
        for ref, item in enumerate(ordered):
            item.ref = ref
        for item in ordered:
            if isinstance(item.superseded_by, ArticleSpec):
                item.superseded_by = item.superseded_by.ref
            if isinstance(item.interprets, ArticleSpec):
                item.interprets = item.interprets.ref
            if not item.publish:
                item.when = None
        return ordered


def generate_articles(spec):
    """The demo articles of one site, deterministic for ``spec.code``, in an order where every
    ``superseded_by`` / ``interprets`` reference points to an earlier item."""
    return _Generator(spec).run()


# Slips in flight for the demo's review queue: (title, stage reached).
WORKFLOW_SAMPLES = [
    ("关于调整办税服务厅冬季办公时间的通知", "dept_review"),
    ("电子税务局新增跨区域涉税事项报告功能的操作指引", "dept_review"),
    ("2026年度个人所得税综合所得汇算清缴预约办理指南", "office_review"),
    ("小规模纳税人增值税减免申报常见问题解答", "office_review"),
]
SAMPLE_BODY = "纳税人可通过电子税务局、办税服务厅等渠道办理相关业务。如有疑问，请拨打12366纳税缴费服务热线咨询。"
