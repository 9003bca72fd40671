"""The path the orchestrator's gateway serves this workspace under: /workspaces/<namespace>/.

The gateway passes the whole path through, so JupyterLab must serve under it. The namespace comes from
SPE_NAMESPACE when the pod sets it; otherwise from SPE_PERMIT_ID by the orchestrator's own rule
(orchestrator/src/environments/namespace-name.ts), which images/dockerfiles.test.ts holds to the same answers.
"""

import hashlib
import os
import re


def namespace_for(permit_id: str) -> str:
    readable = re.sub(r"[^a-z0-9]+", "-", permit_id.lower()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha256(permit_id.encode("utf-8")).hexdigest()[:10]
    return f"spe-{readable}-{digest}" if readable else f"spe-{digest}"


def gateway_base_url(environ=os.environ) -> str:
    namespace = environ.get("SPE_NAMESPACE") or (
        namespace_for(environ["SPE_PERMIT_ID"]) if environ.get("SPE_PERMIT_ID") else None
    )
    if not namespace:
        raise SystemExit("Set SPE_NAMESPACE or SPE_PERMIT_ID: the workspace serves only under the gateway's /workspaces/<namespace>/.")
    if not re.fullmatch(r"spe-[a-z0-9-]{1,59}", namespace):
        raise SystemExit(f"SPE_NAMESPACE {namespace!r} is not an environment namespace (spe-…).")
    return f"/workspaces/{namespace}/"
