#!/usr/bin/env bash
# Sign, package as DMG, notarize and staple "TatamiTech Kiosk.app" (NOT TESTED: see README.md).
#
#   installer/macos/sign_and_package.sh "Developer ID Application: TatamiTech (TEAMID)" 0.1.0
set -euo pipefail

IDENTITY="$1"
VERSION="$2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP="$ROOT/dist/TatamiTech Kiosk.app"
DMG="$ROOT/dist/TatamiTech-Kiosk-$VERSION.dmg"
ENTITLEMENTS="$ROOT/installer/macos/entitlements.plist"

# Inside out: every Mach-O in the bundle, then the app itself (--deep is discouraged by Apple).
find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' file; do
        if file "$file" | grep -q Mach-O; then
            codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
                --sign "$IDENTITY" "$file"
        fi
    done
codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
    --sign "$IDENTITY" "$APP"
codesign --verify --strict --verbose=2 "$APP"

rm -f "$DMG"
hdiutil create -volname "TatamiTech Kiosk" -srcfolder "$APP" -ov -format UDZO "$DMG"
codesign --timestamp --sign "$IDENTITY" "$DMG"
xcrun notarytool submit "$DMG" --keychain-profile tatami-notary --wait
xcrun stapler staple "$DMG"
spctl --assess --type open --context context:primary-signature -vv "$DMG"
echo "sign_and_package: $DMG"
