; Inno Setup script of TatamiTech Kiosk for Windows 10/11 x64. NOT TESTED on the build machine
; of this repository (Linux); see installer/windows/README.md for how to build and what to check.
;
;   iscc /DAppVersion=0.1.0 installer\windows\tatami-kiosk.iss
;
; Input: dist\tatami-kiosk\ from installer/tatami-kiosk.spec built on Windows (it contains
; tatami-kiosk.exe, the console CLI, and tatami-kiosk-gui.exe, the windowed kiosk).
; Output: dist\tatami-kiosk-<version>-setup.exe

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (from kiosk/__init__.py)
#endif

[Setup]
; Never change AppId: Windows finds the installed kiosk (upgrades, uninstall) by it.
AppId={{6F1D7C1E-3B9A-4C55-9B7E-2A7F1C0D4E21}
AppName=TatamiTech Kiosk
AppVersion={#AppVersion}
AppPublisher=TatamiTech
AppPublisherURL=https://tatamitech.com
DefaultDirName={autopf}\TatamiTech Kiosk
DefaultGroupName=TatamiTech Kiosk
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=tatami-kiosk-{#AppVersion}-setup
SetupIconFile=tatami-kiosk.ico
UninstallDisplayIcon={app}\tatami-kiosk-gui.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Per machine by default (a reception PC); an academy without admin rights may choose per user.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
; Close a running kiosk (Restart Manager) before files are replaced: an upgrade must not run
; under a kiosk that holds the database.
CloseApplications=yes
RestartApplications=no
WizardStyle=modern

[Tasks]
Name: "autostart"; Description: "Start the kiosk full screen when this user logs in"; GroupDescription: "Kiosk:"
Name: "desktopicon"; Description: "Create a desktop shortcut"; GroupDescription: "Shortcuts:"; Flags: unchecked

[Files]
Source: "..\..\dist\tatami-kiosk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\TatamiTech Kiosk"; Filename: "{app}\tatami-kiosk-gui.exe"; Parameters: "run"
Name: "{group}\Kiosk doctor"; Filename: "{cmd}"; Parameters: "/k ""{app}\tatami-kiosk.exe"" doctor"
Name: "{autodesktop}\TatamiTech Kiosk"; Filename: "{app}\tatami-kiosk-gui.exe"; Parameters: "run"; Tasks: desktopicon
; The Windows counterpart of the Linux user unit's "start at login". It does not restart a
; crashed kiosk; see README.md (a Task Scheduler task can).
Name: "{userstartup}\TatamiTech Kiosk"; Filename: "{app}\tatami-kiosk-gui.exe"; Parameters: "run"; Tasks: autostart

[Registry]
; `tatami-kiosk` on the command line for administrators (doctor, backup, smoke).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}')) and IsAdminInstallMode

[Run]
Filename: "{app}\tatami-kiosk-gui.exe"; Parameters: "run"; Description: "Start TatamiTech Kiosk now"; Flags: nowait postinstall skipifsilent unchecked

; Kiosk data (%LOCALAPPDATA%\TatamiTech\tatami-kiosk: database, backups, logs) is never deleted
; by the uninstaller: it may hold check-ins not uploaded yet.

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Current) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;
