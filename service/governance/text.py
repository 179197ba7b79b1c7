"""Chinese text analysis: segmentation (jieba), stop words, term bags and their similarity.

A petition's text becomes a bag of terms once, at registration (`petition_profile.terms`); hot-issue
detection and duplicate proposals then work on those bags and never segment text again.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping

import jieba


def _words(text: str) -> list[str]:
    return text.split()


# Words every petition uses that say nothing about *which* problem it is.
STOP_WORDS = frozenset(
    _words(
        """
    我们 你们 他们 她们 我 你 他 她 它 这个 那个 这些 那些 这样 那样 这里 那里 什么 怎么 为什么 如何
    一个 一些 一下 一直 一次 已经 还是 还有 就是 但是 而且 并且 因为 所以 如果 虽然 然后 以及 或者 以后
    之前 之后 目前 现在 最近 近期 今天 昨天 明天 今年 去年 本学期 上学期 时候 时间 多次 很多 非常 特别
    比较 十分 希望 学校 领导 有关 部门 相关 问题 情况 反映 反应 请求 要求 建议 投诉 咨询 求助 举报 申诉
    解决 处理 尽快 及时 能否 是否 可以 能够 没有 不能 不是 需要 应该 进行 存在 出现 导致 造成 影响 给予
    关注 重视 核查 调查 了解 回复 答复 谢谢 感谢 您好 老师 同学 同志 本人 自己 大家 各位 有些 一位
        """
    )
)
_PLACE = re.compile(r"[A-Za-z]?\d+(?:号楼|号|栋|楼|层|室|路|食堂|餐厅|教学楼)")
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]+$")
# Campus words jieba's general dictionary splits badly.
CAMPUS_WORDS = _words(
    "一食堂 二食堂 三食堂 热水器 热水 空调 宿舍楼 校车 班车 选课系统 教务系统 校园网 校园卡 一卡通 "
    "奖学金 助学金 职称评审 绩效工资 公积金 实验室 图书馆 自习室 体育馆 停车位 门禁 外卖 快递 "
    "补考 重修 学分 学位证 毕业证 转专业 休学 复学 研究生 导师 实习 论文 查重 答辩 电动车 充电桩 "
    "漏水 停水 停电 跳闸 噪音 异味 蟑螂 卫生间 洗衣机 饮水机 校医院 医保 报销 退费 学费 住宿费"
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer per process, its dictionary loaded on first use (about a second)."""
    global _tokenizer  # noqa: PLW0603 - a process-wide, lazily loaded dictionary
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            loaded = jieba.Tokenizer()
            loaded.initialize()
            for word in CAMPUS_WORDS:
                loaded.add_word(word, freq=20000)
            _tokenizer = loaded
        return _tokenizer


def terms_of(text: str) -> list[str]:
    """The meaningful terms of `text`, in order: place codes (3号楼), then words of two or more characters."""
    places = _PLACE.findall(text)
    rest = _PLACE.sub(" ", text)
    words = [w for w in tokenizer().lcut(rest) if _WORD.match(w) and w not in STOP_WORDS]
    return places + words


def term_bag(title: str, content: str) -> dict[str, int]:
    """Term counts of a petition; the title counts twice (it names the problem)."""
    bag: Counter[str] = Counter()
    for term in terms_of(title):
        bag[term] += 2
    for term in terms_of(content):
        bag[term] += 1
    return dict(bag.most_common(40))


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(weight * large.get(term, 0.0) for term, weight in small.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def tf_idf(bag: Mapping[str, int], idf: Mapping[str, float], *, top: int) -> dict[str, float]:
    """The `top` heaviest terms of a bag weighted by inverse document frequency, L2-normalised."""
    weighted = {term: (1 + math.log(count)) * idf[term] for term, count in bag.items() if term in idf}
    best = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    return {term: w / norm for term, w in best}


def inverse_document_frequency(
    bags: Iterable[Mapping[str, int]], *, min_df: int, max_share: float
) -> dict[str, float]:
    """idf = ln(N / df) + 1 for terms in at least `min_df` bags and (from 50 bags on) at most
    `max_share` of them."""
    df: Counter[str] = Counter()
    total = 0
    for bag in bags:
        df.update(bag.keys())
        total += 1
    ceiling = total if total < 50 else max(max_share * total, min_df)  # a handful of petitions: keep all
    return {term: math.log(total / n) + 1.0 for term, n in df.items() if min_df <= n <= ceiling}
