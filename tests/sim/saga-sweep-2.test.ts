import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { correctVariantHolds } from './sweep-support.ts';

// A quarter of the orchestrator's 200-seed sweep: it runs twice the transactions per trip that
// choreography does, so four files of 50 keep each under a minute. The rest is in saga-sweep-N.test.ts, N in {1, 3, 4}.
correctVariantHolds(sagaPattern, 51, 100);
