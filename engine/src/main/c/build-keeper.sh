#!/bin/sh
# Compiles the keeper (keeper.c) for this machine's architecture into the engine's classes, where Keeper finds it:
#   build-keeper.sh CLASSES_DIR JAVA_OS_ARCH
# Statically linked, so that it runs on any Linux of that architecture whatever its C library. Beside it,
# selftest-keeper.id names this build of it (the start of its SHA-256, and its size), so that a JVM finds the file it
# put on disk before without reading the binary. The engine's build runs it where there is a C compiler (the
# 'native-keeper' profile); a jar without it uses keeper.pl.
set -eu
here=$(dirname "$0")
out="$1/io/jenkins/plugins/selftest/engine/process/native/linux-$2/selftest-keeper"
mkdir -p "$(dirname "$out")"
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -static -s -o "$out.tmp" "$here/keeper.c"
mv "$out.tmp" "$out"
printf '%s %s\n' "$(sha256sum "$out" | cut -c1-16)" "$(wc -c < "$out" | tr -d ' ')" > "$out.id"
