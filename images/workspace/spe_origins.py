"""The origins the Lab's own API calls may come from: the workspace hosts the gateway serves this pod on.

The orchestrator sets SPE_ALLOWED_ORIGINS (space-separated origins, e.g. https://<label>.<workspace domain>) from
the persons of the permit; nothing else is allowed. A pattern that matches nothing when none are set.
"""

import os
import re

ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")


def allowed_origin_pattern(environ=os.environ) -> str:
    origins = environ.get("SPE_ALLOWED_ORIGINS", "").split()
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise SystemExit(f"SPE_ALLOWED_ORIGINS: {origin!r} is not an origin (scheme://host[:port]).")
    return "^(" + "|".join(re.escape(o) for o in origins) + ")$" if origins else r"(?!)"
