def leaf_total(root):
    if not root:
        return 0
    children = {0: []}
    queue, i = [0], 1
    while queue and i < len(root):
        node = queue.pop(0)
        for _ in range(2):
            if i < len(root) and root[i] is not None:
                children[node].append(i)
                children[i] = []
                queue.append(i)
            i += 1
    return sum(root[node] for node, kids in children.items() if not kids)
