# JupyterLab inside an environment. The orchestrator's gateway authenticates every request and reaches the
# pod alone (NetworkPolicy), so Jupyter asks for no token; it serves only under the gateway's path.
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from spe_namespace import gateway_base_url  # noqa: E402

c = get_config()  # noqa: F821 (Jupyter provides it)

c.ServerApp.ip = "0.0.0.0"
c.ServerApp.port = 8888  # the orchestrator's config.workspacePort
c.ServerApp.base_url = gateway_base_url()
c.ServerApp.open_browser = False
c.ServerApp.allow_remote_access = True  # the Host is the Service's name, not localhost
c.ServerApp.trust_xheaders = True
c.IdentityProvider.token = ""
c.PasswordIdentityProvider.hashed_password = ""
# The gateway proxies with the Service's Host, so the browser's Origin (the orchestrator's public URL) is
# another host: name it (SPE_PUBLIC_ORIGIN), or Jupyter refuses the Lab's API calls as cross-origin.
c.ServerApp.allow_origin = os.environ.get("SPE_PUBLIC_ORIGIN", "")
home = os.environ.get("HOME", "/home/researcher")  # the pod's home volume
c.ServerApp.root_dir = home
c.ContentsManager.allow_hidden = False
# Nothing phones home: no news, no update checks, no installing extensions (page_config.json hides the panel).
c.LabApp.extension_manager = "readonly"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

# The outbox is what the airlock agent serves; make it visible from the first start.
os.makedirs(os.path.join(home, "outbox"), exist_ok=True)
