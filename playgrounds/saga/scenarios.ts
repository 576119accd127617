import type { PlaygroundPreset } from '../kernel/pattern.ts';

/**
 * The playgrounds the article embeds. Seeds are pinned so the story in the prose is the
 * story the reader sees; the tests replay each one and check it still shows what it claims.
 */
export const sagaPlaygrounds: readonly PlaygroundPreset[] = [
  {
    id: 'saga-crash',
    title: 'The orchestrator dies mid-trip',
    variant: 'in-memory',
    compare: true,
    seed: 1,
    plan: 'crash:orchestrator@between_steps*2',
    prompt:
      'Both orchestrators book trip 1’s flight and hotel, then crash before the car. The in-memory one comes back knowing nothing: trip 1 stays in flight for ever, holding a seat and a room nobody will pay for. The one that keeps its sagas in Postgres reads them after the restart, sends the car booking again and completes every trip.',
  },
  {
    id: 'saga-late-booking',
    title: 'A cancel that overtakes its booking',
    variant: 'in-memory',
    compare: true,
    seed: 12,
    plan: 'delay:publish@2055ms+2500ms,drop:publish@2300ms',
    params: { tripGapMs: 1_500, deadlineMs: 900, undoRefusalPercent: 0 },
    prompt:
      'Trip 1’s hotel booking is held up in the network for two and a half seconds, and its retry is lost. Both sides give up on the trip and cancel it; the cancel reaches the hotel first. The naive hotel finds nothing to cancel, so the late booking then holds a room for a trip that was undone. The careful hotel leaves a tombstone, and the late booking finds it and does nothing.',
  },
  {
    id: 'saga-choreography',
    title: 'Orchestration or choreography',
    variant: 'choreography',
    compare: true,
    seed: 5,
    plan: 'crash:hotel@after_commit_before_reply*2,dup:deliver*7',
    prompt:
      'The same six trips, with the same sold-out offers and declined cards, booked by services reacting to each other’s events on one side and by an orchestrator on the other. Both settle every trip. Compare the messages per trip, then ask the SQL inspector what state trip 2 is in: one row of sagas under orchestration, four services’ tables under choreography.',
  },
  {
    id: 'saga-two-phase-commit',
    title: 'Two-phase commit and a slow hotel',
    variant: 'two-phase-commit',
    compare: true,
    seed: 1,
    plan: 'slow:hotel@0ms+400ms',
    prompt:
      'The hotel takes 400 ms longer than usual for everything it does. On the left, two coordinators book the six trips with two-phase commit: each seat, room and car stays locked from its vote until the decision reaches it, and the slow hotel is slow to hear both. Trips wait behind each other’s locks; one of six completes, and it is charged after its deadline. On the right, the orchestrated saga holds one seat per trip rather than a whole row, and completes three.',
  },
];
