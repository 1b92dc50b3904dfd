/**
 * The browser's stand-in for tslab's internal module `tslab/dist/jupyter`: the library's notebook entry
 * (src/notebook/kernel.ts) reads `lastWriteDisplayData` from it to send display outputs. The kernel sets it while
 * a cell runs, to its own display_data / update_display_data sender.
 */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export const tslabJupyter: { lastWriteDisplayData: ((msg: DisplayContent, update: boolean) => void) | null } = {
  lastWriteDisplayData: null,
};
