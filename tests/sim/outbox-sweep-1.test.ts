import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { correctVariantHolds } from './sweep-support.ts';

// Half of the 200-seed sweep; the other half is in outbox-sweep-2.test.ts, so two workers share it.
correctVariantHolds(outboxPattern, 1, 100);
