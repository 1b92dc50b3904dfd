/** The messages between the kernel in the page and its worker. */
import type { Outcome, SessionEvent } from "./session";

export type ToWorker =
  | { type: "init"; staticBase: string; env: Record<string, string>; files: Record<string, string> }
  | { type: "execute"; id: number; code: string }
  | { type: "names"; id: number };

export type FromWorker =
  | { type: "ready" }
  | { type: "init-error"; message: string }
  | { type: "event"; id: number; event: SessionEvent }
  | { type: "outcome"; id: number; outcome: Outcome }
  | { type: "names"; id: number; names: string[] };
