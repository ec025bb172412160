#!/usr/bin/env bash
# Build dist/tatami-kiosk_<version>_<arch>.deb from the PyInstaller bundle with standard Debian
# tools: a staging tree, dpkg-shlibdeps for Depends, dpkg-deb --build (no debhelper needed).
#
#   installer/build_deb.sh            build the frozen bundle first (installer/build_frozen.sh)
#   installer/build_deb.sh --reuse    package the existing dist/tatami-kiosk as it is
#
# Prints the package path, its size, and the time each phase took. Needs dpkg-dev (dpkg-deb,
# dpkg-shlibdeps); lintian, when installed, checks the result (report only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINUX="$ROOT/installer/linux"
BUNDLE="$ROOT/dist/tatami-kiosk"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/kiosk/__init__.py")
ARCH=$(dpkg --print-architecture)
PACKAGE="tatami-kiosk"
STAGE="$ROOT/build/deb/${PACKAGE}_${VERSION}_${ARCH}"
OUTPUT="$ROOT/dist/${PACKAGE}_${VERSION}_${ARCH}.deb"
MAINTAINER="TatamiTech Platform Team <platform@tatamitech.com>"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

started=$(now)
if [[ "${1:-}" != "--reuse" ]]; then
    "$ROOT/installer/build_frozen.sh"
elif [[ ! -x "$BUNDLE/tatami-kiosk" ]]; then
    echo "build_deb: --reuse but no bundle in $BUNDLE" >&2
    exit 2
fi
frozen_seconds=$(since "$started")
bundled=$("$BUNDLE/tatami-kiosk" --version)
if [[ "$bundled" != "tatami-kiosk $VERSION" ]]; then
    echo "build_deb: the bundle is '$bundled' but the source says $VERSION: rebuild it" >&2
    exit 2
fi

staged=$(now)
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
    "$STAGE/usr/lib/systemd/user" "$STAGE/usr/share/doc/$PACKAGE"
cp -a "$BUNDLE" "$STAGE/opt/$PACKAGE"
ln -s "/opt/$PACKAGE/tatami-kiosk" "$STAGE/usr/bin/tatami-kiosk"
install -m 644 "$LINUX/tatami-kiosk.desktop" "$STAGE/usr/share/applications/"
# The application's own icon (resources/), one source for window and menu.
install -m 644 "$ROOT/resources/icons/tatami-kiosk.svg" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps/tatami-kiosk.svg"
install -m 644 "$LINUX/tatami-kiosk.service" "$LINUX/tatami-kiosk-backup.service" \
    "$LINUX/tatami-kiosk-backup.timer" "$STAGE/usr/lib/systemd/user/"
install -m 644 "$LINUX/debian/copyright" "$LINUX/debian/README.Debian" \
    "$STAGE/usr/share/doc/$PACKAGE/"
gzip -9n -c "$ROOT/CHANGELOG.md" > "$STAGE/usr/share/doc/$PACKAGE/changelog.gz"
# The date of the last commit keeps the package reproducible (SOURCE_DATE_EPOCH wins).
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}"
{
    echo "$PACKAGE ($VERSION) stable; urgency=medium"
    echo
    echo "  * Release $VERSION; see /usr/share/doc/$PACKAGE/changelog.gz."
    echo
    echo " -- $MAINTAINER  $(date -u -R -d "@$epoch")"
} | gzip -9n > "$STAGE/usr/share/doc/$PACKAGE/changelog.Debian.gz"
install -m 755 "$LINUX/debian/postinst" "$LINUX/debian/prerm" "$LINUX/debian/postrm" \
    "$STAGE/DEBIAN/"

# Normal permissions whatever the build machine's umask was.
find "$STAGE" -type d -exec chmod 755 {} +
find "$STAGE/opt" -type f -exec chmod go-w {} +

# Depends: the system libraries the bundle's ELF files need and do not carry themselves.
shlib="$(mktemp -d)"
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PACKAGE" "$PACKAGE" > "$shlib/debian/control"
mapfile -t elves < <(find "$STAGE/opt" -type f \( -name '*.so*' -o -perm -u+x \) \
    -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
mapfile -t libdirs < <(find "$STAGE/opt" -name '*.so*' -printf '%h\n' | sort -u)
(
    cd "$shlib"
    # Libraries inside the bundle are private (-l); wheels' libraries have no shlibs info
    # (--ignore-missing-info). Every library a plugin needs must be findable here: the Wayland
    # client libraries are build dependencies for that reason (see docs/release.md).
    dpkg-shlibdeps -O --ignore-missing-info -S"$STAGE" "${libdirs[@]/#/-l}" \
        "${elves[@]/#/-e}" 2>"$shlib/warnings" || {
        echo "build_deb: dpkg-shlibdeps failed:" >&2; tail -20 "$shlib/warnings" >&2; exit 1; }
) > "$shlib/substvars"
depends=$(sed -n 's/^shlibs:Depends=//p' "$shlib/substvars")
if [[ -z "$depends" ]]; then
    echo "build_deb: dpkg-shlibdeps found no dependencies:" >&2
    cat "$shlib/warnings" >&2
    exit 1
fi

installed_kib=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: $PACKAGE
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kib
Depends: $depends
Recommends: libzbar0, gnome-keyring | kwalletmanager
Section: misc
Priority: optional
Homepage: https://tatamitech.com
Description: TatamiTech check-in kiosk for martial-arts academies
 The reception scan station of the TatamiTech platform. Students show their QR
 pass or card to the camera or a USB scanner; the kiosk checks them in offline
 first, keeps every check-in in a local database and syncs with the academy's
 TatamiTech backend. Includes a systemd user unit that starts it full screen
 at login and a daily backup timer.
EOF
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
    | xargs -0 md5sum > DEBIAN/md5sums)
chmod 644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"
staging_seconds=$(since "$staged")

packed=$(now)
mkdir -p "$(dirname "$OUTPUT")"
# --root-owner-group: root-owned files without fakeroot. zstd -9 packs the 450 MB tree in
# seconds (xz -6: ~5 min here for 15 % less); Debian >= 12 and Ubuntu >= 21.10 read it. For
# older targets: DEB_COMPRESSION="-Zxz -z1" (~45 s) or "-Zgzip".
read -r -a compression <<<"${DEB_COMPRESSION:--Zzstd -z9}"
dpkg-deb --root-owner-group "${compression[@]}" --build "$STAGE" "$OUTPUT" >/dev/null
pack_seconds=$(since "$packed")

echo "build_deb: $OUTPUT ($(du -h "$OUTPUT" | cut -f1), installed ${installed_kib} KiB)"
echo "build_deb: Depends: $depends"
echo "build_deb: frozen ${frozen_seconds} s, staging ${staging_seconds} s, dpkg-deb ${pack_seconds} s"
if [[ "${LINTIAN:-0}" == 1 ]] && command -v lintian >/dev/null; then
    # Optional (LINTIAN=1; minutes on a 400 MB package) and informational: a bundled
    # application trips rules meant for distribution packages (embedded libraries, RUNPATHs of
    # the build's Python, unstripped objects in /opt). One line per tag with its count.
    checked=$(now)
    lintian --no-tag-display-limit "$OUTPUT" 2>&1 | awk '{print $1, $3}' | sort | uniq -c \
        | sort -rn | sed 's/^/build_deb: lintian: /' || true
    echo "build_deb: lintian ${checked:+$(since "$checked")} s"
fi
