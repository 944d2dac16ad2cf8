/**
 * tsconfig.json with every option spelled out, so the package builds on its own outside the
 * workspace; inside it, a reference to core makes `tsc -b` build core first.
 */
export function tsconfigJson(coreReference: string | undefined): string {
  const references = coreReference === undefined ? '' : `,\n  "references": [{ "path": "${coreReference}" }]`;
  return `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "noImplicitOverride": true,
    "isolatedModules": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true,
    "declaration": true,
    "declarationMap": true,
    "sourceMap": true,
    "composite": true,
    "rootDir": "src",
    "outDir": "dist"
  },
  "include": ["src"]${references}
}
`;
}
/** Its own vitest config, so that `vitest run` in the folder runs its tests only. */
export function vitestConfig(): string {
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
`;
}

export function gitignore(): string {
  return 'node_modules/\ndist/\n*.tsbuildinfo\n';
}
