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
import { SETTING as TOOLKIT_SETTING, SUGGESTED_KEY, TOOLKIT_ID, ignoredGroups, shouldSuggest, withIgnore } from './toolkit';

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

/**
 * The documents the server is sent once the extension is active (it
 * activates only for ASL languages, the files the workspace index reads
 * and Terraform: package.json `activationEvents`). JSON is sent whole
 * because IAM policies are known by content; the server ignores JSON that
 * is none of its kinds.
 */
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

function toolkitInstalled(): boolean {
  return vscode.extensions.getExtension(TOOLKIT_ID) !== undefined;
}

/** The rule groups the server leaves out (`asl` when the Toolkit checks ASL). */
function ignored(): string[] {
  const config = vscode.workspace.getConfiguration(CLIENT_ID);
  return ignoredGroups(config.get<boolean>('leaveAslValidityToToolkit', false), toolkitInstalled());
}

/** What the server reads from `initializationOptions` and the settings. */
function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    rules: config.get<Record<string, string>>('rules', {}),
    ignore: ignored(),
  };
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
    cargoHome: process.env.CARGO_HOME,
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
    middleware: {
      workspace: {
        // The server pulls the `aslLsp` section; it also gets `ignore`,
        // which is not a setting of its own.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return answers.map((answer, i) =>
            params.items[i]?.section === CLIENT_ID ? withIgnore(answer, ignored()) : answer,
          );
        },
      },
    },
    synchronize: {
      configurationSection: CLIENT_ID,
      // Policies and .asl-lsp.json edited on disk re-check their definitions.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,yaml,yml,tf,template}'),
    },
  };
  client = new LanguageClient(CLIENT_ID, 'asl-lsp', serverOptions, clientOptions);
  await client.start();
}

/** Once, when the AWS Toolkit is installed: offer to leave ASL validity to it. */
async function suggestToolkitSetting(context: vscode.ExtensionContext): Promise<void> {
  const inspected = vscode.workspace.getConfiguration(CLIENT_ID).inspect<boolean>('leaveAslValidityToToolkit');
  const setByUser =
    inspected?.globalValue !== undefined ||
    inspected?.workspaceValue !== undefined ||
    inspected?.workspaceFolderValue !== undefined;
  if (!shouldSuggest(toolkitInstalled(), setByUser, context.globalState.get<boolean>(SUGGESTED_KEY, false))) {
    return;
  }
  await context.globalState.update(SUGGESTED_KEY, true);
  const choice = await vscode.window.showInformationMessage(
    'The AWS Toolkit also validates state machines. Leave ASL validity to it, and have asl-lsp report only its IAM findings?',
    'Yes',
    'No',
  );
  if (choice === 'Yes') {
    await vscode.workspace
      .getConfiguration(CLIENT_ID)
      .update('leaveAslValidityToToolkit', true, vscode.ConfigurationTarget.Global);
  }
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
      if (
        event.affectsConfiguration('aslLsp.server.path') ||
        event.affectsConfiguration('aslLsp.templates.enable') ||
        event.affectsConfiguration(TOOLKIT_SETTING)
      ) {
        await stop();
        await start(context);
      }
    }),
  );
  void suggestToolkitSetting(context);
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
