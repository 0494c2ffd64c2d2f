#!/usr/bin/env bash
# Builds the local service image that the container-service tests (and anyone trying container services without a
# registry) run: Debian's static busybox plus a small entry point, no registry and no network needed.
#
#   localhost/selftest-service:latest
#     CMD      /bin/serve: busybox httpd in the foreground on $PORT (default 8080), serving /www with /health;
#              prints "serving on PORT" first, stops at once on TERM (the shell as PID 1 traps it)
#     HEALTHCHECK  wget of http://127.0.0.1:$PORT/health (kept by `podman build --format docker`)
#     also: sh, nc (a TCP server: nc -ll -p 5432 -e cat), sleep, wget, ... (every busybox applet)
#
# Usage: scripts/build-service-image.sh [image]
# Idempotent: an image built from the same recipe is left as it is. Needs busybox-static (scripts/setup-machine.sh
# installs it); exits 0 with a message and does nothing when podman or busybox is missing.
set -euo pipefail

image="${1:-localhost/selftest-service:latest}"
if ! command -v podman >/dev/null 2>&1; then
  echo "build-service-image: podman is not installed; container-service tests will be skipped" >&2
  exit 0
fi
busybox=/bin/busybox
[ -x "$busybox" ] || busybox=/usr/bin/busybox
if [ ! -x "$busybox" ] || ! { ldd "$busybox" 2>&1 || true; } | grep -q 'not a dynamic executable'; then
  echo "build-service-image: no static busybox (install busybox-static: scripts/setup-machine.sh); skipped" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,tmp,www,etc,proc,sys,dev,run}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
cat > "$root/bin/serve" <<'SERVE'
#!/bin/sh
# busybox httpd in the foreground on $PORT; TERM ends it at once
port="${PORT:-8080}"
echo ok > /www/health
echo "${GREETING:-hello from selftest-service}" > /www/index.html
trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
httpd -f -v -p "$port" -h /www &
child=$!
echo "serving on $port"
wait "$child"
SERVE
chmod 755 "$root/bin/serve"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
cat > "$work/Containerfile" <<'FILE'
FROM scratch
COPY root/ /
ENV PATH=/bin
EXPOSE 8080
HEALTHCHECK --interval=2s --timeout=2s --retries=1 CMD wget -q -O /dev/null "http://127.0.0.1:${PORT:-8080}/health"
CMD ["/bin/serve"]
FILE

# the recipe: this script and the busybox it copies
digest="$( (cat "$0"; sha256sum < "$busybox") | sha256sum | cut -c1-16)"
if podman image exists "$image" \
   && [ "$(podman image inspect --format '{{index .Config.Labels "selftest.recipe"}}' "$image" 2>/dev/null)" = "$digest" ]; then
  echo "build-service-image: $image is up to date"
  exit 0
fi
podman build --quiet --format docker --label "selftest.recipe=$digest" -t "$image" "$work" >/dev/null
echo "build-service-image: built $image"
