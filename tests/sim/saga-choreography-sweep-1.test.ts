import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { correctVariantHolds } from './sweep-support.ts';

// Half of choreography's 200-seed sweep; the other half is in saga-choreography-sweep-2.test.ts.
correctVariantHolds(sagaPattern, 1, 100, 'choreography');
