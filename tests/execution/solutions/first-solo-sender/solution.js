function first_solo_sender(senders) {
  const counts = new Map();
  for (const name of senders) counts.set(name, (counts.get(name) || 0) + 1);
  return senders.find((name) => counts.get(name) === 1) ?? "";
}
