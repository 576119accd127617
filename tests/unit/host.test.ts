import { beforeAll, describe, expect, it } from 'vitest';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import type { PlaygroundReport, RunRequest } from '../../playgrounds/worker/api.ts';
import { PlaygroundHost } from '../../playgrounds/worker/host.ts';
import { sharedTestDatabase } from '../support/database.ts';

// The worker's host, driven the way the page drives it, but in Node (no comlink, no browser).
const db = sharedTestDatabase();
let host: PlaygroundHost;
beforeAll(async () => {
  host = new PlaygroundHost({
    openDatabase: () => Promise.resolve({ db, fromSnapshot: false }),
    nowMs: () => performance.now(),
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
  });
  await host.boot(null);
});

const params = defaultParams(outboxPattern);
const request = (changes: Partial<RunRequest> = {}): RunRequest => ({
  instanceId: 'test',
  pattern: 'outbox',
  seed: 7,
  variant: 'commit-then-publish',
  compare: true,
  plan: 'crash:order-service@after_commit_before_publish*3',
  params,
  ...changes,
});

/** Plays at full speed and polls like the page until the run is over; returns every event. */
async function playToEnd(instanceId: string): Promise<{ report: PlaygroundReport; events: number[] }> {
  host.setSpeed(instanceId, 0);
  host.play(instanceId);
  let cursors = [0, 0];
  for (;;) {
    const report = await host.poll(instanceId, cursors);
    cursors = report.events.map((batch, i) => (cursors[i] ?? 0) + batch.length);
    if (report.status !== 'running' && report.sides.every((side, i) => cursors[i] === side.traceLength)) return { report, events: cursors };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the playground host', () => {
  it('paces a run at its speed, however finely the real clock is sliced', async () => {
    // A fake clock that moves 0.1 ms per reading: slices this short must still add up.
    let fakeMs = 0;
    const paced = new PlaygroundHost({
      openDatabase: () => Promise.resolve({ db, fromSnapshot: false }),
      nowMs: () => (fakeMs += 0.1),
      yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    });
    await paced.boot(null);
    await paced.open(request({ instanceId: 'paced', compare: false, variant: 'correct', plan: '' }));
    paced.setSpeed('paced', 2_000);
    paced.play('paced');
    const startedMs = fakeMs;
    while (fakeMs - startedMs < 3_000) await new Promise((resolve) => setTimeout(resolve, 5));
    paced.pause('paced');
    const elapsedMs = fakeMs - startedMs;
    const { sides } = await paced.poll('paced', [0]);
    // Twice the (fake) real time, give or take the gap to the next scheduled event.
    expect(sides[0]!.vt).toBeGreaterThan(2 * elapsedMs - 1_500);
    expect(sides[0]!.vt).toBeLessThanOrEqual(2 * elapsedMs);
    paced.close('paced');
  });

  it('runs both sides of a comparison to the end with the same hashes as the CLI', async () => {
    await host.open(request());
    const { report, events } = await playToEnd('test');
    expect(report.status).toBe('finished');
    const [naive, correct] = report.sides;
    expect(naive?.invariants.find((i) => i.name === 'no-lost-events')?.ok).toBe(false);
    expect(correct?.invariants.every((i) => i.ok === true)).toBe(true);
    const cli = await runOnce(outboxPattern, db, { seed: 7, variant: 'commit-then-publish', plan: request().plan, params });
    expect(naive?.traceHash).toBe(cli.traceHash);
    expect(events[0]).toBe(cli.events);
  });

  it('records an intervention into the plan, so the plan replays it exactly', async () => {
    await host.open(request({ compare: false, variant: 'correct', plan: '' }));
    await host.seek('test', 2_000);
    expect(await host.inject('test', 'crash:relay-1@0ms')).toBeNull();
    const { report } = await playToEnd('test');
    const plan = report.sides[0]!.plan;
    expect(plan).toMatch(/^crash:relay-1@\d+ms$/);
    await host.open(request({ compare: false, variant: 'correct', plan }));
    const replay = await playToEnd('test');
    expect(replay.report.sides[0]!.traceHash).toBe(report.sides[0]!.traceHash);
  });

  it('refuses bad input with a message and keeps the current run', async () => {
    await host.open(request({ compare: false }));
    await expect(host.open(request({ plan: 'crash:ghost@after_claim' }))).rejects.toThrow(/no process "ghost"/);
    await expect(host.open(request({ pattern: 'nope' }))).rejects.toThrow(/unknown pattern/);
    await expect(host.open(request({ params: { ...params, orders: 10_000 } }))).rejects.toThrow(/between 4 and 60/);
    expect(await host.inject('test', 'explode:everything')).toMatch(/unknown fault kind/);
    expect(() => host.setSpeed('test', -1)).toThrow(/speed/);
    const report = await host.poll('test', [0]);
    expect(report.status).toBe('ready');
  });

  it('answers read-only queries and refuses writes without changing anything', async () => {
    await host.open(request({ compare: false, variant: 'correct', plan: '' }));
    await playToEnd('test');
    const before = await host.query('test', 0, 'SELECT count(*)::int AS n FROM orders');
    expect(before).toMatchObject({ ok: true, columns: ['n'] });
    const write = await host.query('test', 0, 'DELETE FROM orders');
    expect(write).toMatchObject({ ok: false });
    expect(write.ok ? '' : write.error).toMatch(/read-only/);
    const chained = await host.query('test', 0, 'SELECT 1; DELETE FROM orders');
    expect(chained.ok).toBe(false);
    const qualified = await host.query('test', 0, 'SELECT * FROM orders.outbox');
    expect(qualified.ok ? '' : qualified.error).toMatch(/unqualified/);
    expect(await host.query('test', 0, 'SELECT count(*)::int AS n FROM orders')).toEqual({ ...before, ms: expect.any(Number) as number });
  });

  it('resumes a run over the rows an earlier one committed, instead of starting empty', async () => {
    const story = { ...defaultParams(checkpointingPattern), items: 200, chunkSize: 20, standby: 0 };
    const job = (changes: Partial<RunRequest>): RunRequest => ({
      instanceId: 'job',
      pattern: 'checkpointing',
      seed: 1,
      variant: 'correct',
      compare: false,
      plan: '',
      params: story,
      ...changes,
    });
    await host.open(job({}));
    await host.seek('job', 4_500);
    const before = await host.query('job', 0, 'SELECT last_id::int AS last_id FROM job_checkpoints');
    const savedAt = before.ok ? Number(before.rows[0]![0]) : 0;
    expect(savedAt).toBeGreaterThan(0);
    // The machine "restarts": a new run on the same schemas carries on from the checkpoint.
    await host.open(job({ resume: true }));
    const { report } = await playToEnd('job');
    expect(report.sides[0]!.invariants.filter((r) => !r.ok)).toEqual([]);
    const invoices = await host.query('job', 0, 'SELECT count(*)::int AS n, count(DISTINCT source_id)::int AS d FROM invoices');
    expect(invoices.ok && invoices.rows[0]).toEqual([200, 200]);
    const epochs = await host.query('job', 0, 'SELECT epoch FROM job_checkpoints');
    expect(epochs.ok && epochs.rows[0]![0]).toBe(2);
    // Without resume, the same request starts from nothing.
    await host.open(job({}));
    const fresh = await host.query('job', 0, 'SELECT count(*)::int AS n FROM invoices');
    expect(fresh.ok && fresh.rows[0]![0]).toBe(0);
  });

  it('runs a parameter sweep point by point, between other work, and can cancel it', async () => {
    const started = await host.sweep({ instanceId: 'curve', pattern: 'checkpointing', sweep: 'checkpointing-interval', settings: {} });
    expect(started.status).toBe('running');
    expect(started.optimum?.x).toBeCloseTo(Math.sqrt(2 * 30_000 * 1_800_000));
    // A playground keeps answering while the sweep runs.
    await host.open(request({ compare: false, variant: 'correct', plan: '' }));
    let report = await host.pollSweep('curve');
    while (report.points.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      report = await host.pollSweep('curve');
    }
    expect((await host.poll('test', [0])).status).toBe('ready');
    host.cancelSweep('curve');
    report = await host.pollSweep('curve');
    expect(report.status).toBe('cancelled');
    expect(report.points.every((p) => p.broken.length === 0 && p.y !== null && p.y > 0)).toBe(true);
    expect(report.points.map((p) => p.value)).toEqual([6, 12, 18, 30, 45, 60, 90, 120, 180, 270, 360].slice(0, report.points.length));
  });

  it('answers a sweep with bad settings by an error report', async () => {
    const report = await host.sweep({
      instanceId: 'bad',
      pattern: 'checkpointing',
      sweep: 'checkpointing-interval',
      settings: { mtbfMs: 5 },
    });
    expect(report.status).toBe('error');
    expect(report.error).toMatch(/MTBF/);
    expect((await host.sweep({ instanceId: 'bad', pattern: 'checkpointing', sweep: 'nope', settings: {} })).error).toMatch(/unknown sweep/);
  });
});
