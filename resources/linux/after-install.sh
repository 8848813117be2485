#!/bin/bash
# The deb's postinst (electron-builder.yml: deb.afterInstall). electron-builder fills in
# ${executable} and ${sanitizedProductName}. Replaces electron-builder's default script, so it
# does the same essentials (command on the PATH, Chromium's sandbox helper) plus the P1 hint.

# `digital-meter-app` on the PATH (the headless `digital-meter` command comes from npm).
ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'

# Chromium's sandbox needs user namespaces; where the kernel or AppArmor refuses them
# (Ubuntu 24.04 and later), the setuid helper provides the sandbox instead. Never run unsandboxed.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
  chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

# The P1 cable is a USB serial port (/dev/ttyUSB0) owned by the dialout group.
cat <<'HINT'

Digital Meter reads the meter's P1 port through a USB cable (/dev/ttyUSB0 or /dev/ttyACM0).
That port belongs to the 'dialout' group: add the user who runs the app to it once, then log
out and in again:
    sudo usermod -aG dialout "$USER"

HINT
if [ -n "${SUDO_USER:-}" ] && ! id -nG "$SUDO_USER" 2>/dev/null | grep -qw dialout; then
  echo "  ($SUDO_USER is not in the dialout group yet.)"
fi
exit 0
