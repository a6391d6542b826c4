// The little of Node the unit tests use (the app itself has no Node types).
declare module 'node:fs' {
  export function readFileSync(path: string, encoding: 'utf8'): string;
}
declare const process: { cwd(): string };
