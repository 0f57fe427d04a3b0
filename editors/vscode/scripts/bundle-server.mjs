// Puts a server binary into the extension for one platform, so that
// `vsce package --target <target>` ships it:
//   node scripts/bundle-server.mjs ../../target/release/asl-lsp linux-x64
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [binary, target] = process.argv.slice(2);
if (!binary || !target) {
  console.error('usage: node scripts/bundle-server.mjs BINARY TARGET (e.g. linux-x64, darwin-arm64, win32-x64)');
  process.exit(2);
}
const dir = join('server', target);
mkdirSync(dir, { recursive: true });
const name = target.startsWith('win32') ? 'asl-lsp.exe' : 'asl-lsp';
copyFileSync(binary, join(dir, name));
chmodSync(join(dir, name), 0o755);
console.log(`bundled ${binary} as ${join(dir, name)}`);
