#!/usr/bin/env bash
# `make package`: the one-folder desktop build (PyInstaller), its tarball and a .deb, validated, with their sizes.
#   dist/storyreel/                                the app: run dist/storyreel/storyreel
#   dist/Storyreel-VERSION-linux-x86_64.tar.gz     that folder, to unpack anywhere
#   dist/storyreel_VERSION_amd64.deb               installs into /opt/storyreel, /usr/bin/storyreel, menu entry,
#                                                  icons, AppStream metainfo and the *.storyreel MIME type
# Needs the venv with the `package` extra (pyinstaller), dpkg-deb, desktop-file-validate, appstreamcli.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
APP_ID=org.storyreel.Storyreel
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("storyreel"))')
ARCH=x86_64
DIST=dist
APP="$DIST/storyreel"
TARBALL="$DIST/Storyreel-$VERSION-linux-$ARCH.tar.gz"
DEB="$DIST/storyreel_${VERSION}_amd64.deb"
WORK=build/package
start=$(date +%s)
for tool in dpkg-deb desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || { echo "make package: $tool is missing (apt-get install dpkg desktop-file-utils appstream)" >&2; exit 2; }
done

rm -rf "$APP" "$WORK/share" "$WORK/deb" "$TARBALL" "$DEB"
mkdir -p "$WORK"
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK/work" packaging/storyreel.spec
built=$(date +%s)

# Desktop integration, shared by the tarball (storyreel/share/) and the .deb (/usr/share).
SHARE="$WORK/share"
mkdir -p "$SHARE/applications" "$SHARE/metainfo" "$SHARE/mime/packages" "$SHARE/icons"
cp packaging/linux/$APP_ID.desktop "$SHARE/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u +%F)/" packaging/linux/$APP_ID.metainfo.xml \
    > "$SHARE/metainfo/$APP_ID.metainfo.xml"
cp packaging/linux/$APP_ID.xml "$SHARE/mime/packages/"
"$PY" packaging/make_icons.py "$SHARE/icons"
desktop-file-validate "$SHARE/applications/$APP_ID.desktop"
appstreamcli validate --no-net --explain "$SHARE/metainfo/$APP_ID.metainfo.xml"
cp -R "$SHARE" "$APP/share"

tar -C "$DIST" -cf - storyreel | gzip -1 > "$TARBALL"

ROOTFS="$WORK/deb"
mkdir -p "$ROOTFS/opt" "$ROOTFS/usr/bin" "$ROOTFS/DEBIAN"
cp -al "$(realpath "$APP")" "$ROOTFS/opt/storyreel"  # hard links: no second copy of the build on disk
cp -R "$SHARE" "$ROOTFS/usr/share"
ln -s /opt/storyreel/storyreel "$ROOTFS/usr/bin/storyreel"
sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$(du -sk "$ROOTFS" | cut -f1)/" packaging/linux/control \
    > "$ROOTFS/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$ROOTFS"
# The menu, icon and MIME caches are refreshed by dpkg triggers (desktop-file-utils, hicolor-icon-theme,
# shared-mime-info), so the package needs no maintainer scripts. gzip: every dpkg can unpack it.
dpkg-deb --root-owner-group -Zgzip -z1 --build "$ROOTFS" "$DEB" >/dev/null
rm -rf "$ROOTFS"

done_at=$(date +%s)
echo "Storyreel $VERSION desktop build ($(( built - start )) s PyInstaller, $(( done_at - start )) s in all):"
du -sh "$APP" | sed 's/\t/  /'
du -h "$TARBALL" "$DEB" | sed 's/\t/  /'
