import { describe, expect, it } from "vitest";
import { CallTimer } from "./timer";

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("CallTimer", () => {
  it("is idle at 0 before starting", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    advance(5000);
    expect(timer.running).toBe(false);
    expect(timer.elapsedSeconds()).toBe(0);
  });

  it("counts whole seconds while running", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    timer.start();
    expect(timer.running).toBe(true);
    advance(1999);
    expect(timer.elapsedSeconds()).toBe(1);
    advance(1);
    expect(timer.elapsedSeconds()).toBe(2);
  });

  it("freezes on stop and keeps the value", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    timer.start();
    advance(65_400);
    timer.stop();
    advance(10_000);
    expect(timer.running).toBe(false);
    expect(timer.elapsedSeconds()).toBe(65);
    timer.stop();
    expect(timer.elapsedSeconds()).toBe(65);
  });

  it("ignores start while running", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    timer.start();
    advance(3000);
    timer.start();
    advance(2000);
    expect(timer.elapsedSeconds()).toBe(5);
  });

  it("starts a new call from zero after a stop; reset clears", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    timer.start();
    advance(30_000);
    timer.stop();
    timer.start();
    advance(4000);
    expect(timer.elapsedSeconds()).toBe(4);
    timer.reset();
    expect(timer.running).toBe(false);
    expect(timer.elapsedSeconds()).toBe(0);
  });

  it("never goes negative if the clock steps back", () => {
    const { clock, advance } = fakeClock();
    const timer = new CallTimer(clock);
    timer.start();
    advance(-5000);
    expect(timer.elapsedSeconds()).toBe(0);
  });
});
