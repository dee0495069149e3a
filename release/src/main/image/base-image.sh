#!/usr/bin/env bash
# The container image's base, made here instead of pulled from a registry: the files of the
# Debian packages a JDK needs at run time (libc, libgcc, zlib; Java brings its own time zones), as
# this build machine has them installed, plus a Java runtime jlinked from the JDK running the
# build, a tern user (uid 999) and /var/lib/tern owned by it. Written as a docker-save tarball,
# which Jib takes as a base image with tar://.
#
#   base-image.sh OUT.tar JAVA_HOME
set -euo pipefail
out=$1
java_home=$2
[[ -s $out && $out -nt $0 ]] && exit 0 # made by an earlier build
command -v dpkg >/dev/null || { echo "base-image.sh: the image's base is made from Debian's installed packages; no dpkg here" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"

# Regular files and links to files, at their real directory (with merged /usr, /lib is a link
# to usr/lib); tar creates the directories, and the top-level links are made as the host has them.
dpkg -L libc6 libgcc-s1 zlib1g | sort -u | while read -r f; do
  if [[ -f $f && ! -d $f ]]; then
    dir=$(readlink -f "$(dirname "$f")")
    printf '%s\n' "${dir#/}/$(basename "$f")"
  fi
done | sort -u >"$work/files"
tar -C / --no-recursion -cf - -T "$work/files" | tar -C "$root" -xf -
for top in bin sbin lib lib64; do
  [[ -L /$top ]] && ln -s "$(readlink "/$top")" "$root/$top"
done

# The modules of Java SE plus what Chronicle Queue (jdk.compiler, jdk.unsupported), JFR and
# DNS need; no jmods needed (JDK 24+ links from its own run-time image). Java debug attributes
# only: stripping native symbols would need objcopy (binutils), which a minimal machine lacks.
"$java_home/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.compiler,jdk.jfr,jdk.management,jdk.management.jfr,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.localedata \
  --strip-java-debug-attributes --no-man-pages --no-header-files --output "$root/opt/java"

mkdir -p "$root/etc" "$root/var/lib/tern" "$root/tmp"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ntern:x:999:999:Tern mail transfer agent:/var/lib/tern:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\ntern:x:999:\n' >"$root/etc/group"
chown 999:999 "$root/var/lib/tern"
chmod 0750 "$root/var/lib/tern"

image=$work/image
mkdir -p "$image"
tar -C "$root" --numeric-owner --sort=name --mtime=@0 -cf "$image/layer.tar" .
layer=$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
mkdir "$image/$layer"
mv "$image/layer.tar" "$image/$layer/layer.tar"
cat >"$image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer"]},
 "history":[{"created_by":"tern release/src/main/image/base-image.sh: Debian runtime files and a jlinked Java runtime"}]}
JSON
config=$(sha256sum "$image/config.json" | cut -d' ' -f1)
mv "$image/config.json" "$image/$config.json"
printf '[{"Config":"%s.json","RepoTags":["tern-base:local"],"Layers":["%s/layer.tar"]}]\n' "$config" "$layer" >"$image/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$image" -cf "$out.part" manifest.json "$config.json" "$layer"
mv "$out.part" "$out"
