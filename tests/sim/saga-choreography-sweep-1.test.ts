import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { variantHolds } from './saga-sweep-support.ts';

// Half of choreography's 200-seed sweep; the other half is in saga-choreography-sweep-2.test.ts.
variantHolds(sagaPattern, 'choreography', 1, 100);
