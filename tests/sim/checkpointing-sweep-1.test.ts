import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { correctVariantHolds } from './sweep-support.ts';

// Half of the 200-seed sweep; the other half is in checkpointing-sweep-2.test.ts, so two workers share it.
correctVariantHolds(checkpointingPattern, 1, 100);
