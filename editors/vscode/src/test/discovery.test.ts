import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscoveryEnv, findServer } from '../discovery';

function env(executables: string[], overrides: Partial<DiscoveryEnv> = {}): DiscoveryEnv {
  const set = new Set(executables);
  return {
    configuredPath: '',
    extensionPath: '/ext',
    workspaceFolder: '/project',
    platform: 'linux',
    arch: 'x64',
    pathVariable: '/usr/local/bin:/usr/bin',
    homeDir: '/home/me',
    isExecutable: (file) => set.has(file),
    ...overrides,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const all = ['/opt/asl-lsp', '/ext/server/linux-x64/asl-lsp', '/usr/bin/asl-lsp'];
  assert.deepEqual(findServer(env(all, { configuredPath: '/opt/asl-lsp' })), {
    found: true,
    source: 'setting',
    command: '/opt/asl-lsp',
  });
});

test('a relative setting is resolved against the workspace folder, ~ against home', () => {
  assert.deepEqual(findServer(env(['/project/bin/asl-lsp'], { configuredPath: 'bin/asl-lsp' })), {
    found: true,
    source: 'setting',
    command: '/project/bin/asl-lsp',
  });
  assert.deepEqual(findServer(env(['/home/me/.cargo/bin/asl-lsp'], { configuredPath: '~/.cargo/bin/asl-lsp' })), {
    found: true,
    source: 'setting',
    command: '/home/me/.cargo/bin/asl-lsp',
  });
});

test('a setting that points nowhere is an error, not a fallback', () => {
  const result = findServer(env(['/usr/bin/asl-lsp'], { configuredPath: '/nope/asl-lsp' }));
  assert.deepEqual(result, {
    found: false,
    tried: ['/nope/asl-lsp'],
    message: 'aslLsp.server.path is set to "/nope/asl-lsp", which is not an executable file.',
  });
});

test('without a setting the bundled binary for the platform comes before PATH', () => {
  assert.deepEqual(findServer(env(['/ext/server/linux-x64/asl-lsp', '/usr/bin/asl-lsp'])), {
    found: true,
    source: 'bundled',
    command: '/ext/server/linux-x64/asl-lsp',
  });
  // A binary bundled for another platform is not used.
  assert.deepEqual(findServer(env(['/ext/server/linux-arm64/asl-lsp', '/usr/bin/asl-lsp'])), {
    found: true,
    source: 'path',
    command: '/usr/bin/asl-lsp',
  });
});

test('PATH is searched in order, empty entries skipped', () => {
  const result = findServer(
    env(['/usr/bin/asl-lsp', '/usr/local/bin/asl-lsp'], { pathVariable: ':/usr/local/bin::/usr/bin' }),
  );
  assert.deepEqual(result, { found: true, source: 'path', command: '/usr/local/bin/asl-lsp' });
});

test('Windows: asl-lsp.exe, ; separated PATH, win32 bundle folder', () => {
  const windows = { platform: 'win32' as const, extensionPath: 'C:\\ext', pathVariable: 'C:\\tools;C:\\cargo\\bin' };
  assert.deepEqual(findServer(env(['C:\\cargo\\bin\\asl-lsp.exe'], windows)), {
    found: true,
    source: 'path',
    command: 'C:\\cargo\\bin\\asl-lsp.exe',
  });
  assert.deepEqual(findServer(env(['C:\\ext\\server\\win32-x64\\asl-lsp.exe'], windows)), {
    found: true,
    source: 'bundled',
    command: 'C:\\ext\\server\\win32-x64\\asl-lsp.exe',
  });
});

test('nothing found: the message says what to do and lists every place tried', () => {
  const result = findServer(env([], { arch: 'arm64', platform: 'darwin' }));
  assert.equal(result.found, false);
  if (!result.found) {
    assert.deepEqual(result.tried, [
      '/ext/server/darwin-arm64/asl-lsp',
      '/usr/local/bin/asl-lsp',
      '/usr/bin/asl-lsp',
      '/home/me/.cargo/bin/asl-lsp',
    ]);
    assert.equal(
      result.message,
      'asl-lsp was not found: this extension has no bundled server for darwin-arm64 and no asl-lsp is on PATH ' +
        'or in /home/me/.cargo/bin. ' +
        'Install it (cargo install --locked asl-lsp, or cargo install --locked --path . in a checkout) or set aslLsp.server.path.',
    );
  }
});

test('after PATH, cargo install\'s folder: $CARGO_HOME/bin, else ~/.cargo/bin', () => {
  assert.deepEqual(findServer(env(['/home/me/.cargo/bin/asl-lsp'])), {
    found: true,
    source: 'cargo',
    command: '/home/me/.cargo/bin/asl-lsp',
  });
  assert.deepEqual(findServer(env(['/opt/cargo/bin/asl-lsp', '/home/me/.cargo/bin/asl-lsp'], { cargoHome: '/opt/cargo' })), {
    found: true,
    source: 'cargo',
    command: '/opt/cargo/bin/asl-lsp',
  });
  // PATH first: the binary the user's shell runs.
  assert.deepEqual(findServer(env(['/usr/bin/asl-lsp', '/home/me/.cargo/bin/asl-lsp'])), {
    found: true,
    source: 'path',
    command: '/usr/bin/asl-lsp',
  });
});
