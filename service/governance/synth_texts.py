"""Vocabulary of the synthetic data set: everyday petitions by category (the planted problems are
in synth_planted.py).

Each background frame has slots filled from wide lists, so ordinary petitions rarely repeat one
another.
"""

from __future__ import annotations

from dataclasses import dataclass

BUILDINGS = [f"{zone}{n}号楼" for zone in ("东区", "西区", "南区", "北区") for n in range(1, 13)]
PLACES = [
    "图书馆",
    "一食堂",
    "二食堂",
    "三食堂",
    "体育馆",
    "实验楼",
    "行政楼",
    "教学楼",
    "校医院",
    "学生活动中心",
]
OPENINGS = [
    "您好，",
    "尊敬的领导：",
    "老师您好，",
    "",
    "",
    "我是本校学生，",
    "我是学校教职工，",
    "各位领导好，",
]
CLOSINGS = [
    "望尽快处理。",
    "请相关部门给予答复。",
    "希望学校重视。",
    "盼回复，谢谢！",
    "",
    "请帮忙协调解决。",
]


@dataclass(frozen=True)
class Frame:
    category: str
    request_type: str
    title: str
    content: str
    slots: dict[str, list[str]]


def _f(category: str, request_type: str, title: str, content: str, **slots: list[str]) -> Frame:
    return Frame(category, request_type, title, content, slots)


FACILITIES = [
    "水龙头",
    "门锁",
    "窗户",
    "灯管",
    "插座",
    "马桶",
    "淋浴喷头",
    "衣柜",
    "书桌",
    "暖气片",
    "网线接口",
    "阳台门",
]
SYMPTOMS = ["损坏", "漏水", "松动", "无法使用", "接触不良", "异响", "生锈"]
COURSES = [
    "高等数学",
    "大学英语",
    "线性代数",
    "大学物理",
    "程序设计",
    "电路分析",
    "工程制图",
    "思想政治",
    "体育",
    "概率论",
]
OFFICES = [
    "财务处",
    "教务处",
    "学生处",
    "人事处",
    "后勤处",
    "保卫处",
    "研究生院",
    "国资处",
    "图书馆",
    "网络中心",
]
ITEMS = ["报销单据", "成绩证明", "在读证明", "档案材料", "工资条", "合同", "宿舍调换申请", "奖助学金材料"]

BACKGROUND: list[Frame] = [
    _f(
        "logistics.repairs",
        "complaint",
        "{building}{facility}{symptom}",
        "{building}宿舍{facility}{symptom}已经{days}天，报修后一直没有师傅上门。",
        building=BUILDINGS,
        facility=FACILITIES,
        symptom=SYMPTOMS,
        days=["三", "五", "七", "十", "好几"],
    ),
    _f(
        "logistics.repairs",
        "help",
        "申请维修{building}{facility}",
        "我们宿舍在{building}，{facility}{symptom}，影响正常生活，申请尽快维修。",
        building=BUILDINGS,
        facility=FACILITIES,
        symptom=SYMPTOMS,
    ),
    _f(
        "logistics.canteen",
        "suggestion",
        "建议{place}增加{dish}",
        "{place}的{dish}种类偏少，建议增加一些，方便同学们就餐。",
        place=PLACES[1:4],
        dish=["清真窗口", "素食窗口", "早餐品种", "夜宵", "水果", "面食"],
    ),
    _f(
        "logistics.canteen",
        "complaint",
        "{place}{issue}",
        "{place}{issue}，{when}就餐时尤其明显，希望改进。",
        place=PLACES[1:4],
        issue=["排队时间太长", "座位不够", "餐具清洗不干净", "服务员态度差", "饭菜偏咸", "打饭分量不足"],
        when=["中午", "晚上", "周末", "考试周"],
    ),
    _f(
        "logistics.cleaning",
        "complaint",
        "{building}{spot}卫生差",
        "{building}{spot}长期无人清扫，垃圾堆积，有异味。",
        building=BUILDINGS,
        spot=["楼道", "卫生间", "楼梯间", "公共洗衣房", "垃圾站"],
    ),
    _f(
        "logistics.clinic",
        "consultation",
        "咨询校医院{service}",
        "请问校医院{service}需要带哪些材料，{time}可以办理吗？",
        service=["医保报销", "体检", "疫苗接种", "病假证明", "转诊"],
        time=["周末", "中午", "晚上", "假期"],
    ),
    _f(
        "logistics.shuttle",
        "suggestion",
        "建议调整{route}校车时间",
        "{route}校车{issue}，建议学校根据上下课时间调整。",
        route=["新校区到老校区", "南门到地铁站", "家属区到教学区"],
        issue=["发车间隔太长", "首班车太晚", "末班车太早"],
    ),
    _f(
        "logistics.housing",
        "help",
        "申请{housing}",
        "本人是青年教师，{reason}，申请{housing}。",
        housing=["周转房", "教师公寓", "调换住房"],
        reason=["刚入职没有住处", "家中老人需要照顾", "现住房面积过小"],
    ),
    _f(
        "teaching.quality",
        "complaint",
        "{course}课程教学{issue}",
        "本学期{course}{issue}，同学们普遍反映听不懂，希望学院关注。",
        course=COURSES,
        issue=["进度过快", "经常调课", "课件陈旧", "作业批改不及时", "课堂纪律差"],
    ),
    _f(
        "teaching.exams",
        "appeal",
        "对{course}成绩有异议",
        "我的{course}期末成绩明显偏低，申请查卷复核。",
        course=COURSES,
    ),
    _f(
        "teaching.exams",
        "consultation",
        "咨询{course}{exam}安排",
        "请问{course}的{exam}什么时候开始报名？",
        course=COURSES,
        exam=["补考", "重修", "缓考", "免修考试"],
    ),
    _f(
        "teaching.thesis",
        "consultation",
        "咨询毕业论文{step}",
        "请问毕业论文{step}的时间和要求是什么？",
        step=["查重", "答辩", "开题", "中期检查", "选题"],
    ),
    _f(
        "teaching.internship",
        "complaint",
        "{company}实习安排不合理",
        "学院安排我们到{company}实习，{issue}。",
        company=["某制造企业", "某设计院", "某施工单位", "某软件公司"],
        issue=["与专业无关", "没有指导老师", "需要自行承担住宿", "工作时间过长"],
    ),
    _f(
        "student_status.suspension",
        "consultation",
        "咨询{kind}手续",
        "因{reason}需要{kind}，请问需要准备哪些材料？",
        kind=["休学", "复学", "保留学籍"],
        reason=["身体原因", "家庭原因", "参军入伍", "创业"],
    ),
    _f(
        "student_status.major_change",
        "consultation",
        "咨询转专业{topic}",
        "请问今年转专业的{topic}是什么？",
        topic=["条件", "报名时间", "考核方式", "名额"],
    ),
    _f(
        "student_status.certificates",
        "help",
        "补办{cert}",
        "本人{cert}遗失，申请补办，请问流程？",
        cert=["毕业证", "学位证", "学生证", "成绩单"],
    ),
    _f(
        "student_affairs.aid",
        "help",
        "申请{aid}",
        "家庭经济困难，{reason}，希望申请{aid}。",
        aid=["临时困难补助", "助学贷款", "勤工助学岗位"],
        reason=["父亲生病住院", "家中遭受灾害", "单亲家庭"],
    ),
    _f(
        "student_affairs.dormitory",
        "complaint",
        "{building}宿舍{issue}",
        "{building}宿舍{issue}，影响休息和学习。",
        building=BUILDINGS,
        issue=["舍友作息冲突", "晚上查寝频繁", "门禁时间太早", "楼下施工噪音大"],
    ),
    _f(
        "student_affairs.employment",
        "consultation",
        "咨询{topic}",
        "请问{topic}的办理流程和时间？",
        topic=["就业协议签约", "三方协议改派", "档案转递", "就业推荐表"],
    ),
    _f(
        "personnel.titles",
        "appeal",
        "对{year}年职称评审结果有异议",
        "本人参加{year}年{rank}评审，材料齐全但未通过，申请说明理由。",
        year=["2023", "2024", "2025"],
        rank=["副教授", "教授", "高级实验师", "讲师"],
    ),
    _f(
        "personnel.insurance",
        "consultation",
        "咨询{topic}",
        "请问学校{topic}如何办理？",
        topic=["公积金提取", "医保转移", "养老保险缴费基数", "生育保险报销"],
    ),
    _f(
        "personnel.retirees",
        "help",
        "退休教师{need}",
        "本人已退休，{need}，请离退休处协助。",
        need=["看病报销困难", "希望参加老年大学", "慰问金未收到", "住房维修"],
    ),
    _f(
        "resources.space",
        "suggestion",
        "建议增加{space}",
        "{place}附近{space}不足，建议学校统筹增加。",
        place=PLACES,
        space=["自习室", "研讨室", "实验用房", "储物间"],
    ),
    _f(
        "resources.equipment",
        "complaint",
        "{place}{equipment}老化",
        "{place}的{equipment}老化严重，影响教学科研。",
        place=PLACES,
        equipment=["投影仪", "计算机", "实验设备", "音响"],
    ),
    _f(
        "safety.order",
        "report",
        "{place}附近有{issue}",
        "最近{place}附近{issue}，存在安全隐患。",
        place=PLACES,
        issue=["陌生人推销", "自行车被盗", "小广告张贴", "电动车乱停"],
    ),
    _f(
        "safety.traffic",
        "suggestion",
        "{road}交通{issue}",
        "{road}{issue}，建议设置减速带或安排人员疏导。",
        road=["南门主干道", "东门路口", "图书馆门前道路"],
        issue=["车速过快", "人车混行", "停车混乱"],
    ),
    _f(
        "conduct.efficiency",
        "complaint",
        "{office}办事效率低",
        "到{office}办理{item}，{issue}。",
        office=OFFICES,
        item=ITEMS,
        issue=["跑了三次还没办好", "工作人员经常不在", "材料要求反复变化"],
    ),
    _f(
        "conduct.attitude",
        "complaint",
        "{office}工作人员态度差",
        "到{office}咨询{item}，工作人员{issue}。",
        office=OFFICES,
        item=ITEMS,
        issue=["语气生硬", "不耐烦", "推诿让找别的部门"],
    ),
    _f(
        "conduct.disclosure",
        "suggestion",
        "建议公开{info}",
        "建议学校及时公开{info}，方便师生监督。",
        info=["收费标准", "评优名单", "经费使用情况", "招聘结果"],
    ),
    _f(
        "finance",
        "consultation",
        "咨询{topic}",
        "请问{topic}的流程和所需材料？",
        topic=["差旅费报销", "学费退费", "发票开具", "科研经费报销"],
    ),
    _f(
        "construction",
        "complaint",
        "{place}施工{issue}",
        "{place}附近施工{issue}，影响正常教学生活。",
        place=PLACES,
        issue=["噪音大", "扬尘严重", "占用道路", "夜间施工"],
    ),
    _f(
        "it",
        "complaint",
        "校园网{issue}",
        "{building}校园网{issue}，影响上网课和查资料。",
        building=BUILDINGS,
        issue=["经常断线", "速度很慢", "无法认证登录"],
    ),
    _f(
        "admissions",
        "consultation",
        "咨询{year}年{topic}",
        "请问{year}年{topic}什么时候公布？",
        year=["2025", "2026"],
        topic=["招生计划", "录取分数线", "专升本政策", "研究生复试"],
    ),
    _f(
        "ethics",
        "report",
        "反映{role}{issue}",
        "反映{role}{issue}，请学校调查。",
        role=["某学院教师", "某辅导员", "某实验室负责人"],
        issue=["上课迟到早退", "收受学生礼品", "私自调课"],
    ),
    _f(
        "other",
        "consultation",
        "咨询{topic}",
        "请问{topic}？",
        topic=["校外人员能否进校参观", "校友返校手续", "快递点营业时间", "校园开放日时间"],
    ),
]
