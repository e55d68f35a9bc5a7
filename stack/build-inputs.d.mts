export function buildInputsSha(root: string): string;
export function builtInputsSha(root: string): string | undefined;
