/** An environment variable where there is a process (Node), undefined elsewhere (the browser build). */
export function environmentVariable(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}
