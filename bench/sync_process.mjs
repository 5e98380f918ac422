// Runs one sync job (see sync_child.mjs) in a forked process and returns its answer, plus the peak RSS
// seen by polling /proc/<pid>/status from outside (a check on the child's own VmHWM).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'sync_child.mjs');

function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has just exited
  }
}

/**
 * @param {object} job see sync_child.mjs
 * @param {{timeoutMs?: number, pollMs?: number}} [o]
 * @returns {Promise<object>} the child's reply + polled_peak_rss_kb
 */
export function runSyncProcess(job, { timeoutMs = 30 * 60_000, pollMs = 50 } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    let peak = 0;
    const poll = setInterval(() => { peak = Math.max(peak, rssKb(child.pid)); }, pollMs);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`sync process did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    let reply = null;
    let done = false;
    function finish(error) {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ ...reply, polled_peak_rss_kb: peak });
    }
    child.on('message', (message) => { reply = message; });
    child.once('exit', (code) => {
      if (reply) finish();
      else finish(new Error(`sync process exited with ${code} without an answer: ${stderr.trim().slice(-1500)}`));
    });
    child.send(job);
  });
}
