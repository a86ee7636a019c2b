/**
 * A V8 CPU profile (`Profiler.stop`'s answer, what `node --cpu-prof` writes) summed up for the
 * README: busy time (idle and "program" left out) and the top entries by inclusive time, each
 * entry a source file of the app or a package, counted once per sampled stack.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  busyMs: number;
  /** Inclusive share of busy time, by app file (`src/...`) or package (`pkg:name`), highest first. */
  inclusive: Array<{ entry: string; percent: number }>;
  /** Self share of busy time, by function, highest first. */
  self: Array<{ entry: string; percent: number }>;
}

const IDLE = new Set(["(idle)", "(program)"]);

/** `src/flows/x.ts`, `pkg:@octokit/request`, `node:net`; the profiler's internals as they are. */
export const entryOf = (url: string): string => {
  if (!url) return "";
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = path.slice(modules + "node_modules/".length).split("/");
    return `pkg:${parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const source = path.search(/\/(src|bench|test)\//);
  return source >= 0 ? path.slice(source + 1) : path;
};

export const summarizeProfile = (profile: CpuProfile, top = 12): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  let busy = 0;
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  profile.samples.forEach((sampled, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const leaf = byId.get(sampled)!;
    if (IDLE.has(leaf.callFrame.functionName)) return;
    busy += delta;
    const name = `${leaf.callFrame.functionName || "(anonymous)"} ${entryOf(leaf.callFrame.url)}`.trim();
    self.set(name, (self.get(name) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = sampled; id !== undefined; id = parent.get(id)) {
      const entry = entryOf(byId.get(id)!.callFrame.url);
      if (!entry || seen.has(entry)) continue;
      seen.add(entry);
      inclusive.set(entry, (inclusive.get(entry) ?? 0) + delta);
    }
  });
  const ranked = (totals: Map<string, number>) =>
    [...totals].sort((a, b) => b[1] - a[1]).slice(0, top).map(([entry, time]) => ({ entry, percent: busy ? (100 * time) / busy : 0 }));
  return { busyMs: busy / 1000, inclusive: ranked(inclusive), self: ranked(self) };
};
