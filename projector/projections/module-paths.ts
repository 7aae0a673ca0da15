/** The folder a changed file counts for: its first path segment, or "." at the root. */
export function moduleOf(path: string): string {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  return slash <= 0 ? '.' : trimmed.slice(0, slash);
}

/** Sorted unique modules of every added, removed or modified file. */
export function modulePaths(files: {
  added: string[];
  removed: string[];
  modified: string[];
}): string[] {
  const modules = new Set<string>();
  for (const list of [files.added, files.removed, files.modified]) {
    for (const path of list) modules.add(moduleOf(path));
  }
  return [...modules].sort();
}
