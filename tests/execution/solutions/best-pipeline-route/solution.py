def build(values):
    if not values or values[0] is None:
        return None
    nodes = [[values[0], None, None]]
    queue, i = [nodes[0]], 1
    while queue and i < len(values):
        node = queue.pop(0)
        for side in (1, 2):
            if i < len(values) and values[i] is not None:
                child = [values[i], None, None]
                node[side] = child
                queue.append(child)
            i += 1
    return nodes[0]


def best_route(root):
    best = [float("-inf")]

    def gain(node):
        if node is None:
            return 0
        left = max(gain(node[1]), 0)
        right = max(gain(node[2]), 0)
        best[0] = max(best[0], node[0] + left + right)
        return node[0] + max(left, right)

    gain(build(root))
    return best[0]
