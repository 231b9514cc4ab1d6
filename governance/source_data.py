"""Load the source report's organisations, awards and named practices.

Only what the report names. It gives no council names (only that 12
communities run three-level councils) and no mediation cases (only the count,
46), so no Council or MediationCase rows are created: both figures are
programme facts loaded by ``estates.source_data``. Records are found by slug,
or by subdistrict and Chinese name, so a rerun leaves the same rows.
"""

from __future__ import annotations

from django.db import transaction

from estates.models import MergedCourtyard, Subdistrict
from estates.source_data import COURTYARD_SLUG
from renovation_portal.loading import Tally, upsert

from .models import Award, Integration, Organisation, OrganisationKind, Practice

BRANCH_DESCRIPTION = (
    "“红色邻居”、“四合院”等一批联合党支部之一。把党支部建在网格上、党小组建在楼栋里、"
    "党员中心户设在单元中，组织党员开展问题攻坚、矛盾调解等活动。",
    "One of the joint Party branches such as Red Neighbours and Siheyuan: "
    "branches on grid cells, Party groups in buildings, member households in "
    "stairwells; members take on hard problems and mediate disputes.",
)
WARM_SUN_SLUG = "nuanyang-fuwudui"
WARM_SUN_DESCRIPTION = (
    "动员群众（人数未公开）成立，下设睦邻友爱、邻里矛盾调解、安居服务互助等70支"
    "分队。各分队结合自身优势、发挥专业特长，常态化开展志愿服务活动（次数未公开）。",
    "Formed by volunteers (how many is not disclosed) in 70 sub-teams, such as "
    "neighbourly friendship, dispute mediation and housing mutual help. Each "
    "sub-team uses its own strengths and skills in regular volunteer activities "
    "(how many is not disclosed).",
)
SUB_TEAM_DESCRIPTION = (
    "报道举例提到的“暖阳服务队”分队之一。",
    "One of the Warm Sun Service Team sub-teams the report gives as examples.",
)
# The three sub-teams the report names as examples ("睦邻友爱、邻里矛盾调解、
# 安居服务互助等70支分队"); the other 67 are not named.
SUB_TEAMS = (
    ("nuanyang-mulin-youai", "睦邻友爱分队", "Neighbourly friendship sub-team"),
    (
        "nuanyang-linli-maodun-tiaojie",
        "邻里矛盾调解分队",
        "Neighbour dispute mediation sub-team",
    ),
    ("nuanyang-anju-huzhu", "安居服务互助分队", "Housing mutual-help sub-team"),
)

# The report says the awards are given "定期" (regularly), not every year.
AWARD_FREQUENCY = ("定期评选", "Given regularly")
AWARD_DESCRIPTION = (
    "街道定期开展的评选活动之一，增强居民的社区认同感、归属感。获评名单和人数未公开。",
    "One of the awards the subdistrict gives regularly to strengthen residents' "
    "sense of belonging. Winners and their numbers are not disclosed.",
)
AWARDS = (
    ("和美楼栋", "Harmonious Building award"),
    ("和美家庭", "Harmonious Family award"),
    ("和美居民", "Harmonious Resident award"),
    ("最美志愿者", "Most Beautiful Volunteer award"),
    ("十佳楼栋长", "Top Ten Building Heads award"),
)

COUNCIL_MEASURE = (
    "三级议事制度下在12个社区推行的服务措施之一；报道未作具体说明。",
    "One of the measures run in 12 communities under the three-level councils; "
    "the report does not describe it further.",
)
# (integration, (name zh, en), (summary zh, en)), in the report's order.
PRACTICES = (
    (
        Integration.BUILDINGS,
        ("三合三并", "Three merges"),
        (
            "针对部分老旧小区街老、院老、房老、设施老、生活环境差的“四老一差”困局，"
            "合小并大、合乱并整、合块并片，拆墙通路，实现空间、设施共享。",
            "For compounds caught in the “four olds and one poor” (old streets, "
            "courtyards, buildings and facilities; a poor living environment): "
            "merge small into large, messy into orderly, blocks into areas, remove "
            "walls and open roads, so that space and facilities are shared.",
        ),
    ),
    (
        Integration.BUILDINGS,
        ("空、墙、地三管齐下", "Sky, walls and ground together"),
        (
            "强弱电入地2米，清理“空中蛛网”20余万米，更换照明设施，新修雨污分流管网，"
            "新增绿化，新打造文化长廊7条和墙体彩绘。",
            "Cables buried 2 m underground, over 200,000 m of overhead cable "
            "tangle cleared, lighting replaced, rain and sewage separation pipes "
            "laid, greening added, 7 culture corridors and wall paintings made.",
        ),
    ),
    (
        Integration.ORGANISATIONS,
        ("联合党支部", "Joint Party branches"),
        BRANCH_DESCRIPTION,
    ),
    (
        Integration.ORGANISATIONS,
        ("红色物业", "Red property management"),
        (
            "党建引领下多元参与、协商共治、网格协同的物业模式，以“三会一体”机制及时"
            "协调解决迫切问题。",
            "Property management led by the Party, with many parties taking part, "
            "joint consultation and grid coordination; urgent problems are settled "
            "through the three meetings in one.",
        ),
    ),
    (
        Integration.ORGANISATIONS,
        ("三会一体", "Three meetings in one"),
        (
            "周民情恳谈会、月问题协调会、季工作评监会。",
            "Weekly residents' sentiment talk, monthly problem coordination "
            "meeting, quarterly work evaluation meeting.",
        ),
    ),
    (
        Integration.ORGANISATIONS,
        ("三张清单", "Three lists"),
        (
            "建立资源、需求、服务三张清单，向电力、燃气、通信、消防支队等共建党组织发出"
            "问题“集合令”，协调解决线缆杂乱、飞线充电等难题，协调水、电、暖、通信等"
            "公共服务进小区。",
            "Lists of resources, needs and services; the Party organisations of "
            "the power, gas and telecom companies and the fire brigade are called "
            "in to deal with tangled cables and trailing charging leads, and "
            "water, power, heating and telecom services are brought into the "
            "compounds.",
        ),
    ),
    (
        # The report puts this under renovation and management going together,
        # before the four integrations; the model needs one, and property
        # management sits with Red property management here.
        Integration.ORGANISATIONS,
        ("先尝后买", "Try before you buy"),
        (
            "改造伊始即与管家帮、亚新等物业公司签订战略合作协议，以“先尝后买”的方式"
            "引进准物业；对“微”小区通过“大带小”“好带差”捆绑模式托底进驻，59个改造"
            "小区实现专业化物业全覆盖。",
            "Strategic agreements with property companies such as Guanjiabang and "
            "Yaxin from the start of the renovation; property management brought "
            "in on a try-before-you-buy basis, and micro compounds covered by "
            "bundling (“big brings small”, “good brings poor”); all 59 renovated "
            "compounds have professional property management.",
        ),
    ),
    (
        Integration.SERVICES,
        ("三分建、七分管", "Three parts building, seven parts managing"),
        (
            "把老旧小区改造与加强基层社会治理有机结合，构建“大服务”格局。",
            "Renovation combined with stronger grassroots governance, to build "
            "services on a wide scale.",
        ),
    ),
    (
        Integration.SERVICES,
        ("一刻钟生活圈", "15-minute living circle"),
        (
            "有针对性地配建、引进养老、医疗、幼教等公共服务设施，实现服务功能、资源"
            "利用深度融合。",
            "Elderly care, medical and pre-school services built or brought in "
            "where needed, so that services and resources are fully shared.",
        ),
    ),
    (
        Integration.SERVICES,
        ("“1+9”养老服务体系", "The “1+9” elderly-care system"),
        (
            "全市首个街道级综合养老中心与9个社区日间照料中心组成的养老服务体系。",
            "The city's first subdistrict-level comprehensive elderly-care centre "
            "with 9 community day-care centres.",
        ),
    ),
    (
        Integration.HEARTS,
        ("睦邻阵地建设", "Places for neighbourliness"),
        (
            "配套建设小区党群服务中心（面积未公开），将中华传统美德、社会主义核心"
            "价值观等内容融入小区文化建设。",
            "Party–community service centres built in the compounds (area not "
            "disclosed); traditional Chinese virtues and the core socialist values "
            "woven into the compounds' culture.",
        ),
    ),
    (
        Integration.HEARTS,
        ("睦邻活动", "Neighbourly activities"),
        (
            "定期开展“和美楼栋”“和美家庭”“和美居民”“最美志愿者”“十佳楼栋长”评选，"
            "常态化开展邻里互助、孝老爱亲等志愿活动，在传统节日、周末组织义写春联、"
            "百福送老人、端午节包粽子等文体活动。",
            "Regular Harmonious Building, Harmonious Family, Harmonious Resident, "
            "Most Beautiful Volunteer and Top Ten Building Heads awards; volunteers "
            "helping neighbours and caring for elders; on traditional festivals and "
            "weekends, free Spring Festival couplets, “a hundred blessings” for "
            "elders and zongzi-making at the Dragon Boat Festival.",
        ),
    ),
    (
        Integration.HEARTS,
        ("三级居民议事会", "Three-level councils"),
        (
            "探索建立“街道、社区、楼院”三级居民议事会制度，在12个社区推行，将议事"
            "制度延伸到楼院，成功调处各类矛盾纠纷46起。",
            "Residents' councils at three levels (subdistrict, community, "
            "courtyard), run in 12 communities and reaching down to the "
            "courtyards; 46 disputes mediated.",
        ),
    ),
    (Integration.HEARTS, ("红色代办", "Red errand service"), COUNCIL_MEASURE),
    (Integration.HEARTS, ("红色议事厅", "Red council hall"), COUNCIL_MEASURE),
    (Integration.HEARTS, ("说事评理会", "Talk and reason meeting"), COUNCIL_MEASURE),
)


def _organisation(
    *, slug: str, name: tuple[str, str], values: dict, tally: Tally
) -> Organisation:
    return upsert(
        Organisation,
        lookup={"slug": slug},
        values={"name_zh_hans": name[0], "name_en": name[1], **values},
        tally=tally,
    )


def _organisations_load(*, subdistrict: Subdistrict, tally: Tally) -> None:
    courtyard = MergedCourtyard.objects.get(slug=COURTYARD_SLUG)
    branch = {
        "kind": OrganisationKind.JOINT_PARTY_BRANCH,
        "subdistrict": subdistrict,
        "description_zh_hans": BRANCH_DESCRIPTION[0],
        "description_en": BRANCH_DESCRIPTION[1],
    }
    _organisation(
        slug="hongse-linju-dangzhibu",
        name=("“红色邻居”联合党支部", "Red Neighbours joint Party branch"),
        values={**branch, "courtyard": None},
        tally=tally,
    )
    _organisation(
        slug="siheyuan-dangzhibu",
        name=("“四合院”联合党支部", "Siheyuan joint Party branch"),
        values={**branch, "courtyard": courtyard},
        tally=tally,
    )
    warm_sun = _organisation(
        slug=WARM_SUN_SLUG,
        name=("暖阳服务队", "Warm Sun Service Team"),
        values={
            "kind": OrganisationKind.VOLUNTEER_TEAM,
            "subdistrict": subdistrict,
            "members_count": None,
            "sub_teams_count": 70,
            "activities_count": None,
            "description_zh_hans": WARM_SUN_DESCRIPTION[0],
            "description_en": WARM_SUN_DESCRIPTION[1],
        },
        tally=tally,
    )
    for slug, name_zh, name_en in SUB_TEAMS:
        _organisation(
            slug=slug,
            name=(name_zh, name_en),
            values={
                "kind": OrganisationKind.VOLUNTEER_SUB_TEAM,
                "parent": warm_sun,
                "subdistrict": subdistrict,
                "members_count": None,
                "activities_count": None,
                "description_zh_hans": SUB_TEAM_DESCRIPTION[0],
                "description_en": SUB_TEAM_DESCRIPTION[1],
            },
            tally=tally,
        )


def _awards_load(*, subdistrict: Subdistrict, tally: Tally) -> None:
    for name_zh, name_en in AWARDS:
        upsert(
            Award,
            lookup={"subdistrict": subdistrict, "name_zh_hans": name_zh},
            values={
                "name_en": name_en,
                "frequency_zh_hans": AWARD_FREQUENCY[0],
                "frequency_en": AWARD_FREQUENCY[1],
                "description_zh_hans": AWARD_DESCRIPTION[0],
                "description_en": AWARD_DESCRIPTION[1],
            },
            tally=tally,
        )


def _practices_load(*, subdistrict: Subdistrict, tally: Tally) -> None:
    positions: dict[str, int] = {}
    for integration, name, summary in PRACTICES:
        positions[integration] = positions.get(integration, 0) + 1
        upsert(
            Practice,
            lookup={"subdistrict": subdistrict, "name_zh_hans": name[0]},
            values={
                "integration": integration,
                "name_en": name[1],
                "summary_zh_hans": summary[0],
                "summary_en": summary[1],
                "position": positions[integration],
            },
            tally=tally,
        )


@transaction.atomic
def load(*, subdistrict: Subdistrict) -> dict[str, int]:
    """Load organisations, awards and practices into ``subdistrict``; return how
    many records were created, updated and left unchanged."""
    tally = Tally()
    _organisations_load(subdistrict=subdistrict, tally=tally)
    _awards_load(subdistrict=subdistrict, tally=tally)
    _practices_load(subdistrict=subdistrict, tally=tally)
    return tally.as_dict()
