import { cpus, loadavg } from 'node:os';

/** The machine under the figures: cores and 1-minute load average when the table was printed. */
export function machineNote(): string {
  return `Machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (other work shares these cores).`;
}
