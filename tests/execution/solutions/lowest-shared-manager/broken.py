def lowest_shared_manager(root, a, b):
    parent = {root[0]: None}
    queue, i = [root[0]], 1
    while queue and i < len(root):
        node = queue.pop(0)
        for _ in range(2):
            if i < len(root) and root[i] is not None:
                parent[root[i]] = node
                queue.append(root[i])
            i += 1
    ancestors = set()
    while a is not None:
        ancestors.add(a)
        a = parent[a]
    b = parent[b] if parent[b] is not None else b
    while b not in ancestors:
        b = parent[b]
    return b
