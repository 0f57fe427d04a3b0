// VS Code client for asl-lsp: finds the server (setting → bundled → PATH),
// starts it over stdio for state machines, IAM policies, .asl-lsp.json and,
// when aslLsp.templates.enable is on, CloudFormation/SAM templates and
// Terraform files.
//
// The AWS Toolkit owns the `asl` and `asl-yaml` language ids; this extension
// declares the same ids for the same file names (VS Code merges the two
// contributions) and serves whatever id a file ends up with.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DocumentSelector,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import { findServer } from './discovery';

const CLIENT_ID = 'aslLsp';
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The documents the server is started for. */
export function documentSelector(templates: boolean): DocumentSelector {
  const selector: DocumentSelector = [
    // State machines, under the AWS Toolkit's ids or ours (the same ones).
    { scheme: 'file', language: 'asl' },
    { scheme: 'file', language: 'asl-yaml' },
    // *.asl.json when another extension claims it as plain JSON; IAM
    // policies and .asl-lsp.json, which are JSON recognised by content.
    { scheme: 'file', language: 'json' },
    { scheme: 'file', language: 'jsonc' },
    { scheme: 'file', pattern: '**/*.asl.{yaml,yml}' },
  ];
  if (templates) {
    selector.push(
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'cloudformation' },
      { scheme: 'file', pattern: '**/*.template' },
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf' },
    );
  }
  return selector;
}

/** What the server reads from `initializationOptions` and the settings. */
function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const settings: Record<string, unknown> = { rules: config.get<Record<string, string>>('rules', {}) };
  const region = config.get<string>('defaultRegion', '');
  const account = config.get<string>('defaultAccount', '');
  if (region) {
    settings.region = region;
  }
  if (account) {
    settings.account = account;
  }
  return settings;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(CLIENT_ID);
  const discovery = findServer({
    configuredPath: config.get<string>('server.path'),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    platform: process.platform,
    arch: process.arch,
    pathVariable: process.env.PATH,
    homeDir: os.homedir(),
    isExecutable,
  });
  if (!discovery.found) {
    output.error(`${discovery.message} Looked at: ${discovery.tried.join(', ')}`);
    const choice = await vscode.window.showErrorMessage(discovery.message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'aslLsp.server.path');
    } else if (choice === 'Show Output') {
      output.show();
    }
    return;
  }
  output.info(`starting ${discovery.command} (from ${discovery.source})`);

  const run: Executable = { command: discovery.command, args: ['--stdio'] };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(config.get<boolean>('templates.enable', true)),
    outputChannel: output,
    initializationOptions: serverSettings(config),
    synchronize: {
      configurationSection: CLIENT_ID,
      // Policies and .asl-lsp.json edited on disk re-check their definitions.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,yaml,yml,tf,template}'),
    },
  };
  client = new LanguageClient(CLIENT_ID, 'asl-lsp', serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('asl-lsp', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('aslLsp.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand('aslLsp.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('aslLsp.server.path') || event.affectsConfiguration('aslLsp.templates.enable')) {
        await stop();
        await start(context);
      }
    }),
  );
  try {
    await start(context);
  } catch (error) {
    output.error(`asl-lsp did not start: ${String(error)}`);
    void vscode.window.showErrorMessage(`asl-lsp did not start: ${String(error)}`);
  }
}

export function deactivate(): Promise<void> {
  return stop();
}
