// The .asl-lsp.json schema lives in the repository's schemas/; the .vsix
// needs its own copy for `jsonValidation`.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('schemas', { recursive: true });
copyFileSync('../../schemas/asl-lsp.schema.json', 'schemas/asl-lsp.schema.json');
