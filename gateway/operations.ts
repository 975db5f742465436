// The example operations of queries/: offered in GraphiQL and run by the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../subgraphs/runtime/registry.ts';

export const QUERIES_DIR = resolve(ROOT, 'queries');

export interface ExampleOperation {
  name: string;
  query: string;
  /** From a `# variables: {...}` line at the top of the file. */
  variables: Record<string, unknown>;
}

export function readOperation(file: string): ExampleOperation {
  const query = readFileSync(file, 'utf8');
  const line = /^#\s*variables:\s*(\{.*\})\s*$/m.exec(query);
  let variables: Record<string, unknown> = {};
  if (line) {
    try {
      variables = JSON.parse(line[1]!);
    } catch (error) {
      throw new Error(`${file}: the "# variables:" line is not valid JSON: ${(error as Error).message}`);
    }
  }
  return {
    name: file
      .split('/')
      .pop()!
      .replace(/\.graphql$/, ''),
    query,
    variables,
  };
}

export function readOperations(dir = QUERIES_DIR): ExampleOperation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readOperation(resolve(dir, f)));
}
