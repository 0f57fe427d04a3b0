// Where the asl-lsp binary comes from, first match wins: the
// `aslLsp.server.path` setting, then a binary bundled in the .vsix for this
// platform (server/<platform>-<arch>/), then `asl-lsp` on PATH, then cargo's
// bin folder (`$CARGO_HOME/bin`, default `~/.cargo/bin`), where
// `cargo install` puts it even when a GUI-started VS Code's PATH lacks it.
// Pure: every fact about the machine comes in through `DiscoveryEnv`, so the
// order can be unit-tested without VS Code.
import * as path from 'node:path';

export interface DiscoveryEnv {
  /** The `aslLsp.server.path` setting ('' or undefined when unset). */
  configuredPath: string | undefined;
  /** The extension's install folder. */
  extensionPath: string;
  /** The first workspace folder, against which a relative setting is resolved. */
  workspaceFolder: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  /** The PATH environment variable. */
  pathVariable: string | undefined;
  homeDir: string;
  /** The CARGO_HOME environment variable (undefined when unset). */
  cargoHome?: string;
  /** True when `file` exists, is a file, and may be executed. */
  isExecutable(file: string): boolean;
}

export type Discovery =
  | { found: true; source: 'setting' | 'bundled' | 'path' | 'cargo'; command: string }
  | { found: false; message: string; tried: string[] };

export const SETTING = 'aslLsp.server.path';

/** The vsce `--target` name of a platform, as the bundled folder is named. */
export function bundleTarget(platform: NodeJS.Platform, arch: string): string {
  return `${platform}-${arch}`;
}

export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'asl-lsp.exe' : 'asl-lsp';
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

export function findServer(env: DiscoveryEnv): Discovery {
  const p = pathApi(env.platform);
  const configured = env.configuredPath?.trim();
  if (configured) {
    let file = configured;
    if (file === '~' || file.startsWith('~/')) {
      file = p.join(env.homeDir, file.slice(1));
    } else if (!p.isAbsolute(file) && env.workspaceFolder) {
      file = p.resolve(env.workspaceFolder, file);
    }
    if (env.isExecutable(file)) {
      return { found: true, source: 'setting', command: file };
    }
    // A setting that points nowhere is a mistake to report, not a reason
    // to quietly run some other binary.
    return {
      found: false,
      tried: [file],
      message: `${SETTING} is set to "${configured}", which is not an executable file.`,
    };
  }

  const tried: string[] = [];
  const name = executableName(env.platform);
  const bundled = p.join(env.extensionPath, 'server', bundleTarget(env.platform, env.arch), name);
  tried.push(bundled);
  if (env.isExecutable(bundled)) {
    return { found: true, source: 'bundled', command: bundled };
  }

  const separator = env.platform === 'win32' ? ';' : ':';
  for (const dir of (env.pathVariable ?? '').split(separator)) {
    if (dir === '') {
      continue;
    }
    const candidate = p.join(dir, name);
    tried.push(candidate);
    if (env.isExecutable(candidate)) {
      return { found: true, source: 'path', command: candidate };
    }
  }

  const cargoBin = p.join(env.cargoHome?.trim() || p.join(env.homeDir, '.cargo'), 'bin', name);
  if (!tried.includes(cargoBin)) {
    tried.push(cargoBin);
    if (env.isExecutable(cargoBin)) {
      return { found: true, source: 'cargo', command: cargoBin };
    }
  }

  return {
    found: false,
    tried,
    message:
      `asl-lsp was not found: this extension has no bundled server for ${bundleTarget(env.platform, env.arch)} ` +
      `and no asl-lsp is on PATH or in ${p.dirname(cargoBin)}. Install it (cargo install --locked asl-lsp, or cargo install --locked --path . ` +
      `in a checkout) or set ${SETTING}.`,
  };
}
