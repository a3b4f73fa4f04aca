; GridDesk (网格工作台) Windows installer: Inno Setup 6.3 or newer.
;
;   ISCC.exe /DAppVersion=0.1.0 installer\windows\griddesk.iss
;
; Packs the PyInstaller bundle installer\dist\griddesk\ (see installer\WINDOWS.md) into
; installer\dist\GridDesk-Setup-<version>-x64.exe. Per-machine install under Program Files
; (administrator rights), a Start-menu folder, installer pages in Simplified Chinese and
; English. Station data is never installed or removed here: the app keeps it in each user's
; %LOCALAPPDATA%\GridDesk, which uninstalling leaves in place.
;
; Simplified Chinese pages: Inno Setup's ChineseSimplified.isl is an unofficial (community)
; translation that not every Inno Setup installation carries. It is taken, in this order, from
; installer\windows\ChineseSimplified.isl (put it there yourself, see WINDOWS.md), from the
; compiler's Languages\ folder, or from its Languages\Unofficial\ folder; compiling stops when
; none of them has it, so a setup without Chinese pages is never produced by accident.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\griddesk"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\dist"
#endif

#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseIsl AddBackslash(SourcePath) + "ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\Unofficial\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\Unofficial\ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: see installer\WINDOWS.md, step 3
#endif

#if !FileExists(BundleDir + "\griddesk-desktop.exe")
  #error The bundle is not built: run PyInstaller first (installer\WINDOWS.md, step 5)
#endif

[Setup]
; One fixed id for every version: upgrades replace the installed program in place.
AppId={{F81C0296-6F0C-495F-A506-5D6A386788C7}
AppName=GridDesk
AppVerName={cm:AppDisplayName} {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=GridDesk
VersionInfoVersion={#AppVersion}
VersionInfoProductName=GridDesk
VersionInfoDescription=GridDesk Setup
DefaultDirName={autopf}\GridDesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 (1809) or newer.
MinVersion=10.0.17763
WizardStyle=modern
SetupIconFile=..\assets\griddesk.ico
UninstallDisplayIcon={app}\griddesk-desktop.exe
UninstallDisplayName={cm:AppDisplayName}
Compression=lzma2/max
SolidCompression=yes
OutputDir={#OutputDir}
OutputBaseFilename=GridDesk-Setup-{#AppVersion}-x64
CloseApplications=yes
ShowLanguageDialog=auto
UsePreviousLanguage=no

[Languages]
; The first entry is the default when the PC's language matches neither.
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.AppDisplayName=网格工作台
english.AppDisplayName=GridDesk
chinesesimplified.SelfCheck=网格工作台 安装自检
english.SelfCheck=GridDesk self-check
chinesesimplified.DesktopIcon=在桌面创建快捷方式
english.DesktopIcon=Create a desktop shortcut
chinesesimplified.Shortcuts=快捷方式：
english.Shortcuts=Shortcuts:
chinesesimplified.Uninstall=卸载网格工作台
english.Uninstall=Uninstall GridDesk
chinesesimplified.Launch=立即启动网格工作台
english.Launch=Start GridDesk now

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:Shortcuts}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the program folder's Python and Qt parts as a whole, so files that a
; newer bundle no longer carries do not linger beside it.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{cm:AppDisplayName}\{cm:AppDisplayName}"; Filename: "{app}\griddesk-desktop.exe"; WorkingDir: "{app}"
Name: "{autoprograms}\{cm:AppDisplayName}\{cm:SelfCheck}"; Filename: "{cmd}"; Parameters: "/k """"{app}\griddesk.exe"" --self-check"""; WorkingDir: "{app}"; IconFilename: "{app}\griddesk-desktop.exe"
Name: "{autoprograms}\{cm:AppDisplayName}\{cm:Uninstall}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{cm:AppDisplayName}"; Filename: "{app}\griddesk-desktop.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\griddesk-desktop.exe"; Description: "{cm:Launch}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for station data: %LOCALAPPDATA%\GridDesk (the encrypted database,
; key slots, preferences) belongs to the user and stays after uninstalling.
