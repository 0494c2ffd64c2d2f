#!/usr/bin/env bash
# Compiles the plugin's main sources against the real Jenkins 2.462.3 jars (../shared/tools/jenkins-classpath)
# instead of the jenkins-api stand-in: a member the stand-in has and Jenkins lacks fails here.
# Needs a built engine (engine/target/classes) and ../shared beside the clone; says so and exits 0 without it.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=../shared/tools/jenkins-classpath
if [ ! -x "$tool" ]; then
  echo "compile-against-real-jenkins: no $tool beside this clone; skipped"
  exit 0
fi
work=target/real-jenkins-classpath
mkdir -p "$work"
jenkins_cp=$("$tool" "$PWD/$work/jars")
# the engine's own libraries, as Maven resolves them for the plugin
./mvnw -B -q -o -pl engine dependency:build-classpath -Dmdep.outputFile="$PWD/$work/engine.cp" -Dmdep.includeScope=runtime >/dev/null 2>&1 \
  || ./mvnw -B -q -pl engine dependency:build-classpath -Dmdep.outputFile="$PWD/$work/engine.cp" -Dmdep.includeScope=runtime
# the servlet API comes from the war's launcher (Jetty inside winstone.jar), not from WEB-INF/lib
[ -f "$work/winstone.jar" ] || unzip -q -o -j ../shared/jenkins/jenkins.war executable/winstone.jar -d "$work"
out="$work/classes"
rm -rf "$out"; mkdir -p "$out"
find plugin/src/main/java -name '*.java' > "$work/sources.txt"
javac --release 17 -proc:none -nowarn -encoding UTF-8 -d "$out" \
  -cp "$jenkins_cp:$work/winstone.jar:engine/target/classes:$(cat "$work/engine.cp")" @"$work/sources.txt"
echo "compile-against-real-jenkins: $(wc -l < "$work/sources.txt") plugin sources compile against the real Jenkins jars"
