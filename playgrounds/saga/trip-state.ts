/**
 * "What state is trip 7 in?", asked of each variant's tables, unqualified as the SQL inspector
 * takes them. Under orchestration it is one row of one table in one database. Under
 * choreography nobody owns the answer: it is pieced together from four services' tables,
 * which in production are four databases, and it says what happened, not what comes next.
 */
export function tripStateQuery(variant: 'correct' | 'choreography', tripId: number): string {
  const id = Math.trunc(tripId);
  if (variant === 'correct') return `SELECT trip_id, state, step FROM sagas WHERE trip_id = ${id}`;
  const statuses = (table: string) => `(SELECT string_agg(status, ', ' ORDER BY seq) FROM ${table} WHERE trip_id = t.id)`;
  return `SELECT t.id AS trip_id,
       ${statuses('flight_bookings')} AS flight,
       ${statuses('hotel_bookings')} AS hotel,
       ${statuses('car_bookings')} AS car,
       ${statuses('charges')} AS payment
  FROM trips t WHERE t.id = ${id}`;
}
