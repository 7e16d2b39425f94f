#!/usr/bin/env bash
# Builds pkttrace_VERSION_all.deb from the unpacked distribution: the tree under /opt/pkttrace,
# /usr/bin/pkttrace, the man pages (share/man, gzipped as Debian wants), bash and zsh completion.
# The class-data-sharing archives are left out (postinst makes them for /opt/pkttrace).
# Usage: build-deb.sh DIST_DIR MAVEN_VERSION OUT_DIR
set -euo pipefail
dist=$1 version=$2 out=$3
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Debian versions: '-' would start a Debian revision and a snapshot must sort before its release: 0.1.0~snapshot.
deb_version=$(printf '%s' "$version" | sed -e 's/-SNAPSHOT$/~snapshot/' -e 's/-/~/g')

umask 022
stage=$out/deb-root
rm -rf "$stage" "$out"/pkttrace_*.deb
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/man/man1" \
  "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions"
cp -r "$dist" "$stage/opt/pkttrace"
rm -rf "$stage/opt/pkttrace/share" "$stage/opt/pkttrace/lib/"*.jsa
ln -s /opt/pkttrace/bin/pkttrace "$stage/usr/bin/pkttrace"
for page in "$dist"/share/man/man1/*.1; do
  gzip -9n <"$page" >"$stage/usr/share/man/man1/$(basename "$page").gz"
done
cp "$dist/share/bash-completion/completions/pkttrace" "$stage/usr/share/bash-completion/completions/pkttrace"
cp "$dist/share/zsh/vendor-completions/_pkttrace" "$stage/usr/share/zsh/vendor-completions/_pkttrace"
# Plugins and code run as root: nothing group- or world-writable (the plugin trust rules check it).
chmod -R u=rwX,go=rX "$stage"
chmod 0755 "$stage/opt/pkttrace/bin/pkttrace"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$deb_version/" -e "s/@INSTALLED_SIZE@/$size/" "$src/control" >"$stage/DEBIAN/control"
for script in postinst prerm postrm; do
  install -m 0755 "$src/$script" "$stage/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/pkttrace_${deb_version}_all.deb" >/dev/null
rm -rf "$stage"
echo "built $out/pkttrace_${deb_version}_all.deb"
