import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

// Where the CPU of a benchmark phase went, read from /proc (Linux only): the API process, the PostgreSQL
// processes that serve the benchmark's database (plus the shared background writers), and the benchmark
// client itself. Other databases' writes add to the shared writers' share, so that line is an upper bound.

const CLOCK_TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number | string): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined; // the process has exited
  }
}

// CPU seconds per PostgreSQL process that works for `database`: its backends, their parallel workers, its
// autovacuum workers, and the server's shared writers (WAL writer, checkpointer, background writer).
function postgresCpu(database: string): Map<string, number> {
  const commands = new Map<string, string>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.startsWith('postgres:')) commands.set(pid, command);
    } catch {
      // the process has exited
    }
  }
  const ours = new Set<string>();
  for (const [pid, command] of commands) {
    const words = command.split(' ');
    if (words.includes(database) || /: (walwriter|checkpointer|background writer)/.test(command)) ours.add(pid);
  }
  for (const [pid, command] of commands) {
    const leader = /parallel worker for PID (\d+)/.exec(command)?.[1];
    if (leader && ours.has(leader)) ours.add(pid);
  }
  const seconds = new Map<string, number>();
  for (const pid of ours) {
    const cpu = cpuSecondsOf(pid);
    if (cpu !== undefined) seconds.set(pid, cpu);
  }
  return seconds;
}

// Busy CPU seconds of the whole machine (all cores) since boot.
function machineBusySeconds(): number {
  // "cpu user nice system idle iowait irq softirq steal ...": everything but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

export interface CpuSplit {
  wallSeconds: number;
  apiSeconds: number;
  postgresSeconds: number;
  clientSeconds: number;
  // Everything else that ran on the machine meanwhile (other engineers' tests, Redis, the kernel).
  otherSeconds: number;
}

// Starts counting; the returned function stops and gives each side's CPU seconds over the interval (the API's is
// the sum over its processes). A process that exits in between loses its share (an undercount, never a negative).
export function startCpuSplit(apiPids: readonly number[], database: string): () => CpuSplit {
  const started = performance.now();
  const apiCpu = () => apiPids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  const api = apiCpu();
  const pg = postgresCpu(database);
  const client = process.cpuUsage();
  const machine = machineBusySeconds();
  return () => {
    let postgresSeconds = 0;
    for (const [pid, seconds] of postgresCpu(database)) postgresSeconds += seconds - (pg.get(pid) ?? 0);
    const clientUsage = process.cpuUsage(client);
    const apiSeconds = Math.max(0, apiCpu() - api);
    const clientSeconds = (clientUsage.user + clientUsage.system) / 1e6;
    return {
      wallSeconds: (performance.now() - started) / 1000,
      apiSeconds,
      postgresSeconds,
      clientSeconds,
      otherSeconds: Math.max(0, machineBusySeconds() - machine - apiSeconds - postgresSeconds - clientSeconds),
    };
  };
}

export function formatCpuSplit(split: CpuSplit, samples: number): string {
  const part = (label: string, seconds: number) =>
    `${label} ${seconds.toFixed(1)} s (${(seconds / split.wallSeconds).toFixed(2)} cores, ` +
    `${((seconds * 1e6) / samples).toFixed(1)} µs/sample)`;
  return [
    part('API', split.apiSeconds),
    part('PostgreSQL', split.postgresSeconds),
    part('bench client', split.clientSeconds),
    part('rest of the machine', split.otherSeconds),
  ].join('; ');
}

// Resident memory of a process in bytes: the current size (VmRSS) and the kernel's high-water mark (VmHWM).
export function residentMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

// Restarts the kernel's high-water mark (VmHWM) at the current RSS, so that a later reading covers one phase only
// (Linux 4.0+; the process must be ours). Returns false when the kernel refused.
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
