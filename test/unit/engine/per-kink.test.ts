// Per-application kink policies (policies.perKink): each application and element of a primitive may take its
// own element of the Clarke set, validated against the key's range.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { grad, jacobian, policies, tensor, kinkReport } from "../../../src";
import type { KinkSlot } from "../../../src";

describe("policies.perKink", () => {
  const sq = (v: any) => N.add(N.abs(N.at(v, 0)), N.abs(N.at(v, 1)));

  it("lets two applications of abs choose different elements (a vertex of the square)", () => {
    const seen: KinkSlot[] = [];
    const probe = policies.perKink(policies.pytorch, (s) => {
      seen.push(s);
      return undefined;
    });
    expect(grad(sq, [0, 0], { policy: probe })).toEqual([0, 0]); // falls back to pytorch's abs'(0) = 0
    expect(seen.map((s) => s.key)).toEqual(["abs", "abs"]);
    const [first, second] = seen.map((s) => s.node).sort((a, b) => a - b); // the backward pass meets them last first
    expect(first).not.toBe(second);
    const p = policies.perKink(policies.pytorch, (s) => (s.key === "abs" ? (s.node === first ? 1 : -1) : undefined));
    expect(grad(sq, [0, 0], { policy: p })).toEqual([1, -1]);
  });

  it("chooses per element of one vector application, the same in both modes", () => {
    const p = policies.perKink(policies.pytorch, (s) => (s.key === "relu" ? s.element / 2 : undefined));
    const J = jacobian(N.relu, [0, 0, 0], { policy: p, mode: "forward" });
    expect(J.toArray()).toEqual([
      [0, 0, 0],
      [0, 0.5, 0],
      [0, 0, 1],
    ]);
    expect(jacobian(N.relu, [0, 0, 0], { policy: p, mode: "reverse" }).toArray()).toEqual(J.toArray());
  });

  it("picks one tied entry of a max reduction by its index", () => {
    const f = (v: any) => N.max(v);
    for (const j of [0, 1, 2]) {
      const p = policies.perKink(policies.pytorch, (s) => (s.key === "maxTies" ? j : undefined));
      const g = grad(f, [3, 3, 3], { policy: p });
      expect(g).toEqual([0, 1, 2].map((i) => (i === j ? 1 : 0)));
    }
    let ties = -1;
    grad(f, tensor([1, 5, 5, 0]), {
      policy: policies.perKink(policies.pytorch, (s) => ((ties = s.ties ?? -1), undefined)),
    });
    expect(ties).toBe(2);
  });

  it("refuses choices outside the Clarke set, naming the key and the range", () => {
    const bad = policies.perKink(policies.pytorch, (s) => (s.key === "relu" ? 2 : undefined));
    expect(() => grad(N.relu, 0, { policy: bad })).toThrow(
      "the choice 2 for relu is outside the Clarke set: allowed range is [0, 1]",
    );
    const badTie = policies.perKink(policies.pytorch, () => 5);
    expect(() => grad((v: any) => N.max(v), [1, 1], { policy: badTie })).toThrow(
      /must be the index of one of the 2 tied entries/,
    );
    const badBound = policies.perKink(policies.pytorch, (s) => (s.key === "clip.upper" ? -0.5 : undefined));
    expect(() => grad((t: any) => N.clip(t, -1, 1), 1, { policy: badBound })).toThrow(
      "the choice -0.5 for clip.upper is outside the Clarke set",
    );
  });

  it("is described as a per-application choice in the kink report", () => {
    const p = policies.perKink(policies.tfjs, () => undefined);
    const r = kinkReport((v: any) => N.max(v), [1, 1], { policy: p });
    expect(r.entries[0].choice).toMatch(/per application/);
    expect(r.outsideClarke).toEqual([]);
  });
});
