"""Where each TatamiTech environment serves an academy: the one table of backend URL patterns.

The configuration profile (``environment``, ``tenant``, ``preview``) and the set-up wizard both
build the backend URL here, so a kiosk set up by hand and one set up by its configuration reach
the same server.

    production   https://{tenant}.tatamitech.com
    staging      https://{tenant}.staging.tatamitech.com
    preview      https://{tenant}.{preview}.preview.tatamitech.com
    development  http://{tenant}.localhost:4000
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PREVIEW = "preview"

#: URL pattern of each environment: ``{tenant}`` is the academy's slug, ``{preview}`` the name of
#: the preview environment (only the ``preview`` pattern has one).
ENVIRONMENT_URLS: Mapping[str, str] = {
    "production": "https://{tenant}.tatamitech.com",
    "staging": "https://{tenant}.staging.tatamitech.com",
    PREVIEW: "https://{tenant}.{preview}.preview.tatamitech.com",
    "development": "http://{tenant}.localhost:4000",
}

#: An academy slug or a preview name: one DNS label, lower case.
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def is_slug(text: str) -> bool:
    return SLUG.match(text) is not None


def environment_url(environment: str, tenant: str, preview: str | None = None) -> str | None:
    """The backend URL of ``tenant`` in ``environment``.

    None when the environment is unknown, the tenant is not a slug, or a preview environment has
    no valid preview name (a URL with an empty label would resolve nowhere).
    """
    pattern = ENVIRONMENT_URLS.get(environment)
    if pattern is None or not is_slug(tenant):
        return None
    if "{preview}" in pattern:
        if not (preview and is_slug(preview)):
            return None
        return pattern.format(tenant=tenant, preview=preview)
    return pattern.format(tenant=tenant)
