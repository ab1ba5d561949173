def connected(n, tracks, a, b):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in tracks:
        parent[find(x)] = find(y)
    return find(a) == find(b)
