"""The programme's headline figures, exactly as the source report gives them.

Data only; ``estates.source_data`` loads it. A value of ``None`` means the
report names the figure but does not give it — the scrape of the report lost
many digits ("惠及户", "余米", "余个") — so it is stored as NULL, shown as "not
disclosed", and never guessed. Where the report says 约/余/近, the qualifier
keeps that word even while the value is unknown, so that a figure filled in
later by the office reads right.

Each row: (key, (label zh, en), value, qualifier, (unit zh, en), (note zh, en)).
Positions follow the order of the rows.
"""

from .models import Qualifier

EXACT, ABOUT, OVER, NEARLY = (
    Qualifier.EXACT,
    Qualifier.ABOUT,
    Qualifier.OVER,
    Qualifier.NEARLY,
)

COMPOUNDS = ("个", "compounds")
SQUARE_METRES = ("平方米", "m²")
METRES = ("米", "m")
HOUSEHOLDS = ("户", "households")
PERCENT = ("%", "%")
PEOPLE = ("人", "people")
NO_NOTE = ("", "")
LOST = (
    "报道原文此处数字缺失，未公开。",
    "The report's text lost this figure; not disclosed.",
)

PROGRAMME_FACTS = (
    # Headline (街道层面)
    (
        "compounds-renovated",
        ("累计完成改造小区", "Compounds renovated"),
        59,
        EXACT,
        COMPOUNDS,
        (
            "总体思路：系统改造、院院“四合”、街院一体、共建共享；“四合”老旧小区改造"
            "模式在全国推广。由深圳大学专业设计团队规划，衔接全市国土空间总体规划、"
            "总体城市设计和北部新城规划，对照完整居住社区六大建设标准，从民生、生态、"
            "文化三个维度整体设计。街道曾赴郑州、开封、安阳等地学习，许昌、濮阳、"
            "平顶山等地前来考察学习。小区名单未在报道中公开。",
            "Overall approach: systematic renovation, the Four Integrations in every "
            "courtyard, street and courtyard as one, co-build and share; the Four "
            "Integrations model has been promoted nationally. Planned by a Shenzhen "
            "University design team in line with the city's territorial spatial "
            "plan, city design and northern new town plan, and designed against the "
            "six construction standards of a complete residential community along "
            "three dimensions: livelihood, ecology and culture. The subdistrict "
            "studied Zhengzhou, Kaifeng and Anyang; Xuchang, Puyang and Pingdingshan "
            "sent study visits. The report does not list the compounds.",
        ),
    ),
    (
        "floor-area-renovated",
        ("改造面积", "Renovated floor area"),
        785800,
        ABOUT,
        SQUARE_METRES,
        ("报道原文：约78.58万平方米。", "The report says about 785,800 m²."),
    ),
    (
        "households-benefiting",
        ("惠及户数", "Households benefiting"),
        None,
        EXACT,
        HOUSEHOLDS,
        LOST,
    ),
    (
        "property-management-coverage",
        ("专业化物业覆盖率", "Professional property-management coverage"),
        100,
        EXACT,
        PERCENT,
        (
            "59个改造小区全部实现专业化物业全覆盖。",
            "All 59 renovated compounds have professional property management.",
        ),
    ),
    # Planning and process
    (
        "task-forces",
        ("工作专班", "Task forces"),
        10,
        EXACT,
        ("个", "task forces"),
        (
            "办事处、社区两级；由街道党工委书记任政委、主任任总指挥的指挥部统筹，"
            "每周听取推进情况汇报，联席会商解决问题。",
            "At two levels, subdistrict office and communities, under a headquarters "
            "led by the subdistrict Party secretary and director; weekly progress "
            "reports and joint consultation.",
        ),
    ),
    (
        "implementation-stages",
        ("实施阶段", "Implementation stages"),
        5,
        EXACT,
        ("个", "stages"),
        (
            "招投标、开工前准备、开工建设、竣工验收、长效管理。",
            "Tendering, pre-construction preparation, construction, completion "
            "acceptance, long-term management.",
        ),
    ),
    (
        "operating-steps",
        ("具体操作步骤", "Operating steps"),
        45,
        EXACT,
        ("项", "steps"),
        (
            "每一步列明所需材料，并制定居民意见登记表、实施程序表、满意度调查登记表"
            "等文书模板。45项步骤的名称未在报道中公开；门户自带的默认步骤模板只是示例。",
            "Each step lists the documents it needs; document templates include the "
            "resident opinion registration form, the implementation procedure form "
            "and the satisfaction survey form. The report does not name the 45 "
            "steps; the portal's default step template is only an example.",
        ),
    ),
    (
        "problems-collected",
        ("入户走访汇总梳理的问题", "Problems collected on site visits"),
        None,
        OVER,
        ("条", "items"),
        LOST,
    ),
    (
        "suggestions-collected",
        ("改造前征求的意见建议", "Suggestions collected before renovation"),
        None,
        OVER,
        ("条", "items"),
        (
            "通过召开居民代表会、电话沟通等方式征求；报道原文此处数字缺失，未公开。",
            "Collected at residents' representative meetings and by phone; the "
            "report's text lost this figure; not disclosed.",
        ),
    ),
    # 楼院合 — buildings and courtyards merged
    (
        "compounds-merged",
        ("整合小区", "Compounds merged"),
        13,
        EXACT,
        COMPOUNDS,
        (
            "“三合三并”：合小并大、合乱并整、合块并片，“微小区”合成“大小区”。",
            "The three merges: small into large, messy into orderly, blocks into "
            "areas; micro compounds became large compounds.",
        ),
    ),
    (
        "buildings-in-merging",
        ("整合涉及楼房", "Buildings involved in merging"),
        28,
        EXACT,
        ("栋", "buildings"),
        NO_NOTE,
    ),
    (
        "households-in-merging",
        ("整合涉及居民户数", "Households involved in merging"),
        None,
        EXACT,
        HOUSEHOLDS,
        LOST,
    ),
    ("walls-removed", ("拆除围墙", "Walls removed"), None, OVER, METRES, LOST),
    (
        "internal-roads-opened",
        ("打通新修小区道路", "New internal roads opened"),
        15,
        EXACT,
        ("条", "roads"),
        NO_NOTE,
    ),
    (
        "space-gained",
        ("新增可利用空间", "New usable space"),
        None,
        OVER,
        SQUARE_METRES,
        LOST,
    ),
    (
        "parking-spaces-added",
        ("新增停车位", "New parking spaces"),
        None,
        OVER,
        ("个", "spaces"),
        LOST,
    ),
    (
        "ev-charging-points",
        ("集中充电桩", "EV charging points"),
        None,
        OVER,
        ("个", "charging points"),
        LOST,
    ),
    (
        "smart-security-compounds",
        ("接入智慧安防小区", "Compounds connected to smart security"),
        51,
        EXACT,
        COMPOUNDS,
        ("同步安装门禁系统。", "Access control was installed at the same time."),
    ),
    (
        "smart-security-rate",
        ("智慧安防接入率", "Smart security connection rate"),
        None,
        EXACT,
        PERCENT,
        LOST,
    ),
    (
        "cables-buried-depth",
        ("强弱电入地深度", "Depth of cables buried underground"),
        2,
        EXACT,
        METRES,
        NO_NOTE,
    ),
    (
        "overhead-cables-cleared",
        ("清理“空中蛛网”", "Overhead cable tangle cleared"),
        200000,
        OVER,
        METRES,
        ("报道原文：20余万米。", "The report says over 200,000 m."),
    ),
    (
        "lights-replaced",
        ("新换照明设施", "Lights replaced"),
        None,
        EXACT,
        ("盏", "lamps"),
        LOST,
    ),
    (
        "rain-sewage-pipes",
        ("新修雨污分流管网", "Rain and sewage separation pipes laid"),
        None,
        EXACT,
        METRES,
        (
            "转载稿写作“0米”，数字在转载中缺失，未公开。",
            "The repost reads “0 m”: the digits were lost; not disclosed.",
        ),
    ),
    (
        "green-area-added",
        ("新增绿化面积", "New green area"),
        None,
        EXACT,
        SQUARE_METRES,
        LOST,
    ),
    (
        "culture-corridors",
        ("新打造文化长廊", "Culture corridors built"),
        7,
        EXACT,
        ("条", "corridors"),
        NO_NOTE,
    ),
    (
        "wall-paintings-area",
        ("新打造墙体彩绘", "Wall paintings"),
        None,
        OVER,
        SQUARE_METRES,
        LOST,
    ),
    # 服务合 — services joined
    (
        "neighbourhood-centres",
        ("邻里中心", "Neighbourhood centres built"),
        2,
        EXACT,
        ("个", "centres"),
        (
            "“四合院”和佳和豪苑邻里中心。报道在“楼院合”部分另提到利用新增空间建成"
            "邻里中心1个，未说明是哪一个；此处不重复计算。",
            "Siheyuan and Jiahe Haoyuan neighbourhood centres. Under “buildings and "
            "courtyards merged” the report also mentions one neighbourhood centre "
            "built on the space gained, without saying which; it is not counted "
            "again here.",
        ),
    ),
    (
        "people-served-by-centres",
        ("邻里中心服务周边群众", "People served by the neighbourhood centres"),
        None,
        NEARLY,
        PEOPLE,
        LOST,
    ),
    (
        "comprehensive-elderly-care-centres",
        ("街道级综合养老中心", "Comprehensive elderly-care centre"),
        1,
        EXACT,
        ("个", "centre"),
        (
            "全市首个街道级综合养老中心，与9个社区日间照料中心形成“1+9”养老服务体系。",
            "The city's first subdistrict-level comprehensive elderly-care centre; "
            "with 9 community day-care centres it forms the “1+9” elderly-care "
            "system.",
        ),
    ),
    (
        "day-care-centres",
        ("社区日间照料中心", "Community day-care centres"),
        9,
        EXACT,
        ("个", "centres"),
        NO_NOTE,
    ),
    (
        "volunteers",
        ("“暖阳服务队”志愿者", "Warm Sun Service Team volunteers"),
        None,
        OVER,
        PEOPLE,
        LOST,
    ),
    (
        "volunteer-sub-teams",
        ("“暖阳服务队”分队", "Warm Sun Service Team sub-teams"),
        70,
        EXACT,
        ("支", "sub-teams"),
        NO_NOTE,
    ),
    (
        "volunteer-activities",
        ("志愿服务活动", "Volunteer activities held"),
        None,
        OVER,
        ("次", "activities"),
        LOST,
    ),
    # 人心合 — hearts joined
    (
        "party-community-centre-area",
        ("小区党群服务中心面积", "Party–community service centre area"),
        None,
        EXACT,
        SQUARE_METRES,
        LOST,
    ),
    (
        "council-communities",
        ("推行三级议事制度的社区", "Communities with three-level councils"),
        12,
        EXACT,
        ("个", "communities"),
        (
            "“街道、社区、楼院”三级居民议事会，推行“红色代办”、“红色议事厅”、"
            "“说事评理会”等服务措施。",
            "Three-level residents' councils (subdistrict, community, courtyard), "
            "with Red errand service, Red council hall and Talk and reason meeting.",
        ),
    ),
    (
        "disputes-mediated",
        ("调处各类矛盾纠纷", "Disputes mediated"),
        46,
        EXACT,
        ("起", "disputes"),
        NO_NOTE,
    ),
    # 背街小巷 — themed lanes
    (
        "remarkable-lane-stories",
        ("了不起小巷分享的平凡人故事", "Ordinary people's stories at Remarkable Lane"),
        None,
        EXACT,
        PEOPLE,
        LOST,
    ),
)
