# JupyterLab inside an environment: one person's workspace, served at the root of its own workspace host. The
# orchestrator's gateway authenticates every request and reaches the pod alone (NetworkPolicy); the orchestrator
# also gives the server a token of its own (SPE_WORKSPACE_TOKEN), which the gateway alone presents, so that no
# other pod or person can use this server. Without one (the image's own start check) it asks for none.
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from spe_origins import allowed_origin_pattern  # noqa: E402

c = get_config()  # noqa: F821 (Jupyter provides it)

c.ServerApp.ip = "0.0.0.0"
# The orchestrator's config.workspacePort, as the tools registry passes it (8888 in the image's own start check).
c.ServerApp.port = int(os.environ.get("SPE_WORKSPACE_PORT", "8888"))
c.ServerApp.base_url = "/"
c.ServerApp.open_browser = False
c.ServerApp.allow_remote_access = True  # the Host is the Service's name, not localhost
c.ServerApp.trust_xheaders = True
# Taken out of the environment, so that kernels and terminals started by this server do not inherit it.
c.IdentityProvider.token = os.environ.pop("SPE_WORKSPACE_TOKEN", "")
c.PasswordIdentityProvider.hashed_password = ""
# The gateway proxies with the Service's Host, so the browser's Origin (the workspace host's) is another host:
# name the workspace hosts this pod is served on (SPE_ALLOWED_ORIGINS), or Jupyter refuses the Lab's API calls
# as cross-origin. The gateway has already refused every other origin; this is the second lock.
c.ServerApp.allow_origin = ""
c.ServerApp.allow_origin_pat = allowed_origin_pattern()
home = os.environ.get("HOME", "/home/researcher")  # the pod's home volume
c.ServerApp.root_dir = home
c.ContentsManager.allow_hidden = False
# Nothing phones home: no news, no update checks, no installing extensions (page_config.json hides the panel).
c.LabApp.extension_manager = "readonly"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

# The outbox is what the airlock agent serves; make it visible from the first start.
os.makedirs(os.path.join(home, "outbox"), exist_ok=True)
