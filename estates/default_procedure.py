"""The portal's default step template: an example, not any office's own list.

Offices divide the renovation into the five stages; their own step lists
(one programme's source counts 45 steps) are seldom published. This list is a
starting point for an office to edit, written after the way old-compound
renovation is usually run in China: resident opinion registration
(居民意见登记表), an implementation procedure form (实施程序表) and a
satisfaction survey (满意度调查登记表), resident quality supervisors, and joint
acceptance by the owners' committee, property company, resident
representatives, contractor and quality supervision station.

Each row: (stage, Chinese name, English name, Chinese documents, English
documents); documents one per line. Steps are numbered 1..N in this order and
each depends on the one before it.
"""

from .models import Stage

DEFAULT_PROCEDURE = (
    # 招投标 — tendering
    (
        Stage.TENDERING,
        "入户摸底，征求居民改造意愿",
        "Survey the compound and ask residents what they want renovated",
        "居民意见登记表",
        "Resident opinion registration form",
    ),
    (
        Stage.TENDERING,
        "召开居民代表会，确定改造内容",
        "Hold a residents' representative meeting to agree the works",
        "居民代表会会议纪要\n改造内容清单",
        "Minutes of the residents' representative meeting\nList of works",
    ),
    (
        Stage.TENDERING,
        "编制设计方案和工程预算",
        "Prepare the design scheme and the budget",
        "设计方案\n工程预算书",
        "Design scheme\nBudget",
    ),
    (
        Stage.TENDERING,
        "设计方案公示，再次征求居民意见",
        "Publish the design scheme for residents' comments",
        "方案公示记录\n居民意见登记表",
        "Record of the public notice\nResident opinion registration form",
    ),
    (
        Stage.TENDERING,
        "项目立项和资金申报",
        "Obtain project approval and apply for funding",
        "立项批复\n资金申报材料",
        "Project approval\nFunding application",
    ),
    (
        Stage.TENDERING,
        "发布招标公告",
        "Publish the tender notice",
        "招标文件\n招标公告",
        "Tender documents\nTender notice",
    ),
    (
        Stage.TENDERING,
        "开标评标，确定中标单位",
        "Open and evaluate the bids and choose the contractor",
        "评标报告\n中标通知书",
        "Bid evaluation report\nNotice of award",
    ),
    (
        Stage.TENDERING,
        "签订施工合同和监理合同",
        "Sign the construction and supervision contracts",
        "施工合同\n监理合同",
        "Construction contract\nSupervision contract",
    ),
    # 开工前准备 — pre-construction preparation
    (
        Stage.PREPARATION,
        "办理施工许可等开工手续",
        "Obtain the construction permit and other approvals",
        "施工许可证或开工备案",
        "Construction permit or start-of-works filing",
    ),
    (
        Stage.PREPARATION,
        "设计交底和图纸会审",
        "Hold the design briefing and drawing review",
        "图纸会审纪要",
        "Minutes of the drawing review",
    ),
    (
        Stage.PREPARATION,
        "协调电力、燃气、通信等管线单位",
        "Coordinate with the power, gas, telecom and other utility companies",
        "管线单位协调会纪要",
        "Minutes of the utility coordination meeting",
    ),
    (
        Stage.PREPARATION,
        "选聘党员、群众代表组成质量监督员队伍",
        "Appoint Party members and resident representatives as resident quality "
        "supervisors",
        "质量监督员名单",
        "List of resident quality supervisors",
    ),
    (
        Stage.PREPARATION,
        "张贴施工公告，公开实施程序",
        "Post the construction notice and the implementation procedure",
        "施工公告\n实施程序表",
        "Construction notice\nImplementation procedure form",
    ),
    (
        Stage.PREPARATION,
        "施工现场布置和安全措施",
        "Set up the site and its safety measures",
        "施工组织设计\n安全文明施工方案",
        "Construction organisation plan\nSite safety plan",
    ),
    # 开工建设 — construction
    (
        Stage.CONSTRUCTION,
        "开工",
        "Start the works",
        "开工报告",
        "Start-of-works report",
    ),
    (
        Stage.CONSTRUCTION,
        "原材料进场检验",
        "Inspect materials on arrival",
        "材料进场验收记录",
        "Materials inspection record",
    ),
    (
        Stage.CONSTRUCTION,
        "地下管网和缆线入地施工",
        "Lay underground pipes and bury cables",
        "隐蔽工程验收记录",
        "Record of concealed works inspected before covering",
    ),
    (
        Stage.CONSTRUCTION,
        "楼体、道路和公共设施施工",
        "Work on buildings, roads and shared facilities",
        "施工日志",
        "Site diary",
    ),
    (
        Stage.CONSTRUCTION,
        "质量监督员监督材料、质量、进度和资金拨付",
        "Resident quality supervisors check materials, quality, schedule and payments",
        "质量监督巡查记录",
        "Resident quality supervisors' inspection record",
    ),
    (
        Stage.CONSTRUCTION,
        "每周汇报进度，会商解决问题",
        "Report progress weekly and settle problems jointly",
        "周进度报告\n会商纪要",
        "Weekly progress report\nMinutes of the joint consultation",
    ),
    (
        Stage.CONSTRUCTION,
        "按进度拨付工程款",
        "Pay the contractor by progress",
        "进度款支付申请\n资金拨付记录",
        "Progress payment request\nPayment record",
    ),
    # 竣工验收 — completion acceptance
    (
        Stage.ACCEPTANCE,
        "施工单位自检，提交竣工资料",
        "Contractor's self-check and completion documents",
        "竣工报告\n竣工图",
        "Completion report\nAs-built drawings",
    ),
    (
        Stage.ACCEPTANCE,
        "业主委员会、物业公司、居民代表、项目方和质监站逐项验收",
        "Item-by-item acceptance by the owners' committee, property company, "
        "resident representatives, contractor and quality supervision station",
        "竣工验收记录",
        "Completion acceptance record",
    ),
    (
        Stage.ACCEPTANCE,
        "整改验收中发现的问题",
        "Put right what the acceptance found",
        "整改通知单\n整改回复单",
        "Rectification notice\nRectification reply",
    ),
    (
        Stage.ACCEPTANCE,
        "居民满意度调查",
        "Residents' satisfaction survey",
        "满意度调查登记表",
        "Satisfaction survey form",
    ),
    (
        Stage.ACCEPTANCE,
        "工程结算和审计",
        "Final account and audit",
        "工程结算书\n审计报告",
        "Final account\nAudit report",
    ),
    (
        Stage.ACCEPTANCE,
        "竣工资料归档",
        "File the completion records",
        "档案移交清单",
        "Records handover list",
    ),
    # 长效管理 — long-term management
    (
        Stage.MANAGEMENT,
        "物业公司进驻，办理设施移交",
        "Property company moves in and takes over the facilities",
        "物业服务协议\n设施设备移交清单",
        "Property management agreement\nFacilities handover list",
    ),
    (
        Stage.MANAGEMENT,
        "成立业主委员会或物管委",
        "Set up the owners' committee or property management committee",
        "成立会议纪要",
        "Minutes of the founding meeting",
    ),
    (
        Stage.MANAGEMENT,
        "制定居民公约和小区管理制度",
        "Agree the residents' pact and the compound's rules",
        "居民公约\n管理制度",
        "Residents' pact\nCompound rules",
    ),
    (
        Stage.MANAGEMENT,
        "保修期内跟踪维修",
        "Follow up repairs during the warranty period",
        "保修记录",
        "Warranty repair record",
    ),
    (
        Stage.MANAGEMENT,
        "定期回访，复查居民满意度",
        "Visit again regularly and re-check residents' satisfaction",
        "回访记录\n满意度调查登记表",
        "Follow-up visit record\nSatisfaction survey form",
    ),
)
