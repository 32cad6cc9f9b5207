import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of this library, read from its own package.json. The lookup walks up from
 * this module, so it finds the same file from the sources (`src/common`, as tests run them)
 * and from the built package (`lib/src/common`).
 */
export const LIBRARY_VERSION: string = findVersion();

function findVersion(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 5; depth++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk8s-resilience' && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cdk8s-resilience: package.json not found above ${__dirname}; the installation is incomplete`);
}
