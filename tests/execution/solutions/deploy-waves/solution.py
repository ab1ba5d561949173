def deploy_waves(n, depends):
    waiting = [0] * n
    unlocks = [[] for _ in range(n)]
    for service, dependency in depends:
        waiting[service] += 1
        unlocks[dependency].append(service)
    wave = [s for s in range(n) if waiting[s] == 0]
    waves = deployed = 0
    while wave:
        waves += 1
        deployed += len(wave)
        following = []
        for s in wave:
            for t in unlocks[s]:
                waiting[t] -= 1
                if waiting[t] == 0:
                    following.append(t)
        wave = following
    return waves if deployed == n else -1
