import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import { correctVariantHolds } from './sweep-support.ts';

// Half of the 200-seed sweep; the other half is in state-machines-sweep-2.test.ts, so two workers share it.
correctVariantHolds(stateMachinesPattern, 1, 100);
