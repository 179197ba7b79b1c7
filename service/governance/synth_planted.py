"""The planted problems of the synthetic data set: each repeats one specific complaint in many
wordings within a few weeks, so concentrated-issue detection has something real to find."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    key: str
    category: str
    request_type: str
    titles: list[str]
    sentences: list[str]
    start_day: int  # day of the year the problem starts being reported
    days: int  # for how long
    share: float  # of all petitions in its window


PLANTED: list[Planted] = [
    Planted(
        "hot_water",
        "logistics.repairs",
        "complaint",
        ["西区3号楼热水供应不稳定", "西区3号楼没有热水", "西区3号楼洗澡热水时有时无", "西区3号楼热水问题"],
        [
            "西区3号楼热水时有时无，晚上洗澡经常没有热水。",
            "西区3号楼热水器出水忽冷忽热。",
            "西区3号楼热水停供好几天了。",
            "西区3号楼热水温度不够，冬天洗澡很冷。",
        ],
        280,
        42,
        0.06,
    ),
    Planted(
        "course_system",
        "it",
        "complaint",
        ["选课系统崩溃", "选课系统登录不上", "选课系统卡顿抢不到课", "选课系统高峰期瘫痪"],
        [
            "选课开始后选课系统一直崩溃，页面无法打开。",
            "选课系统高峰期卡顿，提交后显示服务器错误。",
            "选课系统频繁掉线，很多同学没选上必修课。",
            "教务选课系统承载能力不足，请求扩容。",
        ],
        40,
        21,
        0.08,
    ),
    Planted(
        "canteen_price",
        "logistics.canteen",
        "complaint",
        ["二食堂饭菜价格上涨", "二食堂涨价", "二食堂菜价太贵", "二食堂价格上涨分量减少"],
        [
            "二食堂多个窗口饭菜价格上涨约两成。",
            "二食堂菜价明显上涨，学生负担加重。",
            "二食堂涨价但分量减少。",
            "二食堂价格上涨未提前公示。",
        ],
        100,
        35,
        0.05,
    ),
    Planted(
        "library_ac",
        "logistics.repairs",
        "complaint",
        ["图书馆空调不制冷", "图书馆自习室太热", "图书馆空调坏了", "图书馆空调温度过高"],
        [
            "图书馆三楼自习室空调不制冷，室内闷热。",
            "图书馆空调开着也不凉，很多同学中暑。",
            "图书馆空调制冷效果差，无法自习。",
            "图书馆空调故障多日未修复。",
        ],
        160,
        40,
        0.05,
    ),
    Planted(
        "pay_delay",
        "personnel.pay",
        "complaint",
        ["绩效工资发放延迟", "绩效工资迟迟未发", "年终绩效工资拖欠", "绩效工资发放时间不明确"],
        [
            "本年度绩效工资至今未发放，也没有说明原因。",
            "绩效工资发放延迟两个月，教职工意见很大。",
            "绩效工资何时发放没有通知。",
            "绩效工资核算结果不公开，发放一再推迟。",
        ],
        330,
        30,
        0.04,
    ),
    Planted(
        "ebike_charging",
        "safety.fire",
        "suggestion",
        ["东区电动车充电桩不足", "东区宿舍楼道电动车充电", "东区电动车飞线充电隐患", "东区充电桩太少"],
        [
            "东区充电桩太少，很多人把电动车推进楼道充电，有火灾隐患。",
            "东区宿舍有人从窗口拉线给电动车充电。",
            "东区电动车充电桩经常排队，建议增加充电桩。",
            "东区楼道电动车充电存在消防安全隐患。",
        ],
        220,
        30,
        0.04,
    ),
]
