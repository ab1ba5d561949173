function has_conflict(bookings) {
  const ordered = [...bookings].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i][0] <= ordered[i - 1][1]) return true;
  }
  return false;
}
