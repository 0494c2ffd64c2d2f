#!/usr/bin/env bash
# Builds the local test image for container shards, without any registry: a tiny root file system
# (just the directory skeleton and the usual /bin, /lib, /lib64 links into /usr) imported with `podman import`.
#
# The image holds no JDK and no Maven of its own: the host's /usr is mounted read-only at run time, plus the
# /etc directories the JDK and Maven link into and a JDK outside /usr that /usr/bin/java leads to. The image
# does not ask for those mounts (an image's labels mount nothing: a label must not open host directories to
# every shard); selftest knows what its default image borrows (SelfTestOptions.defaultImageMounts) and mounts
# each path that exists read-only, as it mounts the user's --mount options. For the maven preset it also
# mounts the user's ~/.m2 (offline Maven) and the workspace at their own paths. So the image is ~10 kB and
# starts in well under a second. Here only the mount points are made.
#
# Usage: scripts/build-test-image.sh [--maven DIR] [image]   (default localhost/selftest-java17:latest)
#   --maven DIR  also copy the Maven distribution DIR (an unpacked apache-maven-3.x) into the image at /opt/maven
#                and put its bin first on the PATH: an image whose Maven is not the host's (the tests'
#                localhost/selftest-maven39 uses the 3.9 distribution ./mvnw downloaded into ~/.m2/wrapper/dists).
# Idempotent: an image with the same content and mounts is left as it is. Exits 0 with a message and
# does nothing when podman is not installed.
set -euo pipefail

maven=""
if [ "${1:-}" = "--maven" ]; then
  maven="$(cd "${2:?--maven needs the directory of an unpacked Maven distribution}" && pwd)"
  [ -x "$maven/bin/mvn" ] || { echo "build-test-image: --maven $maven has no bin/mvn: give an unpacked apache-maven-3.x" >&2; exit 2; }
  shift 2
fi
image="${1:-localhost/selftest-java17:latest}"
if ! command -v podman >/dev/null 2>&1; then
  echo "build-test-image: podman is not installed; container shards will be skipped (run scripts/setup-machine.sh)" >&2
  exit 0
fi

# The mount points of what selftest mounts (keep in step with SelfTestOptions.DEFAULT_IMAGE_HOST_PATHS).
mounts=(/usr)
for p in /etc/alternatives /etc/java-17-openjdk /etc/maven /etc/ssl/certs; do
  [ -e "$p" ] && mounts+=("$p")
done
if command -v java >/dev/null 2>&1; then
  jhome="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  case "$jhome" in /usr/*) ;; *) mounts+=("$jhome") ;; esac
fi
points="$(IFS=,; echo "${mounts[*]}")"
# v2: no selftest.mounts label any more (an image of v1 is rebuilt without it)
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mavenVersion=""
if [ -n "$maven" ]; then
  mavenVersion="$(basename "$(ls "$maven"/lib/maven-core-*.jar)" .jar)"
  path="/opt/maven/bin:$path"
fi
digest="$(printf '%s\n' "v2" "$points" ${mavenVersion:+"$mavenVersion"} | sha256sum | cut -c1-16)"

if podman image exists "$image" \
   && [ "$(podman image inspect --format '{{index .Config.Labels "selftest.recipe"}}' "$image" 2>/dev/null)" = "$digest" ]; then
  echo "build-test-image: $image is up to date (mount points: $points)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{usr,tmp,etc,proc,sys,dev,root,run,var/tmp,workspace}
chmod 1777 "$root/tmp" "$root/var/tmp"
ln -s usr/bin "$root/bin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s usr/sbin "$root/sbin"
for p in "${mounts[@]}"; do mkdir -p "$root$p"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
if [ -n "$maven" ]; then
  mkdir -p "$root/opt"
  cp -r "$maven" "$root/opt/maven"
fi
tar -C "$root" -cf "$work/root.tar" .

podman import \
  --change "LABEL selftest.recipe=$digest" \
  --change "ENV PATH=$path" \
  --change "ENV HOME=/root" \
  --change "WORKDIR /workspace" \
  --change 'CMD ["/bin/sh"]' \
  --quiet "$work/root.tar" "$image" >/dev/null
echo "build-test-image: built $image (mount points: $points${mavenVersion:+; $mavenVersion first on the PATH})"
