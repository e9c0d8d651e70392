/**
 * Where the CPU of a `node --cpu-prof` profile went, by area of this repository (`npm run bench:profile -- FILE`).
 * Self time is the leaf frame's; "owner" attribution walks each sample's stack from the leaf up to the first frame
 * of a known area, so SDK, `ws` and node internals called by the gateway count for the gateway and those called by
 * an emulator for the emulator. Work resumed after an `await` has no caller frames (V8 profiles carry no async
 * stacks): its SDK and node frames stay in their own area, named by the leaf.
 */
import fs from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export const AREAS = [
  'gateway (lambdas/)',
  'emulator: API Gateway WebSocket (local/websocket-emulator.ts)',
  'emulator: Bedrock endpoint (local/bedrock/)',
  'emulator: dynalite',
  'other local/ (stack wiring, console log)',
  'bench clients (bench/)',
  'AWS SDK (@aws-sdk, @smithy)',
  'ws library',
  'other node_modules',
  'node internals',
  'garbage collector',
  'program (V8/native, no JS frame)',
] as const;
export type Area = (typeof AREAS)[number];

/** The areas an owner can be: code of this repository or dynalite. */
const OWNER_AREAS = new Set<Area>([AREAS[0], AREAS[1], AREAS[2], AREAS[3], AREAS[4], AREAS[5]]);

const DYNALITE = /node_modules\/(dynalite|memory-level|level|abstract-level|level-[\w-]+|lazy|lock|big\.js|buffer-crc32|async|module-error|maybe-combine-errors|functional-red-black-tree)\//;

export const areaOf = (frame: ProfileNode['callFrame']): Area | 'idle' => {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'program (V8/native, no JS frame)';
  if (DYNALITE.test(url)) return 'emulator: dynalite';
  if (url.includes('/node_modules/@aws-sdk/') || url.includes('/node_modules/@smithy/') || url.includes('/node_modules/@aws-crypto/')) return 'AWS SDK (@aws-sdk, @smithy)';
  if (url.includes('/node_modules/ws/')) return 'ws library';
  if (url.includes('/node_modules/')) return 'other node_modules';
  if (url.includes('/lambdas/')) return 'gateway (lambdas/)';
  if (url.includes('/local/websocket-emulator')) return 'emulator: API Gateway WebSocket (local/websocket-emulator.ts)';
  if (url.includes('/local/bedrock/')) return 'emulator: Bedrock endpoint (local/bedrock/)';
  if (url.includes('/local/')) return 'other local/ (stack wiring, console log)';
  if (url.includes('/bench/')) return 'bench clients (bench/)';
  return 'node internals';
};

export interface ProfileSummary {
  /** Sampled CPU (ms), idle excluded. */
  readonly busyMs: number;
  readonly selfMs: ReadonlyMap<Area, number>;
  /** Each sample charged to the nearest frame of this repository or dynalite on its stack (else its leaf's area). */
  readonly ownerMs: ReadonlyMap<Area, number>;
  /** Self time per function, `area | name (file:line)`. */
  readonly functions: ReadonlyMap<string, { readonly area: Area; readonly ms: number }>;
}

export const summarise = (profile: CpuProfile): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownerCache = new Map<number, Area | 'idle'>();
  const ownerOf = (id: number): Area | 'idle' => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const leaf = areaOf(byId.get(id)!.callFrame);
    let owner: Area | 'idle' = leaf;
    if (leaf !== 'idle' && !OWNER_AREAS.has(leaf)) {
      for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
        const area = areaOf(byId.get(up)!.callFrame);
        if (area !== 'idle' && OWNER_AREAS.has(area)) {
          owner = area;
          break;
        }
      }
    }
    ownerCache.set(id, owner);
    return owner;
  };
  const selfMs = new Map<Area, number>();
  const ownerMs = new Map<Area, number>();
  const functions = new Map<string, { area: Area; ms: number }>();
  let busyMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const node = byId.get(id)!;
    const area = areaOf(node.callFrame);
    if (area === 'idle') return;
    busyMs += ms;
    selfMs.set(area, (selfMs.get(area) ?? 0) + ms);
    const owner = ownerOf(id);
    if (owner !== 'idle') ownerMs.set(owner, (ownerMs.get(owner) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} (${url.replace(/^.*\/(node_modules\/|lambdas\/|local\/|bench\/)/, '$1') || 'native'}:${lineNumber + 1})`;
    const entry = functions.get(key) ?? { area, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  });
  return { busyMs, selfMs, ownerMs, functions };
};

export const readProfile = (file: string): CpuProfile => JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;

/** A markdown report: areas (self and owner) and the top functions per area, as ms per request. */
export const report = (summary: ProfileSummary, requests: number, topPerArea = 6): string => {
  const perRequest = (ms: number) => (ms / Math.max(1, requests)).toFixed(2);
  const lines = [`sampled CPU ${summary.busyMs.toFixed(0)} ms over ${requests} requests = ${perRequest(summary.busyMs)} ms per request`, '', '| area | self ms/req | owner ms/req |', '|---|---|---|'];
  for (const area of AREAS) {
    const self = summary.selfMs.get(area) ?? 0;
    const owner = summary.ownerMs.get(area) ?? 0;
    if (self + owner > 0) lines.push(`| ${area} | ${perRequest(self)} | ${perRequest(owner)} |`);
  }
  lines.push('', '| area | function (self) | ms/req |', '|---|---|---|');
  for (const area of AREAS) {
    const top = [...summary.functions.entries()].filter(([, entry]) => entry.area === area).sort((a, b) => b[1].ms - a[1].ms).slice(0, topPerArea);
    for (const [name, entry] of top) lines.push(`| ${area} | ${name.replace(/\|/g, '\\|')} | ${perRequest(entry.ms)} |`);
  }
  return lines.join('\n');
};

if (require.main === module) {
  const [file, requestsText] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/cpu-profile.ts FILE.cpuprofile [requests]\n');
    process.exit(2);
  }
  process.stdout.write(`${report(summarise(readProfile(file)), Number(requestsText ?? 1))}\n`);
}
