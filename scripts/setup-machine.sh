#!/usr/bin/env bash
# Installs what the test suite and the benchmarks use beyond a JDK, from Debian's packages:
# podman + runc (container shards), busybox-static and CNI's dnsname (container services), chromium (page tests),
# supervisor (the benchmark's yardstick), gcc and libc6-dev (the compiled keeper, linked statically), gradle (the
# gradle preset on a real Gradle build: Debian's 4.4.1, which runs on Java 17),
# pytest with pytest-cov, coverage.py and pytest-xdist for /usr/bin/python3 (pytest shards; container shards of the
# test image see them through the mounted /usr),
# and writes the podman settings this kind of machine needs. Idempotent; needs root (or sudo).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-machine: not root and no sudo; install podman runc chromium supervisor gcc libc6-dev gradle python3-pytest python3-pytest-cov python3-coverage python3-pytest-xdist yourself" >&2
    exit 0
  fi
fi

need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v supervisord >/dev/null 2>&1 || need+=(supervisor)
command -v setsid >/dev/null 2>&1 || need+=(util-linux)
command -v gradle >/dev/null 2>&1 || need+=(gradle)
# the compiled keeper (engine/src/main/c): a C compiler and the static C library it links
command -v cc >/dev/null 2>&1 || need+=(gcc)
[ -f "/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo none)/libc.a" ] || need+=(libc6-dev)
# for /usr/bin/python3 itself: a python3 earlier on the PATH (pyenv) is not the one these packages serve
for pkg in pytest:python3-pytest pytest_cov:python3-pytest-cov coverage:python3-coverage xdist:python3-pytest-xdist; do
  /usr/bin/python3 -c "import ${pkg%%:*}" >/dev/null 2>&1 || need+=("${pkg#*:}")
done
# container services: a static busybox for the local service image (build-service-image.sh), and podman's DNS
# for CNI networks, so services of one block reach each other by name
{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic executable' || need+=(busybox-static)
[ -x /usr/lib/cni/dnsname ] || need+=(golang-github-containernetworking-plugin-dnsname)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-machine: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Podman under this machine's cgroups: runc instead of crun, no default ulimits, private cgroup namespace.
conf=/etc/containers/containers.conf
want='[containers]
default_ulimits = []
cgroupns = "private"

[engine]
runtime = "runc"'
if [ ! -f "$conf" ] || ! grep -q 'runtime = "runc"' "$conf"; then
  echo "setup-machine: writing $conf"
  $SUDO mkdir -p /etc/containers
  printf '%s\n' "$want" | $SUDO tee "$conf" >/dev/null
fi
echo "setup-machine: podman $(podman --version 2>/dev/null | awk '{print $3}'), chromium $(chromium --version 2>/dev/null | awk '{print $2}'), supervisord $(supervisord --version 2>/dev/null), $(/usr/bin/python3 -m pytest --version 2>&1 | head -1), $(/usr/bin/python3 -m coverage --version 2>/dev/null | head -1)"
