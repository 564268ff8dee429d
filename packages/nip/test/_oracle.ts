import { execFileSync } from 'node:child_process';

/**
 * Whether a native tool is installed. Under CI=true a missing oracle fails the suite; elsewhere
 * the caller skips with the printed reason.
 */
export function oracle(tool: string, debianPackage: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    const reason = `${tool} not found (Debian package ${debianPackage})`;
    if (process.env.CI === 'true') throw new Error(`oracle missing under CI: ${reason}`);
    console.log(`skipped: ${reason}`);
    return false;
  }
}
