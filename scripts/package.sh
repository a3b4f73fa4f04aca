#!/usr/bin/env bash
# CI packaging step: build the Linux bundle and the .deb, install the .deb, run the installed
# `griddesk --self-check` offscreen, time the installed desktop program's first window, and
# (as root) remove the package again, checking that station data stays.
#
#   scripts/package.sh            build, install, check, time, remove
#   scripts/package.sh --keep     leave the package installed afterwards
#
# As root the .deb is installed on this machine with apt-get (its dependencies come from the
# Debian archive: that checks the Depends line too). Otherwise it is unpacked with `dpkg -x`
# into a temporary root and run from there (system libraries must already be present).
# Prints the figures at the end; exit status 1 when building, installing or a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1
started=$(date +%s)
log() { echo "package: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

# ----- what the build needs ----------------------------------------------------------------
bash scripts/setup.sh
tools=()
command -v objdump >/dev/null || tools+=(binutils)
command -v dpkg-deb >/dev/null || tools+=(dpkg)
command -v xvfb-run >/dev/null || tools+=(xvfb xauth)
command -v desktop-file-validate >/dev/null || tools+=(desktop-file-utils)
apt_updated=0
if is_root; then
  apt-get update -qq && apt_updated=1
  if [ ${#tools[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
  fi
elif [ ${#tools[@]} -gt 0 ]; then
  log "missing tools (${tools[*]}); run as root or install them"; exit 1
fi
# PyInstaller (the `package` extra of pyproject.toml; the rest of it comes with `dev`).
.venv/bin/python -c 'import PyInstaller' 2>/dev/null || .venv/bin/python -m pip install -q "pyinstaller>=6.10"

# ----- build -------------------------------------------------------------------------------
t0=$(date +%s)
bash installer/build_linux.sh
build_s=$(( $(date +%s) - t0 ))
# shellcheck disable=SC1091
. installer/dist/build-info.txt
DEB=$ROOT/installer/dist/$deb

# ----- install -----------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/griddesk-package.XXXXXX)
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
installed_on_machine=0
if is_root; then
  [ "$apt_updated" = 1 ] || apt-get update -qq
  log "installing $deb with apt-get (pulls its dependencies)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$DEB" >/dev/null
  PREFIX=/opt/griddesk
  installed_on_machine=1
  # The commands on PATH are symbolic links into /opt/griddesk: they must start the bundle.
  [ "$(readlink -f /usr/bin/griddesk)" = /opt/griddesk/griddesk ] \
    || { log "/usr/bin/griddesk is not the installed bundle"; exit 1; }
else
  log "not root: unpacking $deb into $TMP/root"
  dpkg -x "$DEB" "$TMP/root"
  PREFIX=$TMP/root/opt/griddesk
fi
installed_kib=$(du -sk "$PREFIX" | cut -f1)

# ----- self-check of the installed bundle ---------------------------------------------------
# A fresh home: nothing from this checkout or the build is visible to the installed program.
mkdir -p "$TMP/home"
status=0
log "running the installed griddesk --self-check (offscreen)"
( cd "$TMP" && env -u DISPLAY -u WAYLAND_DISPLAY -u PYTHONPATH HOME="$TMP/home" \
    QT_QPA_PLATFORM=offscreen "$([ "$installed_on_machine" = 1 ] && echo /usr/bin/griddesk || echo "$PREFIX/griddesk")" \
    --self-check ) | tee "$TMP/selfcheck.txt" || status=1

# ----- time to first window -----------------------------------------------------------------
log "timing the installed desktop program's first window"
timing_offscreen=$( cd "$TMP" && HOME="$TMP/home" python3 "$ROOT/installer/time_first_window.py" \
    --prefix "$PREFIX" --runs 3 --platform offscreen ) || status=1
echo "$timing_offscreen"
timing_xcb=""
if command -v xvfb-run >/dev/null && [ "$installed_on_machine" = 1 ]; then
  timing_xcb=$( cd "$TMP" && HOME="$TMP/home" xvfb-run -a -s "-screen 0 1600x900x24" \
      python3 "$ROOT/installer/time_first_window.py" --prefix "$PREFIX" --runs 3 --platform xcb ) \
    || { log "warning: the X11 (xvfb) timing failed"; timing_xcb="(failed)"; }
  echo "$timing_xcb"
fi

# ----- removal keeps station data -------------------------------------------------------------
removal="not tried (not root)"
if [ "$installed_on_machine" = 1 ] && [ "$keep" = 0 ]; then
  env -u XDG_DATA_HOME HOME="$TMP/home" "$PREFIX/griddesk" init --station 卸载测试站 --division 450103 --admin admin \
      --password-stdin <<<"Removal-Test-2024!" >/dev/null
  data="$TMP/home/.local/share/GridDesk"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq griddesk >/dev/null
  if [ ! -e /opt/griddesk ] && [ -s "$data/station.db" ] && [ -s "$data/station.keys" ]; then
    removal="purged; /opt/griddesk gone, station data in the user's folder kept"
  else
    removal="FAILED (program left behind or station data lost)"; status=1
  fi
fi

# ----- figures ------------------------------------------------------------------------------
fails=$(grep -c '^FAIL' "$TMP/selfcheck.txt" || true)
warns=$(grep -c '^WARN' "$TMP/selfcheck.txt" || true)
echo
echo "==================== GridDesk packaging ===================="
echo "package:              $deb ($(( deb_kib / 1024 )) MiB), built in ${build_s} s"
echo "bundle size:          $(( bundle_kib / 1024 )) MiB on disk, $bundle_files files (installed tree $(( installed_kib / 1024 )) MiB)"
echo "needs:                glibc >= $glibc_min ($arch)"
echo "installed:            $PREFIX ($([ "$installed_on_machine" = 1 ] && echo 'apt-get on this machine' || echo 'dpkg -x into a temporary root'))"
echo "self-check:           $([ "$fails" = 0 ] && echo passed || echo "FAILED ($fails)"), $warns warning(s)"
echo "first window:         $(echo "$timing_offscreen" | tail -n1)"
[ -n "$timing_xcb" ] && echo "first window (X11):   $(echo "$timing_xcb" | tail -n1)"
echo "removal:              $removal"
echo "total time:           $(( $(date +%s) - started )) s"
echo "============================================================"
exit $status
