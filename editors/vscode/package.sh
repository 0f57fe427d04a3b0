#!/usr/bin/env bash
# Packages the extension as a platform VSIX with the server inside:
#   editors/vscode/package.sh [TARGET] [OUT]
# TARGET is a vsce target (default linux-x64); OUT the .vsix to write
# (default asl-lsp-TARGET.vsix here). Builds the server in release mode
# (stripped, Cargo.toml's [profile.release]) for the machine it runs on,
# bundles it as server/TARGET/asl-lsp, and runs `vsce package --target`.
#
# Other platforms: build the server on (or cross-compile for) that
# platform and bundle it under its vsce target name, e.g. on a Mac
#   package.sh darwin-arm64        # Apple silicon
#   package.sh darwin-x64
# on Windows (Git Bash) `package.sh win32-x64` (the binary is asl-lsp.exe),
# on ARM Linux `package.sh linux-arm64`. ASL_LSP_SERVER=path skips the
# build and bundles that binary instead (a cross-compiled one, say). The
# script refuses a TARGET that is not the machine's own unless
# ASL_LSP_SERVER is given, so a VSIX never holds a binary for another
# platform. A VSIX without a server (`npx vsce package --no-dependencies`)
# uses `asl-lsp` from PATH or ~/.cargo/bin on every platform.
# Needs Node 22 or later (for @vscode/vsce) and, to build, cargo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${1:-linux-x64}
out=${2:-$here/asl-lsp-$target.vsix}

native() {
  local os arch
  case "$(uname -s)" in
  Linux) os=linux ;; Darwin) os=darwin ;; MINGW* | MSYS* | CYGWIN*) os=win32 ;; *) os=unknown ;;
  esac
  case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;;
  esac
  echo "$os-$arch"
}

server=${ASL_LSP_SERVER:-}
if [ -z "$server" ]; then
  if [ "$target" != "$(native)" ]; then
    echo "package.sh: this machine is $(native), not $target: build the server for $target and set ASL_LSP_SERVER" >&2
    exit 2
  fi
  (cd "$root" && cargo build --locked --release --bin asl-lsp)
  server=${CARGO_TARGET_DIR:-$root/target}/release/asl-lsp
  [[ $target == win32-* ]] && server=$server.exe
fi
[ -x "$server" ] || { echo "package.sh: no server binary at $server" >&2; exit 2; }

cd "$here"
rm -rf server
npm ci --silent
node scripts/bundle-server.mjs "$server" "$target"
npx vsce package --no-dependencies --target "$target" -o "$out" < /dev/null
rm -rf server
echo "packaged $out ($(du -h "$out" | cut -f1)) with $server"
