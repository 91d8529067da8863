#!/usr/bin/env bash
# Builds the real Dockerfile and checks the image from inside, without a container runtime or a registry.
#
#   bash deploy/test-image.sh
#
# No registry is needed: the base is a Debian image made locally with debootstrap (once; it is reused on
# later runs) and passed to the Dockerfile as BASE. No runtime is needed either: buildah builds with chroot
# isolation and runs the checks in a working container of the image, as the image's own (non-root) user.
# Needs root (or sudo) the first time, to install buildah, podman and debootstrap and to make the base.
#
# Settings (environment): IMAGE (the tag to build), BASE_IMAGE (the local base's tag), BASE_SUITE (the
# Debian release of the base), MIRROR (the Debian mirror; default: the one in this machine's apt sources),
# REBUILD_BASE=1 (make the base again).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/ottawa-treaty-bot:test}
BASE_IMAGE=${BASE_IMAGE:-localhost/ottawa-treaty-bot-base:bookworm}
BASE_SUITE=${BASE_SUITE:-bookworm}
APP_UID=10001
CTR=""
ROOTFS=""
STUB_PID=""
DOUBLE_PID=""
BOT_PID=""
STEP=""
STEP_START=""
TIMINGS=()
START=$(date +%s.%N)

if [[ $(id -u) -eq 0 ]]; then as_root() { "$@"; }; else as_root() { sudo "$@"; }; fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The processes started under `buildah run` (PID $1), deepest last.
descendants() { local p; for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done; }
# Stops the bot started by `buildah run` (BOT_PID) with signal $1, sent to the bot's own process, as
# `docker stop` does (buildah does not pass signals on); BOT_STATUS is the exit status of `buildah run`.
stop_bot() {
    local pid
    BOT_STATUS=0
    for pid in $(descendants "$BOT_PID"); do
        ps -o args= -p "$pid" 2>/dev/null | grep -q '^[^ ]*python[^ ]* .*ottawa-treaty-bot run' && { kill -"$1" "$pid" 2>/dev/null || true; }
    done
    for _ in $(seq 100); do kill -0 "$BOT_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$BOT_PID" 2>/dev/null && { kill -KILL "$BOT_PID" $(descendants "$BOT_PID") 2>/dev/null || true; }
    wait "$BOT_PID" 2>/dev/null || BOT_STATUS=$?
    BOT_PID=""
}
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '    %s\n' "$*"; }
fail() { printf 'FAIL: %s: %s\n' "$STEP" "$*" >&2; exit 1; }

begin() {
    STEP=$1
    STEP_START=$(date +%s.%N)
    printf '==> %s\n' "$STEP"
}
end() {
    local took
    took=$(seconds_since "$STEP_START")
    TIMINGS+=("$(printf '%-38s %7ss' "$STEP" "$took")")
    printf '    done in %ss\n' "$took"
    STEP=""
}

report() {
    local status=$?
    [[ -n $STUB_PID ]] && kill "$STUB_PID" 2>/dev/null || true
    if [[ -n $BOT_PID ]]; then stop_bot KILL; fi
    [[ -n $DOUBLE_PID ]] && kill "$DOUBLE_PID" 2>/dev/null || true
    [[ -n $CTR ]] && buildah rm "$CTR" >/dev/null 2>&1 || true
    [[ -n $ROOTFS ]] && as_root rm -rf "$ROOTFS" || true
    printf '\nTimings\n'
    local line
    for line in "${TIMINGS[@]}"; do printf '  %s\n' "$line"; done
    printf '  %-38s %7ss\n' "total" "$(seconds_since "$START")"
    if [[ $status -eq 0 ]]; then
        printf '\nPASS: %s builds and works as user %s, with its data in /data.\n' "$IMAGE" "$APP_UID"
    else
        printf '\nFAIL%s (exit %s)\n' "${STEP:+ in step: $STEP}" "$status" >&2
    fi
}
trap report EXIT

# --- tools --------------------------------------------------------------------------------------------
begin "tools (buildah, podman, debootstrap)"
missing=()
for tool in buildah podman debootstrap; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || missing+=("$tool")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]} with apt-get"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    say "already installed"
fi
PATH=$PATH:/usr/sbin:/sbin
say "$(buildah --version)"
end

# --- base ---------------------------------------------------------------------------------------------
debian_mirror() {
    local uri
    uri=$(grep -hsE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | awk '{ print $2 }' \
        | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)
    if [[ -z $uri ]]; then
        uri=$(grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            | sed -E 's/\[[^]]*\]//' | awk '{ print $2 }' | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)
    fi
    printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

begin "base image"
if [[ ${REBUILD_BASE:-0} != 1 ]] && podman image exists "$BASE_IMAGE"; then
    say "reusing $BASE_IMAGE"
else
    MIRROR=${MIRROR:-$(debian_mirror)}
    say "making $BASE_IMAGE: Debian $BASE_SUITE with python3 and its venv module, from $MIRROR"
    ROOTFS=$(as_root mktemp -d /var/tmp/ottawa-treaty-bot-base.XXXXXX)
    as_root debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        "$BASE_SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
        || { tail -20 "$ROOTFS.log" >&2; fail "debootstrap failed (log: $ROOTFS.log)"; }
    rm -f "$ROOTFS.log"
    as_root find "$ROOTFS/var/cache/apt/archives" "$ROOTFS/var/lib/apt/lists" -type f -delete
    as_root tar -C "$ROOTFS" -c . | podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        --quiet - "$BASE_IMAGE" >/dev/null
    as_root rm -rf "$ROOTFS"
    ROOTFS=""
fi
end

# --- build --------------------------------------------------------------------------------------------
begin "build the Dockerfile"
build_log=$(mktemp)
# --format docker: the OCI format has no HEALTHCHECK. The two mounts let pip reach the package index the
# way this machine does (its certificates and resolver).
if ! buildah bud --isolation chroot --network host --layers --format docker \
    -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
    -v /etc/resolv.conf:/etc/resolv.conf:ro \
    --build-arg BASE="$BASE_IMAGE" -t "$IMAGE" -f Dockerfile . >"$build_log" 2>&1; then
    tail -40 "$build_log" >&2
    fail "buildah bud failed (log: $build_log)"
fi
say "$(grep -cE 'STEP [0-9]+/' "$build_log" || true) steps, $(grep -c 'Using cache' "$build_log" || true) from the cache"
rm -f "$build_log"
say "$IMAGE: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
end

# --- image configuration ------------------------------------------------------------------------------
begin "image configuration"
config=$(buildah inspect --type image "$IMAGE" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["Docker"]["config"]))')
python3 - "$config" <<'PY' || fail "the image configuration is not as expected"
import json, sys
c = json.loads(sys.argv[1])
env = dict(e.split("=", 1) for e in c.get("Env") or [])
problems = []
def expect(what, ok):
    print(f"    {'ok ' if ok else 'BAD'} {what}")
    if not ok:
        problems.append(what)
expect(f"user {c.get('User')!r} is not root", c.get("User") not in (None, "", "0", "root", "0:0"))
expect("DATA_DIR=/data", env.get("DATA_DIR") == "/data")
expect("HEALTH_PORT=8080", env.get("HEALTH_PORT") == "8080")
expect("KNOWLEDGE_DIR unset (the shipped facts)", "KNOWLEDGE_DIR" not in env)
expect("PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED", env.get("PYTHONDONTWRITEBYTECODE") == env.get("PYTHONUNBUFFERED") == "1")
expect("VOLUME /data", "/data" in (c.get("Volumes") or {}))
expect("CMD ottawa-treaty-bot run", c.get("Cmd") == ["ottawa-treaty-bot", "run"])
test = (c.get("Healthcheck") or {}).get("Test") or []
expect("HEALTHCHECK on 127.0.0.1 /healthz", test[:1] == ["CMD"] and "127.0.0.1" in " ".join(test) and "/healthz" in " ".join(test))
sys.exit(1 if problems else 0)
PY
end

begin "compose.yaml"
if ! .venv/bin/python -c 'import yaml' 2>/dev/null; then
    say "SKIP: needs PyYAML (the checkout's .venv)"
else
    .venv/bin/python - "$config" <<'PY' || fail "compose.yaml does not match the image"
import json, sys, yaml
image = json.loads(sys.argv[1])
bot = yaml.safe_load(open("compose.yaml"))["services"]["bot"]
checks = {
    "built from the Dockerfile": bot.get("build") in (".", {"context": "."}),
    "env_file .env": bot.get("env_file") in (".env", [".env"]),
    "DATA_DIR=/data and HEALTH_PORT=8080 over .env": {"DATA_DIR": "/data", "HEALTH_PORT": "8080"}.items() <= bot.get("environment", {}).items(),
    "a named volume at /data": any(v.split(":")[1] == "/data" and "/" not in v.split(":")[0] for v in bot.get("volumes", [])),
    "restart unless-stopped": bot.get("restart") == "unless-stopped",
    "the image's HEALTHCHECK": bot.get("healthcheck", {}).get("test") == image["Healthcheck"]["Test"],
}
for what, ok in checks.items():
    print(f"    {'ok ' if ok else 'BAD'} {what}")
sys.exit(0 if all(checks.values()) else 1)
PY
fi
end

# --- inside the image ---------------------------------------------------------------------------------
CTR=$(buildah from --pull-never "$IMAGE")
# No --user: the checks run as the image's own USER, as `docker run` would.
inside() { buildah run --isolation chroot "$CTR" -- "$@"; }

begin "user and layout"
uid=$(inside id -u)
[[ $uid != 0 ]] || fail "the image runs as root"
[[ $uid == "$APP_UID" ]] || fail "expected uid $APP_UID, got $uid"
say "runs as $(inside id -un) (uid $uid)"
[[ $(inside printenv DATA_DIR) == /data ]] || fail "DATA_DIR is not /data inside the image"
inside sh -c 'test -d /data && test -w /data' || fail "/data is not writable by the user"
inside python3 - <<'PY' || fail "the image holds more than the installed package"
import os, shutil, bot, importlib.metadata as md
where = os.path.dirname(bot.__file__)
assert "site-packages" in where, where
assert os.path.isfile(os.path.join(where, "_knowledge", "states.csv")), "no shipped facts"
leftovers = [p for p in ("/src", "/wheels", "/app/tests", "/opt/venv/tests") if os.path.exists(p)]
assert not leftovers, f"source tree in the image: {leftovers}"
tools = [t for t in ("gcc", "cc", "make", "git") if shutil.which(t)]
assert not tools, f"build tools in the image: {tools}"
print(f"    ottawa-treaty-bot {md.version('ottawa-treaty-bot')} installed in {where}, no source tree, no build tools")
PY
end

begin "ottawa-treaty-bot check"
out=$(inside ottawa-treaty-bot check 2>&1) || { printf '%s\n' "$out" >&2; fail "check failed"; }
grep -q '^OK:' <<<"$out" || { printf '%s\n' "$out" >&2; fail "no 'OK:' line"; }
say "$(grep '^OK:' <<<"$out")"
end

begin "ottawa-treaty-bot ask --json"
out=$(inside ottawa-treaty-bot ask "is poland a party?" --as-of 2026-11-27 --json) \
    || { printf '%s\n' "$out" >&2; fail "ask failed"; }
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["states"] == ["POL"] and d["matched"] is True, (d.get("states"), d.get("matched"))
print("    states", d["states"], "matched", d["matched"], "-", d["answer"][:70] + "...")
' "$out" || fail "unexpected answer: ${out:0:400}"
end

begin "ottawa-treaty-bot console (piped)"
out=$(printf 'has finland left?\n/about\n' | inside ottawa-treaty-bot console 2>&1) \
    || { printf '%s\n' "$out" >&2; fail "console failed"; }
grep -q 'Finland' <<<"$out" || { printf '%s\n' "$out" >&2; fail "no answer about Finland"; }
grep -q 'Ottawa Treaty Bot' <<<"$out" || { printf '%s\n' "$out" >&2; fail "no /about"; }
say "$(grep -m1 'Finland' <<<"$out" | cut -c1-90)..."
say "$(grep -m1 'Ottawa Treaty Bot' <<<"$out")"
end

begin "database in DATA_DIR=/data"
owner=$(inside stat -c '%U %s' /data/facts.sqlite3 2>/dev/null) || fail "no /data/facts.sqlite3"
[[ ${owner%% *} == bot ]] || fail "/data/facts.sqlite3 is owned by ${owner%% *}, not bot"
say "/data/facts.sqlite3 (owner bot, ${owner#* } bytes)"
stray=$(inside sh -c 'find / -xdev -name "facts.sqlite3" -not -path "/data/*" -not -path "/proc/*" 2>/dev/null; true')
[[ -z $stray ]] || fail "a database outside /data: $stray"
end

begin "knowledge mounted over KNOWLEDGE_DIR"
# What curators do: -v ./knowledge:/knowledge:ro -e KNOWLEDGE_DIR=/knowledge. An empty folder must fail,
# which shows the mount, not the shipped copy, is what is read.
mounted() { buildah run --isolation chroot -v "$1:/knowledge:ro" --env KNOWLEDGE_DIR=/knowledge "$CTR" -- "${@:2}"; }
out=$(mounted "$PWD/knowledge" ottawa-treaty-bot check 2>&1) || { printf '%s\n' "$out" >&2; fail "check of the mounted knowledge failed"; }
say "$(grep '^OK:' <<<"$out")"
out=$(mounted "$PWD/knowledge" ottawa-treaty-bot ask "is poland a party?" --as-of 2026-11-27 --json) \
    && grep -q '"POL"' <<<"$out" || fail "ask with the mounted knowledge failed: ${out:0:400}"
say "ask answers from the mounted folder (read-only)"
empty=$(mktemp -d)
chmod 755 "$empty"
if mounted "$empty" ottawa-treaty-bot check >/dev/null 2>&1; then rmdir "$empty"; fail "an empty KNOWLEDGE_DIR passes check"; fi
rmdir "$empty"
say "an empty mounted folder fails check"
end

begin "HEALTHCHECK command"
# The image's own HEALTHCHECK command, run inside the image against a stand-in /healthz on loopback
# (chroot isolation shares this machine's network): it must pass on 200 and fail on 503 or no answer.
port=$(free_port)
mapfile -t healthcheck < <(python3 -c 'import json, sys; [print(a) for a in json.loads(sys.argv[1])["Healthcheck"]["Test"][1:]]' "$config")
probe() { buildah run --isolation chroot --env HEALTH_PORT="$port" "$CTR" -- "${healthcheck[@]}" >/dev/null 2>&1; }
stub() {
    python3 -c '
import http.server, sys
code = int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(code if self.path == "/healthz" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$port" "$1" &
    STUB_PID=$!
    python3 -c 'import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); break
    except OSError:
        time.sleep(0.05)' "$port"
}
unstub() { kill "$STUB_PID" 2>/dev/null || true; wait "$STUB_PID" 2>/dev/null || true; STUB_PID=""; }
stub 200; if probe; then say "200 -> healthy"; else unstub; fail "the check fails on 200"; fi; unstub
stub 503; if probe; then unstub; fail "the check passes on 503"; else say "503 -> unhealthy"; fi; unstub
if probe; then fail "the check passes with nothing listening"; else say "no answer -> unhealthy"; fi
end

begin "run against a Discord double"
# The image's CMD (`ottawa-treaty-bot run`) against the test suite's Discord double on loopback, served
# from the checkout's test environment (.venv, as .ci/run makes it); then the image's HEALTHCHECK
# against the real /healthz: healthy once connected, unhealthy once the gateway is gone; then SIGTERM.
if [[ ! -x .venv/bin/python || ! -f tests/support/discord_double.py ]] || ! .venv/bin/python -c 'import aiohttp' 2>/dev/null; then
    say "SKIP: needs the checkout's test environment (.venv with the test extras) for the Discord double"
else
    double_out=$(mktemp)
    .venv/bin/python deploy/discord_double.py >"$double_out" 2>&1 &
    DOUBLE_PID=$!
    for _ in $(seq 100); do [[ -s $double_out ]] && break; sleep 0.1; done
    read -r api_base gateway_url token <"$double_out" || fail "the Discord double did not start: $(cat "$double_out")"
    port=$(free_port)
    mapfile -t cmd < <(python3 -c 'import json, sys; [print(a) for a in json.loads(sys.argv[1])["Cmd"]]' "$config")
    bot_log=$(mktemp)
    buildah run --isolation chroot --env DISCORD_TOKEN="$token" --env DISCORD_API_BASE="$api_base" \
        --env DISCORD_GATEWAY_URL="$gateway_url" --env HEALTH_PORT="$port" --env OTB_HEALTH_RECONNECT_GRACE=2 "$CTR" -- "${cmd[@]}" >"$bot_log" 2>&1 &
    BOT_PID=$!
    for _ in $(seq 300); do
        grep -q 'ready as' "$bot_log" && break
        kill -0 "$BOT_PID" 2>/dev/null || { cat "$bot_log" >&2; BOT_PID=""; fail "'${cmd[*]}' exited before it was ready"; }
        sleep 0.2
    done
    grep -q 'ready as' "$bot_log" || { cat "$bot_log" >&2; fail "'${cmd[*]}' was not ready within 60 s"; }
    say "${cmd[*]}: $(grep -m1 -o 'ready as.*' "$bot_log") after $(seconds_since "$STEP_START")s"
    if ! grep -q '/healthz' "$bot_log"; then
        say "SKIP health: this build serves no /healthz"
    else
        healthy=no
        for _ in $(seq 20); do probe && { healthy=yes; break; }; sleep 0.5; done
        [[ $healthy == yes ]] || { cat "$bot_log" >&2; fail "HEALTHCHECK fails while connected"; }
        say "connected -> healthy"
        gone=$(date +%s.%N)
        kill "$DOUBLE_PID" 2>/dev/null || true; wait "$DOUBLE_PID" 2>/dev/null || true; DOUBLE_PID=""
        # /healthz stays 200 through a short drop (a grace period, 30 s, shortened here for the test).
        while [[ $(seconds_since "$gone" | cut -d. -f1) -lt 45 ]]; do probe || { healthy=no; break; }; sleep 0.5; done
        [[ $healthy == no ]] || { cat "$bot_log" >&2; fail "HEALTHCHECK still passes 45 s after the gateway went away"; }
        say "gateway gone -> unhealthy after $(seconds_since "$gone")s"
    fi
    stopping=$(date +%s.%N)
    stop_bot TERM
    [[ $BOT_STATUS == 0 ]] || { tail -20 "$bot_log" >&2; fail "SIGTERM: the bot exited with status $BOT_STATUS"; }
    say "SIGTERM -> exited 0 in $(seconds_since "$stopping")s"
    rm -f "$bot_log" "$double_out"
fi
end
