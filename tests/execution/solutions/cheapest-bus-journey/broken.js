function cheapest_journey(n, routes, start, end, maxRides) {
  let cost = new Array(n).fill(Infinity);
  cost[start] = 0;
  for (let ride = 0; ride <= maxRides; ride++) {
    const next = cost.slice();
    for (const [a, b, fare] of routes) {
      if (cost[a] + fare < next[b]) next[b] = cost[a] + fare;
    }
    cost = next;
  }
  return cost[end] === Infinity ? -1 : cost[end];
}
