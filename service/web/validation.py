"""Checks the pages make before calling a service: the formats the API's schemas check, and clearer
messages for choices left blank (the domain says "unknown", a person needs "please choose")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

PHONE = re.compile(r"^[0-9+\- ]{3,30}$")
ID_NUMBER = re.compile(r"^[0-9Xx]{15,18}$")
CHOICE_PROMPTS = {
    "channel": "请选择渠道",
    "request_type": "请选择诉求类型",
    "category": "请选择分类",
}


def petitioner_errors(person: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if person.get("phone") and not PHONE.match(person["phone"]):
        errors["petitioner.phone"] = "电话号码格式不正确"
    if person.get("id_number") and not ID_NUMBER.match(person["id_number"]):
        errors["petitioner.id_number"] = "证件号码格式不正确"
    return errors


def page_errors(form: MultiDict[str, str], errors: Mapping[str, Any]) -> dict[str, str]:
    """The domain's field errors as strings, with "please choose" for blank choices."""
    result = {key: str(value) for key, value in errors.items()}
    for name, prompt in CHOICE_PROMPTS.items():
        if name in result and not form.get(name):
            result[name] = prompt
    return result
