function platforms_needed(trains) {
  const events = [];
  for (const [arrive, depart] of trains) events.push([arrive, 0], [depart, 1]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let busy = 0, best = 0;
  for (const [, leaving] of events) {
    busy += leaving ? -1 : 1;
    best = Math.max(best, busy);
  }
  return best;
}
