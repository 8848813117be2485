// electron-builder afterPack hook (electron-builder.yml: afterPack): flips Electron's fuses in
// the packaged binary before it is signed and wrapped (AppImage, deb, dmg). Fuses are switches
// compiled into the Electron binary that no command line or environment can turn back on:
// - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the app into a general Node.js
// - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot inject code
// - EnableNodeCliInspectArguments off: --inspect cannot attach a debugger to the main process
// - OnlyLoadAppFromAsar on: only the packaged app.asar is loaded, not a folder put beside it
// - GrantFileProtocolExtraPrivileges off: the dashboard comes from app://, file:// needs nothing
// - EnableCookieEncryption on: cookies at rest are encrypted with the OS keychain's key
// CommonJS because electron-builder loads hooks with require().
'use strict';
const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

const ARM64 = 3; // builder-util's Arch enum

function fuseConfig(platform, arch) {
  return {
    version: FuseVersion.V1,
    // flipping fuses breaks the ad-hoc signature Apple Silicon requires; re-sign it ad hoc
    resetAdHocDarwinSignature: platform === 'darwin' && arch === ARM64,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** The file holding the fuse wire: the .app bundle on macOS, the executable elsewhere. */
function electronBinary(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  const ext = electronPlatformName === 'win32' ? '.exe' : '';
  return path.join(appOutDir, `${packager.executableName}${ext}`);
}

async function afterPack(context) {
  await flipFuses(electronBinary(context), fuseConfig(context.electronPlatformName, context.arch));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinary = electronBinary;
