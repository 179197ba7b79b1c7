"""Written notices (DOMAIN.md §7), issued when the diagram reaches an element with a `document` property."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.clock import to_local
from service.petitions.models import Petition, PetitionDocument
from service.petitions.vocabulary import CHANNELS

ISSUER = "西安交通工程学院信访工作办公室（信访工作专用章）"


@dataclass(frozen=True)
class DocumentKind:
    title: str
    prefix: str
    for_petitioner: bool
    template: str


KINDS: Mapping[str, DocumentKind] = {
    "acceptance_notice": DocumentKind(
        "受理告知书",
        "受告",
        True,
        "{addressee}：\n    您于{received_date}通过{channel}反映的“{title}”已收悉。"
        "经审核，该事项属于本校职责范围，现予受理，由{department}负责办理，办理期限一般为六十日。"
        "您可凭查询码 {tracking_code} 查询办理进度。\n",
    ),
    "non_acceptance_notice": DocumentKind(
        "不予受理告知书",
        "不受",
        True,
        "{addressee}：\n    您于{received_date}反映的“{title}”已收悉。经审核，不予受理。"
        "理由：{reason}。依法应通过以下途径解决：{route}。\n",
    ),
    "redirect_notice": DocumentKind(
        "告知书",
        "告知",
        True,
        "{addressee}：\n    您于{received_date}反映的“{title}”已收悉。"
        "经审核，该事项不属于本校信访受理范围（{reason}），请向{route}提出，或依照相应法定程序办理。\n",
    ),
    "dispatch_form": DocumentKind(
        "交办单",
        "交办",
        False,
        "交办事项：{title}（查询码 {tracking_code}）\n主办部门：{department}\n协办部门：{co_departments}\n"
        "交办意见：{instructions}\n请于规定期限内办结并反馈。\n",
    ),
    "extension_notice": DocumentKind(
        "延期告知书",
        "延告",
        True,
        "{addressee}：\n    您反映的“{title}”因情况复杂，经批准延长办理期限 {extended_by} 日。特此告知。\n",
    ),
    "reply_opinion": DocumentKind(
        "答复意见书",
        "答复",
        True,
        "关于“{title}”信访事项的答复意见\n{addressee}：\n    您于{received_date}反映的问题，"
        "经{department}调查核实，现答复如下：\n{reply_text}\n"
        "    如对本答复意见不服，可自收到本意见书之日起三十日内请求复查。\n",
    ),
    "direct_reply": DocumentKind(
        "答复（接诉即办）",
        "即办",
        True,
        "{addressee}：\n    您反映的“{title}”答复如下：\n{reply_text}\n",
    ),
}


def issue(
    session: Session,
    petition: Petition,
    kind: str,
    *,
    variables: Mapping[str, Any],
    department_names: Mapping[str, str],
    now: datetime,
) -> PetitionDocument | None:
    spec = KINDS.get(kind)
    if spec is None:
        return None
    context: dict[str, Any] = defaultdict(str)
    context.update({key: value for key, value in variables.items() if isinstance(value, str | int | float)})
    context.update(
        addressee=_addressee(petition),
        title=petition.title,
        tracking_code=petition.tracking_code,
        received_date=to_local(petition.received_at).strftime("%Y年%m月%d日"),
        channel=CHANNELS.get(petition.channel, petition.channel),
        department=department_names.get(str(variables.get("department") or petition.department or ""), ""),
        co_departments="、".join(department_names.get(c, c) for c in variables.get("co_departments") or [])
        or "无",
    )
    body = spec.template.format_map(context) + f"\n{ISSUER}\n{to_local(now).strftime('%Y年%m月%d日')}\n"
    sequence = (
        session.scalar(
            select(func.count())
            .select_from(PetitionDocument)
            .where(PetitionDocument.petition_id == petition.id)
        )
        or 0
    ) + 1
    number = f"{spec.prefix}〔{to_local(now).year}〕{petition.tracking_code}-{sequence}"
    document = PetitionDocument(
        petition_id=petition.id,
        kind=kind,
        number=number,
        title=spec.title,
        body=body,
        for_petitioner=spec.for_petitioner,
        fields={"kind": kind, "reason": context["reason"], "route": context["route"]},
        issued_at=now,
    )
    session.add(document)
    session.flush()
    return document


def _addressee(petition: Petition) -> str:
    if petition.anonymous:
        return "信访人"
    if petition.request_type == "report":
        return "举报人"  # the reporter's name never appears in a stored document (art. 31)
    return petition.petitioner_name or "信访人"
