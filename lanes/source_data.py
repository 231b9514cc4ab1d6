"""Load the source report's themed lanes, their features, tenants, honours and
the Saturday book swap fair.

Only what the report says: the estates beside each lane are not named, so no
lane is linked to an estate; figures the report lost (the culture wall's
length, Food Street's merchants) stay NULL. Records are found by slug, or by
their lane and Chinese name, so a rerun leaves the same rows.
"""

from __future__ import annotations

from django.db import transaction

from estates.models import Subdistrict
from renovation_portal.loading import Tally, upsert

from .models import (
    Event,
    Lane,
    LaneFeature,
    LaneHonour,
    LaneTenant,
    Recurrence,
    Weekday,
)

MOST_BEAUTIFUL_STREET = ("鹤壁市“最美街巷”", "Hebi “most beautiful street”")

# One dict per lane; every text is a (Chinese, English) pair; features are
# (name, description, quantity), tenants are names (all zero-rent bookshops).
LANES = (
    {
        "slug": "haitangshuxiang",
        "name": ("海棠书巷", "Haitang Book Lane"),
        "theme": ("以“书”为媒：读书文化", "Books: a culture of reading"),
        "motto": ("海棠花开·书香四溢", "Begonias bloom, books fill the air"),
        "landmark": ("桃源小学", "Taoyuan Primary School"),
        "description": (
            "以周恩来总理喜爱海棠及其名言“为中华之崛起而读书”为契合点，营造一方书香"
            "净土。道路、绿篱、小品、两侧楼院建筑和沿街商户一并提质改造，从景观小品到"
            "墙绘均突显“读书”文化，飘溢的“书香”与桃源小学的“书声”相互呼应。",
            "Inspired by Premier Zhou Enlai's love of begonias and his motto “study "
            "for the rise of China”. The road, hedges, street features, the "
            "buildings on both sides and the shops along it were renovated "
            "together; from street features to murals everything speaks of "
            "reading, and the scent of books answers the sound of reading from "
            "Taoyuan Primary School.",
        ),
        "occupancy_percent": None,
        "features": (
            (
                ("海棠书市", "Haitang Book Market"),
                (
                    "建在巷子两侧绿化地带，每周六举办“换书大集”，截至报道时已举办30余次，"
                    "是全市最大的露天二手书籍交易市场。",
                    "Built on the green strips along the lane; holds the Saturday "
                    "book swap fair, over 30 times by the time of the report, the "
                    "city's largest open-air second-hand book market.",
                ),
                None,
            ),
            (
                ("海棠书苑“鹤鸣轩”", "Haitang Book Garden reading room “Heming Xuan”"),
                (
                    "读书交流区。鹤壁市作协、鹤壁市诗歌朗诵协会、鹤壁市文联等组织在此"
                    "开展名家讲坛、朗诵、读书分享等文化活动。",
                    "A reading and exchange space, where the city writers' "
                    "association, poetry recital association and federation of "
                    "literary and art circles hold talks, recitals and book-sharing "
                    "sessions.",
                ),
                None,
            ),
            (
                ("小木屋", "Wooden cabins"),
                (
                    "以“0”房租引进书店入驻，为微市场主体营造良好“微环境”。",
                    "Let at zero rent to bookshops, a good start for small businesses.",
                ),
                6,
            ),
            (
                ("仿古文化墙", "Antique-style culture wall"),
                (
                    "长度未公开（报道原文数字缺失）。",
                    "Length not disclosed (the report's text lost it).",
                ),
                None,
            ),
        ),
        "tenants": (
            ("樊登书屋", "Fandeng Bookstore"),
            ("尚书房", "Shangshufang"),
            ("核桃书店", "Hetao Bookshop"),
        ),
        "honours": (MOST_BEAUTIFUL_STREET,),
    },
    {
        "slug": "meihuayixiang",
        "name": ("梅花艺巷", "Meihua Art Lane"),
        "theme": ("以“艺”为媒：创新与艺术", "Art and innovation"),
        "motto": ("", ""),
        "landmark": ("", ""),
        "description": (
            "以创新为主题，将古代四大发明、现代新四大发明的理念与景观雕塑、互动装置等"
            "融合，打造城市公共文化艺术空间，增加市民与街道景观的互动性。",
            "With innovation as its theme, it brings the four great ancient "
            "inventions and the “new four inventions” of today into sculptures and "
            "interactive installations: a public art space where people can "
            "interact with the street.",
        ),
        "occupancy_percent": None,
        "features": (
            (
                ("景观雕塑", "Sculptures"),
                (
                    "表现古代四大发明和现代新四大发明。",
                    "On the four great ancient inventions and the “new four "
                    "inventions”.",
                ),
                None,
            ),
            (
                ("互动装置", "Interactive installations"),
                (
                    "表现古代四大发明和现代新四大发明。",
                    "On the four great ancient inventions and the “new four "
                    "inventions”.",
                ),
                None,
            ),
        ),
        "tenants": (),
        "honours": (MOST_BEAUTIFUL_STREET,),
    },
    {
        "slug": "shizijie",
        "name": ("食字街", "Food Street"),
        "theme": ("以“食”为媒：美食街", "Food: a food street"),
        "motto": ("", ""),
        "landmark": ("", ""),
        "description": (
            "以“美食街”为定位，把城市管理的“老大难”变成城市北部新晋的网红打卡地。盘活"
            "长期闲置门面，搭建招商平台，定期举办美食品鉴、红歌比赛、舞蹈演出、书法"
            "绘画展示等活动，引进餐饮、商超、酒吧等商户（户数未公开），房屋出租率达95%，"
            "吸引了周边近万名群众。",
            "Positioned as a food street, it turned a long-standing management "
            "headache into a popular check-in spot in the north of the city. "
            "Long-empty shopfronts were brought back into use through an "
            "investment platform; tasting events, red-song contests, dance and "
            "calligraphy and painting shows are held regularly. Restaurants, shops "
            "and bars moved in (how many is not disclosed); occupancy is 95%, and "
            "the street draws nearly ten thousand people from around it.",
        ),
        "occupancy_percent": 95,
        "features": (),
        "tenants": (),
        "honours": (),
    },
    {
        "slug": "liaobuqixiaoxiang",
        "name": ("了不起小巷", "Remarkable Lane"),
        "theme": (
            "以“人”为媒：了不起的平凡人",
            "People: “remarkable ordinary people”",
        ),
        "motto": ("", ""),
        "landmark": ("", ""),
        "description": (
            "以宣扬社会公德、职业道德为主，与“四合院”的家庭美德、个人品德文化氛围相辅"
            "相成。通过人物长廊、人物展厅、宣讲区、浮雕墙等分享平凡人的“了不起”故事"
            "（人数未公开），点燃身边人的“道德光源”。",
            "Shows social and professional ethics, complementing the family and "
            "personal virtue at Siheyuan. A gallery of people, an exhibition hall, "
            "a talk area and a relief wall tell the stories of remarkable ordinary "
            "people (how many is not disclosed).",
        ),
        "occupancy_percent": None,
        "features": (
            (("人物长廊", "Gallery of people"), ("", ""), None),
            (("人物展厅", "Exhibition hall"), ("", ""), None),
            (("宣讲区", "Talk area"), ("", ""), None),
            (("浮雕墙", "Relief wall"), ("", ""), None),
        ),
        "tenants": (),
        "honours": (),
    },
)

BOOKSHOP = ("书店", "Bookshop")
TENANT_NOTE = ("入驻巷内小木屋，零房租。", "In one of the lane's cabins, at zero rent.")

BOOK_SWAP = {
    "slug": "huanshu-daji",
    "title": ("换书大集", "Book swap fair"),
    "description": (
        "海棠书市每周六举办，截至报道时已举办30余次，是全市最大的露天二手书籍交易"
        "市场。开始日期和时间未公开。",
        "Held by the Haitang Book Market every Saturday, over 30 times by the time "
        "of the report: the city's largest open-air second-hand book market. The "
        "start date and times are not disclosed.",
    ),
    # The report says "30余次" (over 30); the field holds the lower bound.
    "times_held": 30,
}


def _lane_load(*, subdistrict: Subdistrict, data: dict, tally: Tally) -> Lane:
    lane = upsert(
        Lane,
        lookup={"slug": data["slug"]},
        values={
            "subdistrict": subdistrict,
            **_both("name", data["name"]),
            **_both("theme", data["theme"]),
            **_both("motto", data["motto"]),
            **_both("landmark", data["landmark"]),
            **_both("description", data["description"]),
            "occupancy_percent": data["occupancy_percent"],
            "merchants": None,
        },
        tally=tally,
    )
    for position, (name, description, quantity) in enumerate(data["features"], 1):
        upsert(
            LaneFeature,
            lookup={"lane": lane, "name_zh_hans": name[0]},
            values={
                "name_en": name[1],
                **_both("description", description),
                "quantity": quantity,
                "length_m": None,
                "position": position,
            },
            tally=tally,
        )
    for name in data["tenants"]:
        upsert(
            LaneTenant,
            lookup={"lane": lane, "name_zh_hans": name[0]},
            values={
                "name_en": name[1],
                **_both("kind", BOOKSHOP),
                "zero_rent": True,
                **_both("note", TENANT_NOTE),
            },
            tally=tally,
        )
    for title in data["honours"]:
        upsert(
            LaneHonour,
            lookup={"lane": lane, "title_zh_hans": title[0]},
            values={"title_en": title[1], "year": None},
            tally=tally,
        )
    return lane


def _both(name: str, text: tuple[str, str]) -> dict[str, str]:
    return {f"{name}_zh_hans": text[0], f"{name}_en": text[1]}


@transaction.atomic
def load(*, subdistrict: Subdistrict) -> dict[str, int]:
    """Load the four themed lanes and the book swap fair into ``subdistrict``;
    return how many records were created, updated and left unchanged."""
    tally = Tally()
    lanes = {
        data["slug"]: _lane_load(subdistrict=subdistrict, data=data, tally=tally)
        for data in LANES
    }
    upsert(
        Event,
        lookup={"slug": BOOK_SWAP["slug"]},
        values={
            **_both("title", BOOK_SWAP["title"]),
            **_both("description", BOOK_SWAP["description"]),
            "subdistrict": subdistrict,
            "lane": lanes["haitangshuxiang"],
            "recurrence": Recurrence.WEEKLY,
            "weekday": Weekday.SATURDAY,
            "starts_on": None,
            "start_time": None,
            "end_time": None,
            "times_held": BOOK_SWAP["times_held"],
        },
        tally=tally,
    )
    return tally.as_dict()
