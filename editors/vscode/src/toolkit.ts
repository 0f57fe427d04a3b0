// Working beside the AWS Toolkit, which validates ASL itself: with
// `aslLsp.leaveAslValidityToToolkit` on and the Toolkit installed, asl-lsp
// reports only its IAM rules (the server's `ignore: ["asl"]` option, the
// groups `check --ignore` takes), so no ASL finding is shown twice.
// Pure, so the decisions can be unit-tested without VS Code.

export const TOOLKIT_ID = 'amazonwebservices.aws-toolkit-vscode';
export const SETTING = 'aslLsp.leaveAslValidityToToolkit';
/** globalState key: the suggestion was shown once. */
export const SUGGESTED_KEY = 'aslLsp.toolkitSuggested';

/** The rule groups the server is told to ignore. */
export function ignoredGroups(leaveToToolkit: boolean, toolkitInstalled: boolean): string[] {
  return leaveToToolkit && toolkitInstalled ? ['asl'] : [];
}

/**
 * Whether to suggest turning the setting on: the Toolkit is installed, the
 * user has not set the setting either way, and it was not suggested before.
 */
export function shouldSuggest(toolkitInstalled: boolean, settingSetByUser: boolean, suggestedBefore: boolean): boolean {
  return toolkitInstalled && !settingSetByUser && !suggestedBefore;
}

/** The `aslLsp` section as the server should read it: with `ignore`. */
export function withIgnore(section: unknown, ignore: string[]): unknown {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    return section;
  }
  return { ...(section as Record<string, unknown>), ignore };
}
