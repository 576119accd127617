import { Timeout, type ProcessContext, type ProcessRuntime } from './process.ts';
import { hashString32 } from './random.ts';
import type { Simulation } from './simulation.ts';

/** One stored message in a topic partition. */
export interface BrokerRecord {
  topic: string;
  partition: number;
  offset: number;
  /** The partition key (an aggregate id): messages with one key stay in order. */
  key: string;
  /** The producer's message id, which consumers use to recognise duplicates. */
  id: string;
  type: string;
  payload: unknown;
  refs: string[];
  /** The trace seq of the append, so a receive can point at it. */
  appendSeq: number;
}

/** A message handed to a consumer, with how many times this consumer group has seen it. */
export interface Delivery {
  record: BrokerRecord;
  deliveryCount: number;
}

/**
 * A log-structured broker in the style of Kafka: topics split into partitions by key, each an
 * append-only log; consumer groups keep committed offsets. Delivery is at-least-once: a
 * consumer that crashes before committing sees the same messages again. The broker itself is
 * durable and does not crash; the links to it do fail (see the fault plan's channels
 * `publish`, `deliver` and `ack`, and partitions against the node `broker`).
 */
export class Broker {
  private readonly logs = new Map<string, BrokerRecord[][]>();
  private readonly committed = new Map<string, number>();
  private readonly deliveries = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(private readonly sim: Simulation) {}

  private partitions(topic: string): BrokerRecord[][] {
    let log = this.logs.get(topic);
    if (!log) {
      log = Array.from({ length: this.sim.settings.partitionsPerTopic }, () => []);
      this.logs.set(topic, log);
    }
    return log;
  }

  /** Every record of a topic in append order (for checks and the inspector). */
  records(topic: string): BrokerRecord[] {
    return this.partitions(topic)
      .flat()
      .sort((a, b) => a.appendSeq - b.appendSeq);
  }

  /** Messages appended but not yet committed by the group (consumer lag). */
  lag(topic: string, group: string): number {
    return this.partitions(topic).reduce((sum, log, p) => sum + log.length - this.committedOffset(group, topic, p), 0);
  }

  committedOffset(group: string, topic: string, partition: number): number {
    return this.committed.get(`${group}/${topic}/${partition}`) ?? 0;
  }

  private append(topic: string, message: Omit<BrokerRecord, 'topic' | 'partition' | 'offset' | 'appendSeq'>, cause: number): void {
    const partition = hashString32(message.key) % this.sim.settings.partitionsPerTopic;
    const log = this.partitions(topic)[partition]!;
    const appendSeq = this.sim.trace.record({
      vt: this.sim.now,
      actor: 'broker',
      kind: 'append',
      label: `${message.type} stored at ${topic}[${partition}]#${log.length}`,
      cause,
      refs: message.refs,
    });
    log.push({ ...message, topic, partition, offset: log.length, appendSeq });
    const waiting = this.waiters.get(topic) ?? [];
    this.waiters.set(topic, []);
    for (const wake of waiting) wake();
  }

  /** Sends a message to the broker and waits for the acknowledgement. */
  publish(
    runtime: ProcessRuntime,
    incarnation: number,
    topic: string,
    message: { key: string; id: string; type: string; payload: unknown; refs?: string[] },
  ): Promise<void> {
    const sim = this.sim;
    const { networkLatencyMs: latency, publishTimeoutMs } = sim.settings;
    const refs = message.refs ?? [];
    const sendSeq = sim.trace.record({
      vt: sim.now,
      actor: runtime.name,
      kind: 'send',
      label: `publish ${message.type}`,
      to: 'broker',
      refs,
    });
    const fate = sim.faults.messageFate('publish', sim.now);
    for (const fired of fate.fired) sim.trace.record({ vt: sim.now, actor: 'network', kind: 'fault', label: fired, cause: sendSeq, refs });
    const cut = sim.faults.isCut(runtime.name, 'broker', sim.now);
    return runtime.wait<void>(incarnation, (token) => {
      runtime.wakeAt(sim.now + publishTimeoutMs, token, incarnation, { error: new Timeout(`publish ${message.type}`) }, () =>
        sim.trace.record({ vt: sim.now, actor: runtime.name, kind: 'timeout', label: `no ack for ${message.type}`, cause: sendSeq, refs }),
      );
      const arrive = sim.now + latency + fate.delayMs;
      // Messages held back by a reorder go now, to land just behind this one.
      for (const send of fate.released) send(arrive + 1);
      if (fate.drop || cut) {
        sim.trace.record({
          vt: sim.now,
          actor: 'network',
          kind: 'drop',
          label: cut ? 'link to broker is cut' : `lost ${message.type}`,
          cause: sendSeq,
          refs,
        });
        return;
      }
      const arrival = () => {
        const { refs: _refs, ...rest } = message;
        this.append(topic, { ...rest, refs }, sendSeq);
        if (fate.duplicate) this.append(topic, { ...rest, refs }, sendSeq);
        if (fate.loseReply || sim.faults.isCut(runtime.name, 'broker', sim.now)) {
          sim.trace.record({
            vt: sim.now,
            actor: 'network',
            kind: 'drop',
            label: `lost the ack for ${message.type}`,
            cause: sendSeq,
            refs,
          });
          return;
        }
        runtime.wakeAt(sim.now + latency, token, incarnation, { value: undefined }, () =>
          sim.trace.record({ vt: sim.now, actor: runtime.name, kind: 'receive', label: `ack ${message.type}`, cause: sendSeq, refs }),
        );
      };
      if (fate.hold) sim.faults.holdBack('publish', (at) => sim.schedule(at, arrival));
      else sim.schedule(arrive, arrival);
    });
  }

  /** A consumer for one group; its read positions live in the consuming process's memory. */
  subscribe(ctx: ProcessContext, topic: string, group: string): Consumer {
    return new Consumer(this, this.sim, ctx, topic, group);
  }

  /** The next record after the given positions, oldest append first. */
  nextAvailable(topic: string, positions: number[], skipPartition?: number): BrokerRecord | undefined {
    let best: BrokerRecord | undefined;
    this.partitions(topic).forEach((log, p) => {
      const record = p === skipPartition ? undefined : log[positions[p] ?? 0];
      if (record && (!best || record.appendSeq < best.appendSeq)) best = record;
    });
    return best;
  }

  /** Counts a delivery of a record to a group and returns how many there have been. */
  countDelivery(group: string, record: BrokerRecord): number {
    const key = `${group}/${record.topic}/${record.partition}/${record.offset}`;
    const count = (this.deliveries.get(key) ?? 0) + 1;
    this.deliveries.set(key, count);
    return count;
  }

  commit(group: string, record: BrokerRecord): void {
    const key = `${group}/${record.topic}/${record.partition}`;
    this.committed.set(key, Math.max(this.committed.get(key) ?? 0, record.offset + 1));
  }

  onAppend(topic: string, wake: () => void): void {
    const list = this.waiters.get(topic) ?? [];
    list.push(wake);
    this.waiters.set(topic, list);
  }
}

/** Reads a topic for a consumer group, at least once. */
export class Consumer {
  private readonly positions: number[];

  constructor(
    private readonly broker: Broker,
    private readonly sim: Simulation,
    private readonly ctx: ProcessContext,
    readonly topic: string,
    readonly group: string,
  ) {
    // A fresh consumer (after a crash too) resumes from the group's committed offsets.
    this.positions = Array.from({ length: sim.settings.partitionsPerTopic }, (_, p) => broker.committedOffset(group, topic, p));
  }

  /** The next message, or null if none arrives within `maxWaitMs`. */
  async next(maxWaitMs: number): Promise<Delivery | null> {
    const sim = this.sim;
    const deadline = sim.now + maxWaitMs;
    for (;;) {
      let record = sim.faults.isCut(this.ctx.name, 'broker', sim.now) ? undefined : this.broker.nextAvailable(this.topic, this.positions);
      if (record) {
        const fate = sim.faults.messageFate('deliver', sim.now);
        // A partition keeps its order, so a reorder lets another partition's next message go first.
        if (fate.hold) record = this.broker.nextAvailable(this.topic, this.positions, record.partition) ?? record;
        for (const fired of fate.fired)
          sim.trace.record({ vt: sim.now, actor: 'network', kind: 'fault', label: fired, cause: record.appendSeq, refs: record.refs });
        if (fate.drop) {
          sim.trace.record({
            vt: sim.now,
            actor: 'network',
            kind: 'drop',
            label: `lost delivery of ${record.type}`,
            cause: record.appendSeq,
            refs: record.refs,
          });
          await this.ctx.sleep(sim.settings.redeliveryMs);
          continue;
        }
        await this.ctx.sleep(sim.settings.networkLatencyMs + fate.delayMs);
        // A duplicated delivery leaves the position where it was, so the same record comes again.
        if (!fate.duplicate) this.positions[record.partition] = Math.max(this.positions[record.partition]!, record.offset + 1);
        const deliveryCount = this.broker.countDelivery(this.group, record);
        sim.trace.record({
          vt: sim.now,
          actor: this.ctx.name,
          kind: 'receive',
          label: `${record.type}${deliveryCount > 1 ? ` (delivery ${deliveryCount})` : ''}`,
          cause: record.appendSeq,
          refs: record.refs,
        });
        return { record, deliveryCount };
      }
      if (sim.now >= deadline) return null;
      const runtime = this.ctx.runtimeForKernel;
      const woken = await runtime.wait<boolean>(this.ctx.incarnation, (token) => {
        runtime.wakeAt(deadline, token, this.ctx.incarnation, { value: false });
        this.broker.onAppend(this.topic, () =>
          runtime.wakeAt(sim.now + sim.settings.networkLatencyMs, token, this.ctx.incarnation, { value: true }),
        );
      });
      if (!woken) return null;
    }
  }

  /** Commits the group's position past this record: after this, a crash will not redeliver it. */
  async commit(delivery: Delivery): Promise<void> {
    const sim = this.sim;
    const { record } = delivery;
    const fate = sim.faults.messageFate('ack', sim.now);
    for (const fired of fate.fired) sim.trace.record({ vt: sim.now, actor: 'network', kind: 'fault', label: fired, refs: record.refs });
    const lost = fate.drop || sim.faults.isCut(this.ctx.name, 'broker', sim.now);
    // A commit held back by a reorder simply arrives later.
    await this.ctx.sleep(sim.settings.networkLatencyMs + fate.delayMs + (fate.hold ? sim.settings.redeliveryMs : 0));
    if (lost) {
      sim.trace.record({ vt: sim.now, actor: 'network', kind: 'drop', label: `lost the commit of ${record.type}`, refs: record.refs });
      return;
    }
    this.broker.commit(this.group, record);
    sim.trace.record({
      vt: sim.now,
      actor: this.ctx.name,
      kind: 'ack',
      label: `committed ${record.type}`,
      cause: record.appendSeq,
      refs: record.refs,
      to: 'broker',
    });
  }
}
