"""Content-Security-Policy on every response (django-csp; the policy is in settings).

Scripts and styles come only from the site itself: no inline scripts, no inline styles, no
``eval``. One page needs more: the API documentation (ReDoc) renders with inline styles it
generates at run time and a search worker from a ``blob:`` URL; it gets those, and still no
inline script.
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts

# Path prefix -> directives added to the policy for pages under it.
RELAXED: dict[str, dict[str, list[str]]] = {
    "/api/v1/docs/": {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]},
}


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(
        self, request: Any, response: Any, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.update is None:
            for prefix, update in RELAXED.items():
                if request.path_info.startswith(prefix):
                    parts.update = update
                    break
        return parts
