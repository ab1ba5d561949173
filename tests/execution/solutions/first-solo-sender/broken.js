function first_solo_sender(senders) {
  const counts = new Map();
  for (const name of senders) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) || 0) + 1);
  return senders.find((name) => counts.get(name.toLowerCase()) === 1) ?? "";
}
