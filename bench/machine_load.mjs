// The machine the figures were taken on, and how busy it was: ratios taken in one run cancel the
// machine's speed, not other work competing for its CPUs. Figures taken while the 1-minute load average
// exceeds 75 % of the CPUs are marked noisy.
import { cpus, loadavg, totalmem } from 'node:os';

const NOISY_LOAD_PER_CPU = 0.75;

export function createLoadWatch() {
  const cpuCount = cpus().length;
  const samples = [];
  const sample = (label) => {
    const [one, five, fifteen] = loadavg();
    const s = { label, at: new Date().toISOString(), load1: one, load5: five, load15: fifteen, noisy: one / cpuCount > NOISY_LOAD_PER_CPU };
    samples.push(s);
    return s;
  };
  return {
    sample,
    /** Whether any sample since `fromIndex` was noisy (a budget's figures are noisy if its stretch was). */
    noisySince: (fromIndex) => samples.slice(fromIndex).some((s) => s.noisy),
    count: () => samples.length,
    summary: () => ({
      cpus: cpuCount,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      memory_mb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      noisy_threshold_load_per_cpu: NOISY_LOAD_PER_CPU,
      max_load1: Math.max(...samples.map((s) => s.load1)),
      noisy: samples.some((s) => s.noisy),
      samples,
    }),
  };
}
