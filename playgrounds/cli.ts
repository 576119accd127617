/**
 * `npm run sim -- <pattern> [--seed N | --seeds A..B] [--variant correct|naive|NAME]
 *                [--faults PLAN|random] [--param name=value ...] [--json] [--base PATH]`
 *
 * Runs seeds headless against real PGlite and prints each run's outcome: the faults that
 * fired, every invariant, the trace hash and a link that replays the run in the browser.
 * Exits 1 when a correct variant breaks an invariant, 2 on bad arguments.
 */
import { openDatabase } from './db/pglite.ts';
import { parsePlan } from './kernel/faults.ts';
import { resolveParams, resolveVariant, type Pattern } from './kernel/pattern.ts';
import { patterns } from './registry.ts';
import { runOnce, sweepPlan, type RunOutcome } from './sweep.ts';

interface Options {
  pattern: Pattern;
  seeds: number[];
  variant: string;
  faults: string;
  params: Record<string, number>;
  json: boolean;
  base: string;
}

const USAGE = `usage: npm run sim -- <pattern> [--seed N | --seeds A..B] [--variant correct|naive|NAME]
                      [--faults PLAN|random] [--param name=value] [--json] [--base /subfolder]
patterns: ${Object.keys(patterns).join(', ')}`;

class UsageError extends Error {}

function parseSeeds(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from || to - from >= 100_000) throw new UsageError(`--seeds ${text}: give A..B with A <= B and at most 100000 seeds`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  if (/^\d+$/.test(text)) return [Number(text)];
  throw new UsageError(`seed "${text}" must be a whole number, or a range like 1..200`);
}

function parseArgs(argv: string[]): Options {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) throw new UsageError('name a pattern first');
  const pattern = patterns[name] ?? Object.values(patterns).find((p) => p.articleSlug === name);
  if (!pattern) throw new UsageError(`unknown pattern "${name}"`);
  const options: Options = { pattern, seeds: [1], variant: 'correct', faults: 'random', params: {}, json: false, base: '' };
  const given: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--seed' || flag === '--seeds') options.seeds = parseSeeds(value());
    else if (flag === '--variant') options.variant = value();
    else if (flag === '--faults') options.faults = value();
    else if (flag === '--json') options.json = true;
    else if (flag === '--base') options.base = value().replace(/\/$/, '');
    else if (flag === '--param') {
      const [key, v] = value().split('=');
      if (!key || v === undefined) throw new UsageError('--param takes name=value');
      given[key] = v;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  const variant = resolveVariant(pattern, options.variant);
  if (!variant) throw new UsageError(`unknown variant "${options.variant}" (naive, ${pattern.variants.map((v) => v.name).join(', ')})`);
  options.variant = variant.name;
  const params = resolveParams(pattern, given);
  if (!params.ok) throw new UsageError(params.error);
  options.params = params.value;
  if (options.faults !== 'random') {
    const plan = parsePlan(options.faults);
    if (!plan.ok) throw new UsageError(`--faults: ${plan.error}`);
  }
  return options;
}

function printHuman(outcome: RunOutcome, base: string): void {
  const verdict = outcome.ok ? 'ok    ' : 'BROKEN';
  console.log(`${verdict} seed ${outcome.seed} ${outcome.variant} [${outcome.plan || 'no faults'}] trace ${outcome.traceHash}`);
  for (const inv of outcome.invariants)
    if (!inv.ok) console.log(`         ✗ ${inv.name}: ${inv.violations} violation(s), e.g. ${inv.first ?? '?'}`);
  if (!outcome.ok) console.log(`         replay: ${base}${outcome.link}`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const { pattern, params } = options;
  const db = await openDatabase();
  const outcomes: RunOutcome[] = [];
  for (const seed of options.seeds) {
    const plan = options.faults === 'random' ? sweepPlan(pattern, options.variant, params, seed) : options.faults;
    try {
      const outcome = await runOnce(pattern, db, { seed, variant: options.variant, plan, params });
      outcomes.push(outcome);
      if (!options.json) printHuman(outcome, options.base);
    } catch (error) {
      console.error(`seed ${seed}: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
  }
  await db.close();
  const broken = outcomes.filter((o) => !o.ok);
  const correctBroken = broken.filter((o) => !o.naive);
  if (options.json) {
    console.log(
      JSON.stringify(
        { runs: outcomes, summary: { runs: outcomes.length, broken: broken.length, peakRssBytes: process.resourceUsage().maxRSS * 1024 } },
        null,
        2,
      ),
    );
  } else {
    console.log(
      `\n${outcomes.length} run(s), ${broken.length} broke an invariant${correctBroken.length > 0 ? ` — ${correctBroken.length} of them with the CORRECT variant` : ''}`,
    );
  }
  return correctBroken.length > 0 ? 1 : 0;
}

process.exitCode = await main();
