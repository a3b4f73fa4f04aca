#!/usr/bin/env bash
# Build the Linux one-folder bundle and the .deb for Debian, UOS and Kylin.
#
#   installer/build_linux.sh [--skip-bundle] [--no-deb]
#
# Needs the project's .venv (scripts/setup.sh makes it); installs PyInstaller into it when
# missing. Writes:
#   installer/dist/griddesk/                        the bundle (griddesk-desktop, griddesk)
#   installer/dist/griddesk_<version>-1_<arch>.deb  the package (installs to /opt/griddesk)
#   installer/dist/build-info.txt                   sizes and the glibc floor, for the log
# --skip-bundle reuses an existing bundle (only repackages); --no-deb stops after the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
OUT=$ROOT/installer/dist
WORK=$ROOT/installer/build
BUNDLE=$OUT/griddesk
skip_bundle=0
make_deb=1
for arg in "$@"; do
  case "$arg" in
    --skip-bundle) skip_bundle=1 ;;
    --no-deb) make_deb=0 ;;
    *) echo "build_linux: unknown option $arg" >&2; exit 2 ;;
  esac
done
log() { echo "build_linux: $*" >&2; }

[ -x "$PY" ] || { log "no Python at $PY; run scripts/setup.sh first"; exit 1; }
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
mkdir -p "$OUT" "$WORK"
echo "$VERSION" > "$WORK/VERSION"

if [ "$skip_bundle" = 0 ]; then
  if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
    log "installing PyInstaller into $(dirname "$(dirname "$PY")")"
    "$PY" -m pip install -q "pyinstaller>=6.10"
  fi
  command -v objdump >/dev/null || { log "PyInstaller needs objdump (apt-get install binutils)"; exit 1; }
  # Compiled translations go into the bundle (the .qm files are not in git).
  "$PY" -m app.ui.i18n_build >/dev/null 2>&1 || log "warning: translations not compiled (app.ui.i18n_build failed)"
  ls resources/translations/*.qm >/dev/null 2>&1 || log "warning: no .qm translation in resources/translations; the English interface will be missing"
  t0=$(date +%s)
  log "PyInstaller: building the bundle (a few minutes on 2 cores)"
  GRIDDESK_VERSION_FILE="$WORK/VERSION" "$PY" -m PyInstaller --noconfirm --clean \
      --log-level WARN --distpath "$OUT" --workpath "$WORK/work" installer/griddesk.spec
  log "bundle built in $(( $(date +%s) - t0 )) s"
fi
[ -x "$BUNDLE/griddesk" ] && [ -x "$BUNDLE/griddesk-desktop" ] || { log "no bundle at $BUNDLE"; exit 1; }

# The newest glibc symbol version any bundled program or library asks for: the package's
# libc6 floor (the bundle runs only where glibc is at least this new).
libc_min=$(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
  | sort -t. -k1,1n -k2,2n -k3,3n -u | tail -n1)
libc_min=${libc_min:-2.28}
bundle_kib=$(du -sk "$BUNDLE" | cut -f1)
{
  echo "version=$VERSION"
  echo "arch=$ARCH"
  echo "bundle_kib=$bundle_kib"
  echo "bundle_files=$(find "$BUNDLE" -type f | wc -l)"
  echo "glibc_min=$libc_min"
} > "$OUT/build-info.txt"
log "bundle: $(du -sh "$BUNDLE" | cut -f1) in $(find "$BUNDLE" -type f | wc -l) files; needs glibc >= $libc_min"
[ "$make_deb" = 1 ] || exit 0

# ----- the .deb --------------------------------------------------------------------------
STAGE=$WORK/deb/griddesk_${VERSION}-1_${ARCH}
rm -rf "$WORK/deb"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
  "$STAGE/usr/share/doc/griddesk"
cp -a "$BUNDLE" "$STAGE/opt/griddesk"
ln -s /opt/griddesk/griddesk "$STAGE/usr/bin/griddesk"
ln -s /opt/griddesk/griddesk-desktop "$STAGE/usr/bin/griddesk-desktop"
install -m 0644 installer/griddesk.desktop "$STAGE/usr/share/applications/griddesk.desktop"
install -m 0644 installer/assets/griddesk.png "$STAGE/usr/share/icons/hicolor/256x256/apps/griddesk.png"
install -m 0644 installer/assets/griddesk.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/griddesk.svg"
cat > "$STAGE/usr/share/doc/griddesk/copyright" <<EOF
GridDesk (网格工作台) ${VERSION}
The bundle under /opt/griddesk contains Python, Qt for Python (PySide6, LGPLv3), Qt (LGPLv3),
SQLCipher (BSD-style), OpenCV (Apache-2.0), zxing-cpp (Apache-2.0), NumPy (BSD) and other
components under their own licences; their licence files are in /opt/griddesk/_internal
beside each component where the component ships one.
EOF
chmod -R u+rwX,go+rX,go-w "$STAGE"
find "$STAGE" -type d -exec chmod 0755 {} +
for script in postinst prerm postrm; do
  install -m 0755 "installer/debian/$script" "$STAGE/DEBIAN/$script"
done
installed_kib=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/${VERSION}-1/" -e "s/@ARCH@/$ARCH/" -e "s/@LIBC_MIN@/$libc_min/" \
    -e "s/@INSTALLED_SIZE@/$installed_kib/" installer/debian/control.in > "$STAGE/DEBIAN/control"
( cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print0 | sed -z 's|^\./||' \
    | sort -z | xargs -0 md5sum > DEBIAN/md5sums )
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$STAGE/usr/share/applications/griddesk.desktop"
fi
DEB=$OUT/griddesk_${VERSION}-1_${ARCH}.deb
rm -f "$DEB"
t0=$(date +%s)
# xz: every dpkg of the supported systems reads it (zstd needs dpkg >= 1.21.18). Level 1:
# on 2 cores about 40 s for 130 MB, where level 6 takes five minutes for 110 MB.
DEB_LEVEL=${GRIDDESK_DEB_XZ_LEVEL:-1}
dpkg-deb --root-owner-group -Zxz -z"$DEB_LEVEL" --threads-max="$(nproc)" --build "$STAGE" "$DEB" >/dev/null
rm -rf "$WORK/deb"
deb_kib=$(du -k "$DEB" | cut -f1)
echo "deb=$(basename "$DEB")" >> "$OUT/build-info.txt"
echo "deb_kib=$deb_kib" >> "$OUT/build-info.txt"
log "package: $DEB ($(du -h "$DEB" | cut -f1), built in $(( $(date +%s) - t0 )) s)"
dpkg-deb --field "$DEB" Package Version Architecture Installed-Size >&2
