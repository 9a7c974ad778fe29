; SCO Showroom for Windows 10 and 11 (x64): one installer for kiosks and desktops.
;
; Made by `./x package --windows` (xtask/src/package.rs) with Debian's makensis, which
; passes VERSION, APP (the folder holding sco-showroom.exe, showroom.exe and
; WebView2Loader.dll), ROOT (the repository) and OUTFILE. Installs per machine into
; Program Files, with the sample catalog beside the app (where the app looks for its
; bundled catalog), the operator's documents, a Start menu entry, the data folder a kiosk
; uses under ProgramData, and an entry in "Apps & features". The WebView2 runtime, which
; the window needs, comes with Windows 11; where it is missing the installer fetches
; Microsoft's bootstrapper and runs it (or says so, when there is no network).
;
; Silent install for a kiosk's provisioning: `SCO-Showroom-VERSION-x64-setup.exe /S`
; (`/D=C:\path` chooses the folder). Silent removal: `uninstall.exe /S`.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

!define PRODUCT "SCO Showroom"
!define IDENT "cn.qingdao.sco-showroom"
!define PUBLISHER "China-SCO Local Economic and Trade Cooperation Demonstration Zone"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENT}"
; The WebView2 runtime's product code, under which Edge Update records its version.
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_BOOTSTRAPPER "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel admin
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "Apache-2.0"

!define MUI_ICON "${ROOT}/icons/icon.ico"
!define MUI_UNICON "${ROOT}/icons/icon.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
; The uninstaller speaks the language chosen at install.
!define MUI_LANGDLL_REGISTRY_ROOT HKLM
!define MUI_LANGDLL_REGISTRY_KEY "${UNINSTALL_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
; No "run now" on the last page: it would run the app as the administrator, with its
; data in the administrator's folder.

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first is the default; the language page offers the three the product speaks.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"

LangString WebView2Missing ${LANG_SIMPCHINESE} "未找到 WebView2 运行时，正在从 Microsoft 下载安装程序…"
LangString WebView2Missing ${LANG_RUSSIAN} "Среда WebView2 не найдена, загружается установщик Microsoft…"
LangString WebView2Missing ${LANG_ENGLISH} "The WebView2 runtime is missing: fetching Microsoft's installer…"
LangString WebView2Failed ${LANG_SIMPCHINESE} "无法安装 WebView2 运行时。应用窗口需要它：请在联网后从 Microsoft 安装“WebView2 运行时”。"
LangString WebView2Failed ${LANG_RUSSIAN} "Не удалось установить среду WebView2. Она нужна окну приложения: установите «WebView2 Runtime» от Microsoft, когда появится сеть."
LangString WebView2Failed ${LANG_ENGLISH} "The WebView2 runtime could not be installed. The app's window needs it: install Microsoft's 'WebView2 Runtime' once there is a network."
LangString NeedsX64 ${LANG_SIMPCHINESE} "${PRODUCT} 需要 64 位 Windows 10 或 11。"
LangString NeedsX64 ${LANG_RUSSIAN} "Для ${PRODUCT} нужна 64-разрядная Windows 10 или 11."
LangString NeedsX64 ${LANG_ENGLISH} "${PRODUCT} needs 64-bit Windows 10 or 11."
LangString AppRunning ${LANG_SIMPCHINESE} "${PRODUCT} 或其守护程序正在运行。请先关闭它（自助终端：停止守护程序，再用管理员 PIN 退出），然后重试。"
LangString AppRunning ${LANG_RUSSIAN} "${PRODUCT} или его сторож запущен. Закройте их (на киоске — остановите сторожа и выйдите по PIN-коду администратора) и повторите."
LangString AppRunning ${LANG_ENGLISH} "${PRODUCT} or its guard is running. Close them (on a kiosk: stop the guard, then the admin's Exit with the PIN) and try again."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NeedsX64)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

; Whether a program in the install folder is in use (the app, or the guard that would
; start it again): a running program cannot be opened for writing.
!macro RefuseIfInUse FILE
  ${If} ${FileExists} "$INSTDIR\${FILE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${FILE}" a
    ${If} ${Errors}
      MessageBox MB_ICONEXCLAMATION "$(AppRunning)" /SD IDOK
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend
!macro RefuseWhileRunning
  !insertmacro RefuseIfInUse "showroom.exe"
  !insertmacro RefuseIfInUse "sco-showroom.exe"
!macroend

; Edge Update records the runtime's version per machine (under WOW6432Node on 64-bit
; Windows) or per user; an empty or 0.0.0.0 version means none.
Function WebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 $0"
    Return
  ${EndIf}
  DetailPrint "$(WebView2Missing)"
  ; By its full path: an elevated installer must not run a powershell.exe planted in its
  ; own (download) folder.
  nsExec::ExecToLog '"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12; Invoke-WebRequest -UseBasicParsing -Uri \"${WEBVIEW2_BOOTSTRAPPER}\" -OutFile \"$TEMP\MicrosoftEdgeWebview2Setup.exe\""'
  Pop $1
  ${If} $1 == 0
  ${AndIf} ${FileExists} "$TEMP\MicrosoftEdgeWebview2Setup.exe"
    ExecWait '"$TEMP\MicrosoftEdgeWebview2Setup.exe" /silent /install' $2
    Delete "$TEMP\MicrosoftEdgeWebview2Setup.exe"
    ${If} $2 == 0
      Return
    ${EndIf}
  ${EndIf}
  DetailPrint "$(WebView2Failed)"
  MessageBox MB_ICONEXCLAMATION "$(WebView2Failed)" /SD IDOK
FunctionEnd

Section "Install"
  !insertmacro RefuseWhileRunning
  SetOutPath "$INSTDIR"
  File "${APP}/sco-showroom.exe"
  File "${APP}/showroom.exe"
  File "${APP}/WebView2Loader.dll"
  ; The bundled catalog, imported on the first start (Tauri's resource folder on Windows
  ; is the program's folder). A new version replaces the old one whole.
  RMDir /r "$INSTDIR\catalog"
  SetOutPath "$INSTDIR\catalog"
  File "${ROOT}/catalog/catalog.toml"
  File "${ROOT}/catalog/categories.toml"
  File "${ROOT}/catalog/exhibitors.jsonl"
  File "${ROOT}/catalog/hall.toml"
  File "${ROOT}/catalog/products.jsonl"
  File "${ROOT}/catalog/SOURCES.md"
  SetOutPath "$INSTDIR\catalog\images"
  File /r "${ROOT}/catalog/images/*"
  SetOutPath "$INSTDIR\docs"
  File "${ROOT}/docs/kiosk-supervision.md"
  File "${ROOT}/docs/packaging.md"
  SetOutPath "$INSTDIR\docs\word-lists"
  File "${ROOT}/crates/showroom-search/dict/README.md"
  File "${ROOT}/crates/showroom-search/dict/LICENSE-ru_RU.txt"
  File "${ROOT}/crates/showroom-search/dict/LICENSE-en_US.txt"
  SetOutPath "$INSTDIR"

  ; A kiosk's data (docs/kiosk-supervision.md, "A Windows kiosk"); a desktop keeps its
  ; own under %APPDATA%. Kept on removal: it holds inquiries not yet delivered.
  ; With SetShellVarContext all, $APPDATA is ProgramData. By default any local user may
  ; read there, and may not replace a file another account made: the kiosk account could
  ; not rewrite a PIN file or a database an administrator set up. So: SYSTEM and
  ; Administrators full control, the machine's Users (on a kiosk, its one account) modify,
  ; nobody else; files made inside inherit it.
  CreateDirectory "$APPDATA\${PRODUCT}\data"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\${PRODUCT}\data" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)M'
  Pop $0
  ${If} $0 != 0
    DetailPrint "icacls: $0"
  ${EndIf}

  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\sco-showroom.exe"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\sco-showroom.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0

  Call WebView2
SectionEnd

Section "Uninstall"
  !insertmacro RefuseWhileRunning
  Delete "$INSTDIR\sco-showroom.exe"
  Delete "$INSTDIR\showroom.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  RMDir /r "$INSTDIR\catalog"
  RMDir /r "$INSTDIR\docs"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
