function deploy_waves(n, depends) {
  const waiting = new Array(n).fill(0);
  const unlocks = Array.from({ length: n }, () => []);
  for (const [service, dependency] of depends) {
    waiting[service]++;
    unlocks[dependency].push(service);
  }
  let wave = [];
  for (let s = 0; s < n; s++) if (waiting[s] === 0) wave.push(s);
  let waves = 0, deployed = 0;
  while (wave.length) {
    waves++;
    deployed += wave.length;
    const following = [];
    for (const s of wave) {
      for (const t of unlocks[s]) if (--waiting[t] === 0) following.push(t);
    }
    wave = following;
  }
  return deployed === n ? waves : -1;
}
