"""The kinds of notice a petition gets: each one's number prefix, whether the petitioner receives it,
and when it applies; and the facts kept with a stored notice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Facts kept with the stored notice (petition_document.fields) beside its kind, reason and route.
KEPT_FIELDS = (
    "original_due",
    "new_due",
    "feedback_due",
    "sign_due",
    "handling_due",
    "opinion_reference",
    "delivery_method",
    "objection_due",
)


@dataclass(frozen=True)
class DocumentKind:
    prefix: str
    for_petitioner: bool
    # Issued only when the step's variables say so (e.g. an agreement only for a mediated reply).
    applies: Callable[[Mapping[str, Any]], bool] | None = None


def _agreement(kind: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda variables: variables.get("mediated") is True and variables.get("agreement_kind") == kind


KINDS: Mapping[str, DocumentKind] = {
    "acceptance_notice": DocumentKind("受告", True),
    "non_acceptance_notice": DocumentKind("不受", True),
    "redirect_notice": DocumentKind("告知", True),
    "transfer_objection": DocumentKind("异议", False),  # to the body that transferred the item
    "completion_report": DocumentKind("办结", False),  # to the body that assigned the item (D12)
    "dispatch_form": DocumentKind("交办", False),
    "extension_notice": DocumentKind("延告", True),
    "reply_opinion": DocumentKind("答复", True),
    "mediation_agreement": DocumentKind("调解", True, _agreement("mediation")),  # art. 33
    "settlement_agreement": DocumentKind("和解", True, _agreement("settlement")),
    "direct_reply": DocumentKind("即办", True),
    "urge_notice": DocumentKind("催办", False),  # the day after a supervised step's due date
    "criticism_notice": DocumentKind("通报", False),  # still late 5 工作日 after it, unexplained
    "supervision_order": DocumentKind("督办", False),
    "review_opinion": DocumentKind("复查", True),
    "recheck_opinion": DocumentKind("复核", True),
}
