# Build the GridDesk Windows installer: the PyInstaller bundle, its self-check, then the
# Inno Setup setup program. Run from the repository root in PowerShell:
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Needs Python 3.11 (x64, python.org), Inno Setup 6.3+ and ChineseSimplified.isl (see
# installer\WINDOWS.md). Writes installer\dist\griddesk\ and
# installer\dist\GridDesk-Setup-<version>-x64.exe.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$root = (Get-Location).Path

function Step($text) { Write-Host "== $text" -ForegroundColor Cyan }
function Check-Exit($what) { if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" } }

Step "virtual environment"
if (-not (Test-Path ".venv\Scripts\python.exe")) {
    py -3.11 -m venv .venv; Check-Exit "creating .venv"
}
$py = Join-Path $root ".venv\Scripts\python.exe"
# Qt's lrelease and friends live beside python.exe; the translation build looks on PATH.
$env:PATH = (Join-Path $root ".venv\Scripts") + ";" + $env:PATH
& $py -m pip install --upgrade pip; Check-Exit "pip upgrade"
& $py -m pip install -e ".[package]"; Check-Exit "installing GridDesk and the package extra"

Step "translations"
& $py -m app.ui.i18n_build; Check-Exit "compiling translations"

Step "version"
$version = & $py -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
Check-Exit "reading the version"
New-Item -ItemType Directory -Force "installer\build" | Out-Null
Set-Content -Path "installer\build\VERSION" -Value $version -Encoding ascii
$env:GRIDDESK_VERSION_FILE = Join-Path $root "installer\build\VERSION"

Step "bundle (PyInstaller)"
& $py -m PyInstaller --noconfirm --clean --log-level WARN --distpath installer\dist `
    --workpath installer\build\work installer\griddesk.spec
Check-Exit "PyInstaller"

Step "self-check of the bundle"
& "installer\dist\griddesk\griddesk.exe" --self-check
Check-Exit "griddesk --self-check"

Step "setup program (Inno Setup)"
$iscc = @(
    "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
    "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
) | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "ISCC.exe (Inno Setup 6) not found" }
& $iscc "/DAppVersion=$version" "installer\windows\griddesk.iss"
Check-Exit "ISCC"

$setup = Get-Item "installer\dist\GridDesk-Setup-$version-x64.exe"
$bundle = (Get-ChildItem -Recurse -File "installer\dist\griddesk" | Measure-Object -Sum Length).Sum
Write-Host ("bundle: {0:N0} MiB; setup: {1} ({2:N0} MiB)" -f ($bundle / 1MB), $setup.Name, ($setup.Length / 1MB))
