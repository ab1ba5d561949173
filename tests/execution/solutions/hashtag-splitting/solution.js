function can_split(tag, words) {
  const known = new Set(words);
  const ok = [true];
  for (let end = 1; end <= tag.length; end++) {
    ok[end] = false;
    for (let start = 0; start < end && !ok[end]; start++) {
      if (ok[start] && known.has(tag.slice(start, end))) ok[end] = true;
    }
  }
  return ok[tag.length];
}
