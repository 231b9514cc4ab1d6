"""Load the source report's places, estates and programme facts (FACTS.md).

Every record here is in the report; nothing is invented. Figures the report
does not give stay NULL. Each record is found by a natural key (a slug, or the
subdistrict and a key or Chinese title), so running the load again leaves the
same rows and resets the report's fields to the report's values.
"""

from __future__ import annotations

from django.db import transaction

from renovation_portal.loading import Tally, upsert

from .default_procedure import DEFAULT_PROCEDURE
from .models import (
    City,
    Community,
    District,
    Estate,
    Facility,
    FacilityKind,
    Honour,
    MergedCourtyard,
    Procedure,
    ProgrammeFact,
    PropertyCompany,
    Province,
    StepTemplate,
    Subdistrict,
)
from .source_facts import PROGRAMME_FACTS

SOURCE = "中国日报网 2024-10-23 报道（黎阳路街道老旧小区改造）"

PROVINCE_SLUG = "henan"
CITY_SLUG = "hebi"
DISTRICT_SLUG = "qibin"
SUBDISTRICT_SLUG = "liyanglu"
# The report names no community. Estate.community is required, so the named
# estates go into one placeholder that says so in both languages, rather than
# into an invented community; the street office moves them to their real
# communities when it enters its register.
PLACEHOLDER_COMMUNITY_SLUG = "community-not-disclosed"
COURTYARD_SLUG = "siheyuan"

NOT_DISCLOSED_DETAILS = (
    "所属社区、楼栋数、户数等未在报道中公开。",
    "Its community, buildings and households are not disclosed in the report.",
)

ESTATES = (
    (
        "jiudayuan",
        "九大院",
        "Jiudayuan",
        "被住建部评为老旧小区改造优秀案例；与锦绣江南小区一起被住建部和中央文明办"
        "评为全国“加强物业管理、共建美好家园”典型案例。报道称四合院、九大院成为"
        "鹤壁老旧小区改造的靓丽名片。",
        "Named an excellent case of old residential compound renovation by the "
        "Ministry of Housing and Urban-Rural Development, and, with Jinxiu "
        "Jiangnan, a national typical case of “strengthening property management, "
        "building beautiful homes” by the Ministry and the Central Civilisation "
        "Office. The report calls Siheyuan and Jiudayuan Hebi's showcases of old "
        "residential compound renovation.",
    ),
    (
        "jinxiujiangnan",
        "锦绣江南",
        "Jinxiu Jiangnan",
        "与九大院小区一起被住建部和中央文明办评为全国“加强物业管理、共建美好家园”"
        "典型案例。",
        "Named, with Jiudayuan, a national typical case of “strengthening property "
        "management, building beautiful homes” by the Ministry of Housing and "
        "Urban-Rural Development and the Central Civilisation Office.",
    ),
    (
        "jiahehaoyuan",
        "佳和豪苑",
        "Jiahe Haoyuan",
        "建有邻里中心，设党员活动区、居家养老区、儿童乐园区、读书休闲区。",
        "Has a neighbourhood centre with a Party activity area, home elderly-care "
        "area, children's playground and reading and leisure area.",
    ),
)

MINISTRY = (
    "住房和城乡建设部（住建部）",
    "Ministry of Housing and Urban-Rural Development",
)
MINISTRY_AND_CIVILISATION_OFFICE = (
    "住房和城乡建设部（住建部）、中央文明办",
    "Ministry of Housing and Urban-Rural Development and the Central "
    "Civilisation Office",
)
HONOURS = (
    (
        "老旧小区改造优秀案例",
        "Excellent case of old residential compound renovation",
        MINISTRY,
        ("jiudayuan",),
    ),
    (
        "全国“加强物业管理、共建美好家园”典型案例",
        "National typical case of “strengthening property management, building "
        "beautiful homes”",
        MINISTRY_AND_CIVILISATION_OFFICE,
        ("jiudayuan", "jinxiujiangnan"),
    ),
)

PROPERTY_COMPANY_DESCRIPTION = (
    "改造伊始即与黎阳路街道签订战略合作协议。街道以“先尝后买”的方式引进准物业，"
    "对“微”小区通过“大带小”“好带差”捆绑模式托底进驻，59个改造小区实现专业化物业"
    "全覆盖。所服务的小区未在报道中公开。",
    "Signed a strategic agreement with Liyang Road Subdistrict at the start of "
    "the renovation. The subdistrict brought property management in on a “try "
    "before you buy” basis and covered micro compounds by bundling (“big brings "
    "small”, “good brings poor”), so that all 59 renovated compounds have "
    "professional property management. Which compounds it serves is not "
    "disclosed in the report.",
)
PROPERTY_COMPANIES = (
    ("guanjiabang", "管家帮", "Guanjiabang"),
    ("yaxin", "亚新", "Yaxin"),
)

COURTYARD_DESCRIPTION = (
    "报道称四合院、九大院成为鹤壁老旧小区改造的靓丽名片。四合院建有邻里中心，"
    "组建了“四合院”联合党支部；其家庭美德、个人品德文化氛围与了不起小巷的社会公德、"
    "职业道德宣传相辅相成。报道中“先后整合小区13个，涉及楼房28栋，打通新修小区道路"
    "15条”是街道楼院合工作的总数，并未归于四合院，因此本院自身的合并数字未公开。",
    "The report calls Siheyuan and Jiudayuan Hebi's showcases of old residential "
    "compound renovation. Siheyuan has a neighbourhood centre and the Siheyuan "
    "joint Party branch; its culture of family and personal virtue complements "
    "the social and professional ethics shown at Remarkable Lane. The report's "
    "“13 compounds merged, 28 buildings, 15 new internal roads” are the "
    "subdistrict's totals for merging, not said to be Siheyuan's, so the "
    "courtyard's own figures are not disclosed.",
)

CENTRE_ZONES = (
    "党员活动区\n居家养老区\n儿童乐园区\n读书休闲区",
    "Party activity area\nHome elderly-care area\nChildren's playground\n"
    "Reading and leisure area",
)
CENTRE_DESCRIPTION = (
    "集“悦”读、议事、咨询、服务等为一体的“共享家”。服务人数未公开（报道原文数字缺失）。",
    "A “shared home” for reading, discussion, advice and services. The number of "
    "people served is not disclosed (the report's text lost it).",
)

PROCEDURE_NAME = (
    "默认实施步骤模板（示例，非街道办正式清单）",
    "Default step template (an example, not the office's own list)",
)
PROCEDURE_DESCRIPTION = (
    "黎阳路街道的实施细则把改造分为招投标、开工前准备、开工建设、竣工验收、长效管理"
    "5个阶段、45项具体操作步骤，但这45项步骤未公开。本模板是门户自带的示例，按国内"
    "老旧小区改造的通常做法编写，供街道办修改后使用。",
    "Liyang Road Subdistrict's implementation rules divide the renovation into "
    "5 stages (tendering, pre-construction preparation, construction, completion "
    "acceptance, long-term management) and 45 operating steps, but the 45 steps "
    "are not published. This template ships with the portal as an example, "
    "written after the usual practice of old residential compound renovation in "
    "China, for an office to edit before use.",
)


def subdistrict_get() -> Subdistrict:
    """Liyang Road Subdistrict, as loaded by :func:`load`."""
    return Subdistrict.objects.get(
        slug=SUBDISTRICT_SLUG,
        district__slug=DISTRICT_SLUG,
        district__city__slug=CITY_SLUG,
        district__city__province__slug=PROVINCE_SLUG,
    )


def _places_load(*, tally: Tally) -> tuple[Subdistrict, Community]:
    province = upsert(
        Province,
        lookup={"slug": PROVINCE_SLUG},
        values={"name_zh_hans": "河南省", "name_en": "Henan Province"},
        tally=tally,
    )
    city = upsert(
        City,
        lookup={"province": province, "slug": CITY_SLUG},
        values={"name_zh_hans": "鹤壁市", "name_en": "Hebi City"},
        tally=tally,
    )
    district = upsert(
        District,
        lookup={"city": city, "slug": DISTRICT_SLUG},
        values={"name_zh_hans": "淇滨区", "name_en": "Qibin District"},
        tally=tally,
    )
    subdistrict = upsert(
        Subdistrict,
        lookup={"district": district, "slug": SUBDISTRICT_SLUG},
        values={"name_zh_hans": "黎阳路街道", "name_en": "Liyang Road Subdistrict"},
        tally=tally,
    )
    community = upsert(
        Community,
        lookup={"slug": PLACEHOLDER_COMMUNITY_SLUG},
        values={
            "subdistrict": subdistrict,
            "name_zh_hans": "黎阳路街道（社区未公开）",
            "name_en": "Liyang Road Subdistrict (community not disclosed)",
        },
        tally=tally,
    )
    return subdistrict, community


def _facts_load(*, subdistrict: Subdistrict, tally: Tally) -> None:
    for position, row in enumerate(PROGRAMME_FACTS, start=1):
        key, label, value, qualifier, unit, note = row
        upsert(
            ProgrammeFact,
            lookup={"subdistrict": subdistrict, "key": key},
            values={
                "label_zh_hans": label[0],
                "label_en": label[1],
                "value": value,
                "qualifier": qualifier,
                "unit_zh_hans": unit[0],
                "unit_en": unit[1],
                "note_zh_hans": note[0],
                "note_en": note[1],
                "source": SOURCE,
                "position": position * 10,
            },
            tally=tally,
        )


def _estates_load(
    *, subdistrict: Subdistrict, community: Community, tally: Tally
) -> dict[str, Estate]:
    estates = {}
    for slug, name_zh, name_en, about_zh, about_en in ESTATES:
        # Only the name, place and what the report says: every figure stays
        # NULL and no steps are created, so the stage stays unknown.
        estates[slug] = upsert(
            Estate,
            lookup={"slug": slug},
            values={
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "community": community,
                "description_zh_hans": f"{about_zh}{NOT_DISCLOSED_DETAILS[0]}",
                "description_en": f"{about_en} {NOT_DISCLOSED_DETAILS[1]}",
            },
            tally=tally,
        )
    for title_zh, title_en, awarded_by, estate_slugs in HONOURS:
        honour = upsert(
            Honour,
            lookup={"subdistrict": subdistrict, "title_zh_hans": title_zh},
            values={
                "title_en": title_en,
                "awarded_by_zh_hans": awarded_by[0],
                "awarded_by_en": awarded_by[1],
                "year": None,
                "source": SOURCE,
            },
            tally=tally,
        )
        # set() adds and removes only the difference: a rerun never duplicates.
        honour.estates.set([estates[slug] for slug in estate_slugs])
    return estates


def _property_companies_load(*, tally: Tally) -> None:
    # Which estates they manage is not disclosed, so no estate is linked.
    for slug, name_zh, name_en in PROPERTY_COMPANIES:
        upsert(
            PropertyCompany,
            lookup={"slug": slug},
            values={
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "is_strategic_partner": True,
                "description_zh_hans": PROPERTY_COMPANY_DESCRIPTION[0],
                "description_en": PROPERTY_COMPANY_DESCRIPTION[1],
            },
            tally=tally,
        )


def _courtyard_and_centres_load(
    *, subdistrict: Subdistrict, estates: dict[str, Estate], tally: Tally
) -> None:
    courtyard = upsert(
        MergedCourtyard,
        lookup={"slug": COURTYARD_SLUG},
        values={
            "name_zh_hans": "四合院",
            "name_en": "Siheyuan",
            "subdistrict": subdistrict,
            "description_zh_hans": COURTYARD_DESCRIPTION[0],
            "description_en": COURTYARD_DESCRIPTION[1],
        },
        tally=tally,
    )
    centres = (
        (
            "siheyuan-linli-zhongxin",
            "四合院邻里中心",
            "Siheyuan Neighbourhood Centre",
            {"courtyard": courtyard},
        ),
        (
            "jiahehaoyuan-linli-zhongxin",
            "佳和豪苑邻里中心",
            "Jiahe Haoyuan Neighbourhood Centre",
            {"estate": estates["jiahehaoyuan"]},
        ),
    )
    for slug, name_zh, name_en, place in centres:
        upsert(
            Facility,
            lookup={"slug": slug},
            values={
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "kind": FacilityKind.NEIGHBOURHOOD_CENTRE,
                "subdistrict": subdistrict,
                "zones_zh_hans": CENTRE_ZONES[0],
                "zones_en": CENTRE_ZONES[1],
                "description_zh_hans": CENTRE_DESCRIPTION[0],
                "description_en": CENTRE_DESCRIPTION[1],
                "people_served": None,
                **place,
            },
            tally=tally,
        )


def _default_procedure_load(*, tally: Tally) -> None:
    # The shipped template is the one flagged as default; its steps are keyed
    # by number, so editing a name here renames the step instead of adding one.
    procedure = upsert(
        Procedure,
        lookup={"is_default_template": True},
        values={
            "name_zh_hans": PROCEDURE_NAME[0],
            "name_en": PROCEDURE_NAME[1],
            "description_zh_hans": PROCEDURE_DESCRIPTION[0],
            "description_en": PROCEDURE_DESCRIPTION[1],
        },
        tally=tally,
    )
    previous = None
    for number, row in enumerate(DEFAULT_PROCEDURE, start=1):
        stage, name_zh, name_en, documents_zh, documents_en = row
        step = upsert(
            StepTemplate,
            lookup={"procedure": procedure, "number": number},
            values={
                "stage": stage,
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "documents_zh_hans": documents_zh,
                "documents_en": documents_en,
            },
            tally=tally,
        )
        step.depends_on.set([previous] if previous else [])
        previous = step


@transaction.atomic
def load() -> dict[str, int]:
    """Load places, facts, estates, honours, companies, courtyard, centres and
    the default procedure; return how many records were created, updated and
    left unchanged."""
    tally = Tally()
    subdistrict, community = _places_load(tally=tally)
    _facts_load(subdistrict=subdistrict, tally=tally)
    estates = _estates_load(subdistrict=subdistrict, community=community, tally=tally)
    _property_companies_load(tally=tally)
    _courtyard_and_centres_load(subdistrict=subdistrict, estates=estates, tally=tally)
    _default_procedure_load(tally=tally)
    return tally.as_dict()
