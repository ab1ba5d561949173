def shortest_window(belt, manifest):
    # Ignores how many times a code is needed.
    need = set(manifest)
    best = ""
    for i in range(len(belt)):
        for j in range(i + 1, len(belt) + 1):
            if need <= set(belt[i:j]) and (not best or j - i < len(best)):
                best = belt[i:j]
    return best
