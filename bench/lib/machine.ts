import { cpus, freemem, loadavg, totalmem, release, platform, arch } from 'node:os';

/** What the numbers were measured on: a benchmark result means nothing without it. */
export function machineDetails() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}
