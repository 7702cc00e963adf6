"""``{% load rule_words %}``: ``{% for v in record.violations|worded %}`` gives each delivery rule's
message in the page's language (``v.text``) and the language it is in (``v.lang``)."""

from __future__ import annotations

from typing import Any

from django import template

from diplomaregister.portal_institution.rule_messages import worded as _worded

register = template.Library()


@register.filter
def worded(items: Any) -> list[dict[str, str]]:
    return _worded(items)
